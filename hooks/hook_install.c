/*
 * hook_install.c - driftwatch install-hook: writes the hook scripts where
 * the repository's host looks for them and sets the config they need.
 *
 * Where hooks live:
 *   plain git   GIT_DIR/hooks/pre-receive (or core.hooksPath)
 *   Gitea       GIT_DIR/hooks/pre-receive.d/ (Gitea's own pre-receive runs them)
 *   GitLab      GIT_DIR/custom_hooks/pre-receive.d/ (server hooks, run by Gitaly);
 *               from GitLab 15.11 a tar archive holding custom_hooks/ that an
 *               administrator hands to `gitaly hooks set` (GitLab, "Git server
 *               hooks", set server hooks for a repository)
 * A hook that driftwatch did not write is never replaced without --force.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "dw_error.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

/* Every script we write carries this line, so a reinstall may replace it. */
#define HOOK_MARK "# written by driftwatch install-hook"

/* 'text' for sh: single quotes, with each ' written as '\''. New string. */
static char *hook_install_quote(const char *text)
{
	GString *out = g_string_new("'");

	for (const char *p = text; *p; p++) {
		if (*p == '\'')
			g_string_append(out, "'\\''");
		else
			g_string_append_c(out, *p);
	}
	g_string_append_c(out, '\'');
	return g_string_free(out, FALSE);
}

/* The directory hooks go to: core.hooksPath when set, else GIT_DIR/hooks. */
static char *hook_install_hooks_dir(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf path = GIT_BUF_INIT;
	char *dir = NULL;

	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_path(&path, cfg, "core.hooksPath") == 0) {
		dir = g_path_is_absolute(path.ptr)
		          ? g_strdup(path.ptr)
		          : g_build_filename(git_repository_is_bare(repo) ? git_repository_path(repo)
		                                                          : git_repository_workdir(repo),
		                             path.ptr, NULL);
	}
	git_buf_dispose(&path);
	git_config_free(cfg);
	return dir ? dir : g_build_filename(git_repository_path(repo), "hooks", NULL);
}

/* Where the server hook goes, by host or by the layout already there;
 * *identity_out: whose variable names the pusher there. */
static char *hook_install_server_path(git_repository *repo, enum hook_install_host host,
                                      const char **identity_out)
{
	g_autofree char *hooks = hook_install_hooks_dir(repo);
	g_autofree char *gitea_dir = g_build_filename(hooks, "pre-receive.d", NULL);
	g_autofree char *gitlab_dir =
		g_build_filename(git_repository_path(repo), "custom_hooks", "pre-receive.d", NULL);

	*identity_out = host == HOOK_HOST_GITOLITE ? "gitolite" : "plain";
	if (host == HOOK_HOST_GITLAB ||
	    (host == HOOK_HOST_AUTO && g_file_test(gitlab_dir, G_FILE_TEST_IS_DIR))) {
		*identity_out = "gitlab";
		return g_build_filename(gitlab_dir, "driftwatch", NULL);
	}
	if (host == HOOK_HOST_GITEA ||
	    (host == HOOK_HOST_AUTO && g_file_test(gitea_dir, G_FILE_TEST_IS_DIR))) {
		*identity_out = "gitea";
		return g_build_filename(gitea_dir, "driftwatch", NULL);
	}
	return g_build_filename(hooks, "pre-receive", NULL);
}

/*
 * The server script: runs the gate and, when it could not even start or
 * was killed (a loader error or a signal under a low ulimit -v, statuses
 * above 2), says so in a readable line and still rejects.
 */
static char *hook_install_server_text(const char *quoted, const char *args, const char *prefix)
{
	return g_strdup_printf(
		"#!/bin/sh\n" HOOK_MARK "; settings: git config driftwatch.*, see driftwatch(1).\n"
		"%s hook pre-receive%s \"$@\"\n"
		"status=$?\n"
		"if [ \"$status\" -gt 2 ]; then\n"
		"\techo \"%sdriftwatch: REJECTED: the gate could not run (exit status $status: out of "
		"memory, or a broken install); no ref was updated: ask an administrator\" >&2\n"
		"\texit 1\n"
		"fi\n"
		"exit \"$status\"\n", quoted, args, prefix);
}

/*
 * A client script: runs the hook that was there before driftwatch (kept
 * as NAME.chained, such as the pre-commit framework's), then driftwatch;
 * pre-push hands both the same stdin.
 */
static char *hook_install_client_text(const char *quoted, const char *name)
{
	if (strcmp(name, "pre-push") == 0)
		return g_strdup_printf(
			"#!/bin/sh\n" HOOK_MARK "; settings: git config driftwatch.*, see driftwatch(1).\n"
			"# The hook that was here before runs first (%s.chained), then driftwatch.\n"
			"next=\"$(dirname \"$0\")/%s.chained\"\n"
			"if [ -x \"$next\" ]; then\n"
			"\tinput=$(cat)\n"
			"\tprintf '%%s\\n' \"$input\" | \"$next\" \"$@\" || exit $?\n"
			"\tprintf '%%s\\n' \"$input\" | %s hook %s \"$@\"\n"
			"\texit $?\n"
			"fi\n"
			"exec %s hook %s \"$@\"\n", name, name, quoted, name, quoted, name);
	return g_strdup_printf(
		"#!/bin/sh\n" HOOK_MARK "; settings: git config driftwatch.*, see driftwatch(1).\n"
		"# The hook that was here before runs first (%s.chained), then driftwatch.\n"
		"next=\"$(dirname \"$0\")/%s.chained\"\n"
		"if [ -x \"$next\" ]; then \"$next\" \"$@\" || exit $?; fi\n"
		"exec %s hook %s \"$@\"\n", name, name, quoted, name);
}

/* Keeps a client hook driftwatch did not write as NAME.chained, run before ours. */
static bool hook_install_chain(const char *path, FILE *out, GError **error)
{
	g_autofree char *next = g_strconcat(path, ".chained", NULL);

	if (g_file_test(next, G_FILE_TEST_EXISTS)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "%s exists and was not written by driftwatch, and %s is taken too; "
		            "use --force to replace the first", path, next);
		return false;
	}
	if (rename(path, next) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
		return false;
	}
	fprintf(out, "driftwatch: kept the hook that was at %s as %s; it runs first\n", path, next);
	return true;
}

/* Writes one script running `driftwatch hook NAME ARGS`, unless a foreign one is there. */
static bool hook_install_script(const char *path, const char *exe, const char *name,
                                const char *args, bool force, FILE *out, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *old = NULL;
	g_autofree char *quoted = hook_install_quote(exe);
	g_autofree char *script =
		strcmp(name, "pre-receive") == 0
			? hook_install_server_text(quoted, args,
			                           strstr(args, "gitlab") ? "GL-HOOK-ERR: " : "")
			: hook_install_client_text(quoted, name);

	if (g_file_get_contents(path, &old, NULL, NULL) && !strstr(old, HOOK_MARK) && !force) {
		/* A client hook (the pre-commit framework's, say) is chained, not lost. */
		if (strcmp(name, "pre-receive") == 0) {
			g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
			            "%s exists and was not written by driftwatch; move it into a %s.d/ "
			            "directory (--gitea, --gitlab) or use --force to replace it", path, name);
			return false;
		}
		if (!hook_install_chain(path, out, error))
			return false;
		g_clear_pointer(&old, g_free);
	}
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s", dir, g_strerror(errno));
		return false;
	}
	if (!g_file_set_contents(path, script, -1, error))
		return false;
	if (chmod(path, 0755) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: %s", path, g_strerror(errno));
		return false;
	}
	fprintf(out, "driftwatch: %s %s\n", old ? "replaced" : "wrote", path);
	return true;
}

static bool hook_install_server(git_repository *repo, const struct hook_install_options *o,
                                FILE *out, GError **error)
{
	const char *identity = "plain";
	g_autofree char *path = hook_install_server_path(repo, o->host, &identity);
	g_autofree char *args = g_strdup_printf(" --identity=%s", identity);
	git_config *cfg = NULL;
	bool ok;

	if (!hook_install_script(path, o->exe, "pre-receive", args, o->force, out, error))
		return false;
	fprintf(out, "driftwatch: the pusher is %s\n",
	        strcmp(identity, "gitlab") == 0     ? "GL_USERNAME, as GitLab authenticated it"
	        : strcmp(identity, "gitea") == 0    ? "GITEA_PUSHER_NAME, as Gitea authenticated it"
	        : strcmp(identity, "gitolite") == 0 ? "GL_USER, as gitolite authenticated it"
	                                            : "the account the hook runs as (plain SSH)");
	/* -o driftwatch.approve=ID reaches the hook only when pushes may carry options. */
	ok = git_repository_config(&cfg, repo) == 0 &&
	     git_config_set_bool(cfg, "receive.advertisePushOptions", 1) == 0;
	git_config_free(cfg);
	if (!ok) {
		gitwalk_set_error(error, "setting receive.advertisePushOptions");
		return false;
	}
	fprintf(out, "driftwatch: set receive.advertisePushOptions=true in %sconfig\n",
	        git_repository_path(repo));
	fprintf(out, "driftwatch: pushes to branches and tags are now judged; settings (approvers, "
	             "threshold, pinned policy) are git config driftwatch.*, see driftwatch(1)\n");
	return true;
}

static bool hook_install_client(git_repository *repo, const struct hook_install_options *o,
                                FILE *out, GError **error)
{
	g_autofree char *hooks = hook_install_hooks_dir(repo);
	g_autofree char *pre_commit = g_build_filename(hooks, "pre-commit", NULL);
	g_autofree char *pre_push = g_build_filename(hooks, "pre-push", NULL);

	if (!hook_install_script(pre_commit, o->exe, "pre-commit", "", o->force, out, error) ||
	    !hook_install_script(pre_push, o->exe, "pre-push", "", o->force, out, error))
		return false;
	fprintf(out, "driftwatch: commits and pushes from this clone are now checked "
	             "(git commit/push --no-verify skips the check)\n");
	return true;
}

/* The --repository of `gitaly hooks set`: the path under the storage's repositories/. */
static char *hook_install_gitaly_relative(const char *repo)
{
	const char *at = repo ? strstr(repo, "/repositories/") : NULL;

	if (at)
		return g_strdup(at + strlen("/repositories/"));
	return g_strdup("RELATIVE-PATH (Admin area > Projects > the project: Gitaly relative path)");
}

/* Writes o->tarball: custom_hooks/pre-receive.d/driftwatch, for `gitaly hooks set`. */
static bool hook_install_tarball(const struct hook_install_options *o, FILE *out, GError **error)
{
	g_autofree char *tmp = g_dir_make_tmp("dw-gitaly-XXXXXX", error);
	g_autofree char *script = NULL;
	g_autofree char *rel = hook_install_gitaly_relative(o->repo);
	g_autofree char *abs = NULL;
	g_autofree char *cwd = g_get_current_dir();
	const char *argv[] = { "tar", "-C", tmp, "-cf", NULL, "custom_hooks", NULL };
	int status = 0;
	FILE *quiet;
	bool ok;

	if (!tmp)
		return false;
	abs = g_path_is_absolute(o->tarball) ? g_strdup(o->tarball)
	                                    : g_build_filename(cwd, o->tarball, NULL);
	argv[4] = abs;
	script = g_build_filename(tmp, "custom_hooks", "pre-receive.d", "driftwatch", NULL);
	/* The temporary copy is not worth a line of its own. */
	quiet = fopen("/dev/null", "w");
	ok = hook_install_script(script, o->exe, "pre-receive", " --identity=gitlab", true,
	                         quiet ? quiet : out, error) &&
	     g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
	                  &status, error) &&
	     g_spawn_check_wait_status(status, error);
	if (quiet)
		fclose(quiet);
	g_unlink(script);
	{
		g_autofree char *d1 = g_path_get_dirname(script);
		g_autofree char *d0 = g_path_get_dirname(d1);

		g_rmdir(d1);
		g_rmdir(d0);
		g_rmdir(tmp);
	}
	if (!ok)
		return false;
	fprintf(out, "driftwatch: wrote %s (custom_hooks/pre-receive.d/driftwatch)\n"
	             "driftwatch: install it on the Gitaly node (GitLab 15.11 or later) with:\n"
	             "  cat %s | sudo -u git -- /opt/gitlab/embedded/bin/gitaly hooks set "
	             "--storage default --repository %s --config /var/opt/gitlab/gitaly/config.toml\n"
	             "driftwatch: the pusher is GL_USERNAME, as GitLab authenticated it; settings are "
	             "git config driftwatch.* of the repository, see driftwatch(1)\n", abs, abs, rel);
	return true;
}

bool hook_install(const struct hook_install_options *o, FILE *out, GError **error)
{
	git_repository *repo = NULL;
	bool ok;

	if (o->tarball)
		return hook_install_tarball(o, out, error);
	if (git_repository_open_ext(&repo, o->repo ? o->repo : ".", 0, NULL) < 0) {
		g_autofree char *what = g_strdup_printf("opening a git repository at %s",
		                                        o->repo ? o->repo : ".");

		gitwalk_set_error(error, what);
		return false;
	}
	ok = o->kind == HOOK_INSTALL_SERVER ? hook_install_server(repo, o, out, error)
	                                    : hook_install_client(repo, o, out, error);
	git_repository_free(repo);
	return ok;
}
