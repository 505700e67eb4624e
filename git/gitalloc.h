/*
 * gitalloc.h - libgit2's memory, with its large buffers kept apart.
 *
 * Reading a blob from a pack, libgit2 rebuilds it along its delta chain
 * and allocates a buffer of the blob's size for each link. With templates
 * of 1-2 MB that is several 2 MB buffers a read, tens of thousands in an
 * audit, between which the parsers' small, longer-lived allocations
 * settle. In glibc's heap the freed 2 MB holes could then no longer be
 * reused whole: over 3,000 commits of such templates its free memory grew
 * from 12 to 77 MiB while what was in use stayed at 30-50 MiB, and
 * trimming and faulting the heap back cost a fifth of the run.
 *
 * Installed before git_libgit2_init(), gitalloc gives libgit2 a block of
 * its own (mmap) for every allocation from a threshold up (256 KiB), and
 * keeps up to a bound of freed blocks (32 MiB) for the next ones: the next
 * read's buffers are the last read's, already faulted in, and none of
 * them is ever in glibc's heap. Smaller allocations go to malloc, after a
 * header of 16 bytes. Kept to 16 MiB, 973 blocks were mapped afresh in
 * those 3,000 commits (542,471 page faults in all); kept to 32 MiB, the
 * whole audit faulted 20,722 pages.
 *
 * Built with AddressSanitizer, the threshold is off (every allocation is
 * malloc's, so that an overrun is caught); tests set it with
 * gitalloc_configure().
 */
#ifndef DW_GITALLOC_H
#define DW_GITALLOC_H

#include <git2/common.h>
#include <git2/sys/alloc.h>
#include <stdbool.h>
#include <stddef.h>

struct gitalloc_stats {
	size_t mapped;      /* blocks mapped since the start */
	size_t reused;      /* large allocations served from the kept blocks */
	size_t kept_bytes;  /* bytes of freed blocks kept now */
	size_t large_bytes; /* bytes of large blocks given out and not yet freed */
};

/* Makes gitalloc libgit2's allocator; before git_libgit2_init(). False if libgit2 refused. */
bool gitalloc_install(void);

/* The allocator's functions, as gitalloc_install() gives them to libgit2. */
const git_allocator *gitalloc_allocator(void);

/* Sets the size from which an allocation gets a block of its own
 * ((size_t)-1: never) and the bytes of freed blocks kept, and unmaps the
 * blocks kept so far. For tests, before any other thread allocates. */
void gitalloc_configure(size_t threshold, size_t keep_bytes);

void gitalloc_get_stats(struct gitalloc_stats *out);

#endif
