#!/usr/bin/env bash
# test_bicep.sh - Bicep templates through history, as an Azure team keeps
# them: an NSG module called from main.bicep with values from
# main.bicepparam. A source opened to the Internet is found (in the
# template, in the parameters file alone, and through the module); a
# narrowing is no finding; moving rules into a loop and renaming a
# variable change nothing; a value only the deployment knows is an
# unknown, never a guess; a change to the module alone is judged at its
# caller; a syntax error is "could not be analysed" at its line; a module
# calling itself is refused.
. "$(dirname "$0")/lib.sh"

repo=$(new_repo bicep)
mkdir -p "$repo/infra/modules"

# The module: an NSG whose rules come from its caller.
cat > "$repo/infra/modules/nsg.bicep" <<'BICEP'
@description('The NSG to deploy')
param name string
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
        access: r.?access ?? 'Allow'
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
BICEP

# main.bicep: the app tier's NSG, written out, and the data tier's through the module.
main() { # main SEARCH-SOURCE
	cat <<BICEP
param env string = 'prod'
param adminSource string

var prefix = 'shop-\${env}'

resource app 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: '\${prefix}-app'
  location: resourceGroup().location
  properties: {
    securityRules: [
      {
        name: 'https'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '443'
        }
      }
      {
        name: 'ssh'
        properties: {
          priority: 110
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: adminSource
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '22'
        }
      }
    ]
  }
}

module data 'modules/nsg.bicep' = {
  name: 'data-nsg'
  params: {
    name: '\${prefix}-data'
    rules: [
      { name: 'search', priority: 100, port: '9200', source: '$1' }
    ]
  }
}
BICEP
}

main 10.20.0.0/16 > "$repo/infra/main.bicep"
printf "using './main.bicep'\nparam adminSource = '10.0.0.0/8'\n" > "$repo/infra/main.bicepparam"
commit "$repo" "shop tier"
dw surface -C "$repo" --format json
# (The module is also read by itself, its name then a parameter with no value.)
json_check "surface: both NSGs read, SSH from the parameters file, search through the module" \
	"{'azure-nsg:shop-prod-app', 'azure-nsg:shop-prod-data'} <= set(r['resource'] for r in d['resources']) and any('tcp/22 from 10.0.0.0/8' in r['allows'] for r in d['resources']) and any('tcp/9200 from 10.20.0.0/16' in r['allows'] for r in d['resources']) and d['errors'] == []"

# Widening through the module's caller: search opened to the Internet.
main 0.0.0.0/0 > "$repo/infra/main.bicep"
commit "$repo" "search for everyone"
dw diff -C "$repo" HEAD~1 HEAD --format json
status_is "search opened to the Internet: exit 1" 1
json_check "search opened to the Internet: critical, on the module's NSG, at the module's rule" \
	"any(x['resource'] == 'azure-nsg:shop-prod-data' and x['severity'] == 'critical' and x['file'] == 'infra/modules/nsg.bicep' and '9200' in x['widened'] for x in f)"

# Narrowing back: no finding.
main 10.20.0.0/16 > "$repo/infra/main.bicep"
commit "$repo" "search back to the VNet"
dw diff -C "$repo" HEAD~1 HEAD --format json
status_is "a narrowing: exit 0" 0
json_check "a narrowing: no finding" "f == [] and d['errors'] == []"

# Widening in the parameters file alone: the template is read again with it.
printf "using './main.bicep'\nparam adminSource = '0.0.0.0/0'\n" > "$repo/infra/main.bicepparam"
commit "$repo" "ssh from anywhere"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "a widening in main.bicepparam alone: SSH from the Internet on the app NSG" \
	"any(x['resource'] == 'azure-nsg:shop-prod-app' and x['rule'].startswith('DW-NET') and 'tcp/22' in x['widened'] for x in f)"
printf "using './main.bicep'\nparam adminSource = '10.0.0.0/8'\n" > "$repo/infra/main.bicepparam"
commit "$repo" "ssh back"

# A refactor that changes nothing: the app rules move into a loop over a
# variable, and the prefix variable is renamed.
cat > "$repo/infra/main.bicep.new" <<'BICEP'
param env string = 'prod'
param adminSource string

var namePrefix = 'shop-${env}'
var appRules = [
  { name: 'https', priority: 100, port: '443', source: '*' }
  { name: 'ssh', priority: 110, port: '22', source: adminSource }
]

resource app 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: '${namePrefix}-app'
  location: resourceGroup().location
  properties: {
    securityRules: [for r in appRules: {
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

module data 'modules/nsg.bicep' = {
  name: 'data-nsg'
  params: {
    name: '${namePrefix}-data'
    rules: [
      { name: 'search', priority: 100, port: '9200', source: '10.20.0.0/16' }
    ]
  }
}
BICEP
mv "$repo/infra/main.bicep.new" "$repo/infra/main.bicep"
commit "$repo" "rules in a loop, prefix renamed"
dw diff -C "$repo" HEAD~1 HEAD --format json
status_is "rules moved into a loop, a variable renamed: exit 0" 0
json_check "rules moved into a loop, a variable renamed: no finding" "f == [] and d['errors'] == []"

# An unknown: the SSH source becomes a value only the deployment knows.
sed -i "s/source: adminSource }/source: reference('jump-ip').ipAddress }/" "$repo/infra/main.bicep"
commit "$repo" "ssh from the jump host"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "a deployment-time source: DW-EVAL-001 naming reference(), no widening guessed" \
	"any(x['rule'] == 'DW-EVAL-001' and 'reference() is known only at deployment' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET') for x in f)"
git -C "$repo" revert --no-edit HEAD >/dev/null

# The module alone changes: its callers are read again, so the change is
# judged with their arguments (all sources of the data tier's rules).
sed -i "s/protocol: 'Tcp'/protocol: '*'/" "$repo/infra/modules/nsg.bicep"
commit "$repo" "module: every protocol"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "a change to the module alone: judged at its caller's NSG" \
	"any(x['resource'] == 'azure-nsg:shop-prod-data' and 'udp/9200' in x['widened'] for x in f)"
git -C "$repo" revert --no-edit HEAD >/dev/null

# A syntax error: could not be analysed, at its line.
sed -i "s/^var namePrefix = 'shop-\${env}'/var namePrefix = 'shop-\${env}/" "$repo/infra/main.bicep"
commit "$repo" "broken"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "an unterminated string: DW-PARSE-001 at main.bicep:4" \
	"any(x['rule'] == 'DW-PARSE-001' and x['file'] == 'infra/main.bicep' and 'main.bicep:4' in x['message'] for x in f)"
git -C "$repo" revert --no-edit HEAD >/dev/null

# A module that calls itself is refused, as az bicep build refuses it.
cat > "$repo/infra/modules/loop.bicep" <<'BICEP'
module again 'loop.bicep' = {
  name: 'again'
}
BICEP
commit "$repo" "a module cycle"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "a module cycle: the file could not be analysed, saying why" \
	"any(x['rule'].startswith('DW-PARSE') and 'calls itself' in x['message'] for x in f)"

# A registry module is an unknown, not silence.
cat > "$repo/infra/registry.bicep" <<'BICEP'
module shared 'br/public:avm/res/network/network-security-group:0.1.0' = {
  name: 'shared'
  params: {
    name: 'shared-nsg'
  }
}
BICEP
commit "$repo" "a registry module"
dw diff -C "$repo" HEAD~1 HEAD --format json
json_check "a registry module: an unknown naming it" \
	"any(x['rule'] == 'DW-EVAL-001' and 'registry' in x['message'] and 'shared' in x['message'] for x in f)"

done_testing
