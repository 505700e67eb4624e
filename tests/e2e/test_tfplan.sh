#!/usr/bin/env bash
# test_tfplan.sh - Terraform plan JSON (terraform show -json): diff --plan
# between two plans (a widening, a narrowing, a refactor into a module
# that changes nothing but the address, an after_unknown value), and a
# plan committed beside its .tf: same identities, the plan preferred.
. "$(dirname "$0")/lib.sh"

# plan FILE SSH-CIDR [MODULE] [UNKNOWN|INLINE]: a plan with a security
# group opening SSH from SSH-CIDR and a standalone rule for 9200 joined to
# it by the configuration's reference; under module.MODULE when given;
# with "unknown", the rule's cidr_blocks are known only after apply; with
# "inline", the 9200 rule is an ingress block of the group instead, the
# resources in the other order and the JSON indented.
plan() {
	python3 - "$@" <<'EOF'
import json, sys
path, cidr = sys.argv[1], sys.argv[2]
mod = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
unknown = len(sys.argv) > 4 and sys.argv[4] == "unknown"
inline = len(sys.argv) > 4 and sys.argv[4] == "inline"
pre = "module.%s." % mod if mod else ""
sg = {"address": pre + "aws_security_group.search", "mode": "managed", "type": "aws_security_group",
      "name": "search", "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
      "values": {"name": "search", "description": "search nodes", "revoke_rules_on_delete": False,
                 "ingress": [{"cidr_blocks": [cidr], "description": "", "from_port": 22, "to_port": 22,
                              "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
                              "security_groups": [], "self": False}],
                 "tags": None, "timeouts": None},
      "sensitive_values": {"ingress": [{}]}}
rule_values = {"type": "ingress", "from_port": 9200, "to_port": 9200, "protocol": "tcp",
               "description": None, "ipv6_cidr_blocks": None, "prefix_list_ids": None, "self": False}
if not unknown:
    rule_values["cidr_blocks"] = ["10.0.0.0/8"]
rule = {"address": pre + "aws_security_group_rule.es", "mode": "managed", "type": "aws_security_group_rule",
        "name": "es", "values": rule_values}
after_unknown = {"id": True, "security_group_id": True}
if unknown:
    after_unknown["cidr_blocks"] = True
changes = [{"address": rule["address"], "mode": "managed", "type": rule["type"], "name": "es",
            "change": {"actions": ["create"], "before": None, "after": rule_values, "after_unknown": after_unknown}},
           {"address": sg["address"], "mode": "managed", "type": sg["type"], "name": "search",
            "change": {"actions": ["update"], "after_unknown": {"ingress": [{"cidr_blocks": [False]}]}}}]
cfg_res = [{"address": "aws_security_group_rule.es", "mode": "managed", "type": "aws_security_group_rule",
            "name": "es", "expressions": {"security_group_id": {"references": [
                "aws_security_group.search.id", "aws_security_group.search"]}}}]
resources = [sg, rule]
if inline:
    sg["values"]["ingress"].insert(0, dict(sg["values"]["ingress"][0], cidr_blocks=["10.0.0.0/8"],
                                           from_port=9200, to_port=9200))
    resources = [sg]
    changes = changes[1:]
root = {"resources": resources}
cfg = {"root_module": {"resources": cfg_res}}
if mod:
    root = {"child_modules": [{"address": "module." + mod, "resources": resources}]}
    cfg = {"root_module": {"module_calls": {mod: {"source": "./modules/search",
                                                  "module": {"resources": cfg_res}}}}}
p = {"format_version": "1.2", "terraform_version": "1.6.6",
     "planned_values": {"root_module": root}, "resource_changes": changes, "configuration": cfg}
json.dump(p, open(path, "w"), indent=2 if inline else None)
EOF
}

cd "$WORK"
plan main.json 10.20.0.0/16
plan open.json 0.0.0.0/0
dw diff --plan main.json open.json --format json
status_is "a plan opening SSH to the world: exit 1" 1
json_check "SSH opened to the world: high on the group, named as the .tf reader names it" \
	"any(x['resource'] == 'tf:.:aws_security_group.search' and x['severity'] in ('high', 'critical') and 'tcp/22' in x['after'] for x in f)"

dw diff --plan open.json main.json --format json
status_is "the reverse is a narrowing: exit 0" 0
json_check "a narrowing: no widening finding" "not any(x['rule'].startswith('DW-NET') for x in f)"

plan same.json 10.20.0.0/16 "" inline
dw diff --plan main.json same.json --format json
status_is "a refactor (the standalone rule written inline, reordered, indented): exit 0" 0
json_check "a refactor that changes no rule: no finding, no error" "f == [] and d['errors'] == []"
dw diff --plan /dev/null same.json
status_is "a file that is not a plan: a usage error, exit 2" 2

plan moved.json 10.20.0.0/16 search
dw diff --plan main.json moved.json --format json
json_check "the same resources moved into a module: no finding (paired as a move)" "f == [] and d['errors'] == []"
echo '{"format_version": "1.2", "planned_values": {"root_module": {}}}' > empty.json
dw diff --plan empty.json moved.json --format json
json_check "resources in a child module: named module.NAME.TYPE.NAME, as the .tf reader names them" \
	"any(x['resource'] == 'tf:.:module.search.aws_security_group.search' for x in f) and d['errors'] == []"

plan unknown.json 10.20.0.0/16 "" unknown
dw diff --plan main.json unknown.json --format json
json_check "a value known only after apply: an unknown naming the attribute, nothing guessed" \
	"any(x['rule'] == 'DW-EVAL-001' and 'cidr_blocks' in x['message'] and 'after apply' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET-00') for x in f)"

# A plan committed beside the .tf it was made from: the same identity; the
# plan's resolved values win over the unresolved variable.
repo=$(new_repo tfplan)
mkdir -p "$repo/infra"
cat > "$repo/infra/main.tf" <<'EOF'
variable "ssh_cidr" {}
resource "aws_security_group" "search" {
  name = "search"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }
}
resource "aws_security_group_rule" "es" {
  type              = "ingress"
  from_port         = 9200
  to_port           = 9200
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_security_group.search.id
}
EOF
commit "$repo" "search group"
plan "$repo/infra/tfplan.json" 10.20.0.0/16
commit "$repo" "the CI plan"
dw diff -C "$repo" HEAD --format json
json_check "the plan beside its .tf: the variable resolved, one resource, no unknown" \
	"not any(x['rule'] == 'DW-EVAL-001' for x in f) and {x['resource'] for x in f} <= {'tf:infra:aws_security_group.search'}"
dw surface -C "$repo"
same "surface: one resource for the group, from the plan" \
	"$(grep -c '^tf:infra:aws_security_group.search ' <<<"$OUT")" "1"
check "surface: the group's values are the plan's" grep -q "tcp/22 from 10.20.0.0/16" <<<"$OUT"

plan "$repo/infra/tfplan.json" 0.0.0.0/0
commit "$repo" "the CI plan opens SSH"
dw diff -C "$repo" HEAD --format json
status_is "a committed plan that widens: exit 1" 1
json_check "a committed plan that widens: found on the .tf reader's identity" \
	"any(x['resource'] == 'tf:infra:aws_security_group.search' and 'tcp/22' in x['after'] and x['severity'] in ('high', 'critical') for x in f)"

dw formats
check "formats lists the plan reader" grep -q "Terraform plan JSON" <<<"$OUT"

done_testing
