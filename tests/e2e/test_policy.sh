#!/usr/bin/env bash
# test_policy.sh - the repository policy, .driftwatch.yml, read at the
# revision analysed: trusted networks, ignore_paths, rules off, fail_on,
# approvals (and expired ones), a policy loosened in the same commit, and
# a malformed policy. DRIFTWATCH_TODAY fixes "today" for the approvals.
. "$(dirname "$0")/lib.sh"

export DRIFTWATCH_TODAY=2026-06-01

sg() { # sg CIDR PORT: a CloudFormation security group admitting tcp/PORT from CIDR
	cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: $2
          ToPort: $2
          CidrIp: $1
YAML
}

# A repository whose first commit holds POLICY (may be empty) and ssh
# from 10.0.0.0/8; prints its path.
policy_repo() {
	local repo
	repo=$(new_repo "$1")
	sg 10.0.0.0/8 22 > "$repo/sg.yaml"
	[ -n "$2" ] && printf '%s\n' "$2" > "$repo/.driftwatch.yml"
	commit "$repo" "base" >/dev/null
	echo "$repo"
}

# A VPN range (a public one, 198.51.100.0/24) trusted: ssh from it is no Internet exposure.
repo=$(policy_repo trusted "trusted_networks:
  - 198.51.100.0/24
  - azure-tag:VirtualNetwork")
dw diff -C "$repo" --format json
status_is "policy file unchanged: nothing to report" 0
sg 198.51.100.0/24 22 > "$repo/sg.yaml"
commit "$repo" "ssh from the VPN"
dw diff -C "$repo" HEAD --format json
status_is "trusted VPN range: exit 0" 0
json_check "trusted VPN range: no Internet finding, private widening instead" \
	"not any(x['rule'].startswith('DW-NET-00') for x in f) and any(x['rule']=='DW-NET-011' for x in f)"
sg 81.2.0.0/16 22 > "$repo/sg.yaml"
commit "$repo" "ssh from elsewhere"
dw diff -C "$repo" HEAD --format json
status_is "untrusted range: exit 1" 1
json_check "untrusted range: DW-NET-003" "any(x['rule']=='DW-NET-003' for x in f)"

repo=$(policy_repo ignore "ignore_paths:
  - sandbox/**
  - '**/*.test.yaml'")
mkdir -p "$repo/sandbox/deep" "$repo/x"
sg 0.0.0.0/0 22 > "$repo/sandbox/deep/sg.yaml"
sg 0.0.0.0/0 22 > "$repo/x/a.test.yaml"
commit "$repo" "sandboxes"
dw diff -C "$repo" HEAD --format json
status_is "ignore_paths: exit 0" 0
json_check "ignore_paths: no findings" "f == []"
sg 0.0.0.0/0 22 > "$repo/x/sg.yaml"
commit "$repo" "not a sandbox"
dw diff -C "$repo" HEAD -q
status_is "ignore_paths: other paths still analysed" 1

repo=$(policy_repo rules "rules:
  DW-NET-003: off
  DW-NET-001: medium")
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
commit "$repo" "ssh open"
dw diff -C "$repo" HEAD --format json
status_is "rule off: exit 0" 0
json_check "rule off: no DW-NET-003" "f == []"
sg 0.0.0.0/0 6379 > "$repo/sg.yaml"
commit "$repo" "redis open"
dw diff -C "$repo" HEAD --format json
status_is "rule lowered to medium: exit 0" 0
json_check "rule lowered: DW-NET-001 medium" "any(x['rule']=='DW-NET-001' and x['severity']=='medium' for x in f)"

repo=$(policy_repo failon "fail_on: critical")
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
commit "$repo" "ssh open"
dw diff -C "$repo" HEAD -q
status_is "fail_on critical: a high finding exits 0" 0
dw diff -C "$repo" HEAD -q --fail-on high
status_is "--fail-on on the command line wins over fail_on" 1

repo=$(policy_repo approvals "approvals:
  - finding: {rule: DW-NET-003, resource: aws-sg:AppSG}
    reason: bastion migration, ticket OPS-12
    approved_by: Ana Admin
    expires: 2026-06-01
  - finding: {rule: DW-NET-001, resource: aws-sg:AppSG}
    reason: old
    approved_by: Old Approver
    expires: 2026-05-31")
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
commit "$repo" "ssh open, approved"
dw diff -C "$repo" HEAD --format json
status_is "approved finding: exit 0" 0
json_check "approved finding: suppressed, with the approval" \
	"len(f)==1 and f[0]['suppressed'] is True and f[0]['approval']=={'reason':'bastion migration, ticket OPS-12','approved_by':'Ana Admin','expires':'2026-06-01'}"
dw diff -C "$repo" HEAD
check "approved finding: text says who approved it until when" \
	grep -q "approved by Ana Admin until 2026-06-01: bastion migration" <<<"$OUT"
dw diff -C "$repo" HEAD --format sarif
json_check "approved finding: SARIF suppression" \
	"d['runs'][0]['results'][0]['suppressions']==[{'kind':'external','justification':'approved by Ana Admin until 2026-06-01: bastion migration, ticket OPS-12'}]"
# Against the SARIF 2.1.0 schema when the validator is at hand (see test_sarif.sh).
printf '%s\n' "$OUT" > "$WORK/approved.sarif"
st=0
res=$(sarif_validate "$WORK/approved.sarif" 2>&1) || st=$?
if [ $st -eq 77 ]; then
	ok "approved finding: SARIF schema # SKIP $res"
elif [ $st -eq 0 ]; then
	ok "approved finding: SARIF with a suppression is valid SARIF 2.1.0"
else
	not_ok "approved finding: SARIF with a suppression is valid SARIF 2.1.0" "$res"
fi
dw diff -C "$repo" HEAD --format markdown
check "approved finding: Markdown marks it approved, with who and until when" \
	grep -q "^### driftwatch: 1 approved\$" <<<"$OUT"
check "approved finding: Markdown row" \
	grep -q "HIGH (approved) | .*approved by Ana Admin until 2026-06-01" <<<"$OUT"
DRIFTWATCH_TODAY=2026-06-02 dw diff -C "$repo" HEAD --format json
status_is "approval expired the day after: exit 1" 1
json_check "approval expired: the finding is back, unsuppressed" \
	"any(x['rule']=='DW-NET-003' and 'suppressed' not in x for x in f)"
json_check "approval expired: DW-POLICY-003 names it" \
	"any(x['rule']=='DW-POLICY-003' and x['severity']=='medium' and 'Ana Admin' in x['message'] and x['file']=='.driftwatch.yml' and x['line']==2 for x in f)"
DRIFTWATCH_TODAY=June dw diff -C "$repo" HEAD
status_is "a bad DRIFTWATCH_TODAY is an error" 2
sg 0.0.0.0/0 6379 > "$repo/sg.yaml"
commit "$repo" "redis open, approval expired"
dw diff -C "$repo" HEAD --format json
status_is "expired approval: exit 1" 1
json_check "expired approval: DW-POLICY-003 and DW-NET-001 reported" \
	"any(x['rule']=='DW-POLICY-003' and 'Old Approver' in x['message'] for x in f) and any(x['rule']=='DW-NET-001' and not x.get('suppressed') for x in f)"
dw diff -C "$repo" --format json
status_is "work tree: policy read from the work tree" 0
cat > "$repo/.driftwatch.yml" <<'YAML'
rules:
  DW-NET-003: off
  DW-NET-001: off
YAML
dw diff -C "$repo" --format json
status_is "work tree: rules turned off in the work tree are a finding" 1
json_check "work tree: two DW-POLICY-002" \
	"len([x for x in f if x['rule']=='DW-POLICY-002'])==2"
git -C "$repo" checkout -q .driftwatch.yml

# Loosening the policy in the commit that uses it.
repo=$(policy_repo loosen "trusted_networks:
  - 10.0.0.0/8")
cat > "$repo/.driftwatch.yml" <<'YAML'
trusted_networks:
  - 10.0.0.0/8
  - 0.0.0.0/0
fail_on: critical
ignore_paths: [legacy/*]
rules:
  DW-NET-003: low
approvals:
  - finding: 0123456789ab
    reason: because
    approved_by: Mallory
    expires: 2030-01-01
YAML
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
commit "$repo" "open ssh and trust everyone"
dw diff -C "$repo" HEAD --format json
status_is "loosening in the same commit: exit 1 (the policy findings are high)" 1
json_check "loosening: no Internet finding for ssh" "not any(x['rule']=='DW-NET-003' for x in f)"
json_check "loosening: DW-POLICY-001 names the new network" \
	"any(x['rule']=='DW-POLICY-001' and x['severity']=='high' and 'trusted networks widened: ' in x['message'] and '8.0.0.0/7' in x['message'] and x['line']==3 for x in f)"
json_check "loosening: DW-POLICY-002 for fail_on, ignore_paths and the rule" \
	"sorted(x['message'] for x in f if x['rule']=='DW-POLICY-002')==['policy loosened: fail_on raised from high to critical','policy loosened: path ignored: legacy/*','policy loosened: rule DW-NET-003 lowered from high to low']"
json_check "loosening: DW-POLICY-004 names the finding and the approver" \
	"any(x['rule']=='DW-POLICY-004' and x['severity']=='medium' and '0123456789ab' in x['message'] and 'Mallory' in x['message'] for x in f)"
dw audit -C "$repo" --format json
status_is "audit: the loosening commit exits 1" 1
json_check "audit: trusting a private range (base commit) is no loosening" \
	"not any(x['subject']=='base' and x['rule'].startswith('DW-POLICY') for x in f) and any(x['rule']=='DW-POLICY-001' and x['subject']!='base' for x in f)"

# An Exposure-Approved trailer approves a finding of its own commit only.
repo=$(policy_repo trailer "")
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
dw diff -C "$repo" --format json
id=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["findings"][0]["id"])')
git -C "$repo" add -A
git -C "$repo" commit -q -m "ssh for the vendor" -m "Exposure-Approved: $id vendor support window, ticket SUP-9"
dw diff -C "$repo" HEAD --format json
status_is "trailer approval: exit 0" 0
json_check "trailer approval: suppressed, approved by the commit's author, no expiry" \
	"len(f)==1 and f[0]['suppressed'] and f[0]['approval']=={'reason':'vendor support window, ticket SUP-9','approved_by':'Test Author <author@example.com>'}"
dw diff -C "$repo" HEAD
check "trailer approval: text names the approver" \
	grep -q "approved by Test Author <author@example.com> in this commit: vendor support window" <<<"$OUT"
sg 0.0.0.0/0 3389 > "$repo/sg.yaml"
commit "$repo" "rdp, unapproved"
git -C "$repo" commit -q --allow-empty -m "later" -m "Exposure-Approved: $id too late"
dw audit -C "$repo" HEAD~2..HEAD --format json
status_is "trailer in another commit: no approval (exit 1)" 1
json_check "trailer in another commit: the rdp finding is not suppressed" \
	"any(x['subject']=='rdp, unapproved' and not x.get('suppressed') for x in f)"

# An inline comment on the rule's line approves that rule's finding there.
repo=$(policy_repo inline "")
sg 0.0.0.0/0 22 | sed '8s/$/   # driftwatch:allow DW-NET-003 bastion, reviewed by Sec/' > "$repo/sg.yaml"
dw diff -C "$repo" --format json
status_is "inline comment: exit 0" 0
json_check "inline comment: suppressed, the comment named" \
	"len(f)==1 and f[0]['suppressed'] and f[0]['approval']=={'reason':'bastion, reviewed by Sec','comment':'sg.yaml:8'}"
sg 0.0.0.0/0 22 | sed '8s/$/   # driftwatch:allow DW-NET-001 wrong rule/' > "$repo/sg.yaml"
dw diff -C "$repo" -q
status_is "inline comment for another rule: no approval" 1
sg 0.0.0.0/0 22 | sed '8s/$/   # driftwatch:allow DW-NET-003/' > "$repo/sg.yaml"
dw diff -C "$repo" -q
status_is "inline comment without a reason: no approval" 1
sg 0.0.0.0/0 22 | sed '8s/$/   # driftwatch:allow DW-NET-003 reason/' > "$WORK/inline.yaml"
sg 10.0.0.0/8 22 > "$WORK/inline-old.yaml"
dw diff --files "$WORK/inline-old.yaml" "$WORK/inline.yaml" --format json
json_check "inline comment: honoured with --files too" "len(f)==1 and f[0]['suppressed']"

# Malformed policies: could not be checked (a new one: DW-PARSE-004), and
# the comparison goes on with no policy.
repo=$(policy_repo malformed "")
cat > "$repo/.driftwatch.yml" <<'YAML'
trusted_networks:
  - 10.0.0.0/33
fail_on: severe
ignore_path: [x]
YAML
sg 0.0.0.0/0 22 > "$repo/sg.yaml"
commit "$repo" "typos"
dw diff -C "$repo" HEAD --format json
status_is "malformed policy: exit 1" 1
json_check "malformed new policy: DW-PARSE-004 at .driftwatch.yml with every problem" \
	"any(x['rule']=='DW-PARSE-004' and x['file']=='.driftwatch.yml' and x['line']==2 and ':3: fail_on' in x['message'] and ':4: unknown key \"ignore_path\"' in x['message'] for x in f)"
json_check "malformed policy: analysed with no policy" "any(x['rule']=='DW-NET-003' for x in f)"
printf 'approvals:\n  - finding: 0123456789ab\n    reason: x\n    approved_by: y\n' > "$repo/.driftwatch.yml"
dw diff -C "$repo" --format json
json_check "approval without expires: DW-PARSE-004 (malformed at HEAD too)" \
	"any(x['rule']=='DW-PARSE-004' and 'missing \"expires\"' in x['message'] for x in f)"
printf '{ not yaml' > "$repo/.driftwatch.yml"
dw diff -C "$repo" --format json
json_check "policy that is no YAML: DW-PARSE-004" \
	"any(x['rule']=='DW-PARSE-004' and x['file']=='.driftwatch.yml' for x in f)"

# --files: no policy, even named .driftwatch.yml.
sg 10.0.0.0/8 22 > "$WORK/old.yaml"
sg 0.0.0.0/0 22 > "$WORK/new.yaml"
cd "$repo"
dw diff --files "$WORK/old.yaml" "$WORK/new.yaml" -q
cd - >/dev/null
status_is "--files: no policy applies" 1


done_testing
