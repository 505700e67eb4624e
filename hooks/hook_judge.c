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
#include "exposure.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

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

/* Did commit finding c widen the same thing as net finding f? */
static bool hook_same_widening(const struct finding *f, const struct finding *c)
{
	g_autoptr(GError) ignored = NULL;
	exposure *a = NULL, *b = NULL, *both = NULL;
	bool same;

	if (strcmp(f->rule->id, c->rule->id) != 0 || g_strcmp0(f->resource, c->resource) != 0)
		return false;
	if (finding_family(f) != RULE_FAMILY_NET || !f->widened || !c->widened)
		return true;
	/* Network findings: the regions must overlap, so that two commits
	 * opening different ports of one group are told apart. */
	a = exposure_parse(f->widened, &ignored);
	b = a ? exposure_parse(c->widened, NULL) : NULL;
	if (!a || !b) {
		same = g_strcmp0(f->widened, c->widened) == 0;
	} else {
		both = exposure_intersect(a, b);
		same = !exposure_is_empty(both);
	}
	exposure_free(a);
	exposure_free(b);
	exposure_free(both);
	return same;
}

static void hook_attribute_to(struct finding *f, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	char hex[GIT_OID_HEXSZ + 1];

	f->commit = g_strdup(git_oid_tostr(hex, sizeof(hex), git_commit_id(commit)));
	f->author = g_strdup_printf("%s <%s>", author->name, author->email);
	f->subject = g_strdup(git_commit_summary(commit));
}

/* "RULE\nRESOURCE": what a commit's finding must share with a net one. New string. */
static char *hook_attribute_key(const struct finding *f)
{
	return g_strdup_printf("%s\n%s", f->rule->id, f->resource ? f->resource : "");
}

/*
 * The net findings not yet attributed, indexed by rule and resource, so
 * that each finding of a commit is compared with the few net findings of
 * its own resource only (not every finding with every other).
 */
static GHashTable *hook_attribute_index(GPtrArray *net)
{
	GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                          (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < net->len; i++) {
		struct finding *f = net->pdata[i];
		char *key = hook_attribute_key(f);
		GPtrArray *same = g_hash_table_lookup(index, key);

		if (!same) {
			same = g_ptr_array_new();
			g_hash_table_insert(index, key, same);
		} else {
			g_free(key);
		}
		g_ptr_array_add(same, f);
	}
	return index;
}

/* The net comparison's two trees: a commit with the same two needs no second scan. */
struct hook_net_trees {
	git_oid old_id; /* zero for the empty tree */
	git_oid new_id;
};

/* Does commit compare the same two trees as the net comparison? */
static bool hook_commit_is_net(git_commit *commit, const struct hook_net_trees *net_trees)
{
	git_oid zero = { { 0 } };
	const git_oid *parent_tree = &zero;
	git_commit *parent = NULL;
	bool same;

	if (!git_oid_equal(git_commit_tree_id(commit), &net_trees->new_id) ||
	    git_commit_parentcount(commit) > 1)
		return false;
	if (git_commit_parentcount(commit) == 1 && git_commit_parent(&parent, commit, 0) < 0)
		return false;
	if (parent)
		parent_tree = git_commit_tree_id(parent);
	same = git_oid_equal(parent_tree, &net_trees->old_id);
	git_commit_free(parent);
	return same;
}

/* Compares commit with its first parent and attributes what matches. */
static bool hook_attribute_commit(struct scan *s, GHashTable *index, git_commit *commit,
                                  const struct hook_net_trees *net_trees, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	bool ok = false;

	/* A push of one commit onto the old tip: its findings are the net ones. */
	if (hook_commit_is_net(commit, net_trees)) {
		GHashTableIter it;
		GPtrArray *same;

		g_hash_table_iter_init(&it, index);
		while (g_hash_table_iter_next(&it, NULL, (gpointer *)&same)) {
			for (guint i = 0; i < same->len; i++) {
				struct finding *f = same->pdata[i];

				if (!f->commit)
					hook_attribute_to(f, commit);
			}
		}
		return true;
	}
	if (git_commit_tree(&tree, commit) < 0 ||
	    (git_commit_parentcount(commit) > 0 &&
	     (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0))) {
		gitwalk_set_error(error, "reading a pushed commit");
		goto out;
	}
	if (!scan_trees(s, found, parent_tree, tree, error))
		goto out;
	for (guint j = 0; j < found->len; j++) {
		const struct finding *c = found->pdata[j];
		g_autofree char *key = hook_attribute_key(c);
		GPtrArray *same = g_hash_table_lookup(index, key);

		for (guint i = 0; same && i < same->len; i++) {
			struct finding *f = same->pdata[i];

			if (!f->commit && hook_same_widening(f, c))
				hook_attribute_to(f, commit);
		}
	}
	ok = true;
out:
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	return ok;
}

/* Walks the update's commits, oldest first: attribution and trailers. */
static bool hook_walk_update(struct scan *s, GPtrArray *net, git_repository *repo,
                             const git_oid *base, const git_oid *target,
                             const struct hook_net_trees *net_trees, struct hook_vet *v,
                             GError **error)
{
	g_autoptr(GHashTable) index = hook_attribute_index(net);
	git_commit *tip = hook_commit_of(repo, target);
	git_commit *from = hook_commit_of(repo, base);
	git_revwalk *walk = NULL;
	git_oid id;
	bool ok = false;
	unsigned n = 0;
	int rc = 0;

	if (!tip) {
		ok = true;
		goto out;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, git_commit_id(tip)) < 0 ||
	    (from && git_revwalk_hide(walk, git_commit_id(from)) < 0)) {
		gitwalk_set_error(error, "walking the pushed commits");
		goto out;
	}
	while (n < DW_LIMIT_ATTRIBUTE_COMMITS && (rc = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL;
		bool step;

		if (git_commit_lookup(&commit, repo, &id) < 0) {
			gitwalk_set_error(error, "reading a pushed commit");
			goto out;
		}
		step = hook_attribute_commit(s, index, commit, net_trees, error);
		if (v && v->commits)
			g_array_append_val(v->commits, id);
		if (step && v && (v->trust & HOOK_TRUST_TRAILER))
			hook_vet_trailers(v, net, commit);
		git_commit_free(commit);
		if (!step)
			goto out;
		n++;
	}
	if (rc < 0 && rc != GIT_ITEROVER) {
		gitwalk_set_error(error, "walking the pushed commits");
		goto out;
	}
	ok = true;
out:
	git_revwalk_free(walk);
	git_commit_free(tip);
	git_commit_free(from);
	return ok;
}

bool hook_judge(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                const git_oid *target, struct hook_vet *v, GError **error)
{
	g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	struct hook_net_trees net_trees = { 0 };
	git_tree *old_tree = NULL, *new_tree = NULL;
	bool ok = false, any = false;

	if (!hook_tree_of(&old_tree, repo, base, error) || !hook_tree_of(&new_tree, repo, target, error))
		goto out;
	if (!scan_trees(s, net, old_tree, new_tree, error))
		goto out;
	for (guint i = 0; i < net->len && !any; i++)
		any = ((struct finding *)net->pdata[i])->severity > SEVERITY_INFO;
	if (old_tree)
		net_trees.old_id = *git_tree_id(old_tree);
	net_trees.new_id = *git_tree_id(new_tree);
	if (any && !hook_walk_update(s, net, repo, base, target, &net_trees, v, error))
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
