/*
 * test_tf.c - Terraform: the evaluator (defaults, tfvars precedence,
 * locals, templates, concat/flatten/toset/cidrsubnet, unknowns with their
 * reasons) and the module extractor on small in-memory modules.
 *
 * Exposures are compared as canonical text (exposure.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "error.h"
#include "extract.h"
#include "hcl.h"
#include "tf_eval.h"

/* ---- helpers ---------------------------------------------------------- */

/*
 * Evaluates local "x" of a module made of main.tf (text) and an optional
 * variables file; returns its value printed: a string as is, a list as
 * "[a b]", an unknown as "?reason", a reference as "&address.attr".
 */
static void value_print(GString *out, const struct tf_value *v)
{
	switch (v->kind) {
	case TF_VALUE_LIST:
		g_string_append_c(out, '[');
		for (guint i = 0; i < v->items->len; i++) {
			if (i)
				g_string_append_c(out, ' ');
			value_print(out, v->items->pdata[i]);
		}
		g_string_append_c(out, ']');
		break;
	case TF_VALUE_UNKNOWN:
		g_string_append_printf(out, "?%s", v->text);
		break;
	case TF_VALUE_REF:
		g_string_append_printf(out, "&%s.%s", v->text, v->attr ? v->attr : "");
		break;
	case TF_VALUE_NULL:
		g_string_append(out, "null");
		break;
	case TF_VALUE_MAP:
		g_string_append(out, "{map}");
		break;
	default:
		g_string_append(out, tf_value_text(v));
	}
}

struct vars_file {
	const char *name;
	const char *text;
};

static char *eval_local(const char *main_tf, const struct vars_file *vars, size_t n_vars)
{
	g_autoptr(hcl_file) f = NULL;
	g_autoptr(tf_eval) ev = tf_eval_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)hcl_file_free);
	g_autoptr(tf_value) v = NULL;
	GString *out = g_string_new(NULL);
	const struct hcl_expr *x = NULL;

	if (!hcl_parse(&f, "main.tf", main_tf, strlen(main_tf), &error))
		fail_msg("%s", error->message);
	for (guint i = 0; i < f->body->items->len; i++) {
		const struct hcl_item *it = f->body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "variable") == 0) {
			const struct hcl_attribute *d = hcl_body_attribute(b->body, "default");

			tf_eval_declare_variable(ev, b->labels->pdata[0], d ? d->expr : NULL);
		} else if (strcmp(b->type, "resource") == 0) {
			tf_eval_declare_resource(ev, b->labels->pdata[0], b->labels->pdata[1]);
		} else if (strcmp(b->type, "locals") == 0) {
			for (guint j = 0; j < b->body->items->len; j++) {
				const struct hcl_item *l = b->body->items->pdata[j];

				tf_eval_declare_local(ev, l->attribute.name, l->attribute.expr);
				if (strcmp(l->attribute.name, "x") == 0)
					x = l->attribute.expr;
			}
		}
	}
	for (size_t i = 0; i < n_vars; i++) {
		struct hcl_file *vf = NULL;
		bool auto_loaded = strcmp(vars[i].name, "terraform.tfvars") == 0 ||
		                   g_str_has_suffix(vars[i].name, ".auto.tfvars");

		if (!hcl_parse(&vf, vars[i].name, vars[i].text, strlen(vars[i].text), &error))
			fail_msg("%s", error->message);
		g_ptr_array_add(files, vf);
		for (guint j = 0; j < vf->body->items->len; j++) {
			const struct hcl_item *it = vf->body->items->pdata[j];

			tf_eval_set_variable(ev, it->attribute.name, it->attribute.expr, vars[i].name, auto_loaded);
		}
	}
	assert_non_null(x);
	v = tf_eval_expr(ev, x);
	value_print(out, v);
	return g_string_free(out, FALSE);
}

#define assert_local(main_tf, expected)                                   \
	do {                                                                  \
		g_autofree char *got_ = eval_local(main_tf, NULL, 0);            \
		assert_string_equal(got_, expected);                             \
	} while (0)

/* The resources of a module of one or more files (path, text pairs). */
static GPtrArray *module(const char *dir, GError **error, ...)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GArray) files = g_array_new(FALSE, TRUE, sizeof(struct extract_tf_file));
	g_autofree char *failed = NULL;
	const char *path;
	va_list ap;

	va_start(ap, error);
	while ((path = va_arg(ap, const char *)) != NULL) {
		struct extract_tf_file f = { path, va_arg(ap, const char *), 0 };

		f.len = strlen(f.data);
		g_array_append_val(files, f);
	}
	va_end(ap);
	if (!extract_tf_module(out, dir, (struct extract_tf_file *)(void *)files->data, files->len, &failed,
	                       error)) {
		assert_non_null(failed);
		return NULL;
	}
	return g_steal_pointer(&out);
}

static struct resource *find(GPtrArray *resources, const char *identity)
{
	for (guint i = 0; i < resources->len; i++) {
		struct resource *r = resources->pdata[i];

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

/* ---- the evaluator ---------------------------------------------------- */

static void test_tf_eval__default_and_locals(void **state)
{
	assert_local("variable \"a\" {\n  default = \"10.0.0.0/8\"\n}\n"
	             "locals {\n  y = [var.a]\n  x = concat(local.y, [\"192.168.0.0/16\"])\n}\n",
	             "[10.0.0.0/8 192.168.0.0/16]");
}

static void test_tf_eval__no_default_is_unknown_with_reason(void **state)
{
	assert_local("variable \"admin_cidr\" {\n  type = string\n}\n"
	             "locals {\n  x = [var.admin_cidr]\n}\n",
	             "[?var.admin_cidr, no default]");
}

static void test_tf_eval__undeclared_is_unknown(void **state)
{
	assert_local("locals {\n  x = var.nope\n}\n", "?var.nope, not declared");
	assert_local("locals {\n  x = local.nope\n}\n", "?local.nope, not declared");
}

static void test_tf_eval__tfvars_precedence(void **state)
{
	static const char main_tf[] = "variable \"a\" {\n  default = \"d\"\n}\nlocals {\n  x = var.a\n}\n";
	static const struct vars_file tfvars[] = { { "terraform.tfvars", "a = \"t\"\n" } };
	static const struct vars_file both[] = { { "terraform.tfvars", "a = \"t\"\n" },
	                                         { "a.auto.tfvars", "a = \"auto-a\"\n" },
	                                         { "b.auto.tfvars", "a = \"auto-b\"\n" } };
	static const struct vars_file same[] = { { "prod.tfvars", "a = \"d\"\n" } };
	static const struct vars_file differs[] = { { "prod.tfvars", "a = \"p\"\n" } };
	g_autofree char *v0 = eval_local(main_tf, NULL, 0);
	g_autofree char *v1 = eval_local(main_tf, tfvars, G_N_ELEMENTS(tfvars));
	g_autofree char *v2 = eval_local(main_tf, both, G_N_ELEMENTS(both));
	g_autofree char *v3 = eval_local(main_tf, same, G_N_ELEMENTS(same));
	g_autofree char *v4 = eval_local(main_tf, differs, G_N_ELEMENTS(differs));

	assert_string_equal(v0, "d");
	assert_string_equal(v1, "t");
	assert_string_equal(v2, "auto-b");
	assert_string_equal(v3, "d");
	assert_string_equal(v4, "?var.a, set in prod.tfvars, which applies only with -var-file");
}

static void test_tf_eval__template_and_conditional(void **state)
{
	assert_local("variable \"net\" {\n  default = \"10.1\"\n}\n"
	             "locals {\n  on = true\n  x = local.on ? \"${var.net}.0.0/16\" : \"0.0.0.0/0\"\n}\n",
	             "10.1.0.0/16");
	assert_local("locals {\n  x = \"${upper(\"a\")}\"\n}\n", "?upper(\"a\"), function upper not evaluated");
}

static void test_tf_eval__flatten_toset_tolist(void **state)
{
	assert_local("locals {\n  x = toset(flatten([[\"a\", \"b\"], [[\"a\"]], \"c\"]))\n}\n", "[a b c]");
	assert_local("locals {\n  x = tolist([\"a\"])\n}\n", "[a]");
}

static void test_tf_eval__cidrsubnet(void **state)
{
	assert_local("locals {\n  x = cidrsubnet(\"10.0.0.0/16\", 8, 2)\n}\n", "10.0.2.0/24");
	assert_local("locals {\n  x = cidrsubnet(\"172.16.0.0/12\", 4, 15)\n}\n", "172.31.0.0/16");
	assert_local("locals {\n  x = cidrsubnet(\"fd00::/56\", 8, 1)\n}\n", "fd00:0:0:1::/64");
	assert_local("locals {\n  x = cidrsubnet(\"10.0.0.0/30\", 8, 1)\n}\n",
	             "?cidrsubnet(\"10.0.0.0/30\", 8, 1), arguments out of range");
}

static void test_tf_eval__self_reference_is_unknown(void **state)
{
	assert_local("locals {\n  x = local.y\n  y = local.x\n}\n", "?local.y refers to itself");
}

static void test_tf_eval__resource_reference(void **state)
{
	assert_local("resource \"aws_security_group\" \"web\" {\n}\nlocals {\n  x = aws_security_group.web.id\n}\n",
	             "&aws_security_group.web.id");
	assert_local("locals {\n  x = aws_security_group.gone.id\n}\n",
	             "?aws_security_group.gone.id, not a resource of this module");
	assert_local("locals {\n  x = data.aws_vpc.main.cidr_block\n}\n",
	             "?data.aws_vpc.main.cidr_block, a data source, known only at plan");
}

/* Locals that double at each step: stopped at the node limit, not a hang. */
static void test_tf_eval__growth_is_bounded(void **state)
{
	GString *tf = g_string_new("locals {\n  l0 = [\"a\", \"b\"]\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = NULL;
	g_autofree char *text = NULL;

	for (int i = 1; i < 40; i++)
		g_string_append_printf(tf, "  l%d = [local.l%d, local.l%d]\n", i, i - 1, i - 1);
	g_string_append(tf, "}\nresource \"aws_security_group\" \"s\" {\n  ingress {\n    protocol = \"-1\"\n"
	                    "    from_port = 0\n    to_port = 0\n    cidr_blocks = flatten(local.l39)\n  }\n}\n");
	text = g_string_free(tf, FALSE);
	out = module("m", &error, "m/main.tf", text, NULL);
	assert_null(out);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
}

/* ---- the extractor ---------------------------------------------------- */

/* Past the per-file rule limit (extract_file's): DW_ERROR_LIMIT naming the file. */
static void test_tf__too_many_rules_in_one_file_fails(void **state)
{
	GString *tf = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = NULL;
	g_autofree char *text = NULL;

	for (int g = 0; g < 5; g++) {
		g_string_append_printf(tf, "resource \"aws_security_group\" \"g%d\" {\n", g);
		for (int i = 0; i < 1000; i++)
			g_string_append_printf(tf, "  ingress {\n    protocol = \"tcp\"\n    from_port = %d\n"
			                           "    to_port = %d\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n", i, i);
		g_string_append(tf, "}\n");
	}
	text = g_string_free(tf, FALSE);
	out = module("m", &error, "m/big.tf", text, NULL);
	assert_null(out);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_true(g_str_has_prefix(error->message, "m/big.tf: more than 4096 rules"));
}

static void test_tf__security_group_joins_rules_across_files(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		"infra", &error,
		"infra/sg.tf",
		"resource \"aws_security_group\" \"web\" {\n"
		"  ingress {\n    protocol = \"tcp\"\n    from_port = 443\n    to_port = 443\n"
		"    cidr_blocks = [\"0.0.0.0/0\"]\n    ipv6_cidr_blocks = [\"::/0\"]\n  }\n"
		"  ingress {\n    protocol = \"all\"\n    from_port = 0\n    to_port = 0\n    self = true\n  }\n}\n",
		"infra/rules.tf",
		"resource \"aws_security_group_rule\" \"db\" {\n  type = \"ingress\"\n  protocol = \"tcp\"\n"
		"  from_port = 5432\n  to_port = 5432\n"
		"  source_security_group_id = aws_security_group.web.id\n"
		"  security_group_id = aws_security_group.web.id\n}\n",
		NULL);
	struct resource *r;
	const struct resource_rule *joined;

	if (!out)
		fail_msg("%s", error->message);
	assert_int_equal(out->len, 1);
	r = find(out, "tf:infra:aws_security_group.web");
	assert_false(r->fragment);
	assert_exposure(r, "all protocols except tcp from aws-sg:aws_security_group.web; "
	                   "tcp/0-442,444-65535 from aws-sg:aws_security_group.web; "
	                   "tcp/443 from 0.0.0.0/0, ::/0, aws-sg:aws_security_group.web");
	joined = r->rules->pdata[2];
	assert_string_equal(joined->file, "infra/rules.tf");
	assert_int_equal(joined->line, 1);
}

static void test_tf__unknown_source_leaves_the_rule_out(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"variable \"admin_cidr\" {}\n"
		"resource \"aws_security_group\" \"s\" {\n"
		"  ingress {\n    protocol = \"tcp\"\n    from_port = 22\n    to_port = 22\n"
		"    cidr_blocks = [var.admin_cidr]\n  }\n}\n",
		NULL);
	struct resource *r;
	const struct resource_unknown *u;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, "tf:.:aws_security_group.s");
	assert_exposure(r, "nothing");
	assert_int_equal(r->unknowns->len, 1);
	u = r->unknowns->pdata[0];
	assert_string_equal(u->what, "aws_security_group.s: cidr_blocks is var.admin_cidr, no default");
	assert_int_equal(u->line, 7);
}

/* Rules in dynamic blocks or an attribute list are not evaluated: unknowns, never a pass. */
static void test_tf__dynamic_and_attribute_rules_are_unknown(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"resource \"aws_security_group\" \"a\" {\n  ingress = []\n}\n"
		"resource \"azurerm_network_security_group\" \"n\" {\n"
		"  dynamic \"security_rule\" {\n    for_each = var.rules\n    content {}\n  }\n}\n",
		NULL);
	const struct resource_unknown *u;

	if (!out)
		fail_msg("%s", error->message);
	u = find(out, "tf:.:aws_security_group.a")->unknowns->pdata[0];
	assert_string_equal(u->what, "aws_security_group.a: ingress = [], not evaluated");
	u = find(out, "tf:.:azurerm_network_security_group.n")->unknowns->pdata[0];
	assert_string_equal(u->what, "azurerm_network_security_group.n: dynamic \"security_rule\" block, not evaluated");
	assert_int_equal(u->line, 5);
}

static void test_tf__count_zero_creates_nothing(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"variable \"on\" {\n  default = false\n}\n"
		"resource \"aws_security_group\" \"s\" {\n  count = var.on ? 1 : 0\n}\n", NULL);

	assert_non_null(out);
	assert_int_equal(out->len, 0);
}

static void test_tf__azure_defaults_and_deny_scope(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "nsg.tf",
		"resource \"azurerm_network_security_group\" \"n\" {\n"
		"  security_rule {\n    name = \"deny-some\"\n    priority = 100\n    direction = \"Inbound\"\n"
		"    access = \"Deny\"\n    protocol = \"*\"\n    source_port_range = \"*\"\n"
		"    destination_port_range = \"*\"\n    source_address_prefix = \"*\"\n"
		"    destination_address_prefix = \"10.0.0.4\"\n  }\n"
		"  security_rule {\n    name = \"ssh\"\n    priority = 200\n    direction = \"Inbound\"\n"
		"    access = \"Allow\"\n    protocol = \"Tcp\"\n    source_port_range = \"*\"\n"
		"    destination_port_ranges = [\"22\", \"2222-2223\"]\n"
		"    source_address_prefixes = [\"198.51.100.0/24\"]\n    destination_address_prefix = \"*\"\n  }\n"
		"}\n",
		NULL);
	struct resource *r;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, "tf:.:azurerm_network_security_group.n");
	/* The deny names one destination only: it denies nothing as a whole. */
	assert_int_equal(r->rules->len, 4);
	assert_exposure(r, "all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                   "tcp/0-21,23-2221,2224-65535 from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                   "tcp/22,2222-2223 from 198.51.100.0/24, azure-tag:AzureLoadBalancer, "
	                   "azure-tag:VirtualNetwork");
}

static void test_tf__gcp_deny_wins_at_equal_priority(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "fw.tf",
		"resource \"google_compute_firewall\" \"a\" {\n  network = \"default\"\n  priority = 500\n"
		"  source_ranges = [\"0.0.0.0/0\"]\n  allow {\n    protocol = \"tcp\"\n    ports = [\"22\", \"80\"]\n  }\n}\n"
		"resource \"google_compute_firewall\" \"d\" {\n  network = \"default\"\n  priority = 500\n"
		"  source_ranges = [\"0.0.0.0/0\"]\n  deny {\n    protocol = \"tcp\"\n    ports = [\"22\"]\n  }\n}\n"
		"resource \"google_compute_firewall\" \"t\" {\n  network = \"default\"\n"
		"  source_tags = [\"web\"]\n  allow {\n    protocol = \"udp\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_int_equal(out->len, 1);
	assert_exposure(find(out, "tf:.:network:default"), "tcp/80 from 0.0.0.0/0; udp/0-65535 from gcp-tag:web");
}

/* A firewall naming a network of the module by its name joins that network. */
static void test_tf__gcp_network_by_name_or_reference_is_one_list(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "fw.tf",
		"resource \"google_compute_network\" \"vpc\" {\n  name = \"main-vpc\"\n}\n"
		"resource \"google_compute_firewall\" \"a\" {\n  network = google_compute_network.vpc.name\n"
		"  source_ranges = [\"0.0.0.0/0\"]\n  allow {\n    protocol = \"tcp\"\n    ports = [\"22\"]\n  }\n}\n"
		"resource \"google_compute_firewall\" \"d\" {\n"
		"  network = \"projects/p/global/networks/main-vpc\"\n  priority = 10\n"
		"  source_ranges = [\"0.0.0.0/0\"]\n  deny {\n    protocol = \"all\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_int_equal(out->len, 1);
	assert_exposure(find(out, "tf:.:google_compute_network.vpc"), "nothing");
}

static void test_tf__nacl_first_match_by_number(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "acl.tf",
		"resource \"aws_network_acl\" \"a\" {\n"
		"  ingress {\n    rule_no = 200\n    action = \"allow\"\n    protocol = \"tcp\"\n"
		"    from_port = 0\n    to_port = 65535\n    cidr_block = \"0.0.0.0/0\"\n  }\n"
		"  ingress {\n    rule_no = 100\n    action = \"deny\"\n    protocol = \"tcp\"\n"
		"    from_port = 1024\n    to_port = 65535\n    cidr_block = \"0.0.0.0/0\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_network_acl.a"), "tcp/0-1023 from 0.0.0.0/0");
}

/* One test per way a module is wrong; each names file:line. */
static void assert_module_fails(const char *text, const char *expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module("m", &error, "m/a.tf", "locals {}\n", "m/b.tf", text, NULL);

	assert_null(out);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	if (!strstr(error->message, expected))
		fail_msg("\"%s\" does not hold \"%s\"", error->message, expected);
}

static void test_tf__malformed_fails(void **state)
{
	assert_module_fails("resource \"aws_security_group\" \"s\" {\n", "m/b.tf:");
	assert_module_fails("resource \"aws_security_group\" \"s\" {\n  ingress {\n    protocol = \"tcp\"\n"
	                    "    from_port = 22\n    to_port = 70000\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
	                    "m/b.tf:5: aws_security_group.s: expected to_port in -1..65535, got \"70000\"");
	assert_module_fails("resource \"aws_security_group\" \"s\" {\n  ingress {\n    protocol = \"tcp\"\n"
	                    "    from_port = 22\n    to_port = 22\n  }\n}\n",
	                    "m/b.tf:2: aws_security_group.s: ingress rule has no source");
	assert_module_fails("resource \"aws_security_group\" \"s\" {\n  ingress {\n    protocol = \"gre\"\n"
	                    "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
	                    "m/b.tf:3: aws_security_group.s: expected a protocol");
	assert_module_fails("resource \"aws_security_group\" \"s\" {}\nresource \"aws_security_group\" \"s\" {}\n",
	                    "m/b.tf:2: duplicate resource aws_security_group.s");
	assert_module_fails("resource \"google_compute_firewall\" \"f\" {\n  network = \"default\"\n"
	                    "  direction = \"IN\"\n  allow {\n    protocol = \"tcp\"\n  }\n}\n",
	                    "m/b.tf:3: google_compute_firewall.f: expected INGRESS or EGRESS");
	assert_module_fails("resource \"azurerm_network_security_rule\" \"r\" {\n  priority = 5\n"
	                    "  direction = \"Inbound\"\n  access = \"Allow\"\n  protocol = \"Tcp\"\n"
	                    "  source_address_prefix = \"*\"\n  destination_port_range = \"22\"\n}\n",
	                    "m/b.tf:2: azurerm_network_security_rule.r: expected priority in 100..4096");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tf_eval__default_and_locals),
		cmocka_unit_test(test_tf_eval__no_default_is_unknown_with_reason),
		cmocka_unit_test(test_tf_eval__undeclared_is_unknown),
		cmocka_unit_test(test_tf_eval__tfvars_precedence),
		cmocka_unit_test(test_tf_eval__template_and_conditional),
		cmocka_unit_test(test_tf_eval__flatten_toset_tolist),
		cmocka_unit_test(test_tf_eval__cidrsubnet),
		cmocka_unit_test(test_tf_eval__self_reference_is_unknown),
		cmocka_unit_test(test_tf_eval__resource_reference),
		cmocka_unit_test(test_tf_eval__growth_is_bounded),
		cmocka_unit_test(test_tf__too_many_rules_in_one_file_fails),
		cmocka_unit_test(test_tf__security_group_joins_rules_across_files),
		cmocka_unit_test(test_tf__unknown_source_leaves_the_rule_out),
		cmocka_unit_test(test_tf__dynamic_and_attribute_rules_are_unknown),
		cmocka_unit_test(test_tf__count_zero_creates_nothing),
		cmocka_unit_test(test_tf__azure_defaults_and_deny_scope),
		cmocka_unit_test(test_tf__gcp_deny_wins_at_equal_priority),
		cmocka_unit_test(test_tf__gcp_network_by_name_or_reference_is_one_list),
		cmocka_unit_test(test_tf__nacl_first_match_by_number),
		cmocka_unit_test(test_tf__malformed_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
