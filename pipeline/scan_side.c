/*
 * scan_side.c - the two sides of a comparison: the files each side reads
 * (the changed ones, a Terraform module's directory, an ARM template's
 * parameter files, or the whole tree), their resources, and the files
 * that could not be analysed; then old and new compared and classified.
 */
#include "scan_private.h"

#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"

struct scan_failure {
	char *file;
	GError *error;
};

static void scan_failure_free(struct scan_failure *f)
{
	g_free(f->file);
	g_clear_error(&f->error);
	g_free(f);
}

static void scan_side_fail(struct scan_side *side, const char *file, const GError *error)
{
	struct scan_failure *f = g_new0(struct scan_failure, 1);

	f->file = g_strdup(file);
	f->error = g_error_copy(error);
	g_ptr_array_add(side->errors, f);
}

void scan_side_clear(struct scan_side *side)
{
	g_clear_pointer(&side->resources, g_ptr_array_unref);
	g_clear_pointer(&side->owned, g_ptr_array_unref);
	g_clear_pointer(&side->failures, g_ptr_array_unref);
	g_clear_pointer(&side->errors, g_ptr_array_unref);
	g_clear_pointer(&side->read, g_hash_table_unref);
	g_clear_pointer(&side->units, g_ptr_array_unref);
	g_clear_pointer(&side->param_dirs, g_hash_table_unref);
}

void scan_side_init(struct scan_side *side)
{
	side->resources = g_ptr_array_new();
	side->owned = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	side->failures = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	side->errors = g_ptr_array_new_with_free_func((GDestroyNotify)scan_failure_free);
	side->read = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	side->units = g_ptr_array_new();
	side->param_dirs = NULL;
}

/* Joins standalone rules to their groups, on copies, if there are any. */
static void scan_side_join(struct scan_side *side)
{
	bool fragments = false;

	for (guint i = 0; i < side->resources->len && !fragments; i++)
		fragments = ((struct resource *)side->resources->pdata[i])->fragment;
	if (!fragments)
		return;
	/* owned may already hold resources read outside the cache (Bicep). */
	g_autoptr(GPtrArray) joined = g_ptr_array_new();

	for (guint i = 0; i < side->resources->len; i++)
		g_ptr_array_add(joined, resource_copy(side->resources->pdata[i]));
	resources_join(joined);
	g_ptr_array_set_size(side->resources, 0);
	for (guint i = 0; i < joined->len; i++) {
		g_ptr_array_add(side->resources, joined->pdata[i]);
		g_ptr_array_add(side->owned, joined->pdata[i]);
	}
}

/* What reading path gave (cached, borrowed): its resources, or its failure. */
static void scan_side_take(struct scan_side *side, const char *path, const struct scan_cached *c)
{
	if (c->error) {
		scan_side_fail(side, path, c->error);
		return;
	}
	g_hash_table_add(side->read, g_strdup(path));
	g_ptr_array_add(side->units, (gpointer)c);
	for (guint i = 0; i < c->resources->len; i++)
		g_ptr_array_add(side->resources, c->resources->pdata[i]);
}

static bool scan_side_add(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                          GError **error)
{
	const struct scan_cached *c;

	if (f->special == GITWALK_UNREADABLE) {
		g_autoptr(GError) unreadable = g_error_new(DW_ERROR, DW_ERROR_FAILED, "%s: %s", f->path,
		                                           f->unreadable);

		scan_side_fail(side, f->path, unreadable);
		return true;
	}
	if (f->special != GITWALK_REGULAR) {
		g_ptr_array_add(side->failures, rulepack_not_followed(s->pack, f->path,
		                                                      f->special == GITWALK_SYMLINK));
		return true;
	}
	if (!scan_extract(&c, s, f, error))
		return false;
	scan_side_take(side, f->path, c);
	return true;
}


/*
 * Terraform: a module is a directory, extracted as one unit from all its
 * .tf and .tfvars files at one side (the base tree's, with the changes laid
 * over), and cached under the ids of all of them. With no base (--files)
 * the changed files alone are the module.
 */

/* The directory of a path, "." at the top. New string. */
static char *scan_tf_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? g_strndup(path, (gsize)(slash - path)) : g_strdup(".");
}

static const char *scan_change_path(const struct gitwalk_change *c)
{
	return c->new_file ? c->new_file->path : c->old_file->path;
}

/* Adds the directory of a Terraform file to dirs (a set of owned strings). */
static void scan_tf_note(GHashTable *dirs, const char *path)
{
	/* A plan JSON replaces the module beside it: both sides read that module. */
	if (extract_tf_path(path) || extract_tfplan_path(path))
		g_hash_table_add(dirs, scan_tf_dir(path));
}

struct gitwalk_file *scan_file_copy(const struct gitwalk_file *f)
{
	struct gitwalk_file *c = g_new0(struct gitwalk_file, 1);

	c->path = g_strdup(f->path);
	c->special = f->special;
	c->unreadable = g_strdup(f->unreadable);
	c->id = f->id;
	c->data = f->data ? g_bytes_ref(f->data) : NULL;
	return c;
}

/* The Terraform files directly in dir of base (struct gitwalk_file *). */
static bool scan_tf_base_files(struct scan *s, GPtrArray *out, git_tree *base, const char *dir,
                               GError **error)
{
	git_tree_entry *entry = NULL;
	git_tree *sub = NULL;
	int rc;

	if (!base || !s->repo)
		return true;
	if (strcmp(dir, ".") != 0) {
		rc = git_tree_entry_bypath(&entry, base, dir);
		if (rc == GIT_ENOTFOUND)
			return true;
		if (rc < 0 || (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
		               git_tree_lookup(&sub, s->repo, git_tree_entry_id(entry)) < 0)) {
			git_tree_entry_free(entry);
			gitwalk_set_error(error, "reading a Terraform module directory");
			return false;
		}
		git_tree_entry_free(entry);
		if (!sub)
			return true;
	}
	for (size_t i = 0; i < git_tree_entrycount(sub ? sub : base); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(sub ? sub : base, i);
		struct gitwalk_file *f;

		if (!extract_tf_path(git_tree_entry_name(e)) || git_tree_entry_type(e) == GIT_OBJECT_TREE)
			continue;
		f = g_new0(struct gitwalk_file, 1);
		f->path = strcmp(dir, ".") == 0 ? g_strdup(git_tree_entry_name(e))
		                                : g_strconcat(dir, "/", git_tree_entry_name(e), NULL);
		f->id = *git_tree_entry_id(e);
		if (git_tree_entry_type(e) == GIT_OBJECT_COMMIT)
			f->special = GITWALK_SUBMODULE;
		else if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
			f->special = GITWALK_SYMLINK;
		g_ptr_array_add(out, f);
	}
	git_tree_free(sub);
	return true;
}

static int scan_file_compare(const void *a, const void *b)
{
	const struct gitwalk_file *fa = *(const struct gitwalk_file *const *)a;
	const struct gitwalk_file *fb = *(const struct gitwalk_file *const *)b;

	return strcmp(fa->path, fb->path);
}

/* The files of module dir at one side: base's, with the changes laid over. */
static bool scan_tf_files(struct scan *s, GPtrArray *out, git_tree *base, GPtrArray *changes,
                          bool new_side, const char *dir, GError **error)
{
	if (!scan_tf_base_files(s, out, base, dir, error))
		return false;
	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const struct gitwalk_file *f = new_side ? c->new_file : c->old_file;
		const char *path = scan_change_path(c);
		g_autofree char *at = scan_tf_dir(path);

		if (!extract_tf_path(path) || strcmp(at, dir) != 0)
			continue;
		for (guint j = out->len; j-- > 0;) {
			if (strcmp(((struct gitwalk_file *)out->pdata[j])->path, path) == 0)
				g_ptr_array_remove_index(out, j);
		}
		if (f)
			g_ptr_array_add(out, scan_file_copy(f));
	}
	for (guint j = out->len; j-- > 0;) {
		if (scan_skips(s, ((struct gitwalk_file *)out->pdata[j])->path))
			g_ptr_array_remove_index(out, j);
	}
	g_ptr_array_sort(out, scan_file_compare);
	return true;
}

static char *scan_tf_key(const char *dir, GPtrArray *files)
{
	g_autoptr(GString) key = g_string_new("tf:");

	g_string_append(key, dir);
	for (guint i = 0; i < files->len; i++) {
		g_autofree char *one = scan_cache_key(files->pdata[i]);

		g_string_append_c(key, '\n');
		g_string_append(key, one);
	}
	return g_string_free(g_steal_pointer(&key), FALSE);
}

/*
 * A module's local module calls read other directories at the same side:
 * the loader gives their files to the extractor, keeps their blobs until
 * it is done, and notes each directory read with its files' cache keys.
 */
struct scan_tf_loader {
	struct scan *s;
	git_tree *base;
	GPtrArray *changes;
	bool new_side;
	GPtrArray *blobs;  /* GBytes *, owned */
	GPtrArray *files;  /* struct gitwalk_file *, owned */
	GHashTable *deps;  /* directory read -> scan_tf_key() of its files; owned */
	bool git_failed;   /* a read failed for another reason than a limit */
};

static bool scan_tf_load(GArray *out, const char *dir, void *user_data)
{
	struct scan_tf_loader *l = user_data;
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	g_autoptr(GError) error = NULL;

	if (!scan_tf_files(l->s, files, l->base, l->changes, l->new_side, dir, &error)) {
		l->git_failed = true;
		return false;
	}
	for (guint j = files->len; j-- > 0;) {
		if (((struct gitwalk_file *)files->pdata[j])->special != GITWALK_REGULAR)
			g_ptr_array_remove_index(files, j);
	}
	g_hash_table_replace(l->deps, g_strdup(dir), scan_tf_key(dir, files));
	for (guint i = 0; i < files->len; i++) {
		struct gitwalk_file *f = files->pdata[i];
		struct extract_tf_file part = { f->path, NULL, 0 };
		GBytes *data = NULL;

		if (!gitwalk_file_read(&data, l->s->repo, f, dw_limit_file_bytes(), &error)) {
			l->git_failed |= !g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT);
			return false;
		}
		g_ptr_array_add(l->blobs, data);
		part.data = g_bytes_get_data(data, &part.len);
		g_array_append_val(out, part);
	}
	/* The paths given out stay with the loader. */
	while (files->len)
		g_ptr_array_add(l->files, g_ptr_array_steal_index(files, 0));
	return out->len > 0;
}

static void scan_tf_loader_init(struct scan_tf_loader *l, struct scan *s, git_tree *base, GPtrArray *changes,
                                bool new_side)
{
	*l = (struct scan_tf_loader){ .s = s, .base = base, .changes = changes, .new_side = new_side };
	l->blobs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	l->files = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	l->deps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void scan_tf_loader_clear(struct scan_tf_loader *l)
{
	g_ptr_array_unref(l->blobs);
	g_ptr_array_unref(l->files);
	g_hash_table_unref(l->deps);
}

/* Reads and extracts a module outside the cache. Fails only when git fails. */
static bool scan_tf_parse(struct scan_cached **out, struct scan *s, const char *dir, GPtrArray *files,
                          struct scan_tf_loader *loader, GError **error)
{
	g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autofree struct extract_tf_file *parts = g_new0(struct extract_tf_file, files->len + 1);
	struct extract_tf_options opts = { scan_tf_load, loader };
	struct scan_cached *c = g_new0(struct scan_cached, 1);

	c->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	for (guint i = 0; i < files->len; i++) {
		const struct gitwalk_file *f = files->pdata[i];
		GBytes *data = NULL;
		GError *local = NULL;

		if (!gitwalk_file_read(&data, s->repo, f, dw_limit_file_bytes(), &local)) {
			if (!g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT)) {
				g_propagate_error(error, local);
				scan_cached_free(c);
				return false;
			}
			c->error = local;
			c->error_file = g_strdup(f->path);
			*out = c;
			return true;
		}
		g_ptr_array_add(blobs, data);
		parts[i].path = f->path;
		parts[i].data = g_bytes_get_data(data, &parts[i].len);
	}
	extract_tf_module_with(c->resources, dir, parts, files->len, &opts, &c->error_file, &c->error);
	if (loader->git_failed) {
		gitwalk_set_error(error, "reading a called Terraform module");
		scan_cached_free(c);
		return false;
	}
	for (guint i = 0; i < c->resources->len; i++)
		exposure_free(resource_exposure(c->resources->pdata[i]));
	*out = c;
	return true;
}

static int scan_tf_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The directories a module read (its calls' modules), sorted, each on a line. */
static char *scan_tf_deps_list(GHashTable *deps)
{
	g_autofree const char **dirs = (const char **)g_hash_table_get_keys_as_array(deps, NULL);
	g_autoptr(GString) out = g_string_new(NULL);

	qsort(dirs, g_hash_table_size(deps), sizeof(*dirs), scan_tf_strcmp);
	for (guint i = 0; dirs[i]; i++)
		g_string_append_printf(out, "%s\n", dirs[i]);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The cache key of a module with what it read: its own key, then each
 * directory read with its files' keys, in path order. */
static char *scan_tf_full_key(const char *own, GHashTable *deps)
{
	g_autofree char *list = scan_tf_deps_list(deps);
	g_auto(GStrv) dirs = g_strsplit(list, "\n", -1);
	g_autoptr(GString) key = g_string_new(own);

	for (guint i = 0; dirs[i] && *dirs[i]; i++)
		g_string_append_printf(key, "\n--\n%s", (const char *)g_hash_table_lookup(deps, dirs[i]));
	return g_string_free(g_steal_pointer(&key), FALSE);
}

/*
 * The full key of a module whose own key is own, from the directories it
 * read when last extracted (kept under "tfdeps:" + own, one per line), as
 * they are at this side; NULL when it was never extracted.
 */
static char *scan_tf_known_key(struct scan *s, const char *own, git_tree *base, GPtrArray *changes,
                               bool new_side, GError **error)
{
	g_autofree char *deps_key = g_strconcat("tfdeps:", own, NULL);
	const struct scan_cached *known = scan_cache_lookup(s, deps_key);
	g_autoptr(GHashTable) deps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_auto(GStrv) dirs = NULL;

	if (!known)
		return NULL;
	dirs = g_strsplit(known->error_file ? known->error_file : "", "\n", -1);
	for (guint i = 0; dirs[i] && *dirs[i]; i++) {
		g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);

		if (!scan_tf_files(s, files, base, changes, new_side, dirs[i], error))
			return NULL;
		for (guint j = files->len; j-- > 0;) {
			if (((struct gitwalk_file *)files->pdata[j])->special != GITWALK_REGULAR)
				g_ptr_array_remove_index(files, j);
		}
		g_hash_table_replace(deps, g_strdup(dirs[i]), scan_tf_key(dirs[i], files));
	}
	return scan_tf_full_key(own, deps);
}

/* Extracts a module and caches it under its full key, and what it read under "tfdeps:". */
static const struct scan_cached *scan_tf_extract(struct scan *s, const char *dir, GPtrArray *files,
                                                 const char *own, git_tree *base, GPtrArray *changes,
                                                 bool new_side, GError **error)
{
	struct scan_tf_loader loader;
	struct scan_cached *c = NULL;
	struct scan_cached *deps = g_new0(struct scan_cached, 1);
	const struct scan_cached *kept;
	bool ok;

	scan_tf_loader_init(&loader, s, base, changes, new_side);
	ok = scan_tf_parse(&c, s, dir, files, &loader, error);
	if (ok) {
		/* Not resources: the list of directories read, in error_file. */
		deps->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
		deps->error_file = scan_tf_deps_list(loader.deps);
		scan_cache_add(s, g_strconcat("tfdeps:", own, NULL), g_steal_pointer(&deps));
		kept = scan_cache_add(s, scan_tf_full_key(own, loader.deps), c);
	}
	if (deps)
		scan_cached_free(deps);
	scan_tf_loader_clear(&loader);
	return ok ? kept : NULL;
}

/* Adds the resources of module dir at one side, or its failure. */
static bool scan_side_add_module(struct scan *s, struct scan_side *side, git_tree *base,
                                 GPtrArray *changes, bool new_side, const char *dir, GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	g_autoptr(GError) local = NULL;
	const struct scan_cached *cached = NULL;
	g_autofree char *own = NULL;
	g_autofree char *key = NULL;

	if (!scan_tf_files(s, files, base, changes, new_side, dir, error))
		return false;
	for (guint j = files->len; j-- > 0;) {
		const struct gitwalk_file *f = files->pdata[j];

		if (f->special == GITWALK_REGULAR)
			continue;
		if (f->special == GITWALK_UNREADABLE) {
			/* One file of a module unread: none of it can be judged. */
			g_autoptr(GError) unreadable = g_error_new(DW_ERROR, DW_ERROR_FAILED, "%s: %s",
			                                           f->path, f->unreadable);

			scan_side_fail(side, f->path, unreadable);
			return true;
		}
		g_ptr_array_add(side->failures, rulepack_not_followed(s->pack, f->path,
		                                                      f->special == GITWALK_SYMLINK));
		g_ptr_array_remove_index(files, j);
	}
	if (files->len == 0)
		return true;
	own = scan_tf_key(dir, files);
	key = scan_tf_known_key(s, own, base, changes, new_side, &local);
	if (local) {
		g_propagate_error(error, g_steal_pointer(&local));
		return false;
	}
	if (key)
		cached = scan_cache_lookup(s, key);
	if (!cached && !(cached = scan_tf_extract(s, dir, files, own, base, changes, new_side, error)))
		return false;
	if (cached->error) {
		scan_side_fail(side, cached->error_file, cached->error);
		return true;
	}
	g_hash_table_add(side->read, g_strconcat("tf:", dir, NULL));
	g_ptr_array_add(side->units, (gpointer)cached);
	for (guint i = 0; i < cached->resources->len; i++)
		g_ptr_array_add(side->resources, cached->resources->pdata[i]);
	return true;
}

/* Local module sources in a .tf file at dir: the directory of each
 * `source = "./..."` line, one per line, appended to out. A cheap scan to
 * find which directories are called as modules; the extractor reads the
 * calls themselves. */
static void scan_tf_sources(GString *out, const char *dir, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *q = p;

		while (q < line_end && (*q == ' ' || *q == '\t'))
			q++;
		if (line_end - q > 6 && memcmp(q, "source", 6) == 0) {
			q += 6;
			while (q < line_end && (*q == ' ' || *q == '\t' || *q == '='))
				q++;
			if (q < line_end && *q == '"') {
				const char *close = memchr(q + 1, '"', (size_t)(line_end - q - 1));
				g_autofree char *source = close ? g_strndup(q + 1, (gsize)(close - q - 1)) : NULL;
				g_autofree char *callee = source ? extract_tf_module_dir(dir, source) : NULL;

				if (callee)
					g_string_append_printf(out, "%s\n", callee);
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* The local module sources of one .tf file, cached by blob ("tfcalls:"); NULL
 * when it cannot be read (too large: the extractor reports it). Borrowed. */
static const char *scan_tf_file_calls(struct scan *s, const struct gitwalk_file *f, GError **error)
{
	g_autofree char *file_key = scan_cache_key(f);
	char *key = g_strconcat("tfcalls:", file_key, NULL);
	const struct scan_cached *cached = scan_cache_lookup(s, key);
	g_autoptr(GBytes) data = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(GString) calls = g_string_new(NULL);
	g_autofree char *dir = scan_tf_dir(f->path);
	struct scan_cached *c;
	gsize len;
	const char *bytes;

	if (cached) {
		g_free(key);
		return cached->error_file;
	}
	if (!gitwalk_file_read(&data, s->repo, f, dw_limit_file_bytes(), &local)) {
		g_free(key);
		if (!g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT))
			g_propagate_error(error, g_steal_pointer(&local));
		return NULL;
	}
	bytes = g_bytes_get_data(data, &len);
	scan_tf_sources(calls, dir, bytes ? bytes : "", len);
	/* Not resources: the directories called, in error_file. */
	c = g_new0(struct scan_cached, 1);
	c->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	c->error_file = g_string_free(g_steal_pointer(&calls), FALSE);
	return scan_cache_add(s, key, c)->error_file;
}

/* The .tf files of one side: base's, with the changes laid over. */
static bool scan_tf_all_files(struct scan *s, GPtrArray *out, git_tree *base, GPtrArray *changes, bool new_side,
                              GError **error)
{
	if (base && s->repo && !gitwalk_tree_files(out, s->repo, base, extract_tf_path, error))
		return false;
	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const struct gitwalk_file *f = new_side ? c->new_file : c->old_file;
		const char *path = scan_change_path(c);

		if (!extract_tf_path(path))
			continue;
		for (guint j = out->len; j-- > 0;) {
			if (strcmp(((struct gitwalk_file *)out->pdata[j])->path, path) == 0)
				g_ptr_array_remove_index(out, j);
		}
		if (f)
			g_ptr_array_add(out, scan_file_copy(f));
	}
	return true;
}

/* Which directories are called as local modules at one side: callee ->
 * set of the directories calling it (owned strings). */
static bool scan_tf_calls(struct scan *s, GHashTable *calls, git_tree *base, GPtrArray *changes, bool new_side,
                          GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);

	if (!scan_tf_all_files(s, files, base, changes, new_side, error))
		return false;
	for (guint i = 0; i < files->len; i++) {
		const struct gitwalk_file *f = files->pdata[i];
		const char *list;
		g_auto(GStrv) callees = NULL;

		if (!g_str_has_suffix(f->path, ".tf") || f->special != GITWALK_REGULAR || scan_skips(s, f->path))
			continue;
		if (!(list = scan_tf_file_calls(s, f, error))) {
			if (error && *error)
				return false;
			continue;
		}
		callees = g_strsplit(list, "\n", -1);
		for (guint j = 0; callees[j] && *callees[j]; j++) {
			GHashTable *callers = g_hash_table_lookup(calls, callees[j]);

			if (!callers) {
				callers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
				g_hash_table_insert(calls, g_strdup(callees[j]), callers);
			}
			g_hash_table_add(callers, scan_tf_dir(f->path));
		}
	}
	return true;
}

/*
 * Adds every module in dirs. A directory called as a local module is read
 * at its call sites, under their identities, not as a root of its own; so a
 * change to it is judged at every caller (and theirs, transitively).
 */
static bool scan_side_add_modules(struct scan *s, struct scan_side *side, git_tree *base,
                                  GPtrArray *changes, bool new_side, GHashTable *dirs, GError **error)
{
	g_autoptr(GHashTable) calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                                    (GDestroyNotify)g_hash_table_unref);
	g_autoptr(GHashTable) todo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) queue = g_ptr_array_new();
	g_autofree const char **list = NULL;
	GHashTableIter it;
	gpointer dir;

	if (g_hash_table_size(dirs) == 0)
		return true;
	if (!scan_tf_calls(s, calls, base, changes, new_side, error))
		return false;
	g_hash_table_iter_init(&it, dirs);
	while (g_hash_table_iter_next(&it, &dir, NULL)) {
		g_hash_table_add(todo, g_strdup(dir));
		g_ptr_array_add(queue, dir);
	}
	for (guint i = 0; i < queue->len; i++) {
		GHashTable *callers = g_hash_table_lookup(calls, queue->pdata[i]);
		const char *vendored = strstr(queue->pdata[i], ".terraform/modules/");
		gpointer caller;

		/* A vendored module's caller is the module holding .terraform/. */
		if (vendored && (vendored == queue->pdata[i] || vendored[-1] == '/')) {
			g_autofree char *root = vendored == queue->pdata[i]
			                                ? g_strdup(".")
			                                : g_strndup(queue->pdata[i],
			                                            (gsize)(vendored - 1 - (const char *)queue->pdata[i]));

			if (!g_hash_table_contains(todo, root)) {
				g_ptr_array_add(queue, root);
				g_hash_table_add(todo, g_steal_pointer(&root));
			}
		}
		if (!callers)
			continue;
		g_hash_table_iter_init(&it, callers);
		while (g_hash_table_iter_next(&it, &caller, NULL)) {
			if (g_hash_table_contains(todo, caller))
				continue;
			g_hash_table_add(todo, g_strdup(caller));
			g_ptr_array_add(queue, caller);
		}
	}
	list = (const char **)g_hash_table_get_keys_as_array(todo, NULL);
	qsort(list, g_hash_table_size(todo), sizeof(*list), scan_tf_strcmp);
	for (guint i = 0; list[i]; i++) {
		/* A vendored module (.terraform/modules/) is read by its caller. */
		if (g_hash_table_contains(calls, list[i]) || g_str_has_prefix(list[i], ".terraform/") ||
		    strstr(list[i], "/.terraform/"))
			continue;
		if (!scan_side_add_module(s, side, base, changes, new_side, list[i], error))
			return false;
	}
	return true;
}

/*
 * ARM parameter files: a template DIR/NAME.json is read with the
 * DIR/NAME.parameters[.ENV].json files of the same side
 * (extract_arm_params_for()), and cached under the ids of all of them; a
 * change to a parameters file alone re-reads its template at both sides.
 */

/* Can a file of this name (no directory) be a parameters file? Without
 * ".parameters." in it, never (extract_arm_template_of()). */
static bool scan_arm_params_name(const char *name)
{
	return strstr(name, ".parameters.") != NULL;
}

/* The parameter files of template at one side: base's, with the changes laid over.
 * param_dirs (or NULL, not known): the directories of base that may hold one. */
static bool scan_arm_params(struct scan *s, GPtrArray *out, git_tree *base, GPtrArray *changes,
                            bool new_side, const char *tmpl, GHashTable *param_dirs, GError **error)
{
	g_autofree char *dir = scan_tf_dir(tmpl);
	git_tree_entry *entry = NULL;
	git_tree *sub = NULL;

	if (param_dirs && !g_hash_table_contains(param_dirs, dir))
		base = NULL;
	if (base && s->repo && strcmp(dir, ".") != 0 && git_tree_entry_bypath(&entry, base, dir) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&sub, s->repo, git_tree_entry_id(entry)) < 0) {
		git_tree_entry_free(entry);
		gitwalk_set_error(error, "reading the directory of an ARM template");
		return false;
	}
	git_tree_entry_free(entry);
	for (size_t i = 0; base && s->repo && (sub || strcmp(dir, ".") == 0) &&
	                   i < git_tree_entrycount(sub ? sub : base); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(sub ? sub : base, i);
		struct gitwalk_file *f;
		g_autofree char *path = NULL;

		if (!scan_arm_params_name(git_tree_entry_name(e)))
			continue;
		path = strcmp(dir, ".") == 0 ? g_strdup(git_tree_entry_name(e))
		                             : g_strconcat(dir, "/", git_tree_entry_name(e), NULL);
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ||
		    !extract_arm_params_for(path, tmpl))
			continue;
		f = g_new0(struct gitwalk_file, 1);
		f->path = g_steal_pointer(&path);
		f->id = *git_tree_entry_id(e);
		g_ptr_array_add(out, f);
	}
	git_tree_free(sub);
	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const struct gitwalk_file *f = new_side ? c->new_file : c->old_file;

		for (guint j = out->len; j-- > 0;) {
			const char *have = ((struct gitwalk_file *)out->pdata[j])->path;

			if ((c->old_file && strcmp(c->old_file->path, have) == 0) ||
			    (c->new_file && strcmp(c->new_file->path, have) == 0))
				g_ptr_array_remove_index(out, j);
		}
		if (f && f->special == GITWALK_REGULAR && extract_arm_params_for(f->path, tmpl))
			g_ptr_array_add(out, scan_file_copy(f));
	}
	for (guint j = out->len; j-- > 0;) {
		if (scan_skips(s, ((struct gitwalk_file *)out->pdata[j])->path))
			g_ptr_array_remove_index(out, j);
	}
	g_ptr_array_sort(out, scan_file_compare);
	return true;
}

/* Extracts template f with its parameter files params (read here; one too
 * large or unreadable is given empty, and its values become unknowns). */
static bool scan_arm_parse(struct scan_cached **out, struct scan *s, const struct gitwalk_file *f,
                           GPtrArray *params, GError **error)
{
	g_autoptr(GPtrArray) data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autofree struct extract_tf_file *in = g_new0(struct extract_tf_file, params->len + 1);
	g_autoptr(GBytes) bytes = NULL;
	struct scan_cached *c;
	GError *local = NULL;

	if (!gitwalk_file_read(&bytes, s->repo, f, dw_limit_file_bytes(), &local) &&
	    !g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT)) {
		g_propagate_error(error, local);
		return false;
	}
	for (guint i = 0; i < params->len; i++) {
		const struct gitwalk_file *p = params->pdata[i];
		GBytes *b = NULL;

		if (!gitwalk_file_read(&b, s->repo, p, dw_limit_file_bytes(), NULL))
			b = g_bytes_new(NULL, 0);
		g_ptr_array_add(data, b);
		in[i] = (struct extract_tf_file){ p->path, g_bytes_get_data(b, NULL), g_bytes_get_size(b) };
	}
	if (local) {
		*out = scan_parse_bytes(f->path, NULL, local);
		return true;
	}
	c = g_new0(struct scan_cached, 1);
	c->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	extract_file_arm(c->resources, f->path, g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes), in,
	                 params->len, &c->error);
	for (guint i = 0; i < c->resources->len; i++)
		exposure_free(resource_exposure(c->resources->pdata[i]));
	*out = c;
	return true;
}

/*
 * Bicep: a .bicep file is read with the files it refers to (its modules,
 * NAME.bicepparam, NAME.parameters.json) at the same side: base's, with
 * the changes laid over. Not cached: its result depends on files the
 * cache key does not name. A change to a parameters file alone re-reads
 * its template (scan_side_add_arm_templates()); a change to a module
 * re-reads the files that call it (scan_side_add_bicep_callers()).
 */
struct scan_bicep_loader {
	struct scan *s;
	git_tree *base;
	GPtrArray *changes;
	bool new_side;
};

/* The file at path on the loader's side, or NULL (absent, not a regular file). */
static struct gitwalk_file *scan_side_file_at(struct scan *s, git_tree *base, GPtrArray *changes, bool new_side,
                                              const char *path);

static GBytes *scan_bicep_load(const char *path, void *user_data)
{
	struct scan_bicep_loader *l = user_data;
	struct gitwalk_file *f;
	GBytes *data = NULL;

	if (scan_skips(l->s, path))
		return NULL;
	f = scan_side_file_at(l->s, l->base, l->changes, l->new_side, path);
	if (f && !gitwalk_file_read(&data, l->s->repo, f, dw_limit_file_bytes(), NULL))
		data = NULL;
	if (f)
		gitwalk_file_free(f);
	return data;
}

static bool scan_side_add_bicep(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                                git_tree *base, GPtrArray *changes, bool new_side, GError **error)
{
	struct scan_bicep_loader l = { s, base, changes, new_side };
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GBytes) data = NULL;
	g_autoptr(GError) local = NULL;

	if (!gitwalk_file_read(&data, s->repo, f, dw_limit_file_bytes(), &local) &&
	    !g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT)) {
		g_propagate_error(error, g_steal_pointer(&local));
		return false;
	}
	if (local == NULL)
		extract_file_load(found, f->path, g_bytes_get_data(data, NULL), g_bytes_get_size(data),
		                  scan_bicep_load, &l, &local);
	if (local != NULL) {
		scan_side_fail(side, f->path, local);
		return true;
	}
	g_hash_table_add(side->read, g_strdup(f->path));
	for (guint i = 0; i < found->len; i++) {
		g_ptr_array_add(side->resources, found->pdata[i]);
		g_ptr_array_add(side->owned, g_steal_pointer(&found->pdata[i]));
	}
	return true;
}

/* Does data hold a module path ending in one of names ("nsg.bicep'")? */
static bool scan_bicep_calls(GBytes *data, GPtrArray *names)
{
	gsize len = 0;
	const char *text = g_bytes_get_data(data, &len);

	for (guint i = 0; text != NULL && i < names->len; i++) {
		g_autofree char *needle = g_strconcat(names->pdata[i], "'", NULL);
		size_t m = strlen(needle);

		for (const char *p = text; p != NULL && (size_t)(text + len - p) >= m; p++) {
			if ((p = memchr(p, needle[0], (size_t)(text + len - p))) == NULL)
				break;
			if ((size_t)(text + len - p) >= m && memcmp(p, needle, m) == 0)
				return true;
		}
	}
	return false;
}

/*
 * What a module deploys depends on its callers' arguments: the .bicep
 * files of base that name a changed .bicep file as a module path are read
 * again at this side (one level of callers; a file read already is not).
 */
static bool scan_side_add_bicep_callers(struct scan *s, struct scan_side *side, git_tree *base,
                                        GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) files = NULL;

	for (guint i = 0; i < changes->len; i++) {
		const char *path = scan_change_path(changes->pdata[i]);

		const char *slash = strrchr(path, '/');

		if (g_str_has_suffix(path, ".bicep"))
			g_ptr_array_add(names, g_strdup(slash != NULL ? slash + 1 : path));
	}
	if (names->len == 0 || !base || !s->repo)
		return true;
	files = g_ptr_array_new();
	if (!gitwalk_tree_files_cached(files, s->lists, s->repo, base, error))
		return false;
	for (guint i = 0; i < files->len; i++) {
		const struct gitwalk_file *f = files->pdata[i];
		g_autoptr(GBytes) data = NULL;
		bool changed = false;

		for (guint j = 0; j < changes->len && !changed; j++)
			changed = strcmp(scan_change_path(changes->pdata[j]), f->path) == 0;
		if (changed || !g_str_has_suffix(f->path, ".bicep") || f->special != GITWALK_REGULAR ||
		    scan_skips(s, f->path) || g_hash_table_contains(side->read, f->path) ||
		    !gitwalk_file_read(&data, s->repo, f, dw_limit_file_bytes(), NULL) || !scan_bicep_calls(data, names))
			continue;
		if (!scan_side_add_bicep(s, side, f, base, changes, new_side, error))
			return false;
	}
	return true;
}

/* The Bicep template a parameters file belongs to (DIR/NAME.bicepparam,
 * DIR/NAME.parameters.json -> DIR/NAME.bicep), or NULL. New string. */
static char *scan_bicep_template_of(const char *path)
{
	if (g_str_has_suffix(path, ".bicepparam"))
		return g_strdup_printf("%.*s.bicep", (int)(strlen(path) - strlen(".bicepparam")), path);
	if (g_str_has_suffix(path, ".parameters.json") && strlen(path) > strlen(".parameters.json"))
		return g_strdup_printf("%.*s.bicep", (int)(strlen(path) - strlen(".parameters.json")), path);
	return NULL;
}
static bool scan_side_add_params(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                                 GPtrArray *params, GError **error);
static bool scan_side_add_ansible(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                                  git_tree *base, GPtrArray *changes, bool new_side, GError **error);

/* scan_side_add(), for a .json file with the parameter files beside it. */
static bool scan_side_add_arm(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                              git_tree *base, GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	g_autofree char *own = extract_arm_template_of(f->path);

	if (f->special == GITWALK_REGULAR && (g_str_has_suffix(f->path, ".yml") || g_str_has_suffix(f->path, ".yaml")))
		return scan_side_add_ansible(s, side, f, base, changes, new_side, error);
	if (f->special == GITWALK_REGULAR && s->repo && g_str_has_suffix(f->path, ".bicep"))
		return scan_side_add_bicep(s, side, f, base, changes, new_side, error);
	if (f->special != GITWALK_REGULAR || own != NULL || !g_str_has_suffix(f->path, ".json") ||
	    !s->repo)
		return scan_side_add(s, side, f, error);
	if (!scan_arm_params(s, params, base, changes, new_side, f->path, side->param_dirs, error))
		return false;
	if (params->len == 0)
		return scan_side_add(s, side, f, error);
	return scan_side_add_params(s, side, f, params, error);
}

/* The file at path on this side: the change's, else base's; NULL when there is none. New. */
static struct gitwalk_file *scan_side_file_at(struct scan *s, git_tree *base, GPtrArray *changes, bool new_side,
                                              const char *path)
{
	git_tree_entry *entry = NULL;
	struct gitwalk_file *f = NULL;

	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const struct gitwalk_file *at = new_side ? c->new_file : c->old_file;

		if ((c->old_file && strcmp(c->old_file->path, path) == 0) ||
		    (c->new_file && strcmp(c->new_file->path, path) == 0))
			return at && at->special == GITWALK_REGULAR && strcmp(at->path, path) == 0 ? scan_file_copy(at)
			                                                                            : NULL;
	}
	if (!base || !s->repo || git_tree_entry_bypath(&entry, base, path) != 0)
		return NULL;
	if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB && git_tree_entry_filemode(entry) != GIT_FILEMODE_LINK) {
		f = g_new0(struct gitwalk_file, 1);
		f->path = g_strdup(path);
		f->id = *git_tree_entry_id(entry);
	}
	git_tree_entry_free(entry);
	return f;
}

/* Did reading a file find an Ansible task (or fail, which it might have been)? */
static bool scan_cached_has_ansible(const struct scan_cached *c)
{
	for (guint i = 0; c->resources && i < c->resources->len; i++) {
		if (g_str_has_prefix(((const struct resource *)c->resources->pdata[i])->identity, "ansible:"))
			return true;
	}
	return c->error != NULL;
}

/* scan_side_add(), for an Ansible file with the variables files it reads
 * (a role's vars and defaults, a play's vars_files) at this side. */
static bool scan_side_add_ansible(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                                  git_tree *base, GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func((GDestroyNotify)gitwalk_file_free);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GBytes) bytes = NULL;
	g_autofree char *key = scan_cache_key(f);
	const struct scan_cached *plain = scan_cache_lookup(s, key);
	gsize len = 0;
	const char *data;

	/* Read already (prefetched in an audit) and no Ansible task in it: no
	 * blob read again, and the entry is what scan_side_add() would find. */
	if (plain && !scan_cached_has_ansible(plain)) {
		scan_side_take(side, f->path, plain);
		return true;
	}
	if (!gitwalk_file_read(&bytes, s->repo, f, dw_limit_file_bytes(), NULL))
		return scan_side_add(s, side, f, error);
	data = g_bytes_get_data(bytes, &len);
	if (!extract_ansible_related(paths, f->path, data ? data : "", len))
		return scan_side_add(s, side, f, error);
	for (guint i = 0; i < paths->len; i++) {
		struct gitwalk_file *p = scan_side_file_at(s, base, changes, new_side, paths->pdata[i]);

		if (p && scan_skips(s, p->path))
			g_clear_pointer(&p, gitwalk_file_free);
		if (p)
			g_ptr_array_add(params, p);
	}
	if (params->len == 0)
		return scan_side_add(s, side, f, error);
	return scan_side_add_params(s, side, f, params, error);
}

/* The folder at dir in base (*out, NULL when there is none: false only
 * when git fails, with what it was doing). */
static bool scan_subtree(git_tree **out, struct scan *s, git_tree *base, const char *dir, const char *what,
                         GError **error)
{
	git_tree_entry *entry = NULL;

	*out = NULL;
	if (git_tree_entry_bypath(&entry, base, dir) != 0)
		return true;
	if (git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
	    git_tree_lookup(out, s->repo, git_tree_entry_id(entry)) < 0) {
		git_tree_entry_free(entry);
		gitwalk_set_error(error, what);
		return false;
	}
	git_tree_entry_free(entry);
	return true;
}

/* Is e (at path) a YAML file to read: a blob, not a symbolic link, .yml or .yaml? */
static bool scan_yaml_blob(const git_tree_entry *e, const char *path)
{
	return git_tree_entry_type(e) == GIT_OBJECT_BLOB && git_tree_entry_filemode(e) != GIT_FILEMODE_LINK &&
	       (g_str_has_suffix(path, ".yml") || g_str_has_suffix(path, ".yaml"));
}

/* A changed role variables file whose tasks did not change: the role's
 * task files at this side (from base), read again with it. */
static bool scan_side_add_ansible_roles(struct scan *s, struct scan_side *side, git_tree *base,
                                        GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < changes->len; i++)
		g_hash_table_add(done, g_strdup(scan_change_path(changes->pdata[i])));
	for (guint i = 0; base && s->repo && i < changes->len; i++) {
		g_autofree char *tasks = NULL;
		git_tree *sub = NULL;
		bool ok = true;

		if (!extract_ansible_role_vars(scan_change_path(changes->pdata[i]), &tasks) ||
		    g_hash_table_contains(done, tasks))
			continue;
		g_hash_table_add(done, g_strdup(tasks));
		if (!scan_subtree(&sub, s, base, tasks, "reading the tasks of an Ansible role", error))
			return false;
		for (size_t j = 0; sub && ok && j < git_tree_entrycount(sub); j++) {
			const git_tree_entry *e = git_tree_entry_byindex(sub, j);
			struct gitwalk_file f = { .special = GITWALK_REGULAR };
			g_autofree char *path = g_strconcat(tasks, "/", git_tree_entry_name(e), NULL);

			if (!scan_yaml_blob(e, path) || g_hash_table_contains(done, path) || scan_skips(s, path))
				continue;
			f.path = path;
			f.id = *git_tree_entry_id(e);
			ok = scan_side_add_ansible(s, side, &f, base, changes, new_side, error);
		}
		git_tree_free(sub);
		if (!ok)
			return false;
	}
	return true;
}

/* Was f read (the cache has it) as infrastructure itself: a template, a
 * manifest, a play? Such a file is no play's variables file. */
static bool scan_is_infrastructure(struct scan *s, const struct gitwalk_file *f)
{
	g_autofree char *key = NULL;
	const struct scan_cached *c;

	if (!f || f->data)
		return false;
	key = scan_cache_key(f);
	c = scan_cache_lookup(s, key);
	return c && !c->error && c->resources->len > 0;
}

/* How many directories up from a changed variables file a play that names
 * it in vars_files is looked for: its own, its parent's and theirs. */
#define SCAN_VARS_USER_LEVELS 3

/*
 * scan_side_add_vars_users() in one directory (dir, "" for the top): each
 * playbook there that names the changed file vars in its vars_files, read
 * again with it at this side. done: paths already read, the changes'
 * included (taken: the playbooks read are added).
 */
static bool scan_side_add_vars_users_in(struct scan *s, struct scan_side *side, git_tree *base,
                                        GPtrArray *changes, bool new_side, const char *dir,
                                        const char *vars, GHashTable *done, GError **error)
{
	git_tree *tree = NULL;
	bool ok = true;

	if (dir[0] == '\0')
		tree = base;
	else if (!scan_subtree(&tree, s, base, dir, "reading a folder for the plays of an Ansible variables file",
	                       error))
		return false;
	for (size_t j = 0; tree && ok && j < git_tree_entrycount(tree); j++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, j);
		struct gitwalk_file f = { .special = GITWALK_REGULAR };
		g_autofree char *path = dir[0] ? g_strconcat(dir, "/", git_tree_entry_name(e), NULL)
		                               : g_strdup(git_tree_entry_name(e));
		g_autoptr(GPtrArray) related = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GBytes) bytes = NULL;
		g_autofree char *key = NULL;
		const struct scan_cached *plain;
		gsize len = 0;
		const char *data;

		if (!scan_yaml_blob(e, path) || g_hash_table_contains(done, path) || scan_skips(s, path))
			continue;
		f.path = path;
		f.id = *git_tree_entry_id(e);
		/* Read already, and no Ansible task in it: no play to find. */
		key = scan_cache_key(&f);
		plain = scan_cache_lookup(s, key);
		if ((plain && !scan_cached_has_ansible(plain)) ||
		    !gitwalk_file_read(&bytes, s->repo, &f, dw_limit_file_bytes(), NULL))
			continue;
		data = g_bytes_get_data(bytes, &len);
		if (!extract_ansible_related(related, path, data ? data : "", len) ||
		    !g_ptr_array_find_with_equal_func(related, vars, g_str_equal, NULL))
			continue;
		g_hash_table_add(done, g_strdup(path));
		ok = scan_side_add_ansible(s, side, &f, base, changes, new_side, error);
	}
	if (tree != base)
		git_tree_free(tree);
	return ok;
}

/*
 * A changed YAML file that a play names in its vars_files, where the play
 * did not change: the play is read again with it at this side, so that a
 * variable changed there is judged where it is used. The plays are looked
 * for in the file's directory and the ones above it (SCAN_VARS_USER_LEVELS),
 * where vars_files' relative paths usually lead.
 */
static bool scan_side_add_vars_users(struct scan *s, struct scan_side *side, git_tree *base,
                                     GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (!base || !s->repo)
		return true;
	for (guint i = 0; i < changes->len; i++)
		g_hash_table_add(done, g_strdup(scan_change_path(changes->pdata[i])));
	for (guint i = 0; i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const char *vars = scan_change_path(c);
		g_autofree char *dir = NULL;

		if (!(g_str_has_suffix(vars, ".yml") || g_str_has_suffix(vars, ".yaml")) ||
		    scan_is_infrastructure(s, new_side ? c->new_file : c->old_file) ||
		    scan_is_infrastructure(s, new_side ? c->old_file : c->new_file))
			continue;
		dir = g_path_get_dirname(vars);
		for (unsigned level = 0; level < SCAN_VARS_USER_LEVELS; level++) {
			char *up;

			if (strcmp(dir, ".") == 0)
				dir[0] = '\0';
			if (!scan_side_add_vars_users_in(s, side, base, changes, new_side, dir, vars, done, error))
				return false;
			if (dir[0] == '\0')
				break;
			up = g_path_get_dirname(dir);
			g_free(dir);
			dir = up;
		}
	}
	return true;
}

/* scan_side_add() of f read with params (ARM parameter files, Ansible variables files). */
static bool scan_side_add_params(struct scan *s, struct scan_side *side, const struct gitwalk_file *f,
                                 GPtrArray *params, GError **error)
{
	g_autofree char *file_key = NULL;
	GString *key;
	struct scan_cached *c;

	file_key = scan_cache_key(f);
	key = g_string_new(file_key);
	for (guint i = 0; i < params->len; i++) {
		g_autofree char *k = scan_cache_key(params->pdata[i]);

		g_string_append_printf(key, "+%s", k);
	}
	c = scan_cache_lookup(s, key->str);
	if (c) {
		g_string_free(key, TRUE);
	} else if (!scan_arm_parse(&c, s, f, params, error)) {
		g_string_free(key, TRUE);
		return false;
	} else {
		c = scan_cache_add(s, g_string_free(key, FALSE), c);
	}
	scan_side_take(side, f->path, c);
	return true;
}

/* A changed parameters file whose template did not change: the template
 * at this side (from base), read again with it. */
static bool scan_side_add_arm_templates(struct scan *s, struct scan_side *side, git_tree *base,
                                        GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < changes->len; i++)
		g_hash_table_add(done, g_strdup(scan_change_path(changes->pdata[i])));
	for (guint i = 0; base && s->repo && i < 2 * changes->len; i++) {
		const char *changed = scan_change_path(changes->pdata[i / 2]);
		g_autofree char *tmpl = i % 2 ? scan_bicep_template_of(changed) : extract_arm_template_of(changed);
		git_tree_entry *entry = NULL;
		struct gitwalk_file f = { .special = GITWALK_REGULAR };
		bool ok;

		if (tmpl == NULL || g_hash_table_contains(done, tmpl) || scan_skips(s, tmpl) ||
		    git_tree_entry_bypath(&entry, base, tmpl) != 0)
			continue;
		f.path = tmpl;
		f.id = *git_tree_entry_id(entry);
		ok = git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
		     git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK ||
		     scan_side_add_arm(s, side, &f, base, changes, new_side, error);
		git_tree_entry_free(entry);
		if (!ok)
			return false;
		g_hash_table_add(done, g_steal_pointer(&tmpl));
	}
	return true;
}

/*
 * Fills side with every file of base, except that a path named in
 * changes takes the change's file on that side (or is gone).
 */
bool scan_side_full(struct scan *s, struct scan_side *side, git_tree *base,
                    GPtrArray *changes, bool new_side, GError **error)
{
	g_autoptr(GPtrArray) files = g_ptr_array_new(); /* borrowed from s->lists */
	g_autoptr(GHashTable) changed = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) tf_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (base && !gitwalk_tree_files_cached(files, s->lists, s->repo, base, error))
		return false;
	/* A parameters file is a .json file, so base's are all among files. */
	g_clear_pointer(&side->param_dirs, g_hash_table_unref);
	side->param_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < files->len; i++) {
		const char *path = ((struct gitwalk_file *)files->pdata[i])->path;
		const char *slash = strrchr(path, '/');

		if (scan_arm_params_name(slash ? slash + 1 : path))
			g_hash_table_add(side->param_dirs, scan_tf_dir(path));
	}
	for (guint i = 0; i < changes->len; i++) {
		struct gitwalk_change *c = changes->pdata[i];
		struct gitwalk_file *f = new_side ? c->new_file : c->old_file;
		const char *path = c->new_file ? c->new_file->path : c->old_file->path;

		g_hash_table_add(changed, (gpointer)path);
		scan_tf_note(tf_dirs, path);
		if (f && !extract_tf_path(path) && !scan_side_add_arm(s, side, f, base, changes, new_side, error))
			return false;
	}
	for (guint i = 0; i < files->len; i++) {
		struct gitwalk_file *f = files->pdata[i];

		if (extract_tf_path(f->path))
			scan_tf_note(tf_dirs, f->path);
		else if (!g_hash_table_contains(changed, f->path) && !scan_skips(s, f->path) &&
		         !scan_side_add_arm(s, side, f, base, changes, new_side, error))
			return false;
	}
	if (!scan_side_add_modules(s, side, base, changes, new_side, tf_dirs, error))
		return false;
	scan_side_join(side);
	return true;
}

static bool scan_side_scoped(struct scan *s, struct scan_side *side, git_tree *base, GPtrArray *changes,
                             bool new_side, GError **error)
{
	g_autoptr(GHashTable) tf_dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < changes->len; i++) {
		struct gitwalk_change *c = changes->pdata[i];
		struct gitwalk_file *f = new_side ? c->new_file : c->old_file;

		scan_tf_note(tf_dirs, scan_change_path(c));
		if (f && !extract_tf_path(scan_change_path(c)) &&
		    !scan_side_add_arm(s, side, f, base, changes, new_side, error))
			return false;
	}
	if (!scan_side_add_arm_templates(s, side, base, changes, new_side, error) ||
	    !scan_side_add_ansible_roles(s, side, base, changes, new_side, error) ||
	    !scan_side_add_vars_users(s, side, base, changes, new_side, error) ||
	    !scan_side_add_bicep_callers(s, side, base, changes, new_side, error) ||
	    !scan_side_add_modules(s, side, base, changes, new_side, tf_dirs, error))
		return false;
	scan_side_join(side);
	return true;
}

static bool scan_has_fragment(GPtrArray *resources)
{
	for (guint i = 0; i < resources->len; i++) {
		if (((struct resource *)resources->pdata[i])->fragment)
			return true;
	}
	return false;
}

/* The unit a file is read in: itself, or for Terraform "tf:DIR" (its module). New string. */
static char *scan_unit(const char *file)
{
	g_autofree char *dir = NULL;

	if (!extract_tf_path(file))
		return g_strdup(file);
	dir = scan_tf_dir(file);
	return g_strconcat("tf:", dir, NULL);
}

/*
 * The old path file was renamed from in this comparison, or NULL: from
 * the comparison's renames (old path -> new path, a rename split into its
 * two sides) or from one change with two paths. Borrowed.
 */
static const char *scan_renamed_from(GHashTable *renames, GPtrArray *changes, const char *file)
{
	GHashTableIter iter;
	gpointer from, to;

	if (renames)
		g_hash_table_iter_init(&iter, renames);
	while (renames && g_hash_table_iter_next(&iter, &from, &to)) {
		if (strcmp(to, file) == 0)
			return from;
	}
	for (guint i = 0; changes && i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];

		if (c->old_file && c->new_file && strcmp(c->new_file->path, file) == 0 &&
		    strcmp(c->old_file->path, file) != 0)
			return c->old_file->path;
	}
	return NULL;
}

/* Was file (its unit) read whole at old? Under its own path, or under the
 * old path it was renamed from. */
static bool scan_was_read(const struct scan_side *old, GHashTable *renames, GPtrArray *changes,
                          const char *file)
{
	g_autofree char *unit = scan_unit(file);
	const char *from = scan_renamed_from(renames, changes, file);
	g_autofree char *old_unit = from ? scan_unit(from) : NULL;

	return g_hash_table_contains(old->read, unit) ||
	       (old_unit && g_hash_table_contains(old->read, old_unit));
}

/*
 * Turns the files of side that could not be checked into findings, graded
 * by what they can hide: read whole at old (the parent), it can hide a
 * widening; never read (or no old side to ask), it cannot hide anything
 * known before.
 */
void scan_side_grade(struct scan *s, struct scan_side *side, const struct scan_side *old,
                     GPtrArray *changes)
{
	for (guint i = 0; i < side->errors->len; i++) {
		const struct scan_failure *f = side->errors->pdata[i];

		g_ptr_array_add(side->failures,
		                old ? rulepack_parse_failure_graded(s->pack, f->error, f->file,
		                                                    scan_was_read(old, s->renames, changes,
		                                                                  f->file))
		                    : rulepack_parse_failure(s->pack, f->error, f->file));
	}
	g_ptr_array_set_size(side->errors, 0);
}

/* Old resources from a file that cannot be read now cannot be compared;
 * for a Terraform file, nothing of its module can. */
static void scan_drop_file(GPtrArray *old_resources, const char *file)
{
	g_autofree char *dir = scan_tf_dir(file);
	g_autofree char *module = g_strdup_printf("tf:%s:", dir);

	for (guint j = old_resources->len; j-- > 0;) {
		const struct resource *r = old_resources->pdata[j];

		if (strcmp(r->file, file) == 0 ||
		    (extract_tf_path(file) && g_str_has_prefix(r->identity, module)))
			g_ptr_array_remove_index(old_resources, j);
	}
}

/* The same under the old path a failed file was renamed from, if any. */
static void scan_drop_failed(GPtrArray *old_resources, GPtrArray *failures, GPtrArray *changes,
                             GHashTable *renames)
{
	for (guint i = 0; i < failures->len; i++) {
		const struct finding *f = failures->pdata[i];
		const char *from = scan_renamed_from(renames, changes, f->file);

		scan_drop_file(old_resources, f->file);
		if (from)
			scan_drop_file(old_resources, from);
	}
}

/* Repository-wide context at the new side, for correlating findings. */
struct scan_context {
	struct scan_side side;
	exposure *surface;
	GPtrArray *settings; /* struct resource *, borrowed from side */
	GPtrArray *network;  /* struct resource *, borrowed from side */
	struct classify_context ctx;
};

/* The exposure on the settings ports of the network resources among resources. */
static exposure *scan_settings_surface(struct scan *s, GPtrArray *resources)
{
	g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (guint i = 0; i < resources->len; i++) {
		struct resource *r = resources->pdata[i];
		g_autoptr(exposure) e = NULL;

		if (r->model == RESOURCE_SETTINGS || r->service)
			continue;
		e = resource_exposure(r);
		g_ptr_array_add(sets, exposure_intersect(e, s->pack->settings_ports));
	}
	return exposure_union_all((const exposure *const *)sets->pdata, sets->len);
}

/*
 * The surface of a whole side: the union of its cache entries' pieces,
 * each computed once per entry; from the resources themselves when they
 * were joined (copies, not an entry's own).
 */
static exposure *scan_side_surface(struct scan *s, struct scan_side *side)
{
	g_autofree const exposure **pieces = NULL;

	if (side->owned->len)
		return scan_settings_surface(s, side->resources);
	pieces = g_new0(const exposure *, side->units->len + 1);
	for (guint i = 0; i < side->units->len; i++) {
		struct scan_cached *c = side->units->pdata[i];

		if (!c->surface)
			c->surface = scan_settings_surface(s, c->resources);
		pieces[i] = c->surface;
	}
	return exposure_union_all(pieces, side->units->len);
}

/* Only a changed setting's finding says how the network reaches its service. */
static bool scan_needs_surface(GPtrArray *diffs)
{
	for (guint i = 0; i < diffs->len; i++) {
		const struct compare_change *c = diffs->pdata[i];

		for (guint j = 0; c->new_r && j < c->settings->len; j++) {
			if (g_array_index(c->settings, struct compare_setting, j).new_value)
				return true;
		}
	}
	return false;
}

static bool scan_context_load(struct scan *s, struct scan_context *sc, GPtrArray *changes,
                              git_tree *new_base, bool want_surface, GError **error)
{
	scan_side_init(&sc->side);
	if (!scan_side_full(s, &sc->side, new_base, changes, true, error))
		return false;
	sc->settings = g_ptr_array_new();
	sc->network = g_ptr_array_new();
	for (guint i = 0; i < sc->side.resources->len; i++) {
		struct resource *r = sc->side.resources->pdata[i];

		/* A service's own access list (pg_hba.conf) is a setting of
		 * the service, not a network rule. */
		if (r->model == RESOURCE_SETTINGS || r->service)
			g_ptr_array_add(sc->settings, r);
		else
			g_ptr_array_add(sc->network, r);
	}
	/* Only the ports whose services have settings are ever asked about. */
	sc->surface = want_surface ? scan_side_surface(s, &sc->side) : NULL;
	sc->ctx.settings_resources = sc->settings;
	sc->ctx.network_resources = sc->network;
	sc->ctx.surface = sc->surface;
	return true;
}

static void scan_context_clear(struct scan_context *sc)
{
	scan_side_clear(&sc->side);
	g_clear_pointer(&sc->settings, g_ptr_array_unref);
	g_clear_pointer(&sc->network, g_ptr_array_unref);
	g_clear_pointer(&sc->surface, exposure_free);
}

static bool scan_load_sides(struct scan *s, struct scan_side *old_side, struct scan_side *new_side,
                            GPtrArray *changes, git_tree *old_base, git_tree *new_base,
                            GError **error)
{
	if (!scan_side_scoped(s, old_side, old_base, changes, false, error) ||
	    !scan_side_scoped(s, new_side, new_base, changes, true, error))
		return false;
	if (scan_has_fragment(old_side->resources) || scan_has_fragment(new_side->resources)) {
		/* A standalone rule whose group is elsewhere: read both whole sides. */
		scan_side_clear(old_side);
		scan_side_clear(new_side);
		scan_side_init(old_side);
		scan_side_init(new_side);
		if (!scan_side_full(s, old_side, old_base, changes, false, error) ||
		    !scan_side_full(s, new_side, new_base, changes, true, error))
			return false;
	}
	/* A Terraform plan JSON beside the .tf it was made from: the plan wins. */
	extract_tfplan_prefer(old_side->resources);
	extract_tfplan_prefer(new_side->resources);
	return true;
}

bool scan_classify(struct scan *s, GPtrArray *found, GPtrArray *changes, git_tree *old_base,
                   git_tree *new_base, const srcset *internet, GError **error)
{
	struct scan_side old_side, new_side;
	struct scan_context sc = { 0 };
	struct classify_context plain = { .internet = internet };
	g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func((GDestroyNotify)compare_change_free);
	bool need_context = false, ok = false;

	scan_side_init(&old_side);
	scan_side_init(&new_side);
	if (!scan_load_sides(s, &old_side, &new_side, changes, old_base, new_base, error))
		goto out;
	scan_side_grade(s, &new_side, &old_side, changes);
	scan_drop_failed(old_side.resources, new_side.failures, changes, s->renames);
	compare_resources_renamed(diffs, old_side.resources, new_side.resources, s->renames);
	for (guint i = 0; i < diffs->len && !need_context; i++)
		need_context = rulepack_needs_context(s->pack, diffs->pdata[i]);
	if (need_context && !scan_context_load(s, &sc, changes, new_base, scan_needs_surface(diffs), error))
		goto out;
	sc.ctx.internet = internet;
	for (guint i = 0; i < diffs->len; i++)
		rulepack_classify(found, s->pack, diffs->pdata[i], need_context ? &sc.ctx : &plain);
	while (new_side.failures->len)
		g_ptr_array_add(found, g_ptr_array_steal_index(new_side.failures, 0));
	ok = true;
out:
	scan_context_clear(&sc);
	scan_side_clear(&old_side);
	scan_side_clear(&new_side);
	return ok;
}

