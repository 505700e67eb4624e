#!/bin/sh
# check_headers.sh - the header rules of STYLE.md, checked on the source tree
# (TAP). Every folder exports its whole directory to the folders that depend
# on it (meson include_directories('.')), so the compiler cannot keep a
# private header private; this does:
# - a FOLDER/*_private.h is included only by files in FOLDER, and by the
#   white-box unit test of that folder (tests/test_*.c), never by the code
#   of another folder, a public header or a fuzz harness;
# - no header of ours has the name of a system header (diff/error.h once
#   shadowed glibc's <error.h> for every target that used the engine).
set -u
: "${SRCDIR:?SRCDIR must name the source tree}"
cd "$SRCDIR" || exit 1

n=0
failed=0
report() { # report NAME PROBLEMS
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

sources=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*' | sed 's|^\./||')

leaks=""
for private in $(printf '%s\n' $sources | grep '_private\.h$'); do
	folder=$(dirname "$private")
	name=$(basename "$private")
	for f in $(grep -l "^#include \"$name\"" $sources 2>/dev/null); do
		case "$f" in
		"$folder"/*_private.h | "$folder"/*.c) ;;
		tests/test_*.c) ;;
		*) leaks="$leaks$f includes $private
" ;;
		esac
	done
done
report "private headers are included only in their own folder (and its unit test)" "$(printf '%s' "$leaks")"

shadows=""
sysdirs="/usr/include /usr/include/$(${CC:-cc} -print-multiarch 2>/dev/null)"
for h in $(printf '%s\n' $sources | grep '\.h$' | grep -v '^tests/'); do
	for d in $sysdirs; do
		if [ -f "$d/$(basename "$h")" ]; then
			shadows="$shadows$h has the name of $d/$(basename "$h")
"
		fi
	done
done
report "no header of ours has a system header's name" "$(printf '%s' "$shadows")"

echo "1..$n"
[ "$failed" -eq 0 ]
