/*
 * cmd_history.c - driftwatch history: the alerts the watcher found and
 * notified, read from its state store.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dw_error.h"
#include "gitwalk.h"
#include "monitor.h"

static const char cmd_history_help[] =
	"Lists what 'driftwatch watch' found, newest first, from\n"
	"$XDG_STATE_HOME/driftwatch/state.db. An alert not yet shown (no notification\n"
	"server was running) is marked pending; one muted from its notification\n"
	"(\"Mute 1 day\") is marked acknowledged. The JSON layout is audit's\n"
	"(driftwatch(1)), each finding with repo, branch, found, notified and\n"
	"acknowledged added.\n\n"
	"--since takes a date (2026-03-16), a time (2026-03-16T17:45:00+01:00),\n"
	"today, yesterday, or an age: 30m, 2h, 3d, 1w.\n\n"
	"Examples:\n"
	"  driftwatch history --since yesterday --severity critical\n"
	"  driftwatch history --unacknowledged --limit 10\n"
	"  driftwatch history --repo ~/src/infra --format json";

/* "2h", "30m", "3d", "1w": seconds in *out. */
static bool cmd_history_age(gint64 *out, const char *text)
{
	static const struct { char unit; gint64 seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	char *end = NULL;
	guint64 n;

	if (!g_ascii_isdigit(text[0]))
		return false;
	n = g_ascii_strtoull(text, &end, 10);
	for (size_t i = 0; end && i < G_N_ELEMENTS(units); i++) {
		if (end[0] == units[i].unit && end[1] == '\0' && n <= (guint64)(G_MAXINT64 / 2) / units[i].seconds) {
			*out = (gint64)n * units[i].seconds;
			return true;
		}
	}
	return false;
}

/* Midnight, local time, days ago. */
static gint64 cmd_history_midnight(int days_ago)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autoptr(GDateTime) day = g_date_time_add_days(now, -days_ago);
	g_autoptr(GDateTime) midnight = g_date_time_new_local(g_date_time_get_year(day),
	                                                      g_date_time_get_month(day),
	                                                      g_date_time_get_day_of_month(day), 0, 0, 0);

	return g_date_time_to_unix(midnight);
}

/* A date, a full ISO 8601 time, today, yesterday or an age; unix seconds in *out. */
static bool cmd_history_since(gint64 *out, const char *text, GError **error)
{
	g_autoptr(GTimeZone) local = g_time_zone_new_local();
	g_autofree char *full = strlen(text) == 10 ? g_strconcat(text, "T00:00:00", NULL) : g_strdup(text);
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(full, local);
	gint64 age = 0;

	if (strcmp(text, "today") == 0) {
		*out = cmd_history_midnight(0);
	} else if (strcmp(text, "yesterday") == 0) {
		*out = cmd_history_midnight(1);
	} else if (cmd_history_age(&age, text)) {
		*out = g_get_real_time() / G_USEC_PER_SEC - age;
	} else if (t) {
		*out = g_date_time_to_unix(t);
	} else {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "--since: '%s' is not a time (2026-03-16, 2026-03-16T17:45:00+01:00, "
		            "today, yesterday, 30m, 2h, 3d, 1w)", text);
		return false;
	}
	return true;
}

static char *cmd_history_time(gint64 t)
{
	g_autoptr(GDateTime) d = g_date_time_new_from_unix_local(t);

	return d ? g_date_time_format_iso8601(d) : g_strdup("?");
}

static void cmd_history_text(GPtrArray *alerts)
{
	for (guint i = 0; i < alerts->len; i++) {
		const struct state_alert *a = alerts->pdata[i];
		g_autofree char *when = cmd_history_time(a->found_at);
		g_autofree char *repo = cli_escape(a->repo);
		g_autofree char *branch = cli_escape(a->branch);
		g_autofree char *resource = cli_escape(a->resource);
		g_autofree char *file = cli_escape(a->file);
		g_autofree char *author = cli_escape(a->author);
		g_autofree char *subject = cli_escape(a->subject);
		g_autofree char *message = cli_escape(a->message);
		g_autofree char *ack = a->acknowledged_at ? cmd_history_time(a->acknowledged_at) : NULL;

		printf("%s %s %s%s%s%s\n  %s %s %s  %s:%u  [%s]\n  commit %.12s by %s: %s\n  %s\n", when,
		       repo, branch, a->notified_at ? "" : " (pending)", ack ? " (acknowledged " : "",
		       ack ? ack : "", severity_name(a->severity), a->rule, resource, file, a->line,
		       a->finding_id, a->commit, author, subject, message);
	}
}

/* A finding rebuilt from an alert, for report.c's JSON writer; fallback
 * stands for a rule this pack does not have and borrows the alert's id. */
static struct finding *cmd_history_finding(struct rule *fallback, const struct rulepack *pack,
                                           const struct state_alert *a)
{
	const struct rule *r = pack ? rulepack_rule(pack, a->rule) : NULL;
	struct finding *f;

	fallback->id = a->rule;
	fallback->family = rule_family_of(a->rule);
	fallback->title = fallback->id;
	f = finding_restore(r ? r : fallback, a->finding_id);
	f->severity = a->severity;
	f->resource = g_strdup(a->resource);
	f->kind = g_strdup(a->kind);
	f->file = g_strdup(a->file);
	f->line = a->line;
	f->widened = g_strdup(a->widened);
	f->before = g_strdup(a->before);
	f->after = g_strdup(a->after);
	f->message = g_strdup(a->message);
	f->headline = g_strdup(a->headline);
	f->commit = g_strdup(a->commit);
	f->author = g_strdup(a->author);
	f->date = g_strdup(a->date);
	f->subject = g_strdup(a->subject);
	return f;
}

static void cmd_history_json_time(JsonBuilder *b, const char *name, gint64 t)
{
	g_autofree char *text = t ? cmd_history_time(t) : NULL;

	json_builder_set_member_name(b, name);
	if (text)
		json_builder_add_string_value(b, text);
	else
		json_builder_add_null_value(b);
}

static void cmd_history_json(GPtrArray *alerts, const struct rulepack *pack)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree struct rule *rs = g_new0(struct rule, alerts->len + 1);
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < alerts->len; i++) {
		const struct state_alert *a = alerts->pdata[i];

		struct finding *f = cmd_history_finding(&rs[i], pack, a);

		g_ptr_array_add(findings, f);
		json_builder_begin_object(b);
		cli_json_finding_members(b, f);
		cli_json_member(b, "repo", a->repo);
		cli_json_member(b, "branch", a->branch);
		cmd_history_json_time(b, "found", a->found_at);
		cmd_history_json_time(b, "notified", a->notified_at);
		cmd_history_json_time(b, "acknowledged", a->acknowledged_at);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	cli_json_errors(b, findings);
	json_builder_end_object(b);
	cli_json_print(b);
}

/* The repository key the watcher uses: the work tree's path, as libgit2 gives it. */
static bool cmd_history_repo(char **out, const char *dir, GError **error)
{
	git_repository *repo = NULL;
	const char *path;
	size_t n;

	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		g_autofree char *what = g_strdup_printf("opening a git repository at %s", dir);

		gitwalk_set_error(error, what);
		return false;
	}
	path = git_repository_workdir(repo) ? git_repository_workdir(repo) : git_repository_path(repo);
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	*out = g_strndup(path, n);
	git_repository_free(repo);
	return true;
}

struct cmd_history_args {
	char *repo;
	char *since;
	char *format;
	char *severity;
	int limit;
	gboolean unacknowledged;
	gboolean oldest_first;
};

static bool cmd_history_run(const struct cmd_history_args *args, bool json, const char *exe_path,
                            GError **error)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *path = state_default_path();
	g_autofree char *repo = NULL;
	g_autofree char *pack_path = NULL;
	struct state_query q = STATE_QUERY_INIT;
	struct rulepack *pack = NULL;
	struct state *s = NULL;
	bool ok;

	if (args->since && !cmd_history_since(&q.since, args->since, error))
		return false;
	if (args->severity && !severity_parse(&q.min, args->severity)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "--severity: unknown severity '%s' (critical, high, medium, low, info)",
		            args->severity);
		return false;
	}
	if (args->limit < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--limit: a number of alerts, 1 or more");
		return false;
	}
	if (args->repo && !cmd_history_repo(&repo, args->repo, error))
		return false;
	q.repo = repo;
	q.limit = (guint)args->limit;
	q.unacknowledged = args->unacknowledged;
	q.oldest_first = args->oldest_first;
	if (!state_open_readonly(&s, path, error))
		return false;
	ok = state_alerts(alerts, s, &q, error);
	state_free(s);
	if (!ok)
		return false;
	if (json) {
		/* Titles come from the rule pack; without one, alerts still list. */
		pack_path = rulepack_default_path(exe_path);
		if (!rulepack_load(&pack, pack_path, NULL))
			pack = NULL;
		cmd_history_json(alerts, pack);
		rulepack_free(pack);
	} else {
		cmd_history_text(alerts);
	}
	return true;
}

int cmd_history(int argc, char **argv, const char *exe_path)
{
	struct cmd_history_args a = { 0 };
	GOptionEntry entries[] = {
		{ "repo", 'C', 0, G_OPTION_ARG_FILENAME, &a.repo, "Only this repository's alerts", "DIR" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &a.since,
		  "Only alerts found since WHEN (a date, today, yesterday, 2h, 3d)", "WHEN" },
		{ "severity", 0, 0, G_OPTION_ARG_STRING, &a.severity,
		  "Only alerts at least this severe", "SEVERITY" },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &a.limit, "At most N alerts (the newest)", "N" },
		{ "unacknowledged", 0, 0, G_OPTION_ARG_NONE, &a.unacknowledged,
		  "Only alerts not muted from their notification", NULL },
		{ "reverse", 0, 0, G_OPTION_ARG_NONE, &a.oldest_first, "Oldest first", NULL },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &a.format, "Output format: text (default) or json",
		  "FORMAT" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("");
	g_autoptr(GError) error = NULL;
	bool json;
	int status = CLI_EXIT_OK;

	g_option_context_set_summary(ctx, "List the alerts 'driftwatch watch' found.");
	g_option_context_set_description(ctx, cmd_history_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "history"))
		return CLI_EXIT_ERROR;
	json = a.format && strcmp(a.format, "json") == 0;
	if (a.format && !json && strcmp(a.format, "text") != 0)
		g_set_error(&error, DW_ERROR, DW_ERROR_USAGE, "unknown format '%s' (text, json)", a.format);
	else if (argc > 1)
		g_set_error(&error, DW_ERROR, DW_ERROR_USAGE, "history takes no arguments");
	if (error || !cmd_history_run(&a, json, exe_path, &error))
		status = cli_fail(error);
	g_free(a.repo);
	g_free(a.since);
	g_free(a.format);
	g_free(a.severity);
	return status;
}
