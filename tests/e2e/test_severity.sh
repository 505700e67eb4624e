#!/usr/bin/env bash
# test_severity.sh - how widenings are graded, end to end: public sources
# by size (a partner's /32 is not the Internet, a /16 is), documentation
# ranges, a user's own grades, a Kubernetes Service type change as one
# finding graded by what it lets in, and protocols printed by name.
. "$(dirname "$0")/lib.sh"

# sg CIDR...: a Terraform security group: SSH from the given sources, 443 from everyone.
sg() {
	local list
	list=$(printf '"%s", ' "$@")
	cat <<TF
resource "aws_security_group" "bastion" {
  name = "bastion"

  ingress {
    description = "ssh for the operators"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [${list%, }]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
TF
}

repo=$(new_repo tf)
mkdir -p "$repo/infra"
sg 10.0.0.0/8 > "$repo/infra/sg.tf"
commit "$repo" "base"

# --- a partner's address -------------------------------------------------
sg 10.0.0.0/8 34.201.17.5/32 > "$repo/infra/sg.tf"
commit "$repo" "ssh for the partner's jump host"
dw diff -C "$repo" HEAD --format json
status_is "one public /32 for ssh: below the default threshold, exit 0" 0
json_check "the /32 is DW-NET-031 (low), named, with only the new address as widened" \
	"[(x['rule'], x['severity'], x['widened'], x['line']) for x in f] == [('DW-NET-031', 'low', 'tcp/22 from 34.201.17.5/32', 4)] and 'from specific public sources 34.201.17.5/32' in f[0]['message']"
dw diff -C "$repo" HEAD
check "text output never calls one address the Internet" eval '! grep -qi internet <<<"$OUT"'

# --- a public /16 is the Internet -----------------------------------------
sg 10.0.0.0/8 34.192.0.0/16 > "$repo/infra/sg.tf"
commit "$repo" "ssh for a whole cloud region"
dw diff -C "$repo" HEAD --format json
status_is "a public /16 for ssh: exit 1" 1
json_check "a public /16 is DW-NET-003 (high) from the Internet" \
	"[(x['rule'], x['severity']) for x in f if x['severity'] != 'info'] == [('DW-NET-003', 'high')] and 'newly reachable from the Internet' in f[0]['message']"

# --- documentation ranges --------------------------------------------------
sg 10.0.0.0/8 203.0.113.0/24 2001:db8::/32 > "$repo/infra/sg.tf"
commit "$repo" "ssh from the documentation ranges"
dw diff -C "$repo" HEAD --format json -v
json_check "RFC 5737 / RFC 3849 ranges are not the Internet" \
	"{x['rule'] for x in f} == {'DW-NET-011', 'DW-NET-900'} and not any('Internet' in x['message'] for x in f)"

# --- a user's grades -------------------------------------------------------
cat > "$WORK/grades.yml" <<'YML'
public_sources:
  - name: our public ranges
    ipv4: /16
    ipv6: /40
    rules: {DW-NET-003: DW-NET-031, DW-NET-001: DW-NET-030}
YML
sg 10.0.0.0/8 > "$repo/infra/sg.tf"
commit "$repo" "back to the VPN"
sg 10.0.0.0/8 34.192.0.0/16 > "$repo/infra/sg.tf"
commit "$repo" "ssh from our own /16"
dw diff -C "$repo" HEAD --format json --extra-rules "$WORK/grades.yml"
status_is "with the user's grades, our /16 is not the Internet: exit 0" 0
json_check "... it is DW-NET-031 from 'our public ranges'" \
	"[x['rule'] for x in f] == ['DW-NET-031'] and 'from our public ranges 34.192.0.0/16' in f[0]['message']"

# --- Azure defaults print as protocols -------------------------------------
az=$(new_repo azure)
commit "$az" "empty"
cat > "$az/nsg.tf" <<'TF'
resource "azurerm_network_security_group" "jump" {
  name                = "jump-nsg"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "rdp-from-partner"
    priority                   = 300
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefixes    = ["52.174.10.20/32"]
    destination_address_prefix = "*"
  }
}
TF
commit "$az" "a jump host NSG"
dw diff -C "$az" HEAD --format json
json_check "RDP from one public address is DW-NET-030 (medium), not critical" \
	"any(x['rule']=='DW-NET-030' and x['severity']=='medium' and 'RDP newly reachable from specific public sources 52.174.10.20/32' in x['message'] for x in f) and not any(x['severity'] in ('high', 'critical') for x in f)"
json_check "Azure's default rules read as protocols, not protocol numbers" \
	"any('all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork' in x['after'] for x in f) and not any('0-5 ' in x['after'] or '7-255' in x['after'] for x in f)"

# --- a Service type change is one finding ----------------------------------
k8s=$(new_repo k8s)
svc() {
	printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: shop\n' "$1"
	[ -n "$3" ] && printf '  annotations:\n    %s: "true"\n' "$3"
	printf 'spec:\n  type: %s\n  selector: {app: %s}\n  ports:\n    - port: %s\n      targetPort: %s\n' "$2" "$1" "$4" "$5"
}
{ svc billing ClusterIP "" 8080 8080; echo ---; svc storefront ClusterIP "" 443 8443; echo ---; svc cache ClusterIP "" 6379 6379; } > "$k8s/svc.yaml"
commit "$k8s" "three services inside the cluster"
{ svc billing LoadBalancer service.beta.kubernetes.io/azure-load-balancer-internal 8080 8080; echo ---
  svc storefront LoadBalancer "" 443 8443; echo ---; svc cache ClusterIP "" 6379 6379; } > "$k8s/svc.yaml"
commit "$k8s" "load balancers for billing (internal) and the storefront"
dw diff -C "$k8s" HEAD --format json
status_is "an internal LB and a public 443: exit 0" 0
json_check "one DW-SET-030 per Service, both low" \
	"sorted((x['resource'], x['rule'], x['severity']) for x in f) == [('k8s:Service/shop/billing', 'DW-SET-030', 'low'), ('k8s:Service/shop/storefront', 'DW-SET-030', 'low')]"
json_check "the storefront's finding says what each part lets in" \
	"any('tcp/443 from 0.0.0.0/0, ::/0' in x['message'] and 'from private sources k8s:node-network' in x['message'] for x in f)"
{ svc billing LoadBalancer service.beta.kubernetes.io/azure-load-balancer-internal 8080 8080; echo ---
  svc storefront LoadBalancer "" 443 8443; echo ---; svc cache LoadBalancer "" 6379 6379; } > "$k8s/svc.yaml"
commit "$k8s" "redis on a public load balancer"
dw diff -C "$k8s" HEAD --format json
status_is "Redis on a public LB: exit 1" 1
json_check "... one critical DW-SET-030 naming Redis" \
	"[(x['rule'], x['severity']) for x in f] == [('DW-SET-030', 'critical')] and 'Redis newly reachable from the Internet' in f[0]['message']"

done_testing
