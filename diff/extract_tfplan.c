/*
 * extract_tfplan.c - Terraform plan JSON (`terraform show -json PLAN`, and
 * the state form `terraform show -json`), as HashiCorp documents it in
 * "JSON Output Format": planned_values.root_module (or values.root_module)
 * holds resources[] (address, mode, type, name, index, values) and
 * child_modules[] (address, resources, child_modules); resource_changes[]
 * holds each change's after_unknown, the same shape as values with true
 * where a value is known only after apply.
 *
 * Every module and variable is resolved in a plan, so its values are read
 * by the same resource readers as the HCL (extract_tf*.c): each module's
 * resources are written back as HCL literals and read as one module, under
 * the same identity the HCL reader gives, "tf:DIR:TYPE.NAME" and
 * "tf:DIR:module.NAME.TYPE.NAME", DIR being the plan file's directory (the
 * root module's, where `terraform show` runs). Values known only after
 * apply are unknowns ("known_after_apply.ATTR"), never guessed; a rule's
 * reference to its group (security_group_id = aws_security_group.web.id),
 * unknown until apply, comes from the plan's configuration section.
 */
#include <string.h>

#include "extract_tf_private.h"

/* The keys by which a rule joins its group; kept as references. */
static const char *const tfplan_join_keys[] = { "security_group_id", "network_acl_id",
	                                        "network_security_group_name", "network" };

/* One module instance's resources as HCL text. */
struct tfplan_module {
	char *prefix;  /* "module.a." or ""; owned */
	GString *text;
	GArray *lines; /* unsigned: the JSON line of each generated line */
	/* Its configuration's resources by address ("aws_x.y"); nodes borrowed. */
	GHashTable *config;
};

struct tfplan {
	const char *path;
	const struct doc_node *root;
	GPtrArray *modules; /* struct tfplan_module *, owned */
	GHashTable *by_prefix; /* prefix -> struct tfplan_module *, borrowed from modules */
	GHashTable *seen;   /* "prefix type.name" emitted; owned keys */
	GHashTable *changes; /* address -> after_unknown node; borrowed */
	struct dw_problems problems;
	unsigned line;      /* JSON line of what is being written */
};

static void tfplan_module_free(struct tfplan_module *m)
{
	g_free(m->prefix);
	g_string_free(m->text, TRUE);
	g_array_unref(m->lines);
	g_hash_table_unref(m->config);
	g_free(m);
}

static void tfplan_newline(struct tfplan *p, struct tfplan_module *m)
{
	g_string_append_c(m->text, '\n');
	g_array_append_val(m->lines, p->line);
}

static bool tfplan_identifier(const char *s)
{
	if (s == NULL || !(g_ascii_isalpha(s[0]) || s[0] == '_'))
		return false;
	for (const char *q = s; *q != '\0'; q++) {
		if (!g_ascii_isalnum(*q) && *q != '_' && *q != '-')
			return false;
	}
	return true;
}

/* A quoted HCL string: escapes, and template markers doubled. */
static void tfplan_quote(GString *out, const char *s, size_t len)
{
	g_string_append_c(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			g_string_append_printf(out, "\\%c", ch);
		else if (ch == '\n')
			g_string_append(out, "\\n");
		else if (ch < 0x20)
			g_string_append_printf(out, "\\u%04x", ch);
		else if ((ch == '$' || ch == '%') && i + 1 < len && s[i + 1] == '{')
			g_string_append_printf(out, "%c%c", ch, ch);
		else
			g_string_append_c(out, (char)ch);
	}
	g_string_append_c(out, '"');
}

/* A JSON number, as the whole text: digits, sign, point, exponent. */
static bool tfplan_number(const char *s)
{
	bool digit = false;

	for (const char *q = s; *q != '\0'; q++) {
		if (g_ascii_isdigit(*q))
			digit = true;
		else if (strchr("+-.eE", *q) == NULL)
			return false;
	}
	return digit;
}

/* A JSON value as one HCL literal. */
static void tfplan_literal(GString *out, const struct doc_node *n, unsigned depth)
{
	if (n == NULL || n->kind == DOC_NULL || depth > DW_LIMIT_DEPTH) {
		g_string_append(out, "null");
	} else if (n->kind == DOC_SCALAR) {
		if (!n->quoted && (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0 ||
		                   tfplan_number(n->text)))
			g_string_append(out, n->text);
		else
			tfplan_quote(out, n->text, n->len);
	} else if (n->kind == DOC_LIST) {
		g_string_append_c(out, '[');
		for (size_t i = 0; i < n->n; i++) {
			if (i > 0)
				g_string_append(out, ", ");
			tfplan_literal(out, n->items[i], depth + 1);
		}
		g_string_append_c(out, ']');
	} else {
		g_string_append_c(out, '{');
		for (size_t i = 0; i < n->n; i++) {
			const char *key = doc_scalar(n->pairs[i].key);

			if (i > 0)
				g_string_append(out, ", ");
			tfplan_quote(out, key ? key : "", key ? strlen(key) : 0);
			g_string_append(out, " = ");
			tfplan_literal(out, n->pairs[i].value, depth + 1);
		}
		g_string_append_c(out, '}');
	}
}

/* Is anything in n (an after_unknown value) true? */
static bool tfplan_any_unknown(const struct doc_node *n, unsigned depth)
{
	if (n == NULL || depth > DW_LIMIT_DEPTH)
		return false;
	if (n->kind == DOC_SCALAR)
		return strcmp(n->text, "true") == 0;
	for (size_t i = 0; n->kind == DOC_LIST && i < n->n; i++) {
		if (tfplan_any_unknown(n->items[i], depth + 1))
			return true;
	}
	for (size_t i = 0; n->kind == DOC_MAP && i < n->n; i++) {
		if (tfplan_any_unknown(n->pairs[i].value, depth + 1))
			return true;
	}
	return false;
}

/* A list of objects: nested blocks, as the provider schemas write them. */
static bool tfplan_is_blocks(const struct doc_node *n)
{
	if (n == NULL || n->kind != DOC_LIST || n->n == 0)
		return false;
	for (size_t i = 0; i < n->n; i++) {
		if (n->items[i]->kind != DOC_MAP)
			return false;
	}
	return true;
}

/* A reference of the configuration as an HCL traversal (TYPE.NAME[.ATTR]), or NULL. */
static const char *tfplan_config_ref(const struct doc_node *config_res, const char *key)
{
	const struct doc_node *refs =
		doc_map_get(doc_map_get(doc_map_get(config_res, "expressions"), key), "references");

	for (size_t i = 0; refs != NULL && refs->kind == DOC_LIST && i < refs->n; i++) {
		const char *r = doc_scalar(refs->items[i]);
		g_auto(GStrv) parts = NULL;
		bool ok;

		if (r == NULL || g_str_has_prefix(r, "var.") || g_str_has_prefix(r, "local.") ||
		    g_str_has_prefix(r, "data.") || g_str_has_prefix(r, "module.") || strlen(r) > 512)
			continue;
		parts = g_strsplit(r, ".", 4);
		ok = g_strv_length(parts) >= 2 && g_strv_length(parts) <= 3;
		for (size_t j = 0; ok && parts[j] != NULL; j++)
			ok = tfplan_identifier(parts[j]);
		if (ok)
			return r;
	}
	return NULL;
}

static bool tfplan_join_key(const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tfplan_join_keys); i++) {
		if (strcmp(key, tfplan_join_keys[i]) == 0)
			return true;
	}
	return false;
}

static void tfplan_body(struct tfplan *p, struct tfplan_module *m, const struct doc_node *values,
                        const struct doc_node *unknown, const struct doc_node *config_res, unsigned depth);

/* One attribute (or its blocks) of a resource body. */
static void tfplan_attribute(struct tfplan *p, struct tfplan_module *m, const char *key,
                             const struct doc_node *v, const struct doc_node *unknown,
                             const struct doc_node *config_res, unsigned depth)
{
	const char *ref = depth == 0 && tfplan_join_key(key) ? tfplan_config_ref(config_res, key) : NULL;

	if (ref != NULL) {
		g_string_append_printf(m->text, "%s = %s", key, ref);
	} else if (tfplan_is_blocks(v) && (unknown == NULL || unknown->kind != DOC_SCALAR)) {
		for (size_t i = 0; i < v->n; i++) {
			const struct doc_node *u = unknown != NULL && unknown->kind == DOC_LIST && i < unknown->n
			                                   ? unknown->items[i]
			                                   : NULL;

			p->line = v->items[i]->line;
			g_string_append_printf(m->text, "%s {", key);
			tfplan_newline(p, m);
			tfplan_body(p, m, v->items[i], u, NULL, depth + 1);
			g_string_append_c(m->text, '}');
			tfplan_newline(p, m);
		}
		return;
	} else if (tfplan_any_unknown(unknown, 0)) {
		g_string_append_printf(m->text, "%s = known_after_apply.%s", key, key);
	} else if (v == NULL || v->kind == DOC_NULL || (v->kind == DOC_LIST && v->n == 0)) {
		return;
	} else {
		g_string_append_printf(m->text, "%s = ", key);
		tfplan_literal(m->text, v, 0);
	}
	tfplan_newline(p, m);
}

/* The attributes of values, and those after_unknown adds. */
static void tfplan_body(struct tfplan *p, struct tfplan_module *m, const struct doc_node *values,
                        const struct doc_node *unknown, const struct doc_node *config_res, unsigned depth)
{
	if (depth > 32)
		return;
	for (size_t i = 0; values != NULL && values->kind == DOC_MAP && i < values->n; i++) {
		const char *key = doc_scalar(values->pairs[i].key);

		if (!tfplan_identifier(key) || strcmp(key, "count") == 0 || strcmp(key, "for_each") == 0)
			continue;
		p->line = values->pairs[i].key->line;
		tfplan_attribute(p, m, key, values->pairs[i].value, doc_map_get(unknown, key), config_res, depth);
	}
	for (size_t i = 0; unknown != NULL && unknown->kind == DOC_MAP && i < unknown->n; i++) {
		const char *key = doc_scalar(unknown->pairs[i].key);

		if (!tfplan_identifier(key) || doc_map_get(values, key) != NULL ||
		    !tfplan_any_unknown(unknown->pairs[i].value, 0))
			continue;
		tfplan_attribute(p, m, key, NULL, unknown->pairs[i].value, config_res, depth);
	}
}

static const struct doc_node *tfplan_config_module(const struct tfplan *p, const char *prefix);

/* The module instance for prefix, created on first use with its configuration's index. */
static struct tfplan_module *tfplan_module_get(struct tfplan *p, const char *prefix)
{
	struct tfplan_module *m = g_hash_table_lookup(p->by_prefix, prefix);
	const struct doc_node *list;

	if (m != NULL)
		return m;
	m = g_new0(struct tfplan_module, 1);
	m->prefix = g_strdup(prefix);
	m->text = g_string_new(NULL);
	m->lines = g_array_new(FALSE, FALSE, sizeof(unsigned));
	m->config = g_hash_table_new(g_str_hash, g_str_equal);
	list = doc_map_get(tfplan_config_module(p, prefix), "resources");
	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
		const char *a = doc_scalar(doc_map_get(list->items[i], "address"));

		if (a != NULL)
			g_hash_table_replace(m->config, (gpointer)a, list->items[i]);
	}
	g_ptr_array_add(p->modules, m);
	g_hash_table_insert(p->by_prefix, m->prefix, m);
	return m;
}

/* "module.a[0].module.b" -> "module.a.module.b.": instances read as one, as the HCL reader does. */
static char *tfplan_prefix(const char *module_address)
{
	GString *s = g_string_new(NULL);
	bool in_index = false;

	for (const char *q = module_address; q != NULL && *q != '\0'; q++) {
		if (*q == '[')
			in_index = true;
		else if (*q == ']')
			in_index = false;
		else if (!in_index)
			g_string_append_c(s, *q);
	}
	if (s->len > 0)
		g_string_append_c(s, '.');
	return g_string_free(s, FALSE);
}

/* The configuration of the module at prefix ("module.a.module.b."), or NULL. */
static const struct doc_node *tfplan_config_module(const struct tfplan *p, const char *prefix)
{
	const struct doc_node *mod = doc_map_get(doc_map_get(p->root, "configuration"), "root_module");
	g_auto(GStrv) parts = g_strsplit(prefix, ".", 64);

	for (size_t i = 0; mod != NULL && parts[i] != NULL && parts[i + 1] != NULL; i += 2) {
		if (strcmp(parts[i], "module") != 0)
			return NULL;
		mod = doc_map_get(doc_map_get(doc_map_get(mod, "module_calls"), parts[i + 1]), "module");
	}
	return mod;
}

/* after_unknown of each change, by address. */
static void tfplan_index_changes(struct tfplan *p)
{
	const struct doc_node *list = doc_map_get(p->root, "resource_changes");

	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
		const char *a = doc_scalar(doc_map_get(list->items[i], "address"));
		const struct doc_node *u = doc_map_get(doc_map_get(list->items[i], "change"), "after_unknown");

		if (a != NULL && u != NULL)
			g_hash_table_replace(p->changes, (gpointer)a, (gpointer)u);
	}
}

/* The HCL label of an instance: NAME, or NAME[KEY] after the first instance of a name. */
static char *tfplan_label(struct tfplan *p, const char *prefix, const char *type, const char *name,
                          const struct doc_node *index)
{
	g_autofree char *key = g_strdup_printf("%s%s.%s", prefix, type, name);
	g_autoptr(GString) label = NULL;

	if (!g_hash_table_contains(p->seen, key)) {
		g_hash_table_add(p->seen, g_steal_pointer(&key));
		return g_strdup(name);
	}
	label = g_string_new(name);
	g_string_append_c(label, '[');
	tfplan_literal(label, index, 0);
	g_string_append_c(label, ']');
	return g_string_free(g_steal_pointer(&label), FALSE);
}

static void tfplan_resource(struct tfplan *p, const char *prefix, const struct doc_node *res)
{
	const char *mode = doc_scalar(doc_map_get(res, "mode"));
	const char *type = doc_scalar(doc_map_get(res, "type"));
	const char *name = doc_scalar(doc_map_get(res, "name"));
	const char *address = doc_scalar(doc_map_get(res, "address"));
	struct tfplan_module *m;
	g_autofree char *label = NULL;
	g_autofree char *rel = NULL;

	if (mode != NULL && strcmp(mode, "managed") != 0)
		return;
	if (!tfplan_identifier(type) || name == NULL || strlen(name) > 256) {
		dw_problems_add(&p->problems, res->line, "a resource without a type and a name");
		return;
	}
	m = tfplan_module_get(p, prefix);
	label = tfplan_label(p, prefix, type, name, doc_map_get(res, "index"));
	rel = g_strdup_printf("%s.%s", type, name);
	p->line = res->line;
	g_string_append_printf(m->text, "resource \"%s\" ", type);
	tfplan_quote(m->text, label, strlen(label));
	g_string_append(m->text, " {");
	tfplan_newline(p, m);
	tfplan_body(p, m, doc_map_get(res, "values"),
	            address != NULL ? g_hash_table_lookup(p->changes, address) : NULL,
	            g_hash_table_lookup(m->config, rel), 0);
	p->line = res->line;
	g_string_append_c(m->text, '}');
	tfplan_newline(p, m);
}

static void tfplan_walk(struct tfplan *p, const struct doc_node *mod, unsigned depth)
{
	const struct doc_node *list = doc_map_get(mod, "resources");
	const struct doc_node *children = doc_map_get(mod, "child_modules");
	g_autofree char *prefix = tfplan_prefix(doc_scalar(doc_map_get(mod, "address")));

	if (depth > 16) {
		dw_problems_add(&p->problems, mod->line, "modules nested deeper than 16");
		return;
	}
	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++)
		tfplan_resource(p, prefix, list->items[i]);
	for (size_t i = 0; children != NULL && children->kind == DOC_LIST && i < children->n; i++)
		tfplan_walk(p, children->items[i], depth + 1);
}

/* The JSON line generated line l came from. */
static unsigned tfplan_line(const struct tfplan_module *m, unsigned l)
{
	return l >= 1 && l <= m->lines->len ? g_array_index(m->lines, unsigned, l - 1) : l;
}

/* Puts a resource, its rules and unknowns on the JSON lines their HCL came from. */
static void tfplan_relines(struct resource *r, const struct tfplan_module *m)
{
	r->line = tfplan_line(m, r->line);
	for (guint j = 0; j < r->rules->len; j++) {
		struct resource_rule *rule = r->rules->pdata[j];

		rule->line = tfplan_line(m, rule->line);
	}
	for (guint j = 0; j < r->unknowns->len; j++) {
		struct resource_unknown *u = r->unknowns->pdata[j];

		u->line = tfplan_line(m, u->line);
	}
}

bool extract_tfplan_shape(const struct doc *d)
{
	const struct doc_node *root = d != NULL && d->roots->len == 1 ? d->roots->pdata[0] : NULL;

	return doc_scalar(doc_map_get(root, "format_version")) != NULL &&
	       (doc_map_get(root, "planned_values") != NULL || doc_map_get(root, "resource_changes") != NULL ||
	        doc_map_get(doc_map_get(root, "values"), "root_module") != NULL);
}

static char *tfplan_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? g_strndup(path, (size_t)(slash - path)) : g_strdup(".");
}

bool extract_tfplan(GPtrArray *out, const struct doc *d, GError **error)
{
	g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func((GDestroyNotify)tfplan_module_free);
	g_autoptr(GHashTable) by_prefix = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) changes = g_hash_table_new(g_str_hash, g_str_equal);
	struct tfplan p = { .path = d->path, .modules = modules, .by_prefix = by_prefix, .seen = seen,
		            .changes = changes };
	const struct doc_node *values;
	g_autofree char *dir = tfplan_dir(d->path);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	if (!extract_tfplan_shape(d))
		return true;
	p.root = d->roots->pdata[0];
	values = doc_map_get(p.root, "planned_values");
	if (values == NULL)
		values = doc_map_get(p.root, "values");
	tfplan_index_changes(&p);
	dw_problems_init(&p.problems, d->path, EXTRACT_MAX_PROBLEMS);
	if (doc_map_get(values, "root_module") == NULL)
		dw_problems_add(&p.problems, p.root->line,
		                "a plan without planned_values.root_module (terraform show -json PLANFILE)");
	else
		tfplan_walk(&p, doc_map_get(values, "root_module"), 0);
	if (!dw_problems_check(&p.problems, error)) {
		dw_problems_clear(&p.problems);
		return false;
	}
	dw_problems_clear(&p.problems);
	/* Module by module: a rule joins a group of its own module only, as in HCL. */
	for (guint i = 0; i < modules->len; i++) {
		const struct tfplan_module *m = modules->pdata[i];
		guint from = found->len;

		if (!extract_tf_plan_module(found, dir, d->path, m->prefix, m->text->str, m->text->len, error))
			return false;
		for (guint j = from; j < found->len; j++)
			tfplan_relines(found->pdata[j], m);
	}
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}

/* Identities a plan gives: the HCL reader's for the same resources are dropped. */
void extract_tfplan_prefer(GPtrArray *resources)
{
	g_autoptr(GHashTable) planned = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < resources->len; i++) {
		const struct resource *r = resources->pdata[i];

		if (g_str_has_prefix(r->identity, "tf:") && g_str_has_suffix(r->file, ".json"))
			g_hash_table_add(planned, r->identity);
	}
	for (guint i = resources->len; i-- > 0;) {
		const struct resource *r = resources->pdata[i];

		if (!g_str_has_suffix(r->file, ".json") && g_hash_table_contains(planned, r->identity))
			g_ptr_array_remove_index(resources, i);
	}
}

bool extract_tfplan_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;

	return g_str_has_suffix(base, ".json") && strstr(base, "plan") != NULL;
}
