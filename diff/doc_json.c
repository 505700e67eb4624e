/*
 * doc_json.c - JSON files (ARM templates, parameter files) into documents,
 * read with json-glib, which accepts what libyaml cannot (surrogate-pair
 * escapes such as "\ud83d\ude00").
 *
 * json-glib builds its whole tree before we see it and keeps no positions,
 * so two things happen around it:
 *  - a pre-scan bounds the input first: nesting depth, node count,
 *    integers that json-glib would silently wrap past 64 bits and \u0000
 *    escapes that would cut a string short; it also
 *    finds data after the top-level value, which json-glib 1.6 accepts
 *    when it is another object ("{}\n{}");
 *  - lines: a container starts on its '{' or '['; a scalar gets the line
 *    json_parser_get_current_line gives when json-glib reports it, which is
 *    the line of the ',' after it if there is one, else of its token; a key
 *    gets its value's line. For plain JSON the pre-scan
 *    records these lines ("marks"), one per value in document order, and
 *    the conversion takes them in turn while it walks json-glib's tree,
 *    which is in document order too unless an object repeats a key.
 *    Otherwise (a repeated key, or input outside the plain-JSON tokens the
 *    marks understand) the document is parsed again with a JsonParser
 *    subclass whose class handlers record the same lines from the
 *    parser's signals: "object-start"/"array-start" for the brackets,
 *    "object-member"/"array-element" for the values. Those signals go
 *    through libffi, about 2,500 instructions a member, which is why they
 *    are only the fallback.
 * json-glib keeps only the last of duplicate keys, so a JSON map has none.
 * It also accepts a few non-JSON forms ('single quotes', block comments,
 * hex numbers); the pre-scan skips over them so they cannot hide brackets.
 */
#include "doc_private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/*
 * The line of one value, recorded by the pre-scan in document order: what
 * the signals would report for it.
 */
enum doc_json_mark_kind {
	DOC_JSON_MARK_OBJECT,
	DOC_JSON_MARK_ARRAY,
	DOC_JSON_MARK_STRING,
	DOC_JSON_MARK_NUMBER,
	DOC_JSON_MARK_BOOLEAN,
	DOC_JSON_MARK_NULL,
	DOC_JSON_MARK_OTHER,    /* never recorded: a value the marks do not model */
};

struct doc_json_mark {
	unsigned line;          /* a container's '{' or '[' */
	unsigned end;           /* where "object-member"/"array-element" report the value:
	                         * the ',' after it, else the line its last token ends on */
	unsigned n;             /* a container's members or elements */
	enum doc_json_mark_kind kind;
};

/*
 * Plain arrays rather than GArray: g_array_append_val() is a call and a
 * memcpy per value, which showed in the profile.
 */
struct doc_json_marker {
	struct doc_json_mark *marks; /* in document order; NULL once the input left plain JSON */
	size_t n, cap;          /* marks used and allocated */
	unsigned *open;         /* the marks of open containers, innermost last */
	size_t depth, open_cap;
	size_t keys;            /* members of all objects */
	unsigned last;          /* the value that ended last, until a ',' or bracket */
	bool key;               /* the innermost open container waits for a key */
};

/* What the pre-scan learnt about the input. */
struct doc_json_scan {
	unsigned root_line;      /* line of the first token, 0 when there is none */
	unsigned trailing_line;  /* line of data after the top-level value, or 0 */
	size_t trailing_at;      /* and its offset: json-glib reads only what comes before */
	bool comments;           /* the input has comments, blanked before json-glib reads it */
};

/*
 * Lines recorded while json-glib parses, in flat arrays rather than per
 * container tables. Each container gets a box when it opens; each member
 * or element gets a slot when json-glib has stored it. A container's slots
 * are collected on a stack while it is open and moved, in order, to the
 * end of `slots` when it closes, so the conversion reads them by index.
 */
#define DOC_JSON_NO_BOX G_MAXUINT

struct doc_json_box {
	unsigned start;         /* line of the '{' or '[' */
	unsigned first;         /* its slots are slots[first .. first + n) */
	unsigned n;
	bool object;
};

struct doc_json_slot {
	unsigned line;          /* line json-glib reported for the member or element */
	unsigned box;           /* the value's box when it is a container, else DOC_JSON_NO_BOX */
};

struct doc_json_open {
	unsigned box;
	unsigned base;          /* its slots so far are pending[base ..] */
};

struct doc_json_lines {
	GArray *boxes;          /* struct doc_json_box, in the order containers open */
	GArray *slots;          /* struct doc_json_slot of closed containers */
	GArray *pending;        /* struct doc_json_slot of open containers, innermost last */
	GArray *open;           /* struct doc_json_open, innermost last */
	unsigned closed;        /* box of the container that closed last, until its
	                         * parent (or the caller, for the root) takes it */
};

/*
 * A JsonParser that records lines in its class handlers: g_signal_emit
 * calls these without the handler lookup and closure of g_signal_connect.
 * G_DEFINE_TYPE needs the typedefs.
 */
typedef struct {
	JsonParser parent;
	struct doc_json_lines *lines;
} DocJsonParser;

typedef struct {
	JsonParserClass parent_class;
} DocJsonParserClass;

static GType doc_json_parser_get_type(void);
G_DEFINE_TYPE(DocJsonParser, doc_json_parser, JSON_TYPE_PARSER)

struct doc_json_convert {
	struct doc *d;
	const struct doc_limits *limits;
	const struct doc_json_lines *lines; /* the signals' lines, when marks is NULL */
	const struct doc_json_mark *marks; /* from the pre-scan, or NULL */
	size_t nmarks;
	unsigned next;          /* the mark of the next node built */
	bool mismatch;          /* the tree and the marks disagree: use the signals */
	size_t count;           /* nodes built so far */
	struct doc_node *spare; /* nodes allocated but not used yet */
	size_t nspare;
	size_t block;           /* nodes to allocate when spare runs out */
};

static bool doc_json_is_word(char c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '-' || c == '.';
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
 * The escape at data[i] (a backslash) as RFC 8259 has them: its length,
 * or 0 with *bad set. json-glib 1.6 reads "\\uzzzz" as "zzzz", a high
 * surrogate before anything but a low one as bytes that are not UTF-8,
 * leaks on some malformed pairs, and ends a string early at \\u0000.
 */
static size_t doc_json_escape(const char *data, size_t len, size_t i, const char **bad)
{
	long unit, low;

	if (i + 1 < len && data[i + 1] != '\0' && strchr("\"\\/bfnrt", data[i + 1]) != NULL)
		return 2;
	if (i + 1 >= len || data[i + 1] != 'u') {
		*bad = "an escape that is not one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX";
		return 0;
	}
	unit = doc_json_unit(data, len, i);
	if (unit < 0) {
		*bad = "\\u not followed by four hexadecimal digits";
		return 0;
	}
	if (unit == 0) {
		*bad = "NUL character (\\u0000)";
		return 0;
	}
	if (unit >= 0xdc00 && unit <= 0xdfff) {
		*bad = "a low surrogate (\\uDC00-\\uDFFF) without a high one before it";
		return 0;
	}
	if (unit < 0xd800 || unit > 0xdbff)
		return 6;
	low = doc_json_unit(data, len, i + 6);
	if (low < 0xdc00 || low > 0xdfff) {
		*bad = "a high surrogate (\\uD800-\\uDBFF) not followed by a low one";
		return 0;
	}
	return 12;
}

/*
 * The index just past the string that opens at data[i], counting its
 * newlines; *bad is set (and the index is where) when an escape in it
 * is not one RFC 8259 allows.
 */
static size_t doc_json_skip_string(const char *data, size_t len, size_t i, unsigned *line,
                                   const char **bad)
{
	char quote = data[i++];

	while (i < len && data[i] != quote) {
		/* Single-quoted strings (a json-glib extension) have no escapes. */
		if (data[i] == '\\' && quote == '"') {
			size_t n = doc_json_escape(data, len, i, bad);

			if (n == 0)
				return i;
			i += n;
			continue;
		}
		if (data[i] == '\n')
			(*line)++;
		i++;
	}
	return i < len ? i + 1 : len;
}

/* The index just past the block comment that opens at data[i]. */
static size_t doc_json_skip_comment(const char *data, size_t len, size_t i, unsigned *line)
{
	for (i += 2; i < len; i++) {
		if (data[i] == '*' && i + 1 < len && data[i + 1] == '/')
			return i + 2;
		if (data[i] == '\n')
			(*line)++;
	}
	return len;
}

/*
 * The index just past the comment that opens at data[i] ("//" to the end
 * of the line, or slash-star to star-slash), or 0 when a block comment is
 * left open. Azure's template engine reads both kinds; json-glib 1.6 ends
 * a block comment at its first '/' and takes '/' alone for a comment to
 * the next '/', so comments are blanked before it reads the text.
 */
static size_t doc_json_comment_end(const char *data, size_t len, size_t i, unsigned *line)
{
	const char *nl;
	size_t end;

	if (data[i + 1] == '/') {
		nl = memchr(data + i, '\n', len - i);
		return nl != NULL ? (size_t)(nl - data) : len;
	}
	end = doc_json_skip_comment(data, len, i, line);
	return end - i >= 4 && data[end - 2] == '*' && data[end - 1] == '/' ? end : 0;
}

/* A copy of data[0 .. len) with every comment made blanks (newlines kept). */
static char *doc_json_blank_comments(const char *data, size_t len)
{
	char *copy = g_malloc(len + 1);
	unsigned line = 1;
	size_t i = 0;

	memcpy(copy, data, len);
	copy[len] = '\0';
	while (i < len) {
		if (copy[i] == '"' || copy[i] == '\'') {
			const char *bad = NULL;

			i = doc_json_skip_string(copy, len, i, &line, &bad);
			if (bad != NULL)
				break; /* the pre-scan refused this */
		} else if (copy[i] == '/' && i + 1 < len && (copy[i + 1] == '/' || copy[i + 1] == '*')) {
			size_t end = doc_json_comment_end(copy, len, i, &line);

			for (end = end != 0 ? end : len; i < end; i++) {
				if (copy[i] != '\n')
					copy[i] = ' ';
			}
		} else {
			i++;
		}
	}
	return copy;
}

/* Integers json-glib would wrap are a parse error here instead. */
static bool doc_json_check_word(const char *path, const char *word, size_t wlen, unsigned line,
                                GError **error)
{
	size_t digits = word[0] == '-' ? 1 : 0;
	g_autofree char *copy = NULL;

	while (digits < wlen && g_ascii_isdigit(word[digits]))
		digits++;
	/* Only plain decimal integers of 19 digits or more can overflow. */
	if (digits != wlen || wlen < 19)
		return true;
	copy = g_strndup(word, wlen);
	if (g_ascii_string_to_signed(copy, 10, G_MININT64, G_MAXINT64, NULL, NULL))
		return true;
	g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: integer %.40s%s is out of range",
	            path, line, copy, wlen > 40 ? "..." : "");
	return false;
}

static bool doc_json_count(const char *path, size_t *count, const struct doc_limits *limits,
                           unsigned line, GError **error)
{
	if (*count >= limits->max_nodes) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: more than %zu nodes", path, line,
		            limits->max_nodes);
		return false;
	}
	(*count)++;
	return true;
}

static void doc_json_marker_init(struct doc_json_marker *m)
{
	*m = (struct doc_json_marker){ .cap = 64, .last = DOC_JSON_NO_BOX };
	m->marks = g_new(struct doc_json_mark, m->cap);
}

static void doc_json_marker_clear(struct doc_json_marker *m)
{
	g_clear_pointer(&m->marks, g_free);
	g_clear_pointer(&m->open, g_free);
}

/* Whether word is a number in RFC 8259's grammar (section 6), nothing looser. */
static bool doc_json_is_number(const char *word, size_t wlen)
{
	size_t i = word[0] == '-' ? 1 : 0;

	if (i < wlen && word[i] == '0')
		i++;
	else if (i < wlen && word[i] >= '1' && word[i] <= '9')
		while (i < wlen && g_ascii_isdigit(word[i]))
			i++;
	else
		return false;
	if (i < wlen && word[i] == '.') {
		if (++i == wlen || !g_ascii_isdigit(word[i]))
			return false;
		while (i < wlen && g_ascii_isdigit(word[i]))
			i++;
	}
	if (i < wlen && (word[i] == 'e' || word[i] == 'E')) {
		i++;
		if (i < wlen && (word[i] == '+' || word[i] == '-'))
			i++;
		if (i == wlen || !g_ascii_isdigit(word[i]))
			return false;
		while (i < wlen && g_ascii_isdigit(word[i]))
			i++;
	}
	return i == wlen;
}

/* The kind of the scalar word, or DOC_JSON_MARK_OTHER. */
static enum doc_json_mark_kind doc_json_word_kind(const char *word, size_t wlen)
{
	if ((wlen == 4 && memcmp(word, "true", 4) == 0) ||
	    (wlen == 5 && memcmp(word, "false", 5) == 0))
		return DOC_JSON_MARK_BOOLEAN;
	if (wlen == 4 && memcmp(word, "null", 4) == 0)
		return DOC_JSON_MARK_NULL;
	return doc_json_is_number(word, wlen) ? DOC_JSON_MARK_NUMBER : DOC_JSON_MARK_OTHER;
}

/* The innermost open container, or NULL at the top level. */
static struct doc_json_mark *doc_json_marker_top(struct doc_json_marker *m)
{
	return m->depth > 0 ? &m->marks[m->open[m->depth - 1]] : NULL;
}

/* Stop marking: the input is not plain JSON, or not as the marks model it. */
static void doc_json_marker_off(struct doc_json_marker *m)
{
	g_clear_pointer(&m->marks, g_free);
}

/* A value of kind starts; line is what the signals would report for it. */
static void doc_json_marker_value(struct doc_json_marker *m, enum doc_json_mark_kind kind,
                                  unsigned line)
{
	struct doc_json_mark mark = { .line = line, .end = line, .kind = kind };
	struct doc_json_mark *top = doc_json_marker_top(m);

	/* A second top-level value, a value where a key belongs, or a word
	 * that is not plain JSON. */
	if ((top == NULL && m->n > 0) || m->key || kind == DOC_JSON_MARK_OTHER) {
		doc_json_marker_off(m);
		return;
	}
	if (top != NULL) {
		top->n++;
		m->keys += top->kind == DOC_JSON_MARK_OBJECT;
	}
	if (m->n == m->cap) {
		m->cap *= 2;
		m->marks = g_renew(struct doc_json_mark, m->marks, m->cap);
	}
	m->last = (unsigned)m->n;
	m->marks[m->n++] = mark;
}

/*
 * Mark the token data[start .. end), which begins on line at and ends on
 * line; a key is skipped, a bracket opens or closes its container.
 */
static void doc_json_marker_token(struct doc_json_marker *m, const char *data, size_t start,
                                  size_t end, unsigned at, unsigned line)
{
	struct doc_json_mark *top = doc_json_marker_top(m);
	char c = data[start];
	bool object = c == '{' || c == '}';

	switch (c) {
	case '{':
	case '[':
		doc_json_marker_value(m, object ? DOC_JSON_MARK_OBJECT : DOC_JSON_MARK_ARRAY, at);
		if (m->marks == NULL)
			return;
		if (m->depth == m->open_cap) {
			m->open_cap = m->open_cap > 0 ? 2 * m->open_cap : 16;
			m->open = g_renew(unsigned, m->open, m->open_cap);
		}
		m->open[m->depth++] = (unsigned)m->n - 1;
		m->last = DOC_JSON_NO_BOX;
		m->key = object;
		return;
	case '}':
	case ']':
		if (top == NULL || top->kind != (object ? DOC_JSON_MARK_OBJECT : DOC_JSON_MARK_ARRAY)) {
			doc_json_marker_off(m);
			return;
		}
		top->end = at;
		m->last = m->open[--m->depth];
		m->key = false;
		return;
	case ':':
		if (top == NULL || top->kind != DOC_JSON_MARK_OBJECT)
			doc_json_marker_off(m);
		else
			m->key = false;
		return;
	case ',':
		/* json-glib takes the ',' before it reports the value before it:
		 * see json_parse_array() and json_parse_object(). */
		if (top == NULL || m->last == DOC_JSON_NO_BOX) {
			doc_json_marker_off(m);
			return;
		}
		m->marks[m->last].end = at;
		m->last = DOC_JSON_NO_BOX;
		m->key = top->kind == DOC_JSON_MARK_OBJECT;
		return;
	case '"':
		/* json-glib reads a key while it waits for one; see json_parse_object(). */
		if (!m->key)
			doc_json_marker_value(m, DOC_JSON_MARK_STRING, line);
		return;
	default:
		doc_json_marker_value(m, doc_json_word_kind(data + start, end - start), at);
		return;
	}
}

/*
 * Walk the input once before json-glib does. Nodes are counted exactly for
 * valid JSON: the root, the first element of each non-empty container, then
 * one per ',' (next element or key) and one per ':' (a member's value).
 * m, when it still has marks, gets every token.
 */
static bool doc_json_prescan(struct doc_json_scan *out, struct doc_json_marker *m,
                             const char *path, const char *data, size_t len,
                             const struct doc_limits *limits, GError **error)
{
	struct doc_json_scan scan = { 0 };
	unsigned line = 1, depth = 0;
	bool closed = false, opened = false;
	size_t i = 0, count = 0;

	while (i < len && scan.trailing_line == 0) {
		char c = data[i];
		unsigned at = line;
		size_t start = i;

		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			line += c == '\n';
			i++;
			continue;
		}
		if (c == '/' && i + 1 < len && (data[i + 1] == '/' || data[i + 1] == '*')) {
			size_t end = doc_json_comment_end(data, len, i, &line);

			if (end == 0) {
				g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
				            "%s:%u: a block comment left open", path, at);
				return false;
			}
			scan.comments = true;
			i = end;
			continue;
		}
		/* A '/' alone opens json-glib's own "/.../" comment, which the
		 * pre-scan would read as tokens: the two would disagree on where
		 * the value ends, and json-glib leaks on what follows. */
		if (c == '/') {
			g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
			            "%s:%u: '/' outside a string and not a comment (// or /* */)", path,
			            at);
			return false;
		}
		if (closed) {
			scan.trailing_line = at;
			scan.trailing_at = i;
			break;
		}
		if (scan.root_line == 0) {
			scan.root_line = at;
			if (!doc_json_count(path, &count, limits, at, error))
				return false;
		}
		if (opened && c != ']' && c != '}' && !doc_json_count(path, &count, limits, at, error))
			return false;
		opened = false;
		if (c == '"' || c == '\'') {
			const char *bad = NULL;

			i = doc_json_skip_string(data, len, i, &line, &bad);
			if (bad != NULL) {
				g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s in a string", path,
				            line, bad);
				return false;
			}
			closed = depth == 0; /* a string at the top is the whole value */
		} else if (c == '{' || c == '[') {
			if (depth >= limits->max_depth) {
				g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: nesting deeper than %u",
				            path, at, limits->max_depth);
				return false;
			}
			depth++;
			opened = true;
			i++;
		} else if (c == '}' || c == ']') {
			depth -= depth > 0;
			closed = depth == 0;
			i++;
		} else if (c == ',' || c == ':') {
			if (!doc_json_count(path, &count, limits, at, error))
				return false;
			i++;
		} else if (doc_json_is_word(c)) {
			while (i < len && doc_json_is_word(data[i]))
				i++;
			if (!doc_json_check_word(path, data + start, i - start, at, error))
				return false;
			/* json-glib would read "var x = ..." as an assignment */
			if (depth == 0 && i - start == 3 && memcmp(data + start, "var", 3) == 0) {
				g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
				            "%s:%u: a JavaScript assignment (var x = ...) is not JSON", path, at);
				return false;
			}
			closed = depth == 0; /* so is a number or literal */
		} else {
			i++;
		}
		if (m->marks != NULL)
			doc_json_marker_token(m, data, start, i, at, line);
	}
	*out = scan;
	return true;
}

static void doc_json_lines_init(struct doc_json_lines *l)
{
	l->boxes = g_array_new(false, false, sizeof(struct doc_json_box));
	l->slots = g_array_new(false, false, sizeof(struct doc_json_slot));
	l->pending = g_array_new(false, false, sizeof(struct doc_json_slot));
	l->open = g_array_new(false, false, sizeof(struct doc_json_open));
	l->closed = DOC_JSON_NO_BOX;
}

static void doc_json_lines_clear(struct doc_json_lines *l)
{
	g_array_unref(l->boxes);
	g_array_unref(l->slots);
	g_array_unref(l->pending);
	g_array_unref(l->open);
}

static void doc_json_lines_start(struct doc_json_lines *l, unsigned line, bool object)
{
	struct doc_json_box box = { .start = line, .object = object };
	struct doc_json_open open = { .box = l->boxes->len, .base = l->pending->len };

	g_array_append_val(l->boxes, box);
	g_array_append_val(l->open, open);
}

static void doc_json_lines_end(struct doc_json_lines *l)
{
	struct doc_json_open *open;
	struct doc_json_box *box;

	g_assert(l->open->len > 0);
	open = &g_array_index(l->open, struct doc_json_open, l->open->len - 1);
	box = &g_array_index(l->boxes, struct doc_json_box, open->box);
	box->first = l->slots->len;
	box->n = l->pending->len - open->base;
	g_array_append_vals(l->slots, &g_array_index(l->pending, struct doc_json_slot, open->base),
	                    box->n);
	g_array_set_size(l->pending, open->base);
	l->closed = open->box;
	g_array_set_size(l->open, l->open->len - 1);
}

/*
 * The slot of the member or element json-glib has just stored; its value
 * is the container that closed last, if one closed since the last slot.
 */
static struct doc_json_slot doc_json_lines_slot(struct doc_json_lines *l, JsonParser *parser)
{
	struct doc_json_slot slot = { json_parser_get_current_line(parser), l->closed };

	l->closed = DOC_JSON_NO_BOX;
	return slot;
}

/* Where json-glib iterates name in o: the order of first appearance. */
static unsigned doc_json_member_index(JsonObject *o, const char *name)
{
	JsonObjectIter iter;
	const char *member;
	unsigned i = 0;

	json_object_iter_init_ordered(&iter, o);
	while (json_object_iter_next_ordered(&iter, &member, NULL) && strcmp(member, name) != 0)
		i++;
	return i;
}

static void doc_json_parser_object_start(JsonParser *parser)
{
	doc_json_lines_start(((DocJsonParser *)parser)->lines,
	                     json_parser_get_current_line(parser), true);
}

static void doc_json_parser_array_start(JsonParser *parser)
{
	doc_json_lines_start(((DocJsonParser *)parser)->lines,
	                     json_parser_get_current_line(parser), false);
}

static void doc_json_parser_object_end(JsonParser *parser, JsonObject *object)
{
	doc_json_lines_end(((DocJsonParser *)parser)->lines);
}

static void doc_json_parser_array_end(JsonParser *parser, JsonArray *array)
{
	doc_json_lines_end(((DocJsonParser *)parser)->lines);
}

/*
 * json-glib keeps a duplicate key where it first appeared, with the last
 * value; its slot replaces the earlier one, so the slots stay in the
 * order json_object_iter_next_ordered() gives.
 */
static void doc_json_parser_object_member(JsonParser *parser, JsonObject *object,
                                          const char *name)
{
	struct doc_json_lines *l = ((DocJsonParser *)parser)->lines;
	struct doc_json_slot slot = doc_json_lines_slot(l, parser);
	unsigned base;

	g_assert(l->open->len > 0);
	base = g_array_index(l->open, struct doc_json_open, l->open->len - 1).base;
	if (json_object_get_size(object) > l->pending->len - base)
		g_array_append_val(l->pending, slot);
	else
		g_array_index(l->pending, struct doc_json_slot,
		              base + doc_json_member_index(object, name)) = slot;
}

static void doc_json_parser_array_element(JsonParser *parser, JsonArray *array, int index)
{
	struct doc_json_lines *l = ((DocJsonParser *)parser)->lines;
	struct doc_json_slot slot = doc_json_lines_slot(l, parser);

	g_array_append_val(l->pending, slot);
}

static void doc_json_parser_init(DocJsonParser *parser)
{
}

static void doc_json_parser_class_init(DocJsonParserClass *klass)
{
	JsonParserClass *parser_class = JSON_PARSER_CLASS(klass);

	parser_class->object_start = doc_json_parser_object_start;
	parser_class->object_member = doc_json_parser_object_member;
	parser_class->object_end = doc_json_parser_object_end;
	parser_class->array_start = doc_json_parser_array_start;
	parser_class->array_element = doc_json_parser_array_element;
	parser_class->array_end = doc_json_parser_array_end;
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

/* json-glib's "<data>:4:1: Parse error: ..." as "path:4: Parse error: ...". */
static void doc_json_parse_error(const char *path, const GError *err, GError **error)
{
	/* The message quotes input, which may hold a newline; keep it one line. */
	g_autofree char *msg = g_strdelimit(g_strdup(err->message), "\r\n", ' ');
	const char *p = msg;
	char *end = NULL;
	guint64 line;

	if (!g_str_has_prefix(msg, "<data>:") || !g_ascii_isdigit(msg[strlen("<data>:")])) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s: %s", path, msg);
		return;
	}
	line = g_ascii_strtoull(p + strlen("<data>:"), &end, 10);
	p = end;
	if (*p == ':' && g_ascii_isdigit(p[1])) {
		g_ascii_strtoull(p + 1, &end, 10);
		p = end;
	}
	if (*p == ':')
		p++;
	while (*p == ' ')
		p++;
	g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s", path,
	            (unsigned)MIN(line, (guint64)G_MAXUINT), p);
}

/* A double as the shortest of %.15g and %.17g that reads back the same. */
static void doc_json_format_double(char *buf, size_t size, double v)
{
	g_ascii_formatd(buf, (int)size, "%.15g", v);
	if (g_ascii_strtod(buf, NULL) != v)
		g_ascii_formatd(buf, (int)size, "%.17g", v);
}

/* v in decimal, as "%" G_GINT64_FORMAT gives it, without printf. */
static void doc_json_format_int(char *buf, size_t size, gint64 v)
{
	char digits[24];
	guint64 u = v < 0 ? -(guint64)v : (guint64)v;
	size_t n = 0, i = 0;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	g_assert(n + 2 <= size);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = digits[--n];
	buf[i] = '\0';
}

/*
 * A zeroed node, like doc_node_new(), but carved from blocks of the arena
 * sized by what the parse recorded; DOC_DEBUG_ARENA gives each node its own
 * allocation so that sanitizers see overruns.
 */
static struct doc_node *doc_json_node_new(struct doc_json_convert *cv, unsigned line)
{
	struct doc_node *node;

#ifdef DOC_DEBUG_ARENA
	return doc_node_new(cv->d, DOC_NULL, line);
#endif
	if (cv->nspare == 0) {
		cv->nspare = cv->block;
		cv->spare = doc_alloc_n(cv->d, cv->nspare, sizeof(*cv->spare));
		cv->block = 64;
	}
	node = cv->spare++;
	cv->nspare--;
	node->kind = DOC_NULL;
	node->line = line;
	return node;
}

/* The nodes a conversion of what l recorded builds at most. */
static size_t doc_json_lines_nodes(const struct doc_json_lines *l)
{
	size_t n = 1;

	for (guint i = 0; i < l->boxes->len; i++) {
		const struct doc_json_box *b = &g_array_index(l->boxes, struct doc_json_box, i);

		n += b->object ? 2 * (size_t)b->n : b->n;
	}
	return n;
}

/* The box recorded for a container of n members or elements, or NULL. */
static const struct doc_json_box *doc_json_box_get(const struct doc_json_convert *cv,
                                                   unsigned box, bool object, size_t n)
{
	const struct doc_json_box *b;

	if (box >= cv->lines->boxes->len)
		return NULL;
	b = &g_array_index(cv->lines->boxes, struct doc_json_box, box);
	return b->object == object && b->n == n ? b : NULL;
}

static const struct doc_json_slot *doc_json_slot_get(const struct doc_json_convert *cv,
                                                     const struct doc_json_box *b, size_t i)
{
	return &g_array_index(cv->lines->slots, struct doc_json_slot, b->first + i);
}

static enum doc_json_mark_kind doc_json_mark_kind(JsonNode *jn)
{
	GType type;

	switch (json_node_get_node_type(jn)) {
	case JSON_NODE_OBJECT:
		return DOC_JSON_MARK_OBJECT;
	case JSON_NODE_ARRAY:
		return DOC_JSON_MARK_ARRAY;
	case JSON_NODE_NULL:
		return DOC_JSON_MARK_NULL;
	case JSON_NODE_VALUE:
		break;
	}
	type = json_node_get_value_type(jn);
	if (type == G_TYPE_STRING)
		return DOC_JSON_MARK_STRING;
	if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
		return DOC_JSON_MARK_NUMBER;
	return type == G_TYPE_BOOLEAN ? DOC_JSON_MARK_BOOLEAN : DOC_JSON_MARK_OTHER;
}

/*
 * The mark of jn, the next node to build; NULL, with cv->mismatch set, when
 * the marks and the tree disagree (a repeated key), so that nothing is built
 * from a wrong line.
 */
static const struct doc_json_mark *doc_json_mark_peek(struct doc_json_convert *cv, JsonNode *jn)
{
	const struct doc_json_mark *m;

	if (cv->next < cv->nmarks) {
		m = &cv->marks[cv->next];
		if (m->kind == doc_json_mark_kind(jn))
			return m;
	}
	cv->mismatch = true;
	return NULL;
}

/*
 * The line and box of member or element i of a container recorded as c
 * (the signals) or of the next node jn (the marks); false on a mismatch.
 */
static bool doc_json_child(struct doc_json_convert *cv, const struct doc_json_box *c, size_t i,
                           JsonNode *jn, unsigned *line, unsigned *box)
{
	const struct doc_json_slot *slot;
	const struct doc_json_mark *m;

	if (cv->marks != NULL) {
		m = doc_json_mark_peek(cv, jn);
		if (m == NULL)
			return false;
		*line = m->end;
		return true;
	}
	if (c == NULL)
		return true;
	slot = doc_json_slot_get(cv, c, i);
	if (slot->line != 0)
		*line = slot->line;
	*box = slot->box;
	return true;
}

/*
 * The line of a container of n members or elements: its opening bracket,
 * or line when nothing was recorded. *c is its box (signals only).
 */
static bool doc_json_container(struct doc_json_convert *cv, const struct doc_json_box **c,
                               unsigned box, bool object, size_t n, unsigned *line)
{
	const struct doc_json_mark *m;

	*c = NULL;
	if (cv->marks != NULL) {
		m = &cv->marks[box];
		if (m->n != n) {
			cv->mismatch = true;
			return false;
		}
		*line = m->line;
		return true;
	}
	*c = doc_json_box_get(cv, box, object, n);
	if (*c != NULL && (*c)->start != 0)
		*line = (*c)->start;
	return true;
}

static struct doc_node *doc_json_node(struct doc_json_convert *cv, JsonNode *jn, unsigned line,
                                      unsigned box, GError **error);

static bool doc_json_value(struct doc_json_convert *cv, struct doc_node *node, JsonNode *jn,
                           GError **error)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	const char *text = buf;
	GType type = json_node_get_value_type(jn);

	node->kind = DOC_SCALAR;
	if (type == G_TYPE_STRING) {
		text = json_node_get_string(jn);
		node->quoted = true;
	} else if (type == G_TYPE_INT64) {
		doc_json_format_int(buf, sizeof(buf), json_node_get_int(jn));
	} else if (type == G_TYPE_DOUBLE) {
		doc_json_format_double(buf, sizeof(buf), json_node_get_double(jn));
	} else if (type == G_TYPE_BOOLEAN) {
		text = json_node_get_boolean(jn) ? "true" : "false";
	} else {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: unsupported JSON value",
		            cv->d->path, node->line);
		return false;
	}
	node->len = strlen(text);
	if (node->len > cv->limits->max_scalar) {
		g_autofree char *max = dw_size_format(cv->limits->max_scalar);

		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: scalar longer than %s",
		            cv->d->path, node->line, max);
		return false;
	}
	node->text = doc_strndup(cv->d, text, node->len);
	return true;
}

/*
 * Members come in the order json_object_iter_next_ordered() gives, as the
 * slots do; the marks have document order, the same without repeated keys.
 */
static bool doc_json_object(struct doc_json_convert *cv, struct doc_node *node, JsonObject *o,
                            unsigned box, GError **error)
{
	const struct doc_json_box *c;
	JsonObjectIter iter;
	const char *name;
	JsonNode *member;
	size_t i = 0;

	node->n = json_object_get_size(o);
	if (!doc_json_container(cv, &c, box, true, node->n, &node->line))
		return false;
	node->pairs = doc_alloc_n(cv->d, node->n, sizeof(*node->pairs));
	json_object_iter_init_ordered(&iter, o);
	while (i < node->n && json_object_iter_next_ordered(&iter, &name, &member)) {
		unsigned line = node->line, vbox = DOC_JSON_NO_BOX;
		struct doc_node *key;

		if (!doc_json_child(cv, c, i, member, &line, &vbox))
			return false;
		if (!doc_json_count(cv->d->path, &cv->count, cv->limits, line, error))
			return false;
		key = doc_json_node_new(cv, line);
		key->kind = DOC_SCALAR;
		key->len = strlen(name);
		key->text = doc_strndup(cv->d, name, key->len);
		key->quoted = true;
		node->pairs[i].key = key;
		node->pairs[i].value = doc_json_node(cv, member, line, vbox, error);
		if (node->pairs[i].value == NULL)
			return false;
		/* A member's recorded line is where its value ends; a container
		 * value knows where it starts, which is nearer the key. */
		key->line = node->pairs[i].value->line;
		i++;
	}
	node->n = i;
	return true;
}

static bool doc_json_array(struct doc_json_convert *cv, struct doc_node *node, JsonArray *a,
                           unsigned box, GError **error)
{
	const struct doc_json_box *c;

	node->n = json_array_get_length(a);
	if (!doc_json_container(cv, &c, box, false, node->n, &node->line))
		return false;
	node->items = doc_alloc_n(cv->d, node->n, sizeof(*node->items));
	for (guint i = 0; i < node->n; i++) {
		JsonNode *element = json_array_get_element(a, i);
		unsigned line = node->line, ebox = DOC_JSON_NO_BOX;

		if (!doc_json_child(cv, c, i, element, &line, &ebox))
			return false;
		node->items[i] = doc_json_node(cv, element, line, ebox, error);
		if (node->items[i] == NULL)
			return false;
	}
	return true;
}

/*
 * jn as a doc node; line is where it was seen (containers use their
 * bracket's), box what the signals recorded for it if it is a container
 * (with marks, the next mark is jn's).
 */
static struct doc_node *doc_json_node(struct doc_json_convert *cv, JsonNode *jn, unsigned line,
                                      unsigned box, GError **error)
{
	struct doc_node *node;
	bool ok = true;

	/* The caller has checked that the next mark is jn's. */
	if (cv->marks != NULL)
		box = cv->next++;
	if (!doc_json_count(cv->d->path, &cv->count, cv->limits, line, error))
		return NULL;
	node = doc_json_node_new(cv, line);
	switch (json_node_get_node_type(jn)) {
	case JSON_NODE_OBJECT:
		node->kind = DOC_MAP;
		ok = doc_json_object(cv, node, json_node_get_object(jn), box, error);
		break;
	case JSON_NODE_ARRAY:
		node->kind = DOC_LIST;
		ok = doc_json_array(cv, node, json_node_get_array(jn), box, error);
		break;
	case JSON_NODE_VALUE:
		ok = doc_json_value(cv, node, jn, error);
		break;
	case JSON_NODE_NULL:
		break;
	}
	return ok ? node : NULL;
}

/*
 * Run json-glib over data and check what it accepted; the root stays owned
 * by parser. It never sees data after the top-level value: json-glib 1.6
 * leaks the whole tree of a second top-level value ("[][]", "0{}"; found
 * by fuzz_doc_json as slow growth), and took "0{}" for valid JSON.
 */
static JsonNode *doc_json_load(JsonParser *parser, const char *path, const char *data, size_t len,
                               const struct doc_json_scan *scan, GError **error)
{
	g_autoptr(GError) err = NULL;
	JsonNode *root;

	if (scan->trailing_line != 0)
		len = scan->trailing_at;
	if (!json_parser_load_from_data(parser, data, (gssize)len, &err)) {
		doc_json_parse_error(path, err, error);
		return NULL;
	}
	if (scan->trailing_line != 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: unexpected data after the JSON value",
		            path, scan->trailing_line);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (root == NULL)
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:1: empty document, expected a JSON value",
		            path);
	return root;
}

/*
 * The root of data as parsed by a plain JsonParser, its lines from the
 * marks m, built in a new document cv->d. NULL with error set on failure,
 * or with cv->mismatch set (and no error) when the marks do not fit.
 */
static struct doc_node *doc_json_parse_marked(struct doc_json_convert *cv, const char *path,
                                              const char *data, size_t len,
                                              const struct doc_json_scan *scan,
                                              const struct doc_json_marker *m, GError **error)
{
	JsonParser *parser = json_parser_new();
	JsonNode *root = doc_json_load(parser, path, data, len, scan, error);
	struct doc_node *node = NULL;

	if (root != NULL) {
		cv->d = doc_new(path);
		cv->marks = m->marks;
		cv->nmarks = m->n;
		cv->block = m->n + m->keys;
		if (doc_json_mark_peek(cv, root) != NULL)
			node = doc_json_node(cv, root, scan->root_line != 0 ? scan->root_line : 1, 0,
			                     error);
		if (node != NULL && cv->next != m->n) {
			cv->mismatch = true;
			node = NULL;
		}
	}
	g_object_unref(parser);
	return node;
}

/* The same with lines from the parser's signals, for any input. */
static struct doc_node *doc_json_parse_signals(struct doc_json_convert *cv, const char *path,
                                               const char *data, size_t len,
                                               const struct doc_json_scan *scan, GError **error)
{
	struct doc_json_lines lines;
	JsonParser *parser;
	JsonNode *root;
	struct doc_node *node = NULL;

	doc_json_lines_init(&lines);
	parser = g_object_new(doc_json_parser_get_type(), NULL);
	((DocJsonParser *)parser)->lines = &lines;
	root = doc_json_load(parser, path, data, len, scan, error);
	if (root != NULL) {
		cv->d = doc_new(path);
		cv->lines = &lines;
		cv->block = doc_json_lines_nodes(&lines);
		/* The root, when a container, is the one that closed last. */
		node = doc_json_node(cv, root, scan->root_line != 0 ? scan->root_line : 1,
		                     lines.closed, error);
	}
	g_object_unref(parser);
	doc_json_lines_clear(&lines);
	return node;
}

bool doc_parse_json(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error)
{
	struct doc_json_scan scan;
	struct doc_json_marker marker;
	struct doc_json_convert cv = { .limits = doc_limits_get(limits) };
	const char *bad = NULL;
	struct doc_node *node = NULL;
	g_autofree char *blanked = NULL;

	g_return_val_if_fail(out != NULL && path != NULL && (data != NULL || len == 0), false);
	if (!doc_check_size(path, len, cv.limits, error))
		return false;
	if (data == NULL)
		data = "";
	/* json-glib refuses these too, but without saying where. */
	if (!doc_json_utf8_validate(data, len, &bad)) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: not valid UTF-8 (or a NUL byte)",
		            path, doc_line_at(data, len, (size_t)(bad - data)));
		return false;
	}
	doc_json_marker_init(&marker);
	if (!doc_json_prescan(&scan, &marker, path, data, len, cv.limits, error)) {
		doc_json_marker_clear(&marker);
		return false;
	}
	if (scan.comments)
		data = blanked = doc_json_blank_comments(data, len);
	if (marker.marks != NULL && marker.depth == 0)
		node = doc_json_parse_marked(&cv, path, data, len, &scan, &marker, error);
	if (marker.marks == NULL || marker.depth != 0 || cv.mismatch) {
		doc_free(cv.d);
		cv = (struct doc_json_convert){ .limits = cv.limits };
		node = doc_json_parse_signals(&cv, path, data, len, &scan, error);
	}
	doc_json_marker_clear(&marker);
	if (node == NULL) {
		doc_free(cv.d);
		return false;
	}
	g_ptr_array_add(cv.d->roots, node);
	*out = cv.d;
	return true;
}
