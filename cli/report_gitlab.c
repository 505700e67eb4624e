/*
 * report_gitlab.c - findings as a GitLab SAST security report
 * (artifacts:reports:sast), schema version 15.0.7 of GitLab's
 * security-report-schemas, so that merge requests and the vulnerability
 * report show them.
 *
 * Required by that schema and checked by tests/e2e/test_ci_formats.sh:
 * version (x.y.z); scan.{analyzer,scanner}.{id,name,version,vendor.name},
 * scan.type "sast", scan.start_time and end_time as YYYY-MM-DDTHH:MM:SS,
 * scan.status; each vulnerability's id, identifiers (at least one, each
 * with type, name and value) and location.file. Severities are GitLab's
 * capitalised words. An approved finding is kept, its approval said in
 * the description: the report hides nothing the other formats show.
 */
#include "cli.h"

#include <string.h>

static const char *const report_gitlab_severity[] = {
	[SEVERITY_INFO] = "Info",     [SEVERITY_LOW] = "Low",   [SEVERITY_MEDIUM] = "Medium",
	[SEVERITY_HIGH] = "High",     [SEVERITY_CRITICAL] = "Critical",
};

/* GitLab's name fields are at most 255 characters. */
#define REPORT_GITLAB_NAME_MAX 255

/* The analyzer and the scanner are both driftwatch. */
static void report_gitlab_tool(JsonBuilder *b, const char *member)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_object(b);
	cli_json_member(b, "id", "driftwatch");
	cli_json_member(b, "name", "driftwatch");
	cli_json_member(b, "version", DW_VERSION);
	json_builder_set_member_name(b, "vendor");
	json_builder_begin_object(b);
	cli_json_member(b, "name", "driftwatch");
	json_builder_end_object(b);
	json_builder_end_object(b);
}

/* "2026-03-16T17:45:00", UTC, as the schema's pattern wants. */
static char *report_gitlab_time(gint64 unix_us)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(unix_us / G_USEC_PER_SEC);

	return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
}

static void report_gitlab_scan(JsonBuilder *b, const struct cli_common *c)
{
	gint64 now = g_get_real_time();
	g_autofree char *start = report_gitlab_time(now - (g_get_monotonic_time() - c->started));
	g_autofree char *end = report_gitlab_time(now);

	json_builder_set_member_name(b, "scan");
	json_builder_begin_object(b);
	report_gitlab_tool(b, "analyzer");
	report_gitlab_tool(b, "scanner");
	cli_json_member(b, "type", "sast");
	cli_json_member(b, "start_time", start);
	cli_json_member(b, "end_time", end);
	cli_json_member(b, "status", "success");
	json_builder_end_object(b);
}

/* A UUID-shaped id from the finding's id and commit: stable across runs,
 * and one per finding even when a finding recurs in several commits. */
static char *report_gitlab_uuid(const struct finding *f)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	const char *h;

	g_checksum_update(sum, (const guchar *)f->id, -1);
	g_checksum_update(sum, (const guchar *)"\n", 1);
	if (f->commit)
		g_checksum_update(sum, (const guchar *)f->commit, -1);
	h = g_checksum_get_string(sum);
	return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static char *report_gitlab_description(const struct finding *f)
{
	GString *d = g_string_new(f->message ? f->message : f->rule->title);

	if (f->commit)
		g_string_append_printf(d, "\n\nIntroduced by commit %.12s (%s, %s): %s", f->commit,
		                       f->author ? f->author : "", f->date ? f->date : "",
		                       f->subject ? f->subject : "");
	if (f->suppressed) {
		g_autofree char *why = finding_approval_text(f);

		g_string_append_printf(d, "\n\nApproved: %s", why);
	}
	g_string_append_printf(d, "\n\nFinding id %s; `driftwatch explain %s` says more.", f->id,
	                       f->rule->id);
	return g_string_free(d, FALSE);
}

static void report_gitlab_vulnerability(JsonBuilder *b, const struct finding *f)
{
	g_autofree char *uuid = report_gitlab_uuid(f);
	g_autofree char *description = report_gitlab_description(f);
	g_autofree char *name = g_strdup_printf("%s: %s", f->rule->title, f->resource);

	if (g_utf8_strlen(name, -1) > REPORT_GITLAB_NAME_MAX)
		*g_utf8_offset_to_pointer(name, REPORT_GITLAB_NAME_MAX) = '\0';
	json_builder_begin_object(b);
	cli_json_member(b, "id", uuid);
	cli_json_member(b, "name", name);
	cli_json_member(b, "description", description);
	cli_json_member(b, "severity", report_gitlab_severity[f->severity]);
	cli_json_member(b, "solution", f->rule->remediation);
	json_builder_set_member_name(b, "location");
	json_builder_begin_object(b);
	cli_json_member(b, "file", f->file ? f->file : "");
	if (f->line > 0) {
		json_builder_set_member_name(b, "start_line");
		json_builder_add_int_value(b, f->line);
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "identifiers");
	json_builder_begin_array(b);
	json_builder_begin_object(b);
	cli_json_member(b, "type", "driftwatch_rule");
	cli_json_member(b, "name", f->rule->id);
	cli_json_member(b, "value", f->rule->id);
	json_builder_end_object(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

void cli_report_gitlab(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	cli_json_member(b, "version", "15.0.7");
	report_gitlab_scan(b, c);
	json_builder_set_member_name(b, "vulnerabilities");
	json_builder_begin_array(b);
	for (guint i = 0; i < findings->len; i++) {
		if (cli_finding_shown(c, findings->pdata[i]))
			report_gitlab_vulnerability(b, findings->pdata[i]);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	cli_json_write(out, b);
}
