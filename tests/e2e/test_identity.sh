#!/usr/bin/env bash
# test_identity.sh - identity survives renames and moves, and a finding id
# belongs to one file. A repository holding one exposing file of each
# format (ARM, CloudFormation, a Terraform module directory, Kubernetes,
# compose, redis.conf) is renamed file by file, moved file by file, then
# moved as a whole directory: no commit but the first gives a finding, in
# `diff`, in `audit`, and through the gate (a real `git push` into a bare
# repository with the hook). Then two unrelated templates with one logical
# id: two ids, and an approval of one does not pass the other's push.
. "$(dirname "$0")/lib.sh"

unset GL_ID GL_USERNAME GITEA_PUSHER_NAME
export USER=dev

# push DIR ARGS...: git push; sets PSTATUS and PERR (what the pusher reads).
push() {
	local dir=$1
	shift
	PSTATUS=0
	git -C "$dir" push "$@" >"$WORK/.push.out" 2>"$WORK/.push.err" || PSTATUS=$?
	PERR=$(cat "$WORK/.push.err")
}

# dwin DIR ARGS...: dw run inside repository DIR.
dwin() {
	local dir=$1
	shift
	cd "$dir" || return
	dw "$@"
	cd "$WORK" || return
}

# quiet NAME: the last dw call reported no finding at all (info included).
quiet() {
	json_check "$1" "f == []"
}

write_files() { # write_files DIR: one exposing file of each format under DIR/infra
	local d=$1/infra
	mkdir -p "$d/arm" "$d/cfn" "$d/tf/net" "$d/k8s" "$d/compose/search" "$d/redis"
	cat >"$d/arm/nsg.json" <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"adminSource": {"type": "string", "defaultValue": "Internet"}},
  "resources": [{
    "type": "Microsoft.Network/networkSecurityGroups",
    "apiVersion": "2022-07-01",
    "name": "jump-nsg",
    "location": "[resourceGroup().location]",
    "properties": {"securityRules": [
      {"name": "ssh", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow",
        "protocol": "Tcp", "sourceAddressPrefix": "[parameters('adminSource')]", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": "22"}}
    ]}
  }]
}
JSON
	cat >"$d/cfn/template.yaml" <<'YAML'
AWSTemplateFormatVersion: '2010-09-09'
Description: bastion host
Resources:
  BastionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: SSH to the bastion
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
YAML
	cat >"$d/tf/net/main.tf" <<'HCL'
resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.db_clients]
  }
}
HCL
	cat >"$d/tf/net/variables.tf" <<'HCL'
variable "vpc_id" {
  type = string
}

variable "db_clients" {
  type    = string
  default = "0.0.0.0/0"
}
HCL
	cat >"$d/k8s/redis-svc.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: redis
  namespace: cache
spec:
  type: LoadBalancer
  selector:
    app: redis
  ports:
    - name: redis
      port: 6379
      targetPort: 6379
YAML
	cat >"$d/compose/search/compose.yaml" <<'YAML'
services:
  es:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0
    ports:
      - "9200:9200"
YAML
	cat >"$d/redis/redis.conf" <<'CONF'
bind 0.0.0.0
protected-mode no
port 6379
CONF
}

R=$(new_repo repo)
write_files "$R"
commit "$R" "one exposing file per format"

# Sanity: the first commit is reported for every format, so silence later means something.
dwin "$R" audit --format json --fail-on info
json_check "the first commit has a finding for each format" \
	"all(any(x['file'].startswith(p) and x['severity'] in ('high','critical','medium') for x in f) for p in ('infra/arm/','infra/cfn/','infra/tf/net/','infra/k8s/','infra/compose/search/','infra/redis/'))"
first=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')

# 1. every file renamed in place (redis.conf is read by its name: moved in step 2)
git -C "$R" mv infra/arm/nsg.json infra/arm/jump-network.json
git -C "$R" mv infra/cfn/template.yaml infra/cfn/bastion.yaml
git -C "$R" mv infra/tf/net/main.tf infra/tf/net/security.tf
git -C "$R" mv infra/k8s/redis-svc.yaml infra/k8s/service.yaml
git -C "$R" mv infra/compose/search/compose.yaml infra/compose/search/docker-compose.yml
commit "$R" "rename every file"
dwin "$R" diff HEAD~1 HEAD --format json --fail-on info
quiet "renamed files: diff has no finding"
status_is "renamed files: diff exits 0" 0

# 2. every file moved to another directory
mkdir -p "$R/deploy/azure" "$R/deploy/aws" "$R/deploy/k8s/cache" "$R/deploy/stacks/search" "$R/deploy/services/cache"
git -C "$R" mv infra/arm/jump-network.json deploy/azure/jump-network.json
git -C "$R" mv infra/cfn/bastion.yaml deploy/aws/bastion.yaml
git -C "$R" mv infra/tf/net deploy/network
git -C "$R" mv infra/k8s/service.yaml deploy/k8s/cache/service.yaml
git -C "$R" mv infra/compose/search/docker-compose.yml deploy/stacks/search/docker-compose.yml
git -C "$R" mv infra/redis/redis.conf deploy/services/cache/redis.conf
commit "$R" "move every file"
dwin "$R" diff HEAD~1 HEAD --format json --fail-on info
quiet "moved files: diff has no finding"

# 3. the whole directory moved
git -C "$R" mv deploy platform
commit "$R" "move the directory"
dwin "$R" diff HEAD~1 HEAD --format json --fail-on info
quiet "moved directory: diff has no finding"

# 4. a move that also widens is one change of the same resource, not new + removed
mkdir -p "$R/platform/bastion"
git -C "$R" mv platform/aws/bastion.yaml platform/bastion/template.yaml
sed -i 's/ToPort: 22/ToPort: 23/' "$R/platform/bastion/template.yaml"
commit "$R" "move the bastion and open 23 too"
dwin "$R" diff HEAD~1 HEAD --format json --fail-on info
json_check "a move that widens: only the widening, for the moved group" \
	"len(f) == 1 and f[0]['resource'] == 'aws-sg:BastionSecurityGroup' and f[0]['after'] == 'tcp/23 from 0.0.0.0/0' and f[0]['before'] == 'nothing' and f[0]['file'] == 'platform/bastion/template.yaml'"

# The work tree: an unstaged rename of the compose file (untracked new path) is no change.
mv "$R/platform/stacks/search/docker-compose.yml" "$R/platform/stacks/search/compose.yaml"
dwin "$R" diff --format json --fail-on info
quiet "work tree: an unstaged rename has no finding"
git -C "$R" add -A
dwin "$R" diff --format json --fail-on info
quiet "work tree: a staged rename has no finding"
dwin "$R" hook pre-commit
if [ "$STATUS" -eq 0 ] && ! grep -q "DW-" <<<"$OUT$ERR"; then
	ok "pre-commit (the index): a staged rename has no finding"
else
	not_ok "pre-commit (the index): a staged rename has no finding" "$OUT" "$ERR"
fi
git -C "$R" commit -q -m "compose.yaml again"

# A compose file moved to a directory of another name (its project) while a
# port is added: git pairs the similar files, and the service is one change.
mkdir -p "$R/platform/elastic"
git -C "$R" mv platform/stacks/search/compose.yaml platform/elastic/compose.yaml
sed -i 's/      - "9200:9200"/      - "9200:9200"\n      - "9300:9300"/' "$R/platform/elastic/compose.yaml"
commit "$R" "elastic: its own stack, transport port published"
dwin "$R" diff HEAD~1 HEAD --format json --fail-on info
json_check "a compose file moved and widened: only the new port, for the same service" \
	"len(f) == 1 and f[0]['resource'] == 'compose:elastic:es' and f[0]['after'] == 'tcp/9300 from 0.0.0.0/0, ::/0'"

# The audit of the whole history: only the first commit and the widenings report.
dwin "$R" audit --format json --fail-on info
json_check "audit: renames and moves add no finding" \
	"len([x for x in f if 'infra/' in x['file']]) == $first and sum(1 for x in f if 'tcp/23' in x['widened']) == 1 and len([x for x in f if x['file'].startswith('platform/') and 'tcp/23' not in x['widened'] and '9300' not in x['after']]) == 0"

# --- through the gate ---------------------------------------------------
S=$WORK/gate.git
git init -q --bare -b main "$S"
git -C "$R" push -q "$S" "$(git -C "$R" rev-list --max-parents=0 HEAD):refs/heads/main"
"$DRIFTWATCH" install-hook --server --repo "$S" >"$WORK/gate.install" 2>&1
check "the hook is installed" test -x "$S/hooks/pre-receive"
n=0
for c in $(git -C "$R" rev-list --reverse HEAD~6..HEAD~3); do
	n=$((n + 1))
	push "$R" "$S" "$c:refs/heads/main"
	if [ "$PSTATUS" -eq 0 ] && grep -q "no exposure widened" <<<"$PERR"; then
		ok "gate: rename/move push $n accepted, no exposure widened"
	else
		not_ok "gate: rename/move push $n accepted, no exposure widened" "$PERR"
	fi
done
push "$R" "$S" "HEAD~2:refs/heads/main"
if [ "$PSTATUS" -ne 0 ] && grep -q "BastionSecurityGroup" <<<"$PERR"; then
	ok "gate: the move that widens is rejected"
else
	not_ok "gate: the move that widens is rejected" "$PERR"
fi

# --- an NSG torn down with what it protects, or removed while it stays ----
nsg_json() { # nsg_json: an NSG (name from a parameter)
	cat <<'JSON'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"nsgName": {"type": "string", "defaultValue": "app-nsg"}},
  "resources": [
    {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01",
     "name": "[parameters('nsgName')]", "location": "westeurope",
     "properties": {"securityRules": [
       {"name": "deny-rdp", "properties": {"priority": 100, "direction": "Inbound", "access": "Deny",
        "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": "3389"}}]}}
JSON
}
vnet_json() { # vnet_json NSG-REFERENCE: a virtual network whose subnet names an NSG (or none)
	cat <<JSON
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2022-07-01",
     "name": "app-vnet", "location": "westeurope",
     "properties": {"addressSpace": {"addressPrefixes": ["10.40.0.0/16"]},
       "subnets": [{"name": "app", "properties": {"addressPrefix": "10.40.1.0/24"$1}}]}}
JSON
}
ref=', "networkSecurityGroup": {"id": "[resourceId('"'"'Microsoft.Network/networkSecurityGroups'"'"', '"'"'app-nsg'"'"')]"}'
N=$(new_repo nsg)
{ nsg_json; echo "    ,"; vnet_json "$ref"; echo "  ]"; echo "}"; } >"$N/app.json"
commit "$N" "app network"
git -C "$N" rm -q app.json
commit "$N" "tear the app network down"
dwin "$N" diff HEAD~1 HEAD --format json --fail-on info -v
json_check "template deleted with the subnet its NSG protects: a teardown, info only" \
	"len(f) == 1 and f[0]['rule'] == 'DW-NET-012' and f[0]['severity'] == 'info'"
git -C "$N" reset -q --hard HEAD~1
python3 - "$N/app.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["resources"] = [r for r in d["resources"] if not r["type"].endswith("networkSecurityGroups")]
del d["resources"][0]["properties"]["subnets"][0]["properties"]["networkSecurityGroup"]
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY
commit "$N" "drop the NSG, keep the subnet"
dwin "$N" diff HEAD~1 HEAD --format json --fail-on info -v
json_check "NSG removed while its subnet stays: still a medium finding" \
	"any(x['rule'] == 'DW-NET-012' and x['severity'] == 'medium' for x in f)"
git -C "$N" reset -q --hard HEAD~1
# The NSG goes with the NIC beside it, but a subnet in another template,
# left alone, still names it.
{ nsg_json; echo "    ,"
  echo '    {"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2022-07-01", "name": "app-nic",'
  echo '     "location": "westeurope", "properties": {"ipConfigurations": []'"$ref"'}}'
  echo "  ]"; echo "}"; } >"$N/app.json"
{ echo '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
  echo ' "contentVersion": "1.0.0.0", "resources": ['; vnet_json "$ref"; echo "]}"; } >"$N/vnet.json"
commit "$N" "the subnet in its own template"
git -C "$N" rm -q app.json
commit "$N" "drop the NSG only"
dwin "$N" diff HEAD~1 HEAD --format json --fail-on info -v
json_check "NSG removed with its NIC while a subnet elsewhere names it: a medium finding" \
	"any(x['rule'] == 'DW-NET-012' and x['severity'] == 'medium' for x in f)"
git -C "$N" rm -q vnet.json
git -C "$N" commit -q --amend -m "drop the NSG, its NIC and the other subnet"
dwin "$N" diff HEAD~1 HEAD --format json --fail-on info -v
json_check "... and with that subnet gone too: a teardown" \
	"len(f) == 1 and f[0]['rule'] == 'DW-NET-012' and f[0]['severity'] == 'info' and 'azure-nic:app-nic' in f[0]['message']"

# --- one logical id in two unrelated files --------------------------------
sg_template() { # sg_template DESCRIPTION
	cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Description: $1
Resources:
  InstanceSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: SSH for $1
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
YAML
}
T=$(new_repo twins)
mkdir -p "$T/billing" "$T/search"
sg_template billing >"$T/billing/template.yaml"
commit "$T" "billing stack"
sg_template search >"$T/search/template.yaml"
commit "$T" "search stack, an unrelated group with the same logical id"
dwin "$T" audit --format json --fail-on info
json_check "two files, one logical id: two findings with two ids" \
	"len({x['file'] for x in f if x['severity'] in ('high','critical')}) == 2 and len({x['id'] for x in f if x['severity'] in ('high','critical')}) == 2"
json_check "ids are of the new form" "all(len(x['id']) == 12 and x['id'][0] == 'v' for x in f)"
billing_id=$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([x["id"] for x in json.load(sys.stdin)["findings"] if x["file"] == "billing/template.yaml" and x["severity"] in ("high", "critical")][0])')

# The gate: billing is approved in the policy (pushed first: a push cannot
# approve itself); then billing, then search on top of it.
G=$WORK/twins.git
git init -q --bare -b main "$G"
"$DRIFTWATCH" install-hook --server --repo "$G" >"$WORK/twins.install" 2>&1
git --git-dir="$G" config driftwatch.trust push-option,policy
C=$WORK/twins-clone
git clone -q "$G" "$C" 2>/dev/null
cat >"$C/.driftwatch.yml" <<YAML
approvals:
  - finding: $billing_id
    reason: billing's bastion, reviewed
    approved_by: Ana
    expires: 2099-01-01
YAML
commit "$C" "approve billing's SSH"
push "$C" origin main
if [ "$PSTATUS" -eq 0 ]; then ok "gate: the approval is pushed"; else not_ok "gate: the approval is pushed" "$PERR"; fi
mkdir -p "$C/billing"
sg_template billing >"$C/billing/template.yaml"
commit "$C" "billing stack"
push "$C" origin main
if [ "$PSTATUS" -eq 0 ]; then ok "gate: the approved billing group is accepted"; else not_ok "gate: the approved billing group is accepted" "$PERR"; fi
mkdir -p "$C/search"
sg_template search >"$C/search/template.yaml"
commit "$C" "search stack, same logical id"
push "$C" origin main
if [ "$PSTATUS" -ne 0 ] && grep -q "search/template.yaml" <<<"$PERR"; then
	ok "gate: billing's approval does not pass the search group"
else
	not_ok "gate: billing's approval does not pass the search group" "$PERR"
fi
git -C "$C" reset -q --hard HEAD~1

# An approval written with an old-form id (no file in it) approves nothing, and says so.
mkdir -p "$C/ops"
sg_template billing >"$C/ops/template.yaml"
commit "$C" "ops stack, same group as billing's"
dwin "$C" diff HEAD~1 HEAD --format json --fail-on info
old_id=$(printf '%s' "$OUT" | python3 -c '
import hashlib, json, sys
x = [x for x in json.load(sys.stdin)["findings"] if x["file"] == "ops/template.yaml"][0]
print(hashlib.sha256(("%s\n%s\n%s" % (x["rule"], x["resource"], x["widened"])).encode()).hexdigest()[:12])')
cat >"$C/.driftwatch.yml" <<YAML
approvals:
  - finding: $old_id
    reason: written before ids named files
    approved_by: Ana
    expires: 2099-01-01
YAML
commit "$C" "the approval in the old form"
dwin "$C" diff HEAD~2 HEAD --format json --fail-on info
json_check "an old-form approval suppresses nothing and is named by DW-POLICY-005" \
	"any(x['rule'] == 'DW-POLICY-005' and '$old_id' in x['message'] and 'ops/template.yaml' in x['message'] for x in f) and any(x['file'] == 'ops/template.yaml' and x['severity'] == 'high' and not x.get('suppressed') for x in f)"
push "$C" origin main
if [ "$PSTATUS" -ne 0 ] && grep -q "DW-POLICY-005 .driftwatch.yml .driftwatch.yml:2" <<<"$PERR"; then
	ok "gate: the old-form approval is reported to the pusher"
else
	not_ok "gate: the old-form approval is reported to the pusher" "$PERR"
fi

done_testing
