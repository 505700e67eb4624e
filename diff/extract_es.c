/*
 * extract_es.c - elasticsearch.yml and opensearch.yml: whether clients
 * must authenticate and which addresses the node listens on.
 *
 * Settings may be flat ("xpack.security.enabled: false"), nested
 * (xpack: {security: {enabled: false}}) or mixed; they are flattened to
 * dotted keys first. As Elasticsearch does ("duplicate settings key"), a
 * key set twice is an error, so a later copy cannot hide behind an earlier
 * one. A string value with commas is a list, as Settings.getAsList reads it.
 *
 * Recorded, normalised (extract.h):
 *   auth  xpack.security.enabled (Elasticsearch);
 *         plugins.security.disabled, else opendistro_security.disabled
 *         (OpenSearch), inverted.
 *   bind  the wider of the HTTP and the transport bind address, each
 *         resolved as the "Network settings" page describes:
 *         http.bind_host > http.host > network.bind_host > network.host,
 *         transport.bind_host > transport.host > network.bind_host >
 *         network.host. Both matter: 9300 open to the world is as bad as
 *         9200.
 * A value taken from the environment ("${ES_HOST}") is an unknown.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"


/* One setting after flattening. */
struct es_leaf {
	char *key;                     /* dotted; owned */
	const struct doc_node *keynode; /* where it is written */
	const struct doc_node *value;
};

struct es_ctx {
	const struct doc *d;
	struct resource *r;
	GHashTable *leaves;  /* dotted key -> struct es_leaf *, owned */
	struct dw_problems problems;
};

static void es_leaf_free(void *p)
{
	struct es_leaf *leaf = p;

	g_free(leaf->key);
	g_free(leaf);
}

/* Flattens map into dotted keys under prefix (NULL at the top). */
static void es_flatten(struct es_ctx *c, const struct doc_node *map, const char *prefix)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct doc_pair *p = &map->pairs[i];
		const char *name = doc_scalar(p->key);
		g_autofree char *key = NULL;
		struct es_leaf *leaf, *old;

		if (name == NULL) {
			dw_problems_add(&c->problems, p->key->line, "expected a setting name");
			continue;
		}
		key = prefix != NULL ? g_strconcat(prefix, ".", name, NULL) : g_strdup(name);
		if (p->value->kind == DOC_MAP) {
			es_flatten(c, p->value, key);
			continue;
		}
		old = g_hash_table_lookup(c->leaves, key);
		if (old != NULL) {
			g_autofree char *quoted = extract_quote(key);

			dw_problems_add(&c->problems, p->key->line,
			                "%s is set twice (also on line %u)", quoted,
			                old->keynode->line);
			continue;
		}
		leaf = g_new0(struct es_leaf, 1);
		leaf->key = g_steal_pointer(&key);
		leaf->keynode = p->key;
		leaf->value = p->value;
		g_hash_table_insert(c->leaves, leaf->key, leaf);
	}
}

/* "key: value" as written, for raw. */
static char *es_raw(const struct es_leaf *leaf)
{
	GString *s = g_string_new(leaf->key);

	g_string_append(s, ": ");
	if (leaf->value->kind == DOC_LIST) {
		g_string_append_c(s, '[');
		for (size_t i = 0; i < leaf->value->n; i++) {
			const char *item = doc_scalar(leaf->value->items[i]);

			g_string_append_printf(s, "%s%s", i > 0 ? ", " : "", item != NULL ? item : "null");
		}
		g_string_append_c(s, ']');
	} else if (doc_scalar(leaf->value) != NULL) {
		g_string_append(s, doc_scalar(leaf->value));
	}
	return g_string_free(s, FALSE);
}

/* A value from the environment cannot be known here. */
static bool es_from_env(struct es_ctx *c, const struct es_leaf *leaf, const char *text)
{
	g_autofree char *quoted = NULL;

	if (strstr(text, "${") == NULL)
		return false;
	quoted = extract_quote(text);
	resource_add_unknown(c->r, leaf->keynode->line, "%s is %s, set from the environment", leaf->key,
	                     quoted);
	return true;
}

/* ---- auth ------------------------------------------------------------- */

/* true/false, as a YAML boolean or a string; -1 when malformed or unknown. */
static int es_bool(struct es_ctx *c, const struct es_leaf *leaf)
{
	const char *text = doc_scalar(leaf->value);
	g_autofree char *quoted = NULL;

	if (text != NULL && es_from_env(c, leaf, text))
		return -1;
	if (text != NULL && g_ascii_strcasecmp(text, "true") == 0)
		return 1;
	if (text != NULL && g_ascii_strcasecmp(text, "false") == 0)
		return 0;
	if (text == NULL) {
		dw_problems_add(&c->problems, leaf->value->line,
		                "%s: expected true or false, got a %s", leaf->key,
		                leaf->value->kind == DOC_LIST ? "list" : "null");
		return -1;
	}
	quoted = extract_quote(text);
	dw_problems_add(&c->problems, leaf->value->line, "%s: expected true or false, got \"%s\"",
	                leaf->key, quoted);
	return -1;
}

static void es_auth(struct es_ctx *c, const char *service)
{
	static const char *const keys_es[] = { "xpack.security.enabled", NULL };
	static const char *const keys_os[] = { "plugins.security.disabled", "opendistro_security.disabled", NULL };
	bool opensearch = strcmp(service, "opensearch") == 0;
	const char *const *keys = opensearch ? keys_os : keys_es;

	for (size_t i = 0; keys[i] != NULL; i++) {
		const struct es_leaf *leaf = g_hash_table_lookup(c->leaves, keys[i]);
		g_autofree char *raw = NULL;
		int value;

		if (leaf == NULL)
			continue;
		value = es_bool(c, leaf);
		if (value < 0)
			return;
		/* OpenSearch names the opposite: security *disabled*. */
		if (opensearch)
			value = !value;
		raw = es_raw(leaf);
		resource_add_setting(c->r, "auth", value ? "on" : "off", raw, leaf->keynode->line);
		return;
	}
}

/* ---- bind ------------------------------------------------------------- */

/* One address or special value of network.host and friends. */
static enum extract_bind es_bind_value(const char *value)
{
	g_autofree char *text = g_strstrip(g_strdup(value));
	size_t n = strlen(text);

	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		text[n - 1] = '\0';
		memmove(text, text + 1, n - 1);
		n -= 2;
	}
	/* Special values "_local_", "_site:ipv4_", "_eth0_" (an interface). */
	if (n >= 2 && text[0] == '_' && text[n - 1] == '_') {
		if (g_str_has_prefix(text, "_local_") || g_str_has_prefix(text, "_local:"))
			return EXTRACT_BIND_LOOPBACK;
		if (g_str_has_prefix(text, "_site_") || g_str_has_prefix(text, "_site:") ||
		    g_str_has_prefix(text, "_global_") || g_str_has_prefix(text, "_global:"))
			return EXTRACT_BIND_ALL;
		return EXTRACT_BIND_SPECIFIC;
	}
	return extract_bind_address(text);
}

/* The widest address in a setting: a scalar (commas separate a list) or a
 * list of scalars. EXTRACT_BIND_NONE with *unknown when not known. */
static enum extract_bind es_bind_leaf(struct es_ctx *c, const struct es_leaf *leaf, bool *unknown)
{
	enum extract_bind widest = EXTRACT_BIND_NONE;
	size_t n = leaf->value->kind == DOC_LIST ? leaf->value->n : 1;

	for (size_t i = 0; i < n; i++) {
		const struct doc_node *item = leaf->value->kind == DOC_LIST ? leaf->value->items[i] : leaf->value;
		const char *text = doc_scalar(item);
		g_auto(GStrv) parts = NULL;

		if (item->kind == DOC_NULL)
			continue;
		if (text == NULL) {
			dw_problems_add(&c->problems, item->line,
			                "%s: expected an address or a list of addresses",
			                leaf->key);
			return EXTRACT_BIND_NONE;
		}
		if (es_from_env(c, leaf, text)) {
			*unknown = true;
			return EXTRACT_BIND_NONE;
		}
		parts = g_strsplit(text, ",", -1);
		for (size_t j = 0; parts[j] != NULL; j++)
			widest = MAX(widest, es_bind_value(parts[j]));
	}
	return widest;
}

/* The first of keys that is set. */
static const struct es_leaf *es_first(struct es_ctx *c, const char *const *keys)
{
	for (size_t i = 0; keys[i] != NULL; i++) {
		const struct es_leaf *leaf = g_hash_table_lookup(c->leaves, keys[i]);

		if (leaf != NULL)
			return leaf;
	}
	return NULL;
}

static void es_bind(struct es_ctx *c)
{
	static const char *const http[] = {
		"http.bind_host", "http.host", "network.bind_host", "network.host", NULL,
	};
	static const char *const transport[] = {
		"transport.bind_host", "transport.host", "network.bind_host", "network.host", NULL,
	};
	const struct es_leaf *leaves[2] = { es_first(c, http), es_first(c, transport) };
	const struct es_leaf *widest_leaf = NULL;
	enum extract_bind widest = EXTRACT_BIND_NONE;
	bool unknown = false;
	g_autofree char *raw = NULL;

	for (size_t i = 0; i < 2; i++) {
		enum extract_bind b;

		if (leaves[i] == NULL || (i == 1 && leaves[1] == leaves[0]))
			continue;
		b = es_bind_leaf(c, leaves[i], &unknown);
		if (b > widest) {
			widest = b;
			widest_leaf = leaves[i];
		}
	}
	/* An address from the environment might be the widest of all. */
	if (unknown || widest_leaf == NULL)
		return;
	raw = es_raw(widest_leaf);
	resource_add_setting(c->r, "bind", extract_bind_names[widest], raw, widest_leaf->keynode->line);
}

bool extract_es(GPtrArray *out, const struct doc *d, const char *service, GError **error)
{
	bool opensearch = strcmp(service, "opensearch") == 0;
	g_autofree char *dir = g_path_get_dirname(d->path);
	g_autofree char *identity = g_strconcat("elasticsearch:", dir, NULL);
	g_autoptr(GHashTable) leaves = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, es_leaf_free);
	struct es_ctx c = { .d = d, .leaves = leaves };

	g_return_val_if_fail(opensearch || strcmp(service, "elasticsearch") == 0, false);
	c.r = resource_new(identity, opensearch ? "OpenSearch" : "Elasticsearch", d->path, d->path, 1,
	                   RESOURCE_SETTINGS);
	c.r->service = opensearch ? "opensearch" : "elasticsearch";
	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = g_ptr_array_index(d->roots, i);

		if (root->kind == DOC_MAP)
			es_flatten(&c, root, NULL);
		else if (root->kind != DOC_NULL)
			dw_problems_add(&c.problems, root->line, "expected a map of settings");
	}
	es_auth(&c, c.r->service);
	es_bind(&c);
	return extract_finish_one(out, c.r, &c.problems, error);
}
