/*
 * test_k8s.c - the Kubernetes and docker-compose extractors: what each
 * object exposes, as canonical text (exposure.h), the settings they
 * record, unknowns, and one failure per way a manifest can be wrong; then
 * the rules those settings feed (DW-NET-020/021, DW-SET-030/031,
 * DW-PARSE-003) on old -> new pairs.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "dw_error.h"
#include "dw_limits.h"
#include "extract.h"
#include "rulepack.h"

/* ---- helpers ---------------------------------------------------------- */

#define K8S_NP_HEAD "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n"

static GPtrArray *k8s_extract(const char *path, const char *text, GError **error)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	if (!extract_file(out, path, text, strlen(text), error))
		return NULL;
	return g_steal_pointer(&out);
}

static GPtrArray *k8s_ok(const char *path, const char *text)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *out = k8s_extract(path, text, &error);

	if (out == NULL)
		fail_msg("%s", error->message);
	return out;
}

static const struct resource *k8s_find(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct resource *r = rs->pdata[i];

		if (strcmp(r->identity, identity) == 0)
			return r;
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

static void assert_exposure(GPtrArray *rs, const char *identity, const char *expected)
{
	g_autoptr(exposure) e = resource_exposure(k8s_find(rs, identity));
	g_autofree char *text = exposure_to_string(e);

	assert_string_equal(text, expected);
}

static void assert_setting(GPtrArray *rs, const char *identity, const char *key, const char *value)
{
	const struct resource_setting *s = resource_setting_get(k8s_find(rs, identity), key);

	assert_non_null(s);
	assert_string_equal(s->value, value);
}

/* Extraction fails with code, and the message holds every one of wants (NULL-terminated). */
static void assert_fails(const char *path, const char *text, int code, ...)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = k8s_extract(path, text, &error);
	va_list ap;

	assert_null(out);
	assert_true(g_error_matches(error, DW_ERROR, code));
	va_start(ap, code);
	for (const char *want; (want = va_arg(ap, const char *)) != NULL;) {
		if (strstr(error->message, want) == NULL)
			fail_msg("\"%s\" not in: %s", want, error->message);
	}
	va_end(ap);
}

/* ---- Service ---------------------------------------------------------- */

static void test_k8s__service_types(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml",
		"apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 9200}]\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: ns}\nspec:\n"
		"  type: NodePort\n  ports: [{port: 80, nodePort: 30080, protocol: UDP}]\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  type: LoadBalancer\n"
		"  loadBalancerSourceRanges: [192.0.2.0/24]\n  ports: [{port: 443}]\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec:\n  externalIPs: [198.51.100.1]\n"
		"  ports: [{port: 22}]\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: e}\nspec:\n  type: ExternalName\n"
		"  externalName: example.com\n");

	assert_int_equal(rs->len, 5);
	assert_exposure(rs, "k8s:Service/default/a", "tcp/9200 from k8s:cluster");
	assert_setting(rs, "k8s:Service/default/a", "service-type", "ClusterIP");
	assert_exposure(rs, "k8s:Service/ns/b", "udp/80 from k8s:cluster; udp/30080 from k8s:node-network");
	assert_exposure(rs, "k8s:Service/default/c",
	                "tcp/443 from 192.0.2.0/24, k8s:cluster; tcp/30000-32767 from k8s:node-network");
	assert_exposure(rs, "k8s:Service/default/d", "tcp/22 from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_exposure(rs, "k8s:Service/default/e", "nothing");
	assert_setting(rs, "k8s:Service/default/e", "service-type", "ExternalName");
}

static void test_k8s__load_balancer_without_ranges_is_open(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml",
		"apiVersion: v1\nkind: Service\nmetadata: {name: es}\nspec:\n  type: LoadBalancer\n"
		"  ports: [{port: 9200, nodePort: 31000}]\n");

	assert_exposure(rs, "k8s:Service/default/es",
	                "tcp/9200 from 0.0.0.0/0, ::/0, k8s:cluster; tcp/31000 from k8s:node-network");
}

/* allocateLoadBalancerNodePorts: false: node ports only where written. */
static void test_k8s__load_balancer_without_node_ports(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml",
		"apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n"
		"  allocateLoadBalancerNodePorts: false\n  loadBalancerSourceRanges: [10.0.0.0/8]\n"
		"  ports: [{name: https, port: 443}, {name: admin, port: 8443, nodePort: 30443}]\n");

	assert_exposure(rs, "k8s:Service/default/web",
	                "tcp/443,8443 from 10.0.0.0/8, k8s:cluster; tcp/30443 from k8s:node-network");
}

/* ---- NetworkPolicy ---------------------------------------------------- */

static void test_k8s__network_policy_peers(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("np.yaml",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: data}\n"
		"spec:\n  podSelector: {matchLabels: {b: 2, a: 1}}\n  ingress:\n"
		"    - from:\n        - ipBlock: {cidr: 10.0.0.0/8, except: [10.128.0.0/9]}\n"
		"        - podSelector: {}\n"
		"        - namespaceSelector: {}\n"
		"        - namespaceSelector: {matchLabels: {team: x}}\n"
		"          podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}\n"
		"      ports: [{port: 9200, endPort: 9300}, {port: 53, protocol: UDP}]\n");

	assert_exposure(rs, "k8s:NetworkPolicy/data/np",
	                "tcp/9200-9300 from 10.0.0.0/9, k8s-pod:data/all, k8s-pod:ns%28team%3Dx%29/app%20In%20%28api%7Cweb%29, "
	                "k8s:cluster; udp/53 from 10.0.0.0/9, k8s-pod:data/all, "
	                "k8s-pod:ns%28team%3Dx%29/app%20In%20%28api%7Cweb%29, k8s:cluster");
	assert_setting(rs, "k8s:NetworkPolicy/data/np", "selects", "data/a=1,b=2");
	assert_setting(rs, "k8s:NetworkPolicy/data/np", "ingress-isolation", "on");
}

static void test_k8s__network_policy_empty_rules(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("np.yaml",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\n"
		"spec:\n  podSelector: {}\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: all}\n"
		"spec:\n  podSelector: {}\n  ingress: [{}]\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: egress}\n"
		"spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]\n"
		"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: empty-types}\n"
		"spec:\n  podSelector: {matchLabels: {app: db}}\n  policyTypes: []\n"
		"  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]\n");

	assert_exposure(rs, "k8s:NetworkPolicy/default/deny", "nothing");
	assert_exposure(rs, "k8s:NetworkPolicy/default/all", "any from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_exposure(rs, "k8s:NetworkPolicy/default/egress", "nothing");
	assert_setting(rs, "k8s:NetworkPolicy/default/egress", "ingress-isolation", "off");
	/* policyTypes: [] is defaulted as an omitted field: it isolates ingress. */
	assert_setting(rs, "k8s:NetworkPolicy/default/empty-types", "ingress-isolation", "on");
	assert_exposure(rs, "k8s:NetworkPolicy/default/empty-types", "any from k8s-pod:default/app%3Dapi");
}

static void test_k8s__named_port_is_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("np.yaml",
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\n"
		"spec:\n  podSelector: {}\n  ingress:\n    - ports: [{port: http}, {port: 443}]\n");
	const struct resource *r = k8s_find(rs, "k8s:NetworkPolicy/default/np");
	const struct resource_unknown *u;

	assert_exposure(rs, "k8s:NetworkPolicy/default/np", "tcp/443 from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_int_equal(r->unknowns->len, 1);
	u = r->unknowns->pdata[0];
	assert_int_equal(u->line, 7);
	assert_non_null(strstr(u->what, "\"http\" is a named port"));
}

/* ---- Ingress, workloads ------------------------------------------------ */

static void test_k8s__ingress_resolves_named_service_port(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("ing.yaml",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
		"  defaultBackend: {service: {name: es, port: {name: rest}}}\n  rules:\n"
		"    - http: {paths: [{backend: {service: {name: other, port: {name: web}}}}]}\n"
		"---\napiVersion: v1\nkind: Service\nmetadata: {name: es}\nspec:\n"
		"  ports: [{name: rest, port: 9200}]\n");
	const struct resource *r = k8s_find(rs, "k8s:Ingress/default/i");
	const struct resource_rule *rule;

	/* The controller's HTTP listener is reached, routed on to es:9200. */
	assert_exposure(rs, "k8s:Ingress/default/i", "tcp/80 from 0.0.0.0/0, ::/0");
	assert_int_equal(r->rules->len, 1);
	rule = r->rules->pdata[0];
	assert_int_equal(rule->target_lo, 9200);
	assert_int_equal(rule->target_hi, 9200);
	assert_int_equal(r->unknowns->len, 1);
}

/* A docs site and a Kibana behind one controller, with TLS (v1), and a
 * v1beta1 Ingress without: the controller's 80 (and 443 with TLS) is what
 * the Internet reaches, each routed to its backend's port. */
static void test_k8s__ingress_is_the_controller_listener(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("ing.yaml",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: ops}\nspec:\n"
		"  ingressClassName: nginx\n  tls:\n    - hosts: [docs.example.org, kibana.example.org]\n"
		"      secretName: web-tls\n  rules:\n"
		"    - host: docs.example.org\n      http:\n        paths:\n"
		"          - {path: /, pathType: Prefix, backend: {service: {name: docs, port: {number: 4000}}}}\n"
		"    - host: kibana.example.org\n      http:\n        paths:\n"
		"          - {path: /, pathType: Prefix, backend: {service: {name: kibana, port: {number: 5601}}}}\n"
		"---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\nspec:\n"
		"  backend: {serviceName: app, servicePort: 80}\n");
	const struct resource *web = k8s_find(rs, "k8s:Ingress/ops/web");
	unsigned targets = 0;

	assert_exposure(rs, "k8s:Ingress/ops/web", "tcp/80,443 from 0.0.0.0/0, ::/0");
	assert_int_equal(web->rules->len, 4);
	for (guint i = 0; i < web->rules->len; i++) {
		const struct resource_rule *rule = web->rules->pdata[i];

		targets += rule->target_lo == 4000 || rule->target_lo == 5601;
	}
	assert_int_equal(targets, 4);
	/* The AWS Load Balancer Controller's ALB is internal unless its scheme
	 * says internet-facing. */
	{
		g_autoptr(GPtrArray) alb = k8s_ok("alb.yaml",
			"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: in}\n"
			"spec:\n  ingressClassName: alb\n  defaultBackend: {service: {name: a, port: {number: 8080}}}\n"
			"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: out\n"
			"  annotations: {alb.ingress.kubernetes.io/scheme: internet-facing}\n"
			"spec:\n  ingressClassName: alb\n  defaultBackend: {service: {name: a, port: {number: 8080}}}\n");

		assert_exposure(alb, "k8s:Ingress/default/in", "tcp/80 from k8s:internal-lb");
		assert_exposure(alb, "k8s:Ingress/default/out", "tcp/80 from 0.0.0.0/0, ::/0");
	}
	/* Port 80 to port 80: no target to record. */
	assert_exposure(rs, "k8s:Ingress/default/old", "tcp/80 from 0.0.0.0/0, ::/0");
	assert_int_equal(((const struct resource_rule *)k8s_find(rs, "k8s:Ingress/default/old")->rules->pdata[0])
	                         ->target_lo, 0);
}

static void test_k8s__node_port_zero_lets_the_cluster_choose(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml",
		"apiVersion: v1\nkind: Service\nmetadata: {name: etcd}\nspec:\n  type: NodePort\n"
		"  ports:\n    - {name: client, port: 2379, targetPort: 2379, nodePort: 0}\n"
		"    - {name: peer, port: 2380, nodePort: 31380}\n");

	assert_exposure(rs, "k8s:Service/default/etcd",
	                "tcp/2379-2380 from k8s:cluster; tcp/30000-32767 from k8s:node-network");
	{
		/* A nodePort that is no port: that port is an unknown, not the file. */
		g_autoptr(GPtrArray) bad = k8s_ok("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		                                  "spec:\n  type: NodePort\n  ports: [{port: 80, nodePort: -1}]\n");
		const struct resource *r = k8s_find(bad, "k8s:Service/default/a");

		assert_int_equal(r->unknowns->len, 1);
		assert_non_null(strstr(((const struct resource_unknown *)r->unknowns->pdata[0])->what,
		                       "expected a nodePort (1-65535), got \"-1\""));
	}
}

/* Each cloud's own spelling of "internal"; other values stay public. */
static void test_k8s__internal_load_balancer_annotations(void **state)
{
	static const char *const internal[] = {
		"service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"",
		"service.beta.kubernetes.io/aws-load-balancer-internal: 0.0.0.0/0",
		"service.beta.kubernetes.io/aws-load-balancer-scheme: internal",
		"service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"",
		"networking.gke.io/load-balancer-type: Internal",
		"cloud.google.com/load-balancer-type: \"Internal\"",
	};
	static const char *const public[] = {
		"service.beta.kubernetes.io/aws-load-balancer-internal: \"false\"",
		"service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing",
		"service.beta.kubernetes.io/azure-load-balancer-internal: \"false\"",
		"networking.gke.io/load-balancer-type: External",
		"service.beta.kubernetes.io/azure-load-balancer-internal-subnet: apps",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(internal) + G_N_ELEMENTS(public); i++) {
		bool in = i < G_N_ELEMENTS(internal);
		g_autofree char *text = g_strdup_printf(
			"apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    %s\n"
			"spec:\n  type: LoadBalancer\n  ports: [{port: 8443, nodePort: 31443}]\n",
			in ? internal[i] : public[i - G_N_ELEMENTS(internal)]);
		g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml", text);

		assert_exposure(rs, "k8s:Service/default/api",
		                in ? "tcp/8443 from k8s:cluster, k8s:internal-lb; tcp/31443 from k8s:node-network"
		                   : "tcp/8443 from 0.0.0.0/0, ::/0, k8s:cluster; tcp/31443 from k8s:node-network");
	}
}

/* Services written for the APIs before v1 (v1beta1 had no metadata and no
 * spec; v1beta3 had createExternalLoadBalancer and publicIPs), read as the
 * API read them. */
static void test_k8s__legacy_service_fields(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("legacy.json",
		"{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": [\n"
		" {\"id\": \"frontend\", \"kind\": \"Service\", \"apiVersion\": \"v1beta1\", \"port\": 80,\n"
		"  \"containerPort\": 8080, \"selector\": {\"name\": \"frontend\"}, \"createExternalLoadBalancer\": true},\n"
		" {\"id\": \"redis\", \"namespace\": \"data\", \"kind\": \"Service\", \"apiVersion\": \"v1beta1\",\n"
		"  \"port\": 6379, \"portalIP\": \"10.0.0.11\", \"publicIPs\": [\"203.0.113.7\"]},\n"
		" {\"kind\": \"Service\", \"apiVersion\": \"v1beta3\", \"metadata\": {\"name\": \"api\"},\n"
		"  \"spec\": {\"createExternalLoadBalancer\": true, \"portalIP\": \"10.0.0.12\",\n"
		"   \"ports\": [{\"port\": 443, \"targetPort\": 8443}]}},\n"
		" {\"kind\": \"Service\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"mq\"},\n"
		"  \"spec\": {\"deprecatedPublicIPs\": [\"203.0.113.8\"], \"ports\": [{\"port\": 5672}]}}\n"
		"]}\n");
	const struct resource *fe = k8s_find(rs, "k8s:Service/default/frontend");

	assert_exposure(rs, "k8s:Service/default/frontend",
	                "tcp/80 from 0.0.0.0/0, ::/0, k8s:cluster; tcp/30000-32767 from k8s:node-network");
	assert_int_equal(((const struct resource_rule *)fe->rules->pdata[0])->target_lo, 8080);
	assert_setting(rs, "k8s:Service/default/frontend", "service-type", "LoadBalancer");
	assert_string_equal(resource_setting_get(fe, "service-type")->raw, "createExternalLoadBalancer: true");
	assert_exposure(rs, "k8s:Service/data/redis", "tcp/6379 from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_setting(rs, "k8s:Service/data/redis", "service-type", "ClusterIP");
	assert_exposure(rs, "k8s:Service/default/api",
	                "tcp/443 from 0.0.0.0/0, ::/0, k8s:cluster; tcp/30000-32767 from k8s:node-network");
	assert_exposure(rs, "k8s:Service/default/mq", "tcp/5672 from 0.0.0.0/0, ::/0, k8s:cluster");
}

static void test_k8s__host_ports_and_host_network(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("w.json",
		"{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
		" {\"apiVersion\": \"apps/v1\", \"kind\": \"DaemonSet\", \"metadata\": {\"name\": \"agent\"},\n"
		"  \"spec\": {\"template\": {\"spec\": {\"hostNetwork\": true, \"containers\": [{\"name\": \"a\",\n"
		"   \"ports\": [{\"containerPort\": 9100}, {\"containerPort\": 53, \"protocol\": \"UDP\"}]}]}}}},\n"
		" {\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},\n"
		"  \"spec\": {\"containers\": [{\"name\": \"b\", \"ports\": [{\"containerPort\": 80, \"hostPort\": 8080},\n"
		"   {\"containerPort\": 81, \"hostPort\": 8081, \"hostIP\": \"127.0.0.1\"}, {\"containerPort\": 82}]}]}}\n"
		"]}\n");

	assert_exposure(rs, "k8s:DaemonSet/default/agent",
	                "tcp/9100 from k8s:node-network; udp/53 from k8s:node-network");
	assert_setting(rs, "k8s:DaemonSet/default/agent", "host-network", "on");
	assert_exposure(rs, "k8s:Pod/default/p", "tcp/8080 from k8s:node-network; tcp/8081 from 127.0.0.1/32");
	assert_null(resource_setting_get(k8s_find(rs, "k8s:Pod/default/p"), "host-network"));
}

/* Knative: the pod template (hostNetwork) and the route to its port. */
static void test_k8s__knative_service(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("ksvc.yaml",
		"apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello, namespace: apps}\n"
		"spec:\n  template:\n    spec:\n      containers:\n        - image: example/hello:1\n"
		"          ports: [{containerPort: 9200}]\n"
		"---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: agent\n"
		"  labels: {networking.knative.dev/visibility: cluster-local}\nspec:\n  template:\n    spec:\n"
		"      hostNetwork: true\n      containers: [{image: example/agent:1, ports: [{containerPort: 9100}]}]\n");
	const struct resource *hello = k8s_find(rs, "k8s:Service.serving.knative.dev/apps/hello");

	assert_exposure(rs, "k8s:Service.serving.knative.dev/apps/hello", "tcp/80 from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_int_equal(((const struct resource_rule *)hello->rules->pdata[0])->target_lo, 9200);
	assert_exposure(rs, "k8s:Service.serving.knative.dev/default/agent",
	                "tcp/80 from k8s:cluster; tcp/9100 from k8s:node-network");
	assert_setting(rs, "k8s:Service.serving.knative.dev/default/agent", "host-network", "on");
}

/* kind: KubeletConfiguration, with v1beta1's defaults where keys are absent. */
static void test_k8s__kubelet_configuration(void **state)
{
	g_autoptr(GPtrArray) open = k8s_ok("nodes/kubelet.yaml",
		"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n"
		"authentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\n");
	g_autoptr(GPtrArray) dflt = k8s_ok("nodes/kubelet.yaml",
		"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\naddress: 127.0.0.1\n"
		"authentication:\n  anonymous:\n    enabled: true\n");

	assert_exposure(open, "k8s:KubeletConfiguration", "tcp/10255 from k8s:node-network");
	assert_setting(open, "k8s:KubeletConfiguration", "auth", "off");
	assert_setting(open, "k8s:KubeletConfiguration", "bind", "all");
	/* Anonymous requests, but authorized by the API server (Webhook, the default). */
	assert_setting(dflt, "k8s:KubeletConfiguration", "auth", "on");
	assert_setting(dflt, "k8s:KubeletConfiguration", "bind", "loopback");
	assert_exposure(dflt, "k8s:KubeletConfiguration", "nothing");
}

/* Control-plane flags in static pods: kubelet from a shell script, an API
 * server whose insecure port default depends on its version, etcd. */
static void test_k8s__control_plane_flags(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("manifests.yaml",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: kube-system}\nspec:\n"
		"  hostNetwork: true\n  containers:\n    - name: kubelet\n      image: example/kubelet:1.27\n"
		"      command: [/bin/sh, -c, \"exec kubelet --read-only-port 10255 --authorization-mode=Webhook\"]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver, namespace: kube-system}\nspec:\n"
		"  hostNetwork: true\n  containers:\n    - name: kube-apiserver\n"
		"      image: registry.k8s.io/kube-apiserver:v1.18.20\n"
		"      command: [kube-apiserver, --insecure-bind-address=0.0.0.0, --authorization-mode=Node,RBAC]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: api2, namespace: kube-system}\nspec:\n"
		"  containers:\n    - name: kube-apiserver\n      image: example/apiserver:latest\n"
		"      command: [kube-apiserver, --anonymous-auth=false]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: etcd, namespace: kube-system}\nspec:\n"
		"  containers:\n    - name: etcd\n      image: registry.k8s.io/etcd:3.5.9-0\n"
		"      args: [--listen-client-urls=https://0.0.0.0:2379, --client-cert-auth=true]\n");
	const struct resource *api2 = k8s_find(rs, "k8s:Pod/kube-system/api2/kube-apiserver");

	assert_exposure(rs, "k8s:Pod/kube-system/agent/kubelet", "tcp/10255 from k8s:node-network");
	assert_setting(rs, "k8s:Pod/kube-system/agent/kubelet", "auth", "on");
	/* 1.18: the insecure port defaults to 8080, here on every address. */
	assert_exposure(rs, "k8s:Pod/kube-system/kube-apiserver/kube-apiserver", "tcp/8080 from k8s:node-network");
	assert_setting(rs, "k8s:Pod/kube-system/kube-apiserver/kube-apiserver", "auth", "off");
	/* No version in the tag: the insecure port is an unknown. */
	assert_int_equal(api2->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)api2->unknowns->pdata[0])->what, "names no version"));
	assert_setting(rs, "k8s:Pod/kube-system/etcd/etcd", "auth", "on");
	assert_setting(rs, "k8s:Pod/kube-system/etcd/etcd", "bind", "all");
}

/* kube-controller-manager and kube-scheduler: the insecure port by version
 * (served before 1.22), always-allow paths, and the secure port's bind. */
static void test_k8s__controller_manager_and_scheduler_flags(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("cp.yaml",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: kcm, namespace: kube-system}\nspec:\n"
		"  hostNetwork: true\n  containers:\n    - name: kube-controller-manager\n"
		"      image: registry.k8s.io/kube-controller-manager:v1.19.16\n"
		"      command: [kube-controller-manager, --bind-address=127.0.0.1]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: kcm2, namespace: kube-system}\nspec:\n"
		"  hostNetwork: true\n  containers:\n    - name: kube-controller-manager\n"
		"      image: registry.k8s.io/kube-controller-manager:v1.28.2\n"
		"      command: [kube-controller-manager, --port=10252, \"--authorization-always-allow-paths=/healthz,/*\"]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: sched, namespace: kube-system}\nspec:\n"
		"  hostNetwork: true\n  containers:\n    - name: kube-scheduler\n"
		"      image: registry.k8s.io/kube-scheduler:v1.20.1\n"
		"      command: [kube-scheduler, --bind-address=127.0.0.1, --port=0]\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata: {name: sched2, namespace: kube-system}\nspec:\n"
		"  containers:\n    - name: sched\n      image: example/scheduler:latest\n"
		"      command: [/usr/local/bin/kube-scheduler, --address=127.0.0.1]\n");
	const struct resource *sched2 = k8s_find(rs, "k8s:Pod/kube-system/sched2/sched");

	/* 1.19 without --port: 10252 on every address, no authentication. */
	assert_exposure(rs, "k8s:Pod/kube-system/kcm/kube-controller-manager", "tcp/10252 from k8s:node-network");
	assert_setting(rs, "k8s:Pod/kube-system/kcm/kube-controller-manager", "auth", "off");
	assert_setting(rs, "k8s:Pod/kube-system/kcm/kube-controller-manager", "bind", "loopback");
	/* 1.28: --port has no effect; any path always allowed is authorization off. */
	assert_exposure(rs, "k8s:Pod/kube-system/kcm2/kube-controller-manager", "nothing");
	assert_setting(rs, "k8s:Pod/kube-system/kcm2/kube-controller-manager", "auth", "off");
	assert_setting(rs, "k8s:Pod/kube-system/kcm2/kube-controller-manager", "bind", "all");
	assert_exposure(rs, "k8s:Pod/kube-system/sched/kube-scheduler", "nothing");
	assert_setting(rs, "k8s:Pod/kube-system/sched/kube-scheduler", "auth", "on");
	/* No version: the insecure port is an unknown, not a guess. */
	assert_int_equal(sched2->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)sched2->unknowns->pdata[0])->what, "names no version"));
	assert_exposure(rs, "k8s:Pod/kube-system/sched2/sched", "nothing");
}

/* etcd configured by its environment, as the common images are. */
static void test_k8s__etcd_from_environment(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("etcd.yaml",
		"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: etcd, namespace: data}\nspec:\n"
		"  template:\n    spec:\n      containers:\n        - name: etcd\n"
		"          image: docker.io/bitnami/etcd:3.5.9\n          env:\n"
		"            - {name: ETCD_LISTEN_CLIENT_URLS, value: \"http://0.0.0.0:2379\"}\n"
		"            - {name: ALLOW_NONE_AUTHENTICATION, value: \"yes\"}\n");

	assert_setting(rs, "k8s:StatefulSet/data/etcd/etcd", "bind", "all");
	assert_setting(rs, "k8s:StatefulSet/data/etcd/etcd", "auth", "off");
}

static void test_k8s__other_documents_yield_nothing(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("cm.yaml",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  tmpl: |\n"
		"    {{ define \"alert\" }}{{ .Labels.x }}{{ end }}\n---\nkind: Service\n---\n- a list\n");

	assert_int_equal(rs->len, 0);
}

static void test_k8s__no_keys_no_parse(void **state)
{
	/* Not YAML at all, but with neither key spelled exactly: never parsed. */
	g_autoptr(GPtrArray) rs = k8s_ok("notes.yaml", "apiversion and Kind: [unclosed\n");

	assert_int_equal(rs->len, 0);
	assert_fails("notes.yaml", "apiVersion and kind: [unclosed\n", DW_ERROR_PARSE, "notes.yaml:", NULL);
}

/* ---- Helm, malformed -------------------------------------------------- */

static void test_k8s__helm_template_is_not_analysable(void **state)
{
	assert_fails("chart/templates/svc.yaml",
	             "apiVersion: v1\nkind: Service\nmetadata:\n  name: x # {{ .Release.Name }}\n",
	             DW_ERROR_UNKNOWN_VALUE, "chart/templates/svc.yaml:4: a Helm template", NULL);
	assert_fails("svc.yaml", "{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\n{{- end }}\n",
	             DW_ERROR_UNKNOWN_VALUE, "svc.yaml:1:", NULL);
	assert_fails("svc.yaml", "apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - {{ .Values.p }}\n",
	             DW_ERROR_UNKNOWN_VALUE, "svc.yaml:5:", NULL);
	assert_int_equal(extract_k8s_template_line("a.yaml", "x: \"a {{ b }}\"\n", 14), 0);
}

/* The unknowns of resource identity in rs hold each of wants (NULL-terminated), in order. */
static void assert_unknowns_hold(GPtrArray *rs, const char *identity, ...)
{
	const struct resource *r = k8s_find(rs, identity);
	va_list ap;
	guint i = 0;

	va_start(ap, identity);
	for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
		if (i >= r->unknowns->len)
			fail_msg("%s: no unknown holding \"%s\"", identity, want);
		if (strstr(((const struct resource_unknown *)r->unknowns->pdata[i])->what, want) == NULL)
			fail_msg("\"%s\" not in: %s", want, ((const struct resource_unknown *)r->unknowns->pdata[i])->what);
	}
	va_end(ap);
	assert_int_equal(r->unknowns->len, i);
}

/*
 * A malformed value makes its object an unknown naming what is wrong; the
 * other objects of the file are still read. Only a document that is not
 * an object (no name) or YAML that does not parse fails the file.
 */
static void test_k8s__malformed_value_is_an_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("svc.yaml",
	             "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: Public\n"
	             "---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n"
	             "  ports: [{port: 70000}, {port: 80, protocol: ICMP}, {name: x}, {port: 3306}]\n"
	             "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n"
	             "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 10.0.0.0/33}}, {}]\n"
	             "      ports: [{port: 90, endPort: 80}]\n"
	             "---\napiVersion: v1\nkind: Service\nmetadata: {name: open}\nspec:\n  type: LoadBalancer\n"
	             "  ports: [{port: 9200, nodePort: 31920}]\n");

	assert_unknowns_hold(rs, "k8s:Service/default/a",
	                     "Kubernetes Service default/a cannot be read: expected type ClusterIP", NULL);
	assert_unknowns_hold(rs, "k8s:Service/default/b", "expected a port (1-65535), got \"70000\"",
	                     "expected protocol TCP, UDP or SCTP, got \"ICMP\"", "Service port has no port", NULL);
	assert_exposure(rs, "k8s:Service/default/b", "tcp/3306 from k8s:cluster");
	assert_unknowns_hold(rs, "k8s:NetworkPolicy/default/n", "expected a CIDR for ipBlock.cidr",
	                     "expected ipBlock, podSelector or namespaceSelector", "expected endPort >= port", NULL);
	assert_int_equal(((const struct resource_unknown *)k8s_find(rs, "k8s:NetworkPolicy/default/n")
	                          ->unknowns->pdata[2])->line, 20);
	/* The world-open Elasticsearch beside them is read. */
	assert_exposure(rs, "k8s:Service/default/open",
	                "tcp/9200 from 0.0.0.0/0, ::/0, k8s:cluster; tcp/31920 from k8s:node-network");
	assert_fails("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n", DW_ERROR_PARSE,
	             "svc.yaml:1: Service has no metadata.name", NULL);
	assert_fails("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a\n", DW_ERROR_PARSE, "svc.yaml:", NULL);
}

static void test_k8s__past_the_rule_limits_fails(void **state)
{
	GString *np = g_string_new(K8S_NP_HEAD "  podSelector: {}\n  ingress:\n    - ports:\n");
	GString *compose = g_string_new("services:\n  a:\n    ports:\n");

	for (unsigned i = 1; i <= DW_LIMIT_RULES + 1; i++) {
		g_string_append_printf(np, "        - {port: %u}\n", i);
		g_string_append_printf(compose, "      - \"%u:%u\"\n", i, i);
	}
	assert_fails("np.yaml", np->str, DW_ERROR_LIMIT, "more than 1024 rules", NULL);
	assert_fails("compose.yml", compose->str, DW_ERROR_LIMIT, "more than 1024 rules", NULL);
	g_string_free(np, TRUE);
	g_string_free(compose, TRUE);
}

/* ---- compose ---------------------------------------------------------- */

static void test_compose__short_and_long_syntax(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("deploy/compose.yml",
		"services:\n  a:\n    ports:\n      - \"127.0.0.1:9200:9200\"\n      - 9300\n"
		"      - \"0.0.0.0:53:53/udp\"\n      - \"[::]:8000-8002:8000-8002\"\n      - 127.0.0.1::22\n"
		"  b:\n    ports:\n      - {target: 9200, published: \"9200\", host_ip: 127.0.0.1}\n"
		"      - {target: 9300, protocol: tcp}\n      - {target: 53, published: 53, host_ip: 0.0.0.0, protocol: udp}\n"
		"      - {target: 8000-8002, published: 8000-8002, host_ip: \"::\"}\n      - {target: 22, host_ip: 127.0.0.1}\n"
		"  c:\n    image: x\n  d:\n    network_mode: host\n    ports: [\"80:80\"]\n");
	g_autoptr(exposure) a = resource_exposure(k8s_find(rs, "compose:deploy:a"));
	g_autoptr(exposure) b = resource_exposure(k8s_find(rs, "compose:deploy:b"));

	assert_exposure(rs, "compose:deploy:a",
	                "tcp/8000-8002 from ::/0; tcp/9200 from 127.0.0.1/32; "
	                "tcp/32768-60999 from 0.0.0.0/0, ::/0; udp/53 from 0.0.0.0/0");
	assert_true(exposure_equal(a, b));
	assert_exposure(rs, "compose:deploy:c", "nothing");
	assert_exposure(rs, "compose:deploy:d", "any from 0.0.0.0/0, ::/0");
}

static void test_compose__file_names(void **state)
{
	static const char *const yes[] = { "compose.yaml", "x/compose.yml", "docker-compose.yml",
	                                   "docker-compose.prod.yaml", "docker-compose-dev.yml" };
	static const char *const no[] = { "services.yml", "compose.json", "my-compose.yml" };
	const char *text = "services:\n  a:\n    ports: [\"80:80\"]\n";

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
		g_autoptr(GPtrArray) rs = k8s_ok(yes[i], text);

		assert_int_equal(rs->len, 1);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
		g_autoptr(GPtrArray) rs = k8s_ok(no[i], text);

		assert_int_equal(rs->len, 0);
	}
}

static void test_compose__environment_is_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("compose.yml",
		"services:\n  a:\n    ports:\n      - \"${P:-80}:80\"\n      - {target: 81, published: \"${Q}\"}\n");
	const struct resource *r = k8s_find(rs, "compose:.:a");

	assert_exposure(rs, "compose:.:a", "nothing");
	assert_int_equal(r->unknowns->len, 2);
}

/* Each port that cannot be read is an unknown of its service, left out;
 * the readable port beside them is read. Only the file's shape fails it. */
static void test_compose__malformed_port_is_an_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = k8s_ok("compose.yml",
	             "services:\n  a:\n    ports:\n      - \"80:http\"\n      - \"x:80:80\"\n"
	             "      - \"::1:80:80\"\n      - \"80/icmp\"\n      - {published: 80}\n      - [80]\n"
	             "      - \"3306:3306\"\n  b:\n    ports: \"80:80\"\n");
	static const char *const wants[] = {
		"service a: a port cannot be read: expected a container port or range",
		"service a: a port cannot be read: expected an IP address for the host",
		"service a: a port cannot be read: expected an IPv6 host address in brackets",
		"service a: a port cannot be read: expected protocol",
		"service a: a port cannot be read: port has no target",
		"service a: a port cannot be read: expected a port string or map",
	};
	const struct resource *a = k8s_find(rs, "compose:.:a");
	const struct resource *b = k8s_find(rs, "compose:.:b");

	assert_int_equal(a->unknowns->len, G_N_ELEMENTS(wants));
	for (size_t i = 0; i < G_N_ELEMENTS(wants); i++) {
		const struct resource_unknown *u = a->unknowns->pdata[i];

		if (!g_str_has_prefix(u->what, wants[i]))
			fail_msg("\"%s\" does not start \"%s\"", u->what, wants[i]);
		assert_int_equal(u->line, 4 + i);
	}
	assert_exposure(rs, "compose:.:a", "tcp/3306 from 0.0.0.0/0, ::/0");
	assert_int_equal(b->unknowns->len, 1);
	assert_int_equal(((const struct resource_unknown *)b->unknowns->pdata[0])->line, 12);
	assert_fails("compose.yml", "services:\n  c: 3\n", DW_ERROR_PARSE, "compose.yml:2: expected a service name",
	             NULL);
	assert_fails("compose.yml", "- 1\n", DW_ERROR_PARSE, "compose.yml:1: expected a map with services", NULL);
	assert_fails("compose.yml", "services: [a]\n", DW_ERROR_PARSE, "compose.yml:1: expected a map for services", NULL);
}

/* ---- classification ----------------------------------------------------- */

static struct rulepack *pack;

static int k8s_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int k8s_setup_pack(void **state)
{
	g_autoptr(GError) error = NULL;

	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error)) {
		fprintf(stderr, "rule pack: %s\n", error->message);
		return -1;
	}
	return 0;
}

static int k8s_teardown_pack(void **state)
{
	g_clear_pointer(&pack, rulepack_free);
	return 0;
}

/* The rule ids found for old -> new of file path (either may be ""), space-separated, sorted. */
static char *k8s_classify_file(const char *path, const char *old_text, const char *new_text)
{
	g_autoptr(GPtrArray) olds = k8s_ok(path, old_text);
	g_autoptr(GPtrArray) news = k8s_ok(path, new_text);
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)compare_change_free);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) ids = g_ptr_array_new();

	compare_resources(changes, olds, news);
	for (guint i = 0; i < changes->len; i++)
		rulepack_classify(found, pack, changes->pdata[i], NULL);
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(ids, ((struct finding *)found->pdata[i])->rule->id);
	g_ptr_array_sort(ids, k8s_strcmp);
	g_ptr_array_add(ids, NULL);
	return g_strjoinv(" ", (char **)ids->pdata);
}

static char *k8s_classify(const char *old_text, const char *new_text)
{
	return k8s_classify_file("k.yaml", old_text, new_text);
}

#define K8S_NP "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n"
#define K8S_SVC "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 9200, nodePort: 30920}]\n"
#define K8S_POD "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c}]\n"

static void assert_classified(const char *old_text, const char *new_text, const char *expected)
{
	g_autofree char *ids = k8s_classify(old_text, new_text);

	assert_string_equal(ids, expected);
}

static void test_k8s__network_policy_rules(void **state)
{
	const char *np = K8S_NP "  podSelector: {matchLabels: {app: es}}\n  ingress: [{from: [{podSelector: {}}]}]\n";

	assert_classified(np, K8S_NP "  podSelector: {matchLabels: {app: es}}\n  policyTypes: [Egress]\n",
	                  "DW-NET-020 DW-NET-900");
	assert_classified(np, "", "DW-NET-020");
	assert_classified(K8S_NP "  podSelector: {}\n  policyTypes: [Egress]\n", "", "");
	assert_classified("", np, "DW-NET-011");
	assert_classified(np, K8S_NP "  podSelector: {matchLabels: {app: es, tier: hot}}\n"
	                  "  ingress: [{from: [{podSelector: {}}]}]\n", "DW-NET-021");
}

/*
 * A port forwarded to another is judged by what listens behind it: a web
 * app published on the host's 6379 is not Redis, Redis published on 8080
 * still is, and so is Kibana behind an Ingress's port 80.
 */
static void test_k8s__forwarded_port_is_judged_by_its_target(void **state)
{
	static const char *const cases[][2] = {
		{ "services:\n  web:\n    image: example/web:1\n    ports: [\"6379:8080\"]\n", "DW-NET-003" },
		{ "services:\n  cache:\n    image: redis:7\n    ports: [\"8080:6379\"]\n", "DW-NET-001" },
		{ "services:\n  cache:\n    image: redis:7\n    ports: [\"6379:6379\"]\n", "DW-NET-001" },
		/* IPv4 clients of the host's 6379 also reach 6379 directly: that
		 * part is Redis, the IPv6 part only reaches 8080. */
		{ "services:\n  web:\n    image: example/web:1\n    ports:\n"
		  "      - {target: 8080, published: 6379}\n      - \"10.0.0.5:6379:6379\"\n",
		  "DW-NET-001 DW-NET-003" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *ids = k8s_classify_file("compose.yml", "", cases[i][0]);

		if (strcmp(ids, cases[i][1]) != 0)
			fail_msg("case %zu: got \"%s\", expected \"%s\"", i, ids, cases[i][1]);
	}
	assert_classified("", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
	                  "  defaultBackend: {service: {name: kibana, port: {number: 5601}}}\n", "DW-NET-001");
	assert_classified("", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n"
	                  "  defaultBackend: {service: {name: docs, port: {number: 4000}}}\n", "DW-NET-004");
}

static void test_k8s__service_and_pod_settings(void **state)
{
	/* One finding for the type change and what it lets in. */
	assert_classified(K8S_SVC, K8S_SVC "  type: NodePort\n", "DW-SET-030");
	/* Back to a narrower type: the narrowing, and the setting that closes
	 * what DW-SET-030 opened (DW-SET-900). */
	assert_classified(K8S_SVC "  type: NodePort\n", K8S_SVC, "DW-NET-900 DW-SET-900");
	assert_classified(K8S_SVC "  type: LoadBalancer\n", K8S_SVC "  type: NodePort\n",
	                  "DW-NET-900 DW-SET-900");
	/* Elasticsearch (9200) from the cluster: a data store from a selector keeps its rule. */
	assert_classified("", K8S_SVC, "DW-NET-010");
	assert_classified(K8S_POD, K8S_POD "  hostNetwork: true\n", "DW-SET-031");
	assert_classified(K8S_POD "  hostNetwork: true\n", K8S_POD, "DW-SET-900");
}

static void test_k8s__template_is_parse_003(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = k8s_extract("templates/s.yaml", "apiVersion: v1\nkind: Service\n# {{ x }}\n", &error);
	struct finding *f;

	assert_null(out);
	f = rulepack_parse_failure(pack, error, "templates/s.yaml");
	assert_string_equal(f->rule->id, "DW-PARSE-003");
	assert_int_equal(f->line, 3);
	finding_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s__service_types),
		cmocka_unit_test(test_k8s__load_balancer_without_ranges_is_open),
		cmocka_unit_test(test_k8s__load_balancer_without_node_ports),
		cmocka_unit_test(test_k8s__network_policy_peers),
		cmocka_unit_test(test_k8s__network_policy_empty_rules),
		cmocka_unit_test(test_k8s__named_port_is_unknown),
		cmocka_unit_test(test_k8s__ingress_resolves_named_service_port),
		cmocka_unit_test(test_k8s__ingress_is_the_controller_listener),
		cmocka_unit_test(test_k8s__node_port_zero_lets_the_cluster_choose),
		cmocka_unit_test(test_k8s__internal_load_balancer_annotations),
		cmocka_unit_test(test_k8s__legacy_service_fields),
		cmocka_unit_test(test_k8s__host_ports_and_host_network),
		cmocka_unit_test(test_k8s__knative_service),
		cmocka_unit_test(test_k8s__kubelet_configuration),
		cmocka_unit_test(test_k8s__control_plane_flags),
		cmocka_unit_test(test_k8s__controller_manager_and_scheduler_flags),
		cmocka_unit_test(test_k8s__etcd_from_environment),
		cmocka_unit_test(test_k8s__other_documents_yield_nothing),
		cmocka_unit_test(test_k8s__no_keys_no_parse),
		cmocka_unit_test(test_k8s__helm_template_is_not_analysable),
		cmocka_unit_test(test_k8s__malformed_value_is_an_unknown),
		cmocka_unit_test(test_k8s__past_the_rule_limits_fails),
		cmocka_unit_test(test_compose__short_and_long_syntax),
		cmocka_unit_test(test_compose__file_names),
		cmocka_unit_test(test_compose__environment_is_unknown),
		cmocka_unit_test(test_compose__malformed_port_is_an_unknown),
		cmocka_unit_test(test_k8s__network_policy_rules),
		cmocka_unit_test(test_k8s__forwarded_port_is_judged_by_its_target),
		cmocka_unit_test(test_k8s__service_and_pod_settings),
		cmocka_unit_test(test_k8s__template_is_parse_003),
	};

	return cmocka_run_group_tests(tests, k8s_setup_pack, k8s_teardown_pack);
}
