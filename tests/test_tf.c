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

#include "dw_error.h"
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

/* Rules in dynamic blocks, or an attribute list that is not known: unknowns, never a pass. */
static void test_tf__dynamic_and_unknown_attribute_rules_are_unknown(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"variable \"rules\" {}\n"
		"resource \"aws_security_group\" \"a\" {\n  ingress = var.rules\n}\n"
		"resource \"aws_security_group\" \"none\" {\n  ingress = []\n}\n"
		"resource \"azurerm_network_security_group\" \"n\" {\n"
		"  dynamic \"security_rule\" {\n    for_each = var.rules\n    content {}\n  }\n}\n",
		NULL);
	const struct resource_unknown *u;
	struct resource *none;

	if (!out)
		fail_msg("%s", error->message);
	assert_int_equal(find(out, "tf:.:aws_security_group.a")->unknowns->len, 1);
	u = find(out, "tf:.:aws_security_group.a")->unknowns->pdata[0];
	assert_string_equal(u->what, "aws_security_group.a: ingress is var.rules, no default");
	assert_int_equal(u->line, 3);
	/* An empty list is no rule at all, and nothing unknown. */
	none = find(out, "tf:.:aws_security_group.none");
	assert_int_equal(none->unknowns->len, 0);
	assert_exposure(none, "nothing");
	u = find(out, "tf:.:azurerm_network_security_group.n")->unknowns->pdata[0];
	assert_string_equal(u->what, "azurerm_network_security_group.n: dynamic \"security_rule\" block, not evaluated");
	assert_int_equal(u->line, 9);
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

/*
 * azurerm reads Azure's Internet tag as ARM does: every address in an
 * allow, only the public space in a deny, so a "deny Internet" in front
 * of an allow from "*" still lets private sources outside the VNet in.
 */
static void test_tf__azure_internet_deny_spares_private_sources(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(srcset) all = srcset_new();
	g_autoptr(srcset) private_space = srcset_new();
	g_autoptr(srcset) internet = NULL;
	g_autoptr(GPtrArray) out = NULL;

	srcset_add_all_addresses(all);
	assert_true(srcset_add_cidr(private_space, "10.0.0.0/8", NULL));
	internet = srcset_subtract(all, private_space);
	extract_arm_set_internet(internet);
	out = module(".", &error, "nsg.tf",
	             "resource \"azurerm_network_security_group\" \"n\" {\n"
	             "  security_rule {\n    name = \"no-internet\"\n    priority = 100\n"
	             "    direction = \"Inbound\"\n    access = \"Deny\"\n    protocol = \"Tcp\"\n"
	             "    source_port_range = \"*\"\n    destination_port_range = \"*\"\n"
	             "    source_address_prefix = \"Internet\"\n    destination_address_prefix = \"*\"\n  }\n"
	             "  security_rule {\n    name = \"ssh\"\n    priority = 200\n    direction = \"Inbound\"\n"
	             "    access = \"Allow\"\n    protocol = \"Tcp\"\n    source_port_range = \"*\"\n"
	             "    destination_port_range = \"22\"\n    source_address_prefix = \"Internet\"\n"
	             "    destination_address_prefix = \"*\"\n  }\n"
	             "}\n",
	             NULL);
	extract_arm_set_internet(NULL);
	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:azurerm_network_security_group.n"),
	                "all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                "tcp/0-21,23-65535 from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                "tcp/22 from 10.0.0.0/8, azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork");
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
	assert_module_fails("resource \"aws_security_group\" \"s\" {}\nresource \"aws_security_group\" \"s\" {}\n",
	                    "m/b.tf:2: duplicate resource aws_security_group.s");
	assert_module_fails("resource \"aws_security_group\" {}\n", "m/b.tf:1: expected resource \"TYPE\" \"NAME\"");
}

/*
 * One malformed rule is unknown (naming file:line and the value) and the
 * rule beside it, 3306 from anywhere, is still read: a bad value must not
 * hide a widening in the same file.
 */
static void assert_rule_unknown(const char *rule_type, const char *bad_rule, const char *good_rule,
                                const char *identity, const char *expected, unsigned line,
                                const char *exposure_text)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = g_strdup_printf("resource \"%s\" \"s\" {\n%s%s}\n", rule_type, bad_rule, good_rule);
	g_autoptr(GPtrArray) out = module("m", &error, "m/a.tf", "locals {}\n", "m/b.tf", text, NULL);
	struct resource *r;
	const struct resource_unknown *u;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, identity);
	assert_int_equal(r->unknowns->len, 1);
	u = r->unknowns->pdata[0];
	if (!strstr(u->what, expected))
		fail_msg("\"%s\" does not hold \"%s\"", u->what, expected);
	assert_int_equal(u->line, line);
	assert_exposure(r, exposure_text);
}

#define TF_GOOD_SG "  ingress {\n    protocol = \"tcp\"\n    from_port = 3306\n    to_port = 3306\n" \
	"    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n"

static void test_tf__malformed_rule_is_unknown_beside_good_ones(void **state)
{
	assert_rule_unknown("aws_security_group",
	                    "  ingress {\n    protocol = \"tcp\"\n    from_port = 22\n    to_port = 70000\n"
	                    "    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n", TF_GOOD_SG, "tf:m:aws_security_group.s",
	                    "aws_security_group.s: expected to_port in -1..65535, got \"70000\"", 5,
	                    "tcp/3306 from 0.0.0.0/0");
	assert_rule_unknown("aws_security_group",
	                    "  ingress {\n    protocol = \"gre\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n", TF_GOOD_SG,
	                    "tf:m:aws_security_group.s", "aws_security_group.s: expected a protocol", 3,
	                    "tcp/3306 from 0.0.0.0/0");
	assert_rule_unknown("aws_security_group",
	                    "  ingress {\n    protocol = \"tcp\"\n    from_port = 22\n    to_port = 22\n"
	                    "    cidr_blocks = [\"10.0.0.0/33\"]\n  }\n", TF_GOOD_SG, "tf:m:aws_security_group.s",
	                    "expected a CIDR block, got \"10.0.0.0/33\"", 6, "tcp/3306 from 0.0.0.0/0");
	assert_rule_unknown("aws_network_acl",
	                    "  ingress {\n    rule_no = 100\n    action = \"allow\"\n    protocol = \"tcp\"\n"
	                    "    from_port = 22\n    to_port = 22\n  }\n",
	                    "  ingress {\n    rule_no = 200\n    action = \"allow\"\n    protocol = \"tcp\"\n"
	                    "    from_port = 3306\n    to_port = 3306\n    cidr_block = \"0.0.0.0/0\"\n  }\n",
	                    "tf:m:aws_network_acl.s", "no cidr_block or ipv6_cidr_block", 2, "tcp/3306 from 0.0.0.0/0");
	assert_rule_unknown("google_compute_firewall",
	                    "  network = \"default\"\n  direction = \"IN\"\n  allow {\n    protocol = \"tcp\"\n  }\n", "",
	                    "tf:m:network:default", "google_compute_firewall.s: expected INGRESS or EGRESS", 3, "nothing");
}

/* Terraform 0.11: a list variable interpolated into a list literal is flattened into it. */
static void test_tf__tf011_list_interpolation_is_flattened(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		"legacy", &error, "legacy/main.tf",
		"variable \"admin_cidrs\" {\n  type = \"list\"\n  default = [\"203.0.113.0/24\", \"0.0.0.0/0\"]\n}\n"
		"variable \"office\" {\n  default = \"198.51.100.7/32\"\n}\n"
		"resource \"aws_security_group\" \"admin\" {\n  name = \"admin-${var.office}\"\n"
		"  ingress {\n    from_port = \"22\"\n    to_port = \"22\"\n    protocol = \"tcp\"\n"
		"    cidr_blocks = [\"${var.admin_cidrs}\", \"${var.office}\"]\n  }\n}\n",
		NULL);
	struct resource *r;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, "tf:legacy:aws_security_group.admin");
	assert_int_equal(r->unknowns->len, 0);
	assert_exposure(r, "tcp/22 from 0.0.0.0/0");
}

/* protocol = -1 unquoted is the number -1: every protocol. */
static void test_tf__unary_minus_is_a_number(void **state)
{
	assert_local("locals {\n  x = -1\n}\n", "-1");
	assert_local("locals {\n  x = -(-22)\n}\n", "22");
	assert_local("locals {\n  x = -0\n}\n", "0");
	assert_local("locals {\n  x = -\"a\"\n}\n", "?-\"a\", not evaluated");
}

/* "ingress = [{...}]" (attributes as blocks) reads like ingress blocks, in each list type. */
static void test_tf__attribute_list_rules_read_like_blocks(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"locals {\n  web = [{ from_port = 443, to_port = 443, protocol = \"tcp\", cidr_blocks = [\"0.0.0.0/0\"],\n"
		"    ipv6_cidr_blocks = null, prefix_list_ids = [], security_groups = [], self = false, description = null }]\n}\n"
		"resource \"aws_security_group\" \"sg\" {\n  ingress = concat(local.web, [\n    {\n"
		"      description = \"all from the vpn\"\n      from_port = 0\n      to_port = 0\n      protocol = -1\n"
		"      cidr_blocks = [\"10.8.0.0/16\"]\n      ipv6_cidr_blocks = []\n      prefix_list_ids = []\n"
		"      security_groups = []\n      self = false\n    },\n  ])\n}\n"
		"resource \"aws_network_acl\" \"acl\" {\n  ingress = [{\n    rule_no = 100, action = \"allow\", protocol = \"tcp\",\n"
		"    from_port = 22, to_port = 22, cidr_block = \"0.0.0.0/0\", ipv6_cidr_block = null, icmp_code = null,\n"
		"    icmp_type = null }]\n}\n"
		"resource \"azurerm_network_security_group\" \"nsg\" {\n  security_rule = [{\n    name = \"rdp\"\n"
		"    priority = 100\n    direction = \"Inbound\"\n    access = \"Allow\"\n    protocol = \"Tcp\"\n"
		"    source_port_range = \"*\"\n    destination_port_range = \"3389\"\n    source_address_prefix = \"*\"\n"
		"    destination_address_prefix = \"*\"\n    destination_port_ranges = []\n    source_address_prefixes = []\n"
		"  }]\n}\n",
		NULL);
	struct resource *sg;
	g_autoptr(exposure) nsg = NULL;
	g_autofree char *nsg_text = NULL;

	if (!out)
		fail_msg("%s", error->message);
	sg = find(out, "tf:.:aws_security_group.sg");
	assert_int_equal(sg->unknowns->len, 0);
	assert_exposure(sg, "all protocols except tcp from 10.8.0.0/16; tcp/0-442,444-65535 from "
	                    "10.8.0.0/16; tcp/443 from 0.0.0.0/0");
	assert_exposure(find(out, "tf:.:aws_network_acl.acl"), "tcp/22 from 0.0.0.0/0");
	nsg = resource_exposure(find(out, "tf:.:azurerm_network_security_group.nsg"));
	nsg_text = exposure_to_string(nsg);
	assert_non_null(strstr(nsg_text, "tcp/3389 from 0.0.0.0/0"));
}

/* A rule with a known CIDR and an unresolvable group: the CIDR is a lower
 * bound of what it lets in (union of allows), and the group is named. */
static void test_tf__partly_unknown_rule_keeps_its_known_sources(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"resource \"aws_security_group\" \"app\" {\n  ingress {\n    protocol = \"tcp\"\n    from_port = 22\n"
		"    to_port = 22\n    cidr_blocks = [\"0.0.0.0/0\"]\n"
		"    security_groups = [data.aws_security_group.ops.id]\n  }\n"
		"  ingress {\n    protocol = \"tcp\"\n    from_port = var.port\n    to_port = 8080\n"
		"    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
		NULL);
	struct resource *r;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, "tf:.:aws_security_group.app");
	/* The second rule's port is not known: the rule is left out. */
	assert_exposure(r, "tcp/22 from 0.0.0.0/0");
	assert_int_equal(r->unknowns->len, 2);
	assert_string_equal(((struct resource_unknown *)r->unknowns->pdata[0])->what,
	                    "aws_security_group.app: security_groups is data.aws_security_group.ops.id, "
	                    "a data source, known only at plan");
	assert_int_equal(((struct resource_unknown *)r->unknowns->pdata[0])->line, 7);
}

/* public_network_access_enabled absent means the provider's default: true where documented so. */
static void test_tf__azure_public_access_takes_the_provider_default(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		"db", &error, "db/sql.tf",
		"resource \"azurerm_mssql_server\" \"orders\" {\n  name = \"orders\"\n  version = \"12.0\"\n}\n"
		"resource \"azurerm_redis_cache\" \"cache\" {\n  public_network_access_enabled = false\n}\n"
		"resource \"azurerm_postgresql_flexible_server\" \"pg\" {\n  version = \"16\"\n}\n",
		NULL);
	const struct resource_setting *set;

	if (!out)
		fail_msg("%s", error->message);
	set = resource_setting_get(find(out, "tf:db:azurerm_mssql_server.orders"), "public_network_access");
	assert_non_null(set);
	assert_string_equal(set->value, "on");
	assert_int_equal(set->line, 1);
	set = resource_setting_get(find(out, "tf:db:azurerm_redis_cache.cache"), "public_network_access");
	assert_string_equal(set->value, "off");
	/* A flexible server's default depends on its subnet: nothing recorded. */
	assert_int_equal(out->len, 2);
}

/* ---- module calls ----------------------------------------------------- */

/* An in-memory repository for module calls: dir -> (path, text) pairs. */
struct fake_dir {
	const char *dir;
	const char *path;
	const char *text;
};

static bool fake_load(GArray *out, const char *dir, void *user_data)
{
	const struct fake_dir *d;

	for (d = user_data; d->dir; d++) {
		struct extract_tf_file f = { d->path, d->text, strlen(d->text) };

		if (strcmp(d->dir, dir) == 0)
			g_array_append_val(out, f);
	}
	return out->len > 0;
}

static GPtrArray *module_with(const char *dir, const char *path, const char *text, const struct fake_dir *repo)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct extract_tf_file f = { path, text, strlen(text) };
	struct extract_tf_options opts = { fake_load, (void *)repo };
	g_autoptr(GError) error = NULL;
	g_autofree char *failed = NULL;

	if (!extract_tf_module_with(out, dir, &f, 1, &opts, &failed, &error))
		fail_msg("%s", error->message);
	return g_steal_pointer(&out);
}

static const struct fake_dir tf_fake_repo[] = {
	{ "modules/sg", "modules/sg/main.tf",
	  "variable \"cidrs\" {\n  default = [\"10.0.0.0/8\"]\n}\nvariable \"port\" {}\nvariable \"peer\" {\n  default = null\n}\n"
	  "resource \"aws_security_group\" \"this\" {\n  ingress {\n    protocol = \"tcp\"\n    from_port = var.port\n"
	  "    to_port = var.port\n    cidr_blocks = var.cidrs\n  }\n}\n"
	  "module \"extra\" {\n  source = \"./extra\"\n  group = aws_security_group.this.id\n  peer = var.peer\n}\n" },
	{ "modules/sg/extra", "modules/sg/extra/rule.tf",
	  "variable \"group\" {}\nvariable \"peer\" {}\n"
	  "resource \"aws_security_group_rule\" \"peer\" {\n  type = \"ingress\"\n  security_group_id = var.group\n"
	  "  protocol = \"tcp\"\n  from_port = 443\n  to_port = 443\n  source_security_group_id = var.peer\n}\n" },
	{ "modules/loop", "modules/loop/main.tf", "module \"again\" {\n  source = \"./\"\n}\n" },
	{ "modules/broken", "modules/broken/main.tf", "resource \"aws_security_group\" \"x\" {\n" },
	{ NULL, NULL, NULL },
};

/* Arguments bind to the module's variables (defaults otherwise), under the caller's identity. */
static void test_tf__local_module_binds_arguments_under_the_callers_identity(void **state)
{
	g_autoptr(GPtrArray) out = module_with(
		"envs/prod", "envs/prod/main.tf",
		"resource \"aws_security_group\" \"lb\" {}\n"
		"module \"db\" {\n  source = \"../../modules/sg\"\n  port = 5432\n  peer = aws_security_group.lb.id\n}\n"
		"module \"ssh\" {\n  source = \"../../modules/sg/\"\n  port = 22\n  cidrs = [\"0.0.0.0/0\"]\n}\n",
		tf_fake_repo);
	struct resource *db;

	db = find(out, "tf:envs/prod:module.db.aws_security_group.this");
	assert_string_equal(db->file, "modules/sg/main.tf");
	assert_string_equal(db->name, "module.db.aws_security_group.this");
	/* The nested module's rule joins the group passed to it; its source is the caller's group. */
	assert_exposure(db, "tcp/443 from aws-sg:aws_security_group.lb; tcp/5432 from 10.0.0.0/8");
	assert_exposure(find(out, "tf:envs/prod:module.ssh.aws_security_group.this"), "tcp/22 from 0.0.0.0/0");
	/* module.ssh passes no peer: the rule has no source and adds nothing. */
	assert_int_equal(find(out, "tf:envs/prod:module.ssh.aws_security_group.this")->unknowns->len, 0);
	assert_int_equal(out->len, 3);
}

static const char *only_unknown(GPtrArray *out, const char *identity)
{
	struct resource *r = find(out, identity);

	assert_int_equal(r->unknowns->len, 1);
	return ((struct resource_unknown *)r->unknowns->pdata[0])->what;
}

/* A call that cannot be followed is one unknown that says why and names the network inputs. */
static void test_tf__module_not_followed_is_an_unknown_naming_it(void **state)
{
	g_autoptr(GPtrArray) out = module_with(
		".", "main.tf",
		"module \"web\" {\n  source = \"terraform-aws-modules/security-group/aws\"\n  version = \"5.1.0\"\n"
		"  name = \"web\"\n  ingress_with_cidr_blocks = [{ from_port = 22 }]\n  egress_rules = [\"all-all\"]\n}\n"
		"module \"gone\" {\n  source = \"./nowhere\"\n}\n"
		"module \"up\" {\n  source = \"../../etc\"\n}\n"
		"module \"loop\" {\n  source = \"./modules/loop\"\n}\n"
		"module \"broken\" {\n  source = \"./modules/broken\"\n}\n"
		"module \"off\" {\n  source = \"./nowhere\"\n  count = 0\n}\n",
		tf_fake_repo);
	const char *what;

	what = only_unknown(out, "tf:.:module.web");
	assert_non_null(strstr(what, "source \"terraform-aws-modules/security-group/aws\" is a registry or remote module"));
	assert_non_null(strstr(what, "inputs that look like network rules: ingress_with_cidr_blocks"));
	assert_null(strstr(what, "egress_rules, "));
	assert_non_null(strstr(only_unknown(out, "tf:.:module.gone"), "(nowhere) holds no Terraform files"));
	assert_non_null(strstr(only_unknown(out, "tf:.:module.up"), "is outside the repository"));
	assert_non_null(strstr(only_unknown(out, "tf:.:module.loop.module.again.module.again.module.again.module.again"
	                                         ".module.again.module.again.module.again.module.again"),
	                       "more module calls than driftwatch follows"));
	assert_non_null(strstr(only_unknown(out, "tf:.:module.broken"), "modules/broken/main.tf:2"));
	for (guint i = 0; i < out->len; i++)
		assert_null(strstr(((struct resource *)out->pdata[i])->identity, "module.off"));
}

static void test_tf__module_dir_is_normalised(void **state)
{
	g_autofree char *a = extract_tf_module_dir("envs/prod", "../../modules/./sg/");
	g_autofree char *b = extract_tf_module_dir(".", "./");
	g_autofree char *c = extract_tf_module_dir("envs", "../../x");
	g_autofree char *d = extract_tf_module_dir("envs", "git::https://example.com/x.git");

	assert_string_equal(a, "modules/sg");
	assert_string_equal(b, ".");
	assert_null(c);
	assert_null(d);
}

/* A resource type no code reads is an unknown when it looks like a network rule, else quiet. */
static void test_tf__unread_network_types_are_unknown_others_quiet(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"resource \"aws_networkfirewall_rule_group\" \"d\" {\n  capacity = 100\n}\n"
		"resource \"azurerm_container_app\" \"r\" {\n  template {\n    container {\n      name = \"web\"\n    }\n  }\n"
		"  ingress {\n    external_enabled = true\n    target_port = 8080\n  }\n}\n"
		"resource \"aws_s3_object\" \"o\" {\n  bucket = \"b\"\n  key = \"k\"\n}\n"
		"resource \"aws_instance\" \"i\" {\n  vpc_security_group_ids = [\"sg-1\"]\n}\n"
		"resource \"aws_vpc_security_group_egress_rule\" \"e\" {\n  cidr_ipv4 = \"0.0.0.0/0\"\n}\n"
		"resource \"aws_network_acl_association\" \"a\" {\n  subnet_id = \"s\"\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_int_equal(out->len, 2);
	assert_string_equal(only_unknown(out, "tf:.:aws_networkfirewall_rule_group.d"),
	                    "aws_networkfirewall_rule_group.d: resource type aws_networkfirewall_rule_group is not "
	                    "read by driftwatch");
	assert_string_equal(only_unknown(out, "tf:.:azurerm_container_app.r"),
	                    "azurerm_container_app.r: resource type azurerm_container_app is not read by "
	                    "driftwatch; it sets ingress");
}

/* aws_default_security_group and legacy DB security groups are rule lists like a group. */
static void test_tf__default_and_db_security_groups(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"resource \"aws_default_security_group\" \"d\" {\n  vpc_id = \"vpc-1\"\n"
		"  ingress {\n    protocol = -1\n    self = true\n    from_port = 0\n    to_port = 0\n  }\n}\n"
		"resource \"aws_db_security_group\" \"legacy\" {\n  name = \"legacy\"\n"
		"  ingress {\n    cidr = \"198.51.100.0/24\"\n  }\n"
		"  ingress {\n    security_group_name = \"app\"\n  }\n  ingress {\n    cidr = var.nope\n  }\n}\n",
		NULL);
	struct resource *legacy;

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_default_security_group.d"),
	                "any from aws-sg:aws_default_security_group.d");
	legacy = find(out, "tf:.:aws_db_security_group.legacy");
	/* The DB port is not named by the group: every TCP port. */
	assert_exposure(legacy, "tcp/0-65535 from 198.51.100.0/24, aws-sg:app");
	assert_int_equal(legacy->unknowns->len, 1);
}

static const char *setting_of(GPtrArray *out, const char *identity, const char *key)
{
	const struct resource_setting *set = resource_setting_get(find(out, identity), key);

	return set ? set->value : "absent";
}

/* publicly_accessible and MSK public access, with each provider default. */
static void test_tf__publicly_accessible_flags_take_their_defaults(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "main.tf",
		"resource \"aws_redshift_cluster\" \"dw\" {\n  node_type = \"ra3.xlplus\"\n}\n"
		"resource \"aws_mq_broker\" \"mq\" {\n  engine_type = \"RabbitMQ\"\n}\n"
		"resource \"aws_rds_cluster_instance\" \"db\" {\n  publicly_accessible = true\n}\n"
		"resource \"aws_neptune_cluster_instance\" \"g\" {\n  publicly_accessible = false\n}\n"
		"resource \"aws_dms_replication_instance\" \"dms\" {\n  publicly_accessible = var.p\n}\n"
		"resource \"aws_msk_cluster\" \"k\" {\n  broker_node_group_info {\n    connectivity_info {\n"
		"      public_access {\n        type = \"SERVICE_PROVIDED_EIPS\"\n      }\n    }\n  }\n}\n"
		"resource \"aws_msk_cluster\" \"private\" {\n  broker_node_group_info {\n    instance_type = \"t3\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_string_equal(setting_of(out, "tf:.:aws_redshift_cluster.dw", "public"), "on");
	assert_string_equal(setting_of(out, "tf:.:aws_mq_broker.mq", "public"), "off");
	assert_string_equal(setting_of(out, "tf:.:aws_rds_cluster_instance.db", "public"), "on");
	assert_string_equal(setting_of(out, "tf:.:aws_neptune_cluster_instance.g", "public"), "off");
	assert_string_equal(setting_of(out, "tf:.:aws_dms_replication_instance.dms", "public"), "absent");
	assert_int_equal(find(out, "tf:.:aws_dms_replication_instance.dms")->unknowns->len, 1);
	assert_string_equal(setting_of(out, "tf:.:aws_msk_cluster.k", "public"), "on");
	assert_string_equal(setting_of(out, "tf:.:aws_msk_cluster.private", "public"), "off");
}

/* The EKS API endpoint: public by default from 0.0.0.0/0, judged as the API server behind it. */
static void test_tf__eks_endpoint_defaults_to_public(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "eks.tf",
		"resource \"aws_eks_cluster\" \"dflt\" {\n  vpc_config {\n    subnet_ids = [\"s-1\"]\n  }\n}\n"
		"resource \"aws_eks_cluster\" \"office\" {\n  vpc_config {\n"
		"    public_access_cidrs = [\"203.0.113.0/24\"]\n  }\n}\n"
		"resource \"aws_eks_cluster\" \"private\" {\n  vpc_config {\n    endpoint_public_access = false\n"
		"    endpoint_private_access = true\n  }\n}\n",
		NULL);
	const struct resource_rule *rule;

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_eks_cluster.dflt"), "tcp/443 from 0.0.0.0/0");
	rule = find(out, "tf:.:aws_eks_cluster.dflt")->rules->pdata[0];
	assert_int_equal(rule->target_lo, 6443);
	assert_exposure(find(out, "tf:.:aws_eks_cluster.office"), "tcp/443 from 203.0.113.0/24");
	assert_exposure(find(out, "tf:.:aws_eks_cluster.private"), "nothing");
}

/* An internet-facing aws_lb: its listeners' ports from whoever its security
 * groups admit; internal, or groups not known, opens nothing. */
static void test_tf__load_balancer_listeners_cut_by_groups(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "lb.tf",
		"variable \"sg\" {}\n"
		"resource \"aws_security_group\" \"lb\" {\n  ingress {\n    from_port = 443\n    to_port = 443\n"
		"    protocol = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n  ingress {\n    from_port = 8000\n"
		"    to_port = 9000\n    protocol = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n}\n"
		"resource \"aws_lb\" \"web\" {\n  security_groups = [aws_security_group.lb.id]\n}\n"
		"resource \"aws_lb_listener\" \"https\" {\n  load_balancer_arn = aws_lb.web.arn\n  port = 443\n"
		"  protocol = \"HTTPS\"\n}\n"
		"resource \"aws_lb_listener\" \"alt\" {\n  load_balancer_arn = aws_lb.web.arn\n  port = 8080\n}\n"
		"resource \"aws_lb_listener\" \"closed\" {\n  load_balancer_arn = aws_lb.web.arn\n  port = 22\n}\n"
		"resource \"aws_lb\" \"nlb\" {\n  load_balancer_type = \"network\"\n  security_groups = []\n}\n"
		"resource \"aws_lb_listener\" \"dns\" {\n  load_balancer_arn = aws_lb.nlb.arn\n  port = 53\n"
		"  protocol = \"TCP_UDP\"\n}\n"
		"resource \"aws_lb\" \"alb\" {\n}\n"
		"resource \"aws_lb_listener\" \"http\" {\n  load_balancer_arn = aws_lb.alb.arn\n  port = 80\n}\n"
		"resource \"aws_lb\" \"inside\" {\n  internal = true\n  load_balancer_type = \"network\"\n}\n"
		"resource \"aws_lb_listener\" \"in\" {\n  load_balancer_arn = aws_lb.inside.arn\n  port = 443\n}\n"
		"resource \"aws_lb\" \"unk\" {\n  security_groups = [var.sg]\n}\n"
		"resource \"aws_lb_listener\" \"u\" {\n  load_balancer_arn = aws_lb.unk.arn\n  port = 443\n}\n"
		"resource \"aws_lb_listener\" \"orphan\" {\n  load_balancer_arn = var.sg\n  port = 443\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_lb.web"), "tcp/443 from 0.0.0.0/0; tcp/8080 from 10.0.0.0/8");
	assert_exposure(find(out, "tf:.:aws_lb.nlb"), "tcp/53 from 0.0.0.0/0, ::/0; udp/53 from 0.0.0.0/0, ::/0");
	assert_exposure(find(out, "tf:.:aws_lb.alb"), "tcp/80 from aws-sg:vpc-default");
	assert_exposure(find(out, "tf:.:aws_lb.inside"), "nothing");
	assert_exposure(find(out, "tf:.:aws_lb.unk"), "nothing");
	assert_int_equal(find(out, "tf:.:aws_lb.unk")->unknowns->len, 1);
	assert_exposure(find(out, "tf:.:aws_lb_listener.orphan"), "nothing");
	assert_non_null(strstr(((const struct resource_unknown *)find(out, "tf:.:aws_lb_listener.orphan")
	                                ->unknowns->pdata[0])->what, "names no load balancer"));
}

/* Classic aws_elb: inline listeners; without groups in the default VPC,
 * open to everyone on its listener ports, in subnets the VPC default group. */
static void test_tf__classic_elb_listeners(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "elb.tf",
		"resource \"aws_security_group\" \"elb\" {\n  ingress {\n    from_port = 443\n    to_port = 443\n"
		"    protocol = \"tcp\"\n    cidr_blocks = [\"198.51.100.0/24\"]\n  }\n}\n"
		"resource \"aws_elb\" \"zones\" {\n  availability_zones = [\"eu-west-1a\"]\n"
		"  listener {\n    lb_port = 80\n    lb_protocol = \"http\"\n    instance_port = 8080\n"
		"    instance_protocol = \"http\"\n  }\n}\n"
		"resource \"aws_elb\" \"vpc\" {\n  subnets = [\"subnet-1\"]\n"
		"  listener {\n    lb_port = 443\n    lb_protocol = \"https\"\n    instance_port = 8443\n"
		"    instance_protocol = \"https\"\n  }\n}\n"
		"resource \"aws_elb\" \"grouped\" {\n  subnets = [\"subnet-1\"]\n"
		"  security_groups = [aws_security_group.elb.id]\n"
		"  listener {\n    lb_port = 443\n    lb_protocol = \"ssl\"\n    instance_port = 443\n"
		"    instance_protocol = \"ssl\"\n  }\n"
		"  listener {\n    lb_port = 8080\n    lb_protocol = \"tcp\"\n    instance_port = 8080\n"
		"    instance_protocol = \"tcp\"\n  }\n}\n"
		"resource \"aws_elb\" \"inside\" {\n  internal = true\n"
		"  listener {\n    lb_port = 80\n    lb_protocol = \"http\"\n    instance_port = 80\n"
		"    instance_protocol = \"http\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_elb.zones"), "tcp/80 from 0.0.0.0/0, ::/0");
	assert_exposure(find(out, "tf:.:aws_elb.vpc"), "tcp/443 from aws-sg:vpc-default");
	assert_exposure(find(out, "tf:.:aws_elb.grouped"), "tcp/443 from 198.51.100.0/24");
	assert_exposure(find(out, "tf:.:aws_elb.inside"), "nothing");
}

/* EKS node group remote_access: SSH from anywhere without source groups. */
static void test_tf__eks_node_group_remote_access(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "ng.tf",
		"variable \"key\" {}\n"
		"resource \"aws_security_group\" \"bastion\" {\n}\n"
		"resource \"aws_eks_node_group\" \"open\" {\n  remote_access {\n    ec2_ssh_key = \"ops\"\n  }\n}\n"
		"resource \"aws_eks_node_group\" \"bastion\" {\n  remote_access {\n    ec2_ssh_key = \"ops\"\n"
		"    source_security_group_ids = [aws_security_group.bastion.id]\n  }\n}\n"
		"resource \"aws_eks_node_group\" \"none\" {\n  node_role_arn = \"x\"\n}\n"
		"resource \"aws_eks_node_group\" \"unk\" {\n  remote_access {\n    ec2_ssh_key = \"ops\"\n"
		"    source_security_group_ids = var.key\n  }\n}\n"
		"resource \"aws_eks_node_group\" \"anykey\" {\n  remote_access {\n    ec2_ssh_key = var.key\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_eks_node_group.open"), "tcp/22 from 0.0.0.0/0");
	assert_exposure(find(out, "tf:.:aws_eks_node_group.bastion"), "tcp/22 from aws-sg:aws_security_group.bastion");
	assert_exposure(find(out, "tf:.:aws_eks_node_group.none"), "nothing");
	assert_exposure(find(out, "tf:.:aws_eks_node_group.unk"), "nothing");
	assert_int_equal(find(out, "tf:.:aws_eks_node_group.unk")->unknowns->len, 1);
	/* A key not known is a key: SSH from anywhere, nothing unknown about that. */
	assert_exposure(find(out, "tf:.:aws_eks_node_group.anykey"), "tcp/22 from 0.0.0.0/0");
	assert_int_equal(find(out, "tf:.:aws_eks_node_group.anykey")->unknowns->len, 0);
}

/* Storage network_rules: absent is Allow, Deny keeps ip_rules, subnets and
 * the bypassed Azure services; rules written apart replace the default. */
static void test_tf__storage_network_rules(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "st.tf",
		"resource \"azurerm_subnet\" \"app\" {\n}\n"
		"resource \"azurerm_storage_account\" \"open\" {\n  name = \"open\"\n}\n"
		"resource \"azurerm_storage_account\" \"deny\" {\n  network_rules {\n    default_action = \"Deny\"\n"
		"    ip_rules = [\"203.0.113.7\"]\n    virtual_network_subnet_ids = [azurerm_subnet.app.id]\n"
		"    bypass = [\"Logging\"]\n  }\n}\n"
		"resource \"azurerm_storage_account\" \"apart\" {\n  https_traffic_only_enabled = false\n}\n"
		"resource \"azurerm_storage_account_network_rules\" \"apart\" {\n"
		"  storage_account_id = azurerm_storage_account.apart.id\n  default_action = \"Deny\"\n"
		"  ip_rules = [\"198.51.100.0/24\"]\n}\n"
		"resource \"azurerm_storage_account\" \"https\" {\n}\n"
		"resource \"azurerm_storage_account_network_rules\" \"https\" {\n"
		"  storage_account_id = azurerm_storage_account.https.id\n  default_action = \"Allow\"\n}\n"
		"resource \"azurerm_storage_account\" \"closed\" {\n  public_network_access_enabled = false\n}\n"
		"resource \"azurerm_storage_account_network_rules\" \"closed\" {\n"
		"  storage_account_id = azurerm_storage_account.closed.id\n  default_action = \"Allow\"\n}\n"
		"resource \"azurerm_storage_account\" \"bad\" {\n  network_rules {\n    default_action = \"Maybe\"\n"
		"  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:azurerm_storage_account.open"),
	                "tcp/443 from 0.0.0.0/0, ::/0, azure-tag:AzureServices");
	assert_string_equal(setting_of(out, "tf:.:azurerm_storage_account.open", "public_network_access"), "absent");
	assert_exposure(find(out, "tf:.:azurerm_storage_account.deny"),
	                "tcp/443 from 203.0.113.7/32, azure-subnet:azurerm_subnet.app");
	assert_exposure(find(out, "tf:.:azurerm_storage_account.apart"),
	                "tcp/80,443 from 198.51.100.0/24, azure-tag:AzureServices");
	/* Rules apart from an HTTPS-only account: 443 alone. */
	assert_exposure(find(out, "tf:.:azurerm_storage_account.https"),
	                "tcp/443 from 0.0.0.0/0, ::/0, azure-tag:AzureServices");
	assert_exposure(find(out, "tf:.:azurerm_storage_account.closed"), "nothing");
	assert_exposure(find(out, "tf:.:azurerm_storage_account.bad"), "nothing");
	assert_int_equal(find(out, "tf:.:azurerm_storage_account.bad")->unknowns->len, 1);
}

/* Azure service firewalls: start-end ranges on the service's port; 0.0.0.0-0.0.0.0 is "Azure services". */
static void test_tf__azure_service_firewall_rules(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "fw.tf",
		"resource \"azurerm_mssql_firewall_rule\" \"azure\" {\n  start_ip_address = \"0.0.0.0\"\n"
		"  end_ip_address = \"0.0.0.0\"\n}\n"
		"resource \"azurerm_postgresql_flexible_server_firewall_rule\" \"office\" {\n"
		"  start_ip_address = \"203.0.113.0\"\n  end_ip_address = \"203.0.113.255\"\n}\n"
		"resource \"azurerm_redis_firewall_rule\" \"r\" {\n  start_ip = \"10.0.0.1\"\n  end_ip = \"10.0.0.2\"\n}\n"
		"resource \"azurerm_mysql_firewall_rule\" \"bad\" {\n  start_ip_address = \"10.0.0.9\"\n"
		"  end_ip_address = \"10.0.0.1\"\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:azurerm_mssql_firewall_rule.azure"), "tcp/1433 from azure-tag:AzureServices");
	assert_exposure(find(out, "tf:.:azurerm_postgresql_flexible_server_firewall_rule.office"),
	                "tcp/5432 from 203.0.113.0/24");
	assert_exposure(find(out, "tf:.:azurerm_redis_firewall_rule.r"), "tcp/6379-6380 from 10.0.0.1/32, 10.0.0.2/32");
	assert_exposure(find(out, "tf:.:azurerm_mysql_firewall_rule.bad"), "nothing");
	assert_string_equal(only_unknown(out, "tf:.:azurerm_mysql_firewall_rule.bad"),
	                    "azurerm_mysql_firewall_rule.bad: expected start <= end, got \"10.0.0.9\"");
}

/* Cloud SQL: authorized networks reach the engine's port while the public IPv4 address is on. */
static void test_tf__cloud_sql_authorized_networks(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "sql.tf",
		"resource \"google_sql_database_instance\" \"pg\" {\n  database_version = \"POSTGRES_15\"\n"
		"  settings {\n    ip_configuration {\n      authorized_networks {\n        value = \"0.0.0.0/0\"\n      }\n"
		"      authorized_networks {\n        name = \"vpn\"\n        value = \"198.51.100.0/24\"\n      }\n"
		"    }\n  }\n}\n"
		"resource \"google_sql_database_instance\" \"off\" {\n  database_version = \"MYSQL_8_0\"\n"
		"  settings {\n    ip_configuration {\n      ipv4_enabled = false\n"
		"      authorized_networks {\n        value = \"0.0.0.0/0\"\n      }\n    }\n  }\n}\n"
		"resource \"google_sql_database_instance\" \"dyn\" {\n  database_version = \"SQLSERVER_2019_STANDARD\"\n"
		"  settings {\n    ip_configuration {\n      dynamic \"authorized_networks\" {\n"
		"        for_each = var.nets\n        content {\n          value = authorized_networks.value\n"
		"        }\n      }\n    }\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:google_sql_database_instance.pg"), "tcp/5432 from 0.0.0.0/0");
	assert_exposure(find(out, "tf:.:google_sql_database_instance.off"), "nothing");
	assert_non_null(strstr(only_unknown(out, "tf:.:google_sql_database_instance.dyn"),
	                       "dynamic \"authorized_networks\" block, not evaluated"));
}

/* The exposure of a YAML manifest's one resource, read by the Kubernetes reader. */
static char *yaml_exposure(const char *yaml, const char *identity)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;
	g_autoptr(exposure) e = NULL;

	if (!extract_file(out, "k8s/obj.yaml", yaml, strlen(yaml), &error))
		fail_msg("%s", error->message);
	e = resource_exposure(find(out, identity));
	return exposure_to_string(e);
}

/* kubernetes_* resources give the exposure their YAML manifests give, on the .tf's lines. */
static void test_tf__kubernetes_resources_read_like_their_manifests(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		"k8s", &error, "k8s/app.tf",
		"variable \"port\" {\n  default = 6379\n}\n"
		"resource \"kubernetes_service_v1\" \"cache\" {\n  metadata {\n    name = \"cache\"\n"
		"    namespace = \"shop\"\n  }\n  spec {\n    selector = { app = \"cache\" }\n    type = \"LoadBalancer\"\n"
		"    load_balancer_source_ranges = [\"198.51.100.0/24\"]\n"
		"    port {\n      name = \"redis\"\n      port = var.port\n      target_port = \"6379\"\n    }\n"
		"    port {\n      name = \"metrics\"\n      port = 9121\n    }\n  }\n}\n"
		"resource \"kubernetes_deployment\" \"agent\" {\n  metadata {\n    name = \"agent\"\n  }\n"
		"  spec {\n    template {\n      metadata {\n        labels = { app = \"agent\" }\n      }\n"
		"      spec {\n        container {\n          name = \"agent\"\n          image = \"example/agent:1\"\n"
		"          port {\n            container_port = 9100\n            host_port = 9100\n          }\n"
		"        }\n      }\n    }\n  }\n}\n"
		"resource \"kubernetes_service_v1\" \"later\" {\n  metadata {\n    name = \"later\"\n  }\n"
		"  spec {\n    port {\n      port = var.nope\n    }\n  }\n}\n",
		NULL);
	g_autofree char *yaml_svc = yaml_exposure(
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\n  namespace: shop\nspec:\n"
		"  selector:\n    app: cache\n  type: LoadBalancer\n  loadBalancerSourceRanges: [198.51.100.0/24]\n"
		"  ports:\n  - name: redis\n    port: 6379\n    targetPort: 6379\n  - name: metrics\n    port: 9121\n",
		"k8s:Service/shop/cache");
	g_autofree char *yaml_deploy = yaml_exposure(
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: agent\nspec:\n  template:\n"
		"    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: agent\n"
		"        image: example/agent:1\n        ports:\n        - containerPort: 9100\n          hostPort: 9100\n",
		"k8s:Deployment/default/agent");
	struct resource *svc;
	g_autoptr(exposure) e = NULL;
	g_autofree char *text = NULL;

	if (!out)
		fail_msg("%s", error->message);
	svc = find(out, "k8s:Service/shop/cache");
	assert_string_equal(svc->file, "k8s/app.tf");
	assert_int_equal(svc->line, 4);
	e = resource_exposure(svc);
	text = exposure_to_string(e);
	assert_string_equal(text, yaml_svc);
	assert_non_null(strstr(text, "tcp/6379,9121 from 198.51.100.0/24, k8s:cluster"));
	assert_exposure(find(out, "k8s:Deployment/default/agent"), yaml_deploy);
	assert_string_equal(only_unknown(out, "tf:k8s:kubernetes_service_v1.later"),
	                    "kubernetes_service_v1.later: port is var.nope, not declared");
}

/* Managed Kubernetes API endpoints on AKS and GKE: public by default, limited by authorized ranges. */
static void test_tf__aks_and_gke_api_endpoints(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "k8s.tf",
		"resource \"azurerm_kubernetes_cluster\" \"open\" {\n  dns_prefix = \"a\"\n}\n"
		"resource \"azurerm_kubernetes_cluster\" \"office\" {\n  api_server_access_profile {\n"
		"    authorized_ip_ranges = [\"203.0.113.0/24\"]\n  }\n}\n"
		"resource \"azurerm_kubernetes_cluster\" \"private\" {\n  private_cluster_enabled = true\n}\n"
		"resource \"google_container_cluster\" \"open\" {\n  name = \"g\"\n}\n"
		"resource \"google_container_cluster\" \"vpn\" {\n  master_authorized_networks_config {\n"
		"    cidr_blocks {\n      cidr_block = \"10.8.0.0/16\"\n      display_name = \"vpn\"\n    }\n  }\n}\n"
		"resource \"google_container_cluster\" \"private\" {\n  private_cluster_config {\n"
		"    enable_private_endpoint = true\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:azurerm_kubernetes_cluster.open"), "tcp/443 from 0.0.0.0/0, ::/0");
	assert_exposure(find(out, "tf:.:azurerm_kubernetes_cluster.office"), "tcp/443 from 203.0.113.0/24");
	/* A private cluster's API server answers inside the virtual network, as from ARM. */
	assert_exposure(find(out, "tf:.:azurerm_kubernetes_cluster.private"), "tcp/443 from azure-tag:VirtualNetwork");
	assert_exposure(find(out, "tf:.:google_container_cluster.open"), "tcp/443 from 0.0.0.0/0");
	assert_exposure(find(out, "tf:.:google_container_cluster.vpn"), "tcp/443 from 10.8.0.0/16");
	assert_exposure(find(out, "tf:.:google_container_cluster.private"), "nothing");
}

/* aws_default_network_acl is read as a network ACL. */
static void test_tf__default_network_acl(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		".", &error, "acl.tf",
		"resource \"aws_default_network_acl\" \"d\" {\n  default_network_acl_id = \"acl-1\"\n"
		"  ingress {\n    rule_no = 100\n    action = \"allow\"\n    protocol = -1\n    from_port = 0\n"
		"    to_port = 0\n    cidr_block = \"10.0.0.0/8\"\n  }\n}\n",
		NULL);

	if (!out)
		fail_msg("%s", error->message);
	assert_exposure(find(out, "tf:.:aws_default_network_acl.d"), "any from 10.0.0.0/8");
}

/* An ingress block with no source is a no-op in AWS: it adds nothing and hides nothing. */
static void test_tf__sourceless_ingress_adds_nothing(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) out = module(
		"db", &error, "db/sg.tf",
		"resource \"aws_security_group\" \"db\" {\n"
		"  ingress {\n    description = \"placeholder\"\n    protocol = \"tcp\"\n    from_port = 443\n"
		"    to_port = 443\n    cidr_blocks = []\n  }\n" TF_GOOD_SG "}\n",
		NULL);
	struct resource *r;

	if (!out)
		fail_msg("%s", error->message);
	r = find(out, "tf:db:aws_security_group.db");
	assert_int_equal(r->unknowns->len, 0);
	assert_int_equal(r->rules->len, 1);
	assert_exposure(r, "tcp/3306 from 0.0.0.0/0");
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
		cmocka_unit_test(test_tf__dynamic_and_unknown_attribute_rules_are_unknown),
		cmocka_unit_test(test_tf__count_zero_creates_nothing),
		cmocka_unit_test(test_tf__azure_defaults_and_deny_scope),
		cmocka_unit_test(test_tf__gcp_deny_wins_at_equal_priority),
		cmocka_unit_test(test_tf__gcp_network_by_name_or_reference_is_one_list),
		cmocka_unit_test(test_tf__nacl_first_match_by_number),
		cmocka_unit_test(test_tf__malformed_fails),
		cmocka_unit_test(test_tf__malformed_rule_is_unknown_beside_good_ones),
		cmocka_unit_test(test_tf__sourceless_ingress_adds_nothing),
		cmocka_unit_test(test_tf__aks_and_gke_api_endpoints),
		cmocka_unit_test(test_tf__default_network_acl),
		cmocka_unit_test(test_tf__kubernetes_resources_read_like_their_manifests),
		cmocka_unit_test(test_tf__azure_service_firewall_rules),
		cmocka_unit_test(test_tf__azure_internet_deny_spares_private_sources),
		cmocka_unit_test(test_tf__cloud_sql_authorized_networks),
		cmocka_unit_test(test_tf__default_and_db_security_groups),
		cmocka_unit_test(test_tf__publicly_accessible_flags_take_their_defaults),
		cmocka_unit_test(test_tf__eks_endpoint_defaults_to_public),
		cmocka_unit_test(test_tf__load_balancer_listeners_cut_by_groups),
		cmocka_unit_test(test_tf__eks_node_group_remote_access),
		cmocka_unit_test(test_tf__classic_elb_listeners),
		cmocka_unit_test(test_tf__storage_network_rules),
		cmocka_unit_test(test_tf__local_module_binds_arguments_under_the_callers_identity),
		cmocka_unit_test(test_tf__module_not_followed_is_an_unknown_naming_it),
		cmocka_unit_test(test_tf__module_dir_is_normalised),
		cmocka_unit_test(test_tf__unread_network_types_are_unknown_others_quiet),
		cmocka_unit_test(test_tf__azure_public_access_takes_the_provider_default),
		cmocka_unit_test(test_tf__tf011_list_interpolation_is_flattened),
		cmocka_unit_test(test_tf__unary_minus_is_a_number),
		cmocka_unit_test(test_tf__attribute_list_rules_read_like_blocks),
		cmocka_unit_test(test_tf__partly_unknown_rule_keeps_its_known_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
