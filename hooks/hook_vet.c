/*
 * hook_vet.c - which approvals count: an approval counts only when an
 * approver made it. A push option is an approver's when the pusher is
 * one (hook_receive.c); a trailer, an inline comment or a policy entry
 * written in the pushed commits counts when an approver pushes them, or
 * when the commit that adds it is signed by an approver's key. Anything
 * else is shown as "not counted", and its finding blocks as if it had
 * never been approved.
 */
#include <string.h>

#include "dw_escape.h"
#include "gitwalk.h"
#include "hook.h"
#include "hook_private.h"

void hook_vet_init(struct hook_vet *v)
{
	v->not_counted = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	v->unmatched = g_ptr_array_new_with_free_func(g_free);
	v->commits = g_array_new(FALSE, FALSE, sizeof(git_oid));
}

void hook_vet_clear(struct hook_vet *v)
{
	g_clear_pointer(&v->not_counted, g_hash_table_unref);
	g_clear_pointer(&v->unmatched, g_ptr_array_unref);
	if (v->commits)
		g_array_free(v->commits, TRUE);
	v->commits = NULL;
}

bool hook_vet_commit_counts(struct hook_vet *v, const git_oid *commit, const char **who_out)
{
	*who_out = NULL;
	if (v->unverified)
		return true;
	if (v->pusher_approves) {
		*who_out = v->pusher;
		return true;
	}
	return v->signed_by_approver && v->signed_by_approver(commit, who_out, v->user_data);
}

void hook_vet_refuse(struct hook_vet *v, struct finding *f, const char *what)
{
	g_autofree char *who = dw_escape(v->pusher ? v->pusher : "an unknown user");

	f->suppressed = false;
	g_clear_pointer(&f->approval_reason, g_free);
	g_clear_pointer(&f->approved_by, g_free);
	g_clear_pointer(&f->approval_expires, g_free);
	g_clear_pointer(&f->approval_comment, g_free);
	f->approval_at_push = false;
	if (v->not_counted)
		g_hash_table_insert(v->not_counted, f,
		                    g_strdup_printf("%s not counted: written by %s, who is not an approver",
		                                    what, who));
}

/* Suppresses the findings commit_hex introduced whose id is id; how many. */
static unsigned hook_vet_trailer_apply(struct hook_vet *v, GPtrArray *net, const char *commit_hex,
                                       const git_oid *commit, const char *id, const char *reason,
                                       const char *author)
{
	unsigned n = 0;

	for (guint i = 0; i < net->len; i++) {
		struct finding *f = net->pdata[i];
		g_autofree char *what = NULL;
		const char *who;

		if (!f->commit || strcmp(f->commit, commit_hex) != 0 || f->suppressed ||
		    finding_family(f) == RULE_FAMILY_POLICY || g_ascii_strcasecmp(f->id, id) != 0)
			continue;
		n++;
		if (!hook_vet_commit_counts(v, commit, &who)) {
			what = g_strdup_printf("the trailer " SCAN_TRAILER_KEY ": %s in %.12s", f->id,
			                       commit_hex);
			hook_vet_refuse(v, f, what);
			continue;
		}
		f->suppressed = true;
		f->approval_reason = g_strdup(reason);
		f->approved_by = who && strcmp(who, author) != 0
		                     ? g_strdup_printf("%s, vouched for by %s", author, who)
		                     : g_strdup(author);
	}
	return n;
}

struct hook_vet_commit {
	struct hook_vet *v;
	GPtrArray *net;
	git_commit *commit;
	char hex[GIT_OID_HEXSZ + 1];
};

static void hook_vet_trailer(const char *id, const char *reason, const char *by, void *user_data)
{
	struct hook_vet_commit *c = user_data;

	if (!*reason) {
		g_ptr_array_add(c->v->unmatched, g_strdup_printf("%s in %.12s gives no reason", id, c->hex));
		return;
	}
	if (!hook_vet_trailer_apply(c->v, c->net, c->hex, git_commit_id(c->commit), id, reason, by))
		g_ptr_array_add(c->v->unmatched,
		                g_strdup_printf("%s in %.12s matches no finding that commit introduced", id, c->hex));
}

void hook_vet_trailers(struct hook_vet *v, GPtrArray *net, git_commit *commit)
{
	struct hook_vet_commit c = { v, net, commit, { 0 } };

	git_oid_tostr(c.hex, sizeof(c.hex), git_commit_id(commit));
	scan_approval_trailers(commit, hook_vet_trailer, &c);
}

/* Does commit change path against its first parent? Errors count as a change. */
static bool hook_vet_commit_changes(git_repository *repo, const git_oid *id, const char *path)
{
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *parent_tree = NULL;
	git_tree_entry *a = NULL, *b = NULL;
	bool changed = true;

	if (git_commit_lookup(&commit, repo, id) < 0 || git_commit_tree(&tree, commit) < 0)
		goto out;
	if (git_commit_parentcount(commit) > 0 &&
	    (git_commit_parent(&parent, commit, 0) < 0 || git_commit_tree(&parent_tree, parent) < 0))
		goto out;
	if (git_tree_entry_bypath(&a, tree, path) < 0)
		a = NULL;
	if (parent_tree && git_tree_entry_bypath(&b, parent_tree, path) < 0)
		b = NULL;
	changed = !a != !b || (a && (git_oid_cmp(git_tree_entry_id(a), git_tree_entry_id(b)) != 0 ||
	                             git_tree_entry_filemode(a) != git_tree_entry_filemode(b)));
out:
	git_tree_entry_free(a);
	git_tree_entry_free(b);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_commit_free(commit);
	return changed;
}

bool hook_vet_path_counts(struct hook_vet *v, git_repository *repo, const char *path,
                          const char **who_out)
{
	const char *who = NULL;

	*who_out = NULL;
	if (v->unverified || v->pusher_approves)
		return hook_vet_commit_counts(v, NULL, who_out);
	for (guint i = 0; i < v->commits->len; i++) {
		const git_oid *id = &g_array_index(v->commits, git_oid, i);

		if (!hook_vet_commit_changes(repo, id, path))
			continue;
		if (!hook_vet_commit_counts(v, id, &who))
			return false;
		*who_out = who;
	}
	return true;
}

void hook_vet_comments(struct hook_vet *v, git_repository *repo, GPtrArray *findings)
{
	for (guint i = 0; i < findings->len; i++) {
		struct finding *f = findings->pdata[i];
		g_autofree char *what = NULL;
		const char *who;

		if (!f->suppressed || !f->approval_comment || !f->file)
			continue;
		/* A comment approves the line as written: every commit of the
		 * push that changed its file must be an approver's. */
		if (hook_vet_path_counts(v, repo, f->file, &who))
			continue;
		what = g_strdup_printf("the comment driftwatch:allow %s at %s", f->rule->id,
		                       f->approval_comment);
		hook_vet_refuse(v, f, what);
	}
}
