/*
 * scan_private.h - what the files of the scan driver share: the scanner,
 * its parse cache's entries, the two sides of a comparison and the
 * policy in force. Private to pipeline/.
 */
#ifndef DW_SCAN_PRIVATE_H
#define DW_SCAN_PRIVATE_H

#include "scan.h"

#include "compare.h"
#include "extract.h"
#include "policy.h"


struct scan_cached {
	GPtrArray *resources; /* struct resource *, never handed out: callers get copies */
	GError *error;        /* the file could not be analysed */
	char *error_file;     /* a Terraform module: the file that could not be, else NULL */
	/* Its network resources' exposure on the pack's settings ports (a
	 * piece of the repository's surface, scan_context_load()), or NULL
	 * until first asked; filled and read by the main thread only. */
	exposure *surface;
	/* Its bytes hold no inline approval (SCAN_ALLOW_MARKER), so that
	 * scan_inline_approvals() need not read them again; false when not known. */
	bool no_allow;
	size_t weight;        /* what it is reckoned to hold in memory, bytes */
	guint64 used;         /* the scan's comparison it was last added or looked up in */
};

struct scan {
	git_repository *repo;
	const struct rulepack *pack;
	GHashTable *cache; /* "blob-id:path" -> struct scan_cached; under lock */
	size_t cache_weight; /* the sum of its entries' weights; under lock */
	guint64 generation;  /* comparisons begun; under lock */
	GMutex lock;
	GThreadPool *pool; /* prefetch workers, or NULL */
	struct gitwalk_list_cache *lists; /* config files of the subtrees listed; main thread only */
	const struct policy *policy; /* of the comparison under way, or NULL; borrowed */
	GHashTable *renames; /* of the comparison under way: old path -> new path, or NULL */
	struct scan_options options; /* pinned_policy owned (a copy) */
};

/* A batch of prefetched files; scan_prefetch_wait() blocks until all are parsed. */
struct scan_ticket {
	GMutex lock;
	GCond done;
	unsigned pending;
	GHashTable *queued; /* cache keys queued by this ticket; main thread only */
	size_t bytes;       /* of the blobs queued; main thread only */
};

/* A file to parse, or (dropped set) cache entries to free. */
struct scan_job {
	struct scan *s;
	char *path;    /* owned */
	char *key;     /* cache key; owned */
	GBytes *data;  /* the blob, read by the main thread; owned */
	struct scan_ticket *ticket;
	GPtrArray *dropped; /* struct scan_cached * trimmed from the cache, or NULL; owned */
};

/*
 * One side of a comparison. Resources are borrowed from the cache, which
 * is trimmed only between comparisons; only when standalone rules must be
 * joined to their groups are they copied (resources_join moves rules).
 */
struct scan_side {
	GPtrArray *resources;  /* struct resource *, borrowed from the cache or from owned */
	GPtrArray *owned;      /* struct resource *: joined copies, when needed */
	GPtrArray *failures;   /* struct finding *: files that could not be analysed */
	/* Files that could not be checked, graded into failures by
	 * scan_side_grade() once the other side is known. */
	GPtrArray *errors;     /* struct scan_failure * */
	GHashTable *read;      /* units read whole: a file's path, "tf:DIR" for a module */
	GPtrArray *units;      /* const struct scan_cached *: the entries resources came from */
	/* scan_side_full(): the directories of its base holding a file named
	 * like an ARM parameters file; NULL: not known (read the directory) */
	GHashTable *param_dirs;
};

/* The policy of a comparison: before and after, and whether it changed. */
struct scan_policy {
	struct policy *old_p;   /* when changed, else NULL */
	struct policy *new_p;   /* NULL: none, or malformed */
	struct finding *failure; /* DW-PARSE-001 for a malformed new policy */
	bool changed;
	srcset *internet;       /* the pack's minus the trusted networks, or NULL */
};

/* What an inline approval comment starts with ("# driftwatch:allow RULE REASON"). */
#define SCAN_ALLOW_MARKER "driftwatch:allow "

/* scan.c */
bool scan_is_config(const char *path);
bool scan_skips(const struct scan *s, const char *path);

/* scan_cache.c: the parse cache */
void scan_cached_free(struct scan_cached *c);
char *scan_cache_key(const struct gitwalk_file *f);
struct scan_cached *scan_cache_lookup(struct scan *s, const char *key);
struct scan_cached *scan_cache_add(struct scan *s, char *key, struct scan_cached *c);
void scan_cache_trim(struct scan *s);
bool scan_cache_lacks_allow(struct scan *s, const struct gitwalk_file *f);
struct scan_cached *scan_parse_bytes(const char *path, GBytes *data, GError *read_error);
bool scan_extract(const struct scan_cached **out, struct scan *s, const struct gitwalk_file *f,
                  GError **error);

/* scan_side.c: the sides of a comparison */
void scan_side_init(struct scan_side *side);
void scan_side_clear(struct scan_side *side);
bool scan_side_full(struct scan *s, struct scan_side *side, git_tree *base,
                    GPtrArray *changes, bool new_side, GError **error);
void scan_side_grade(struct scan *s, struct scan_side *side, const struct scan_side *old,
                     GPtrArray *changes);
struct gitwalk_file *scan_file_copy(const struct gitwalk_file *f);
bool scan_classify(struct scan *s, GPtrArray *found, GPtrArray *changes, git_tree *old_base,
                   git_tree *new_base, const srcset *internet, GError **error);

/* scan_policy.c: the policy in force */
bool scan_policy_load(struct scan *s, struct scan_policy *sp, GPtrArray *changes,
                      git_tree *new_base, GError **error);
void scan_policy_clear(struct scan_policy *sp);
GPtrArray *scan_policy_filter(struct scan *s, GPtrArray *changes);
void scan_inline_approvals(struct scan *s, GPtrArray *found, GPtrArray *changes,
                           git_tree *new_base);
bool scan_policy_finish(struct scan *s, struct scan_policy *sp, GPtrArray *found,
                        GError **error);

#endif
