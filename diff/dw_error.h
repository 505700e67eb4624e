/*
 * dw_error.h - the engine's error domain and every input limit in one place.
 *
 * Expected failures the caller acts on get a code of their own; anything
 * else is DW_ERROR_FAILED with a one-line message that names the input
 * ("deploy/nsg.json:41: expected a port or range, got \"http\"").
 */
#ifndef DW_ERROR_H
#define DW_ERROR_H

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>

#define DW_ERROR (dw_error_quark())
GQuark dw_error_quark(void);

enum dw_error_code {
	DW_ERROR_FAILED,        /* anything else, with a message */
	DW_ERROR_PARSE,         /* malformed input: "path:line: what" */
	DW_ERROR_LIMIT,         /* input past one of the limits below */
	DW_ERROR_NOT_FOUND,     /* a revision, path or rule that does not exist */
	DW_ERROR_UNKNOWN_VALUE, /* a value that cannot be known statically */
	DW_ERROR_GIT,           /* libgit2 failed; message from git_error_last() */
	DW_ERROR_USAGE,         /* bad command-line use */
	DW_ERROR_NOT_READ,      /* infrastructure configuration no reader takes: "path: why" */
};

/*
 * The problems of one input, reported together (STYLE.md: report all
 * problems of one input in one run), one "path:line: what" per line; past
 * max (0: no cap) they are counted and summed up as "and N more problems".
 */
struct dw_problems {
	const char *path; /* borrowed */
	GString *text;
	unsigned count;
	unsigned max;
};

void dw_problems_init(struct dw_problems *p, const char *path, unsigned max);
void dw_problems_clear(struct dw_problems *p);
void dw_problems_vadd(struct dw_problems *p, unsigned line, const char *fmt, va_list ap)
	G_GNUC_PRINTF(3, 0);
/* One problem at line: "path:line: " then fmt. */
void dw_problems_add(struct dw_problems *p, unsigned line, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
/* False with DW_ERROR_PARSE listing them all when there were any. */
bool dw_problems_check(struct dw_problems *p, GError **error);

/*
 * Text from a repository made safe to print on a terminal or behind a
 * "remote: " line: control characters and bytes that are not UTF-8
 * become \xNN. New string.
 */
char *dw_escape(const char *s);

/*
 * Limits on hostile input. A pushed commit is parsed by the pre-receive
 * hook, so every size, depth and count is capped; past a cap the file is
 * reported as "could not be analysed", never truncated silently.
 */
#define DW_LIMIT_FILE_BYTES ((size_t)8 << 20)     /* per file, by default */
#define DW_LIMIT_FILE_BYTES_MIN ((size_t)1 << 10)  /* what --max-file-size may set */
#define DW_LIMIT_FILE_BYTES_MAX ((size_t)1 << 30)
#define DW_LIMIT_DEPTH 256u                        /* nesting of maps/lists */
#define DW_LIMIT_NODES ((size_t)1 << 20)          /* nodes after alias expansion */
#define DW_LIMIT_SCALAR_BYTES ((size_t)1 << 20)   /* one string */
/* Rules in one resource: Azure allows 1000 per NSG, AWS 60 per security
 * group (1000 with a quota increase); a set's size can grow with the
 * product of its rules' boundaries, so more is refused as hostile. */
#define DW_LIMIT_RULES 1024u  /* 1000 plus Azure's default rules */
#define DW_LIMIT_FILE_RULES 4096u                  /* rules in one file */
/* Line-based service configs (lineconf.h): words on one line; and the
 * database x user pairs a pg_hba.conf is evaluated for, each one a rule
 * list of its own. */
#define DW_LIMIT_CONF_WORDS 1024u
#define DW_LIMIT_HBA_KEYS 256u

/*
 * The per-file size limit every reader checks: DW_LIMIT_FILE_BYTES unless
 * set (--max-file-size, driftwatch.maxFileSize). Set it once, before any
 * thread reads files; it is read without a lock.
 */
size_t dw_limit_file_bytes(void);
void dw_limit_set_file_bytes(size_t bytes);
/* A size for it (dw_size_parse()), from DW_LIMIT_FILE_BYTES_MIN to _MAX. */
bool dw_limit_file_bytes_parse(size_t *out, const char *text);
/* "path: file is larger than 8 MiB" as a DW_ERROR_LIMIT. */
void dw_set_error_too_large(GError **error, const char *path, size_t limit);

/* "8 MiB", "512 KiB", "1000 bytes". New string. */
char *dw_size_format(size_t bytes);
/*
 * "8MiB", "8M", "512KiB", "512k", "1GiB", "4096" (bytes) -> *out; false
 * (with *out untouched) on anything else, or past SIZE_MAX.
 */
bool dw_size_parse(size_t *out, const char *text);

#endif
