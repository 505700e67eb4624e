/*
 * hook_config.c - a server's driftwatch.* settings, read from git config
 * (the bare repository's own, then a file named by --config).
 *
 * Every key is checked: an unknown driftwatch.* key or a bad value fails
 * the load, and the hook rejects the push, because a misspelt setting
 * must not quietly leave the gate open.
 */
#include <fnmatch.h>
#include <string.h>

#include "dw_error.h"
#include "dw_escape.h"
#include "dw_limits.h"
#include "gitwalk.h"
#include "hook.h"

/* Branches and tags: a tag-triggered deploy must not be a way around the gate. */
static const char *const hook_default_guard[] = { "refs/heads/*", "refs/tags/*" };


static void hook_config_init(struct hook_config *c)
{
	memset(c, 0, sizeof(*c));
	c->guard = g_ptr_array_new_with_free_func(g_free);
	c->approvers = g_ptr_array_new_with_free_func(g_free);
	c->trust = HOOK_TRUST_ALL;
	c->max_seconds = DW_LIMIT_HOOK_SECONDS;
	c->max_memory = DW_LIMIT_HOOK_MEMORY;
}

void hook_config_clear(struct hook_config *c)
{
	g_clear_pointer(&c->guard, g_ptr_array_unref);
	g_clear_pointer(&c->approvers, g_ptr_array_unref);
	g_clear_pointer(&c->policy, g_free);
	g_clear_pointer(&c->log, g_free);
	g_clear_pointer(&c->rules, g_free);
}

/* "push-option, trailer" -> bits; false on an unknown word. "unverified"
 * sets *unverified_out. */
static bool hook_config_trust(unsigned *out, bool *unverified_out, const char *value)
{
	static const struct {
		const char *name;
		unsigned bits;
	} words[] = {
		{ "push-option", HOOK_TRUST_PUSH_OPTION }, { "policy", HOOK_TRUST_POLICY },
		{ "trailer", HOOK_TRUST_TRAILER },         { "comment", HOOK_TRUST_COMMENT },
		{ "all", HOOK_TRUST_ALL },                 { "none", 0 },
	};
	g_auto(GStrv) parts = g_strsplit_set(value, ", ", -1);
	unsigned bits = 0;
	bool unverified = false, any = false;

	for (char **p = parts; *p; p++) {
		size_t i;

		if (!**p)
			continue;
		if (strcmp(*p, "unverified") == 0) {
			unverified = true;
			continue;
		}
		any = true;
		for (i = 0; i < G_N_ELEMENTS(words) && strcmp(*p, words[i].name) != 0; i++)
			;
		if (i == G_N_ELEMENTS(words))
			return false;
		bits |= words[i].bits;
	}
	/* "unverified" alone keeps every kind, as before. */
	*out = any ? bits : HOOK_TRUST_ALL;
	*unverified_out = unverified;
	return true;
}

/* A path from config: relative ones are taken from the git directory. */
static char *hook_config_path(git_repository *repo, const char *value)
{
	if (g_path_is_absolute(value) || strcmp(value, "syslog") == 0)
		return g_strdup(value);
	return g_build_filename(git_repository_path(repo), value, NULL);
}

/* "512MiB", "2GiB", "300M" or a number of bytes, 16 MiB to 64 GiB. */
static bool hook_config_size(size_t *out, const char *value)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = { { "GiB", 30 }, { "G", 30 }, { "MiB", 20 }, { "M", 20 }, { "KiB", 10 },
		      { "K", 10 }, { "", 0 } };
	char *end = NULL;
	guint64 n;

	if (!g_ascii_isdigit(*value))
		return false;
	n = g_ascii_strtoull(value, &end, 10);
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (n > DW_LIMIT_HOOK_MEMORY_MAX >> units[i].shift)
			return false;
		n <<= units[i].shift;
		if (n < DW_LIMIT_HOOK_MEMORY_MIN)
			return false;
		*out = (size_t)n;
		return true;
	}
	return false;
}

/* One driftwatch.* entry; a problem is appended to problems. */
static void hook_config_entry(struct hook_config *c, git_repository *repo, const char *origin,
                              const git_config_entry *e, GString *problems)
{
	const char *key = e->name + strlen("driftwatch.");
	const char *value = e->value ? e->value : "";
	const char *bad = NULL;

	/* libgit2 gives the variable name in lower case. */
	if (strcmp(key, "guard") == 0) {
		g_ptr_array_add(c->guard, g_strdup(value));
		c->guard_given = true;
	} else if (strcmp(key, "approver") == 0) {
		g_ptr_array_add(c->approvers, g_strdup(value));
	} else if (strcmp(key, "failon") == 0) {
		c->has_fail_on = severity_parse(&c->fail_on, value);
		if (!c->has_fail_on)
			bad = "critical, high, medium, low or info";
	} else if (strcmp(key, "trust") == 0) {
		if (!hook_config_trust(&c->trust, &c->trust_unverified, value))
			bad = "a list of push-option, policy, trailer, comment, unverified, or all or none";
	} else if (strcmp(key, "onerror") == 0) {
		c->fail_open = strcmp(value, "accept") == 0;
		if (!c->fail_open && strcmp(value, "reject") != 0)
			bad = "reject or accept";
	} else if (strcmp(key, "policy") == 0) {
		g_free(c->policy);
		c->policy = hook_config_path(repo, value);
	} else if (strcmp(key, "log") == 0) {
		g_free(c->log);
		c->log = hook_config_path(repo, value);
	} else if (strcmp(key, "maxfilesize") == 0) {
		if (!dw_limit_file_bytes_parse(&c->max_file_bytes, value))
			bad = "a size from 1KiB to 1GiB, such as 16MiB";
	} else if (strcmp(key, "maxseconds") == 0) {
		guint64 n = 0;

		if (!g_ascii_string_to_unsigned(value, 10, 1, DW_LIMIT_HOOK_SECONDS_MAX, &n, NULL))
			bad = "a number of seconds from 1 to " G_STRINGIFY(DW_LIMIT_HOOK_SECONDS_MAX);
		c->max_seconds = (unsigned)n;
	} else if (strcmp(key, "maxmemory") == 0) {
		/* Same syntax as maxFileSize; the range checked below. */
		size_t bytes = 0;

		if (!hook_config_size(&bytes, value))
			bad = "a size from 16MiB to 64GiB, such as 1GiB";
		c->max_memory = bytes;
	} else if (strcmp(key, "rules") == 0) {
		g_free(c->rules);
		c->rules = hook_config_path(repo, value);
	} else {
		g_string_append_printf(problems, "%s%s: unknown setting %s (guard, failOn, approver, "
		                       "trust, onError, policy, log, rules, maxFileSize, maxSeconds, "
		                       "maxMemory)",
		                       problems->len ? "\n" : "", origin, e->name);
		return;
	}
	if (bad)
		g_string_append_printf(problems, "%s%s: %s = \"%s\": expected %s",
		                       problems->len ? "\n" : "", origin, e->name, value, bad);
}

static bool hook_config_read(struct hook_config *c, git_repository *repo, git_config *cfg,
                             const char *origin, GString *problems, GError **error)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int rc;

	/* Not git_config_iterator_glob_new(): libgit2 1.5 leaks its PCRE2 match data. */
	if (git_config_iterator_new(&it, cfg) < 0) {
		gitwalk_set_error(error, "reading git config");
		return false;
	}
	while ((rc = git_config_next(&e, it)) == 0) {
		if (g_str_has_prefix(e->name, "driftwatch."))
			hook_config_entry(c, repo, origin, e, problems);
	}
	git_config_iterator_free(it);
	if (rc != GIT_ITEROVER) {
		gitwalk_set_error(error, "reading git config");
		return false;
	}
	return true;
}

bool hook_config_load(struct hook_config *c, git_repository *repo, const char *file,
                      GError **error)
{
	struct hook_config tmp;
	g_autoptr(GString) problems = g_string_new(NULL);
	git_config *cfg = NULL;
	bool ok = false;

	hook_config_init(&tmp);
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		gitwalk_set_error(error, "reading the repository's git config");
		goto out;
	}
	if (!hook_config_read(&tmp, repo, cfg, "git config", problems, error))
		goto out;
	git_config_free(cfg);
	cfg = NULL;
	if (file && git_config_open_ondisk(&cfg, file) < 0) {
		g_autofree char *what = g_strdup_printf("reading %s", file);

		gitwalk_set_error(error, what);
		goto out;
	}
	if (cfg && !hook_config_read(&tmp, repo, cfg, file, problems, error))
		goto out;
	if (problems->len) {
		g_set_error_literal(error, DW_ERROR, DW_ERROR_USAGE, problems->str);
		goto out;
	}
	if (tmp.guard->len == 0) {
		for (size_t i = 0; i < G_N_ELEMENTS(hook_default_guard); i++)
			g_ptr_array_add(tmp.guard, g_strdup(hook_default_guard[i]));
	}
	*c = tmp;
	memset(&tmp, 0, sizeof(tmp));
	ok = true;
out:
	git_config_free(cfg);
	hook_config_clear(&tmp);
	return ok;
}

bool hook_config_guards(const struct hook_config *c, const char *ref)
{
	for (guint i = 0; i < c->guard->len; i++) {
		if (fnmatch(c->guard->pdata[i], ref, 0) == 0)
			return true;
	}
	return false;
}

char *hook_config_approvers_text(const struct hook_config *c)
{
	GString *text = g_string_new(NULL);

	for (guint i = 0; i < c->approvers->len; i++) {
		g_autofree char *name = dw_escape(c->approvers->pdata[i]);

		g_string_append_printf(text, "%s%s", i ? ", " : "", name);
	}
	return g_string_free(text, FALSE);
}

bool hook_config_is_approver(const struct hook_config *c, const char *name)
{
	return name && *name &&
	       g_ptr_array_find_with_equal_func(c->approvers, name, g_str_equal, NULL);
}

bool hook_config_apply(const struct hook_config *c, struct scan *s, GError **error)
{
	struct scan_options o = {
		.pinned_policy_path = c->policy,
		.no_policy_approvals = !(c->trust & HOOK_TRUST_POLICY),
		.no_inline_approvals = !(c->trust & HOOK_TRUST_COMMENT),
	};
	g_autoptr(GBytes) pinned = NULL;

	if (c->policy) {
		g_autoptr(GMappedFile) map = g_mapped_file_new(c->policy, FALSE, error);

		if (!map) {
			g_prefix_error(error, "driftwatch.policy: ");
			return false;
		}
		pinned = g_mapped_file_get_bytes(map);
		o.pinned_policy = pinned;
	}
	if (c->max_file_bytes)
		dw_limit_set_file_bytes(c->max_file_bytes);
	scan_set_options(s, &o);
	return true;
}

enum severity hook_threshold(const struct hook_config *c, const struct finding *f)
{
	if (c && c->has_fail_on)
		return c->fail_on;
	if (f->has_policy_fail_on)
		return f->policy_fail_on;
	return SEVERITY_HIGH;
}
