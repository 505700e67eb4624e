/*
 * monitor.h - the desktop watcher: a GLib main loop that follows branches
 * of local repositories, analyses every new commit with the engine
 * (git/scan.h), notifies through libnotify, and remembers in SQLite what
 * it analysed and what it told the user.
 *
 * Two front-ends use it: `driftwatch watch` runs watch_run(); `driftwatch
 * history` reads the state store.
 */
#ifndef DW_MONITOR_H
#define DW_MONITOR_H

#include <glib.h>
#include <stdbool.h>

#include "rulepack.h"

/* ---- the state store ---- */

struct state;

/* An alert: a finding the watcher notified (or will, when notified_at is 0). */
struct state_alert {
	gint64 rowid;
	char *repo;          /* absolute path of the repository */
	char *branch;        /* full ref name it was first seen on */
	char *commit;        /* hex id */
	char *finding_id;
	char *rule;
	enum severity severity;
	char *resource;
	char *file;
	unsigned line;
	char *message;
	char *author;
	char *date;
	char *subject;
	gint64 found_at;     /* unix seconds */
	gint64 notified_at;  /* unix seconds, 0 while not yet delivered */
};

void state_alert_free(struct state_alert *a);
/* A new alert copying what it needs from f (which must carry its commit). */
struct state_alert *state_alert_from_finding(const struct finding *f, const char *repo,
                                             const char *branch);

/* $XDG_STATE_HOME/driftwatch/state.db. Newly allocated. */
char *state_default_path(void);

/*
 * Opens (creating the file, its directory and the schema if needed) the
 * store at path. Fails with the SQLite message, prefixed with the path.
 */
bool state_open(struct state **out, const char *path, GError **error);
void state_free(struct state *s);

/* The last commit analysed on (repo, branch), newly allocated, or NULL in *out. */
bool state_branch_get(char **out, struct state *s, const char *repo, const char *branch,
                      GError **error);

/*
 * In one transaction: stores alerts (struct state_alert *, borrowed) not
 * already known for their repository and commit, and sets (repo, branch)
 * to commit. Either all of it is stored or none. Each alert's rowid is set
 * when stored, left 0 when it was already known.
 */
bool state_record(struct state *s, const char *repo, const char *branch, const char *commit,
                  GPtrArray *alerts, GError **error);

/* The alerts of repo not yet notified, oldest first (struct state_alert *). */
bool state_pending(GPtrArray *out, struct state *s, const char *repo, GError **error);

/* Marks alerts (struct state_alert *) notified now, in one transaction. */
bool state_mark_notified(struct state *s, GPtrArray *alerts, GError **error);

/* Every alert found at or after since (unix seconds), of repo if not NULL, oldest first. */
bool state_alerts(GPtrArray *out, struct state *s, const char *repo, gint64 since,
                  GError **error);

/* ---- the watcher ---- */

struct watch_options {
	char **repos;            /* from the command line (NULL-terminated), or NULL: the config's */
	char *config_path;       /* NULL: $XDG_CONFIG_HOME/driftwatch/watch.yml (may be absent) */
	char *rules_path;        /* rule pack; NULL: rulepack_default_path(exe_path) */
	const char *exe_path;
	char *state_path;        /* NULL: state_default_path() */
	guint fetch_interval;    /* seconds, 0: never fetch (a repository's config may set its own) */
	guint rescan_interval;   /* seconds between safety-net rescans */
	guint debounce_ms;       /* quiet time after the last ref event */
	enum severity threshold; /* notify at or above; log the rest */
};
#define WATCH_OPTIONS_INIT { NULL, NULL, NULL, NULL, NULL, 0, 60, 300, SEVERITY_HIGH }

/*
 * Runs the watcher until SIGTERM or SIGINT (SIGHUP reloads the config).
 * Fails when nothing can be watched or the state store cannot be opened.
 */
bool watch_run(const struct watch_options *opts, GError **error);

/* "30s", "5m", "1h", "90" (seconds): seconds in *out, 1 s to 1 day. */
bool watch_duration_parse(guint *out, const char *text, GError **error);

#endif
