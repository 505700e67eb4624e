/*
 * cmd_formats.c - driftwatch formats: what driftwatch reads and what it
 * only recognises, and how it tells (diff/extract_formats.c's table, the
 * one dispatch uses).
 */
#include <stdio.h>

#include "cli.h"
#include "extract.h"

static void cmd_formats_print(const struct extract_format_info *f, bool first)
{
	printf("%s%s\n", first ? "" : "\n", f->name);
	printf("  files:     %s\n", f->files);
	printf("  detected:  %s\n", f->detection);
	if (f->not_read) {
		printf("  not read:  %s\n", f->not_read);
		return;
	}
	printf("  reads:     %s\n", f->reads);
	printf("  identity:  %s\n", f->identity);
}

int cmd_formats(int argc, char **argv, const char *exe_path)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("");
	GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
	const struct extract_format_info *f;

	g_option_context_set_summary(ctx, "List the formats driftwatch reads, how it recognises "
	                                  "each file, and what it takes from it; then the formats it "
	                                  "only recognises.");
	g_option_context_set_description(ctx,
		"A file at a path no format names is never read from git (it costs\n"
		"nothing). A file of a format read that cannot be parsed could not be\n"
		"checked: DW-PARSE-001 when it was read at the parent, else DW-PARSE-004.\n"
		"A file of a format only recognised is not analysed: DW-PARSE-005, once.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, &argc, &argv, "formats"))
		return CLI_EXIT_ERROR;
	if (argc > 1) {
		fprintf(stderr, "driftwatch formats: no arguments expected\n");
		return CLI_EXIT_ERROR;
	}
	printf("Read:\n\n");
	for (size_t i = 0, shown = 0; (f = extract_format_nth(i)) != NULL; i++) {
		if (!f->not_read)
			cmd_formats_print(f, shown++ == 0);
	}
	printf("\nRecognised, not read (reported as not analysed, DW-PARSE-005):\n\n");
	for (size_t i = 0, shown = 0; (f = extract_format_nth(i)) != NULL; i++) {
		if (f->not_read)
			cmd_formats_print(f, shown++ == 0);
	}
	return CLI_EXIT_OK;
}
