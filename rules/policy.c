/*
 * policy.c - load .driftwatch.yml, apply it to findings, and report a
 * change that loosens it.
 *
 * Like the rule pack, every problem in the file is collected and reported
 * together as "path:line: what". Unknown keys are problems too: a
 * misspelt "ignore_path" or "aprovals" must fail loudly, not be skipped.
 */
#include "policy.h"

#include <string.h>

#include "doc.h"
#include "dw_error.h"

static void policy_item_free(struct policy_item *it)
{
	g_free(it->text);
	g_free(it);
}

static void policy_rule_free(struct policy_rule *r)
{
	g_free(r->id);
	g_free(r);
}

static void policy_approval_free(struct policy_approval *a)
{
	g_free(a->finding);
	g_free(a->rule);
	g_free(a->resource);
	g_free(a->reason);
	g_free(a->approved_by);
	g_free(a->expires);
	g_free(a);
}

struct policy *policy_new(const char *path)
{
	struct policy *p = g_new0(struct policy, 1);

	p->path = g_strdup(path);
	p->trusted = srcset_new();
	p->trusted_items = g_ptr_array_new_with_free_func((GDestroyNotify)policy_item_free);
	p->ignore = g_ptr_array_new_with_free_func((GDestroyNotify)policy_item_free);
	p->rules = g_ptr_array_new_with_free_func((GDestroyNotify)policy_rule_free);
	p->approvals = g_ptr_array_new_with_free_func((GDestroyNotify)policy_approval_free);
	return p;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	g_free(p->path);
	srcset_free(p->trusted);
	g_ptr_array_unref(p->trusted_items);
	g_ptr_array_unref(p->ignore);
	g_ptr_array_unref(p->rules);
	g_ptr_array_unref(p->approvals);
	g_free(p);
}

/* A loader's state: the policy being built and every problem found. */
struct policy_loader {
	struct policy *p;
	const struct rulepack *pack;
	struct dw_problems problems;
};

/* Strict "YYYY-MM-DD" naming a real day. */
static bool policy_parse_date(GDate *out, const char *text)
{
	unsigned v[3] = { 0, 0, 0 };
	const char *p = text;

	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return false;
	for (int i = 0; i < 3; i++, p++) {
		int digits = i == 0 ? 4 : 2;

		for (int d = 0; d < digits; d++, p++) {
			if (!g_ascii_isdigit(*p))
				return false;
			v[i] = v[i] * 10 + (unsigned)(*p - '0');
		}
	}
	if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    !g_date_valid_dmy((GDateDay)v[2], (GDateMonth)v[1], (GDateYear)v[0]))
		return false;
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)v[2], (GDateMonth)v[1], (GDateYear)v[0]);
	return true;
}

bool policy_today(GDate *out, GError **error)
{
	const char *env = g_getenv("DRIFTWATCH_TODAY");
	g_autoptr(GDateTime) now = NULL;

	if (env && *env) {
		if (policy_parse_date(out, env))
			return true;
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "DRIFTWATCH_TODAY: expected YYYY-MM-DD, got \"%s\"", env);
		return false;
	}
	now = g_date_time_new_now_local();
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)g_date_time_get_day_of_month(now),
	               (GDateMonth)g_date_time_get_month(now), (GDateYear)g_date_time_get_year(now));
	return true;
}

/* The text of a scalar, or a problem naming what was expected. */
static const char *policy_scalar(struct policy_loader *l, const struct doc_node *n, const char *what)
{
	const char *s = doc_scalar(n);

	if (!s || !*s)
		dw_problems_add(&l->problems, n ? n->line : 0, "expected %s", what);
	return s && *s ? s : NULL;
}

/* Is n a list (or empty)? Else reports "KEY must be a list". */
static bool policy_list(struct policy_loader *l, const struct doc_node *n, const char *key)
{
	if (n->kind == DOC_LIST || n->kind == DOC_NULL)
		return true;
	dw_problems_add(&l->problems, n->line, "\"%s\" must be a list", key);
	return false;
}

/* An atom: "kind:name" with a kind of letters, digits and dashes. */
static bool policy_is_atom(const char *s)
{
	const char *colon = strchr(s, ':');

	if (!colon || colon == s || colon[1] == '\0' || strchr(colon + 1, ':'))
		return false;
	for (const char *p = s; p < colon; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-')
			return false;
	}
	return true;
}

static void policy_load_trusted(struct policy_loader *l, const struct doc_node *n)
{
	if (!policy_list(l, n, "trusted_networks"))
		return;
	for (size_t i = 0; n->kind == DOC_LIST && i < n->n; i++) {
		const char *s = policy_scalar(l, n->items[i], "a CIDR or an atom such as azure-tag:VirtualNetwork");
		g_autoptr(GError) error = NULL;
		struct policy_item *it;

		if (!s)
			continue;
		if (!srcset_add_cidr(l->p->trusted, s, &error)) {
			if (!policy_is_atom(s)) {
				dw_problems_add(
				        &l->problems, n->items[i]->line,
				        "expected a CIDR or an atom such as azure-tag:VirtualNetwork, got \"%s\"",
				        s);
				continue;
			}
			srcset_add_atom(l->p->trusted, s);
		}
		it = g_new0(struct policy_item, 1);
		it->text = g_strdup(s);
		it->line = n->items[i]->line;
		g_ptr_array_add(l->p->trusted_items, it);
	}
}

static void policy_load_ignore(struct policy_loader *l, const struct doc_node *n)
{
	if (!policy_list(l, n, "ignore_paths"))
		return;
	for (size_t i = 0; n->kind == DOC_LIST && i < n->n; i++) {
		const char *s = policy_scalar(l, n->items[i], "a path glob");
		struct policy_item *it;

		if (!s)
			continue;
		it = g_new0(struct policy_item, 1);
		it->text = g_strdup(s);
		it->line = n->items[i]->line;
		g_ptr_array_add(l->p->ignore, it);
	}
}

static void policy_load_fail_on(struct policy_loader *l, const struct doc_node *n)
{
	const char *s = doc_scalar(n);

	if (!s || !severity_parse(&l->p->fail_on, s)) {
		dw_problems_add(&l->problems, n->line,
		                "fail_on: expected critical, high, medium, low or info, got \"%s\"",
		                s ? s : "(not a scalar)");
		return;
	}
	l->p->has_fail_on = true;
	l->p->fail_on_line = n->line;
}

static void policy_load_rules(struct policy_loader *l, const struct doc_node *n)
{
	if (n->kind == DOC_NULL)
		return;
	if (n->kind != DOC_MAP) {
		dw_problems_add(&l->problems, n->line,
		                "\"rules\" must be a map of rule id to severity or off");
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const char *id = doc_scalar(n->pairs[i].key);
		const char *v = doc_scalar(n->pairs[i].value);
		unsigned line = n->pairs[i].key->line;
		struct policy_rule *r;
		enum severity sev = SEVERITY_INFO;
		bool off = v && strcmp(v, "off") == 0;

		if (!id || !*id) {
			dw_problems_add(&l->problems, line, "expected a rule id");
			continue;
		}
		if (rule_family_of(id) == RULE_FAMILY_POLICY) {
			dw_problems_add(&l->problems, line,
			                "rule %s guards the policy itself and cannot be overridden",
			                id);
			continue;
		}
		if (l->pack && !rulepack_rule(l->pack, id)) {
			dw_problems_add(&l->problems, line, "unknown rule %s", id);
			continue;
		}
		if (!off && (!v || !severity_parse(&sev, v))) {
			dw_problems_add(
			        &l->problems, line,
			        "rule %s: expected off, critical, high, medium, low or info, got \"%s\"",
			        id, v ? v : "(not a scalar)");
			continue;
		}
		r = g_new0(struct policy_rule, 1);
		r->id = g_strdup(id);
		r->off = off;
		r->severity = sev;
		r->line = line;
		g_ptr_array_add(l->p->rules, r);
	}
}

static bool policy_is_hex(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (!g_ascii_isxdigit(*p))
			return false;
	}
	return true;
}

/* A finding id of the old form (rulepack.h): 12 hex digits, no file in it. */
static bool policy_is_old_id(const char *s)
{
	return strlen(s) == 12 && policy_is_hex(s);
}

static bool policy_is_finding_id(const char *s)
{
	return policy_is_old_id(s) || (strlen(s) == 12 && g_ascii_tolower(s[0]) == FINDING_ID_VERSION &&
	                               policy_is_hex(s + 1));
}

/* Reports the keys of map not among known (NULL-terminated). */
static void policy_check_keys(struct policy_loader *l, const struct doc_node *map,
                              const char *const *known, const char *where)
{
	for (size_t i = 0; i < map->n; i++) {
		const char *k = doc_scalar(map->pairs[i].key);
		bool ok = false;

		for (size_t j = 0; k && known[j] && !ok; j++)
			ok = strcmp(k, known[j]) == 0;
		if (!ok)
			dw_problems_add(&l->problems, map->pairs[i].key->line,
			                "unknown key \"%s\" in %s", k ? k : "(not a scalar)",
			                where);
	}
}

static void policy_load_approval_target(struct policy_loader *l, struct policy_approval *a,
                                        const struct doc_node *n)
{
	static const char *const keys[] = { "rule", "resource", NULL };

	if (n->kind == DOC_MAP) {
		policy_check_keys(l, n, keys, "an approval's finding");
		a->rule = g_strdup(policy_scalar(l, doc_map_get(n, "rule"), "finding: rule: a rule id"));
		a->resource = g_strdup(policy_scalar(l, doc_map_get(n, "resource"),
		                                     "finding: resource: a resource such as azure-nsg:NAME"));
		if (!doc_map_get(n, "rule"))
			dw_problems_add(&l->problems, n->line,
			                "missing \"rule\" in an approval's finding");
		if (!doc_map_get(n, "resource"))
			dw_problems_add(&l->problems, n->line,
			                "missing \"resource\" in an approval's finding");
		return;
	}
	if (!doc_scalar(n) || !policy_is_finding_id(doc_scalar(n))) {
		dw_problems_add(&l->problems, n->line,
		                "finding: expected a finding id (v and 11 hex digits) or {rule, resource}");
		return;
	}
	a->finding = g_ascii_strdown(doc_scalar(n), -1);
}

static const char *policy_required(struct policy_loader *l, const struct doc_node *map, const char *key)
{
	const struct doc_node *n = doc_map_get(map, key);

	if (!n) {
		dw_problems_add(&l->problems, map->line, "missing \"%s\" in an approval", key);
		return NULL;
	}
	return policy_scalar(l, n, key);
}

static void policy_load_approval(struct policy_loader *l, const struct doc_node *m)
{
	static const char *const keys[] = { "finding", "reason", "approved_by", "expires", NULL };
	struct policy_approval *a;
	const struct doc_node *target = doc_map_get(m, "finding");
	const char *expires;
	unsigned before = l->problems.count;

	if (m->kind != DOC_MAP) {
		dw_problems_add(
		        &l->problems, m->line,
		        "an approval must be a map (finding, reason, approved_by, expires)");
		return;
	}
	policy_check_keys(l, m, keys, "an approval");
	a = g_new0(struct policy_approval, 1);
	a->line = m->line;
	if (target)
		policy_load_approval_target(l, a, target);
	else
		dw_problems_add(&l->problems, m->line, "missing \"finding\" in an approval");
	a->reason = g_strdup(policy_required(l, m, "reason"));
	a->approved_by = g_strdup(policy_required(l, m, "approved_by"));
	expires = policy_required(l, m, "expires");
	if (expires && !policy_parse_date(&a->expires_date, expires))
		dw_problems_add(&l->problems, doc_map_get(m, "expires")->line,
		                "expires: expected YYYY-MM-DD, got \"%s\"", expires);
	a->expires = g_strdup(expires);
	if (l->problems.count != before) {
		policy_approval_free(a);
		return;
	}
	g_ptr_array_add(l->p->approvals, a);
}

static void policy_load_approvals(struct policy_loader *l, const struct doc_node *n)
{
	if (!policy_list(l, n, "approvals"))
		return;
	for (size_t i = 0; n->kind == DOC_LIST && i < n->n; i++)
		policy_load_approval(l, n->items[i]);
}

static void policy_load(struct policy_loader *l, const struct doc_node *root)
{
	static const char *const keys[] = { "trusted_networks", "fail_on", "ignore_paths", "rules",
		                            "approvals", NULL };
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = 0; i < root->n; i++) {
		const char *k = doc_scalar(root->pairs[i].key);
		const struct doc_node *v = root->pairs[i].value;
		bool known = false;

		/* Problems in the order of the file. */
		for (size_t j = 0; k && keys[j] && !known; j++)
			known = strcmp(k, keys[j]) == 0;
		if (!known) {
			dw_problems_add(&l->problems, root->pairs[i].key->line,
			                "unknown key \"%s\" in %s", k ? k : "(not a scalar)",
			                POLICY_PATH);
			continue;
		}
		if (!g_hash_table_add(seen, (gpointer)k)) {
			dw_problems_add(&l->problems, root->pairs[i].key->line,
			                "\"%s\" given twice", k);
			continue;
		}
		if (strcmp(k, "trusted_networks") == 0)
			policy_load_trusted(l, v);
		else if (strcmp(k, "fail_on") == 0)
			policy_load_fail_on(l, v);
		else if (strcmp(k, "ignore_paths") == 0)
			policy_load_ignore(l, v);
		else if (strcmp(k, "rules") == 0)
			policy_load_rules(l, v);
		else if (strcmp(k, "approvals") == 0)
			policy_load_approvals(l, v);
	}
	g_hash_table_unref(seen);
}

bool policy_parse(struct policy **out, const char *path, const char *data, size_t len,
                  const struct rulepack *pack, GError **error)
{
	g_autoptr(doc) d = NULL;
	g_autoptr(policy) p = policy_new(path);
	const struct doc_node *root;
	struct policy_loader l = { .p = p, .pack = pack };
	bool ok;

	if (!doc_parse_yaml(&d, path, data, len, &doc_limits_own, error))
		return false;
	root = d->roots->len ? d->roots->pdata[0] : NULL;
	if (d->roots->len > 1) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: expected one document", path,
		            ((struct doc_node *)d->roots->pdata[1])->line);
		return false;
	}
	if (root && root->kind != DOC_MAP && root->kind != DOC_NULL) {
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "%s:%u: expected a map", path, root->line);
		return false;
	}
	dw_problems_init(&l.problems, p->path, 0);
	if (root && root->kind == DOC_MAP)
		policy_load(&l, root);
	ok = dw_problems_check(&l.problems, error);
	dw_problems_clear(&l.problems);
	if (!ok)
		return false;
	*out = g_steal_pointer(&p);
	return true;
}

/* A pattern element. */
enum policy_glob_token {
	POLICY_GLOB_CHAR,     /* one literal character */
	POLICY_GLOB_ANY,      /* "?" */
	POLICY_GLOB_STAR,     /* "*" */
	POLICY_GLOB_SEGMENTS, /* a double star and a slash: zero or more whole segments */
	POLICY_GLOB_REST,     /* a slash and a final double star: a slash and at least one character */
};

struct policy_glob_item {
	enum policy_glob_token token;
	char c;
};

static GArray *policy_glob_compile(const char *pat)
{
	GArray *items = g_array_new(FALSE, FALSE, sizeof(struct policy_glob_item));
	size_t n = strlen(pat);

	for (size_t i = 0; i < n;) {
		struct policy_glob_item it = { POLICY_GLOB_CHAR, pat[i] };
		bool seg_start = i == 0 || pat[i - 1] == '/';

		if (pat[i] == '*' && i + 1 < n && pat[i + 1] == '*') {
			size_t end = i + 2;

			while (end < n && pat[end] == '*')
				end++;
			if (seg_start && end < n && pat[end] == '/') {
				it.token = POLICY_GLOB_SEGMENTS;
				i = end + 1;
			} else if (seg_start && end == n && i > 0) {
				/* "a/" + double star: the slash already taken becomes part of REST. */
				g_array_remove_index(items, items->len - 1);
				it.token = POLICY_GLOB_REST;
				i = end;
			} else if (seg_start && end == n) {
				it.token = POLICY_GLOB_STAR; /* a lone double star: see below */
				it.c = 1;
				i = end;
			} else {
				it.token = POLICY_GLOB_STAR;
				i = end;
			}
		} else if (pat[i] == '*') {
			it.token = POLICY_GLOB_STAR;
			i++;
		} else if (pat[i] == '?') {
			it.token = POLICY_GLOB_ANY;
			i++;
		} else {
			i++;
		}
		g_array_append_val(items, it);
	}
	return items;
}

bool policy_glob_match(const char *pattern, const char *path)
{
	GArray *items = policy_glob_compile(pattern);
	size_t n = strlen(path);
	/* next[j]: items from i+1 on match path from j; cur[j]: from i on. */
	gboolean *next = g_new0(gboolean, n + 1);
	gboolean *cur = g_new0(gboolean, n + 1);
	bool match;

	next[n] = TRUE;
	for (guint i = items->len; i-- > 0;) {
		const struct policy_glob_item *it = &g_array_index(items, struct policy_glob_item, i);
		gboolean acc = FALSE;

		for (size_t j = n + 1; j-- > 0;) {
			switch (it->token) {
			case POLICY_GLOB_CHAR:
				cur[j] = j < n && path[j] == it->c && next[j + 1];
				break;
			case POLICY_GLOB_ANY:
				cur[j] = j < n && path[j] != '/' && next[j + 1];
				break;
			case POLICY_GLOB_STAR:
				/* A lone double star (c == 1) matches across slashes: everything. */
				cur[j] = next[j] || (j < n && (path[j] != '/' || it->c == 1) && cur[j + 1]);
				break;
			case POLICY_GLOB_SEGMENTS:
				if (j < n && path[j] == '/' && next[j + 1])
					acc = TRUE;
				cur[j] = next[j] || acc;
				break;
			case POLICY_GLOB_REST:
				cur[j] = j < n && path[j] == '/' && j + 1 < n;
				break;
			}
		}
		memcpy(next, cur, (n + 1) * sizeof(gboolean));
	}
	match = next[0];
	g_free(next);
	g_free(cur);
	g_array_unref(items);
	return match;
}

bool policy_ignores(const struct policy *p, const char *path)
{
	for (guint i = 0; p && i < p->ignore->len; i++) {
		const struct policy_item *it = p->ignore->pdata[i];

		if (policy_glob_match(it->text, path))
			return true;
	}
	return false;
}

static const struct policy_rule *policy_rule_get(const struct policy *p, const char *id)
{
	for (guint i = 0; p && i < p->rules->len; i++) {
		const struct policy_rule *r = p->rules->pdata[i];

		if (strcmp(r->id, id) == 0)
			return r;
	}
	return NULL;
}

static bool policy_approval_covers(const struct policy_approval *a, const struct finding *f)
{
	if (a->finding)
		return strcmp(a->finding, f->id) == 0;
	return strcmp(a->rule, f->rule->id) == 0 && strcmp(a->resource, f->resource) == 0;
}

/* "finding v5c1d0e6a7b8" or "DW-NET-001 on azure-nsg:x". */
static char *policy_approval_target(const struct policy_approval *a)
{
	if (a->finding)
		return g_strdup_printf("finding %s", a->finding);
	return g_strdup_printf("%s on %s", a->rule, a->resource);
}

static bool policy_is_own(const struct finding *f)
{
	return finding_family(f) == RULE_FAMILY_POLICY;
}

static struct finding *policy_expired_finding(const struct rulepack *pack, const struct policy *p,
                                              const struct policy_approval *a, const struct finding *f)
{
	g_autofree char *target = policy_approval_target(a);
	g_autofree char *region = g_strdup_printf("approval of %s by %s until %s", target, a->approved_by,
	                                          a->expires);
	char *msg = g_strdup_printf("approval of %s by %s expired after %s (%s); %s %s is reported again",
	                            target, a->approved_by, a->expires, a->reason, f->rule->id, f->id);

	return rulepack_finding_new(pack, RULE_POLICY_003, p->path, p->path, a->line, region, msg);
}

/* Suppresses f if an unexpired approval covers it; else returns an expired one that does. */
static const struct policy_approval *policy_approve(const struct policy *p, struct finding *f,
                                                    const GDate *today)
{
	const struct policy_approval *expired = NULL;

	for (guint i = 0; i < p->approvals->len; i++) {
		const struct policy_approval *a = p->approvals->pdata[i];

		if (!policy_approval_covers(a, f))
			continue;
		if (g_date_compare(today, &a->expires_date) > 0) {
			expired = expired ? expired : a;
			continue;
		}
		f->suppressed = true;
		f->approval_reason = g_strdup(a->reason);
		f->approved_by = g_strdup(a->approved_by);
		f->approval_expires = g_strdup(a->expires);
		return NULL;
	}
	return expired;
}

/*
 * An approval written with an old-form id approves nothing (ids now name
 * the file); when it would have covered findings (their old ids), one
 * DW-POLICY-005 finding per approval names them and their new ids.
 */
static void policy_old_form(const struct policy *p, const struct rulepack *pack, GPtrArray *findings,
                            GPtrArray *added)
{
	for (guint i = 0; i < p->approvals->len; i++) {
		const struct policy_approval *a = p->approvals->pdata[i];
		g_autoptr(GString) hits = g_string_new(NULL);
		g_autofree char *region = NULL;

		if (!a->finding || !policy_is_old_id(a->finding))
			continue;
		for (guint j = 0; j < findings->len; j++) {
			const struct finding *f = findings->pdata[j];

			if (policy_is_own(f) || f->suppressed || g_strcmp0(f->old_id, a->finding) != 0)
				continue;
			g_string_append_printf(hits, "%s%s on %s in %s (now finding %s)", hits->len ? ", " : "",
			                       f->rule->id, f->resource, f->file, f->id);
		}
		if (!hits->len)
			continue;
		region = g_strdup_printf("old-form approval of finding %s", a->finding);
		g_ptr_array_add(added, rulepack_finding_new(
		        pack, RULE_POLICY_005, p->path, p->path, a->line, region,
		        g_strdup_printf("approval of finding %s by %s is written with an old-form id, which "
		                        "did not name the file, and approves nothing now; it matches %s: "
		                        "approve the one it was meant for under its new id",
		                        a->finding, a->approved_by, hits->str)));
	}
}

void policy_apply(const struct policy *p, const struct rulepack *pack, GPtrArray *findings,
                  const GDate *today)
{
	g_autoptr(GPtrArray) added = g_ptr_array_new();
	g_autoptr(GHashTable) reported = g_hash_table_new(NULL, NULL);

	if (!p)
		return;
	for (guint i = findings->len; i-- > 0;) {
		struct finding *f = findings->pdata[i];
		const struct policy_rule *r;
		const struct policy_approval *expired;

		if (policy_is_own(f))
			continue;
		r = policy_rule_get(p, f->rule->id);
		if (r && r->off) {
			g_ptr_array_remove_index(findings, i);
			continue;
		}
		if (r)
			f->severity = r->severity;
		if (p->has_fail_on) {
			f->has_policy_fail_on = true;
			f->policy_fail_on = p->fail_on;
		}
		/* Already approved by a comment on its line: that approval stands. */
		expired = f->suppressed ? NULL : policy_approve(p, f, today);
		if (expired && g_hash_table_add(reported, (gpointer)expired))
			g_ptr_array_add(added, policy_expired_finding(pack, p, expired, f));
	}
	policy_old_form(p, pack, findings, added);
	for (guint i = added->len; i-- > 0;)
		g_ptr_array_add(findings, added->pdata[i]);
}

bool policy_approve_finding(GPtrArray *findings, guint start, const char *finding_id,
                            const char *reason, const char *approved_by)
{
	bool matched = false;

	for (guint i = start; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];

		if (policy_is_own(f) || f->suppressed || g_ascii_strcasecmp(f->id, finding_id) != 0)
			continue;
		f->suppressed = true;
		f->approval_reason = g_strdup(reason);
		f->approved_by = g_strdup(approved_by);
		matched = true;
	}
	return matched;
}

static bool policy_has_item(const GPtrArray *items, const char *text)
{
	for (guint i = 0; items && i < items->len; i++) {
		const struct policy_item *it = items->pdata[i];

		if (strcmp(it->text, text) == 0)
			return true;
	}
	return false;
}

static void policy_loosened_trusted(GPtrArray *out, const struct rulepack *pack,
                                    const struct policy *old_p, const struct policy *new_p)
{
	g_autoptr(srcset) none = srcset_new();
	g_autoptr(srcset) more = srcset_subtract(new_p->trusted, old_p ? old_p->trusted : none);
	/* Trusting a private range or an atom takes nothing from the Internet. */
	g_autoptr(srcset) added = srcset_intersect(more, pack->internet);
	g_autofree char *text = NULL;
	unsigned line = 1;

	if (srcset_is_empty(added))
		return;
	text = srcset_to_string(added);
	for (guint i = 0; i < new_p->trusted_items->len; i++) {
		const struct policy_item *it = new_p->trusted_items->pdata[i];

		if (!old_p || !policy_has_item(old_p->trusted_items, it->text)) {
			line = it->line;
			break;
		}
	}
	g_ptr_array_add(out, rulepack_finding_new(pack, RULE_POLICY_001, new_p->path, new_p->path, line,
	                                          text, g_strdup_printf("trusted networks widened: %s",
	                                                                text)));
}

static void policy_loosened(GPtrArray *out, const struct rulepack *pack, const struct policy *p,
                            unsigned line, char *what)
{
	g_ptr_array_add(out, rulepack_finding_new(pack, RULE_POLICY_002, p->path, p->path, line, what,
	                                          g_strdup_printf("policy loosened: %s", what)));
	g_free(what);
}

/* The severity of rule id under p: its override, else the pack's, else info
 * (a rule the pack does not know); -1 when off. */
static int policy_effective(const struct rulepack *pack, const struct policy *p, const char *id)
{
	const struct policy_rule *r = policy_rule_get(p, id);
	const struct rule *pr = rulepack_rule(pack, id);

	if (r)
		return r->off ? -1 : (int)r->severity;
	return pr ? (int)pr->severity : (int)SEVERITY_INFO;
}

static void policy_loosened_checks(GPtrArray *out, const struct rulepack *pack,
                                   const struct policy *old_p, const struct policy *new_p)
{
	enum severity old_fail = old_p && old_p->has_fail_on ? old_p->fail_on : SEVERITY_HIGH;

	for (guint i = 0; i < new_p->rules->len; i++) {
		const struct policy_rule *r = new_p->rules->pdata[i];
		int before = policy_effective(pack, old_p, r->id);
		int now = policy_effective(pack, new_p, r->id);

		if (now >= before)
			continue;
		if (now < 0)
			policy_loosened(out, pack, new_p, r->line, g_strdup_printf("rule %s turned off", r->id));
		else
			policy_loosened(out, pack, new_p, r->line,
			                g_strdup_printf("rule %s lowered from %s to %s", r->id,
			                                severity_name((enum severity)before),
			                                severity_name((enum severity)now)));
	}
	if (new_p->has_fail_on && new_p->fail_on > old_fail)
		policy_loosened(out, pack, new_p, new_p->fail_on_line,
		                g_strdup_printf("fail_on raised from %s to %s", severity_name(old_fail),
		                                severity_name(new_p->fail_on)));
	for (guint i = 0; i < new_p->ignore->len; i++) {
		const struct policy_item *it = new_p->ignore->pdata[i];

		if (!old_p || !policy_has_item(old_p->ignore, it->text))
			policy_loosened(out, pack, new_p, it->line,
			                g_strdup_printf("path ignored: %s", it->text));
	}
}

static bool policy_same_approval(const struct policy_approval *a, const struct policy_approval *b)
{
	return g_strcmp0(a->finding, b->finding) == 0 && g_strcmp0(a->rule, b->rule) == 0 &&
	       g_strcmp0(a->resource, b->resource) == 0 && strcmp(a->approved_by, b->approved_by) == 0 &&
	       strcmp(a->expires, b->expires) == 0;
}

static void policy_loosened_approvals(GPtrArray *out, const struct rulepack *pack,
                                      const struct policy *old_p, const struct policy *new_p)
{
	for (guint i = 0; i < new_p->approvals->len; i++) {
		const struct policy_approval *a = new_p->approvals->pdata[i];
		g_autofree char *target = NULL;
		g_autofree char *region = NULL;
		bool known = false;

		for (guint j = 0; old_p && j < old_p->approvals->len && !known; j++)
			known = policy_same_approval(a, old_p->approvals->pdata[j]);
		if (known)
			continue;
		target = policy_approval_target(a);
		region = g_strdup_printf("approval of %s by %s until %s", target, a->approved_by, a->expires);
		g_ptr_array_add(out, rulepack_finding_new(pack, RULE_POLICY_004, new_p->path, new_p->path,
		                                          a->line, region,
		                                          g_strdup_printf("approval added: %s by %s until %s: %s",
		                                                          target, a->approved_by,
		                                                          a->expires, a->reason)));
	}
}

/* Has out a DW-POLICY-005 finding for the approval at line already? */
static bool policy_old_form_reported(GPtrArray *out, const struct policy *p, unsigned line)
{
	for (guint i = 0; i < out->len; i++) {
		const struct finding *f = out->pdata[i];

		if (strcmp(f->rule->id, RULE_POLICY_005) == 0 && f->line == line &&
		    g_strcmp0(f->file, p->path) == 0)
			return true;
	}
	return false;
}

/* In a change to the policy, every approval still written with an old-form id. */
static void policy_old_form_left(GPtrArray *out, const struct rulepack *pack, const struct policy *p)
{
	for (guint i = 0; i < p->approvals->len; i++) {
		const struct policy_approval *a = p->approvals->pdata[i];
		g_autofree char *region = NULL;

		if (!a->finding || !policy_is_old_id(a->finding) || policy_old_form_reported(out, p, a->line))
			continue;
		region = g_strdup_printf("old-form approval of finding %s", a->finding);
		g_ptr_array_add(out, rulepack_finding_new(
		        pack, RULE_POLICY_005, p->path, p->path, a->line, region,
		        g_strdup_printf("approval of finding %s by %s is written with an old-form id (12 hex "
		                        "digits, no file) and approves nothing: approve the finding again "
		                        "under the id driftwatch prints now (v and 11 hex digits)",
		                        a->finding, a->approved_by)));
	}
}

/* A removed entry: "rule X lowered ..." at the line it had in old_p. */
static void policy_loosened_removed(GPtrArray *out, const struct rulepack *pack,
                                    const struct policy *old_p, unsigned line, char *what)
{
	char *region = g_strdup_printf("%s (removed, was line %u)", what, line);

	g_free(what);
	g_ptr_array_add(out, rulepack_finding_new(pack, RULE_POLICY_002, old_p->path, old_p->path, 0,
	                                          region, g_strdup_printf("policy loosened: %s", region)));
	g_free(region);
}

/*
 * What removing entries of old_p (or the whole file: new_p NULL) loosens:
 * a fail_on below the default taken away raises the threshold, a rule
 * override that raised a severity taken away lowers it. Removing a
 * trusted network, an ignored path or an approval only tightens.
 */
static void policy_loosening_removed(GPtrArray *out, const struct rulepack *pack,
                                     const struct policy *old_p, const struct policy *new_p)
{
	if (!old_p)
		return;
	if (old_p->has_fail_on && old_p->fail_on < SEVERITY_HIGH && !(new_p && new_p->has_fail_on))
		policy_loosened_removed(out, pack, old_p, old_p->fail_on_line,
		                        g_strdup_printf("fail_on raised from %s to %s, the default",
		                                        severity_name(old_p->fail_on),
		                                        severity_name(SEVERITY_HIGH)));
	for (guint i = 0; i < old_p->rules->len; i++) {
		const struct policy_rule *r = old_p->rules->pdata[i];
		int before = policy_effective(pack, old_p, r->id);
		int now = policy_effective(pack, new_p, r->id);

		if (policy_rule_get(new_p, r->id) || now >= before)
			continue;
		policy_loosened_removed(out, pack, old_p, r->line,
		                        g_strdup_printf("rule %s lowered from %s to %s", r->id,
		                                        severity_name((enum severity)before),
		                                        severity_name((enum severity)now)));
	}
}

const struct policy_approval *policy_find_approval(const struct policy *p, const struct finding *f)
{
	for (guint i = 0; p && i < p->approvals->len; i++) {
		const struct policy_approval *a = p->approvals->pdata[i];

		if (policy_approval_covers(a, f))
			return a;
	}
	return NULL;
}

bool policy_has_approval(const struct policy *p, const struct policy_approval *a)
{
	for (guint i = 0; p && i < p->approvals->len; i++) {
		if (policy_same_approval(a, p->approvals->pdata[i]))
			return true;
	}
	return false;
}

void policy_loosening(GPtrArray *out, const struct rulepack *pack, const struct policy *old_p,
                      const struct policy *new_p)
{
	policy_loosening_removed(out, pack, old_p, new_p);
	if (!new_p)
		return;
	policy_loosened_trusted(out, pack, old_p, new_p);
	policy_loosened_checks(out, pack, old_p, new_p);
	policy_loosened_approvals(out, pack, old_p, new_p);
	policy_old_form_left(out, pack, new_p);
}
