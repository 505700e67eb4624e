#!/usr/bin/env bash
# test_terraform.sh - Terraform modules through the real git path: each
# resource type exposing, safe, refactored without effect and malformed,
# checking rule ids, severities and file:line in the JSON output; the
# work tree, --files and audit go through the same module reading.
. "$(dirname "$0")/lib.sh"

# diffc NAME MESSAGE: commits the repo and diffs HEAD~1..HEAD as JSON.
diffc() {
	commit "$repo" "$2"
	dw diff -C "$repo" HEAD~1 HEAD --format json
}

# diffv REPO MESSAGE: the same with -v, where a check looks at the
# narrowing's info finding too.
diffv() {
	commit "$repo" "$2"
	dw diff -C "$repo" HEAD~1 HEAD --format json -v
}

# ---- aws_security_group, inline ingress ---------------------------------
repo=$(new_repo aws)
mkdir -p "$repo/infra/net"
cat > "$repo/infra/net/main.tf" <<'EOF'
variable "office" {
  default = "203.0.113.0/24"
}

locals {
  private = ["10.0.0.0/8"]
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = concat(local.private, [var.office])
  }
}
EOF
commit "$repo" "base"

cat > "$repo/infra/net/main.tf" <<'EOF'
variable "office" {
  default = "203.0.113.0/24"
}

locals {
  private = ["10.0.0.0/8"]
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = concat(local.private, [var.office])
  }

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
EOF
diffc "$repo" "open ssh to the world"
status_is "aws sg: ssh opened, exit 1" 1
json_check "aws sg: DW-NET-003 high at infra/net/main.tf:19 on tf:infra/net:aws_security_group.web" \
	"[(x['rule'],x['severity'],x['file'],x['line'],x['resource']) for x in f] == [('DW-NET-003','high','infra/net/main.tf',19,'tf:infra/net:aws_security_group.web')] and f[0]['after']=='tcp/22 from 0.0.0.0/0'"

# Refactor only: the group moves to another file, its blocks are
# reordered, 0.0.0.0/0 becomes two halves, the office CIDR goes through a
# local and the list through flatten/toset.
rm "$repo/infra/net/main.tf"
cat > "$repo/infra/net/vars.tf" <<'EOF'
variable "office" {
  default = "203.0.113.0/24"
}
locals {
  private = ["10.0.0.0/8"]
  halves  = ["0.0.0.0/1", "128.0.0.0/1"]
  office  = "${var.office}"
}
EOF
cat > "$repo/infra/net/sg.tf" <<'EOF'
resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = local.halves
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "6"
    cidr_blocks = toset(flatten([local.private, [local.office]]))
  }
}
EOF
diffc "$repo" "move, reorder, split the CIDR"
status_is "aws sg: refactor only, exit 0" 0
json_check "aws sg: moving between files, reordering, splitting a CIDR: no finding" "f == []"

# Narrowed: info only.
sed -i 's/local.halves/["192.168.0.0\/16"]/' "$repo/infra/net/sg.tf"
diffv "$repo" "ssh private only"
json_check "aws sg: narrowing is DW-NET-900 info" "[x['rule'] for x in f] == ['DW-NET-900'] and f[0]['severity']=='info'"

# ---- aws_security_group_rule joined by reference, unknowns --------------
cat > "$repo/infra/net/rules.tf" <<'EOF'
variable "admin_cidr" {
  type = string
}

resource "aws_security_group_rule" "es" {
  type              = "ingress"
  from_port         = 9200
  to_port           = 9200
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "admin" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = [var.admin_cidr]
  security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "out" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}
EOF
diffc "$repo" "rules in their own resources"
status_is "sg rules: exit 1" 1
json_check "sg rule: 9200 from anywhere is DW-NET-001 critical at rules.tf:5, joined to the group" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['file']=='infra/net/rules.tf' and x['line']==5 and x['resource']=='tf:infra/net:aws_security_group.web' for x in f)"
json_check "sg rule: var with no default is DW-EVAL-001 naming it, at rules.tf:19" \
	"any(x['rule']=='DW-EVAL-001' and 'cidr_blocks is var.admin_cidr, no default' in x['message'] and x['file']=='infra/net/rules.tf' and x['line']==19 for x in f)"
json_check "sg rule: the egress rule adds nothing; exactly two findings" "len(f) == 2"

# tfvars: terraform.tfvars gives admin_cidr; an *.auto.tfvars overrides it.
printf 'admin_cidr = "10.1.0.0/16"\n' > "$repo/infra/net/terraform.tfvars"
diffc "$repo" "admin cidr from terraform.tfvars"
json_check "tfvars: the variable is known now: a private widening, no unknown" \
	"[x['rule'] for x in f] == ['DW-NET-011']"
printf 'admin_cidr = "81.2.0.0/16"\n' > "$repo/infra/net/zz.auto.tfvars"
diffv "$repo" "auto.tfvars overrides"
json_check "tfvars: *.auto.tfvars overrides terraform.tfvars: ssh from 81.2.0.0/16 (DW-NET-003) at rules.tf:14" \
	"sorted((x['rule'],x['widened'],x['line']) for x in f) == [('DW-NET-003','tcp/22 from 81.2.0.0/16',14), ('DW-NET-900','tcp/22 from 10.1.0.0/16',1)]"
printf 'admin_cidr = "0.0.0.0/0"\n' > "$repo/infra/net/prod.tfvars"
diffv "$repo" "a -var-file that disagrees"
json_check "tfvars: a plain .tfvars that disagrees makes the variable unknown, naming the file" \
	"sorted(x['rule'] for x in f) == ['DW-EVAL-001','DW-NET-900'] and any('var.admin_cidr, set in prod.tfvars' in x['message'] for x in f)"
git -C "$repo" rm -q infra/net/prod.tfvars
commit "$repo" "drop prod.tfvars"

# A group reference that is not a resource of the module: its own resource.
cat > "$repo/infra/net/ext.tf" <<'EOF'
resource "aws_security_group_rule" "ext" {
  type              = "ingress"
  from_port         = 6379
  to_port           = 6379
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-0123456789abcdef0"
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv6         = "::/0"
}
EOF
diffc "$repo" "a rule for a group outside the module"
json_check "unresolved group: the rule is a resource of its own (redis, critical)" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='tf:infra/net:aws_security_group_rule.ext' for x in f)"
json_check "aws_vpc_security_group_ingress_rule joins the group: postgres from ::/0 at ext.tf:10" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='tf:infra/net:aws_security_group.web' and x['line']==10 and x['file']=='infra/net/ext.tf' and '::/0' in x['after'] for x in f)"

# Malformed: one file of the module does not parse.
printf 'resource "aws_security_group" "broken" {\n  ingress {\n    from_port = \n' > "$repo/infra/net/broken.tf"
diffc "$repo" "a syntax error"
status_is "malformed .tf: exit 1" 1
json_check "malformed .tf: DW-PARSE-001 at broken.tf with a line, nothing else" \
	"[(x['rule'],x['file']) for x in f] == [('DW-PARSE-001','infra/net/broken.tf')] and f[0]['line'] > 0"
printf 'resource "aws_security_group_rule" "x" {\n  type = "ingress"\n  from_port = 22\n  to_port = 22\n  protocol = "tcp"\n  cidr_blocks = ["300.0.0.0/8"]\n}\n' > "$repo/infra/net/broken.tf"
diffc "$repo" "a bad CIDR"
json_check "bad CIDR: only that rule is unknown (DW-EVAL-001 at broken.tf:6), the module is read" \
	"[(x['rule'],x['line']) for x in f if x['file']=='infra/net/broken.tf'] == [('DW-EVAL-001',6)] and '300.0.0.0/8' in str(f) and not any(x['rule'].startswith('DW-PARSE') for x in f)"
git -C "$repo" rm -q infra/net/broken.tf
commit "$repo" "fixed"

# Work tree: an untracked .tf in the module directory is read from disk.
cat > "$repo/infra/net/wip.tf" <<'EOF'
resource "aws_security_group_rule" "wip" {
  type              = "ingress"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}
EOF
dw diff -C "$repo" --format json
json_check "work tree: an untracked .tf joins its module (RDP, DW-NET-001 at wip.tf:1)" \
	"[(x['rule'],x['file'],x['line']) for x in f] == [('DW-NET-001','infra/net/wip.tf',1)]"
rm "$repo/infra/net/wip.tf"

# --files: the file alone is the module.
mkdir -p "$WORK/files"
printf 'resource "aws_security_group" "a" {\n}\n' > "$WORK/files/old.tf"
printf 'resource "aws_security_group" "a" {\n  ingress {\n    from_port = 27017\n    to_port = 27017\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n' > "$WORK/files/new.tf"
dw diff --files "$WORK/files/old.tf" "$WORK/files/new.tf" --format json
json_check "--files: two .tf files compare as one module (MongoDB, DW-NET-001 at line 2)" \
	"[(x['rule'],x['line']) for x in f] == [('DW-NET-001',2)]"

# ---- azurerm ------------------------------------------------------------
repo=$(new_repo azure)
cat > "$repo/nsg.tf" <<'EOF'
resource "azurerm_network_security_group" "app" {
  name                = "app"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
EOF
commit "$repo" "base"
cat > "$repo/rule.tf" <<'EOF'
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  priority                    = 200
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.app.name
}
EOF
diffc "$repo" "rdp from the Internet"
json_check "azurerm: RDP from Internet is DW-NET-001 critical at rule.tf:1 on the NSG" \
	"[(x['rule'],x['severity'],x['file'],x['line'],x['resource']) for x in f] == [('DW-NET-001','critical','rule.tf',1,'tf:.:azurerm_network_security_group.app')]"
cat > "$repo/deny.tf" <<'EOF'
resource "azurerm_network_security_rule" "deny_rdp" {
  name                        = "deny-rdp"
  priority                    = 150
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_ranges     = ["3389", "3390"]
  source_address_prefix       = "*"
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = azurerm_network_security_group.app.name
}
EOF
diffv "$repo" "deny rdp before the allow"
json_check "azurerm: a deny at a lower priority number shuts it: only DW-NET-900" \
	"[x['rule'] for x in f] == ['DW-NET-900']"
sed -i 's/destination_port_range     = "443"/destination_port_range     = "0-65535"/' "$repo/nsg.tf"
commit "$repo" "all ports"
sed -i 's/destination_port_range     = "0-65535"/destination_port_range     = "*"/' "$repo/nsg.tf"
diffc "$repo" "0-65535 written as *"
json_check "azurerm: 0-65535 rewritten as * is no finding" "f == []"

# ---- google_compute_firewall -------------------------------------------
repo=$(new_repo gcp)
cat > "$repo/net.tf" <<'EOF'
resource "google_compute_network" "vpc" {
  name = "vpc"
}

resource "google_compute_firewall" "web" {
  name    = "web"
  network = google_compute_network.vpc.name
  allow {
    protocol = "tcp"
    ports    = ["80", "443"]
  }
  source_ranges = ["0.0.0.0/0"]
}
EOF
commit "$repo" "base"
cat > "$repo/fw.tf" <<'EOF'
resource "google_compute_firewall" "ssh" {
  name          = "ssh"
  network       = google_compute_network.vpc.self_link
  priority      = 900
  source_ranges = ["0.0.0.0/0"]
  source_tags   = ["bastion"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "off" {
  name     = "off"
  network  = google_compute_network.vpc.name
  disabled = true
  allow {
    protocol = "all"
  }
}
EOF
diffc "$repo" "ssh from anywhere"
json_check "gcp: ssh from anywhere is DW-NET-003 at fw.tf:7 on the network; the disabled rule adds nothing" \
	"[(x['rule'],x['file'],x['line'],x['resource']) for x in f] == [('DW-NET-003','fw.tf',7,'tf:.:google_compute_network.vpc')]"
cat > "$repo/deny.tf" <<'EOF'
resource "google_compute_firewall" "no_ssh" {
  name          = "no-ssh"
  network       = google_compute_network.vpc.name
  priority      = 900
  source_ranges = ["0.0.0.0/0"]
  deny {
    protocol = "tcp"
  }
}
EOF
diffv "$repo" "deny at equal priority"
json_check "gcp: a deny at equal priority wins: ssh from the Internet narrowed" \
	"[x['rule'] for x in f] == ['DW-NET-900'] and 'tcp/22 from 0.0.0.0/0' not in f[0]['message'].split('now:')[-1]"
printf 'resource "google_compute_firewall" "bad" {\n  network = "default"\n  allow {\n    protocol = "tcp"\n    ports = ["http"]\n  }\n}\n' > "$repo/bad.tf"
diffc "$repo" "a bad port"
json_check "gcp: a port that is not one makes that rule unknown: DW-EVAL-001 at bad.tf:5" \
	"[(x['rule'],x['file'],x['line']) for x in f] == [('DW-EVAL-001','bad.tf',5)]"

# ---- aws_network_acl ----------------------------------------------------
repo=$(new_repo nacl)
cat > "$repo/acl.tf" <<'EOF'
resource "aws_network_acl" "main" {
  vpc_id = "vpc-1"
  ingress {
    rule_no    = 100
    action     = "deny"
    protocol   = "tcp"
    from_port  = 9200
    to_port    = 9300
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}
EOF
commit "$repo" "base"
cat > "$repo/rule.tf" <<'EOF'
resource "aws_network_acl_rule" "es" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 50
  egress         = false
  protocol       = "6"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 9200
  to_port        = 9200
}

resource "aws_network_acl_rule" "out" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 10
  egress         = true
  protocol       = "-1"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
}
EOF
diffc "$repo" "allow 9200 before the deny"
json_check "nacl: a lower rule number allowing 9200 wins over the deny: DW-NET-001 at rule.tf:1" \
	"[(x['rule'],x['file'],x['line'],x['after']) for x in f] == [('DW-NET-001','rule.tf',1,'tcp/9200 from 0.0.0.0/0')]"

# ---- settings-style exposure ---------------------------------------------
repo=$(new_repo settings)
cat > "$repo/db.tf" <<'EOF'
variable "public" {}

resource "aws_db_instance" "main" {
  engine              = "postgres"
  publicly_accessible = false
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = "logs"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "azurerm_storage_account" "sa" {
  name                          = "sa"
  public_network_access_enabled = false
}

resource "aws_opensearch_domain" "logs" {
  domain_name = "logs"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "es:*"
      Resource  = "${aws_opensearch_domain.logs.arn}/*"
    }]
  })
}

resource "aws_elasticsearch_domain" "vpc" {
  domain_name = "vpc"
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
  access_policies = <<POLICY
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*"}]}
POLICY
}
EOF
commit "$repo" "base"
sed -i 's/publicly_accessible = false/publicly_accessible = true/; s/restrict_public_buckets = true/restrict_public_buckets = false/; s/public_network_access_enabled = false/public_network_access_enabled = true/; s/Principal = { AWS = "arn:aws:iam::123456789012:root" }/Principal = { AWS = ["*"] }/' "$repo/db.tf"
diffc "$repo" "everything public"
status_is "settings: exit 1" 1
json_check "settings: RDS public (DW-SET-010 high, db.tf:5), S3 block (DW-SET-012, :13), storage open to the Internet (DW-NET-004, :18), open policy (DW-SET-011 critical, :23)" \
	"sorted((x['rule'],x['severity'],x['line']) for x in f) == [('DW-NET-004','low',18),('DW-SET-010','high',5),('DW-SET-011','critical',23),('DW-SET-012','high',13)] and all(x['file']=='db.tf' for x in f)"
sed -i 's/"Principal": "\*", "Action": "es:\*"}/"Principal": "*", "Action": "es:*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0\/8"]}}}/' "$repo/db.tf"
sed -i '/vpc_options {/,/^  }/d' "$repo/db.tf"
diffc "$repo" "the domain leaves its VPC, with an IP condition"
json_check "settings: a search domain whose policy has an IP condition is no finding" "f == []"
sed -i 's/, "Condition": {"IpAddress": {"aws:SourceIp": \["10.0.0.0\/8"\]}}//' "$repo/db.tf"
diffc "$repo" "the IP condition dropped outside a VPC"
json_check "settings: Principal * with no IP condition outside a VPC is DW-SET-011 at the heredoc" \
	"[(x['rule'],x['resource']) for x in f] == [('DW-SET-011','tf:.:aws_elasticsearch_domain.vpc')]"
sed -i 's/publicly_accessible = true/publicly_accessible = var.public/' "$repo/db.tf"
diffc "$repo" "unknown"
json_check "settings: publicly_accessible from a variable with no default is DW-EVAL-001 at db.tf:5" \
	"[(x['rule'],x['line']) for x in f] == [('DW-EVAL-001',5)] and 'var.public, no default' in f[0]['message']"

# ---- audit --------------------------------------------------------------
dw audit -C "$WORK/aws" --format json
json_check "audit: the Terraform history's findings, ssh and elasticsearch among them" \
	"{'DW-NET-003','DW-NET-001','DW-EVAL-001','DW-PARSE-001'} <= {x['rule'] for x in f}"

# ---- surface ----------------------------------------------------------------
dw surface -C "$WORK/gcp" HEAD~1
case "$OUT" in
*"tf:.:google_compute_network.vpc  net.tf:1"*"allows: tcp/22 from gcp-tag:bastion") ok "surface: the GCP network: the tcp deny at 900 leaves only the bastion tag's ssh" ;;
*) not_ok "surface: the GCP network: the tcp deny at 900 leaves only the bastion tag's ssh" "$OUT" "$ERR" ;;
esac
dw surface -C "$WORK/gcp" HEAD
case "$OUT" in
*"bad.tf:1"*"unknown (line 5)"*"expected a port or range"*) ok "surface: a malformed rule is an unknown at its line, the rest is read" ;;
*) not_ok "surface: a malformed rule is an unknown at its line, the rest is read" "$OUT" "$ERR" ;;
esac

# ---- EKS endpoint, publicly-accessible flags, DB security groups ---------
repo=$(new_repo surfaces)
cat > "$repo/eks.tf" <<'EOF'
resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::111111111111:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-1", "subnet-2"]
    endpoint_private_access = true
    endpoint_public_access  = false
  }
}
EOF
cat > "$repo/dw.tf" <<'EOF'
resource "aws_redshift_cluster" "dw" {
  cluster_identifier  = "dw"
  node_type           = "ra3.xlplus"
  publicly_accessible = false
}
EOF
commit "$repo" "private endpoints"
sed -i 's/endpoint_public_access  = false/endpoint_public_access  = true/' "$repo/eks.tf"
sed -i '/publicly_accessible/d' "$repo/dw.tf"
commit "$repo" "public endpoint, redshift flag dropped"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "eks: the public endpoint (default 0.0.0.0/0) is the API server from the Internet, DW-NET-001 at eks.tf:4" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['resource']=='tf:.:aws_eks_cluster.main' and x['line']==4 and 'Kubernetes API server' in x['message'] for x in f)"
json_check "redshift: dropping publicly_accessible = false takes the default (true): DW-SET-010" \
	"any(x['rule']=='DW-SET-010' and x['resource']=='tf:.:aws_redshift_cluster.dw' for x in f)"
cat > "$repo/eks.tf" <<'EOF'
resource "aws_eks_cluster" "main" {
  role_arn = "arn:aws:iam::111111111111:role/eks"
  name     = "main"
  vpc_config {
    endpoint_public_access  = true
    endpoint_private_access = true
    public_access_cidrs     = ["0.0.0.0/0"]
    subnet_ids              = ["subnet-1", "subnet-2"]
  }
}
EOF
commit "$repo" "spell the default out"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "eks: writing the default public_access_cidrs out changes nothing" "f == []"
sed -i 's|\["0.0.0.0/0"\]|["203.0.113.0/24"]|' "$repo/eks.tf"
commit "$repo" "office only"
dw diff -C "$repo" HEAD~1 HEAD --format json -v
json_check "eks: limited to the office: an info narrowing only" \
	"[(x['rule'],x['severity']) for x in f] == [('DW-NET-900','info')]"
sed -i 's|\["203.0.113.0/24"\]|var.api_cidrs|' "$repo/eks.tf"
commit "$repo" "cidrs from a variable"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "eks: cidrs from a variable with no value: DW-EVAL-001 naming it, no widening claimed" \
	"[x['rule'] for x in f if x['rule']!='DW-NET-900'] == ['DW-EVAL-001'] and 'var.api_cidrs' in json.dumps(f)"
cat > "$repo/legacy.tf" <<'EOF'
resource "aws_db_security_group" "legacy" {
  name = "legacy"
  ingress {
    cidr = "0.0.0.0/0"
  }
}
EOF
commit "$repo" "legacy db group"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "db security group: 0.0.0.0/0 reaches the DB's port, every TCP port: DW-NET-002 at legacy.tf:3" \
	"[(x['rule'],x['line']) for x in f] == [('DW-NET-002',3)]"

# ---- service firewalls: Azure SQL, Cloud SQL ------------------------------
repo=$(new_repo svcfw)
cat > "$repo/sql.tf" <<'EOF'
resource "azurerm_mssql_firewall_rule" "office" {
  name             = "office"
  server_id        = azurerm_mssql_server.main.id
  start_ip_address = "203.0.113.0"
  end_ip_address   = "203.0.113.255"
}

resource "google_sql_database_instance" "pg" {
  name             = "pg"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24"
      }
    }
  }
}
EOF
commit "$repo" "office only"
sed -i 's/"203.0.113.255"/"255.255.255.255"/; s/"203.0.113.0"$/"0.0.0.0"/' "$repo/sql.tf"
sed -i 's|value = "203.0.113.0/24"|value = "0.0.0.0/0"|' "$repo/sql.tf"
commit "$repo" "open both"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "service firewalls: SQL Server and PostgreSQL from the Internet, DW-NET-001 at sql.tf:1 and sql.tf:15" \
	"sorted((x['rule'],x['line'],x['after']) for x in f) == [('DW-NET-001',1,'tcp/1433 from 0.0.0.0/0'),('DW-NET-001',15,'tcp/5432 from 0.0.0.0/0')]"
sed -i 's/name             = "office"/name             = "everyone"/' "$repo/sql.tf"
commit "$repo" "rename the rule"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "service firewalls: renaming the rule changes nothing" "f == []"
sed -i 's/ipv4_enabled = true/ipv4_enabled = false/' "$repo/sql.tf"
commit "$repo" "no public ip"
dw diff -C "$repo" HEAD~1 HEAD --format json -v
json_check "cloud sql: the public address off narrows: info only" \
	"[(x['rule'],x['resource']) for x in f] == [('DW-NET-900','tf:.:google_sql_database_instance.pg')]"

# ---- aws_lb and its listeners -------------------------------------------
repo=$(new_repo lb)
cat > "$repo/lb.tf" <<'EOF'
variable "extra_sg" {}

resource "aws_security_group" "lb" {
  name = "lb"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 9200
    to_port     = 9200
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_lb" "search" {
  name            = "search"
  internal        = true
  security_groups = [aws_security_group.lb.id]
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.search.arn
  port              = 443
  protocol          = "HTTPS"
}

resource "aws_lb_listener" "es" {
  load_balancer_arn = aws_lb.search.arn
  port              = 9200
  protocol          = "HTTP"
}
EOF
commit "$repo" "internal load balancer"
sed -i 's/internal        = true/internal        = false/' "$repo/lb.tf"
diffc "$repo" "the load balancer faces the Internet"
json_check "aws_lb: internet-facing opens listener 443 to the Internet (DW-NET-004 at lb.tf:25), 9200 to the group's 10/8 only" \
	"sorted((x['rule'],x['resource'],x['line'],x['after']) for x in f) == [('DW-NET-004','tf:.:aws_lb.search',25,'tcp/443 from 0.0.0.0/0'),('DW-NET-010','tf:.:aws_lb.search',31,'tcp/9200 from 10.0.0.0/8')]"
sed -i 's|cidr_blocks = \["10.0.0.0/8"\]|cidr_blocks = ["0.0.0.0/0"]|' "$repo/lb.tf"
diffc "$repo" "the group opens 9200 to everyone"
json_check "aws_lb: the group widened reaches the listener: DW-NET-001 on the load balancer too" \
	"sorted((x['rule'],x['resource']) for x in f) == [('DW-NET-001','tf:.:aws_lb.search'),('DW-NET-001','tf:.:aws_security_group.lb')]"
# The listeners moved to a file of their own, in the other order.
sed -n '/^resource "aws_lb_listener" "es"/,/^}/p' "$repo/lb.tf" > "$repo/listeners.tf"
sed -n '/^resource "aws_lb_listener" "https"/,/^}/p' "$repo/lb.tf" >> "$repo/listeners.tf"
sed -i '/^resource "aws_lb_listener"/,/^}/d' "$repo/lb.tf"
diffc "$repo" "listeners in their own file"
json_check "aws_lb: listeners moved to another file and reordered: no finding" "f == []"
sed -i '/^resource "aws_lb_listener" "es"/,/^}/d' "$repo/listeners.tf"
diffv "$repo" "the 9200 listener removed"
json_check "aws_lb: removing a listener narrows: info only" \
	"[(x['rule'],x['resource'],x['severity']) for x in f] == [('DW-NET-900','tf:.:aws_lb.search','info')]"
sed -i 's/security_groups = \[aws_security_group.lb.id\]/security_groups = [var.extra_sg]/' "$repo/lb.tf"
diffv "$repo" "groups from a variable"
json_check "aws_lb: security groups from a variable without a default are a named unknown, not a widening" \
	"not [x for x in f if x['rule'].startswith('DW-NET-0')] and any('var.extra_sg' in json.dumps(x) for x in f)"

# ---- aws_eks_node_group remote_access ------------------------------------
repo=$(new_repo nodegroup)
cat > "$repo/eks.tf" <<'EOF'
resource "aws_security_group" "bastion" {
  name = "bastion"
}

resource "aws_eks_node_group" "workers" {
  cluster_name  = "prod"
  node_role_arn = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids    = ["subnet-1"]
  remote_access {
    ec2_ssh_key               = "ops"
    source_security_group_ids = [aws_security_group.bastion.id]
  }
}
EOF
commit "$repo" "ssh from the bastion"
sed -i '/source_security_group_ids/d' "$repo/eks.tf"
diffc "$repo" "ssh from anywhere"
json_check "node group: an SSH key without source groups opens 22 to the Internet (DW-NET-003 at eks.tf:9)" \
	"[(x['rule'],x['resource'],x['line'],x['after']) for x in f] == [('DW-NET-003','tf:.:aws_eks_node_group.workers',9,'tcp/22 from 0.0.0.0/0')]"
sed -i 's/ec2_ssh_key               = "ops"/ec2_ssh_key = "ops"/' "$repo/eks.tf"
diffc "$repo" "reformat"
json_check "node group: reformatting changes nothing" "f == []"
sed -i '/remote_access {/,/^  }/d' "$repo/eks.tf"
diffv "$repo" "no ssh"
json_check "node group: remote_access removed narrows: info only" \
	"[(x['rule'],x['severity']) for x in f] == [('DW-NET-900','info')]"
sed -i 's|subnet_ids    = \["subnet-1"\]|subnet_ids    = ["subnet-1"]\n  remote_access {\n    ec2_ssh_key               = "ops"\n    source_security_group_ids = var.ssh_sources\n  }|' "$repo/eks.tf"
printf 'variable "ssh_sources" {}\n' > "$repo/vars.tf"
diffv "$repo" "ssh sources from a variable"
json_check "node group: source groups not known are a named unknown, not a widening" \
	"not [x for x in f if x['rule'].startswith('DW-NET-0')] and any('var.ssh_sources' in json.dumps(x) for x in f)"

# ---- azurerm storage account network_rules -------------------------------
repo=$(new_repo storage)
cat > "$repo/storage.tf" <<'EOF'
resource "azurerm_storage_account" "logs" {
  name                     = "logs"
  account_tier             = "Standard"
  account_replication_type = "LRS"

  network_rules {
    default_action = "Deny"
    ip_rules       = ["203.0.113.0/24"]
    bypass         = ["AzureServices"]
  }
}
EOF
commit "$repo" "storage behind its firewall"
sed -i '/network_rules {/,/^  }/d' "$repo/storage.tf"
diffc "$repo" "network rules dropped"
json_check "storage: no network_rules is Allow from everywhere (DW-NET-004 at storage.tf:1)" \
	"[(x['rule'],x['resource'],x['line'],x['after']) for x in f] == [('DW-NET-004','tf:.:azurerm_storage_account.logs',1,'tcp/443 from 0.0.0.0/0, ::/0, azure-tag:AzureServices')]"
cat >> "$repo/storage.tf" <<'EOF'

resource "azurerm_storage_account_network_rules" "logs" {
  storage_account_id = azurerm_storage_account.logs.id
  default_action     = "Deny"
  ip_rules           = ["203.0.113.0/24"]
}
EOF
diffv "$repo" "the rules written apart"
json_check "storage: azurerm_storage_account_network_rules replaces the default Allow: a narrowing, info only" \
	"[(x['rule'],x['severity']) for x in f] == [('DW-NET-900','info')]"
sed -i 's|ip_rules           = \["203.0.113.0/24"\]|ip_rules           = ["203.0.113.0/25", "203.0.113.128/25"]|' "$repo/storage.tf"
diffc "$repo" "split the range"
json_check "storage: splitting an ip_rules range in two changes nothing" "f == []"
sed -i 's|default_action     = "Deny"|default_action     = var.action|' "$repo/storage.tf"
printf 'variable "action" {}\n' > "$repo/vars.tf"
diffv "$repo" "default_action from a variable"
json_check "storage: a default_action not known is a named unknown, not a widening" \
	"not [x for x in f if x['rule'].startswith('DW-NET-0')] and any('var.action' in json.dumps(x) for x in f)"

# ---- classic aws_elb -----------------------------------------------------
repo=$(new_repo elb)
cat > "$repo/elb.tf" <<'EOF'
resource "aws_elb" "legacy" {
  name               = "legacy"
  availability_zones = ["eu-west-1a", "eu-west-1b"]

  listener {
    lb_port           = 443
    lb_protocol       = "https"
    instance_port     = 8443
    instance_protocol = "https"
  }
}
EOF
commit "$repo" "classic ELB on 443"
cat > "$repo/elb.tf" <<'EOF'
resource "aws_elb" "legacy" {
  name               = "legacy"
  availability_zones = ["eu-west-1a", "eu-west-1b"]

  listener {
    lb_port           = 9200
    lb_protocol       = "http"
    instance_port     = 9200
    instance_protocol = "http"
  }

  listener {
    lb_port           = 443
    lb_protocol       = "https"
    instance_port     = 8443
    instance_protocol = "https"
  }
}
EOF
diffc "$repo" "classic ELB forwards Elasticsearch"
json_check "aws_elb: a listener on 9200 in the default VPC is open to the Internet (DW-NET-001 at elb.tf:5)" \
	"[(x['rule'],x['resource'],x['line']) for x in f] == [('DW-NET-001','tf:.:aws_elb.legacy',5)]"
python3 - "$repo/elb.tf" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
a = s.index("  listener {"); b = s.index("  }\n", a) + 4
c = s.index("  listener {", b); d = s.index("  }\n", c) + 4
open(p, "w").write(s[:a] + s[c:d] + "\n" + s[a:b] + s[d:])
EOF
diffc "$repo" "listeners reordered"
json_check "aws_elb: listeners reordered: no finding" "f == []"
sed -i 's/  availability_zones = \["eu-west-1a", "eu-west-1b"\]/  subnets            = ["subnet-1"]/' "$repo/elb.tf"
diffv "$repo" "into a VPC"
json_check "aws_elb: moved into subnets without groups: from the Internet no more (DW-NET-900), only the VPC default group (a named source)" \
	"any(x['rule']=='DW-NET-900' for x in f) and not any(x['rule'] in ('DW-NET-001','DW-NET-002','DW-NET-003','DW-NET-004','DW-NET-006') for x in f) and all(x['after'].endswith('aws-sg:vpc-default') for x in f if x['rule'] in ('DW-NET-010','DW-NET-011'))"
sed -i 's/    lb_port           = 9200/    lb_port           = var.port/' "$repo/elb.tf"
printf 'variable "port" {}\n' > "$repo/vars.tf"
diffv "$repo" "port from a variable"
json_check "aws_elb: a listener port not known is a named unknown" \
	"not [x for x in f if x['rule'].startswith('DW-NET-0')] and any('var.port' in json.dumps(x) for x in f)"

done_testing
