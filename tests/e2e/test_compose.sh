#!/usr/bin/env bash
# test_compose.sh - docker-compose files through the real git path:
# Elasticsearch published on all interfaces (critical, with its security
# off), 0.0.0.0 (IPv4 only), a UDP range, network_mode: host (exposing);
# back to loopback (safe); short and long syntax of the same port,
# services and keys reordered (refactor: no finding); a malformed port
# (an unknown of its service) and broken YAML (DW-PARSE-001 with
# file:line); a port taken from the environment (an unknown, never a
# guess); which file names are read.
. "$(dirname "$0")/lib.sh"

compose() { # compose ES-PORT-ENTRY
	cat <<YAML
services:
  elasticsearch:
    image: elasticsearch:8.13.0
    environment:
      - discovery.type=single-node
    ports:
      - "$1"
  kibana:
    image: kibana:8.13.0
    ports:
      - "127.0.0.1:5601:5601"
YAML
}

repo=$(new_repo compose)
mkdir -p "$repo/deploy" "$repo/config"
compose "127.0.0.1:9200:9200" > "$repo/deploy/compose.yml"
printf 'xpack.security.enabled: false\n' > "$repo/config/elasticsearch.yml"
commit "$repo" "base: es on loopback"
dw diff -C "$repo" HEAD --format json
json_check "loopback publishing is not exposure to the Internet" \
	"not any(x['severity'] in ('critical','high') and x['rule'].startswith('DW-NET') for x in f)"

# --- exposing -----------------------------------------------------------
compose "9200:9200" > "$repo/deploy/compose.yml"
commit "$repo" "publish es on all interfaces"
dw diff -C "$repo" HEAD --format json
status_is "es on all interfaces: exit 1" 1
json_check "9200 on all interfaces is critical DW-NET-001 at the port line, naming security off" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['resource']=='compose:deploy:elasticsearch' and x['file']=='deploy/compose.yml' and x['line']==7 and x['after']=='tcp/9200 from 0.0.0.0/0, ::/0' and x['before']=='tcp/9200 from 127.0.0.1/32' and 'security is off in config/elasticsearch.yml:1' in x['message'] for x in f)"

# --- safe ---------------------------------------------------------------
compose "127.0.0.1:9200:9200" > "$repo/deploy/compose.yml"
commit "$repo" "back to loopback"
dw diff -C "$repo" HEAD --format json -v
status_is "back to loopback: exit 0" 0
json_check "back to loopback is only a narrowing" "[x['rule'] for x in f] == ['DW-NET-900']"

# --- refactor: no finding ----------------------------------------------
cat > "$repo/deploy/compose.yml" <<'YAML'
services:
  kibana:
    ports:
      - target: 5601
        published: 5601
        host_ip: 127.0.0.1
        protocol: tcp
    image: kibana:8.13.0
  elasticsearch:
    ports:
      - {host_ip: 127.0.0.1, target: 9200, published: "9200"}
    environment: [discovery.type=single-node]
    image: elasticsearch:8.13.0
YAML
commit "$repo" "long port syntax, services and keys reordered"
dw diff -C "$repo" HEAD --format json -v
status_is "short to long syntax: exit 0" 0
json_check "short vs long syntax of the same ports, reordered: no finding" "f == [] and d['errors'] == []"

# --- more exposing ------------------------------------------------------
compose "0.0.0.0:9200:9200" > "$repo/deploy/compose.yml"
commit "$repo" "publish es on 0.0.0.0"
dw diff -C "$repo" HEAD --format json
json_check "0.0.0.0 binds IPv4 only: DW-NET-001 from 0.0.0.0/0 without ::/0" \
	"any(x['rule']=='DW-NET-001' and x['after']=='tcp/9200 from 0.0.0.0/0' for x in f)"

compose "6000-6005:6000-6005/udp" > "$repo/deploy/compose.yml"
commit "$repo" "a udp range instead"
dw diff -C "$repo" HEAD --format json
json_check "a published UDP range is DW-NET-003 for exactly that range" \
	"any(x['rule']=='DW-NET-003' and x['after']=='udp/6000-6005 from 0.0.0.0/0, ::/0' for x in f)"

printf 'services:\n  metrics:\n    image: prom/node-exporter\n    network_mode: host\n' > "$repo/docker-compose.monitoring.yaml"
commit "$repo" "host networking for metrics"
dw diff -C "$repo" HEAD --format json
json_check "network_mode: host is every port from everywhere: DW-NET-002 at its line" \
	"any(x['rule']=='DW-NET-002' and x['severity']=='critical' and x['file']=='docker-compose.monitoring.yaml' and x['line']==4 and x['after']=='any from 0.0.0.0/0, ::/0' for x in f)"

printf 'services:\n  es2:\n    ports:\n      - "${ES_PORT:-9200}:9200"\n' > "$repo/docker-compose.yml"
commit "$repo" "a port from the environment"
dw diff -C "$repo" HEAD --format json
json_check "a port interpolated from the environment is DW-EVAL-001 at its line" \
	"[(x['rule'], x['line']) for x in f] == [('DW-EVAL-001', 4)] and 'environment' in f[0]['message']"

# --- malformed ----------------------------------------------------------
printf 'services:\n  es:\n    ports:\n      - "9200:http"\n' > "$repo/docker-compose.yml"
commit "$repo" "a malformed port"
dw diff -C "$repo" HEAD --format json
json_check "a malformed port is an unknown (DW-EVAL-001) at docker-compose.yml:4, not an unreadable file" \
	"d['errors'] == [] and any(x['rule']=='DW-EVAL-001' and x['file']=='docker-compose.yml' and x['line']==4 and 'container port' in x['message'] for x in f)"
printf 'services:\n  es:\n    ports: ["9200:9200"\n' > "$repo/docker-compose.yml"
commit "$repo" "broken YAML"
dw diff -C "$repo" HEAD --format json
json_check "broken YAML in a compose file is DW-PARSE-001 with a line" \
	"any(x['file']=='docker-compose.yml' and x['line']>0 for x in d['errors'])"

# --- a host port that forwards to another ------------------------------
compose "80:9200" > "$repo/docker-compose.yml"
commit "$repo" "es published on host port 80"
dw diff -C "$repo" HEAD --format json
json_check "\"80:9200\" is Elasticsearch on port 80: critical DW-NET-001 naming it, not a web port" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and 'Elasticsearch' in x['message'] and x['file']=='docker-compose.yml' for x in f) and not any(x['rule']=='DW-NET-004' for x in f)"

# A web app published on the host's 6379: named by what listens behind it
# (port 8080 of example/shop), never "Redis" for the host port number.
printf 'services:\n  shop:\n    image: example/shop:2.1\n    ports:\n      - "6379:8080"\n' > "$repo/docker-compose.yml"
commit "$repo" "shop published on host port 6379"
dw diff -C "$repo" HEAD --format json
json_check "\"6379:8080\" is judged by container port 8080: DW-NET-003, never Redis" \
	"any(x['rule']=='DW-NET-003' and x['resource']=='compose:.:shop' and x['after']=='tcp/6379 from 0.0.0.0/0, ::/0' for x in f) and 'redis' not in json.dumps(f).lower()"
printf 'services:\n  shop:\n    image: example/shop:2.1\n    ports:\n      - {target: 8080, published: "6379"}\n' > "$repo/docker-compose.yml"
commit "$repo" "shop port in long syntax"
dw diff -C "$repo" HEAD --format json
json_check "the same forward in long syntax: no finding" "f == [] and d['errors'] == []"

# --- names --------------------------------------------------------------
git -C "$repo" rm -q docker-compose.yml
printf 'services:\n  es:\n    ports: ["9200:9200"]\n' > "$repo/services.yml"
commit "$repo" "not a compose file name"
dw diff -C "$repo" HEAD --format json
json_check "a YAML file not named like a compose file, nor shaped like one, is not read" "f == [] and d['errors'] == []"
mkdir -p "$repo/swarm" "$repo/.github/workflows"
compose "9200:9200" > "$repo/swarm/stack.yml"
cat > "$repo/.github/workflows/ci.yml" <<'YAML'
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      es:
        image: elasticsearch:8.13.0
        ports: ["9200:9200"]
YAML
printf 'services:\n  - name: web\n    ports: [80]\n' > "$repo/inventory.yml"
commit "$repo" "a swarm stack file, a CI workflow and an inventory"
dw diff -C "$repo" HEAD --format json
json_check "a compose file under another name (stack.yml) is read by its shape" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='compose:swarm:elasticsearch' for x in f)"
json_check "... and a CI workflow's or an inventory's services: are not" \
	"all(x['file']=='swarm/stack.yml' for x in f) and d['errors'] == []"
git -C "$repo" rm -q -r swarm .github inventory.yml
commit "$repo" "drop them"

dw audit -C "$repo" --format json
json_check "audit: the exposing commits, and no finding for the refactor" \
	"{x['subject'] for x in f if x['rule'] in ('DW-NET-001','DW-NET-002')} == {'publish es on all interfaces', 'publish es on 0.0.0.0', 'host networking for metrics', 'es published on host port 80', 'a swarm stack file, a CI workflow and an inventory'} and not any(x['subject'].startswith('long port syntax') for x in f)"

done_testing
