/*
 * test_state.c - the watcher's SQLite state store: the last analysed
 * commit per repository and branch, alerts stored once, pending until
 * notified, kept across reopening, and all-or-nothing writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

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

static int teardown(void **state)
{
	struct fixture *fx = *state;

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
	assert_true(state_alerts(out, fx->s, NULL, 0, NULL));
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
	assert_true(state_alerts(out, fx->s, NULL, 0, NULL));
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
	assert_true(state_alerts(out, fx->s, NULL, 0, NULL));
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

	late->found_at = 5000;
	g_free(elsewhere->repo);
	elsewhere->repo = g_strdup("/src/other");
	g_ptr_array_add(in, alert("c1", "f1", SEVERITY_HIGH));
	g_ptr_array_add(in, late);
	g_ptr_array_add(other, elsewhere);
	assert_true(state_record(fx->s, "/src/infra", "refs/heads/main", "c2", in, NULL));
	assert_true(state_record(fx->s, "/src/other", "refs/heads/main", "c1", other, NULL));
	assert_true(state_alerts(out, fx->s, "/src/infra", 2000, NULL));
	assert_int_equal(out->len, 1);
	assert_string_equal(((struct state_alert *)out->pdata[0])->commit, "c2");
	g_ptr_array_set_size(out, 0);
	assert_true(state_alerts(out, fx->s, NULL, 0, NULL));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
