/*
 * rule_ids.c - the rule id constants of rule_ids.h and their families.
 */
#include "rule_ids.h"

#include <string.h>

#define RULE_IDS_DEFINE(name, text, family) const char name[] = text;
RULE_IDS(RULE_IDS_DEFINE)
#undef RULE_IDS_DEFINE

#define RULE_IDS_ENTRY(name, text, family) name,
const char *const rule_ids[] = { RULE_IDS(RULE_IDS_ENTRY) };
#undef RULE_IDS_ENTRY

const size_t rule_ids_count = sizeof(rule_ids) / sizeof(rule_ids[0]);

#define RULE_IDS_FAMILY(name, text, family) family,
static const enum rule_family rule_ids_families[] = { RULE_IDS(RULE_IDS_FAMILY) };
#undef RULE_IDS_FAMILY

enum rule_family rule_family_of(const char *id)
{
	for (size_t i = 0; id && i < rule_ids_count; i++) {
		if (strcmp(id, rule_ids[i]) == 0)
			return rule_ids_families[i];
	}
	return RULE_FAMILY_UNKNOWN;
}
