/*
 * test_hcl.c - the HCL2 native-syntax parser (diff/hcl_parse.c) and its
 * printers (diff/hcl_print.c): every construct, positions, operator
 * precedence, printing back, and one malformed input per way to be wrong
 * with the line the error names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_error.h"
#include "hcl.h"

/* ---- helpers ---------------------------------------------------------- */

static struct hcl_file *parse_ok(const char *src)
{
	struct hcl_file *f = NULL;
	g_autoptr(GError) error = NULL;

	if (!hcl_parse(&f, "t.tf", src, strlen(src), &error))
		fail_msg("unexpected parse error: %s\n--- input:\n%s", error->message, src);
	return f;
}

/* The parse must fail with code at line, the message holding what. */
static void assert_fails_len(const char *src, size_t len, int code, unsigned line, const char *what)
{
	struct hcl_file *f = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *prefix = g_strdup_printf("t.tf:%u: ", line);

	if (hcl_parse(&f, "t.tf", src, len, &error)) {
		hcl_file_free(f);
		fail_msg("parsed, expected an error at line %u: %.200s", line, src);
	}
	assert_null(f);
	assert_true(g_error_matches(error, DW_ERROR, code));
	if (!g_str_has_prefix(error->message, prefix) || strstr(error->message, what) == NULL)
		fail_msg("error \"%s\", expected \"%s...%s\"", error->message, prefix, what);
}

static void assert_fails(const char *src, unsigned line, const char *what)
{
	assert_fails_len(src, strlen(src), DW_ERROR_PARSE, line, what);
}

/* The expression of attribute x in a file "x = SRC". */
static const struct hcl_expr *expr_of(struct hcl_file *f, const char *name)
{
	const struct hcl_attribute *a = hcl_body_attribute(f->body, name);

	assert_non_null(a);
	return a->expr;
}

/* x = src parses and prints back as expected. */
static void assert_prints(const char *src, const char *expected)
{
	g_autofree char *text = g_strdup_printf("x = %s\n", src);
	g_autoptr(hcl_file) f = parse_ok(text);
	g_autofree char *printed = hcl_expr_to_string(expr_of(f, "x"));

	assert_string_equal(printed, expected);
}

/* Printing is stable: the printed text parses to a tree that prints the same. */
static void assert_round_trip(const char *src)
{
	g_autofree char *text = g_strdup_printf("x = %s\n", src);
	g_autoptr(hcl_file) f = parse_ok(text);
	g_autofree char *once = hcl_expr_to_string(expr_of(f, "x"));
	g_autofree char *text2 = g_strdup_printf("x = %s\n", once);
	g_autoptr(hcl_file) f2 = parse_ok(text2);
	g_autofree char *twice = hcl_expr_to_string(expr_of(f2, "x"));

	assert_string_equal(once, twice);
}

/* A fully parenthesised rendering of operators, to see the tree's shape. */
static void shape(GString *out, const struct hcl_expr *e)
{
	switch (e->kind) {
	case HCL_EXPR_BINARY:
		g_string_append_c(out, '(');
		shape(out, e->op.left);
		g_string_append_printf(out, " %s ", hcl_op_name(e->op.op));
		shape(out, e->op.right);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_UNARY:
		g_string_append_printf(out, "(%s", hcl_op_name(e->op.op));
		shape(out, e->op.right);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_CONDITIONAL:
		g_string_append_c(out, '(');
		shape(out, e->cond.cond);
		g_string_append(out, " ? ");
		shape(out, e->cond.then_expr);
		g_string_append(out, " : ");
		shape(out, e->cond.else_expr);
		g_string_append_c(out, ')');
		break;
	default:
		hcl_expr_print(out, e);
	}
}

static void assert_shape(const char *src, const char *expected)
{
	g_autofree char *text = g_strdup_printf("x = %s\n", src);
	g_autoptr(hcl_file) f = parse_ok(text);
	g_autoptr(GString) out = g_string_new(NULL);

	shape(out, expr_of(f, "x"));
	assert_string_equal(out->str, expected);
}

static void assert_text(const struct hcl_expr *e, const char *expected)
{
	g_autofree char *text = hcl_expr_to_string(e);

	assert_string_equal(text, expected);
}

static const struct hcl_item *item_at(const struct hcl_body *b, guint i)
{
	assert_true(i < b->items->len);
	return b->items->pdata[i];
}

static const struct hcl_expr *part_at(const struct hcl_expr *t, guint i)
{
	assert_int_equal(t->kind, HCL_EXPR_TEMPLATE);
	assert_true(i < t->template.parts->len);
	return t->template.parts->pdata[i];
}

static const struct hcl_step *step_at(const struct hcl_expr *t, guint i)
{
	assert_int_equal(t->kind, HCL_EXPR_TRAVERSAL);
	assert_true(i < t->traversal.steps->len);
	return t->traversal.steps->pdata[i];
}

/* ---- bodies ---------------------------------------------------------- */

static void test_hcl__body_keeps_document_order(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"a = 1\n"
		"resource \"aws_security_group\" web {\n"
		"  name = \"web\"\n"
		"  ingress {\n"
		"    from_port = 22\n"
		"  }\n"
		"}\n"
		"b = 2\n"
		"terraform {}\n");
	const struct hcl_item *it;
	const struct hcl_body *body;

	assert_int_equal(f->body->items->len, 4);
	it = item_at(f->body, 0);
	assert_int_equal(it->kind, HCL_ITEM_ATTRIBUTE);
	assert_string_equal(it->attribute.name, "a");
	assert_int_equal(it->attribute.line, 1);
	it = item_at(f->body, 1);
	assert_int_equal(it->kind, HCL_ITEM_BLOCK);
	assert_string_equal(it->block.type, "resource");
	assert_int_equal(it->block.labels->len, 2);
	assert_string_equal(it->block.labels->pdata[0], "aws_security_group");
	assert_string_equal(it->block.labels->pdata[1], "web");
	assert_int_equal(it->block.line, 2);
	body = it->block.body;
	assert_int_equal(body->line, 2);
	assert_int_equal(body->end_line, 7);
	assert_int_equal(body->items->len, 2);
	assert_string_equal(item_at(body, 1)->block.type, "ingress");
	assert_int_equal(item_at(body, 1)->block.labels->len, 0);
	assert_int_equal(item_at(body, 1)->block.line, 4);
	assert_string_equal(item_at(f->body, 2)->attribute.name, "b");
	assert_int_equal(item_at(f->body, 2)->attribute.line, 8);
	it = item_at(f->body, 3);
	assert_string_equal(it->block.type, "terraform");
	assert_int_equal(it->block.body->items->len, 0);
}

static void test_hcl__single_line_block(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("a { b = 1 }\nc \"d\" {}\n");
	const struct hcl_body *b = item_at(f->body, 0)->block.body;

	assert_int_equal(b->items->len, 1);
	assert_string_equal(item_at(b, 0)->attribute.name, "b");
	assert_string_equal(item_at(f->body, 1)->block.labels->pdata[0], "d");
}

static void test_hcl__empty_and_comment_only_files(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("");
	g_autoptr(hcl_file) g = parse_ok("# only\n// comments\n/* here */\n");
	g_autoptr(hcl_file) h = parse_ok("\xEF\xBB\xBFx = 1");

	assert_int_equal(f->body->items->len, 0);
	assert_int_equal(g->body->items->len, 0);
	assert_int_equal(h->body->items->len, 1);
}

static void test_hcl__comments_everywhere(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"a { # open\n"
		"  /* before */ b = [ # in a tuple\n"
		"    1, // one\n"
		"    /* two */ 2,\n"
		"  ] /* after */\n"
		"}\n");
	const struct hcl_expr *e = item_at(item_at(f->body, 0)->block.body, 0)->attribute.expr;

	assert_int_equal(e->kind, HCL_EXPR_TUPLE);
	assert_int_equal(e->items->len, 2);
}

static void test_hcl__crlf_line_ends(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("a {\r\n  b = \"x\"\r\n}\r\nc = <<EOT\r\nhi\r\nEOT\r\n");

	assert_int_equal(f->body->items->len, 2);
	assert_int_equal(item_at(f->body, 1)->attribute.line, 4);
}

static void test_hcl__body_attribute_finds_by_name(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("a = 1\nblk {}\nb = 2\n");

	assert_non_null(hcl_body_attribute(f->body, "b"));
	assert_int_equal(hcl_body_attribute(f->body, "b")->line, 3);
	assert_null(hcl_body_attribute(f->body, "blk"));
	assert_null(hcl_body_attribute(f->body, "c"));
}

/* ---- literals and templates ------------------------------------------ */

static void test_hcl__literals(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("n = 1.50\ne = 1e3\nt = true\nf = false\nz = null\n"
	                                 "s = \"plain\"\nempty = \"\"\n");

	assert_int_equal(expr_of(f, "n")->kind, HCL_EXPR_NUMBER);
	assert_string_equal(expr_of(f, "n")->string.text, "1.50");
	assert_string_equal(expr_of(f, "e")->string.text, "1e3");
	assert_int_equal(expr_of(f, "t")->kind, HCL_EXPR_BOOL);
	assert_true(expr_of(f, "t")->boolean);
	assert_false(expr_of(f, "f")->boolean);
	assert_int_equal(expr_of(f, "z")->kind, HCL_EXPR_NULL);
	assert_int_equal(expr_of(f, "s")->kind, HCL_EXPR_STRING);
	assert_string_equal(expr_of(f, "s")->string.text, "plain");
	assert_int_equal(expr_of(f, "empty")->kind, HCL_EXPR_STRING);
	assert_int_equal(expr_of(f, "empty")->string.len, 0);
}

static void test_hcl__string_escapes(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"s = \"q\\\" b\\\\ n\\n t\\t r\\r u\\u00e9 U\\U0001F600 $${x} %%{y} $ %\"\n");
	const struct hcl_expr *e = expr_of(f, "s");

	assert_int_equal(e->kind, HCL_EXPR_STRING);
	assert_string_equal(e->string.text,
	                    "q\" b\\ n\n t\t r\r u\xc3\xa9 U\xf0\x9f\x98\x80 ${x} %{y} $ %");
}

static void test_hcl__template_parts(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("s = \"a-${var.x}-b\"\nw = \"${var.y}\"\n");
	const struct hcl_expr *e = expr_of(f, "s");

	assert_int_equal(e->template.parts->len, 3);
	assert_int_equal(part_at(e, 0)->kind, HCL_EXPR_STRING);
	assert_string_equal(part_at(e, 0)->string.text, "a-");
	assert_int_equal(part_at(e, 1)->kind, HCL_EXPR_TRAVERSAL);
	assert_string_equal(part_at(e, 1)->traversal.root, "var");
	assert_string_equal(part_at(e, 2)->string.text, "-b");
	e = expr_of(f, "w");
	assert_int_equal(e->template.parts->len, 1);
	assert_int_equal(part_at(e, 0)->kind, HCL_EXPR_TRAVERSAL);
}

static void test_hcl__interpolated_string_stays_a_template(void **state)
{
	/* "${"x"}" is an interpolation of a string, not a literal */
	g_autoptr(hcl_file) f = parse_ok("s = \"${\"x\"}\"\n");
	const struct hcl_expr *e = expr_of(f, "s");

	assert_int_equal(e->kind, HCL_EXPR_TEMPLATE);
	assert_int_equal(part_at(e, 0)->kind, HCL_EXPR_STRING);
}

static void test_hcl__strip_markers(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("s = \"a  ${~ var.x ~}  b\"\nw = \" ${~var.x}\"\n"
	                                 "n = \"${var.x ~}\\n\"\n");
	const struct hcl_expr *e = expr_of(f, "s");

	assert_string_equal(part_at(e, 0)->string.text, "a");
	assert_string_equal(part_at(e, 2)->string.text, "b");
	/* an emptied literal stays a part: " ${~x}" is a string, not x itself */
	e = expr_of(f, "w");
	assert_int_equal(e->template.parts->len, 2);
	assert_int_equal(part_at(e, 0)->string.len, 0);
	/* a quoted string strips decoded text: the escaped newline goes */
	e = expr_of(f, "n");
	assert_int_equal(e->template.parts->len, 2);
	assert_int_equal(part_at(e, 1)->string.len, 0);
}

static void test_hcl__template_directives(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"s = \"%{if var.on}yes%{else}no ${var.x}%{endif}!\"\n"
		"l = \"%{for k, v in var.m}${k}=${v},%{endfor}\"\n"
		"n = \"%{ if var.a ~}  x  %{~ endif }\"\n");
	const struct hcl_expr *e = expr_of(f, "s"), *d;

	assert_int_equal(e->template.parts->len, 2);
	d = part_at(e, 0);
	assert_int_equal(d->kind, HCL_EXPR_TEMPLATE_IF);
	assert_text(d->cond.cond, "var.on");
	assert_int_equal(d->cond.then_expr->kind, HCL_EXPR_STRING);
	assert_string_equal(d->cond.then_expr->string.text, "yes");
	assert_int_equal(d->cond.else_expr->kind, HCL_EXPR_TEMPLATE);
	assert_string_equal(part_at(e, 1)->string.text, "!");
	d = part_at(expr_of(f, "l"), 0);
	assert_int_equal(d->kind, HCL_EXPR_TEMPLATE_FOR);
	assert_string_equal(d->for_expr.key_var, "k");
	assert_string_equal(d->for_expr.value_var, "v");
	assert_int_equal(d->for_expr.value->template.parts->len, 4);
	d = part_at(expr_of(f, "n"), 0);
	assert_string_equal(d->cond.then_expr->string.text, "x");
	assert_null(d->cond.else_expr);
}

static void test_hcl__heredoc(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"a = <<EOT\n"
		"  hello ${var.name}\n"
		"  there\n"
		"EOT\n"
		"b = <<-EOT\n"
		"    one\n"
		"      two\n"
		"\n"
		"    three\n"
		"    EOT\n"
		"c = <<EOT\n"
		"EOT\n"
		"d = <<X\n"
		"not X\n"
		"  X\n");
	const struct hcl_expr *e = expr_of(f, "a");

	assert_int_equal(e->kind, HCL_EXPR_TEMPLATE);
	assert_string_equal(e->heredoc, "EOT");
	assert_false(e->heredoc_indent);
	assert_string_equal(part_at(e, 0)->string.text, "  hello ");
	assert_int_equal(part_at(e, 1)->line, 2);
	assert_string_equal(part_at(e, 2)->string.text, "\n  there\n");
	e = expr_of(f, "b");
	assert_int_equal(e->kind, HCL_EXPR_STRING);
	assert_true(e->heredoc_indent);
	assert_string_equal(e->string.text, "one\n  two\n\nthree\n");
	assert_string_equal(expr_of(f, "c")->string.text, "");
	assert_string_equal(expr_of(f, "d")->string.text, "not X\n");
	assert_int_equal(hcl_body_attribute(f->body, "d")->line, 13);
}

static void test_hcl__heredoc_indent_counts_interpolations(void **state)
{
	/* a line that starts with ${} has no indentation, so nothing is removed */
	g_autoptr(hcl_file) f = parse_ok(
		"a = <<-EOT\n"
		"    x\n"
		"${var.y}\n"
		"    EOT\n"
		"b = <<-EOT\n"
		"      x\n"
		"    ${var.y} z\n"
		"    EOT\n");
	const struct hcl_expr *e = expr_of(f, "a");

	assert_string_equal(part_at(e, 0)->string.text, "    x\n");
	e = expr_of(f, "b");
	assert_string_equal(part_at(e, 0)->string.text, "  x\n");
	assert_string_equal(part_at(e, 2)->string.text, " z\n");
}

/* ---- collections, traversals, calls ----------------------------------- */

static void test_hcl__tuple_and_object(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"t = [1, \"a\", var.x,]\n"
		"o = {\n"
		"  a = 1, \"b\" = 2\n"
		"  c: 3\n"
		"  (var.k) = 4\n"
		"}\n");
	const struct hcl_expr *t = expr_of(f, "t"), *o = expr_of(f, "o");
	const struct hcl_object_item *it;

	assert_int_equal(t->kind, HCL_EXPR_TUPLE);
	assert_int_equal(t->items->len, 3);
	assert_int_equal(o->kind, HCL_EXPR_OBJECT);
	assert_int_equal(o->object.items->len, 4);
	it = o->object.items->pdata[0];
	assert_true(it->key_bare);
	assert_string_equal(it->key->string.text, "a");
	it = o->object.items->pdata[1];
	assert_false(it->key_bare);
	assert_int_equal(it->key->kind, HCL_EXPR_STRING);
	it = o->object.items->pdata[2];
	assert_true(it->colon);
	assert_int_equal(it->line, 4);
	it = o->object.items->pdata[3];
	assert_int_equal(it->key->kind, HCL_EXPR_PAREN);
}

static void test_hcl__traversals(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"a = aws_instance.web[count.index].id\n"
		"b = aws_instance.web[*].id\n"
		"c = aws_instance.web.*.ip\n"
		"d = var.list.0\n"
		"e = f(x).y[\"k\"]\n"
		"g = (var.m).z\n");
	const struct hcl_expr *e = expr_of(f, "a");

	assert_string_equal(e->traversal.root, "aws_instance");
	assert_null(e->traversal.source);
	assert_int_equal(e->traversal.steps->len, 3);
	assert_int_equal(step_at(e, 0)->kind, HCL_STEP_ATTR);
	assert_string_equal(step_at(e, 0)->name, "web");
	assert_int_equal(step_at(e, 1)->kind, HCL_STEP_INDEX);
	assert_text(step_at(e, 1)->index, "count.index");
	assert_string_equal(step_at(e, 2)->name, "id");
	assert_int_equal(step_at(expr_of(f, "b"), 1)->kind, HCL_STEP_SPLAT_FULL);
	assert_int_equal(step_at(expr_of(f, "c"), 1)->kind, HCL_STEP_SPLAT_ATTR);
	e = expr_of(f, "d");
	assert_true(step_at(e, 1)->legacy_dot);
	assert_string_equal(step_at(e, 1)->index->string.text, "0");
	e = expr_of(f, "e");
	assert_null(e->traversal.root);
	assert_int_equal(e->traversal.source->kind, HCL_EXPR_CALL);
	assert_int_equal(e->traversal.steps->len, 2);
	e = expr_of(f, "g");
	assert_int_equal(e->traversal.source->kind, HCL_EXPR_PAREN);
}

static void test_hcl__calls(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"a = concat(var.a, [\"b\"])\n"
		"b = max(var.list...)\n"
		"c = timestamp()\n"
		"d = provider::aws::arn_parse(var.arn)\n"
		"e = coalesce(\n  var.x,\n  \"y\",\n)\n");
	const struct hcl_expr *e = expr_of(f, "a");

	assert_int_equal(e->kind, HCL_EXPR_CALL);
	assert_string_equal(e->call.name, "concat");
	assert_int_equal(e->call.args->len, 2);
	assert_false(e->call.expand_final);
	assert_true(expr_of(f, "b")->call.expand_final);
	assert_int_equal(expr_of(f, "c")->call.args->len, 0);
	assert_string_equal(expr_of(f, "d")->call.name, "provider::aws::arn_parse");
	assert_int_equal(expr_of(f, "e")->call.args->len, 2);
}

static void test_hcl__for_expressions(void **state)
{
	g_autoptr(hcl_file) f = parse_ok(
		"l = [for i, s in var.l : upper(s) if s != \"\"]\n"
		"o = {for r in var.rules : r.zone => r.cidr... if r.on}\n"
		"m = {\n  for k, v in var.m :\n  k => v\n}\n");
	const struct hcl_expr *e = expr_of(f, "l");

	assert_int_equal(e->kind, HCL_EXPR_FOR);
	assert_false(e->for_expr.object);
	assert_string_equal(e->for_expr.key_var, "i");
	assert_string_equal(e->for_expr.value_var, "s");
	assert_null(e->for_expr.key);
	assert_non_null(e->for_expr.cond);
	e = expr_of(f, "o");
	assert_true(e->for_expr.object);
	assert_true(e->for_expr.grouping);
	assert_null(e->for_expr.key_var);
	assert_text(e->for_expr.key, "r.zone");
	assert_true(expr_of(f, "m")->for_expr.object);
}

/* ---- operators ---------------------------------------------------------- */

static void test_hcl__precedence(void **state)
{
	assert_shape("1 + 2 * 3", "(1 + (2 * 3))");
	assert_shape("1 * 2 + 3", "((1 * 2) + 3)");
	assert_shape("a - b - c", "((a - b) - c)");
	assert_shape("a / b % c * d", "(((a / b) % c) * d)");
	assert_shape("a || b && c", "(a || (b && c))");
	assert_shape("a == b && c != d", "((a == b) && (c != d))");
	assert_shape("a < b == c >= d", "((a < b) == (c >= d))");
	assert_shape("a + 1 > b * 2", "((a + 1) > (b * 2))");
	assert_shape("-a.b + 1", "((-a.b) + 1)");
	assert_shape("!a && b", "((!a) && b)");
	assert_shape("- -1", "(-(-1))");
	assert_shape("a || b ? c : d", "((a || b) ? c : d)");
	assert_shape("a ? b : c ? d : e", "(a ? b : (c ? d : e))");
	assert_shape("a ? b ? c : d : e", "(a ? (b ? c : d) : e)");
	assert_shape("(a + b) * c", "((a + b) * c)");
}

static void test_hcl__positions(void **state)
{
	g_autoptr(hcl_file) f = parse_ok("x = [\n  1,\n    var.y + 2,\n]\n");
	const struct hcl_expr *t = expr_of(f, "x"), *sum;

	assert_int_equal(t->line, 1);
	assert_int_equal(t->column, 5);
	sum = t->items->pdata[1];
	assert_int_equal(sum->kind, HCL_EXPR_BINARY);
	assert_int_equal(sum->line, 3);
	assert_int_equal(sum->column, 5);
	assert_int_equal(sum->op.right->line, 3);
	assert_int_equal(sum->op.right->column, 13);
}

/* ---- printing ------------------------------------------------------------ */

static void test_hcl__print_canonical(void **state)
{
	assert_prints("var.admin_cidr", "var.admin_cidr");
	assert_prints("concat( local.a ,[\"10.0.0.0/8\"] )", "concat(local.a, [\"10.0.0.0/8\"])");
	assert_prints("{a=1,\"b\":2}", "{a = 1, \"b\": 2}");
	assert_prints("a?b:c", "a ? b : c");
	assert_prints("[for k,v in m:k if v]", "[for k, v in m : k if v]");
	assert_prints("{for x in m:x=>x...}", "{for x in m : x => x...}");
	assert_prints("a[*].b.*.c[0].0", "a[*].b.*.c[0][0]");
	assert_prints("f(xs...)", "f(xs...)");
	assert_prints("!(a+-1)", "!(a + -1)");
	assert_prints("\"q\\\"\\n$${x}${y}%{if z}t%{else}e%{endif}%{for a in b}${a}%{endfor}\"",
	              "\"q\\\"\\n$${x}${y}%{if z}t%{else}e%{endif}%{for a in b}${a}%{endfor}\"");
	assert_prints("<<EOT\nline ${x}\nEOT\n", "\"line ${x}\\n\"");
}

static void test_hcl__print_round_trips(void **state)
{
	assert_round_trip("merge(var.a, {k = [1, 2.5, true, null]}, local.b[\"x\"])");
	assert_round_trip("var.a ? [for s in var.l : s] : {for k, v in var.m : k => v if v != \"\"}");
	assert_round_trip("\"a${b}c%{if d}e%{endif}\"");
	assert_round_trip("-(1 + 2) * 3 % 4 <= 5 && !x || y");
	/* Found by fuzz_hcl: a template interpolated into a template printed as
	 * ${"ab"}, which parses as a literal and prints as ab the second time. */
	assert_round_trip("\"x${\"a${\"b\"}\"}y\"");
	assert_prints("\"x${\"a${\"b\"}c${d}\"}y\"", "\"xabc${d}y\"");
	assert_prints("\"x${\"%{if c}a%{endif}\"}\"", "\"x%{if c}a%{endif}\"");
}

static void test_hcl__dump_json_shape(void **state)
{
	const char *src = "resource \"t\" \"n\" {\n  a = 1\n  b = var.x\n  c = \"${var.y}\"\n"
	                  "  ing {\n    p = -2\n  }\n  ing {}\n}\n";
	g_autoptr(hcl_file) f = parse_ok(src);
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) flat = g_string_new(NULL);

	hcl_dump_json(out, f, src, strlen(src));
	for (const char *c = out->str; *c; c++)
		if (!g_ascii_isspace(*c))
			g_string_append_c(flat, *c);
	assert_string_equal(flat->str, "{\"resource\":{\"t\":{\"n\":[{\"ing\":[{\"p\":-2},{}],"
	                               "\"a\":1,\"b\":\"${var.x}\",\"c\":\"${var.y}\"}]}}}");
}

/* ---- malformed input ----------------------------------------------------- */

static void test_hcl__unterminated_string_fails(void **state)
{
	assert_fails("a = 1\nb = \"abc", 2, "unterminated string");
}

static void test_hcl__multiline_quoted_string_fails(void **state)
{
	assert_fails("a = \"abc\ndef\"\n", 1, "past the end of the line");
}

static void test_hcl__unterminated_heredoc_fails(void **state)
{
	assert_fails("a = 1\nb = <<EOT\nline\nEOTX\n", 2, "closing marker EOT");
}

static void test_hcl__heredoc_marker_needs_newline_fails(void **state)
{
	assert_fails("a = <<EOT x\nEOT\n", 1, "newline after the heredoc marker");
	assert_fails("a = << \n", 1, "marker after '<<'");
}

static void test_hcl__unclosed_block_fails(void **state)
{
	assert_fails("a {\n  b = 1\n", 3, "expected '}' to close the block at line 1");
}

static void test_hcl__bad_escape_fails(void **state)
{
	assert_fails("a = 1\n\nb = \"x\\qy\"\n", 3, "invalid escape sequence \\q");
	assert_fails("b = \"\\u12\"\n", 1, "hexadecimal digits");
	assert_fails("b = \"\\uD800\"\n", 1, "not a Unicode character");
}

static void test_hcl__missing_equals_fails(void **state)
{
	assert_fails("a\nb = 1\n", 1, "expected '=', a label or '{', got newline");
	assert_fails("a \"l\" = 1\n", 1, "expected a label or '{'");
}

static void test_hcl__duplicate_attribute_fails(void **state)
{
	assert_fails("a = 1\nb = 2\na = 3\n", 3, "attribute \"a\" is already defined at line 1");
}

static void test_hcl__unclosed_brackets_fail(void **state)
{
	assert_fails("a = (1 + 2\nb = 3\n", 2, "expected ')'");
	assert_fails("a = [1, 2\n\n", 3, "expected ',' or ']', got end of file");
	assert_fails("a = {x = 1\n", 2, "expected an object key or '}', got end of file");
	assert_fails("a = {x = 1 y = 2}\n", 1, "expected ',', a newline or '}'");
	assert_fails("a = f(1\n", 2, "expected ',' or ')'");
}

static void test_hcl__two_attributes_on_a_line_fail(void **state)
{
	assert_fails("a = 1 b = 2\n", 1, "expected a newline after the attribute");
	assert_fails("a {\n} b = 2\n", 2, "a newline after the block's '}'");
}

static void test_hcl__bad_tokens_fail(void **state)
{
	assert_fails("a = 1\nb = @\n", 2, "expected an expression, got '@'");
	assert_fails("a = 1 & 2\n", 1, "expected a newline after the attribute, got '&'");
	assert_fails("= 1\n", 1, "expected an attribute or block name");
	assert_fails("a = \x01\n", 1, "character 0x01");
	assert_fails("a = 1\n}\n", 2, "expected an attribute or block name, got '}'");
	assert_fails("a = var.\n", 1, "attribute name after '.'");
	assert_fails("a = x[*\n", 2, "']' after '[*'");
	assert_fails("a = x.*.b.*\n", 1, "cannot be nested in an attribute-only splat");
	assert_fails("a = x.0.1\n", 1, "legacy indexes cannot be chained");
}

static void test_hcl__unterminated_comment_fails(void **state)
{
	assert_fails("a = 1\n/* open\nb = 2\n", 2, "unterminated /* comment");
}

static void test_hcl__invalid_utf8_fails(void **state)
{
	assert_fails("a = 1\nb = \"\xff\"\n", 2, "not valid UTF-8");
}

static void test_hcl__interpolated_label_fails(void **state)
{
	assert_fails("resource \"a${b}\" {}\n", 1, "label cannot hold an interpolation");
}

static void test_hcl__single_line_block_limits_fail(void **state)
{
	assert_fails("a { b = 1, c = 2 }\n", 1, "'}' right after a single-line block's attribute");
	assert_fails("a { b {} }\n", 1, "single-line block cannot hold a block");
	assert_fails("a { b = 1\n}\n", 1, "expected '}' right after a single-line block's attribute, got newline");
}

static void test_hcl__bad_directives_fail(void **state)
{
	assert_fails("a = \"%{endif}\"\n", 1, "%{endif} outside its directive");
	assert_fails("a = 1\nb = \"%{if x}y\"\n", 2, "%{if} without its %{endif}");
	assert_fails("a = 1\nb = \"%{if x}y\n", 2, "past the end of the line");
	assert_fails("a = \"%{for x in y}z%{endif}\"\n", 1, "%{for} without its %{endfor}");
	assert_fails("a = \"%{if x}y%{endfor}\"\n", 1, "%{if} without its %{endif}");
	assert_fails("a = \"%{while x}\"\n", 1, "'if', 'for', 'else', 'endif' or 'endfor'");
	assert_fails("a = \"${x\"\n", 1, "'}' to end the interpolation");
}

static void test_hcl__bad_for_fails(void **state)
{
	assert_fails("a = [for x y : x]\n", 1, "expected 'in'");
	assert_fails("a = [for x in y x]\n", 1, "expected ':'");
	assert_fails("a = {for x in y : x}\n", 1, "expected '=>'");
	assert_fails("a = [for x in y : x...]\n", 1, "expected ']'");
	assert_fails("a = b ? c\n", 1, "':' in a conditional");
}

static void test_hcl__too_deep_fails(void **state)
{
	GString *s = g_string_new("a = ");

	for (int i = 0; i < 300; i++)
		g_string_append_c(s, '[');
	for (int i = 0; i < 300; i++)
		g_string_append_c(s, ']');
	g_string_append_c(s, '\n');
	assert_fails_len(s->str, s->len, DW_ERROR_LIMIT, 1, "nesting deeper than 256");
	g_string_assign(s, "");
	for (int i = 0; i < 300; i++)
		g_string_append(s, "b {\n");
	assert_fails_len(s->str, s->len, DW_ERROR_LIMIT, 257, "nesting deeper than 256");
	g_string_assign(s, "a = ");
	for (int i = 0; i < 300; i++)
		g_string_append(s, "\"${");
	assert_fails_len(s->str, s->len, DW_ERROR_LIMIT, 1, "nesting deeper than 256");
	g_string_assign(s, "a = ");
	for (int i = 0; i < 300; i++)
		g_string_append(s, "-!");
	g_string_append(s, "1\n");
	assert_fails_len(s->str, s->len, DW_ERROR_LIMIT, 1, "nesting deeper than 256");
	g_string_free(s, TRUE);
}

static void test_hcl__deep_but_allowed_parses(void **state)
{
	GString *s = g_string_new("a = ");
	struct hcl_file *f = NULL;
	g_autoptr(GError) error = NULL;

	for (int i = 0; i < 80; i++)
		g_string_append(s, "[{k = (");
	g_string_append(s, "1");
	for (int i = 0; i < 80; i++)
		g_string_append(s, ")}]");
	g_string_append_c(s, '\n');
	assert_true(hcl_parse(&f, "t.tf", s->str, s->len, &error));
	hcl_file_free(f);
	g_string_free(s, TRUE);
}

static void test_hcl__too_large_fails(void **state)
{
	size_t len = DW_LIMIT_FILE_BYTES + 1;
	char *big = g_malloc(len);
	struct hcl_file *f = NULL;
	g_autoptr(GError) error = NULL;

	memset(big, ' ', len);
	assert_false(hcl_parse(&f, "t.tf", big, len, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_string_equal(error->message, "t.tf: file is larger than 8 MiB");
	g_free(big);
}

static void test_hcl__too_many_nodes_fails(void **state)
{
	GString *s = g_string_new("a = [");

	for (size_t i = 0; i <= DW_LIMIT_NODES; i++)
		g_string_append(s, "1,");
	g_string_append(s, "]\n");
	assert_fails_len(s->str, s->len, DW_ERROR_LIMIT, 1, "more than 1048576 syntax nodes");
	g_string_free(s, TRUE);
}

static void test_hcl__not_nul_terminated(void **state)
{
	/* the parser reads len bytes, never the byte after */
	char *buf = g_malloc(5);
	struct hcl_file *f = NULL;
	g_autoptr(GError) error = NULL;

	memcpy(buf, "a = 1", 5);
	assert_true(hcl_parse(&f, "t.tf", buf, 5, &error));
	hcl_file_free(f);
	memcpy(buf, "a = \"", 5);
	assert_false(hcl_parse(&f, "t.tf", buf, 5, &error));
	g_free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hcl__body_keeps_document_order),
		cmocka_unit_test(test_hcl__single_line_block),
		cmocka_unit_test(test_hcl__empty_and_comment_only_files),
		cmocka_unit_test(test_hcl__comments_everywhere),
		cmocka_unit_test(test_hcl__crlf_line_ends),
		cmocka_unit_test(test_hcl__body_attribute_finds_by_name),
		cmocka_unit_test(test_hcl__literals),
		cmocka_unit_test(test_hcl__string_escapes),
		cmocka_unit_test(test_hcl__template_parts),
		cmocka_unit_test(test_hcl__interpolated_string_stays_a_template),
		cmocka_unit_test(test_hcl__strip_markers),
		cmocka_unit_test(test_hcl__template_directives),
		cmocka_unit_test(test_hcl__heredoc),
		cmocka_unit_test(test_hcl__heredoc_indent_counts_interpolations),
		cmocka_unit_test(test_hcl__tuple_and_object),
		cmocka_unit_test(test_hcl__traversals),
		cmocka_unit_test(test_hcl__calls),
		cmocka_unit_test(test_hcl__for_expressions),
		cmocka_unit_test(test_hcl__precedence),
		cmocka_unit_test(test_hcl__positions),
		cmocka_unit_test(test_hcl__print_canonical),
		cmocka_unit_test(test_hcl__print_round_trips),
		cmocka_unit_test(test_hcl__dump_json_shape),
		cmocka_unit_test(test_hcl__unterminated_string_fails),
		cmocka_unit_test(test_hcl__multiline_quoted_string_fails),
		cmocka_unit_test(test_hcl__unterminated_heredoc_fails),
		cmocka_unit_test(test_hcl__heredoc_marker_needs_newline_fails),
		cmocka_unit_test(test_hcl__unclosed_block_fails),
		cmocka_unit_test(test_hcl__bad_escape_fails),
		cmocka_unit_test(test_hcl__missing_equals_fails),
		cmocka_unit_test(test_hcl__duplicate_attribute_fails),
		cmocka_unit_test(test_hcl__unclosed_brackets_fail),
		cmocka_unit_test(test_hcl__two_attributes_on_a_line_fail),
		cmocka_unit_test(test_hcl__bad_tokens_fail),
		cmocka_unit_test(test_hcl__unterminated_comment_fails),
		cmocka_unit_test(test_hcl__invalid_utf8_fails),
		cmocka_unit_test(test_hcl__interpolated_label_fails),
		cmocka_unit_test(test_hcl__single_line_block_limits_fail),
		cmocka_unit_test(test_hcl__bad_directives_fail),
		cmocka_unit_test(test_hcl__bad_for_fails),
		cmocka_unit_test(test_hcl__too_deep_fails),
		cmocka_unit_test(test_hcl__deep_but_allowed_parses),
		cmocka_unit_test(test_hcl__too_large_fails),
		cmocka_unit_test(test_hcl__too_many_nodes_fails),
		cmocka_unit_test(test_hcl__not_nul_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
