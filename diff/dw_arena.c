/*
 * dw_arena.c - blocks of node memory freed at once (dw_arena.h).
 */
#include "dw_arena.h"

#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define DW_ARENA_EACH_OWN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DW_ARENA_EACH_OWN 1
#endif
#endif
#if defined(DW_DEBUG_ARENA)
#define DW_ARENA_EACH_OWN 1
#endif

/* Blocks grow from the first to the largest: a small file takes little. */
#define DW_ARENA_FIRST_BLOCK ((size_t)2048)
#define DW_ARENA_LAST_BLOCK ((size_t)65536)
#define DW_ARENA_ALIGN ((size_t)16)

void dw_arena_init(struct dw_arena *arena)
{
	arena->blocks_ = g_ptr_array_new_with_free_func(g_free);
	arena->free_ = NULL;
	arena->left_ = 0;
	arena->next_ = DW_ARENA_FIRST_BLOCK;
}

void dw_arena_clear(struct dw_arena *arena)
{
	g_clear_pointer(&arena->blocks_, g_ptr_array_unref);
	arena->free_ = NULL;
	arena->left_ = 0;
}

/* An allocation of its own, freed with the arena. */
static void *dw_arena_own(struct dw_arena *arena, size_t bytes)
{
	void *p = g_malloc0(bytes);

	g_ptr_array_add(arena->blocks_, p);
	return p;
}

void *dw_arena_alloc0_n(struct dw_arena *arena, size_t n, size_t size)
{
	size_t bytes;

	if (!g_size_checked_mul(&bytes, n ? n : 1, size) || bytes > G_MAXSIZE - DW_ARENA_ALIGN)
		g_error("%s: overflow allocating %zu x %zu bytes", G_STRLOC, n, size);
#ifdef DW_ARENA_EACH_OWN
	return dw_arena_own(arena, bytes);
#else
	bytes = (bytes + DW_ARENA_ALIGN - 1) & ~(DW_ARENA_ALIGN - 1);
	/* Too large to share a block: its own, and the block stays as it is. */
	if (bytes > DW_ARENA_LAST_BLOCK / 4)
		return dw_arena_own(arena, bytes);
	if (bytes > arena->left_) {
		/* At least the next size, grown until it holds this. */
		while (arena->next_ < bytes)
			arena->next_ *= 2;
		/* malloc's alignment (16 on the platforms we build for) is the blocks'. */
		arena->free_ = g_malloc(arena->next_);
		arena->left_ = arena->next_;
		g_ptr_array_add(arena->blocks_, arena->free_);
		arena->next_ = MIN(arena->next_ * 2, DW_ARENA_LAST_BLOCK);
	}
	arena->free_ += bytes;
	arena->left_ -= bytes;
	return memset(arena->free_ - bytes, 0, bytes);
#endif
}
