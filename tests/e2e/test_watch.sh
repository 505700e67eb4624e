#!/usr/bin/env bash
# test_watch.sh - driftwatch watch end to end with real components: Xvfb,
# a private D-Bus session bus, the dunst notification server read back
# with dunstctl, git repositories, a bare "remote" and the state store.
#
# Cases: no server (logged, kept, notified when dunst appears); an
# exposing commit (summary, body, urgency; the latency is printed); a
# benign commit (nothing); exposing files renamed and moved (nothing); 30 commits pulled at once (one notification);
# SIGKILL, two exposing commits, restart (both once); a commit pushed to
# the remote by another clone and fetched by --fetch-interval; SIGHUP;
# a force-push (analysed from the merge base); history;
# SIGTERM (exit 0, which under LeakSanitizer also means no leak); the
# systemd user unit passes systemd-analyze verify.
#
# Xvfb, dunst and dbus-run-session are required: their absence fails.
# shellcheck disable=SC2034 # read by watch_lib.sh
WATCH_TOOLS=systemd-analyze WATCH_TIMEOUT=100
. "$(dirname "$0")/watch_lib.sh"

# Every notification dunst has seen: shown, waiting and closed.
notif_total() {
	local n=0 k
	for k in displayed waiting history; do
		n=$((n + $(dunstctl count "$k" 2>/dev/null || echo 0)))
	done
	echo "$n"
}
notif_more_than() { [ "$(notif_total)" -gt "$1" ]; }

# Closes what is shown and prints the newest notification as
# "summary<TAB>body<TAB>urgency" (urgency from the dunstrc format below).
notif_newest() {
	dunstctl close-all
	wait_for 5 sh -c '[ "$(dunstctl count displayed)" -eq 0 ]'
	dunstctl history | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"][0]
n = max(d, key=lambda x: x["id"]["data"])
print("\t".join([n["summary"]["data"], n["body"]["data"].replace("\n", "|"),
                 n["message"]["data"].split("\n")[0]]))'
}

start_watch() {
	"$DRIFTWATCH" watch --debounce 200 --rescan-interval 1h "$@" "$REPO" 2>>"$LOG" &
	WATCH_PID=$!
}

start_dunst() {
	cat >"$WORK/dunstrc" <<'RC'
[global]
    format = "%s\n%b"
[urgency_low]
    format = "urgency=low\n%s\n%b"
[urgency_normal]
    format = "urgency=normal\n%s\n%b"
[urgency_critical]
    format = "urgency=critical\n%s\n%b"
RC
	watch_dunst "$WORK/dunstrc"
}

# The systemd user unit, pointed at this build: systemd-analyze only warns
# about bad values, so any output fails too.
sed "s|@bindir@|$(dirname "$DRIFTWATCH")|" "$SRCDIR/packaging/driftwatch-watch.service.in" \
	>"$WORK/driftwatch-watch.service"
if out=$(systemd-analyze --user --man=no verify "$WORK/driftwatch-watch.service" 2>&1) && [ -z "$out" ]; then
	ok "driftwatch-watch.service passes systemd-analyze verify"
else
	not_ok "driftwatch-watch.service passes systemd-analyze verify" "$out"
fi

if watch_xvfb; then
	ok "Xvfb runs on $DISPLAY"
else
	not_ok "Xvfb starts" "$(cat "$WORK/xvfb.log")"
fi

watch_repo
REMOTE=$WORK/remote.git
git clone -q --bare "$REPO" "$REMOTE"
git -C "$REPO" remote add origin "$REMOTE"
git -C "$REPO" fetch -q origin
git -C "$REPO" branch -q --set-upstream-to=origin/main main

# --- no notification server: logged, kept running, notified when one appears
MARK=0
: >"$LOG"
start_watch
wait_for 20 log_has "refs/heads/main: following from" || not_ok "watcher starts" "$(cat "$LOG")"
MARK=$(log_mark)
sg CacheSG 6379 0.0.0.0/0 >"$REPO/cache.yaml"
commit "$REPO" "cache: open redis for the migration"
if wait_for 20 log_has "no notification server"; then
	ok "no notification server: the failure is logged"
else
	not_ok "no notification server: the failure is logged" "$(log_since)"
fi
if log_since | grep -q "alert: critical DW-NET-001 aws-sg:CacheSG"; then
	ok "no notification server: the finding is logged"
else
	not_ok "no notification server: the finding is logged" "$(log_since)"
fi
if kill -0 "$WATCH_PID" 2>/dev/null; then ok "no notification server: still running"
else not_ok "no notification server: still running" "$(log_since)"; fi

start_dunst
if wait_for 20 notif_more_than 0; then
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	case "$summary" in
	"Redis newly reachable from the Internet: tcp/6379") ok "a server appears: the kept alert is notified" ;;
	*) not_ok "a server appears: the kept alert is notified" "summary: $summary" ;;
	esac
else
	not_ok "a server appears: the kept alert is notified" "$(log_since)" "$(cat "$WORK/dunst.log")"
fi

# --- an exposing commit: one notification, its summary, body and urgency
MARK=$(log_mark)
before=$(notif_total)
sg SearchSG 9200 0.0.0.0/0 >"$REPO/search.yaml"
t0=$(now_ms)
commit "$REPO" "search: open elasticsearch to everyone"
if wait_for 20 notif_more_than "$before"; then
	t1=$(now_ms)
	echo "# commit-to-notification latency: $((t1 - t0)) ms (debounce 200 ms)"
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	head=$(git -C "$REPO" rev-parse --short=12 HEAD)
	[ "$summary" = "Elasticsearch newly reachable from the Internet: tcp/9200" ] &&
		ok "exposing commit: the summary is the finding" ||
		not_ok "exposing commit: the summary is the finding" "summary: $summary"
	case "$body" in
	"~/infra on main|CRITICAL DW-NET-001|  aws-sg:SearchSG (search.yaml:"*"commit $head by Test Author &lt;author@example.com&gt;: search: open elasticsearch to everyone"*)
		ok "exposing commit: body names path, branch, rule, resource, commit and author" ;;
	*) not_ok "exposing commit: body names path, branch, rule, resource, commit and author" "body: $body" ;;
	esac
	case "$body" in
	*"newly reachable"*) not_ok "exposing commit: the body does not repeat the summary" "$body" ;;
	*) ok "exposing commit: the body does not repeat the summary" ;;
	esac
	[ "$urgency" = "urgency=critical" ] && ok "exposing commit: urgency critical" ||
		not_ok "exposing commit: urgency critical" "$urgency"
else
	not_ok "exposing commit: notified within 20 s" "$(log_since)"
fi

# --- a benign commit: analysed, no notification
MARK=$(log_mark)
before=$(notif_total)
echo "# readme" >"$REPO/README.md"
commit "$REPO" "docs: a readme"
if wait_for 20 log_has "analysed .*: 0 finding(s)"; then
	sleep 0.3
	[ "$(notif_total)" -eq "$before" ] && ok "benign commit: no notification" ||
		not_ok "benign commit: no notification" "$(notif_newest)"
else
	not_ok "benign commit: analysed" "$(log_since)"
fi

# --- renaming and moving exposing files: analysed, no notification
MARK=$(log_mark)
before=$(notif_total)
mkdir -p "$REPO/stacks/search"
git -C "$REPO" mv search.yaml stacks/search/search-sg.yaml
git -C "$REPO" mv cache.yaml redis-sg.yaml
commit "$REPO" "layout: one directory per stack"
if wait_for 20 log_has "analysed .*: 0 finding(s)"; then
	sleep 0.3
	[ "$(notif_total)" -eq "$before" ] && ok "renamed and moved files: no notification" ||
		not_ok "renamed and moved files: no notification" "$(notif_newest)"
else
	not_ok "renamed and moved files: analysed with no finding" "$(log_since)"
fi

# --- 30 commits pulled at once: one notification with the count
DEV=$WORK/dev
git clone -q "$REPO" "$DEV"
for i in $(seq 1 30); do
	case $i in
	10) sg PgSG 5432 0.0.0.0/0 >"$DEV/pg.yaml" ;;
	20) sg MongoSG 27017 0.0.0.0/0 >"$DEV/mongo.yaml" ;;
	30) sg AdminSG 3389 0.0.0.0/0 >"$DEV/admin.yaml" ;;
	*) echo "$i" >"$DEV/notes.txt" ;;
	esac
	commit "$DEV" "change $i"
done
MARK=$(log_mark)
before=$(notif_total)
git -C "$REPO" pull -q --ff-only "$DEV" main
if wait_for 20 notif_more_than "$before"; then
	sleep 1
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	[ "$(notif_total)" -eq $((before + 1)) ] && ok "30 commits at once: one notification" ||
		not_ok "30 commits at once: one notification" "$(notif_total) after $before" "$(log_since)"
	case "$summary" in
	*" (+2 more)") ok "30 commits at once: the notification counts 3 findings" ;;
	*) not_ok "30 commits at once: the notification counts 3 findings" "$summary" ;;
	esac
	[ "$(log_since | grep -c 'analysed')" -eq 1 ] && ok "30 commits at once: analysed once" ||
		not_ok "30 commits at once: analysed once" "$(log_since)"
else
	not_ok "30 commits at once: notified" "$(log_since)"
fi

# --- SIGKILL, two exposing commits, restart: both notified, once
kill -KILL "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
sg RabbitSG 5672 0.0.0.0/0 >"$REPO/rabbit.yaml"
commit "$REPO" "rabbit: open amqp"
c1=$(git -C "$REPO" rev-parse HEAD)
sg MemcacheSG 11211 0.0.0.0/0 >"$REPO/memcache.yaml"
commit "$REPO" "memcache: open it"
c2=$(git -C "$REPO" rev-parse HEAD)
MARK=$(log_mark)
before=$(notif_total)
start_watch --fetch-interval 1s
if wait_for 20 notif_more_than "$before"; then
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	case "$body" in
	*"commit ${c1:0:12} "*"commit ${c2:0:12} "* | *"commit ${c2:0:12} "*"commit ${c1:0:12} "*)
		ok "after SIGKILL: both commits are reported on restart" ;;
	*) not_ok "after SIGKILL: both commits are reported on restart" "$body" ;;
	esac
else
	not_ok "after SIGKILL: notified on restart" "$(log_since)"
fi
kill -TERM "$WATCH_PID"
wait "$WATCH_PID"
before=$(notif_total)
MARK=$(log_mark)
start_watch --fetch-interval 1s
wait_for 20 log_has "watching 1 repository"
sleep 1
[ "$(notif_total)" -eq "$before" ] && ok "restarted again: nothing notified twice" ||
	not_ok "restarted again: nothing notified twice" "$(notif_newest)"

# --- a commit pushed to the remote by another clone, seen through --fetch-interval
OTHER=$WORK/other
git clone -q "$REMOTE" "$OTHER"
git -C "$OTHER" pull -q --ff-only "$REPO" main
sg LdapSG 389 0.0.0.0/0 >"$OTHER/ldap.yaml"
commit "$OTHER" "ldap: open to everyone"
MARK=$(log_mark)
before=$(notif_total)
git -C "$OTHER" push -q origin main
if wait_for 20 notif_more_than "$before"; then
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	case "$body" in
	*"aws-sg:LdapSG"*"ldap: open to everyone"*) ok "fetched commit: notified through --fetch-interval" ;;
	*) not_ok "fetched commit: notified through --fetch-interval" "$summary" "$body" ;;
	esac
	log_has "refs/remotes/origin/main: analysed" && ok "fetched commit: found on the upstream branch" ||
		not_ok "fetched commit: found on the upstream branch" "$(log_since)"
else
	not_ok "fetched commit: notified through --fetch-interval" "$(log_since)"
fi

# --- SIGHUP reloads; then a force-push is analysed from the merge base
MARK=$(log_mark)
kill -HUP "$WATCH_PID"
if wait_for 10 log_has "reloading the configuration" && kill -0 "$WATCH_PID"; then
	ok "SIGHUP: reloads and keeps running"
else
	not_ok "SIGHUP: reloads and keeps running" "$(log_since)"
fi
REWRITE=$WORK/rewrite
git clone -q "$REPO" "$REWRITE"
git -C "$REWRITE" reset -q --hard HEAD~1
sg VncSG 5900 0.0.0.0/0 >"$REWRITE/vnc.yaml"
commit "$REWRITE" "vnc: open it (replaces the memcache commit)"
git -C "$REPO" fetch -q "$REWRITE" main
MARK=$(log_mark)
before=$(notif_total)
git -C "$REPO" reset -q --hard FETCH_HEAD
if wait_for 20 notif_more_than "$before"; then
	IFS=$'\t' read -r summary body urgency <<<"$(notif_newest)"
	case "$body" in
	*"aws-sg:VncSG"*) case "$body" in
		*MemcacheSG*) not_ok "force-push: only the new commit is reported" "$body" ;;
		*) ok "force-push: only the new commit is reported" ;;
		esac ;;
	*) not_ok "force-push: only the new commit is reported" "$body" ;;
	esac
	log_has "refs/heads/main: rewritten (force-push?); analysing from the merge base ${c1:0:12}" &&
		ok "force-push: analysed from the merge base" ||
		not_ok "force-push: analysed from the merge base" "$(log_since)"
else
	not_ok "force-push: notified" "$(log_since)"
fi

# --- history lists what was notified
dw history
status_is "history exits 0" 0
for r in CacheSG SearchSG PgSG MongoSG AdminSG RabbitSG MemcacheSG LdapSG VncSG; do
	n=$(printf '%s\n' "$OUT" | grep -c "aws-sg:$r ")
	[ "$n" -eq 1 ] && ok "history lists $r once" || not_ok "history lists $r once" "$OUT"
done
dw history --format json --repo "$REPO"
json_check "history --format json: 9 alerts, all notified, newest first" \
	"len(f)==9 and all(a['notified'] for a in f) and f[0]['rule']=='DW-NET-003' and 'VncSG' in f[0]['resource'] and 'CacheSG' in f[-1]['resource']"
dw history --since 2999-01-01
[ -z "$OUT" ] && ok "history --since the future: nothing" || not_ok "history --since the future: nothing" "$OUT"
for when in yesterday today 2h 30m 1w; do
	dw history --since "$when" --format json
	json_check "history --since $when: all 9" "len(f)==9"
done
dw history --since soon
status_is "history --since soon: a usage error" 2
dw history --severity critical --format json
json_check "history --severity critical: only critical, newest first" \
	"len(f)>0 and all(x['severity']=='critical' for x in f) and len(f)<9 and f[0]['found']>=f[-1]['found']"
dw history --limit 2 --format json
json_check "history --limit 2: the 2 newest" "len(f)==2 and 'VncSG' in f[0]['resource']"
dw history --reverse --limit 1
case "$OUT" in *"aws-sg:CacheSG "*) ok "history --reverse: oldest first" ;;
*) not_ok "history --reverse: oldest first" "$OUT" ;; esac
dw history --unacknowledged --format json
json_check "history --unacknowledged: none muted yet, all 9" "len(f)==9"
# The same layout as audit's JSON: every member audit gives a finding, same
# values (audit adds its exposure windows).
dw audit -C "$REPO" --format json
printf '%s' "$OUT" >"$WORK/audit.json"
dw history --format json
json_check "history --format json: audit's layout and values for the same finding" "
(lambda a: all(set(x) <= set(h) and all(h[k] == x[k] for k in ('id', 'rule', 'severity', 'title', 'resource', 'kind', 'file', 'widened', 'before', 'after'))
               for h in f for x in a if x['id'] == h['id']) and any(x['id'] == h['id'] for h in f for x in a)
 and set(d) | {'windows'} == set(json.load(open('$WORK/audit.json'))))(json.load(open('$WORK/audit.json'))['findings'])"

# --- SIGTERM: a clean stop
kill -TERM "$WATCH_PID"
wstatus=0
wait "$WATCH_PID" || wstatus=$?
WATCH_PID=
[ "$wstatus" -eq 0 ] && ok "SIGTERM: exit 0 (no leak under LeakSanitizer)" ||
	not_ok "SIGTERM: exit 0" "status $wstatus" "$(tail -n 40 "$LOG")"

done_testing
