#!/usr/bin/env bash
# test_audit_cache.sh - the audit cache ($XDG_CACHE_HOME/driftwatch/audit.db):
# a second audit judges only new commits and reports exactly what an
# uncached one does; other rules, --max-file-size, an approval expiring
# or the date going back judge again; a damaged, foreign, locked or
# unwritable cache is one warning and a correct audit.
. "$(dirname "$0")/lib.sh"

export DRIFTWATCH_TODAY=2026-05-01
CACHE=$XDG_CACHE_HOME/driftwatch/audit.db

# sg FILE PORT:CIDR...: a CloudFormation security group letting each port in from its CIDR.
sg() {
	local file=$1
	shift
	{
		printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  AppSG:\n    Type: AWS::EC2::SecurityGroup\n'
		printf '    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n'
		for rule in "$@"; do
			printf '        - {IpProtocol: tcp, FromPort: %s, ToPort: %s, CidrIp: %s}\n' "${rule%%:*}" "${rule%%:*}" "${rule#*:}"
		done
	} >"$file"
}

# A history with findings of every kind the reports show: windows opened
# and closed, one open at the tip, an approval with an expiry (2026-06-01),
# a file that does not parse, a trailer approval, and commits that touch
# no config at all.
h=$(new_repo history)
mkdir -p "$h/net" "$h/docs"
sg "$h/net/app.yaml" 443:10.0.0.0/8
commit "$h" "app behind the VPN"
sg "$h/net/app.yaml" 443:10.0.0.0/8 22:0.0.0.0/0
commit "$h" "ssh from anywhere"
echo "notes" >"$h/docs/notes.md"
commit "$h" "docs only"
printf 'approvals:\n  - finding: {rule: DW-NET-001, resource: aws-sg:AppSG}\n    reason: migration, OPS-7\n    approved_by: Ana Admin\n    expires: 2026-06-01\n' >"$h/.driftwatch.yml"
commit "$h" "approve redis for the migration"
sg "$h/net/app.yaml" 443:10.0.0.0/8 22:0.0.0.0/0 6379:0.0.0.0/0
commit "$h" "redis for the migration"
printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  A: {Type: "AWS::EC2::SecurityGroup", Properties: {SecurityGroupIngress: [\n' >"$h/net/broken.yaml"
commit "$h" "a template that does not parse"
sg "$h/net/app.yaml" 443:10.0.0.0/8 22:10.0.0.0/8 6379:0.0.0.0/0
commit "$h" "ssh from the VPN only"
sg "$h/net/db.yaml" 5432:0.0.0.0/0
sed -i 's/AppSG/DbSG/' "$h/net/db.yaml"
git -C "$h" add -A
id=$("$DRIFTWATCH" diff -C "$h" --format json | python3 -c 'import json,sys; print([f["id"] for f in json.load(sys.stdin)["findings"] if f["rule"]=="DW-NET-001"][0])')
git -C "$h" commit -q -m "postgres for the vendor" -m "Exposure-Approved: $id vendor access until June"
# Past 1 KiB: --max-file-size 1KiB makes it a file not checked.
sg "$h/net/big.yaml" 8080:0.0.0.0/0 $(seq -f '%g:10.0.0.0/8' 9001 9030)
commit "$h" "a big template"
echo "more" >>"$h/docs/notes.md"
commit "$h" "docs again"
total=$(git -C "$h" rev-list --count HEAD)

# footer: "N M" from the text summary: commits judged, and of them from the cache (0 if none).
footer() {
	sed -nE 's/^-- ([0-9]+) commits? judged (\(([0-9]+) from the cache\) )?in .*/\1 \3/p' <<<"$OUT" | awk '{print $1, ($2 == "" ? 0 : $2)}'
}
# normal: OUT with the footer's counts and time taken out, to compare runs.
normal() {
	sed -E 's/^-- [0-9]+ commits? judged (\([0-9]+ from the cache\) )?in [0-9.]+ s:/-- judged:/' <<<"$OUT"
}
# same_as_uncached NAME ARGS...: the audit with ARGS gives what --no-cache gives, in
# text, JSON, SARIF and Markdown; also its exit status.
same_as_uncached() {
	local name=$1 fmt want want_status
	shift
	for fmt in text json sarif markdown; do
		dw audit "$@" --no-cache --format "$fmt"
		want=$(normal) want_status=$STATUS
		dw audit "$@" --format "$fmt"
		if [ "$(normal)" = "$want" ] && [ "$STATUS" = "$want_status" ]; then
			ok "$name: $fmt as without the cache"
		else
			not_ok "$name: $fmt as without the cache" "status $STATUS, uncached $want_status" \
				"$(diff <(echo "$want") <(normal) | head -20)"
		fi
	done
}

# --- a second audit judges nothing again ----------------------------------------
dw audit -C "$h" -v
same "cold: every commit judged, none from the cache" "$(footer)" "$total 0"
same "cold: nothing on stderr" "$ERR" ""
check "cold: the cache is written" test -s "$CACHE"
dw audit -C "$h" -v
same "warm: every commit from the cache" "$(footer)" "$total $total"
same_as_uncached "warm" -C "$h"
same_as_uncached "warm, -v, --open-at-tip" -C "$h" -v --open-at-tip
dw audit -C "$h" --format json
json_check "warm: the reports have their findings (windows, an approval, a parse failure, a trailer)" \
	"len(d['windows']) >= 3 and any(x.get('suppressed') and x['approval']['expires']=='2026-06-01' for x in f) and any(x['rule'].startswith('DW-PARSE') for x in f) and any(x.get('suppressed') and x['subject']=='postgres for the vendor' for x in f)"

# --- one new commit: only it is judged ---------------------------------------
sg "$h/net/app.yaml" 443:10.0.0.0/8 22:10.0.0.0/8 6379:0.0.0.0/0 3389:0.0.0.0/0
commit "$h" "rdp for the vendor"
dw audit -C "$h"
same "one new commit: judged alone, the rest from the cache" "$(footer)" "$((total + 1)) $total"
total=$((total + 1))
same_as_uncached "one new commit" -C "$h"
dw audit -C "$h" --no-cache
same "--no-cache: nothing from the cache" "$(footer)" "$total 0"
XDG_CACHE_HOME=$WORK/none dw audit -C "$h" --no-cache
check "--no-cache: writes no cache" test ! -e "$WORK/none"

# A shallow clone of it: its boundary commit is in the cache, judged against
# a parent the clone lacks; the clone must say where history stops instead.
shallow=$WORK/shallow
git clone -q --no-local --depth 3 "file://$h" "$shallow" 2>/dev/null
dw audit -C "$shallow"
same "shallow clone: the commits it holds from the cache, not the boundary" "$(footer)" "2 2"
same_as_uncached "shallow clone" -C "$shallow"

# --- what judges differently judges again ----------------------------------------
printf 'rules:\n  - {id: DW-NET-003, severity: medium}\n' >"$WORK/extra.yml"
dw audit -C "$h" --extra-rules "$WORK/extra.yml"
same "--extra-rules: another key, every commit judged" "$(footer)" "$total 0"
dw audit -C "$h" --extra-rules "$WORK/extra.yml"
same "--extra-rules: the same file again, from the cache" "$(footer)" "$total $total"
printf 'rules:\n  - {id: DW-NET-003, severity: low}\n' >"$WORK/extra.yml"
dw audit -C "$h" --extra-rules "$WORK/extra.yml" --format json
json_check "--extra-rules edited in place: its new severity, not the cached one" \
	"any(x['rule']=='DW-NET-003' and x['severity']=='low' for x in f) and not any(x['rule']=='DW-NET-003' and x['severity']=='medium' for x in f)"
dw audit -C "$h" --extra-rules "$WORK/extra.yml"
same "--extra-rules edited in place: judged again, then cached" "$(footer)" "$total $total"
dw audit -C "$h" --max-file-size 1KiB
same "--max-file-size: another key, every commit judged" "$(footer)" "$total 0"
same_as_uncached "--max-file-size" -C "$h" --max-file-size 1KiB
dw audit -C "$h" --max-file-size 1KiB --format json
json_check "--max-file-size: the big file is not checked" "any(x['file']=='net/big.yaml' and x['unchecked'] for x in f)"
mkdir -p "$XDG_CONFIG_HOME/driftwatch"
printf 'rules:\n  - {id: DW-NET-001, severity: medium}\n' >"$XDG_CONFIG_HOME/driftwatch/rules.yml"
dw audit -C "$h"
same "a user rules.yml: another key, every commit judged" "$(footer)" "$total 0"
rm -r "$XDG_CONFIG_HOME/driftwatch"
dw audit -C "$h"
same "the user rules.yml gone: the first key's judgements again" "$(footer)" "$total $total"

# --- approvals expire; dates going back ------------------------------------------
DRIFTWATCH_TODAY=2026-06-01 dw audit -C "$h"
same "on the approval's last day: all from the cache" "$(footer)" "$total $total"
DRIFTWATCH_TODAY=2026-06-02 dw audit -C "$h"
# Two commits relied on it: redis, and rdp on the same group.
same "the day after: only the commits that relied on the approval are judged again" "$(footer)" "$total $((total - 2))"
DRIFTWATCH_TODAY=2026-06-02 dw audit -C "$h" --format json
json_check "the day after: the finding is back and DW-POLICY-003 names the approval" \
	"any(x['rule']=='DW-NET-001' and not x.get('suppressed') and x['subject']=='redis for the migration' for x in f) and any(x['rule']=='DW-POLICY-003' for x in f)"
DRIFTWATCH_TODAY=2026-06-03 dw audit -C "$h"
same "expired: judged again once, then from the cache" "$(footer)" "$total $total"
DRIFTWATCH_TODAY=2026-06-03 same_as_uncached "expired" -C "$h"
DRIFTWATCH_TODAY=2026-05-02 dw audit -C "$h"
same "a date before a judgement: the commits judged after it are judged again" "$(footer)" "$total $((total - 2))"
DRIFTWATCH_TODAY=2026-05-02 same_as_uncached "date gone back" -C "$h"

# --- damaged, foreign, locked, unwritable -------------------------------------
dw audit -C "$h" --no-cache --format json
want=$OUT
head -c 8192 /dev/urandom >"$CACHE"
rm -f "$CACHE-wal" "$CACHE-shm"
dw audit -C "$h" --format json
same "garbage in audit.db: the same report" "$OUT" "$want"
same "garbage in audit.db: one warning line" "$(wc -l <<<"$ERR")" 1
check "garbage in audit.db: the warning says it was moved aside" grep -q "moved aside to .*audit.db.damaged" <<<"$ERR"
check "garbage in audit.db: moved aside" test -e "$CACHE.damaged"
dw audit -C "$h"
same "garbage in audit.db: a new cache, filled" "$(footer) $ERR" "$total $total "

rm -f "$CACHE" "$CACHE-wal" "$CACHE-shm"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t (x)"); c.commit()' "$CACHE"
dw audit -C "$h" --format json
same "another program's database: the same report" "$OUT" "$want"
check "another program's database: moved aside, with a warning" grep -q "another program's database; moved aside" <<<"$ERR"

# Half a file: SQLite's header, then the end of the first page missing.
dw audit -C "$h" -q
head -c 3000 "$CACHE" >"$WORK/cut" && mv "$WORK/cut" "$CACHE"
rm -f "$CACHE-wal" "$CACHE-shm"
dw audit -C "$h" --format json
same "a cut audit.db: the same report" "$OUT" "$want"

# Another process holds the write lock for longer than the busy timeout.
dw audit -C "$h" -q
python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("begin exclusive")
print("locked", flush=True)
time.sleep(15)
' "$CACHE" >"$WORK/lock.out" &
locker=$!
for _ in $(seq 50); do grep -q locked "$WORK/lock.out" 2>/dev/null && break; sleep 0.1; done
dw audit -C "$h" --format json
same "a locked cache: the same report" "$OUT" "$want"
check "a locked cache: one warning line, auditing without it" \
	grep -qx "driftwatch: audit cache: .*locked.*; auditing without it" <<<"$ERR"
dw audit -C "$h" -q --format json
same "a locked cache, -q: nothing on stderr" "$ERR" ""
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

: >"$WORK/file"
XDG_CACHE_HOME=$WORK/file/cache dw audit -C "$h" --format json
same "an unusable XDG_CACHE_HOME: the same report" "$OUT" "$want"
check "an unusable XDG_CACHE_HOME: one warning line" \
	grep -qx "driftwatch: audit cache: cannot create .*: Not a directory; auditing without it" <<<"$ERR"
XDG_CACHE_HOME=$WORK/file/cache dw audit -C "$h" -q
same "an unusable XDG_CACHE_HOME, -q: nothing on stderr" "$ERR" ""

# --- two audits at once share a new cache ------------------------------------
rm -rf "$XDG_CACHE_HOME"
"$DRIFTWATCH" audit -C "$h" --format json >"$WORK/a.json" 2>"$WORK/a.err" &
first=$!
"$DRIFTWATCH" audit -C "$h" --format json >"$WORK/b.json" 2>"$WORK/b.err"
wait "$first"
same "two audits at once: the same reports" "$(cat "$WORK/a.json")|$(cat "$WORK/b.json")" "$want|$want"
same "two audits at once: no warning" "$(cat "$WORK/a.err" "$WORK/b.err")" ""
dw audit -C "$h"
same "two audits at once: the cache holds every commit" "$(footer)" "$total $total"

done_testing
