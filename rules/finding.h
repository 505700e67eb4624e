/*
 * finding.h - a finding (DESIGN.md, "Findings"): what a change did, by
 * which rule, where, with the region it is about kept as exposure sets
 * so that consumers compare regions, not their printed text.
 *
 * Every finding is built by finding_new() (or finding_new_sets() for a
 * network region), which forms its stable id from what it is about;
 * finding_restore() rebuilds one read back from a report or the state
 * store, whose id is already formed.
 */
#ifndef DW_FINDING_H
#define DW_FINDING_H

#include <glib.h>
#include <stdbool.h>

#include "exposure.h"
#include "rule.h"

/* All strings and sets owned, unless said otherwise. */
struct finding {
	/* Stable short id, FINDING_ID_VERSION then 11 hex digits: a hash of
	 * rule + file + identity + region, so it belongs to one file. */
	char *id;
	/* The id as driftwatch formed it before (12 hex digits: rule +
	 * identity + region, no file), to recognise approvals written in that
	 * form; NULL when unknown. */
	char *old_id;
	const struct rule *rule; /* borrowed from the pack */
	enum severity severity;
	char *resource;    /* identity */
	char *kind;        /* "Azure NSG" */
	char *name;        /* display name of the resource */
	char *file;
	unsigned line;
	char *widened;     /* canonical set, or the setting as written */
	char *before;      /* what was let in before, on the same protocols and ports */
	char *after;       /* what is let in now on them (network findings), or NULL */
	/* The same three as sets, for a finding about a network region
	 * (widened, or narrowed for DW-NET-900); NULL for any other finding,
	 * and after_set NULL when after is. widened is
	 * exposure_to_string(widened_set), and so on. */
	exposure *widened_set;
	exposure *before_set;
	exposure *after_set;
	char *message;     /* one line: what is newly allowed, and what was before */
	/* The message's lead without its details ("Elasticsearch newly
	 * reachable from the Internet"), for a title; NULL when the message
	 * is its own lead. */
	char *headline;
	/* Could not be checked (a file that does not parse, content the
	 * readers cannot see): never reported as "widens exposure". */
	bool unchecked;
	/* A finding about a setting: its key ("auth", "bind", "public"), so
	 * that a later change of the same key can be told to close it. */
	char *setting_key;
	char *commit;      /* when the finding comes from a commit, else NULL */
	char *author;
	char *date;        /* ISO 8601 */
	char *subject;
	/* Set from the repository policy (policy.h) by the scan. */
	bool suppressed;   /* an unexpired approval covers it: shown, never counted */
	char *approval_reason;  /* when suppressed */
	char *approved_by;
	char *approval_expires; /* YYYY-MM-DD, the last day the approval holds */
	char *approval_comment; /* "file:line" of an inline driftwatch:allow comment */
	bool approval_at_push;  /* approved by a server approver's push option */
	bool has_policy_fail_on; /* the policy it was found under sets fail_on */
	enum severity policy_fail_on;
};

/* The letter that starts a finding id of the current form (12 characters:
 * "v" and 11 hex digits); an id of 12 hex digits is of the old form. */
#define FINDING_ID_VERSION 'v'

/*
 * A finding of rule (borrowed, not NULL) about resource (its identity)
 * in file (the path on the side the finding is about: the new one, or
 * the old one for a removal), at line 0. region is what it is about as
 * text (a set as printed, a setting as written, a word naming why a file
 * could not be checked): its id hashes rule, file, resource and region,
 * and widened is a copy of it. severity is the rule's; before is "";
 * every other field is empty for the caller to fill.
 */
struct finding *finding_new(const struct rule *rule, const char *resource, const char *file,
                            const char *region);

/*
 * finding_new() for a network region: widened (not NULL) is the region,
 * before what was let in on its protocols and ports before, after what
 * is now (or NULL). The sets are copied and printed into widened, before
 * and after; the id hashes the printed region.
 */
struct finding *finding_new_sets(const struct rule *rule, const char *resource, const char *file,
                                 const exposure *widened, const exposure *before,
                                 const exposure *after);

/*
 * A finding read back (a JSON report, the watcher's store) with the id
 * it was given then; rule may be NULL (a rule this pack does not have),
 * severity is the rule's or info. Every other field is empty.
 */
struct finding *finding_restore(const struct rule *rule, const char *id);

void finding_free(struct finding *f);
/* A deep copy of every field (the rule stays borrowed from the pack). */
struct finding *finding_copy(const struct finding *f);

/* The family of f's rule; RULE_FAMILY_UNKNOWN without one. */
enum rule_family finding_family(const struct finding *f);

/*
 * "approved by NAME until DATE: REASON" for a suppressed finding ("in
 * this commit" instead of a date for a commit trailer's approval, "by a
 * comment at FILE:LINE" for an inline one). New string, or NULL when f
 * is not suppressed.
 */
char *finding_approval_text(const struct finding *f);

/* "file:line", or "file" for a finding about a whole file (line 0). New string. */
char *finding_where(const char *file, unsigned line);

#endif
