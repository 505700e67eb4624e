/*
 * test_formats.c - the table of formats (extract_formats.c) as dispatch
 * sees it: every row described, files only recognised reported as not
 * analysed (DW_ERROR_NOT_READ, then DW-PARSE-005) with the line and the
 * reason, look-alikes left alone, and Helm template markers in comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_error.h"
#include "extract.h"
#include "rulepack.h"

/* ---- helpers ---------------------------------------------------------- */

/* The resources of text at path; the test fails when it is not read. */
static GPtrArray *formats_read(const char *path, const char *text)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (!extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s: %s", path, error->message);
	return g_steal_pointer(&out);
}

/* text at path is not analysed, with a message holding every one of ... (NULL-terminated). */
static void assert_not_read(const char *path, const char *text, ...)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;
	va_list ap;

	assert_true(extract_path_may_match(path));
	if (extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s was read (%u resources), expected not analysed", path, out->len);
	if (!g_error_matches(error, DW_ERROR, DW_ERROR_NOT_READ))
		fail_msg("%s: expected DW_ERROR_NOT_READ, got: %s", path, error->message);
	va_start(ap, text);
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *)) {
		if (!strstr(error->message, want))
			fail_msg("\"%s\" lacks \"%s\"", error->message, want);
	}
	va_end(ap);
}

/* text at path is read with no resource and no complaint. */
static void assert_silent(const char *path, const char *text)
{
	g_autoptr(GPtrArray) out = formats_read(path, text);

	assert_int_equal(out->len, 0);
}

static bool formats_has(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		if (strcmp(((struct resource *)rs->pdata[i])->identity, identity) == 0)
			return true;
	}
	return false;
}

/* ---- the table -------------------------------------------------------- */

static void test_formats__every_row_is_described(void **state)
{
	const struct extract_format_info *f;
	size_t read = 0, recognised = 0;

	for (size_t i = 0; (f = extract_format_nth(i)) != NULL; i++) {
		assert_non_null(f->name);
		assert_non_null(f->files);
		assert_non_null(f->detection);
		if (f->not_read) {
			assert_null(f->reads);
			assert_null(f->identity);
			recognised++;
		} else {
			assert_non_null(f->reads);
			assert_non_null(f->identity);
			read++;
		}
	}
	assert_true(read >= 12);
	assert_true(recognised >= 6);
}

static void test_formats__paths_of_recognised_rows_are_walked(void **state)
{
	assert_true(extract_path_may_match("infra/main.bicep"));
	assert_true(extract_path_may_match("infra/main.tf.json"));
	assert_true(extract_path_may_match("etc/iptables/rules.v4"));
	assert_true(extract_path_may_match("fw/edge.nft"));
	assert_true(extract_path_may_match("redis/redis.conf"));
	assert_false(extract_path_may_match("src/main.c"));
	assert_false(extract_path_may_match("docs/bicep.md"));
}

/* ---- recognised, not read --------------------------------------------- */

/* Bicep has a reader now: the file is read, not reported. */
static void test_formats__bicep_is_read(void **state)
{
	static const char src[] = "resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {\n"
	                          "  name: 'web-nsg'\n}\n";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	assert_true(extract_file(out, "infra/nsg.bicep", src, strlen(src), &error));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct resource *)out->pdata[0])->identity, "azure-nsg:web-nsg");
	assert_true(extract_path_may_match("infra/main.bicepparam"));
}

static void test_formats__host_firewall_and_tf_json_are_not_analysed(void **state)
{
	assert_not_read("etc/iptables/rules.v4", "*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
	                "iptables", NULL);
	assert_not_read("net/main.tf.json", "{\"resource\": {\"aws_security_group\": {}}}",
	                "JSON syntax", NULL);
}

static const char ansible_tasks[] =
	"---\n"
	"- name: Install nginx\n"
	"  ansible.builtin.apt:\n"
	"    name: nginx\n"
	"- name: Open HTTPS\n"
	"  community.general.ufw:\n"
	"    rule: allow\n"
	"    port: '443'\n"
	"    proto: tcp\n";

static void test_formats__ansible_network_task_is_not_analysed(void **state)
{
	assert_not_read("roles/web/tasks/main.yml", ansible_tasks,
	                "roles/web/tasks/main.yml:6: ", "ufw", "Ansible module is not read", NULL);
}

static void test_formats__ansible_without_network_modules_is_silent(void **state)
{
	assert_silent("roles/web/tasks/main.yml",
	              "- name: Install nginx\n  ansible.builtin.apt:\n    name: nginx\n");
}

static const char k8s_gateway[] =
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: Gateway\n"
	"metadata:\n"
	"  name: public\n"
	"spec:\n"
	"  gatewayClassName: istio\n"
	"  listeners:\n"
	"    - {name: http, port: 80, protocol: HTTP}\n";

static void test_formats__k8s_kind_not_read_with_listeners_is_not_analysed(void **state)
{
	g_autofree char *two = g_strconcat("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	                                   "data: {a: b}\n---\n", k8s_gateway, NULL);

	assert_not_read("k8s/gateway.yaml", k8s_gateway, "k8s/gateway.yaml:1: ", "Gateway public",
	                "gateway.networking.k8s.io/v1", "no reader takes this kind", NULL);
	/* The line of the object, in its document. */
	assert_not_read("k8s/gateway.yaml", two, "k8s/gateway.yaml:6: ", NULL);
}

/* A kubelet's own configuration: its read-only port and anonymous access. */
/* A kind no reader takes that listens (a Gateway API Gateway) is reported;
 * a KubeletConfiguration, which the Kubernetes reader now takes, is read. */
static void test_formats__unread_kind_is_not_analysed(void **state)
{
	g_autoptr(GPtrArray) rs = formats_read("nodes/kubelet-config.yaml",
	                                       "apiVersion: kubelet.config.k8s.io/v1beta1\n"
	                                       "kind: KubeletConfiguration\nreadOnlyPort: 10255\n");

	assert_not_read("gw/gateway.yaml",
	                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: edge}\n"
	                "spec:\n  listeners:\n    - {name: http, port: 80, protocol: HTTP}\n",
	                "gw/gateway.yaml:1: ", "Gateway", NULL);
	assert_true(formats_has(rs, "k8s:KubeletConfiguration"));
}

/* Kinds that hold the word "ports" without opening anything stay silent. */
static void test_formats__k8s_look_alikes_are_silent(void **state)
{
	assert_silent("k8s/config.yaml",
	              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  ports: \"8080\"\n");
	assert_silent("k8s/kustomization.yaml",
	              "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
	              "resources: [gateway.yaml]\n");
	assert_silent("crds/gw.yaml",
	              "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
	              "metadata: {name: gws.example.com}\nspec:\n  versions:\n    - name: v1\n"
	              "      schema:\n        openAPIV3Schema:\n          properties:\n"
	              "            ports: {type: array}\n");
	assert_silent("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
}

static const struct resource *formats_get(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		if (strcmp(((struct resource *)rs->pdata[i])->identity, identity) == 0)
			return rs->pdata[i];
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

/* The one unknown of r, which names want, at line. */
static void assert_one_unknown(const struct resource *r, unsigned line, const char *want)
{
	const struct resource_unknown *u;

	assert_int_equal(r->unknowns->len, 1);
	u = r->unknowns->pdata[0];
	assert_int_equal(u->line, line);
	if (!strstr(u->what, want))
		fail_msg("\"%s\" lacks \"%s\"", u->what, want);
}

/* A kind no reader takes beside one read: the file is read, never failed
 * whole, and the Gateway is an explicit unknown of the file. */
static void test_formats__k8s_read_kind_beside_unread_is_an_unknown(void **state)
{
	g_autofree char *both = g_strconcat("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
	                                    "spec:\n  type: LoadBalancer\n  ports: [{port: 443}]\n---\n",
	                                    k8s_gateway, NULL);
	g_autoptr(GPtrArray) rs = formats_read("k8s/web.yaml", both);
	g_autoptr(GPtrArray) alone = formats_read("k8s/web.yaml", "apiVersion: v1\nkind: Service\n"
	                                          "metadata: {name: web}\nspec:\n  ports: [{port: 443}]\n");

	assert_true(formats_has(rs, "k8s:Service/default/web"));
	assert_one_unknown(formats_get(rs, "unread:k8s/web.yaml"), 8, "Gateway public");
	assert_int_equal(alone->len, 1);
}

/* A network ACL entry beside a security group, in one template. */
static void test_formats__cfn_other_type_beside_a_group_is_an_unknown(void **state)
{
	static const char both[] =
		"AWSTemplateFormatVersion: \"2010-09-09\"\n"
		"Resources:\n"
		"  WebSG:\n"
		"    Type: AWS::EC2::SecurityGroup\n"
		"    Properties:\n"
		"      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]\n"
		"  Db:\n"
		"    Type: AWS::RDS::DBCluster\n"
		"    Properties: {Engine: aurora-postgresql}\n";
	g_autoptr(GPtrArray) rs = formats_read("cfn/web.yml", both);

	assert_true(formats_has(rs, "aws-sg:WebSG"));
	assert_one_unknown(formats_get(rs, "unread:cfn/web.yml"), 7, "Db (AWS::RDS::DBCluster)");
}

static void test_formats__k8s_without_apiversion_is_not_analysed(void **state)
{
	assert_not_read("overlays/prod/patch.yaml",
	                "kind: Service\nmetadata:\n  name: search\nspec:\n  type: LoadBalancer\n"
	                "  ports:\n    - port: 9200\n",
	                "overlays/prod/patch.yaml:1: ", "Service search", "no apiVersion", NULL);
	/* A kind and no network field: nothing to say. */
	assert_silent("docs/kinds.yaml", "kind: Note\ntext: hello\n");
}

static void test_formats__cfn_other_types_are_not_analysed(void **state)
{
	static const char lb[] =
		"AWSTemplateFormatVersion: \"2010-09-09\"\n"
		"Resources:\n"
		"  Orders:\n"
		"    Type: AWS::RDS::DBCluster\n"
		"    Properties: {Engine: aurora-postgresql}\n";
	static const char bucket[] =
		"AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n";

	assert_not_read("cfn/lb.yml", lb, "cfn/lb.yml:4: ", "AWS::RDS::DBCluster", NULL);
	assert_silent("cfn/bucket.yml", bucket);
}

static void test_formats__arm_other_types_are_not_analysed(void **state)
{
	assert_not_read("arm/fw.json",
	                "{\"resources\": [\n"
	                "  {\"type\": \"microsoft.network/azureFirewalls\", \"name\": \"edge\",\n"
	                "   \"properties\": {}}]}\n",
	                "arm/fw.json:2: ", "Microsoft.Network/azureFirewalls", NULL);
}

/* A module marker that starts the file itself (no line before it): found,
 * named, at line 1 (a fuzz find: the message looked for it mid-file only). */
static void test_formats__ansible_module_on_the_first_line(void **state)
{
	assert_not_read("roles/fw/tasks/main.yml", "    iptables:\n      chain: INPUT\n- name: open\n",
	                "roles/fw/tasks/main.yml:1: ", "iptables", NULL);
}

static void test_formats__helm_values_are_not_analysed(void **state)
{
	assert_not_read("chart/values.yaml", "replicaCount: 2\nservice:\n  type: LoadBalancer\n  port: 80\n",
	                "chart/values.yaml:2: ", "Helm value", NULL);
	assert_silent("chart/values.yaml", "replicaCount: 2\nimage: {tag: v1}\n");
}

/* A reader that takes the file wins over a row that only recognises its name. */
static void test_formats__a_manifest_named_values_is_read(void **state)
{
	g_autoptr(GPtrArray) rs = formats_read("deploy/values.yaml",
	                                       "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
	                                       "spec:\n  type: LoadBalancer\n  ports: [{port: 443}]\n");

	assert_true(formats_has(rs, "k8s:Service/default/web"));
}

/* What the parse-failure classifier makes of one: DW-PARSE-005, low, once per file. */
static void test_formats__not_read_is_parse_005(void **state)
{
	g_autoptr(rulepack) pack = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) not_read = g_error_new_literal(DW_ERROR, DW_ERROR_NOT_READ,
	                                                 "k8s/gw.yaml:3: Gateway public takes traffic");
	struct finding *f;

	assert_true(rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error));
	f = rulepack_parse_failure_graded(pack, not_read, "k8s/gw.yaml", false);
	assert_string_equal(f->rule->id, "DW-PARSE-005");
	assert_int_equal(f->severity, SEVERITY_LOW);
	assert_int_equal(f->line, 3);
	assert_true(f->unchecked);
	assert_true(g_str_has_prefix(f->message, "not analysed: "));
	finding_free(f);
	/* Read at the parent (a Service then), not now: it can hide a widening. */
	f = rulepack_parse_failure_graded(pack, not_read, "k8s/gw.yaml", true);
	assert_string_equal(f->rule->id, "DW-PARSE-001");
	assert_int_equal(f->severity, SEVERITY_HIGH);
	assert_non_null(strstr(f->message, "could not be checked"));
	finding_free(f);
}

/* ---- Helm template markers --------------------------------------------- */

static const char svc_head[] =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: search\nspec:\n  type: LoadBalancer\n";

static unsigned template_line(const char *path, const char *tail)
{
	g_autofree char *text = g_strconcat(svc_head, tail, NULL);

	return extract_k8s_template_line(path, text, strlen(text));
}

static void test_formats__template_marker_in_a_comment_is_not_a_template(void **state)
{
	g_autofree char *text = g_strconcat(svc_head, "  # port: {{ .Values.port }}\n"
	                                              "  ports:\n    - port: 9200 # was {{ .Values.x }}\n",
	                                    NULL);
	g_autoptr(GPtrArray) rs = formats_read("deploy/search.yaml", text);

	assert_int_equal(template_line("deploy/search.yaml", "  # port: {{ .Values.port }}\n"), 0);
	assert_int_equal(template_line("deploy/search.yaml", "# - {{ .Values.x }}\n"), 0);
	assert_int_equal(template_line("deploy/search.yaml", "  ports: [{port: 80}] # {{ x }}\n"), 0);
	assert_true(formats_has(rs, "k8s:Service/default/search"));
}

static void test_formats__template_marker_outside_a_comment_still_counts(void **state)
{
	/* A quoted '#' starts no comment. */
	assert_int_equal(template_line("deploy/s.yaml", "  x: \"a # b\" \n  port: {{ .Values.port }}\n"), 8);
	assert_int_equal(template_line("deploy/s.yaml", "  note: \"a #\"\n  - {{ .Values.x }}\n"), 8);
	/* A '#' inside a word is not a comment either. */
	assert_int_equal(template_line("deploy/s.yaml", "  name: a#b\n  port: {{ .Values.port }}\n"), 8);
	/* "{{-" eats the line break before it: it can change the YAML. */
	assert_int_equal(template_line("deploy/s.yaml", "  # {{- .Values.extra }}\n"), 7);
	/* Helm renders every template file, comments included. */
	assert_int_equal(template_line("chart/templates/s.yaml", "  # {{ .Values.port }}\n"), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats__every_row_is_described),
		cmocka_unit_test(test_formats__paths_of_recognised_rows_are_walked),
		cmocka_unit_test(test_formats__bicep_is_read),
		cmocka_unit_test(test_formats__host_firewall_and_tf_json_are_not_analysed),
		cmocka_unit_test(test_formats__ansible_network_task_is_not_analysed),
		cmocka_unit_test(test_formats__ansible_without_network_modules_is_silent),
		cmocka_unit_test(test_formats__k8s_kind_not_read_with_listeners_is_not_analysed),
		cmocka_unit_test(test_formats__unread_kind_is_not_analysed),
		cmocka_unit_test(test_formats__k8s_look_alikes_are_silent),
		cmocka_unit_test(test_formats__k8s_read_kind_beside_unread_is_an_unknown),
		cmocka_unit_test(test_formats__cfn_other_type_beside_a_group_is_an_unknown),
		cmocka_unit_test(test_formats__k8s_without_apiversion_is_not_analysed),
		cmocka_unit_test(test_formats__cfn_other_types_are_not_analysed),
		cmocka_unit_test(test_formats__arm_other_types_are_not_analysed),
		cmocka_unit_test(test_formats__ansible_module_on_the_first_line),
		cmocka_unit_test(test_formats__helm_values_are_not_analysed),
		cmocka_unit_test(test_formats__a_manifest_named_values_is_read),
		cmocka_unit_test(test_formats__not_read_is_parse_005),
		cmocka_unit_test(test_formats__template_marker_in_a_comment_is_not_a_template),
		cmocka_unit_test(test_formats__template_marker_outside_a_comment_still_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
