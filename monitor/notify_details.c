/*
 * notify_details.c - the page "Show" opens: every alert of one
 * notification rendered as HTML (the details command, xdg-open by
 * default, opens it in the browser). Every string from the repository is
 * escaped twice over: dw_escape for control characters, then HTML.
 */
#include "monitor_private.h"

#include <errno.h>
#include <string.h>

#include "dw_error.h"
#include "dw_escape.h"

/* Appends s escaped for an HTML text node. */
static void details_text(GString *out, const char *s)
{
	g_autofree char *safe = dw_escape(s);
	g_autofree char *html = g_markup_escape_text(safe, -1);

	g_string_append(out, html);
}

/* One "<tr><th>label</th><td>value</td></tr>", skipped when value is empty. */
static void details_row(GString *out, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	g_string_append_printf(out, "<tr><th>%s</th><td>", label);
	details_text(out, value);
	g_string_append(out, "</td></tr>\n");
}

static void details_alert(GString *out, const struct state_alert *a)
{
	g_autofree char *head = notifier_headline(a);
	g_autofree char *where = finding_where(a->file, a->line);
	g_autofree char *show = g_strdup_printf("git -C '%s' show %s -- '%s'", a->repo, a->commit,
	                                        a->file ? a->file : "");

	g_string_append_printf(out, "<section class=\"%s\">\n<h2>%s %s: ",
	                       severity_name(a->severity), severity_name(a->severity), a->rule);
	details_text(out, head);
	g_string_append(out, "</h2>\n<table>\n");
	details_row(out, "resource", a->resource);
	details_row(out, "kind", a->kind);
	details_row(out, "file", where);
	details_row(out, "now allowed", a->after ? a->after : a->widened);
	details_row(out, "before", a->before ? (*a->before ? a->before : "nothing") : NULL);
	details_row(out, "commit", a->commit);
	details_row(out, "subject", a->subject);
	details_row(out, "author", a->author);
	details_row(out, "date", a->date);
	details_row(out, "finding", a->finding_id);
	details_row(out, "message", a->message);
	details_row(out, "see the change", show);
	g_string_append(out, "</table>\n</section>\n");
}

char *notifier_details_render(GPtrArray *alerts)
{
	const struct state_alert *first = alerts->pdata[0];
	g_autofree char *repo = notifier_short_path(first->repo);
	GString *out = g_string_new("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>");

	g_string_append(out, "driftwatch: ");
	details_text(out, repo);
	g_string_append(out, "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
	                     "th{text-align:left;padding-right:1em;vertical-align:top}"
	                     "td{font-family:monospace;white-space:pre-wrap}"
	                     ".critical h2{color:#a00}.high h2{color:#c40}</style>\n</head><body>\n<h1>");
	details_text(out, repo);
	g_string_append(out, " on ");
	details_text(out, first->branch);
	g_string_append_printf(out, "</h1>\n<p>%u finding%s. Muting, history and explanations: "
	                            "<code>driftwatch history</code>, <code>driftwatch explain "
	                            "RULE</code>.</p>\n",
	                       alerts->len, alerts->len == 1 ? "" : "s");
	for (guint i = 0; i < alerts->len; i++)
		details_alert(out, alerts->pdata[i]);
	g_string_append(out, "</body></html>\n");
	return g_string_free(out, FALSE);
}

char *notifier_details_write(const char *report_dir, GPtrArray *alerts, GError **error)
{
	const struct state_alert *first = alerts->pdata[0];
	g_autofree char *base = g_path_get_basename(first->repo);
	g_autofree char *file = NULL;
	g_autofree char *path = NULL;
	g_autofree char *html = notifier_details_render(alerts);

	/* The file name is the watcher's own: letters, digits, '-', '.', '_' only. */
	g_strcanon(base, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", '_');
	file = g_strdup_printf("%s-%" G_GINT64_FORMAT ".html", base, first->rowid);
	path = g_build_filename(report_dir, file, NULL);
	if (g_mkdir_with_parents(report_dir, 0700) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s", report_dir, g_strerror(errno));
		return NULL;
	}
	if (!g_file_set_contents(path, html, -1, error))
		return NULL;
	return g_steal_pointer(&path);
}
