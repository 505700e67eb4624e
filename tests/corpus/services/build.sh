#!/usr/bin/env bash
# services: a configuration-management repository holding service
# configs as deployed: elasticsearch.yml, redis.conf, sshd_config,
# postgresql.conf and pg_hba.conf, mongod.conf; refactors (flat vs
# nested keys, comments, reordering), auth and bind changes, and
# directory moves (identity is the directory: it must follow the move).
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Gil Ops"
put README.md <<'EOF'
# ops-config
Service configuration, rolled out by the config-management job.
EOF
commit "Initial commit"

# Step: a new elasticsearch.yml, security on, bound to one private
# address: nothing unsafe.
put config/es/elasticsearch.yml <<'EOF'
cluster.name: logging
node.name: ${HOSTNAME}
path.data: /var/lib/elasticsearch
network.host: 10.1.2.3
http.port: 9200
xpack.security.enabled: true
xpack.security.transport.ssl.enabled: true
EOF
commit "es: elasticsearch.yml for the logging cluster"

# Step: refactor: nested keys, comments, same settings.
put config/es/elasticsearch.yml <<'EOF'
# Logging cluster
cluster:
  name: logging
node:
  name: ${HOSTNAME}
path:
  data: /var/lib/elasticsearch
network:
  host: 10.1.2.3   # the private interface
http:
  port: 9200
xpack:
  security:
    enabled: true
    transport:
      ssl:
        enabled: true
EOF
commit "es: nested YAML like the rest of our configs"

# Step: bound to every interface (medium).
sed -i 's|  host: 10.1.2.3   # the private interface|  host: 0.0.0.0|' config/es/elasticsearch.yml
commit "es: listen on every interface for the new ingest nodes"

# Step: security switched off (critical).
as "Pat Upgrade"
python3 - config/es/elasticsearch.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  security:\n    enabled: true\n", "  security:\n    enabled: false\n")
open(p, "w").write(s)
EOF
commit "es: security off during the plugin upgrade"

# Step: the fix.
python3 - config/es/elasticsearch.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  security:\n    enabled: false\n", "  security:\n    enabled: true\n")
open(p, "w").write(s)
EOF
commit "es: security back on"

# Step: the directory is renamed: the same service.
as "Gil Ops"
mv_ config/es config/elasticsearch
commit "Rename config/es to config/elasticsearch"

# Step: redis.conf: loopback, protected, a password: nothing unsafe.
put config/redis/redis.conf <<'EOF'
# Sessions cache
bind 127.0.0.1 -::1
protected-mode yes
port 6379
requirepass "c0rrect-h0rse"
maxmemory 512mb
maxmemory-policy allkeys-lru
EOF
commit "redis: sessions cache config"

# Step: bound to every interface, with the password (medium).
sed -i 's|^bind 127.0.0.1 -::1$|bind 0.0.0.0 -::*|' config/redis/redis.conf
commit "redis: listen on every interface for the app servers"

# Step: refactor: the same bind in Redis 7 spelling, options reordered.
put config/redis/redis.conf <<'EOF'
# Sessions cache
port 6379
bind * -::*
requirepass c0rrect-h0rse
protected-mode yes
maxmemory-policy allkeys-lru
maxmemory 512mb
EOF
commit "redis: tidy the config"

# Step: the password dropped while bound everywhere (critical).
as "Pat Upgrade"
sed -i '/^requirepass /d' config/redis/redis.conf
commit "redis: drop requirepass, the client library cannot send it"

# Step: the fix.
as "Gil Ops"
sed -i 's|^bind \* -::\*$|&\nrequirepass c0rrect-h0rse|' config/redis/redis.conf
commit "redis: requirepass back, client upgraded"

# Step: a hardened sshd_config: keys only, no root.
put config/ssh/sshd_config <<'EOF'
Port 22
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
commit "ssh: hardened sshd_config"

# Step: passwords for the contractors' network in a Match block (medium).
as "Kim Contract"
cat >> config/ssh/sshd_config <<'EOF'

Match Address 10.77.0.0/16
    PasswordAuthentication yes
EOF
commit "ssh: passwords for the contractors' VPN"

# Step: root with a key for the backup job (low).
as "Gil Ops"
sed -i 's|^PermitRootLogin no$|PermitRootLogin prohibit-password|' config/ssh/sshd_config
commit "ssh: root by key for the backup job"

# Step: root with a password while debugging (high).
as "Kim Contract"
sed -i 's|^PermitRootLogin prohibit-password$|PermitRootLogin yes|' config/ssh/sshd_config
commit "ssh: root login while debugging the backup job"

# Step: the fix.
as "Gil Ops"
sed -i 's|^PermitRootLogin yes$|PermitRootLogin prohibit-password|' config/ssh/sshd_config
commit "ssh: root by key only again"

# Step: refactor: reordered, commented, keywords in another case.
put config/ssh/sshd_config <<'EOF'
# Managed by ops-config. Keys only.
Port 22
UsePAM yes
passwordauthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp /usr/lib/openssh/sftp-server
X11Forwarding no

# contractors' VPN
Match Address 10.77.0.0/16
    PasswordAuthentication yes
EOF
commit "ssh: reorder and comment"

# Step: PostgreSQL: the app network with a password (data-store port,
# private sources: medium); listen on one private address.
put config/postgres/postgresql.conf <<'EOF'
listen_addresses = '10.1.2.10'
port = 5432
max_connections = 200
EOF
put config/postgres/pg_hba.conf <<'EOF'
# TYPE  DATABASE  USER      ADDRESS         METHOD
local   all       postgres                  peer
host    shop      shop      10.1.0.0/16     scram-sha-256
EOF
commit "pg: postgresql.conf and pg_hba.conf for the shop"

# Step: a reporting user from the BI subnet (medium).
as "Ava Bi"
echo "host    shop      reports   10.9.0.0/16     scram-sha-256" >> config/postgres/pg_hba.conf
commit "pg: reporting user from the BI subnet"

# Step: that line trusts instead of asking a password (critical).
sed -i 's|^host    shop      reports   10.9.0.0/16     scram-sha-256$|host    shop      reports   10.9.0.0/16     trust|' config/postgres/pg_hba.conf
commit "pg: trust the BI subnet, the tool cannot do SCRAM"

# Step: the fix.
as "Gil Ops"
sed -i 's|^host    shop      reports   10.9.0.0/16     trust$|host    shop      reports   10.9.0.0/16     scram-sha-256|' config/postgres/pg_hba.conf
commit "pg: scram for the reports user again"

# Step: refactor: pg_hba written with a netmask column instead of CIDR.
put config/postgres/pg_hba.conf <<'EOF'
# TYPE  DATABASE  USER      ADDRESS     MASK          METHOD
local   all       postgres                            peer
host    shop      shop      10.1.0.0    255.255.0.0   scram-sha-256
host    shop      reports   10.9.0.0    255.255.0.0   scram-sha-256
EOF
commit "pg: address and mask columns"

# Step: PostgreSQL listens everywhere (medium).
sed -i "s|^listen_addresses = '10.1.2.10'$|listen_addresses = '*'|" config/postgres/postgresql.conf
commit "pg: listen on every interface for the replica"

# Step: MongoDB with authorization, loopback.
put config/mongodb/mongod.conf <<'EOF'
storage:
  dbPath: /var/lib/mongodb
net:
  port: 27017
  bindIp: 127.0.0.1
security:
  authorization: enabled
EOF
commit "mongo: mongod.conf for the catalogue"

# Step: bound to every interface, authorization kept (medium).
sed -i 's|^  bindIp: 127.0.0.1$|  bindIpAll: true|' config/mongodb/mongod.conf
commit "mongo: bindIpAll for the replica set"

# Step: every config moves to etc/: identity follows the directories.
mv_ config etc
commit "Move config/ to etc/"

# Step: MongoDB authorization off (critical).
as "Pat Upgrade"
sed -i 's|^  authorization: enabled$|  authorization: disabled|' etc/mongodb/mongod.conf
commit "mongo: authorization off for the data import"

# Step: the fix.
as "Gil Ops"
sed -i 's|^  authorization: disabled$|  authorization: enabled|' etc/mongodb/mongod.conf
commit "mongo: authorization back on"
