/*
 * fuzz_doc.h - the check both document harnesses make: parse with small
 * limits, then walk every node (YAML aliases included, so the node limit
 * is what bounds the walk) and trap if a limit did not hold or a failure
 * came without a message.
 */
#ifndef DW_FUZZ_DOC_H
#define DW_FUZZ_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"

typedef bool (*fuzz_doc_parse_fn)(struct doc **out, const char *path, const char *data, size_t len,
                                  const struct doc_limits *limits, GError **error);

static size_t fuzz_doc_walk(const struct doc_node *node, unsigned depth)
{
	size_t seen = 1;

	if (depth > 64)
		__builtin_trap();
	if (node->kind == DOC_SCALAR && node->text[node->len] != '\0')
		__builtin_trap();
	for (size_t i = 0; node->kind == DOC_LIST && i < node->n; i++)
		seen += fuzz_doc_walk(node->items[i], depth + 1);
	for (size_t i = 0; node->kind == DOC_MAP && i < node->n; i++) {
		seen += fuzz_doc_walk(node->pairs[i].key, depth + 1);
		seen += fuzz_doc_walk(node->pairs[i].value, depth + 1);
		(void)doc_map_get(node, "Type");
		(void)doc_map_get_ci(node, "properties");
	}
	return seen;
}

static int fuzz_doc_check(fuzz_doc_parse_fn parse, const char *path, const uint8_t *data, size_t size)
{
	struct doc_limits limits = { 1 << 16, 32, 4096, 1024 };
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;
	size_t seen = 0;

	if (!parse(&d, path, (const char *)data, size, &limits, &error)) {
		if (error == NULL || error->domain != DW_ERROR || error->message[0] == '\0')
			__builtin_trap();
		return 0;
	}
	for (guint i = 0; i < d->roots->len; i++)
		seen += fuzz_doc_walk(g_ptr_array_index(d->roots, i), 1);
	if (seen > limits.max_nodes)
		__builtin_trap();
	doc_free(d);
	return 0;
}

#endif
