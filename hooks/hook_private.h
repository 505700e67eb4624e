/*
 * hook_private.h - what the hook files share: counting findings for
 * their messages, and opening the repository a hook runs in.
 */
#ifndef DW_HOOK_PRIVATE_H
#define DW_HOOK_PRIVATE_H

#include <git2.h>
#include <glib.h>

#include "hook.h"

/* Findings that are not approved and reach their threshold. */
unsigned hook_count_blocking(GPtrArray *findings, const struct hook_config *c);
/* Findings an approval suppressed. */
unsigned hook_count_approved(GPtrArray *findings);
/* Findings above info (the ones hook_print_findings() shows). */
unsigned hook_count_shown(GPtrArray *findings);
/* "ID1,ID2": the ids of the blocking findings. New string. */
char *hook_blocking_ids(GPtrArray *findings, const struct hook_config *c);

/*
 * The repository git runs the hook in, from the environment (GIT_DIR,
 * GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES of the
 * quarantine, GIT_INDEX_FILE), or found from the current directory.
 */
bool hook_open_repo(git_repository **out, GError **error);

/* The rule pack, with rules (may be NULL) layered on it. */
bool hook_load_pack(struct rulepack **out, const char *pack_path, const char *rules,
                    GError **error);

#endif
