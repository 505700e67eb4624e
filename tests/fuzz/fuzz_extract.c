/*
 * fuzz_extract.c - libFuzzer harness for the extractors: the first byte
 * picks the file name (ARM JSON, CloudFormation YAML, elasticsearch.yml,
 * a Kubernetes manifest, a compose file),
 * the rest is the file. Every resource found is evaluated and printed, so
 * the set algebra runs on whatever the extractors made of hostile input.
 */
#include <glib.h>
#include <stdint.h>

#include "extract.h"
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "infra/nsg.json", "cfn/sg.yaml", "es/elasticsearch.yml",
	                                     "os/opensearch.yml", "k8s/deploy.yaml",
	                                     "deploy/docker-compose.yml" };
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	GError *error = NULL;

	if (size < 1)
		return 0;
	if (!extract_file(out, paths[data[0] % G_N_ELEMENTS(paths)], (const char *)data + 1, size - 1,
	                  &error)) {
		g_assert(error && error->message);
		g_error_free(error);
		return 0;
	}
	g_assert(!error);
	resources_join(out);
	fuzz_print_exposures(out);
	return 0;
}
