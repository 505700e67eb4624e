/*
 * dw_error.c - the engine's GError domain and its problem lists.
 */
#include "dw_error.h"

G_DEFINE_QUARK(driftwatch-error-quark, dw_error)

void dw_problems_init(struct dw_problems *p, const char *path, unsigned max)
{
	p->path = path;
	p->text = g_string_new(NULL);
	p->count = 0;
	p->max = max;
}

void dw_problems_clear(struct dw_problems *p)
{
	if (p->text)
		g_string_free(p->text, TRUE);
	p->text = NULL;
}

void dw_problems_vadd(struct dw_problems *p, unsigned line, const char *fmt, va_list ap)
{
	if (p->max && p->count >= p->max) {
		p->count++;
		return;
	}
	p->count++;
	if (p->text->len > 0)
		g_string_append_c(p->text, '\n');
	g_string_append_printf(p->text, "%s:%u: ", p->path, line);
	g_string_append_vprintf(p->text, fmt, ap);
}

void dw_problems_add(struct dw_problems *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_problems_vadd(p, line, fmt, ap);
	va_end(ap);
}

bool dw_problems_check(struct dw_problems *p, GError **error)
{
	if (p->count == 0)
		return true;
	if (p->max && p->count > p->max)
		g_string_append_printf(p->text, "\n%s: and %u more problems", p->path, p->count - p->max);
	g_set_error_literal(error, DW_ERROR, DW_ERROR_PARSE, p->text->str);
	return false;
}
