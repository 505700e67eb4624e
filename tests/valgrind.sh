#!/usr/bin/env bash
# valgrind.sh - runs the end-to-end tests with every driftwatch call under
# valgrind --leak-check=full; a definite leak or a memory error fails the
# call (exit 99), and so the test. Prints the tests' TAP.
#
# usage: tests/valgrind.sh [BUILD-DIR]   (default: build; not a sanitizer build)
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$root/build}" && pwd)
wrapper=$(mktemp -d)/driftwatch
trap 'rm -rf "$(dirname "$wrapper")"' EXIT

cat >"$wrapper" <<WRAP
#!/bin/sh
export G_SLICE=always-malloc
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \\
	--suppressions="$root/tests/valgrind.supp" "$builddir/cli/driftwatch" "\$@"
WRAP
chmod +x "$wrapper"

status=0
for t in example nofinding cli git limits sarif policy k8s compose hook; do
	echo "# e2e_$t under valgrind"
	# The server hook install-hook writes runs the binary itself: point it
	# at the wrapper too, so the gate runs under valgrind on real pushes.
	DRIFTWATCH=$wrapper DW_HOOK_EXEC=$wrapper SRCDIR=$root "$root/tests/e2e/test_$t.sh" || status=1
done
exit $status
