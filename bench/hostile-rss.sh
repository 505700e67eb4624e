#!/usr/bin/env bash
# hostile-rss.sh - peak memory and time of the push gate and of audit on
# hostile input, each file at or past one of the limits of diff/dw_limits.h.
#
# What it does
#   Commits to a scratch repository, one commit each: a YAML "billion
#   laughs" elasticsearch.yml, JSON nested 5,000 deep, a 9 MiB template, an
#   NSG with 1,100 rules, a file of 5 NSGs x 900 rules, the worst-case set
#   inside the limits (1,000 crafted rules), a .tf nested 5,000 deep, a
#   6 MB .tf of 14,000 locals past the 1 Mi node limit, 2 MiB of binary bytes as an
#   elasticsearch.yml, and all of them at once. For each it runs, under
#   /usr/bin/time -v, `driftwatch hook pre-receive` in the bare repository
#   they were pushed to (as git would, with the "<old> <new> <ref>" line),
#   and once `driftwatch audit` over the whole history; it prints peak RSS,
#   wall time and the verdict.
#
# usage: bench/hostile-rss.sh     (DRIFTWATCH=... to use another binary)
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
DRIFTWATCH=${DRIFTWATCH:-$root/build/cli/driftwatch}
[ -x /usr/bin/time ] || { echo "hostile-rss: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dw-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

git init -q --bare -b main "$work/srv.git"
git init -q -b main "$work/w"
cp "$root/examples/incident/2-refactor/"* "$work/w/"
git -C "$work/w" add -A && git -C "$work/w" commit -q -m base
git -C "$work/w" push -q "$work/srv.git" main
base=$(git -C "$work/w" rev-parse HEAD)

# gen NAME: writes the hostile file(s) of case NAME into the clone.
gen() {
	python3 - "$1" "$work/w" <<'PY'
import json, os, sys
case, w = sys.argv[1], sys.argv[2]
def nsg(name, n, src):
    rules = [{"name": "r%d" % i, "properties": {"priority": 100 + i, "direction": "Inbound",
              "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": src(i),
              "destinationPortRange": str(1000 + i)}} for i in range(n)]
    return {"type": "Microsoft.Network/networkSecurityGroups", "name": name,
            "properties": {"securityRules": rules}}
def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(os.path.join(w, path)) or w, exist_ok=True)
    open(os.path.join(w, path), mode).write(text)
if case in ("laughs", "all"):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += ['a%d: &a%d [%s]' % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)]
    write("laughs/elasticsearch.yml", "\n".join(lines) + "\nxpack.security.enabled: false\n")
if case in ("deep", "all"):
    write("deep.json", '{"resources": [' + "[" * 5000 + "]" * 5000 + ']} Microsoft.Network/networkSecurityGroups')
if case in ("huge", "all"):
    write("huge.json", '{"type": "Microsoft.Network/networkSecurityGroups", "pad": "' + "x" * (9 << 20) + '"}')
if case in ("rules", "all"):
    write("many.json", json.dumps({"resources": [nsg("many", 1100, lambda i: "10.0.%d.%d" % (i // 256, i % 256))]}))
if case in ("filerules", "all"):
    write("manyfile.json", json.dumps({"resources": [nsg("n%d" % k, 900, lambda i: "10.%d.0.0/16" % (i % 256)) for k in range(5)]}))
if case in ("crafted", "all"):
    write("crafted.json", json.dumps({"resources": [nsg("crafted", 1000, lambda i: "%d.%d.%d.0/24" % (1 + i % 200, i % 251, i % 241))]}))
if case in ("tfdeep", "all"):
    write("tfdeep/main.tf", 'locals {\n  x = ' + "[" * 5000 + "]" * 5000 + "\n}\n")
if case in ("tfwide", "all"):
    body = "".join('  a%d = [%s]\n' % (i, ", ".join(["var.v"] * 60)) for i in range(14000))
    write("tfwide/main.tf", 'locals {\n' + body + '}\nresource "aws_security_group" "s" {\n  name = "s"\n}\n')
if case in ("binary", "all"):
    write("binary/elasticsearch.yml", bytes(range(256)) * 8192, "wb")
PY
}

printf '%-10s %12s %9s  %s\n' case "peak RSS" "wall" verdict
for c in laughs deep huge rules filerules crafted tfdeep tfwide binary all; do
	git -C "$work/w" reset -q --hard "$base"
	gen "$c"
	git -C "$work/w" add -A && git -C "$work/w" commit -q -m "hostile: $c"
	git -C "$work/w" push -q "$work/srv.git" "HEAD:refs/heads/$c"
	old=$base
	new=$(git -C "$work/w" rev-parse HEAD)
	status=0
	(cd "$work/srv.git" && echo "$old $new refs/heads/main" |
		GIT_DIR=. /usr/bin/time -v "$DRIFTWATCH" hook pre-receive >/dev/null 2>"$work/err") || status=$?
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/err")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/err")
	verdict=$(grep -m1 -o 'driftwatch: [A-Za-z]* [^:]*' "$work/err" || echo "exit $status")
	printf '%-10s %9s KB %9s  %s (exit %d)\n' "$c" "$rss" "$wall" "$verdict" "$status"
done
# audit: one linear history holding every case, a commit each.
git -C "$work/w" checkout -q -B history "$base"
for c in laughs deep huge rules filerules crafted tfdeep tfwide binary; do
	gen "$c"
	git -C "$work/w" add -A && git -C "$work/w" commit -q -m "hostile: $c"
done
status=0
/usr/bin/time -v "$DRIFTWATCH" audit -C "$work/w" -q history 2>"$work/err" >/dev/null || status=$?
printf '%-10s %9s KB %9s  exit %d\n' "audit" "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/err")" \
	"$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/err")" "$status"
