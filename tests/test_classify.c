/*
 * test_classify.c - compare and the classifier, on resources built by
 * hand: which rule, which severity, which region, and no finding where
 * nothing changed in effect. Also the rule pack loader's errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "compare.h"
#include "rulepack.h"

static struct rulepack *pack;

static int setup_pack(void **state)
{
	g_autoptr(GError) error = NULL;

	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error)) {
		fprintf(stderr, "rule pack: %s\n", error->message);
		return -1;
	}
	return 0;
}

static int teardown_pack(void **state)
{
	g_clear_pointer(&pack, rulepack_free);
	return 0;
}

/* An AWS-style group (union of allows) whose rules are canonical sets. */
static struct resource *sg(const char *name, const char *const *rules)
{
	g_autofree char *id = g_strdup_printf("aws-sg:%s", name);
	struct resource *r = resource_new(id, "AWS security group", name, "sg.yaml", 1, RESOURCE_UNION);

	for (unsigned i = 0; rules[i]; i++) {
		g_autoptr(GError) error = NULL;
		exposure *e = exposure_parse(rules[i], &error);

		assert_non_null(e);
		resource_add_rule(r, NULL, 10 + i, true, 0, e);
	}
	return r;
}

static struct resource *es(const char *auth, const char *bind)
{
	struct resource *r = resource_new("elasticsearch:config", "Elasticsearch", "config",
	                                  "config/elasticsearch.yml", 1, RESOURCE_SETTINGS);

	r->service = "elasticsearch";
	if (auth)
		resource_add_setting(r, "auth", auth, "xpack.security.enabled: x", 3);
	if (bind)
		resource_add_setting(r, "bind", bind, "network.host: x", 4);
	return r;
}

/* Classifies old -> new (either NULL) and returns the findings. */
static GPtrArray *classify(struct resource *old_r, struct resource *new_r,
                           const struct classify_context *ctx)
{
	g_autoptr(GPtrArray) olds = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) news = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)compare_change_free);
	GPtrArray *findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);

	if (old_r)
		g_ptr_array_add(olds, old_r);
	if (new_r)
		g_ptr_array_add(news, new_r);
	compare_resources(changes, olds, news);
	for (guint i = 0; i < changes->len; i++)
		rulepack_classify(findings, pack, changes->pdata[i], ctx);
	return findings;
}

static const struct finding *find_rule(GPtrArray *findings, const char *rule)
{
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (strcmp(f->rule->id, rule) == 0)
			return f;
	}
	return NULL;
}

#define RULES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_classify__elasticsearch_to_internet_is_critical(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("db", RULES("tcp/9200 from 10.0.0.0/8")),
	                                  sg("db", RULES("tcp/9200 from 0.0.0.0/0")), NULL);
	const struct finding *x = find_rule(f, "DW-NET-001");

	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_CRITICAL);
	assert_true(g_str_has_prefix(x->widened, "tcp/9200 from 0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8"));
	assert_string_equal(x->before, "tcp/9200 from 10.0.0.0/8");
	assert_non_null(strstr(x->message, "Elasticsearch"));
	assert_int_equal(x->line, 10);
}

static void test_classify__ipv6_any_is_the_internet(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("db", RULES("tcp/6379 from 10.0.0.0/8")),
	                                  sg("db", RULES("tcp/6379 from 10.0.0.0/8, ::/0")), NULL);
	const struct finding *x = find_rule(f, "DW-NET-001");

	assert_non_null(x);
	assert_int_equal(f->len, 1);
	/* What is newly let in on the port, not the Internet as CIDRs. */
	assert_string_equal(x->widened, "tcp/6379 from ::/0");
	assert_string_equal(x->after, "tcp/6379 from 10.0.0.0/8, ::/0");
	assert_string_equal(x->before, "tcp/6379 from 10.0.0.0/8");
	assert_non_null(strstr(x->message, "Redis"));
}

static void test_classify__all_ports_is_critical(void **state)
{
	g_autoptr(GPtrArray) f = classify(NULL, sg("any", RULES("any from 0.0.0.0/0")), NULL);
	const struct finding *x = find_rule(f, "DW-NET-002");

	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_CRITICAL);
	assert_null(find_rule(f, "DW-NET-001"));
}

static void test_classify__ssh_is_high_and_web_is_low(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("web", RULES("tcp/22 from 10.0.0.0/8")),
	                                  sg("web", RULES("tcp/22,443 from 0.0.0.0/0")), NULL);
	const struct finding *ssh = find_rule(f, "DW-NET-003");
	const struct finding *web = find_rule(f, "DW-NET-004");

	assert_non_null(ssh);
	assert_int_equal(ssh->severity, SEVERITY_HIGH);
	assert_true(g_str_has_prefix(ssh->widened, "tcp/22 from 0.0.0.0/5"));
	assert_non_null(web);
	assert_int_equal(web->severity, SEVERITY_LOW);
	assert_string_equal(web->widened, "tcp/443 from 0.0.0.0/0");
}

static void test_classify__icmp_from_internet_is_low(void **state)
{
	g_autoptr(GPtrArray) f = classify(NULL, sg("x", RULES("icmp from 0.0.0.0/0")), NULL);
	const struct finding *x = find_rule(f, "DW-NET-005");

	assert_non_null(x);
	assert_int_equal(f->len, 1);
}

static void test_classify__private_widening_is_medium_or_low(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("db", RULES("tcp/5432,8080 from 10.1.0.0/16")),
	                                  sg("db", RULES("tcp/5432,8080 from 10.0.0.0/8")), NULL);
	const struct finding *db = find_rule(f, "DW-NET-010");
	const struct finding *other = find_rule(f, "DW-NET-011");

	assert_non_null(db);
	assert_int_equal(db->severity, SEVERITY_MEDIUM);
	assert_non_null(other);
	assert_int_equal(other->severity, SEVERITY_LOW);
	assert_null(find_rule(f, "DW-NET-001"));
}

static void test_classify__narrowing_is_info_only(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("db", RULES("tcp/9200 from 0.0.0.0/0")),
	                                  sg("db", RULES("tcp/9200 from 10.0.0.0/8")), NULL);

	assert_int_equal(f->len, 1);
	assert_string_equal(((struct finding *)f->pdata[0])->rule->id, "DW-NET-900");
	assert_int_equal(((struct finding *)f->pdata[0])->severity, SEVERITY_INFO);
}

static void test_classify__same_effect_is_no_change(void **state)
{
	g_autoptr(GPtrArray) f = classify(
		sg("db", RULES("tcp/22 from 10.0.0.0/8", "tcp/443 from 0.0.0.0/0")),
		sg("db", RULES("tcp/443 from 0.0.0.0/1, 128.0.0.0/1", "tcp/22 from 10.0.0.0/9, 10.128.0.0/9")),
		NULL);

	assert_int_equal(f->len, 0);
}

static void test_classify__auth_off_is_critical(void **state)
{
	g_autoptr(GPtrArray) f = classify(es("on", "all"), es("off", "all"), NULL);
	const struct finding *x = find_rule(f, "DW-SET-001");

	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_CRITICAL);
	assert_int_equal(x->line, 3);
}

static void test_classify__bind_all_without_auth_is_high(void **state)
{
	g_autoptr(GPtrArray) f = classify(es("off", "loopback"), es("off", "all"), NULL);
	const struct finding *x = find_rule(f, "DW-SET-002");

	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_HIGH);
	assert_null(find_rule(f, "DW-SET-001"));
}

static void test_classify__bind_all_with_auth_is_medium(void **state)
{
	g_autoptr(GPtrArray) f = classify(es("on", "loopback"), es("on", "all"), NULL);

	assert_non_null(find_rule(f, "DW-SET-003"));
	assert_null(find_rule(f, "DW-SET-002"));
}

static void test_classify__network_finding_names_auth_off(void **state)
{
	g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct classify_context ctx = { .settings_resources = settings };
	g_autoptr(GPtrArray) f = NULL;
	const struct finding *x;

	g_ptr_array_add(settings, es("off", "all"));
	f = classify(NULL, sg("db", RULES("tcp/9200 from 0.0.0.0/0")), &ctx);
	x = find_rule(f, "DW-NET-001");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "security is off in config/elasticsearch.yml:3"));
}

static void test_classify__auth_off_names_open_port(void **state)
{
	g_autoptr(exposure) surface = exposure_parse("tcp/9200 from 0.0.0.0/0", NULL);
	struct classify_context ctx = { .surface = surface };
	g_autoptr(GPtrArray) f = classify(es("on", "all"), es("off", "all"), &ctx);
	const struct finding *x = find_rule(f, "DW-SET-001");

	assert_non_null(x);
	assert_non_null(strstr(x->message, "the Internet reach it: tcp/9200 from 0.0.0.0/0"));
}

/* Security off where only a partner's address reaches it: named as such, not "the Internet". */
static void test_classify__auth_off_names_specific_public_sources(void **state)
{
	g_autoptr(exposure) surface = exposure_parse("tcp/9200 from 10.0.0.0/8, 52.14.7.9/32", NULL);
	struct classify_context ctx = { .surface = surface };
	g_autoptr(GPtrArray) f = classify(es("on", "all"), es("off", "all"), &ctx);
	const struct finding *x = find_rule(f, "DW-SET-001");

	assert_non_null(x);
	assert_non_null(strstr(x->message, "let specific public sources reach it: tcp/9200 from 10.0.0.0/8, 52.14.7.9/32"));
	assert_null(strstr(x->message, "Internet"));
}

/* A network finding keeps its region, before and after as sets, equal to their texts. */
static void test_classify__network_finding_keeps_its_sets(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("web", RULES("tcp/22 from 10.0.0.0/8")),
	                                  sg("web", RULES("tcp/22,443 from 0.0.0.0/0")), NULL);
	const struct finding *ssh = find_rule(f, RULE_NET_003);
	const struct finding *web = find_rule(f, RULE_NET_004);
	g_autoptr(exposure) web_now = exposure_parse("tcp/443 from 0.0.0.0/0", NULL);
	g_autoptr(exposure) ssh_before = exposure_parse("tcp/22 from 10.0.0.0/8", NULL);
	g_autoptr(exposure) both = NULL;
	g_autofree char *ssh_text = NULL;

	assert_non_null(ssh);
	assert_non_null(web);
	assert_true(exposure_equal(web->widened_set, web_now));
	assert_true(exposure_equal(web->after_set, web_now));
	assert_true(exposure_is_empty(web->before_set));
	assert_true(exposure_equal(ssh->before_set, ssh_before));
	ssh_text = exposure_to_string(ssh->widened_set);
	assert_string_equal(ssh_text, ssh->widened);
	/* Regions compare as sets: the two findings do not overlap. */
	both = exposure_intersect(ssh->widened_set, web->widened_set);
	assert_true(exposure_is_empty(both));
	assert_string_equal(web->headline, "newly reachable from the Internet");
	assert_true(g_str_has_prefix(web->message, web->headline));
	assert_int_equal(finding_family(web), RULE_FAMILY_NET);
}

/* A narrowing keeps what was taken away; nothing is let in by it. */
static void test_classify__narrowing_keeps_the_narrowed_set(void **state)
{
	g_autoptr(GPtrArray) f = classify(sg("db", RULES("tcp/9200,9300 from 0.0.0.0/0")),
	                                  sg("db", RULES("tcp/9200 from 0.0.0.0/0")), NULL);
	const struct finding *x = find_rule(f, RULE_NET_900);
	g_autoptr(exposure) gone = exposure_parse("tcp/9300 from 0.0.0.0/0", NULL);

	assert_non_null(x);
	assert_true(exposure_equal(x->widened_set, gone));
	assert_null(x->after_set);
	assert_null(x->headline);
}

/* A setting is no region: no sets; its headline leaves out what the network adds. */
static void test_classify__setting_finding_has_a_headline_and_no_sets(void **state)
{
	g_autoptr(exposure) surface = exposure_parse("tcp/9200 from 0.0.0.0/0", NULL);
	struct classify_context ctx = { .surface = surface };
	g_autoptr(GPtrArray) f = classify(es("on", "all"), es("off", "all"), &ctx);
	const struct finding *x = find_rule(f, RULE_SET_001);

	assert_non_null(x);
	assert_null(x->widened_set);
	assert_null(x->before_set);
	assert_string_equal(x->headline, "Elasticsearch security turned off (xpack.security.enabled: x)");
	assert_non_null(strstr(x->message, "; and the network rules let"));
	assert_int_equal(finding_family(x), RULE_FAMILY_SET);
}

static void test_classify__finding_id_is_stable_and_region_specific(void **state)
{
	g_autoptr(GPtrArray) a = classify(NULL, sg("db", RULES("tcp/9200 from 0.0.0.0/0")), NULL);
	g_autoptr(GPtrArray) b = classify(NULL, sg("db", RULES("tcp/9200 from 0.0.0.0/0")), NULL);
	g_autoptr(GPtrArray) c = classify(NULL, sg("db", RULES("tcp/9300 from 0.0.0.0/0")), NULL);
	const struct finding *fa = find_rule(a, "DW-NET-001"), *fb = find_rule(b, "DW-NET-001");
	const struct finding *fc = find_rule(c, "DW-NET-001");

	assert_int_equal(strlen(fa->id), 12);
	assert_string_equal(fa->id, fb->id);
	assert_string_not_equal(fa->id, fc->id);
}

static void test_classify__removed_nsg_is_reported(void **state)
{
	struct resource *r = resource_new("azure-nsg:web", "Azure NSG", "web", "nsg.json", 1,
	                                  RESOURCE_FIRST_MATCH);
	g_autoptr(GPtrArray) f = NULL;

	resource_add_rule(r, "deny", 5, false, 100, exposure_parse("tcp/22 from 0.0.0.0/0", NULL));
	f = classify(r, NULL, NULL);
	assert_non_null(find_rule(f, "DW-NET-012"));
}

static void test_rulepack__bad_pack_reports_every_problem_with_lines(void **state)
{
	g_autofree char *path = g_build_filename(g_get_tmp_dir(), "dw-bad-pack-XXXXXX.yml", NULL);
	const char *text = "version: 1\n"
	                   "internet:\n  not:\n    - 10.0.0.0/33\n"
	                   "sensitive:\n  - {service: X, ports: \"tcp/http\"}\n"
	                   "web: \"tcp/80\"\n"
	                   "rules:\n  - {id: DW-NET-001, severity: dire, title: t}\n";
	g_autoptr(GError) error = NULL;
	struct rulepack *p = NULL;
	int fd = g_mkstemp(path);

	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	assert_false(rulepack_load(&p, path, &error));
	assert_null(p);
	unlink(path);
	assert_non_null(strstr(error->message, ":4: expected a CIDR"));
	assert_non_null(strstr(error->message, ":6: bad ports"));
	assert_non_null(strstr(error->message, ":9: unknown severity \"dire\""));
	assert_non_null(strstr(error->message, "rule DW-PARSE-001 is missing"));
}

static void test_classify__wide_range_is_high_and_its_own_rule(void **state)
{
	g_autoptr(GPtrArray) f = classify(NULL, sg("wide", RULES("tcp/1000-5000 from 0.0.0.0/0")), NULL);
	g_autoptr(GPtrArray) g = classify(NULL, sg("ssh", RULES("tcp/22 from 0.0.0.0/0")), NULL);
	g_autoptr(GPtrArray) h = classify(NULL, sg("few", RULES("udp/2000-2100 from 0.0.0.0/0")), NULL);
	const struct finding *x = find_rule(f, "DW-NET-006");

	assert_int_equal(pack->wide_range, 1024);
	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_HIGH);
	/* The sensitive ports inside the range stay DW-NET-001. */
	assert_non_null(find_rule(f, "DW-NET-001"));
	assert_null(find_rule(f, "DW-NET-003"));
	assert_non_null(find_rule(g, "DW-NET-003"));
	assert_null(find_rule(g, "DW-NET-006"));
	assert_non_null(find_rule(h, "DW-NET-003"));
	assert_null(find_rule(h, "DW-NET-006"));
}

/* Writes text to a new temporary file; returns its path. */
static char *write_temp(const char *text)
{
	char *path = g_build_filename(g_get_tmp_dir(), "dw-rules-XXXXXX.yml", NULL);
	int fd = g_mkstemp(path);

	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

static struct rulepack *own_pack(void)
{
	g_autoptr(GError) error = NULL;
	struct rulepack *p = NULL;

	assert_true(rulepack_load(&p, g_getenv("DW_RULE_PACK"), &error));
	return p;
}

static GPtrArray *classify_with(struct rulepack *p, struct resource *old_r, struct resource *new_r)
{
	struct rulepack *saved = pack;
	GPtrArray *f;

	pack = p;
	f = classify(old_r, new_r, NULL);
	pack = saved;
	return f;
}

static void test_rulepack__overlay_adds_a_sensitive_port(void **state)
{
	g_autofree char *path = write_temp("sensitive:\n"
	                                   "  - {service: Grafana, ports: \"tcp/3000\", kind: admin}\n"
	                                   "internet:\n  not: [81.2.0.0/16]\n");
	g_autoptr(rulepack) p = own_pack();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) f = NULL, trusted = NULL;
	const struct finding *x;

	assert_true(rulepack_overlay(p, path, &error));
	unlink(path);
	f = classify_with(p, NULL, sg("graf", RULES("tcp/3000 from 0.0.0.0/0")));
	x = find_rule(f, "DW-NET-001");
	assert_non_null(x);
	assert_int_equal(f->len, 1);
	assert_non_null(strstr(x->message, "Grafana"));
	/* The pack's own sensitive ports are still there. */
	g_ptr_array_unref(f);
	f = classify_with(p, NULL, sg("es", RULES("tcp/9200 from 0.0.0.0/0")));
	assert_non_null(find_rule(f, "DW-NET-001"));
	/* The excluded range is no longer the Internet. */
	trusted = classify_with(p, NULL, sg("t", RULES("tcp/22 from 81.2.0.0/16")));
	assert_null(find_rule(trusted, "DW-NET-003"));
	assert_non_null(find_rule(trusted, "DW-NET-011"));
}

static void test_rulepack__overlay_changes_severity_and_texts(void **state)
{
	g_autofree char *path = write_temp("rules:\n"
	                                   "  - id: DW-NET-003\n"
	                                   "    severity: medium\n"
	                                   "    remediation: Ask the network team.\n");
	g_autoptr(rulepack) p = own_pack();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) f = NULL;
	const struct finding *x;

	assert_true(rulepack_overlay(p, path, &error));
	unlink(path);
	f = classify_with(p, NULL, sg("ssh", RULES("tcp/22 from 0.0.0.0/0")));
	x = find_rule(f, "DW-NET-003");
	assert_non_null(x);
	assert_int_equal(x->severity, SEVERITY_MEDIUM);
	assert_string_equal(x->rule->remediation, "Ask the network team.");
	assert_string_equal(x->rule->title, "Port newly reachable from the Internet");
}

static void test_rulepack__overlay_refuses_new_rules_with_lines(void **state)
{
	g_autofree char *path = write_temp("rules:\n"
	                                   "  - {id: DW-NET-003, severity: low}\n"
	                                   "  - {id: MY-001, severity: high, title: mine}\n"
	                                   "  - {id: DW-NET-001, severity: dire}\n"
	                                   "sensitive:\n  - {service: X, ports: \"tcp/http\"}\n"
	                                   "wide_range: 0\n");
	g_autoptr(rulepack) p = own_pack();
	g_autoptr(GError) error = NULL;

	assert_false(rulepack_overlay(p, path, &error));
	unlink(path);
	assert_non_null(strstr(error->message, ":3: unknown rule MY-001: a rule's condition is code"));
	assert_non_null(strstr(error->message, ":4: unknown severity \"dire\""));
	assert_non_null(strstr(error->message, ":6: bad ports"));
	assert_non_null(strstr(error->message, ":7: wide_range"));
	assert_true(g_str_has_prefix(error->message, path));
	/* Nothing applied. */
	assert_int_equal(rulepack_rule(p, "DW-NET-003")->severity, SEVERITY_HIGH);
}

/* The only finding of f; fails unless there is exactly one. */
static const struct finding *only(GPtrArray *f)
{
	assert_int_equal(f->len, 1);
	return f->pdata[0];
}

static bool says_internet(const struct finding *x)
{
	return strstr(x->message, "Internet") || strstr(x->rule->title, "Internet");
}

/* A partner's /32 is not the Internet: graded, named, never "Internet". */
static void test_classify__single_public_address_is_specific_not_internet(void **state)
{
	g_autoptr(GPtrArray) ssh = classify(NULL, sg("bastion", RULES("tcp/22 from 52.14.7.9/32")), NULL);
	g_autoptr(GPtrArray) redis = classify(NULL, sg("cache", RULES("tcp/6379 from 52.14.7.9/32, 10.0.0.0/8")), NULL);
	g_autoptr(GPtrArray) web = classify(NULL, sg("www", RULES("tcp/443 from 52.14.7.0/28")), NULL);
	const struct finding *x = only(ssh);

	assert_string_equal(x->rule->id, "DW-NET-031");
	assert_int_equal(x->severity, SEVERITY_LOW);
	assert_string_equal(x->widened, "tcp/22 from 52.14.7.9/32");
	assert_non_null(strstr(x->message, "newly reachable from specific public sources 52.14.7.9/32"));
	assert_false(says_internet(x));

	x = only(redis);
	assert_string_equal(x->rule->id, "DW-NET-030");
	assert_int_equal(x->severity, SEVERITY_MEDIUM);
	assert_non_null(strstr(x->message, "Redis newly reachable from specific public sources 52.14.7.9/32"));
	/* The private source on the same port is in the region, not a finding of its own. */
	assert_string_equal(x->widened, "tcp/6379 from 10.0.0.0/8, 52.14.7.9/32");
	assert_false(says_internet(x));

	x = only(web);
	assert_string_equal(x->rule->id, "DW-NET-031");
	assert_false(says_internet(x));
}

/* Public sources are counted in total: past the grade's /24 they are the Internet. */
static void test_classify__public_sources_beyond_the_grade_are_the_internet(void **state)
{
	g_autoptr(GPtrArray) slash24 = classify(NULL, sg("a", RULES("tcp/22 from 81.2.69.0/24")), NULL);
	g_autoptr(GPtrArray) two24 = classify(NULL, sg("b", RULES("tcp/22 from 81.2.69.0/24, 93.184.216.0/24")), NULL);
	g_autoptr(GPtrArray) slash16 = classify(NULL, sg("c", RULES("tcp/3306 from 81.2.0.0/16")), NULL);
	const struct finding *x;

	assert_string_equal(only(slash24)->rule->id, "DW-NET-031");
	x = only(two24);
	assert_string_equal(x->rule->id, "DW-NET-003");
	assert_int_equal(x->severity, SEVERITY_HIGH);
	assert_non_null(strstr(x->message, "newly reachable from the Internet"));
	x = only(slash16);
	assert_string_equal(x->rule->id, "DW-NET-001");
	assert_int_equal(x->severity, SEVERITY_CRITICAL);
}

/* IPv6: a /128 host and a /64 subnet are specific, an ISP's /32 or ::/0 the Internet. */
static void test_classify__ipv6_sources_are_graded_too(void **state)
{
	g_autoptr(GPtrArray) host = classify(NULL, sg("a", RULES("tcp/22 from 2a00:1450:4001:81b::200e/128")), NULL);
	g_autoptr(GPtrArray) subnet = classify(NULL, sg("b", RULES("tcp/5432 from 2a00:1450:4001:81b::/64")), NULL);
	g_autoptr(GPtrArray) isp = classify(NULL, sg("c", RULES("tcp/22 from 2a00:1450::/32")), NULL);
	g_autoptr(GPtrArray) all = classify(NULL, sg("d", RULES("tcp/22 from ::/0")), NULL);
	g_autoptr(GPtrArray) mixed = classify(NULL, sg("e", RULES("tcp/22 from 52.14.7.9/32, ::/0")), NULL);

	assert_string_equal(only(host)->rule->id, "DW-NET-031");
	assert_string_equal(only(subnet)->rule->id, "DW-NET-030");
	assert_non_null(strstr(only(subnet)->message, "PostgreSQL newly reachable from specific public sources 2a00:1450:4001:81b::/64"));
	assert_string_equal(only(isp)->rule->id, "DW-NET-003");
	assert_string_equal(only(all)->rule->id, "DW-NET-003");
	/* The grade's bound: one /48 is specific, a /47 is not. */
	g_autoptr(GPtrArray) site = classify(NULL, sg("f", RULES("tcp/22 from 2a00:1450:4001::/48")), NULL);
	g_autoptr(GPtrArray) two_sites = classify(NULL, sg("g", RULES("tcp/22 from 2a00:1450:4000::/47")), NULL);

	assert_string_equal(only(site)->rule->id, "DW-NET-031");
	assert_string_equal(only(two_sites)->rule->id, "DW-NET-003");
	/* One port, one grade: a specific IPv4 address beside all of IPv6 is the Internet. */
	assert_string_equal(only(mixed)->rule->id, "DW-NET-003");
}

/* Each port is graded by its own sources: one change, two grades. */
static void test_classify__grades_are_per_port(void **state)
{
	g_autoptr(GPtrArray) f = classify(
		sg("db", RULES("tcp/22 from 10.0.0.0/8")),
		sg("db", RULES("tcp/22 from 10.0.0.0/8, 52.14.7.9/32", "tcp/3306 from 0.0.0.0/0")), NULL);
	const struct finding *ssh = find_rule(f, "DW-NET-031");
	const struct finding *db = find_rule(f, "DW-NET-001");

	assert_int_equal(f->len, 2);
	assert_non_null(ssh);
	assert_string_equal(ssh->widened, "tcp/22 from 52.14.7.9/32");
	assert_string_equal(ssh->before, "tcp/22 from 10.0.0.0/8");
	assert_int_equal(ssh->line, 10);
	assert_non_null(db);
	assert_string_equal(db->widened, "tcp/3306 from 0.0.0.0/0");
	assert_int_equal(db->line, 11);
}

/*
 * RFC 5737 and RFC 3849 documentation ranges are not the Internet, nor
 * are addresses that are never a unicast source (0.0.0.0/8, multicast).
 */
static void test_classify__documentation_ranges_are_not_the_internet(void **state)
{
	static const char *const docs[] = { "192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/24",
		                            "2001:db8::/32", "0.0.0.0/8", "224.0.0.0/3", "ff02::1/128" };

	for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
		g_autofree char *rule = g_strdup_printf("tcp/22,9200 from %s", docs[i]);
		g_autoptr(GPtrArray) f = classify(NULL, sg("doc", RULES(rule)), NULL);

		assert_int_equal(f->len, 2);
		assert_int_equal(find_rule(f, "DW-NET-010")->severity, SEVERITY_MEDIUM);
		assert_non_null(find_rule(f, "DW-NET-011"));
		assert_false(says_internet(f->pdata[0]));
	}
}

/* A data store reached from sources that are not addresses keeps its rule. */
static void test_classify__data_store_from_selectors_keeps_its_severity(void **state)
{
	g_autoptr(GPtrArray) f = classify(NULL, sg("redis", RULES("tcp/6379,8080 from k8s-pod:default/app%3Dweb, aws-sg:App")), NULL);
	const struct finding *db = find_rule(f, "DW-NET-010");

	assert_int_equal(f->len, 2);
	assert_non_null(db);
	assert_int_equal(db->severity, SEVERITY_MEDIUM);
	assert_string_equal(db->widened, "tcp/6379 from aws-sg:App, k8s-pod:default/app%3Dweb");
	assert_non_null(strstr(db->message, "Redis newly reachable from private sources aws-sg:App, k8s-pod:default/app%3Dweb"));
	assert_int_equal(find_rule(f, "DW-NET-011")->severity, SEVERITY_LOW);
}

/*
 * A blanket grant (every protocol and port to the VNet or the group
 * itself) is one low finding; a port granted on its own beside it is
 * judged by itself.
 */
static void test_classify__blanket_private_grant_is_one_low_finding(void **state)
{
	g_autoptr(GPtrArray) f = classify(NULL, sg("self", RULES("any from aws-sg:self")), NULL);
	g_autoptr(GPtrArray) g = classify(NULL, sg("vnet", RULES("any from azure-tag:VirtualNetwork",
	                                                         "tcp/3389 from 10.20.0.0/16")), NULL);
	const struct finding *rdp = find_rule(g, "DW-NET-010");

	assert_string_equal(only(f)->rule->id, "DW-NET-011");
	assert_string_equal(only(f)->widened, "any from aws-sg:self");
	assert_int_equal(g->len, 2);
	assert_non_null(rdp);
	assert_non_null(strstr(rdp->message, "RDP newly reachable from private sources 10.20.0.0/16:"));
	assert_int_equal(rdp->line, 11);
	assert_non_null(find_rule(g, "DW-NET-011"));
}

/* An NSG rule list (first match) from rules given as sets, in priority order. */
static struct resource *nsg(const char *name, const char *const *rules, const bool *allow)
{
	g_autofree char *id = g_strdup_printf("azure-nsg:%s", name);
	struct resource *r = resource_new(id, "Azure NSG", name, "nsg.json", 1, RESOURCE_FIRST_MATCH);

	for (unsigned i = 0; rules[i]; i++)
		resource_add_rule(r, NULL, 10 + i, allow[i], 100 * (i + 1), exposure_parse(rules[i], NULL));
	return r;
}

/*
 * "deny from the public address space" then "allow *": private sources
 * outside the VNet newly pass. The finding says private sources, names
 * them, and is medium for Elasticsearch.
 */
static void test_classify__private_sources_newly_allowed_behind_a_public_deny(void **state)
{
	g_autoptr(exposure) ports = exposure_parse("tcp/9200,9300 from 0.0.0.0/0", NULL);
	g_autoptr(exposure) public_deny = exposure_new_box(6, 6, 9200, 9200, pack->internet);
	g_autoptr(exposure) public_deny2 = exposure_new_box(6, 6, 9300, 9300, pack->internet);
	g_autoptr(exposure) deny = exposure_union(public_deny, public_deny2);
	g_autofree char *deny_text = exposure_to_string(deny);
	static const bool allow[] = { false, true };
	g_autoptr(GPtrArray) f = classify(nsg("es", RULES(deny_text, "tcp/9200,9300 from 10.20.0.0/16"), allow),
	                                  nsg("es", RULES(deny_text, "tcp/9200,9300 from 0.0.0.0/0, ::/0"), allow),
	                                  NULL);
	const struct finding *x = only(f);

	assert_non_null(ports);
	assert_string_equal(x->rule->id, "DW-NET-010");
	assert_int_equal(x->severity, SEVERITY_MEDIUM);
	assert_non_null(strstr(x->message, "Elasticsearch newly reachable from private sources "));
	assert_non_null(strstr(x->message, "172.16.0.0/12"));
	assert_non_null(strstr(x->message, " more: now tcp/9200,9300 from "));
	assert_null(strstr(x->widened, "10.20.0.0/16"));
	assert_string_equal(x->before, "tcp/9200,9300 from 10.20.0.0/16");
	assert_int_equal(x->line, 11);
}

/* A Kubernetes Service: the type setting and its rules, as extract_k8s.c gives them. */
static struct resource *service(const char *type, const char *port_rule, unsigned target, bool nodes)
{
	struct resource *r = resource_new("k8s:Service/default/web", "Kubernetes Service", "default/web",
	                                  "svc.yaml", 1, RESOURCE_UNION);
	g_autofree char *raw = g_strdup_printf("type: %s", type);

	resource_add_setting(r, "service-type", type, raw, 7);
	resource_add_rule(r, NULL, 12, true, 0, exposure_parse(port_rule, NULL));
	resource_set_target(r, target, target);
	if (nodes) {
		resource_add_rule(r, NULL, 12, true, 0,
		                  exposure_parse("tcp/30000-32767 from k8s:node-network", NULL));
		resource_set_target(r, target, target);
	}
	return r;
}

/*
 * ClusterIP -> LoadBalancer is one finding, DW-SET-030, as severe as what
 * it lets in: an internal load balancer or 443 to the Internet is low, a
 * data store behind it keeps its severity.
 */
static void test_classify__service_type_change_is_one_finding_graded_by_exposure(void **state)
{
	g_autoptr(GPtrArray) internal = classify(
		service("ClusterIP", "tcp/8080 from k8s:cluster", 8080, false),
		service("LoadBalancer", "tcp/8080 from k8s:cluster, k8s:internal-lb", 8080, true), NULL);
	g_autoptr(GPtrArray) web = classify(
		service("ClusterIP", "tcp/443 from k8s:cluster", 8443, false),
		service("LoadBalancer", "tcp/443 from 0.0.0.0/0, ::/0, k8s:cluster", 8443, true), NULL);
	g_autoptr(GPtrArray) redis = classify(
		service("ClusterIP", "tcp/6379 from k8s:cluster", 6379, false),
		service("LoadBalancer", "tcp/6379 from 0.0.0.0/0, ::/0, k8s:cluster", 6379, true), NULL);
	g_autoptr(GPtrArray) redis_internal = classify(
		service("ClusterIP", "tcp/80 from k8s:cluster", 6379, false),
		service("LoadBalancer", "tcp/80 from k8s:cluster, k8s:internal-lb", 6379, true), NULL);
	const struct finding *x = only(internal);

	assert_string_equal(x->rule->id, "DW-SET-030");
	assert_int_equal(x->severity, SEVERITY_LOW);
	assert_int_equal(x->line, 7);
	assert_string_equal(x->widened, "tcp/8080 from k8s:internal-lb; tcp/30000-32767 from k8s:node-network");
	assert_non_null(strstr(x->message, "type LoadBalancer, before ClusterIP"));
	assert_false(says_internet(x));

	x = only(web);
	assert_string_equal(x->rule->id, "DW-SET-030");
	assert_int_equal(x->severity, SEVERITY_LOW);
	assert_non_null(strstr(x->message, ". Newly reachable from the Internet: tcp/443 from 0.0.0.0/0, ::/0."));
	assert_non_null(strstr(x->message, ". Newly reachable from private sources k8s:node-network: "));

	x = only(redis);
	assert_int_equal(x->severity, SEVERITY_CRITICAL);
	assert_non_null(strstr(x->message, "Redis newly reachable from the Internet"));

	/* Port 80 forwarding to Redis, on an internal balancer: Redis from private sources. */
	x = only(redis_internal);
	assert_int_equal(x->severity, SEVERITY_MEDIUM);
	assert_non_null(strstr(x->message, "Redis newly reachable from private sources"));
}

/* A type change that lets nothing new in is no finding; a narrowing stays info. */
static void test_classify__service_type_change_letting_nothing_in_is_quiet(void **state)
{
	g_autoptr(GPtrArray) same = classify(
		service("NodePort", "tcp/443 from k8s:cluster", 8443, true),
		service("LoadBalancer", "tcp/443 from k8s:cluster, k8s:internal-lb", 8443, true), NULL);
	g_autoptr(GPtrArray) back = classify(
		service("LoadBalancer", "tcp/443 from 0.0.0.0/0, k8s:cluster", 8443, true),
		service("ClusterIP", "tcp/443 from k8s:cluster", 8443, false), NULL);
	g_autoptr(GPtrArray) nothing = classify(
		service("ClusterIP", "tcp/443 from k8s:cluster", 8443, false),
		service("NodePort", "tcp/443 from k8s:cluster", 8443, false), NULL);

	/* NodePort -> internal LoadBalancer: only the internal balancer is new. */
	assert_string_equal(only(same)->rule->id, "DW-SET-030");
	assert_string_equal(only(same)->widened, "tcp/443 from k8s:internal-lb");
	/* Back to ClusterIP: the narrowing, and DW-SET-900 for the type. */
	assert_int_equal(back->len, 2);
	assert_string_equal(((struct finding *)back->pdata[0])->rule->id, "DW-NET-900");
	assert_string_equal(((struct finding *)back->pdata[1])->rule->id, "DW-SET-900");
	assert_int_equal(nothing->len, 0);
}

static void test_rulepack__bad_public_sources_are_reported_with_lines(void **state)
{
	g_autofree char *path = write_temp("public_sources:\n"
	                                   "  - {name: few, ipv4: /33, ipv6: /48}\n"
	                                   "  - name: some\n"
	                                   "    ipv4: /16\n"
	                                   "    ipv6: \"48\"\n"
	                                   "    rules: {DW-NET-010: DW-NET-011}\n"
	                                   "  - {name: more, ipv4: /8, ipv6: /32, rules: {DW-NET-001: MY-404}}\n");
	g_autoptr(rulepack) p = own_pack();
	g_autoptr(GError) error = NULL;

	assert_false(rulepack_overlay(p, path, &error));
	unlink(path);
	assert_non_null(strstr(error->message, ":2: public_sources: ipv4: expected a prefix length"));
	assert_non_null(strstr(error->message, ":5: public_sources: ipv6: expected a prefix length"));
	assert_non_null(strstr(error->message, ":6: public_sources: rules: \"DW-NET-010\" is not an Internet rule"));
	assert_non_null(strstr(error->message, "names rule MY-404, which the pack does not have"));
	/* Unchanged on error. */
	assert_int_equal(p->public_grades->len, 1);
}

/* A user's grades replace the pack's: a /16 of their own is specific. */
static void test_rulepack__overlay_replaces_public_grades(void **state)
{
	g_autofree char *path = write_temp("public_sources:\n"
	                                   "  - name: our public ranges\n"
	                                   "    ipv4: /16\n"
	                                   "    ipv6: /40\n"
	                                   "    rules: {DW-NET-003: DW-NET-031}\n");
	g_autoptr(rulepack) p = own_pack();
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) ssh = NULL, db = NULL;

	assert_true(rulepack_overlay(p, path, &error));
	unlink(path);
	ssh = classify_with(p, NULL, sg("ssh", RULES("tcp/22 from 81.2.0.0/16")));
	assert_string_equal(only(ssh)->rule->id, "DW-NET-031");
	assert_non_null(strstr(only(ssh)->message, "from our public ranges 81.2.0.0/16"));
	/* Not mapped: the Internet rule stays, with the grade's words. */
	db = classify_with(p, NULL, sg("db", RULES("tcp/3306 from 81.2.0.0/16")));
	assert_string_equal(only(db)->rule->id, "DW-NET-001");
	assert_non_null(strstr(only(db)->message, "MySQL newly reachable from our public ranges 81.2.0.0/16"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify__elasticsearch_to_internet_is_critical),
		cmocka_unit_test(test_classify__ipv6_any_is_the_internet),
		cmocka_unit_test(test_classify__all_ports_is_critical),
		cmocka_unit_test(test_classify__ssh_is_high_and_web_is_low),
		cmocka_unit_test(test_classify__network_finding_keeps_its_sets),
		cmocka_unit_test(test_classify__narrowing_keeps_the_narrowed_set),
		cmocka_unit_test(test_classify__setting_finding_has_a_headline_and_no_sets),
		cmocka_unit_test(test_classify__icmp_from_internet_is_low),
		cmocka_unit_test(test_classify__private_widening_is_medium_or_low),
		cmocka_unit_test(test_classify__narrowing_is_info_only),
		cmocka_unit_test(test_classify__same_effect_is_no_change),
		cmocka_unit_test(test_classify__auth_off_is_critical),
		cmocka_unit_test(test_classify__bind_all_without_auth_is_high),
		cmocka_unit_test(test_classify__bind_all_with_auth_is_medium),
		cmocka_unit_test(test_classify__network_finding_names_auth_off),
		cmocka_unit_test(test_classify__auth_off_names_open_port),
		cmocka_unit_test(test_classify__auth_off_names_specific_public_sources),
		cmocka_unit_test(test_classify__finding_id_is_stable_and_region_specific),
		cmocka_unit_test(test_classify__removed_nsg_is_reported),
		cmocka_unit_test(test_rulepack__bad_pack_reports_every_problem_with_lines),
		cmocka_unit_test(test_classify__wide_range_is_high_and_its_own_rule),
		cmocka_unit_test(test_rulepack__overlay_adds_a_sensitive_port),
		cmocka_unit_test(test_rulepack__overlay_changes_severity_and_texts),
		cmocka_unit_test(test_rulepack__overlay_refuses_new_rules_with_lines),
		cmocka_unit_test(test_classify__single_public_address_is_specific_not_internet),
		cmocka_unit_test(test_classify__public_sources_beyond_the_grade_are_the_internet),
		cmocka_unit_test(test_classify__ipv6_sources_are_graded_too),
		cmocka_unit_test(test_classify__grades_are_per_port),
		cmocka_unit_test(test_classify__documentation_ranges_are_not_the_internet),
		cmocka_unit_test(test_classify__data_store_from_selectors_keeps_its_severity),
		cmocka_unit_test(test_classify__blanket_private_grant_is_one_low_finding),
		cmocka_unit_test(test_classify__private_sources_newly_allowed_behind_a_public_deny),
		cmocka_unit_test(test_classify__service_type_change_is_one_finding_graded_by_exposure),
		cmocka_unit_test(test_classify__service_type_change_letting_nothing_in_is_quiet),
		cmocka_unit_test(test_rulepack__bad_public_sources_are_reported_with_lines),
		cmocka_unit_test(test_rulepack__overlay_replaces_public_grades),
	};

	return cmocka_run_group_tests(tests, setup_pack, teardown_pack);
}
