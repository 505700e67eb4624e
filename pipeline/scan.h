/*
 * scan.h - the pipeline end to end for one comparison: changed paths
 * (gitwalk) -> blobs -> documents -> resources -> compare -> findings.
 *
 * Front-ends (the CLI, the hooks, the watcher) call this and decide how
 * to show the result; nothing here prints.
 */
#ifndef DW_SCAN_H
#define DW_SCAN_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>

#include "gitwalk.h"
#include "rulepack.h"

struct scan;

/*
 * A scanner over repo (borrowed) with pack (borrowed). It caches the
 * resources extracted from each blob, so walking history parses every
 * blob once.
 */
struct scan *scan_new(git_repository *repo, const struct rulepack *pack);
void scan_free(struct scan *s);
typedef struct scan scan;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(scan, scan_free)

/*
 * What a server imposes on every comparison of a scanner, whatever the
 * pushed tree says (a pushed .driftwatch.yml must not be able to switch
 * off the gate that judges it).
 */
struct scan_options {
	/* The policy used instead of the tree's .driftwatch.yml, or NULL;
	 * parsed for each comparison, its errors are errors (not findings). */
	GBytes *pinned_policy;
	const char *pinned_policy_path; /* for messages; borrowed, must outlive s */
	bool no_policy_approvals; /* ignore "approvals:" of the policy in force */
	bool no_inline_approvals; /* ignore "driftwatch:allow" comments */
};
/* Copies options (taking a reference on pinned_policy) into s. */
void scan_set_options(struct scan *s, const struct scan_options *options);

/*
 * Findings (struct finding *) of the change from old_tree to new_tree
 * (either NULL for the empty tree), appended to out, info included. A
 * file that cannot be analysed at the new side is a DW-PARSE-001 finding,
 * not an error. Fails only when git itself fails (a missing object).
 */
bool scan_trees(struct scan *s, GPtrArray *out, git_tree *old_tree, git_tree *new_tree,
                GError **error);

/* The same for the work tree (tracked and untracked files) against HEAD. */
bool scan_workdir(struct scan *s, GPtrArray *out, GError **error);

/* The same for the index (what is staged) against HEAD: a pre-commit hook. */
bool scan_index(struct scan *s, GPtrArray *out, GError **error);

/*
 * The same for a list of changes (struct gitwalk_change *) built by the
 * caller (--files mode, a hook's own pairing). old_base and new_base (or
 * NULL) hold the rest of each side: the files the changes leave alone,
 * read when a standalone rule's group lies outside the changed files and
 * to correlate a data store's settings with the network rules.
 *
 * With a repository, the policy (.driftwatch.yml, policy.h) of the new
 * side applies: from its change, else from new_base. The findings carry
 * its overrides and approvals, and inline "driftwatch:allow" comments
 * are honoured (also without a repository).
 */
bool scan_changes(struct scan *s, GPtrArray *out, GPtrArray *changes, git_tree *old_base,
                  git_tree *new_base, GError **error);

/*
 * Every resource at one revision, joined (struct resource *, owned by
 * resources_out), and a DW-PARSE-001 finding per file that cannot be
 * analysed appended to failures.
 */
bool scan_surface(struct scan *s, GPtrArray *resources_out, GPtrArray *failures, git_tree *tree,
                  GError **error);

/*
 * Parallel audit. scan_threads() starts n worker threads (0: none);
 * scan_prefetch() hands them the files of a list of changes (struct
 * gitwalk_change *, copied) to read and parse into the cache, adding
 * them to ticket t (NULL: a new one, returned); scan_ticket_bytes() is
 * what the ticket's files weigh, so that a caller can bound the bytes
 * read ahead; scan_prefetch_wait() blocks until that batch is parsed and
 * frees the ticket. Results are the same with or without threads; a file a worker
 * could not read is read again, and its error reported, by the caller.
 */
struct scan_ticket;
bool scan_threads(struct scan *s, unsigned n, GError **error);
struct scan_ticket *scan_prefetch(struct scan *s, struct scan_ticket *t, GPtrArray *changes);
size_t scan_ticket_bytes(const struct scan_ticket *t);
void scan_prefetch_wait(struct scan_ticket *t);

/* The commit trailer that approves a finding: "Exposure-Approved: ID REASON". */
#define SCAN_TRAILER_KEY "Exposure-Approved"

/*
 * Calls fn for each Exposure-Approved trailer of commit's message (git's
 * trailer rules: the message's last paragraph), with its finding id, its
 * reason ("" when it gives none) and the commit's author as
 * "Name <email>"; all borrowed for the call.
 */
typedef void (*scan_trailer_fn)(const char *id, const char *reason, const char *by, void *user_data);
void scan_approval_trailers(git_commit *commit, scan_trailer_fn fn, void *user_data);

/*
 * Applies commit's "Exposure-Approved: FINDING-ID REASON" trailers (git's
 * trailer rules: the message's last paragraph) to findings from index
 * start on, the findings of that commit: each suppresses that finding,
 * approved by the commit's author. A trailer naming no finding of the
 * commit, or with no reason, is ignored.
 */
void scan_commit_approvals(GPtrArray *findings, guint start, git_commit *commit);

/* The config paths that differ between two trees (gitwalk_tree_changes). */
bool scan_tree_changes(struct scan *s, GPtrArray *out, git_tree *old_tree, git_tree *new_tree,
                       GError **error);

#endif
