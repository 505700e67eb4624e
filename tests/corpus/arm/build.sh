#!/usr/bin/env bash
# arm: Azure quick-start style templates (azuredeploy.json beside
# azuredeploy.parameters.json), parameters with and without defaults,
# variables, property and resource copy loops, a VNet whose subnet
# references the NSG; renames, directory moves, two templates naming the
# same NSG moving together, a name that becomes an expression, a teardown.
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

# rules: reads "NAME PRIORITY ACCESS PORT SOURCE" lines, prints the
# securityRules entries of an NSG (inbound TCP, or * when PORT is *).
rules() {
	awk 'NF == 5 {
		proto = ($4 == "*") ? "*" : "Tcp"
		if (n++) printf ",\n"
		printf "          {\"name\": \"%s\", \"properties\": {\"priority\": %s, \"direction\": \"Inbound\", \"access\": \"%s\", \"protocol\": \"%s\",\n", $1, $2, $3, proto
		printf "            \"sourceAddressPrefix\": \"%s\", \"sourcePortRange\": \"*\", \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"%s\"}}", $5, $4
	} END { printf "\n" }'
}

# web_template NSG-NAME VNET-NAME < rule lines: the web quick start: an
# NSG and a VNet whose subnet uses it; SSH source is a parameter without
# default (the parameters file sets it).
web_template() {
	local body
	body=$(rules)
	cat <<EOF
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "allowedSshSource": {"type": "string", "metadata": {"description": "Range allowed to SSH in"}}
  },
  "variables": {
    "nsgName": "$1",
    "vnetName": "$2"
  },
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "[variables('nsgName')]",
      "location": "[parameters('location')]",
      "properties": {
        "securityRules": [
$body
        ]
      }
    },
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2023-04-01",
      "name": "[variables('vnetName')]",
      "location": "[parameters('location')]",
      "dependsOn": ["[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]"],
      "properties": {
        "addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
        "subnets": [
          {"name": "web", "properties": {"addressPrefix": "10.10.1.0/24",
            "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]"}}}
        ]
      }
    }
  ]
}
EOF
}

# es_template NAME-EXPRESSION < rule lines: the search cluster's NSG,
# quick-start style without a deny-all (Azure's default rules apply).
es_template() {
	local body
	body=$(rules)
	cat <<EOF
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "clusterName": {"type": "string"$2}
  },
  "resources": [
    {
      // one NSG for every node of the cluster
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "$1",
      "location": "[resourceGroup().location]",
      "properties": {
        "securityRules": [
$body
        ]
      }
    }
  ]
}
EOF
}

params() { # params NAME=VALUE...: an azuredeploy.parameters.json
	local first=1 kv
	printf '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n'
	printf '  "contentVersion": "1.0.0.0",\n  "parameters": {\n'
	for kv in "$@"; do
		[ $first = 1 ] || printf ',\n'
		first=0
		printf '    "%s": {"value": "%s"}' "${kv%%=*}" "${kv#*=}"
	done
	printf '\n  }\n}\n'
}

WEB_RULES="https 100 Allow 443 *
ssh 110 Allow 22 [parameters('allowedSshSource')]
deny-all-inbound 4096 Deny * *"

as "Noor Azure"
put README.md <<'EOF'
# azure-quickstarts
Our ARM templates, deployed with `az deployment group create`.
EOF
commit "Initial commit"

# Step: the web quick start. HTTPS from anywhere (low); SSH from a
# parameter without default, set by the parameters file beside the
# template to a private range (low); deny-all at 4096 shadows Azure's
# default rules.
mkdir -p web
web_template web-nsg web-vnet <<< "$WEB_RULES" > web/azuredeploy.json
params allowedSshSource=10.10.0.0/16 > web/azuredeploy.parameters.json
commit "web: NSG and VNet quick start"

# Step: refactor. The rules come from a property copy loop over an array
# parameter with the same entries: same rule list.
python3 - web/azuredeploy.json <<'EOF'
import json, re, sys
p = sys.argv[1]; t = json.load(open(p))
nsg = t["resources"][0]
entries = []
for r in nsg["properties"].pop("securityRules"):
    q = r["properties"]
    entries.append({"name": r["name"], "priority": q["priority"], "access": q["access"],
                    "protocol": q["protocol"], "source": q["sourceAddressPrefix"],
                    "port": q["destinationPortRange"]})
t["parameters"]["securityRules"] = {"type": "array", "defaultValue": entries}
it = "[parameters('securityRules')[copyIndex('securityRules')].%s]"
nsg["properties"]["copy"] = [{
    "name": "securityRules",
    "count": "[length(parameters('securityRules'))]",
    "input": {"name": it % "name", "properties": {
        "priority": it % "priority", "direction": "Inbound", "access": it % "access",
        "protocol": it % "protocol", "sourceAddressPrefix": it % "source", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": it % "port"}}}]
s = json.dumps(t, indent=2)
# the array parameter's default cannot hold an expression: SSH's source
# comes from the parameters file through a variable-free literal instead
s = s.replace('"source": "[parameters(\'allowedSshSource\')]"', '"source": "10.10.0.0/16"')
open(p, "w").write(s + "\n")
EOF
commit "web: security rules from a copy loop"

# Step: HTTP for the redirect, one more array entry (web port: low).
python3 - web/azuredeploy.json <<'EOF'
import json, sys
p = sys.argv[1]; t = json.load(open(p))
t["parameters"]["securityRules"]["defaultValue"].insert(1, {"name": "http", "priority": 105,
    "access": "Allow", "protocol": "Tcp", "source": "*", "port": "80"})
open(p, "w").write(json.dumps(t, indent=2) + "\n")
EOF
commit "web: HTTP for the HTTPS redirect"

# Step: back to plain rules (refactor; HTTP stays).
web_template web-nsg web-vnet > web/azuredeploy.json <<'EOF'
https 100 Allow 443 *
http 105 Allow 80 *
ssh 110 Allow 22 [parameters('allowedSshSource')]
deny-all-inbound 4096 Deny * *
EOF
commit "web: plain security rules again, the loop confused reviewers"

# Step: the parameters file widens SSH to all of 10/8 (low).
params allowedSshSource=10.0.0.0/8 > web/azuredeploy.parameters.json
commit "web: SSH from the whole corporate network"

# Step: a resource copy loop: one NSG per database tier, SQL Server from
# the app subnet (data-store port, private: medium).
as "Jon Db"
put data/azuredeploy.json <<'EOF'
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "appSubnet": {"type": "string", "defaultValue": "10.10.1.0/24"}
  },
  "variables": {
    "tiers": ["orders", "ledger"]
  },
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "[concat(variables('tiers')[copyIndex()], '-sql-nsg')]",
      "location": "[resourceGroup().location]",
      "copy": {"name": "tierLoop", "count": "[length(variables('tiers'))]"},
      "properties": {
        "securityRules": [
          {"name": "sql-from-app", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": "[parameters('appSubnet')]", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "1433"}},
          {"name": "deny-all-inbound", "properties": {"priority": 4096, "direction": "Inbound", "access": "Deny", "protocol": "*",
            "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}}
        ]
      }
    }
  ]
}
EOF
commit "data: one SQL NSG per tier"

# Step: refactor: the data templates move under templates/.
mv_ data/azuredeploy.json templates/data/azuredeploy.json
commit "Move data/ under templates/"

# Step: SQL Server from the Internet on every tier (critical).
sed -i 's|"sourceAddressPrefix": "\[parameters(.appSubnet.)\]"|"sourceAddressPrefix": "Internet"|' templates/data/azuredeploy.json
commit "data: SQL reachable for the reporting SaaS"

# Step: narrowed to the SaaS egress address (narrowing only).
sed -i 's|"sourceAddressPrefix": "Internet"|"sourceAddressPrefix": "20.50.8.12"|' templates/data/azuredeploy.json
commit "data: SQL only from the SaaS egress address"

mkdir -p search
# Step: the search cluster: Elasticsearch from one subnet (medium) and
# SSH from a /16 (low); no deny-all, so Azure's default rules (VNet and
# load balancer tags, all ports) come with the new NSG: private, low or
# medium by the ports, inside the labels of the same file.
as "Eva Search"
es_template es-nsg ', "defaultValue": "search"' > search/azuredeploy.json <<'EOF'
es-http 100 Allow 9200 10.0.1.0/24
ssh 200 Allow 22 10.0.0.0/16
EOF
commit "search: Elasticsearch cluster NSG"

# Step: refactor: rules renumbered, order kept; the /16 as two /17s.
es_template es-nsg ', "defaultValue": "search"' > search/azuredeploy.json <<'EOF'
es-http 1000 Allow 9200 10.0.1.0/24
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "search: renumber rules, split the admin range"

# Step: Elasticsearch from any source (critical).
es_template es-nsg ', "defaultValue": "search"' > search/azuredeploy.json <<'EOF'
es-http 1000 Allow 9200 *
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "search: open 9200 for the index migration"

# Step: the fix.
es_template es-nsg ', "defaultValue": "search"' > search/azuredeploy.json <<'EOF'
es-http 1000 Allow 9200 10.0.1.0/24
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "search: close 9200 again"

# Step: the NSG's name becomes an expression over a parameter without
# default: rules identical, the same NSG (nothing widened).
es_template "[concat(parameters('clusterName'), '-nsg')]" '' > search/azuredeploy.json <<'EOF'
es-http 1000 Allow 9200 10.0.1.0/24
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "search: NSG name from the cluster name"

# Step: a rename of the template file.
mv_ search/azuredeploy.json search/cluster.json
commit "search: rename azuredeploy.json to cluster.json"

# Step: 9200 allowed from any source behind a higher-priority deny of
# "Internet": in a deny that is the public space only, so private sources
# outside 10.0.1.0/24 now pass (data-store port, private: medium).
es_template "[concat(parameters('clusterName'), '-nsg')]" '' > search/cluster.json <<'EOF'
es-deny-internet 900 Deny 9200 Internet
es-http 1000 Allow 9200 *
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "search: allow 9200 from anywhere but the Internet"

# Step: the DR copy of the web quick start: a second template naming its
# NSG web-nsg too. New: HTTPS/HTTP from anywhere (low), SSH from the
# parameters file's private range (low).
as "Noor Azure"
mkdir -p web-dr
web_template web-nsg web-dr-vnet > web-dr/azuredeploy.json <<'EOF'
https 100 Allow 443 *
http 105 Allow 80 *
ssh 110 Allow 22 [parameters('allowedSshSource')]
deny-all-inbound 4096 Deny * *
EOF
params allowedSshSource=10.20.0.0/16 > web-dr/azuredeploy.parameters.json
commit "web-dr: the web quick start for the DR region"

# Step: both templates naming web-nsg move together, with their
# parameters files.
mv_ web regions/westeurope/web
mv_ web-dr regions/northeurope/web
commit "Move the web templates under regions/"

# Step: a deny in front of SSH for one range (narrowing only).
web_template web-nsg web-vnet > regions/westeurope/web/azuredeploy.json <<'EOF'
https 100 Allow 443 *
http 105 Allow 80 *
deny-guest-wifi 108 Deny 22 10.99.0.0/16
ssh 110 Allow 22 [parameters('allowedSshSource')]
deny-all-inbound 4096 Deny * *
EOF
commit "web: keep the guest Wi-Fi out of SSH"

# Step: the DR region is torn down: its template (NSG and the VNet whose
# subnet it protected) and parameters deleted whole: a teardown.
rm_ regions/northeurope
commit "Retire the DR region"

# Step: the NSG is removed from the westeurope template while the VNet
# and its subnet stay (medium: what it protected is no longer filtered).
python3 - regions/westeurope/web/azuredeploy.json <<'EOF'
import json, sys
p = sys.argv[1]; t = json.load(open(p))
t["resources"] = [r for r in t["resources"] if r["type"] != "Microsoft.Network/networkSecurityGroups"]
vnet = t["resources"][0]
vnet.pop("dependsOn")
vnet["properties"]["subnets"][0]["properties"].pop("networkSecurityGroup")
t["variables"].pop("nsgName")
open(p, "w").write(json.dumps(t, indent=2) + "\n")
EOF
commit "web: drop the NSG, Azure Firewall filters the VNet now"

# Step: a partner's single public address on SQL Server (medium).
as "Jon Db"
python3 - templates/data/azuredeploy.json <<'EOF'
import json, sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''          {"name": "deny-all-inbound"''', '''          {"name": "sql-from-partner", "properties": {"priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourceAddressPrefix": "52.174.33.9/32", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "1433"}},
          {"name": "deny-all-inbound"''')
open(p, "w").write(s)
EOF
commit "data: partner ETL address on SQL Server"

# Step: RDP from any source on the search cluster (critical).
as "Eva Search"
es_template "[concat(parameters('clusterName'), '-nsg')]" '' > search/cluster.json <<'EOF'
es-deny-internet 900 Deny 9200 Internet
es-http 1000 Allow 9200 *
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
rdp-jump 1200 Allow 3389 *
EOF
commit "search: RDP for the Windows jump box"

# Step: the revert.
es_template "[concat(parameters('clusterName'), '-nsg')]" '' > search/cluster.json <<'EOF'
es-deny-internet 900 Deny 9200 Internet
es-http 1000 Allow 9200 *
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
EOF
commit "Revert \"search: RDP for the Windows jump box\""

# Step: a second SSH range from another private network (low).
es_template "[concat(parameters('clusterName'), '-nsg')]" '' > search/cluster.json <<'EOF'
es-deny-internet 900 Deny 9200 Internet
es-http 1000 Allow 9200 *
ssh-a 1100 Allow 22 10.0.0.0/17
ssh-b 1110 Allow 22 10.0.128.0/17
ssh-ops 1120 Allow 22 192.168.50.0/24
EOF
commit "search: SSH from the ops network"

echo "Templates per region live in regions/." >> README.md
commit "README: regions"
