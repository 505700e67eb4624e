/*
 * watch.c - the watcher's main loop: set up the rule pack, the state
 * store, the notifier and the repositories; rescan periodically as a
 * safety net for missed file events; stop cleanly on SIGTERM/SIGINT and
 * reload the config on SIGHUP or when watch.yml changes.
 *
 * Having nothing to watch is not an error: a desktop session starts the
 * watcher before anyone wrote watch.yml, and a restart loop helps nobody.
 * It waits for the file (a GFileMonitor on it) and starts then.
 */
#include "monitor_private.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

#include "dw_error.h"
#include "dw_escape.h"

/*
 * libgit2's object cache and open pack files, for a process that runs for
 * weeks. A commit and its trees take about 800 bytes in the cache (the
 * soak benchmark's figure), so 2 MiB still holds the objects of an update
 * of some 2,500 commits.
 */
#define WATCH_GIT_CACHE_BYTES ((size_t)2 << 20)
#define WATCH_GIT_PACKS_OPEN 64

void watch_log(const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	g_autofree char *safe = NULL;
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree char *stamp = g_date_time_format(now, "%H:%M:%S.%f");
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* %f is microseconds; milliseconds are enough. */
	stamp[12] = '\0';
	/* Names, authors, messages and paths come from repositories: escape all of it. */
	safe = dw_escape(msg);
	fprintf(stderr, "driftwatch watch: %s %s\n", stamp, safe);
	fflush(stderr);
}

static void watch_check_all(struct watcher *w)
{
	if (!w->repos)
		return;
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

	for (guint i = 0; w->repos && i < w->repos->len; i++)
		watch_repo_flush(w->repos->pdata[i]);
}

/* Shows a problem of the watcher itself: logged, and notified when a server runs. */
static void watch_problem(struct watcher *w, const char *summary, const char *text)
{
	g_autoptr(GError) error = NULL;

	watch_log("%s: %s", summary, text);
	if (w->notifier && !notifier_problem(w->notifier, summary, text, &error))
		watch_log("cannot notify it: %s", error->message);
}

void watch_state_problem(struct watcher *w, const GError *error)
{
	if (g_strcmp0(w->state_problem, error->message) == 0)
		return;
	g_free(w->state_problem);
	w->state_problem = g_strdup(error->message);
	watch_problem(w, "driftwatch: the state store failed", error->message);
}

/* The repositories to watch: the command line's, else the config's; problems in *problems. */
static GPtrArray *watch_open_repos(struct watcher *w, GString *problems)
{
	GPtrArray *repos = g_ptr_array_new_with_free_func((GDestroyNotify)watch_repo_free);

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
	return repos;
}

/* Replaces the watched set; says what is watched, or that it waits for watch.yml. */
static void watch_set_repos(struct watcher *w, GPtrArray *repos)
{
	if (w->repos)
		g_ptr_array_unref(w->repos);
	w->repos = repos;
	if (repos->len == 0)
		watch_log("nothing to watch yet: waiting for %s to list a repository", w->config_path);
	else
		watch_log("watching %u repositor%s (notify at %s and above)", repos->len,
		          repos->len == 1 ? "y" : "ies", severity_name(w->threshold));
}

/* Reads the config and applies it: threshold, fetch interval, details command. */
static bool watch_load_config(struct watcher *w, GError **error)
{
	struct watch_config *c = NULL;

	if (!watch_config_load(&c, w->config_path, error))
		return false;
	watch_config_free(w->config);
	w->config = c;
	w->threshold = c->has_threshold ? c->threshold : w->opts->threshold;
	w->fetch_interval = w->opts->fetch_interval ? w->opts->fetch_interval : c->fetch_interval;
	return true;
}

static void watch_check_all(struct watcher *w);

static gboolean watch_on_reload(gpointer user_data)
{
	struct watcher *w = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) problems = g_string_new(NULL);

	watch_log("reloading the configuration");
	if (!watch_load_config(w, &error)) {
		watch_problem(w, "driftwatch: watch.yml has problems; keeping the running setup",
		              error->message);
		return G_SOURCE_CONTINUE;
	}
	notifier_set_details_command(w->notifier, w->config->details_command);
	watch_set_repos(w, watch_open_repos(w, problems));
	if (problems->len)
		watch_problem(w, "driftwatch: some repositories cannot be watched", problems->str);
	watch_check_all(w);
	return G_SOURCE_CONTINUE;
}

static gboolean watch_on_config_quiet(gpointer user_data)
{
	struct watcher *w = user_data;

	w->config_reload = 0;
	watch_on_reload(w);
	return G_SOURCE_REMOVE;
}

/* watch.yml appeared, changed or went: reload once things are quiet. */
static void watch_on_config_event(GFileMonitor *m, GFile *file, GFile *other,
                                  GFileMonitorEvent event, gpointer user_data)
{
	struct watcher *w = user_data;

	if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || w->opts->repos)
		return;

	g_clear_handle_id(&w->config_reload, g_source_remove);
	w->config_reload = g_timeout_add(200, watch_on_config_quiet, w);
}

static void watch_monitor_config(struct watcher *w)
{
	g_autoptr(GFile) file = g_file_new_for_path(w->config_path);
	g_autoptr(GError) error = NULL;

	/* GIO watches the directory (and its missing parents) for a missing file. */
	w->config_monitor = g_file_monitor_file(file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
	if (!w->config_monitor) {
		watch_log("cannot monitor %s (SIGHUP reloads it): %s", w->config_path, error->message);
		return;
	}
	g_signal_connect(w->config_monitor, "changed", G_CALLBACK(watch_on_config_event), w);
}

/* "Mute 1 day" from a notification. */
static void watch_on_mute(GPtrArray *alerts, gint64 until, void *user_data)
{
	struct watcher *w = user_data;
	g_autoptr(GError) error = NULL;

	if (!state_mute(w->state, alerts, until, &error)) {
		watch_state_problem(w, error);
		return;
	}
	watch_log("muted %u alert(s) for a day", alerts->len);
}

/* Says once at start what happened to the state store. */
static void watch_state_report(struct watcher *w)
{
	if (state_damage(w->state)) {
		g_autofree char *text = g_strdup_printf("%s; re-analysing what is open at each branch's tip",
		                                        state_damage(w->state));

		w->rebuilt = true;
		watch_problem(w, "driftwatch: the state store was damaged", text);
	}
	if (state_unwritable(w->state))
		watch_problem(w, "driftwatch: the state store cannot be written",
		              state_unwritable(w->state));
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
	g_autoptr(GString) problems = g_string_new(NULL);
	g_autoptr(GError) config_error = NULL;
	GPtrArray *repos;
	pid_t holder = 0;

	w->config_path = w->opts->config_path ? g_strdup(w->opts->config_path)
	                                      : watch_config_default_path();
	if (!watch_lock_acquire(&w->lock, &holder, state_dir, w->opts->replace, error))
		return false;
	if (!rulepack_load(&w->pack, pack_path, error))
		return false;
	/* The user's own rule file, as the other commands read it. */
	if (g_file_test(user_rules, G_FILE_TEST_EXISTS) &&
	    !rulepack_overlay(w->pack, user_rules, error))
		return false;
	if (!state_open(&w->state, state_path, error))
		return false;
	w->notifier = notifier_new(NULL, reports, w->opts->exe_path, watch_on_mute, w);
	watch_state_report(w);
	if (!watch_load_config(w, &config_error)) {
		/* Said, and waited out: the file is reread when it changes. */
		watch_problem(w, "driftwatch: watch.yml has problems; waiting for a fix",
		              config_error->message);
		w->config = g_new0(struct watch_config, 1);
		w->config->repos = g_ptr_array_new();
		w->threshold = w->opts->threshold;
		w->fetch_interval = w->opts->fetch_interval;
	}
	notifier_set_details_command(w->notifier, w->config->details_command);
	repos = watch_open_repos(w, problems);
	/* Repositories named on the command line must open; the config's are reported. */
	if (w->opts->repos && problems->len) {
		g_ptr_array_unref(repos);
		g_set_error_literal(error, DW_ERROR, DW_ERROR_USAGE, problems->str);
		return false;
	}
	if (problems->len)
		watch_problem(w, "driftwatch: some repositories cannot be watched", problems->str);
	watch_set_repos(w, repos);
	if (!w->opts->repos)
		watch_monitor_config(w);
	return true;
}

static void watch_teardown(struct watcher *w)
{
	for (size_t i = 0; i < G_N_ELEMENTS(w->signal_sources); i++)
		g_clear_handle_id(&w->signal_sources[i], g_source_remove);
	g_clear_handle_id(&w->rescan_source, g_source_remove);
	g_clear_handle_id(&w->config_reload, g_source_remove);
	if (w->config_monitor)
		g_signal_handlers_disconnect_by_data(w->config_monitor, w);
	g_clear_object(&w->config_monitor);
	if (w->bus_watch)
		g_bus_unwatch_name(w->bus_watch);
	g_clear_pointer(&w->repos, g_ptr_array_unref);
	g_clear_pointer(&w->notifier, notifier_free);
	g_clear_pointer(&w->config, watch_config_free);
	g_clear_pointer(&w->state, state_free);
	g_clear_pointer(&w->pack, rulepack_free);
	g_clear_pointer(&w->loop, g_main_loop_unref);
	g_clear_pointer(&w->lock, watch_lock_free);
	g_free(w->config_path);
	g_free(w->state_problem);
}

/* Runs `systemctl --user --quiet VERB UNIT`: did it succeed? */
static bool watch_systemctl(const char *verb, const char *unit)
{
	const char *argv[] = { "systemctl", "--user", "--quiet", verb, unit, NULL };
	int status = -1;

	if (!g_spawn_sync(NULL, (char **)argv, NULL,
	                  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, NULL, NULL, &status, NULL))
		return false;
	return g_spawn_check_wait_status(status, NULL);
}

/*
 * Does the systemd user unit run the watcher in this session? Then the
 * XDG autostart entry must not start a second one. GNOME reads
 * X-GNOME-HiddenUnderSystemd itself; other desktops start the entry, and
 * only those whose session reaches graphical-session.target (which the
 * unit is wanted by) start the unit. The lock settles any race left.
 */
static bool watch_systemd_session(void)
{
	const char *runtime = g_getenv("XDG_RUNTIME_DIR");
	g_autofree char *manager = runtime ? g_build_filename(runtime, "systemd", "private", NULL) : NULL;

	return manager && g_file_test(manager, G_FILE_TEST_EXISTS) &&
	       watch_systemctl("is-enabled", "driftwatch-watch.service") &&
	       watch_systemctl("is-active", "graphical-session.target");
}

/*
 * libgit2 keeps commits and trees it read in a cache of up to 256 MiB
 * and every pack file it opened mapped, without limit: a process that
 * reads each new commit for weeks would grow to both. Bounded here, for
 * this process only (libgit2: include/git2/common.h, git_libgit2_opts).
 */
static void watch_bound_libgit2(void)
{
	if (git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)WATCH_GIT_CACHE_BYTES) < 0 ||
	    git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, (size_t)WATCH_GIT_PACKS_OPEN) < 0)
		watch_log("cannot bound libgit2's caches: %s",
		          git_error_last() ? git_error_last()->message : "unknown error");
}

bool watch_run(const struct watch_options *opts, GError **error)
{
	struct watcher w = { .opts = opts };
	bool ok;

	watch_bound_libgit2();
	w.loop = g_main_loop_new(NULL, FALSE);
	if (opts->autostart && watch_systemd_session()) {
		watch_log("the systemd user unit runs the watcher in this session; the autostart entry "
		          "leaves it to systemd");
		g_main_loop_unref(w.loop);
		return true;
	}
	ok = watch_setup(&w, error);
	if (ok) {
		w.signal_sources[0] = g_unix_signal_add(SIGTERM, watch_on_stop, &w);
		w.signal_sources[1] = g_unix_signal_add(SIGINT, watch_on_stop, &w);
		w.signal_sources[2] = g_unix_signal_add(SIGHUP, watch_on_reload, &w);
		w.rescan_source = g_timeout_add_seconds(MAX(opts->rescan_interval, 1), watch_on_rescan, &w);
		w.bus_watch = g_bus_watch_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
		                               G_BUS_NAME_WATCHER_FLAGS_NONE, watch_on_server, NULL, &w, NULL);
		watch_check_all(&w);
		w.rebuilt = false;
		g_main_loop_run(w.loop);
	}
	watch_teardown(&w);
	return ok;
}
