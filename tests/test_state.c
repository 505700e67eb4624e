/*
 * test_state.c - the watcher's SQLite state store: the last analysed
 * commit per repository and branch, alerts stored once, pending until
 * notified, kept across reopening, and all-or-nothing writes; damaged
 * files (emptied, cut short, corrupt) moved aside and said, a read-only
 * one kept in memory; muting; history's queries; the schema upgrade.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor.h"

struct fixture {
	char *dir;
	char *path;
	struct state *s;
};

static int setup(void **state)
{
	struct fixture *fx = g_new0(struct fixture, 1);
	g_autoptr(GError) error = NULL;

	fx->dir = g_dir_make_tmp("dw-state-XXXXXX", NULL);
	fx->path = g_build_filename(fx->dir, "sub", "state.db", NULL);
	if (!fx->dir || !state_open(&fx->s, fx->path, &error))
		return -1;
	*state = fx;
	return 0;
}

static void rm_rf(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_rf(p);
		else
			g_unlink(p);
	}
	g_rmdir(dir);
}

/*
 * Makes path read-only for this process: a mode for a user; for root,
 * who writes any mode, the immutable attribute (ext4 and most others).
 */
static void set_read_only(const char *path, bool on)
{
	g_autofree char *cmd = g_strdup_printf("chattr %ci '%s' 2>/dev/null", on ? '+' : '-', path);

	if (geteuid() != 0) {
		if (g_chmod(path, on ? 0400 : 0600) != 0 && on)
			fail_msg("chmod %s failed", path);
	} else if (system(cmd) != 0 && on)
		skip(); /* a file system without the attribute */
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	set_read_only(fx->path, false);
	state_free(fx->s);
	rm_rf(fx->dir);
	g_free(fx->dir);
	g_free(fx->path);
	g_free(fx);
	return 0;
}

static struct state_alert *alert(const char *commit, const char *id, enum severity sev)
{
	struct state_alert *a = g_new0(struct state_alert, 1);

	a->repo = g_strdup("/src/infra");
	a->branch = g_strdup("refs/heads/main");
	a->commit = g_strdup(commit);
	a->finding_id = g_strdup(id);
	a->rule = g_strdup("DW-NET-001");
	a->severity = sev;
	a->resource = g_strdup("aws-sg:AppSG");
	a->file = g_strdup("sg.yaml");
	a->line = 8;
	a->message = g_strdup("Redis newly reachable from the Internet");
	a->found_at = 1000;
	return a;
}

static GPtrArray *alerts_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
}

/* Every alert, oldest first. */
static bool all_alerts(GPtrArray *out, struct state *s)
{
	struct state_query q = STATE_QUERY_INIT;

	q.oldest_first = true;
	return state_alerts(out, s, &q, NULL);
}

static void test_state__unknown_branch_has_no_commit(void **state)
{
	struct fixture *fx = *state;
	char sentinel[] = "x";
	char *commit = sentinel; /* must be overwritten with NULL */

	assert_true(state_branch_get(&commit, fx->s, "/src/infra", "refs/heads/main", NULL));
	assert_null(commit);
}

static void test_state__record_sets_branch_and_stores_alerts(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	g_autofree char *commit = NULL;

	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_CRITICAL));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	assert_true(((struct state_alert *)in->pdata[0])->rowid > 0);
	assert_true(state_branch_get(&commit, fx->s, "/src/infra", "refs/heads/main", NULL));
	assert_string_equal(commit, "c1");
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 1);
	assert_int_equal(((struct state_alert *)out->pdata[0])->severity, SEVERITY_CRITICAL);
	assert_string_equal(((struct state_alert *)out->pdata[0])->message,
	                    "Redis newly reachable from the Internet");
}

static void test_state__same_commit_and_finding_is_stored_once(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) a = alerts_new();
	g_autoptr(GPtrArray) b = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();

	g_ptr_array_add(a, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(b, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(b, alert("c2", "f1", SEVERITY_HIGH));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", a, NULL));
	/* The same commit reached through the upstream: not stored again. */
	assert_true(state_record(fx->s, "/src/infra", "refs/remotes/origin/main", "c2", b, NULL));
	assert_int_equal(((struct state_alert *)b->pdata[0])->rowid, 0);
	assert_true(((struct state_alert *)b->pdata[1])->rowid > 0);
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 2);
}

static void test_state__alerts_are_pending_until_notified(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) pending = alerts_new();
	g_autoptr(GPtrArray) after = alerts_new();

	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(in, alert("c1", "f2", SEVERITY_CRITICAL));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	assert_true(state_pending(pending, fx->s, "/src/infra", NULL));
	assert_int_equal(pending->len, 2);
	assert_int_equal(((struct state_alert *)pending->pdata[0])->notified_at, 0);
	assert_true(state_mark_notified(fx->s, pending, NULL));
	assert_true(state_pending(after, fx->s, "/src/infra", NULL));
	assert_int_equal(after->len, 0);
}

static void test_state__survives_reopening(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) pending = alerts_new();
	g_autofree char *commit = NULL;

	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	state_free(fx->s);
	fx->s = NULL;
	assert_true(state_open(&fx->s, fx->path, NULL));
	assert_true(state_branch_get(&commit, fx->s, "/src/infra", "refs/heads/main", NULL));
	assert_string_equal(commit, "c1");
	assert_true(state_pending(pending, fx->s, "/src/infra", NULL));
	assert_int_equal(pending->len, 1);
}

static void test_state__failed_record_stores_nothing(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *commit = NULL;
	struct state_alert *bad = alert("c1", "f2", SEVERITY_HIGH);

	g_clear_pointer(&bad->finding_id, g_free); /* NOT NULL: the second insert fails */
	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(in, bad);
	assert_false(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, &error));
	assert_non_null(error);
	assert_non_null(strstr(error->message, fx->path));
	assert_int_equal(((struct state_alert *)in->pdata[0])->rowid, 0);
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 0);
	assert_true(state_branch_get(&commit, fx->s, "/src/infra", "refs/heads/main", NULL));
	assert_null(commit);
}

static void test_state__alerts_filter_by_repo_and_time(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) other = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	struct state_alert *late = alert("c2", "f1", SEVERITY_HIGH);
	struct state_alert *elsewhere = alert("c1", "f1", SEVERITY_HIGH);
	struct state_query q = STATE_QUERY_INIT;

	late->found_at = 5000;
	g_free(elsewhere->repo);
	elsewhere->repo = g_strdup("/src/other");
	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(in, late);
	g_ptr_array_add(other, elsewhere);
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c2", in, NULL));
	assert_true(state_record(fx->s, "/src/other", "refs/heads/main", "c1", other, NULL));
	q.repo = "/src/infra";
	q.since = 2000;
	assert_true(state_alerts(out, fx->s, &q, NULL));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct state_alert *)out->pdata[0])->commit, "c2");
	g_ptr_array_set_size(out, 0);
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 3);
}

static void test_state__newer_schema_is_refused(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GError) error = NULL;
	struct state *again = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_false(state_open(&again, fx->path, &error));
	assert_null(again);
	assert_non_null(strstr(error->message, "newer driftwatch"));
}

/* Closes the fixture's store, so that the test can damage the file. */
static void close_store(struct fixture *fx)
{
	state_free(fx->s);
	fx->s = NULL;
}

/* A store with one alert, closed and checkpointed into the main file. */
static void store_one_alert(struct fixture *fx)
{
	g_autoptr(GPtrArray) in = alerts_new();

	for (int i = 0; i < 40; i++) {
		g_autofree char *id = g_strdup_printf("f%d", i);

		g_ptr_array_add(in, alert("c1", id, SEVERITY_HIGH));
	}
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	close_store(fx);
}

/* The damaged file is moved aside (path.damaged-*), a fresh store opened, and it says so. */
static void assert_recovered(struct fixture *fx, const char *reason)
{
	g_autoptr(GPtrArray) out = alerts_new();
	g_autoptr(GDir) d = NULL;
	g_autofree char *dir = g_path_get_dirname(fx->path);
	const char *name;
	bool moved = false;

	assert_true(state_open(&fx->s, fx->path, NULL));
	assert_non_null(state_damage(fx->s));
	assert_non_null(strstr(state_damage(fx->s), "moved aside to"));
	if (reason)
		assert_non_null(strstr(state_damage(fx->s), reason));
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 0);
	d = g_dir_open(dir, 0, NULL);
	while ((name = g_dir_read_name(d)))
		moved = moved || g_str_has_prefix(name, "state.db.damaged-");
	assert_true(moved);
}

static void test_state__emptied_file_is_moved_aside_and_said(void **state)
{
	struct fixture *fx = *state;

	store_one_alert(fx);
	assert_int_equal(truncate(fx->path, 0), 0);
	assert_recovered(fx, "empty");
}

static void test_state__file_cut_mid_page_is_moved_aside(void **state)
{
	struct fixture *fx = *state;

	store_one_alert(fx);
	assert_int_equal(truncate(fx->path, 5000), 0);
	assert_recovered(fx, "cut short");
}

static void test_state__corrupt_pages_are_found_at_open(void **state)
{
	struct fixture *fx = *state;
	GStatBuf st;
	FILE *f;
	char junk[1024];

	store_one_alert(fx);
	assert_int_equal(g_stat(fx->path, &st), 0);
	assert_true(st.st_size >= 8192);
	/* Overwrite the second page (the first table's root) with junk. */
	memset(junk, 0xa5, sizeof(junk));
	f = fopen(fx->path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 4096, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	assert_recovered(fx, NULL);
}

static void test_state__read_only_file_is_kept_in_memory_with_one_line(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	g_autofree char *commit = NULL;

	store_one_alert(fx);
	set_read_only(fx->path, true);
	assert_true(state_open(&fx->s, fx->path, NULL));
	assert_null(state_damage(fx->s));
	assert_non_null(state_unwritable(fx->s));
	assert_non_null(strstr(state_unwritable(fx->s), "read-only"));
	assert_null(strchr(state_unwritable(fx->s), '\n'));
	assert_true(strlen(state_unwritable(fx->s)) < 200 + strlen(fx->path));
	/* What was stored is still known, and new alerts are kept (in memory). */
	assert_true(state_branch_get(&commit, fx->s, "/src/infra", "refs/heads/main", NULL));
	assert_string_equal(commit, "c1");
	g_ptr_array_add(in, alert("c2", "new", SEVERITY_CRITICAL));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c2", in, NULL));
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 41);
	set_read_only(fx->path, false);
}

static void test_state__mute_acknowledges_and_mutes_for_a_while(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	struct state_query q = STATE_QUERY_INIT;
	bool muted = true;

	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(in, alert("c1", "f2", SEVERITY_HIGH));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	g_ptr_array_remove_index(in, 1);
	assert_true(state_mute(fx->s, in, 5000, NULL));
	assert_true(state_muted(&muted, fx->s, "/src/infra", "f1", 4999, NULL));
	assert_true(muted);
	assert_true(state_muted(&muted, fx->s, "/src/infra", "f1", 5000, NULL));
	assert_false(muted);
	assert_true(state_muted(&muted, fx->s, "/src/other", "f1", 10, NULL));
	assert_false(muted);
	q.unacknowledged = true;
	assert_true(state_alerts(out, fx->s, &q, NULL));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct state_alert *)out->pdata[0])->finding_id, "f2");
}

static void test_state__query_newest_first_by_severity_with_limit(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	struct state_query q = STATE_QUERY_INIT;

	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_CRITICAL));
	g_ptr_array_add(in, alert("c1", "f2", SEVERITY_MEDIUM));
	g_ptr_array_add(in, alert("c1", "f3", SEVERITY_HIGH));
	g_ptr_array_add(in, alert("c1", "f4", SEVERITY_CRITICAL));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	q.min = SEVERITY_HIGH;
	assert_true(state_alerts(out, fx->s, &q, NULL));
	assert_int_equal(out->len, 3);
	assert_string_equal(((struct state_alert *)out->pdata[0])->finding_id, "f4");
	assert_string_equal(((struct state_alert *)out->pdata[2])->finding_id, "f1");
	g_ptr_array_set_size(out, 0);
	q.limit = 1;
	q.min = SEVERITY_INFO;
	assert_true(state_alerts(out, fx->s, &q, NULL));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct state_alert *)out->pdata[0])->finding_id, "f4");
}

/* A finding's headline and after set are stored with its alert, for the notification's title. */
static void test_state__alert_keeps_headline_and_after_set(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	struct state_alert *a = alert("c1", "f1", SEVERITY_CRITICAL);
	const struct state_alert *back;

	a->headline = g_strdup("Redis newly reachable from the Internet");
	a->after = g_strdup("tcp/6379 from 0.0.0.0/0");
	g_ptr_array_add(in, a);
	g_ptr_array_add(in, alert("c1", "f2", SEVERITY_HIGH));
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 2);
	back = g_strcmp0(((struct state_alert *)out->pdata[0])->finding_id, "f1") == 0 ? out->pdata[0]
	                                                                                : out->pdata[1];
	assert_string_equal(back->finding_id, "f1");
	assert_string_equal(back->headline, "Redis newly reachable from the Internet");
	assert_string_equal(back->after, "tcp/6379 from 0.0.0.0/0");
	back = back == out->pdata[0] ? out->pdata[1] : out->pdata[0];
	assert_null(back->headline);
}

static void test_state__schema_1_is_upgraded_keeping_alerts(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) out = alerts_new();
	sqlite3 *db = NULL;

	close_store(fx);
	g_unlink(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE branches (repo TEXT NOT NULL, branch TEXT NOT NULL, commit_id TEXT NOT NULL,"
		" updated_at INTEGER NOT NULL, PRIMARY KEY (repo, branch));"
		"CREATE TABLE alerts (id INTEGER PRIMARY KEY, repo TEXT NOT NULL, branch TEXT NOT NULL,"
		" commit_id TEXT NOT NULL, finding_id TEXT NOT NULL, rule TEXT NOT NULL,"
		" severity TEXT NOT NULL, resource TEXT, file TEXT, line INTEGER, message TEXT,"
		" author TEXT, date TEXT, subject TEXT, found_at INTEGER NOT NULL,"
		" notified_at INTEGER, UNIQUE (repo, commit_id, finding_id));"
		"INSERT INTO alerts (repo, branch, commit_id, finding_id, rule, severity, found_at)"
		" VALUES ('/r', 'refs/heads/main', 'c0', 'old', 'DW-NET-001', 'critical', 10);"
		"PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_true(state_open(&fx->s, fx->path, NULL));
	assert_null(state_damage(fx->s));
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct state_alert *)out->pdata[0])->finding_id, "old");
}

/* A store of schema 2 (before headlines) gains the column and keeps its alerts. */
static void test_state__schema_2_is_upgraded_to_store_headlines(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) in = alerts_new();
	g_autoptr(GPtrArray) out = alerts_new();
	struct state_alert *a = alert("c1", "new", SEVERITY_HIGH);
	sqlite3 *db = NULL;

	close_store(fx);
	g_unlink(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE branches (repo TEXT NOT NULL, branch TEXT NOT NULL, commit_id TEXT NOT NULL,"
		" updated_at INTEGER NOT NULL, PRIMARY KEY (repo, branch));"
		"CREATE TABLE alerts (id INTEGER PRIMARY KEY, repo TEXT NOT NULL, branch TEXT NOT NULL,"
		" commit_id TEXT NOT NULL, finding_id TEXT NOT NULL, rule TEXT NOT NULL,"
		" severity TEXT NOT NULL, resource TEXT, file TEXT, line INTEGER, message TEXT,"
		" author TEXT, date TEXT, subject TEXT, found_at INTEGER NOT NULL,"
		" notified_at INTEGER, acknowledged_at INTEGER, kind TEXT, widened TEXT, before_set TEXT,"
		" after_set TEXT, UNIQUE (repo, commit_id, finding_id));"
		"CREATE TABLE mutes (repo TEXT NOT NULL, finding_id TEXT NOT NULL, until INTEGER NOT NULL,"
		" PRIMARY KEY (repo, finding_id));"
		"INSERT INTO alerts (repo, branch, commit_id, finding_id, rule, severity, found_at, message)"
		" VALUES ('/src/infra', 'refs/heads/main', 'c0', 'old', 'DW-NET-001', 'critical', 10, 'm');"
		"PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_true(state_open(&fx->s, fx->path, NULL));
	assert_null(state_damage(fx->s));
	a->headline = g_strdup("headline");
	g_ptr_array_add(in, a);
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c1", in, NULL));
	assert_true(all_alerts(out, fx->s));
	assert_int_equal(out->len, 2);
	assert_string_equal(((struct state_alert *)out->pdata[0])->finding_id, "old");
	assert_null(((struct state_alert *)out->pdata[0])->headline);
	assert_string_equal(((struct state_alert *)out->pdata[1])->headline, "headline");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state__unknown_branch_has_no_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__record_sets_branch_and_stores_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__same_commit_and_finding_is_stored_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__alerts_are_pending_until_notified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__survives_reopening, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__failed_record_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__alerts_filter_by_repo_and_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__newer_schema_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__emptied_file_is_moved_aside_and_said, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__file_cut_mid_page_is_moved_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__corrupt_pages_are_found_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__read_only_file_is_kept_in_memory_with_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__mute_acknowledges_and_mutes_for_a_while, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__query_newest_first_by_severity_with_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__schema_1_is_upgraded_keeping_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__alert_keeps_headline_and_after_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state__schema_2_is_upgraded_to_store_headlines, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
