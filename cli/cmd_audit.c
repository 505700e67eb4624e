/*
 * cmd_audit.c - driftwatch audit: every past commit that widened
 * exposure, oldest first.
 *
 * Each non-merge commit is compared with its first parent; with
 * --first-parent the walk follows the main line and merges are compared
 * with their first parent too, which is what they brought to that line.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "scan.h"

static const char cmd_audit_help[] =
	"REV-RANGE is a revision (history reachable from it) or A..B (reachable\n"
	"from B, not from A); default HEAD. Root commits are compared with the\n"
	"empty tree.\n\n"
	"Examples:\n"
	"  driftwatch audit                        the whole history of HEAD\n"
	"  driftwatch audit v1.0..main --format json\n"
	"  driftwatch audit --first-parent main    the main line, merges included\n\n"
	"A shallow clone cannot be walked past its boundary; fetch with --unshallow.\n\n"
	"Exit status: 0 nothing at or above --fail-on, 1 findings, 2 error.";

struct cmd_audit {
	git_repository *repo;
	git_revwalk *walk;
	scan *scan;
	gboolean first_parent;
	bool progress;
	size_t commits;
};

static bool cmd_audit_push(struct cmd_audit *a, const char *range, GError **error)
{
	int rc;

	if (!range)
		rc = git_revwalk_push_head(a->walk);
	else if (strstr(range, ".."))
		rc = git_revwalk_push_range(a->walk, range);
	else {
		git_object *obj = NULL;

		rc = git_revparse_single(&obj, a->repo, range);
		if (rc == 0)
			rc = git_revwalk_push(a->walk, git_object_id(obj));
		git_object_free(obj);
	}
	if (rc < 0) {
		g_autofree char *what = g_strdup_printf("reading revision range '%s'", range ? range : "HEAD");

		gitwalk_set_error(error, what);
		return false;
	}
	return true;
}

static bool cmd_audit_commit(struct cmd_audit *a, GPtrArray *findings, git_commit *commit,
                             GError **error)
{
	git_commit *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	guint start = findings->len;
	bool ok = false;

	if (git_commit_parentcount(commit) > 1 && !a->first_parent)
		return true;
	if (git_commit_tree(&tree, commit) < 0) {
		gitwalk_set_error(error, "reading a commit's tree");
		return false;
	}
	if (git_commit_parentcount(commit) > 0 &&
	    (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0)) {
		gitwalk_set_error(error, git_repository_is_shallow(a->repo)
		                             ? "a shallow clone cannot be walked past its boundary "
		                               "(libgit2 1.5); fetch with --unshallow"
		                             : "reading a parent commit");
		goto out;
	}
	if (!scan_trees(a->scan, findings, parent_tree, tree, error))
		goto out;
	cli_findings_set_commit(findings, start, commit);
	ok = true;
out:
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	return ok;
}

static bool cmd_audit_walk(struct cmd_audit *a, GPtrArray *findings, GError **error)
{
	git_oid id;
	int rc;

	while ((rc = git_revwalk_next(&id, a->walk)) == 0) {
		git_commit *commit = NULL;
		bool ok;

		if (git_commit_lookup(&commit, a->repo, &id) < 0) {
			gitwalk_set_error(error, "reading a commit");
			return false;
		}
		ok = cmd_audit_commit(a, findings, commit, error);
		git_commit_free(commit);
		if (!ok)
			return false;
		if (a->progress && ++a->commits % 500 == 0)
			fprintf(stderr, "\rdriftwatch audit: %zu commits", a->commits);
	}
	if (a->progress && a->commits >= 500)
		fprintf(stderr, "\rdriftwatch audit: %zu commits\n", a->commits);
	if (rc != GIT_ITEROVER) {
		gitwalk_set_error(error, git_repository_is_shallow(a->repo)
		                             ? "walking history (a shallow clone ends at its boundary)"
		                             : "walking history");
		return false;
	}
	return true;
}

static bool cmd_audit_run(GPtrArray *findings, struct cli_common *common, gboolean first_parent,
                          int argc, char **argv, GError **error)
{
	struct cmd_audit a = { .first_parent = first_parent };
	bool ok = false;

	if (argc > 2) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "at most one revision range");
		return false;
	}
	if (!cli_load_pack(common, error) || !cli_open_repo(&a.repo, common, error))
		return false;
	/* Auditing a local repository: objects were verified when they arrived. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	a.progress = !common->quiet && isatty(STDERR_FILENO);
	a.scan = scan_new(a.repo, common->pack);
	if (git_revwalk_new(&a.walk, a.repo) < 0) {
		gitwalk_set_error(error, "starting a history walk");
		goto out;
	}
	git_revwalk_sorting(a.walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (first_parent)
		git_revwalk_simplify_first_parent(a.walk);
	ok = cmd_audit_push(&a, argc == 2 ? argv[1] : NULL, error) && cmd_audit_walk(&a, findings, error);
out:
	git_revwalk_free(a.walk);
	scan_free(a.scan);
	git_repository_free(a.repo);
	return ok;
}

int cmd_audit(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	gboolean first_parent = FALSE;
	GOptionEntry entries[] = {
		{ "first-parent", 0, 0, G_OPTION_ARG_NONE, &first_parent,
		  "Follow only the first parent; compare merges with it", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[REV-RANGE]");
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	int status;

	g_option_context_set_summary(ctx, "Find every past commit that widened exposure, oldest first.");
	g_option_context_set_description(ctx, cmd_audit_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	cli_common_add(ctx, &common);
	if (!cli_parse(ctx, &argc, &argv, "audit"))
		return CLI_EXIT_ERROR;
	if (!cli_common_finish(&common, &error) ||
	    !cmd_audit_run(findings, &common, first_parent, argc, argv, &error))
		status = cli_fail(error);
	else
		status = cli_report(&common, findings);
	cli_common_clear(&common);
	return status;
}
