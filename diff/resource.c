/*
 * resource.c - resources (rule lists and settings) as the extractors
 * produce them, what their rules let in, and the joining of standalone
 * rules to their group.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static void resource_rule_free(void *p)
{
	struct resource_rule *rule = p;

	g_free(rule->name);
	g_free(rule->file);
	exposure_free(rule->match);
	g_free(rule);
}

static void resource_setting_free(void *p)
{
	struct resource_setting *s = p;

	g_free(s->key);
	g_free(s->value);
	g_free(s->raw);
	g_free(s);
}

static void resource_unknown_free(void *p)
{
	struct resource_unknown *u = p;

	g_free(u->what);
	g_free(u->file);
	g_free(u);
}

struct resource *resource_new(const char *identity, const char *kind, const char *name,
                              const char *file, unsigned line, enum resource_model model)
{
	struct resource *r = g_new0(struct resource, 1);

	r->identity = g_strdup(identity);
	r->kind = kind;
	r->name = g_strdup(name);
	r->file = g_strdup(file);
	r->line = line;
	r->model = model;
	r->rules = g_ptr_array_new_with_free_func(resource_rule_free);
	r->settings = g_ptr_array_new_with_free_func(resource_setting_free);
	r->unknowns = g_ptr_array_new_with_free_func(resource_unknown_free);
	return r;
}

void resource_free(struct resource *r)
{
	if (r == NULL)
		return;
	g_free(r->identity);
	g_free(r->name);
	g_free(r->file);
	g_ptr_array_unref(r->rules);
	g_ptr_array_unref(r->settings);
	g_ptr_array_unref(r->unknowns);
	if (r->fallbacks)
		g_ptr_array_unref(r->fallbacks);
	exposure_free(r->exposure_);
	g_free(r);
}

void resource_add_rule(struct resource *r, const char *name, unsigned line, bool allow,
                       int64_t priority, exposure *match)
{
	struct resource_rule *rule = g_new0(struct resource_rule, 1);

	g_assert(match != NULL);
	rule->name = g_strdup(name);
	rule->line = line;
	rule->allow = allow;
	rule->priority = priority;
	rule->match = match;
	g_ptr_array_add(r->rules, rule);
	g_clear_pointer(&r->exposure_, exposure_free);
}

void resource_set_target(struct resource *r, unsigned lo, unsigned hi)
{
	struct resource_rule *rule;

	g_assert(r->rules->len > 0);
	rule = r->rules->pdata[r->rules->len - 1];
	rule->target_lo = lo;
	rule->target_hi = hi;
}

void resource_add_setting(struct resource *r, const char *key, const char *value,
                          const char *raw, unsigned line)
{
	struct resource_setting *s = g_new0(struct resource_setting, 1);

	s->key = g_strdup(key);
	s->value = g_strdup(value);
	s->raw = g_strdup(raw);
	s->line = line;
	g_ptr_array_add(r->settings, s);
}

void resource_add_unknown(struct resource *r, unsigned line, const char *fmt, ...)
{
	struct resource_unknown *u = g_new0(struct resource_unknown, 1);
	va_list ap;

	va_start(ap, fmt);
	u->what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	u->line = line;
	g_ptr_array_add(r->unknowns, u);
}

/* The last setting with this key wins, as for a map. */
const struct resource_setting *resource_setting_get(const struct resource *r, const char *key)
{
	for (guint i = r->settings->len; i > 0; i--) {
		const struct resource_setting *s = g_ptr_array_index(r->settings, i - 1);

		if (strcmp(s->key, key) == 0)
			return s;
	}
	return NULL;
}

static exposure *resource_exposure_union(const struct resource *r)
{
	g_autofree const exposure **sets = g_new0(const exposure *, r->rules->len + 1);
	size_t n = 0;

	for (guint i = 0; i < r->rules->len; i++) {
		const struct resource_rule *rule = g_ptr_array_index(r->rules, i);

		if (rule->allow)
			sets[n++] = rule->match;
	}
	return exposure_union_all(sets, n);
}

struct resource_order {
	const struct resource_rule *rule;
	size_t index; /* position in the document */
};

/* Priority, then document order: an explicit tie-break, so the sort need
 * not be stable. */
static int resource_order_compare(const void *a, const void *b)
{
	const struct resource_order *oa = a, *ob = b;

	if (oa->rule->priority != ob->rule->priority)
		return oa->rule->priority < ob->rule->priority ? -1 : 1;
	return oa->index < ob->index ? -1 : oa->index > ob->index ? 1 : 0;
}

static exposure *resource_exposure_first_match(const struct resource *r)
{
	size_t n = r->rules->len;
	g_autofree struct resource_order *order = g_new0(struct resource_order, n + 1);
	g_autofree struct exposure_rule *rules = g_new0(struct exposure_rule, n + 1);

	for (size_t i = 0; i < n; i++) {
		order[i].rule = g_ptr_array_index(r->rules, i);
		order[i].index = i;
	}
	qsort(order, n, sizeof(*order), resource_order_compare);
	for (size_t i = 0; i < n; i++) {
		rules[i].match = order[i].rule->match;
		rules[i].allow = order[i].rule->allow;
	}
	return exposure_first_match(rules, n);
}

static exposure *resource_exposure_compute(const struct resource *r)
{
	switch (r->model) {
	case RESOURCE_UNION:
		return resource_exposure_union(r);
	case RESOURCE_FIRST_MATCH:
		return resource_exposure_first_match(r);
	case RESOURCE_SETTINGS:
		break;
	}
	return exposure_new();
}

exposure *resource_exposure(const struct resource *r)
{
	/* The cache is not part of the resource's value: filling it through
	 * a const pointer changes nothing a caller can observe. */
	struct resource *mutable_r = (struct resource *)r;

	if (!r->exposure_)
		mutable_r->exposure_ = resource_exposure_compute(r);
	return exposure_copy(r->exposure_);
}

static gpointer resource_strdup(gconstpointer src, gpointer user_data)
{
	return g_strdup(src);
}

struct resource *resource_copy(const struct resource *r)
{
	struct resource *c = resource_new(r->identity, r->kind, r->name, r->file, r->line, r->model);

	c->service = r->service;
	c->fragment = r->fragment;
	if (r->fallbacks) {
		c->fallbacks = g_ptr_array_copy(r->fallbacks, resource_strdup, NULL);
		g_ptr_array_set_free_func(c->fallbacks, g_free);
	}
	for (guint i = 0; i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];

		resource_add_rule(c, rule->name, rule->line, rule->allow, rule->priority,
		                  exposure_copy(rule->match));
		((struct resource_rule *)g_ptr_array_index(c->rules, i))->file = g_strdup(rule->file);
		resource_set_target(c, rule->target_lo, rule->target_hi);
	}
	for (guint i = 0; i < r->settings->len; i++) {
		const struct resource_setting *st = r->settings->pdata[i];

		resource_add_setting(c, st->key, st->value, st->raw, st->line);
	}
	for (guint i = 0; i < r->unknowns->len; i++) {
		const struct resource_unknown *u = r->unknowns->pdata[i];

		resource_add_unknown(c, u->line, "%s", u->what);
		((struct resource_unknown *)g_ptr_array_index(c->unknowns, i))->file = g_strdup(u->file);
	}
	if (r->exposure_)
		c->exposure_ = exposure_copy(r->exposure_);
	return c;
}

/* Moves every item of src to the end of dst; src is left empty. */
static void resource_move_items(GPtrArray *dst, GPtrArray *src)
{
	for (guint i = 0; i < src->len; i++)
		g_ptr_array_add(dst, g_ptr_array_index(src, i));
	g_free(g_ptr_array_steal(src, NULL));
}

static void resource_merge(struct resource *dst, struct resource *src)
{
	/* Rules and unknowns keep the file they were written in, for findings. */
	for (guint i = 0; g_strcmp0(dst->file, src->file) != 0 && i < src->rules->len; i++) {
		struct resource_rule *rule = src->rules->pdata[i];

		if (!rule->file)
			rule->file = g_strdup(src->file);
	}
	for (guint i = 0; g_strcmp0(dst->file, src->file) != 0 && i < src->unknowns->len; i++) {
		struct resource_unknown *u = src->unknowns->pdata[i];

		if (!u->file)
			u->file = g_strdup(src->file);
	}
	g_clear_pointer(&dst->exposure_, exposure_free);
	resource_move_items(dst->rules, src->rules);
	resource_move_items(dst->settings, src->settings);
	resource_move_items(dst->unknowns, src->unknowns);
}

/*
 * The group a fragment belongs to: the one with its identity in the same
 * file, else the only one with its identity anywhere. With several in
 * other files there is no telling which is meant; the fragment then stays
 * on its own rather than widen a group it may not belong to.
 */
static struct resource *resource_join_target(GPtrArray *groups, const struct resource *frag)
{
	if (groups == NULL)
		return NULL;
	for (guint i = 0; i < groups->len; i++) {
		struct resource *g = g_ptr_array_index(groups, i);

		if (g_strcmp0(g->file, frag->file) == 0)
			return g;
	}
	return groups->len == 1 ? g_ptr_array_index(groups, 0) : NULL;
}

/* identity -> GPtrArray of the non-fragment resources holding it (borrowed). */
static GHashTable *resource_index_groups(GPtrArray *resources)
{
	GHashTable *groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	                                           (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < resources->len; i++) {
		struct resource *r = g_ptr_array_index(resources, i);
		GPtrArray *list;

		if (r->fragment)
			continue;
		list = g_hash_table_lookup(groups, r->identity);
		if (list == NULL) {
			list = g_ptr_array_new();
			g_hash_table_insert(groups, r->identity, list);
		}
		g_ptr_array_add(list, r);
	}
	return groups;
}

void resources_join(GPtrArray *resources)
{
	g_autoptr(GHashTable) groups = resource_index_groups(resources);
	/* identity -> the first fragment kept on its own, for later ones */
	g_autoptr(GHashTable) orphans = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) kept = g_ptr_array_new();

	for (guint i = 0; i < resources->len; i++) {
		struct resource *r = g_ptr_array_index(resources, i);
		struct resource *target = NULL;

		if (r->fragment) {
			target = resource_join_target(g_hash_table_lookup(groups, r->identity), r);
			if (target == NULL)
				target = g_hash_table_lookup(orphans, r->identity);
		}
		if (target != NULL) {
			resource_merge(target, r);
			resource_free(r);
			continue;
		}
		if (r->fragment && !g_hash_table_contains(orphans, r->identity))
			g_hash_table_insert(orphans, r->identity, r);
		g_ptr_array_add(kept, r);
	}
	/* Every resource is now freed or in kept: empty the array without
	 * its free function, then refill it in the original order. */
	g_free(g_ptr_array_steal(resources, NULL));
	for (guint i = 0; i < kept->len; i++)
		g_ptr_array_add(resources, g_ptr_array_index(kept, i));
	g_hash_table_remove_all(orphans);
}

const struct resource_rule *resource_rule_at(const struct resource *r, const exposure *region)
{
	const struct resource_rule *best = NULL;

	for (guint i = 0; r && i < r->rules->len; i++) {
		const struct resource_rule *rule = r->rules->pdata[i];
		g_autoptr(exposure) both = NULL;

		if (!rule->allow || (best && rule->priority >= best->priority))
			continue;
		both = exposure_intersect(rule->match, region);
		if (!exposure_is_empty(both))
			best = rule;
		if (best && r->model != RESOURCE_FIRST_MATCH)
			break;
	}
	return best;
}
