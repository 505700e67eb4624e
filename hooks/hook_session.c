/*
 * hook_session.c - what every hook starts with: the repository git runs
 * it in (opened from the environment, so a pre-receive hook sees the
 * quarantined objects), its driftwatch.* settings, the rule pack and a
 * scanner with the settings applied.
 */
#include "dw_error.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

bool hook_open_repo(git_repository **out, GError **error)
{
	/* GIT_WORK_TREE and GIT_COMMON_DIR would point libgit2 at a work tree
	 * the server has not got (githooks(5) leaves them to the hook). */
	g_unsetenv("GIT_WORK_TREE");
	g_unsetenv("GIT_COMMON_DIR");
	if (git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		gitwalk_set_error(error, "opening the repository the hook runs in");
		return false;
	}
	return true;
}

static bool hook_load_pack(struct rulepack **out, const char *pack_path, const char *rules,
                           GError **error)
{
	g_autoptr(rulepack) pack = NULL;

	if (!rulepack_load(&pack, pack_path, error) || (rules && !rulepack_overlay(pack, rules, error)))
		return false;
	*out = g_steal_pointer(&pack);
	return true;
}

bool hook_session_open(struct hook_session *h, const char *pack_path, const char *config_file,
                       GError **error)
{
	if (!hook_open_repo(&h->repo, error) ||
	    !hook_config_load(&h->config, h->repo, config_file, error) ||
	    !hook_load_pack(&h->pack, pack_path, h->config.rules, error))
		return false;
	h->scan = scan_new(h->repo, h->pack);
	return hook_config_apply(&h->config, h->scan, error);
}

void hook_session_clear(struct hook_session *h)
{
	g_clear_pointer(&h->scan, scan_free);
	g_clear_pointer(&h->pack, rulepack_free);
	hook_config_clear(&h->config);
	g_clear_pointer(&h->repo, git_repository_free);
}
