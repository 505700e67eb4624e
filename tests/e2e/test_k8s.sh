#!/usr/bin/env bash
# test_k8s.sh - Kubernetes manifests through the real git path: a
# Service turned LoadBalancer, an Ingress in front of Elasticsearch,
# hostNetwork, a NetworkPolicy removed or re-scoped (exposing); source
# ranges and an internal load balancer (safe); documents reordered, keys
# reordered, a manifest moved to another file, JSON instead of YAML
# (refactor: no finding); a malformed manifest (DW-PARSE-001 with
# file:line) and a Helm template (DW-PARSE-003, never a parse error).
. "$(dirname "$0")/lib.sh"

# svc TYPE [EXTRA-SPEC-LINE]: the Elasticsearch Service.
svc() {
	printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: es\n  namespace: data\nspec:\n'
	printf '  type: %s\n' "$1"
	[ -n "${2:-}" ] && printf '  %s\n' "$2"
	printf '  selector: {app: es}\n  ports:\n    - name: http\n      port: 9200\n'
}

netpol() {
	cat <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: es-ingress
  namespace: data
spec:
  podSelector:
    matchLabels: {app: es}
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector: {matchLabels: {app: web}}
        - ipBlock: {cidr: 10.0.0.0/8, except: [10.9.0.0/16]}
      ports:
        - {protocol: TCP, port: 9200}
YAML
}

deploy() { # deploy [HOSTNETWORK]
	printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: es\n  namespace: data\nspec:\n  template:\n    spec:\n'
	[ -n "${1:-}" ] && printf '      hostNetwork: true\n'
	printf '      containers:\n        - name: es\n          image: elasticsearch:8.13.0\n          ports:\n            - containerPort: 9200\n'
}

findings() { # prints "rule severity file:line" per finding of the last dw call
	printf '%s' "$OUT" | python3 -c 'import json,sys
for x in json.load(sys.stdin)["findings"]: print(x["rule"], x["severity"], "%s:%s" % (x["file"], x["line"]))'
}

repo=$(new_repo k8s)
mkdir -p "$repo/deploy"
{ svc ClusterIP; echo ---; netpol; echo ---; deploy; } > "$repo/deploy/es.yaml"
commit "$repo" "base: Elasticsearch inside the cluster"

# --- exposing -----------------------------------------------------------
{ svc LoadBalancer; echo ---; netpol; echo ---; deploy; } > "$repo/deploy/es.yaml"
commit "$repo" "expose es through a load balancer"
dw diff -C "$repo" HEAD --format json
status_is "ClusterIP -> LoadBalancer: exit 1" 1
json_check "LoadBalancer on 9200: critical DW-NET-001 at the port's line" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['resource']=='k8s:Service/data/es' and x['file']=='deploy/es.yaml' and x['line']==10 and x['after']=='tcp/9200 from 0.0.0.0/0, ::/0, k8s:cluster' and x['before']=='tcp/9200 from k8s:cluster' for x in f)"
json_check "the type change is DW-SET-030 (high) at the type line" \
	"any(x['rule']=='DW-SET-030' and x['severity']=='high' and x['line']==7 and 'LoadBalancer' in x['message'] and x['before']=='ClusterIP' for x in f)"
json_check "the node ports appear as k8s:node-network, not as the Internet" \
	"any(x['rule']=='DW-NET-011' and 'k8s:node-network' in x['widened'] and '30000-32767' in x['widened'] for x in f)"

# --- safe ---------------------------------------------------------------
{ svc LoadBalancer 'loadBalancerSourceRanges: [10.20.0.0/16]'; echo ---; netpol; echo ---; deploy; } > "$repo/deploy/es.yaml"
commit "$repo" "restrict the load balancer to the VPN"
dw diff -C "$repo" HEAD --format json -v
status_is "loadBalancerSourceRanges narrow: exit 0" 0
json_check "narrowing by source ranges is only DW-NET-900" \
	"[x['rule'] for x in f] == ['DW-NET-900'] and f[0]['widened'].startswith('tcp/9200 from 0.0.0.0/5')"

{ printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: es\n  namespace: data\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\nspec:\n  type: LoadBalancer\n  selector: {app: es}\n  ports:\n    - name: http\n      port: 9200\n'
  echo ---; netpol; echo ---; deploy; } > "$repo/deploy/es.yaml"
commit "$repo" "internal load balancer instead"
dw diff -C "$repo" HEAD --format json
json_check "an internal load balancer is not the Internet" \
	"not any(x['rule'] in ('DW-NET-001','DW-NET-002','DW-NET-003') for x in f) and any('k8s:internal-lb' in x['widened'] for x in f)"

# --- refactor: no finding ----------------------------------------------
{ deploy; echo ---; svc LoadBalancer 'loadBalancerSourceRanges: [10.20.0.0/16]'; echo ---; netpol; } > "$repo/deploy/es.yaml"
commit "$repo" "back to source ranges"
{ netpol; echo ---; deploy; } > "$repo/deploy/es.yaml"
# keys reordered and the Service moved to its own file
cat > "$repo/deploy/es-svc.yaml" <<'YAML'
kind: Service
apiVersion: v1
spec:
  ports:
    - port: 9200
      name: http
      protocol: TCP
  selector: {app: es}
  loadBalancerSourceRanges: ["10.20.0.0/16"]
  type: LoadBalancer
metadata:
  namespace: data
  name: es
YAML
commit "$repo" "split the Service out, reorder keys"
dw diff -C "$repo" HEAD --format json -v
status_is "moved and reordered: exit 0" 0
json_check "a manifest moved to another file with keys reordered: no finding" "f == [] and d['errors'] == []"

python3 - "$repo/deploy/es-svc.yaml" <<'PY'
import json, sys
svc = {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service",
       "metadata": {"name": "es", "namespace": "data"},
       "spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.20.0.0/17", "10.20.128.0/17"],
                "ports": [{"port": 9200, "name": "http"}]}}]}
open(sys.argv[1].replace(".yaml", ".json"), "w").write(json.dumps(svc, indent=1))
PY
git -C "$repo" rm -q deploy/es-svc.yaml
commit "$repo" "the Service as a JSON List, its range split in two halves"
dw diff -C "$repo" HEAD --format json -v
json_check "the same Service as a JSON List with a split CIDR: no finding" "f == [] and d['errors'] == []"

# --- NetworkPolicy ------------------------------------------------------
sed -i 's/{cidr: 10.0.0.0\/8, except: \[10.9.0.0\/16\]}/{cidr: 0.0.0.0\/0}/' "$repo/deploy/es.yaml"
commit "$repo" "let anyone reach es pods"
dw diff -C "$repo" HEAD --format json
json_check "an ipBlock 0.0.0.0/0 on 9200 is DW-NET-001 at the port line" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='k8s:NetworkPolicy/data/es-ingress' and x['after']=='tcp/9200 from 0.0.0.0/0, k8s-pod:data/app%3Dweb' and x['line']==15 for x in f)"

sed -i 's/matchLabels: {app: es}/matchLabels: {app: es, tier: hot}/' "$repo/deploy/es.yaml"
commit "$repo" "policy selects only hot nodes"
dw diff -C "$repo" HEAD --format json
json_check "a narrower podSelector is DW-NET-021" \
	"any(x['rule']=='DW-NET-021' and x['line']==8 and 'data/app=es,tier=hot' in x['message'] for x in f)"

deploy > "$repo/deploy/es.yaml"
commit "$repo" "drop the network policy"
dw diff -C "$repo" HEAD --format json
status_is "NetworkPolicy removed: exit 1" 1
json_check "removing a NetworkPolicy is DW-NET-020 (high), not a narrowing" \
	"[x['rule'] for x in f] == ['DW-NET-020'] and f[0]['severity']=='high' and f[0]['resource']=='k8s:NetworkPolicy/data/es-ingress'"

# --- Ingress, hostNetwork -------------------------------------------------
cat > "$repo/deploy/ingress.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: search, namespace: data}
spec:
  rules:
    - host: search.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: es, port: {number: 9200}}
YAML
commit "$repo" "ingress for es"
dw diff -C "$repo" HEAD --format json
json_check "an Ingress to the es Service is DW-NET-001 at the backend line" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='k8s:Ingress/data/search' and x['file']=='deploy/ingress.yaml' and x['line']==12 and x['after']=='tcp/9200 from 0.0.0.0/0, ::/0' for x in f)"

deploy host > "$repo/deploy/es.yaml"
commit "$repo" "es on the host network"
dw diff -C "$repo" HEAD --format json
json_check "hostNetwork is DW-SET-031 (high) at its line" \
	"any(x['rule']=='DW-SET-031' and x['severity']=='high' and x['file']=='deploy/es.yaml' and x['line']==9 for x in f)"

printf 'apiVersion: v1\nkind: Service\nmetadata: {name: es-nodes, namespace: data}\nspec:\n  type: NodePort\n  ports:\n    - {port: 9200, nodePort: 30920}\n' > "$repo/deploy/nodeport.yaml"
commit "$repo" "a new NodePort Service for es"
dw diff -C "$repo" HEAD --format json
json_check "a new NodePort Service is DW-SET-030 (high) naming its ports" \
	"any(x['rule']=='DW-SET-030' and x['severity']=='high' and x['file']=='deploy/nodeport.yaml' and x['line']==5 and 'tcp/30920 from k8s:node-network' in x['message'] for x in f)"

# --- malformed, Helm ----------------------------------------------------
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports:\n    - port: http\n' > "$repo/deploy/bad.yaml"
commit "$repo" "a Service with a port name for its port"
dw diff -C "$repo" HEAD --format json
status_is "malformed manifest: exit 1" 1
json_check "a malformed port is DW-PARSE-001 at deploy/bad.yaml:6" \
	"any(x['file']=='deploy/bad.yaml' and x['line']==6 and 'expected a port' in x['message'] for x in d['errors'])"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: bad\n' > "$repo/deploy/bad.yaml"
commit "$repo" "broken YAML"
dw diff -C "$repo" HEAD --format json
json_check "a YAML syntax error in a manifest is DW-PARSE-001 with its line" \
	"any(x['file']=='deploy/bad.yaml' and x['line']>0 for x in d['errors'])"
git -C "$repo" rm -q deploy/bad.yaml && commit "$repo" "drop bad"

mkdir -p "$repo/chart/templates"
cat > "$repo/chart/templates/service.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: {{ include "es.fullname" . }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
YAML
commit "$repo" "a Helm chart"
dw diff -C "$repo" HEAD --format json
json_check "a Helm template is DW-PARSE-003 (not analysable) at its first directive, not a parse error" \
	"[x['rule'] for x in f] == ['DW-PARSE-003'] and f[0]['file']=='chart/templates/service.yaml' and f[0]['line']==4 and d['errors']==[]"
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: "{{ .Values.type }}"\n' > "$repo/deploy/tpl.yaml"
commit "$repo" "a template outside templates/"
dw diff -C "$repo" HEAD --format json
json_check "a quoted directive outside templates/ is DW-PARSE-003 too" \
	"[(x['rule'], x['line']) for x in f] == [('DW-PARSE-003', 6)]"

# --- audit over the whole history ---------------------------------------
dw audit -C "$repo" --format json
json_check "audit names each exposing commit" \
	"{x['subject'] for x in f if x['rule'] in ('DW-NET-001','DW-NET-020','DW-SET-031')} >= {'expose es through a load balancer', 'drop the network policy', 'ingress for es', 'es on the host network'}"
json_check "audit: the refactor commits have no finding" \
	"not any(x['subject'] in ('split the Service out, reorder keys', 'the Service as a JSON List, its range split in two halves') for x in f)"

# --- a port that forwards to another: judged by the service behind it ----
r2=$(new_repo k8s-target)
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: es\nspec:\n  selector: {app: es}\n  ports:\n    - {port: 80, targetPort: 9200}\n' > "$r2/svc.yaml"
commit "$r2" "es behind port 80, inside the cluster"
sed -i 's/^spec:$/spec:\n  type: LoadBalancer/' "$r2/svc.yaml"
commit "$r2" "es behind port 80, on a load balancer"
dw diff -C "$r2" HEAD --format json
json_check "LoadBalancer port 80 with targetPort 9200 is Elasticsearch: critical DW-NET-001, not a web port" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and 'Elasticsearch' in x['message'] for x in f) and not any(x['rule']=='DW-NET-004' for x in f)"

done_testing
