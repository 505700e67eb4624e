#!/usr/bin/env bash
# test_ansible.sh - Ansible playbooks and roles managing the three clouds'
# network rules: a widening through a play variable, a narrowing, a
# refactor that changes nothing (task renamed, moved into a block, a
# literal turned into a variable), a variable from the inventory as a
# named unknown, and a role's defaults file that widens on its own.
. "$(dirname "$0")/lib.sh"

# playbook SSH-SOURCE ES-SOURCE: a play with an NSG, a security group and a firewall.
playbook() {
	cat <<EOF
- name: network for the search tier
  hosts: localhost
  connection: local
  vars:
    rg: search-rg
    ssh_source: "$1"
  tasks:
    - name: search NSG
      azure.azcollection.azure_rm_securitygroup:
        resource_group: "{{ rg }}"
        name: search-nsg
        rules:
          - name: ssh
            protocol: Tcp
            destination_port_range: 22
            source_address_prefix: "{{ ssh_source }}"
            access: Allow
            priority: 100
          - name: deny-rest
            access: Deny
            priority: 4000
    - name: search security group
      amazon.aws.ec2_security_group:
        name: search
        vpc_id: vpc-0abc
        description: search nodes
        rules:
          - proto: tcp
            ports: [9200]
            cidr_ip: "$2"
    - name: search firewall
      google.cloud.gcp_compute_firewall:
        name: search-fw
        project: search-project
        allowed:
          - ip_protocol: tcp
            ports: ['9300']
        source_ranges: ['10.40.0.0/16']
EOF
}

repo=$(new_repo ansible)
mkdir -p "$repo/deploy"
playbook 10.20.0.0/16 10.0.0.0/8 > "$repo/deploy/search.yml"
commit "$repo" "search tier network"
dw diff -C "$repo" HEAD --format json
json_check "a new playbook is read: the NSG, the group and the firewall have findings, no error" \
	"d['errors'] == [] and {x['resource'] for x in f} >= {'ansible:ec2_security_group:vpc-0abc/search', 'ansible:gcp_compute_firewall:search-project/search-fw'}"

playbook 0.0.0.0/0 10.0.0.0/8 > "$repo/deploy/search.yml"
commit "$repo" "SSH from anywhere, through the play's variable"
dw diff -C "$repo" HEAD --format json
status_is "SSH opened to the world through a variable: exit 1" 1
json_check "SSH opened to the world: a high finding on the NSG, named by resource group and name" \
	"any(x['resource'] == 'ansible:azure_rm_securitygroup:search-rg/search-nsg' and x['severity'] in ('high', 'critical') and 'tcp/22' in x['after'] for x in f)"

playbook 10.20.0.0/16 10.0.0.0/8 > "$repo/deploy/search.yml"
commit "$repo" "SSH back to the admin network"
dw diff -C "$repo" HEAD --format json
status_is "a narrowing: exit 0" 0
json_check "a narrowing: no widening finding" "not any(x['rule'].startswith('DW-NET') for x in f)"

# The same rules, the task renamed and moved into a block, the group's
# CIDR now a variable, the tasks reordered.
python3 - "$repo/deploy/search.yml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("    ssh_source:", "    search_net: 10.0.0.0/8\n    ssh_source:")
s = s.replace('cidr_ip: "10.0.0.0/8"', 'cidr_ip: "{{ search_net }}"')
s = s.replace("    - name: search security group\n", "    - name: renamed group\n      block:\n        - name: inner\n          ")
head, rest = s.split("      amazon.aws.ec2_security_group:", 1)
body, tail = rest.split("    - name: search firewall", 1)
body = "\n".join(("      " + l if l.strip() else l) for l in body.split("\n"))
s = head + "amazon.aws.ec2_security_group:" + body.rstrip(" ") + "    - name: search firewall" + tail
open(p, "w").write(s)
EOF
commit "$repo" "refactor: a block, a variable"
dw diff -C "$repo" HEAD --format json
status_is "a refactor that changes no rule: exit 0" 0
json_check "a refactor that changes no rule: no finding, no error" "d['errors'] == [] and f == []"
dw surface -C "$repo"
check "after the refactor the group in the block is still read, from its variable" \
	grep -A1 -F "ansible:ec2_security_group:vpc-0abc/search" <<<"$OUT"
same "after the refactor the group still allows 9200 from 10.0.0.0/8" \
	"$(grep -A1 -F "ansible:ec2_security_group:vpc-0abc/search" <<<"$OUT" | tail -1 | sed 's/^ *//')" \
	"allows: tcp/9200 from 10.0.0.0/8"

sed -i 's/cidr_ip: "{{ search_net }}"/cidr_ip: "{{ partner_cidr }}"/' "$repo/deploy/search.yml"
commit "$repo" "source from the inventory"
dw diff -C "$repo" HEAD --format json
json_check "a variable from the inventory: an unknown naming it, nothing guessed" \
	"any(x['rule'] == 'DW-EVAL-001' and 'partner_cidr' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET-00') for x in f)"

# A role: its tasks use a variable from defaults/main.yml; changing the defaults alone widens.
mkdir -p "$repo/roles/db/tasks" "$repo/roles/db/defaults"
cat > "$repo/roles/db/tasks/main.yml" <<'EOF'
- name: database group
  ec2_group:
    name: db
    vpc_id: vpc-0abc
    description: database
    rules:
      - proto: tcp
        from_port: 5432
        to_port: 5432
        cidr_ip: "{{ db_clients }}"
EOF
echo 'db_clients: 10.30.0.0/16' > "$repo/roles/db/defaults/main.yml"
commit "$repo" "db role"
dw diff -C "$repo" HEAD --format json
json_check "a role's tasks take their variable from defaults/main.yml: no unknown" \
	"d['errors'] == [] and not any(x['rule'] == 'DW-EVAL-001' for x in f) and any('10.30.0.0/16' in x['after'] for x in f)"

echo 'db_clients: 0.0.0.0/0' > "$repo/roles/db/defaults/main.yml"
commit "$repo" "db open to all, in the defaults only"
dw diff -C "$repo" HEAD --format json
status_is "the role's defaults alone open PostgreSQL: exit 1" 1
json_check "the role's defaults alone open PostgreSQL: critical on the role's group" \
	"any(x['resource'] == 'ansible:ec2_security_group:vpc-0abc/db' and x['severity'] == 'critical' and 'tcp/5432' in x['after'] for x in f)"

# vars_files by relative path.
mkdir -p "$repo/play/vars"
echo 'web_source: 10.50.0.0/16' > "$repo/play/vars/net.yml"
cat > "$repo/play/web.yml" <<'EOF'
- hosts: web
  vars_files:
    - vars/net.yml
  tasks:
    - gcp_compute_firewall:
        name: web-ssh
        allowed: [{ip_protocol: tcp, ports: ['22']}]
        source_ranges: ["{{ web_source }}"]
EOF
commit "$repo" "web play"
echo 'web_source: 0.0.0.0/0' > "$repo/play/vars/net.yml"
sed -i 's/name: web-ssh/name: web-ssh\n        priority: 1000/' "$repo/play/web.yml"
commit "$repo" "web open, in vars_files"
dw diff -C "$repo" HEAD --format json
json_check "vars_files by relative path: SSH from anywhere found" \
	"any(x['resource'] == 'ansible:gcp_compute_firewall:-/web-ssh' and x['severity'] in ('high', 'critical') and 'tcp/22' in x['after'] for x in f)"

# A change to the vars_files file alone re-judges the plays that name it,
# in its folder and the two above: play/web.yml, one up from
# play/vars/net.yml, and site.yml at the top, two up. (A play in another
# branch, sites/eu/db.yml naming ../../play/vars/net.yml, is not looked for.)
echo 'web_source: 10.50.0.0/16' > "$repo/play/vars/net.yml"
cat > "$repo/site.yml" <<'EOF'
- hosts: db
  vars_files:
    - play/vars/net.yml
  tasks:
    - gcp_compute_firewall:
        name: eu-db
        allowed: [{ip_protocol: tcp, ports: ['5432']}]
        source_ranges: ["{{ web_source }}"]
EOF
echo 'unrelated: 1' > "$repo/play/vars/other.yml"
commit "$repo" "private again; a site play naming the same vars"
echo 'web_source: 0.0.0.0/0' > "$repo/play/vars/net.yml"
commit "$repo" "web open, in the vars_files file only"
dw diff -C "$repo" HEAD --format json
json_check "vars_files alone: the play beside it is judged again, SSH from anywhere" \
	"any(x['resource'] == 'ansible:gcp_compute_firewall:-/web-ssh' and x['severity'] in ('high', 'critical') and 'tcp/22' in x['after'] for x in f)"
json_check "vars_files alone: the play two folders up is judged again: PostgreSQL from anywhere" \
	"any(x['resource'] == 'ansible:gcp_compute_firewall:-/eu-db' and x['severity'] == 'critical' and 'tcp/5432' in x['after'] for x in f)"
dw audit -C "$repo" HEAD~1..HEAD --format json --no-cache
json_check "vars_files alone: audit finds both, in that commit" \
	"sorted(x['resource'] for x in f if x['severity'] in ('high', 'critical')) == ['ansible:gcp_compute_firewall:-/eu-db', 'ansible:gcp_compute_firewall:-/web-ssh'] and all(x['subject'] == 'web open, in the vars_files file only' for x in f)"
echo 'unrelated: 2' > "$repo/play/vars/other.yml"
commit "$repo" "a vars file no play names"
dw diff -C "$repo" HEAD --format json
json_check "a YAML file no play names: nothing found, nothing unread" "f == [] and d['errors'] == []"

dw formats
check "formats lists the Ansible reader" grep -q "Ansible cloud network modules" <<<"$OUT"

done_testing
