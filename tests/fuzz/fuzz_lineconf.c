/*
 * fuzz_lineconf.c - libFuzzer harness for the line-based service configs:
 * the first byte picks the dialect (redis.conf, sshd_config,
 * postgresql.conf, pg_hba.conf; or the YAML mongod.conf, kibana.yml), the
 * rest is the file. It is split by lineconf_parse(), then extracted as
 * that file, and every resource found
 * is evaluated and printed, so pg_hba.conf's first-match lists and the
 * set algebra run on whatever the reader made of hostile input.
 */
#include <glib.h>
#include <stdint.h>

#include "dw_error.h"
#include "extract.h"
#include "fuzz_extract.h"
#include "lineconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_lineconf_check(GError *error)
{
	g_assert(error && error->message && error->domain == DW_ERROR);
	g_assert(error->code == DW_ERROR_PARSE || error->code == DW_ERROR_LIMIT);
	g_error_free(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "cache/redis.conf", "ssh/sshd_config", "db/postgresql.conf",
	                                     "db/pg_hba.conf", "mongo/mongod.conf", "kb/kibana.yml" };
	static const enum lineconf_dialect dialects[] = { LINECONF_REDIS, LINECONF_SSHD, LINECONF_PG,
	                                                  LINECONF_HBA };
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	GPtrArray *lines = NULL;
	GError *error = NULL;
	unsigned which;

	if (size < 1)
		return 0;
	which = data[0] % G_N_ELEMENTS(paths);
	if (which >= G_N_ELEMENTS(dialects)) {
		/* mongod.conf, kibana.yml: YAML, extracted only. */
	} else if (lineconf_parse(&lines, paths[which], (const char *)data + 1, size - 1, dialects[which], &error)) {
		for (guint i = 0; i < lines->len; i++) {
			const struct lineconf_line *l = lines->pdata[i];
			char *text = lineconf_line_text(l, 0);

			g_assert(l->words->len > 0 && l->line >= 1);
			g_free(text);
		}
		g_ptr_array_unref(lines);
	} else {
		fuzz_lineconf_check(error);
		error = NULL;
	}
	if (!extract_file(out, paths[which], (const char *)data + 1, size - 1, &error)) {
		fuzz_lineconf_check(error);
		return 0;
	}
	fuzz_print_exposures(out);
	return 0;
}
