/*
 * doc_yaml.c - YAML streams into documents, built from libyaml's event API
 * (yaml_parser_parse) with one root per document of the stream.
 *
 * Tags are kept as libyaml reports them: "!Ref" for CloudFormation's short
 * form, "tag:yaml.org,2002:str" for "!!str". An untagged plain "null",
 * "Null", "NULL", "~" or empty scalar is DOC_NULL (YAML 1.2 core schema);
 * every other scalar stays text. Merge keys ("<<: *base") are not applied:
 * they stay ordinary pairs whose value is the aliased map.
 *
 * An alias shares the node its anchor names, so a document is a DAG; to
 * keep "billion laughs" from costing a billion steps in every later walk,
 * each anchored node remembers its expanded size and max_nodes caps the
 * total with every alias counted in full. An alias inside the node its
 * anchor is still building is an unknown alias, so there are no cycles.
 */
#include "doc_private.h"

#include <limits.h>
#include <string.h>
#include <yaml.h>

struct doc_yaml_frame {
	struct doc_node *node;
	GPtrArray *children;  /* struct doc_node *, owned by the doc; map: key, value, ... */
	char *anchor;         /* owned; registered when the node ends */
	size_t count_start;   /* doc_yaml_state::count before this node */
};

struct doc_yaml_anchor {
	struct doc_node *node;  /* owned by the doc */
	size_t weight;          /* nodes in its subtree, aliases expanded */
};

struct doc_yaml_state {
	struct doc *d;
	const struct doc_limits *limits;
	const char *data;
	size_t len;
	GArray *stack;          /* struct doc_yaml_frame, innermost last */
	GHashTable *anchors;    /* name -> struct doc_yaml_anchor *, one document's */
	size_t count;           /* nodes so far in the stream, aliases expanded */
};

static unsigned doc_yaml_line(const yaml_mark_t *mark)
{
	return mark->line < UINT_MAX ? (unsigned)mark->line + 1 : UINT_MAX;
}

static void doc_yaml_frame_clear(struct doc_yaml_frame *f)
{
	g_ptr_array_unref(f->children);
	g_free(f->anchor);
}

/* Count weight more nodes, failing past max_nodes. */
static bool doc_yaml_count(struct doc_yaml_state *st, size_t weight, unsigned line, GError **error)
{
	if (weight > st->limits->max_nodes || st->count > st->limits->max_nodes - weight) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s:%u: more than %zu nodes (counting alias expansions)",
		            st->d->path, line, st->limits->max_nodes);
		return false;
	}
	st->count += weight;
	return true;
}

static void doc_yaml_anchor_set(struct doc_yaml_state *st, const char *name, struct doc_node *node,
                                size_t weight)
{
	struct doc_yaml_anchor *a = g_new(struct doc_yaml_anchor, 1);

	a->node = node;
	a->weight = weight;
	g_hash_table_replace(st->anchors, g_strdup(name), a);
}

/* Hand a finished node to the collection being built, or make it a root. */
static void doc_yaml_attach(struct doc_yaml_state *st, struct doc_node *node)
{
	if (st->stack->len == 0) {
		g_ptr_array_add(st->d->roots, node);
		return;
	}
	g_ptr_array_add(g_array_index(st->stack, struct doc_yaml_frame, st->stack->len - 1).children,
	                node);
}

static bool doc_yaml_is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.tag != NULL || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static bool doc_yaml_scalar(struct doc_yaml_state *st, const yaml_event_t *ev, GError **error)
{
	unsigned line = doc_yaml_line(&ev->start_mark);
	yaml_scalar_style_t style = ev->data.scalar.style;
	struct doc_node *node;

	if (ev->data.scalar.length > st->limits->max_scalar) {
		g_autofree char *max = dw_size_format(st->limits->max_scalar);

		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: scalar longer than %s",
		            st->d->path, line, max);
		return false;
	}
	/* A "\0" escape would make the text end early for every reader. */
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: NUL character in a scalar",
		            st->d->path, line);
		return false;
	}
	if (!doc_yaml_count(st, 1, line, error))
		return false;
	node = doc_node_new(st->d, doc_yaml_is_null(ev) ? DOC_NULL : DOC_SCALAR, line);
	if (ev->data.scalar.tag != NULL)
		node->tag = doc_strndup(st->d, (const char *)ev->data.scalar.tag,
		                        strlen((const char *)ev->data.scalar.tag));
	if (node->kind == DOC_SCALAR) {
		node->text = doc_strndup(st->d, (const char *)ev->data.scalar.value,
		                         ev->data.scalar.length);
		node->len = ev->data.scalar.length;
		node->quoted = style != YAML_PLAIN_SCALAR_STYLE && style != YAML_ANY_SCALAR_STYLE;
	}
	if (ev->data.scalar.anchor != NULL)
		doc_yaml_anchor_set(st, (const char *)ev->data.scalar.anchor, node, 1);
	doc_yaml_attach(st, node);
	return true;
}

static bool doc_yaml_start(struct doc_yaml_state *st, const yaml_event_t *ev, enum doc_kind kind,
                           GError **error)
{
	unsigned line = doc_yaml_line(&ev->start_mark);
	const yaml_char_t *tag, *anchor;
	struct doc_yaml_frame f = { 0 };

	if (st->stack->len >= st->limits->max_depth) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: nesting deeper than %u",
		            st->d->path, line, st->limits->max_depth);
		return false;
	}
	f.count_start = st->count;
	if (!doc_yaml_count(st, 1, line, error))
		return false;
	tag = kind == DOC_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	anchor = kind == DOC_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	f.node = doc_node_new(st->d, kind, line);
	if (tag != NULL)
		f.node->tag = doc_strndup(st->d, (const char *)tag, strlen((const char *)tag));
	f.children = g_ptr_array_new();
	if (anchor != NULL) {
		/* A redefined anchor is not visible inside its own new node. */
		f.anchor = g_strdup((const char *)anchor);
		g_hash_table_remove(st->anchors, f.anchor);
	}
	g_array_append_val(st->stack, f);
	return true;
}

static void doc_yaml_end(struct doc_yaml_state *st)
{
	struct doc_yaml_frame f;
	struct doc_node *node;
	GPtrArray *c;

	g_assert(st->stack->len > 0);
	f = g_array_index(st->stack, struct doc_yaml_frame, st->stack->len - 1);
	g_array_set_size(st->stack, st->stack->len - 1);
	node = f.node;
	c = f.children;
	if (node->kind == DOC_LIST) {
		node->n = c->len;
		node->items = doc_alloc_n(st->d, c->len, sizeof(*node->items));
		for (guint i = 0; i < c->len; i++)
			node->items[i] = c->pdata[i];
	} else {
		/* libyaml emits a key and a value for every pair. */
		g_assert(c->len % 2 == 0);
		node->n = c->len / 2;
		node->pairs = doc_alloc_n(st->d, node->n, sizeof(*node->pairs));
		for (size_t i = 0; i < node->n; i++) {
			node->pairs[i].key = c->pdata[2 * i];
			node->pairs[i].value = c->pdata[2 * i + 1];
		}
	}
	if (f.anchor != NULL)
		doc_yaml_anchor_set(st, f.anchor, node, st->count - f.count_start);
	doc_yaml_frame_clear(&f);
	doc_yaml_attach(st, node);
}

static bool doc_yaml_alias(struct doc_yaml_state *st, const yaml_event_t *ev, GError **error)
{
	unsigned line = doc_yaml_line(&ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	struct doc_yaml_anchor *a = g_hash_table_lookup(st->anchors, name);

	if (a == NULL) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: unknown alias *%.64s",
		            st->d->path, line, name);
		return false;
	}
	if (!doc_yaml_count(st, a->weight, line, error))
		return false;
	doc_yaml_attach(st, a->node);
	return true;
}

static bool doc_yaml_event(struct doc_yaml_state *st, const yaml_event_t *ev, GError **error)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		/* Anchors do not cross document boundaries. */
		g_hash_table_remove_all(st->anchors);
		return true;
	case YAML_SCALAR_EVENT:
		return doc_yaml_scalar(st, ev, error);
	case YAML_SEQUENCE_START_EVENT:
		return doc_yaml_start(st, ev, DOC_LIST, error);
	case YAML_MAPPING_START_EVENT:
		return doc_yaml_start(st, ev, DOC_MAP, error);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		doc_yaml_end(st);
		return true;
	case YAML_ALIAS_EVENT:
		return doc_yaml_alias(st, ev, error);
	default:
		return true;
	}
}

/* libyaml's error as "path:line: problem (context at line N)". */
static void doc_yaml_error(const struct doc_yaml_state *st, const yaml_parser_t *parser,
                           GError **error)
{
	const char *problem = parser->problem != NULL ? parser->problem : "malformed YAML";
	unsigned line = doc_yaml_line(&parser->problem_mark);
	unsigned context_line = doc_yaml_line(&parser->context_mark);

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: out of memory reading YAML",
		            st->d->path);
		return;
	case YAML_READER_ERROR:
		/* Reader errors (bad UTF-8, control bytes) have an offset, not a mark. */
		line = doc_line_at(st->data, st->len, parser->problem_offset);
		if (parser->problem_value != -1)
			g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s (byte 0x%02X)",
			            st->d->path, line, problem, (unsigned)parser->problem_value & 0xffu);
		else
			g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s", st->d->path, line,
			            problem);
		return;
	default:
		break;
	}
	if (parser->context == NULL) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s", st->d->path, line, problem);
		return;
	}
	/* At the end of input the line that matters is where the unclosed
	 * thing (a quote, a flow collection) began. */
	if (parser->problem_mark.index >= st->len)
		line = context_line;
	if (line == context_line)
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s (%s)", st->d->path, line,
		            problem, parser->context);
	else
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: %s (%s at line %u)", st->d->path,
		            line, problem, parser->context, context_line);
}

/* Pull every event of the stream into st; false with error set on the first failure. */
static bool doc_yaml_run(struct doc_yaml_state *st, yaml_parser_t *parser, GError **error)
{
	for (;;) {
		yaml_event_t ev;
		bool ok, done;

		if (!yaml_parser_parse(parser, &ev)) {
			doc_yaml_error(st, parser, error);
			return false;
		}
		ok = doc_yaml_event(st, &ev, error);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (!ok)
			return false;
		if (done)
			return true;
	}
}

bool doc_parse_yaml(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error)
{
	struct doc_yaml_state st = { 0 };
	yaml_parser_t parser;
	bool ok;

	g_return_val_if_fail(out != NULL && path != NULL && (data != NULL || len == 0), false);
	limits = doc_limits_get(limits);
	if (!doc_check_size(path, len, limits, error))
		return false;
	if (!yaml_parser_initialize(&parser)) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: out of memory reading YAML", path);
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)(data != NULL ? data : ""), len);
	st.d = doc_new(path);
	st.limits = limits;
	st.data = data;
	st.len = len;
	st.stack = g_array_new(false, false, sizeof(struct doc_yaml_frame));
	st.anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	ok = doc_yaml_run(&st, &parser, error);

	for (guint i = 0; i < st.stack->len; i++)
		doc_yaml_frame_clear(&g_array_index(st.stack, struct doc_yaml_frame, i));
	g_array_unref(st.stack);
	g_hash_table_unref(st.anchors);
	yaml_parser_delete(&parser);
	if (!ok) {
		doc_free(st.d);
		return false;
	}
	*out = st.d;
	return true;
}
