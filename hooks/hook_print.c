/*
 * hook_print.c - findings as a hook shows them: plain short lines on
 * stderr, no colour (git relays them behind "remote: " to a terminal the
 * server cannot see), every string from the repository escaped.
 */
#include <string.h>

#include "dw_escape.h"
#include "hook.h"
#include "hook_private.h"

/* A finding that counts: what, where, the message, who brought it in, the fix. */
static void hook_print_full(FILE *out, const char *prefix, const struct finding *f,
                            GHashTable *notes)
{
	const char *note = notes ? g_hash_table_lookup(notes, f) : NULL;
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);
	g_autofree char *resource = dw_escape(f->resource);
	g_autofree char *file = dw_escape(f->file);
	g_autofree char *where = finding_where(file, f->line);
	g_autofree char *message = dw_escape(f->message);

	fprintf(out, "%s\n%s  %s %s %s  [%s]\n", prefix, prefix, sev, f->rule->id, f->rule->title,
	        f->id);
	fprintf(out, "%s    %s  %s\n", prefix, resource, where);
	fprintf(out, "%s    %s\n", prefix, message);
	if (f->commit) {
		g_autofree char *subject = dw_escape(f->subject);
		g_autofree char *author = dw_escape(f->author);

		fprintf(out, "%s    introduced by %.12s \"%s\" (%s)\n", prefix, f->commit, subject, author);
	}
	if (f->unchecked)
		fprintf(out, "%s    could not be checked: the gate cannot see what this file lets in\n",
		        prefix);
	if (f->rule->remediation && *f->rule->remediation) {
		g_autofree char *fix = g_strdelimit(g_strstrip(g_strdup(f->rule->remediation)), "\n", ' ');

		fprintf(out, "%s    fix: %s\n", prefix, fix);
	}
	if (note) {
		g_autofree char *shown = dw_escape(note);

		fprintf(out, "%s    %s\n", prefix, shown);
	}
}

/* One that does not count (approved, or below the threshold): one line. */
static void hook_print_short(FILE *out, const char *prefix, const struct finding *f)
{
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);
	g_autofree char *resource = dw_escape(f->resource);
	g_autofree char *file = dw_escape(f->file);
	g_autofree char *where = finding_where(file, f->line);
	g_autofree char *raw = finding_approval_text(f);
	g_autofree char *approval = dw_escape(raw);

	fprintf(out, "%s  %s %s %s %s [%s]%s%s\n", prefix, sev, f->rule->id, resource, where, f->id,
	        raw ? ": " : "", raw ? approval : "");
}

void hook_print_findings(FILE *out, const char *prefix, GPtrArray *findings,
                         const struct hook_config *c, GHashTable *notes)
{
	bool others = false;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->suppressed && f->severity >= hook_threshold(c, f))
			hook_print_full(out, prefix, f, notes);
		else
			others |= f->severity > SEVERITY_INFO;
	}
	if (!others)
		return;
	fprintf(out, "%s  Approved, or below the threshold:\n", prefix);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (f->severity > SEVERITY_INFO && (f->suppressed || f->severity < hook_threshold(c, f)))
			hook_print_short(out, prefix, f);
	}
}

unsigned hook_count_blocking(GPtrArray *findings, const struct hook_config *c)
{
	unsigned n = 0;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->suppressed && f->severity >= hook_threshold(c, f))
			n++;
	}
	return n;
}

unsigned hook_count_unchecked(GPtrArray *findings, const struct hook_config *c)
{
	unsigned n = 0;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->suppressed && f->severity >= hook_threshold(c, f) && f->unchecked)
			n++;
	}
	return n;
}

char *hook_verdict_text(unsigned blocking, unsigned unchecked)
{
	unsigned widen = blocking - unchecked;
	GString *text = g_string_new(NULL);

	if (widen)
		g_string_append_printf(text, "%u finding%s widen%s exposure", widen, widen == 1 ? "" : "s",
		                       widen == 1 ? "s" : "");
	if (unchecked)
		g_string_append_printf(text, "%s%u file%s could not be checked", widen ? ", " : "",
		                       unchecked, unchecked == 1 ? "" : "s");
	return g_string_free(text, FALSE);
}

unsigned hook_count_approved(GPtrArray *findings)
{
	unsigned n = 0;

	for (guint i = 0; i < findings->len; i++)
		n += ((const struct finding *)findings->pdata[i])->suppressed;
	return n;
}

unsigned hook_count_shown(GPtrArray *findings)
{
	unsigned n = 0;

	for (guint i = 0; i < findings->len; i++)
		n += ((const struct finding *)findings->pdata[i])->severity > SEVERITY_INFO;
	return n;
}

/* "ID1,ID2" of the findings that block. New string. */
char *hook_blocking_ids(GPtrArray *findings, const struct hook_config *c)
{
	GString *ids = g_string_new(NULL);

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->suppressed && f->severity >= hook_threshold(c, f) &&
		    !strstr(ids->str, f->id))
			g_string_append_printf(ids, "%s%s", ids->len ? "," : "", f->id);
	}
	return g_string_free(ids, FALSE);
}
