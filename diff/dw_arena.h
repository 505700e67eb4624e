/*
 * dw_arena.h - memory for the nodes of one parsed file, given out in
 * blocks and freed at once: a parser makes thousands of small nodes that
 * all die together, and a malloc and a free apiece were a tenth of the
 * parsing thread's time.
 *
 * Built with AddressSanitizer (or DW_DEBUG_ARENA defined), every
 * allocation is its own, so that an overrun from one node into the next
 * is still caught.
 */
#ifndef DW_ARENA_H
#define DW_ARENA_H

#include <glib.h>

struct dw_arena {
	GPtrArray *blocks_; /* owned memory: blocks, and allocations too large for one */
	char *free_;        /* the unused tail of the last block */
	size_t left_;
	size_t next_;       /* the size of the next block */
};

void dw_arena_init(struct dw_arena *arena);
void dw_arena_clear(struct dw_arena *arena);

/* n zeroed elements of size bytes each (one when n is 0), aligned for any
 * type; valid until dw_arena_clear(). Aborts on overflow, as g_malloc0_n(). */
void *dw_arena_alloc0_n(struct dw_arena *arena, size_t n, size_t size);

#endif
