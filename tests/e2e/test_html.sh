#!/usr/bin/env bash
# test_html.sh - `audit --format html`: one self-contained page, checked as
# a file (its data is the JSON report's, nothing from the repository is
# markup, nothing is fetched) and then in headless Chromium through the
# DevTools protocol (e2e/html_check.js with npm puppeteer-core from
# .ci/node): on the example repository, on a generated 20,000-commit
# history with 5,200 findings, and on a repository of hostile names.
# Only the browser checks are skipped: when chromium is absent, or when
# puppeteer-core is (a new user's checkout before .ci/run's npm install);
# .ci/run sets DW_REQUIRE_BROWSER=1, and then a missing piece fails.
. "$(dirname "$0")/lib.sh"

# --- the incident story, as a file ---------------------------------------------
repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")
dw audit -C "$repo" --format html
status_is "--format html exits as the other formats do (findings: 1)" 1
printf '%s\n' "$OUT" >"$WORK/stdout.html"
dw audit -C "$repo" --format json -o html:"$WORK/colon.html" -o "$WORK/ext.html" -o "$WORK/incident.json"
check "--format html, -o html:FILE and -o FILE.html write the same page" \
	cmp "$WORK/colon.html" "$WORK/ext.html"
check "... and it is what --format html prints" cmp "$WORK/stdout.html" "$WORK/colon.html"

# html_data PAGE: the page's embedded data (the JSON in #dw-data) on stdout,
# after checking that the element holds no '<' and is the only way in.
html_data() {
	python3 - "$1" <<'PY'
import re, sys
page = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'<script type="application/json" id="dw-data">\n(.*?)\n</script>', page, re.S)
if not m:
    sys.exit('no #dw-data element')
if '<' in m.group(1):
    sys.exit('a "<" inside the data element')
print(m.group(1))
PY
}
check "the data element holds no '<'" html_data "$WORK/colon.html"
check "the page's data is the JSON report's findings and windows" python3 - "$WORK/incident.json" \
	<(html_data "$WORK/colon.html") <<'PY'
import json, sys
report, page = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert page['findings'] == report['findings'], 'findings differ'
assert page['windows'] == report['windows'], 'windows differ'
assert page['commits'] == 5 and page['show_from'] == 'low', (page['commits'], page['show_from'])
PY
check "the page loads nothing: no address but the SVG namespace, no src" python3 - "$WORK/colon.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding='utf-8').read()
urls = set(re.findall(r'\w+://[^\s"\'<>)]*', page))
assert urls == {'http://www.w3.org/2000/svg'}, urls
assert not re.search(r'\ssrc\s*=', page), 'a src attribute'
assert re.findall(r'(?:href)="([^"]*)"', page) == ['data:,'], 'an href other than the empty icon'
assert "default-src 'none'" in page and "'unsafe-inline'" not in page, 'Content-Security-Policy'
PY

# --- hostile names: a directory, a resource, a commit subject ------------------
evil=$(new_repo evil)
dir="$evil/<img src=x onerror=window.pwned=1>"
mkdir -p "$dir"
sg() {
	printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  "</script><svg onload=window.pwned=2>":\n'
	printf '    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n'
	printf '        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}\n'
	[ -z "${1:-}" ] || printf '        - {IpProtocol: tcp, FromPort: %s, ToPort: %s, CidrIp: 0.0.0.0/0}\n' "$1" "$1"
}
sg >"$dir/sg.yaml"
GIT_AUTHOR_NAME="Mallory \"&amp;\" O'Neil" commit "$evil" "first"
sg 6379 >"$dir/sg.yaml"
GIT_AUTHOR_NAME="Mallory \"&amp;\" O'Neil" commit "$evil" '</script><script>window.pwned=3</script><!-- redis'
dw audit -C "$evil" -q -o "$WORK/evil.html"
check "hostile names: the page still has exactly its own two script elements" \
	test "$(grep -c '</script' "$WORK/evil.html")" -eq 2
check "hostile names: the data element holds no '<'" html_data "$WORK/evil.html"

# --- a long history: 20,000 commits, 5,200 findings ----------------------------
big=$(new_repo big)
python3 "$SRCDIR/tests/e2e/gen_history.py" 20000 400 | git -C "$big" fast-import --quiet
started=$(date +%s)
dw audit -C "$big" -q -o "$WORK/big.html"
status_is "20,000 commits: the audit ran" 1
check "20,000 commits: the page is under 12 MB" test "$(stat -c %s "$WORK/big.html")" -lt 12000000
echo "# 20,000 commits, 5,200 findings: audit and page in $(($(date +%s) - started)) s, $(stat -c %s "$WORK/big.html") bytes"

# --- in the browser -----------------------------------------------------------------
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
# browser NAME PAGE EXPECT-JSON: html_check.js's lines as TAP.
browser() {
	local name=$1 line out st=0
	out=$(node "$SRCDIR/tests/e2e/html_check.js" "$chromium" "$2" "$WORK/$name.png" "$3" 2>&1) || st=$?
	if { [ "$st" -eq 77 ] || [ "$st" -eq 127 ]; } && [ "${DW_REQUIRE_BROWSER:-0}" != 1 ]; then
		ok "$name: in the browser # SKIP $out (npm puppeteer-core in .ci/node, see .ci/run)"
		return
	fi
	if [ "$st" -ne 0 ]; then
		not_ok "$name: the browser check ran" "exit status $st (needs node and npm puppeteer-core in .ci/node, see .ci/run)" "$out"
		return
	fi
	while IFS= read -r line; do
		case $line in
		ok\|*) IFS='|' read -r _ what _ <<<"$line"; ok "$name: $what" ;;
		fail\|*) IFS='|' read -r _ what detail <<<"$line"; not_ok "$name: $what" "$detail" ;;
		\#\|*) echo "# $name: ${line#\#|}" ;;
		*) echo "# $line" ;;
		esac
	done <<<"$out"
}
if [ -z "$chromium" ] && [ "${DW_REQUIRE_BROWSER:-0}" = 1 ]; then
	not_ok "headless Chromium checks" "chromium is not installed, and DW_REQUIRE_BROWSER=1"
elif [ -z "$chromium" ]; then
	ok "headless Chromium checks # SKIP chromium not installed (apt-get install chromium)"
else
	browser incident "$WORK/colon.html" \
		'{"findings": 7, "windows": 7, "open": 5, "worst": "critical", "text": ["azure-nsg:support-es-nsg", "Dana Ops"]}'
	browser big "$WORK/big.html" '{"findings": 5200, "windows": 5200, "open": 400, "worst": "critical"}'
	browser hostile "$WORK/evil.html" '{"findings": 2, "open": 2, "worst": "critical", "text": ["aws-sg:</script><svg onload=window.pwned=2>", "<img src=x onerror=window.pwned=1>/sg.yaml:9", "Mallory \"&amp;\" O'"'"'Neil"]}'
fi

done_testing
