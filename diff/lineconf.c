/*
 * lineconf.c - splits the line-based configuration files of services into
 * words the way each program does (see the dialects in lineconf.h), so
 * that a value driftwatch reads is the value the service reads.
 *
 * Each logical line is copied out of the blob (bounded by its end, never
 * by a NUL) and split by a small state machine per dialect. Every line
 * the program would refuse is reported, all of them in one error.
 */
#include <stdarg.h>
#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "extract_private.h"
#include "lineconf.h"

struct lineconf_ctx {
	enum lineconf_dialect dialect;
	struct dw_problems problems;
	GPtrArray *lines;      /* struct lineconf_line *; the result */
	struct lineconf_line *cur; /* the line being split; owned until added */
	GString *word;
	bool quoted;
	unsigned field;
	bool limit;            /* a limit was hit: DW_ERROR_LIMIT */
};

static void lineconf_word_free(void *p)
{
	struct lineconf_word *w = p;

	g_free(w->text);
	g_free(w);
}

void lineconf_line_free(struct lineconf_line *l)
{
	if (l == NULL)
		return;
	g_ptr_array_unref(l->words);
	g_free(l);
}

/* Ends the word being built; an empty word counts only when quoted. */
static void lineconf_push(struct lineconf_ctx *c, bool force)
{
	struct lineconf_word *w;

	if (c->word->len == 0 && !c->quoted && !force)
		return;
	if (c->cur->words->len >= DW_LIMIT_CONF_WORDS) {
		if (!c->limit)
			dw_problems_add(&c->problems, c->cur->line,
			                "more than %u words on one line", DW_LIMIT_CONF_WORDS);
		c->limit = true;
		g_string_truncate(c->word, 0);
		c->quoted = false;
		return;
	}
	w = g_new0(struct lineconf_word, 1);
	w->text = g_strndup(c->word->str, c->word->len);
	w->quoted = c->quoted;
	w->field = c->dialect == LINECONF_HBA ? c->field : c->cur->words->len;
	g_ptr_array_add(c->cur->words, w);
	g_string_truncate(c->word, 0);
	c->quoted = false;
}

static bool lineconf_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

static int lineconf_hex(char ch)
{
	return g_ascii_xdigit_value(ch);
}

/* ---- redis.conf: sdssplitargs() ------------------------------------- */

static bool lineconf_redis(struct lineconf_ctx *c, const char *p)
{
	unsigned line = c->cur->line;

	while (*p != '\0') {
		char q = 0;

		while (lineconf_is_space(*p))
			p++;
		if (*p == '\0')
			break;
		for (;;) {
			if (q == '"' && p[0] == '\\' && p[1] == 'x' && lineconf_hex(p[2]) >= 0 &&
			    lineconf_hex(p[3]) >= 0) {
				g_string_append_c(c->word, (char)(lineconf_hex(p[2]) * 16 + lineconf_hex(p[3])));
				p += 4;
				continue;
			}
			if (q != 0 && *p == '\0') {
				dw_problems_add(&c->problems, line, "unbalanced quotes");
				return false;
			}
			if (q == '"' && p[0] == '\\' && p[1] != '\0') {
				static const char from[] = "nrtba", to[] = "\n\r\t\b\a";
				const char *e = strchr(from, p[1]);

				g_string_append_c(c->word, e != NULL ? to[e - from] : p[1]);
				p += 2;
				continue;
			}
			if (q == '\'' && p[0] == '\\' && p[1] == '\'') {
				g_string_append_c(c->word, '\'');
				p += 2;
				continue;
			}
			if (q != 0 && *p == q) {
				/* Redis: "closing quote must be followed by a space". */
				if (p[1] != '\0' && !lineconf_is_space(p[1])) {
					dw_problems_add(
					        &c->problems, line,
					        "a closing quote must be followed by a space");
					return false;
				}
				p++;
				break;
			}
			if (q == 0 && (*p == '\0' || lineconf_is_space(*p)))
				break;
			if (q == 0 && (*p == '"' || *p == '\'')) {
				q = *p++;
				c->quoted = true;
				continue;
			}
			g_string_append_c(c->word, *p++);
		}
		lineconf_push(c, true);
	}
	return true;
}

/* ---- sshd_config: strdelim() for the keyword, then argv_split() ------ */

static bool lineconf_sshd(struct lineconf_ctx *c, const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#')
		return true;
	while (*p != '\0' && !lineconf_is_space(*p) && *p != '=')
		g_string_append_c(c->word, *p++);
	lineconf_push(c, false);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '=')
		p++;
	while (*p != '\0') {
		char q = 0;

		while (lineconf_is_space(*p))
			p++;
		if (*p == '\0' || *p == '#')
			break;
		for (; *p != '\0'; p++) {
			if (*p == '\\' && (p[1] == '\'' || p[1] == '"' || p[1] == '\\' || (q == 0 && p[1] == ' '))) {
				g_string_append_c(c->word, *++p);
			} else if (q == 0 && (*p == ' ' || *p == '\t')) {
				break;
			} else if (q == 0 && (*p == '"' || *p == '\'')) {
				q = *p;
				c->quoted = true;
			} else if (q != 0 && *p == q) {
				q = 0;
			} else {
				g_string_append_c(c->word, *p);
			}
		}
		if (q != 0) {
			dw_problems_add(&c->problems, c->cur->line, "invalid quotes");
			return false;
		}
		lineconf_push(c, true);
	}
	return true;
}

/* ---- postgresql.conf: guc-file.l --------------------------------------- */

/* A byte of an unquoted name or value: guc-file.l's LETTER_OR_DIGIT plus
 * the punctuation UNQUOTED_STRING, INTEGER and REAL allow. */
static bool lineconf_pg_char(char ch, bool value)
{
	if (g_ascii_isalnum(ch) || ch == '_' || (unsigned char)ch >= 0x80)
		return true;
	return ch == '.' || ch == '$' || (value && strchr("-+:/", ch) != NULL && ch != '\0');
}

/* '...' with '' for a quote and GUC_scanstr's backslash escapes. */
static const char *lineconf_pg_string(struct lineconf_ctx *c, const char *p)
{
	for (p++;; p++) {
		if (*p == '\0')
			return NULL;
		if (p[0] == '\'' && p[1] == '\'') {
			g_string_append_c(c->word, '\'');
			p++;
		} else if (*p == '\'') {
			return p + 1;
		} else if (*p == '\\' && p[1] != '\0') {
			static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
			const char *e = strchr(from, *++p);

			if (e != NULL) {
				g_string_append_c(c->word, to[e - from]);
			} else if (*p >= '0' && *p <= '7') {
				unsigned v = 0;

				for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++)
					v = v * 8 + (unsigned)(*p++ - '0');
				p--;
				g_string_append_c(c->word, (char)(v & 0xff));
			} else {
				g_string_append_c(c->word, *p);
			}
		} else {
			g_string_append_c(c->word, *p);
		}
	}
}

static bool lineconf_pg(struct lineconf_ctx *c, const char *p)
{
	unsigned line = c->cur->line;
	g_autofree char *near = NULL;

	while (lineconf_is_space(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return true;
	if (!lineconf_pg_char(*p, false) || g_ascii_isdigit(*p))
		goto syntax;
	while (lineconf_pg_char(*p, false))
		g_string_append_c(c->word, *p++);
	lineconf_push(c, false);
	while (lineconf_is_space(*p))
		p++;
	if (*p == '=')
		p++;
	while (lineconf_is_space(*p))
		p++;
	if (*p == '\'') {
		c->quoted = true;
		p = lineconf_pg_string(c, p);
		if (p == NULL) {
			dw_problems_add(&c->problems, line, "unterminated quoted string");
			return false;
		}
	} else if (lineconf_pg_char(*p, true)) {
		while (lineconf_pg_char(*p, true))
			g_string_append_c(c->word, *p++);
	} else {
		goto syntax;
	}
	lineconf_push(c, true);
	while (lineconf_is_space(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return true;
syntax:
	near = extract_quote(*p != '\0' ? p : "end of line");
	dw_problems_add(&c->problems, line, "syntax error near \"%s\"", near);
	return false;
}

/* ---- pg_hba.conf: hba.c next_token() ----------------------------------- */

static bool lineconf_hba(struct lineconf_ctx *c, const char *p)
{
	c->field = 0;
	for (;;) {
		bool in_quote = false, was_quote = false, comma = false;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		for (; *p != '\0' && (in_quote || !(*p == ' ' || *p == '\t' || *p == '\r')); p++) {
			if (*p == '#' && !in_quote) {
				p += strlen(p);
				break;
			}
			if (*p == ',' && !in_quote) {
				comma = true;
				p++;
				break;
			}
			/* A literal double quote is two of them. */
			if (*p != '"' || was_quote)
				g_string_append_c(c->word, *p);
			was_quote = in_quote && *p == '"' ? !was_quote : false;
			if (*p == '"') {
				in_quote = !in_quote;
				c->quoted = true;
			}
		}
		lineconf_push(c, true);
		if (!comma)
			c->field++;
	}
	return true;
}

/* ---- lines --------------------------------------------------------------- */

static void lineconf_split(struct lineconf_ctx *c, unsigned line, const char *text)
{
	bool ok = false;

	c->cur = g_new0(struct lineconf_line, 1);
	c->cur->line = line;
	c->cur->words = g_ptr_array_new_with_free_func(lineconf_word_free);
	g_string_truncate(c->word, 0);
	c->quoted = false;
	switch (c->dialect) {
	case LINECONF_REDIS:
		ok = lineconf_redis(c, text);
		break;
	case LINECONF_SSHD:
		ok = lineconf_sshd(c, text);
		break;
	case LINECONF_PG:
		ok = lineconf_pg(c, text);
		break;
	case LINECONF_HBA:
		ok = lineconf_hba(c, text);
		break;
	}
	if (ok && c->cur->words->len > 0)
		g_ptr_array_add(c->lines, c->cur);
	else
		lineconf_line_free(c->cur);
	c->cur = NULL;
}

/* Redis skips a line whose first non-blank byte is '#'. */
static bool lineconf_redis_comment(const char *text)
{
	while (lineconf_is_space(*text))
		text++;
	return *text == '#';
}

bool lineconf_parse(GPtrArray **out, const char *path, const char *data, size_t len,
                    enum lineconf_dialect dialect, GError **error)
{
	struct lineconf_ctx c = { .dialect = dialect };
	g_autoptr(GString) logical = g_string_new(NULL);
	unsigned line = 0, start = 0;
	size_t pos = 0;
	bool ok;

	if (len > dw_limit_file_bytes()) {
		dw_set_error_too_large(error, path, dw_limit_file_bytes());
		return false;
	}
	/* A byte-order mark is skipped, as every other reader skips it. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	dw_problems_init(&c.problems, path, EXTRACT_MAX_PROBLEMS);
	c.lines = g_ptr_array_new_with_free_func((GDestroyNotify)lineconf_line_free);
	c.word = g_string_new(NULL);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (data + pos)) : len - pos;
		bool more;

		line++;
		if (logical->len == 0)
			start = line;
		if (memchr(data + pos, '\0', n) != NULL) {
			dw_problems_add(&c.problems, line, "NUL byte in a text file");
			pos += n + 1;
			g_string_truncate(logical, 0);
			continue;
		}
		g_string_append_len(logical, data + pos, (gssize)n);
		pos += n + 1;
		while (logical->len > 0 && logical->str[logical->len - 1] == '\r')
			g_string_truncate(logical, logical->len - 1);
		/* pg_hba.conf: a backslash at the end continues the record. */
		more = dialect == LINECONF_HBA && logical->len > 0 && logical->str[logical->len - 1] == '\\';
		if (more) {
			g_string_truncate(logical, logical->len - 1);
			if (pos < len)
				continue;
		}
		if (!(dialect == LINECONF_REDIS && lineconf_redis_comment(logical->str)))
			lineconf_split(&c, start, logical->str);
		g_string_truncate(logical, 0);
	}
	g_string_free(c.word, TRUE);
	ok = dw_problems_check(&c.problems, error);
	if (!ok && c.limit && error != NULL && *error != NULL)
		(*error)->code = DW_ERROR_LIMIT;
	dw_problems_clear(&c.problems);
	if (!ok) {
		g_ptr_array_unref(c.lines);
		return false;
	}
	*out = c.lines;
	return true;
}

char *lineconf_line_text(const struct lineconf_line *l, guint from)
{
	GString *s = g_string_new(NULL);

	for (guint i = from; i < l->words->len; i++) {
		const struct lineconf_word *w = l->words->pdata[i];

		if (s->len > 0)
			g_string_append_c(s, ' ');
		g_string_append(s, w->text);
	}
	return g_string_free(s, FALSE);
}
