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

/* Terraform: references through locals followed before giving up (also
 * stops cycles); module calls followed from one root module, nesting and
 * instances in all. */
#define DW_LIMIT_TF_EVAL_DEPTH 32u
#define DW_LIMIT_TF_MODULE_DEPTH 8u
#define DW_LIMIT_TF_MODULES 256u
/* ARM templates: expressions referring to variables referring to ...,
 * a bound that also stops cycles (variables('a') defined as
 * "[variables('a')]"); arguments of one call; calls nested in one
 * expression (the parser recurses once per level); nested deployments
 * inside nested deployments; copy loop counts (Azure allows 800). */
#define DW_LIMIT_ARM_EVAL_DEPTH 8u
#define DW_LIMIT_ARM_ARGS 16u
#define DW_LIMIT_ARM_EXPR_NEST 64u
#define DW_LIMIT_ARM_TEMPLATE_DEPTH 8u
#define DW_LIMIT_ARM_COPIES 800u

/* Bicep: values a chain of references may pass through (var a = b, b =
 * c ...), a bound on recursion; the most a loop deploys (Azure's limit
 * on iterations, as for ARM copy loops); modules calling modules (ARM's
 * bound on nested deployments) and module instances read for one file
 * (a loop of modules counts each). */
#define DW_LIMIT_BICEP_EVAL_DEPTH 512u
#define DW_LIMIT_BICEP_LOOP DW_LIMIT_ARM_COPIES
#define DW_LIMIT_BICEP_MODULE_DEPTH DW_LIMIT_ARM_TEMPLATE_DEPTH
#define DW_LIMIT_BICEP_MODULES 256u
/* Ansible: a variable defined by another, at most so deep; tasks nested
 * in blocks; and, since a pushed file can make each variable name the
 * next twice and so on, the variables looked up in one file, an
 * interpolated string's length and the interpolated strings kept in all
 * (past a cap a value is unknown). */
#define DW_LIMIT_ANSIBLE_VAR_DEPTH 8
#define DW_LIMIT_ANSIBLE_TASK_DEPTH 16
#define DW_LIMIT_ANSIBLE_LOOKUPS 100000u
#define DW_LIMIT_ANSIBLE_STRING_BYTES ((size_t)64 << 10)
#define DW_LIMIT_ANSIBLE_MADE_BYTES ((size_t)16 << 20)

/* git: trees nested deeper than this are hostile (git itself refuses far
 * less). Rename pairing by similar content: past this many added and
 * deleted paths left after exact pairing by blob id, the rest stay
 * unpaired, which only costs findings, never hides one (git's own
 * diff.renameLimit is 1000). Symbolic links followed one after another,
 * and the bytes of one link's target. */
#define DW_LIMIT_TREE_DEPTH 1024
#define DW_LIMIT_RENAME_PATHS 4000
#define DW_LIMIT_SYMLINK_HOPS 8
#define DW_LIMIT_SYMLINK_TARGET_BYTES 4096
/* Parsed blobs kept by the scan's cache, and the bytes they are reckoned
 * to hold; past either the cache is emptied (a walk needs only the last
 * commit's blobs again). Bytes, not only a count: so that peak memory does
 * not grow with the history or the size of the files. */
#define DW_LIMIT_PARSE_CACHE 8192
#define DW_LIMIT_PARSE_CACHE_BYTES (16u << 20)
/* Files held by the memo of subtree listings (gitwalk_list_cache), about
 * 150 bytes each; past half of it the memo starts a new generation at its
 * next trim (a walk needs only the last commit's subtrees again). */
#define DW_LIMIT_TREE_LIST_FILES 16384u
/* Bytes of blobs an audit reads ahead for its parsing threads in one batch
 * of commits (they are held until parsed): with large templates a batch
 * ends early rather than holding hundreds of MB. */
#define DW_LIMIT_PREFETCH_BYTES (8u << 20)
/* Bytes of mapped pack file a walk lets become resident before it drops
 * them (walk_memory.h): peak RSS of a 100,000-commit audit 153-157 ->
 * 100 MiB, for about 1.8 s of system time. */
#define DW_LIMIT_PACK_RESIDENT_BYTES ((size_t)16 << 20)

/* The pre-receive hook's stdin: git sends one short line per ref. Past
 * DW_LIMIT_REF_UPDATES the push is refused as too large, not as malformed. */
#define DW_LIMIT_REF_UPDATES 100000u
#define DW_LIMIT_REF_LINE_BYTES 4096
/* Push options read for approvals (GIT_PUSH_OPTION_COUNT, which the pusher
 * sets); past this none is read, so nothing is approved. */
#define DW_LIMIT_PUSH_OPTIONS 1000u
/* Commits of an update examined to attribute findings; past this, the
 * findings still count but name no commit. */
#define DW_LIMIT_ATTRIBUTE_COMMITS 100000
/* Bytes of git's answer read for a signer: "G\t" and a principal. */
#define DW_LIMIT_SIGNER_BYTES 1024
/* The gate's own budget by default, far above a normal push (a few
 * milliseconds, a few MB), and what driftwatch.maxSeconds and
 * driftwatch.maxMemory may set. */
#define DW_LIMIT_HOOK_SECONDS 20u
#define DW_LIMIT_HOOK_SECONDS_MAX 86400 /* a day; no "u": it is printed with G_STRINGIFY */
#define DW_LIMIT_HOOK_MEMORY ((size_t)400 << 20)
#define DW_LIMIT_HOOK_MEMORY_MIN (G_GUINT64_CONSTANT(16) << 20)
#define DW_LIMIT_HOOK_MEMORY_MAX (G_GUINT64_CONSTANT(64) << 30)

/* The watcher's watch.yml is the user's own file; still, a sane cap. */
#define DW_LIMIT_WATCH_CONFIG_BYTES ((size_t)1 << 20)

/*
 * Not here, because they bound what is printed, not what is read: how
 * many problems one message lists (EXTRACT_MAX_PROBLEMS), how much of a
 * value is quoted (EXTRACT_QUOTE_MAX), the lengths of notifications
 * (monitor/notify.c) and of report fields fixed by their formats
 * (cli/cli.h CLI_MARKDOWN_MAX, cli/report_gitlab.c). Git LFS pointer files
 * are recognised by the spec's size (git/blob.c BLOB_LFS_MAX).
 */

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
