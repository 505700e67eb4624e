#!/usr/bin/env bash
# test_ci_formats.sh - what CI and people at a terminal get from audit and
# diff: --output to several files in one run, --exit-zero, --severity as a
# display filter apart from --fail-on, the compact text layout within 120
# columns and its summary footer, GitLab's SAST report (the fields its
# schema requires), JUnit XML, Markdown capped at GitHub's comment limit,
# and shallow clones.
. "$(dirname "$0")/lib.sh"

repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")
out="$WORK/out"
mkdir -p "$out"

# --- several outputs in one run ------------------------------------------
dw audit -C "$repo" --output "$out/r.sarif" --output "junit:$out/junit.xml" \
	--output "gitlab-sast:$out/gl-sast-report.json" --output "$out/r.json" --output "$out/r.md"
status_is "audit with four --output files: exit 1 (findings)" 1
check "the terminal still gets the text report" grep -q "^commit .* Open ES to the migration tool" <<<"$OUT"
for f in r.sarif junit.xml gl-sast-report.json r.json r.md; do
	check "--output wrote $f" test -s "$out/$f"
done
st=0
res=$(sarif_validate "$out/r.sarif" 2>&1) || st=$?
if [ $st -eq 77 ]; then ok "the SARIF file is valid # SKIP $res"; elif [ $st -eq 0 ]; then ok "the SARIF file is valid"; else not_ok "the SARIF file is valid" "$res"; fi
check "the JSON file holds the same findings as --format json" python3 - "$out/r.json" "$repo" "$DRIFTWATCH" <<'PY'
import json, subprocess, sys
a = json.load(open(sys.argv[1]))
b = json.loads(subprocess.run([sys.argv[3], "audit", "-C", sys.argv[2], "--format", "json"], capture_output=True, text=True).stdout)
assert [f["id"] for f in a["findings"]] == [f["id"] for f in b["findings"]] and a["findings"], (a, b)
PY
dw audit -C "$repo" --output "$out/nope.bin"
status_is "an --output whose format cannot be told: usage error, exit 2" 2
check "the error says how to name the format" grep -q "FORMAT:FILE" <<<"$ERR"
dw audit -C "$repo" --output "json:$WORK/no/such/dir/r.json"
status_is "an --output that cannot be written: exit 2" 2
check "the error names the file" grep -q "no/such/dir/r.json" <<<"$ERR"

# --- --exit-zero and --severity -------------------------------------------
dw audit -C "$repo" --exit-zero --format json
status_is "--exit-zero: findings reported, exit 0" 0
json_check "--exit-zero still reports every finding" "any(x['rule']=='DW-NET-001' for x in f)"
dw audit -C "$repo" --severity critical --format json
status_is "--severity critical: the exit status still follows --fail-on (high): 1" 1
json_check "--severity critical shows only the critical findings" \
	"f and all(x['severity']=='critical' for x in f)"
dw audit -C "$repo" --severity critical --fail-on critical
check "--severity: the footer counts what it hides" grep -q "below --severity, not shown" <<<"$OUT"
dw audit -C "$repo" --severity loud
status_is "--severity with an unknown word: exit 2" 2
dw audit -C "$repo" --format json
json_check "info findings are not in JSON by default, as in text and SARIF" "all(x['severity']!='info' for x in f)"
dw audit -C "$repo" --format json -v
json_check "-v adds the info findings to JSON" "any(x['severity']=='info' for x in f)"

# --- text: compact, long, footer ------------------------------------------
dw audit -C "$repo" --compact -v
check "compact: no line over 120 columns" python3 -c '
import sys
bad = [l for l in sys.stdin.read().splitlines() if len(l) > 120]
sys.exit(1 if bad else 0)' <<<"$OUT"
check "compact: one line a finding, with severity, rule, file:line and commit" \
	grep -qE "^CRITICAL DW-NET-001 .* infra/azure/es-nsg\.json:[0-9]+ .* @[0-9a-f]{12}$" <<<"$OUT"
same "compact: as many finding lines as findings" "$(grep -cE '^(CRITICAL|HIGH|MEDIUM|LOW|INFO) ' <<<"$OUT")" \
	"$("$DRIFTWATCH" audit -C "$repo" --format json -v | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')"
check "the footer counts commits, severities and time" \
	grep -qE "^-- [0-9]+ commits judged (\([0-9]+ from the cache\) )?in [0-9.]+ s: 2 critical, 2 medium, 3 low$" <<<"$OUT"
dw audit -C "$repo" --compact --long
status_is "--compact with --long: exit 2" 2
dw audit -C "$repo" --long
check "long: the full layout with the sets" grep -q "now allowed: tcp/9200,9300 from 0.0.0.0/0" <<<"$OUT"
check "long: protocols' long source lists are cut with 'and N more'" \
	python3 -c 'import sys; sys.exit(0 if all(l.count(", ") <= 12 for l in sys.stdin.read().splitlines() if "now allowed:" in l) else 1)' <<<"$OUT"

# --- a progress bar on a terminal -----------------------------------------
if command -v script >/dev/null; then
	total=$(git -C "$repo" rev-list --count HEAD)
	bar=$(script -qec "'$DRIFTWATCH' audit -C '$repo' >/dev/null" /dev/null | tr '\r' '\n')
	check "on a terminal: a progress bar with the total and what is left" \
		grep -qE "^driftwatch audit \[#+\] $total/$total commits, [0-9]+:[0-9]{2} left" <<<"$bar"
	dw audit -C "$repo"
	check "not on a terminal: no progress bar" test -z "$ERR"
else
	ok "progress bar # SKIP no script(1)"
	ok "no progress bar off a terminal # SKIP no script(1)"
fi

# --- GitLab SAST -------------------------------------------------------------
check "GitLab SAST: the fields GitLab's schema (15.0.x) requires" python3 - "$out/gl-sast-report.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert re.fullmatch(r"\d+\.\d+\.\d+", d["version"]), d["version"]
s = d["scan"]
for tool in ("analyzer", "scanner"):
    t = s[tool]
    assert t["id"] and t["name"] and t["version"] and t["vendor"]["name"], t
assert s["type"] == "sast" and s["status"] in ("success", "failure"), s
for k in ("start_time", "end_time"):
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", s[k]), s[k]
v = d["vulnerabilities"]
assert v, "no vulnerabilities"
ids = [x["id"] for x in v]
assert len(set(ids)) == len(ids), "duplicate ids"
for x in v:
    assert x["id"] and x["location"]["file"], x
    assert x["identifiers"] and all(i["type"] and i["name"] and i["value"] for i in x["identifiers"]), x
    assert x["severity"] in ("Info", "Unknown", "Low", "Medium", "High", "Critical"), x
    assert len(x["name"]) <= 255 and x.get("start_line", 1) >= 1
    assert "start_line" not in x["location"] or x["location"]["start_line"] >= 1
assert any(x["severity"] == "Critical" and x["identifiers"][0]["value"] == "DW-NET-001" for x in v)
PY

# --- JUnit -------------------------------------------------------------------
check "JUnit: well-formed, failures for the findings at or above --fail-on" python3 - "$out/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
failed = [c for c in cases if c.find("failure") is not None]
assert int(suite.get("tests")) == len(cases) and int(suite.get("failures")) == len(failed)
assert {c.get("classname") for c in failed} == {"DW-NET-001", "DW-SET-001"}, [c.get("classname") for c in failed]
assert all(c.find("system-out") is not None for c in cases if c not in failed)
PY
dw audit -C "$repo" HEAD~1..HEAD --format junit
check "JUnit with no finding: one passing case says so" python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.fromstring(sys.stdin.read()); c = r.find("testsuite").findall("testcase")
sys.exit(0 if len(c) == 1 and c[0].get("name") == "no exposure widened" and c[0].find("failure") is None else 1)' <<<"$OUT"

# --- Markdown capped at 65,536 characters --------------------------------
many=$(new_repo many)
{
	printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
	for i in $(seq 1 700); do
		printf '  Sg%04d:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n' "$i"
		printf '      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n'
	done
} >"$many/sgs.yaml"
commit "$many" "700 groups open ssh"
dw diff -C "$many" HEAD --format markdown
same "markdown: 700 findings stay within GitHub's 65,536-character comment limit" \
	"$(python3 -c 'import sys; print(len(sys.stdin.read()) <= 65536)' <<<"$OUT")" True
check "markdown: what is cut is counted" grep -qE "and [0-9]+ more" <<<"$OUT"
check "markdown: a footer says how to approve" grep -q "approvals:" <<<"$OUT"
dw audit -C "$repo" --format markdown
check "markdown: sorted by severity, critical first" python3 -c '
import sys
sev = [l.split("|")[1].strip(" *").split(" ")[0] for l in sys.stdin.read().splitlines() if l.startswith("| ") and not l.startswith(("| Severity", "| ---"))]
order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
sys.exit(0 if sev and sev == sorted(sev, key=order.index) else 1)' <<<"$OUT"

# --- shallow clones ------------------------------------------------------------
git clone -q --depth 3 "file://$repo" "$WORK/shallow3"
dw audit -C "$WORK/shallow3" --format json
status_is "shallow clone of depth 3: what is there is judged (auth turned off): exit 1" 1
json_check "shallow clone: the commits it holds are judged" "[x['rule'] for x in f] == ['DW-SET-001']"
check "shallow clone: stderr says where history stops and how to fetch the rest" \
	grep -q "history stops at .*git fetch --unshallow" <<<"$ERR"
dw audit -C "$WORK/shallow3"
check "shallow clone: the text footer says it too" grep -q "^-- shallow clone: history stops at" <<<"$OUT"
git clone -q --depth 1 "file://$repo" "$WORK/shallow1"
dw audit -C "$WORK/shallow1"
status_is "shallow clone of depth 1: nothing could be judged: exit 2" 2
check "depth 1: the error names the fix" grep -q "fetch-depth: 0" <<<"$ERR"

done_testing
