/*
 * bicep_parse.c - the Bicep lexer and recursive-descent parser (bicep.h).
 *
 * Operator precedence, lowest first, as in "Bicep operators": ?: , ??,
 * ||, &&, == != =~ !~, < <= > >=, + -, * / %, unary ! -, then member
 * access (a.b, and a.?b for a property that may be absent), indexing
 * and calls. A string is read by the parser itself, a
 * character at a time, so that an interpolation '${...}' parses as an
 * expression in place. Every read is bounded by the end of the input.
 */
#include <string.h>

#include "bicep.h"

enum bicep_tok {
	TOK_EOF,
	TOK_NL,
	TOK_IDENT,
	TOK_INT,
	TOK_STRING,  /* an opening "'": the parser reads the rest */
	TOK_MSTRING, /* '''...''': text */
	TOK_PUNCT,   /* op */
};

struct bicep_parser {
	struct bicep_file *f;
	const char *data;
	const char *p;
	const char *end;
	unsigned line;          /* line at p */
	enum bicep_tok tok;
	char op[4];
	const char *tstart;     /* the token's first byte */
	size_t tlen;
	unsigned tline;
	const char *mtext;      /* TOK_MSTRING: text (arena) */
	unsigned depth;
	size_t nodes;
	GError *error;          /* the first problem; owned */
};

/* ---- arena and errors --------------------------------------------------- */

static void *bicep_alloc(struct bicep_parser *ps, size_t n, size_t size)
{
	return dw_arena_alloc0_n(&ps->f->arena_, n, size);
}

static const char *bicep_strndup(struct bicep_parser *ps, const char *s, size_t len)
{
	return g_string_chunk_insert_len(ps->f->strings_, s, (gssize)len);
}

static bool bicep_fail(struct bicep_parser *ps, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool bicep_fail(struct bicep_parser *ps, unsigned line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	if (ps->error != NULL)
		return false;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ps->error = g_error_new(DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s", ps->f->path, line, what);
	return false;
}

static bool bicep_limit(struct bicep_parser *ps, const char *what)
{
	if (ps->error == NULL)
		ps->error = g_error_new(DW_ERROR, DW_ERROR_LIMIT, "%s:%u: %s", ps->f->path, ps->tline, what);
	return false;
}

static struct bicep_expr *bicep_node(struct bicep_parser *ps, enum bicep_expr_kind kind, unsigned line)
{
	struct bicep_expr *e;

	if (++ps->nodes > DW_LIMIT_NODES) {
		bicep_limit(ps, "more than " G_STRINGIFY(DW_LIMIT_NODES) " nodes");
		return NULL;
	}
	e = bicep_alloc(ps, 1, sizeof(*e));
	e->kind = kind;
	e->line = line;
	e->start = (size_t)(ps->tstart - ps->data);
	return e;
}

/* ---- lexer -------------------------------------------------------------- */

/* Skips blanks and comments, not newlines; false on an unterminated comment. */
static bool bicep_skip_space(struct bicep_parser *ps)
{
	while (ps->p < ps->end) {
		if (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r') {
			ps->p++;
		} else if (*ps->p == '/' && ps->p + 1 < ps->end && ps->p[1] == '/') {
			const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));

			ps->p = nl != NULL ? nl : ps->end;
		} else if (*ps->p == '/' && ps->p + 1 < ps->end && ps->p[1] == '*') {
			unsigned line = ps->line;

			ps->p += 2;
			while (ps->p + 1 < ps->end && !(ps->p[0] == '*' && ps->p[1] == '/')) {
				if (*ps->p == '\n')
					ps->line++;
				ps->p++;
			}
			if (ps->p + 1 >= ps->end)
				return bicep_fail(ps, line, "unterminated comment");
			ps->p += 2;
		} else {
			break;
		}
	}
	return true;
}

static const char *const bicep_ops[] = {
	"...", "??", "?.", ".?", "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "=>", "::",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", "?", "!", "=", "<", ">", "+", "-",
	"*", "/", "%", "@", "|",
};

static bool bicep_lex_mstring(struct bicep_parser *ps)
{
	const char *start = ps->p + 3;
	const char *q = start;

	while (q + 2 < ps->end && !(q[0] == '\'' && q[1] == '\'' && q[2] == '\''))
		q++;
	if (q + 2 >= ps->end)
		return bicep_fail(ps, ps->line, "unterminated multi-line string");
	/* Bicep drops one line break right after the opening quotes. */
	if (start < q && *start == '\n')
		start++;
	else if (start + 1 < q && start[0] == '\r' && start[1] == '\n')
		start += 2;
	if ((size_t)(q - start) > DW_LIMIT_SCALAR_BYTES)
		return bicep_limit(ps, "a string longer than the limit");
	ps->mtext = bicep_strndup(ps, start, (size_t)(q - start));
	for (const char *c = ps->p; c < q; c++)
		ps->line += *c == '\n';
	ps->p = q + 3;
	ps->tok = TOK_MSTRING;
	return true;
}

/* The next token; TOK_EOF (with ps->error set) on a lexical error too. */
static void bicep_next(struct bicep_parser *ps)
{
	ps->tok = TOK_EOF;
	if (ps->error != NULL || !bicep_skip_space(ps))
		return;
	ps->tstart = ps->p;
	ps->tline = ps->line;
	ps->tlen = 0;
	if (ps->p >= ps->end)
		return;
	if (*ps->p == '\n') {
		ps->p++;
		ps->line++;
		ps->tok = TOK_NL;
	} else if (g_ascii_isalpha(*ps->p) || *ps->p == '_') {
		while (ps->p < ps->end && (g_ascii_isalnum(*ps->p) || *ps->p == '_'))
			ps->p++;
		ps->tok = TOK_IDENT;
	} else if (g_ascii_isdigit(*ps->p)) {
		while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
			ps->p++;
		ps->tok = TOK_INT;
	} else if (*ps->p == '\'') {
		if (ps->end - ps->p >= 3 && ps->p[1] == '\'' && ps->p[2] == '\'') {
			bicep_lex_mstring(ps);
			return;
		}
		ps->p++;
		ps->tok = TOK_STRING;
	} else {
		for (size_t i = 0; i < G_N_ELEMENTS(bicep_ops); i++) {
			size_t n = strlen(bicep_ops[i]);

			if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, bicep_ops[i], n) == 0) {
				memcpy(ps->op, bicep_ops[i], n + 1);
				ps->p += n;
				ps->tok = TOK_PUNCT;
				break;
			}
		}
		if (ps->tok != TOK_PUNCT) {
			bicep_fail(ps, ps->line, "unexpected character '%s'",
			           g_ascii_isprint(*ps->p) ? (char[]){ *ps->p, 0 } : "?");
			return;
		}
	}
	ps->tlen = (size_t)(ps->p - ps->tstart);
}

static bool bicep_is(const struct bicep_parser *ps, const char *op)
{
	return ps->tok == TOK_PUNCT && strcmp(ps->op, op) == 0;
}

static bool bicep_is_word(const struct bicep_parser *ps, const char *word)
{
	return ps->tok == TOK_IDENT && ps->tlen == strlen(word) && memcmp(ps->tstart, word, ps->tlen) == 0;
}

static void bicep_skip_nl(struct bicep_parser *ps)
{
	while (ps->tok == TOK_NL)
		bicep_next(ps);
}

static const char *bicep_tok_name(const struct bicep_parser *ps)
{
	switch (ps->tok) {
	case TOK_EOF:
		return "the end of the file";
	case TOK_NL:
		return "a line break";
	case TOK_IDENT:
		return "a name";
	case TOK_INT:
		return "a number";
	case TOK_STRING:
	case TOK_MSTRING:
		return "a string";
	case TOK_PUNCT:
		return ps->op;
	}
	return "?";
}

static bool bicep_expect(struct bicep_parser *ps, const char *op)
{
	if (bicep_is(ps, op)) {
		bicep_next(ps);
		return true;
	}
	return bicep_fail(ps, ps->tline, "expected \"%s\", got %s", op, bicep_tok_name(ps));
}

static const char *bicep_take_ident(struct bicep_parser *ps, const char *what)
{
	const char *name;

	if (ps->tok != TOK_IDENT) {
		bicep_fail(ps, ps->tline, "expected %s, got %s", what, bicep_tok_name(ps));
		return NULL;
	}
	name = bicep_strndup(ps, ps->tstart, ps->tlen);
	bicep_next(ps);
	return name;
}

/* ---- strings -------------------------------------------------------------- */

static struct bicep_expr *bicep_expr(struct bicep_parser *ps);

/* \u{X}: a code point as UTF-8. */
static bool bicep_string_unicode(struct bicep_parser *ps, GString *s)
{
	const char *close = memchr(ps->p, '}', (size_t)(ps->end - ps->p));
	guint64 cp;
	g_autofree char *hex = NULL;

	if (ps->p >= ps->end || *ps->p != '{' || close == NULL || close - ps->p > 7)
		return bicep_fail(ps, ps->line, "expected \\u{HEX} in a string");
	hex = g_strndup(ps->p + 1, (gsize)(close - ps->p - 1));
	if (!g_ascii_string_to_unsigned(hex, 16, 0, 0x10FFFF, &cp, NULL))
		return bicep_fail(ps, ps->line, "expected \\u{HEX} in a string");
	g_string_append_unichar(s, (gunichar)cp);
	ps->p = close + 1;
	return true;
}

static bool bicep_string_escape(struct bicep_parser *ps, GString *s)
{
	char c;

	if (++ps->p >= ps->end)
		return bicep_fail(ps, ps->line, "unterminated string");
	c = *ps->p++;
	switch (c) {
	case '\\': case '\'': case '$':
		g_string_append_c(s, c);
		return true;
	case 'n':
		g_string_append_c(s, '\n');
		return true;
	case 'r':
		g_string_append_c(s, '\r');
		return true;
	case 't':
		g_string_append_c(s, '\t');
		return true;
	case 'u':
		return bicep_string_unicode(ps, s);
	}
	return bicep_fail(ps, ps->line, "unknown escape \\%c in a string", g_ascii_isprint(c) ? c : '?');
}

static bool bicep_string_part(struct bicep_parser *ps, GPtrArray *parts, GString *s, unsigned line)
{
	struct bicep_expr *lit = bicep_node(ps, BICEP_STRING, line);

	if (lit == NULL)
		return false;
	lit->text = bicep_strndup(ps, s->str, s->len);
	g_ptr_array_add(parts, lit);
	g_string_truncate(s, 0);
	return true;
}

/* '${' expr '}' inside a string, ps->p just after "${". */
static bool bicep_string_interp(struct bicep_parser *ps, GPtrArray *parts)
{
	struct bicep_expr *e;

	bicep_next(ps);
	bicep_skip_nl(ps);
	if ((e = bicep_expr(ps)) == NULL)
		return false;
	bicep_skip_nl(ps);
	/* The lexer stopped right after "}": the string goes on from there. */
	if (!bicep_is(ps, "}"))
		return bicep_fail(ps, ps->tline, "expected \"}\" to end '${', got %s", bicep_tok_name(ps));
	g_ptr_array_add(parts, e);
	return true;
}

static struct bicep_expr *bicep_string_node(struct bicep_parser *ps, GPtrArray *parts, GString *s,
                                            const char *start, unsigned line)
{
	struct bicep_expr *e;

	if (parts->len == 0) {
		if ((e = bicep_node(ps, BICEP_STRING, line)) != NULL)
			e->text = bicep_strndup(ps, s->str, s->len);
	} else {
		if (s->len > 0 && !bicep_string_part(ps, parts, s, line))
			return NULL;
		if ((e = bicep_node(ps, BICEP_INTERP, line)) == NULL)
			return NULL;
		e->n = parts->len;
		e->items = bicep_alloc(ps, parts->len, sizeof(*e->items));
		if (parts->len > 0)
			memcpy(e->items, parts->pdata, parts->len * sizeof(*e->items));
	}
	if (e != NULL)
		e->start = (size_t)(start - ps->data);
	return e;
}

/* A single-quoted string; ps->p is just after the opening quote. */
static struct bicep_expr *bicep_string(struct bicep_parser *ps)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GPtrArray) parts = g_ptr_array_new();
	const char *start = ps->tstart;
	unsigned line = ps->tline;
	struct bicep_expr *e;

	for (;;) {
		if (ps->p >= ps->end || *ps->p == '\n')
			return bicep_fail(ps, line, "unterminated string"), NULL;
		if (s->len > DW_LIMIT_SCALAR_BYTES)
			return bicep_limit(ps, "a string longer than the limit"), NULL;
		if (*ps->p == '\'') {
			ps->p++;
			break;
		}
		if (*ps->p == '\\') {
			if (!bicep_string_escape(ps, s))
				return NULL;
		} else if (*ps->p == '$' && ps->p + 1 < ps->end && ps->p[1] == '{') {
			ps->p += 2;
			if ((s->len > 0 && !bicep_string_part(ps, parts, s, line)) || !bicep_string_interp(ps, parts))
				return NULL;
		} else {
			g_string_append_c(s, *ps->p++);
		}
	}
	e = bicep_string_node(ps, parts, s, start, line);
	if (e != NULL) {
		bicep_next(ps);
		e->end = (size_t)(ps->tstart - ps->data);
	}
	return e;
}

/* ---- expressions ---------------------------------------------------------- */

static struct bicep_expr *bicep_finish(struct bicep_parser *ps, struct bicep_expr *e)
{
	if (e != NULL)
		e->end = (size_t)(ps->tstart - ps->data);
	return e;
}

/* Items up to close, separated by commas or line breaks: into items. */
static bool bicep_list(struct bicep_parser *ps, const char *close, GPtrArray *items)
{
	for (;;) {
		while (ps->tok == TOK_NL || bicep_is(ps, ","))
			bicep_next(ps);
		if (bicep_is(ps, close)) {
			bicep_next(ps);
			return true;
		}
		if (ps->tok == TOK_EOF)
			return bicep_fail(ps, ps->tline, "expected \"%s\", got %s", close, bicep_tok_name(ps));
		struct bicep_expr *e = bicep_expr(ps);

		if (e == NULL)
			return false;
		g_ptr_array_add(items, e);
		if (!bicep_is(ps, close) && !bicep_is(ps, ",") && ps->tok != TOK_NL)
			return bicep_fail(ps, ps->tline, "expected \",\", a line break or \"%s\", got %s", close,
			                  bicep_tok_name(ps));
	}
}

static void bicep_set_items(struct bicep_parser *ps, struct bicep_expr *e, GPtrArray *items)
{
	e->n = items->len;
	e->items = bicep_alloc(ps, items->len, sizeof(*e->items));
	if (items->len > 0)
		memcpy(e->items, items->pdata, items->len * sizeof(*e->items));
}

/* [for x in c: body], [for (x, i) in c: body]; "for" is the current token. */
static struct bicep_expr *bicep_for(struct bicep_parser *ps, unsigned line)
{
	struct bicep_expr *e = bicep_node(ps, BICEP_FOR, line);

	if (e == NULL)
		return NULL;
	bicep_next(ps);
	if (bicep_is(ps, "(")) {
		bicep_next(ps);
		if ((e->text = bicep_take_ident(ps, "a loop variable")) == NULL || !bicep_expect(ps, ",") ||
		    (e->text2 = bicep_take_ident(ps, "an index variable")) == NULL || !bicep_expect(ps, ")"))
			return NULL;
	} else if ((e->text = bicep_take_ident(ps, "a loop variable")) == NULL) {
		return NULL;
	}
	if (!bicep_is_word(ps, "in"))
		return bicep_fail(ps, ps->tline, "expected \"in\" in a for loop, got %s", bicep_tok_name(ps)), NULL;
	bicep_next(ps);
	if ((e->a = bicep_expr(ps)) == NULL || !bicep_expect(ps, ":"))
		return NULL;
	bicep_skip_nl(ps);
	if ((e->b = bicep_expr(ps)) == NULL)
		return NULL;
	bicep_skip_nl(ps);
	if (!bicep_expect(ps, "]"))
		return NULL;
	return e;
}

static struct bicep_expr *bicep_array(struct bicep_parser *ps)
{
	unsigned line = ps->tline;
	g_autoptr(GPtrArray) items = g_ptr_array_new();
	struct bicep_expr *e;

	bicep_next(ps);
	bicep_skip_nl(ps);
	if (bicep_is_word(ps, "for"))
		return bicep_for(ps, line);
	if ((e = bicep_node(ps, BICEP_ARRAY, line)) == NULL || !bicep_list(ps, "]", items))
		return NULL;
	bicep_set_items(ps, e, items);
	return e;
}

static bool bicep_decorators(struct bicep_parser *ps);
static struct bicep_decl *bicep_resource_decl(struct bicep_parser *ps, bool module);

/* A member's key: a name or a plain string. */
static const char *bicep_object_key(struct bicep_parser *ps)
{
	struct bicep_expr *k;

	if (ps->tok == TOK_IDENT)
		return bicep_take_ident(ps, "a property name");
	if (ps->tok != TOK_STRING) {
		bicep_fail(ps, ps->tline, "expected a property name, got %s", bicep_tok_name(ps));
		return NULL;
	}
	if ((k = bicep_string(ps)) == NULL)
		return NULL;
	if (k->kind != BICEP_STRING) {
		bicep_fail(ps, k->line, "a property name cannot be interpolated");
		return NULL;
	}
	return k->text;
}

/* One member of an object: KEY: value, or a nested resource. */
static bool bicep_object_member(struct bicep_parser *ps, GPtrArray *keys, GPtrArray *values, GPtrArray *decls)
{
	const char *key;
	struct bicep_expr *v;

	if (!bicep_decorators(ps))
		return false;
	if (bicep_is_word(ps, "resource")) {
		struct bicep_decl *d = bicep_resource_decl(ps, false);

		if (d != NULL)
			g_ptr_array_add(decls, d);
		return d != NULL;
	}
	if (bicep_is(ps, "...")) {
		bicep_next(ps);
		key = "...";
	} else if ((key = bicep_object_key(ps)) == NULL || !bicep_expect(ps, ":")) {
		return false;
	}
	bicep_skip_nl(ps);
	if ((v = bicep_expr(ps)) == NULL)
		return false;
	g_ptr_array_add(keys, (gpointer)key);
	g_ptr_array_add(values, v);
	return true;
}

static struct bicep_expr *bicep_object(struct bicep_parser *ps)
{
	unsigned line = ps->tline;
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	g_autoptr(GPtrArray) values = g_ptr_array_new();
	g_autoptr(GPtrArray) decls = g_ptr_array_new();
	struct bicep_expr *e = bicep_node(ps, BICEP_OBJECT, line);

	if (e == NULL)
		return NULL;
	bicep_next(ps);
	for (;;) {
		while (ps->tok == TOK_NL || bicep_is(ps, ","))
			bicep_next(ps);
		if (bicep_is(ps, "}"))
			break;
		if (ps->tok == TOK_EOF)
			return bicep_fail(ps, line, "object not closed with \"}\""), NULL;
		if (!bicep_object_member(ps, keys, values, decls))
			return NULL;
		if (!bicep_is(ps, "}") && !bicep_is(ps, ",") && ps->tok != TOK_NL)
			return bicep_fail(ps, ps->tline, "expected a line break or \"}\" after a property, got %s",
			                  bicep_tok_name(ps)), NULL;
	}
	bicep_next(ps);
	bicep_set_items(ps, e, values);
	e->keys = bicep_alloc(ps, keys->len, sizeof(*e->keys));
	if (keys->len > 0)
		memcpy(e->keys, keys->pdata, keys->len * sizeof(*e->keys));
	e->n_decls = decls->len;
	e->decls = bicep_alloc(ps, decls->len, sizeof(*e->decls));
	if (decls->len > 0)
		memcpy(e->decls, decls->pdata, decls->len * sizeof(*e->decls));
	return e;
}

/* if (cond) body: a deployment condition. */
static struct bicep_expr *bicep_if(struct bicep_parser *ps)
{
	struct bicep_expr *e = bicep_node(ps, BICEP_IF, ps->tline);

	if (e == NULL)
		return NULL;
	bicep_next(ps);
	if (!bicep_expect(ps, "(") || (e->a = bicep_expr(ps)) == NULL || !bicep_expect(ps, ")"))
		return NULL;
	bicep_skip_nl(ps);
	if (!bicep_is(ps, "{"))
		return bicep_fail(ps, ps->tline, "expected \"{\" after if (...), got %s", bicep_tok_name(ps)), NULL;
	e->b = bicep_object(ps);
	return e->b != NULL ? e : NULL;
}

/* PARAMS => body, "=>" the current token; names: the first two parameters (or NULL). */
static struct bicep_expr *bicep_lambda(struct bicep_parser *ps, unsigned line, const char *first, const char *second)
{
	struct bicep_expr *e = bicep_node(ps, BICEP_LAMBDA, line);

	if (e == NULL || !bicep_expect(ps, "=>"))
		return NULL;
	e->text = first;
	e->text2 = second;
	e->a = bicep_expr(ps);
	return e->a != NULL ? e : NULL;
}

/* ( expr ), or a lambda's parameter list (x, y) => ... */
static struct bicep_expr *bicep_paren(struct bicep_parser *ps)
{
	unsigned line = ps->tline;
	const char *save_p = ps->p;
	unsigned save_line = ps->line;
	const char *names[2] = { NULL, NULL };
	size_t n = 0;
	struct bicep_expr *e;

	bicep_next(ps);
	/* () => x, (a, b) => x: names and commas, then "=>". */
	while (ps->tok == TOK_IDENT || bicep_is(ps, ",")) {
		if (ps->tok == TOK_IDENT && n < 2)
			names[n++] = bicep_strndup(ps, ps->tstart, ps->tlen);
		bicep_next(ps);
	}
	if (bicep_is(ps, ")")) {
		bicep_next(ps);
		if (bicep_is(ps, "=>"))
			return bicep_lambda(ps, line, names[0], names[1]);
	}
	if (ps->error != NULL)
		return NULL;
	ps->p = save_p;
	ps->line = save_line;
	bicep_next(ps);
	bicep_skip_nl(ps);
	if ((e = bicep_expr(ps)) == NULL)
		return NULL;
	bicep_skip_nl(ps);
	return bicep_expect(ps, ")") ? e : NULL;
}

static struct bicep_expr *bicep_ident(struct bicep_parser *ps)
{
	unsigned line = ps->tline;
	struct bicep_expr *e;

	if (bicep_is_word(ps, "true") || bicep_is_word(ps, "false")) {
		if ((e = bicep_node(ps, BICEP_BOOL, line)) != NULL)
			e->flag = bicep_is_word(ps, "true");
		bicep_next(ps);
		return e;
	}
	if (bicep_is_word(ps, "null")) {
		e = bicep_node(ps, BICEP_NULL, line);
		bicep_next(ps);
		return e;
	}
	if (bicep_is_word(ps, "if"))
		return bicep_if(ps);
	if ((e = bicep_node(ps, BICEP_IDENT, line)) == NULL)
		return NULL;
	e->text = bicep_take_ident(ps, "a name");
	if (bicep_is(ps, "=>"))
		return bicep_lambda(ps, line, e->text, NULL);
	return e->text != NULL ? e : NULL;
}

static struct bicep_expr *bicep_primary(struct bicep_parser *ps)
{
	struct bicep_expr *e = NULL;

	switch (ps->tok) {
	case TOK_IDENT:
		return bicep_ident(ps);
	case TOK_INT:
		if (ps->tlen > 18)
			return bicep_fail(ps, ps->tline, "number too large"), NULL;
		if ((e = bicep_node(ps, BICEP_INT, ps->tline)) != NULL)
			e->text = bicep_strndup(ps, ps->tstart, ps->tlen);
		bicep_next(ps);
		return e;
	case TOK_STRING:
		return bicep_string(ps);
	case TOK_MSTRING:
		if ((e = bicep_node(ps, BICEP_STRING, ps->tline)) != NULL)
			e->text = ps->mtext;
		bicep_next(ps);
		return e;
	case TOK_PUNCT:
		if (bicep_is(ps, "["))
			return bicep_array(ps);
		if (bicep_is(ps, "{"))
			return bicep_object(ps);
		if (bicep_is(ps, "("))
			return bicep_paren(ps);
		break;
	default:
		break;
	}
	return bicep_fail(ps, ps->tline, "expected a value, got %s", bicep_tok_name(ps)), NULL;
}

static struct bicep_expr *bicep_call(struct bicep_parser *ps, struct bicep_expr *callee)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	struct bicep_expr *e = bicep_node(ps, BICEP_CALL, callee->line);

	if (e == NULL)
		return NULL;
	e->start = callee->start;
	if (callee->kind == BICEP_IDENT) {
		e->text = callee->text;
	} else if (callee->kind == BICEP_MEMBER) {
		e->text = callee->text;
		e->a = callee->a;
	} else {
		return bicep_fail(ps, callee->line, "only a name can be called"), NULL;
	}
	bicep_next(ps);
	if (!bicep_list(ps, ")", args))
		return NULL;
	bicep_set_items(ps, e, args);
	return e;
}

/* Member access, indexing, calls and the non-null assertion "!". */
static struct bicep_expr *bicep_postfix(struct bicep_parser *ps)
{
	struct bicep_expr *e = bicep_primary(ps);

	while (e != NULL) {
		struct bicep_expr *next;

		if (bicep_is(ps, "(")) {
			next = bicep_call(ps, e);
		} else if (bicep_is(ps, ".") || bicep_is(ps, "?.") || bicep_is(ps, ".?") || bicep_is(ps, "::")) {
			bool safe = bicep_is(ps, "?.") || bicep_is(ps, ".?");

			bicep_next(ps);
			if ((next = bicep_node(ps, BICEP_MEMBER, e->line)) == NULL)
				return NULL;
			next->a = e;
			next->flag = safe;
			next->start = e->start;
			if ((next->text = bicep_take_ident(ps, "a property name")) == NULL)
				return NULL;
		} else if (bicep_is(ps, "[")) {
			bicep_next(ps);
			if ((next = bicep_node(ps, BICEP_INDEX, e->line)) == NULL)
				return NULL;
			next->a = e;
			next->start = e->start;
			if (bicep_is(ps, "?")) {
				next->flag = true;
				bicep_next(ps);
			}
			if ((next->b = bicep_expr(ps)) == NULL || !bicep_expect(ps, "]"))
				return NULL;
		} else if (bicep_is(ps, "!")) {
			bicep_next(ps);
			next = e;
		} else {
			break;
		}
		e = bicep_finish(ps, next);
	}
	return e;
}

static struct bicep_expr *bicep_unary(struct bicep_parser *ps)
{
	struct bicep_expr *e;

	if (!bicep_is(ps, "!") && !bicep_is(ps, "-"))
		return bicep_postfix(ps);
	if ((e = bicep_node(ps, BICEP_UNARY, ps->tline)) == NULL)
		return NULL;
	e->text = bicep_is(ps, "!") ? "!" : "-";
	bicep_next(ps);
	if (++ps->depth > DW_LIMIT_DEPTH)
		return bicep_limit(ps, "nesting deeper than " G_STRINGIFY(DW_LIMIT_DEPTH)), NULL;
	e->a = bicep_unary(ps);
	ps->depth--;
	return e->a != NULL ? bicep_finish(ps, e) : NULL;
}

/* Binary operators by level, loosest first. */
static const char *const bicep_levels[][5] = {
	{ "??", NULL }, { "||", NULL }, { "&&", NULL }, { "==", "!=", "=~", "!~", NULL },
	{ "<", "<=", ">", ">=", NULL }, { "+", "-", NULL }, { "*", "/", "%", NULL },
};

static const char *bicep_level_op(const struct bicep_parser *ps, size_t level)
{
	for (size_t i = 0; bicep_levels[level][i] != NULL; i++) {
		if (bicep_is(ps, bicep_levels[level][i]))
			return bicep_levels[level][i];
	}
	return NULL;
}

static struct bicep_expr *bicep_binary(struct bicep_parser *ps, size_t level)
{
	struct bicep_expr *e;
	const char *op;

	if (level == G_N_ELEMENTS(bicep_levels))
		return bicep_unary(ps);
	e = bicep_binary(ps, level + 1);
	while (e != NULL && (op = bicep_level_op(ps, level)) != NULL) {
		struct bicep_expr *b = bicep_node(ps, BICEP_BINARY, e->line);

		if (b == NULL)
			return NULL;
		b->text = op;
		b->a = e;
		b->start = e->start;
		bicep_next(ps);
		bicep_skip_nl(ps);
		if ((b->b = bicep_binary(ps, level + 1)) == NULL)
			return NULL;
		e = bicep_finish(ps, b);
	}
	return e;
}

/* A ternary's "?" or ":" may start the next line. */
static bool bicep_peek_past_nl(struct bicep_parser *ps, const char *op)
{
	const char *save_p = ps->p;
	unsigned save_line = ps->line;
	enum bicep_tok save_tok = ps->tok;
	const char *save_start = ps->tstart;
	size_t save_len = ps->tlen;
	unsigned save_tline = ps->tline;

	if (ps->tok != TOK_NL)
		return bicep_is(ps, op);
	bicep_skip_nl(ps);
	if (bicep_is(ps, op))
		return true;
	if (ps->error != NULL)
		return false;
	ps->p = save_p;
	ps->line = save_line;
	ps->tok = save_tok;
	ps->tstart = save_start;
	ps->tlen = save_len;
	ps->tline = save_tline;
	return false;
}

static struct bicep_expr *bicep_expr(struct bicep_parser *ps)
{
	struct bicep_expr *e, *t;

	if (++ps->depth > DW_LIMIT_DEPTH)
		return bicep_limit(ps, "nesting deeper than " G_STRINGIFY(DW_LIMIT_DEPTH)), NULL;
	e = bicep_binary(ps, 0);
	if (e != NULL && bicep_peek_past_nl(ps, "?")) {
		if ((t = bicep_node(ps, BICEP_TERNARY, e->line)) == NULL)
			return NULL;
		t->a = e;
		t->start = e->start;
		bicep_next(ps);
		bicep_skip_nl(ps);
		if ((t->b = bicep_expr(ps)) == NULL)
			return NULL;
		if (!bicep_peek_past_nl(ps, ":"))
			return bicep_fail(ps, ps->tline, "expected \":\" in a ?: expression, got %s",
			                  bicep_tok_name(ps)), NULL;
		bicep_next(ps);
		bicep_skip_nl(ps);
		if ((t->c = bicep_expr(ps)) == NULL)
			return NULL;
		e = bicep_finish(ps, t);
	}
	ps->depth--;
	return e;
}

/* ---- declarations --------------------------------------------------------- */

/* Decorators (@description(...), @batchSize(2) ...) are read and dropped. */
static bool bicep_decorators(struct bicep_parser *ps)
{
	while (bicep_is(ps, "@")) {
		bicep_next(ps);
		if (bicep_postfix(ps) == NULL)
			return false;
		bicep_skip_nl(ps);
	}
	return true;
}

/* A type, as written after a param or output name: skipped up to "=" or
 * the end of the line outside brackets. */
static bool bicep_skip_type(struct bicep_parser *ps, const char **name_out)
{
	int depth = 0;

	*name_out = ps->tok == TOK_IDENT ? bicep_strndup(ps, ps->tstart, ps->tlen) : NULL;
	while (ps->tok != TOK_EOF) {
		if (depth == 0 && (bicep_is(ps, "=") || ps->tok == TOK_NL))
			break;
		if (bicep_is(ps, "(") || bicep_is(ps, "[") || bicep_is(ps, "{"))
			depth++;
		if (bicep_is(ps, ")") || bicep_is(ps, "]") || bicep_is(ps, "}"))
			depth--;
		if (depth < 0)
			return bicep_fail(ps, ps->tline, "unbalanced %s in a type", ps->op);
		if (ps->tok == TOK_STRING) {
			if (bicep_string(ps) == NULL)
				return false;
			continue;
		}
		bicep_next(ps);
	}
	return ps->error == NULL;
}

/* A declaration's quoted type or path: a string without interpolation. */
static const char *bicep_decl_string(struct bicep_parser *ps, const char *what)
{
	struct bicep_expr *s;

	if (ps->tok != TOK_STRING) {
		bicep_fail(ps, ps->tline, "expected %s, got %s", what, bicep_tok_name(ps));
		return NULL;
	}
	if ((s = bicep_string(ps)) == NULL)
		return NULL;
	if (s->kind != BICEP_STRING) {
		bicep_fail(ps, s->line, "%s cannot be interpolated", what);
		return NULL;
	}
	return s->text;
}

static struct bicep_decl *bicep_decl_new(struct bicep_parser *ps, enum bicep_decl_kind kind)
{
	struct bicep_decl *d = bicep_alloc(ps, 1, sizeof(*d));

	d->kind = kind;
	d->line = ps->tline;
	bicep_next(ps);
	return d;
}

/* resource NAME 'TYPE' [existing] = body; module NAME 'PATH' = body. */
static struct bicep_decl *bicep_resource_decl(struct bicep_parser *ps, bool module)
{
	struct bicep_decl *d = bicep_decl_new(ps, module ? BICEP_DECL_MODULE : BICEP_DECL_RESOURCE);

	if ((d->name = bicep_take_ident(ps, "a symbolic name")) == NULL ||
	    (d->type = bicep_decl_string(ps, module ? "a module path" : "a resource type")) == NULL)
		return NULL;
	if (!module && bicep_is_word(ps, "existing")) {
		d->existing = true;
		bicep_next(ps);
	}
	if (!bicep_expect(ps, "="))
		return NULL;
	bicep_skip_nl(ps);
	d->value = bicep_expr(ps);
	return d->value != NULL ? d : NULL;
}

/* param NAME [TYPE] [= value]; var NAME = value; output NAME TYPE = value. */
static struct bicep_decl *bicep_value_decl(struct bicep_parser *ps, enum bicep_decl_kind kind)
{
	struct bicep_decl *d = bicep_decl_new(ps, kind);
	const char *type = NULL;

	if ((d->name = bicep_take_ident(ps, "a name")) == NULL)
		return NULL;
	if (kind != BICEP_DECL_VAR && !bicep_is(ps, "=")) {
		if (kind == BICEP_DECL_OUTPUT && bicep_is_word(ps, "resource")) {
			bicep_next(ps);
			if (bicep_decl_string(ps, "a resource type") == NULL)
				return NULL;
		} else if (!bicep_skip_type(ps, &type)) {
			return NULL;
		}
	}
	d->type = type;
	if (kind == BICEP_DECL_PARAM && !bicep_is(ps, "="))
		return d;
	if (!bicep_expect(ps, "="))
		return NULL;
	bicep_skip_nl(ps);
	d->value = bicep_expr(ps);
	return d->value != NULL ? d : NULL;
}

/* Statements read and dropped: type, func, import, metadata, targetScope,
 * extension: their text up to the end of the line outside brackets. */
static bool bicep_skip_statement(struct bicep_parser *ps)
{
	const char *ignored;

	bicep_next(ps);
	if (!bicep_skip_type(ps, &ignored))
		return false;
	if (!bicep_is(ps, "="))
		return true;
	bicep_next(ps);
	bicep_skip_nl(ps);
	return bicep_skip_type(ps, &ignored);
}

static bool bicep_statement(struct bicep_parser *ps)
{
	static const char *const skipped[] = { "type", "func", "import", "metadata", "targetScope",
	                                       "extension", "provider", "assert", "extends" };
	struct bicep_decl *d = NULL;

	if (!bicep_decorators(ps))
		return false;
	if (bicep_is_word(ps, "param"))
		d = bicep_value_decl(ps, BICEP_DECL_PARAM);
	else if (bicep_is_word(ps, "var"))
		d = bicep_value_decl(ps, BICEP_DECL_VAR);
	else if (bicep_is_word(ps, "output"))
		d = bicep_value_decl(ps, BICEP_DECL_OUTPUT);
	else if (bicep_is_word(ps, "resource") || bicep_is_word(ps, "module"))
		d = bicep_resource_decl(ps, bicep_is_word(ps, "module"));
	else if (bicep_is_word(ps, "using") && (d = bicep_decl_new(ps, BICEP_DECL_USING)) != NULL)
		d->type = bicep_decl_string(ps, "a template path");
	else {
		for (size_t i = 0; i < G_N_ELEMENTS(skipped); i++) {
			if (bicep_is_word(ps, skipped[i]))
				return bicep_skip_statement(ps);
		}
		return bicep_fail(ps, ps->tline, "expected a declaration (param, var, resource, module, "
		                  "output...), got %s", bicep_tok_name(ps));
	}
	if (d == NULL || (d->kind == BICEP_DECL_USING && d->type == NULL))
		return false;
	g_ptr_array_add(ps->f->decls, d);
	return true;
}

static void bicep_parse_file(struct bicep_parser *ps)
{
	bicep_next(ps);
	for (;;) {
		bicep_skip_nl(ps);
		if (ps->tok == TOK_EOF || ps->error != NULL)
			return;
		if (!bicep_statement(ps))
			return;
		if (ps->tok != TOK_NL && ps->tok != TOK_EOF) {
			bicep_fail(ps, ps->tline, "expected a line break after a declaration, got %s",
			           bicep_tok_name(ps));
			return;
		}
	}
}

void bicep_file_free(struct bicep_file *f)
{
	if (f == NULL)
		return;
	g_ptr_array_unref(f->decls);
	dw_arena_clear(&f->arena_);
	g_string_chunk_free(f->strings_);
	g_free(f->source);
	g_free(f->path);
	g_free(f);
}

bool bicep_parse(struct bicep_file **out, const char *path, const char *data, size_t len, GError **error)
{
	g_autoptr(bicep_file) f = g_new0(struct bicep_file, 1);
	struct bicep_parser ps = { 0 };

	f->path = g_strdup(path);
	f->decls = g_ptr_array_new();
	dw_arena_init(&f->arena_);
	f->strings_ = g_string_chunk_new(4096);
	if (len > dw_limit_file_bytes()) {
		dw_set_error_too_large(error, path, dw_limit_file_bytes());
		return false;
	}
	f->source = g_malloc(len + 1);
	if (len > 0)
		memcpy(f->source, data, len);
	f->source[len] = '\0';
	f->len = len;
	ps.f = f;
	ps.data = f->source;
	ps.p = f->source;
	ps.end = f->source + len;
	ps.line = 1;
	if (len >= 3 && memcmp(ps.p, "\xef\xbb\xbf", 3) == 0)
		ps.p += 3;
	bicep_parse_file(&ps);
	if (ps.error != NULL) {
		g_propagate_error(error, ps.error);
		return false;
	}
	*out = g_steal_pointer(&f);
	return true;
}

const struct bicep_expr *bicep_object_get(const struct bicep_expr *obj, const char *key)
{
	if (obj == NULL || obj->kind != BICEP_OBJECT)
		return NULL;
	for (size_t i = obj->n; i > 0; i--) {
		if (strcmp(obj->keys[i - 1], key) == 0)
			return obj->items[i - 1];
	}
	return NULL;
}
