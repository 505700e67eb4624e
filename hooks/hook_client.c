/*
 * hook_client.c - the developer's side: pre-commit judges what is staged,
 * pre-push what is about to be pushed, so that a widening is caught
 * before the server refuses it. Both honour the driftwatch.* settings of
 * the local git config, and git's --no-verify skips them.
 */
#include <string.h>

#include "dw_escape.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

static int hook_client_fail(FILE *err, const GError *error)
{
	g_autofree char *message = dw_escape(error->message);

	fprintf(err, "driftwatch: could not check: %s\n", message);
	return 2;
}

int hook_pre_commit(FILE *err, const char *rules_path)
{
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	struct hook_session c = { 0 };
	unsigned blocking;
	int status;

	if (!hook_session_open(&c, rules_path, NULL, &error) || !scan_index(c.scan, findings, &error)) {
		status = hook_client_fail(err, error);
		goto out;
	}
	blocking = hook_count_blocking(findings, &c.config);
	if (blocking == 0) {
		if (hook_count_shown(findings))
			fprintf(err, "driftwatch: nothing at or above the threshold in this commit:\n");
		hook_print_findings(err, "", findings, &c.config, NULL);
		status = 0;
		goto out;
	}
	fprintf(err, "driftwatch: commit refused: the staged changes widen exposure (%u finding%s)\n",
	        blocking, blocking == 1 ? "" : "s");
	hook_print_findings(err, "", findings, &c.config, NULL);
	fprintf(err, "\nFix the change, or approve a finding under approvals: in .driftwatch.yml.\n"
	             "git commit --no-verify skips this check; the server may still refuse the push.\n");
	status = 1;
out:
	hook_session_clear(&c);
	return status;
}

/* The base of a push to remote: the remote's tip when known here, else
 * the merge base with the remote's default branch. */
static bool hook_push_base(git_oid *out, bool *found_out, struct hook_session *c,
                           const char *remote, const git_oid *local, const git_oid *remote_id,
                           GError **error)
{
	g_autofree char *default_ref = g_strdup_printf("refs/remotes/%s/HEAD", remote);
	git_odb *odb = NULL;
	bool known = false;

	if (!git_oid_is_zero(remote_id) && git_repository_odb(&odb, c->repo) == 0)
		known = git_odb_exists(odb, remote_id);
	git_odb_free(odb);
	if (known) {
		*out = *remote_id;
		*found_out = true;
		return true;
	}
	return hook_new_ref_base(out, found_out, c->repo, local, default_ref, error);
}

/* One "<local ref> <local id> <remote ref> <remote id>" line; false to refuse. */
static bool hook_pre_push_line(struct hook_session *c, FILE *err, const char *remote,
                               const char *line, GString *ids, bool *failed)
{
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) w = g_strsplit(line, " ", 4);
	g_autofree char *ref = NULL;
	git_oid local, remote_id, base;
	bool has_base = false;
	unsigned blocking;

	if (g_strv_length(w) != 4 || git_oid_fromstr(&local, w[1]) < 0 ||
	    git_oid_fromstr(&remote_id, w[3]) < 0) {
		g_autofree char *shown = dw_escape(line);

		fprintf(err, "driftwatch: unexpected line from git: %s\n", shown);
		*failed = true;
		return false;
	}
	ref = dw_escape(w[2]);
	if (git_oid_is_zero(&local) || !hook_config_guards(&c->config, w[2]))
		return true;
	/* The server vets who approved; here every approval is taken at its word. */
	struct hook_vet v = { .trust = c->config.trust, .unverified = true };
	bool judged;

	hook_vet_init(&v);
	judged = hook_push_base(&base, &has_base, c, remote, &local, &remote_id, &error) &&
	         hook_judge(findings, c->scan, c->repo, has_base ? &base : NULL, &local, &v, &error);
	hook_vet_clear(&v);
	if (!judged) {
		hook_client_fail(err, error);
		*failed = true;
		return false;
	}
	blocking = hook_count_blocking(findings, &c->config);
	if (blocking == 0) {
		hook_print_findings(err, "", findings, &c->config, NULL);
		return true;
	}
	fprintf(err, "driftwatch: push refused: %s would widen exposure (%u finding%s)\n", ref, blocking,
	        blocking == 1 ? "" : "s");
	hook_print_findings(err, "", findings, &c->config, NULL);
	{
		g_autofree char *these = hook_blocking_ids(findings, &c->config);

		g_string_append_printf(ids, "%s%s", ids->len ? "," : "", these);
	}
	return false;
}

int hook_pre_push(FILE *in, FILE *err, const char *rules_path, const char *remote)
{
	g_autoptr(GError) error = NULL;
	struct hook_session c = { 0 };
	g_autoptr(GString) ids = g_string_new(NULL);
	char line[4096];
	bool refused = false, failed = false;

	if (!hook_session_open(&c, rules_path, NULL, &error)) {
		hook_session_clear(&c);
		return hook_client_fail(err, error);
	}
	while (fgets(line, sizeof(line), in)) {
		g_strchomp(line);
		if (*line)
			refused |= !hook_pre_push_line(&c, err, remote, line, ids, &failed);
	}
	if (refused && !failed) {
		g_auto(GStrv) each = g_strsplit(ids->str, ",", -1);

		fprintf(err, "\nFix the change, or have it approved: an approver can push with\n"
		             "  git push --no-verify -o driftwatch.approve=%s\n"
		             "or the commit that introduced each finding, signed by an approver, carries:\n",
		        ids->str);
		for (char **id = each; *id; id++)
			fprintf(err, "  Exposure-Approved: %s <reason>\n", *id);
	}
	hook_session_clear(&c);
	return failed ? 2 : refused ? 1 : 0;
}
