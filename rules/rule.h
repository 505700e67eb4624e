/*
 * rule.h - a rule of the pack (rules/pack.yml): its id, family and
 * severity, and the texts shown with its findings.
 */
#ifndef DW_RULE_H
#define DW_RULE_H

#include <glib.h>
#include <stdbool.h>

#include "rule_ids.h"

enum severity {
	SEVERITY_INFO,
	SEVERITY_LOW,
	SEVERITY_MEDIUM,
	SEVERITY_HIGH,
	SEVERITY_CRITICAL,
};

/* "critical" -> SEVERITY_CRITICAL; false for any other word. */
bool severity_parse(enum severity *out, const char *text);
const char *severity_name(enum severity s);

struct rule {
	char *id;            /* "DW-NET-001", one of rule_ids.h */
	enum rule_family family; /* rule_family_of(id) */
	enum severity severity;
	char *title;
	char *rationale;
	char *remediation;
	GPtrArray *references; /* char * */
	unsigned line;       /* in the pack file */
};

#endif
