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

# Azure's template engine reads // and /* */ comments in a template.
cat >"$WORK/commented.json" <<'JSON'
// The search cluster's network security group
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  /* resources
     follow */
  "resources": [{
    "type": "Microsoft.Network/networkSecurityGroups", // the group
    "name": "es",
    "properties": {"securityRules": [
      {"name": "open-es", /* TODO: narrow it */
       "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                      "sourceAddressPrefix": "Internet", "destinationPortRange": "9200"}}
    ]}
  }]
}
JSON
dw diff --files "$empty" "$WORK/commented.json" --format json
json_check "comments in an ARM template are read, and lines stay right" \
	"[(x['rule'], x['line']) for x in f if x['severity'] != 'low'] == [('DW-NET-001', 10)]"

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

# --- every format, the same oddities -------------------------------------
# One exposing file per reader (line configs, HCL, YAML documents). A BOM
# with CRLF line ends changes nothing; a NUL byte is refused at its line;
# --max-file-size refuses a file past it whatever the reader. Invalid UTF-8
# is refused by the readers whose format requires UTF-8 (YAML, HCL, JSON)
# and read as bytes by the line configs, as redis, sshd and PostgreSQL do.
mkdir -p "$WORK/fmt"
(
	cd "$WORK/fmt" || exit 1
	mkdir -p redis sshd hba pg tf k8s compose mongo
	printf 'bind 0.0.0.0\nprotected-mode no\nport 6379\n' >redis/redis.conf
	printf 'Port 22\nPermitRootLogin yes\n' >sshd/sshd_config
	printf '# TYPE DATABASE USER ADDRESS METHOD\nhost all all 0.0.0.0/0 trust\n' >hba/pg_hba.conf
	printf "port = 5432\nlisten_addresses = '*'\n" >pg/postgresql.conf
	printf 'resource "aws_security_group" "db" {\n  ingress {\n    from_port   = 5432\n    to_port     = 5432\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n' >tf/main.tf
	printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: es\n  namespace: data\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 9200\n' >k8s/svc.yaml
	printf 'services:\n  es:\n    image: elasticsearch:8.11.0\n    ports:\n      - "9200:9200"\n' >compose/docker-compose.yml
	printf 'net:\n  port: 27017\n  bindIp: 0.0.0.0\nsecurity:\n  authorization: disabled\n' >mongo/mongod.conf
)

# findings_of FILE: diff --files (empty -> FILE); sets FOUND to its
# "RULE:LINE ..." and SAID to its messages, with FILE's path as "FILE".
findings_of() {
	dw diff --files "$empty" "$1" --format json
	FOUND=$(printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("no JSON"); sys.exit()
print(" ".join("%s:%d" % (x["rule"], x["line"]) for x in d["findings"]))')
	SAID=$(printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit()
print(" | ".join(x["message"].replace(sys.argv[1], "FILE") for x in d["findings"]))' "$1")
}

# variant FILE KIND: writes FILE's KIND variant next to it and prints its path.
variant() {
	python3 - "$1" "$2" <<'PY'
import os, sys
path, kind = sys.argv[1], sys.argv[2]
src = open(path, "rb").read()
lines = src.split(b"\n")
if kind == "bom":
    out = b"\xef\xbb\xbf" + src.replace(b"\n", b"\r\n")
elif kind == "nul":
    lines[1] += b"\0"
    out = b"\n".join(lines)
elif kind == "latin1":
    out = b"# caf\xe9\n" + src
elif kind == "big":
    out = src + b"\n".join([b"# padding"] * 200) + b"\n"
dest = os.path.join(os.path.dirname(path), kind, os.path.basename(path))
os.makedirs(os.path.dirname(dest), exist_ok=True)
open(dest, "wb").write(out)
print(dest)
PY
}

for file in "$WORK"/fmt/*/*; do
	name=${file#"$WORK/fmt/"}
	findings_of "$file"
	plain=$FOUND plain_said=$SAID
	case $plain in
	*DW-PARSE* | "" | "no JSON") not_ok "$name: the plain file has findings to compare" "$plain" "$ERR"; continue ;;
	esac
	findings_of "$(variant "$file" bom)"
	same "$name: a BOM and CRLF line ends give the same findings ($plain)" "$FOUND" "$plain"
	same "$name: ... and the same messages" "$SAID" "$plain_said"
	findings_of "$(variant "$file" nul)"
	same "$name: a NUL byte is refused at its line" "$FOUND" "DW-PARSE-001:2"
	dw diff --files "$empty" "$(variant "$file" big)" --max-file-size 1KiB --format json
	check "$name: --max-file-size 1KiB refuses it" grep -q "file is larger than 1 KiB" <<<"$OUT"
	findings_of "$(variant "$file" latin1)"
	case $name in
	mongo/*) want="DW-PARSE-001:1" ;; # YAML
	*.conf | */sshd_config) # the line configs: every finding one line down
		want=$(awk '{ for (i = 1; i <= NF; i++) { split($i, p, ":"); $i = p[1] ":" p[2] + 1 } print }' <<<"$plain") ;;
	*) want="DW-PARSE-001:1" ;;
	esac
	same "$name: invalid UTF-8 on line 1 gives $want" "$FOUND" "$want"
done

done_testing
