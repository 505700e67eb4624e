/*
 * cmd_hook.c - driftwatch hook (what git runs) and driftwatch
 * install-hook (which puts it there); the work is in hooks/.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dw_error.h"
#include "hook.h"

static const char cmd_hook_help[] =
	"Run by git, not by hand: install with 'driftwatch install-hook'.\n\n"
	"  pre-receive   on the server: judges each pushed ref by its net effect (old\n"
	"                tip against new tip; a new branch or any tag against its merge\n"
	"                base with HEAD) and rejects the push when a finding reaches the\n"
	"                threshold. --identity names whose variable the pusher is.\n"
	"                Reads \"<old> <new> <ref>\" lines on stdin; verdict on stderr.\n"
	"  pre-commit    on a clone: the staged changes against HEAD.\n"
	"  pre-push      on a clone: what is about to be pushed (git gives REMOTE URL).\n\n"
	"Server settings are git config keys of the repository (or of --config FILE):\n"
	"  driftwatch.guard     refs judged, fnmatch patterns, repeatable (refs/heads/*,\n"
	"                       refs/tags/*); any other ref is named as not judged\n"
	"  driftwatch.failOn    threshold: critical|high|medium|low|info (policy's, else high)\n"
	"  driftwatch.approver  who may approve, repeatable: by push option, or by pushing\n"
	"                       or signing a commit with a trailer, comment or policy entry\n"
	"  driftwatch.trust     approvals believed: push-option,policy,trailer,comment (all);\n"
	"                       add unverified to count them whoever wrote them (warned)\n"
	"  driftwatch.maxSeconds, driftwatch.maxMemory  budget of one push (20, 400MiB)\n"
	"  driftwatch.policy    a server copy of .driftwatch.yml used instead of the pushed one\n"
	"  driftwatch.onError   reject (default) or accept when a push cannot be checked\n"
	"  driftwatch.log       a file (one line per decision) or syslog\n"
	"  driftwatch.rules     a rule file layered on the pack\n\n"
	"Exit status: 0 accept, 1 reject (findings), 2 reject (could not check).";

static const char cmd_install_help[] =
	"--server (the default for a bare repository) writes a pre-receive hook: into\n"
	"hooks/pre-receive.d/ (Gitea, or when that directory exists), custom_hooks/\n"
	"pre-receive.d/ (GitLab, or when it exists), else hooks/pre-receive; and sets\n"
	"receive.advertisePushOptions=true so approvers can push with -o.\n"
	"--gitlab --tarball FILE (GitLab 15.11+) writes the archive that `gitaly hooks\n"
	"set` takes instead, and prints the command. --gitolite writes hooks/pre-receive.\n"
	"The pusher is GL_USERNAME (--gitlab), GITEA_PUSHER_NAME (--gitea), GL_USER\n"
	"(--gitolite), else the account the hook runs as.\n"
	"--client (the default otherwise) writes pre-commit and pre-push hooks; a hook\n"
	"already there (the pre-commit framework's) is kept as NAME.chained and runs first.\n"
	"A server hook that driftwatch did not write is kept unless --force.\n\n"
	"Examples:\n"
	"  driftwatch install-hook --server --repo /srv/git/infra.git\n"
	"  git -C /srv/git/infra.git config --add driftwatch.approver alice\n"
	"  driftwatch install-hook --gitlab --repo /var/opt/gitlab/git-data/repositories/@hashed/ab/cd/abcd.git\n"
	"  driftwatch install-hook --gitlab --tarball hooks.tar --repo /var/opt/gitlab/git-data/repositories/@hashed/ab/cd/abcd.git\n"
	"  driftwatch install-hook --client";

int cmd_hook(int argc, char **argv, const char *exe_path)
{
	g_autofree char *rules = NULL;
	g_autofree char *config = NULL;
	g_autofree char *identity_name = NULL;
	enum hook_identity identity = HOOK_IDENTITY_PLAIN;
	GOptionEntry entries[] = {
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME, &rules, "Use this rule pack", "FILE" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
		  "pre-receive: read driftwatch.* settings from this git config file too", "FILE" },
		{ "identity", 0, 0, G_OPTION_ARG_STRING, &identity_name,
		  "pre-receive: where the pusher's name comes from: plain (the account), gitlab, gitea, gitolite",
		  "MODE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("pre-receive | pre-commit | pre-push REMOTE [URL]");
	g_autofree char *pack = NULL;

	g_option_context_set_summary(ctx, "The git hooks: the server gate and the client checks.");
	g_option_context_set_description(ctx, cmd_hook_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "hook"))
		return CLI_EXIT_ERROR;
	if (identity_name && !hook_identity_parse(&identity, identity_name)) {
		fprintf(stderr, "driftwatch hook: --identity: expected plain, gitlab, gitea or gitolite\n");
		return CLI_EXIT_ERROR;
	}
	pack = rules ? g_strdup(rules) : rulepack_default_path(exe_path);
	if (argc == 2 && strcmp(argv[1], "pre-receive") == 0)
		return hook_pre_receive(stdin, stderr, pack, config, identity);
	if (argc == 2 && strcmp(argv[1], "pre-commit") == 0)
		return hook_pre_commit(stderr, pack);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "pre-push") == 0)
		return hook_pre_push(stdin, stderr, pack, argv[2]);
	fprintf(stderr, "driftwatch hook: expected pre-receive, pre-commit or pre-push REMOTE [URL]\n"
	                "Try 'driftwatch hook --help'.\n");
	return CLI_EXIT_ERROR;
}

/* --server unless asked otherwise or the repository has a work tree. */
static bool cmd_install_kind(enum hook_install_kind *out, gboolean server, gboolean client,
                             bool host_given, const char *repo, GError **error)
{
	git_repository *r = NULL;

	if (server && client) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--server and --client exclude each other");
		return false;
	}
	if (client && host_given) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--gitlab and --gitea install server hooks");
		return false;
	}
	if (server || host_given || client) {
		*out = client ? HOOK_INSTALL_CLIENT : HOOK_INSTALL_SERVER;
		return true;
	}
	if (git_repository_open_ext(&r, repo ? repo : ".", 0, NULL) == 0)
		*out = git_repository_is_bare(r) ? HOOK_INSTALL_SERVER : HOOK_INSTALL_CLIENT;
	else
		*out = HOOK_INSTALL_CLIENT;
	git_repository_free(r);
	return true;
}

int cmd_install_hook(int argc, char **argv, const char *exe_path)
{
	gboolean server = FALSE, client = FALSE, gitlab = FALSE, gitea = FALSE, gitolite = FALSE;
	gboolean force = FALSE;
	g_autofree char *repo = NULL;
	g_autofree char *tarball = NULL;
	GOptionEntry entries[] = {
		{ "server", 0, 0, G_OPTION_ARG_NONE, &server, "Install the pre-receive gate", NULL },
		{ "client", 0, 0, G_OPTION_ARG_NONE, &client, "Install pre-commit and pre-push", NULL },
		{ "repo", 0, 0, G_OPTION_ARG_FILENAME, &repo, "The repository (default: here)", "PATH" },
		{ "gitlab", 0, 0, G_OPTION_ARG_NONE, &gitlab, "GitLab layout: custom_hooks/pre-receive.d/", NULL },
		{ "gitea", 0, 0, G_OPTION_ARG_NONE, &gitea, "Gitea layout: hooks/pre-receive.d/", NULL },
		{ "gitolite", 0, 0, G_OPTION_ARG_NONE, &gitolite, "gitolite: hooks/pre-receive, pusher from GL_USER", NULL },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace a hook driftwatch did not write", NULL },
		{ "tarball", 0, 0, G_OPTION_ARG_FILENAME, &tarball,
		  "With --gitlab: write the archive for `gitaly hooks set` (GitLab 15.11+) and print the command",
		  "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("");
	g_autoptr(GError) error = NULL;
	struct hook_install_options o = { .exe = exe_path, .force = force };

	g_option_context_set_summary(ctx, "Install driftwatch as a git hook.");
	g_option_context_set_description(ctx, cmd_install_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "install-hook"))
		return CLI_EXIT_ERROR;
	if (argc > 1 || gitlab + gitea + gitolite > 1 || (tarball && !gitlab)) {
		fprintf(stderr, "driftwatch install-hook: %s\nTry 'driftwatch install-hook --help'.\n",
		        argc > 1        ? "no arguments expected (use --repo PATH)"
		        : tarball && !gitlab ? "--tarball is for --gitlab"
		                        : "--gitlab, --gitea and --gitolite exclude each other");
		return CLI_EXIT_ERROR;
	}
	o.repo = repo;
	o.force = force;
	o.tarball = tarball;
	o.host = gitlab ? HOOK_HOST_GITLAB : gitea ? HOOK_HOST_GITEA
	         : gitolite ? HOOK_HOST_GITOLITE : HOOK_HOST_AUTO;
	if (!cmd_install_kind(&o.kind, server, client, gitlab || gitea || gitolite, repo, &error) ||
	    !hook_install(&o, stdout, &error))
		return cli_fail(error);
	return CLI_EXIT_OK;
}
