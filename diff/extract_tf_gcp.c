/*
 * extract_tf_gcp.c - Terraform's Google provider: the
 * google_compute_firewall rules of one network, a first match list by
 * priority (deny first at equal priority), with the network's implied deny.
 */
#include <string.h>

#include "extract_tf_private.h"

bool gcp_parse_protocol(const char *text, unsigned *lo, unsigned *hi)
{
	static const struct {
		const char *name;
		unsigned proto;
	} names[] = {
		{ "tcp", EXPOSURE_PROTO_TCP }, { "udp", EXPOSURE_PROTO_UDP }, { "icmp", EXPOSURE_PROTO_ICMP },
		{ "esp", 50 }, { "ah", 51 }, { "sctp", EXPOSURE_PROTO_SCTP }, { "ipip", 4 },
	};
	gint64 n;

	if (g_ascii_strcasecmp(text, "all") == 0) {
		*lo = 0;
		*hi = EXPOSURE_PROTO_MAX;
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(text, names[i].name) == 0) {
			*lo = *hi = names[i].proto;
			return true;
		}
	}
	if (!tf_parse_int(text, 0, EXPOSURE_PROTO_MAX, &n))
		return false;
	*lo = *hi = (unsigned)n;
	return true;
}

/* One allow { } or deny { } block: what it matches from src. */
static exposure *tf_gcp_match(struct tf_rule *tr, const struct hcl_block *b, const srcset *src)
{
	struct tf_rule part = *tr;
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	unsigned lo = 0, hi = 0, line = b->line;
	g_autofree char *proto = NULL;
	exposure *e;

	part.body = b->body;
	part.line = b->line;
	proto = tf_rule_string(&part, "protocol", &line);
	if (proto && !gcp_parse_protocol(proto, &lo, &hi))
		tf_rule_bad(&part, line, "expected a protocol (all, tcp, udp, icmp, esp, ah, sctp, ipip, 0..255)",
		            proto);
	else if (!proto && !part.unknown)
		tf_rule_missing(&part, b->line, "no protocol");
	if (!tf_rule_each(&part, "ports", true, tf_port_item, ranges)) {
		unsigned all[] = { 0, EXPOSURE_PORT_MAX };

		g_array_append_vals(ranges, all, 2);
	}
	tr->unknown |= part.unknown;
	tr->bad |= part.bad;
	if (tr->bad || tr->unknown)
		return NULL;
	e = tf_ranges_match(lo, hi, ranges, src);
	return e;
}

/* Does a deny apply to every instance and destination of the network? */
static bool tf_gcp_deny_is_wide(struct tf_rule *tr)
{
	static const char *const narrowing[] = { "target_tags", "target_service_accounts", "destination_ranges" };

	for (size_t i = 0; i < G_N_ELEMENTS(narrowing); i++) {
		if (hcl_body_attribute(tr->body, narrowing[i]))
			return false;
	}
	return true;
}

static void tf_gcp_firewall_rules(struct tf_rule *tr, const char *address)
{
	g_autoptr(srcset) src = srcset_new();
	unsigned line = tr->line;
	g_autofree char *direction = tf_rule_string(tr, "direction", &line);
	gint64 priority = 1000;
	bool any = false;

	if (direction && strcmp(direction, "EGRESS") == 0)
		return;
	if (direction && strcmp(direction, "INGRESS") != 0)
		tf_rule_bad(tr, line, "expected INGRESS or EGRESS", direction);
	if (tf_rule_bool(tr, "disabled", false))
		return;
	tf_rule_int(tr, "priority", 0, 65535, false, &priority);
	any |= tf_rule_each(tr, "source_ranges", true, tf_source_cidr, src);
	for (size_t k = 0; k < 2; k++) {
		static const char *const keys[] = { "source_tags", "source_service_accounts" };
		static const char *const prefixes[] = { "gcp-tag:", "gcp-sa:" };
		unsigned at = tr->line;
		g_autoptr(tf_value) v = tf_rule_get(tr, keys[k], &at);

		for (guint i = 0; v && v->kind == TF_VALUE_LIST && i < v->items->len; i++) {
			tf_source_atom(tr, v->items->pdata[i], prefixes[k], at, src);
			any = true;
		}
		if (v && v->kind != TF_VALUE_LIST) {
			g_autofree char *what = g_strdup_printf("expected a list for %s", keys[k]);

			tf_rule_bad(tr, at, what, tf_value_kind_name(v));
		}
	}
	/* An ingress rule that names no source admits every IPv4 address. */
	if (!any && !tr->unknown)
		srcset_add_v4(src, 0, G_MAXUINT32);
	for (guint i = 0; i < tr->body->items->len; i++) {
		const struct hcl_item *it = tr->body->items->pdata[i];
		bool allow = it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, "allow") == 0;
		exposure *match;

		if (it->kind != HCL_ITEM_BLOCK || (!allow && strcmp(it->block.type, "deny") != 0))
			continue;
		match = tf_gcp_match(tr, &it->block, src);
		if (!match)
			continue;
		if (!allow && !tf_gcp_deny_is_wide(tr)) {
			exposure_free(match);
			continue;
		}
		/* Deny wins at equal priority: it sorts first. */
		resource_add_rule(tr->r, address, it->block.line, allow, priority * 2 + (allow ? 1 : 0), match);
	}
}

/* The network a firewall guards: a google_compute_network of the module,
 * else the network as written ("default"). NULL when not known. */
static char *tf_gcp_network(struct tf_ctx *c, const struct hcl_body *body, char **why_out)
{
	const struct hcl_attribute *a = hcl_body_attribute(body, "network");
	g_autoptr(tf_value) v = a ? tf_eval_expr(c->ev, a->expr) : NULL;
	const char *text;

	if (!v)
		return NULL;
	if (tf_ref_is(v, "google_compute_network"))
		return tf_ref_address(c, v);
	if ((text = tf_value_text(v)) != NULL) {
		const char *slash = strrchr(text, '/');
		const char *name = slash ? slash + 1 : text;
		const char *address = g_hash_table_lookup(c->networks, name);

		/* A network of the module named by its name is that network. */
		return address ? g_strdup(address) : g_strconcat("network:", name, NULL);
	}
	*why_out = g_strdup(tf_value_unknown(v) ? tf_value_unknown(v) : "not a network");
	return NULL;
}

void tf_gcp_firewall(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *why = NULL;
	g_autofree char *network = tf_gcp_network(c, res->body, &why);
	struct resource *r = tf_rule_resource(c, address, TF_KIND_GCP, network, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	if (why)
		resource_add_unknown(r, res->line, "%s: network is %s", address, why);
	tf_gcp_firewall_rules(&tr, address);
}

void tf_gcp_network_resource(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);

	/* Implied rules: deny all ingress, at the lowest priority. */
	g_ptr_array_add(c->found, resource_new(identity, TF_KIND_GCP, address, c->path, res->line,
	                                       RESOURCE_FIRST_MATCH));
}

/*
 * google_sql_database_instance: with a public IPv4 address
 * (settings.ip_configuration.ipv4_enabled, default true), each
 * authorized_networks value is admitted to the database's port, named by
 * database_version (POSTGRES_*, MYSQL_*, SQLSERVER_*).
 */
static bool tf_gcp_sql_port(const char *version, unsigned *port)
{
	static const struct {
		const char *prefix;
		unsigned port;
	} engines[] = { { "POSTGRES", 5432 }, { "MYSQL", 3306 }, { "SQLSERVER", 1433 } };

	for (size_t i = 0; version && i < G_N_ELEMENTS(engines); i++) {
		if (g_str_has_prefix(version, engines[i].prefix)) {
			*port = engines[i].port;
			return true;
		}
	}
	return false;
}

void tf_gcp_sql_instance(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *settings = tf_body_block(res->body, "settings");
	const struct hcl_block *ip = settings ? tf_body_block(settings->body, "ip_configuration") : NULL;
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "Cloud SQL instance", address, c->path, res->line, RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	g_autofree char *version = NULL;
	unsigned port = 0, line = res->line;

	g_ptr_array_add(c->found, r);
	if (!ip)
		return;
	version = tf_rule_string(&tr, "database_version", &line);
	tr.body = ip->body;
	tr.line = ip->line;
	if (!tf_rule_bool(&tr, "ipv4_enabled", true) || tr.unknown || tr.bad)
		return;
	if (version && !tf_gcp_sql_port(version, &port))
		tf_rule_bad(&tr, line, "expected a database_version (POSTGRES_*, MYSQL_*, SQLSERVER_*)", version);
	for (guint i = 0; i < ip->body->items->len; i++) {
		const struct hcl_item *it = ip->body->items->pdata[i];
		struct tf_rule net = tr;
		g_autoptr(srcset) src = NULL;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(it->block.type, "dynamic") == 0 && it->block.labels->len &&
		    strcmp(it->block.labels->pdata[0], "authorized_networks") == 0)
			tf_block_unknown(r, address, &it->block);
		if (strcmp(it->block.type, "authorized_networks") != 0)
			continue;
		net.body = it->block.body;
		net.line = it->block.line;
		net.unknown = net.bad = false;
		src = srcset_new();
		if (tf_rule_each(&net, "value", false, tf_source_cidr, src) && !net.bad && !tr.bad && version)
			resource_add_rule(r, address, net.line, true, 0,
			                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, port, port, src));
	}
}

/*
 * google_container_cluster: the GKE control plane's public endpoint,
 * unless private_cluster_config.enable_private_endpoint. Without a
 * master_authorized_networks_config block any address may connect; with
 * one, its cidr_blocks (none: no public address may). HTTPS, judged as the
 * API server behind it (tcp/6443).
 */
void tf_gcp_gke(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *priv = tf_body_block(res->body, "private_cluster_config");
	const struct hcl_block *man = tf_body_block(res->body, "master_authorized_networks_config");
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "GKE API endpoint", address, c->path, res->line, RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .line = res->line };
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	if (priv) {
		tr.body = priv->body;
		if (tf_rule_bool(&tr, "enable_private_endpoint", false) || tr.unknown || tr.bad)
			return;
	}
	if (!man) {
		srcset_add_v4(src, 0, G_MAXUINT32);
	} else {
		for (guint i = 0; i < man->body->items->len; i++) {
			const struct hcl_item *it = man->body->items->pdata[i];
			struct tf_rule net = { .c = c, .r = r, .address = address, .line = it->block.line };

			if (it->kind != HCL_ITEM_BLOCK)
				continue;
			if (strcmp(it->block.type, "dynamic") == 0) {
				tf_block_unknown(r, address, &it->block);
				continue;
			}
			if (strcmp(it->block.type, "cidr_blocks") != 0)
				continue;
			net.body = it->block.body;
			tf_rule_each(&net, "cidr_block", false, tf_source_cidr, src);
		}
	}
	resource_add_rule(r, address, man ? man->line : res->line, true, 0,
	                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src));
	resource_set_target(r, 6443, 6443);
}
