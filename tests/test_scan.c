/*
 * test_scan.c - the scan pipeline on real repositories in a temporary
 * directory: files that could not be checked, graded by what they can
 * hide (DW-PARSE-001 high when read at the parent, DW-PARSE-004 medium
 * when never readable), an unreadable work-tree file (not a deletion), and
 * the parse cache keyed by content for work-tree bytes.
 */
/* syscall(2), for capget/capset: root reads any file unless it gives up
 * CAP_DAC_OVERRIDE, and these tests run as root in CI. */
#define _DEFAULT_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dw_error.h"
#include "gitwalk.h"
#include "rulepack.h"
#include "scan.h"

static struct rulepack *pack;

/* A CloudFormation group: HTTPS from anywhere, SSH from the VPC. */
static const char sg_private_ssh[] =
	"AWSTemplateFormatVersion: \"2010-09-09\"\n"
	"Resources:\n"
	"  WebSG:\n"
	"    Type: AWS::EC2::SecurityGroup\n"
	"    Properties:\n"
	"      GroupDescription: web tier\n"
	"      SecurityGroupIngress:\n"
	"        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}\n"
	"        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}\n";

/* The same group with SSH opened to the Internet. */
static const char sg_public_ssh[] =
	"AWSTemplateFormatVersion: \"2010-09-09\"\n"
	"Resources:\n"
	"  WebSG:\n"
	"    Type: AWS::EC2::SecurityGroup\n"
	"    Properties:\n"
	"      GroupDescription: web tier\n"
	"      SecurityGroupIngress:\n"
	"        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}\n"
	"        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n";

/* A template cut off in the middle of a flow sequence. */
static const char sg_broken[] =
	"AWSTemplateFormatVersion: \"2010-09-09\"\n"
	"Resources:\n"
	"  WebSG:\n"
	"    Type: AWS::EC2::SecurityGroup\n"
	"    Properties:\n"
	"      SecurityGroupIngress:\n"
	"        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: [0.0.0.0/0\n";

static const char tf_sg[] =
	"resource \"aws_security_group\" \"db\" {\n"
	"  ingress {\n"
	"    from_port   = 5432\n"
	"    to_port     = 5432\n"
	"    protocol    = \"tcp\"\n"
	"    cidr_blocks = [\"10.0.0.0/16\"]\n"
	"  }\n"
	"}\n";

static const char tf_broken[] = "variable \"x\" {\n  default = \n";

struct repo {
	char *dir;
	git_repository *git;
};

static int setup(void **state)
{
	g_autoptr(GError) error = NULL;

	git_libgit2_init();
	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error)) {
		fprintf(stderr, "%s\n", error->message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	rulepack_free(pack);
	git_libgit2_shutdown();
	return 0;
}

static void repo_write(struct repo *r, const char *path, const char *text)
{
	g_autofree char *full = g_build_filename(r->dir, path, NULL);
	g_autofree char *dir = g_path_get_dirname(full);

	assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
	chmod(full, 0644);
	assert_true(g_file_set_contents(full, text, -1, NULL));
}

static void repo_remove(struct repo *r, const char *path)
{
	g_autofree char *full = g_build_filename(r->dir, path, NULL);

	assert_int_equal(g_unlink(full), 0);
}

static struct repo *repo_new(void)
{
	struct repo *r = g_new0(struct repo, 1);

	r->dir = g_dir_make_tmp("dw-scan-XXXXXX", NULL);
	assert_non_null(r->dir);
	assert_int_equal(git_repository_init(&r->git, r->dir, 0), 0);
	return r;
}

static void repo_free(struct repo *r)
{
	g_autofree char *cmd = NULL;

	git_repository_free(r->git);
	cmd = g_strdup_printf("chmod -R u+rwx '%s' && rm -rf '%s'", r->dir, r->dir);
	assert_int_equal(system(cmd), 0);
	g_free(r->dir);
	g_free(r);
}

/* Commits the whole work tree; the new commit's tree. */
static git_tree *repo_commit(struct repo *r, const char *message)
{
	git_index *index = NULL;
	git_oid tree_id, commit_id;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_oid head;
	const git_commit *parents[1];
	size_t n = 0;

	assert_int_equal(git_repository_index(&index, r->git), 0);
	assert_int_equal(git_index_add_all(index, NULL, 0, NULL, NULL), 0);
	assert_int_equal(git_index_update_all(index, NULL, NULL, NULL), 0);
	assert_int_equal(git_index_write(index), 0);
	assert_int_equal(git_index_write_tree(&tree_id, index), 0);
	assert_int_equal(git_tree_lookup(&tree, r->git, &tree_id), 0);
	assert_int_equal(git_signature_now(&sig, "Dev", "dev@example.com"), 0);
	if (git_reference_name_to_id(&head, r->git, "HEAD") == 0) {
		assert_int_equal(git_commit_lookup(&parent, r->git, &head), 0);
		parents[n++] = parent;
	}
	assert_int_equal(git_commit_create(&commit_id, r->git, "HEAD", sig, sig, NULL, message, tree,
	                                   n, parents), 0);
	git_commit_free(parent);
	git_signature_free(sig);
	git_index_free(index);
	return tree;
}

/* The findings of old -> new, info included. */
static GPtrArray *scan_pair(struct repo *r, git_tree *old_tree, git_tree *new_tree)
{
	g_autoptr(scan) s = scan_new(r->git, pack);
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;

	if (!scan_trees(s, out, old_tree, new_tree, &error))
		fail_msg("%s", error->message);
	return out;
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

/* The one finding of findings, which must be of rule and could not be checked. */
static void assert_only_unchecked(GPtrArray *findings, const char *rule, enum severity sev)
{
	const struct finding *f;

	if (findings->len != 1) {
		for (guint i = 0; i < findings->len; i++)
			fprintf(stderr, "# %s %s\n", ((struct finding *)findings->pdata[i])->rule->id,
			        ((struct finding *)findings->pdata[i])->message);
		fail_msg("%u findings, expected one %s", findings->len, rule);
	}
	f = findings->pdata[0];
	assert_string_equal(f->rule->id, rule);
	assert_int_equal(f->severity, sev);
	assert_true(f->unchecked);
	assert_null(strstr(f->message, "widen exposure"));
}

/* ---- grading ---------------------------------------------------------- */

static void test_scan__readable_then_broken_is_high(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2;
	g_autoptr(GPtrArray) found = NULL;

	repo_write(r, "infra/web.yml", sg_private_ssh);
	t1 = repo_commit(r, "web tier");
	repo_write(r, "infra/web.yml", sg_broken);
	t2 = repo_commit(r, "open ssh, badly");
	found = scan_pair(r, t1, t2);
	assert_only_unchecked(found, "DW-PARSE-001", SEVERITY_HIGH);
	assert_string_equal(((struct finding *)found->pdata[0])->file, "infra/web.yml");
	git_tree_free(t1);
	git_tree_free(t2);
	repo_free(r);
}

static void test_scan__new_broken_file_is_medium(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2;
	g_autoptr(GPtrArray) found = NULL;

	repo_write(r, "README", "infra\n");
	t1 = repo_commit(r, "start");
	repo_write(r, "infra/web.yml", sg_broken);
	t2 = repo_commit(r, "a broken template");
	found = scan_pair(r, t1, t2);
	assert_only_unchecked(found, "DW-PARSE-004", SEVERITY_MEDIUM);
	git_tree_free(t1);
	git_tree_free(t2);
	repo_free(r);
}

/* Broken at the parent and still broken: medium, with one id for the file. */
static void test_scan__still_broken_is_medium_with_one_id(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2, *t3;
	g_autoptr(GPtrArray) a = NULL;
	g_autoptr(GPtrArray) b = NULL;
	g_autofree char *worse = g_strconcat("# edited\n\n", sg_broken, NULL);

	repo_write(r, "infra/web.yml", sg_broken);
	t1 = repo_commit(r, "broken");
	repo_write(r, "infra/web.yml", worse);
	t2 = repo_commit(r, "still broken, elsewhere");
	repo_write(r, "infra/web.yml", sg_broken);
	t3 = repo_commit(r, "still broken");
	a = scan_pair(r, t1, t2);
	b = scan_pair(r, t2, t3);
	assert_only_unchecked(a, "DW-PARSE-004", SEVERITY_MEDIUM);
	assert_only_unchecked(b, "DW-PARSE-004", SEVERITY_MEDIUM);
	/* The error's line moved; the finding did not. */
	assert_int_not_equal(((struct finding *)a->pdata[0])->line, ((struct finding *)b->pdata[0])->line);
	assert_string_equal(((struct finding *)a->pdata[0])->id, ((struct finding *)b->pdata[0])->id);
	git_tree_free(t1);
	git_tree_free(t2);
	git_tree_free(t3);
	repo_free(r);
}

/* A broken file added to a module that was read makes the whole module
 * unreadable: what the parent knew about it is lost, so it is high. */
static void test_scan__broken_file_in_read_module_is_high(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2;
	g_autoptr(GPtrArray) found = NULL;

	repo_write(r, "net/main.tf", tf_sg);
	t1 = repo_commit(r, "db group");
	repo_write(r, "net/vars.tf", tf_broken);
	t2 = repo_commit(r, "a broken variable");
	found = scan_pair(r, t1, t2);
	assert_only_unchecked(found, "DW-PARSE-001", SEVERITY_HIGH);
	assert_string_equal(((struct finding *)found->pdata[0])->file, "net/vars.tf");
	git_tree_free(t1);
	git_tree_free(t2);
	repo_free(r);
}

static void test_scan__broken_new_module_is_medium(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2;
	g_autoptr(GPtrArray) found = NULL;

	repo_write(r, "net/main.tf", tf_sg);
	t1 = repo_commit(r, "db group");
	repo_write(r, "edge/main.tf", tf_broken);
	t2 = repo_commit(r, "a new, broken module");
	found = scan_pair(r, t1, t2);
	assert_only_unchecked(found, "DW-PARSE-004", SEVERITY_MEDIUM);
	git_tree_free(t1);
	git_tree_free(t2);
	repo_free(r);
}

/* A malformed policy file read fine at the parent can hide a loosening. */
static void test_scan__policy_broken_is_graded(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1, *t2, *t3;
	g_autoptr(GPtrArray) a = NULL;
	g_autoptr(GPtrArray) b = NULL;

	repo_write(r, ".driftwatch.yml", "trusted_networks: [203.0.113.0/24]\n");
	repo_write(r, "infra/web.yml", sg_private_ssh);
	t1 = repo_commit(r, "policy");
	repo_write(r, ".driftwatch.yml", "trusted_networks: [\n");
	t2 = repo_commit(r, "policy broken");
	repo_write(r, "infra/web.yml", sg_public_ssh);
	t3 = repo_commit(r, "ssh");
	a = scan_pair(r, t1, t2);
	assert_only_unchecked(a, "DW-PARSE-001", SEVERITY_HIGH);
	b = scan_pair(r, t2, t3);
	assert_non_null(find_rule(b, "DW-NET-003"));
	assert_int_equal(find_rule(b, "DW-PARSE-004")->severity, SEVERITY_MEDIUM);
	assert_null(find_rule(b, "DW-PARSE-001"));
	git_tree_free(t1);
	git_tree_free(t2);
	git_tree_free(t3);
	repo_free(r);
}

/* ---- the work tree ---------------------------------------------------- */

/* Sets whether this process may read any file (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH in its effective set, when permitted at all). */
static bool scan_test_dac(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint32_t mask = (1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	d[0].effective = on ? d[0].effective | (d[0].permitted & mask) : d[0].effective & ~mask;
	return syscall(SYS_capset, &h, d) == 0;
}

/*
 * A work-tree file edited and then made unreadable (saved by another
 * user, sudoedit with a strict umask) is there: it could not be checked,
 * and must not be taken for a deletion, which would be a narrowing.
 */
static void test_scan__workdir_unreadable_is_unchecked(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1 = NULL;
	g_autoptr(scan) s = scan_new(r->git, pack);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *full = g_build_filename(r->dir, "infra/web.yml", NULL);
	g_autofree char *edited = g_strconcat(sg_public_ssh, "# opened for the migration\n", NULL);
	FILE *probe;
	bool ok;

	repo_write(r, "infra/web.yml", sg_private_ssh);
	t1 = repo_commit(r, "web tier");
	repo_write(r, "infra/web.yml", edited);
	assert_int_equal(chmod(full, 0), 0);
	assert_true(scan_test_dac(false));
	/* The case under test needs a file this process cannot read. */
	probe = fopen(full, "r");
	assert_null(probe);
	ok = scan_workdir(s, found, &error);
	assert_true(scan_test_dac(true));
	if (!ok)
		fail_msg("%s", error->message);
	assert_only_unchecked(found, "DW-PARSE-001", SEVERITY_HIGH);
	assert_non_null(strstr(((struct finding *)found->pdata[0])->message, "Permission denied"));
	git_tree_free(t1);
	repo_free(r);
}

/* Deleting a file is still a deletion: the group's removal, not a failure. */
static void test_scan__workdir_deleted_is_not_unchecked(void **state)
{
	struct repo *r = repo_new();
	git_tree *t1;
	g_autoptr(scan) s = scan_new(r->git, pack);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;

	repo_write(r, "infra/web.yml", sg_private_ssh);
	t1 = repo_commit(r, "web tier");
	repo_remove(r, "infra/web.yml");
	assert_true(scan_workdir(s, found, &error));
	for (guint i = 0; i < found->len; i++)
		assert_false(((struct finding *)found->pdata[i])->unchecked);
	git_tree_free(t1);
	repo_free(r);
}

/* ---- the parse cache -------------------------------------------------- */

static GPtrArray *scan_bytes(scan *s, GBytes *data)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	struct gitwalk_change *c = g_new0(struct gitwalk_change, 1);
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;

	c->new_file = g_new0(struct gitwalk_file, 1);
	c->new_file->path = g_strdup("infra/web.yml");
	c->new_file->data = g_bytes_ref(data);
	g_ptr_array_add(changes, c);
	if (!scan_changes(s, out, changes, NULL, NULL, &error))
		fail_msg("%s", error->message);
	return out;
}

/*
 * Two comparisons of one scanner whose work-tree bytes live at the same
 * address but differ (a freed buffer reused): the second must be parsed,
 * not answered from the first's cache entry.
 */
static void test_scan__workdir_cache_is_keyed_by_content(void **state)
{
	g_autoptr(scan) s = scan_new(NULL, pack);
	/* Same length: "10.0.0.0/8" becomes "0.0.0.0/0 " in place. */
	char *buf = g_strdup(sg_private_ssh);
	char *cidr = strstr(buf, "10.0.0.0/8");
	g_autoptr(GBytes) data = g_bytes_new_static(buf, strlen(buf));
	g_autoptr(GPtrArray) first = NULL;
	g_autoptr(GPtrArray) second = NULL;

	first = scan_bytes(s, data);
	assert_null(find_rule(first, "DW-NET-003"));
	memcpy(cidr, "0.0.0.0/0 ", 10);
	second = scan_bytes(s, data);
	assert_non_null(find_rule(second, "DW-NET-003"));
	g_free(buf);
}

/*
 * A change that pairs an old path with a new one (a rename, as git's
 * rename pairing gives it): the file was read at the parent under its old
 * name, so broken now it can hide a widening.
 */
static void test_scan__renamed_then_broken_is_high(void **state)
{
	g_autoptr(scan) s = scan_new(NULL, pack);
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	struct gitwalk_change *c = g_new0(struct gitwalk_change, 1);

	c->old_file = g_new0(struct gitwalk_file, 1);
	c->old_file->path = g_strdup("infra/web.yml");
	c->old_file->data = g_bytes_new_static(sg_private_ssh, strlen(sg_private_ssh));
	c->new_file = g_new0(struct gitwalk_file, 1);
	c->new_file->path = g_strdup("infra/web/sg.yml");
	c->new_file->data = g_bytes_new_static(sg_broken, strlen(sg_broken));
	g_ptr_array_add(changes, c);
	assert_true(scan_changes(s, found, changes, NULL, NULL, &error));
	/* One finding: the group under the old name is not taken for removed. */
	assert_only_unchecked(found, "DW-PARSE-001", SEVERITY_HIGH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan__readable_then_broken_is_high),
		cmocka_unit_test(test_scan__new_broken_file_is_medium),
		cmocka_unit_test(test_scan__still_broken_is_medium_with_one_id),
		cmocka_unit_test(test_scan__broken_file_in_read_module_is_high),
		cmocka_unit_test(test_scan__broken_new_module_is_medium),
		cmocka_unit_test(test_scan__policy_broken_is_graded),
		cmocka_unit_test(test_scan__workdir_unreadable_is_unchecked),
		cmocka_unit_test(test_scan__workdir_deleted_is_not_unchecked),
		cmocka_unit_test(test_scan__workdir_cache_is_keyed_by_content),
		cmocka_unit_test(test_scan__renamed_then_broken_is_high),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
