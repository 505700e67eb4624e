/*
 * walk.c - the commit-range walk: commits in topological order, oldest
 * first, each against its first parent, in batches so that the scanner's
 * worker threads parse one batch while this thread judges the one before.
 *
 * Findings go to the caller commit by commit; the walk holds only the
 * commits of two batches (their trees and changed paths), never the
 * findings, so its memory does not grow with history.
 */
#include "walk.h"

#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "walk_memory.h"

/* Commits per batch: workers parse one batch while the walk judges the previous. */
#define WALK_BATCH 256
/* Commits taken between two looks at the mapped packs' pages (walk_memory.h). */
#define WALK_MEMORY_EVERY 64

struct walk {
	struct scan *scan;         /* borrowed */
	git_repository *repo;      /* borrowed */
	struct walk_options options;
	git_revwalk *revwalk;      /* until the first commit is taken (walk_take_revwalk()), or NULL */
	GArray *ids;               /* git_oid, oldest first: an explicit list or the revwalk's, or NULL */
	guint next_id;
	char *boundary;            /* the first commit whose parent is missing, or NULL */
	char *stopped_at;          /* the commit git failed on (hex), or NULL */
	size_t walked;             /* commits taken from the walk */
	size_t judged;             /* commits compared with their parent */
	size_t cached;             /* of them, given by options.cached */
	bool truncated;
	/* The last commit judged and its tree: in a linear history it is the
	 * next commit's parent, whose tree then needs no lookup. */
	git_oid last_id;
	git_tree *last_tree;
	struct walk_memory memory; /* the mapped packs' pages */
};

/* One commit to judge: its trees and the config paths it changed. */
struct walk_item {
	git_commit *commit;
	git_tree *tree;
	git_tree *parent_tree; /* NULL for a root commit */
	GPtrArray *changes;    /* struct gitwalk_change * */
	GPtrArray *found;      /* findings from options.cached, or NULL: to judge */
};

struct walk_batch {
	GPtrArray *items; /* struct walk_item * */
	struct scan_ticket *ticket;
};

struct walk *walk_new(struct scan *s, git_repository *repo, const struct walk_options *options)
{
	struct walk *w = g_new0(struct walk, 1);
	struct walk_options none = WALK_OPTIONS_INIT;

	w->scan = s;
	w->repo = repo;
	w->options = options ? *options : none;
	return w;
}

void walk_free(struct walk *w)
{
	if (!w)
		return;
	git_revwalk_free(w->revwalk);
	if (w->ids)
		g_array_unref(w->ids);
	git_tree_free(w->last_tree);
	g_free(w->boundary);
	g_free(w->stopped_at);
	g_free(w);
}

/* A revwalk in the order the walk judges: topological, oldest first. */
static bool walk_revwalk_new(struct walk *w, GError **error)
{
	g_assert(!w->revwalk && !w->ids);
	if (git_revwalk_new(&w->revwalk, w->repo) < 0 ||
	    git_revwalk_sorting(w->revwalk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
	    (w->options.first_parent && git_revwalk_simplify_first_parent(w->revwalk) < 0)) {
		gitwalk_set_error(error, "starting a history walk");
		return false;
	}
	return true;
}

bool walk_push(struct walk *w, const git_oid *tip, const git_oid *hide, GError **error)
{
	if (!walk_revwalk_new(w, error))
		return false;
	if (git_revwalk_push(w->revwalk, tip) < 0 || (hide && git_revwalk_hide(w->revwalk, hide) < 0)) {
		gitwalk_set_error(error, "walking the commits of a range");
		return false;
	}
	return true;
}

/* One revision into revwalk: "A..B", "^A" (hidden) or a revision. */
static int walk_revwalk_push_one(git_revwalk *revwalk, git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	bool hide = rev[0] == '^';
	int rc;

	if (!hide && strstr(rev, ".."))
		return git_revwalk_push_range(revwalk, rev);
	rc = git_revparse_single(&obj, repo, rev + hide);
	if (rc == 0)
		rc = hide ? git_revwalk_hide(revwalk, git_object_id(obj)) : git_revwalk_push(revwalk, git_object_id(obj));
	git_object_free(obj);
	return rc;
}

bool walk_revwalk_push_revs(git_revwalk *revwalk, git_repository *repo, char *const *revs, bool all,
                            GError **error)
{
	bool none = !(revs && *revs);

	if ((none && !all) || (all && git_repository_head_unborn(repo) == 0)) {
		if (git_revwalk_push_head(revwalk) < 0) {
			gitwalk_set_error(error, "reading revision range 'HEAD'");
			return false;
		}
	}
	if (all && git_revwalk_push_glob(revwalk, "refs/*") < 0) {
		gitwalk_set_error(error, "reading every ref (--all)");
		return false;
	}
	for (char *const *rev = revs; rev && *rev; rev++) {
		if (walk_revwalk_push_one(revwalk, repo, *rev) < 0) {
			g_autofree char *what = g_strdup_printf("reading revision range '%s'", *rev);

			gitwalk_set_error(error, what);
			return false;
		}
	}
	return true;
}

bool walk_push_range(struct walk *w, const char *range, GError **error)
{
	char *revs[] = { (char *)range, NULL };

	return walk_revwalk_new(w, error) && walk_revwalk_push_revs(w->revwalk, w->repo, revs, false, error);
}

bool walk_push_with(struct walk *w, walk_push_fn push, void *user_data, GError **error)
{
	return walk_revwalk_new(w, error) && push(w->revwalk, user_data, error);
}

void walk_push_list(struct walk *w, GArray *ids)
{
	g_assert(!w->revwalk && !w->ids);
	w->ids = g_array_sized_new(FALSE, FALSE, sizeof(git_oid), ids->len);
	g_array_append_vals(w->ids, ids->data, ids->len);
}

size_t walk_judged(const struct walk *w)
{
	return w->judged;
}

size_t walk_cached(const struct walk *w)
{
	return w->cached;
}

bool walk_truncated(const struct walk *w)
{
	return w->truncated;
}

const char *walk_stopped_at(const struct walk *w)
{
	return w->stopped_at;
}

const char *walk_boundary(const struct walk *w)
{
	return w->boundary;
}

/*
 * Takes the revwalk's commits into w->ids and frees it. Sorting them
 * oldest first, libgit2 reads every commit at the first git_revwalk_next()
 * and keeps a node and a map entry for each until the revwalk is freed
 * (12 MiB at 100,000 commits); the list keeps 20 bytes a commit, so the
 * walk's memory no longer grows with the history. 0 or libgit2's error.
 */
static int walk_take_revwalk(struct walk *w)
{
	git_oid id;
	int rc;

	w->ids = g_array_new(FALSE, FALSE, sizeof(git_oid));
	while ((rc = git_revwalk_next(&id, w->revwalk)) == 0)
		g_array_append_val(w->ids, id);
	g_clear_pointer(&w->revwalk, git_revwalk_free);
	return rc == GIT_ITEROVER ? 0 : rc;
}

/* The next commit: 0, GIT_ITEROVER at the end (or at max_commits), or an error. */
static int walk_next(struct walk *w, git_oid *out)
{
	int rc;

	if (w->options.max_commits && w->walked >= w->options.max_commits) {
		w->truncated = true;
		return GIT_ITEROVER;
	}
	if (w->revwalk && (rc = walk_take_revwalk(w)) < 0)
		return rc;
	if (!w->ids)
		rc = GIT_ITEROVER;
	else if (w->next_id >= w->ids->len)
		rc = GIT_ITEROVER;
	else {
		git_oid_cpy(out, &g_array_index(w->ids, git_oid, w->next_id++));
		rc = 0;
	}
	return rc;
}

static void walk_item_free(struct walk_item *item)
{
	git_commit_free(item->commit);
	git_tree_free(item->tree);
	git_tree_free(item->parent_tree);
	g_ptr_array_unref(item->changes);
	if (item->found)
		g_ptr_array_unref(item->found);
	g_free(item);
}

static void walk_batch_free(struct walk_batch *b)
{
	if (!b)
		return;
	scan_prefetch_wait(b->ticket);
	g_ptr_array_unref(b->items);
	g_free(b);
}

/* Remembers the tree of the commit judged last, the next one's parent in a linear history. */
static bool walk_remember(struct walk *w, git_commit *commit, git_tree *tree, GError **error)
{
	git_tree_free(w->last_tree);
	w->last_tree = NULL;
	if (git_tree_dup(&w->last_tree, tree) < 0) {
		gitwalk_set_error(error, "keeping a commit's tree");
		return false;
	}
	git_oid_cpy(&w->last_id, git_commit_id(commit));
	return true;
}

/* The first parent's tree of commit; *missing_out when a shallow list lacks the parent. */
static bool walk_parent_tree(git_tree **out, bool *missing_out, struct walk *w, git_commit *commit,
                             GError **error)
{
	git_commit *parent = NULL;
	int rc;

	*out = NULL;
	*missing_out = false;
	if (git_commit_parentcount(commit) == 0)
		return true;
	if (w->last_tree && git_oid_equal(git_commit_parent_id(commit, 0), &w->last_id)) {
		if (git_tree_dup(out, w->last_tree) == 0)
			return true;
		gitwalk_set_error(error, "keeping a commit's tree");
		return false;
	}
	rc = git_commit_parent(&parent, commit, 0);
	if (rc < 0 && w->ids) {
		/* The boundary of a shallow clone: what this commit changed is unknown. */
		*missing_out = true;
		return true;
	}
	if (rc == 0)
		rc = git_commit_tree(out, parent);
	git_commit_free(parent);
	if (rc < 0) {
		gitwalk_set_error(error, "reading a parent commit");
		return false;
	}
	return true;
}

/* The boundary of a shallow clone, named once. */
static void walk_boundary_note(struct walk *w, git_commit *commit)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!w->boundary)
		w->boundary = g_strdup(git_oid_tostr(hex, sizeof(hex), git_commit_id(commit)));
}

/*
 * Takes commit's findings from options.cached when it has them. In a
 * shallow list only while its parent is there: without it the commit is
 * not judged (walk_boundary()), cached or not.
 */
static bool walk_item_cached(struct walk_item *item, struct walk *w, git_commit *commit)
{
	git_commit *parent = NULL;

	if (!w->options.cached)
		return false;
	if (w->ids && git_commit_parentcount(commit) > 0) {
		if (git_commit_parent(&parent, commit, 0) < 0)
			return false;
		git_commit_free(parent);
	}
	item->found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	if (w->options.cached(item->found, commit, w->options.cache_data))
		return true;
	g_clear_pointer(&item->found, g_ptr_array_unref);
	return false;
}

/* The item for commit (taken), or *out NULL when it has nothing to judge. */
static bool walk_item(struct walk_item **out, struct walk *w, git_commit *commit, GError **error)
{
	struct walk_item *item = g_new0(struct walk_item, 1);
	bool missing = false;

	*out = NULL;
	item->commit = commit;
	item->changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	if (git_commit_parentcount(commit) > 1 && !w->options.first_parent)
		goto skip;
	if (walk_item_cached(item, w, commit)) {
		w->judged++;
		w->cached++;
		if (item->found->len == 0)
			goto skip;
		*out = item;
		return true;
	}
	if (git_commit_tree(&item->tree, commit) < 0) {
		gitwalk_set_error(error, "reading a commit's tree");
		goto fail;
	}
	if (!walk_parent_tree(&item->parent_tree, &missing, w, commit, error))
		goto fail;
	if (missing) {
		walk_boundary_note(w, commit);
		goto skip;
	}
	w->judged++;
	if (!walk_remember(w, commit, item->tree, error) ||
	    !scan_tree_changes(w->scan, item->changes, item->parent_tree, item->tree, error))
		goto fail;
	if (item->changes->len == 0) {
		if (w->options.judged) {
			g_autoptr(GPtrArray) none = g_ptr_array_new();

			w->options.judged(commit, none, w->options.cache_data);
		}
		goto skip;
	}
	*out = item;
	return true;
skip:
	walk_item_free(item);
	return true;
fail:
	walk_item_free(item);
	return false;
}

/* Notes that git failed on commit id (walk_stopped_at()); false. */
static bool walk_stop_at(struct walk *w, const git_oid *id)
{
	g_free(w->stopped_at);
	w->stopped_at = g_malloc(GIT_OID_HEXSZ + 1);
	git_oid_tostr(w->stopped_at, GIT_OID_HEXSZ + 1, id);
	return false;
}

/*
 * Takes up to one batch of commits and hands their files to the workers.
 * When git fails on a commit, *out still has the commits before it (to
 * be judged: they are whole) and w->stopped_at names it.
 */
static bool walk_fill(struct walk_batch **out, struct walk *w, bool *done, GError **error)
{
	struct walk_batch *b = g_new0(struct walk_batch, 1);
	git_oid id;
	int rc = 0;

	*out = b;
	b->items = g_ptr_array_new_with_free_func((GDestroyNotify)walk_item_free);
	while (b->items->len < WALK_BATCH && (rc = walk_next(w, &id)) == 0) {
		git_commit *commit = NULL;
		struct walk_item *item = NULL;

		if (git_commit_lookup(&commit, w->repo, &id) < 0) {
			gitwalk_set_error(error, "reading a commit");
			goto fail;
		}
		if (++w->walked % WALK_MEMORY_EVERY == 0)
			walk_memory_check(&w->memory);
		if (w->options.seen)
			w->options.seen(commit, w->options.seen_data);
		if (git_commit_time(commit) < w->options.since) {
			git_commit_free(commit);
			continue;
		}
		if (!walk_item(&item, w, commit, error))
			goto fail;
		if (!item)
			continue;
		g_ptr_array_add(b->items, item);
		b->ticket = scan_prefetch(w->scan, b->ticket, item->changes);
		/* Blobs read ahead are held until parsed: bound their bytes. */
		if (scan_ticket_bytes(b->ticket) >= DW_LIMIT_PREFETCH_BYTES)
			break;
	}
	if (rc != 0 && rc != GIT_ITEROVER) {
		gitwalk_set_error(error, "walking history");
		return false;
	}
	*done = rc == GIT_ITEROVER;
	return true;
fail:
	return walk_stop_at(w, &id);
}

/* Judges one batch, commit by commit, and hands each commit's findings to fn. */
static bool walk_judge(struct walk *w, struct walk_batch *b, walk_commit_fn fn, void *user_data,
                       GError **error)
{
	scan_prefetch_wait(b->ticket);
	b->ticket = NULL;
	for (guint i = 0; i < b->items->len; i++) {
		struct walk_item *item = b->items->pdata[i];
		g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
		struct walk_commit c = { .commit = item->commit, .findings = found };

		if (item->found)
			g_ptr_array_extend_and_steal(found, g_steal_pointer(&item->found));
		else if (!scan_changes(w->scan, found, item->changes, item->parent_tree, item->tree, error))
			return walk_stop_at(w, git_commit_id(item->commit));
		else if (w->options.judged)
			w->options.judged(item->commit, found, w->options.cache_data);
		walk_set_commit(found, 0, item->commit);
		scan_commit_approvals(found, 0, item->commit);
		if (!fn(&c, user_data, error)) {
			/* Not git's failure, and before any it had later on. */
			g_clear_pointer(&w->stopped_at, g_free);
			return false;
		}
	}
	return true;
}

bool walk_run(struct walk *w, walk_commit_fn fn, void *user_data, GError **error)
{
	struct walk_batch *prev = NULL, *cur = NULL;
	bool done = false, ok = true;
	GError *stop = NULL; /* git's failure taking a batch: the commits before it are still judged */

	walk_memory_init(&w->memory, DW_LIMIT_PACK_RESIDENT_BYTES);
	while (ok && !done) {
		if (!walk_fill(&cur, w, &done, &stop))
			done = true;
		if (prev)
			ok = walk_judge(w, prev, fn, user_data, error);
		walk_batch_free(prev);
		prev = cur;
		cur = NULL;
	}
	if (ok && prev)
		ok = walk_judge(w, prev, fn, user_data, error);
	walk_batch_free(prev);
	if (!stop)
		return ok;
	/* A failure judging an earlier commit came first in commit order: it is the one said. */
	if (ok)
		g_propagate_error(error, stop);
	else
		g_error_free(stop);
	return false;
}

void walk_set_commit(GPtrArray *findings, guint start, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	char hex[GIT_OID_HEXSZ + 1];
	g_autoptr(GTimeZone) tz = g_time_zone_new_offset(author->when.offset * 60);
	g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc(author->when.time);
	g_autoptr(GDateTime) local = when && tz ? g_date_time_to_timezone(when, tz) : NULL;
	g_autofree char *date = local ? g_date_time_format_iso8601(local) : NULL;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	for (guint i = start; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];

		g_free(f->commit);
		g_free(f->author);
		g_free(f->date);
		g_free(f->subject);
		f->commit = g_strdup(hex);
		f->author = g_strdup_printf("%s <%s>", author->name, author->email);
		f->date = g_strdup(date);
		f->subject = g_strdup(git_commit_summary(commit));
	}
}
