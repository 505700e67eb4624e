/*
 * audit_cache.c - the audit cache in SQLite: the one place that knows its
 * schema and how a finding is written into it.
 *
 * judging  one row per key (how commits were judged): its SHA-256, the
 *          key's text, when an audit last used it (old ones are pruned)
 * commits  per judging and commit id: the day it was judged on, the last
 *          day the approvals it relied on hold (NULL: none expire), and
 *          its findings, packed (NULL: none, most commits)
 *
 * WAL and a busy timeout let two audits share the file; what an audit
 * judges is written in batches, one short transaction each.
 */
#include "audit_cache.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "dw_error.h"

/* "DWAC" in PRAGMA application_id: a file of ours, not another program's. */
#define AUDIT_CACHE_APP_ID 0x44574143
/* PRAGMA user_version; a cache of another version is emptied, not read. */
#define AUDIT_CACHE_SCHEMA 1
/* Commits kept in memory before they are written in one transaction. */
#define AUDIT_CACHE_BATCH 512
/* A judging no audit used for this long is dropped with its commits. */
#define AUDIT_CACHE_KEEP_SECONDS (90 * 24 * 3600)
/* Lookups made in one read transaction: one transaction, not one a lookup
 * (each takes and drops SQLite's locks), yet short enough that another
 * audit's checkpoint is not held back long. */
#define AUDIT_CACHE_READS 1024
/* How long to wait for another audit's write to finish. */
#define AUDIT_CACHE_BUSY_MS 2000

/*
 * The findings of a commit in the file: their number, then per finding
 * its fields in the order of struct finding (commit fields excepted: the
 * walk sets them), the rule as its id and the three sets as printed.
 * Integers are 32-bit little-endian; a string is its length plus one
 * (0 for NULL), then its bytes. Read back with every length checked: the
 * file is data, not trusted.
 */
static const char audit_cache_schema[] =
	"CREATE TABLE IF NOT EXISTS judging ("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, about TEXT NOT NULL,"
	"  used_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS commits ("
	"  judging INTEGER NOT NULL, commit_id BLOB NOT NULL, judged_on INTEGER NOT NULL,"
	"  holds_until INTEGER, findings BLOB, PRIMARY KEY (judging, commit_id));";

/* One commit judged, waiting for the next batch. */
struct audit_cache_row {
	git_oid id;
	gint64 holds_until; /* Julian day, or 0: no approval expires */
	GBytes *findings;   /* packed, or NULL for none */
};

struct audit_cache {
	sqlite3 *db;              /* NULL once a failure stopped its use */
	char *path;
	const struct rulepack *pack; /* borrowed */
	gint64 judging;           /* judging.id of the key */
	gint64 today;             /* Julian day */
	sqlite3_stmt *lookup;
	guint reads;              /* lookups in the read transaction open, 0: none open */
	GArray *pending;          /* struct audit_cache_row */
	char *note;               /* a damaged file moved aside, or NULL */
	GError *failure;          /* what stopped its use, or NULL */
};

char *audit_cache_default_path(void)
{
	return g_build_filename(g_get_user_cache_dir(), "driftwatch", "audit.db", NULL);
}

static bool audit_cache_is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* Sets error from the database's last error: "PATH: what: SQLite's message". */
static bool audit_cache_fail(struct audit_cache *c, GError **error, const char *what)
{
	g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s: %s", c->path, what,
	            c->db ? sqlite3_errmsg(c->db) : "cannot open");
	return false;
}

static bool audit_cache_exec(struct audit_cache *c, const char *sql, const char *what, GError **error)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK || audit_cache_fail(c, error, what);
}

static void audit_cache_row_clear(struct audit_cache_row *r)
{
	if (r->findings)
		g_bytes_unref(r->findings);
}

/* Ends the read transaction open, if any. */
static void audit_cache_read_end(struct audit_cache *c)
{
	if (c->reads && c->db)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	c->reads = 0;
}

static void audit_cache_disconnect(struct audit_cache *c)
{
	if (c->lookup)
		sqlite3_reset(c->lookup);
	audit_cache_read_end(c);
	g_clear_pointer(&c->lookup, sqlite3_finalize);
	g_clear_pointer(&c->db, sqlite3_close);
}

/* Does the file start like an SQLite database (or is it empty, for SQLite to start)? */
static bool audit_cache_looks_sqlite(const char *path)
{
	char head[16] = { 0 };
	GStatBuf st;
	FILE *f;
	size_t n = 0;

	if (g_stat(path, &st) < 0 || st.st_size == 0)
		return true;
	f = fopen(path, "rb");
	if (!f)
		return true; /* opening it says why */
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, "SQLite format 3", sizeof(head)) == 0;
}

/* Moves the file (and its -wal and -shm) to PATH.damaged, replacing an older one. */
static bool audit_cache_move_aside(struct audit_cache *c, const char *why, GError **error)
{
	g_autofree char *to = g_strconcat(c->path, ".damaged", NULL);
	const char *const sides[] = { "-wal", "-shm" };

	audit_cache_disconnect(c);
	if (g_rename(c->path, to) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s, and cannot be moved aside: %s",
		            c->path, why, g_strerror(errno));
		return false;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
		g_autofree char *from = g_strconcat(c->path, sides[i], NULL);
		g_autofree char *side_to = g_strconcat(to, sides[i], NULL);

		if (g_rename(from, side_to) < 0 && errno != ENOENT)
			g_unlink(from);
	}
	g_free(c->note);
	c->note = g_strdup_printf("%s was %s; moved aside to %s, starting a new cache", c->path, why, to);
	return true;
}

static bool audit_cache_connect(struct audit_cache *c, GError **error)
{
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		return audit_cache_fail(c, error, "cannot open");
	sqlite3_busy_timeout(c->db, AUDIT_CACHE_BUSY_MS);
	if (sqlite3_db_readonly(c->db, "main") == 1) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: read-only", c->path);
		return false;
	}
	/* Switching a new file to WAL needs it alone, and SQLite does not wait
	 * for that (its busy handler is not called where waiting could
	 * deadlock): two audits starting a cache at once wait here instead. */
	for (int waited = 0;; waited += 10) {
		int rc = sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			break;
		if ((rc & 0xff) != SQLITE_BUSY || waited >= AUDIT_CACHE_BUSY_MS)
			return audit_cache_fail(c, error, "setting the journal");
		g_usleep(10 * 1000);
	}
	return audit_cache_exec(c, "PRAGMA synchronous = NORMAL;", "setting the journal", error);
}

/* One integer from a PRAGMA or a query with no parameters, or -1. */
static gint64 audit_cache_int(struct audit_cache *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	gint64 v = -1;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Checks whose file it is and makes the schema this one's (in an open
 * transaction): a new file gets it; ours of another schema version is
 * emptied; any other database is *foreign_out, left alone.
 */
static bool audit_cache_schema_check(struct audit_cache *c, bool *foreign_out, GError **error)
{
	gint64 app = audit_cache_int(c, "PRAGMA application_id");
	gint64 version = audit_cache_int(c, "PRAGMA user_version");
	gint64 tables = audit_cache_int(c, "SELECT count(*) FROM sqlite_schema");
	g_autofree char *set = NULL;

	*foreign_out = false;
	if (app < 0 || version < 0 || tables < 0)
		return audit_cache_fail(c, error, "reading the schema");
	if (app == AUDIT_CACHE_APP_ID && version == AUDIT_CACHE_SCHEMA)
		return true;
	if (app != AUDIT_CACHE_APP_ID && (app != 0 || tables > 0)) {
		*foreign_out = true;
		return false;
	}
	set = g_strdup_printf("PRAGMA application_id = %d; PRAGMA user_version = %d;",
	                      AUDIT_CACHE_APP_ID, AUDIT_CACHE_SCHEMA);
	return audit_cache_exec(c, "DROP TABLE IF EXISTS commits; DROP TABLE IF EXISTS judging;",
	                        "emptying a cache of another version", error) &&
	       audit_cache_exec(c, audit_cache_schema, "creating the schema", error) &&
	       audit_cache_exec(c, set, "creating the schema", error);
}

/* One statement with up to two integer and two text parameters, run to its end; false on failure. */
static bool audit_cache_run(struct audit_cache *c, const char *sql, gint64 i1, const char *t2,
                            const char *t3)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, i1);
		sqlite3_bind_text(st, 2, t2, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, t3, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			c->judging = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

/* The judging row of key (added when new), marked used now; those unused for long are dropped. */
static bool audit_cache_judging(struct audit_cache *c, const char *key, GError **error)
{
	g_autofree char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	c->judging = 0;
	if (!audit_cache_run(c,
	                     "INSERT INTO judging (key, about, used_at) VALUES (?2, ?3, ?1) "
	                     "ON CONFLICT (key) DO UPDATE SET used_at = ?1",
	                     now, digest, key) ||
	    !audit_cache_run(c, "SELECT id FROM judging WHERE key = ?2", 0, digest, NULL) || !c->judging)
		return audit_cache_fail(c, error, "recording the key");
	if (!audit_cache_run(c,
	                     "DELETE FROM commits WHERE judging IN "
	                     "(SELECT id FROM judging WHERE used_at < ?1)",
	                     now - AUDIT_CACHE_KEEP_SECONDS, NULL, NULL) ||
	    !audit_cache_run(c, "DELETE FROM judging WHERE used_at < ?1", now - AUDIT_CACHE_KEEP_SECONDS,
	                     NULL, NULL))
		return audit_cache_fail(c, error, "dropping old judgements");
	return true;
}

/* Connects, checks the file and records the key, in one transaction. */
static bool audit_cache_start(struct audit_cache *c, const char *key, bool *damaged_out,
                              char **why_out, GError **error)
{
	bool foreign = false;
	int rc;

	*damaged_out = false;
	if (!audit_cache_looks_sqlite(c->path)) {
		*damaged_out = true;
		*why_out = g_strdup("not an SQLite database (damaged or overwritten)");
		return false;
	}
	if (!audit_cache_connect(c, error) ||
	    !audit_cache_exec(c, "BEGIN IMMEDIATE", "starting a transaction", error))
		goto fail;
	if (!audit_cache_schema_check(c, &foreign, error) || !audit_cache_judging(c, key, error)) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (!audit_cache_exec(c, "COMMIT", "recording the key", error))
		goto fail;
	if (sqlite3_prepare_v2(c->db,
	                       "SELECT judged_on, holds_until, findings FROM commits "
	                       "WHERE judging = ?1 AND commit_id = ?2", -1, &c->lookup, NULL) != SQLITE_OK)
		return audit_cache_fail(c, error, "reading");
	return true;
fail:
	rc = c->db ? sqlite3_extended_errcode(c->db) : SQLITE_OK;
	if (foreign || audit_cache_is_damage(rc)) {
		*damaged_out = true;
		*why_out = g_strdup(foreign ? "another program's database" : sqlite3_errstr(rc));
		g_clear_error(error);
	}
	audit_cache_disconnect(c);
	return false;
}

bool audit_cache_open(struct audit_cache **out, const char *path, const char *key,
                      const struct rulepack *pack, const GDate *today, GError **error)
{
	g_autoptr(audit_cache) c = g_new0(struct audit_cache, 1);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *why = NULL;
	bool damaged = false;

	c->path = g_strdup(path);
	c->pack = pack;
	c->today = g_date_get_julian(today);
	c->pending = g_array_new(FALSE, FALSE, sizeof(struct audit_cache_row));
	g_array_set_clear_func(c->pending, (GDestroyNotify)audit_cache_row_clear);
	if (g_mkdir_with_parents(dir, 0700) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "cannot create %s: %s", dir,
		            g_strerror(errno));
		return false;
	}
	if (!audit_cache_start(c, key, &damaged, &why, error)) {
		/* Once: a file that is damaged again after a fresh start is not ours to fix. */
		if (!damaged || !audit_cache_move_aside(c, why, error))
			return false;
		g_clear_pointer(&why, g_free);
		if (!audit_cache_start(c, key, &damaged, &why, error)) {
			if (damaged)
				g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s", path, why);
			return false;
		}
	}
	*out = g_steal_pointer(&c);
	return true;
}

void audit_cache_free(struct audit_cache *c)
{
	if (!c)
		return;
	audit_cache_disconnect(c);
	g_array_unref(c->pending);
	g_free(c->path);
	g_free(c->note);
	g_clear_error(&c->failure);
	g_free(c);
}

const char *audit_cache_note(const struct audit_cache *c)
{
	return c->note;
}

/* Stops using the cache after a failure (what, and SQLite's rc); damage is moved aside. */
static void audit_cache_stop(struct audit_cache *c, const char *what, int rc)
{
	if (c->failure)
		return;
	g_set_error(&c->failure, DW_ERROR, DW_ERROR_FAILED, "%s: %s: %s", c->path, what,
	            sqlite3_errstr(rc));
	if (audit_cache_is_damage(rc) && audit_cache_move_aside(c, sqlite3_errstr(rc), NULL))
		g_prefix_error(&c->failure, "%s; ", c->note);
	audit_cache_disconnect(c);
}

/* "YYYY-MM-DD" as a Julian day, or 0. */
static gint64 audit_cache_day(const char *text)
{
	unsigned y, m, d;
	char end;
	GDate date;

	if (!text || sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return 0;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return g_date_get_julian(&date);
}

static void audit_cache_put_u32(GByteArray *b, guint32 v)
{
	guint32 le = GUINT32_TO_LE(v);

	g_byte_array_append(b, (const guint8 *)&le, sizeof(le));
}

static void audit_cache_put_str(GByteArray *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	g_assert(n < G_MAXUINT32);
	audit_cache_put_u32(b, s ? (guint32)n + 1 : 0);
	g_byte_array_append(b, (const guint8 *)s, (guint)n);
}

static void audit_cache_put_set(GByteArray *b, const exposure *e)
{
	g_autofree char *text = e ? exposure_to_string(e) : NULL;

	audit_cache_put_str(b, text);
}

GBytes *audit_cache_row_pack(GPtrArray *findings)
{
	GByteArray *b;

	if (findings->len == 0)
		return NULL;
	b = g_byte_array_new();
	audit_cache_put_u32(b, findings->len);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		audit_cache_put_str(b, f->id);
		audit_cache_put_str(b, f->rule->id);
		audit_cache_put_str(b, f->old_id);
		audit_cache_put_u32(b, f->severity);
		audit_cache_put_str(b, f->resource);
		audit_cache_put_str(b, f->kind);
		audit_cache_put_str(b, f->name);
		audit_cache_put_str(b, f->file);
		audit_cache_put_u32(b, f->line);
		audit_cache_put_str(b, f->widened);
		audit_cache_put_str(b, f->before);
		audit_cache_put_str(b, f->after);
		audit_cache_put_set(b, f->widened_set);
		audit_cache_put_set(b, f->before_set);
		audit_cache_put_set(b, f->after_set);
		audit_cache_put_str(b, f->message);
		audit_cache_put_str(b, f->headline);
		audit_cache_put_u32(b, f->unchecked);
		audit_cache_put_str(b, f->setting_key);
		audit_cache_put_u32(b, f->suppressed);
		audit_cache_put_str(b, f->approval_reason);
		audit_cache_put_str(b, f->approved_by);
		audit_cache_put_str(b, f->approval_expires);
		audit_cache_put_str(b, f->approval_comment);
		audit_cache_put_u32(b, f->approval_at_push);
		audit_cache_put_u32(b, f->has_policy_fail_on);
		audit_cache_put_u32(b, f->policy_fail_on);
	}
	return g_byte_array_free_to_bytes(b);
}

/* A cursor over a row's findings; bad once a read would pass the end. */
struct audit_cache_reader {
	const guint8 *p, *end;
	bool bad;
};

static guint32 audit_cache_get_u32(struct audit_cache_reader *r)
{
	guint32 le;

	if (r->bad || (size_t)(r->end - r->p) < sizeof(le)) {
		r->bad = true;
		return 0;
	}
	memcpy(&le, r->p, sizeof(le));
	r->p += sizeof(le);
	return GUINT32_FROM_LE(le);
}

static bool audit_cache_get_bool(struct audit_cache_reader *r)
{
	guint32 v = audit_cache_get_u32(r);

	r->bad = r->bad || v > 1;
	return v == 1;
}

static enum severity audit_cache_get_severity(struct audit_cache_reader *r)
{
	guint32 v = audit_cache_get_u32(r);

	r->bad = r->bad || v > SEVERITY_CRITICAL;
	return r->bad ? SEVERITY_INFO : (enum severity)v;
}

/* A new string, or NULL (also when bad: past the end, or holding a NUL the packer cannot write). */
static char *audit_cache_get_str(struct audit_cache_reader *r)
{
	guint32 n = audit_cache_get_u32(r);
	char *s;

	if (r->bad || n == 0)
		return NULL;
	if ((size_t)(r->end - r->p) < (size_t)n - 1 || memchr(r->p, '\0', (size_t)n - 1)) {
		r->bad = true;
		return NULL;
	}
	s = g_strndup((const char *)r->p, n - 1);
	r->p += n - 1;
	return s;
}

/*
 * A set read back from its printed form; bad when it does not parse or
 * is not printed as the packer prints it (then the row was changed).
 */
static exposure *audit_cache_get_set(struct audit_cache_reader *r)
{
	g_autofree char *text = audit_cache_get_str(r);
	g_autofree char *printed = NULL;
	exposure *e = text ? exposure_parse(text, NULL) : NULL;

	if (e)
		printed = exposure_to_string(e);
	if (text && (!e || strcmp(printed, text) != 0)) {
		r->bad = true;
		g_clear_pointer(&e, exposure_free);
	}
	return e;
}

/* One finding read back, or NULL when it cannot be (or names a rule this pack does not have). */
static struct finding *audit_cache_get_finding(const struct rulepack *pack,
                                               struct audit_cache_reader *r)
{
	g_autofree char *id = audit_cache_get_str(r);
	g_autofree char *rule_id = audit_cache_get_str(r);
	const struct rule *rule = rule_id ? rulepack_rule(pack, rule_id) : NULL;
	struct finding *f;

	if (!id || !rule)
		return NULL;
	f = finding_restore(rule, id);
	f->old_id = audit_cache_get_str(r);
	f->severity = audit_cache_get_severity(r);
	f->resource = audit_cache_get_str(r);
	f->kind = audit_cache_get_str(r);
	f->name = audit_cache_get_str(r);
	f->file = audit_cache_get_str(r);
	f->line = audit_cache_get_u32(r);
	f->widened = audit_cache_get_str(r);
	f->before = audit_cache_get_str(r);
	f->after = audit_cache_get_str(r);
	f->widened_set = audit_cache_get_set(r);
	f->before_set = audit_cache_get_set(r);
	f->after_set = audit_cache_get_set(r);
	f->message = audit_cache_get_str(r);
	f->headline = audit_cache_get_str(r);
	f->unchecked = audit_cache_get_bool(r);
	f->setting_key = audit_cache_get_str(r);
	f->suppressed = audit_cache_get_bool(r);
	f->approval_reason = audit_cache_get_str(r);
	f->approved_by = audit_cache_get_str(r);
	f->approval_expires = audit_cache_get_str(r);
	f->approval_comment = audit_cache_get_str(r);
	f->approval_at_push = audit_cache_get_bool(r);
	f->has_policy_fail_on = audit_cache_get_bool(r);
	f->policy_fail_on = audit_cache_get_severity(r);
	if (r->bad) {
		finding_free(f);
		return NULL;
	}
	return f;
}

bool audit_cache_row_unpack(GPtrArray *out, const struct rulepack *pack, const void *data,
                            size_t size)
{
	struct audit_cache_reader r = { data, (const guint8 *)data + size, false };
	guint32 n = audit_cache_get_u32(&r);
	guint start = out->len;

	for (guint32 i = 0; i < n && !r.bad; i++) {
		struct finding *f = audit_cache_get_finding(pack, &r);

		if (!f)
			r.bad = true;
		else
			g_ptr_array_add(out, f);
	}
	if (r.bad || n == 0 || r.p != r.end) {
		g_ptr_array_remove_range(out, start, out->len - start);
		return false;
	}
	return true;
}

bool audit_cache_lookup(struct audit_cache *c, GPtrArray *out, const git_oid *commit)
{
	bool hit = false;
	int rc;

	if (!c->db)
		return false;
	/* If BEGIN fails, each lookup is its own transaction, as without it. */
	if (c->reads > 0 || sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK)
		c->reads++;
	sqlite3_reset(c->lookup);
	sqlite3_bind_int64(c->lookup, 1, c->judging);
	sqlite3_bind_blob(c->lookup, 2, commit->id, GIT_OID_RAWSZ, SQLITE_STATIC);
	rc = sqlite3_step(c->lookup);
	if (rc == SQLITE_ROW) {
		gint64 judged_on = sqlite3_column_int64(c->lookup, 0);
		bool expires = sqlite3_column_type(c->lookup, 1) != SQLITE_NULL;
		gint64 holds_until = sqlite3_column_int64(c->lookup, 1);
		const void *data = sqlite3_column_blob(c->lookup, 2);
		int size = sqlite3_column_bytes(c->lookup, 2);

		/* Approvals expired on the day it was judged stay expired; those it
		 * relied on hold until holds_until. Between the two it is the same. */
		hit = judged_on <= c->today && (!expires || c->today <= holds_until) &&
		      (!data || audit_cache_row_unpack(out, c->pack, data, (size_t)size));
	} else if (rc != SQLITE_DONE) {
		audit_cache_stop(c, "reading", sqlite3_extended_errcode(c->db));
		return false;
	}
	if (c->lookup)
		sqlite3_reset(c->lookup);
	if (c->reads >= AUDIT_CACHE_READS)
		audit_cache_read_end(c);
	return hit;
}

void audit_cache_store(struct audit_cache *c, const git_oid *commit, GPtrArray *findings)
{
	struct audit_cache_row r = { .holds_until = 0 };

	if (!c->db)
		return;
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];
		gint64 day;

		if (!f->suppressed || !f->approval_expires)
			continue;
		day = audit_cache_day(f->approval_expires);
		if (!day)
			return; /* an expiry it cannot follow: judged again next time */
		r.holds_until = r.holds_until ? MIN(r.holds_until, day) : day;
	}
	git_oid_cpy(&r.id, commit);
	r.findings = audit_cache_row_pack(findings);
	g_array_append_val(c->pending, r);
	if (c->pending->len >= AUDIT_CACHE_BATCH)
		audit_cache_flush(c, NULL);
}

/* Writes the pending rows with st, in the transaction open. */
static bool audit_cache_write(struct audit_cache *c, sqlite3_stmt *st)
{
	for (guint i = 0; i < c->pending->len; i++) {
		const struct audit_cache_row *r = &g_array_index(c->pending, struct audit_cache_row, i);

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c->judging);
		sqlite3_bind_blob(st, 2, r->id.id, GIT_OID_RAWSZ, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, c->today);
		if (r->holds_until)
			sqlite3_bind_int64(st, 4, r->holds_until);
		else
			sqlite3_bind_null(st, 4);
		if (r->findings)
			sqlite3_bind_blob(st, 5, g_bytes_get_data(r->findings, NULL),
			                  (int)g_bytes_get_size(r->findings), SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		if (sqlite3_step(st) != SQLITE_DONE)
			return false;
	}
	return true;
}

bool audit_cache_flush(struct audit_cache *c, GError **error)
{
	sqlite3_stmt *st = NULL;
	bool ok;

	if (c->db && c->pending->len) {
		audit_cache_read_end(c);
		ok = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		     sqlite3_prepare_v2(c->db,
		                        "INSERT OR REPLACE INTO commits (judging, commit_id, judged_on, "
		                        "holds_until, findings) VALUES (?1, ?2, ?3, ?4, ?5)",
		                        -1, &st, NULL) == SQLITE_OK &&
		     audit_cache_write(c, st);
		sqlite3_finalize(st);
		if (ok)
			ok = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
		if (!ok) {
			int rc = sqlite3_extended_errcode(c->db);

			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			audit_cache_stop(c, "writing", rc);
		}
	}
	g_array_set_size(c->pending, 0);
	if (c->failure) {
		g_propagate_error(error, g_error_copy(c->failure));
		return false;
	}
	return true;
}
