/*
 * analyse.c - what a branch update brought: the commits from the last
 * analysed one to the new tip, each against its first parent (as audit
 * judges them), kept only when the net change still widens the same
 * resource under the same rule, so a change opened and closed again
 * within one update is not an alert.
 */
#include "monitor_private.h"

#include <string.h>

#include "dw_error.h"

void analyse_set_commit(GPtrArray *findings, guint start, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	char hex[GIT_OID_HEXSZ + 1];
	g_autoptr(GTimeZone) tz = g_time_zone_new_offset(author->when.offset * 60);
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(author->when.time);
	g_autoptr(GDateTime) local = when && tz ? g_date_time_to_timezone(when, tz) : NULL;
	g_autofree char *date = local ? g_date_time_format_iso8601(local) : NULL;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	for (guint i = start; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];

		g_free(f->commit);
		g_free(f->author);
		g_free(f->date);
		g_free(f->subject);
		f->commit = g_strdup(hex);
		f->author = g_strdup_printf("%s <%s>", author->name, author->email);
		f->date = g_strdup(date);
		/* NULL when the message cannot be read: no subject then. */
		f->subject = g_strdup(git_commit_summary(commit));
	}
}

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

/* One commit against its first parent (the empty tree for a root); merges are skipped. */
static bool analyse_commit(GPtrArray *out, struct scan *s, git_commit *commit, GError **error)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	guint start = out->len;
	bool ok = false;

	if (git_commit_parentcount(commit) > 1)
		return true;
	if (git_commit_tree(&tree, commit) < 0 ||
	    (git_commit_parentcount(commit) == 1 &&
	     (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0))) {
		gitwalk_set_error(error, "reading a commit");
		goto out;
	}
	ok = scan_trees(s, out, parent_tree, tree, error);
	if (ok) {
		analyse_set_commit(out, start, commit);
		scan_commit_approvals(out, start, commit);
	}
out:
	git_tree_free(parent_tree);
	git_tree_free(tree);
	git_commit_free(parent);
	return ok;
}

static bool analyse_walk(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                         const git_oid *tip, GError **error)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int rc;
	bool ok = true;

	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(walk, tip) < 0 || (base && git_revwalk_hide(walk, base) < 0)) {
		gitwalk_set_error(error, "walking the new commits");
		git_revwalk_free(walk);
		return false;
	}
	while (ok && (rc = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL;

		if (git_commit_lookup(&commit, repo, &id) < 0) {
			gitwalk_set_error(error, "reading a commit");
			ok = false;
		} else {
			ok = analyse_commit(out, s, commit, error);
		}
		git_commit_free(commit);
	}
	if (ok && rc != GIT_ITEROVER) {
		gitwalk_set_error(error, "walking the new commits");
		ok = false;
	}
	git_revwalk_free(walk);
	return ok;
}

static char *analyse_key(const struct finding *f)
{
	return g_strdup_printf("%s\n%s", f->rule ? f->rule->id : "", f->resource ? f->resource : "");
}

/* Net findings of base -> tip, as a set of rule + resource keys; unmatched ones to *net_out. */
static bool analyse_net(GHashTable *keys, GPtrArray *net, struct scan *s, git_repository *repo,
                        const git_oid *base, const git_oid *tip, GError **error)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	bool ok = analyse_tree(&old_tree, repo, base, error) &&
	          analyse_tree(&new_tree, repo, tip, error) &&
	          scan_trees(s, net, old_tree, new_tree, error);

	for (guint i = 0; ok && i < net->len; i++)
		g_hash_table_add(keys, analyse_key(net->pdata[i]));
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}

/* Keeps the per-commit findings the net change confirms, then the net ones none explains. */
static void analyse_merge(GPtrArray *out, GPtrArray *commits, GPtrArray *net, GHashTable *keys,
                          git_commit *tip)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint start;

	for (guint i = 0; i < commits->len; i++) {
		char *key = analyse_key(commits->pdata[i]);

		if (g_hash_table_contains(keys, key)) {
			g_ptr_array_add(out, g_ptr_array_steal_index(commits, i--));
			g_hash_table_add(seen, key);
		} else {
			g_free(key);
		}
	}
	start = out->len;
	for (guint i = 0; i < net->len; i++) {
		g_autofree char *key = analyse_key(net->pdata[i]);

		if (!g_hash_table_contains(seen, key))
			g_ptr_array_add(out, g_ptr_array_steal_index(net, i--));
	}
	analyse_set_commit(out, start, tip);
}

bool analyse_range(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                   const git_oid *tip, GError **error)
{
	g_autoptr(GPtrArray) commits = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) net = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GHashTable) keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	git_commit *tip_commit = NULL;

	if (!analyse_walk(commits, s, repo, base, tip, error) ||
	    !analyse_net(keys, net, s, repo, base, tip, error))
		return false;
	if (git_commit_lookup(&tip_commit, repo, tip) < 0) {
		gitwalk_set_error(error, "reading the new tip");
		return false;
	}
	analyse_merge(out, commits, net, keys, tip_commit);
	git_commit_free(tip_commit);
	return true;
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
		analyse_set_commit(out, start, commit);
		scan_commit_approvals(out, start, commit);
	}
out:
	git_tree_free(tree);
	git_commit_free(commit);
	return ok;
}
