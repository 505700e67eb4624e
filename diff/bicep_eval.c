/*
 * bicep_eval.c - evaluates Bicep expressions (bicep_eval.h): literals,
 * interpolation, objects and arrays, for-expressions over known arrays,
 * the operators of "Bicep operators", and the functions a security rule
 * is usually built with (concat, format, toLower, range, union, split,
 * join, map and filter with a lambda, ...). Anything else, and every function whose value is known only
 * at deployment (resourceGroup(), uniqueString(), reference() ...), is an
 * unknown that names itself.
 */
#include <stdarg.h>
#include <string.h>

#include "bicep_eval.h"

/* Characters of an expression quoted in an unknown. */
#define BICEP_SRC_MAX 60

struct bv *bv_ref(struct bv *v)
{
	if (v != NULL)
		v->ref++;
	return v;
}

void bv_unref(struct bv *v)
{
	if (v == NULL || --v->ref > 0)
		return;
	g_free(v->s);
	g_free(v->src);
	g_free(v->res_type);
	g_free(v->res_name);
	bv_unref(v->res_unknown);
	if (v->items != NULL)
		g_ptr_array_unref(v->items);
	if (v->keys != NULL)
		g_ptr_array_unref(v->keys);
	g_free(v);
}

struct bv *bv_new(struct bicep_eval *ev, enum bv_kind kind, unsigned line)
{
	struct bv *v = g_new0(struct bv, 1);

	if (++*ev->values > DW_LIMIT_NODES)
		*ev->over = true;
	v->ref = 1;
	v->kind = kind;
	v->line = line;
	if (kind == BV_ARRAY || kind == BV_OBJECT)
		v->items = g_ptr_array_new_with_free_func((GDestroyNotify)bv_unref);
	if (kind == BV_OBJECT)
		v->keys = g_ptr_array_new_with_free_func(g_free);
	return v;
}

struct bv *bv_string(struct bicep_eval *ev, const char *text, unsigned line)
{
	struct bv *v = bv_new(ev, BV_STRING, line);

	v->s = g_strdup(text);
	if (strlen(text) > DW_LIMIT_SCALAR_BYTES)
		*ev->over = true;
	return v;
}

static char *bicep_src(const struct bicep_eval *ev, const struct bicep_expr *e)
{
	const char *s;
	size_t n;

	if (e == NULL || e->end <= e->start || e->end > ev->f->len)
		return g_strdup("?");
	s = ev->f->source + e->start;
	n = e->end - e->start;
	while (n > 0 && g_ascii_isspace(s[n - 1]))
		n--;
	if (n > BICEP_SRC_MAX)
		return g_strdup_printf("%.*s...", BICEP_SRC_MAX, s);
	return g_strndup(s, n);
}

struct bv *bv_unknown(struct bicep_eval *ev, const struct bicep_expr *e, const char *fmt, ...)
{
	struct bv *v = bv_new(ev, BV_UNKNOWN, e != NULL ? e->line : 0);
	va_list ap;

	va_start(ap, fmt);
	v->s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	v->src = bicep_src(ev, e);
	return v;
}

struct bv *bv_unknown_param(struct bicep_eval *ev, const char *name, unsigned line)
{
	struct bv *v = bv_new(ev, BV_UNKNOWN, line);

	v->s = g_strdup_printf("parameter %s has no value", name);
	v->src = g_strdup(name);
	v->param = true;
	return v;
}

/* An unknown passed on from an operand: the same value. */
static struct bv *bv_first_unknown(struct bv *const *vs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (vs[i] != NULL && vs[i]->kind == BV_UNKNOWN)
			return bv_ref(vs[i]);
	}
	return NULL;
}

struct bv *bv_object_get(const struct bv *obj, const char *key)
{
	if (obj == NULL || obj->kind != BV_OBJECT)
		return NULL;
	for (guint i = obj->keys->len; i > 0; i--) {
		if (strcmp(obj->keys->pdata[i - 1], key) == 0)
			return obj->items->pdata[i - 1];
	}
	/* Bicep property access ignores case. */
	for (guint i = obj->keys->len; i > 0; i--) {
		if (g_ascii_strcasecmp(obj->keys->pdata[i - 1], key) == 0)
			return obj->items->pdata[i - 1];
	}
	return NULL;
}

static void bv_object_set(struct bv *obj, const char *key, struct bv *v /* taken */)
{
	for (guint i = 0; i < obj->keys->len; i++) {
		if (strcmp(obj->keys->pdata[i], key) == 0) {
			bv_unref(obj->items->pdata[i]);
			obj->items->pdata[i] = v;
			return;
		}
	}
	g_ptr_array_add(obj->keys, g_strdup(key));
	g_ptr_array_add(obj->items, v);
}

/* Comparisons walk shared parts again: a bound on the work of one. */
#define BICEP_EQUAL_STEPS 100000u

static bool bv_equal_walk(const struct bv *a, const struct bv *b, unsigned depth, unsigned *steps);

bool bv_equal(const struct bv *a, const struct bv *b, unsigned depth)
{
	unsigned steps = 0;

	return bv_equal_walk(a, b, depth, &steps);
}

/* Past the bound, "not equal": a union keeps both, which can only add. */
static bool bv_equal_walk(const struct bv *a, const struct bv *b, unsigned depth, unsigned *steps)
{
	if (a == b && a->kind != BV_UNKNOWN)
		return true;
	if (a->kind != b->kind || a->kind == BV_UNKNOWN || depth > DW_LIMIT_DEPTH || ++*steps > BICEP_EQUAL_STEPS)
		return false;
	switch (a->kind) {
	case BV_NULL:
		return true;
	case BV_BOOL:
	case BV_INT:
		return a->i == b->i;
	case BV_STRING:
		return strcmp(a->s, b->s) == 0;
	case BV_ARRAY:
	case BV_OBJECT:
		if (a->items->len != b->items->len)
			return false;
		for (guint i = 0; i < a->items->len; i++) {
			if ((a->kind == BV_OBJECT && strcmp(a->keys->pdata[i], b->keys->pdata[i]) != 0) ||
			    !bv_equal_walk(a->items->pdata[i], b->items->pdata[i], depth + 1, steps))
				return false;
		}
		return true;
	case BV_UNKNOWN:
		break;
	}
	return false;
}

/* The text of a scalar for interpolation and string(); NULL for others. */
static char *bv_text(const struct bv *v)
{
	switch (v->kind) {
	case BV_STRING:
		return g_strdup(v->s);
	case BV_INT:
		return g_strdup_printf("%" G_GINT64_FORMAT, v->i);
	case BV_BOOL:
		return g_strdup(v->i ? "true" : "false");
	case BV_NULL:
		return g_strdup("");
	default:
		return NULL;
	}
}

/* ---- collections ----------------------------------------------------------- */

static struct bv *bicep_eval_array(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	struct bv *v = bv_new(ev, BV_ARRAY, e->line);

	for (size_t i = 0; i < e->n && !*ev->over; i++)
		g_ptr_array_add(v->items, bicep_eval(ev, l, e->items[i]));
	return v;
}

/* An object; a spread (...x) of a known object merges it in. */
static struct bv *bicep_eval_object(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	struct bv *v = bv_new(ev, BV_OBJECT, e->line);

	for (size_t i = 0; i < e->n && !*ev->over; i++) {
		struct bv *item = bicep_eval(ev, l, e->items[i]);

		if (strcmp(e->keys[i], "...") != 0) {
			bv_object_set(v, e->keys[i], item);
			continue;
		}
		if (item->kind != BV_OBJECT) {
			bv_unref(v);
			v = item->kind == BV_UNKNOWN ? bv_ref(item)
			                             : bv_unknown(ev, e->items[i], "spreads a value that is not an object");
			bv_unref(item);
			return v;
		}
		for (guint k = 0; k < item->keys->len; k++)
			bv_object_set(v, item->keys->pdata[k], bv_ref(item->items->pdata[k]));
		bv_unref(item);
	}
	return v;
}

/* The items a loop runs over: a known array (items() turns an object
 * into one); NULL (with *why_out) when not known. Borrowed from v. */
static GPtrArray *bicep_loop_items(struct bicep_eval *ev, struct bv *v, const struct bicep_expr *at,
                                   struct bv **why_out)
{
	if (v->kind == BV_UNKNOWN) {
		*why_out = bv_ref(v);
		return NULL;
	}
	if (v->kind != BV_ARRAY) {
		*why_out = bv_unknown(ev, at, "loops over a value that is not an array");
		return NULL;
	}
	if (v->items->len > DW_LIMIT_BICEP_LOOP) {
		*why_out = bv_unknown(ev, at, "loops %u times, more than %u", v->items->len, DW_LIMIT_BICEP_LOOP);
		return NULL;
	}
	return v->items;
}

/* [for x in c: body] as a value: an array of each body. */
static struct bv *bicep_eval_for(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) coll = bicep_eval(ev, l, e->a);
	struct bv *why = NULL;
	GPtrArray *items = bicep_loop_items(ev, coll, e->a, &why);
	struct bv *out;

	if (items == NULL)
		return why;
	out = bv_new(ev, BV_ARRAY, e->line);
	for (guint i = 0; i < items->len && !*ev->over; i++) {
		g_autoptr(bv) index = bv_new(ev, BV_INT, e->line);
		struct bicep_local item = { e->text, items->pdata[i], l };
		struct bicep_local idx = { e->text2, index, &item };

		index->i = i;
		g_ptr_array_add(out->items, bicep_eval(ev, e->text2 != NULL ? &idx : &item, e->b));
	}
	return out;
}

/* ---- operators -------------------------------------------------------------- */

static struct bv *bv_bool(struct bicep_eval *ev, bool b, unsigned line)
{
	struct bv *v = bv_new(ev, BV_BOOL, line);

	v->i = b;
	return v;
}

static struct bv *bv_int(struct bicep_eval *ev, gint64 i, unsigned line)
{
	struct bv *v = bv_new(ev, BV_INT, line);

	v->i = i;
	return v;
}

static struct bv *bicep_eval_unary(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) a = bicep_eval(ev, l, e->a);

	if (a->kind == BV_UNKNOWN)
		return bv_ref(a);
	if (strcmp(e->text, "!") == 0 && a->kind == BV_BOOL)
		return bv_bool(ev, !a->i, e->line);
	if (strcmp(e->text, "-") == 0 && a->kind == BV_INT && a->i != G_MININT64)
		return bv_int(ev, -a->i, e->line);
	return bv_unknown(ev, e, "%s of this value is not evaluated", e->text);
}

/* && and ||: a known left side may decide alone. */
static struct bv *bicep_eval_logic(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	bool and = strcmp(e->text, "&&") == 0;
	g_autoptr(bv) a = bicep_eval(ev, l, e->a);
	g_autoptr(bv) b = NULL;

	if (a->kind == BV_BOOL && a->i != and)
		return bv_bool(ev, !and, e->line);
	b = bicep_eval(ev, l, e->b);
	if (a->kind == BV_UNKNOWN || b->kind == BV_UNKNOWN) {
		if (b->kind == BV_BOOL && b->i != and)
			return bv_bool(ev, !and, e->line);
		return bv_ref(a->kind == BV_UNKNOWN ? a : b);
	}
	if (a->kind != BV_BOOL || b->kind != BV_BOOL)
		return bv_unknown(ev, e, "%s of values that are not bools", e->text);
	return bv_bool(ev, b->i, e->line);
}

static struct bv *bicep_eval_compare(struct bicep_eval *ev, const struct bicep_expr *e, struct bv *a, struct bv *b)
{
	const char *op = e->text;

	if (strcmp(op, "==") == 0 || strcmp(op, "!=") == 0)
		return bv_bool(ev, bv_equal(a, b, 0) == (op[0] == '='), e->line);
	if ((strcmp(op, "=~") == 0 || strcmp(op, "!~") == 0) && a->kind == BV_STRING && b->kind == BV_STRING)
		return bv_bool(ev, (g_ascii_strcasecmp(a->s, b->s) == 0) == (op[0] == '='), e->line);
	if (a->kind == BV_INT && b->kind == BV_INT) {
		bool r = strcmp(op, "<") == 0 ? a->i < b->i : strcmp(op, "<=") == 0 ? a->i <= b->i
		       : strcmp(op, ">") == 0 ? a->i > b->i : a->i >= b->i;

		return bv_bool(ev, r, e->line);
	}
	return bv_unknown(ev, e, "%s of these values is not evaluated", op);
}

static struct bv *bicep_eval_arith(struct bicep_eval *ev, const struct bicep_expr *e, struct bv *a, struct bv *b)
{
	gint64 r = 0;
	bool ok = a->kind == BV_INT && b->kind == BV_INT;

	if (ok && strcmp(e->text, "+") == 0)
		ok = !__builtin_add_overflow(a->i, b->i, &r);
	else if (ok && strcmp(e->text, "-") == 0)
		ok = !__builtin_sub_overflow(a->i, b->i, &r);
	else if (ok && strcmp(e->text, "*") == 0)
		ok = !__builtin_mul_overflow(a->i, b->i, &r);
	else if (ok && (b->i == 0 || (a->i == G_MININT64 && b->i == -1)))
		ok = false;
	else if (ok)
		r = strcmp(e->text, "/") == 0 ? a->i / b->i : a->i % b->i;
	if (!ok)
		return bv_unknown(ev, e, "%s of these values is not evaluated", e->text);
	return bv_int(ev, r, e->line);
}

static struct bv *bicep_eval_binary(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) a = NULL;
	g_autoptr(bv) b = NULL;
	struct bv *unknown;

	if (strcmp(e->text, "&&") == 0 || strcmp(e->text, "||") == 0)
		return bicep_eval_logic(ev, l, e);
	a = bicep_eval(ev, l, e->a);
	if (strcmp(e->text, "??") == 0) {
		if (a->kind != BV_NULL)
			return bv_ref(a);
		return bicep_eval(ev, l, e->b);
	}
	b = bicep_eval(ev, l, e->b);
	if ((unknown = bv_first_unknown((struct bv *[]){ a, b }, 2)) != NULL)
		return unknown;
	if (strchr("=!<>", e->text[0]) != NULL)
		return bicep_eval_compare(ev, e, a, b);
	return bicep_eval_arith(ev, e, a, b);
}

static struct bv *bicep_eval_ternary(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) cond = bicep_eval(ev, l, e->a);

	if (cond->kind == BV_BOOL)
		return bicep_eval(ev, l, cond->i ? e->b : e->c);
	if (cond->kind == BV_UNKNOWN)
		return bv_unknown(ev, e, "depends on %s, %s", cond->src, cond->s);
	return bv_unknown(ev, e, "has a condition that is not a bool");
}

/* ---- access ------------------------------------------------------------------ */

/* A property of a resource or module: what is known before deployment. */
static struct bv *bicep_eval_resource_member(struct bicep_eval *ev, const struct bicep_expr *e, struct bv *obj)
{
	struct bv *v = bv_object_get(obj, e->text);

	if (obj->module)
		return bv_unknown(ev, e, "module outputs are not evaluated");
	if (v != NULL && (strcmp(e->text, "name") == 0 || strcmp(e->text, "id") == 0 ||
	                  strcmp(e->text, "type") == 0 || strcmp(e->text, "apiVersion") == 0))
		return bv_ref(v);
	return bv_unknown(ev, e, "%s of a resource is known only after deployment", e->text);
}

static struct bv *bicep_eval_member(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) obj = bicep_eval(ev, l, e->a);
	struct bv *v;

	if (obj->kind == BV_UNKNOWN)
		return bv_ref(obj);
	if (obj->kind == BV_NULL && e->flag)
		return bv_new(ev, BV_NULL, e->line);
	if (obj->kind == BV_OBJECT && (obj->res_type != NULL || obj->module))
		return bicep_eval_resource_member(ev, e, obj);
	if ((v = bv_object_get(obj, e->text)) != NULL)
		return bv_ref(v);
	if (e->flag)
		return bv_new(ev, BV_NULL, e->line);
	return bv_unknown(ev, e, "has no property %s", e->text);
}

static struct bv *bicep_eval_index(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(bv) obj = bicep_eval(ev, l, e->a);
	g_autoptr(bv) key = bicep_eval(ev, l, e->b);
	struct bv *unknown = bv_first_unknown((struct bv *[]){ obj, key }, 2);

	if (unknown != NULL)
		return unknown;
	if (obj->kind == BV_ARRAY && key->kind == BV_INT) {
		if (key->i >= 0 && key->i < (gint64)obj->items->len)
			return bv_ref(obj->items->pdata[key->i]);
	} else if (obj->kind == BV_OBJECT && key->kind == BV_STRING && obj->res_type == NULL) {
		struct bv *v = bv_object_get(obj, key->s);

		if (v != NULL)
			return bv_ref(v);
	}
	if (e->flag)
		return bv_new(ev, BV_NULL, e->line);
	return bv_unknown(ev, e, "has an index that does not exist or is not evaluated");
}

static struct bv *bicep_eval_interp(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (size_t i = 0; i < e->n; i++) {
		g_autoptr(bv) part = bicep_eval(ev, l, e->items[i]);
		g_autofree char *text = NULL;

		if (part->kind == BV_UNKNOWN)
			return bv_ref(part);
		if ((text = bv_text(part)) == NULL)
			return bv_unknown(ev, e->items[i], "interpolates a value that is not a string");
		if (s->len + strlen(text) > DW_LIMIT_SCALAR_BYTES) {
			*ev->over = true;
			return bv_unknown(ev, e, "is longer than the limit");
		}
		g_string_append(s, text);
	}
	return bv_string(ev, s->str, e->line);
}

/* ---- functions (bicep_eval_call) ------------------------------------------------ */

static struct bv *bicep_eval_call(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e);

static struct bv *bicep_eval_ident(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	struct bv *v;

	for (; l != NULL; l = l->up) {
		if (l->name != NULL && strcmp(l->name, e->text) == 0)
			return bv_ref(l->v);
	}
	if ((v = ev->lookup(ev, e->text, e)) != NULL)
		return v;
	return bv_unknown(ev, e, "%s is not declared", e->text);
}

struct bv *bicep_eval(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	struct bv *v = NULL;

	if (*ev->over)
		return bv_unknown(ev, e, "past the limit of values evaluated");
	if (ev->depth >= DW_LIMIT_BICEP_EVAL_DEPTH)
		return bv_unknown(ev, e, "refers through more than %u values", DW_LIMIT_BICEP_EVAL_DEPTH);
	ev->depth++;
	switch (e->kind) {
	case BICEP_NULL:
		v = bv_new(ev, BV_NULL, e->line);
		break;
	case BICEP_BOOL:
		v = bv_bool(ev, e->flag, e->line);
		break;
	case BICEP_INT: {
		guint64 n = 0;

		if (g_ascii_string_to_unsigned(e->text, 10, 0, G_MAXINT64, &n, NULL))
			v = bv_int(ev, (gint64)n, e->line);
		else
			v = bv_unknown(ev, e, "number out of range");
		break;
	}
	case BICEP_STRING:
		v = bv_string(ev, e->text, e->line);
		break;
	case BICEP_INTERP:
		v = bicep_eval_interp(ev, l, e);
		break;
	case BICEP_ARRAY:
		v = bicep_eval_array(ev, l, e);
		break;
	case BICEP_OBJECT:
		v = bicep_eval_object(ev, l, e);
		break;
	case BICEP_IDENT:
		v = bicep_eval_ident(ev, l, e);
		break;
	case BICEP_MEMBER:
		v = bicep_eval_member(ev, l, e);
		break;
	case BICEP_INDEX:
		v = bicep_eval_index(ev, l, e);
		break;
	case BICEP_CALL:
		v = bicep_eval_call(ev, l, e);
		break;
	case BICEP_UNARY:
		v = bicep_eval_unary(ev, l, e);
		break;
	case BICEP_BINARY:
		v = bicep_eval_binary(ev, l, e);
		break;
	case BICEP_TERNARY:
		v = bicep_eval_ternary(ev, l, e);
		break;
	case BICEP_FOR:
		v = bicep_eval_for(ev, l, e);
		break;
	case BICEP_IF:
		v = bv_unknown(ev, e, "a condition is only read on a resource or module");
		break;
	case BICEP_LAMBDA:
		v = bv_unknown(ev, e, "lambdas are not evaluated");
		break;
	}
	ev->depth--;
	return v;
}

/* ---- functions ---------------------------------------------------------------------- */

/* Functions whose value only the deployment knows. */
static const char *const bicep_deploy_time[] = {
	"resourceGroup", "subscription", "tenant", "managementGroup", "deployment", "environment",
	"uniqueString", "guid", "newGuid", "utcNow", "reference", "listKeys", "listSecrets",
	"getSecret", "loadTextContent", "loadJsonContent", "loadFileAsBase64", "loadYamlContent",
	"readEnvironmentVariable", "pickZones", "externalInput",
};

static struct bv *bicep_fn_concat(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	if (n > 0 && args[0]->kind == BV_ARRAY) {
		struct bv *out = bv_new(ev, BV_ARRAY, e->line);

		for (size_t i = 0; i < n; i++) {
			if (args[i]->kind != BV_ARRAY) {
				bv_unref(out);
				return bv_unknown(ev, e, "concat() of arrays and other values");
			}
			for (guint k = 0; k < args[i]->items->len; k++)
				g_ptr_array_add(out->items, bv_ref(args[i]->items->pdata[k]));
		}
		return out;
	}
	g_autoptr(GString) s = g_string_new(NULL);

	for (size_t i = 0; i < n; i++) {
		g_autofree char *t = bv_text(args[i]);

		if (t == NULL)
			return bv_unknown(ev, e, "concat() of strings and other values");
		if (s->len + strlen(t) > DW_LIMIT_SCALAR_BYTES) {
			*ev->over = true;
			return bv_unknown(ev, e, "is longer than the limit");
		}
		g_string_append(s, t);
	}
	return bv_string(ev, s->str, e->line);
}

/* format('{0}-{1}', a, b); a format specifier ({0:N2}) is not evaluated. */
static struct bv *bicep_fn_format(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	g_autoptr(GString) s = g_string_new(NULL);
	const char *p;

	if (n < 1 || args[0]->kind != BV_STRING)
		return bv_unknown(ev, e, "format() without a format string");
	for (p = args[0]->s; *p != '\0'; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			g_string_append_c(s, *p++);
		} else if (*p == '{') {
			char *end = NULL;
			guint64 k = g_ascii_strtoull(p + 1, &end, 10);
			g_autofree char *t = NULL;

			if (end == p + 1 || *end != '}' || k + 1 >= n || (t = bv_text(args[k + 1])) == NULL)
				return bv_unknown(ev, e, "format() with this format is not evaluated");
			g_string_append(s, t);
			p = end;
		} else {
			g_string_append_c(s, *p);
		}
		if (s->len > DW_LIMIT_SCALAR_BYTES) {
			*ev->over = true;
			return bv_unknown(ev, e, "is longer than the limit");
		}
	}
	return bv_string(ev, s->str, e->line);
}

/* range(start, count), at most DW_LIMIT_BICEP_LOOP items. */
static struct bv *bicep_fn_range(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	struct bv *out;

	if (n != 2 || args[0]->kind != BV_INT || args[1]->kind != BV_INT || args[1]->i < 0 ||
	    args[0]->i > G_MAXINT32 || args[0]->i < G_MININT32)
		return bv_unknown(ev, e, "range() of these values is not evaluated");
	if (args[1]->i > DW_LIMIT_BICEP_LOOP)
		return bv_unknown(ev, e, "range() of %" G_GINT64_FORMAT " items, more than %u", args[1]->i,
		                  DW_LIMIT_BICEP_LOOP);
	out = bv_new(ev, BV_ARRAY, e->line);
	for (gint64 i = 0; i < args[1]->i; i++)
		g_ptr_array_add(out->items, bv_int(ev, args[0]->i + i, e->line));
	return out;
}

static struct bv *bicep_fn_union(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	struct bv *out;

	if (n == 0 || (args[0]->kind != BV_OBJECT && args[0]->kind != BV_ARRAY))
		return bv_unknown(ev, e, "union() of these values is not evaluated");
	out = bv_new(ev, args[0]->kind, e->line);
	for (size_t i = 0; i < n; i++) {
		if (args[i]->kind != args[0]->kind || args[i]->res_type != NULL) {
			bv_unref(out);
			return bv_unknown(ev, e, "union() of values of different kinds");
		}
		for (guint k = 0; k < args[i]->items->len; k++) {
			struct bv *item = args[i]->items->pdata[k];
			bool seen = false;

			if (out->kind == BV_OBJECT) {
				bv_object_set(out, args[i]->keys->pdata[k], bv_ref(item));
				continue;
			}
			for (guint j = 0; j < out->items->len && !seen; j++)
				seen = bv_equal(out->items->pdata[j], item, 0);
			if (!seen)
				g_ptr_array_add(out->items, bv_ref(item));
		}
	}
	return out;
}

static struct bv *bicep_fn_split(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	g_auto(GStrv) parts = NULL;
	struct bv *out;

	if (n != 2 || args[0]->kind != BV_STRING || args[1]->kind != BV_STRING || args[1]->s[0] == '\0')
		return bv_unknown(ev, e, "split() of these values is not evaluated");
	parts = g_strsplit(args[0]->s, args[1]->s, -1);
	out = bv_new(ev, BV_ARRAY, e->line);
	for (size_t i = 0; parts[i] != NULL && !*ev->over; i++)
		g_ptr_array_add(out->items, bv_string(ev, parts[i], e->line));
	return out;
}

static struct bv *bicep_fn_join(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	g_autoptr(GString) s = g_string_new(NULL);

	if (n != 2 || args[0]->kind != BV_ARRAY || args[1]->kind != BV_STRING)
		return bv_unknown(ev, e, "join() of these values is not evaluated");
	for (guint i = 0; i < args[0]->items->len; i++) {
		g_autofree char *t = bv_text(args[0]->items->pdata[i]);

		if (t == NULL)
			return bv_unknown(ev, e, "join() of values that are not strings");
		if (s->len + strlen(t) + strlen(args[1]->s) > DW_LIMIT_SCALAR_BYTES) {
			*ev->over = true;
			return bv_unknown(ev, e, "is longer than the limit");
		}
		g_string_append_printf(s, "%s%s", i > 0 ? args[1]->s : "", t);
	}
	return bv_string(ev, s->str, e->line);
}

static struct bv *bicep_fn_replace(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	g_auto(GStrv) parts = NULL;
	g_autofree char *joined = NULL;

	if (n != 3 || args[0]->kind != BV_STRING || args[1]->kind != BV_STRING || args[2]->kind != BV_STRING ||
	    args[1]->s[0] == '\0')
		return bv_unknown(ev, e, "replace() of these values is not evaluated");
	parts = g_strsplit(args[0]->s, args[1]->s, -1);
	if ((gsize)g_strv_length(parts) * (strlen(args[2]->s) + 1) + strlen(args[0]->s) > DW_LIMIT_SCALAR_BYTES) {
		*ev->over = true;
		return bv_unknown(ev, e, "is longer than the limit");
	}
	joined = g_strjoinv(args[2]->s, parts);
	return bv_string(ev, joined, e->line);
}

/* items(object): [{key, value}], in the object's order. */
static struct bv *bicep_fn_items(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	struct bv *out;

	if (n != 1 || args[0]->kind != BV_OBJECT || args[0]->res_type != NULL)
		return bv_unknown(ev, e, "items() of this value is not evaluated");
	out = bv_new(ev, BV_ARRAY, e->line);
	for (guint i = 0; i < args[0]->keys->len; i++) {
		struct bv *pair = bv_new(ev, BV_OBJECT, e->line);

		bv_object_set(pair, "key", bv_string(ev, args[0]->keys->pdata[i], e->line));
		bv_object_set(pair, "value", bv_ref(args[0]->items->pdata[i]));
		g_ptr_array_add(out->items, pair);
	}
	return out;
}

static struct bv *bicep_fn_length(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n,
                                  bool empty)
{
	gint64 len;

	if (n != 1)
		return bv_unknown(ev, e, "%s() takes one value", empty ? "empty" : "length");
	if (args[0]->kind == BV_STRING)
		len = (gint64)strlen(args[0]->s);
	else if ((args[0]->kind == BV_ARRAY || args[0]->kind == BV_OBJECT) && args[0]->res_type == NULL)
		len = args[0]->items->len;
	else if (args[0]->kind == BV_NULL && empty)
		len = 0;
	else
		return bv_unknown(ev, e, "%s() of this value is not evaluated", empty ? "empty" : "length");
	return empty ? bv_bool(ev, len == 0, e->line) : bv_int(ev, len, e->line);
}

static struct bv *bicep_fn_contains(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	if (n == 2 && args[0]->kind == BV_STRING && args[1]->kind == BV_STRING)
		return bv_bool(ev, strstr(args[0]->s, args[1]->s) != NULL, e->line);
	if (n == 2 && args[0]->kind == BV_ARRAY) {
		for (guint i = 0; i < args[0]->items->len; i++) {
			if (bv_equal(args[0]->items->pdata[i], args[1], 0))
				return bv_bool(ev, true, e->line);
		}
		return bv_bool(ev, false, e->line);
	}
	if (n == 2 && args[0]->kind == BV_OBJECT && args[1]->kind == BV_STRING && args[0]->res_type == NULL)
		return bv_bool(ev, bv_object_get(args[0], args[1]->s) != NULL, e->line);
	return bv_unknown(ev, e, "contains() of these values is not evaluated");
}

/* Functions of one value: toLower, toUpper, trim, string, int, first, last,
 * any; NULL when fn is none of them. */
static struct bv *bicep_fn_one(struct bicep_eval *ev, const struct bicep_expr *e, const char *fn, struct bv *a)
{
	g_autofree char *t = bv_text(a);
	bool list = a->kind == BV_ARRAY && a->items->len > 0;

	if (g_ascii_strcasecmp(fn, "any") == 0)
		return bv_ref(a);
	if ((g_ascii_strcasecmp(fn, "toLower") == 0 || g_ascii_strcasecmp(fn, "toUpper") == 0) && a->kind == BV_STRING) {
		g_autofree char *c = fn[2] == 'L' || fn[2] == 'l' ? g_ascii_strdown(a->s, -1) : g_ascii_strup(a->s, -1);

		return bv_string(ev, c, e->line);
	}
	if (g_ascii_strcasecmp(fn, "trim") == 0 && a->kind == BV_STRING)
		return bv_string(ev, g_strstrip(t), e->line);
	if (g_ascii_strcasecmp(fn, "string") == 0 && t != NULL && a->kind != BV_NULL)
		return bv_string(ev, t, e->line);
	if (g_ascii_strcasecmp(fn, "int") == 0 && (a->kind == BV_INT || a->kind == BV_STRING)) {
		gint64 v;

		if (a->kind == BV_INT)
			return bv_ref(a);
		if (g_ascii_string_to_signed(a->s, 10, G_MININT64, G_MAXINT64, &v, NULL))
			return bv_int(ev, v, e->line);
	}
	if (g_ascii_strcasecmp(fn, "first") == 0 && list)
		return bv_ref(a->items->pdata[0]);
	if (g_ascii_strcasecmp(fn, "last") == 0 && list)
		return bv_ref(a->items->pdata[a->items->len - 1]);
	return NULL;
}

char *bicep_resource_id(const char *type, const char *name)
{
	g_auto(GStrv) types = g_strsplit(type, "/", -1);
	g_auto(GStrv) names = g_strsplit(name, "/", -1);
	GString *s = g_string_new(NULL);

	/* PROVIDER/TYPE/NAME[/CHILDTYPE/CHILDNAME...], as Azure writes ids. */
	for (size_t i = 0; types[i] != NULL; i++) {
		g_string_append_printf(s, "%s%s", i > 0 ? "/" : "", types[i]);
		if (i >= 1 && names[i - 1] != NULL)
			g_string_append_printf(s, "/%s", names[i - 1]);
		if (i >= 1 && names[i - 1] == NULL)
			break;
	}
	return g_string_free(s, FALSE);
}

/* resourceId([subscription, group,] type, name...). */
static struct bv *bicep_fn_resource_id(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args,
                                       size_t n)
{
	g_autoptr(GString) name = g_string_new(NULL);
	const char *type = NULL;

	for (size_t i = 0; i < n; i++) {
		if (args[i]->kind != BV_STRING)
			return bv_unknown(ev, e, "resourceId() of these values is not evaluated");
		if (type == NULL && strchr(args[i]->s, '/') != NULL)
			type = args[i]->s;
		else if (type != NULL)
			g_string_append_printf(name, "%s%s", name->len > 0 ? "/" : "", args[i]->s);
	}
	if (type == NULL || name->len == 0)
		return bv_unknown(ev, e, "resourceId() without a type and a name");
	g_autofree char *id = bicep_resource_id(type, name->str);

	return bv_string(ev, id, e->line);
}

typedef struct bv *(*bicep_fn)(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n);

static const struct {
	const char *name;
	bicep_fn fn;
} bicep_fns[] = {
	{ "concat", bicep_fn_concat }, { "format", bicep_fn_format }, { "range", bicep_fn_range },
	{ "union", bicep_fn_union }, { "split", bicep_fn_split }, { "join", bicep_fn_join },
	{ "replace", bicep_fn_replace }, { "items", bicep_fn_items }, { "contains", bicep_fn_contains },
	{ "resourceId", bicep_fn_resource_id },
};

static struct bv *bicep_fn_coalesce(struct bicep_eval *ev, const struct bicep_expr *e, struct bv **args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (args[i]->kind == BV_UNKNOWN)
			return bv_ref(args[i]);
		if (args[i]->kind != BV_NULL)
			return bv_ref(args[i]);
	}
	return bv_new(ev, BV_NULL, e->line);
}

/* The function applied to known arguments. */
static struct bv *bicep_fn_apply(struct bicep_eval *ev, const struct bicep_expr *e, const char *fn,
                                 struct bv **args, size_t n)
{
	struct bv *v;

	if (g_ascii_strcasecmp(fn, "coalesce") == 0)
		return bicep_fn_coalesce(ev, e, args, n);
	if ((v = bv_first_unknown(args, n)) != NULL)
		return v;
	for (size_t i = 0; i < G_N_ELEMENTS(bicep_fns); i++) {
		if (g_ascii_strcasecmp(fn, bicep_fns[i].name) == 0)
			return bicep_fns[i].fn(ev, e, args, n);
	}
	if (g_ascii_strcasecmp(fn, "length") == 0 || g_ascii_strcasecmp(fn, "empty") == 0)
		return bicep_fn_length(ev, e, args, n, g_ascii_strcasecmp(fn, "empty") == 0);
	if (n == 1 && (v = bicep_fn_one(ev, e, fn, args[0])) != NULL)
		return v;
	return bv_unknown(ev, e, "%s() of these values is not evaluated", fn);
}

/* map(array, x => ...), map(array, (x, i) => ...), filter(array, x => ...):
 * the lambda applied to each item of a known array. */
static struct bv *bicep_eval_lambda_call(struct bicep_eval *ev, const struct bicep_local *l,
                                         const struct bicep_expr *e, bool filter)
{
	const struct bicep_expr *fn = e->items[1];
	g_autoptr(bv) coll = bicep_eval(ev, l, e->items[0]);
	struct bv *why = NULL;
	GPtrArray *items = bicep_loop_items(ev, coll, e->items[0], &why);
	struct bv *out;

	if (items == NULL)
		return why;
	out = bv_new(ev, BV_ARRAY, e->line);
	for (guint i = 0; i < items->len && !*ev->over; i++) {
		g_autoptr(bv) index = bv_int(ev, i, e->line);
		struct bicep_local item = { fn->text, items->pdata[i], l };
		struct bicep_local idx = { fn->text2, index, &item };
		struct bv *v = bicep_eval(ev, &idx, fn->a);

		if (v->kind == BV_UNKNOWN || (filter && v->kind != BV_BOOL)) {
			bv_unref(out);
			if (v->kind == BV_UNKNOWN)
				return v;
			bv_unref(v);
			return bv_unknown(ev, fn, "filter() with a condition that is not a bool");
		}
		if (!filter)
			g_ptr_array_add(out->items, v);
		else if (v->i)
			g_ptr_array_add(out->items, bv_ref(items->pdata[i]));
		if (filter)
			bv_unref(v);
	}
	return out;
}

/* A call: NAME(...), az.NAME(...) or sys.NAME(...). */
static struct bv *bicep_eval_call(struct bicep_eval *ev, const struct bicep_local *l, const struct bicep_expr *e)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func((GDestroyNotify)bv_unref);

	if (e->a != NULL && (e->a->kind != BICEP_IDENT ||
	                     (strcmp(e->a->text, "az") != 0 && strcmp(e->a->text, "sys") != 0)))
		return bv_unknown(ev, e, "%s() of a value is not evaluated", e->text);
	for (size_t i = 0; i < G_N_ELEMENTS(bicep_deploy_time); i++) {
		if (g_ascii_strcasecmp(e->text, bicep_deploy_time[i]) == 0)
			return bv_unknown(ev, e, "%s() is known only at deployment", e->text);
	}
	if ((g_ascii_strcasecmp(e->text, "map") == 0 || g_ascii_strcasecmp(e->text, "filter") == 0) && e->n == 2 &&
	    e->items[1]->kind == BICEP_LAMBDA && e->items[1]->text != NULL)
		return bicep_eval_lambda_call(ev, l, e, g_ascii_strcasecmp(e->text, "filter") == 0);
	for (size_t i = 0; i < e->n; i++)
		g_ptr_array_add(args, bicep_eval(ev, l, e->items[i]));
	return bicep_fn_apply(ev, e, e->text, (struct bv **)args->pdata, args->len);
}
