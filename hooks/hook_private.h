/*
 * hook_private.h - what the hook files share: counting findings for
 * their messages, and opening the repository a hook runs in.
 */
#ifndef DW_HOOK_PRIVATE_H
#define DW_HOOK_PRIVATE_H

#include <git2.h>
#include <glib.h>

#include "hook.h"

/* Findings that are not approved and reach their threshold. */
unsigned hook_count_blocking(GPtrArray *findings, const struct hook_config *c);
/* Blocking findings that could not be checked (f->unchecked). */
unsigned hook_count_unchecked(GPtrArray *findings, const struct hook_config *c);
/* "2 findings widen exposure, 1 file could not be checked". New string. */
char *hook_verdict_text(unsigned blocking, unsigned unchecked);
/* Findings an approval suppressed. */
unsigned hook_count_approved(GPtrArray *findings);
/* Findings above info (the ones hook_print_findings() shows). */
unsigned hook_count_shown(GPtrArray *findings);
/* "ID1,ID2": the ids of the blocking findings. New string. */
char *hook_blocking_ids(GPtrArray *findings, const struct hook_config *c);

/* Commit signatures, checked by git once per commit and push. */
struct hook_signers {
	const struct hook_config *config; /* borrowed */
	GHashTable *cache;                /* hex id -> char * signer, or NULL */
};
void hook_signers_init(struct hook_signers *s, const struct hook_config *c);
void hook_signers_clear(struct hook_signers *s);
/* hook_vet.signed_by_approver for user_data a struct hook_signers *. */
bool hook_signers_check(const git_oid *commit, const char **who_out, void *user_data);

/*
 * Applies commit's "Exposure-Approved: ID REASON" trailers (git's trailer
 * rules) to the findings of net that this commit introduced (f->commit),
 * when the commit counts (hook_vet_commit_counts); names each id that
 * approved nothing in v->unmatched.
 */
void hook_vet_trailers(struct hook_vet *v, GPtrArray *net, git_commit *commit);
/* Refuses each inline comment approval written by someone who does not count. */
void hook_vet_comments(struct hook_vet *v, git_repository *repo, GPtrArray *findings);
/* Do all commits of v that change path count? *who_out: the last approver met. */
bool hook_vet_path_counts(struct hook_vet *v, git_repository *repo, const char *path,
                          const char **who_out);

/*
 * The repository git runs the hook in, from the environment (GIT_DIR,
 * GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES of the
 * quarantine, GIT_INDEX_FILE), or found from the current directory.
 */
bool hook_open_repo(git_repository **out, GError **error);

/* What every hook opens: the repository, its settings, the pack, a scanner. */
struct hook_session {
	git_repository *repo;
	struct hook_config config;
	struct rulepack *pack;
	struct scan *scan;
};

/*
 * Opens the repository from the environment, reads its driftwatch.*
 * settings (and config_file's, may be NULL), loads the pack at pack_path
 * with driftwatch.rules on it, and makes a scanner with the settings
 * applied. hook_session_clear() undoes what was done, on failure too.
 */
bool hook_session_open(struct hook_session *h, const char *pack_path, const char *config_file,
                       GError **error);
void hook_session_clear(struct hook_session *h);

struct hook_update {
	git_oid old_id;
	git_oid new_id;
	char *ref;     /* owned */
};

/* One push: its settings and what every ref came to. */
struct hook_push {
	struct hook_session h;
	enum hook_identity identity;
	const char *pusher;      /* from the identity's one variable, or NULL; borrowed */
	bool pusher_approves;
	GPtrArray *approve_ids;  /* char *: driftwatch.approve push options */
	GHashTable *used_ids;    /* ids an approval matched */
	const char *prefix;      /* "GL-HOOK-ERR: " on GitLab for rejections, else "" */
	struct hook_signers signers;
};

/*
 * One log line per decision to driftwatch.log (a file, or syslog). False,
 * with a warning on err, when it could not be written: the caller lets
 * driftwatch.onError decide.
 */
bool hook_log(struct hook_push *p, FILE *err, const struct hook_update *u, const char *verdict,
              GPtrArray *findings);

/* "To go ahead ..." with the real ids, the approvers and each way this server believes. */
void hook_print_ways(struct hook_push *p, FILE *err, GPtrArray *findings);

/*
 * Starts the watchdog that rejects the push (verdict, log lines for
 * updates, exit status 1) once it has run past driftwatch.maxSeconds or
 * its resident memory past driftwatch.maxMemory. Once per process.
 */
void hook_budget_start(const struct hook_push *p, GPtrArray *updates);
/* Ends the watchdog once the push is judged (joins its thread, frees its texts). */
void hook_budget_stop(void);

/*
 * What the gate cannot see (hook_unseen.c): raises links and submodules
 * at configuration paths to high, and adds a finding for a submodule
 * standing where a directory of configuration was (base -> target).
 */
bool hook_unseen(GPtrArray *findings, struct hook_session *h, const git_oid *base,
                 const git_oid *target, GError **error);

/* The tree id peels to; *out NULL for a NULL id. */
bool hook_tree_of(git_tree **out, git_repository *repo, const git_oid *id, GError **error);

struct policy;
/* The policy judging one update (hook_policy.c). */
struct hook_policy {
	bool changed;            /* the update changes .driftwatch.yml */
	bool authorised;         /* the pushed policy is the one in force */
	bool signed_off;         /* ... by an approver's signature */
	char *approved_by;       /* who made it take effect, or NULL */
	struct policy *old_p;    /* at the base, NULL when absent or malformed */
	struct policy *new_p;    /* at the target, likewise */
	GError *new_error;       /* why the pushed one is malformed */
	const struct policy *in_force; /* old_p or new_p (borrowed), or NULL */
};

/*
 * Chooses the policy for the update base -> target, pins it on h's
 * scanner, and keeps both sides for hook_policy_findings(). Nothing to do
 * when the server pins its own (driftwatch.policy).
 */
bool hook_policy_prepare(struct hook_policy *hp, struct hook_session *h, struct hook_vet *v,
                         const git_oid *base, const git_oid *target, GError **error);
/* Adds what the policy change itself says (DW-POLICY, DW-PARSE-001) and refuses
 * pushed approvals that did not take effect. */
void hook_policy_findings(struct hook_policy *hp, const struct rulepack *pack, struct hook_vet *v,
                          GPtrArray *findings);
/* "medium, from fail_on in .driftwatch.yml at the old tip". New string. */
char *hook_policy_threshold(const struct hook_policy *hp, const struct hook_config *c);
void hook_policy_clear(struct hook_policy *hp);

#endif
