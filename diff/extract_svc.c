/*
 * extract_svc.c - line-based service configs: redis.conf, sshd_config and
 * postgresql.conf (pg_hba.conf is extract_hba.c). Each becomes one
 * settings resource per directory, "SERVICE:DIR", with its settings
 * normalised (extract.h) so that different spellings compare equal.
 *
 * Every setting is recorded with its effective value, the program's
 * default when the file does not set it: a setting absent on both sides
 * compares equal, and one removed moves to its default. Defaults used:
 *   Redis >= 3.2   no "bind": every interface; protected-mode yes; no
 *                  password. Protected mode refuses remote clients only
 *                  while no bind is given and there is no password (Redis
 *                  3.2 to 6.2; taken for 7 too, which can only over-report).
 *   OpenSSH >= 7.0 PasswordAuthentication yes, PermitRootLogin
 *                  prohibit-password, ListenAddress every interface.
 *   PostgreSQL     listen_addresses 'localhost'.
 * A directive that includes another file is not followed: an unknown.
 * Unknown directives are passed over: the program itself refuses to
 * start with them, so they cannot widen anything, and lists of every
 * directive of every version would refuse files the program accepts.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"
#include "lineconf.h"

struct svc_ctx {
	const char *path;
	struct resource *r;
	struct dw_problems problems;
};

static const char *svc_word(const struct lineconf_line *l, guint i)
{
	return ((const struct lineconf_word *)l->words->pdata[i])->text;
}

/* "yes"/"no" in any case: 1/0, else -1. */
static int svc_yes_no(const char *text)
{
	if (g_ascii_strcasecmp(text, "yes") == 0)
		return 1;
	if (g_ascii_strcasecmp(text, "no") == 0)
		return 0;
	return -1;
}

/* ---- bind addresses ---------------------------------------------------- */

static struct resource *svc_resource(const char *service, const char *kind, const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *identity = g_strconcat(service, ":", dir, NULL);
	struct resource *r = resource_new(identity, kind, path, path, 1, RESOURCE_SETTINGS);

	r->service = service;
	return r;
}

static void svc_include(struct svc_ctx *c, const struct lineconf_line *l)
{
	g_autofree char *text = lineconf_line_text(l, 0);
	g_autofree char *quoted = extract_quote(text);

	resource_add_unknown(c->r, l->line, "%s: included file not followed", quoted);
}

/* ---- redis.conf ------------------------------------------------------------ */

struct svc_redis {
	const struct lineconf_line *bind;      /* the last of each, or NULL */
	const struct lineconf_line *protected_mode;
	const struct lineconf_line *requirepass;
	bool protected_on;
};

static void svc_redis_line(struct svc_ctx *c, struct svc_redis *rd, const struct lineconf_line *l)
{
	const char *name = svc_word(l, 0);
	guint argc = l->words->len - 1;

	/* Redis: "the last processed line is used". */
	if (g_ascii_strcasecmp(name, "bind") == 0) {
		if (argc < 1)
			dw_problems_add(&c->problems, l->line, "bind: wrong number of arguments");
		else
			rd->bind = l;
	} else if (g_ascii_strcasecmp(name, "protected-mode") == 0) {
		int v = argc == 1 ? svc_yes_no(svc_word(l, 1)) : -1;

		if (v < 0) {
			dw_problems_add(&c->problems, l->line,
			                "protected-mode: argument must be 'yes' or 'no'");
			return;
		}
		rd->protected_mode = l;
		rd->protected_on = v == 1;
	} else if (g_ascii_strcasecmp(name, "requirepass") == 0) {
		if (argc != 1)
			dw_problems_add(&c->problems, l->line,
			                "requirepass: wrong number of arguments");
		else
			rd->requirepass = l;
	} else if (g_ascii_strcasecmp(name, "include") == 0) {
		svc_include(c, l);
	} else if (g_ascii_strcasecmp(name, "aclfile") == 0 ||
	           (g_ascii_strcasecmp(name, "user") == 0 && argc >= 1 &&
	            strcmp(svc_word(l, 1), "default") == 0)) {
		g_autofree char *text = lineconf_line_text(l, 0);
		g_autofree char *quoted = extract_quote(text);

		resource_add_unknown(c->r, l->line, "%s: the default user's password is set by ACL rules, "
		                     "not evaluated", quoted);
	}
}

static enum extract_bind svc_redis_bind(const struct lineconf_line *bind)
{
	enum extract_bind widest = EXTRACT_BIND_NONE;

	if (bind == NULL)
		return EXTRACT_BIND_ALL;
	for (guint i = 1; i < bind->words->len; i++) {
		const char *a = svc_word(bind, i);

		/* "-addr": bind it if it exists; it may. */
		widest = MAX(widest, extract_bind_address(a[0] == '-' ? a + 1 : a));
	}
	return widest;
}

static void svc_redis_finish(struct svc_ctx *c, struct svc_redis *rd)
{
	enum extract_bind bind = svc_redis_bind(rd->bind);
	g_autofree char *bind_raw = rd->bind ? lineconf_line_text(rd->bind, 0)
	                                     : g_strdup("bind not set (every interface)");
	bool password = rd->requirepass && *svc_word(rd->requirepass, 1) != '\0';
	const struct lineconf_line *why;
	g_autofree char *auth_raw = NULL;
	const char *auth;

	resource_add_setting(c->r, "bind", extract_bind_names[bind], bind_raw, rd->bind ? rd->bind->line : 0);
	/* "auth" for Redis: must a remote client give a password? */
	if (password) {
		auth = "on";
		why = rd->requirepass;
		auth_raw = g_strdup("requirepass set");
	} else if (rd->protected_on && rd->bind == NULL) {
		auth = "on";
		why = rd->protected_mode;
		auth_raw = g_strdup("no password, protected mode refuses remote clients");
	} else if (bind <= EXTRACT_BIND_LOOPBACK) {
		auth = "on";
		why = rd->bind;
		auth_raw = g_strdup_printf("no password, %s: no remote clients", bind_raw);
	} else {
		auth = "off";
		why = !rd->protected_on ? rd->protected_mode : rd->bind;
		auth_raw = g_strdup_printf("no requirepass; %s; protected-mode %s", bind_raw,
		                           rd->protected_on ? "yes, inactive with bind set" : "no");
	}
	resource_add_setting(c->r, "auth", auth, auth_raw, why ? why->line : 0);
}

static void svc_redis(struct svc_ctx *c, GPtrArray *lines)
{
	struct svc_redis rd = { .protected_on = true };

	c->r = svc_resource("redis", "Redis", c->path);
	for (guint i = 0; i < lines->len; i++)
		svc_redis_line(c, &rd, lines->pdata[i]);
	svc_redis_finish(c, &rd);
}

/* ---- sshd_config ------------------------------------------------------- */

/* PermitRootLogin, safest first. */
static const char *const svc_root_values[] = { "no", "forced-commands-only", "prohibit-password", "yes" };

static int svc_root_rank(const char *text)
{
	if (g_ascii_strcasecmp(text, "without-password") == 0)
		return 2;
	for (int i = 0; i < (int)G_N_ELEMENTS(svc_root_values); i++) {
		if (g_ascii_strcasecmp(text, svc_root_values[i]) == 0)
			return i;
	}
	return -1;
}

/* One setting: the first value in the global part, widened by any Match block. */
struct svc_sshd_value {
	int rank;        /* -1: not set */
	unsigned line;
	char *raw;       /* owned */
	bool global_set; /* the global part set it (first one wins) */
};

struct svc_sshd {
	struct svc_sshd_value password, root;
	enum extract_bind bind;
	const struct lineconf_line *bind_line;
	const struct lineconf_line *match; /* the Match block we are in, or NULL */
};

static void svc_sshd_set(struct svc_sshd *sd, struct svc_sshd_value *v, int rank, int fallback,
                         const struct lineconf_line *l)
{
	g_autofree char *text = lineconf_line_text(l, 0);

	/* sshd: "the first obtained value will be used"; a Match block
	 * overrides it for the connections it matches, so the widest
	 * value of any block is what some client gets. */
	if (sd->match == NULL) {
		if (v->global_set)
			return;
		v->global_set = true;
	} else if (rank <= (v->rank >= 0 ? v->rank : fallback)) {
		return;
	}
	v->rank = rank;
	v->line = l->line;
	g_free(v->raw);
	if (sd->match != NULL) {
		g_autofree char *match = lineconf_line_text(sd->match, 0);

		v->raw = g_strdup_printf("%s: %s", match, text);
	} else {
		v->raw = g_steal_pointer(&text);
	}
}

/* "addr", "addr:port", "[v6]:port", "host" of ListenAddress, without the port. */
static char *svc_sshd_host(const char *text)
{
	const char *colon = strchr(text, ':');

	if (text[0] == '[') {
		const char *end = strchr(text, ']');

		return end != NULL ? g_strndup(text + 1, (gsize)(end - text - 1)) : g_strdup(text);
	}
	if (colon != NULL && strchr(colon + 1, ':') == NULL)
		return g_strndup(text, (gsize)(colon - text));
	return g_strdup(text);
}

static void svc_sshd_line(struct svc_ctx *c, struct svc_sshd *sd, const struct lineconf_line *l)
{
	const char *name = svc_word(l, 0);
	guint argc = l->words->len - 1;
	bool password = g_ascii_strcasecmp(name, "PasswordAuthentication") == 0;
	bool root = g_ascii_strcasecmp(name, "PermitRootLogin") == 0;

	if (g_ascii_strcasecmp(name, "Match") == 0) {
		sd->match = l;
		return;
	}
	if (g_ascii_strcasecmp(name, "Include") == 0) {
		svc_include(c, l);
		return;
	}
	if ((password || root || g_ascii_strcasecmp(name, "ListenAddress") == 0) && argc < 1) {
		dw_problems_add(&c->problems, l->line, "%s: missing argument", name);
		return;
	}
	if (password) {
		int v = svc_yes_no(svc_word(l, 1));

		if (v < 0) {
			g_autofree char *q = extract_quote(svc_word(l, 1));

			dw_problems_add(&c->problems, l->line, "%s: expected yes or no, got \"%s\"",
			                name, q);
			return;
		}
		svc_sshd_set(sd, &sd->password, v, 1, l);
	} else if (root) {
		int v = svc_root_rank(svc_word(l, 1));

		if (v < 0) {
			g_autofree char *q = extract_quote(svc_word(l, 1));

			dw_problems_add(&c->problems, l->line, "%s: unsupported option \"%s\"",
			                name, q);
			return;
		}
		svc_sshd_set(sd, &sd->root, v, 2, l);
	} else if (g_ascii_strcasecmp(name, "ListenAddress") == 0) {
		g_autofree char *host = svc_sshd_host(svc_word(l, 1));
		enum extract_bind b = extract_bind_address(host);

		/* Every ListenAddress line adds one ("Multiple ListenAddress
		 * options are permitted"); not allowed in a Match block. */
		if (sd->match != NULL) {
			dw_problems_add(&c->problems, l->line,
			                "ListenAddress is not allowed in a Match block");
			return;
		}
		if (sd->bind_line == NULL || b > sd->bind) {
			sd->bind = b;
			sd->bind_line = l;
		}
	}
}

static void svc_sshd_finish(struct svc_ctx *c, struct svc_sshd *sd)
{
	g_autofree char *bind_raw = sd->bind_line ? lineconf_line_text(sd->bind_line, 0)
	                                          : g_strdup("ListenAddress not set (every interface)");

	if (sd->password.rank < 0)
		sd->password.raw = g_strdup("PasswordAuthentication not set (default yes)");
	if (sd->root.rank < 0)
		sd->root.raw = g_strdup("PermitRootLogin not set (default prohibit-password)");
	resource_add_setting(c->r, "password-login", sd->password.rank != 0 ? "yes" : "no",
	                     sd->password.raw, sd->password.line);
	resource_add_setting(c->r, "root-login", svc_root_values[sd->root.rank < 0 ? 2 : sd->root.rank],
	                     sd->root.raw, sd->root.line);
	resource_add_setting(c->r, "bind", extract_bind_names[sd->bind_line ? sd->bind : EXTRACT_BIND_ALL],
	                     bind_raw, sd->bind_line ? sd->bind_line->line : 0);
}

static void svc_sshd(struct svc_ctx *c, GPtrArray *lines)
{
	struct svc_sshd sd = { .password = { .rank = -1 }, .root = { .rank = -1 } };

	c->r = svc_resource("sshd", "OpenSSH server", c->path);
	for (guint i = 0; i < lines->len; i++)
		svc_sshd_line(c, &sd, lines->pdata[i]);
	svc_sshd_finish(c, &sd);
	g_free(sd.password.raw);
	g_free(sd.root.raw);
}

/* ---- postgresql.conf ------------------------------------------------------ */

static void svc_pg(struct svc_ctx *c, GPtrArray *lines)
{
	const struct lineconf_line *listen = NULL;
	enum extract_bind widest = EXTRACT_BIND_NONE;
	g_auto(GStrv) parts = NULL;
	g_autofree char *raw = NULL;

	c->r = svc_resource("postgresql", "PostgreSQL", c->path);
	for (guint i = 0; i < lines->len; i++) {
		const struct lineconf_line *l = lines->pdata[i];
		const char *name = svc_word(l, 0);

		/* The last setting of a name wins. */
		if (g_ascii_strcasecmp(name, "listen_addresses") == 0)
			listen = l;
		else if (g_ascii_strcasecmp(name, "include") == 0 ||
		         g_ascii_strcasecmp(name, "include_if_exists") == 0 ||
		         g_ascii_strcasecmp(name, "include_dir") == 0)
			svc_include(c, l);
	}
	if (listen == NULL) {
		resource_add_setting(c->r, "bind", "loopback", "listen_addresses not set (default localhost)", 0);
		return;
	}
	/* "a comma-separated list of host names and/or numeric IP addresses";
	 * '*' is all of them, '' none (Unix sockets only). */
	parts = g_strsplit(svc_word(listen, 1), ",", -1);
	for (guint i = 0; parts[i] != NULL; i++)
		widest = MAX(widest, extract_bind_address(g_strstrip(parts[i])));
	raw = g_strdup_printf("listen_addresses = '%s'", svc_word(listen, 1));
	resource_add_setting(c->r, "bind", extract_bind_names[widest], raw, listen->line);
}

/* ---- dispatch --------------------------------------------------------------- */

static const struct svc_kind {
	const char *basename;
	enum lineconf_dialect dialect;
	void (*extract)(struct svc_ctx *c, GPtrArray *lines);
} svc_kinds[] = {
	{ "redis.conf", LINECONF_REDIS, svc_redis },
	{ "sshd_config", LINECONF_SSHD, svc_sshd },
	{ "postgresql.conf", LINECONF_PG, svc_pg },
};

static const struct svc_kind *svc_kind_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;

	for (size_t i = 0; i < G_N_ELEMENTS(svc_kinds); i++) {
		if (strcmp(base, svc_kinds[i].basename) == 0)
			return &svc_kinds[i];
	}
	return NULL;
}

bool extract_svc_path(const char *path)
{
	return svc_kind_of(path) != NULL || extract_hba_path(path);
}

bool extract_svc(GPtrArray *out, const char *path, const char *data, size_t len, GError **error)
{
	const struct svc_kind *kind = svc_kind_of(path);
	g_autoptr(GPtrArray) lines = NULL;
	struct svc_ctx c = { .path = path };

	if (kind == NULL)
		return !extract_hba_path(path) || extract_hba(out, path, data, len, error);
	if (!lineconf_parse(&lines, path, data, len, kind->dialect, error))
		return false;
	dw_problems_init(&c.problems, path, EXTRACT_MAX_PROBLEMS);
	kind->extract(&c, lines);
	return extract_finish_one(out, c.r, &c.problems, error);
}
