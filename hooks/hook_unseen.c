/*
 * hook_unseen.c - what the gate cannot see, it does not accept quietly.
 *
 * A symbolic link that leaves the tree, or a submodule, at a
 * configuration path (DW-PARSE-002) hides what will be deployed: at the
 * gate it is high, so it rejects by default. A submodule (gitlink) that
 * now stands where a directory of configuration was is a finding of its
 * own: the engine sees only the files deleted, which is a narrowing.
 */
#include <string.h>

#include "dw_error.h"
#include "extract.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

static bool hook_unseen_any(const char *path)
{
	return true;
}

/* The first configuration file under dir/ that changes deleted, or NULL. Borrowed. */
static const char *hook_unseen_deleted_under(GPtrArray *changes, const char *dir)
{
	size_t n = strlen(dir);

	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const char *path = c->old_file ? c->old_file->path : NULL;

		if (path && !c->new_file && strncmp(path, dir, n) == 0 && path[n] == '/' &&
		    extract_path_may_match(path))
			return path;
	}
	return NULL;
}

/* A finding for each gitlink that replaced a directory holding configuration. */
static bool hook_unseen_gitlinks(GPtrArray *findings, struct hook_session *h, git_tree *old_tree,
                                 git_tree *new_tree, GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);

	if (!old_tree || !new_tree)
		return true;
	if (!gitwalk_tree_changes(changes, h->repo, old_tree, new_tree, hook_unseen_any, error))
		return false;
	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const char *was;
		g_autoptr(GError) why = NULL;

		if (!c->new_file || c->new_file->special != GITWALK_SUBMODULE ||
		    (c->old_file && c->old_file->special == GITWALK_SUBMODULE))
			continue;
		was = hook_unseen_deleted_under(changes, c->new_file->path);
		if (!was)
			continue;
		why = g_error_new(DW_ERROR, DW_ERROR_LIMIT,
		                  "%s: could not be checked: a submodule now stands where configuration "
		                  "was (%s); its content is another repository's", c->new_file->path, was);
		g_ptr_array_add(findings, rulepack_parse_failure(h->pack, why, c->new_file->path));
	}
	return true;
}

bool hook_unseen(GPtrArray *findings, struct hook_session *h, const git_oid *base,
                 const git_oid *target, GError **error)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	bool ok;

	for (guint i = 0; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];

		if (strcmp(f->rule->id, RULE_PARSE_002) == 0 && f->severity < SEVERITY_HIGH)
			f->severity = SEVERITY_HIGH;
	}
	ok = hook_tree_of(&old_tree, h->repo, base, error) &&
	     hook_tree_of(&new_tree, h->repo, target, error) &&
	     hook_unseen_gitlinks(findings, h, old_tree, new_tree, error);
	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}
