/*
 * extract_tf_k8s.c - Terraform's kubernetes provider: kubernetes_service,
 * _ingress, _network_policy, _pod, _deployment, _daemonset, _stateful_set
 * and their _v1 forms. Each is written out as the manifest it creates
 * (snake_case names in camelCase, repeated blocks as lists: "container"
 * blocks are "containers", "port" blocks "ports") and read by the
 * Kubernetes reader (extract_k8s), so it gives the same findings as the
 * YAML would, under the same identity (k8s:KIND/NS/NAME). The JSON is laid
 * out on the .tf file's lines, so findings point into the .tf file.
 */
#include <string.h>

#include "extract_tf_private.h"

static const struct {
	const char *type;       /* without "_v1" */
	const char *api_version;
	const char *kind;
} tf_k8s_kinds[] = {
	{ "kubernetes_service", "v1", "Service" },
	{ "kubernetes_pod", "v1", "Pod" },
	{ "kubernetes_deployment", "apps/v1", "Deployment" },
	{ "kubernetes_daemonset", "apps/v1", "DaemonSet" },
	{ "kubernetes_daemon_set", "apps/v1", "DaemonSet" },
	{ "kubernetes_stateful_set", "apps/v1", "StatefulSet" },
	{ "kubernetes_ingress", "networking.k8s.io/v1", "Ingress" },
	{ "kubernetes_network_policy", "networking.k8s.io/v1", "NetworkPolicy" },
};

/* Blocks that repeat, and the manifest's list each makes. */
static const struct {
	const char *block;
	const char *key;
} tf_k8s_lists[] = {
	{ "container", "containers" }, { "init_container", "initContainers" }, { "port", "ports" },
	{ "ports", "ports" }, { "rule", "rules" }, { "path", "paths" }, { "tls", "tls" },
	{ "ingress", "ingress" }, { "egress", "egress" }, { "from", "from" }, { "to", "to" },
	{ "match_expressions", "matchExpressions" }, { "env", "env" }, { "volume", "volumes" },
	{ "volume_mount", "volumeMounts" }, { "toleration", "tolerations" },
};

struct tf_k8s_out {
	struct tf_ctx *c;
	GString *json;
	unsigned line;       /* the line the JSON is at */
	const char *why;     /* the first value not known, or NULL; borrowed from unknowns */
	char *why_owned;
};

/* The kind of a kubernetes_* type, or -1. */
static int tf_k8s_kind(const char *type)
{
	g_autofree char *base = g_str_has_suffix(type, "_v1") ? g_strndup(type, strlen(type) - 3) : g_strdup(type);

	for (size_t i = 0; i < G_N_ELEMENTS(tf_k8s_kinds); i++) {
		if (strcmp(base, tf_k8s_kinds[i].type) == 0)
			return (int)i;
	}
	return -1;
}

bool tf_k8s_type(const char *type)
{
	return tf_k8s_kind(type) >= 0;
}

/* Moves the JSON down to line, so that what follows is read at that line. */
static void tf_k8s_at(struct tf_k8s_out *o, unsigned line)
{
	for (; o->line < line; o->line++)
		g_string_append_c(o->json, '\n');
}

static void tf_k8s_string(GString *json, const char *s)
{
	g_string_append_c(json, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_printf(json, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			g_string_append_printf(json, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			g_string_append_c(json, *s);
	}
	g_string_append_c(json, '"');
}

/* snake_case to camelCase: "load_balancer_source_ranges" -> "loadBalancerSourceRanges". */
static void tf_k8s_key(GString *json, const char *name)
{
	g_autoptr(GString) key = g_string_new(NULL);

	for (const char *p = name; *p; p++) {
		if (*p == '_' && p[1]) {
			g_string_append_c(key, g_ascii_toupper(p[1]));
			p++;
		} else {
			g_string_append_c(key, *p);
		}
	}
	tf_k8s_string(json, key->str);
	g_string_append_c(json, ':');
}

static bool tf_k8s_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 10;
}

/* A value as JSON; a port written as a string of digits is the number. */
static void tf_k8s_value(struct tf_k8s_out *o, const struct tf_value *v, bool port)
{
	switch (v->kind) {
	case TF_VALUE_BOOL:
		g_string_append(o->json, v->boolean ? "true" : "false");
		break;
	case TF_VALUE_NUMBER:
		g_string_append(o->json, v->text);
		break;
	case TF_VALUE_STRING:
		if (port && tf_k8s_digits(v->text))
			g_string_append(o->json, v->text);
		else
			tf_k8s_string(o->json, v->text);
		break;
	case TF_VALUE_LIST:
	case TF_VALUE_MAP:
		g_string_append_c(o->json, v->kind == TF_VALUE_LIST ? '[' : '{');
		for (guint i = 0; i < v->items->len; i++) {
			if (i)
				g_string_append_c(o->json, ',');
			if (v->keys) {
				tf_k8s_string(o->json, v->keys->pdata[i]);
				g_string_append_c(o->json, ':');
			}
			tf_k8s_value(o, v->items->pdata[i], port);
		}
		g_string_append_c(o->json, v->kind == TF_VALUE_LIST ? ']' : '}');
		break;
	default:
		g_string_append(o->json, "null");
	}
}

static void tf_k8s_body(struct tf_k8s_out *o, const struct hcl_body *body);

/* The list key of a repeated block, or NULL for a block that is one object. */
static const char *tf_k8s_list_key(const char *block)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tf_k8s_lists); i++) {
		if (strcmp(block, tf_k8s_lists[i].block) == 0)
			return tf_k8s_lists[i].key;
	}
	return NULL;
}

/* Every block of body of type as one list. */
static void tf_k8s_list(struct tf_k8s_out *o, const struct hcl_body *body, const char *type)
{
	bool first = true;

	g_string_append_c(o->json, '[');
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];

		if (it->kind != HCL_ITEM_BLOCK || strcmp(it->block.type, type) != 0)
			continue;
		if (!first)
			g_string_append_c(o->json, ',');
		first = false;
		tf_k8s_at(o, it->block.line);
		tf_k8s_body(o, it->block.body);
	}
	g_string_append_c(o->json, ']');
}

/* Was a block of this type already written (as a list) before item i? */
static bool tf_k8s_seen(const struct hcl_body *body, guint i, const char *type)
{
	for (guint j = 0; j < i; j++) {
		const struct hcl_item *it = body->items->pdata[j];

		if (it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, type) == 0)
			return true;
	}
	return false;
}

static void tf_k8s_item(struct tf_k8s_out *o, const struct hcl_body *body, guint i)
{
	const struct hcl_item *it = body->items->pdata[i];
	g_autoptr(tf_value) v = NULL;
	const char *why;

	if (it->kind == HCL_ITEM_BLOCK) {
		const char *list = tf_k8s_list_key(it->block.type);

		tf_k8s_at(o, it->block.line);
		if (strcmp(it->block.type, "dynamic") == 0 && !o->why) {
			o->why = o->why_owned = g_strdup_printf("a dynamic \"%s\" block, not evaluated",
			                                        it->block.labels->len ? (char *)it->block.labels->pdata[0] : "?");
		}
		tf_k8s_key(o->json, list ? list : it->block.type);
		if (list)
			tf_k8s_list(o, body, it->block.type);
		else
			tf_k8s_body(o, it->block.body);
		return;
	}
	tf_k8s_at(o, it->attribute.line);
	v = tf_eval_expr(o->c->ev, it->attribute.expr);
	if ((why = tf_value_unknown(v)) != NULL && !o->why)
		o->why = o->why_owned = g_strdup_printf("%s is %s", it->attribute.name, why);
	tf_k8s_key(o->json, it->attribute.name);
	tf_k8s_value(o, v, g_str_has_suffix(it->attribute.name, "port"));
}

static void tf_k8s_body(struct tf_k8s_out *o, const struct hcl_body *body)
{
	bool first = true;

	g_string_append_c(o->json, '{');
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];

		if (it->kind == HCL_ITEM_BLOCK && tf_k8s_list_key(it->block.type) &&
		    tf_k8s_seen(body, i, it->block.type))
			continue;
		if (!first)
			g_string_append_c(o->json, ',');
		first = false;
		tf_k8s_item(o, body, i);
	}
	g_string_append_c(o->json, '}');
}

/* The manifest of res as JSON, on res's lines; *why_out when a value is not known. */
static char *tf_k8s_manifest(struct tf_ctx *c, const struct hcl_block *res, int kind, char **why_out)
{
	struct tf_k8s_out o = { .c = c, .json = g_string_new(NULL), .line = 1 };

	tf_k8s_at(&o, res->line);
	g_string_append(o.json, "{\"apiVersion\":");
	tf_k8s_string(o.json, tf_k8s_kinds[kind].api_version);
	g_string_append(o.json, ",\"kind\":");
	tf_k8s_string(o.json, tf_k8s_kinds[kind].kind);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];

		if (it->kind != HCL_ITEM_BLOCK || (strcmp(it->block.type, "metadata") != 0 &&
		                                   strcmp(it->block.type, "spec") != 0))
			continue;
		g_string_append_c(o.json, ',');
		tf_k8s_item(&o, res->body, i);
	}
	g_string_append(o.json, "}\n");
	*why_out = o.why_owned;
	return g_string_free(o.json, FALSE);
}

void tf_k8s_resource(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	int kind = tf_k8s_kind(res->labels->pdata[0]);
	g_autofree char *why = NULL;
	g_autofree char *json = tf_k8s_manifest(c, res, kind, &why);
	g_autoptr(doc) d = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *identity = NULL;
	struct resource *r;

	if (!why && doc_parse_json(&d, c->path, json, strlen(json), NULL, &error) &&
	    extract_k8s(c->found, d, &error))
		return;
	/* The manifest could not be read whole: one unknown naming why. */
	identity = tf_identity(c, address);
	r = resource_new(identity, "Kubernetes object", address, c->path, res->line, RESOURCE_SETTINGS);
	g_ptr_array_add(c->found, r);
	resource_add_unknown(r, res->line, "%s: %s", address, why ? why : error->message);
}
