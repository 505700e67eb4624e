/*
 * doc.h - the document model every extractor reads: maps, lists and
 * scalars, each with the line it starts on.
 *
 * YAML is read with libyaml (multi-document streams, anchors and aliases
 * with an expansion limit, tags such as CloudFormation's !Ref kept on the
 * node; merge keys "<<" are not applied and stay ordinary pairs). JSON is
 * read by a bounded reader of RFC 8259 plus comments (doc_json.c), which
 * accepts what libyaml cannot (surrogate-pair escapes).
 *
 * A document owns all its nodes (an alias may make two parents share one
 * node); they die with doc_free(). Every node pointer handed out is
 * borrowed from the document.
 */
#ifndef DW_DOC_H
#define DW_DOC_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dw_arena.h"
#include "dw_error.h"
#include "dw_limits.h"

enum doc_kind {
	DOC_NULL,
	DOC_SCALAR,
	DOC_LIST,
	DOC_MAP,
};

struct doc_pair;

struct doc_node {
	enum doc_kind kind;
	unsigned line;     /* 1-based line where the node starts */
	const char *tag;   /* explicit YAML tag as libyaml reports it ("!Ref", "!GetAtt",
	                    * "tag:yaml.org,2002:str" for !!str), else NULL */
	/* DOC_SCALAR: the value, NUL-terminated; len excludes the NUL. JSON
	 * numbers and booleans are given as their text ("22", "true"). */
	const char *text;
	size_t len;
	bool quoted;       /* scalar was a quoted/JSON string, not a plain value */
	size_t n;          /* DOC_LIST: items; DOC_MAP: pairs */
	struct doc_node **items;  /* DOC_LIST */
	struct doc_pair *pairs;   /* DOC_MAP, in document order */
};

struct doc_pair {
	struct doc_node *key;   /* a scalar for JSON; any node for YAML */
	struct doc_node *value;
};

struct doc {
	char *path;        /* owned; used in error messages */
	GPtrArray *roots;  /* struct doc_node *, one per document in the stream */
	/* private: the arena that owns every node and string */
	struct dw_arena arena_;
	GStringChunk *strings_;
};

struct doc_limits {
	size_t max_bytes;   /* whole input; 0: dw_limit_file_bytes() */
	unsigned max_depth; /* nesting of maps and lists */
	size_t max_nodes;   /* nodes, counting every alias expansion */
	size_t max_scalar;  /* bytes in one scalar */
};
#define DOC_LIMITS_INIT { 0, DW_LIMIT_DEPTH, DW_LIMIT_NODES, DW_LIMIT_SCALAR_BYTES }
/* driftwatch's own files (rule pack, policy, watcher settings): the
 * default size limit, whatever --max-file-size set for analysed files. */
extern const struct doc_limits doc_limits_own;

/*
 * Parse data (len bytes, need not be NUL-terminated) into *out. limits may
 * be NULL for the defaults in dw_limits.h. On failure *out is untouched and
 * error is DW_ERROR_PARSE ("path:line: what") or DW_ERROR_LIMIT ("path:
 * file is larger than 8 MiB", "path:line: nesting deeper than 256").
 */
bool doc_parse_yaml(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error);
bool doc_parse_json(struct doc **out, const char *path, const char *data, size_t len,
                    const struct doc_limits *limits, GError **error);
/* JSON when path ends in .json or the first non-blank byte is '{' or '[', else YAML. */
bool doc_parse(struct doc **out, const char *path, const char *data, size_t len,
               const struct doc_limits *limits, GError **error);
void doc_free(struct doc *d);
typedef struct doc doc;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(doc, doc_free)

/* The value of the last pair whose key is the scalar key, or NULL when
 * node is not a map or has no such key. */
const struct doc_node *doc_map_get(const struct doc_node *map, const char *key);
/* Same, ignoring ASCII case (ARM property names are case-insensitive). */
const struct doc_node *doc_map_get_ci(const struct doc_node *map, const char *key);
/* The text of a scalar node, or NULL for any other node (or NULL). */
const char *doc_scalar(const struct doc_node *node);

#endif
