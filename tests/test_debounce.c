/*
 * test_debounce.c - the watcher's event handling on a real GLib main
 * loop: a burst of ref events is one analysis, an endless stream is
 * still analysed (the cap), git's lock files are ignored; and the
 * watch.yml reader, durations and notification texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "monitor_private.h"

struct counter {
	int calls;
	GMainLoop *loop;
};

static void count_call(void *user_data)
{
	((struct counter *)user_data)->calls++;
}

static gboolean quit_loop(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

/* Runs the default main loop for ms milliseconds. */
static void run_for(guint ms)
{
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

	g_timeout_add(ms, quit_loop, loop);
	g_main_loop_run(loop);
}

struct poker {
	struct debounce *d;
	int left;
};

static gboolean poke_tick(gpointer user_data)
{
	struct poker *p = user_data;

	debounce_poke(p->d);
	return --p->left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void test_debounce__burst_is_one_call(void **state)
{
	struct counter c = { 0 };
	struct debounce *d = debounce_new(100, 5000, count_call, &c);
	struct poker p = { d, 10 };

	g_timeout_add(10, poke_tick, &p); /* 10 events 10 ms apart */
	run_for(600);
	assert_int_equal(c.calls, 1);
	debounce_free(d);
}

static void test_debounce__endless_stream_still_fires_at_the_cap(void **state)
{
	struct counter c = { 0 };
	struct debounce *d = debounce_new(100, 200, count_call, &c);
	struct poker p = { d, 60 };

	g_timeout_add(10, poke_tick, &p); /* never 100 ms of quiet for 600 ms */
	run_for(700);
	assert_true(c.calls >= 2);
	assert_true(c.calls <= 5);
	debounce_free(d);
}

static void test_debounce__cancel_drops_the_pending_call(void **state)
{
	struct counter c = { 0 };
	struct debounce *d = debounce_new(50, 100, count_call, &c);

	debounce_poke(d);
	debounce_cancel(d);
	run_for(200);
	assert_int_equal(c.calls, 0);
	debounce_poke(d);
	run_for(200);
	assert_int_equal(c.calls, 1);
	debounce_free(d);
}

static void test_debounce__free_with_a_pending_call_is_safe(void **state)
{
	struct counter c = { 0 };
	struct debounce *d = debounce_new(50, 100, count_call, &c);

	debounce_poke(d);
	debounce_free(d);
	run_for(150);
	assert_int_equal(c.calls, 0);
}

static void test_debounce__lock_files_are_not_relevant(void **state)
{
	assert_true(debounce_name_relevant("main"));
	assert_true(debounce_name_relevant("packed-refs"));
	assert_false(debounce_name_relevant("main.lock"));
	assert_false(debounce_name_relevant("packed-refs.lock"));
	assert_false(debounce_name_relevant(""));
	assert_false(debounce_name_relevant(NULL));
}

static void test_watch__durations_parse_with_units(void **state)
{
	guint s = 0;

	assert_true(watch_duration_parse(&s, "90", NULL));
	assert_int_equal(s, 90);
	assert_true(watch_duration_parse(&s, "30s", NULL));
	assert_int_equal(s, 30);
	assert_true(watch_duration_parse(&s, "5m", NULL));
	assert_int_equal(s, 300);
	assert_true(watch_duration_parse(&s, "1h", NULL));
	assert_int_equal(s, 3600);
	assert_false(watch_duration_parse(&s, "0", NULL));
	assert_false(watch_duration_parse(&s, "5x", NULL));
	assert_false(watch_duration_parse(&s, "-5m", NULL));
	assert_false(watch_duration_parse(&s, "25h", NULL));
	assert_false(watch_duration_parse(&s, "99999999999999999999", NULL));
	assert_false(watch_duration_parse(&s, "", NULL));
}

static char *write_config(const char *text)
{
	char *path = NULL;
	int fd = g_file_open_tmp("dw-watch-XXXXXX.yml", &path, NULL);

	g_close(fd, NULL);
	g_file_set_contents(path, text, -1, NULL);
	return path;
}

static void test_watch__config_reads_repositories(void **state)
{
	g_autofree char *path = write_config("threshold: critical\nfetch-interval: 5m\n"
	                                     "repositories:\n"
	                                     "  - path: ~/src/infra\n"
	                                     "    branches: [main, origin/main]\n"
	                                     "    fetch-interval: 30s\n"
	                                     "  - /srv/other\n");
	g_autoptr(watch_config) c = NULL;
	struct watch_repo_config *r;

	assert_true(watch_config_load(&c, path, NULL));
	g_unlink(path);
	assert_true(c->has_threshold);
	assert_int_equal(c->threshold, SEVERITY_CRITICAL);
	assert_int_equal(c->fetch_interval, 300);
	assert_int_equal(c->repos->len, 2);
	r = c->repos->pdata[0];
	assert_true(g_str_has_prefix(r->path, g_get_home_dir()));
	assert_true(g_str_has_suffix(r->path, "/src/infra"));
	assert_int_equal(g_strv_length(r->branches), 2);
	assert_string_equal(r->branches[1], "origin/main");
	assert_int_equal(r->fetch_interval, 30);
	r = c->repos->pdata[1];
	assert_string_equal(r->path, "/srv/other");
	assert_null(r->branches);
}

static void test_watch__missing_config_is_empty(void **state)
{
	g_autoptr(watch_config) c = NULL;

	assert_true(watch_config_load(&c, "/nonexistent/driftwatch/watch.yml", NULL));
	assert_int_equal(c->repos->len, 0);
	assert_false(c->has_threshold);
}

static void test_watch__bad_config_reports_every_problem_with_lines(void **state)
{
	g_autofree char *path = write_config("threshold: loud\n"
	                                     "repositories:\n"
	                                     "  - branches: [main]\n"
	                                     "  - path: /x\n"
	                                     "    fetch-interval: soon\n");
	g_autoptr(watch_config) c = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *line1 = NULL, *line3 = NULL, *line5 = NULL;

	assert_false(watch_config_load(&c, path, &error));
	line1 = g_strdup_printf("%s:1: threshold", path);
	line3 = g_strdup_printf("%s:3: a repository needs a path", path);
	line5 = g_strdup_printf("%s:5: 'soon' is not a duration", path);
	g_unlink(path);
	assert_null(c);
	assert_non_null(strstr(error->message, line1));
	assert_non_null(strstr(error->message, line3));
	assert_non_null(strstr(error->message, line5));
}

static struct state_alert *alert(enum severity sev, const char *message)
{
	struct state_alert *a = g_new0(struct state_alert, 1);

	a->severity = sev;
	a->rule = g_strdup("DW-NET-001");
	a->commit = g_strdup("0123456789abcdef0123");
	a->resource = g_strdup("aws-sg:AppSG");
	a->file = g_strdup("sg.yaml");
	a->line = 8;
	a->author = g_strdup("Sam <sam@example.com>\x1b[31m");
	a->subject = g_strdup("open redis");
	a->message = g_strdup(message);
	return a;
}

static void test_notify__summary_names_repo_worst_finding_and_count(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *one = NULL, *two = NULL, *body = NULL;

	g_ptr_array_add(alerts, alert(SEVERITY_HIGH, "SSH newly reachable from the Internet: now tcp/22 "
	                                             "from 0.0.0.0/0 (AWS security group AppSG); before: nothing"));
	one = notifier_summary("infra", alerts);
	assert_string_equal(one, "infra: SSH newly reachable from the Internet: tcp/22");
	g_ptr_array_add(alerts, alert(SEVERITY_CRITICAL, "Redis newly reachable from the Internet: now "
	                                                 "tcp/6379 from 0.0.0.0/0; before: nothing"));
	two = notifier_summary("infra", alerts);
	assert_string_equal(two, "infra: 2 findings; worst: Redis newly reachable from the Internet: tcp/6379");
	body = notifier_body(alerts);
	/* Worst first, commit and author named, no escape sequence from the repository. */
	assert_true(g_str_has_prefix(body, "CRITICAL DW-NET-001 Redis"));
	assert_non_null(strstr(body, "commit 0123456789ab by Sam <sam@example.com>?[31m: open redis"));
	assert_null(strchr(body, '\x1b'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debounce__burst_is_one_call),
		cmocka_unit_test(test_debounce__endless_stream_still_fires_at_the_cap),
		cmocka_unit_test(test_debounce__cancel_drops_the_pending_call),
		cmocka_unit_test(test_debounce__free_with_a_pending_call_is_safe),
		cmocka_unit_test(test_debounce__lock_files_are_not_relevant),
		cmocka_unit_test(test_watch__durations_parse_with_units),
		cmocka_unit_test(test_watch__config_reads_repositories),
		cmocka_unit_test(test_watch__missing_config_is_empty),
		cmocka_unit_test(test_watch__bad_config_reports_every_problem_with_lines),
		cmocka_unit_test(test_notify__summary_names_repo_worst_finding_and_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
