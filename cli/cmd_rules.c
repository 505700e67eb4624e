/*
 * cmd_rules.c - driftwatch rules and driftwatch explain: the rule pack,
 * listed and in full.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dw_error.h"

static bool cmd_rules_load(struct cli_common *common, int *argc, char ***argv, const char *name,
                           const char *args, const char *summary, const GOptionEntry *more,
                           const char *description)
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
	if (description)
		g_option_context_set_description(ctx, description);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (more)
		g_option_context_add_main_entries(ctx, more, NULL);
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
	                    "List the rules of the rule pack: id, severity, title.", NULL, NULL)) {
		cli_common_clear(&common);
		return CLI_EXIT_ERROR;
	}
	pack = common.pack;
	for (guint i = 0; i < pack->rules->len; i++) {
		const struct rule *r = pack->rules->pdata[i];

		printf("%-12s %-8s %s\n", r->id, severity_name(r->severity), r->title);
	}
	cli_common_clear(&common);
	return CLI_EXIT_OK;
}

static int cmd_explain_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void cmd_explain_rule(const struct rule *r)
{
	printf("%s  %s\nseverity: %s\n\n%s\n\nremediation: %s\n", r->id, r->title,
	       severity_name(r->severity), r->rationale ? r->rationale : "",
	       r->remediation ? r->remediation : "");
	for (guint i = 0; i < r->references->len; i++)
		printf("%s %s\n", i == 0 ? "\nreferences:" : "           ", (char *)r->references->pdata[i]);
}

/* The Internet rules a grade maps to rule_id, sorted, ", " between; NULL when none. */
static char *cmd_explain_mapped_from(const struct public_grade *g, const char *rule_id)
{
	g_autoptr(GPtrArray) from = g_ptr_array_new();
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, g->rules);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		if (strcmp(value, rule_id) == 0)
			g_ptr_array_add(from, key);
	}
	if (from->len == 0)
		return NULL;
	g_ptr_array_sort(from, (GCompareFunc)cmd_explain_strcmp);
	g_ptr_array_add(from, NULL);
	return g_strjoinv(", ", (char **)from->pdata);
}

/*
 * How the pack's public-source grades touch rule r: the rule a grade
 * uses in its place, or the Internet rules it stands for in a grade.
 */
static void cmd_explain_grades(const struct rulepack *pack, const struct rule *r)
{
	for (guint i = 0; i < pack->public_grades->len; i++) {
		const struct public_grade *g = pack->public_grades->pdata[i];
		const char *to = g_hash_table_lookup(g->rules, r->id);
		g_autofree char *from = cmd_explain_mapped_from(g, r->id);

		if (to)
			printf("\nfrom %s (at most a /%u of IPv4 and a /%u of IPv6 addresses on a port), "
			       "%s instead\n", g->name, g->v4_prefix, g->v6_prefix, to);
		if (from)
			printf("\napplies to %s (at most a /%u of IPv4 and a /%u of IPv6 addresses on a port), "
			       "in place of %s\n", g->name, g->v4_prefix, g->v6_prefix, from);
	}
}

/* A finding id: "v" and 11 lowercase hex digits, or 12 of the old form. */
static bool cmd_explain_is_finding_id(const char *arg)
{
	size_t n = strlen(arg);

	for (size_t i = arg[0] == FINDING_ID_VERSION ? 1 : 0; i < n; i++) {
		if (!g_ascii_isxdigit(arg[i]) || g_ascii_isupper(arg[i]))
			return false;
	}
	return n == 12;
}

static void cmd_explain_line(const char *label, const char *value)
{
	g_autofree char *text = NULL;

	if (!value || !*value)
		return;
	text = cli_escape(value);
	printf("%-13s %s\n", label, text);
}

/* Prints one finding with its before/after, then its rule in full. */
static void cmd_explain_finding(const struct finding *f, const char *rule_id)
{
	g_autofree char *where = f->line ? g_strdup_printf("%s:%u", f->file, f->line) : g_strdup(f->file);
	g_autofree char *approval = finding_approval_text(f);
	g_autofree char *commit = f->commit ? g_strdup_printf("%.12s %s", f->commit,
	                                                      f->subject ? f->subject : "")
	                                    : NULL;
	g_autofree char *by = f->author ? g_strdup_printf("%s%s%s", f->author, f->date ? ", " : "",
	                                                  f->date ? f->date : "")
	                                : NULL;

	printf("finding %s: %s %s\n", f->id, rule_id, severity_name(f->severity));
	cmd_explain_line("resource:", f->resource);
	cmd_explain_line("file:", where);
	cmd_explain_line("commit:", commit);
	cmd_explain_line("by:", by);
	cmd_explain_line("now allowed:", f->after ? f->after : f->widened);
	cmd_explain_line("before:", f->before && *f->before ? f->before : (f->before ? "nothing" : NULL));
	cmd_explain_line("message:", f->message);
	if (approval) {
		g_autofree char *text = cli_escape(approval);

		printf("suppressed:   %s\n", text);
	}
	printf("\n");
	if (f->rule)
		cmd_explain_rule(f->rule);
	else
		printf("rule %s is not in this rule pack\n", rule_id);
}

static const char *cmd_explain_member(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
	               ? json_node_get_string(n)
	               : NULL;
}

/*
 * The finding id of a driftwatch JSON report, or NULL (error set when
 * unreadable); *rule_id is the report's rule id, which this pack may lack.
 */
static struct finding *cmd_explain_from_report(const struct rulepack *pack, const char *path,
                                               const char *id, char **rule_id, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;
	JsonObject *top;
	JsonArray *list;

	if (!json_parser_load_from_file(parser, path, error)) {
		g_prefix_error(error, "reading the report %s: ", path);
		return NULL;
	}
	root = json_parser_get_root(parser);
	top = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
	list = top && json_object_has_member(top, "findings") &&
	               JSON_NODE_HOLDS_ARRAY(json_object_get_member(top, "findings"))
	           ? json_object_get_array_member(top, "findings")
	           : NULL;
	if (!list) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
		            "%s: not a driftwatch JSON report (no \"findings\" list)", path);
		return NULL;
	}
	for (guint i = 0; i < json_array_get_length(list); i++) {
		JsonNode *n = json_array_get_element(list, i);
		JsonObject *o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		JsonObject *approval = NULL;
		const char *rule = cmd_explain_member(o, "rule");
		struct finding *f;
		JsonNode *line;

		if (g_strcmp0(cmd_explain_member(o, "id"), id) != 0 || !rule)
			continue;
		*rule_id = g_strdup(rule);
		f = finding_restore(rulepack_rule(pack, rule), id);
		severity_parse(&f->severity, cmd_explain_member(o, "severity"));
		f->resource = g_strdup(cmd_explain_member(o, "resource"));
		f->kind = g_strdup(cmd_explain_member(o, "kind"));
		f->file = g_strdup(cmd_explain_member(o, "file"));
		line = json_object_get_member(o, "line");
		if (line && JSON_NODE_HOLDS_VALUE(line) && json_node_get_value_type(line) == G_TYPE_INT64 &&
		    json_node_get_int(line) > 0 && json_node_get_int(line) <= G_MAXUINT)
			f->line = (unsigned)json_node_get_int(line);
		f->widened = g_strdup(cmd_explain_member(o, "widened"));
		f->before = g_strdup(cmd_explain_member(o, "before"));
		f->after = g_strdup(cmd_explain_member(o, "after"));
		f->message = g_strdup(cmd_explain_member(o, "message"));
		f->commit = g_strdup(cmd_explain_member(o, "commit"));
		f->author = g_strdup(cmd_explain_member(o, "author"));
		f->date = g_strdup(cmd_explain_member(o, "date"));
		f->subject = g_strdup(cmd_explain_member(o, "subject"));
		if (json_object_has_member(o, "approval") &&
		    JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "approval")))
			approval = json_object_get_object_member(o, "approval");
		if (approval) {
			f->suppressed = true;
			f->approval_reason = g_strdup(cmd_explain_member(approval, "reason"));
			f->approved_by = g_strdup(cmd_explain_member(approval, "approved_by"));
			f->approval_expires = g_strdup(cmd_explain_member(approval, "expires"));
			f->approval_comment = g_strdup(cmd_explain_member(approval, "comment"));
		}
		return f;
	}
	return NULL;
}

/* Finds the id in the report or in HEAD's history and explains it. */
static int cmd_explain_finding_id(struct cli_common *common, const char *report, const char *id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	const struct finding *found = NULL;
	g_autofree char *report_rule = NULL;

	if (report) {
		struct finding *f = cmd_explain_from_report(common->pack, report, id, &report_rule, &error);

		if (!f && error)
			return cli_fail(error);
		if (f)
			g_ptr_array_add(findings, f);
	} else if (!cli_audit_history(findings, common, NULL, &error)) {
		return cli_fail(error);
	}
	/* The latest occurrence: a finding can come back in a later commit. */
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (strcmp(f->id, id) == 0)
			found = f;
	}
	if (!found) {
		fprintf(stderr, "driftwatch explain: no finding %s in %s\n", id,
		        report ? report : "the history of HEAD");
		return CLI_EXIT_ERROR;
	}
	cmd_explain_finding(found, found->rule ? found->rule->id : report_rule);
	return CLI_EXIT_OK;
}

int cmd_explain(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	g_autofree char *report = NULL;
	const GOptionEntry more[] = {
		{ "repo", 'C', 0, G_OPTION_ARG_FILENAME, &common.repo_dir,
		  "Repository whose history holds FINDING-ID (default: the current one)", "DIR" },
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &report,
		  "A driftwatch JSON report (--format json) to take FINDING-ID from", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct rule *r;
	int status = CLI_EXIT_ERROR;

	if (!cmd_rules_load(&common, &argc, &argv, "explain", "RULE-ID | FINDING-ID",
	                    "Print one rule in full: why it matters and how to fix it; or one finding\n"
	                    "with what it lets in now and before, followed by its rule.",
	                    more,
	                    "FINDING-ID is the 12-character id of a finding ([v5c1d...] in text output, \"id\"\n"
	                    "in JSON). It is taken from --report FILE, else from auditing the history\n"
	                    "of HEAD in the repository (-C DIR).")) {
		cli_common_clear(&common);
		return CLI_EXIT_ERROR;
	}
	if (argc != 2) {
		fprintf(stderr, "driftwatch explain: name one rule, such as DW-NET-001, or one finding id\n");
		goto out;
	}
	r = rulepack_rule(common.pack, argv[1]);
	if (r) {
		cmd_explain_rule(r);
		cmd_explain_grades(common.pack, r);
		status = CLI_EXIT_OK;
	} else if (cmd_explain_is_finding_id(argv[1])) {
		status = cmd_explain_finding_id(&common, report, argv[1]);
	} else {
		fprintf(stderr, "driftwatch explain: no rule '%s'; 'driftwatch rules' lists them, and a "
		        "finding id is v and 11 hex digits\n", argv[1]);
	}
out:
	cli_common_clear(&common);
	return status;
}
