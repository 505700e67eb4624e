/*
 * blob.c - a configuration file's bytes as the readers should see them.
 *
 * Symbolic links: git stores a link as a blob holding its target path
 * (git-fast-import(1), mode 120000). A link inside the tree is resolved
 * the way a checkout on a POSIX system would (relative to the link's
 * directory, ".." and "." folded), following chains of links up to a
 * small bound.
 *
 * Git LFS: a pointer file is "version https://git-lfs.github.com/spec/v1"
 * then "oid" and "size" lines, under 1024 bytes (git-lfs, "Git LFS
 * Specification"); the content it stands for is not in the repository.
 */
#include "blob.h"

#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "gitwalk.h"

#define BLOB_LFS_MAX 1024
#define BLOB_LFS_HEADER "version https://git-lfs.github.com/spec/v1"

/* The target text of link blob id; NULL when unreadable or too long. New string. */
static char *blob_link_target(git_repository *repo, const git_oid *id)
{
	git_blob *blob = NULL;
	char *text = NULL;

	if (git_blob_lookup(&blob, repo, id) < 0)
		return NULL;
	if (git_blob_rawsize(blob) > 0 && git_blob_rawsize(blob) <= DW_LIMIT_SYMLINK_TARGET_BYTES &&
	    !memchr(git_blob_rawcontent(blob), '\0', (size_t)git_blob_rawsize(blob)))
		text = g_strndup(git_blob_rawcontent(blob), (gsize)git_blob_rawsize(blob));
	git_blob_free(blob);
	return text;
}

/* dir(link) + target with "." and ".." folded; NULL when it leaves the tree. New string. */
static char *blob_join(const char *link, const char *target)
{
	g_autofree char *dir = g_path_get_dirname(link);
	g_autofree char *joined = NULL;
	g_auto(GStrv) parts = NULL;
	GPtrArray *out;
	char *result = NULL;

	if (target[0] == '/')
		return NULL;
	joined = strcmp(dir, ".") == 0 ? g_strdup(target) : g_strconcat(dir, "/", target, NULL);
	parts = g_strsplit(joined, "/", -1);
	out = g_ptr_array_new();
	for (char **p = parts; *p; p++) {
		if (!**p || strcmp(*p, ".") == 0)
			continue;
		if (strcmp(*p, "..") == 0) {
			if (!out->len)
				goto out;
			g_ptr_array_remove_index(out, out->len - 1);
			continue;
		}
		g_ptr_array_add(out, *p);
	}
	if (out->len) {
		g_ptr_array_add(out, NULL);
		result = g_strjoinv("/", (char **)out->pdata);
	}
out:
	g_ptr_array_free(out, TRUE);
	return result;
}

/* Follows f, a link, in tree; on success f is the target's blob. */
static void blob_follow(struct gitwalk_file *f, git_repository *repo, git_tree *tree)
{
	g_autofree char *path = g_strdup(f->path);
	git_oid id = f->id;

	for (unsigned hop = 0; tree && hop < DW_LIMIT_SYMLINK_HOPS; hop++) {
		g_autofree char *target = blob_link_target(repo, &id);
		g_autofree char *next = target ? blob_join(path, target) : NULL;
		git_tree_entry *e = NULL;
		git_filemode_t mode;

		if (!next || git_tree_entry_bypath(&e, tree, next) < 0)
			return;
		mode = git_tree_entry_filemode(e);
		id = *git_tree_entry_id(e);
		git_tree_entry_free(e);
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			f->id = id;
			f->special = GITWALK_REGULAR;
			return;
		}
		if (mode != GIT_FILEMODE_LINK)
			return;
		g_free(path);
		path = g_steal_pointer(&next);
	}
}

void blob_follow_links(GPtrArray *changes, git_repository *repo, git_tree *old_tree,
                       git_tree *new_tree)
{
	for (guint i = 0; i < changes->len; i++) {
		struct gitwalk_change *c = changes->pdata[i];

		if (c->old_file && c->old_file->special == GITWALK_SYMLINK && !c->old_file->data)
			blob_follow(c->old_file, repo, old_tree);
		if (c->new_file && c->new_file->special == GITWALK_SYMLINK && !c->new_file->data)
			blob_follow(c->new_file, repo, new_tree);
	}
}

static bool blob_is_lfs_pointer(const char *p, size_t len)
{
	return len < BLOB_LFS_MAX && len > strlen(BLOB_LFS_HEADER) &&
	       memcmp(p, BLOB_LFS_HEADER, strlen(BLOB_LFS_HEADER)) == 0;
}

/* UTF-16 (BOM FF FE little-endian, FE FF big-endian) to UTF-8. */
static bool blob_utf16(GBytes **data, const char *path, const char *p, size_t len, GError **error)
{
	const char *from = (unsigned char)p[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
	gsize written = 0;
	char *text = g_convert(p + 2, (gssize)(len - 2), "UTF-8", from, NULL, &written, NULL);

	if (!text) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: could not be checked: not valid %s text", path, from);
		return false;
	}
	g_bytes_unref(*data);
	*data = g_bytes_new_take(text, written);
	return true;
}

/* Text in UTF-16 with no mark: among the first 64 bytes, every other one is NUL. */
static bool blob_looks_utf16(const unsigned char *u, size_t len)
{
	size_t n = MIN(len, (size_t)64) & ~(size_t)1, even = 0, odd = 0;

	for (size_t i = 0; i < n; i += 2) {
		even += !u[i];
		odd += !u[i + 1];
	}
	return n >= 8 && (even == n / 2 || odd == n / 2) && even != odd;
}

bool blob_text(GBytes **data, const char *path, GError **error)
{
	gsize len = 0;
	const char *p = g_bytes_get_data(*data, &len);
	const unsigned char *u = (const unsigned char *)p;

	if (len >= 4 && ((u[0] == 0xff && u[1] == 0xfe && !u[2] && !u[3]) ||
	                 (!u[0] && !u[1] && u[2] == 0xfe && u[3] == 0xff)))
		goto other;
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return blob_utf16(data, path, p, len, error);
	if (blob_is_lfs_pointer(p, len)) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: could not be checked: a Git LFS pointer; the file itself is stored "
		            "outside the repository", path);
		return false;
	}
	if (blob_looks_utf16(u, len)) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: could not be checked: UTF-16 without a byte order mark, not an encoding "
		            "the readers take (UTF-8, or UTF-16 with a byte order mark)", path);
		return false;
	}
	/* Other bytes, a stray NUL included, are the readers' to refuse at their line. */
	return true;
other:
	g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
	            "%s: could not be checked: UTF-32, not an encoding the readers take (UTF-8, or "
	            "UTF-16 with a byte order mark)", path);
	return false;
}
