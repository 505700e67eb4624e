/*
 * report_markdown.c - findings as a Markdown table for a merge-request
 * comment (GitHub Flavored Markdown, which GitLab renders alike).
 *
 * Every cell comes from a repository and so is hostile: control
 * characters and newlines are escaped first (cli_escape), then "|" becomes
 * "\|" everywhere (GFM splits table rows on bare pipes, even inside code
 * spans), and plain text has its Markdown and HTML punctuation
 * backslash-escaped so that a resource name cannot add links, images,
 * HTML or @mentions to the comment. Sets go in code spans.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Plain text: backslash-escape what could start markup. */
static void report_markdown_text(GString *out, const char *s)
{
	g_autofree char *esc = cli_escape(s);

	for (const char *p = esc; *p; p++) {
		if (strchr("\\`*_[]<>|~&@!#", *p))
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
}

/* A code span with a fence longer than any backtick run inside. */
static void report_markdown_code(GString *out, const char *s)
{
	g_autofree char *esc = cli_escape(s);
	guint run = 0, longest = 0;
	bool pad;

	for (const char *p = esc; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = MAX(longest, run);
	}
	pad = esc[0] == '`' || (*esc && esc[strlen(esc) - 1] == '`');
	for (guint i = 0; i <= longest; i++)
		g_string_append_c(out, '`');
	if (pad)
		g_string_append_c(out, ' ');
	for (const char *p = esc; *p; p++) {
		if (*p == '|')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	if (pad)
		g_string_append_c(out, ' ');
	for (guint i = 0; i <= longest; i++)
		g_string_append_c(out, '`');
}

static bool report_markdown_is_network(const struct finding *f)
{
	return !f->unchecked && finding_family(f) == RULE_FAMILY_NET && f->widened && *f->widened;
}

/*
 * | Severity | Rule | Resource | File:line | Newly allowed | Before | Commit |
 * Network findings show the sets as the text output does (now allowed, and
 * before); other findings show their message and the setting before.
 */
static void report_markdown_row(GString *out, const struct finding *f)
{
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);
	g_autofree char *where = finding_where(f->file ? f->file : "", f->line);
	bool strong = f->severity >= SEVERITY_HIGH && !f->suppressed;

	g_string_append_printf(out, "| %s%s%s%s | ", strong ? "**" : "", sev, strong ? "**" : "",
	                       f->suppressed ? " (approved)" : "");
	report_markdown_code(out, f->rule->id);
	g_string_append_c(out, ' ');
	report_markdown_text(out, f->rule->title);
	if (f->suppressed) {
		g_autofree char *why = finding_approval_text(f);

		report_markdown_text(out, "; ");
		report_markdown_text(out, why);
	}
	g_string_append(out, " | ");
	report_markdown_code(out, f->resource);
	g_string_append(out, " | ");
	report_markdown_code(out, where);
	g_string_append(out, " | ");
	if (report_markdown_is_network(f)) {
		report_markdown_code(out, f->after ? f->after : f->widened);
		g_string_append(out, " | ");
		if (f->before && *f->before)
			report_markdown_code(out, f->before);
		else
			g_string_append(out, "nothing");
	} else {
		report_markdown_text(out, f->message);
		g_string_append(out, " | ");
		if (f->before && *f->before)
			report_markdown_code(out, f->before);
	}
	g_string_append(out, " | ");
	if (f->commit) {
		g_autofree char *short_id = g_strndup(f->commit, 12);

		report_markdown_code(out, short_id);
	}
	g_string_append(out, " |\n");
}

/*
 * "### driftwatch: 2 critical, 1 medium, 1 approved (1 could not be
 * checked)" in severity order, zeros left out; approved findings are
 * counted apart, and what could not be checked is said so, not counted
 * as a widening.
 */
static void report_markdown_heading(GString *out, const guint counts[], guint approved,
                                    guint unchecked)
{
	bool first = true;

	g_string_append(out, "### driftwatch:");
	for (int s = SEVERITY_CRITICAL; s >= SEVERITY_INFO; s--) {
		if (!counts[s])
			continue;
		g_string_append_printf(out, "%s %u %s", first ? "" : ",", counts[s], severity_name(s));
		first = false;
	}
	if (approved)
		g_string_append_printf(out, "%s %u approved", first ? "" : ",", approved);
	if (unchecked)
		g_string_append_printf(out, " (%u could not be checked)", unchecked);
	g_string_append(out, "\n\n");
}

/* Most severe first; approved ones after the rest of their severity. */
static gint report_markdown_order(gconstpointer a, gconstpointer b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;

	if (x->severity != y->severity)
		return (gint)y->severity - (gint)x->severity;
	return (gint)x->suppressed - (gint)y->suppressed;
}

/* How to approve, for the people reading the comment. */
static const char report_markdown_footer[] =
	"\nTo approve a finding, add its id under `approvals:` in `.driftwatch.yml` "
	"(with `approved_by`, `reason` and `expires`), or ask an approver to push with "
	"`-o driftwatch.approve=ID`; `driftwatch explain RULE` says what a rule means.\n";

void cli_report_markdown(FILE *out_file, const struct cli_common *c, GPtrArray *findings)
{
	g_autoptr(GPtrArray) shown = g_ptr_array_new();
	g_autoptr(GString) out = g_string_new(NULL);
	guint counts[SEVERITY_CRITICAL + 1] = { 0 };
	guint approved = 0, rows = 0, unchecked = 0;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!cli_finding_shown(c, f))
			continue;
		if (f->suppressed)
			approved++;
		else
			counts[f->severity]++;
		if (f->unchecked)
			unchecked++;
		g_ptr_array_add(shown, (gpointer)f);
	}
	if (shown->len == 0) {
		fprintf(out_file, "### driftwatch\n\nNo exposure widened.\n");
		return;
	}
	g_ptr_array_sort(shown, report_markdown_order);
	report_markdown_heading(out, counts, approved, unchecked);
	g_string_append(out, "| Severity | Rule | Resource | File:line | Newly allowed | Before | Commit |\n");
	g_string_append(out, "| --- | --- | --- | --- | --- | --- | --- |\n");
	/* Rows while they fit, keeping room for "and N more" and the footer. */
	for (; rows < shown->len; rows++) {
		g_autoptr(GString) row = g_string_new(NULL);

		report_markdown_row(row, shown->pdata[rows]);
		if (out->len + row->len + sizeof(report_markdown_footer) + 64 > CLI_MARKDOWN_MAX)
			break;
		g_string_append(out, row->str);
	}
	if (rows < shown->len)
		g_string_append_printf(out, "\n… and %u more (the whole list: `driftwatch audit --format json`)\n",
		                       shown->len - rows);
	g_string_append(out, report_markdown_footer);
	fputs(out->str, out_file);
}
