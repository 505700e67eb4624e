/*
 * hcl_parse.c - the HCL2 native syntax parser: a lexer producing one token
 * at a time from the bytes, and a recursive-descent parser over it that
 * builds the tree of hcl.h.
 *
 * Follows HashiCorp's "HCL Native Syntax Specification" (hclsyntax/spec.md)
 * and, where the spec is silent, what hclsyntax does, checked against it by
 * tests/e2e/test_hcl_diff.sh:
 *  - newlines end an attribute; inside () and [] and ${} they are spaces;
 *    inside an object constructor {} they separate items again;
 *  - quoted strings may not span lines; heredocs "<<-" remove the smallest
 *    indentation of their non-blank lines (counted in characters);
 *  - identifiers are ASCII letters, digits, "_" and "-" plus any non-ASCII
 *    character (hclsyntax uses Unicode ID_Start/ID_Continue).
 * Only the first problem is reported: after a syntax error the position of
 * later ones is guesswork.
 *
 * Every node lives in the file's arena; recursion is bounded by
 * DW_LIMIT_DEPTH, nodes by DW_LIMIT_NODES.
 */
#include "hcl.h"

#include <stdint.h>
#include <string.h>

enum hcl_tok {
	TOK_EOF,
	TOK_NEWLINE,
	TOK_IDENT,
	TOK_NUMBER,
	TOK_QUOTE,     /* opening " of a template */
	TOK_HEREDOC,   /* <<EOT or <<-EOT */
	TOK_LBRACE, TOK_RBRACE, TOK_LBRACK, TOK_RBRACK, TOK_LPAREN, TOK_RPAREN,
	TOK_ASSIGN,    /* = */
	TOK_COLON, TOK_COMMA, TOK_DOT, TOK_ELLIPSIS, TOK_QUESTION, TOK_ARROW,
	TOK_TILDE,
	TOK_OP,        /* an operator: tok.op */
	TOK_INVALID,
};

struct hcl_token {
	enum hcl_tok type;
	enum hcl_op op;          /* TOK_OP */
	size_t start, end;       /* bytes of the token */
	unsigned line, column;
};

/* The heredoc being read, for "<<-": where its lines start. */
struct hcl_heredoc_lines {
	GArray *starts;          /* struct hcl_line_start */
};

struct hcl_line_start {
	struct hcl_expr *literal;  /* the literal part the line starts in, or NULL */
	const void *pending;       /* the template whose literal is not yet a part */
	size_t offset;             /* byte offset of the line in that literal */
};

struct hcl_parser {
	struct hcl_file *file;
	const char *data;
	size_t len;
	size_t pos;
	unsigned line;
	size_t line_start;       /* offset of the current line's first byte */
	bool newlines;           /* newlines are tokens here */
	unsigned depth;
	struct hcl_heredoc_lines *heredoc;
	GError *error;           /* the first problem */
};

static const char *hcl_op_text[] = {
	[HCL_OP_NOT] = "!", [HCL_OP_NEG] = "-", [HCL_OP_OR] = "||", [HCL_OP_AND] = "&&",
	[HCL_OP_EQ] = "==", [HCL_OP_NE] = "!=", [HCL_OP_LT] = "<", [HCL_OP_LE] = "<=",
	[HCL_OP_GT] = ">", [HCL_OP_GE] = ">=", [HCL_OP_ADD] = "+", [HCL_OP_SUB] = "-",
	[HCL_OP_MUL] = "*", [HCL_OP_DIV] = "/", [HCL_OP_MOD] = "%",
};

/* Binary operators by precedence level, lowest first (spec, "Operations"). */
static int hcl_op_level(enum hcl_op op)
{
	switch (op) {
	case HCL_OP_OR: return 1;
	case HCL_OP_AND: return 2;
	case HCL_OP_EQ: case HCL_OP_NE: return 3;
	case HCL_OP_LT: case HCL_OP_LE: case HCL_OP_GT: case HCL_OP_GE: return 4;
	case HCL_OP_ADD: case HCL_OP_SUB: return 5;
	case HCL_OP_MUL: case HCL_OP_DIV: case HCL_OP_MOD: return 6;
	case HCL_OP_NOT: case HCL_OP_NEG: break;
	}
	return 0;
}
#define HCL_LEVEL_MAX 6

/* ---- arena ---- */

static void hcl_array_unref(gpointer array)
{
	g_ptr_array_unref(array);
}

static struct hcl_file *hcl_file_new(const char *path)
{
	struct hcl_file *f = g_new0(struct hcl_file, 1);

	f->path = g_strdup(path);
	dw_arena_init(&f->arena_);
	f->arrays_ = g_ptr_array_new_with_free_func(hcl_array_unref);
	f->strings_ = g_string_chunk_new(4096);
	return f;
}

void hcl_file_free(struct hcl_file *file)
{
	if (file == NULL)
		return;
	g_ptr_array_unref(file->arrays_);
	dw_arena_clear(&file->arena_);
	g_string_chunk_free(file->strings_);
	g_free(file->path);
	g_free(file);
}

static bool hcl_fail(struct hcl_parser *p, int code, unsigned line, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static bool hcl_fail(struct hcl_parser *p, int code, unsigned line, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *what = NULL;

	if (p->error != NULL)
		return false;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(&p->error, DW_ERROR, code, "%s:%u: %s", p->file->path, line, what);
	return false;
}

/* Counts a node against DW_LIMIT_NODES; false once past it. */
static bool hcl_count(struct hcl_parser *p, unsigned line)
{
	if (++p->file->nodes_ <= DW_LIMIT_NODES)
		return true;
	return hcl_fail(p, DW_ERROR_LIMIT, line, "more than %zu syntax nodes", DW_LIMIT_NODES);
}

static void *hcl_alloc(struct hcl_parser *p, size_t size)
{
	return dw_arena_alloc0_n(&p->file->arena_, 1, size);
}

static GPtrArray *hcl_array(struct hcl_parser *p)
{
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(p->file->arrays_, a);
	return a;
}

static const char *hcl_strndup(struct hcl_parser *p, const char *s, size_t len)
{
#ifdef HCL_DEBUG_ARENA
	char *copy = hcl_alloc(p, len + 1);

	memcpy(copy, s, len);
	return copy;
#else
	return g_string_chunk_insert_len(p->file->strings_, s, (gssize)len);
#endif
}

static struct hcl_expr *hcl_expr_new(struct hcl_parser *p, enum hcl_expr_kind kind,
                                     const struct hcl_token *at)
{
	struct hcl_expr *e;

	if (!hcl_count(p, at->line))
		return NULL;
	e = hcl_alloc(p, sizeof(*e));
	e->kind = kind;
	e->line = at->line;
	e->column = at->column;
	e->start = at->start;
	e->end = at->end;
	return e;
}

/* ---- lexer ---- */

static bool hcl_is_ident_start(unsigned char c)
{
	return g_ascii_isalpha(c) || c == '_' || c >= 0x80;
}

static bool hcl_is_ident_char(unsigned char c)
{
	return hcl_is_ident_start(c) || g_ascii_isdigit(c) || c == '-';
}

/* Moves to offset to, counting the newlines passed. */
static void hcl_seek(struct hcl_parser *p, size_t to)
{
	while (p->pos < to) {
		const char *nl = memchr(p->data + p->pos, '\n', to - p->pos);

		if (nl == NULL) {
			p->pos = to;
			break;
		}
		p->pos = (size_t)(nl - p->data) + 1;
		p->line++;
		p->line_start = p->pos;
	}
}

static unsigned hcl_column(const struct hcl_parser *p, size_t at)
{
	/* at is on the current line or a later one: count from its own line start */
	size_t ls = p->line_start;

	for (size_t i = p->pos; i < at; i++)
		if (p->data[i] == '\n')
			ls = i + 1;
	return (unsigned)MIN(at - ls + 1, (size_t)G_MAXUINT);
}

static unsigned hcl_line_at(const struct hcl_parser *p, size_t at)
{
	unsigned line = p->line;

	for (size_t i = p->pos; i < at; i++)
		if (p->data[i] == '\n')
			line++;
	return line;
}

/* Offset of the first byte after the spaces and comments at from; stops
 * at a newline when newlines are tokens. Sets *unterminated on an open
 * block comment. */
static size_t hcl_skip_space(const struct hcl_parser *p, size_t at, bool *unterminated)
{
	const char *d = p->data;

	*unterminated = false;
	while (at < p->len) {
		char c = d[at];

		if (c == ' ' || c == '\t' || c == '\r') {
			at++;
		} else if (c == '\n' && !p->newlines) {
			at++;
		} else if (c == '#' || (c == '/' && at + 1 < p->len && d[at + 1] == '/')) {
			const char *nl = memchr(d + at, '\n', p->len - at);

			at = nl ? (size_t)(nl - d) : p->len;
		} else if (c == '/' && at + 1 < p->len && d[at + 1] == '*') {
			size_t i = at + 2;

			while (i + 1 < p->len && !(d[i] == '*' && d[i + 1] == '/'))
				i++;
			if (i + 1 >= p->len) {
				*unterminated = true;
				return at;
			}
			at = i + 2;
		} else {
			break;
		}
	}
	return at;
}

static size_t hcl_scan_number(const struct hcl_parser *p, size_t i)
{
	const char *d = p->data;

	while (i < p->len && g_ascii_isdigit(d[i]))
		i++;
	if (i + 1 < p->len && d[i] == '.' && g_ascii_isdigit(d[i + 1])) {
		i++;
		while (i < p->len && g_ascii_isdigit(d[i]))
			i++;
	}
	if (i < p->len && (d[i] == 'e' || d[i] == 'E')) {
		size_t j = i + 1;

		if (j < p->len && (d[j] == '+' || d[j] == '-'))
			j++;
		if (j < p->len && g_ascii_isdigit(d[j])) {
			i = j;
			while (i < p->len && g_ascii_isdigit(d[i]))
				i++;
		}
	}
	return i;
}

static size_t hcl_scan_ident(const struct hcl_parser *p, size_t i)
{
	const char *d = p->data;

	for (;;) {
		while (i < p->len && hcl_is_ident_char((unsigned char)d[i]))
			i++;
		/* provider::name::function, a provider-defined function */
		if (i + 2 < p->len && d[i] == ':' && d[i + 1] == ':' &&
		    hcl_is_ident_start((unsigned char)d[i + 2]))
			i += 2;
		else
			return i;
	}
}

/* The token at the current position, without consuming it. */
static void hcl_peek(struct hcl_parser *p, struct hcl_token *t)
{
	const char *d = p->data;
	bool unterminated;
	size_t i = hcl_skip_space(p, p->pos, &unterminated);
	char c, n;

	memset(t, 0, sizeof(*t));
	t->start = i;
	t->line = hcl_line_at(p, i);
	t->column = hcl_column(p, i);
	if (unterminated) {
		t->type = TOK_INVALID;
		t->end = i + 2;
		return;
	}
	if (i >= p->len) {
		t->type = TOK_EOF;
		t->end = i;
		return;
	}
	c = d[i];
	n = i + 1 < p->len ? d[i + 1] : '\0';
	t->end = i + 1;
	switch (c) {
	case '\n': t->type = TOK_NEWLINE; return;
	case '"': t->type = TOK_QUOTE; return;
	case '{': t->type = TOK_LBRACE; return;
	case '}': t->type = TOK_RBRACE; return;
	case '[': t->type = TOK_LBRACK; return;
	case ']': t->type = TOK_RBRACK; return;
	case '(': t->type = TOK_LPAREN; return;
	case ')': t->type = TOK_RPAREN; return;
	case ':': t->type = TOK_COLON; return;
	case ',': t->type = TOK_COMMA; return;
	case '?': t->type = TOK_QUESTION; return;
	case '~': t->type = TOK_TILDE; return;
	case '+': t->type = TOK_OP; t->op = HCL_OP_ADD; return;
	case '-': t->type = TOK_OP; t->op = HCL_OP_SUB; return;
	case '*': t->type = TOK_OP; t->op = HCL_OP_MUL; return;
	case '/': t->type = TOK_OP; t->op = HCL_OP_DIV; return;
	case '%': t->type = TOK_OP; t->op = HCL_OP_MOD; return;
	case '.':
		if (n == '.' && i + 2 < p->len && d[i + 2] == '.') {
			t->type = TOK_ELLIPSIS;
			t->end = i + 3;
		} else {
			t->type = TOK_DOT;
		}
		return;
	case '=':
		t->type = n == '=' ? TOK_OP : n == '>' ? TOK_ARROW : TOK_ASSIGN;
		t->op = HCL_OP_EQ;
		t->end = i + (n == '=' || n == '>' ? 2 : 1);
		return;
	case '!':
		t->type = TOK_OP;
		t->op = n == '=' ? HCL_OP_NE : HCL_OP_NOT;
		t->end = i + (n == '=' ? 2 : 1);
		return;
	case '>':
		t->type = TOK_OP;
		t->op = n == '=' ? HCL_OP_GE : HCL_OP_GT;
		t->end = i + (n == '=' ? 2 : 1);
		return;
	case '<':
		if (n == '<') {
			t->type = TOK_HEREDOC;
			t->end = i + 2;
			return;
		}
		t->type = TOK_OP;
		t->op = n == '=' ? HCL_OP_LE : HCL_OP_LT;
		t->end = i + (n == '=' ? 2 : 1);
		return;
	case '&':
	case '|':
		if (n == c) {
			t->type = TOK_OP;
			t->op = c == '&' ? HCL_OP_AND : HCL_OP_OR;
			t->end = i + 2;
			return;
		}
		t->type = TOK_INVALID;
		return;
	default:
		break;
	}
	if (g_ascii_isdigit(c)) {
		t->type = TOK_NUMBER;
		t->end = hcl_scan_number(p, i);
	} else if (hcl_is_ident_start((unsigned char)c)) {
		t->type = TOK_IDENT;
		t->end = hcl_scan_ident(p, i);
	} else {
		t->type = TOK_INVALID;
	}
}

static void hcl_take(struct hcl_parser *p, const struct hcl_token *t)
{
	hcl_seek(p, t->end);
}

/* A short printable description of a token for messages. */
static char *hcl_token_describe(const struct hcl_parser *p, const struct hcl_token *t)
{
	size_t len = MIN(t->end - t->start, (size_t)32);
	g_autofree char *text = NULL;

	switch (t->type) {
	case TOK_EOF: return g_strdup("end of file");
	case TOK_NEWLINE: return g_strdup("newline");
	case TOK_QUOTE: return g_strdup("a string");
	case TOK_HEREDOC: return g_strdup("a heredoc");
	default: break;
	}
	if (t->start >= p->len)
		return g_strdup("end of file");
	len = MAX(len, (size_t)1);
	if (t->type == TOK_INVALID && (unsigned char)p->data[t->start] < 0x20)
		return g_strdup_printf("character 0x%02x", (unsigned char)p->data[t->start]);
	if (t->type == TOK_INVALID && t->end - t->start == 2 && p->data[t->start] == '/')
		return g_strdup("an unterminated /* comment");
	if (t->type == TOK_INVALID && !g_ascii_isprint(p->data[t->start]))
		return g_strdup_printf("character 0x%02x", (unsigned char)p->data[t->start]);
	/* the input is valid UTF-8: cut at a character boundary */
	len = MIN(len, p->len - t->start);
	text = g_utf8_make_valid(p->data + t->start, (gssize)len);
	return g_strdup_printf("'%s'", text);
}

static bool hcl_unexpected(struct hcl_parser *p, const struct hcl_token *t, const char *expected)
{
	g_autofree char *got = hcl_token_describe(p, t);

	return hcl_fail(p, DW_ERROR_PARSE, t->line, "expected %s, got %s", expected, got);
}

/* Consumes a token of type type, or fails saying what was expected. */
static bool hcl_expect(struct hcl_parser *p, enum hcl_tok type, const char *expected,
                       struct hcl_token *out)
{
	struct hcl_token t;

	hcl_peek(p, &t);
	if (t.type != type)
		return hcl_unexpected(p, &t, expected);
	hcl_take(p, &t);
	if (out)
		*out = t;
	return true;
}

static bool hcl_token_is(const struct hcl_parser *p, const struct hcl_token *t, const char *word)
{
	size_t n = strlen(word);

	return t->type == TOK_IDENT && t->end - t->start == n &&
	       memcmp(p->data + t->start, word, n) == 0;
}

static const char *hcl_token_text(struct hcl_parser *p, const struct hcl_token *t)
{
	return hcl_strndup(p, p->data + t->start, t->end - t->start);
}

static bool hcl_enter(struct hcl_parser *p, unsigned line)
{
	if (++p->depth <= DW_LIMIT_DEPTH)
		return true;
	return hcl_fail(p, DW_ERROR_LIMIT, line, "nesting deeper than %u", DW_LIMIT_DEPTH);
}

/* ---- expressions ---- */

static struct hcl_expr *hcl_parse_expr(struct hcl_parser *p);
static struct hcl_expr *hcl_parse_template(struct hcl_parser *p, const struct hcl_token *open);
static struct hcl_expr *hcl_parse_heredoc(struct hcl_parser *p, const struct hcl_token *open);

static void hcl_finish(struct hcl_parser *p, struct hcl_expr *e)
{
	/* the end of the last token taken */
	e->end = MAX(e->end, p->pos);
}

static bool hcl_is_for(struct hcl_parser *p)
{
	struct hcl_token t, u;
	size_t saved_pos = p->pos, saved_ls = p->line_start;
	unsigned saved_line = p->line;
	bool saved_nl = p->newlines;

	p->newlines = false;
	hcl_peek(p, &t);
	if (hcl_token_is(p, &t, "for")) {
		hcl_take(p, &t);
		hcl_peek(p, &u);
	}
	p->pos = saved_pos;
	p->line_start = saved_ls;
	p->line = saved_line;
	p->newlines = saved_nl;
	return hcl_token_is(p, &t, "for") && u.type == TOK_IDENT;
}

/* [for k, v in coll : value if cond] / {for k, v in coll : key => value... if cond},
 * after the opening bracket. */
static struct hcl_expr *hcl_parse_for(struct hcl_parser *p, const struct hcl_token *open,
                                      bool object)
{
	struct hcl_expr *e = hcl_expr_new(p, HCL_EXPR_FOR, open);
	struct hcl_token t;
	bool saved = p->newlines;
	const char *close = object ? "'}'" : "']'";

	if (e == NULL)
		return NULL;
	p->newlines = false;
	e->for_expr.object = object;
	hcl_expect(p, TOK_IDENT, "'for'", &t);
	if (!hcl_expect(p, TOK_IDENT, "a variable name after 'for'", &t))
		goto out;
	e->for_expr.value_var = hcl_token_text(p, &t);
	hcl_peek(p, &t);
	if (t.type == TOK_COMMA) {
		hcl_take(p, &t);
		if (!hcl_expect(p, TOK_IDENT, "a second variable name", &t))
			goto out;
		e->for_expr.key_var = e->for_expr.value_var;
		e->for_expr.value_var = hcl_token_text(p, &t);
	}
	hcl_peek(p, &t);
	if (!hcl_token_is(p, &t, "in")) {
		hcl_unexpected(p, &t, "'in'");
		goto out;
	}
	hcl_take(p, &t);
	if ((e->for_expr.collection = hcl_parse_expr(p)) == NULL ||
	    !hcl_expect(p, TOK_COLON, "':'", NULL))
		goto out;
	if (object) {
		if ((e->for_expr.key = hcl_parse_expr(p)) == NULL ||
		    !hcl_expect(p, TOK_ARROW, "'=>'", NULL))
			goto out;
	}
	if ((e->for_expr.value = hcl_parse_expr(p)) == NULL)
		goto out;
	hcl_peek(p, &t);
	if (object && t.type == TOK_ELLIPSIS) {
		e->for_expr.grouping = true;
		hcl_take(p, &t);
		hcl_peek(p, &t);
	}
	if (hcl_token_is(p, &t, "if")) {
		hcl_take(p, &t);
		if ((e->for_expr.cond = hcl_parse_expr(p)) == NULL)
			goto out;
		hcl_peek(p, &t);
	}
	if (t.type != (object ? TOK_RBRACE : TOK_RBRACK)) {
		hcl_unexpected(p, &t, close);
		goto out;
	}
	hcl_take(p, &t);
	hcl_finish(p, e);
out:
	p->newlines = saved;
	return p->error ? NULL : e;
}

/* [a, b, c] after the "[". */
static struct hcl_expr *hcl_parse_tuple(struct hcl_parser *p, const struct hcl_token *open)
{
	struct hcl_expr *e = hcl_expr_new(p, HCL_EXPR_TUPLE, open);
	struct hcl_token t;
	bool saved = p->newlines;

	if (e == NULL)
		return NULL;
	e->items = hcl_array(p);
	p->newlines = false;
	for (;;) {
		struct hcl_expr *item;

		hcl_peek(p, &t);
		if (t.type == TOK_RBRACK)
			break;
		if ((item = hcl_parse_expr(p)) == NULL)
			goto out;
		g_ptr_array_add(e->items, item);
		hcl_peek(p, &t);
		if (t.type == TOK_COMMA) {
			hcl_take(p, &t);
			continue;
		}
		if (t.type != TOK_RBRACK) {
			hcl_unexpected(p, &t, "',' or ']'");
			goto out;
		}
	}
	hcl_take(p, &t);
	hcl_finish(p, e);
out:
	p->newlines = saved;
	return p->error ? NULL : e;
}

/* {k = v, k: v} after the "{"; items end with a comma or a newline. */
static struct hcl_expr *hcl_parse_object(struct hcl_parser *p, const struct hcl_token *open)
{
	struct hcl_expr *e = hcl_expr_new(p, HCL_EXPR_OBJECT, open);
	struct hcl_token t;
	bool saved = p->newlines;

	if (e == NULL)
		return NULL;
	e->object.items = hcl_array(p);
	p->newlines = true;
	for (;;) {
		struct hcl_object_item *item;
		struct hcl_expr *key;

		for (hcl_peek(p, &t); t.type == TOK_NEWLINE; hcl_peek(p, &t))
			hcl_take(p, &t);
		if (t.type == TOK_RBRACE)
			break;
		if (t.type == TOK_EOF) {
			hcl_unexpected(p, &t, "an object key or '}'");
			goto out;
		}
		if (!hcl_count(p, t.line))
			goto out;
		item = hcl_alloc(p, sizeof(*item));
		item->line = t.line;
		item->column = t.column;
		/* The key ends at "=" or ":"; a newline inside it is an error. */
		if ((key = hcl_parse_expr(p)) == NULL)
			goto out;
		if (key->kind == HCL_EXPR_TRAVERSAL && key->traversal.root != NULL &&
		    key->traversal.steps->len == 0) {
			key->kind = HCL_EXPR_STRING;
			key->string.text = key->traversal.root;
			key->string.len = strlen(key->traversal.root);
			item->key_bare = true;
		}
		item->key = key;
		hcl_peek(p, &t);
		if (t.type != TOK_ASSIGN && t.type != TOK_COLON) {
			hcl_unexpected(p, &t, "'=' or ':' after an object key");
			goto out;
		}
		item->colon = t.type == TOK_COLON;
		hcl_take(p, &t);
		if ((item->value = hcl_parse_expr(p)) == NULL)
			goto out;
		g_ptr_array_add(e->object.items, item);
		hcl_peek(p, &t);
		if (t.type == TOK_COMMA || t.type == TOK_NEWLINE) {
			hcl_take(p, &t);
			continue;
		}
		if (t.type != TOK_RBRACE) {
			hcl_unexpected(p, &t, "',', a newline or '}'");
			goto out;
		}
	}
	hcl_take(p, &t);
	hcl_finish(p, e);
out:
	p->newlines = saved;
	return p->error ? NULL : e;
}

/* name(args...) after the name; t is the name. */
static struct hcl_expr *hcl_parse_call(struct hcl_parser *p, const struct hcl_token *name)
{
	struct hcl_expr *e = hcl_expr_new(p, HCL_EXPR_CALL, name);
	struct hcl_token t;
	bool saved = p->newlines;

	if (e == NULL)
		return NULL;
	e->call.name = hcl_token_text(p, name);
	e->call.args = hcl_array(p);
	p->newlines = false;
	hcl_expect(p, TOK_LPAREN, "'('", &t);
	for (;;) {
		struct hcl_expr *arg;

		hcl_peek(p, &t);
		if (t.type == TOK_RPAREN)
			break;
		if ((arg = hcl_parse_expr(p)) == NULL)
			goto out;
		g_ptr_array_add(e->call.args, arg);
		hcl_peek(p, &t);
		if (t.type == TOK_ELLIPSIS) {
			e->call.expand_final = true;
			hcl_take(p, &t);
			hcl_peek(p, &t);
			if (t.type == TOK_COMMA) {
				hcl_take(p, &t);
				hcl_peek(p, &t);
			}
			if (t.type != TOK_RPAREN) {
				hcl_unexpected(p, &t, "')' after the expanded argument");
				goto out;
			}
			break;
		}
		if (t.type == TOK_COMMA) {
			hcl_take(p, &t);
			continue;
		}
		if (t.type != TOK_RPAREN) {
			hcl_unexpected(p, &t, "',' or ')'");
			goto out;
		}
	}
	hcl_take(p, &t);
	hcl_finish(p, e);
out:
	p->newlines = saved;
	return p->error ? NULL : e;
}

static struct hcl_expr *hcl_parse_term(struct hcl_parser *p)
{
	struct hcl_token t;
	struct hcl_expr *e;
	bool saved;

	hcl_peek(p, &t);
	switch (t.type) {
	case TOK_NUMBER:
		hcl_take(p, &t);
		if ((e = hcl_expr_new(p, HCL_EXPR_NUMBER, &t)) == NULL)
			return NULL;
		e->string.text = hcl_token_text(p, &t);
		e->string.len = t.end - t.start;
		return e;
	case TOK_IDENT: {
		struct hcl_token u;

		hcl_take(p, &t);
		hcl_peek(p, &u);
		if (u.type == TOK_LPAREN)
			return hcl_parse_call(p, &t);
		if (hcl_token_is(p, &t, "true") || hcl_token_is(p, &t, "false")) {
			if ((e = hcl_expr_new(p, HCL_EXPR_BOOL, &t)) != NULL)
				e->boolean = p->data[t.start] == 't';
			return e;
		}
		if (hcl_token_is(p, &t, "null"))
			return hcl_expr_new(p, HCL_EXPR_NULL, &t);
		if ((e = hcl_expr_new(p, HCL_EXPR_TRAVERSAL, &t)) == NULL)
			return NULL;
		e->traversal.root = hcl_token_text(p, &t);
		e->traversal.steps = hcl_array(p);
		return e;
	}
	case TOK_LPAREN:
		hcl_take(p, &t);
		if ((e = hcl_expr_new(p, HCL_EXPR_PAREN, &t)) == NULL)
			return NULL;
		saved = p->newlines;
		p->newlines = false;
		e->paren = hcl_parse_expr(p);
		if (e->paren != NULL)
			hcl_expect(p, TOK_RPAREN, "')'", NULL);
		p->newlines = saved;
		hcl_finish(p, e);
		return p->error ? NULL : e;
	case TOK_LBRACK:
		hcl_take(p, &t);
		return hcl_is_for(p) ? hcl_parse_for(p, &t, false) : hcl_parse_tuple(p, &t);
	case TOK_LBRACE:
		hcl_take(p, &t);
		return hcl_is_for(p) ? hcl_parse_for(p, &t, true) : hcl_parse_object(p, &t);
	case TOK_QUOTE:
		hcl_take(p, &t);
		return hcl_parse_template(p, &t);
	case TOK_HEREDOC:
		hcl_take(p, &t);
		return hcl_parse_heredoc(p, &t);
	default:
		hcl_unexpected(p, &t, "an expression");
		return NULL;
	}
}

/* Whether the steps end inside an attribute-only splat: a ".*" followed
 * by nothing but ".name" and ".0" steps, which it applies to each element
 * (hclsyntax refuses another splat there). */
static bool hcl_in_attr_splat(GPtrArray *steps)
{
	for (guint i = steps->len; i-- > 0;) {
		const struct hcl_step *s = steps->pdata[i];

		if (s->kind == HCL_STEP_SPLAT_ATTR)
			return true;
		if (s->kind != HCL_STEP_ATTR && !(s->kind == HCL_STEP_INDEX && s->legacy_dot))
			return false;
	}
	return false;
}

/* .name .0 .* [expr] [*] after a term. */
static bool hcl_parse_step(struct hcl_parser *p, struct hcl_expr *e, const struct hcl_token *t)
{
	struct hcl_step *step;
	struct hcl_token u;

	if (!hcl_count(p, t->line))
		return false;
	step = hcl_alloc(p, sizeof(*step));
	step->line = t->line;
	step->column = t->column;
	hcl_take(p, t);
	if (t->type == TOK_DOT) {
		/* no space is allowed after the dot in practice; hclsyntax permits it */
		hcl_peek(p, &u);
		if (u.type == TOK_IDENT) {
			step->kind = HCL_STEP_ATTR;
			step->name = hcl_token_text(p, &u);
		} else if (u.type == TOK_OP && u.op == HCL_OP_MUL) {
			if (hcl_in_attr_splat(e->traversal.steps))
				return hcl_fail(p, DW_ERROR_PARSE, u.line,
				                "a splat (*) cannot be nested in an attribute-only splat (.*)");
			step->kind = HCL_STEP_SPLAT_ATTR;
		} else if (u.type == TOK_NUMBER) {
			/* legacy index a.0: digits only, so "a.0.1" is two steps */
			size_t end = u.start;
			struct hcl_expr *index;

			while (end < p->len && g_ascii_isdigit(p->data[end]))
				end++;
			if (end + 1 < p->len && p->data[end] == '.' && g_ascii_isdigit(p->data[end + 1]))
				return hcl_fail(p, DW_ERROR_PARSE, u.line,
				                "legacy indexes cannot be chained (.0.0); write [0][0]");
			u.end = end;
			if ((index = hcl_expr_new(p, HCL_EXPR_NUMBER, &u)) == NULL)
				return false;
			index->string.text = hcl_token_text(p, &u);
			index->string.len = u.end - u.start;
			step->kind = HCL_STEP_INDEX;
			step->index = index;
			step->legacy_dot = true;
		} else {
			return hcl_unexpected(p, &u, "an attribute name after '.'");
		}
		hcl_take(p, &u);
	} else {
		bool saved = p->newlines;
		struct hcl_token v;

		p->newlines = false;
		hcl_peek(p, &u);
		if (u.type == TOK_OP && u.op == HCL_OP_MUL) {
			hcl_take(p, &u);
			hcl_peek(p, &v);
			if (v.type == TOK_RBRACK) {
				step->kind = HCL_STEP_SPLAT_FULL;
			} else {
				p->newlines = saved;
				return hcl_unexpected(p, &v, "']' after '[*'");
			}
		} else {
			step->kind = HCL_STEP_INDEX;
			step->index = hcl_parse_expr(p);
		}
		if (!p->error)
			hcl_expect(p, TOK_RBRACK, "']'", NULL);
		p->newlines = saved;
		if (p->error)
			return false;
	}
	g_ptr_array_add(e->traversal.steps, step);
	hcl_finish(p, e);
	return true;
}

/* A term and the attribute, index and splat steps after it. */
static struct hcl_expr *hcl_parse_postfix(struct hcl_parser *p)
{
	struct hcl_expr *e = hcl_parse_term(p);
	struct hcl_token t;

	while (e != NULL) {
		hcl_peek(p, &t);
		if (t.type != TOK_DOT && t.type != TOK_LBRACK)
			break;
		if (e->kind != HCL_EXPR_TRAVERSAL) {
			struct hcl_token at = { .line = e->line, .column = e->column, .start = e->start,
			                        .end = e->end };
			struct hcl_expr *source = e;

			if ((e = hcl_expr_new(p, HCL_EXPR_TRAVERSAL, &at)) == NULL)
				return NULL;
			e->traversal.source = source;
			e->traversal.steps = hcl_array(p);
		}
		if (!hcl_parse_step(p, e, &t))
			return NULL;
	}
	return e;
}

static struct hcl_expr *hcl_parse_unary(struct hcl_parser *p)
{
	struct hcl_token t;
	struct hcl_expr *e;

	hcl_peek(p, &t);
	if (t.type != TOK_OP || (t.op != HCL_OP_SUB && t.op != HCL_OP_NOT))
		return hcl_parse_postfix(p);
	hcl_take(p, &t);
	if (!hcl_enter(p, t.line))
		return NULL;
	if ((e = hcl_expr_new(p, HCL_EXPR_UNARY, &t)) != NULL) {
		e->op.op = t.op == HCL_OP_SUB ? HCL_OP_NEG : HCL_OP_NOT;
		e->op.right = hcl_parse_unary(p);
		hcl_finish(p, e);
	}
	p->depth--;
	return p->error ? NULL : e;
}

/* Left-associative binary operators of level and above. */
static struct hcl_expr *hcl_parse_binary(struct hcl_parser *p, int level)
{
	struct hcl_expr *left;
	struct hcl_token t;

	if (level > HCL_LEVEL_MAX)
		return hcl_parse_unary(p);
	if ((left = hcl_parse_binary(p, level + 1)) == NULL)
		return NULL;
	for (;;) {
		struct hcl_expr *e;
		struct hcl_token at;

		hcl_peek(p, &t);
		if (t.type != TOK_OP || hcl_op_level(t.op) != level)
			return left;
		hcl_take(p, &t);
		at = (struct hcl_token){ .line = left->line, .column = left->column,
		                         .start = left->start, .end = left->end };
		if ((e = hcl_expr_new(p, HCL_EXPR_BINARY, &at)) == NULL)
			return NULL;
		e->op.op = t.op;
		e->op.left = left;
		if ((e->op.right = hcl_parse_binary(p, level + 1)) == NULL)
			return NULL;
		hcl_finish(p, e);
		left = e;
	}
}

static struct hcl_expr *hcl_parse_expr(struct hcl_parser *p)
{
	struct hcl_expr *cond, *e = NULL;
	struct hcl_token t;

	hcl_peek(p, &t);
	if (!hcl_enter(p, t.line))
		return NULL;
	if ((cond = hcl_parse_binary(p, 1)) == NULL)
		goto out;
	hcl_peek(p, &t);
	if (t.type != TOK_QUESTION) {
		e = cond;
		goto out;
	}
	hcl_take(p, &t);
	t = (struct hcl_token){ .line = cond->line, .column = cond->column,
	                        .start = cond->start, .end = cond->end };
	if ((e = hcl_expr_new(p, HCL_EXPR_CONDITIONAL, &t)) == NULL)
		goto out;
	e->cond.cond = cond;
	if ((e->cond.then_expr = hcl_parse_expr(p)) == NULL ||
	    !hcl_expect(p, TOK_COLON, "':' in a conditional", NULL) ||
	    (e->cond.else_expr = hcl_parse_expr(p)) == NULL)
		e = NULL;
	else
		hcl_finish(p, e);
out:
	p->depth--;
	return p->error ? NULL : e;
}

/* ---- templates ---- */

enum hcl_template_end {
	HCL_END_CLOSE,   /* closing quote or heredoc marker */
	HCL_END_ELSE,
	HCL_END_ENDIF,
	HCL_END_ENDFOR,
};

struct hcl_template {
	bool heredoc;
	const char *marker;      /* heredoc */
	size_t marker_len;
	unsigned open_line;
	GPtrArray *parts;
	GString *lit;            /* pending literal text */
	size_t lit_start;        /* its first byte in the source */
	unsigned lit_line, lit_column;
	bool strip_next;         /* a "~}" before: drop the next literal's leading spaces */
	unsigned literals;       /* parts that are literal text */
	bool keep_empty;         /* a strip marker emptied the pending literal: it stays a
	                          * part, as in hclsyntax, so " ${~x}" is no lone "${x}" */
};

static void hcl_template_line_start(struct hcl_parser *p, struct hcl_template *tp)
{
	/* the literal is filled in when it becomes a part (hcl_template_resolve) */
	struct hcl_line_start ls = { NULL, tp, tp->lit->len };

	if (p->heredoc != NULL)
		g_array_append_val(p->heredoc->starts, ls);
}

/* Points the line starts waiting for tp's pending literal at lit (NULL: the
 * literal was empty, the line starts at an interpolation or directive).
 * Every literal is flushed before a nested template starts, so those
 * waiting are the last ones. */
static void hcl_template_resolve(struct hcl_parser *p, struct hcl_template *tp,
                                 struct hcl_expr *lit)
{
	GArray *starts = p->heredoc ? p->heredoc->starts : NULL;

	for (guint i = starts ? starts->len : 0; i-- > 0;) {
		struct hcl_line_start *ls = &g_array_index(starts, struct hcl_line_start, i);

		if (ls->pending != tp)
			break;
		ls->literal = lit;
		ls->pending = NULL;
	}
}

/* Turns the pending literal text into a part. */
static bool hcl_template_flush(struct hcl_parser *p, struct hcl_template *tp)
{
	struct hcl_expr *lit;
	struct hcl_token at = { .line = tp->lit_line, .column = tp->lit_column,
	                        .start = tp->lit_start, .end = p->pos };

	if (tp->lit->len > DW_LIMIT_SCALAR_BYTES)
		return hcl_fail(p, DW_ERROR_LIMIT, tp->lit_line, "string longer than %zu bytes",
		                DW_LIMIT_SCALAR_BYTES);
	if (tp->lit->len == 0 && !tp->keep_empty) {
		hcl_template_resolve(p, tp, NULL);
		return true;
	}
	tp->keep_empty = false;
	if ((lit = hcl_expr_new(p, HCL_EXPR_STRING, &at)) == NULL)
		return false;
	lit->string.text = hcl_strndup(p, tp->lit->str, tp->lit->len);
	lit->string.len = tp->lit->len;
	g_ptr_array_add(tp->parts, lit);
	tp->literals++;
	hcl_template_resolve(p, tp, lit);
	g_string_truncate(tp->lit, 0);
	return true;
}

/* "${~" / "%{~": drop the whitespace at the end of the literal before.
 * hclsyntax strips only within the adjacent literal token, and in a
 * heredoc each line is a token of its own (with its newline), so there
 * it stops at the line before; a line start it removes is none for the
 * "<<-" indentation, as in hclsyntax, which strips first. */
static void hcl_template_strip_trailing(struct hcl_parser *p, struct hcl_template *tp)
{
	const char *s = tp->lit->str;
	size_t n = tp->lit->len, floor = 0;
	GArray *starts = p->heredoc ? p->heredoc->starts : NULL;

	if (tp->heredoc) {
		/* the token: from after the newline before the last character */
		for (size_t i = n > 0 ? n - 1 : 0; i-- > 0;)
			if (s[i] == '\n') {
				floor = i + 1;
				break;
			}
	}
	while (n > floor && g_ascii_isspace(s[n - 1]))
		n--;
	if (n == 0 && tp->lit->len > 0)
		tp->keep_empty = true;
	g_string_truncate(tp->lit, n);
	while (starts != NULL && starts->len > 0) {
		struct hcl_line_start *ls =
			&g_array_index(starts, struct hcl_line_start, starts->len - 1);

		if (ls->pending != tp || ls->offset <= n)
			break;
		g_array_set_size(starts, starts->len - 1);
	}
}

/* Whether the heredoc's closing marker line starts at at. */
static bool hcl_heredoc_is_end(const struct hcl_parser *p, const struct hcl_template *tp,
                               size_t at)
{
	const char *d = p->data;

	while (at < p->len && (d[at] == ' ' || d[at] == '\t'))
		at++;
	if (p->len - at < tp->marker_len || memcmp(d + at, tp->marker, tp->marker_len) != 0)
		return false;
	at += tp->marker_len;
	if (at < p->len && d[at] == '\r')
		at++;
	return at >= p->len || d[at] == '\n';
}

/* A \ escape in a quoted string, at p->pos on the backslash. */
static bool hcl_template_escape(struct hcl_parser *p, struct hcl_template *tp)
{
	const char *d = p->data;
	size_t i = p->pos + 1;
	char c = i < p->len ? d[i] : '\0';
	gunichar u = 0;
	size_t digits = c == 'u' ? 4 : c == 'U' ? 8 : 0;

	switch (c) {
	case 'n': g_string_append_c(tp->lit, '\n'); break;
	case 'r': g_string_append_c(tp->lit, '\r'); break;
	case 't': g_string_append_c(tp->lit, '\t'); break;
	case '"': g_string_append_c(tp->lit, '"'); break;
	case '\\': g_string_append_c(tp->lit, '\\'); break;
	case 'u':
	case 'U':
		if (p->len - i - 1 < digits)
			return hcl_fail(p, DW_ERROR_PARSE, p->line, "truncated \\%c escape", c);
		for (size_t k = 0; k < digits; k++) {
			int v = g_ascii_xdigit_value(d[i + 1 + k]);

			if (v < 0)
				return hcl_fail(p, DW_ERROR_PARSE, p->line,
				                "\\%c escape needs %zu hexadecimal digits", c, digits);
			u = u * 16 + (gunichar)v;
		}
		if (!g_unichar_validate(u))
			return hcl_fail(p, DW_ERROR_PARSE, p->line,
			                "\\%c escape is not a Unicode character", c);
		g_string_append_unichar(tp->lit, u);
		hcl_seek(p, i + 1 + digits);
		return true;
	default:
		if (!g_ascii_isprint(c))
			return hcl_fail(p, DW_ERROR_PARSE, p->line, "invalid escape sequence");
		return hcl_fail(p, DW_ERROR_PARSE, p->line, "invalid escape sequence \\%c", c);
	}
	hcl_seek(p, i + 1);
	return true;
}

static bool hcl_template_parts(struct hcl_parser *p, struct hcl_template *tp,
                               enum hcl_template_end *end);

/* A template's parts as the expression hcl.h describes: no parts and a
 * lone literal are strings. */
static struct hcl_expr *hcl_template_make(struct hcl_parser *p, const struct hcl_template *tp,
                                          const struct hcl_token *open)
{
	struct hcl_expr *e;

	if ((e = hcl_expr_new(p, HCL_EXPR_TEMPLATE, open)) == NULL)
		return NULL;
	hcl_finish(p, e);
	if (tp->parts->len == 0) {
		e->kind = HCL_EXPR_STRING;
		e->string.text = "";
	} else if (tp->parts->len == 1 && tp->literals == 1) {
		struct hcl_expr *only = tp->parts->pdata[0];

		e->kind = HCL_EXPR_STRING;
		e->string = only->string;
	} else {
		e->template.parts = tp->parts;
	}
	return e;
}

/* ${ expr } at p->pos on the "$". */
static bool hcl_template_interp(struct hcl_parser *p, struct hcl_template *tp)
{
	struct hcl_token t;
	struct hcl_expr *e;
	bool saved = p->newlines;

	hcl_seek(p, p->pos + 2);
	p->newlines = false;
	hcl_peek(p, &t);
	if (t.type == TOK_TILDE) {
		hcl_take(p, &t);
		hcl_template_strip_trailing(p, tp);
	}
	if (!hcl_template_flush(p, tp) || (e = hcl_parse_expr(p)) == NULL)
		goto out;
	g_ptr_array_add(tp->parts, e);
	hcl_peek(p, &t);
	if (t.type == TOK_TILDE) {
		hcl_take(p, &t);
		tp->strip_next = true;
		hcl_peek(p, &t);
	}
	if (t.type != TOK_RBRACE) {
		hcl_unexpected(p, &t, "'}' to end the interpolation");
		goto out;
	}
	hcl_take(p, &t);
out:
	p->newlines = saved;
	return p->error == NULL;
}

/* The end of a directive: optional "~" and "}". */
static bool hcl_directive_close(struct hcl_parser *p, struct hcl_template *tp)
{
	struct hcl_token t;

	hcl_peek(p, &t);
	if (t.type == TOK_TILDE) {
		hcl_take(p, &t);
		tp->strip_next = true;
		hcl_peek(p, &t);
	}
	if (t.type != TOK_RBRACE)
		return hcl_unexpected(p, &t, "'}' to end the directive");
	hcl_take(p, &t);
	return true;
}

/* A nested template (the body of %{if} or %{for}) up to its ending directive. */
static struct hcl_expr *hcl_template_body(struct hcl_parser *p, struct hcl_template *outer,
                                          enum hcl_template_end *end)
{
	struct hcl_template tp = *outer;
	struct hcl_token at = { .line = p->line, .column = hcl_column(p, p->pos),
	                        .start = p->pos, .end = p->pos };
	bool ok;

	tp.parts = hcl_array(p);
	tp.lit = g_string_new(NULL);
	tp.literals = 0;
	ok = hcl_template_parts(p, &tp, end);
	outer->strip_next = tp.strip_next;
	g_string_free(tp.lit, TRUE);
	return ok ? hcl_template_make(p, &tp, &at) : NULL;
}

/* %{if}, %{for}, %{else}, %{endif}, %{endfor} at p->pos on the "%". Sets
 * *end for the last three. */
static bool hcl_template_directive(struct hcl_parser *p, struct hcl_template *tp,
                                   enum hcl_template_end *end, bool *ended)
{
	struct hcl_token t, kw;
	struct hcl_expr *e = NULL;
	bool saved = p->newlines;
	enum hcl_template_end inner;

	*ended = false;
	hcl_seek(p, p->pos + 2);
	p->newlines = false;
	hcl_peek(p, &t);
	if (t.type == TOK_TILDE) {
		hcl_take(p, &t);
		hcl_template_strip_trailing(p, tp);
	}
	if (!hcl_template_flush(p, tp))
		goto out;
	hcl_peek(p, &kw);
	hcl_take(p, &kw);
	if (!hcl_enter(p, kw.line))
		goto out;
	if (hcl_token_is(p, &kw, "else") || hcl_token_is(p, &kw, "endif") ||
	    hcl_token_is(p, &kw, "endfor")) {
		*end = hcl_token_is(p, &kw, "else") ? HCL_END_ELSE :
		       hcl_token_is(p, &kw, "endif") ? HCL_END_ENDIF : HCL_END_ENDFOR;
		*ended = true;
		hcl_directive_close(p, tp);
	} else if (hcl_token_is(p, &kw, "if")) {
		if ((e = hcl_expr_new(p, HCL_EXPR_TEMPLATE_IF, &kw)) == NULL ||
		    (e->cond.cond = hcl_parse_expr(p)) == NULL || !hcl_directive_close(p, tp))
			goto leave;
		if ((e->cond.then_expr = hcl_template_body(p, tp, &inner)) == NULL)
			goto leave;
		if (inner == HCL_END_ELSE &&
		    (e->cond.else_expr = hcl_template_body(p, tp, &inner)) == NULL)
			goto leave;
		if (inner != HCL_END_ENDIF) {
			hcl_fail(p, DW_ERROR_PARSE, kw.line, "%%{if} without its %%{endif}");
			goto leave;
		}
	} else if (hcl_token_is(p, &kw, "for")) {
		if ((e = hcl_expr_new(p, HCL_EXPR_TEMPLATE_FOR, &kw)) == NULL ||
		    !hcl_expect(p, TOK_IDENT, "a variable name after 'for'", &t))
			goto leave;
		e->for_expr.value_var = hcl_token_text(p, &t);
		hcl_peek(p, &t);
		if (t.type == TOK_COMMA) {
			hcl_take(p, &t);
			if (!hcl_expect(p, TOK_IDENT, "a second variable name", &t))
				goto leave;
			e->for_expr.key_var = e->for_expr.value_var;
			e->for_expr.value_var = hcl_token_text(p, &t);
			hcl_peek(p, &t);
		}
		if (!hcl_token_is(p, &t, "in")) {
			hcl_unexpected(p, &t, "'in'");
			goto leave;
		}
		hcl_take(p, &t);
		if ((e->for_expr.collection = hcl_parse_expr(p)) == NULL ||
		    !hcl_directive_close(p, tp) ||
		    (e->for_expr.value = hcl_template_body(p, tp, &inner)) == NULL)
			goto leave;
		if (inner != HCL_END_ENDFOR) {
			hcl_fail(p, DW_ERROR_PARSE, kw.line, "%%{for} without its %%{endfor}");
			goto leave;
		}
	} else {
		hcl_unexpected(p, &kw, "'if', 'for', 'else', 'endif' or 'endfor' in a directive");
	}
leave:
	p->depth--;
	if (e != NULL && p->error == NULL)
		g_ptr_array_add(tp->parts, e);
out:
	p->newlines = saved;
	return p->error == NULL;
}

/* Literal text, interpolations and directives up to the closing quote or
 * marker, or (in a directive body) up to %{else}/%{endif}/%{endfor}. */
static bool hcl_template_parts(struct hcl_parser *p, struct hcl_template *tp,
                               enum hcl_template_end *end)
{
	const char *d = p->data;
	bool line_start = tp->heredoc && (p->pos == p->line_start);
	bool counted = true;     /* the line start counts for "<<-" */

	tp->lit_start = p->pos;
	tp->lit_line = p->line;
	tp->lit_column = hcl_column(p, p->pos);
	for (;;) {
		char c;
		bool ended;

		if (line_start) {
			if (hcl_heredoc_is_end(p, tp, p->pos)) {
				size_t eol = p->pos;

				while (eol < p->len && d[eol] != '\n')
					eol++;
				if (!hcl_template_flush(p, tp))
					return false;
				hcl_seek(p, eol);
				*end = HCL_END_CLOSE;
				return true;
			}
			if (counted)
				hcl_template_line_start(p, tp);
			line_start = false;
			counted = true;
		}
		if (p->pos >= p->len) {
			if (tp->heredoc)
				return hcl_fail(p, DW_ERROR_PARSE, tp->open_line,
				                "heredoc without its closing marker %s", tp->marker);
			return hcl_fail(p, DW_ERROR_PARSE, tp->open_line, "unterminated string");
		}
		c = d[p->pos];
		if (tp->strip_next) {
			/* "~}": as above, a heredoc strips up to its line's newline,
			 * and the next line is no line start for "<<-" */
			char e = p->pos + 1 < p->len ? d[p->pos + 1] : '\0';
			size_t esc = !tp->heredoc && c == '\\' && (e == 'n' || e == 'r' || e == 't') ? 2 : 0;

			if (esc || (g_ascii_isspace(c) && (tp->heredoc || (c != '\n' && c != '\r')))) {
				/* a quoted string strips its decoded text: "\n" too */
				tp->keep_empty = true;
				hcl_seek(p, p->pos + (esc ? esc : 1));
				if (c == '\n') {
					tp->strip_next = false;
					line_start = true;
					counted = false;
				}
				continue;
			}
			tp->strip_next = false;
		}
		if (tp->lit->len == 0) {
			tp->lit_start = p->pos;
			tp->lit_line = p->line;
			tp->lit_column = hcl_column(p, p->pos);
		}
		if (!tp->heredoc && c == '"') {
			if (!hcl_template_flush(p, tp))
				return false;
			hcl_seek(p, p->pos + 1);
			*end = HCL_END_CLOSE;
			return true;
		}
		if (!tp->heredoc && (c == '\n' || (c == '\r' && p->pos + 1 < p->len &&
		                                   d[p->pos + 1] == '\n')))
			return hcl_fail(p, DW_ERROR_PARSE, p->line,
			                "quoted string runs past the end of the line (use \\n or a heredoc)");
		if (!tp->heredoc && c == '\\') {
			if (!hcl_template_escape(p, tp))
				return false;
			continue;
		}
		if ((c == '$' || c == '%') && p->pos + 2 < p->len && d[p->pos + 1] == c &&
		    d[p->pos + 2] == '{') {
			/* $${ and %%{ are a literal ${ and %{ */
			g_string_append_c(tp->lit, c);
			g_string_append_c(tp->lit, '{');
			hcl_seek(p, p->pos + 3);
			continue;
		}
		if (c == '$' && p->pos + 1 < p->len && d[p->pos + 1] == '{') {
			if (!hcl_template_interp(p, tp))
				return false;
			continue;
		}
		if (c == '%' && p->pos + 1 < p->len && d[p->pos + 1] == '{') {
			if (!hcl_template_directive(p, tp, end, &ended))
				return false;
			if (ended)
				return true;
			continue;
		}
		if (c == '\n')
			line_start = tp->heredoc;
		g_string_append_c(tp->lit, c);
		if (tp->lit->len > DW_LIMIT_SCALAR_BYTES)
			return hcl_fail(p, DW_ERROR_LIMIT, tp->lit_line, "string longer than %zu bytes",
			                DW_LIMIT_SCALAR_BYTES);
		hcl_seek(p, p->pos + 1);
	}
}

static struct hcl_expr *hcl_parse_template(struct hcl_parser *p, const struct hcl_token *open)
{
	struct hcl_template tp = { .open_line = open->line };
	enum hcl_template_end end;
	bool ok;

	if (!hcl_enter(p, open->line))
		return NULL;
	tp.parts = hcl_array(p);
	tp.lit = g_string_new(NULL);
	ok = hcl_template_parts(p, &tp, &end);
	g_string_free(tp.lit, TRUE);
	p->depth--;
	if (ok && end != HCL_END_CLOSE)
		return hcl_fail(p, DW_ERROR_PARSE, p->line, "%%{%s} outside its directive",
		                end == HCL_END_ELSE ? "else" : end == HCL_END_ENDIF ? "endif" : "endfor"),
		       NULL;
	return ok ? hcl_template_make(p, &tp, open) : NULL;
}

/* Number of leading whitespace characters of s (at most n bytes), and
 * whether only whitespace follows up to a newline (a blank line). */
static size_t hcl_indent(const char *s, size_t n, bool *blank, size_t *bytes)
{
	size_t chars = 0, i = 0;

	*blank = false;
	while (i < n) {
		gunichar u = g_utf8_get_char_validated(s + i, (gssize)(n - i));
		const char *next;

		if (u == (gunichar)-1 || u == (gunichar)-2 || u == '\n' || !g_unichar_isspace(u))
			break;
		next = g_utf8_next_char(s + i);
		i = (size_t)(next - s);
		chars++;
	}
	*blank = i < n && s[i] == '\n';
	*bytes = i;
	return chars;
}

/* "<<-": remove the smallest indentation of the lines (hclsyntax: lines
 * that are only spaces are not counted and keep theirs; a line that starts
 * with an interpolation or directive has none). */
static void hcl_heredoc_dedent(struct hcl_parser *p, GArray *starts)
{
	size_t min = SIZE_MAX;

	for (guint i = 0; i < starts->len; i++) {
		struct hcl_line_start *ls = &g_array_index(starts, struct hcl_line_start, i);
		bool blank;
		size_t bytes, n;

		if (ls->literal == NULL) {
			min = 0;
			continue;
		}
		n = hcl_indent(ls->literal->string.text + ls->offset,
		               ls->literal->string.len - ls->offset, &blank, &bytes);
		if (!blank)
			min = MIN(min, n);
	}
	if (min == 0 || min == SIZE_MAX)
		return;
	/* rebuild each literal, dropping min characters at each counted line start */
	for (guint i = 0; i < starts->len;) {
		struct hcl_expr *lit = g_array_index(starts, struct hcl_line_start, i).literal;
		GString *s;
		size_t from = 0;

		if (lit == NULL) {
			i++;
			continue;
		}
		s = g_string_new(NULL);
		for (; i < starts->len && g_array_index(starts, struct hcl_line_start, i).literal == lit;
		     i++) {
			size_t off = g_array_index(starts, struct hcl_line_start, i).offset;
			bool blank;
			size_t bytes, skip = 0, k = 0;

			hcl_indent(lit->string.text + off, lit->string.len - off, &blank, &bytes);
			if (!blank)
				while (k < min && skip < bytes) {
					skip = (size_t)(g_utf8_next_char(lit->string.text + off + skip) -
					                (lit->string.text + off));
					k++;
				}
			g_string_append_len(s, lit->string.text + from, (gssize)(off - from));
			from = off + skip;
		}
		g_string_append_len(s, lit->string.text + from, (gssize)(lit->string.len - from));
		lit->string.text = hcl_strndup(p, s->str, s->len);
		lit->string.len = s->len;
		g_string_free(s, TRUE);
	}
}

/* <<EOT or <<-EOT, then a newline, lines, and a line holding EOT. */
static struct hcl_expr *hcl_parse_heredoc(struct hcl_parser *p, const struct hcl_token *open)
{
	struct hcl_template tp = { .heredoc = true, .open_line = open->line };
	struct hcl_heredoc_lines lines, *saved_lines = p->heredoc;
	const char *d = p->data;
	bool indent = false, ok;
	size_t i = p->pos, m;
	enum hcl_template_end end;
	struct hcl_expr *e;

	if (i < p->len && d[i] == '-') {
		indent = true;
		i++;
	}
	m = i;
	if (i < p->len && hcl_is_ident_start((unsigned char)d[i]))
		i = hcl_scan_ident(p, i);
	if (i == m)
		return hcl_fail(p, DW_ERROR_PARSE, open->line, "expected a marker after '<<'"), NULL;
	tp.marker = hcl_strndup(p, d + m, i - m);
	tp.marker_len = i - m;
	if (i < p->len && d[i] == '\r')
		i++;
	if (i >= p->len || d[i] != '\n')
		return hcl_fail(p, DW_ERROR_PARSE, open->line,
		                "expected a newline after the heredoc marker %s", tp.marker), NULL;
	hcl_seek(p, i + 1);
	if (!hcl_enter(p, open->line))
		return NULL;
	lines.starts = g_array_new(FALSE, FALSE, sizeof(struct hcl_line_start));
	p->heredoc = indent ? &lines : NULL;
	tp.parts = hcl_array(p);
	tp.lit = g_string_new(NULL);
	ok = hcl_template_parts(p, &tp, &end);
	if (ok && end != HCL_END_CLOSE)
		ok = hcl_fail(p, DW_ERROR_PARSE, p->line, "%%{%s} outside its directive",
		              end == HCL_END_ELSE ? "else" : end == HCL_END_ENDIF ? "endif" : "endfor");
	if (ok && indent)
		hcl_heredoc_dedent(p, lines.starts);
	g_string_free(tp.lit, TRUE);
	g_array_free(lines.starts, TRUE);
	p->heredoc = saved_lines;
	p->depth--;
	if (!ok)
		return NULL;
	/* drop literal parts the dedent emptied */
	for (guint k = tp.parts->len; k-- > 0;) {
		struct hcl_expr *part = tp.parts->pdata[k];

		if (part->kind == HCL_EXPR_STRING && part->string.len == 0) {
			g_ptr_array_remove_index(tp.parts, k);
			tp.literals--;
		}
	}
	if ((e = hcl_template_make(p, &tp, open)) == NULL)
		return NULL;
	e->heredoc = tp.marker;
	e->heredoc_indent = indent;
	return e;
}

/* ---- bodies ---- */

/* A quoted block label: a string without interpolation. */
static const char *hcl_parse_label(struct hcl_parser *p, const struct hcl_token *t)
{
	struct hcl_expr *e;

	hcl_take(p, t);
	if ((e = hcl_parse_template(p, t)) == NULL)
		return NULL;
	if (e->kind != HCL_EXPR_STRING)
		return hcl_fail(p, DW_ERROR_PARSE, t->line,
		                "a block label cannot hold an interpolation or directive"), NULL;
	if (memchr(e->string.text, '\0', e->string.len) != NULL)
		return hcl_fail(p, DW_ERROR_PARSE, t->line, "a block label cannot hold NUL"), NULL;
	return e->string.text;
}

static bool hcl_parse_body(struct hcl_parser *p, struct hcl_body *body, bool closing);

/* After an attribute or a block: a newline, the end of the file, or (in a
 * single-line block) its "}". */
static bool hcl_expect_end(struct hcl_parser *p, bool closing, const char *what)
{
	struct hcl_token t;

	hcl_peek(p, &t);
	if (t.type == TOK_NEWLINE) {
		hcl_take(p, &t);
		return true;
	}
	if (t.type == TOK_EOF || (closing && t.type == TOK_RBRACE))
		return true;
	return hcl_unexpected(p, &t, what);
}

/* name = expr, after name; the item is in place. */
static bool hcl_parse_attribute(struct hcl_parser *p, struct hcl_item *item, GHashTable *seen)
{
	struct hcl_attribute *a = &item->attribute;
	gpointer first;
	struct hcl_token t;

	if (g_hash_table_lookup_extended(seen, a->name, NULL, &first))
		return hcl_fail(p, DW_ERROR_PARSE, a->line,
		                "attribute \"%s\" is already defined at line %u", a->name,
		                GPOINTER_TO_UINT(first));
	g_hash_table_insert(seen, (gpointer)a->name, GUINT_TO_POINTER(a->line));
	hcl_expect(p, TOK_ASSIGN, "'='", &t);
	if ((a->expr = hcl_parse_expr(p)) == NULL)
		return false;
	return true;
}

/* The labels and body of a block, after its type. */
static bool hcl_parse_block(struct hcl_parser *p, struct hcl_item *item)
{
	struct hcl_block *b = &item->block;
	struct hcl_token t;

	b->labels = hcl_array(p);
	for (;;) {
		const char *label;

		hcl_peek(p, &t);
		if (t.type == TOK_IDENT) {
			hcl_take(p, &t);
			label = hcl_token_text(p, &t);
		} else if (t.type == TOK_QUOTE) {
			if ((label = hcl_parse_label(p, &t)) == NULL)
				return false;
		} else {
			break;
		}
		if (!hcl_count(p, t.line))
			return false;
		g_ptr_array_add(b->labels, (gpointer)label);
	}
	if (t.type != TOK_LBRACE)
		return hcl_unexpected(p, &t, b->labels->len ? "a label or '{'" : "'=', a label or '{'");
	hcl_take(p, &t);
	b->body = hcl_alloc(p, sizeof(*b->body));
	b->body->items = hcl_array(p);
	b->body->line = t.line;
	if (!hcl_enter(p, t.line))
		return false;
	hcl_parse_body(p, b->body, true);
	p->depth--;
	return p->error == NULL;
}

/* Attributes and blocks up to the end of the file or (closing) a "}".
 * A "{" followed by something other than a newline opens a single-line
 * block: at most one attribute, then "}". */
static bool hcl_parse_body(struct hcl_parser *p, struct hcl_body *body, bool closing)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	struct hcl_token t;
	bool saved = p->newlines, single = false;

	p->newlines = true;
	if (closing) {
		hcl_peek(p, &t);
		single = t.type != TOK_NEWLINE;
	}
	for (;;) {
		struct hcl_item *item;
		struct hcl_token u;

		hcl_peek(p, &t);
		if (t.type == TOK_NEWLINE && !single) {
			hcl_take(p, &t);
			continue;
		}
		if (t.type == TOK_RBRACE && closing) {
			hcl_take(p, &t);
			body->end_line = t.line;
			break;
		}
		if (t.type == TOK_EOF) {
			if (closing) {
				hcl_fail(p, DW_ERROR_PARSE, t.line, "expected '}' to close the block at line %u",
				         body->line);
				break;
			}
			body->end_line = t.line;
			break;
		}
		if (single && body->items->len > 0) {
			hcl_unexpected(p, &t, "'}' (a single-line block holds one attribute)");
			break;
		}
		if (t.type != TOK_IDENT) {
			hcl_unexpected(p, &t, "an attribute or block name");
			break;
		}
		if (!hcl_count(p, t.line))
			break;
		hcl_take(p, &t);
		item = hcl_alloc(p, sizeof(*item));
		hcl_peek(p, &u);
		if (u.type == TOK_ASSIGN) {
			item->kind = HCL_ITEM_ATTRIBUTE;
			item->attribute.name = hcl_token_text(p, &t);
			item->attribute.line = t.line;
			item->attribute.column = t.column;
			if (!hcl_parse_attribute(p, item, seen))
				break;
			hcl_peek(p, &u);
			if (single && u.type != TOK_RBRACE) {
				hcl_unexpected(p, &u, "'}' right after a single-line block's attribute");
				break;
			}
			if (!hcl_expect_end(p, single, "a newline after the attribute"))
				break;
		} else {
			if (single) {
				hcl_fail(p, DW_ERROR_PARSE, t.line,
				         "a single-line block cannot hold a block");
				break;
			}
			item->kind = HCL_ITEM_BLOCK;
			item->block.type = hcl_token_text(p, &t);
			item->block.line = t.line;
			item->block.column = t.column;
			if (!hcl_parse_block(p, item) ||
			    !hcl_expect_end(p, false, "a newline after the block's '}'"))
				break;
		}
		g_ptr_array_add(body->items, item);
	}
	p->newlines = saved;
	return p->error == NULL;
}

bool hcl_parse(struct hcl_file **out, const char *path, const char *data, size_t len,
               GError **error)
{
	struct hcl_parser p = { .data = data, .len = len, .line = 1, .newlines = true };
	const char *bad;
	g_autoptr(hcl_file) file = NULL;

	if (len > dw_limit_file_bytes()) {
		dw_set_error_too_large(error, path, dw_limit_file_bytes());
		return false;
	}
	file = hcl_file_new(path);
	p.file = file;
	if (!g_utf8_validate_len(data, len, &bad)) {
		p.pos = 0;
		hcl_fail(&p, DW_ERROR_PARSE, hcl_line_at(&p, (size_t)(bad - data)),
		         "not valid UTF-8 text (or a NUL byte)");
		g_propagate_error(error, p.error);
		return false;
	}
	file->body = hcl_alloc(&p, sizeof(*file->body));
	file->body->items = hcl_array(&p);
	file->body->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3; /* a byte-order mark */
	if (!hcl_parse_body(&p, file->body, false)) {
		g_propagate_error(error, p.error);
		return false;
	}
	*out = g_steal_pointer(&file);
	return true;
}

const struct hcl_attribute *hcl_body_attribute(const struct hcl_body *body, const char *name)
{
	const struct hcl_attribute *found = NULL;

	for (guint i = 0; body != NULL && i < body->items->len; i++) {
		const struct hcl_item *item = body->items->pdata[i];

		if (item->kind == HCL_ITEM_ATTRIBUTE && strcmp(item->attribute.name, name) == 0)
			found = &item->attribute;
	}
	return found;
}

const char *hcl_op_name(enum hcl_op op)
{
	return hcl_op_text[op];
}
