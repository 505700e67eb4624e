#!/usr/bin/env bash
# test_limits.sh - hostile input through `driftwatch diff --files`: each
# limit gives a clear "could not be analysed" finding (exit 1, never a
# silent pass and never a crash), and harmless oddities (a UTF-8 BOM, CRLF
# line endings) are accepted.
. "$(dirname "$0")/lib.sh"

empty="$WORK/empty"
: > "$empty"

# Peak memory and time of one run, as a TAP comment (a figure, not a test).
measure() {
	local line
	[ -x /usr/bin/time ] || return 0
	line=$(/usr/bin/time -f '%M KB peak RSS, %e s' "$DRIFTWATCH" diff --files "$empty" "$1" -q 2>&1 >/dev/null | tail -1)
	echo "#   $(basename "$1"): $line"
}

# limit_case NAME FILE EXPECTED-MESSAGE-PART
limit_case() {
	measure "$2"
	dw diff --files "$empty" "$2" --format json
	if [ "$STATUS" -eq 1 ] && printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(x["rule"] == "DW-PARSE-001" and sys.argv[1] in x["message"] for x in d["findings"]) else 1)
' "$3"; then
		ok "$1"
	else
		not_ok "$1" "status $STATUS" "$OUT" "$ERR"
	fi
}

mkdir -p "$WORK/es"
python3 - "$WORK/es/elasticsearch.yml" <<'PY'
import sys
lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
for i in range(1, 10):
    lines.append('a%d: &a%d [%s]' % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
lines.append('xpack.security.enabled: false')
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
limit_case "billion laughs is refused as an alias expansion limit" "$WORK/es/elasticsearch.yml" "alias"

python3 -c "print('{\"resources\": [' + '[' * 5000 + ']' * 5000 + ']} Microsoft.Network/networkSecurityGroups')" > "$WORK/deep.json"
limit_case "nesting past the depth limit is refused" "$WORK/deep.json" "nesting deeper than"

python3 -c "
import sys
sys.stdout.write('{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"pad\": \"' + 'x' * (9 << 20) + '\"}')
" > "$WORK/huge.json"
limit_case "a file past 8 MiB is refused" "$WORK/huge.json" "larger than 8 MiB"

python3 - "$WORK/many.json" <<'PY'
import json, sys
rules = [{"name": "r%d" % i, "properties": {"priority": 100 + i, "direction": "Inbound",
          "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "10.0.%d.%d" % (i // 256, i % 256),
          "destinationPortRange": str(1000 + i)}} for i in range(1100)]
json.dump({"resources": [{"type": "Microsoft.Network/networkSecurityGroups", "name": "many",
           "properties": {"securityRules": rules}}]}, open(sys.argv[1], "w"))
PY
limit_case "more rules in one group than the limit is refused" "$WORK/many.json" "more than 1024 rules"

python3 - "$WORK/manyfile.json" <<'PY'
import json, sys
def nsg(k):
    rules = [{"name": "r%d" % i, "properties": {"priority": 100 + i, "direction": "Inbound",
              "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "10.%d.0.0/16" % (i % 256),
              "destinationPortRange": str(1000 + i)}} for i in range(900)]
    return {"type": "Microsoft.Network/networkSecurityGroups", "name": "n%d" % k, "properties": {"securityRules": rules}}
json.dump({"resources": [nsg(k) for k in range(5)]}, open(sys.argv[1], "w"))
PY
limit_case "more rules in one file than the limit is refused" "$WORK/manyfile.json" "rules in one file"

# The worst case inside the limits: rules whose port ranges nest and whose
# sources never merge make the evaluated set grow with rules x boundaries.
python3 - "$WORK/crafted.json" <<'PY'
import json, sys
rules = [{"name": "r%d" % i, "properties": {"priority": 100 + i, "direction": "Inbound",
          "access": "Allow", "protocol": "Tcp",
          "sourceAddressPrefix": "11.0.%d.%d" % ((2 * i) // 256, (2 * i) % 256),
          "destinationPortRange": "%d-%d" % (i * 30, 65535 - i * 30)}} for i in range(1000)]
json.dump({"resources": [{"type": "Microsoft.Network/networkSecurityGroups", "name": "c",
           "properties": {"securityRules": rules}}]}, open(sys.argv[1], "w"))
PY
measure "$WORK/crafted.json"
dw diff --files "$empty" "$WORK/crafted.json" --format json
json_check "1000 crafted rules inside the limits are analysed" "any(x['rule']=='DW-NET-006' for x in f)"

printf 'Microsoft.Network/networkSecurityGroups\000\001\002\377' > "$WORK/binary.json"
limit_case "binary content at a config path is refused" "$WORK/binary.json" "not valid UTF-8"

printf '{"resources": [{"type": "Microsoft.Network/networkSecurityGroups", "name": "caf\351"}]}' > "$WORK/latin1.json"
limit_case "invalid UTF-8 is refused with its line" "$WORK/latin1.json" "latin1.json:1:"

printf '\357\273\277AWSTemplateFormatVersion: "2010-09-09"\r\nResources:\r\n  SG:\r\n    Type: AWS::EC2::SecurityGroup\r\n    Properties:\r\n      SecurityGroupIngress:\r\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\r\n' > "$WORK/bom.yaml"
dw diff --files "$empty" "$WORK/bom.yaml" --format json
json_check "a UTF-8 BOM and CRLF line endings are accepted" \
	"[x['rule'] for x in f] == ['DW-NET-003'] and f[0]['line'] == 7"

# --- --max-file-size ----------------------------------------------------
python3 -c "import json; print(json.dumps({'resources': [], 'notes': 'x' * 3000}))" >"$WORK/notes.json"
dw diff --files "$empty" "$WORK/notes.json" --max-file-size 2KiB
status_is "--max-file-size 2KiB refuses a 3 KB file: exit 1" 1
check "... saying so, and naming the file without a line" \
	grep -q "^  $WORK/notes.json  $WORK/notes.json$" <<<"$OUT"
check "... 'file is larger than 2 KiB'" grep -q "notes.json: file is larger than 2 KiB" <<<"$OUT"
dw diff --files "$empty" "$WORK/notes.json" --max-file-size 4k
status_is "--max-file-size 4k reads it: exit 0" 0
dw diff --files "$empty" "$WORK/notes.json" --max-file-size 2GiB
status_is "--max-file-size past 1GiB is a usage error: exit 2" 2
check "... that says what it takes" grep -q "expected a size from 1KiB to 1GiB" <<<"$ERR"
repo=$(new_repo sizes)
cp "$WORK/notes.json" "$repo/small.json" && commit "$repo" "small"
python3 -c "import json; print(json.dumps({'resources': [], 'notes': 'x' * 5000}))" >"$repo/small.json"
dw diff -C "$repo" --max-file-size 4KiB --format json
json_check "the work tree: a file grown past --max-file-size is refused" \
	"[(x['rule'], x['file']) for x in f] == [('DW-PARSE-001', 'small.json')] and 'larger than 4 KiB' in f[0]['message']"
commit "$repo" "grown"
dw audit -C "$repo" --max-file-size 4KiB --format json
json_check "audit: a committed blob past --max-file-size is refused" \
	"[x['rule'] for x in f] == ['DW-PARSE-001'] and 'larger than 4 KiB' in f[0]['message']"
dw audit -C "$repo" --format json
json_check "audit: under the default limit the same history has no finding" "f == []"

done_testing
