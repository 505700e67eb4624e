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
 * Findings (struct finding *) of the net change from base (exclusive,
 * NULL: none) to tip, each attributed to the commit of the range that
 * introduced it (walk_attribute(), as the gate does), with that commit's
 * approval trailers applied; those no single commit explains are
 * attributed to tip.
 */
bool analyse_range(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                   const git_oid *tip, GError **error);

/*
 * What is open at tip: everything tip's tree exposes, as if added by tip
 * (used when the state store was rebuilt and the history is unknown).
 */
bool analyse_open(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *tip,
                  GError **error);

/*
 * Where to analyse from when the branch moved from stored to tip: stored
 * itself when tip descends from it, else (a force-push) their merge base.
 * *found is false when they share no history.
 */
bool analyse_base(git_oid *out, bool *found, git_repository *repo, const git_oid *stored,
                  const git_oid *tip, GError **error);

/* ---- notify.c, notify_details.c, ports.c ---- */

/* "Mute 1 day" on the alerts (struct state_alert *) of a notification, until then. */
typedef void (*notifier_mute_fn)(GPtrArray *alerts, gint64 until, void *user_data);

struct notifier;
/* exe_path runs `driftwatch explain`; mute is called for "Mute 1 day". */
struct notifier *notifier_new(const char *details_command, const char *report_dir,
                              const char *exe_path, notifier_mute_fn mute, void *user_data);
void notifier_free(struct notifier *n);
/* The command "Show" runs (NULL: xdg-open), for a reloaded config. */
void notifier_set_details_command(struct notifier *n, const char *command);
/*
 * One notification for the alerts (struct state_alert *, kept referenced
 * for the actions) of one update of one repository: worst first, with a
 * count. False (and error) when no notification server answered; the
 * caller keeps them pending.
 */
bool notifier_show(struct notifier *n, GPtrArray *alerts, GError **error);
/* A notification about the watcher itself (its state store, its config). */
bool notifier_problem(struct notifier *n, const char *summary, const char *text, GError **error);

/* The summary and body notifier_show() sends (no markup), newly allocated. */
char *notifier_summary(GPtrArray *alerts);
char *notifier_body(GPtrArray *alerts);
/* One finding in a line: "Redis newly reachable from the Internet: tcp/6379 (Redis)". */
char *notifier_headline(const struct state_alert *a);
/* path with the home directory as "~". */
char *notifier_short_path(const char *path);

/* The details page of a notification, as HTML (notify_details.c). */
char *notifier_details_render(GPtrArray *alerts);
/* Writes it under report_dir; its path, or NULL and error. */
char *notifier_details_write(const char *report_dir, GPtrArray *alerts, GError **error);

/* The service on a well-known port ("SSH" for tcp/22), or NULL. */
const char *port_service_name(const char *proto, unsigned port);
/* "tcp/22,8080-8081" -> "tcp/22 (SSH),8080-8081"; a name context (NULL: none) has is left out. */
char *port_annotate(const char *set, const char *context);
/* The ports a set lets anyone in on, "tcp/22,8080-8081 udp/53" (the
 * protocols with ports only; "" for none). New string. */
char *port_list(const exposure *set);

/* ---- lock.c ---- */

struct watch_lock;
/*
 * Takes the lock of state_dir (watch.lock), or fails with
 * WATCH_ERROR_RUNNING naming the holder (its pid also in *holder). With
 * replace, asks the holder to stop (SIGTERM) and waits for the lock.
 */
bool watch_lock_acquire(struct watch_lock **out, pid_t *holder, const char *state_dir,
                        bool replace, GError **error);
void watch_lock_free(struct watch_lock *l);

/* ---- watch.c, watch_repo.c ---- */

/* The daemon: what every watched repository shares. */
struct watcher {
	const struct watch_options *opts; /* borrowed from the caller of watch_run() */
	GMainLoop *loop;
	struct rulepack *pack;
	struct state *state;
	struct notifier *notifier;
	struct watch_config *config;
	char *config_path;
	GFileMonitor *config_monitor; /* watch.yml appearing, changing, going */
	guint config_reload;      /* pending debounced reload */
	struct watch_lock *lock;
	bool rebuilt;             /* the state was rebuilt: analyse what is open at each tip */
	char *state_problem;      /* last state error shown, so it is shown once */
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
	char *name;               /* ~/short/path, for logs and notifications */
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
	GHashTable *unsaved;      /* ref -> tip hex analysed but not stored (state unwritable) */
	bool analysed;            /* this check parsed something: its parse cache is dropped */
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
/* Shows a state store error once (log and notification) until another one. */
void watch_state_problem(struct watcher *w, const GError *error);
/*
 * The remote-tracking ref branch (a full ref name) follows, or NULL; a ref
 * outside refs/heads/ has none.
 */
char *watch_repo_upstream(git_repository *repo, const char *branch);

#endif
