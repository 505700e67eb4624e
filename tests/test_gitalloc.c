/*
 * test_gitalloc.c - libgit2's allocator with its large buffers apart
 * (git/gitalloc.c): contents kept across every kind of move, kept blocks
 * reused and bounded, two threads at once, and libgit2 itself reading
 * through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gitalloc.h"

#define THRESHOLD ((size_t)16 << 10)

/* The byte at offset i of a slot filled for (tag). */
static unsigned char pattern(uint32_t tag, size_t i)
{
	return (unsigned char)((tag * 2654435761u + i * 40503u) >> 7);
}

static void fill(unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(tag, i);
}

static void check(const unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != pattern(tag, i))
			fail_msg("byte %zu of %zu: %u, not %u", i, n, p[i], pattern(tag, i));
	}
}

struct slot {
	unsigned char *p;
	size_t n;
	uint32_t tag;
};

/* Random sizes on both sides of the threshold: most small, some large. */
static size_t some_size(GRand *r)
{
	switch (g_rand_int_range(r, 0, 4)) {
	case 0:
		return (size_t)g_rand_int_range(r, 0, 64);
	case 1:
		return (size_t)g_rand_int_range(r, 64, (gint32)THRESHOLD);
	default:
		return (size_t)g_rand_int_range(r, (gint32)THRESHOLD - 16, (gint32)(THRESHOLD * 20));
	}
}

/* 20,000 random mallocs, callocs, reallocs (growing, shrinking, crossing
 * the threshold both ways) and frees over 48 slots: every byte written is
 * read back, and calloc's memory is zero even from a kept (dirty) block. */
static void test_gitalloc__contents_survive_every_move(void **state)
{
	const git_allocator *a = gitalloc_allocator();
	g_autoptr(GRand) r = g_rand_new_with_seed(7);
	struct slot slots[48] = { 0 };
	struct gitalloc_stats st;
	uint32_t tags = 1;

	(void)state;
	gitalloc_configure(THRESHOLD, (size_t)1 << 20);
	for (int op = 0; op < 20000; op++) {
		struct slot *s = &slots[g_rand_int_range(r, 0, G_N_ELEMENTS(slots))];
		size_t n = some_size(r);

		if (s->p)
			check(s->p, s->n, s->tag);
		switch (g_rand_int_range(r, 0, 4)) {
		case 0: /* realloc, keeping the common prefix */
			s->p = a->grealloc(s->p, n, __FILE__, __LINE__);
			assert_non_null(s->p);
			check(s->p, MIN(n, s->n), s->tag);
			s->n = n;
			fill(s->p, n, s->tag = tags++);
			break;
		case 1:
			a->gfree(s->p);
			s->p = a->gcalloc(n, 1, __FILE__, __LINE__);
			assert_non_null(s->p);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(s->p[i], 0);
			s->n = n;
			fill(s->p, n, s->tag = tags++);
			break;
		case 2:
			a->gfree(s->p);
			s->p = a->gmalloc(n, __FILE__, __LINE__);
			assert_non_null(s->p);
			s->n = n;
			fill(s->p, n, s->tag = tags++);
			break;
		default:
			a->gfree(s->p);
			*s = (struct slot){ 0 };
			break;
		}
	}
	for (size_t i = 0; i < G_N_ELEMENTS(slots); i++) {
		if (slots[i].p)
			check(slots[i].p, slots[i].n, slots[i].tag);
		a->gfree(slots[i].p);
	}
	gitalloc_get_stats(&st);
	assert_int_equal(st.large_bytes, 0);
	assert_true(st.reused > 0);
	assert_true(st.kept_bytes <= (size_t)1 << 20);
}

/* A large buffer freed and asked for again is the same block, already
 * mapped; what is kept stays within its bound. */
static void test_gitalloc__blocks_are_reused_within_a_bound(void **state)
{
	const git_allocator *a = gitalloc_allocator();
	struct gitalloc_stats before, after;
	void *many[12];

	(void)state;
	gitalloc_configure(THRESHOLD, (size_t)256 << 10);
	gitalloc_get_stats(&before);
	for (int i = 0; i < 100; i++) {
		void *p = a->gmalloc(100 << 10, __FILE__, __LINE__);

		assert_non_null(p);
		memset(p, i, 100 << 10);
		a->gfree(p);
	}
	gitalloc_get_stats(&after);
	assert_int_equal(after.mapped - before.mapped, 1);
	assert_int_equal(after.reused - before.reused, 99);

	for (size_t i = 0; i < G_N_ELEMENTS(many); i++)
		assert_non_null(many[i] = a->gmalloc(100 << 10, __FILE__, __LINE__));
	gitalloc_get_stats(&after);
	assert_int_equal(after.large_bytes, G_N_ELEMENTS(many) * (size_t)(128 << 10));
	for (size_t i = 0; i < G_N_ELEMENTS(many); i++)
		a->gfree(many[i]);
	gitalloc_get_stats(&after);
	assert_int_equal(after.large_bytes, 0);
	assert_int_equal(after.kept_bytes, (size_t)256 << 10);

	/* Off: every allocation is malloc's, and nothing is mapped. */
	gitalloc_configure((size_t)-1, 0);
	gitalloc_get_stats(&before);
	a->gfree(a->gmalloc(1 << 20, __FILE__, __LINE__));
	gitalloc_get_stats(&after);
	assert_int_equal(after.mapped, before.mapped);
	assert_int_equal(after.kept_bytes, 0);
}

static void test_gitalloc__strings_and_overflow(void **state)
{
	const git_allocator *a = gitalloc_allocator();
	char *s;

	(void)state;
	gitalloc_configure(THRESHOLD, 0);
	s = a->gstrndup("abcdef", 3, __FILE__, __LINE__);
	assert_string_equal(s, "abc");
	a->gfree(s);
	s = a->gstrndup("ab", 10, __FILE__, __LINE__);
	assert_string_equal(s, "ab");
	a->gfree(s);
	s = a->gsubstrdup("abcdef", 4, __FILE__, __LINE__);
	assert_string_equal(s, "abcd");
	a->gfree(s);
	s = a->gstrdup("x", __FILE__, __LINE__);
	assert_string_equal(s, "x");
	a->gfree(s);
	assert_null(a->gcalloc(SIZE_MAX / 2, 4, __FILE__, __LINE__));
	assert_null(a->gmallocarray(SIZE_MAX / 2, 3, __FILE__, __LINE__));
	assert_null(a->gmalloc(SIZE_MAX - 8, __FILE__, __LINE__));
	a->gfree(NULL);
}

static gpointer churn(gpointer data)
{
	const git_allocator *a = gitalloc_allocator();
	uint32_t base = GPOINTER_TO_UINT(data);
	g_autoptr(GRand) r = g_rand_new_with_seed(base);

	for (uint32_t i = 0; i < 3000; i++) {
		size_t n = some_size(r);
		unsigned char *p = a->gmalloc(n, __FILE__, __LINE__);

		g_assert_nonnull(p);
		fill(p, n, base + i);
		p = a->grealloc(p, n + 5000, __FILE__, __LINE__);
		g_assert_nonnull(p);
		for (size_t k = 0; k < n; k++)
			g_assert_cmpuint(p[k], ==, pattern(base + i, k));
		a->gfree(p);
	}
	return NULL;
}

/* The kept blocks are shared by the walk's thread and the parsing threads. */
static void test_gitalloc__two_threads(void **state)
{
	struct gitalloc_stats st;
	GThread *t[2];

	(void)state;
	gitalloc_configure(THRESHOLD, (size_t)512 << 10);
	t[0] = g_thread_new("a", churn, GUINT_TO_POINTER(1000000));
	t[1] = g_thread_new("b", churn, GUINT_TO_POINTER(2000000));
	g_thread_join(t[0]);
	g_thread_join(t[1]);
	gitalloc_get_stats(&st);
	assert_int_equal(st.large_bytes, 0);
}

/* libgit2, with gitalloc installed before git_libgit2_init() (main()),
 * reads a blob past the threshold into a block of gitalloc's. */
static void test_gitalloc__libgit2_reads_through_it(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("gitalloc-XXXXXX", NULL);
	g_autofree char *data = g_malloc(300 << 10);
	git_repository *repo = NULL;
	git_blob *blob = NULL;
	git_oid id;
	struct gitalloc_stats before, after;
	g_autofree char *rm = NULL;

	(void)state;
	assert_non_null(dir);
	gitalloc_configure(THRESHOLD, (size_t)1 << 20);
	fill((unsigned char *)data, 300 << 10, 99);
	assert_int_equal(git_repository_init(&repo, dir, true), 0);
	assert_int_equal(git_blob_create_from_buffer(&id, repo, data, 300 << 10), 0);
	gitalloc_get_stats(&before);
	assert_int_equal(git_blob_lookup(&blob, repo, &id), 0);
	gitalloc_get_stats(&after);
	assert_true(after.large_bytes > before.large_bytes);
	assert_int_equal(git_blob_rawsize(blob), 300 << 10);
	check(git_blob_rawcontent(blob), 300 << 10, 99);
	git_blob_free(blob);
	git_repository_free(repo);
	rm = g_strdup_printf("rm -rf '%s'", dir);
	assert_int_equal(system(rm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gitalloc__contents_survive_every_move),
		cmocka_unit_test(test_gitalloc__blocks_are_reused_within_a_bound),
		cmocka_unit_test(test_gitalloc__strings_and_overflow),
		cmocka_unit_test(test_gitalloc__two_threads),
		cmocka_unit_test(test_gitalloc__libgit2_reads_through_it),
	};
	int failed;

	if (!gitalloc_install())
		return 1;
	git_libgit2_init();
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return failed;
}
