/*
 * hook_identity.c - who pushes, and whose key signed a commit.
 *
 * The pusher is what the hosting server authenticated, from the one
 * variable of the mode the hook was installed for: GitLab's GL_USERNAME
 * (GitLab, "Server hooks", environment variables), Gitea's
 * GITEA_PUSHER_NAME, gitolite's GL_USER, or, for plain git over SSH, the
 * account the hook runs as. The others are the pusher's to set (a push
 * over a local path carries the pusher's whole environment), so they are
 * never read.
 *
 * A signature is checked by git itself (git-verify-commit(1), through
 * "%G?" and "%GS" of git-log(1)): git reads gpg.ssh.allowedSignersFile or
 * the GPG keyring the server's administrator set up, and names the
 * principal (SSH) or the key's user id (GPG) that made a good signature.
 * That name, or the address inside its <>, must be a driftwatch.approver.
 */
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "hook.h"
#include "hook_private.h"

bool hook_identity_parse(enum hook_identity *out, const char *text)
{
	static const char *const names[] = { "plain", "gitlab", "gitea", "gitolite" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(text, names[i]) == 0) {
			*out = (enum hook_identity)i;
			return true;
		}
	}
	return false;
}

/* The account the hook runs as (sshd authenticated it); copied once. */
static const char *hook_identity_account(void)
{
	static char *name;
	struct passwd *pw;

	if (!name && (pw = getpwuid(geteuid())) && pw->pw_name && *pw->pw_name)
		name = g_strdup(pw->pw_name);
	return name;
}

const char *hook_identity_pusher(enum hook_identity mode)
{
	const char *v = NULL;

	switch (mode) {
	case HOOK_IDENTITY_PLAIN:
		return hook_identity_account();
	case HOOK_IDENTITY_GITLAB:
		v = g_getenv("GL_USERNAME");
		break;
	case HOOK_IDENTITY_GITEA:
		v = g_getenv("GITEA_PUSHER_NAME");
		break;
	case HOOK_IDENTITY_GITOLITE:
		v = g_getenv("GL_USER");
		break;
	}
	return v && *v ? v : NULL;
}

/* The approver that signer ("alice", or "Alice <alice@example.com>") is, or NULL. */
static const char *hook_signers_match(const struct hook_config *c, const char *signer)
{
	const char *lt = strchr(signer, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	g_autofree char *email = gt ? g_strndup(lt + 1, (gsize)(gt - lt - 1)) : NULL;

	for (guint i = 0; i < c->approvers->len; i++) {
		const char *a = c->approvers->pdata[i];

		if (strcmp(a, signer) == 0 || (email && strcmp(a, email) == 0))
			return a;
	}
	return NULL;
}

/* git's verdict on commit's signature: the signer when good, else NULL. New string. */
static char *hook_signers_ask_git(const char *hex)
{
	const char *argv[] = { "git", "log", "-1", "--no-walk", "--format=%G?%x09%GS", hex, NULL };
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	char *tab, *nl;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, &out, NULL, &status, &error) ||
	    !g_spawn_check_wait_status(status, NULL) || !out || strlen(out) > DW_LIMIT_SIGNER_BYTES)
		return NULL;
	/* G: a good signature by a key git trusts; every other letter is not. */
	if (out[0] != 'G' || out[1] != '\t')
		return NULL;
	tab = out + 1;
	nl = strchr(tab, '\n');
	if (nl)
		*nl = '\0';
	return *(tab + 1) ? g_strdup(tab + 1) : NULL;
}

void hook_signers_init(struct hook_signers *s, const struct hook_config *c)
{
	s->config = c;
	s->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void hook_signers_clear(struct hook_signers *s)
{
	g_clear_pointer(&s->cache, g_hash_table_unref);
}

bool hook_signers_check(const git_oid *commit, const char **who_out, void *user_data)
{
	struct hook_signers *s = user_data;
	char hex[GIT_OID_HEXSZ + 1];
	const char *who;
	char *signer;

	git_oid_tostr(hex, sizeof(hex), commit);
	if (!g_hash_table_lookup_extended(s->cache, hex, NULL, (gpointer *)&signer)) {
		signer = hook_signers_ask_git(hex);
		g_hash_table_insert(s->cache, g_strdup(hex), signer);
	}
	who = signer ? hook_signers_match(s->config, signer) : NULL;
	if (who && who_out)
		*who_out = who;
	return who != NULL;
}
