/*
 * state.c - the watcher's memory in SQLite: per repository and branch the
 * last analysed commit, and every alert with when it was found and when
 * it was notified.
 *
 * An alert is recorded, with the branch's new commit, in one transaction
 * before it is shown, and marked notified after; a crash in between shows
 * it again at the next start rather than never. An alert is unique per
 * repository, commit and finding id, so a commit seen first on a local
 * branch and later on its upstream is reported once.
 */
#include "monitor.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "error.h"

#define STATE_SCHEMA_VERSION 1

struct state {
	sqlite3 *db;
	char *path;
};

static const char state_schema[] =
	"CREATE TABLE IF NOT EXISTS branches ("
	"  repo TEXT NOT NULL, branch TEXT NOT NULL, commit_id TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (repo, branch));"
	"CREATE TABLE IF NOT EXISTS alerts ("
	"  id INTEGER PRIMARY KEY, repo TEXT NOT NULL, branch TEXT NOT NULL,"
	"  commit_id TEXT NOT NULL, finding_id TEXT NOT NULL, rule TEXT NOT NULL,"
	"  severity TEXT NOT NULL, resource TEXT, file TEXT, line INTEGER, message TEXT,"
	"  author TEXT, date TEXT, subject TEXT, found_at INTEGER NOT NULL,"
	"  notified_at INTEGER, UNIQUE (repo, commit_id, finding_id));"
	"CREATE INDEX IF NOT EXISTS alerts_found ON alerts (found_at);"
	"PRAGMA user_version = 1;";

static const char state_alert_columns[] =
	"id, repo, branch, commit_id, finding_id, rule, severity, resource, file, line, message, "
	"author, date, subject, found_at, notified_at";

static bool state_fail(struct state *s, GError **error, const char *what)
{
	g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s: %s", s->path, what,
	            sqlite3_errmsg(s->db));
	return false;
}

static bool state_exec(struct state *s, const char *sql, GError **error)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return state_fail(s, error, sql);
	return true;
}

void state_alert_free(struct state_alert *a)
{
	if (!a)
		return;
	g_free(a->repo);
	g_free(a->branch);
	g_free(a->commit);
	g_free(a->finding_id);
	g_free(a->rule);
	g_free(a->resource);
	g_free(a->file);
	g_free(a->message);
	g_free(a->author);
	g_free(a->date);
	g_free(a->subject);
	g_free(a);
}

struct state_alert *state_alert_from_finding(const struct finding *f, const char *repo,
                                             const char *branch)
{
	struct state_alert *a = g_new0(struct state_alert, 1);

	a->repo = g_strdup(repo);
	a->branch = g_strdup(branch);
	a->commit = g_strdup(f->commit ? f->commit : "");
	a->finding_id = g_strdup(f->id);
	a->rule = g_strdup(f->rule ? f->rule->id : "");
	a->severity = f->severity;
	a->resource = g_strdup(f->resource);
	a->file = g_strdup(f->file);
	a->line = f->line;
	a->message = g_strdup(f->message);
	a->author = g_strdup(f->author);
	a->date = g_strdup(f->date);
	a->subject = g_strdup(f->subject);
	a->found_at = g_get_real_time() / G_USEC_PER_SEC;
	return a;
}

char *state_default_path(void)
{
	return g_build_filename(g_get_user_state_dir(), "driftwatch", "state.db", NULL);
}

static bool state_schema_check(struct state *s, GError **error)
{
	sqlite3_stmt *st = NULL;
	int version = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "reading the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STATE_SCHEMA_VERSION) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED,
		            "%s: written by a newer driftwatch (schema %d, this one knows %d)", s->path,
		            version, STATE_SCHEMA_VERSION);
		return false;
	}
	return state_exec(s, state_schema, error);
}

bool state_open(struct state **out, const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	struct state *s;

	if (g_mkdir_with_parents(dir, 0700) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: cannot create: %s", dir,
		            g_strerror(errno));
		return false;
	}
	s = g_new0(struct state, 1);
	s->path = g_strdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		state_fail(s, error, "cannot open");
		state_free(s);
		return false;
	}
	/* history may read while the watcher writes: WAL, and wait for locks. */
	sqlite3_busy_timeout(s->db, 5000);
	if (!state_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", error) ||
	    !state_schema_check(s, error)) {
		state_free(s);
		return false;
	}
	*out = s;
	return true;
}

void state_free(struct state *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	g_free(s->path);
	g_free(s);
}

static void state_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(st, col, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

bool state_branch_get(char **out, struct state *s, const char *repo, const char *branch,
                      GError **error)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT commit_id FROM branches WHERE repo = ? AND branch = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "reading a branch");
	state_bind_text(st, 1, repo);
	state_bind_text(st, 2, branch);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return state_fail(s, error, "reading a branch");
	}
	*out = rc == SQLITE_ROW ? g_strdup((const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return true;
}

static bool state_insert_alert(struct state *s, sqlite3_stmt *st, struct state_alert *a,
                               GError **error)
{
	sqlite3_reset(st);
	state_bind_text(st, 1, a->repo);
	state_bind_text(st, 2, a->branch);
	state_bind_text(st, 3, a->commit);
	state_bind_text(st, 4, a->finding_id);
	state_bind_text(st, 5, a->rule);
	state_bind_text(st, 6, severity_name(a->severity));
	state_bind_text(st, 7, a->resource);
	state_bind_text(st, 8, a->file);
	sqlite3_bind_int(st, 9, (int)a->line);
	state_bind_text(st, 10, a->message);
	state_bind_text(st, 11, a->author);
	state_bind_text(st, 12, a->date);
	state_bind_text(st, 13, a->subject);
	sqlite3_bind_int64(st, 14, a->found_at);
	if (sqlite3_step(st) != SQLITE_DONE)
		return state_fail(s, error, "storing an alert");
	a->rowid = sqlite3_changes(s->db) > 0 ? sqlite3_last_insert_rowid(s->db) : 0;
	return true;
}

static bool state_record_steps(struct state *s, const char *repo, const char *branch,
                               const char *commit, GPtrArray *alerts, GError **error)
{
	sqlite3_stmt *st = NULL;
	bool ok = true;

	if (sqlite3_prepare_v2(s->db,
	                       "INSERT INTO alerts (repo, branch, commit_id, finding_id, rule,"
	                       " severity, resource, file, line, message, author, date, subject, found_at)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	                       " ON CONFLICT (repo, commit_id, finding_id) DO NOTHING",
	                       -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "storing alerts");
	for (guint i = 0; ok && alerts && i < alerts->len; i++)
		ok = state_insert_alert(s, st, alerts->pdata[i], error);
	sqlite3_finalize(st);
	if (!ok)
		return false;
	if (sqlite3_prepare_v2(s->db,
	                       "INSERT OR REPLACE INTO branches (repo, branch, commit_id, updated_at)"
	                       " VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "storing a branch");
	state_bind_text(st, 1, repo);
	state_bind_text(st, 2, branch);
	state_bind_text(st, 3, commit);
	sqlite3_bind_int64(st, 4, g_get_real_time() / G_USEC_PER_SEC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok || state_fail(s, error, "storing a branch");
}

bool state_record(struct state *s, const char *repo, const char *branch, const char *commit,
                  GPtrArray *alerts, GError **error)
{
	if (!state_exec(s, "BEGIN IMMEDIATE", error))
		return false;
	if (!state_record_steps(s, repo, branch, commit, alerts, error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		for (guint i = 0; alerts && i < alerts->len; i++)
			((struct state_alert *)alerts->pdata[i])->rowid = 0;
		return false;
	}
	return state_exec(s, "COMMIT", error);
}

static char *state_column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *text = sqlite3_column_text(st, col);

	return text ? g_strdup((const char *)text) : NULL;
}

static struct state_alert *state_alert_read(sqlite3_stmt *st)
{
	struct state_alert *a = g_new0(struct state_alert, 1);
	const char *sev = (const char *)sqlite3_column_text(st, 6);

	a->rowid = sqlite3_column_int64(st, 0);
	a->repo = state_column_dup(st, 1);
	a->branch = state_column_dup(st, 2);
	a->commit = state_column_dup(st, 3);
	a->finding_id = state_column_dup(st, 4);
	a->rule = state_column_dup(st, 5);
	if (!sev || !severity_parse(&a->severity, sev))
		a->severity = SEVERITY_INFO;
	a->resource = state_column_dup(st, 7);
	a->file = state_column_dup(st, 8);
	a->line = (unsigned)sqlite3_column_int(st, 9);
	a->message = state_column_dup(st, 10);
	a->author = state_column_dup(st, 11);
	a->date = state_column_dup(st, 12);
	a->subject = state_column_dup(st, 13);
	a->found_at = sqlite3_column_int64(st, 14);
	a->notified_at = sqlite3_column_int64(st, 15);
	return a;
}

/* Runs a SELECT of state_alert_columns with where (binding repo, then since if >= 0). */
static bool state_select(GPtrArray *out, struct state *s, const char *where, const char *repo,
                         gint64 since, GError **error)
{
	g_autofree char *sql = g_strdup_printf("SELECT %s FROM alerts WHERE %s ORDER BY id",
	                                       state_alert_columns, where);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "reading alerts");
	state_bind_text(st, 1, repo);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, state_alert_read(st));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || state_fail(s, error, "reading alerts");
}

bool state_pending(GPtrArray *out, struct state *s, const char *repo, GError **error)
{
	return state_select(out, s, "repo = ?1 AND notified_at IS NULL", repo, 0, error);
}

bool state_alerts(GPtrArray *out, struct state *s, const char *repo, gint64 since,
                  GError **error)
{
	return state_select(out, s, "(?1 IS NULL OR repo = ?1) AND found_at >= ?2", repo, since,
	                    error);
}

static bool state_mark_steps(struct state *s, GPtrArray *alerts, gint64 now, GError **error)
{
	sqlite3_stmt *st = NULL;
	bool ok = true;

	if (sqlite3_prepare_v2(s->db, "UPDATE alerts SET notified_at = ? WHERE id = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return state_fail(s, error, "marking alerts notified");
	for (guint i = 0; ok && i < alerts->len; i++) {
		struct state_alert *a = alerts->pdata[i];

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, a->rowid);
		ok = sqlite3_step(st) == SQLITE_DONE;
		if (ok)
			a->notified_at = now;
	}
	sqlite3_finalize(st);
	return ok || state_fail(s, error, "marking alerts notified");
}

bool state_mark_notified(struct state *s, GPtrArray *alerts, GError **error)
{
	if (!state_exec(s, "BEGIN IMMEDIATE", error))
		return false;
	if (!state_mark_steps(s, alerts, g_get_real_time() / G_USEC_PER_SEC, error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return state_exec(s, "COMMIT", error);
}
