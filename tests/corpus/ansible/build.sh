#!/usr/bin/env bash
# ansible: a configuration-management repository provisioning the three
# clouds' network rules with Ansible: a site playbook (an Azure NSG, an
# AWS security group, a GCP firewall), a role whose tasks take their
# sources from defaults/main.yml, a play with vars_files; refactors (tasks
# renamed, moved into blocks, literals turned into variables, the playbook
# moved), widenings through variables, and a source from the inventory.
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Ines Infra"
put README.md <<'EOF'
# cloud-net
Network rules for the search platform, applied by `ansible-playbook site.yml`.
EOF
commit "Initial commit"

# Step: the site playbook: SSH from the admin network, HTTPS from
# everyone on the web group, the search firewall from the VPC. New NSG:
# Azure's default rules admit the VNet (low); HTTPS to the world (low).
site() { # site SSH-SOURCE
	put site.yml <<EOF
- name: Cloud network for the search platform
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    rg: search-prod
    admin_net: "$1"
  tasks:
    - name: Search NSG
      azure.azcollection.azure_rm_securitygroup:
        resource_group: "{{ rg }}"
        name: search-nsg
        rules:
          - name: ssh-admin
            protocol: Tcp
            destination_port_range: 22
            source_address_prefix: "{{ admin_net }}"
            access: Allow
            priority: 100
            direction: Inbound
          - name: deny-all
            protocol: "*"
            access: Deny
            priority: 4096
    - name: Web security group
      amazon.aws.ec2_security_group:
        name: web
        description: public web tier
        vpc_id: vpc-0search
        region: eu-west-1
        rules:
          - proto: tcp
            ports: [443]
            cidr_ip: 0.0.0.0/0
        rules_egress:
          - proto: all
            cidr_ip: 0.0.0.0/0
    - name: Search firewall
      google.cloud.gcp_compute_firewall:
        name: search-internal
        project: search-platform
        network: {selfLink: global/networks/search}
        allowed:
          - ip_protocol: tcp
            ports: ['9200', '9300']
        source_ranges: ['10.128.0.0/9']
        auth_kind: serviceaccount
EOF
}
site 10.20.0.0/16
commit "site: NSG, web group and search firewall"

# Step: refactor: the web group's task renamed and moved into a block
# with a rescue, its CIDR into a play variable. No rule changes.
python3 - site.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('    admin_net:', '    world: 0.0.0.0/0\n    admin_net:')
s = s.replace('            cidr_ip: 0.0.0.0/0\n        rules_egress', '            cidr_ip: "{{ world }}"\n        rules_egress')
start = s.index('    - name: Web security group')
end = s.index('    - name: Search firewall')
task = s[start:end].replace('    - name: Web security group\n', '')
task = "\n".join(("    " + l if l.strip() else l) for l in task.split("\n"))
block = ('    - name: Public web tier\n      block:\n        - name: Security group for the web servers\n'
         + task.replace('      amazon.aws', '          amazon.aws', 1).lstrip().join(['          ', '']).rstrip(' ') +
         '      rescue:\n        - name: Report\n          ansible.builtin.debug: {msg: "web group failed"}\n')
s = s[:start] + block + s[end:]
open(p, "w").write(s)
EOF
commit "site: web group in a block, CIDR as a variable"

# Step: SSH opened to the world through the play variable (high).
as "Sam Oncall"
sed -i 's|admin_net: "10.20.0.0/16"|admin_net: "0.0.0.0/0"|' site.yml
commit "site: SSH from anywhere while the VPN is down"

# Step: reverted.
sed -i 's|admin_net: "0.0.0.0/0"|admin_net: "10.20.0.0/16"|' site.yml
commit "site: SSH back to the admin network"

# Step: a database role; its source comes from defaults/main.yml. A
# private /16 on PostgreSQL (medium).
as "Ines Infra"
put roles/db/defaults/main.yml <<'EOF'
db_clients: 10.30.0.0/16
db_port: 5432
EOF
put roles/db/tasks/main.yml <<'EOF'
- name: Database security group
  amazon.aws.ec2_group:
    name: db
    description: PostgreSQL
    vpc_id: vpc-0search
    rules:
      - proto: tcp
        from_port: "{{ db_port }}"
        to_port: "{{ db_port }}"
        cidr_ip: "{{ db_clients }}"
EOF
commit "db: role for the database group"

# Step: the role's defaults alone open PostgreSQL to the world (critical,
# on the tasks file that declares the group).
sed -i 's|db_clients: 10.30.0.0/16|db_clients: 0.0.0.0/0|' roles/db/defaults/main.yml
commit "db: clients from anywhere for the migration"

sed -i 's|db_clients: 0.0.0.0/0|db_clients: 10.30.0.0/16|' roles/db/defaults/main.yml
commit "db: clients back to the app network"

# Step: the playbook moved into playbooks/: identity is the group, not the
# file, so nothing changes.
mv_ site.yml playbooks/site.yml
commit "Move site.yml into playbooks/"

# Step: a bastion play whose source comes from vars_files.
put playbooks/vars/bastion.yml <<'EOF'
bastion_sources: [198.51.100.0/24]
EOF
put playbooks/bastion.yml <<'EOF'
- hosts: localhost
  vars_files:
    - vars/bastion.yml
  tasks:
    - name: Bastion firewall
      gcp_compute_firewall:
        name: bastion-ssh
        project: search-platform
        allowed: [{ip_protocol: tcp, ports: ['22']}]
        source_ranges: "{{ bastion_sources }}"
EOF
commit "bastion: SSH from the partner range"

# Step: a source from the inventory: not known, so an unknown (medium),
# never a guess.
as "Sam Oncall"
sed -i 's|source_ranges: "{{ bastion_sources }}"|source_ranges: "{{ groups_partner_cidr }}"|' playbooks/bastion.yml
commit "bastion: source from the inventory"
