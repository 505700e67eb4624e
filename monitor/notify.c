/*
 * notify.c - desktop notifications through libnotify (the freedesktop
 * Desktop Notifications protocol on the session bus).
 *
 * One notification per update, naming the worst finding and the count;
 * urgency critical (and no timeout) for critical findings, normal
 * otherwise. Where the server supports actions, "Show details" runs the
 * configured command on a report file written for the notification.
 */
#include "monitor_private.h"

#include <libnotify/notify.h>
#include <string.h>

/* Findings listed in one notification's body; the rest are counted. */
#define NOTIFIER_BODY_MAX 5
#define NOTIFIER_HEADLINE_MAX 120

struct notifier {
	char *details_command;
	char *report_dir;
	GPtrArray *shown; /* NotifyNotification *, kept until closed for their actions */
};

struct notifier *notifier_new(const char *details_command, const char *report_dir)
{
	struct notifier *n = g_new0(struct notifier, 1);

	n->details_command = g_strdup(details_command ? details_command : "xdg-open");
	n->report_dir = g_strdup(report_dir);
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
	g_free(n);
	if (notify_is_initted())
		notify_uninit();
}

void notifier_set_details_command(struct notifier *n, const char *command)
{
	g_free(n->details_command);
	n->details_command = g_strdup(command ? command : "xdg-open");
}

/* Text from a repository, made safe for a notification: no control characters. */
static void notifier_append_clean(GString *out, const char *s, bool markup)
{
	for (const char *p = s ? s : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			g_string_append_c(out, '?');
		else if (markup && c == '<')
			g_string_append(out, "&lt;");
		else if (markup && c == '>')
			g_string_append(out, "&gt;");
		else if (markup && c == '&')
			g_string_append(out, "&amp;");
		else
			g_string_append_c(out, (char)c);
	}
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

/* "Elasticsearch newly reachable from the Internet: tcp/9200,9300" from the message. */
static char *notifier_headline(const struct state_alert *a)
{
	const char *m = a->message ? a->message : a->rule;
	const char *now = strstr(m, ": now ");
	const char *semi = strstr(m, "; ");
	g_autofree char *head = NULL;

	if (now) {
		const char *from = strstr(now + 6, " from ");

		head = from ? g_strdup_printf("%.*s: %.*s", (int)(now - m), m, (int)(from - now - 6), now + 6)
		            : g_strndup(m, (gsize)(now - m));
	} else {
		head = semi ? g_strndup(m, (gsize)(semi - m)) : g_strdup(m);
	}
	if (g_utf8_strlen(head, -1) > NOTIFIER_HEADLINE_MAX) {
		char *cut = g_utf8_offset_to_pointer(head, NOTIFIER_HEADLINE_MAX - 1);

		*cut = '\0';
		return g_strconcat(head, "…", NULL);
	}
	return g_steal_pointer(&head);
}

char *notifier_summary(const char *name, GPtrArray *alerts)
{
	g_autofree char *head = notifier_headline(notifier_worst(alerts));
	GString *out = g_string_new(NULL);

	notifier_append_clean(out, name, false);
	if (alerts->len > 1)
		g_string_append_printf(out, ": %u findings; worst: ", alerts->len);
	else
		g_string_append(out, ": ");
	notifier_append_clean(out, head, false);
	return g_string_free(out, FALSE);
}

static void notifier_body_alert(GString *out, const struct state_alert *a, bool markup)
{
	g_autofree char *head = notifier_headline(a);
	g_autofree char *upper = g_ascii_strup(severity_name(a->severity), -1);

	g_string_append_printf(out, "%s%s %s ", out->len ? "\n" : "", upper, a->rule);
	notifier_append_clean(out, head, markup);
	g_string_append(out, "\n  ");
	notifier_append_clean(out, a->resource, markup);
	g_string_append_printf(out, " (");
	notifier_append_clean(out, a->file, markup);
	g_string_append_printf(out, ":%u)\n  commit %.12s by ", a->line, a->commit);
	notifier_append_clean(out, a->author, markup);
	g_string_append(out, ": ");
	notifier_append_clean(out, a->subject, markup);
}

static char *notifier_body_markup(GPtrArray *alerts, bool markup)
{
	GString *out = g_string_new(NULL);
	/* A borrowing copy: g_ptr_array_copy() would keep the free function. */
	g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new(alerts->len);

	for (guint i = 0; i < alerts->len; i++)
		g_ptr_array_add(sorted, alerts->pdata[i]);
	/* Worst first; a stable order otherwise (the order of the commits). */
	for (guint i = 1; i < sorted->len; i++)
		for (guint j = i; j > 0 && ((struct state_alert *)sorted->pdata[j])->severity >
		                               ((struct state_alert *)sorted->pdata[j - 1])->severity; j--) {
			gpointer t = sorted->pdata[j];

			sorted->pdata[j] = sorted->pdata[j - 1];
			sorted->pdata[j - 1] = t;
		}
	for (guint i = 0; i < sorted->len && i < NOTIFIER_BODY_MAX; i++)
		notifier_body_alert(out, sorted->pdata[i], markup);
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

/* Writes the report "Show details" opens; returns its path or NULL. */
static char *notifier_report(struct notifier *n, const char *name, GPtrArray *alerts)
{
	const struct state_alert *first = alerts->pdata[0];
	g_autofree char *body = notifier_body_markup(alerts, false);
	g_autofree char *file = g_strdup_printf("%s-%" G_GINT64_FORMAT ".txt", name, first->rowid);
	g_autofree char *path = g_build_filename(n->report_dir, file, NULL);
	g_autoptr(GString) text = g_string_new(NULL);

	g_string_append_printf(text, "driftwatch: %s (%s)\n\n%s\n\nSee: git -C '%s' show <commit>\n",
	                       name, first->repo, body, first->repo);
	for (guint i = 0; i < alerts->len; i++) {
		const struct state_alert *a = alerts->pdata[i];

		g_autofree char *where = finding_where(a->file, a->line);

		g_string_append_printf(text, "\n%s %s %s %s\n  %s\n", a->commit, a->rule, a->resource,
		                       where, a->message);
	}
	if (g_mkdir_with_parents(n->report_dir, 0700) < 0 ||
	    !g_file_set_contents(path, text->str, (gssize)text->len, NULL))
		return NULL;
	return g_steal_pointer(&path);
}

static void notifier_on_details(NotifyNotification *nn, char *action, gpointer user_data)
{
	struct notifier *n = user_data;
	const char *report = g_object_get_data(G_OBJECT(nn), "driftwatch-report");
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) full = NULL;

	if (!report || !g_shell_parse_argv(n->details_command, NULL, &argv, &error)) {
		watch_log("details-command: %s", error ? error->message : "no report");
		return;
	}
	g_strv_builder_addv(b, (const char **)argv);
	g_strv_builder_add(b, report);
	full = g_strv_builder_end(b);
	if (!g_spawn_async(NULL, full, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error))
		watch_log("details-command: %s", error->message);
}

static void notifier_on_closed(NotifyNotification *nn, gpointer user_data)
{
	struct notifier *n = user_data;

	g_signal_handlers_disconnect_by_data(nn, n);
	g_ptr_array_remove(n->shown, nn);
}

static void notifier_add_details(struct notifier *n, NotifyNotification *nn, const char *name,
                                 GPtrArray *alerts)
{
	char *report = notifier_report(n, name, alerts);

	if (!report)
		return;
	g_object_set_data_full(G_OBJECT(nn), "driftwatch-report", report, g_free);
	notify_notification_add_action(nn, "details", "Show details", notifier_on_details, n, NULL);
	g_signal_connect(nn, "closed", G_CALLBACK(notifier_on_closed), n);
	g_ptr_array_add(n->shown, g_object_ref(nn));
}

bool notifier_show(struct notifier *n, const char *name, GPtrArray *alerts, GError **error)
{
	GList *caps = notify_get_server_caps();
	bool markup = notifier_has_cap(caps, "body-markup");
	g_autofree char *summary = notifier_summary(name, alerts);
	g_autofree char *body = notifier_body_markup(alerts, markup);
	NotifyNotification *nn = notify_notification_new(summary, body, "dialog-warning");
	bool critical = notifier_worst(alerts)->severity >= SEVERITY_CRITICAL;
	bool ok;

	notify_notification_set_urgency(nn, critical ? NOTIFY_URGENCY_CRITICAL : NOTIFY_URGENCY_NORMAL);
	notify_notification_set_timeout(nn, critical ? NOTIFY_EXPIRES_NEVER : NOTIFY_EXPIRES_DEFAULT);
	notify_notification_set_category(nn, "driftwatch.exposure");
	if (notifier_has_cap(caps, "actions"))
		notifier_add_details(n, nn, name, alerts);
	g_list_free_full(caps, g_free);
	ok = notify_notification_show(nn, error);
	if (!ok)
		notifier_on_closed(nn, n);
	g_object_unref(nn);
	return ok;
}
