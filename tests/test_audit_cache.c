/*
 * test_audit_cache.c - the audit cache: every field of a finding read
 * back as stored after reopening, a commit without findings kept,
 * judgements of one key unseen under another, used only from the day
 * judged to the last day its approvals hold; a row cut short, padded,
 * with lengths past its end, with a NUL in a string, with a set not as
 * printed or naming a rule the pack lacks is a miss; a damaged or
 * foreign file moved aside and said, a folder that cannot be made an
 * error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "audit_cache.h"

static struct rulepack *pack;

struct fixture {
	char *dir;
	char *path;
	GDate today;
};

static int setup(void **state)
{
	struct fixture *fx = g_new0(struct fixture, 1);

	fx->dir = g_dir_make_tmp("dw-audit-cache-XXXXXX", NULL);
	fx->path = g_build_filename(fx->dir, "sub", "audit.db", NULL);
	g_date_clear(&fx->today, 1);
	g_date_set_dmy(&fx->today, 1, G_DATE_MAY, 2026);
	*state = fx;
	return fx->dir ? 0 : -1;
}

static void rm_rf(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			rm_rf(p);
		else
			g_unlink(p);
	}
	g_rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	rm_rf(fx->dir);
	g_free(fx->dir);
	g_free(fx->path);
	g_free(fx);
	return 0;
}

static struct audit_cache *open_cache(struct fixture *fx, const char *key)
{
	struct audit_cache *c = NULL;
	g_autoptr(GError) error = NULL;

	if (!audit_cache_open(&c, fx->path, key, pack, &fx->today, &error))
		fail_msg("open: %s", error->message);
	return c;
}

static git_oid commit_id(const char *hex)
{
	git_oid id;

	assert_int_equal(git_oid_fromstr(&id, hex), 0);
	return id;
}

static exposure *set(const char *text)
{
	exposure *e = exposure_parse(text, NULL);

	assert_non_null(e);
	return e;
}

static void set_text(char **field, const char *text)
{
	g_free(*field);
	*field = g_strdup(text);
}

/* A finding with every field set to something of its own. */
static struct finding *full_finding(void)
{
	g_autoptr(exposure) widened = set("tcp/9200 from 0.0.0.0/0");
	g_autoptr(exposure) before = set("tcp/9200 from 10.0.0.0/8");
	g_autoptr(exposure) after = set("tcp/9200 from 0.0.0.0/0, ::/0");
	struct finding *f = finding_new_sets(rulepack_rule(pack, RULE_NET_001), "aws-sg:Es", "es.yaml",
	                                     widened, before, after);

	set_text(&f->old_id, "0123456789ab");
	f->severity = SEVERITY_MEDIUM;
	set_text(&f->kind, "AWS security group");
	set_text(&f->name, "Es");
	f->line = 41;
	set_text(&f->message, "Elasticsearch newly reachable from the Internet: tcp/9200");
	set_text(&f->headline, "Elasticsearch newly reachable from the Internet");
	set_text(&f->setting_key, "auth");
	f->suppressed = true;
	set_text(&f->approval_reason, "migration");
	set_text(&f->approved_by, "Ana Admin");
	set_text(&f->approval_expires, "2026-06-01");
	set_text(&f->approval_comment, "es.yaml:40");
	f->approval_at_push = true;
	f->has_policy_fail_on = true;
	f->policy_fail_on = SEVERITY_CRITICAL;
	return f;
}

static void assert_same_set(const exposure *a, const exposure *b)
{
	g_autofree char *ta = a ? exposure_to_string(a) : NULL;
	g_autofree char *tb = b ? exposure_to_string(b) : NULL;

	assert_string_equal(ta ? ta : "(none)", tb ? tb : "(none)");
}

#define assert_same_text(a, b) assert_string_equal((a) ? (a) : "(null)", (b) ? (b) : "(null)")

static void assert_same_finding(const struct finding *a, const struct finding *b)
{
	assert_same_text(a->id, b->id);
	assert_same_text(a->old_id, b->old_id);
	assert_ptr_equal(a->rule, b->rule);
	assert_int_equal(a->severity, b->severity);
	assert_same_text(a->resource, b->resource);
	assert_same_text(a->kind, b->kind);
	assert_same_text(a->name, b->name);
	assert_same_text(a->file, b->file);
	assert_int_equal(a->line, b->line);
	assert_same_text(a->widened, b->widened);
	assert_same_text(a->before, b->before);
	assert_same_text(a->after, b->after);
	assert_same_set(a->widened_set, b->widened_set);
	assert_same_set(a->before_set, b->before_set);
	assert_same_set(a->after_set, b->after_set);
	assert_same_text(a->message, b->message);
	assert_same_text(a->headline, b->headline);
	assert_int_equal(a->unchecked, b->unchecked);
	assert_same_text(a->setting_key, b->setting_key);
	assert_int_equal(a->suppressed, b->suppressed);
	assert_same_text(a->approval_reason, b->approval_reason);
	assert_same_text(a->approved_by, b->approved_by);
	assert_same_text(a->approval_expires, b->approval_expires);
	assert_same_text(a->approval_comment, b->approval_comment);
	assert_int_equal(a->approval_at_push, b->approval_at_push);
	assert_int_equal(a->has_policy_fail_on, b->has_policy_fail_on);
	assert_int_equal(a->policy_fail_on, b->policy_fail_on);
}

static const char commit_a[] = "1111111111111111111111111111111111111111";
static const char commit_b[] = "2222222222222222222222222222222222222222";

/* Stores f (taken) and a commit without findings under key, then closes. */
static void store_two(struct fixture *fx, const char *key, struct finding *f)
{
	g_autoptr(audit_cache) c = open_cache(fx, key);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	git_oid a = commit_id(commit_a), b = commit_id(commit_b);
	g_autoptr(GError) error = NULL;

	g_ptr_array_add(found, f);
	audit_cache_store(c, &a, found);
	audit_cache_store(c, &b, none);
	assert_true(audit_cache_flush(c, &error));
}

/* Looks commit up under key on fx->today: -1 a miss, else how many findings. */
static int lookup(struct fixture *fx, const char *key, const char *hex, GPtrArray **found_out)
{
	g_autoptr(audit_cache) c = open_cache(fx, key);
	GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_oid id = commit_id(hex);
	int n = audit_cache_lookup(c, found, &id) ? (int)found->len : -1;

	if (found_out)
		*found_out = found;
	else
		g_ptr_array_unref(found);
	return n;
}

static void test_audit_cache__every_field_reads_back(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(GPtrArray) found = NULL;
	struct finding *f = full_finding();
	struct finding *want = finding_copy(f);

	store_two(fx, "k", f);
	assert_int_equal(lookup(fx, "k", commit_a, &found), 1);
	assert_same_finding(found->pdata[0], want);
	finding_free(want);
}

static void test_audit_cache__commit_without_findings_is_a_hit(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	assert_int_equal(lookup(fx, "k", commit_b, NULL), 0);
	assert_int_equal(lookup(fx, "k", "3333333333333333333333333333333333333333", NULL), -1);
}

static void test_audit_cache__another_key_sees_nothing(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "rules A", full_finding());
	assert_int_equal(lookup(fx, "rules B", commit_a, NULL), -1);
	assert_int_equal(lookup(fx, "rules B", commit_b, NULL), -1);
	assert_int_equal(lookup(fx, "rules A", commit_a, NULL), 1);
}

static void test_audit_cache__used_until_the_approval_expires(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding()); /* judged 2026-05-01, approval until 2026-06-01 */
	g_date_set_dmy(&fx->today, 1, G_DATE_JUNE, 2026);
	assert_int_equal(lookup(fx, "k", commit_a, NULL), 1);
	g_date_set_dmy(&fx->today, 2, G_DATE_JUNE, 2026);
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
	/* Nothing of commit b relied on an approval. */
	assert_int_equal(lookup(fx, "k", commit_b, NULL), 0);
}

static void test_audit_cache__not_used_before_the_day_judged(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	g_date_set_dmy(&fx->today, 30, G_DATE_APRIL, 2026);
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
	assert_int_equal(lookup(fx, "k", commit_b, NULL), -1);
}

/* Rewrites the findings of every row with sql (an expression of the column findings). */
static void rewrite_rows(struct fixture *fx, const char *expr)
{
	g_autofree char *sql = g_strdup_printf("UPDATE commits SET findings = %s WHERE findings IS NOT NULL",
	                                       expr);
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_audit_cache__row_cut_short_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "substr(findings, 1, length(findings) - 3)");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

static void test_audit_cache__row_with_trailing_bytes_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "findings || X'00'");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

static void test_audit_cache__row_with_huge_lengths_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "X'FFFFFFFFFFFFFFFFFFFFFFFF'");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

static void test_audit_cache__row_naming_an_unknown_rule_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "CAST(replace(CAST(findings AS TEXT), 'DW-NET-001', 'DW-NET-999') AS BLOB)");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

/* The after set reordered: it parses, but is not what the packer wrote. */
static void test_audit_cache__row_with_a_set_not_as_printed_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "CAST(replace(CAST(findings AS TEXT), '0.0.0.0/0, ::/0', '::/0, 0.0.0.0/0') AS BLOB)");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

/* A NUL in a string: it would be read back cut short at it. */
static void test_audit_cache__row_with_a_nul_in_a_string_is_a_miss(void **state)
{
	struct fixture *fx = *state;

	store_two(fx, "k", full_finding());
	rewrite_rows(fx, "CAST(replace(CAST(findings AS TEXT), 'Ana Admin', 'Ana' || X'00' || 'Admin') AS BLOB)");
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

static void test_audit_cache__garbage_file_is_moved_aside_and_said(void **state)
{
	struct fixture *fx = *state;
	g_autofree char *aside = g_strconcat(fx->path, ".damaged", NULL);
	g_autoptr(audit_cache) c = NULL;

	store_two(fx, "k", full_finding());
	assert_true(g_file_set_contents(fx->path, "not a database, not at all; garbage", -1, NULL));
	c = open_cache(fx, "k");
	assert_non_null(audit_cache_note(c));
	assert_non_null(strstr(audit_cache_note(c), "moved aside"));
	assert_true(g_file_test(aside, G_FILE_TEST_EXISTS));
	g_clear_pointer(&c, audit_cache_free);
	assert_int_equal(lookup(fx, "k", commit_a, NULL), -1);
}

static void test_audit_cache__foreign_database_is_moved_aside(void **state)
{
	struct fixture *fx = *state;
	g_autofree char *sub = g_path_get_dirname(fx->path);
	g_autoptr(audit_cache) c = NULL;
	sqlite3 *db = NULL;

	assert_int_equal(g_mkdir_with_parents(sub, 0700), 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE mine (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	c = open_cache(fx, "k");
	assert_non_null(audit_cache_note(c));
	assert_non_null(strstr(audit_cache_note(c), "another program's database"));
}

static void test_audit_cache__folder_that_cannot_be_made_fails(void **state)
{
	struct fixture *fx = *state;
	g_autofree char *file = g_build_filename(fx->dir, "file", NULL);
	g_autofree char *path = g_build_filename(file, "driftwatch", "audit.db", NULL);
	struct audit_cache *c = NULL;
	g_autoptr(GError) error = NULL;

	assert_true(g_file_set_contents(file, "", 0, NULL));
	assert_false(audit_cache_open(&c, path, "k", pack, &fx->today, &error));
	assert_null(c);
	assert_non_null(strstr(error->message, "cannot create"));
}

/* The id of commit number i. */
static git_oid numbered_id(unsigned i)
{
	g_autofree char *hex = g_strdup_printf("%040x", i + 1);

	return commit_id(hex);
}

/* Stores commit i (one finding when i is odd) in c. */
static void store_numbered(struct audit_cache *c, unsigned i)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_oid id = numbered_id(i);

	if (i % 2)
		g_ptr_array_add(found, full_finding());
	audit_cache_store(c, &id, found);
}

/* Looks commit i up in c: -1 a miss, else how many findings. */
static int lookup_numbered(struct audit_cache *c, unsigned i)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_oid id = numbered_id(i);

	return audit_cache_lookup(c, found, &id) ? (int)found->len : -1;
}

/*
 * Lookups share read transactions of many lookups each: thousands of them
 * give the right answers across their ends, with writes (every 512 stores)
 * in between, and another audit writes while one is open.
 */
static void test_audit_cache__many_lookups_between_writes(void **state)
{
	struct fixture *fx = *state;
	g_autoptr(audit_cache) c = open_cache(fx, "k");
	g_autoptr(GError) error = NULL;
	const unsigned n = 3000;

	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(lookup_numbered(c, i), -1);
		store_numbered(c, i);
	}
	assert_true(audit_cache_flush(c, &error));
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(lookup_numbered(c, i), (int)(i % 2));
		if (i % 700 == 699) {
			store_numbered(c, n + i);
			assert_true(audit_cache_flush(c, &error));
		}
		if (i == 1500) {
			/* Another audit, while this one's reads are open. */
			g_autoptr(audit_cache) other = open_cache(fx, "k");

			store_numbered(other, 2 * n);
			assert_true(audit_cache_flush(other, &error));
			assert_int_equal(lookup_numbered(other, 2 * n), 0);
		}
	}
	for (unsigned i = 699; i < n; i += 700)
		assert_int_equal(lookup_numbered(c, n + i), (int)((n + i) % 2));
	assert_null(audit_cache_note(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_cache__every_field_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__commit_without_findings_is_a_hit, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__another_key_sees_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__used_until_the_approval_expires, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__not_used_before_the_day_judged, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_cut_short_is_a_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_with_trailing_bytes_is_a_miss, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_with_huge_lengths_is_a_miss, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_naming_an_unknown_rule_is_a_miss, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_with_a_set_not_as_printed_is_a_miss,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__row_with_a_nul_in_a_string_is_a_miss,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__many_lookups_between_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__garbage_file_is_moved_aside_and_said, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__foreign_database_is_moved_aside, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_audit_cache__folder_that_cannot_be_made_fails, setup,
		                                teardown),
	};
	g_autoptr(GError) error = NULL;
	int rc;

	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error)) {
		fprintf(stderr, "rule pack: %s\n", error->message);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rulepack_free(pack);
	return rc;
}
