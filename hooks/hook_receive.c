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
 *
 * Every ref is accounted for: a ref the server guards (branches and tags
 * by default, driftwatch.guard) is judged, any other gets a line saying it
 * was not, in the push's output and the log.
 *
 * On GitLab only the verdict lines carry "GL-HOOK-ERR: ": GitLab shows
 * the lines with that prefix in its web interface when a hook declines a
 * change (GitLab, "Git server hooks", custom error messages); the details
 * below them go to the command line pusher as they are.
 */
#include <string.h>

#include "dw_error.h"
#include "dw_escape.h"
#include "dw_limits.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"
#include "policy.h"


#define HOOK_APPROVE_OPTION "driftwatch.approve="

static void hook_update_free(struct hook_update *u)
{
	g_free(u->ref);
	g_free(u);
}

static bool hook_parse_oid(git_oid *out, const char *hex)
{
	return strlen(hex) == GIT_OID_HEXSZ && git_oid_fromstr(out, hex) == 0;
}

/* One "<old> <new> <ref>" line into u; false when malformed. */
static bool hook_receive_line(struct hook_update *u, char *line)
{
	g_auto(GStrv) words = NULL;

	g_strchomp(line);
	words = g_strsplit(line, " ", 3);
	if (g_strv_length(words) != 3 || !hook_parse_oid(&u->old_id, words[0]) ||
	    !hook_parse_oid(&u->new_id, words[1]) || !*words[2])
		return false;
	u->ref = g_strdup(words[2]);
	return true;
}

/* Reads every line before any work, as git expects the hook to. */
static bool hook_receive_read(GPtrArray *out, FILE *in, GError **error)
{
	char line[DW_LIMIT_REF_LINE_BYTES];
	unsigned n = 0;

	while (fgets(line, sizeof(line), in)) {
		struct hook_update *u;

		if (++n > DW_LIMIT_REF_UPDATES) {
			g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
			            "more than %u ref updates in one push: split the push", DW_LIMIT_REF_UPDATES);
			return false;
		}
		if (!strchr(line, '\n') && !feof(in)) {
			g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "stdin:%u: line longer than %d bytes", n,
			            DW_LIMIT_REF_LINE_BYTES);
			return false;
		}
		u = g_new0(struct hook_update, 1);
		g_ptr_array_add(out, u);
		if (!hook_receive_line(u, line)) {
			g_autofree char *shown = dw_escape(line);

			g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
			            "stdin:%u: expected \"<old-id> <new-id> <ref>\", got \"%s\"", n, shown);
			return false;
		}
	}
	return true;
}

/* The ids of every -o driftwatch.approve=ID[,ID] the pusher gave. */
static GPtrArray *hook_push_approvals(void)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	const char *count = g_getenv("GIT_PUSH_OPTION_COUNT");
	guint64 n = 0;

	if (!count || !g_ascii_string_to_unsigned(count, 10, 0, DW_LIMIT_PUSH_OPTIONS, &n, NULL))
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

/* An approver's push options approve the findings they name, DW-POLICY ones included. */
static void hook_apply_push_approvals(struct hook_push *p, GPtrArray *findings)
{
	if (!(p->h.config.trust & HOOK_TRUST_PUSH_OPTION) || !p->pusher_approves)
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
			f->approval_reason = g_strdup_printf("git push -o " HOOK_APPROVE_OPTION "%s", f->id);
			g_hash_table_add(p->used_ids, g_strdup(id));
		}
	}
}

/* Trailer ids that approved nothing are named, so a typo or a reach-back is noticed. */
static void hook_print_unmatched(FILE *err, const struct hook_vet *v)
{
	for (guint i = 0; i < v->unmatched->len; i++) {
		g_autofree char *what = dw_escape(v->unmatched->pdata[i]);

		fprintf(err, "driftwatch: warning: Exposure-Approved: %s\n", what);
	}
}

/* The decision could not be logged: driftwatch.onError decides. */
static bool hook_unlogged(struct hook_push *p, FILE *err, const char *ref, bool *internal_out)
{
	if (p->h.config.fail_open) {
		fprintf(err, "driftwatch: WARNING: %s accepted without a log line, because "
		             "driftwatch.onError is accept\n", ref);
		return true;
	}
	*internal_out = true;
	fprintf(err, "%sdriftwatch: REJECTED %s: the decision could not be logged (driftwatch.log)\n",
	        p->prefix, ref);
	return false;
}

static bool hook_accept(struct hook_push *p, FILE *err, const struct hook_update *u,
                        GPtrArray *findings, const struct hook_vet *v, const char *threshold,
                        bool *internal_out)
{
	g_autofree char *ref = dw_escape(u->ref);
	unsigned approved = hook_count_approved(findings);

	if (approved)
		fprintf(err, "driftwatch: accepted %s: %u finding%s approved (%s)\n", ref, approved,
		        approved == 1 ? "" : "s", threshold);
	else if (hook_count_shown(findings))
		fprintf(err, "driftwatch: accepted %s: nothing at or above the threshold (%s)\n", ref,
		        threshold);
	else
		fprintf(err, "driftwatch: accepted %s: no exposure widened (%s)\n", ref, threshold);
	hook_print_findings(err, "", findings, &p->h.config, v->not_counted);
	if (!hook_log(p, err, u, "accepted", findings))
		return hook_unlogged(p, err, ref, internal_out);
	return true;
}

static bool hook_reject(struct hook_push *p, FILE *err, const struct hook_update *u,
                        GPtrArray *findings, const struct hook_vet *v, const char *threshold)
{
	g_autofree char *ref = dw_escape(u->ref);
	unsigned blocking = hook_count_blocking(findings, &p->h.config);
	g_autofree char *verdict = hook_verdict_text(blocking, hook_count_unchecked(findings,
	                                                                            &p->h.config));
	g_autofree char *ids = hook_blocking_ids(findings, &p->h.config);

	fprintf(err, "%sdriftwatch: REJECTED %s: %s (%s) [%s]\n", p->prefix, ref, verdict, threshold,
	        ids);
	hook_print_findings(err, "", findings, &p->h.config, v->not_counted);
	hook_print_ways(p, err, findings);
	hook_log(p, err, u, "rejected", findings);
	return false;
}

/* The base a ref is judged against; *has_base_out false for the empty tree. */
static bool hook_update_base(struct hook_push *p, const struct hook_update *u, git_oid *base,
                             bool *has_base_out, GError **error)
{
	/* A tag is a release: judged against what the default branch already
	 * holds (the merge base), whatever the tag pointed at before. */
	if (!git_oid_is_zero(&u->old_id) && !g_str_has_prefix(u->ref, "refs/tags/")) {
		*base = u->old_id;
		*has_base_out = true;
		return true;
	}
	return hook_new_ref_base(base, has_base_out, p->h.repo, &u->new_id, "HEAD", error);
}

/* Judges one guarded update into findings; the verdict is the caller's. */
static bool hook_judge_update(struct hook_push *p, const struct hook_update *u, struct hook_vet *v,
                              GPtrArray *findings, char **threshold_out, GError **error)
{
	struct hook_policy hp = { 0 };
	git_oid base;
	bool has_base = false, ok;

	ok = hook_update_base(p, u, &base, &has_base, error) &&
	     hook_policy_prepare(&hp, &p->h, v, has_base ? &base : NULL, &u->new_id, error) &&
	     hook_judge(findings, p->h.scan, p->h.repo, has_base ? &base : NULL, &u->new_id, v, error) &&
	     hook_unseen(findings, &p->h, has_base ? &base : NULL, &u->new_id, error);
	if (ok) {
		g_autofree char *threshold = hook_policy_threshold(&hp, &p->h.config);

		hook_policy_findings(&hp, p->h.pack, v, findings);
		hook_apply_push_approvals(p, findings);
		*threshold_out = g_strdup_printf("threshold %s", threshold);
	}
	hook_policy_clear(&hp);
	return ok;
}

static bool hook_not_checked(struct hook_push *p, FILE *err, const struct hook_update *u,
                             const GError *error, bool *internal_out)
{
	g_autofree char *ref = dw_escape(u->ref);
	g_autofree char *message = dw_escape(error->message);

	*internal_out = true;
	if (p->h.config.fail_open) {
		fprintf(err, "driftwatch: WARNING: %s NOT CHECKED, accepted because driftwatch.onError "
		             "is accept: %s\n", ref, message);
		if (!hook_log(p, err, u, "accepted-unchecked", NULL))
			fprintf(err, "driftwatch: WARNING: and no log line was written\n");
		return true;
	}
	fprintf(err, "%sdriftwatch: REJECTED %s: it could not be checked: %s\n", p->prefix, ref,
	        message);
	hook_log(p, err, u, "rejected-error", NULL);
	return false;
}

/* Judges one update; returns false when it must be rejected. */
static bool hook_receive_update(struct hook_push *p, FILE *err, const struct hook_update *u,
                                bool *internal_out)
{
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *ref = dw_escape(u->ref);
	g_autofree char *threshold = NULL;
	struct hook_vet v = {
		.trust = p->h.config.trust,
		.unverified = p->h.config.trust_unverified,
		.pusher_approves = p->pusher_approves,
		.pusher = p->pusher,
		.signed_by_approver = hook_signers_check,
		.user_data = &p->signers,
	};
	bool ok;

	if (!hook_config_guards(&p->h.config, u->ref)) {
		fprintf(err, "driftwatch: %s not judged: driftwatch.guard\n", ref);
		return hook_log(p, err, u, "not-judged", NULL) || hook_unlogged(p, err, ref, internal_out);
	}
	if (git_oid_is_zero(&u->new_id)) {
		fprintf(err, "driftwatch: accepted %s: deleted\n", ref);
		return hook_log(p, err, u, "accepted", NULL) || hook_unlogged(p, err, ref, internal_out);
	}
	hook_vet_init(&v);
	if (!hook_judge_update(p, u, &v, findings, &threshold, &error))
		ok = hook_not_checked(p, err, u, error, internal_out);
	else if (hook_count_blocking(findings, &p->h.config) == 0)
		ok = hook_accept(p, err, u, findings, &v, threshold, internal_out);
	else
		ok = hook_reject(p, err, u, findings, &v, threshold);
	hook_print_unmatched(err, &v);
	hook_vet_clear(&v);
	return ok;
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
	if (!p->pusher_approves) {
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
                           enum hook_identity identity, GError **error)
{
	p->identity = identity;
	p->pusher = hook_identity_pusher(identity);
	p->approve_ids = hook_push_approvals();
	p->used_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->prefix = identity == HOOK_IDENTITY_GITLAB ? "GL-HOOK-ERR: " : "";
	if (!hook_session_open(&p->h, rules_path, config, error))
		return false;
	p->pusher_approves = hook_config_is_approver(&p->h.config, p->pusher);
	hook_signers_init(&p->signers, &p->h.config);
	return true;
}

static void hook_push_clear(struct hook_push *p)
{
	hook_signers_clear(&p->signers);
	hook_session_clear(&p->h);
	g_clear_pointer(&p->approve_ids, g_ptr_array_unref);
	g_clear_pointer(&p->used_ids, g_hash_table_unref);
}

/* One line per problem: a configuration error may hold several. */
static void hook_print_setup_error(FILE *err, const char *prefix, const GError *error)
{
	g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);

	fprintf(err, "%sdriftwatch: REJECTED: the push could not be checked:%s", prefix,
	        lines[0] && lines[1] ? "\n" : " ");
	for (char **l = lines; *l; l++) {
		g_autofree char *shown = dw_escape(*l);

		fprintf(err, "%s%s%s\n", lines[1] ? prefix : "", lines[1] ? "driftwatch:   " : "", shown);
	}
}

int hook_pre_receive(FILE *in, FILE *err, const char *rules_path, const char *config,
                     enum hook_identity identity)
{
	g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func((GDestroyNotify)hook_update_free);
	g_autoptr(GError) error = NULL;
	struct hook_push p = { 0 };
	bool rejected = false, internal = false;

	if (!hook_receive_read(updates, in, &error) ||
	    !hook_push_init(&p, rules_path, config, identity, &error)) {
		/* The settings could not be read, so fail-open is unknown: reject. */
		hook_print_setup_error(err, identity == HOOK_IDENTITY_GITLAB ? "GL-HOOK-ERR: " : "", error);
		hook_push_clear(&p);
		return 2;
	}
	hook_budget_start(&p, updates);
	if (p.h.config.trust_unverified)
		fprintf(err, "driftwatch: WARNING: driftwatch.trust has \"unverified\": trailers, comments "
		             "and policy entries count whoever wrote them\n");
	for (guint i = 0; i < updates->len; i++)
		rejected |= !hook_receive_update(&p, err, updates->pdata[i], &internal);
	hook_report_unused(&p, err);
	hook_budget_stop();
	if (rejected)
		fprintf(err, "%sdriftwatch: the push is rejected as a whole; no ref was updated\n",
		        p.prefix);
	hook_push_clear(&p);
	return !rejected ? 0 : internal ? 2 : 1;
}
