# watch_lib.sh - the desktop session of the watcher's end-to-end tests
# (test_watch.sh, test_watch_session.sh): a private D-Bus session bus,
# Xvfb, dunst, the state and config directories under $WORK, a repository,
# and the helpers that wait on them. Sourced first thing, with
#   WATCH_TOOLS    what the test needs besides Xvfb, dunst, dunstctl and
#                  dbus-run-session (their absence fails)
#   WATCH_TIMEOUT  seconds the whole session may take (times
#                  DW_TEST_SLOWDOWN, which tests/valgrind.sh sets)
# Outside the session it checks the tools and runs the test again in a
# dbus-run-session of its own; inside, it sources lib.sh and sets up the rest.
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DW_WATCH_IN_SESSION:-}" ]; then
	for tool in Xvfb dunst dunstctl dbus-run-session $WATCH_TOOLS; do
		if ! command -v "$tool" >/dev/null; then
			echo "not ok 1 - $tool is installed (packaging/install-deps.sh installs it)"
			echo "1..1"
			exit 1
		fi
	done
	DW_WATCH_IN_SESSION=1 exec timeout -k 5 $((WATCH_TIMEOUT * ${DW_TEST_SLOWDOWN:-1})) \
		dbus-run-session --config-file="$here/dbus-session.conf" -- "$0" "$@"
fi
. "$here/lib.sh"

LOG=$WORK/watch.log
# HOME is the work directory, so the repository is shown as ~/infra.
export HOME=$WORK XDG_STATE_HOME=$WORK/state XDG_CONFIG_HOME=$WORK/config XDG_RUNTIME_DIR=$WORK/run
mkdir -p "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
STATE=$XDG_STATE_HOME/driftwatch/state.db
# The test's processes, killed on exit: its watcher (WATCH_PID, or several
# in PIDS), dunst, dbus-monitor and Xvfb.
WATCH_PID='' PIDS='' DUNST_PID='' MON_PID='' XVFB_PID=''

# DW_KEEP=DIR keeps a copy of the work directory there.
cleanup() {
	chattr -i "$STATE" 2>/dev/null
	for pid in $WATCH_PID $PIDS $DUNST_PID $MON_PID $XVFB_PID; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "${DW_KEEP:-}" ] && cp -a "$WORK" "$DW_KEEP"
	rm -rf "$WORK"
}
trap cleanup EXIT

# now_ms: milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECONDS COMMAND...: polls every 50 ms until the command succeeds.
wait_for() {
	local deadline=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# The log from line MARK on (set MARK=$(log_mark) before acting).
log_mark() { wc -l <"$LOG"; }
log_since() { tail -n +"$((MARK + 1))" "$LOG"; }
log_has() { log_since | grep -q -- "$1"; }

sg() { # sg NAME PORT CIDR: a CloudFormation security group admitting tcp/PORT from CIDR
	cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  $1:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: $1
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: $2
          ToPort: $2
          CidrIp: $3
YAML
}

# watch_xvfb: an X server on a free display (Xvfb picks it and tells on
# fd 3), exported as DISPLAY; fails when none is up within 15 s.
watch_xvfb() {
	Xvfb -displayfd 3 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
	XVFB_PID=$!
	wait_for 15 test -s "$WORK/display" || return 1
	DISPLAY=":$(cat "$WORK/display")"
	export DISPLAY
}

# watch_dunst DUNSTRC: dunst with that configuration, its output in
# $WORK/dunst.log; fails when it does not answer within 10 s.
watch_dunst() {
	dunst -config "$1" >"$WORK/dunst.log" 2>&1 &
	DUNST_PID=$!
	wait_for 10 dunstctl is-paused >/dev/null 2>&1
}

# watch_repo: REPO, the repository ~/infra, with one commit admitting ssh
# from the office.
watch_repo() {
	REPO=$(new_repo infra)
	sg AppSG 22 10.0.0.0/8 >"$REPO/app.yaml"
	commit "$REPO" "app: ssh from the office"
}
