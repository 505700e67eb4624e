#!/usr/bin/env bash
# hook-bench.sh - what the pre-receive gate adds to `git push`.
#
# What it measures
#   A repository of ~200 files (Azure NSG templates, CloudFormation
#   security groups, elasticsearch.yml, and unrelated source files) is
#   pushed once to a bare server. Then pushes of 1, 100 and 10,000 new
#   commits are timed into two copies of that server: one without hooks,
#   one with `driftwatch install-hook --server` (the hook wrapped so that
#   it records its own wall time). Every commit changes one file: a third
#   of them a security file (a rule's description or a comment, so nothing
#   widens and the gate accepts), the rest other files.
#   For each size it prints the median over the runs of:
#     push without hook, push with hook, the hook's own time, and the
#     ratio of the two pushes.
#
# How to run
#   bench/hook-bench.sh                 # sizes 1, 100, 10000; 5 runs (1 run for 10000)
#   bench/hook-bench.sh --runs 9
#   bench/hook-bench.sh --large         # the two hostile pushes below, once each
#   DRIFTWATCH=/path/to/driftwatch bench/hook-bench.sh
#
# --large: pushes the gate must judge, or reject by its budget
# (driftwatch.maxSeconds, driftwatch.maxMemory), within 30 s and 500 MB:
#   - one commit adding 50,000 Azure NSG templates, each opening 9200;
#   - 5,000 commits, each adding a 2.2 MB template under its own path.
#   For each it prints the hook's wall time, its peak RSS (/usr/bin/time)
#   and its verdict line.
#
# Exit status: 0 when every push went through, 1 otherwise, 2 on usage errors.
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
DRIFTWATCH=${DRIFTWATCH:-$root/build/cli/driftwatch}
runs=5
large=0
case ${1:-} in
--runs) runs=${2:?--runs needs a number} ;;
--large) large=1 ;;
-h | --help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
"") ;;
*) echo "hook-bench: unknown option $1" >&2; exit 2 ;;
esac
[ -x "$DRIFTWATCH" ] || { echo "hook-bench: no driftwatch at $DRIFTWATCH (build first)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dw-hook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

# large_case NAME: pushes refs/heads/NAME of $work/large.git into a fresh
# hooked server holding its base; prints the hook's seconds, peak RSS and verdict.
large_case() {
	rm -rf "$work/server.git"
	git init -q --bare -b main "$work/server.git"
	"$DRIFTWATCH" install-hook --server --repo "$work/server.git" >/dev/null
	mv "$work/server.git/hooks/pre-receive" "$work/server.git/hooks/driftwatch-pre-receive"
	cat >"$work/server.git/hooks/pre-receive" <<EOF
#!/bin/sh
exec /usr/bin/time -f "%e %M" -o "$work/hook-time" "\$(dirname "\$0")/driftwatch-pre-receive"
EOF
	chmod +x "$work/server.git/hooks/pre-receive"
	git --git-dir="$work/large.git" push -q "$work/server.git" "refs/heads/base:refs/heads/main" 2>/dev/null
	git --git-dir="$work/large.git" push "$work/server.git" "refs/heads/$1:refs/heads/main" \
		>"$work/push.out" 2>&1 || true
	read -r secs kb < <(tail -1 "$work/hook-time") || true
	printf '%-12s %8s s %8s MB  %s\n' "$1" "$secs" "$((kb / 1024))" \
		"$(grep -m1 -E 'driftwatch: (REJECTED|accepted)' "$work/push.out" | sed 's/^remote: //; s/ *$//' | cut -c1-120)"
}

if [ "$large" = 1 ]; then
	command -v /usr/bin/time >/dev/null || { echo "hook-bench: --large needs /usr/bin/time" >&2; exit 2; }
	python3 - "$root/examples/incident/3-open-9200/es-nsg.json" >"$work/large.stream" <<'EOF'
import sys, json
nsg = open(sys.argv[1]).read()
out = sys.stdout.buffer
def blob(mark, data):
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
def commit(ref, mark, parent, lines):
    out.write(b"commit %s\nmark :%d\ncommitter Bench <bench@example.com> %d +0000\ndata 1\nx\n"
              % (ref.encode(), mark, 1700000000 + mark))
    if parent:
        out.write(b"from :%d\n" % parent)
    out.write(b"".join(lines))
blob(1, b"base\n")
commit("refs/heads/base", 2, None, [b"M 100644 :1 README\n"])
# 50,000 templates in one commit, each a distinct blob (its own NSG name).
for i in range(50000):
    blob(10 + i, nsg.replace("support-es-nsg", "nsg-%05d" % i).encode())
commit("refs/heads/files50k", 60010, 2,
       [b"M 100644 :%d infra/nsg%02d/t%05d.json\n" % (10 + i, i % 100, i) for i in range(50000)])
# A 2.2 MB template (the NSG with a long description), two versions, each
# commit adding one under a path of its own, so none is parsed from a cache.
big = json.loads(nsg)
for v in range(2):
    big["resources"][0]["properties"]["securityRules"][0]["properties"]["description"] = "%d" % v + "x" * 2200000
    blob(70000 + v, json.dumps(big).encode())
parent = 2
for i in range(5000):
    commit("refs/heads/big5000", 80000 + i, parent, [b"M 100644 :%d big/t%04d.json\n" % (70000 + i % 2, i)])
    parent = 80000 + i
EOF
	git init -q --bare "$work/large.git"
	git --git-dir="$work/large.git" fast-import --quiet <"$work/large.stream"
	rm -f "$work/large.stream"
	printf '%-12s %10s %11s  %s\n' push "hook time" "peak RSS" verdict
	large_case files50k
	large_case big5000
	exit 0
fi

# The base tree and 10,000 commits on it, from a deterministic fast-import stream.
python3 - "$root/examples/incident/2-refactor" >"$work/stream" <<'EOF'
import sys, os
src = sys.argv[1]
nsg = open(os.path.join(src, "es-nsg.json")).read()
es = open(os.path.join(src, "elasticsearch.yml")).read()
cfn = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: "app %d"
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
"""
files = {}
for d in range(40):
    files["svc%02d/main.c" % d] = "int main(void) { return %d; }\n" % d
    files["svc%02d/README.md" % d] = "# service %d\n" % d
    files["svc%02d/data.json" % d] = '{"n": %d}\n' % d
    files["svc%02d/sg.yml" % d] = cfn % 0
    files["svc%02d/notes.txt" % d] = "notes\n"
files["infra/es-nsg.json"] = nsg
files["infra/elasticsearch.yml"] = es
out = sys.stdout.buffer
def blob(text):
    data = text.encode()
    out.write(b"data %d\n" % len(data) + data + b"\n")
t = 1700000000
def commit(ref, n, msg, changes, parent):
    out.write(b"commit %s\nmark :%d\n" % (ref.encode(), n))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (t + n))
    m = msg.encode()
    out.write(b"data %d\n%s\n" % (len(m), m))
    if parent:
        out.write(b"from :%d\n" % parent)
    for path, text in changes:
        out.write(b"M 100644 inline %s\n" % path.encode())
        blob(text)
commit("refs/heads/base", 1, "base", sorted(files.items()), None)
for i in range(1, 10001):
    d = i % 40
    if i % 3 == 0:
        path = "svc%02d/sg.yml" % d
        text = cfn % i
    elif i % 3 == 1:
        path = "svc%02d/main.c" % d
        text = "int main(void) { return %d; }\n" % i
    else:
        path = "svc%02d/README.md" % d
        text = "# service %d, revision %d\n" % (d, i)
    commit("refs/heads/tip", i + 1, "change %d" % i, [(path, text)], i)
EOF
git init -q --bare -b main "$work/src.git"
git --git-dir="$work/src.git" fast-import --quiet <"$work/stream"
git init -q -b main "$work/clone"
git -C "$work/clone" fetch -q "$work/src.git" 'refs/heads/*:refs/remotes/src/*'

# The two servers, each holding the base commit, as templates copied per run.
for kind in plain hooked; do
	git init -q --bare -b main "$work/$kind.git"
	git -C "$work/clone" push -q "$work/$kind.git" refs/remotes/src/base:refs/heads/main
done
"$DRIFTWATCH" install-hook --server --repo "$work/hooked.git" >/dev/null
mv "$work/hooked.git/hooks/pre-receive" "$work/hooked.git/hooks/driftwatch-pre-receive"
cat >"$work/hooked.git/hooks/pre-receive" <<EOF
#!/bin/sh
start=\$(date +%s%N)
"\$(dirname "\$0")/driftwatch-pre-receive"
rc=\$?
echo \$(( (\$(date +%s%N) - start) / 1000 )) >"$work/hook-us"
exit \$rc
EOF
chmod +x "$work/hooked.git/hooks/pre-receive"

ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# push_us KIND N: microseconds for pushing the first N commits of tip.
push_us() {
	rm -rf "$work/server.git"
	cp -a "$work/$1.git" "$work/server.git"
	local target start end
	target=$(git -C "$work/clone" rev-parse "refs/remotes/src/tip~$((10000 - $2))")
	start=$(date +%s%N)
	git -C "$work/clone" push -q "$work/server.git" "$target:refs/heads/main" 2>"$work/push.err" ||
		{ cat "$work/push.err" >&2; return 1; }
	end=$(date +%s%N)
	echo $(((end - start) / 1000))
}

printf '%-8s %14s %14s %12s %8s\n' commits "push (no hook)" "push (hook)" "hook itself" ratio
status=0
for n in 1 100 10000; do
	r=$runs
	[ "$n" -eq 10000 ] && r=1
	plain=() hooked=() hook=()
	for _ in $(seq "$r"); do
		plain+=("$(push_us plain "$n")") || status=1
		hooked+=("$(push_us hooked "$n")") || status=1
		hook+=("$(cat "$work/hook-us")")
	done
	p=$(printf '%s\n' "${plain[@]}" | median)
	h=$(printf '%s\n' "${hooked[@]}" | median)
	k=$(printf '%s\n' "${hook[@]}" | median)
	printf '%-8s %11s ms %11s ms %9s ms %8s\n' "$n" "$(ms "$p")" "$(ms "$h")" "$(ms "$k")" \
		"$(awk -v a="$h" -v b="$p" 'BEGIN { printf "%.2f", a / b }')"
done
exit $status
