/*
 * blob.h - what a configuration file's bytes really are, before a reader
 * sees them: the content a symbolic link inside the repository points
 * at, UTF-16 decoded, and content no reader can take (a Git LFS pointer,
 * another encoding) told apart from a file that merely fails to parse.
 */
#ifndef DW_BLOB_H
#define DW_BLOB_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>

/*
 * For each side of each change (struct gitwalk_change *) that is a
 * symbolic link, follows it inside its own tree (old_tree or new_tree,
 * either may be NULL): a link to a regular file of the tree becomes that
 * file's blob under the link's path, since deployment tools follow it. A
 * link that leaves the tree, dangles, loops or names a directory stays a
 * link, which the scan reports as not checked.
 */
void blob_follow_links(GPtrArray *changes, git_repository *repo, git_tree *old_tree,
                       git_tree *new_tree);

/*
 * Checks and decodes the bytes of path in place: UTF-16 with a byte
 * order mark becomes UTF-8. A Git LFS pointer or UTF-32 fails with
 * DW_ERROR_LIMIT, the code callers already turn into "could not be
 * analysed" rather than a git failure. Other bytes (a NUL) are left to the
 * readers, which refuse them at their line.
 */
bool blob_text(GBytes **data, const char *path, GError **error);

#endif
