#!/usr/bin/env bash
# tf-aws: a platform team's Terraform (0.12+) for AWS: per-environment
# directories with tfvars, a local module extracted from them, security
# groups with inline blocks, separate *_rule resources and the attribute
# list form, one aws_db_instance. Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Dana Platform"
# Step: nothing to judge yet.
put README.md <<'EOF'
# platform-infra
Terraform for the shop's AWS accounts. One directory per environment.
EOF
commit "Initial commit"

# Step: new groups. SSH from the office range (tfvars, private), the app
# port from the bastion group (a group reference: a named, private source).
put envs/staging/variables.tf <<'EOF'
variable "vpc_id" {
  type = string
}

variable "office_cidr" {
  type        = string
  description = "Office VPN range"
}
EOF
put envs/staging/terraform.tfvars <<'EOF'
vpc_id      = "vpc-0a1b2c3d"
office_cidr = "10.50.0.0/16"
EOF
put envs/staging/main.tf <<'EOF'
resource "aws_security_group" "bastion" {
  name        = "staging-bastion"
  description = "SSH jump host"
  vpc_id      = var.vpc_id

  ingress {
    description = "SSH from the office VPN"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.office_cidr]
  }
}

resource "aws_security_group" "app" {
  name   = "staging-app"
  vpc_id = var.vpc_id

  ingress {
    description     = "app port from the bastion"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }
}
EOF
commit "staging: bastion and app security groups"

# Step: a public load balancer on 80/443 (web ports to the Internet: low).
cat >> envs/staging/main.tf <<'EOF'

resource "aws_security_group" "alb" {
  name   = "staging-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
EOF
commit "staging: public load balancer group for HTTP and HTTPS"

# Step: refactor. Same rules: blocks reordered, resources reordered,
# alignment and descriptions changed, 443 written as a one-port range.
put envs/staging/main.tf <<'EOF'
# Security groups for the staging environment.

resource "aws_security_group" "alb" {
  name   = "staging-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port = 80
    to_port = 80
    protocol = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 443
    to_port = 443
    protocol = "tcp"
    ipv6_cidr_blocks = ["::/0"]
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  name   = "staging-app"
  vpc_id = var.vpc_id
  ingress {
    description     = "from bastion"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }
}

resource "aws_security_group" "bastion" {
  name        = "staging-bastion"
  description = "SSH jump host"
  vpc_id      = var.vpc_id
  ingress {
    description = "SSH (office)"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.office_cidr]
  }
}
EOF
commit "staging: reorder and reformat security groups"

# Step: refactor. One /16 written as its two /17 halves (a list variable
# now); the same addresses.
put envs/staging/variables.tf <<'EOF'
variable "vpc_id" {
  type = string
}

variable "office_cidrs" {
  type        = list(string)
  description = "Office VPN ranges"
}
EOF
put envs/staging/terraform.tfvars <<'EOF'
vpc_id       = "vpc-0a1b2c3d"
office_cidrs = ["10.50.0.0/17", "10.50.128.0/17"]
EOF
sed -i 's/cidr_blocks = \[var.office_cidr\]/cidr_blocks = var.office_cidrs/' envs/staging/main.tf
commit "staging: office range as two /17 halves"

# Step: module extraction. alb and app move into modules/web-sg and are
# called from staging with the same values: no rule changes.
put modules/web-sg/variables.tf <<'EOF'
variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "admin_sg_id" {
  type        = string
  description = "Group allowed to reach the app port directly"
}
EOF
put modules/web-sg/main.tf <<'EOF'
resource "aws_security_group" "alb" {
  name   = "${var.name}-alb"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "app" {
  name   = "${var.name}-app"
  vpc_id = var.vpc_id

  ingress {
    description     = "from the admin group"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [var.admin_sg_id]
  }
}
EOF
put modules/web-sg/outputs.tf <<'EOF'
output "alb_sg_id" {
  value = aws_security_group.alb.id
}

output "app_sg_id" {
  value = aws_security_group.app.id
}
EOF
put envs/staging/main.tf <<'EOF'
# Security groups for the staging environment.

module "web" {
  source      = "../../modules/web-sg"
  name        = "staging"
  vpc_id      = var.vpc_id
  admin_sg_id = aws_security_group.bastion.id
}

resource "aws_security_group" "bastion" {
  name        = "staging-bastion"
  description = "SSH jump host"
  vpc_id      = var.vpc_id
  ingress {
    description = "SSH (office)"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.office_cidrs
  }
}
EOF
commit "Extract the web security groups into modules/web-sg"

# Step: a second environment calling the module: new groups (web ports
# to the Internet, app port from a group), bastion SSH from a private range.
as "Omar Cloud"
put envs/prod/variables.tf <<'EOF'
variable "vpc_id" {
  type = string
}

variable "admin_cidrs" {
  type = list(string)
}

variable "app_subnets" {
  type    = list(string)
  default = ["10.2.10.0/24", "10.2.11.0/24"]
}
EOF
put envs/prod/terraform.tfvars <<'EOF'
vpc_id      = "vpc-0f9e8d7c"
admin_cidrs = ["10.60.0.0/16"]
EOF
put envs/prod/main.tf <<'EOF'
module "web" {
  source      = "../../modules/web-sg"
  name        = "prod"
  vpc_id      = var.vpc_id
  admin_sg_id = aws_security_group.bastion.id
}

resource "aws_security_group" "bastion" {
  name   = "prod-bastion"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.admin_cidrs
  }
}
EOF
commit "prod: environment with the web-sg module and a bastion"

# Step: a change to the shared module, judged at both call sites: the app
# port from a new private source (the VPC range each caller passes).
cat >> modules/web-sg/variables.tf <<'EOF'

variable "health_check_cidr" {
  type        = string
  description = "Where the load balancer health checks come from"
}
EOF
python3 - modules/web-sg/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''    security_groups = [var.admin_sg_id]
  }
''', '''    security_groups = [var.admin_sg_id]
  }

  ingress {
    description = "health checks"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [var.health_check_cidr]
  }
''')
open(p, "w").write(s)
EOF
sed -i 's|^  admin_sg_id = aws_security_group.bastion.id|&\n  health_check_cidr = "10.1.0.0/16"|' envs/staging/main.tf
sed -i 's|^  admin_sg_id = aws_security_group.bastion.id|&\n  health_check_cidr = "10.2.0.0/16"|' envs/prod/main.tf
commit "web-sg: allow load balancer health checks from the VPC"

# Step: widening to the Internet through tfvars only: SSH from anywhere.
as "Sam Vendor"
put envs/prod/terraform.tfvars <<'EOF'
vpc_id      = "vpc-0f9e8d7c"
admin_cidrs = ["0.0.0.0/0"]
EOF
commit "prod: open bastion SSH for the vendor's debugging session"

# Step: the revert (a narrowing, info only).
as "Omar Cloud"
put envs/prod/terraform.tfvars <<'EOF'
vpc_id      = "vpc-0f9e8d7c"
admin_cidrs = ["10.60.0.0/16"]
EOF
commit "Revert \"prod: open bastion SSH for the vendor's debugging session\""

# Step: a database group: PostgreSQL from the app subnets (data-store
# port, private sources: medium).
put envs/prod/db.tf <<'EOF'
resource "aws_security_group" "db" {
  name   = "prod-db"
  vpc_id = var.vpc_id

  ingress {
    description = "PostgreSQL from the app subnets"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.app_subnets
  }
}
EOF
commit "prod: database security group"

# Step: a partner's single public address on the data-store port: a
# specific public source, not the Internet (medium).
sed -i 's|    cidr_blocks = var.app_subnets|    cidr_blocks = concat(var.app_subnets, ["52.28.19.40/32"])|' envs/prod/db.tf
commit "prod: let the partner's reporting host read PostgreSQL"

# Step: the database instance itself, private.
cat >> envs/prod/db.tf <<'EOF'

resource "aws_db_instance" "orders" {
  identifier             = "prod-orders"
  engine                 = "postgres"
  instance_class         = "db.t3.medium"
  allocated_storage      = 50
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
}
EOF
commit "prod: orders database"

# Step: publicly accessible flag on (DW-SET-010, high).
as "Sam Vendor"
sed -i 's/publicly_accessible    = false/publicly_accessible    = true/' envs/prod/db.tf
commit "prod: make the orders database reachable for the data migration"

# Step: back off (safe, no finding).
as "Omar Cloud"
sed -i 's/publicly_accessible    = true/publicly_accessible    = false/' envs/prod/db.tf
commit "prod: orders database private again"

# Step: refactor into the attribute list form (ingress = [ {...} ]) with
# every attribute spelled out, as Terraform 0.12 requires: same rule.
as "Dana Platform"
python3 - envs/staging/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = s[s.index('resource "aws_security_group" "bastion"'):]
new = '''resource "aws_security_group" "bastion" {
  name        = "staging-bastion"
  description = "SSH jump host"
  vpc_id      = var.vpc_id
  ingress = [
    {
      description      = "SSH (office)"
      from_port        = 22
      to_port          = 22
      protocol         = "tcp"
      cidr_blocks      = var.office_cidrs
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    }
  ]
}
'''
open(p, "w").write(s.replace(old, new))
EOF
commit "staging: bastion ingress in attribute list form"

# Step: all protocols (unquoted -1) from the VPC range: every port, data
# stores included, from private sources (medium).
put envs/staging/nat.tf <<'EOF'
resource "aws_security_group" "nat" {
  name   = "staging-nat"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = -1
    cidr_blocks = ["10.1.0.0/16"]
  }
}
EOF
commit "staging: NAT instance accepts everything from the VPC"

# Step: refactor. The bastion rule moves to a separate
# aws_security_group_rule joined to its group: same exposure.
python3 - envs/staging/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = s[s.index('resource "aws_security_group" "bastion"'):]
new = '''resource "aws_security_group" "bastion" {
  name        = "staging-bastion"
  description = "SSH jump host"
  vpc_id      = var.vpc_id
}

resource "aws_security_group_rule" "bastion_ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.bastion.id
  description       = "SSH (office)"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = var.office_cidrs
}
'''
open(p, "w").write(s.replace(old, new))
EOF
commit "staging: bastion rule as a separate aws_security_group_rule"

# Step: a wide port range to the Internet (DW-NET-006, high).
as "Lee Perf"
put envs/staging/loadtest.tf <<'EOF'
resource "aws_security_group_rule" "loadtest" {
  type              = "ingress"
  security_group_id = aws_security_group.nat.id
  description       = "load generators"
  from_port         = 30000
  to_port           = 40000
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
EOF
commit "staging: open 30000-40000 for the load test"

# Step: the fix (narrowing).
rm_ envs/staging/loadtest.tf
commit "staging: close the load-test range"

# Step: ICMP from anywhere (DW-NET-005, low).
as "Dana Platform"
put envs/staging/icmp.tf <<'EOF'
resource "aws_security_group_rule" "icmp" {
  type              = "ingress"
  security_group_id = module.web.alb_sg_id
  description       = "path MTU discovery"
  from_port         = 3
  to_port           = 4
  protocol          = "icmp"
  cidr_blocks       = ["0.0.0.0/0"]
}
EOF
commit "staging: ICMP fragmentation-needed from anywhere"

# Step: a directory move of every environment: identity follows.
mv_ envs environments
commit "Rename envs/ to environments/"

# Step: the module moves too (callers updated in the same commit).
mv_ modules/web-sg modules/network/web-sg
sed -i 's|../../modules/web-sg|../../modules/network/web-sg|' environments/*/main.tf
commit "Move web-sg under modules/network/"

# Step: widening inside the module, seen at both call sites: MySQL from
# the world on the app group (critical, twice).
as "Sam Vendor"
python3 - modules/network/web-sg/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''  ingress {
    description = "health checks"''', '''  ingress {
    description = "reporting tool (temporary)"
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "health checks"''')
open(p, "w").write(s)
EOF
commit "web-sg: MySQL for the reporting tool"

# Step: the fix, in the module.
as "Omar Cloud"
python3 - modules/network/web-sg/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index('  ingress {\n    description = "reporting tool (temporary)"')
j = s.index('  ingress {\n    description = "health checks"')
open(p, "w").write(s[:i] + s[j:])
EOF
commit "web-sg: drop the MySQL rule"

# Step: documentation only.
echo "Modules live in modules/network/." >> README.md
commit "README: where the modules live"

# Step: a rule with no source (its range commented out: a no-op in AWS)
# beside MySQL from anywhere: the no-op adds nothing and hides nothing
# (critical).
as "Lee Perf"
put environments/staging/reporting.tf <<'EOF'
resource "aws_security_group" "reporting" {
  name   = "staging-reporting"
  vpc_id = var.vpc_id

  ingress {
    description = "TODO: office range once the VPN is up"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    # cidr_blocks = ["10.50.0.0/16"]
  }

  ingress {
    description = "MySQL for the BI tool"
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
EOF
commit "staging: reporting group for the BI tool"

# Step: the fix (narrowing).
sed -i 's|    cidr_blocks = \["0.0.0.0/0"\]|    cidr_blocks = ["10.50.0.0/16"]|' environments/staging/reporting.tf
commit "staging: BI tool through the VPN only"

# Step: a cache group whose rule has a known part (anywhere) and an
# unknown part (a group id from remote state): the known part is a lower
# bound and is reported (critical), the unknown part too (medium).
put environments/staging/cache.tf <<'EOF'
data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "shop-tfstate"
    key    = "network/terraform.tfstate"
    region = "eu-central-1"
  }
}

resource "aws_security_group" "cache" {
  name   = "staging-cache"
  vpc_id = var.vpc_id

  ingress {
    description     = "Redis"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    cidr_blocks     = ["0.0.0.0/0"]
    security_groups = [data.terraform_remote_state.network.outputs.workers_sg_id]
  }
}
EOF
commit "staging: redis group for the workers"

# Step: the fix: only the workers' group (unknown remains, nothing wider).
sed -i '/    cidr_blocks     = \["0.0.0.0\/0"\]/d' environments/staging/cache.tf
commit "staging: redis only from the workers"

# Step: a sample call with documentation addresses (RFC 5737): not the
# Internet, and not private either: PostgreSQL from them is medium.
as "Dana Platform"
put examples/basic/main.tf <<'EOF'
# Example: a database group for a small setup. Replace the ranges.
resource "aws_security_group" "example_db" {
  name = "example-db"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["198.51.100.0/24", "203.0.113.0/24"]
  }
}
EOF
commit "examples: a basic database group"

# Step: a webhook receiver open to the payment provider's one address on
# HTTPS: a specific public source on a web port (low).
as "Omar Cloud"
put environments/prod/webhook.tf <<'EOF'
resource "aws_security_group" "webhook" {
  name   = "prod-webhook"
  vpc_id = var.vpc_id

  ingress {
    description = "payment provider callbacks"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["52.59.71.20/32"]
  }
}
EOF
commit "prod: webhook receiver for the payment provider"

# Step: refactor. The prod bastion's inline rule becomes an
# aws_vpc_security_group_ingress_rule per range (the provider's newer
# resource): same exposure.
python3 - environments/prod/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
old = s[s.index('resource "aws_security_group" "bastion"'):]
new = '''resource "aws_security_group" "bastion" {
  name   = "prod-bastion"
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH from the admin range"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidrs[0]
}
'''
open(p, "w").write(s.replace(old, new))
EOF
commit "prod: bastion rule as aws_vpc_security_group_ingress_rule"

# Step: SSH over IPv6 from anywhere (high).
as "Sam Vendor"
cat >> environments/prod/main.tf <<'EOF'

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh_v6" {
  security_group_id = aws_security_group.bastion.id
  description       = "SSH over IPv6 for the vendor"
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = "::/0"
}
EOF
commit "prod: bastion SSH over IPv6 for the vendor"

# Step: the revert.
as "Omar Cloud"
python3 - environments/prod/main.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
open(p, "w").write(s[:s.index('\nresource "aws_vpc_security_group_ingress_rule" "bastion_ssh_v6"')])
EOF
commit "prod: no IPv6 SSH on the bastion"

# Step: an internal load balancer for the API, its group open on 443 to the
# world (the group is the finding; internal, the load balancer opens nothing).
as "Ana Ops"
put environments/staging/api_lb.tf <<'EOF'
resource "aws_security_group" "api_lb" {
  name   = "staging-api-lb"
  vpc_id = var.vpc_id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "api" {
  name            = "staging-api"
  internal        = true
  security_groups = [aws_security_group.api_lb.id]
  subnets         = var.private_subnets
}

resource "aws_lb_listener" "api_https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/api"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1"
  }
}
EOF
commit "staging: internal load balancer for the API"

# Step: the load balancer faces the Internet (internal = false).
as "Sam Vendor"
sed -i 's/  internal        = true/  internal        = false/' environments/staging/api_lb.tf
commit "staging: API load balancer faces the Internet"

# Step: the listener moves to a file of its own (no change).
as "Omar Cloud"
python3 - environments/staging/api_lb.tf environments/staging/api_listeners.tf <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
s = open(src).read()
i = s.index('\nresource "aws_lb_listener" "api_https"')
open(dst, "w").write(s[i + 1:])
open(src, "w").write(s[:i])
EOF
commit "staging: load balancer listeners in their own file"

# Step: a managed node group whose SSH key has no source groups: port 22
# from the Internet (high).
as "Sam Vendor"
put environments/staging/nodes.tf <<'EOF'
resource "aws_eks_node_group" "workers" {
  cluster_name    = "staging"
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/staging-nodes"
  subnet_ids      = var.private_subnets

  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 1
  }

  remote_access {
    ec2_ssh_key = "staging-ops"
  }
}
EOF
commit "staging: node group with SSH access"

# Step: SSH only from the bastion's group.
as "Omar Cloud"
sed -i 's/    ec2_ssh_key = "staging-ops"/    ec2_ssh_key               = "staging-ops"\n    source_security_group_ids = [aws_security_group.api_lb.id]/' environments/staging/nodes.tf
commit "staging: node group SSH from the load balancer group only"
