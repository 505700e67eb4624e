/*
 * test_extract.c - the extractors (ARM, CloudFormation, elasticsearch.yml)
 * on the fixtures in tests/data/{arm,cfn,es}, the choice of extractor by
 * path and bytes, and resources: evaluation order and joining.
 *
 * Exposures are compared as canonical text (exposure.h); for Azure the
 * address part is compared on its own where the default rules' service
 * tags would only repeat in every entry.
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
#include "extract_private.h"
#include "rulepack.h"

/* ---- helpers ---------------------------------------------------------- */

static char *data_path(const char *rel)
{
	const char *dir = g_getenv("DW_TEST_DATA");

	if (dir == NULL)
		fail_msg("DW_TEST_DATA is not set");
	return g_build_filename(dir, rel, NULL);
}

/* Extracts from the bytes given, as if at path; NULL with *error on failure. */
static GPtrArray *extract_text(const char *path, const char *data, size_t len, GError **error)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	if (!extract_file(out, path, data, len, error))
		return NULL;
	resources_join(out);
	return g_steal_pointer(&out);
}

static GPtrArray *extract_fixture_error(const char *rel, GError **error)
{
	g_autofree char *path = data_path(rel);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(GError) read_error = NULL;

	if (!g_file_get_contents(path, &data, &len, &read_error))
		fail_msg("%s", read_error->message);
	return extract_text(rel, data, len, error);
}

/* The resources of one fixture, joined; the test fails when it fails. */
static GPtrArray *extract_fixture(const char *rel)
{
	g_autoptr(GError) error = NULL;
	GPtrArray *out = extract_fixture_error(rel, &error);

	if (out == NULL)
		fail_msg("%s: %s", rel, error->message);
	return out;
}

/* The error message of a fixture that must fail with code. */
static char *extract_fixture_fails(const char *rel, int code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = extract_fixture_error(rel, &error);

	if (out != NULL)
		fail_msg("%s: extracted %u resources, expected an error", rel, out->len);
	assert_true(g_error_matches(error, DW_ERROR, code));
	return g_strdup(error->message);
}

static struct resource *find(GPtrArray *resources, const char *identity)
{
	for (guint i = 0; i < resources->len; i++) {
		struct resource *r = g_ptr_array_index(resources, i);

		if (strcmp(r->identity, identity) == 0)
			return r;
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

static void assert_exposure(const struct resource *r, const char *expected)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autofree char *text = exposure_to_string(e);

	assert_string_equal(text, expected);
}

/* The part of r's exposure whose sources are addresses, not tags. */
static void assert_address_exposure(const struct resource *r, const char *expected)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autoptr(srcset) all = srcset_new();
	g_autoptr(exposure) part = NULL;
	g_autofree char *text = NULL;

	srcset_add_all_addresses(all);
	part = exposure_restrict_sources(e, all);
	text = exposure_to_string(part);
	assert_string_equal(text, expected);
}

static void assert_unknowns(const struct resource *r, const char *const *expected)
{
	size_t n = 0;

	for (; expected[n] != NULL; n++) {
		const struct resource_unknown *u;

		if (n >= r->unknowns->len)
			fail_msg("missing unknown \"%s\"", expected[n]);
		u = g_ptr_array_index(r->unknowns, n);
		assert_string_equal(u->what, expected[n]);
	}
	assert_int_equal(r->unknowns->len, n);
}

static void assert_setting(const struct resource *r, const char *key, const char *value,
                           const char *raw, unsigned line)
{
	const struct resource_setting *s = resource_setting_get(r, key);

	if (value == NULL) {
		assert_null(s);
		return;
	}
	if (s == NULL)
		fail_msg("no setting %s", key);
	assert_string_equal(s->value, value);
	assert_string_equal(s->raw, raw);
	assert_int_equal(s->line, line);
}

/* "nsg" with one inbound allow rule whose destinationPortRange is port. */
static char *arm_one_rule(const char *port)
{
	return g_strdup_printf(
		"{\"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"nsg\",\n"
		"\"properties\": {\"securityRules\": [{\"name\": \"r\", \"properties\": {\n"
		"\"priority\": 100, \"direction\": \"Inbound\", \"access\": \"Allow\", \"protocol\": \"Tcp\",\n"
		"\"sourceAddressPrefix\": \"*\",\n"
		"\"destinationPortRange\": \"%s\"}}]}}]}\n",
		port);
}

/* ---- choosing the extractor ------------------------------------------- */

static void test_extract__path_may_match(void **state)
{
	assert_true(extract_path_may_match("deploy/nsg.json"));
	assert_true(extract_path_may_match("stack.yml"));
	assert_true(extract_path_may_match("a/b/stack.YAML"));
	assert_true(extract_path_may_match("cfn/web.template"));
	assert_true(extract_path_may_match("config/elasticsearch.yml"));
	assert_true(extract_path_may_match("opensearch.yml"));
	assert_true(extract_path_may_match("infra/main.tf"));
	assert_true(extract_path_may_match("prod.auto.tfvars"));
	assert_false(extract_path_may_match("main.tf.bak"));
	assert_false(extract_path_may_match("README.md"));
	assert_false(extract_path_may_match("json"));
	assert_false(extract_path_may_match("config/elasticsearch.yml.bak"));
}

static void test_extract__other_files_yield_nothing(void **state)
{
	static const char pkg[] = "{\"name\": \"web\", \"version\": \"1.0.0\"}";
	static const char broken[] = "{\"name\": ";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) a = extract_text("package.json", pkg, strlen(pkg), &error);
	g_autoptr(GPtrArray) b = extract_text("broken.json", broken, strlen(broken), &error);
	g_autoptr(GPtrArray) c = extract_text("main.tf", pkg, strlen(pkg), &error);

	assert_non_null(a);
	assert_int_equal(a->len, 0);
	assert_non_null(b);
	assert_int_equal(b->len, 0);
	assert_non_null(c);
	assert_int_equal(c->len, 0);
}

/* JSON "\/" hides the type from a byte scan; the file is parsed anyway. */
/* An empty blob arrives as NULL data of length 0 (an empty GBytes). */
static void test_extract__empty_file_with_null_data_yields_nothing(void **state)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	assert_true(extract_file(out, "infra/nsg.json", NULL, 0, &error));
	assert_null(error);
	assert_int_equal(out->len, 0);
}

static void test_extract__escaped_type_is_found(void **state)
{
	static const char text[] =
		"{\"resources\": [{\"type\": \"Microsoft.Network\\/networkSecurityGroups\", \"name\": \"x\"}]}";
	static const char unparsable[] = "{\"a\": \"\\/\", ";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = extract_text("t.json", text, strlen(text), &error);
	g_autoptr(GPtrArray) none = extract_text("u.json", unparsable, strlen(unparsable), &error);

	assert_non_null(out);
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct resource *)g_ptr_array_index(out, 0))->identity, "azure-nsg:x");
	assert_non_null(none);
	assert_int_equal(none->len, 0);
}

/* The one-pass marker search finds, in data, exactly what searching for
 * each marker apart (extract_marker_found()) finds. */
static void assert_markers_agree(const char *data, size_t len)
{
	guint64 found[EXTRACT_MARKERS_MAX / 64];

	extract_markers_found(found, data, len);
	for (size_t i = 0; i < extract_markers_count(); i++) {
		bool ci, one_pass = (found[i / 64] >> (i % 64)) & 1;
		const char *marker = extract_markers_nth(i, &ci);

		if (one_pass != extract_marker_found(data, len, marker, ci))
			fail_msg("marker %zu (\"%s\", ci %d) in %zu bytes: one pass says %d", i, marker, ci,
			         len, one_pass);
	}
}

static void assert_markers_agree_in(const char *dir)
{
	g_autofree char *path = data_path(dir);
	g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
	const char *name;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *file = g_build_filename(path, name, NULL);
		g_autofree char *bytes = NULL;
		gsize len;

		if (!g_file_get_contents(file, &bytes, &len, NULL))
			continue;
		assert_markers_agree(bytes, len);
		/* Every cut of its last 64 bytes: a marker cut short at the end. */
		for (gsize cut = len > 64 ? len - 64 : 0; cut < len; cut++)
			assert_markers_agree(bytes, cut);
	}
}

static void test_extract__one_pass_markers_agree(void **state)
{
	/* Each marker alone, at the start, at the end, in other case, and cut short. */
	(void)state;
	assert_true(extract_markers_count() > 40);
	for (size_t i = 0; i < extract_markers_count(); i++) {
		bool ci;
		const char *marker = extract_markers_nth(i, &ci);
		g_autofree char *upper = g_ascii_strup(marker, -1);
		g_autofree char *mid = g_strconcat("x: 1\n", marker, "\ny: 2\n", NULL);
		g_autofree char *end = g_strconcat("{ \"a\": ", upper, NULL);

		assert_markers_agree(marker, strlen(marker));
		assert_markers_agree(marker, strlen(marker) - 1);
		assert_markers_agree(marker + 1, strlen(marker) - 1);
		assert_markers_agree(upper, strlen(upper));
		assert_markers_agree(mid, strlen(mid));
		assert_markers_agree(end, strlen(end));
	}
	assert_markers_agree("", 0);
	assert_markers_agree("k", 1);
	assert_markers_agree("services:\n  web: {}\n", 20);
	assert_markers_agree("a\0services:\n\0kind", 18);
	/* Hostile-ish text: seeded random runs of marker pieces, case flips,
	 * line breaks, spaces and NULs, 20,000 of them. */
	{
		g_autoptr(GRand) rand = g_rand_new_with_seed(42);
		static const char *const glue[] = { "\n", "\n    ", " ", "\"", ":", "\0", "::", "/" };

		for (int n = 0; n < 20000; n++) {
			g_autoptr(GString) text = g_string_new(NULL);
			int pieces = g_rand_int_range(rand, 0, 8);

			for (int p = 0; p < pieces; p++) {
				bool ci;
				const char *m = extract_markers_nth(
					(size_t)g_rand_int_range(rand, 0, (gint32)extract_markers_count()), &ci);
				size_t from = (size_t)g_rand_int_range(rand, 0, 3);
				size_t to = strlen(m) - (size_t)g_rand_int_range(rand, 0, 2);

				if (from < to)
					g_string_append_len(text, m + from, (gssize)(to - from));
				if (g_rand_boolean(rand) && text->len > 0)
					text->str[g_rand_int_range(rand, 0, (gint32)text->len)] ^= 0x20;
				const char *g = glue[g_rand_int_range(rand, 0, G_N_ELEMENTS(glue))];

				if (g_rand_boolean(rand))
					g_string_append_len(text, g, g[0] ? (gssize)strlen(g) : 1);
			}
			assert_markers_agree(text->str, text->len);
		}
	}
	assert_markers_agree_in("arm");
	assert_markers_agree_in("cfn");
	assert_markers_agree_in("es");
	assert_markers_agree_in("bicep");
	assert_markers_agree_in("doc");
}

static void test_extract__parse_error_of_ours_fails(void **state)
{
	static const char text[] = "{\"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\",";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = extract_text("deploy/nsg.json", text, strlen(text), &error);

	assert_null(out);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	assert_true(g_str_has_prefix(error->message, "deploy/nsg.json:"));
}

/* ---- resources -------------------------------------------------------- */

static exposure *box_text(const char *text)
{
	g_autoptr(GError) error = NULL;
	exposure *e = exposure_parse(text, &error);

	if (e == NULL)
		fail_msg("%s", error->message);
	return e;
}

static void test_resource__first_match_ties_keep_document_order(void **state)
{
	struct resource *r = resource_new("azure-nsg:t", "Azure NSG", "t", "t.json", 1, RESOURCE_FIRST_MATCH);

	resource_add_rule(r, "allow-late", 3, true, 300, box_text("tcp/1-100 from 0.0.0.0/0"));
	resource_add_rule(r, "deny", 1, false, 200, box_text("tcp/22 from 0.0.0.0/0"));
	resource_add_rule(r, "allow", 2, true, 200, box_text("tcp/22-23 from 0.0.0.0/0"));
	assert_exposure(r, "tcp/1-21,23-100 from 0.0.0.0/0");
	resource_free(r);
}

static void test_resource__union_counts_allows_only(void **state)
{
	struct resource *r = resource_new("aws-sg:t", "AWS security group", "t", "t.yaml", 1, RESOURCE_UNION);
	struct resource *s = resource_new("elasticsearch:.", "Elasticsearch", "e", "e", 1, RESOURCE_SETTINGS);

	resource_add_rule(r, NULL, 1, true, 0, box_text("tcp/22 from 10.0.0.0/8"));
	resource_add_rule(r, NULL, 2, false, 0, box_text("tcp/22 from 10.0.0.0/8"));
	resource_add_rule(r, NULL, 3, true, 0, box_text("udp/53 from 10.0.0.0/8"));
	assert_exposure(r, "tcp/22 from 10.0.0.0/8; udp/53 from 10.0.0.0/8");
	resource_add_setting(s, "auth", "on", "xpack.security.enabled: true", 1);
	resource_add_setting(s, "auth", "off", "xpack.security.enabled: false", 2);
	assert_exposure(s, "nothing");
	assert_string_equal(resource_setting_get(s, "auth")->value, "off");
	assert_null(resource_setting_get(s, "bind"));
	resource_free(r);
	resource_free(s);
}

static void test_resource__join_moves_fragments(void **state)
{
	g_autoptr(GPtrArray) rs = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct resource *frag = resource_new("aws-sg:Web", "AWS security group", "Web", "b.yaml", 9, RESOURCE_UNION);
	struct resource *orphan1 = resource_new("aws-sg:sg-1", "AWS security group", "sg-1", "a.yaml", 3,
	                                        RESOURCE_UNION);
	struct resource *orphan2 = resource_new("aws-sg:sg-1", "AWS security group", "sg-1", "b.yaml", 4,
	                                        RESOURCE_UNION);

	frag->fragment = orphan1->fragment = orphan2->fragment = true;
	resource_add_rule(frag, "extra", 9, true, 0, box_text("tcp/443 from 0.0.0.0/0"));
	resource_add_unknown(frag, 10, "CidrIp is !Sub x, not evaluated");
	resource_add_rule(orphan1, NULL, 3, true, 0, box_text("tcp/1 from 10.0.0.0/8"));
	resource_add_rule(orphan2, NULL, 4, true, 0, box_text("tcp/2 from 10.0.0.0/8"));
	g_ptr_array_add(rs, frag);
	g_ptr_array_add(rs, orphan1);
	g_ptr_array_add(rs, resource_new("aws-sg:Web", "AWS security group", "Web", "a.yaml", 1, RESOURCE_UNION));
	g_ptr_array_add(rs, orphan2);
	resources_join(rs);
	assert_int_equal(rs->len, 2);
	assert_false(find(rs, "aws-sg:Web")->fragment);
	assert_int_equal(find(rs, "aws-sg:Web")->rules->len, 1);
	assert_int_equal(find(rs, "aws-sg:Web")->unknowns->len, 1);
	assert_true(find(rs, "aws-sg:sg-1")->fragment);
	assert_exposure(find(rs, "aws-sg:sg-1"), "tcp/1-2 from 10.0.0.0/8");
}

/* Twins (one identity in two files) stay apart for compare_resources()
 * to pair by file; a fragment joins the twin in its own file. */
static void test_resource__join_keeps_twins_apart(void **state)
{
	g_autoptr(GPtrArray) rs = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct resource *frag = resource_new("azure-nsg:web", "Azure NSG", "web", "b.json", 5,
	                                     RESOURCE_FIRST_MATCH);
	struct resource *lost = resource_new("azure-nsg:web", "Azure NSG", "web", "c.json", 5,
	                                     RESOURCE_FIRST_MATCH);
	struct resource *a, *b;

	frag->fragment = lost->fragment = true;
	resource_add_rule(frag, "r", 5, true, 100, box_text("tcp/80 from 0.0.0.0/0"));
	resource_add_rule(lost, "s", 5, true, 100, box_text("tcp/81 from 0.0.0.0/0"));
	g_ptr_array_add(rs, a = resource_new("azure-nsg:web", "Azure NSG", "web", "a.json", 1,
	                                     RESOURCE_FIRST_MATCH));
	g_ptr_array_add(rs, b = resource_new("azure-nsg:web", "Azure NSG", "web", "b.json", 1,
	                                     RESOURCE_FIRST_MATCH));
	g_ptr_array_add(rs, frag);
	g_ptr_array_add(rs, lost);
	resources_join(rs);
	/* The fragment in c.json cannot tell a.json's group from b.json's. */
	assert_int_equal(rs->len, 3);
	assert_ptr_equal(g_ptr_array_index(rs, 0), a);
	assert_ptr_equal(g_ptr_array_index(rs, 1), b);
	assert_ptr_equal(g_ptr_array_index(rs, 2), lost);
	assert_string_equal(a->identity, "azure-nsg:web");
	assert_int_equal(a->rules->len, 0);
	assert_int_equal(b->rules->len, 1);
	assert_true(lost->fragment);
}

/* ---- ARM -------------------------------------------------------------- */

static void test_arm__exposing(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/exposing.json");
	struct resource *r;

	assert_int_equal(rs->len, 1);
	r = find(rs, "azure-nsg:es-nsg");
	assert_string_equal(r->kind, "Azure NSG");
	assert_string_equal(r->name, "es-nsg");
	assert_string_equal(r->file, "arm/exposing.json");
	assert_int_equal(r->line, 6);
	assert_int_equal(r->model, RESOURCE_FIRST_MATCH);
	assert_false(r->fragment);
	/* Three user rules (the Outbound one is not read) and three defaults. */
	assert_int_equal(r->rules->len, 6);
	assert_address_exposure(r, "icmp from 0.0.0.0/0; "
	                           "tcp/22 from 10.0.0.0/8, 192.168.1.0/24; "
	                           "tcp/9200 from 0.0.0.0/0, ::/0");
	assert_int_equal(r->unknowns->len, 0);
}

static void test_arm__safe(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/safe.json");

	assert_address_exposure(find(rs, "azure-nsg:es-nsg"), "tcp/9200,9300 from 10.0.0.0/8");
}

static void test_arm__priority_order(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/priority.json");
	struct resource *r = find(rs, "azure-nsg:search-nsg");

	/* DenyOneHost names one destination: left out. */
	assert_int_equal(r->rules->len, 3 + 3);
	assert_address_exposure(r, "tcp/9000-9199,9201-9300 from 0.0.0.0/0, ::/0");
	/* DenyVnet shadows AllowVnetInBound; the load balancer tag stays,
	 * except where DenyElasticsearch (source "*") comes first. */
	assert_exposure(r, "all protocols except tcp, udp, sctp from azure-tag:AzureLoadBalancer; "
	                   "tcp/0-8999,9301-65535 from azure-tag:AzureLoadBalancer; "
	                   "tcp/9000-9199,9201-9300 from 0.0.0.0/0, ::/0, azure-tag:AzureLoadBalancer; "
	                   "udp/0-9199,9201-65535 from azure-tag:AzureLoadBalancer; "
	                   "sctp/0-9199,9201-65535 from azure-tag:AzureLoadBalancer");
}

static void test_arm__defaults(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/defaults.json");
	struct resource *r = find(rs, "azure-nsg:empty-nsg");
	const struct resource_rule *deny;

	assert_int_equal(r->rules->len, 3);
	deny = g_ptr_array_index(r->rules, 2);
	assert_string_equal(deny->name, "DenyAllInBound");
	assert_int_equal(deny->priority, 65500);
	assert_false(deny->allow);
	assert_exposure(r, "any from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork");
}

static void test_arm__parameters_and_variables(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/params.json");
	struct resource *r = find(rs, "azure-nsg:app-nsg");
	const struct resource_rule *admin = g_ptr_array_index(r->rules, 0);

	assert_string_equal(admin->name, "[admin]");
	assert_int_equal(r->unknowns->len, 0);
	assert_int_equal(r->rules->len, 2 + 3);
	assert_exposure(r, "all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                   "tcp/0-21,23-79,81-442,444-65535 from azure-tag:AzureLoadBalancer, "
	                   "azure-tag:VirtualNetwork; "
	                   "tcp/22 from 203.0.113.0/24, azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                   "tcp/80,443 from 198.51.100.0/24, azure-tag:AzureLoadBalancer, "
	                   "azure-tag:Storage.WestEurope, azure-tag:VirtualNetwork");
}

static void test_arm__unknown_expression_recorded(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/unknown.json");
	struct resource *r = find(rs, "azure-nsg:ops-nsg");
	static const char *const unknowns[] = {
		"security rule AllowOffice: sourceAddressPrefix is [concat(parameters('officeIp'), '/32')], "
		"parameter officeIp has no defaultValue",
		"security rule AllowTaggedPort: destinationPortRange is [resourceGroup().tags.port], "
		"resourceGroup() is not evaluated",
		"security rule AllowLoop: sourceAddressPrefix is [variables('loop')], "
		"refers through more than 8 expressions",
		NULL,
	};

	assert_unknowns(r, unknowns);
	assert_int_equal(((const struct resource_unknown *)g_ptr_array_index(r->unknowns, 0))->line, 22);
	/* Only AllowHttps and the defaults. */
	assert_int_equal(r->rules->len, 1 + 3);
	assert_address_exposure(r, "tcp/443 from 0.0.0.0/0, ::/0");
}

static void test_arm__standalone_rules_joined(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/standalone.json");
	struct resource *web = find(rs, "azure-nsg:web-nsg");
	struct resource *shared = find(rs, "azure-nsg:shared-nsg");

	assert_int_equal(rs->len, 2);
	assert_false(web->fragment);
	assert_int_equal(web->rules->len, 2 + 3);
	assert_address_exposure(web, "tcp/80,443 from 0.0.0.0/0, ::/0");
	/* Its NSG is in another template: a fragment on its own, without
	 * default rules. */
	assert_true(shared->fragment);
	assert_exposure(shared, "tcp/3389 from 198.51.100.7/32");
}

static void test_arm__nested_deployment(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/nested.json");

	assert_address_exposure(find(rs, "azure-nsg:kibana-nsg"), "tcp/5601 from 0.0.0.0/0, ::/0");
}

static void test_arm__malformed_rule_is_unknown_not_the_file(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/malformed.json");
	struct resource *r = find(rs, "azure-nsg:bad-nsg");
	static const char *const unknowns[] = {
		"security rule AllowWeb cannot be read: expected a port or range, got \"http\"",
		"security rule AllowLow cannot be read: expected a priority 100..4096, got \"5000\"; "
		"expected an address prefix or service tag, got \"10.0.0.0/33\"",
		NULL,
	};

	assert_unknowns(r, unknowns);
	assert_int_equal(((const struct resource_unknown *)r->unknowns->pdata[0])->line, 12);
	/* The readable rule beside them is still read. */
	assert_address_exposure(r, "tcp/3389 from 0.0.0.0/0, ::/0");
}

static void test_arm__bad_port_ranges_are_unknown(void **state)
{
	static const char *const bad[] = { "http", "22-", "-22", "65536", "30-20", "1-2-3", " 22", "", "0x16" };
	static const char *const good[][2] = {
		{ "0-65535", "tcp/0-65535 from 0.0.0.0/0, ::/0" },
		{ "*", "tcp/0-65535 from 0.0.0.0/0, ::/0" },
		{ "007", "tcp/7 from 0.0.0.0/0, ::/0" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *text = arm_one_rule(bad[i]);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) out = extract_text("nsg.json", text, strlen(text), &error);
		g_autofree char *expected = g_strdup_printf("expected a port or range, got \"%s\"", bad[i]);
		const struct resource *r;

		if (out == NULL)
			fail_msg("port \"%s\": %s", bad[i], error->message);
		r = g_ptr_array_index(out, 0);
		assert_int_equal(r->unknowns->len, 1);
		if (!g_str_has_suffix(((const struct resource_unknown *)r->unknowns->pdata[0])->what, expected))
			fail_msg("port \"%s\": %s", bad[i], ((const struct resource_unknown *)r->unknowns->pdata[0])->what);
		assert_address_exposure(r, "nothing");
	}
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autofree char *text = arm_one_rule(good[i][0]);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) out = extract_text("nsg.json", text, strlen(text), &error);

		if (out == NULL)
			fail_msg("port \"%s\": %s", good[i][0], error->message);
		assert_address_exposure(g_ptr_array_index(out, 0), good[i][1]);
	}
}

/* An NSG whose one rule has sourceAddressPrefix src (JSON-escaped already). */
static char *arm_source_rule(const char *src)
{
	return g_strdup_printf(
		"{\"variables\": {\"v\": \"[variables('w')]\", \"w\": \"[variables('v')]\",\n"
		"\"o\": {\"a\": [\"192.0.2.1\"]}},\n"
		"\"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"nsg\",\n"
		"\"properties\": {\"securityRules\": [{\"name\": \"r\", \"properties\": {\n"
		"\"priority\": 100, \"direction\": \"Inbound\", \"access\": \"Allow\", \"protocol\": \"Tcp\",\n"
		"\"destinationPortRange\": \"22\",\n"
		"\"sourceAddressPrefix\": \"%s\"}}]}}]}\n",
		src);
}

/* Expressions: evaluated where they can be, else an unknown that says why. */
static void test_arm__expressions(void **state)
{
	static const char *const cases[][2] = {
		{ "[variables('o').a[0]]", NULL },
		{ "[variables('o')['a'][0]]", NULL },
		{ "[concat('192.0.2.', string(1))]", NULL },
		{ "[toLower(' 192.0.2.1 ')]", "expected" },
		{ "[variables('o').a[9]]", "has an index or property that does not exist" },
		{ "[variables('o').b]", "has no property b to evaluate" },
		{ "[variables('v')]", "refers through more than 8 expressions" },
		{ "[parameters('nope')]", "parameter nope is not declared" },
		{ "[parameters()]", "parameters() is not evaluated" },
		{ "[]", "cannot be read (ends early)" },
		{ "[-]", "cannot be read (\"-\" without digits)" },
		{ "[concat('a') x]", "cannot be read (text after the expression)" },
		{ "[concat('a']", "cannot be read (expected \")\" after the arguments of concat())" },
		{ "[concat('a)]", "cannot be read (unterminated string)" },
		{ "[uniqueString(resourceGroup().id)]", "resourceGroup() is not evaluated" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = arm_source_rule(cases[i][0]);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) out = extract_text("nsg.json", text, strlen(text), &error);
		const struct resource *r;
		const struct resource_unknown *u;

		if (out == NULL)
			fail_msg("%s: %s", cases[i][0], error->message);
		r = g_ptr_array_index(out, 0);
		if (cases[i][1] != NULL && strcmp(cases[i][1], "expected") == 0) {
			/* Evaluates to " 192.0.2.1 ": not an address, so the rule
			 * cannot be read (an unknown), and the file still is. */
			assert_int_equal(r->unknowns->len, 1);
			assert_non_null(strstr(((const struct resource_unknown *)r->unknowns->pdata[0])->what,
			                       "expected an address prefix or service tag"));
			continue;
		}
		if (cases[i][1] == NULL) {
			assert_int_equal(r->unknowns->len, 0);
			assert_address_exposure(r, "tcp/22 from 192.0.2.1/32");
			continue;
		}
		assert_int_equal(r->unknowns->len, 1);
		u = g_ptr_array_index(r->unknowns, 0);
		if (!g_str_has_suffix(u->what, cases[i][1]))
			fail_msg("%s: got \"%s\"", cases[i][0], u->what);
		assert_exposure(r, "any from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork");
	}
}

/* With the rule pack loaded (as every front-end does), "deny Internet" is
 * the pack's public space: private sources pass on to the allow below. */
static void test_arm__internet_deny_spares_private_sources(void **state)
{
	g_autoptr(GError) error = NULL;
	struct rulepack *pack = NULL;
	g_autoptr(GPtrArray) rs = NULL;

	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error))
		fail_msg("rule pack: %s", error->message);
	rs = extract_fixture("arm/internet_deny.json");
	/* What the pack does not count as the Internet passes a "deny
	 * Internet": private, loopback, link-local, CGNAT, the documentation
	 * ranges, 0.0.0.0/8 and multicast/reserved space. */
	assert_address_exposure(find(rs, "azure-nsg:jump-nsg"),
	                        "tcp/22,3389 from 0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, "
	                        "169.254.0.0/16, 172.16.0.0/12, 192.0.2.0/24, 192.168.0.0/16, "
	                        "198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/3, ::1/128, 2001:db8::/32, "
	                        "fc00::/7, fe80::/10, ff00::/8; tcp/443 from 0.0.0.0/0, ::/0");
	rulepack_free(pack);
	extract_arm_set_internet(NULL);
}

/* Without a public space known, a deny from Internet denies nothing: a
 * deny is never taken wider than it is. */
static void test_arm__internet_deny_unknown_space_denies_nothing(void **state)
{
	g_autoptr(GPtrArray) rs = NULL;

	extract_arm_set_internet(NULL);
	rs = extract_fixture("arm/internet_deny.json");
	assert_address_exposure(find(rs, "azure-nsg:jump-nsg"), "tcp/22,443,3389 from 0.0.0.0/0, ::/0");
}

static void test_arm__service_firewalls(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/services.json");
	struct resource *redis;

	resources_join(rs);
	assert_exposure(find(rs, "azure-sql:orders-sql"),
	                "tcp/1433 from 198.51.100.0/24, azure-tag:AzureServices");
	assert_string_equal(resource_setting_get(find(rs, "azure-sql:orders-sql"), "public_network_access")->value,
	                    "on");
	assert_exposure(find(rs, "azure-postgresql:reports-pg"), "tcp/5432 from 203.0.113.10/32");
	/* Redis on 6379 and, with TLS, on 6380 judged as the Redis behind it:
	 * the same rules as an azurerm_redis_firewall_rule gives. */
	redis = find(rs, "azure-redis:cache");
	assert_exposure(redis, "tcp/6379-6380 from 0.0.0.0/0");
	assert_int_equal(((const struct resource_rule *)redis->rules->pdata[1])->target_lo, 6379);
}

static void test_arm__storage_and_aks_endpoints(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/services.json");
	struct resource *ops = find(rs, "azure-aks:ops");

	assert_exposure(find(rs, "azure-storage:files"),
	                "tcp/443 from 192.0.2.0/24, azure-subnet:apps, azure-tag:AzureServices");
	assert_exposure(find(rs, "azure-aks:main"), "tcp/443 from 203.0.113.0/24");
	/* Judged as the kube-apiserver behind it, as azurerm_kubernetes_cluster is. */
	assert_int_equal(((const struct resource_rule *)find(rs, "azure-aks:main")->rules->pdata[0])->target_lo, 6443);
	assert_exposure(ops, "nothing");
	assert_int_equal(ops->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)ops->unknowns->pdata[0])->what,
	                       "parameter adminRanges has no defaultValue"));
}

static void test_arm__blueprint_artifact(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("arm/artifact.json");
	struct resource *r = find(rs, "azure-nsg:jump-nsg");

	assert_address_exposure(r, "tcp/22 from 0.0.0.0/0, ::/0");
	assert_int_equal(r->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)r->unknowns->pdata[0])->what,
	                       "blueprintAdminSource"));
}

/* ---- CloudFormation --------------------------------------------------- */

static void test_cfn__short_tags(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/exposing.yaml");
	struct resource *search = find(rs, "aws-sg:SearchSG");
	struct resource *app = find(rs, "aws-sg:AppSG");

	assert_int_equal(rs->len, 2);
	assert_string_equal(search->kind, "AWS security group");
	assert_int_equal(search->model, RESOURCE_UNION);
	assert_int_equal(search->line, 11);
	assert_int_equal(search->rules->len, 4);
	assert_exposure(search, "icmp from 192.168.0.0/16; tcp/9200 from 0.0.0.0/0, ::/0; udp/53 from 10.0.0.0/8");
	/* IpProtocol -1: every protocol and port. */
	assert_exposure(app, "any from aws-sg:SearchSG");
}

static void test_cfn__json_form(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/exposing.json");

	assert_int_equal(rs->len, 2);
	assert_exposure(find(rs, "aws-sg:SearchSG"),
	                "icmp from 192.168.0.0/16; tcp/9200 from 0.0.0.0/0, ::/0; udp/53 from 10.0.0.0/8");
	assert_exposure(find(rs, "aws-sg:AppSG"),
	                "all protocols except tcp from aws-sg:SearchSG; tcp/0-442,444-65535 from aws-sg:SearchSG; "
	                "tcp/443 from aws-pl:pl-0abc1234, aws-sg:SearchSG");
}

static void test_cfn__safe(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/safe.yaml");

	assert_exposure(find(rs, "aws-sg:SearchSG"), "tcp/9200-9300 from 10.0.0.0/16");
}

static void test_cfn__standalone_ingress_joined(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/standalone.yaml");
	struct resource *db = find(rs, "aws-sg:DbSG");
	struct resource *shared = find(rs, "aws-sg:sg-0123abcd");
	const struct resource_rule *rule;

	assert_int_equal(rs->len, 2);
	assert_false(db->fragment);
	assert_int_equal(db->rules->len, 3);
	rule = g_ptr_array_index(db->rules, 1);
	assert_string_equal(rule->name, "DbFromPartner");
	assert_int_equal(rule->line, 14);
	assert_exposure(db, "tcp/22 from 203.0.113.10/32; tcp/5432 from 10.0.0.0/8, 172.16.0.0/12");
	assert_true(shared->fragment);
	assert_exposure(shared, "tcp/443 from 0.0.0.0/0");
}

static void test_cfn__unknown_values_recorded(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/unknown.yaml");
	struct resource *r = find(rs, "aws-sg:OpsSG");
	static const char *const unknowns[] = {
		"security group OpsSG: CidrIp is !Sub ${OfficeIp}/32, not evaluated",
		"security group OpsSG: CidrIp is !Ref OfficeIp, parameter OfficeIp has no Default",
		"security group OpsSG: FromPort is !ImportValue shared-port, not evaluated",
		"security group OpsSG: ingress rule is !If [...], not evaluated",
		NULL,
	};

	assert_unknowns(r, unknowns);
	assert_exposure(r, "tcp/443 from 0.0.0.0/0");
}

static void test_cfn__malformed_rule_is_unknown_not_the_file(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/malformed.yaml");
	struct resource *r = find(rs, "aws-sg:BadSG");
	static const char *const unknowns[] = {
		"security group BadSG: ingress rule cannot be read: expected a port or -1, got \"http\"",
		"security group BadSG: ingress rule cannot be read: expected a protocol (-1, tcp, udp, icmp, "
		"icmpv6, 0..255), got \"tcpp\"",
		"security group BadSG: ingress rule cannot be read: expected an IPv4 CIDR, got \"10.0.0.0/33\"",
		"security group BadSG: ingress rule cannot be read: no source (CidrIp, CidrIpv6, "
		"SourceSecurityGroupId, SourceSecurityGroupName, SourcePrefixListId)",
		NULL,
	};

	assert_unknowns(r, unknowns);
	assert_int_equal(((const struct resource_unknown *)r->unknowns->pdata[0])->line, 11);
	assert_int_equal(((const struct resource_unknown *)r->unknowns->pdata[3])->line, 23);
	assert_exposure(r, "tcp/3306 from 0.0.0.0/0");
}

static void test_cfn__getatt_source_is_a_named_source(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/elb_source.yaml");
	struct resource *r = find(rs, "aws-sg:InstanceSecurityGroup");

	assert_int_equal(r->unknowns->len, 0);
	assert_exposure(r, "tcp/22 from 0.0.0.0/0; "
	                   "tcp/80 from aws-sg:ElasticLoadBalancer.SourceSecurityGroup.GroupName; "
	                   "tcp/8080 from aws-sg:AdminSecurityGroup");
}

static void test_cfn__classic_load_balancers(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/classic_elb.yaml");
	struct resource *api = find(rs, "aws-lb:ApiElb");

	/* Outside a VPC without groups: AWS's default ELB group, open to all. */
	assert_exposure(find(rs, "aws-lb:PublicElb"), "tcp/80,443 from 0.0.0.0/0, ::/0");
	assert_exposure(find(rs, "aws-lb:VpcElb"), "tcp/443 from aws-sg:vpc-default");
	/* Its group admits 443 from one network, and nothing on 8080. */
	assert_exposure(find(rs, "aws-lb:GroupedElb"), "tcp/443 from 203.0.113.0/24");
	assert_exposure(find(rs, "aws-lb:InternalElb"), "nothing");
	assert_exposure(api, "nothing");
	assert_int_equal(api->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)api->unknowns->pdata[0])->what,
	                       "LoadBalancerPort"));
	/* The sample templates' instances still name the balancer's group. */
	g_ptr_array_unref(g_steal_pointer(&rs));
	rs = extract_fixture("cfn/elb_source.yaml");
	assert_exposure(find(rs, "aws-lb:ElasticLoadBalancer"), "tcp/80 from 0.0.0.0/0, ::/0");
}

static void test_cfn__network_acl_entries_first_match(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/surfaces.yaml");
	struct resource *acl = find(rs, "aws-nacl:PublicAcl");
	static const char *const unknowns[] = {
		"network ACL entry BrokenEntry cannot be read: no PortRange for protocol 17",
		NULL,
	};

	resources_join(rs);
	acl = find(rs, "aws-nacl:PublicAcl");
	assert_int_equal(acl->model, RESOURCE_FIRST_MATCH);
	/* deny 22 at 100 before allow 0-65535 at 200; the egress entry is not read. */
	assert_exposure(acl, "tcp/0-21,23-65535 from 0.0.0.0/0");
	assert_unknowns(acl, unknowns);
}

static void test_cfn__db_security_group_on_its_instances_port(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/surfaces.yaml");
	struct resource *r = find(rs, "aws-dbsg:LegacyDbGroup");

	assert_exposure(r, "tcp/3307 from 0.0.0.0/0, aws-sg:app-servers");
	assert_int_equal(r->unknowns->len, 0);
}

static void test_cfn__public_flags_and_defaults(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/surfaces.yaml");

	/* No DBSubnetGroupName: the default VPC, public by default. */
	assert_string_equal(resource_setting_get(find(rs, "aws:Orders"), "public")->value, "on");
	assert_string_equal(resource_setting_get(find(rs, "aws:Reports"), "public")->value, "off");
	assert_string_equal(resource_setting_get(find(rs, "aws:Dms"), "public")->raw,
	                    "PubliclyAccessible absent (default public)");
	assert_string_equal(resource_setting_get(find(rs, "aws:Kafka"), "public")->value, "on");
}

static void test_cfn__eks_endpoint(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/surfaces.yaml");
	struct resource *office = find(rs, "aws-eks:OfficeEks");

	assert_exposure(find(rs, "aws-eks:PublicEks"), "tcp/443 from 0.0.0.0/0");
	/* A !Ref to a parameter takes its Default. */
	assert_exposure(office, "tcp/443 from 198.51.100.0/24, 203.0.113.0/24");
	assert_int_equal(office->unknowns->len, 0);
	assert_exposure(find(rs, "aws-eks:PrivateEks"), "tcp/443 from aws-vpc:PrivateEks");
}

/* Internet-facing load balancers: listener ports cut by the groups they
 * name (standalone ingress included); internal ones open nothing. */
static void test_cfn__load_balancer_listeners(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/lb_nodegroup.yaml");
	struct resource *edge = find(rs, "aws-lb:Edge");
	struct resource *elsewhere = find(rs, "aws-lb:Elsewhere");

	assert_exposure(find(rs, "aws-lb:Web"), "tcp/443 from 0.0.0.0/0; tcp/8443 from 10.0.0.0/8");
	assert_exposure(find(rs, "aws-lb:Inside"), "nothing");
	/* No groups on a network load balancer: every address; a Port not known is named. */
	assert_exposure(edge, "udp/53 from 0.0.0.0/0, ::/0");
	assert_int_equal(edge->unknowns->len, 1);
	assert_non_null(strstr(((const struct resource_unknown *)edge->unknowns->pdata[0])->what, "ListenerPort"));
	/* A group not in the template: nothing known to be let in, and said. */
	assert_exposure(elsewhere, "nothing");
	assert_int_equal(elsewhere->unknowns->len, 1);
}

/* EKS node groups: SSH from anywhere with a key and no source groups. */
static void test_cfn__nodegroup_remote_access(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/lb_nodegroup.yaml");

	assert_exposure(find(rs, "aws-eks-nodegroup:OpenNodes"), "tcp/22 from 0.0.0.0/0");
	assert_exposure(find(rs, "aws-eks-nodegroup:BastionNodes"), "tcp/22 from aws-sg:WebSg");
	assert_exposure(find(rs, "aws-eks-nodegroup:QuietNodes"), "nothing");
}

static void test_cfn__search_domain_policy(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("cfn/surfaces.yaml");

	assert_string_equal(resource_setting_get(find(rs, "aws:Logs"), "access_policy")->value, "open");
	/* Principal "*" inside a VPC: reachable only from the VPC. */
	assert_string_equal(resource_setting_get(find(rs, "aws:Search"), "access_policy")->value, "restricted");
}

/* ---- elasticsearch.yml ------------------------------------------------ */

static void test_es__flat(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/flat/elasticsearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/flat");

	assert_string_equal(r->kind, "Elasticsearch");
	assert_string_equal(r->service, "elasticsearch");
	assert_int_equal(r->model, RESOURCE_SETTINGS);
	assert_setting(r, "auth", "off", "xpack.security.enabled: false", 4);
	assert_setting(r, "bind", "all", "network.host: 0.0.0.0", 5);
	assert_exposure(r, "nothing");
}

static void test_es__nested(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/nested/elasticsearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/nested");

	assert_setting(r, "auth", "off", "xpack.security.enabled: false", 6);
	assert_setting(r, "bind", "loopback", "network.host: _local_", 8);
}

static void test_es__mixed_takes_wider_bind(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/mixed/elasticsearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/mixed");

	assert_setting(r, "auth", "on", "xpack.security.enabled: true", 4);
	assert_setting(r, "bind", "all", "http.host: [_site_, _local_]", 7);
}

static void test_es__opensearch(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/opensearch/opensearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/opensearch");

	assert_string_equal(r->kind, "OpenSearch");
	assert_string_equal(r->service, "opensearch");
	assert_setting(r, "auth", "off", "plugins.security.disabled: true", 4);
	assert_setting(r, "bind", "specific", "network.host: 10.1.2.3", 5);
}

static void test_es__safe(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/safe/elasticsearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/safe");

	assert_setting(r, "auth", "on", "xpack.security.enabled: true", 2);
	assert_setting(r, "bind", "loopback", "network.host: _local_", 3);
}

static void test_es__environment_is_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = extract_fixture("es/env/elasticsearch.yml");
	struct resource *r = find(rs, "elasticsearch:es/env");
	static const char *const unknowns[] = {
		"network.host is ${ES_HOST}, set from the environment",
		NULL,
	};

	assert_setting(r, "bind", NULL, NULL, 0);
	assert_unknowns(r, unknowns);
}

static void test_es__malformed_fails(void **state)
{
	g_autofree char *message = extract_fixture_fails("es/malformed/elasticsearch.yml", DW_ERROR_PARSE);

	assert_string_equal(message,
	                    "es/malformed/elasticsearch.yml:6: network.host is set twice (also on line 4)\n"
	                    "es/malformed/elasticsearch.yml:3: xpack.security.enabled: expected true or false, "
	                    "got \"maybe\"");
}

static void test_es__bind_values(void **state)
{
	static const char *const cases[][2] = {
		{ "_local_", "loopback" },
		{ "_local:ipv4_", "loopback" },
		{ "localhost", "loopback" },
		{ "127.0.0.1", "loopback" },
		{ "127.1.2.3", "loopback" },
		{ "\"::1\"", "loopback" },
		{ "\"[::1]\"", "loopback" },
		{ "0.0.0.0", "all" },
		{ "\"::\"", "all" },
		{ "\"0\"", "all" },
		{ "_site_", "all" },
		{ "_global:ipv6_", "all" },
		{ "[_local_, _site_]", "all" },
		{ "\"_local_,_global_\"", "all" },
		{ "10.0.0.5", "specific" },
		{ "es1.internal", "specific" },
		{ "_eth0_", "specific" },
		{ "[_local_, 10.0.0.5]", "specific" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strdup_printf("network.host: %s\n", cases[i][0]);
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) out = extract_text("elasticsearch.yml", text, strlen(text), &error);
		const struct resource_setting *s;

		if (out == NULL)
			fail_msg("%s: %s", cases[i][0], error->message);
		assert_string_equal(((struct resource *)g_ptr_array_index(out, 0))->identity, "elasticsearch:.");
		s = resource_setting_get(g_ptr_array_index(out, 0), "bind");
		if (s == NULL || strcmp(s->value, cases[i][1]) != 0)
			fail_msg("network.host: %s gave %s, expected %s", cases[i][0], s ? s->value : "nothing",
			         cases[i][1]);
	}
}

static void test_es__empty_file_has_no_settings(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = extract_text("conf/elasticsearch.yml", "", 0, &error);
	struct resource *r;

	assert_non_null(out);
	assert_int_equal(out->len, 1);
	r = g_ptr_array_index(out, 0);
	assert_string_equal(r->identity, "elasticsearch:conf");
	assert_int_equal(r->settings->len, 0);
}


/* ---- ARM copy loops and parameter files ----------------------------- */

/* A quick-start NSG whose rules come from a property copy loop over an
 * array (count and input as given), beside plain rules in another NSG. */
static const char arm_loop_head[] =
	"{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
	" \"parameters\": {\"rules\": {\"type\": \"array\", \"defaultValue\": [\n"
	"   {\"name\": \"https\", \"priority\": 100, \"access\": \"Allow\", \"port\": \"443\", \"source\": \"*\"},\n"
	"   {\"name\": \"ssh\", \"priority\": 110, \"access\": \"Allow\", \"port\": \"22\", \"source\": \"10.1.0.0/16\"},\n"
	"   {\"name\": \"deny\", \"priority\": 4000, \"access\": \"Deny\", \"port\": \"*\", \"source\": \"*\"}]},\n"
	"   \"sshSource\": {\"type\": \"string\"}},\n"
	" \"variables\": {\"it\": 0},\n"
	" \"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"loop-nsg\",\n"
	"   \"properties\": {\"copy\": [{\"name\": \"securityRules\", \"count\": \"";
static const char arm_loop_tail[] =
	"\",\n     \"input\": {\"name\": \"[parameters('rules')[copyIndex('securityRules')].name]\",\n"
	"       \"properties\": {\"priority\": \"[parameters('rules')[copyIndex('securityRules')].priority]\",\n"
	"         \"direction\": \"Inbound\", \"protocol\": \"Tcp\",\n"
	"         \"access\": \"[parameters('rules')[copyIndex('securityRules')].access]\",\n"
	"         \"sourceAddressPrefix\": \"[parameters('rules')[copyIndex('securityRules')].source]\",\n"
	"         \"sourcePortRange\": \"*\", \"destinationAddressPrefix\": \"*\",\n"
	"         \"destinationPortRange\": \"[parameters('rules')[copyIndex('securityRules')].port]\"}}}]}}]}\n";

static GPtrArray *arm_loop(const char *count)
{
	g_autofree char *text = g_strconcat(arm_loop_head, count, arm_loop_tail, NULL);
	g_autoptr(GError) error = NULL;
	GPtrArray *rs = extract_text("net/azuredeploy.json", text, strlen(text), &error);

	assert_null(error);
	return rs;
}

static void test_arm__copy_loop_is_its_rules(void **state)
{
	g_autoptr(GPtrArray) rs = arm_loop("[length(parameters('rules'))]");
	struct resource *r = find(rs, "azure-nsg:loop-nsg");
	const struct resource_rule *ssh;

	assert_int_equal(r->unknowns->len, 0);
	assert_int_equal(r->rules->len, 3 + 3);
	ssh = g_ptr_array_index(r->rules, 1);
	assert_string_equal(ssh->name, "ssh");
	assert_int_equal(ssh->priority, 110);
	/* The TCP deny at 4000 shadows the default rules for TCP. */
	assert_exposure(r, "all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                   "tcp/22 from 10.1.0.0/16; tcp/443 from 0.0.0.0/0, ::/0, "
	                   "azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork");
}

static void test_arm__copy_loop_part_and_past_the_limit(void **state)
{
	g_autoptr(GPtrArray) two = arm_loop("2");
	g_autoptr(GPtrArray) big = arm_loop("801");
	g_autoptr(GPtrArray) unknown = arm_loop("[parameters('sshSource')]");
	static const char *const past[] = {
		"securityRules copy loop has a count of 801, more than 800, not evaluated", NULL,
	};
	static const char *const unset[] = {
		"securityRules copy loop parameter sshSource has no defaultValue, not evaluated", NULL,
	};

	/* Two iterations: no deny, so the defaults' tags stay. */
	assert_address_exposure(find(two, "azure-nsg:loop-nsg"), "tcp/22 from 10.1.0.0/16; "
	                                                          "tcp/443 from 0.0.0.0/0, ::/0");
	/* Not evaluable: an unknown, and no rule guessed. */
	assert_unknowns(find(big, "azure-nsg:loop-nsg"), past);
	assert_int_equal(find(big, "azure-nsg:loop-nsg")->rules->len, 3);
	assert_unknowns(find(unknown, "azure-nsg:loop-nsg"), unset);
}

static void test_arm__resource_copy_loop(void **state)
{
	static const char text[] =
		"{\"variables\": {\"tiers\": [\"orders\", \"ledger\"]},\n"
		" \"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\",\n"
		"   \"name\": \"[concat(variables('tiers')[copyIndex()], '-nsg')]\",\n"
		"   \"copy\": {\"name\": \"tierLoop\", \"count\": \"[length(variables('tiers'))]\"},\n"
		"   \"properties\": {\"securityRules\": [{\"name\": \"[concat('sql-', copyIndex('tierLoop', 1))]\",\n"
		"     \"properties\": {\"priority\": 100, \"direction\": \"Inbound\", \"access\": \"Allow\",\n"
		"       \"protocol\": \"Tcp\", \"sourceAddressPrefix\": \"10.2.0.0/24\", \"sourcePortRange\": \"*\",\n"
		"       \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"1433\"}}]}},\n"
		"  {\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"[concat('x', copyIndex())]\",\n"
		"   \"copy\": {\"name\": \"many\", \"count\": \"[parameters('n')]\"}, \"properties\": {}}]}\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) rs = extract_text("data/azuredeploy.json", text, sizeof(text) - 1, &error);
	const struct resource *ledger;
	const struct resource *unknown;

	assert_null(error);
	assert_int_equal(rs->len, 3);
	ledger = find(rs, "azure-nsg:ledger-nsg");
	assert_string_equal(((const struct resource_rule *)ledger->rules->pdata[0])->name, "sql-2");
	assert_address_exposure(ledger, "tcp/1433 from 10.2.0.0/24");
	assert_address_exposure(find(rs, "azure-nsg:orders-nsg"), "tcp/1433 from 10.2.0.0/24");
	/* A loop that cannot be evaluated: read once, with an unknown. */
	unknown = g_ptr_array_index(rs, 2);
	assert_int_equal(unknown->unknowns->len, 2);
	assert_non_null(strstr(((const struct resource_unknown *)unknown->unknowns->pdata[1])->what,
	                       "deployed by a copy loop that parameter n is not declared"));
}

/* The SSH rule's source from parameter sshSource (default 10.0.0.0/8). */
static const char arm_param_template[] =
	"{\"parameters\": {\"sshSource\": {\"type\": \"string\", \"defaultValue\": \"10.0.0.0/8\"}},\n"
	" \"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"web-nsg\",\n"
	"   \"properties\": {\"securityRules\": [{\"name\": \"ssh\", \"properties\": {\"priority\": 100,\n"
	"     \"direction\": \"Inbound\", \"access\": \"Allow\", \"protocol\": \"Tcp\",\n"
	"     \"sourceAddressPrefix\": \"[parameters('sshSource')]\", \"sourcePortRange\": \"*\",\n"
	"     \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"22\"}}]}}]}\n";

static GPtrArray *arm_with_params(const struct extract_tf_file *params, size_t n)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	assert_true(extract_file_arm(out, "web/azuredeploy.json", arm_param_template,
	                             sizeof(arm_param_template) - 1, params, n, &error));
	return g_steal_pointer(&out);
}

#define ARM_PARAMS(v) "{\"parameters\": {\"sshSource\": {\"value\": \"" v "\"}}}"

static void test_arm__parameter_files(void **state)
{
	static const char dev[] = ARM_PARAMS("0.0.0.0/0");
	static const char prod[] = ARM_PARAMS("10.1.0.0/16");
	static const char same[] = ARM_PARAMS("0.0.0.0/0");
	static const char none[] = "{\"parameters\": {}}";
	const struct extract_tf_file files[] = {
		{ "web/azuredeploy.parameters.dev.json", dev, sizeof(dev) - 1 },
		{ "web/azuredeploy.parameters.prod.json", prod, sizeof(prod) - 1 },
		{ "web/azuredeploy.parameters.same.json", same, sizeof(same) - 1 },
		{ "web/azuredeploy.parameters.json", none, sizeof(none) - 1 },
	};
	g_autoptr(GPtrArray) plain = arm_with_params(NULL, 0);
	g_autoptr(GPtrArray) one = arm_with_params(files, 1);
	g_autoptr(GPtrArray) agree = arm_with_params(files + 2, 1);
	g_autoptr(GPtrArray) two = arm_with_params(files, 2);
	g_autoptr(GPtrArray) unset = arm_with_params(files + 3, 1);
	g_autoptr(GPtrArray) mixed = arm_with_params(files + 2, 2);
	static const char *const differ[] = {
		"security rule ssh: sourceAddressPrefix is [parameters('sshSource')], parameter sshSource "
		"differs between web/azuredeploy.parameters.dev.json and web/azuredeploy.parameters.prod.json",
		NULL,
	};

	assert_address_exposure(find(plain, "azure-nsg:web-nsg"), "tcp/22 from 10.0.0.0/8");
	/* The file's value over the default. */
	assert_address_exposure(find(one, "azure-nsg:web-nsg"), "tcp/22 from 0.0.0.0/0");
	assert_address_exposure(find(agree, "azure-nsg:web-nsg"), "tcp/22 from 0.0.0.0/0");
	assert_address_exposure(find(unset, "azure-nsg:web-nsg"), "tcp/22 from 10.0.0.0/8");
	/* Two environments that disagree: an unknown naming both files. */
	assert_unknowns(find(two, "azure-nsg:web-nsg"), differ);
	/* One sets it, the other keeps the default: they disagree too. */
	assert_int_equal(find(mixed, "azure-nsg:web-nsg")->unknowns->len, 1);
	assert_true(extract_arm_params_for("web/azuredeploy.parameters.prod.json", "web/azuredeploy.json"));
	assert_true(extract_arm_params_for("a/vm.parameters.json", "a/vm.json"));
	assert_false(extract_arm_params_for("a/vm.parameters.json", "b/vm.json"));
	assert_false(extract_arm_params_for("a/vm.parameters.x.y.json", "a/vm.json"));
	assert_false(extract_arm_params_for("a/.parameters.json", "a/.json"));
}

static void test_arm__subnet_names_nsg_by_resource_id(void **state)
{
	static const char text[] =
		"{\"variables\": {\"nsgName\": \"app-nsg\"},\n"
		" \"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\",\n"
		"   \"name\": \"[variables('nsgName')]\", \"properties\": {}},\n"
		"  {\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"vnet\", \"properties\": {\"subnets\": [\n"
		"   {\"name\": \"app\", \"properties\": {\"networkSecurityGroup\": {\"id\":\n"
		"     \"[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]\"}}}]}}]}\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) rs = extract_text("app/azuredeploy.json", text, sizeof(text) - 1, &error);

	assert_null(error);
	assert_string_equal(resource_setting_get(find(rs, "azure-subnet:vnet/app"), "nsg")->value, "app-nsg");
	assert_string_equal(resource_setting_get(find(rs, "azure-nsg:app-nsg"), "protects")->value,
	                    "azure-subnet:vnet/app");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract__path_may_match),
		cmocka_unit_test(test_extract__empty_file_with_null_data_yields_nothing),
		cmocka_unit_test(test_extract__other_files_yield_nothing),
		cmocka_unit_test(test_extract__escaped_type_is_found),
		cmocka_unit_test(test_extract__one_pass_markers_agree),
		cmocka_unit_test(test_extract__parse_error_of_ours_fails),
		cmocka_unit_test(test_resource__first_match_ties_keep_document_order),
		cmocka_unit_test(test_resource__union_counts_allows_only),
		cmocka_unit_test(test_resource__join_moves_fragments),
		cmocka_unit_test(test_resource__join_keeps_twins_apart),
		cmocka_unit_test(test_arm__exposing),
		cmocka_unit_test(test_arm__safe),
		cmocka_unit_test(test_arm__priority_order),
		cmocka_unit_test(test_arm__defaults),
		cmocka_unit_test(test_arm__parameters_and_variables),
		cmocka_unit_test(test_arm__unknown_expression_recorded),
		cmocka_unit_test(test_arm__standalone_rules_joined),
		cmocka_unit_test(test_arm__nested_deployment),
		cmocka_unit_test(test_arm__malformed_rule_is_unknown_not_the_file),
		cmocka_unit_test(test_arm__bad_port_ranges_are_unknown),
		cmocka_unit_test(test_arm__expressions),
		cmocka_unit_test(test_arm__internet_deny_spares_private_sources),
		cmocka_unit_test(test_arm__internet_deny_unknown_space_denies_nothing),
		cmocka_unit_test(test_arm__service_firewalls),
		cmocka_unit_test(test_arm__storage_and_aks_endpoints),
		cmocka_unit_test(test_arm__blueprint_artifact),
		cmocka_unit_test(test_arm__copy_loop_is_its_rules),
		cmocka_unit_test(test_arm__copy_loop_part_and_past_the_limit),
		cmocka_unit_test(test_arm__resource_copy_loop),
		cmocka_unit_test(test_arm__parameter_files),
		cmocka_unit_test(test_arm__subnet_names_nsg_by_resource_id),
		cmocka_unit_test(test_cfn__short_tags),
		cmocka_unit_test(test_cfn__json_form),
		cmocka_unit_test(test_cfn__safe),
		cmocka_unit_test(test_cfn__standalone_ingress_joined),
		cmocka_unit_test(test_cfn__unknown_values_recorded),
		cmocka_unit_test(test_cfn__malformed_rule_is_unknown_not_the_file),
		cmocka_unit_test(test_cfn__getatt_source_is_a_named_source),
		cmocka_unit_test(test_cfn__classic_load_balancers),
		cmocka_unit_test(test_cfn__network_acl_entries_first_match),
		cmocka_unit_test(test_cfn__db_security_group_on_its_instances_port),
		cmocka_unit_test(test_cfn__public_flags_and_defaults),
		cmocka_unit_test(test_cfn__search_domain_policy),
		cmocka_unit_test(test_cfn__eks_endpoint),
		cmocka_unit_test(test_cfn__load_balancer_listeners),
		cmocka_unit_test(test_cfn__nodegroup_remote_access),
		cmocka_unit_test(test_es__flat),
		cmocka_unit_test(test_es__nested),
		cmocka_unit_test(test_es__mixed_takes_wider_bind),
		cmocka_unit_test(test_es__opensearch),
		cmocka_unit_test(test_es__safe),
		cmocka_unit_test(test_es__environment_is_unknown),
		cmocka_unit_test(test_es__malformed_fails),
		cmocka_unit_test(test_es__bind_values),
		cmocka_unit_test(test_es__empty_file_has_no_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
