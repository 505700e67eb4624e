/*
 * extract_private.h - what the extractors share: collecting every problem
 * of one input, and quoting a value in a message.
 */
#ifndef DW_EXTRACT_PRIVATE_H
#define DW_EXTRACT_PRIVATE_H

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>

/* Problems listed per file before "and N more problems". */
#define EXTRACT_MAX_PROBLEMS 20u
/* Characters of a value quoted in a message. */
#define EXTRACT_QUOTE_MAX 80

/*
 * The problems of one input, reported together (STYLE.md: report all
 * problems of one input in one run), one "path:line: what" per line.
 */
struct extract_problems {
	const char *path; /* borrowed */
	GString *text;
	unsigned count;
};

void extract_problems_init(struct extract_problems *p, const char *path);
void extract_problems_clear(struct extract_problems *p);
void extract_problems_vadd(struct extract_problems *p, unsigned line, const char *fmt, va_list ap)
	G_GNUC_PRINTF(3, 0);
/* False with DW_ERROR_PARSE listing them all when there were any. */
bool extract_problems_check(struct extract_problems *p, GError **error);

/* A value quoted in a message: cut to EXTRACT_QUOTE_MAX, without line breaks. New string. */
char *extract_quote(const char *text);

#endif
