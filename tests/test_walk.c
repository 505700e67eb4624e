/*
 * test_walk.c - the commit-range walk (pipeline/walk.h) on real
 * repositories in a temporary directory: one call per commit that
 * changes a config path, oldest first, each finding carrying its commit;
 * merges skipped unless first-parent; a limit; a failing callback; and
 * the attribution of a range's net findings to the commit that opened
 * what is still open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "rulepack.h"
#include "scan.h"
#include "walk.h"
#include "walk_memory.h"

static struct rulepack *pack;

/* A CloudFormation group admitting tcp/PORT from CIDR. */
static char *sg(const char *name, const char *cidr, unsigned port)
{
	return g_strdup_printf("AWSTemplateFormatVersion: \"2010-09-09\"\n"
	                       "Resources:\n"
	                       "  %s:\n"
	                       "    Type: AWS::EC2::SecurityGroup\n"
	                       "    Properties:\n"
	                       "      GroupDescription: test\n"
	                       "      SecurityGroupIngress:\n"
	                       "        - {IpProtocol: tcp, FromPort: %u, ToPort: %u, CidrIp: %s}\n",
	                       name, port, port, cidr);
}

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

static void repo_write(struct repo *r, const char *path, char *text)
{
	g_autofree char *full = g_build_filename(r->dir, path, NULL);

	assert_true(g_file_set_contents(full, text, -1, NULL));
	g_free(text);
}

static struct repo *repo_new(void)
{
	struct repo *r = g_new0(struct repo, 1);

	r->dir = g_dir_make_tmp("dw-walk-XXXXXX", NULL);
	assert_non_null(r->dir);
	assert_int_equal(git_repository_init(&r->git, r->dir, 0), 0);
	return r;
}

static void repo_free(struct repo *r)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", r->dir);

	git_repository_free(r->git);
	assert_int_equal(system(cmd), 0);
	g_free(r->dir);
	g_free(r);
}

/*
 * Commits the work tree with parents (n of them; updating ref, which may
 * be NULL); its id.
 */
static git_oid repo_commit_with(struct repo *r, const char *message, const char *ref,
                                const git_oid *parent_ids, size_t n)
{
	git_index *index = NULL;
	git_oid tree_id, id;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_commit *parents[2] = { NULL, NULL };

	assert_true(n <= 2);
	assert_int_equal(git_repository_index(&index, r->git), 0);
	assert_int_equal(git_index_add_all(index, NULL, 0, NULL, NULL), 0);
	assert_int_equal(git_index_update_all(index, NULL, NULL, NULL), 0);
	assert_int_equal(git_index_write(index), 0);
	assert_int_equal(git_index_write_tree(&tree_id, index), 0);
	assert_int_equal(git_tree_lookup(&tree, r->git, &tree_id), 0);
	assert_int_equal(git_signature_now(&sig, "Dev", "dev@example.com"), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(git_commit_lookup(&parents[i], r->git, &parent_ids[i]), 0);
	assert_int_equal(git_commit_create(&id, r->git, ref, sig, sig, NULL, message, tree, n,
	                                   (const git_commit **)parents), 0);
	for (size_t i = 0; i < n; i++)
		git_commit_free(parents[i]);
	git_tree_free(tree);
	git_signature_free(sig);
	git_index_free(index);
	return id;
}

/* Commits the work tree on HEAD; its id. */
static git_oid repo_commit(struct repo *r, const char *message)
{
	git_oid head;

	if (git_reference_name_to_id(&head, r->git, "HEAD") == 0)
		return repo_commit_with(r, message, "HEAD", &head, 1);
	return repo_commit_with(r, message, "HEAD", NULL, 0);
}

/* What the callback saw: per call, "SUBJECT: RULE..." with each finding's commit checked. */
struct seen {
	GPtrArray *calls;   /* char * */
	guint fail_at;      /* fail on this call (1-based), 0: never */
	bool drop_packs;    /* drop the mapped packs' pages after each call */
	unsigned dropped;   /* ... and how many mappings that was, in all */
};

static bool seen_commit(const struct walk_commit *c, void *user_data, GError **error)
{
	struct seen *s = user_data;
	GString *line = g_string_new(git_commit_summary(c->commit));
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), git_commit_id(c->commit));
	g_string_append(line, ":");
	for (guint i = 0; i < c->findings->len; i++) {
		const struct finding *f = c->findings->pdata[i];

		if (f->severity == SEVERITY_INFO)
			continue;
		assert_string_equal(f->commit, hex);
		assert_string_equal(f->author, "Dev <dev@example.com>");
		assert_non_null(f->date);
		assert_string_equal(f->subject, git_commit_summary(c->commit));
		g_string_append_printf(line, " %s", f->rule->id);
	}
	g_ptr_array_add(s->calls, g_string_free(line, FALSE));
	if (s->drop_packs)
		s->dropped += walk_memory_drop_packs();
	if (s->calls->len == s->fail_at) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "stop at %u", s->fail_at);
		return false;
	}
	return true;
}

/* Walks range of r with options into seen; the calls, joined by "|". */
static char *walk_calls_seen(struct repo *r, const char *range, const struct walk_options *options,
                             struct seen *seen, GError **error)
{
	g_autoptr(scan) s = scan_new(r->git, pack);
	struct walk *w = walk_new(s, r->git, options);
	char *joined;
	bool ok;

	seen->calls = g_ptr_array_new_with_free_func(g_free);
	ok = walk_push_range(w, range, error) && walk_run(w, seen_commit, seen, error);
	g_ptr_array_add(seen->calls, NULL);
	joined = ok ? g_strjoinv("|", (char **)seen->calls->pdata) : NULL;
	g_ptr_array_unref(seen->calls);
	walk_free(w);
	return joined;
}

/* Walks range of r with options; the calls, joined by "|". */
static char *walk_calls(struct repo *r, const char *range, const struct walk_options *options,
                        guint fail_at, GError **error)
{
	struct seen seen = { .fail_at = fail_at };

	return walk_calls_seen(r, range, options, &seen, error);
}

/* ---- the walk --------------------------------------------------------- */

static void test_walk__each_config_commit_once_oldest_first(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *calls = NULL;

	repo_write(r, "web.yml", sg("WebSG", "10.0.0.0/8", 22));
	repo_commit(r, "private ssh");
	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	repo_commit(r, "open ssh");
	repo_write(r, "README", g_strdup("docs\n"));
	repo_commit(r, "docs only");
	repo_write(r, "db.yml", sg("DbSG", "0.0.0.0/0", 5432));
	repo_commit(r, "open postgres");
	calls = walk_calls(r, NULL, NULL, 0, &error);
	assert_non_null(calls);
	assert_string_equal(calls, "private ssh: DW-NET-011|open ssh: DW-NET-003|open postgres: DW-NET-001");
	repo_free(r);
}

static void test_walk__failing_callback_stops_the_walk(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *calls = NULL;

	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	repo_commit(r, "one");
	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 23));
	repo_commit(r, "two");
	calls = walk_calls(r, NULL, NULL, 1, &error);
	assert_null(calls);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_USAGE));
	assert_string_equal(error->message, "stop at 1");
	repo_free(r);
}

static void test_walk__bad_range_fails(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *calls = NULL;

	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	repo_commit(r, "one");
	calls = walk_calls(r, "no-such-branch..HEAD", NULL, 0, &error);
	assert_null(calls);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_GIT));
	assert_non_null(strstr(error->message, "no-such-branch"));
	repo_free(r);
}

static void test_walk__max_commits_truncates(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(scan) s = scan_new(r->git, pack);
	struct walk_options options = WALK_OPTIONS_INIT;
	struct seen seen = { .calls = g_ptr_array_new_with_free_func(g_free) };
	g_autoptr(GError) error = NULL;
	struct walk *w;

	for (unsigned i = 0; i < 4; i++) {
		g_autofree char *msg = g_strdup_printf("port %u", 8000 + i);

		repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 8000 + i));
		repo_commit(r, msg);
	}
	options.max_commits = 2;
	w = walk_new(s, r->git, &options);
	assert_true(walk_push_range(w, NULL, &error));
	assert_true(walk_run(w, seen_commit, &seen, &error));
	assert_int_equal(seen.calls->len, 2);
	assert_int_equal(walk_judged(w), 2);
	assert_true(walk_truncated(w));
	assert_non_null(strstr(seen.calls->pdata[1], "port 8001"));
	walk_free(w);
	g_ptr_array_unref(seen.calls);
	repo_free(r);
}

/* main: base; side: base + open redis; merge of side into main. */
static void repo_merge_history(struct repo *r)
{
	git_oid base, side, parents[2];

	repo_write(r, "web.yml", sg("WebSG", "10.0.0.0/8", 22));
	base = repo_commit_with(r, "base", "refs/heads/main", NULL, 0);
	repo_write(r, "cache.yml", sg("CacheSG", "0.0.0.0/0", 6379));
	side = repo_commit_with(r, "side: open redis", "refs/heads/side", &base, 1);
	parents[0] = base;
	parents[1] = side;
	repo_commit_with(r, "merge side", "refs/heads/main", parents, 2);
}

static void test_walk__merge_skipped_its_commits_judged(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *calls = NULL;

	repo_merge_history(r);
	calls = walk_calls(r, "main", NULL, 0, &error);
	assert_non_null(calls);
	assert_string_equal(calls, "base: DW-NET-011|side: open redis: DW-NET-001");
	repo_free(r);
}

static void test_walk__first_parent_judges_the_merge(void **state)
{
	struct repo *r = repo_new();
	struct walk_options options = WALK_OPTIONS_INIT;
	g_autoptr(GError) error = NULL;
	g_autofree char *calls = NULL;

	repo_merge_history(r);
	options.first_parent = true;
	calls = walk_calls(r, "main", &options, 0, &error);
	assert_non_null(calls);
	assert_string_equal(calls, "base: DW-NET-011|merge side: DW-NET-001");
	repo_free(r);
}

/* ---- attribution ------------------------------------------------------ */

static bool attribute_commit(const struct walk_commit *c, void *user_data, GError **error)
{
	walk_attribute(user_data, c->findings, c->commit);
	return true;
}

/* The net findings of from..to, attributed by walking the range. */
static GPtrArray *attributed(struct repo *r, const git_oid *from, const git_oid *to)
{
	g_autoptr(scan) s = scan_new(r->git, pack);
	GPtrArray *net = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GError) error = NULL;
	git_commit *a = NULL, *b = NULL;
	git_tree *ta = NULL, *tb = NULL;
	struct walk_attribution *attr;
	struct walk *w;

	assert_int_equal(git_commit_lookup(&a, r->git, from), 0);
	assert_int_equal(git_commit_lookup(&b, r->git, to), 0);
	assert_int_equal(git_commit_tree(&ta, a), 0);
	assert_int_equal(git_commit_tree(&tb, b), 0);
	assert_true(scan_trees(s, net, ta, tb, &error));
	attr = walk_attribution_new(net);
	w = walk_new(s, r->git, NULL);
	assert_true(walk_push(w, to, from, &error));
	assert_true(walk_run(w, attribute_commit, attr, &error));
	walk_free(w);
	walk_attribution_free(attr);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
	return net;
}

static void test_walk__reopened_port_is_the_reopening_commits(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GPtrArray) net = NULL;
	git_oid base, reopen, tip;
	char hex[GIT_OID_HEXSZ + 1];
	const struct finding *f = NULL;

	repo_write(r, "web.yml", sg("WebSG", "10.0.0.0/8", 22));
	base = repo_commit(r, "base");
	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	repo_commit(r, "open ssh");
	repo_write(r, "web.yml", sg("WebSG", "10.0.0.0/8", 22));
	repo_commit(r, "close ssh");
	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	reopen = repo_commit(r, "reopen ssh");
	repo_write(r, "README", g_strdup("docs\n"));
	tip = repo_commit(r, "docs");
	net = attributed(r, &base, &tip);
	for (guint i = 0; i < net->len; i++) {
		if (((struct finding *)net->pdata[i])->severity > SEVERITY_INFO)
			f = net->pdata[i];
	}
	assert_non_null(f);
	assert_string_equal(f->commit, git_oid_tostr(hex, sizeof(hex), &reopen));
	assert_string_equal(f->subject, "reopen ssh");
	repo_free(r);
}

static void test_walk__two_groups_two_commits(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GPtrArray) net = NULL;
	git_oid base, web, db;
	char web_hex[GIT_OID_HEXSZ + 1], db_hex[GIT_OID_HEXSZ + 1];
	unsigned n = 0;

	repo_write(r, "web.yml", sg("WebSG", "10.0.0.0/8", 22));
	repo_write(r, "db.yml", sg("DbSG", "10.0.0.0/8", 5432));
	base = repo_commit(r, "base");
	repo_write(r, "web.yml", sg("WebSG", "0.0.0.0/0", 22));
	web = repo_commit(r, "open ssh");
	repo_write(r, "db.yml", sg("DbSG", "0.0.0.0/0", 5432));
	db = repo_commit(r, "open postgres");
	net = attributed(r, &base, &db);
	git_oid_tostr(web_hex, sizeof(web_hex), &web);
	git_oid_tostr(db_hex, sizeof(db_hex), &db);
	for (guint i = 0; i < net->len; i++) {
		const struct finding *f = net->pdata[i];

		if (f->severity == SEVERITY_INFO)
			continue;
		assert_string_equal(f->commit, strstr(f->resource, "WebSG") ? web_hex : db_hex);
		n++;
	}
	assert_int_equal(n, 2);
	repo_free(r);
}

/* ---- reading ahead ------------------------------------------------------ */

static bool yml_only(const char *path)
{
	return g_str_has_suffix(path, ".yml");
}

/* The parsing threads' ticket weighs each blob it queued once: what an
 * audit bounds its read-ahead by. */
static void test_walk__prefetch_ticket_weighs_each_blob_once(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(scan) s = scan_new(r->git, pack);
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_change_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *web = sg("WebSG", "10.0.0.0/8", 22);
	g_autofree char *db = sg("DbSG", "10.0.0.0/8", 5432);
	struct scan_ticket *t;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid id;

	repo_write(r, "web.yml", g_strdup(web));
	repo_write(r, "db.yml", g_strdup(db));
	repo_write(r, "README", g_strdup("not configuration\n"));
	id = repo_commit(r, "base");
	assert_int_equal(git_commit_lookup(&commit, r->git, &id), 0);
	assert_int_equal(git_commit_tree(&tree, commit), 0);
	assert_true(gitwalk_tree_changes(changes, r->git, NULL, tree, yml_only, &error));
	assert_true(scan_threads(s, 1, &error));
	t = scan_prefetch(s, NULL, changes);
	assert_int_equal(scan_ticket_bytes(t), strlen(web) + strlen(db));
	/* Queued already: not read again. */
	t = scan_prefetch(s, t, changes);
	assert_int_equal(scan_ticket_bytes(t), strlen(web) + strlen(db));
	scan_prefetch_wait(t);
	/* Parsed and cached: a new ticket reads nothing. */
	t = scan_prefetch(s, NULL, changes);
	assert_int_equal(scan_ticket_bytes(t), 0);
	scan_prefetch_wait(t);
	git_tree_free(tree);
	git_commit_free(commit);
	repo_free(r);
}

/* Listing through the memo of subtrees gives what a walk of the whole
 * tree gives, in its order, for a tree read fresh and one whose unchanged
 * directories come from the memo. */
static void assert_lists_agree(struct gitwalk_list_cache *cache, git_repository *git, git_tree *tree)
{
	g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	g_autoptr(GPtrArray) cached = g_ptr_array_new(); /* borrowed from cache */
	g_autoptr(GError) error = NULL;

	assert_true(gitwalk_tree_files(plain, git, tree, yml_only, &error));
	assert_true(gitwalk_tree_files_cached(cached, cache, git, tree, &error));
	assert_true(plain->len >= 3);
	assert_int_equal(cached->len, plain->len);
	for (guint i = 0; i < plain->len; i++) {
		const struct gitwalk_file *a = plain->pdata[i], *b = cached->pdata[i];

		assert_string_equal(b->path, a->path);
		assert_true(git_oid_equal(&b->id, &a->id));
		assert_int_equal(b->special, a->special);
	}
}

static void test_walk__cached_listing_matches_the_tree(void **state)
{
	struct repo *r = repo_new();
	struct gitwalk_list_cache *cache = gitwalk_list_cache_new(yml_only);
	g_autofree char *ab = g_build_filename(r->dir, "a", "b", NULL);
	g_autofree char *z = g_build_filename(r->dir, "z", NULL);
	git_oid ids[2];

	assert_int_equal(g_mkdir_with_parents(ab, 0755), 0);
	assert_int_equal(g_mkdir_with_parents(z, 0755), 0);
	repo_write(r, "a/web.yml", g_strdup("a: 1\n"));
	repo_write(r, "a/b/db.yml", g_strdup("b: 1\n"));
	repo_write(r, "a.yml", g_strdup("c: 1\n"));
	repo_write(r, "z/README", g_strdup("not configuration\n"));
	ids[0] = repo_commit(r, "base");
	repo_write(r, "a/b/db.yml", g_strdup("b: 2\n"));
	repo_write(r, "z/new.yml", g_strdup("d: 1\n"));
	ids[1] = repo_commit(r, "change");
	for (size_t i = 0; i < 2 * G_N_ELEMENTS(ids); i++) {
		git_commit *commit = NULL;
		git_tree *tree = NULL;

		assert_int_equal(git_commit_lookup(&commit, r->git, &ids[i % 2]), 0);
		assert_int_equal(git_commit_tree(&tree, commit), 0);
		assert_lists_agree(cache, r->git, tree);
		gitwalk_list_cache_trim(cache);
		git_tree_free(tree);
		git_commit_free(commit);
	}
	gitwalk_list_cache_free(cache);
	repo_free(r);
}

/* Lists the tree of commit id through cache, checking it against a fresh walk. */
static void assert_commit_lists_agree(struct gitwalk_list_cache *cache, git_repository *git, const git_oid *id)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;

	assert_int_equal(git_commit_lookup(&commit, git, id), 0);
	assert_int_equal(git_commit_tree(&tree, commit), 0);
	assert_lists_agree(cache, git, tree);
	git_tree_free(tree);
	git_commit_free(commit);
}

/*
 * A symbolic link is followed on a copy: the memo keeps the link, so a
 * directory that did not change but links to a file that did gives the
 * file's new content (following in the memo would give the old one).
 */
static void test_walk__cached_listing_follows_links_afresh(void **state)
{
	struct repo *r = repo_new();
	struct gitwalk_list_cache *cache = gitwalk_list_cache_new(yml_only);
	g_autofree char *a = g_build_filename(r->dir, "a", NULL);
	g_autofree char *z = g_build_filename(r->dir, "z", NULL);
	g_autofree char *link = g_build_filename(r->dir, "z", "web.yml", NULL);
	g_autofree char *top = g_build_filename(r->dir, "top.yml", NULL);
	git_oid ids[2];

	assert_int_equal(g_mkdir_with_parents(a, 0755), 0);
	assert_int_equal(g_mkdir_with_parents(z, 0755), 0);
	repo_write(r, "a/web.yml", g_strdup("a: 1\n"));
	repo_write(r, "a/db.yml", g_strdup("b: 1\n"));
	assert_int_equal(symlink("../a/web.yml", link), 0);
	assert_int_equal(symlink("a/db.yml", top), 0);
	ids[0] = repo_commit(r, "links");
	repo_write(r, "a/web.yml", g_strdup("a: 2\n"));
	repo_write(r, "a/db.yml", g_strdup("b: 2\n"));
	ids[1] = repo_commit(r, "targets change, links do not");
	for (size_t i = 0; i < 2 * G_N_ELEMENTS(ids); i++) {
		assert_commit_lists_agree(cache, r->git, &ids[i % 2]);
		if (i % 2)
			gitwalk_list_cache_trim(cache);
	}
	gitwalk_list_cache_free(cache);
	repo_free(r);
}

/*
 * Past half its bound the memo starts a new generation at a trim; a
 * subtree listed again comes back from the old one, and every listing
 * still matches the tree (ASan checks nothing listed was freed early).
 */
static void test_walk__cached_listing_across_generations(void **state)
{
	struct repo *r = repo_new();
	struct gitwalk_list_cache *cache = gitwalk_list_cache_new(yml_only);
	const unsigned dirs = 64, per_dir = DW_LIMIT_TREE_LIST_FILES / 2 / 64 + 1;
	git_oid ids[3];

	for (unsigned d = 0; d < dirs; d++) {
		g_autofree char *dir = g_strdup_printf("%s/d%02u", r->dir, d);

		assert_int_equal(g_mkdir_with_parents(dir, 0755), 0);
		for (unsigned f = 0; f < per_dir; f++) {
			g_autofree char *path = g_strdup_printf("d%02u/f%03u.yml", d, f);

			repo_write(r, path, g_strdup_printf("v: %u\n", f));
		}
	}
	ids[0] = repo_commit(r, "many files");
	for (unsigned d = 0; d < dirs; d++) {
		g_autofree char *path = g_strdup_printf("d%02u/f000.yml", d);

		repo_write(r, path, g_strdup("v: changed\n"));
	}
	ids[1] = repo_commit(r, "every directory changes");
	repo_write(r, "d00/f001.yml", g_strdup("v: once more\n"));
	ids[2] = repo_commit(r, "one directory changes");
	for (size_t i = 0; i < 3 * G_N_ELEMENTS(ids); i++) {
		assert_commit_lists_agree(cache, r->git, &ids[i % 3]);
		assert_commit_lists_agree(cache, r->git, &ids[(i + 1) % 3]);
		gitwalk_list_cache_trim(cache);
	}
	gitwalk_list_cache_free(cache);
	repo_free(r);
}


/* ---- the mapped packs' pages (walk_memory.h) ------------------------- */

/* The resident kB of the mapping that starts at addr, from /proc/self/smaps; -1 if none. */
static long mapping_rss_kb(const void *addr)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	bool in = false;

	assert_true(g_file_get_contents("/proc/self/smaps", &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		unsigned long long start, end;
		long kb;

		if (sscanf(*l, "%llx-%llx ", &start, &end) == 2)
			in = (uintptr_t)start == (uintptr_t)addr;
		else if (in && sscanf(*l, "Rss: %ld kB", &kb) == 1)
			return kb;
	}
	return -1;
}

/* A file of n seeded bytes at dir/path; the bytes (g_free). */
static guint8 *file_of_bytes(const char *dir, const char *path, size_t n, guint32 seed)
{
	g_autofree char *full = g_build_filename(dir, path, NULL);
	g_autofree char *parent = g_path_get_dirname(full);
	g_autoptr(GRand) rand = g_rand_new_with_seed(seed);
	guint8 *bytes = g_malloc(n);

	for (size_t i = 0; i < n; i++)
		bytes[i] = (guint8)g_rand_int(rand);
	assert_int_equal(g_mkdir_with_parents(parent, 0755), 0);
	assert_true(g_file_set_contents(full, (const char *)bytes, (gssize)n, NULL));
	return bytes;
}

/* Maps dir/path read-only (shared or private) and reads every page of it. */
static void *map_and_touch(const char *dir, const char *path, size_t n, int flags)
{
	g_autofree char *full = g_build_filename(dir, path, NULL);
	int fd = open(full, O_RDONLY);
	volatile guint8 sum = 0;
	void *map;

	assert_true(fd >= 0);
	map = mmap(NULL, n, PROT_READ, flags, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);
	for (size_t i = 0; i < n; i += 4096)
		sum ^= ((const guint8 *)map)[i];
	(void)sum;
	return map;
}

#define MAP_BYTES ((size_t)2 << 20)

/* A pack's pages go; an index's and any other file's stay; the bytes read the same. */
static void test_walk__drop_packs_drops_pack_pages_only(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("dw-walk-mem-XXXXXX", NULL);
	g_autofree guint8 *pack_bytes = file_of_bytes(dir, "objects/pack/pack-1.pack", MAP_BYTES, 1);
	g_autofree guint8 *private_bytes = file_of_bytes(dir, "objects/pack/pack-2.pack", MAP_BYTES, 2);
	g_autofree guint8 *idx_bytes = file_of_bytes(dir, "objects/pack/pack-1.idx", MAP_BYTES, 3);
	g_autofree guint8 *other_bytes = file_of_bytes(dir, "objects/pack/pack-1.keep.pack.txt", MAP_BYTES, 4);
	g_autofree guint8 *elsewhere_bytes = file_of_bytes(dir, "pack/pack-3.pack", MAP_BYTES, 5);
	void *pack_map = map_and_touch(dir, "objects/pack/pack-1.pack", MAP_BYTES, MAP_SHARED);
	void *private_map = map_and_touch(dir, "objects/pack/pack-2.pack", MAP_BYTES, MAP_PRIVATE);
	void *idx_map = map_and_touch(dir, "objects/pack/pack-1.idx", MAP_BYTES, MAP_SHARED);
	void *other_map = map_and_touch(dir, "objects/pack/pack-1.keep.pack.txt", MAP_BYTES, MAP_SHARED);
	void *elsewhere_map = map_and_touch(dir, "pack/pack-3.pack", MAP_BYTES, MAP_SHARED);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	const long full_kb = (long)(MAP_BYTES >> 10);

	assert_int_equal(mapping_rss_kb(pack_map), full_kb);
	assert_int_equal(mapping_rss_kb(private_map), full_kb);
	assert_int_equal(walk_memory_drop_packs(), 2);
	assert_int_equal(mapping_rss_kb(pack_map), 0);
	assert_int_equal(mapping_rss_kb(private_map), 0);
	assert_int_equal(mapping_rss_kb(idx_map), full_kb);
	assert_int_equal(mapping_rss_kb(other_map), full_kb);
	assert_int_equal(mapping_rss_kb(elsewhere_map), full_kb);
	/* Read again, from the page cache: the same bytes. */
	assert_memory_equal(pack_map, pack_bytes, MAP_BYTES);
	assert_memory_equal(private_map, private_bytes, MAP_BYTES);
	assert_int_equal(mapping_rss_kb(pack_map), full_kb);
	assert_memory_equal(idx_map, idx_bytes, MAP_BYTES);
	assert_memory_equal(other_map, other_bytes, MAP_BYTES);
	assert_memory_equal(elsewhere_map, elsewhere_bytes, MAP_BYTES);
	munmap(pack_map, MAP_BYTES);
	munmap(private_map, MAP_BYTES);
	munmap(idx_map, MAP_BYTES);
	munmap(other_map, MAP_BYTES);
	munmap(elsewhere_map, MAP_BYTES);
	assert_int_equal(system(cmd), 0);
}

/* walk_memory_check() drops only past its allowance, and from the new
 * floor on: an index's pages, which stay, do not make it drop again. */
static void test_walk__memory_check_drops_past_the_allowance(void **state)
{
	g_autofree char *dir = g_dir_make_tmp("dw-walk-mem-XXXXXX", NULL);
	g_autofree guint8 *bytes = file_of_bytes(dir, "objects/pack/pack-1.pack", MAP_BYTES, 6);
	g_autofree guint8 *idx_bytes = file_of_bytes(dir, "objects/pack/pack-1.idx", MAP_BYTES, 7);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	struct walk_memory wide, narrow, never;
	void *map, *idx_map;

	walk_memory_init(&wide, MAP_BYTES * 4);
	walk_memory_init(&narrow, MAP_BYTES / 4);
	walk_memory_init(&never, 0);
	map = map_and_touch(dir, "objects/pack/pack-1.pack", MAP_BYTES, MAP_SHARED);
	idx_map = map_and_touch(dir, "objects/pack/pack-1.idx", MAP_BYTES, MAP_SHARED);
	walk_memory_check(&wide);
	walk_memory_check(&never);
	assert_int_equal(wide.dropped, 0);
	assert_int_equal(never.dropped, 0);
	assert_int_equal(mapping_rss_kb(map), (long)(MAP_BYTES >> 10));
	walk_memory_check(&narrow);
	assert_int_equal(narrow.dropped, 1);
	assert_int_equal(mapping_rss_kb(map), 0);
	/* Under the allowance again: nothing more to drop. */
	walk_memory_check(&narrow);
	assert_int_equal(narrow.dropped, 1);
	assert_memory_equal(map, bytes, MAP_BYTES);
	walk_memory_check(&narrow);
	assert_int_equal(narrow.dropped, 2);
	assert_int_equal(mapping_rss_kb(idx_map), (long)(MAP_BYTES >> 10));
	assert_memory_equal(idx_map, idx_bytes, MAP_BYTES);
	munmap(map, MAP_BYTES);
	munmap(idx_map, MAP_BYTES);
	assert_int_equal(system(cmd), 0);
}

/* A packed repository walked with its pack's pages dropped after every
 * commit gives what it gives without: libgit2 reads them back. */
static void test_walk__packed_history_same_with_pages_dropped(void **state)
{
	struct repo *r = repo_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *plain = NULL, *dropping = NULL;
	g_autofree char *repack = g_strdup_printf("git -C '%s' repack -adq", r->dir);
	struct seen seen = { .drop_packs = true };
	const char *cidrs[] = { "10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16", "0.0.0.0/0" };

	for (unsigned i = 0; i < 40; i++) {
		g_autofree char *msg = g_strdup_printf("change %u", i);
		g_autofree char *name = g_strdup_printf("sg%u.yml", i % 3);

		repo_write(r, name, sg("WebSG", cidrs[i % G_N_ELEMENTS(cidrs)], 22 + i % 5));
		repo_commit(r, msg);
	}
	assert_int_equal(system(repack), 0);
	git_repository_free(r->git);
	assert_int_equal(git_repository_open(&r->git, r->dir), 0);
	plain = walk_calls(r, NULL, NULL, 0, &error);
	assert_non_null(plain);
	dropping = walk_calls_seen(r, NULL, NULL, &seen, &error);
	assert_non_null(dropping);
	assert_true(seen.dropped >= 40);
	assert_string_equal(dropping, plain);
	assert_non_null(strstr(plain, "change 39:"));
	assert_non_null(strstr(plain, ": DW-NET-"));
	repo_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk__each_config_commit_once_oldest_first),
		cmocka_unit_test(test_walk__cached_listing_matches_the_tree),
		cmocka_unit_test(test_walk__cached_listing_follows_links_afresh),
		cmocka_unit_test(test_walk__cached_listing_across_generations),
		cmocka_unit_test(test_walk__failing_callback_stops_the_walk),
		cmocka_unit_test(test_walk__bad_range_fails),
		cmocka_unit_test(test_walk__max_commits_truncates),
		cmocka_unit_test(test_walk__merge_skipped_its_commits_judged),
		cmocka_unit_test(test_walk__first_parent_judges_the_merge),
		cmocka_unit_test(test_walk__reopened_port_is_the_reopening_commits),
		cmocka_unit_test(test_walk__two_groups_two_commits),
		cmocka_unit_test(test_walk__prefetch_ticket_weighs_each_blob_once),
		cmocka_unit_test(test_walk__drop_packs_drops_pack_pages_only),
		cmocka_unit_test(test_walk__memory_check_drops_past_the_allowance),
		cmocka_unit_test(test_walk__packed_history_same_with_pages_dropped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
