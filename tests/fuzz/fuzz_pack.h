/*
 * fuzz_pack.h - the real rule pack (pack.yml of this source tree,
 * DW_SOURCE_RULES), loaded once for every input of a harness that needs
 * it (fuzz_diff_files, fuzz_policy, fuzz_audit_cache).
 */
#ifndef DW_FUZZ_PACK_H
#define DW_FUZZ_PACK_H

#include <glib.h>

#include "rulepack.h"

static inline struct rulepack *fuzz_pack(void)
{
	static struct rulepack *pack;
	GError *error = NULL;

	if (!pack && !rulepack_load(&pack, DW_SOURCE_RULES, &error))
		g_error("%s", error->message);
	return pack;
}

#endif
