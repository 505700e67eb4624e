/*
 * dw_escape.c - escaping repository text for a terminal or a "remote: " line.
 */
#include "dw_escape.h"

#include <glib.h>

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
