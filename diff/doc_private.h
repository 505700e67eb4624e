/*
 * doc_private.h - the arena and limit helpers shared by doc.c and the two
 * parsers (doc_yaml.c, doc_json.c). Not for use outside diff/doc*.c.
 */
#ifndef DW_DOC_PRIVATE_H
#define DW_DOC_PRIVATE_H

#include "doc.h"

/* A new empty document for path, with no roots. Never fails. */
struct doc *doc_new(const char *path);
/* A zeroed node of kind on line, owned by d's arena. */
struct doc_node *doc_node_new(struct doc *d, enum doc_kind kind, unsigned line);
/* A NUL-terminated copy of len bytes of s (which may hold NULs), owned by d. */
const char *doc_strndup(struct doc *d, const char *s, size_t len);
/* A zeroed array of n elements of size bytes, owned by d. */
void *doc_alloc_n(struct doc *d, size_t n, size_t size);

/* limits, or the defaults from dw_limits.h when limits is NULL. */
const struct doc_limits *doc_limits_get(const struct doc_limits *limits);
/* Fail with DW_ERROR_LIMIT ("path: file is larger than 8 MiB") past max_bytes
 * (dw_limit_file_bytes() when it is 0). */
bool doc_check_size(const char *path, size_t len, const struct doc_limits *limits,
                    GError **error);
/* The 1-based line of data[offset] (offset is clamped to len). */
unsigned doc_line_at(const char *data, size_t len, size_t offset);

#endif
