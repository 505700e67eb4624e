/*
 * bicep.h - Azure Bicep files (.bicep, .bicepparam) as a syntax tree:
 * declarations (param, var, resource, module, output, using) and their
 * expressions, each with its line.
 *
 * The parser follows "Bicep file structure and syntax" and "Bicep
 * operators" in the Azure documentation: a hand-written lexer and a
 * recursive-descent parser; comments "//" and "/" "*" ... "*" "/";
 * newlines end a declaration and separate the members of an object or
 * array (commas may too); strings are single-quoted with '${...}'
 * interpolation and the escapes \\ \' \n \r \t \$ \u{X}, or multi-line
 * '''...''' without escapes. Nothing is evaluated here (extract_bicep.c
 * does that). Declarations it does not need (type, func, import,
 * metadata, targetScope) are read and dropped.
 *
 * A file owns every node and string of its tree; all pointers handed out
 * are borrowed from it and die with bicep_file_free().
 */
#ifndef DW_BICEP_H
#define DW_BICEP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dw_arena.h"
#include "dw_error.h"
#include "dw_limits.h"

enum bicep_expr_kind {
	BICEP_NULL,
	BICEP_BOOL,    /* flag */
	BICEP_INT,     /* text: the digits */
	BICEP_STRING,  /* text: escapes decoded, no interpolation */
	BICEP_INTERP,  /* items: literal parts (BICEP_STRING) and expressions, in order */
	BICEP_ARRAY,   /* items */
	BICEP_OBJECT,  /* keys[i]: items[i]; decls: nested resource declarations */
	BICEP_IDENT,   /* text: the name */
	BICEP_MEMBER,  /* a.text (flag: a.?text, a?.text) */
	BICEP_INDEX,   /* a[b] (flag: a[?b]) */
	BICEP_CALL,    /* text(items...), a: the namespace or object before ".text(" or NULL */
	BICEP_UNARY,   /* text a: "!" or "-" */
	BICEP_BINARY,  /* a text b: "||", "&&", "==", "!=", "=~", "!~", "<", "<=", ">", ">=",
	                * "+", "-", "*", "/", "%", "??" */
	BICEP_TERNARY, /* a ? b : c */
	BICEP_FOR,     /* [for text in a: b], text2: the index variable ("for (x, i) in") or NULL */
	BICEP_IF,      /* if (a) b: a resource or module body deployed only when a holds */
	BICEP_LAMBDA,  /* x => a, (x, i) => a: text, text2 the first two parameters (or NULL) */
};

struct bicep_decl;

struct bicep_expr {
	enum bicep_expr_kind kind;
	unsigned line;
	const char *text;
	const char *text2;
	bool flag;
	struct bicep_expr *a, *b, *c;
	size_t n;
	struct bicep_expr **items;
	const char **keys;            /* BICEP_OBJECT: n keys */
	size_t n_decls;
	struct bicep_decl **decls;    /* BICEP_OBJECT: resources declared inside (nested) */
	size_t start, end;            /* byte offsets of the expression in the file */
};

enum bicep_decl_kind {
	BICEP_DECL_PARAM,    /* param NAME TYPE [= value] (.bicepparam: param NAME = value) */
	BICEP_DECL_VAR,      /* var NAME = value */
	BICEP_DECL_RESOURCE, /* resource NAME 'TYPE@VERSION' [existing] = value */
	BICEP_DECL_MODULE,   /* module NAME 'PATH' = value */
	BICEP_DECL_OUTPUT,   /* output NAME TYPE = value */
	BICEP_DECL_USING,    /* using 'PATH' (a .bicepparam's template) */
};

struct bicep_decl {
	enum bicep_decl_kind kind;
	const char *name;        /* NULL for using */
	unsigned line;
	const char *type;        /* RESOURCE: 'TYPE@VERSION'; MODULE, USING: the path; else NULL */
	bool existing;           /* RESOURCE: "existing", not deployed here */
	struct bicep_expr *value; /* default, value or body; a param may have none (NULL) */
};

struct bicep_file {
	char *path;              /* owned */
	GPtrArray *decls;        /* struct bicep_decl *, top level, in file order */
	char *source;            /* a NUL-terminated copy of the input, for expression text */
	size_t len;
	/* private: every node and string */
	struct dw_arena arena_;
	GStringChunk *strings_;
};

/*
 * Parses data (len bytes, need not be NUL-terminated) into *out. On
 * failure *out is untouched and error is DW_ERROR_PARSE ("path:line:
 * what") or DW_ERROR_LIMIT (larger than dw_limit_file_bytes(), nesting
 * deeper than DW_LIMIT_DEPTH, more than DW_LIMIT_NODES nodes, a string
 * longer than DW_LIMIT_SCALAR_BYTES).
 */
bool bicep_parse(struct bicep_file **out, const char *path, const char *data, size_t len, GError **error);
void bicep_file_free(struct bicep_file *f);
typedef struct bicep_file bicep_file;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bicep_file, bicep_file_free)

/* The value of key in an object expression, or NULL. Borrowed. */
const struct bicep_expr *bicep_object_get(const struct bicep_expr *obj, const char *key);

#endif
