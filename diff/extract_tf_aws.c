/*
 * extract_tf_aws.c - Terraform's AWS provider: aws_security_group (inline
 * "ingress" blocks or the ingress = [{...}] attribute form),
 * aws_security_group_rule and aws_vpc_security_group_ingress_rule (a union
 * of allows), aws_network_acl and aws_network_acl_rule (first match by rule
 * number), and the settings of aws_db_instance, aws_s3_bucket_public_access_block
 * and the OpenSearch/Elasticsearch domains (see extract_tf.c for the
 * semantics followed).
 */
#include <string.h>

#include "extract_tf_private.h"

/* The ports of an AWS rule: ports (from..to) for tcp/udp, all otherwise. */
static bool tf_aws_ports(struct tf_rule *tr, const char *proto_key, unsigned *proto_lo, unsigned *proto_hi,
                         unsigned *port_lo, unsigned *port_hi)
{
	unsigned line = tr->line;
	g_autofree char *proto = tf_rule_string(tr, proto_key, &line);
	gint64 from = -1, to = -1;
	bool from_ok, to_ok;

	*port_lo = 0;
	*port_hi = EXPOSURE_PORT_MAX;
	if (!proto) {
		g_autofree char *missing = g_strdup_printf("no %s", proto_key);

		if (!tr->unknown)
			tf_rule_missing(tr, tr->line, missing);
		return false;
	}
	if (g_ascii_strcasecmp(proto, "all") == 0) {
		g_free(proto);
		proto = g_strdup("-1");
	}
	if (!cfn_parse_protocol(proto, proto_lo, proto_hi)) {
		tf_rule_bad(tr, line, "expected a protocol (-1, all, tcp, udp, icmp, icmpv6, 0..255)", proto);
		return false;
	}
	if (*proto_lo != *proto_hi || !exposure_proto_has_ports(*proto_lo) || *proto_lo == EXPOSURE_PROTO_SCTP)
		return true;
	/* Both are read, so that both get reported when wrong. */
	from_ok = tf_rule_int(tr, "from_port", -1, EXPOSURE_PORT_MAX, true, &from);
	to_ok = tf_rule_int(tr, "to_port", -1, EXPOSURE_PORT_MAX, true, &to);
	if (!from_ok || !to_ok)
		return false;
	if (from >= 0 && to >= 0 && from > to) {
		g_autofree char *range = g_strdup_printf("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, from, to);

		tf_rule_bad(tr, tr->line, "expected from_port <= to_port", range);
		return false;
	}
	if (from >= 0 && to >= 0) {
		*port_lo = (unsigned)from;
		*port_hi = (unsigned)to;
	}
	return true;
}

/*
 * One AWS ingress rule (an inline block or a rule resource) into r.
 * group_atom: the atom "self = true" stands for. A security group is a
 * union of allows, so the sources that are known are a lower bound of what
 * the rule lets in: they are added even when another source attribute is
 * unknown (recorded). A protocol or port that is not known leaves the rule
 * out. A rule with no source at all lets nothing in (AWS: a permission
 * needs a CIDR, a prefix list or a group), so it adds nothing.
 */
static void tf_aws_rule_add(struct tf_rule *tr, const char *proto_key, bool vpc_rule, const char *group_atom)
{
	g_autoptr(srcset) src = srcset_new();
	unsigned proto_lo = 0, proto_hi = 0, port_lo = 0, port_hi = 0;
	bool any = false, ports_ok;

	ports_ok = tf_aws_ports(tr, proto_key, &proto_lo, &proto_hi, &port_lo, &port_hi);
	if (vpc_rule) {
		any |= tf_rule_each(tr, "cidr_ipv4", false, tf_source_cidr, src);
		any |= tf_rule_each(tr, "cidr_ipv6", false, tf_source_cidr, src);
		any |= tf_rule_each(tr, "prefix_list_id", false, tf_source_pl, src);
		any |= tf_rule_each(tr, "referenced_security_group_id", false, tf_source_sg, src);
	} else {
		any |= tf_rule_each(tr, "cidr_blocks", true, tf_source_cidr, src);
		any |= tf_rule_each(tr, "ipv6_cidr_blocks", true, tf_source_cidr, src);
		any |= tf_rule_each(tr, "prefix_list_ids", true, tf_source_pl, src);
		any |= tf_rule_each(tr, "security_groups", true, tf_source_sg, src);
		any |= tf_rule_each(tr, "source_security_group_id", false, tf_source_sg, src);
		if (tf_rule_bool(tr, "self", false)) {
			srcset_add_atom(src, group_atom);
			any = true;
		}
	}
	if (!any || !ports_ok || tr->bad)
		return;
	resource_add_rule(tr->r, tr->address, tr->line, true, 0,
	                  exposure_new_box(proto_lo, proto_hi, port_lo, port_hi, src));
}

static void tf_aws_sg_item(struct tf_rule *tr, void *user_data)
{
	tf_aws_rule_add(tr, "protocol", false, user_data);
}

void tf_aws_security_group(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	g_autofree char *self = g_strconcat("aws-sg:", address, NULL);
	struct resource *r = resource_new(identity, TF_KIND_SG, address, c->path, res->line, RESOURCE_UNION);

	g_ptr_array_add(c->found, r);
	tf_inline_list(c, r, address, res, "ingress", tf_aws_sg_item, self);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "ingress") == 0) {
			struct tf_rule tr = { .c = c, .r = r, .address = address, .body = b->body, .line = b->line };

			tf_aws_rule_add(&tr, "protocol", false, self);
		} else if (strcmp(b->type, "dynamic") == 0 && b->labels->len &&
		           strcmp(b->labels->pdata[0], "ingress") == 0) {
			tf_block_unknown(r, address, b);
		}
	}
}

/* The type of an aws_security_group_rule when it is known, else NULL. */
static char *tf_sg_rule_type(struct tf_ctx *c, const struct hcl_body *body)
{
	const struct hcl_attribute *a = hcl_body_attribute(body, "type");
	g_autoptr(tf_value) v = a ? tf_eval_expr(c->ev, a->expr) : NULL;

	return v && tf_value_text(v) ? g_strdup(tf_value_text(v)) : NULL;
}

void tf_aws_sg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res, bool vpc_rule)
{
	g_autofree char *group = tf_group_ref(c, res->body, "security_group_id", "aws_security_group");
	g_autofree char *self = g_strconcat("aws-sg:", group ? group : address, NULL);
	g_autofree char *type = vpc_rule ? NULL : tf_sg_rule_type(c, res->body);
	struct tf_rule tr = { .c = c, .address = address, .body = res->body, .line = res->line };

	/* An egress rule is no resource of ours. */
	if (type && strcmp(type, "egress") == 0)
		return;
	tr.r = tf_rule_resource(c, address, TF_KIND_SG, group, res->line, RESOURCE_UNION);
	if (!vpc_rule && (!type || strcmp(type, "ingress") != 0)) {
		g_autofree char *again = tf_rule_string(&tr, "type", NULL);

		if (!tr.unknown)
			tf_rule_bad(&tr, res->line, "expected type = \"ingress\" or \"egress\"", type ? type : "nothing");
		return;
	}
	tf_aws_rule_add(&tr, vpc_rule ? "ip_protocol" : "protocol", vpc_rule, self);
}

static void tf_nacl_rule_add(struct tf_rule *tr, bool inline_block)
{
	g_autoptr(srcset) src = srcset_new();
	unsigned proto_lo = 0, proto_hi = 0, port_lo = 0, port_hi = 0, line = tr->line;
	g_autofree char *action = tf_rule_string(tr, inline_block ? "action" : "rule_action", &line);
	gint64 number = 0;
	bool any = false, ports_ok, number_ok;

	number_ok = tf_rule_int(tr, inline_block ? "rule_no" : "rule_number", 1, 32766, true, &number);
	if (action && g_ascii_strcasecmp(action, "allow") != 0 && g_ascii_strcasecmp(action, "deny") != 0)
		tf_rule_bad(tr, line, "expected allow or deny", action);
	else if (!action && !tr->unknown)
		tf_rule_missing(tr, tr->line, "no rule_action (action)");
	ports_ok = tf_aws_ports(tr, "protocol", &proto_lo, &proto_hi, &port_lo, &port_hi);
	any |= tf_rule_each(tr, "cidr_block", false, tf_source_cidr, src);
	any |= tf_rule_each(tr, "ipv6_cidr_block", false, tf_source_cidr, src);
	if (!any && !tr->unknown && !tr->bad)
		tf_rule_missing(tr, tr->line, "no cidr_block or ipv6_cidr_block");
	if (!ports_ok || !number_ok || tr->bad || tr->unknown)
		return;
	resource_add_rule(tr->r, tr->address, tr->line, g_ascii_strcasecmp(action, "allow") == 0, number,
	                  exposure_new_box(proto_lo, proto_hi, port_lo, port_hi, src));
}

static void tf_nacl_item(struct tf_rule *tr, void *user_data)
{
	tf_nacl_rule_add(tr, true);
}

void tf_aws_nacl(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, TF_KIND_NACL, address, c->path, res->line,
	                                  RESOURCE_FIRST_MATCH);

	g_ptr_array_add(c->found, r);
	tf_inline_list(c, r, address, res, "ingress", tf_nacl_item, NULL);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "ingress") == 0) {
			struct tf_rule tr = { .c = c, .r = r, .address = address, .body = b->body, .line = b->line };

			tf_nacl_rule_add(&tr, true);
		} else if (strcmp(b->type, "dynamic") == 0 && b->labels->len &&
		           strcmp(b->labels->pdata[0], "ingress") == 0) {
			tf_block_unknown(r, address, b);
		}
	}
}

void tf_aws_nacl_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *group = tf_group_ref(c, res->body, "network_acl_id", "aws_network_acl");
	struct resource *r = tf_rule_resource(c, address, TF_KIND_NACL, group, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	if (tf_rule_bool(&tr, "egress", false) || tr.unknown || tr.bad)
		return;
	tf_nacl_rule_add(&tr, false);
}

/* aws_db_instance: publicly_accessible (default false). */
void tf_aws_db(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	struct resource *r = tf_settings_resource(c, address, TF_KIND_RDS, res);

	tf_setting_bool(c, r, address, res, "publicly_accessible", "public", false);
}

/* aws_s3_bucket_public_access_block: "on" only when all four blocks are on
 * (each defaults to false). */
void tf_aws_s3_block(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	static const char *const flags[] = { "block_public_acls", "block_public_policy", "ignore_public_acls",
	                                     "restrict_public_buckets" };
	struct resource *r = tf_settings_resource(c, address, TF_KIND_S3, res);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	const char *off = NULL;
	unsigned line = res->line;
	g_autofree char *raw = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
		if (!tf_rule_bool(&tr, flags[i], false) && !off) {
			off = flags[i];
			if (hcl_body_attribute(res->body, flags[i]))
				line = hcl_body_attribute(res->body, flags[i])->line;
		}
	}
	if (tr.unknown || tr.bad)
		return;
	raw = off ? g_strdup_printf("%s = false", off) : g_strdup("all four blocks on");
	resource_add_setting(r, "public_access_block", off ? "off" : "on", raw, line);
}

/* A JSON document (a policy string) as a value; NULL when it does not parse. */
static struct tf_value *tf_json_value(const struct doc_node *n)
{
	struct tf_value *v = g_new0(struct tf_value, 1);

	if (n->kind == DOC_MAP || n->kind == DOC_LIST) {
		v->kind = n->kind == DOC_MAP ? TF_VALUE_MAP : TF_VALUE_LIST;
		v->items = g_ptr_array_new_with_free_func((GDestroyNotify)tf_value_free);
		if (n->kind == DOC_MAP)
			v->keys = g_ptr_array_new_with_free_func(g_free);
		for (size_t i = 0; i < n->n; i++) {
			const struct doc_node *item = n->kind == DOC_MAP ? n->pairs[i].value : n->items[i];

			if (n->kind == DOC_MAP)
				g_ptr_array_add(v->keys, g_strdup(doc_scalar(n->pairs[i].key) ? doc_scalar(n->pairs[i].key) : ""));
			g_ptr_array_add(v->items, tf_json_value(item));
		}
	} else {
		v->kind = doc_scalar(n) ? TF_VALUE_STRING : TF_VALUE_NULL;
		v->text = g_strdup(doc_scalar(n));
	}
	return v;
}

static bool tf_text_is(const struct tf_value *v, const char *text)
{
	return v && tf_value_text(v) && strcmp(tf_value_text(v), text) == 0;
}

/* Principal "*", {"AWS": "*"} or {"AWS": ["*"]}. */
static bool tf_policy_anyone(const struct tf_value *p)
{
	const struct tf_value *aws = p ? tf_value_get(p, "AWS") : NULL;

	if (tf_text_is(p, "*") || tf_text_is(aws, "*"))
		return true;
	for (guint i = 0; aws && aws->kind == TF_VALUE_LIST && i < aws->items->len; i++) {
		if (tf_text_is(aws->items->pdata[i], "*"))
			return true;
	}
	return false;
}

/* Does a policy allow anyone with no IpAddress condition? */
static bool tf_policy_open(const struct tf_value *policy)
{
	const struct tf_value *st = tf_value_get(policy, "Statement");
	guint n = st && st->kind == TF_VALUE_LIST ? st->items->len : st ? 1 : 0;

	for (guint i = 0; i < n; i++) {
		const struct tf_value *s = st->kind == TF_VALUE_LIST ? st->items->pdata[i] : st;
		const struct tf_value *cond = tf_value_get(s, "Condition");

		if (s->kind == TF_VALUE_MAP && tf_text_is(tf_value_get(s, "Effect"), "Allow") &&
		    tf_policy_anyone(tf_value_get(s, "Principal")) &&
		    !(cond && (tf_value_get(cond, "IpAddress") || tf_value_get(cond, "NotIpAddress"))))
			return true;
	}
	return false;
}

/*
 * aws_elasticsearch_domain / aws_opensearch_domain: access_policies (a JSON
 * string, or jsonencode() of an object) open to Principal "*" with no IP
 * condition, outside a VPC ("open"), else "restricted".
 */
void tf_aws_search_domain(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	struct resource *r = tf_settings_resource(c, address, TF_KIND_SEARCH, res);
	const struct hcl_attribute *a = hcl_body_attribute(res->body, "access_policies");
	const struct hcl_expr *e = a ? a->expr : NULL;
	g_autoptr(tf_value) v = NULL;
	g_autoptr(tf_value) policy = NULL;
	const char *why;
	bool in_vpc = false;

	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];

		in_vpc |= it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, "vpc_options") == 0;
	}
	if (!e)
		return;
	if (e->kind == HCL_EXPR_CALL && strcmp(e->call.name, "jsonencode") == 0 && e->call.args->len == 1)
		e = e->call.args->pdata[0];
	tf_eval_set_symbolic_refs(c->ev, true);
	v = tf_eval_expr(c->ev, e);
	tf_eval_set_symbolic_refs(c->ev, false);
	if ((why = tf_value_unknown(v)) != NULL) {
		resource_add_unknown(r, a->line, "%s: access_policies is %s", address, why);
		return;
	}
	if (v->kind == TF_VALUE_STRING) {
		g_autoptr(doc) d = NULL;
		g_autoptr(GError) error = NULL;

		if (!doc_parse_json(&d, c->path, v->text, strlen(v->text), NULL, &error) || d->roots->len != 1) {
			tf_error(c, a->line, "%s: access_policies is not a JSON policy", address);
			return;
		}
		policy = tf_json_value(g_ptr_array_index(d->roots, 0));
	}
	resource_add_setting(r, "access_policy", !in_vpc && tf_policy_open(policy ? policy : v) ? "open" : "restricted",
	                     "access_policies: Principal \"*\" with no IP condition", a->line);
}

/*
 * "Publicly accessible" flags: a public address for the service, so that
 * only its security groups stand between it and the Internet (the setting
 * "public", as for aws_db_instance). Defaults from the AWS provider
 * documentation: aws_rds_cluster_instance and aws_neptune_cluster_instance
 * "Bool to control if instance is publicly accessible. Default is false",
 * aws_mq_broker "Set to false by default" (AWS::AmazonMQ API),
 * aws_dms_replication_instance "(Optional, Default: false)", and
 * aws_redshift_cluster "If true, the cluster can be accessed from a public
 * network. Default is true" (provider 5.x and earlier; 6.0 made it false:
 * the version is not known here, so the wider one is taken).
 */
static const struct {
	const char *type;
	const char *kind;
	bool dflt;
} tf_aws_public_flags[] = {
	{ "aws_rds_cluster_instance", "AWS RDS cluster instance", false },
	{ "aws_neptune_cluster_instance", "AWS Neptune instance", false },
	{ "aws_mq_broker", "Amazon MQ broker", false },
	{ "aws_dms_replication_instance", "AWS DMS replication instance", false },
	{ "aws_redshift_cluster", "AWS Redshift cluster", true },
};

void tf_aws_public_flag(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const char *type = res->labels->pdata[0];

	for (size_t i = 0; i < G_N_ELEMENTS(tf_aws_public_flags); i++) {
		if (strcmp(type, tf_aws_public_flags[i].type) == 0) {
			struct resource *r = tf_settings_resource(c, address, tf_aws_public_flags[i].kind, res);

			tf_setting_bool(c, r, address, res, "publicly_accessible", "public", tf_aws_public_flags[i].dflt);
			return;
		}
	}
}

/*
 * aws_msk_cluster: broker_node_group_info.connectivity_info.public_access
 * type "SERVICE_PROVIDED_EIPS" gives the brokers public addresses;
 * "DISABLED" (the default) does not.
 */
void tf_aws_msk(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *b = tf_body_block(res->body, "broker_node_group_info");
	struct resource *r = tf_settings_resource(c, address, "AWS MSK cluster", res);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .line = res->line };
	g_autofree char *type = NULL;
	unsigned line = res->line;

	b = b ? tf_body_block(b->body, "connectivity_info") : NULL;
	b = b ? tf_body_block(b->body, "public_access") : NULL;
	if (b) {
		tr.body = b->body;
		type = tf_rule_string(&tr, "type", &line);
	}
	if (tr.unknown || tr.bad)
		return;
	resource_add_setting(r, "public", type && strcmp(type, "SERVICE_PROVIDED_EIPS") == 0 ? "on" : "off",
	                     type ? type : "public_access not set (DISABLED)", line);
}

/*
 * aws_db_security_group (EC2-Classic DB security groups): each ingress
 * admits a CIDR or an EC2 security group to the DB instances that use it,
 * on their port, which the group does not name: every TCP port (an allow
 * over-approximates).
 */
void tf_aws_db_security_group(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "AWS DB security group", address, c->path, res->line,
	                                  RESOURCE_UNION);

	g_ptr_array_add(c->found, r);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		struct tf_rule tr = { .c = c, .r = r, .address = address, .line = 0 };
		g_autoptr(srcset) src = NULL;
		bool any = false;

		if (it->kind != HCL_ITEM_BLOCK || strcmp(it->block.type, "ingress") != 0)
			continue;
		tr.body = it->block.body;
		tr.line = it->block.line;
		src = srcset_new();
		any |= tf_rule_each(&tr, "cidr", false, tf_source_cidr, src);
		any |= tf_rule_each(&tr, "security_group_id", false, tf_source_sg, src);
		any |= tf_rule_each(&tr, "security_group_name", false, tf_source_sg, src);
		if (any && !tr.bad)
			resource_add_rule(r, address, tr.line, true, 0,
			                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 0, EXPOSURE_PORT_MAX, src));
	}
}

/*
 * aws_eks_cluster: the Kubernetes API endpoint. vpc_config's
 * endpoint_public_access defaults to true and public_access_cidrs to
 * ["0.0.0.0/0"] (AWS provider and EKS API documentation): HTTPS from those
 * sources, judged as the API server behind it (tcp/6443 in the rule pack).
 */
void tf_aws_eks(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *vpc = tf_body_block(res->body, "vpc_config");
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "AWS EKS API endpoint", address, c->path, res->line,
	                                  RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .line = vpc ? vpc->line : res->line };
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	if (!vpc)
		return;
	tr.body = vpc->body;
	if (!tf_rule_bool(&tr, "endpoint_public_access", true) || tr.unknown || tr.bad)
		return;
	if (!hcl_body_attribute(vpc->body, "public_access_cidrs"))
		srcset_add_v4(src, 0, G_MAXUINT32);
	else if (!tf_rule_each(&tr, "public_access_cidrs", true, tf_source_cidr, src) || tr.bad)
		return;
	resource_add_rule(r, address, tr.line, true, 0, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src));
	resource_set_target(r, 6443, 6443);
}

/*
 * Load balancers (aws_lb, aws_alb): an internet-facing one (internal =
 * false, the default) answers on its listeners' ports from whoever its
 * security groups admit; a network load balancer without security groups
 * from every address, an application one without them has the VPC's
 * default group (a named source). Each listener (aws_lb_listener) is a
 * fragment of its load balancer with the listener's port open to every
 * address; tf_aws_lb_resolve() cuts that down to the groups once the
 * module's groups are complete. Identity: the load balancer's.
 */
struct tf_lb {
	char *identity;
	GPtrArray *groups; /* identities of its aws_security_group resources; char *, owned */
	bool closed;       /* internal, or not known to be internet-facing */
	bool open;         /* no security groups, network load balancer: every address */
};

void tf_lb_free(struct tf_lb *lb)
{
	if (!lb)
		return;
	g_free(lb->identity);
	g_ptr_array_unref(lb->groups);
	g_free(lb);
}

#define TF_LB_DEFAULT_GROUP "aws-sg:vpc-default"

static void tf_aws_lb_group(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	struct tf_lb *lb = user_data;
	const char *text = tf_value_unknown(item) ? tf_value_unknown(item) : tf_value_text(item);

	if (tf_ref_is(item, "aws_security_group") || tf_ref_is(item, "aws_default_security_group")) {
		g_autofree char *address = tf_ref_address(tr->c, item);

		g_ptr_array_add(lb->groups, tf_identity(tr->c, address));
		return;
	}
	if (item->kind == TF_VALUE_REF)
		text = item->text;
	resource_add_unknown(tr->r, line, "%s: security group %s is not declared in this module", tr->address,
	                     text ? text : "(not a string)");
}

/* The load balancer's resource, and what tf_aws_lb_resolve() needs of it. */
static struct resource *tf_aws_lb_new(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, TF_KIND_LB, address, c->path, res->line, RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	struct tf_lb *lb = g_new0(struct tf_lb, 1);
	g_autofree char *type = NULL;

	g_ptr_array_add(c->found, r);
	lb->identity = g_strdup(identity);
	lb->groups = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(c->lbs, lb);
	lb->closed = tf_rule_bool(&tr, "internal", false) || tr.unknown || tr.bad;
	if (lb->closed)
		return r;
	if (hcl_body_attribute(res->body, "security_groups")) {
		tf_rule_each(&tr, "security_groups", true, tf_aws_lb_group, lb);
		/* Groups not known: who gets in is not known either (recorded). */
		lb->closed = lb->groups->len == 0 && (tr.unknown || tr.bad);
		/* An empty list is no groups. */
		if (lb->groups->len > 0 || lb->closed || r->unknowns->len > 0)
			return r;
	}
	type = tf_rule_string(&tr, "load_balancer_type", NULL);
	/* An unknown type may be a network one: the wider reading. */
	lb->open = hcl_body_attribute(res->body, "load_balancer_type") && (!type || strcmp(type, "application") != 0);
	return r;
}

void tf_aws_lb(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	tf_aws_lb_new(c, address, res);
}

/*
 * aws_elb (classic): as aws_lb, its inline listener blocks' lb_port (HTTP,
 * HTTPS, TCP, SSL: all tcp). Without security_groups: in subnets, the
 * VPC's default group; in availability zones only (the default VPC), the
 * group "default_elb_..." AWS makes, which admits the listener ports from
 * anywhere ("Security groups for load balancers in a VPC", ELB Classic
 * guide): every address.
 */
void tf_aws_elb(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	struct resource *r = tf_aws_lb_new(c, address, res);
	struct tf_lb *lb = c->lbs->pdata[c->lbs->len - 1];

	lb->open = !lb->closed && !hcl_body_attribute(res->body, "security_groups") &&
	           !hcl_body_attribute(res->body, "subnets");

	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		struct tf_rule tr = { .c = c, .r = r, .address = address };
		g_autofree char *proto = NULL;
		g_autoptr(srcset) src = NULL;
		gint64 port = 0;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(it->block.type, "dynamic") == 0 && it->block.labels->len &&
		    strcmp(it->block.labels->pdata[0], "listener") == 0)
			tf_block_unknown(r, address, &it->block);
		if (strcmp(it->block.type, "listener") != 0)
			continue;
		tr.body = it->block.body;
		tr.line = it->block.line;
		proto = tf_rule_string(&tr, "lb_protocol", NULL);
		if (proto && g_ascii_strcasecmp(proto, "HTTP") != 0 && g_ascii_strcasecmp(proto, "HTTPS") != 0 &&
		    g_ascii_strcasecmp(proto, "TCP") != 0 && g_ascii_strcasecmp(proto, "SSL") != 0)
			tf_rule_bad(&tr, tr.line, "expected lb_protocol HTTP, HTTPS, TCP or SSL", proto);
		if (!tf_rule_int(&tr, "lb_port", 1, EXPOSURE_PORT_MAX, true, &port) || tr.unknown || tr.bad)
			continue;
		src = srcset_new();
		srcset_add_all_addresses(src);
		resource_add_rule(r, address, tr.line, true, 0, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP,
		                                                                 (unsigned)port, (unsigned)port, src));
	}
}

/* The protocols of a listener: tcp, except UDP, TCP_UDP (both) and GENEVE. */
static bool tf_aws_listener_protos(const char *proto, unsigned *lo, unsigned *hi)
{
	static const char *const tcp[] = { "HTTP", "HTTPS", "TCP", "TLS" };

	*lo = *hi = EXPOSURE_PROTO_TCP;
	for (size_t i = 0; proto && i < G_N_ELEMENTS(tcp); i++) {
		if (g_ascii_strcasecmp(proto, tcp[i]) == 0)
			return true;
	}
	if (!proto)
		return true;
	if (g_ascii_strcasecmp(proto, "UDP") == 0 || g_ascii_strcasecmp(proto, "GENEVE") == 0)
		*lo = *hi = EXPOSURE_PROTO_UDP;
	else if (g_ascii_strcasecmp(proto, "TCP_UDP") == 0)
		*hi = EXPOSURE_PROTO_UDP;
	else
		return false;
	return true;
}

void tf_aws_lb_listener(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *lb = tf_group_ref(c, res->body, "load_balancer_arn", "aws_lb");
	struct resource *r;
	struct tf_rule tr = { .c = c, .address = address, .body = res->body, .line = res->line };
	g_autofree char *proto = NULL;
	g_autoptr(srcset) src = srcset_new();
	unsigned lo, hi, line = res->line;
	gint64 port = 0;

	if (!lb)
		lb = tf_group_ref(c, res->body, "load_balancer_arn", "aws_alb");
	r = tf_rule_resource(c, address, TF_KIND_LB, lb, res->line, RESOURCE_UNION);
	tr.r = r;
	if (!lb) {
		resource_add_unknown(r, res->line, "%s: load_balancer_arn names no load balancer of this module", address);
		return;
	}
	proto = tf_rule_string(&tr, "protocol", &line);
	if (!tf_aws_listener_protos(proto, &lo, &hi)) {
		tf_rule_bad(&tr, line, "expected HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP or GENEVE", proto);
		return;
	}
	if (proto && g_ascii_strcasecmp(proto, "GENEVE") == 0)
		port = 6081;
	else if (!tf_rule_int(&tr, "port", 1, EXPOSURE_PORT_MAX, true, &port))
		return;
	if (tr.unknown || tr.bad)
		return;
	srcset_add_all_addresses(src);
	/* lo..hi is tcp..udp for TCP_UDP: two boxes, not the protocols between. */
	resource_add_rule(r, address, res->line, true, 0,
	                  exposure_new_box(lo, lo, (unsigned)port, (unsigned)port, src));
	if (hi != lo)
		resource_add_rule(r, address, res->line, true, 0,
		                  exposure_new_box(hi, hi, (unsigned)port, (unsigned)port, src));
}

/* The union of what the groups admit; unknowns on r for groups not found. */
static exposure *tf_lb_allowed(struct resource *r, const struct tf_lb *lb, GHashTable *index)
{
	g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (guint i = 0; i < lb->groups->len; i++) {
		const char *id = lb->groups->pdata[i];
		struct resource *g = g_hash_table_lookup(index, id);

		if (g && strcmp(g->kind, TF_KIND_SG) == 0)
			g_ptr_array_add(sets, resource_exposure(g));
		else
			resource_add_unknown(r, r->line, "%s: security group %s is not read here", r->name,
			                     strrchr(id, ':') + 1);
	}
	if (lb->groups->len == 0) {
		g_autoptr(srcset) src = srcset_new();

		srcset_add_atom(src, TF_LB_DEFAULT_GROUP);
		g_ptr_array_add(sets, exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, src));
	}
	return exposure_union_all((const exposure *const *)sets->pdata, sets->len);
}

void tf_aws_lb_resolve(GPtrArray *found, GPtrArray *lbs)
{
	g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = found->len; i-- > 0;) {
		struct resource *r = found->pdata[i];

		g_hash_table_insert(index, r->identity, r);
	}
	for (guint i = 0; i < lbs->len; i++) {
		const struct tf_lb *lb = lbs->pdata[i];
		struct resource *r = g_hash_table_lookup(index, lb->identity);
		g_autoptr(exposure) allowed = NULL;

		if (!r || strcmp(r->kind, TF_KIND_LB) != 0 || lb->open)
			continue;
		g_clear_pointer(&r->exposure_, exposure_free);
		if (lb->closed) {
			g_ptr_array_set_size(r->rules, 0);
			continue;
		}
		allowed = tf_lb_allowed(r, lb, index);
		for (guint j = 0; j < r->rules->len; j++) {
			struct resource_rule *rule = r->rules->pdata[j];
			exposure *cut = extract_cut_ports(allowed, rule->match);

			exposure_free(rule->match);
			rule->match = cut;
		}
	}
}

/*
 * aws_eks_node_group remote_access: SSH (tcp/22) to the nodes from
 * source_security_group_ids, or, with an ec2_ssh_key and no groups, from
 * the Internet: "port 22 on the worker nodes is opened to the Internet
 * (0.0.0.0/0)" (AWS provider and EKS API documentation). No remote_access:
 * nothing.
 */
void tf_aws_eks_node_group(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *ra = tf_body_block(res->body, "remote_access");
	const struct hcl_attribute *ka = ra ? hcl_body_attribute(ra->body, "ec2_ssh_key") : NULL;
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "AWS EKS node group", address, c->path, res->line,
	                                  RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .line = ra ? ra->line : res->line };
	g_autoptr(srcset) src = srcset_new();
	g_autoptr(tf_value) key = ka ? tf_eval_expr(c->ev, ka->expr) : NULL;

	g_ptr_array_add(c->found, r);
	if (!ra)
		return;
	tr.body = ra->body;
	/* What opens the port is that a key is set, not which: a key whose
	 * value is not known is still a key. */
	if (!tf_rule_each(&tr, "source_security_group_ids", true, tf_source_sg, src)) {
		if (tr.unknown || tr.bad || !key || key->kind == TF_VALUE_NULL)
			return;
		srcset_add_v4(src, 0, G_MAXUINT32);
	}
	if (tr.bad || srcset_is_empty(src))
		return;
	resource_add_rule(r, address, tr.line, true, 0, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 22, 22, src));
}
