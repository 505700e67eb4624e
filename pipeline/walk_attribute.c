/*
 * walk_attribute.c - which commit of a range introduced each of its net
 * findings: the last commit, walking oldest first, with a finding of the
 * same id, or on the same resource a network finding whose widened region
 * overlaps (another finding: of the same rule). The last, not the first:
 * a port opened, closed and opened again (a revert of the fix) is open
 * because of the commit that opened it again.
 *
 * Each net region is parsed once, and each commit finding's once, so a
 * commit's finding costs one set intersection per net finding of its own
 * resource: no pair of texts is parsed twice.
 */
#include "walk.h"

#include <string.h>

#include "exposure.h"

struct walk_attribution {
	/* resource -> GPtrArray of its net findings (borrowed) */
	GHashTable *index;
	GHashTable *by_id; /* finding id -> net finding (borrowed) */
	GPtrArray *net;    /* borrowed: the net findings in their order */
	/* net finding -> the finding of the commit it is attributed to (owned copy) */
	GHashTable *introduced;
};

/* The resource: what a commit's finding must share with a net one. New string. */
static char *walk_attribute_key(const struct finding *f)
{
	return g_strdup(f->resource ? f->resource : "");
}

static bool walk_attribute_is_network(const struct finding *f)
{
	return f->rule && finding_family(f) == RULE_FAMILY_NET && f->widened;
}

struct walk_attribution *walk_attribution_new(GPtrArray *net)
{
	struct walk_attribution *a = g_new0(struct walk_attribution, 1);

	a->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                 (GDestroyNotify)g_ptr_array_unref);
	a->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	a->net = net;
	a->introduced = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)finding_free);
	for (guint i = 0; i < net->len; i++) {
		struct finding *f = net->pdata[i];
		char *key = walk_attribute_key(f);
		GPtrArray *same = g_hash_table_lookup(a->index, key);
		if (!same) {
			same = g_ptr_array_new();
			g_hash_table_insert(a->index, key, same);
		} else {
			g_free(key);
		}
		g_ptr_array_add(same, f);
		if (f->id && !g_hash_table_contains(a->by_id, f->id))
			g_hash_table_insert(a->by_id, f->id, f);
	}
	return a;
}

void walk_attribution_free(struct walk_attribution *a)
{
	if (!a)
		return;
	g_hash_table_unref(a->index);
	g_hash_table_unref(a->by_id);
	g_hash_table_unref(a->introduced);
	g_free(a);
}

/*
 * Did commit finding c widen the same thing as net finding f? Network
 * findings when their regions (the sets they keep) overlap, whatever
 * their rules: a port opened to everyone and later narrowed to private
 * sources is, at the end, a private widening that the first commit
 * brought. Others when their rules are the same.
 */
static bool walk_attribute_same(const struct finding *f, const struct finding *c)
{
	const exposure *x = f->widened_set, *y = c->widened_set;
	exposure *both;
	bool same;

	if (!walk_attribute_is_network(f) || !walk_attribute_is_network(c))
		return f->rule && c->rule && strcmp(f->rule->id, c->rule->id) == 0;
	if (!x || !y)
		return strcmp(f->rule->id, c->rule->id) == 0 && strcmp(f->widened, c->widened) == 0;
	both = exposure_intersect(x, y);
	same = !exposure_is_empty(both);
	exposure_free(both);
	return same;
}

/* Sets f's commit fields from commit, whose finding c introduced it. */
static void walk_attribute_one(struct walk_attribution *a, struct finding *f,
                               const struct finding *c, git_commit *commit)
{
	g_autoptr(GPtrArray) one = g_ptr_array_new();

	g_ptr_array_add(one, f);
	walk_set_commit(one, 0, commit);
	if (c)
		g_hash_table_insert(a->introduced, f, finding_copy(c));
}

/* Does commit finding c match net finding f: the same id, or the same widening? */
static bool walk_attribute_match(const struct finding *f, const struct finding *c)
{
	return (f->id && c->id && strcmp(f->id, c->id) == 0) || walk_attribute_same(f, c);
}

void walk_attribute(struct walk_attribution *a, GPtrArray *found, git_commit *commit)
{
	for (guint j = 0; j < found->len; j++) {
		const struct finding *c = found->pdata[j];
		struct finding *f = c->id ? g_hash_table_lookup(a->by_id, c->id) : NULL;
		g_autofree char *key = walk_attribute_key(c);
		GPtrArray *same = g_hash_table_lookup(a->index, key);

		if (f)
			walk_attribute_one(a, f, c, commit);
		for (guint i = 0; same && i < same->len; i++) {
			if (same->pdata[i] != f && walk_attribute_match(same->pdata[i], c))
				walk_attribute_one(a, same->pdata[i], c, commit);
		}
	}
}

const struct finding *walk_attribution_introduced(const struct walk_attribution *a,
                                                  const struct finding *net_finding)
{
	return g_hash_table_lookup(a->introduced, net_finding);
}

void walk_attribute_rest(struct walk_attribution *a, GPtrArray *rest_out, git_commit *commit)
{
	for (guint i = 0; i < a->net->len; i++) {
		struct finding *f = a->net->pdata[i];

		if (f->commit)
			continue;
		walk_attribute_one(a, f, NULL, commit);
		if (rest_out)
			g_ptr_array_add(rest_out, f);
	}
}
