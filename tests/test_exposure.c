/*
 * test_exposure.c - exposure sets: boxes, CIDR parsing, canonical printing,
 * first match, and two property tests (algebraic identities on 10,000
 * random rules; every point of a small universe against a brute-force
 * model). Random tests use a fixed seed, printed, and overridable with
 * DW_TEST_SEED=<n> to reproduce or explore; DW_TEST_FILTER=<glob> runs
 * only the matching cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_error.h"
#include "exposure.h"

#define ALL_PORTS 0, EXPOSURE_PORT_MAX

/* A source set from space-separated tokens: CIDRs, else atoms. */
static srcset *src(const char *tokens)
{
	srcset *s = srcset_new();
	g_auto(GStrv) v = g_strsplit(tokens, " ", -1);

	for (char **t = v; *t; t++) {
		if (!**t)
			continue;
		if (strcmp(*t, "*") == 0)
			srcset_add_all_addresses(s);
		else if (!srcset_add_cidr(s, *t, NULL))
			srcset_add_atom(s, *t);
	}
	return s;
}

static exposure *box(unsigned plo, unsigned phi, unsigned lo, unsigned hi, const char *tokens)
{
	g_autoptr(srcset) s = src(tokens);
	return exposure_new_box(plo, phi, lo, hi, s);
}

/* Adds b to *acc, taking ownership of b. */
static void add(exposure **acc, exposure *b)
{
	exposure *u = exposure_union(*acc, b);
	exposure_free(*acc);
	exposure_free(b);
	*acc = u;
}

static exposure *parse_ok(const char *text)
{
	g_autoptr(GError) error = NULL;
	exposure *e = exposure_parse(text, &error);
	if (!e)
		fail_msg("parse of \"%s\" failed: %s", text, error->message);
	return e;
}

/* e prints as expected, and the text reads back as an equal set. */
static void assert_prints(const exposure *e, const char *expected)
{
	g_autofree char *text = exposure_to_string(e);
	assert_string_equal(text, expected);
	g_autoptr(exposure) back = parse_ok(text);
	assert_true(exposure_equal(back, e));
}

static void assert_src_prints(const char *tokens, const char *expected)
{
	g_autoptr(srcset) s = src(tokens);
	g_autofree char *text = srcset_to_string(s);
	assert_string_equal(text, expected);
}

/* ---- unit cases ------------------------------------------------------ */

static void test_exposure__empty_set_prints_nothing(void **state)
{
	g_autoptr(exposure) e = exposure_new();
	assert_true(exposure_is_empty(e));
	assert_prints(e, "nothing");
	g_autoptr(exposure) empty_src = box(6, 6, 22, 22, "");
	assert_true(exposure_is_empty(empty_src));
}

static void test_exposure__single_box_prints(void **state)
{
	g_autoptr(exposure) e = box(6, 6, 22, 22, "10.0.0.0/8");
	assert_false(exposure_is_empty(e));
	assert_prints(e, "tcp/22 from 10.0.0.0/8");
	g_autoptr(exposure) u = box(17, 17, 53, 53, "10.0.0.0/8");
	assert_prints(u, "udp/53 from 10.0.0.0/8");
	g_autoptr(exposure) p = box(47, 47, ALL_PORTS, "192.0.2.7");
	assert_prints(p, "gre from 192.0.2.7/32");
	g_autoptr(exposure) r = box(2, 4, ALL_PORTS, "192.0.2.7");
	assert_prints(r, "igmp, 3-4 from 192.0.2.7/32");
	g_autoptr(exposure) v6 = box(58, 58, ALL_PORTS, "2001:db8::/32");
	assert_prints(v6, "icmpv6 from 2001:db8::/32");
}

static void test_exposure__cidr_parses_and_drops_host_bits(void **state)
{
	assert_src_prints("10.1.2.3/8", "10.0.0.0/8");
	assert_src_prints("10.1.2.3", "10.1.2.3/32");
	assert_src_prints("10.1.2.3/31", "10.1.2.2/31");
	assert_src_prints("255.255.255.255/32", "255.255.255.255/32");
	assert_src_prints("0.0.0.0/0", "0.0.0.0/0");
	assert_src_prints("1.2.3.4/0", "0.0.0.0/0");
	assert_src_prints("2001:db8::1/32", "2001:db8::/32");
	assert_src_prints("::1", "::1/128");
	assert_src_prints("::/0", "::/0");
	assert_src_prints("ffff::1/1", "8000::/1");
	assert_src_prints("2001:DB8:0:0:0:0:0:1", "2001:db8::1/128");
	assert_src_prints("::ffff:10.0.0.1", "::ffff:10.0.0.1/128");
}

/*
 * One case per way to be wrong. "10.0.0.0/08" fails on purpose: prefix
 * lengths are plain decimal without leading zeros (nothing prints one,
 * and some tools read a leading zero as octal).
 */
static void test_exposure__malformed_cidr_fails(void **state)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "1.2.3", "::/129", "10.0.0.0/08", "", "abc", "10.0.0.0/", "10.0.0.0/-1",
		"10.0.0.0/+8", " 10.0.0.0", "10.0.0.0/8 ", "01.2.3.4", "1.2.3.4/32/1", "256.0.0.0",
		"fe80::1%eth0", "::/0128", "10.0.0.0/1x", "/8", "1.2.3.4.5", "2001:db8:::1",
		"10.0.0.0/4294967304", "0x0a.0.0.0",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(srcset) s = srcset_new();
		g_autoptr(GError) error = NULL;
		if (srcset_add_cidr(s, bad[i], &error))
			fail_msg("\"%s\" parsed as an address", bad[i]);
		assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
		assert_true(srcset_is_empty(s));
	}
}

static void test_exposure__v4_and_v6_are_separate(void **state)
{
	g_autoptr(exposure) v4 = box(0, 255, ALL_PORTS, "0.0.0.0/0");
	g_autoptr(exposure) v6 = box(0, 255, ALL_PORTS, "::/0");
	g_autoptr(exposure) both = exposure_intersect(v4, v6);
	assert_true(exposure_is_empty(both));
	assert_src_prints("*", "0.0.0.0/0, ::/0");
	/* ::ffff:0:0/96 (IPv4-mapped) is IPv6 space too. */
	g_autoptr(exposure) mapped = box(0, 255, ALL_PORTS, "::ffff:0.0.0.0/96");
	g_autoptr(exposure) none = exposure_intersect(v4, mapped);
	assert_true(exposure_is_empty(none));
}

static void test_exposure__omitted_port_means_all(void **state)
{
	g_autoptr(exposure) omitted = parse_ok("tcp from 10.0.0.0/8");
	g_autoptr(exposure) full = parse_ok("tcp/0-65535 from 10.0.0.0/8");
	g_autoptr(exposure) b = box(6, 6, ALL_PORTS, "10.0.0.0/8");
	assert_true(exposure_equal(omitted, full));
	assert_true(exposure_equal(omitted, b));
	/* A single port-bearing protocol always prints its ports. */
	assert_prints(b, "tcp/0-65535 from 10.0.0.0/8");
	g_autoptr(exposure) narrow = parse_ok("tcp/0-65534 from 10.0.0.0/8");
	assert_false(exposure_equal(narrow, b));
}

static void test_exposure__icmp_with_narrow_port_is_not_included(void **state)
{
	g_autoptr(exposure) icmp = box(1, 1, 22, 22, "*");
	assert_true(exposure_is_empty(icmp));
	g_autoptr(exposure) icmp_all = box(1, 1, ALL_PORTS, "*");
	assert_prints(icmp_all, "icmp from 0.0.0.0/0, ::/0");

	g_autoptr(exposure) any22 = box(0, 255, 22, 22, "10.0.0.0/8");
	assert_prints(any22, "tcp/22 from 10.0.0.0/8; udp/22 from 10.0.0.0/8; sctp/22 from 10.0.0.0/8");
	g_autoptr(exposure) any = box(0, 255, ALL_PORTS, "10.0.0.0/8");
	assert_prints(any, "any from 10.0.0.0/8");
	g_autoptr(exposure) parsed = parse_ok("any/22 from 10.0.0.0/8");
	assert_true(exposure_equal(parsed, any22));
	g_autoptr(exposure) icmp_parsed = parse_ok("icmp/22 from 10.0.0.0/8");
	assert_true(exposure_is_empty(icmp_parsed));
}

static void test_exposure__neighbours_merge(void **state)
{
	g_autoptr(exposure) e = box(6, 6, 443, 443, "10.0.0.0/9");
	add(&e, box(6, 6, 443, 443, "10.128.0.0/9"));
	assert_prints(e, "tcp/443 from 10.0.0.0/8");

	g_autoptr(srcset) all4 = srcset_new();
	srcset_add_v4(all4, 0, UINT32_MAX);
	g_autofree char *all4_text = srcset_to_string(all4);
	assert_string_equal(all4_text, "0.0.0.0/0");

	g_autoptr(exposure) ports = box(6, 6, 22, 22, "10.0.0.0/8");
	add(&ports, box(6, 6, 80, 85, "10.0.0.0/8"));
	add(&ports, box(6, 6, 86, 90, "10.0.0.0/8"));
	assert_prints(ports, "tcp/22,80-90 from 10.0.0.0/8");

	g_autoptr(exposure) protos = box(5, 5, ALL_PORTS, "10.0.0.0/8");
	add(&protos, box(7, 7, ALL_PORTS, "10.0.0.0/8"));
	assert_prints(protos, "5, 7 from 10.0.0.0/8");
	add(&protos, box(6, 6, ALL_PORTS, "10.0.0.0/8"));
	assert_prints(protos, "5, tcp, 7 from 10.0.0.0/8");

	g_autoptr(exposure) all = box(0, 127, ALL_PORTS, "*");
	add(&all, box(128, 255, ALL_PORTS, "*"));
	assert_prints(all, "any from 0.0.0.0/0, ::/0");
}

static void test_exposure__ranges_print_shortest_cidrs(void **state)
{
	g_autoptr(srcset) s = srcset_new();
	srcset_add_v4(s, 0x0A000001, 0x0A000006);
	g_autofree char *t = srcset_to_string(s);
	assert_string_equal(t, "10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32");

	g_autoptr(srcset) top = srcset_new();
	srcset_add_v4(top, 0xFFFFFFFE, 0xFFFFFFFF);
	srcset_add_v4(top, 0, 0);
	g_autofree char *tt = srcset_to_string(top);
	assert_string_equal(tt, "0.0.0.0/32, 255.255.255.254/31");

	g_autoptr(srcset) v6 = srcset_new();
	struct exposure_v6 max = { UINT64_MAX, UINT64_MAX }, one = { 0, 1 };
	struct exposure_v6 hi_half = { UINT64_C(0x8000000000000000), 0 };
	srcset_add_v6(v6, hi_half, max);
	g_autofree char *t6 = srcset_to_string(v6);
	assert_string_equal(t6, "8000::/1");
	srcset_add_v6(v6, one, one);
	g_autofree char *t6b = srcset_to_string(v6);
	assert_string_equal(t6b, "::1/128, 8000::/1");
	struct exposure_v6 zero = { 0, 0 };
	srcset_add_v6(v6, zero, max);
	g_autofree char *t6c = srcset_to_string(v6);
	assert_string_equal(t6c, "::/0");

	/* Two v6 ranges touching across the 64-bit halves merge. */
	g_autoptr(srcset) mid = srcset_new();
	struct exposure_v6 a = { 0, UINT64_MAX }, b = { 1, 0 };
	srcset_add_v6(mid, a, a);
	srcset_add_v6(mid, b, b);
	g_autofree char *tm = srcset_to_string(mid);
	assert_string_equal(tm, "::ffff:ffff:ffff:ffff/128, 0:0:0:1::/128");
	srcset_add_v6(mid, zero, a);
	g_autofree char *tm2 = srcset_to_string(mid);
	assert_string_equal(tm2, "::/64, 0:0:0:1::/128");
}

static void test_exposure__srcset_operations(void **state)
{
	g_autoptr(srcset) a = src("10.0.0.0/8 2001:db8::/32 tag:a tag:b");
	g_autoptr(srcset) b = src("10.1.0.0/16 2001:db8::/33 tag:b tag:c");
	g_autoptr(srcset) u = srcset_union(a, b);
	g_autoptr(srcset) i = srcset_intersect(a, b);
	g_autoptr(srcset) d = srcset_subtract(a, b);
	g_autofree char *ut = srcset_to_string(u);
	g_autofree char *it = srcset_to_string(i);
	g_autofree char *dt = srcset_to_string(d);
	assert_string_equal(ut, "10.0.0.0/8, 2001:db8::/32, tag:a, tag:b, tag:c");
	assert_string_equal(it, "10.1.0.0/16, 2001:db8::/33, tag:b");
	assert_string_equal(dt, "10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, "
	                        "10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9, 2001:db8:8000::/33, tag:a");
	g_autoptr(srcset) back = srcset_union(d, i);
	assert_true(srcset_equal(back, a));
	g_autoptr(srcset) c = srcset_copy(a);
	assert_true(srcset_equal(c, a));
	srcset_add_atom(c, "tag:a");
	assert_true(srcset_equal(c, a));
	srcset_add_atom(c, "tag:z");
	assert_false(srcset_equal(c, a));
	g_autoptr(srcset) e = srcset_subtract(a, a);
	assert_true(srcset_is_empty(e));
}

static void test_exposure__reordered_rules_are_equal(void **state)
{
	static const char *const rules[] = {
		"tcp/22 from 10.0.0.0/9", "tcp/22 from 10.128.0.0/9", "udp/53 from 192.0.2.0/24, tag:x",
		"tcp/20-30 from 10.0.0.0/8", "any from 203.0.113.0/25", "icmp from 203.0.113.128/25",
		"tcp/8000-8999 from ::/0",
	};
	g_autoptr(exposure) fwd = exposure_new();
	g_autoptr(exposure) rev = exposure_new();
	for (size_t i = 0; i < G_N_ELEMENTS(rules); i++) {
		add(&fwd, parse_ok(rules[i]));
		add(&rev, parse_ok(rules[G_N_ELEMENTS(rules) - 1 - i]));
	}
	assert_true(exposure_equal(fwd, rev));
	g_autofree char *a = exposure_to_string(fwd);
	g_autofree char *b = exposure_to_string(rev);
	assert_string_equal(a, b);
}

static void test_exposure__atoms_are_escaped(void **state)
{
	g_autoptr(srcset) s = srcset_new();
	srcset_add_atom(s, "azure-tag:VirtualNetwork");
	srcset_add_atom(s, "k8s:app=web db");
	srcset_add_atom(s, "10.0.0.1");
	srcset_add_atom(s, "100%;,");
	g_autofree char *t = srcset_to_string(s);
	assert_string_equal(t, "%310.0.0.1, 100%25%3B%2C, azure-tag:VirtualNetwork, k8s:app%3Dweb%20db");

	g_autoptr(exposure) e = exposure_new_box(6, 6, 22, 22, s);
	assert_prints(e, "tcp/22 from %310.0.0.1, 100%25%3B%2C, azure-tag:VirtualNetwork, k8s:app%3Dweb%20db");
	/* The escaped atom stays an atom: no address admitted. */
	g_autoptr(exposure) addr = box(6, 6, 22, 22, "10.0.0.1");
	g_autoptr(exposure) none = exposure_intersect(e, addr);
	assert_true(exposure_is_empty(none));
}

static void test_exposure__parse_rejects_junk(void **state)
{
	static const char *const bad[] = {
		"", "nothing ", " nothing", "tcp", "tcp/ from 1.2.3.4", "tcp/22 from", "tcp/22 from ",
		"tcp/70000 from 1.2.3.4", "tcp/22-21 from 1.2.3.4", "tcp/022 from 1.2.3.4", "foo from 1.2.3.4",
		"tcp/22 from 1.2.3.4;", "tcp/22 from 1.2.3.4;udp from 1.2.3.4", "tcp/22 from a%zz",
		"tcp/22 from a%00", "tcp/22 from a%4", "tcp/22 from a!b", "256 from 1.2.3.4", "TCP from 1.2.3.4",
		"tcp/22  from 1.2.3.4", "tcp/22 from 1.2.3.4,5.6.7.8", "tcp/22 from 1.2.3.4, ", "5-4 from 1.2.3.4",
		"tcp/22, 23 from 1.2.3.4", "tcp/22 from 1.2.3.4; ", "; tcp from 1.2.3.4", "tcp/-1 from 1.2.3.4",
		"icmpv7 from 1.2.3.4", "tcp/22 from caf\xc3\xa9", "tcp/22 from 1.2.3.4\n",
		"all protocols except from 1.2.3.4", "all protocols except  tcp from 1.2.3.4",
		"icmp,esp from 1.2.3.4", "icmp, from 1.2.3.4", "icmp,  esp from 1.2.3.4",
		"all protocols from 1.2.3.4", "tcp, any from 1.2.3.4", "anything from 1.2.3.4",
		"all protocols except any from 1.2.3.4", "esp, 256 from 1.2.3.4",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(exposure) e = exposure_parse(bad[i], &error);
		if (e)
			fail_msg("\"%s\" parsed", bad[i]);
		assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	}
}

static void test_exposure__parse_accepts_unsorted_and_unmerged(void **state)
{
	g_autoptr(exposure) e = parse_ok("udp/53 from tag:b, 10.0.0.0/9; tcp/90,22,80-89 from 10.1.2.3/8; "
	                                 "udp/53 from 10.128.0.0/9, tag:a; 6 from ::1");
	assert_prints(e, "tcp/0-21,23-79,91-65535 from ::1/128; tcp/22,80-90 from 10.0.0.0/8, ::1/128; "
	                 "udp/53 from 10.0.0.0/8, tag:a, tag:b");
}

static void test_exposure__restrict_sources(void **state)
{
	g_autoptr(exposure) e = parse_ok("tcp/22 from 0.0.0.0/0, tag:vnet; udp/53 from ::/0");
	g_autoptr(srcset) s = src("10.0.0.0/8 2001:db8::/32");
	g_autoptr(exposure) r = exposure_restrict_sources(e, s);
	assert_prints(r, "tcp/22 from 10.0.0.0/8; udp/53 from 2001:db8::/32");
}

static void test_exposure__on_ports_keeps_own_sources(void **state)
{
	g_autoptr(exposure) e = parse_ok("tcp/20-30 from 0.0.0.0/0, tag:vnet; udp/53 from ::/0; icmp from 10.0.0.0/8");
	g_autoptr(exposure) region = parse_ok("tcp/22,25-40 from 192.0.2.1; icmp from tag:x; udp/1-52 from tag:x");
	g_autoptr(exposure) r = exposure_on_ports(e, region);
	assert_prints(r, "icmp from 10.0.0.0/8; tcp/22,25-30 from 0.0.0.0/0, tag:vnet");
	g_autoptr(exposure) none = exposure_new();
	g_autoptr(exposure) empty = exposure_on_ports(e, none);
	assert_true(exposure_is_empty(empty));
}

static void test_exposure__union_all(void **state)
{
	g_autoptr(exposure) none = exposure_union_all(NULL, 0);
	assert_true(exposure_is_empty(none));
	g_autoptr(exposure) a = parse_ok("tcp/22 from 10.0.0.0/8");
	g_autoptr(exposure) b = parse_ok("tcp/23 from 10.0.0.0/8");
	g_autoptr(exposure) c = parse_ok("tcp/24 from 10.0.0.0/8");
	const exposure *one[] = { a };
	g_autoptr(exposure) only = exposure_union_all(one, 1);
	assert_true(exposure_equal(only, a));
	const exposure *three[] = { c, a, b };
	g_autoptr(exposure) u = exposure_union_all(three, 3);
	assert_prints(u, "tcp/22-24 from 10.0.0.0/8");
}

static void test_exposure__first_match_deny_before_allow(void **state)
{
	g_autoptr(exposure) deny22 = box(6, 6, 22, 22, "*");
	g_autoptr(exposure) allow_tcp = box(6, 6, ALL_PORTS, "0.0.0.0/0");
	struct exposure_rule rules[] = { { deny22, false }, { allow_tcp, true } };
	g_autoptr(exposure) fm = exposure_first_match(rules, 2);
	assert_prints(fm, "tcp/0-21,23-65535 from 0.0.0.0/0");

	/* The other order: the allow comes first and wins. */
	struct exposure_rule swapped[] = { { allow_tcp, true }, { deny22, false } };
	g_autoptr(exposure) fm2 = exposure_first_match(swapped, 2);
	assert_true(exposure_equal(fm2, allow_tcp));

	g_autoptr(exposure) none = exposure_first_match(NULL, 0);
	assert_true(exposure_is_empty(none));
}

/*
 * Azure NSG: lowest priority number wins; the default rules at 65000
 * (AllowVnetInBound), 65001 (AllowAzureLoadBalancerInBound) and 65500
 * (DenyAllInBound) come last.
 */
static void test_exposure__azure_defaults(void **state)
{
	g_autoptr(exposure) rdp = box(6, 6, 3389, 3389, "*");
	g_autoptr(exposure) deny_ssh = box(6, 6, 22, 22, "* azure-tag:VirtualNetwork");
	g_autoptr(exposure) ssh_vnet = box(6, 6, 22, 22, "*");
	g_autoptr(exposure) vnet = box(0, 255, ALL_PORTS, "azure-tag:VirtualNetwork");
	g_autoptr(exposure) lb = box(0, 255, ALL_PORTS, "azure-tag:AzureLoadBalancer");
	g_autoptr(exposure) deny_all = box(0, 255, ALL_PORTS, "* azure-tag:VirtualNetwork azure-tag:AzureLoadBalancer");
	struct exposure_rule rules[] = {
		{ rdp, true },     /* 100 AllowRDP from Internet */
		{ deny_ssh, false }, /* 200 DenySSH from Internet and the VNet */
		{ ssh_vnet, true },  /* 300 AllowSSH: shadowed by 200 */
		{ vnet, true },      /* 65000 */
		{ lb, true },        /* 65001 */
		{ deny_all, false }, /* 65500 */
	};
	g_autoptr(exposure) fm = exposure_first_match(rules, G_N_ELEMENTS(rules));
	assert_prints(fm, "all protocols except tcp from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                  "tcp/0-21,23-3388,3390-65535 from azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork; "
	                  "tcp/22 from azure-tag:AzureLoadBalancer; "
	                  "tcp/3389 from 0.0.0.0/0, ::/0, azure-tag:AzureLoadBalancer, azure-tag:VirtualNetwork");
	g_autoptr(exposure) internet = box(0, 255, ALL_PORTS, "*");
	g_autoptr(exposure) from_internet = exposure_intersect(fm, internet);
	assert_prints(from_internet, "tcp/3389 from 0.0.0.0/0, ::/0");
}

struct foreach_log {
	GString *text;
};

static void foreach_collect(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                            const srcset *s, void *user_data)
{
	struct foreach_log *log = user_data;
	g_autofree char *t = srcset_to_string(s);
	g_string_append_printf(log->text, "[%u-%u %u-%u %s]", proto_lo, proto_hi, port_lo, port_hi, t);
}

static void test_exposure__foreach_walks_canonical_form(void **state)
{
	g_autoptr(exposure) e = parse_ok("tcp/22,80 from 10.0.0.0/8; udp from tag:x");
	g_autoptr(GString) text = g_string_new(NULL);
	struct foreach_log log = { text };
	exposure_foreach(e, foreach_collect, &log);
	assert_string_equal(text->str, "[6-6 22-22 10.0.0.0/8][6-6 80-80 10.0.0.0/8][17-17 0-65535 tag:x]");
}

/*
 * Protocols printed without ports are one entry per source set, named:
 * Azure's default rules around a tcp rule read "all protocols except
 * tcp", never "0-5; 7-255". Each form reads back equal.
 */
static void test_exposure__protocols_print_by_name(void **state)
{
	g_autoptr(exposure) ipsec = box(50, 51, ALL_PORTS, "203.0.113.9");
	assert_prints(ipsec, "esp, ah from 203.0.113.9/32");
	g_autoptr(exposure) pings = box(1, 1, ALL_PORTS, "10.0.0.0/8");
	add(&pings, box(58, 58, ALL_PORTS, "10.0.0.0/8"));
	assert_prints(pings, "icmp, icmpv6 from 10.0.0.0/8");

	/* Everything but tcp/22 from the VNet: tcp keeps its ports. */
	g_autoptr(exposure) vnet = box(0, 255, ALL_PORTS, "azure-tag:VirtualNetwork");
	g_autoptr(exposure) ssh = box(6, 6, 22, 22, "azure-tag:VirtualNetwork");
	g_autoptr(exposure) rest = exposure_subtract(vnet, ssh);
	assert_prints(rest, "all protocols except tcp from azure-tag:VirtualNetwork; "
	                    "tcp/0-21,23-65535 from azure-tag:VirtualNetwork");

	/* tcp and udp carved out: both named, in protocol order. */
	g_autoptr(exposure) dns = box(17, 17, 53, 53, "azure-tag:VirtualNetwork");
	g_autoptr(exposure) rest2 = exposure_subtract(rest, dns);
	assert_prints(rest2, "all protocols except tcp, udp from azure-tag:VirtualNetwork; "
	                     "tcp/0-21,23-65535 from azure-tag:VirtualNetwork; "
	                     "udp/0-52,54-65535 from azure-tag:VirtualNetwork");

	/* Numbers without a name stay numbers, split around named ones. */
	g_autoptr(exposure) low = box(0, 5, ALL_PORTS, "10.0.0.0/8");
	assert_prints(low, "0, icmp, igmp, 3-5 from 10.0.0.0/8");

	const exposure *all[] = { ipsec, pings, rest, rest2, low };
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		g_autofree char *text = exposure_to_string(all[i]);
		g_autoptr(exposure) back = parse_ok(text);
		assert_true(exposure_equal(back, all[i]));
	}
}

/* srcset_fits counts addresses per family, wherever they lie; atoms do not count. */
static void test_exposure__srcset_fits_counts_addresses(void **state)
{
	g_autoptr(srcset) none = src("k8s:cluster");
	g_autoptr(srcset) one = src("198.51.100.7");
	g_autoptr(srcset) two24 = src("198.51.100.0/24 203.0.113.0/24");
	g_autoptr(srcset) all = src("*");
	g_autoptr(srcset) v6 = src("2001:db8::/64 2001:db8:1::/64");

	assert_true(srcset_fits(none, 32, 128));
	assert_true(srcset_fits(one, 32, 128));
	assert_false(srcset_fits(two24, 24, 48));
	assert_true(srcset_fits(two24, 23, 128));
	/* 2^32 and 2^128 addresses, counted without wrapping. */
	assert_true(srcset_fits(all, 0, 0));
	assert_false(srcset_fits(all, 1, 0));
	assert_false(srcset_fits(all, 0, 1));
	assert_false(srcset_fits(v6, 32, 64));
	assert_true(srcset_fits(v6, 32, 63));
}

/* The numeric forms earlier versions printed still read, as the same sets. */
static void test_exposure__numeric_protocols_still_parse(void **state)
{
	g_autoptr(exposure) old = parse_ok("0-5 from tag:a; tcp/0-21,23-65535 from tag:a; 7-255 from tag:a");
	g_autoptr(exposure) now = parse_ok("all protocols except tcp from tag:a; tcp/0-21,23-65535 from tag:a");
	g_autoptr(exposure) named = parse_ok("47, esp, 51 from 192.0.2.1");
	g_autoptr(exposure) numbers = parse_ok("47 from 192.0.2.1; 50-51 from 192.0.2.1");

	assert_true(exposure_equal(old, now));
	assert_true(exposure_equal(named, numbers));
	assert_prints(named, "gre, esp, ah from 192.0.2.1/32");
}

static void test_exposure__proto_names(void **state)
{
	assert_string_equal(exposure_proto_name(6), "tcp");
	assert_string_equal(exposure_proto_name(58), "icmpv6");
	assert_null(exposure_proto_name(0));
	assert_string_equal(exposure_proto_name(47), "gre");
	assert_string_equal(exposure_proto_name(50), "esp");
	assert_null(exposure_proto_name(3));
	assert_true(exposure_proto_has_ports(132));
	assert_false(exposure_proto_has_ports(1));
}

/* ---- property tests -------------------------------------------------- */

static guint32 test_seed(void)
{
	const char *env = g_getenv("DW_TEST_SEED");
	guint32 seed = env ? (guint32)g_ascii_strtoull(env, NULL, 10) : 20240611u;
	print_message("# seed %u (DW_TEST_SEED=%u to reproduce)\n", seed, seed);
	return seed;
}

/* Random sources drawn sparsely, so that unions of thousands stay far from "everything". */
static void add_random_v4_cidr(srcset *s, GRand *r)
{
	unsigned prefix = (unsigned)g_rand_int_range(r, 20, 33);
	uint32_t a = 0x0A000000u | (g_rand_int(r) & 0x000FFFFFu);
	uint32_t host = prefix == 32 ? 0 : (UINT32_C(0xFFFFFFFF) >> prefix);
	srcset_add_v4(s, a & ~host, (a & ~host) | host);
}

static void add_random_v6_cidr(srcset *s, GRand *r)
{
	unsigned prefix = (unsigned)g_rand_int_range(r, 56, 129);
	struct exposure_v6 a = { UINT64_C(0x20010db800000000) | (g_rand_int(r) & 0xFFFF),
		                 ((uint64_t)g_rand_int(r) << 32) | g_rand_int(r) };
	struct exposure_v6 b = a;

	if (prefix <= 64) {
		uint64_t m = prefix == 64 ? 0 : (UINT64_MAX >> prefix);
		a.hi &= ~m;
		a.lo = 0;
		b.hi = a.hi | m;
		b.lo = UINT64_MAX;
	} else {
		uint64_t m = prefix == 128 ? 0 : (UINT64_MAX >> (prefix - 64));
		a.lo &= ~m;
		b.lo = a.lo | m;
	}
	srcset_add_v6(s, a, b);
}

static srcset *random_big_src(GRand *r)
{
	srcset *s = srcset_new();
	int n = g_rand_int_range(r, 1, 4);

	for (int i = 0; i < n; i++) {
		int k = g_rand_int_range(r, 0, 1000);
		if (k < 700) {
			add_random_v4_cidr(s, r);
		} else if (k < 850) {
			add_random_v6_cidr(s, r);
		} else if (k < 999) {
			char atom[32];
			g_snprintf(atom, sizeof(atom), "aws-sg:sg-%d", g_rand_int_range(r, 0, 40));
			srcset_add_atom(s, atom);
		} else {
			srcset_add_all_addresses(s);
		}
	}
	return s;
}

static exposure *random_big_box(GRand *r)
{
	static const unsigned ports[][2] = { { 22, 22 },     { 80, 80 },     { 443, 443 },   { 3389, 3389 },
		                             { 8080, 8090 }, { 53, 53 },     { 25, 25 },     { 5432, 5432 },
		                             { 6379, 6379 }, { 9200, 9300 }, { 1024, 65535 }, { 0, 65535 } };
	g_autoptr(srcset) s = random_big_src(r);
	unsigned plo, phi, lo, hi;
	int k = g_rand_int_range(r, 0, 100);

	if (k < 55)
		plo = phi = EXPOSURE_PROTO_TCP;
	else if (k < 75)
		plo = phi = EXPOSURE_PROTO_UDP;
	else if (k < 85)
		plo = phi = EXPOSURE_PROTO_ICMP;
	else if (k < 87)
		plo = 0, phi = 255;
	else if (k < 92)
		plo = phi = EXPOSURE_PROTO_SCTP;
	else
		plo = (unsigned)g_rand_int_range(r, 0, 256), phi = (unsigned)g_rand_int_range(r, (gint32)plo, 256);

	/*
	 * Each distinct port boundary splits every wide-port source set
	 * crossing it, so odd ports come from a small window (the canonical
	 * form is ports x sources; here the point is correctness, not size).
	 */
	if (g_rand_int_range(r, 0, 10) == 0) {
		lo = (unsigned)g_rand_int_range(r, 30000, 30064);
		hi = g_rand_boolean(r) ? lo : lo + (unsigned)g_rand_int_range(r, 0, 64);
	} else {
		size_t p = (size_t)g_rand_int_range(r, 0, G_N_ELEMENTS(ports));
		lo = ports[p][0];
		hi = ports[p][1];
	}
	return exposure_new_box(plo, phi, lo, hi, s);
}

static void free_exposure(void *e)
{
	exposure_free(e);
}

static void assert_roundtrips(const exposure *e)
{
	g_autofree char *text = exposure_to_string(e);
	g_autoptr(exposure) back = parse_ok(text);
	assert_true(exposure_equal(back, e));
}

/* 10,000 random rules: algebraic identities that must hold exactly. */
static void test_exposure__random_rules_satisfy_identities(void **state)
{
	enum { N = 10000 };
	g_autoptr(GRand) r = g_rand_new_with_seed(test_seed());
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func(free_exposure);
	for (int i = 0; i < N; i++)
		g_ptr_array_add(boxes, random_big_box(r));
	const exposure *const *all = (const exposure *const *)boxes->pdata;

	g_autoptr(exposure) a = exposure_union_all(all, N / 2);
	g_autoptr(exposure) b = exposure_union_all(all + N / 2, N - N / 2);
	g_autoptr(exposure) a_b = exposure_subtract(a, b);
	g_autoptr(exposure) ab = exposure_intersect(a, b);
	g_autoptr(exposure) back = exposure_union(a_b, ab);
	assert_true(exposure_equal(back, a));
	g_autoptr(exposure) none = exposure_intersect(a_b, b);
	assert_true(exposure_is_empty(none));
	g_autoptr(exposure) u1 = exposure_union(a, b);
	g_autoptr(exposure) u2 = exposure_union(b, a);
	assert_true(exposure_equal(u1, u2));
	g_autoptr(exposure) every = exposure_union_all(all, N);
	assert_true(exposure_equal(every, u1));
	assert_false(exposure_is_empty(ab));
	assert_false(exposure_is_empty(a_b));
	assert_roundtrips(a);
	assert_roundtrips(ab);

	/* All-allow first match is the union; a leading deny of B leaves A - B. */
	g_autofree struct exposure_rule *rules = g_new(struct exposure_rule, N + 1);
	rules[0].match = b;
	rules[0].allow = false;
	for (int i = 0; i < N; i++) {
		rules[i + 1].match = all[i];
		rules[i + 1].allow = true;
	}
	g_autoptr(exposure) fm_all = exposure_first_match(rules + 1, N);
	assert_true(exposure_equal(fm_all, every));
	g_autoptr(exposure) fm_deny = exposure_first_match(rules, N / 2 + 1);
	assert_true(exposure_equal(fm_deny, a_b));
}

/*
 * The brute-force model: a small universe of points where every random
 * box's boundaries fall, including the ends of both address spaces. Port
 * class 16 stands for ports 16..65535 (boxes end at <= 15 or at 65535).
 */
static const unsigned model_protos[] = { 0, 1, 5, 6, 7, 17, 58, 132, 254, 255 };
static const uint32_t model_v4[] = {
	0, 1, 0x0A000000, 0x0A000001, 0x0A000002, 0x0A000003, 0x0A000004, 0x0A000005, 0x0A000006,
	0x0A000007, 0x0A000008, 0x0A000009, 0x0A00000A, 0x0A00000B, 0x0A00000C, 0x0A00000D,
	0x0A00000E, 0x0A00000F, 0xFFFFFFFE, 0xFFFFFFFF,
};
static const struct exposure_v6 model_v6[] = {
	{ 0, 0 }, { 0, 1 }, { 0, UINT64_MAX }, { 1, 0 }, { UINT64_MAX, UINT64_MAX - 1 }, { UINT64_MAX, UINT64_MAX },
};
static const char *const model_atoms[] = { "tag:a", "tag:b" };

enum {
	MODEL_NPROTO = G_N_ELEMENTS(model_protos),
	MODEL_NPORT = 17,
	MODEL_NV4 = G_N_ELEMENTS(model_v4),
	MODEL_NV6 = G_N_ELEMENTS(model_v6),
	MODEL_NSRC = MODEL_NV4 + MODEL_NV6 + G_N_ELEMENTS(model_atoms),
	MODEL_N = MODEL_NPROTO * MODEL_NPORT * MODEL_NSRC,
};

struct model {
	srcset *points[MODEL_NSRC]; /* one source each */
};

struct model_set {
	bool in[MODEL_N];
};

static size_t model_index(size_t proto, size_t port, size_t source)
{
	return (proto * MODEL_NPORT + port) * MODEL_NSRC + source;
}

static int v6_cmp(struct exposure_v6 a, struct exposure_v6 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

/* A random source set over the universe, and which universe sources it holds. */
static srcset *model_random_src(bool in_out[MODEL_NSRC], GRand *r)
{
	srcset *s = srcset_new();
	int n = g_rand_int_range(r, 1, 4);

	memset(in_out, 0, MODEL_NSRC * sizeof(bool));
	for (int c = 0; c < n; c++) {
		int kind = g_rand_int_range(r, 0, 4);
		if (kind == 0 || kind == 1) {
			int i = g_rand_int_range(r, 0, MODEL_NV4), j = g_rand_int_range(r, i, MODEL_NV4);
			srcset_add_v4(s, model_v4[i], model_v4[j]);
			for (int k = i; k <= j; k++)
				in_out[k] = true;
		} else if (kind == 2) {
			int i = g_rand_int_range(r, 0, MODEL_NV6), j = g_rand_int_range(r, i, MODEL_NV6);
			srcset_add_v6(s, model_v6[i], model_v6[j]);
			for (int k = 0; k < MODEL_NV6; k++)
				if (v6_cmp(model_v6[k], model_v6[i]) >= 0 && v6_cmp(model_v6[k], model_v6[j]) <= 0)
					in_out[MODEL_NV4 + k] = true;
		} else {
			int i = g_rand_int_range(r, 0, G_N_ELEMENTS(model_atoms));
			srcset_add_atom(s, model_atoms[i]);
			in_out[MODEL_NV4 + MODEL_NV6 + i] = true;
		}
	}
	return s;
}

/* A random box and its model. */
static exposure *model_random_box(struct model_set *m, GRand *r)
{
	bool src_in[MODEL_NSRC];
	g_autoptr(srcset) s = model_random_src(src_in, r);
	int pi = g_rand_int_range(r, 0, MODEL_NPROTO), pj = g_rand_int_range(r, pi, MODEL_NPROTO);
	unsigned lo, hi;

	if (g_rand_int_range(r, 0, 3) == 0) {
		lo = 0;
		hi = EXPOSURE_PORT_MAX;
	} else {
		lo = (unsigned)g_rand_int_range(r, 0, MODEL_NPORT);
		hi = (unsigned)g_rand_int_range(r, (gint32)lo, MODEL_NPORT);
		if (hi == MODEL_NPORT - 1)
			hi = EXPOSURE_PORT_MAX;
	}
	bool full = lo == 0 && hi == EXPOSURE_PORT_MAX;

	memset(m, 0, sizeof(*m));
	for (int p = pi; p <= pj; p++) {
		if (!full && !exposure_proto_has_ports(model_protos[p]))
			continue;
		for (unsigned port = lo; port < MODEL_NPORT && port <= hi; port++)
			for (size_t k = 0; k < MODEL_NSRC; k++)
				m->in[model_index((size_t)p, port, k)] = src_in[k];
	}
	return exposure_new_box(model_protos[pi], model_protos[pj], lo, hi, s);
}

struct model_decode {
	const struct model *model;
	struct model_set *out;
};

static void model_decode_piece(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                               const srcset *s, void *user_data)
{
	struct model_decode *d = user_data;
	for (size_t k = 0; k < MODEL_NSRC; k++) {
		g_autoptr(srcset) hit = srcset_intersect(s, d->model->points[k]);
		if (srcset_is_empty(hit))
			continue;
		for (size_t p = 0; p < MODEL_NPROTO; p++) {
			if (model_protos[p] < proto_lo || model_protos[p] > proto_hi)
				continue;
			for (unsigned port = port_lo; port < MODEL_NPORT && port <= port_hi; port++)
				d->out->in[model_index(p, port, k)] = true;
		}
	}
}

/* Which universe points e holds, read through exposure_foreach. */
static void model_decode(struct model_set *out, const struct model *model, const exposure *e)
{
	struct model_decode d = { model, out };
	memset(out, 0, sizeof(*out));
	exposure_foreach(e, model_decode_piece, &d);
}

static void assert_model_equal(const struct model_set *want, const struct model *model, const exposure *e,
                               const char *what, int round)
{
	struct model_set got;
	model_decode(&got, model, e);
	for (size_t i = 0; i < MODEL_N; i++) {
		if (want->in[i] == got.in[i])
			continue;
		size_t k = i % MODEL_NSRC, port = i / MODEL_NSRC % MODEL_NPORT, p = i / MODEL_NSRC / MODEL_NPORT;
		g_autofree char *text = exposure_to_string(e);
		fail_msg("round %d, %s: proto %u port %zu source %zu: want %d, got %d in \"%s\"", round, what,
		         model_protos[p], port, k, want->in[i], got.in[i], text);
	}
}

/*
 * Cross-check the decode: a point box meets e exactly where the model says.
 * Port-less protocols hold all ports or none, so they are probed once with
 * a full-port box.
 */
static void assert_points_match(const struct model_set *want, const struct model *model, const exposure *e)
{
	for (size_t p = 0; p < MODEL_NPROTO; p++)
		for (unsigned port = 0; port < MODEL_NPORT; port++)
			for (size_t k = 0; k < MODEL_NSRC; k++) {
				unsigned proto = model_protos[p];
				bool ports = exposure_proto_has_ports(proto);
				if (!ports && port > 0)
					continue;
				g_autoptr(exposure) pt = exposure_new_box(proto, proto, ports ? port : 0,
				                                          ports ? port : EXPOSURE_PORT_MAX,
				                                          model->points[k]);
				g_autoptr(exposure) hit = exposure_intersect(e, pt);
				assert_int_equal(!exposure_is_empty(hit), want->in[model_index(p, port, k)]);
			}
}

static void test_exposure__small_universe_matches_brute_force(void **state)
{
	enum { ROUNDS = 300, MAX_BOXES = 10 };
	g_autoptr(GRand) r = g_rand_new_with_seed(test_seed());
	struct model model;
	struct model_set *ma = g_new0(struct model_set, 1), *mb = g_new0(struct model_set, 1);
	struct model_set *want = g_new0(struct model_set, 1), *box_m = g_new0(struct model_set, 1);
	struct model_set *rule_m = g_new0(struct model_set, 2 * MAX_BOXES);

	for (size_t k = 0; k < MODEL_NSRC; k++) {
		model.points[k] = srcset_new();
		if (k < MODEL_NV4)
			srcset_add_v4(model.points[k], model_v4[k], model_v4[k]);
		else if (k < MODEL_NV4 + MODEL_NV6)
			srcset_add_v6(model.points[k], model_v6[k - MODEL_NV4], model_v6[k - MODEL_NV4]);
		else
			srcset_add_atom(model.points[k], model_atoms[k - MODEL_NV4 - MODEL_NV6]);
	}

	for (int round = 0; round < ROUNDS; round++) {
		int na = g_rand_int_range(r, 0, MAX_BOXES + 1), nb = g_rand_int_range(r, 1, MAX_BOXES + 1);
		exposure *boxes[2 * MAX_BOXES];
		struct exposure_rule rules[2 * MAX_BOXES];
		g_autoptr(exposure) a = exposure_new();
		g_autoptr(exposure) b = exposure_new();

		memset(ma, 0, sizeof(*ma));
		memset(mb, 0, sizeof(*mb));
		for (int i = 0; i < na + nb; i++) {
			boxes[i] = model_random_box(box_m, r);
			rule_m[i] = *box_m;
			assert_model_equal(box_m, &model, boxes[i], "box", round);
			struct model_set *into = i < na ? ma : mb;
			for (size_t x = 0; x < MODEL_N; x++)
				into->in[x] |= box_m->in[x];
			add(i < na ? &a : &b, exposure_copy(boxes[i]));
		}
		assert_model_equal(ma, &model, a, "A", round);
		assert_model_equal(mb, &model, b, "B", round);

		g_autoptr(exposure) u = exposure_union(a, b);
		g_autoptr(exposure) n = exposure_intersect(a, b);
		g_autoptr(exposure) d = exposure_subtract(a, b);
		for (size_t x = 0; x < MODEL_N; x++)
			want->in[x] = ma->in[x] || mb->in[x];
		assert_model_equal(want, &model, u, "A | B", round);
		for (size_t x = 0; x < MODEL_N; x++)
			want->in[x] = ma->in[x] && mb->in[x];
		assert_model_equal(want, &model, n, "A & B", round);
		for (size_t x = 0; x < MODEL_N; x++)
			want->in[x] = ma->in[x] && !mb->in[x];
		assert_model_equal(want, &model, d, "A - B", round);
		if (round % 50 == 0)
			assert_points_match(want, &model, d);

		/* First match over all boxes in a shuffled order, random verdicts. */
		int nr = na + nb;
		for (int i = nr - 1; i > 0; i--) {
			int j = g_rand_int_range(r, 0, i + 1);
			exposure *t = boxes[i];
			boxes[i] = boxes[j];
			boxes[j] = t;
			struct model_set tm = rule_m[i];
			rule_m[i] = rule_m[j];
			rule_m[j] = tm;
		}
		for (int i = 0; i < nr; i++) {
			rules[i].match = boxes[i];
			rules[i].allow = g_rand_boolean(r);
		}
		g_autoptr(exposure) fm = exposure_first_match(rules, (size_t)nr);
		for (size_t x = 0; x < MODEL_N; x++) {
			want->in[x] = false;
			for (int i = 0; i < nr; i++)
				if (rule_m[i].in[x]) {
					want->in[x] = rules[i].allow;
					break;
				}
		}
		assert_model_equal(want, &model, fm, "first match", round);

		/* Canonical: the same set built another way has the same form and text. */
		g_autoptr(exposure) rebuilt = exposure_union(d, n);
		assert_true(exposure_equal(rebuilt, a));
		g_autoptr(exposure) u2 = exposure_union_all((const exposure *const *)boxes, (size_t)nr);
		assert_true(exposure_equal(u2, u));
		assert_roundtrips(u);
		assert_roundtrips(fm);

		for (int i = 0; i < nr; i++)
			exposure_free(boxes[i]);
	}

	for (size_t k = 0; k < MODEL_NSRC; k++)
		srcset_free(model.points[k]);
	g_free(ma);
	g_free(mb);
	g_free(want);
	g_free(box_m);
	g_free(rule_m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exposure__empty_set_prints_nothing),
		cmocka_unit_test(test_exposure__single_box_prints),
		cmocka_unit_test(test_exposure__cidr_parses_and_drops_host_bits),
		cmocka_unit_test(test_exposure__malformed_cidr_fails),
		cmocka_unit_test(test_exposure__v4_and_v6_are_separate),
		cmocka_unit_test(test_exposure__omitted_port_means_all),
		cmocka_unit_test(test_exposure__icmp_with_narrow_port_is_not_included),
		cmocka_unit_test(test_exposure__neighbours_merge),
		cmocka_unit_test(test_exposure__ranges_print_shortest_cidrs),
		cmocka_unit_test(test_exposure__srcset_operations),
		cmocka_unit_test(test_exposure__reordered_rules_are_equal),
		cmocka_unit_test(test_exposure__atoms_are_escaped),
		cmocka_unit_test(test_exposure__parse_rejects_junk),
		cmocka_unit_test(test_exposure__parse_accepts_unsorted_and_unmerged),
		cmocka_unit_test(test_exposure__restrict_sources),
		cmocka_unit_test(test_exposure__on_ports_keeps_own_sources),
		cmocka_unit_test(test_exposure__union_all),
		cmocka_unit_test(test_exposure__first_match_deny_before_allow),
		cmocka_unit_test(test_exposure__azure_defaults),
		cmocka_unit_test(test_exposure__foreach_walks_canonical_form),
		cmocka_unit_test(test_exposure__protocols_print_by_name),
		cmocka_unit_test(test_exposure__numeric_protocols_still_parse),
		cmocka_unit_test(test_exposure__srcset_fits_counts_addresses),
		cmocka_unit_test(test_exposure__proto_names),
		cmocka_unit_test(test_exposure__random_rules_satisfy_identities),
		cmocka_unit_test(test_exposure__small_universe_matches_brute_force),
	};
	if (g_getenv("DW_TEST_FILTER"))
		cmocka_set_test_filter(g_getenv("DW_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
