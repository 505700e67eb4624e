/*
 * doc.c - the document arena (every node and string of one parsed file,
 * freed at once), the read-only accessors extractors use, and doc_parse(),
 * which picks the YAML or JSON reader for a file.
 *
 * Define DOC_DEBUG_ARENA to give every string its own allocation instead
 * of packing them into a GStringChunk, so that sanitizers see overruns.
 */
#include "doc_private.h"

#include <string.h>

static const struct doc_limits doc_limits_default = DOC_LIMITS_INIT;
const struct doc_limits doc_limits_own = { DW_LIMIT_FILE_BYTES, DW_LIMIT_DEPTH, DW_LIMIT_NODES,
	                                   DW_LIMIT_SCALAR_BYTES };

struct doc *doc_new(const char *path)
{
	struct doc *d = g_new0(struct doc, 1);

	d->path = g_strdup(path);
	d->roots = g_ptr_array_new();
	dw_arena_init(&d->arena_);
	d->strings_ = g_string_chunk_new(4096);
	return d;
}

void doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	g_ptr_array_unref(d->roots);
	dw_arena_clear(&d->arena_);
	g_string_chunk_free(d->strings_);
	g_free(d->path);
	g_free(d);
}

void *doc_alloc_n(struct doc *d, size_t n, size_t size)
{
	return dw_arena_alloc0_n(&d->arena_, n, size);
}

struct doc_node *doc_node_new(struct doc *d, enum doc_kind kind, unsigned line)
{
	struct doc_node *node = doc_alloc_n(d, 1, sizeof(*node));

	node->kind = kind;
	node->line = line;
	return node;
}

const char *doc_strndup(struct doc *d, const char *s, size_t len)
{
#ifdef DOC_DEBUG_ARENA
	char *copy = doc_alloc_n(d, len + 1, 1);

	memcpy(copy, s, len);
	return copy;
#else
	return g_string_chunk_insert_len(d->strings_, s, (gssize)len);
#endif
}

const struct doc_limits *doc_limits_get(const struct doc_limits *limits)
{
	return limits != NULL ? limits : &doc_limits_default;
}

bool doc_check_size(const char *path, size_t len, const struct doc_limits *limits,
                    GError **error)
{
	size_t max = limits->max_bytes != 0 ? limits->max_bytes : dw_limit_file_bytes();

	if (len <= max)
		return true;
	dw_set_error_too_large(error, path, max);
	return false;
}

unsigned doc_line_at(const char *data, size_t len, size_t offset)
{
	unsigned line = 1;
	const char *p = data;
	const char *end = data + MIN(offset, len);

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* JSON by name, or by a leading '{' or '[' (after blanks and a UTF-8 BOM). */
static bool doc_is_json(const char *path, const char *data, size_t len)
{
	size_t plen = path != NULL ? strlen(path) : 0;
	size_t i = 0;

	if (plen >= 5 && g_ascii_strcasecmp(path + plen - 5, ".json") == 0)
		return true;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	return i < len && (data[i] == '{' || data[i] == '[');
}

bool doc_parse(struct doc **out, const char *path, const char *data, size_t len,
               const struct doc_limits *limits, GError **error)
{
	if (doc_is_json(path, data, len))
		return doc_parse_json(out, path, data, len, limits, error);
	return doc_parse_yaml(out, path, data, len, limits, error);
}

static bool doc_key_is(const struct doc_node *key, const char *name, size_t len, bool ci)
{
	if (key == NULL || key->kind != DOC_SCALAR || key->len != len)
		return false;
	return ci ? g_ascii_strncasecmp(key->text, name, len) == 0
	          : memcmp(key->text, name, len) == 0;
}

static const struct doc_node *doc_map_find(const struct doc_node *map, const char *key, bool ci)
{
	size_t len;

	if (map == NULL || map->kind != DOC_MAP || key == NULL)
		return NULL;
	len = strlen(key);
	for (size_t i = map->n; i > 0; i--) {
		if (doc_key_is(map->pairs[i - 1].key, key, len, ci))
			return map->pairs[i - 1].value;
	}
	return NULL;
}

const struct doc_node *doc_map_get(const struct doc_node *map, const char *key)
{
	return doc_map_find(map, key, false);
}

const struct doc_node *doc_map_get_ci(const struct doc_node *map, const char *key)
{
	return doc_map_find(map, key, true);
}

const char *doc_scalar(const struct doc_node *node)
{
	return node != NULL && node->kind == DOC_SCALAR ? node->text : NULL;
}
