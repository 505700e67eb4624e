/*
 * exposure_print.c - exposure sets and source sets as text: the canonical
 * printing that reports and "did anything change" rely on, and the parser
 * that reads it back (grammar in exposure.h).
 *
 * Printing is canonical because the representation is: address ranges
 * become their shortest CIDR list (the usual greedy split at the largest
 * aligned block), IPv6 is written by inet_ntop (RFC 5952 lower-case,
 * longest zero run compressed), atoms are %XX-escaped outside
 * [A-Za-z0-9._:@/-]. The parser is strict about tokens (no leading zeros,
 * exact separators) and takes any byte string without crashing; it is
 * lenient only about order, so any set printed reads back equal.
 */
#include "exposure_private.h"
#include "dw_error.h"

#include <arpa/inet.h>
#include <string.h>

#define EXPOSURE_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/* ---- addresses ------------------------------------------------------ */

static exposure_u128 exposure_print_host_mask(unsigned width, unsigned prefix)
{
	unsigned bits = width - prefix;
	return bits >= 128 ? ~(exposure_u128)0 : ((exposure_u128)1 << bits) - 1;
}

/* Whole-string decimal in 0..max, no sign, no leading zero. */
static bool exposure_print_parse_uint(unsigned *out, const char *s, size_t len, unsigned max)
{
	unsigned v = 0;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/*
 * "a.b.c.d", "a.b.c.d/N", IPv6 with optional "/N"; N is 0..32 or 0..128
 * written without leading zeros ("/08" is refused: nothing prints it, and
 * some tools read a leading zero as octal). Host bits are dropped.
 */
static bool exposure_print_parse_cidr(struct srcset_range *out, bool *is_v6_out, const char *text,
                                      size_t len)
{
	const char *slash = memchr(text, '/', len);
	size_t alen = slash ? (size_t)(slash - text) : len;
	char buf[EXPOSURE_ADDR_TEXT_MAX];
	unsigned char bytes[16];
	unsigned width, prefix;
	bool v6;

	if (alen == 0 || alen >= sizeof(buf) || memchr(text, '\0', alen))
		return false;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, bytes) == 1)
		v6 = false;
	else if (inet_pton(AF_INET6, buf, bytes) == 1)
		v6 = true;
	else
		return false;

	width = v6 ? 128 : 32;
	prefix = width;
	if (slash && !exposure_print_parse_uint(&prefix, slash + 1, len - alen - 1, width))
		return false;

	exposure_u128 v = 0;
	for (unsigned i = 0; i < width / 8; i++)
		v = (v << 8) | bytes[i];
	exposure_u128 host = exposure_print_host_mask(width, prefix);
	out->lo = v & ~host;
	out->hi = out->lo | host;
	*is_v6_out = v6;
	return true;
}

static void exposure_print_add_range(srcset *s, const struct srcset_range *r, bool v6)
{
	if (v6)
		srcset_add_v6(s, exposure_u128_to_v6(r->lo), exposure_u128_to_v6(r->hi));
	else
		srcset_add_v4(s, (uint32_t)r->lo, (uint32_t)r->hi);
}

bool srcset_add_cidr(srcset *s, const char *text, GError **error)
{
	struct srcset_range r;
	bool v6;

	if (!exposure_print_parse_cidr(&r, &v6, text, strlen(text))) {
		g_autofree char *shown = g_strescape(text, NULL);
		g_set_error(error, DW_ERROR, DW_ERROR_PARSE, "expected an address or CIDR, got \"%.64s\"",
		            shown);
		return false;
	}
	exposure_print_add_range(s, &r, v6);
	return true;
}

static unsigned exposure_print_ctz(exposure_u128 v, unsigned width)
{
	uint64_t low = (uint64_t)v, high = (uint64_t)(v >> 64);
	unsigned n;

	if (low != 0)
		n = (unsigned)__builtin_ctzll(low);
	else if (high != 0)
		n = 64 + (unsigned)__builtin_ctzll(high);
	else
		n = 128;
	return MIN(n, width);
}

static void exposure_print_sep(GString *out, bool *first)
{
	if (!*first)
		g_string_append(out, ", ");
	*first = false;
}

static void exposure_print_address(GString *out, exposure_u128 addr, unsigned prefix, bool v6)
{
	if (!v6) {
		uint32_t a = (uint32_t)addr;
		g_string_append_printf(out, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 0xFF, (a >> 8) & 0xFF,
		                       a & 0xFF, prefix);
		return;
	}
	unsigned char bytes[16];
	char text[EXPOSURE_ADDR_TEXT_MAX];
	for (int i = 15; i >= 0; i--) {
		bytes[i] = (unsigned char)addr;
		addr >>= 8;
	}
	if (!inet_ntop(AF_INET6, bytes, text, sizeof(text)))
		g_error("inet_ntop failed on a 16-byte address");
	g_string_append_printf(out, "%s/%u", text, prefix);
}

/* Each range as its shortest CIDR list: the largest aligned block at a time. */
static void exposure_print_ranges(GString *out, bool *first, const GArray *ranges, bool v6)
{
	const struct srcset_range *r = (const struct srcset_range *)(const void *)ranges->data;
	unsigned width = v6 ? 128 : 32;

	for (guint i = 0; i < ranges->len; i++) {
		exposure_u128 lo = r[i].lo;
		for (;;) {
			unsigned k = exposure_print_ctz(lo, width);
			exposure_u128 mask = exposure_print_host_mask(width, width - k);
			/* lo is aligned to 2^k, so lo + mask cannot wrap. */
			while (lo + mask > r[i].hi) {
				k--;
				mask >>= 1;
			}
			exposure_print_sep(out, first);
			exposure_print_address(out, lo, width - k, v6);
			if (lo + mask >= r[i].hi)
				break;
			lo += mask + 1;
		}
	}
}

/* ---- atoms ---------------------------------------------------------- */

static bool exposure_print_atom_char_ok(unsigned char c)
{
	return g_ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '-';
}

static void exposure_print_escape(GString *out, unsigned char c)
{
	g_string_append_printf(out, "%%%02X", c);
}

static void exposure_print_atom(GString *out, const char *atom)
{
	size_t len = strlen(atom);
	struct srcset_range r;
	bool v6;
	size_t i = 0;

	/* An atom that reads as an address keeps its meaning by escaping one byte. */
	if (exposure_print_parse_cidr(&r, &v6, atom, len)) {
		exposure_print_escape(out, (unsigned char)atom[0]);
		i = 1;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)atom[i];
		if (exposure_print_atom_char_ok(c))
			g_string_append_c(out, (char)c);
		else
			exposure_print_escape(out, c);
	}
}

static void exposure_print_srcset(GString *out, const srcset *s)
{
	bool first = true;

	exposure_print_ranges(out, &first, s->v4, false);
	exposure_print_ranges(out, &first, s->v6, true);
	for (guint i = 0; i < s->atoms->len; i++) {
		exposure_print_sep(out, &first);
		exposure_print_atom(out, g_ptr_array_index(s->atoms, i));
	}
}

char *srcset_to_string(const srcset *s)
{
	GString *out = g_string_new(NULL);
	exposure_print_srcset(out, s);
	return g_string_free(out, FALSE);
}

/* ---- exposure sets -------------------------------------------------- */

static void exposure_print_proto(GString *out, unsigned lo, unsigned hi)
{
	const char *name = exposure_proto_name(lo);

	if (lo == 0 && hi == EXPOSURE_PROTO_MAX)
		g_string_append(out, "any");
	else if (lo == hi && name)
		g_string_append(out, name);
	else if (lo == hi)
		g_string_append_printf(out, "%u", lo);
	else
		g_string_append_printf(out, "%u-%u", lo, hi);
}

/*
 * The items that name the protocols of in (a sorted list of disjoint
 * intervals): each named protocol by its name, the numbers between as
 * ranges ("0, icmp, igmp, 3-5"). Appends to out when it is not NULL;
 * returns how many items.
 */
static unsigned exposure_print_proto_items(GString *out, const GArray *in)
{
	const struct exposure_seg *seg = (const struct exposure_seg *)(const void *)in->data;
	unsigned n = 0;

	for (guint i = 0; i < in->len; i++) {
		unsigned p = seg[i].lo;

		while (p <= seg[i].hi) {
			unsigned end = p;

			if (!exposure_proto_name(p)) {
				while (end < seg[i].hi && !exposure_proto_name(end + 1))
					end++;
			}
			if (out) {
				if (n > 0)
					g_string_append(out, ", ");
				exposure_print_proto(out, p, end);
			}
			n++;
			p = end + 1;
		}
	}
	return n;
}

/* 0..255 minus the sorted disjoint intervals of in. */
static GArray *exposure_print_proto_complement(const GArray *in)
{
	const struct exposure_seg *seg = (const struct exposure_seg *)(const void *)in->data;
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct exposure_seg));
	unsigned next = 0;

	for (guint i = 0; i < in->len; i++) {
		if (seg[i].lo > next) {
			struct exposure_seg gap = { next, seg[i].lo - 1, NULL };
			g_array_append_val(out, gap);
		}
		next = seg[i].hi + 1;
	}
	if (next <= EXPOSURE_PROTO_MAX) {
		struct exposure_seg gap = { next, EXPOSURE_PROTO_MAX, NULL };
		g_array_append_val(out, gap);
	}
	return out;
}

/*
 * The protocols of one port-less entry, by name: "any" for all of them,
 * "all protocols except tcp" when naming what is left out is shorter
 * (Azure's default rules around a tcp rule), else the list ("icmp, esp").
 */
static void exposure_print_protos(GString *out, const GArray *protos)
{
	g_autoptr(GArray) rest = exposure_print_proto_complement(protos);

	if (rest->len == 0) {
		g_string_append(out, "any");
	} else if (exposure_print_proto_items(NULL, rest) < exposure_print_proto_items(NULL, protos)) {
		g_string_append(out, "all protocols except ");
		exposure_print_proto_items(out, rest);
	} else {
		exposure_print_proto_items(out, protos);
	}
}

static int exposure_print_seg_cmp(const void *a, const void *b, void *user_data)
{
	const struct exposure_seg *segs = user_data;
	const struct exposure_seg *x = &segs[*(const guint *)a], *y = &segs[*(const guint *)b];
	int c = srcset_compare(x->val, y->val);

	if (c != 0)
		return c;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* A group of port pieces with one source set: idx[start .. start + n). */
struct exposure_print_group {
	guint start;
	guint n;
	uint32_t first_port;
};

static int exposure_print_group_cmp(const void *a, const void *b)
{
	const struct exposure_print_group *x = a, *y = b;
	return x->first_port < y->first_port ? -1 : x->first_port > y->first_port;
}

/* One port-bearing protocol: one entry per distinct source set, by first port. */
static void exposure_print_port_run(GString *out, unsigned proto, const GArray *ports)
{
	const struct exposure_seg *seg = (const struct exposure_seg *)(const void *)ports->data;
	g_autoptr(GArray) idx = g_array_sized_new(FALSE, FALSE, sizeof(guint), ports->len);
	g_autoptr(GArray) groups = g_array_new(FALSE, FALSE, sizeof(struct exposure_print_group));

	for (guint i = 0; i < ports->len; i++)
		g_array_append_val(idx, i);
	g_array_sort_with_data(idx, exposure_print_seg_cmp, (void *)seg);

	const guint *ix = (const guint *)(const void *)idx->data;
	for (guint i = 0; i < idx->len; i++) {
		if (i == 0 || !srcset_equal(seg[ix[i - 1]].val, seg[ix[i]].val)) {
			struct exposure_print_group g = { i, 0, seg[ix[i]].lo };
			g_array_append_val(groups, g);
		}
		g_array_index(groups, struct exposure_print_group, groups->len - 1).n++;
	}
	g_array_sort(groups, exposure_print_group_cmp);

	for (guint gi = 0; gi < groups->len; gi++) {
		const struct exposure_print_group *g = &g_array_index(groups, struct exposure_print_group, gi);
		if (out->len > 0)
			g_string_append(out, "; ");
		exposure_print_proto(out, proto, proto);
		for (guint k = 0; k < g->n; k++) {
			const struct exposure_seg *s = &seg[ix[g->start + k]];
			g_string_append_c(out, k == 0 ? '/' : ',');
			if (s->lo == s->hi)
				g_string_append_printf(out, "%u", s->lo);
			else
				g_string_append_printf(out, "%u-%u", s->lo, s->hi);
		}
		g_string_append(out, " from ");
		exposure_print_srcset(out, seg[ix[g->start]].val);
	}
}

/* A run printed without ports: several protocols, or one without ports. */
static bool exposure_print_is_portless(const struct exposure_seg *run)
{
	return !(run->lo == run->hi && exposure_proto_has_ports(run->lo));
}

/*
 * Runs printed without ports always hold every port (exposure.h); all
 * those with one source set are one entry, named by their protocols.
 */
static void exposure_print_portless(GString *out, const struct exposure_seg *run, guint n, guint i,
                                    bool *done)
{
	const GArray *ports = run[i].val;
	const struct exposure_seg *all = (const struct exposure_seg *)(const void *)ports->data;
	g_autoptr(GArray) protos = g_array_new(FALSE, FALSE, sizeof(struct exposure_seg));

	g_assert(ports->len == 1 && all->lo == 0 && all->hi == EXPOSURE_PORT_MAX);
	for (guint j = i; j < n; j++) {
		const GArray *other = run[j].val;
		const struct exposure_seg *o = (const struct exposure_seg *)(const void *)other->data;

		if (done[j] || !exposure_print_is_portless(&run[j]) || !srcset_equal(o->val, all->val))
			continue;
		g_assert(other->len == 1 && o->lo == 0 && o->hi == EXPOSURE_PORT_MAX);
		g_array_append_val(protos, run[j]);
		done[j] = true;
	}
	if (out->len > 0)
		g_string_append(out, "; ");
	exposure_print_protos(out, protos);
	g_string_append(out, " from ");
	exposure_print_srcset(out, all->val);
}

char *exposure_to_string(const exposure *e)
{
	const struct exposure_seg *run = (const struct exposure_seg *)(const void *)e->runs->data;
	GString *out = g_string_new(NULL);
	/* At most one run per protocol: 256 flags. */
	bool done[EXPOSURE_PROTO_MAX + 1] = { false };

	g_assert(e->runs->len <= G_N_ELEMENTS(done));
	for (guint i = 0; i < e->runs->len; i++) {
		if (done[i])
			continue;
		if (exposure_print_is_portless(&run[i]))
			exposure_print_portless(out, run, e->runs->len, i, done);
		else
			exposure_print_port_run(out, run[i].lo, run[i].val);
	}
	if (out->len == 0)
		g_string_append(out, "nothing");
	return g_string_free(out, FALSE);
}

/* ---- parsing -------------------------------------------------------- */

struct exposure_parser {
	const char *text; /* the whole input, for offsets */
	const char *p;    /* next unread byte; the input ends at its NUL */
	GError **error;
};

static bool exposure_parse_fail(struct exposure_parser *ps, const char *expected)
{
	g_autofree char *next = g_strndup(ps->p, 24);
	g_autofree char *shown = g_strescape(next, NULL);
	g_set_error(ps->error, DW_ERROR, DW_ERROR_PARSE, "exposure: offset %zu: expected %s, got \"%s\"",
	            (size_t)(ps->p - ps->text), expected, *next ? shown : "end of text");
	return false;
}

static bool exposure_parse_lit(struct exposure_parser *ps, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(ps->p, lit, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static bool exposure_parse_uint(struct exposure_parser *ps, unsigned *out, unsigned max,
                                const char *what)
{
	size_t n = strspn(ps->p, "0123456789");
	if (!exposure_print_parse_uint(out, ps->p, n, max))
		return exposure_parse_fail(ps, what);
	ps->p += n;
	return true;
}

/* N or N "-" N, lo <= hi. */
static bool exposure_parse_range(struct exposure_parser *ps, unsigned *lo, unsigned *hi, unsigned max,
                                 const char *what)
{
	if (!exposure_parse_uint(ps, lo, max, what))
		return false;
	*hi = *lo;
	if (*ps->p == '-') {
		const char *dash = ps->p++;
		if (!exposure_parse_uint(ps, hi, max, what))
			return false;
		if (*hi < *lo) {
			ps->p = dash + 1;
			return exposure_parse_fail(ps, "a range upper bound not below its lower bound");
		}
	}
	return true;
}

/* One protocol item: a name, N or N "-" N. */
static bool exposure_parse_proto_item(struct exposure_parser *ps, unsigned *lo, unsigned *hi)
{
	size_t n;

	if (g_ascii_isdigit(*ps->p))
		return exposure_parse_range(ps, lo, hi, EXPOSURE_PROTO_MAX, "a protocol number 0..255");
	n = strspn(ps->p, "abcdefghijklmnopqrstuvwxyz0123456789");
	for (unsigned p = 0; n > 0 && p <= EXPOSURE_PROTO_MAX; p++) {
		const char *name = exposure_proto_name(p);

		if (name && strlen(name) == n && strncmp(ps->p, name, n) == 0) {
			*lo = *hi = p;
			ps->p += n;
			return true;
		}
	}
	return exposure_parse_fail(ps, "a protocol");
}

/*
 * protos = "any" | "all protocols except " items | items, items being
 * item *(", " item); sets flags[p] for each protocol p named.
 */
static bool exposure_parse_protos(struct exposure_parser *ps, bool *flags)
{
	bool except = false;

	if (exposure_parse_lit(ps, "any")) {
		memset(flags, 1, (EXPOSURE_PROTO_MAX + 1) * sizeof(*flags));
		return true;
	}
	except = exposure_parse_lit(ps, "all protocols except ");
	memset(flags, except, (EXPOSURE_PROTO_MAX + 1) * sizeof(*flags));
	do {
		unsigned lo, hi;

		if (!exposure_parse_proto_item(ps, &lo, &hi))
			return false;
		for (unsigned p = lo; p <= hi; p++)
			flags[p] = !except;
	} while (exposure_parse_lit(ps, ", "));
	return true;
}

/* One source token: an address if it reads as one, else a %XX-escaped atom. */
static bool exposure_parse_source(struct exposure_parser *ps, srcset *src)
{
	size_t n = strcspn(ps->p, ",; ");
	struct srcset_range r;
	bool v6;

	if (n == 0)
		return exposure_parse_fail(ps, "a source");
	if (exposure_print_parse_cidr(&r, &v6, ps->p, n)) {
		exposure_print_add_range(src, &r, v6);
		ps->p += n;
		return true;
	}

	g_autoptr(GString) atom = g_string_sized_new(n);
	const char *end = ps->p + n;
	while (ps->p < end) {
		unsigned char c = (unsigned char)*ps->p;
		if (c == '%') {
			int h = end - ps->p >= 3 ? g_ascii_xdigit_value(ps->p[1]) : -1;
			int l = h >= 0 ? g_ascii_xdigit_value(ps->p[2]) : -1;
			if (l < 0 || (h == 0 && l == 0))
				return exposure_parse_fail(ps, "an escape %XX other than %00");
			g_string_append_c(atom, (char)(h * 16 + l));
			ps->p += 3;
		} else if (exposure_print_atom_char_ok(c)) {
			g_string_append_c(atom, (char)c);
			ps->p++;
		} else {
			return exposure_parse_fail(ps, "a source (address or atom)");
		}
	}
	srcset_add_atom(src, atom->str);
	return true;
}

/* Appends a box per interval of flagged protocols and port range. */
static void exposure_parse_add_boxes(GPtrArray *boxes, const bool *flags, const GArray *ports,
                                     const srcset *src)
{
	for (unsigned lo = 0; lo <= EXPOSURE_PROTO_MAX; lo++) {
		unsigned hi = lo;

		if (!flags[lo])
			continue;
		while (hi < EXPOSURE_PROTO_MAX && flags[hi + 1])
			hi++;
		for (guint i = 0; i < ports->len; i += 2)
			g_ptr_array_add(boxes, exposure_new_box_shared(lo, hi, g_array_index(ports, unsigned, i),
			                                               g_array_index(ports, unsigned, i + 1), src));
		lo = hi;
	}
}

/* entry = protos ["/" ports] " from " src *(", " src); appends its boxes. */
static bool exposure_parse_entry(struct exposure_parser *ps, GPtrArray *boxes)
{
	bool flags[EXPOSURE_PROTO_MAX + 1];
	g_autoptr(GArray) ports = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autoptr(srcset) src = srcset_new();

	if (!exposure_parse_protos(ps, flags))
		return false;
	if (*ps->p == '/') {
		do {
			unsigned lo, hi;
			ps->p++;
			if (!exposure_parse_range(ps, &lo, &hi, EXPOSURE_PORT_MAX, "a port 0..65535"))
				return false;
			g_array_append_val(ports, lo);
			g_array_append_val(ports, hi);
		} while (*ps->p == ',');
	} else {
		unsigned all[2] = { 0, EXPOSURE_PORT_MAX };
		g_array_append_vals(ports, all, 2);
	}
	if (!exposure_parse_lit(ps, " from "))
		return exposure_parse_fail(ps, "\" from \"");
	do {
		if (!exposure_parse_source(ps, src))
			return false;
	} while (exposure_parse_lit(ps, ", "));
	exposure_parse_add_boxes(boxes, flags, ports, src);
	return true;
}

static void exposure_parse_free_box(void *e)
{
	exposure_free(e);
}

exposure *exposure_parse(const char *text, GError **error)
{
	struct exposure_parser ps = { text, text, error };
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func(exposure_parse_free_box);

	if (strcmp(text, "nothing") == 0)
		return exposure_new();
	do {
		if (!exposure_parse_entry(&ps, boxes))
			return NULL;
	} while (exposure_parse_lit(&ps, "; "));
	if (*ps.p != '\0') {
		exposure_parse_fail(&ps, "\"; \" or the end");
		return NULL;
	}
	return exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
}
