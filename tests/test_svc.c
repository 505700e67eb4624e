/*
 * test_svc.c - the service configs: lineconf's four dialects, the
 * settings read from redis.conf, sshd_config, postgresql.conf, mongod.conf
 * and kibana.yml,
 * pg_hba.conf's per database/user rule lists, and their comparison
 * (equivalent spellings equal, a newly named user against its stand-in).
 * Inputs are written inline: each is a few lines, read best beside the
 * assertion on it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "dw_error.h"
#include "dw_limits.h"
#include "extract.h"
#include "lineconf.h"

/* ---- helpers ---------------------------------------------------------- */

static GPtrArray *svc_lines(const char *text, enum lineconf_dialect dialect)
{
	GPtrArray *lines = NULL;
	g_autoptr(GError) error = NULL;

	if (!lineconf_parse(&lines, "t.conf", text, strlen(text), dialect, &error))
		fail_msg("%s", error->message);
	return lines;
}

/* The message of a text that must fail with DW_ERROR_PARSE. */
static char *svc_lines_fail(const char *text, enum lineconf_dialect dialect)
{
	GPtrArray *lines = NULL;
	g_autoptr(GError) error = NULL;

	if (lineconf_parse(&lines, "t.conf", text, strlen(text), dialect, &error)) {
		g_ptr_array_unref(lines);
		fail_msg("parsed, expected an error: %s", text);
	}
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	return g_strdup(error->message);
}

static const char *word(GPtrArray *lines, guint line, guint w)
{
	const struct lineconf_line *l = lines->pdata[line];

	assert_true(w < l->words->len);
	return ((const struct lineconf_word *)l->words->pdata[w])->text;
}

static GPtrArray *svc(const char *path, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (!extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s: %s", path, error->message);
	return out;
}

static char *svc_fails(const char *path, const char *text)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s: extracted, expected an error", path);
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	return g_strdup(error->message);
}

static const struct resource *find(GPtrArray *resources, const char *identity)
{
	for (guint i = 0; i < resources->len; i++) {
		const struct resource *r = resources->pdata[i];

		if (strcmp(r->identity, identity) == 0)
			return r;
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

static const char *setting(GPtrArray *resources, const char *identity, const char *key)
{
	const struct resource_setting *s = resource_setting_get(find(resources, identity), key);

	if (s == NULL)
		fail_msg("%s has no %s", identity, key);
	return s->value;
}

static unsigned setting_line(GPtrArray *resources, const char *identity, const char *key)
{
	return resource_setting_get(find(resources, identity), key)->line;
}

static char *exposure_text(GPtrArray *resources, const char *identity)
{
	g_autoptr(exposure) e = resource_exposure(find(resources, identity));

	return exposure_to_string(e);
}

/* The changes between two versions of one file. */
static GPtrArray *changes(const char *path, const char *old_text, const char *new_text, GPtrArray **keep_old,
                          GPtrArray **keep_new)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)compare_change_free);

	*keep_old = svc(path, old_text);
	*keep_new = svc(path, new_text);
	compare_resources(out, *keep_old, *keep_new);
	return out;
}

static void assert_no_change(const char *path, const char *old_text, const char *new_text)
{
	g_autoptr(GPtrArray) o = NULL, n = NULL;
	g_autoptr(GPtrArray) c = changes(path, old_text, new_text, &o, &n);

	if (c->len != 0)
		fail_msg("%s: %u changes, expected none", path, c->len);
}

/* ---- lineconf ------------------------------------------------------------- */

static void test_lineconf__redis_quoting(void **state)
{
	g_autoptr(GPtrArray) l = svc_lines("# c\n  # c\nrequirepass \"a b\\x41\\n\"\nrename-command CONFIG ''\n"
	                                   "x 'it\\'s' a#b\r\n",
	                                   LINECONF_REDIS);

	assert_int_equal(l->len, 3);
	assert_string_equal(word(l, 0, 1), "a bA\n");
	assert_string_equal(word(l, 1, 2), "");
	assert_string_equal(word(l, 2, 1), "it's");
	assert_string_equal(word(l, 2, 2), "a#b");
	assert_int_equal(((struct lineconf_line *)l->pdata[2])->line, 5);
}

static void test_lineconf__redis_bad_quotes_fail(void **state)
{
	g_autofree char *a = svc_lines_fail("port 1\nbind \"127.0.0.1\n", LINECONF_REDIS);
	g_autofree char *b = svc_lines_fail("requirepass \"a\"b\n", LINECONF_REDIS);

	assert_string_equal(a, "t.conf:2: unbalanced quotes");
	assert_string_equal(b, "t.conf:1: a closing quote must be followed by a space");
}

static void test_lineconf__sshd_keyword_forms(void **state)
{
	g_autoptr(GPtrArray) l = svc_lines("PermitRootLogin=no\nPasswordAuthentication = yes # c\n"
	                                   "  # comment\nBanner \"/a b\" 'c' d\\ e\n",
	                                   LINECONF_SSHD);

	assert_int_equal(l->len, 3);
	assert_string_equal(word(l, 0, 1), "no");
	assert_int_equal(((struct lineconf_line *)l->pdata[1])->words->len, 2);
	assert_string_equal(word(l, 1, 1), "yes");
	assert_string_equal(word(l, 2, 1), "/a b");
	assert_string_equal(word(l, 2, 2), "c");
	assert_string_equal(word(l, 2, 3), "d e");
}

static void test_lineconf__sshd_bad_quotes_fail(void **state)
{
	g_autofree char *m = svc_lines_fail("Port 22\nBanner \"/etc/issue\n", LINECONF_SSHD);

	assert_string_equal(m, "t.conf:2: invalid quotes");
}

static void test_lineconf__pg_name_value(void **state)
{
	g_autoptr(GPtrArray) l = svc_lines("listen_addresses='*'#c\nport 5432\nx = 'it''s \\n'\n"
	                                   "shared_buffers = 128MB   # c\n\n# c\n",
	                                   LINECONF_PG);

	assert_int_equal(l->len, 4);
	assert_string_equal(word(l, 0, 1), "*");
	assert_string_equal(word(l, 1, 1), "5432");
	assert_string_equal(word(l, 2, 1), "it's \n");
	assert_string_equal(word(l, 3, 1), "128MB");
}

static void test_lineconf__pg_syntax_errors_fail(void **state)
{
	g_autofree char *a = svc_lines_fail("listen_addresses = '*' extra\n", LINECONF_PG);
	g_autofree char *b = svc_lines_fail("port = 1\n= 5\nx = 'open\n", LINECONF_PG);
	g_autofree char *c = svc_lines_fail("listen_addresses =\n", LINECONF_PG);

	assert_string_equal(a, "t.conf:1: syntax error near \"extra\"");
	assert_string_equal(b, "t.conf:2: syntax error near \"= 5\"\nt.conf:3: unterminated quoted string");
	assert_string_equal(c, "t.conf:1: syntax error near \"end of line\"");
}

static void test_lineconf__hba_fields(void **state)
{
	g_autoptr(GPtrArray) l = svc_lines("host sales, hr \"all\",\"a\"\"b\" 10.0.0.0/8 md5 # c\n"
	                                   "host all all \\\n  ::1/128 trust\n",
	                                   LINECONF_HBA);
	const struct lineconf_line *first = l->pdata[0];
	const struct lineconf_word *quoted_all = first->words->pdata[3];

	assert_int_equal(l->len, 2);
	assert_int_equal(first->words->len, 7);
	assert_int_equal(((struct lineconf_word *)first->words->pdata[2])->field, 1); /* "sales, hr" */
	assert_true(quoted_all->quoted);
	assert_int_equal(quoted_all->field, 2);
	assert_string_equal(word(l, 0, 4), "a\"b");
	assert_int_equal(((struct lineconf_word *)first->words->pdata[6])->field, 4);
	assert_string_equal(word(l, 1, 3), "::1/128");
	assert_int_equal(((struct lineconf_line *)l->pdata[1])->line, 2);
}

static void test_lineconf__nul_byte_fails(void **state)
{
	GPtrArray *lines = NULL;
	g_autoptr(GError) error = NULL;

	assert_false(lineconf_parse(&lines, "t.conf", "port 1\nbi\0nd x\n", 15, LINECONF_REDIS, &error));
	assert_string_equal(error->message, "t.conf:2: NUL byte in a text file");
}

/* ---- redis.conf --------------------------------------------------------------- */

static void test_redis__defaults(void **state)
{
	g_autoptr(GPtrArray) r = svc("cache/redis.conf", "port 6379\n");

	assert_string_equal(setting(r, "redis:cache", "bind"), "all");
	assert_string_equal(setting(r, "redis:cache", "auth"), "on"); /* protected mode */
	assert_int_equal(find(r, "redis:cache")->model, RESOURCE_SETTINGS);
	assert_string_equal(find(r, "redis:cache")->service, "redis");
}

static void test_redis__auth_values(void **state)
{
	g_autoptr(GPtrArray) a = svc("c/redis.conf", "bind 0.0.0.0\n");
	g_autoptr(GPtrArray) b = svc("c/redis.conf", "protected-mode no\n");
	g_autoptr(GPtrArray) c = svc("c/redis.conf", "bind 0.0.0.0\nrequirepass x\n");
	g_autoptr(GPtrArray) d = svc("c/redis.conf", "bind 127.0.0.1 -::1\nprotected-mode no\n");
	g_autoptr(GPtrArray) e = svc("c/redis.conf", "bind 0.0.0.0\nrequirepass \"\"\n");
	g_autoptr(GPtrArray) f = svc("c/redis.conf", "bind 10.0.0.5\n");

	assert_string_equal(setting(a, "redis:c", "auth"), "off");
	assert_int_equal(setting_line(a, "redis:c", "auth"), 1);
	assert_string_equal(setting(b, "redis:c", "auth"), "off");
	assert_int_equal(setting_line(b, "redis:c", "auth"), 1);
	assert_string_equal(setting(c, "redis:c", "auth"), "on");
	assert_string_equal(setting(d, "redis:c", "auth"), "on"); /* loopback only */
	assert_string_equal(setting(d, "redis:c", "bind"), "loopback");
	assert_string_equal(setting(e, "redis:c", "auth"), "off"); /* an empty password is none */
	assert_string_equal(setting(f, "redis:c", "bind"), "specific");
	assert_string_equal(setting(f, "redis:c", "auth"), "off");
}

static void test_redis__equivalent_spellings_equal(void **state)
{
	assert_no_change("c/redis.conf", "bind 0.0.0.0\nrequirepass s\n", "# same\nrequirepass \"s\"\nBIND * -::*\n");
	assert_no_change("c/redis.conf", "port 1\n", "protected-mode YES\nport 1\n");
	assert_no_change("c/redis.conf", "bind 10.0.0.1\nbind 127.0.0.1\n", "bind 127.0.0.1\n"); /* last wins */
}

static void test_redis__malformed_fails(void **state)
{
	g_autofree char *a = svc_fails("c/redis.conf", "port 1\nprotected-mode maybe\nbind\nrequirepass a b\n");

	assert_string_equal(a, "c/redis.conf:2: protected-mode: argument must be 'yes' or 'no'\n"
	                       "c/redis.conf:3: bind: wrong number of arguments\n"
	                       "c/redis.conf:4: requirepass: wrong number of arguments");
}

static void test_redis__include_and_acl_are_unknown(void **state)
{
	g_autoptr(GPtrArray) r = svc("c/redis.conf", "include /etc/redis/a.conf\naclfile /etc/redis/users.acl\n");
	const struct resource *res = find(r, "redis:c");

	assert_int_equal(res->unknowns->len, 2);
	assert_int_equal(((struct resource_unknown *)res->unknowns->pdata[0])->line, 1);
	assert_non_null(strstr(((struct resource_unknown *)res->unknowns->pdata[0])->what, "not followed"));
}

/* ---- sshd_config ------------------------------------------------------------- */

static void test_sshd__defaults(void **state)
{
	g_autoptr(GPtrArray) r = svc("ssh/sshd_config", "Port 22\n");

	assert_string_equal(setting(r, "sshd:ssh", "password-login"), "yes");
	assert_string_equal(setting(r, "sshd:ssh", "root-login"), "prohibit-password");
	assert_string_equal(setting(r, "sshd:ssh", "bind"), "all");
	assert_int_equal(setting_line(r, "sshd:ssh", "password-login"), 0);
}

static void test_sshd__first_value_wins_match_widens(void **state)
{
	g_autoptr(GPtrArray) a = svc("s/sshd_config", "PasswordAuthentication no\nPasswordAuthentication yes\n");
	g_autoptr(GPtrArray) b = svc("s/sshd_config", "PasswordAuthentication no\nPermitRootLogin no\n"
	                                              "Match Address 10.0.0.0/8\n PasswordAuthentication yes\n"
	                                              " PermitRootLogin without-password\n");
	g_autoptr(GPtrArray) c = svc("s/sshd_config", "Match User x\n PasswordAuthentication no\n");

	assert_string_equal(setting(a, "sshd:s", "password-login"), "no");
	assert_string_equal(setting(b, "sshd:s", "password-login"), "yes");
	assert_int_equal(setting_line(b, "sshd:s", "password-login"), 4);
	assert_string_equal(setting(b, "sshd:s", "root-login"), "prohibit-password");
	/* A Match block that says no leaves everyone else at the default. */
	assert_string_equal(setting(c, "sshd:s", "password-login"), "yes");
}

static void test_sshd__listen_addresses(void **state)
{
	g_autoptr(GPtrArray) a = svc("s/sshd_config", "ListenAddress 127.0.0.1:2222\nListenAddress [::1]:22\n");
	g_autoptr(GPtrArray) b = svc("s/sshd_config", "ListenAddress 10.0.0.5\nListenAddress [::]:22\n");
	g_autoptr(GPtrArray) c = svc("s/sshd_config", "ListenAddress 10.0.0.5 rdomain vrf1\n");

	assert_string_equal(setting(a, "sshd:s", "bind"), "loopback");
	assert_string_equal(setting(b, "sshd:s", "bind"), "all");
	assert_int_equal(setting_line(b, "sshd:s", "bind"), 2);
	assert_string_equal(setting(c, "sshd:s", "bind"), "specific");
}

static void test_sshd__malformed_fails(void **state)
{
	g_autofree char *m = svc_fails("s/sshd_config", "PasswordAuthentication maybe\nPermitRootLogin\n"
	                                                "PermitRootLogin sometimes\nMatch all\nListenAddress ::\n");

	assert_string_equal(m, "s/sshd_config:1: PasswordAuthentication: expected yes or no, got \"maybe\"\n"
	                       "s/sshd_config:2: PermitRootLogin: missing argument\n"
	                       "s/sshd_config:3: PermitRootLogin: unsupported option \"sometimes\"\n"
	                       "s/sshd_config:5: ListenAddress is not allowed in a Match block");
}

static void test_sshd__equivalent_spellings_equal(void **state)
{
	assert_no_change("s/sshd_config", "PasswordAuthentication no\nPermitRootLogin without-password\n",
	                 "# keys\npermitrootlogin=prohibit-password\npasswordauthentication = NO\n");
}

/* ---- postgresql.conf ------------------------------------------------------------ */

static void test_pg__listen_addresses(void **state)
{
	g_autoptr(GPtrArray) a = svc("db/postgresql.conf", "port = 5432\n");
	g_autoptr(GPtrArray) b = svc("db/postgresql.conf", "listen_addresses = 'localhost, 10.0.0.5'\n");
	g_autoptr(GPtrArray) c = svc("db/postgresql.conf", "LISTEN_ADDRESSES = '*'\n");
	g_autoptr(GPtrArray) d = svc("db/postgresql.conf", "listen_addresses = ''\n");
	g_autoptr(GPtrArray) e = svc("db/postgresql.conf", "listen_addresses '*'\nlisten_addresses = '::1'\n");

	assert_string_equal(setting(a, "postgresql:db", "bind"), "loopback");
	assert_string_equal(setting(b, "postgresql:db", "bind"), "specific");
	assert_string_equal(setting(c, "postgresql:db", "bind"), "all");
	assert_string_equal(setting(d, "postgresql:db", "bind"), "none");
	assert_string_equal(setting(e, "postgresql:db", "bind"), "loopback"); /* last wins */
	assert_int_equal(setting_line(e, "postgresql:db", "bind"), 2);
}

static void test_pg__include_is_unknown(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/postgresql.conf", "include_dir 'conf.d'\n");

	assert_int_equal(find(r, "postgresql:db")->unknowns->len, 1);
}

/* ---- pg_hba.conf ------------------------------------------------------------------ */

static const char hba_base[] = "local all all peer\n"
                               "host all all 127.0.0.1/32 trust\n"
                               "host sales app 10.0.0.0/8 scram-sha-256\n"
                               "host all all 10.1.0.0/16 reject\n"
                               "host all all 10.0.0.0/8 md5\n";

static void test_hba__first_match_per_pair(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/pg_hba.conf", hba_base);
	g_autofree char *any = exposure_text(r, "pg_hba:db:*/*");
	g_autofree char *app = exposure_text(r, "pg_hba:db:sales/app");

	/* 10.1/16 is rejected for everyone but app on sales, matched first. */
	assert_string_equal(any, "tcp/5432 from 10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, "
	                         "10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9, 127.0.0.1/32");
	assert_string_equal(app, "tcp/5432 from 10.0.0.0/8, 127.0.0.1/32");
	assert_string_equal(setting(r, "pg_hba:db:*/*", "auth"), "on"); /* trust from loopback only */
	assert_string_equal(find(r, "pg_hba:db:*/*")->service, "postgresql");
	/* The pairs sales/any and any/app behave as any/any and are left out. */
	assert_int_equal(r->len, 2);
}

static void test_hba__trust_from_network_is_auth_off(void **state)
{
	g_autoptr(GPtrArray) a = svc("db/pg_hba.conf", "host all all samenet trust\n");
	g_autoptr(GPtrArray) b = svc("db/pg_hba.conf", "host all all samehost trust\nhost all all ::1/128 trust\n");
	g_autoptr(GPtrArray) c = svc("db/pg_hba.conf", "host all all 0.0.0.0/0 md5\nhost all all 0.0.0.0/0 trust\n");
	g_autoptr(GPtrArray) d = svc("db/pg_hba.conf", "hostssl all all 0.0.0.0/0 md5\nhost all all 0.0.0.0/0 trust\n");

	assert_string_equal(setting(a, "pg_hba:db:*/*", "auth"), "off");
	assert_string_equal(setting(b, "pg_hba:db:*/*", "auth"), "on");
	assert_string_equal(setting(c, "pg_hba:db:*/*", "auth"), "on"); /* md5 matches first */
	/* hostssl matches only SSL connections: the others reach trust. */
	assert_string_equal(setting(d, "pg_hba:db:*/*", "auth"), "off");
	assert_int_equal(setting_line(d, "pg_hba:db:*/*", "auth"), 2);
}

static void test_hba__atoms_and_masks(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/pg_hba.conf", "host all all .example.com md5\n"
	                                               "host all all 192.168.0.0 255.255.0.0 md5\n"
	                                               "host all all samenet md5\n");
	g_autofree char *text = exposure_text(r, "pg_hba:db:*/*");

	assert_string_equal(text, "tcp/5432 from 192.168.0.0/16, host:.example.com, pg-hba:samenet");
}

static void test_hba__uncertain_names_admit_but_never_reject(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/pg_hba.conf", "host all +admins 0.0.0.0/0 reject\n"
	                                               "host sameuser all 0.0.0.0/0 md5\n");
	g_autofree char *text = exposure_text(r, "pg_hba:db:*/*");

	assert_string_equal(text, "tcp/5432 from 0.0.0.0/0");
}

static void test_hba__replication_is_its_own_database(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/pg_hba.conf", "host all all 0.0.0.0/0 md5\n"
	                                               "host replication repl 10.0.0.0/8 md5\n");
	g_autofree char *repl = exposure_text(r, "pg_hba:db:replication/*");
	g_autofree char *repl_user = exposure_text(r, "pg_hba:db:replication/repl");

	assert_string_equal(repl, "nothing"); /* "all" does not match replication */
	assert_string_equal(repl_user, "tcp/5432 from 10.0.0.0/8");
}

static void test_hba__file_references_are_unknown(void **state)
{
	g_autoptr(GPtrArray) r = svc("db/pg_hba.conf", "host @dbs all 10.0.0.0/8 md5\ninclude other.conf\n");
	const struct resource *any = find(r, "pg_hba:db:*/*");

	assert_int_equal(any->unknowns->len, 2);
	assert_int_equal(((struct resource_unknown *)any->unknowns->pdata[1])->line, 2);
}

static void test_hba__malformed_fails(void **state)
{
	g_autofree char *m = svc_fails("db/pg_hba.conf", "host all all 10.0.0.0 md5\n"
	                                                 "host sales\n"
	                                                 "hostx all all 10.0.0.0/8 md5\n"
	                                                 "host all all 10.0.0.0/40 md5\n"
	                                                 "host all all 10.0.0.0/8 pasword\n"
	                                                 "host all all 10.0.0.0/8\n"
	                                                 "host all all 10.0.0.0/8 ldap ldapserver\n"
	                                                 "local all all\n");

	assert_string_equal(m, "db/pg_hba.conf:1: invalid IP mask \"md5\"\n"
	                       "db/pg_hba.conf:2: end-of-line before role specification\n"
	                       "db/pg_hba.conf:3: invalid connection type \"hostx\"\n"
	                       "db/pg_hba.conf:4: invalid IP address \"10.0.0.0/40\"\n"
	                       "db/pg_hba.conf:5: invalid authentication method \"pasword\"\n"
	                       "db/pg_hba.conf:6: end-of-line before authentication method\n"
	                       "db/pg_hba.conf:7: authentication option not in name=value format: ldapserver\n"
	                       "db/pg_hba.conf:8: end-of-line before authentication method");
}

static void test_hba__refactor_is_no_change(void **state)
{
	assert_no_change("db/pg_hba.conf", hba_base,
	                 "# reformatted\n"
	                 "local   all all peer\n"
	                 "host    all all 127.0.0.1 255.255.255.255 trust\n"
	                 "host    sales \"app\" 10.0.0.0/9 scram-sha-256\n"
	                 "host    sales app 10.128.0.0/9 scram-sha-256\n"
	                 "host    all all \\\n 10.1.0.0/16 reject\n"
	                 "host    all all 10.0.0.0/8 md5\n");
}

static void test_hba__new_user_compares_with_any_user(void **state)
{
	g_autofree char *text = g_strconcat(hba_base, "host all bob 172.16.0.0/12 md5\n", NULL);
	g_autoptr(GPtrArray) o = NULL, n = NULL;
	g_autoptr(GPtrArray) c = changes("db/pg_hba.conf", hba_base, text, &o, &n);
	const struct compare_change *bob;
	g_autofree char *widened = NULL;

	assert_int_equal(c->len, 1);
	bob = c->pdata[0];
	assert_string_equal(bob->identity, "pg_hba:db:*/bob");
	widened = exposure_to_string(bob->widened);
	/* Only the new range: what bob could reach as "any user" is not new. */
	assert_string_equal(widened, "tcp/5432 from 172.16.0.0/12");
}

static void test_hba__removed_user_compares_with_any_user(void **state)
{
	g_autofree char *text = g_strconcat(hba_base, "host all bob 172.16.0.0/12 md5\n", NULL);
	g_autoptr(GPtrArray) o = NULL, n = NULL;
	g_autoptr(GPtrArray) c = changes("db/pg_hba.conf", text, hba_base, &o, &n);
	const struct compare_change *bob;

	assert_int_equal(c->len, 1);
	bob = c->pdata[0];
	assert_string_equal(bob->identity, "pg_hba:db:*/bob");
	assert_true(exposure_is_empty(bob->widened));
	assert_false(exposure_is_empty(bob->narrowed));
}

static void test_hba__too_many_pairs_is_a_limit(void **state)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	for (unsigned i = 0; i < 20; i++)
		g_string_append_printf(text, "host db%u user%u 10.0.0.0/8 md5\n", i, i);
	assert_false(extract_file(out, "db/pg_hba.conf", text->str, text->len, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_string_equal(error->message,
	                    "db/pg_hba.conf: 21 databases x 21 users, more than the 256 pairs driftwatch analyses");
}

static void test_lineconf__too_many_words_is_a_limit(void **state)
{
	g_autoptr(GString) text = g_string_new("bind");
	GPtrArray *lines = NULL;
	g_autoptr(GError) error = NULL;

	for (unsigned i = 0; i < DW_LIMIT_CONF_WORDS + 1; i++)
		g_string_append(text, " 10.0.0.1");
	assert_false(lineconf_parse(&lines, "t.conf", text->str, text->len, LINECONF_REDIS, &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_LIMIT));
	assert_string_equal(error->message, "t.conf:1: more than 1024 words on one line");
}

/* ---- mongod.conf and kibana.yml -------------------------------------------------- */

static void test_mongo__defaults_and_values(void **state)
{
	g_autoptr(GPtrArray) a = svc("m/mongod.conf", "net:\n  port: 27017\n");
	g_autoptr(GPtrArray) b = svc("m/mongod.conf", "net.bindIp: localhost,10.0.0.5\nsecurity:\n  authorization: enabled\n");
	g_autoptr(GPtrArray) c = svc("m/mongod.conf", "net:\n  bindIp: 127.0.0.1\n  bindIpAll: true\n");
	g_autoptr(GPtrArray) d = svc("m/mongod.conf", "security:\n  keyFile: /etc/mongo/key\n");

	assert_string_equal(setting(a, "mongodb:m", "bind"), "loopback");
	assert_string_equal(setting(a, "mongodb:m", "auth"), "off");
	assert_int_equal(setting_line(a, "mongodb:m", "auth"), 0);
	assert_string_equal(setting(b, "mongodb:m", "bind"), "specific");
	assert_string_equal(setting(b, "mongodb:m", "auth"), "on");
	assert_string_equal(setting(c, "mongodb:m", "bind"), "all");
	assert_int_equal(setting_line(c, "mongodb:m", "bind"), 3);
	assert_string_equal(setting(d, "mongodb:m", "auth"), "on");
}

static void test_mongo__flat_and_nested_equal(void **state)
{
	assert_no_change("m/mongod.conf", "net:\n  bindIp: 0.0.0.0\nsecurity:\n  authorization: disabled\n",
	                 "# same\nsecurity.authorization: disabled\nnet.bindIp: \"::,0.0.0.0\"\n");
}

static void test_mongo__expansion_and_twice_are_unknown(void **state)
{
	g_autoptr(GPtrArray) r = svc("m/mongod.conf", "net:\n  bindIp:\n    __exec: \"hostname -i\"\n"
	                                              "security:\n  authorization: enabled\n"
	                                              "security.authorization: disabled\n");
	const struct resource *m = find(r, "mongodb:m");

	assert_null(resource_setting_get(m, "bind"));
	assert_int_equal(m->unknowns->len, 2);
}

static void test_mongo__malformed_fails(void **state)
{
	g_autofree char *m = svc_fails("m/mongod.conf", "net:\n  bindIpAll: maybe\nsecurity:\n  authorization: on\n");

	assert_string_equal(m, "m/mongod.conf:2: net.bindIpAll: expected true or false, got \"maybe\"\n"
	                       "m/mongod.conf:4: security.authorization: expected enabled or disabled, got \"on\"");
}

static void test_kibana__host_and_security(void **state)
{
	g_autoptr(GPtrArray) a = svc("k/kibana.yml", "server.port: 5601\n");
	g_autoptr(GPtrArray) b = svc("k/kibana.yml", "server:\n  host: \"0.0.0.0\"\nxpack.security.enabled: false\n");
	g_autoptr(GPtrArray) c = svc("k/kibana.yml", "server.host: ${KIBANA_HOST}\n");
	g_autofree char *m = svc_fails("k/kibana.yml", "server.host: a\nserver:\n  host: b\n");

	assert_string_equal(setting(a, "kibana:k", "bind"), "loopback");
	assert_null(resource_setting_get(find(a, "kibana:k"), "auth"));
	assert_string_equal(setting(b, "kibana:k", "bind"), "all");
	assert_string_equal(setting(b, "kibana:k", "auth"), "off");
	assert_int_equal(find(c, "kibana:k")->unknowns->len, 1);
	assert_string_equal(m, "k/kibana.yml:3: server.host is set twice (also on line 1)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lineconf__redis_quoting),
		cmocka_unit_test(test_lineconf__redis_bad_quotes_fail),
		cmocka_unit_test(test_lineconf__sshd_keyword_forms),
		cmocka_unit_test(test_lineconf__sshd_bad_quotes_fail),
		cmocka_unit_test(test_lineconf__pg_name_value),
		cmocka_unit_test(test_lineconf__pg_syntax_errors_fail),
		cmocka_unit_test(test_lineconf__hba_fields),
		cmocka_unit_test(test_lineconf__nul_byte_fails),
		cmocka_unit_test(test_redis__defaults),
		cmocka_unit_test(test_redis__auth_values),
		cmocka_unit_test(test_redis__equivalent_spellings_equal),
		cmocka_unit_test(test_redis__malformed_fails),
		cmocka_unit_test(test_redis__include_and_acl_are_unknown),
		cmocka_unit_test(test_sshd__defaults),
		cmocka_unit_test(test_sshd__first_value_wins_match_widens),
		cmocka_unit_test(test_sshd__listen_addresses),
		cmocka_unit_test(test_sshd__malformed_fails),
		cmocka_unit_test(test_sshd__equivalent_spellings_equal),
		cmocka_unit_test(test_pg__listen_addresses),
		cmocka_unit_test(test_pg__include_is_unknown),
		cmocka_unit_test(test_hba__first_match_per_pair),
		cmocka_unit_test(test_hba__trust_from_network_is_auth_off),
		cmocka_unit_test(test_hba__atoms_and_masks),
		cmocka_unit_test(test_hba__uncertain_names_admit_but_never_reject),
		cmocka_unit_test(test_hba__replication_is_its_own_database),
		cmocka_unit_test(test_hba__file_references_are_unknown),
		cmocka_unit_test(test_hba__malformed_fails),
		cmocka_unit_test(test_hba__refactor_is_no_change),
		cmocka_unit_test(test_hba__new_user_compares_with_any_user),
		cmocka_unit_test(test_hba__removed_user_compares_with_any_user),
		cmocka_unit_test(test_hba__too_many_pairs_is_a_limit),
		cmocka_unit_test(test_lineconf__too_many_words_is_a_limit),
		cmocka_unit_test(test_mongo__defaults_and_values),
		cmocka_unit_test(test_mongo__flat_and_nested_equal),
		cmocka_unit_test(test_mongo__expansion_and_twice_are_unknown),
		cmocka_unit_test(test_mongo__malformed_fails),
		cmocka_unit_test(test_kibana__host_and_security),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
