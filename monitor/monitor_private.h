/*
 * monitor_private.h - what the files of monitor/ share: debouncing, the
 * config file, analysing a range of commits, and notifications.
 */
#ifndef DW_MONITOR_PRIVATE_H
#define DW_MONITOR_PRIVATE_H

#include <gio/gio.h>
#include <git2.h>
#include <glib.h>
#include <stdbool.h>

#include "monitor.h"
#include "scan.h"

/* ---- debounce.c ---- */

/*
 * Calls fn once things have been quiet for quiet_ms after the last poke,
 * and at the latest max_ms after the first poke of a burst, so that a
 * rebase of 50 commits is analysed once and an endless stream of events
 * still gets analysed. Runs on the thread-default main context.
 */
typedef void (*debounce_fn)(void *user_data);
struct debounce;
struct debounce *debounce_new(guint quiet_ms, guint max_ms, debounce_fn fn, void *user_data);
void debounce_poke(struct debounce *d);
/* Drops a pending call. */
void debounce_cancel(struct debounce *d);
void debounce_free(struct debounce *d);

/* Is an event on this file name (in .git or under refs/) worth a rescan? Not "*.lock". */
bool debounce_name_relevant(const char *name);

/* ---- config.c ---- */

struct watch_repo_config {
	char *path;          /* as written, "~/" expanded */
	char **branches;     /* NULL-terminated, or NULL: the current branch and its upstream */
	guint fetch_interval; /* seconds, 0: the global one */
};

struct watch_config {
	GPtrArray *repos;    /* struct watch_repo_config * */
	guint fetch_interval;
	bool has_threshold;
	enum severity threshold;
	char *details_command; /* run with the report file appended, or NULL: xdg-open */
};

/*
 * Reads watch.yml. A missing file is an empty config; every problem is
 * reported with path:line, all of them in one error.
 */
bool watch_config_load(struct watch_config **out, const char *path, GError **error);
void watch_config_free(struct watch_config *c);
typedef struct watch_config watch_config;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(watch_config, watch_config_free)
char *watch_config_default_path(void);

/* ---- analyse.c ---- */

/*
 * Findings (struct finding *) that the commits from base (exclusive, NULL:
 * none) to tip brought and that still hold at tip: each non-merge commit
 * is compared with its first parent as audit does, and a finding is kept
 * when the net change base -> tip still has its rule on its resource. Net
 * findings no single commit explains are attributed to tip.
 */
bool analyse_range(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                   const git_oid *tip, GError **error);

/* Fills the commit fields of findings from index start on. */
void analyse_set_commit(GPtrArray *findings, guint start, git_commit *commit);

/*
 * Where to analyse from when the branch moved from stored to tip: stored
 * itself when tip descends from it, else (a force-push) their merge base.
 * *found is false when they share no history.
 */
bool analyse_base(git_oid *out, bool *found, git_repository *repo, const git_oid *stored,
                  const git_oid *tip, GError **error);

/* ---- notify.c ---- */

struct notifier;
struct notifier *notifier_new(const char *details_command, const char *report_dir);
void notifier_free(struct notifier *n);
/* The command "Show details" runs (NULL: xdg-open), for a reloaded config. */
void notifier_set_details_command(struct notifier *n, const char *command);
/*
 * One notification for the alerts (struct state_alert *) of one update
 * of repository name: worst first, with a count. False (and error) when
 * no notification server answered; the caller keeps them pending.
 */
bool notifier_show(struct notifier *n, const char *name, GPtrArray *alerts, GError **error);

/* The summary and body notifier_show() sends, newly allocated. */
char *notifier_summary(const char *name, GPtrArray *alerts);
char *notifier_body(GPtrArray *alerts);

/* ---- watch.c, watch_repo.c ---- */

/* The daemon: what every watched repository shares. */
struct watcher {
	const struct watch_options *opts; /* borrowed from the caller of watch_run() */
	GMainLoop *loop;
	struct rulepack *pack;
	struct state *state;
	struct notifier *notifier;
	struct watch_config *config;
	GPtrArray *repos;         /* struct watch_repo * */
	enum severity threshold;  /* notify at or above */
	guint fetch_interval;     /* seconds, 0: never */
	guint rescan_source;
	guint signal_sources[3];  /* SIGTERM, SIGINT, SIGHUP */
	guint bus_watch;          /* org.freedesktop.Notifications appearing */
};

/* One repository: its monitors, its debounce, its fetch. */
struct watch_repo {
	struct watcher *w;        /* parent */
	char *path;               /* work tree (or git dir when bare), no trailing '/' */
	char *name;               /* its base name, for notifications */
	git_repository *repo;
	struct scan *scan;
	char **branches;          /* configured names, or NULL: current branch and upstream */
	GHashTable *monitors;     /* directory path -> GFileMonitor * */
	struct debounce *debounce;
	guint fetch_interval;     /* seconds, 0: never */
	guint fetch_source;
	GSubprocess *fetch;       /* running `git fetch`, or NULL */
	GCancellable *cancel;     /* cancels the fetch when the repository is closed */
	bool fetch_failing;       /* reported once until it works again */
	bool notify_failing;      /* likewise for the notification server */
};

/* Logs one line to stderr with the program name (the journal keeps it). */
void watch_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

bool watch_repo_open(struct watch_repo **out, struct watcher *w, const char *path,
                     char **branches, guint fetch_interval, GError **error);
void watch_repo_free(struct watch_repo *r);
/* Analyses every followed branch, then notifies what is pending. */
void watch_repo_check(struct watch_repo *r);
/* Notifies the alerts of r still pending (the server was away). */
void watch_repo_flush(struct watch_repo *r);

#endif
