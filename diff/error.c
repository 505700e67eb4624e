/*
 * error.c - the engine's GError domain, its problem lists, and escaping
 * repository text for printing.
 */
#include "error.h"

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

char *dw_escape(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p = s ? s : "";

	while (*p) {
		gunichar ch = g_utf8_get_char_validated(p, -1);

		if (ch == (gunichar)-1 || ch == (gunichar)-2) {
			g_string_append_printf(out, "\\x%02x", (unsigned char)*p++);
			continue;
		}
		if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
			g_string_append_printf(out, "\\x%02x", (unsigned)ch);
		else
			g_string_append_unichar(out, ch);
		p = g_utf8_next_char(p);
	}
	return g_string_free(out, FALSE);
}
