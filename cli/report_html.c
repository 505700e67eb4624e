/*
 * report_html.c - the audit as one self-contained HTML page: a timeline of
 * exposure windows per resource, a summary, a sortable and paged findings
 * table, and each finding's sets in full.
 *
 * The page (report_html.html, compiled in by embed.py) holds its own style
 * and script and loads nothing: its Content-Security-Policy forbids every
 * request. The report's data is the JSON report's findings and windows,
 * placed in a <script type="application/json"> that the page's code reads
 * with JSON.parse and shows as text nodes. Inside that element the HTML
 * parser looks only for "</script", so every '<' (and '>', '&') in the
 * JSON text is written as a \u escape; they can only occur inside JSON
 * strings, where the escape means the same character.
 */
#include "cli.h"

#include <string.h>

#include "report_html.h"

#define REPORT_HTML_MARKER "<!--DW-DATA-->"

/* The JSON text with '<', '>' and '&' as \u escapes, written to out. */
static void report_html_json(FILE *out, const char *json)
{
	for (const char *p = json; *p; p++) {
		switch (*p) {
		case '<':
			fputs("\\u003c", out);
			break;
		case '>':
			fputs("\\u003e", out);
			break;
		case '&':
			fputs("\\u0026", out);
			break;
		default:
			fputc(*p, out);
		}
	}
}

/* The page's data: what the JSON report holds, and what the page needs to
 * show it (the least severity shown, commits judged, where history stops). */
static char *report_html_data(const struct cli_common *c, GPtrArray *findings)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "commits");
	json_builder_add_int_value(b, (gint64)c->commits);
	cli_json_member(b, "show_from", severity_name(c->show_from));
	cli_json_member(b, "note", c->history_note);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		if (!cli_finding_shown(c, findings->pdata[i]))
			continue;
		json_builder_begin_object(b);
		cli_json_finding_members(b, findings->pdata[i]);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	cli_windows_json(b, c);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

void cli_report_html(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	const char *page = (const char *)report_html_template;
	const char *marker = strstr(page, REPORT_HTML_MARKER);
	g_autofree char *json = report_html_data(c, findings);

	/* The template is ours, built with the program: a missing marker is a bug. */
	g_assert(marker);
	fwrite(page, 1, marker - page, out);
	report_html_json(out, json);
	fputs(marker + strlen(REPORT_HTML_MARKER), out);
}
