/*
 * hook_budget.c - the time and memory a push may cost the server.
 *
 * A watchdog thread looks at the wall clock and the resident set every
 * 20 ms. Past driftwatch.maxSeconds or driftwatch.maxMemory it rejects
 * the push there and then: it writes the verdict and the decision log
 * line it prepared before any work, and exits with status 1, so git
 * moves no ref. Only write(2), open(2) and _exit(2) run at that point:
 * the main thread may hold any lock.
 *
 * Running out of memory altogether (a ulimit below the budget) ends in
 * GLib's "failed to allocate" error; a handler turns it into the same
 * kind of readable rejection instead of a trap signal.
 */
#include <fcntl.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "dw_escape.h"
#include "hook.h"
#include "hook_private.h"

#define HOOK_BUDGET_TICK_US 20000

static struct {
	gint64 deadline;       /* monotonic, microseconds */
	size_t max_rss;        /* bytes */
	char *time_text;       /* verdict when past the time budget */
	char *memory_text;     /* ... past the memory budget */
	char *oom_text;        /* ... when an allocation failed */
	char *log_path;        /* NULL, "syslog" or a file */
	GString *log_lines;    /* one line per ref, verdict=rejected-budget */
	size_t page;
	GThread *thread;       /* the watchdog, joined by hook_budget_stop() */
	gint stop;             /* set (atomically) to end the watchdog */
} hook_budget;

/*
 * Resident bytes of the hook's own memory, from /proc/self/statm
 * (proc(5)): resident minus shared, so that pages of the pack files
 * libgit2 maps (the page cache's, given back under pressure) do not
 * count; 0 when unknown.
 */
static size_t hook_budget_rss(void)
{
	char buf[128];
	ssize_t n;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	unsigned long long size = 0, resident = 0, shared = 0;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu %llu", &size, &resident, &shared) != 3 || shared > resident)
		return 0;
	return (size_t)(resident - shared) * hook_budget.page;
}

/* Says text, logs the prepared lines, and exits: the push is rejected. */
G_NORETURN static void hook_budget_reject(const char *text)
{
	ssize_t ignored = write(STDERR_FILENO, text, strlen(text));

	(void)ignored;
	if (hook_budget.log_path && strcmp(hook_budget.log_path, "syslog") == 0) {
		syslog(LOG_WARNING, "%s", hook_budget.log_lines->str);
	} else if (hook_budget.log_path) {
		int fd = open(hook_budget.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

		if (fd >= 0) {
			ignored = write(fd, hook_budget.log_lines->str, hook_budget.log_lines->len);
			close(fd);
		}
	}
	_exit(1);
}

static gpointer hook_budget_watch(gpointer data)
{
	while (!g_atomic_int_get(&hook_budget.stop)) {
		g_usleep(HOOK_BUDGET_TICK_US);
		if (g_get_monotonic_time() > hook_budget.deadline)
			hook_budget_reject(hook_budget.time_text);
		if (hook_budget_rss() > hook_budget.max_rss)
			hook_budget_reject(hook_budget.memory_text);
	}
	return NULL;
}

/* GLib's fatal errors: "failed to allocate" is running out of memory. */
static void hook_budget_oom(const gchar *domain, GLogLevelFlags level, const gchar *message,
                            gpointer user_data)
{
	if (message && !strstr(message, "alloc")) {
		char line[512];

		g_snprintf(line, sizeof(line), "driftwatch: REJECTED: internal error: %s\n", message);
		hook_budget_reject(line);
	}
	hook_budget_reject(hook_budget.oom_text);
}

/* The lines the log gets when the budget stops the push: one per ref. */
static void hook_budget_log_lines(const struct hook_push *p, GPtrArray *updates)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	g_autofree char *pusher = dw_escape(p->pusher ? p->pusher : "?");

	hook_budget.log_lines = g_string_new(NULL);
	for (guint i = 0; i < updates->len; i++) {
		const struct hook_update *u = updates->pdata[i];
		g_autofree char *ref = dw_escape(u->ref);
		char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];

		g_string_append_printf(hook_budget.log_lines,
		                       "%s ref=%s old=%s new=%s pusher=%s verdict=rejected-budget "
		                       "findings= approvals=\n", when, ref,
		                       git_oid_tostr(old_hex, sizeof(old_hex), &u->old_id),
		                       git_oid_tostr(new_hex, sizeof(new_hex), &u->new_id), pusher);
	}
}

void hook_budget_start(const struct hook_push *p, GPtrArray *updates)
{
	const struct hook_config *c = &p->h.config;
	const char *pre = p->prefix;
	const char *tail = "driftwatch: the push is rejected as a whole; no ref was updated\n";

	hook_budget.page = (size_t)sysconf(_SC_PAGESIZE);
	hook_budget.deadline = g_get_monotonic_time() + (gint64)c->max_seconds * G_USEC_PER_SEC;
	hook_budget.max_rss = c->max_memory;
	hook_budget.time_text = g_strdup_printf(
		"%sdriftwatch: REJECTED: the push is too large to check within %u s "
		"(driftwatch.maxSeconds): split the push or ask an administrator\n%s%s",
		pre, c->max_seconds, pre, tail);
	hook_budget.memory_text = g_strdup_printf(
		"%sdriftwatch: REJECTED: the push is too large to check within %zu MB "
		"(driftwatch.maxMemory): split the push or ask an administrator\n%s%s",
		pre, c->max_memory >> 20, pre, tail);
	hook_budget.oom_text = g_strdup_printf(
		"%sdriftwatch: REJECTED: the server ran out of memory checking the push: split the push "
		"or ask an administrator (ulimit -v, driftwatch.maxMemory)\n%s%s", pre, pre, tail);
	hook_budget.log_path = g_strdup(c->log);
	hook_budget_log_lines(p, updates);
	g_log_set_handler("GLib", G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL, hook_budget_oom, NULL);
	g_atomic_int_set(&hook_budget.stop, 0);
	hook_budget.thread = g_thread_new("dw-budget", hook_budget_watch, NULL);
}

void hook_budget_stop(void)
{
	if (!hook_budget.thread)
		return;
	g_atomic_int_set(&hook_budget.stop, 1);
	g_thread_join(g_steal_pointer(&hook_budget.thread));
	g_clear_pointer(&hook_budget.time_text, g_free);
	g_clear_pointer(&hook_budget.memory_text, g_free);
	g_clear_pointer(&hook_budget.oom_text, g_free);
	g_clear_pointer(&hook_budget.log_path, g_free);
	if (hook_budget.log_lines)
		g_string_free(g_steal_pointer(&hook_budget.log_lines), TRUE);
}
