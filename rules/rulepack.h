/*
 * rulepack.h - the rule pack (rules/pack.yml, data) and the classifier
 * that turns compared resources into findings with a severity.
 *
 * Which address space is the Internet, which ports are sensitive, and the
 * id, severity and texts of every rule are data; only the conditions a
 * rule id stands for are code.
 */
#ifndef DW_RULEPACK_H
#define DW_RULEPACK_H

#include <glib.h>
#include <stdbool.h>

#include "compare.h"
#include "exposure.h"
#include "finding.h"
#include "rule.h"
#include "rule_ids.h"

struct sensitive_port {
	char *service;       /* "Elasticsearch" */
	char *kind;          /* "datastore", "admin" */
	exposure *ports;     /* those ports from every address */
	GPtrArray *settings; /* char *: services whose settings files govern it */
};

/*
 * A grade of public sources by size (pack.yml "public_sources"): public
 * sources newly let in on a port that number no more than one /ipv4
 * (IPv4) and one /ipv6 (IPv6) are this grade, not the Internet. Its
 * findings say "from NAME" and take the rule mapped from each Internet
 * rule (DW-NET-001 -> DW-NET-030); an Internet rule not mapped stays.
 */
struct public_grade {
	char *name;          /* "specific public sources" */
	unsigned v4_prefix;  /* 0..32 */
	unsigned v6_prefix;  /* 0..128 */
	GHashTable *rules;   /* Internet rule id -> this grade's rule id; char *, owned */
};

struct rulepack {
	char *path;
	GPtrArray *rules;      /* struct rule * */
	GPtrArray *sensitive;  /* struct sensitive_port * */
	srcset *internet;      /* every address minus the pack's "not" list */
	exposure *sensitive_all; /* union of the sensitive ports, every address */
	exposure *web;         /* public web ports, every address */
	exposure *portless;    /* every protocol without ports, every address */
	exposure *settings_ports; /* the sensitive ports of services with settings files */
	unsigned wide_range;   /* ports of one protocol from which a range is wide (DW-NET-006) */
	GPtrArray *public_grades; /* struct public_grade *, tried in order; may be empty */
	/* SHA-256 (hex) over the bytes of every file loaded into the pack, in
	 * order: equal digests judge alike (the audit cache's key). */
	char *digest;
};

/*
 * Loads a pack file. Every problem is reported with path:line, all of
 * them in one error (one per line).
 */
bool rulepack_load(struct rulepack **out, const char *path, GError **error);
void rulepack_free(struct rulepack *p);

/*
 * Layers a user's rule file (same schema, every part optional) on p:
 * "sensitive:" entries are appended, "internet: not:" entries excluded
 * too, and a rule of p may change its severity and texts. A rule id p
 * does not have is an error: a rule's condition is code. Every problem
 * is reported with path:line, all of them in one error; p is unchanged
 * on error.
 */
bool rulepack_overlay(struct rulepack *p, const char *path, GError **error);

typedef struct rulepack rulepack;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(rulepack, rulepack_free)

/* The rule with this id, or NULL. Borrowed from the pack. */
const struct rule *rulepack_rule(const struct rulepack *p, const char *id);

/*
 * The default pack: $DRIFTWATCH_RULES if set, else rules/pack.yml beside
 * the source tree when run from a build directory (exe_dir/../rules or
 * the source dir meson recorded), else the installed data dir.
 */
char *rulepack_default_path(const char *exe_path);

/*
 * A finding of rule_id about resource at file:line, whose stable id
 * hashes rule, resource and region; message is taken. For findings that
 * come from no compared resource (the repository policy).
 */
struct finding *rulepack_finding_new(const struct rulepack *p, const char *rule_id,
                                     const char *resource, const char *file, unsigned line,
                                     const char *region, char *message);

/*
 * Context the classifier cannot see in a single change: for correlating a
 * network exposure with a data store's settings across the repository.
 */
struct classify_context {
	/* Resources of the whole repository at the new revision with service
	 * settings (elasticsearch.yml...), or NULL when not loaded. */
	GPtrArray *settings_resources;
	/* The exposure of the whole repository at the new revision (union
	 * of every resource) on the pack's settings_ports, or NULL when not
	 * loaded. */
	const exposure *surface;
	/* The Internet for this comparison (the pack's minus the repository's
	 * trusted networks), or NULL for the pack's. */
	const srcset *internet;
	/* The network rule lists of the whole repository at the new revision
	 * (every other resource), to name the one that exposes a service
	 * whose settings changed; NULL when not loaded. */
	GPtrArray *network_resources;
};

/*
 * Appends findings (struct finding *) for one change. ctx may be NULL.
 * Findings with severity info are produced too; the caller filters.
 */
void rulepack_classify(GPtrArray *out, const struct rulepack *p, const struct compare_change *c,
                       const struct classify_context *ctx);

/*
 * A finding for a file that could not be checked, with nothing to compare
 * it with: DW-PARSE-001, or DW-PARSE-003 for a template (error
 * DW_ERROR_UNKNOWN_VALUE), DW-PARSE-005 for a file no reader takes
 * (DW_ERROR_NOT_READ). unchecked is set.
 */
struct finding *rulepack_parse_failure(const struct rulepack *p, const GError *error,
                                       const char *file);
/*
 * The same for one side of a change, graded by what it can hide
 * (DESIGN.md, "Findings"): a file (Terraform: its module) that was read at
 * the parent and cannot be now is DW-PARSE-001 (high), whatever the
 * error; one never readable (unreadable at the parent too, or new) is
 * DW-PARSE-004 (medium), DW-PARSE-003 or DW-PARSE-005 as above, with an id
 * that names only the rule and the file, so that it is one finding per
 * file however its error changes.
 */
struct finding *rulepack_parse_failure_graded(const struct rulepack *p, const GError *error,
                                              const char *file, bool was_readable);

/* A finding for a config path holding a symlink or a submodule (DW-PARSE-002). */
struct finding *rulepack_not_followed(const struct rulepack *p, const char *file, bool symlink);

/* Does this change need the repository-wide context to be classified? */
bool rulepack_needs_context(const struct rulepack *p, const struct compare_change *c);

#endif
