/*
 * extract_tf.c - Terraform modules: a directory's .tf files (and its
 * .tfvars) read as one unit, since a module's resources, variables and
 * locals may sit in any of its files.
 *
 * Follows the AWS, AzureRM and Google provider documentation:
 * - aws_security_group (inline "ingress" blocks), aws_security_group_rule
 *   (type = "ingress") and aws_vpc_security_group_ingress_rule: a union of
 *   allows. Protocol "-1"/"all" is every protocol and port; for protocols
 *   other than tcp, udp and sctp ports are ICMP types and not modelled.
 *   security_groups, source_security_group_id, referenced_security_group_id
 *   and prefix_list_ids are atoms, as is self = true (the group itself).
 * - aws_network_acl (inline "ingress") and aws_network_acl_rule
 *   (egress = false): first match by rule number, implicit deny.
 * - azurerm_network_security_group (inline "security_rule") and
 *   azurerm_network_security_rule: first match by priority, with Azure's
 *   default rules; as for ARM, a deny counts only when it covers every
 *   destination and source port.
 * - google_compute_firewall: the firewalls of one network form a first
 *   match list by priority, deny before allow at equal priority, implied
 *   deny; disabled rules and EGRESS rules are ignored; source_tags and
 *   source_service_accounts are atoms; an ingress rule with no source
 *   admits 0.0.0.0/0. A deny limited to some targets denies nothing as a
 *   whole, as for Azure.
 *
 * Identity: "tf:DIR:ADDRESS" (extract.h). Rules in their own resources are
 * fragments joined to the group their reference names
 * (security_group_id = aws_security_group.web.id); a rule whose group is
 * not a resource of the module stays a resource of its own.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"
#include "hcl.h"
#include "tf_eval.h"

#define TF_KIND_SG "AWS security group"
#define TF_KIND_NACL "AWS network ACL"
#define TF_KIND_NSG "Azure NSG"
#define TF_KIND_GCP "GCP firewall"

struct tf_ctx {
	const char *dir;   /* the root module's directory: identities are "tf:DIR:..." */
	/* In a called module: "module.NAME." (nested: "module.a.module.b."),
	 * put before every address it declares; "" in the root module. */
	const char *prefix;
	const char *here;  /* the directory of the module being read */
	const struct extract_tf_options *opts; /* borrowed, or NULL */
	unsigned depth;    /* module calls followed to reach this module */
	unsigned *modules; /* module instances read so far for the root; shared */
	struct tf_eval *ev;
	GPtrArray *found;  /* struct resource *, owned */
	const char *path;  /* the file being read */
	struct dw_problems problems;
	GHashTable *networks; /* google_compute_network name -> address; owned strings */
};

static void tf_error(struct tf_ctx *c, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void tf_error(struct tf_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_problems_vadd(&c->problems, line, fmt, ap);
	va_end(ap);
}

static char *tf_identity(const struct tf_ctx *c, const char *address)
{
	return g_strdup_printf("tf:%s:%s", c->dir, address);
}

/*
 * A reference a module call passes in (security_group_id =
 * aws_security_group.web.id) names a resource of the caller: bound to the
 * called module's variable, its text becomes the caller's full address
 * after this marker, so that it is not read as a resource of the module.
 */
#define TF_REF_OUTER '\x01'

/* The address a reference names, from c's module. New string. */
static char *tf_ref_address(const struct tf_ctx *c, const struct tf_value *v)
{
	if (v->text[0] == TF_REF_OUTER)
		return g_strdup(v->text + 1);
	return g_strconcat(c->prefix, v->text, NULL);
}

/* Is v a reference to a resource of type (wherever it is declared)? */
static bool tf_ref_is(const struct tf_value *v, const char *type)
{
	const char *text;

	if (v->kind != TF_VALUE_REF)
		return false;
	text = v->text[0] == TF_REF_OUTER ? v->text + 1 : v->text;
	while (g_str_has_prefix(text, "module.") && strchr(text + 7, '.'))
		text = strchr(text + 7, '.') + 1;
	return g_str_has_prefix(text, type) && text[strlen(type)] == '.';
}

/* ---- reading values of one rule -------------------------------------- */

struct tf_rule {
	struct tf_ctx *c;
	struct resource *r;
	const char *address;         /* "aws_security_group.web", for messages */
	const struct hcl_body *body; /* the rule's attributes, or NULL when values holds them */
	const struct tf_value *values; /* a map: a rule of "ingress = [{...}]"; borrowed, or NULL */
	unsigned line;
	bool unknown;                /* some value is not known (recorded on r) */
	bool bad;                    /* some value is malformed (an error was added) */
};

/*
 * A malformed value makes its rule unknown, not the file unreadable: one
 * bad rule must not hide the others beside it (Terraform would refuse the
 * rule at plan; what it was meant to let in is not known).
 */
static void tf_rule_bad(struct tf_rule *tr, unsigned line, const char *what, const char *text)
{
	g_autofree char *quoted = extract_quote(text ? text : "");

	if (!tr->bad)
		resource_add_unknown(tr->r, line, "%s: %s, got \"%s\"", tr->address, what, quoted);
	tr->bad = true;
}

/* The value of attribute name in a rule written as an object. New value, or NULL. */
static struct tf_value *tf_rule_value(struct tf_rule *tr, const char *name)
{
	const struct tf_value *v = tf_value_get(tr->values, name);

	return v ? tf_value_dup(v) : NULL;
}

/* The value of attribute name, or NULL when absent, null, or unknown (recorded). */
static struct tf_value *tf_rule_get(struct tf_rule *tr, const char *name, unsigned *line_out)
{
	const struct hcl_attribute *a = tr->body ? hcl_body_attribute(tr->body, name) : NULL;
	unsigned line = a ? a->line : tr->line;
	struct tf_value *v;
	const char *why;

	if (tr->values)
		v = tf_rule_value(tr, name);
	else
		v = a ? tf_eval_expr(tr->c->ev, a->expr) : NULL;
	if (!v)
		return NULL;
	if (line_out)
		*line_out = line;
	if ((why = tf_value_unknown(v)) != NULL) {
		resource_add_unknown(tr->r, line, "%s: %s is %s", tr->address, name, why);
		tr->unknown = true;
		tf_value_free(v);
		return NULL;
	}
	if (v->kind == TF_VALUE_NULL) {
		tf_value_free(v);
		return NULL;
	}
	return v;
}

/* What a value is, for a message about the wrong kind. */
static const char *tf_value_kind_name(const struct tf_value *v)
{
	switch (v->kind) {
	case TF_VALUE_LIST:
		return "a list";
	case TF_VALUE_MAP:
		return "a map";
	case TF_VALUE_REF:
		return v->text[0] == TF_REF_OUTER ? v->text + 1 : v->text;
	default:
		return tf_value_text(v) ? tf_value_text(v) : "null";
	}
}

/* A string (or number) attribute; NULL when absent or not known. New string. */
static char *tf_rule_string(struct tf_rule *tr, const char *name, unsigned *line_out)
{
	unsigned line = tr->line;
	g_autoptr(tf_value) v = tf_rule_get(tr, name, &line);

	if (line_out)
		*line_out = line;
	if (!v)
		return NULL;
	if (!tf_value_text(v)) {
		g_autofree char *what = g_strdup_printf("expected a string for %s", name);

		tf_rule_bad(tr, line, what, tf_value_kind_name(v));
		return NULL;
	}
	return g_strdup(tf_value_text(v));
}

/* A required value is missing: the rule is unknown (as tf_rule_bad()). */
static void tf_rule_missing(struct tf_rule *tr, unsigned line, const char *what)
{
	if (!tr->bad)
		resource_add_unknown(tr->r, line, "%s: %s", tr->address, what);
	tr->bad = true;
}

static bool tf_rule_bool(struct tf_rule *tr, const char *name, bool dflt)
{
	unsigned line = tr->line;
	g_autoptr(tf_value) v = tf_rule_get(tr, name, &line);
	const char *text = v ? tf_value_text(v) : NULL;

	if (!v)
		return dflt;
	if (text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
		return strcmp(text, "true") == 0;
	tf_rule_bad(tr, line, "expected true or false", text);
	return dflt;
}

typedef void (*tf_item_fn)(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);

/*
 * Calls fn on each item of list v; a list inside it is flattened, as
 * Terraform 0.11 did with ["${var.cidrs}"] (a list in a list literal);
 * since 0.12 a list of lists is a type error for these attributes, so
 * reading it as 0.11 did cannot misread a valid file. Returns the count.
 */
static guint tf_rule_each_item(struct tf_rule *tr, const struct tf_value *v, unsigned line, tf_item_fn fn,
                               void *user_data)
{
	guint n = 0;

	for (guint i = 0; i < v->items->len; i++) {
		const struct tf_value *item = v->items->pdata[i];

		if (item->kind == TF_VALUE_LIST) {
			n += tf_rule_each_item(tr, item, line, fn, user_data);
			continue;
		}
		fn(tr, item, line, user_data);
		n++;
	}
	return n;
}

/* Each item of a list attribute (or the single value of a scalar one);
 * false when absent or empty. */
static bool tf_rule_each(struct tf_rule *tr, const char *name, bool list, tf_item_fn fn, void *user_data)
{
	unsigned line = tr->line;
	g_autoptr(tf_value) v = tf_rule_get(tr, name, &line);

	if (!v)
		return false;
	if (!list) {
		fn(tr, v, line, user_data);
		return true;
	}
	if (v->kind != TF_VALUE_LIST) {
		g_autofree char *what = g_strdup_printf("expected a list for %s", name);

		tf_rule_bad(tr, line, what, tf_value_kind_name(v));
		return true;
	}
	return tf_rule_each_item(tr, v, line, fn, user_data) > 0;
}

static bool tf_parse_int(const char *text, gint64 lo, gint64 hi, gint64 *out)
{
	return text && text[0] != '+' && !g_ascii_isspace(text[0]) &&
	       g_ascii_string_to_signed(text, 10, lo, hi, out, NULL);
}

/* An integer attribute in lo..hi; false (reported) when absent or wrong. */
static bool tf_rule_int(struct tf_rule *tr, const char *name, gint64 lo, gint64 hi, bool required,
                        gint64 *out)
{
	unsigned line = tr->line;
	g_autofree char *text = tf_rule_string(tr, name, &line);
	g_autofree char *what = NULL;

	if (!text && required && !tr->unknown && !tr->bad) {
		g_autofree char *missing = g_strdup_printf("no %s", name);

		tf_rule_missing(tr, tr->line, missing);
	}
	if (!text)
		return false;
	if (tf_parse_int(text, lo, hi, out))
		return true;
	what = g_strdup_printf("expected %s in %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, name, lo, hi);
	tf_rule_bad(tr, line, what, text);
	return false;
}

/* ---- sources ---------------------------------------------------------- */

/* An address block; one of the other family in cidr_blocks (which AWS
 * refuses) counts as written, which can only overstate what gets in. */
static void tf_source_cidr(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	srcset *src = user_data;
	const char *text = tf_value_text(item);
	g_autoptr(GError) cidr_error = NULL;

	if (!text || !srcset_add_cidr(src, text, &cidr_error))
		tf_rule_bad(tr, line, "expected a CIDR block", text);
}

/* A security group or prefix list: a reference to a resource of the
 * module, or an id as written. */
static void tf_source_atom(struct tf_rule *tr, const struct tf_value *item, const char *prefix,
                           unsigned line, srcset *src)
{
	bool ref = item->kind == TF_VALUE_REF;
	g_autofree char *address = ref ? tf_ref_address(tr->c, item) : NULL;
	const char *text = ref ? address : tf_value_text(item);
	g_autofree char *atom = NULL;

	if (!text || !*text) {
		tf_rule_bad(tr, line, "expected an id", text);
		return;
	}
	atom = g_strconcat(prefix, text, NULL);
	srcset_add_atom(src, atom);
}

static void tf_source_sg(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "aws-sg:", line, user_data);
}

static void tf_source_pl(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "aws-pl:", line, user_data);
}

/* ---- AWS security groups --------------------------------------------- */

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

/* A resource of this module, or the resource-of-its-own/fragment choice:
 * the identity of the group ref names, when it is a resource of type. */
static char *tf_group_ref(struct tf_ctx *c, const struct hcl_body *body, const char *key, const char *type)
{
	const struct hcl_attribute *a = hcl_body_attribute(body, key);
	g_autoptr(tf_value) v = a ? tf_eval_expr(c->ev, a->expr) : NULL;

	if (!v || !tf_ref_is(v, type))
		return NULL;
	return tf_ref_address(c, v);
}

/* The resource a rule resource joins: its group's, as a fragment, else its own. */
static struct resource *tf_rule_resource(struct tf_ctx *c, const char *address, const char *kind,
                                         const char *group, unsigned line, enum resource_model model)
{
	g_autofree char *identity = tf_identity(c, group ? group : address);
	struct resource *r = resource_new(identity, kind, group ? group : address, c->path, line, model);

	r->fragment = group != NULL;
	g_ptr_array_add(c->found, r);
	return r;
}

static void tf_block_unknown(struct resource *r, const char *address, const struct hcl_block *b)
{
	const char *label = b->labels->len ? b->labels->pdata[0] : "?";

	resource_add_unknown(r, b->line, "%s: dynamic \"%s\" block, not evaluated", address, label);
}

typedef void (*tf_rule_fn)(struct tf_rule *tr, void *user_data);

/* The line of item i of a list written as a literal, else the attribute's. */
static unsigned tf_item_line(const struct hcl_attribute *a, guint i)
{
	const struct hcl_expr *e = a->expr;

	if (e->kind == HCL_EXPR_TUPLE && i < e->items->len)
		return ((const struct hcl_expr *)e->items->pdata[i])->line;
	return a->line;
}

/*
 * Rules written as an attribute, "ingress = [{...}]" ("attributes as
 * blocks" in the provider documentation): each object is read as a block
 * of the same name would be. A list that is not known is an unknown.
 */
static void tf_inline_list(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
                           const char *name, tf_rule_fn fn, void *user_data)
{
	const struct hcl_attribute *list = hcl_body_attribute(res->body, name);
	g_autoptr(tf_value) v = list ? tf_eval_expr(c->ev, list->expr) : NULL;
	const char *why;

	if (!v || v->kind == TF_VALUE_NULL)
		return;
	if ((why = tf_value_unknown(v)) != NULL && v->kind != TF_VALUE_LIST) {
		resource_add_unknown(r, list->line, "%s: %s is %s", address, name, why);
		return;
	}
	if (v->kind != TF_VALUE_LIST) {
		struct tf_rule tr = { .c = c, .r = r, .address = address, .line = list->line };
		g_autofree char *what = g_strdup_printf("expected a list of objects for %s", name);

		tf_rule_bad(&tr, list->line, what, tf_value_kind_name(v));
		return;
	}
	for (guint i = 0; i < v->items->len; i++) {
		const struct tf_value *item = v->items->pdata[i];
		struct tf_rule tr = { .c = c, .r = r, .address = address, .values = item,
		                      .line = tf_item_line(list, i) };

		if (item->kind == TF_VALUE_UNKNOWN)
			resource_add_unknown(r, tr.line, "%s: %s is %s", address, name, item->text);
		else if (item->kind != TF_VALUE_MAP)
			tf_rule_bad(&tr, tr.line, "expected an object", tf_value_kind_name(item));
		else
			fn(&tr, user_data);
	}
}

static void tf_aws_sg_item(struct tf_rule *tr, void *user_data)
{
	tf_aws_rule_add(tr, "protocol", false, user_data);
}

static void tf_aws_security_group(struct tf_ctx *c, const char *address, const struct hcl_block *res)
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

static void tf_aws_sg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res, bool vpc_rule)
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

/* ---- AWS network ACLs ------------------------------------------------- */

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

static void tf_aws_nacl(struct tf_ctx *c, const char *address, const struct hcl_block *res)
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

static void tf_aws_nacl_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *group = tf_group_ref(c, res->body, "network_acl_id", "aws_network_acl");
	struct resource *r = tf_rule_resource(c, address, TF_KIND_NACL, group, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	if (tf_rule_bool(&tr, "egress", false) || tr.unknown || tr.bad)
		return;
	tf_nacl_rule_add(&tr, false);
}

/* ---- Azure NSGs ------------------------------------------------------- */

/* "22", "1000-2000" or "*" (any port). */
static bool tf_parse_port_range(const char *text, unsigned *lo, unsigned *hi)
{
	const char *dash = strchr(text, '-');
	g_autofree char *first = g_strndup(text, dash ? (gsize)(dash - text) : strlen(text));
	gint64 a, b;

	if (strcmp(text, "*") == 0) {
		*lo = 0;
		*hi = EXPOSURE_PORT_MAX;
		return true;
	}
	if (!tf_parse_int(first, 0, EXPOSURE_PORT_MAX, &a) || first[0] == '-' ||
	    !tf_parse_int(dash ? dash + 1 : first, 0, EXPOSURE_PORT_MAX, &b) || (dash && dash[1] == '-') || a > b)
		return false;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return true;
}

static void tf_port_item(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	GArray *ranges = user_data;
	const char *text = tf_value_text(item);
	unsigned lo, hi;

	if (!text || !tf_parse_port_range(text, &lo, &hi)) {
		tf_rule_bad(tr, line, "expected a port or range", text);
		return;
	}
	g_array_append_val(ranges, lo);
	g_array_append_val(ranges, hi);
}

static void tf_azure_source(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	const char *text = tf_value_text(item);

	if (!text || !arm_source_add(user_data, text))
		tf_rule_bad(tr, line, "expected an address prefix or service tag", text);
}

static void tf_azure_asg(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "azure-asg:", line, user_data);
}

static void tf_wide_item(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	const char *text = tf_value_text(item);
	bool *wide = user_data;

	if (text && (strcmp(text, "*") == 0 || g_ascii_strcasecmp(text, "Any") == 0 ||
	             g_ascii_strcasecmp(text, "VirtualNetwork") == 0 || strcmp(text, "0-65535") == 0))
		*wide = true;
}

static exposure *tf_ranges_match(unsigned proto_lo, unsigned proto_hi, const GArray *ranges, const srcset *src)
{
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (guint i = 0; i + 1 < ranges->len; i += 2)
		g_ptr_array_add(boxes, exposure_new_box(proto_lo, proto_hi, g_array_index(ranges, unsigned, i),
		                                        g_array_index(ranges, unsigned, i + 1), src));
	return exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
}

/* An Azure rule's attributes, for a single value or a list of them. */
static bool tf_rule_one_or_many(struct tf_rule *tr, const char *one, const char *many, tf_item_fn fn,
                                void *user_data)
{
	bool a = tf_rule_each(tr, one, false, fn, user_data);
	bool b = tf_rule_each(tr, many, true, fn, user_data);

	return a || b;
}

static void tf_azure_rule_add(struct tf_rule *tr)
{
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autoptr(srcset) src = srcset_new();
	unsigned proto_lo = 0, proto_hi = 0, line = tr->line;
	g_autofree char *direction = tf_rule_string(tr, "direction", &line);
	g_autofree char *access = NULL;
	g_autofree char *proto = NULL;
	gint64 priority = 0;
	bool has_source, has_port, allow, dst_wide = false, sport_wide = false;

	if (direction && g_ascii_strcasecmp(direction, "Outbound") == 0)
		return;
	if (direction && g_ascii_strcasecmp(direction, "Inbound") != 0)
		tf_rule_bad(tr, line, "expected Inbound or Outbound", direction);
	access = tf_rule_string(tr, "access", &line);
	if (access && g_ascii_strcasecmp(access, "Allow") != 0 && g_ascii_strcasecmp(access, "Deny") != 0)
		tf_rule_bad(tr, line, "expected Allow or Deny", access);
	allow = access && g_ascii_strcasecmp(access, "Allow") == 0;
	tf_rule_int(tr, "priority", 100, 4096, true, &priority);
	proto = tf_rule_string(tr, "protocol", &line);
	if (proto && !arm_parse_protocol(proto, &proto_lo, &proto_hi))
		tf_rule_bad(tr, line, "expected a protocol (*, Tcp, Udp, Icmp, Esp, Ah)", proto);
	has_source = tf_rule_one_or_many(tr, "source_address_prefix", "source_address_prefixes", tf_azure_source,
	                                 src);
	has_source |= tf_rule_each(tr, "source_application_security_group_ids", true, tf_azure_asg, src);
	has_port = tf_rule_one_or_many(tr, "destination_port_range", "destination_port_ranges", tf_port_item,
	                               ranges);
	if (!direction || !access || !proto || !has_source || !has_port) {
		if (!tr->unknown)
			tf_rule_missing(tr, tr->line, "security rule needs direction, access, protocol, a source "
			                "address prefix and a destination port range");
		return;
	}
	if (tr->bad || tr->unknown)
		return;
	/* A deny that spares some destinations or source ports lets the rest
	 * of its traffic on to later rules: as a whole it denies nothing. */
	tf_rule_one_or_many(tr, "destination_address_prefix", "destination_address_prefixes", tf_wide_item, &dst_wide);
	tf_rule_one_or_many(tr, "source_port_range", "source_port_ranges", tf_wide_item, &sport_wide);
	if (!allow && !(dst_wide && sport_wide))
		return;
	resource_add_rule(tr->r, tr->address, tr->line, allow, priority,
	                  tf_ranges_match(proto_lo, proto_hi, ranges, src));
}

/* An inline security_rule, named in messages by its name. */
static void tf_azure_named_rule_add(struct tf_rule *tr, void *user_data)
{
	g_autofree char *name = tf_rule_string(tr, "name", NULL);
	g_autofree char *rule_address = g_strdup_printf("%s rule %s", tr->address, name ? name : "?");

	tr->address = rule_address;
	tf_azure_rule_add(tr);
}

static void tf_azure_nsg(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, TF_KIND_NSG, address, c->path, res->line, RESOURCE_FIRST_MATCH);

	g_ptr_array_add(c->found, r);
	tf_inline_list(c, r, address, res, "security_rule", tf_azure_named_rule_add, NULL);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "security_rule") == 0) {
			struct tf_rule tr = { .c = c, .r = r, .address = address, .body = b->body, .line = b->line };

			tf_azure_named_rule_add(&tr, NULL);
		} else if (strcmp(b->type, "dynamic") == 0 && b->labels->len &&
		           strcmp(b->labels->pdata[0], "security_rule") == 0) {
			tf_block_unknown(r, address, b);
		}
	}
	arm_add_default_rules(r);
}

static void tf_azure_nsg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *group = tf_group_ref(c, res->body, "network_security_group_name",
	                                      "azurerm_network_security_group");
	struct resource *r = tf_rule_resource(c, address, TF_KIND_NSG, group, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	tf_azure_rule_add(&tr);
	/* A rule on its own is a list of its own, with Azure's defaults after it. */
	if (!group)
		arm_add_default_rules(r);
}

/* ---- GCP firewalls ---------------------------------------------------- */

/* protocol "all", a name or a number, and ports ("22", "8000-8080"). */
static bool tf_gcp_protocol(const char *text, unsigned *lo, unsigned *hi)
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
	if (proto && !tf_gcp_protocol(proto, &lo, &hi))
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

static void tf_gcp_firewall(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *why = NULL;
	g_autofree char *network = tf_gcp_network(c, res->body, &why);
	struct resource *r = tf_rule_resource(c, address, TF_KIND_GCP, network, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	if (why)
		resource_add_unknown(r, res->line, "%s: network is %s", address, why);
	tf_gcp_firewall_rules(&tr, address);
}

static void tf_gcp_network_resource(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);

	/* Implied rules: deny all ingress, at the lowest priority. */
	g_ptr_array_add(c->found, resource_new(identity, TF_KIND_GCP, address, c->path, res->line,
	                                       RESOURCE_FIRST_MATCH));
}

/* ---- settings-style exposure ------------------------------------------ */

#define TF_KIND_RDS "AWS RDS instance"
#define TF_KIND_SEARCH "AWS OpenSearch domain"
#define TF_KIND_S3 "AWS S3 public access block"
#define TF_KIND_AZURE "Azure resource"

static struct resource *tf_settings_resource(struct tf_ctx *c, const char *address, const char *kind,
                                             const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, kind, address, c->path, res->line, RESOURCE_SETTINGS);

	g_ptr_array_add(c->found, r);
	return r;
}

/* A bool attribute as a setting "on"/"off" (dflt when absent); unknowns recorded. */
static void tf_setting_bool(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
                            const char *attr, const char *key, bool dflt)
{
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	const struct hcl_attribute *a = hcl_body_attribute(res->body, attr);
	bool on = tf_rule_bool(&tr, attr, dflt);
	g_autofree char *raw = g_strdup_printf("%s = %s", attr, on ? "true" : "false");

	if (tr.unknown || tr.bad)
		return;
	resource_add_setting(r, key, on ? "on" : "off", raw, a ? a->line : res->line);
}

/* aws_db_instance: publicly_accessible (default false). */
static void tf_aws_db(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	struct resource *r = tf_settings_resource(c, address, TF_KIND_RDS, res);

	tf_setting_bool(c, r, address, res, "publicly_accessible", "public", false);
}

/*
 * The azurerm resources whose public_network_access_enabled "Defaults to
 * `true`" in the AzureRM provider documentation (website/docs/r/NAME):
 * mssql_server and mysql_server ("Whether or not public network access is
 * allowed for this server"), redis_cache, search_service, key_vault
 * ("Whether traffic from public networks is permitted"), storage_account
 * ("Whether the public network access is enabled?") and cosmosdb_account.
 * Absent there, the attribute is on. Others (the flexible servers, whose
 * default depends on a delegated subnet) are recorded only when written.
 */
static const char *const tf_azure_public_by_default[] = {
	"azurerm_mssql_server", "azurerm_mysql_server", "azurerm_redis_cache", "azurerm_search_service",
	"azurerm_key_vault", "azurerm_storage_account", "azurerm_cosmosdb_account",
};

static bool tf_azure_public_default(const char *type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tf_azure_public_by_default); i++) {
		if (strcmp(type, tf_azure_public_by_default[i]) == 0)
			return true;
	}
	return false;
}

/* azurerm_*: public_network_access_enabled, when written or defaulting to true. */
static void tf_azure_public(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const char *type = res->labels->pdata[0];
	struct resource *r;

	if (hcl_body_attribute(res->body, "public_network_access_enabled")) {
		r = tf_settings_resource(c, address, TF_KIND_AZURE, res);
		tf_setting_bool(c, r, address, res, "public_network_access_enabled", "public_network_access", true);
	} else if (tf_azure_public_default(type)) {
		r = tf_settings_resource(c, address, TF_KIND_AZURE, res);
		resource_add_setting(r, "public_network_access", "on",
		                     "public_network_access_enabled not set (the provider's default: true)", res->line);
	}
}

/* aws_s3_bucket_public_access_block: "on" only when all four blocks are on
 * (each defaults to false). */
static void tf_aws_s3_block(struct tf_ctx *c, const char *address, const struct hcl_block *res)
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
static void tf_aws_search_domain(struct tf_ctx *c, const char *address, const struct hcl_block *res)
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

/* ---- module calls and types not read ---------------------------------- */

#define TF_KIND_MODULE "Terraform module"
#define TF_KIND_UNREAD "Terraform resource"
/* Module calls followed from one root module: nesting, and instances in all. */
#define TF_MODULE_DEPTH 8u
#define TF_MODULE_MAX 256u
/* Names listed in one message before "...". */
#define TF_NAMES_MAX 8u

static void tf_declare(struct tf_ctx *c, const struct hcl_body *body);
static void tf_networks(struct tf_ctx *c, const struct hcl_body *body);
static void tf_resources(struct tf_ctx *c, const struct hcl_body *body);
static bool tf_resource_created(struct tf_ctx *c, const struct hcl_block *res);
static void tf_file_done(struct tf_ctx *c, GString *all, char **failed);
static int tf_file_compare(const void *a, const void *b);
static int tf_file_rank(const struct extract_tf_file *f);

/* Does a name (an input, an attribute, a type) look like it opens a network path? */
static bool tf_looks_like_network(const char *name)
{
	static const char *const words[] = {
		"cidr", "ingress", "firewall", "security_group", "network_acl", "network_security",
		"network_policy", "public_access", "publicly_accessible", "source_address", "source_ranges",
		"authorized_ip", "authorized_network", "allowed_ip", "ip_rule", "ip_range", "ip_filter",
		"ip_restriction", "whitelist", "allowlist", "access_list", "ports", "host_port", "host_network",
		"kubernetes_service",
	};
	g_autofree char *lower = g_ascii_strdown(name, -1);

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		if (strstr(lower, words[i]))
			return true;
	}
	return false;
}

/* Appends the names in body (attributes and blocks, to depth levels) that
 * look like network rules, once each, to names. */
static void tf_network_names(GPtrArray *names, const struct hcl_body *body, unsigned depth)
{
	for (guint i = 0; i < body->items->len && depth > 0; i++) {
		const struct hcl_item *it = body->items->pdata[i];
		const char *name = it->kind == HCL_ITEM_ATTRIBUTE ? it->attribute.name : it->block.type;
		bool seen = false;

		for (guint j = 0; j < names->len && !seen; j++)
			seen = strcmp(names->pdata[j], name) == 0;
		/* A group's id (vpc_security_group_ids) attaches a rule set; it opens nothing. */
		if (!seen && strcmp(name, "source") != 0 && !g_str_has_suffix(name, "_id") &&
		    !g_str_has_suffix(name, "_ids") && tf_looks_like_network(name))
			g_ptr_array_add(names, (gpointer)name);
		if (it->kind == HCL_ITEM_BLOCK)
			tf_network_names(names, it->block.body, depth - 1);
	}
}

/* "; inputs that look like network rules: a, b" or "". New string. */
static char *tf_network_names_text(const struct hcl_body *body, const char *what)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GString) out = g_string_new(NULL);

	tf_network_names(names, body, 4);
	for (guint i = 0; i < names->len && i < TF_NAMES_MAX; i++)
		g_string_append_printf(out, "%s%s", i ? ", " : what, (const char *)names->pdata[i]);
	if (names->len > TF_NAMES_MAX)
		g_string_append(out, ", ...");
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/*
 * A resource type no code here reads: silent when nothing in it looks like
 * a network rule (aws_s3_object), else an explicit unknown naming it, so
 * that a surface not read is seen as not read.
 */
static void tf_resource_unread(struct tf_ctx *c, const char *type, const char *address, const struct hcl_block *res)
{
	g_autofree char *names = tf_network_names_text(res->body, "");
	g_autofree char *identity = NULL;
	struct resource *r;

	/* Egress, and the links that attach a group or list somewhere, open nothing. */
	if (strstr(type, "egress") || strstr(type, "_association") || strstr(type, "_attachment"))
		return;
	if (!tf_looks_like_network(type) && !*names)
		return;
	identity = tf_identity(c, address);
	r = resource_new(identity, TF_KIND_UNREAD, address, c->path, res->line, RESOURCE_SETTINGS);
	g_ptr_array_add(c->found, r);
	resource_add_unknown(r, res->line, "%s: resource type %s is not read by driftwatch%s%s", address, type,
	                     *names ? "; it sets " : "", names);
}

/* The module call itself, holding what could not be read of it. */
static void tf_module_unread(struct tf_ctx *c, const char *call, const struct hcl_block *b, const char *why)
{
	g_autofree char *identity = tf_identity(c, call);
	g_autofree char *inputs = tf_network_names_text(b->body, "; inputs that look like network rules: ");
	struct resource *r = resource_new(identity, TF_KIND_MODULE, call, c->path, b->line, RESOURCE_SETTINGS);

	g_ptr_array_add(c->found, r);
	resource_add_unknown(r, b->line, "%s: %s%s", call, why, inputs);
}

/* dir joined with a relative path ("./sg", "../shared/sg"), normalised;
 * NULL when it leaves the repository. New string. */
static char *tf_path_join(const char *dir, const char *rel)
{
	g_auto(GStrv) a = g_strsplit(dir, "/", -1);
	g_auto(GStrv) b = g_strsplit(rel, "/", -1);
	g_autoptr(GPtrArray) parts = g_ptr_array_new();
	g_autoptr(GString) out = g_string_new(NULL);

	for (int k = 0; k < 2; k++) {
		for (char **p = k ? b : a; *p; p++) {
			if (!**p || strcmp(*p, ".") == 0)
				continue;
			if (strcmp(*p, "..") != 0) {
				g_ptr_array_add(parts, *p);
				continue;
			}
			if (parts->len == 0)
				return NULL;
			g_ptr_array_set_size(parts, parts->len - 1);
		}
	}
	for (guint i = 0; i < parts->len; i++)
		g_string_append_printf(out, "%s%s", i ? "/" : "", (const char *)parts->pdata[i]);
	return parts->len ? g_string_free(g_steal_pointer(&out), FALSE) : g_strdup(".");
}

char *extract_tf_module_dir(const char *dir, const char *source)
{
	if (!g_str_has_prefix(source, "./") && !g_str_has_prefix(source, "../"))
		return NULL;
	return tf_path_join(dir, source);
}

/* Marks the references in v (evaluated in c's module) as the caller's. */
static void tf_ref_mark_outer(const struct tf_ctx *c, struct tf_value *v)
{
	if (v->kind == TF_VALUE_REF) {
		char *address = tf_ref_address(c, v);

		g_free(v->text);
		v->text = g_strdup_printf("%c%s", TF_REF_OUTER, address);
		g_free(address);
	}
	for (guint i = 0; v->items && i < v->items->len; i++)
		tf_ref_mark_outer(c, v->items->pdata[i]);
}

/* Binds the call's arguments, evaluated in the caller, to the module's variables. */
static void tf_module_bind(struct tf_ctx *c, struct tf_ctx *child, const struct hcl_block *b)
{
	static const char *const meta[] = { "source", "version", "count", "for_each", "providers", "depends_on" };

	for (guint i = 0; i < b->body->items->len; i++) {
		const struct hcl_item *it = b->body->items->pdata[i];
		bool is_meta = false;

		if (it->kind != HCL_ITEM_ATTRIBUTE)
			continue;
		for (size_t k = 0; k < G_N_ELEMENTS(meta); k++)
			is_meta |= strcmp(it->attribute.name, meta[k]) == 0;
		if (!is_meta) {
			struct tf_value *v = tf_eval_expr(c->ev, it->attribute.expr);

			tf_ref_mark_outer(c, v);
			tf_eval_bind_variable(child->ev, it->attribute.name, v);
		}
	}
}

/* Parses the module's .tf files in path order into parsed; problems into all. */
static void tf_module_parse(GPtrArray *parsed, GArray *files, GString *all)
{
	g_autofree const struct extract_tf_file **order = g_new0(const struct extract_tf_file *, files->len + 1);
	guint n = 0;

	for (guint i = 0; i < files->len; i++) {
		const struct extract_tf_file *f = &g_array_index(files, struct extract_tf_file, i);

		if (tf_file_rank(f) == 0)
			order[n++] = f;
	}
	qsort(order, n, sizeof(*order), tf_file_compare);
	for (guint i = 0; i < n; i++) {
		struct hcl_file *f = NULL;
		g_autoptr(GError) error = NULL;

		if (hcl_parse(&f, order[i]->path, order[i]->data ? order[i]->data : "", order[i]->len, &error)) {
			g_ptr_array_add(parsed, f);
		} else if (!all->len) {
			g_string_append(all, error->message);
		}
	}
}

/* Reads a called module's resources into c->found under the call's address. */
static void tf_module_child(struct tf_ctx *c, const char *call, const char *dir, const struct hcl_block *b,
                            GArray *files)
{
	g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func((GDestroyNotify)hcl_file_free);
	g_autoptr(tf_eval) ev = tf_eval_new();
	g_autoptr(GHashTable) networks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GString) all = g_string_new(NULL);
	g_autofree char *prefix = g_strconcat(call, ".", NULL);
	g_autofree char *failed = NULL;
	struct tf_ctx child = { .dir = c->dir, .prefix = prefix, .here = dir, .opts = c->opts,
		                .depth = c->depth + 1, .modules = c->modules, .ev = ev, .found = c->found,
		                .networks = networks };

	tf_module_parse(parsed, files, all);
	for (int pass = 0; pass < 3 && !all->len; pass++) {
		if (pass == 1)
			tf_module_bind(c, &child, b);
		for (guint i = 0; i < parsed->len; i++) {
			const struct hcl_file *f = parsed->pdata[i];

			child.path = f->path;
			dw_problems_init(&child.problems, child.path, EXTRACT_MAX_PROBLEMS);
			if (pass == 0)
				tf_declare(&child, f->body);
			else if (pass == 1)
				tf_networks(&child, f->body);
			else
				tf_resources(&child, f->body);
			tf_file_done(&child, all, &failed);
		}
	}
	if (tf_eval_over_limit(ev) && !all->len)
		g_string_append_printf(all, "values too large to evaluate (more than %zu)", (size_t)DW_LIMIT_NODES);
	if (all->len) {
		g_autofree char *why = g_strdup_printf("module %s could not be read: %s", dir, all->str);

		tf_module_unread(c, call, b, why);
	}
}

/* Follows a module call from c's module: local sources, or a vendored copy. */
static void tf_module_call(struct tf_ctx *c, const struct hcl_block *b)
{
	g_autofree char *call = g_strconcat(c->prefix, "module.", (const char *)b->labels->pdata[0], NULL);
	const struct hcl_attribute *a = hcl_body_attribute(b->body, "source");
	g_autoptr(tf_value) v = a ? tf_eval_expr(c->ev, a->expr) : NULL;
	const char *source = v && v->kind == TF_VALUE_STRING ? v->text : NULL;
	g_autoptr(GArray) files = g_array_new(FALSE, TRUE, sizeof(struct extract_tf_file));
	g_autofree char *quoted = extract_quote(source ? source : "");
	g_autofree char *dir = NULL;
	g_autofree char *why = NULL;
	bool local = source && (g_str_has_prefix(source, "./") || g_str_has_prefix(source, "../"));

	if (!tf_resource_created(c, b))
		return;
	if (local) {
		dir = tf_path_join(c->here, source);
	} else if (source) {
		/* terraform init keeps a registry module in .terraform/modules/KEY,
		 * KEY the call's name ("a.b" when nested). */
		g_autofree char *key = g_strdup(call);
		g_auto(GStrv) parts = g_strsplit(key, "module.", -1);
		g_autofree char *joined = g_strjoinv("", parts);
		g_autofree char *vendored = g_strconcat(".terraform/modules/", joined, NULL);

		dir = tf_path_join(c->dir, vendored);
	}
	if (!source)
		why = g_strdup("source is not a literal string, not read");
	else if (!dir)
		why = g_strdup_printf("source \"%s\" is outside the repository, not read", quoted);
	else if (c->depth >= TF_MODULE_DEPTH || *c->modules >= TF_MODULE_MAX)
		why = g_strdup_printf("source \"%s\": more module calls than driftwatch follows (%u deep, %u in all)",
		                      quoted, TF_MODULE_DEPTH, TF_MODULE_MAX);
	else if (!c->opts || !c->opts->load || !c->opts->load(files, dir, c->opts->user_data) || files->len == 0)
		why = local ? g_strdup_printf("source \"%s\" (%s) holds no Terraform files here, not read", quoted, dir)
		            : g_strdup_printf("source \"%s\" is a registry or remote module, not read offline "
		                              "(no vendored copy in %s)", quoted, dir);
	if (why) {
		tf_module_unread(c, call, b, why);
		return;
	}
	(*c->modules)++;
	tf_module_child(c, call, dir, b, files);
}

/* ---- the module ------------------------------------------------------- */

static const struct {
	const char *type;
	void (*fn)(struct tf_ctx *c, const char *address, const struct hcl_block *res);
} tf_resource_types[] = {
	{ "aws_security_group", tf_aws_security_group },
	{ "aws_network_acl", tf_aws_nacl },
	{ "aws_network_acl_rule", tf_aws_nacl_rule },
	{ "azurerm_network_security_group", tf_azure_nsg },
	{ "azurerm_network_security_rule", tf_azure_nsg_rule },
	{ "google_compute_firewall", tf_gcp_firewall },
	{ "google_compute_network", tf_gcp_network_resource },
	{ "aws_db_instance", tf_aws_db },
	{ "aws_elasticsearch_domain", tf_aws_search_domain },
	{ "aws_opensearch_domain", tf_aws_search_domain },
	{ "aws_s3_bucket_public_access_block", tf_aws_s3_block },
};

static void tf_sg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	tf_aws_sg_rule(c, address, res, false);
}

static void tf_vpc_ingress_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	tf_aws_sg_rule(c, address, res, true);
}

/* count = 0 creates nothing; count or for_each otherwise are instances we
 * read as one (their rules can differ only through count/each, unknown). */
static bool tf_resource_created(struct tf_ctx *c, const struct hcl_block *res)
{
	const struct hcl_attribute *count = hcl_body_attribute(res->body, "count");
	g_autoptr(tf_value) v = count ? tf_eval_expr(c->ev, count->expr) : NULL;
	gint64 n;

	return !v || !tf_value_text(v) || !tf_parse_int(tf_value_text(v), 0, G_MAXINT32, &n) || n > 0;
}

static void tf_resource(struct tf_ctx *c, const struct hcl_block *res)
{
	const char *type = res->labels->pdata[0], *name = res->labels->pdata[1];
	g_autofree char *address = g_strconcat(c->prefix, type, ".", name, NULL);

	if (!tf_resource_created(c, res))
		return;
	if (strcmp(type, "aws_security_group_rule") == 0) {
		tf_sg_rule(c, address, res);
		return;
	}
	if (strcmp(type, "aws_vpc_security_group_ingress_rule") == 0) {
		tf_vpc_ingress_rule(c, address, res);
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(tf_resource_types); i++) {
		if (strcmp(type, tf_resource_types[i].type) == 0) {
			tf_resource_types[i].fn(c, address, res);
			return;
		}
	}
	if (g_str_has_prefix(type, "azurerm_") && (hcl_body_attribute(res->body, "public_network_access_enabled") ||
	                                           tf_azure_public_default(type)))
		tf_azure_public(c, address, res);
	else
		tf_resource_unread(c, type, address, res);
}

/* Variables, locals and resources of one .tf file. */
static void tf_declare(struct tf_ctx *c, const struct hcl_body *body)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "variable") == 0 && b->labels->len == 1) {
			const struct hcl_attribute *d = hcl_body_attribute(b->body, "default");

			tf_eval_declare_variable(c->ev, b->labels->pdata[0], d ? d->expr : NULL);
		} else if (strcmp(b->type, "locals") == 0) {
			for (guint j = 0; j < b->body->items->len; j++) {
				const struct hcl_item *l = b->body->items->pdata[j];

				if (l->kind == HCL_ITEM_ATTRIBUTE)
					tf_eval_declare_local(c->ev, l->attribute.name, l->attribute.expr);
			}
		} else if (strcmp(b->type, "resource") == 0 && b->labels->len == 2) {
			if (tf_eval_has_resource(c->ev, b->labels->pdata[0], b->labels->pdata[1]))
				tf_error(c, b->line, "duplicate resource %s.%s", (const char *)b->labels->pdata[0],
				         (const char *)b->labels->pdata[1]);
			tf_eval_declare_resource(c->ev, b->labels->pdata[0], b->labels->pdata[1]);
		} else if (strcmp(b->type, "resource") == 0) {
			tf_error(c, b->line, "expected resource \"TYPE\" \"NAME\"");
		}
	}
}

/* The names of the module's google_compute_network resources, when known. */
static void tf_networks(struct tf_ctx *c, const struct hcl_body *body)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];
		const struct hcl_attribute *name;
		g_autoptr(tf_value) v = NULL;

		if (it->kind != HCL_ITEM_BLOCK || strcmp(it->block.type, "resource") != 0 ||
		    it->block.labels->len != 2 || strcmp(it->block.labels->pdata[0], "google_compute_network") != 0 ||
		    !(name = hcl_body_attribute(it->block.body, "name")))
			continue;
		v = tf_eval_expr(c->ev, name->expr);
		if (v->kind == TF_VALUE_STRING)
			g_hash_table_replace(c->networks, g_strdup(v->text),
			                     g_strconcat(c->prefix, "google_compute_network.", it->block.labels->pdata[1],
			                                 NULL));
	}
}

static void tf_resources(struct tf_ctx *c, const struct hcl_body *body)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];

		if (it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, "resource") == 0 &&
		    it->block.labels->len == 2)
			tf_resource(c, &it->block);
		else if (it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, "module") == 0 &&
		         it->block.labels->len == 1)
			tf_module_call(c, &it->block);
	}
}

static const char *tf_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool extract_tf_path(const char *path)
{
	return g_str_has_suffix(path, ".tf") || g_str_has_suffix(path, ".tfvars");
}

/* terraform.tfvars, then *.auto.tfvars by name, then the others. */
static int tf_file_rank(const struct extract_tf_file *f)
{
	const char *base = tf_basename(f->path);

	if (!g_str_has_suffix(base, ".tfvars"))
		return 0;
	if (strcmp(base, "terraform.tfvars") == 0)
		return 1;
	return g_str_has_suffix(base, ".auto.tfvars") ? 2 : 3;
}

static int tf_file_compare(const void *a, const void *b)
{
	const struct extract_tf_file *fa = *(const struct extract_tf_file *const *)a;
	const struct extract_tf_file *fb = *(const struct extract_tf_file *const *)b;
	int ra = tf_file_rank(fa), rb = tf_file_rank(fb);

	return ra != rb ? ra - rb : strcmp(fa->path, fb->path);
}

static void tf_tfvars(struct tf_ctx *c, const struct hcl_file *f, int rank)
{
	for (guint i = 0; i < f->body->items->len; i++) {
		const struct hcl_item *it = f->body->items->pdata[i];

		if (it->kind == HCL_ITEM_ATTRIBUTE)
			tf_eval_set_variable(c->ev, it->attribute.name, it->attribute.expr, tf_basename(f->path),
			                     rank < 3);
		else
			tf_error(c, it->block.line, "a variables file holds only attributes, got a \"%s\" block",
			         it->block.type);
	}
}

/* Collects the problems of the file just read into all; the first failing file in *failed. */
static void tf_file_done(struct tf_ctx *c, GString *all, char **failed)
{
	g_autoptr(GError) error = NULL;

	if (!dw_problems_check(&c->problems, &error)) {
		if (all->len)
			g_string_append_c(all, '\n');
		g_string_append(all, error->message);
		if (!*failed)
			*failed = g_strdup(c->path);
	}
	dw_problems_clear(&c->problems);
}

/* Fails with the problems in all, naming the first failing file. */
static bool tf_fail(GString *all, char **failed, char **failed_out, GError **error)
{
	if (failed_out)
		*failed_out = g_steal_pointer(failed);
	g_set_error_literal(error, DW_ERROR, DW_ERROR_PARSE, all->str);
	return false;
}

/* Parses every file; a parse error in one is listed and the rest are read too. */
static bool tf_parse_all(GPtrArray *parsed, const struct extract_tf_file **order, size_t n, GString *all,
                         char **failed, GError **error)
{
	for (size_t i = 0; i < n; i++) {
		struct hcl_file *f = NULL;
		GError *parse_error = NULL;

		if (hcl_parse(&f, order[i]->path, order[i]->data ? order[i]->data : "", order[i]->len,
		              &parse_error)) {
			g_ptr_array_add(parsed, f);
			continue;
		}
		if (!*failed)
			*failed = g_strdup(order[i]->path);
		if (g_error_matches(parse_error, DW_ERROR, DW_ERROR_LIMIT)) {
			g_free(*failed);
			*failed = g_strdup(order[i]->path);
			g_propagate_error(error, parse_error);
			return false;
		}
		if (all->len)
			g_string_append_c(all, '\n');
		g_string_append(all, parse_error->message);
		g_error_free(parse_error);
		g_ptr_array_add(parsed, NULL);
	}
	return true;
}

/* The limits extract_file() applies, per resource and per file (extract.c). */
static bool tf_check_limits(GPtrArray *found, char **failed_out, GError **error)
{
	g_autoptr(GHashTable) per_file = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < found->len; i++) {
		const struct resource *r = found->pdata[i];

		if (r->rules->len > DW_LIMIT_RULES) {
			if (failed_out)
				*failed_out = g_strdup(r->file);
			g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: more than %u rules in %s %s", r->file,
			            r->line, DW_LIMIT_RULES, r->kind, r->name);
			return false;
		}
		for (guint j = 0; j < r->rules->len; j++) {
			const struct resource_rule *rule = r->rules->pdata[j];
			const char *file = rule->file ? rule->file : r->file;
			guint n = GPOINTER_TO_UINT(g_hash_table_lookup(per_file, file)) + 1;

			g_hash_table_insert(per_file, (gpointer)file, GUINT_TO_POINTER(n));
			if (n > DW_LIMIT_FILE_RULES) {
				if (failed_out)
					*failed_out = g_strdup(file);
				g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
				            "%s: more than %u rules in one file, more than driftwatch analyses", file,
				            DW_LIMIT_FILE_RULES);
				return false;
			}
		}
	}
	return true;
}

bool extract_tf_module(GPtrArray *out, const char *dir, const struct extract_tf_file *files, size_t n,
                       char **failed_out, GError **error)
{
	return extract_tf_module_with(out, dir, files, n, NULL, failed_out, error);
}

bool extract_tf_module_with(GPtrArray *out, const char *dir, const struct extract_tf_file *files, size_t n,
                            const struct extract_tf_options *opts, char **failed_out, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func((GDestroyNotify)hcl_file_free);
	g_autofree const struct extract_tf_file **order = g_new0(const struct extract_tf_file *, n + 1);
	g_autoptr(tf_eval) ev = tf_eval_new();
	g_autoptr(GString) all = g_string_new(NULL);
	g_autofree char *failed = NULL;
	g_autoptr(GHashTable) networks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	unsigned modules = 0;
	struct tf_ctx c = { .dir = dir, .prefix = "", .here = dir, .opts = opts, .modules = &modules, .ev = ev,
		            .found = found, .networks = networks };

	for (size_t i = 0; i < n; i++)
		order[i] = &files[i];
	qsort(order, n, sizeof(*order), tf_file_compare);
	if (!tf_parse_all(parsed, order, n, all, &failed, error)) {
		if (failed_out)
			*failed_out = g_steal_pointer(&failed);
		return false;
	}
	if (all->len)
		return tf_fail(all, &failed, failed_out, error);
	for (size_t i = 0; i < n; i++) {
		int rank = tf_file_rank(order[i]);

		c.path = order[i]->path;
		dw_problems_init(&c.problems, c.path, EXTRACT_MAX_PROBLEMS);
		if (rank == 0)
			tf_declare(&c, ((const struct hcl_file *)parsed->pdata[i])->body);
		else
			tf_tfvars(&c, parsed->pdata[i], rank);
		tf_file_done(&c, all, &failed);
	}
	for (size_t i = 0; i < n; i++) {
		if (tf_file_rank(order[i]) == 0)
			tf_networks(&c, ((const struct hcl_file *)parsed->pdata[i])->body);
	}
	for (size_t i = 0; i < n; i++) {
		if (tf_file_rank(order[i]) != 0)
			continue;
		c.path = order[i]->path;
		dw_problems_init(&c.problems, c.path, EXTRACT_MAX_PROBLEMS);
		tf_resources(&c, ((const struct hcl_file *)parsed->pdata[i])->body);
		tf_file_done(&c, all, &failed);
	}
	if (tf_eval_over_limit(ev)) {
		const char *path = n ? order[0]->path : dir;

		if (failed_out)
			*failed_out = g_strdup(path);
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: values too large to evaluate (more than %zu)",
		            path, (size_t)DW_LIMIT_NODES);
		return false;
	}
	if (all->len)
		return tf_fail(all, &failed, failed_out, error);
	/* A module's rules name their groups inside it: join them here, and
	 * a rule left without its group is a resource of its own. */
	resources_join(found);
	for (guint i = 0; i < found->len; i++)
		((struct resource *)found->pdata[i])->fragment = false;
	if (!tf_check_limits(found, failed_out, error))
		return false;
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}
