/*
 * gitwalk.c - changed config paths between two trees, blobs, work tree.
 *
 * libgit2 1.5's git_diff_tree_to_tree expands every subtree of both trees
 * for every commit; walking the two trees side by side and skipping any
 * entry whose id and mode are equal on both sides is several times faster
 * on large histories, and lets the path filter run before a blob is read.
 *
 * Renames: a walk finds a renamed file as one path deleted and another
 * added. When a comparison has both, git's own rename detection
 * (git_diff_find_similar, exact and similar content) is run on a diff
 * limited to those paths, and each pair it finds becomes one change whose
 * old and new paths differ, so the resources in it keep their identity.
 */
#include "gitwalk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "dw_error.h"
#include "dw_limits.h"

struct gitwalk {
	GPtrArray *out;
	git_repository *repo;
	gitwalk_filter_fn filter;
	GString *path;
};

void gitwalk_set_error(GError **error, const char *what)
{
	const git_error *e = git_error_last();

	g_set_error(error, DW_ERROR, DW_ERROR_GIT, "%s: %s", what,
	            e && e->message ? e->message : "unknown libgit2 error");
}

void gitwalk_file_free(struct gitwalk_file *f)
{
	if (!f)
		return;
	g_free(f->path);
	g_free(f->unreadable);
	if (f->data)
		g_bytes_unref(f->data);
	g_free(f);
}

void gitwalk_change_free(struct gitwalk_change *c)
{
	if (!c)
		return;
	gitwalk_file_free(c->old_file);
	gitwalk_file_free(c->new_file);
	g_free(c);
}

static struct gitwalk_file *gitwalk_file_new(const char *path, const git_oid *id, GBytes *data)
{
	struct gitwalk_file *f = g_new0(struct gitwalk_file, 1);

	f->path = g_strdup(path);
	if (id)
		git_oid_cpy(&f->id, id);
	f->data = data;
	return f;
}

/* Anything but a tree: a file, a symlink or a submodule entry. */
static bool gitwalk_is_blob(const git_tree_entry *e)
{
	return git_tree_entry_filemode(e) != GIT_FILEMODE_TREE;
}

static enum gitwalk_special gitwalk_special_of_mode(git_filemode_t mode)
{
	switch (mode) {
	case GIT_FILEMODE_LINK:
		return GITWALK_SYMLINK;
	case GIT_FILEMODE_COMMIT:
		return GITWALK_SUBMODULE;
	default:
		return GITWALK_REGULAR;
	}
}

static enum gitwalk_special gitwalk_special_of(const git_tree_entry *e)
{
	return gitwalk_special_of_mode(git_tree_entry_filemode(e));
}

static struct gitwalk_file *gitwalk_file_of_entry(const char *path, const git_tree_entry *e)
{
	struct gitwalk_file *f = gitwalk_file_new(path, git_tree_entry_id(e), NULL);

	f->special = gitwalk_special_of(e);
	return f;
}

static bool gitwalk_is_tree(const git_tree_entry *e)
{
	return git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
}

/* git's tree order: a tree sorts as if its name ended in '/'. */
static int gitwalk_entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb), n = MIN(la, lb);
	int c = memcmp(na, nb, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)na[n] : (gitwalk_is_tree(a) ? '/' : 0);
	cb = lb > n ? (unsigned char)nb[n] : (gitwalk_is_tree(b) ? '/' : 0);
	return (int)ca - (int)cb;
}

static bool gitwalk_pair(struct gitwalk *w, git_tree *a, git_tree *b, unsigned depth, GError **error);

static bool gitwalk_subtree(struct gitwalk *w, const git_tree_entry *ea, const git_tree_entry *eb,
                            unsigned depth, GError **error)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t len = w->path->len;
	bool ok = false;
	const char *name = git_tree_entry_name(ea ? ea : eb);

	if (ea && git_tree_lookup(&ta, w->repo, git_tree_entry_id(ea)) < 0)
		goto fail;
	if (eb && git_tree_lookup(&tb, w->repo, git_tree_entry_id(eb)) < 0)
		goto fail;
	g_string_append(w->path, name);
	g_string_append_c(w->path, '/');
	ok = gitwalk_pair(w, ta, tb, depth + 1, error);
	g_string_truncate(w->path, len);
	goto out;
fail:
	gitwalk_set_error(error, "reading a tree");
out:
	git_tree_free(ta);
	git_tree_free(tb);
	return ok;
}

static void gitwalk_blob(struct gitwalk *w, const git_tree_entry *ea, const git_tree_entry *eb)
{
	size_t len = w->path->len;
	struct gitwalk_change *c;

	g_string_append(w->path, git_tree_entry_name(ea ? ea : eb));
	if (w->filter(w->path->str)) {
		c = g_new0(struct gitwalk_change, 1);
		if (ea)
			c->old_file = gitwalk_file_of_entry(w->path->str, ea);
		if (eb)
			c->new_file = gitwalk_file_of_entry(w->path->str, eb);
		g_ptr_array_add(w->out, c);
	}
	g_string_truncate(w->path, len);
}

/* One entry present on one side (or both, with different content). */
static bool gitwalk_entry(struct gitwalk *w, const git_tree_entry *ea, const git_tree_entry *eb,
                          unsigned depth, GError **error)
{
	const git_tree_entry *ta = ea && gitwalk_is_tree(ea) ? ea : NULL;
	const git_tree_entry *tb = eb && gitwalk_is_tree(eb) ? eb : NULL;
	const git_tree_entry *ba = ea && gitwalk_is_blob(ea) ? ea : NULL;
	const git_tree_entry *bb = eb && gitwalk_is_blob(eb) ? eb : NULL;

	if (ta || tb) {
		if (!gitwalk_subtree(w, ta, tb, depth, error))
			return false;
	}
	if (ba || bb)
		gitwalk_blob(w, ba, bb);
	return true;
}

static bool gitwalk_pair(struct gitwalk *w, git_tree *a, git_tree *b, unsigned depth, GError **error)
{
	size_t i = 0, j = 0;
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;

	if (depth > DW_LIMIT_TREE_DEPTH) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: trees nested deeper than %d",
		            w->path->str, DW_LIMIT_TREE_DEPTH);
		return false;
	}
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : gitwalk_entry_cmp(ea, eb);
		bool ok = true;

		if (c < 0) {
			ok = gitwalk_entry(w, ea, NULL, depth, error);
			i++;
		} else if (c > 0) {
			ok = gitwalk_entry(w, NULL, eb, depth, error);
			j++;
		} else {
			if (git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb) ||
			    !git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
				ok = gitwalk_entry(w, ea, eb, depth, error);
			i++;
			j++;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* The changes of out from start on that only delete or only add a path. */
static void gitwalk_one_sided(GPtrArray *out, guint start, GHashTable *deleted, GHashTable *added)
{
	for (guint i = start; i < out->len; i++) {
		struct gitwalk_change *c = out->pdata[i];

		if (c->old_file && !c->new_file)
			g_hash_table_insert(deleted, c->old_file->path, c);
		else if (c->new_file && !c->old_file)
			g_hash_table_insert(added, c->new_file->path, c);
	}
}

/* The added change takes the deleted one's old file: the pair is one change now. */
static void gitwalk_join_changes(GPtrArray *out, struct gitwalk_change *gone, struct gitwalk_change *born)
{
	born->old_file = g_steal_pointer(&gone->old_file);
	g_ptr_array_remove(out, gone);
}

/* One rename git found. */
static void gitwalk_join(GPtrArray *out, GHashTable *deleted, GHashTable *added,
                         const git_diff_delta *d)
{
	struct gitwalk_change *gone, *born;

	if (d->status != GIT_DELTA_RENAMED)
		return;
	gone = g_hash_table_lookup(deleted, d->old_file.path);
	born = g_hash_table_lookup(added, d->new_file.path);
	/* A symlink or submodule is never one side of a file's rename. */
	if (!gone || !born || gone->old_file->special != born->new_file->special)
		return;
	g_hash_table_remove(deleted, d->old_file.path);
	g_hash_table_remove(added, d->new_file.path);
	gitwalk_join_changes(out, gone, born);
}

static guint gitwalk_oid_hash(gconstpointer p)
{
	guint h;

	memcpy(&h, ((const git_oid *)p)->id, sizeof(h));
	return h;
}

static gboolean gitwalk_oid_equal(gconstpointer a, gconstpointer b)
{
	return git_oid_equal(a, b);
}

/* Counts the files of one side (a path -> change table) per blob id. */
static GHashTable *gitwalk_by_blob(GHashTable *side, bool old_side)
{
	GHashTable *by = g_hash_table_new_full(gitwalk_oid_hash, gitwalk_oid_equal, NULL,
	                                       (GDestroyNotify)g_ptr_array_unref);
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, side);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct gitwalk_change *c = value;
		struct gitwalk_file *f = old_side ? c->old_file : c->new_file;
		GPtrArray *list;

		if (git_oid_is_zero(&f->id))
			continue;
		list = g_hash_table_lookup(by, &f->id);
		if (!list) {
			list = g_ptr_array_new();
			g_hash_table_insert(by, &f->id, list);
		}
		g_ptr_array_add(list, c);
	}
	return by;
}

/*
 * The cheap, common case first: a blob deleted at one path and added at
 * exactly one other is that file renamed. Blobs deleted or added more
 * than once are left to git, which tells them apart by their names.
 */
static void gitwalk_exact_renames(GPtrArray *out, GHashTable *deleted, GHashTable *added)
{
	g_autoptr(GHashTable) gone = gitwalk_by_blob(deleted, true);
	g_autoptr(GHashTable) born = gitwalk_by_blob(added, false);
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, gone);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		GPtrArray *olds = value, *news = g_hash_table_lookup(born, key);
		struct gitwalk_change *o, *n;

		if (olds->len != 1 || !news || news->len != 1)
			continue;
		o = olds->pdata[0];
		n = news->pdata[0];
		if (o->old_file->special != n->new_file->special)
			continue;
		g_hash_table_remove(deleted, o->old_file->path);
		g_hash_table_remove(added, n->new_file->path);
		gitwalk_join_changes(out, o, n);
	}
}

/* The paths git is asked about: every deleted and every added one. */
static git_strarray gitwalk_rename_paths(GHashTable *deleted, GHashTable *added)
{
	git_strarray paths = { NULL, 0 };
	GHashTable *sides[] = { deleted, added };
	size_t n = 0;

	paths.strings = g_new0(char *, g_hash_table_size(deleted) + g_hash_table_size(added) + 1);
	for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
		GHashTableIter it;
		gpointer key;

		g_hash_table_iter_init(&it, sides[i]);
		while (g_hash_table_iter_next(&it, &key, NULL))
			paths.strings[n++] = key;
	}
	paths.count = n;
	return paths;
}

/* How gitwalk_renames() asks git for the diff of the paths in opts. */
enum gitwalk_rename_source { GITWALK_TREES, GITWALK_INDEX, GITWALK_WORKDIR };

static int gitwalk_rename_diff(git_diff **out, git_repository *repo, git_tree *old_tree,
                               git_tree *new_tree, enum gitwalk_rename_source source,
                               const git_diff_options *opts)
{
	git_index *index = NULL;
	int rc;

	switch (source) {
	case GITWALK_TREES:
		return git_diff_tree_to_tree(out, repo, old_tree, new_tree, opts);
	case GITWALK_INDEX:
		if (git_repository_index(&index, repo) < 0)
			return -1;
		rc = git_diff_tree_to_index(out, repo, old_tree, index, opts);
		git_index_free(index);
		return rc;
	case GITWALK_WORKDIR:
		break;
	}
	return git_diff_tree_to_workdir_with_index(out, repo, old_tree, opts);
}

/*
 * Pairs the deleted and added paths among the changes of out from start
 * on that git's rename detection matches (exact, then similar content),
 * each pair becoming one change with two paths.
 */
static bool gitwalk_renames(GPtrArray *out, guint start, git_repository *repo, git_tree *old_tree,
                            git_tree *new_tree, enum gitwalk_rename_source source, GError **error)
{
	g_autoptr(GHashTable) deleted = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) added = g_hash_table_new(g_str_hash, g_str_equal);
	git_diff_options opts;
	git_diff_find_options find;
	git_strarray paths;
	git_diff *diff = NULL;
	bool ok = false;

	gitwalk_one_sided(out, start, deleted, added);
	if (g_hash_table_size(deleted) && g_hash_table_size(added))
		gitwalk_exact_renames(out, deleted, added);
	if (!g_hash_table_size(deleted) || !g_hash_table_size(added) ||
	    g_hash_table_size(deleted) + g_hash_table_size(added) > DW_LIMIT_RENAME_PATHS)
		return true;
	paths = gitwalk_rename_paths(deleted, added);
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_IGNORE_SUBMODULES | GIT_DIFF_DISABLE_PATHSPEC_MATCH |
	             GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
	opts.pathspec = paths;
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	if (gitwalk_rename_diff(&diff, repo, old_tree, new_tree, source, &opts) < 0 ||
	    git_diff_find_similar(diff, &find) < 0) {
		gitwalk_set_error(error, "pairing renamed files");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++)
		gitwalk_join(out, deleted, added, git_diff_get_delta(diff, i));
	ok = true;
out:
	git_diff_free(diff);
	g_free(paths.strings);
	return ok;
}

bool gitwalk_tree_changes(GPtrArray *out, git_repository *repo, git_tree *old_tree,
                          git_tree *new_tree, gitwalk_filter_fn filter, GError **error)
{
	struct gitwalk w = { out, repo, filter, g_string_new(NULL) };
	guint start = out->len;
	bool ok;

	if (old_tree && new_tree && git_oid_equal(git_tree_id(old_tree), git_tree_id(new_tree)))
		ok = true;
	else
		ok = gitwalk_pair(&w, old_tree, new_tree, 0, error);
	g_string_free(w.path, TRUE);
	if (ok)
		blob_follow_links(out, repo, old_tree, new_tree);
	return ok && (!old_tree || !new_tree ||
	              gitwalk_renames(out, start, repo, old_tree, new_tree, GITWALK_TREES, error));
}

bool gitwalk_tree_files(GPtrArray *out, git_repository *repo, git_tree *tree,
                        gitwalk_filter_fn filter, GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);

	if (!gitwalk_tree_changes(changes, repo, NULL, tree, filter, error))
		return false;
	for (guint i = 0; i < changes->len; i++) {
		struct gitwalk_change *c = changes->pdata[i];

		g_ptr_array_add(out, c->new_file);
		c->new_file = NULL;
	}
	return true;
}

struct gitwalk_list_cache {
	gitwalk_filter_fn filter;
	GHashTable *lists; /* "SUBTREE-ID:PATH/" -> GPtrArray of struct gitwalk_file *, full paths */
	/* The generation before lists: a subtree listed again moves back to
	 * lists, the rest goes at the next turn (gitwalk_list_cache_trim()). */
	GHashTable *older;
	size_t files;      /* held in lists */
	/* Top-level files and followed links handed out since the last trim. */
	GPtrArray *loose;
};

static GHashTable *gitwalk_lists_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
}

struct gitwalk_list_cache *gitwalk_list_cache_new(gitwalk_filter_fn filter)
{
	struct gitwalk_list_cache *c = g_new0(struct gitwalk_list_cache, 1);

	c->filter = filter;
	c->lists = gitwalk_lists_new();
	c->older = gitwalk_lists_new();
	c->loose = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	return c;
}

void gitwalk_list_cache_free(struct gitwalk_list_cache *cache)
{
	if (!cache)
		return;
	g_hash_table_unref(cache->lists);
	g_hash_table_unref(cache->older);
	g_ptr_array_unref(cache->loose);
	g_free(cache);
}

void gitwalk_list_cache_trim(struct gitwalk_list_cache *cache)
{
	g_ptr_array_set_size(cache->loose, 0);
	/* Half the bound per generation: the two together stay within it. */
	if (cache->files < DW_LIMIT_TREE_LIST_FILES / 2)
		return;
	g_hash_table_unref(cache->older);
	cache->older = g_steal_pointer(&cache->lists);
	cache->lists = gitwalk_lists_new();
	cache->files = 0;
}

static struct gitwalk_file *gitwalk_file_copy(const struct gitwalk_file *f)
{
	struct gitwalk_file *c = gitwalk_file_new(f->path, &f->id, NULL);

	c->special = f->special;
	return c;
}

static bool gitwalk_list(struct gitwalk_list_cache *cache, GPtrArray *out, git_repository *repo,
                         git_tree *tree, GString *path, unsigned depth, GError **error);

/* The listing of subtree entry e at path (ending in '/'), from the cache or read now. Borrowed. */
static GPtrArray *gitwalk_list_subtree(struct gitwalk_list_cache *cache, git_repository *repo,
                                       const git_tree_entry *e, GString *path, unsigned depth, GError **error)
{
	char hex[GIT_OID_HEXSZ + 1];
	g_autofree char *key = g_strconcat(git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e)), ":", path->str,
	                                   NULL);
	GPtrArray *list = g_hash_table_lookup(cache->lists, key);
	gpointer older_key = NULL;
	git_tree *sub = NULL;
	bool ok;

	if (list)
		return list;
	if (g_hash_table_steal_extended(cache->older, key, &older_key, (gpointer *)&list)) {
		g_free(older_key);
	} else {
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
			gitwalk_set_error(error, "reading a tree");
			return NULL;
		}
		list = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
		ok = gitwalk_list(cache, list, repo, sub, path, depth + 1, error);
		git_tree_free(sub);
		if (!ok) {
			g_ptr_array_unref(list);
			return NULL;
		}
	}
	cache->files += list->len;
	g_hash_table_insert(cache->lists, g_steal_pointer(&key), list);
	return list;
}

/*
 * gitwalk_pair() with no old tree, each subtree listed through the cache.
 * At depth 0, out borrows: the subtrees' files from their lists, the
 * top-level ones from cache->loose; below, out is a subtree's own list.
 */
static bool gitwalk_list(struct gitwalk_list_cache *cache, GPtrArray *out, git_repository *repo,
                         git_tree *tree, GString *path, unsigned depth, GError **error)
{
	if (depth > DW_LIMIT_TREE_DEPTH) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: trees nested deeper than %d", path->str,
		            DW_LIMIT_TREE_DEPTH);
		return false;
	}
	for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		size_t len = path->len;
		GPtrArray *list;

		g_string_append(path, git_tree_entry_name(e));
		if (gitwalk_is_tree(e)) {
			g_string_append_c(path, '/');
			list = gitwalk_list_subtree(cache, repo, e, path, depth, error);
			for (guint j = 0; list && j < list->len; j++)
				g_ptr_array_add(out, depth ? gitwalk_file_copy(list->pdata[j]) : list->pdata[j]);
			if (!list)
				return false;
		} else if (cache->filter(path->str)) {
			struct gitwalk_file *f = gitwalk_file_of_entry(path->str, e);

			if (depth == 0)
				g_ptr_array_add(cache->loose, f);
			g_ptr_array_add(out, f);
		}
		g_string_truncate(path, len);
	}
	return true;
}

bool gitwalk_tree_files_cached(GPtrArray *out, struct gitwalk_list_cache *cache, git_repository *repo,
                               git_tree *tree, GError **error)
{
	g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	g_autoptr(GString) path = g_string_new(NULL);
	guint first = out->len;

	if (!gitwalk_list(cache, out, repo, tree, path, 0, error))
		return false;
	/* Symbolic links are followed on copies, as gitwalk_tree_changes()
	 * does: the lists keep the links themselves. */
	for (guint i = first; i < out->len; i++) {
		const struct gitwalk_file *f = out->pdata[i];
		struct gitwalk_change *c;

		if (f->special != GITWALK_SYMLINK)
			continue;
		c = g_new0(struct gitwalk_change, 1);
		c->new_file = gitwalk_file_copy(f);
		g_ptr_array_add(links, c);
		out->pdata[i] = c->new_file;
	}
	blob_follow_links(links, repo, NULL, tree);
	for (guint i = 0; i < links->len; i++)
		g_ptr_array_add(cache->loose, g_steal_pointer(&((struct gitwalk_change *)links->pdata[i])->new_file));
	return true;
}

static bool gitwalk_workdir_is_symlink(git_repository *repo, const char *path)
{
	g_autofree char *full = g_build_filename(git_repository_workdir(repo), path, NULL);

	return g_file_test(full, G_FILE_TEST_IS_SYMLINK);
}

bool gitwalk_disk_read(GBytes **out, const char *path, size_t max_bytes, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	size_t want = max_bytes + 1;
	/* O_NONBLOCK: a FIFO put there must not hold the reader. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		goto fail;
	if (fstat(fd, &st) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a regular file", path);
		return false;
	}
	while (buf->len < want) {
		size_t chunk = MIN(want - buf->len, (size_t)1 << 16);
		guint at = buf->len;
		ssize_t n;

		g_byte_array_set_size(buf, at + (guint)chunk);
		n = read(fd, buf->data + at, chunk);
		if (n < 0 && errno == EINTR) {
			g_byte_array_set_size(buf, at);
			continue;
		}
		if (n < 0) {
			int saved = errno;

			close(fd);
			errno = saved;
			goto fail;
		}
		g_byte_array_set_size(buf, at + (guint)n);
		if (n == 0)
			break;
	}
	close(fd);
	*out = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
	return true;
fail:
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", path,
	            g_strerror(errno));
	return false;
}

/*
 * A work-tree file's bytes, or false with *gone_out when nothing stands at
 * path (or a directory does: git sees the file deleted), or false with
 * *why_out (a new string) when something does but cannot be read.
 */
static bool gitwalk_workdir_read(GBytes **out, bool *gone_out, char **why_out,
                                 git_repository *repo, const char *path)
{
	g_autofree char *full = g_build_filename(git_repository_workdir(repo), path, NULL);
	g_autoptr(GError) local = NULL;
	struct stat st;

	*gone_out = lstat(full, &st) < 0 ? errno == ENOENT || errno == ENOTDIR : S_ISDIR(st.st_mode);
	if (*gone_out)
		return false;
	if (gitwalk_disk_read(out, full, dw_limit_file_bytes(), &local))
		return true;
	/* The file's name is in the finding; the reason is what is left. */
	*why_out = g_str_has_prefix(local->message, full) && local->message[strlen(full)] == ':'
	                   ? g_strdup(g_strchug(local->message + strlen(full) + 1))
	                   : g_strdup(local->message);
	return false;
}

static void gitwalk_workdir_entry(GPtrArray *out, git_repository *repo, git_tree *head,
                                  const char *path, gitwalk_filter_fn filter)
{
	git_tree_entry *te = NULL;
	GBytes *data = NULL;
	char *why = NULL;
	bool gone = false;
	struct gitwalk_change *c;

	if (!filter(path))
		return;
	c = g_new0(struct gitwalk_change, 1);
	if (head && git_tree_entry_bypath(&te, head, path) == 0 && gitwalk_is_blob(te))
		c->old_file = gitwalk_file_of_entry(path, te);
	git_tree_entry_free(te);
	if (gitwalk_workdir_is_symlink(repo, path)) {
		c->new_file = gitwalk_file_new(path, NULL, NULL);
		c->new_file->special = GITWALK_SYMLINK;
	} else if (gitwalk_workdir_read(&data, &gone, &why, repo, path)) {
		c->new_file = gitwalk_file_new(path, NULL, data);
	} else if (!gone) {
		/* There but unreadable: could not be checked, not deleted. */
		c->new_file = gitwalk_file_new(path, NULL, NULL);
		c->new_file->special = GITWALK_UNREADABLE;
		c->new_file->unreadable = why;
	}
	if (!c->old_file && !c->new_file)
		gitwalk_change_free(c);
	else
		g_ptr_array_add(out, c);
}

bool gitwalk_workdir_changes(GPtrArray *out, git_repository *repo, gitwalk_filter_fn filter,
                             GError **error)
{
	git_status_options opts;
	git_status_list *list = NULL;
	git_tree *head = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint start = out->len;
	bool ok = false;

	if (git_repository_is_bare(repo)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "a bare repository has no work tree; name two revisions");
		return false;
	}
	if (!git_repository_head_unborn(repo) && !gitwalk_rev_tree(&head, NULL, repo, "HEAD", error))
		return false;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
	             GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &opts) < 0) {
		gitwalk_set_error(error, "reading the work tree status");
		goto out;
	}
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_diff_delta *d = s->head_to_index ? s->head_to_index : s->index_to_workdir;

		if (!d || g_hash_table_contains(seen, d->old_file.path))
			continue;
		g_hash_table_add(seen, g_strdup(d->old_file.path));
		gitwalk_workdir_entry(out, repo, head, d->old_file.path, filter);
	}
	ok = gitwalk_renames(out, start, repo, head, NULL, GITWALK_WORKDIR, error);
out:
	git_status_list_free(list);
	git_tree_free(head);
	return ok;
}

/* One side of an index delta as a gitwalk_file, or NULL when absent. */
static struct gitwalk_file *gitwalk_file_of_diff(const git_diff_file *df)
{
	struct gitwalk_file *f;

	if (!(df->flags & GIT_DIFF_FLAG_EXISTS))
		return NULL;
	f = gitwalk_file_new(df->path, &df->id, NULL);
	f->special = gitwalk_special_of_mode((git_filemode_t)df->mode);
	return f;
}

bool gitwalk_index_changes(GPtrArray *out, git_repository *repo, gitwalk_filter_fn filter,
                           GError **error)
{
	git_diff_options opts;
	git_index *index = NULL;
	git_tree *head = NULL;
	git_diff *diff = NULL;
	guint start = out->len;
	bool ok = false;

	if (!git_repository_head_unborn(repo) && !gitwalk_rev_tree(&head, NULL, repo, "HEAD", error))
		return false;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
	if (git_repository_index(&index, repo) < 0 ||
	    git_diff_tree_to_index(&diff, repo, head, index, &opts) < 0) {
		gitwalk_set_error(error, "comparing the index with HEAD");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct gitwalk_change *c;

		if (!filter(d->old_file.path) && !filter(d->new_file.path))
			continue;
		c = g_new0(struct gitwalk_change, 1);
		c->old_file = gitwalk_file_of_diff(&d->old_file);
		c->new_file = gitwalk_file_of_diff(&d->new_file);
		g_ptr_array_add(out, c);
	}
	ok = gitwalk_renames(out, start, repo, head, NULL, GITWALK_INDEX, error);
out:
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(head);
	return ok;
}

bool gitwalk_file_read(GBytes **out, git_repository *repo, const struct gitwalk_file *file,
                       size_t max_bytes, GError **error)
{
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	size_t len = 0;
	git_object_t type;
	int rc;

	g_assert(file->special == GITWALK_REGULAR);
	if (file->data) {
		len = g_bytes_get_size(file->data);
		if (len > max_bytes)
			goto too_big;
		*out = g_bytes_ref(file->data);
		if (!blob_text(out, file->path, error))
			g_clear_pointer(out, g_bytes_unref);
		return *out != NULL;
	}
	/* The header gives the size without inflating a hostile giant blob. */
	if (git_repository_odb(&odb, repo) < 0)
		goto fail;
	rc = git_odb_read_header(&len, &type, odb, &file->id);
	git_odb_free(odb);
	if (rc < 0)
		goto fail;
	if (len > max_bytes)
		goto too_big;
	if (git_blob_lookup(&blob, repo, &file->id) < 0)
		goto fail;
	*out = g_bytes_new_with_free_func(git_blob_rawcontent(blob), (gsize)git_blob_rawsize(blob),
	                                  (GDestroyNotify)git_blob_free, blob);
	if (!blob_text(out, file->path, error))
		g_clear_pointer(out, g_bytes_unref);
	return *out != NULL;
too_big:
	dw_set_error_too_large(error, file->path, max_bytes);
	return false;
fail:
	{
		char hex[GIT_OID_HEXSZ + 1];
		g_autofree char *what = NULL;

		git_oid_tostr(hex, sizeof(hex), &file->id);
		what = g_strdup_printf("%s: reading blob %s", file->path, hex);
		gitwalk_set_error(error, what);
	}
	return false;
}

bool gitwalk_rev_tree(git_tree **out, git_commit **commit_out, git_repository *repo,
                      const char *rev, GError **error)
{
	git_object *obj = NULL, *peeled = NULL;
	git_commit *commit = NULL;
	bool ok = false;

	if (git_revparse_single(&obj, repo, rev) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_NOT_FOUND, "unknown revision '%s'", rev);
		return false;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0)
		commit = NULL;
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_NOT_FOUND, "'%s' does not name a commit or tree", rev);
		goto out;
	}
	*out = (git_tree *)peeled;
	if (commit_out) {
		*commit_out = commit;
		commit = NULL;
	}
	ok = true;
out:
	git_commit_free(commit);
	git_object_free(obj);
	return ok;
}
