/*
 * lineconf.h - the line-based configuration files of services (redis.conf,
 * sshd_config, postgresql.conf, pg_hba.conf) split into lines of words,
 * each as the program itself would split it. Private to diff/.
 */
#ifndef DW_LINECONF_H
#define DW_LINECONF_H

#include <glib.h>
#include <stdbool.h>

enum lineconf_dialect {
	/* redis.conf (Redis config.c, sdssplitargs): '#' comments a whole
	 * line only; "..." with \n \r \t \b \a \xHH escapes, '...' with \'
	 * only; a closing quote must end the word. */
	LINECONF_REDIS,
	/* sshd_config (OpenSSH servconf.c, argv_split): a word starting
	 * with '#' ends the line; "..." and '...' quote, backslash escapes
	 * a quote, a backslash or a space; "Keyword=value" and
	 * "Keyword = value" are "Keyword value". */
	LINECONF_SSHD,
	/* postgresql.conf (guc-file.l): "name [=] value [# comment]", a
	 * value is one unquoted word or '...' with '' and backslash
	 * escapes; anything more on the line is a syntax error. */
	LINECONF_PG,
	/* pg_hba.conf (hba.c): '#' outside quotes ends the line; a line
	 * ending in a backslash continues on the next; "..." quotes (a
	 * quoted keyword is a name); commas, with optional blanks after
	 * them, join tokens into one field. */
	LINECONF_HBA,
};

struct lineconf_word {
	char *text;     /* unescaped; owned */
	bool quoted;    /* any part of it was quoted */
	unsigned field; /* LINECONF_HBA: the field it belongs to (0-based); else its index */
};

struct lineconf_line {
	unsigned line;     /* where it starts (1-based) */
	GPtrArray *words;  /* struct lineconf_word *, owned; never empty */
};

void lineconf_line_free(struct lineconf_line *l);

/*
 * Splits data (len bytes, not NUL-terminated) into its non-empty,
 * non-comment lines: *out is a new array of struct lineconf_line *
 * the caller frees. A line the program would refuse (an unterminated
 * quote, a NUL byte, a postgresql.conf line that is not "name = value")
 * fails with DW_ERROR_PARSE listing every such line as "path:line: what";
 * input past the limits in dw_limits.h fails with DW_ERROR_LIMIT.
 */
bool lineconf_parse(GPtrArray **out, const char *path, const char *data, size_t len,
                    enum lineconf_dialect dialect, GError **error);

/* The words of l from index from on, joined by spaces, for a message. New string. */
char *lineconf_line_text(const struct lineconf_line *l, guint from);

#endif
