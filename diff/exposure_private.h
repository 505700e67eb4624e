/*
 * exposure_private.h - the representation of source and exposure sets,
 * shared by exposure.c (the set algebra) and exposure_print.c (text).
 * Nothing outside diff/exposure*.c includes this.
 */
#ifndef DW_EXPOSURE_PRIVATE_H
#define DW_EXPOSURE_PRIVATE_H

#include "exposure.h"

/*
 * Addresses are kept as 128-bit integers: an IPv4 address in the low 32
 * bits of its own range list, an IPv6 address whole. __extension__ keeps
 * -Wpedantic quiet about the type.
 */
__extension__ typedef unsigned __int128 exposure_u128;

#define EXPOSURE_V4_MAX ((exposure_u128)0xFFFFFFFFu)
#define EXPOSURE_V6_MAX (~(exposure_u128)0)

/* One inclusive address range. */
struct srcset_range {
	exposure_u128 lo;
	exposure_u128 hi;
};

/*
 * Shared read-only once it sits inside an exposure (reference counted, so
 * copies and unions share it); the public srcset_* adders only ever see a
 * set they own alone.
 */
struct srcset {
	gatomicrefcount refs;
	GArray *v4;       /* struct srcset_range, sorted, disjoint, non-adjacent */
	GArray *v6;       /* same, full 128-bit */
	GPtrArray *atoms; /* char *, owned, sorted by strcmp, unique */
};

/*
 * One interval of an interval map; used at both levels. In a port map
 * (GArray, shared by reference count) val is a srcset *; in
 * exposure::runs, val is a port map (GArray *). Intervals are disjoint,
 * sorted, values non-empty, adjacent intervals with equal values merged.
 */
struct exposure_seg {
	uint32_t lo;
	uint32_t hi;
	void *val;
};

struct exposure {
	GArray *runs; /* struct exposure_seg over protocols 0..255 */
};

srcset *srcset_ref(const srcset *s);
/*
 * exposure_new_box() without the copy: the box takes a reference to src,
 * which neither side may change afterwards (the parser's per-entry set).
 */
exposure *exposure_new_box_shared(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                  unsigned port_hi, const srcset *src);
/* A total order consistent with srcset_equal(), for grouping. */
int srcset_compare(const srcset *a, const srcset *b);
exposure_u128 exposure_v6_to_u128(struct exposure_v6 v);
struct exposure_v6 exposure_u128_to_v6(exposure_u128 v);

#endif
