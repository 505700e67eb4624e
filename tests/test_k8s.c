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
#include "error.h"
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
		"spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]\n");

	assert_exposure(rs, "k8s:NetworkPolicy/default/deny", "nothing");
	assert_exposure(rs, "k8s:NetworkPolicy/default/all", "any from 0.0.0.0/0, ::/0, k8s:cluster");
	assert_exposure(rs, "k8s:NetworkPolicy/default/egress", "nothing");
	assert_setting(rs, "k8s:NetworkPolicy/default/egress", "ingress-isolation", "off");
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

	assert_exposure(rs, "k8s:Ingress/default/i", "tcp/9200 from 0.0.0.0/0, ::/0");
	assert_int_equal(r->unknowns->len, 1);
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

static void test_k8s__malformed_fails(void **state)
{
	assert_fails("svc.yaml",
	             "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: Public\n"
	             "---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n"
	             "  ports: [{port: 70000}, {port: 80, protocol: ICMP}, {name: x}]\n"
	             "---\napiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n"
	             "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n"
	             "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 10.0.0.0/33}}, {}]\n"
	             "      ports: [{port: 90, endPort: 80}]\n",
	             DW_ERROR_PARSE, "svc.yaml:5: expected type ClusterIP", "svc.yaml:11: expected a port (1-65535), got \"70000\"",
	             "expected protocol TCP, UDP or SCTP, got \"ICMP\"", "svc.yaml:11: Service port has no port",
	             "svc.yaml:13: Service has no metadata.name", "expected a CIDR for ipBlock.cidr",
	             "expected ipBlock, podSelector or namespaceSelector", "svc.yaml:24: expected endPort >= port",
	             NULL);
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
	g_autoptr(exposure) a = resource_exposure(k8s_find(rs, "compose:deploy/compose.yml:a"));
	g_autoptr(exposure) b = resource_exposure(k8s_find(rs, "compose:deploy/compose.yml:b"));

	assert_exposure(rs, "compose:deploy/compose.yml:a",
	                "tcp/8000-8002 from ::/0; tcp/9200 from 127.0.0.1/32; "
	                "tcp/32768-60999 from 0.0.0.0/0, ::/0; udp/53 from 0.0.0.0/0");
	assert_true(exposure_equal(a, b));
	assert_exposure(rs, "compose:deploy/compose.yml:c", "nothing");
	assert_exposure(rs, "compose:deploy/compose.yml:d", "any from 0.0.0.0/0, ::/0");
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
	const struct resource *r = k8s_find(rs, "compose:compose.yml:a");

	assert_exposure(rs, "compose:compose.yml:a", "nothing");
	assert_int_equal(r->unknowns->len, 2);
}

static void test_compose__malformed_fails(void **state)
{
	assert_fails("compose.yml",
	             "services:\n  a:\n    ports:\n      - \"80:http\"\n      - \"x:80:80\"\n"
	             "      - \"::1:80:80\"\n      - \"80/icmp\"\n      - {published: 80}\n      - [80]\n"
	             "  b:\n    ports: \"80:80\"\n  c: 3\n",
	             DW_ERROR_PARSE, "compose.yml:4: service a: expected a container port or range",
	             "compose.yml:5: service a: expected an IP address for the host",
	             "compose.yml:6: service a: expected an IPv6 host address in brackets",
	             "compose.yml:7: service a: expected protocol", "compose.yml:8: service a: port has no target",
	             "compose.yml:9:", "compose.yml:11: service b: expected a list for ports",
	             "compose.yml:12: expected a service name", NULL);
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

/* The rule ids found for old -> new (either may be ""), space-separated, sorted. */
static char *k8s_classify(const char *old_text, const char *new_text)
{
	g_autoptr(GPtrArray) olds = k8s_ok("k.yaml", old_text);
	g_autoptr(GPtrArray) news = k8s_ok("k.yaml", new_text);
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

static void test_k8s__service_and_pod_settings(void **state)
{
	assert_classified(K8S_SVC, K8S_SVC "  type: NodePort\n", "DW-NET-011 DW-SET-030");
	/* Back to a narrower type: the narrowing, and the setting that closes
	 * what DW-SET-030 opened (DW-SET-900). */
	assert_classified(K8S_SVC "  type: NodePort\n", K8S_SVC, "DW-NET-900 DW-SET-900");
	assert_classified(K8S_SVC "  type: LoadBalancer\n", K8S_SVC "  type: NodePort\n",
	                  "DW-NET-900 DW-SET-900");
	assert_classified("", K8S_SVC, "DW-NET-011");
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
		cmocka_unit_test(test_k8s__network_policy_peers),
		cmocka_unit_test(test_k8s__network_policy_empty_rules),
		cmocka_unit_test(test_k8s__named_port_is_unknown),
		cmocka_unit_test(test_k8s__ingress_resolves_named_service_port),
		cmocka_unit_test(test_k8s__host_ports_and_host_network),
		cmocka_unit_test(test_k8s__other_documents_yield_nothing),
		cmocka_unit_test(test_k8s__no_keys_no_parse),
		cmocka_unit_test(test_k8s__helm_template_is_not_analysable),
		cmocka_unit_test(test_k8s__malformed_fails),
		cmocka_unit_test(test_k8s__past_the_rule_limits_fails),
		cmocka_unit_test(test_compose__short_and_long_syntax),
		cmocka_unit_test(test_compose__file_names),
		cmocka_unit_test(test_compose__environment_is_unknown),
		cmocka_unit_test(test_compose__malformed_fails),
		cmocka_unit_test(test_k8s__network_policy_rules),
		cmocka_unit_test(test_k8s__service_and_pod_settings),
		cmocka_unit_test(test_k8s__template_is_parse_003),
	};

	return cmocka_run_group_tests(tests, k8s_setup_pack, k8s_teardown_pack);
}
