/*
 * fuzz_audit_cache.c - libFuzzer harness for the audit cache's row
 * decoder: the input is the findings column of a row, read back from a
 * file on disk that may be damaged or hostile. Any bytes either fail,
 * leaving the output as it was, or give findings that each have an id and
 * a rule of the pack and that pack back to the very same bytes: the
 * decoder accepts only what the packer writes.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "audit_cache.h"
#include "fuzz_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rulepack *pack = fuzz_pack();
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GBytes) packed = NULL;

	/* A finding already there stays, whatever the row holds. */
	g_ptr_array_add(found, finding_restore(rulepack_rule(pack, "DW-NET-003"), "v0123456789a"));
	if (!audit_cache_row_unpack(found, pack, data, size)) {
		if (found->len != 1)
			__builtin_trap();
		return 0;
	}
	g_ptr_array_remove_index(found, 0);
	for (guint i = 0; i < found->len; i++) {
		const struct finding *f = found->pdata[i];

		if (!f->id || !f->rule || f->commit)
			__builtin_trap();
	}
	packed = audit_cache_row_pack(found);
	if (!packed || g_bytes_get_size(packed) != size ||
	    memcmp(g_bytes_get_data(packed, NULL), data, size) != 0)
		__builtin_trap();
	return 0;
}
