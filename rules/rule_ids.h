/*
 * rule_ids.h - one constant per rule id of rules/pack.yml, so that code
 * naming a rule names a declared object and a typo fails the build, and
 * the family each rule belongs to.
 *
 * A rule's condition is code and its severity and texts are data: adding
 * a rule to pack.yml means adding its line here too (test_finding checks
 * that the two lists are the same).
 */
#ifndef DW_RULE_IDS_H
#define DW_RULE_IDS_H

#include <stddef.h>

/* What a rule is about; a finding's family is its rule's. */
enum rule_family {
	RULE_FAMILY_UNKNOWN, /* an id this driftwatch does not know (an old alert) */
	RULE_FAMILY_NET,     /* DW-NET: who can reach what over the network */
	RULE_FAMILY_SET,     /* DW-SET: a service or resource setting */
	RULE_FAMILY_EVAL,    /* DW-EVAL: a value that cannot be known statically */
	RULE_FAMILY_PARSE,   /* DW-PARSE: a file that could not be checked */
	RULE_FAMILY_POLICY,  /* DW-POLICY: the repository policy itself */
};

/* X(CONSTANT, "ID", FAMILY) for every rule of rules/pack.yml, in its order. */
#define RULE_IDS(X) \
	X(RULE_NET_001, "DW-NET-001", RULE_FAMILY_NET) \
	X(RULE_NET_002, "DW-NET-002", RULE_FAMILY_NET) \
	X(RULE_NET_003, "DW-NET-003", RULE_FAMILY_NET) \
	X(RULE_NET_004, "DW-NET-004", RULE_FAMILY_NET) \
	X(RULE_NET_005, "DW-NET-005", RULE_FAMILY_NET) \
	X(RULE_NET_006, "DW-NET-006", RULE_FAMILY_NET) \
	X(RULE_NET_030, "DW-NET-030", RULE_FAMILY_NET) \
	X(RULE_NET_031, "DW-NET-031", RULE_FAMILY_NET) \
	X(RULE_NET_010, "DW-NET-010", RULE_FAMILY_NET) \
	X(RULE_NET_011, "DW-NET-011", RULE_FAMILY_NET) \
	X(RULE_NET_012, "DW-NET-012", RULE_FAMILY_NET) \
	X(RULE_NET_020, "DW-NET-020", RULE_FAMILY_NET) \
	X(RULE_NET_021, "DW-NET-021", RULE_FAMILY_NET) \
	X(RULE_NET_900, "DW-NET-900", RULE_FAMILY_NET) \
	X(RULE_SET_900, "DW-SET-900", RULE_FAMILY_SET) \
	X(RULE_SET_001, "DW-SET-001", RULE_FAMILY_SET) \
	X(RULE_SET_002, "DW-SET-002", RULE_FAMILY_SET) \
	X(RULE_SET_003, "DW-SET-003", RULE_FAMILY_SET) \
	X(RULE_SET_010, "DW-SET-010", RULE_FAMILY_SET) \
	X(RULE_SET_011, "DW-SET-011", RULE_FAMILY_SET) \
	X(RULE_SET_012, "DW-SET-012", RULE_FAMILY_SET) \
	X(RULE_SET_013, "DW-SET-013", RULE_FAMILY_SET) \
	X(RULE_SET_020, "DW-SET-020", RULE_FAMILY_SET) \
	X(RULE_SET_021, "DW-SET-021", RULE_FAMILY_SET) \
	X(RULE_SET_022, "DW-SET-022", RULE_FAMILY_SET) \
	X(RULE_SET_030, "DW-SET-030", RULE_FAMILY_SET) \
	X(RULE_SET_031, "DW-SET-031", RULE_FAMILY_SET) \
	X(RULE_EVAL_001, "DW-EVAL-001", RULE_FAMILY_EVAL) \
	X(RULE_PARSE_001, "DW-PARSE-001", RULE_FAMILY_PARSE) \
	X(RULE_PARSE_004, "DW-PARSE-004", RULE_FAMILY_PARSE) \
	X(RULE_PARSE_005, "DW-PARSE-005", RULE_FAMILY_PARSE) \
	X(RULE_PARSE_003, "DW-PARSE-003", RULE_FAMILY_PARSE) \
	X(RULE_PARSE_002, "DW-PARSE-002", RULE_FAMILY_PARSE) \
	X(RULE_POLICY_001, "DW-POLICY-001", RULE_FAMILY_POLICY) \
	X(RULE_POLICY_002, "DW-POLICY-002", RULE_FAMILY_POLICY) \
	X(RULE_POLICY_003, "DW-POLICY-003", RULE_FAMILY_POLICY) \
	X(RULE_POLICY_004, "DW-POLICY-004", RULE_FAMILY_POLICY) \
	X(RULE_POLICY_005, "DW-POLICY-005", RULE_FAMILY_POLICY)

#define RULE_IDS_DECLARE(name, text, family) extern const char name[];
RULE_IDS(RULE_IDS_DECLARE)
#undef RULE_IDS_DECLARE

/* Every rule id above, in order; rule_ids_count of them. */
extern const char *const rule_ids[];
extern const size_t rule_ids_count;

/* The family of a rule id; RULE_FAMILY_UNKNOWN for an id not above (or NULL). */
enum rule_family rule_family_of(const char *id);

#endif
