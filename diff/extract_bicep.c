/*
 * extract_bicep.c - Azure Bicep files, read by translating them into the
 * ARM template `az bicep build` would deploy, evaluated, and handing that
 * to the ARM reader (extract_arm.c): NSGs and their rules, firewall rules,
 * storage, AKS and every flag it reads, with the same identities
 * (azure-nsg:NAME ...), so that moving a template from ARM JSON to Bicep
 * changes nothing.
 *
 * Follows "Bicep file structure and syntax", "Iterative loops in Bicep",
 * "Conditional deployment in Bicep", "Set name and type for child
 * resources in Bicep" and "Bicep modules" in the Azure documentation:
 * - param defaults, with values from NAME.bicepparam (using this file)
 *   and NAME.parameters.json beside NAME.bicep; where both give a value
 *   and differ, the value is an unknown naming both;
 * - var, interpolation, the functions of bicep_eval.c;
 * - resource and property loops over known arrays (range() included), at
 *   most DW_LIMIT_BICEP_LOOP; a loop that cannot be evaluated deploys its body
 *   once with the loop variable unknown, and says so;
 * - "if (...)": a resource known not to be deployed is left out; one
 *   whose condition is not known is read (as ARM does) and says so;
 * - child resources, nested in their parent or with "parent:", get the
 *   full type and the name PARENT/CHILD, as in ARM; "existing" resources
 *   are not deployed here, but name the parent of those that are;
 * - modules by relative path are read through a loader (the repository),
 *   at most DW_LIMIT_BICEP_MODULE_DEPTH deep; a cycle fails the file, as it fails
 *   `az bicep build`; registry modules are unknowns.
 * A value that cannot be evaluated becomes, in the ARM document, either
 * parameters('NAME') of a parameter with no value (as the same ARM
 * template would say) or bicep('TEXT', 'WHY'), which the ARM reader
 * reports as an unknown naming both.
 */
#include <string.h>

#include "bicep.h"
#include "bicep_eval.h"
#include "doc_private.h"
#include "extract.h"
#include "extract_private.h"


struct bicep_note {
	unsigned line;
	bool unread;    /* not about a resource read: goes to "unread:PATH" */
	char *what;
};

static void bicep_note_free(struct bicep_note *n)
{
	g_free(n->what);
	g_free(n);
}

struct bicep_ctx {
	const char *path;         /* the file asked for */
	extract_load_fn load;
	void *load_data;
	GPtrArray *found;         /* struct resource *, owned */
	GPtrArray *stack;         /* module paths being read (char *, borrowed) */
	size_t values;
	bool over;
	unsigned modules;
	GError *error;            /* the first failure; owned */
	struct resource *unread;  /* owned until moved to found */
	GHashTable *files;        /* module path -> struct bicep_file *, parsed once; owned */
};

/* One file being evaluated: the template, or one call of a module. */
struct bicep_inst {
	struct bicep_ctx *c;
	const struct bicep_file *f;
	GHashTable *given;        /* param name -> struct bv *, values from the caller or files */
	GHashTable *decls;        /* name -> struct bicep_decl * (borrowed) */
	GHashTable *memo;         /* name -> struct bv * */
	GHashTable *busy;         /* names being evaluated */
	struct bicep_eval ev;
	struct doc *doc;          /* the ARM document being built */
	GPtrArray *res_nodes;     /* struct doc_node *, its resources */
	GHashTable *unknown_params; /* names emitted as parameters('NAME') */
	GPtrArray *notes;         /* struct bicep_note * */
	unsigned depth;           /* modules above this one */
};

static void bicep_fail(struct bicep_ctx *c, enum dw_error_code code, const char *path, unsigned line,
                       const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static void bicep_fail(struct bicep_ctx *c, enum dw_error_code code, const char *path, unsigned line,
                       const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	if (c->error != NULL)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->error = g_error_new(DW_ERROR, code, "%s:%u: %s", path, line, what);
}

static void bicep_note(struct bicep_inst *in, unsigned line, bool unread, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void bicep_note(struct bicep_inst *in, unsigned line, bool unread, const char *fmt, ...)
{
	struct bicep_note *n = g_new0(struct bicep_note, 1);
	va_list ap;

	va_start(ap, fmt);
	n->what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	n->line = line;
	n->unread = unread;
	g_ptr_array_add(in->notes, n);
}

/* ---- names ------------------------------------------------------------------- */

static struct bv *bicep_resource_symbol(struct bicep_inst *in, const struct bicep_decl *d);

static struct bv *bicep_module_symbol(struct bicep_inst *in, const struct bicep_decl *d)
{
	struct bv *v = bv_new(&in->ev, BV_OBJECT, d->line);

	v->module = true;
	return v;
}

static struct bv *bicep_decl_value(struct bicep_inst *in, const struct bicep_decl *d)
{
	struct bv *given;

	switch (d->kind) {
	case BICEP_DECL_PARAM:
		if ((given = g_hash_table_lookup(in->given, d->name)) != NULL)
			return bv_ref(given);
		if (d->value != NULL)
			return bicep_eval(&in->ev, NULL, d->value);
		return bv_unknown_param(&in->ev, d->name, d->line);
	case BICEP_DECL_VAR:
		return bicep_eval(&in->ev, NULL, d->value);
	case BICEP_DECL_RESOURCE:
		return bicep_resource_symbol(in, d);
	case BICEP_DECL_MODULE:
		return bicep_module_symbol(in, d);
	default:
		return bv_unknown(&in->ev, d->value, "%s is an output", d->name);
	}
}

/* struct bicep_eval's lookup: a declaration's value, evaluated once. */
static struct bv *bicep_lookup(struct bicep_eval *ev, const char *name, const struct bicep_expr *at)
{
	struct bicep_inst *in = ev->user_data;
	const struct bicep_decl *d = g_hash_table_lookup(in->decls, name);
	struct bv *v;

	if (d == NULL)
		return NULL;
	if ((v = g_hash_table_lookup(in->memo, name)) != NULL)
		return bv_ref(v);
	if (g_hash_table_contains(in->busy, name))
		return bv_unknown(ev, at, "%s refers to itself", name);
	g_hash_table_add(in->busy, (gpointer)name);
	v = bicep_decl_value(in, d);
	g_hash_table_remove(in->busy, name);
	g_hash_table_insert(in->memo, (gpointer)name, bv_ref(v));
	return v;
}

/* ---- resources ---------------------------------------------------------------- */

/* Called for each instance a resource or module declaration deploys. */
typedef void (*bicep_each_fn)(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                              const struct bicep_expr *body, const struct bicep_local *l, void *user_data);

struct bicep_each {
	bicep_each_fn fn;
	void *user_data;
	bool emit;               /* deploying: record notes */
};

static void bicep_each_if(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                          const struct bicep_expr *body, const struct bicep_local *l, const struct bicep_each *each)
{
	if (body->kind == BICEP_IF) {
		g_autoptr(bv) cond = bicep_eval(&in->ev, l, body->a);

		if (cond->kind == BV_BOOL && !cond->i)
			return;
		if (cond->kind != BV_BOOL && each->emit)
			bicep_note(in, body->b->line, false,
			           "%s is deployed only if %s, not evaluated (%s): read as deployed", d->name, cond->kind == BV_UNKNOWN ? cond->src : "(a value that is not a bool)",
			           cond->kind == BV_UNKNOWN ? cond->s : "not a bool");
		body = body->b;
	}
	if (body->kind != BICEP_OBJECT) {
		bicep_fail(in->c, DW_ERROR_PARSE, in->f->path, body->line, "expected an object as the body of %s",
		           d->name);
		return;
	}
	each->fn(in, d, parent, body, l, each->user_data);
}

/* Every instance of d: once, or once per item of its loop. */
static void bicep_each(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                       const struct bicep_local *l, const struct bicep_each *each)
{
	const struct bicep_expr *body = d->value;
	g_autoptr(bv) coll = NULL;

	if (body->kind != BICEP_FOR) {
		bicep_each_if(in, d, parent, body, l, each);
		return;
	}
	coll = bicep_eval(&in->ev, l, body->a);
	if (coll->kind == BV_ARRAY && coll->items->len <= DW_LIMIT_BICEP_LOOP) {
		for (guint i = 0; i < coll->items->len && in->c->error == NULL && !in->c->over; i++) {
			g_autoptr(bv) index = bv_new(&in->ev, BV_INT, body->line);
			struct bicep_local item = { body->text, coll->items->pdata[i], l };
			struct bicep_local idx = { body->text2, index, &item };

			index->i = i;
			bicep_each_if(in, d, parent, body->b, &idx, each);
		}
		return;
	}
	g_autoptr(bv) why = coll->kind == BV_UNKNOWN ? bv_ref(coll)
	                    : coll->kind == BV_ARRAY ? bv_unknown(&in->ev, body->a, "loops %u times, more than %u",
	                                                          coll->items->len, DW_LIMIT_BICEP_LOOP)
	                                             : bv_unknown(&in->ev, body->a, "is not an array");
	struct bicep_local item = { body->text, why, l };
	struct bicep_local idx = { body->text2, why, &item };

	if (each->emit)
		bicep_note(in, body->b->kind == BICEP_IF ? body->b->b->line : body->b->line, false,
		           "%s is deployed by a loop over %s, not evaluated (%s)", d->name, why->src, why->s);
	bicep_each_if(in, d, parent, body->b, &idx, each);
}

/* The type as written without its API version. */
static char *bicep_type_name(const char *type)
{
	const char *at = strchr(type, '@');

	return g_strndup(type, at != NULL ? (gsize)(at - type) : strlen(type));
}

/* One instance of a resource as a value: name, full type, id. */
static struct bv *bicep_resource_value(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                                       const struct bicep_expr *body, const struct bicep_local *l)
{
	const struct bicep_expr *name_e = bicep_object_get(body, "name");
	const struct bicep_expr *parent_e = bicep_object_get(body, "parent");
	g_autoptr(bv) pv = NULL;
	g_autofree char *type = bicep_type_name(d->type);
	struct bv *v = bv_new(&in->ev, BV_OBJECT, body->line);
	struct bv *name = name_e != NULL ? bicep_eval(&in->ev, l, name_e) : bv_unknown(&in->ev, body, "has no name");

	/* An unknown name is the whole expression as written (the identity
	 * then stays while the expression does), unless it is a parameter. */
	if (name->kind == BV_UNKNOWN && !name->param) {
		struct bv *whole = bv_unknown(&in->ev, name_e, "%s", name->s);

		bv_unref(name);
		name = whole;
	}
	if (parent == NULL && parent_e != NULL)
		parent = pv = bicep_eval(&in->ev, l, parent_e);
	if (strchr(type, '/') == NULL && parent != NULL && parent->res_type != NULL)
		v->res_type = g_strdup_printf("%s/%s", parent->res_type, type);
	else if (strchr(type, '/') != NULL)
		v->res_type = g_strdup(type);
	if (name->kind == BV_STRING && parent == NULL)
		v->res_name = g_strdup(name->s);
	else if (name->kind == BV_STRING && parent->res_name != NULL)
		v->res_name = g_strdup_printf("%s/%s", parent->res_name, name->s);
	else if (name->kind != BV_STRING)
		v->res_unknown = name->kind == BV_UNKNOWN ? bv_ref(name) : bv_unknown(&in->ev, name_e, "is not a string");
	else if (parent->kind == BV_UNKNOWN)
		v->res_unknown = bv_ref((struct bv *)parent);
	else
		v->res_unknown = parent->res_unknown != NULL ? bv_ref(parent->res_unknown)
		                                             : bv_unknown(&in->ev, parent_e != NULL ? parent_e : body,
		                                                          "the parent is not a resource");
	g_ptr_array_add(v->keys, g_strdup("name"));
	g_ptr_array_add(v->items, name);
	if (v->res_type != NULL) {
		g_ptr_array_add(v->keys, g_strdup("type"));
		g_ptr_array_add(v->items, bv_string(&in->ev, v->res_type, body->line));
	}
	g_ptr_array_add(v->keys, g_strdup("id"));
	if (v->res_type != NULL && v->res_name != NULL) {
		g_autofree char *id = bicep_resource_id(v->res_type, v->res_name);

		g_ptr_array_add(v->items, bv_string(&in->ev, id, body->line));
	} else {
		g_ptr_array_add(v->items, bv_unknown(&in->ev, name_e != NULL ? name_e : body, "the id of %s is not known",
		                                     d->name));
	}
	return v;
}

static void bicep_collect(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                          const struct bicep_expr *body, const struct bicep_local *l, void *user_data)
{
	g_ptr_array_add(user_data, bicep_resource_value(in, d, parent, body, l));
}

/* A resource's symbol: its value, or an array of them for a loop. */
static struct bv *bicep_resource_symbol(struct bicep_inst *in, const struct bicep_decl *d)
{
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)bv_unref);
	struct bicep_each each = { bicep_collect, all, false };
	struct bv *v;

	bicep_each(in, d, NULL, NULL, &each);
	if (d->value->kind == BICEP_FOR) {
		v = bv_new(&in->ev, BV_ARRAY, d->line);
		for (guint i = 0; i < all->len; i++)
			g_ptr_array_add(v->items, bv_ref(all->pdata[i]));
		return v;
	}
	if (all->len == 1)
		return bv_ref(all->pdata[0]);
	return bv_unknown(&in->ev, d->value, "%s is not deployed", d->name);
}

/* ---- the ARM document --------------------------------------------------------------- */

static struct doc_node *bicep_doc_scalar(struct bicep_inst *in, const char *text, unsigned line, bool quoted)
{
	struct doc_node *n = doc_node_new(in->doc, DOC_SCALAR, line);

	n->len = strlen(text);
	n->text = doc_strndup(in->doc, text, n->len);
	n->quoted = quoted;
	return n;
}

/* A string as an ARM literal: one that starts with "[" is written "[[". */
static struct doc_node *bicep_doc_string(struct bicep_inst *in, const char *text, unsigned line)
{
	g_autofree char *escaped = text[0] == '[' ? g_strconcat("[", text, NULL) : NULL;

	return bicep_doc_scalar(in, escaped != NULL ? escaped : text, line, true);
}

/* 'text' in an ARM expression. */
static void bicep_arm_quote(GString *s, const char *text)
{
	g_string_append_c(s, '\'');
	for (; *text != '\0'; text++) {
		if (*text == '\'')
			g_string_append_c(s, '\'');
		g_string_append_c(s, *text);
	}
	g_string_append_c(s, '\'');
}

/* An unknown as an ARM expression the ARM reader reports by name. */
static struct doc_node *bicep_doc_unknown(struct bicep_inst *in, const struct bv *v, unsigned line)
{
	g_autoptr(GString) s = g_string_new("[");

	if (v->param) {
		g_string_append(s, "parameters(");
		bicep_arm_quote(s, v->src);
		g_hash_table_add(in->unknown_params, g_strdup(v->src));
	} else {
		g_string_append(s, "bicep(");
		bicep_arm_quote(s, v->src != NULL ? v->src : "?");
		g_string_append(s, ", ");
		bicep_arm_quote(s, v->s != NULL ? v->s : "not evaluated");
	}
	g_string_append(s, ")]");
	return bicep_doc_scalar(in, s->str, line, true);
}

static struct doc_node *bicep_doc_value(struct bicep_inst *in, const struct bv *v, unsigned line, unsigned depth);

static struct doc_node *bicep_doc_collection(struct bicep_inst *in, const struct bv *v, unsigned line,
                                             unsigned depth)
{
	struct doc_node *n = doc_node_new(in->doc, v->kind == BV_ARRAY ? DOC_LIST : DOC_MAP, line);

	n->n = v->items->len;
	if (v->kind == BV_ARRAY) {
		n->items = doc_alloc_n(in->doc, n->n, sizeof(*n->items));
		for (size_t i = 0; i < n->n; i++)
			n->items[i] = bicep_doc_value(in, v->items->pdata[i], line, depth + 1);
		return n;
	}
	n->pairs = doc_alloc_n(in->doc, n->n, sizeof(*n->pairs));
	for (size_t i = 0; i < n->n; i++) {
		struct doc_node *value = bicep_doc_value(in, v->items->pdata[i], line, depth + 1);

		n->pairs[i].key = bicep_doc_scalar(in, v->keys->pdata[i], value->line, true);
		n->pairs[i].value = value;
	}
	return n;
}

/* A value as the ARM JSON that deploys it; a string that starts with "["
 * is escaped as "[[" (an ARM literal). */
static struct doc_node *bicep_doc_value(struct bicep_inst *in, const struct bv *v, unsigned line, unsigned depth)
{
	g_autofree char *text = NULL;

	if (v->line != 0)
		line = v->line;
	/* Values share parts (var b = [a, a]): the document they unfold to
	 * counts against the same budget. */
	if (depth > DW_LIMIT_DEPTH || ++in->c->values > DW_LIMIT_NODES) {
		in->c->over = true;
		return doc_node_new(in->doc, DOC_NULL, line);
	}
	switch (v->kind) {
	case BV_NULL:
		return doc_node_new(in->doc, DOC_NULL, line);
	case BV_BOOL:
		return bicep_doc_scalar(in, v->i ? "true" : "false", line, false);
	case BV_INT:
		text = g_strdup_printf("%" G_GINT64_FORMAT, v->i);
		return bicep_doc_scalar(in, text, line, false);
	case BV_STRING:
		return bicep_doc_string(in, v->s, line);
	case BV_ARRAY:
	case BV_OBJECT:
		if (v->res_type != NULL || v->module) {
			struct bv *id = bv_object_get(v, "id");

			return id != NULL ? bicep_doc_value(in, id, line, depth + 1) : doc_node_new(in->doc, DOC_NULL, line);
		}
		return bicep_doc_collection(in, v, line, depth);
	case BV_UNKNOWN:
		return bicep_doc_unknown(in, v, line);
	}
	return doc_node_new(in->doc, DOC_NULL, line);
}

/* Bicep-only keys of a resource body, not ARM properties. */
static bool bicep_body_key_dropped(const char *key)
{
	static const char *const keys[] = { "parent", "scope", "dependsOn", "name" };

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (strcmp(key, keys[i]) == 0)
			return true;
	}
	return false;
}

/* The ARM resource of one instance: {"type", "name", and the rest of the body}. */
static void bicep_emit_arm(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *value,
                           const struct bicep_expr *body, const struct bicep_local *l)
{
	g_autoptr(bv) obj = bicep_eval(&in->ev, l, body);
	struct doc_node *n = doc_node_new(in->doc, DOC_MAP, body->line);
	const struct bv *name = bv_object_get(value, "name");
	size_t k = 0;

	if (obj->kind != BV_OBJECT) {
		bicep_note(in, body->line, true, "%s: its body is %s, %s: not analysed", d->name,
		           obj->kind == BV_UNKNOWN ? obj->src : "?", obj->kind == BV_UNKNOWN ? obj->s : "not an object");
		return;
	}
	n->pairs = doc_alloc_n(in->doc, obj->keys->len + 2, sizeof(*n->pairs));
	n->pairs[k].key = bicep_doc_scalar(in, "type", body->line, true);
	n->pairs[k++].value = bicep_doc_scalar(in, value->res_type, body->line, true);
	n->pairs[k].key = bicep_doc_scalar(in, "name", body->line, true);
	if (value->res_name != NULL)
		n->pairs[k++].value = bicep_doc_string(in, value->res_name, name != NULL && name->line ? name->line
		                                                                                        : body->line);
	else
		n->pairs[k++].value = bicep_doc_unknown(in, value->res_unknown, body->line);
	for (guint i = 0; i < obj->keys->len; i++) {
		if (bicep_body_key_dropped(obj->keys->pdata[i]))
			continue;
		struct doc_node *item = bicep_doc_value(in, obj->items->pdata[i], body->line, 1);

		n->pairs[k].key = bicep_doc_scalar(in, obj->keys->pdata[i], item->line, true);
		n->pairs[k++].value = item;
	}
	n->n = k;
	g_ptr_array_add(in->res_nodes, n);
}

static void bicep_emit_resource(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                                const struct bicep_expr *body, const struct bicep_local *l, void *user_data)
{
	g_autoptr(bv) value = bicep_resource_value(in, d, parent, body, l);
	struct bicep_each each = { bicep_emit_resource, NULL, true };

	if (!d->existing && value->res_type == NULL)
		bicep_note(in, body->line, true, "%s: its type %s is not known (no parent): not analysed", d->name,
		           d->type);
	else if (!d->existing && extract_arm_type_unread(value->res_type))
		bicep_note(in, body->line, true, "%s (%s) is a type no reader takes: not analysed", d->name,
		           value->res_type);
	else if (!d->existing)
		bicep_emit_arm(in, d, value, body, l);
	for (size_t i = 0; i < body->n_decls && in->c->error == NULL; i++)
		bicep_each(in, body->decls[i], value, l, &each);
}

/* ---- modules ------------------------------------------------------------------------ */

static void bicep_run(struct bicep_inst *in);
static void bicep_inst_init(struct bicep_inst *in, struct bicep_ctx *c, const struct bicep_file *f, unsigned depth);
static void bicep_inst_clear(struct bicep_inst *in);

/* The repository path of a module's file, from the file that calls it. */
static char *bicep_module_path(const char *from, const char *source)
{
	g_autofree char *dir = g_path_get_dirname(from);
	g_autofree char *rel = NULL;

	if (source[0] == '/' || strchr(source, ':') != NULL)
		return NULL;
	rel = g_str_has_prefix(source, "./") || g_str_has_prefix(source, "../") ? g_strdup(source)
	                                                                         : g_strconcat("./", source, NULL);
	return extract_tf_module_dir(dir, rel);
}

/* The call's params, evaluated in the caller, as the module's given values. */
static void bicep_module_params(struct bicep_inst *in, struct bicep_inst *callee, const struct bicep_expr *body,
                                const struct bicep_local *l)
{
	const struct bicep_expr *params = bicep_object_get(body, "params");
	g_autoptr(bv) v = params != NULL ? bicep_eval(&in->ev, l, params) : NULL;

	if (v == NULL)
		return;
	if (v->kind == BV_OBJECT) {
		for (guint i = 0; i < v->keys->len; i++)
			g_hash_table_insert(callee->given, g_strdup(v->keys->pdata[i]), bv_ref(v->items->pdata[i]));
		return;
	}
	/* Every parameter of the module is then unknown. */
	for (guint i = 0; i < callee->f->decls->len; i++) {
		const struct bicep_decl *d = callee->f->decls->pdata[i];

		if (d->kind == BICEP_DECL_PARAM)
			g_hash_table_insert(callee->given, g_strdup(d->name), bv_ref(v));
	}
}

/* A module call's file, read and parsed once per extraction (borrowed
 * from the context); NULL (noted, or failed) when not. */
static const struct bicep_file *bicep_module_load(struct bicep_inst *in, const struct bicep_decl *d,
                                                  const char *path)
{
	struct bicep_ctx *c = in->c;
	g_autoptr(GBytes) bytes = NULL;
	struct bicep_file *f = NULL;
	GError *error = NULL;

	for (guint i = 0; i < c->stack->len; i++) {
		if (strcmp(c->stack->pdata[i], path) == 0) {
			bicep_fail(c, DW_ERROR_PARSE, in->f->path, d->line, "module %s ('%s') calls itself through %s",
			           d->name, d->type, in->f->path);
			return NULL;
		}
	}
	if (in->depth + 1 > DW_LIMIT_BICEP_MODULE_DEPTH || c->modules >= DW_LIMIT_BICEP_MODULES) {
		bicep_fail(c, DW_ERROR_LIMIT, in->f->path, d->line, "modules nested deeper than %u or more than %u calls",
		           DW_LIMIT_BICEP_MODULE_DEPTH, DW_LIMIT_BICEP_MODULES);
		return NULL;
	}
	if ((f = g_hash_table_lookup(c->files, path)) != NULL)
		return f;
	if ((bytes = c->load(path, c->load_data)) == NULL) {
		bicep_note(in, d->line, true, "module %s ('%s'): %s is not in the repository, what it deploys is "
		           "not analysed", d->name, d->type, path);
		return NULL;
	}
	if (!bicep_parse(&f, path, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), &error)) {
		if (c->error == NULL)
			c->error = error;
		else
			g_error_free(error);
		return NULL;
	}
	g_hash_table_insert(c->files, f->path, f);
	return f;
}

static void bicep_emit_module(struct bicep_inst *in, const struct bicep_decl *d, const struct bv *parent,
                              const struct bicep_expr *body, const struct bicep_local *l, void *user_data)
{
	g_autofree char *path = bicep_module_path(in->f->path, d->type);
	const struct bicep_file *f = NULL;
	struct bicep_inst callee;

	if (path == NULL) {
		bicep_note(in, d->line, true, "module %s ('%s') is not a file of the repository (a registry, a "
		           "template spec or a path outside it): what it deploys is not analysed", d->name, d->type);
		return;
	}
	/* An ARM template as a module is read by itself, with its defaults. */
	if (!g_str_has_suffix(path, ".bicep")) {
		bicep_note(in, d->line, true, "module %s ('%s') is not a Bicep file: what it deploys with these "
		           "parameters is not analysed", d->name, d->type);
		return;
	}
	if (in->c->load == NULL) {
		bicep_note(in, d->line, true, "module %s ('%s') is not followed here (no repository to read it "
		           "from): what it deploys is not analysed", d->name, d->type);
		return;
	}
	if ((f = bicep_module_load(in, d, path)) == NULL)
		return;
	in->c->modules++;
	bicep_inst_init(&callee, in->c, f, in->depth + 1);
	bicep_module_params(in, &callee, body, l);
	g_ptr_array_add(in->c->stack, (gpointer)f->path);
	bicep_run(&callee);
	g_ptr_array_remove_index(in->c->stack, in->c->stack->len - 1);
	bicep_inst_clear(&callee);
}

/* ---- one file --------------------------------------------------------------------- */

static void bicep_inst_init(struct bicep_inst *in, struct bicep_ctx *c, const struct bicep_file *f, unsigned depth)
{
	memset(in, 0, sizeof(*in));
	in->c = c;
	in->f = f;
	in->depth = depth;
	in->given = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)bv_unref);
	in->decls = g_hash_table_new(g_str_hash, g_str_equal);
	in->memo = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)bv_unref);
	in->busy = g_hash_table_new(g_str_hash, g_str_equal);
	in->unknown_params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	in->notes = g_ptr_array_new_with_free_func((GDestroyNotify)bicep_note_free);
	in->res_nodes = g_ptr_array_new();
	in->doc = doc_new(f->path);
	in->ev.f = f;
	in->ev.lookup = bicep_lookup;
	in->ev.user_data = in;
	in->ev.values = &c->values;
	in->ev.over = &c->over;
}

static void bicep_inst_clear(struct bicep_inst *in)
{
	g_hash_table_unref(in->given);
	g_hash_table_unref(in->decls);
	g_hash_table_unref(in->memo);
	g_hash_table_unref(in->busy);
	g_hash_table_unref(in->unknown_params);
	g_ptr_array_unref(in->notes);
	g_ptr_array_unref(in->res_nodes);
	doc_free(in->doc);
}

/* Names are unique in a file (BCP028): a second one fails it. */
static bool bicep_index(struct bicep_inst *in)
{
	for (guint i = 0; i < in->f->decls->len; i++) {
		const struct bicep_decl *d = in->f->decls->pdata[i];

		if (d->name == NULL || d->kind == BICEP_DECL_OUTPUT)
			continue;
		if (g_hash_table_contains(in->decls, d->name)) {
			bicep_fail(in->c, DW_ERROR_PARSE, in->f->path, d->line, "%s is declared twice", d->name);
			return false;
		}
		g_hash_table_insert(in->decls, (gpointer)d->name, (gpointer)d);
	}
	return true;
}

/* The ARM template: {"parameters": {NAME: {"type": "string"}...}, "resources": [...]}. */
static void bicep_doc_build(struct bicep_inst *in)
{
	struct doc_node *root = doc_node_new(in->doc, DOC_MAP, 1);
	struct doc_node *params = doc_node_new(in->doc, DOC_MAP, 1);
	struct doc_node *list = doc_node_new(in->doc, DOC_LIST, 1);
	GHashTableIter it;
	gpointer name;
	size_t k = 0;

	params->n = g_hash_table_size(in->unknown_params);
	params->pairs = doc_alloc_n(in->doc, params->n, sizeof(*params->pairs));
	g_hash_table_iter_init(&it, in->unknown_params);
	while (g_hash_table_iter_next(&it, &name, NULL)) {
		struct doc_node *decl = doc_node_new(in->doc, DOC_MAP, 1);

		decl->n = 1;
		decl->pairs = doc_alloc_n(in->doc, 1, sizeof(*decl->pairs));
		decl->pairs[0].key = bicep_doc_scalar(in, "type", 1, true);
		decl->pairs[0].value = bicep_doc_scalar(in, "string", 1, true);
		params->pairs[k].key = bicep_doc_scalar(in, name, 1, true);
		params->pairs[k++].value = decl;
	}
	list->n = in->res_nodes->len;
	list->items = doc_alloc_n(in->doc, list->n, sizeof(*list->items));
	if (list->n > 0) /* no resource: no items, and pdata may be NULL */
		memcpy(list->items, in->res_nodes->pdata, list->n * sizeof(*list->items));
	root->n = 2;
	root->pairs = doc_alloc_n(in->doc, 2, sizeof(*root->pairs));
	root->pairs[0].key = bicep_doc_scalar(in, "parameters", 1, true);
	root->pairs[0].value = params;
	root->pairs[1].key = bicep_doc_scalar(in, "resources", 1, true);
	root->pairs[1].value = list;
	g_ptr_array_add(in->doc->roots, root);
}

/* Each note on the resources read at its line, else on "unread:PATH". */
static void bicep_attach_notes(struct bicep_inst *in, GPtrArray *found)
{
	for (guint i = 0; i < in->notes->len; i++) {
		const struct bicep_note *n = in->notes->pdata[i];
		bool placed = false;

		for (guint j = 0; j < found->len && !n->unread; j++) {
			struct resource *r = found->pdata[j];

			if (r->line == n->line) {
				resource_add_unknown(r, n->line, "%s", n->what);
				placed = true;
			}
		}
		if (placed)
			continue;
		if (in->c->unread == NULL)
			in->c->unread = extract_unread_resource(in->c->path);
		resource_add_unknown(in->c->unread, n->line, "%s: %s", in->f->path, n->what);
	}
}

/* Deploys every resource and module of the file, and reads the result. */
static void bicep_run(struct bicep_inst *in)
{
	struct bicep_each res = { bicep_emit_resource, NULL, true };
	struct bicep_each mod = { bicep_emit_module, NULL, true };
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	GError *error = NULL;

	if (!bicep_index(in))
		return;
	for (guint i = 0; i < in->f->decls->len && in->c->error == NULL && !in->c->over; i++) {
		const struct bicep_decl *d = in->f->decls->pdata[i];

		if (d->kind == BICEP_DECL_RESOURCE)
			bicep_each(in, d, NULL, NULL, &res);
		else if (d->kind == BICEP_DECL_MODULE)
			bicep_each(in, d, NULL, NULL, &mod);
	}
	if (in->c->error != NULL || in->c->over)
		return;
	bicep_doc_build(in);
	if (!extract_arm(found, in->doc, &error)) {
		in->c->error = error;
		return;
	}
	bicep_attach_notes(in, found);
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(in->c->found, g_steal_pointer(&found->pdata[i]));
}

/* ---- parameter files ----------------------------------------------------------------- */

/* A literal JSON value of a parameters file as a value. */
static struct bv *bicep_json_value(struct bicep_eval *ev, const struct doc_node *n, unsigned depth)
{
	struct bv *v;
	gint64 i;

	if (n == NULL || n->kind == DOC_NULL || depth > DW_LIMIT_DEPTH)
		return bv_new(ev, BV_NULL, n != NULL ? n->line : 0);
	if (n->kind == DOC_SCALAR) {
		if (!n->quoted && (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0)) {
			v = bv_new(ev, BV_BOOL, n->line);
			v->i = n->text[0] == 't';
			return v;
		}
		if (!n->quoted && g_ascii_string_to_signed(n->text, 10, G_MININT64, G_MAXINT64, &i, NULL)) {
			v = bv_new(ev, BV_INT, n->line);
			v->i = i;
			return v;
		}
		return bv_string(ev, n->text, n->line);
	}
	v = bv_new(ev, n->kind == DOC_LIST ? BV_ARRAY : BV_OBJECT, n->line);
	for (size_t k = 0; k < n->n; k++) {
		if (n->kind == DOC_LIST) {
			g_ptr_array_add(v->items, bicep_json_value(ev, n->items[k], depth + 1));
		} else if (doc_scalar(n->pairs[k].key) != NULL) {
			g_ptr_array_add(v->keys, g_strdup(doc_scalar(n->pairs[k].key)));
			g_ptr_array_add(v->items, bicep_json_value(ev, n->pairs[k].value, depth + 1));
		}
	}
	return v;
}

/* Adds value (taken) for name from file; where another file gave a
 * different value, the value is an unknown naming both. */
static void bicep_give(struct bicep_inst *in, GHashTable *from, const char *name, struct bv *value, const char *file)
{
	struct bv *before = g_hash_table_lookup(in->given, name);
	const char *other = g_hash_table_lookup(from, name);

	if (before != NULL && !bv_equal(before, value, 0)) {
		struct bv *u = bv_new(&in->ev, BV_UNKNOWN, value->line);

		u->s = g_strdup_printf("parameter %s differs between %s and %s", name, other, file);
		u->src = g_strdup(name);
		bv_unref(value);
		value = u;
	}
	g_hash_table_insert(in->given, g_strdup(name), value);
	g_hash_table_insert(from, g_strdup(name), (gpointer)file);
}

/* Every parameter of the template unknown: a parameters file cannot be read. */
static void bicep_give_unreadable(struct bicep_inst *in, GHashTable *from, const char *file, const char *why)
{
	for (guint i = 0; i < in->f->decls->len; i++) {
		const struct bicep_decl *d = in->f->decls->pdata[i];
		struct bv *u;

		if (d->kind != BICEP_DECL_PARAM)
			continue;
		u = bv_new(&in->ev, BV_UNKNOWN, d->line);
		u->s = g_strdup_printf("parameter %s: %s cannot be read (%s)", d->name, file, why);
		u->src = g_strdup(d->name);
		g_hash_table_insert(in->given, g_strdup(d->name), u);
		g_hash_table_insert(from, g_strdup(d->name), (gpointer)file);
	}
}

/* NAME.parameters.json: {"parameters": {"p": {"value": ...}}}. */
static void bicep_params_json(struct bicep_inst *in, GHashTable *from, const char *path, GBytes *bytes)
{
	g_autoptr(doc) d = NULL;
	g_autoptr(GError) error = NULL;
	const struct doc_node *params;

	if (!doc_parse_json(&d, path, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), NULL, &error) ||
	    d->roots->len != 1) {
		bicep_give_unreadable(in, from, path, error != NULL ? error->message : "not one document");
		return;
	}
	params = doc_map_get(g_ptr_array_index(d->roots, 0), "parameters");
	for (size_t i = 0; params != NULL && params->kind == DOC_MAP && i < params->n; i++) {
		const char *name = doc_scalar(params->pairs[i].key);
		const struct doc_node *p = params->pairs[i].value;
		struct bv *v;

		if (name == NULL || (doc_map_get(p, "value") == NULL && doc_map_get(p, "reference") == NULL))
			continue;
		if (doc_map_get(p, "reference") != NULL) {
			v = bv_new(&in->ev, BV_UNKNOWN, p->line);
			v->s = g_strdup_printf("parameter %s is a Key Vault reference in %s", name, path);
			v->src = g_strdup(name);
		} else {
			v = bicep_json_value(&in->ev, doc_map_get(p, "value"), 0);
		}
		bicep_give(in, from, name, v, path);
	}
}

/* NAME.bicepparam: "using './NAME.bicep'" and "param p = value" lines. */
static void bicep_params_bicep(struct bicep_inst *in, GHashTable *from, const char *path, GBytes *bytes)
{
	g_autoptr(bicep_file) f = NULL;
	g_autoptr(GError) error = NULL;
	struct bicep_inst pin;

	if (!bicep_parse(&f, path, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), &error)) {
		bicep_give_unreadable(in, from, path, error->message);
		return;
	}
	bicep_inst_init(&pin, in->c, f, in->depth);
	if (bicep_index(&pin)) {
		for (guint i = 0; i < f->decls->len; i++) {
			const struct bicep_decl *d = f->decls->pdata[i];

			if (d->kind == BICEP_DECL_PARAM && d->value != NULL)
				bicep_give(in, from, d->name, bicep_lookup(&pin.ev, d->name, d->value), path);
		}
	}
	bicep_inst_clear(&pin);
}

/* Values from NAME.bicepparam and NAME.parameters.json beside NAME.bicep. */
static void bicep_params_files(struct bicep_inst *in)
{
	g_autofree char *base = NULL;
	g_autofree char *bp = NULL;
	g_autofree char *js = NULL;
	g_autoptr(GHashTable) from = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GBytes) b1 = NULL;
	g_autoptr(GBytes) b2 = NULL;

	if (in->c->load == NULL || !g_str_has_suffix(in->f->path, ".bicep"))
		return;
	base = g_strndup(in->f->path, strlen(in->f->path) - strlen(".bicep"));
	bp = g_strconcat(base, ".bicepparam", NULL);
	js = g_strconcat(base, ".parameters.json", NULL);
	if ((b1 = in->c->load(bp, in->c->load_data)) != NULL)
		bicep_params_bicep(in, from, bp, b1);
	if ((b2 = in->c->load(js, in->c->load_data)) != NULL)
		bicep_params_json(in, from, js, b2);
}

bool extract_bicep(GPtrArray *out, const char *path, const char *data, size_t len, extract_load_fn load,
                   void *load_data, GError **error)
{
	g_autoptr(bicep_file) f = NULL;
	struct bicep_ctx c = { .path = path, .load = load, .load_data = load_data };
	struct bicep_inst in;
	bool ok;

	if (!bicep_parse(&f, path, data, len, error))
		return false;
	c.found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	c.stack = g_ptr_array_new();
	c.files = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)bicep_file_free);
	g_ptr_array_add(c.stack, f->path);
	bicep_inst_init(&in, &c, f, 0);
	bicep_params_files(&in);
	bicep_run(&in);
	bicep_inst_clear(&in);
	if (c.over && c.error == NULL)
		c.error = g_error_new(DW_ERROR, DW_ERROR_LIMIT, "%s: evaluating it makes more than %zu values or a "
		                      "string longer than %zu bytes", path, (size_t)DW_LIMIT_NODES,
		                      (size_t)DW_LIMIT_SCALAR_BYTES);
	ok = c.error == NULL;
	if (ok && c.unread != NULL)
		g_ptr_array_add(c.found, g_steal_pointer(&c.unread));
	for (guint i = 0; ok && i < c.found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&c.found->pdata[i]));
	if (!ok)
		g_propagate_error(error, c.error);
	resource_free(c.unread);
	g_ptr_array_unref(c.found);
	g_ptr_array_unref(c.stack);
	g_hash_table_unref(c.files);
	return ok;
}
