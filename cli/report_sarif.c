/*
 * report_sarif.c - findings as SARIF 2.1.0 (OASIS Static Analysis Results
 * Interchange Format) for GitHub code scanning and other SARIF consumers.
 *
 * One run: tool.driver.rules is the whole rule pack, so that a consumer
 * can show any rule's texts; results are the findings. GitHub reads
 * properties.security-severity (a number in a string, 0.0 to 10.0) to
 * rank security alerts, and partialFingerprints to follow one alert across
 * runs; ours is the finding's stable id. Input that could not be checked
 * (DW-PARSE-*) is a result like any other, at its severity's level, with
 * properties.unchecked true, and a tool execution notification; never
 * left out.
 * The documentation SARIF points to is the man page, the one the program
 * installs (the project has no web address of its own): informationUri
 * is man:driftwatch(1), and each rule's helpUri its entry in the page's
 * RULES section, man:driftwatch(1)#RULE-ID (man: URIs as systemd's
 * Documentation= and desktop help browsers take them).
 * Locations are relative to the repository root (uriBaseId %SRCROOT%, as
 * GitHub's upload action expects); a location without a line has no region.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *const report_sarif_levels[] = {
	[SEVERITY_INFO] = "note",       [SEVERITY_LOW] = "note",
	[SEVERITY_MEDIUM] = "warning",  [SEVERITY_HIGH] = "error",
	[SEVERITY_CRITICAL] = "error",
};

/* GitHub: over 9.0 is critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, under 4.0 low. */
static const char *const report_sarif_security_severity[] = {
	[SEVERITY_INFO] = "0.0",        [SEVERITY_LOW] = "3.0",
	[SEVERITY_MEDIUM] = "5.5",      [SEVERITY_HIGH] = "8.0",
	[SEVERITY_CRITICAL] = "9.5",
};

/* {"text": value} under name. */
static void report_sarif_text(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	cli_json_member(b, "text", value ? value : "");
	json_builder_end_object(b);
}

/* "Data store or admin port" -> "DataStoreOrAdminPort": SARIF's rule name. */
static char *report_sarif_rule_name(const char *title)
{
	GString *out = g_string_new(NULL);
	bool start = true;

	for (const char *p = title ? title : ""; *p; p++) {
		if (!g_ascii_isalnum(*p)) {
			start = true;
			continue;
		}
		g_string_append_c(out, start ? g_ascii_toupper(*p) : *p);
		start = false;
	}
	return g_string_free(out, FALSE);
}

#define REPORT_SARIF_MAN_PAGE "man:driftwatch(1)"

static void report_sarif_rule(JsonBuilder *b, const struct rule *r)
{
	g_autofree char *name = report_sarif_rule_name(r->title);
	g_autofree char *id = g_uri_escape_string(r->id, NULL, FALSE);
	g_autofree char *help = g_strconcat(REPORT_SARIF_MAN_PAGE "#", id, NULL);

	json_builder_begin_object(b);
	cli_json_member(b, "id", r->id);
	cli_json_member(b, "name", name);
	report_sarif_text(b, "shortDescription", r->title);
	report_sarif_text(b, "fullDescription", r->rationale);
	report_sarif_text(b, "help", r->remediation);
	cli_json_member(b, "helpUri", help);
	json_builder_set_member_name(b, "defaultConfiguration");
	json_builder_begin_object(b);
	cli_json_member(b, "level", report_sarif_levels[r->severity]);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "properties");
	json_builder_begin_object(b);
	cli_json_member(b, "security-severity", report_sarif_security_severity[r->severity]);
	json_builder_set_member_name(b, "tags");
	json_builder_begin_array(b);
	json_builder_add_string_value(b, "security");
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_object(b);
}

static void report_sarif_driver(JsonBuilder *b, const struct rulepack *pack)
{
	json_builder_set_member_name(b, "tool");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "driver");
	json_builder_begin_object(b);
	cli_json_member(b, "name", "driftwatch");
	cli_json_member(b, "version", DW_VERSION);
	cli_json_member(b, "informationUri", REPORT_SARIF_MAN_PAGE);
	json_builder_set_member_name(b, "rules");
	json_builder_begin_array(b);
	for (guint i = 0; pack && i < pack->rules->len; i++)
		report_sarif_rule(b, pack->rules->pdata[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_object(b);
}

/* A finding's file as a relative URI reference: percent-encoded, '/' kept. */
static void report_sarif_location(JsonBuilder *b, const struct finding *f)
{
	g_autofree char *uri = g_uri_escape_string(f->file ? f->file : "", "/", FALSE);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "physicalLocation");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "artifactLocation");
	json_builder_begin_object(b);
	cli_json_member(b, "uri", uri);
	cli_json_member(b, "uriBaseId", "%SRCROOT%");
	json_builder_end_object(b);
	if (f->line > 0) {
		json_builder_set_member_name(b, "region");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "startLine");
		json_builder_add_int_value(b, f->line);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
}

/* The rule's index in tool.driver.rules, or -1 when it is not in the pack. */
static gint64 report_sarif_rule_index(const struct rulepack *pack, const struct rule *r)
{
	for (guint i = 0; pack && i < pack->rules->len; i++)
		if (pack->rules->pdata[i] == r)
			return i;
	return -1;
}

static void report_sarif_result(JsonBuilder *b, const struct rulepack *pack, const struct finding *f)
{
	gint64 index = report_sarif_rule_index(pack, f->rule);
	const char *level = report_sarif_levels[f->severity];

	json_builder_begin_object(b);
	cli_json_member(b, "ruleId", f->rule->id);
	if (index >= 0) {
		json_builder_set_member_name(b, "ruleIndex");
		json_builder_add_int_value(b, index);
	}
	cli_json_member(b, "level", level);
	report_sarif_text(b, "message", f->message ? f->message : f->rule->title);
	json_builder_set_member_name(b, "locations");
	json_builder_begin_array(b);
	report_sarif_location(b, f);
	json_builder_end_array(b);
	if (f->suppressed) {
		g_autofree char *why = finding_approval_text(f);

		json_builder_set_member_name(b, "suppressions");
		json_builder_begin_array(b);
		json_builder_begin_object(b);
		cli_json_member(b, "kind", "external");
		cli_json_member(b, "justification", why);
		json_builder_end_object(b);
		json_builder_end_array(b);
	}
	json_builder_set_member_name(b, "partialFingerprints");
	json_builder_begin_object(b);
	cli_json_member(b, "driftwatch/v1", f->id);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "properties");
	json_builder_begin_object(b);
	cli_json_member(b, "severity", severity_name(f->severity));
	cli_json_member(b, "resource", f->resource);
	cli_json_member(b, "widened", f->widened);
	cli_json_member(b, "before", f->before);
	cli_json_member(b, "after", f->after);
	cli_json_member(b, "commit", f->commit);
	cli_json_member(b, "author", f->author);
	cli_json_member(b, "date", f->date);
	if (f->unchecked) {
		json_builder_set_member_name(b, "unchecked");
		json_builder_add_boolean_value(b, TRUE);
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
}

/*
 * invocations[0]: the run completed (input that could not be checked is a
 * result, not a failed run); each such file is also a notification.
 */
static void report_sarif_invocation(JsonBuilder *b, const struct cli_common *c, GPtrArray *findings)
{
	json_builder_set_member_name(b, "invocations");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "executionSuccessful");
	json_builder_add_boolean_value(b, TRUE);
	json_builder_set_member_name(b, "toolExecutionNotifications");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!f->unchecked || !cli_finding_shown(c, f))
			continue;
		json_builder_begin_object(b);
		cli_json_member(b, "level", report_sarif_levels[f->severity]);
		report_sarif_text(b, "message", f->message ? f->message : f->rule->title);
		json_builder_set_member_name(b, "locations");
		json_builder_begin_array(b);
		report_sarif_location(b, f);
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_array(b);
}

void cli_report_sarif(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	cli_json_member(b, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cli_json_member(b, "version", "2.1.0");
	json_builder_set_member_name(b, "runs");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	report_sarif_driver(b, c->pack);
	/* Code scanning keeps one set of alerts per category: driftwatch's own. */
	json_builder_set_member_name(b, "automationDetails");
	json_builder_begin_object(b);
	cli_json_member(b, "id", "driftwatch/");
	json_builder_end_object(b);
	report_sarif_invocation(b, c, findings);
	json_builder_set_member_name(b, "results");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		/* Narrowed exposure is no alert; shown only on request, as in text. */
		if (!cli_finding_shown(c, f))
			continue;
		report_sarif_result(b, c->pack, f);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
	cli_json_write(out, b);
}
