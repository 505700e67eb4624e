/*
 * cmd_diff.c - driftwatch diff: exposure widened between two revisions,
 * by one commit, by the work tree, or between two files.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dw_error.h"
#include "dw_limits.h"
#include "doc.h"
#include "extract.h"
#include "scan.h"

static const char cmd_diff_help[] =
	"With two revisions, compares OLD with NEW (anything git rev-parse accepts).\n"
	"With one, compares that commit with its first parent.\n"
	"With none, compares the work tree (tracked and untracked config files) with\n"
	"HEAD, so it can run before a commit.\n"
	"With --files, compares two files outside any repository.\n"
	"With --plan, compares two Terraform plans in JSON (terraform show -json PLANFILE),\n"
	"every module and variable resolved; resources are named as in the .tf reader with\n"
	"the root module at \".\" (tf:.:aws_security_group.web). In a repository, a plan JSON\n"
	"committed beside its .tf files (*plan*.json) is read too, and where both give a\n"
	"resource the plan wins over evaluating the source.\n\n"
	"Examples:\n"
	"  driftwatch diff                     what the uncommitted changes widen\n"
	"  driftwatch diff HEAD                what the last commit widened\n"
	"  driftwatch diff main feature        what merging feature would widen\n"
	"  driftwatch diff --files old.json new.json --format json\n"
	"  driftwatch diff --plan main.json pr.json   what a pull request's plan widens\n\n"
	"Exit status: 0 nothing at or above --fail-on, 1 findings, 2 error.";

/* A file from disk, read as if it lived at logical_path. */
static bool cmd_diff_read_file(struct gitwalk_file **out, const char *disk_path,
                               const char *logical_path, GError **error)
{
	GBytes *data = NULL;

	if (!gitwalk_disk_read(&data, disk_path, dw_limit_file_bytes(), error))
		return false;
	*out = g_new0(struct gitwalk_file, 1);
	(*out)->path = g_strdup(logical_path);
	(*out)->data = data;
	return true;
}

/*
 * Both files are read under the new file's name, so that a resource whose
 * identity depends on its path (elasticsearch.yml) compares with itself.
 */
static bool cmd_diff_files(GPtrArray *findings, const struct rulepack *pack, const char *old_path,
                           const char *new_path, GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	struct gitwalk_change *c = g_new0(struct gitwalk_change, 1);
	g_autoptr(scan) s = scan_new(NULL, pack);

	g_ptr_array_add(changes, c);
	if (!cmd_diff_read_file(&c->old_file, old_path, new_path, error) ||
	    !cmd_diff_read_file(&c->new_file, new_path, new_path, error))
		return false;
	return scan_changes(s, findings, changes, NULL, NULL, error);
}

/* Is the file at path a Terraform plan in JSON? DW_ERROR_USAGE when not. */
static bool cmd_diff_is_plan(const char *path, GError **error)
{
	g_autoptr(GBytes) data = NULL;
	g_autoptr(doc) d = NULL;
	g_autoptr(GError) parse_error = NULL;
	gsize len;
	const char *bytes;

	if (!gitwalk_disk_read(&data, path, dw_limit_file_bytes(), error))
		return false;
	bytes = g_bytes_get_data(data, &len);
	if (doc_parse_json(&d, path, bytes ? bytes : "", len, NULL, &parse_error) && extract_tfplan_shape(d))
		return true;
	g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "%s is not a Terraform plan in JSON (%s)", path,
	            parse_error ? parse_error->message : "no format_version and planned_values; make one with "
	                                                 "terraform show -json PLANFILE");
	return false;
}

/* Two plans, read as one plan.json at the top of a repository. */
static bool cmd_diff_plans(GPtrArray *findings, const struct rulepack *pack, const char *old_path,
                           const char *new_path, GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	struct gitwalk_change *c;
	g_autoptr(scan) s = NULL;

	if (!cmd_diff_is_plan(old_path, error) || !cmd_diff_is_plan(new_path, error))
		return false;
	c = g_new0(struct gitwalk_change, 1);
	g_ptr_array_add(changes, c);
	s = scan_new(NULL, pack);
	if (!cmd_diff_read_file(&c->old_file, old_path, "plan.json", error) ||
	    !cmd_diff_read_file(&c->new_file, new_path, "plan.json", error))
		return false;
	return scan_changes(s, findings, changes, NULL, NULL, error);
}

static bool cmd_diff_commit(GPtrArray *findings, git_repository *repo, const struct rulepack *pack,
                            const char *rev, GError **error)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *commit = NULL, *parent = NULL;
	g_autoptr(scan) s = scan_new(repo, pack);
	bool ok = false;

	if (!gitwalk_rev_tree(&tree, &commit, repo, rev, error))
		return false;
	if (!commit) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "'%s' is not a commit", rev);
		goto out;
	}
	if (git_commit_parentcount(commit) > 0) {
		if (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0) {
			gitwalk_set_error(error, git_repository_is_shallow(repo)
			                             ? "reading the parent (a shallow clone ends here)"
			                             : "reading the parent commit");
			goto out;
		}
	}
	if (!scan_trees(s, findings, parent_tree, tree, error))
		goto out;
	cli_findings_set_commit(findings, 0, commit);
	ok = true;
out:
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(commit);
	git_commit_free(parent);
	return ok;
}

static bool cmd_diff_revs(GPtrArray *findings, git_repository *repo, const struct rulepack *pack,
                          const char *old_rev, const char *new_rev, GError **error)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	g_autoptr(scan) s = scan_new(repo, pack);
	bool ok = gitwalk_rev_tree(&old_tree, NULL, repo, old_rev, error) &&
	          gitwalk_rev_tree(&new_tree, NULL, repo, new_rev, error) &&
	          scan_trees(s, findings, old_tree, new_tree, error);

	git_tree_free(old_tree);
	git_tree_free(new_tree);
	return ok;
}

static bool cmd_diff_run(GPtrArray *findings, struct cli_common *common, gboolean files, gboolean plan,
                         int argc, char **argv, GError **error)
{
	const struct rulepack *pack;
	git_repository *repo = NULL;
	bool ok;

	if (files && plan) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--files and --plan do not go together");
		return false;
	}
	if (files || plan ? argc != 3 : argc > 3) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            files  ? "--files needs exactly two files"
		            : plan ? "--plan needs exactly two plan files"
		                   : "too many revisions (at most two)");
		return false;
	}
	if (!cli_load_pack(common, error))
		return false;
	pack = common->pack;
	if (files)
		return cmd_diff_files(findings, pack, argv[1], argv[2], error);
	if (plan)
		return cmd_diff_plans(findings, pack, argv[1], argv[2], error);
	if (!cli_open_repo(&repo, common, error))
		return false;
	if (argc == 1) {
		scan *s = scan_new(repo, pack);

		ok = scan_workdir(s, findings, error);
		scan_free(s);
	} else if (argc == 2) {
		ok = cmd_diff_commit(findings, repo, pack, argv[1], error);
	} else {
		ok = cmd_diff_revs(findings, repo, pack, argv[1], argv[2], error);
	}
	git_repository_free(repo);
	return ok;
}

int cmd_diff(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	gboolean files = FALSE, plan = FALSE;
	GOptionEntry entries[] = {
		{ "files", 0, 0, G_OPTION_ARG_NONE, &files, "Compare two files, outside any repository", NULL },
		{ "plan", 0, 0, G_OPTION_ARG_NONE, &plan,
		  "Compare two Terraform plans in JSON (terraform show -json PLANFILE)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[OLD [NEW]] | --files OLD_FILE NEW_FILE | --plan OLD.json NEW.json");
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	int status;

	g_option_context_set_summary(ctx, "Show the exposure a change widens.");
	g_option_context_set_description(ctx, cmd_diff_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	cli_common_add(ctx, &common);
	if (!cli_parse(ctx, &argc, &argv, "diff"))
		return CLI_EXIT_ERROR;
	if (!cli_common_finish(&common, &error) ||
	    !cmd_diff_run(findings, &common, files, plan, argc, argv, &error))
		status = cli_fail(error);
	else
		status = cli_report(&common, findings);
	cli_common_clear(&common);
	return status;
}
