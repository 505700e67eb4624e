#!/usr/bin/env bash
# cfn: CloudFormation with a root stack and nested stacks (network, db),
# GetAtt and Ref sources, separate SecurityGroupIngress resources, a
# template converted from JSON to YAML, moved, broken and mended.
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Rui Cloud"
put README.md <<'EOF'
# billing-stacks
CloudFormation for the billing service. `stacks/root.yaml` nests the rest.
EOF
commit "Initial commit"

# Step: new templates. Root: the admin group (SSH from a parameter with a
# private default) and the nested stack. Network (JSON): HTTPS from
# anywhere (low), the app port from the web group by GetAtt (private).
put stacks/root.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Description: Billing root stack
Parameters:
  AdminCidr:
    Type: String
    Default: 10.30.0.0/16
  VpcId:
    Type: AWS::EC2::VPC::Id
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./network.json
      Parameters:
        VpcId: !Ref VpcId
  AdminSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: SSH for operators
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref AdminCidr
EOF
put stacks/network.json <<'EOF'
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "Billing network",
  "Parameters": {
    "VpcId": {"Type": "AWS::EC2::VPC::Id"}
  },
  "Resources": {
    "WebSecurityGroup": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "Public HTTPS",
        "VpcId": {"Ref": "VpcId"},
        "SecurityGroupIngress": [
          {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
        ]
      }
    },
    "AppSecurityGroup": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "Billing app",
        "VpcId": {"Ref": "VpcId"},
        "SecurityGroupIngress": [
          {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
           "SourceSecurityGroupId": {"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}}
        ]
      }
    }
  },
  "Outputs": {
    "AppSecurityGroupId": {"Value": {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}}
  }
}
EOF
commit "stacks: root stack with a nested network stack"

# Step: refactor. The app rule becomes a separate SecurityGroupIngress
# joined to its group: same exposure.
python3 - stacks/network.json <<'EOF'
import json, sys
p = sys.argv[1]; t = json.load(open(p))
r = t["Resources"]
rule = r["AppSecurityGroup"]["Properties"].pop("SecurityGroupIngress")[0]
rule["GroupId"] = {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}
r["AppFromWeb"] = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": rule}
json.dump(t, open(p, "w"), indent=2)
open(p, "a").write("\n")
EOF
commit "network: app rule as a separate SecurityGroupIngress"

# Step: refactor. network.json becomes network.yaml with short-form
# intrinsics (!Ref, !GetAtt): a renamed file, same resources.
git rm -q stacks/network.json
put stacks/network.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Description: Billing network
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
Resources:
  WebSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Public HTTPS
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Billing app
      VpcId: !Ref VpcId
  AppFromWeb:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt AppSecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 8080
      ToPort: 8080
      SourceSecurityGroupId: !GetAtt WebSecurityGroup.GroupId
Outputs:
  AppSecurityGroupId:
    Value: !GetAtt AppSecurityGroup.GroupId
EOF
sed -i 's|TemplateURL: ./network.json|TemplateURL: ./network.yaml|' stacks/root.yaml
commit "network: convert the template from JSON to YAML"

# Step: a nested db stack: PostgreSQL from the app group, whose id comes
# in as a parameter without default (a group reference, or an unknown:
# either way medium, never a guess).
as "Mia Data"
put stacks/db.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Description: Billing database
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  AppSecurityGroupId:
    Type: AWS::EC2::SecurityGroup::Id
Resources:
  DatabaseSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: PostgreSQL
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          SourceSecurityGroupId: !Ref AppSecurityGroupId
EOF
cat >> stacks/root.yaml <<'EOF'
  Database:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./db.yaml
      Parameters:
        VpcId: !Ref VpcId
        AppSecurityGroupId: !GetAtt Network.Outputs.AppSecurityGroupId
EOF
commit "db: nested database stack"

# Step: a classic load balancer's group by GetAtt name (a named source,
# read as such) beside SSH from anywhere on the same group (high).
as "Rui Cloud"
python3 - stacks/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("Outputs:\n", '''  LegacyBalancer:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Scheme: internet-facing
      Listeners:
        - {LoadBalancerPort: "443", InstancePort: "8443", Protocol: TCP}
  LegacySecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Legacy billing hosts
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8443
          ToPort: 8443
          SourceSecurityGroupName: !GetAtt LegacyBalancer.SourceSecurityGroup.GroupName
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
Outputs:
''', 1)
open(p, "w").write(s)
EOF
commit "network: legacy billing hosts behind the classic ELB"

# Step: the fix: SSH from anywhere removed (narrowing).
python3 - stacks/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
''', "")
open(p, "w").write(s)
EOF
commit "network: no SSH from anywhere on the legacy hosts"

# Step: the admin parameter's default widened within private space (low).
sed -i 's|    Default: 10.30.0.0/16|    Default: 10.0.0.0/8|' stacks/root.yaml
commit "root: admin range is the whole 10/8"

# Step: Redis from the VPC range (data-store port, private: medium).
as "Mia Data"
python3 - stacks/db.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  AppSecurityGroupId:\n    Type: AWS::EC2::SecurityGroup::Id\n",
  "  AppSecurityGroupId:\n    Type: AWS::EC2::SecurityGroup::Id\n  VpcCidr:\n    Type: String\n    Default: 10.30.0.0/16\n")
s += '''  CacheSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Redis
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 6379
          ToPort: 6379
          CidrIp: !Ref VpcCidr
'''
open(p, "w").write(s)
EOF
commit "db: Redis cache group for the VPC"

# Step: Redis from anywhere (critical).
sed -i 's|          CidrIp: !Ref VpcCidr|          CidrIp: 0.0.0.0/0|' stacks/db.yaml
commit "db: Redis reachable for the migration job"

# Step: the revert.
sed -i 's|          CidrIp: 0.0.0.0/0|          CidrIp: !Ref VpcCidr|' stacks/db.yaml
commit "Revert \"db: Redis reachable for the migration job\""

# Step: a directory move of every template.
mv_ stacks cloudformation
commit "Move stacks/ to cloudformation/"

# Step: HTTPS over IPv6 from anywhere (web port: low).
as "Rui Cloud"
sed -i 's|        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}|&\n        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: "::/0"}|' cloudformation/network.yaml
commit "network: HTTPS over IPv6"

# Step: all traffic from the peered VPC (every port, data stores
# included, private sources: medium).
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("Outputs:\n", '''  AppFromPeer:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt AppSecurityGroup.GroupId
      IpProtocol: "-1"
      CidrIp: 172.20.0.0/16
Outputs:
''', 1)
open(p, "w").write(s)
EOF
commit "network: everything from the peered analytics VPC"

# Step: refactor. The admin group moves from root into the network
# template (same logical id, same rule, parameter moved with it).
python3 - cloudformation/root.yaml cloudformation/network.yaml <<'EOF'
import sys
root, net = sys.argv[1], sys.argv[2]
s = open(root).read()
block = s[s.index("  AdminSecurityGroup:\n"):s.index("  Database:\n")]
s = s.replace(block, "")
s = s.replace("        VpcId: !Ref VpcId\n", "        VpcId: !Ref VpcId\n        AdminCidr: !Ref AdminCidr\n", 1)
open(root, "w").write(s)
n = open(net).read()
n = n.replace("Parameters:\n  VpcId:\n    Type: AWS::EC2::VPC::Id\n",
  "Parameters:\n  VpcId:\n    Type: AWS::EC2::VPC::Id\n  AdminCidr:\n    Type: String\n    Default: 10.0.0.0/8\n")
n = n.replace("Outputs:\n", block + "Outputs:\n", 1)
open(net, "w").write(n)
EOF
commit "Move the admin group into the network template"

# Step: a partner's single public address on PostgreSQL (medium).
as "Mia Data"
python3 - cloudformation/db.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''          SourceSecurityGroupId: !Ref AppSecurityGroupId
''', '''          SourceSecurityGroupId: !Ref AppSecurityGroupId
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 34.250.12.8/32
          Description: partner reporting host
''')
open(p, "w").write(s)
EOF
commit "db: partner reporting host reads PostgreSQL"

# Step: a wide range to the Internet, no data-store port in it (high).
as "Rui Cloud"
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("Outputs:\n", '''  FtpPassive:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt LegacySecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 40000
      ToPort: 50000
      CidrIp: 0.0.0.0/0
Outputs:
''', 1)
open(p, "w").write(s)
EOF
commit "network: passive FTP ports for the legacy hosts"

# Step: the fix.
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index("  FtpPassive:\n"); j = s.index("Outputs:\n")
open(p, "w").write(s[:i] + s[j:])
EOF
commit "network: drop passive FTP"

# Step: a bad edit leaves the network template unreadable (it was
# readable at the parent: high, "could not be checked").
as "Mia Data"
sed -i 's|^      GroupDescription: Public HTTPS|     GroupDescription: Public HTTPS\n   bad: [unclosed|' cloudformation/network.yaml
commit "network: tweak the web group description"

# Step: mended. The content equals the last readable version; whether the
# engine judges it against that or against the broken parent is left open
# (labels: any).
sed -i '/^   bad: \[unclosed$/d; s|^     GroupDescription: Public HTTPS|      GroupDescription: Public HTTPS|' cloudformation/network.yaml
commit "network: fix the template indentation"

# Step: the db stack is torn down (template and nested stack): narrowing.
as "Rui Cloud"
rm_ cloudformation/db.yaml
python3 - cloudformation/root.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
open(p, "w").write(s[:s.index("  Database:\n")])
EOF
commit "db: retire the database stack"

echo "The database moved to the shared cluster." >> README.md
commit "README: the database moved"

# Step: ICMP (all types, ports -1) from anywhere (low).
as "Rui Cloud"
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("Outputs:\n", '''  WebIcmp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt WebSecurityGroup.GroupId
      IpProtocol: icmp
      FromPort: -1
      ToPort: -1
      CidrIp: 0.0.0.0/0
Outputs:
''', 1)
open(p, "w").write(s)
EOF
commit "network: ping the web tier from anywhere"

# Step: every TCP port from anywhere on the legacy hosts (critical: data
# stores among them; which of the two critical rules is the engine's).
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("Outputs:\n", '''  LegacyAllTcp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt LegacySecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 0
      ToPort: 65535
      CidrIp: 0.0.0.0/0
Outputs:
''', 1)
open(p, "w").write(s)
EOF
commit "network: open the legacy hosts while the vendor migrates them"

# Step: the revert.
python3 - cloudformation/network.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index("  LegacyAllTcp:\n"); j = s.index("Outputs:\n")
open(p, "w").write(s[:i] + s[j:])
EOF
commit "Revert \"network: open the legacy hosts while the vendor migrates them\""

# Step: a new JSON template for a read replica's group: PostgreSQL from
# the VPC range (medium).
as "Mia Data"
put cloudformation/replica.json <<'EOF'
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "Billing read replica",
  "Parameters": {
    "VpcId": {"Type": "AWS::EC2::VPC::Id"},
    "VpcCidr": {"Type": "String", "Default": "10.30.0.0/16"}
  },
  "Resources": {
    "ReplicaSecurityGroup": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "PostgreSQL read replica",
        "VpcId": {"Ref": "VpcId"},
        "SecurityGroupIngress": [
          {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": {"Ref": "VpcCidr"}}
        ]
      }
    }
  }
}
EOF
commit "replica: security group for the read replica"

# Step: an internal application load balancer in front of the web tier;
# its group admits 443 from the world (the group's own finding).
as "Nadia Net"
put cloudformation/edge.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Description: edge load balancer
Resources:
  EdgeSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: edge load balancer
      VpcId: vpc-0a1b2c3d
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
  Edge:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
      SecurityGroups:
        - !Ref EdgeSg
      Subnets: [subnet-0aa, subnet-0bb]
  EdgeHttps:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Edge
      Port: 443
      Protocol: HTTPS
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig: {StatusCode: "404"}
EOF
commit "edge: internal load balancer"

# Step: the load balancer goes internet-facing (Scheme removed: its default).
as "Piotr Dev"
sed -i '/      Scheme: internal/d' cloudformation/edge.yaml
commit "edge: load balancer internet-facing by default"

# Step: a managed node group, SSH with a key and no source groups (high).
put cloudformation/nodes.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Workers:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodeRole: arn:aws:iam::123456789012:role/nodes
      Subnets: [subnet-0aa, subnet-0bb]
      RemoteAccess:
        Ec2SshKey: prod-ops
EOF
commit "nodes: EKS node group with SSH"

# Step: the same template as JSON (no change).
as "Nadia Net"
rm_ cloudformation/nodes.yaml
put cloudformation/nodes.json <<'EOF'
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Workers": {
      "Type": "AWS::EKS::Nodegroup",
      "Properties": {
        "ClusterName": "prod",
        "NodeRole": "arn:aws:iam::123456789012:role/nodes",
        "Subnets": ["subnet-0aa", "subnet-0bb"],
        "RemoteAccess": {"Ec2SshKey": "prod-ops"}
      }
    }
  }
}
EOF
commit "nodes: template converted to JSON"
