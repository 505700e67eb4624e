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

/* One pairing: an old and a new resource (either may be missing). */
struct compare_slot {
	const struct resource *o, *n; /* borrowed; both NULL once merged away */
	char *identity;               /* as reported; owned */
};

struct compare_pairing {
	GArray *slots;         /* struct compare_slot, in report order */
	GHashTable *renames;   /* old path -> new path (borrowed), or NULL */
	GHashTable *dirs;      /* old directory -> new directory, from renames; owned strings */
};

static void compare_slot_clear(void *p)
{
	g_free(((struct compare_slot *)p)->identity);
}

static void compare_add(struct compare_pairing *cp, const struct resource *o, const struct resource *n,
                        bool ambiguous)
{
	const struct resource *r = n ? n : o;
	struct compare_slot slot = { o, n, NULL };

	slot.identity = ambiguous ? g_strdup_printf("%s@%s", r->identity, r->file) : g_strdup(r->identity);
	g_array_append_val(cp->slots, slot);
}

static void compare_one(GPtrArray *out, const struct compare_slot *slot)
{
	struct compare_change *c = g_new0(struct compare_change, 1);
	const struct resource *o = slot->o, *n = slot->n;

	c->identity = g_strdup(slot->identity);
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

/* Where an old file is at the new side: its new path when it was renamed. */
static const char *compare_renamed(const struct compare_pairing *cp, const char *old_file)
{
	const char *to = cp->renames ? g_hash_table_lookup(cp->renames, old_file) : NULL;

	return to ? to : old_file;
}

/* Takes from list the old resource in file (at the new side), or NULL. */
static const struct resource *compare_take_file(const struct compare_pairing *cp, GPtrArray *list,
                                                const char *file)
{
	for (guint i = 0; list && i < list->len; i++) {
		const struct resource *r = list->pdata[i];

		if (strcmp(compare_renamed(cp, r->file), file) == 0)
			return g_ptr_array_steal_index(list, i);
	}
	return NULL;
}

/*
 * Pairs the resources of one identity: by file (a renamed file counting
 * as the same file, so twins that move together stay paired), then one
 * left on each side.
 */
static void compare_identity(struct compare_pairing *cp, GPtrArray *olds, GPtrArray *news)
{
	bool ambiguous = (olds && olds->len > 1) || (news && news->len > 1);

	for (guint i = 0; news && i < news->len;) {
		const struct resource *n = news->pdata[i];
		const struct resource *o = compare_take_file(cp, olds, n->file);

		if (!o) {
			i++;
			continue;
		}
		compare_add(cp, o, n, ambiguous);
		g_ptr_array_remove_index(news, i);
	}
	if (olds && news && olds->len == 1 && news->len == 1) {
		compare_add(cp, olds->pdata[0], news->pdata[0], ambiguous);
		return;
	}
	for (guint i = 0; news && i < news->len; i++)
		compare_add(cp, NULL, news->pdata[i], ambiguous);
	for (guint i = 0; olds && i < olds->len; i++)
		compare_add(cp, olds->pdata[i], NULL, ambiguous);
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
static void compare_identity_of(struct compare_pairing *cp, GHashTable *old_index,
                                GHashTable *new_index, GPtrArray *old_resources,
                                GPtrArray *new_resources, const struct resource *r)
{
	GPtrArray *olds = g_hash_table_lookup(old_index, r->identity);
	GPtrArray *news = g_hash_table_lookup(new_index, r->identity);
	g_autoptr(GPtrArray) stand_in = NULL;
	guint first = cp->slots->len;

	if (!olds && news)
		olds = stand_in = compare_stand_in(old_resources, r);
	else if (olds && !news)
		news = stand_in = compare_stand_in(new_resources, r);
	compare_identity(cp, olds, news);
	/* The change is about r, whichever side stood in. */
	for (guint i = first; stand_in && i < cp->slots->len; i++) {
		struct compare_slot *slot = &g_array_index(cp->slots, struct compare_slot, i);

		g_free(slot->identity);
		slot->identity = g_strdup(r->identity);
	}
}

/* The directory of a path, "." at the top. New string. */
static char *compare_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? g_strndup(path, (gsize)(slash - path)) : g_strdup(".");
}

/* Old directory -> new directory of every renamed file that changed directory. */
static GHashTable *compare_dirs(GHashTable *renames)
{
	GHashTable *dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GHashTableIter it;
	gpointer from, to;

	if (!renames)
		return dirs;
	g_hash_table_iter_init(&it, renames);
	while (g_hash_table_iter_next(&it, &from, &to)) {
		char *a = compare_dir(from), *b = compare_dir(to);

		if (strcmp(a, b) != 0 && !g_hash_table_contains(dirs, a)) {
			g_hash_table_insert(dirs, a, b);
			continue;
		}
		g_free(a);
		g_free(b);
	}
	return dirs;
}

/* The last part of a path. */
static const char *compare_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The identity o would have at the new side if only its file moved: each
 * ':'-separated part that is o's file, o's directory (tf:DIR:...,
 * elasticsearch:DIR, pg_hba:DIR:...) or that directory's last part
 * (compose:PROJECT:...) follows the rename. New string, or NULL when
 * nothing in it follows a rename.
 */
static char *compare_translate(const struct compare_pairing *cp, const struct resource *o)
{
	g_auto(GStrv) parts = g_strsplit(o->identity, ":", -1);
	g_autofree char *dir = compare_dir(o->file);
	const char *to_file = compare_renamed(cp, o->file);
	const char *to_dir = g_hash_table_lookup(cp->dirs, dir);
	bool moved = false;

	for (size_t i = 1; parts[i]; i++) {
		const char *to = strcmp(parts[i], o->file) == 0               ? to_file
		                 : strcmp(parts[i], dir) == 0                 ? to_dir
		                 : to_dir && strcmp(parts[i], compare_base(dir)) == 0 ? compare_base(to_dir)
		                                                              : NULL;

		if (!to || strcmp(to, parts[i]) == 0)
			continue;
		g_free(parts[i]);
		parts[i] = g_strdup(to);
		moved = true;
	}
	return moved ? g_strjoinv(":", parts) : NULL;
}

/* Is the resource's name an expression that could not be evaluated? */
static bool compare_name_unknown(const struct resource *r)
{
	for (guint i = 0; i < r->unknowns->len; i++) {
		const struct resource_unknown *u = r->unknowns->pdata[i];

		if (g_str_has_prefix(u->what, RESOURCE_UNKNOWN_NAME))
			return true;
	}
	return false;
}

static gint compare_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What equal content means for pairing: kind, model, service, the
 * canonical exposure (equal sets print equally) and the settings in
 * effect (the last of each key), sorted. New string.
 */
static char *compare_fingerprint(const struct resource *r)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autofree char *set = exposure_to_string(e);
	g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GString *out = g_string_new(NULL);

	for (guint i = r->settings->len; i-- > 0;) {
		const struct resource_setting *rs = r->settings->pdata[i];

		if (g_hash_table_add(seen, rs->key))
			g_ptr_array_add(settings, g_strdup_printf("%s=%s", rs->key, rs->value));
	}
	g_ptr_array_sort(settings, compare_strcmp);
	g_string_append_printf(out, "%s\n%d\n%s\n%s", r->kind, (int)r->model, r->service ? r->service : "",
	                       set);
	for (guint i = 0; i < settings->len; i++)
		g_string_append_printf(out, "\n%s", (char *)settings->pdata[i]);
	return g_string_free(out, FALSE);
}

enum compare_pass { COMPARE_BY_RENAME, COMPARE_BY_NAME, COMPARE_BY_CONTENT };

/*
 * The key under which a leftover resource is looked up in one pass: an
 * old and a new resource with equal keys pair. NULL: r takes no part.
 * By name, an old resource whose name is known only pairs with a new one
 * whose name is not ("?" keys), and one whose name is not with any.
 */
static char *compare_key(const struct compare_pairing *cp, enum compare_pass pass,
                         const struct resource *r, bool old_side, bool any)
{
	switch (pass) {
	case COMPARE_BY_RENAME:
		return old_side ? compare_translate(cp, r) : g_strdup(r->identity);
	case COMPARE_BY_NAME:
		if (old_side)
			any = compare_name_unknown(r);
		else if (!any && !compare_name_unknown(r))
			return NULL;
		return g_strdup_printf("%s\n%s\n%d\n%s", any ? "*" : "?", r->kind, (int)r->model,
		                       old_side ? compare_renamed(cp, r->file) : r->file);
	case COMPARE_BY_CONTENT:
		return compare_fingerprint(r);
	}
	return NULL;
}

/* The new leftovers under one key: slot indices in report order, and the next to take. */
struct compare_queue {
	GArray *slots; /* guint */
	guint next;
};

static void compare_queue_free(struct compare_queue *q)
{
	g_array_unref(q->slots);
	g_free(q);
}

/* Files slot index i (a new leftover) under key (taken) in table. */
static void compare_table_add(GHashTable *table, char *key, guint i)
{
	struct compare_queue *q;

	if (!key)
		return;
	q = g_hash_table_lookup(table, key);
	if (!q) {
		q = g_new0(struct compare_queue, 1);
		q->slots = g_array_new(FALSE, FALSE, sizeof(guint));
		g_hash_table_insert(table, key, q);
	} else {
		g_free(key);
	}
	g_array_append_val(q->slots, i);
}

/* The new leftovers of one pass, by key, in report order. */
static GHashTable *compare_table(const struct compare_pairing *cp, enum compare_pass pass)
{
	GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                          (GDestroyNotify)compare_queue_free);

	for (guint i = 0; i < cp->slots->len; i++) {
		const struct compare_slot *born = &g_array_index(cp->slots, struct compare_slot, i);

		if (born->o || !born->n)
			continue;
		compare_table_add(table, compare_key(cp, pass, born->n, false, false), i);
		if (pass == COMPARE_BY_NAME)
			compare_table_add(table, compare_key(cp, pass, born->n, false, true), i);
	}
	return table;
}

/*
 * One pass over the slots left unpaired: each removed one joins the first
 * new one left under its key. Hashed, so a change with thousands of
 * resources on each side costs no more than reading them.
 */
static void compare_leftovers(struct compare_pairing *cp, enum compare_pass pass)
{
	g_autoptr(GHashTable) table = NULL;
	bool removed = false, added = false;

	for (guint i = 0; i < cp->slots->len && !(removed && added); i++) {
		const struct compare_slot *slot = &g_array_index(cp->slots, struct compare_slot, i);

		removed = removed || (slot->o && !slot->n);
		added = added || (slot->n && !slot->o);
	}
	if (!removed || !added)
		return;
	table = compare_table(cp, pass);

	for (guint i = 0; i < cp->slots->len; i++) {
		struct compare_slot *gone = &g_array_index(cp->slots, struct compare_slot, i);
		g_autofree char *key = NULL;
		struct compare_queue *q;

		if (!gone->o || gone->n || !(key = compare_key(cp, pass, gone->o, true, false)))
			continue;
		q = g_hash_table_lookup(table, key);
		while (q && q->next < q->slots->len) {
			struct compare_slot *born = &g_array_index(cp->slots, struct compare_slot,
			                                           g_array_index(q->slots, guint, q->next++));

			if (born->o)
				continue;
			born->o = gone->o;
			gone->o = NULL;
			break;
		}
	}
}

void compare_resources_renamed(GPtrArray *out, GPtrArray *old_resources, GPtrArray *new_resources,
                               GHashTable *renames)
{
	g_autoptr(GHashTable) old_index = compare_index(old_resources);
	g_autoptr(GHashTable) new_index = compare_index(new_resources);
	g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *sides[] = { new_resources, old_resources };
	struct compare_pairing cp = { g_array_new(FALSE, TRUE, sizeof(struct compare_slot)), renames,
	                              compare_dirs(renames) };

	g_array_set_clear_func(cp.slots, compare_slot_clear);
	/* Walk new then old so that findings follow the new document order. */
	for (size_t s = 0; s < G_N_ELEMENTS(sides); s++) {
		for (guint i = 0; sides[s] && i < sides[s]->len; i++) {
			const struct resource *r = sides[s]->pdata[i];

			if (g_hash_table_contains(done, r->identity))
				continue;
			g_hash_table_add(done, r->identity);
			compare_identity_of(&cp, old_index, new_index, old_resources, new_resources, r);
		}
	}
	/* Identity first; then a file's move, a name, the content. */
	compare_leftovers(&cp, COMPARE_BY_RENAME);
	compare_leftovers(&cp, COMPARE_BY_NAME);
	compare_leftovers(&cp, COMPARE_BY_CONTENT);
	for (guint i = 0; i < cp.slots->len; i++) {
		const struct compare_slot *slot = &g_array_index(cp.slots, struct compare_slot, i);

		if (slot->o || slot->n)
			compare_one(out, slot);
	}
	g_array_unref(cp.slots);
	g_hash_table_unref(cp.dirs);
}

void compare_resources(GPtrArray *out, GPtrArray *old_resources, GPtrArray *new_resources)
{
	compare_resources_renamed(out, old_resources, new_resources, NULL);
}
