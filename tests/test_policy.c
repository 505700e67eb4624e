/*
 * test_policy.c - the repository policy (.driftwatch.yml): the loader,
 * every field and every way to be wrong, with its line; the path globs;
 * approvals and their expiry with an injected today; what loosens it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "policy.h"
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

static struct policy *parses(const char *text)
{
	struct policy *p = NULL;
	g_autoptr(GError) error = NULL;

	if (!policy_parse(&p, POLICY_PATH, text, strlen(text), pack, &error))
		fail_msg("%s", error->message);
	return p;
}

/* Fails to parse, with an error containing each of the NULL-terminated messages. */
static void fails(const char *text, ...)
{
	struct policy *p = NULL;
	g_autoptr(GError) error = NULL;
	va_list ap;
	const char *want;

	assert_false(policy_parse(&p, POLICY_PATH, text, strlen(text), pack, &error));
	assert_null(p);
	assert_non_null(error);
	va_start(ap, text);
	while ((want = va_arg(ap, const char *))) {
		if (!strstr(error->message, want))
			fail_msg("\"%s\" not in:\n%s", want, error->message);
	}
	va_end(ap);
}

static void test_policy__every_field_loads(void **state)
{
	g_autoptr(policy) p = parses("trusted_networks:\n"
	                             "  - 198.51.100.0/24\n"
	                             "  - 2001:db8::/32\n"
	                             "  - azure-tag:VirtualNetwork\n"
	                             "fail_on: medium\n"
	                             "ignore_paths: [sandbox/**]\n"
	                             "rules:\n"
	                             "  DW-NET-003: off\n"
	                             "  DW-NET-001: low\n"
	                             "approvals:\n"
	                             "  - finding: 5C1D0E6A7B8C\n"
	                             "    reason: migration\n"
	                             "    approved_by: Ana\n"
	                             "    expires: 2026-06-01\n"
	                             "  - finding: {rule: DW-NET-001, resource: 'aws-sg:AppSG'}\n"
	                             "    reason: r\n"
	                             "    approved_by: Bo\n"
	                             "    expires: 2027-02-28\n");
	g_autofree char *trusted = srcset_to_string(p->trusted);
	const struct policy_rule *r;
	const struct policy_approval *a;

	assert_string_equal(trusted, "198.51.100.0/24, 2001:db8::/32, azure-tag:VirtualNetwork");
	assert_int_equal(p->trusted_items->len, 3);
	assert_true(p->has_fail_on);
	assert_int_equal(p->fail_on, SEVERITY_MEDIUM);
	assert_int_equal(p->fail_on_line, 5);
	assert_int_equal(p->ignore->len, 1);
	assert_int_equal(p->rules->len, 2);
	r = p->rules->pdata[0];
	assert_string_equal(r->id, "DW-NET-003");
	assert_true(r->off);
	r = p->rules->pdata[1];
	assert_false(r->off);
	assert_int_equal(r->severity, SEVERITY_LOW);
	assert_int_equal(p->approvals->len, 2);
	a = p->approvals->pdata[0];
	assert_string_equal(a->finding, "5c1d0e6a7b8c");
	assert_int_equal(a->line, 11);
	a = p->approvals->pdata[1];
	assert_null(a->finding);
	assert_string_equal(a->rule, "DW-NET-001");
	assert_string_equal(a->resource, "aws-sg:AppSG");
	assert_string_equal(a->expires, "2027-02-28");
}

static void test_policy__empty_file_is_empty_policy(void **state)
{
	g_autoptr(policy) p = parses("");
	g_autoptr(policy) q = parses("# nothing\n");

	assert_true(srcset_is_empty(p->trusted));
	assert_false(q->has_fail_on);
}

static void test_policy__unknown_key_fails(void **state)
{
	fails("trusted_networks: []\nignore_path: [x]\n", ".driftwatch.yml:2: unknown key \"ignore_path\"",
	      NULL);
	fails("approvals:\n  - finding: 0123456789ab\n    reason: r\n    approved_by: a\n"
	      "    expires: 2026-01-01\n    expire: 2027-01-01\n",
	      ":6: unknown key \"expire\" in an approval", NULL);
}

static void test_policy__every_problem_with_its_line(void **state)
{
	fails("trusted_networks:\n"
	      "  - 10.0.0.0/33\n"
	      "  - office\n"
	      "fail_on: severe\n"
	      "rules:\n"
	      "  DW-NET-999: off\n"
	      "  DW-NET-001: loud\n"
	      "  DW-POLICY-001: off\n"
	      "approvals:\n"
	      "  - finding: nothex\n"
	      "    reason: r\n"
	      "    approved_by: a\n"
	      "    expires: 2026-02-30\n"
	      "  - finding: 0123456789ab\n"
	      "ignore_paths: x\n",
	      ".driftwatch.yml:2: expected a CIDR", ".driftwatch.yml:3: expected a CIDR",
	      ":4: fail_on: expected", ":6: unknown rule DW-NET-999", ":7: rule DW-NET-001: expected off",
	      ":8: rule DW-POLICY-001 guards the policy", ":10: finding: expected a finding id",
	      ":13: expires: expected YYYY-MM-DD, got \"2026-02-30\"", ":14: missing \"reason\"",
	      ":14: missing \"approved_by\"", ":14: missing \"expires\"",
	      ":15: \"ignore_paths\" must be a list", NULL);
}

static void test_policy__not_a_map_fails(void **state)
{
	fails("- a\n- b\n", ".driftwatch.yml:1: expected a map", NULL);
	fails("a: [\n", ".driftwatch.yml:", NULL);
	fails("fail_on: high\nfail_on: low\n", ":2: \"fail_on\" given twice", NULL);
	fails("approvals:\n  - finding: {rule: DW-NET-001}\n    reason: r\n    approved_by: a\n"
	      "    expires: 2026-01-01\n",
	      ":2: missing \"resource\"", NULL);
}

static void test_policy__globs(void **state)
{
	assert_true(policy_glob_match("sg.yaml", "sg.yaml"));
	assert_false(policy_glob_match("sg.yaml", "x/sg.yaml"));
	assert_true(policy_glob_match("*.yaml", "sg.yaml"));
	assert_false(policy_glob_match("*.yaml", "x/sg.yaml"));
	assert_true(policy_glob_match("x/?g.yaml", "x/sg.yaml"));
	assert_false(policy_glob_match("x?sg.yaml", "x/sg.yaml"));
	assert_true(policy_glob_match("sandbox/**", "sandbox/a.json"));
	assert_true(policy_glob_match("sandbox/**", "sandbox/a/b/c.json"));
	assert_false(policy_glob_match("sandbox/**", "sandbox"));
	assert_false(policy_glob_match("sandbox/**", "sandboxes/a.json"));
	assert_true(policy_glob_match("**/test/*.json", "test/a.json"));
	assert_true(policy_glob_match("**/test/*.json", "a/b/test/a.json"));
	assert_false(policy_glob_match("**/test/*.json", "a/test/b/a.json"));
	assert_true(policy_glob_match("a/**/b.yml", "a/b.yml"));
	assert_true(policy_glob_match("a/**/b.yml", "a/x/y/b.yml"));
	assert_false(policy_glob_match("a/**/b.yml", "ab.yml"));
	assert_true(policy_glob_match("**", "any/thing.yml"));
	assert_true(policy_glob_match("a**b", "axxb"));
	assert_false(policy_glob_match("a**b", "a/b"));
	assert_true(policy_glob_match("[x].yml", "[x].yml"));
	assert_false(policy_glob_match("", "a"));
}

static struct finding *finding(const char *rule, const char *resource)
{
	return rulepack_finding_new(pack, rule, resource, "sg.yaml", 3, "tcp/22 from 0.0.0.0/0",
	                            g_strdup("m"));
}

static GPtrArray *apply(const char *policy_text, const char *today_text)
{
	g_autoptr(policy) p = parses(policy_text);
	GPtrArray *f = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	GDate today;

	g_setenv("DRIFTWATCH_TODAY", today_text, TRUE);
	assert_true(policy_today(&today, NULL));
	g_unsetenv("DRIFTWATCH_TODAY");
	g_ptr_array_add(f, finding("DW-NET-003", "aws-sg:A"));
	g_ptr_array_add(f, finding("DW-NET-001", "aws-sg:B"));
	policy_apply(p, pack, f, &today);
	return f;
}

static const char approvals[] = "approvals:\n"
                                "  - finding: {rule: DW-NET-003, resource: 'aws-sg:A'}\n"
                                "    reason: migration\n"
                                "    approved_by: Ana\n"
                                "    expires: 2026-06-01\n";

static void test_policy__approval_suppresses_until_its_last_day(void **state)
{
	g_autoptr(GPtrArray) f = apply(approvals, "2026-06-01");
	const struct finding *a = f->pdata[0], *b = f->pdata[1];

	assert_int_equal(f->len, 2);
	assert_true(a->suppressed);
	assert_string_equal(a->approved_by, "Ana");
	assert_string_equal(a->approval_reason, "migration");
	assert_string_equal(a->approval_expires, "2026-06-01");
	assert_false(b->suppressed);
}

static void test_policy__expired_approval_is_reported(void **state)
{
	g_autoptr(GPtrArray) f = apply(approvals, "2026-06-02");
	const struct finding *a = f->pdata[0], *x = f->pdata[2];

	assert_int_equal(f->len, 3);
	assert_false(a->suppressed);
	assert_string_equal(x->rule->id, "DW-POLICY-003");
	assert_int_equal(x->severity, SEVERITY_MEDIUM);
	assert_int_equal(x->line, 2);
	assert_non_null(strstr(x->message, "DW-NET-003 on aws-sg:A by Ana expired after 2026-06-01"));
}

static void test_policy__approval_by_finding_id(void **state)
{
	g_autofree char *text = NULL;
	g_autoptr(GPtrArray) f = NULL;
	struct finding *x = finding("DW-NET-001", "aws-sg:B");

	text = g_strdup_printf("approvals:\n  - finding: %s\n    reason: r\n    approved_by: Bo\n"
	                       "    expires: 2099-01-01\n", x->id);
	finding_free(x);
	f = apply(text, "2026-01-01");
	assert_false(((struct finding *)f->pdata[0])->suppressed);
	assert_true(((struct finding *)f->pdata[1])->suppressed);
}

static GPtrArray *loosening(const char *old_text, const char *new_text);

static void test_policy__ids_name_the_file(void **state)
{
	struct finding *a = rulepack_finding_new(pack, "DW-NET-001", "aws-sg:A", "billing/t.yaml", 3,
	                                         "tcp/22 from 0.0.0.0/0", g_strdup("m"));
	struct finding *b = rulepack_finding_new(pack, "DW-NET-001", "aws-sg:A", "search/t.yaml", 3,
	                                         "tcp/22 from 0.0.0.0/0", g_strdup("m"));
	struct finding *again = rulepack_finding_new(pack, "DW-NET-001", "aws-sg:A", "billing/t.yaml", 9,
	                                             "tcp/22 from 0.0.0.0/0", g_strdup("other"));

	assert_int_equal(strlen(a->id), 12);
	assert_int_equal(a->id[0], FINDING_ID_VERSION);
	assert_string_not_equal(a->id, b->id);
	/* Line and message are not part of it: reruns keep the id. */
	assert_string_equal(a->id, again->id);
	/* The old form hashed no file, so both files shared it. */
	assert_string_equal(a->old_id, b->old_id);
	assert_int_equal(strlen(a->old_id), 12);
	finding_free(a);
	finding_free(b);
	finding_free(again);
}

/* An approval written with an old-form id approves nothing and says so. */
static void test_policy__old_form_approval_is_reported(void **state)
{
	g_autofree char *text = NULL;
	g_autoptr(GPtrArray) f = NULL;
	g_autoptr(GPtrArray) changed = NULL;
	struct finding *x = finding("DW-NET-001", "aws-sg:B");
	const struct finding *y;

	text = g_strdup_printf("approvals:\n  - finding: %s\n    reason: r\n    approved_by: Bo\n"
	                       "    expires: 2099-01-01\n", x->old_id);
	f = apply(text, "2026-01-01");
	assert_int_equal(f->len, 3);
	assert_false(((struct finding *)f->pdata[0])->suppressed);
	assert_false(((struct finding *)f->pdata[1])->suppressed);
	y = f->pdata[2];
	assert_string_equal(y->rule->id, "DW-POLICY-005");
	assert_int_equal(y->line, 2);
	assert_non_null(strstr(y->message, x->old_id));
	assert_non_null(strstr(y->message, x->id));
	assert_non_null(strstr(y->message, "DW-NET-001 on aws-sg:B in sg.yaml"));
	/* Changing the policy lists it even when no finding of the change matches it. */
	changed = loosening(text, text);
	assert_int_equal(changed->len, 1);
	y = changed->pdata[0];
	assert_string_equal(y->rule->id, "DW-POLICY-005");
	assert_non_null(strstr(y->message, "approves nothing"));
	finding_free(x);
}

static void test_policy__trailer_approves_by_id_from_start(void **state)
{
	g_autoptr(GPtrArray) f = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	struct finding *a = finding("DW-NET-003", "aws-sg:A");
	struct finding *b = finding("DW-NET-003", "aws-sg:A");
	g_autofree char *id = g_ascii_strup(a->id, -1);
	g_autofree char *text = NULL;

	g_ptr_array_add(f, a);
	g_ptr_array_add(f, b);
	/* Index 0 is an earlier commit's finding: out of reach. */
	assert_true(policy_approve_finding(f, 1, id, "vendor", "Ana <a@x>"));
	assert_false(a->suppressed);
	assert_true(b->suppressed);
	assert_null(b->approval_expires);
	text = finding_approval_text(b);
	assert_string_equal(text, "approved by Ana <a@x> in this commit: vendor");
	assert_false(policy_approve_finding(f, 0, "000000000000", "r", "x"));
}

static void test_policy__rule_overrides(void **state)
{
	g_autoptr(GPtrArray) f = apply("rules:\n  DW-NET-003: off\n  DW-NET-001: low\nfail_on: medium\n",
	                               "2026-01-01");
	const struct finding *b = f->pdata[0];

	assert_int_equal(f->len, 1);
	assert_string_equal(b->rule->id, "DW-NET-001");
	assert_int_equal(b->severity, SEVERITY_LOW);
	assert_true(b->has_policy_fail_on);
	assert_int_equal(b->policy_fail_on, SEVERITY_MEDIUM);
}

static void test_policy__bad_today_fails(void **state)
{
	GDate today;
	g_autoptr(GError) error = NULL;

	g_setenv("DRIFTWATCH_TODAY", "2026-13-01", TRUE);
	assert_false(policy_today(&today, &error));
	g_unsetenv("DRIFTWATCH_TODAY");
	assert_non_null(strstr(error->message, "DRIFTWATCH_TODAY"));
	assert_true(policy_today(&today, NULL));
}

static GPtrArray *loosening(const char *old_text, const char *new_text)
{
	g_autoptr(policy) o = old_text ? parses(old_text) : NULL;
	g_autoptr(policy) n = parses(new_text);
	GPtrArray *f = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);

	policy_loosening(f, pack, o, n);
	return f;
}

static void test_policy__loosening(void **state)
{
	g_autoptr(GPtrArray) same = loosening(approvals, approvals);
	g_autoptr(GPtrArray) priv = loosening(NULL, "trusted_networks: [10.0.0.0/8, azure-tag:X]\n");
	g_autoptr(GPtrArray) f = loosening("rules:\n  DW-NET-001: medium\n",
	                                   "trusted_networks: [81.2.69.0/24]\n"
	                                   "rules:\n  DW-NET-001: low\n  DW-NET-003: critical\n"
	                                   "  DW-NET-004: off\n");
	g_autoptr(GPtrArray) tightened = loosening("fail_on: medium\n", "fail_on: low\n");
	g_autoptr(GPtrArray) from_default = loosening(NULL, "fail_on: medium\n");
	g_autoptr(GPtrArray) a = loosening(NULL, approvals);
	const struct finding *x;

	assert_int_equal(same->len, 0);
	assert_int_equal(priv->len, 0);
	assert_int_equal(f->len, 3);
	x = f->pdata[0];
	assert_string_equal(x->rule->id, "DW-POLICY-001");
	assert_string_equal(x->message, "trusted networks widened: 81.2.69.0/24");
	assert_int_equal(x->line, 1);
	x = f->pdata[1];
	assert_string_equal(x->message, "policy loosened: rule DW-NET-001 lowered from medium to low");
	assert_int_equal(x->line, 3);
	x = f->pdata[2];
	assert_string_equal(x->message, "policy loosened: rule DW-NET-004 turned off");
	/* A lower threshold fails on more: tighter, nothing to report. */
	assert_int_equal(tightened->len, 0);
	assert_int_equal(from_default->len, 0);
	assert_int_equal(a->len, 1);
	x = a->pdata[0];
	assert_string_equal(x->rule->id, "DW-POLICY-004");
	assert_non_null(strstr(x->message, "DW-NET-003 on aws-sg:A by Ana until 2026-06-01"));
}

/* Removing the file or a key is judged like any change (issue: loosening by deletion). */
static void test_policy__removing_is_loosening(void **state)
{
	g_autoptr(policy) o = parses("fail_on: medium\nrules:\n  DW-NET-004: critical\n"
	                             "trusted_networks: [10.0.0.0/8]\n");
	g_autoptr(policy) kept = parses("rules:\n  DW-NET-004: critical\n");
	g_autoptr(policy) calm = parses("fail_on: medium\n");
	g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) key = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) tighter = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	const struct finding *x;

	policy_loosening(deleted, pack, o, NULL);
	policy_loosening(key, pack, o, kept);
	/* Dropping a trusted network only tightens. */
	policy_loosening(tighter, pack, calm, calm);
	assert_int_equal(deleted->len, 2);
	x = deleted->pdata[0];
	assert_string_equal(x->rule->id, "DW-POLICY-002");
	assert_non_null(strstr(x->message, "fail_on raised from medium to high, the default"));
	x = deleted->pdata[1];
	assert_non_null(strstr(x->message, "rule DW-NET-004 lowered from critical to"));
	assert_non_null(strstr(x->message, "was line 3"));
	assert_int_equal(key->len, 1);
	x = key->pdata[0];
	assert_non_null(strstr(x->message, "fail_on raised from medium"));
	assert_int_equal(tighter->len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy__every_field_loads),
		cmocka_unit_test(test_policy__empty_file_is_empty_policy),
		cmocka_unit_test(test_policy__unknown_key_fails),
		cmocka_unit_test(test_policy__every_problem_with_its_line),
		cmocka_unit_test(test_policy__not_a_map_fails),
		cmocka_unit_test(test_policy__globs),
		cmocka_unit_test(test_policy__approval_suppresses_until_its_last_day),
		cmocka_unit_test(test_policy__expired_approval_is_reported),
		cmocka_unit_test(test_policy__approval_by_finding_id),
		cmocka_unit_test(test_policy__ids_name_the_file),
		cmocka_unit_test(test_policy__old_form_approval_is_reported),
		cmocka_unit_test(test_policy__trailer_approves_by_id_from_start),
		cmocka_unit_test(test_policy__rule_overrides),
		cmocka_unit_test(test_policy__bad_today_fails),
		cmocka_unit_test(test_policy__loosening),
		cmocka_unit_test(test_policy__removing_is_loosening),
	};

	return cmocka_run_group_tests(tests, setup_pack, teardown_pack);
}
