/*
 * compare.c - match old and new resources by identity and diff their
 * exposure sets and settings.
 */
#include "compare.h"

#include <string.h>

void compare_change_free(struct compare_change *c)
{
	if (!c)
		return;
	exposure_free(c->before);
	exposure_free(c->after);
	exposure_free(c->widened);
	exposure_free(c->narrowed);
	g_free(c->identity);
	if (c->settings)
		g_array_unref(c->settings);
	if (c->new_unknowns)
		g_ptr_array_unref(c->new_unknowns);
	g_free(c);
}

/* identity -> GPtrArray of the resources holding it (borrowed). */
static GHashTable *compare_index(GPtrArray *resources)
{
	GHashTable *index = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	                                          (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; resources && i < resources->len; i++) {
		struct resource *r = resources->pdata[i];
		GPtrArray *list = g_hash_table_lookup(index, r->identity);

		if (!list) {
			list = g_ptr_array_new();
			g_hash_table_insert(index, r->identity, list);
		}
		g_ptr_array_add(list, r);
	}
	return index;
}

static const char *compare_setting_value(const struct resource *r, const char *key)
{
	const struct resource_setting *s = r ? resource_setting_get(r, key) : NULL;

	return s ? s->value : NULL;
}

/* Every settings key of either side whose value differs. */
static GArray *compare_settings(const struct resource *o, const struct resource *n)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct compare_setting));
	g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);
	const struct resource *sides[] = { o, n };

	for (size_t s = 0; s < G_N_ELEMENTS(sides); s++) {
		for (guint i = 0; sides[s] && i < sides[s]->settings->len; i++) {
			const struct resource_setting *rs = sides[s]->settings->pdata[i];
			struct compare_setting cs = { rs->key, compare_setting_value(o, rs->key),
			                              compare_setting_value(n, rs->key),
			                              n ? resource_setting_get(n, rs->key) : NULL };

			if (g_hash_table_contains(keys, rs->key))
				continue;
			g_hash_table_add(keys, rs->key);
			if (g_strcmp0(cs.old_value, cs.new_value) != 0)
				g_array_append_val(out, cs);
		}
	}
	return out;
}

static bool compare_has_unknown(const struct resource *r, const char *what)
{
	for (guint i = 0; r && i < r->unknowns->len; i++) {
		const struct resource_unknown *u = r->unknowns->pdata[i];

		if (strcmp(u->what, what) == 0)
			return true;
	}
	return false;
}

static GPtrArray *compare_unknowns(const struct resource *o, const struct resource *n)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; n && i < n->unknowns->len; i++) {
		struct resource_unknown *u = n->unknowns->pdata[i];

		if (!compare_has_unknown(o, u->what))
			g_ptr_array_add(out, u);
	}
	return out;
}

static void compare_one(GPtrArray *out, const struct resource *o, const struct resource *n,
                        bool ambiguous)
{
	struct compare_change *c = g_new0(struct compare_change, 1);
	const struct resource *r = n ? n : o;

	c->identity = ambiguous ? g_strdup_printf("%s@%s", r->identity, r->file) : g_strdup(r->identity);
	c->old_r = o;
	c->new_r = n;
	c->before = o ? resource_exposure(o) : exposure_new();
	c->after = n ? resource_exposure(n) : exposure_new();
	c->settings = compare_settings(o, n);
	c->new_unknowns = compare_unknowns(o, n);
	if (exposure_equal(c->before, c->after) && c->settings->len == 0 && c->new_unknowns->len == 0 &&
	    (o && n)) {
		compare_change_free(c);
		return;
	}
	c->widened = exposure_subtract(c->after, c->before);
	c->narrowed = exposure_subtract(c->before, c->after);
	g_ptr_array_add(out, c);
}

static const struct resource *compare_take_file(GPtrArray *list, const char *file)
{
	for (guint i = 0; list && i < list->len; i++) {
		const struct resource *r = list->pdata[i];

		if (strcmp(r->file, file) == 0)
			return g_ptr_array_steal_index(list, i);
	}
	return NULL;
}

/* Pairs the resources of one identity: by file, then one left on each side. */
static void compare_identity(GPtrArray *out, GPtrArray *olds, GPtrArray *news)
{
	bool ambiguous = (olds && olds->len > 1) || (news && news->len > 1);

	for (guint i = 0; news && i < news->len;) {
		const struct resource *n = news->pdata[i];
		const struct resource *o = compare_take_file(olds, n->file);

		if (!o) {
			i++;
			continue;
		}
		compare_one(out, o, n, ambiguous);
		g_ptr_array_remove_index(news, i);
	}
	if (olds && news && olds->len == 1 && news->len == 1) {
		compare_one(out, olds->pdata[0], news->pdata[0], ambiguous);
		return;
	}
	for (guint i = 0; news && i < news->len; i++)
		compare_one(out, NULL, news->pdata[i], ambiguous);
	for (guint i = 0; olds && i < olds->len; i++)
		compare_one(out, olds->pdata[i], NULL, ambiguous);
}

/* What stood for r on a side where r is missing (resource.fallbacks):
 * a new array borrowing from side, or NULL. Searched in the side itself,
 * not its index, whose lists compare_identity() empties as it pairs. */
static GPtrArray *compare_stand_in(GPtrArray *side, const struct resource *r)
{
	for (guint i = 0; r->fallbacks && side && i < r->fallbacks->len; i++) {
		GPtrArray *list = g_ptr_array_new();

		for (guint j = 0; j < side->len; j++) {
			struct resource *o = side->pdata[j];

			if (strcmp(o->identity, r->fallbacks->pdata[i]) == 0)
				g_ptr_array_add(list, o);
		}
		if (list->len)
			return list;
		g_ptr_array_unref(list);
	}
	return NULL;
}

/* Compares the resources of r's identity, or r with its stand-in. */
static void compare_identity_of(GPtrArray *out, GHashTable *old_index, GHashTable *new_index,
                                GPtrArray *old_resources, GPtrArray *new_resources,
                                const struct resource *r)
{
	GPtrArray *olds = g_hash_table_lookup(old_index, r->identity);
	GPtrArray *news = g_hash_table_lookup(new_index, r->identity);
	g_autoptr(GPtrArray) stand_in = NULL;
	guint first = out->len;

	if (!olds && news)
		olds = stand_in = compare_stand_in(old_resources, r);
	else if (olds && !news)
		news = stand_in = compare_stand_in(new_resources, r);
	compare_identity(out, olds, news);
	/* The change is about r, whichever side stood in. */
	for (guint i = first; stand_in && i < out->len; i++) {
		struct compare_change *c = out->pdata[i];

		g_free(c->identity);
		c->identity = g_strdup(r->identity);
	}
}

void compare_resources(GPtrArray *out, GPtrArray *old_resources, GPtrArray *new_resources)
{
	g_autoptr(GHashTable) old_index = compare_index(old_resources);
	g_autoptr(GHashTable) new_index = compare_index(new_resources);
	g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *sides[] = { new_resources, old_resources };

	/* Walk new then old so that findings follow the new document order. */
	for (size_t s = 0; s < G_N_ELEMENTS(sides); s++) {
		for (guint i = 0; sides[s] && i < sides[s]->len; i++) {
			const struct resource *r = sides[s]->pdata[i];

			if (g_hash_table_contains(done, r->identity))
				continue;
			g_hash_table_add(done, r->identity);
			compare_identity_of(out, old_index, new_index, old_resources, new_resources, r);
		}
	}
}
