/*
 * scan.c - one comparison through the whole pipeline.
 *
 * A side of a comparison is a base tree plus the changed files laid over
 * it. Normally only the changed paths are read (the scope of the change);
 * when a standalone rule's group is defined in a file the change did not
 * touch, both whole sides are read, since a first-match rule list cannot
 * be judged from part of it.
 *
 * With scan_threads(), files are parsed ahead by worker threads, so that
 * an audit parses the next commits while the main thread compares this
 * one. The main thread reads the blobs itself and hands the workers bytes:
 * libgit2 1.5 serialises pack reads of all repositories on one global
 * mutex, so workers reading objects slowed the walk by a third. The cache
 * is the only shared state and is guarded by one mutex; workers only ever
 * add an entry that is absent, so a pointer the main thread borrowed stays
 * valid until the main thread trims the cache.
 *
 * The repository policy (.driftwatch.yml, policy.h) is read at the new
 * side of each comparison: from the change when the comparison changes
 * it (the work tree's bytes in work-tree mode), else from the new base
 * tree; never with no repository (--files).
 */
#include "scan_private.h"

#include <string.h>

#include "compare.h"
#include "dw_error.h"
#include "dw_limits.h"
#include "extract.h"
#include "policy.h"

struct scan *scan_new(git_repository *repo, const struct rulepack *pack)
{
	struct scan *s = g_new0(struct scan, 1);

	s->repo = repo;
	s->pack = pack;
	s->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                 (GDestroyNotify)scan_cached_free);
	g_mutex_init(&s->lock);
	s->lists = gitwalk_list_cache_new(scan_is_config);
	return s;
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	if (s->pool)
		g_thread_pool_free(s->pool, TRUE, TRUE);
	g_hash_table_unref(s->cache);
	gitwalk_list_cache_free(s->lists);
	g_mutex_clear(&s->lock);
	g_bytes_unref(s->options.pinned_policy);
	g_free(s);
}

void scan_set_options(struct scan *s, const struct scan_options *options)
{
	GBytes *old = s->options.pinned_policy;

	s->options = *options;
	if (options->pinned_policy)
		g_bytes_ref(options->pinned_policy);
	g_bytes_unref(old);
}

bool scan_is_config(const char *path)
{
	return strcmp(path, POLICY_PATH) == 0 || extract_path_may_match(path);
}

/* The policy file and ignored paths are not analysed as configuration. */
bool scan_skips(const struct scan *s, const char *path)
{
	return strcmp(path, POLICY_PATH) == 0 || policy_ignores(s->policy, path);
}

bool scan_tree_changes(struct scan *s, GPtrArray *out, git_tree *old_tree, git_tree *new_tree,
                       GError **error)
{
	return gitwalk_tree_changes(out, s->repo, old_tree, new_tree, scan_is_config, error);
}

static bool scan_is_rename(const struct gitwalk_change *c)
{
	return c->old_file && c->new_file && strcmp(c->old_file->path, c->new_file->path) != 0;
}

static void scan_split_add(GPtrArray *split, const struct gitwalk_file *old_file,
                           const struct gitwalk_file *new_file)
{
	struct gitwalk_change *copy = g_new0(struct gitwalk_change, 1);

	copy->old_file = old_file ? scan_file_copy(old_file) : NULL;
	copy->new_file = new_file ? scan_file_copy(new_file) : NULL;
	g_ptr_array_add(split, copy);
}

/*
 * A renamed file (old and new paths differ) is read as its old path gone
 * and its new path added, so each side reads the files at its own paths;
 * the pairing goes to compare_resources_renamed(). Returns changes itself
 * when nothing was renamed, else the split list, kept in *split_out.
 */
static GPtrArray *scan_split_renames(GPtrArray *changes, GPtrArray **split_out, GHashTable **renames_out)
{
	GPtrArray *split;
	guint i = 0;

	while (i < changes->len && !scan_is_rename(changes->pdata[i]))
		i++;
	if (i == changes->len)
		return changes;
	split = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	*renames_out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];

		if (!scan_is_rename(c)) {
			scan_split_add(split, c->old_file, c->new_file);
			continue;
		}
		scan_split_add(split, c->old_file, NULL);
		scan_split_add(split, NULL, c->new_file);
		g_hash_table_insert(*renames_out, g_strdup(c->old_file->path), g_strdup(c->new_file->path));
	}
	*split_out = split;
	return split;
}

bool scan_changes(struct scan *s, GPtrArray *out, GPtrArray *changes, git_tree *old_base,
                  git_tree *new_base, GError **error)
{
	struct scan_policy sp = { 0 };
	g_autoptr(GPtrArray) kept = NULL;
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) split = NULL;
	g_autoptr(GHashTable) renames = NULL;
	bool ok = false;

	if (changes->len == 0)
		return true;
	changes = scan_split_renames(changes, &split, &renames);
	s->renames = renames;
	/* Sides borrow from the caches: trim them only between comparisons. */
	scan_cache_trim(s);
	gitwalk_list_cache_trim(s->lists);
	if (!scan_policy_load(s, &sp, changes, new_base, error))
		goto out;
	s->policy = sp.new_p;
	kept = scan_policy_filter(s, changes);
	if (kept->len && !scan_classify(s, found, kept, old_base, new_base, sp.internet, error))
		goto out;
	if (!s->options.no_inline_approvals)
		scan_inline_approvals(s, found, kept, new_base);
	if (!scan_policy_finish(s, &sp, found, error))
		goto out;
	while (found->len)
		g_ptr_array_add(out, g_ptr_array_steal_index(found, 0));
	ok = true;
out:
	s->policy = NULL;
	s->renames = NULL;
	scan_policy_clear(&sp);
	return ok;
}

bool scan_trees(struct scan *s, GPtrArray *out, git_tree *old_tree, git_tree *new_tree,
                GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);

	if (!gitwalk_tree_changes(changes, s->repo, old_tree, new_tree, scan_is_config, error))
		return false;
	return scan_changes(s, out, changes, old_tree, new_tree, error);
}

typedef bool (*scan_changes_fn)(GPtrArray *out, git_repository *repo, gitwalk_filter_fn filter,
                                GError **error);

/* The changes lister gives against HEAD, with HEAD as both bases. */
static bool scan_against_head(struct scan *s, GPtrArray *out, scan_changes_fn list, GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	git_tree *head = NULL;
	bool ok;

	if (!list(changes, s->repo, scan_is_config, error))
		return false;
	if (!git_repository_head_unborn(s->repo) && !gitwalk_rev_tree(&head, NULL, s->repo, "HEAD", error))
		return false;
	ok = scan_changes(s, out, changes, head, head, error);
	git_tree_free(head);
	return ok;
}

bool scan_workdir(struct scan *s, GPtrArray *out, GError **error)
{
	return scan_against_head(s, out, gitwalk_workdir_changes, error);
}

bool scan_index(struct scan *s, GPtrArray *out, GError **error)
{
	return scan_against_head(s, out, gitwalk_index_changes, error);
}

bool scan_surface(struct scan *s, GPtrArray *resources_out, GPtrArray *failures, git_tree *tree,
                  GError **error)
{
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	struct scan_side side;

	gitwalk_list_cache_trim(s->lists);
	scan_side_init(&side);
	if (!scan_side_full(s, &side, tree, none, true, error)) {
		scan_side_clear(&side);
		return false;
	}
	scan_side_grade(s, &side, NULL, NULL);
	extract_tfplan_prefer(side.resources);
	for (guint i = 0; i < side.resources->len; i++)
		g_ptr_array_add(resources_out, resource_copy(side.resources->pdata[i]));
	while (side.failures->len)
		g_ptr_array_add(failures, g_ptr_array_steal_index(side.failures, 0));
	scan_side_clear(&side);
	return true;
}

