/*
 * cmd_watch.c - driftwatch watch: the desktop watcher (monitor/), run in
 * the foreground until SIGTERM or SIGINT; a systemd user service or an
 * XDG autostart entry keeps it running.
 */
#include <stdio.h>

#include "cli.h"
#include "dw_error.h"
#include "monitor.h"

static const char cmd_watch_help[] =
	"Follows each REPO (default: those listed in $XDG_CONFIG_HOME/driftwatch/watch.yml),\n"
	"on its current branch and that branch's upstream, and shows a desktop\n"
	"notification within seconds of a commit that widens exposure, local or\n"
	"fetched. What was analysed and notified is kept in\n"
	"$XDG_STATE_HOME/driftwatch/state.db, so after a restart the watcher catches up\n"
	"and notifies nothing twice. Without a notification server, alerts are logged\n"
	"to stderr and notified when a server appears.\n\n"
	"One watcher runs per state directory: a second one says which process runs\n"
	"and exits 0; --replace stops that one and takes over. With no repository to\n"
	"watch it waits for watch.yml to list one, and rereads watch.yml whenever it\n"
	"changes.\n\n"
	"SIGTERM and SIGINT stop it; SIGHUP reloads watch.yml.\n\n"
	"Examples:\n"
	"  driftwatch watch ~/src/infra\n"
	"  driftwatch watch --fetch-interval 5m ~/src/infra ~/src/k8s";

struct cmd_watch_args {
	char *fetch;
	char *rescan;
	char *threshold;
	char *max_file_size;
	int debounce_ms;
	gboolean replace;
	gboolean autostart;
};

static bool cmd_watch_finish(struct watch_options *o, struct cmd_watch_args *a, GError **error)
{
	if (a->fetch && !watch_duration_parse(&o->fetch_interval, a->fetch, error))
		return false;
	if (a->rescan && !watch_duration_parse(&o->rescan_interval, a->rescan, error))
		return false;
	if (a->threshold && !severity_parse(&o->threshold, a->threshold)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "unknown severity '%s' (critical, high, medium, low, info)", a->threshold);
		return false;
	}
	if (a->max_file_size && !cli_set_max_file_size(a->max_file_size, error))
		return false;
	if (a->debounce_ms < 10 || a->debounce_ms > 60000) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--debounce: 10 to 60000 milliseconds");
		return false;
	}
	o->debounce_ms = (guint)a->debounce_ms;
	o->replace = a->replace;
	o->autostart = a->autostart;
	return true;
}

int cmd_watch(int argc, char **argv, const char *exe_path)
{
	struct watch_options o = WATCH_OPTIONS_INIT;
	struct cmd_watch_args a = { .debounce_ms = 300 };
	GOptionEntry entries[] = {
		{ "fetch-interval", 0, 0, G_OPTION_ARG_STRING, &a.fetch,
		  "Run 'git fetch' this often (30s, 5m, 1h; default: never)", "DURATION" },
		{ "threshold", 0, 0, G_OPTION_ARG_STRING, &a.threshold,
		  "Notify findings at least this severe (default high); log the rest", "SEVERITY" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &o.config_path,
		  "Config file (default $XDG_CONFIG_HOME/driftwatch/watch.yml)", "FILE" },
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME, &o.rules_path,
		  "Rule pack to use instead of the installed one", "FILE" },
		{ "rescan-interval", 0, 0, G_OPTION_ARG_STRING, &a.rescan,
		  "Look at every branch this often even without file events (default 1m)", "DURATION" },
		{ "debounce", 0, 0, G_OPTION_ARG_INT, &a.debounce_ms,
		  "Quiet time after the last ref change before analysing (default 300)", "MS" },
		{ "max-file-size", 0, 0, G_OPTION_ARG_STRING, &a.max_file_size,
		  "Report files larger than SIZE as not analysed: 1KiB to 1GiB (default 8MiB)", "SIZE" },
		{ "replace", 0, 0, G_OPTION_ARG_NONE, &a.replace,
		  "Stop the watcher already running on this state and take over", NULL },
		{ "autostart", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &a.autostart,
		  "Started by the XDG autostart entry: leave the session to the systemd unit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[REPO...]");
	g_autoptr(GError) error = NULL;
	int status = CLI_EXIT_OK;

	g_option_context_set_summary(ctx, "Watch repositories; notify commits that widen exposure.");
	g_option_context_set_description(ctx, cmd_watch_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "watch"))
		return CLI_EXIT_ERROR;
	o.exe_path = exe_path;
	o.repos = argc > 1 ? g_strdupv(argv + 1) : NULL;
	if (!cmd_watch_finish(&o, &a, &error) || !watch_run(&o, &error)) {
		/* Another watcher runs: what was asked is done. */
		if (g_error_matches(error, WATCH_ERROR, WATCH_ERROR_RUNNING))
			fprintf(stderr, "driftwatch watch: %s\n", error->message);
		else
			status = cli_fail(error);
	}
	g_strfreev(o.repos);
	g_free(o.config_path);
	g_free(o.rules_path);
	g_free(a.fetch);
	g_free(a.rescan);
	g_free(a.threshold);
	g_free(a.max_file_size);
	return status;
}
