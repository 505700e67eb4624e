/*
 * cmd_surface.c - driftwatch surface: the exposure of every resource at
 * one revision, canonically printed.
 */
#include <stdio.h>

#include "cli.h"
#include "dw_error.h"
#include "scan.h"

static const char cmd_surface_help[] =
	"Prints, for every security group, network security group and service\n"
	"settings file at REV (default HEAD), what it lets in, as the shortest list\n"
	"of protocols, ports and CIDRs. Files that cannot be analysed are listed\n"
	"and make the exit status 1.\n\n"
	"Examples:\n"
	"  driftwatch surface\n"
	"  driftwatch surface v1.2 --format json";

static void cmd_surface_text(const struct resource *r)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autofree char *set = exposure_to_string(e);
	g_autofree char *id = cli_escape(r->identity);
	g_autofree char *file = cli_escape(r->file);

	printf("%s  %s:%u\n", id, file, r->line);
	if (r->model != RESOURCE_SETTINGS)
		printf("  allows: %s\n", set);
	for (guint i = 0; i < r->settings->len; i++) {
		const struct resource_setting *s = r->settings->pdata[i];
		g_autofree char *raw = cli_escape(s->raw);

		printf("  %s: %s  (line %u: %s)\n", s->key, s->value, s->line, raw);
	}
	for (guint i = 0; i < r->unknowns->len; i++) {
		const struct resource_unknown *u = r->unknowns->pdata[i];
		g_autofree char *what = cli_escape(u->what);

		printf("  unknown (line %u): %s\n", u->line, what);
	}
}

static void cmd_surface_json_resource(JsonBuilder *b, const struct resource *r)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autofree char *set = exposure_to_string(e);

	json_builder_begin_object(b);
	cli_json_member(b, "resource", r->identity);
	cli_json_member(b, "kind", r->kind);
	cli_json_member(b, "file", r->file);
	json_builder_set_member_name(b, "line");
	json_builder_add_int_value(b, r->line);
	cli_json_member(b, "allows", set);
	json_builder_set_member_name(b, "settings");
	json_builder_begin_object(b);
	for (guint i = 0; i < r->settings->len; i++) {
		const struct resource_setting *s = r->settings->pdata[i];

		cli_json_member(b, s->key, s->value);
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "unknowns");
	json_builder_begin_array(b);
	for (guint i = 0; i < r->unknowns->len; i++)
		json_builder_add_string_value(b, ((struct resource_unknown *)r->unknowns->pdata[i])->what);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void cmd_surface_json(GPtrArray *resources, GPtrArray *failures)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "resources");
	json_builder_begin_array(b);
	for (guint i = 0; i < resources->len; i++)
		cmd_surface_json_resource(b, resources->pdata[i]);
	json_builder_end_array(b);
	cli_json_errors(b, failures);
	json_builder_end_object(b);
	cli_json_print(b);
}

static gint cmd_surface_cmp(gconstpointer a, gconstpointer b)
{
	const struct resource *ra = *(const struct resource *const *)a;
	const struct resource *rb = *(const struct resource *const *)b;

	return g_strcmp0(ra->identity, rb->identity);
}

static bool cmd_surface_run(GPtrArray *resources, GPtrArray *failures, struct cli_common *common,
                            int argc, char **argv, GError **error)
{
	git_repository *repo = NULL;
	git_tree *tree = NULL;
	scan *s = NULL;
	bool ok = false;

	if (argc > 2) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "at most one revision");
		return false;
	}
	/* SARIF and Markdown describe findings; a surface has none. */
	if (common->format != CLI_FORMAT_TEXT && common->format != CLI_FORMAT_JSON) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "surface prints text or json");
		return false;
	}
	if (!cli_load_pack(common, error) || !cli_open_repo(&repo, common, error))
		return false;
	if (!gitwalk_rev_tree(&tree, NULL, repo, argc == 2 ? argv[1] : "HEAD", error))
		goto out;
	s = scan_new(repo, common->pack);
	ok = scan_surface(s, resources, failures, tree, error);
	g_ptr_array_sort(resources, cmd_surface_cmp);
out:
	scan_free(s);
	git_tree_free(tree);
	git_repository_free(repo);
	return ok;
}

int cmd_surface(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	g_autoptr(GOptionContext) ctx = g_option_context_new("[REV]");
	g_autoptr(GPtrArray) resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	int status = CLI_EXIT_OK;

	g_option_context_set_summary(ctx, "Show what every resource lets in at one revision.");
	g_option_context_set_description(ctx, cmd_surface_help);
	cli_common_add(ctx, &common);
	if (!cli_parse(ctx, &argc, &argv, "surface"))
		return CLI_EXIT_ERROR;
	if (!cli_common_finish(&common, &error) ||
	    !cmd_surface_run(resources, failures, &common, argc, argv, &error)) {
		cli_common_clear(&common);
		return cli_fail(error);
	}
	if (failures->len)
		status = CLI_EXIT_FINDINGS;
	if (!common.quiet && common.format == CLI_FORMAT_JSON) {
		cmd_surface_json(resources, failures);
	} else if (!common.quiet) {
		for (guint i = 0; i < resources->len; i++)
			cmd_surface_text(resources->pdata[i]);
		for (guint i = 0; i < failures->len; i++) {
			const struct finding *f = failures->pdata[i];
			g_autofree char *msg = cli_escape(f->message);

			printf("%s\n", msg);
		}
	}
	cli_common_clear(&common);
	return status;
}
