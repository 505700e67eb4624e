/*
 * test_blob.c - a configuration file's bytes before a reader sees them:
 * UTF-16 decoded, content no reader takes refused as "could not be
 * checked" (git/blob.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "blob.h"
#include "dw_error.h"

static GBytes *bytes(const char *data, size_t len)
{
	return g_bytes_new(data, len);
}

/* blob_text on len bytes of data: the result as a string, or NULL with *error. */
static char *text_of(const char *data, size_t len, GError **error)
{
	g_autoptr(GBytes) b = bytes(data, len);
	gsize n = 0;
	const char *p;

	if (!blob_text(&b, "t.json", error))
		return NULL;
	p = g_bytes_get_data(b, &n);
	return g_strndup(p, n);
}

static void test_blob__utf16_with_bom_is_decoded(void **state)
{
	static const char le[] = "\xff\xfe{\0\"\0a\0\"\0:\0 \0\x31\0}\0";
	static const char be[] = "\xfe\xff\0{\0\"\0a\0\"\0:\0 \0\x31\0}";
	g_autofree char *a = text_of(le, sizeof(le) - 1, NULL);
	g_autofree char *b = text_of(be, sizeof(be) - 1, NULL);

	assert_string_equal(a, "{\"a\": 1}");
	assert_string_equal(b, "{\"a\": 1}");
}

static void test_blob__utf8_is_untouched(void **state)
{
	static const char plain[] = "a: \xc3\xa9\nb: 1\n";
	static const char nul[] = "a: 1\nb\0: 2\n";
	g_autofree char *a = text_of(plain, sizeof(plain) - 1, NULL);
	g_autofree char *b = text_of(nul, sizeof(nul) - 1, NULL);

	assert_string_equal(a, plain);
	/* A stray NUL is the reader's to refuse, at its line. */
	assert_non_null(b);
}

static void test_blob__lfs_pointer_fails(void **state)
{
	static const char lfs[] = "version https://git-lfs.github.com/spec/v1\n"
	                          "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
	                          "size 12345\n";
	g_autoptr(GError) error = NULL;

	assert_null(text_of(lfs, sizeof(lfs) - 1, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_non_null(strstr(error->message, "t.json: could not be checked: a Git LFS pointer"));
}

static void test_blob__other_encodings_fail(void **state)
{
	static const char utf32[] = "\xff\xfe\0\0{\0\0\0}\0\0\0";
	static const char nobom[] = "{\0\"\0a\0\"\0:\0 \0\x31\0}\0";
	static const char bad16[] = "\xff\xfe\x00\xd8";
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;

	assert_null(text_of(utf32, sizeof(utf32) - 1, &e1));
	assert_non_null(strstr(e1->message, "UTF-32"));
	assert_null(text_of(nobom, sizeof(nobom) - 1, &e2));
	assert_non_null(strstr(e2->message, "UTF-16 without a byte order mark"));
	/* A lone surrogate is not UTF-16. */
	assert_null(text_of(bad16, sizeof(bad16) - 1, &e3));
	assert_true(g_error_matches(e3, DW_ERROR, DW_ERROR_LIMIT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob__utf16_with_bom_is_decoded),
		cmocka_unit_test(test_blob__utf8_is_untouched),
		cmocka_unit_test(test_blob__lfs_pointer_fails),
		cmocka_unit_test(test_blob__other_encodings_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
