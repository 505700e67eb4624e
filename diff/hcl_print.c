/*
 * hcl_print.c - HCL syntax trees back to text: one canonical HCL spelling
 * of an expression (for messages such as "source is var.admin_cidr, no
 * default"), and the JSON shape of HashiCorp's hcl2json for the
 * differential test (tests/e2e/test_hcl_diff.sh), which follows
 * tmccombs/hcl2json's convert.go: attributes, then blocks nested by type
 * and labels into lists; literals as JSON values; templates as strings;
 * anything else as "${source text}".
 */
#include "hcl.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>

static void hcl_print_expr(GString *out, const struct hcl_expr *e);

/* Literal template text: escapes for a quoted string, and "${" / "%{"
 * doubled so that they stay literal. */
static void hcl_print_literal(GString *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		case '$':
		case '%':
			g_string_append_c(out, (char)c);
			if (i + 1 < len && s[i + 1] == '{')
				g_string_append_c(out, (char)c);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				g_string_append_printf(out, "\\u%04x", c);
			else
				g_string_append_c(out, (char)c);
		}
	}
}

/* The inside of a template (no quotes): literal text, ${...} and %{...}. */
static void hcl_print_template_body(GString *out, const struct hcl_expr *t)
{
	if (t == NULL)
		return;
	if (t->kind == HCL_EXPR_STRING) {
		hcl_print_literal(out, t->string.text, t->string.len);
		return;
	}
	for (guint i = 0; i < t->template.parts->len; i++) {
		const struct hcl_expr *part = t->template.parts->pdata[i];
		const char *k = part->for_expr.key_var;

		switch (part->kind) {
		case HCL_EXPR_STRING:
			hcl_print_literal(out, part->string.text, part->string.len);
			break;
		case HCL_EXPR_TEMPLATE_IF:
			g_string_append(out, "%{if ");
			hcl_print_expr(out, part->cond.cond);
			g_string_append_c(out, '}');
			hcl_print_template_body(out, part->cond.then_expr);
			if (part->cond.else_expr != NULL) {
				g_string_append(out, "%{else}");
				hcl_print_template_body(out, part->cond.else_expr);
			}
			g_string_append(out, "%{endif}");
			break;
		case HCL_EXPR_TEMPLATE_FOR:
			g_string_append_printf(out, "%%{for %s%s%s in ", k ? k : "", k ? ", " : "",
			                       part->for_expr.value_var);
			hcl_print_expr(out, part->for_expr.collection);
			g_string_append_c(out, '}');
			hcl_print_template_body(out, part->for_expr.value);
			g_string_append(out, "%{endfor}");
			break;
		case HCL_EXPR_TEMPLATE:
			/* ${"a${x}b"} is a${x}b: printed inline, as a string literal's ${"ab"}
			 * is (both are parts of kind STRING), so printing is idempotent */
			hcl_print_template_body(out, part);
			break;
		default:
			g_string_append(out, "${");
			hcl_print_expr(out, part);
			g_string_append_c(out, '}');
		}
	}
}

static void hcl_print_list(GString *out, GPtrArray *items)
{
	for (guint i = 0; i < items->len; i++) {
		if (i > 0)
			g_string_append(out, ", ");
		hcl_print_expr(out, items->pdata[i]);
	}
}

static void hcl_print_steps(GString *out, GPtrArray *steps)
{
	for (guint i = 0; i < steps->len; i++) {
		const struct hcl_step *s = steps->pdata[i];

		switch (s->kind) {
		case HCL_STEP_ATTR:
			g_string_append_printf(out, ".%s", s->name);
			break;
		case HCL_STEP_INDEX:
			/* the legacy a.0 is printed a[0], its one meaning */
			g_string_append_c(out, '[');
			hcl_print_expr(out, s->index);
			g_string_append_c(out, ']');
			break;
		case HCL_STEP_SPLAT_ATTR:
			g_string_append(out, ".*");
			break;
		case HCL_STEP_SPLAT_FULL:
			g_string_append(out, "[*]");
			break;
		}
	}
}

static void hcl_print_for(GString *out, const struct hcl_expr *e)
{
	const char *k = e->for_expr.key_var;

	g_string_append_printf(out, "%sfor %s%s%s in ", e->for_expr.object ? "{" : "[",
	                       k ? k : "", k ? ", " : "", e->for_expr.value_var);
	hcl_print_expr(out, e->for_expr.collection);
	g_string_append(out, " : ");
	if (e->for_expr.object) {
		hcl_print_expr(out, e->for_expr.key);
		g_string_append(out, " => ");
	}
	hcl_print_expr(out, e->for_expr.value);
	if (e->for_expr.grouping)
		g_string_append(out, "...");
	if (e->for_expr.cond != NULL) {
		g_string_append(out, " if ");
		hcl_print_expr(out, e->for_expr.cond);
	}
	g_string_append(out, e->for_expr.object ? "}" : "]");
}

static void hcl_print_expr(GString *out, const struct hcl_expr *e)
{
	switch (e->kind) {
	case HCL_EXPR_NULL:
		g_string_append(out, "null");
		break;
	case HCL_EXPR_BOOL:
		g_string_append(out, e->boolean ? "true" : "false");
		break;
	case HCL_EXPR_NUMBER:
		g_string_append_len(out, e->string.text, (gssize)e->string.len);
		break;
	case HCL_EXPR_STRING:
	case HCL_EXPR_TEMPLATE:
		g_string_append_c(out, '"');
		hcl_print_template_body(out, e);
		g_string_append_c(out, '"');
		break;
	case HCL_EXPR_TUPLE:
		g_string_append_c(out, '[');
		hcl_print_list(out, e->items);
		g_string_append_c(out, ']');
		break;
	case HCL_EXPR_OBJECT:
		g_string_append_c(out, '{');
		for (guint i = 0; i < e->object.items->len; i++) {
			const struct hcl_object_item *item = e->object.items->pdata[i];

			if (i > 0)
				g_string_append(out, ", ");
			if (item->key_bare)
				g_string_append(out, item->key->string.text);
			else
				hcl_print_expr(out, item->key);
			g_string_append(out, item->colon ? ": " : " = ");
			hcl_print_expr(out, item->value);
		}
		g_string_append_c(out, '}');
		break;
	case HCL_EXPR_TRAVERSAL:
		if (e->traversal.root != NULL)
			g_string_append(out, e->traversal.root);
		else
			hcl_print_expr(out, e->traversal.source);
		hcl_print_steps(out, e->traversal.steps);
		break;
	case HCL_EXPR_CALL:
		g_string_append_printf(out, "%s(", e->call.name);
		hcl_print_list(out, e->call.args);
		g_string_append(out, e->call.expand_final ? "...)" : ")");
		break;
	case HCL_EXPR_CONDITIONAL:
		hcl_print_expr(out, e->cond.cond);
		g_string_append(out, " ? ");
		hcl_print_expr(out, e->cond.then_expr);
		g_string_append(out, " : ");
		hcl_print_expr(out, e->cond.else_expr);
		break;
	case HCL_EXPR_FOR:
		hcl_print_for(out, e);
		break;
	case HCL_EXPR_UNARY:
		g_string_append(out, hcl_op_name(e->op.op));
		hcl_print_expr(out, e->op.right);
		break;
	case HCL_EXPR_BINARY:
		hcl_print_expr(out, e->op.left);
		g_string_append_printf(out, " %s ", hcl_op_name(e->op.op));
		hcl_print_expr(out, e->op.right);
		break;
	case HCL_EXPR_PAREN:
		g_string_append_c(out, '(');
		hcl_print_expr(out, e->paren);
		g_string_append_c(out, ')');
		break;
	case HCL_EXPR_TEMPLATE_IF:
	case HCL_EXPR_TEMPLATE_FOR: {
		/* a directive alone: print it inside a template */
		struct hcl_expr wrap = { .kind = HCL_EXPR_TEMPLATE };
		GPtrArray one = { .pdata = (gpointer *)&e, .len = 1 };

		wrap.template.parts = &one;
		g_string_append_c(out, '"');
		hcl_print_template_body(out, &wrap);
		g_string_append_c(out, '"');
		break;
	}
	}
}

void hcl_expr_print(GString *out, const struct hcl_expr *expr)
{
	hcl_print_expr(out, expr);
}

char *hcl_expr_to_string(const struct hcl_expr *expr)
{
	GString *out = g_string_new(NULL);

	hcl_print_expr(out, expr);
	return g_string_free(out, FALSE);
}

/* ---- hcl2json's shape ---- */

struct hcl_json {
	const char *data;
	size_t len;
};

/* hcl2json's rangeSource(): the source of e, plus a ")" right after it
 * (it works around ranges that once missed their closing parenthesis). */
static char *hcl_json_source(const struct hcl_json *j, const struct hcl_expr *e)
{
	size_t end = MIN(e->end, j->len), start = MIN(e->start, end);

	if (end < j->len && j->data[end] == ')')
		end++;
	return g_strndup(j->data + start, end - start);
}

static void hcl_json_wrap(GString *out, const struct hcl_json *j, const struct hcl_expr *e)
{
	g_autofree char *src = hcl_json_source(j, e);

	g_string_append_printf(out, "${%s}", src);
}

/* Literal text as hcl2json writes it: "${" and "%{" doubled. */
static void hcl_json_literal(GString *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		g_string_append_c(out, s[i]);
		if ((s[i] == '$' || s[i] == '%') && i + 1 < len && s[i + 1] == '{')
			g_string_append_c(out, s[i]);
	}
}

static void hcl_json_string_part(GString *out, const struct hcl_json *j, const struct hcl_expr *e);

/* convertTemplate(): a template's parts as one string. */
static void hcl_json_template(GString *out, const struct hcl_json *j, const struct hcl_expr *t)
{
	if (t == NULL)
		return;
	if (t->kind == HCL_EXPR_STRING) {
		hcl_json_literal(out, t->string.text, t->string.len);
		return;
	}
	for (guint i = 0; i < t->template.parts->len; i++)
		hcl_json_string_part(out, j, t->template.parts->pdata[i]);
}

/* convertStringPart(). */
static void hcl_json_string_part(GString *out, const struct hcl_json *j, const struct hcl_expr *e)
{
	g_autofree char *src = NULL;
	GString *inner;

	switch (e->kind) {
	case HCL_EXPR_STRING:
		hcl_json_literal(out, e->string.text, e->string.len);
		break;
	case HCL_EXPR_TEMPLATE:
		/* a template interpolated in a template is spliced in */
		hcl_json_template(out, j, e);
		break;
	case HCL_EXPR_NUMBER:
		/* converted to a string as a number: "1.50" is "1.5" */
		if (strspn(e->string.text, "0123456789") == e->string.len) {
			g_string_append_len(out, e->string.text, (gssize)e->string.len);
		} else {
			char buf[G_ASCII_DTOSTR_BUF_SIZE];

			g_string_append(out, g_ascii_dtostr(buf, sizeof(buf),
			                                    g_ascii_strtod(e->string.text, NULL)));
		}
		break;
	case HCL_EXPR_BOOL:
		g_string_append(out, e->boolean ? "true" : "false");
		break;
	case HCL_EXPR_NULL:
		g_string_append(out, "null");
		break;
	case HCL_EXPR_TEMPLATE_IF:
	case HCL_EXPR_CONDITIONAL:
		/* hclsyntax makes %{if} a conditional expression, so hcl2json
		 * writes an interpolated "${c ? a : b}" as %{if c}...%{endif} too */
		src = hcl_json_source(j, e->cond.cond);
		g_string_append_printf(out, "%%{if %s}", src);
		if (e->kind == HCL_EXPR_CONDITIONAL)
			hcl_json_string_part(out, j, e->cond.then_expr);
		else
			hcl_json_template(out, j, e->cond.then_expr);
		inner = g_string_new(NULL);
		if (e->kind == HCL_EXPR_CONDITIONAL)
			hcl_json_string_part(inner, j, e->cond.else_expr);
		else
			hcl_json_template(inner, j, e->cond.else_expr);
		if (inner->len > 0)
			g_string_append_printf(out, "%%{else}%s", inner->str);
		g_string_free(inner, TRUE);
		g_string_append(out, "%{endif}");
		break;
	case HCL_EXPR_TEMPLATE_FOR:
		src = hcl_json_source(j, e->for_expr.collection);
		g_string_append(out, "%{for ");
		if (e->for_expr.key_var != NULL)
			g_string_append_printf(out, "%s, ", e->for_expr.key_var);
		g_string_append_printf(out, "%s in %s}", e->for_expr.value_var, src);
		hcl_json_template(out, j, e->for_expr.value);
		g_string_append(out, "%{endfor}");
		break;
	default:
		hcl_json_wrap(out, j, e);
	}
}

static JsonNode *hcl_json_string_node(GString *s)
{
	JsonNode *n = json_node_init_string(json_node_alloc(), s->str);

	g_string_free(s, TRUE);
	return n;
}

static JsonNode *hcl_json_number(const char *text, bool negate)
{
	JsonNode *n = json_node_alloc();
	gint64 v;
	char *end;

	errno = 0;
	v = g_ascii_strtoll(text, &end, 10);
	if (*end == '\0' && errno == 0)
		return json_node_init_int(n, negate ? -v : v);
	return json_node_init_double(n, negate ? -g_ascii_strtod(text, NULL) :
	                                         g_ascii_strtod(text, NULL));
}

static JsonNode *hcl_json_expr(const struct hcl_json *j, const struct hcl_expr *e);

/* convertKey(): a traversal's source, else as a string part. */
static char *hcl_json_key(const struct hcl_json *j, const struct hcl_object_item *item)
{
	GString *s = g_string_new(NULL);
	const struct hcl_expr *k = item->key;

	if (item->key_bare)
		g_string_append(s, k->string.text);
	else if (k->kind == HCL_EXPR_TRAVERSAL && k->traversal.root != NULL)
		g_string_append_len(s, j->data + k->start, (gssize)(MIN(k->end, j->len) - k->start));
	else if (k->kind == HCL_EXPR_TEMPLATE || k->kind == HCL_EXPR_STRING)
		hcl_json_template(s, j, k);
	else if (k->kind == HCL_EXPR_NUMBER)
		g_string_append(s, k->string.text);
	else if (k->kind == HCL_EXPR_BOOL)
		g_string_append(s, k->boolean ? "true" : "false");
	else if (k->kind == HCL_EXPR_NULL)
		g_string_append(s, "null");
	else
		hcl_json_string_part(s, j, k);
	return g_string_free(s, FALSE);
}

/* convertExpression(). */
static JsonNode *hcl_json_expr(const struct hcl_json *j, const struct hcl_expr *e)
{
	GString *s;

	switch (e->kind) {
	case HCL_EXPR_NULL:
		return json_node_init_null(json_node_alloc());
	case HCL_EXPR_BOOL:
		return json_node_init_boolean(json_node_alloc(), e->boolean);
	case HCL_EXPR_NUMBER:
		return hcl_json_number(e->string.text, false);
	case HCL_EXPR_STRING:
	case HCL_EXPR_TEMPLATE:
		if (e->kind == HCL_EXPR_TEMPLATE && e->template.parts->len == 1) {
			const struct hcl_expr *only = e->template.parts->pdata[0];

			/* TemplateWrapExpr: "${x}" is x itself */
			if (only->kind != HCL_EXPR_TEMPLATE_IF && only->kind != HCL_EXPR_TEMPLATE_FOR)
				return hcl_json_expr(j, only);
		}
		s = g_string_new(NULL);
		hcl_json_template(s, j, e);
		return hcl_json_string_node(s);
	case HCL_EXPR_TUPLE: {
		JsonArray *a = json_array_new();
		JsonNode *n = json_node_alloc();

		for (guint i = 0; i < e->items->len; i++)
			json_array_add_element(a, hcl_json_expr(j, e->items->pdata[i]));
		json_node_init_array(n, a);
		json_array_unref(a);
		return n;
	}
	case HCL_EXPR_OBJECT: {
		JsonObject *o = json_object_new();
		JsonNode *n = json_node_alloc();

		for (guint i = 0; i < e->object.items->len; i++) {
			const struct hcl_object_item *item = e->object.items->pdata[i];
			g_autofree char *key = hcl_json_key(j, item);

			json_object_set_member(o, key, hcl_json_expr(j, item->value));
		}
		json_node_init_object(n, o);
		json_object_unref(o);
		return n;
	}
	case HCL_EXPR_UNARY:
		/* convertUnary(): a literal operand is evaluated */
		if (e->op.op == HCL_OP_NEG && e->op.right->kind == HCL_EXPR_NUMBER)
			return hcl_json_number(e->op.right->string.text, true);
		if (e->op.op == HCL_OP_NOT && e->op.right->kind == HCL_EXPR_BOOL)
			return json_node_init_boolean(json_node_alloc(), !e->op.right->boolean);
		break;
	default:
		break;
	}
	s = g_string_new(NULL);
	hcl_json_wrap(s, j, e);
	return hcl_json_string_node(s);
}

static JsonObject *hcl_json_body(const struct hcl_json *j, const struct hcl_body *body);

/* convertBlock(): out[type][label1]...[labelN] is a list of bodies. */
static void hcl_json_block(const struct hcl_json *j, const struct hcl_block *b, JsonObject *out)
{
	const char *key = b->type;
	JsonArray *list;
	JsonNode *node;

	for (guint i = 0; i < b->labels->len; i++) {
		node = json_object_get_member(out, key);
		if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
			JsonObject *inner = json_object_new();

			json_object_set_object_member(out, key, inner);
			out = inner;
		} else {
			out = json_node_get_object(node);
		}
		key = b->labels->pdata[i];
	}
	node = json_object_get_member(out, key);
	if (node == NULL || !JSON_NODE_HOLDS_ARRAY(node)) {
		list = json_array_new();
		json_object_set_array_member(out, key, list);
	} else {
		list = json_node_get_array(node);
	}
	json_array_add_object_element(list, hcl_json_body(j, b->body));
}

static JsonObject *hcl_json_body(const struct hcl_json *j, const struct hcl_body *body)
{
	JsonObject *out = json_object_new();

	/* blocks first: an attribute of the same name replaces them, as in hcl2json */
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *item = body->items->pdata[i];

		if (item->kind == HCL_ITEM_BLOCK)
			hcl_json_block(j, &item->block, out);
	}
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *item = body->items->pdata[i];

		if (item->kind == HCL_ITEM_ATTRIBUTE)
			json_object_set_member(out, item->attribute.name,
			                       hcl_json_expr(j, item->attribute.expr));
	}
	return out;
}

void hcl_dump_json(GString *out, const struct hcl_file *file, const char *data, size_t len)
{
	struct hcl_json j = { data, len };
	g_autoptr(JsonNode) root = json_node_alloc();
	g_autofree char *text = NULL;

	json_node_take_object(json_node_init(root, JSON_NODE_OBJECT), hcl_json_body(&j, file->body));
	text = json_to_string(root, TRUE);
	g_string_append(out, text);
}
