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
#include <stdio.h>

#include "exposure.h"
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
	CLI_FORMAT_GITLAB_SAST, /* GitLab's SAST security report (report_gitlab.c) */
	CLI_FORMAT_JUNIT,       /* JUnit XML, one test case a finding (report_junit.c) */
	CLI_FORMAT_HTML,        /* one self-contained page with a timeline (report_html.c) */
};

/* "sarif" -> CLI_FORMAT_SARIF; false for an unknown name. */
bool cli_format_parse(enum cli_format *out, const char *name);

/* One --output: a report written to a file besides standard output. */
struct cli_output {
	enum cli_format format;
	char *path; /* owned */
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
	char **output_specs;  /* --output, repeatable: [FORMAT:]FILE */
	char *severity_name;  /* --severity: show findings at or above it */
	gboolean exit_zero;   /* --exit-zero: report, but exit 0 on findings */
	gboolean long_text;   /* --long: the full text layout, however many findings */
	gboolean compact;     /* --compact: one line a finding */
	gboolean quiet;       /* -q */
	gboolean verbose;     /* -v: show info findings (narrowing) too */
	/* resolved by cli_common_finish() */
	enum cli_format format;
	enum severity fail_on;
	enum severity show_from; /* the least severe finding shown, in every format */
	GArray *outputs;         /* struct cli_output, from output_specs */
	bool color;
	gint64 started;          /* g_get_monotonic_time() at cli_common_finish() */
	/* What the command judged, for the text summary: set by the command. */
	guint64 commits;         /* commits judged (audit), or 0 */
	guint64 cached;          /* of them, judged by an earlier audit (the audit cache) */
	char *history_note;      /* where a shallow history stops, or NULL; owned */
	char *stopped_at;        /* audit: the commit git failed on (hex), or NULL; owned */
	struct cli_windows *windows; /* audit: its exposure windows, or NULL; owned */
	/* audit: what still holds at the tip (struct finding *, each at its
	 * place there), or NULL; every format reports it with --open-at-tip,
	 * SARIF always (code scanning shows current lines); owned */
	GPtrArray *tip_findings;
	gboolean open_at_tip;
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
 * Prints findings (struct finding *) as the common options ask, to
 * standard output in --format and to each --output file in its own, and
 * returns the exit status: CLI_EXIT_FINDINGS when a finding that is not
 * approved reaches its threshold (cli_threshold()) and --exit-zero is not
 * given, CLI_EXIT_ERROR when an output file cannot be written. Each format
 * shows the findings at or above c->show_from (low by default; -v adds
 * info). When an audit set c->tip_findings, --open-at-tip shows and counts
 * those instead, and SARIF shows them always. A finding about a file
 * whatever the change (could not be checked, other than a parse failure:
 * never readable, not analysed) is kept once per rule and file: its
 * repeats are removed from findings.
 */
int cli_report(const struct cli_common *c, GPtrArray *findings);
/*
 * An audit's report written as its findings arrive, commit by commit, so
 * that they need not be held: text and JSON of every finding are written
 * as they come (JSON's "errors" and "windows", and the text's windows and
 * footer, at the end). A format that needs them whole (Markdown, GitLab,
 * JUnit, HTML) has them held; SARIF and --open-at-tip report what holds
 * at the tip (c->tip_findings), at the end. Output files are opened by
 * cli_stream_new(); an unwritable one is said at once and makes the exit
 * status an error.
 */
struct cli_stream;
struct cli_stream *cli_stream_new(const struct cli_common *c);
/* The next findings (commit order), taken from findings, which is left empty. */
void cli_stream_add(struct cli_stream *s, GPtrArray *findings);
/* Writes the rest (c->windows and c->tip_findings set), frees s; cli_report()'s exit status. */
int cli_stream_end(struct cli_stream *s);
/* Frees a stream not ended, closing its files as they are. */
void cli_stream_free(struct cli_stream *s);
/* Ends and frees the stream of an audit that stopped before the tip (why,
 * one line): streamed text and JSON are closed so that they still read
 * whole and say that they stop short; an --output file of a format written
 * only at the end is removed. s may be NULL. */
void cli_stream_stop(struct cli_stream *s, const char *why);
/* Is f shown under c's --severity / -v? */
bool cli_finding_shown(const struct cli_common *c, const struct finding *f);
/* SARIF 2.1.0 (report_sarif.c); tool.driver.rules is c->pack, which must be loaded. */
void cli_report_sarif(FILE *out, const struct cli_common *c, GPtrArray *findings);
/* A Markdown table for a merge-request comment (report_markdown.c), at
 * most CLI_MARKDOWN_MAX bytes, GitHub's limit for a comment. */
#define CLI_MARKDOWN_MAX 65536
void cli_report_markdown(FILE *out, const struct cli_common *c, GPtrArray *findings);
/* GitLab's SAST security report, schema 15.0.7 (report_gitlab.c). */
void cli_report_gitlab(FILE *out, const struct cli_common *c, GPtrArray *findings);
/* JUnit XML (report_junit.c): a test case per shown finding, failed when
 * it reaches --fail-on and is not approved. */
void cli_report_junit(FILE *out, const struct cli_common *c, GPtrArray *findings);
/* One self-contained HTML page (report_html.c): a timeline of c->windows per
 * resource, a summary, a paged sortable table of the shown findings with
 * their sets in full. Loads nothing from the network. */
void cli_report_html(FILE *out, const struct cli_common *c, GPtrArray *findings);
/* An exposure window (report_windows.c): how long a widening stayed open. */
struct cli_window_end {
	/* The commit that opened or closed it, and the finding's id; owned
	 * strings, all NULL for no commit. */
	char *commit, *author, *date, *subject, *finding;
};

struct cli_window {
	/* What opened it, as the opening finding said: the rule (the pack's),
	 * its severity, the resource, the region widened and what was let in
	 * after (network), or the setting's key. Strings are owned. */
	const struct rule *rule;
	enum severity severity;
	char *resource, *widened, *after, *setting_key;
	struct cli_window_end opened;
	struct cli_window_end closed; /* closed.commit NULL: open at the tip */
	bool is_closed;
	exposure *open;               /* a network window: what is still open; NULL for a setting */
	/* Open: the opening finding whole (owned until cli_windows_end(), which
	 * hands it to what holds at the tip; borrowed after); NULL once closed. */
	struct finding *opening;
	guint64 seq;                  /* the opening finding's place in the audit's order */
	GList *link;                  /* open: its place among the windows' open ones */
	char *tip_file;               /* open at the tip: where it stands there, or NULL; owned */
	unsigned tip_line;
	double days;                  /* opened to closed, or to the tip's date while open */
};

/* A finding that opens no window, held for the tip (owned), and its place in the audit's order. */
struct cli_windows_held {
	guint64 seq;
	struct finding *finding;
};

/*
 * The windows of an audit, built as its findings arrive in commit order
 * (cli_windows_add), so that no finding need be held for them. Only the
 * open windows are kept in memory, each with its opening finding whole: a
 * window that closes is written out at once as a record, to a temporary
 * file (in memory when none can be made), and only where it is and how
 * long it lasted stay (32 bytes a window), so
 * memory follows what is open, not the length of the history. Read back a
 * window at a time for the report (cli_windows_nth).
 */
struct cli_windows {
	GQueue *open_order;     /* struct cli_window *, owned: the open ones, in the order they opened */
	GHashTable *open;       /* resource -> GPtrArray of its open windows (borrowed) */
	GPtrArray *opened;      /* after cli_windows_end(): the open ones, longest first (borrowed) */
	GArray *closed;         /* struct cli_windows_closed; after cli_windows_end(): longest first */
	FILE *spill;            /* the closed windows' records, or NULL when it could not be made */
	guint64 spill_size;
	char *spill_error;      /* why it could not be made */
	bool spill_full;        /* it took no more (or was never made): records takes the rest */
	GByteArray *records;    /* the records the file could not take */
	struct cli_window *read;/* the closed window cli_windows_nth() read last; owned */
	/* Kept for what holds at the tip when keep_tip: every finding above
	 * info that opens no window, in commit order. */
	GArray *held;           /* struct cli_windows_held */
	guint64 seq;            /* findings added */
	bool keep_tip, ended;
	const srcset *internet; /* the pack's: what an Internet finding's window follows; NULL: all */
};

/* Closed windows listed in text after the open ones. */
#define CLI_WINDOWS_CLOSED_SHOWN 10

/*
 * New windows. keep_tip: also keep what may still hold at the tip besides
 * the open windows (every finding above info that opens no window: a file
 * that could not be checked, an unknown); only SARIF and --open-at-tip
 * report it, and it grows with the history.
 */
struct cli_windows *cli_windows_new(const srcset *internet, bool keep_tip);
/* The next finding of the audit (commit order, info included). */
void cli_windows_add(struct cli_windows *ws, const struct finding *f);
/*
 * Ends the history at the tip (tip_time: the tip commit's, seconds since
 * the epoch; an open window's days run to it): sorts the windows, open
 * first, and returns what still holds at the tip, in commit order (the
 * opening findings of open windows, and with keep_tip every finding above
 * info that opens no window); a new array that owns them (open windows
 * keep borrowing their opening findings).
 */
GPtrArray *cli_windows_end(struct cli_windows *ws, gint64 tip_time);
void cli_windows_free(struct cli_windows *ws);
/* How many windows there are, open and closed. */
guint cli_windows_len(const struct cli_windows *ws);
/* Whether ws (may be NULL) reached the tip (cli_windows_end()): an audit that
 * stopped before it reports no windows, not the ones it had so far. */
bool cli_windows_ended(const struct cli_windows *ws);
/*
 * After cli_windows_end(): the window at index i of the report's order,
 * open first (longest first), then closed (longest first). A closed one is
 * read back and valid until the next call; NULL (said on stderr) when its
 * record cannot be read.
 */
const struct cli_window *cli_windows_nth(struct cli_windows *ws, guint i);
/* The text section and the JSON "windows" member, when c->windows is set. */
void cli_windows_text(FILE *out, const struct cli_common *c, bool compact);
void cli_windows_json(JsonBuilder *b, const struct cli_common *c);
/* One window's object of that member, added to b. */
void cli_window_json(JsonBuilder *b, const struct cli_window *w);

/* The threshold a finding is judged by: --fail-on, else its policy's, else high. */
enum severity cli_threshold(const struct cli_common *c, const struct finding *f);

/* Adds a string member (skipped when value is NULL), made valid UTF-8:
 * JSON strings must be, and bytes from a repository need not be. */
void cli_json_member(JsonBuilder *b, const char *name, const char *value);
/* Adds the members of one finding of the JSON report (report.c's schema) to an open object. */
void cli_json_finding_members(JsonBuilder *b, const struct finding *f);
/* Is this finding a file that could not be parsed (DW-PARSE-001, -004)? */
bool cli_finding_is_parse_failure(const struct finding *f);

/* Adds the "errors" member: the files among findings that could not be analysed. */
void cli_json_errors(JsonBuilder *b, GPtrArray *findings);
/* Prints the document built in b, pretty, with a final newline, to
 * standard output (cli_json_print) or to out. */
void cli_json_print(JsonBuilder *b);
void cli_json_write(FILE *out, JsonBuilder *b);

/* A printed set with each source list cut after keep sources, "and N
 * more" in their place (text; JSON has them whole). New string. */
char *cli_text_cut(const char *set, guint keep);

/* s cut to at most width characters, with "…" where it was cut. New string. */
char *cli_text_fit(const char *s, glong width);

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
