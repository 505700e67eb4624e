/*
 * bicep_eval.h - values of Bicep expressions (bicep_eval.c), shared with
 * the extractor (extract_bicep.c). Not for use outside diff/.
 *
 * A value is null, a bool, an integer, a string, an array, an object, or
 * unknown: a value that cannot be known statically, with why (never a
 * guess). Values are reference-counted and never changed once made, so a
 * variable used many times is not copied; every value made counts
 * against DW_LIMIT_NODES, every string against DW_LIMIT_SCALAR_BYTES.
 */
#ifndef DW_BICEP_EVAL_H
#define DW_BICEP_EVAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "bicep.h"

enum bv_kind {
	BV_NULL,
	BV_BOOL,
	BV_INT,
	BV_STRING,
	BV_ARRAY,
	BV_OBJECT,
	BV_UNKNOWN,
};

struct bv {
	int ref;
	enum bv_kind kind;
	unsigned line;        /* where the value is written (0: computed nowhere in particular) */
	gint64 i;             /* BV_INT; BV_BOOL: 0 or 1 */
	char *s;              /* BV_STRING: the text; BV_UNKNOWN: why; owned */
	char *src;            /* BV_UNKNOWN: the expression as written, or the parameter's name; owned */
	bool param;           /* BV_UNKNOWN: src is a parameter with no value */
	GPtrArray *items;     /* BV_ARRAY items, BV_OBJECT values: struct bv *, owned refs */
	GPtrArray *keys;      /* BV_OBJECT: char *, owned */
	/* A BV_OBJECT standing for a resource or module: its full type
	 * ("Microsoft.Network/networkSecurityGroups/securityRules") and full
	 * name ("web-nsg/ssh"), NULL when the name is not known; owned. */
	char *res_type;
	char *res_name;
	struct bv *res_unknown; /* when res_name is NULL: why (its own name or its parent's); owned ref */
	bool module;          /* a module: its outputs are not evaluated */
};

struct bv *bv_ref(struct bv *v);
void bv_unref(struct bv *v);
typedef struct bv bv;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bv, bv_unref)

/* A loop variable in scope. */
struct bicep_local {
	const char *name;
	struct bv *v;                     /* borrowed */
	const struct bicep_local *up;
};

/* What evaluation needs from its file: names, and the budget. */
struct bicep_eval {
	const struct bicep_file *f;
	/* The value of a declared name (param, var, resource, module), or
	 * NULL when nothing of that name is declared. New reference. */
	struct bv *(*lookup)(struct bicep_eval *ev, const char *name, const struct bicep_expr *at);
	void *user_data;
	size_t *values;    /* values made so far, shared by every file of one extraction */
	bool *over;        /* set when past a limit */
	unsigned depth;
};

/* Evaluates e; never NULL. New reference. */
struct bv *bicep_eval(struct bicep_eval *ev, const struct bicep_local *locals, const struct bicep_expr *e);

struct bv *bv_new(struct bicep_eval *ev, enum bv_kind kind, unsigned line);
struct bv *bv_string(struct bicep_eval *ev, const char *text, unsigned line);
/* An unknown made at e: why from fmt, src the expression's text. */
struct bv *bv_unknown(struct bicep_eval *ev, const struct bicep_expr *e, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The unknown of a parameter with no value. */
struct bv *bv_unknown_param(struct bicep_eval *ev, const char *name, unsigned line);
/* The value of key in an object, or NULL. Borrowed. */
struct bv *bv_object_get(const struct bv *obj, const char *key);
/* Equal values (false when either is or holds an unknown). */
bool bv_equal(const struct bv *a, const struct bv *b, unsigned depth);

/* The id Azure gives a resource of full type TYPE and full name NAME:
 * "Microsoft.Network/networkSecurityGroups/web/securityRules/ssh". New string. */
char *bicep_resource_id(const char *type, const char *name);


#endif
