/*
 * doc_json.c - JSON files (ARM templates, CloudFormation, Kubernetes
 * manifests) into documents: a bounded recursive-descent reader of RFC 8259,
 * plus the comments Azure's template engine reads ("//" to the end of the
 * line and slash-star to star-slash).
 *
 * It builds the document tree as it reads, so it needs no second tree and
 * gives every node its line directly:
 *  - a map or list starts on its '{' or '[';
 *  - a scalar in a map or list is on the line of the ',' after it if one
 *    follows, else on the line its token ends on; a key is on its value's
 *    line; a scalar at the top is on the line it starts on. These are the
 *    lines json-glib's parser reported, which the extractors' findings and
 *    their tests were written against.
 * Nesting, nodes and scalar bytes are bounded by struct doc_limits; depth
 * bounds the recursion.
 *
 * Beyond RFC 8259 it reads comments and, as Azure's engine does, control
 * characters (a multi-line string) inside strings. It refuses what json-glib
 * 1.6 read leniently: single quotes, hexadecimal or leading-zero numbers,
 * data after the top-level value, escapes RFC 8259 does not allow and
 * integers past 64 bits. A repeated key keeps its first place with its last
 * value, as json-glib's JsonObject does.
 */
#include "doc_private.h"

#include <string.h>

/* Past this many members an object's duplicate keys are found by hashing. */
#define DOC_JSON_DUP_LINEAR 16

struct doc_json_reader {
	const char *data;
	size_t len, i;          /* input and the read position */
	unsigned line;          /* of data[i] */
	unsigned depth;         /* open maps and lists */
	size_t count;           /* nodes read, keys included */
	const char *path;
	const struct doc_limits *limits;
	struct doc *d;
	struct doc_node **stack; /* children of open containers, innermost last;
	                          * a map's as key, value, key, value */
	size_t nstack, capstack;
	struct doc_node *spare;  /* nodes allocated and not used yet */
	size_t nspare;
	GString *buf;            /* a string being unescaped */
	GError **error;
};

static void doc_json_fail(struct doc_json_reader *r, int code, unsigned line, const char *fmt,
                          ...) G_GNUC_PRINTF(4, 5);

static void doc_json_fail(struct doc_json_reader *r, int code, unsigned line, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(r->error, DW_ERROR, code, "%s:%u: %s", r->path, line, msg);
}

/* What is at the read position, for an error message. */
static const char *doc_json_what(const struct doc_json_reader *r, char buf[16])
{
	unsigned char c;

	if (r->i >= r->len)
		return "the end of the input";
	c = (unsigned char)r->data[r->i];
	if (c >= 0x20 && c < 0x7f)
		g_snprintf(buf, 16, "'%c'", c);
	else
		g_snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static bool doc_json_unexpected(struct doc_json_reader *r, const char *expected)
{
	char buf[16];

	doc_json_fail(r, DW_ERROR_PARSE, r->line, "expected %s, got %s", expected,
	              doc_json_what(r, buf));
	return false;
}

static bool doc_json_count(struct doc_json_reader *r)
{
	if (r->count >= r->limits->max_nodes) {
		doc_json_fail(r, DW_ERROR_LIMIT, r->line, "more than %zu nodes", r->limits->max_nodes);
		return false;
	}
	r->count++;
	return true;
}

/*
 * A zeroed node carved from blocks of the arena; DOC_DEBUG_ARENA gives each
 * its own allocation so that sanitizers see overruns.
 */
static struct doc_node *doc_json_node_new(struct doc_json_reader *r, enum doc_kind kind,
                                          unsigned line)
{
	struct doc_node *node;

#ifdef DOC_DEBUG_ARENA
	return doc_node_new(r->d, kind, line);
#endif
	if (r->nspare == 0) {
		r->nspare = MIN(MAX(r->count, 64), 4096);
		r->spare = doc_alloc_n(r->d, r->nspare, sizeof(*r->spare));
	}
	node = r->spare++;
	r->nspare--;
	node->kind = kind;
	node->line = line;
	return node;
}

static void doc_json_push(struct doc_json_reader *r, struct doc_node *node)
{
	if (r->nstack == r->capstack) {
		r->capstack = r->capstack > 0 ? 2 * r->capstack : 256;
		r->stack = g_renew(struct doc_node *, r->stack, r->capstack);
	}
	r->stack[r->nstack++] = node;
}

/*
 * Skip blanks and comments. A '/' that opens no comment is refused: it is
 * no JSON token, and json-glib 1.6 took it for a comment of its own.
 */
static bool doc_json_blank(struct doc_json_reader *r)
{
	while (r->i < r->len) {
		char c = r->data[r->i];
		unsigned at = r->line;
		const char *end;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			r->line += c == '\n';
			r->i++;
			continue;
		}
		if (c != '/')
			return true;
		if (r->i + 1 < r->len && r->data[r->i + 1] == '/') {
			end = memchr(r->data + r->i, '\n', r->len - r->i);
			r->i = end != NULL ? (size_t)(end - r->data) : r->len;
			continue;
		}
		if (r->i + 1 >= r->len || r->data[r->i + 1] != '*') {
			doc_json_fail(r, DW_ERROR_PARSE, at,
			              "'/' outside a string and not a comment (// or /* */)");
			return false;
		}
		for (r->i += 2; r->i + 1 < r->len && !(r->data[r->i] == '*' && r->data[r->i + 1] == '/');
		     r->i++)
			r->line += r->data[r->i] == '\n';
		if (r->i + 1 >= r->len) {
			doc_json_fail(r, DW_ERROR_PARSE, at, "a block comment left open");
			return false;
		}
		r->i += 2;
	}
	return true;
}

/* The code unit of the "\\uXXXX" at data[i], or -1 when it is not one. */
static long doc_json_unit(const char *data, size_t len, size_t i)
{
	long unit = 0;

	if (len - i < 6 || data[i] != '\\' || data[i + 1] != 'u')
		return -1;
	for (size_t k = i + 2; k < i + 6; k++) {
		int digit = g_ascii_xdigit_value(data[k]);

		if (digit < 0)
			return -1;
		unit = unit * 16 + digit;
	}
	return unit;
}

/*
 * The "\\u" escape at data[i] (one code unit, or a surrogate pair) as a
 * code point, with *n its length; 0 with *bad set when RFC 8259 does not
 * allow it. \\u0000 is refused too: it would cut the text short.
 */
static gunichar doc_json_unicode(const char *data, size_t len, size_t i, size_t *n,
                                 const char **bad)
{
	long unit = doc_json_unit(data, len, i), low;

	*n = 6;
	if (unit < 0)
		*bad = "\\u not followed by four hexadecimal digits";
	else if (unit == 0)
		*bad = "NUL character (\\u0000)";
	else if (unit >= 0xdc00 && unit <= 0xdfff)
		*bad = "a low surrogate (\\uDC00-\\uDFFF) without a high one before it";
	else if (unit < 0xd800 || unit > 0xdbff)
		return (gunichar)unit;
	else if ((low = doc_json_unit(data, len, i + 6)) < 0xdc00 || low > 0xdfff)
		*bad = "a high surrogate (\\uD800-\\uDBFF) not followed by a low one";
	else {
		*n = 12;
		return 0x10000 + (((gunichar)unit - 0xd800) << 10) + ((gunichar)low - 0xdc00);
	}
	return 0;
}

/* Append the escape at data[i] (a backslash) to buf; its length, or 0 with *bad set. */
static size_t doc_json_escape(GString *buf, const char *data, size_t len, size_t i,
                              const char **bad)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	char utf8[6];
	gunichar c;
	size_t n;

	if (i + 1 < len && data[i + 1] != '\0' && (p = strchr(from, data[i + 1])) != NULL) {
		g_string_append_c(buf, to[p - from]);
		return 2;
	}
	if (i + 1 >= len || data[i + 1] != 'u') {
		*bad = "an escape that is not one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX";
		return 0;
	}
	c = doc_json_unicode(data, len, i, &n, bad);
	if (c == 0)
		return 0;
	g_string_append_len(buf, utf8, g_unichar_to_utf8(c, utf8));
	return n;
}

/*
 * The string that opens at the read position, unescaped: *text points into
 * the input when it has no escape, else into r->buf. Control characters
 * are kept, as json-glib and Azure's engine keep them.
 */
static bool doc_json_string(struct doc_json_reader *r, const char **text, size_t *len)
{
	unsigned start = r->line;
	size_t i = ++r->i, run = i;
	bool escaped = false;
	const char *bad = NULL;

	while (i < r->len && r->data[i] != '"') {
		size_t n;

		if (r->data[i] == '\n') {
			r->line++;
		} else if (r->data[i] == '\\') {
			if (!escaped)
				g_string_truncate(r->buf, 0);
			escaped = true;
			g_string_append_len(r->buf, r->data + run, (gssize)(i - run));
			n = doc_json_escape(r->buf, r->data, r->len, i, &bad);
			if (n == 0) {
				doc_json_fail(r, DW_ERROR_PARSE, r->line, "%s in a string", bad);
				return false;
			}
			i += n;
			run = i;
			continue;
		}
		i++;
	}
	if (i >= r->len) {
		doc_json_fail(r, DW_ERROR_PARSE, start, "a string left open");
		return false;
	}
	if (escaped) {
		g_string_append_len(r->buf, r->data + run, (gssize)(i - run));
		*text = r->buf->str;
		*len = r->buf->len;
	} else {
		*text = r->data + r->i;
		*len = i - r->i;
	}
	r->i = i + 1;
	return true;
}

static struct doc_node *doc_json_string_node(struct doc_json_reader *r)
{
	const char *text;
	size_t len;
	struct doc_node *node;

	if (!doc_json_string(r, &text, &len))
		return NULL;
	node = doc_json_node_new(r, DOC_SCALAR, r->line);
	node->text = doc_strndup(r->d, text, len);
	node->len = len;
	node->quoted = true;
	return node;
}

/* Skip the digits at data[*i]; whether there was one. */
static bool doc_json_digits(const char *data, size_t len, size_t *i)
{
	size_t start = *i;

	while (*i < len && g_ascii_isdigit(data[*i]))
		(*i)++;
	return *i > start;
}

/*
 * Move *i past the RFC 8259 number (section 6) at data[*i]; false, with *i
 * where a digit was missing, when it is not one. *integer when it has no
 * fraction or exponent.
 */
static bool doc_json_number_end(const char *data, size_t len, size_t *i, bool *integer)
{
	*i += data[*i] == '-';
	if (*i < len && data[*i] == '0')
		(*i)++;
	else if (*i >= len || data[*i] == '0' || !doc_json_digits(data, len, i))
		return false;
	*integer = true;
	if (*i < len && data[*i] == '.') {
		(*i)++;
		*integer = false;
		if (!doc_json_digits(data, len, i))
			return false;
	}
	if (*i < len && (data[*i] == 'e' || data[*i] == 'E')) {
		(*i)++;
		*integer = false;
		*i += *i < len && (data[*i] == '+' || data[*i] == '-');
		if (!doc_json_digits(data, len, i))
			return false;
	}
	return true;
}

/* A double as the shortest of %.15g and %.17g that reads back the same. */
static void doc_json_format_double(char *buf, size_t size, double v)
{
	g_ascii_formatd(buf, (int)size, "%.15g", v);
	if (g_ascii_strtod(buf, NULL) != v)
		g_ascii_formatd(buf, (int)size, "%.17g", v);
}

/*
 * The text of the number word[0 .. n), as json-glib gave it: an integer as
 * written ("-0" as "0"), past 64 bits an error; any other number as the
 * shortest decimal that reads back the same double ("22.0" is "22").
 */
static const char *doc_json_number_text(struct doc_json_reader *r, const char *word, size_t n,
                                        bool integer, char buf[G_ASCII_DTOSTR_BUF_SIZE])
{
	g_string_truncate(r->buf, 0);
	g_string_append_len(r->buf, word, (gssize)n);
	if (!integer) {
		doc_json_format_double(buf, G_ASCII_DTOSTR_BUF_SIZE, g_ascii_strtod(r->buf->str, NULL));
		return buf;
	}
	if (n >= 19 && !g_ascii_string_to_signed(r->buf->str, 10, G_MININT64, G_MAXINT64, NULL, NULL)) {
		doc_json_fail(r, DW_ERROR_PARSE, r->line, "integer %.40s%s is out of range", r->buf->str,
		              n > 40 ? "..." : "");
		return NULL;
	}
	return n == 2 && word[0] == '-' && word[1] == '0' ? "0" : r->buf->str;
}

static struct doc_node *doc_json_number(struct doc_json_reader *r)
{
	const char *word = r->data + r->i, *text;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	bool integer = true;
	size_t end = r->i;
	struct doc_node *node;

	if (!doc_json_number_end(r->data, r->len, &end, &integer)) {
		r->i = end;
		return doc_json_unexpected(r, "a digit"), NULL;
	}
	if (end < r->len && g_ascii_isalnum(r->data[end])) {
		r->i = end;
		return doc_json_unexpected(r, "the number to end"), NULL;
	}
	text = doc_json_number_text(r, word, end - r->i, integer, buf);
	if (text == NULL)
		return NULL;
	r->i = end;
	node = doc_json_node_new(r, DOC_SCALAR, r->line);
	node->len = strlen(text);
	node->text = doc_strndup(r->d, text, node->len);
	return node;
}

/* true, false or null; anything else that starts with a letter is refused. */
static struct doc_node *doc_json_literal(struct doc_json_reader *r)
{
	const char *word = r->data + r->i;
	size_t n = 0;
	struct doc_node *node;

	while (r->i + n < r->len && (g_ascii_isalnum(word[n]) || word[n] == '_'))
		n++;
	if (n == 4 && memcmp(word, "null", 4) == 0) {
		node = doc_json_node_new(r, DOC_NULL, r->line);
	} else if ((n == 4 && memcmp(word, "true", 4) == 0) || (n == 5 && memcmp(word, "false", 5) == 0)) {
		node = doc_json_node_new(r, DOC_SCALAR, r->line);
		node->text = n == 4 ? "true" : "false";
		node->len = n;
	} else if (r->depth == 0 && n == 3 && memcmp(word, "var", 3) == 0) {
		doc_json_fail(r, DW_ERROR_PARSE, r->line,
		              "a JavaScript assignment (var x = ...) is not JSON");
		return NULL;
	} else {
		doc_json_fail(r, DW_ERROR_PARSE, r->line, "expected a JSON value, got '%.*s'%s",
		              (int)MIN(n, 40), word, n > 40 ? "..." : "");
		return NULL;
	}
	r->i += n;
	return node;
}

static struct doc_node *doc_json_value(struct doc_json_reader *r);

/*
 * After a member or element: its line when it is a scalar (the ',' after
 * it, if any), and the scalar size limit, checked at that line.
 */
static bool doc_json_settle(struct doc_json_reader *r, struct doc_node *node, bool comma)
{
	if (node->kind == DOC_MAP || node->kind == DOC_LIST)
		return true;
	if (comma)
		node->line = r->line;
	if (node->len > r->limits->max_scalar) {
		g_autofree char *max = dw_size_format(r->limits->max_scalar);

		doc_json_fail(r, DW_ERROR_LIMIT, node->line, "scalar longer than %s", max);
		return false;
	}
	return true;
}

/*
 * After a member or element, with blanks skipped: a ',' (counted: another
 * node follows) or the closing bracket; *more says which.
 */
static bool doc_json_next(struct doc_json_reader *r, char close, bool *more)
{
	*more = r->i < r->len && r->data[r->i] == ',';
	if (*more) {
		r->i++;
		return doc_json_count(r) && doc_json_blank(r);
	}
	if (r->i < r->len && r->data[r->i] == close) {
		r->i++;
		return true;
	}
	return doc_json_unexpected(r, close == ']' ? "',' or ']'" : "',' or '}'");
}

/* Past a '{' or '[': one level deeper, and the first member or element counted. */
static bool doc_json_open(struct doc_json_reader *r, char close, bool *empty)
{
	if (r->depth >= r->limits->max_depth) {
		doc_json_fail(r, DW_ERROR_LIMIT, r->line, "nesting deeper than %u", r->limits->max_depth);
		return false;
	}
	r->depth++;
	r->i++;
	if (!doc_json_blank(r))
		return false;
	*empty = r->i < r->len && r->data[r->i] == close;
	if (*empty)
		r->i++;
	return *empty || doc_json_count(r);
}

static bool doc_json_array(struct doc_json_reader *r, struct doc_node *node)
{
	size_t base = r->nstack;
	bool empty;

	if (!doc_json_open(r, ']', &empty))
		return false;
	for (bool more = !empty; more;) {
		struct doc_node *item = doc_json_value(r);

		if (item == NULL || !doc_json_blank(r))
			return false;
		if (!doc_json_settle(r, item, r->i < r->len && r->data[r->i] == ','))
			return false;
		doc_json_push(r, item);
		if (!doc_json_next(r, ']', &more))
			return false;
	}
	node->n = r->nstack - base;
	node->items = doc_alloc_n(r->d, node->n, sizeof(*node->items));
	if (node->n > 0) /* [] : no items, and doc_alloc_n gave NULL */
		memcpy(node->items, r->stack + base, node->n * sizeof(*node->items));
	r->nstack = base;
	r->depth--;
	return true;
}

/* The index of the pair before n in pairs whose key is key's text, or -1. */
static gssize doc_json_dup(const struct doc_pair *pairs, size_t n, GHashTable *seen,
                           const struct doc_node *key)
{
	gpointer at;

	if (seen != NULL) {
		if (g_hash_table_lookup_extended(seen, key->text, NULL, &at))
			return GPOINTER_TO_SIZE(at);
		g_hash_table_insert(seen, (gpointer)key->text, GSIZE_TO_POINTER(n));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (pairs[i].key->len == key->len && memcmp(pairs[i].key->text, key->text, key->len) == 0)
			return (gssize)i;
	}
	return -1;
}

/*
 * The members stack[base ..] as node's pairs. A repeated key stays where
 * it first appeared and takes the last value and its line.
 */
static void doc_json_pairs(struct doc_json_reader *r, struct doc_node *node, size_t base)
{
	size_t members = (r->nstack - base) / 2;
	GHashTable *seen = members > DOC_JSON_DUP_LINEAR ? g_hash_table_new(g_str_hash, g_str_equal)
	                                                 : NULL;

	node->pairs = doc_alloc_n(r->d, members, sizeof(*node->pairs));
	node->n = 0;
	for (size_t k = 0; k < members; k++) {
		struct doc_node *key = r->stack[base + 2 * k], *value = r->stack[base + 2 * k + 1];
		gssize dup = doc_json_dup(node->pairs, node->n, seen, key);

		if (dup >= 0) {
			node->pairs[dup].key->line = key->line;
			node->pairs[dup].value = value;
			continue;
		}
		node->pairs[node->n].key = key;
		node->pairs[node->n++].value = value;
	}
	if (seen != NULL)
		g_hash_table_unref(seen);
	r->nstack = base;
}

/* One "key": value member; the ':' is a node in the count, as its value. */
static bool doc_json_member(struct doc_json_reader *r)
{
	struct doc_node *key, *value;

	if (r->i >= r->len || r->data[r->i] != '"')
		return doc_json_unexpected(r, "a string for a key");
	key = doc_json_string_node(r);
	if (key == NULL || !doc_json_blank(r))
		return false;
	if (r->i >= r->len || r->data[r->i] != ':')
		return doc_json_unexpected(r, "':' after a key");
	r->i++;
	if (!doc_json_count(r) || !doc_json_blank(r))
		return false;
	value = doc_json_value(r);
	if (value == NULL || !doc_json_blank(r))
		return false;
	if (!doc_json_settle(r, value, r->i < r->len && r->data[r->i] == ','))
		return false;
	key->line = value->line;
	if (!doc_json_settle(r, key, false))
		return false;
	doc_json_push(r, key);
	doc_json_push(r, value);
	return true;
}

static bool doc_json_object(struct doc_json_reader *r, struct doc_node *node)
{
	size_t base = r->nstack;
	bool empty;

	if (!doc_json_open(r, '}', &empty))
		return false;
	for (bool more = !empty; more;) {
		if (!doc_json_member(r) || !doc_json_next(r, '}', &more))
			return false;
	}
	doc_json_pairs(r, node, base);
	r->depth--;
	return true;
}

/* The value at the read position (blanks skipped); NULL with the error set. */
static struct doc_node *doc_json_value(struct doc_json_reader *r)
{
	struct doc_node *node;
	char c;

	if (r->i >= r->len)
		return doc_json_unexpected(r, "a JSON value"), NULL;
	c = r->data[r->i];
	if (c == '"')
		return doc_json_string_node(r);
	if (c == '-' || g_ascii_isdigit(c))
		return doc_json_number(r);
	if (g_ascii_isalpha(c))
		return doc_json_literal(r);
	if (c != '{' && c != '[')
		return doc_json_unexpected(r, "a JSON value"), NULL;
	node = doc_json_node_new(r, c == '{' ? DOC_MAP : DOC_LIST, r->line);
	if (!(c == '{' ? doc_json_object(r, node) : doc_json_array(r, node)))
		return NULL;
	return node;
}

/* g_utf8_validate_len(), skipping plain ASCII eight bytes at a time first. */
static bool doc_json_utf8_validate(const char *data, size_t len, const char **bad)
{
	size_t i = 0;

	while (len - i >= 8) {
		guint64 w;

		memcpy(&w, data + i, sizeof(w));
		/* A byte is 0 or has its top bit set. */
		if (((w - G_GUINT64_CONSTANT(0x0101010101010101)) | w) &
		    G_GUINT64_CONSTANT(0x8080808080808080))
			break;
		i += 8;
	}
	return g_utf8_validate_len(data + i, len - i, bad);
}

/* The one top-level value of r's input, with nothing but blanks after it. */
static struct doc_node *doc_json_root(struct doc_json_reader *r)
{
	struct doc_node *root;
	unsigned line;

	if (r->len >= 3 && memcmp(r->data, "\xef\xbb\xbf", 3) == 0)
		r->i = 3;
	if (!doc_json_blank(r))
		return NULL;
	if (r->i >= r->len) {
		doc_json_fail(r, DW_ERROR_PARSE, r->line, "empty document, expected a JSON value");
		return NULL;
	}
	line = r->line;
	if (!doc_json_count(r) || (root = doc_json_value(r)) == NULL)
		return NULL;
	if (root->kind != DOC_MAP && root->kind != DOC_LIST)
		root->line = line;
	if (!doc_json_settle(r, root, false) || !doc_json_blank(r))
		return NULL;
	if (r->i < r->len) {
		doc_json_fail(r, DW_ERROR_PARSE, r->line, "unexpected data after the JSON value");
		return NULL;
	}
	return root;
}

bool doc_parse_json(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error)
{
	struct doc_json_reader r = { .data = data, .len = len, .line = 1, .path = path,
		                     .limits = doc_limits_get(limits), .error = error };
	const char *bad = NULL;
	struct doc_node *root;

	g_return_val_if_fail(out != NULL && path != NULL && (data != NULL || len == 0), false);
	if (!doc_check_size(path, len, r.limits, error))
		return false;
	if (data == NULL)
		r.data = "";
	if (!doc_json_utf8_validate(r.data, len, &bad)) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: not valid UTF-8 (or a NUL byte)",
		            path, doc_line_at(r.data, len, (size_t)(bad - r.data)));
		return false;
	}
	r.d = doc_new(path);
	r.buf = g_string_new(NULL);
	root = doc_json_root(&r);
	g_string_free(r.buf, true);
	g_free(r.stack);
	if (root == NULL) {
		doc_free(r.d);
		return false;
	}
	g_ptr_array_add(r.d->roots, root);
	*out = r.d;
	return true;
}
