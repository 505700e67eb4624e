/*
 * test_finding.c - the finding's constructors, its id, its copy, and the
 * rule id constants against the rule pack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "finding.h"
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

static exposure *set(const char *text)
{
	exposure *e = exposure_parse(text, NULL);

	assert_non_null(e);
	return e;
}

static bool is_constant(const char *id)
{
	for (size_t i = 0; i < rule_ids_count; i++) {
		if (strcmp(rule_ids[i], id) == 0)
			return true;
	}
	return false;
}

static void test_finding__every_pack_rule_has_a_constant(void **state)
{
	assert_true(pack->rules->len > 0);
	for (guint i = 0; i < pack->rules->len; i++) {
		const struct rule *r = pack->rules->pdata[i];

		if (!is_constant(r->id))
			fail_msg("%s (pack.yml:%u) has no constant in rule_ids.h", r->id, r->line);
	}
}

static void test_finding__every_constant_is_a_pack_rule(void **state)
{
	assert_int_equal(rule_ids_count, pack->rules->len);
	for (size_t i = 0; i < rule_ids_count; i++) {
		if (!rulepack_rule(pack, rule_ids[i]))
			fail_msg("%s is in rule_ids.h and not in pack.yml", rule_ids[i]);
	}
}

static void test_finding__family_comes_from_the_table_not_a_prefix(void **state)
{
	assert_int_equal(rule_family_of(RULE_NET_001), RULE_FAMILY_NET);
	assert_int_equal(rule_family_of(RULE_NET_900), RULE_FAMILY_NET);
	assert_int_equal(rule_family_of(RULE_SET_030), RULE_FAMILY_SET);
	assert_int_equal(rule_family_of(RULE_EVAL_001), RULE_FAMILY_EVAL);
	assert_int_equal(rule_family_of(RULE_PARSE_005), RULE_FAMILY_PARSE);
	assert_int_equal(rule_family_of(RULE_POLICY_003), RULE_FAMILY_POLICY);
	/* An id with a known prefix is still not a known rule. */
	assert_int_equal(rule_family_of("DW-NET-999"), RULE_FAMILY_UNKNOWN);
	assert_int_equal(rule_family_of("DW-NET-0011"), RULE_FAMILY_UNKNOWN);
	assert_int_equal(rule_family_of(NULL), RULE_FAMILY_UNKNOWN);
	/* The pack's rules carry theirs. */
	assert_int_equal(rulepack_rule(pack, RULE_POLICY_001)->family, RULE_FAMILY_POLICY);
	assert_int_equal(rulepack_rule(pack, RULE_SET_002)->family, RULE_FAMILY_SET);
}

static void test_finding__id_belongs_to_rule_file_identity_and_region(void **state)
{
	const struct rule *net1 = rulepack_rule(pack, RULE_NET_001);
	const struct rule *net3 = rulepack_rule(pack, RULE_NET_003);
	struct finding *base = finding_new(net1, "aws-sg:App", "a.yaml", "tcp/22 from 0.0.0.0/0");
	struct finding *same = finding_new(net1, "aws-sg:App", "a.yaml", "tcp/22 from 0.0.0.0/0");
	struct finding *variants[] = {
		finding_new(net3, "aws-sg:App", "a.yaml", "tcp/22 from 0.0.0.0/0"),
		finding_new(net1, "aws-sg:Db", "a.yaml", "tcp/22 from 0.0.0.0/0"),
		finding_new(net1, "aws-sg:App", "b.yaml", "tcp/22 from 0.0.0.0/0"),
		finding_new(net1, "aws-sg:App", "a.yaml", "tcp/23 from 0.0.0.0/0"),
	};
	/* A twin's identity made unique by "@FILE" hashes as the plain one. */
	struct finding *twin = finding_new(net1, "aws-sg:App@a.yaml", "a.yaml", "tcp/22 from 0.0.0.0/0");

	assert_int_equal(strlen(base->id), 12);
	assert_int_equal(base->id[0], FINDING_ID_VERSION);
	assert_int_equal(strlen(base->old_id), 12);
	assert_string_equal(base->id, same->id);
	assert_string_equal(base->old_id, same->old_id);
	assert_string_equal(base->id, twin->id);
	for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
		assert_string_not_equal(base->id, variants[i]->id);
		finding_free(variants[i]);
	}
	assert_int_equal(base->severity, net1->severity);
	assert_ptr_equal(base->rule, net1);
	assert_string_equal(base->widened, "tcp/22 from 0.0.0.0/0");
	assert_string_equal(base->before, "");
	assert_null(base->widened_set);
	assert_int_equal(finding_family(base), RULE_FAMILY_NET);
	finding_free(base);
	finding_free(same);
	finding_free(twin);
}

static void test_finding__new_sets_prints_the_sets_it_keeps(void **state)
{
	const struct rule *r = rulepack_rule(pack, RULE_NET_003);
	g_autoptr(exposure) widened = set("tcp/22,80 from 0.0.0.0/0");
	g_autoptr(exposure) before = set("tcp/22 from 10.0.0.0/8");
	g_autoptr(exposure) after = set("tcp/22,80 from 0.0.0.0/0");
	struct finding *f = finding_new_sets(r, "aws-sg:App", "a.yaml", widened, before, after);
	struct finding *by_text = finding_new(r, "aws-sg:App", "a.yaml", "tcp/22,80 from 0.0.0.0/0");
	struct finding *no_after = finding_new_sets(r, "aws-sg:App", "a.yaml", widened, before, NULL);

	assert_true(exposure_equal(f->widened_set, widened));
	assert_true(exposure_equal(f->before_set, before));
	assert_true(exposure_equal(f->after_set, after));
	assert_ptr_not_equal(f->widened_set, widened);
	assert_string_equal(f->widened, "tcp/22,80 from 0.0.0.0/0");
	assert_string_equal(f->before, "tcp/22 from 10.0.0.0/8");
	assert_string_equal(f->after, "tcp/22,80 from 0.0.0.0/0");
	/* The id is the one the printed region gives. */
	assert_string_equal(f->id, by_text->id);
	assert_null(no_after->after_set);
	assert_null(no_after->after);
	finding_free(f);
	finding_free(by_text);
	finding_free(no_after);
}

/* A finding with every field set, none of them shared with another. */
static struct finding *full_finding(void)
{
	g_autoptr(exposure) w = set("tcp/9200 from 0.0.0.0/0");
	g_autoptr(exposure) b = set("tcp/9200 from 10.0.0.0/8");
	struct finding *f = finding_new_sets(rulepack_rule(pack, RULE_NET_001), "aws-sg:Es", "es.yaml", w,
	                                     b, w);

	f->kind = g_strdup("AWS security group");
	f->name = g_strdup("Es");
	f->line = 12;
	f->message = g_strdup("message");
	f->headline = g_strdup("headline");
	f->unchecked = true;
	f->setting_key = g_strdup("auth");
	f->commit = g_strdup("c0ffee");
	f->author = g_strdup("Sam <sam@example.com>");
	f->date = g_strdup("2026-01-02T03:04:05Z");
	f->subject = g_strdup("open es");
	f->suppressed = true;
	f->approval_reason = g_strdup("ticket 7");
	f->approved_by = g_strdup("Kim");
	f->approval_expires = g_strdup("2026-12-31");
	f->approval_comment = g_strdup("es.yaml:12");
	f->approval_at_push = true;
	f->has_policy_fail_on = true;
	f->policy_fail_on = SEVERITY_HIGH;
	return f;
}

static void assert_same_strings(const struct finding *a, const struct finding *b)
{
	const char *const as[] = { a->id, a->old_id, a->resource, a->kind, a->name, a->file, a->widened,
	                           a->before, a->after, a->message, a->headline, a->setting_key,
	                           a->commit, a->author, a->date, a->subject, a->approval_reason,
	                           a->approved_by, a->approval_expires, a->approval_comment };
	const char *const bs[] = { b->id, b->old_id, b->resource, b->kind, b->name, b->file, b->widened,
	                           b->before, b->after, b->message, b->headline, b->setting_key,
	                           b->commit, b->author, b->date, b->subject, b->approval_reason,
	                           b->approved_by, b->approval_expires, b->approval_comment };

	for (size_t i = 0; i < G_N_ELEMENTS(as); i++) {
		assert_non_null(as[i]);
		assert_string_equal(as[i], bs[i]);
		/* Deep: freeing one leaves the other whole. */
		assert_ptr_not_equal(as[i], bs[i]);
	}
}

static void test_finding__copy_is_deep_and_complete(void **state)
{
	struct finding *f = full_finding();
	struct finding *expected = full_finding();
	struct finding *c = finding_copy(f);

	finding_free(f);
	assert_same_strings(c, expected);
	assert_ptr_equal(c->rule, expected->rule);
	assert_int_equal(c->severity, expected->severity);
	assert_int_equal(c->line, 12);
	assert_true(c->unchecked && c->suppressed && c->approval_at_push && c->has_policy_fail_on);
	assert_int_equal(c->policy_fail_on, SEVERITY_HIGH);
	assert_true(exposure_equal(c->widened_set, expected->widened_set));
	assert_true(exposure_equal(c->before_set, expected->before_set));
	assert_true(exposure_equal(c->after_set, expected->after_set));
	assert_ptr_not_equal(c->widened_set, expected->widened_set);
	finding_free(c);
	finding_free(expected);
}

static void test_finding__copy_of_a_bare_finding_keeps_its_nulls(void **state)
{
	struct finding *f = finding_restore(NULL, "v0123456789a");
	struct finding *c = finding_copy(f);

	assert_string_equal(c->id, "v0123456789a");
	assert_null(c->rule);
	assert_null(c->widened_set);
	assert_null(c->message);
	assert_int_equal(c->severity, SEVERITY_INFO);
	assert_int_equal(finding_family(c), RULE_FAMILY_UNKNOWN);
	finding_free(f);
	finding_free(c);
	finding_free(NULL);
}

static void test_finding__restore_keeps_the_id_it_is_given(void **state)
{
	const struct rule *r = rulepack_rule(pack, RULE_SET_001);
	struct finding *f = finding_restore(r, "0123456789ab");

	assert_string_equal(f->id, "0123456789ab");
	assert_null(f->old_id);
	assert_ptr_equal(f->rule, r);
	assert_int_equal(f->severity, r->severity);
	assert_int_equal(finding_family(f), RULE_FAMILY_SET);
	finding_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding__every_pack_rule_has_a_constant),
		cmocka_unit_test(test_finding__every_constant_is_a_pack_rule),
		cmocka_unit_test(test_finding__family_comes_from_the_table_not_a_prefix),
		cmocka_unit_test(test_finding__id_belongs_to_rule_file_identity_and_region),
		cmocka_unit_test(test_finding__new_sets_prints_the_sets_it_keeps),
		cmocka_unit_test(test_finding__copy_is_deep_and_complete),
		cmocka_unit_test(test_finding__copy_of_a_bare_finding_keeps_its_nulls),
		cmocka_unit_test(test_finding__restore_keeps_the_id_it_is_given),
	};

	return cmocka_run_group_tests(tests, setup_pack, teardown_pack);
}
