/*
 * cmd_formats.c - driftwatch formats: what driftwatch recognises and how
 * (diff/extract_formats.c's table).
 */
#include <stdio.h>

#include "cli.h"
#include "extract.h"

int cmd_formats(int argc, char **argv, const char *exe_path)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("");
	GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
	const struct extract_format_info *formats;
	size_t n;

	g_option_context_set_summary(ctx, "List the formats driftwatch reads, how it recognises "
	                                  "each file, and what it takes from it.");
	g_option_context_set_description(ctx,
		"A file at a path no format reads is never read from git (it costs\n"
		"nothing); a file of ours that cannot be analysed is a DW-PARSE-001 finding.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "formats"))
		return CLI_EXIT_ERROR;
	if (argc > 1) {
		fprintf(stderr, "driftwatch formats: no arguments expected\n");
		return CLI_EXIT_ERROR;
	}
	formats = extract_formats(&n);
	for (size_t i = 0; i < n; i++) {
		printf("%s%s\n", i ? "\n" : "", formats[i].name);
		printf("  files:     %s\n", formats[i].files);
		printf("  detected:  %s\n", formats[i].detection);
		printf("  reads:     %s\n", formats[i].reads);
		printf("  identity:  %s\n", formats[i].identity);
	}
	return CLI_EXIT_OK;
}
