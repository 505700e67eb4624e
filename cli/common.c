/*
 * common.c - options and setup shared by the analysing subcommands.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dw_error.h"
#include "dw_escape.h"
#include "dw_limits.h"
#include "gitwalk.h"
#include "scan.h"
#include "walk.h"

void cli_common_add(GOptionContext *ctx, struct cli_common *c)
{
	GOptionEntry entries[] = {
		{ "repo", 'C', 0, G_OPTION_ARG_FILENAME, &c->repo_dir,
		  "Repository to read (default: the one containing the current directory)", "DIR" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &c->format_name,
		  "Output format: text (default), json, sarif (SARIF 2.1.0), markdown (a table), "
		  "gitlab-sast (GitLab's SAST report), junit (JUnit XML) or html (a page with a timeline)",
		  "FORMAT" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &c->output_specs,
		  "Also write the report to FILE, in FORMAT or as FILE's extension says (.json, .sarif, "
		  ".md, .xml for JUnit, .html, .txt); repeatable", "[FORMAT:]FILE" },
		{ "fail-on", 0, 0, G_OPTION_ARG_STRING, &c->fail_on_name,
		  "Exit 1 when a finding is at least this severe: critical, high (default), medium, low, info",
		  "SEVERITY" },
		{ "severity", 0, 0, G_OPTION_ARG_STRING, &c->severity_name,
		  "Show findings at least this severe (default low; -v is info); the exit status still "
		  "follows --fail-on", "SEVERITY" },
		{ "exit-zero", 0, 0, G_OPTION_ARG_NONE, &c->exit_zero,
		  "Exit 0 even when findings reach --fail-on (report only); errors still exit 2", NULL },
		{ "compact", 0, 0, G_OPTION_ARG_NONE, &c->compact,
		  "Text: one line a finding (the default on a terminal past 10 findings)", NULL },
		{ "long", 0, 0, G_OPTION_ARG_NONE, &c->long_text,
		  "Text: every finding in full, with its sets, however many there are", NULL },
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME, &c->rules_path,
		  "Rule pack to use instead of the installed one", "FILE" },
		{ "extra-rules", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &c->extra_rules,
		  "Rule file layered on the pack: sensitive ports, Internet exclusions, severities and "
		  "texts (repeatable)", "FILE" },
		{ "color", 0, 0, G_OPTION_ARG_STRING, &c->color_name,
		  "Colour text output: auto (default, only on a terminal), always, never", "WHEN" },
		{ "max-file-size", 0, 0, G_OPTION_ARG_STRING, &c->max_file_size,
		  "Report files larger than SIZE as not analysed instead of reading them: 1KiB to 1GiB "
		  "(default 8MiB)", "SIZE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &c->quiet, "Print nothing; exit status only", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &c->verbose,
		  "Also show info findings (narrowed exposure)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GOptionGroup *group = g_option_group_new("common", "Output and policy options:",
	                                         "Show output and policy options", NULL, NULL);

	g_option_group_add_entries(group, entries);
	g_option_context_add_group(ctx, group);
}

/* The formats by name, and the file extension that implies each. */
static const struct {
	const char *name;
	const char *extension;
	enum cli_format format;
} cli_formats[] = {
	{ "text", ".txt", CLI_FORMAT_TEXT },
	{ "json", ".json", CLI_FORMAT_JSON },
	{ "sarif", ".sarif", CLI_FORMAT_SARIF },
	{ "markdown", ".md", CLI_FORMAT_MARKDOWN },
	{ "gitlab-sast", NULL, CLI_FORMAT_GITLAB_SAST },
	{ "junit", ".xml", CLI_FORMAT_JUNIT },
	{ "html", ".html", CLI_FORMAT_HTML },
};

#define CLI_FORMAT_NAMES "text, json, sarif, markdown, gitlab-sast, junit, html"

bool cli_format_parse(enum cli_format *out, const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cli_formats); i++) {
		if (strcmp(name, cli_formats[i].name) == 0) {
			*out = cli_formats[i].format;
			return true;
		}
	}
	return false;
}

/* "sarif:out.sarif", or "out.sarif" by its extension (longest match, so
 * that "gl-sast.json" may name a format of its own one day). */
static bool cli_output_parse(struct cli_output *out, const char *spec, GError **error)
{
	const char *colon = strchr(spec, ':');
	g_autofree char *name = colon ? g_strndup(spec, colon - spec) : NULL;

	if (name && cli_format_parse(&out->format, name)) {
		out->path = g_strdup(colon + 1);
	} else {
		bool found = false;

		for (size_t i = 0; i < G_N_ELEMENTS(cli_formats) && !found; i++) {
			found = cli_formats[i].extension && g_str_has_suffix(spec, cli_formats[i].extension);
			if (found)
				out->format = cli_formats[i].format;
		}
		if (!found) {
			g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
			            "--output %s: name a format as FORMAT:FILE (" CLI_FORMAT_NAMES
			            "), or end the file name in .json, .sarif, .md, .xml, .html or .txt", spec);
			return false;
		}
		out->path = g_strdup(spec);
	}
	if (!*out->path) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--output %s: no file name", spec);
		g_clear_pointer(&out->path, g_free);
		return false;
	}
	return true;
}

static void cli_output_clear(struct cli_output *o)
{
	g_free(o->path);
}

static bool cli_common_outputs(struct cli_common *c, GError **error)
{
	c->outputs = g_array_new(FALSE, TRUE, sizeof(struct cli_output));
	g_array_set_clear_func(c->outputs, (GDestroyNotify)cli_output_clear);
	for (char **spec = c->output_specs; spec && *spec; spec++) {
		struct cli_output o = { 0 };

		if (!cli_output_parse(&o, *spec, error))
			return false;
		g_array_append_val(c->outputs, o);
	}
	return true;
}

static bool cli_severity_option(enum severity *out, const char *option, const char *value,
                                GError **error)
{
	if (value && !severity_parse(out, value)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "%s: unknown severity '%s' (critical, high, medium, low, info)", option, value);
		return false;
	}
	return true;
}

bool cli_common_finish(struct cli_common *c, GError **error)
{
	const char *fmt = c->format_name ? c->format_name : "text";
	const char *color = c->color_name ? c->color_name : "auto";

	c->started = g_get_monotonic_time();
	if (!cli_format_parse(&c->format, fmt)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "unknown format '%s' (" CLI_FORMAT_NAMES ")",
		            fmt);
		return false;
	}
	if (!cli_common_outputs(c, error))
		return false;
	if (c->max_file_size && !cli_set_max_file_size(c->max_file_size, error))
		return false;
	c->fail_on = SEVERITY_HIGH;
	c->show_from = c->verbose ? SEVERITY_INFO : SEVERITY_LOW;
	if (!cli_severity_option(&c->fail_on, "--fail-on", c->fail_on_name, error) ||
	    !cli_severity_option(&c->show_from, "--severity", c->severity_name, error))
		return false;
	if (c->compact && c->long_text) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--compact and --long exclude each other");
		return false;
	}
	if (strcmp(color, "always") == 0) {
		c->color = true;
	} else if (strcmp(color, "never") == 0) {
		c->color = false;
	} else if (strcmp(color, "auto") == 0) {
		const char *term = g_getenv("TERM");

		c->color = isatty(STDOUT_FILENO) && !g_getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
	} else {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "unknown --color '%s' (auto, always, never)",
		            color);
		return false;
	}
	return true;
}

bool cli_set_max_file_size(const char *text, GError **error)
{
	size_t bytes;

	if (!dw_limit_file_bytes_parse(&bytes, text)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "--max-file-size '%s': expected a size from 1KiB to 1GiB, such as 16MiB", text);
		return false;
	}
	dw_limit_set_file_bytes(bytes);
	return true;
}

void cli_common_clear(struct cli_common *c)
{
	g_clear_pointer(&c->repo_dir, g_free);
	g_clear_pointer(&c->format_name, g_free);
	g_clear_pointer(&c->fail_on_name, g_free);
	g_clear_pointer(&c->rules_path, g_free);
	g_clear_pointer(&c->extra_rules, g_strfreev);
	g_clear_pointer(&c->color_name, g_free);
	g_clear_pointer(&c->max_file_size, g_free);
	g_clear_pointer(&c->output_specs, g_strfreev);
	g_clear_pointer(&c->severity_name, g_free);
	g_clear_pointer(&c->outputs, g_array_unref);
	g_clear_pointer(&c->history_note, g_free);
	g_clear_pointer(&c->stopped_at, g_free);
	g_clear_pointer(&c->tip_findings, g_ptr_array_unref);
	g_clear_pointer(&c->windows, cli_windows_free);
	g_clear_pointer(&c->pack, rulepack_free);
}

bool cli_open_repo(git_repository **out, const struct cli_common *c, GError **error)
{
	const char *dir = c->repo_dir ? c->repo_dir : ".";

	if (git_repository_open_ext(out, dir, 0, NULL) < 0) {
		g_autofree char *what = g_strdup_printf("opening a git repository at %s", dir);

		gitwalk_set_error(error, what);
		return false;
	}
	return true;
}

bool cli_load_pack(struct cli_common *c, GError **error)
{
	g_autofree char *path = c->rules_path ? g_strdup(c->rules_path)
	                                      : rulepack_default_path(c->exe_path);

	g_autofree char *user = g_build_filename(g_get_user_config_dir(), "driftwatch", "rules.yml", NULL);

	if (!rulepack_load(&c->pack, path, error))
		return false;
	if (g_file_test(user, G_FILE_TEST_EXISTS) && !rulepack_overlay(c->pack, user, error))
		return false;
	for (char **extra = c->extra_rules; extra && *extra; extra++) {
		if (!rulepack_overlay(c->pack, *extra, error))
			return false;
	}
	return true;
}

char *cli_escape(const char *s)
{
	return dw_escape(s);
}

void cli_findings_set_commit(GPtrArray *findings, guint start, git_commit *commit)
{
	walk_set_commit(findings, start, commit);
	scan_commit_approvals(findings, start, commit);
}

bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, const char *command)
{
	g_autoptr(GError) error = NULL;

	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		fprintf(stderr, "driftwatch %s: %s\nTry 'driftwatch %s --help'.\n", command, error->message,
		        command);
		return false;
	}
	return true;
}

int cli_fail(const GError *error)
{
	fprintf(stderr, "driftwatch: %s\n", error->message);
	return CLI_EXIT_ERROR;
}
