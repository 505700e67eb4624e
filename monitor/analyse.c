/*
 * analyse.c - what a branch update brought: the net change from the last
 * analysed commit to the new tip, as the gate judges a push, so a change
 * opened and closed again within one update is not an alert; each net
 * finding is attributed by the commit walk (walk.h) to the commit that
 * introduced it, and that commit's approval trailers apply to it.
 */
#include "monitor_private.h"

#include <string.h>

#include "dw_error.h"
#include "walk.h"

bool analyse_base(git_oid *out, bool *found, git_repository *repo, const git_oid *stored,
                  const git_oid *tip, GError **error)
{
	int rc = git_merge_base(out, repo, stored, tip);

	*found = rc == 0;
	if (rc == 0 || rc == GIT_ENOTFOUND)
		return true;
	gitwalk_set_error(error, "finding where a rewritten branch left the old one");
	return false;
}

static bool analyse_tree(git_tree **out, git_repository *repo, const git_oid *id, GError **error)
{
	git_commit *commit = NULL;
	int rc;

	*out = NULL;
	if (!id)
		return true;
	rc = git_commit_lookup(&commit, repo, id);
	if (rc == 0)
		rc = git_commit_tree(out, commit);
	git_commit_free(commit);
	if (rc < 0)
		gitwalk_set_error(error, "reading a commit");
	return rc == 0;
}

/* The net findings of base -> tip (base NULL: the empty tree). */
static bool analyse_net(GPtrArray *net, struct scan *s, git_repository *repo, const git_oid *base,
                        const git_oid *tip, GError **error)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	bool ok = analyse_tree(&old_tree, repo, base, error) &&
	          analyse_tree(&new_tree, repo, tip, error) &&
	          scan_trees(s, net, old_tree, new_tree, error);

	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}

static bool analyse_commit(const struct walk_commit *c, void *user_data, GError **error)
{
	walk_attribute(user_data, c->findings, c->commit);
	return true;
}

/*
 * Each net finding as the commit that introduced it found it (its id is
 * that of the file it was introduced in) when that commit found it under
 * the same rule, else as the net comparison found it; those no commit
 * explains (a merge's own change) attributed to tip.
 */
static bool analyse_collect(GPtrArray *out, GPtrArray *net, struct walk_attribution *attr,
                            git_repository *repo, const git_oid *tip, GError **error)
{
	git_commit *tip_commit = NULL;

	if (git_commit_lookup(&tip_commit, repo, tip) < 0) {
		gitwalk_set_error(error, "reading the new tip");
		return false;
	}
	walk_attribute_rest(attr, NULL, tip_commit);
	git_commit_free(tip_commit);
	for (guint i = 0; i < net->len; i++) {
		const struct finding *f = net->pdata[i];
		const struct finding *c = walk_attribution_introduced(attr, f);

		/* The commit's own finding when it is the same (a net one may
		 * be graded apart, as what is left of a wider change). */
		g_ptr_array_add(out, finding_copy(c && c->rule == f->rule ? c : f));
	}
	return true;
}

bool analyse_range(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                   const git_oid *tip, GError **error)
{
	g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(walk_attribution) attr = NULL;
	struct walk *w = NULL;
	bool ok;

	if (!analyse_net(net, s, repo, base, tip, error))
		return false;
	if (net->len == 0)
		return true;
	attr = walk_attribution_new(net);
	w = walk_new(s, repo, NULL);
	ok = walk_push(w, tip, base, error) && walk_run(w, analyse_commit, attr, error);
	walk_free(w);
	return ok && analyse_collect(out, net, attr, repo, tip, error);
}

bool analyse_open(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *tip,
                  GError **error)
{
	git_tree *tree = NULL;
	git_commit *commit = NULL;
	guint start = out->len;
	bool ok = false;

	if (git_commit_lookup(&commit, repo, tip) < 0 || git_commit_tree(&tree, commit) < 0) {
		gitwalk_set_error(error, "reading the tip");
		goto out;
	}
	ok = scan_trees(s, out, NULL, tree, error);
	if (ok) {
		walk_set_commit(out, start, commit);
		scan_commit_approvals(out, start, commit);
	}
out:
	git_tree_free(tree);
	git_commit_free(commit);
	return ok;
}
