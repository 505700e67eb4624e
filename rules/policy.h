/*
 * policy.h - a repository's own policy, .driftwatch.yml at its root, read
 * at the revision being analysed: trusted networks, a threshold, ignored
 * paths, per-rule overrides and approvals that expire.
 *
 * The policy cannot loosen itself silently: policy_loosening() compares
 * the policy before and after a change and reports what it widened.
 */
#ifndef DW_POLICY_H
#define DW_POLICY_H

#include <glib.h>
#include <stdbool.h>

#include "exposure.h"
#include "rulepack.h"

/* The policy file, relative to the repository root. */
#define POLICY_PATH ".driftwatch.yml"

/* One entry of a list of strings, with its line. */
struct policy_item {
	char *text;            /* owned */
	unsigned line;
};

/* One entry of "rules:". */
struct policy_rule {
	char *id;              /* owned */
	bool off;              /* disabled */
	enum severity severity; /* the override when not off */
	unsigned line;
};

/* One entry of "approvals:": by finding id, or by rule and resource. */
struct policy_approval {
	char *finding;         /* finding id, lowercase, or NULL; owned. An id of the
	                        * old form (12 hex digits) matches no finding. */
	char *rule;            /* with resource, when finding is NULL; owned */
	char *resource;        /* owned */
	char *reason;          /* owned */
	char *approved_by;     /* owned */
	char *expires;         /* "YYYY-MM-DD", the last day it holds; owned */
	GDate expires_date;
	unsigned line;
};

struct policy {
	char *path;            /* for messages; owned */
	srcset *trusted;       /* trusted networks (addresses and atoms) */
	GPtrArray *trusted_items; /* struct policy_item *: each entry as written */
	bool has_fail_on;
	enum severity fail_on;
	unsigned fail_on_line;
	GPtrArray *ignore;     /* struct policy_item *: globs, see policy_glob_match() */
	GPtrArray *rules;      /* struct policy_rule * */
	GPtrArray *approvals;  /* struct policy_approval * */
};

/*
 * Parses a policy (len bytes of YAML). pack (may be NULL) is used to
 * check the rule ids named under "rules:". Every problem is reported, as
 * "path:line: what", all of them in one DW_ERROR_PARSE error (one per
 * line); unknown keys are problems, so a typo cannot disable the gate. An
 * empty file is an empty policy. The caller owns *out.
 */
bool policy_parse(struct policy **out, const char *path, const char *data, size_t len,
                  const struct rulepack *pack, GError **error);
/* An empty policy (nothing trusted, ignored, overridden or approved). */
struct policy *policy_new(const char *path);
void policy_free(struct policy *p);
typedef struct policy policy;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(policy, policy_free)

/*
 * Glob match against a whole '/'-separated path from the repository root:
 * a star is any run of characters but '/', "?" one character but '/', and
 * a double star standing as a whole path segment is any number of
 * segments, none included (so "infra/" then a double star is everything
 * under infra); a double star inside a segment is a single star.
 * Everything else, "[" included, is literal. README.md has examples.
 */
bool policy_glob_match(const char *pattern, const char *path);

/* Is path ignored by "ignore_paths:"? p may be NULL. */
bool policy_ignores(const struct policy *p, const char *path);

/* Today: $DRIFTWATCH_TODAY (YYYY-MM-DD, for tests) or the local date. */
bool policy_today(GDate *out, GError **error);

/*
 * Applies p to findings (struct finding *), in place: drops findings of
 * rules turned off, changes severities, and marks as suppressed those an
 * approval covers that has not expired on today. An approval that covers
 * a finding but has expired suppresses nothing and adds a DW-POLICY-003
 * finding naming it. An approval written with an old-form id (rulepack.h)
 * suppresses nothing; when it would have covered findings, a DW-POLICY-005
 * finding names it and them. Findings of DW-POLICY rules are left alone.
 */
void policy_apply(const struct policy *p, const struct rulepack *pack, GPtrArray *findings,
                  const GDate *today);

/*
 * Suppresses the finding whose id is finding_id among findings from index
 * start on, approved by approved_by for reason, with no expiry: an
 * Exposure-Approved commit trailer, which holds for its commit only.
 * Findings of DW-POLICY rules are left alone. Returns whether one matched.
 */
bool policy_approve_finding(GPtrArray *findings, guint start, const char *finding_id,
                            const char *reason, const char *approved_by);

/*
 * Appends a finding for each way new_p loosens old_p (either may be
 * NULL, an absent policy): a trusted network added that was part of the
 * pack's Internet (DW-POLICY-001); a
 * rule turned off or lowered, fail_on raised, a path ignored
 * (DW-POLICY-002); an approval added (DW-POLICY-004); an approval still
 * written with an old-form finding id (DW-POLICY-005, unless out has one
 * for it already). Removing an entry, or the whole file, is judged the
 * same way: a fail_on or a raised severity taken away is DW-POLICY-002.
 */
void policy_loosening(GPtrArray *out, const struct rulepack *pack, const struct policy *old_p,
                      const struct policy *new_p);

/* The first approval of p that covers f (by id, or by rule and resource), or NULL. Borrowed. */
const struct policy_approval *policy_find_approval(const struct policy *p, const struct finding *f);
/* Does p hold the same approval as a (target, approver and expiry)? */
bool policy_has_approval(const struct policy *p, const struct policy_approval *a);

#endif
