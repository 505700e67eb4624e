/*
 * classify.c - from a compared resource to findings with a severity.
 *
 * A widened set is split into the part reachable from the Internet and
 * the part reachable only from private sources (and atoms). The Internet
 * part is then split by port: all ports, sensitive service ports, public
 * web ports, port-less protocols, the rest; each non-empty part is one
 * finding whose region is exactly that part, printed canonically.
 */
#include "rulepack.h"

#include <string.h>

void finding_free(struct finding *f)
{
	if (!f)
		return;
	g_free(f->id);
	g_free(f->resource);
	g_free(f->kind);
	g_free(f->name);
	g_free(f->file);
	g_free(f->widened);
	g_free(f->before);
	g_free(f->after);
	g_free(f->message);
	g_free(f->commit);
	g_free(f->author);
	g_free(f->date);
	g_free(f->subject);
	g_free(f->approval_reason);
	g_free(f->approved_by);
	g_free(f->approval_expires);
	g_free(f->approval_comment);
	g_free(f->setting_key);
	g_free(f);
}

struct finding *finding_copy(const struct finding *f)
{
	struct finding *c = g_memdup2(f, sizeof(*f));

	c->id = g_strdup(f->id);
	c->resource = g_strdup(f->resource);
	c->kind = g_strdup(f->kind);
	c->name = g_strdup(f->name);
	c->file = g_strdup(f->file);
	c->widened = g_strdup(f->widened);
	c->before = g_strdup(f->before);
	c->after = g_strdup(f->after);
	c->message = g_strdup(f->message);
	c->commit = g_strdup(f->commit);
	c->author = g_strdup(f->author);
	c->date = g_strdup(f->date);
	c->subject = g_strdup(f->subject);
	c->approval_reason = g_strdup(f->approval_reason);
	c->approved_by = g_strdup(f->approved_by);
	c->approval_expires = g_strdup(f->approval_expires);
	c->approval_comment = g_strdup(f->approval_comment);
	c->setting_key = g_strdup(f->setting_key);
	return c;
}

char *finding_approval_text(const struct finding *f)
{
	if (!f->suppressed)
		return NULL;
	if (f->approval_comment)
		return g_strdup_printf("approved by a comment at %s: %s", f->approval_comment,
		                       f->approval_reason);
	if (f->approval_at_push)
		return g_strdup_printf("approved by %s at push time: %s", f->approved_by,
		                       f->approval_reason);
	if (f->approval_expires)
		return g_strdup_printf("approved by %s until %s: %s", f->approved_by, f->approval_expires,
		                       f->approval_reason);
	return g_strdup_printf("approved by %s in this commit: %s", f->approved_by, f->approval_reason);
}

char *finding_where(const char *file, unsigned line)
{
	return line ? g_strdup_printf("%s:%u", file, line) : g_strdup(file);
}

/* Stable short id: rule + identity + region, so approvals survive reruns. */
static char *classify_finding_id(const char *rule, const char *identity, const char *region)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(sum, (const guchar *)rule, -1);
	g_checksum_update(sum, (const guchar *)"\n", 1);
	g_checksum_update(sum, (const guchar *)identity, -1);
	g_checksum_update(sum, (const guchar *)"\n", 1);
	g_checksum_update(sum, (const guchar *)region, -1);
	return g_strndup(g_checksum_get_string(sum), 12);
}

struct finding *rulepack_finding_new(const struct rulepack *p, const char *rule_id,
                                     const char *resource, const char *file, unsigned line,
                                     const char *region, char *message)
{
	struct finding *f = g_new0(struct finding, 1);

	f->rule = rulepack_rule(p, rule_id);
	g_assert(f->rule); /* rulepack_load refuses a pack without it */
	f->severity = f->rule->severity;
	f->id = classify_finding_id(rule_id, resource, region);
	f->resource = g_strdup(resource);
	f->kind = g_strdup("policy");
	f->name = g_strdup(file);
	f->file = g_strdup(file);
	f->line = line;
	f->widened = g_strdup(region);
	f->before = g_strdup("");
	f->message = message;
	return f;
}

/* The Internet of this comparison. */
static const srcset *classify_internet_of(const struct rulepack *p, const struct classify_context *ctx)
{
	return ctx && ctx->internet ? ctx->internet : p->internet;
}

static const struct resource *classify_resource(const struct compare_change *c)
{
	return c->new_r ? c->new_r : c->old_r;
}

static struct finding *classify_finding(const struct rulepack *p, const char *rule_id,
                                        const struct compare_change *c, const char *region,
                                        const char *before, unsigned line, char *message)
{
	const struct resource *r = classify_resource(c);
	struct finding *f = g_new0(struct finding, 1);

	f->rule = rulepack_rule(p, rule_id);
	g_assert(f->rule); /* rulepack_load refuses a pack without it */
	f->severity = f->rule->severity;
	f->id = classify_finding_id(rule_id, c->identity, region);
	f->resource = g_strdup(c->identity);
	f->kind = g_strdup(r->kind);
	f->name = g_strdup(r->name);
	f->file = g_strdup(r->file);
	f->line = line ? line : r->line;
	f->widened = g_strdup(region);
	f->before = g_strdup(before);
	f->message = message;
	return f;
}

static void classify_collect_sources(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                     unsigned port_hi, const srcset *src, void *user_data)
{
	srcset **acc = user_data;
	srcset *u = srcset_union(*acc, src);

	srcset_free(*acc);
	*acc = u;
}

struct classify_footprint {
	GPtrArray *boxes;
	const srcset *sources;
};

static void classify_collect_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                 unsigned port_hi, const srcset *src, void *user_data)
{
	struct classify_footprint *fp = user_data;

	g_ptr_array_add(fp->boxes, exposure_new_box(proto_lo, proto_hi, port_lo, port_hi, fp->sources));
}

/* What set lets in on the protocols and ports of region, from any source. */
static exposure *classify_on_ports(const exposure *set, const exposure *region)
{
	srcset *sources = srcset_new();
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);
	struct classify_footprint fp = { boxes, NULL };
	g_autoptr(exposure) footprint = NULL;

	srcset_add_all_addresses(sources);
	exposure_foreach(set, classify_collect_sources, &sources);
	fp.sources = sources;
	exposure_foreach(region, classify_collect_box, &fp);
	footprint = exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
	srcset_free(sources);
	return exposure_intersect(set, footprint);
}

static void classify_find_all_ports(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                    unsigned port_hi, const srcset *src, void *user_data)
{
	bool *all = user_data;

	if (port_lo == 0 && port_hi == EXPOSURE_PORT_MAX &&
	    ((proto_lo <= EXPOSURE_PROTO_TCP && EXPOSURE_PROTO_TCP <= proto_hi) ||
	     (proto_lo <= EXPOSURE_PROTO_UDP && EXPOSURE_PROTO_UDP <= proto_hi)))
		*all = true;
}

struct classify_moved {
	unsigned lo, hi;
	exposure *acc;
};

static void classify_move_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                              unsigned port_hi, const srcset *src, void *user_data)
{
	struct classify_moved *m = user_data;
	g_autoptr(exposure) box = exposure_new_box(proto_lo, proto_hi, m->lo, m->hi, src);
	exposure *u = exposure_union(m->acc, box);

	exposure_free(m->acc);
	m->acc = u;
}

/* e with every port replaced by lo..hi (same protocols and sources). New set. */
static exposure *classify_move_ports(const exposure *e, unsigned lo, unsigned hi)
{
	struct classify_moved m = { lo, hi, exposure_new() };

	exposure_foreach(e, classify_move_box, &m);
	return m.acc;
}

/*
 * What region reaches behind r's rules: region itself, plus, for a rule
 * that forwards to other ports (compose "80:9200", a Service's
 * targetPort), the part of region it admits moved to those ports. So a
 * data store published on port 80 is still judged a data store. New set.
 */
static exposure *classify_behind(const struct resource *r, const exposure *region)
{
	exposure *acc = exposure_copy(region);

	for (guint i = 0; r && i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];
		g_autoptr(exposure) part = NULL, moved = NULL;
		exposure *u;

		if (!rule->allow || (rule->target_lo == 0 && rule->target_hi == 0))
			continue;
		part = exposure_intersect(rule->match, region);
		if (exposure_is_empty(part))
			continue;
		moved = classify_move_ports(part, rule->target_lo, rule->target_hi);
		u = exposure_union(acc, moved);
		exposure_free(acc);
		acc = u;
	}
	return acc;
}

/*
 * The part of region that reaches a sensitive service: on a sensitive
 * port, or admitted by a rule that forwards to one. New set.
 */
static exposure *classify_sensitive_part(const struct rulepack *p, const struct resource *r,
                                         const exposure *region)
{
	exposure *acc = exposure_intersect(region, p->sensitive_all);

	for (guint i = 0; r && i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];
		g_autoptr(exposure) part = NULL, moved = NULL, hit = NULL;
		exposure *u;

		if (!rule->allow || (rule->target_lo == 0 && rule->target_hi == 0))
			continue;
		part = exposure_intersect(rule->match, region);
		moved = classify_move_ports(part, rule->target_lo, rule->target_hi);
		hit = exposure_intersect(moved, p->sensitive_all);
		if (exposure_is_empty(hit))
			continue;
		u = exposure_union(acc, part);
		exposure_free(acc);
		acc = u;
	}
	return acc;
}

/* The settings resource of a data store governing region, if it has auth off. */
static const struct resource *classify_auth_off(const struct rulepack *p, const exposure *region,
                                                const struct classify_context *ctx)
{
	for (guint i = 0; ctx && ctx->settings_resources && i < p->sensitive->len; i++) {
		const struct sensitive_port *s = p->sensitive->pdata[i];
		g_autoptr(exposure) hit = exposure_intersect(region, s->ports);

		if (exposure_is_empty(hit))
			continue;
		for (guint j = 0; j < ctx->settings_resources->len; j++) {
			const struct resource *r = ctx->settings_resources->pdata[j];
			const struct resource_setting *auth = resource_setting_get(r, "auth");

			if (r->service && auth && strcmp(auth->value, "off") == 0 &&
			    g_ptr_array_find_with_equal_func(s->settings, r->service, g_str_equal, NULL))
				return r;
		}
	}
	return NULL;
}

/* "Elasticsearch (tcp/9200,9300), Redis (tcp/6379)" for the services region touches. */
static char *classify_services(const struct rulepack *p, const exposure *region)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < p->sensitive->len; i++) {
		const struct sensitive_port *s = p->sensitive->pdata[i];
		g_autoptr(exposure) hit = exposure_intersect(region, s->ports);

		if (exposure_is_empty(hit))
			continue;
		g_string_append_printf(out, "%s%s", out->len ? ", " : "", s->service);
	}
	return g_string_free(out, FALSE);
}

static void classify_emit(GPtrArray *out, const struct rulepack *p, const char *rule_id,
                          const struct compare_change *c, const exposure *region, const char *where,
                          const struct classify_context *ctx)
{
	const struct resource *r = classify_resource(c);
	g_autofree char *text = exposure_to_string(region);
	g_autoptr(exposure) behind = classify_behind(c->new_r, region);
	g_autoptr(exposure) before = classify_on_ports(c->before, region);
	g_autofree char *before_text = exposure_to_string(before);
	g_autoptr(exposure) after = classify_on_ports(c->after, region);
	g_autofree char *after_text = exposure_to_string(after);
	GString *msg = g_string_new(NULL);
	const struct resource *auth_off;
	const struct resource_rule *at;
	struct finding *f;

	if (strcmp(rule_id, "DW-NET-001") == 0) {
		g_autofree char *services = classify_services(p, behind);

		g_string_append_printf(msg, "%s newly reachable %s: now %s", services, where, after_text);
	} else {
		g_string_append_printf(msg, "newly reachable %s: now %s", where, after_text);
	}
	g_string_append_printf(msg, " (%s %s); before: %s", r->kind, r->name, before_text);
	auth_off = classify_auth_off(p, behind, ctx);
	if (auth_off) {
		const struct resource_setting *s = resource_setting_get(auth_off, "auth");

		/* Line 0: the program's default, not written in the file. */
		if (s->line)
			g_string_append_printf(msg, "; and %s security is off in %s:%u (%s)", auth_off->kind,
			                       auth_off->file, s->line, s->raw);
		else
			g_string_append_printf(msg, "; and %s security is off in %s (%s)", auth_off->kind,
			                       auth_off->file, s->raw);
	}
	at = resource_rule_at(c->new_r, region);
	f = classify_finding(p, rule_id, c, text, before_text, at ? at->line : 0, g_string_free(msg, FALSE));
	if (at && at->file) {
		g_free(f->file);
		f->file = g_strdup(at->file);
	}
	f->after = g_steal_pointer(&after_text);
	g_ptr_array_add(out, f);
}

static void classify_emit_part(GPtrArray *out, const struct rulepack *p, const char *rule_id,
                               const struct compare_change *c, const exposure *part,
                               const char *where, const struct classify_context *ctx)
{
	if (!exposure_is_empty(part))
		classify_emit(out, p, rule_id, c, part, where, ctx);
}

/* Ports per protocol of a region, counted over its canonical boxes. */
static void classify_count_ports(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                 unsigned port_hi, const srcset *src, void *user_data)
{
	unsigned *counts = user_data;

	for (unsigned proto = proto_lo; proto <= proto_hi && proto <= EXPOSURE_PROTO_MAX; proto++) {
		if (exposure_proto_has_ports(proto))
			counts[proto] += port_hi - port_lo + 1;
	}
}

/* Does region cover at least the pack's wide_range ports of one protocol? */
static bool classify_is_wide(const struct rulepack *p, const exposure *region)
{
	unsigned counts[EXPOSURE_PROTO_MAX + 1] = { 0 };

	exposure_foreach(region, classify_count_ports, counts);
	for (unsigned proto = 0; proto <= EXPOSURE_PROTO_MAX; proto++) {
		if (p->wide_range && counts[proto] >= p->wide_range)
			return true;
	}
	return false;
}

static void classify_internet(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                              const exposure *inet, const struct classify_context *ctx)
{
	bool all = false;
	g_autoptr(exposure) sensitive = NULL, rest = NULL, web = NULL, rest2 = NULL;
	g_autoptr(exposure) portless = NULL, other = NULL;
	const char *where = "from the Internet";

	exposure_foreach(inet, classify_find_all_ports, &all);
	if (all) {
		classify_emit(out, p, "DW-NET-002", c, inet, where, ctx);
		return;
	}
	sensitive = classify_sensitive_part(p, c->new_r, inet);
	rest = exposure_subtract(inet, sensitive);
	web = exposure_intersect(rest, p->web);
	rest2 = exposure_subtract(rest, p->web);
	portless = exposure_intersect(rest2, p->portless);
	other = exposure_subtract(rest2, p->portless);
	classify_emit_part(out, p, "DW-NET-001", c, sensitive, where, ctx);
	classify_emit_part(out, p, classify_is_wide(p, other) ? "DW-NET-006" : "DW-NET-003", c, other,
	                   where, ctx);
	classify_emit_part(out, p, "DW-NET-004", c, web, where, ctx);
	classify_emit_part(out, p, "DW-NET-005", c, portless, where, ctx);
}

static void classify_private(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                             const exposure *priv)
{
	g_autoptr(exposure) sensitive = classify_sensitive_part(p, c->new_r, priv);
	g_autoptr(exposure) rest = exposure_subtract(priv, sensitive);
	const char *where = "from private sources";

	classify_emit_part(out, p, "DW-NET-010", c, sensitive, where, NULL);
	classify_emit_part(out, p, "DW-NET-011", c, rest, where, NULL);
}

static void classify_narrowed(GPtrArray *out, const struct rulepack *p, const struct compare_change *c)
{
	g_autofree char *text = exposure_to_string(c->narrowed);
	const struct resource *r = classify_resource(c);
	char *msg = g_strdup_printf("no longer reachable: %s (%s %s)", text, r->kind, r->name);

	g_ptr_array_add(out, classify_finding(p, "DW-NET-900", c, text, text, 0, msg));
}

/* " (AWS security group RedisSG at cfn/sg.yaml:12)": the first network
 * resource letting internet reach ports, or "" when not known. */
static char *classify_network_place(const struct classify_context *ctx, const exposure *ports,
                                    const srcset *internet)
{
	for (guint i = 0; ctx->network_resources && i < ctx->network_resources->len; i++) {
		const struct resource *r = ctx->network_resources->pdata[i];
		g_autoptr(exposure) e = resource_exposure(r);
		g_autoptr(exposure) on = exposure_intersect(e, ports);
		g_autoptr(exposure) inet = exposure_restrict_sources(on, internet);
		const struct resource_rule *at;

		if (exposure_is_empty(inet))
			continue;
		at = resource_rule_at(r, inet);
		return g_strdup_printf(" (%s %s at %s:%u)", r->kind, r->name,
		                       at && at->file ? at->file : r->file, at ? at->line : r->line);
	}
	return g_strdup("");
}

/* Appends how the Internet reaches the service of settings resource r. */
static void classify_setting_reach(GString *msg, const struct rulepack *p, const struct resource *r,
                                   const struct classify_context *ctx, const srcset *internet)
{
	const exposure *surface = ctx->surface;

	for (guint i = 0; i < p->sensitive->len; i++) {
		const struct sensitive_port *sp = p->sensitive->pdata[i];
		g_autoptr(exposure) on_ports = NULL, inet = NULL;
		g_autofree char *text = NULL, *place = NULL;

		if (!r->service ||
		    !g_ptr_array_find_with_equal_func(sp->settings, r->service, g_str_equal, NULL))
			continue;
		on_ports = exposure_intersect(surface, sp->ports);
		inet = exposure_restrict_sources(on_ports, internet);
		if (exposure_is_empty(inet))
			continue;
		text = exposure_to_string(on_ports);
		place = classify_network_place(ctx, sp->ports, internet);
		g_string_append_printf(msg, "; and the network rules let the Internet reach it: %s%s", text,
		                       place);
		return;
	}
}

/* sshd: PermitRootLogin, safest first; an unset value is the default. */
static int classify_root_rank(const char *value)
{
	static const char *const ranks[] = { "no", "forced-commands-only", "prohibit-password", "yes" };

	for (int i = 0; value && i < (int)G_N_ELEMENTS(ranks); i++) {
		if (strcmp(value, ranks[i]) == 0)
			return i;
	}
	return 2;
}

/* DW-SET-020..022 for the sshd keys, or NULL. */
static const char *classify_ssh_rule(const struct compare_setting *s)
{
	if (strcmp(s->key, "password-login") == 0)
		return strcmp(s->new_value, "yes") == 0 ? "DW-SET-020" : NULL;
	if (strcmp(s->key, "root-login") != 0 ||
	    classify_root_rank(s->new_value) <= classify_root_rank(s->old_value))
		return NULL;
	return strcmp(s->new_value, "yes") == 0 ? "DW-SET-021" : "DW-SET-022";
}

/* Kubernetes Service types, least exposed first. */
static int classify_service_rank(const char *type)
{
	static const char *const ranks[] = { "ExternalName", "ClusterIP", "NodePort", "LoadBalancer" };

	for (size_t i = 0; type && i < G_N_ELEMENTS(ranks); i++) {
		if (strcmp(type, ranks[i]) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * Kubernetes settings (extract_k8s.c): a NetworkPolicy that stops
 * isolating ingress or selects other pods, a Service whose type moved
 * towards LoadBalancer, a pod on the host network. True when s was one.
 */
static bool classify_k8s_setting(GPtrArray *out, const struct rulepack *p,
                                 const struct compare_change *c, const struct compare_setting *s)
{
	const struct resource *r = c->new_r;
	const char *rule = NULL;
	char *msg = NULL;
	g_autofree char *region = NULL;

	if (strcmp(s->key, "ingress-isolation") == 0 && strcmp(s->new_value, "off") == 0 &&
	    g_strcmp0(s->old_value, "on") == 0) {
		rule = "DW-NET-020";
		msg = g_strdup_printf("%s %s no longer isolates ingress (%s): the pods it selected "
		                      "accept any traffic unless another policy selects them",
		                      r->kind, r->name, s->setting->raw);
	} else if (strcmp(s->key, "selects") == 0 && s->old_value) {
		rule = "DW-NET-021";
		msg = g_strdup_printf("%s %s now selects %s, before %s: pods it no longer selects "
		                      "lose its ingress isolation, pods it newly selects are open to "
		                      "its rules", r->kind, r->name, s->new_value, s->old_value);
	} else if (strcmp(s->key, "service-type") == 0 &&
	           classify_service_rank(s->new_value) > classify_service_rank(s->old_value ? s->old_value
	                                                                                    : "ClusterIP")) {
		g_autoptr(exposure) e = resource_exposure(r);
		g_autofree char *ports = exposure_to_string(e);

		rule = "DW-SET-030";
		msg = g_strdup_printf("%s %s type %s, before %s: its ports are now reachable %s (%s)",
		                      r->kind, r->name, s->new_value, s->old_value ? s->old_value : "none",
		                      strcmp(s->new_value, "LoadBalancer") == 0
		                              ? "through a cloud load balancer"
		                              : "on every node's address", ports);
	} else if (strcmp(s->key, "host-network") == 0 && strcmp(s->new_value, "on") == 0) {
		rule = "DW-SET-031";
		msg = g_strdup_printf("%s %s uses the node's network (%s): every port its containers "
		                      "listen on is open on the node's addresses", r->kind, r->name,
		                      s->setting->raw);
	} else {
		return strcmp(s->key, "ingress-isolation") == 0 || strcmp(s->key, "selects") == 0 ||
		       strcmp(s->key, "service-type") == 0 || strcmp(s->key, "host-network") == 0;
	}
	region = g_strdup_printf("%s: %s", s->key, s->new_value);
	g_ptr_array_add(out, classify_finding(p, rule, c, region, s->old_value ? s->old_value : "unset",
	                                      s->setting->line, msg));
	return true;
}

/* Settings (Terraform, extract_tf.c) whose value is exposure in itself. */
static const struct {
	const char *key, *value, *rule, *what;
} classify_unsafe_settings[] = {
	{ "public", "on", "DW-SET-010", "made publicly accessible" },
	{ "access_policy", "open", "DW-SET-011", "open to anyone" },
	{ "public_access_block", "off", "DW-SET-012", "public access block loosened" },
	{ "public_network_access", "on", "DW-SET-013", "public network access turned on" },
};

/* A setting that moved to its unsafe value: its finding, else false. */
static bool classify_unsafe_setting(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                                    const struct compare_setting *s)
{
	for (size_t i = 0; i < G_N_ELEMENTS(classify_unsafe_settings); i++) {
		const char *rule = classify_unsafe_settings[i].rule;
		char *msg;

		if (strcmp(s->key, classify_unsafe_settings[i].key) != 0)
			continue;
		if (strcmp(s->new_value, classify_unsafe_settings[i].value) != 0 ||
		    g_strcmp0(s->old_value, s->new_value) == 0)
			return true;
		msg = g_strdup_printf("%s %s %s (%s)", c->new_r->kind, c->new_r->name,
		                      classify_unsafe_settings[i].what, s->setting->raw);
		g_ptr_array_add(out, classify_finding(p, rule, c, s->setting->raw,
		                                      s->old_value ? s->old_value : "unset", s->setting->line, msg));
		return true;
	}
	return false;
}

static void classify_setting(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                             const struct compare_setting *s, const struct classify_context *ctx)
{
	const struct resource *r = c->new_r;
	const struct resource_setting *auth = r ? resource_setting_get(r, "auth") : NULL;
	bool auth_off = auth && strcmp(auth->value, "off") == 0;
	const char *rule = NULL;
	GString *msg;
	g_autofree char *region = NULL;

	if (!s->new_value || !s->setting || classify_unsafe_setting(out, p, c, s))
		return;
	/* A setting a new file leaves unwritten (line 0) is the program's
	 * default, in force before the file existed too. */
	if (!s->old_value && s->setting->line == 0)
		return;
	if (classify_k8s_setting(out, p, c, s))
		return;
	if (strcmp(s->key, "auth") == 0 && strcmp(s->new_value, "off") == 0)
		rule = "DW-SET-001";
	else if (strcmp(s->key, "bind") == 0 && strcmp(s->new_value, "all") == 0 &&
	         g_strcmp0(s->old_value, "all") != 0)
		rule = auth_off ? "DW-SET-002" : "DW-SET-003";
	else
		rule = classify_ssh_rule(s);
	if (!rule)
		return;
	msg = g_string_new(NULL);
	region = g_strdup_printf("%s: %s", s->key, s->new_value);
	if (strcmp(s->key, "auth") == 0)
		g_string_append_printf(msg, "%s security turned off (%s)", r->kind, s->setting->raw);
	else if (strcmp(s->key, "bind") == 0)
		g_string_append_printf(msg, "%s now listens on all interfaces (%s)", r->kind,
		                       s->setting->raw);
	else if (strcmp(s->key, "password-login") == 0)
		g_string_append_printf(msg, "%s now accepts passwords (%s)", r->kind, s->setting->raw);
	else
		g_string_append_printf(msg, "%s now lets root log in %s (%s)", r->kind,
		                       strcmp(s->new_value, "yes") == 0 ? "with a password" : "with a key",
		                       s->setting->raw);
	if (ctx && ctx->surface)
		classify_setting_reach(msg, p, r, ctx, classify_internet_of(p, ctx));
	g_ptr_array_add(out, classify_finding(p, rule, c, region, s->old_value ? s->old_value : "unset",
	                                      s->setting->line, g_string_free(msg, FALSE)));
}

/*
 * After a setting's findings (from index first on): each names the key;
 * a setting that moved and raised none moved to a value no rule flags,
 * which is recorded as DW-SET-900 (info), so that the window an earlier
 * finding on that key opened can be seen to close.
 */
static void classify_setting_done(GPtrArray *out, guint first, const struct rulepack *p,
                                  const struct compare_change *c, const struct compare_setting *s)
{
	const struct resource *r = classify_resource(c);
	g_autofree char *region = NULL;
	struct finding *f;
	char *msg;

	for (guint i = first; i < out->len; i++) {
		f = out->pdata[i];
		g_free(f->setting_key);
		f->setting_key = g_strdup(s->key);
	}
	/* A removed resource's settings go with it: no window to close. */
	if (out->len > first || !s->old_value || !c->new_r)
		return;
	region = g_strdup_printf("%s: %s", s->key, s->new_value ? s->new_value : "unset");
	msg = g_strdup_printf("%s %s: %s is now %s, before %s", r->kind, r->name, s->key,
	                      s->new_value ? s->new_value : "unset", s->old_value);
	f = classify_finding(p, "DW-SET-900", c, region, s->old_value, s->setting ? s->setting->line : 0,
	                     msg);
	f->setting_key = g_strdup(s->key);
	g_ptr_array_add(out, f);
}

static void classify_unknowns(GPtrArray *out, const struct rulepack *p, const struct compare_change *c)
{
	for (guint i = 0; i < c->new_unknowns->len; i++) {
		const struct resource_unknown *u = c->new_unknowns->pdata[i];
		char *msg = g_strdup_printf("could not be evaluated: %s", u->what);
		struct finding *f = classify_finding(p, "DW-EVAL-001", c, u->what, "", u->line, msg);

		if (u->file) {
			g_free(f->file);
			f->file = g_strdup(u->file);
		}
		g_ptr_array_add(out, f);
	}
}

void rulepack_classify(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                       const struct classify_context *ctx)
{
	if (!c->new_r && c->old_r->model == RESOURCE_FIRST_MATCH) {
		char *msg = g_strdup_printf("%s %s removed; its deny rules no longer apply",
		                            c->old_r->kind, c->old_r->name);

		g_ptr_array_add(out, classify_finding(p, "DW-NET-012", c, "removed", "", 0, msg));
	}
	if (!c->new_r && resource_setting_get(c->old_r, "ingress-isolation") &&
	    strcmp(resource_setting_get(c->old_r, "ingress-isolation")->value, "on") == 0) {
		char *msg = g_strdup_printf("%s %s removed: the pods it selected accept any traffic "
		                            "unless another policy selects them",
		                            c->old_r->kind, c->old_r->name);

		g_ptr_array_add(out, classify_finding(p, "DW-NET-020", c, "removed", "", 0, msg));
	}
	if (c->widened && !exposure_is_empty(c->widened)) {
		g_autoptr(exposure) inet = exposure_restrict_sources(c->widened,
		                                                     classify_internet_of(p, ctx));
		g_autoptr(exposure) priv = exposure_subtract(c->widened, inet);

		/* Ports already reported open to the Internet are not also
		 * reported as widened within private space. */
		g_autoptr(exposure) overlap = classify_on_ports(priv, inet);
		g_autoptr(exposure) priv_only = exposure_subtract(priv, overlap);

		classify_internet(out, p, c, inet, ctx);
		classify_private(out, p, c, priv_only);
	}
	/* A removed list of allows (a security group) shuts what it let in;
	 * a removed first-match list (an NSG) is DW-NET-012 above, and a
	 * removed NetworkPolicy DW-NET-020: its pods lose their isolation. */
	if (c->narrowed && !exposure_is_empty(c->narrowed) &&
	    (c->new_r || (c->old_r->model == RESOURCE_UNION &&
	                  !resource_setting_get(c->old_r, "ingress-isolation"))))
		classify_narrowed(out, p, c);
	for (guint i = 0; i < c->settings->len; i++) {
		const struct compare_setting *s = &g_array_index(c->settings, struct compare_setting, i);
		guint first = out->len;

		classify_setting(out, p, c, s, ctx);
		classify_setting_done(out, first, p, c, s);
	}
	classify_unknowns(out, p, c);
}

bool rulepack_needs_context(const struct rulepack *p, const struct compare_change *c)
{
	for (guint i = 0; i < c->settings->len; i++) {
		const struct compare_setting *s = &g_array_index(c->settings, struct compare_setting, i);

		if (s->new_value && (strcmp(s->key, "auth") == 0 || strcmp(s->key, "bind") == 0))
			return true;
	}
	for (guint i = 0; c->widened && i < p->sensitive->len; i++) {
		const struct sensitive_port *s = p->sensitive->pdata[i];
		g_autoptr(exposure) hit = NULL;

		if (s->settings->len == 0)
			continue;
		hit = exposure_intersect(c->widened, s->ports);
		if (!exposure_is_empty(hit))
			return true;
	}
	return false;
}

/* The line of a "file:LINE: message" error about file, or 0. */
static unsigned classify_error_line(const char *message, const char *file)
{
	size_t n = strlen(file);
	guint64 line = 0;
	const char *p = message + n + 1;

	if (strncmp(message, file, n) != 0 || message[n] != ':' || !g_ascii_isdigit(*p))
		return 0;
	while (g_ascii_isdigit(*p) && line < G_MAXUINT)
		line = line * 10 + (guint64)(*p++ - '0');
	return *p == ':' && line <= G_MAXUINT ? (unsigned)line : 0;
}

struct finding *rulepack_parse_failure(const struct rulepack *p, const GError *error,
                                       const char *file)
{
	struct finding *f = g_new0(struct finding, 1);

	/* A template (Helm) is not malformed; it is not analysable as it stands. */
	f->rule = rulepack_rule(p, g_error_matches(error, DW_ERROR, DW_ERROR_UNKNOWN_VALUE)
	                                   ? "DW-PARSE-003" : "DW-PARSE-001");
	f->severity = f->rule->severity;
	f->id = classify_finding_id(f->rule->id, file, error->message);
	f->resource = g_strdup(file);
	f->kind = g_strdup("file");
	f->name = g_strdup(file);
	f->file = g_strdup(file);
	f->line = classify_error_line(error->message, file);
	f->widened = g_strdup("");
	f->before = g_strdup("");
	f->message = g_strdup_printf("could not be analysed: %s", error->message);
	f->unchecked = true;
	return f;
}

struct finding *rulepack_not_followed(const struct rulepack *p, const char *file, bool symlink)
{
	struct finding *f = g_new0(struct finding, 1);

	f->rule = rulepack_rule(p, "DW-PARSE-002");
	f->severity = f->rule->severity;
	f->id = classify_finding_id(f->rule->id, file, symlink ? "symlink" : "submodule");
	f->resource = g_strdup(file);
	f->kind = g_strdup("file");
	f->name = g_strdup(file);
	f->file = g_strdup(file);
	f->widened = g_strdup("");
	f->before = g_strdup("");
	f->message = g_strdup_printf("%s is a %s; driftwatch does not follow it", file,
	                             symlink ? "symbolic link" : "submodule");
	f->unchecked = true;
	return f;
}
