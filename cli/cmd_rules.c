/*
 * cmd_rules.c - driftwatch rules and driftwatch explain: the rule pack,
 * listed and in full.
 */
#include <stdio.h>

#include "cli.h"
#include "error.h"

static bool cmd_rules_load(struct cli_common *common, int *argc,
                           char ***argv, const char *name, const char *args, const char *summary)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(args);
	GOptionEntry entries[] = {
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME, &common->rules_path,
		  "Rule pack to use instead of the installed one", "FILE" },
		{ "extra-rules", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &common->extra_rules,
		  "Rule file layered on the pack (repeatable)", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GError) error = NULL;

	g_option_context_set_summary(ctx, summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!cli_parse(ctx, argc, argv, name))
		return false;
	if (!cli_load_pack(common, &error)) {
		cli_fail(error);
		return false;
	}
	return true;
}

int cmd_rules(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	const struct rulepack *pack;

	if (!cmd_rules_load(&common, &argc, &argv, "rules", "",
	                    "List the rules of the rule pack: id, severity, title."))
		return CLI_EXIT_ERROR;
	pack = common.pack;
	for (guint i = 0; i < pack->rules->len; i++) {
		const struct rule *r = pack->rules->pdata[i];

		printf("%-12s %-8s %s\n", r->id, severity_name(r->severity), r->title);
	}
	cli_common_clear(&common);
	return CLI_EXIT_OK;
}

int cmd_explain(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	const struct rule *r;

	if (!cmd_rules_load(&common, &argc, &argv, "explain", "RULE-ID",
	                    "Print one rule in full: why it matters and how to fix it."))
		return CLI_EXIT_ERROR;
	if (argc != 2) {
		fprintf(stderr, "driftwatch explain: name one rule, such as DW-NET-001\n");
		cli_common_clear(&common);
		return CLI_EXIT_ERROR;
	}
	r = rulepack_rule(common.pack, argv[1]);
	if (!r) {
		fprintf(stderr, "driftwatch explain: no rule '%s'; 'driftwatch rules' lists them\n", argv[1]);
		cli_common_clear(&common);
		return CLI_EXIT_ERROR;
	}
	printf("%s  %s\nseverity: %s\n\n%s\n\nremediation: %s\n", r->id, r->title,
	       severity_name(r->severity), r->rationale ? r->rationale : "",
	       r->remediation ? r->remediation : "");
	for (guint i = 0; i < r->references->len; i++)
		printf("%s %s\n", i == 0 ? "\nreferences:" : "           ", (char *)r->references->pdata[i]);
	cli_common_clear(&common);
	return CLI_EXIT_OK;
}
