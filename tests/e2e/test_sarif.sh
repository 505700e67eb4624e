#!/usr/bin/env bash
# test_sarif.sh - --format sarif and --format markdown on the incident
# example and on hostile names.
#
# The SARIF output is validated against the OASIS SARIF 2.1.0 JSON schema
# and by Microsoft's SARIF Multitool (tests/e2e/sarif_validate.js, with
# the npm packages .ci/run installs into .ci/node); without them the
# schema checks are skipped. The Markdown is rendered with cmark-gfm when
# it is installed, to see the table GitHub would show.
. "$(dirname "$0")/lib.sh"

# valid NAME [invalid]: validates OUT; with "invalid", passes when the
# validator rejects it.
valid() {
	local f="$WORK/out.sarif" res st=0
	printf '%s\n' "$OUT" >"$f"
	res=$(sarif_validate "$f" 2>&1) || st=$?
	if [ $st -eq 77 ]; then
		ok "$1 # SKIP $res"
	elif { [ "${2:-}" != invalid ] && [ $st -eq 0 ]; } ||
		{ [ "${2:-}" = invalid ] && [ $st -eq 1 ] && [[ $res == *invalid* ]]; }; then
		ok "$1"
	else
		not_ok "$1" "$res"
	fi
}

OUT='{"version": "2.1.0", "runs": [{"tool": {"driver": {"version": "1"}}}]}'
valid "the validator rejects a driver without a name" invalid

# sarif_check NAME PYTHON-EXPR [ARG...]: d is the log, run its only run, r
# its results, rules its tool.driver.rules, by_id the results by ruleId;
# further arguments are sys.argv[2:].
sarif_check() {
	local name=$1 expr=$2 res
	res=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
run = d["runs"][0]
r = run["results"]
rules = run["tool"]["driver"]["rules"]
by_id = {}
for x in r:
    by_id.setdefault(x["ruleId"], []).append(x)
def loc(x):
    return x["locations"][0]["physicalLocation"]
if not eval(sys.argv[1]):
    print(json.dumps(r, indent=1)[:3000]); sys.exit(1)
' "$expr" "${@:3}" 2>&1) && ok "$name" || not_ok "$name" "expression: $expr" "$res" "stderr: $ERR"
}

# md_rows_ok NAME: every table row has 7 cells (GFM splits on a "|" not
# preceded by a backslash).
md_rows_ok() {
	local res
	res=$(printf '%s\n' "$OUT" | python3 -c '
import re, sys
bad = [l for l in sys.stdin.read().splitlines()
       if l.startswith("|") and len(re.split(r"(?<!\\)\|", l)) != 9]
print("\n".join(bad)); sys.exit(1 if bad else 0)
' 2>&1) && ok "$1" || not_ok "$1" "$res"
}

repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")

# SARIF reports what holds at the tip of the range: up to HEAD~1 (before
# the fix), Elasticsearch open to the Internet with its security off.
dw audit -C "$repo" HEAD~1 --open-at-tip --format json
json_out=$OUT

dw audit -C "$repo" HEAD~1 --format sarif
status_is "audit --format sarif on the example: exit 1" 1
valid "the example's SARIF is valid SARIF 2.1.0"
sarif_check "version 2.1.0, one run, driver driftwatch with its version" \
	"d['version']=='2.1.0' and d['\$schema'] and len(d['runs'])==1 and run['tool']['driver']['name']=='driftwatch' and run['tool']['driver']['version']"
sarif_check "rules: the whole pack, each with a security-severity and the security tag" \
	"len(rules)>=10 and all(0.0<=float(x['properties']['security-severity'])<=10.0 and x['properties']['tags']==['security'] and x['shortDescription']['text'] and x['fullDescription']['text'] and x['help']['text'] for x in rules)"
sarif_check "rules: DW-NET-001 is error with security-severity 9.5 and a CamelCase name" \
	"[(x['defaultConfiguration']['level'], x['properties']['security-severity'], x['name']) for x in rules if x['id']=='DW-NET-001']==[('error','9.5','DataStoreOrAdminPortNewlyReachableFromTheInternet')]"
sarif_check "informationUri is the man page, each rule's helpUri its entry there" \
	"run['tool']['driver']['informationUri']=='man:driftwatch(1)' and all(x['helpUri']=='man:driftwatch(1)#'+x['id'] for x in rules)"
# The entries those URIs name: every rule of the pack, with its severity
# and title, in the man page's RULES section (as man renders it).
check "the man page's RULES section lists every rule with its severity and title" python3 - \
	"$SRCDIR/packaging/driftwatch.1" "$("$DRIFTWATCH" rules --rules "$SRCDIR/rules/pack.yml")" <<'PY'
import re, sys
page = open(sys.argv[1], encoding='utf-8').read()
section = page.split('\n.SH RULES\n', 1)[1].split('\n.SH ', 1)[0]
entries = re.findall(r'^\.TP\n\.B (\S+)\n(\w+): (.*)$', section, re.M)
listed = {rid.replace('\\-', '-'): (sev, title.replace('\\-', '-')) for rid, sev, title in entries}
pack = {l.split(None, 2)[0]: tuple(l.split(None, 2)[1:]) for l in sys.argv[2].splitlines()}
missing = {k: v for k, v in pack.items() if listed.get(k) != v}
assert len(pack) >= 30 and not missing, ('not in the man page as the pack has them', missing)
PY
sarif_check "the critical findings are DW-NET-001 and DW-SET-001, level error" \
	"[x['level'] for x in by_id['DW-NET-001']]==['error'] and [x['level'] for x in by_id['DW-SET-001']]==['error']"
sarif_check "every result's ruleIndex names its rule" \
	"r and all(rules[x['ruleIndex']]['id']==x['ruleId'] for x in r)"
sarif_check "DW-NET-001 points at infra/azure/es-nsg.json from %SRCROOT%, line 24" \
	"loc(by_id['DW-NET-001'][0])=={'artifactLocation': {'uri': 'infra/azure/es-nsg.json', 'uriBaseId': '%SRCROOT%'}, 'region': {'startLine': 24}}"
sarif_check "partialFingerprints and lines are the JSON output's ids and lines" \
	"sorted((x['partialFingerprints']['driftwatch/v1'], loc(x)['region']['startLine']) for x in r)==sorted((y['id'], y['line']) for y in json.loads(sys.argv[2])['findings'] if y['severity']!='info')" \
	"$json_out"
sarif_check "properties carry resource, sets and the commit" \
	"all(x['properties']['resource']=='azure-nsg:support-es-nsg' and x['properties']['after'].startswith('tcp/9200,9300 from 0.0.0.0/0') and len(x['properties']['commit'])==40 and x['properties']['author'] and x['properties']['date'] for x in by_id['DW-NET-001'])"
sarif_check "info findings are left out without -v" "all(x['properties']['severity']!='info' for x in r)"

dw audit -C "$repo" --format sarif
sarif_check "the whole history: the windows the fix closed are not on today's lines" \
	"'DW-NET-001' not in by_id and 'DW-SET-001' not in by_id and r"
dw diff -C "$repo" HEAD~1 HEAD --format sarif -v
valid "with -v: still valid"
sarif_check "with -v: the fix's narrowing is a note" \
	"any(x['properties']['severity']=='info' and x['level']=='note' for x in r)"

dw audit -C "$repo" HEAD~1..HEAD --format sarif
status_is "the fix alone: exit 0" 0
valid "no results: still valid"
sarif_check "no results: empty results, rules still listed" "r==[] and len(rules)>=10"

# Hostile names: a file that cannot be parsed, named with a pipe, a colon
# and a space; a security group whose logical id carries Markdown and HTML.
hostile=$(new_repo hostile)
cat >"$hostile/sg.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  "App|SG<img src=x>@team`x":
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          CidrIp: 10.0.0.0/8
YAML
commit "$hostile" "redis from the office"
sed -i 's#10.0.0.0/8#0.0.0.0/0#' "$hostile/sg.yaml"
printf '{"resources": [{"type": "Microsoft.Network/networkSecurityGroups",\n  "name": "x",\n  "properties": {"securityRules": [ ' \
	>"$hostile/in|fra:x y.json"

dw diff -C "$hostile" --format sarif
status_is "hostile names: exit 1" 1
valid "hostile names: valid SARIF"
sarif_check "a new unparsable file is a warning result (medium) with its line" \
	"[(x['level'], loc(x)['region']['startLine']>=1, x['properties']['unchecked']) for x in by_id['DW-PARSE-004']]==[('warning', True, True)]"
sarif_check "its path is a percent-encoded relative URI" \
	"loc(by_id['DW-PARSE-004'][0])['artifactLocation']['uri']=='in%7Cfra%3Ax%20y.json'"
sarif_check "and a tool execution notification" \
	"[n['level'] for n in run['invocations'][0]['toolExecutionNotifications']]==['warning'] and run['invocations'][0]['executionSuccessful']"

dw diff -C "$hostile" --format markdown
status_is "markdown: exit 1" 1
case "$OUT" in
"### driftwatch: 1 critical, 1 medium (1 could not be checked)"*) ok "markdown: a heading with the counts per severity" ;;
*) not_ok "markdown: a heading with the counts per severity" "$OUT" ;;
esac
case "$OUT" in
*"| Severity | Rule | Resource | File:line | Newly allowed | Before | Commit |"*) ok "markdown: the table header" ;;
*) not_ok "markdown: the table header" "$OUT" ;;
esac
md_rows_ok "markdown: pipes in names and messages are escaped; every row has 7 cells"
case "$OUT" in
*'`` aws-sg:App\|SG<img src=x>@team`x ``'*) ok "markdown: a resource with a backtick gets a longer code fence" ;;
*'``aws-sg:App\|SG<img src=x>@team`x``'*) ok "markdown: a resource with a backtick gets a longer code fence" ;;
*) not_ok "markdown: a resource with a backtick gets a longer code fence" "$OUT" ;;
esac
case "$OUT" in
*'could not be checked: in\|fra:x y.json:3:'*) ok "markdown: a | in a message is escaped" ;;
*) not_ok "markdown: a | in a message is escaped" "$OUT" ;;
esac
if command -v cmark-gfm >/dev/null; then
	html=$(printf '%s\n' "$OUT" | cmark-gfm -e table)
	case "$html" in
	*"<img"*) not_ok "markdown: rendered, a name adds no HTML" "$html" ;;
	*"<code>aws-sg:App|SG&lt;img src=x&gt;@team\`x</code>"*"<td>could not be checked: in|fra:x y.json:3:"*)
		ok "markdown: rendered by cmark-gfm, cells hold the names as written" ;;
	*) not_ok "markdown: rendered by cmark-gfm, cells hold the names as written" "$html" ;;
	esac
else
	ok "markdown: rendered by cmark-gfm # SKIP cmark-gfm not installed"
fi

dw audit -C "$repo" --format markdown
case "$OUT" in
*'| **CRITICAL** | `DW-NET-001` Data store or admin port newly reachable from the Internet | `azure-nsg:support-es-nsg` | `infra/azure/es-nsg.json:24` | `tcp/9200,9300 from 0.0.0.0/0, ::/0,'*) ok "markdown: the example's DW-NET-001 row" ;;
*) not_ok "markdown: the example's DW-NET-001 row" "$OUT" ;;
esac
case "$OUT" in
*"| INFO |"*) not_ok "markdown: info rows only with -v" "$OUT" ;;
*) ok "markdown: info rows only with -v" ;;
esac
dw audit -C "$repo" --format markdown -v
case "$OUT" in
*"| INFO |"*) ok "markdown -v: info rows" ;;
*) not_ok "markdown -v: info rows" "$OUT" ;;
esac
dw audit -C "$repo" HEAD~1..HEAD --format markdown
status_is "markdown, nothing widened: exit 0" 0
case "$OUT" in
*"No exposure widened."*) ok "markdown, nothing widened: says so" ;;
*) not_ok "markdown, nothing widened: says so" "$OUT" ;;
esac

done_testing
