#!/usr/bin/env bash
# test_terraform_modules.sh - Terraform module calls through the real git
# path, on a repository laid out as teams do (envs/*/ calling a shared
# modules/ directory, one nested module, a registry module): a change to
# the shared module judged at every call site under the caller's
# identity, a call's argument narrowing one site only, extracting inline
# rules into a module, and calls that cannot be followed named as unknowns.
. "$(dirname "$0")/lib.sh"

diffc() {
	commit "$repo" "$1"
	dw diff -C "$repo" HEAD~1 HEAD --format json
}

repo=$(new_repo modules)
mkdir -p "$repo/modules/sg" "$repo/modules/sg/rules" "$repo/envs/prod" "$repo/envs/staging"
cat > "$repo/modules/sg/variables.tf" <<'EOF'
variable "name" {
  type = string
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "app_port" {
  type    = number
  default = 8080
}
EOF
cat > "$repo/modules/sg/main.tf" <<'EOF'
resource "aws_security_group" "this" {
  name = var.name

  ingress {
    description = "ssh for admins"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}

module "app_rule" {
  source   = "./rules"
  group_id = aws_security_group.this.id
  port     = var.app_port
}
EOF
cat > "$repo/modules/sg/rules/main.tf" <<'EOF'
variable "group_id" {}
variable "port" {}

resource "aws_security_group_rule" "app" {
  type              = "ingress"
  security_group_id = var.group_id
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = ["10.20.0.0/16"]
}
EOF
cat > "$repo/envs/prod/main.tf" <<'EOF'
module "bastion" {
  source      = "../../modules/sg"
  name        = "prod-bastion"
  admin_cidrs = var.admin_cidrs
}
EOF
cat > "$repo/envs/prod/variables.tf" <<'EOF'
variable "admin_cidrs" {
  default = ["192.168.10.0/24"]
}
EOF
cat > "$repo/envs/staging/main.tf" <<'EOF'
module "bastion" {
  source = "../../modules/sg"
  name   = "staging-bastion"
}
EOF
commit "$repo" "base"

dw surface -C "$repo" HEAD
case "$OUT" in
*"tf:envs/prod:module.bastion.aws_security_group.this  modules/sg/main.tf:1"*"allows: tcp/22 from 192.168.10.0/24"*)
	ok "surface: a call's argument is bound to the module's variable, under the caller's identity" ;;
*) not_ok "surface: a call's argument is bound to the module's variable, under the caller's identity" "$OUT" "$ERR" ;;
esac
case "$OUT" in
*"tf:envs/staging:module.bastion.aws_security_group.this"*"allows: tcp/22 from 10.0.0.0/8"*)
	ok "surface: without the argument the variable's default applies" ;;
*) not_ok "surface: without the argument the variable's default applies" "$OUT" "$ERR" ;;
esac
case "$OUT" in
*"tf:envs/"*"module.bastion.module.app_rule.aws_security_group_rule.app"*)
	not_ok "surface: a nested module's rule joins the group the caller passed" "$OUT" ;;
*) ok "surface: a nested module's rule is not a resource of its own (no stray identity)" ;;
esac
dw surface -C "$repo" HEAD --format json
json_check "surface: no unknown, no parse failure anywhere" \
	"'could not' not in json.dumps(d)"

# The shared module's default widens: both call sites that use it are judged.
sed -i 's|default = \["10.0.0.0/8"\]|default = ["0.0.0.0/0"]|' "$repo/modules/sg/variables.tf"
diffc "widen the module default"
status_is "module default widened: exit 1" 1
json_check "module default widened: staging (default) is DW-NET-003 at modules/sg/main.tf:4; prod (argument) is unchanged" \
	"[(x['rule'],x['resource'],x['file'],x['line']) for x in f] == [('DW-NET-003','tf:envs/staging:module.bastion.aws_security_group.this','modules/sg/main.tf',4)]"

# The nested module's port changes: judged at both call sites of the outer module.
sed -i 's|default = 8080|default = 6379|' "$repo/modules/sg/variables.tf"
sed -i 's|\["10.20.0.0/16"\]|["0.0.0.0/0"]|' "$repo/modules/sg/rules/main.tf"
diffc "open redis in the nested module"
json_check "nested module: redis from anywhere at both sites, each on its own identity" \
	"sorted((x['rule'],x['resource']) for x in f if x['rule']=='DW-NET-001') == [('DW-NET-001','tf:envs/prod:module.bastion.aws_security_group.this'),('DW-NET-001','tf:envs/staging:module.bastion.aws_security_group.this')]"
json_check "nested module: finding ids differ per call site" \
	"len({x['id'] for x in f if x['rule']=='DW-NET-001'}) == 2"

# The caller narrows its own argument: only that site moves, as a narrowing.
sed -i 's|192.168.10.0/24|192.168.10.0/28|' "$repo/envs/prod/variables.tf"
commit "$repo" "narrow prod"
dw diff -C "$repo" HEAD~1 HEAD --format json -v
status_is "caller narrows: exit 0" 0
json_check "caller narrows: only an info narrowing on prod" \
	"[(x['rule'],x['resource']) for x in f] == [('DW-NET-900','tf:envs/prod:module.bastion.aws_security_group.this')]"

# Reformatting the module changes nothing anywhere.
sed -i 's|^  name = var.name$|  name        = var.name|' "$repo/modules/sg/main.tf"
printf '\n# owned by the platform team\n' >> "$repo/modules/sg/variables.tf"
diffc "reformat the module"
status_is "module reformatted: exit 0" 0
json_check "module reformatted: no finding" "f == []"

# A registry module: not readable offline, named with its network inputs.
cat > "$repo/envs/prod/registry.tf" <<'EOF'
module "web_sg" {
  source  = "terraform-aws-modules/security-group/aws"
  version = "5.1.0"

  name                = "web"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp"]
  tags                = { team = "web" }
}
EOF
diffc "add a registry module"
json_check "registry module: DW-EVAL-001 on tf:envs/prod:module.web_sg naming its source and network inputs" \
	"[(x['rule'],x['resource'],x['line']) for x in f] == [('DW-EVAL-001','tf:envs/prod:module.web_sg',1)] and 'terraform-aws-modules/security-group/aws' in f[0]['message'] and 'ingress_cidr_blocks, ingress_rules' in f[0]['message'] and 'tags' not in f[0]['message']"

# A vendored copy of it in the repository is read instead.
mkdir -p "$repo/envs/prod/.terraform/modules/web_sg"
cat > "$repo/envs/prod/.terraform/modules/web_sg/main.tf" <<'EOF'
variable "name" {}
variable "ingress_cidr_blocks" {
  default = []
}
resource "aws_security_group" "this" {
  name = var.name
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.ingress_cidr_blocks
  }
}
EOF
diffc "vendor the registry module"
json_check "vendored module: read; https from the Internet on its own identity, the unknown gone" \
	"any(x['resource']=='tf:envs/prod:module.web_sg.aws_security_group.this' and 'tcp/443 from 0.0.0.0/0' in x['message'] for x in f) and not any(x['rule']=='DW-EVAL-001' for x in f)"

# A local source that holds no Terraform files is an unknown, not silence.
cat > "$repo/envs/staging/cache.tf" <<'EOF'
module "cache" {
  source        = "../../modules/redis"
  allowed_cidrs = ["0.0.0.0/0"]
}
EOF
diffc "call a module that is not there"
json_check "missing local module: DW-EVAL-001 naming the directory and its network input" \
	"[(x['rule'],x['resource']) for x in f] == [('DW-EVAL-001','tf:envs/staging:module.cache')] and 'modules/redis' in f[0]['message'] and 'allowed_cidrs' in f[0]['message']"

# ---- extracting inline rules into a module ------------------------------
repo=$(new_repo extract)
mkdir -p "$repo/net"
cat > "$repo/net/main.tf" <<'EOF'
resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
EOF
commit "$repo" "inline"
mkdir -p "$repo/modules/db"
cat > "$repo/modules/db/main.tf" <<'EOF'
variable "cidrs" {}
resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.cidrs
  }
}
EOF
cat > "$repo/net/main.tf" <<'EOF'
module "db" {
  source = "../modules/db"
  cidrs  = ["10.0.0.0/16", "0.0.0.0/0"]
}
EOF
diffc "extract into a module and widen"
json_check "module extraction with a widening: postgres from the Internet on tf:net:module.db.aws_security_group.db" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='tf:net:module.db.aws_security_group.db' and x['file']=='modules/db/main.tf' for x in f)"
dw audit -C "$repo" --format json
json_check "audit: the same finding through the history walk" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='tf:net:module.db.aws_security_group.db' for x in f)"

done_testing
