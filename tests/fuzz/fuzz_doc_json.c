/*
 * fuzz_doc_json.c - libFuzzer harness for doc_parse_json(): parse with
 * small limits, then walk every node and check the node limit holds.
 * The corpus replays as a test; by hand, e.g.:
 *   clang -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *     -Idiff tests/fuzz/fuzz_doc_json.c diff/doc*.c diff/error.c \
 *     $(pkg-config --cflags --libs glib-2.0 json-glib-1.0 yaml-0.1)
 */
#include <stddef.h>
#include <stdint.h>

#include "doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t fuzz_doc_json_walk(const struct doc_node *node, unsigned depth)
{
	size_t seen = 1;

	if (depth > 64)
		__builtin_trap();
	if (node->kind == DOC_SCALAR && node->text[node->len] != '\0')
		__builtin_trap();
	for (size_t i = 0; node->kind == DOC_LIST && i < node->n; i++)
		seen += fuzz_doc_json_walk(node->items[i], depth + 1);
	for (size_t i = 0; node->kind == DOC_MAP && i < node->n; i++) {
		seen += fuzz_doc_json_walk(node->pairs[i].key, depth + 1);
		seen += fuzz_doc_json_walk(node->pairs[i].value, depth + 1);
		(void)doc_map_get(node, "Type");
		(void)doc_map_get_ci(node, "properties");
	}
	return seen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_limits limits = { 1 << 16, 32, 4096, 1024 };
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;
	size_t seen = 0;

	if (!doc_parse_json(&d, "fuzz.json", (const char *)data, size, &limits, &error)) {
		if (error == NULL || error->domain != DW_ERROR || error->message[0] == '\0')
			__builtin_trap();
		return 0;
	}
	for (guint i = 0; i < d->roots->len; i++)
		seen += fuzz_doc_json_walk(g_ptr_array_index(d->roots, i), 1);
	if (seen > limits.max_nodes)
		__builtin_trap();
	doc_free(d);
	return 0;
}
