#!/usr/bin/env bash
# test_k8s.sh - Kubernetes manifests through the real git path: a
# Service turned LoadBalancer, an Ingress in front of Elasticsearch,
# hostNetwork, a NetworkPolicy removed or re-scoped (exposing); source
# ranges and an internal load balancer (safe); documents reordered, keys
# reordered, a manifest moved to another file, JSON instead of YAML
# (refactor: no finding); a malformed manifest (DW-PARSE-001 with
# file:line), a malformed value (an unknown of its object) and a Helm
# template (DW-PARSE-003, never a parse error).
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
json_check "ClusterIP -> LoadBalancer on 9200: one finding, DW-SET-030 at the type line, critical as what it opens" \
	"[x['rule'] for x in f if x['resource']=='k8s:Service/data/es'] == ['DW-SET-030'] and any(x['severity']=='critical' and x['file']=='deploy/es.yaml' and x['line']==7 and 'type LoadBalancer, before ClusterIP' in x['message'] and '. Elasticsearch newly reachable from the Internet: tcp/9200 from 0.0.0.0/0, ::/0.' in x['message'] and 'tcp/9200 from 0.0.0.0/0, ::/0, k8s:cluster' in x['after'] and 'tcp/9200 from k8s:cluster' in x['before'] for x in f)"
json_check "the node ports appear as k8s:node-network, not as the Internet" \
	"any(x['rule']=='DW-SET-030' and 'from private sources k8s:node-network: tcp/30000-32767 from k8s:node-network' in x['message'] for x in f)"

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
json_check "an Ingress to the es Service is DW-NET-001 at the backend line: the controller's port 80, routed to es" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='k8s:Ingress/data/search' and x['file']=='deploy/ingress.yaml' and x['line']==12 and x['after']=='tcp/80 from 0.0.0.0/0, ::/0' and 'Elasticsearch' in x['message'] for x in f)"

deploy host > "$repo/deploy/es.yaml"
commit "$repo" "es on the host network"
dw diff -C "$repo" HEAD --format json
json_check "hostNetwork is DW-SET-031 (high) at its line" \
	"any(x['rule']=='DW-SET-031' and x['severity']=='high' and x['file']=='deploy/es.yaml' and x['line']==9 for x in f)"

printf 'apiVersion: v1\nkind: Service\nmetadata: {name: es-nodes, namespace: data}\nspec:\n  type: NodePort\n  ports:\n    - {port: 9200, nodePort: 30920}\n' > "$repo/deploy/nodeport.yaml"
commit "$repo" "a new NodePort Service for es"
dw diff -C "$repo" HEAD --format json
json_check "a new NodePort Service for es is DW-SET-030, medium as es from private sources, naming its ports" \
	"any(x['rule']=='DW-SET-030' and x['severity']=='medium' and x['file']=='deploy/nodeport.yaml' and x['line']==5 and 'Elasticsearch newly reachable from private sources' in x['message'] and 'tcp/30920 from k8s:node-network' in x['message'] for x in f)"

# --- malformed, Helm ----------------------------------------------------
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports:\n    - port: http\n' > "$repo/deploy/bad.yaml"
commit "$repo" "a Service with a port name for its port"
dw diff -C "$repo" HEAD --format json
json_check "a malformed port is an unknown (DW-EVAL-001) at deploy/bad.yaml:6, not an unreadable file" \
	"d['errors'] == [] and any(x['rule']=='DW-EVAL-001' and x['file']=='deploy/bad.yaml' and x['line']==6 and 'expected a port' in x['message'] for x in f)"
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
	"{x['subject'] for x in f if x['rule'] in ('DW-NET-001','DW-NET-020','DW-SET-030','DW-SET-031')} >= {'expose es through a load balancer', 'drop the network policy', 'ingress for es', 'es on the host network'}"
json_check "audit: the refactor commits have no finding" \
	"not any(x['subject'] in ('split the Service out, reorder keys', 'the Service as a JSON List, its range split in two halves') for x in f)"

# --- a port that forwards to another: judged by the service behind it ----
r2=$(new_repo k8s-target)
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: es\nspec:\n  selector: {app: es}\n  ports:\n    - {port: 80, targetPort: 9200}\n' > "$r2/svc.yaml"
commit "$r2" "es behind port 80, inside the cluster"
sed -i 's/^spec:$/spec:\n  type: LoadBalancer/' "$r2/svc.yaml"
commit "$r2" "es behind port 80, on a load balancer"
dw diff -C "$r2" HEAD --format json
json_check "LoadBalancer port 80 with targetPort 9200 is Elasticsearch: critical, not a web port" \
	"[(x['rule'], x['severity']) for x in f] == [('DW-SET-030', 'critical')] and 'Elasticsearch newly reachable from the Internet' in f[0]['message']"

# --- constructs real repositories write --------------------------------
r3=$(new_repo k8s-real)
mkdir -p "$r3/k8s"
cat > "$r3/k8s/docs.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: docs, namespace: web}
spec:
  selector: {app: docs}
  ports:
    - {name: http, port: 4000}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: docs, namespace: web}
spec:
  podSelector: {matchLabels: {app: docs}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {name: ingress-nginx}}}]
YAML
commit "$r3" "docs site inside the cluster"

# A refactor that changes nothing: policyTypes [Ingress] -> [] (the API
# server defaults an empty list as an omitted one).
sed -i 's/policyTypes: \[Ingress\]/policyTypes: []/' "$r3/k8s/docs.yaml"
commit "$r3" "policyTypes left empty"
dw diff -C "$r3" HEAD --format json -v
json_check "policyTypes: [] is policyTypes: [Ingress]: no finding" "f == [] and d['errors'] == []"

# A widening: an Ingress exposes the controller's HTTP listener, routed
# to docs:4000; then TLS adds the HTTPS listener.
cat > "$r3/k8s/ingress.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: docs, namespace: web}
spec:
  ingressClassName: nginx
  rules:
    - host: docs.example.org
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: docs, port: {number: 4000}}
YAML
commit "$r3" "publish the docs"
dw diff -C "$r3" HEAD --format json
json_check "an Ingress to docs:4000 is the controller's port 80 (low DW-NET-004), never port 4000 from the Internet" \
	"[(x['rule'], x['severity'], x['after']) for x in f] == [('DW-NET-004', 'low', 'tcp/80 from 0.0.0.0/0, ::/0')] and '4000 from' not in json.dumps(d)"
sed -i 's/^  rules:$/  tls: [{hosts: [docs.example.org], secretName: docs-tls}]\n  rules:/' "$r3/k8s/ingress.yaml"
commit "$r3" "serve the docs over TLS"
dw diff -C "$r3" HEAD --format json
json_check "TLS on the Ingress adds the controller's 443" \
	"[(x['rule'], x['after']) for x in f] == [('DW-NET-004', 'tcp/443 from 0.0.0.0/0, ::/0')]"

# A narrowing: the Ingress removed.
git -C "$r3" rm -q k8s/ingress.yaml
commit "$r3" "unpublish the docs"
dw diff -C "$r3" HEAD --format json
json_check "removing the Ingress narrows: no widening finding" \
	"not any(x['rule'].startswith('DW-NET-00') for x in f)"

# nodePort: 0 lets the cluster choose: read, never a parse error.
cat > "$r3/k8s/etcd.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: etcd-discovery, namespace: kube-system}
spec:
  type: NodePort
  selector: {app: etcd}
  ports:
    - {port: 2379, targetPort: 2379, nodePort: 0}
YAML
commit "$r3" "etcd discovery on a node port"
dw diff -C "$r3" HEAD --format json
json_check "nodePort: 0 is the cluster's NodePort range, not DW-PARSE-001" \
	"d['errors'] == [] and any('tcp/30000-32767 from k8s:node-network' in x['widened'] for x in f)"

# A legacy v1beta1 Service with createExternalLoadBalancer: the API gave
# it a public load balancer.
cat > "$r3/k8s/frontend.json" <<'JSON'
{"id": "frontend", "kind": "Service", "apiVersion": "v1beta1", "port": 6379, "containerPort": 6379,
 "selector": {"name": "redis-master"}, "createExternalLoadBalancer": true}
JSON
commit "$r3" "legacy redis service"
dw diff -C "$r3" HEAD --format json
json_check "a v1beta1 createExternalLoadBalancer Service on 6379 is Redis from the Internet" \
	"d['errors'] == [] and any(x['rule'] in ('DW-NET-001','DW-SET-030') and x['severity']=='critical' and 'Redis' in x['message'] and x['resource']=='k8s:Service/default/frontend' for x in f)"

# An unknown: a named Ingress backend port not declared in the repository.
cat > "$r3/k8s/api-ingress.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: web}
spec:
  defaultBackend:
    service: {name: api, port: {name: grpc}}
YAML
commit "$r3" "api ingress by port name"
dw diff -C "$r3" HEAD --format json
json_check "an undeclared named backend port is an unknown (DW-EVAL-001), not a guess" \
	"any(x['rule']=='DW-EVAL-001' and 'grpc' in x['message'] for x in f) and not any(x['rule'].startswith('DW-NET-00') for x in f)"

# --- issue 15 surfaces: Knative, KubeletConfiguration, control-plane flags ---
cp=$(new_repo k8s-cp)
mkdir -p "$cp/apps" "$cp/nodes" "$cp/manifests"
ksvc() { # ksvc [VISIBILITY-LABEL-LINE] [HOSTNETWORK]
	printf 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: search\n  namespace: apps\n'
	[ -n "${1:-}" ] && printf '  labels:\n    %s\n' "$1"
	printf 'spec:\n  template:\n    spec:\n'
	[ -n "${2:-}" ] && printf '      hostNetwork: true\n'
	printf '      containers:\n        - image: example/search:3\n          ports:\n            - containerPort: 9200\n'
}
ksvc 'networking.knative.dev/visibility: cluster-local' > "$cp/apps/search.yaml"
commit "$cp" "knative: search inside the cluster"
ksvc > "$cp/apps/search.yaml"
commit "$cp" "knative: search public"
dw diff -C "$cp" HEAD --format json
json_check "a Knative Service made public routes the Internet to Elasticsearch's 9200: critical DW-NET-001" \
	"any(x['rule']=='DW-NET-001' and x['resource']=='k8s:Service.serving.knative.dev/apps/search' and x['after']=='tcp/80 from 0.0.0.0/0, ::/0, k8s:cluster' for x in f)"
ksvc 'networking.knative.dev/visibility: cluster-local' > "$cp/apps/search.yaml"
commit "$cp" "knative: back inside"
dw diff -C "$cp" HEAD --format json -v
json_check "Knative Service back to cluster-local: a narrowing" "[x['rule'] for x in f] == ['DW-NET-900']"
ksvc 'serving.knative.dev/visibility: cluster-local' > "$cp/apps/search.yaml"
commit "$cp" "knative: the older label"
dw diff -C "$cp" HEAD --format json -v
json_check "the older visibility label says the same: no finding" "f == [] and d['errors'] == []"
ksvc 'serving.knative.dev/visibility: cluster-local' host > "$cp/apps/search.yaml"
commit "$cp" "knative: host network"
dw diff -C "$cp" HEAD --format json
json_check "hostNetwork in a Knative Service is DW-SET-031" \
	"any(x['rule']=='DW-SET-031' and x['resource']=='k8s:Service.serving.knative.dev/apps/search' for x in f)"

kcfg() { # kcfg ANONYMOUS MODE [READONLY]
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: %s\nauthorization:\n  mode: %s\n' "$1" "$2"
	[ -n "${3:-}" ] && printf 'readOnlyPort: %s\n' "$3"
}
kcfg false Webhook > "$cp/nodes/kubelet-config.yaml"
commit "$cp" "kubelet config: secure"
kcfg true AlwaysAllow 10255 > "$cp/nodes/kubelet-config.yaml"
commit "$cp" "kubelet config: debugging"
dw diff -C "$cp" HEAD --format json
json_check "KubeletConfiguration with anonymous auth and AlwaysAllow: critical DW-SET-001, and the read-only port" \
	"any(x['rule']=='DW-SET-001' and x['severity']=='critical' and x['line']==5 for x in f) and any('tcp/10255 from k8s:node-network' in x['after'] for x in f)"
kcfg true Webhook > "$cp/nodes/kubelet-config.yaml"
commit "$cp" "kubelet config: webhook authorization, no read-only port"
dw diff -C "$cp" HEAD --format json -v
json_check "authorization back to Webhook and readOnlyPort dropped: only a narrowing, and auth back on" \
	"sorted(x['rule'] for x in f) == ['DW-NET-900', 'DW-SET-900'] and [x['widened'] for x in f if x['rule']=='DW-SET-900'] == ['auth: on']"
printf 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1beta1\nauthorization: {mode: Webhook}\nreadOnlyPort: 0\nauthentication: {anonymous: {enabled: true}}\n' > "$cp/nodes/kubelet-config.yaml"
git -C "$cp" mv nodes/kubelet-config.yaml nodes/config.yaml
commit "$cp" "kubelet config: flow style, readOnlyPort 0 written, file renamed"
dw diff -C "$cp" HEAD --format json -v
json_check "the same KubeletConfiguration reformatted and renamed: no finding" "f == [] and d['errors'] == []"
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: "${RO_PORT}"\n' > "$cp/nodes/config.yaml"
commit "$cp" "kubelet config: port from the environment"
dw diff -C "$cp" HEAD --format json
json_check "a readOnlyPort that is not a port is an unknown" \
	"any(x['rule']=='DW-EVAL-001' and 'readOnlyPort' in x['message'] for x in f)"

static_pod() { # static_pod IMAGE FLAG...
	local image=$1
	shift
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n    - name: kube-apiserver\n      image: %s\n      command:\n        - kube-apiserver\n' "$image"
	for flag in "$@"; do printf '        - %s\n' "$flag"; done
}
static_pod registry.k8s.io/kube-apiserver:v1.28.2 --anonymous-auth=false --authorization-mode=Node,RBAC > "$cp/manifests/kube-apiserver.yaml"
commit "$cp" "apiserver: RBAC"
static_pod registry.k8s.io/kube-apiserver:v1.28.2 --anonymous-auth=true --authorization-mode=AlwaysAllow > "$cp/manifests/kube-apiserver.yaml"
commit "$cp" "apiserver: AlwaysAllow"
dw diff -C "$cp" HEAD --format json
json_check "kube-apiserver with anonymous auth and AlwaysAllow: critical DW-SET-001 at the flag's line" \
	"any(x['rule']=='DW-SET-001' and x['resource']=='k8s:Pod/kube-system/kube-apiserver/kube-apiserver' and x['line']==13 for x in f)"
static_pod registry.k8s.io/kube-apiserver:v1.28.2 --anonymous-auth=false --authorization-mode=Node,RBAC > "$cp/manifests/kube-apiserver.yaml"
commit "$cp" "apiserver: RBAC again"
dw diff -C "$cp" HEAD --format json
json_check "back to RBAC: no finding above info" "not any(x['severity'] in ('low','medium','high','critical') for x in f)"
static_pod registry.k8s.io/kube-apiserver:v1.28.2 --authorization-mode=Node,RBAC --anonymous-auth=false > "$cp/manifests/kube-apiserver.yaml"
commit "$cp" "apiserver: flags reordered"
dw diff -C "$cp" HEAD --format json -v
json_check "flags reordered: no finding" "f == [] and d['errors'] == []"
static_pod example/apiserver:latest --authorization-mode=Node,RBAC --anonymous-auth=false > "$cp/manifests/kube-apiserver.yaml"
commit "$cp" "apiserver: an image without a version"
dw diff -C "$cp" HEAD --format json
json_check "an API server image without a version: its insecure port is an unknown, not a guess" \
	"any(x['rule']=='DW-EVAL-001' and 'insecure-port' in x['message'] for x in f)"

# kube-controller-manager and kube-scheduler: the same settings as the API server's.
manager_pod() { # manager_pod PROGRAM IMAGE FLAG...
	local prog=$1 image=$2
	shift 2
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: kube-system\nspec:\n  hostNetwork: true\n  containers:\n    - name: %s\n      image: %s\n      command:\n        - %s\n' "$prog" "$prog" "$image" "$prog"
	for flag in "$@"; do printf '        - %s\n' "$flag"; done
}
manager_pod kube-controller-manager registry.k8s.io/kube-controller-manager:v1.19.16 --bind-address=127.0.0.1 --port=0 \
	> "$cp/manifests/kube-controller-manager.yaml"
manager_pod kube-scheduler registry.k8s.io/kube-scheduler:v1.29.0 --bind-address=127.0.0.1 \
	> "$cp/manifests/kube-scheduler.yaml"
commit "$cp" "controller-manager and scheduler on the loopback"
manager_pod kube-controller-manager registry.k8s.io/kube-controller-manager:v1.19.16 --bind-address=127.0.0.1 \
	> "$cp/manifests/kube-controller-manager.yaml"
commit "$cp" "controller-manager: --port=0 dropped"
dw diff -C "$cp" HEAD --format json
json_check "controller-manager 1.19 without --port=0: its insecure 10252 serves the node network, auth off (DW-SET-001)" \
	"any(x['rule']=='DW-SET-001' and x['resource']=='k8s:Pod/kube-system/kube-controller-manager/kube-controller-manager' for x in f) and any(x['after']=='tcp/10252 from k8s:node-network' for x in f)"
manager_pod kube-controller-manager registry.k8s.io/kube-controller-manager:v1.19.16 --port=0 --bind-address=127.0.0.1 \
	> "$cp/manifests/kube-controller-manager.yaml"
commit "$cp" "controller-manager: --port=0 again, flags reordered"
dw diff -C "$cp" HEAD --format json
json_check "controller-manager: --port=0 back narrows, no finding above info" \
	"not any(x['severity'] in ('low','medium','high','critical') for x in f)"
manager_pod kube-controller-manager registry.k8s.io/kube-controller-manager:v1.19.16 --bind-address=127.0.0.1 --port=0 \
	> "$cp/manifests/kube-controller-manager.yaml"
commit "$cp" "controller-manager: flags reordered back"
dw diff -C "$cp" HEAD --format json -v
json_check "controller-manager: flags reordered: no finding" "f == [] and d['errors'] == []"
manager_pod kube-scheduler registry.k8s.io/kube-scheduler:v1.29.0 --bind-address=0.0.0.0 \
	> "$cp/manifests/kube-scheduler.yaml"
commit "$cp" "scheduler on every interface"
dw diff -C "$cp" HEAD --format json
json_check "scheduler bound to 0.0.0.0: the bind widened (DW-SET-003, auth on), no insecure port in 1.29" \
	"any(x['rule']=='DW-SET-003' and x['resource']=='k8s:Pod/kube-system/kube-scheduler/kube-scheduler' for x in f) and not any('10251' in x.get('after','') for x in f)"
manager_pod kube-scheduler example.org/scheduler:stable --bind-address=0.0.0.0 \
	> "$cp/manifests/kube-scheduler.yaml"
commit "$cp" "scheduler: an image without a version"
dw diff -C "$cp" HEAD --format json
json_check "a scheduler image without a version: its insecure port is an unknown, not a guess" \
	"any(x['rule']=='DW-EVAL-001' and '--port' in x['message'] for x in f)"

done_testing
