#!/usr/bin/env bash
# bicep: an Azure team's Bicep templates: an NSG with values from a
# .bicepparam, its rules moved into a loop, an Elasticsearch NSG through
# a local module, a SQL server's firewall rules with parent:, a directory
# move. Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

# rule NAME PRIORITY PORT SOURCE-EXPRESSION: one securityRules entry.
rule() {
	cat <<EOF
      {
        name: '$1'
        properties: {
          priority: $2
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: $4
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '$3'
        }
      }
EOF
}

# web_plain: the web tier's NSG, rules written out.
web_plain() {
	cat <<EOF
@description('Where administrators connect from')
param adminSource string
param location string = resourceGroup().location

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'shop-web-nsg'
  location: location
  properties: {
    securityRules: [
$(rule https 100 443 "'*'")
$(rule ssh 110 22 adminSource)
    ]
  }
}
EOF
}

# search_main SOURCE: the search tier calls the shared NSG module.
search_main() {
	cat <<EOF
param cluster string = 'logs'

module nsg '../modules/nsg.bicep' = {
  name: '\${cluster}-nsg'
  params: {
    name: 'search-\${cluster}-nsg'
    rules: [
      { name: 'es-http', priority: 100, port: '9200', source: '$1' }
      { name: 'es-transport', priority: 110, port: '9300', source: '10.20.0.0/16' }
    ]
  }
}
EOF
}

put README.md <<'EOF'
# shop-infra

Bicep templates for the shop's Azure resources.
EOF
commit "Initial commit"

# Step: the web NSG. HTTPS from anywhere (low); SSH from a parameter the
# .bicepparam sets to a private range (low).
web_plain | put web/main.bicep
put web/main.bicepparam <<'EOF'
using './main.bicep'

param adminSource = '10.0.0.0/8'
EOF
commit "web: NSG in Bicep"

# Step: refactor. The rules come from a loop over a variable: same rules.
put web/main.bicep <<'EOF'
@description('Where administrators connect from')
param adminSource string
param location string = resourceGroup().location

var rules = [
  { name: 'https', priority: 100, port: '443', source: '*' }
  { name: 'ssh', priority: 110, port: '22', source: adminSource }
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'shop-web-nsg'
  location: location
  properties: {
    securityRules: [for r in rules: {
      name: r.name
      properties: {
        priority: r.priority
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: r.source
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: r.port
      }
    }]
  }
}
EOF
commit "web: rules from a loop over a variable"

# Step: the parameters file alone opens SSH to everyone (high).
sed -i "s#'10.0.0.0/8'#'0.0.0.0/0'#" web/main.bicepparam
commit "web: SSH from everywhere for the contractor"

# Step: back to the VPN range (a narrowing).
sed -i "s#'0.0.0.0/0'#'10.8.0.0/16'#" web/main.bicepparam
commit "web: SSH from the VPN only"

# Step: the shared NSG module, and the search tier calling it. The module
# read by itself has no name for its NSG (info), and rules only its
# callers give (unknown, low).
put modules/nsg.bicep <<'EOF'
@description('The NSG to deploy')
param name string
@description('Inbound TCP rules: name, priority, port, source')
param rules array

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: name
  location: resourceGroup().location
  properties: {
    securityRules: [for r in rules: {
      name: r.name
      properties: {
        priority: r.priority
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: r.source
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: r.port
      }
    }]
  }
}

output id string = nsg.id
EOF
search_main 10.20.0.0/16 | put search/main.bicep
commit "search: Elasticsearch NSG through the shared module"

# Step: the caller opens 9200 to everyone (critical, at the module's rule).
search_main '*' | put search/main.bicep
commit "search: open 9200 for the index migration"

search_main 10.20.0.0/16 | put search/main.bicep
commit "search: close 9200 again"

# Step: a directory move: the identities follow the NSG names.
mv_ web templates/web
commit "Move web/ under templates/"

# Step: an Azure SQL server with a firewall rule for the reporting SaaS,
# attached with parent: (public data store).
put data/sql.bicep <<'EOF'
resource sql 'Microsoft.Sql/servers@2022-05-01-preview' = {
  name: 'shop-orders-sql'
  location: resourceGroup().location
  properties: {
    administratorLogin: 'orders'
  }
}

resource saas 'Microsoft.Sql/servers/firewallRules@2022-05-01-preview' = {
  parent: sql
  name: 'reporting-saas'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}
EOF
commit "data: SQL reachable for the reporting SaaS"

# Step: only the SaaS egress address (a narrowing).
sed -i "s/startIpAddress: '0.0.0.0'/startIpAddress: '203.0.113.10'/; s/endIpAddress: '255.255.255.255'/endIpAddress: '203.0.113.10'/" data/sql.bicep
commit "data: SQL only from the SaaS egress address"
