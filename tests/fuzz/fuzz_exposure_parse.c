/*
 * fuzz_exposure_parse.c - libFuzzer harness for exposure_parse(): any
 * bytes either fail with DW_ERROR_PARSE or give a set whose canonical text
 * parses back to an equal set and prints identically. Build by hand, e.g.:
 *   clang -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
 *     -Idiff tests/fuzz/fuzz_exposure_parse.c diff/exposure*.c diff/dw_error.c \
 *     $(pkg-config --cflags --libs glib-2.0)
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dw_error.h"
#include "exposure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;

	if (size > (1u << 16))
		return 0;
	text = g_malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	g_autoptr(exposure) e = exposure_parse(text, &error);
	if (!e) {
		if (!g_error_matches(error, DW_ERROR, DW_ERROR_PARSE) || error->message[0] == '\0')
			__builtin_trap();
		return 0;
	}
	if (error)
		__builtin_trap();

	g_autofree char *printed = exposure_to_string(e);
	g_autoptr(exposure) back = exposure_parse(printed, NULL);
	if (!back || !exposure_equal(back, e))
		__builtin_trap();
	g_autofree char *again = exposure_to_string(back);
	if (strcmp(again, printed) != 0)
		__builtin_trap();
	return 0;
}
