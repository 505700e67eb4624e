/*
 * hook_judge.c - the net effect of one ref update, and which commit of
 * the update brought each finding in.
 *
 * The verdict comes from one comparison, old tip against new tip, so a
 * push that opens a port in one commit and closes it in the next passes
 * and its cost does not grow with the number of commits. Only when that
 * comparison finds something are the update's commits compared one by
 * one, to name the commit that introduced each widened region.
 */
#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"
#include "walk.h"

bool hook_tree_of(git_tree **out, git_repository *repo, const git_oid *id, GError **error)
{
	git_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	if (!id) {
		*out = NULL;
		return true;
	}
	rc = git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY);
	if (rc == 0)
		rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_TREE);
	git_object_free(obj);
	if (rc < 0) {
		g_autofree char *what = g_strdup_printf("reading %s", git_oid_tostr(hex, sizeof(hex), id));

		gitwalk_set_error(error, what);
		return false;
	}
	return true;
}

/* The commit an object peels to, or NULL (a tag of a tree). */
static git_commit *hook_commit_of(git_repository *repo, const git_oid *id)
{
	git_object *obj = NULL, *peeled = NULL;

	if (!id || git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY) < 0)
		return NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		peeled = NULL;
	git_object_free(obj);
	return (git_commit *)peeled;
}

bool hook_new_ref_base(git_oid *out, bool *found_out, git_repository *repo, const git_oid *target,
                       const char *default_ref, GError **error)
{
	git_commit *tip = hook_commit_of(repo, target);
	git_object *def = NULL, *def_commit = NULL;
	bool ok = true;
	int rc;

	*found_out = false;
	/* An unborn HEAD or a missing default branch: judged against nothing. */
	if (tip && git_revparse_single(&def, repo, default_ref) == 0 &&
	    git_object_peel(&def_commit, def, GIT_OBJECT_COMMIT) == 0) {
		rc = git_merge_base(out, repo, git_commit_id(tip), git_object_id(def_commit));
		*found_out = rc == 0;
		if (rc < 0 && rc != GIT_ENOTFOUND) {
			gitwalk_set_error(error, "finding the merge base with the default branch");
			ok = false;
		}
	}
	git_object_free(def_commit);
	git_object_free(def);
	git_commit_free(tip);
	return ok;
}

/* The update's commits, as the walk takes them: for approvals, at most DW_LIMIT_ATTRIBUTE_COMMITS. */
static void hook_judge_seen(git_commit *commit, void *user_data)
{
	struct hook_vet *v = user_data;

	if (v && v->commits)
		g_array_append_val(v->commits, *git_commit_id(commit));
}

static bool hook_judge_commit(const struct walk_commit *c, void *user_data, GError **error)
{
	walk_attribute(user_data, c->findings, c->commit);
	return true;
}

/* Is the update one commit on top of base? */
static bool hook_one_commit(git_commit *tip, git_commit *from)
{
	if (git_commit_parentcount(tip) != 1)
		return false;
	return from ? git_oid_equal(git_commit_parent_id(tip, 0), git_commit_id(from)) : false;
}

/* Applies the trusted trailers of the commits walked, now that each finding has its commit. */
static bool hook_judge_trailers(struct hook_vet *v, GPtrArray *net, git_repository *repo,
                                GError **error)
{
	for (guint i = 0; v && v->commits && (v->trust & HOOK_TRUST_TRAILER) && i < v->commits->len;
	     i++) {
		git_commit *commit = NULL;

		if (git_commit_lookup(&commit, repo, &g_array_index(v->commits, git_oid, i)) < 0) {
			gitwalk_set_error(error, "reading a pushed commit");
			return false;
		}
		hook_vet_trailers(v, net, commit);
		git_commit_free(commit);
	}
	return true;
}

/*
 * Walks the update's commits, oldest first, attributing each net finding
 * to the commit that introduced it; what no commit explains (a merge's
 * own change) goes to the tip. A push of one commit onto the old tip
 * needs no walk: its findings are the net ones.
 */
static bool hook_walk_update(struct scan *s, GPtrArray *net, git_repository *repo,
                             const git_oid *base, const git_oid *target, struct hook_vet *v,
                             GError **error)
{
	g_autoptr(walk_attribution) attr = walk_attribution_new(net);
	struct walk_options options = WALK_OPTIONS_INIT;
	git_commit *tip = hook_commit_of(repo, target);
	git_commit *from = hook_commit_of(repo, base);
	struct walk *w = NULL;
	bool ok = false;

	if (!tip) {
		ok = true;
		goto out;
	}
	if (hook_one_commit(tip, from)) {
		hook_judge_seen(tip, v);
		walk_attribute_rest(attr, NULL, tip);
		ok = hook_judge_trailers(v, net, repo, error);
		goto out;
	}
	options.max_commits = DW_LIMIT_ATTRIBUTE_COMMITS;
	options.seen = hook_judge_seen;
	options.seen_data = v;
	w = walk_new(s, repo, &options);
	ok = walk_push(w, git_commit_id(tip), from ? git_commit_id(from) : NULL, error) &&
	     walk_run(w, hook_judge_commit, attr, error) && hook_judge_trailers(v, net, repo, error);
out:
	walk_free(w);
	git_commit_free(tip);
	git_commit_free(from);
	return ok;
}

bool hook_judge(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                const git_oid *target, struct hook_vet *v, GError **error)
{
	g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_tree *old_tree = NULL, *new_tree = NULL;
	bool ok = false, any = false;

	if (!hook_tree_of(&old_tree, repo, base, error) || !hook_tree_of(&new_tree, repo, target, error))
		goto out;
	if (!scan_trees(s, net, old_tree, new_tree, error))
		goto out;
	for (guint i = 0; i < net->len && !any; i++)
		any = ((struct finding *)net->pdata[i])->severity > SEVERITY_INFO;
	if (any && !hook_walk_update(s, net, repo, base, target, v, error))
		goto out;
	if (any && v && (v->trust & HOOK_TRUST_COMMENT))
		hook_vet_comments(v, repo, net);
	while (net->len)
		g_ptr_array_add(out, g_ptr_array_steal_index(net, 0));
	ok = true;
out:
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}
