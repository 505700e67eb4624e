/*
 * fuzz_tf.c - libFuzzer harness for the Terraform module extractor and
 * evaluator: the input is split at lines "----" into up to four files of
 * one module (two .tf files, terraform.tfvars, an *.auto.tfvars), so that
 * references, variables and locals cross files. Every resource found is
 * evaluated and printed, so the set algebra runs on whatever the
 * extractor made of hostile input. Every module call with a local
 * source is served the second file, so calls nest and recurse.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "extract.h"
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any module directory holds the second file (user_data), under its own path. */
static bool fuzz_tf_load(GArray *out, const char *dir, void *user_data)
{
	const struct extract_tf_file *f = user_data;
	struct extract_tf_file copy = *f;

	copy.path = "m/called.tf";
	g_array_append_val(out, copy);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "m/main.tf", "m/rules.tf", "m/terraform.tfvars",
	                                     "m/x.auto.tfvars" };
	static const char sep[] = "\n----\n";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct extract_tf_file files[G_N_ELEMENTS(paths)];
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0;
	char *failed = NULL;
	GError *error = NULL;

	while (n < G_N_ELEMENTS(paths)) {
		const char *cut = n + 1 < G_N_ELEMENTS(paths) ? g_strstr_len(p, end - p, sep) : NULL;

		files[n].path = paths[n];
		files[n].data = p;
		files[n].len = (size_t)((cut ? cut : end) - p);
		n++;
		if (!cut)
			break;
		p = cut + strlen(sep);
	}
	struct extract_tf_options opts = { fuzz_tf_load, NULL };

	opts.user_data = &files[n > 1 ? 1 : 0];
	if (!extract_tf_module_with(out, "m", files, n, &opts, &failed, &error)) {
		g_assert(error && error->message && failed);
		g_error_free(error);
		g_free(failed);
		return 0;
	}
	g_assert(!error && !failed);
	fuzz_print_exposures(out);
	return 0;
}
