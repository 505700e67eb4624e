/*
 * audit_cache.h - what audits judged, kept between runs, so that a
 * second audit of a history judges only its new commits.
 *
 * A commit's findings against its first parent depend only on the two
 * trees, how it is judged (driftwatch's build, the bytes of the rules
 * loaded, the options that change findings: the caller's key) and, for
 * approvals with an expiry, today's date. The cache keeps them per key
 * and commit id in SQLite ($XDG_CACHE_HOME/driftwatch/audit.db), with
 * the day they were judged on and the last day their approvals hold: a
 * judgement is used only between the two. A commit without findings is
 * kept too, as a row with none.
 *
 * It is a cache: nothing here may fail an audit. Every failure is an
 * error the caller shows as a warning before going on without it.
 */
#ifndef DW_AUDIT_CACHE_H
#define DW_AUDIT_CACHE_H

#include <git2.h>
#include <glib.h>
#include <stdbool.h>

#include "rulepack.h"

struct audit_cache;

/* $XDG_CACHE_HOME/driftwatch/audit.db (g_get_user_cache_dir()). New string. */
char *audit_cache_default_path(void);

/*
 * Opens the cache at path, creating it and its folder, for the
 * judgements made under key (text naming everything findings depend on
 * besides the trees; only its SHA-256 identifies them, the text is kept
 * beside it for people). Findings read back take their rules from pack
 * (borrowed; it must outlive the cache) and are valid on today. A file
 * that is not a driftwatch cache (damaged, overwritten, another
 * program's database) is moved aside to PATH.damaged and a new one
 * started; audit_cache_note() then says so. Fails when the folder or
 * file cannot be created or written, or stays locked by another
 * process.
 */
bool audit_cache_open(struct audit_cache **out, const char *path, const char *key,
                      const struct rulepack *pack, const GDate *today, GError **error);

/* Writes nothing more (call audit_cache_flush() first) and frees c. */
void audit_cache_free(struct audit_cache *c);
typedef struct audit_cache audit_cache;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(audit_cache, audit_cache_free)

/* What audit_cache_open() did to a damaged file ("PATH was ..."), or NULL; borrowed. */
const char *audit_cache_note(const struct audit_cache *c);

/*
 * Appends to out the findings (struct finding *) kept for commit, as the
 * scan gave them (no commit fields, no trailer approvals), and returns
 * true, when the cache holds a judgement of it still valid today.
 */
bool audit_cache_lookup(struct audit_cache *c, GPtrArray *out, const git_oid *commit);

/* Keeps findings (struct finding *, copied) as commit's judgement; written by the batch. */
void audit_cache_store(struct audit_cache *c, const git_oid *commit, GPtrArray *findings);

/*
 * Writes what is kept and not yet written, in one transaction. Fails,
 * also for a failure of an earlier lookup or store (after which the cache
 * was no longer used), with what went wrong; the audit's findings are
 * right either way.
 */
bool audit_cache_flush(struct audit_cache *c, GError **error);

/*
 * The findings column of a row, as audit_cache_store() packs it and
 * audit_cache_lookup() reads it back; for the tests and the fuzz harness.
 * A new GBytes with findings (struct finding *) packed, or NULL when
 * there are none (kept as a row with none).
 */
GBytes *audit_cache_row_pack(GPtrArray *findings);

/*
 * Appends to out (which frees its items) the findings packed in the size
 * bytes at data, their rules taken from pack (borrowed), and returns
 * true; returns false, with out as it was, when the bytes are not
 * exactly what audit_cache_row_pack() writes for findings of pack's
 * rules (cut short, trailing bytes, a length past the end, a NUL in a
 * string, a value out of range, a set that does not parse or is not
 * printed as the packer prints it, an unknown rule). The bytes are
 * untrusted.
 */
bool audit_cache_row_unpack(GPtrArray *out, const struct rulepack *pack, const void *data,
                            size_t size);

#endif
