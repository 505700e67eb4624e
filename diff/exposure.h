/*
 * exposure.h - exposure sets: which (protocol, source, destination port)
 * triples a rule list lets in.
 *
 * The space is protocol (0..255) x source x port (0..65535), where a source
 * is an IPv4 address, an IPv6 address, or a named atom (an Azure service
 * tag, a security-group reference, a pod selector). IPv4 and IPv6 are
 * separate spaces: 0.0.0.0/0 admits no IPv6 client. "Internet", "*" and
 * "Any" are addresses (all of them), never atoms.
 *
 * Ports apply only to tcp (6), udp (17) and sctp (132). For every other
 * protocol the port dimension is always the full range: a box that names a
 * narrower port range does not include port-less protocols at all (Azure
 * and AWS ignore ports for ICMP; a "port 22" rule does not match ICMP).
 *
 * Canonical form (DESIGN.md): protocol runs, each a sorted list of disjoint
 * port intervals mapped to a source set (sorted disjoint address intervals
 * plus sorted atoms), equal neighbours merged. Equal sets have one
 * representation, so exposure_equal() is a comparison and printing gives
 * the shortest list of CIDRs and port ranges.
 *
 * All operations sweep over the union of boundaries and return new sets;
 * inputs are never modified. Every function returning a pointer returns a
 * new object the caller frees.
 */
#ifndef DW_EXPOSURE_H
#define DW_EXPOSURE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	EXPOSURE_PROTO_ICMP = 1,
	EXPOSURE_PROTO_TCP = 6,
	EXPOSURE_PROTO_UDP = 17,
	EXPOSURE_PROTO_ICMPV6 = 58,
	EXPOSURE_PROTO_SCTP = 132,
	EXPOSURE_PROTO_MAX = 255,
	EXPOSURE_PORT_MAX = 65535,
};

/* A 128-bit IPv6 address as two host-order halves. */
struct exposure_v6 {
	uint64_t hi;
	uint64_t lo;
};

/*
 * A set of sources: IPv4 ranges, IPv6 ranges and atoms. Built by adding in
 * any order; kept canonical (sorted, disjoint, merged) by every function
 * that reads it.
 */
typedef struct srcset srcset;

srcset *srcset_new(void);
srcset *srcset_copy(const srcset *s);
void srcset_free(srcset *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(srcset, srcset_free)

/* Every IPv4 and every IPv6 address (what "*", "Internet", "Any" mean). */
void srcset_add_all_addresses(srcset *s);
/* Inclusive ranges. */
void srcset_add_v4(srcset *s, uint32_t lo, uint32_t hi);
void srcset_add_v6(srcset *s, struct exposure_v6 lo, struct exposure_v6 hi);
/*
 * An atom names a source that is not an address. By convention it is
 * "kind:name" ("azure-tag:VirtualNetwork", "aws-sg:WebSG"); it must not
 * parse as an address. Characters outside [A-Za-z0-9._:@/-] are escaped
 * as %XX when printed and unescaped when parsed.
 */
void srcset_add_atom(srcset *s, const char *atom);
/*
 * Parses one address source: "10.0.0.0/8", "10.1.2.3" (a /32),
 * "2001:db8::/32", "::1". Host bits below the prefix are ignored, as AWS
 * and Azure do ("10.1.2.3/8" is 10.0.0.0/8). Fails with DW_ERROR_PARSE on
 * anything else, including a prefix length outside 0..32 / 0..128.
 */
bool srcset_add_cidr(srcset *s, const char *text, GError **error);

srcset *srcset_union(const srcset *a, const srcset *b);
srcset *srcset_intersect(const srcset *a, const srcset *b);
srcset *srcset_subtract(const srcset *a, const srcset *b);
bool srcset_is_empty(const srcset *s);
/*
 * Are s's IPv4 addresses no more than those of one /v4_prefix, and its
 * IPv6 addresses no more than one /v6_prefix (counted in total, wherever
 * they lie)? Atoms are not counted. Grades public sources by size.
 */
bool srcset_fits(const srcset *s, unsigned v4_prefix, unsigned v6_prefix);
bool srcset_equal(const srcset *a, const srcset *b);
/* Canonical text: shortest CIDR list (IPv4, then IPv6), then atoms, ", " between. */
char *srcset_to_string(const srcset *s);

/* An exposure set. */
typedef struct exposure exposure;

/* The empty set. */
exposure *exposure_new(void);
/*
 * One box: protocols proto_lo..proto_hi, ports port_lo..port_hi (both
 * inclusive; see the note on port-less protocols above), sources src
 * (copied; the caller keeps src).
 */
exposure *exposure_new_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                           const srcset *src);
exposure *exposure_copy(const exposure *e);
void exposure_free(exposure *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(exposure, exposure_free)

exposure *exposure_union(const exposure *a, const exposure *b);
exposure *exposure_intersect(const exposure *a, const exposure *b);
exposure *exposure_subtract(const exposure *a, const exposure *b);
bool exposure_is_empty(const exposure *e);
bool exposure_equal(const exposure *a, const exposure *b);
/* The part of e whose source is in src, all protocols and ports. */
exposure *exposure_restrict_sources(const exposure *e, const srcset *src);
/* The part of e on the protocols and ports where region lets anything in,
 * whatever the source: one sweep, no set of sources built. */
exposure *exposure_on_ports(const exposure *e, const exposure *region);

/* Union of n sets, merged pairwise in a balanced tree: O(S log n). */
exposure *exposure_union_all(const exposure *const *sets, size_t n);

/*
 * First match (Azure NSG, AWS network ACL, GCP firewall): rules sorted by
 * the caller in evaluation order; a packet takes the first rule it
 * matches. allowed = U_i (allow_i - U_{j<i} match_j). Divide and conquer,
 * so the cost stays O(S log n) rather than quadratic.
 */
struct exposure_rule {
	const exposure *match; /* borrowed */
	bool allow;
};
exposure *exposure_first_match(const struct exposure_rule *rules, size_t n);

/*
 * Canonical printing. Grammar (exposure_parse() reads exactly this):
 *   set     = "nothing" | entry *("; " entry)
 *   entry   = protos ["/" ports] " from " src *(", " src)
 *   protos  = "any" | "all protocols except " items | items
 *   items   = item *(", " item); item = NAME | N | N "-" N
 *   ports   = range *("," range); range = N | N "-" N
 * NAME is a name of exposure_proto_name() ("tcp", "icmp", "esp"...).
 * Ports are printed for tcp, udp and sctp and omitted (meaning all) for
 * protocol runs that are not a single port-bearing protocol. Port ranges
 * of one protocol with equal sources share an entry ("tcp/22,80-90 from
 * ..."); so do the protocols printed without ports, named by name
 * ("icmp, esp from ..."), or by what they leave out when that is shorter
 * ("all protocols except tcp from ..."). Example: "tcp/9200 from
 * 0.0.0.0/0, ::/0; udp/53 from 10.0.0.0/8".
 */
char *exposure_to_string(const exposure *e);
/* Parses the grammar above; DW_ERROR_PARSE with the offending token. */
exposure *exposure_parse(const char *text, GError **error);

/* Walks the canonical form; src is borrowed for the call only. */
typedef void (*exposure_foreach_fn)(unsigned proto_lo, unsigned proto_hi, unsigned port_lo,
                                    unsigned port_hi, const srcset *src, void *user_data);
void exposure_foreach(const exposure *e, exposure_foreach_fn fn, void *user_data);

/* The name of a protocol number ("tcp", "esp": IANA's keyword, lower case),
 * or NULL when it has none. */
const char *exposure_proto_name(unsigned proto);
/* Does this protocol carry ports (tcp, udp, sctp)? */
bool exposure_proto_has_ports(unsigned proto);

#endif
