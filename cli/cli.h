/*
 * cli.h - what the subcommands share: the command table, common options,
 * opening the repository and the rule pack, and reporting.
 */
#ifndef DW_CLI_H
#define DW_CLI_H

#include <git2.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

#include "rulepack.h"

/* Exit statuses; stable, documented in driftwatch(1). */
enum cli_exit {
	CLI_EXIT_OK = 0,        /* nothing at or above the threshold */
	CLI_EXIT_FINDINGS = 1,  /* findings at or above the threshold */
	CLI_EXIT_ERROR = 2,     /* usage or internal error, message on stderr */
};

enum cli_format {
	CLI_FORMAT_TEXT,
	CLI_FORMAT_JSON,
	CLI_FORMAT_SARIF,
	CLI_FORMAT_MARKDOWN,
};

/* Options every analysing subcommand takes. */
struct cli_common {
	char *repo_dir;       /* -C */
	char *format_name;    /* --format */
	char *fail_on_name;   /* --fail-on */
	char *rules_path;     /* --rules */
	char **extra_rules;   /* --extra-rules, repeatable: rule files layered on the pack */
	char *color_name;     /* --color */
	char *max_file_size;  /* --max-file-size */
	gboolean quiet;       /* -q */
	gboolean verbose;     /* -v: show info findings (narrowing) too */
	/* resolved by cli_common_finish() */
	enum cli_format format;
	enum severity fail_on;
	bool color;
	const char *exe_path;
	struct rulepack *pack; /* loaded by cli_load_pack(); findings borrow its rules */
};

/* Adds the common options to a subcommand's context. */
void cli_common_add(GOptionContext *ctx, struct cli_common *c);
/* Checks and resolves them after parsing. */
bool cli_common_finish(struct cli_common *c, GError **error);
void cli_common_clear(struct cli_common *c);
/* --max-file-size SIZE: sets the per-file limit, or fails with a usage error. */
bool cli_set_max_file_size(const char *text, GError **error);

bool cli_open_repo(git_repository **out, const struct cli_common *c, GError **error);
/*
 * Loads the rule pack into c->pack, then layers on it the user's rule file
 * ($XDG_CONFIG_HOME/driftwatch/rules.yml, when it exists) and every
 * --extra-rules file, in that order; it lives until cli_common_clear().
 */
bool cli_load_pack(struct cli_common *c, GError **error);

/*
 * Prints findings (struct finding *) as the common options ask and
 * returns the exit status they give. Info findings are shown only with -v
 * (text, SARIF, Markdown) and always in JSON. A finding about a file
 * whatever the change (never readable, not analysed) is kept once per
 * rule and file: its repeats are removed from findings.
 */
int cli_report(const struct cli_common *c, GPtrArray *findings);
/* SARIF 2.1.0 (report_sarif.c); tool.driver.rules is c->pack, which must be loaded. */
void cli_report_sarif(const struct cli_common *c, GPtrArray *findings);
/* A Markdown table for a merge-request comment (report_markdown.c). */
void cli_report_markdown(const struct cli_common *c, GPtrArray *findings);

/* Adds a string member (skipped when value is NULL), made valid UTF-8:
 * JSON strings must be, and bytes from a repository need not be. */
void cli_json_member(JsonBuilder *b, const char *name, const char *value);
/* Adds the members of one finding of the JSON report (report.c's schema) to an open object. */
void cli_json_finding_members(JsonBuilder *b, const struct finding *f);
/* Is this finding a file that could not be parsed (DW-PARSE-001, -004)? */
bool cli_finding_is_parse_failure(const struct finding *f);

/* Adds the "errors" member: the files among findings that could not be analysed. */
void cli_json_errors(JsonBuilder *b, GPtrArray *findings);
/* Prints the document built in b, pretty, with a final newline. */
void cli_json_print(JsonBuilder *b);

/* Escapes control characters and non-UTF-8 bytes from a repository. */
char *cli_escape(const char *s);

/* Fills the commit fields of every finding from index start on. */
void cli_findings_set_commit(GPtrArray *findings, guint start, git_commit *commit);

/*
 * The findings of `driftwatch audit RANGE` (NULL: HEAD) in the repository
 * of common (-C), with the same walk; loads common->pack unless loaded.
 */
bool cli_audit_history(GPtrArray *findings, struct cli_common *common, const char *range,
                       GError **error);

/* One subcommand. */
struct cli_command {
	const char *name;
	const char *args;     /* "[OLD [NEW]]" */
	const char *summary;  /* one line, for `driftwatch help` */
	int (*run)(int argc, char **argv, const char *exe_path);
};

int cmd_diff(int argc, char **argv, const char *exe_path);
int cmd_audit(int argc, char **argv, const char *exe_path);
int cmd_surface(int argc, char **argv, const char *exe_path);
int cmd_rules(int argc, char **argv, const char *exe_path);
int cmd_explain(int argc, char **argv, const char *exe_path);
int cmd_watch(int argc, char **argv, const char *exe_path);
int cmd_history(int argc, char **argv, const char *exe_path);
int cmd_formats(int argc, char **argv, const char *exe_path);
int cmd_hook(int argc, char **argv, const char *exe_path);
int cmd_install_hook(int argc, char **argv, const char *exe_path);

/* Parses a subcommand's options; prints usage errors; returns false to exit 2. */
bool cli_parse(GOptionContext *ctx, int *argc, char ***argv, const char *command);
/* Prints an error as "driftwatch: message" and returns CLI_EXIT_ERROR. */
int cli_fail(const GError *error);

#endif
