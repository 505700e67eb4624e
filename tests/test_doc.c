/*
 * test_doc.c - the document model: YAML and JSON parsing, lines, tags,
 * aliases, every limit, and the malformed inputs each parser must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "doc.h"

/* The fixture tests/data/doc/name, as "doc/name" in error messages. */
static struct doc *load(const char *name, GError **error)
{
	g_autofree char *file = g_build_filename(g_getenv("DW_TEST_DATA"), "doc", name, NULL);
	g_autofree char *label = g_strconcat("doc/", name, NULL);
	g_autofree char *data = NULL;
	gsize len = 0;
	struct doc *d = NULL;

	assert_true(g_file_get_contents(file, &data, &len, NULL));
	if (!doc_parse(&d, label, data, len, NULL, error))
		return NULL;
	return d;
}

static struct doc *load_ok(const char *name)
{
	g_autoptr(GError) error = NULL;
	struct doc *d = load(name, &error);

	if (d == NULL)
		fail_msg("%s: %s", name, error->message);
	return d;
}

/* Load a fixture that must fail with code; returns the message (freed by the caller). */
static char *load_fails(const char *name, int code)
{
	g_autoptr(GError) error = NULL;
	struct doc *d = load(name, &error);

	assert_null(d);
	assert_non_null(error);
	assert_true(g_error_matches(error, DW_ERROR, code));
	return g_strdup(error->message);
}

static GError *yaml_fails(const char *text, const struct doc_limits *limits, int code)
{
	struct doc *d = (struct doc *)0x1;
	GError *error = NULL;

	assert_false(doc_parse_yaml(&d, "t.yaml", text, strlen(text), limits, &error));
	assert_ptr_equal(d, (struct doc *)0x1);
	assert_non_null(error);
	if (!g_error_matches(error, DW_ERROR, code))
		fail_msg("expected code %d, got %d: %s", code, error->code, error->message);
	return error;
}

static GError *json_fails(const char *text, const struct doc_limits *limits, int code)
{
	struct doc *d = (struct doc *)0x1;
	GError *error = NULL;

	assert_false(doc_parse_json(&d, "t.json", text, strlen(text), limits, &error));
	assert_ptr_equal(d, (struct doc *)0x1);
	assert_non_null(error);
	if (!g_error_matches(error, DW_ERROR, code))
		fail_msg("expected code %d, got %d: %s", code, error->code, error->message);
	return error;
}

static const struct doc_node *root(const struct doc *d, guint i)
{
	assert_true(i < d->roots->len);
	return g_ptr_array_index(d->roots, i);
}

/* Follow a path of map keys ("a/b/c") from node. */
static const struct doc_node *at(const struct doc_node *node, const char *path)
{
	g_auto(GStrv) parts = g_strsplit(path, "/", -1);

	for (char **p = parts; *p != NULL; p++) {
		node = doc_map_get(node, *p);
		if (node == NULL)
			fail_msg("no %s in %s", *p, path);
	}
	return node;
}

static void test_doc__yaml_map_list_scalar_lines(void **state)
{
	g_autoptr(doc) d = load_ok("map_list.yaml");
	const struct doc_node *r = root(d, 0), *ports, *n;

	assert_int_equal(d->roots->len, 1);
	assert_int_equal(r->kind, DOC_MAP);
	assert_int_equal(r->line, 3);
	assert_int_equal(r->n, 3);
	assert_string_equal(doc_scalar(r->pairs[0].key), "name");
	assert_int_equal(r->pairs[0].key->line, 3);
	assert_string_equal(doc_scalar(at(r, "name")), "web");

	ports = at(r, "ports");
	assert_int_equal(ports->kind, DOC_LIST);
	assert_int_equal(ports->line, 5);
	assert_int_equal(ports->n, 3);
	assert_string_equal(doc_scalar(ports->items[0]), "22");
	assert_false(ports->items[0]->quoted);
	assert_int_equal(ports->items[0]->line, 5);
	assert_string_equal(doc_scalar(ports->items[1]), "443");
	assert_true(ports->items[1]->quoted);
	assert_int_equal(ports->items[1]->line, 6);
	assert_true(ports->items[2]->quoted);
	assert_int_equal(ports->items[2]->line, 7);

	n = at(r, "rules/inbound/from");
	assert_string_equal(doc_scalar(n), "0.0.0.0/0");
	assert_int_equal(n->len, 9);
	assert_int_equal(n->line, 10);
	assert_null(n->tag);
	assert_int_equal(at(r, "rules/inbound")->line, 10);
	assert_int_equal(at(r, "rules/inbound/empty")->kind, DOC_NULL);
	assert_null(doc_scalar(at(r, "rules/inbound/empty")));
	assert_int_equal(at(r, "rules/inbound/tilde")->kind, DOC_NULL);
	assert_int_equal(at(r, "rules/inbound/nul")->kind, DOC_NULL);
	/* A tag makes "null" text. */
	n = at(r, "rules/inbound/str");
	assert_int_equal(n->kind, DOC_SCALAR);
	assert_string_equal(n->text, "null");
	assert_string_equal(n->tag, "tag:yaml.org,2002:str");
	n = at(r, "rules/inbound/text");
	assert_string_equal(doc_scalar(n), "literal\n");
	assert_true(n->quoted);
	assert_int_equal(n->line, 15);
}

static void test_doc__yaml_multi_document_gives_one_root_each(void **state)
{
	g_autoptr(doc) d = load_ok("multi.yaml");
	g_autoptr(GError) error = NULL;
	struct doc *empty = NULL;

	assert_int_equal(d->roots->len, 3);
	assert_string_equal(doc_scalar(doc_map_get(root(d, 0), "kind")), "Namespace");
	assert_string_equal(doc_scalar(doc_map_get(root(d, 1), "kind")), "Service");
	assert_int_equal(root(d, 1)->line, 4);
	assert_int_equal(root(d, 2)->kind, DOC_LIST);
	assert_int_equal(root(d, 2)->n, 2);

	/* A stream of only comments has no documents. */
	assert_true(doc_parse_yaml(&empty, "e.yaml", "# nothing\n", 10, NULL, &error));
	assert_int_equal(empty->roots->len, 0);
	doc_free(empty);
}

static void test_doc__yaml_cfn_tags_are_kept(void **state)
{
	g_autoptr(doc) d = load_ok("cfn.yaml");
	const struct doc_node *p = at(root(d, 0), "Resources/Sg/Properties"), *n;

	n = doc_map_get(p, "VpcId");
	assert_string_equal(n->tag, "!Ref");
	assert_string_equal(doc_scalar(n), "Vpc");
	assert_false(n->quoted);
	n = doc_map_get(p, "GroupName");
	assert_string_equal(n->tag, "!GetAtt");
	assert_string_equal(doc_scalar(n), "Vpc.Name");
	n = doc_map_get(p, "Description");
	assert_string_equal(n->tag, "!Sub");
	assert_string_equal(doc_scalar(n), "sg-${AWS::StackName}");
	assert_true(n->quoted);
	n = doc_map_get(p, "Tags");
	assert_string_equal(n->tag, "!Join");
	assert_int_equal(n->kind, DOC_LIST);
	assert_int_equal(n->n, 2);
	assert_string_equal(doc_scalar(n->items[0]), "");
	assert_int_equal(n->items[1]->kind, DOC_LIST);
	assert_string_equal(doc_scalar(n->items[1]->items[1]), "b");
	n = doc_map_get(p, "Ingress");
	assert_string_equal(n->tag, "!If");
	assert_int_equal(n->kind, DOC_MAP);
	/* A tagged block map starts at its tag. */
	assert_int_equal(n->line, 10);
}

static void test_doc__yaml_alias_shares_anchored_node(void **state)
{
	g_autoptr(doc) d = load_ok("anchors.yaml");
	const struct doc_node *r = root(d, 0);
	const struct doc_node *base = doc_map_get(r, "base");

	assert_int_equal(base->kind, DOC_MAP);
	assert_ptr_equal(doc_map_get(r, "first"), base);
	assert_string_equal(doc_scalar(at(r, "first/cidr")), "10.0.0.0/8");
	/* Merge keys are not applied: "<<" is an ordinary pair. */
	assert_ptr_equal(at(r, "second/<<"), base);
	assert_string_equal(doc_scalar(at(r, "second/port")), "443");
	assert_null(doc_map_get(doc_map_get(r, "second"), "cidr"));
}

static void test_doc__yaml_billion_laughs_hits_node_limit(void **state)
{
	gint64 start = g_get_monotonic_time();
	g_autofree char *msg = load_fails("billion_laughs.yaml", DW_ERROR_LIMIT);

	assert_true(g_str_has_prefix(msg, "doc/billion_laughs.yaml:"));
	assert_non_null(strstr(msg, "more than 1048576 nodes"));
	assert_true(g_get_monotonic_time() - start < G_USEC_PER_SEC);
}

static void test_doc__yaml_alias_expansions_count_against_limit(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;
	const char *text = "a: &a [1, 2, 3]\nb: *a\nc: *a\n";
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;

	/* root, keys a, b, c, the list and its 3 items: 8 nodes, plus 4 per alias. */
	limits.max_nodes = 16;
	assert_true(doc_parse_yaml(&d, "t.yaml", text, strlen(text), &limits, &error));
	doc_free(d);
	limits.max_nodes = 15;
	g_autoptr(GError) e2 = yaml_fails(text, &limits, DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.yaml:3: more than 15 nodes (counting alias expansions)");
}

static void test_doc__yaml_recursive_alias_fails(void **state)
{
	g_autoptr(GError) error = yaml_fails("a: &x [1, *x]\n", NULL, DW_ERROR_PARSE);

	assert_string_equal(error->message, "t.yaml:1: unknown alias *x");
}

static void test_doc__yaml_too_deep_fails(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;
	g_autoptr(GString) ok = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;

	limits.max_depth = 4;
	/* The root map, b's map, the list, the flow list: depth 4. */
	g_string_append(ok, "a:\n b:\n  - [x]\n");
	assert_true(doc_parse_yaml(&d, "t.yaml", ok->str, ok->len, &limits, &error));
	doc_free(d);
	g_autoptr(GError) e2 = yaml_fails("a:\n b:\n  - [[x]]\n", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.yaml:3: nesting deeper than 4");
}

static void test_doc__yaml_deep_default_limit_fails(void **state)
{
	g_autofree char *text = g_strnfill(100000, '[');
	g_autoptr(GError) error = yaml_fails(text, NULL, DW_ERROR_LIMIT);

	assert_string_equal(error->message, "t.yaml:1: nesting deeper than 256");
}

static void test_doc__json_too_deep_fails(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;
	/* Brackets inside strings and comments do not count. */
	const char *ok = "[[{\"a\": [\"[[[[\", \"{{{\", \"\\\"[[\"]}]] /* [[[[ */";

	limits.max_depth = 4;
	assert_true(doc_parse_json(&d, "t.json", ok, strlen(ok), &limits, &error));
	doc_free(d);
	g_autoptr(GError) e2 = json_fails("[\n[\n{\"a\":\n[[1]]}]]", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.json:4: nesting deeper than 4");

	g_autofree char *deep = g_strnfill(1000000, '[');
	g_autoptr(GError) e3 = json_fails(deep, NULL, DW_ERROR_LIMIT);
	assert_string_equal(e3->message, "t.json:1: nesting deeper than 256");
}

static void test_doc__size_limit_fails_first(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;
	size_t big = DW_LIMIT_FILE_BYTES + 1;
	g_autofree char *data = g_malloc(big);
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;
	struct doc *d = NULL;

	/* Content that would otherwise be a parse error. */
	memset(data, '{', big);
	assert_false(doc_parse_yaml(&d, "big.yaml", data, big, NULL, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_string_equal(error->message, "big.yaml: file is larger than 8 MiB");
	assert_false(doc_parse(&d, "big.json", data, big, NULL, &e2));
	assert_string_equal(e2->message, "big.json: file is larger than 8 MiB");
	assert_null(d);

	limits.max_bytes = 10;
	assert_false(doc_parse_json(&d, "s.json", "[1,2,3,4,5]", 11, &limits, &e3));
	assert_string_equal(e3->message, "s.json: file is larger than 10 bytes");
	assert_true(doc_parse_json(&d, "s.json", "[1,2,3,45]", 10, &limits, NULL));
	doc_free(d);
}

/* The process-wide limit (--max-file-size) moves the default, not explicit limits. */
static void test_doc__size_limit_follows_the_setting(void **state)
{
	struct doc_limits own = doc_limits_own;
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;

	dw_limit_set_file_bytes(1024);
	assert_int_equal(dw_limit_file_bytes(), 1024);
	g_autofree char *data = g_strnfill(1025, ' ');
	assert_false(doc_parse_yaml(&d, "a.yaml", data, 1025, NULL, &error));
	assert_string_equal(error->message, "a.yaml: file is larger than 1 KiB");
	assert_true(doc_parse_yaml(&d, "a.yaml", data, 1024, NULL, NULL));
	doc_free(d);
	assert_true(doc_parse_yaml(&d, "own.yaml", data, 1025, &own, NULL));
	doc_free(d);
	dw_limit_set_file_bytes(DW_LIMIT_FILE_BYTES);
}

static void test_doc__size_parse_and_format(void **state)
{
	static const struct {
		const char *text;
		size_t bytes;
	} good[] = {
		{ "4096", 4096 },          { "8MiB", (size_t)8 << 20 }, { "8M", (size_t)8 << 20 },
		{ "8mb", (size_t)8 << 20 }, { "512 KiB", 512 << 10 },  { "512k", 512 << 10 },
		{ "1GiB", (size_t)1 << 30 }, { "0", 0 },               { "7B", 7 },
	};
	static const char *const bad[] = {
		"", "MiB", "-1", "+1", " 1", "1.5MiB", "0x10", "8 MiBs", "8TiB", "16777216TiB",
		"99999999999999999999", "18446744073709551615GiB",
	};
	size_t n = 77;

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		assert_true(dw_size_parse(&n, good[i].text));
		assert_int_equal(n, good[i].bytes);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		n = 77;
		assert_false(dw_size_parse(&n, bad[i]));
		assert_int_equal(n, 77);
	}
	assert_false(dw_size_parse(&n, NULL));
	/* --max-file-size and driftwatch.maxFileSize take 1 KiB to 1 GiB. */
	assert_true(dw_limit_file_bytes_parse(&n, "1KiB"));
	assert_int_equal(n, 1024);
	assert_true(dw_limit_file_bytes_parse(&n, "1GiB"));
	assert_false(dw_limit_file_bytes_parse(&n, "1023"));
	assert_false(dw_limit_file_bytes_parse(&n, "1025MiB"));
	assert_false(dw_limit_file_bytes_parse(&n, "lots"));

	g_autofree char *f1 = dw_size_format((size_t)8 << 20);
	g_autofree char *f2 = dw_size_format((size_t)3 << 30);
	g_autofree char *f3 = dw_size_format(1536);
	g_autofree char *f4 = dw_size_format(1000);
	g_autofree char *f5 = dw_size_format(0);
	assert_string_equal(f1, "8 MiB");
	assert_string_equal(f2, "3 GiB");
	assert_string_equal(f3, "1536 bytes");
	assert_string_equal(f4, "1000 bytes");
	assert_string_equal(f5, "0 bytes");
}

static void test_doc__scalar_limit_fails(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;

	limits.max_scalar = 4;
	g_autoptr(GError) e1 = yaml_fails("a: abcd\nb: abcde\n", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e1->message, "t.yaml:2: scalar longer than 4 bytes");
	g_autoptr(GError) e2 = json_fails("{\"a\": \"abcd\",\n\"b\": \"abcde\"}", &limits,
	                                  DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.json:2: scalar longer than 4 bytes");
}

static void test_doc__node_limit_fails(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;
	struct doc *d = NULL;

	/* root, 2 keys, 2 values, 2 list items: 7 nodes. */
	limits.max_nodes = 7;
	assert_true(doc_parse_json(&d, "t.json", "{\"a\": [1, 2], \"b\": {}}", 22, &limits, NULL));
	doc_free(d);
	limits.max_nodes = 6;
	g_autoptr(GError) e1 = json_fails("{\"a\": [1,\n 2], \"b\": {}}", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e1->message, "t.json:2: more than 6 nodes");
	limits.max_nodes = 3;
	g_autoptr(GError) e2 = yaml_fails("- 1\n- 2\n- 3\n", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.yaml:3: more than 3 nodes (counting alias expansions)");
}

static void test_doc__yaml_unterminated_quote_names_line(void **state)
{
	g_autofree char *msg = load_fails("unterminated_quote.yaml", DW_ERROR_PARSE);

	assert_true(g_str_has_prefix(msg, "doc/unterminated_quote.yaml:4: "));
	assert_non_null(strstr(msg, "quoted scalar"));
	assert_null(strchr(msg, '\n'));
}

static void test_doc__yaml_unknown_alias_fails(void **state)
{
	g_autofree char *msg = load_fails("unknown_alias.yaml", DW_ERROR_PARSE);

	assert_string_equal(msg, "doc/unknown_alias.yaml:3: unknown alias *missing");
}

static void test_doc__yaml_tab_indentation_fails(void **state)
{
	g_autofree char *msg = load_fails("tab_indent.yaml", DW_ERROR_PARSE);

	assert_true(g_str_has_prefix(msg, "doc/tab_indent.yaml:3: "));
}

static void test_doc__yaml_malformed_inputs_fail(void **state)
{
	static const struct {
		const char *text;
		const char *prefix;
	} cases[] = {
		{ "a: [1, 2\n", "t.yaml:1: " },            /* unclosed flow list */
		{ "a: 1\n b: 2\n", "t.yaml:2: " },         /* bad indentation */
		{ "a: 1\n- b\n", "t.yaml:2: " },           /* list item in a map */
		{ "a: \"x\\q\"\n", "t.yaml:1: " },         /* bad escape */
		{ "a: 1\nb: \xff\n", "t.yaml:2: " },       /* invalid UTF-8 */
		{ "%YAML 9.9\n---\na\n", "t.yaml:1: " },   /* unknown version */
		{ "a: &x\n  - *x\n", "t.yaml:2: " },       /* alias into its own anchor */
		{ "a: 1\nb: \"x\\0y\"\n", "t.yaml:2: " },  /* NUL escape would cut the text */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = yaml_fails(cases[i].text, NULL, DW_ERROR_PARSE);

		if (!g_str_has_prefix(error->message, cases[i].prefix))
			fail_msg("case %zu: %s", i, error->message);
	}
	/* A NUL byte is refused, not read past. */
	g_autoptr(GError) e = NULL;
	struct doc *d = NULL;
	assert_false(doc_parse_yaml(&d, "t.yaml", "a: 1\nb: \0x\n", 11, NULL, &e));
	assert_true(g_error_matches(e, DW_ERROR, DW_ERROR_PARSE));
	assert_true(g_str_has_prefix(e->message, "t.yaml:2: "));
}

static void test_doc__json_lines_are_exact(void **state)
{
	g_autoptr(doc) d = load_ok("arm_lines.json");
	const struct doc_node *r = root(d, 0), *rules, *rule;

	assert_int_equal(r->kind, DOC_MAP);
	assert_int_equal(r->line, 1);
	assert_int_equal(at(r, "metadata")->line, 3);
	assert_int_equal(at(r, "metadata/case")->line, 3);
	assert_int_equal(at(r, "resources")->line, 4);
	assert_int_equal(at(r, "resources")->items[0]->line, 5);
	assert_int_equal(r->pairs[2].key->line, 4);
	rules = at(at(r, "resources")->items[0], "properties/securityRules");
	assert_int_equal(rules->kind, DOC_LIST);
	assert_int_equal(rules->line, 8);
	assert_int_equal(rules->n, 2);
	rule = rules->items[0];
	assert_int_equal(rule->line, 9);
	assert_int_equal(at(rule, "name")->line, 10);
	assert_int_equal(at(rule, "properties/sourceAddressPrefix")->line, 11);
	rule = rules->items[1];
	assert_int_equal(rule->line, 13);
	assert_int_equal(at(rule, "name")->line, 14);
	assert_int_equal(at(rule, "properties")->line, 15);
	assert_int_equal(at(rule, "properties/priority")->line, 16);
	/* The value sits on the line after its key. */
	assert_string_equal(doc_scalar(at(rule, "properties/sourceAddressPrefix")), "*");
	assert_int_equal(at(rule, "properties/sourceAddressPrefix")->line, 18);
}

static void test_doc__json_values_have_their_text(void **state)
{
	g_autoptr(doc) d = load_ok("values.json");
	const struct doc_node *r = root(d, 0);

	assert_string_equal(doc_scalar(at(r, "int")), "22");
	assert_false(at(r, "int")->quoted);
	assert_string_equal(doc_scalar(at(r, "neg")), "-7");
	assert_string_equal(doc_scalar(at(r, "big")), "9223372036854775807");
	assert_string_equal(doc_scalar(at(r, "dbl")), "22");
	assert_string_equal(doc_scalar(at(r, "frac")), "0.1");
	assert_string_equal(doc_scalar(at(r, "exp")), "1000");
	assert_string_equal(doc_scalar(at(r, "yes")), "true");
	assert_false(at(r, "yes")->quoted);
	assert_string_equal(doc_scalar(at(r, "no")), "false");
	assert_int_equal(at(r, "nothing")->kind, DOC_NULL);
	assert_null(doc_scalar(at(r, "nothing")));
	assert_string_equal(doc_scalar(at(r, "str")), "22");
	assert_true(at(r, "str")->quoted);
	assert_true(r->pairs[0].key->quoted);
	assert_int_equal(r->pairs[0].key->kind, DOC_SCALAR);
	assert_int_equal(at(r, "empty_list")->kind, DOC_LIST);
	assert_int_equal(at(r, "empty_list")->n, 0);
	assert_int_equal(at(r, "empty_map")->kind, DOC_MAP);
	assert_int_equal(at(r, "empty_map")->n, 0);
	assert_int_equal(at(r, "empty_map")->line, 15);
}

static void test_doc__json_surrogate_pair_parses(void **state)
{
	g_autoptr(doc) d = load_ok("values.json");
	const struct doc_node *n = at(root(d, 0), "emoji");

	assert_string_equal(doc_scalar(n), "\xf0\x9f\x98\x80");
	assert_int_equal(n->len, 4);
	/* A lone high surrogate is an error, not a crash. */
	g_autoptr(GError) e = json_fails("[\"\\ud83d\"]", NULL, DW_ERROR_PARSE);

	assert_non_null(e);
}

/*
 * Comments as Azure's template engine reads them, // and slash-star, with
 * their lines kept; a block comment ends at its first star-slash, not at
 * its first slash as in json-glib 1.6 (fuzz_doc_json found that leaking
 * ~1.7 KB a parse where it left two top-level values).
 */
static void test_doc__json_comments_are_read(void **state)
{
	const char *text = "// a template\n{\"a\": 1 /* see a/b */,\n /* two\n lines */ \"b\":"
	                   " \"//x\", // end\n\"c\": [/**/2]}\n/* after */\n";
	struct doc *d = NULL;
	const struct doc_node *root, *b, *c;

	assert_true(doc_parse_json(&d, "t.json", text, strlen(text), NULL, NULL));
	root = d->roots->pdata[0];
	assert_int_equal(root->line, 2);
	b = doc_map_get(root, "b");
	assert_string_equal(doc_scalar(b), "//x");
	assert_int_equal(b->line, 4);
	c = doc_map_get(root, "c");
	assert_int_equal(c->line, 5);
	assert_int_equal(c->n, 1);
	doc_free(d);

	g_autoptr(GError) e1 = json_fails("[]/*/[]/*/{}", NULL, DW_ERROR_PARSE);
	g_autoptr(GError) e2 = json_fails("[1,\n/* open", NULL, DW_ERROR_PARSE);

	assert_string_equal(e1->message, "t.json:1: unexpected data after the JSON value");
	assert_string_equal(e2->message, "t.json:2: a block comment left open");
}

static void test_doc__json_trailing_garbage_fails(void **state)
{
	g_autofree char *msg = load_fails("trailing.json", DW_ERROR_PARSE);
	g_autoptr(GError) e1 = json_fails("{\"a\": 1}\n\n x", NULL, DW_ERROR_PARSE);
	g_autoptr(GError) e2 = json_fails("[1]\n/* c */ [2]", NULL, DW_ERROR_PARSE);
	g_autoptr(GError) e3 = json_fails("var x = [1]", NULL, DW_ERROR_PARSE);

	assert_string_equal(msg, "doc/trailing.json:2: unexpected data after the JSON value");
	assert_true(g_str_has_prefix(e1->message, "t.json:3: "));
	assert_string_equal(e2->message, "t.json:2: unexpected data after the JSON value");
	assert_string_equal(e3->message, "t.json:1: a JavaScript assignment (var x = ...) is not JSON");
}

/*
 * json-glib 1.6 took a scalar followed by a container for valid JSON (the
 * container as the document) and leaked a second top-level value's tree;
 * it read a '/' alone as a comment of its own. Found by fuzz_doc_json as
 * slow memory growth when json-glib read JSON here; each stays refused.
 */
static void test_doc__json_stricter_than_json_glib(void **state)
{
	static const char *const trailing[] = {
		"0{}", "2[]", "\"4\"{\"a\": []}", "8882{\"resources\": []}", "true\n[1]", "[][]",
		"[1] [2]",
	};
	static const char *const slashes[] = {
		"[/x/1]", "/x/[3]", "[1 /x/ ]", "[1, / c\n2]", "{\"a\": 1} /",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(trailing); i++) {
		g_autoptr(GError) e = json_fails(trailing[i], NULL, DW_ERROR_PARSE);

		assert_non_null(strstr(e->message, "unexpected data after the JSON value"));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(slashes); i++) {
		g_autoptr(GError) e = json_fails(slashes[i], NULL, DW_ERROR_PARSE);

		assert_non_null(strstr(e->message, "'/' outside a string and not a comment"));
	}
	/* Escapes as RFC 8259 has them: json-glib read "\\uzzzz" as "zzzz", a
	 * lone high surrogate as bytes that are not UTF-8, and leaked a string
	 * on some malformed pairs. */
	static const struct {
		const char *text, *what;
	} escapes[] = {
		{ "[\"\\uzzzz\"]", "t.json:1: \\u not followed by four hexadecimal digits in a string" },
		{ "[\"\\u12\"]", "t.json:1: \\u not followed by four hexadecimal digits in a string" },
		{ "[\n\"\\ud83dx\"]", "t.json:2: a high surrogate (\\uD800-\\uDBFF) not followed by a low one" },
		{ "[\"\\ud83d\\ud{\"]", "t.json:1: a high surrogate (\\uD800-\\uDBFF) not followed by a low one" },
		{ "[\"\\ude00\"]", "t.json:1: a low surrogate (\\uDC00-\\uDFFF) without a high one" },
		{ "[\"a\\qb\"]", "t.json:1: an escape that is not one of" },
		{ "[\"a\\", "t.json:1: an escape that is not one of" },
		{ "[\"a\",\n\"\\u0000\"]", "t.json:2: NUL character (\\u0000) in a string" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(escapes); i++) {
		g_autoptr(GError) e = json_fails(escapes[i].text, NULL, DW_ERROR_PARSE);

		if (!g_str_has_prefix(e->message, escapes[i].what))
			fail_msg("%s: got '%s', expected '%s...'", escapes[i].text, e->message,
			         escapes[i].what);
	}
	/* Block comments and slashes in strings are still read. */
	struct doc *d = NULL;
	const char *ok = "/* a */ {\"u\": \"http://x/y\", \"n\": [1, /* b */ 2],\n"
	                 "\"e\": \"\\uD83D\\uDE00 \\ud83d\\ude00 \\u00e9 \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"} /* c */\n";

	assert_true(doc_parse_json(&d, "t.json", ok, strlen(ok), NULL, NULL));
	doc_free(d);
}

static void test_doc__json_truncated_fails(void **state)
{
	g_autofree char *msg = load_fails("truncated.json", DW_ERROR_PARSE);

	assert_true(g_str_has_prefix(msg, "doc/truncated.json:"));
	assert_null(strstr(msg, "<data>"));
	g_autoptr(GError) e = json_fails("{\"a\":\n\"abc", NULL, DW_ERROR_PARSE);
	assert_true(g_str_has_prefix(e->message, "t.json:2: "));
}

static void test_doc__json_malformed_inputs_fail(void **state)
{
	static const char *const cases[] = {
		"",                          /* empty */
		"  \n /* only a comment */", /* no value */
		"[1,]",                      /* trailing comma */
		"{\"a\" 1}",                 /* missing colon */
		"{\"a\": tru}",              /* bad literal */
		"[NaN]",                     /* not a JSON number */
		"]",                         /* close without open */
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = json_fails(cases[i], NULL, DW_ERROR_PARSE);

		if (!g_str_has_prefix(error->message, "t.json:"))
			fail_msg("case %zu: %s", i, error->message);
	}
	g_autoptr(GError) e1 = json_fails("[1,\n 12345678901234567890]", NULL, DW_ERROR_PARSE);
	assert_string_equal(e1->message, "t.json:2: integer 12345678901234567890 is out of range");
	g_autoptr(GError) e2 = json_fails("{\"a\":\n \"\xff\"}", NULL, DW_ERROR_PARSE);
	assert_string_equal(e2->message, "t.json:2: not valid UTF-8 (or a NUL byte)");
	g_autoptr(GError) e3 = json_fails("[\"ok\",\n \"a\\u0000b\"]", NULL, DW_ERROR_PARSE);
	assert_string_equal(e3->message, "t.json:2: NUL character (\\u0000) in a string");
	/* An escaped backslash before "u0000" is no NUL. */
	const char *escaped = "[\"\\\\u0000\"]";
	struct doc *d = NULL;

	assert_true(doc_parse_json(&d, "t.json", escaped, strlen(escaped), NULL, NULL));
	assert_string_equal(doc_scalar(root(d, 0)->items[0]), "\\u0000");
	doc_free(d);
}

/*
 * Forms json-glib 1.6 read and RFC 8259 does not have: single quotes, hex
 * and leading-zero numbers, a bare '.', '+', a BOM past the start, a
 * number run into a word. Each is refused at its line.
 */
static void test_doc__json_lenient_forms_fail(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "{'a': 1}", "t.json:1: expected a string for a key, got '''" },
		{ "[1,\n'a']", "t.json:2: expected a JSON value, got '''" },
		{ "[\n0x10]", "t.json:2: expected the number to end, got 'x'" },
		{ "[01]", "t.json:1: expected the number to end, got '1'" },
		{ "[1.]", "t.json:1: expected a digit, got ']'" },
		{ "[.5]", "t.json:1: expected a JSON value, got '.'" },
		{ "[+1]", "t.json:1: expected a JSON value, got '+'" },
		{ "[1.]", "t.json:1: expected a digit, got ']'" },
		{ "[-x]", "t.json:1: expected a digit, got 'x'" },
		{ "[1\xef\xbb\xbf]", "t.json:1: expected ',' or ']', got byte 0xef" },
		{ "[TRUE]", "t.json:1: expected a JSON value, got 'TRUE'" },
		{ "[nullx]", "t.json:1: expected a JSON value, got 'nullx'" },
		{ "{\"a\":1,}", "t.json:1: expected a string for a key, got '}'" },
		{ "[1 2]", "t.json:1: expected ',' or ']', got '2'" },
		{ "{\"a\"\n\n1}", "t.json:3: expected ':' after a key, got '1'" },
		{ "[1,\n2\n", "t.json:3: expected ',' or ']', got the end of the input" },
		{ "{\"a\": [1,\n\"b]}", "t.json:2: a string left open" },
		{ "[\"\x01\",\n\x02]", "t.json:2: expected a JSON value, got byte 0x02" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) e = json_fails(cases[i].text, NULL, DW_ERROR_PARSE);

		if (strcmp(e->message, cases[i].message) != 0)
			fail_msg("case %zu: got '%s', expected '%s'", i, e->message, cases[i].message);
	}
}

/*
 * A scalar in a list or map is on the line of the ',' after it, else where
 * its token ends; a key is on its value's line; a container on its bracket.
 */
static void test_doc__json_lines_follow_the_comma(void **state)
{
	const char *text = "\xef\xbb\xbf{\"a\"\r\n:\r\n1\r\n,\"b\":\r\n[\r\n\"x\ny\"\r\n]\r\n,\"c\": 7}";
	struct doc *d = NULL;
	const struct doc_node *r, *b;

	assert_true(doc_parse_json(&d, "t.json", text, strlen(text), NULL, NULL));
	r = root(d, 0);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->pairs[0].key->line, 4);
	assert_int_equal(doc_map_get(r, "a")->line, 4);
	b = doc_map_get(r, "b");
	assert_int_equal(b->line, 5);
	assert_int_equal(r->pairs[1].key->line, 5);
	/* A control character (Azure's multi-line string) is kept and counted. */
	assert_string_equal(doc_scalar(b->items[0]), "x\ny");
	assert_int_equal(b->items[0]->line, 7);
	assert_int_equal(doc_map_get(r, "c")->line, 9);
	doc_free(d);
	/* A scalar at the top is on the line it starts on. */
	assert_true(doc_parse_json(&d, "t.json", "\n\"a\nb\"\n", 7, NULL, NULL));
	assert_int_equal(root(d, 0)->line, 2);
	doc_free(d);
}

/* A repeated key keeps its first place and takes the last value and line. */
static void test_doc__json_duplicate_key_keeps_first_place(void **state)
{
	const char *text = "{\"a\": 1,\n\"b\": 2,\n\"a\": [3]}";
	g_autoptr(GString) many = g_string_new("{");
	struct doc *d = NULL;
	const struct doc_node *r;

	assert_true(doc_parse_json(&d, "t.json", text, strlen(text), NULL, NULL));
	r = root(d, 0);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->pairs[0].key->text, "a");
	assert_int_equal(r->pairs[0].key->line, 3);
	assert_int_equal(r->pairs[0].value->kind, DOC_LIST);
	assert_string_equal(doc_scalar(r->pairs[1].value), "2");
	doc_free(d);
	/* The same past the members compared one by one. */
	for (int i = 0; i < 40; i++)
		g_string_append_printf(many, "\"k%d\": %d,\n", i % 30, i);
	g_string_append(many, "\"k0\": \"last\"}");
	assert_true(doc_parse_json(&d, "t.json", many->str, many->len, NULL, NULL));
	r = root(d, 0);
	assert_int_equal(r->n, 30);
	assert_string_equal(doc_scalar(r->pairs[0].value), "last");
	assert_int_equal(r->pairs[0].key->line, 41);
	assert_string_equal(doc_scalar(doc_map_get(r, "k29")), "29");
	assert_string_equal(doc_scalar(doc_map_get(r, "k5")), "35");
	doc_free(d);
}

/* Numbers as json-glib gave them: integers as written, others as doubles. */
static void test_doc__json_numbers_keep_their_value(void **state)
{
	static const struct {
		const char *text, *value;
	} cases[] = {
		{ "[-0]", "0" },
		{ "[-0.0]", "-0" },
		{ "[1.5e-7]", "1.5e-07" },
		{ "[1E2]", "100" },
		{ "[0.1e1]", "1" },
		{ "[-9223372036854775808]", "-9223372036854775808" },
		{ "[0.30000000000000004]", "0.30000000000000004" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct doc *d = NULL;

		assert_true(doc_parse_json(&d, "t.json", cases[i].text, strlen(cases[i].text), NULL, NULL));
		assert_string_equal(doc_scalar(root(d, 0)->items[0]), cases[i].value);
		assert_false(root(d, 0)->items[0]->quoted);
		doc_free(d);
	}
	g_autoptr(GError) e = json_fails("[\n-9223372036854775809]", NULL, DW_ERROR_PARSE);
	assert_string_equal(e->message, "t.json:2: integer -9223372036854775809 is out of range");
}

/* Keys are bounded as values are; a limit error names its line. */
static void test_doc__json_limits_name_their_line(void **state)
{
	struct doc_limits limits = DOC_LIMITS_INIT;

	limits.max_scalar = 4;
	g_autoptr(GError) e1 = json_fails("{\"a\": 1,\n\"abcde\": 2}", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e1->message, "t.json:2: scalar longer than 4 bytes");
	limits = (struct doc_limits)DOC_LIMITS_INIT;
	limits.max_nodes = 3;
	g_autoptr(GError) e2 = json_fails("{\"a\":\n[1]}", &limits, DW_ERROR_LIMIT);
	assert_string_equal(e2->message, "t.json:2: more than 3 nodes");
	/* A long flat list is no deep recursion. */
	g_autoptr(GString) flat = g_string_new("[");
	struct doc *d = NULL;

	for (int i = 0; i < 100000; i++)
		g_string_append(flat, "[],");
	g_string_append(flat, "{}]");
	assert_true(doc_parse_json(&d, "t.json", flat->str, flat->len, NULL, NULL));
	assert_int_equal(root(d, 0)->n, 100001);
	doc_free(d);
}

static void test_doc__map_get_returns_last_duplicate(void **state)
{
	g_autoptr(doc) d = load_ok("duplicate.yaml");
	const struct doc_node *r = root(d, 0);

	assert_int_equal(r->n, 3);
	assert_string_equal(doc_scalar(doc_map_get(r, "port")), "443");
	assert_int_equal(doc_map_get(r, "port")->line, 4);
	assert_string_equal(doc_scalar(doc_map_get(r, "Port")), "80");
	assert_null(doc_map_get(r, "PORT"));
	assert_null(doc_map_get(r, "por"));
	assert_null(doc_map_get(NULL, "port"));
	assert_null(doc_map_get(doc_map_get(r, "port"), "port"));
	assert_null(doc_scalar(r));
	assert_null(doc_scalar(NULL));
}

static void test_doc__map_get_ci_ignores_ascii_case(void **state)
{
	g_autoptr(doc) d = load_ok("duplicate.yaml");
	const struct doc_node *r = root(d, 0);

	assert_string_equal(doc_scalar(doc_map_get_ci(r, "PORT")), "443");
	assert_string_equal(doc_scalar(doc_map_get_ci(r, "pOrT")), "443");
	assert_null(doc_map_get_ci(r, "ports"));
	assert_null(doc_map_get_ci(NULL, "port"));
}

static void test_doc__input_is_read_only_to_len(void **state)
{
	/* The buffer goes on past len; only "a: 1" and "[1]" may be read. */
	static const char yaml[] = "a: 1xyz: [unclosed";
	static const char json[] = "[1]]]]garbage";
	struct doc *d = NULL;

	assert_true(doc_parse_yaml(&d, "t.yaml", yaml, 4, NULL, NULL));
	assert_string_equal(doc_scalar(doc_map_get(root(d, 0), "a")), "1");
	doc_free(d);
	d = NULL;
	assert_true(doc_parse_json(&d, "t.json", json, 3, NULL, NULL));
	assert_int_equal(root(d, 0)->n, 1);
	assert_string_equal(doc_scalar(root(d, 0)->items[0]), "1");
	doc_free(d);
	/* A buffer with no NUL anywhere. */
	char *exact = g_memdup2("{\"k\": \"v\"}", 10);
	assert_true(doc_parse(&d, "x", exact, 10, NULL, NULL));
	assert_string_equal(doc_scalar(doc_map_get(root(d, 0), "k")), "v");
	doc_free(d);
	g_free(exact);
}

static void test_doc__parse_picks_json_by_name_or_content(void **state)
{
	struct doc *d = NULL;
	g_autoptr(GError) error = NULL;

	/* JSON-only: a surrogate pair escape, which libyaml refuses. */
	const char *json = " \n[\"\\ud83d\\ude00\"]";

	assert_true(doc_parse(&d, "a.yaml", json, strlen(json), NULL, &error));
	assert_string_equal(doc_scalar(root(d, 0)->items[0]), "\xf0\x9f\x98\x80");
	doc_free(d);
	/* By name, even when the content looks like YAML: a JSON error. */
	assert_false(doc_parse(&d, "A.JSON", "a: 1", 4, NULL, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	g_clear_error(&error);
	/* YAML otherwise: a plain scalar document. */
	assert_true(doc_parse(&d, "a.yaml", "a: 1", 4, NULL, &error));
	assert_int_equal(root(d, 0)->kind, DOC_MAP);
	doc_free(d);
}

static void test_doc__free_null_is_noop(void **state)
{
	doc_free(NULL);
}

/*
 * The arena's allocations are zeroed, aligned for any type and apart: each
 * is filled whole with its own byte, and every one still holds it after
 * all were made (an allocation larger than the block it is put in, or two
 * that overlap, would break another's).
 */
static void test_doc__arena_allocations_are_apart(void **state)
{
	struct dw_arena arena;
	g_autoptr(GPtrArray) made = g_ptr_array_new();
	g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(size_t));
	g_autoptr(GRand) rand = g_rand_new_with_seed(7);

	(void)state;
	dw_arena_init(&arena);
	for (unsigned i = 0; i < 3000; i++) {
		/* Mostly node-sized, some past a block, some of nothing. */
		size_t n = i % 97 == 0 ? 0 : i % 41 == 0 ? (size_t)g_rand_int_range(rand, 2000, 40000)
		                                          : (size_t)g_rand_int_range(rand, 1, 200);
		unsigned char *p = dw_arena_alloc0_n(&arena, n, 1);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t j = 0; j < MAX(n, 1); j++)
			assert_int_equal(p[j], 0);
		memset(p, (int)(i % 251) + 1, MAX(n, 1));
		g_ptr_array_add(made, p);
		g_array_append_val(sizes, n);
	}
	for (unsigned i = 0; i < made->len; i++) {
		const unsigned char *p = made->pdata[i];

		for (size_t j = 0; j < MAX(g_array_index(sizes, size_t, i), 1); j++)
			assert_int_equal(p[j], (int)(i % 251) + 1);
	}
	dw_arena_clear(&arena);
	dw_arena_clear(&arena); /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc__yaml_map_list_scalar_lines),
		cmocka_unit_test(test_doc__yaml_multi_document_gives_one_root_each),
		cmocka_unit_test(test_doc__yaml_cfn_tags_are_kept),
		cmocka_unit_test(test_doc__yaml_alias_shares_anchored_node),
		cmocka_unit_test(test_doc__yaml_billion_laughs_hits_node_limit),
		cmocka_unit_test(test_doc__yaml_alias_expansions_count_against_limit),
		cmocka_unit_test(test_doc__yaml_recursive_alias_fails),
		cmocka_unit_test(test_doc__yaml_too_deep_fails),
		cmocka_unit_test(test_doc__yaml_deep_default_limit_fails),
		cmocka_unit_test(test_doc__json_too_deep_fails),
		cmocka_unit_test(test_doc__size_limit_fails_first),
		cmocka_unit_test(test_doc__scalar_limit_fails),
		cmocka_unit_test(test_doc__node_limit_fails),
		cmocka_unit_test(test_doc__yaml_unterminated_quote_names_line),
		cmocka_unit_test(test_doc__yaml_unknown_alias_fails),
		cmocka_unit_test(test_doc__yaml_tab_indentation_fails),
		cmocka_unit_test(test_doc__yaml_malformed_inputs_fail),
		cmocka_unit_test(test_doc__json_lines_are_exact),
		cmocka_unit_test(test_doc__json_values_have_their_text),
		cmocka_unit_test(test_doc__json_surrogate_pair_parses),
		cmocka_unit_test(test_doc__json_trailing_garbage_fails),
		cmocka_unit_test(test_doc__json_comments_are_read),
		cmocka_unit_test(test_doc__json_truncated_fails),
		cmocka_unit_test(test_doc__json_malformed_inputs_fail),
		cmocka_unit_test(test_doc__map_get_returns_last_duplicate),
		cmocka_unit_test(test_doc__map_get_ci_ignores_ascii_case),
		cmocka_unit_test(test_doc__input_is_read_only_to_len),
		cmocka_unit_test(test_doc__parse_picks_json_by_name_or_content),
		cmocka_unit_test(test_doc__free_null_is_noop),
		cmocka_unit_test(test_doc__size_limit_follows_the_setting),
		cmocka_unit_test(test_doc__json_stricter_than_json_glib),
		cmocka_unit_test(test_doc__json_lenient_forms_fail),
		cmocka_unit_test(test_doc__json_lines_follow_the_comma),
		cmocka_unit_test(test_doc__json_duplicate_key_keeps_first_place),
		cmocka_unit_test(test_doc__json_numbers_keep_their_value),
		cmocka_unit_test(test_doc__json_limits_name_their_line),
		cmocka_unit_test(test_doc__size_parse_and_format),
		cmocka_unit_test(test_doc__arena_allocations_are_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
