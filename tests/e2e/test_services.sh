#!/usr/bin/env bash
# test_services.sh - redis.conf, sshd_config, postgresql.conf,
# pg_hba.conf, mongod.conf and kibana.yml through the real git path: for each, a commit that exposes,
# one that is safe, one that only refactors (reordering, comments,
# equivalent spellings), and a malformed one named by file:line; and the
# correlation: Redis protected mode switched off while a CloudFormation
# rule in the repository opens 6379 to the Internet is one critical
# finding naming both places.
. "$(dirname "$0")/lib.sh"

repo=$(new_repo services)
mkdir -p "$repo/redis" "$repo/ssh" "$repo/db" "$repo/cfn"

write() { # write FILE: stdin to $repo/FILE
	cat > "$repo/$1"
}

write redis/redis.conf <<'EOF'
# no bind: every interface, but protected mode refuses remote clients
protected-mode yes
port 6379
EOF
write ssh/sshd_config <<'EOF'
PasswordAuthentication no
PermitRootLogin no
ListenAddress 10.0.0.5
EOF
write db/postgresql.conf <<'EOF'
listen_addresses = 'localhost'
port = 5432
EOF
write db/pg_hba.conf <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  peer
host    all       all   127.0.0.1/32   trust
host    sales     app   10.0.0.0/8     scram-sha-256
EOF
write cfn/redis-sg.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  RedisSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: cache
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 6379, ToPort: 6379, CidrIp: 0.0.0.0/0}
EOF
commit "$repo" "base"

dw diff -C "$repo" HEAD~0 --format json
json_check "base: unwritten defaults of new files raise no settings finding" \
	"not any(x['rule'].startswith('DW-SET') for x in f)"

# ---- refactor only -------------------------------------------------------
write redis/redis.conf <<'EOF'
port 6379
# Protected mode: on (the default spelled out)
protected-mode YES
EOF
write ssh/sshd_config <<'EOF'
# keys only
PermitRootLogin=no
PasswordAuthentication = no   # no passwords
ListenAddress 10.0.0.5:22
PasswordAuthentication yes
EOF
write db/postgresql.conf <<'EOF'
port 5432
listen_addresses='localhost'   # the default
EOF
write db/pg_hba.conf <<'EOF'
local   all       all                  peer
host    all       all   127.0.0.1  255.255.255.255  trust
# the 10/8 range in two halves, the record continued on a second line
host    sales     "app" 10.0.0.0/9   scram-sha-256
host    sales     app \
        10.128.0.0/9   scram-sha-256
EOF
commit "$repo" "refactor services"
dw diff -C "$repo" HEAD --format json
status_is "refactor: exit 0" 0
json_check "refactor (reordering, comments, =, quotes, masks, first-wins duplicates): no finding" "f == []"

# ---- Redis ---------------------------------------------------------------
write redis/redis.conf <<'EOF'
port 6379
bind 0.0.0.0
requirepass "s3cret"
EOF
commit "$repo" "redis: bind all with a password"
write redis/redis.conf <<'EOF'
bind * -::*
requirepass s3cret
port 6379
EOF
commit "$repo" "redis: bind spelled the Redis 7 way"
dw diff -C "$repo" HEAD --format json
json_check "redis: bind 0.0.0.0 and bind * -::* are the same" "f == []"

write redis/redis.conf <<'EOF'
bind * -::*
port 6379
EOF
commit "$repo" "redis: drop requirepass"
dw diff -C "$repo" HEAD --format json
status_is "redis: requirepass removed: exit 1" 1
json_check "redis: requirepass removed with bind set is a critical DW-SET-001" \
	"any(x['rule']=='DW-SET-001' and x['severity']=='critical' and x['file']=='redis/redis.conf' and x['resource']=='redis:redis' for x in f)"
json_check "redis: the finding names the open port and the security group's rule line" \
	"any(x['rule']=='DW-SET-001' and 'tcp/6379 from 0.0.0.0/0' in x['message'] and 'cfn/redis-sg.yaml:8' in x['message'] for x in f)"

write redis/redis.conf <<'EOF'
bind 127.0.0.1 -::1
port 6379
EOF
commit "$repo" "redis: loopback only"
dw diff -C "$repo" HEAD --format json
status_is "redis: back to loopback is safe: exit 0" 0

write redis/redis.conf <<'EOF'
protected-mode yes
port 6379
EOF
commit "$repo" "redis: default bind, protected"
write redis/redis.conf <<'EOF'
protected-mode no
port 6379
EOF
commit "$repo" "redis: protected mode off"
dw diff -C "$repo" HEAD --format json
status_is "correlation: exit 1" 1
json_check "correlation: protected mode off with 6379 open to the Internet is one critical finding" \
	"[x['rule'] for x in f if x['severity']=='critical'] == ['DW-SET-001']"
json_check "correlation: it names redis.conf:1 and the CloudFormation rule at cfn/redis-sg.yaml:8" \
	"any(x['rule']=='DW-SET-001' and x['file']=='redis/redis.conf' and x['line']==1 and 'cfn/redis-sg.yaml:8' in x['message'] and 'protected-mode no' in x['message'] for x in f)"

write redis/redis.conf <<'EOF'
protected-mode maybe
bind 0.0.0.0 "unbalanced
EOF
commit "$repo" "redis: malformed"
dw diff -C "$repo" HEAD --format json
status_is "redis malformed: exit 1" 1
json_check "redis malformed: DW-PARSE-001 at redis/redis.conf:2 (the tokenizer's error comes first)" \
	"any(x['rule']=='DW-PARSE-001' and x['file']=='redis/redis.conf' and x['line']==2 and 'unbalanced quotes' in x['message'] for x in f)"
printf 'protected-mode maybe\n' > "$repo/redis/redis.conf"
commit "$repo" "redis: bad value"
dw diff -C "$repo" HEAD --format json
json_check "redis bad value, malformed before too: DW-PARSE-004 at redis/redis.conf:1" \
	"any(x['rule']=='DW-PARSE-004' and x['line']==1 and \"'yes' or 'no'\" in x['message'] for x in f)"

# ---- sshd ----------------------------------------------------------------
write ssh/sshd_config <<'EOF'
PermitRootLogin no
PasswordAuthentication no
ListenAddress 10.0.0.5
Match Address 192.0.2.0/24
    PasswordAuthentication yes
EOF
commit "$repo" "ssh: passwords for one network"
dw diff -C "$repo" HEAD --format json
json_check "sshd: password login in a Match block is DW-SET-020 at its line" \
	"any(x['rule']=='DW-SET-020' and x['severity']=='medium' and x['file']=='ssh/sshd_config' and x['line']==5 and 'Match Address 192.0.2.0/24' in x['message'] for x in f)"

write ssh/sshd_config <<'EOF'
PermitRootLogin yes
PasswordAuthentication no
ListenAddress 10.0.0.5
EOF
commit "$repo" "ssh: root logins"
dw diff -C "$repo" HEAD --format json
json_check "sshd: PermitRootLogin yes is a high DW-SET-021 at line 1" \
	"any(x['rule']=='DW-SET-021' and x['severity']=='high' and x['line']==1 for x in f)"
json_check "sshd: dropping the Match block narrows, no DW-SET-020" \
	"not any(x['rule']=='DW-SET-020' for x in f)"

write ssh/sshd_config <<'EOF'
PermitRootLogin yes
PasswordAuthentication no
EOF
commit "$repo" "ssh: listen everywhere"
dw diff -C "$repo" HEAD --format json
json_check "sshd: ListenAddress removed moves to its default, every interface (DW-SET-003)" \
	"any(x['rule']=='DW-SET-003' and x['resource']=='sshd:ssh' for x in f)"

write ssh/sshd_config <<'EOF'
PermitRootLogin no
PasswordAuthentication no
EOF
commit "$repo" "ssh: no root"
dw diff -C "$repo" HEAD --format json
status_is "sshd: root login off again is safe: exit 0" 0

printf 'PermitRootLogin no\nBanner "/etc/issue\n' > "$repo/ssh/sshd_config"
commit "$repo" "ssh: malformed"
dw diff -C "$repo" HEAD --format json
json_check "sshd malformed: DW-PARSE-001 at ssh/sshd_config:2" \
	"any(x['rule']=='DW-PARSE-001' and x['file']=='ssh/sshd_config' and x['line']==2 and 'invalid quotes' in x['message'] for x in f)"

# ---- postgresql.conf -------------------------------------------------------
write db/postgresql.conf <<'EOF'
port 5432
listen_addresses = '*'
EOF
commit "$repo" "pg: listen everywhere"
dw diff -C "$repo" HEAD --format json
json_check "postgresql.conf: listen_addresses '*' is DW-SET-003 at line 2" \
	"any(x['rule']=='DW-SET-003' and x['file']=='db/postgresql.conf' and x['line']==2 and x['before']=='loopback' for x in f)"

write db/postgresql.conf <<'EOF'
listen_addresses = '10.0.0.5'
EOF
commit "$repo" "pg: one address"
dw diff -C "$repo" HEAD --format json
status_is "postgresql.conf: one private address is safe: exit 0" 0

printf "port 5432\nlisten_addresses = '*' extra\n" > "$repo/db/postgresql.conf"
commit "$repo" "pg: malformed"
dw diff -C "$repo" HEAD --format json
json_check "postgresql.conf malformed: DW-PARSE-001 at db/postgresql.conf:2" \
	"any(x['rule']=='DW-PARSE-001' and x['file']=='db/postgresql.conf' and x['line']==2 and 'syntax error' in x['message'] for x in f)"
printf "listen_addresses = '10.0.0.5'\n" > "$repo/db/postgresql.conf"
commit "$repo" "pg: fixed"

# ---- pg_hba.conf -------------------------------------------------------------
write db/pg_hba.conf <<'EOF'
local   all       all                  peer
host    all       all   127.0.0.1/32   trust
host    sales     app   10.0.0.0/8     scram-sha-256
host    all       bob   10.0.0.0/8     scram-sha-256
EOF
commit "$repo" "hba: name bob"
dw diff -C "$repo" HEAD --format json
json_check "pg_hba: a line for a new user widens only that user, privately (DW-NET-010)" \
	"[(x['rule'], x['resource']) for x in f] == [('DW-NET-010', 'pg_hba:db:*/bob')]"

write db/pg_hba.conf <<'EOF'
local   all       all                  peer
host    all       all   127.0.0.1/32   trust
host    sales     app   10.0.0.0/8     scram-sha-256
host    all       bob   10.0.0.0/8     scram-sha-256
host    all       all   0.0.0.0/0      trust
EOF
commit "$repo" "hba: trust everyone"
dw diff -C "$repo" HEAD --format json
status_is "pg_hba trust from anywhere: exit 1" 1
json_check "pg_hba: trust from anywhere is a critical DW-NET-001 at line 5" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['file']=='db/pg_hba.conf' and x['line']==5 and x['widened'].startswith('tcp/5432 from ') for x in f)"
json_check "pg_hba: and authentication off (DW-SET-001) at line 5" \
	"any(x['rule']=='DW-SET-001' and x['line']==5 and 'host all all 0.0.0.0/0 trust' in x['message'] for x in f)"

write db/pg_hba.conf <<'EOF'
local   all       all                  peer
host    all       all   127.0.0.1/32   trust
host    sales     app   10.0.0.0/8     scram-sha-256
host    all       bob   10.0.0.0/8     scram-sha-256
host    all       all   0.0.0.0/0      reject
EOF
commit "$repo" "hba: reject the rest"
dw diff -C "$repo" HEAD --format json -v
json_check "pg_hba: rejecting the rest is only narrowing (of the network, and of auth: DW-SET-900)" \
	"any(x['rule']=='DW-NET-900' for x in f) and all(x['rule'] in ('DW-NET-900','DW-SET-900') for x in f) and 'auth: on' in [x['widened'] for x in f if x['rule']=='DW-SET-900']"

printf 'host all all 10.0.0.0/8 md5\nhost all all 10.0.0.0 md5\nhost sales app 10.0.0.0/8 password-ish\n' > "$repo/db/pg_hba.conf"
commit "$repo" "hba: malformed"
dw diff -C "$repo" HEAD --format json
json_check "pg_hba malformed: every bad line is named, line 2 first" \
	"any(x['rule']=='DW-PARSE-001' and x['file']=='db/pg_hba.conf' and x['line']==2 and 'invalid IP mask' in x['message'] and 'db/pg_hba.conf:3: invalid authentication method' in x['message'] for x in f)"

# ---- mongod.conf and kibana.yml ---------------------------------------------------
mkdir -p "$repo/mongo" "$repo/kibana"
write mongo/mongod.conf <<'EOF'
net:
  port: 27017
security:
  authorization: enabled
EOF
write kibana/kibana.yml <<'EOF'
server.port: 5601
EOF
write cfn/mongo-sg.yaml <<'EOF'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  MongoSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: mongo
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 27017, ToPort: 27017, CidrIp: 0.0.0.0/0}
EOF
commit "$repo" "mongo and kibana"

write mongo/mongod.conf <<'EOF'
# the same, flat
security.authorization: "enabled"
net.port: 27017
EOF
write kibana/kibana.yml <<'EOF'
server:
  port: 5601
  host: localhost
EOF
commit "$repo" "mongo and kibana: refactor"
dw diff -C "$repo" HEAD --format json
json_check "mongod.conf and kibana.yml refactor (flat, nested, default spelled out): no finding" "f == []"

write mongo/mongod.conf <<'EOF'
net.port: 27017
EOF
commit "$repo" "mongo: drop the security section"
dw diff -C "$repo" HEAD --format json
json_check "mongod.conf: authorization removed moves to its default (disabled): critical DW-SET-001 naming MongoSG" \
	"any(x['rule']=='DW-SET-001' and x['severity']=='critical' and x['resource']=='mongodb:mongo' and 'cfn/mongo-sg.yaml:8' in x['message'] for x in f)"

write kibana/kibana.yml <<'EOF'
server.port: 5601
server.host: "0.0.0.0"
EOF
commit "$repo" "kibana: listen everywhere"
dw diff -C "$repo" HEAD --format json
json_check "kibana.yml: server.host 0.0.0.0 is DW-SET-003 at line 2" \
	"any(x['rule']=='DW-SET-003' and x['file']=='kibana/kibana.yml' and x['line']==2 for x in f)"

printf 'server.host: a\nserver:\n  host: b\n' > "$repo/kibana/kibana.yml"
commit "$repo" "kibana: malformed"
dw diff -C "$repo" HEAD --format json
json_check "kibana.yml set twice: DW-PARSE-001 at kibana/kibana.yml:3" \
	"any(x['rule']=='DW-PARSE-001' and x['file']=='kibana/kibana.yml' and x['line']==3 and 'set twice' in x['message'] for x in f)"

# ---- audit over the whole history ---------------------------------------------
dw audit -C "$repo" --format json
status_is "audit: exit 1" 1
json_check "audit: the refactor commit has no finding" \
	"not any(x['subject']=='refactor services' for x in f)"
json_check "audit: the protected-mode commit has the critical correlation finding" \
	"any(x['subject']=='redis: protected mode off' and x['rule']=='DW-SET-001' and 'cfn/redis-sg.yaml:8' in x['message'] for x in f)"

done_testing
