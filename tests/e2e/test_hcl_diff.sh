#!/usr/bin/env bash
# test_hcl_diff.sh - the differential test of our HCL parser (diff/hcl_parse.c)
# against HashiCorp's own (hclsyntax, compiled to WebAssembly in the npm
# package @cdktf/hcl2json). One TAP line per file of tests/hcl/corpus/
# (must parse alike) and tests/hcl/invalid/ (both must reject it).
#
# "Structure" here is hcl2json's JSON: blocks nested by type and labels
# into lists of bodies, attribute names, and values. Two outputs agree when
# they are equal as JSON values with object key order ignored:
#  - literals (numbers compared as numbers, bools, null) and literal
#    strings exactly, after escapes, "$${" and heredoc indentation;
#  - a template as its literal text with "${...}" and "%{...}" for the
#    rest, a one-interpolation template "${x}" as x itself;
#  - any other expression as "${SOURCE}", where SOURCE is the exact byte
#    range the parser gave the expression, so the two parsers must agree
#    on where every expression starts and ends (byte for byte, including
#    comments and spacing inside it).
# Operator precedence is not visible in that shape, so then every operator
# or conditional expression anywhere in the file (hcl_dump --shapes) is
# given by its source text to hclsyntax alone (getExpressionAst), and both
# trees must nest the same operators the same way: "a || b && !c" is
# (_ logicalOr (_ logicalAnd (logicalNot _))) in both.
#
# With HCL_DIFF_RANDOM=N, N more files from tests/hcl/gen_random.py
# (seeds 1..N, many invalid on purpose) must parse alike or fail alike.
#
# The package is taken from $HCL2JSON_DIR, else .ci/node/node_modules
# (.ci/run installs it there); without it or node every line is a SKIP.
. "$(dirname "$0")/lib.sh"

: "${HCL_DUMP:?HCL_DUMP must name the built tests/hcl_dump}"
shopt -s nullglob
module=${HCL2JSON_DIR:-$SRCDIR/.ci/node/node_modules/@cdktf/hcl2json}
manifest=$WORK/manifest

files=()
for f in "$SRCDIR"/tests/hcl/corpus/*.tf; do files+=("$f"$'\t'valid); done
for f in "$SRCDIR"/tests/hcl/invalid/*.tf; do files+=("$f"$'\t'invalid); done
if [ "${HCL_DIFF_RANDOM:-0}" -gt 0 ]; then
	mkdir -p "$WORK/random"
	for seed in $(seq 1 "$HCL_DIFF_RANDOM"); do
		python3 "$SRCDIR/tests/hcl/gen_random.py" "$seed" >"$WORK/random/r$seed.tf"
		files+=("$WORK/random/r$seed.tf"$'\t'either)
	done
fi

if ! command -v node >/dev/null 2>&1 || [ ! -f "$module/package.json" ]; then
	for entry in "${files[@]}"; do
		ok "${entry%%$'\t'*} # SKIP no node or @cdktf/hcl2json (see .ci/run)"
	done
	done_testing
	exit
fi

: >"$manifest"
i=0
for entry in "${files[@]}"; do
	f=${entry%%$'\t'*}
	i=$((i + 1))
	st=0
	"$HCL_DUMP" "$f" >"$WORK/$i.json" 2>"$WORK/$i.err" || st=$?
	[ $st -eq 0 ] || mv "$WORK/$i.err" "$WORK/$i.json"
	[ $st -ne 0 ] || "$HCL_DUMP" --shapes "$f" >"$WORK/$i.shapes" || st=$?
	printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$WORK/$i.json" "$st" "${entry#*$'\t'}" \
		"$WORK/$i.shapes" >>"$manifest"
done

n=0
while IFS= read -r line; do
	n=$((n + 1))
	case $line in
	PASS\ *) ok "${line#PASS }" ;;
	FAIL\ *)
		line=${line#FAIL }
		not_ok "${line%%$'\t'*}" "${line#*$'\t'}"
		;;
	*) not_ok "compare script said: $line" ;;
	esac
done < <(node "$SRCDIR/tests/e2e/hcl2json_compare.js" "$module" "$manifest" 2>&1)
[ "$n" -eq "${#files[@]}" ] || not_ok "compare script answered for $n of ${#files[@]} files"
done_testing
