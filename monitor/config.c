/*
 * config.c - $XDG_CONFIG_HOME/driftwatch/watch.yml, read with the
 * engine's YAML loader:
 *
 *   threshold: high            # notify at or above; log the rest
 *   fetch-interval: 5m         # run `git fetch` this often (default: never)
 *   details-command: xdg-open  # run with the report file on "Show details"
 *   repositories:
 *     - path: ~/src/infra
 *       branches: [main, origin/main]   # default: current branch and upstream
 *       fetch-interval: 10m
 *     - ~/src/other            # a bare path
 */
#include "monitor_private.h"

#include <errno.h>
#include <string.h>

#include "doc.h"
#include "dw_error.h"
#include "dw_limits.h"

static void watch_repo_config_free(struct watch_repo_config *r)
{
	g_free(r->path);
	g_strfreev(r->branches);
	g_free(r);
}

void watch_config_free(struct watch_config *c)
{
	if (!c)
		return;
	g_ptr_array_unref(c->repos);
	g_free(c->details_command);
	g_free(c);
}

char *watch_config_default_path(void)
{
	return g_build_filename(g_get_user_config_dir(), "driftwatch", "watch.yml", NULL);
}

bool watch_duration_parse(guint *out, const char *text, GError **error)
{
	char *end = NULL;
	guint64 n, unit = 1;

	errno = 0;
	n = text && g_ascii_isdigit(*text) ? g_ascii_strtoull(text, &end, 10) : 0;
	if (end && strcmp(end, "m") == 0)
		unit = 60;
	else if (end && strcmp(end, "h") == 0)
		unit = 3600;
	else if (end && *end && strcmp(end, "s") != 0)
		end = NULL;
	if (!end || errno || n == 0 || n > 86400 / unit) {
		g_set_error(error, DW_ERROR, DW_ERROR_USAGE,
		            "'%s' is not a duration from 1s to 1 day (30s, 5m, 1h)", text ? text : "");
		return false;
	}
	*out = (guint)(n * unit);
	return true;
}

static char *watch_config_expand(const char *path)
{
	if (g_str_has_prefix(path, "~/"))
		return g_build_filename(g_get_home_dir(), path + 2, NULL);
	return g_strdup(path);
}

/* Collects one problem as "path:line: what". */
static void watch_config_problem(GString *problems, const char *path, const struct doc_node *n,
                                 const char *what)
{
	g_string_append_printf(problems, "%s%s:%u: %s", problems->len ? "\n" : "", path,
	                       n ? n->line : 1, what);
}

static void watch_config_duration(guint *out, GString *problems, const char *path,
                                  const struct doc_node *n)
{
	g_autoptr(GError) error = NULL;

	if (n && !watch_duration_parse(out, doc_scalar(n), &error))
		watch_config_problem(problems, path, n, error->message);
}

static char **watch_config_branches(GString *problems, const char *path, const struct doc_node *n)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (n->kind != DOC_LIST) {
		watch_config_problem(problems, path, n, "branches: expected a list");
		return NULL;
	}
	for (size_t i = 0; i < n->n; i++) {
		if (doc_scalar(n->items[i]))
			g_strv_builder_add(b, doc_scalar(n->items[i]));
		else
			watch_config_problem(problems, path, n->items[i], "a branch is a name");
	}
	return g_strv_builder_end(b);
}

static void watch_config_repo(struct watch_config *c, GString *problems, const char *path,
                              const struct doc_node *n)
{
	const struct doc_node *p = n->kind == DOC_MAP ? doc_map_get(n, "path") : n;
	const struct doc_node *branches = doc_map_get(n, "branches");
	struct watch_repo_config *r;

	if (!doc_scalar(p)) {
		watch_config_problem(problems, path, n, "a repository needs a path");
		return;
	}
	r = g_new0(struct watch_repo_config, 1);
	r->path = watch_config_expand(doc_scalar(p));
	if (branches)
		r->branches = watch_config_branches(problems, path, branches);
	watch_config_duration(&r->fetch_interval, problems, path, doc_map_get(n, "fetch-interval"));
	g_ptr_array_add(c->repos, r);
}

static void watch_config_read(struct watch_config *c, GString *problems, const char *path,
                              const struct doc_node *root)
{
	const struct doc_node *repos = doc_map_get(root, "repositories");
	const struct doc_node *threshold = doc_map_get(root, "threshold");
	const struct doc_node *details = doc_map_get(root, "details-command");

	if (root->kind == DOC_NULL)
		return;
	if (root->kind != DOC_MAP) {
		watch_config_problem(problems, path, root, "expected a map (repositories, threshold...)");
		return;
	}
	if (threshold) {
		c->has_threshold = severity_parse(&c->threshold, doc_scalar(threshold) ? doc_scalar(threshold) : "");
		if (!c->has_threshold)
			watch_config_problem(problems, path, threshold,
			                     "threshold: critical, high, medium, low or info");
	}
	watch_config_duration(&c->fetch_interval, problems, path, doc_map_get(root, "fetch-interval"));
	if (details && doc_scalar(details))
		c->details_command = g_strdup(doc_scalar(details));
	if (repos && repos->kind != DOC_LIST)
		watch_config_problem(problems, path, repos, "repositories: expected a list");
	for (size_t i = 0; repos && repos->kind == DOC_LIST && i < repos->n; i++)
		watch_config_repo(c, problems, path, repos->items[i]);
}

bool watch_config_load(struct watch_config **out, const char *path, GError **error)
{
	g_autoptr(watch_config) c = g_new0(struct watch_config, 1);
	g_autoptr(GString) problems = g_string_new(NULL);
	g_autoptr(GError) read_error = NULL;
	g_autoptr(doc) d = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	c->repos = g_ptr_array_new_with_free_func((GDestroyNotify)watch_repo_config_free);
	if (!g_file_get_contents(path, &data, &len, &read_error)) {
		if (!g_error_matches(read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_propagate_error(error, g_steal_pointer(&read_error));
			return false;
		}
		*out = g_steal_pointer(&c);
		return true;
	}
	if (len > DW_LIMIT_WATCH_CONFIG_BYTES) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: larger than 1 MiB", path);
		return false;
	}
	if (!doc_parse_yaml(&d, path, data, len, &doc_limits_own, error))
		return false;
	if (d->roots->len > 0)
		watch_config_read(c, problems, path, d->roots->pdata[0]);
	if (problems->len) {
		g_set_error_literal(error, DW_ERROR, DW_ERROR_PARSE, problems->str);
		return false;
	}
	*out = g_steal_pointer(&c);
	return true;
}
