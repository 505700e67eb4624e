/*
 * extract_cfn.c - CloudFormation templates (YAML or JSON): the ingress
 * rules of each AWS::EC2::SecurityGroup.
 *
 * Follows "AWS::EC2::SecurityGroup" and "AWS::EC2::SecurityGroupIngress"
 * in the CloudFormation User Guide:
 * - A security group allows the union of its rules; there are no denies.
 * - Rules come inline (Properties.SecurityGroupIngress) or as standalone
 *   AWS::EC2::SecurityGroupIngress resources naming their group in
 *   GroupId; the latter become fragments joined by resources_join().
 * - IpProtocol "-1" is every protocol and port; for protocols other than
 *   tcp and udp the ports are ignored (for icmp FromPort is the ICMP type,
 *   which is not modelled: the whole protocol counts).
 * - Intrinsics: Ref to a parameter uses its Default, Ref / Fn::GetAtt
 *   GroupId of a group in the template name that group. Anything else
 *   (Fn::Sub, Fn::If, Fn::ImportValue ...) is an unknown, never a guess.
 * - Conditions on resources are not evaluated: every resource counts as
 *   created, which can only overstate what gets in.
 * - A malformed value inside one rule makes that rule an unknown; the
 *   rest of the template is still read.
 * Also read: network ACLs (AWS::EC2::NetworkAcl and its NetworkAclEntry
 * resources, first match by RuleNumber), legacy DB security groups
 * (AWS::RDS::DBSecurityGroup), "publicly accessible" flags (RDS, Redshift,
 * Amazon MQ, DMS, MSK) and OpenSearch/Elasticsearch domain access
 * policies, as the settings Terraform's equivalents record, and the
 * public API endpoint of an EKS cluster.
 * Identities: aws-sg:ID, aws-nacl:ID, aws-dbsg:ID, aws-eks:ID, aws:ID (settings).
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"

#define CFN_KIND "AWS security group"
#define CFN_KIND_NACL "AWS network ACL"
#define CFN_KIND_DBSG "AWS DB security group"
#define CFN_KIND_SEARCH "AWS OpenSearch domain"
#define CFN_TYPE_SG "AWS::EC2::SecurityGroup"
#define CFN_TYPE_INGRESS "AWS::EC2::SecurityGroupIngress"

struct cfn_ctx {
	const struct doc *d;
	const struct doc_node *parameters; /* the template's "Parameters", or NULL */
	const struct doc_node *resources;  /* the template's "Resources" */
	GPtrArray *found;                  /* struct resource *, owned */
	struct dw_problems problems;
	/* While one ingress rule is read: what is wrong with it, so that it
	 * becomes one unknown rule instead of failing the file; else NULL. */
	GString *rule_why;
};

enum cfn_kind {
	CFN_LITERAL,  /* text */
	CFN_RESOURCE, /* Ref to a resource: text is its logical id */
	CFN_GETATT,   /* text is the logical id, attr the attribute */
	CFN_UNKNOWN,  /* why says why */
	CFN_BAD,      /* malformed; an error was added */
};

struct cfn_value {
	enum cfn_kind kind;
	char *text;   /* owned */
	char *attr;   /* owned */
	char *why;    /* owned */
	unsigned line;
};

static void cfn_value_clear(struct cfn_value *v)
{
	g_clear_pointer(&v->text, g_free);
	g_clear_pointer(&v->attr, g_free);
	g_clear_pointer(&v->why, g_free);
}

/*
 * The intrinsic function a node calls, in short form ("!Ref X", tag kept
 * by the YAML reader) or long form ({"Ref": X}, {"Fn::GetAtt": [...]});
 * its argument in *arg. NULL for a plain value.
 */
static const char *cfn_intrinsic(const struct doc_node *n, const struct doc_node **arg)
{
	const char *key;

	if (n == NULL)
		return NULL;
	if (n->tag != NULL && n->tag[0] == '!' && n->tag[1] != '!' && n->tag[1] != '\0') {
		*arg = n;
		return n->tag + 1;
	}
	if (n->kind != DOC_MAP || n->n != 1 || (key = doc_scalar(n->pairs[0].key)) == NULL)
		return NULL;
	if (strcmp(key, "Ref") == 0 || strcmp(key, "Condition") == 0) {
		*arg = n->pairs[0].value;
		return key;
	}
	if (g_str_has_prefix(key, "Fn::") && key[4] != '\0') {
		*arg = n->pairs[0].value;
		return key + 4;
	}
	return NULL;
}

/* How a value is written, for a message: "!Sub '${Cidr}'", "!If [...]". */
static char *cfn_describe(const struct doc_node *n)
{
	const struct doc_node *arg = NULL;
	const char *fn = cfn_intrinsic(n, &arg);
	g_autofree char *text = NULL;

	if (doc_scalar(arg != NULL ? arg : n) != NULL)
		text = extract_quote(doc_scalar(arg != NULL ? arg : n));
	else
		text = g_strdup((arg != NULL ? arg : n)->kind == DOC_LIST ? "[...]" : "{...}");
	if (fn == NULL)
		return g_steal_pointer(&text);
	return g_strdup_printf("!%s %s", fn, text);
}

/* A scalar that is not an intrinsic. */
static const char *cfn_plain(const struct doc_node *n)
{
	const struct doc_node *arg;

	return cfn_intrinsic(n, &arg) == NULL ? doc_scalar(n) : NULL;
}

static void cfn_set(struct cfn_value *out, enum cfn_kind kind, const char *text, unsigned line)
{
	out->kind = kind;
	out->text = g_strdup(text);
	out->line = line;
}

static void cfn_unknown(struct cfn_value *out, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void cfn_unknown(struct cfn_value *out, unsigned line, const char *fmt, ...)
{
	va_list ap;

	out->kind = CFN_UNKNOWN;
	out->line = line;
	va_start(ap, fmt);
	out->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

static void cfn_problem(struct cfn_ctx *c, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/*
 * A malformed value. Inside an ingress rule it makes that rule unknown
 * (one unreadable value must not hide a world-open rule beside it);
 * elsewhere the file cannot be analysed.
 */
static void cfn_problem(struct cfn_ctx *c, unsigned line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (c->rule_why == NULL) {
		dw_problems_add(&c->problems, line, "%s", what);
		return;
	}
	if (c->rule_why->len > 0)
		g_string_append(c->rule_why, "; ");
	if (c->rule_why->len < EXTRACT_QUOTE_MAX * 4)
		g_string_append(c->rule_why, what);
}

/* Ref NAME: a parameter's Default, a resource, or a pseudo parameter. */
static void cfn_resolve_ref(struct cfn_ctx *c, const char *name, unsigned line, struct cfn_value *out)
{
	const struct doc_node *param = doc_map_get(c->parameters, name);
	const struct doc_node *def = doc_map_get(param, "Default");

	if (param != NULL && def != NULL && cfn_plain(def) != NULL)
		cfn_set(out, CFN_LITERAL, cfn_plain(def), def->line);
	else if (param != NULL && def != NULL)
		cfn_unknown(out, line, "the Default of parameter %s is not a single value", name);
	else if (param != NULL)
		cfn_unknown(out, line, "parameter %s has no Default", name);
	else if (g_str_has_prefix(name, "AWS::"))
		cfn_unknown(out, line, "%s is a pseudo parameter", name);
	else if (doc_map_get(c->resources, name) != NULL)
		cfn_set(out, CFN_RESOURCE, name, line);
	else {
		g_autofree char *quoted = extract_quote(name);

		cfn_problem(c, line, "Ref to \"%s\", which the template does not declare", quoted);
		out->kind = CFN_BAD;
	}
}

/* Fn::GetAtt: "X.Attr" or [X, Attr]. */
static void cfn_resolve_getatt(struct cfn_ctx *c, const struct doc_node *arg, struct cfn_value *out)
{
	const char *text = doc_scalar(arg);
	const char *dot;

	if (text != NULL && (dot = strchr(text, '.')) != NULL) {
		out->kind = CFN_GETATT;
		out->text = g_strndup(text, (gsize)(dot - text));
		out->attr = g_strdup(dot + 1);
		out->line = arg->line;
	} else if (arg->kind == DOC_LIST && arg->n == 2 && cfn_plain(arg->items[0]) != NULL &&
	           cfn_plain(arg->items[1]) != NULL) {
		out->kind = CFN_GETATT;
		out->text = g_strdup(cfn_plain(arg->items[0]));
		out->attr = g_strdup(cfn_plain(arg->items[1]));
		out->line = arg->line;
	} else if (arg->kind == DOC_LIST && arg->n == 2) {
		cfn_unknown(out, arg->line, "its attribute is not evaluated");
	} else {
		cfn_problem(c, arg->line, "expected Fn::GetAtt RESOURCE.ATTRIBUTE or [RESOURCE, ATTRIBUTE]");
		out->kind = CFN_BAD;
	}
}

static void cfn_resolve(struct cfn_ctx *c, const struct doc_node *n, struct cfn_value *out)
{
	const struct doc_node *arg = NULL;
	const char *fn = cfn_intrinsic(n, &arg);

	memset(out, 0, sizeof(*out));
	out->line = n->line;
	if (fn == NULL && doc_scalar(n) != NULL) {
		cfn_set(out, CFN_LITERAL, doc_scalar(n), n->line);
	} else if (fn == NULL) {
		cfn_problem(c, n->line, "expected a single value, got a %s",
		            n->kind == DOC_LIST ? "list" : "map");
		out->kind = CFN_BAD;
	} else if (strcmp(fn, "Ref") == 0 && doc_scalar(arg) != NULL) {
		cfn_resolve_ref(c, doc_scalar(arg), n->line, out);
	} else if (strcmp(fn, "GetAtt") == 0) {
		cfn_resolve_getatt(c, arg, out);
	} else if (strcmp(fn, "Sub") == 0 && doc_scalar(arg) != NULL && strstr(doc_scalar(arg), "${") == NULL) {
		cfn_set(out, CFN_LITERAL, doc_scalar(arg), n->line);
	} else {
		cfn_unknown(out, n->line, "not evaluated");
	}
}

/* ---- rules ------------------------------------------------------------ */

/* One ingress rule being read. */
struct cfn_rule {
	struct cfn_ctx *c;
	struct resource *r;
	const struct doc_node *props;
	const char *group;  /* for messages */
	unsigned line;
	bool unknown;       /* some value was not evaluated (recorded on r) */
	bool bad;           /* some value was malformed (an error was added) */
};

static void cfn_rule_bad(struct cfn_rule *cr, unsigned line, const char *what, const char *text)
{
	g_autofree char *quoted = extract_quote(text);

	cfn_problem(cr->c, line, "%s, got \"%s\"", what, quoted);
	cr->bad = true;
}

/*
 * The value of key, resolved; NULL when absent. Unknown values are
 * recorded on the resource and given as CFN_UNKNOWN.
 */
static bool cfn_rule_get(struct cfn_rule *cr, const char *key, struct cfn_value *out)
{
	const struct doc_node *n = doc_map_get(cr->props, key);

	if (n == NULL || n->kind == DOC_NULL)
		return false;
	cfn_resolve(cr->c, n, out);
	if (out->kind == CFN_UNKNOWN) {
		g_autofree char *desc = cfn_describe(n);

		resource_add_unknown(cr->r, out->line, "security group %s: %s is %s, %s", cr->group, key, desc,
		                     out->why);
		cr->unknown = true;
	} else if (out->kind == CFN_BAD) {
		cr->bad = true;
	}
	return true;
}

/* A whole decimal number in lo..hi, with an optional "-" (for -1). */
static bool cfn_parse_int(const char *text, gint64 lo, gint64 hi, gint64 *out)
{
	return g_ascii_string_to_signed(text, 10, lo, hi, out, NULL) && !g_ascii_isspace(text[0]) &&
	       text[0] != '+';
}

bool cfn_parse_protocol(const char *text, unsigned *lo, unsigned *hi)
{
	static const struct {
		const char *name;
		unsigned proto;
	} names[] = {
		{ "tcp", EXPOSURE_PROTO_TCP }, { "udp", EXPOSURE_PROTO_UDP },
		{ "icmp", EXPOSURE_PROTO_ICMP }, { "icmpv6", EXPOSURE_PROTO_ICMPV6 },
	};
	gint64 n;

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(text, names[i].name) == 0) {
			*lo = *hi = names[i].proto;
			return true;
		}
	}
	if (!cfn_parse_int(text, -1, EXPOSURE_PROTO_MAX, &n))
		return false;
	*lo = n < 0 ? 0 : (unsigned)n;
	*hi = n < 0 ? EXPOSURE_PROTO_MAX : (unsigned)n;
	return true;
}

/* FromPort or ToPort: 0..65535, or -1 for all. */
static bool cfn_rule_port(struct cfn_rule *cr, const char *key, gint64 *out)
{
	struct cfn_value v = { 0 };
	bool ok = false;

	if (!cfn_rule_get(cr, key, &v)) {
		cfn_problem(cr->c, cr->line, "no %s", key);
		cr->bad = true;
	} else if (v.kind == CFN_LITERAL && !cfn_parse_int(v.text, -1, EXPOSURE_PORT_MAX, out)) {
		cfn_rule_bad(cr, v.line, "expected a port or -1", v.text);
	} else if (v.kind == CFN_RESOURCE || v.kind == CFN_GETATT) {
		cfn_rule_bad(cr, v.line, "expected a port or -1", v.text);
	} else {
		ok = v.kind == CFN_LITERAL;
	}
	cfn_value_clear(&v);
	return ok;
}

/*
 * An atom for a group or prefix list named by a literal, a Ref or GetAtt.
 * GetAtt X.attr (X.GroupId) names X as Ref X does; any other attribute
 * (an ELB's SourceSecurityGroup.GroupName) is still a named source, an
 * opaque atom "PREFIX X.ATTRIBUTE": who is in it is not in the template.
 */
static void cfn_rule_atom(const char *prefix, const char *attr, const struct cfn_value *v, srcset *src)
{
	g_autofree char *atom = NULL;

	if (v->kind == CFN_GETATT && strcmp(v->attr, attr) != 0)
		atom = g_strconcat(prefix, v->text, ".", v->attr, NULL);
	else if (v->kind == CFN_LITERAL || v->kind == CFN_RESOURCE || v->kind == CFN_GETATT)
		atom = g_strconcat(prefix, v->text, NULL);
	else
		return;
	srcset_add_atom(src, atom);
}

static void cfn_rule_cidr(struct cfn_rule *cr, const struct cfn_value *v, bool v6, srcset *src)
{
	g_autoptr(GError) cidr_error = NULL;

	if (v->kind == CFN_UNKNOWN || v->kind == CFN_BAD)
		return;
	if (v->kind != CFN_LITERAL || (strchr(v->text, ':') != NULL) != v6 ||
	    !srcset_add_cidr(src, v->text, &cidr_error))
		cfn_rule_bad(cr, v->line, v6 ? "expected an IPv6 CIDR" : "expected an IPv4 CIDR", v->text);
}

/* The sources of a rule; false when it names none. */
static bool cfn_rule_sources(struct cfn_rule *cr, srcset *src)
{
	static const char *const keys[] = {
		"CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourceSecurityGroupName", "SourcePrefixListId",
	};
	bool any = false;

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		struct cfn_value v = { 0 };

		if (!cfn_rule_get(cr, keys[i], &v))
			continue;
		any = true;
		if (i < 2)
			cfn_rule_cidr(cr, &v, i == 1, src);
		else if (i == 2)
			cfn_rule_atom("aws-sg:", "GroupId", &v, src);
		else if (i == 3)
			cfn_rule_atom(v.kind == CFN_LITERAL ? "aws-sg-name:" : "aws-sg:", "GroupId", &v, src);
		else
			cfn_rule_atom("aws-pl:", "PrefixListId", &v, src);
		cfn_value_clear(&v);
	}
	return any;
}

static void cfn_rule_read(struct cfn_ctx *c, struct resource *r, const char *group, const char *name,
                          const struct doc_node *props, unsigned line)
{
	struct cfn_rule cr = { .c = c, .r = r, .props = props, .group = group, .line = line };
	struct cfn_value proto = { 0 };
	g_autoptr(srcset) src = srcset_new();
	unsigned proto_lo = 0, proto_hi = 0, port_lo = 0, port_hi = EXPOSURE_PORT_MAX;
	gint64 from = -1, to = -1;

	if (!cfn_rule_get(&cr, "IpProtocol", &proto)) {
		cfn_problem(c, line, "no IpProtocol");
		cr.bad = true;
	} else if (proto.kind == CFN_LITERAL && !cfn_parse_protocol(proto.text, &proto_lo, &proto_hi)) {
		cfn_rule_bad(&cr, proto.line, "expected a protocol (-1, tcp, udp, icmp, icmpv6, 0..255)",
		             proto.text);
	} else if (proto.kind == CFN_RESOURCE || proto.kind == CFN_GETATT) {
		cfn_rule_bad(&cr, proto.line, "expected a protocol", proto.text);
	}
	if (proto.kind == CFN_LITERAL && proto_lo == proto_hi && exposure_proto_has_ports(proto_lo) &&
	    proto_lo != EXPOSURE_PROTO_SCTP) {
		/* Both are read, so that both get reported when wrong. */
		bool from_ok = cfn_rule_port(&cr, "FromPort", &from);
		bool to_ok = cfn_rule_port(&cr, "ToPort", &to);

		if (from_ok && to_ok && from >= 0 && to >= 0 && from > to) {
			g_autofree char *range = g_strdup_printf("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, from, to);

			cfn_rule_bad(&cr, line, "expected FromPort <= ToPort", range);
		} else if (from >= 0 && to >= 0) {
			port_lo = (unsigned)from;
			port_hi = (unsigned)to;
		}
	}
	cfn_value_clear(&proto);
	if (!cfn_rule_sources(&cr, src)) {
		cfn_problem(c, line, "no source (CidrIp, CidrIpv6, SourceSecurityGroupId, "
		            "SourceSecurityGroupName, SourcePrefixListId)");
		cr.bad = true;
	}
	if (cr.bad || cr.unknown)
		return;
	resource_add_rule(r, name, line, true, 0, exposure_new_box(proto_lo, proto_hi, port_lo, port_hi, src));
}

/*
 * One ingress rule (props: the rule's map) into r. A value that is not
 * known leaves the rule out, with the unknown recorded: guessing either
 * way would make a finding up or hide one. A malformed value does the
 * same, with what is wrong: the rest of the template is still read.
 */
static void cfn_rule_add(struct cfn_ctx *c, struct resource *r, const char *group, const char *name,
                         const struct doc_node *props, unsigned line)
{
	g_autoptr(GString) why = g_string_new(NULL);

	c->rule_why = why;
	cfn_rule_read(c, r, group, name, props, line);
	c->rule_why = NULL;
	if (why->len > 0)
		resource_add_unknown(r, line, "security group %s: ingress rule%s%s cannot be read: %s", group,
		                     name != NULL ? " " : "", name != NULL ? name : "", why->str);
}

/* ---- resources -------------------------------------------------------- */

static void cfn_security_group(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                               const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	const struct doc_node *rules = doc_map_get(props, "SecurityGroupIngress");
	g_autofree char *identity = g_strconcat("aws-sg:", id, NULL);
	struct resource *r = resource_new(identity, CFN_KIND, id, c->d->path, key->line, RESOURCE_UNION);
	const struct doc_node *arg;

	g_ptr_array_add(c->found, r);
	if (rules == NULL || rules->kind == DOC_NULL)
		return;
	if (cfn_intrinsic(rules, &arg) != NULL || rules->kind != DOC_LIST) {
		g_autofree char *desc = cfn_describe(rules);

		if (cfn_intrinsic(rules, &arg) == NULL)
			resource_add_unknown(r, rules->line, "security group %s: SecurityGroupIngress cannot be "
			                     "read: expected a list, got %s", id, desc);
		else
			resource_add_unknown(r, rules->line, "security group %s: SecurityGroupIngress is %s, "
			                     "not evaluated", id, desc);
		return;
	}
	for (size_t i = 0; i < rules->n; i++) {
		const struct doc_node *rule = rules->items[i];

		if (cfn_intrinsic(rule, &arg) != NULL) {
			g_autofree char *desc = cfn_describe(rule);

			resource_add_unknown(r, rule->line, "security group %s: ingress rule is %s, not evaluated",
			                     id, desc);
		} else if (rule->kind != DOC_MAP) {
			g_autofree char *desc = cfn_describe(rule);

			resource_add_unknown(r, rule->line, "security group %s: ingress rule cannot be read: "
			                     "expected a map, got %s", id, desc);
		} else {
			cfn_rule_add(c, r, id, cfn_plain(doc_map_get(rule, "Description")), rule, rule->line);
		}
	}
}

/*
 * The group a standalone ingress belongs to, as "aws-sg:X": a group of
 * this template (Ref, GetAtt GroupId), a literal id ("sg-0abc"), a
 * parameter's Default; else the value as written, with an unknown.
 */
static char *cfn_ingress_group(struct cfn_ctx *c, const struct doc_node *props, unsigned line,
                               char **why_out)
{
	const struct doc_node *n = doc_map_get(props, "GroupId");
	struct cfn_value v = { 0 };
	char *group = NULL;

	if (n == NULL)
		n = doc_map_get(props, "GroupName");
	if (n == NULL || n->kind == DOC_NULL) {
		dw_problems_add(&c->problems, line, "security group ingress has no GroupId");
		return NULL;
	}
	cfn_resolve(c, n, &v);
	if (v.kind == CFN_GETATT && strcmp(v.attr, "GroupId") != 0) {
		dw_problems_add(&c->problems, v.line,
		                "expected Fn::GetAtt %s.GroupId for GroupId, got %s.%s", v.text,
		                v.text, v.attr);
	} else if (v.kind == CFN_LITERAL || v.kind == CFN_RESOURCE || v.kind == CFN_GETATT) {
		group = g_strdup(v.text);
	} else if (v.kind == CFN_UNKNOWN) {
		g_autofree char *desc = cfn_describe(n);

		*why_out = g_strdup_printf("GroupId is %s, %s", desc, v.why);
		group = g_steal_pointer(&desc);
	}
	cfn_value_clear(&v);
	return group;
}

static void cfn_ingress(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                        const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	g_autofree char *why = NULL;
	g_autofree char *group = cfn_ingress_group(c, props, key->line, &why);
	g_autofree char *identity = NULL;
	struct resource *r;

	if (group == NULL)
		return;
	identity = g_strconcat("aws-sg:", group, NULL);
	r = resource_new(identity, CFN_KIND, group, c->d->path, key->line, RESOURCE_UNION);
	r->fragment = true;
	g_ptr_array_add(c->found, r);
	if (why != NULL)
		resource_add_unknown(r, key->line, "security group ingress %s: %s", id, why);
	cfn_rule_add(c, r, group, id, props, key->line);
}

/* ---- values of other resources ------------------------------------------ */

/*
 * The literal text of props.key, resolved; NULL when absent (nothing
 * recorded), not known (an unknown "WHAT: KEY is ..., WHY" on r, and
 * *failed set) or malformed (a problem, routed as cfn_problem() does, and
 * *failed set). New string.
 */
static char *cfn_literal(struct cfn_ctx *c, struct resource *r, const char *what, const struct doc_node *props,
                         const char *key, bool *failed)
{
	const struct doc_node *n = doc_map_get(props, key);
	struct cfn_value v = { 0 };
	char *text = NULL;

	if (n == NULL || n->kind == DOC_NULL)
		return NULL;
	cfn_resolve(c, n, &v);
	if (v.kind == CFN_LITERAL) {
		text = g_steal_pointer(&v.text);
	} else if (v.kind == CFN_UNKNOWN) {
		g_autofree char *desc = cfn_describe(n);

		resource_add_unknown(r, v.line, "%s: %s is %s, %s", what, key, desc, v.why);
		*failed = true;
	} else {
		if (v.kind != CFN_BAD)
			cfn_problem(c, v.line, "expected a value for %s, got a reference to %s", key, v.text);
		*failed = true;
	}
	cfn_value_clear(&v);
	return text;
}

/* The logical id (or literal id) that key of props names, for a resource
 * that joins another (a NetworkAclEntry's NetworkAclId); NULL when absent
 * or not known, with *why_out set for the latter. */
static char *cfn_target(struct cfn_ctx *c, const struct doc_node *props, const char *key, char **why_out)
{
	const struct doc_node *n = doc_map_get(props, key);
	struct cfn_value v = { 0 };
	char *target = NULL;

	if (n == NULL || n->kind == DOC_NULL)
		return NULL;
	cfn_resolve(c, n, &v);
	if (v.kind == CFN_LITERAL || v.kind == CFN_RESOURCE || v.kind == CFN_GETATT) {
		target = g_strdup(v.text);
	} else if (v.kind == CFN_UNKNOWN) {
		g_autofree char *desc = cfn_describe(n);

		*why_out = g_strdup_printf("%s is %s, %s", key, desc, v.why);
		target = g_steal_pointer(&desc);
	}
	cfn_value_clear(&v);
	return target;
}

/* ---- network ACLs ------------------------------------------------------- */

/*
 * AWS::EC2::NetworkAcl and AWS::EC2::NetworkAclEntry (CloudFormation User
 * Guide; "Network ACLs" in the VPC User Guide): entries are evaluated by
 * RuleNumber, lowest first, and a packet no entry matches is denied (the
 * "*" rule), so an ACL is a first-match list with nothing after its
 * entries. Egress entries are not read. Protocol is an IP protocol number
 * or -1; PortRange is required for TCP (6) and UDP (17).
 */
struct cfn_nacl_rule {
	unsigned proto_lo, proto_hi, port_lo, port_hi;
	gint64 number;
	bool allow;
};

static bool cfn_nacl_ports(struct cfn_ctx *c, struct resource *r, const char *what,
                           const struct doc_node *props, struct cfn_nacl_rule *e)
{
	const struct doc_node *range = doc_map_get(props, "PortRange");
	g_autofree char *from = NULL, *to = NULL;
	bool failed = false;
	gint64 a, b;

	e->port_lo = 0;
	e->port_hi = EXPOSURE_PORT_MAX;
	if (e->proto_lo != e->proto_hi || (e->proto_lo != EXPOSURE_PROTO_TCP && e->proto_lo != EXPOSURE_PROTO_UDP))
		return true;
	if (range == NULL || range->kind != DOC_MAP) {
		cfn_problem(c, props->line, "no PortRange for protocol %u", e->proto_lo);
		return false;
	}
	from = cfn_literal(c, r, what, range, "From", &failed);
	to = cfn_literal(c, r, what, range, "To", &failed);
	if (failed)
		return false;
	if (from == NULL || to == NULL || !cfn_parse_int(from, 0, EXPOSURE_PORT_MAX, &a) ||
	    !cfn_parse_int(to, 0, EXPOSURE_PORT_MAX, &b) || a > b) {
		cfn_problem(c, range->line, "expected PortRange From <= To, ports 0..65535");
		return false;
	}
	e->port_lo = (unsigned)a;
	e->port_hi = (unsigned)b;
	return true;
}

/* The values of one entry; false when it is left out (recorded). */
static bool cfn_nacl_read(struct cfn_ctx *c, struct resource *r, const char *what, const struct doc_node *props,
                          struct cfn_nacl_rule *e, srcset *src)
{
	g_autofree char *number = NULL, *proto = NULL, *action = NULL, *v4 = NULL, *v6 = NULL;
	bool failed = false;

	number = cfn_literal(c, r, what, props, "RuleNumber", &failed);
	proto = cfn_literal(c, r, what, props, "Protocol", &failed);
	action = cfn_literal(c, r, what, props, "RuleAction", &failed);
	v4 = cfn_literal(c, r, what, props, "CidrBlock", &failed);
	v6 = cfn_literal(c, r, what, props, "Ipv6CidrBlock", &failed);
	if (failed)
		return false;
	if (number == NULL || !cfn_parse_int(number, 1, 32766, &e->number))
		cfn_problem(c, props->line, "expected a RuleNumber 1..32766");
	if (proto == NULL || !cfn_parse_protocol(proto, &e->proto_lo, &e->proto_hi))
		cfn_problem(c, props->line, "expected a Protocol (-1 or 0..255)");
	if (action == NULL || (g_ascii_strcasecmp(action, "allow") != 0 && g_ascii_strcasecmp(action, "deny") != 0))
		cfn_problem(c, props->line, "expected RuleAction allow or deny");
	e->allow = action != NULL && g_ascii_strcasecmp(action, "allow") == 0;
	if (v4 == NULL && v6 == NULL)
		cfn_problem(c, props->line, "no CidrBlock or Ipv6CidrBlock");
	if ((v4 != NULL && !srcset_add_cidr(src, v4, NULL)) || (v6 != NULL && !srcset_add_cidr(src, v6, NULL)))
		cfn_problem(c, props->line, "expected a CIDR, got \"%s\"", v4 != NULL ? v4 : v6);
	if (c->rule_why->len > 0)
		return false;
	return proto != NULL && cfn_nacl_ports(c, r, what, props, e);
}

static void cfn_nacl(struct cfn_ctx *c, const char *id, const struct doc_node *key)
{
	g_autofree char *identity = g_strconcat("aws-nacl:", id, NULL);

	g_ptr_array_add(c->found, resource_new(identity, CFN_KIND_NACL, id, c->d->path, key->line,
	                                       RESOURCE_FIRST_MATCH));
}

static void cfn_nacl_entry(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                           const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	g_autofree char *why = NULL, *what = NULL, *egress = NULL, *identity = NULL;
	g_autofree char *acl = cfn_target(c, props, "NetworkAclId", &why);
	g_autoptr(GString) problems = g_string_new(NULL);
	g_autoptr(srcset) src = srcset_new();
	struct cfn_nacl_rule e = { 0 };
	struct resource *r;
	bool failed = false;

	if (acl == NULL) {
		dw_problems_add(&c->problems, key->line, "network ACL entry %s has no NetworkAclId", id);
		return;
	}
	identity = g_strconcat("aws-nacl:", acl, NULL);
	r = resource_new(identity, CFN_KIND_NACL, acl, c->d->path, key->line, RESOURCE_FIRST_MATCH);
	r->fragment = true;
	g_ptr_array_add(c->found, r);
	what = g_strdup_printf("network ACL entry %s", id);
	if (why != NULL)
		resource_add_unknown(r, key->line, "%s: %s", what, why);
	egress = cfn_literal(c, r, what, props, "Egress", &failed);
	if (failed || (egress != NULL && g_ascii_strcasecmp(egress, "true") == 0))
		return;
	c->rule_why = problems;
	failed = !cfn_nacl_read(c, r, what, props, &e, src);
	c->rule_why = NULL;
	if (problems->len > 0)
		resource_add_unknown(r, key->line, "%s cannot be read: %s", what, problems->str);
	if (failed)
		return;
	resource_add_rule(r, id, key->line, e.allow, e.number,
	                  exposure_new_box(e.proto_lo, e.proto_hi, e.port_lo, e.port_hi, src));
}

/* ---- legacy DB security groups ------------------------------------------ */

/* Engines' default ports, for a DB security group whose instances are not
 * in the template (AWS::RDS::DBInstance Port: "the default port of the
 * engine"). */
static const struct {
	const char *prefix;
	unsigned port;
} cfn_db_ports[] = {
	{ "mysql", 3306 }, { "mariadb", 3306 }, { "aurora", 3306 }, { "postgres", 5432 },
	{ "aurora-postgresql", 5432 }, { "oracle", 1521 }, { "sqlserver", 1433 },
};

static unsigned cfn_db_engine_port(const char *engine)
{
	unsigned port = 0;

	for (size_t i = 0; engine != NULL && i < G_N_ELEMENTS(cfn_db_ports); i++) {
		if (g_str_has_prefix(engine, cfn_db_ports[i].prefix))
			port = cfn_db_ports[i].port;
	}
	return port;
}

/* Does the list node name group id (Ref, literal)? */
static bool cfn_list_names(struct cfn_ctx *c, const struct doc_node *list, const char *id)
{
	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
		const struct doc_node *arg = NULL;
		const char *fn = cfn_intrinsic(list->items[i], &arg);
		const char *text = fn != NULL && strcmp(fn, "Ref") == 0 ? doc_scalar(arg) : cfn_plain(list->items[i]);

		if (text != NULL && strcmp(text, id) == 0)
			return true;
	}
	return false;
}

/* The TCP ports of the DB instances of this template in group id: each
 * one's Port, or its engine's default; the default ports of every engine
 * when none is found there (recorded as an unknown). */
static exposure *cfn_dbsg_ports(struct cfn_ctx *c, struct resource *r, const char *id, const srcset *src)
{
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (size_t i = 0; i < c->resources->n; i++) {
		const struct doc_node *res = c->resources->pairs[i].value;
		const struct doc_node *props = doc_map_get(res, "Properties");
		const char *port = cfn_plain(doc_map_get(props, "Port"));
		gint64 v = cfn_db_engine_port(cfn_plain(doc_map_get(props, "Engine")));

		if (g_strcmp0(doc_scalar(doc_map_get(res, "Type")), "AWS::RDS::DBInstance") != 0 ||
		    !cfn_list_names(c, doc_map_get(props, "DBSecurityGroups"), id))
			continue;
		if (port != NULL && !cfn_parse_int(port, 1, EXPOSURE_PORT_MAX, &v))
			v = 0;
		if (v > 0)
			g_ptr_array_add(boxes, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, (unsigned)v,
			                                        (unsigned)v, src));
	}
	if (boxes->len == 0) {
		resource_add_unknown(r, r->line, "DB security group %s: the port of the databases it admits to "
		                     "is not in this template; the engines' default ports are assumed", id);
		for (size_t i = 0; i < G_N_ELEMENTS(cfn_db_ports); i++)
			g_ptr_array_add(boxes, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP,
			                                        cfn_db_ports[i].port, cfn_db_ports[i].port, src));
	}
	return exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
}

/*
 * AWS::RDS::DBSecurityGroup (EC2-Classic): DBSecurityGroupIngress lets a
 * CIDRIP or an EC2 security group reach the port of every DB instance in
 * the group; a union of allows, like a security group.
 */
static void cfn_db_security_group(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                                  const struct doc_node *res)
{
	const struct doc_node *rules = doc_map_get(doc_map_get(res, "Properties"), "DBSecurityGroupIngress");
	g_autofree char *identity = g_strconcat("aws-dbsg:", id, NULL);
	struct resource *r = resource_new(identity, CFN_KIND_DBSG, id, c->d->path, key->line, RESOURCE_UNION);
	g_autofree char *what = g_strdup_printf("DB security group %s", id);

	g_ptr_array_add(c->found, r);
	for (size_t i = 0; rules != NULL && rules->kind == DOC_LIST && i < rules->n; i++) {
		const struct doc_node *rule = rules->items[i];
		g_autoptr(GString) problems = g_string_new(NULL);
		g_autoptr(srcset) src = srcset_new();
		g_autofree char *cidr = NULL, *sg_id = NULL, *sg_name = NULL, *why_id = NULL, *why_name = NULL;
		bool failed = false;

		c->rule_why = problems;
		cidr = cfn_literal(c, r, what, rule, "CIDRIP", &failed);
		sg_id = cfn_target(c, rule, "EC2SecurityGroupId", &why_id);
		sg_name = cfn_target(c, rule, "EC2SecurityGroupName", &why_name);
		if (why_id != NULL || why_name != NULL) {
			resource_add_unknown(r, rule->line, "%s: %s", what, why_id != NULL ? why_id : why_name);
			failed = true;
		}
		if (cidr != NULL && !srcset_add_cidr(src, cidr, NULL))
			cfn_problem(c, rule->line, "expected a CIDR for CIDRIP, got \"%s\"", cidr);
		if (cidr == NULL && sg_id == NULL && sg_name == NULL && !failed)
			cfn_problem(c, rule->line, "no CIDRIP, EC2SecurityGroupId or EC2SecurityGroupName");
		c->rule_why = NULL;
		if (sg_id != NULL || sg_name != NULL) {
			g_autofree char *atom = g_strconcat("aws-sg:", sg_id != NULL ? sg_id : sg_name, NULL);

			srcset_add_atom(src, atom);
		}
		if (problems->len > 0)
			resource_add_unknown(r, rule->line, "%s: ingress cannot be read: %s", what, problems->str);
		if (failed || problems->len > 0)
			continue;
		resource_add_rule(r, NULL, rule->line, true, 0, cfn_dbsg_ports(c, r, id, src));
	}
}

/* ---- "publicly accessible" flags, search domain policies ------------------ */

/*
 * Services a flag makes reachable from the Internet, with each flag's
 * documented default when absent (CloudFormation User Guide):
 * RDS DBInstance PubliclyAccessible (true in a default VPC, that is with
 * no DBSubnetGroupName; false in a VPC subnet group), Redshift Cluster
 * (false), AmazonMQ Broker (required), DMS ReplicationInstance (true),
 * MSK ConnectivityInfo.PublicAccess.Type (DISABLED). The setting is
 * "public" (extract.h), which DW-SET-010 judges.
 */
static const struct {
	const char *type;
	const char *kind;
	const char *key;   /* NULL: MSK's nested PublicAccess.Type */
	int dflt;          /* 1 on, 0 off, -1 RDS's rule above */
} cfn_public_types[] = {
	{ "AWS::RDS::DBInstance", "AWS RDS instance", "PubliclyAccessible", -1 },
	{ "AWS::Redshift::Cluster", "AWS Redshift cluster", "PubliclyAccessible", 0 },
	{ "AWS::AmazonMQ::Broker", "AWS MQ broker", "PubliclyAccessible", 0 },
	{ "AWS::DMS::ReplicationInstance", "AWS DMS replication instance", "PubliclyAccessible", 1 },
	{ "AWS::MSK::Cluster", "AWS MSK cluster", NULL, 0 },
};

static void cfn_public_flag(struct cfn_ctx *c, size_t t, const char *id, const struct doc_node *key,
                            const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	const char *attr = cfn_public_types[t].key;
	g_autofree char *identity = g_strconcat("aws:", id, NULL);
	struct resource *r = resource_new(identity, cfn_public_types[t].kind, id, c->d->path, key->line,
	                                  RESOURCE_SETTINGS);
	g_autofree char *value = NULL, *raw = NULL;
	const struct doc_node *where = props;
	bool failed = false, on;

	g_ptr_array_add(c->found, r);
	if (attr == NULL) {
		where = doc_map_get(doc_map_get(props, "ConnectivityInfo"), "PublicAccess");
		attr = "Type";
	}
	value = cfn_literal(c, r, id, where, attr, &failed);
	if (failed)
		return;
	if (value != NULL)
		on = cfn_public_types[t].key != NULL ? g_ascii_strcasecmp(value, "true") == 0
		                                     : g_ascii_strcasecmp(value, "DISABLED") != 0;
	else if (cfn_public_types[t].dflt >= 0)
		on = cfn_public_types[t].dflt == 1;
	else
		on = doc_map_get(props, "DBSubnetGroupName") == NULL;
	raw = value != NULL ? g_strdup_printf("%s: %s", cfn_public_types[t].key != NULL ? attr
	                                                : "ConnectivityInfo.PublicAccess.Type", value)
	                    : g_strdup_printf("%s absent (default %s)", cfn_public_types[t].key != NULL ? attr
	                                      : "ConnectivityInfo.PublicAccess.Type", on ? "public" : "private");
	resource_add_setting(r, "public", on ? "on" : "off", raw,
	                     value != NULL ? doc_map_get(where, attr)->line : key->line);
}

/* Principal "*", {AWS: "*"} or {AWS: ["*"]}; an intrinsic is not anyone. */
static bool cfn_policy_anyone(const struct doc_node *p)
{
	const struct doc_node *aws = doc_map_get(p, "AWS");

	if (g_strcmp0(cfn_plain(p), "*") == 0 || g_strcmp0(cfn_plain(aws), "*") == 0)
		return true;
	for (size_t i = 0; aws != NULL && aws->kind == DOC_LIST && i < aws->n; i++) {
		if (g_strcmp0(cfn_plain(aws->items[i]), "*") == 0)
			return true;
	}
	return false;
}

/* Does a policy document allow anyone with no IP condition? */
static bool cfn_policy_open(const struct doc_node *policy)
{
	const struct doc_node *st = doc_map_get(policy, "Statement");
	size_t n = st == NULL ? 0 : st->kind == DOC_LIST ? st->n : 1;

	for (size_t i = 0; i < n; i++) {
		const struct doc_node *s = st->kind == DOC_LIST ? st->items[i] : st;
		const struct doc_node *cond = doc_map_get(s, "Condition");

		if (g_strcmp0(cfn_plain(doc_map_get(s, "Effect")), "Allow") == 0 &&
		    cfn_policy_anyone(doc_map_get(s, "Principal")) &&
		    doc_map_get(cond, "IpAddress") == NULL && doc_map_get(cond, "NotIpAddress") == NULL)
			return true;
	}
	return false;
}

/*
 * AWS::OpenSearchService::Domain / AWS::Elasticsearch::Domain: an
 * AccessPolicies document that allows Principal "*" with no IpAddress
 * condition, for a domain outside a VPC (no VPCOptions), is "open" (the
 * "access_policy" setting that DW-SET-011 judges, as for Terraform's
 * aws_opensearch_domain); else "restricted". A policy written as an
 * intrinsic (Fn::Sub of a JSON string...) is an unknown.
 */
static void cfn_search_domain(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                              const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	const struct doc_node *policy = doc_map_get(props, "AccessPolicies");
	g_autofree char *identity = g_strconcat("aws:", id, NULL);
	struct resource *r = resource_new(identity, CFN_KIND_SEARCH, id, c->d->path, key->line, RESOURCE_SETTINGS);
	const struct doc_node *arg;
	bool open;

	g_ptr_array_add(c->found, r);
	if (policy == NULL || policy->kind == DOC_NULL)
		return;
	if (cfn_intrinsic(policy, &arg) != NULL || policy->kind != DOC_MAP) {
		g_autofree char *desc = cfn_describe(policy);

		resource_add_unknown(r, policy->line, "search domain %s: AccessPolicies is %s, not evaluated", id, desc);
		return;
	}
	open = doc_map_get(props, "VPCOptions") == NULL && cfn_policy_open(policy);
	resource_add_setting(r, "access_policy", open ? "open" : "restricted",
	                     open ? "AccessPolicies: Principal \"*\" with no IP condition"
	                          : "AccessPolicies: restricted", policy->line);
}

/*
 * AWS::EKS::Cluster: the API server endpoint answers on 443 from
 * ResourcesVpcConfig.PublicAccessCidrs (default 0.0.0.0/0) while
 * EndpointPublicAccess is true (the default); with it false only from
 * inside the VPC (the atom aws-vpc:ID). Identity aws-eks:ID.
 */
static void cfn_eks(struct cfn_ctx *c, const char *id, const struct doc_node *key, const struct doc_node *res)
{
	const struct doc_node *vpc = doc_map_get(doc_map_get(res, "Properties"), "ResourcesVpcConfig");
	const struct doc_node *cidrs = doc_map_get(vpc, "PublicAccessCidrs");
	g_autofree char *identity = g_strconcat("aws-eks:", id, NULL);
	g_autofree char *what = g_strdup_printf("EKS cluster %s", id);
	g_autofree char *pub = NULL;
	struct resource *r = resource_new(identity, "AWS EKS API endpoint", id, c->d->path, key->line,
	                                  RESOURCE_UNION);
	g_autoptr(srcset) src = srcset_new();
	const struct doc_node *arg;
	bool failed = false;

	g_ptr_array_add(c->found, r);
	pub = cfn_literal(c, r, what, vpc, "EndpointPublicAccess", &failed);
	if (failed)
		return;
	if (pub != NULL && g_ascii_strcasecmp(pub, "false") == 0) {
		g_autofree char *atom = g_strconcat("aws-vpc:", id, NULL);

		srcset_add_atom(src, atom);
	} else if (cidrs == NULL || cidrs->kind == DOC_NULL || (cidrs->kind == DOC_LIST && cidrs->n == 0)) {
		srcset_add_cidr(src, "0.0.0.0/0", NULL);
	} else if (cfn_intrinsic(cidrs, &arg) != NULL || cidrs->kind != DOC_LIST) {
		g_autofree char *desc = cfn_describe(cidrs);

		resource_add_unknown(r, cidrs->line, "%s: PublicAccessCidrs is %s, not evaluated", what, desc);
		return;
	} else {
		for (size_t i = 0; i < cidrs->n; i++) {
			g_autoptr(GString) bad = g_string_new(NULL);
			struct cfn_value v = { 0 };

			/* A Ref to nothing is this entry's problem, not the file's. */
			c->rule_why = bad;
			cfn_resolve(c, cidrs->items[i], &v);
			c->rule_why = NULL;
			if (v.kind != CFN_LITERAL || !srcset_add_cidr(src, v.text, NULL)) {
				g_autofree char *desc = cfn_describe(cidrs->items[i]);

				resource_add_unknown(r, cidrs->items[i]->line, "%s: a PublicAccessCidrs entry is %s, "
				                     "not a known CIDR", what, desc);
			}
			cfn_value_clear(&v);
		}
	}
	resource_add_rule(r, "API endpoint", vpc != NULL ? vpc->line : key->line, true, 0,
	                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src));
}


/*
 * AWS::EKS::Nodegroup RemoteAccess: SSH (tcp/22) to the nodes from
 * SourceSecurityGroups, or, with an Ec2SshKey and no groups, from the
 * Internet (0.0.0.0/0, EKS API documentation). Identity aws-eks-nodegroup:ID.
 */
static void cfn_nodegroup(struct cfn_ctx *c, const char *id, const struct doc_node *at, const struct doc_node *res)
{
	const struct doc_node *ra = doc_map_get(doc_map_get(res, "Properties"), "RemoteAccess");
	const struct doc_node *sgs = doc_map_get(ra, "SourceSecurityGroups");
	g_autofree char *identity = g_strconcat("aws-eks-nodegroup:", id, NULL);
	g_autofree char *what = g_strdup_printf("EKS node group %s", id);
	const struct doc_node *key;
	struct resource *r = resource_new(identity, "AWS EKS node group", id, c->d->path, at->line, RESOURCE_UNION);
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	if (ra == NULL || ra->kind == DOC_NULL)
		return;
	/* What opens the port is that a key is set, not which. */
	key = doc_map_get(ra, "Ec2SshKey");
	if (sgs != NULL && sgs->kind == DOC_LIST && sgs->n > 0) {
		for (size_t i = 0; i < sgs->n; i++) {
			struct cfn_value v = { 0 };

			cfn_resolve(c, sgs->items[i], &v);
			if (v.kind == CFN_UNKNOWN) {
				g_autofree char *desc = cfn_describe(sgs->items[i]);

				resource_add_unknown(r, v.line, "%s: a SourceSecurityGroups entry is %s, %s", what, desc, v.why);
			}
			cfn_rule_atom("aws-sg:", "GroupId", &v, src);
			cfn_value_clear(&v);
		}
	} else if (sgs != NULL && sgs->kind != DOC_NULL && sgs->kind != DOC_LIST) {
		g_autofree char *desc = cfn_describe(sgs);

		resource_add_unknown(r, sgs->line, "%s: SourceSecurityGroups is %s, not evaluated", what, desc);
		return;
	} else if (key != NULL && key->kind != DOC_NULL) {
		srcset_add_v4(src, 0, G_MAXUINT32);
	}
	if (!srcset_is_empty(src))
		resource_add_rule(r, "RemoteAccess", ra->line, true, 0,
		                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 22, 22, src));
}

/* ---- load balancers ------------------------------------------------------ */

#define CFN_KIND_LB "AWS load balancer"

/* What the groups of this template that id's SecurityGroups names admit. */
static exposure *cfn_lb_groups(struct cfn_ctx *c, struct resource *r, const char *id, const struct doc_node *sgs)
{
	g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (size_t i = 0; i < sgs->n; i++) {
		struct cfn_value v = { 0 };
		g_autofree char *identity = NULL;
		guint n = sets->len;

		cfn_resolve(c, sgs->items[i], &v);
		identity = v.text ? g_strconcat("aws-sg:", v.text, NULL) : NULL;
		for (guint j = 0; identity && j < c->found->len; j++) {
			struct resource *g = c->found->pdata[j];

			if (strcmp(g->identity, identity) == 0 && strcmp(g->kind, CFN_KIND) == 0)
				g_ptr_array_add(sets, resource_exposure(g));
		}
		if (sets->len == n) {
			g_autofree char *desc = cfn_describe(sgs->items[i]);

			resource_add_unknown(r, sgs->items[i]->line, "load balancer %s: security group %s is not "
			                     "declared in this template", id, desc);
		}
		cfn_value_clear(&v);
	}
	return exposure_union_all((const exposure *const *)sets->pdata, sets->len);
}

/*
 * Cuts r's listener rules (every address) down to what the load balancer's
 * SecurityGroups (sgs) admit. Without groups: the VPC's default group (a
 * named source) when vpc_default, else every address stays.
 */
static void cfn_lb_cut(struct cfn_ctx *c, struct resource *r, const char *id, const char *what,
                       const struct doc_node *sgs, bool vpc_default)
{
	g_autoptr(exposure) allowed = NULL;

	if (sgs != NULL && sgs->kind == DOC_LIST && sgs->n > 0) {
		allowed = cfn_lb_groups(c, r, id, sgs);
	} else if (sgs != NULL && sgs->kind != DOC_NULL && sgs->kind != DOC_LIST) {
		g_autofree char *desc = cfn_describe(sgs);

		resource_add_unknown(r, sgs->line, "%s: SecurityGroups is %s, not evaluated", what, desc);
		allowed = exposure_new();
	} else if (vpc_default) {
		g_autoptr(srcset) dflt = srcset_new();

		srcset_add_atom(dflt, "aws-sg:vpc-default");
		allowed = exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, dflt);
	} else {
		return; /* no group in the way: every address */
	}
	for (guint j = 0; j < r->rules->len; j++) {
		struct resource_rule *rule = r->rules->pdata[j];
		exposure *cut = extract_cut_ports(allowed, rule->match);

		exposure_free(rule->match);
		rule->match = cut;
	}
	g_clear_pointer(&r->exposure_, exposure_free);
}

/* Does listener res belong to load balancer id (LoadBalancerArn: !Ref id)? */
static bool cfn_lb_listener_of(struct cfn_ctx *c, const struct doc_node *res, const char *id)
{
	const struct doc_node *arn = doc_map_get(doc_map_get(res, "Properties"), "LoadBalancerArn");
	struct cfn_value v = { 0 };
	bool mine;

	if (g_strcmp0(doc_scalar(doc_map_get(res, "Type")), "AWS::ElasticLoadBalancingV2::Listener") != 0 ||
	    arn == NULL)
		return false;
	cfn_resolve(c, arn, &v);
	mine = v.kind == CFN_RESOURCE && strcmp(v.text, id) == 0;
	cfn_value_clear(&v);
	return mine;
}

/* One listener's port as a rule open to every address; unknowns on r. */
static void cfn_lb_listener(struct cfn_ctx *c, struct resource *r, const char *lid, const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	g_autofree char *what = g_strdup_printf("listener %s", lid);
	g_autofree char *port = NULL, *proto = NULL;
	g_autoptr(srcset) src = srcset_new();
	unsigned lo = EXPOSURE_PROTO_TCP, hi = EXPOSURE_PROTO_TCP;
	bool failed = false;
	gint64 p = 0;

	port = cfn_literal(c, r, what, props, "Port", &failed);
	proto = cfn_literal(c, r, what, props, "Protocol", &failed);
	if (failed)
		return;
	if (proto != NULL && (g_ascii_strcasecmp(proto, "UDP") == 0 || g_ascii_strcasecmp(proto, "GENEVE") == 0))
		lo = hi = EXPOSURE_PROTO_UDP;
	else if (proto != NULL && g_ascii_strcasecmp(proto, "TCP_UDP") == 0)
		hi = EXPOSURE_PROTO_UDP;
	if (proto != NULL && g_ascii_strcasecmp(proto, "GENEVE") == 0)
		p = 6081;
	else if (port == NULL || !cfn_parse_int(port, 1, EXPOSURE_PORT_MAX, &p)) {
		resource_add_unknown(r, res->line, "%s: Port is %s, not a port", what, port ? port : "absent");
		return;
	}
	srcset_add_all_addresses(src);
	/* lo..hi is tcp..udp for TCP_UDP: two boxes, not the protocols between. */
	resource_add_rule(r, lid, res->line, true, 0, exposure_new_box(lo, lo, (unsigned)p, (unsigned)p, src));
	if (hi != lo)
		resource_add_rule(r, lid, res->line, true, 0, exposure_new_box(hi, hi, (unsigned)p, (unsigned)p, src));
}

/*
 * AWS::ElasticLoadBalancingV2::LoadBalancer: internet-facing (Scheme's
 * default) answers on the ports of its listeners (the template's
 * AWS::ElasticLoadBalancingV2::Listener naming it) from whoever its
 * SecurityGroups admit; a network load balancer without groups from every
 * address, an application one without them has the VPC's default group (a
 * named source). Identity aws-lb:ID.
 */
static void cfn_lb(struct cfn_ctx *c, const char *id, const struct doc_node *key, const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	const struct doc_node *sgs = doc_map_get(props, "SecurityGroups");
	g_autofree char *identity = g_strconcat("aws-lb:", id, NULL);
	g_autofree char *what = g_strdup_printf("load balancer %s", id);
	g_autofree char *scheme = NULL, *type = NULL;
	struct resource *r = resource_new(identity, CFN_KIND_LB, id, c->d->path, key->line, RESOURCE_UNION);
	bool failed = false;

	g_ptr_array_add(c->found, r);
	scheme = cfn_literal(c, r, what, props, "Scheme", &failed);
	type = cfn_literal(c, r, what, props, "Type", &failed);
	if (failed || (scheme != NULL && strcmp(scheme, "internal") == 0))
		return;
	for (size_t i = 0; i < c->resources->n; i++) {
		const struct doc_pair *p = &c->resources->pairs[i];

		if (doc_scalar(p->key) != NULL && cfn_lb_listener_of(c, p->value, id))
			cfn_lb_listener(c, r, doc_scalar(p->key), p->value);
	}
	cfn_lb_cut(c, r, id, what, sgs, type == NULL || strcmp(type, "application") == 0);
}

/*
 * AWS::ElasticLoadBalancing::LoadBalancer, the classic one: internet-facing
 * (Scheme's default) answers on each Listeners entry's LoadBalancerPort
 * (HTTP, HTTPS, TCP and SSL all ride on tcp) from whoever its
 * SecurityGroups admit. Without groups, one in a VPC (Subnets) has the
 * VPC's default group, a named source; one outside (AvailabilityZones
 * only) has AWS's default ELB group, open on the listener ports to every
 * address. Identity aws-lb:ID, as for the others.
 */
static void cfn_classic_lb(struct cfn_ctx *c, const char *id, const struct doc_node *key,
                           const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get(res, "Properties");
	const struct doc_node *listeners = doc_map_get(props, "Listeners");
	g_autofree char *identity = g_strconcat("aws-lb:", id, NULL);
	g_autofree char *what = g_strdup_printf("load balancer %s", id);
	g_autofree char *scheme = NULL;
	struct resource *r = resource_new(identity, CFN_KIND_LB, id, c->d->path, key->line, RESOURCE_UNION);
	bool failed = false;

	g_ptr_array_add(c->found, r);
	scheme = cfn_literal(c, r, what, props, "Scheme", &failed);
	if (failed || (scheme != NULL && strcmp(scheme, "internal") == 0))
		return;
	if (listeners != NULL && listeners->kind != DOC_LIST) {
		g_autofree char *desc = cfn_describe(listeners);

		resource_add_unknown(r, listeners->line, "%s: Listeners is %s, not evaluated", what, desc);
	}
	for (size_t i = 0; listeners != NULL && listeners->kind == DOC_LIST && i < listeners->n; i++) {
		g_autofree char *lid = g_strdup_printf("%s listener %zu", id, i + 1);
		g_autofree char *port = NULL;
		g_autoptr(srcset) src = srcset_new();
		bool bad = false;
		gint64 p = 0;

		port = cfn_literal(c, r, lid, listeners->items[i], "LoadBalancerPort", &bad);
		if (bad)
			continue;
		if (port == NULL || !cfn_parse_int(port, 1, EXPOSURE_PORT_MAX, &p)) {
			resource_add_unknown(r, listeners->items[i]->line, "%s: LoadBalancerPort is %s, not a port",
			                     lid, port ? port : "absent");
			continue;
		}
		srcset_add_all_addresses(src);
		resource_add_rule(r, lid, listeners->items[i]->line, true, 0,
		                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, (unsigned)p, (unsigned)p,
		                                   src));
	}
	cfn_lb_cut(c, r, id, what, doc_map_get(props, "SecurityGroups"),
	           doc_map_get(props, "Subnets") != NULL);
}

static void cfn_template(struct cfn_ctx *c, const struct doc_node *root)
{
	if (root == NULL || root->kind != DOC_MAP)
		return;
	c->parameters = doc_map_get(root, "Parameters");
	c->resources = doc_map_get(root, "Resources");
	if (c->resources == NULL || c->resources->kind != DOC_MAP)
		return;
	for (size_t i = 0; i < c->resources->n; i++) {
		const struct doc_pair *p = &c->resources->pairs[i];
		const char *id = doc_scalar(p->key);
		const char *type = doc_scalar(doc_map_get(p->value, "Type"));

		if (id == NULL || type == NULL)
			continue;
		if (strcmp(type, CFN_TYPE_SG) == 0)
			cfn_security_group(c, id, p->key, p->value);
		else if (strcmp(type, CFN_TYPE_INGRESS) == 0)
			cfn_ingress(c, id, p->key, p->value);
		else if (strcmp(type, "AWS::EC2::NetworkAcl") == 0)
			cfn_nacl(c, id, p->key);
		else if (strcmp(type, "AWS::EC2::NetworkAclEntry") == 0)
			cfn_nacl_entry(c, id, p->key, p->value);
		else if (strcmp(type, "AWS::RDS::DBSecurityGroup") == 0)
			cfn_db_security_group(c, id, p->key, p->value);
		else if (strcmp(type, "AWS::EKS::Cluster") == 0)
			cfn_eks(c, id, p->key, p->value);
		else if (strcmp(type, "AWS::EKS::Nodegroup") == 0)
			cfn_nodegroup(c, id, p->key, p->value);
		else if (strcmp(type, "AWS::OpenSearchService::Domain") == 0 ||
		         strcmp(type, "AWS::Elasticsearch::Domain") == 0)
			cfn_search_domain(c, id, p->key, p->value);
		for (size_t t = 0; t < G_N_ELEMENTS(cfn_public_types); t++) {
			if (strcmp(type, cfn_public_types[t].type) == 0)
				cfn_public_flag(c, t, id, p->key, p->value);
		}
	}
	/* Load balancers last: the groups they name are all read by then. */
	for (size_t i = 0; i < c->resources->n; i++) {
		const struct doc_pair *p = &c->resources->pairs[i];
		const char *type = doc_scalar(doc_map_get(p->value, "Type"));

		if (doc_scalar(p->key) != NULL && g_strcmp0(type, "AWS::ElasticLoadBalancingV2::LoadBalancer") == 0)
			cfn_lb(c, doc_scalar(p->key), p->key, p->value);
		else if (doc_scalar(p->key) != NULL && g_strcmp0(type, "AWS::ElasticLoadBalancing::LoadBalancer") == 0)
			cfn_classic_lb(c, doc_scalar(p->key), p->key, p->value);
	}
}

bool extract_cfn(GPtrArray *out, const struct doc *d, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct cfn_ctx c = { .d = d, .found = found };

	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);

	for (guint i = 0; i < d->roots->len; i++)
		cfn_template(&c, g_ptr_array_index(d->roots, i));
	return extract_finish(out, found, &c.problems, error);
}
