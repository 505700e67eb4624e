/*
 * dw_error.h - the engine's error domain, its codes and problem lists.
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
	DW_ERROR_LIMIT,         /* input past one of the limits in dw_limits.h */
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

#endif
