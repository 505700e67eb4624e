/*
 * hcl.h - the HCL2 native syntax (Terraform's .tf files) as a syntax tree:
 * bodies of attributes and blocks, and expressions, each with its position.
 *
 * The parser follows HashiCorp's "HCL Native Syntax Specification"
 * (hcl/hclsyntax/spec.md): a hand-written lexer and a recursive-descent
 * parser with the spec's operator precedence, comments "#", "//" and
 * "/" "*" ... "*" "/", newlines ending an attribute except inside (), [] and
 * {} of an expression. It only builds the tree; nothing is evaluated here
 * (diff/tf_eval.c does that).
 *
 * A file owns every node and string of its tree; all pointers handed out
 * are borrowed from it and die with hcl_file_free().
 */
#ifndef DW_HCL_H
#define DW_HCL_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dw_arena.h"
#include "dw_error.h"
#include "dw_limits.h"

struct hcl_expr;
struct hcl_body;

enum hcl_expr_kind {
	HCL_EXPR_NULL,         /* null */
	HCL_EXPR_BOOL,         /* true / false: boolean */
	HCL_EXPR_NUMBER,       /* string.text is the number as written: "22", "1.5e3" */
	HCL_EXPR_STRING,       /* a quoted string or heredoc with no interpolation or
	                        * directive: string.text, escapes decoded, "$${" -> "${" */
	HCL_EXPR_TEMPLATE,     /* template.parts; at least one part is not a literal */
	HCL_EXPR_TUPLE,        /* [a, b]: items */
	HCL_EXPR_OBJECT,       /* {k = v, k: v}: object.items */
	HCL_EXPR_TRAVERSAL,    /* var.x, a[0].b, f(x).y, a[*].id: traversal */
	HCL_EXPR_CALL,         /* f(a, b...): call */
	HCL_EXPR_CONDITIONAL,  /* c ? a : b: cond */
	HCL_EXPR_FOR,          /* [for ...] and {for ...}: for_expr */
	HCL_EXPR_UNARY,        /* !a, -a: op */
	HCL_EXPR_BINARY,       /* a + b, a && b, ...: op */
	HCL_EXPR_PAREN,        /* (a): paren (kept so printing gives back the grouping) */
	/* Only as parts of a template: */
	HCL_EXPR_TEMPLATE_IF,  /* %{if c}...%{else}...%{endif}: cond, then/else are
	                        * templates (HCL_EXPR_STRING or _TEMPLATE), else may be NULL */
	HCL_EXPR_TEMPLATE_FOR, /* %{for k, v in c}...%{endfor}: for_expr, value is the body
	                        * template; key/cond/grouping unused */
};

enum hcl_op {
	HCL_OP_NOT, /* !  (unary) */
	HCL_OP_NEG, /* -  (unary) */
	HCL_OP_OR,  /* || */
	HCL_OP_AND, /* && */
	HCL_OP_EQ,  /* == */
	HCL_OP_NE,  /* != */
	HCL_OP_LT,  /* <  */
	HCL_OP_LE,  /* <= */
	HCL_OP_GT,  /* >  */
	HCL_OP_GE,  /* >= */
	HCL_OP_ADD, /* +  */
	HCL_OP_SUB, /* -  */
	HCL_OP_MUL, /* *  */
	HCL_OP_DIV, /* /  */
	HCL_OP_MOD, /* %  */
};

enum hcl_step_kind {
	HCL_STEP_ATTR,       /* .name */
	HCL_STEP_INDEX,      /* [expr], or the legacy .0 form (legacy_dot) */
	HCL_STEP_SPLAT_ATTR, /* .*  : later HCL_STEP_ATTR steps apply to each element */
	HCL_STEP_SPLAT_FULL, /* [*] : every later step applies to each element */
};

struct hcl_step {
	enum hcl_step_kind kind;
	unsigned line, column;
	const char *name;        /* HCL_STEP_ATTR */
	struct hcl_expr *index;  /* HCL_STEP_INDEX */
	bool legacy_dot;         /* HCL_STEP_INDEX written as ".0" */
};

struct hcl_object_item {
	unsigned line, column;
	/* The key. A bare identifier ({name = 1}) is an HCL_EXPR_STRING with
	 * key_bare set: HCL takes it as the string, not a variable. Any other
	 * key ("quoted", (var.x), ...) is an expression to evaluate. */
	struct hcl_expr *key;
	bool key_bare;
	bool colon;              /* written "k: v" rather than "k = v" */
	struct hcl_expr *value;
};

struct hcl_expr {
	enum hcl_expr_kind kind;
	unsigned line, column;   /* 1-based; column counts bytes */
	size_t start, end;       /* byte range [start, end) in the parsed data */
	union {
		bool boolean;            /* HCL_EXPR_BOOL */
		struct {
			const char *text;    /* NUL-terminated; may hold NULs from "\u0000" */
			size_t len;          /* bytes, without the terminating NUL */
		} string;                /* HCL_EXPR_STRING, HCL_EXPR_NUMBER */
		struct {
			/* struct hcl_expr *: literal text (HCL_EXPR_STRING), an
			 * interpolation (any expression) or a directive
			 * (HCL_EXPR_TEMPLATE_IF / _FOR). Strip markers (~) are applied;
			 * a literal they emptied stays as an empty part, as in
			 * hclsyntax, so " ${~x}" has two parts and is a string.
			 * A template that is exactly one interpolation ("${var.x}")
			 * yields that expression's value unconverted, as in HCL. */
			GPtrArray *parts;
		} template;              /* HCL_EXPR_TEMPLATE */
		GPtrArray *items;        /* HCL_EXPR_TUPLE: struct hcl_expr * */
		struct {
			GPtrArray *items;    /* struct hcl_object_item *, document order */
		} object;                /* HCL_EXPR_OBJECT */
		struct {
			/* Exactly one of root (a variable: "var", "local", "aws_sg",
			 * "each", "count", ...) and source (any other expression the
			 * steps apply to: a call, a tuple, a parenthesised expression). */
			const char *root;
			struct hcl_expr *source;
			GPtrArray *steps;    /* struct hcl_step *; may be empty */
		} traversal;             /* HCL_EXPR_TRAVERSAL */
		struct {
			const char *name;    /* "concat", "lookup", "provider::p::f" */
			GPtrArray *args;     /* struct hcl_expr * */
			bool expand_final;   /* f(a, list...) */
		} call;                  /* HCL_EXPR_CALL */
		struct {
			struct hcl_expr *cond;
			struct hcl_expr *then_expr;
			struct hcl_expr *else_expr;
		} cond;                  /* HCL_EXPR_CONDITIONAL, HCL_EXPR_TEMPLATE_IF */
		struct {
			const char *key_var;     /* "k" of "for k, v in": may be NULL */
			const char *value_var;   /* "v" */
			struct hcl_expr *collection;
			struct hcl_expr *key;    /* object form {for ...: key => value}, else NULL */
			struct hcl_expr *value;
			struct hcl_expr *cond;   /* "if cond", or NULL */
			bool object;             /* {for ...} rather than [for ...] */
			bool grouping;           /* value followed by "..." (object form only) */
		} for_expr;              /* HCL_EXPR_FOR, HCL_EXPR_TEMPLATE_FOR */
		struct {
			enum hcl_op op;
			struct hcl_expr *left;   /* NULL for a unary operator */
			struct hcl_expr *right;  /* the operand of a unary operator */
		} op;                    /* HCL_EXPR_UNARY, HCL_EXPR_BINARY */
		struct hcl_expr *paren;  /* HCL_EXPR_PAREN */
	};
	/* HCL_EXPR_STRING / _TEMPLATE written as a heredoc: its marker
	 * ("EOT"), else NULL; heredoc_indent for "<<-", whose common leading
	 * spaces are already removed from the literal parts. */
	const char *heredoc;
	bool heredoc_indent;
};

struct hcl_attribute {
	const char *name;
	struct hcl_expr *expr;
	unsigned line, column;
};

struct hcl_block {
	const char *type;        /* "resource", "variable", "ingress", "dynamic", ... */
	GPtrArray *labels;       /* const char *: quoted or bare, without quotes */
	struct hcl_body *body;
	unsigned line, column;   /* of the type */
};

enum hcl_item_kind {
	HCL_ITEM_ATTRIBUTE,
	HCL_ITEM_BLOCK,
};

struct hcl_item {
	enum hcl_item_kind kind;
	union {
		struct hcl_attribute attribute; /* HCL_ITEM_ATTRIBUTE */
		struct hcl_block block;         /* HCL_ITEM_BLOCK */
	};
};

struct hcl_body {
	GPtrArray *items;        /* struct hcl_item *, in document order */
	unsigned line;           /* of "{", or 1 for a file */
	unsigned end_line;       /* of "}", or the last line of a file */
};

struct hcl_file {
	char *path;              /* owned; used in error messages */
	struct hcl_body *body;
	/* private: the arena that owns every node, array and string */
	struct dw_arena arena_;
	GPtrArray *arrays_;
	GStringChunk *strings_;
	size_t nodes_;
};

/*
 * Parse data (len bytes, need not be NUL-terminated) as HCL native syntax
 * into *out, which the caller frees with hcl_file_free(). On failure *out
 * is untouched and error is DW_ERROR_PARSE ("path:line: what", the first
 * problem found) or DW_ERROR_LIMIT (over DW_LIMIT_FILE_BYTES, deeper than
 * DW_LIMIT_DEPTH, more than DW_LIMIT_NODES nodes, a string over
 * DW_LIMIT_SCALAR_BYTES).
 */
bool hcl_parse(struct hcl_file **out, const char *path, const char *data, size_t len,
               GError **error);
void hcl_file_free(struct hcl_file *file);
typedef struct hcl_file hcl_file;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(hcl_file, hcl_file_free)

/* The last attribute named name directly in body, or NULL. Borrowed. */
const struct hcl_attribute *hcl_body_attribute(const struct hcl_body *body, const char *name);

/*
 * Append expr to out as HCL source text in one canonical spelling (single
 * spaces around binary operators, ", " between items, strings re-escaped;
 * a heredoc is printed as a quoted string), e.g. "var.admin_cidr" or
 * "concat(local.a, [\"10.0.0.0/8\"])". Parentheses are kept as written.
 */
void hcl_expr_print(GString *out, const struct hcl_expr *expr);
/* Same, as a new string the caller frees with g_free(). */
char *hcl_expr_to_string(const struct hcl_expr *expr);

/*
 * Append file's body as JSON in the shape of HashiCorp's hcl2json (the
 * differential test, tests/e2e/test_hcl_diff.sh): blocks nest by type,
 * then label, into lists of objects; literals are JSON values; a template
 * is a string with its literal parts ("$${" and "%%{" escaped) and "${x}"
 * or "%{if x}" for the rest; any other expression is a string "${...}"
 * holding its source text, so data and len must be what file was parsed
 * from.
 */
void hcl_dump_json(GString *out, const struct hcl_file *file, const char *data, size_t len);

/* The operator as written: "!", "-", "&&", "<=", ... */
const char *hcl_op_name(enum hcl_op op);

#endif
