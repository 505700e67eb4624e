/*
 * notify.c - desktop notifications through libnotify (the freedesktop
 * Desktop Notifications protocol on the session bus).
 *
 * One notification per update: the worst finding as the summary; the
 * body names the repository (~/src/infra) and branch, then the worst
 * finding's resource and commit and the other findings, never the summary
 * again. Urgency critical (and no timeout) for critical findings, normal
 * otherwise. Where the server supports actions: "Show" opens a details
 * page, "Explain" the rule's explanation (driftwatch explain), "Mute 1
 * day" acknowledges the alerts in the state store.
 *
 * Every string from a repository is escaped (dw_escape: C0, DEL, C1 and
 * invalid UTF-8 become \xNN), then marked up when the server reads markup.
 */
#include "monitor_private.h"

#include <libnotify/notify.h>
#include <string.h>

#include "dw_escape.h"

/* Findings listed in one notification's body; the rest are counted. */
#define NOTIFIER_BODY_MAX 5
#define NOTIFIER_HEADLINE_MAX 120
#define NOTIFIER_MUTE_SECONDS (24 * 3600)

struct notifier {
	char *details_command;
	char *report_dir;
	char *exe_path;
	notifier_mute_fn mute;
	void *mute_data;
	GPtrArray *shown; /* NotifyNotification *, kept until closed for their actions */
};

struct notifier *notifier_new(const char *details_command, const char *report_dir,
                              const char *exe_path, notifier_mute_fn mute, void *user_data)
{
	struct notifier *n = g_new0(struct notifier, 1);

	n->details_command = g_strdup(details_command ? details_command : "xdg-open");
	n->report_dir = g_strdup(report_dir);
	n->exe_path = g_strdup(exe_path ? exe_path : "driftwatch");
	n->mute = mute;
	n->mute_data = user_data;
	n->shown = g_ptr_array_new_with_free_func(g_object_unref);
	if (!notify_is_initted())
		notify_init("driftwatch");
	return n;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	for (guint i = 0; i < n->shown->len; i++)
		g_signal_handlers_disconnect_by_data(n->shown->pdata[i], n);
	g_ptr_array_unref(n->shown);
	g_free(n->details_command);
	g_free(n->report_dir);
	g_free(n->exe_path);
	g_free(n);
	if (notify_is_initted())
		notify_uninit();
}

void notifier_set_details_command(struct notifier *n, const char *command)
{
	g_free(n->details_command);
	n->details_command = g_strdup(command ? command : "xdg-open");
}

/* Text from a repository, made safe for a notification: escaped, and marked up if asked. */
static void notifier_append_clean(GString *out, const char *s, bool markup)
{
	g_autofree char *safe = dw_escape(s);
	g_autofree char *marked = markup ? g_markup_escape_text(safe, -1) : NULL;

	g_string_append(out, markup ? marked : safe);
}

char *notifier_short_path(const char *path)
{
	const char *home = g_get_home_dir();
	size_t n = home ? strlen(home) : 0;

	if (n > 1 && strncmp(path, home, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		return g_strconcat("~", path + n, NULL);
	return g_strdup(path);
}

/* "refs/heads/main" -> "main", "refs/remotes/origin/main" -> "origin/main". */
static const char *notifier_branch(const char *ref)
{
	if (g_str_has_prefix(ref, "refs/heads/"))
		return ref + strlen("refs/heads/");
	if (g_str_has_prefix(ref, "refs/remotes/"))
		return ref + strlen("refs/remotes/");
	return ref;
}

/* The worst alert (first of the highest severity). */
static const struct state_alert *notifier_worst(GPtrArray *alerts)
{
	const struct state_alert *worst = alerts->pdata[0];

	for (guint i = 1; i < alerts->len; i++) {
		const struct state_alert *a = alerts->pdata[i];

		if (a->severity > worst->severity)
			worst = a;
	}
	return worst;
}

/* The ports of an alert's "after" set, named ("tcp/9200 (Elasticsearch)"), or NULL. */
static char *notifier_ports(const struct state_alert *a, const char *lead)
{
	g_autoptr(exposure) after = a->after ? exposure_parse(a->after, NULL) : NULL;
	g_autofree char *ports = after ? port_list(after) : NULL;

	return ports && *ports ? port_annotate(ports, lead) : NULL;
}

/*
 * "Elasticsearch newly reachable from the Internet: tcp/9200
 * (Elasticsearch)": the finding's headline and the ports of what it lets
 * in now; the message, for a finding (or an alert stored before
 * headlines were) without one.
 */
char *notifier_headline(const struct state_alert *a)
{
	const char *lead = a->headline ? a->headline : a->message ? a->message : a->rule;
	g_autofree char *ports = a->headline ? notifier_ports(a, lead) : NULL;
	g_autofree char *head = ports ? g_strdup_printf("%s: %s", lead, ports) : g_strdup(lead);

	/* A message that starts with its verb ("newly reachable..."). */
	if (g_ascii_islower(head[0]))
		head[0] = g_ascii_toupper(head[0]);
	if (g_utf8_strlen(head, -1) > NOTIFIER_HEADLINE_MAX) {
		char *cut = g_utf8_offset_to_pointer(head, NOTIFIER_HEADLINE_MAX - 1);

		*cut = '\0';
		return g_strconcat(head, "…", NULL);
	}
	return g_steal_pointer(&head);
}

char *notifier_summary(GPtrArray *alerts)
{
	g_autofree char *head = notifier_headline(notifier_worst(alerts));
	GString *out = g_string_new(NULL);

	notifier_append_clean(out, head, false);
	if (alerts->len > 1)
		g_string_append_printf(out, " (+%u more)", alerts->len - 1);
	return g_string_free(out, FALSE);
}

/* "  aws-sg:X (x.yaml:3)\n  commit abc by A: subject" */
static void notifier_body_where(GString *out, const struct state_alert *a, bool markup)
{
	g_string_append(out, "\n  ");
	notifier_append_clean(out, a->resource, markup);
	g_string_append(out, " (");
	notifier_append_clean(out, a->file, markup);
	g_string_append_printf(out, ":%u)\n  commit %.12s by ", a->line, a->commit);
	notifier_append_clean(out, a->author, markup);
	g_string_append(out, ": ");
	notifier_append_clean(out, a->subject, markup);
}

/* A borrowing copy of alerts, worst first, otherwise in commit order. */
static GPtrArray *notifier_sorted(GPtrArray *alerts)
{
	GPtrArray *sorted = g_ptr_array_sized_new(alerts->len);

	for (guint i = 0; i < alerts->len; i++)
		g_ptr_array_add(sorted, alerts->pdata[i]);
	for (guint i = 1; i < sorted->len; i++)
		for (guint j = i; j > 0 && ((struct state_alert *)sorted->pdata[j])->severity >
		                               ((struct state_alert *)sorted->pdata[j - 1])->severity; j--) {
			gpointer t = sorted->pdata[j];

			sorted->pdata[j] = sorted->pdata[j - 1];
			sorted->pdata[j - 1] = t;
		}
	return sorted;
}

static char *notifier_body_markup(GPtrArray *alerts, bool markup)
{
	GString *out = g_string_new(NULL);
	g_autoptr(GPtrArray) sorted = notifier_sorted(alerts);
	const struct state_alert *worst = sorted->pdata[0];
	g_autofree char *repo = notifier_short_path(worst->repo);
	g_autofree char *upper = g_ascii_strup(severity_name(worst->severity), -1);

	notifier_append_clean(out, repo, markup);
	g_string_append(out, " on ");
	notifier_append_clean(out, notifier_branch(worst->branch), markup);
	g_string_append_printf(out, "\n%s %s", upper, worst->rule);
	notifier_body_where(out, worst, markup);
	for (guint i = 1; i < sorted->len && i < NOTIFIER_BODY_MAX; i++) {
		const struct state_alert *a = sorted->pdata[i];
		g_autofree char *head = notifier_headline(a);
		g_autofree char *sev = g_ascii_strup(severity_name(a->severity), -1);

		g_string_append_printf(out, "\n%s %s ", sev, a->rule);
		notifier_append_clean(out, head, markup);
		notifier_body_where(out, a, markup);
	}
	if (sorted->len > NOTIFIER_BODY_MAX)
		g_string_append_printf(out, "\nand %u more (driftwatch history)", sorted->len - NOTIFIER_BODY_MAX);
	return g_string_free(out, FALSE);
}

char *notifier_body(GPtrArray *alerts)
{
	return notifier_body_markup(alerts, false);
}

static bool notifier_has_cap(GList *caps, const char *cap)
{
	return g_list_find_custom(caps, cap, (GCompareFunc)strcmp) != NULL;
}

/* Runs the details command on file. */
static void notifier_open(struct notifier *n, const char *file)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) full = NULL;

	if (!g_shell_parse_argv(n->details_command, NULL, &argv, &error)) {
		watch_log("details-command: %s", error->message);
		return;
	}
	g_strv_builder_addv(b, (const char **)argv);
	g_strv_builder_add(b, file);
	full = g_strv_builder_end(b);
	if (!g_spawn_async(NULL, full, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error))
		watch_log("details-command: %s", error->message);
}

static void notifier_on_show(NotifyNotification *nn, char *action, gpointer user_data)
{
	const char *report = g_object_get_data(G_OBJECT(nn), "driftwatch-report");

	if (report)
		notifier_open(user_data, report);
}

/* Writes what `driftwatch explain RULE` says for the worst finding, and opens it. */
static void notifier_on_explain(NotifyNotification *nn, char *action, gpointer user_data)
{
	struct notifier *n = user_data;
	GPtrArray *alerts = g_object_get_data(G_OBJECT(nn), "driftwatch-alerts");
	const struct state_alert *worst = notifier_worst(alerts);
	const char *argv[] = { n->exe_path, "explain", worst->rule, NULL };
	g_autofree char *name = g_strdup_printf("explain-%s.txt", worst->rule);
	g_autofree char *path = NULL;
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	g_strdelimit(name, "/\\", '_');
	path = g_build_filename(n->report_dir, name, NULL);
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
	                  NULL, &status, &error) ||
	    !g_spawn_check_wait_status(status, &error) ||
	    g_mkdir_with_parents(n->report_dir, 0700) < 0 ||
	    !g_file_set_contents(path, out, -1, &error)) {
		watch_log("explain %s: %s", worst->rule, error ? error->message : g_strerror(errno));
		return;
	}
	notifier_open(n, path);
}

static void notifier_on_mute(NotifyNotification *nn, char *action, gpointer user_data)
{
	struct notifier *n = user_data;
	GPtrArray *alerts = g_object_get_data(G_OBJECT(nn), "driftwatch-alerts");

	if (n->mute)
		n->mute(alerts, g_get_real_time() / G_USEC_PER_SEC + NOTIFIER_MUTE_SECONDS, n->mute_data);
}

static void notifier_on_closed(NotifyNotification *nn, gpointer user_data)
{
	struct notifier *n = user_data;

	g_signal_handlers_disconnect_by_data(nn, n);
	g_ptr_array_remove(n->shown, nn);
}

static void notifier_add_actions(struct notifier *n, NotifyNotification *nn, GPtrArray *alerts)
{
	g_autoptr(GError) error = NULL;
	char *report = notifier_details_write(n->report_dir, alerts, &error);

	if (report) {
		g_object_set_data_full(G_OBJECT(nn), "driftwatch-report", report, g_free);
		notify_notification_add_action(nn, "show", "Show", notifier_on_show, n, NULL);
	} else {
		watch_log("cannot write the details page: %s", error->message);
	}
	g_object_set_data_full(G_OBJECT(nn), "driftwatch-alerts", g_ptr_array_ref(alerts),
	                       (GDestroyNotify)g_ptr_array_unref);
	notify_notification_add_action(nn, "explain", "Explain", notifier_on_explain, n, NULL);
	notify_notification_add_action(nn, "mute", "Mute 1 day", notifier_on_mute, n, NULL);
	g_signal_connect(nn, "closed", G_CALLBACK(notifier_on_closed), n);
	g_ptr_array_add(n->shown, g_object_ref(nn));
}

bool notifier_show(struct notifier *n, GPtrArray *alerts, GError **error)
{
	GList *caps = notify_get_server_caps();
	bool markup = notifier_has_cap(caps, "body-markup");
	g_autofree char *summary = notifier_summary(alerts);
	g_autofree char *body = notifier_body_markup(alerts, markup);
	NotifyNotification *nn = notify_notification_new(summary, body, "dialog-warning");
	bool critical = notifier_worst(alerts)->severity >= SEVERITY_CRITICAL;
	bool ok;

	notify_notification_set_urgency(nn, critical ? NOTIFY_URGENCY_CRITICAL : NOTIFY_URGENCY_NORMAL);
	notify_notification_set_timeout(nn, critical ? NOTIFY_EXPIRES_NEVER : NOTIFY_EXPIRES_DEFAULT);
	notify_notification_set_category(nn, "driftwatch.exposure");
	if (notifier_has_cap(caps, "actions"))
		notifier_add_actions(n, nn, alerts);
	g_list_free_full(caps, g_free);
	ok = notify_notification_show(nn, error);
	if (!ok)
		notifier_on_closed(nn, n);
	g_object_unref(nn);
	return ok;
}

bool notifier_problem(struct notifier *n, const char *summary, const char *text, GError **error)
{
	GList *caps = notify_get_server_caps();
	bool markup = notifier_has_cap(caps, "body-markup");
	g_autoptr(GString) body = g_string_new(NULL);
	NotifyNotification *nn;
	bool ok;

	g_list_free_full(caps, g_free);
	notifier_append_clean(body, text, markup);
	nn = notify_notification_new(summary, body->str, "dialog-error");
	notify_notification_set_urgency(nn, NOTIFY_URGENCY_CRITICAL);
	notify_notification_set_category(nn, "driftwatch.error");
	ok = notify_notification_show(nn, error);
	g_object_unref(nn);
	return ok;
}
