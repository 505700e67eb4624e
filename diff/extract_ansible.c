/*
 * extract_ansible.c - Ansible playbooks, task files and roles: the tasks
 * that manage a cloud's network rules, read with the semantics of the
 * same platform's other readers:
 *   azure.azcollection.azure_rm_securitygroup  an NSG: rules[] (name,
 *       priority, protocol "*", source_address_prefix "*",
 *       destination_port_range "*", access Allow, direction Inbound),
 *       first match by priority with Azure's default rules;
 *   amazon.aws.ec2_security_group (ec2_group)  a security group: rules[]
 *       (proto, ports, from_port/to_port, cidr_ip, cidr_ipv6, ip_prefix,
 *       group_id, group_name) as a union of allows; rules_egress is not
 *       ingress;
 *   google.cloud.gcp_compute_firewall  one firewall: allowed[]/denied[]
 *       (ip_protocol, ports), source_ranges, source_tags, direction
 *       INGRESS, disabled, priority 1000.
 * Short names (without the collection) too, and tasks inside blocks,
 * rescue and always, pre_tasks, post_tasks and handlers.
 *
 * Jinja: a value "{{ name }}" (or a string with such parts) takes the
 * variable from the task's, the block's or the play's vars, or from a
 * variables file passed in (a role's defaults/main.yml and vars/main.yml,
 * a play's vars_files by relative path). Anything else (inventory, extra
 * vars, facts, filters) is a named unknown, never guessed.
 *
 * Identity: ansible:MODULE:SCOPE/NAME, MODULE the short name
 * (ec2_group is ec2_security_group), SCOPE the resource group, the VPC id
 * or the GCP project ("-" when absent): stable when the task is renamed or
 * moved. A task with state: absent removes what it names, so it adds no
 * resource.
 */
#include <string.h>

#include "extract.h"
#include "extract_private.h"


enum ansible_module {
	ANSIBLE_NONE,
	ANSIBLE_AZURE_NSG,
	ANSIBLE_AWS_SG,
	ANSIBLE_GCP_FW,
};

static const struct {
	const char *key;
	enum ansible_module module;
} ansible_modules[] = {
	{ "azure.azcollection.azure_rm_securitygroup", ANSIBLE_AZURE_NSG },
	{ "azure_rm_securitygroup", ANSIBLE_AZURE_NSG },
	{ "amazon.aws.ec2_security_group", ANSIBLE_AWS_SG },
	{ "amazon.aws.ec2_group", ANSIBLE_AWS_SG },
	{ "ec2_security_group", ANSIBLE_AWS_SG },
	{ "ec2_group", ANSIBLE_AWS_SG },
	{ "google.cloud.gcp_compute_firewall", ANSIBLE_GCP_FW },
	{ "gcp_compute_firewall", ANSIBLE_GCP_FW },
};

static const char *const ansible_module_names[] = { NULL, "azure_rm_securitygroup", "ec2_security_group",
	                                            "gcp_compute_firewall" };

/* One scope of variables (a play, a block, a task), innermost first. */
struct ansible_scope {
	const struct doc_node *vars; /* a map, or NULL */
	const struct ansible_scope *outer;
};

struct ansible_ctx {
	const char *path;
	GPtrArray *found;
	GPtrArray *files;  /* struct doc *, variables files: owned */
	GPtrArray *made;   /* struct doc_node * and their text, made by interpolation: owned */
	unsigned lookups;  /* variables looked up so far, up to DW_LIMIT_ANSIBLE_LOOKUPS */
	size_t made_bytes; /* of made's strings, up to DW_LIMIT_ANSIBLE_MADE_BYTES */
	struct dw_problems problems;
};

/* The task (a rule) being read, for unknowns. */
struct ansible_task {
	struct ansible_ctx *c;
	const struct ansible_scope *scope;
	struct resource *r;
	bool unknown;
};

/* ---- variables ------------------------------------------------------- */

static const struct doc_node *ansible_var_lookup(const struct ansible_task *t, const char *name)
{
	if (++t->c->lookups > DW_LIMIT_ANSIBLE_LOOKUPS)
		return NULL;
	for (const struct ansible_scope *s = t->scope; s != NULL; s = s->outer) {
		const struct doc_node *v = doc_map_get(s->vars, name);

		if (v != NULL)
			return v;
	}
	for (guint i = 0; i < t->c->files->len; i++) {
		const struct doc *d = t->c->files->pdata[i];
		const struct doc_node *v = d->roots->len > 0 ? doc_map_get(d->roots->pdata[0], name) : NULL;

		if (v != NULL)
			return v;
	}
	return NULL;
}

/* "{{ name }}" with a plain name: the name (new), else NULL. */
static char *ansible_plain_var(const char *expr, size_t len)
{
	g_autofree char *inner = g_strndup(expr, len);

	g_strstrip(inner);
	if (inner[0] == '\0' || !(g_ascii_isalpha(inner[0]) || inner[0] == '_'))
		return NULL;
	for (const char *q = inner; *q != '\0'; q++) {
		if (!g_ascii_isalnum(*q) && *q != '_')
			return NULL;
	}
	return g_steal_pointer(&inner);
}

static void ansible_unknown(struct ansible_task *t, unsigned line, const char *what, const char *text,
                            const char *why)
{
	g_autofree char *quoted = extract_quote(text);

	t->unknown = true;
	/* Before the resource exists (its name): the name's own unknown says it. */
	if (t->r == NULL)
		return;
	resource_add_unknown(t->r, line, "%s is %s, %s", what, quoted, why);
}

static const struct doc_node *ansible_resolve_depth(struct ansible_task *t, const struct doc_node *n,
                                                    const char *what, unsigned depth);

/* The unknown for a variable ansible_var_lookup() did not find. */
static void ansible_var_missing(struct ansible_task *t, const struct doc_node *n, const char *what,
                                const char *name)
{
	g_autofree char *why = NULL;

	if (t->c->lookups > DW_LIMIT_ANSIBLE_LOOKUPS)
		why = g_strdup_printf("more than %u variables looked up in one file", DW_LIMIT_ANSIBLE_LOOKUPS);
	else
		why = g_strdup_printf("variable %s is not set in the play's vars, vars_files or role defaults "
		                      "(inventory or extra vars?)", name);
	ansible_unknown(t, n->line, what, n->text, why);
}

/* A string with {{ }} parts, each a plain variable of a scalar value. New, or NULL (unknown recorded). */
static char *ansible_interpolate(struct ansible_task *t, const struct doc_node *n, const char *what,
                                 unsigned depth)
{
	g_autoptr(GString) s = g_string_new(NULL);
	const char *p = n->text, *end = n->text + n->len;

	while (p < end) {
		const char *open = g_strstr_len(p, end - p, "{{");
		const char *close = open != NULL ? g_strstr_len(open, end - open, "}}") : NULL;
		g_autofree char *name = NULL;
		const struct doc_node *v;

		if (open == NULL) {
			g_string_append_len(s, p, end - p);
			break;
		}
		g_string_append_len(s, p, open - p);
		name = close != NULL ? ansible_plain_var(open + 2, (size_t)(close - open - 2)) : NULL;
		if (name == NULL) {
			ansible_unknown(t, n->line, what, n->text, "a Jinja expression, not evaluated");
			return NULL;
		}
		v = ansible_var_lookup(t, name);
		if (v == NULL) {
			ansible_var_missing(t, n, what, name);
			return NULL;
		}
		v = ansible_resolve_depth(t, v, what, depth + 1);
		if (v == NULL)
			return NULL;
		if (doc_scalar(v) == NULL) {
			ansible_unknown(t, n->line, what, n->text, "a variable that is not a string, in a string");
			return NULL;
		}
		g_string_append(s, doc_scalar(v));
		if (s->len > DW_LIMIT_ANSIBLE_STRING_BYTES) {
			ansible_unknown(t, n->line, what, n->text, "longer than 64 KiB once its variables are put in");
			return NULL;
		}
		p = close + 2;
	}
	return g_string_free(g_steal_pointer(&s), FALSE);
}

/*
 * n with its variables resolved: n itself, the node a "{{ name }}"
 * names, or (for a string with parts) a node kept in t->c->made. NULL
 * when unknown (recorded on t's resource).
 */
static const struct doc_node *ansible_resolve_depth(struct ansible_task *t, const struct doc_node *n,
                                                    const char *what, unsigned depth)
{
	g_autofree char *text = NULL;
	g_autofree char *name = NULL;
	struct doc_node *made;
	const char *open;

	if (n == NULL || n->kind != DOC_SCALAR || (open = strstr(n->text, "{{")) == NULL)
		return n;
	if (depth > DW_LIMIT_ANSIBLE_VAR_DEPTH) {
		ansible_unknown(t, n->line, what, n->text, "variables nested too deep");
		return NULL;
	}
	if (open == n->text && n->len >= 4 && strcmp(n->text + n->len - 2, "}}") == 0 &&
	    strstr(n->text + 2, "{{") == NULL &&
	    (name = ansible_plain_var(n->text + 2, n->len - 4)) != NULL) {
		const struct doc_node *v = ansible_var_lookup(t, name);

		if (v == NULL) {
			ansible_var_missing(t, n, what, name);
			return NULL;
		}
		return ansible_resolve_depth(t, v, what, depth + 1);
	}
	text = ansible_interpolate(t, n, what, depth);
	if (text == NULL)
		return NULL;
	t->c->made_bytes += strlen(text);
	if (t->c->made_bytes > DW_LIMIT_ANSIBLE_MADE_BYTES) {
		ansible_unknown(t, n->line, what, n->text, "more interpolated text in one file than driftwatch keeps");
		return NULL;
	}
	made = g_new0(struct doc_node, 1);
	made->kind = DOC_SCALAR;
	made->line = n->line;
	made->len = strlen(text);
	made->text = text;
	g_ptr_array_add(t->c->made, g_steal_pointer(&text));
	g_ptr_array_add(t->c->made, made);
	return made;
}

static const struct doc_node *ansible_get(struct ansible_task *t, const struct doc_node *map, const char *key)
{
	return ansible_resolve_depth(t, doc_map_get(map, key), key, 0);
}

/* A scalar argument; NULL when absent or unknown (*unknown_out says which). */
static const char *ansible_string(struct ansible_task *t, const struct doc_node *map, const char *key,
                                  bool *unknown_out)
{
	const struct doc_node *raw = doc_map_get(map, key);
	const struct doc_node *v = ansible_resolve_depth(t, raw, key, 0);

	if (unknown_out != NULL)
		*unknown_out = raw != NULL && v == NULL;
	return doc_scalar(v);
}

/* Each item of a list argument (a scalar is a list of one), resolved. */
typedef void (*ansible_item_fn)(struct ansible_task *t, const char *text, unsigned line, void *user_data);

static bool ansible_each(struct ansible_task *t, const struct doc_node *map, const char *key, ansible_item_fn fn,
                         void *user_data)
{
	const struct doc_node *v = ansible_get(t, map, key);

	if (v == NULL || v->kind == DOC_NULL)
		return false;
	if (v->kind == DOC_SCALAR) {
		fn(t, v->text, v->line, user_data);
		return true;
	}
	for (size_t i = 0; v->kind == DOC_LIST && i < v->n; i++) {
		const struct doc_node *item = ansible_resolve_depth(t, v->items[i], key, 0);

		if (item != NULL && doc_scalar(item) != NULL)
			fn(t, item->text, item->line, user_data);
	}
	if (v->kind == DOC_MAP)
		dw_problems_add(&t->c->problems, v->line, "%s: expected a list or a string", key);
	return true;
}

/* ---- ports and sources ----------------------------------------------- */

/* "22", "8000-8080", "*" (Azure), into ranges (pairs of unsigned). */
static bool ansible_port_range(const char *text, GArray *ranges)
{
	g_auto(GStrv) parts = NULL;
	gint64 lo, hi;
	unsigned pair[2];

	if (strcmp(text, "*") == 0) {
		pair[0] = 0;
		pair[1] = EXPOSURE_PORT_MAX;
		g_array_append_vals(ranges, pair, 2);
		return true;
	}
	parts = g_strsplit(text, "-", 3);
	if (parts[0] == NULL || (parts[1] != NULL && parts[2] != NULL))
		return false;
	if (!g_ascii_string_to_signed(g_strstrip(parts[0]), 10, 0, EXPOSURE_PORT_MAX, &lo, NULL))
		return false;
	hi = lo;
	if (parts[1] != NULL && !g_ascii_string_to_signed(g_strstrip(parts[1]), 10, lo, EXPOSURE_PORT_MAX, &hi, NULL))
		return false;
	pair[0] = (unsigned)lo;
	pair[1] = (unsigned)hi;
	g_array_append_vals(ranges, pair, 2);
	return true;
}

static void ansible_port_item(struct ansible_task *t, const char *text, unsigned line, void *user_data)
{
	if (!ansible_port_range(text, user_data)) {
		g_autofree char *q = extract_quote(text);

		dw_problems_add(&t->c->problems, line, "expected a port or a range, got \"%s\"", q);
	}
}

static void ansible_cidr_item(struct ansible_task *t, const char *text, unsigned line, void *user_data)
{
	g_autoptr(GError) error = NULL;

	if (!srcset_add_cidr(user_data, text, &error))
		dw_problems_add(&t->c->problems, line, "%s", error->message);
}

/* What a rule matches: protocols x ranges x src. Sets nothing when ranges is empty. */
static exposure *ansible_match(unsigned plo, unsigned phi, const GArray *ranges, const srcset *src)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (guint i = 0; i + 1 < ranges->len; i += 2)
		g_ptr_array_add(parts, exposure_new_box(plo, phi, g_array_index(ranges, unsigned, i),
		                                        g_array_index(ranges, unsigned, i + 1), src));
	return exposure_union_all((const exposure *const *)parts->pdata, parts->len);
}

static struct resource *ansible_resource(struct ansible_ctx *c, enum ansible_module m, const char *scope,
                                         const char *name, unsigned line, const char *kind,
                                         enum resource_model model)
{
	g_autofree char *identity = g_strdup_printf("ansible:%s:%s/%s", ansible_module_names[m], scope, name);
	struct resource *r = resource_new(identity, kind, name, c->path, line, model);

	g_ptr_array_add(c->found, r);
	return r;
}

/* ---- Azure ------------------------------------------------------------- */

/* Where an Azure rule's sources go: the Internet tag depends on the access. */
struct ansible_azure_src {
	srcset *src; /* owned */
	bool allow;
};

static void ansible_azure_source(struct ansible_task *t, const char *text, unsigned line, void *user_data)
{
	struct ansible_azure_src *as = user_data;

	if (!azure_source_add(&as->src, text, as->allow)) {
		g_autofree char *q = extract_quote(text);

		dw_problems_add(&t->c->problems, line, "expected an address prefix or a service tag, got \"%s\"", q);
	}
}

/* The fields that place an Azure rule; false when one is unknown (recorded). */
struct ansible_azure_fields {
	const char *name, *direction, *access, *proto, *prio;
};

static bool ansible_azure_fields(struct ansible_task *t, const struct doc_node *rule, struct ansible_azure_fields *f)
{
	t->unknown = false;
	f->name = ansible_string(t, rule, "name", NULL);
	f->direction = ansible_string(t, rule, "direction", NULL);
	f->access = ansible_string(t, rule, "access", NULL);
	f->proto = ansible_string(t, rule, "protocol", NULL);
	f->prio = ansible_string(t, rule, "priority", NULL);
	return !t->unknown;
}

static void ansible_azure_rule(struct ansible_task *t, const struct doc_node *rule)
{
	bool was_unknown = t->unknown;
	struct ansible_azure_fields f;
	bool known = ansible_azure_fields(t, rule, &f);
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	bool allow = f.access == NULL || g_ascii_strcasecmp(f.access, "Allow") == 0;
	struct ansible_azure_src src = { srcset_new(), allow };
	unsigned plo = 0, phi = EXPOSURE_PROTO_MAX;
	gint64 priority = 0;

	if (!known || (f.direction != NULL && g_ascii_strcasecmp(f.direction, "Outbound") == 0))
		goto out;
	if (f.proto != NULL && !azure_parse_protocol(f.proto, &plo, &phi))
		dw_problems_add(&t->c->problems, rule->line, "expected a protocol (*, Tcp, Udp, Icmp...), got \"%s\"",
		                f.proto);
	if (f.prio == NULL || !g_ascii_string_to_signed(f.prio, 10, 100, 4096, &priority, NULL))
		dw_problems_add(&t->c->problems, rule->line, "a rule needs a priority from 100 to 4096");
	if (!ansible_each(t, rule, "source_address_prefix", ansible_azure_source, &src) && !t->unknown)
		srcset_add_all_addresses(src.src);
	if (!ansible_each(t, rule, "destination_port_range", ansible_port_item, ranges) && !t->unknown)
		ansible_port_range("*", ranges);
	if (!t->unknown)
		resource_add_rule(t->r, f.name, rule->line, allow, priority, ansible_match(plo, phi, ranges, src.src));
out:
	srcset_free(src.src);
	t->unknown |= was_unknown;
}

static void ansible_azure(struct ansible_task *t, const struct doc_node *args, unsigned line)
{
	const char *name = ansible_string(t, args, "name", NULL);
	const char *group = ansible_string(t, args, "resource_group", NULL);
	const struct doc_node *rules;

	t->r = ansible_resource(t->c, ANSIBLE_AZURE_NSG, group ? group : "?", name ? name : "?", line,
	                        "Azure NSG", RESOURCE_FIRST_MATCH);
	t->unknown = false; /* the name's, said by the name's own unknown */
	if (name == NULL || group == NULL)
		resource_add_unknown(t->r, line, RESOURCE_UNKNOWN_NAME "not known (name, resource_group)");
	rules = ansible_get(t, args, "rules");
	for (size_t i = 0; rules != NULL && rules->kind == DOC_LIST && i < rules->n; i++) {
		const struct doc_node *rule = ansible_resolve_depth(t, rules->items[i], "rules", 0);

		if (rule != NULL && rule->kind == DOC_MAP)
			ansible_azure_rule(t, rule);
	}
	azure_add_default_rules(t->r);
}

/* ---- AWS --------------------------------------------------------------- */

static void ansible_aws_atom(struct ansible_task *t, const char *text, unsigned line, void *user_data)
{
	const char **prefix = user_data;
	g_autofree char *atom = g_strconcat(prefix[0], text, NULL);

	srcset_add_atom((srcset *)prefix[1], atom);
}

/* The ports of an ec2 rule: ports[], else from_port..to_port, else all. */
static void ansible_aws_ports(struct ansible_task *t, const struct doc_node *rule, GArray *ranges)
{
	bool from_unknown, to_unknown;
	const char *from = ansible_string(t, rule, "from_port", &from_unknown);
	const char *to = ansible_string(t, rule, "to_port", &to_unknown);
	gint64 lo = 0, hi = EXPOSURE_PORT_MAX;
	unsigned pair[2];
	bool before = t->unknown, listed;

	/* ports, or from_port/to_port, not known: no range (the unknown says why). */
	t->unknown = false;
	listed = ansible_each(t, rule, "ports", ansible_port_item, ranges);
	if (listed || t->unknown || from_unknown || to_unknown) {
		t->unknown |= before || from_unknown || to_unknown;
		return;
	}
	t->unknown = before;
	if ((from != NULL && !g_ascii_string_to_signed(from, 10, -1, EXPOSURE_PORT_MAX, &lo, NULL)) ||
	    (to != NULL && !g_ascii_string_to_signed(to, 10, -1, EXPOSURE_PORT_MAX, &hi, NULL))) {
		dw_problems_add(&t->c->problems, rule->line, "expected from_port and to_port from -1 to 65535");
		return;
	}
	if (from == NULL && to != NULL)
		lo = hi;
	if (to == NULL && from != NULL)
		hi = lo;
	pair[0] = lo < 0 ? 0 : (unsigned)lo;
	pair[1] = hi < 0 ? EXPOSURE_PORT_MAX : (unsigned)hi;
	if (pair[0] > pair[1])
		dw_problems_add(&t->c->problems, rule->line, "from_port is above to_port");
	else
		g_array_append_vals(ranges, pair, 2);
}

static void ansible_aws_rule(struct ansible_task *t, const struct doc_node *rule)
{
	bool any = false, was_unknown = t->unknown, proto_unknown;
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autoptr(srcset) src = srcset_new();
	const char *sg[2] = { "aws-sg:", (const char *)src };
	const char *pl[2] = { "aws-pl:", (const char *)src };
	unsigned plo = 0, phi = EXPOSURE_PROTO_MAX;
	const char *proto;

	t->unknown = false;
	/* amazon.aws: proto defaults to tcp. */
	proto = ansible_string(t, rule, "proto", &proto_unknown);
	if (proto_unknown) {
		t->unknown |= was_unknown;
		return;
	}
	if (proto == NULL)
		proto = "tcp";
	if (g_ascii_strcasecmp(proto, "all") != 0 && !cfn_parse_protocol(proto, &plo, &phi))
		dw_problems_add(&t->c->problems, rule->line, "expected a protocol (tcp, udp, icmp, all, -1, 0..255)");
	any |= ansible_each(t, rule, "cidr_ip", ansible_cidr_item, src);
	any |= ansible_each(t, rule, "cidr_ipv6", ansible_cidr_item, src);
	any |= ansible_each(t, rule, "group_id", ansible_aws_atom, sg);
	any |= ansible_each(t, rule, "group_name", ansible_aws_atom, sg);
	any |= ansible_each(t, rule, "ip_prefix", ansible_aws_atom, pl);
	if (plo == phi && exposure_proto_has_ports(plo))
		ansible_aws_ports(t, rule, ranges);
	else
		ansible_port_range("*", ranges);
	/* A rule with no source admits no one (as in the other AWS readers);
	 * what is known is kept beside an unknown, as a lower bound. */
	if (any && !srcset_is_empty(src))
		resource_add_rule(t->r, doc_scalar(doc_map_get(rule, "rule_desc")), rule->line, true, 0,
		                  ansible_match(plo, phi, ranges, src));
	t->unknown |= was_unknown;
}

static void ansible_aws(struct ansible_task *t, const struct doc_node *args, unsigned line)
{
	const char *name = ansible_string(t, args, "name", NULL);
	const char *vpc = ansible_string(t, args, "vpc_id", NULL);
	const struct doc_node *rules;

	if (name == NULL)
		name = ansible_string(t, args, "group_id", NULL);
	t->r = ansible_resource(t->c, ANSIBLE_AWS_SG, vpc ? vpc : "-", name ? name : "?", line,
	                        "AWS security group", RESOURCE_UNION);
	t->unknown = false; /* the name's, said by the name's own unknown */
	if (name == NULL)
		resource_add_unknown(t->r, line, RESOURCE_UNKNOWN_NAME "not known (name)");
	rules = ansible_get(t, args, "rules");
	for (size_t i = 0; rules != NULL && rules->kind == DOC_LIST && i < rules->n; i++) {
		const struct doc_node *rule = ansible_resolve_depth(t, rules->items[i], "rules", 0);

		if (rule != NULL && rule->kind == DOC_MAP)
			ansible_aws_rule(t, rule);
	}
}

/* ---- GCP --------------------------------------------------------------- */

static void ansible_gcp_list(struct ansible_task *t, const struct doc_node *args, const char *key, bool allow,
                             gint64 priority, const srcset *src)
{
	const struct doc_node *list = ansible_get(t, args, key);

	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
		const struct doc_node *item = ansible_resolve_depth(t, list->items[i], key, 0);
		const char *proto = ansible_string(t, item, "ip_protocol", NULL);
		g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
		unsigned lo, hi;

		if (item == NULL || proto == NULL)
			continue;
		if (!gcp_parse_protocol(proto, &lo, &hi)) {
			dw_problems_add(&t->c->problems, item->line, "expected a protocol (all, tcp, udp, icmp...)");
			continue;
		}
		if (!ansible_each(t, item, "ports", ansible_port_item, ranges))
			ansible_port_range("*", ranges);
		/* Deny wins at equal priority: it sorts first. */
		resource_add_rule(t->r, key, item->line, allow, priority * 2 + (allow ? 1 : 0),
		                  ansible_match(lo, hi, ranges, src));
	}
}

static void ansible_gcp(struct ansible_task *t, const struct doc_node *args, unsigned line)
{
	const char *name = ansible_string(t, args, "name", NULL);
	const char *project = ansible_string(t, args, "project", NULL);
	const char *direction = ansible_string(t, args, "direction", NULL);
	const char *disabled = ansible_string(t, args, "disabled", NULL);
	const char *prio = ansible_string(t, args, "priority", NULL);
	const char *tag[2] = { "gcp-tag:", NULL };
	g_autoptr(srcset) src = srcset_new();
	gint64 priority = 1000;
	bool any;

	t->r = ansible_resource(t->c, ANSIBLE_GCP_FW, project ? project : "-", name ? name : "?", line,
	                        "GCP firewall", RESOURCE_FIRST_MATCH);
	t->unknown = false; /* the name's, said by the name's own unknown */
	if (name == NULL)
		resource_add_unknown(t->r, line, RESOURCE_UNKNOWN_NAME "not known (name)");
	if ((direction != NULL && g_ascii_strcasecmp(direction, "EGRESS") == 0) ||
	    (disabled != NULL && (g_ascii_strcasecmp(disabled, "true") == 0 || g_ascii_strcasecmp(disabled, "yes") == 0)))
		return;
	if (prio != NULL && !g_ascii_string_to_signed(prio, 10, 0, 65535, &priority, NULL))
		dw_problems_add(&t->c->problems, line, "priority: expected 0..65535");
	tag[1] = (const char *)src;
	any = ansible_each(t, args, "source_ranges", ansible_cidr_item, src);
	any |= ansible_each(t, args, "source_tags", ansible_aws_atom, tag);
	tag[0] = "gcp-sa:";
	any |= ansible_each(t, args, "source_service_accounts", ansible_aws_atom, tag);
	/* An ingress firewall that names no source admits every IPv4 address. */
	if (!any && !t->unknown)
		srcset_add_v4(src, 0, G_MAXUINT32);
	/* A deny for some targets only leaves the others open: it denies nothing
	 * here (denies under-approximate), as in the Terraform reader. */
	if (!doc_map_get(args, "target_tags") && !doc_map_get(args, "target_service_accounts") &&
	    !doc_map_get(args, "destination_ranges"))
		ansible_gcp_list(t, args, "denied", false, priority, src);
	ansible_gcp_list(t, args, "allowed", true, priority, src);
}

/* ---- tasks and plays ---------------------------------------------------- */

static void ansible_tasks(struct ansible_ctx *c, const struct doc_node *list, const struct ansible_scope *outer,
                          unsigned depth);

static void ansible_task(struct ansible_ctx *c, const struct doc_node *task, const struct ansible_scope *outer,
                         unsigned depth)
{
	struct ansible_scope scope = { doc_map_get(task, "vars"), outer };
	static const char *const nested[] = { "block", "rescue", "always" };

	for (size_t i = 0; i < G_N_ELEMENTS(nested); i++)
		ansible_tasks(c, doc_map_get(task, nested[i]), &scope, depth + 1);
	for (size_t i = 0; i < G_N_ELEMENTS(ansible_modules); i++) {
		const struct doc_node *args = doc_map_get(task, ansible_modules[i].key);
		struct ansible_task t = { .c = c, .scope = &scope };
		const char *state;

		if (args == NULL)
			continue;
		if (args->kind != DOC_MAP) {
			dw_problems_add(&c->problems, args->line,
			                "%s: free-form (key=value) arguments are not read; write them as a map",
			                ansible_modules[i].key);
			return;
		}
		state = ansible_string(&t, args, "state", NULL);
		if (state != NULL && strcmp(state, "absent") == 0)
			return;
		if (ansible_modules[i].module == ANSIBLE_AZURE_NSG)
			ansible_azure(&t, args, task->line);
		else if (ansible_modules[i].module == ANSIBLE_AWS_SG)
			ansible_aws(&t, args, task->line);
		else
			ansible_gcp(&t, args, task->line);
		if (t.r != NULL && doc_map_get(task, "loop") != NULL)
			resource_add_unknown(t.r, task->line, "the task loops (loop:), items not evaluated");
		return;
	}
}

static void ansible_tasks(struct ansible_ctx *c, const struct doc_node *list, const struct ansible_scope *outer,
                          unsigned depth)
{
	if (depth > DW_LIMIT_ANSIBLE_TASK_DEPTH) {
		if (list != NULL)
			dw_problems_add(&c->problems, list->line, "blocks nested deeper than %u", DW_LIMIT_ANSIBLE_TASK_DEPTH);
		return;
	}
	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
		if (list->items[i]->kind == DOC_MAP)
			ansible_task(c, list->items[i], outer, depth);
	}
}

static void ansible_play(struct ansible_ctx *c, const struct doc_node *play)
{
	static const char *const lists[] = { "pre_tasks", "tasks", "post_tasks", "handlers" };
	struct ansible_scope scope = { doc_map_get(play, "vars"), NULL };

	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
		ansible_tasks(c, doc_map_get(play, lists[i]), &scope, 0);
}

static bool ansible_is_play(const struct doc_node *n)
{
	return doc_map_get(n, "hosts") != NULL || doc_map_get(n, "tasks") != NULL ||
	       doc_map_get(n, "roles") != NULL || doc_map_get(n, "pre_tasks") != NULL;
}

/* Variables files: parsed; one that does not parse adds nothing (its variables stay unknown). */
static void ansible_load_vars(struct ansible_ctx *c, const struct extract_tf_file *vars, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct doc *d = NULL;

		if (doc_parse_yaml(&d, vars[i].path, vars[i].data ? vars[i].data : "", vars[i].len, NULL, NULL))
			g_ptr_array_add(c->files, d);
	}
}

bool extract_ansible(GPtrArray *out, const struct doc *d, const struct extract_tf_file *vars, size_t n,
                     GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)doc_free);
	g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func(g_free);
	struct ansible_ctx c = { .path = d->path, .found = found, .files = files, .made = made };

	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
	ansible_load_vars(&c, vars, n);
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = d->roots->pdata[i];

		for (size_t j = 0; root->kind == DOC_LIST && j < root->n; j++) {
			if (ansible_is_play(root->items[j]))
				ansible_play(&c, root->items[j]);
			else
				ansible_task(&c, root->items[j], NULL, 0);
		}
	}
	return extract_finish(out, found, &c.problems, error);
}

/* dir + "/" + rel, normalised; NULL when absolute, templated or leaving the repository. */
static char *ansible_join(const char *dir, const char *rel)
{
	g_autofree char *whole = NULL;
	g_auto(GStrv) parts = NULL;
	g_autoptr(GPtrArray) kept = g_ptr_array_new();

	if (rel[0] == '/' || rel[0] == '\0' || strstr(rel, "{{") != NULL || strlen(rel) > 1024)
		return NULL;
	whole = strcmp(dir, ".") == 0 ? g_strdup(rel) : g_strconcat(dir, "/", rel, NULL);
	parts = g_strsplit(whole, "/", -1);
	for (size_t i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] == '\0' || strcmp(parts[i], ".") == 0)
			continue;
		if (strcmp(parts[i], "..") == 0) {
			if (kept->len == 0)
				return NULL;
			g_ptr_array_remove_index(kept, kept->len - 1);
			continue;
		}
		g_ptr_array_add(kept, parts[i]);
	}
	if (kept->len == 0)
		return NULL;
	g_ptr_array_add(kept, NULL);
	return g_strjoinv("/", (char **)kept->pdata);
}

/* roles/R/tasks/... (or handlers): R's vars and defaults, vars first (they win). */
static void ansible_role_files(GPtrArray *paths_out, const char *path)
{
	static const char *const kinds[] = { "/tasks/", "/handlers/" };
	static const char *const files[] = { "vars/main.yml", "vars/main.yaml", "defaults/main.yml",
		                             "defaults/main.yaml" };
	const char *roles = strstr(path, "roles/");

	while (roles != NULL && roles != path && roles[-1] != '/')
		roles = strstr(roles + 1, "roles/");
	for (size_t k = 0; roles != NULL && k < G_N_ELEMENTS(kinds); k++) {
		const char *slash = strchr(roles + 6, '/');

		if (slash == NULL || slash == roles + 6 || !g_str_has_prefix(slash, kinds[k]))
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
			g_ptr_array_add(paths_out, g_strdup_printf("%.*s/%s", (int)(slash - path), path, files[i]));
	}
}

bool extract_ansible_related(GPtrArray *paths_out, const char *path, const char *data, size_t len)
{
	static const char *const markers[] = { "ec2_security_group:", "ec2_group:", "azure_rm_securitygroup:",
		                               "gcp_compute_firewall:" };
	g_autoptr(doc) d = NULL;
	g_autofree char *dir = NULL;
	const char *slash = strrchr(path, '/');
	bool any = false;

	for (size_t i = 0; i < G_N_ELEMENTS(markers) && !any; i++)
		any = extract_bytes_contain(data, len, markers[i], false);
	if (!any)
		return false;
	ansible_role_files(paths_out, path);
	if (!extract_bytes_contain(data, len, "vars_files", false) ||
	    !doc_parse_yaml(&d, path, data, len, NULL, NULL))
		return paths_out->len > 0;
	dir = slash != NULL ? g_strndup(path, (size_t)(slash - path)) : g_strdup(".");
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = d->roots->pdata[i];

		for (size_t j = 0; root->kind == DOC_LIST && j < root->n; j++) {
			const struct doc_node *files = doc_map_get(root->items[j], "vars_files");

			for (size_t k = 0; files != NULL && files->kind == DOC_LIST && k < files->n && k < 64; k++) {
				const char *rel = doc_scalar(files->items[k]);
				char *p = rel != NULL ? ansible_join(dir, rel) : NULL;

				if (p != NULL)
					g_ptr_array_add(paths_out, p);
			}
		}
	}
	return paths_out->len > 0;
}

bool extract_ansible_role_vars(const char *path, char **tasks_dir_out)
{
	static const char *const tails[] = { "/vars/main.yml", "/vars/main.yaml", "/defaults/main.yml",
		                             "/defaults/main.yaml" };
	const char *roles = strstr(path, "roles/");

	while (roles != NULL && roles != path && roles[-1] != '/')
		roles = strstr(roles + 1, "roles/");
	for (size_t i = 0; roles != NULL && i < G_N_ELEMENTS(tails); i++) {
		const char *slash = strchr(roles + 6, '/');

		if (slash != NULL && slash > roles + 6 && strcmp(slash, tails[i]) == 0) {
			*tasks_dir_out = g_strdup_printf("%.*s/tasks", (int)(slash - path), path);
			return true;
		}
	}
	return false;
}
