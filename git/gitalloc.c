/*
 * gitalloc.c - libgit2's memory, with its large buffers kept apart (gitalloc.h).
 *
 * Every allocation starts with a header of 16 bytes (so that what follows
 * keeps malloc's alignment): the size asked for, and the block's size
 * when it is a block of its own (0 when it came from malloc).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "gitalloc.h"

#include <git2.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define GITALLOC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GITALLOC_SANITIZED 1
#endif
#endif

#define GITALLOC_PAGE ((size_t)64 << 10) /* blocks are whole multiples of this */
#define GITALLOC_KEPT_MAX 32            /* freed blocks kept, at most */

struct gitalloc_head {
	size_t size;  /* bytes asked for */
	size_t block; /* bytes of the block, header included; 0: malloc's */
};

G_STATIC_ASSERT(sizeof(struct gitalloc_head) == 16);

static struct {
	GMutex lock; /* guards the kept blocks and the counts */
	size_t threshold;
	size_t keep_bytes;
	struct gitalloc_head *kept[GITALLOC_KEPT_MAX];
	unsigned n_kept;
	struct gitalloc_stats stats;
} gitalloc = {
#ifdef GITALLOC_SANITIZED
	.threshold = (size_t)-1,
#else
	.threshold = (size_t)256 << 10,
#endif
	.keep_bytes = (size_t)32 << 20,
};

static void *gitalloc_data(struct gitalloc_head *h)
{
	return h + 1;
}

static struct gitalloc_head *gitalloc_head_of(void *p)
{
	return (struct gitalloc_head *)p - 1;
}

/* A large block of at least need bytes: the smallest kept one that fits, else a new mapping. */
static struct gitalloc_head *gitalloc_block_get(size_t need)
{
	struct gitalloc_head *h = NULL;
	size_t size;
	unsigned best = G_MAXUINT;
	void *p;

	g_mutex_lock(&gitalloc.lock);
	for (unsigned i = 0; i < gitalloc.n_kept; i++) {
		if (gitalloc.kept[i]->block >= need &&
		    (best == G_MAXUINT || gitalloc.kept[i]->block < gitalloc.kept[best]->block))
			best = i;
	}
	if (best != G_MAXUINT) {
		h = gitalloc.kept[best];
		gitalloc.kept[best] = gitalloc.kept[--gitalloc.n_kept];
		gitalloc.stats.kept_bytes -= h->block;
		gitalloc.stats.reused++;
		gitalloc.stats.large_bytes += h->block;
	}
	g_mutex_unlock(&gitalloc.lock);
	if (h)
		return h;
	if (need > G_MAXSIZE - GITALLOC_PAGE)
		return NULL;
	size = (need + GITALLOC_PAGE - 1) / GITALLOC_PAGE * GITALLOC_PAGE;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	h = p;
	h->block = size;
	g_mutex_lock(&gitalloc.lock);
	gitalloc.stats.mapped++;
	gitalloc.stats.large_bytes += size;
	g_mutex_unlock(&gitalloc.lock);
	return h;
}

/* Keeps a freed large block for the next ones, or unmaps it past the bound. */
static void gitalloc_block_put(struct gitalloc_head *h)
{
	bool keep;

	g_mutex_lock(&gitalloc.lock);
	gitalloc.stats.large_bytes -= h->block;
	keep = gitalloc.n_kept < GITALLOC_KEPT_MAX && gitalloc.stats.kept_bytes + h->block <= gitalloc.keep_bytes;
	if (keep) {
		gitalloc.kept[gitalloc.n_kept++] = h;
		gitalloc.stats.kept_bytes += h->block;
	}
	g_mutex_unlock(&gitalloc.lock);
	if (!keep)
		munmap(h, h->block);
}

static void *gitalloc_new(size_t n, bool zero)
{
	struct gitalloc_head *h;

	if (n > G_MAXSIZE - sizeof(*h))
		return NULL;
	if (n >= gitalloc.threshold) {
		h = gitalloc_block_get(n + sizeof(*h));
		if (h && zero)
			memset(gitalloc_data(h), 0, n); /* a kept block holds what it held */
	} else {
		h = zero ? calloc(1, n + sizeof(*h)) : malloc(n + sizeof(*h));
		if (h)
			h->block = 0;
	}
	if (!h)
		return NULL;
	h->size = n;
	return gitalloc_data(h);
}

static void gitalloc_free(void *p)
{
	struct gitalloc_head *h;

	if (!p)
		return;
	h = gitalloc_head_of(p);
	if (h->block)
		gitalloc_block_put(h);
	else
		free(h);
}

static void *gitalloc_realloc(void *p, size_t n)
{
	struct gitalloc_head *h, *grown;
	void *q;

	if (!p)
		return gitalloc_new(n, false);
	h = gitalloc_head_of(p);
	if (n > G_MAXSIZE - sizeof(*h))
		return NULL;
	if (h->block == 0 && n < gitalloc.threshold) {
		grown = realloc(h, n + sizeof(*h));
		if (!grown)
			return NULL;
		grown->size = n;
		return gitalloc_data(grown);
	}
	if (h->block && n >= gitalloc.threshold && n + sizeof(*h) <= h->block) {
		h->size = n;
		return p;
	}
	/* Between malloc and a block of its own, or a block too small: move. */
	q = gitalloc_new(n, false);
	if (!q)
		return NULL;
	memcpy(q, p, MIN(h->size, n));
	gitalloc_free(p);
	return q;
}

static void *gitalloc_git_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return gitalloc_new(n, false);
}

static void *gitalloc_git_calloc(size_t nelem, size_t elsize, const char *file, int line)
{
	size_t n;

	(void)file;
	(void)line;
	if (!g_size_checked_mul(&n, nelem, elsize))
		return NULL;
	return gitalloc_new(n, true);
}

static char *gitalloc_git_substrdup(const char *str, size_t n, const char *file, int line)
{
	char *s;

	(void)file;
	(void)line;
	if (n == G_MAXSIZE)
		return NULL;
	s = gitalloc_new(n + 1, false);
	if (!s)
		return NULL;
	memcpy(s, str, n);
	s[n] = '\0';
	return s;
}

static char *gitalloc_git_strdup(const char *str, const char *file, int line)
{
	return gitalloc_git_substrdup(str, strlen(str), file, line);
}

static char *gitalloc_git_strndup(const char *str, size_t n, const char *file, int line)
{
	return gitalloc_git_substrdup(str, strnlen(str, n), file, line);
}

static void *gitalloc_git_realloc(void *p, size_t size, const char *file, int line)
{
	(void)file;
	(void)line;
	return gitalloc_realloc(p, size);
}

static void *gitalloc_git_reallocarray(void *p, size_t nelem, size_t elsize, const char *file, int line)
{
	size_t n;

	(void)file;
	(void)line;
	if (!g_size_checked_mul(&n, nelem, elsize))
		return NULL;
	return gitalloc_realloc(p, n);
}

static void *gitalloc_git_mallocarray(size_t nelem, size_t elsize, const char *file, int line)
{
	return gitalloc_git_reallocarray(NULL, nelem, elsize, file, line);
}

static const git_allocator gitalloc_functions = {
	.gmalloc = gitalloc_git_malloc,
	.gcalloc = gitalloc_git_calloc,
	.gstrdup = gitalloc_git_strdup,
	.gstrndup = gitalloc_git_strndup,
	.gsubstrdup = gitalloc_git_substrdup,
	.grealloc = gitalloc_git_realloc,
	.greallocarray = gitalloc_git_reallocarray,
	.gmallocarray = gitalloc_git_mallocarray,
	.gfree = gitalloc_free,
};

const git_allocator *gitalloc_allocator(void)
{
	return &gitalloc_functions;
}

bool gitalloc_install(void)
{
	git_allocator copy = gitalloc_functions;

	return git_libgit2_opts(GIT_OPT_SET_ALLOCATOR, &copy) == 0;
}

void gitalloc_configure(size_t threshold, size_t keep_bytes)
{
	unsigned n;
	struct gitalloc_head *drop[GITALLOC_KEPT_MAX];

	g_mutex_lock(&gitalloc.lock);
	gitalloc.threshold = threshold;
	gitalloc.keep_bytes = keep_bytes;
	n = gitalloc.n_kept;
	memcpy(drop, gitalloc.kept, n * sizeof(*drop));
	gitalloc.n_kept = 0;
	gitalloc.stats.kept_bytes = 0;
	g_mutex_unlock(&gitalloc.lock);
	for (unsigned i = 0; i < n; i++)
		munmap(drop[i], drop[i]->block);
}

void gitalloc_get_stats(struct gitalloc_stats *out)
{
	g_mutex_lock(&gitalloc.lock);
	*out = gitalloc.stats;
	g_mutex_unlock(&gitalloc.lock);
}
