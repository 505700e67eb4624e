/*
 * fuzz_bicep.c - libFuzzer harness for the Bicep parser and reader. The
 * input is split at a line "----" into main.bicep and a second file,
 * which the loader serves for every module and parameters file asked for
 * (so modules nest, recurse and are refused as cycles, and .bicepparam
 * files are parsed too). A parse either fails with a "main.bicep:..."
 * DW_ERROR or gives a tree whose every expression lies in the input;
 * every resource found is evaluated and printed.
 */
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "bicep.h"
#include "extract.h"
#include "fuzz_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_bicep_check_decl(const struct bicep_decl *d, size_t size, unsigned depth);

static void fuzz_bicep_check(const struct bicep_expr *e, size_t size, unsigned depth)
{
	if (e == NULL)
		return;
	if (e->line == 0 || e->start > size || e->end > size || depth > 4 * DW_LIMIT_DEPTH)
		__builtin_trap();
	if (e->kind == BICEP_OBJECT && e->n > 0 && e->keys == NULL)
		__builtin_trap();
	for (size_t i = 0; i < e->n; i++)
		fuzz_bicep_check(e->items[i], size, depth + 1);
	for (size_t i = 0; i < e->n_decls; i++)
		fuzz_bicep_check_decl(e->decls[i], size, depth + 1);
	fuzz_bicep_check(e->a, size, depth + 1);
	fuzz_bicep_check(e->b, size, depth + 1);
	fuzz_bicep_check(e->c, size, depth + 1);
}

static void fuzz_bicep_check_decl(const struct bicep_decl *d, size_t size, unsigned depth)
{
	if (d->line == 0 || (d->kind != BICEP_DECL_USING && d->name == NULL))
		__builtin_trap();
	fuzz_bicep_check(d->value, size, depth);
}

/* Every file asked for is the second part of the input. */
static GBytes *fuzz_bicep_load(const char *path, void *user_data)
{
	const GBytes *other = user_data;

	return other != NULL ? g_bytes_ref((GBytes *)other) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n----\n";
	const char *p = (const char *)data;
	const char *cut = size > 0 ? g_strstr_len(p, (gssize)size, sep) : NULL;
	size_t main_len = cut != NULL ? (size_t)(cut - p) : size;
	g_autoptr(GBytes) other = cut != NULL ? g_bytes_new(cut + strlen(sep), size - main_len - strlen(sep)) : NULL;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(bicep_file) f = NULL;
	g_autoptr(GError) error = NULL;

	if (!bicep_parse(&f, "main.bicep", p, main_len, &error)) {
		if (error == NULL || error->domain != DW_ERROR || !g_str_has_prefix(error->message, "main.bicep"))
			__builtin_trap();
		return 0;
	}
	for (guint i = 0; i < f->decls->len; i++)
		fuzz_bicep_check_decl(f->decls->pdata[i], main_len, 0);
	if (!extract_bicep(out, "main.bicep", p, main_len, fuzz_bicep_load, other, &error)) {
		if (error == NULL || error->domain != DW_ERROR || error->message == NULL)
			__builtin_trap();
		return 0;
	}
	fuzz_print_exposures(out);
	return 0;
}
