/*
 * cmd_audit.c - driftwatch audit: every past commit that widened
 * exposure, oldest first.
 *
 * Each non-merge commit is compared with its first parent; with
 * --first-parent the walk follows the main line and merges are compared
 * with their first parent too, which is what they brought to that line.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "audit_cache.h"
#include "cli.h"
#include "dw_error.h"
#include "policy.h"
#include "scan.h"
#include "walk.h"

static const char cmd_audit_help[] =
	"Each REV-RANGE is a revision (history reachable from it), A..B (reachable\n"
	"from B, not from A) or ^A (not reachable from A), as git rev-list takes\n"
	"them: several are one set of commits (an exclusion applies to all), and a\n"
	"commit reachable from several is judged once. Default HEAD; --all is every\n"
	"ref and HEAD. --since DATE keeps the commits committed at or after DATE, in\n"
	"any form git understands (2026-03-01, \"2 weeks ago\"), each still compared\n"
	"with its parent. Root commits are compared with the empty tree. Exposure\n"
	"windows are followed to the tip of the first REV-RANGE (HEAD with --all).\n\n"
	"Examples:\n"
	"  driftwatch audit                        the whole history of HEAD\n"
	"  driftwatch audit v1.0..main --format json\n"
	"  driftwatch audit --all --since 2026-01-01   every branch, this year\n"
	"  driftwatch audit main ^release feature  main and feature, not release\n"
	"  driftwatch audit --first-parent main    the main line, merges included\n\n"
	"In a shallow clone (CI checkouts often are) the history that is there is\n"
	"judged and the report says where it stops; fetch the rest with\n"
	"'git fetch --unshallow' (GitHub Actions: fetch-depth: 0).\n\n"
	"Each commit's findings are cached in $XDG_CACHE_HOME/driftwatch/audit.db\n"
	"(default ~/.cache/driftwatch/audit.db), keyed by commit and by how it was\n"
	"judged (this driftwatch build, the bytes of every rule file loaded,\n"
	"--max-file-size): a second audit judges only the commits it has not seen,\n"
	"and a commit whose policy approval has expired since is judged again. The\n"
	"text summary says how many came from the cache. A cache that cannot be\n"
	"used is a warning, never an error; --no-cache neither reads nor writes it.\n\n"
	"Exit status: 0 nothing at or above --fail-on, 1 findings, 2 error.";

/* What audit walks, as git rev-list takes it. */
struct cmd_audit_range {
	char **revs;          /* REV-RANGE arguments, NULL-terminated; borrowed */
	gboolean all;         /* --all: every ref, and HEAD */
	char *since_text;     /* --since DATE as given, or NULL; owned by the option parser */
	gint64 since;         /* its time (seconds since the epoch), or 0 */
};

struct cmd_audit {
	git_repository *repo;
	struct walk *walk;
	const struct cmd_audit_range *range;
	GArray *shallow_ids; /* a shallow clone: git_oid, oldest first, from git rev-list */
	scan *scan;
	audit_cache *cache;  /* or NULL: --no-cache, or the cache could not be used */
	gboolean first_parent;
	bool progress;       /* a progress bar on stderr (a terminal) */
	size_t total;        /* commits the walk will give, 0 when not counted */
	gint64 started;      /* when the walk started, for the ETA */
	gint64 shown;        /* when the bar was last drawn */
	size_t commits;      /* commits walked */
	struct cli_common *common;
	/* Where each commit's findings go: the report as it is written (made
	 * at the first commit, so that an error before the walk writes none),
	 * or, with no report, kept whole (cli_audit_history). */
	struct cli_stream *stream;
	GPtrArray *kept;
	bool erase_bar;      /* the bar and the report share a terminal */
};

/* The ranges as git rev-list arguments (default HEAD), added to argv; borrowed. */
static void cmd_audit_range_args(GPtrArray *argv, const struct cmd_audit_range *range)
{
	if (range->all)
		g_ptr_array_add(argv, (gpointer) "--all");
	for (char **rev = range->revs; rev && *rev; rev++)
		g_ptr_array_add(argv, *rev);
	if (!range->all && !(range->revs && *range->revs))
		g_ptr_array_add(argv, (gpointer) "HEAD");
}

/*
 * --since DATE as git rev-list reads it (approxidate: "2026-03-01", "2 weeks
 * ago"), but refusing what it cannot read where rev-list would take it as
 * now: git config's expiry-date type parses with the same function and
 * reports errors ("now" is the largest time there, "never" 0).
 */
static bool cmd_audit_since(gint64 *out, const char *date, GError **error)
{
	g_autofree char *def = g_strconcat("driftwatch.since=", date, NULL);
	const char *argv[] = { "git", "-c", def, "config", "--type=expiry-date", "driftwatch.since", NULL };
	g_autofree char *text = NULL;
	gint status = 0;
	char *end = NULL;
	guint64 when;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, &text, NULL, &status, error)) {
		g_prefix_error(error, "--since %s: reading the date with git: ", date);
		return false;
	}
	when = g_ascii_strtoull(text, &end, 10);
	if (!g_spawn_check_wait_status(status, NULL) || end == text || (*end && *end != '\n')) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "--since %s: not a date git understands",
		            date);
		return false;
	}
	*out = when > (guint64)G_MAXINT64 ? g_get_real_time() / G_USEC_PER_SEC : (gint64)when;
	return true;
}

/*
 * A shallow clone's commits from `git rev-list`, which knows the
 * boundary (libgit2 1.5 does not: its walk fails there). The same order
 * as the libgit2 walk: topological, oldest first.
 */
static bool cmd_audit_shallow_list(struct cmd_audit *a, const struct cmd_audit_range *range,
                                   gboolean first_parent, GError **error)
{
	const char *workdir = git_repository_path(a->repo);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *out = NULL, *err = NULL;
	g_auto(GStrv) lines = NULL;
	gint status = 0;

	g_ptr_array_add(argv, (gpointer) "git");
	g_ptr_array_add(argv, (gpointer) "--git-dir");
	g_ptr_array_add(argv, (gpointer)workdir);
	g_ptr_array_add(argv, (gpointer) "rev-list");
	g_ptr_array_add(argv, (gpointer) "--topo-order");
	g_ptr_array_add(argv, (gpointer) "--reverse");
	if (first_parent)
		g_ptr_array_add(argv, (gpointer) "--first-parent");
	cmd_audit_range_args(argv, range);
	g_ptr_array_add(argv, (gpointer) "--");
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
	                  &status, error)) {
		g_prefix_error(error, "listing a shallow clone's history with git rev-list: ");
		return false;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE, "reading the revision ranges: %s",
		            g_strstrip(err));
		return false;
	}
	a->shallow_ids = g_array_new(FALSE, FALSE, sizeof(git_oid));
	a->total = 0;
	lines = g_strsplit(out, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		git_oid id;

		if (*lines[i] && git_oid_fromstr(&id, lines[i]) == 0)
			g_array_append_val(a->shallow_ids, id);
	}
	a->total = a->shallow_ids->len;
	return true;
}

/* How many commits the walk will give, for the progress bar: a walk of
 * the commit graph alone, cheap beside reading trees. */
static void cmd_audit_count(struct cmd_audit *a, const struct cmd_audit_range *range,
                            gboolean first_parent)
{
	git_revwalk *walk = NULL;
	git_oid id;

	if (git_revwalk_new(&walk, a->repo) < 0)
		return;
	/* Only a count for the bar: a failure leaves it uncounted. */
	if ((!first_parent || git_revwalk_simplify_first_parent(walk) == 0) &&
	    walk_revwalk_push_revs(walk, a->repo, range->revs, range->all, NULL)) {
		while (git_revwalk_next(&id, walk) == 0)
			a->total++;
	}
	git_revwalk_free(walk);
}

/*
 * "driftwatch audit [#########...........] 4,210/20,000 commits, 0:42 left",
 * at most ten times a second; the last call (done) ends the line.
 */
static void cmd_audit_progress(struct cmd_audit *a, bool done)
{
	enum { WIDTH = 30 };
	gint64 now = g_get_monotonic_time();
	size_t total = MAX(a->total, a->commits);
	unsigned filled;
	double left;

	if (!a->progress || (!done && now - a->shown < G_USEC_PER_SEC / 10))
		return;
	if (!a->started)
		a->started = now;
	a->shown = now;
	if (!total) {
		fprintf(stderr, "\rdriftwatch audit: %zu commits%s", a->commits, done ? "\n" : "");
		return;
	}
	filled = (unsigned)(WIDTH * a->commits / total);
	left = a->commits ? (double)(now - a->started) / G_USEC_PER_SEC * (total - a->commits) / a->commits
	                  : 0;
	fprintf(stderr, "\rdriftwatch audit [%.*s%.*s] %zu/%zu commits, %u:%02u left ", (int)filled,
	        "##############################", (int)(WIDTH - filled), "..............................",
	        a->commits, total, (unsigned)left / 60, (unsigned)left % 60);
	if (done)
		fprintf(stderr, "\n");
}

static void cmd_audit_seen(git_commit *commit, void *user_data)
{
	struct cmd_audit *a = user_data;

	a->commits++;
	cmd_audit_progress(a, false);
}

/* The report of the audit, begun now if not yet. */
static struct cli_stream *cmd_audit_stream(struct cmd_audit *a)
{
	if (!a->stream && !a->kept)
		a->stream = cli_stream_new(a->common);
	return a->stream;
}

/* One commit's findings: to the windows, then to the report or kept. */
static bool cmd_audit_commit(const struct walk_commit *c, void *user_data, GError **error)
{
	struct cmd_audit *a = user_data;
	struct cli_stream *stream = cmd_audit_stream(a);

	(void)error;
	for (guint i = 0; i < c->findings->len; i++)
		cli_windows_add(a->common->windows, c->findings->pdata[i]);
	if (!stream) {
		while (c->findings->len)
			g_ptr_array_add(a->kept, g_ptr_array_steal_index(c->findings, 0));
		return true;
	}
	if (c->findings->len && a->erase_bar) {
		fputs("\r\033[K", stderr);
		a->shown = 0;
	}
	cli_stream_add(stream, c->findings);
	return true;
}

/* walk_options.cached: a commit's findings from the audit cache. */
static bool cmd_audit_cached(GPtrArray *out, git_commit *commit, void *user_data)
{
	return audit_cache_lookup(user_data, out, git_commit_id(commit));
}

/* walk_options.judged: a commit the walk judged, into the audit cache. */
static void cmd_audit_judged(git_commit *commit, GPtrArray *findings, void *user_data)
{
	audit_cache_store(user_data, git_commit_id(commit), findings);
}

/*
 * Everything a commit's findings depend on besides its two trees and
 * today's date (which audit_cache.c follows): this build of driftwatch
 * (its version, and the file it runs from, so that a rebuild is another
 * build), the libraries that parse (another libyaml may read a file
 * otherwise), the bytes of every rule file loaded, and the options that
 * change findings. --first-parent, --since and the ranges choose which
 * commits are judged, not how: a commit is always judged against its
 * first parent. Audit sets no scan_options. NULL when the build cannot be
 * told.
 */
static char *cmd_audit_cache_key(const struct cli_common *common)
{
	const char *exe = common->exe_path;
	g_autofree char *found = exe && !strchr(exe, '/') ? g_find_program_in_path(exe) : NULL;
	int major = 0, minor = 0, rev = 0;
	GStatBuf st;

	/* exe_path, not /proc/self/exe: under valgrind that is valgrind's. */
	if (!exe || g_stat(found ? found : exe, &st) < 0)
		return NULL;
	git_libgit2_version(&major, &minor, &rev);
	return g_strdup_printf("driftwatch %s\n"
	                       "build %llu:%llu:%lld:%lld.%09ld:%lld.%09ld\n"
	                       "libgit2 %d.%d.%d, libyaml %s, json-glib %s, GLib %u.%u.%u\n"
	                       "rules %s\n"
	                       "max-file-size %zu\n",
	                       DW_VERSION, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	                       (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	                       (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, major, minor, rev,
	                       yaml_get_version_string(), JSON_VERSION_S, glib_major_version,
	                       glib_minor_version, glib_micro_version, common->pack->digest,
	                       dw_limit_file_bytes());
}

/*
 * Opens the audit cache into a->cache; when it cannot be used, says why
 * in one line (unless -q) and the audit goes on without it.
 */
static void cmd_audit_cache_open(struct cmd_audit *a, const struct cli_common *common)
{
	g_autofree char *key = cmd_audit_cache_key(common);
	g_autofree char *path = audit_cache_default_path();
	g_autoptr(GError) error = NULL;
	GDate today;

	/* A DRIFTWATCH_TODAY the policy cannot read is its error, where it applies. */
	if (!policy_today(&today, NULL))
		return;
	if (!key)
		g_set_error(&error, DW_ERROR, DW_ERROR_FAILED, "cannot tell which driftwatch build runs");
	else if (audit_cache_open(&a->cache, path, key, common->pack, &today, &error) &&
	         audit_cache_note(a->cache) && !common->quiet)
		fprintf(stderr, "driftwatch: audit cache: %s\n", audit_cache_note(a->cache));
	if (error && !common->quiet)
		fprintf(stderr, "driftwatch: audit cache: %s; auditing without it\n", error->message);
}

/* Writes the last commits judged into the cache; a failure is a warning. */
static void cmd_audit_cache_flush(struct cmd_audit *a, const struct cli_common *common)
{
	g_autoptr(GError) error = NULL;

	if (a->cache && !audit_cache_flush(a->cache, &error) && !common->quiet)
		fprintf(stderr, "driftwatch: audit cache: %s; this audit was not all cached\n",
		        error->message);
}

/* walk_push_with() callback: the ranges into the walk's revwalk. */
static bool cmd_audit_push_walk(git_revwalk *walk, void *user_data, GError **error)
{
	struct cmd_audit *a = user_data;

	return walk_revwalk_push_revs(walk, a->repo, a->range->revs, a->range->all, error);
}

static bool cmd_audit_walk(struct cmd_audit *a, GError **error)
{
	struct walk_options options = WALK_OPTIONS_INIT;
	bool ok = true;

	options.first_parent = a->first_parent;
	options.since = a->range->since;
	options.seen = cmd_audit_seen;
	options.seen_data = a;
	if (a->cache) {
		options.cached = cmd_audit_cached;
		options.judged = cmd_audit_judged;
		options.cache_data = a->cache;
	}
	a->walk = walk_new(a->scan, a->repo, &options);
	if (a->shallow_ids)
		walk_push_list(a->walk, a->shallow_ids);
	else
		ok = walk_push_with(a->walk, cmd_audit_push_walk, a, error);
	ok = ok && walk_run(a->walk, cmd_audit_commit, a, error);
	cmd_audit_progress(a, true);
	return ok;
}

/*
 * Says where a shallow history stops (stderr and the text summary); with
 * nothing judged at all, that is an error: there was nothing to audit.
 */
static bool cmd_audit_shallow_end(struct cmd_audit *a, struct cli_common *common, GError **error)
{
	const char *boundary = walk_boundary(a->walk);

	if (!boundary)
		return true;
	if (walk_judged(a->walk) == 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "this shallow clone holds no commit whose parent it has (history stops at "
		            "%.12s), so nothing could be judged: fetch the history with 'git fetch "
		            "--unshallow' (GitHub Actions: fetch-depth: 0)", boundary);
		return false;
	}
	g_free(common->history_note);
	common->history_note = g_strdup_printf(
		"shallow clone: history stops at %.12s, which and whose ancestors were not judged; "
		"'git fetch --unshallow' (GitHub Actions: fetch-depth: 0) audits the rest", boundary);
	if (!common->quiet && common->format != CLI_FORMAT_TEXT)
		fprintf(stderr, "driftwatch: %s\n", common->history_note);
	return true;
}

/* The tip the windows run to: the end of the first range that is not an
 * exclusion ("A..B" -> "B", "A.." -> HEAD, "X" -> "X"), else HEAD. */
static const char *cmd_audit_tip_rev(const struct cmd_audit_range *range)
{
	for (char **rev = range->revs; rev && *rev; rev++) {
		const char *dots = strstr(*rev, "..");

		if (**rev == '^')
			continue;
		if (!dots)
			return *rev;
		dots += dots[2] == '.' ? 3 : 2;
		return *dots ? dots : "HEAD";
	}
	return "HEAD";
}

/* The resource of identity (a change's identity may end in "@FILE" for twins). */
static const struct resource *cmd_audit_tip_resource(GPtrArray *resources, const char *identity)
{
	for (guint i = 0; i < resources->len; i++) {
		const struct resource *r = resources->pdata[i];
		size_t n = strlen(r->identity);

		if (strcmp(identity, r->identity) == 0 ||
		    (strncmp(identity, r->identity, n) == 0 && identity[n] == '@' &&
		     strcmp(identity + n + 1, r->file) == 0))
			return r;
	}
	return NULL;
}

/* Where an open window stands at the tip: the rule that still lets its
 * region in, or the setting, or the resource. */
static void cmd_audit_tip_place(struct cli_window *w, const struct resource *r)
{
	const struct resource_rule *rule = w->open ? resource_rule_at(r, w->open) : NULL;
	const struct resource_setting *s = w->setting_key ? resource_setting_get(r, w->setting_key)
	                                                  : NULL;

	w->tip_file = g_strdup(rule && rule->file ? rule->file : r->file);
	w->tip_line = rule ? rule->line : s ? s->line : r->line;
}

/*
 * Ends the windows at the tip, each open one placed there, and what still
 * holds there as findings: an open window's opening finding at its place
 * at the tip (its commit says who opened it), and every finding that
 * opens no window (a file that could not be checked, an unknown), which
 * the history alone cannot say is over.
 */
static bool cmd_audit_windows(struct cmd_audit *a, struct cli_common *common, GError **error)
{
	g_autoptr(GPtrArray) resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	git_tree *tree = NULL;
	git_commit *tip = NULL;
	bool ok;

	ok = gitwalk_rev_tree(&tree, &tip, a->repo, cmd_audit_tip_rev(a->range), error) &&
	     scan_surface(a->scan, resources, failures, tree, error);
	if (ok)
		common->tip_findings = cli_windows_end(common->windows, git_commit_time(tip));
	git_tree_free(tree);
	git_commit_free(tip);
	if (!ok)
		return false;
	for (guint i = 0; i < common->windows->opened->len; i++) {
		struct cli_window *w = common->windows->opened->pdata[i];
		const struct resource *r;

		if (!(r = cmd_audit_tip_resource(resources, w->resource)))
			continue;
		cmd_audit_tip_place(w, r);
		if (w->opening) {
			g_free(w->opening->file);
			w->opening->file = g_strdup(w->tip_file);
			w->opening->line = w->tip_line;
		}
	}
	return true;
}

/* Is what holds at the tip reported besides the open windows (cli_report())? */
static bool cmd_audit_needs_tip(const struct cli_common *c)
{
	bool sarif = c->format == CLI_FORMAT_SARIF;

	for (guint i = 0; c->outputs && i < c->outputs->len; i++)
		sarif = sarif || g_array_index(c->outputs, struct cli_output, i).format == CLI_FORMAT_SARIF;
	return c->open_at_tip || sarif;
}

/*
 * The audit of range, reported as it goes (*stream: the report, begun at
 * the first commit, for cli_stream_end() or cli_stream_free()), or with
 * every finding kept in kept (stream NULL); cache: with the audit cache.
 */
static bool cmd_audit_run(struct cli_stream **stream, GPtrArray *kept, struct cli_common *common,
                          gboolean first_parent, int jobs, bool cache,
                          struct cmd_audit_range *range, GError **error)
{
	struct cmd_audit a = { .first_parent = first_parent, .range = range, .common = common,
	                       .kept = kept };
	int shallow;
	bool ok = false;

	if ((range->since_text && !cmd_audit_since(&range->since, range->since_text, error)) ||
	    (!common->pack && !cli_load_pack(common, error)) || !cli_open_repo(&a.repo, common, error))
		return false;
	/* Auditing a local repository: objects were verified when they arrived. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* No cache of parsed trees and commits: a walk reads each once or
	 * twice and keeps what it needs itself. libgit2's cache (256 MiB by
	 * default) made memory grow with history, and capped it cost more
	 * than it saved: on a 20,000-commit audit, 16 MiB of it held 64 MiB
	 * of heap, and evicting made a 100,000-commit audit twice as slow. */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	a.progress = !common->quiet && isatty(STDERR_FILENO);
	a.erase_bar = a.progress && isatty(STDOUT_FILENO);
	common->windows = cli_windows_new(common->pack->internet, cmd_audit_needs_tip(common));
	a.scan = scan_new(a.repo, common->pack);
	if (jobs < 0)
		jobs = MAX((int)g_get_num_processors() - 1, 1);
	if (!scan_threads(a.scan, (unsigned)jobs, error))
		goto out;
	shallow = git_repository_is_shallow(a.repo);
	if (shallow < 0) {
		gitwalk_set_error(error, "reading whether the repository is shallow");
		goto out;
	}
	ok = !shallow || cmd_audit_shallow_list(&a, range, first_parent, error);
	if (ok && a.progress && !shallow)
		cmd_audit_count(&a, range, first_parent);
	if (ok && cache)
		cmd_audit_cache_open(&a, common);
	ok = ok && cmd_audit_walk(&a, error);
	cmd_audit_cache_flush(&a, common);
	ok = ok && cmd_audit_shallow_end(&a, common, error) && cmd_audit_windows(&a, common, error);
	common->commits = a.walk ? walk_judged(a.walk) : 0;
	common->cached = a.walk ? walk_cached(a.walk) : 0;
	if (a.walk && walk_stopped_at(a.walk))
		common->stopped_at = g_strdup(walk_stopped_at(a.walk));
	if (ok)
		cmd_audit_stream(&a);
out:
	if (stream)
		*stream = a.stream;
	else
		cli_stream_free(a.stream);
	if (a.shallow_ids)
		g_array_unref(a.shallow_ids);
	walk_free(a.walk);
	audit_cache_free(a.cache);
	scan_free(a.scan);
	git_repository_free(a.repo);
	return ok;
}

bool cli_audit_history(GPtrArray *findings, struct cli_common *common, const char *range,
                       GError **error)
{
	char *revs[] = { (char *)range, NULL };
	struct cmd_audit_range r = { .revs = revs };

	return cmd_audit_run(NULL, findings, common, FALSE, -1, true, &r, error);
}

int cmd_audit(int argc, char **argv, const char *exe_path)
{
	struct cli_common common = { .exe_path = exe_path };
	gboolean first_parent = FALSE, no_cache = FALSE;
	int jobs = -1;
	struct cmd_audit_range range = { 0 };
	g_autoptr(GPtrArray) revs = NULL;
	GOptionEntry entries[] = {
		{ "all", 0, 0, G_OPTION_ARG_NONE, &range.all,
		  "Audit the history of every ref and HEAD, as git rev-list --all", NULL },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &range.since_text,
		  "Judge only commits committed at or after DATE (any date git understands)", "DATE" },
		{ "first-parent", 0, 0, G_OPTION_ARG_NONE, &first_parent,
		  "Follow only the first parent; compare merges with it", NULL },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Threads that parse ahead of the walk (default: processors - 1; 0: none)", "N" },
		{ "open-at-tip", 0, 0, G_OPTION_ARG_NONE, &common.open_at_tip,
		  "Report only what still holds at the tip, at its place there, with the commit that "
		  "opened it (SARIF always does)", NULL },
		{ "no-cache", 0, 0, G_OPTION_ARG_NONE, &no_cache,
		  "Neither read nor write the audit cache ($XDG_CACHE_HOME/driftwatch/audit.db)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[REV-RANGE...]");
	struct cli_stream *stream = NULL;
	g_autoptr(GError) error = NULL;
	int status;

	g_option_context_set_summary(ctx, "Find every past commit that widened exposure, oldest first.");
	g_option_context_set_description(ctx, cmd_audit_help);
	g_option_context_add_main_entries(ctx, entries, NULL);
	cli_common_add(ctx, &common);
	if (!cli_parse(ctx, &argc, &argv, "audit")) {
		g_free(range.since_text);
		return CLI_EXIT_ERROR;
	}
	/* The positional arguments, NULL-terminated whatever the parser left at argv[argc]. */
	revs = g_ptr_array_new();
	for (int i = 1; i < argc; i++)
		g_ptr_array_add(revs, argv[i]);
	g_ptr_array_add(revs, NULL);
	range.revs = (char **)revs->pdata;
	if (!cli_common_finish(&common, &error) ||
	    !cmd_audit_run(&stream, NULL, &common, first_parent, jobs, !no_cache, &range, &error)) {
		cli_stream_stop(stream, error ? error->message : NULL);
		status = cli_fail(error);
	} else {
		status = cli_stream_end(stream);
	}
	g_free(range.since_text);
	cli_common_clear(&common);
	return status;
}
