/*
 * rulepack.c - load the rule pack (rules/pack.yml) and check it.
 *
 * Every problem in the file is collected and reported together, each as
 * "path:line: what", so a user editing a pack fixes it in one pass.
 */
#include "rulepack.h"

#include <string.h>

#include "doc.h"
#include "dw_error.h"

/* Rule ids the classifier emits; a pack without one of them is refused. */
static const char *const rulepack_required[] = {
	RULE_NET_001, RULE_NET_002, RULE_NET_003, RULE_NET_004, RULE_NET_005,
	RULE_NET_006, RULE_NET_010, RULE_NET_011, RULE_NET_012, RULE_NET_900, RULE_SET_001,
	RULE_SET_002, RULE_SET_003, RULE_SET_010, RULE_SET_011, RULE_SET_012, RULE_SET_013,
	RULE_EVAL_001, RULE_PARSE_001, RULE_PARSE_002,
	RULE_POLICY_001, RULE_POLICY_002, RULE_POLICY_003, RULE_POLICY_004,
	RULE_POLICY_005,
	RULE_NET_020, RULE_NET_021, RULE_SET_030, RULE_SET_031, RULE_PARSE_003,
	RULE_PARSE_004, RULE_PARSE_005,
};

static const char *const severity_names[] = {
	[SEVERITY_INFO] = "info",         [SEVERITY_LOW] = "low",
	[SEVERITY_MEDIUM] = "medium",     [SEVERITY_HIGH] = "high",
	[SEVERITY_CRITICAL] = "critical",
};

bool severity_parse(enum severity *out, const char *text)
{
	for (size_t i = 0; text && i < G_N_ELEMENTS(severity_names); i++) {
		if (g_ascii_strcasecmp(text, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return true;
		}
	}
	return false;
}

const char *severity_name(enum severity s)
{
	g_assert((size_t)s < G_N_ELEMENTS(severity_names));
	return severity_names[s];
}

static void rulepack_rule_free(struct rule *r)
{
	g_free(r->id);
	g_free(r->title);
	g_free(r->rationale);
	g_free(r->remediation);
	g_ptr_array_unref(r->references);
	g_free(r);
}

static void rulepack_grade_free(struct public_grade *g)
{
	g_free(g->name);
	g_hash_table_unref(g->rules);
	g_free(g);
}

static void rulepack_sensitive_free(struct sensitive_port *s)
{
	g_free(s->service);
	g_free(s->kind);
	exposure_free(s->ports);
	g_ptr_array_unref(s->settings);
	g_free(s);
}

void rulepack_free(struct rulepack *p)
{
	if (!p)
		return;
	g_free(p->path);
	g_free(p->digest);
	g_ptr_array_unref(p->rules);
	g_ptr_array_unref(p->sensitive);
	srcset_free(p->internet);
	exposure_free(p->sensitive_all);
	exposure_free(p->web);
	exposure_free(p->portless);
	exposure_free(p->settings_ports);
	g_ptr_array_unref(p->public_grades);
	g_free(p);
}

const struct rule *rulepack_rule(const struct rulepack *p, const char *id)
{
	for (guint i = 0; i < p->rules->len; i++) {
		const struct rule *r = p->rules->pdata[i];

		if (strcmp(r->id, id) == 0)
			return r;
	}
	return NULL;
}

/* A loader's state: the pack being built and every problem found. */
struct rulepack_loader {
	struct rulepack *p;
	const char *path; /* the file being read: the pack's or an overlay's */
	struct dw_problems problems;
};

static const char *rulepack_text(struct rulepack_loader *l, const struct doc_node *map,
                                 const char *key)
{
	const char *s = doc_scalar(doc_map_get(map, key));

	if (!s)
		dw_problems_add(&l->problems, map->line, "missing \"%s\"", key);
	return s;
}

/* "tcp/9200,9300" -> those ports from every address. */
static exposure *rulepack_ports(struct rulepack_loader *l, const struct doc_node *n)
{
	const char *spec = doc_scalar(n);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	exposure *e;

	if (!spec) {
		dw_problems_add(&l->problems, n ? n->line : 0,
		                "expected ports such as \"tcp/9200,9300\"");
		return NULL;
	}
	text = g_strdup_printf("%s from 0.0.0.0/0, ::/0", spec);
	e = exposure_parse(text, &error);
	if (!e)
		dw_problems_add(&l->problems, n->line, "bad ports \"%s\": %s", spec,
		                error->message);
	return e;
}

/* The CIDRs of an "internet: not:" list. */
static srcset *rulepack_excluded(struct rulepack_loader *l, const struct doc_node *not)
{
	srcset *excluded = srcset_new();

	for (size_t i = 0; i < not->n; i++) {
		g_autoptr(GError) error = NULL;
		const char *cidr = doc_scalar(not->items[i]);

		if (!cidr || !srcset_add_cidr(excluded, cidr, &error))
			dw_problems_add(&l->problems, not ->items[i]->line,
			                "expected a CIDR, got \"%s\"",
			                cidr ? cidr : "(not a scalar)");
	}
	return excluded;
}

static void rulepack_load_internet(struct rulepack_loader *l, const struct doc_node *root)
{
	const struct doc_node *not = doc_map_get(doc_map_get(root, "internet"), "not");
	g_autoptr(srcset) all = srcset_new();
	g_autoptr(srcset) excluded = NULL;

	srcset_add_all_addresses(all);
	if (!not || not->kind != DOC_LIST) {
		dw_problems_add(&l->problems, root->line, "missing \"internet: not:\" list");
		return;
	}
	excluded = rulepack_excluded(l, not);
	l->p->internet = srcset_subtract(all, excluded);
}

static GPtrArray *rulepack_strings(const struct doc_node *list)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; list && list->kind == DOC_LIST && i < list->n; i++) {
		const char *s = doc_scalar(list->items[i]);

		if (s)
			g_ptr_array_add(out, g_strdup(s));
	}
	return out;
}

/* Appends the entries of a "sensitive:" list to into. */
static void rulepack_sensitive_list(struct rulepack_loader *l, const struct doc_node *list,
                                    GPtrArray *into)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct doc_node *m = list->items[i];
		const char *service;
		exposure *ports;
		struct sensitive_port *s;

		if (m->kind != DOC_MAP) {
			dw_problems_add(&l->problems, m->line,
			                "expected {service: ..., ports: ...}");
			continue;
		}
		service = rulepack_text(l, m, "service");
		ports = rulepack_ports(l, doc_map_get(m, "ports"));
		if (!service || !ports) {
			exposure_free(ports);
			continue;
		}
		s = g_new0(struct sensitive_port, 1);
		s->service = g_strdup(service);
		s->kind = g_strdup(doc_scalar(doc_map_get(m, "kind")));
		s->ports = ports;
		s->settings = rulepack_strings(doc_map_get(m, "settings"));
		g_ptr_array_add(into, s);
	}
}

/* The unions over p->sensitive. */
static void rulepack_sensitive_sets(struct rulepack *p)
{
	g_autoptr(GPtrArray) sets = g_ptr_array_new();
	g_autoptr(GPtrArray) with_settings = g_ptr_array_new();

	for (guint i = 0; i < p->sensitive->len; i++) {
		const struct sensitive_port *s = p->sensitive->pdata[i];

		g_ptr_array_add(sets, s->ports);
		if (s->settings->len)
			g_ptr_array_add(with_settings, s->ports);
	}
	exposure_free(p->sensitive_all);
	exposure_free(p->settings_ports);
	p->sensitive_all = exposure_union_all((const exposure *const *)sets->pdata, sets->len);
	p->settings_ports = exposure_union_all((const exposure *const *)with_settings->pdata,
	                                       with_settings->len);
}

static void rulepack_load_sensitive(struct rulepack_loader *l, const struct doc_node *root)
{
	const struct doc_node *list = doc_map_get(root, "sensitive");

	if (!list || list->kind != DOC_LIST) {
		dw_problems_add(&l->problems, root->line, "missing \"sensitive:\" list");
		return;
	}
	rulepack_sensitive_list(l, list, l->p->sensitive);
	rulepack_sensitive_sets(l->p);
}

/* wide_range: a positive number of ports; 0 after a problem. */
static unsigned rulepack_wide_range(struct rulepack_loader *l, const struct doc_node *n)
{
	const char *text = doc_scalar(n);
	guint64 v = 0;

	if (!text || !g_ascii_string_to_unsigned(text, 10, 1, EXPOSURE_PORT_MAX + 1u, &v, NULL)) {
		dw_problems_add(&l->problems, n->line,
		                "wide_range: expected a number of ports from 1 to %u, got \"%s\"",
		                EXPOSURE_PORT_MAX + 1u, text ? text : "(not a scalar)");
		return 0;
	}
	return (unsigned)v;
}

/* The Internet rules a grade may replace: the ones classify_internet emits. */
static const char *const rulepack_internet_rules[] = {
	RULE_NET_001, RULE_NET_002, RULE_NET_003, RULE_NET_004, RULE_NET_005, RULE_NET_006,
};

/* "/24" -> 24, within 0..max; *out unchanged after a problem. */
static void rulepack_prefix(struct rulepack_loader *l, const struct doc_node *m, const char *key,
                            unsigned max, unsigned *out)
{
	const struct doc_node *n = doc_map_get(m, key);
	const char *text = doc_scalar(n);
	guint64 v = 0;

	if (!text || text[0] != '/' || !g_ascii_string_to_unsigned(text + 1, 10, 0, max, &v, NULL)) {
		dw_problems_add(&l->problems, n ? n->line : m->line,
		                "public_sources: %s: expected a prefix length \"/0\" to \"/%u\", got \"%s\"",
		                key, max, text ? text : "(none)");
		return;
	}
	*out = (unsigned)v;
}

/* A grade's "rules:" map, Internet rule -> rule; rule ids checked later. */
static GHashTable *rulepack_grade_rules(struct rulepack_loader *l, const struct doc_node *map)
{
	GHashTable *rules = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	if (map && map->kind != DOC_MAP) {
		dw_problems_add(&l->problems, map->line,
		                "public_sources: rules: expected a map such as {DW-NET-001: DW-NET-030}");
		return rules;
	}
	for (size_t i = 0; map && i < map->n; i++) {
		const char *from = doc_scalar(map->pairs[i].key);
		const char *to = doc_scalar(map->pairs[i].value);
		bool known = false;

		for (size_t k = 0; from && k < G_N_ELEMENTS(rulepack_internet_rules); k++)
			known = known || strcmp(from, rulepack_internet_rules[k]) == 0;
		if (!known || !to) {
			dw_problems_add(&l->problems, map->pairs[i].key->line,
			                "public_sources: rules: \"%s\" is not an Internet rule "
			                "(DW-NET-001 to DW-NET-006) mapped to a rule id",
			                from ? from : "(not a scalar)");
			continue;
		}
		g_hash_table_replace(rules, g_strdup(from), g_strdup(to));
	}
	return rules;
}

/* A "public_sources:" list (what could be read of it; problems are added). */
static GPtrArray *rulepack_grades(struct rulepack_loader *l, const struct doc_node *list)
{
	g_autoptr(GPtrArray) grades = g_ptr_array_new_with_free_func((GDestroyNotify)rulepack_grade_free);

	if (list->kind != DOC_LIST) {
		dw_problems_add(&l->problems, list->line,
		                "public_sources: expected a list of {name, ipv4, ipv6, rules}");
		return NULL;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct doc_node *m = list->items[i];
		struct public_grade *g;
		unsigned v4 = 0, v6 = 0;

		if (m->kind != DOC_MAP || !doc_scalar(doc_map_get(m, "name"))) {
			dw_problems_add(&l->problems, m->line, "public_sources: expected {name: ..., ipv4: /N, ipv6: /N}");
			continue;
		}
		rulepack_prefix(l, m, "ipv4", 32, &v4);
		rulepack_prefix(l, m, "ipv6", 128, &v6);
		g = g_new0(struct public_grade, 1);
		g->name = g_strdup(doc_scalar(doc_map_get(m, "name")));
		g->v4_prefix = v4;
		g->v6_prefix = v6;
		g->rules = rulepack_grade_rules(l, doc_map_get(m, "rules"));
		g_ptr_array_add(grades, g);
	}
	return g_steal_pointer(&grades);
}

/* Every rule a grade maps to must be one of p's. */
static void rulepack_check_grades(struct rulepack_loader *l, const GPtrArray *grades, unsigned line)
{
	for (guint i = 0; grades && i < grades->len; i++) {
		const struct public_grade *g = grades->pdata[i];
		GHashTableIter it;
		gpointer to;

		g_hash_table_iter_init(&it, g->rules);
		while (g_hash_table_iter_next(&it, NULL, &to)) {
			if (!rulepack_rule(l->p, to))
				dw_problems_add(&l->problems, line,
				                "public_sources: grade \"%s\" names rule %s, which the pack "
				                "does not have", g->name, (const char *)to);
		}
	}
}

static void rulepack_load_rule(struct rulepack_loader *l, const struct doc_node *m)
{
	const char *id = rulepack_text(l, m, "id");
	const char *sev = rulepack_text(l, m, "severity");
	const char *title = rulepack_text(l, m, "title");
	struct rule *r;
	enum severity s = SEVERITY_INFO;

	if (!id || !sev || !title)
		return;
	if (!severity_parse(&s, sev)) {
		dw_problems_add(&l->problems, doc_map_get(m, "severity")->line,
		                "unknown severity \"%s\" (critical, high, medium, low, info)", sev);
		return;
	}
	if (rulepack_rule(l->p, id)) {
		dw_problems_add(&l->problems, m->line, "rule %s defined twice", id);
		return;
	}
	r = g_new0(struct rule, 1);
	r->id = g_strdup(id);
	r->family = rule_family_of(id);
	r->severity = s;
	r->title = g_strdup(title);
	r->rationale = g_strdup(doc_scalar(doc_map_get(m, "rationale")));
	r->remediation = g_strdup(doc_scalar(doc_map_get(m, "remediation")));
	r->references = rulepack_strings(doc_map_get(m, "references"));
	r->line = m->line;
	g_ptr_array_add(l->p->rules, r);
}

static void rulepack_load_rules(struct rulepack_loader *l, const struct doc_node *root)
{
	const struct doc_node *list = doc_map_get(root, "rules");

	if (!list || list->kind != DOC_LIST) {
		dw_problems_add(&l->problems, root->line, "missing \"rules:\" list");
		return;
	}
	for (size_t i = 0; i < list->n; i++)
		rulepack_load_rule(l, list->items[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(rulepack_required); i++) {
		if (!rulepack_rule(l->p, rulepack_required[i]))
			dw_problems_add(&l->problems, list->line,
			                "rule %s is missing; driftwatch emits it",
			                rulepack_required[i]);
	}
}

/* Every protocol without ports, from every address. */
static exposure *rulepack_portless(void)
{
	static const unsigned runs[][2] = { { 0, 5 }, { 7, 16 }, { 18, 131 }, { 133, 255 } };
	g_autoptr(srcset) all = srcset_new();
	exposure *boxes[G_N_ELEMENTS(runs)];
	exposure *out;

	srcset_add_all_addresses(all);
	for (size_t i = 0; i < G_N_ELEMENTS(runs); i++)
		boxes[i] = exposure_new_box(runs[i][0], runs[i][1], 0, EXPOSURE_PORT_MAX, all);
	out = exposure_union_all((const exposure *const *)boxes, G_N_ELEMENTS(boxes));
	for (size_t i = 0; i < G_N_ELEMENTS(runs); i++)
		exposure_free(boxes[i]);
	return out;
}

/* The digest of a pack after one more file's bytes (a layer) went into it. */
static void rulepack_digest_add(struct rulepack *p, const char *data, gsize len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	guint64 n = len;

	if (p->digest)
		g_checksum_update(sum, (const guchar *)p->digest, -1);
	g_checksum_update(sum, (const guchar *)&n, sizeof(n));
	g_checksum_update(sum, (const guchar *)data, (gssize)len);
	g_free(p->digest);
	p->digest = g_strdup(g_checksum_get_string(sum));
}

static struct rulepack *rulepack_new(const char *path)
{
	struct rulepack *p = g_new0(struct rulepack, 1);

	p->path = g_strdup(path);
	p->rules = g_ptr_array_new_with_free_func((GDestroyNotify)rulepack_rule_free);
	p->sensitive = g_ptr_array_new_with_free_func((GDestroyNotify)rulepack_sensitive_free);
	p->portless = rulepack_portless();
	p->public_grades = g_ptr_array_new_with_free_func((GDestroyNotify)rulepack_grade_free);
	return p;
}

bool rulepack_load(struct rulepack **out, const char *path, GError **error)
{
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(doc) d = NULL;
	g_autoptr(rulepack) p = NULL;
	const struct doc_node *root;
	struct rulepack_loader l;
	bool ok;

	if (!g_file_get_contents(path, &data, &len, error)) {
		g_prefix_error(error, "rule pack: ");
		return false;
	}
	if (!doc_parse_yaml(&d, path, data, len, &doc_limits_own, error))
		return false;
	root = d->roots->len ? d->roots->pdata[0] : NULL;
	if (!root || root->kind != DOC_MAP) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:1: expected a map", path);
		return false;
	}
	p = rulepack_new(path);
	l.p = p;
	l.path = path;
	dw_problems_init(&l.problems, path, 0);
	rulepack_load_internet(&l, root);
	rulepack_load_sensitive(&l, root);
	p->web = rulepack_ports(&l, doc_map_get(root, "web"));
	if (doc_map_get(root, "wide_range"))
		p->wide_range = rulepack_wide_range(&l, doc_map_get(root, "wide_range"));
	else
		dw_problems_add(&l.problems, root->line,
		                "missing \"wide_range:\" (ports from which a range is wide)");
	rulepack_load_rules(&l, root);
	if (doc_map_get(root, "public_sources")) {
		GPtrArray *grades = rulepack_grades(&l, doc_map_get(root, "public_sources"));

		rulepack_check_grades(&l, grades, doc_map_get(root, "public_sources")->line);
		if (grades) {
			g_ptr_array_unref(p->public_grades);
			p->public_grades = grades;
		}
	}
	ok = dw_problems_check(&l.problems, error);
	dw_problems_clear(&l.problems);
	if (!ok)
		return false;
	/* Azure's Internet tag in a deny rule is this same public space. */
	extract_arm_set_internet(p->internet);
	rulepack_digest_add(p, data, len);
	*out = g_steal_pointer(&p);
	return true;
}

static void rulepack_set_text(char **dst, const char *text)
{
	if (text) {
		g_free(*dst);
		*dst = g_strdup(text);
	}
}

/* Checks one overlay rule entry; with apply, changes the pack's rule. */
static void rulepack_overlay_rule(struct rulepack_loader *l, const struct doc_node *m, bool apply)
{
	static const char *const known[] = { "id", "severity", "title", "rationale",
		                             "remediation", "references" };
	const char *id;
	struct rule *r;
	const char *sev;
	enum severity s = SEVERITY_INFO;

	if (m->kind != DOC_MAP) {
		dw_problems_add(&l->problems, m->line, "expected {id: ..., severity: ...}");
		return;
	}
	id = rulepack_text(l, m, "id");
	if (!id)
		return;
	r = (struct rule *)rulepack_rule(l->p, id);
	if (!r) {
		dw_problems_add(
		        &l->problems, m->line,
		        "unknown rule %s: a rule's condition is code; only severities and texts can change",
		        id);
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		const char *key = doc_scalar(m->pairs[i].key);
		bool ok = false;

		for (size_t k = 0; key && k < G_N_ELEMENTS(known); k++)
			ok = ok || strcmp(key, known[k]) == 0;
		if (!ok)
			dw_problems_add(
			        &l->problems, m->pairs[i].key->line,
			        "rule %s: \"%s\" cannot change; only severity, title, rationale, "
			        "remediation and references",
			        id, key ? key : "(not a scalar)");
	}
	sev = doc_scalar(doc_map_get(m, "severity"));
	if (doc_map_get(m, "severity") && !severity_parse(&s, sev)) {
		dw_problems_add(&l->problems, doc_map_get(m, "severity")->line,
		                "unknown severity \"%s\" (critical, high, medium, low, info)",
		                sev ? sev : "(not a scalar)");
		return;
	}
	if (!apply)
		return;
	if (sev)
		r->severity = s;
	rulepack_set_text(&r->title, doc_scalar(doc_map_get(m, "title")));
	rulepack_set_text(&r->rationale, doc_scalar(doc_map_get(m, "rationale")));
	rulepack_set_text(&r->remediation, doc_scalar(doc_map_get(m, "remediation")));
	if (doc_map_get(m, "references")) {
		g_ptr_array_unref(r->references);
		r->references = rulepack_strings(doc_map_get(m, "references"));
	}
}

bool rulepack_overlay(struct rulepack *p, const char *path, GError **error)
{
	static const char *const known[] = { "version", "internet", "sensitive", "wide_range", "rules",
		                             "public_sources" };
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(doc) d = NULL;
	g_autoptr(srcset) excluded = NULL;
	g_autoptr(GPtrArray) grades = NULL;
	g_autoptr(GPtrArray) sensitive = g_ptr_array_new_with_free_func(
		(GDestroyNotify)rulepack_sensitive_free);
	const struct doc_node *root, *not, *list, *rules;
	struct rulepack_loader l = { .p = p, .path = path };
	bool ok;
	unsigned wide_range = 0;

	if (!g_file_get_contents(path, &data, &len, error)) {
		g_prefix_error(error, "rule file: ");
		return false;
	}
	if (!doc_parse_yaml(&d, path, data, len, &doc_limits_own, error))
		return false;
	root = d->roots->len ? d->roots->pdata[0] : NULL;
	if (!root || root->kind != DOC_MAP) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: expected a map", path,
		            root ? root->line : 1);
		return false;
	}
	dw_problems_init(&l.problems, path, 0);
	for (size_t i = 0; i < root->n; i++) {
		const char *key = doc_scalar(root->pairs[i].key);
		bool is_known = false;

		for (size_t k = 0; key && k < G_N_ELEMENTS(known); k++)
			is_known = is_known || strcmp(key, known[k]) == 0;
		if (!is_known)
			dw_problems_add(
			        &l.problems, root->pairs[i].key->line,
			        "unknown key \"%s\" (internet, sensitive, wide_range, public_sources, rules)",
			        key ? key : "(not a scalar)");
	}
	not = doc_map_get(doc_map_get(root, "internet"), "not");
	if (doc_map_get(root, "internet") && (!not || not->kind != DOC_LIST))
		dw_problems_add(&l.problems, doc_map_get(root, "internet")->line,
		                "expected \"internet: not:\" and a list of CIDRs");
	else if (not)
		excluded = rulepack_excluded(&l, not);
	list = doc_map_get(root, "sensitive");
	if (list && list->kind != DOC_LIST)
		dw_problems_add(&l.problems, list->line, "expected a list under \"sensitive:\"");
	else if (list)
		rulepack_sensitive_list(&l, list, sensitive);
	if (doc_map_get(root, "wide_range"))
		wide_range = rulepack_wide_range(&l, doc_map_get(root, "wide_range"));
	if (doc_map_get(root, "public_sources")) {
		grades = rulepack_grades(&l, doc_map_get(root, "public_sources"));
		rulepack_check_grades(&l, grades, doc_map_get(root, "public_sources")->line);
	}
	rules = doc_map_get(root, "rules");
	if (rules && rules->kind != DOC_LIST)
		dw_problems_add(&l.problems, rules->line, "expected a list under \"rules:\"");
	for (size_t i = 0; rules && rules->kind == DOC_LIST && i < rules->n; i++)
		rulepack_overlay_rule(&l, rules->items[i], false);
	ok = dw_problems_check(&l.problems, error);
	dw_problems_clear(&l.problems);
	if (!ok)
		return false;
	/* Every entry checked: apply them all. */
	for (size_t i = 0; rules && i < rules->n; i++)
		rulepack_overlay_rule(&l, rules->items[i], true);
	if (excluded) {
		srcset *internet = srcset_subtract(p->internet, excluded);

		srcset_free(p->internet);
		p->internet = internet;
	}
	if (sensitive->len) {
		for (guint i = 0; i < sensitive->len; i++)
			g_ptr_array_add(p->sensitive, sensitive->pdata[i]);
		g_ptr_array_set_free_func(sensitive, NULL);
		rulepack_sensitive_sets(p);
	}
	if (wide_range)
		p->wide_range = wide_range;
	if (grades) {
		/* A user's grades replace the pack's: they are one scale. */
		g_ptr_array_unref(p->public_grades);
		p->public_grades = g_steal_pointer(&grades);
	}
	rulepack_digest_add(p, data, len);
	return true;
}

char *rulepack_default_path(const char *exe_path)
{
	const char *env = g_getenv("DRIFTWATCH_RULES");
	g_autofree char *dir = NULL;
	g_autofree char *beside = NULL;

	if (env && *env)
		return g_strdup(env);
	/* Run from a build tree: meson copies the pack to BUILD/rules/. */
	if (exe_path) {
		dir = g_path_get_dirname(exe_path);
		beside = g_build_filename(dir, "..", "rules", "pack.yml", NULL);
		if (g_file_test(beside, G_FILE_TEST_IS_REGULAR))
			return g_steal_pointer(&beside);
	}
	return g_build_filename(DW_DATADIR, "rules", "pack.yml", NULL);
}
