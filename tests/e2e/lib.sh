# lib.sh - a small TAP harness for driftwatch's end-to-end tests.
#
# Each test runs the built driftwatch hermetically: its own temporary
# repositories, no user git config, its own exit status checked.
# Sourced by tests/e2e/test_*.sh with DRIFTWATCH and SRCDIR set.

set -u

: "${DRIFTWATCH:?DRIFTWATCH must name the built driftwatch}"
: "${SRCDIR:?SRCDIR must name the source tree}"

export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Test Author" GIT_AUTHOR_EMAIL="author@example.com"
export GIT_COMMITTER_NAME="Test Committer" GIT_COMMITTER_EMAIL="committer@example.com"
export NO_COLOR=1
unset DRIFTWATCH_RULES

TAP_N=0
TAP_FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dw-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# No user rule file ($XDG_CONFIG_HOME/driftwatch/rules.yml) unless a test writes one.
export XDG_CONFIG_HOME="$WORK/config"
# A private audit cache ($XDG_CACHE_HOME/driftwatch/audit.db), never the user's.
export XDG_CACHE_HOME="$WORK/cache"

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
}

# same NAME GOT EXPECTED: passes when the two strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi
}

# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name" "$out"
	fi
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# A fresh repository in $WORK/NAME; prints its path.
new_repo() {
	local dir="$WORK/$1"
	git init -q -b main "$dir"
	echo "$dir"
}

# refs_repo: a repository with one commit, a branch feature/open-es and a
# tag v1 (the completion tests' revisions); prints its path.
refs_repo() {
	local dir
	dir=$(new_repo refs)
	git -C "$dir" commit -q --allow-empty -m "first"
	git -C "$dir" branch feature/open-es
	git -C "$dir" tag v1
	echo "$dir"
}

# commit DIR MESSAGE: commits everything in DIR.
commit() {
	git -C "$1" add -A
	git -C "$1" commit -q --allow-empty -m "$2"
}

# dw ARGS...: runs driftwatch; sets OUT, ERR and STATUS.
dw() {
	local errf="$WORK/.stderr"
	STATUS=0
	OUT=$("$DRIFTWATCH" "$@" 2>"$errf") || STATUS=$?
	ERR=$(cat "$errf")
}

# jq-like assertions on driftwatch's JSON output, in Python.
# json_check NAME PYTHON-EXPR: the expression sees the parsed OUT as `d`
# and a list of findings as `f`; passes when it is true.
json_check() {
	local name=$1 expr=$2 res
	res=$(printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception as e:
    print("not JSON: %s" % e); sys.exit(1)
f = d.get("findings", [])
ok = eval(sys.argv[1])
if not ok:
    print(json.dumps(d, indent=1)[:3000]); sys.exit(1)
' "$expr" 2>&1) && ok "$name" || not_ok "$name" "expression: $expr" "$res" "stderr: $ERR"
}

# status_is NAME EXPECTED: checks STATUS of the last dw call.
status_is() {
	if [ "$STATUS" -eq "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "exit status $STATUS, expected $2" "stdout: $OUT" "stderr: $ERR"
	fi
}

# sarif_validate FILE...: the OASIS SARIF 2.1.0 schema and Microsoft's SARIF
# Multitool (e2e/sarif_validate.js). Exit 0 valid, 1 invalid, 77 when node
# or the npm packages (NODE_PATH, set by tests/meson.build) are missing.
sarif_validate() {
	command -v node >/dev/null || { echo "no node"; return 77; }
	node "$SRCDIR/tests/e2e/sarif_validate.js" "$@"
}
