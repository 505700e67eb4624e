/*
 * report_junit.c - findings as JUnit XML, the test-report format most CI
 * systems show (GitLab's artifacts:reports:junit, Jenkins, Azure Pipelines).
 *
 * One <testsuite>; a <testcase> per shown finding, named by rule, resource
 * and place. A finding at or above the threshold (--fail-on, or its
 * policy's) is a <failure>; an approved one is <skipped> with the
 * approval; one below the threshold passes with its message as output.
 * With nothing shown, one passing case says so, so that CI still shows
 * the check ran. Every string is escaped for the terminal first (control
 * characters are not allowed in XML 1.0, even as references), then for XML.
 */
#include "cli.h"

#include <string.h>

/* XML text or attribute value from a repository string. New string. */
static char *report_junit_text(const char *s)
{
	g_autofree char *plain = cli_escape(s ? s : "");

	return g_markup_escape_text(plain, -1);
}

static void report_junit_case(FILE *out, const struct cli_common *c, const struct finding *f)
{
	g_autofree char *where = finding_where(f->file ? f->file : "", f->line);
	g_autofree char *raw_name = g_strdup_printf("%s %s [%s]", f->resource, where, f->id);
	g_autofree char *name = report_junit_text(raw_name);
	g_autofree char *file = report_junit_text(f->file);
	g_autofree char *title = report_junit_text(f->rule->title);
	g_autofree char *message = report_junit_text(f->message);

	fprintf(out, "    <testcase classname=\"%s\" name=\"%s\" file=\"%s\" line=\"%u\">\n", f->rule->id,
	        name, file, f->line);
	if (f->suppressed) {
		g_autofree char *raw = finding_approval_text(f);
		g_autofree char *why = report_junit_text(raw);

		fprintf(out, "      <skipped message=\"%s\"/>\n", why);
	} else if (f->severity >= cli_threshold(c, f)) {
		g_autofree char *commit = report_junit_text(f->commit);
		g_autofree char *subject = report_junit_text(f->subject);

		fprintf(out, "      <failure type=\"%s\" message=\"%s\">%s", severity_name(f->severity),
		        title, message);
		if (f->commit)
			fprintf(out, "\ncommit %s: %s", commit, subject);
		fprintf(out, "</failure>\n");
	} else {
		fprintf(out, "      <system-out>%s: %s</system-out>\n", severity_name(f->severity), message);
	}
	fprintf(out, "    </testcase>\n");
}

void cli_report_junit(FILE *out, const struct cli_common *c, GPtrArray *findings)
{
	guint tests = 0, failures = 0, skipped = 0;
	double seconds = (g_get_monotonic_time() - c->started) / 1e6;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!cli_finding_shown(c, f))
			continue;
		tests++;
		skipped += f->suppressed;
		failures += !f->suppressed && f->severity >= cli_threshold(c, f);
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"driftwatch\" tests=\"%u\" failures=\"%u\" time=\"%.3f\">\n",
	        MAX(tests, 1), failures, seconds);
	fprintf(out, "  <testsuite name=\"driftwatch\" tests=\"%u\" failures=\"%u\" errors=\"0\" "
	        "skipped=\"%u\" time=\"%.3f\">\n", MAX(tests, 1), failures, skipped, seconds);
	for (guint i = 0; i < findings->len; i++) {
		if (cli_finding_shown(c, findings->pdata[i]))
			report_junit_case(out, c, findings->pdata[i]);
	}
	if (tests == 0)
		fprintf(out, "    <testcase classname=\"driftwatch\" name=\"no exposure widened\"/>\n");
	fprintf(out, "  </testsuite>\n</testsuites>\n");
}
