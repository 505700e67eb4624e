/*
 * scan_cache.c - the parse cache: the resources extracted from each blob,
 * parsed once per scanner, and the worker threads that fill it ahead of
 * a walk. This is the only threaded code; see scan.c for why the main
 * thread reads the blobs and the workers only parse.
 */
#include "scan_private.h"

#include <string.h>

#include "dw_error.h"
#include "dw_limits.h"

void scan_cached_free(struct scan_cached *c)
{
	if (c->resources)
		g_ptr_array_unref(c->resources);
	g_clear_error(&c->error);
	g_free(c->error_file);
	g_clear_pointer(&c->surface, exposure_free);
	g_free(c);
}

/*
 * A blob by its id; work-tree bytes by a hash of their content (a freed
 * buffer's address can come back holding other bytes).
 */
char *scan_cache_key(const struct gitwalk_file *f)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (f->data) {
		g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, f->data);

		return g_strconcat("data:", sum, ":", f->path, NULL);
	}
	git_oid_tostr(hex, sizeof(hex), &f->id);
	return g_strconcat(hex, ":", f->path, NULL);
}

struct scan_cached *scan_cache_lookup(struct scan *s, const char *key)
{
	struct scan_cached *c;

	g_mutex_lock(&s->lock);
	c = g_hash_table_lookup(s->cache, key);
	if (c)
		c->used = s->generation;
	g_mutex_unlock(&s->lock);
	return c;
}

/* What an entry holds, reckoned from its parts (a resource, each rule,
 * setting and unknown with its exposure and strings), not measured. */
static size_t scan_cached_weight(const char *key, const struct scan_cached *c)
{
	size_t w = sizeof(*c) + strlen(key) + 64;

	for (guint i = 0; c->resources && i < c->resources->len; i++) {
		const struct resource *r = c->resources->pdata[i];

		w += 1024 + 512 * ((size_t)r->rules->len + r->settings->len + r->unknowns->len);
	}
	return w + (c->error_file ? strlen(c->error_file) : 0);
}

/* Takes an entry unused for longer than a walk reads ahead (two batches)
 * out of the cache, into dropped (user_data: struct scan_trim). */
struct scan_trim {
	struct scan *s;
	GPtrArray *dropped;
	bool all;
};

static gboolean scan_cached_drop(gpointer key, gpointer value, gpointer user_data)
{
	struct scan_cached *c = value;
	struct scan_trim *t = user_data;

	if (!t->all && c->used + 2 * 256 >= t->s->generation)
		return FALSE;
	t->s->cache_weight -= c->weight;
	g_free(key);
	g_ptr_array_add(t->dropped, c);
	return TRUE;
}

/*
 * Called as each comparison begins (sides borrow from the cache: it is
 * trimmed only between comparisons). Past DW_LIMIT_PARSE_CACHE entries or
 * DW_LIMIT_PARSE_CACHE_BYTES, the entries a walk has not used lately go,
 * keeping those read ahead and the whole tree's; if that is not enough to
 * halve it, all go. With parsing threads, one of them frees what went
 * (about a tenth of the main thread's time on a config-heavy audit).
 */
void scan_cache_trim(struct scan *s)
{
	struct scan_trim t = { .s = s };
	struct scan_job *job;

	g_mutex_lock(&s->lock);
	s->generation++;
	if (g_hash_table_size(s->cache) >= DW_LIMIT_PARSE_CACHE ||
	    s->cache_weight >= DW_LIMIT_PARSE_CACHE_BYTES) {
		t.dropped = g_ptr_array_new_with_free_func((GDestroyNotify)scan_cached_free);
		g_hash_table_foreach_steal(s->cache, scan_cached_drop, &t);
		if (g_hash_table_size(s->cache) >= DW_LIMIT_PARSE_CACHE / 2 ||
		    s->cache_weight >= DW_LIMIT_PARSE_CACHE_BYTES / 2) {
			t.all = true;
			g_hash_table_foreach_steal(s->cache, scan_cached_drop, &t);
		}
	}
	g_mutex_unlock(&s->lock);
	if (!t.dropped)
		return;
	if (!s->pool) {
		g_ptr_array_unref(t.dropped);
		return;
	}
	job = g_new0(struct scan_job, 1);
	job->dropped = t.dropped;
	g_thread_pool_push(s->pool, job, NULL);
}

/* Does the cache know that f's bytes hold no inline approval comment? */
bool scan_cache_lacks_allow(struct scan *s, const struct gitwalk_file *f)
{
	g_autofree char *key = NULL;
	const struct scan_cached *c;

	/* Work-tree bytes are keyed by a hash of them: not worth computing here. */
	if (f->data)
		return false;
	key = scan_cache_key(f);
	c = scan_cache_lookup(s, key);
	return c && c->no_allow;
}

/* Adds c under key unless another thread was first; returns the entry kept. */
struct scan_cached *scan_cache_add(struct scan *s, char *key, struct scan_cached *c)
{
	struct scan_cached *kept;

	g_mutex_lock(&s->lock);
	kept = g_hash_table_lookup(s->cache, key);
	if (!kept) {
		c->weight = scan_cached_weight(key, c);
		c->used = s->generation;
		s->cache_weight += c->weight;
		g_hash_table_insert(s->cache, key, c);
		kept = c;
		key = NULL;
		c = NULL;
	}
	g_mutex_unlock(&s->lock);
	g_free(key);
	if (c)
		scan_cached_free(c);
	return kept;
}

/*
 * Extracts one file's bytes, or records read_error (taken) when it could
 * not be read within the limits. The exposures are evaluated here too, so
 * that a worker thread does that work as well.
 */
struct scan_cached *scan_parse_bytes(const char *path, GBytes *data, GError *read_error)
{
	struct scan_cached *c = g_new0(struct scan_cached, 1);

	c->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	if (read_error) {
		c->error = read_error;
	} else {
		gsize len;
		const char *bytes = g_bytes_get_data(data, &len);

		extract_file(c->resources, path, bytes, len, &c->error);
		c->no_allow = !extract_bytes_contain(bytes, len, SCAN_ALLOW_MARKER, false);
	}
	for (guint i = 0; i < c->resources->len; i++)
		exposure_free(resource_exposure(c->resources->pdata[i]));
	return c;
}

/* Reads and extracts one file outside the cache. Fails only when git fails. */
static bool scan_parse(struct scan_cached **out, git_repository *repo, const struct gitwalk_file *f,
                       GError **error)
{
	g_autoptr(GBytes) data = NULL;
	GError *local = NULL;

	if (!gitwalk_file_read(&data, repo, f, dw_limit_file_bytes(), &local) &&
	    !g_error_matches(local, DW_ERROR, DW_ERROR_LIMIT)) {
		g_propagate_error(error, local);
		return false;
	}
	*out = scan_parse_bytes(f->path, data, local);
	return true;
}

/* The resources of one file, parsed once. Fails only when git fails. */
bool scan_extract(const struct scan_cached **out, struct scan *s, const struct gitwalk_file *f,
                  GError **error)
{
	char *key = scan_cache_key(f);
	struct scan_cached *c = scan_cache_lookup(s, key);

	if (c) {
		g_free(key);
		*out = c;
		return true;
	}
	if (!scan_parse(&c, s->repo, f, error)) {
		g_free(key);
		return false;
	}
	*out = scan_cache_add(s, key, c);
	return true;
}

static void scan_ticket_done(struct scan_ticket *t)
{
	g_mutex_lock(&t->lock);
	t->pending--;
	g_cond_signal(&t->done);
	g_mutex_unlock(&t->lock);
}

static void scan_worker(gpointer data, gpointer user_data)
{
	struct scan_job *job = data;

	if (job->dropped) {
		g_ptr_array_unref(job->dropped);
		g_free(job);
		return;
	}
	if (!scan_cache_lookup(job->s, job->key))
		scan_cache_add(job->s, g_steal_pointer(&job->key), scan_parse_bytes(job->path, job->data, NULL));
	scan_ticket_done(job->ticket);
	g_free(job->key);
	g_free(job->path);
	g_bytes_unref(job->data);
	g_free(job);
}

bool scan_threads(struct scan *s, unsigned n, GError **error)
{
	/* An exclusive pool: its threads end with it. */
	if (n == 0 || !s->repo)
		return true;
	s->pool = g_thread_pool_new(scan_worker, NULL, (gint)n, TRUE, error);
	return s->pool != NULL;
}

/* Reads one file for the workers; false when it is cached, queued or unreadable. */
static bool scan_prefetch_read(GBytes **out, struct scan *s, GHashTable *queued,
                               const struct gitwalk_file *f, char *key)
{
	if (g_hash_table_contains(queued, key) || scan_cache_lookup(s, key)) {
		g_free(key);
		return false;
	}
	g_hash_table_add(queued, key);
	/* A file that cannot be read is left to the main thread, which reports it. */
	return gitwalk_file_read(out, s->repo, f, dw_limit_file_bytes(), NULL);
}

struct scan_ticket *scan_prefetch(struct scan *s, struct scan_ticket *t, GPtrArray *changes)
{
	if (!t) {
		t = g_new0(struct scan_ticket, 1);
		g_mutex_init(&t->lock);
		g_cond_init(&t->done);
		/* A commit's old file is usually the last commit's new one: queue
		 * each blob once and only when not cached, so two workers never
		 * parse the same one. */
		t->queued = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	}
	for (guint i = 0; s->pool && i < changes->len; i++) {
		const struct gitwalk_change *c = changes->pdata[i];
		const struct gitwalk_file *files[] = { c->old_file, c->new_file };

		for (size_t j = 0; j < G_N_ELEMENTS(files); j++) {
			struct scan_job *job;
			GBytes *data = NULL;

			if (!files[j] || files[j]->data || files[j]->special != GITWALK_REGULAR ||
			    extract_tf_path(files[j]->path) ||
			    !scan_prefetch_read(&data, s, t->queued, files[j], scan_cache_key(files[j])))
				continue;
			job = g_new0(struct scan_job, 1);
			job->s = s;
			job->path = g_strdup(files[j]->path);
			job->key = scan_cache_key(files[j]);
			job->data = data;
			job->ticket = t;
			t->bytes += g_bytes_get_size(data);
			g_mutex_lock(&t->lock);
			t->pending++;
			g_mutex_unlock(&t->lock);
			g_thread_pool_push(s->pool, job, NULL);
		}
	}
	return t;
}

size_t scan_ticket_bytes(const struct scan_ticket *t)
{
	return t ? t->bytes : 0;
}

void scan_prefetch_wait(struct scan_ticket *t)
{
	if (!t)
		return;
	g_mutex_lock(&t->lock);
	while (t->pending)
		g_cond_wait(&t->done, &t->lock);
	g_mutex_unlock(&t->lock);
	g_mutex_clear(&t->lock);
	g_cond_clear(&t->done);
	g_hash_table_unref(t->queued);
	g_free(t);
}

