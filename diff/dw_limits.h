/*
 * dw_limits.h - every limit on hostile input, in one place, and the
 * per-file size limit the command line and configuration may set.
 */
#ifndef DW_LIMITS_H
#define DW_LIMITS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Limits on hostile input. A pushed commit is parsed by the pre-receive
 * hook, so every size, depth and count is capped; past a cap the file is
 * reported as "could not be analysed", never truncated silently.
 */
#define DW_LIMIT_FILE_BYTES ((size_t)8 << 20)     /* per file, by default */
#define DW_LIMIT_FILE_BYTES_MIN ((size_t)1 << 10)  /* what --max-file-size may set */
#define DW_LIMIT_FILE_BYTES_MAX ((size_t)1 << 30)
#define DW_LIMIT_DEPTH 256u                        /* nesting of maps/lists */
#define DW_LIMIT_NODES ((size_t)1 << 20)          /* nodes after alias expansion */
#define DW_LIMIT_SCALAR_BYTES ((size_t)1 << 20)   /* one string */
/* Rules in one resource: Azure allows 1000 per NSG, AWS 60 per security
 * group (1000 with a quota increase); a set's size can grow with the
 * product of its rules' boundaries, so more is refused as hostile. */
#define DW_LIMIT_RULES 1024u  /* 1000 plus Azure's default rules */
#define DW_LIMIT_FILE_RULES 4096u                  /* rules in one file */
/* Line-based service configs (lineconf.h): words on one line; and the
 * database x user pairs a pg_hba.conf is evaluated for, each one a rule
 * list of its own. */
#define DW_LIMIT_CONF_WORDS 1024u
#define DW_LIMIT_HBA_KEYS 256u

/*
 * The per-file size limit every reader checks: DW_LIMIT_FILE_BYTES unless
 * set (--max-file-size, driftwatch.maxFileSize). Set it once, before any
 * thread reads files; it is read without a lock.
 */
size_t dw_limit_file_bytes(void);
void dw_limit_set_file_bytes(size_t bytes);
/* A size for it (dw_size_parse()), from DW_LIMIT_FILE_BYTES_MIN to _MAX. */
bool dw_limit_file_bytes_parse(size_t *out, const char *text);
/* "path: file is larger than 8 MiB" as a DW_ERROR_LIMIT. */
void dw_set_error_too_large(GError **error, const char *path, size_t limit);

/* "8 MiB", "512 KiB", "1000 bytes". New string. */
char *dw_size_format(size_t bytes);
/*
 * "8MiB", "8M", "512KiB", "512k", "1GiB", "4096" (bytes) -> *out; false
 * (with *out untouched) on anything else, or past SIZE_MAX.
 */
bool dw_size_parse(size_t *out, const char *text);

#endif
