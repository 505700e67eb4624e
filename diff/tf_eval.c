/*
 * tf_eval.c - static evaluation of Terraform expressions (tf_eval.h).
 *
 * Follows "Input Variables" (variable definition precedence: defaults,
 * then terraform.tfvars, then *.auto.tfvars in lexical order), "Local
 * Values" and "Built-in Functions" in the Terraform language
 * documentation. Only what is known without a plan is evaluated; the rest
 * is an unknown that says why. Locals are evaluated once each, and a
 * local that refers back to itself is an unknown, not a loop.
 */
#include "tf_eval.h"

#include <arpa/inet.h>
#include <string.h>

#include "dw_limits.h"
#include "extract_private.h"

struct tf_variable {
	const struct hcl_expr *default_expr; /* borrowed, or NULL */
	bool declared;
	const struct hcl_expr *set_expr;     /* the last auto-loaded value; borrowed */
	GPtrArray *optional;                 /* struct tf_optional_set *: other .tfvars */
	struct tf_value *value;              /* resolved on first use; owned */
	bool resolving;
};

struct tf_optional_set {
	const struct hcl_expr *expr;
	char *file;
};

struct tf_local {
	const struct hcl_expr *expr;
	struct tf_value *value;  /* on first use; owned */
	bool resolving;
};

struct tf_eval {
	GHashTable *variables; /* name -> struct tf_variable * */
	GHashTable *locals;    /* name -> struct tf_local * */
	GHashTable *resources; /* "type.name" set */
	size_t values;         /* values made, against DW_LIMIT_NODES */
	unsigned depth;
	bool over_limit;
	bool symbolic_refs;    /* tf_eval_set_symbolic_refs() */
};

/* An expression as written, cut for a message. New string. */
static char *tf_expr_text(const struct hcl_expr *e)
{
	g_autofree char *text = hcl_expr_to_string(e);

	return extract_quote(text);
}

/* ---- values ----------------------------------------------------------- */

static struct tf_value *tf_value_new(struct tf_eval *ev, enum tf_value_kind kind, const char *text)
{
	struct tf_value *v = g_new0(struct tf_value, 1);

	if (ev && ++ev->values > DW_LIMIT_NODES)
		ev->over_limit = true;
	v->kind = kind;
	v->text = g_strdup(text);
	if (kind == TF_VALUE_LIST || kind == TF_VALUE_MAP)
		v->items = g_ptr_array_new_with_free_func((GDestroyNotify)tf_value_free);
	if (kind == TF_VALUE_MAP)
		v->keys = g_ptr_array_new_with_free_func(g_free);
	return v;
}

void tf_value_free(struct tf_value *v)
{
	if (!v)
		return;
	g_free(v->text);
	g_free(v->attr);
	if (v->items)
		g_ptr_array_unref(v->items);
	if (v->keys)
		g_ptr_array_unref(v->keys);
	g_free(v);
}

static struct tf_value *tf_unknown(struct tf_eval *ev, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static struct tf_value *tf_unknown(struct tf_eval *ev, const char *fmt, ...)
{
	struct tf_value *v = tf_value_new(ev, TF_VALUE_UNKNOWN, NULL);
	va_list ap;

	va_start(ap, fmt);
	v->text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return v;
}

static struct tf_value *tf_value_copy(struct tf_eval *ev, const struct tf_value *v)
{
	struct tf_value *c = tf_value_new(ev, v->kind, v->text);

	c->boolean = v->boolean;
	c->attr = g_strdup(v->attr);
	for (guint i = 0; v->items && i < v->items->len && !(ev && ev->over_limit); i++) {
		g_ptr_array_add(c->items, tf_value_copy(ev, v->items->pdata[i]));
		if (v->keys)
			g_ptr_array_add(c->keys, g_strdup(v->keys->pdata[i]));
	}
	return c;
}

struct tf_value *tf_value_dup(const struct tf_value *v)
{
	return tf_value_copy(NULL, v);
}

const char *tf_value_unknown(const struct tf_value *v)
{
	if (v->kind == TF_VALUE_UNKNOWN)
		return v->text;
	for (guint i = 0; v->items && i < v->items->len; i++) {
		const char *why = tf_value_unknown(v->items->pdata[i]);

		if (why)
			return why;
	}
	return NULL;
}

const char *tf_value_text(const struct tf_value *v)
{
	if (v->kind == TF_VALUE_STRING || v->kind == TF_VALUE_NUMBER)
		return v->text;
	if (v->kind == TF_VALUE_BOOL)
		return v->boolean ? "true" : "false";
	return NULL;
}

const struct tf_value *tf_value_get(const struct tf_value *v, const char *key)
{
	if (v->kind != TF_VALUE_MAP)
		return NULL;
	/* The last one wins, as for an object with a repeated key. */
	for (guint i = v->keys->len; i-- > 0;) {
		if (strcmp(v->keys->pdata[i], key) == 0)
			return v->items->pdata[i];
	}
	return NULL;
}

bool tf_value_equal(const struct tf_value *a, const struct tf_value *b)
{
	if (a->kind != b->kind || a->boolean != b->boolean || g_strcmp0(a->text, b->text) != 0 ||
	    g_strcmp0(a->attr, b->attr) != 0)
		return false;
	if (!a->items)
		return true;
	if (a->items->len != b->items->len)
		return false;
	for (guint i = 0; i < a->items->len; i++) {
		if (!tf_value_equal(a->items->pdata[i], b->items->pdata[i]) ||
		    (a->keys && strcmp(a->keys->pdata[i], b->keys->pdata[i]) != 0))
			return false;
	}
	return true;
}

/* ---- declarations ----------------------------------------------------- */

static void tf_variable_free(struct tf_variable *var)
{
	if (var->optional)
		g_ptr_array_unref(var->optional);
	tf_value_free(var->value);
	g_free(var);
}

static void tf_optional_set_free(struct tf_optional_set *o)
{
	g_free(o->file);
	g_free(o);
}

static void tf_local_free(struct tf_local *l)
{
	tf_value_free(l->value);
	g_free(l);
}

struct tf_eval *tf_eval_new(void)
{
	struct tf_eval *ev = g_new0(struct tf_eval, 1);

	ev->variables = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                      (GDestroyNotify)tf_variable_free);
	ev->locals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)tf_local_free);
	ev->resources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return ev;
}

void tf_eval_free(struct tf_eval *ev)
{
	if (!ev)
		return;
	g_hash_table_unref(ev->variables);
	g_hash_table_unref(ev->locals);
	g_hash_table_unref(ev->resources);
	g_free(ev);
}

static struct tf_variable *tf_eval_variable(struct tf_eval *ev, const char *name)
{
	struct tf_variable *var = g_hash_table_lookup(ev->variables, name);

	if (!var) {
		var = g_new0(struct tf_variable, 1);
		var->optional = g_ptr_array_new_with_free_func((GDestroyNotify)tf_optional_set_free);
		g_hash_table_insert(ev->variables, g_strdup(name), var);
	}
	return var;
}

void tf_eval_declare_variable(struct tf_eval *ev, const char *name, const struct hcl_expr *default_expr)
{
	struct tf_variable *var = tf_eval_variable(ev, name);

	var->declared = true;
	var->default_expr = default_expr;
}

void tf_eval_set_variable(struct tf_eval *ev, const char *name, const struct hcl_expr *expr,
                          const char *file, bool auto_loaded)
{
	struct tf_variable *var = tf_eval_variable(ev, name);
	struct tf_optional_set *o;

	if (auto_loaded) {
		var->set_expr = expr;
		return;
	}
	o = g_new0(struct tf_optional_set, 1);
	o->expr = expr;
	o->file = g_strdup(file);
	g_ptr_array_add(var->optional, o);
}

void tf_eval_bind_variable(struct tf_eval *ev, const char *name, struct tf_value *value)
{
	struct tf_variable *var = tf_eval_variable(ev, name);

	tf_value_free(var->value);
	var->value = value;
}

void tf_eval_declare_local(struct tf_eval *ev, const char *name, const struct hcl_expr *expr)
{
	struct tf_local *l = g_new0(struct tf_local, 1);

	l->expr = expr;
	g_hash_table_replace(ev->locals, g_strdup(name), l);
}

void tf_eval_declare_resource(struct tf_eval *ev, const char *type, const char *name)
{
	g_hash_table_add(ev->resources, g_strconcat(type, ".", name, NULL));
}

bool tf_eval_has_resource(const struct tf_eval *ev, const char *type, const char *name)
{
	g_autofree char *address = g_strconcat(type, ".", name, NULL);

	return g_hash_table_contains(ev->resources, address);
}

void tf_eval_set_symbolic_refs(struct tf_eval *ev, bool on)
{
	ev->symbolic_refs = on;
}

bool tf_eval_over_limit(const struct tf_eval *ev)
{
	return ev->over_limit;
}

/* ---- references ------------------------------------------------------- */

static struct tf_value *tf_eval_node(struct tf_eval *ev, const struct hcl_expr *e);

/* A variable's value: the auto-loaded one, else its default. */
static struct tf_value *tf_eval_variable_value(struct tf_eval *ev, const char *name,
                                               struct tf_variable *var)
{
	const struct hcl_expr *expr = var->set_expr ? var->set_expr : var->default_expr;
	struct tf_value *v;

	if (!var->declared)
		return tf_unknown(ev, "var.%s, not declared", name);
	if (!expr && var->optional->len == 0)
		return tf_unknown(ev, "var.%s, no default", name);
	v = expr ? tf_eval_node(ev, expr) : NULL;
	for (guint i = 0; i < var->optional->len; i++) {
		const struct tf_optional_set *o = var->optional->pdata[i];
		g_autoptr(tf_value) other = tf_eval_node(ev, o->expr);

		if (!v || !tf_value_equal(v, other)) {
			tf_value_free(v);
			return tf_unknown(ev, "var.%s, set in %s, which applies only with -var-file", name,
			                  o->file);
		}
	}
	return v;
}

static struct tf_value *tf_eval_var(struct tf_eval *ev, const char *name)
{
	struct tf_variable *var = g_hash_table_lookup(ev->variables, name);

	if (!var)
		return tf_unknown(ev, "var.%s, not declared", name);
	if (!var->value) {
		if (var->resolving)
			return tf_unknown(ev, "var.%s refers to itself", name);
		var->resolving = true;
		var->value = tf_eval_variable_value(ev, name, var);
		var->resolving = false;
	}
	return tf_value_copy(ev, var->value);
}

static struct tf_value *tf_eval_local(struct tf_eval *ev, const char *name)
{
	struct tf_local *l = g_hash_table_lookup(ev->locals, name);

	if (!l)
		return tf_unknown(ev, "local.%s, not declared", name);
	if (!l->value) {
		if (l->resolving || ev->depth >= DW_LIMIT_TF_EVAL_DEPTH)
			return tf_unknown(ev, "local.%s refers to itself", name);
		l->resolving = true;
		ev->depth++;
		l->value = tf_eval_node(ev, l->expr);
		ev->depth--;
		l->resolving = false;
	}
	return tf_value_copy(ev, l->value);
}

/* A number value as a whole number in lo..hi. */
static bool tf_value_int(const struct tf_value *v, gint64 lo, gint64 hi, gint64 *out)
{
	const char *text = tf_value_text(v);

	if (!text || v->kind == TF_VALUE_BOOL || text[0] == '+' || g_ascii_isspace(text[0]))
		return false;
	return g_ascii_string_to_signed(text, 10, lo, hi, out, NULL);
}

/* One step of a traversal applied to a known value (v is taken). */
static struct tf_value *tf_eval_step(struct tf_eval *ev, struct tf_value *v, const struct hcl_step *st,
                                     const struct hcl_expr *whole)
{
	g_autoptr(tf_value) owned = v;
	g_autoptr(tf_value) index = NULL;
	const struct tf_value *found = NULL;
	gint64 n;

	if (v->kind == TF_VALUE_UNKNOWN)
		return g_steal_pointer(&owned);
	if (st->kind == HCL_STEP_ATTR) {
		found = tf_value_get(v, st->name);
	} else if (st->kind == HCL_STEP_INDEX) {
		index = tf_eval_node(ev, st->index);
		if (index->kind == TF_VALUE_UNKNOWN)
			return g_steal_pointer(&index);
		if (v->kind == TF_VALUE_LIST && tf_value_int(index, 0, G_MAXINT, &n) && (guint64)n < v->items->len)
			found = v->items->pdata[n];
		else if (v->kind == TF_VALUE_MAP && tf_value_text(index))
			found = tf_value_get(v, tf_value_text(index));
	} else {
		g_autofree char *text = tf_expr_text(whole);

		return tf_unknown(ev, "%s, a splat expression, not evaluated", text);
	}
	if (!found) {
		g_autofree char *text = tf_expr_text(whole);

		return tf_unknown(ev, "%s, no such element", text);
	}
	return tf_value_copy(ev, found);
}

/* Applies steps from first on to v (taken). */
static struct tf_value *tf_eval_steps(struct tf_eval *ev, struct tf_value *v, const struct hcl_expr *e,
                                      guint first)
{
	GPtrArray *steps = e->traversal.steps;

	for (guint i = first; steps && i < steps->len; i++)
		v = tf_eval_step(ev, v, steps->pdata[i], e);
	return v;
}

static const char *tf_step_name(const struct hcl_expr *e, guint i)
{
	const struct hcl_step *st;

	if (!e->traversal.steps || i >= e->traversal.steps->len)
		return NULL;
	st = e->traversal.steps->pdata[i];
	return st->kind == HCL_STEP_ATTR ? st->name : NULL;
}

/* TYPE.NAME[.ATTR]: a resource of the module. An instance index
 * (aws_security_group.web[0].id) names the same group. */
static struct tf_value *tf_eval_resource_ref(struct tf_eval *ev, const struct hcl_expr *e)
{
	const char *type = e->traversal.root, *name = tf_step_name(e, 0);
	g_autofree char *text = tf_expr_text(e);
	struct tf_value *v;
	guint next = 1;

	if (!name)
		return tf_unknown(ev, "%s, not evaluated", text);
	if (!tf_eval_has_resource(ev, type, name))
		return tf_unknown(ev, "%s, not a resource of this module", text);
	v = tf_value_new(ev, TF_VALUE_REF, NULL);
	v->text = g_strconcat(type, ".", name, NULL);
	if (e->traversal.steps->len > next &&
	    ((const struct hcl_step *)e->traversal.steps->pdata[next])->kind == HCL_STEP_INDEX)
		next++;
	v->attr = g_strdup(tf_step_name(e, next));
	return v;
}

static struct tf_value *tf_eval_traversal(struct tf_eval *ev, const struct hcl_expr *e)
{
	const char *root = e->traversal.root;
	const char *name = tf_step_name(e, 0);
	g_autofree char *text = NULL;

	if (e->traversal.source)
		return tf_eval_steps(ev, tf_eval_node(ev, e->traversal.source), e, 0);
	if (strcmp(root, "var") == 0 && name)
		return tf_eval_steps(ev, tf_eval_var(ev, name), e, 1);
	if (strcmp(root, "local") == 0 && name)
		return tf_eval_steps(ev, tf_eval_local(ev, name), e, 1);
	text = tf_expr_text(e);
	if (strcmp(root, "data") == 0)
		return tf_unknown(ev, "%s, a data source, known only at plan", text);
	if (strcmp(root, "module") == 0)
		return tf_unknown(ev, "%s, a module output, not evaluated", text);
	/* What extract_tfplan.c writes for a plan's after_unknown. */
	if (strcmp(root, "known_after_apply") == 0)
		return tf_unknown(ev, "%s, known only after apply", text);
	if (strcmp(root, "each") == 0 || strcmp(root, "count") == 0)
		return tf_unknown(ev, "%s, differs per instance", text);
	if (strcmp(root, "var") == 0 || strcmp(root, "local") == 0 || strcmp(root, "path") == 0 ||
	    strcmp(root, "terraform") == 0 || strcmp(root, "self") == 0 || !name)
		return tf_unknown(ev, "%s, not evaluated", text);
	return tf_eval_resource_ref(ev, e);
}

/* ---- functions -------------------------------------------------------- */

/* Appends the items of a list (or the value itself, flattening) to out. */
static bool tf_flatten_into(struct tf_eval *ev, struct tf_value *out, const struct tf_value *v, bool deep)
{
	if (v->kind != TF_VALUE_LIST) {
		g_ptr_array_add(out->items, tf_value_copy(ev, v));
		return true;
	}
	for (guint i = 0; i < v->items->len; i++) {
		const struct tf_value *item = v->items->pdata[i];

		if (deep && item->kind == TF_VALUE_LIST)
			tf_flatten_into(ev, out, item, true);
		else
			g_ptr_array_add(out->items, tf_value_copy(ev, item));
	}
	return true;
}

static struct tf_value *tf_fn_concat(struct tf_eval *ev, GPtrArray *args, const char *text)
{
	struct tf_value *out = tf_value_new(ev, TF_VALUE_LIST, NULL);

	for (guint i = 0; i < args->len; i++) {
		const struct tf_value *a = args->pdata[i];

		if (a->kind != TF_VALUE_LIST) {
			tf_value_free(out);
			return tf_unknown(ev, "%s, an argument is not a list", text);
		}
		tf_flatten_into(ev, out, a, false);
	}
	return out;
}

/* toset: duplicates dropped; the order of a set does not matter to us. */
static struct tf_value *tf_fn_toset(struct tf_eval *ev, const struct tf_value *a)
{
	struct tf_value *out = tf_value_new(ev, TF_VALUE_LIST, NULL);

	for (guint i = 0; i < a->items->len; i++) {
		bool seen = false;

		for (guint j = 0; j < out->items->len && !seen; j++)
			seen = tf_value_equal(out->items->pdata[j], a->items->pdata[i]);
		if (!seen)
			g_ptr_array_add(out->items, tf_value_copy(ev, a->items->pdata[i]));
	}
	return out;
}

/* cidrsubnet(prefix, newbits, netnum), IPv4 or IPv6, as Terraform computes it. */
static struct tf_value *tf_fn_cidrsubnet(struct tf_eval *ev, GPtrArray *args, const char *text)
{
	const char *prefix = tf_value_text(args->pdata[0]);
	const char *slash = prefix ? strchr(prefix, '/') : NULL;
	g_autofree char *addr_text = slash ? g_strndup(prefix, (gsize)(slash - prefix)) : NULL;
	unsigned char addr[16];
	char buf[INET6_ADDRSTRLEN];
	gint64 len, newbits, netnum;
	bool v6 = addr_text && strchr(addr_text, ':');
	int bits = v6 ? 128 : 32;

	if (!slash || inet_pton(v6 ? AF_INET6 : AF_INET, addr_text, addr) != 1 ||
	    !g_ascii_string_to_signed(slash + 1, 10, 0, bits, &len, NULL) ||
	    !tf_value_int(args->pdata[1], 0, bits, &newbits) || len + newbits > bits ||
	    !tf_value_int(args->pdata[2], 0, newbits >= 63 ? G_MAXINT64 : ((gint64)1 << newbits) - 1, &netnum))
		return tf_unknown(ev, "%s, arguments out of range", text);
	/* Clear the host bits, then write netnum into the newbits after the prefix. */
	for (int b = (int)len; b < bits; b++)
		addr[b / 8] &= (unsigned char)~(0x80u >> (b % 8));
	for (int b = 0; b < newbits; b++) {
		int pos = (int)len + (int)newbits - 1 - b;

		if ((netnum >> b) & 1)
			addr[pos / 8] |= (unsigned char)(0x80u >> (pos % 8));
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf)))
		return tf_unknown(ev, "%s, not evaluated", text);
	{
		struct tf_value *out = tf_value_new(ev, TF_VALUE_STRING, NULL);

		out->text = g_strdup_printf("%s/%d", buf, (int)(len + newbits));
		return out;
	}
}

static struct tf_value *tf_eval_call(struct tf_eval *ev, const struct hcl_expr *e)
{
	const char *fn = e->call.name;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func((GDestroyNotify)tf_value_free);
	g_autofree char *text = tf_expr_text(e);
	static const char *const known[] = { "concat", "flatten", "tolist", "toset", "cidrsubnet" };
	bool supported = false;

	for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
		supported |= strcmp(fn, known[i]) == 0;
	if (!supported || e->call.expand_final)
		return tf_unknown(ev, "%s, function %s not evaluated", text, fn);
	for (guint i = 0; i < e->call.args->len; i++) {
		struct tf_value *a = tf_eval_node(ev, e->call.args->pdata[i]);
		const char *why = tf_value_unknown(a);

		if (why) {
			struct tf_value *u = tf_unknown(ev, "%s", why);

			tf_value_free(a);
			return u;
		}
		g_ptr_array_add(args, a);
	}
	if (strcmp(fn, "concat") == 0)
		return tf_fn_concat(ev, args, text);
	if (args->len != (strcmp(fn, "cidrsubnet") == 0 ? 3u : 1u))
		return tf_unknown(ev, "%s, wrong number of arguments", text);
	if (strcmp(fn, "cidrsubnet") == 0)
		return tf_fn_cidrsubnet(ev, args, text);
	if (((struct tf_value *)args->pdata[0])->kind != TF_VALUE_LIST)
		return tf_unknown(ev, "%s, the argument is not a list", text);
	if (strcmp(fn, "flatten") == 0) {
		struct tf_value *out = tf_value_new(ev, TF_VALUE_LIST, NULL);

		tf_flatten_into(ev, out, args->pdata[0], true);
		return out;
	}
	if (strcmp(fn, "toset") == 0)
		return tf_fn_toset(ev, args->pdata[0]);
	return tf_value_copy(ev, args->pdata[0]);
}

/* ---- expressions ------------------------------------------------------ */

static struct tf_value *tf_eval_template(struct tf_eval *ev, const struct hcl_expr *e)
{
	GPtrArray *parts = e->template.parts;
	g_autoptr(GString) s = g_string_new(NULL);
	struct tf_value *out;

	/* "${x}" alone is x itself, unconverted. */
	if (parts->len == 1 && ((const struct hcl_expr *)parts->pdata[0])->kind != HCL_EXPR_STRING &&
	    ((const struct hcl_expr *)parts->pdata[0])->kind != HCL_EXPR_TEMPLATE_IF &&
	    ((const struct hcl_expr *)parts->pdata[0])->kind != HCL_EXPR_TEMPLATE_FOR)
		return tf_eval_node(ev, parts->pdata[0]);
	for (guint i = 0; i < parts->len; i++) {
		const struct hcl_expr *p = parts->pdata[i];
		g_autoptr(tf_value) v = NULL;

		if (p->kind == HCL_EXPR_TEMPLATE_IF || p->kind == HCL_EXPR_TEMPLATE_FOR) {
			g_autofree char *text = tf_expr_text(e);

			return tf_unknown(ev, "%s, a template directive, not evaluated", text);
		}
		v = tf_eval_node(ev, p);
		if (v->kind == TF_VALUE_UNKNOWN)
			return g_steal_pointer(&v);
		if (v->kind == TF_VALUE_REF && ev->symbolic_refs) {
			g_string_append_printf(s, "${%s%s%s}", v->text, v->attr ? "." : "", v->attr ? v->attr : "");
			continue;
		}
		if (!tf_value_text(v)) {
			g_autofree char *text = tf_expr_text(p);

			return tf_unknown(ev, "%s, not a string", text);
		}
		g_string_append(s, tf_value_text(v));
	}
	out = tf_value_new(ev, TF_VALUE_STRING, NULL);
	out->text = g_string_free(g_steal_pointer(&s), FALSE);
	return out;
}

static struct tf_value *tf_eval_object(struct tf_eval *ev, const struct hcl_expr *e)
{
	g_autoptr(tf_value) out = tf_value_new(ev, TF_VALUE_MAP, NULL);

	for (guint i = 0; i < e->object.items->len && !ev->over_limit; i++) {
		const struct hcl_object_item *item = e->object.items->pdata[i];
		g_autoptr(tf_value) key = tf_eval_node(ev, item->key);

		if (!tf_value_text(key)) {
			g_autofree char *text = tf_expr_text(item->key);

			return key->kind == TF_VALUE_UNKNOWN ? g_steal_pointer(&key)
			                                     : tf_unknown(ev, "%s, not a valid key", text);
		}
		g_ptr_array_add(out->keys, g_strdup(tf_value_text(key)));
		g_ptr_array_add(out->items, tf_eval_node(ev, item->value));
	}
	return g_steal_pointer(&out);
}

static struct tf_value *tf_eval_bool(struct tf_eval *ev, bool b)
{
	struct tf_value *v = tf_value_new(ev, TF_VALUE_BOOL, NULL);

	v->boolean = b;
	return v;
}

/* -N of a number written N: the number as Terraform prints it ("-1"; "-0" is "0"). */
static struct tf_value *tf_eval_negate(struct tf_eval *ev, const char *text)
{
	struct tf_value *v = tf_value_new(ev, TF_VALUE_NUMBER, NULL);
	bool zero = strspn(text, "0.") == strlen(text);

	if (text[0] == '-')
		v->text = g_strdup(text + 1);
	else
		v->text = zero ? g_strdup(text) : g_strconcat("-", text, NULL);
	return v;
}

/* c ? a : b with c known; and ! && || == != on known values. */
static struct tf_value *tf_eval_logic(struct tf_eval *ev, const struct hcl_expr *e)
{
	g_autofree char *text = tf_expr_text(e);
	g_autoptr(tf_value) left = NULL;
	g_autoptr(tf_value) right = NULL;

	if (e->kind == HCL_EXPR_CONDITIONAL) {
		g_autoptr(tf_value) c = tf_eval_node(ev, e->cond.cond);

		if (c->kind == TF_VALUE_UNKNOWN)
			return g_steal_pointer(&c);
		if (c->kind != TF_VALUE_BOOL)
			return tf_unknown(ev, "%s, the condition is not a bool", text);
		return tf_eval_node(ev, c->boolean ? e->cond.then_expr : e->cond.else_expr);
	}
	right = tf_eval_node(ev, e->op.right);
	if (e->op.left)
		left = tf_eval_node(ev, e->op.left);
	if (tf_value_unknown(right))
		return tf_unknown(ev, "%s", tf_value_unknown(right));
	if (left && tf_value_unknown(left))
		return tf_unknown(ev, "%s", tf_value_unknown(left));
	switch (e->op.op) {
	case HCL_OP_NEG:
		/* -1, unquoted: Terraform's protocol = -1 (all protocols). */
		if (right->kind == TF_VALUE_NUMBER)
			return tf_eval_negate(ev, right->text);
		break;
	case HCL_OP_NOT:
		if (right->kind == TF_VALUE_BOOL)
			return tf_eval_bool(ev, !right->boolean);
		break;
	case HCL_OP_AND:
	case HCL_OP_OR:
		if (left->kind == TF_VALUE_BOOL && right->kind == TF_VALUE_BOOL)
			return tf_eval_bool(ev, e->op.op == HCL_OP_AND ? left->boolean && right->boolean
			                                               : left->boolean || right->boolean);
		break;
	case HCL_OP_EQ:
	case HCL_OP_NE:
		return tf_eval_bool(ev, tf_value_equal(left, right) == (e->op.op == HCL_OP_EQ));
	default:
		break;
	}
	return tf_unknown(ev, "%s, not evaluated", text);
}

static struct tf_value *tf_eval_node(struct tf_eval *ev, const struct hcl_expr *e)
{
	struct tf_value *v;

	if (ev->over_limit)
		return tf_unknown(ev, "too large to evaluate");
	switch (e->kind) {
	case HCL_EXPR_NULL:
		return tf_value_new(ev, TF_VALUE_NULL, NULL);
	case HCL_EXPR_BOOL:
		return tf_eval_bool(ev, e->boolean);
	case HCL_EXPR_NUMBER:
	case HCL_EXPR_STRING:
		v = tf_value_new(ev, e->kind == HCL_EXPR_NUMBER ? TF_VALUE_NUMBER : TF_VALUE_STRING, NULL);
		v->text = g_strndup(e->string.text, e->string.len);
		return v;
	case HCL_EXPR_TEMPLATE:
		return tf_eval_template(ev, e);
	case HCL_EXPR_TUPLE:
		v = tf_value_new(ev, TF_VALUE_LIST, NULL);
		for (guint i = 0; i < e->items->len && !ev->over_limit; i++)
			g_ptr_array_add(v->items, tf_eval_node(ev, e->items->pdata[i]));
		return v;
	case HCL_EXPR_OBJECT:
		return tf_eval_object(ev, e);
	case HCL_EXPR_TRAVERSAL:
		return tf_eval_traversal(ev, e);
	case HCL_EXPR_CALL:
		return tf_eval_call(ev, e);
	case HCL_EXPR_PAREN:
		return tf_eval_node(ev, e->paren);
	case HCL_EXPR_CONDITIONAL:
	case HCL_EXPR_UNARY:
	case HCL_EXPR_BINARY:
		return tf_eval_logic(ev, e);
	case HCL_EXPR_FOR:
	case HCL_EXPR_TEMPLATE_IF:
	case HCL_EXPR_TEMPLATE_FOR:
		break;
	}
	{
		g_autofree char *text = tf_expr_text(e);

		return tf_unknown(ev, "%s, not evaluated", text);
	}
}

struct tf_value *tf_eval_expr(struct tf_eval *ev, const struct hcl_expr *expr)
{
	return tf_eval_node(ev, expr);
}
