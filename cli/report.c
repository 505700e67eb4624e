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
#include <glib/gstdio.h>
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

/* Is f a repeat of a once-per-file finding (same rule and file) seen
 * (keys "rule\nfile", owned) holds? Adds it there when not. */
static bool report_is_repeat(GHashTable *seen, const struct finding *f)
{
	if (!report_once_per_file(f) || !f->file)
		return false;
	return !g_hash_table_add(seen, g_strconcat(f->rule->id, "\n", f->file, NULL));
}

/* Drops every repeat of a once-per-file finding (same rule and file); how many. */
static guint report_drop_repeats(GPtrArray *findings)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint dropped = 0;

	for (guint i = 0; i < findings->len;) {
		if (!report_is_repeat(seen, findings->pdata[i])) {
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

/* The pretty JSON text of node, each line after the first starting with indent. */
static void report_json_node(FILE *out, JsonNode *node, const char *indent)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autofree char *text = NULL;

	json_generator_set_root(gen, node);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs(indent, out);
	}
}

/*
 * The JSON report is written as it goes, a finding at a time, so that an
 * audit need not hold its findings: the same text json-glib gives for the
 * whole document, each part generated alone and indented to its depth.
 */
static void report_json_begin(FILE *out)
{
	fputs("{\n  \"version\" : 1,\n  \"findings\" : [", out);
}

static void report_json_add(FILE *out, guint *written, const struct finding *f)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) node = NULL;

	report_json_finding(b, f);
	node = json_builder_get_root(b);
	fputs(*written ? ",\n    " : "\n    ", out);
	report_json_node(out, node, "    ");
	(*written)++;
}

/* Ends the findings, then "errors" (of the parse failures among
 * failures) and, for an audit, "windows", a window at a time; or, for an
 * audit that stopped before the tip (stopped: why), "stopped" instead. */
static void report_json_end(FILE *out, const struct cli_common *c, guint written, GPtrArray *failures,
                            const char *stopped)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) errors = NULL;
	bool ended = cli_windows_ended(c->windows);
	guint windows = ended ? cli_windows_len(c->windows) : 0, shown = 0;

	fputs(written ? "\n  ]" : "]", out);
	json_builder_begin_object(b);
	cli_json_errors(b, failures);
	json_builder_end_object(b);
	errors = json_builder_get_root(b);
	fputs(",\n  \"errors\" : ", out);
	report_json_node(out, json_object_get_member(json_node_get_object(errors), "errors"), "  ");
	for (guint i = 0; i < windows; i++) {
		const struct cli_window *w = cli_windows_nth(c->windows, i);
		g_autoptr(JsonBuilder) wb = NULL;
		g_autoptr(JsonNode) node = NULL;

		if (!w)
			continue;
		wb = json_builder_new();
		cli_window_json(wb, w);
		node = json_builder_get_root(wb);
		fputs(shown++ ? ",\n    " : ",\n  \"windows\" : [\n    ", out);
		report_json_node(out, node, "    ");
	}
	if (ended)
		fputs(shown ? "\n  ]" : ",\n  \"windows\" : []", out);
	if (stopped) {
		g_autoptr(JsonBuilder) sb = json_builder_new();
		g_autoptr(JsonNode) node = NULL;

		json_builder_begin_object(sb);
		json_builder_set_member_name(sb, "reason");
		json_builder_add_string_value(sb, stopped);
		json_builder_set_member_name(sb, "commit");
		if (c->stopped_at)
			json_builder_add_string_value(sb, c->stopped_at);
		else
			json_builder_add_null_value(sb);
		json_builder_end_object(sb);
		node = json_builder_get_root(sb);
		fputs(",\n  \"stopped\" : ", out);
		report_json_node(out, node, "  ");
	}
	fputs("\n}\n", out);
}

static void report_json(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	guint written = 0;

	report_json_begin(out);
	for (guint i = 0; i < findings->len; i++) {
		if (cli_finding_shown(c, findings->pdata[i]))
			report_json_add(out, &written, findings->pdata[i]);
	}
	report_json_end(out, c, written, findings, NULL);
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

/* Where the full layout stands: the commit and resource last headed. */
struct report_long {
	char *commit, *resource;
	guint shown;
};

static void report_long_clear(struct report_long *l)
{
	g_clear_pointer(&l->commit, g_free);
	g_clear_pointer(&l->resource, g_free);
}

/* The full layout: findings grouped by commit, then by resource. */
static void report_text_long_add(FILE *out, const struct cli_common *c, struct report_long *l,
                                 const struct finding *f)
{
	if (g_strcmp0(l->commit, f->commit) != 0 || (l->shown == 0 && f->commit)) {
		if (l->shown)
			fprintf(out, "\n");
		if (f->commit)
			report_text_commit(out, f);
		g_free(l->commit);
		l->commit = g_strdup(f->commit);
		g_clear_pointer(&l->resource, g_free);
	}
	if (g_strcmp0(l->resource, f->resource) != 0) {
		g_autofree char *file = cli_escape(f->file);
		g_autofree char *res = cli_escape(f->resource);
		g_autofree char *where = finding_where(file, f->line);

		fprintf(out, "  %s  %s\n", res, where);
		g_free(l->resource);
		l->resource = g_strdup(f->resource);
	}
	report_text_finding(out, c, f);
	l->shown++;
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

/* What the text footer counts, a finding at a time. */
struct report_tally {
	guint counts[SEVERITY_CRITICAL + 1];
	guint approved, unknowns, hidden;
	GHashTable *unchecked, *not_read; /* files, owned keys */
};

static void report_tally_init(struct report_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->unchecked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	t->not_read = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void report_tally_clear(struct report_tally *t)
{
	g_clear_pointer(&t->unchecked, g_hash_table_unref);
	g_clear_pointer(&t->not_read, g_hash_table_unref);
}

static void report_tally_add(struct report_tally *t, const struct cli_common *c,
                             const struct finding *f)
{
	t->counts[f->severity]++;
	t->approved += f->suppressed;
	t->unknowns += finding_family(f) == RULE_FAMILY_EVAL;
	if (f->unchecked && f->file && cli_finding_shown(c, f))
		g_hash_table_add(strcmp(f->rule->id, RULE_PARSE_005) == 0 ? t->not_read : t->unchecked,
		                 g_strdup(f->file));
	t->hidden += !cli_finding_shown(c, f) && f->severity > SEVERITY_INFO;
}

/*
 * The footer: "-- 12 commits judged (11 from the cache) in 0.04 s: 1
 * critical, 2 high (1 approved); 1 unknown value, 1 file not checked". Findings below the
 * shown severity are counted too, so that a filter hides nothing silently.
 */
static void report_text_summary(FILE *out, const struct cli_common *c, const struct report_tally *t,
                                guint repeats)
{
	g_autoptr(GString) line = g_string_new("-- ");
	bool first = true;

	if (c->commits)
		g_string_append_printf(line, "%" G_GUINT64_FORMAT " commit%s judged ", c->commits,
		                       c->commits == 1 ? "" : "s");
	if (c->cached)
		g_string_append_printf(line, "(%" G_GUINT64_FORMAT " from the cache) ", c->cached);
	g_string_append_printf(line, "in %.2f s:", (g_get_monotonic_time() - c->started) / 1e6);
	for (int s = SEVERITY_CRITICAL; s > SEVERITY_INFO; s--) {
		if (!t->counts[s])
			continue;
		g_string_append_printf(line, "%s %u %s", first ? "" : ",", t->counts[s], severity_name(s));
		first = false;
	}
	if (first)
		g_string_append(line, " no finding");
	if (t->approved)
		g_string_append_printf(line, " (%u approved)", t->approved);
	if (t->hidden)
		g_string_append_printf(line, " (%u below --severity, not shown)", t->hidden);
	if (t->unknowns)
		g_string_append_printf(line, "; %u unknown value%s", t->unknowns, t->unknowns == 1 ? "" : "s");
	report_text_unchecked(line, g_hash_table_size(t->unchecked), g_hash_table_size(t->not_read),
	                      repeats);
	fprintf(out, "%s\n", line->str);
	if (c->history_note) {
		g_autofree char *note = cli_escape(c->history_note);

		fprintf(out, "-- %s\n", note);
	}
}

/*
 * A text report as it goes. The layout is compact when asked, or by
 * default on a terminal past REPORT_COMPACT_FROM shown findings: until it
 * is known, the first shown findings wait (copies).
 */
struct report_text {
	FILE *out;
	int compact;         /* 1 compact, 0 full, -1 not known yet */
	GPtrArray *waiting;  /* struct finding *, owned, while compact is -1 */
	struct report_long full;
	guint shown;
};

static void report_text_begin(struct report_text *t, FILE *out, const struct cli_common *c)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	if (c->compact || c->long_text)
		t->compact = c->compact;
	else
		t->compact = isatty(fileno(out)) ? -1 : 0;
	t->waiting = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
}

static void report_text_write(struct report_text *t, const struct cli_common *c,
                              const struct finding *f)
{
	if (t->compact)
		report_text_compact_line(t->out, c, f);
	else
		report_text_long_add(t->out, c, &t->full, f);
}

/* Settles the layout (compact past REPORT_COMPACT_FROM, or at the end)
 * and writes what waited. */
static void report_text_settle(struct report_text *t, const struct cli_common *c, bool compact)
{
	t->compact = compact;
	for (guint i = 0; i < t->waiting->len; i++)
		report_text_write(t, c, t->waiting->pdata[i]);
	g_ptr_array_set_size(t->waiting, 0);
}

static void report_text_add(struct report_text *t, const struct cli_common *c, const struct finding *f)
{
	if (!cli_finding_shown(c, f))
		return;
	t->shown++;
	if (t->compact >= 0) {
		report_text_write(t, c, f);
		return;
	}
	g_ptr_array_add(t->waiting, finding_copy(f));
	if (t->waiting->len > REPORT_COMPACT_FROM)
		report_text_settle(t, c, true);
}

static void report_text_clear(struct report_text *t)
{
	g_clear_pointer(&t->waiting, g_ptr_array_unref);
	report_long_clear(&t->full);
}

static void report_text_end(struct report_text *t, const struct cli_common *c,
                            const struct report_tally *tally, guint repeats)
{
	if (t->compact < 0)
		report_text_settle(t, c, false);
	if (t->shown == 0)
		fprintf(t->out, "no exposure widened\n");
	cli_windows_text(t->out, c, t->compact);
	if (!c->quiet)
		report_text_summary(t->out, c, tally, repeats);
	report_text_clear(t);
}

static void report_text(FILE *out, const struct cli_common *c, GPtrArray *findings, guint repeats)
{
	struct report_text t;
	struct report_tally tally;

	report_tally_init(&tally);
	report_text_begin(&t, out, c);
	for (guint i = 0; i < findings->len; i++) {
		report_tally_add(&tally, c, findings->pdata[i]);
		report_text_add(&t, c, findings->pdata[i]);
	}
	report_text_end(&t, c, &tally, repeats);
	report_tally_clear(&tally);
}

enum severity cli_threshold(const struct cli_common *c, const struct finding *f)
{
	/* --fail-on when given (the command line wins), else the fail_on of
	 * the policy f was found under, else the default. */
	if (!c->fail_on_name && f->has_policy_fail_on)
		return f->policy_fail_on;
	return c->fail_on;
}

/* Does f make the exit status "findings"? An approved finding is shown
 * and never counted. */
static bool report_fails(const struct cli_common *c, const struct finding *f)
{
	return !f->suppressed && f->severity >= cli_threshold(c, f);
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

/* Closes an --output file written to path, or says why it could not be written. */
static bool report_close(FILE *out, const char *path)
{
	int saved = ferror(out) ? errno : 0;

	if (fclose(out) != 0 || saved) {
		fprintf(stderr, "driftwatch: --output %s: %s\n", path, g_strerror(saved ? saved : errno));
		return false;
	}
	return true;
}

/* Opens an --output file, or says why it could not; NULL then. */
static FILE *report_open(const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		fprintf(stderr, "driftwatch: --output %s: %s\n", path, g_strerror(errno));
	return out;
}

/* Writes one --output file whole, or says why it could not. */
static bool report_output(const struct cli_output *o, const struct cli_common *c, GPtrArray *findings,
                          guint repeats)
{
	FILE *out = report_open(o->path);

	if (!out)
		return false;
	report_write(out, o->format, c, findings, repeats);
	return report_close(out, o->path);
}

int cli_report(const struct cli_common *c, GPtrArray *findings)
{
	int status = CLI_EXIT_OK;
	guint repeats = report_drop_repeats(findings);

	if (c->tip_findings && c->open_at_tip)
		findings = c->tip_findings;
	for (guint i = 0; i < findings->len; i++) {
		if (report_fails(c, findings->pdata[i]))
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

/* A destination of a stream: standard output or an --output file. */
struct report_dest {
	FILE *out;
	const char *path;        /* the --output file, or NULL for standard output */
	enum cli_format format;
	bool streamed;           /* text or JSON of every finding: written as they come */
	struct report_text text;
	guint json_written;
};

struct cli_stream {
	const struct cli_common *c;
	GArray *dests;           /* struct report_dest */
	GPtrArray *held;         /* every finding, for a format written whole; or NULL */
	GPtrArray *failures;     /* the parse failures, for JSON's "errors" */
	GHashTable *seen;        /* once-per-file findings seen */
	guint repeats;
	struct report_tally tally;
	int status;
	bool output_failed;
};

/* Does a destination in format need the audit's findings whole? */
static bool report_format_holds(const struct cli_common *c, enum cli_format format)
{
	return !c->open_at_tip && format != CLI_FORMAT_SARIF && format != CLI_FORMAT_TEXT &&
	       format != CLI_FORMAT_JSON;
}

static void report_dest_add(struct cli_stream *s, FILE *out, const char *path, enum cli_format format)
{
	struct report_dest d = { .out = out, .path = path, .format = format };

	d.streamed = !s->c->open_at_tip && (format == CLI_FORMAT_TEXT || format == CLI_FORMAT_JSON);
	if (d.streamed && format == CLI_FORMAT_TEXT)
		report_text_begin(&d.text, out, s->c);
	else if (d.streamed)
		report_json_begin(out);
	if (!s->held && report_format_holds(s->c, format))
		s->held = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_array_append_val(s->dests, d);
}

struct cli_stream *cli_stream_new(const struct cli_common *c)
{
	struct cli_stream *s = g_new0(struct cli_stream, 1);

	s->c = c;
	s->dests = g_array_new(FALSE, TRUE, sizeof(struct report_dest));
	s->failures = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	report_tally_init(&s->tally);
	for (guint i = 0; c->outputs && i < c->outputs->len; i++) {
		const struct cli_output *o = &g_array_index(c->outputs, struct cli_output, i);
		FILE *out = report_open(o->path);

		if (!out) {
			s->output_failed = true;
			continue;
		}
		report_dest_add(s, out, o->path, o->format);
	}
	if (!c->quiet)
		report_dest_add(s, stdout, NULL, c->format);
	return s;
}

void cli_stream_add(struct cli_stream *s, GPtrArray *findings)
{
	const struct cli_common *c = s->c;

	for (guint i = 0; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];

		if (report_is_repeat(s->seen, f)) {
			s->repeats++;
			continue;
		}
		report_tally_add(&s->tally, c, f);
		if (!c->open_at_tip && report_fails(c, f))
			s->status = CLI_EXIT_FINDINGS;
		if (cli_finding_is_parse_failure(f))
			g_ptr_array_add(s->failures, finding_copy(f));
		for (guint j = 0; j < s->dests->len; j++) {
			struct report_dest *d = &g_array_index(s->dests, struct report_dest, j);

			if (!d->streamed)
				continue;
			if (d->format == CLI_FORMAT_TEXT)
				report_text_add(&d->text, c, f);
			else if (cli_finding_shown(c, f))
				report_json_add(d->out, &d->json_written, f);
		}
		if (s->held) {
			g_ptr_array_add(s->held, f);
			findings->pdata[i] = NULL;
		}
	}
	g_ptr_array_set_size(findings, 0);
	for (guint j = 0; j < s->dests->len; j++)
		fflush(g_array_index(s->dests, struct report_dest, j).out);
}

/* Ends one destination; false when it could not be written. */
static bool report_dest_end(struct cli_stream *s, struct report_dest *d)
{
	const struct cli_common *c = s->c;
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	FILE *out = d->out;

	d->out = NULL;
	if (d->streamed && d->format == CLI_FORMAT_TEXT)
		report_text_end(&d->text, c, &s->tally, s->repeats);
	else if (d->streamed)
		report_json_end(out, c, d->json_written, s->failures, NULL);
	else
		report_write(out, d->format, c, s->held ? s->held : none, s->repeats);
	if (!d->path) {
		fflush(stdout);
		return true;
	}
	return report_close(out, d->path);
}

int cli_stream_end(struct cli_stream *s)
{
	const struct cli_common *c = s->c;
	int status = s->status;

	if (c->open_at_tip && c->tip_findings) {
		status = CLI_EXIT_OK;
		for (guint i = 0; i < c->tip_findings->len; i++) {
			if (report_fails(c, c->tip_findings->pdata[i]))
				status = CLI_EXIT_FINDINGS;
		}
	}
	if (c->exit_zero)
		status = CLI_EXIT_OK;
	if (s->output_failed)
		status = CLI_EXIT_ERROR;
	for (guint i = 0; i < s->dests->len; i++) {
		if (!report_dest_end(s, &g_array_index(s->dests, struct report_dest, i)))
			status = CLI_EXIT_ERROR;
	}
	cli_stream_free(s);
	return status;
}

/*
 * Ends a destination of an audit that stopped before the tip (why), so
 * that what it holds still reads whole: text shows the findings it held
 * back and says where it stopped; JSON closes its findings and says so in
 * "stopped". A file of another format, written only at the end, would be
 * empty: it is removed, and said so.
 */
static void report_dest_stop(struct cli_stream *s, struct report_dest *d, const char *why)
{
	const struct cli_common *c = s->c;
	FILE *out = d->out;

	d->out = NULL;
	if (d->streamed && d->format == CLI_FORMAT_TEXT) {
		if (d->text.compact < 0)
			report_text_settle(&d->text, c, false);
		if (c->stopped_at)
			fprintf(out, "-- stopped at commit %.12s, before the tip: %s\n"
			             "-- the commits before it are judged above; none after it\n",
			        c->stopped_at, why);
		else
			fprintf(out, "-- stopped before the tip: %s\n", why);
		report_text_clear(&d->text);
	} else if (d->streamed) {
		report_json_end(out, c, d->json_written, s->failures, why);
	} else if (d->path) {
		fclose(out);
		if (g_unlink(d->path) == 0)
			fprintf(stderr, "driftwatch: --output %s: not written: the audit stopped\n", d->path);
		return;
	}
	if (d->path)
		report_close(out, d->path);
	else
		fflush(stdout);
}

void cli_stream_stop(struct cli_stream *s, const char *why)
{
	if (!s)
		return;
	for (guint i = 0; i < s->dests->len; i++) {
		struct report_dest *d = &g_array_index(s->dests, struct report_dest, i);

		if (d->out)
			report_dest_stop(s, d, why ? why : "an error");
	}
	cli_stream_free(s);
}

void cli_stream_free(struct cli_stream *s)
{
	if (!s)
		return;
	for (guint i = 0; i < s->dests->len; i++) {
		struct report_dest *d = &g_array_index(s->dests, struct report_dest, i);

		/* Not ended: the audit failed. */
		if (!d->out)
			continue;
		if (d->streamed && d->format == CLI_FORMAT_TEXT)
			report_text_clear(&d->text);
		if (d->path)
			fclose(d->out);
	}
	g_array_unref(s->dests);
	if (s->held)
		g_ptr_array_unref(s->held);
	g_ptr_array_unref(s->failures);
	g_hash_table_unref(s->seen);
	report_tally_clear(&s->tally);
	g_free(s);
}
