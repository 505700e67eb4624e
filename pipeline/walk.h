/*
 * walk.h - the one commit-range walk: each commit of a range judged
 * against its first parent, its findings handed to the caller one commit
 * at a time, and the net findings of a range attributed to the commit
 * that introduced each.
 *
 * The audit, the pre-receive gate and the watcher all walk history with
 * this, so that the same history gives them the same findings with the
 * same commits.
 */
#ifndef DW_WALK_H
#define DW_WALK_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "scan.h"

struct walk_options {
	/* Follow first parents only, and judge a merge against its first
	 * parent (what it brought to that line). Otherwise merges are
	 * walked through but not judged: their parents' commits are. */
	bool first_parent;
	/* Commits to walk at most; past it the walk stops, with no error
	 * (*truncated_out of walk_run() says so). 0: no limit. */
	size_t max_commits;
	/* Commits committed before this time (seconds since the epoch) are
	 * walked past, not judged (audit --since); 0: every commit. */
	gint64 since;
	/* Called for each commit walked, judged or not, as it is taken from
	 * the walk (before it is judged); commit is borrowed for the call.
	 * May be NULL. */
	void (*seen)(git_commit *commit, void *user_data);
	void *seen_data;
	/*
	 * Judgements kept from earlier walks (the audit cache). For a commit
	 * about to be judged, cached may append the findings it had against
	 * its first parent (struct finding *, as scan_changes() gave them,
	 * before commit fields and trailers) to out and return true: the
	 * walk then neither compares nor parses it, and hands them on as if
	 * judged (a commit cached with none, like one that changed no config
	 * path, without a call to fn). judged is given every commit the walk
	 * compares itself, with those findings (borrowed for the call; empty
	 * when it changed no config path). Either may be NULL.
	 */
	bool (*cached)(GPtrArray *out, git_commit *commit, void *user_data);
	void (*judged)(git_commit *commit, GPtrArray *findings, void *user_data);
	void *cache_data;
};
#define WALK_OPTIONS_INIT { false, 0, 0, NULL, NULL, NULL, NULL, NULL }

/* One commit judged, as handed to a walk_commit_fn. */
struct walk_commit {
	git_commit *commit; /* borrowed for the call */
	/* Its findings against its first parent (struct finding *), commit
	 * fields set (walk_set_commit) and its Exposure-Approved trailers
	 * applied. The callback may steal them; the rest are freed after
	 * the call. */
	GPtrArray *findings;
};

/* Called once per commit judged, oldest first; false (with error set) stops the walk. */
typedef bool (*walk_commit_fn)(const struct walk_commit *c, void *user_data, GError **error);

struct walk;

/*
 * A walk over repo (borrowed) that judges commits with s (borrowed; its
 * worker threads, if any, parse ahead of the walk). options may be NULL.
 */
struct walk *walk_new(struct scan *s, git_repository *repo, const struct walk_options *options);
void walk_free(struct walk *w);

/*
 * The commits to walk: reachable from tip and not from hide (NULL: the
 * whole history), in topological order, oldest first. Only one of the
 * walk_push*() calls may be made on a walk.
 */
bool walk_push(struct walk *w, const git_oid *tip, const git_oid *hide, GError **error);

/* The same for a revision ("main", an id), a range "A..B" or "^A"; NULL is HEAD. */
bool walk_push_range(struct walk *w, const char *range, GError **error);
/*
 * Revisions into revwalk (of repo) as git rev-list takes them: each
 * "A..B", "^A" (hidden) or a revision; all adds every ref and HEAD; with
 * neither, HEAD. For a walk_push_with() callback, and for counting.
 */
bool walk_revwalk_push_revs(git_revwalk *revwalk, git_repository *repo, char *const *revs, bool all,
                            GError **error);

/*
 * The same for whatever push() puts into the walk's revwalk (several
 * ranges, exclusions, every ref), as git rev-list takes them; push sets
 * error when it fails.
 */
typedef bool (*walk_push_fn)(git_revwalk *revwalk, void *user_data, GError **error);
bool walk_push_with(struct walk *w, walk_push_fn push, void *user_data, GError **error);
/*
 * An explicit list of commits (git_oid, copied), oldest first: a shallow
 * clone's, whose boundary libgit2's walk cannot cross. A commit whose
 * parent is missing there is not judged; walk_boundary() names the first.
 */
void walk_push_list(struct walk *w, GArray *ids);

/*
 * Walks the commits pushed, judges each against its first parent (the
 * empty tree for a root) and calls fn with its findings, commit by
 * commit: nothing is held beyond one batch of commits, so the caller
 * decides what to keep. A commit that changes no config path is judged
 * without a call. Fails when git fails (an object that cannot be read),
 * or when fn fails. When git fails on a commit, the commits before it
 * are judged and given to fn first, and walk_stopped_at() names it.
 */
bool walk_run(struct walk *w, walk_commit_fn fn, void *user_data, GError **error);

/* The commit git failed on in walk_run() (hex), or NULL; borrowed from w. */
const char *walk_stopped_at(const struct walk *w);
/* Commits compared with their parent so far, options.cached ones included. */
size_t walk_judged(const struct walk *w);
/* Of those, the commits whose findings options.cached gave. */
size_t walk_cached(const struct walk *w);
/* Was the walk stopped by options.max_commits? */
bool walk_truncated(const struct walk *w);
/* The first commit of a walk_push_list() walk whose parent is missing
 * (hex), or NULL; borrowed from w. */
const char *walk_boundary(const struct walk *w);

/*
 * Sets the commit fields of findings from index start on: commit id,
 * author ("Name <email>"), author date (ISO 8601 in the author's zone)
 * and subject (NULL when the message cannot be read). Replaces what was
 * there. The one place a finding gets its commit.
 */
void walk_set_commit(GPtrArray *findings, guint start, git_commit *commit);

/*
 * Attribution of a range's net findings (old tip -> new tip) to the
 * commits that introduced them. Each commit's findings, oldest first,
 * are matched with the net findings: by id, else on the same resource by
 * overlapping widened regions for network findings (two commits opening
 * different ports of one group are told apart), by rule for others;
 * indexed by resource, so that a commit's finding meets only its own
 * resource's. The last commit that
 * matches wins: a port opened, closed and opened again (a revert of the
 * fix) is open because of the commit that opened it again.
 */
struct walk_attribution;

/* An attribution of net (struct finding *, borrowed; their commit fields are set). */
struct walk_attribution *walk_attribution_new(GPtrArray *net);
void walk_attribution_free(struct walk_attribution *a);
typedef struct walk_attribution walk_attribution;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(walk_attribution, walk_attribution_free)

/* Attributes to commit the net findings that found (its findings, struct finding *) match. */
void walk_attribute(struct walk_attribution *a, GPtrArray *found, git_commit *commit);

/*
 * Attributes every net finding no commit matched to commit (the tip of
 * an update), and appends each to rest_out (borrowed; may be NULL).
 */
void walk_attribute_rest(struct walk_attribution *a, GPtrArray *rest_out, git_commit *commit);

/*
 * The finding of the commit net_finding is attributed to (its id is that
 * of the file where it was introduced), or NULL when no commit matched
 * it; borrowed from a.
 */
const struct finding *walk_attribution_introduced(const struct walk_attribution *a,
                                                  const struct finding *net_finding);

#endif
