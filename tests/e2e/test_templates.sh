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
dw diff -C "$arm" HEAD --format json -v
json_check "deny * instead of deny Internet narrows: only DW-NET-900" "[x['rule'] for x in f] == ['DW-NET-900']"

nsg 203.0.113.0/24 Internet > "$arm/search.json"
commit "$arm" "allow Internet"
dw diff -C "$arm" HEAD --format json
json_check "in an allow rule Internet is every address: critical DW-NET-001" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' for x in f)"

python3 - "$arm/search.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
rules = t["resources"][0]["properties"]["securityRules"]
rules.append({"name": "rdp-typo", "properties": {"priority": 400, "direction": "Inbound", "access": "Allow",
              "protocol": "Tcp", "sourceAddressPrefix": "10.0.0.0/33", "sourcePortRange": "*",
              "destinationAddressPrefix": "*", "destinationPortRange": "3389"}})
rules.append({"name": "rdp-open", "properties": {"priority": 500, "direction": "Inbound", "access": "Allow",
              "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
              "destinationAddressPrefix": "*", "destinationPortRange": "3389"}})
open(sys.argv[1], "w").write(json.dumps(t, indent=2))
PY
commit "$arm" "RDP rules, one with a typo"
dw diff -C "$arm" HEAD --format json
json_check "an NSG rule with a /33 is one unknown; the world-open RDP beside it is critical" \
	"d['errors'] == [] and any(x['rule']=='DW-EVAL-001' and 'rdp-typo' in x['message'] for x in f) and any(x['rule']=='DW-NET-001' and 'tcp/3389' in x['after'] for x in f)"

nsg "[parameters('blocked')]" '*' > "$arm/search.json"
commit "$arm" "deny source from an undeclared parameter"
dw diff -C "$arm" HEAD --format json
json_check "a deny whose source cannot be evaluated is an unknown, and is not taken as denying anything" \
	"any(x['rule']=='DW-EVAL-001' and 'blocked' in x['message'] for x in f) and any('203.0.113.0/24' in x['widened'] for x in f) and d['errors'] == []"

# --- CloudFormation surfaces beyond security groups ------------------------
# Each: a widening, a narrowing, a refactor that changes nothing, an unknown.
surf=$(new_repo cfn-surfaces)
mkdir -p "$surf/stack"
acl() { # acl CIDR [PROTOCOL] [ENTRY-ID]
	cat <<YAML
Resources:
  PublicAcl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: vpc-0abc}
  ${3:-InRdp}:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref PublicAcl
      RuleNumber: 100
      Protocol: ${2:-6}
      RuleAction: allow
      CidrBlock: $1
      PortRange: {From: 3389, To: 3389}
YAML
}
acl 10.0.0.0/8 > "$surf/stack/acl.yaml"
commit "$surf" "acl: RDP from the office"
acl 0.0.0.0/0 > "$surf/stack/acl.yaml"
commit "$surf" "acl: RDP from anywhere"
dw diff -C "$surf" HEAD --format json
json_check "NetworkAclEntry opening RDP to 0.0.0.0/0: critical DW-NET-001" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='aws-nacl:PublicAcl' and x['after']=='tcp/3389 from 0.0.0.0/0' for x in f)"
acl 10.1.0.0/16 > "$surf/stack/acl.yaml"
commit "$surf" "acl: RDP from one office range"
dw diff -C "$surf" HEAD --format json -v
json_check "NetworkAclEntry narrowed: only DW-NET-900" "[x['rule'] for x in f] == ['DW-NET-900']"
acl 10.1.0.0/16 tcp RdpFromOffice > "$surf/stack/acl.yaml"
commit "$surf" "acl: entry renamed, protocol by name"
dw diff -C "$surf" HEAD --format json -v
json_check "NetworkAclEntry renamed, protocol 6 written tcp: no finding" "f == [] and d['errors'] == []"
acl '!ImportValue office-cidr' > "$surf/stack/acl.yaml"
commit "$surf" "acl: CIDR imported"
dw diff -C "$surf" HEAD --format json
json_check "NetworkAclEntry with an imported CIDR: an unknown, not a parse error" \
	"any(x['rule']=='DW-EVAL-001' and 'CidrBlock' in x['message'] for x in f) and d['errors'] == []"

domain() { # domain PRINCIPAL [CONDITION]
	cat <<YAML
Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.11
      AccessPolicies:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: $1
            Action: "es:*"
            Resource: "*"
${2:-}
YAML
}
domain '{AWS: "arn:aws:iam::123456789012:role/search"}' > "$surf/stack/search.yaml"
commit "$surf" "search: one role"
domain '{AWS: "*"}' > "$surf/stack/search.yaml"
commit "$surf" "search: anyone"
dw diff -C "$surf" HEAD --format json
json_check "an OpenSearch domain open to Principal * is critical DW-SET-011" \
	"any(x['rule']=='DW-SET-011' and x['severity']=='critical' and x['resource']=='aws:Search' for x in f)"
domain '{AWS: "*"}' '            Condition: {IpAddress: {"aws:SourceIp": [203.0.113.0/24]}}' > "$surf/stack/search.yaml"
commit "$surf" "search: anyone from the office"
dw diff -C "$surf" HEAD --format json
json_check "an IpAddress condition restricts it: no DW-SET finding" "not any(x['rule'].startswith('DW-SET') for x in f)"
domain '{AWS: ["*"]}' '            Condition: {IpAddress: {"aws:SourceIp": [203.0.113.0/24]}}' > "$surf/stack/search.yaml"
commit "$surf" "search: principal as a list"
dw diff -C "$surf" HEAD --format json -v
json_check "Principal {AWS: [*]} for {AWS: *}: no finding" "f == [] and d['errors'] == []"
printf 'Resources:\n  Search:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      AccessPolicies: !Sub "{\\"Statement\\": []}"\n' > "$surf/stack/search.yaml"
commit "$surf" "search: policy from Fn::Sub"
dw diff -C "$surf" HEAD --format json
json_check "an access policy built by Fn::Sub is an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'AccessPolicies' in x['message'] for x in f) and d['errors'] == []"

warehouse() { # warehouse PUBLIC-VALUE
	printf 'Parameters:\n  Exposed: {Type: String}\nResources:\n  Warehouse:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: ra3.xlplus\n      ClusterType: single-node\n      PubliclyAccessible: %s\n' "$1"
}
warehouse false > "$surf/stack/dw.yaml"
commit "$surf" "warehouse: private"
warehouse true > "$surf/stack/dw.yaml"
commit "$surf" "warehouse: public"
dw diff -C "$surf" HEAD --format json
json_check "Redshift PubliclyAccessible true: DW-SET-010 at the flag's line" \
	"any(x['rule']=='DW-SET-010' and x['resource']=='aws:Warehouse' and x['line']==9 for x in f)"
warehouse false > "$surf/stack/dw.yaml"
commit "$surf" "warehouse: private again"
dw diff -C "$surf" HEAD --format json
json_check "back to private: no DW-SET finding" "not any(x['rule'].startswith('DW-SET') for x in f)"
warehouse '"false"' > "$surf/stack/dw.yaml"
commit "$surf" "warehouse: flag as a string"
dw diff -C "$surf" HEAD --format json -v
json_check "\"false\" for false: no finding" "f == [] and d['errors'] == []"
warehouse '!Ref Exposed' > "$surf/stack/dw.yaml"
commit "$surf" "warehouse: flag from a parameter without default"
dw diff -C "$surf" HEAD --format json
json_check "a flag from a parameter without Default is an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'Exposed' in x['message'] for x in f) and d['errors'] == []"

dbsg() { # dbsg CIDR
	printf 'Resources:\n  LegacyDb:\n    Type: AWS::RDS::DBSecurityGroup\n    Properties:\n      GroupDescription: legacy\n      DBSecurityGroupIngress:\n        - CIDRIP: %s\n  Orders:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n      DBSecurityGroups: [!Ref LegacyDb]\n' "$1"
}
dbsg 10.0.0.0/8 > "$surf/stack/db.yaml"
commit "$surf" "legacy db group: private"
dbsg 0.0.0.0/0 > "$surf/stack/db.yaml"
commit "$surf" "legacy db group: anyone"
dw diff -C "$surf" HEAD --format json
json_check "a DB security group admitting 0.0.0.0/0 to MySQL: critical DW-NET-001 on 3306" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='aws-dbsg:LegacyDb' and x['after']=='tcp/3306 from 0.0.0.0/0' for x in f)"
dbsg 10.2.0.0/16 > "$surf/stack/db.yaml"
commit "$surf" "legacy db group: one range"
dw diff -C "$surf" HEAD --format json -v
json_check "DB security group narrowed: DW-NET-900" "'DW-NET-900' in [x['rule'] for x in f] and not any(x['rule'].startswith('DW-NET-00') for x in f)"
dbsg '"10.2.0.0/16"' > "$surf/stack/db.yaml"
commit "$surf" "legacy db group: quoted"
dw diff -C "$surf" HEAD --format json -v
json_check "DB security group CIDR quoted: no finding" "f == [] and d['errors'] == []"
dbsg '!ImportValue legacy-cidr' > "$surf/stack/db.yaml"
commit "$surf" "legacy db group: imported CIDR"
dw diff -C "$surf" HEAD --format json
json_check "DB security group with an imported CIDR: an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'CIDRIP' in x['message'] for x in f) and d['errors'] == []"

eks() { # eks PUBLIC-ACCESS CIDRS
	printf 'Resources:\n  Main:\n    Type: AWS::EKS::Cluster\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/eks\n      ResourcesVpcConfig:\n        SubnetIds: [subnet-1, subnet-2]\n        EndpointPublicAccess: %s\n        PublicAccessCidrs: %s\n' "$1" "$2"
}
eks false '[0.0.0.0/0]' > "$surf/stack/eks.yaml"
commit "$surf" "eks: private endpoint"
eks true '[0.0.0.0/0]' > "$surf/stack/eks.yaml"
commit "$surf" "eks: public endpoint"
dw diff -C "$surf" HEAD --format json
json_check "an EKS endpoint made public: the API server's 443 from the Internet" \
	"any(x['resource']=='aws-eks:Main' and x['after']=='tcp/443 from 0.0.0.0/0' for x in f)"
eks true '[203.0.113.0/24]' > "$surf/stack/eks.yaml"
commit "$surf" "eks: office only"
dw diff -C "$surf" HEAD --format json -v
json_check "EKS PublicAccessCidrs narrowed: DW-NET-900" "[x['rule'] for x in f] == ['DW-NET-900']"
eks '"true"' '[203.0.113.0/25, 203.0.113.128/25]' > "$surf/stack/eks.yaml"
commit "$surf" "eks: range split"
dw diff -C "$surf" HEAD --format json -v
json_check "EKS range split in two halves: no finding" "f == [] and d['errors'] == []"
eks true '!Split [",", !ImportValue admin-cidrs]' > "$surf/stack/eks.yaml"
commit "$surf" "eks: ranges imported"
dw diff -C "$surf" HEAD --format json
json_check "EKS ranges from an import: an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'PublicAccessCidrs' in x['message'] for x in f) and d['errors'] == []"

# ElasticLoadBalancingV2: listener ports from whoever the groups admit.
lb() { # lb SCHEME ES-CIDR [GROUPS]
	cat <<YAML
Resources:
  SearchSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: search front end
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 9200, ToPort: 9200, CidrIp: $2}
  Search:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: $1
      SecurityGroups: ${3:-[!Ref SearchSg]}
  SearchEs:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Search
      Port: 9200
      Protocol: HTTP
YAML
}
lb internal 0.0.0.0/0 > "$surf/stack/lb.yaml"
commit "$surf" "lb: internal"
lb internet-facing 0.0.0.0/0 > "$surf/stack/lb.yaml"
commit "$surf" "lb: internet-facing"
dw diff -C "$surf" HEAD --format json
json_check "ElasticLoadBalancingV2 made internet-facing: 9200 from the Internet, critical DW-NET-001 on aws-lb:Search" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='aws-lb:Search' and x['after']=='tcp/9200 from 0.0.0.0/0' for x in f)"
lb internet-facing 10.0.0.0/8 > "$surf/stack/lb.yaml"
commit "$surf" "lb: group narrowed"
dw diff -C "$surf" HEAD --format json -v
json_check "load balancer's group narrowed: info only" \
	"not any(x['severity'] in ('low','medium','high','critical') for x in f) and any(x['resource']=='aws-lb:Search' and x['rule']=='DW-NET-900' for x in f)"
lb internet-facing 10.0.0.0/8 '[!GetAtt SearchSg.GroupId]' > "$surf/stack/lb.yaml"
commit "$surf" "lb: group by GetAtt"
dw diff -C "$surf" HEAD --format json -v
json_check "load balancer's group named by GetAtt instead of Ref: no finding" "f == [] and d['errors'] == []"
lb internet-facing 10.0.0.0/8 '[!ImportValue shared-sg]' > "$surf/stack/lb.yaml"
commit "$surf" "lb: group imported"
dw diff -C "$surf" HEAD --format json
json_check "load balancer's group from an import: a named unknown, not a widening" \
	"any(x['rule']=='DW-EVAL-001' and x['resource']=='aws-lb:Search' for x in f) and not any(x['rule'].startswith('DW-NET-0') for x in f)"

# EKS Nodegroup RemoteAccess: SSH from anywhere without source groups.
ng() { # ng [SOURCE-GROUPS-LINE]
	cat <<YAML
Resources:
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodeRole: arn:aws:iam::123456789012:role/nodes
      Subnets: [subnet-1]
      RemoteAccess:
        Ec2SshKey: ops
$1
YAML
}
ng '        SourceSecurityGroups: [sg-0bastion]' > "$surf/stack/ng.yaml"
commit "$surf" "nodegroup: ssh from the bastion"
ng '' > "$surf/stack/ng.yaml"
commit "$surf" "nodegroup: ssh from anywhere"
dw diff -C "$surf" HEAD --format json
json_check "Nodegroup RemoteAccess without SourceSecurityGroups: SSH from the Internet, DW-NET-003" \
	"any(x['rule']=='DW-NET-003' and x['resource']=='aws-eks-nodegroup:Workers' and x['after']=='tcp/22 from 0.0.0.0/0' for x in f)"
ng '        SourceSecurityGroups: [sg-0bastion]' > "$surf/stack/ng.yaml"
commit "$surf" "nodegroup: back to the bastion"
dw diff -C "$surf" HEAD --format json -v
# The group is a named source 0.0.0.0/0 did not name: at most low (DW-NET-011).
json_check "Nodegroup back to its source group: DW-NET-900, nothing above low" \
	"'DW-NET-900' in [x['rule'] for x in f] and not any(x['severity'] in ('medium','high','critical') for x in f)"
ng '        SourceSecurityGroups:
          - sg-0bastion' > "$surf/stack/ng.yaml"
commit "$surf" "nodegroup: block list"
dw diff -C "$surf" HEAD --format json -v
json_check "Nodegroup source groups as a block list: no finding" "f == [] and d['errors'] == []"
ng '        SourceSecurityGroups: [!ImportValue bastion-sg]' > "$surf/stack/ng.yaml"
commit "$surf" "nodegroup: group imported"
dw diff -C "$surf" HEAD --format json
json_check "Nodegroup source group from an import: a named unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'SourceSecurityGroups' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET-0') for x in f)"

# --- ARM surfaces: service firewalls, AKS, Blueprint artifacts -------------
az=$(new_repo arm-surfaces)
mkdir -p "$az/azure" "$az/blueprint/artifacts"
sqlfw() { # sqlfw START END [nested|standalone]
	if [ "${3:-nested}" = nested ]; then
		cat <<JSON
{"\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0",
 "parameters": {"start": {"type": "string"}},
 "resources": [{"type": "Microsoft.Sql/servers", "apiVersion": "2021-11-01", "name": "orders",
   "properties": {"administratorLogin": "dba", "publicNetworkAccess": "Enabled"},
   "resources": [{"type": "firewallRules", "apiVersion": "2021-11-01", "name": "clients",
     "properties": {"startIpAddress": "$1", "endIpAddress": "$2"}}]}]}
JSON
	else
		cat <<JSON
{"\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "contentVersion": "1.0.0.0",
 "resources": [
  {"type": "Microsoft.Sql/servers", "apiVersion": "2021-11-01", "name": "orders",
   "properties": {"publicNetworkAccess": "Enabled", "administratorLogin": "dba"}},
  {"type": "Microsoft.Sql/servers/firewallRules", "apiVersion": "2021-11-01", "name": "orders/clients",
   "dependsOn": ["[resourceId('Microsoft.Sql/servers', 'orders')]"],
   "properties": {"endIpAddress": "$2", "startIpAddress": "$1"}}]}
JSON
	fi
}
sqlfw 10.1.0.0 10.1.255.255 > "$az/azure/sql.json"
commit "$az" "sql: office clients"
sqlfw 0.0.0.0 255.255.255.255 > "$az/azure/sql.json"
commit "$az" "sql: every client"
dw diff -C "$az" HEAD --format json
json_check "a SQL firewall rule 0.0.0.0-255.255.255.255: critical DW-NET-001 on 1433" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='azure-sql:orders' and x['after']=='tcp/1433 from 0.0.0.0/0' for x in f)"
sqlfw 10.1.2.0 10.1.2.255 > "$az/azure/sql.json"
commit "$az" "sql: one subnet"
dw diff -C "$az" HEAD --format json -v
json_check "SQL firewall narrowed: DW-NET-900, no widening" \
	"'DW-NET-900' in [x['rule'] for x in f] and not any(x['rule'].startswith('DW-NET-00') or x['rule'].startswith('DW-NET-01') for x in f)"
sqlfw 10.1.2.0 10.1.2.255 standalone > "$az/azure/sql.json"
commit "$az" "sql: the rule as a standalone resource"
dw diff -C "$az" HEAD --format json -v
json_check "a nested firewall rule written as a standalone resource: no finding" "f == [] and d['errors'] == []"
sqlfw "[parameters('start')]" 10.1.2.255 > "$az/azure/sql.json"
commit "$az" "sql: start from a parameter"
dw diff -C "$az" HEAD --format json
json_check "a firewall rule from a parameter without default: an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'startIpAddress' in x['message'] for x in f) and d['errors'] == []"

aks() { # aks RANGES-JSON
	printf '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n "contentVersion": "1.0.0.0",\n "parameters": {"ranges": {"type": "array"}},\n "resources": [{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2023-05-01", "name": "main",\n   "properties": {"dnsPrefix": "main", "apiServerAccessProfile": {"authorizedIPRanges": %s}}}]}\n' "$1"
}
aks '["203.0.113.0/24"]' > "$az/azure/aks.json"
commit "$az" "aks: office only"
aks '[]' > "$az/azure/aks.json"
commit "$az" "aks: no authorized ranges"
dw diff -C "$az" HEAD --format json
json_check "AKS authorizedIPRanges emptied: the API server from the Internet" \
	"any(x['resource']=='azure-aks:main' and x['after']=='tcp/443 from 0.0.0.0/0, ::/0' for x in f)"
aks '["203.0.113.0/24", "198.51.100.0/24"]' > "$az/azure/aks.json"
commit "$az" "aks: two offices"
dw diff -C "$az" HEAD --format json -v
json_check "AKS ranges set again: a narrowing" "[x['rule'] for x in f] == ['DW-NET-900']"
aks '["198.51.100.0/24", "203.0.113.0/25", "203.0.113.128/25"]' > "$az/azure/aks.json"
commit "$az" "aks: ranges reordered and split"
dw diff -C "$az" HEAD --format json -v
json_check "AKS ranges reordered and split: no finding" "f == [] and d['errors'] == []"
aks "\"[parameters('ranges')]\"" > "$az/azure/aks.json"
commit "$az" "aks: ranges from a parameter"
dw diff -C "$az" HEAD --format json
json_check "AKS ranges from a parameter without default: an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'authorizedIPRanges' in x['message'] for x in f)"

artifact() { # artifact SSH-SOURCE
	cat <<JSON
{"kind": "template",
 "properties": {
  "template": {"\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
   "contentVersion": "1.0.0.0",
   "parameters": {"sshSource": {"type": "string"}},
   "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-05-01", "name": "jump-nsg",
     "properties": {"securityRules": [{"name": "ssh", "properties": {"priority": 200, "direction": "Inbound",
       "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "[parameters('sshSource')]",
       "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}]}}]},
  "parameters": {"sshSource": {"value": "$1"}}}}
JSON
}
artifact 10.0.0.0/8 > "$az/blueprint/artifacts/network.json"
commit "$az" "blueprint: jump host from the VNet"
artifact Internet > "$az/blueprint/artifacts/network.json"
commit "$az" "blueprint: jump host from the Internet"
dw diff -C "$az" HEAD --format json
json_check "an NSG in a Blueprint artifact opening SSH: high DW-NET-003" \
	"any(x['rule']=='DW-NET-003' and x['resource']=='azure-nsg:jump-nsg' and x['file']=='blueprint/artifacts/network.json' for x in f)"
artifact 10.20.0.0/16 > "$az/blueprint/artifacts/network.json"
commit "$az" "blueprint: jump host from one subnet"
dw diff -C "$az" HEAD --format json -v
json_check "artifact narrowed: DW-NET-900" "[x['rule'] for x in f] == ['DW-NET-900']"
python3 - "$az/blueprint/artifacts/network.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["type"] = "Microsoft.Blueprint/blueprints/artifacts"
a["name"] = "network"
open(sys.argv[1], "w").write(json.dumps(a, indent=4, sort_keys=True))
PY
commit "$az" "blueprint: artifact reformatted with its type"
dw diff -C "$az" HEAD --format json -v
json_check "the artifact reformatted, with its type written: no finding" "f == [] and d['errors'] == []"
artifact "[parameters('blueprintSshSource')]" > "$az/blueprint/artifacts/network.json"
commit "$az" "blueprint: source from the blueprint's parameter"
dw diff -C "$az" HEAD --format json
json_check "a source from the blueprint's own parameter: an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'blueprintSshSource' in x['message'] for x in f)"

done_testing
