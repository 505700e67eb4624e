#!/usr/bin/env bash
# test_arm_params.sh - ARM quick starts as teams write them: security rules
# built by a property copy loop over an array parameter, and values from
# azuredeploy.parameters.json beside the template. A loop equal to the
# plain rules is no change; a loop that widens is found; a loop that
# cannot be evaluated is an unknown, never a guess; a parameters file
# that widens is found although the template did not change; two
# environments' parameter files that disagree are an unknown naming both.
. "$(dirname "$0")/lib.sh"

# template MODE [COUNT [EXTRA-RULE]]: the app tier's template. MODE
# plain: literal rules; loop: a copy loop over the array parameter "rules"
# with COUNT (default: its length). EXTRA-RULE "NAME PRIORITY ACCESS PORT
# SOURCE" goes before the deny-all. SSH's source is parameter sshSource
# (no default: the parameters file gives it).
template() {
	python3 - "$1" "${2:-[length(parameters('rules'))]}" "${3:-}" <<'EOF'
import json, sys
mode, count = sys.argv[1], sys.argv[2]
rules = [("https", 100, "Allow", "443", "*"),
         ("ssh", 110, "Allow", "22", "[parameters('sshSource')]"),
         ("deny-all", 4096, "Deny", "*", "*")]
extra = [sys.argv[3].split()] if sys.argv[3] else []
rules[2:2] = [(n, int(p), a, port, src) for n, p, a, port, src in extra]
def rule(n, p, a, port, src):
    return {"name": n, "properties": {"priority": p, "direction": "Inbound", "access": a,
            "protocol": "*" if port == "*" else "Tcp", "sourceAddressPrefix": src,
            "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": port}}
nsg = {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
       "name": "[variables('nsgName')]", "location": "[resourceGroup().location]", "properties": {}}
t = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
     "contentVersion": "1.0.0.0",
     "parameters": {"sshSource": {"type": "string"}},
     "variables": {"nsgName": "app-nsg"},
     "resources": [nsg]}
if mode == "plain":
    nsg["properties"]["securityRules"] = [rule(*r) for r in rules]
else:
    t["parameters"]["rules"] = {"type": "array", "defaultValue": [
        {"name": n, "priority": p, "access": a, "port": port, "source": src} for n, p, a, port, src in rules]}
    it = "[parameters('rules')[copyIndex('securityRules')].%s]"
    nsg["properties"]["copy"] = [{"name": "securityRules", "count": count, "input": {
        "name": it % "name", "properties": {"priority": it % "priority", "direction": "Inbound",
        "access": it % "access", "protocol": "*", "sourceAddressPrefix": it % "source",
        "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": it % "port"}}}]
print(json.dumps(t, indent=2))
EOF
}

params() { # params SSH-SOURCE
	cat <<EOF
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"sshSource": {"value": "$1"}}
}
EOF
}

repo=$(new_repo arm)
mkdir -p "$repo/app"
template plain > "$repo/app/azuredeploy.json"
params 10.20.0.0/16 > "$repo/app/azuredeploy.parameters.json"
commit "$repo" "app tier"
dw diff -C "$repo" HEAD --format json
json_check "SSH's source comes from the parameters file: no unknown for it" \
	"d['errors'] == [] and not any(x['rule'] == 'DW-EVAL-001' for x in f) and any('10.20.0.0/16' in x['after'] for x in f)"

# The literal rules become a copy loop over an array parameter whose
# entries are the same rules (the loop writes protocol "*": the plain
# rules say "*" first, a change of its own).
sed -i 's/"protocol": "Tcp"/"protocol": "*"/' "$repo/app/azuredeploy.json"
commit "$repo" "protocols written as *"
template loop > "$repo/app/azuredeploy.json"
commit "$repo" "rules from a copy loop"
dw diff -C "$repo" HEAD --format json
status_is "a copy loop giving the same rules: exit 0" 0
json_check "a copy loop giving the same rules: no finding" "d['errors'] == [] and f == []"

template loop "" "rdp 120 Allow 3389 *" > "$repo/app/azuredeploy.json"
commit "$repo" "RDP for the jump box, through the loop"
dw diff -C "$repo" HEAD --format json
status_is "a loop entry opening RDP to the world: exit 1" 1
json_check "RDP from anywhere through the loop: critical DW-NET-001 on app-nsg" \
	"any(x['rule'] == 'DW-NET-001' and x['severity'] == 'critical' and '3389' in x['after'] for x in f)"

template loop "[parameters('ruleCount')]" "rdp 120 Allow 3389 *" > "$repo/app/azuredeploy.json"
commit "$repo" "count from an undeclared parameter"
dw diff -C "$repo" HEAD --format json
json_check "a loop whose count cannot be evaluated: an unknown naming the loop, no guessed rule" \
	"any(x['rule'] == 'DW-EVAL-001' and 'copy loop' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET-00') for x in f)"

template plain > "$repo/app/azuredeploy.json"
commit "$repo" "plain rules again"
params 0.0.0.0/0 > "$repo/app/azuredeploy.parameters.json"
commit "$repo" "SSH from anywhere, in the parameters file only"
dw diff -C "$repo" HEAD --format json
status_is "the parameters file alone opens SSH: exit 1" 1
json_check "the parameters file alone opens SSH: a finding on the template" \
	"any(x['file'] == 'app/azuredeploy.json' and x['severity'] in ('high', 'critical') and 'tcp/22' in x['after'] for x in f)"

params 10.20.0.0/16 > "$repo/app/azuredeploy.parameters.json"
commit "$repo" "SSH back to the admin network"
params 10.30.0.0/16 > "$repo/app/azuredeploy.parameters.prod.json"
commit "$repo" "a prod parameters file"
dw diff -C "$repo" HEAD --format json
json_check "two parameter files that disagree: an unknown naming both" \
	"any(x['rule'] == 'DW-EVAL-001' and 'azuredeploy.parameters.json' in x['message'] and 'azuredeploy.parameters.prod.json' in x['message'] for x in f)"

done_testing
