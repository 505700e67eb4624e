/*
 * fuzz_diff_files.c - libFuzzer harness for the whole `diff --files OLD
 * NEW` path: documents, extractors, set algebra, compare, classifier
 * with the real rule pack. Input: one byte picking the file name, two
 * bytes giving the old file's length (little-endian), the old file, then
 * the new file.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_pack.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gitwalk_file *fuzz_file(const char *path, const uint8_t *data, size_t len)
{
	struct gitwalk_file *f = g_new0(struct gitwalk_file, 1);

	f->path = g_strdup(path);
	f->data = g_bytes_new(data, len);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "infra/nsg.json", "cfn/sg.yaml", "es/elasticsearch.yml",
	                                     "os/opensearch.yml", "k8s/deploy.yaml",
	                                     "deploy/docker-compose.yml" };
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	struct gitwalk_change *c;
	const char *path;
	size_t old_len;
	scan *s;
	GError *error = NULL;

	if (size < 3)
		return 0;
	path = paths[data[0] % G_N_ELEMENTS(paths)];
	old_len = MIN((size_t)data[1] | (size_t)data[2] << 8, size - 3);
	c = g_new0(struct gitwalk_change, 1);
	c->old_file = fuzz_file(path, data + 3, old_len);
	c->new_file = fuzz_file(path, data + 3 + old_len, size - 3 - old_len);
	g_ptr_array_add(changes, c);
	s = scan_new(NULL, fuzz_pack());
	/* With no repository nothing can fail but git; every other problem is a finding. */
	if (!scan_changes(s, findings, changes, NULL, NULL, &error))
		g_error("scan failed: %s", error->message);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		g_assert(f->id && f->rule && f->message && f->file);
	}
	scan_free(s);
	return 0;
}
