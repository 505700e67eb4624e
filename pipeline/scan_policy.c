/*
 * scan_policy.c - the repository policy (.driftwatch.yml, policy.h) of a
 * comparison, read at its new side, and the approvals that suppress
 * findings: the policy's, inline "driftwatch:allow" comments and commit
 * trailers.
 */
#include "scan_private.h"

#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"

/* Reads the policy in f, or at POLICY_PATH in base; *out stays NULL when there is none. */
static bool scan_policy_read(struct scan *s, struct policy **out, GError **parse_error,
                             const struct gitwalk_file *f, git_tree *base, GError **error)
{
	struct gitwalk_file at_base = { .path = (char *)POLICY_PATH, .special = GITWALK_REGULAR };
	git_tree_entry *entry = NULL;
	g_autoptr(GBytes) data = NULL;
	GError *local = NULL;

	if (!f && base) {
		int rc = git_tree_entry_bypath(&entry, base, POLICY_PATH);

		if (rc == GIT_ENOTFOUND)
			return true;
		if (rc < 0) {
			gitwalk_set_error(error, "reading " POLICY_PATH);
			return false;
		}
		at_base.id = *git_tree_entry_id(entry);
		if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
		    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK)
			at_base.special = GITWALK_SYMLINK;
		git_tree_entry_free(entry);
		f = &at_base;
	}
	if (!f)
		return true;
	if (f->special != GITWALK_REGULAR) {
		g_set_error(parse_error, DW_ERROR, DW_ERROR_PARSE, "%s:1: not a regular file", POLICY_PATH);
		return true;
	}
	/* driftwatch's own file: --max-file-size is for the files it analyses. */
	if (!gitwalk_file_read(&data, s->repo, f, DW_LIMIT_FILE_BYTES, &local)) {
		if (!g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT)) {
			g_propagate_error(error, local);
			return false;
		}
		g_propagate_error(parse_error, local);
		return true;
	}
	policy_parse(out, POLICY_PATH, g_bytes_get_data(data, NULL), g_bytes_get_size(data), s->pack,
	             parse_error);
	return true;
}

void scan_policy_clear(struct scan_policy *sp)
{
	g_clear_pointer(&sp->old_p, policy_free);
	g_clear_pointer(&sp->new_p, policy_free);
	g_clear_pointer(&sp->failure, finding_free);
	g_clear_pointer(&sp->internet, srcset_free);
}

/* The policy of the tree: from the change when it changes it, else from new_base. */
static bool scan_policy_of_tree(struct scan *s, struct scan_policy *sp, GPtrArray *changes,
                                git_tree *new_base, GError **error)
{
	const struct gitwalk_change *pc = NULL;
	g_autoptr(GError) parse_error = NULL;
	g_autoptr(GError) old_error = NULL;

	if (!s->repo)
		return true;
	for (guint i = 0; i < changes->len && !pc; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const char *path = c->new_file ? c->new_file->path : c->old_file->path;

		if (strcmp(path, POLICY_PATH) == 0)
			pc = c;
	}
	sp->changed = pc != NULL;
	if (pc) {
		/* A malformed old policy counts as none: everything in the new one is new. */
		if (!scan_policy_read(s, &sp->old_p, &old_error, pc->old_file, NULL, error) ||
		    !scan_policy_read(s, &sp->new_p, &parse_error, pc->new_file, NULL, error))
			return false;
	} else if (!scan_policy_read(s, &sp->new_p, &parse_error, NULL, new_base, error)) {
		return false;
	}
	if (parse_error) {
		/* One line per problem in the error; one line in a finding. */
		g_autofree char *flat = g_strdelimit(g_strdup(parse_error->message), "\n", ';');
		g_autoptr(GError) one = g_error_new_literal(DW_ERROR, DW_ERROR_PARSE, flat);

		/* Read at the parent and not now, it can hide a loosening. */
		sp->failure = rulepack_parse_failure_graded(s->pack, one, POLICY_PATH,
		                                            pc && pc->old_file && !old_error);
	}
	return true;
}

bool scan_policy_load(struct scan *s, struct scan_policy *sp, GPtrArray *changes,
                      git_tree *new_base, GError **error)
{
	GBytes *pinned = s->options.pinned_policy;

	/* A server's own copy: what the change says about policy has no say. */
	if (pinned ? !policy_parse(&sp->new_p, s->options.pinned_policy_path,
	                           g_bytes_get_data(pinned, NULL), g_bytes_get_size(pinned), s->pack,
	                           error)
	           : !scan_policy_of_tree(s, sp, changes, new_base, error))
		return false;
	/* Approvals the caller does not trust neither suppress nor count as added. */
	if (s->options.no_policy_approvals) {
		if (sp->old_p)
			g_ptr_array_set_size(sp->old_p->approvals, 0);
		if (sp->new_p)
			g_ptr_array_set_size(sp->new_p->approvals, 0);
	}
	if (sp->new_p && !srcset_is_empty(sp->new_p->trusted))
		sp->internet = srcset_subtract(s->pack->internet, sp->new_p->trusted);
	return true;
}

/* The changes left to analyse: neither the policy nor an ignored path. */
GPtrArray *scan_policy_filter(struct scan *s, GPtrArray *changes)
{
	GPtrArray *kept = g_ptr_array_new();

	for (guint i = 0; i < changes->len; i++) {
		struct gitwalk_change *c = changes->pdata[i];
		const char *path = c->new_file ? c->new_file->path : c->old_file->path;

		if (!scan_skips(s, path))
			g_ptr_array_add(kept, c);
	}
	return kept;
}

/* Line n (1-based) of data, or NULL; *len_out its length. */
static const char *scan_line(const char *data, size_t len, unsigned n, size_t *len_out)
{
	const char *p = data, *end, *nl;

	if (data == NULL) /* an empty file's bytes (g_bytes_get_data() gives NULL) */
		return NULL;
	end = data + len;

	for (unsigned i = 1; i < n && p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	*len_out = (size_t)((nl ? nl : end) - p);
	return p;
}

/*
 * "# driftwatch:allow RULE REASON" (or after "//") on line: the reason if
 * RULE is rule, else NULL. New string.
 */
static char *scan_allow_comment(const char *line, size_t len, const char *rule)
{
	static const char marker[] = SCAN_ALLOW_MARKER;
	g_autofree char *text = g_strndup(line, MIN(len, (size_t)4096));
	char *at = strstr(text, marker);
	char *hash = strchr(text, '#');
	char *slashes = strstr(text, "//");
	g_auto(GStrv) words = NULL;

	if (!at || !((hash && hash < at) || (slashes && slashes < at)))
		return NULL;
	words = g_strsplit(g_strstrip(at + strlen(marker)), " ", 2);
	if (!words[0] || !words[1] || strcmp(words[0], rule) != 0)
		return NULL;
	g_strstrip(words[1]);
	return *words[1] ? g_strdup(words[1]) : NULL;
}

/* The new side's bytes of path: from the changes, else from base. */
static GBytes *scan_new_bytes(struct scan *s, GPtrArray *changes, git_tree *base, const char *path)
{
	struct gitwalk_file at_base = { .path = (char *)path, .special = GITWALK_REGULAR };
	const struct gitwalk_file *f = NULL;
	git_tree_entry *entry = NULL;
	GBytes *data = NULL;

	for (guint i = 0; i < changes->len && !f; i++) {
		const struct gitwalk_change *c = changes->pdata[i];

		if (c->new_file && strcmp(c->new_file->path, path) == 0)
			f = c->new_file;
	}
	if (!f && base && s->repo && git_tree_entry_bypath(&entry, base, path) == 0) {
		at_base.id = *git_tree_entry_id(entry);
		if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB &&
		    git_tree_entry_filemode(entry) != GIT_FILEMODE_LINK)
			f = &at_base;
		git_tree_entry_free(entry);
	}
	if (f && f->special == GITWALK_REGULAR && !scan_cache_lacks_allow(s, f))
		gitwalk_file_read(&data, s->repo, f, dw_limit_file_bytes(), NULL);
	return data;
}

/*
 * An inline "driftwatch:allow RULE REASON" comment on the line a finding
 * points at (the rule that lets the region in, or the setting) suppresses
 * that rule's finding there. Files are read again only for findings.
 */
void scan_inline_approvals(struct scan *s, GPtrArray *found, GPtrArray *changes,
                           git_tree *new_base)
{
	for (guint i = 0; i < found->len; i++) {
		struct finding *f = found->pdata[i];
		g_autoptr(GBytes) data = NULL;
		const char *line;
		size_t len = 0;
		char *reason;

		if (f->suppressed || !f->line || !f->file || finding_family(f) == RULE_FAMILY_POLICY ||
		    finding_family(f) == RULE_FAMILY_PARSE)
			continue;
		data = scan_new_bytes(s, changes, new_base, f->file);
		line = data ? scan_line(g_bytes_get_data(data, NULL), g_bytes_get_size(data), f->line, &len)
		            : NULL;
		reason = line ? scan_allow_comment(line, len, f->rule->id) : NULL;
		if (!reason)
			continue;
		f->suppressed = true;
		f->approval_reason = reason;
		f->approval_comment = g_strdup_printf("%s:%u", f->file, f->line);
	}
}

/* Applies the policy to found and adds what the policy itself says. */
bool scan_policy_finish(struct scan *s, struct scan_policy *sp, GPtrArray *found,
                        GError **error)
{
	GDate today;

	g_date_clear(&today, 1);
	if (sp->new_p && sp->new_p->approvals->len && !policy_today(&today, error))
		return false;
	policy_apply(sp->new_p, s->pack, found, &today);
	if (sp->changed)
		policy_loosening(found, s->pack, sp->old_p, sp->new_p);
	if (sp->failure)
		g_ptr_array_add(found, g_steal_pointer(&sp->failure));
	return true;
}

void scan_approval_trailers(git_commit *commit, scan_trailer_fn fn, void *user_data)
{
	git_message_trailer_array trailers = { 0 };
	const git_signature *author = git_commit_author(commit);
	g_autofree char *by = g_strdup_printf("%s <%s>", author->name, author->email);

	if (git_message_trailers(&trailers, git_commit_message(commit)) < 0)
		return;
	for (size_t i = 0; i < trailers.count; i++) {
		const char *value = trailers.trailers[i].value;
		const char *space = strchr(value, ' ');
		g_autofree char *id = NULL;
		g_autofree char *reason = NULL;

		if (g_ascii_strcasecmp(trailers.trailers[i].key, SCAN_TRAILER_KEY) != 0)
			continue;
		id = space ? g_strndup(value, (gsize)(space - value)) : g_strdup(value);
		reason = g_strstrip(g_strdup(space ? space : ""));
		fn(id, reason, by, user_data);
	}
	git_message_trailer_array_free(&trailers);
}

struct scan_approvals {
	GPtrArray *findings;
	guint start;
};

static void scan_commit_approve(const char *id, const char *reason, const char *by, void *user_data)
{
	struct scan_approvals *a = user_data;

	if (*reason)
		policy_approve_finding(a->findings, a->start, id, reason, by);
}

void scan_commit_approvals(GPtrArray *findings, guint start, git_commit *commit)
{
	struct scan_approvals a = { findings, start };

	if (start < findings->len)
		scan_approval_trailers(commit, scan_commit_approve, &a);
}

