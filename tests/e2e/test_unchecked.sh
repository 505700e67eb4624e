#!/usr/bin/env bash
# test_unchecked.sh - input that could not be checked is told apart from a
# widening: graded by what it can hide (DW-PARSE-001 high when it was read
# at the parent, DW-PARSE-004 medium when never readable), files of a
# format only recognised are not analysed (DW-PARSE-005), each shown once
# per file in an audit and counted in its summary; an unreadable work-tree
# file is not a deletion; `driftwatch formats` says what is read and what
# is only recognised.
. "$(dirname "$0")/lib.sh"

# A web tier's group as a platform team writes it.
web_sg() { # web_sg SSH-CIDR
	cat <<EOF
AWSTemplateFormatVersion: "2010-09-09"
Description: web tier
Parameters:
  VpcId: {Type: "AWS::EC2::VPC::Id"}
Resources:
  WebSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web tier
      VpcId: !Ref VpcId
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: $1}
EOF
}

repo=$(new_repo history)
mkdir -p "$repo/cfn" "$repo/ansible/roles/edge/tasks" "$repo/k8s"
web_sg 10.0.0.0/8 > "$repo/cfn/web.yml"
commit "$repo" "web tier"

# A host firewall rule set and an Ansible role beside it: recognised, not read.
mkdir -p "$repo/fw"
cat > "$repo/fw/rules.v4" <<'EOF'
*filter
:INPUT DROP [0:0]
-A INPUT -p tcp --dport 3389 -j ACCEPT
COMMIT
EOF
cat > "$repo/ansible/roles/edge/tasks/main.yml" <<'EOF'
---
- name: Install haproxy
  ansible.builtin.apt:
    name: haproxy
    state: present

- name: Let the load balancer in
  community.general.ufw:
    rule: allow
    port: '443'
    proto: tcp
EOF
commit "$repo" "edge: host firewall and an ansible role"
first_unread=$(git -C "$repo" rev-parse HEAD)
sed -i "s/3389/3390/" "$repo/fw/rules.v4"
commit "$repo" "edge: move RDP"
sed -i "s/haproxy$/haproxy=2.8*/" "$repo/ansible/roles/edge/tasks/main.yml"
commit "$repo" "edge: pin haproxy"

# The template breaks: it was read at the parent, so it can hide a widening.
web_sg 0.0.0.0/0 | sed 's/^        - {IpProtocol: tcp, FromPort: 22.*/        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: [0.0.0.0\/0/' > "$repo/cfn/web.yml"
commit "$repo" "open ssh for the migration"
broke=$(git -C "$repo" rev-parse HEAD)
printf '\n# still broken\n' >> "$repo/cfn/web.yml"
commit "$repo" "note"
still=$(git -C "$repo" rev-parse HEAD)

dw diff -C "$repo" "$broke" --format json
status_is "a template read at the parent and broken now: exit 1 (high)" 1
json_check "... is DW-PARSE-001, high, could not be checked, at its line" \
	"[(x['rule'], x['severity'], x['unchecked'], x['file']) for x in f] == [('DW-PARSE-001', 'high', True, 'cfn/web.yml')] and f[0]['line'] == 13 and 'could not be checked' in f[0]['message']"
json_check "... and listed under errors" "[e['file'] for e in d['errors']] == ['cfn/web.yml']"

dw diff -C "$repo" "$still" --format json
status_is "broken at the parent too: exit 0 at the default threshold (medium)" 0
json_check "... is DW-PARSE-004, medium, could not be checked" \
	"[(x['rule'], x['severity'], x['unchecked']) for x in f] == [('DW-PARSE-004', 'medium', True)]"
dw diff -C "$repo" "$still" --fail-on medium -q
status_is "... and fails at --fail-on medium" 1

dw diff -C "$repo" "$first_unread"
status_is "files only recognised: exit 0 (low)" 0
case "$OUT" in
*"LOW DW-PARSE-005"*"not analysed: ansible/roles/edge/tasks/main.yml:8: "*"Ansible module is not read"*"LOW DW-PARSE-005"*"not analysed: fw/rules.v4: iptables and nftables rule sets are not read"*)
	ok "the rule set and the Ansible role are each not analysed, with the reason" ;;
*) not_ok "the rule set and the Ansible role are each not analysed, with the reason" "$OUT" ;;
esac
case "$OUT" in
*"2 files not analysed"*) ok "the text report counts them" ;;
*) not_ok "the text report counts them" "$OUT" ;;
esac
case "$OUT" in
*"widen"*) not_ok "nothing says exposure widened" "$OUT" ;;
*) ok "nothing says exposure widened" ;;
esac

# The audit: each unread file once, at the first commit that touched it.
dw audit -C "$repo" --format json
json_check "audit: the rule set is reported once, at the commit that added it" \
	"[x['commit'] for x in f if x['file'] == 'fw/rules.v4'] == ['$first_unread']"
json_check "audit: the Ansible role once too" \
	"len([x for x in f if x['file'] == 'ansible/roles/edge/tasks/main.yml']) == 1"
json_check "audit: the break is high at its commit, the file never readable after once" \
	"[(x['rule'], x['commit']) for x in f if x['file'] == 'cfn/web.yml' and x.get('unchecked')] == [('DW-PARSE-001', '$broke'), ('DW-PARSE-004', '$still')]"
dw audit -C "$repo"
case "$OUT" in
*"1 file could not be checked; 2 files not analysed"*"(2 repeats left out)"*)
	ok "audit: the summary counts them and the repeats left out" ;;
*) not_ok "audit: the summary counts them and the repeats left out" "$OUT" ;;
esac

dw diff -C "$repo" "$broke" --format sarif
json_check "SARIF: the break is an error-level result marked unchecked" \
	"[(r['ruleId'], r['level'], r['properties']['unchecked']) for r in d['runs'][0]['results']] == [('DW-PARSE-001', 'error', True)]"
dw diff -C "$repo" "$still" --format markdown
case "$OUT" in
"### driftwatch: 1 medium (1 could not be checked)"*) ok "markdown: what could not be checked is counted apart" ;;
*) not_ok "markdown: what could not be checked is counted apart" "$OUT" ;;
esac

# A Kubernetes Gateway (a kind not read) and a patch without apiVersion.
cat > "$repo/k8s/gateway.yaml" <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: edge
spec:
  gatewayClassName: istio
  listeners:
    - name: https
      port: 443
      protocol: HTTPS
EOF
cat > "$repo/k8s/search-patch.yaml" <<'EOF'
kind: Service
metadata:
  name: search
spec:
  type: LoadBalancer
  ports:
    - port: 9200
EOF
# A Service with a commented-out Helm line is still read.
cat > "$repo/k8s/search.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: search
spec:
  type: LoadBalancer
  # loadBalancerSourceRanges: {{ .Values.officeRanges }}
  ports:
    - port: 9200
EOF
commit "$repo" "k8s: gateway, search"
dw diff -C "$repo" HEAD --format json
json_check "a Gateway is not analysed, named with its line" \
	"any(x['rule'] == 'DW-PARSE-005' and x['file'] == 'k8s/gateway.yaml' and 'Gateway public' in x['message'] for x in f)"
json_check "a manifest without apiVersion is not analysed" \
	"any(x['rule'] == 'DW-PARSE-005' and x['file'] == 'k8s/search-patch.yaml' and 'no apiVersion' in x['message'] for x in f)"
json_check "a {{ }} in a comment does not make a template: Elasticsearch open to the Internet" \
	"any(x['rule'] in ('DW-NET-001', 'DW-SET-030') and x['severity'] == 'critical' and x['file'] == 'k8s/search.yaml' for x in f) and not any(x['rule'] == 'DW-PARSE-003' for x in f)"

# An Argo Rollout beside the Service: the file is read, the Rollout an unknown.
cat >> "$repo/k8s/search.yaml" <<'EOF'
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: search
spec:
  template:
    spec:
      containers:
        - name: es
          image: elasticsearch:8.13.0
          ports: [{containerPort: 9200, hostPort: 9200}]
EOF
commit "$repo" "k8s: roll search out with Argo"
dw diff -C "$repo" HEAD --format json
json_check "a Rollout beside a Service: an explicit unknown naming it, the file still read" \
	"[(x['rule'], x['resource'], x['line']) for x in f] == [('DW-EVAL-001', 'unread:k8s/search.yaml', 11)] and 'Rollout search' in f[0]['message']"
sed -i 's/port: 9200$/port: 9201/' "$repo/k8s/search.yaml"
commit "$repo" "k8s: search on 9201"
dw diff -C "$repo" HEAD --format json
json_check "... reported once: the next change to the file does not repeat it" \
	"not any(x['resource'].startswith('unread:') for x in f) and any(x['file'] == 'k8s/search.yaml' for x in f)"

# formats: what is read, then what is only recognised.
dw formats
status_is "formats: exit 0" 0
case "$OUT" in
"Read:"*"Kubernetes manifests"*"Bicep"*"Recognised, not read"*"Terraform JSON syntax"*"not read:  Terraform's JSON syntax is not read"*"Ansible, other network modules"*)
	ok "formats: read formats first, then the recognised ones with their reason" ;;
*) not_ok "formats: read formats first, then the recognised ones with their reason" "$OUT" ;;
esac

# The work tree: a file edited, then unreadable. Root reads any file, so
# it gives up CAP_DAC_OVERRIDE for the run when it can.
wt=$(new_repo worktree)
web_sg 10.0.0.0/8 > "$wt/web.yml"
commit "$wt" "web tier"
web_sg 0.0.0.0/0 > "$wt/web.yml"
printf '# opened for the migration\n' >> "$wt/web.yml"
chmod 000 "$wt/web.yml"
run_unprivileged=()
if [ "$(id -u)" = 0 ]; then
	if setpriv --bounding-set=-dac_override,-dac_read_search true 2>/dev/null; then
		run_unprivileged=(setpriv --bounding-set=-dac_override,-dac_read_search)
	fi
fi
if [ "$(id -u)" != 0 ] || [ ${#run_unprivileged[@]} -gt 0 ]; then
	STATUS=0
	OUT=$("${run_unprivileged[@]}" "$DRIFTWATCH" diff -C "$wt" --format json -v 2>"$WORK/.stderr") || STATUS=$?
	ERR=$(cat "$WORK/.stderr")
	status_is "an unreadable work-tree file: exit 1" 1
	json_check "... could not be checked (DW-PARSE-001, high), never a deletion or a narrowing" \
		"[(x['rule'], x['severity'], x['unchecked']) for x in f] == [('DW-PARSE-001', 'high', True)] and 'Permission denied' in f[0]['message']"
else
	ok "an unreadable work-tree file: exit 1 # SKIP root without setpriv"
	ok "... could not be checked # SKIP root without setpriv"
fi
chmod 644 "$wt/web.yml"

done_testing
