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
 * The readers of each provider are in extract_tf_aws.c, extract_tf_azure.c
 * and extract_tf_gcp.c; this file reads the module, its values, its module
 * calls, and the rule attributes they share (extract_tf_private.h).
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
#include "extract_tf_private.h"
#include "hcl.h"
#include "tf_eval.h"


void tf_error(struct tf_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dw_problems_vadd(&c->problems, line, fmt, ap);
	va_end(ap);
}

char *tf_identity(const struct tf_ctx *c, const char *address)
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
char *tf_ref_address(const struct tf_ctx *c, const struct tf_value *v)
{
	if (v->text[0] == TF_REF_OUTER)
		return g_strdup(v->text + 1);
	return g_strconcat(c->prefix, v->text, NULL);
}

/* Is v a reference to a resource of type (wherever it is declared)? */
bool tf_ref_is(const struct tf_value *v, const char *type)
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

/*
 * A malformed value makes its rule unknown, not the file unreadable: one
 * bad rule must not hide the others beside it (Terraform would refuse the
 * rule at plan; what it was meant to let in is not known).
 */
void tf_rule_bad(struct tf_rule *tr, unsigned line, const char *what, const char *text)
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
struct tf_value *tf_rule_get(struct tf_rule *tr, const char *name, unsigned *line_out)
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
const char *tf_value_kind_name(const struct tf_value *v)
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
char *tf_rule_string(struct tf_rule *tr, const char *name, unsigned *line_out)
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
void tf_rule_missing(struct tf_rule *tr, unsigned line, const char *what)
{
	if (!tr->bad)
		resource_add_unknown(tr->r, line, "%s: %s", tr->address, what);
	tr->bad = true;
}

bool tf_rule_bool(struct tf_rule *tr, const char *name, bool dflt)
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
bool tf_rule_each(struct tf_rule *tr, const char *name, bool list, tf_item_fn fn, void *user_data)
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

bool tf_parse_int(const char *text, gint64 lo, gint64 hi, gint64 *out)
{
	return text && text[0] != '+' && !g_ascii_isspace(text[0]) &&
	       g_ascii_string_to_signed(text, 10, lo, hi, out, NULL);
}

/* An integer attribute in lo..hi; false (reported) when absent or wrong. */
bool tf_rule_int(struct tf_rule *tr, const char *name, gint64 lo, gint64 hi, bool required,
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
void tf_source_cidr(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	srcset *src = user_data;
	const char *text = tf_value_text(item);
	g_autoptr(GError) cidr_error = NULL;

	if (!text || !srcset_add_cidr(src, text, &cidr_error))
		tf_rule_bad(tr, line, "expected a CIDR block", text);
}

/* A security group or prefix list: a reference to a resource of the
 * module, or an id as written. */
void tf_source_atom(struct tf_rule *tr, const struct tf_value *item, const char *prefix,
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

void tf_source_sg(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "aws-sg:", line, user_data);
}

void tf_source_pl(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "aws-pl:", line, user_data);
}

/* ---- rules in resources of their own, and inline lists ---------------- */

/* A resource of this module, or the resource-of-its-own/fragment choice:
 * the identity of the group ref names, when it is a resource of type. */
char *tf_group_ref(struct tf_ctx *c, const struct hcl_body *body, const char *key, const char *type)
{
	const struct hcl_attribute *a = hcl_body_attribute(body, key);
	g_autoptr(tf_value) v = a ? tf_eval_expr(c->ev, a->expr) : NULL;

	if (!v || !tf_ref_is(v, type))
		return NULL;
	return tf_ref_address(c, v);
}

/* The resource a rule resource joins: its group's, as a fragment, else its own. */
struct resource *tf_rule_resource(struct tf_ctx *c, const char *address, const char *kind,
                                  const char *group, unsigned line, enum resource_model model)
{
	g_autofree char *identity = tf_identity(c, group ? group : address);
	struct resource *r = resource_new(identity, kind, group ? group : address, c->path, line, model);

	r->fragment = group != NULL;
	g_ptr_array_add(c->found, r);
	return r;
}

void tf_block_unknown(struct resource *r, const char *address, const struct hcl_block *b)
{
	const char *label = b->labels->len ? b->labels->pdata[0] : "?";

	resource_add_unknown(r, b->line, "%s: dynamic \"%s\" block, not evaluated", address, label);
}

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
void tf_inline_list(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
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

/* ---- ports and matches shared by Azure and GCP ------------------------ */

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

void tf_port_item(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
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

exposure *tf_ranges_match(unsigned proto_lo, unsigned proto_hi, const GArray *ranges, const srcset *src)
{
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (guint i = 0; i + 1 < ranges->len; i += 2)
		g_ptr_array_add(boxes, exposure_new_box(proto_lo, proto_hi, g_array_index(ranges, unsigned, i),
		                                        g_array_index(ranges, unsigned, i + 1), src));
	return exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
}

/* An Azure rule's attributes, for a single value or a list of them. */
bool tf_rule_one_or_many(struct tf_rule *tr, const char *one, const char *many, tf_item_fn fn,
                         void *user_data)
{
	bool a = tf_rule_each(tr, one, false, fn, user_data);
	bool b = tf_rule_each(tr, many, true, fn, user_data);

	return a || b;
}

/* ---- settings-style exposure: shared helpers -------------------------- */

const struct hcl_block *tf_body_block(const struct hcl_body *body, const char *type)
{
	for (guint i = 0; i < body->items->len; i++) {
		const struct hcl_item *it = body->items->pdata[i];

		if (it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, type) == 0)
			return &it->block;
	}
	return NULL;
}

struct resource *tf_settings_resource(struct tf_ctx *c, const char *address, const char *kind,
                                      const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, kind, address, c->path, res->line, RESOURCE_SETTINGS);

	g_ptr_array_add(c->found, r);
	return r;
}

/* A bool attribute as a setting "on"/"off" (dflt when absent); unknowns recorded. */
void tf_setting_bool(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
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

/* ---- module calls and types not read ---------------------------------- */

#define TF_KIND_MODULE "Terraform module"
#define TF_KIND_UNREAD "Terraform resource"
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
		                .networks = networks, .lbs = c->lbs };

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
	else if (c->depth >= DW_LIMIT_TF_MODULE_DEPTH || *c->modules >= DW_LIMIT_TF_MODULES)
		why = g_strdup_printf("source \"%s\": more module calls than driftwatch follows (%u deep, %u in all)",
		                      quoted, DW_LIMIT_TF_MODULE_DEPTH, DW_LIMIT_TF_MODULES);
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
	{ "aws_default_security_group", tf_aws_security_group },
	{ "aws_db_security_group", tf_aws_db_security_group },
	{ "aws_rds_cluster_instance", tf_aws_public_flag },
	{ "aws_neptune_cluster_instance", tf_aws_public_flag },
	{ "aws_mq_broker", tf_aws_public_flag },
	{ "aws_dms_replication_instance", tf_aws_public_flag },
	{ "aws_redshift_cluster", tf_aws_public_flag },
	{ "aws_msk_cluster", tf_aws_msk },
	{ "aws_eks_cluster", tf_aws_eks },
	{ "google_sql_database_instance", tf_gcp_sql_instance },
	{ "google_container_cluster", tf_gcp_gke },
	{ "azurerm_kubernetes_cluster", tf_azure_aks },
	{ "aws_default_network_acl", tf_aws_nacl },
	{ "aws_lb", tf_aws_lb },
	{ "aws_alb", tf_aws_lb },
	{ "aws_elb", tf_aws_elb },
	{ "aws_lb_listener", tf_aws_lb_listener },
	{ "aws_alb_listener", tf_aws_lb_listener },
	{ "aws_eks_node_group", tf_aws_eks_node_group },
	{ "azurerm_storage_account", tf_azure_storage },
	{ "azurerm_storage_account_network_rules", tf_azure_storage_network_rules },
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
	if (tf_k8s_type(type)) {
		tf_k8s_resource(c, address, res);
		return;
	}
	if (tf_azure_firewall_type(type)) {
		tf_azure_firewall_rule(c, address, res);
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
	g_autoptr(GPtrArray) lbs = g_ptr_array_new_with_free_func((GDestroyNotify)tf_lb_free);
	unsigned modules = 0;
	struct tf_ctx c = { .dir = dir, .prefix = "", .here = dir, .opts = opts, .modules = &modules, .ev = ev,
		            .found = found, .networks = networks, .lbs = lbs };

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
	tf_azure_storage_resolve(found);
	resources_join(found);
	tf_aws_lb_resolve(found, lbs);
	for (guint i = 0; i < found->len; i++)
		((struct resource *)found->pdata[i])->fragment = false;
	if (!tf_check_limits(found, failed_out, error))
		return false;
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}

/* A plan JSON's module (extract_tfplan.c): read like a called module's files. */
bool extract_tf_plan_module(GPtrArray *out, const char *dir, const char *path, const char *prefix,
                            const char *text, size_t len, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GString) all = g_string_new(NULL);
	g_autofree char *failed = NULL;
	g_autoptr(hcl_file) f = NULL;
	g_autoptr(tf_eval) ev = tf_eval_new();
	g_autoptr(GHashTable) networks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	unsigned modules = 0;
	struct tf_ctx c = { .dir = dir, .prefix = prefix, .here = dir, .modules = &modules, .ev = ev,
		            .found = found, .networks = networks, .path = path };

	if (!hcl_parse(&f, path, text, len, error))
		return false;
	dw_problems_init(&c.problems, path, EXTRACT_MAX_PROBLEMS);
	tf_declare(&c, f->body);
	tf_networks(&c, f->body);
	tf_resources(&c, f->body);
	tf_file_done(&c, all, &failed);
	if (tf_eval_over_limit(ev)) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: values too large to evaluate (more than %zu)", path,
		            (size_t)DW_LIMIT_NODES);
		return false;
	}
	if (all->len)
		return tf_fail(all, &failed, NULL, error);
	resources_join(found);
	for (guint i = 0; i < found->len; i++)
		((struct resource *)found->pdata[i])->fragment = false;
	if (!tf_check_limits(found, NULL, error))
		return false;
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}
