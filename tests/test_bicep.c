/*
 * test_bicep.c - the Bicep parser (diff/bicep_parse.c): declarations,
 * strings, operators, loops and conditions, and one malformed input per
 * way to be wrong with the line the error names; and the reader
 * (diff/extract_bicep.c): what it deploys, what stays unknown and why,
 * modules and parameter files through a loader, and its limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bicep.h"
#include "dw_error.h"
#include "dw_limits.h"
#include "exposure.h"
#include "extract.h"

/* ---- helpers ---------------------------------------------------------- */

static struct bicep_file *parse_ok(const char *src)
{
	struct bicep_file *f = NULL;
	g_autoptr(GError) error = NULL;

	if (!bicep_parse(&f, "t.bicep", src, strlen(src), &error))
		fail_msg("unexpected parse error: %s\n--- input:\n%s", error->message, src);
	return f;
}

/* The parse must fail with code at line, the message holding what. */
static void assert_fails(const char *src, int code, unsigned line, const char *what)
{
	struct bicep_file *f = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *prefix = g_strdup_printf("t.bicep:%u: ", line);

	if (bicep_parse(&f, "t.bicep", src, strlen(src), &error)) {
		bicep_file_free(f);
		fail_msg("parsed, expected an error at line %u: %.200s", line, src);
	}
	assert_true(g_error_matches(error, DW_ERROR, code));
	if (!g_str_has_prefix(error->message, prefix) || strstr(error->message, what) == NULL)
		fail_msg("got \"%s\", expected \"%s...%s\"", error->message, prefix, what);
}

static const struct bicep_decl *decl(const struct bicep_file *f, guint i)
{
	assert_true(i < f->decls->len);
	return f->decls->pdata[i];
}

/* The files a test's repository holds: path -> text. */
static GBytes *load_from(const char *path, void *user_data)
{
	const char *text = g_hash_table_lookup(user_data, path);

	return text != NULL ? g_bytes_new(text, strlen(text)) : NULL;
}

/* Extracts main (at infra/main.bicep) with the other files of repo (may
 * be NULL: no loader); fails the test on an error. */
static GPtrArray *read_ok(const char *main, GHashTable *repo)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (!extract_bicep(out, "infra/main.bicep", main, strlen(main), repo ? load_from : NULL, repo, &error))
		fail_msg("unexpected error: %s\n--- input:\n%s", error->message, main);
	resources_join(out);
	return out;
}

static GError *read_fails(const char *main, GHashTable *repo)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	GError *error = NULL;

	if (extract_bicep(out, "infra/main.bicep", main, strlen(main), repo ? load_from : NULL, repo, &error))
		fail_msg("read, expected an error:\n%s", main);
	return error;
}

static const struct resource *find(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct resource *r = rs->pdata[i];

		if (strcmp(r->identity, identity) == 0)
			return r;
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

static bool has_unknown(const struct resource *r, const char *what)
{
	for (guint i = 0; i < r->unknowns->len; i++) {
		if (strstr(((struct resource_unknown *)r->unknowns->pdata[i])->what, what) != NULL)
			return true;
	}
	return false;
}

static void assert_unknown(const struct resource *r, const char *what)
{
	if (!has_unknown(r, what)) {
		for (guint i = 0; i < r->unknowns->len; i++)
			print_message("  unknown: %s\n", ((struct resource_unknown *)r->unknowns->pdata[i])->what);
		fail_msg("%s has no unknown with \"%s\"", r->identity, what);
	}
}

/* Does r let in tcp/port from the address? */
static bool admits(const struct resource *r, unsigned port, const char *cidr)
{
	g_autoptr(srcset) src = srcset_new();
	g_autoptr(exposure) probe = NULL;
	g_autoptr(exposure) e = resource_exposure(r);
	g_autoptr(exposure) both = NULL;

	assert_true(srcset_add_cidr(src, cidr, NULL));
	probe = exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, port, port, src);
	both = exposure_intersect(e, probe);
	return exposure_equal(both, probe);
}

#define NSG(NAME, RULES) \
	"resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {\n" \
	"  name: " NAME "\n" \
	"  properties: {\n" \
	"    securityRules: " RULES "\n" \
	"  }\n" \
	"}\n"
#define RULE(NAME, PRIO, PORT, SRC) \
	"{\n name: " NAME "\n properties: {\n priority: " PRIO "\n direction: 'Inbound'\n access: 'Allow'\n" \
	" protocol: 'Tcp'\n sourceAddressPrefix: " SRC "\n sourcePortRange: '*'\n destinationAddressPrefix: '*'\n" \
	" destinationPortRange: " PORT "\n }\n }"

/* ---- the parser ----------------------------------------------------------- */

static void test_bicep__declarations_parse(void **state)
{
	g_autoptr(bicep_file) f = parse_ok(
		"targetScope = 'resourceGroup'\n"
		"import {foo} from 'types.bicep'\n"
		"type port = int\n"
		"@description('who may connect')\n"
		"@allowed([\n  '10.0.0.0/8'\n  '*'\n])\n"
		"param source string = '*'\n"
		"param count int\n"
		"var x = 1 // a comment\n"
		"/* a\n block */\n"
		"resource r 'Microsoft.Network/networkSecurityGroups@2023-04-01' existing = {\n  name: 'a'\n}\n"
		"module m './m.bicep' = {\n  name: 'm'\n}\n"
		"output id string = r.id\n");

	assert_int_equal(f->decls->len, 6);
	assert_int_equal(decl(f, 0)->kind, BICEP_DECL_PARAM);
	assert_string_equal(decl(f, 0)->name, "source");
	assert_int_equal(decl(f, 0)->line, 9);
	assert_non_null(decl(f, 0)->value);
	assert_null(decl(f, 1)->value);
	assert_int_equal(decl(f, 2)->kind, BICEP_DECL_VAR);
	assert_int_equal(decl(f, 3)->kind, BICEP_DECL_RESOURCE);
	assert_true(decl(f, 3)->existing);
	assert_int_equal(decl(f, 3)->line, 14);
	assert_string_equal(decl(f, 3)->type, "Microsoft.Network/networkSecurityGroups@2023-04-01");
	assert_int_equal(decl(f, 4)->kind, BICEP_DECL_MODULE);
	assert_string_equal(decl(f, 4)->type, "./m.bicep");
	assert_int_equal(decl(f, 5)->kind, BICEP_DECL_OUTPUT);
}

static void test_bicep__strings_decode(void **state)
{
	g_autoptr(bicep_file) f = parse_ok("var a = 'it\\'s \\u{41}\\n\\$x'\n"
	                                   "var b = 'x-${a}-${1 + 2}'\n"
	                                   "var c = '''\nraw ${not} \\n'''\n");
	const struct bicep_expr *b = decl(f, 1)->value;

	assert_string_equal(decl(f, 0)->value->text, "it's A\n$x");
	assert_int_equal(b->kind, BICEP_INTERP);
	assert_int_equal(b->n, 4);
	assert_string_equal(b->items[0]->text, "x-");
	assert_int_equal(b->items[1]->kind, BICEP_IDENT);
	assert_string_equal(b->items[2]->text, "-");
	assert_int_equal(b->items[3]->kind, BICEP_BINARY);
	assert_string_equal(decl(f, 2)->value->text, "raw ${not} \\n");
}

static void test_bicep__precedence(void **state)
{
	g_autoptr(bicep_file) f = parse_ok("var a = x || y && z == 1 + 2 * 3\nvar b = c ? d : e ?? f\n");
	const struct bicep_expr *a = decl(f, 0)->value;
	const struct bicep_expr *b = decl(f, 1)->value;

	assert_string_equal(a->text, "||");
	assert_string_equal(a->b->text, "&&");
	assert_string_equal(a->b->b->text, "==");
	assert_string_equal(a->b->b->b->text, "+");
	assert_string_equal(a->b->b->b->b->text, "*");
	assert_int_equal(b->kind, BICEP_TERNARY);
	assert_string_equal(b->c->text, "??");
}

static void test_bicep__loops_conditions_nested(void **state)
{
	g_autoptr(bicep_file) f = parse_ok(
		"resource r 'T@1' = [for (x, i) in range(0, 2): if (i > 0) {\n"
		"  name: 'r${i}'\n"
		"  resource c 'child' = {\n    name: 'c'\n  }\n"
		"}]\n"
		"var o = { a: 1, b: [1, 2]\n  'c-d': x.?y\n}\n");
	const struct bicep_expr *v = decl(f, 0)->value;

	assert_int_equal(v->kind, BICEP_FOR);
	assert_string_equal(v->text, "x");
	assert_string_equal(v->text2, "i");
	assert_int_equal(v->b->kind, BICEP_IF);
	assert_int_equal(v->b->b->n_decls, 1);
	assert_string_equal(v->b->b->decls[0]->name, "c");
	assert_int_equal(decl(f, 1)->value->n, 3);
	assert_non_null(bicep_object_get(decl(f, 1)->value, "c-d"));
	assert_true(bicep_object_get(decl(f, 1)->value, "c-d")->flag);
}

static void test_bicep__malformed_fails(void **state)
{
	assert_fails("var a = 'open\n", DW_ERROR_PARSE, 1, "unterminated string");
	assert_fails("var a = 1\n/* never closed\n", DW_ERROR_PARSE, 2, "unterminated comment");
	assert_fails("var a 1\n", DW_ERROR_PARSE, 1, "expected \"=\"");
	assert_fails("\nvar a = 'x\\q'\n", DW_ERROR_PARSE, 2, "unknown escape");
	assert_fails("var a = 1 # 2\n", DW_ERROR_PARSE, 1, "unexpected character");
	assert_fails("var a = {\n  b: 1\n", DW_ERROR_PARSE, 1, "not closed");
	assert_fails("var a = 1 var b = 2\n", DW_ERROR_PARSE, 1, "line break after a declaration");
	assert_fails("var a = 1\nresource r '${t}' = {}\n", DW_ERROR_PARSE, 2, "cannot be interpolated");
	assert_fails("var a = [for x: x]\n", DW_ERROR_PARSE, 1, "expected \"in\"");
	assert_fails("var a = (1\n", DW_ERROR_PARSE, 2, "expected \")\"");
	assert_fails("bogus a = 1\n", DW_ERROR_PARSE, 1, "expected a declaration");
	assert_fails("var a = '${1'\n", DW_ERROR_PARSE, 1, "expected \"}\"");
	assert_fails("var a = b ? c\n", DW_ERROR_PARSE, 1, "expected \":\"");
}

static void test_bicep__limits_fail(void **state)
{
	g_autoptr(GString) deep = g_string_new("var a = ");
	g_autoptr(GString) big = g_string_new("var a = '");
	struct bicep_file *f = NULL;
	g_autoptr(GError) error = NULL;

	for (unsigned i = 0; i < DW_LIMIT_DEPTH + 10; i++)
		g_string_append_c(deep, '[');
	assert_fails(deep->str, DW_ERROR_LIMIT, 1, "nesting deeper");
	for (size_t i = 0; i < dw_limit_file_bytes(); i += 64)
		g_string_append(big, "0123456789012345678901234567890123456789012345678901234567890123");
	assert_false(bicep_parse(&f, "t.bicep", big->str, big->len, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
}

static void test_bicep__not_nul_terminated(void **state)
{
	static const char src[] = { 'v', 'a', 'r', ' ', 'a', ' ', '=', ' ', '\'', 'x' };
	struct bicep_file *f = NULL;
	g_autoptr(GError) error = NULL;

	assert_false(bicep_parse(&f, "t.bicep", src, sizeof(src), &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
}

/* ---- the reader ------------------------------------------------------------------ */

static void test_bicep__nsg_rules_evaluated(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(
		"param admin string = '10.0.0.0/8'\n"
		"var ports = ['80', '443']\n"
		NSG("'web-${length(ports)}'", "[for (p, i) in ports: " RULE("'p${p}'", "100 + i", "p", "'*'") "]")
		"resource ssh 'Microsoft.Network/networkSecurityGroups/securityRules@2023-04-01' = {\n"
		"  parent: nsg\n  name: 'ssh'\n  properties: {\n priority: 200\n direction: 'Inbound'\n"
		" access: 'Allow'\n protocol: 'Tcp'\n sourceAddressPrefix: admin\n sourcePortRange: '*'\n"
		" destinationAddressPrefix: '*'\n destinationPortRange: '22'\n  }\n}\n", NULL);
	const struct resource *r = find(rs, "azure-nsg:web-2");

	assert_int_equal(rs->len, 1);
	assert_true(admits(r, 443, "0.0.0.0/0"));
	assert_true(admits(r, 80, "203.0.113.0/24"));
	assert_true(admits(r, 22, "10.1.0.0/16"));
	assert_false(admits(r, 22, "203.0.113.0/24"));
	assert_int_equal(r->unknowns->len, 0);
}

static void test_bicep__unknowns_named(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(
		"param src string\n"
		NSG("'u-nsg'", "[\n" RULE("'a'", "100", "'22'", "src") "\n" RULE("'b'", "110", "'80'",
		    "resourceGroup().location") "\n]"), NULL);
	const struct resource *r = find(rs, "azure-nsg:u-nsg");

	assert_unknown(r, "parameter src has no defaultValue");
	assert_unknown(r, "resourceGroup() is known only at deployment");
	assert_false(admits(r, 22, "203.0.113.0/24"));
}

static void test_bicep__map_and_filter(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(
		"var all = [\n  { name: 'ssh', port: '22', on: false }\n  { name: 'web', port: '8080', on: true }\n]\n"
		"var rules = map(filter(all, r => r.on), (r, i) => " RULE("r.name", "100 + i", "r.port", "'*'") ")\n"
		NSG("'mf-nsg'", "rules"), NULL);
	const struct resource *r = find(rs, "azure-nsg:mf-nsg");

	assert_true(admits(r, 8080, "0.0.0.0/0"));
	assert_false(admits(r, 22, "203.0.113.1/32"));
	assert_int_equal(r->unknowns->len, 0);
}

static void test_bicep__conditions_and_loops(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(
		"param on bool = false\n"
		"param maybe bool\n"
		"resource a 'Microsoft.Network/networkSecurityGroups@2023-04-01' = if (on) {\n  name: 'off-nsg'\n}\n"
		"resource b 'Microsoft.Network/networkSecurityGroups@2023-04-01' = if (maybe) {\n  name: 'maybe-nsg'\n}\n"
		"resource c 'Microsoft.Network/networkSecurityGroups@2023-04-01' = [for i in range(0, 801): {\n"
		"  name: 'many-${i}'\n}]\n", NULL);

	for (guint i = 0; i < rs->len; i++)
		assert_string_not_equal(((struct resource *)rs->pdata[i])->identity, "azure-nsg:off-nsg");
	assert_unknown(find(rs, "azure-nsg:maybe-nsg"), "deployed only if maybe");
	/* The loop is not run: its one instance has an unknown name. */
	assert_int_equal(rs->len, 2);
	assert_true(g_str_has_prefix(((struct resource *)rs->pdata[1])->identity, "azure-nsg:[bicep("));
	assert_unknown(rs->pdata[1], "more than 800");
}

static void test_bicep__literal_bracket_is_not_an_expression(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(NSG("'[concat(\\'x\\')]'", "[]"), NULL);

	assert_int_equal(find(rs, "azure-nsg:[concat('x')]")->unknowns->len, 0);
}

static void test_bicep__self_reference_is_unknown(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("var a = b\nvar b = a\n" NSG("a", "[]"), NULL);

	assert_int_equal(rs->len, 1);
	assert_unknown(rs->pdata[0], "refers to itself");
}

static void test_bicep__duplicate_name_fails(void **state)
{
	g_autoptr(GError) error = read_fails("var a = 1\nparam a string\n", NULL);

	assert_string_equal(error->message, "infra/main.bicep:2: a is declared twice");
}

static void test_bicep__shared_values_are_bounded(void **state)
{
	g_autoptr(GString) src = g_string_new("var v0 = ['x', 'x']\n");
	g_autoptr(GError) error = NULL;

	for (unsigned i = 1; i < 40; i++)
		g_string_append_printf(src, "var v%u = [v%u, v%u]\n", i, i - 1, i - 1);
	g_string_append(src, NSG("'big'", "[]") "resource t 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {\n"
	                     "  name: 't'\n  tags: {\n    x: v39\n  }\n}\n");
	error = read_fails(src->str, NULL);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
}

static const char module_nsg[] =
	"param name string\nparam source string = '10.0.0.0/8'\n"
	NSG("name", "[" RULE("'es'", "100", "'9200'", "source") "]");

static void test_bicep__module_followed(void **state)
{
	g_autoptr(GHashTable) repo = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) rs = NULL;
	const struct resource *r;

	g_hash_table_insert(repo, (gpointer)"infra/modules/nsg.bicep", (gpointer)module_nsg);
	rs = read_ok("module m 'modules/nsg.bicep' = [for n in ['a', 'b']: {\n  name: n\n"
	             "  params: {\n    name: '${n}-nsg'\n    source: n == 'b' ? '*' : '10.0.0.0/8'\n  }\n}]\n", repo);
	r = find(rs, "azure-nsg:b-nsg");
	assert_string_equal(r->file, "infra/modules/nsg.bicep");
	assert_true(admits(r, 9200, "0.0.0.0/0"));
	assert_false(admits(find(rs, "azure-nsg:a-nsg"), 9200, "203.0.113.1/32"));
}

static void test_bicep__module_cycle_and_missing(void **state)
{
	g_autoptr(GHashTable) repo = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) rs = NULL;

	g_hash_table_insert(repo, (gpointer)"infra/a.bicep", (gpointer)"module b 'b.bicep' = {\n  name: 'b'\n}\n");
	g_hash_table_insert(repo, (gpointer)"infra/b.bicep", (gpointer)"module a 'a.bicep' = {\n  name: 'a'\n}\n");
	error = read_fails("module a 'a.bicep' = {\n  name: 'a'\n}\n", repo);
	assert_non_null(strstr(error->message, "calls itself"));
	g_hash_table_insert(repo, (gpointer)"infra/arm.json", (gpointer)"{\"resources\": []}");
	rs = read_ok("module x './gone.bicep' = {\n  name: 'x'\n}\n"
	             "module y 'br:example.azurecr.io/nsg:1' = {\n  name: 'y'\n}\n"
	             "module z 'arm.json' = {\n  name: 'z'\n}\n", repo);
	assert_unknown(find(rs, "unread:infra/main.bicep"), "infra/gone.bicep is not in the repository");
	assert_unknown(find(rs, "unread:infra/main.bicep"), "registry");
	assert_unknown(find(rs, "unread:infra/main.bicep"), "module z ('arm.json') is not a Bicep file");
	g_ptr_array_set_size(rs, 0);
	g_ptr_array_unref(g_steal_pointer(&rs));
	rs = read_ok("module x './gone.bicep' = {\n  name: 'x'\n}\n", NULL);
	assert_unknown(find(rs, "unread:infra/main.bicep"), "not followed here");
}

static void test_bicep__parameter_files(void **state)
{
	g_autoptr(GHashTable) repo = g_hash_table_new(g_str_hash, g_str_equal);
	static const char main[] = "param a string\nparam b string\n"
		NSG("'p-nsg'", "[" RULE("'a'", "100", "'22'", "a") "\n" RULE("'b'", "110", "'23'", "b") "]");
	g_autoptr(GPtrArray) rs = NULL;
	const struct resource *r;

	g_hash_table_insert(repo, (gpointer)"infra/main.bicepparam", (gpointer)
	                    "using './main.bicep'\nvar net = '10.9'\nparam a = '${net}.0.0/16'\nparam b = '10.1.0.0/16'\n");
	g_hash_table_insert(repo, (gpointer)"infra/main.parameters.json", (gpointer)
	                    "{\"parameters\": {\"a\": {\"value\": \"10.9.0.0/16\"}, \"b\": {\"value\": \"0.0.0.0/0\"}}}");
	rs = read_ok(main, repo);
	r = find(rs, "azure-nsg:p-nsg");
	assert_true(admits(r, 22, "10.9.1.0/24"));
	assert_unknown(r, "parameter b differs between infra/main.bicepparam and infra/main.parameters.json");
	assert_false(admits(r, 23, "10.1.0.0/16"));
}

/* A child of an NSG whose name is not known is read, joined to it, never a failure. */
static void test_bicep__child_of_unknown_parent(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok(
		"param n string\n"
		"resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {\n  name: n\n"
		"  resource ssh 'securityRules' = " RULE("'ssh'", "100", "'22'", "'*'") "\n}\n", NULL);
	const struct resource *r = find(rs, "azure-nsg:[parameters('n')]");

	assert_int_equal(rs->len, 1);
	assert_unknown(r, "parameter n has no defaultValue");
	assert_true(admits(r, 22, "0.0.0.0/0"));
}

static void test_bicep__types_no_reader_takes_are_named(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("resource fw 'Microsoft.Network/azureFirewalls@2023-04-01' = {\n"
	                                  "  name: 'edge-fw'\n}\n", NULL);

	assert_unknown(find(rs, "unread:infra/main.bicep"), "fw (Microsoft.Network/azureFirewalls) is a type no reader takes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bicep__declarations_parse),
		cmocka_unit_test(test_bicep__strings_decode),
		cmocka_unit_test(test_bicep__precedence),
		cmocka_unit_test(test_bicep__loops_conditions_nested),
		cmocka_unit_test(test_bicep__malformed_fails),
		cmocka_unit_test(test_bicep__limits_fail),
		cmocka_unit_test(test_bicep__not_nul_terminated),
		cmocka_unit_test(test_bicep__nsg_rules_evaluated),
		cmocka_unit_test(test_bicep__unknowns_named),
		cmocka_unit_test(test_bicep__conditions_and_loops),
		cmocka_unit_test(test_bicep__map_and_filter),
		cmocka_unit_test(test_bicep__literal_bracket_is_not_an_expression),
		cmocka_unit_test(test_bicep__self_reference_is_unknown),
		cmocka_unit_test(test_bicep__duplicate_name_fails),
		cmocka_unit_test(test_bicep__shared_values_are_bounded),
		cmocka_unit_test(test_bicep__module_followed),
		cmocka_unit_test(test_bicep__module_cycle_and_missing),
		cmocka_unit_test(test_bicep__parameter_files),
		cmocka_unit_test(test_bicep__types_no_reader_takes_are_named),
		cmocka_unit_test(test_bicep__child_of_unknown_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
