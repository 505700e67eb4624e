#!/usr/bin/env bash
# test_templates.sh - CloudFormation and ARM templates as real
# repositories write them: an ELB's security group named by GetAtt as a
# source, and a rule that cannot be read beside a world-open one (one
# unknown rule, never an unreadable file); Azure's Internet tag, which a
# deny rule takes as the public space only, so private sources outside
# the VNet still pass a "deny Internet".
. "$(dirname "$0")/lib.sh"

# --- CloudFormation ------------------------------------------------------
cfn() { # cfn SSH-CIDR [EXTRA-RULE-LINES]
	cat <<YAML
AWSTemplateFormatVersion: "2010-09-09"
Description: web tier behind a classic ELB
Resources:
  ElasticLoadBalancer:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: !GetAZs ""
      Listeners:
        - {LoadBalancerPort: "80", InstancePort: "80", Protocol: HTTP}
  InstanceSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HTTP from the load balancer, SSH from admins
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 80
          ToPort: 80
          SourceSecurityGroupOwnerId: !GetAtt ElasticLoadBalancer.SourceSecurityGroup.OwnerAlias
          SourceSecurityGroupName: !GetAtt ElasticLoadBalancer.SourceSecurityGroup.GroupName
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: $1
${2:-}
YAML
}

repo=$(new_repo cfn)
mkdir -p "$repo/cfn"
cfn 10.0.0.0/8 > "$repo/cfn/web.yaml"
commit "$repo" "web tier"
dw diff -C "$repo" HEAD --format json
json_check "a GetAtt source is a named source: the template is read, no DW-PARSE" \
	"d['errors'] == [] and any('aws-sg:ElasticLoadBalancer.SourceSecurityGroup.GroupName' in x['after'] for x in f)"

cfn 0.0.0.0/0 > "$repo/cfn/web.yaml"
commit "$repo" "SSH from anywhere"
dw diff -C "$repo" HEAD --format json
status_is "SSH opened beside a GetAtt source: exit 1" 1
json_check "SSH from 0.0.0.0/0 beside a GetAtt source: high DW-NET-003 at the rule" \
	"d['errors'] == [] and [(x['rule'], x['severity'], x['line']) for x in f] == [('DW-NET-003', 'high', 20)]"

cfn 0.0.0.0/0 '        - {IpProtocol: tcp, FromPort: mysql, ToPort: 3306, CidrIp: 10.0.0.0/8}
        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 0.0.0.0/0}' > "$repo/cfn/web.yaml"
commit "$repo" "MySQL, one rule malformed"
dw diff -C "$repo" HEAD --format json
json_check "a malformed rule is one unknown; the world-open 3306 beside it is critical" \
	"d['errors'] == [] and any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['after']=='tcp/3306 from 0.0.0.0/0' for x in f) and any(x['rule']=='DW-EVAL-001' and 'mysql' in x['message'] for x in f)"

cfn 0.0.0.0/0 '        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 0.0.0.0/0}' > "$repo/cfn/web.yaml"
commit "$repo" "drop the malformed rule"
dw diff -C "$repo" HEAD --format json
json_check "dropping the unreadable rule changes nothing that was read" "f == [] and d['errors'] == []"

python3 - "$repo/cfn/web.yaml" <<'PY'
import sys
t = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
  "InstanceSecurityGroup": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
    "GroupDescription": "HTTP from the load balancer, SSH from admins", "SecurityGroupIngress": [
      {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "CidrIp": "0.0.0.0/0"},
      {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"},
      {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
       "SourceSecurityGroupName": {"Fn::GetAtt": ["ElasticLoadBalancer", "SourceSecurityGroup.GroupName"]}}]}},
  "ElasticLoadBalancer": {"Type": "AWS::ElasticLoadBalancing::LoadBalancer", "Properties": {
    "Listeners": [{"LoadBalancerPort": "80", "InstancePort": "80", "Protocol": "HTTP"}]}}}}
import json
open(sys.argv[1].replace(".yaml", ".json"), "w").write(json.dumps(t, indent=2))
PY
git -C "$repo" rm -q cfn/web.yaml
commit "$repo" "the template in JSON, rules reordered, GetAtt in long form"
dw diff -C "$repo" HEAD --format json -v
json_check "the same template in JSON with Fn::GetAtt [X, A]: no finding" "f == [] and d['errors'] == []"

# --- ARM: the Internet tag ----------------------------------------------
nsg() { # nsg DENY-SOURCE ALLOW-SOURCE
	cat <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"location": {"type": "string", "defaultValue": "[resourceGroup().location]"}},
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "search-nsg",
      "location": "[parameters('location')]",
      "properties": {
        "securityRules": [
          {"name": "deny-search-from-internet", "properties": {"priority": 200, "direction": "Inbound",
            "access": "Deny", "protocol": "*", "sourceAddressPrefix": "$1", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRanges": ["9200", "9300"]}},
          {"name": "search-in", "properties": {"priority": 300, "direction": "Inbound",
            "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "$2", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRanges": ["9200", "9300"]}}
        ]
      }
    }
  ]
}
JSON
}

arm=$(new_repo arm)
nsg Internet 10.20.0.0/16 > "$arm/search.json"
commit "$arm" "search NSG"
nsg Internet '*' > "$arm/search.json"
commit "$arm" "allow any source behind the Internet deny"
dw diff -C "$arm" HEAD --format json
json_check "behind 'deny Internet', allow * lets private sources in: medium DW-NET-010, nothing from the Internet" \
	"[(x['rule'], x['severity']) for x in f] == [('DW-NET-010', 'medium')] and '192.168.0.0/16' in f[0]['after'] and '10.0.0.0/8' in f[0]['after']"

nsg internet '*' > "$arm/search.json"
commit "$arm" "the tag spelled in lower case"
dw diff -C "$arm" HEAD --format json
json_check "the tag's spelling changes nothing" "f == [] and d['errors'] == []"

nsg '*' '*' > "$arm/search.json"
commit "$arm" "deny every source"
dw diff -C "$arm" HEAD --format json
json_check "deny * instead of deny Internet narrows: only DW-NET-900" "[x['rule'] for x in f] == ['DW-NET-900']"

nsg 203.0.113.0/24 Internet > "$arm/search.json"
commit "$arm" "allow Internet"
dw diff -C "$arm" HEAD --format json
json_check "in an allow rule Internet is every address: critical DW-NET-001" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' for x in f)"

nsg "[parameters('blocked')]" '*' > "$arm/search.json"
commit "$arm" "deny source from an undeclared parameter"
dw diff -C "$arm" HEAD --format json
json_check "a deny whose source cannot be evaluated is an unknown, and is not taken as denying anything" \
	"any(x['rule']=='DW-EVAL-001' and 'blocked' in x['message'] for x in f) and any('203.0.113.0/24' in x['widened'] for x in f) and d['errors'] == []"

done_testing
