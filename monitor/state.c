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
#include <unistd.h>

#include "dw_error.h"

#define STATE_SCHEMA_VERSION 3

struct state {
	sqlite3 *db;
	char *path;
	char *damage;     /* what was done with a damaged file, or NULL */
	char *unwritable; /* why the store lives in memory only, or NULL */
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
	"CREATE TABLE IF NOT EXISTS mutes ("
	"  repo TEXT NOT NULL, finding_id TEXT NOT NULL, until INTEGER NOT NULL,"
	"  PRIMARY KEY (repo, finding_id));";

/* Schema 1 -> 2: acknowledgements, and the sets audit's JSON carries. */
static const char state_schema_v2[] =
	"ALTER TABLE alerts ADD COLUMN acknowledged_at INTEGER;"
	"ALTER TABLE alerts ADD COLUMN kind TEXT;"
	"ALTER TABLE alerts ADD COLUMN widened TEXT;"
	"ALTER TABLE alerts ADD COLUMN before_set TEXT;"
	"ALTER TABLE alerts ADD COLUMN after_set TEXT;";

/* Schema 2 -> 3: the finding's headline, so that a notification's title
 * is not cut out of its message. */
static const char state_schema_v3[] = "ALTER TABLE alerts ADD COLUMN headline TEXT;";

static const char state_alert_columns[] =
	"id, repo, branch, commit_id, finding_id, rule, severity, resource, file, line, message, "
	"author, date, subject, found_at, notified_at, acknowledged_at, kind, widened, before_set, "
	"after_set, headline";

GQuark watch_error_quark(void)
{
	return g_quark_from_static_string("driftwatch-watch-error");
}

/* The error's code for SQLite's: damage and unwritable files get their own. */
static int state_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return WATCH_ERROR_DAMAGED;
	case SQLITE_READONLY:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_IOERR:
		return WATCH_ERROR_UNWRITABLE;
	default:
		return -1;
	}
}

/* One line: "path: what: SQLite's message" (what is a few words, never SQL). */
static bool state_fail(struct state *s, GError **error, const char *what)
{
	int code = state_code(sqlite3_extended_errcode(s->db));

	if (code >= 0)
		g_set_error(error, WATCH_ERROR, code, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
	else
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s: %s", s->path, what,
		            sqlite3_errmsg(s->db));
	return false;
}

static bool state_exec(struct state *s, const char *sql, const char *what, GError **error)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return state_fail(s, error, what);
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
	g_free(a->kind);
	g_free(a->widened);
	g_free(a->before);
	g_free(a->after);
	g_free(a->headline);
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
	a->kind = g_strdup(f->kind);
	a->widened = g_strdup(f->widened);
	a->before = g_strdup(f->before);
	a->after = g_strdup(f->after);
	a->headline = g_strdup(f->headline);
	a->found_at = g_get_real_time() / G_USEC_PER_SEC;
	return a;
}

char *state_default_path(void)
{
	return g_build_filename(g_get_user_state_dir(), "driftwatch", "state.db", NULL);
}

/* The schema version the file says, creating or upgrading the schema to this one's. */
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
	if (version == STATE_SCHEMA_VERSION)
		return true;
	if (!state_exec(s, "BEGIN IMMEDIATE", "creating the schema", error))
		return false;
	if (!state_exec(s, state_schema, "creating the schema", error) ||
	    (version <= 1 && !state_exec(s, state_schema_v2, "upgrading the schema", error)) ||
	    (version <= 2 && !state_exec(s, state_schema_v3, "upgrading the schema", error)) ||
	    !state_exec(s, "PRAGMA user_version = 3", "creating the schema", error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return state_exec(s, "COMMIT", "creating the schema", error);
}

/* PRAGMA quick_check: "ok", or the first problem it names (in *problem). */
static bool state_quick_check(char **problem, struct state *s)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL);

	*problem = NULL;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);

		if (!text || strcmp(text, "ok") != 0)
			*problem = g_strdup(text ? text : "quick_check gave no answer");
	} else {
		*problem = g_strdup(sqlite3_errmsg(s->db));
	}
	sqlite3_finalize(st);
	return *problem == NULL;
}

/*
 * A file SQLite would take for a fresh, empty database although it is
 * not: emptied or cut short of a whole page (a page-aligned cut is left to
 * quick_check). An empty file beside a non-empty write-ahead log is a
 * database whose pages all wait in the log.
 */
static char *state_truncated(const char *path)
{
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	unsigned char head[100];
	GStatBuf st, wst;
	FILE *f;
	size_t n = 0;
	unsigned page;

	if (g_stat(path, &st) < 0)
		return NULL;
	if (st.st_size == 0)
		return g_stat(wal, &wst) == 0 && wst.st_size > 0 ? NULL : g_strdup("the file is empty");
	f = fopen(path, "rb");
	if (f) {
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	if (n < sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0)
		return g_strdup("not an SQLite database (cut short or overwritten)");
	/* Page size: big-endian at offset 16; 1 means 65536. */
	page = (unsigned)head[16] << 8 | head[17];
	page = page == 1 ? 65536 : page;
	if (page >= 512 && st.st_size % page != 0)
		return g_strdup_printf("cut short: %lld bytes is not a whole number of %u-byte pages",
		                       (long long)st.st_size, page);
	return NULL;
}

/* Moves path (and its -wal and -shm) to path.damaged-STAMP; the new name in *moved. */
static bool state_move_aside(char **moved, const char *path, GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
	g_autofree char *to = g_strdup_printf("%s.damaged-%s", path, stamp);
	const char *const sides[] = { "-wal", "-shm" };

	if (g_rename(path, to) < 0) {
		g_set_error(error, WATCH_ERROR, WATCH_ERROR_UNWRITABLE,
		            "%s: damaged, and cannot be moved aside: %s", path, g_strerror(errno));
		return false;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
		g_autofree char *from = g_strconcat(path, sides[i], NULL);
		g_autofree char *side_to = g_strconcat(to, sides[i], NULL);

		if (g_file_test(from, G_FILE_TEST_EXISTS))
			g_rename(from, side_to);
	}
	*moved = g_steal_pointer(&to);
	return true;
}

static bool state_connect(struct state *s, GError **error)
{
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return state_fail(s, error, "cannot open");
	/* history may read while the watcher writes: WAL, and wait for locks. */
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		g_set_error(error, WATCH_ERROR, WATCH_ERROR_UNWRITABLE, "%s: read-only", s->path);
		return false;
	}
	return state_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
	                  "setting the journal", error);
}

/* Opens the file, checks it and its schema; damage is WATCH_ERROR_DAMAGED with the reason. */
static bool state_connect_checked(struct state *s, GError **error)
{
	g_autofree char *cut = state_truncated(s->path);
	g_autofree char *problem = NULL;

	if (cut) {
		g_set_error(error, WATCH_ERROR, WATCH_ERROR_DAMAGED, "%s", cut);
		return false;
	}
	if (!state_connect(s, error))
		return false;
	if (!state_quick_check(&problem, s)) {
		int code = state_code(sqlite3_extended_errcode(s->db));

		g_set_error(error, WATCH_ERROR, code == WATCH_ERROR_UNWRITABLE ? code : WATCH_ERROR_DAMAGED,
		            "%s", problem);
		return false;
	}
	return state_schema_check(s, error);
}

static void state_disconnect(struct state *s)
{
	sqlite3_close(s->db);
	s->db = NULL;
}

bool state_recover(struct state *s, const char *reason, GError **error)
{
	g_autofree char *moved = NULL;

	state_disconnect(s);
	if (!state_move_aside(&moved, s->path, error))
		return false;
	g_free(s->damage);
	s->damage = g_strdup_printf("%s was damaged (%s); moved aside to %s and started afresh",
	                            s->path, reason, moved);
	return state_connect(s, error) && state_schema_check(s, error);
}

/* Why path cannot be written, in a few words. */
static const char *state_unwritable_reason(struct state *s, const char *dir)
{
	if (access(dir, W_OK) < 0)
		return errno == EROFS ? "read-only file system" : "its directory is not writable";
	if (g_file_test(s->path, G_FILE_TEST_EXISTS) && access(s->path, W_OK) < 0)
		return errno == EROFS ? "read-only file system" : "the file is read-only";
	if (s->db && (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_FULL)
		return "the disk is full";
	return s->db ? sqlite3_errmsg(s->db) : "cannot open";
}

/*
 * Keeps working without writing: the file's content (when readable)
 * copied into an in-memory database, so what was analysed is still known.
 */
static bool state_in_memory(struct state *s, const char *why, GError **error)
{
	sqlite3 *file = NULL;
	sqlite3_backup *b;

	state_disconnect(s);
	g_free(s->unwritable);
	s->unwritable = g_strdup_printf("%s cannot be written (%s): alerts are kept in memory and "
	                                "forgotten at exit until it can",
	                                s->path, why);
	if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return state_fail(s, error, "cannot open in memory");
	if (sqlite3_open_v2(s->path, &file, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    (b = sqlite3_backup_init(s->db, "main", file, "main"))) {
		sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
	}
	sqlite3_close(file);
	return state_schema_check(s, error);
}

bool state_open(struct state **out, const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autoptr(GError) e = NULL;
	struct state *s = g_new0(struct state, 1);
	bool ok;

	s->path = g_strdup(path);
	if (g_mkdir_with_parents(dir, 0700) < 0)
		ok = state_in_memory(s, g_strerror(errno), error);
	else if (state_connect_checked(s, &e))
		ok = true;
	else if (g_error_matches(e, WATCH_ERROR, WATCH_ERROR_DAMAGED))
		ok = state_recover(s, e->message, error);
	else if (g_error_matches(e, WATCH_ERROR, WATCH_ERROR_UNWRITABLE))
		ok = state_in_memory(s, state_unwritable_reason(s, dir), error);
	else
		ok = (g_propagate_error(error, g_steal_pointer(&e)), false);
	if (!ok) {
		state_free(s);
		return false;
	}
	*out = s;
	return true;
}

bool state_open_readonly(struct state **out, const char *path, GError **error)
{
	struct state *s = g_new0(struct state, 1);
	sqlite3 *file = NULL;
	sqlite3_backup *b;
	int rc = SQLITE_OK;

	s->path = g_strdup(path);
	/* A snapshot in memory: an older schema is upgraded there, the file never written. */
	if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto fail;
	if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		if (sqlite3_open_v2(path, &file, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
			sqlite3_busy_timeout(file, 5000);
			b = sqlite3_backup_init(s->db, "main", file, "main");
			rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(s->db);
			if (b)
				sqlite3_backup_finish(b);
		} else {
			rc = sqlite3_errcode(file);
		}
		if (rc != SQLITE_OK && rc != SQLITE_DONE) {
			g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: cannot read: %s", path,
			            sqlite3_errstr(rc));
			sqlite3_close(file);
			state_free(s);
			return false;
		}
		sqlite3_close(file);
	}
	if (!state_schema_check(s, error))
		goto fail_quiet;
	*out = s;
	return true;
fail:
	state_fail(s, error, "cannot open");
fail_quiet:
	state_free(s);
	return false;
}

const char *state_damage(const struct state *s)
{
	return s->damage;
}

const char *state_unwritable(const struct state *s)
{
	return s->unwritable;
}

void state_free(struct state *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	g_free(s->path);
	g_free(s->damage);
	g_free(s->unwritable);
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
	state_bind_text(st, 15, a->kind);
	state_bind_text(st, 16, a->widened);
	state_bind_text(st, 17, a->before);
	state_bind_text(st, 18, a->after);
	state_bind_text(st, 19, a->headline);
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
	                       " severity, resource, file, line, message, author, date, subject, found_at,"
	                       " kind, widened, before_set, after_set, headline)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
	if (!state_exec(s, "BEGIN IMMEDIATE", "starting a transaction", error))
		return false;
	if (!state_record_steps(s, repo, branch, commit, alerts, error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		for (guint i = 0; alerts && i < alerts->len; i++)
			((struct state_alert *)alerts->pdata[i])->rowid = 0;
		return false;
	}
	return state_exec(s, "COMMIT", "committing", error);
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
	a->acknowledged_at = sqlite3_column_int64(st, 16);
	a->kind = state_column_dup(st, 17);
	a->widened = state_column_dup(st, 18);
	a->before = state_column_dup(st, 19);
	a->after = state_column_dup(st, 20);
	a->headline = state_column_dup(st, 21);
	return a;
}

/* Runs a SELECT of state_alert_columns; binds ?1 repo, ?2 since, ?3 severities, ?4 limit. */
static bool state_select(GPtrArray *out, struct state *s, const char *where,
                         const struct state_query *q, GError **error)
{
	g_autofree char *sql = g_strdup_printf("SELECT %s FROM alerts WHERE %s ORDER BY id %s LIMIT ?4",
	                                       state_alert_columns, where,
	                                       q->oldest_first ? "ASC" : "DESC");
	g_autoptr(GString) sevs = g_string_new(",");
	sqlite3_stmt *st = NULL;
	int rc;

	/* Severities are stored by name: the accepted ones as ",high,critical,". */
	for (int v = q->min; v <= SEVERITY_CRITICAL; v++)
		g_string_append_printf(sevs, "%s,", severity_name((enum severity)v));
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "reading alerts");
	state_bind_text(st, 1, q->repo);
	sqlite3_bind_int64(st, 2, q->since);
	state_bind_text(st, 3, sevs->str);
	sqlite3_bind_int64(st, 4, q->limit ? (gint64)q->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		g_ptr_array_add(out, state_alert_read(st));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || state_fail(s, error, "reading alerts");
}

bool state_pending(GPtrArray *out, struct state *s, const char *repo, GError **error)
{
	struct state_query q = STATE_QUERY_INIT;

	q.repo = repo;
	q.oldest_first = true;
	return state_select(out, s, "repo = ?1 AND notified_at IS NULL", &q, error);
}

bool state_alerts(GPtrArray *out, struct state *s, const struct state_query *q, GError **error)
{
	return state_select(out, s,
	                    q->unacknowledged
	                            ? "(?1 IS NULL OR repo = ?1) AND found_at >= ?2 AND"
	                              " instr(?3, ',' || severity || ',') > 0 AND acknowledged_at IS NULL"
	                            : "(?1 IS NULL OR repo = ?1) AND found_at >= ?2 AND"
	                              " instr(?3, ',' || severity || ',') > 0",
	                    q, error);
}

static bool state_mute_steps(struct state *s, GPtrArray *alerts, gint64 now, gint64 until,
                             GError **error)
{
	sqlite3_stmt *ack = NULL, *mute = NULL;
	bool ok = sqlite3_prepare_v2(s->db, "UPDATE alerts SET acknowledged_at = ? WHERE id = ?", -1,
	                             &ack, NULL) == SQLITE_OK &&
	          sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO mutes (repo, finding_id, until)"
	                                    " VALUES (?, ?, ?)", -1, &mute, NULL) == SQLITE_OK;

	for (guint i = 0; ok && i < alerts->len; i++) {
		struct state_alert *a = alerts->pdata[i];

		sqlite3_reset(ack);
		sqlite3_bind_int64(ack, 1, now);
		sqlite3_bind_int64(ack, 2, a->rowid);
		sqlite3_reset(mute);
		state_bind_text(mute, 1, a->repo);
		state_bind_text(mute, 2, a->finding_id);
		sqlite3_bind_int64(mute, 3, until);
		ok = sqlite3_step(ack) == SQLITE_DONE && sqlite3_step(mute) == SQLITE_DONE;
		if (ok)
			a->acknowledged_at = now;
	}
	sqlite3_finalize(ack);
	sqlite3_finalize(mute);
	return ok || state_fail(s, error, "muting alerts");
}

bool state_mute(struct state *s, GPtrArray *alerts, gint64 until, GError **error)
{
	if (!state_exec(s, "BEGIN IMMEDIATE", "muting alerts", error))
		return false;
	if (!state_mute_steps(s, alerts, g_get_real_time() / G_USEC_PER_SEC, until, error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return state_exec(s, "COMMIT", "muting alerts", error);
}

bool state_muted(bool *out, struct state *s, const char *repo, const char *finding_id, gint64 now,
                 GError **error)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM mutes WHERE repo = ? AND finding_id = ?"
	                              " AND until > ?", -1, &st, NULL) != SQLITE_OK)
		return state_fail(s, error, "reading mutes");
	state_bind_text(st, 1, repo);
	state_bind_text(st, 2, finding_id);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_fail(s, error, "reading mutes");
	*out = rc == SQLITE_ROW;
	return true;
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
	if (!state_exec(s, "BEGIN IMMEDIATE", "starting a transaction", error))
		return false;
	if (!state_mark_steps(s, alerts, g_get_real_time() / G_USEC_PER_SEC, error)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return state_exec(s, "COMMIT", "committing", error);
}
