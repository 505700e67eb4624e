#!/usr/bin/env bash
# valgrind.sh - runs the end-to-end tests with every driftwatch call under
# valgrind --leak-check=full; a definite leak or a memory error fails the
# call (exit 99), and so the test. Only definite leaks are shown: the TLS
# block of a GLib pool thread still ending at exit ("possibly lost", the
# audit's parse workers) is no leak, and printed it would fail the tests
# that check stderr is empty. Prints the tests' TAP.
#
# usage: tests/valgrind.sh [BUILD-DIR [NAME...]]
#   (default: build; not a sanitizer build). NAMEs (e2e_cli or cli) run
#   only those tests, excluded ones too.
#
# The tests are meson's own list (tests/meson.build, through meson
# introspect): every e2e test whose script is tests/e2e/test_*.sh, with the
# environment meson gives it, less these, where valgrind costs much and
# checks little:
#   e2e_html       headless Chromium on a generated 20,000-commit history
#                  (600 s without valgrind)
#   e2e_corpus     bench/accuracy.sh over the whole labelled corpus, not a
#                  tests/e2e script
#   e2e_hcl_diff   compares tests/hcl_dump with hcl2json: no driftwatch call
#   e2e_hook_budget  what it tests is the gate's time and memory budgets,
#                  which valgrind's slowdown and its own memory change
#   e2e_watch_session  races several watchers and times their start and
#                  reloads against windows of a few seconds: under valgrind
#                  half its cases miss them (e2e_watch, which checks the
#                  watcher's clean exit on SIGTERM, runs)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$root/build}" && pwd)
shift $(($# > 0 ? 1 : 0))
excluded="e2e_html e2e_corpus e2e_hcl_diff e2e_hook_budget e2e_watch_session"
wrapper=$(mktemp -d)/driftwatch
tap=$(dirname "$wrapper")/tap
trap 'rm -rf "$(dirname "$wrapper")"' EXIT

cat >"$wrapper" <<WRAP
#!/bin/sh
export G_SLICE=always-malloc
exec valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 \\
	--suppressions="$root/tests/valgrind.supp" "$builddir/cli/driftwatch" "\$@"
WRAP
chmod +x "$wrapper"

# One line a test: its name, its script and its environment (KEY=VALUE),
# tab-separated, in meson's order.
tests=$(meson introspect "$builddir" --tests | python3 -c '
import json, os, sys
e2e = os.path.join(sys.argv[1], "tests", "e2e") + os.sep
for t in json.load(sys.stdin):
    script = t["cmd"][0]
    if any(s.endswith(":e2e") or s == "e2e" for s in t["suite"]) and script.startswith(e2e):
        print("\t".join([t["name"], script] + ["%s=%s" % kv for kv in t["env"].items()]))
' "$root") || { echo "Bail out! meson introspect $builddir --tests failed"; exit 1; }
[ -n "$tests" ] || { echo "Bail out! no e2e tests in $builddir"; exit 1; }

# wanted NAME: whether to run the test NAME: one named on the command
# line, else one not excluded.
wanted() {
	local want
	[ $# -gt 1 ] || { [[ " $excluded " != *" $1 "* ]]; return; }
	for want in "${@:2}"; do
		[ "$1" = "$want" ] || [ "$1" = "e2e_$want" ] && return 0
	done
	return 1
}

status=0 ran=0
while IFS=$'\t' read -r -u 3 -a t; do
	wanted "${t[0]}" "$@" || continue
	echo "# ${t[0]} under valgrind"
	ran=$((ran + 1))
	# The server hook install-hook writes runs the binary itself: point it
	# at the wrapper too, so the gate runs under valgrind on real pushes.
	st=0
	# DW_TEST_SLOWDOWN: a test's overall timeout (the watcher tests') is
	# three times its own.
	env "${t[@]:2}" DRIFTWATCH="$wrapper" DW_HOOK_EXEC="$wrapper" SRCDIR="$root" DW_TEST_SLOWDOWN=3 \
		"${t[1]}" |
		tee "$tap" || st=$?
	[ "$st" -eq 0 ] && continue
	status=1
	# A test that failed without saying so (killed by its timeout, say)
	# must not pass silently in the totals.
	grep -q "^not ok" "$tap" || echo "not ok - ${t[0]} exited with status $st under valgrind"
done 3<<<"$tests"
[ "$ran" -gt 0 ] || { echo "Bail out! no e2e test named $*"; exit 1; }
exit $status
