/*
 * exposure.c - the algebra of exposure sets: which (protocol, source,
 * destination port) triples a rule list lets in (DESIGN.md, "Exposure
 * sets"). Text in and out lives in exposure_print.c.
 *
 * A set is a two-level interval map: protocol runs -> port intervals ->
 * source sets. Every operation is one sweep over the union of the two
 * operands' boundaries, at the protocol level and, inside each protocol
 * piece, at the port level (exposure_sweep serves both), so the result
 * is canonical by construction and the cost is linear in the operands,
 * never a product of boxes. Source sets and port maps are immutable once
 * inside a set and shared by reference count between sets.
 */
#include "exposure_private.h"

#include <string.h>

enum exposure_op {
	EXPOSURE_OP_UNION,
	EXPOSURE_OP_INTERSECT,
	EXPOSURE_OP_SUBTRACT,
	/* a's value where b has one, whatever b's value (exposure_on_ports()) */
	EXPOSURE_OP_ON_PORTS,
};

/* ---- source sets ---------------------------------------------------- */

exposure_u128 exposure_v6_to_u128(struct exposure_v6 v)
{
	return ((exposure_u128)v.hi << 64) | v.lo;
}

struct exposure_v6 exposure_u128_to_v6(exposure_u128 v)
{
	struct exposure_v6 r = { (uint64_t)(v >> 64), (uint64_t)v };
	return r;
}

static GArray *srcset_ranges_new(guint reserve)
{
	return g_array_sized_new(FALSE, FALSE, sizeof(struct srcset_range), reserve);
}

static srcset *srcset_alloc(guint v4, guint v6, guint atoms)
{
	srcset *s = g_new0(srcset, 1);
	g_atomic_ref_count_init(&s->refs);
	s->v4 = srcset_ranges_new(v4);
	s->v6 = srcset_ranges_new(v6);
	s->atoms = g_ptr_array_new_full(atoms, g_free);
	return s;
}

srcset *srcset_new(void)
{
	return srcset_alloc(0, 0, 0);
}

srcset *srcset_ref(const srcset *s)
{
	srcset *m = (srcset *)s;
	g_atomic_ref_count_inc(&m->refs);
	return m;
}

void srcset_free(srcset *s)
{
	if (!s || !g_atomic_ref_count_dec(&s->refs))
		return;
	g_array_unref(s->v4);
	g_array_unref(s->v6);
	g_ptr_array_unref(s->atoms);
	g_free(s);
}

srcset *srcset_copy(const srcset *s)
{
	srcset *c = srcset_alloc(s->v4->len, s->v6->len, s->atoms->len);
	g_array_append_vals(c->v4, s->v4->data, s->v4->len);
	g_array_append_vals(c->v6, s->v6->data, s->v6->len);
	for (guint i = 0; i < s->atoms->len; i++)
		g_ptr_array_add(c->atoms, g_strdup(g_ptr_array_index(s->atoms, i)));
	return c;
}

static struct srcset_range *srcset_ranges(const GArray *a)
{
	return (struct srcset_range *)(void *)a->data;
}

/* Inserts [lo, hi] into a sorted disjoint list, merging what it touches. */
static void srcset_ranges_add(GArray *arr, exposure_u128 lo, exposure_u128 hi)
{
	struct srcset_range *r = srcset_ranges(arr);
	guint a = 0, b = arr->len, j;

	/* First range that is not entirely left of lo with a gap. */
	while (a < b) {
		guint m = a + (b - a) / 2;
		if (lo > 0 && r[m].hi < lo - 1)
			a = m + 1;
		else
			b = m;
	}
	/* r[j].lo > hi implies r[j].lo >= 1, so the subtraction is safe. */
	for (j = a; j < arr->len && (r[j].lo <= hi || r[j].lo - 1 == hi); j++)
		;
	if (j > a) {
		lo = MIN(lo, r[a].lo);
		hi = MAX(hi, r[j - 1].hi);
		g_array_remove_range(arr, a, j - a);
	}
	struct srcset_range nr = { lo, hi };
	g_array_insert_val(arr, a, nr);
}

/* Appends [lo, hi] (lo not below the last range's lo), merging with it. */
static void srcset_ranges_push(GArray *out, exposure_u128 lo, exposure_u128 hi)
{
	if (out->len > 0) {
		struct srcset_range *last = &srcset_ranges(out)[out->len - 1];
		if (lo == 0 || lo - 1 <= last->hi) {
			if (hi > last->hi)
				last->hi = hi;
			return;
		}
	}
	struct srcset_range nr = { lo, hi };
	g_array_append_val(out, nr);
}

static GArray *srcset_ranges_union(const GArray *a, const GArray *b)
{
	const struct srcset_range *x = srcset_ranges(a), *y = srcset_ranges(b);
	GArray *out = srcset_ranges_new(a->len + b->len);
	guint i = 0, j = 0;

	while (i < a->len || j < b->len) {
		if (j == b->len || (i < a->len && x[i].lo <= y[j].lo)) {
			srcset_ranges_push(out, x[i].lo, x[i].hi);
			i++;
		} else {
			srcset_ranges_push(out, y[j].lo, y[j].hi);
			j++;
		}
	}
	return out;
}

static GArray *srcset_ranges_intersect(const GArray *a, const GArray *b)
{
	const struct srcset_range *x = srcset_ranges(a), *y = srcset_ranges(b);
	GArray *out = srcset_ranges_new(0);
	guint i = 0, j = 0;

	while (i < a->len && j < b->len) {
		exposure_u128 lo = MAX(x[i].lo, y[j].lo), hi = MIN(x[i].hi, y[j].hi);
		if (lo <= hi)
			srcset_ranges_push(out, lo, hi);
		if (x[i].hi < y[j].hi)
			i++;
		else
			j++;
	}
	return out;
}

static GArray *srcset_ranges_subtract(const GArray *a, const GArray *b)
{
	const struct srcset_range *x = srcset_ranges(a), *y = srcset_ranges(b);
	GArray *out = srcset_ranges_new(a->len);
	guint j = 0;

	for (guint i = 0; i < a->len; i++) {
		exposure_u128 cur = x[i].lo;
		bool done = false;

		while (j < b->len && y[j].hi < cur)
			j++;
		for (guint k = j; k < b->len && y[k].lo <= x[i].hi; k++) {
			if (y[k].lo > cur)
				srcset_ranges_push(out, cur, y[k].lo - 1);
			if (y[k].hi >= x[i].hi) {
				done = true;
				break;
			}
			cur = y[k].hi + 1; /* y[k].hi < x[i].hi: no overflow */
		}
		if (!done)
			srcset_ranges_push(out, cur, x[i].hi);
	}
	return out;
}

static const char *srcset_atom(const GPtrArray *atoms, guint i)
{
	return g_ptr_array_index(atoms, i);
}

static GPtrArray *srcset_atoms_combine(const GPtrArray *a, const GPtrArray *b, enum exposure_op op)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint i = 0, j = 0;

	while (i < a->len || j < b->len) {
		int c;
		if (i == a->len)
			c = 1;
		else if (j == b->len)
			c = -1;
		else
			c = strcmp(srcset_atom(a, i), srcset_atom(b, j));

		bool keep = (op == EXPOSURE_OP_UNION) || (op == EXPOSURE_OP_INTERSECT && c == 0) ||
		            (op == EXPOSURE_OP_SUBTRACT && c < 0);
		if (keep)
			g_ptr_array_add(out, g_strdup(c <= 0 ? srcset_atom(a, i) : srcset_atom(b, j)));
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return out;
}

static srcset *srcset_combine(const srcset *a, const srcset *b, enum exposure_op op)
{
	srcset *s = g_new0(srcset, 1);
	g_atomic_ref_count_init(&s->refs);
	switch (op) {
	case EXPOSURE_OP_UNION:
		s->v4 = srcset_ranges_union(a->v4, b->v4);
		s->v6 = srcset_ranges_union(a->v6, b->v6);
		break;
	case EXPOSURE_OP_INTERSECT:
		s->v4 = srcset_ranges_intersect(a->v4, b->v4);
		s->v6 = srcset_ranges_intersect(a->v6, b->v6);
		break;
	case EXPOSURE_OP_SUBTRACT:
		s->v4 = srcset_ranges_subtract(a->v4, b->v4);
		s->v6 = srcset_ranges_subtract(a->v6, b->v6);
		break;
	case EXPOSURE_OP_ON_PORTS:
		g_assert_not_reached();
	}
	s->atoms = srcset_atoms_combine(a->atoms, b->atoms, op);
	return s;
}

srcset *srcset_union(const srcset *a, const srcset *b)
{
	return srcset_combine(a, b, EXPOSURE_OP_UNION);
}

srcset *srcset_intersect(const srcset *a, const srcset *b)
{
	return srcset_combine(a, b, EXPOSURE_OP_INTERSECT);
}

srcset *srcset_subtract(const srcset *a, const srcset *b)
{
	return srcset_combine(a, b, EXPOSURE_OP_SUBTRACT);
}

void srcset_add_all_addresses(srcset *s)
{
	srcset_ranges_add(s->v4, 0, EXPOSURE_V4_MAX);
	srcset_ranges_add(s->v6, 0, EXPOSURE_V6_MAX);
}

void srcset_add_v4(srcset *s, uint32_t lo, uint32_t hi)
{
	g_return_if_fail(lo <= hi);
	srcset_ranges_add(s->v4, lo, hi);
}

void srcset_add_v6(srcset *s, struct exposure_v6 lo, struct exposure_v6 hi)
{
	exposure_u128 l = exposure_v6_to_u128(lo), h = exposure_v6_to_u128(hi);
	g_return_if_fail(l <= h);
	srcset_ranges_add(s->v6, l, h);
}

void srcset_add_atom(srcset *s, const char *atom)
{
	g_return_if_fail(atom != NULL && atom[0] != '\0');
	guint a = 0, b = s->atoms->len;
	while (a < b) {
		guint m = a + (b - a) / 2;
		int c = strcmp(srcset_atom(s->atoms, m), atom);
		if (c == 0)
			return;
		if (c < 0)
			a = m + 1;
		else
			b = m;
	}
	g_ptr_array_insert(s->atoms, (gint)a, g_strdup(atom));
}

bool srcset_is_empty(const srcset *s)
{
	return s->v4->len == 0 && s->v6->len == 0 && s->atoms->len == 0;
}

/* Do ranges hold at most 2^bits addresses, in a space of 2^width? */
static bool srcset_ranges_fit(const GArray *ranges, unsigned width, unsigned bits)
{
	const struct srcset_range *r = (const struct srcset_range *)(const void *)ranges->data;
	exposure_u128 room;

	if (bits >= width)
		return true;
	room = (exposure_u128)1 << bits; /* bits < 128 */
	for (guint i = 0; i < ranges->len; i++) {
		exposure_u128 span = r[i].hi - r[i].lo; /* addresses minus one: never wraps */

		if (span >= room)
			return false;
		room -= span + 1;
	}
	return true;
}

bool srcset_fits(const srcset *s, unsigned v4_prefix, unsigned v6_prefix)
{
	g_return_val_if_fail(v4_prefix <= 32 && v6_prefix <= 128, false);
	return srcset_ranges_fit(s->v4, 32, 32 - v4_prefix) &&
	       srcset_ranges_fit(s->v6, 128, 128 - v6_prefix);
}

static int srcset_ranges_compare(const GArray *a, const GArray *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->len == 0)
		return 0; /* data may be NULL */
	return memcmp(a->data, b->data, (size_t)a->len * sizeof(struct srcset_range));
}

int srcset_compare(const srcset *a, const srcset *b)
{
	int c;
	if (a == b)
		return 0;
	if ((c = srcset_ranges_compare(a->v4, b->v4)) != 0)
		return c;
	if ((c = srcset_ranges_compare(a->v6, b->v6)) != 0)
		return c;
	if (a->atoms->len != b->atoms->len)
		return a->atoms->len < b->atoms->len ? -1 : 1;
	for (guint i = 0; i < a->atoms->len; i++)
		if ((c = strcmp(srcset_atom(a->atoms, i), srcset_atom(b->atoms, i))) != 0)
			return c;
	return 0;
}

bool srcset_equal(const srcset *a, const srcset *b)
{
	return srcset_compare(a, b) == 0;
}

/* ---- interval maps, both levels ------------------------------------- */

/*
 * What a level of the map holds: how to combine two values (either may be
 * NULL where that operand has nothing; returns a new reference or NULL
 * when the result is empty), compare them, and make an empty map.
 */
struct exposure_level {
	void *(*combine)(const void *a, const void *b, enum exposure_op op);
	bool (*equal)(const void *a, const void *b);
	void (*unref)(void *val);
	GArray *(*map_new)(guint reserve);
};

static const struct exposure_seg *exposure_segs(const GArray *a)
{
	return (const struct exposure_seg *)(const void *)a->data;
}

/* Appends a piece, merging it into an adjacent equal neighbour. */
static void exposure_seg_push(GArray *out, uint32_t lo, uint32_t hi, void *val,
                              const struct exposure_level *lv)
{
	if (out->len > 0) {
		struct exposure_seg *last = &g_array_index(out, struct exposure_seg, out->len - 1);
		if ((uint64_t)last->hi + 1 == lo && lv->equal(last->val, val)) {
			last->hi = hi;
			lv->unref(val);
			return;
		}
	}
	struct exposure_seg s = { lo, hi, val };
	g_array_append_val(out, s);
}

/*
 * The generic "interval map combine": walks the union of both maps'
 * boundaries and combines the values on each elementary piece. Bounds
 * are inclusive; positions are 64-bit so hi + 1 cannot wrap.
 */
static GArray *exposure_sweep(const GArray *a, const GArray *b, enum exposure_op op,
                              const struct exposure_level *lv)
{
	const struct exposure_seg *x = exposure_segs(a), *y = exposure_segs(b);
	GArray *out = lv->map_new(MAX(a->len, b->len));
	guint i = 0, j = 0;
	uint64_t pos = 0;

	for (;;) {
		while (i < a->len && x[i].hi < pos)
			i++;
		while (j < b->len && y[j].hi < pos)
			j++;
		if (i == a->len && j == b->len)
			break;

		bool in_x = i < a->len && x[i].lo <= pos;
		bool in_y = j < b->len && y[j].lo <= pos;
		if (!in_x && !in_y) {
			pos = MIN(i < a->len ? x[i].lo : UINT64_MAX, j < b->len ? y[j].lo : UINT64_MAX);
			continue;
		}

		uint64_t end = UINT64_MAX; /* exclusive */
		if (i < a->len)
			end = MIN(end, in_x ? (uint64_t)x[i].hi + 1 : x[i].lo);
		if (j < b->len)
			end = MIN(end, in_y ? (uint64_t)y[j].hi + 1 : y[j].lo);

		void *v = lv->combine(in_x ? x[i].val : NULL, in_y ? y[j].val : NULL, op);
		if (v)
			exposure_seg_push(out, (uint32_t)pos, (uint32_t)(end - 1), v, lv);
		pos = end;
	}
	return out;
}

/* Port level: values are srcset *. */

static void exposure_port_seg_clear(void *p)
{
	srcset_free(((struct exposure_seg *)p)->val);
}

static GArray *exposure_portmap_new(guint reserve)
{
	GArray *m = g_array_sized_new(FALSE, FALSE, sizeof(struct exposure_seg), reserve);
	g_array_set_clear_func(m, exposure_port_seg_clear);
	return m;
}

static void *exposure_src_combine(const void *a, const void *b, enum exposure_op op)
{
	srcset *r = NULL;

	switch (op) {
	case EXPOSURE_OP_UNION:
		if (!a || a == b)
			return srcset_ref(b);
		if (!b)
			return srcset_ref(a);
		return srcset_union(a, b);
	case EXPOSURE_OP_INTERSECT:
		if (!a || !b)
			return NULL;
		if (a == b)
			return srcset_ref(a);
		r = srcset_intersect(a, b);
		break;
	case EXPOSURE_OP_SUBTRACT:
		if (!a || a == b)
			return NULL;
		if (!b)
			return srcset_ref(a);
		r = srcset_subtract(a, b);
		break;
	case EXPOSURE_OP_ON_PORTS:
		return a && b ? srcset_ref(a) : NULL;
	}
	if (srcset_is_empty(r)) {
		srcset_free(r);
		return NULL;
	}
	return r;
}

static bool exposure_src_equal(const void *a, const void *b)
{
	return srcset_equal(a, b);
}

static void exposure_src_unref(void *v)
{
	srcset_free(v);
}

static const struct exposure_level exposure_port_level = {
	exposure_src_combine,
	exposure_src_equal,
	exposure_src_unref,
	exposure_portmap_new,
};

/* Protocol level: values are port maps (GArray * of port segments). */

static void exposure_run_seg_clear(void *p)
{
	g_array_unref(((struct exposure_seg *)p)->val);
}

static GArray *exposure_runs_new(guint reserve)
{
	GArray *m = g_array_sized_new(FALSE, FALSE, sizeof(struct exposure_seg), reserve);
	g_array_set_clear_func(m, exposure_run_seg_clear);
	return m;
}

static void *exposure_portmap_combine(const void *a, const void *b, enum exposure_op op)
{
	GArray *ma = (GArray *)a, *mb = (GArray *)b;

	switch (op) {
	case EXPOSURE_OP_UNION:
		if (!ma || ma == mb)
			return g_array_ref(mb);
		if (!mb)
			return g_array_ref(ma);
		break;
	case EXPOSURE_OP_INTERSECT:
		if (!ma || !mb)
			return NULL;
		if (ma == mb)
			return g_array_ref(ma);
		break;
	case EXPOSURE_OP_SUBTRACT:
		if (!ma || ma == mb)
			return NULL;
		if (!mb)
			return g_array_ref(ma);
		break;
	case EXPOSURE_OP_ON_PORTS:
		if (!ma || !mb)
			return NULL;
		if (ma == mb)
			return g_array_ref(ma);
		break;
	}
	GArray *r = exposure_sweep(ma, mb, op, &exposure_port_level);
	if (r->len == 0) {
		g_array_unref(r);
		return NULL;
	}
	return r;
}

static bool exposure_portmap_equal(const void *a, const void *b)
{
	const GArray *ma = a, *mb = b;
	const struct exposure_seg *x = exposure_segs(ma), *y = exposure_segs(mb);

	if (ma == mb)
		return true;
	if (ma->len != mb->len)
		return false;
	for (guint i = 0; i < ma->len; i++)
		if (x[i].lo != y[i].lo || x[i].hi != y[i].hi || !srcset_equal(x[i].val, y[i].val))
			return false;
	return true;
}

static void exposure_portmap_unref(void *v)
{
	g_array_unref(v);
}

static const struct exposure_level exposure_proto_level = {
	exposure_portmap_combine,
	exposure_portmap_equal,
	exposure_portmap_unref,
	exposure_runs_new,
};

/* ---- exposure sets -------------------------------------------------- */

static exposure *exposure_wrap(GArray *runs)
{
	exposure *e = g_new0(exposure, 1);
	e->runs = runs;
	return e;
}

exposure *exposure_new(void)
{
	return exposure_wrap(exposure_runs_new(0));
}

bool exposure_proto_has_ports(unsigned proto)
{
	return proto == EXPOSURE_PROTO_TCP || proto == EXPOSURE_PROTO_UDP || proto == EXPOSURE_PROTO_SCTP;
}

const char *exposure_proto_name(unsigned proto)
{
	switch (proto) {
	case EXPOSURE_PROTO_ICMP:
		return "icmp";
	case 2:
		return "igmp";
	case EXPOSURE_PROTO_TCP:
		return "tcp";
	case EXPOSURE_PROTO_UDP:
		return "udp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	case 51:
		return "ah";
	case EXPOSURE_PROTO_ICMPV6:
		return "icmpv6";
	case 89:
		return "ospf";
	case EXPOSURE_PROTO_SCTP:
		return "sctp";
	default:
		return NULL;
	}
}

exposure *exposure_new_box_shared(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                  unsigned port_hi, const srcset *src)
{
	g_return_val_if_fail(src != NULL, exposure_new());
	g_return_val_if_fail(proto_hi <= EXPOSURE_PROTO_MAX && port_hi <= EXPOSURE_PORT_MAX, exposure_new());

	exposure *e = exposure_new();
	if (proto_lo > proto_hi || port_lo > port_hi || srcset_is_empty(src))
		return e;

	GArray *ports = exposure_portmap_new(1);
	struct exposure_seg ps = { port_lo, port_hi, srcset_ref(src) };
	g_array_append_val(ports, ps);

	if (port_lo == 0 && port_hi == EXPOSURE_PORT_MAX) {
		struct exposure_seg run = { proto_lo, proto_hi, g_array_ref(ports) };
		g_array_append_val(e->runs, run);
	} else {
		/* A port range says nothing about port-less protocols: they are out. */
		for (unsigned p = proto_lo; p <= proto_hi; p++) {
			if (!exposure_proto_has_ports(p))
				continue;
			struct exposure_seg run = { p, p, g_array_ref(ports) };
			g_array_append_val(e->runs, run);
		}
	}
	g_array_unref(ports);
	return e;
}

exposure *exposure_new_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                           const srcset *src)
{
	g_return_val_if_fail(src != NULL, exposure_new());
	/* The caller may change src later; the set keeps a copy of its own. */
	g_autoptr(srcset) own = srcset_copy(src);
	return exposure_new_box_shared(proto_lo, proto_hi, port_lo, port_hi, own);
}

exposure *exposure_copy(const exposure *e)
{
	GArray *runs = exposure_runs_new(e->runs->len);
	const struct exposure_seg *s = exposure_segs(e->runs);

	for (guint i = 0; i < e->runs->len; i++) {
		struct exposure_seg run = { s[i].lo, s[i].hi, g_array_ref(s[i].val) };
		g_array_append_val(runs, run);
	}
	return exposure_wrap(runs);
}

void exposure_free(exposure *e)
{
	if (!e)
		return;
	g_array_unref(e->runs);
	g_free(e);
}

static exposure *exposure_combine(const exposure *a, const exposure *b, enum exposure_op op)
{
	return exposure_wrap(exposure_sweep(a->runs, b->runs, op, &exposure_proto_level));
}

exposure *exposure_union(const exposure *a, const exposure *b)
{
	return exposure_combine(a, b, EXPOSURE_OP_UNION);
}

exposure *exposure_intersect(const exposure *a, const exposure *b)
{
	return exposure_combine(a, b, EXPOSURE_OP_INTERSECT);
}

exposure *exposure_subtract(const exposure *a, const exposure *b)
{
	return exposure_combine(a, b, EXPOSURE_OP_SUBTRACT);
}

bool exposure_is_empty(const exposure *e)
{
	return e->runs->len == 0;
}

bool exposure_equal(const exposure *a, const exposure *b)
{
	const struct exposure_seg *x = exposure_segs(a->runs), *y = exposure_segs(b->runs);

	if (a->runs->len != b->runs->len)
		return false;
	for (guint i = 0; i < a->runs->len; i++)
		if (x[i].lo != y[i].lo || x[i].hi != y[i].hi || !exposure_portmap_equal(x[i].val, y[i].val))
			return false;
	return true;
}

exposure *exposure_restrict_sources(const exposure *e, const srcset *src)
{
	g_autoptr(exposure) all = exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, src);
	return exposure_intersect(e, all);
}

exposure *exposure_on_ports(const exposure *e, const exposure *region)
{
	return exposure_combine(e, region, EXPOSURE_OP_ON_PORTS);
}

static exposure *exposure_union_range(const exposure *const *sets, size_t lo, size_t hi)
{
	if (hi - lo == 1)
		return exposure_copy(sets[lo]);
	size_t mid = lo + (hi - lo) / 2;
	g_autoptr(exposure) left = exposure_union_range(sets, lo, mid);
	g_autoptr(exposure) right = exposure_union_range(sets, mid, hi);
	return exposure_union(left, right);
}

exposure *exposure_union_all(const exposure *const *sets, size_t n)
{
	if (n == 0)
		return exposure_new();
	return exposure_union_range(sets, 0, n);
}

/*
 * First match over rules[lo, hi): *allowed_out gets what the slice lets
 * in, *cover_out everything the slice matches (allowed or denied), so
 * FM(l, r) = FM(l, m) | (FM(m, r) - COVER(l, m)).
 */
static void exposure_first_match_range(exposure **allowed_out, exposure **cover_out,
                                       const struct exposure_rule *rules, size_t lo, size_t hi)
{
	if (hi - lo == 1) {
		*allowed_out = rules[lo].allow ? exposure_copy(rules[lo].match) : exposure_new();
		*cover_out = exposure_copy(rules[lo].match);
		return;
	}
	size_t mid = lo + (hi - lo) / 2;
	g_autoptr(exposure) left_allowed = NULL;
	g_autoptr(exposure) left_cover = NULL;
	g_autoptr(exposure) right_allowed = NULL;
	g_autoptr(exposure) right_cover = NULL;
	exposure_first_match_range(&left_allowed, &left_cover, rules, lo, mid);
	exposure_first_match_range(&right_allowed, &right_cover, rules, mid, hi);

	g_autoptr(exposure) reached = exposure_subtract(right_allowed, left_cover);
	*allowed_out = exposure_union(left_allowed, reached);
	*cover_out = exposure_union(left_cover, right_cover);
}

exposure *exposure_first_match(const struct exposure_rule *rules, size_t n)
{
	if (n == 0)
		return exposure_new();
	exposure *allowed = NULL;
	g_autoptr(exposure) cover = NULL;
	exposure_first_match_range(&allowed, &cover, rules, 0, n);
	return allowed;
}

void exposure_foreach(const exposure *e, exposure_foreach_fn fn, void *user_data)
{
	const struct exposure_seg *run = exposure_segs(e->runs);

	for (guint i = 0; i < e->runs->len; i++) {
		const GArray *ports = run[i].val;
		const struct exposure_seg *p = exposure_segs(ports);
		for (guint k = 0; k < ports->len; k++)
			fn(run[i].lo, run[i].hi, p[k].lo, p[k].hi, p[k].val, user_data);
	}
}
