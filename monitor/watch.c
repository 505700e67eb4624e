/*
 * watch.c - the watcher's main loop: set up the rule pack, the state
 * store, the notifier and the repositories; rescan periodically as a
 * safety net for missed file events; stop cleanly on SIGTERM/SIGINT and
 * reload the config on SIGHUP.
 */
#include "monitor_private.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

void watch_log(const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree char *stamp = g_date_time_format(now, "%H:%M:%S.%f");
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* %f is microseconds; milliseconds are enough. */
	stamp[12] = '\0';
	fprintf(stderr, "driftwatch watch: %s %s\n", stamp, msg);
	fflush(stderr);
}

static void watch_check_all(struct watcher *w)
{
	for (guint i = 0; i < w->repos->len; i++)
		watch_repo_check(w->repos->pdata[i]);
}

static gboolean watch_on_rescan(gpointer user_data)
{
	watch_check_all(user_data);
	return G_SOURCE_CONTINUE;
}

static gboolean watch_on_stop(gpointer user_data)
{
	struct watcher *w = user_data;

	watch_log("stopping");
	g_main_loop_quit(w->loop);
	return G_SOURCE_CONTINUE;
}

static void watch_on_server(GDBusConnection *bus, const char *name, const char *owner,
                            gpointer user_data)
{
	struct watcher *w = user_data;

	for (guint i = 0; i < w->repos->len; i++)
		watch_repo_flush(w->repos->pdata[i]);
}

/* The repositories to watch: the command line's, else the config's. */
static bool watch_open_repos(struct watcher *w, GError **error)
{
	GPtrArray *repos = g_ptr_array_new_with_free_func((GDestroyNotify)watch_repo_free);
	g_autoptr(GString) problems = g_string_new(NULL);

	for (char **p = w->opts->repos; p && *p; p++) {
		struct watch_repo *r = NULL;
		g_autoptr(GError) e = NULL;

		if (watch_repo_open(&r, w, *p, NULL, w->fetch_interval, &e))
			g_ptr_array_add(repos, r);
		else
			g_string_append_printf(problems, "%s%s", problems->len ? "\n" : "", e->message);
	}
	for (guint i = 0; !w->opts->repos && i < w->config->repos->len; i++) {
		struct watch_repo_config *c = w->config->repos->pdata[i];
		struct watch_repo *r = NULL;
		g_autoptr(GError) e = NULL;
		guint fetch = c->fetch_interval ? c->fetch_interval : w->fetch_interval;

		if (watch_repo_open(&r, w, c->path, c->branches, fetch, &e))
			g_ptr_array_add(repos, r);
		else
			g_string_append_printf(problems, "%s%s", problems->len ? "\n" : "", e->message);
	}
	if (problems->len || repos->len == 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "%s",
		            problems->len ? problems->str
		                          : "nothing to watch: name a repository or list some in watch.yml");
		g_ptr_array_unref(repos);
		return false;
	}
	if (w->repos)
		g_ptr_array_unref(w->repos);
	w->repos = repos;
	return true;
}

/* Reads the config and applies it: threshold, fetch interval, details command. */
static bool watch_load_config(struct watcher *w, GError **error)
{
	g_autofree char *path = w->opts->config_path ? g_strdup(w->opts->config_path)
	                                             : watch_config_default_path();
	struct watch_config *c = NULL;

	if (!watch_config_load(&c, path, error))
		return false;
	watch_config_free(w->config);
	w->config = c;
	w->threshold = c->has_threshold ? c->threshold : w->opts->threshold;
	w->fetch_interval = w->opts->fetch_interval ? w->opts->fetch_interval : c->fetch_interval;
	return true;
}

static gboolean watch_on_reload(gpointer user_data)
{
	struct watcher *w = user_data;
	g_autoptr(GError) error = NULL;

	watch_log("reloading the configuration");
	if (!watch_load_config(w, &error) || !watch_open_repos(w, &error)) {
		watch_log("reload failed, keeping the running setup: %s", error->message);
		return G_SOURCE_CONTINUE;
	}
	notifier_set_details_command(w->notifier, w->config->details_command);
	watch_check_all(w);
	return G_SOURCE_CONTINUE;
}

static bool watch_setup(struct watcher *w, GError **error)
{
	g_autofree char *pack_path = w->opts->rules_path ? g_strdup(w->opts->rules_path)
	                                                 : rulepack_default_path(w->opts->exe_path);
	g_autofree char *state_path = w->opts->state_path ? g_strdup(w->opts->state_path)
	                                                  : state_default_path();
	g_autofree char *state_dir = g_path_get_dirname(state_path);
	g_autofree char *reports = g_build_filename(state_dir, "reports", NULL);
	g_autofree char *user_rules = g_build_filename(g_get_user_config_dir(), "driftwatch",
	                                               "rules.yml", NULL);

	if (!rulepack_load(&w->pack, pack_path, error))
		return false;
	/* The user's own rule file, as the other commands read it. */
	if (g_file_test(user_rules, G_FILE_TEST_EXISTS) &&
	    !rulepack_overlay(w->pack, user_rules, error))
		return false;
	if (!state_open(&w->state, state_path, error) ||
	    !watch_load_config(w, error))
		return false;
	w->notifier = notifier_new(w->config->details_command, reports);
	return watch_open_repos(w, error);
}

static void watch_teardown(struct watcher *w)
{
	for (size_t i = 0; i < G_N_ELEMENTS(w->signal_sources); i++)
		g_clear_handle_id(&w->signal_sources[i], g_source_remove);
	g_clear_handle_id(&w->rescan_source, g_source_remove);
	if (w->bus_watch)
		g_bus_unwatch_name(w->bus_watch);
	g_clear_pointer(&w->repos, g_ptr_array_unref);
	g_clear_pointer(&w->notifier, notifier_free);
	g_clear_pointer(&w->config, watch_config_free);
	g_clear_pointer(&w->state, state_free);
	g_clear_pointer(&w->pack, rulepack_free);
	g_clear_pointer(&w->loop, g_main_loop_unref);
}

bool watch_run(const struct watch_options *opts, GError **error)
{
	struct watcher w = { .opts = opts };
	bool ok;

	w.loop = g_main_loop_new(NULL, FALSE);
	ok = watch_setup(&w, error);
	if (ok) {
		w.signal_sources[0] = g_unix_signal_add(SIGTERM, watch_on_stop, &w);
		w.signal_sources[1] = g_unix_signal_add(SIGINT, watch_on_stop, &w);
		w.signal_sources[2] = g_unix_signal_add(SIGHUP, watch_on_reload, &w);
		w.rescan_source = g_timeout_add_seconds(MAX(opts->rescan_interval, 1), watch_on_rescan, &w);
		w.bus_watch = g_bus_watch_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
		                               G_BUS_NAME_WATCHER_FLAGS_NONE, watch_on_server, NULL, &w, NULL);
		watch_log("watching %u repositor%s (notify at %s and above)", w.repos->len,
		          w.repos->len == 1 ? "y" : "ies", severity_name(w.threshold));
		watch_check_all(&w);
		g_main_loop_run(w.loop);
	}
	watch_teardown(&w);
	return ok;
}
