/*
 * gitwalk.c - changed config paths between two trees, blobs, work tree.
 *
 * libgit2 1.5's git_diff_tree_to_tree expands every subtree of both trees
 * for every commit; walking the two trees side by side and skipping any
 * entry whose id and mode are equal on both sides is several times faster
 * on large histories, and lets the path filter run before a blob is read.
 */
#include "gitwalk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "error.h"

/* Deeper trees than this are hostile; git itself refuses far less. */
#define GITWALK_MAX_DEPTH 1024

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

	if (depth > GITWALK_MAX_DEPTH) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: trees nested deeper than %d",
		            w->path->str, GITWALK_MAX_DEPTH);
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

bool gitwalk_tree_changes(GPtrArray *out, git_repository *repo, git_tree *old_tree,
                          git_tree *new_tree, gitwalk_filter_fn filter, GError **error)
{
	struct gitwalk w = { out, repo, filter, g_string_new(NULL) };
	bool ok;

	if (old_tree && new_tree && git_oid_equal(git_tree_id(old_tree), git_tree_id(new_tree)))
		ok = true;
	else
		ok = gitwalk_pair(&w, old_tree, new_tree, 0, error);
	g_string_free(w.path, TRUE);
	if (ok)
		blob_follow_links(out, repo, old_tree, new_tree);
	return ok;
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

static bool gitwalk_workdir_is_symlink(git_repository *repo, const char *path)
{
	g_autofree char *full = g_build_filename(git_repository_workdir(repo), path, NULL);

	return g_file_test(full, G_FILE_TEST_IS_SYMLINK);
}

bool gitwalk_disk_read(GBytes **out, const char *path, size_t max_bytes, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	size_t want = max_bytes + 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		goto fail;
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

static bool gitwalk_workdir_read(GBytes **out, git_repository *repo, const char *path)
{
	g_autofree char *full = g_build_filename(git_repository_workdir(repo), path, NULL);

	if (!g_file_test(full, G_FILE_TEST_IS_REGULAR) || g_file_test(full, G_FILE_TEST_IS_SYMLINK))
		return false;
	return gitwalk_disk_read(out, full, dw_limit_file_bytes(), NULL);
}

static void gitwalk_workdir_entry(GPtrArray *out, git_repository *repo, git_tree *head,
                                  const char *path, gitwalk_filter_fn filter)
{
	git_tree_entry *te = NULL;
	GBytes *data = NULL;
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
	} else if (gitwalk_workdir_read(&data, repo, path)) {
		c->new_file = gitwalk_file_new(path, NULL, data);
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
	ok = true;
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
	ok = true;
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
