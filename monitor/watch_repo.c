/*
 * watch_repo.c - one watched repository: file monitors on its refs,
 * debounced analysis of each followed branch, the optional periodic
 * `git fetch`, and handing new alerts to the notifier.
 *
 * git updates a ref by writing NAME.lock and renaming it over NAME, so
 * only events naming a final file count. inotify is not recursive: each
 * directory under refs/heads and refs/remotes gets its own monitor, and
 * the set is brought up to date at every check.
 */
#include "monitor_private.h"

#include <gio/gio.h>
#include <string.h>

#include "dw_error.h"

/* A burst of ref events ends after opts->debounce_ms of quiet, or at the latest after this. */
#define WATCH_REPO_DEBOUNCE_MAX_MS 3000

static void watch_repo_on_quiet(void *user_data)
{
	watch_repo_check(user_data);
}

/* Is this event (in a git dir itself, or under refs/) about a ref? */
static bool watch_repo_event_relevant(GFileMonitor *m, GFile *file, GFile *other,
                                      GFileMonitorEvent event)
{
	GFile *target = event == G_FILE_MONITOR_EVENT_RENAMED && other ? other : file;
	g_autofree char *name = g_file_get_basename(target);
	bool root = g_object_get_data(G_OBJECT(m), "driftwatch-root") != NULL;

	if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
		return false;
	if (root)
		return strcmp(name, "HEAD") == 0 || strcmp(name, "packed-refs") == 0 ||
		       strcmp(name, "FETCH_HEAD") == 0;
	return debounce_name_relevant(name);
}

static void watch_repo_on_event(GFileMonitor *m, GFile *file, GFile *other,
                                GFileMonitorEvent event, gpointer user_data)
{
	struct watch_repo *r = user_data;

	if (watch_repo_event_relevant(m, file, other, event))
		debounce_poke(r->debounce);
}

static void watch_repo_monitor(struct watch_repo *r, GHashTable *wanted, const char *dir, bool root)
{
	g_autoptr(GFile) file = NULL;
	g_autoptr(GError) error = NULL;
	GFileMonitor *m;

	g_hash_table_add(wanted, g_strdup(dir));
	if (g_hash_table_contains(r->monitors, dir))
		return;
	file = g_file_new_for_path(dir);
	m = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
	if (!m) {
		watch_log("%s: cannot monitor %s: %s", r->name, dir, error->message);
		return;
	}
	if (root)
		g_object_set_data(G_OBJECT(m), "driftwatch-root", GINT_TO_POINTER(1));
	g_object_set_data(G_OBJECT(m), "driftwatch-repo", r);
	g_signal_connect(m, "changed", G_CALLBACK(watch_repo_on_event), r);
	g_hash_table_insert(r->monitors, g_strdup(dir), m);
}

/* Monitors dir and every directory below it. */
static void watch_repo_monitor_tree(struct watch_repo *r, GHashTable *wanted, const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	watch_repo_monitor(r, wanted, dir, false);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *sub = g_build_filename(dir, name, NULL);

		if (g_file_test(sub, G_FILE_TEST_IS_DIR) && !g_file_test(sub, G_FILE_TEST_IS_SYMLINK))
			watch_repo_monitor_tree(r, wanted, sub);
	}
}

/* Brings the set of monitors up to date with the directories that exist now. */
static void watch_repo_monitors_sync(struct watch_repo *r)
{
	g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *common = git_repository_commondir(r->repo);
	g_autofree char *heads = g_build_filename(common, "refs", "heads", NULL);
	g_autofree char *remotes = g_build_filename(common, "refs", "remotes", NULL);
	g_autofree char *refs = g_build_filename(common, "refs", NULL);
	GHashTableIter it;
	gpointer key;

	watch_repo_monitor(r, wanted, git_repository_path(r->repo), true);
	watch_repo_monitor(r, wanted, common, true);
	/* refs/ itself: refs/remotes appears there on the first fetch. */
	watch_repo_monitor(r, wanted, refs, false);
	watch_repo_monitor_tree(r, wanted, heads);
	watch_repo_monitor_tree(r, wanted, remotes);
	g_hash_table_iter_init(&it, r->monitors);
	while (g_hash_table_iter_next(&it, &key, NULL))
		if (!g_hash_table_contains(wanted, key))
			g_hash_table_iter_remove(&it);
}

static void watch_repo_monitor_free(gpointer p)
{
	GFileMonitor *m = p;

	g_signal_handlers_disconnect_by_data(m, g_object_get_data(G_OBJECT(m), "driftwatch-repo"));
	g_file_monitor_cancel(m);
	g_object_unref(m);
}

static void watch_repo_on_fetched(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *err_text = NULL;
	struct watch_repo *r;

	if (!g_subprocess_communicate_utf8_finish(G_SUBPROCESS(source), res, NULL, &err_text, &error) &&
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return; /* the repository is gone */
	r = user_data;
	if (!error && !g_subprocess_get_successful(r->fetch))
		g_set_error(&error, DW_ERROR, DW_ERROR_FAILED, "%s",
		            err_text && *err_text ? g_strstrip(err_text) : "git fetch failed");
	if (error && !r->fetch_failing)
		watch_log("%s: git fetch failed (reported once until it works again): %s", r->name,
		          error->message);
	else if (!error && r->fetch_failing)
		watch_log("%s: git fetch works again", r->name);
	r->fetch_failing = error != NULL;
	g_clear_object(&r->fetch);
	if (!error)
		debounce_poke(r->debounce);
}

/* Runs the user's own `git fetch`, so that their keys, helpers and proxies apply. */
static gboolean watch_repo_fetch(gpointer user_data)
{
	struct watch_repo *r = user_data;
	g_autoptr(GSubprocessLauncher) l = NULL;
	g_autoptr(GError) error = NULL;

	if (r->fetch)
		return G_SOURCE_CONTINUE;
	l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	/* Never wait for a password nobody will type. */
	g_subprocess_launcher_setenv(l, "GIT_TERMINAL_PROMPT", "0", TRUE);
	g_subprocess_launcher_setenv(l, "GIT_SSH_COMMAND", "ssh -o BatchMode=yes", FALSE);
	r->fetch = g_subprocess_launcher_spawn(l, &error, "git", "-C", r->path, "fetch", "--quiet", NULL);
	if (!r->fetch) {
		if (!r->fetch_failing)
			watch_log("%s: cannot run git fetch: %s", r->name, error->message);
		r->fetch_failing = true;
		return G_SOURCE_CONTINUE;
	}
	g_subprocess_communicate_utf8_async(r->fetch, NULL, r->cancel, watch_repo_on_fetched, r);
	return G_SOURCE_CONTINUE;
}

static char *watch_repo_strip(const char *path)
{
	char *p = g_strdup(path);
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

bool watch_repo_open(struct watch_repo **out, struct watcher *w, const char *path,
                     char **branches, guint fetch_interval, GError **error)
{
	struct watch_repo *r = g_new0(struct watch_repo, 1);

	r->w = w;
	if (git_repository_open_ext(&r->repo, path, 0, NULL) < 0) {
		g_autofree char *what = g_strdup_printf("opening a git repository at %s", path);

		gitwalk_set_error(error, what);
		g_free(r);
		return false;
	}
	r->path = watch_repo_strip(git_repository_workdir(r->repo) ? git_repository_workdir(r->repo)
	                                                           : git_repository_path(r->repo));
	r->name = notifier_short_path(r->path);
	r->scan = scan_new(r->repo, w->pack);
	r->branches = g_strdupv(branches);
	r->monitors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, watch_repo_monitor_free);
	r->unsaved = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	r->debounce = debounce_new(w->opts->debounce_ms, WATCH_REPO_DEBOUNCE_MAX_MS,
	                           watch_repo_on_quiet, r);
	r->cancel = g_cancellable_new();
	r->fetch_interval = fetch_interval;
	if (fetch_interval)
		r->fetch_source = g_timeout_add_seconds(fetch_interval, watch_repo_fetch, r);
	watch_repo_monitors_sync(r);
	*out = r;
	return true;
}

void watch_repo_free(struct watch_repo *r)
{
	if (!r)
		return;
	g_cancellable_cancel(r->cancel);
	if (r->fetch)
		g_subprocess_force_exit(r->fetch);
	g_clear_object(&r->fetch);
	g_clear_object(&r->cancel);
	g_clear_handle_id(&r->fetch_source, g_source_remove);
	g_hash_table_unref(r->monitors);
	g_hash_table_unref(r->unsaved);
	debounce_free(r->debounce);
	scan_free(r->scan);
	git_repository_free(r->repo);
	g_strfreev(r->branches);
	g_free(r->name);
	g_free(r->path);
	g_free(r);
}

/* "main" -> refs/heads/main, "origin/main" -> refs/remotes/origin/main. */
static char *watch_repo_ref_name(struct watch_repo *r, const char *branch)
{
	git_reference *ref = NULL;
	char *name;

	if (g_str_has_prefix(branch, "refs/") || strcmp(branch, "HEAD") == 0)
		return g_strdup(branch);
	if (git_branch_lookup(&ref, r->repo, branch, GIT_BRANCH_LOCAL) == 0 ||
	    git_branch_lookup(&ref, r->repo, branch, GIT_BRANCH_REMOTE) == 0) {
		name = g_strdup(git_reference_name(ref));
		git_reference_free(ref);
		return name;
	}
	return g_strconcat("refs/heads/", branch, NULL);
}

struct watch_repo_refspec_match {
	const char *merge; /* the upstream's name on the remote */
	char *out;         /* its remote-tracking ref, once found */
};

static int watch_repo_refspec_cb(const git_config_entry *entry, void *payload)
{
	struct watch_repo_refspec_match *m = payload;
	git_refspec *spec = NULL;
	git_buf dst = { 0 };

	if (!m->out && git_refspec_parse(&spec, entry->value, true) == 0 &&
	    git_refspec_src_matches(spec, m->merge) && git_refspec_transform(&dst, spec, m->merge) == 0)
		m->out = g_strdup(dst.ptr);
	git_buf_dispose(&dst);
	git_refspec_free(spec);
	return 0;
}

/*
 * The remote-tracking ref branch follows (branch.NAME.remote and .merge
 * through the remote's fetch refspecs), or NULL. Read from the config
 * directly: git_branch_upstream_name() goes through git_remote_lookup(),
 * whose regex matching in libgit2 1.5 leaks PCRE2 match data on every
 * call, which a daemon checking every minute cannot afford.
 */
char *watch_repo_upstream(git_repository *repo, const char *branch)
{
	g_autofree char *remote_key = NULL;
	g_autofree char *merge_key = NULL;
	git_config *cfg = NULL;
	git_buf remote = { 0 }, merge = { 0 };
	struct watch_repo_refspec_match m = { NULL, NULL };

	/* The prefix first: a shorter name has nothing past it to read. */
	if (!g_str_has_prefix(branch, "refs/heads/"))
		return NULL;
	remote_key = g_strdup_printf("branch.%s.remote", branch + strlen("refs/heads/"));
	merge_key = g_strdup_printf("branch.%s.merge", branch + strlen("refs/heads/"));
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return NULL;
	if (git_config_get_string_buf(&remote, cfg, remote_key) == 0 &&
	    git_config_get_string_buf(&merge, cfg, merge_key) == 0) {
		g_autofree char *fetch_key = g_strdup_printf("remote.%s.fetch", remote.ptr);

		m.merge = merge.ptr;
		if (strcmp(remote.ptr, ".") == 0)
			m.out = g_strdup(merge.ptr);
		else
			git_config_get_multivar_foreach(cfg, fetch_key, NULL, watch_repo_refspec_cb, &m);
	}
	git_buf_dispose(&remote);
	git_buf_dispose(&merge);
	git_config_free(cfg);
	return m.out;
}

/* The refs to follow: the configured ones, or the current branch and its upstream. */
static GPtrArray *watch_repo_refs(struct watch_repo *r)
{
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	git_reference *head = NULL;
	char *upstream;

	if (r->branches) {
		for (char **b = r->branches; *b; b++)
			g_ptr_array_add(refs, watch_repo_ref_name(r, *b));
		return refs;
	}
	if (git_reference_lookup(&head, r->repo, "HEAD") < 0)
		return refs;
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		g_ptr_array_add(refs, g_strdup("HEAD"));
	} else {
		g_ptr_array_add(refs, g_strdup(git_reference_symbolic_target(head)));
		upstream = watch_repo_upstream(r->repo, git_reference_symbolic_target(head));
		if (upstream)
			g_ptr_array_add(refs, upstream);
	}
	git_reference_free(head);
	return refs;
}

static void watch_repo_log_finding(struct watch_repo *r, const char *ref, const struct finding *f,
                                   const char *what)
{
	g_autofree char *where = finding_where(f->file, f->line);

	watch_log("%s %s: %s: %s %s %s (%s) commit %.12s by %s: %s", r->name, ref, what,
	          severity_name(f->severity), f->rule ? f->rule->id : "", f->resource, where,
	          f->commit ? f->commit : "", f->author ? f->author : "", f->message);
}

/* Is the finding muted ("Mute 1 day")? A store that cannot say: not muted. */
static bool watch_repo_muted(struct watch_repo *r, const struct finding *f)
{
	g_autoptr(GError) error = NULL;
	bool muted = false;

	if (!state_muted(&muted, r->w->state, r->path, f->id, g_get_real_time() / G_USEC_PER_SEC,
	                 &error))
		watch_state_problem(r->w, error);
	return muted;
}

/*
 * The store did not take the update: the alerts are shown now rather
 * than lost, and the tip is remembered in memory so they are shown once.
 */
static void watch_repo_unsaved(struct watch_repo *r, const char *ref, const char *hex,
                               GPtrArray *alerts, const GError *error)
{
	g_autoptr(GError) notify_error = NULL;

	watch_state_problem(r->w, error);
	g_hash_table_insert(r->unsaved, g_strdup(ref), g_strdup(hex));
	if (alerts->len && !notifier_show(r->w->notifier, alerts, &notify_error))
		watch_log("%s: no notification server (%s); %u alert(s) logged above", r->name,
		          notify_error->message, alerts->len);
}

/* Stores what base..tip brought to ref (alerts at or above the threshold) and the new tip. */
static bool watch_repo_record(struct watch_repo *r, const char *ref, const git_oid *base,
                              const git_oid *tip, bool open, GError **error)
{
	g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autoptr(GError) store_error = NULL;
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), tip);
	if (base && !analyse_range(findings, r->scan, r->repo, base, tip, error))
		return false;
	if (open && !analyse_open(findings, r->scan, r->repo, tip, error))
		return false;
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		/* Approved in the repository's .driftwatch.yml: logged, never an alert. */
		if (f->suppressed)
			watch_repo_log_finding(r, ref, f, "approved");
		else if (f->severity >= r->w->threshold && watch_repo_muted(r, f))
			watch_repo_log_finding(r, ref, f, "muted");
		else if (f->severity >= r->w->threshold)
			g_ptr_array_add(alerts, state_alert_from_finding(f, r->path, ref));
		else if (f->severity > SEVERITY_INFO)
			watch_repo_log_finding(r, ref, f, "below the threshold");
	}
	r->analysed = r->analysed || base || open;
	if (base || open) {
		g_autofree char *what = open ? g_strdup_printf("what is open at %.12s", hex)
		                             : g_strdup_printf("%.12s..%.12s", git_oid_tostr_s(base), hex);

		watch_log("%s %s: analysed %s: %u finding(s), %u at or above %s", r->name, ref, what,
		          findings->len, alerts->len, severity_name(r->w->threshold));
	}
	for (guint i = 0; i < alerts->len; i++) {
		const struct state_alert *a = alerts->pdata[i];

		watch_log("%s %s: alert: %s %s %s (%s:%u) commit %.12s by %s: %s", r->name, ref,
		          severity_name(a->severity), a->rule, a->resource, a->file, a->line, a->commit,
		          a->author ? a->author : "", a->message);
	}
	if (!state_record(r->w->state, r->path, ref, hex, alerts, &store_error)) {
		if (g_error_matches(store_error, WATCH_ERROR, WATCH_ERROR_DAMAGED)) {
			g_propagate_error(error, g_steal_pointer(&store_error));
			return false;
		}
		watch_repo_unsaved(r, ref, hex, alerts, store_error);
		return true;
	}
	g_hash_table_remove(r->unsaved, ref);
	return true;
}

/* Where to start for a branch that moved from stored to tip; *have false: nothing to analyse. */
static bool watch_repo_base(git_oid *out, bool *have, struct watch_repo *r, const char *ref,
                            const git_oid *stored, const git_oid *tip, GError **error)
{
	bool found = false;

	*have = false;
	int rc = git_graph_descendant_of(r->repo, tip, stored);

	if (rc < 0) {
		gitwalk_set_error(error, "finding whether the branch moved forward");
		return false;
	}
	if (rc == 1) {
		*out = *stored;
		*have = true;
		return true;
	}
	if (!analyse_base(out, &found, r->repo, stored, tip, error))
		return false;
	if (!found) {
		watch_log("%s %s: rewritten with no history in common; following from the new tip",
		          r->name, ref);
		return true;
	}
	if (git_oid_equal(out, tip))
		return true; /* moved back: nothing new */
	watch_log("%s %s: rewritten (force-push?); analysing from the merge base %.12s", r->name, ref,
	          git_oid_tostr_s(out));
	*have = true;
	return true;
}

static bool watch_repo_branch(struct watch_repo *r, const char *ref, GError **error)
{
	g_autofree char *stored_hex = NULL;
	git_commit *old = NULL;
	git_oid tip, stored, base;
	bool have_base = false;

	if (git_reference_name_to_id(&tip, r->repo, ref) < 0)
		return true; /* not there (yet) */
	if (g_hash_table_contains(r->unsaved, ref))
		stored_hex = g_strdup(g_hash_table_lookup(r->unsaved, ref));
	else if (!state_branch_get(&stored_hex, r->w->state, r->path, ref, error))
		return false;
	if (!stored_hex && r->w->rebuilt) {
		watch_log("%s %s: the state was rebuilt; analysing what is open at %.12s", r->name, ref,
		          git_oid_tostr_s(&tip));
		return watch_repo_record(r, ref, NULL, &tip, true, error);
	}
	if (!stored_hex) {
		watch_log("%s %s: following from %.12s", r->name, ref, git_oid_tostr_s(&tip));
		return watch_repo_record(r, ref, NULL, &tip, false, error);
	}
	if (git_oid_fromstr(&stored, stored_hex) < 0) {
		watch_log("%s %s: the state names no commit (%s); following from %.12s", r->name, ref,
		          stored_hex, git_oid_tostr_s(&tip));
		return watch_repo_record(r, ref, NULL, &tip, false, error);
	}
	if (git_oid_equal(&stored, &tip))
		return true;
	if (git_commit_lookup(&old, r->repo, &stored) < 0) {
		watch_log("%s %s: the last analysed commit %.12s is gone; following from %.12s", r->name,
		          ref, stored_hex, git_oid_tostr_s(&tip));
		return watch_repo_record(r, ref, NULL, &tip, false, error);
	}
	git_commit_free(old);
	if (!watch_repo_base(&base, &have_base, r, ref, &stored, &tip, error))
		return false;
	return watch_repo_record(r, ref, have_base ? &base : NULL, &tip, false, error);
}

void watch_repo_flush(struct watch_repo *r)
{
	g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func((GDestroyNotify)state_alert_free);
	g_autoptr(GError) error = NULL;

	if (!state_pending(pending, r->w->state, r->path, &error)) {
		watch_state_problem(r->w, error);
		return;
	}
	if (pending->len == 0)
		return;
	if (!notifier_show(r->w->notifier, pending, &error)) {
		if (!r->notify_failing)
			watch_log("%s: no notification server (%s); %u alert(s) logged above, kept to notify "
			          "when one appears",
			          r->name, error->message, pending->len);
		r->notify_failing = true;
		return;
	}
	r->notify_failing = false;
	watch_log("%s: notified %u alert(s)", r->name, pending->len);
	g_clear_error(&error);
	if (!state_mark_notified(r->w->state, pending, &error))
		watch_state_problem(r->w, error);
}

/*
 * After an update that parsed something: a fresh parse cache and a fresh
 * repository handle. The parse cache serves one update (a commit's new
 * blobs are the next one's old); libgit2 keeps per repository an object
 * cache and, for every pack file it opened, its index and a cache of delta
 * bases. Kept for weeks they would hold thousands of parsed files and
 * every pack ever fetched; renewed, memory is what one update needs.
 */
static void watch_repo_renew(struct watch_repo *r)
{
	git_repository *fresh = NULL;

	r->analysed = false;
	scan_free(r->scan);
	r->scan = NULL;
	if (git_repository_open_ext(&fresh, r->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		git_repository_free(r->repo);
		r->repo = fresh;
	} else {
		watch_log("%s: cannot reopen the repository, keeping the open one: %s", r->name,
		          git_error_last() ? git_error_last()->message : "unknown error");
	}
	r->scan = scan_new(r->repo, r->w->pack);
}

/*
 * The store turned out damaged while running: move it aside, start
 * afresh, say so, and analyse what is open at every tip so that nothing
 * open is forgotten.
 */
static void watch_repo_recover(struct watch_repo *r, const GError *damage)
{
	struct watcher *w = r->w;
	g_autoptr(GError) error = NULL;

	if (w->rebuilt) {
		watch_state_problem(w, damage);
		return; /* already recovering: no loop */
	}
	if (!state_recover(w->state, damage->message, &error)) {
		watch_state_problem(w, error);
		return;
	}
	watch_state_problem(w, damage);
	w->rebuilt = true;
	for (guint i = 0; i < w->repos->len; i++)
		watch_repo_check(w->repos->pdata[i]);
	w->rebuilt = false;
}

void watch_repo_check(struct watch_repo *r)
{
	g_autoptr(GPtrArray) refs = NULL;

	debounce_cancel(r->debounce);
	watch_repo_monitors_sync(r);
	refs = watch_repo_refs(r);
	for (guint i = 0; i < refs->len; i++) {
		g_autoptr(GError) error = NULL;

		if (watch_repo_branch(r, refs->pdata[i], &error))
			continue;
		if (g_error_matches(error, WATCH_ERROR, WATCH_ERROR_DAMAGED)) {
			watch_repo_recover(r, error);
			return;
		}
		if (error->domain == WATCH_ERROR)
			watch_state_problem(r->w, error);
		else
			watch_log("%s %s: %s", r->name, (char *)refs->pdata[i], error->message);
	}
	if (r->analysed)
		watch_repo_renew(r);
	watch_repo_flush(r);
}
