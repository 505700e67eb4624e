/*
 * gitwalk_trees.c - the memo of trees read lately (gitwalk.h), kept per
 * thread: only the thread that started it uses it, so it needs no lock.
 */
#include "gitwalk.h"

#include <string.h>

#include "dw_limits.h"

struct gitwalk_tree_memo {
	git_repository *repo;
	GHashTable *trees; /* git_oid * (the node's) -> GList * in order */
	GQueue order;      /* struct gitwalk_tree_node *, most lately used first */
	size_t bytes;
};

struct gitwalk_tree_node {
	git_oid id;
	git_tree *tree;
	size_t bytes;
};

static GPrivate gitwalk_tree_memo_key;

static guint gitwalk_oid_hash(gconstpointer id)
{
	guint h;

	/* An object id is already uniformly spread. */
	memcpy(&h, ((const git_oid *)id)->id, sizeof(h));
	return h;
}

static gboolean gitwalk_oid_equal(gconstpointer a, gconstpointer b)
{
	return git_oid_equal(a, b);
}

static void gitwalk_tree_node_free(struct gitwalk_tree_node *n)
{
	git_tree_free(n->tree);
	g_free(n);
}

void gitwalk_tree_memo_start(git_repository *repo)
{
	struct gitwalk_tree_memo *m = g_new0(struct gitwalk_tree_memo, 1);

	g_assert(g_private_get(&gitwalk_tree_memo_key) == NULL);
	m->repo = repo;
	m->trees = g_hash_table_new(gitwalk_oid_hash, gitwalk_oid_equal);
	g_queue_init(&m->order);
	g_private_set(&gitwalk_tree_memo_key, m);
}

void gitwalk_tree_memo_stop(void)
{
	struct gitwalk_tree_memo *m = g_private_get(&gitwalk_tree_memo_key);

	if (!m)
		return;
	g_private_set(&gitwalk_tree_memo_key, NULL);
	g_hash_table_unref(m->trees);
	g_queue_clear_full(&m->order, (GDestroyNotify)gitwalk_tree_node_free);
	g_free(m);
}

/* What a parsed tree is reckoned to hold. */
static size_t gitwalk_tree_bytes(const git_tree *tree)
{
	return 128 + 64 * git_tree_entrycount(tree);
}

int gitwalk_tree_lookup(git_tree **out, git_repository *repo, const git_oid *id)
{
	struct gitwalk_tree_memo *m = g_private_get(&gitwalk_tree_memo_key);
	struct gitwalk_tree_node *n;
	GList *link;
	int rc;

	if (!m || m->repo != repo)
		return git_tree_lookup(out, repo, id);
	link = g_hash_table_lookup(m->trees, id);
	if (link) {
		g_queue_unlink(&m->order, link);
		g_queue_push_head_link(&m->order, link);
		n = link->data;
		return git_object_dup((git_object **)out, (git_object *)n->tree);
	}
	if ((rc = git_tree_lookup(out, repo, id)) < 0)
		return rc;
	n = g_new0(struct gitwalk_tree_node, 1);
	n->id = *id;
	n->bytes = gitwalk_tree_bytes(*out);
	/* A tree too large to be worth keeping (a directory of thousands of
	 * files) is not kept: it would push every other one out. */
	if (n->bytes > DW_LIMIT_TREE_MEMO_BYTES / 8 ||
	    git_object_dup((git_object **)&n->tree, (git_object *)*out) < 0) {
		g_free(n);
		return 0;
	}
	g_queue_push_head(&m->order, n);
	g_hash_table_insert(m->trees, &n->id, m->order.head);
	m->bytes += n->bytes;
	while (m->bytes > DW_LIMIT_TREE_MEMO_BYTES) {
		struct gitwalk_tree_node *old = g_queue_pop_tail(&m->order);

		g_hash_table_remove(m->trees, &old->id);
		m->bytes -= old->bytes;
		gitwalk_tree_node_free(old);
	}
	return 0;
}

int gitwalk_tree_entry_bypath(git_tree_entry **out, const git_tree *root, const char *path)
{
	git_tree *tree = NULL;
	const char *slash = strchr(path, '/');
	g_autofree char *name = NULL;
	const git_tree_entry *e;
	int rc;

	/* A last component, and any path libgit2 must judge itself (an
	 * empty component, a trailing slash), go to libgit2 from here. */
	if (!g_private_get(&gitwalk_tree_memo_key) || !slash || slash == path || slash[1] == '\0' ||
	    slash[1] == '/')
		return git_tree_entry_bypath(out, root, path);
	name = g_strndup(path, (gsize)(slash - path));
	e = git_tree_entry_byname(root, name);
	if (!e) {
		git_error_set(GIT_ERROR_TREE, "the path '%s' does not exist in the given tree", name);
		return GIT_ENOTFOUND;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		git_error_set(GIT_ERROR_TREE, "the path '%s' exists but is not a tree", name);
		return GIT_ENOTFOUND;
	}
	/* As libgit2 does: a directory that cannot be read is an error, not absent. */
	if (gitwalk_tree_lookup(&tree, git_tree_owner(root), git_tree_entry_id(e)) < 0)
		return -1;
	rc = gitwalk_tree_entry_bypath(out, tree, slash + 1);
	git_tree_free(tree);
	return rc;
}
