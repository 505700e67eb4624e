/*
 * tf_eval.h - evaluation of what a Terraform module's expressions can be
 * known to be before any plan: input variables (defaults, terraform.tfvars,
 * *.auto.tfvars), locals, literals, string templates of known values, and
 * the functions concat, flatten, tolist, toset and cidrsubnet.
 *
 * A value that cannot be known statically (a variable with no default, a
 * data source, an attribute only known after apply, a function not
 * evaluated here) is a TF_VALUE_UNKNOWN whose text says why, e.g.
 * "var.admin_cidr, no default"; it is never guessed. A reference to a
 * resource of the module ("aws_security_group.web.id") is a TF_VALUE_REF,
 * so that an extractor can join a rule to its group.
 */
#ifndef DW_TF_EVAL_H
#define DW_TF_EVAL_H

#include <glib.h>
#include <stdbool.h>

#include "hcl.h"

enum tf_value_kind {
	TF_VALUE_NULL,
	TF_VALUE_BOOL,
	TF_VALUE_NUMBER,  /* text, as written ("22") */
	TF_VALUE_STRING,  /* text */
	TF_VALUE_LIST,    /* items: a tuple, list or set */
	TF_VALUE_MAP,     /* keys and items: an object or map */
	TF_VALUE_REF,     /* text "aws_security_group.web", attr "id" (or NULL) */
	TF_VALUE_UNKNOWN, /* text says why */
};

struct tf_value {
	enum tf_value_kind kind;
	bool boolean;     /* TF_VALUE_BOOL */
	char *text;       /* owned; see the kinds above */
	char *attr;       /* TF_VALUE_REF; owned, or NULL */
	GPtrArray *items; /* TF_VALUE_LIST, TF_VALUE_MAP: struct tf_value *, owned */
	GPtrArray *keys;  /* TF_VALUE_MAP: char *, owned, parallel to items */
};

void tf_value_free(struct tf_value *v);
typedef struct tf_value tf_value;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(tf_value, tf_value_free)

/* A deep copy of v. New value. */
struct tf_value *tf_value_dup(const struct tf_value *v);
/* Is v, or anything inside it, unknown? The first reason, borrowed from v, or NULL. */
const char *tf_value_unknown(const struct tf_value *v);
/* A string, number or bool as text (borrowed or static), else NULL. */
const char *tf_value_text(const struct tf_value *v);
/* The item of a map under key (borrowed), or NULL. */
const struct tf_value *tf_value_get(const struct tf_value *v, const char *key);
bool tf_value_equal(const struct tf_value *a, const struct tf_value *b);

/* The declarations of one module, and what their values were found to be. */
struct tf_eval;

struct tf_eval *tf_eval_new(void);
void tf_eval_free(struct tf_eval *ev);
typedef struct tf_eval tf_eval;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(tf_eval, tf_eval_free)

/*
 * Declarations, all borrowed (from the parsed files, which must outlive
 * ev). default_expr may be NULL (a variable with no default).
 */
void tf_eval_declare_variable(struct tf_eval *ev, const char *name, const struct hcl_expr *default_expr);
void tf_eval_declare_local(struct tf_eval *ev, const char *name, const struct hcl_expr *expr);
void tf_eval_declare_resource(struct tf_eval *ev, const char *type, const char *name);
bool tf_eval_has_resource(const struct tf_eval *ev, const char *type, const char *name);

/*
 * A value from a variables file (file: its base name). Terraform loads
 * terraform.tfvars and then *.auto.tfvars in lexical order, each
 * overriding the last: call in that order with auto_loaded true. Any other
 * *.tfvars applies only when passed with -var-file, so it is not known
 * which applies: a variable such a file sets to another value than the
 * loaded ones is unknown, naming the file.
 */
void tf_eval_set_variable(struct tf_eval *ev, const char *name, const struct hcl_expr *expr,
                          const char *file, bool auto_loaded);

/*
 * The value a module call passes for input variable name (value is taken):
 * it replaces the default, as a module block's argument does.
 */
void tf_eval_bind_variable(struct tf_eval *ev, const char *name, struct tf_value *value);

/* The value of expr in the module. New value; never NULL. */
struct tf_value *tf_eval_expr(struct tf_eval *ev, const struct hcl_expr *expr);

/*
 * While on, a resource reference inside a string template is written as
 * "${aws_x.y.arn}" instead of making the string unknown: for values whose
 * shape matters and not the reference's value (an access policy's
 * Resource ARN).
 */
void tf_eval_set_symbolic_refs(struct tf_eval *ev, bool on);

/* Did an evaluation go past the size limits (DW_LIMIT_NODES values)? */
bool tf_eval_over_limit(const struct tf_eval *ev);

#endif
