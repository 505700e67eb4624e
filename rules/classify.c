/*
 * classify.c - from a compared resource to findings with a severity.
 *
 * A widened set is split into the part reachable from public sources
 * and the part reachable only from private sources (and atoms). Public
 * sources are graded by size, port by port (pack.yml "public_sources":
 * a partner's /32 is not the Internet); each grade's part is then split
 * by port: all ports, sensitive service ports, public web ports,
 * port-less protocols, the rest. Private sources are split into a
 * blanket grant of every port and what is granted port by port, the
 * sensitive ports apart. Each non-empty part is one finding; a Service
 * whose type widens gathers its parts into one finding instead.
 */
#include "rulepack.h"

#include <string.h>

struct finding *rulepack_finding_new(const struct rulepack *p, const char *rule_id,
                                     const char *resource, const char *file, unsigned line,
                                     const char *region, char *message)
{
	/* rulepack_load refuses a pack without the rules the code emits */
	struct finding *f = finding_new(rulepack_rule(p, rule_id), resource, file, region);

	f->kind = g_strdup("policy");
	f->name = g_strdup(file);
	f->line = line;
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

/* The resource's name and place on a new finding about c. */
static void classify_finding_place(struct finding *f, const struct compare_change *c, unsigned line)
{
	const struct resource *r = classify_resource(c);

	f->kind = g_strdup(r->kind);
	f->name = g_strdup(r->name);
	f->line = line ? line : r->line;
}

/* A finding about c in file (its id hashes file). */
static struct finding *classify_finding_in(const struct rulepack *p, const char *rule_id,
                                           const struct compare_change *c, const char *file,
                                           const char *region, const char *before, unsigned line,
                                           char *message)
{
	/* rulepack_load refuses a pack without the rules the code emits */
	struct finding *f = finding_new(rulepack_rule(p, rule_id), c->identity, file, region);

	classify_finding_place(f, c, line);
	g_free(f->before);
	f->before = g_strdup(before);
	f->message = message;
	return f;
}

static struct finding *classify_finding(const struct rulepack *p, const char *rule_id,
                                        const struct compare_change *c, const char *region,
                                        const char *before, unsigned line, char *message)
{
	return classify_finding_in(p, rule_id, c, classify_resource(c)->file, region, before, line,
	                           message);
}

/* A finding about a region of c's network exposure. */
static struct finding *classify_finding_sets(const struct rulepack *p, const char *rule_id,
                                             const struct compare_change *c, const exposure *region,
                                             const exposure *before, const exposure *after,
                                             unsigned line)
{
	struct finding *f = finding_new_sets(rulepack_rule(p, rule_id), c->identity,
	                                     classify_resource(c)->file, region, before, after);

	classify_finding_place(f, c, line);
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
 * The part of region that only rules forwarding to other ports admit: a
 * port there is not where a service listens (compose "6379:8080" is
 * whatever listens on 8080), so it is judged by the target alone. New set.
 */
static exposure *classify_forwarded_only(const struct resource *r, const exposure *region)
{
	g_autoptr(GPtrArray) fwd = g_ptr_array_new(), direct = g_ptr_array_new();
	g_autoptr(exposure) fwd_set = NULL, direct_set = NULL, only = NULL;

	for (guint i = 0; r && i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];

		if (rule->allow)
			g_ptr_array_add(rule->target_lo == 0 && rule->target_hi == 0 ? direct : fwd, rule->match);
	}
	/* Most resources forward nothing: nothing to take out. */
	if (fwd->len == 0)
		return exposure_new();
	fwd_set = exposure_union_all((const exposure *const *)fwd->pdata, fwd->len);
	direct_set = exposure_union_all((const exposure *const *)direct->pdata, direct->len);
	only = exposure_subtract(fwd_set, direct_set);
	return exposure_intersect(region, only);
}

/*
 * What region reaches behind r's rules: region itself where no rule
 * forwards it, plus, for a rule that forwards to other ports (compose
 * "80:9200", a Service's targetPort, an Ingress backend), the part of
 * region it admits moved to those ports. So a data store published on
 * port 80 is still judged a data store, and a web app published on 6379
 * is not Redis. New set.
 */
static exposure *classify_behind(const struct resource *r, const exposure *region)
{
	g_autoptr(exposure) fwd_only = classify_forwarded_only(r, region);
	exposure *acc = exposure_subtract(region, fwd_only);

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
 * port that no rule forwards elsewhere, or admitted by a rule that
 * forwards to one, whatever the source (an address, a selector, a
 * service tag). New set.
 */
static exposure *classify_sensitive_part(const struct rulepack *p, const struct resource *r,
                                         const exposure *region)
{
	g_autoptr(exposure) fwd_only = classify_forwarded_only(r, region);
	g_autoptr(exposure) direct = exposure_subtract(region, fwd_only);
	exposure *acc = exposure_on_ports(direct, p->sensitive_all);

	for (guint i = 0; r && i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];
		g_autoptr(exposure) part = NULL, moved = NULL, hit = NULL;
		exposure *u;

		if (!rule->allow || (rule->target_lo == 0 && rule->target_hi == 0))
			continue;
		part = exposure_intersect(rule->match, region);
		moved = classify_move_ports(part, rule->target_lo, rule->target_hi);
		hit = exposure_on_ports(moved, p->sensitive_all);
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
		g_autoptr(exposure) hit = exposure_on_ports(region, s->ports);

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
		g_autoptr(exposure) hit = exposure_on_ports(region, s->ports);

		if (exposure_is_empty(hit))
			continue;
		g_string_append_printf(out, "%s%s", out->len ? ", " : "", s->service);
	}
	return g_string_free(out, FALSE);
}

/*
 * One class of a widened set, before it becomes a finding: the part of
 * the widened set in the class (its sources only), the rule, and how it
 * is reached ("from the Internet", "from private sources 172.16.0.0/12").
 */
struct classify_part {
	const char *rule_id;  /* static, or borrowed from the pack */
	exposure *region;     /* owned */
	char *where;          /* owned */
	bool sensitive;       /* reaches a data store or admin port: name it */
};

static void classify_part_free(struct classify_part *part)
{
	exposure_free(part->region);
	g_free(part->where);
	g_free(part);
}

/* The sources of a set, at most max of them, "and N more" for the rest. */
static char *classify_sources_text(const exposure *e, unsigned max)
{
	g_autoptr(srcset) sources = srcset_new();
	g_autofree char *text = NULL;
	g_auto(GStrv) items = NULL;
	GString *out;
	guint n;

	exposure_foreach(e, classify_collect_sources, &sources);
	text = srcset_to_string(sources);
	items = g_strsplit(text, ", ", -1); /* atoms are escaped: no ", " inside */
	n = g_strv_length(items);
	if (n <= max)
		return g_steal_pointer(&text);
	out = g_string_new(items[0]);
	for (guint i = 1; i < max; i++)
		g_string_append_printf(out, ", %s", items[i]);
	g_string_append_printf(out, " and %u more", n - max);
	return g_string_free(out, FALSE);
}

/* Longest source list a message names before "and N more". */
#define CLASSIFY_SOURCES_SHOWN 6

/*
 * Adds region as a part unless it is empty; where is "from CLASS", with
 * the sources named when the class is not the Internet as a whole.
 */
static void classify_add_part(GPtrArray *parts, const char *rule_id, const exposure *region,
                              const char *class, bool name_sources, bool sensitive)
{
	struct classify_part *part;
	g_autofree char *sources = NULL;

	if (exposure_is_empty(region))
		return;
	part = g_new0(struct classify_part, 1);
	part->rule_id = rule_id;
	part->region = exposure_copy(region);
	if (name_sources) {
		sources = classify_sources_text(region, CLASSIFY_SOURCES_SHOWN);
		part->where = g_strdup_printf("from %s %s", class, sources);
	} else {
		part->where = g_strdup_printf("from %s", class);
	}
	part->sensitive = sensitive;
	g_ptr_array_add(parts, part);
}

/* The rule a grade uses in place of an Internet rule (grade NULL: the Internet). */
static const char *classify_graded(const struct public_grade *grade, const char *rule_id)
{
	const char *to = grade ? g_hash_table_lookup(grade->rules, rule_id) : NULL;

	return to ? to : rule_id;
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

/*
 * Splits public sources (inet) by port: all ports, sensitive service
 * ports, the rest (a wide range or not), public web ports, port-less
 * protocols; each part takes its Internet rule or the grade's.
 */
static void classify_public_part(GPtrArray *parts, const struct rulepack *p,
                                 const struct compare_change *c, const exposure *inet,
                                 const struct public_grade *grade)
{
	const char *where = grade ? grade->name : "the Internet";
	bool named = grade != NULL;
	bool all = false;
	g_autoptr(exposure) sensitive = NULL, rest = NULL, web = NULL, rest2 = NULL;
	g_autoptr(exposure) portless = NULL, other = NULL;

	exposure_foreach(inet, classify_find_all_ports, &all);
	if (all) {
		classify_add_part(parts, classify_graded(grade, RULE_NET_002), inet, where, named, false);
		return;
	}
	sensitive = classify_sensitive_part(p, c->new_r, inet);
	rest = exposure_subtract(inet, sensitive);
	web = exposure_intersect(rest, p->web);
	rest2 = exposure_subtract(rest, p->web);
	portless = exposure_intersect(rest2, p->portless);
	other = exposure_subtract(rest2, p->portless);
	classify_add_part(parts, classify_graded(grade, RULE_NET_001), sensitive, where, named, true);
	classify_add_part(parts, classify_graded(grade, classify_is_wide(p, other) ? RULE_NET_006 : RULE_NET_003),
	                  other, where, named, false);
	classify_add_part(parts, classify_graded(grade, RULE_NET_004), web, where, named, false);
	classify_add_part(parts, classify_graded(grade, RULE_NET_005), portless, where, named, false);
}

struct classify_grading {
	const struct rulepack *p;
	GPtrArray *boxes; /* one GPtrArray of exposure * per grade, then the Internet's */
};

/* Puts one canonical box of public sources with the first grade that holds it. */
static void classify_grade_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                               unsigned port_hi, const srcset *src, void *user_data)
{
	struct classify_grading *g = user_data;
	guint i = 0;

	while (i < g->p->public_grades->len) {
		const struct public_grade *grade = g->p->public_grades->pdata[i];

		if (srcset_fits(src, grade->v4_prefix, grade->v6_prefix))
			break;
		i++;
	}
	g_ptr_array_add(g->boxes->pdata[i], exposure_new_box(proto_lo, proto_hi, port_lo, port_hi, src));
}

/*
 * Public sources graded by size (pack.yml "public_sources"): on each
 * port, the public sources newly let in go to the first grade that holds
 * them, else they are the Internet.
 */
static void classify_public(GPtrArray *parts, const struct rulepack *p, const struct compare_change *c,
                            const exposure *inet)
{
	guint n = p->public_grades->len;
	struct classify_grading g = { p, g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) };

	for (guint i = 0; i <= n; i++)
		g_ptr_array_add(g.boxes, g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free));
	exposure_foreach(inet, classify_grade_box, &g);
	for (guint i = 0; i <= n; i++) {
		GPtrArray *boxes = g.boxes->pdata[i];
		const struct public_grade *grade = i < n ? p->public_grades->pdata[i] : NULL;
		g_autoptr(exposure) part = NULL;

		if (boxes->len == 0)
			continue;
		part = exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
		classify_public_part(parts, p, c, part, grade);
	}
	g_ptr_array_unref(g.boxes);
}

struct classify_cover {
	unsigned proto;
	uint32_t next;   /* the first port not yet seen */
	srcset *common;  /* sources on every port seen; owned, NULL before the first */
};

static void classify_cover_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                               unsigned port_hi, const srcset *src, void *user_data)
{
	struct classify_cover *cv = user_data;
	srcset *both;

	if (proto_lo > cv->proto || cv->proto > proto_hi)
		return;
	if (port_lo != cv->next) {
		/* A gap: no source has every port. */
		srcset_free(cv->common);
		cv->common = srcset_new();
	}
	both = cv->common ? srcset_intersect(cv->common, src) : srcset_copy(src);
	srcset_free(cv->common);
	cv->common = both;
	cv->next = (uint32_t)port_hi + 1;
}

/* The sources e admits on every port of tcp, or of udp. New set. */
static srcset *classify_blanket_sources(const exposure *e)
{
	static const unsigned protos[] = { EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_UDP };
	srcset *acc = srcset_new();

	for (size_t i = 0; i < G_N_ELEMENTS(protos); i++) {
		struct classify_cover cv = { protos[i], 0, NULL };

		exposure_foreach(e, classify_cover_box, &cv);
		if (cv.common && cv.next == EXPOSURE_PORT_MAX + 1u) {
			srcset *u = srcset_union(acc, cv.common);

			srcset_free(acc);
			acc = u;
		}
		srcset_free(cv.common);
	}
	return acc;
}

/*
 * Private sources. A blanket grant to a named source (every port to the
 * VNet tag, a group to itself: Azure's AllowVnetInBound) is network-level
 * trust, one low finding; what is granted port by port, and every port
 * granted to addresses (a peered network's whole range), is split, and a
 * data store or admin port keeps its own rule, from addresses and from
 * sources that are not addresses (a selector, a service tag) alike.
 */
static void classify_private(GPtrArray *parts, const struct rulepack *p, const struct compare_change *c,
                             const exposure *priv)
{
	g_autoptr(srcset) every = classify_blanket_sources(priv);
	g_autoptr(srcset) addresses = srcset_new();
	g_autoptr(srcset) blanket_sources = NULL;
	g_autoptr(exposure) blanket = NULL;
	g_autoptr(exposure) granted = NULL;
	g_autoptr(exposure) sensitive = NULL;
	g_autoptr(exposure) rest = NULL;

	srcset_add_all_addresses(addresses);
	blanket_sources = srcset_subtract(every, addresses);
	blanket = exposure_restrict_sources(priv, blanket_sources);
	granted = exposure_subtract(priv, blanket);
	sensitive = classify_sensitive_part(p, c->new_r, granted);
	rest = exposure_subtract(granted, sensitive);

	classify_add_part(parts, RULE_NET_010, sensitive, "private sources", true, true);
	classify_add_part(parts, RULE_NET_011, rest, "private sources", true, false);
	classify_add_part(parts, RULE_NET_011, blanket, "private sources", true, false);
}

/*
 * The classes of c's widened set: public sources by grade and port,
 * then private ones on the ports not already open to public ones.
 */
static GPtrArray *classify_widened(const struct rulepack *p, const struct compare_change *c,
                                   const struct classify_context *ctx)
{
	GPtrArray *parts = g_ptr_array_new_with_free_func((GDestroyNotify)classify_part_free);
	g_autoptr(exposure) inet = exposure_restrict_sources(c->widened, classify_internet_of(p, ctx));
	g_autoptr(exposure) priv = exposure_subtract(c->widened, inet);
	/* Ports already reported open to public sources are not also
	 * reported as widened within private space. */
	g_autoptr(exposure) overlap = exposure_on_ports(priv, inet);
	g_autoptr(exposure) priv_only = exposure_subtract(priv, overlap);

	classify_public(parts, p, c, inet);
	classify_private(parts, p, c, priv_only);
	return parts;
}

/* "Elasticsearch newly reachable from the Internet" for a part. */
static char *classify_part_head(const struct rulepack *p, const struct compare_change *c,
                                const struct classify_part *part)
{
	g_autoptr(exposure) behind = classify_behind(c->new_r, part->region);
	g_autofree char *services = part->sensitive ? classify_services(p, behind) : NULL;

	if (services && *services)
		return g_strdup_printf("%s newly reachable %s", services, part->where);
	return g_strdup_printf("newly reachable %s", part->where);
}

/* "; and Elasticsearch security is off in FILE:LINE (RAW)" when it is. */
static void classify_append_auth_off(GString *msg, const struct rulepack *p, const exposure *region,
                                     const struct compare_change *c, const struct classify_context *ctx)
{
	g_autoptr(exposure) behind = classify_behind(c->new_r, region);
	const struct resource *auth_off = classify_auth_off(p, behind, ctx);
	const struct resource_setting *s;

	if (!auth_off)
		return;
	s = resource_setting_get(auth_off, "auth");
	/* Line 0: the program's default, not written in the file. */
	if (s->line)
		g_string_append_printf(msg, "; and %s security is off in %s:%u (%s)", auth_off->kind,
		                       auth_off->file, s->line, s->raw);
	else
		g_string_append_printf(msg, "; and %s security is off in %s (%s)", auth_off->kind,
		                       auth_off->file, s->raw);
}

/*
 * One finding for one part. Its region (the JSON "widened") is all that
 * the change newly lets in on the part's protocols and ports, whatever
 * the source, so it reads "tcp/22 from 0.0.0.0/0", not the Internet as
 * a list of CIDRs; the rule it points at is the one admitting the part.
 */
static void classify_emit(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                          const struct classify_part *part, const struct classify_context *ctx)
{
	const struct resource *r = classify_resource(c);
	g_autoptr(exposure) shown = exposure_on_ports(c->widened, part->region);
	g_autoptr(exposure) before = exposure_on_ports(c->before, part->region);
	g_autoptr(exposure) after = exposure_on_ports(c->after, part->region);
	const struct resource_rule *at = resource_rule_at(c->new_r, part->region);
	struct finding *f = classify_finding_sets(p, part->rule_id, c, shown, before, after,
	                                          at ? at->line : 0);
	GString *msg = g_string_new(NULL);

	f->headline = classify_part_head(p, c, part);
	g_string_append_printf(msg, "%s: now %s (%s %s); before: %s", f->headline, f->after, r->kind,
	                       r->name, f->before);
	classify_append_auth_off(msg, p, part->region, c, ctx);
	f->message = g_string_free(msg, FALSE);
	/* The id hashes the resource's file; the finding points at the rule's. */
	if (at && at->file) {
		g_free(f->file);
		f->file = g_strdup(at->file);
	}
	g_ptr_array_add(out, f);
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

/* The Service type setting of c when it moved towards LoadBalancer, or NULL. */
static const struct compare_setting *classify_service_widening(const struct compare_change *c)
{
	for (guint i = 0; i < c->settings->len; i++) {
		const struct compare_setting *s = &g_array_index(c->settings, struct compare_setting, i);

		if (strcmp(s->key, "service-type") == 0 && s->new_value && s->setting &&
		    classify_service_rank(s->new_value) >
		            classify_service_rank(s->old_value ? s->old_value : "ClusterIP"))
			return s;
	}
	return NULL;
}

/*
 * A Service whose type widened: one finding for the whole change
 * (DW-SET-030), saying what each class of it lets in, as severe as the
 * worst of them and at least the rule's own severity. An internal load
 * balancer is private, 443 to the Internet is a web port: not high.
 */
static void classify_service_change(GPtrArray *out, const struct rulepack *p,
                                    const struct compare_change *c, const struct compare_setting *s,
                                    const GPtrArray *parts, const struct classify_context *ctx)
{
	const struct resource *r = c->new_r;
	g_autoptr(exposure) before = exposure_on_ports(c->before, c->widened);
	g_autoptr(exposure) after = exposure_on_ports(c->after, c->widened);
	GString *msg = g_string_new(NULL);
	struct finding *f;
	enum severity worst;

	if (!c->old_r)
		g_string_append_printf(msg, "new %s %s of type %s", r->kind, r->name, s->new_value);
	else
		g_string_append_printf(msg, "%s %s type %s, before %s", r->kind, r->name, s->new_value,
		                       s->old_value ? s->old_value : "ClusterIP");
	g_string_append_printf(msg, ": its ports are now reachable %s",
	                       strcmp(s->new_value, "LoadBalancer") == 0 ? "through a cloud load balancer"
	                                                                 : "on every node's address");
	f = classify_finding_sets(p, RULE_SET_030, c, c->widened, before, after, s->setting->line);
	f->headline = g_strdup(msg->str);
	worst = f->severity;
	for (guint i = 0; i < parts->len; i++) {
		const struct classify_part *part = parts->pdata[i];
		g_autoptr(exposure) shown = exposure_on_ports(c->widened, part->region);
		g_autofree char *shown_text = exposure_to_string(shown);
		g_autofree char *head = classify_part_head(p, c, part);

		/* One sentence per part: a set holds "; " itself. */
		head[0] = g_ascii_toupper(head[0]);
		g_string_append_printf(msg, ". %s: %s", head, shown_text);
		worst = MAX(worst, rulepack_rule(p, part->rule_id)->severity);
	}
	classify_append_auth_off(msg, p, c->widened, c, ctx);
	f->severity = worst;
	f->message = g_string_free(msg, FALSE);
	g_ptr_array_add(out, f);
}

/* The findings of c's widened set. */
static void classify_network(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                             const struct classify_context *ctx)
{
	g_autoptr(GPtrArray) parts = classify_widened(p, c, ctx);
	const struct compare_setting *service = classify_service_widening(c);

	if (service && c->new_r) {
		classify_service_change(out, p, c, service, parts, ctx);
		return;
	}
	for (guint i = 0; i < parts->len; i++)
		classify_emit(out, p, c, parts->pdata[i], ctx);
}

static void classify_narrowed(GPtrArray *out, const struct rulepack *p, const struct compare_change *c)
{
	const struct resource *r = classify_resource(c);
	struct finding *f = classify_finding_sets(p, RULE_NET_900, c, c->narrowed, c->narrowed, NULL, 0);

	f->message = g_strdup_printf("no longer reachable: %s (%s %s)", f->widened, r->kind, r->name);
	g_ptr_array_add(out, f);
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

/* "the Internet", or the name of the first grade holding all of inet's sources. */
static const char *classify_grade_name(const struct rulepack *p, const exposure *inet)
{
	g_autoptr(srcset) sources = srcset_new();

	exposure_foreach(inet, classify_collect_sources, &sources);
	for (guint i = 0; i < p->public_grades->len; i++) {
		const struct public_grade *g = p->public_grades->pdata[i];

		if (srcset_fits(sources, g->v4_prefix, g->v6_prefix))
			return g->name;
	}
	return "the Internet";
}

/* Appends how public sources reach the service of settings resource r. */
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
		g_string_append_printf(msg, "; and the network rules let %s reach it: %s%s",
		                       classify_grade_name(p, inet), text, place);
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
		return strcmp(s->new_value, "yes") == 0 ? RULE_SET_020 : NULL;
	if (strcmp(s->key, "root-login") != 0 ||
	    classify_root_rank(s->new_value) <= classify_root_rank(s->old_value))
		return NULL;
	return strcmp(s->new_value, "yes") == 0 ? RULE_SET_021 : RULE_SET_022;
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
		rule = RULE_NET_020;
		msg = g_strdup_printf("%s %s no longer isolates ingress (%s): the pods it selected "
		                      "accept any traffic unless another policy selects them",
		                      r->kind, r->name, s->setting->raw);
	} else if (strcmp(s->key, "selects") == 0 && s->old_value) {
		rule = RULE_NET_021;
		msg = g_strdup_printf("%s %s now selects %s, before %s: pods it no longer selects "
		                      "lose its ingress isolation, pods it newly selects are open to "
		                      "its rules", r->kind, r->name, s->new_value, s->old_value);
	} else if (strcmp(s->key, "service-type") == 0) {
		/* A widened type is judged with the exposure it brings
		 * (classify_service_change); letting nothing new in, it is no finding. */
		return true;
	} else if (strcmp(s->key, "host-network") == 0 && strcmp(s->new_value, "on") == 0) {
		rule = RULE_SET_031;
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
	{ "public", "on", RULE_SET_010, "made publicly accessible" },
	{ "access_policy", "open", RULE_SET_011, "open to anyone" },
	{ "public_access_block", "off", RULE_SET_012, "public access block loosened" },
	{ "public_network_access", "on", RULE_SET_013, "public network access turned on" },
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
	g_autofree char *headline = NULL;
	struct finding *f;

	if (!s->new_value || !s->setting || classify_unsafe_setting(out, p, c, s))
		return;
	/* A setting a new file leaves unwritten (line 0) is the program's
	 * default, in force before the file existed too. */
	if (!s->old_value && s->setting->line == 0)
		return;
	if (classify_k8s_setting(out, p, c, s))
		return;
	if (strcmp(s->key, "auth") == 0 && strcmp(s->new_value, "off") == 0)
		rule = RULE_SET_001;
	else if (strcmp(s->key, "bind") == 0 && strcmp(s->new_value, "all") == 0 &&
	         g_strcmp0(s->old_value, "all") != 0)
		rule = auth_off ? RULE_SET_002 : RULE_SET_003;
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
	headline = g_strdup(msg->str);
	if (ctx && ctx->surface)
		classify_setting_reach(msg, p, r, ctx, classify_internet_of(p, ctx));
	f = classify_finding(p, rule, c, region, s->old_value ? s->old_value : "unset", s->setting->line,
	                     g_string_free(msg, FALSE));
	f->headline = g_steal_pointer(&headline);
	g_ptr_array_add(out, f);
}

/*
 * After a setting's findings (from index first on): each names the key;
 * a setting that moved away from a value a rule flags is recorded as
 * DW-SET-900 (info), so that the window an earlier finding on that key
 * opened can be seen to close.
 */
/* The value of each key that a DW-SET rule flags (classify_setting and
 * its helpers above); "*" for any value but "no". */
static const struct {
	const char *key, *value;
} classify_flagged_values[] = {
	{ "auth", "off" },          { "bind", "all" },
	{ "public", "on" },         { "access_policy", "open" },
	{ "public_access_block", "off" }, { "public_network_access", "on" },
	{ "password-login", "yes" }, { "root-login", "*" },
	{ "host-network", "on" },   { "ingress-isolation", "off" },
};

static bool classify_value_flagged(const char *key, const char *value)
{
	for (size_t i = 0; value && i < G_N_ELEMENTS(classify_flagged_values); i++) {
		if (strcmp(key, classify_flagged_values[i].key) != 0)
			continue;
		if (strcmp(classify_flagged_values[i].value, "*") == 0)
			return strcmp(value, "no") != 0;
		return strcmp(value, classify_flagged_values[i].value) == 0;
	}
	return false;
}

/* Did s move away from what a rule flags: a flagged value left, or a
 * Service type moved towards ClusterIP? */
static bool classify_setting_made_safer(const struct compare_setting *s)
{
	if (strcmp(s->key, "service-type") == 0)
		return classify_service_rank(s->new_value ? s->new_value : "ClusterIP") <
		       classify_service_rank(s->old_value);
	return classify_value_flagged(s->key, s->old_value) && !classify_value_flagged(s->key, s->new_value);
}

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
	if (out->len > first || !s->old_value || !c->new_r || !classify_setting_made_safer(s))
		return;
	region = g_strdup_printf("%s: %s", s->key, s->new_value ? s->new_value : "unset");
	msg = g_strdup_printf("%s %s: %s is now %s, before %s", r->kind, r->name, s->key,
	                      s->new_value ? s->new_value : "unset", s->old_value);
	f = classify_finding(p, RULE_SET_900, c, region, s->old_value, s->setting ? s->setting->line : 0,
	                     msg);
	f->setting_key = g_strdup(s->key);
	g_ptr_array_add(out, f);
}

static void classify_unknowns(GPtrArray *out, const struct rulepack *p, const struct compare_change *c)
{
	for (guint i = 0; i < c->new_unknowns->len; i++) {
		const struct resource_unknown *u = c->new_unknowns->pdata[i];
		char *msg = g_strdup_printf("could not be evaluated: %s", u->what);
		const char *file = u->file ? u->file : classify_resource(c)->file;
		struct finding *f = classify_finding_in(p, RULE_EVAL_001, c, file, u->what, "", u->line, msg);

		/* A name hides nothing of what the rules let in. */
		if (g_str_has_prefix(u->what, RESOURCE_UNKNOWN_NAME))
			f->severity = SEVERITY_INFO;
		g_ptr_array_add(out, f);
	}
}

/* Is "item" one of the comma-separated entries of list? */
static bool classify_list_has(const char *list, const char *item)
{
	g_auto(GStrv) items = g_strsplit(list, ",", -1);

	return g_strv_contains((const char *const *)items, item);
}

/*
 * Was the removed NSG r torn down with what it protected? Only when its
 * template named what it protects ("protects": subnets, NICs) and, in the
 * whole new revision, none of them is left and nothing else names r, or
 * may name it (a reference that could not be evaluated, "?"); a subnet or
 * NIC whose own file declares an NSG of r's name names that one. Not known
 * (the context is not loaded): no.
 */
/* Does o's own file still declare an NSG of that name (a reference by
 * name resolves in its own deployment, so it names that one)? */
static bool classify_names_own(const struct resource *o, const char *name, const struct classify_context *ctx)
{
	for (guint i = 0; ctx->network_resources && i < ctx->network_resources->len; i++) {
		const struct resource *n = ctx->network_resources->pdata[i];

		if (n->model == RESOURCE_FIRST_MATCH && !n->fragment && strcmp(n->name, name) == 0 &&
		    strcmp(n->file, o->file) == 0)
			return true;
	}
	return false;
}

static bool classify_torn_down(const struct resource *r, const struct classify_context *ctx)
{
	const struct resource_setting *protects = resource_setting_get(r, "protects");

	if (!protects || !ctx || !ctx->settings_resources)
		return false;
	for (guint i = 0; i < ctx->settings_resources->len; i++) {
		const struct resource *o = ctx->settings_resources->pdata[i];
		const struct resource_setting *nsg = resource_setting_get(o, "nsg");

		if (classify_list_has(protects->value, o->identity) ||
		    (nsg && strcmp(nsg->value, "?") == 0) ||
		    (nsg && strcmp(nsg->value, r->name) == 0 && !classify_names_own(o, r->name, ctx)))
			return false;
	}
	return true;
}

/* DW-NET-012: a first-match list removed; info when what it protected went with it. */
static void classify_removed(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                             const struct classify_context *ctx)
{
	const struct resource *r = c->old_r;
	struct finding *f;

	if (classify_torn_down(r, ctx)) {
		f = classify_finding(p, RULE_NET_012, c, "removed with what it protected", "", 0,
		                     g_strdup_printf("%s %s removed together with what it protected (%s): "
		                                     "a teardown", r->kind, r->name,
		                                     resource_setting_get(r, "protects")->value));
		f->severity = SEVERITY_INFO;
	} else {
		f = classify_finding(p, RULE_NET_012, c, "removed", "", 0,
		                     g_strdup_printf("%s %s removed; its deny rules no longer apply",
		                                     r->kind, r->name));
		f->headline = g_strdup_printf("%s %s removed", r->kind, r->name);
	}
	g_ptr_array_add(out, f);
}

void rulepack_classify(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                       const struct classify_context *ctx)
{
	if (!c->new_r && c->old_r->model == RESOURCE_FIRST_MATCH)
		classify_removed(out, p, c, ctx);
	if (!c->new_r && resource_setting_get(c->old_r, "ingress-isolation") &&
	    strcmp(resource_setting_get(c->old_r, "ingress-isolation")->value, "on") == 0) {
		char *msg = g_strdup_printf("%s %s removed: the pods it selected accept any traffic "
		                            "unless another policy selects them",
		                            c->old_r->kind, c->old_r->name);

		g_ptr_array_add(out, classify_finding(p, RULE_NET_020, c, "removed", "", 0, msg));
	}
	if (c->widened && !exposure_is_empty(c->widened))
		classify_network(out, p, c, ctx);
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
	/* A removed NSG: is what it protects left anywhere? */
	if (!c->new_r && resource_setting_get(c->old_r, "protects"))
		return true;
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
		hit = exposure_on_ports(c->widened, s->ports);
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

/* The rule for a file that could not be checked, by what it can hide. */
static const char *classify_failure_rule(const GError *error, bool was_readable)
{
	if (was_readable)
		return RULE_PARSE_001;
	/* A template (Helm) is not malformed; it is not analysable as it stands. */
	if (g_error_matches(error, DW_ERROR, DW_ERROR_UNKNOWN_VALUE))
		return RULE_PARSE_003;
	if (g_error_matches(error, DW_ERROR, DW_ERROR_NOT_READ))
		return RULE_PARSE_005;
	return RULE_PARSE_004;
}

static struct finding *classify_failure(const struct rulepack *p, const char *rule_id,
                                        const GError *error, const char *file)
{
	bool readable_before = strcmp(rule_id, RULE_PARSE_001) == 0;
	/* A file never read is one finding whatever its error says, so that
	 * it is reported once and an approval of it holds across edits. */
	struct finding *f = finding_new(rulepack_rule(p, rule_id), file, file,
	                                readable_before ? error->message : "");

	f->kind = g_strdup("file");
	f->name = g_strdup(file);
	f->line = classify_error_line(error->message, file);
	g_free(f->widened);
	f->widened = g_strdup("");
	if (g_error_matches(error, DW_ERROR, DW_ERROR_NOT_READ) && !readable_before)
		f->message = g_strdup_printf("not analysed: %s", error->message);
	else if (readable_before)
		f->message = g_strdup_printf("could not be checked (it was read before this change, so "
		                             "a widening could hide in it): %s", error->message);
	else
		f->message = g_strdup_printf("could not be checked: %s", error->message);
	f->unchecked = true;
	return f;
}

struct finding *rulepack_parse_failure(const struct rulepack *p, const GError *error,
                                       const char *file)
{
	const char *rule_id = classify_failure_rule(error, false);

	/* With nothing to compare with, a file that does not parse is taken
	 * to hide what it holds. */
	if (strcmp(rule_id, RULE_PARSE_004) == 0)
		rule_id = RULE_PARSE_001;
	return classify_failure(p, rule_id, error, file);
}

struct finding *rulepack_parse_failure_graded(const struct rulepack *p, const GError *error,
                                              const char *file, bool was_readable)
{
	return classify_failure(p, classify_failure_rule(error, was_readable), error, file);
}

struct finding *rulepack_not_followed(const struct rulepack *p, const char *file, bool symlink)
{
	struct finding *f = finding_new(rulepack_rule(p, RULE_PARSE_002), file, file,
	                                symlink ? "symlink" : "submodule");

	f->kind = g_strdup("file");
	f->name = g_strdup(file);
	g_free(f->widened);
	f->widened = g_strdup("");
	f->message = g_strdup_printf("%s is a %s; driftwatch does not follow it", file,
	                             symlink ? "symbolic link" : "submodule");
	f->headline = g_strdup_printf("%s is a %s", file, symlink ? "symbolic link" : "submodule");
	f->unchecked = true;
	return f;
}
