/*
 * fuzz_hcl.c - libFuzzer harness for hcl_parse() and the printers. A parse
 * either fails with a "fuzz.tf:..." message in DW_ERROR, or gives a tree
 * whose every position lies in the input, and every attribute's printed
 * text parses again to a tree printed the same (so hcl_expr_print never
 * writes text that means something else). The corpus replays as a test;
 * tests/fuzz/run.sh runs it under libFuzzer.
 */
#include <stdint.h>
#include <string.h>

#include "hcl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_hcl_check_expr(const struct hcl_expr *e, size_t size);

static void fuzz_hcl_check_list(GPtrArray *items, size_t size)
{
	for (guint i = 0; items != NULL && i < items->len; i++)
		fuzz_hcl_check_expr(items->pdata[i], size);
}

static void fuzz_hcl_check_expr(const struct hcl_expr *e, size_t size)
{
	if (e == NULL)
		return;
	if (e->line == 0 || e->column == 0 || e->start > e->end || e->end > size)
		__builtin_trap();
	switch (e->kind) {
	case HCL_EXPR_NUMBER:
	case HCL_EXPR_STRING:
		if (e->string.text == NULL || e->string.text[e->string.len] != '\0')
			__builtin_trap();
		break;
	case HCL_EXPR_TEMPLATE:
		fuzz_hcl_check_list(e->template.parts, size);
		break;
	case HCL_EXPR_TUPLE:
		fuzz_hcl_check_list(e->items, size);
		break;
	case HCL_EXPR_OBJECT:
		for (guint i = 0; i < e->object.items->len; i++) {
			const struct hcl_object_item *it = e->object.items->pdata[i];

			fuzz_hcl_check_expr(it->key, size);
			fuzz_hcl_check_expr(it->value, size);
		}
		break;
	case HCL_EXPR_TRAVERSAL:
		if ((e->traversal.root == NULL) == (e->traversal.source == NULL))
			__builtin_trap();
		fuzz_hcl_check_expr(e->traversal.source, size);
		for (guint i = 0; i < e->traversal.steps->len; i++) {
			const struct hcl_step *s = e->traversal.steps->pdata[i];

			if ((s->kind == HCL_STEP_INDEX) != (s->index != NULL))
				__builtin_trap();
			fuzz_hcl_check_expr(s->index, size);
		}
		break;
	case HCL_EXPR_CALL:
		fuzz_hcl_check_list(e->call.args, size);
		break;
	case HCL_EXPR_CONDITIONAL:
	case HCL_EXPR_TEMPLATE_IF:
		fuzz_hcl_check_expr(e->cond.cond, size);
		fuzz_hcl_check_expr(e->cond.then_expr, size);
		fuzz_hcl_check_expr(e->cond.else_expr, size);
		break;
	case HCL_EXPR_FOR:
	case HCL_EXPR_TEMPLATE_FOR:
		fuzz_hcl_check_expr(e->for_expr.collection, size);
		fuzz_hcl_check_expr(e->for_expr.key, size);
		fuzz_hcl_check_expr(e->for_expr.value, size);
		fuzz_hcl_check_expr(e->for_expr.cond, size);
		break;
	case HCL_EXPR_UNARY:
	case HCL_EXPR_BINARY:
		fuzz_hcl_check_expr(e->op.left, size);
		fuzz_hcl_check_expr(e->op.right, size);
		break;
	case HCL_EXPR_PAREN:
		fuzz_hcl_check_expr(e->paren, size);
		break;
	case HCL_EXPR_NULL:
	case HCL_EXPR_BOOL:
		break;
	}
}

/* print(parse("x = " + print(e))) == print(e) */
static void fuzz_hcl_round_trip(const struct hcl_expr *e)
{
	g_autofree char *once = hcl_expr_to_string(e);
	g_autofree char *text = g_strdup_printf("x = %s\n", once);
	g_autoptr(hcl_file) again = NULL;
	g_autofree char *twice = NULL;

	if (!hcl_parse(&again, "again.tf", text, strlen(text), NULL))
		__builtin_trap();
	twice = hcl_expr_to_string(hcl_body_attribute(again->body, "x")->expr);
	if (strcmp(once, twice) != 0)
		__builtin_trap();
}

static void fuzz_hcl_check_body(const struct hcl_body *body, size_t size)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *item = body->items->pdata[i];

		if (item->kind == HCL_ITEM_BLOCK) {
			fuzz_hcl_check_body(item->block.body, size);
			continue;
		}
		fuzz_hcl_check_expr(item->attribute.expr, size);
		fuzz_hcl_round_trip(item->attribute.expr);
		if (hcl_body_attribute(body, item->attribute.name) != &item->attribute)
			__builtin_trap(); /* names are unique in a body */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(hcl_file) file = NULL;
	g_autoptr(GString) json = g_string_new(NULL);

	if (!hcl_parse(&file, "fuzz.tf", (const char *)data, size, &error)) {
		if (error == NULL || error->domain != DW_ERROR ||
		    !g_str_has_prefix(error->message, "fuzz.tf:"))
			__builtin_trap();
		return 0;
	}
	fuzz_hcl_check_body(file->body, size);
	hcl_dump_json(json, file, (const char *)data, size);
	return 0;
}
