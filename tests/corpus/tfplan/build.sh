#!/usr/bin/env bash
# tfplan: a Terraform repository whose CI commits `terraform show -json`
# beside the module (infra/tfplan.json): the plan has every variable and
# module resolved, so it is read instead of the .tf where both give a
# resource. A variable with no default (a CI secret) that only the plan
# resolves, a widening only the plan shows, a child module, a value known
# only after apply, and a plan regenerated with nothing changed.
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Tess Form"
put README.md <<'EOF'
# search-infra
CI runs `terraform plan -out plan && terraform show -json plan > infra/tfplan.json`.
EOF
commit "Initial commit"

# plan SSH-CIDR [unknown] [indent]: the CI's plan of infra/. The search
# group opens SSH from SSH-CIDR; the db module's group PostgreSQL from
# 10.30.0.0/16, or from a value known only after apply.
plan() {
	python3 - "$@" <<'EOF'
import json, sys
cidr = sys.argv[1]
unknown = "unknown" in sys.argv[2:]
indent = 2 if "indent" in sys.argv[2:] else None
def sg(addr, name, rules):
    return {"address": addr, "mode": "managed", "type": "aws_security_group", "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
            "values": {"name": name, "description": name, "egress": [], "revoke_rules_on_delete": False,
                       "tags": None, "timeouts": None, "ingress": [
                {"cidr_blocks": c, "description": "", "from_port": p, "to_port": p, "ipv6_cidr_blocks": [],
                 "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": False}
                for p, c in rules]}}
search = sg("aws_security_group.search", "search", [(22, [cidr])])
rule = {"address": "aws_security_group_rule.https", "mode": "managed", "type": "aws_security_group_rule",
        "name": "https", "values": {"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp",
                                    "cidr_blocks": ["0.0.0.0/0"], "self": False}}
db = sg("module.db.aws_security_group.db", "db", [(5432, None if unknown else ["10.30.0.0/16"])])
if unknown:
    del db["values"]["ingress"][0]["cidr_blocks"]
changes = [{"address": "aws_security_group_rule.https", "change": {"actions": ["create"],
            "after_unknown": {"id": True, "security_group_id": True}}}]
if unknown:
    changes.append({"address": "module.db.aws_security_group.db", "change": {"actions": ["update"],
                    "after_unknown": {"ingress": [{"cidr_blocks": True}]}}})
p = {"format_version": "1.2", "terraform_version": "1.7.5",
     "planned_values": {"root_module": {"resources": [search, rule],
                                        "child_modules": [{"address": "module.db", "resources": [db]}]}},
     "resource_changes": changes,
     "configuration": {"root_module": {"resources": [
         {"address": "aws_security_group_rule.https", "mode": "managed", "type": "aws_security_group_rule",
          "name": "https", "expressions": {"security_group_id": {"references": [
              "aws_security_group.search.id", "aws_security_group.search"]}}}],
         "module_calls": {"db": {"source": "./modules/db", "module": {"resources": []}}}}}}
print(json.dumps(p, indent=indent))
EOF
}

# Step: the module: SSH from var.admin_cidr, a CI secret with no default
# (an unknown, medium), HTTPS from everyone through a standalone rule (low).
put infra/main.tf <<'EOF'
variable "admin_cidr" {
  type = string
}

resource "aws_security_group" "search" {
  name        = "search"
  description = "search"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.search.id
}
EOF
commit "infra: search group"

# Step: CI commits its plan: admin_cidr resolved (a private /16), and the
# db module's group read from the plan (medium).
plan 10.20.0.0/16 > infra/tfplan.json
commit "ci: plan for the search group"

# Step: the plan regenerated, indented, same values: nothing.
plan 10.20.0.0/16 indent > infra/tfplan.json
commit "ci: plan regenerated"

# Step: the secret changed in CI: only the plan shows SSH from everywhere (high).
as "Rob Release"
plan 0.0.0.0/0 > infra/tfplan.json
commit "ci: plan with the new admin CIDR"

plan 10.20.0.0/16 > infra/tfplan.json
commit "ci: admin CIDR fixed"

# Step: the db module's source becomes known only after apply (medium
# unknown, never a guess).
plan 10.20.0.0/16 unknown > infra/tfplan.json
commit "ci: db clients from a new subnet"
