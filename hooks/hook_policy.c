/*
 * hook_policy.c - the policy that judges one ref update.
 *
 * A pushed .driftwatch.yml may add an approval, raise fail_on, ignore a
 * path or switch a rule off. It takes effect only when an approver pushed
 * it, or every commit of the update that changes it is signed by an
 * approver's key; until then the policy of the old tip (the base the
 * update is judged against) judges the push, so a pusher cannot approve
 * their own exposure through the file. Either way the change itself is
 * judged (policy_loosening(), DW-POLICY), and removing the file or a key
 * counts as changing it.
 *
 * The chosen policy is pinned on the scanner for the update, so the net
 * comparison and the per-commit ones all see the same policy.
 */
#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"
#include "policy.h"

/* The bytes of .driftwatch.yml in tree; *out NULL when absent. Not a blob: an error. */
static bool hook_policy_bytes(GBytes **out, git_oid *id_out, git_repository *repo, git_tree *tree,
                              GError **error)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc;

	*out = NULL;
	memset(id_out, 0, sizeof(*id_out));
	if (!tree)
		return true;
	rc = git_tree_entry_bypath(&e, tree, POLICY_PATH);
	if (rc == GIT_ENOTFOUND)
		return true;
	if (rc < 0) {
		gitwalk_set_error(error, "reading " POLICY_PATH);
		return false;
	}
	*id_out = *git_tree_entry_id(e);
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		git_tree_entry_free(e);
		*out = g_bytes_new_static("\x01not a regular file", 19);
		return true;
	}
	rc = git_blob_lookup(&blob, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (rc < 0) {
		gitwalk_set_error(error, "reading " POLICY_PATH);
		return false;
	}
	if ((size_t)git_blob_rawsize(blob) > DW_LIMIT_FILE_BYTES) {
		git_blob_free(blob);
		*out = g_bytes_new_static("\x01too large", 10);
		return true;
	}
	*out = g_bytes_new(git_blob_rawcontent(blob), (gsize)git_blob_rawsize(blob));
	git_blob_free(blob);
	return true;
}

/* Parses data (NULL: no file) into *out; a malformed policy leaves *out NULL and sets *error. */
static void hook_policy_parse(struct policy **out, GBytes *data, const struct rulepack *pack,
                              GError **error)
{
	const char *text;
	gsize len;

	*out = NULL;
	if (!data)
		return;
	text = g_bytes_get_data(data, &len);
	if (len && text[0] == '\x01') {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:1: %.*s", POLICY_PATH, (int)len - 1,
		            text + 1);
		return;
	}
	policy_parse(out, POLICY_PATH, text, len, pack, error);
}

/* The commit id peels to, or false (a tag of a tree, a missing object). */
static bool hook_policy_commit_id(git_oid *out, git_repository *repo, const git_oid *id)
{
	git_object *obj = NULL, *peeled = NULL;
	bool ok = id && git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) == 0 &&
	          git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0;

	if (ok)
		*out = *git_object_id(peeled);
	git_object_free(peeled);
	git_object_free(obj);
	return ok;
}

/* Every commit of the update: reachable from target, not from base. */
static bool hook_policy_commits(GArray *out, git_repository *repo, const git_oid *base,
                                const git_oid *target, GError **error)
{
	git_revwalk *walk = NULL;
	git_oid tip, from, id;
	int rc = 0;

	if (!hook_policy_commit_id(&tip, repo, target))
		return true;
	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, &tip) < 0 ||
	    (hook_policy_commit_id(&from, repo, base) && git_revwalk_hide(walk, &from) < 0))
		goto fail;
	while ((rc = git_revwalk_next(&id, walk)) == 0)
		g_array_append_val(out, id);
	if (rc != GIT_ITEROVER)
		goto fail;
	git_revwalk_free(walk);
	return true;
fail:
	gitwalk_set_error(error, "walking the pushed commits");
	git_revwalk_free(walk);
	return false;
}

/* Does the pushed policy take effect? Sets hp->approved_by. */
static bool hook_policy_authorised(struct hook_policy *hp, git_repository *repo, struct hook_vet *v,
                                   const git_oid *base, const git_oid *target, GError **error)
{
	g_autoptr(GArray) commits = g_array_new(FALSE, FALSE, sizeof(git_oid));
	GArray *saved = v->commits;
	const char *who = NULL;
	bool counts;

	if (v->unverified || v->pusher_approves) {
		hp->approved_by = g_strdup(v->unverified ? NULL : v->pusher);
		hp->signed_off = false;
		return true;
	}
	if (!hook_policy_commits(commits, repo, base, target, error))
		return false;
	v->commits = commits;
	counts = hook_vet_path_counts(v, repo, POLICY_PATH, &who);
	v->commits = saved;
	hp->authorised = counts && who;
	hp->signed_off = hp->authorised;
	hp->approved_by = g_strdup(who);
	return true;
}

/* What the scanner is pinned to: p's bytes, or an empty policy. */
static void hook_policy_pin(struct hook_session *h, GBytes *data)
{
	struct scan_options o = {
		.pinned_policy = data,
		.pinned_policy_path = POLICY_PATH,
		.no_policy_approvals = !(h->config.trust & HOOK_TRUST_POLICY),
		.no_inline_approvals = !(h->config.trust & HOOK_TRUST_COMMENT),
	};
	g_autoptr(GBytes) empty = g_bytes_new_static("", 0);

	if (!o.pinned_policy)
		o.pinned_policy = empty;
	scan_set_options(h->scan, &o);
}

bool hook_policy_prepare(struct hook_policy *hp, struct hook_session *h, struct hook_vet *v,
                         const git_oid *base, const git_oid *target, GError **error)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	g_autoptr(GBytes) old_bytes = NULL;
	g_autoptr(GBytes) new_bytes = NULL;
	g_autoptr(GError) old_error = NULL;
	git_oid old_id, new_id;
	bool ok = false;

	memset(hp, 0, sizeof(*hp));
	/* A server's own copy (driftwatch.policy) is already pinned, whatever is pushed. */
	if (h->config.policy)
		return true;
	if (!hook_tree_of(&old_tree, h->repo, base, error) ||
	    !hook_tree_of(&new_tree, h->repo, target, error) ||
	    !hook_policy_bytes(&old_bytes, &old_id, h->repo, old_tree, error) ||
	    !hook_policy_bytes(&new_bytes, &new_id, h->repo, new_tree, error))
		goto out;
	hook_policy_parse(&hp->old_p, old_bytes, h->pack, &old_error);
	hook_policy_parse(&hp->new_p, new_bytes, h->pack, &hp->new_error);
	hp->changed = !git_oid_equal(&old_id, &new_id);
	hp->authorised = !hp->changed;
	if (hp->changed && !hook_policy_authorised(hp, h->repo, v, base, target, error))
		goto out;
	if (hp->changed && (v->unverified || v->pusher_approves))
		hp->authorised = true;
	/* A malformed policy counts as none (and the pushed one is a finding). */
	hook_policy_pin(h, hp->authorised ? (hp->new_p ? new_bytes : NULL)
	                                  : (hp->old_p ? old_bytes : NULL));
	hp->in_force = hp->authorised ? hp->new_p : hp->old_p;
	ok = true;
out:
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}

/* Marks f as found under the policy in force (its threshold). */
static void hook_policy_mark(const struct hook_policy *hp, struct finding *f)
{
	if (hp->in_force && hp->in_force->has_fail_on) {
		f->has_policy_fail_on = true;
		f->policy_fail_on = hp->in_force->fail_on;
	}
}

/* Pushed approvals that did not take effect, on the findings they would have covered. */
static void hook_policy_refuse_approvals(struct hook_policy *hp, struct hook_vet *v,
                                         GPtrArray *findings)
{
	for (guint i = 0; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];
		const struct policy_approval *a;
		g_autofree char *what = NULL;

		if (f->suppressed || finding_family(f) == RULE_FAMILY_POLICY)
			continue;
		a = policy_find_approval(hp->new_p, f);
		if (!a || policy_has_approval(hp->old_p, a))
			continue;
		what = g_strdup_printf("the approval at %s:%u", POLICY_PATH, a->line);
		hook_vet_refuse(v, f, what);
	}
}

void hook_policy_findings(struct hook_policy *hp, const struct rulepack *pack, struct hook_vet *v,
                          GPtrArray *findings)
{
	g_autoptr(GPtrArray) added = g_ptr_array_new();

	if (hp->new_error) {
		/* One line in a finding: each problem after the first follows a ';'. */
		g_autofree char *flat = g_strdelimit(g_strdup(hp->new_error->message), "\n", ';');
		g_autoptr(GError) one = g_error_new_literal(DW_ERROR, DW_ERROR_PARSE, flat);

		g_ptr_array_add(added, rulepack_parse_failure(pack, one, POLICY_PATH));
	}
	if (hp->changed && !hp->new_error)
		policy_loosening(added, pack, hp->old_p, hp->new_p);
	for (guint i = 0; i < added->len; i++) {
		struct finding *f = added->pdata[i];

		hook_policy_mark(hp, f);
		/* An approver's signature on the change approves what it loosens. */
		if (hp->signed_off && finding_family(f) == RULE_FAMILY_POLICY) {
			f->suppressed = true;
			f->approved_by = g_strdup(hp->approved_by);
			f->approval_reason = g_strdup("signed the policy change");
		}
		g_ptr_array_add(findings, f);
	}
	if (hp->changed && !hp->authorised && hp->new_p)
		hook_policy_refuse_approvals(hp, v, findings);
}

char *hook_policy_threshold(const struct hook_policy *hp, const struct hook_config *c)
{
	if (c->has_fail_on)
		return g_strdup_printf("%s, from the server's driftwatch.failOn",
		                       severity_name(c->fail_on));
	if (c->policy)
		return g_strdup_printf("from the server's driftwatch.policy, else %s",
		                       severity_name(SEVERITY_HIGH));
	if (hp->in_force && hp->in_force->has_fail_on)
		return g_strdup_printf("%s, from fail_on in %s%s", severity_name(hp->in_force->fail_on),
		                       hp->in_force == hp->new_p && hp->changed
		                           ? "the pushed " POLICY_PATH : POLICY_PATH,
		                       hp->in_force == hp->new_p ? "" : " at the old tip");
	return g_strdup_printf("%s, the default", severity_name(SEVERITY_HIGH));
}

void hook_policy_clear(struct hook_policy *hp)
{
	g_clear_pointer(&hp->old_p, policy_free);
	g_clear_pointer(&hp->new_p, policy_free);
	g_clear_error(&hp->new_error);
	g_clear_pointer(&hp->approved_by, g_free);
}
