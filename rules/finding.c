/*
 * finding.c - building, copying and freeing findings, and their stable ids.
 */
#include "finding.h"

#include <string.h>

static char *finding_hash(const char *const *parts, size_t n, size_t len)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (size_t i = 0; i < n; i++) {
		if (i)
			g_checksum_update(sum, (const guchar *)"\n", 1);
		g_checksum_update(sum, (const guchar *)parts[i], -1);
	}
	return g_strndup(g_checksum_get_string(sum), len);
}

/*
 * Stable short id: rule + file + identity + region, so approvals survive
 * reruns and never reach another file (two templates that both name a
 * group "AppSG"). The old form (no file, no version letter) goes to
 * f->old_id, to recognise approvals written in it.
 */
static void finding_form_id(struct finding *f, const char *rule, const char *file,
                            const char *identity, const char *region)
{
	/* The file is in the id: an identity made unique by "@FILE" (twins)
	 * hashes without it, so the id does not depend on whether a twin is
	 * in the same comparison. */
	g_autofree char *suffix = g_strconcat("@", file ? file : "", NULL);
	g_autofree char *plain = file && g_str_has_suffix(identity, suffix)
	                                 ? g_strndup(identity, strlen(identity) - strlen(suffix))
	                                 : g_strdup(identity);
	const char *now[] = { "2", rule, file ? file : "", plain, region };
	const char *before[] = { rule, identity, region };
	g_autofree char *hex = finding_hash(now, G_N_ELEMENTS(now), 11);

	f->id = g_strdup_printf("%c%s", FINDING_ID_VERSION, hex);
	f->old_id = finding_hash(before, G_N_ELEMENTS(before), 12);
}

struct finding *finding_new(const struct rule *rule, const char *resource, const char *file,
                            const char *region)
{
	struct finding *f = g_new0(struct finding, 1);

	g_assert(rule && resource && region);
	f->rule = rule;
	f->severity = rule->severity;
	finding_form_id(f, rule->id, file, resource, region);
	f->resource = g_strdup(resource);
	f->file = g_strdup(file);
	f->widened = g_strdup(region);
	f->before = g_strdup("");
	return f;
}

struct finding *finding_new_sets(const struct rule *rule, const char *resource, const char *file,
                                 const exposure *widened, const exposure *before,
                                 const exposure *after)
{
	g_autofree char *region = exposure_to_string(widened);
	struct finding *f = finding_new(rule, resource, file, region);

	f->widened_set = exposure_copy(widened);
	if (before) {
		f->before_set = exposure_copy(before);
		g_free(f->before);
		f->before = exposure_to_string(before);
	}
	if (after) {
		f->after_set = exposure_copy(after);
		f->after = exposure_to_string(after);
	}
	return f;
}

struct finding *finding_restore(const struct rule *rule, const char *id)
{
	struct finding *f = g_new0(struct finding, 1);

	f->rule = rule;
	f->severity = rule ? rule->severity : SEVERITY_INFO;
	f->id = g_strdup(id);
	return f;
}

void finding_free(struct finding *f)
{
	if (!f)
		return;
	g_free(f->id);
	g_free(f->old_id);
	g_free(f->resource);
	g_free(f->kind);
	g_free(f->name);
	g_free(f->file);
	g_free(f->widened);
	g_free(f->before);
	g_free(f->after);
	exposure_free(f->widened_set);
	exposure_free(f->before_set);
	exposure_free(f->after_set);
	g_free(f->message);
	g_free(f->headline);
	g_free(f->setting_key);
	g_free(f->commit);
	g_free(f->author);
	g_free(f->date);
	g_free(f->subject);
	g_free(f->approval_reason);
	g_free(f->approved_by);
	g_free(f->approval_expires);
	g_free(f->approval_comment);
	g_free(f);
}

static exposure *finding_copy_set(const exposure *e)
{
	return e ? exposure_copy(e) : NULL;
}

struct finding *finding_copy(const struct finding *f)
{
	/* The scalars (rule, severity, line, the flags) come with the memdup. */
	struct finding *c = g_memdup2(f, sizeof(*f));

	c->id = g_strdup(f->id);
	c->old_id = g_strdup(f->old_id);
	c->resource = g_strdup(f->resource);
	c->kind = g_strdup(f->kind);
	c->name = g_strdup(f->name);
	c->file = g_strdup(f->file);
	c->widened = g_strdup(f->widened);
	c->before = g_strdup(f->before);
	c->after = g_strdup(f->after);
	c->widened_set = finding_copy_set(f->widened_set);
	c->before_set = finding_copy_set(f->before_set);
	c->after_set = finding_copy_set(f->after_set);
	c->message = g_strdup(f->message);
	c->headline = g_strdup(f->headline);
	c->setting_key = g_strdup(f->setting_key);
	c->commit = g_strdup(f->commit);
	c->author = g_strdup(f->author);
	c->date = g_strdup(f->date);
	c->subject = g_strdup(f->subject);
	c->approval_reason = g_strdup(f->approval_reason);
	c->approved_by = g_strdup(f->approved_by);
	c->approval_expires = g_strdup(f->approval_expires);
	c->approval_comment = g_strdup(f->approval_comment);
	return c;
}

enum rule_family finding_family(const struct finding *f)
{
	return f->rule ? f->rule->family : RULE_FAMILY_UNKNOWN;
}

char *finding_approval_text(const struct finding *f)
{
	if (!f->suppressed)
		return NULL;
	if (f->approval_comment)
		return g_strdup_printf("approved by a comment at %s: %s", f->approval_comment,
		                       f->approval_reason);
	if (f->approval_at_push)
		return g_strdup_printf("approved by %s at push time: %s", f->approved_by,
		                       f->approval_reason);
	if (f->approval_expires)
		return g_strdup_printf("approved by %s until %s: %s", f->approved_by, f->approval_expires,
		                       f->approval_reason);
	return g_strdup_printf("approved by %s in this commit: %s", f->approved_by, f->approval_reason);
}

char *finding_where(const char *file, unsigned line)
{
	return line ? g_strdup_printf("%s:%u", file, line) : g_strdup(file);
}
