/*
 * cmd_history.c - driftwatch history: the alerts the watcher found and
 * notified, read from its state store.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "gitwalk.h"
#include "monitor.h"

static const char cmd_history_help[] =
	"Lists what 'driftwatch watch' found, oldest first, from\n"
	"$XDG_STATE_HOME/driftwatch/state.db. An alert not yet shown (no notification\n"
	"server was running) is marked pending.\n\n"
	"Examples:\n"
	"  driftwatch history --since 2026-03-01\n"
	"  driftwatch history --repo ~/src/infra --format json";

/* "2026-03-16", or a full ISO 8601 time; unix seconds in *out. */
static bool cmd_history_since(gint64 *out, const char *text, GError **error)
{
	g_autoptr(GTimeZone) local = g_time_zone_new_local();
	g_autofree char *full = strlen(text) == 10 ? g_strconcat(text, "T00:00:00", NULL) : g_strdup(text);
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(full, local);

	if (!t) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "--since: '%s' is not a date (2026-03-16 or 2026-03-16T17:45:00+01:00)", text);
		return false;
	}
	*out = g_date_time_to_unix(t);
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
		g_autofree char *resource = cli_escape(a->resource);
		g_autofree char *file = cli_escape(a->file);
		g_autofree char *author = cli_escape(a->author);
		g_autofree char *subject = cli_escape(a->subject);
		g_autofree char *message = cli_escape(a->message);

		printf("%s %s %s%s\n  %s %s %s  %s:%u  [%s]\n  commit %.12s by %s: %s\n  %s\n", when, repo,
		       a->branch, a->notified_at ? "" : " (pending)", severity_name(a->severity), a->rule,
		       resource, file, a->line, a->finding_id, a->commit, author, subject, message);
	}
}

static void cmd_history_json_alert(JsonBuilder *b, const struct state_alert *a)
{
	g_autofree char *found = cmd_history_time(a->found_at);
	g_autofree char *notified = a->notified_at ? cmd_history_time(a->notified_at) : NULL;
	const char *keys[] = { "repo", "branch", "commit", "id", "rule", "resource", "file", "message",
		               "author", "date", "subject" };
	const char *values[] = { a->repo, a->branch, a->commit, a->finding_id, a->rule, a->resource,
		                 a->file, a->message, a->author, a->date, a->subject };

	json_builder_begin_object(b);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		json_builder_set_member_name(b, keys[i]);
		json_builder_add_string_value(b, values[i] ? values[i] : "");
	}
	json_builder_set_member_name(b, "severity");
	json_builder_add_string_value(b, severity_name(a->severity));
	json_builder_set_member_name(b, "line");
	json_builder_add_int_value(b, a->line);
	json_builder_set_member_name(b, "found");
	json_builder_add_string_value(b, found);
	json_builder_set_member_name(b, "notified");
	if (notified)
		json_builder_add_string_value(b, notified);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
}

static void cmd_history_json(GPtrArray *alerts)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "alerts");
	json_builder_begin_array(b);
	for (guint i = 0; i < alerts->len; i++)
		cmd_history_json_alert(b, alerts->pdata[i]);
	json_builder_end_array(b);
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

static bool cmd_history_run(const char *repo_dir, const char *since_text, bool json, GError **error)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *path = state_default_path();
	g_autofree char *repo = NULL;
	struct state *s = NULL;
	gint64 since = 0;
	bool ok;

	if (since_text && !cmd_history_since(&since, since_text, error))
		return false;
	if (repo_dir && !cmd_history_repo(&repo, repo_dir, error))
		return false;
	if (!state_open(&s, path, error))
		return false;
	ok = state_alerts(alerts, s, repo, since, error);
	state_free(s);
	if (!ok)
		return false;
	if (json)
		cmd_history_json(alerts);
	else
		cmd_history_text(alerts);
	return true;
}

int cmd_history(int argc, char **argv, const char *exe_path)
{
	g_autofree char *repo = NULL;
	g_autofree char *since = NULL;
	g_autofree char *format = NULL;
	GOptionEntry entries[] = {
		{ "repo", 'C', 0, G_OPTION_ARG_FILENAME, &repo, "Only this repository's alerts", "DIR" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only alerts found at or after DATE", "DATE" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: text (default) or json",
		  "FORMAT" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("");
	g_autoptr(GError) error = NULL;
	bool json = format && strcmp(format, "json") == 0;

	g_option_context_set_summary(ctx, "List the alerts 'driftwatch watch' found.");
	g_option_context_set_description(ctx, cmd_history_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "history"))
		return CLI_EXIT_ERROR;
	json = format && strcmp(format, "json") == 0;
	if (format && !json && strcmp(format, "text") != 0) {
		g_set_error(&error, DW_ERROR, DW_ERROR_USAGE, "unknown format '%s' (text, json)", format);
		return cli_fail(error);
	}
	if (argc > 1) {
		g_set_error(&error, DW_ERROR, DW_ERROR_USAGE, "history takes no arguments");
		return cli_fail(error);
	}
	if (!cmd_history_run(repo, since, json, &error))
		return cli_fail(error);
	return CLI_EXIT_OK;
}
