#!/usr/bin/env bash
# test_example.sh - the README's example tells the incident's story:
# the exposing commit and the security switch-off are critical, the
# refactor and the fix raise nothing.
. "$(dirname "$0")/lib.sh"

repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")
commit_of() { git -C "$repo" log --format=%H --grep="$1"; }
refactor=$(commit_of "Tidy NSG")
opened=$(commit_of "Open ES")
secoff=$(commit_of "disable ES security")
fix=$(commit_of "Close ES")

dw audit -C "$repo" --format json
status_is "audit of the example exits 1 (findings)" 1
json_check "the opening commit has a critical DW-NET-001 on tcp/9200,9300 from the Internet" \
	"any(x['commit']=='$opened' and x['rule']=='DW-NET-001' and x['severity']=='critical' and x['widened'].startswith('tcp/9200,9300 from ') and '0.0.0.0/0' not in x['before'] for x in f)"
json_check "the finding says what was allowed before" \
	"any(x['commit']=='$opened' and x['rule']=='DW-NET-001' and x['before']=='tcp/9200,9300 from 10.20.0.0/16, azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork' for x in f)"
json_check "the finding points at the rule's line in the NSG" \
	"any(x['commit']=='$opened' and x['file']=='infra/azure/es-nsg.json' and x['line']>20 for x in f)"
json_check "switching security off is critical and names the open port" \
	"any(x['commit']=='$secoff' and x['rule']=='DW-SET-001' and x['severity']=='critical' and 'tcp/9200' in x['message'] for x in f)"
json_check "the refactor-only commit has no finding" \
	"not any(x['commit']=='$refactor' for x in f)"
json_check "the fix has no finding above info" \
	"not any(x['commit']=='$fix' and x['severity']!='info' for x in f)"
dw audit -C "$repo" --format json -v
json_check "the fix records the narrowing as info (shown with -v)" \
	"any(x['commit']=='$fix' and x['rule']=='DW-NET-900' for x in f)"
json_check "findings are oldest first" \
	"[x['commit'] for x in f if x['commit'] in ('$opened','$secoff')] == sorted([x['commit'] for x in f if x['commit'] in ('$opened','$secoff')], key=lambda c: c!='$opened')"
json_check "every finding carries author and date" \
	"all(x.get('author') and x.get('date') for x in f)"

dw audit -C "$repo"
status_is "text audit exits 1" 1
case "$OUT" in
*"CRITICAL DW-NET-001"*"now allowed: tcp/9200,9300 from "*"before:      tcp/9200,9300 from 10.20.0.0/16, azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork"*) ok "text output says what is newly allowed and what was before" ;;
*) not_ok "text output says what is newly allowed and what was before" "$OUT" ;;
esac

dw audit -C "$repo" --format json -j 0
serial=$OUT
dw audit -C "$repo" --format json -j 3
if [ "$serial" = "$OUT" ] && [ -n "$OUT" ]; then
	ok "audit with parsing threads reports exactly what the serial audit does"
else
	not_ok "audit with parsing threads reports exactly what the serial audit does" "$serial" "$OUT"
fi

dw audit -C "$repo" -q
status_is "-q keeps the exit status" 1
[ -z "$OUT" ] && ok "-q prints nothing" || not_ok "-q prints nothing" "$OUT"

dw audit -C "$repo" -q --fail-on info
status_is "--fail-on info still fails" 1

dw diff -C "$repo" "$refactor" --format json
status_is "diff of the refactor commit exits 0" 0
json_check "diff of the refactor commit has no finding at all" "f == []"

dw diff -C "$repo" "$opened~1" "$secoff" --format json
status_is "diff over two revisions exits 1" 1
json_check "two-revision diff has both the network and the settings finding" \
	"{'DW-NET-001','DW-SET-001'} <= {x['rule'] for x in f} and all('commit' not in x for x in f)"
json_check "opening 9200 and switching security off together: the network finding says both" \
	"any(x['rule']=='DW-NET-001' and 'security is off in config/elasticsearch/elasticsearch.yml:10' in x['message'] for x in f)"
json_check "opening 9200 and switching security off together: the settings finding says both" \
	"any(x['rule']=='DW-SET-001' and 'let the Internet reach it: tcp/9200,9300 from 0.0.0.0/0, ::/0' in x['message'] for x in f)"

# explain FINDING-ID: the critical finding of the rule change, from a
# saved report and from the history itself.
dw audit -C "$repo" --format json
echo "$OUT" > "$WORK/report.json"
fid=$(python3 -c 'import json,sys; print([x["id"] for x in json.load(open(sys.argv[1]))["findings"] if x["rule"]=="DW-NET-001"][0])' "$WORK/report.json")
after=$(python3 -c 'import json,sys; print([x["after"] for x in json.load(open(sys.argv[1]))["findings"] if x["rule"]=="DW-NET-001"][0])' "$WORK/report.json")
before=$(python3 -c 'import json,sys; print([x["before"] for x in json.load(open(sys.argv[1]))["findings"] if x["rule"]=="DW-NET-001"][0])' "$WORK/report.json")
explained() { # explained NAME: OUT names the finding, its sets and its rule in full
	case "$OUT" in
	*"finding $fid: DW-NET-001 critical"*"now allowed:  $after"*"before:       $before"*"Data store or admin port newly reachable"*"remediation:"*)
		ok "$1" ;;
	*) not_ok "$1" "$OUT" "$ERR" ;;
	esac
}
dw explain --report "$WORK/report.json" "$fid"
status_is "explain FINDING-ID --report: exit 0" 0
explained "explain FINDING-ID --report: the finding, before/after and the rule"
dw explain -C "$repo" "$fid"
status_is "explain FINDING-ID from the history: exit 0" 0
explained "explain FINDING-ID from the history: the finding, before/after and the rule"
case "$OUT" in *"commit:       "*"Open ES"*) ok "explain FINDING-ID names the commit" ;; *) not_ok "explain FINDING-ID names the commit" "$OUT" ;; esac
dw explain -C "$repo" 0123456789ab
status_is "explain an unknown finding id: exit 2" 2
case "$ERR" in *"no finding 0123456789ab"*) ok "unknown finding id: stderr says so" ;; *) not_ok "unknown finding id: stderr says so" "$ERR" ;; esac
dw explain --report "$WORK/report.json" 0123456789ab
status_is "explain an id not in the report: exit 2" 2

done_testing
