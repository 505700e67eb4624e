#!/usr/bin/env bash
# compose: docker-compose stacks of a small team: short and long port
# syntax, host IPs, a port forwarded to another, UDP, a port from the
# environment, a file that never parsed; files renamed (compose.yaml <->
# docker-compose.yml) and stacks moved between directories.
# Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Lou Dev"
put README.md <<'EOF'
# team-stacks
`docker compose up -d` in each stack's directory.
EOF
commit "Initial commit"

# Step: search stack on loopback only (whether a loopback-only data
# store is worth a finding is left open: labels any).
put search/compose.yaml <<'EOF'
services:
  elasticsearch:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.13.4
    environment:
      - discovery.type=single-node
      - ES_JAVA_OPTS=-Xms1g -Xmx1g
    volumes:
      - esdata:/usr/share/elasticsearch/data
    ports:
      - "127.0.0.1:9200:9200"
  kibana:
    image: docker.elastic.co/kibana/kibana:8.13.4
    depends_on: [elasticsearch]
    ports:
      - "127.0.0.1:5601:5601"
volumes:
  esdata: {}
EOF
commit "search: elasticsearch and kibana for local debugging"

# Step: Elasticsearch published on all interfaces (critical).
sed -i 's|      - "127.0.0.1:9200:9200"|      - "9200:9200"|' search/compose.yaml
commit "search: publish elasticsearch for the log shippers"

# Step: the fix.
sed -i 's|      - "9200:9200"|      - "127.0.0.1:9200:9200"|' search/compose.yaml
commit "search: elasticsearch back on loopback"

# Step: a rename of the file only.
mv_ search/compose.yaml search/docker-compose.yml
commit "search: docker-compose.yml like the other stacks"

# Step: the stack moves to another directory.
mv_ search stacks/search
commit "Move search/ to stacks/search/"

# Step: the web stack: nginx on 80/443 (low); the API only exposed to
# the compose network; Postgres unpublished.
put app/docker-compose.yml <<'EOF'
services:
  nginx:
    image: nginx:1.25-alpine
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
  api:
    build: ./api
    expose:
      - "8000"
    environment:
      DATABASE_URL: postgres://shop@postgres/shop
  postgres:
    image: postgres:16
    environment:
      POSTGRES_DB: shop
EOF
commit "app: nginx, api and postgres"

# Step: refactor to the long port syntax, services reordered.
put app/docker-compose.yml <<'EOF'
services:
  postgres:
    image: postgres:16
    environment:
      POSTGRES_DB: shop
  api:
    build: ./api
    expose: ["8000"]
    environment:
      DATABASE_URL: postgres://shop@postgres/shop
  nginx:
    image: nginx:1.25-alpine
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
    ports:
      - target: 443
        published: "443"
        protocol: tcp
      - target: 80
        published: 80
EOF
commit "app: long port syntax"

# Step: the API published on the host's 9200 (a client hard-codes it):
# named and graded by what listens behind it (the API on 8000: a port to
# the Internet, high), never "Elasticsearch" for the host port number.
python3 - app/docker-compose.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('    expose: ["8000"]\n', '    expose: ["8000"]\n    ports:\n      - "9200:8000"\n')
open(p, "w").write(s)
EOF
commit "app: api on host port 9200 for the legacy mobile client"

# Step: Postgres published on all interfaces (critical).
as "Ava Bi"
python3 - app/docker-compose.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("      POSTGRES_DB: shop\n  api:", "      POSTGRES_DB: shop\n    ports:\n      - \"5432:5432\"\n  api:", 1)
open(p, "w").write(s)
EOF
commit "app: postgres for the BI tool"

# Step: the fix: published on loopback only (narrowing).
sed -i 's|      - "5432:5432"|      - "127.0.0.1:5432:5432"|' app/docker-compose.yml
commit "app: postgres on loopback, BI goes through the SSH tunnel"

# Step: Grafana on its own port, all interfaces (not a web port: high).
as "Lou Dev"
cat >> app/docker-compose.yml <<'EOF'
  grafana:
    image: grafana/grafana:10.4.2
    ports:
      - "3000:3000"
EOF
commit "app: grafana for the team"

# Step: the fix: Grafana only behind nginx.
python3 - app/docker-compose.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('    image: grafana/grafana:10.4.2\n    ports:\n      - "3000:3000"\n',
              '    image: grafana/grafana:10.4.2\n    expose: ["3000"]\n')
open(p, "w").write(s)
EOF
commit "app: grafana only behind nginx"

# Step: the stack directory and its file renamed together.
mv_ app/docker-compose.yml shop/compose.yaml
commit "Rename app/ to shop/"

# Step: Memcached over UDP on all interfaces (critical: amplification).
put cache/docker-compose.yml <<'EOF'
services:
  memcached:
    image: memcached:1.6
    command: ["memcached", "-U", "11211"]
    ports:
      - "11211:11211/udp"
EOF
commit "cache: memcached for the session store"

# Step: the fix.
sed -i 's|      - "11211:11211/udp"|      - "127.0.0.1:11211:11211/udp"|' cache/docker-compose.yml
commit "cache: memcached on loopback only"

# Step: a new file that never parsed (a tab in the indentation): medium,
# "could not be checked", never "widens exposure".
mkdir -p tools
printf 'services:\n  mailhog:\n    image: mailhog/mailhog:v1.0.1\n\tports:\n      - "8025:8025"\n' > tools/docker-compose.yml
commit "tools: mailhog for the staging mails"

# Step: mended: it now publishes 8025 on all interfaces, never judged
# before (not a web port: high).
printf 'services:\n  mailhog:\n    image: mailhog/mailhog:v1.0.1\n    ports:\n      - "8025:8025"\n' > tools/docker-compose.yml
commit "tools: fix the mailhog indentation"

# Step: an admin service whose host port comes from the environment: an
# explicit unknown (medium), never a guess.
as "Ava Bi"
cat >> shop/compose.yaml <<'EOF'
  admin:
    image: registry.example.com/shop/admin:2.1
    ports:
      - "${ADMIN_PORT}:8080"
EOF
commit "shop: admin UI on a port from .env"

# Step: the port fixed on loopback (from unknown to loopback only: left
# open like the other loopback-only ports).
sed -i 's|      - "${ADMIN_PORT}:8080"|      - "127.0.0.1:9000:8080"|' shop/compose.yaml
commit "shop: admin UI on 127.0.0.1:9000"

# Step: every stack moves under compose/.
as "Lou Dev"
mkdir -p compose
mv_ stacks/search compose/search
mv_ shop compose/shop
mv_ cache compose/cache
mv_ tools compose/tools
commit "Move every stack under compose/"

# Step: Kibana on 0.0.0.0 (IPv4, all interfaces: admin port, critical).
sed -i 's|      - "127.0.0.1:5601:5601"|      - "0.0.0.0:5601:5601"|' compose/search/docker-compose.yml
commit "search: kibana reachable from the office"

# Step: the fix.
sed -i 's|      - "0.0.0.0:5601:5601"|      - "127.0.0.1:5601:5601"|' compose/search/docker-compose.yml
commit "search: kibana back on loopback"

# Step: documentation only, plus an env example that is not compose.
put compose/shop/.env.example <<'EOF'
ADMIN_PORT=9000
EOF
echo "Copy .env.example to .env before starting the shop stack." >> README.md
commit "README: the shop stack's .env"

# Step: Redis published on every interface (critical).
as "Lou Dev"
cat >> compose/cache/docker-compose.yml <<'EOF'
  redis:
    image: redis:7.2-alpine
    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]
    ports:
      - "6379:6379"
EOF
commit "cache: redis next to memcached"

# Step: the fix.
sed -i 's|      - "6379:6379"|      - "127.0.0.1:6379:6379"|' compose/cache/docker-compose.yml
commit "cache: redis on loopback like memcached"

# Step: a port range for a game server, every interface (101 ports, not
# a wide range, no data store in it: high).
as "Ava Bi"
cat >> compose/shop/compose.yaml <<'EOF'
  realtime:
    image: registry.example.com/shop/realtime:0.9
    ports:
      - "10000-10100:10000-10100/udp"
EOF
commit "shop: realtime service with its UDP range"

# Step: the range dropped (narrowing).
python3 - compose/shop/compose.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('    ports:\n      - "10000-10100:10000-10100/udp"\n', '    expose: ["10000-10100/udp"]\n')
open(p, "w").write(s)
EOF
commit "shop: realtime only through the TURN relay"

# Step: refactor. Kibana in the long syntax with host_ip: same binding.
python3 - compose/search/docker-compose.yml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('      - "127.0.0.1:5601:5601"\n',
              '      - target: 5601\n        published: "5601"\n        host_ip: 127.0.0.1\n        protocol: tcp\n')
open(p, "w").write(s)
EOF
commit "search: kibana port in the long syntax"

# Step: nginx bound to 0.0.0.0 only: IPv6 dropped (narrowing).
as "Lou Dev"
python3 - compose/shop/compose.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('      - target: 443\n        published: "443"\n', '      - target: 443\n        published: "443"\n        host_ip: 0.0.0.0\n')
s = s.replace('      - target: 80\n        published: 80\n', '      - target: 80\n        published: 80\n        host_ip: 0.0.0.0\n')
open(p, "w").write(s)
EOF
commit "shop: nginx on IPv4 only"
