/*
 * hcl_dump.c - parses one HCL file and prints it as hcl2json would
 * (hcl_dump_json), for the differential test tests/e2e/test_hcl_diff.sh.
 *
 * With --shapes it prints instead, for every operator or conditional
 * expression in the file, its source text and its tree's shape with the
 * operators named as hclsyntax names them, "((a add (b multiply c)))"
 * style: {"a + b * c": "(_ add (_ multiply _))", ...}; the test asks
 * hclsyntax for the shape of the same text.
 *
 * On a parse error prints the "path:line: what" message to stderr and
 * exits 1; usage errors exit 2.
 */
#include "hcl.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

static const char *dump_op_names[] = {
	[HCL_OP_NOT] = "logicalNot", [HCL_OP_NEG] = "negate", [HCL_OP_OR] = "logicalOr",
	[HCL_OP_AND] = "logicalAnd", [HCL_OP_EQ] = "equal", [HCL_OP_NE] = "notEqual",
	[HCL_OP_LT] = "lessThan", [HCL_OP_LE] = "lessThanOrEqual", [HCL_OP_GT] = "greaterThan",
	[HCL_OP_GE] = "greaterThanOrEqual", [HCL_OP_ADD] = "add", [HCL_OP_SUB] = "subtract",
	[HCL_OP_MUL] = "multiply", [HCL_OP_DIV] = "divide", [HCL_OP_MOD] = "modulo",
};

/* Operators, conditionals and parentheses; anything else is "_". */
static void dump_shape(GString *out, const struct hcl_expr *e)
{
	switch (e->kind) {
	case HCL_EXPR_BINARY:
		g_string_append_c(out, '(');
		dump_shape(out, e->op.left);
		g_string_append_printf(out, " %s ", dump_op_names[e->op.op]);
		dump_shape(out, e->op.right);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_UNARY:
		g_string_append_printf(out, "(%s ", dump_op_names[e->op.op]);
		dump_shape(out, e->op.right);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_CONDITIONAL:
		g_string_append_c(out, '(');
		dump_shape(out, e->cond.cond);
		g_string_append(out, " ? ");
		dump_shape(out, e->cond.then_expr);
		g_string_append(out, " : ");
		dump_shape(out, e->cond.else_expr);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_PAREN:
		dump_shape(out, e->paren);
		break;
	default:
		g_string_append_c(out, '_');
	}
}

struct dump_shapes {
	JsonObject *out;
	const char *data;
	size_t len;
};

static void dump_shapes_expr(struct dump_shapes *d, const struct hcl_expr *e);

static void dump_shapes_list(struct dump_shapes *d, GPtrArray *items)
{
	for (guint i = 0; items != NULL && i < items->len; i++)
		dump_shapes_expr(d, items->pdata[i]);
}

static void dump_shapes_expr(struct dump_shapes *d, const struct hcl_expr *e)
{
	if (e == NULL)
		return;
	if (e->kind == HCL_EXPR_BINARY || e->kind == HCL_EXPR_UNARY ||
	    e->kind == HCL_EXPR_CONDITIONAL) {
		g_autofree char *src = g_strndup(d->data + e->start, e->end - e->start);
		g_autoptr(GString) shape = g_string_new(NULL);

		dump_shape(shape, e);
		json_object_set_string_member(d->out, src, shape->str);
	}
	switch (e->kind) {
	case HCL_EXPR_TEMPLATE:
		dump_shapes_list(d, e->template.parts);
		break;
	case HCL_EXPR_TUPLE:
		dump_shapes_list(d, e->items);
		break;
	case HCL_EXPR_OBJECT:
		for (guint i = 0; i < e->object.items->len; i++) {
			const struct hcl_object_item *it = e->object.items->pdata[i];

			dump_shapes_expr(d, it->key);
			dump_shapes_expr(d, it->value);
		}
		break;
	case HCL_EXPR_TRAVERSAL:
		dump_shapes_expr(d, e->traversal.source);
		for (guint i = 0; i < e->traversal.steps->len; i++)
			dump_shapes_expr(d, ((const struct hcl_step *)e->traversal.steps->pdata[i])->index);
		break;
	case HCL_EXPR_CALL:
		dump_shapes_list(d, e->call.args);
		break;
	case HCL_EXPR_CONDITIONAL:
	case HCL_EXPR_TEMPLATE_IF:
		dump_shapes_expr(d, e->cond.cond);
		dump_shapes_expr(d, e->cond.then_expr);
		dump_shapes_expr(d, e->cond.else_expr);
		break;
	case HCL_EXPR_FOR:
	case HCL_EXPR_TEMPLATE_FOR:
		dump_shapes_expr(d, e->for_expr.collection);
		dump_shapes_expr(d, e->for_expr.key);
		dump_shapes_expr(d, e->for_expr.value);
		dump_shapes_expr(d, e->for_expr.cond);
		break;
	case HCL_EXPR_UNARY:
	case HCL_EXPR_BINARY:
		dump_shapes_expr(d, e->op.left);
		dump_shapes_expr(d, e->op.right);
		break;
	case HCL_EXPR_PAREN:
		dump_shapes_expr(d, e->paren);
		break;
	default:
		break;
	}
}

static void dump_shapes_body(struct dump_shapes *d, const struct hcl_body *body)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *item = body->items->pdata[i];

		if (item->kind == HCL_ITEM_BLOCK)
			dump_shapes_body(d, item->block.body);
		else
			dump_shapes_expr(d, item->attribute.expr);
	}
}

static char *dump_shapes(const struct hcl_file *file, const char *data, size_t len)
{
	struct dump_shapes d = { json_object_new(), data, len };
	g_autoptr(JsonNode) root = json_node_alloc();

	dump_shapes_body(&d, file->body);
	json_node_take_object(json_node_init(root, JSON_NODE_OBJECT), d.out);
	return json_to_string(root, TRUE);
}

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(hcl_file) file = NULL;
	g_autofree char *data = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	bool shapes = argc == 3 && strcmp(argv[1], "--shapes") == 0;
	const char *path = argv[argc - 1];
	gsize len;

	if (argc != 2 && !shapes) {
		fprintf(stderr, "usage: hcl_dump [--shapes] FILE.tf\n");
		return 2;
	}
	if (!g_file_get_contents(path, &data, &len, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 2;
	}
	if (!hcl_parse(&file, path, data, len, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	if (shapes) {
		g_autofree char *text = dump_shapes(file, data, len);

		printf("%s\n", text);
		return 0;
	}
	hcl_dump_json(out, file, data, len);
	printf("%s\n", out->str);
	return 0;
}
