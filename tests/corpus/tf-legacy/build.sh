#!/usr/bin/env bash
# tf-legacy: a data team's Terraform written for 0.11 (interpolation
# strings, "list" types, ["${var.list}"]) with an azurerm NSG and GCP
# firewalls, later upgraded to 0.12 syntax and moved. Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Ines Data"
# Step: 0.11 syntax from the start. NSG: HTTPS from anywhere (low), SSH
# from the admin range (private), everything else denied at 4096 (so
# Azure's default VNet/load-balancer rules are shadowed). GCP: SSH from
# the admin ranges (private).
put analytics/variables.tf <<'EOF'
variable "prefix" {
  default = "analytics"
}

variable "location" {
  default = "westeurope"
}

variable "admin_cidr" {
  default = "10.20.0.0/16"
}

variable "gcp_admin_ranges" {
  type    = "list"
  default = ["10.128.0.0/9"]
}
EOF
put analytics/azure.tf <<'EOF'
resource "azurerm_resource_group" "rg" {
  name     = "${var.prefix}-rg"
  location = "${var.location}"
}

resource "azurerm_network_security_group" "nsg" {
  name                = "${var.prefix}-nsg"
  location            = "${azurerm_resource_group.rg.location}"
  resource_group_name = "${azurerm_resource_group.rg.name}"

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

  security_rule {
    name                       = "ssh-admin"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "${var.admin_cidr}"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-all-inbound"
    priority                   = 4096
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
EOF
put analytics/gcp.tf <<'EOF'
resource "google_compute_network" "vpc" {
  name                    = "${var.prefix}-vpc"
  auto_create_subnetworks = "false"
}

resource "google_compute_firewall" "ssh" {
  name    = "${var.prefix}-allow-ssh"
  network = "${google_compute_network.vpc.name}"

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["${var.gcp_admin_ranges}"]
}
EOF
commit "analytics: network for the reporting cluster (terraform 0.11)"

# Step: a standalone 0.11 rule: Kibana (admin port) from the admin range
# (private sources: medium).
put analytics/kibana.tf <<'EOF'
resource "azurerm_network_security_rule" "kibana" {
  name                        = "kibana-admin"
  priority                    = 120
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "5601"
  source_address_prefix       = "${var.admin_cidr}"
  destination_address_prefix  = "*"
  resource_group_name         = "${azurerm_resource_group.rg.name}"
  network_security_group_name = "${azurerm_network_security_group.nsg.name}"
}
EOF
commit "analytics: Kibana for the admins"

# Step: Elasticsearch from anywhere on GCP (critical).
as "Kai Contract"
put analytics/gcp-es.tf <<'EOF'
resource "google_compute_firewall" "es" {
  name    = "${var.prefix}-allow-es"
  network = "${google_compute_network.vpc.name}"

  allow {
    protocol = "tcp"
    ports    = ["9200", "9300"]
  }

  source_ranges = ["0.0.0.0/0"]
  target_tags   = ["es"]
}
EOF
commit "gcp: elasticsearch reachable for the dashboard vendor"

# Step: the fix: the same firewall, restricted to the reporting subnet.
as "Ines Data"
sed -i 's|source_ranges = \["0.0.0.0/0"\]|source_ranges = ["10.132.0.0/20"]|' analytics/gcp-es.tf
commit "gcp: elasticsearch only from the reporting subnet"

# Step: refactor. Upgrade every file to 0.12 syntax; same values.
put analytics/variables.tf <<'EOF'
variable "prefix" {
  type    = string
  default = "analytics"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "admin_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "gcp_admin_ranges" {
  type    = list(string)
  default = ["10.128.0.0/9"]
}
EOF
sed -i -E 's/"\$\{([^}]*)\}"/\1/g; s/\[\$\{var.gcp_admin_ranges\}\]/var.gcp_admin_ranges/' analytics/*.tf
sed -i 's/source_ranges = \[var.gcp_admin_ranges\]/source_ranges = var.gcp_admin_ranges/; s/auto_create_subnetworks = "false"/auto_create_subnetworks = false/' analytics/gcp.tf
commit "Upgrade to terraform 0.12 syntax"

# Step: refactor. The inline rules move out to azurerm_network_security_rule
# resources (joined to the NSG): same rule list.
python3 - analytics/azure.tf <<'EOF'
import re, sys
p = sys.argv[1]; s = open(p).read()
head, rest = s.split('resource "azurerm_network_security_group" "nsg" {', 1)
blocks = re.findall(r'  security_rule \{\n(.*?)\n  \}\n', rest, re.S)
out = head + '''resource "azurerm_network_security_group" "nsg" {
  name                = "${var.prefix}-nsg"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}
'''
for b in blocks:
    name = re.search(r'name\s*=\s*"([^"]+)"', b).group(1).replace("-", "_")
    out += '\nresource "azurerm_network_security_rule" "%s" {\n%s\n' % (name, b.replace("    ", "  "))
    out += '  resource_group_name         = azurerm_resource_group.rg.name\n'
    out += '  network_security_group_name = azurerm_network_security_group.nsg.name\n}\n'
open(p, "w").write(out)
EOF
commit "azure: one azurerm_network_security_rule per rule"

# Step: a partner's single public address on SQL Server (a specific public
# source on a data-store port: medium).
as "Kai Contract"
put analytics/partner.tf <<'EOF'
resource "azurerm_network_security_rule" "partner_sql" {
  name                        = "partner-sql"
  priority                    = 130
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "1433"
  source_address_prefix       = "81.2.69.160/32"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.rg.name
  network_security_group_name = azurerm_network_security_group.nsg.name
}
EOF
commit "azure: partner ETL host reaches SQL Server"

# Step: a GCP deny rule (narrowing only).
as "Ines Data"
put analytics/gcp-deny.tf <<'EOF'
resource "google_compute_firewall" "deny_telnet" {
  name     = "${var.prefix}-deny-telnet"
  network  = google_compute_network.vpc.name
  priority = 100

  deny {
    protocol = "tcp"
    ports    = ["23"]
  }

  source_ranges = ["0.0.0.0/0"]
}
EOF
commit "gcp: deny telnet explicitly"

# Step: tfvars widen the admin range to all of 10/8: SSH (low) and Kibana
# (admin port: medium) from more private sources, on Azure; GCP unchanged.
put analytics/terraform.tfvars <<'EOF'
admin_cidr = "10.0.0.0/8"
EOF
commit "Admin range: the whole corporate 10/8"

# Step: RDP from the Internet through the NSG (critical), written with a
# source list.
as "Kai Contract"
put analytics/rdp.tf <<'EOF'
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp-jump"
  priority                    = 140
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefixes     = ["Internet"]
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.rg.name
  network_security_group_name = azurerm_network_security_group.nsg.name
}
EOF
commit "azure: RDP jump for the Windows reporting box"

# Step: the fix: a deny of "Internet" at 135, in front of the allow at
# 140. In a deny, "Internet" is the public address space only: private
# sources still pass through rule 140, as they already did. Narrowing only.
as "Ines Data"
put analytics/rdp-deny.tf <<'EOF'
resource "azurerm_network_security_rule" "rdp_deny_internet" {
  name                        = "rdp-deny-internet"
  priority                    = 135
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.rg.name
  network_security_group_name = azurerm_network_security_group.nsg.name
}
EOF
commit "azure: deny RDP from the Internet in front of the jump rule"

# Step: refactor. The whole stack moves to infra/analytics/.
mv_ analytics infra/analytics
commit "Move analytics/ to infra/analytics/"

# Step: the GCP SSH firewall opened to the world via the variable default
# (high), while the tfvars file does not set it.
sed -i 's|  default = \["10.128.0.0/9"\]|  default = ["0.0.0.0/0"]|' infra/analytics/variables.tf
commit "gcp: SSH from anywhere while the IAP tunnel is down"

# Step: the revert.
sed -i 's|  default = \["0.0.0.0/0"\]|  default = ["10.128.0.0/9"]|' infra/analytics/variables.tf
commit "gcp: SSH back to the admin ranges"

# Step: the NSG and its rules are deleted while the subnet that uses it
# stays (declared here): a widening for the subnet (DW-NET-012, medium).
put infra/analytics/subnet.tf <<'EOF'
resource "azurerm_virtual_network" "vnet" {
  name                = "${var.prefix}-vnet"
  address_space       = ["10.40.0.0/16"]
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
}

resource "azurerm_subnet" "reporting" {
  name                 = "reporting"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.40.1.0/24"]
}

resource "azurerm_subnet_network_security_group_association" "reporting" {
  subnet_id                 = azurerm_subnet.reporting.id
  network_security_group_id = azurerm_network_security_group.nsg.id
}
EOF
commit "azure: attach the NSG to the reporting subnet"

as "Kai Contract"
rm_ infra/analytics/kibana.tf
rm_ infra/analytics/partner.tf
rm_ infra/analytics/rdp.tf
rm_ infra/analytics/rdp-deny.tf
python3 - infra/analytics/azure.tf infra/analytics/subnet.tf <<'EOF'
import sys
a, b = sys.argv[1], sys.argv[2]
s = open(a).read()
open(a, "w").write(s[:s.index('resource "azurerm_network_security_group"')])
s = open(b).read()
open(b, "w").write(s[:s.index('resource "azurerm_subnet_network_security_group_association"')])
EOF
commit "azure: drop the NSG, the firewall appliance filters now"

# Step: Kibana from instances tagged "bastion" (a GCP source tag: a named
# private source on an admin port keeps the admin grade: medium).
put infra/analytics/gcp-kibana.tf <<'EOF'
resource "google_compute_firewall" "kibana" {
  name    = "${var.prefix}-allow-kibana"
  network = google_compute_network.vpc.name

  allow {
    protocol = "tcp"
    ports    = ["5601"]
  }

  source_tags = ["bastion"]
  target_tags = ["kibana"]
}
EOF
commit "gcp: kibana from the bastion hosts"

# Step: a storage account for the exports, behind its firewall (the office
# range, a documentation range: not the Internet; Azure services bypass).
as "Ana Ops"
put infra/analytics/storage.tf <<'EOF'
resource "azurerm_storage_account" "exports" {
  name                     = "analyticsexports"
  resource_group_name      = "analytics"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"

  network_rules {
    default_action = "Deny"
    ip_rules       = ["198.51.100.0/24"]
    bypass         = ["AzureServices"]
  }
}
EOF
commit "azure: storage account for the exports"

# Step: the rules move to azurerm_storage_account_network_rules (no change).
as "Omar Cloud"
python3 - infra/analytics/storage.tf <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index("\n  network_rules {"); j = s.index("  }\n", i) + 4
s = s[:i] + s[j:]
s += '''
resource "azurerm_storage_account_network_rules" "exports" {
  storage_account_id = azurerm_storage_account.exports.id
  default_action     = "Deny"
  ip_rules           = ["198.51.100.0/24"]
  bypass             = ["AzureServices"]
}
'''
open(p, "w").write(s)
EOF
commit "azure: storage network rules as their own resource"

# Step: the default action opened while debugging a partner upload.
as "Sam Vendor"
sed -i 's/  default_action     = "Deny"/  default_action     = "Allow"/' infra/analytics/storage.tf
commit "azure: storage open while debugging the partner upload"
