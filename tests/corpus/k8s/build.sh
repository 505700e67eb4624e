#!/usr/bin/env bash
# k8s: a kustomize-style layout (base/ and overlays/staging, overlays/prod)
# with Services, a NetworkPolicy, Ingresses (networking.k8s.io/v1 and the
# legacy extensions/v1beta1 form), load balancers (public, restricted,
# internal), a host-network DaemonSet, nodePort: 0; renames, directory
# moves, a multi-document file split into files. Labels: ./labels.
. "$(dirname "$0")/../lib.sh" "$@"

as "Pia Kube"
put README.md <<'EOF'
# shop-deploy
Kustomize: `kubectl apply -k k8s/overlays/prod`.
EOF
commit "Initial commit"

# Step: the web Deployment and its ClusterIP Service (cluster-internal:
# private, web port 80 -> 8080: low).
put k8s/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
commonLabels:
  app.kubernetes.io/part-of: shop
resources:
  - web-deployment.yaml
  - web-service.yaml
EOF
put k8s/base/web-deployment.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2
          ports:
            - name: http
              containerPort: 8080
EOF
put k8s/base/web-service.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
EOF
commit "base: web deployment and service"

# Step: Redis with a ClusterIP Service and a NetworkPolicy letting only
# the web pods in: a data-store port reached from cluster and pod-selector
# sources (non-IP sources keep the data-store grade: medium).
put k8s/base/redis.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis
spec:
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7.2
          ports:
            - containerPort: 6379
---
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app: redis
  ports:
    - port: 6379
      targetPort: 6379
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: redis
spec:
  podSelector:
    matchLabels:
      app: redis
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: web
      ports:
        - protocol: TCP
          port: 6379
EOF
sed -i 's/^  - web-service.yaml$/&\n  - redis.yaml/' k8s/base/kustomization.yaml
commit "base: redis for sessions, reachable from web only"

# Step: refactor. Keys reordered, flow style, port names: same objects.
put k8s/base/web-service.yaml <<'EOF'
kind: Service
apiVersion: v1
metadata: {name: web, labels: {app: web}}
spec:
  ports: [{name: http, targetPort: http, port: 80, protocol: TCP}]
  selector: {app: web}
  type: ClusterIP
EOF
commit "base: tidy the web service manifest"

# Step: staging overlay with an Ingress: the controller's HTTP(S) from
# the Internet (web ports: low), not the backend port.
put k8s/overlays/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-staging
resources:
  - ../../base
  - ingress.yaml
EOF
put k8s/overlays/staging/ingress.yaml <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop-staging
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  rules:
    - host: staging.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
EOF
commit "overlays: staging with an ingress"

# Step: prod overlay with the legacy extensions/v1beta1 Ingress
# (serviceName/servicePort): the same kind of exposure (low).
put k8s/overlays/prod/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-prod
resources:
  - ../../base
  - ingress.yaml
EOF
put k8s/overlays/prod/ingress.yaml <<'EOF'
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  namespace: shop-prod
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: web
              servicePort: 80
EOF
commit "overlays: prod with the old ingress manifest"

# Step: a public LoadBalancer for the API on 443 (-> 8443): one coherent
# finding from the computed exposure: a web port from the Internet (low).
as "Tom Api"
put k8s/overlays/prod/api-lb.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: api-public
  namespace: shop-prod
spec:
  type: LoadBalancer
  selector:
    app: api
  ports:
    - name: https
      port: 443
      targetPort: 8443
EOF
sed -i 's/^  - ingress.yaml$/&\n  - api-lb.yaml/' k8s/overlays/prod/kustomization.yaml
commit "prod: public load balancer for the API"

# Step: narrowed to a partner's address (narrowing only).
python3 - k8s/overlays/prod/api-lb.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerSourceRanges:\n    - 52.16.201.7/32\n")
open(p, "w").write(s)
EOF
commit "prod: API load balancer only for the partner"

# Step: an internal load balancer (Azure annotation): private (low), and
# no Service-type finding graded apart from the exposure.
put k8s/overlays/prod/billing-lb.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: billing-internal
  namespace: shop-prod
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-internal: "true"
spec:
  type: LoadBalancer
  selector:
    app: billing
  ports:
    - port: 8080
      targetPort: 8080
EOF
sed -i 's/^  - api-lb.yaml$/&\n  - billing-lb.yaml/' k8s/overlays/prod/kustomization.yaml
commit "prod: internal load balancer for billing"

# Step: the Redis policy admits every namespace (medium).
as "Pia Kube"
python3 - k8s/base/redis.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''        - podSelector:
            matchLabels:
              app: web
''', '''        - namespaceSelector: {}
''')
open(p, "w").write(s)
EOF
commit "redis: let the batch jobs in from any namespace"

# Step: the revert (narrowing).
python3 - k8s/base/redis.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''        - namespaceSelector: {}
''', '''        - podSelector:
            matchLabels:
              app: web
''')
open(p, "w").write(s)
EOF
commit "Revert \"redis: let the batch jobs in from any namespace\""

# Step: refactor. policyTypes written as [] (the API server defaults it
# as if omitted: Ingress, since the policy has ingress rules).
python3 - k8s/base/redis.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  policyTypes:\n    - Ingress\n", "  policyTypes: []\n")
open(p, "w").write(s)
EOF
commit "redis: policyTypes left to the API server"

# Step: a directory move of the whole tree.
mv_ k8s deploy/k8s
commit "Move k8s/ to deploy/k8s/"

# Step: refactor. The multi-document redis.yaml is split into one file
# per object in base/redis/ (a kustomize component directory).
mkdir -p deploy/k8s/base/redis
python3 - deploy/k8s/base/redis.yaml deploy/k8s/base/redis <<'EOF'
import sys
src, out = sys.argv[1], sys.argv[2]
docs = open(src).read().split("---\n")
for name, doc in zip(("deployment.yaml", "service.yaml", "networkpolicy.yaml"), docs):
    open(f"{out}/{name}", "w").write(doc)
open(f"{out}/kustomization.yaml", "w").write(
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
    "  - deployment.yaml\n  - service.yaml\n  - networkpolicy.yaml\n")
EOF
git rm -q deploy/k8s/base/redis.yaml
sed -i 's/^  - redis.yaml$/  - redis/' deploy/k8s/base/kustomization.yaml
commit "base: redis as its own directory, one object per file"

# Step: the policy is dropped: Redis pods accept anything (high).
as "Tom Api"
rm_ deploy/k8s/base/redis/networkpolicy.yaml
sed -i '/networkpolicy.yaml/d' deploy/k8s/base/redis/kustomization.yaml
commit "redis: drop the network policy, it blocked the new worker"

# Step: node-exporter on the host network (high), its port on the nodes.
as "Pia Kube"
put deploy/k8s/base/monitoring/node-exporter.yaml <<'EOF'
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: node-exporter
  template:
    metadata:
      labels:
        app: node-exporter
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.7.0
          args: ["--web.listen-address=:9100"]
          ports:
            - containerPort: 9100
              name: metrics
EOF
commit "monitoring: node-exporter daemonset"

# Step: the web Service as NodePort with nodePort: 0 (let the cluster
# choose): valid input, read it (the grade is left open: labels any).
python3 - deploy/k8s/base/web-service.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  ports: [{name: http, targetPort: http, port: 80, protocol: TCP}]",
              "  ports: [{name: http, targetPort: http, port: 80, protocol: TCP, nodePort: 0}]")
s = s.replace("  type: ClusterIP", "  type: NodePort")
open(p, "w").write(s)
EOF
commit "web: NodePort for the on-prem balancer"

# Step: back to ClusterIP (narrowing).
python3 - deploy/k8s/base/web-service.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace(", nodePort: 0}]", "}]").replace("  type: NodePort", "  type: ClusterIP")
open(p, "w").write(s)
EOF
commit "web: back to ClusterIP"

# Step: a LoadBalancer in front of Redis by mistake (critical).
as "Tom Api"
put deploy/k8s/overlays/prod/redis-lb.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: redis-external
  namespace: shop-prod
spec:
  type: LoadBalancer
  selector:
    app: redis
  ports:
    - port: 6379
EOF
sed -i 's/^  - billing-lb.yaml$/&\n  - redis-lb.yaml/' deploy/k8s/overlays/prod/kustomization.yaml
commit "prod: expose redis for the analytics notebook"

# Step: the fix.
rm_ deploy/k8s/overlays/prod/redis-lb.yaml
sed -i '/redis-lb.yaml/d' deploy/k8s/overlays/prod/kustomization.yaml
commit "prod: remove the redis load balancer"

# Step: a comment holding {{ }} (copied from the chart this came from):
# still plain YAML, still read; nothing changed.
as "Pia Kube"
python3 - deploy/k8s/base/web-service.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
open(p, "w").write("# was {{ include \"shop.fullname\" . }}-web in the Helm chart\n" + s)
EOF
commit "web: note where the service came from"

# Step: a metrics port on the same Service (cluster-internal, low): the
# commented file is read.
sed -i 's|  ports: \[{name: http, targetPort: http, port: 80, protocol: TCP}\]|  ports: [{name: http, targetPort: http, port: 80, protocol: TCP}, {name: metrics, port: 9090, targetPort: 9090}]|' deploy/k8s/base/web-service.yaml
commit "web: expose the metrics port in the service"

# Step: the API load balancer open to everyone again (web port: low).
as "Tom Api"
python3 - deploy/k8s/overlays/prod/api-lb.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("  loadBalancerSourceRanges:\n    - 52.16.201.7/32\n", "")
open(p, "w").write(s)
EOF
commit "prod: API load balancer public again for the mobile app"

# Step: rename of one overlay file.
mv_ deploy/k8s/overlays/prod/api-lb.yaml deploy/k8s/overlays/prod/service-api-public.yaml
sed -i 's/^  - api-lb.yaml$/  - service-api-public.yaml/' deploy/k8s/overlays/prod/kustomization.yaml
commit "prod: name service files after their kind"

# Step: an internal load balancer by the GKE annotation (private, low).
as "Tom Api"
put deploy/k8s/overlays/prod/service-search-internal.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: search-internal
  namespace: shop-prod
  annotations:
    networking.gke.io/load-balancer-type: "Internal"
spec:
  type: LoadBalancer
  selector:
    app: search-api
  ports:
    - port: 8080
EOF
sed -i 's/^  - service-api-public.yaml$/&\n  - service-search-internal.yaml/' deploy/k8s/overlays/prod/kustomization.yaml
commit "prod: internal load balancer for the search API"

# Step: an internal NLB by the AWS annotations in front of PostgreSQL
# (private sources on a data-store port: medium).
put deploy/k8s/overlays/prod/service-ledger-db.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: ledger-db
  namespace: shop-prod
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: "nlb"
    service.beta.kubernetes.io/aws-load-balancer-internal: "true"
spec:
  type: LoadBalancer
  selector:
    app: ledger-db
  ports:
    - port: 5432
      targetPort: 5432
EOF
sed -i 's/^  - service-search-internal.yaml$/&\n  - service-ledger-db.yaml/' deploy/k8s/overlays/prod/kustomization.yaml
commit "prod: internal NLB for the ledger database"

# Step: a NetworkPolicy for web in staging: only the ingress controller's
# namespace on 8080 (a namespace selector: private, not a data store: low).
as "Pia Kube"
put deploy/k8s/overlays/staging/networkpolicy-web.yaml <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop-staging
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
      ports:
        - port: 8080
EOF
sed -i 's/^  - ingress.yaml$/&\n  - networkpolicy-web.yaml/' deploy/k8s/overlays/staging/kustomization.yaml
commit "staging: web pods only from the ingress controller"

# Step: an ipBlock of the whole IPv4 space except private ranges on 8080
# (the Internet, a port that is not a web port: high).
as "Tom Api"
python3 - deploy/k8s/overlays/staging/networkpolicy-web.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace('''              kubernetes.io/metadata.name: ingress-nginx
''', '''              kubernetes.io/metadata.name: ingress-nginx
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              - 10.0.0.0/8
              - 172.16.0.0/12
              - 192.168.0.0/16
''')
open(p, "w").write(s)
EOF
commit "staging: web pods from outside for the load-test agents"

# Step: the revert.
python3 - deploy/k8s/overlays/staging/networkpolicy-web.yaml <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read()
i = s.index("        - ipBlock:\n"); j = s.index("      ports:\n")
open(p, "w").write(s[:i] + s[j:])
EOF
commit "Revert \"staging: web pods from outside for the load-test agents\""

# Step: kubeadm-style static pods for the controller manager and the
# scheduler, on the loopback, insecure port off (nothing to report).
as "Ana Ops"
put cluster/manifests/kube-controller-manager.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: kube-controller-manager
  namespace: kube-system
  labels: {component: kube-controller-manager, tier: control-plane}
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
    - name: kube-controller-manager
      image: registry.k8s.io/kube-controller-manager:v1.20.15
      command:
        - kube-controller-manager
        - --authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
        - --authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
        - --bind-address=127.0.0.1
        - --kubeconfig=/etc/kubernetes/controller-manager.conf
        - --leader-elect=true
        - --port=0
EOF
put cluster/manifests/kube-scheduler.yaml <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: kube-scheduler
  namespace: kube-system
  labels: {component: kube-scheduler, tier: control-plane}
spec:
  hostNetwork: true
  containers:
    - name: kube-scheduler
      image: registry.k8s.io/kube-scheduler:v1.29.4
      command:
        - kube-scheduler
        - --authentication-kubeconfig=/etc/kubernetes/scheduler.conf
        - --authorization-kubeconfig=/etc/kubernetes/scheduler.conf
        - --bind-address=127.0.0.1
        - --kubeconfig=/etc/kubernetes/scheduler.conf
EOF
commit "cluster: controller manager and scheduler static pods"

# Step: --port=0 dropped on a 1.20 controller manager: its insecure
# 10252 answers the node network, unauthenticated (critical).
as "Sam Vendor"
sed -i '/        - --port=0/d' cluster/manifests/kube-controller-manager.yaml
commit "cluster: controller manager metrics without the port flag"

# Step: the upgrade to 1.23 ends insecure serving (a narrowing).
as "Ana Ops"
sed -i 's/kube-controller-manager:v1.20.15/kube-controller-manager:v1.23.17/' cluster/manifests/kube-controller-manager.yaml
commit "cluster: controller manager 1.23"

# Step: the scheduler listens on every interface for an outside scraper.
as "Sam Vendor"
sed -i 's/--bind-address=127.0.0.1/--bind-address=0.0.0.0/' cluster/manifests/kube-scheduler.yaml
commit "cluster: scheduler metrics for the external scraper"
