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

/* What every hook opens: the repository, its settings, the pack, a scanner. */
struct hook_session {
	git_repository *repo;
	struct hook_config config;
	struct rulepack *pack;
	struct scan *scan;
};

/*
 * Opens the repository from the environment, reads its driftwatch.*
 * settings (and config_file's, may be NULL), loads the pack at pack_path
 * with driftwatch.rules on it, and makes a scanner with the settings
 * applied. hook_session_clear() undoes what was done, on failure too.
 */
bool hook_session_open(struct hook_session *h, const char *pack_path, const char *config_file,
                       GError **error);
void hook_session_clear(struct hook_session *h);

#endif
