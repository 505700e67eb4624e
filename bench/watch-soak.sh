#!/usr/bin/env bash
# watch-soak.sh - does the watcher's memory stay flat over weeks of commits?
#
# What it does
#   Starts `driftwatch watch` on a scratch repository (in a private D-Bus
#   session with dunst under Xvfb when those are installed, so alerts are
#   really notified; else with no notification server) and drives N
#   commits through it, BATCH at a time: each batch is written with
#   `git fast-import` onto main, and the next one waits until the watcher
#   logged its analysis. Every commit changes an Azure NSG template (JSON,
#   read by the JSON reader) and a CloudFormation security group (YAML):
#   a port moves among private sources (a low finding, logged), and every
#   500 commits a data store is opened to the Internet (a critical alert,
#   notified) and closed again 250 commits later.
#   It prints the watcher's resident set size (VmRSS) after the first
#   batch, at the middle and at the end, and whether the end is within 10%
#   of the middle.
#
# usage: bench/watch-soak.sh [-n COMMITS] [--batch N]
#        (default 10000 commits, 10 per batch; DRIFTWATCH=... for another binary)
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
DRIFTWATCH=${DRIFTWATCH:-$root/build/cli/driftwatch}
commits=10000
batch=10
while [ $# -gt 0 ]; do
	case $1 in
	-n) commits=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	*) echo "usage: bench/watch-soak.sh [-n COMMITS] [--batch N]" >&2; exit 2 ;;
	esac
done

if [ -z "${DW_SOAK_IN_SESSION:-}" ] && command -v dbus-run-session >/dev/null &&
	command -v dunst >/dev/null && command -v Xvfb >/dev/null; then
	DW_SOAK_IN_SESSION=1 exec dbus-run-session -- "$0" -n "$commits" --batch "$batch"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dw-soak.XXXXXX")
pids=
cleanup() {
	for pid in $pids; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export HOME=$work XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

if [ -n "${DW_SOAK_IN_SESSION:-}" ]; then
	Xvfb -displayfd 3 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
	pids="$pids $!"
	for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(cat "$work/display")"
	dunst >/dev/null 2>&1 &
	pids="$pids $!"
	server="dunst"
else
	server="none (alerts logged and kept)"
fi

repo=$work/infra
git init -q -b main "$repo"

# stream FIRST COUNT: a fast-import stream of COUNT commits on main, numbered from FIRST.
stream() {
	python3 - "$1" "$2" <<'PY'
import json, sys, time
first, count = int(sys.argv[1]), int(sys.argv[2])
def nsg(i):
    port = 1000 + i % 3000
    rules = [{"name": "app", "properties": {"priority": 100, "direction": "Inbound",
              "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "10.0.0.0/8",
              "destinationPortRange": str(port)}}]
    if i % 500 >= 250:
        rules.append({"name": "es", "properties": {"priority": 110, "direction": "Inbound",
                      "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*",
                      "destinationPortRange": "9200"}})
    return json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                       "contentVersion": "1.0.0.0",
                       "resources": [{"type": "Microsoft.Network/networkSecurityGroups",
                                      "apiVersion": "2023-04-01", "name": "web-nsg", "location": "westeurope",
                                      "properties": {"securityRules": rules}}]}, indent=2)
def sg(i):
    return ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  AppSG:\n"
            "    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n"
            "      SecurityGroupIngress:\n        - IpProtocol: tcp\n"
            "          FromPort: %d\n          ToPort: %d\n          CidrIp: 172.16.0.0/12\n") % (2000 + i % 1000, 2000 + i % 1000)
out = sys.stdout.buffer
t = int(time.time())
for i in range(first, first + count):
    files = {"azure/nsg.json": nsg(i), "aws/sg.yaml": sg(i)}
    msg = "change %d" % i
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Soak <soak@example.com> %d +0000\n" % (t + i))
    out.write(b"data %d\n%s\n" % (len(msg), msg.encode()))
    if i == first and first > 0:
        out.write(b"from refs/heads/main^0\n")
    for path, text in files.items():
        data = text.encode()
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    out.write(b"\n")
PY
}

# The first commit, then the watcher.
stream 0 1 | git -C "$repo" fast-import --quiet --force
git -C "$repo" reset -q --hard main
"$DRIFTWATCH" watch --debounce 50 --rescan-interval 1h "$repo" 2>"$work/watch.log" &
watcher=$!
pids="$pids $watcher"
for _ in $(seq 200); do grep -q "following from" "$work/watch.log" && break; sleep 0.1; done

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$watcher/status"; }
# "anon/file" KiB: the heap, and mapped files (libraries, git's pack files).
rss_split() { awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {print a "/" f}' "/proc/$watcher/status"; }
analysed() { grep -c ": analysed " "$work/watch.log" || true; }

start_rss= mid_rss= start_split= mid_split= done=1 updates=0
t0=$(date +%s)
while [ "$done" -lt "$commits" ]; do
	n=$((commits - done < batch ? commits - done : batch))
	stream "$done" "$n" | git -C "$repo" fast-import --quiet 2>>"$work/import.log"
	done=$((done + n))
	updates=$((updates + 1))
	for _ in $(seq 600); do [ "$(analysed)" -ge "$updates" ] && break; sleep 0.05; done
	if ! kill -0 "$watcher" 2>/dev/null; then
		echo "watch-soak: the watcher died" >&2
		tail -n 20 "$work/watch.log" >&2
		exit 1
	fi
	[ -z "$start_rss" ] && start_rss=$(rss) && start_split=$(rss_split)
	[ -z "$mid_rss" ] && [ "$done" -ge $((commits / 2)) ] && mid_rss=$(rss) && mid_split=$(rss_split)
done
end_rss=$(rss)
end_split=$(rss_split)
t1=$(date +%s)

alerts=$(grep -c ": alert: " "$work/watch.log" || true)
echo "watch-soak: $done commits in $updates updates of $batch, $((t1 - t0)) s; notification server: $server"
echo "watch-soak: alerts $alerts; analyses logged $(analysed)"
echo "watch-soak: VmRSS start ${start_rss} KiB, middle ${mid_rss} KiB, end ${end_rss} KiB"
echo "watch-soak: of which anonymous/file-backed: start $start_split, middle $mid_split, end $end_split KiB"
if [ $((end_rss * 100)) -le $((mid_rss * 110)) ]; then
	echo "watch-soak: flat (end within 10% of middle: $(((end_rss - mid_rss) * 1000 / mid_rss / 10))%)"
else
	echo "watch-soak: GROWS (end more than 10% above middle)"
	exit 1
fi
