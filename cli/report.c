/*
 * report.c - findings as text for people and as JSON for scripts; SARIF
 * and Markdown are in report_sarif.c and report_markdown.c.
 *
 * JSON schema (version 1, stable; see driftwatch(1)):
 *   {"version": 1,
 *    "findings": [{"id", "rule", "severity", "title", "resource", "kind",
 *                  "file", "line", "widened", "before", "after", "message",
 *                  "commit", "author", "date", "subject"}],
 *    "errors": [{"file", "line", "message"}]}
 * commit/author/date/subject are present when the finding comes from a
 * commit. A finding an approval in .driftwatch.yml covers has
 * "suppressed": true and "approval": {"reason", "approved_by", "expires"}.
 * A finding about input that could not be checked (DW-PARSE-*) has
 * "unchecked": true: it says nothing was judged there, never that
 * exposure widened. Files that could not be parsed (DW-PARSE-001, -004)
 * are listed under "errors" as well.
 *
 * A file never readable, or one no reader takes, is about the file, not
 * the change: in a report over many commits (audit) it is shown once, at
 * the first commit that touched it, and the text report counts them.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *const report_colors[] = {
	[SEVERITY_INFO] = "\033[2m",      [SEVERITY_LOW] = "\033[36m",
	[SEVERITY_MEDIUM] = "\033[33m",   [SEVERITY_HIGH] = "\033[1;31m",
	[SEVERITY_CRITICAL] = "\033[1;97;41m",
};

bool cli_finding_is_parse_failure(const struct finding *f)
{
	return strcmp(f->rule->id, "DW-PARSE-001") == 0 || strcmp(f->rule->id, "DW-PARSE-004") == 0;
}

/* Is f about a file whatever the change (could not be checked, and
 * could not hide a widening either)? */
static bool report_once_per_file(const struct finding *f)
{
	return f->unchecked && strcmp(f->rule->id, "DW-PARSE-001") != 0;
}

/* Drops every repeat of a once-per-file finding (same rule and file); how many. */
static guint report_drop_repeats(GPtrArray *findings)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint dropped = 0;

	for (guint i = 0; i < findings->len;) {
		const struct finding *f = findings->pdata[i];
		char *key;

		if (!report_once_per_file(f) || !f->file) {
			i++;
			continue;
		}
		key = g_strconcat(f->rule->id, "\n", f->file, NULL);
		if (g_hash_table_add(seen, key)) {
			i++;
			continue;
		}
		g_ptr_array_remove_index(findings, i);
		dropped++;
	}
	return dropped;
}

void cli_json_member(JsonBuilder *b, const char *name, const char *value)
{
	g_autofree char *valid = NULL;

	if (!value)
		return;
	valid = g_utf8_make_valid(value, -1);
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, valid);
}

void cli_json_finding_members(JsonBuilder *b, const struct finding *f)
{
	cli_json_member(b, "id", f->id);
	cli_json_member(b, "rule", f->rule->id);
	cli_json_member(b, "severity", severity_name(f->severity));
	cli_json_member(b, "title", f->rule->title);
	cli_json_member(b, "resource", f->resource);
	cli_json_member(b, "kind", f->kind);
	cli_json_member(b, "file", f->file);
	json_builder_set_member_name(b, "line");
	json_builder_add_int_value(b, f->line);
	cli_json_member(b, "widened", f->widened);
	cli_json_member(b, "before", f->before);
	cli_json_member(b, "after", f->after);
	cli_json_member(b, "message", f->message);
	cli_json_member(b, "commit", f->commit);
	cli_json_member(b, "author", f->author);
	cli_json_member(b, "date", f->date);
	cli_json_member(b, "subject", f->subject);
	if (f->unchecked) {
		json_builder_set_member_name(b, "unchecked");
		json_builder_add_boolean_value(b, TRUE);
	}
	if (f->suppressed) {
		json_builder_set_member_name(b, "suppressed");
		json_builder_add_boolean_value(b, TRUE);
		json_builder_set_member_name(b, "approval");
		json_builder_begin_object(b);
		cli_json_member(b, "reason", f->approval_reason);
		cli_json_member(b, "approved_by", f->approved_by);
		cli_json_member(b, "expires", f->approval_expires);
		cli_json_member(b, "comment", f->approval_comment);
		json_builder_end_object(b);
	}
}

static void report_json_finding(JsonBuilder *b, const struct finding *f)
{
	json_builder_begin_object(b);
	cli_json_finding_members(b, f);
	json_builder_end_object(b);
}

void cli_json_errors(JsonBuilder *b, GPtrArray *findings)
{
	json_builder_set_member_name(b, "errors");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!cli_finding_is_parse_failure(f))
			continue;
		json_builder_begin_object(b);
		cli_json_member(b, "file", f->file);
		json_builder_set_member_name(b, "line");
		json_builder_add_int_value(b, f->line);
		cli_json_member(b, "message", f->message);
		cli_json_member(b, "commit", f->commit);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

void cli_json_print(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = NULL;

	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	printf("%s\n", text);
}

static void report_json(GPtrArray *findings)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++)
		report_json_finding(b, findings->pdata[i]);
	json_builder_end_array(b);
	cli_json_errors(b, findings);
	json_builder_end_object(b);
	cli_json_print(b);
}

static void report_text_commit(const struct finding *f)
{
	g_autofree char *subject = cli_escape(f->subject);
	g_autofree char *author = cli_escape(f->author);

	printf("commit %.12s %s\n", f->commit, subject);
	printf("  by %s, %s\n", author, f->date ? f->date : "");
}

static void report_text_finding(const struct cli_common *c, const struct finding *f)
{
	g_autofree char *message = cli_escape(f->message);
	const char *on = c->color ? report_colors[f->severity] : "";
	const char *off = c->color ? "\033[0m" : "";
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);

	printf("    %s%s%s %s %s  [%s]\n", on, sev, off, f->rule->id, f->rule->title, f->id);
	if (f->widened && *f->widened && !f->unchecked && strncmp(f->rule->id, "DW-NET", 6) == 0) {
		printf("      now allowed: %s\n", f->after ? f->after : f->widened);
		printf("      before:      %s\n", f->before && *f->before ? f->before : "nothing");
	}
	printf("      %s\n", message);
	if (f->suppressed) {
		g_autofree char *raw = finding_approval_text(f);
		g_autofree char *text = cli_escape(raw);

		printf("      %s\n", text);
	}
}

/* "2 files could not be checked, 1 not analysed (no reader takes it)". */
static void report_text_unchecked(GPtrArray *findings, bool verbose, guint repeats)
{
	g_autoptr(GHashTable) unchecked = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) not_read = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->unchecked || !f->file || (f->severity == SEVERITY_INFO && !verbose))
			continue;
		g_hash_table_add(strcmp(f->rule->id, "DW-PARSE-005") == 0 ? not_read : unchecked, f->file);
	}
	if (g_hash_table_size(unchecked) + g_hash_table_size(not_read) == 0)
		return;
	printf("\n");
	if (g_hash_table_size(unchecked))
		printf("%u file%s could not be checked", g_hash_table_size(unchecked),
		       g_hash_table_size(unchecked) == 1 ? "" : "s");
	if (g_hash_table_size(unchecked) && g_hash_table_size(not_read))
		printf("; ");
	if (g_hash_table_size(not_read))
		printf("%u file%s not analysed (no reader takes %s; driftwatch formats)",
		       g_hash_table_size(not_read), g_hash_table_size(not_read) == 1 ? "" : "s",
		       g_hash_table_size(not_read) == 1 ? "it" : "them");
	if (repeats)
		printf("; each shown once, at the first commit (%u repeat%s left out)", repeats,
		       repeats == 1 ? "" : "s");
	printf("\n");
}

static void report_text(const struct cli_common *c, GPtrArray *findings, guint repeats)
{
	const char *commit = NULL, *resource = NULL;
	guint shown = 0;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];
		g_autofree char *file = NULL;
		g_autofree char *res = NULL;
		g_autofree char *where = NULL;

		if (f->severity == SEVERITY_INFO && !c->verbose)
			continue;
		if (g_strcmp0(commit, f->commit) != 0 || (shown == 0 && f->commit)) {
			if (shown)
				printf("\n");
			if (f->commit)
				report_text_commit(f);
			commit = f->commit;
			resource = NULL;
		}
		if (g_strcmp0(resource, f->resource) != 0) {
			file = cli_escape(f->file);
			res = cli_escape(f->resource);
			where = finding_where(file, f->line);
			printf("  %s  %s\n", res, where);
			resource = f->resource;
		}
		report_text_finding(c, f);
		shown++;
	}
	if (shown == 0)
		printf("no exposure widened\n");
	report_text_unchecked(findings, c->verbose, repeats);
}

/*
 * The threshold for f: --fail-on when given (the command line wins), else
 * the fail_on of the policy f was found under, else the default.
 */
static enum severity report_threshold(const struct cli_common *c, const struct finding *f)
{
	if (!c->fail_on_name && f->has_policy_fail_on)
		return f->policy_fail_on;
	return c->fail_on;
}

int cli_report(const struct cli_common *c, GPtrArray *findings)
{
	int status = CLI_EXIT_OK;
	guint repeats = report_drop_repeats(findings);

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		/* An approved finding is shown and never counted. */
		if (!f->suppressed && f->severity >= report_threshold(c, f))
			status = CLI_EXIT_FINDINGS;
	}
	if (c->quiet)
		return status;
	if (c->format == CLI_FORMAT_JSON)
		report_json(findings);
	else if (c->format == CLI_FORMAT_SARIF)
		cli_report_sarif(c, findings);
	else if (c->format == CLI_FORMAT_MARKDOWN)
		cli_report_markdown(c, findings);
	else
		report_text(c, findings, repeats);
	fflush(stdout);
	return status;
}
