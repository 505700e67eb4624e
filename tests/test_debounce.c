/*
 * test_debounce.c - the watcher's event handling on a real GLib main
 * loop: a burst of ref events is one analysis, an endless stream is
 * still analysed (the cap), git's lock files are ignored; and the
 * watch.yml reader, durations, notification texts (escaped, with port
 * names), the details page and a branch's upstream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
	a->repo = g_build_filename(g_get_home_dir(), "src", "infra", NULL);
	a->branch = g_strdup("refs/heads/main");
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

/* A network finding's alert: its headline, what it lets in now, and the message they make. */
static struct state_alert *network_alert(enum severity sev, const char *headline, const char *after)
{
	g_autofree char *message = g_strdup_printf("%s: now %s (AWS security group AppSG); before: "
	                                           "nothing", headline, after);
	struct state_alert *a = alert(sev, message);

	a->headline = g_strdup(headline);
	a->after = g_strdup(after);
	return a;
}

static void test_notify__summary_is_the_worst_finding_with_a_count(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *one = NULL, *two = NULL;

	g_ptr_array_add(alerts, network_alert(SEVERITY_HIGH, "newly reachable from the Internet",
	                                      "tcp/22 from 0.0.0.0/0"));
	one = notifier_summary(alerts);
	/* SSH is not a "sensitive" port of the pack, still it gets its name. */
	assert_string_equal(one, "Newly reachable from the Internet: tcp/22 (SSH)");
	g_ptr_array_add(alerts, network_alert(SEVERITY_CRITICAL, "Redis newly reachable from the Internet",
	                                      "tcp/6379 from 0.0.0.0/0"));
	two = notifier_summary(alerts);
	assert_string_equal(two, "Redis newly reachable from the Internet: tcp/6379 (+1 more)");
}

/* The headline names every port of the set the finding lets in now, whatever its sources. */
static void test_notify__headline_names_the_ports_of_the_set_not_of_its_text(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *one = NULL;

	g_ptr_array_add(alerts, network_alert(SEVERITY_CRITICAL, "newly reachable from private sources",
	                                      "tcp/22 from 10.0.0.0/8; tcp/23,6379 from 0.0.0.0/0; "
	                                      "udp/53 from 10.0.0.0/8"));
	one = notifier_summary(alerts);
	assert_string_equal(one, "Newly reachable from private sources: tcp/22-23,6379 (Redis) udp/53 (DNS)");
}

/* A finding with no headline (a setting, or an alert stored before
 * headlines) is shown by its message, never cut at text that looks
 * like a set. */
static void test_notify__message_without_headline_is_not_parsed(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *one = NULL;

	g_ptr_array_add(alerts, alert(SEVERITY_HIGH, "nginx server_name: now tcp/80 from here; x"));
	one = notifier_summary(alerts);
	assert_string_equal(one, "Nginx server_name: now tcp/80 from here; x");
}

static void test_notify__body_names_path_and_branch_and_does_not_repeat_the_summary(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *summary = NULL, *body = NULL;

	g_ptr_array_add(alerts, network_alert(SEVERITY_HIGH, "newly reachable from the Internet",
	                                      "tcp/22 from 0.0.0.0/0"));
	g_ptr_array_add(alerts, network_alert(SEVERITY_CRITICAL, "Redis newly reachable from the Internet",
	                                      "tcp/6379 from 0.0.0.0/0"));
	summary = notifier_summary(alerts);
	body = notifier_body(alerts);
	assert_true(g_str_has_prefix(body, "~/src/infra on main\nCRITICAL DW-NET-001\n  aws-sg:AppSG"));
	assert_null(strstr(body, "Redis newly reachable"));
	/* The other finding is listed with its headline. */
	assert_non_null(strstr(body, "HIGH DW-NET-001 Newly reachable from the Internet: tcp/22 (SSH)"));
	assert_non_null(strstr(body, "commit 0123456789ab by Sam <sam@example.com>\\x1b[31m: open redis"));
	assert_null(strchr(body, '\x1b'));
}

static void test_notify__c0_del_c1_and_bad_utf8_never_reach_a_notification(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	struct state_alert *a = alert(SEVERITY_CRITICAL, "Redis newly reachable from the Internet\x07");
	g_autofree char *summary = NULL, *body = NULL, *html = NULL;

	g_free(a->resource);
	/* ESC, BEL, DEL, CSI as C1 (U+009B), OSC as C1 (U+009D), a lone 0xff byte. */
	a->resource = g_strdup("aws-sg:\x1b]0;owned\x07X\x7f\xc2\x9b" "2J\xc2\x9dY\xff<b>");
	g_ptr_array_add(alerts, a);
	summary = notifier_summary(alerts);
	body = notifier_body(alerts);
	html = notifier_details_render(alerts);
	for (const char *t[] = { summary, body, html }, **p = t; p < t + 3; p++) {
		assert_null(strchr(*p, '\x1b'));
		assert_null(strchr(*p, '\x07'));
		assert_null(strchr(*p, '\x7f'));
		assert_null(strstr(*p, "\xc2\x9b"));
		assert_null(strstr(*p, "\xc2\x9d"));
		assert_true(g_utf8_validate(*p, -1, NULL));
	}
	assert_non_null(strstr(body, "aws-sg:\\x1b]0;owned\\x07X\\x7f\\x9b2J\\x9dY\\xff<b>"));
	/* HTML markup from the repository is text on the page. */
	assert_non_null(strstr(html, "\\xff&lt;b&gt;"));
}

static void test_notify__details_page_has_no_placeholder(void **state)
{
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autofree char *html = NULL;

	g_ptr_array_add(alerts, alert(SEVERITY_CRITICAL, "Redis newly reachable from the Internet: now "
	                                                 "tcp/6379 from 0.0.0.0/0; before: nothing"));
	html = notifier_details_render(alerts);
	assert_null(strstr(html, "<commit>"));
	assert_null(strstr(html, "&lt;commit&gt;"));
	assert_non_null(strstr(html, "show 0123456789abcdef0123 -- &apos;sg.yaml&apos;"));
	assert_non_null(strstr(html, "~/src/infra on refs/heads/main"));
}

static void test_ports__well_known_ports_are_named(void **state)
{
	g_autofree char *a = port_annotate("tcp/22,80,8000-8100", NULL);
	g_autofree char *b = port_annotate("udp/53 tcp/5", NULL);
	g_autofree char *c = port_annotate("tcp/6379,22", "Redis newly reachable");

	assert_string_equal(port_service_name("tcp", 22), "SSH");
	assert_null(port_service_name("udp", 22));
	assert_string_equal(a, "tcp/22 (SSH),80 (HTTP),8000-8100");
	assert_string_equal(b, "udp/53 (DNS) tcp/5");
	assert_string_equal(c, "tcp/6379,22 (SSH)");
}

/* watch_repo_upstream read past a short ref name's end before checking its prefix. */
static void test_watch__upstream_of_a_short_ref_is_none(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("dw-upstream-XXXXXX", NULL);
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	/* Exactly sized on the heap, so that ASan sees any read past the end. */
	g_autofree char *ref = g_strdup("refs/x");
	g_autofree char *upstream = NULL;
	g_autofree char *cmd = NULL;

	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, dir, false), 0);
	assert_null(watch_repo_upstream(repo, ref));
	assert_null(watch_repo_upstream(repo, "HEAD"));
	/* A branch with an upstream in the same repository (remote "."). */
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	assert_int_equal(git_config_set_string(cfg, "branch.topic.remote", "."), 0);
	assert_int_equal(git_config_set_string(cfg, "branch.topic.merge", "refs/heads/main"), 0);
	git_config_free(cfg);
	upstream = watch_repo_upstream(repo, "refs/heads/topic");
	assert_non_null(upstream);
	assert_string_equal(upstream, "refs/heads/main");
	git_repository_free(repo);
	cmd = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	git_libgit2_shutdown();
}

/*
 * A short ref name that ends right before a page no one may read: reading
 * past its end (as watch_repo_upstream once did, taking the branch name
 * from 11 bytes in before checking the prefix) kills the test in any
 * build, not only under ASan.
 */
static void test_watch__upstream_reads_nothing_past_a_short_ref(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("dw-upstream-XXXXXX", NULL);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int zero = open("/dev/zero", O_RDWR);
	char *pages;
	git_repository *repo = NULL;

	assert_true(zero >= 0);
	pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	close(zero);
	assert_true(pages != MAP_FAILED);
	assert_int_equal(mprotect(pages + page, page, PROT_NONE), 0);
	memcpy(pages + page - sizeof("refs/x"), "refs/x", sizeof("refs/x"));
	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, dir, false), 0);
	assert_null(watch_repo_upstream(repo, pages + page - sizeof("refs/x")));
	git_repository_free(repo);
	munmap(pages, 2 * page);
	assert_int_equal(system(cmd), 0);
	git_libgit2_shutdown();
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
		cmocka_unit_test(test_notify__summary_is_the_worst_finding_with_a_count),
		cmocka_unit_test(test_notify__headline_names_the_ports_of_the_set_not_of_its_text),
		cmocka_unit_test(test_notify__message_without_headline_is_not_parsed),
		cmocka_unit_test(test_notify__body_names_path_and_branch_and_does_not_repeat_the_summary),
		cmocka_unit_test(test_notify__c0_del_c1_and_bad_utf8_never_reach_a_notification),
		cmocka_unit_test(test_notify__details_page_has_no_placeholder),
		cmocka_unit_test(test_ports__well_known_ports_are_named),
		cmocka_unit_test(test_watch__upstream_of_a_short_ref_is_none),
		cmocka_unit_test(test_watch__upstream_reads_nothing_past_a_short_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
