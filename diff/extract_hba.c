/*
 * extract_hba.c - pg_hba.conf as who may connect to PostgreSQL, per
 * database and user.
 *
 * PostgreSQL ("The pg_hba.conf File") takes the first record whose
 * connection type, database, user and client address match; its method
 * decides: "reject" refuses, "trust" admits without a password, anything
 * else asks for credentials. So for each (database, user) pair a
 * connection can name, the host/hostssl/hostnossl/hostgssenc/hostnogssenc
 * records are a first-match rule list over tcp/5432 from their addresses:
 * one resource "pg_hba:DIR:DATABASE/USER" whose exposure is who may try
 * to log in, plus the setting "auth" = "off" when a "trust" record is the
 * first match for some client other than the server itself. The pairs
 * are every database and user named in the file and "*" for any other
 * (a new name starts out as "*" did: see resource.fallbacks).
 *
 * Kept conservative where the file alone cannot tell:
 *   - sameuser/samerole, +group and @file (not followed: an unknown) may
 *     match any pair: they count when they admit, never when they reject;
 *   - a hostssl/hostgssenc/... record matches only some connections: it
 *     admits (and trusts) but never shuts out the records after it;
 *   - samehost, samenet and host names are atoms; samehost is the server
 *     itself, as 127.0.0.0/8 and ::1 are, and trust from it is not "off";
 *   - "local" records (Unix sockets) are checked but admit nobody remote;
 *   - the port is 5432 whatever postgresql.conf says.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"
#include "lineconf.h"

#define HBA_PORT 5432u

enum hba_match { HBA_NO, HBA_MAYBE, HBA_YES };

struct hba_record {
	unsigned line;
	bool full;          /* plain "host": matches every TCP connection */
	GPtrArray *dbs;     /* struct lineconf_word *, borrowed from the lines */
	GPtrArray *users;
	exposure *match;    /* tcp/5432 from the address; owned */
	bool reject, trust;
	char *raw;          /* owned */
};

struct hba_ctx {
	const char *path;
	struct dw_problems problems;
	GPtrArray *records;  /* struct hba_record *, owned */
	GPtrArray *dbs;      /* char *: database keys, "*" first; owned */
	GPtrArray *users;    /* char *: user keys, "*" first; owned */
	GPtrArray *unknowns; /* struct lineconf_line *: @file and include, borrowed */
};

static const char *const hba_methods[] = {
	"trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident",
	"peer", "ldap", "radius", "cert", "pam", "bsd", "oauth",
};

static void hba_record_free(void *p)
{
	struct hba_record *r = p;

	g_ptr_array_unref(r->dbs);
	g_ptr_array_unref(r->users);
	exposure_free(r->match);
	g_free(r->raw);
	g_free(r);
}

bool extract_hba_path(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash != NULL ? slash + 1 : path, "pg_hba.conf") == 0;
}

static bool hba_is(const struct lineconf_word *w, const char *keyword)
{
	return !w->quoted && strcmp(w->text, keyword) == 0;
}

/* The words of field f of l, in a new array borrowing them. */
static GPtrArray *hba_field(const struct lineconf_line *l, unsigned f)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; i < l->words->len; i++) {
		struct lineconf_word *w = l->words->pdata[i];

		if (w->field == f)
			g_ptr_array_add(out, w);
	}
	return out;
}

static unsigned hba_nfields(const struct lineconf_line *l)
{
	const struct lineconf_word *last = l->words->pdata[l->words->len - 1];

	return last->field + 1;
}

/* A netmask written apart ("255.255.0.0") as a prefix length, or -1. */
static int hba_mask_prefix(const char *text, bool v6)
{
	unsigned char buf[16];
	int bits = 0, n = v6 ? 16 : 4;
	bool ended = false;

	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, buf) != 1)
		return -1;
	for (int i = 0; i < n; i++) {
		for (int b = 7; b >= 0; b--) {
			bool set = (buf[i] >> b) & 1;

			if (set && ended)
				return -1;
			if (set)
				bits++;
			else
				ended = true;
		}
	}
	return bits;
}

/* The sources of an address field (and its separate mask); false on error. */
static bool hba_address(struct hba_ctx *c, const struct lineconf_line *l, const struct lineconf_word *addr,
                        const struct lineconf_word *mask, srcset *src, bool *used_mask)
{
	unsigned char buf[16];
	bool v4 = inet_pton(AF_INET, addr->text, buf) == 1, v6 = inet_pton(AF_INET6, addr->text, buf) == 1;
	g_autofree char *q = extract_quote(addr->text);

	*used_mask = false;
	if (hba_is(addr, "all")) {
		srcset_add_all_addresses(src);
	} else if (hba_is(addr, "samehost") || hba_is(addr, "samenet")) {
		g_autofree char *atom = g_strconcat("pg-hba:", addr->text, NULL);

		srcset_add_atom(src, atom);
	} else if (strchr(addr->text, '/') != NULL) {
		if (!srcset_add_cidr(src, addr->text, NULL)) {
			dw_problems_add(&c->problems, l->line, "invalid IP address \"%s\"", q);
			return false;
		}
	} else if (v4 || v6) {
		g_autofree char *cidr = NULL;
		int prefix;

		if (mask == NULL) {
			dw_problems_add(&c->problems, l->line,
			                "end-of-line before netmask specification");
			return false;
		}
		prefix = hba_mask_prefix(mask->text, v6);
		if (prefix < 0) {
			g_autofree char *mq = extract_quote(mask->text);

			dw_problems_add(&c->problems, l->line, "invalid IP mask \"%s\"", mq);
			return false;
		}
		cidr = g_strdup_printf("%s/%d", addr->text, prefix);
		if (!srcset_add_cidr(src, cidr, NULL)) {
			dw_problems_add(&c->problems, l->line, "invalid IP address \"%s\"", q);
			return false;
		}
		*used_mask = true;
	} else {
		/* A host name, or ".example.com" for a domain's hosts. */
		g_autofree char *atom = g_strconcat("host:", addr->text, NULL);

		if (*addr->text == '\0') {
			dw_problems_add(&c->problems, l->line, "empty IP address");
			return false;
		}
		srcset_add_atom(src, atom);
	}
	return true;
}

static bool hba_method_known(const char *m)
{
	for (size_t i = 0; i < G_N_ELEMENTS(hba_methods); i++) {
		if (strcmp(m, hba_methods[i]) == 0)
			return true;
	}
	return false;
}

/* Checks the method and option fields from field f on; the method, or NULL. */
static const struct lineconf_word *hba_method(struct hba_ctx *c, const struct lineconf_line *l, unsigned f)
{
	g_autoptr(GPtrArray) method = hba_field(l, f);
	const struct lineconf_word *m;
	g_autofree char *q = NULL;

	if (method->len == 0) {
		dw_problems_add(&c->problems, l->line, "end-of-line before authentication method");
		return NULL;
	}
	m = method->pdata[0];
	q = extract_quote(m->text);
	if (method->len > 1) {
		dw_problems_add(&c->problems, l->line,
		                "multiple values specified for authentication type");
		return NULL;
	}
	if (!hba_method_known(m->text)) {
		dw_problems_add(&c->problems, l->line, "invalid authentication method \"%s\"", q);
		return NULL;
	}
	for (unsigned o = f + 1; o < hba_nfields(l); o++) {
		g_autoptr(GPtrArray) opt = hba_field(l, o);
		const struct lineconf_word *w = opt->len ? opt->pdata[0] : NULL;

		if (w != NULL && strchr(w->text, '=') == NULL) {
			g_autofree char *oq = extract_quote(w->text);

			dw_problems_add(&c->problems, l->line,
			                "authentication option not in name=value format: %s", oq);
			return NULL;
		}
	}
	return m;
}

static bool hba_has_file_ref(GPtrArray *tokens)
{
	for (guint i = 0; i < tokens->len; i++) {
		const struct lineconf_word *w = tokens->pdata[i];

		if (!w->quoted && w->text[0] == '@')
			return true;
	}
	return false;
}

static void hba_line(struct hba_ctx *c, const struct lineconf_line *l)
{
	g_autoptr(GPtrArray) type = hba_field(l, 0);
	const struct lineconf_word *t = type->pdata[0], *m;
	g_autoptr(GPtrArray) dbs = hba_field(l, 1), users = hba_field(l, 2);
	g_autoptr(GPtrArray) addr = NULL, mask = NULL;
	g_autoptr(srcset) src = NULL;
	struct hba_record *r;
	bool host, used_mask;

	if (hba_is(t, "include") || hba_is(t, "include_if_exists") || hba_is(t, "include_dir")) {
		g_ptr_array_add(c->unknowns, (gpointer)l);
		return;
	}
	host = !t->quoted && g_str_has_prefix(t->text, "host") &&
	       (strcmp(t->text, "host") == 0 || strcmp(t->text, "hostssl") == 0 ||
	        strcmp(t->text, "hostnossl") == 0 || strcmp(t->text, "hostgssenc") == 0 ||
	        strcmp(t->text, "hostnogssenc") == 0);
	if (!host && !hba_is(t, "local")) {
		g_autofree char *q = extract_quote(t->text);

		dw_problems_add(&c->problems, l->line, "invalid connection type \"%s\"", q);
		return;
	}
	if (type->len > 1) {
		dw_problems_add(&c->problems, l->line,
		                "multiple values specified for connection type");
		return;
	}
	if (dbs->len == 0 || users->len == 0) {
		dw_problems_add(&c->problems, l->line, "end-of-line before %s specification",
		                dbs->len == 0 ? "database" : "role");
		return;
	}
	if (hba_has_file_ref(dbs) || hba_has_file_ref(users))
		g_ptr_array_add(c->unknowns, (gpointer)l);
	if (!host) {
		hba_method(c, l, 3);
		return;
	}
	addr = hba_field(l, 3);
	mask = hba_field(l, 4);
	if (addr->len != 1) {
		dw_problems_add(&c->problems, l->line,
		                addr->len == 0 ? "end-of-line before IP address specification"
		                               : "multiple values specified for host address");
		return;
	}
	src = srcset_new();
	if (!hba_address(c, l, addr->pdata[0], mask->len ? mask->pdata[0] : NULL, src, &used_mask))
		return;
	m = hba_method(c, l, used_mask ? 5 : 4);
	if (m == NULL)
		return;
	r = g_new0(struct hba_record, 1);
	r->line = l->line;
	r->full = strcmp(t->text, "host") == 0;
	r->dbs = g_ptr_array_ref(dbs);
	r->users = g_ptr_array_ref(users);
	r->match = exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, HBA_PORT, HBA_PORT, src);
	r->reject = strcmp(m->text, "reject") == 0;
	r->trust = strcmp(m->text, "trust") == 0;
	r->raw = lineconf_line_text(l, 0);
	g_ptr_array_add(c->records, r);
}

/* ---- keys ------------------------------------------------------------------ */

static const char *const hba_db_keywords[] = { "all", "sameuser", "samerole", "samegroup", "replication" };

static bool hba_is_keyword(const char *text)
{
	for (size_t i = 0; i < G_N_ELEMENTS(hba_db_keywords); i++) {
		if (strcmp(text, hba_db_keywords[i]) == 0)
			return true;
	}
	return strcmp(text, "*") == 0;
}

/* The key a token names, or NULL for a keyword or a reference. New string. */
static char *hba_key_of(const struct lineconf_word *w, bool user)
{
	if (w->quoted)
		return hba_is_keyword(w->text) ? g_strdup_printf("\"%s\"", w->text) : g_strdup(w->text);
	if (w->text[0] == '@' || (user && w->text[0] == '+'))
		return NULL;
	if (!user && strcmp(w->text, "replication") == 0)
		return g_strdup("replication");
	return hba_is_keyword(w->text) ? NULL : g_strdup(w->text);
}

static bool hba_str_in(GPtrArray *list, const char *s)
{
	return g_ptr_array_find_with_equal_func(list, s, g_str_equal, NULL);
}

static void hba_collect_keys(struct hba_ctx *c)
{
	g_ptr_array_add(c->dbs, g_strdup("*"));
	g_ptr_array_add(c->users, g_strdup("*"));
	for (guint i = 0; i < c->records->len; i++) {
		const struct hba_record *r = c->records->pdata[i];
		GPtrArray *fields[] = { r->dbs, r->users };
		GPtrArray *keys[] = { c->dbs, c->users };

		for (size_t f = 0; f < 2; f++) {
			for (guint j = 0; j < fields[f]->len; j++) {
				char *key = hba_key_of(fields[f]->pdata[j], f == 1);

				if (key != NULL && !hba_str_in(keys[f], key))
					g_ptr_array_add(keys[f], key);
				else
					g_free(key);
			}
		}
	}
}

/* Does one token of a database (user) field match key? */
static enum hba_match hba_token_match(const struct lineconf_word *w, const char *key, bool user)
{
	g_autofree char *own = hba_key_of(w, user);
	bool replication = !user && strcmp(key, "replication") == 0;

	if (own != NULL)
		return strcmp(own, key) == 0 ? HBA_YES : HBA_NO;
	if (hba_is(w, "all"))
		return replication ? HBA_NO : HBA_YES;
	if (w->text[0] == '@')
		return HBA_MAYBE;
	/* sameuser, samerole, samegroup, +group: by who connects. */
	return replication ? HBA_NO : HBA_MAYBE;
}

static enum hba_match hba_field_match(GPtrArray *tokens, const char *key, bool user)
{
	enum hba_match best = HBA_NO;

	for (guint i = 0; i < tokens->len; i++)
		best = MAX(best, hba_token_match(tokens->pdata[i], key, user));
	return best;
}

/* ---- one resource per (database, user) ----------------------------------- */

/* Trust from anywhere but the server itself. New set. */
static exposure *hba_remote_trust(GPtrArray *rules)
{
	g_autofree struct exposure_rule *list = g_new0(struct exposure_rule, rules->len + 1);
	g_autoptr(exposure) trust = NULL, local_box = NULL;
	g_autoptr(srcset) local = srcset_new();

	for (guint i = 0; i < rules->len; i++)
		list[i] = *(struct exposure_rule *)rules->pdata[i];
	trust = exposure_first_match(list, rules->len);
	srcset_add_v4(local, 0x7f000000u, 0x7fffffffu);
	srcset_add_v6(local, (struct exposure_v6){ 0, 1 }, (struct exposure_v6){ 0, 1 });
	srcset_add_atom(local, "pg-hba:samehost");
	local_box = exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, local);
	return exposure_subtract(trust, local_box);
}

static void hba_add_fallbacks(struct resource *res, const char *dir, const char *db, const char *user)
{
	const char *pairs[3][2] = { { db, "*" }, { "*", user }, { "*", "*" } };

	/* A replication key stands alone: "all" never matched replication. */
	res->fallbacks = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
		if (strcmp(pairs[i][0], db) == 0 && strcmp(pairs[i][1], user) == 0)
			continue;
		if (strcmp(db, "replication") == 0 && strcmp(pairs[i][0], "replication") != 0)
			continue;
		g_ptr_array_add(res->fallbacks, g_strdup_printf("pg_hba:%s:%s/%s", dir, pairs[i][0], pairs[i][1]));
	}
}

static struct resource *hba_resource(struct hba_ctx *c, const char *dir, const char *db, const char *user)
{
	g_autofree char *identity = g_strdup_printf("pg_hba:%s:%s/%s", dir, db, user);
	g_autofree char *name = g_strdup_printf("%s (database %s, user %s)", c->path, db, user);
	g_autoptr(GPtrArray) trust_rules = g_ptr_array_new_with_free_func(g_free);
	struct resource *res = resource_new(identity, "PostgreSQL pg_hba.conf", name, c->path, 1,
	                                    RESOURCE_FIRST_MATCH);
	g_autoptr(exposure) remote = NULL;
	const struct hba_record *trusting = NULL;

	res->service = "postgresql";
	hba_add_fallbacks(res, dir, db, user);
	for (guint i = 0; i < c->records->len; i++) {
		const struct hba_record *r = c->records->pdata[i];
		enum hba_match m = MIN(hba_field_match(r->dbs, db, false), hba_field_match(r->users, user, true));
		struct exposure_rule *tr;

		/* What may match admits; only what surely matches shuts out. */
		if (m == HBA_NO || (m == HBA_MAYBE && r->reject) || (r->reject && !r->full))
			continue;
		resource_add_rule(res, NULL, r->line, !r->reject, (int64_t)r->line, exposure_copy(r->match));
		if (!r->trust && (m == HBA_MAYBE || !r->full))
			continue;
		tr = g_new0(struct exposure_rule, 1);
		tr->match = r->match;
		tr->allow = r->trust;
		g_ptr_array_add(trust_rules, tr);
	}
	remote = hba_remote_trust(trust_rules);
	for (guint i = 0; !exposure_is_empty(remote) && i < c->records->len; i++) {
		const struct hba_record *r = c->records->pdata[i];
		g_autoptr(exposure) hit = exposure_intersect(remote, r->match);

		if (r->trust && !exposure_is_empty(hit) &&
		    hba_field_match(r->dbs, db, false) != HBA_NO && hba_field_match(r->users, user, true) != HBA_NO) {
			trusting = r;
			break;
		}
	}
	if (trusting != NULL)
		resource_add_setting(res, "auth", "off", trusting->raw, trusting->line);
	else
		resource_add_setting(res, "auth", "on", "no trust for clients other than the server", 0);
	return res;
}

static void hba_unknowns(struct hba_ctx *c, struct resource *res)
{
	for (guint i = 0; i < c->unknowns->len; i++) {
		const struct lineconf_line *l = c->unknowns->pdata[i];
		g_autofree char *text = lineconf_line_text(l, 0);
		g_autofree char *q = extract_quote(text);

		resource_add_unknown(res, l->line, "%s: file not followed", q);
	}
}

/*
 * Does res let in what the pair standing for it does (its first fallback
 * kept so far)? Then it is left out: a pair that behaves as "any other
 * user" is one, and compare_resources() stands the fallback in for it
 * on both sides, so nothing is lost and one change is one finding.
 */
static bool hba_same_as_fallback(GHashTable *emitted, const struct resource *res)
{
	for (guint i = 0; i < res->fallbacks->len; i++) {
		const struct resource *f = g_hash_table_lookup(emitted, res->fallbacks->pdata[i]);
		g_autoptr(exposure) a = NULL, b = NULL;

		if (f == NULL)
			continue;
		a = resource_exposure(res);
		b = resource_exposure(f);
		return exposure_equal(a, b) &&
		       strcmp(resource_setting_get(res, "auth")->value, resource_setting_get(f, "auth")->value) == 0;
	}
	return false;
}

static void hba_ctx_clear(struct hba_ctx *c)
{
	g_ptr_array_unref(c->records);
	g_ptr_array_unref(c->dbs);
	g_ptr_array_unref(c->users);
	g_ptr_array_unref(c->unknowns);
	dw_problems_clear(&c->problems);
}

bool extract_hba(GPtrArray *out, const char *path, const char *data, size_t len, GError **error)
{
	g_autoptr(GPtrArray) lines = NULL;
	g_autofree char *dir = g_path_get_dirname(path);
	struct hba_ctx c = { .path = path };
	g_autoptr(GHashTable) emitted = NULL; /* identity -> resource in out, borrowed */
	bool ok = false;

	if (!lineconf_parse(&lines, path, data, len, LINECONF_HBA, error))
		return false;
	dw_problems_init(&c.problems, path, EXTRACT_MAX_PROBLEMS);
	c.records = g_ptr_array_new_with_free_func(hba_record_free);
	c.dbs = g_ptr_array_new_with_free_func(g_free);
	c.users = g_ptr_array_new_with_free_func(g_free);
	c.unknowns = g_ptr_array_new();
	for (guint i = 0; i < lines->len; i++)
		hba_line(&c, lines->pdata[i]);
	if (!dw_problems_check(&c.problems, error))
		goto out;
	hba_collect_keys(&c);
	if ((guint64)c.dbs->len * c.users->len > DW_LIMIT_HBA_KEYS) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: %u databases x %u users, more than the %u pairs driftwatch analyses", path,
		            c.dbs->len, c.users->len, DW_LIMIT_HBA_KEYS);
		goto out;
	}
	/* "*" comes first in both lists, so a pair's fallbacks are decided
	 * before the pair. */
	emitted = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint d = 0; d < c.dbs->len; d++) {
		for (guint u = 0; u < c.users->len; u++) {
			struct resource *res = hba_resource(&c, dir, c.dbs->pdata[d], c.users->pdata[u]);

			if (hba_same_as_fallback(emitted, res)) {
				resource_free(res);
				continue;
			}
			/* Said once, by the pair every other one starts from. */
			if (d == 0 && u == 0)
				hba_unknowns(&c, res);
			g_hash_table_insert(emitted, res->identity, res);
			g_ptr_array_add(out, res);
		}
	}
	ok = true;
out:
	hba_ctx_clear(&c);
	return ok;
}
