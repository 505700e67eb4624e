/*
 * test_tfplan.c - Terraform plan JSON (extract_tfplan.c): planned values
 * read by the Terraform readers, identities equal to the HCL reader's for
 * the same resources, after_unknown as named unknowns, rules joined to
 * their group through configuration references, malformed plans.
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

static GPtrArray *read_ok(const char *path, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (!extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s", error->message);
	return out;
}

static const struct resource *find(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		if (strcmp(((const struct resource *)rs->pdata[i])->identity, identity) == 0)
			return rs->pdata[i];
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

static char *allowed(const struct resource *r)
{
	g_autoptr(exposure) e = resource_exposure(r);

	return exposure_to_string(e);
}

static const char plan[] =
	"{\"format_version\": \"1.2\", \"terraform_version\": \"1.6.0\",\n"
	" \"planned_values\": {\"root_module\": {\n"
	"  \"resources\": [\n"
	"   {\"address\": \"aws_security_group.web\", \"mode\": \"managed\", \"type\": \"aws_security_group\",\n"
	"    \"name\": \"web\", \"values\": {\"name\": \"web\", \"description\": \"a \\\"${x}\\\" %{y}\",\n"
	"     \"ingress\": [{\"from_port\": 443, \"to_port\": 443, \"protocol\": \"tcp\",\n"
	"       \"cidr_blocks\": [\"0.0.0.0/0\"], \"ipv6_cidr_blocks\": [], \"security_groups\": [],\n"
	"       \"self\": false, \"description\": null}], \"tags\": {\"a:b\": \"c\"}}},\n"
	"   {\"address\": \"aws_security_group_rule.ssh\", \"mode\": \"managed\", \"type\": \"aws_security_group_rule\",\n"
	"    \"name\": \"ssh\", \"values\": {\"type\": \"ingress\", \"from_port\": 22, \"to_port\": 22,\n"
	"     \"protocol\": \"tcp\", \"cidr_blocks\": [\"10.0.0.0/8\"]}},\n"
	"   {\"address\": \"data.aws_vpc.main\", \"mode\": \"data\", \"type\": \"aws_vpc\", \"name\": \"main\", \"values\": {}}\n"
	"  ],\n"
	"  \"child_modules\": [{\"address\": \"module.db[0]\", \"resources\": [\n"
	"   {\"address\": \"module.db[0].aws_security_group.db\", \"mode\": \"managed\", \"type\": \"aws_security_group\",\n"
	"    \"name\": \"db\", \"values\": {\"ingress\": [{\"from_port\": 5432, \"to_port\": 5432, \"protocol\": \"tcp\"}]}}\n"
	"  ]}]}},\n"
	" \"resource_changes\": [\n"
	"  {\"address\": \"aws_security_group_rule.ssh\", \"change\": {\"after_unknown\": {\"security_group_id\": true}}},\n"
	"  {\"address\": \"module.db[0].aws_security_group.db\", \"change\": {\"after_unknown\":\n"
	"    {\"ingress\": [{\"cidr_blocks\": true}]}}}],\n"
	" \"configuration\": {\"root_module\": {\"resources\": [\n"
	"  {\"address\": \"aws_security_group_rule.ssh\", \"expressions\": {\"security_group_id\":\n"
	"   {\"references\": [\"aws_security_group.web.id\", \"aws_security_group.web\"]}}}]}}}\n";

static void test_tfplan__rule_joins_its_group_by_reference(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("infra/plan.json", plan);
	g_autofree char *web = allowed(find(rs, "tf:infra:aws_security_group.web"));

	(void)state;
	assert_string_equal(web, "tcp/22 from 10.0.0.0/8; tcp/443 from 0.0.0.0/0");
}

static void test_tfplan__after_unknown_is_a_named_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("infra/plan.json", plan);
	const struct resource *db = find(rs, "tf:infra:module.db.aws_security_group.db");
	const struct resource_unknown *u;

	(void)state;
	assert_int_equal(db->unknowns->len, 1);
	u = db->unknowns->pdata[0];
	assert_non_null(strstr(u->what, "known only after apply"));
	assert_non_null(strstr(u->what, "cidr_blocks"));
	/* The line of the ingress block in the plan, not of the HCL made from it. */
	assert_int_equal(u->line, 16);
}

static void test_tfplan__identity_equals_the_hcl_readers(void **state)
{
	static const char tf[] = "resource \"aws_security_group\" \"web\" {\n  name = \"web\"\n  ingress {\n"
	                         "    from_port = 443\n    to_port = 443\n    protocol = \"tcp\"\n"
	                         "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n"
	                         "resource \"aws_security_group_rule\" \"ssh\" {\n  type = \"ingress\"\n"
	                         "  from_port = 22\n  to_port = 22\n  protocol = \"tcp\"\n"
	                         "  cidr_blocks = [\"10.0.0.0/8\"]\n"
	                         "  security_group_id = aws_security_group.web.id\n}\n";
	struct extract_tf_file f = { "infra/main.tf", tf, sizeof(tf) - 1 };
	g_autoptr(GPtrArray) hcl = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) rs = read_ok("infra/plan.json", plan);
	g_autoptr(GError) error = NULL;
	g_autofree char *from_hcl = NULL;
	g_autofree char *from_plan = NULL;

	(void)state;
	assert_true(extract_tf_module(hcl, "infra", &f, 1, NULL, &error));
	from_hcl = allowed(find(hcl, "tf:infra:aws_security_group.web"));
	from_plan = allowed(find(rs, "tf:infra:aws_security_group.web"));
	assert_string_equal(from_hcl, from_plan);
}

static void test_tfplan__plan_wins_over_hcl(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("infra/plan.json", plan);
	struct resource *hcl = resource_new("tf:infra:aws_security_group.web", "AWS security group", "web",
	                                    "infra/main.tf", 1, RESOURCE_UNION);
	guint before = rs->len;

	(void)state;
	g_ptr_array_add(rs, hcl);
	extract_tfplan_prefer(rs);
	assert_int_equal(rs->len, before);
	for (guint i = 0; i < rs->len; i++)
		assert_string_not_equal(((struct resource *)rs->pdata[i])->file, "infra/main.tf");
}

static void test_tfplan__count_instances_are_read(void **state)
{
	static const char two[] =
		"{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [\n"
		"{\"address\": \"aws_security_group.s[0]\", \"mode\": \"managed\", \"type\": \"aws_security_group\", "
		"\"name\": \"s\", \"index\": 0, \"values\": {\"ingress\": [{\"from_port\": 80, \"to_port\": 80, "
		"\"protocol\": \"tcp\", \"cidr_blocks\": [\"0.0.0.0/0\"]}]}},\n"
		"{\"address\": \"aws_security_group.s[1]\", \"mode\": \"managed\", \"type\": \"aws_security_group\", "
		"\"name\": \"s\", \"index\": 1, \"values\": {\"ingress\": [{\"from_port\": 22, \"to_port\": 22, "
		"\"protocol\": \"tcp\", \"cidr_blocks\": [\"0.0.0.0/0\"]}]}}]}}}\n";
	g_autoptr(GPtrArray) rs = read_ok("plan.json", two);
	g_autofree char *first = allowed(find(rs, "tf:.:aws_security_group.s"));
	g_autofree char *second = allowed(find(rs, "tf:.:aws_security_group.s[1]"));

	(void)state;
	assert_string_equal(first, "tcp/80 from 0.0.0.0/0");
	assert_string_equal(second, "tcp/22 from 0.0.0.0/0");
}

static void test_tfplan__not_a_plan_is_not_read(void **state)
{
	static const char other[] = "{\"format_version\": \"1.0\", \"provider_schemas\": {}}";
	g_autoptr(GPtrArray) rs = read_ok("schema.json", other);

	(void)state;
	assert_int_equal(rs->len, 0);
}

static void test_tfplan__plan_without_root_module_fails(void **state)
{
	static const char bad[] = "{\"format_version\": \"1.2\", \"planned_values\": {\"outputs\": {}}}";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	(void)state;
	assert_false(extract_file(out, "plan.json", bad, strlen(bad), &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	assert_non_null(strstr(error->message, "root_module"));
}

static void test_tfplan__resource_without_type_fails(void **state)
{
	static const char bad[] = "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": "
	                          "{\"resources\": [{\"mode\": \"managed\", \"type\": \"a b\", \"name\": \"x\"}]}}}";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	(void)state;
	assert_false(extract_file(out, "plan.json", bad, strlen(bad), &error));
	assert_non_null(strstr(error->message, "type and a name"));
}

static void test_tfplan__hostile_strings_stay_literals(void **state)
{
	static const char evil[] =
		"{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [\n"
		"{\"mode\": \"managed\", \"type\": \"aws_security_group\", \"name\": \"x\\\" {\\n}\\nresource \\\"a\","
		" \"values\": {\"name\": \"}\\n\", \"ingress\": [{\"from_port\": 1, \"to_port\": 1, \"protocol\": "
		"\"tcp\", \"cidr_blocks\": [\"${var.x}\"]}]}}]}}}\n";
	g_autoptr(GPtrArray) rs = read_ok("plan.json", evil);
	const struct resource *r = find(rs, "tf:.:aws_security_group.x\" {\n}\nresource \"a");

	(void)state;
	/* "${var.x}" is a string, not a reference: a CIDR that is not one, an unknown naming it. */
	assert_int_equal(rs->len, 1);
	assert_int_equal(r->unknowns->len, 1);
	assert_non_null(strstr(((struct resource_unknown *)r->unknowns->pdata[0])->what, "\"${var.x}\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tfplan__rule_joins_its_group_by_reference),
		cmocka_unit_test(test_tfplan__after_unknown_is_a_named_unknown),
		cmocka_unit_test(test_tfplan__identity_equals_the_hcl_readers),
		cmocka_unit_test(test_tfplan__plan_wins_over_hcl),
		cmocka_unit_test(test_tfplan__count_instances_are_read),
		cmocka_unit_test(test_tfplan__not_a_plan_is_not_read),
		cmocka_unit_test(test_tfplan__plan_without_root_module_fails),
		cmocka_unit_test(test_tfplan__resource_without_type_fails),
		cmocka_unit_test(test_tfplan__hostile_strings_stay_literals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
