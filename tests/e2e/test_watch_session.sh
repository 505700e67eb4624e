#!/usr/bin/env bash
# test_watch_session.sh - driftwatch watch in a desktop session, with real
# components: Xvfb, a private D-Bus session bus, dunst (its actions
# invoked through `dunstctl context`, dunst's menu program being a script
# that picks an entry), dbus-monitor counting Notify calls, git and the
# SQLite state store.
#
# Cases: one watcher per state (a second one exits 0 naming the first;
# two started at once and one commit give one Notify; --replace takes
# over); no watch.yml (waits, starts when it is written, reloads when it
# changes); escape sequences and C1 controls in a resource name and an
# author reach no output raw; the Show, Explain and Mute 1 day actions;
# a corrupted, a truncated and a read-only state.db each give a visible
# message and lose no alert.
# shellcheck disable=SC2034 # read by watch_lib.sh
WATCH_TOOLS=dbus-monitor WATCH_TIMEOUT=110
. "$(dirname "$0")/watch_lib.sh"

mkdir -p "$XDG_CONFIG_HOME/driftwatch"
CONFIG=$XDG_CONFIG_HOME/driftwatch/watch.yml
# raw FILE...: lines holding ESC, BEL or a C1 control (UTF-8 C2 80-9F), in all.
raw() { LC_ALL=C grep -c -P '\x1b|\x07|\xc2[\x80-\x9f]' "$@" 2>/dev/null | awk -F: '{s+=$NF} END {print s+0}'; }

# Notify calls seen on the bus (dbus-monitor prints one "member=Notify" line each).
notify_calls() { grep -c "member=Notify" "$WORK/monitor.log"; }
notify_more_than() { [ "$(notify_calls)" -gt "$1" ]; }
dunst_has() { notif_all | grep -q -- "$1"; }
# Summary and body of every notification dunst has, newest first.
notif_all() {
	dunstctl close-all
	wait_for 5 sh -c '[ "$(dunstctl count displayed)" -eq 0 ]'
	dunstctl history | python3 -c '
import json, sys
for n in sorted(json.load(sys.stdin)["data"][0], key=lambda x: -x["id"]["data"]):
    print(n["summary"]["data"] + "\t" + n["body"]["data"].replace("\n", "|"))'
}

# start_watch ARGS...: a watcher in the background, its pid appended to PIDS and in W.
start_watch() {
	"$DRIFTWATCH" watch --debounce 200 --rescan-interval 1h "$@" 2>>"$LOG" &
	W=$!
	PIDS="$PIDS $W"
}
stop_watch() { # stop_watch PID: SIGTERM, and its exit status in WSTATUS
	kill -TERM "$1" 2>/dev/null
	WSTATUS=0
	wait "$1" || WSTATUS=$?
}

watch_xvfb || not_ok "Xvfb starts" "$(cat "$WORK/xvfb.log")"

# dunst's context menu runs its dmenu program with one entry per line on
# stdin; this one answers with the entry naming $WORK/choice's action.
cat >"$WORK/pick.sh" <<SH
#!/bin/sh
tee -a "$WORK/menu.txt" | grep -m1 -F "\$(cat "$WORK/choice")"
SH
# The details command records what it was asked to open.
cat >"$WORK/open.sh" <<SH
#!/bin/sh
echo "\$1" >>"$WORK/opened.txt"
SH
chmod +x "$WORK/pick.sh" "$WORK/open.sh"
cat >"$WORK/dunstrc" <<RC
[global]
    format = "%s\n%b"
    dmenu = $WORK/pick.sh
RC
watch_dunst "$WORK/dunstrc" || not_ok "dunst starts" "$(cat "$WORK/dunst.log")"
dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
	>"$WORK/monitor.log" 2>&1 &
MON_PID=$!
wait_for 5 grep -q . "$WORK/monitor.log"

watch_repo
: >"$LOG"

# --- no watch.yml: waits, starts when it appears, reloads on change
MARK=0
start_watch
W1=$W
if wait_for 10 log_has "waiting for $CONFIG" && sleep 0.5 && kill -0 "$W1" 2>/dev/null; then
	ok "no watch.yml: waits for it, running"
else
	not_ok "no watch.yml: waits for it, running" "$(log_since)"
fi
cat >"$CONFIG" <<YAML
details-command: $WORK/open.sh
repositories:
  - ~/infra
YAML
if wait_for 10 log_has "refs/heads/main: following from"; then
	ok "watch.yml written: the watcher starts watching, no restart"
else
	not_ok "watch.yml written: the watcher starts watching, no restart" "$(log_since)"
fi

# --- one watcher per state
MARK=$(log_mark)
"$DRIFTWATCH" watch --debounce 200 2>"$WORK/second.err" &
second=$!
PIDS="$PIDS $second"
if wait_for 10 sh -c "! kill -0 $second 2>/dev/null"; then
	wait "$second"
	same "a second watcher exits 0" "$?" 0
	grep -q "already running as process $W1" "$WORK/second.err" &&
		ok "a second watcher names the running one" ||
		not_ok "a second watcher names the running one" "$(cat "$WORK/second.err")"
else
	not_ok "a second watcher exits" "$(cat "$WORK/second.err")"
fi
# Two more started at once, while the first runs: one commit, one Notify.
start_watch
start_watch
before=$(notify_calls)
sleep 1
sg CacheSG 6379 0.0.0.0/0 >"$REPO/cache.yaml"
commit "$REPO" "cache: open redis"
wait_for 20 notify_more_than "$before"
sleep 2
same "three watchers, one commit: one Notify" "$(notify_calls)" "$((before + 1))"

# --replace takes over.
MARK=$(log_mark)
start_watch --replace
W2=$W
if wait_for 15 sh -c "! kill -0 $W1 2>/dev/null" && wait_for 10 log_has "took over from process $W1"; then
	stop_watch "$W1"
	same "--replace: the old watcher stopped cleanly" "$WSTATUS" 0
	ok "--replace: the new one took over"
else
	not_ok "--replace: the new one took over" "$(log_since)"
fi
wait_for 10 log_has "watching 1 repository"
before=$(notify_calls)
sg SearchSG 9200 0.0.0.0/0 >"$REPO/search.yaml"
commit "$REPO" "search: open it"
wait_for 20 notify_more_than "$before"
sleep 1
same "--replace: the new watcher notifies, once" "$(notify_calls)" "$((before + 1))"

# --- watch.yml changes: reloaded without a restart
MARK=$(log_mark)
echo "threshold: critical" >>"$CONFIG"
if wait_for 10 log_has "reloading the configuration" && wait_for 5 log_has "notify at critical" &&
	kill -0 "$W2"; then
	ok "watch.yml changed: reloaded in place"
else
	not_ok "watch.yml changed: reloaded in place" "$(log_since)"
fi

# --- escape sequences from the repository reach no output raw
MARK=$(log_mark)
before=$(notify_calls)
# YAML's double-quoted escapes: \e is ESC, \a BEL, \x9b the C1 CSI (U+009B).
sg EvilSG 3306 0.0.0.0/0 | sed 's/^  EvilSG:/  "Evil\\e]0;owned\\a\\x9bSG":/' >"$REPO/evil.yaml"
GIT_AUTHOR_NAME=$(printf 'Mallory\033[2J\302\235x') commit "$REPO" "$(printf 'db: open \033[31mmysql')"
if wait_for 20 notify_more_than "$before"; then
	sleep 0.5
	log_since >"$WORK/log.part"
	same "escapes: none raw in the log" "$(raw "$WORK/log.part")" 0
	grep -q 'Evil\\x1b\]0;owned\\x07\\x9bSG' "$WORK/log.part" &&
		ok "escapes: the log shows them as \\xNN" || not_ok "escapes: the log shows them as \\xNN" "$(cat "$WORK/log.part")"
	same "escapes: none raw in the details pages" "$(raw "$XDG_STATE_HOME"/driftwatch/reports/*.html)" 0
	dw history
	same "escapes: none raw in history" "$(printf '%s\n%s' "$OUT" "$ERR" | raw)" 0
else
	not_ok "escapes: the commit is notified" "$(log_since)"
fi

# --- actions, invoked through dunst's context menu
act() { # act LABEL: invokes the action LABEL of the newest notification
	echo "$1" >"$WORK/choice"
	: >"$WORK/opened.txt"
	dunstctl context
}
act "Show"
if wait_for 10 test -s "$WORK/opened.txt"; then
	page=$(cat "$WORK/opened.txt")
	case "$page" in
	*.html) grep -q "aws-sg:Evil" "$page" && ! grep -q "<commit>" "$page" &&
		ok "Show opens the details page" || not_ok "Show opens the details page" "$(cat "$page")" ;;
	*) not_ok "Show opens the details page" "$page" ;;
	esac
else
	not_ok "Show opens the details page" "$(cat "$WORK/menu.txt")" "$(tail -5 "$LOG")"
fi
act "Explain"
if wait_for 10 test -s "$WORK/opened.txt" && grep -q "DW-NET-001" "$(cat "$WORK/opened.txt")" &&
	grep -q "remediation:" "$(cat "$WORK/opened.txt")"; then
	ok "Explain opens driftwatch explain's text"
else
	not_ok "Explain opens driftwatch explain's text" "$(cat "$WORK/opened.txt")" "$(tail -5 "$LOG")"
fi
MARK=$(log_mark)
act "Mute 1 day"
if wait_for 10 log_has "muted 1 alert"; then
	dw history --format json --unacknowledged
	json_check "Mute 1 day: history --unacknowledged leaves it out" \
		"len(f)==2 and not any('Evil' in x['resource'] for x in f)"
	dw history --format json
	json_check "Mute 1 day: history shows it acknowledged" \
		"[x['acknowledged'] is not None for x in f if 'Evil' in x['resource']]==[True]"
else
	not_ok "Mute 1 day is recorded" "$(log_since)"
fi
# (after the actions: reading dunst's history closes the notification)
notif_all >"$WORK/notifs.txt"
grep -q 'Evil' "$WORK/notifs.txt" &&
	same "escapes: none raw in the notification" "$(raw "$WORK/notifs.txt")" 0 ||
	not_ok "escapes: the notification is there" "$(cat "$WORK/notifs.txt")"

# The muted finding, closed and opened again, is not notified.
MARK=$(log_mark)
rm "$REPO/evil.yaml"
commit "$REPO" "db: closed"
wait_for 20 log_has "analysed"
MARK=$(log_mark)
git -C "$REPO" revert --no-edit HEAD >/dev/null
if wait_for 20 log_has "muted"; then
	ok "Mute 1 day: the finding opened again is logged as muted, not notified"
else
	not_ok "Mute 1 day: the finding opened again is logged as muted" "$(log_since)"
fi

# --- damaged state: corrupted, truncated, read-only
stop_watch "$W2"
# damage KIND: damages state.db (the watcher stopped).
damage() {
	case $1 in
	corrupted) python3 - "$STATE" <<'PY' ;;
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(4096); f.write(b"\xa5" * 2048)
PY
	truncated) truncate -s 0 "$STATE"; rm -f "$STATE-wal" "$STATE-shm" ;;
	read-only) if [ "$(id -u)" -eq 0 ]; then chattr +i "$STATE"; else chmod 400 "$STATE"; fi ;;
	esac
}
n=0
for kind in corrupted truncated read-only; do
	n=$((n + 1))
	damage "$kind"
	port=$(echo 5432 27017 11211 | cut -d' ' -f$n)
	sg "Lost${n}SG" "$port" 0.0.0.0/0 >"$REPO/lost$n.yaml"
	commit "$REPO" "lost $n: opened while the watcher was away"
	MARK=$(log_mark)
	before=$(notify_calls)
	start_watch --threshold high
	wait_for 20 log_has "watching 1 repository"
	wait_for 20 dunst_has "Lost${n}SG"
	sleep 1
	notif_all >"$WORK/notifs.txt"
	case $kind in
	read-only) msg="cannot be written" ;;
	*) msg="was damaged" ;;
	esac
	grep -q "state store.*$msg\|$msg" "$WORK/notifs.txt" && log_has "$msg" &&
		ok "$kind state.db: said in a notification and the log" ||
		not_ok "$kind state.db: said in a notification and the log" "$(log_since)" "$(head -3 "$WORK/notifs.txt")"
	grep -q "Lost${n}SG" "$WORK/notifs.txt" &&
		ok "$kind state.db: the alert of the commit made meanwhile is notified" ||
		not_ok "$kind state.db: the alert of the commit made meanwhile is notified" "$(log_since)"
	if [ "$kind" = read-only ]; then
		line=$(log_since | grep "$msg")
		[ "$(printf '%s\n' "$line" | wc -l)" -eq 1 ] && [ "${#line}" -lt 300 ] &&
			ok "read-only state.db: one readable line" || not_ok "read-only state.db: one readable line" "$line"
		if [ "$(id -u)" -eq 0 ]; then chattr -i "$STATE"; else chmod 600 "$STATE"; fi
	else
		ls "$STATE".damaged-* >/dev/null 2>&1 && ok "$kind state.db: moved aside" ||
			not_ok "$kind state.db: moved aside" "$(ls "$(dirname "$STATE")")"
		rm -f "$STATE".damaged-*
	fi
	stop_watch "$W"
	same "$kind state.db: the watcher stops cleanly" "$WSTATUS" 0
done

# --- the XDG autostart entry steps aside where the systemd unit runs.
# systemctl is a stand-in answering as a systemd user manager would
# ($WORK/systemd-answers: "is-enabled driftwatch-watch.service" and
# "is-active graphical-session.target" lines that succeed).
mkdir -p "$WORK/bin" "$XDG_RUNTIME_DIR/systemd"
: >"$XDG_RUNTIME_DIR/systemd/private"
cat >"$WORK/bin/systemctl" <<SH
#!/bin/sh
# systemctl --user --quiet VERB UNIT
grep -qx "\$3 \$4" "$WORK/systemd-answers"
SH
chmod +x "$WORK/bin/systemctl"
printf '%s\n' "is-enabled driftwatch-watch.service" "is-active graphical-session.target" \
	>"$WORK/systemd-answers"
MARK=$(log_mark)
PATH="$WORK/bin:$PATH" timeout 10 "$DRIFTWATCH" watch --autostart 2>>"$LOG"
same "--autostart under a systemd session with the unit enabled: exits 0" "$?" 0
log_has "leaves it to systemd" && ok "--autostart: says the systemd unit runs the watcher" ||
	not_ok "--autostart: says the systemd unit runs the watcher" "$(log_since)"
echo "is-enabled driftwatch-watch.service" >"$WORK/systemd-answers"
MARK=$(log_mark)
PATH="$WORK/bin:$PATH" start_watch --autostart
if wait_for 10 log_has "watching 1 repository" && kill -0 "$W"; then
	ok "--autostart where graphical-session.target is not reached: the entry runs the watcher"
else
	not_ok "--autostart where graphical-session.target is not reached: the entry runs the watcher" "$(log_since)"
fi
stop_watch "$W"
desktop="$SRCDIR/packaging/driftwatch-watch.desktop.in"
grep -qx "Exec=@bindir@/driftwatch watch --autostart" "$desktop" &&
	grep -qx "X-GNOME-HiddenUnderSystemd=true" "$desktop" &&
	ok "the autostart entry passes --autostart and hides under systemd" ||
	not_ok "the autostart entry passes --autostart and hides under systemd" "$(cat "$desktop")"

# --- a watch.yml with problems at start: said, and waited out (no exit, no restart loop)
echo "repositories: 5" >"$CONFIG"
MARK=$(log_mark)
start_watch
if wait_for 10 log_has "watch.yml has problems" && sleep 0.5 && kill -0 "$W"; then
	ok "bad watch.yml at start: said, still running"
else
	not_ok "bad watch.yml at start: said, still running" "$(log_since)"
fi
printf 'repositories:\n  - ~/infra\n' >"$CONFIG"
wait_for 10 log_has "watching 1 repository" && ok "bad watch.yml fixed: watching" ||
	not_ok "bad watch.yml fixed: watching" "$(log_since)"
stop_watch "$W"

done_testing
