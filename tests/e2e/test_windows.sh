#!/usr/bin/env bash
# test_windows.sh - exposure windows: how long each widening stayed open,
# who opened it and who closed it; --open-at-tip and SARIF report what
# still holds at the tip, at its line there.
. "$(dirname "$0")/lib.sh"

# --- the incident story ------------------------------------------------------
repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")
dw audit -C "$repo" --format json
json_check "incident: the Internet window on ES opened by 'Open ES', closed by 'Close ES'" \
	"[(w['opened']['subject'][:7], w['opened']['author'].split(' <')[0], w['closed']['subject'][:8], w['closed']['author'].split(' <')[0]) for w in d['windows'] if w['rule']=='DW-NET-001'] == [('Open ES', 'Sam Migrate', 'Close ES', 'Dana Ops')]"
json_check "incident: auth off is a window of its own, closed by the same fix" \
	"[(w['setting'], w['opened']['subject'][:13], w['closed']['subject'][:8]) for w in d['windows'] if w['rule']=='DW-SET-001'] == [('auth', 'Debug migrati', 'Close ES')]"
json_check "incident: the window's length is its commits' dates apart (20.6 days)" \
	"[round(w['days'], 1) for w in d['windows'] if w['rule']=='DW-NET-001'] == [20.6]"
json_check "incident: what the first commit opened in private space is still open at the tip" \
	"sorted(w['rule'] for w in d['windows'] if w['open_at_tip']) == ['DW-NET-004', 'DW-NET-010', 'DW-NET-011', 'DW-NET-011', 'DW-SET-003'] and all(w['closed'] is None for w in d['windows'] if w['open_at_tip'])"
dw audit -C "$repo"
check "incident: the text ends with the windows, open ones first" \
	grep -qE "^Exposure windows: 7, 5 still open at the tip$" <<<"$OUT"
check "incident: a closed window says who closed it and after how long" \
	grep -qE "closed [0-9a-f]{12} 2026-04-06 by Dana Ops, after 20\.6 days" <<<"$OUT"

# --- a generated history with known windows ------------------------------------
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
# at DAY AUTHOR MESSAGE: commits everything, dated day DAY of March 2026.
at() {
	git -C "$h" add -A
	GIT_AUTHOR_DATE="2026-03-$(printf %02d "$1")T12:00:00+00:00" GIT_COMMITTER_DATE="2026-03-$(printf %02d "$1")T12:00:00+00:00" \
		GIT_AUTHOR_NAME="$2" git -C "$h" commit -q -m "$3"
}
h=$(new_repo history)
mkdir -p "$h/net"
sg "$h/net/app.yaml" 443:10.0.0.0/8
at 1 Ann "app behind the VPN"
sg "$h/net/app.yaml" 443:10.0.0.0/8 22:0.0.0.0/0
at 2 Bob "ssh from anywhere"
git -C "$h" mv net/app.yaml net/app-sg.yaml
at 4 Cat "rename the template"
sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:0.0.0.0/0 6379:0.0.0.0/0
at 6 Bob "redis for the migration"
sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8 6379:0.0.0.0/0
at 12 Dee "ssh from the VPN only"
sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8 6379:0.0.0.0/1
at 14 Eve "redis: half the Internet"
sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8
at 21 Fay "no more redis"
sg "$h/net/app-sg.yaml" 3389:0.0.0.0/0 443:10.0.0.0/8 22:10.0.0.0/8
at 25 Gus "rdp for the vendor"

dw audit -C "$h" --format json
json_check "history: ssh from anywhere: opened by Bob on day 2, closed by Dee on day 12, 10 days; the rename does not close it" \
	"[(w['opened']['author'][:3], w['closed']['author'][:3], w['days']) for w in d['windows'] if 'tcp/22 ' in w['region']] == [('Bob', 'Dee', 10.0)]"
json_check "history: redis closes only when the last of it is shut: Bob day 6 to Fay day 21, 15 days" \
	"[(w['opened']['author'][:3], w['closed']['author'][:3], w['days']) for w in d['windows'] if 'tcp/6379 ' in w['region']] == [('Bob', 'Fay', 15.0)]"
json_check "history: rdp is still open at the tip, at its line in the renamed file" \
	"[(w['open_at_tip'], w['tip_file'], w['tip_line'], w['opened']['author'][:3]) for w in d['windows'] if 'tcp/3389 ' in w['region']] == [(True, 'net/app-sg.yaml', 8, 'Gus')]"
json_check "history: three windows on the Internet, one open; the private 443 stays open (ssh from the VPN was in 0.0.0.0/0 already)" \
	"[w['open_at_tip'] for w in d['windows'] if w['severity'] in ('high','critical')].count(True) == 1 and len([w for w in d['windows'] if w['severity'] in ('high','critical')]) == 3 and sorted(w['region'] for w in d['windows'] if w['severity']=='low') == ['tcp/443 from 10.0.0.0/8']"

dw audit -C "$h" --open-at-tip --format json
status_is "--open-at-tip: what is open now is at or above high: exit 1" 1
json_check "--open-at-tip: of the high and critical, only rdp, at its line in the renamed file, with the commit that opened it" \
	"[(x['file'], x['line'], x['subject']) for x in f if x['severity'] in ('high','critical')] == [('net/app-sg.yaml', 8, 'rdp for the vendor')]"
json_check "--open-at-tip: the private widening still open, at its line there" \
	"[(x['line'], x['subject']) for x in f if x['severity']=='low'] == [(9, 'app behind the VPN')]"
dw audit -C "$h" --format sarif --severity high
check "SARIF: only what is open at the tip, at its line there" python3 -c '
import json, sys
r = json.load(sys.stdin)["runs"][0]["results"]
loc = [(x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in r]
sys.exit(0 if loc == [("net/app-sg.yaml", 8)] else 1)' <<<"$OUT"
sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8
at 27 Hal "rdp closed"
dw audit -C "$h" --open-at-tip --format json
status_is "--open-at-tip after the last fix: nothing high open: exit 0" 0
json_check "--open-at-tip after the last fix: only the private widenings" "f and all(x['severity']=='low' for x in f)"
dw audit -C "$h" --format json
status_is "the full history still reports its findings: exit 1" 1

# --- closed windows are written out, not held ------------------------------------
# Twenty windows opened and closed: each closed one goes to a temporary
# file in $TMPDIR and is read back for the report.
for i in $(seq 1 20); do
	sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8 "$((8000 + i)):0.0.0.0/0"
	at 28 Ivy "port $((8000 + i)) for a test"
	sg "$h/net/app-sg.yaml" 443:10.0.0.0/8 22:10.0.0.0/8
	at 28 Ivy "port $((8000 + i)) closed"
done
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" dw audit -C "$h" --format json
want=$OUT
json_check "spilled: 24 windows, the 20 short ones among them, and still one open (the private 443)" \
	"len(d['windows']) == 24 and sum(1 for w in d['windows'] if w['open_at_tip']) == 1 and sum(1 for w in d['windows'] if w['opened']['author'].startswith('Ivy') and w['closed']['author'].startswith('Ivy')) == 20"
json_check "spilled: open first (443, 27 days), then the closed ones longest first (redis 15, ssh 10, rdp 2), then the twenty as they opened" \
	"[round(w['days']) for w in d['windows']][:4] == [27, 15, 10, 2] and [w['opened']['subject'] for w in d['windows'][4:]] == ['port %d for a test' % p for p in range(8001, 8021)]"
check "spilled: nothing is left in \$TMPDIR (the file is unlinked as soon as it is made)" \
	test -z "$(ls -A "$WORK/tmp")"
check "spilled: and nothing said on stderr" test -z "$ERR"

# Not under valgrind (tests/valgrind.sh sets DW_HOOK_EXEC): valgrind
# needs a temporary file of its own in TMPDIR to start.
if [ -z "${DW_HOOK_EXEC:-}" ]; then
	TMPDIR="$WORK/no-such-dir" dw audit -C "$h" --format json
	check "no temporary file can be made: said once on stderr" \
		test "$(grep -c 'exposure windows: .*keeping them in memory' <<<"$ERR")" = 1
	check "no temporary file can be made: the same report, from memory" test "$OUT" = "$want"
fi

# A file size limit (ulimit -f, in KiB) lets the file take the first few
# records and refuses the rest (EFBIG; SIGXFSZ ignored): those stay in
# memory. Standard output is a pipe, which the limit does not touch.
OUT=$( (trap '' XFSZ; ulimit -f 2; TMPDIR="$WORK/tmp" "$DRIFTWATCH" audit -C "$h" --format json 2>"$WORK/.stderr") | cat)
ERR=$(cat "$WORK/.stderr")
check "the file refuses a write: said once on stderr" \
	test "$(grep -c 'writing a temporary file in .*: File too large; keeping them in memory' <<<"$ERR")" = 1
check "the file refuses a write: the same report, partly from the file, partly from memory" \
	test "$OUT" = "$want"

done_testing
