/*
 * walk_memory.h - keeps a long walk's mapped pack files from growing its
 * resident set with history.
 *
 * libgit2 maps each pack file whole, read-only, and every page a walk has
 * read stays resident in that mapping. They are clean pages of the page
 * cache, but they count in the process's RSS, and a walk of 100,000
 * commits touches most of a 76 MB pack: 98 MiB of its 157 MB peak was the
 * pack and its index. Every few commits the walk asks walk_memory_check()
 * whether the file-backed part of its resident set has grown by more than
 * an allowance since it last looked; if so, the pack mappings' pages are
 * dropped (madvise(MADV_DONTNEED)) and the next read of one faults it back
 * from the page cache. Pack indexes are kept: a lookup's binary search
 * touches them all over, so dropping them costs seconds.
 */
#ifndef DW_WALK_MEMORY_H
#define DW_WALK_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

struct walk_memory {
	size_t allow;     /* pages the file-backed resident set may grow by; 0: never drop */
	size_t floor;     /* file-backed pages after the last drop (or at the start) */
	unsigned dropped; /* times the pack mappings were dropped */
	bool off;         /* /proc/self/statm could not be read */
};

/* Starts watching, with an allowance in bytes (0: never drop). */
void walk_memory_init(struct walk_memory *m, size_t allow_bytes);

/* Drops the pack mappings' pages if the file-backed pages grew past the allowance. */
void walk_memory_check(struct walk_memory *m);

/* The file-backed resident pages (proc(5), /proc/self/statm "shared"); false if unknown. */
bool walk_memory_file_pages(size_t *out);

/* Drops the resident pages of every mapped pack file (objects/pack/pack-*.pack,
 * not the .idx); returns how many mappings. */
unsigned walk_memory_drop_packs(void);

#endif
