/*
 * extract_svcyaml.c - the YAML service configs besides elasticsearch.yml:
 * mongod.conf and kibana.yml, one settings resource per directory
 * ("mongodb:DIR", "kibana:DIR"), normalised as extract.h says.
 *
 * Settings may be flat ("net.bindIp: x") or nested (net: {bindIp: x});
 * they are flattened to dotted keys first, as extract_es.c does.
 *
 * mongod.conf ("Configuration File Options"), defaults since MongoDB 3.6:
 *   bind  net.bindIpAll true: all; else net.bindIp, a comma-separated
 *         list; unset: localhost.
 *   auth  security.authorization enabled/disabled; unset: disabled,
 *         unless security.keyFile or security.clusterAuthMode is set,
 *         which turn it on ("Enforce Keyfile Access Control").
 *   A value from "__exec"/"__rest" expansion is an unknown; so is a key
 *   set twice (the YAML reader mongod uses does not say which it takes).
 * kibana.yml:
 *   bind  server.host; unset: localhost.
 *   auth  xpack.security.enabled (Kibana 7 and older; 8 follows
 *         Elasticsearch); unset: not recorded, as for elasticsearch.yml.
 *   A "${VAR}" value is an unknown; a key set twice is an error, as
 *   Kibana's YAML reader refuses it.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"

struct svcyaml_leaf {
	char *key;                      /* dotted; owned */
	const struct doc_node *keynode;
	const struct doc_node *value;
};

struct svcyaml_ctx {
	bool mongo;
	struct resource *r;
	GHashTable *leaves;  /* dotted key -> struct svcyaml_leaf *, owned */
	struct dw_problems problems;
};

static void svcyaml_leaf_free(void *p)
{
	struct svcyaml_leaf *leaf = p;

	g_free(leaf->key);
	g_free(leaf);
}

/* A mongod expansion directive: a map holding __exec or __rest. */
static bool svcyaml_is_expansion(const struct doc_node *map)
{
	for (size_t i = 0; i < map->n; i++) {
		const char *name = doc_scalar(map->pairs[i].key);

		if (name != NULL && (strcmp(name, "__exec") == 0 || strcmp(name, "__rest") == 0))
			return true;
	}
	return false;
}

static void svcyaml_flatten(struct svcyaml_ctx *c, const struct doc_node *map, const char *prefix)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct doc_pair *p = &map->pairs[i];
		const char *name = doc_scalar(p->key);
		g_autofree char *key = NULL;
		struct svcyaml_leaf *leaf, *old;

		if (name == NULL) {
			dw_problems_add(&c->problems, p->key->line, "expected a setting name");
			continue;
		}
		key = prefix != NULL ? g_strconcat(prefix, ".", name, NULL) : g_strdup(name);
		if (p->value->kind == DOC_MAP && !(c->mongo && svcyaml_is_expansion(p->value))) {
			svcyaml_flatten(c, p->value, key);
			continue;
		}
		old = g_hash_table_lookup(c->leaves, key);
		if (old != NULL) {
			g_autofree char *quoted = extract_quote(key);

			if (c->mongo)
				resource_add_unknown(c->r, p->key->line, "%s is set twice (also on line %u)", quoted,
				                     old->keynode->line);
			else
				dw_problems_add(&c->problems, p->key->line,
				                "%s is set twice (also on line %u)", quoted,
				                old->keynode->line);
			continue;
		}
		leaf = g_new0(struct svcyaml_leaf, 1);
		leaf->key = g_steal_pointer(&key);
		leaf->keynode = p->key;
		leaf->value = p->value;
		g_hash_table_insert(c->leaves, leaf->key, leaf);
	}
}

/* The scalar text of a leaf; NULL (with an unknown or an error) when it
 * cannot be read. */
static const char *svcyaml_text(struct svcyaml_ctx *c, const struct svcyaml_leaf *leaf)
{
	const char *text = doc_scalar(leaf->value);
	g_autofree char *quoted = NULL;

	if (leaf->value->kind == DOC_MAP) {
		resource_add_unknown(c->r, leaf->keynode->line, "%s is computed by __exec or __rest, not evaluated",
		                     leaf->key);
		return NULL;
	}
	if (text == NULL) {
		dw_problems_add(&c->problems, leaf->value->line, "%s: expected a value, got a %s",
		                leaf->key, leaf->value->kind == DOC_LIST ? "list" : "null");
		return NULL;
	}
	if (!c->mongo && strstr(text, "${") != NULL) {
		quoted = extract_quote(text);
		resource_add_unknown(c->r, leaf->keynode->line, "%s is %s, set from the environment", leaf->key,
		                     quoted);
		return NULL;
	}
	return text;
}

static char *svcyaml_raw(const struct svcyaml_leaf *leaf, const char *text)
{
	return g_strdup_printf("%s: %s", leaf->key, text);
}

/* true/false: 1/0; else an error and -1. */
static int svcyaml_bool(struct svcyaml_ctx *c, const struct svcyaml_leaf *leaf, const char *text)
{
	g_autofree char *quoted = NULL;

	if (g_ascii_strcasecmp(text, "true") == 0)
		return 1;
	if (g_ascii_strcasecmp(text, "false") == 0)
		return 0;
	quoted = extract_quote(text);
	dw_problems_add(&c->problems, leaf->value->line, "%s: expected true or false, got \"%s\"",
	                leaf->key, quoted);
	return -1;
}

static void svcyaml_mongo(struct svcyaml_ctx *c)
{
	const struct svcyaml_leaf *all = g_hash_table_lookup(c->leaves, "net.bindIpAll");
	const struct svcyaml_leaf *ip = g_hash_table_lookup(c->leaves, "net.bindIp");
	const struct svcyaml_leaf *authz = g_hash_table_lookup(c->leaves, "security.authorization");
	const struct svcyaml_leaf *key = g_hash_table_lookup(c->leaves, "security.keyFile");
	const struct svcyaml_leaf *cluster = g_hash_table_lookup(c->leaves, "security.clusterAuthMode");
	const char *text = NULL;
	int all_value = 0;

	/* net.bindIpAll true wins over net.bindIp; unreadable, nothing is known. */
	if (all != NULL)
		all_value = (text = svcyaml_text(c, all)) != NULL ? svcyaml_bool(c, all, text) : -1;
	if (all_value == 1) {
		g_autofree char *raw = svcyaml_raw(all, text);

		resource_add_setting(c->r, "bind", "all", raw, all->keynode->line);
	} else if (all_value == 0 && ip == NULL) {
		resource_add_setting(c->r, "bind", "loopback", "net.bindIp not set (default localhost)", 0);
	} else if (all_value == 0 && (text = svcyaml_text(c, ip)) != NULL) {
		g_autofree char *raw = svcyaml_raw(ip, text);

		resource_add_setting(c->r, "bind", extract_bind_names[extract_bind_list(text)], raw, ip->keynode->line);
	}
	if (authz != NULL) {
		g_autofree char *raw = NULL;

		if ((text = svcyaml_text(c, authz)) == NULL)
			return;
		if (strcmp(text, "enabled") != 0 && strcmp(text, "disabled") != 0) {
			g_autofree char *q = extract_quote(text);

			dw_problems_add(
			        &c->problems, authz->value->line,
			        "security.authorization: expected enabled or disabled, got \"%s\"",
			        q);
			return;
		}
		raw = svcyaml_raw(authz, text);
		resource_add_setting(c->r, "auth", strcmp(text, "enabled") == 0 ? "on" : "off", raw,
		                     authz->keynode->line);
	} else if (key != NULL || cluster != NULL) {
		const struct svcyaml_leaf *by = key != NULL ? key : cluster;
		g_autofree char *raw = g_strdup_printf("%s set (implies authorization)", by->key);

		resource_add_setting(c->r, "auth", "on", raw, by->keynode->line);
	} else {
		resource_add_setting(c->r, "auth", "off", "security.authorization not set (default disabled)", 0);
	}
}

static void svcyaml_kibana(struct svcyaml_ctx *c)
{
	const struct svcyaml_leaf *host = g_hash_table_lookup(c->leaves, "server.host");
	const struct svcyaml_leaf *sec = g_hash_table_lookup(c->leaves, "xpack.security.enabled");
	const char *text;

	if (host == NULL) {
		resource_add_setting(c->r, "bind", "loopback", "server.host not set (default localhost)", 0);
	} else if ((text = svcyaml_text(c, host)) != NULL) {
		g_autofree char *raw = svcyaml_raw(host, text);

		resource_add_setting(c->r, "bind", extract_bind_names[extract_bind_list(text)], raw, host->keynode->line);
	}
	if (sec != NULL && (text = svcyaml_text(c, sec)) != NULL) {
		int v = svcyaml_bool(c, sec, text);
		g_autofree char *raw = svcyaml_raw(sec, text);

		if (v >= 0)
			resource_add_setting(c->r, "auth", v ? "on" : "off", raw, sec->keynode->line);
	}
}

bool extract_svc_yaml(GPtrArray *out, const struct doc *d, const char *service, GError **error)
{
	bool mongo = strcmp(service, "mongodb") == 0;
	g_autofree char *dir = g_path_get_dirname(d->path);
	g_autofree char *identity = g_strconcat(service, ":", dir, NULL);
	g_autoptr(GHashTable) leaves = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, svcyaml_leaf_free);
	struct svcyaml_ctx c = { .mongo = mongo, .leaves = leaves };

	g_return_val_if_fail(mongo || strcmp(service, "kibana") == 0, false);
	c.r = resource_new(identity, mongo ? "MongoDB" : "Kibana", d->path, d->path, 1, RESOURCE_SETTINGS);
	c.r->service = mongo ? "mongodb" : "kibana";
	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = g_ptr_array_index(d->roots, i);

		if (root->kind == DOC_MAP)
			svcyaml_flatten(&c, root, NULL);
		else if (root->kind != DOC_NULL)
			dw_problems_add(&c.problems, root->line, "expected a map of settings");
	}
	if (mongo)
		svcyaml_mongo(&c);
	else
		svcyaml_kibana(&c);
	return extract_finish_one(out, c.r, &c.problems, error);
}
