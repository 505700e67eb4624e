/*
 * hook.h - the git hook front-ends: the server gate (pre-receive), the
 * client hooks (pre-commit, pre-push) and their installer.
 *
 * A hook judges the net effect of each updated ref (old tip against new
 * tip, so a push that opens and closes a port passes), attributes every
 * widened region to the commit that introduced it, and answers with a
 * verdict on stderr that reads well behind "remote: ".
 *
 * Server settings live outside the pushed tree, in the repository's git
 * config or a file named by --config (hook_config.c), so that a pushed
 * .driftwatch.yml cannot switch off the gate that judges it.
 */
#ifndef DW_HOOK_H
#define DW_HOOK_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

#include "rulepack.h"
#include "scan.h"

/* Which kinds of approval a server believes (driftwatch.trust). */
enum hook_trust {
	HOOK_TRUST_PUSH_OPTION = 1 << 0, /* git push -o driftwatch.approve=ID by an approver */
	HOOK_TRUST_POLICY = 1 << 1,      /* "approvals:" in .driftwatch.yml */
	HOOK_TRUST_TRAILER = 1 << 2,     /* an Exposure-Approved: commit trailer */
	HOOK_TRUST_COMMENT = 1 << 3,     /* an inline "driftwatch:allow" comment */
	HOOK_TRUST_ALL = 0xf,
};

/*
 * Where the pusher's identity comes from: the one variable the hosting
 * server sets after authenticating the push, chosen when the hook is
 * installed (driftwatch hook pre-receive --identity MODE). Any other
 * variable is the pusher's to set, and is ignored.
 */
enum hook_identity {
	HOOK_IDENTITY_PLAIN,    /* the account the hook runs as (plain SSH, local pushes) */
	HOOK_IDENTITY_GITLAB,   /* GL_USERNAME */
	HOOK_IDENTITY_GITEA,    /* GITEA_PUSHER_NAME */
	HOOK_IDENTITY_GITOLITE, /* GL_USER */
};

/* "gitlab" -> HOOK_IDENTITY_GITLAB; false for an unknown word. */
bool hook_identity_parse(enum hook_identity *out, const char *text);
/* The pusher under mode, or NULL when the server did not say. Borrowed. */
const char *hook_identity_pusher(enum hook_identity mode);

/* The server's settings: the driftwatch.* keys of git config. */
struct hook_config {
	GPtrArray *guard;      /* char *: ref patterns (fnmatch), default refs/heads/ then a star */
	bool has_fail_on;      /* driftwatch.failOn given: it wins over the policy's fail_on */
	enum severity fail_on;
	GPtrArray *approvers;  /* char *: who may approve with a push option */
	unsigned trust;        /* enum hook_trust bits; default all */
	/* driftwatch.trust has "unverified": trailers, comments and policy
	 * entries count whoever wrote them (the behaviour before 0.9). */
	bool trust_unverified;
	bool guard_given;      /* driftwatch.guard set: only its patterns are judged */
	unsigned max_seconds;  /* driftwatch.maxSeconds: time budget of one push */
	size_t max_memory;     /* driftwatch.maxMemory: resident memory budget, bytes */
	bool fail_open;        /* driftwatch.onError=accept: internal errors accept, loudly */
	char *policy;          /* driftwatch.policy: the pinned .driftwatch.yml, or NULL */
	char *log;             /* driftwatch.log: a file, "syslog", or NULL */
	char *rules;           /* driftwatch.rules: a rule file layered on the pack, or NULL */
	size_t max_file_bytes; /* driftwatch.maxFileSize; 0: the default, 8 MiB */
};

/*
 * Reads the driftwatch.* keys of repo's config, then of file (a git
 * config file; may be NULL), which wins. Relative paths are taken from
 * the repository's git directory. Every problem (an unknown
 * driftwatch.* key, a bad value) is reported at once; a typo cannot open
 * the gate. Fills *c (hook_config_clear() frees it) on success only.
 */
bool hook_config_load(struct hook_config *c, git_repository *repo, const char *file,
                      GError **error);
void hook_config_clear(struct hook_config *c);
/* Is ref guarded? By default branches and tags are. */
bool hook_config_guards(const struct hook_config *c, const char *ref);
/* "alice, bob": the approvers, for messages. New string, "" when none. */
char *hook_config_approvers_text(const struct hook_config *c);
/* Is name in driftwatch.approver? */
bool hook_config_is_approver(const struct hook_config *c, const char *name);
/* Applies what the server trusts and pins to a scanner. */
bool hook_config_apply(const struct hook_config *c, struct scan *s, GError **error);

/*
 * Who may approve in one update, and what was found out about the
 * approvals met: what hook_judge() needs to tell an approval that counts
 * from one that does not.
 */
struct hook_vet {
	unsigned trust;        /* enum hook_trust bits */
	bool unverified;       /* approvals count whoever wrote them */
	bool pusher_approves;  /* the pusher is an approver */
	const char *pusher;    /* for messages, may be NULL; borrowed */
	/* Is commit signed by an approver's key? *who_out: that approver
	 * (borrowed from the callee). NULL: no signature counts. */
	bool (*signed_by_approver)(const git_oid *commit, const char **who_out, void *user_data);
	void *user_data;
	/* Filled by hook_judge(): struct finding * (of out) -> char * "not
	 * counted: ..." for an approval that did not count; char *: trailer
	 * ids that matched no finding of their commit. */
	GHashTable *not_counted;
	GPtrArray *unmatched;
	/* The commits of the update that hook_judge() walked (git_oid). */
	GArray *commits;
};

/* Sets up v's tables; hook_vet_clear() frees them. */
void hook_vet_init(struct hook_vet *v);
void hook_vet_clear(struct hook_vet *v);
/* Does an approval made in commit (a trailer, a comment it added) count? who_out: by whom. */
bool hook_vet_commit_counts(struct hook_vet *v, const git_oid *commit, const char **who_out);
/* Records that f's approval does not count, and un-suppresses f. */
void hook_vet_refuse(struct hook_vet *v, struct finding *f, const char *what);

/*
 * The net findings (struct finding *) of moving a ref from base (NULL:
 * the empty tree) to target, appended to out. target and base are any
 * object that peels to a tree (a commit, an annotated tag). When there are
 * findings above info, each is attributed to the first commit of the
 * update that widened the same resource the same way (its commit fields
 * are set); a commit's Exposure-Approved trailers apply, when v trusts
 * them, to the findings that commit introduced, and inline comments are
 * vetted (v says whose count). Fails when an object cannot be read.
 */
bool hook_judge(GPtrArray *out, struct scan *s, git_repository *repo, const git_oid *base,
                const git_oid *target, struct hook_vet *v, GError **error);

/*
 * The base a new ref is judged against: its merge base with the commit
 * of default_ref (a branch name such as "HEAD" or
 * "refs/remotes/origin/HEAD"), or NULL (*out untouched) for the empty tree
 * when there is none.
 */
bool hook_new_ref_base(git_oid *out, bool *found_out, git_repository *repo, const git_oid *target,
                       const char *default_ref, GError **error);

/* The threshold for f: the server's when set, else its policy's, else high. */
enum severity hook_threshold(const struct hook_config *c, const struct finding *f);

/*
 * Prints findings to out, one block each, every line starting with
 * prefix; info findings are left out. notes (may be NULL) maps a finding
 * to a line said under it (an approval that did not count). Strings from
 * the repository are escaped.
 */
void hook_print_findings(FILE *out, const char *prefix, GPtrArray *findings,
                         const struct hook_config *c, GHashTable *notes);

/*
 * driftwatch hook pre-receive: reads every "<old> <new> <ref>" line of
 * in before any work, judges each guarded update, prints the verdict to
 * err and returns the exit status for git (0 accept, 1 reject). config
 * (may be NULL) is --config.
 */
int hook_pre_receive(FILE *in, FILE *err, const char *rules_path, const char *config,
                     enum hook_identity identity);

/* driftwatch hook pre-commit: the staged changes against HEAD. */
int hook_pre_commit(FILE *err, const char *rules_path);

/* driftwatch hook pre-push REMOTE [URL]: what is about to be pushed (read from in). */
int hook_pre_push(FILE *in, FILE *err, const char *rules_path, const char *remote);

/* What install-hook installs, and where. */
enum hook_install_kind {
	HOOK_INSTALL_SERVER,
	HOOK_INSTALL_CLIENT,
};
enum hook_install_host {
	HOOK_HOST_AUTO,   /* plain git, or the layout the repository already uses */
	HOOK_HOST_GITLAB, /* custom_hooks/pre-receive.d/ */
	HOOK_HOST_GITEA,  /* hooks/pre-receive.d/ */
	HOOK_HOST_GITOLITE, /* hooks/pre-receive, the pusher from GL_USER */
};
struct hook_install_options {
	enum hook_install_kind kind;
	enum hook_install_host host;
	const char *repo;     /* a repository path, or NULL for the current one */
	const char *exe;      /* the driftwatch binary the hook runs (absolute) */
	bool force;           /* replace an existing hook */
	/* GitLab 15.11+: write the archive `gitaly hooks set` takes here,
	 * instead of writing into the repository. */
	const char *tarball;
};

/*
 * Writes the hook scripts and sets the git config they need
 * (receive.advertisePushOptions=true for a server), printing each step to
 * out. Never replaces an existing hook that is not ours without force.
 */
bool hook_install(const struct hook_install_options *o, FILE *out, GError **error);

#endif
