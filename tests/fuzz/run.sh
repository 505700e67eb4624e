#!/usr/bin/env bash
# run.sh - builds the libFuzzer harnesses with clang (ASan + UBSan) and
# runs each for a bounded time on a scratch copy of its seed corpus.
# Prints TAP: one line per harness with its execution count; a crash,
# leak or sanitizer report fails it and its input is kept under
# ARTIFACTS for a regression test.
#
# usage: tests/fuzz/run.sh [SECONDS-PER-HARNESS] [BUILD-DIR]   (default 30, build-fuzz)
set -uo pipefail

seconds=${1:-30}
builddir=${2:-build-fuzz}
root=$(cd "$(dirname "$0")/../.." && pwd)
artifacts=${ARTIFACTS:-$root/$builddir/fuzz-artifacts}
cd "$root"
# Leaked GLib and json-glib objects are visible to LeakSanitizer only when
# g_slice uses malloc (see tests/meson.build).
export G_SLICE=always-malloc
# Undefined behaviour is a failure, as in the test suite (tests/meson.build).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

if [ ! -f "$builddir/build.ninja" ]; then
	CC=clang meson setup "$builddir" -Dfuzzing=true -Dtests=enabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 2
fi
ninja -C "$builddir" >/dev/null || exit 2
mkdir -p "$artifacts"

# name:seed directories (comma-separated, relative to tests/fuzz), as in meson.build.
harnesses=(fuzz_doc_yaml:corpus/yaml fuzz_doc_json:corpus/json fuzz_exposure_parse:corpus/exposure
	fuzz_extract:corpus/extract fuzz_diff_files:corpus/diff fuzz_policy:corpus/policy
	fuzz_lineconf:corpus/lineconf fuzz_tf:corpus/tf fuzz_hcl:../hcl/corpus,../hcl/invalid
	fuzz_bicep:corpus/bicep fuzz_audit_cache:corpus/audit_cache)
n=0 failed=0 total=0
for h in "${harnesses[@]}"; do
	name=${h%%:*} corpus=${h#*:}
	n=$((n + 1))
	work=$(mktemp -d)
	for dir in ${corpus//,/ }; do
		cp tests/fuzz/"$dir"/* "$work"/
	done
	log="$artifacts/$name.log"
	"$builddir/tests/fuzz/$name" "$work" -max_total_time="$seconds" -max_len=16384 \
		-rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts/$name-" >"$log" 2>&1
	status=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	execs=${execs:-0}
	total=$((total + execs))
	if [ $status -eq 0 ]; then
		echo "ok $n - $name: $execs executions in ${seconds}s, no crash"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: exit $status after $execs executions (log: $log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/#   /'
	fi
	rm -rf "$work"
done
echo "# $total executions in all"
echo "1..$n"
[ $failed -eq 0 ]
