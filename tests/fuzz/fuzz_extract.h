/*
 * fuzz_extract.h - what the extractor harnesses (fuzz_extract, fuzz_tf,
 * fuzz_lineconf) do with the resources a file gave: evaluate and print
 * each one's exposure, so the sets they build are exercised too.
 */
#ifndef DW_FUZZ_EXTRACT_H
#define DW_FUZZ_EXTRACT_H

#include <glib.h>

#include "extract.h"

static inline void fuzz_print_exposures(GPtrArray *resources)
{
	for (guint i = 0; i < resources->len; i++) {
		exposure *e = resource_exposure(resources->pdata[i]);
		char *text = exposure_to_string(e);

		g_assert(text);
		g_free(text);
		exposure_free(e);
	}
}

#endif
