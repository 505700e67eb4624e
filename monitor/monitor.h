/*
 * monitor.h - the desktop watcher: a GLib main loop that follows branches
 * of local repositories, analyses every new commit with the engine
 * (pipeline/scan.h, pipeline/walk.h), notifies through libnotify, and remembers in SQLite what
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

/* Failures of the watcher a caller acts on (domain WATCH_ERROR). */
#define WATCH_ERROR (watch_error_quark())
GQuark watch_error_quark(void);
enum watch_error_code {
	WATCH_ERROR_RUNNING,    /* another watcher holds the lock: not a failure */
	WATCH_ERROR_DAMAGED,    /* state.db is corrupt; state_recover() starts afresh */
	WATCH_ERROR_UNWRITABLE, /* state.db is read-only or its disk is full */
};

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
	gint64 acknowledged_at; /* unix seconds ("Mute 1 day"), 0: not */
	char *kind;          /* "AWS security group", or NULL */
	char *widened;       /* as struct finding, or NULL */
	char *before;
	char *after;
	char *headline;      /* as struct finding, or NULL */
};

void state_alert_free(struct state_alert *a);
/* A new alert copying what it needs from f (which must carry its commit). */
struct state_alert *state_alert_from_finding(const struct finding *f, const char *repo,
                                             const char *branch);

/* $XDG_STATE_HOME/driftwatch/state.db. Newly allocated. */
char *state_default_path(void);

/*
 * Opens (creating the file, its directory and the schema if needed) the
 * store at path and checks it (PRAGMA quick_check). A damaged file (not
 * a database, truncated, corrupt) is moved aside to
 * path.damaged-YYYYMMDDTHHMMSS and a fresh store started: state_damage()
 * then says so. A store that cannot be written (read-only, disk full) is
 * copied into memory, so the watcher still works without remembering:
 * state_unwritable() says why. Other failures: one line, prefixed with
 * the path.
 */
bool state_open(struct state **out, const char *path, GError **error);
void state_free(struct state *s);
/* Opens the store at path for reading only (history); no check, no repair. */
bool state_open_readonly(struct state **out, const char *path, GError **error);

/* What happened to a damaged store ("moved aside to X: reason"), or NULL. Borrowed. */
const char *state_damage(const struct state *s);
/* Why the store is kept in memory only, or NULL. Borrowed. */
const char *state_unwritable(const struct state *s);
/*
 * Moves a store found damaged while running aside and starts a fresh one,
 * as state_open() does; state_damage() says so afterwards.
 */
bool state_recover(struct state *s, const char *reason, GError **error);

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

/* Which alerts state_alerts() returns. */
struct state_query {
	const char *repo;        /* NULL: every repository */
	gint64 since;            /* found at or after (unix seconds) */
	enum severity min;       /* at or above */
	bool unacknowledged;     /* only those not muted */
	guint limit;             /* 0: all */
	bool oldest_first;       /* default: newest first */
};
#define STATE_QUERY_INIT { NULL, 0, SEVERITY_INFO, false, 0, false }

bool state_alerts(GPtrArray *out, struct state *s, const struct state_query *q, GError **error);

/*
 * "Mute 1 day": marks the alerts (struct state_alert *) acknowledged and
 * mutes their finding ids in their repository until `until` (unix seconds).
 */
bool state_mute(struct state *s, GPtrArray *alerts, gint64 until, GError **error);
/* Is finding_id of repo muted at now? */
bool state_muted(bool *out, struct state *s, const char *repo, const char *finding_id, gint64 now,
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
	bool replace;            /* stop a watcher already running on this state and take over */
	bool autostart;          /* started by the XDG autostart entry: defer to a systemd session */
};
#define WATCH_OPTIONS_INIT { NULL, NULL, NULL, NULL, NULL, 0, 60, 300, SEVERITY_HIGH, false, false }

/*
 * Runs the watcher until SIGTERM or SIGINT (SIGHUP, or a change of the
 * config file, reloads the config). With no repository to watch it waits
 * for watch.yml to list one. Fails with WATCH_ERROR_RUNNING when another
 * watcher runs on the same state (not a failure for the caller), else
 * when a repository named on the command line cannot be opened or the
 * state store cannot be used at all.
 */
bool watch_run(const struct watch_options *opts, GError **error);

/* "30s", "5m", "1h", "90" (seconds): seconds in *out, 1 s to 1 day. */
bool watch_duration_parse(guint *out, const char *text, GError **error);

#endif
