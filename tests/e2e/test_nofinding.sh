#!/usr/bin/env bash
# test_nofinding.sh - changes that do not change exposure produce no
# finding at all: reordering rules, renumbering priorities without
# changing the outcome, splitting a CIDR, moving a resource to another
# file, git mv, reformatting, re-escaping JSON strings, comments and
# descriptions. Each case is one commit checked with `driftwatch diff HEAD`.
. "$(dirname "$0")/lib.sh"

# nsg NAME RULES...: an ARM template with one NSG; each rule is
# "name prio access proto source port".
nsg() {
	local name=$1 first=1
	shift
	printf '{"resources": [{"type": "Microsoft.Network/networkSecurityGroups", "name": "%s",\n' "$name"
	printf ' "properties": {"securityRules": [\n'
	local r n p a t s d
	for r in "$@"; do
		read -r n p a t s d <<<"$r"
		[ $first -eq 1 ] || printf ',\n'
		first=0
		printf '  {"name": "%s", "properties": {"priority": %s, "direction": "Inbound", "access": "%s", "protocol": "%s", "sourceAddressPrefix": "%s", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "%s"}}' "$n" "$p" "$a" "$t" "$s" "$d"
	done
	printf '\n]}}]}\n'
}

# case_no_finding NAME SETUP CHANGE: SETUP and CHANGE are shell snippets
# run in the repository; CHANGE is committed and must give no finding.
case_no_finding() {
	local name=$1 setup=$2 change=$3 repo
	repo=$(new_repo "$(echo "$name" | tr -c 'a-z0-9\n' '-')")
	(cd "$repo" && eval "$setup") && commit "$repo" "setup"
	(cd "$repo" && eval "$change") && commit "$repo" "change: $name"
	dw diff -C "$repo" HEAD --format json -v
	if [ "$STATUS" -eq 0 ] && printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["findings"]==[] and d["errors"]==[] else 1)'; then
		ok "no finding: $name"
	else
		not_ok "no finding: $name" "status $STATUS" "$OUT" "$ERR"
	fi
}

base_rules=("deny-ssh 100 Deny Tcp * 22" "allow-web 200 Allow Tcp Internet 443" "allow-es 300 Allow Tcp 10.0.0.0/16 9200")

case_no_finding "rules reordered" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'nsg web "${base_rules[2]}" "${base_rules[0]}" "${base_rules[1]}" > nsg.json'
case_no_finding "priorities renumbered, same order" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'nsg web "deny-ssh 1000 Deny Tcp * 22" "allow-web 2000 Allow Tcp Internet 443" "allow-es 3000 Allow Tcp 10.0.0.0/16 9200" > nsg.json'
case_no_finding "a deny reordered after an allow it does not overlap" \
	'nsg web "a 100 Deny Tcp * 22" "b 200 Allow Tcp * 443" > nsg.json' \
	'nsg web "b 100 Allow Tcp * 443" "a 200 Deny Tcp * 22" > nsg.json'
case_no_finding "CIDR split into two halves" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'nsg web "${base_rules[0]}" "${base_rules[1]}" "es-a 300 Allow Tcp 10.0.0.0/17 9200" "es-b 301 Allow Tcp 10.0.128.0/17 9200" > nsg.json'
case_no_finding "0-65535 rewritten as *" \
	'nsg web "all 100 Allow Tcp 10.0.0.0/8 0-65535" > nsg.json' \
	'nsg web "all 100 Allow Tcp 10.0.0.0/8 *" > nsg.json'
case_no_finding "resource moved to another file" \
	'nsg web "${base_rules[@]}" > a.json; nsg other "x 100 Allow Tcp 10.1.0.0/16 5432" > b.json' \
	'rm a.json; nsg web "${base_rules[@]}" > c.json'
case_no_finding "file renamed with git mv" \
	'mkdir -p infra; nsg web "${base_rules[@]}" > infra/nsg.json' \
	'git mv infra/nsg.json infra/network-security.json'
case_no_finding "JSON reformatted" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'python3 -c "import json; d=json.load(open(\"nsg.json\")); json.dump(d, open(\"nsg.json\",\"w\"), indent=8, sort_keys=True)"'
# Writes every "Internet" as "\u0049nternet" and every "/" as "\/".
reescape_json() {
	python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace('"Internet"', '"\\u0049nternet"').replace("/", "\\/")
open(p, "w").write(s)
PY
}
case_no_finding "JSON strings re-escaped" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'reescape_json nsg.json; grep -q u0049 nsg.json'
case_no_finding "description changed" \
	'nsg web "${base_rules[@]}" > nsg.json' \
	'sed -i "s/\"priority\": 300,/\"description\": \"search cluster\", \"priority\": 300,/" nsg.json; grep -q description nsg.json'

cfn_sg() {
	cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
# $1
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: $2
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
YAML
}
case_no_finding "YAML comment and GroupDescription changed" \
	'cfn_sg "first" "web servers" > sg.yaml' \
	'cfn_sg "second comment" "web servers (front)" > sg.yaml'
case_no_finding "YAML rules reordered and restyled" \
	'cfn_sg "x" "web" > sg.yaml' \
	'printf "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  WebSG:\n    Type: \"AWS::EC2::SecurityGroup\"\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.0.0.0/8\n        - IpProtocol: \"tcp\"\n          FromPort: \"443\"\n          ToPort: 443\n          CidrIp: \"0.0.0.0/0\"\n" > sg.yaml'
case_no_finding "elasticsearch.yml flat rewritten as nested" \
	'mkdir es; printf "xpack.security.enabled: true\nnetwork.host: 127.0.0.1\n" > es/elasticsearch.yml' \
	'printf "# nested now\nxpack:\n  security:\n    enabled: true\nnetwork:\n  host: 127.0.0.1\n" > es/elasticsearch.yml'

done_testing
