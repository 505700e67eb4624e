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
 *  - the parser's signals record lines: "object-start"/"array-start" give
 *    the line of a container's opening bracket, "object-member" and
 *    "array-element" the line of a scalar value (json_parser_get_current_line
 *    then reports the line of the value's last token). A key gets its
 *    value's line.
 * json-glib keeps only the last of duplicate keys, so a JSON map has none.
 * It also accepts a few non-JSON forms ('single quotes', block comments,
 * hex numbers); the pre-scan skips over them so they cannot hide brackets.
 */
#include "doc_private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* What the pre-scan learnt about the input. */
struct doc_json_scan {
	unsigned root_line;      /* line of the first token, 0 when there is none */
	unsigned trailing_line;  /* line of data after the top-level container, or 0 */
};

/* Lines recorded for one object or array while json-glib parses. */
struct doc_json_container {
	unsigned start;         /* line of the '{' or '[' */
	GHashTable *members;    /* object: member name -> GUINT_TO_POINTER(line) */
	GArray *elements;       /* array: unsigned line per index */
	JsonObject *object;     /* a reference, so no later container reuses the address */
	JsonArray *array;
};

struct doc_json_lines {
	GHashTable *containers; /* JsonObject * or JsonArray * -> struct doc_json_container * */
	GArray *starts;         /* unsigned: lines of the containers still open */
};

struct doc_json_convert {
	struct doc *d;
	const struct doc_limits *limits;
	struct doc_json_lines *lines;
	size_t count;           /* nodes built so far */
};

static bool doc_json_is_word(char c)
{
	return g_ascii_isalnum(c) || c == '+' || c == '-' || c == '.';
}

/*
 * The index just past the string that opens at data[i], counting its
 * newlines; *nul is set when it holds a \u0000 escape, which json-glib
 * would turn into a string that ends early.
 */
static size_t doc_json_skip_string(const char *data, size_t len, size_t i, unsigned *line,
                                   bool *nul)
{
	char quote = data[i++];

	while (i < len && data[i] != quote) {
		/* Single-quoted strings (a json-glib extension) have no escapes. */
		if (data[i] == '\\' && quote == '"' && i + 1 < len) {
			if (len - i >= 6 && memcmp(data + i + 1, "u0000", 5) == 0)
				*nul = true;
			i++;
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

/*
 * Walk the input once before json-glib does. Nodes are counted exactly for
 * valid JSON: the root, the first element of each non-empty container, then
 * one per ',' (next element or key) and one per ':' (a member's value).
 */
static bool doc_json_prescan(struct doc_json_scan *out, const char *path, const char *data,
                             size_t len, const struct doc_limits *limits, GError **error)
{
	struct doc_json_scan scan = { 0 };
	unsigned line = 1, depth = 0;
	bool closed = false, opened = false;
	size_t i = 0, count = 0;

	while (i < len && scan.trailing_line == 0) {
		char c = data[i];
		unsigned at = line;

		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			line += c == '\n';
			i++;
			continue;
		}
		if (c == '/' && i + 1 < len && data[i + 1] == '*') {
			i = doc_json_skip_comment(data, len, i, &line);
			continue;
		}
		if (closed) {
			scan.trailing_line = at;
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
			bool nul = false;

			i = doc_json_skip_string(data, len, i, &line, &nul);
			if (nul) {
				g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
				            "%s:%u: NUL character (\\u0000) in a string", path, at);
				return false;
			}
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
			size_t start = i;

			while (i < len && doc_json_is_word(data[i]))
				i++;
			if (!doc_json_check_word(path, data + start, i - start, at, error))
				return false;
		} else {
			i++;
		}
	}
	*out = scan;
	return true;
}

static void doc_json_container_free(void *p)
{
	struct doc_json_container *c = p;

	if (c->members != NULL)
		g_hash_table_unref(c->members);
	if (c->elements != NULL)
		g_array_unref(c->elements);
	if (c->object != NULL)
		json_object_unref(c->object);
	if (c->array != NULL)
		json_array_unref(c->array);
	g_free(c);
}

static struct doc_json_container *doc_json_object_lines(struct doc_json_lines *l, JsonObject *o)
{
	struct doc_json_container *c = g_hash_table_lookup(l->containers, o);

	if (c == NULL) {
		c = g_new0(struct doc_json_container, 1);
		c->members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		c->object = json_object_ref(o);
		g_hash_table_insert(l->containers, o, c);
	}
	return c;
}

static struct doc_json_container *doc_json_array_lines(struct doc_json_lines *l, JsonArray *a)
{
	struct doc_json_container *c = g_hash_table_lookup(l->containers, a);

	if (c == NULL) {
		c = g_new0(struct doc_json_container, 1);
		c->elements = g_array_new(false, true, sizeof(unsigned));
		c->array = json_array_ref(a);
		g_hash_table_insert(l->containers, a, c);
	}
	return c;
}

static unsigned doc_json_pop_start(struct doc_json_lines *l)
{
	unsigned line;

	if (l->starts->len == 0)
		return 0;
	line = g_array_index(l->starts, unsigned, l->starts->len - 1);
	g_array_set_size(l->starts, l->starts->len - 1);
	return line;
}

static void doc_json_on_start(JsonParser *parser, void *user_data)
{
	struct doc_json_lines *l = user_data;
	unsigned line = json_parser_get_current_line(parser);

	g_array_append_val(l->starts, line);
}

static void doc_json_on_object_end(JsonParser *parser, JsonObject *object, void *user_data)
{
	struct doc_json_lines *l = user_data;

	doc_json_object_lines(l, object)->start = doc_json_pop_start(l);
}

static void doc_json_on_array_end(JsonParser *parser, JsonArray *array, void *user_data)
{
	struct doc_json_lines *l = user_data;

	doc_json_array_lines(l, array)->start = doc_json_pop_start(l);
}

static void doc_json_on_member(JsonParser *parser, JsonObject *object, const char *name,
                               void *user_data)
{
	struct doc_json_container *c = doc_json_object_lines(user_data, object);

	g_hash_table_replace(c->members, g_strdup(name),
	                     GUINT_TO_POINTER(json_parser_get_current_line(parser)));
}

static void doc_json_on_element(JsonParser *parser, JsonArray *array, int index, void *user_data)
{
	struct doc_json_container *c = doc_json_array_lines(user_data, array);
	unsigned line = json_parser_get_current_line(parser);

	if (index < 0)
		return;
	if ((guint)index >= c->elements->len)
		g_array_set_size(c->elements, (guint)index + 1);
	g_array_index(c->elements, unsigned, index) = line;
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

static struct doc_node *doc_json_node(struct doc_json_convert *cv, JsonNode *jn, unsigned line,
                                      GError **error);

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
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, json_node_get_int(jn));
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
		g_autofree char *max = doc_format_size(cv->limits->max_scalar);

		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: scalar longer than %s",
		            cv->d->path, node->line, max);
		return false;
	}
	node->text = doc_strndup(cv->d, text, node->len);
	return true;
}

static bool doc_json_object(struct doc_json_convert *cv, struct doc_node *node, JsonObject *o,
                            GError **error)
{
	struct doc_json_container *c = g_hash_table_lookup(cv->lines->containers, o);
	JsonObjectIter iter;
	const char *name;
	JsonNode *member;
	size_t i = 0;

	if (c != NULL && c->start != 0)
		node->line = c->start;
	node->n = json_object_get_size(o);
	node->pairs = doc_alloc_n(cv->d, node->n, sizeof(*node->pairs));
	json_object_iter_init_ordered(&iter, o);
	while (i < node->n && json_object_iter_next_ordered(&iter, &name, &member)) {
		unsigned line = node->line;
		void *recorded;
		struct doc_node *key;

		if (c != NULL && g_hash_table_lookup_extended(c->members, name, NULL, &recorded))
			line = GPOINTER_TO_UINT(recorded);
		if (!doc_json_count(cv->d->path, &cv->count, cv->limits, line, error))
			return false;
		key = doc_node_new(cv->d, DOC_SCALAR, line);
		key->len = strlen(name);
		key->text = doc_strndup(cv->d, name, key->len);
		key->quoted = true;
		node->pairs[i].key = key;
		node->pairs[i].value = doc_json_node(cv, member, line, error);
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
                           GError **error)
{
	struct doc_json_container *c = g_hash_table_lookup(cv->lines->containers, a);

	if (c != NULL && c->start != 0)
		node->line = c->start;
	node->n = json_array_get_length(a);
	node->items = doc_alloc_n(cv->d, node->n, sizeof(*node->items));
	for (guint i = 0; i < node->n; i++) {
		unsigned line = node->line;

		if (c != NULL && i < c->elements->len && g_array_index(c->elements, unsigned, i) != 0)
			line = g_array_index(c->elements, unsigned, i);
		node->items[i] = doc_json_node(cv, json_array_get_element(a, i), line, error);
		if (node->items[i] == NULL)
			return false;
	}
	return true;
}

/* jn as a doc node; line is where it was seen (containers use their bracket's). */
static struct doc_node *doc_json_node(struct doc_json_convert *cv, JsonNode *jn, unsigned line,
                                      GError **error)
{
	struct doc_node *node;
	bool ok = true;

	if (!doc_json_count(cv->d->path, &cv->count, cv->limits, line, error))
		return NULL;
	node = doc_node_new(cv->d, DOC_NULL, line);
	switch (json_node_get_node_type(jn)) {
	case JSON_NODE_OBJECT:
		node->kind = DOC_MAP;
		ok = doc_json_object(cv, node, json_node_get_object(jn), error);
		break;
	case JSON_NODE_ARRAY:
		node->kind = DOC_LIST;
		ok = doc_json_array(cv, node, json_node_get_array(jn), error);
		break;
	case JSON_NODE_VALUE:
		ok = doc_json_value(cv, node, jn, error);
		break;
	case JSON_NODE_NULL:
		break;
	}
	return ok ? node : NULL;
}

static JsonParser *doc_json_parser_new(struct doc_json_lines *l)
{
	JsonParser *parser = json_parser_new();

	g_signal_connect(parser, "object-start", G_CALLBACK(doc_json_on_start), l);
	g_signal_connect(parser, "array-start", G_CALLBACK(doc_json_on_start), l);
	g_signal_connect(parser, "object-end", G_CALLBACK(doc_json_on_object_end), l);
	g_signal_connect(parser, "array-end", G_CALLBACK(doc_json_on_array_end), l);
	g_signal_connect(parser, "object-member", G_CALLBACK(doc_json_on_member), l);
	g_signal_connect(parser, "array-element", G_CALLBACK(doc_json_on_element), l);
	return parser;
}

/* Run json-glib over data and check what it accepted; the root stays owned by parser. */
static JsonNode *doc_json_load(JsonParser *parser, const char *path, const char *data, size_t len,
                               const struct doc_json_scan *scan, GError **error)
{
	g_autoptr(GError) err = NULL;
	JsonNode *root;

	if (!json_parser_load_from_data(parser, data, (gssize)len, &err)) {
		doc_json_parse_error(path, err, error);
		return NULL;
	}
	if (json_parser_has_assignment(parser, NULL)) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE,
		            "%s:%u: a JavaScript assignment (var x = ...) is not JSON", path,
		            scan->root_line);
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

bool doc_parse_json(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error)
{
	struct doc_json_scan scan;
	struct doc_json_lines lines;
	struct doc_json_convert cv = { 0 };
	const char *bad = NULL;
	JsonParser *parser;
	JsonNode *root;
	struct doc_node *node = NULL;

	g_return_val_if_fail(out != NULL && path != NULL && (data != NULL || len == 0), false);
	limits = doc_limits_get(limits);
	if (!doc_check_size(path, len, limits, error))
		return false;
	if (data == NULL)
		data = "";
	/* json-glib refuses these too, but without saying where. */
	if (!g_utf8_validate_len(data, len, &bad)) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: not valid UTF-8 (or a NUL byte)",
		            path, doc_line_at(data, len, (size_t)(bad - data)));
		return false;
	}
	if (!doc_json_prescan(&scan, path, data, len, limits, error))
		return false;

	lines.containers = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	                                         doc_json_container_free);
	lines.starts = g_array_new(false, false, sizeof(unsigned));
	parser = doc_json_parser_new(&lines);
	root = doc_json_load(parser, path, data, len, &scan, error);
	if (root != NULL) {
		cv.d = doc_new(path);
		cv.limits = limits;
		cv.lines = &lines;
		node = doc_json_node(&cv, root, scan.root_line != 0 ? scan.root_line : 1, error);
	}
	g_object_unref(parser);
	g_hash_table_unref(lines.containers);
	g_array_unref(lines.starts);
	if (node == NULL) {
		doc_free(cv.d);
		return false;
	}
	g_ptr_array_add(cv.d->roots, node);
	*out = cv.d;
	return true;
}
