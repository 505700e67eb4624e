/*
 * hook_receive.c - driftwatch hook pre-receive: the server gate.
 *
 * git runs pre-receive once per push, with one "<old> <new> <ref>" line
 * per updated ref on stdin, after the pushed objects arrived but before
 * any ref moves; they sit in a quarantine directory that only the
 * environment names (GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH), so the
 * repository is opened from the environment (githooks(5), "pre-receive").
 * A non-zero exit rejects the whole push. Nothing here writes to the
 * repository.
 */
#include <fcntl.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "error.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

/* Lines and bytes of stdin accepted: git sends one short line per ref. */
#define HOOK_MAX_UPDATES 100000u
#define HOOK_MAX_LINE 4096

#define HOOK_APPROVE_OPTION "driftwatch.approve="

struct hook_update {
	git_oid old_id;
	git_oid new_id;
	char *ref;     /* owned */
};

/* One push: its settings and what every ref came to. */
struct hook_push {
	struct hook_session h;
	const char *pusher;      /* borrowed from the environment, or NULL */
	GPtrArray *approve_ids;  /* char *: driftwatch.approve push options */
	GHashTable *used_ids;    /* ids an approval matched */
	const char *prefix;      /* "GL-HOOK-ERR: " on GitLab for rejections, else "" */
};

static void hook_update_free(struct hook_update *u)
{
	g_free(u->ref);
	g_free(u);
}

static bool hook_parse_oid(git_oid *out, const char *hex)
{
	return strlen(hex) == GIT_OID_HEXSZ && git_oid_fromstr(out, hex) == 0;
}

/* Reads every line before any work, as git expects the hook to. */
static bool hook_receive_read(GPtrArray *out, FILE *in, GError **error)
{
	char line[HOOK_MAX_LINE];
	unsigned n = 0;

	while (fgets(line, sizeof(line), in)) {
		g_auto(GStrv) words = NULL;
		struct hook_update *u;

		n++;
		if (!strchr(line, '\n') && !feof(in)) {
			g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "stdin:%u: line longer than %d bytes", n,
			            HOOK_MAX_LINE);
			return false;
		}
		g_strchomp(line);
		words = g_strsplit(line, " ", 3);
		u = g_new0(struct hook_update, 1);
		g_ptr_array_add(out, u);
		if (g_strv_length(words) != 3 || !hook_parse_oid(&u->old_id, words[0]) ||
		    !hook_parse_oid(&u->new_id, words[1]) || !*words[2] || n > HOOK_MAX_UPDATES) {
			g_autofree char *shown = dw_escape(line);

			g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
			            "stdin:%u: expected \"<old-id> <new-id> <ref>\", got \"%s\"", n, shown);
			return false;
		}
		u->ref = g_strdup(words[2]);
	}
	return true;
}

/* The ids of every -o driftwatch.approve=ID[,ID] the pusher gave. */
static GPtrArray *hook_push_approvals(void)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	const char *count = g_getenv("GIT_PUSH_OPTION_COUNT");
	guint64 n = 0;

	if (!count || !g_ascii_string_to_unsigned(count, 10, 0, 1000, &n, NULL))
		return ids;
	for (guint64 i = 0; i < n; i++) {
		g_autofree char *name = g_strdup_printf("GIT_PUSH_OPTION_%" G_GUINT64_FORMAT, i);
		const char *value = g_getenv(name);
		g_auto(GStrv) parts = NULL;

		if (!value || !g_str_has_prefix(value, HOOK_APPROVE_OPTION))
			continue;
		parts = g_strsplit(value + strlen(HOOK_APPROVE_OPTION), ",", -1);
		for (char **p = parts; *p; p++) {
			if (**p)
				g_ptr_array_add(ids, g_strdup(g_strstrip(*p)));
		}
	}
	return ids;
}

/* Who pushes: GitLab, Gitea, else the account of a plain SSH server. */
static const char *hook_pusher(void)
{
	static const char *const vars[] = { "GL_USERNAME", "GITEA_PUSHER_NAME", "USER", "LOGNAME" };

	for (size_t i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *v = g_getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* An approver's push options approve the findings they name, DW-POLICY ones included. */
static void hook_apply_push_approvals(struct hook_push *p, GPtrArray *findings)
{
	if (!(p->h.config.trust & HOOK_TRUST_PUSH_OPTION) ||
	    !hook_config_is_approver(&p->h.config, p->pusher))
		return;
	for (guint i = 0; i < p->approve_ids->len; i++) {
		const char *id = p->approve_ids->pdata[i];

		for (guint j = 0; j < findings->len; j++) {
			struct finding *f = findings->pdata[j];

			if (f->suppressed || g_ascii_strcasecmp(f->id, id) != 0)
				continue;
			f->suppressed = true;
			f->approval_at_push = true;
			f->approved_by = g_strdup(p->pusher);
			f->approval_reason = g_strdup("git push -o " HOOK_APPROVE_OPTION "ID");
			g_hash_table_add(p->used_ids, g_strdup(id));
		}
	}
}

/* One log line per decision, to driftwatch.log (a file or syslog). */
static void hook_log(struct hook_push *p, FILE *err, const struct hook_update *u,
                     const char *verdict, GPtrArray *findings)
{
	g_autoptr(GString) line = g_string_new(NULL);
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *when = g_date_time_format_iso8601(now);
	g_autofree char *ref = dw_escape(u->ref);
	g_autofree char *pusher = dw_escape(p->pusher ? p->pusher : "?");
	char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
	const char *sep = "";

	if (!p->h.config.log)
		return;
	g_string_append_printf(line, "%s ref=%s old=%s new=%s pusher=%s verdict=%s findings=", when, ref,
	                       git_oid_tostr(old_hex, sizeof(old_hex), &u->old_id),
	                       git_oid_tostr(new_hex, sizeof(new_hex), &u->new_id), pusher, verdict);
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
	if (strcmp(p->h.config.log, "syslog") == 0) {
		openlog("driftwatch", LOG_PID, LOG_USER);
		syslog(strcmp(verdict, "accepted") == 0 ? LOG_INFO : LOG_WARNING, "%s", line->str);
		closelog();
		return;
	}
	g_string_append_c(line, '\n');
	{
		/* One write of one line with O_APPEND: concurrent pushes do not interleave. */
		int fd = open(p->h.config.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

		if (fd < 0 || write(fd, line->str, line->len) != (ssize_t)line->len)
			fprintf(err, "driftwatch: warning: cannot write the log %s: %s\n", p->h.config.log,
			        g_strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

static void hook_print_ways(struct hook_push *p, FILE *err, GPtrArray *findings)
{
	g_autofree char *ids = hook_blocking_ids(findings, &p->h.config);
	const char *pre = p->prefix;
	unsigned trust = p->h.config.trust;

	fprintf(err, "%s\n%sTo go ahead, fix the change, or approve each finding by its id:\n", pre, pre);
	if (trust & HOOK_TRUST_PUSH_OPTION)
		fprintf(err, "%s  an approver pushes again: git push -o %s%s\n", pre, HOOK_APPROVE_OPTION,
		        ids);
	if (trust & HOOK_TRUST_TRAILER)
		fprintf(err, "%s  a trailer in the commit: Exposure-Approved: ID <reason>\n", pre);
	if (trust & HOOK_TRUST_POLICY)
		fprintf(err, "%s  an entry under approvals: in .driftwatch.yml (man driftwatch.yml)\n", pre);
	if (!(trust & (HOOK_TRUST_PUSH_OPTION | HOOK_TRUST_TRAILER | HOOK_TRUST_POLICY)))
		fprintf(err, "%s  (this server trusts no approvals: ask its administrator)\n", pre);
}

/* Judges one update; returns false when it must be rejected. */
static bool hook_receive_update(struct hook_push *p, FILE *err, const struct hook_update *u,
                                bool *internal_out)
{
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *ref = dw_escape(u->ref);
	git_oid base;
	bool has_base = !git_oid_is_zero(&u->old_id);
	unsigned blocking, shown;

	if (!hook_config_guards(&p->h.config, u->ref))
		return true;
	if (git_oid_is_zero(&u->new_id)) {
		fprintf(err, "driftwatch: accepted %s: deleted\n", ref);
		hook_log(p, err, u, "accepted", NULL);
		return true;
	}
	if (has_base)
		base = u->old_id;
	if ((has_base || hook_new_ref_base(&base, &has_base, p->h.repo, &u->new_id, "HEAD", &error)) &&
	    hook_judge(findings, p->h.scan, p->h.repo, has_base ? &base : NULL, &u->new_id, p->h.config.trust,
	               &error)) {
		hook_apply_push_approvals(p, findings);
		blocking = hook_count_blocking(findings, &p->h.config);
		shown = hook_count_shown(findings);
		if (blocking == 0) {
			unsigned approved = hook_count_approved(findings);

			if (approved)
				fprintf(err, "driftwatch: accepted %s: %u finding%s approved\n", ref, approved,
				        approved == 1 ? "" : "s");
			else
				fprintf(err, "driftwatch: accepted %s: %s\n", ref,
				        shown ? "nothing at or above the threshold" : "no exposure widened");
			hook_print_findings(err, "", findings, &p->h.config);
			hook_log(p, err, u, "accepted", findings);
			return true;
		}
		fprintf(err, "%sdriftwatch: REJECTED %s: %u finding%s widen%s exposure\n", p->prefix, ref,
		        blocking, blocking == 1 ? "" : "s", blocking == 1 ? "s" : "");
		hook_print_findings(err, p->prefix, findings, &p->h.config);
		hook_print_ways(p, err, findings);
		hook_log(p, err, u, "rejected", findings);
		return false;
	}
	*internal_out = true;
	{
		g_autofree char *message = dw_escape(error->message);

		if (p->h.config.fail_open) {
			fprintf(err, "driftwatch: WARNING: %s NOT CHECKED, accepted because driftwatch.onError "
			             "is accept: %s\n", ref, message);
			hook_log(p, err, u, "accepted-unchecked", NULL);
			return true;
		}
		fprintf(err, "%sdriftwatch: REJECTED %s: it could not be checked: %s\n", p->prefix, ref,
		        message);
		hook_log(p, err, u, "rejected-error", NULL);
		return false;
	}
}

/* Push options that approved nothing are said, so a typo is noticed. */
static void hook_report_unused(struct hook_push *p, FILE *err)
{
	if (!p->approve_ids->len)
		return;
	if (!(p->h.config.trust & HOOK_TRUST_PUSH_OPTION)) {
		fprintf(err, "driftwatch: %s ignored: this server does not trust push options\n",
		        HOOK_APPROVE_OPTION "ID");
		return;
	}
	if (!hook_config_is_approver(&p->h.config, p->pusher)) {
		g_autofree char *who = dw_escape(p->pusher ? p->pusher : "an unknown user");

		fprintf(err, "driftwatch: %s ignored: %s is not an approver (git config driftwatch.approver)\n",
		        HOOK_APPROVE_OPTION "ID", who);
		return;
	}
	for (guint i = 0; i < p->approve_ids->len; i++) {
		g_autofree char *id = dw_escape(p->approve_ids->pdata[i]);

		if (!g_hash_table_contains(p->used_ids, p->approve_ids->pdata[i]))
			fprintf(err, "driftwatch: %s%s matches no finding of this push\n", HOOK_APPROVE_OPTION,
			        id);
	}
}

static bool hook_push_init(struct hook_push *p, const char *rules_path, const char *config,
                           GError **error)
{
	p->pusher = hook_pusher();
	p->approve_ids = hook_push_approvals();
	p->used_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->prefix = g_getenv("GL_ID") ? "GL-HOOK-ERR: " : "";
	return hook_session_open(&p->h, rules_path, config, error);
}

static void hook_push_clear(struct hook_push *p)
{
	hook_session_clear(&p->h);
	g_clear_pointer(&p->approve_ids, g_ptr_array_unref);
	g_clear_pointer(&p->used_ids, g_hash_table_unref);
}

int hook_pre_receive(FILE *in, FILE *err, const char *rules_path, const char *config)
{
	g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func((GDestroyNotify)hook_update_free);
	g_autoptr(GError) error = NULL;
	struct hook_push p = { 0 };
	bool rejected = false, internal = false;

	if (!hook_receive_read(updates, in, &error) || !hook_push_init(&p, rules_path, config, &error)) {
		g_autofree char *message = dw_escape(error->message);

		/* The settings could not be read, so fail-open is unknown: reject. */
		fprintf(err, "%sdriftwatch: REJECTED: the push could not be checked: %s\n",
		        g_getenv("GL_ID") ? "GL-HOOK-ERR: " : "", message);
		hook_push_clear(&p);
		return 2;
	}
	for (guint i = 0; i < updates->len; i++)
		rejected |= !hook_receive_update(&p, err, updates->pdata[i], &internal);
	hook_report_unused(&p, err);
	if (rejected)
		fprintf(err, "%sdriftwatch: the push is rejected as a whole; no ref was updated\n",
		        p.prefix);
	hook_push_clear(&p);
	return !rejected ? 0 : internal ? 2 : 1;
}
