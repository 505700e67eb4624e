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

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const report_colors[] = {
	[SEVERITY_INFO] = "\033[2m",      [SEVERITY_LOW] = "\033[36m",
	[SEVERITY_MEDIUM] = "\033[33m",   [SEVERITY_HIGH] = "\033[1;31m",
	[SEVERITY_CRITICAL] = "\033[1;97;41m",
};

bool cli_finding_is_parse_failure(const struct finding *f)
{
	return strcmp(f->rule->id, RULE_PARSE_001) == 0 || strcmp(f->rule->id, RULE_PARSE_004) == 0;
}

/* Is f about a file whatever the change (could not be checked, and
 * could not hide a widening either)? */
static bool report_once_per_file(const struct finding *f)
{
	return f->unchecked && strcmp(f->rule->id, RULE_PARSE_001) != 0;
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

void cli_json_write(FILE *out, JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = NULL;

	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	fprintf(out, "%s\n", text);
}

void cli_json_print(JsonBuilder *b)
{
	cli_json_write(stdout, b);
}

bool cli_finding_shown(const struct cli_common *c, const struct finding *f)
{
	return f->severity >= c->show_from;
}

static void report_json(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		if (cli_finding_shown(c, findings->pdata[i]))
			report_json_finding(b, findings->pdata[i]);
	}
	json_builder_end_array(b);
	cli_json_errors(b, findings);
	cli_windows_json(b, c);
	json_builder_end_object(b);
	cli_json_write(out, b);
}

/* Sources shown per port range in text before "and N more" (all in JSON). */
#define REPORT_TEXT_SOURCES 6
/* Text is compact by default on a terminal past this many findings. */
#define REPORT_COMPACT_FROM 10
/* The width a compact line keeps within. */
#define REPORT_COMPACT_WIDTH 120

/*
 * A printed set with each clause's source list cut after keep sources:
 * "tcp/22 from a, b, c; udp/53 from d" -> "tcp/22 from a, b and 1 more;
 * udp/53 from d" (keep 2). New string.
 */
char *cli_text_cut(const char *set, guint keep)
{
	g_auto(GStrv) clauses = g_strsplit(set ? set : "", "; ", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; clauses[i]; i++) {
		const char *from = strstr(clauses[i], " from ");
		g_auto(GStrv) sources = NULL;
		guint n;

		if (i)
			g_string_append(out, "; ");
		if (!from) {
			g_string_append(out, clauses[i]);
			continue;
		}
		g_string_append_len(out, clauses[i], from + 6 - clauses[i]);
		sources = g_strsplit(from + 6, ", ", -1);
		n = g_strv_length(sources);
		for (guint j = 0; j < n && j < keep; j++)
			g_string_append_printf(out, "%s%s", j ? ", " : "", sources[j]);
		if (n > keep)
			g_string_append_printf(out, " and %u more", n - keep);
	}
	return g_string_free(out, FALSE);
}

static void report_text_commit(FILE *out, const struct finding *f)
{
	g_autofree char *subject = cli_escape(f->subject);
	g_autofree char *author = cli_escape(f->author);

	fprintf(out, "commit %.12s %s\n", f->commit, subject);
	fprintf(out, "  by %s, %s\n", author, f->date ? f->date : "");
}

static bool report_text_is_network(const struct finding *f)
{
	return f->widened && *f->widened && !f->unchecked && finding_family(f) == RULE_FAMILY_NET;
}

static void report_text_finding(FILE *out, const struct cli_common *c, const struct finding *f)
{
	g_autofree char *message = cli_escape(f->message);
	const char *on = c->color ? report_colors[f->severity] : "";
	const char *off = c->color ? "\033[0m" : "";
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);

	fprintf(out, "    %s%s%s %s %s  [%s]\n", on, sev, off, f->rule->id, f->rule->title, f->id);
	if (report_text_is_network(f)) {
		g_autofree char *now = cli_text_cut(f->after ? f->after : f->widened,
		                                       REPORT_TEXT_SOURCES);
		g_autofree char *before = cli_text_cut(f->before, REPORT_TEXT_SOURCES);

		fprintf(out, "      now allowed: %s\n", now);
		fprintf(out, "      before:      %s\n", *before ? before : "nothing");
	}
	fprintf(out, "      %s\n", message);
	if (f->suppressed) {
		g_autofree char *raw = finding_approval_text(f);
		g_autofree char *text = cli_escape(raw);

		fprintf(out, "      %s\n", text);
	}
}

/* The full layout: findings grouped by commit, then by resource. */
static guint report_text_long(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	const char *commit = NULL, *resource = NULL;
	guint shown = 0;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!cli_finding_shown(c, f))
			continue;
		if (g_strcmp0(commit, f->commit) != 0 || (shown == 0 && f->commit)) {
			if (shown)
				fprintf(out, "\n");
			if (f->commit)
				report_text_commit(out, f);
			commit = f->commit;
			resource = NULL;
		}
		if (g_strcmp0(resource, f->resource) != 0) {
			g_autofree char *file = cli_escape(f->file);
			g_autofree char *res = cli_escape(f->resource);
			g_autofree char *where = finding_where(file, f->line);

			fprintf(out, "  %s  %s\n", res, where);
			resource = f->resource;
		}
		report_text_finding(out, c, f);
		shown++;
	}
	return shown;
}

char *cli_text_fit(const char *s, glong width)
{
	glong len = g_utf8_strlen(s, -1);

	if (len <= width)
		return g_strdup(s);
	if (width <= 1)
		return g_strdup(width == 1 ? "…" : "");
	return g_strdup_printf("%.*s…", (int)(g_utf8_offset_to_pointer(s, width - 1) - s), s);
}

/*
 * One line a finding, within REPORT_COMPACT_WIDTH columns:
 * "CRITICAL DW-NET-001 azure-nsg:es infra/es.json:24 tcp/9200 from 0.0.0.0/0 and 2 more @3b7f0c1a2d4e"
 * The resource and the region give way first; the rest is short.
 */
static void report_text_compact_line(FILE *out, const struct cli_common *c, const struct finding *f)
{
	g_autofree char *sev = g_ascii_strup(severity_name(f->severity), -1);
	g_autofree char *file = cli_escape(f->file);
	g_autofree char *where = finding_where(file, f->line);
	g_autofree char *raw_res = cli_escape(f->resource);
	g_autofree char *raw_region = NULL;
	g_autofree char *res = NULL, *region = NULL, *tail = NULL, *short_commit = NULL;
	const char *on = c->color ? report_colors[f->severity] : "";
	const char *off = c->color ? "\033[0m" : "";
	glong room;

	if (report_text_is_network(f)) {
		g_autofree char *cut = cli_text_cut(f->after ? f->after : f->widened, 2);

		raw_region = cli_escape(cut);
	} else {
		raw_region = cli_escape(f->unchecked ? "could not be checked" : f->message);
	}
	short_commit = f->commit ? g_strndup(f->commit, 12) : NULL;
	tail = g_strdup_printf("%s%s%s", short_commit ? " @" : "", short_commit ? short_commit : "",
	                       f->suppressed ? " (approved)" : "");
	room = REPORT_COMPACT_WIDTH - (glong)strlen(sev) - (glong)strlen(f->rule->id) -
	       g_utf8_strlen(where, -1) - g_utf8_strlen(tail, -1) - 4;
	/* The region keeps 40 columns where it can; the resource the rest. */
	res = cli_text_fit(raw_res, MAX(room - MIN(g_utf8_strlen(raw_region, -1), 40), 16));
	room -= g_utf8_strlen(res, -1);
	region = cli_text_fit(raw_region, MAX(room, 0));
	fprintf(out, "%s%s%s %s %s %s %s%s\n", on, sev, off, f->rule->id, res, where, region, tail);
}

static guint report_text_compact(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	guint shown = 0;

	for (guint i = 0; i < findings->len; i++) {
		if (!cli_finding_shown(c, findings->pdata[i]))
			continue;
		report_text_compact_line(out, c, findings->pdata[i]);
		shown++;
	}
	return shown;
}

/*
 * "; 2 files could not be checked; 1 file not analysed (no reader takes it;
 * driftwatch formats), each shown once (3 repeats left out)".
 */
static void report_text_unchecked(GString *line, guint unchecked, guint not_read, guint repeats)
{
	if (unchecked)
		g_string_append_printf(line, "; %u file%s could not be checked", unchecked,
		                       unchecked == 1 ? "" : "s");
	if (not_read)
		g_string_append_printf(line, "; %u file%s not analysed (no reader takes %s; driftwatch "
		                       "formats)", not_read, not_read == 1 ? "" : "s",
		                       not_read == 1 ? "it" : "them");
	if (repeats)
		g_string_append_printf(line, ", each shown once, at the first commit (%u repeat%s left out)",
		                       repeats, repeats == 1 ? "" : "s");
}

/*
 * The footer: "-- 12 commits judged (11 from the cache) in 0.04 s: 1
 * critical, 2 high (1 approved); 1 unknown value, 1 file not checked". Findings below the
 * shown severity are counted too, so that a filter hides nothing silently.
 */
static void report_text_summary(FILE *out, const struct cli_common *c, GPtrArray *findings,
                                guint repeats)
{
	guint counts[SEVERITY_CRITICAL + 1] = { 0 };
	guint approved = 0, unknowns = 0, hidden = 0;
	g_autoptr(GHashTable) unchecked = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) not_read = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GString) line = g_string_new("-- ");
	bool first = true;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		counts[f->severity]++;
		approved += f->suppressed;
		unknowns += finding_family(f) == RULE_FAMILY_EVAL;
		if (f->unchecked && f->file && cli_finding_shown(c, f))
			g_hash_table_add(strcmp(f->rule->id, RULE_PARSE_005) == 0 ? not_read : unchecked, f->file);
		hidden += !cli_finding_shown(c, f) && f->severity > SEVERITY_INFO;
	}
	if (c->commits)
		g_string_append_printf(line, "%" G_GUINT64_FORMAT " commit%s judged ", c->commits,
		                       c->commits == 1 ? "" : "s");
	if (c->cached)
		g_string_append_printf(line, "(%" G_GUINT64_FORMAT " from the cache) ", c->cached);
	g_string_append_printf(line, "in %.2f s:", (g_get_monotonic_time() - c->started) / 1e6);
	for (int s = SEVERITY_CRITICAL; s > SEVERITY_INFO; s--) {
		if (!counts[s])
			continue;
		g_string_append_printf(line, "%s %u %s", first ? "" : ",", counts[s], severity_name(s));
		first = false;
	}
	if (first)
		g_string_append(line, " no finding");
	if (approved)
		g_string_append_printf(line, " (%u approved)", approved);
	if (hidden)
		g_string_append_printf(line, " (%u below --severity, not shown)", hidden);
	if (unknowns)
		g_string_append_printf(line, "; %u unknown value%s", unknowns, unknowns == 1 ? "" : "s");
	report_text_unchecked(line, g_hash_table_size(unchecked), g_hash_table_size(not_read), repeats);
	fprintf(out, "%s\n", line->str);
	if (c->history_note) {
		g_autofree char *note = cli_escape(c->history_note);

		fprintf(out, "-- %s\n", note);
	}
}

/* Compact when asked, or by default on a terminal with many findings. */
static bool report_text_is_compact(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	guint shown = 0;

	if (c->compact || c->long_text)
		return c->compact;
	if (!isatty(fileno(out)))
		return false;
	for (guint i = 0; i < findings->len; i++)
		shown += cli_finding_shown(c, findings->pdata[i]);
	return shown > REPORT_COMPACT_FROM;
}

static void report_text(FILE *out, const struct cli_common *c, GPtrArray *findings, guint repeats)
{
	guint shown = report_text_is_compact(out, c, findings) ? report_text_compact(out, c, findings)
	                                                        : report_text_long(out, c, findings);

	if (shown == 0)
		fprintf(out, "no exposure widened\n");
	cli_windows_text(out, c, report_text_is_compact(out, c, findings));
	if (!c->quiet)
		report_text_summary(out, c, findings, repeats);
}

enum severity cli_threshold(const struct cli_common *c, const struct finding *f)
{
	/* --fail-on when given (the command line wins), else the fail_on of
	 * the policy f was found under, else the default. */
	if (!c->fail_on_name && f->has_policy_fail_on)
		return f->policy_fail_on;
	return c->fail_on;
}

static void report_write(FILE *out, enum cli_format format, const struct cli_common *c,
                         GPtrArray *findings, guint repeats)
{
	if (c->tip_findings && (c->open_at_tip || format == CLI_FORMAT_SARIF))
		findings = c->tip_findings;
	switch (format) {
	case CLI_FORMAT_JSON:
		report_json(out, c, findings);
		break;
	case CLI_FORMAT_SARIF:
		cli_report_sarif(out, c, findings);
		break;
	case CLI_FORMAT_MARKDOWN:
		cli_report_markdown(out, c, findings);
		break;
	case CLI_FORMAT_GITLAB_SAST:
		cli_report_gitlab(out, c, findings);
		break;
	case CLI_FORMAT_JUNIT:
		cli_report_junit(out, c, findings);
		break;
	case CLI_FORMAT_HTML:
		cli_report_html(out, c, findings);
		break;
	case CLI_FORMAT_TEXT:
		report_text(out, c, findings, repeats);
		break;
	}
}

/* Writes one --output file whole, or says why it could not. */
static bool report_output(const struct cli_output *o, const struct cli_common *c, GPtrArray *findings,
                          guint repeats)
{
	FILE *out = fopen(o->path, "w");
	int saved;

	if (!out) {
		fprintf(stderr, "driftwatch: --output %s: %s\n", o->path, g_strerror(errno));
		return false;
	}
	report_write(out, o->format, c, findings, repeats);
	saved = ferror(out) ? errno : 0;
	if (fclose(out) != 0 || saved) {
		fprintf(stderr, "driftwatch: --output %s: %s\n", o->path, g_strerror(saved ? saved : errno));
		return false;
	}
	return true;
}

int cli_report(const struct cli_common *c, GPtrArray *findings)
{
	int status = CLI_EXIT_OK;
	guint repeats = report_drop_repeats(findings);

	if (c->tip_findings && c->open_at_tip)
		findings = c->tip_findings;
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		/* An approved finding is shown and never counted. */
		if (!f->suppressed && f->severity >= cli_threshold(c, f))
			status = CLI_EXIT_FINDINGS;
	}
	if (c->exit_zero)
		status = CLI_EXIT_OK;
	for (guint i = 0; c->outputs && i < c->outputs->len; i++) {
		if (!report_output(&g_array_index(c->outputs, struct cli_output, i), c, findings, repeats))
			status = CLI_EXIT_ERROR;
	}
	if (c->quiet)
		return status;
	report_write(stdout, c->format, c, findings, repeats);
	fflush(stdout);
	return status;
}
