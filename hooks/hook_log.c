/*
 * hook_log.c - the decision log: one line per judged ref, to a file
 * (appended with one write, so concurrent pushes do not interleave) or to
 * syslog. The line is part of the decision: a push whose decision cannot
 * be logged is treated as one that could not be checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "dw_escape.h"
#include "hook.h"
#include "hook_private.h"

static void hook_log_findings(GString *line, GPtrArray *findings)
{
	const char *sep = "";

	g_string_append(line, " findings=");
	for (guint i = 0; findings && i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (f->severity == SEVERITY_INFO)
			continue;
		g_string_append_printf(line, "%s%s/%s/%s", sep, f->id, f->rule->id,
		                       severity_name(f->severity));
		sep = ",";
	}
	g_string_append(line, " approvals=");
	sep = "";
	for (guint i = 0; findings && i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];
		g_autofree char *by = NULL;

		if (!f->suppressed)
			continue;
		by = dw_escape(f->approved_by ? f->approved_by : f->approval_comment);
		g_strdelimit(by, " ", '_');
		g_string_append_printf(line, "%s%s/%s/%s", sep, f->id,
		                       f->approval_at_push ? "push-option"
		                       : f->approval_comment ? "comment"
		                       : f->approval_expires ? "policy" : "trailer", by);
		sep = ",";
	}
}

/* Appends line to path with one write; false (errno set) on failure. */
static bool hook_log_append(const char *path, const GString *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	bool ok = fd >= 0 && write(fd, line->str, line->len) == (ssize_t)line->len;
	int saved = errno;

	if (fd >= 0 && close(fd) < 0)
		ok = false;
	else
		errno = saved;
	return ok;
}

bool hook_log(struct hook_push *p, FILE *err, const struct hook_update *u, const char *verdict,
              GPtrArray *findings)
{
	g_autoptr(GString) line = g_string_new(NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	g_autofree char *ref = dw_escape(u->ref);
	g_autofree char *pusher = dw_escape(p->pusher ? p->pusher : "?");
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];

	if (!p->h.config.log)
		return true;
	g_strdelimit(pusher, " ", '_');
	g_string_append_printf(line, "%s ref=%s old=%s new=%s pusher=%s verdict=%s", when, ref,
	                       git_oid_tostr(old_hex, sizeof(old_hex), &u->old_id),
	                       git_oid_tostr(new_hex, sizeof(new_hex), &u->new_id), pusher, verdict);
	hook_log_findings(line, findings);
	if (strcmp(p->h.config.log, "syslog") == 0) {
		openlog("driftwatch", LOG_PID, LOG_USER);
		syslog(g_str_has_prefix(verdict, "accepted") ? LOG_INFO : LOG_WARNING, "%s", line->str);
		closelog();
		return true;
	}
	g_string_append_c(line, '\n');
	if (!hook_log_append(p->h.config.log, line)) {
		g_autofree char *path = dw_escape(p->h.config.log);

		fprintf(err, "driftwatch: cannot write the decision log %s: %s\n", path, g_strerror(errno));
		return false;
	}
	return true;
}
