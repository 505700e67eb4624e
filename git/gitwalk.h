/*
 * gitwalk.h - the git plumbing driftwatch needs, on libgit2: which config
 * paths differ between two trees, their blobs, and the work tree.
 *
 * Nothing here checks out files or writes to the repository; blobs are
 * read straight from the object database, so the pre-receive hook can run
 * inside git's object quarantine.
 */
#ifndef DW_GITWALK_H
#define DW_GITWALK_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>

/* What stands at a config path when it is not a regular file. */
enum gitwalk_special {
	GITWALK_REGULAR,
	GITWALK_SYMLINK,   /* never followed: it may point outside the repository */
	GITWALK_SUBMODULE, /* a commit of another repository; never looked up */
	/* A work-tree file that is there but cannot be read (permissions, a
	 * FIFO): it could not be checked, which is not a deletion. */
	GITWALK_UNREADABLE,
};

/* A config file present at one side of a comparison. */
struct gitwalk_file {
	char *path;      /* repository-relative, '/'-separated; owned */
	enum gitwalk_special special;
	git_oid id;      /* blob id; zero when read from the work tree */
	GBytes *data;    /* work-tree contents when id is zero, else NULL; owned */
	char *unreadable; /* GITWALK_UNREADABLE: why ("Permission denied"); owned */
};

/*
 * One path that differs between two sides; old or new may be NULL. A file
 * renamed or moved (git's rename detection: same or similar content) is
 * one change whose old and new paths differ.
 */
struct gitwalk_change {
	struct gitwalk_file *old_file; /* owned, NULL when added */
	struct gitwalk_file *new_file; /* owned, NULL when deleted */
};

typedef bool (*gitwalk_filter_fn)(const char *path);

/* Turns the last libgit2 error into DW_ERROR_GIT, prefixed with what failed. */
void gitwalk_set_error(GError **error, const char *what);

/*
 * Appends to out (struct gitwalk_change *, freed by the array) every path
 * that filter accepts whose blob or mode differs between old_tree and
 * new_tree (either may be NULL for the empty tree). Walks both trees in
 * git's order and skips any subtree whose id is equal on both sides, so
 * an unchanged directory costs one comparison. Submodule entries are
 * never looked up. When paths are both deleted and added, git's rename
 * detection (git_diff_find_similar) pairs them, as in the two functions
 * below.
 */
bool gitwalk_tree_changes(GPtrArray *out, git_repository *repo, git_tree *old_tree,
                          git_tree *new_tree, gitwalk_filter_fn filter, GError **error);

/* Every file of tree that filter accepts (struct gitwalk_file *). */
bool gitwalk_tree_files(GPtrArray *out, git_repository *repo, git_tree *tree,
                        gitwalk_filter_fn filter, GError **error);

/*
 * A memo of subtree listings for gitwalk_tree_files_cached(), by subtree id
 * and path: consecutive commits share most subtrees, so listing a whole tree
 * costs a lookup per unchanged directory instead of reading it again. Not
 * thread-safe. The files it lists are borrowed from it and stay valid until
 * gitwalk_list_cache_trim(), which its user calls between listings it no
 * longer holds, and which keeps it within DW_LIMIT_TREE_LIST_FILES.
 */
struct gitwalk_list_cache;
struct gitwalk_list_cache *gitwalk_list_cache_new(gitwalk_filter_fn filter);
void gitwalk_list_cache_free(struct gitwalk_list_cache *cache);
void gitwalk_list_cache_trim(struct gitwalk_list_cache *cache);

/* gitwalk_tree_files() with the cache's filter, listing through the cache;
 * appended to out borrowed (out has no free function). */
bool gitwalk_tree_files_cached(GPtrArray *out, struct gitwalk_list_cache *cache, git_repository *repo,
                               git_tree *tree, GError **error);

/*
 * The work tree (tracked and untracked, ignored files excluded) against
 * HEAD: every filtered path that differs, with the new side read from
 * disk. A repository with no commit yet compares against the empty tree.
 */
bool gitwalk_workdir_changes(GPtrArray *out, git_repository *repo, gitwalk_filter_fn filter,
                             GError **error);

/*
 * The index (what is staged) against HEAD: every filtered path that
 * differs, both sides as blob ids (staged blobs are in the object
 * database already), so nothing is read from the work tree.
 */
bool gitwalk_index_changes(GPtrArray *out, git_repository *repo, gitwalk_filter_fn filter,
                           GError **error);

/*
 * A file on disk, but never more than max_bytes + 1 of it: enough for
 * gitwalk_file_read() to refuse it as too large without holding a huge
 * file in memory. New GBytes.
 */
bool gitwalk_disk_read(GBytes **out, const char *path, size_t max_bytes, GError **error);

/* The contents of a file: its blob, or its work-tree bytes. New GBytes. */
bool gitwalk_file_read(GBytes **out, git_repository *repo, const struct gitwalk_file *file,
                       size_t max_bytes, GError **error);

void gitwalk_file_free(struct gitwalk_file *f);
void gitwalk_change_free(struct gitwalk_change *c);

/* The tree of a revision ("HEAD~2", a branch, an id). */
bool gitwalk_rev_tree(git_tree **out, git_commit **commit_out, git_repository *repo,
                      const char *rev, GError **error);

#endif
