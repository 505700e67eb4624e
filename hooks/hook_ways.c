/*
 * hook_ways.c - what a rejected pusher reads last: how to go ahead, with
 * the real finding ids, the approvers by name, and only the ways of
 * approving this server believes.
 */
#include <string.h>

#include "dw_escape.h"
#include "hook.h"
#include "hook_private.h"

#define HOOK_APPROVE_OPTION "driftwatch.approve="

static bool hook_ways_blocks(const struct hook_config *c, const struct finding *f)
{
	return !f->suppressed && f->severity >= hook_threshold(c, f);
}

/* The trailer form, one line per blocking finding, under the commit to amend. */
static void hook_ways_trailers(struct hook_push *p, FILE *err, GPtrArray *findings)
{
	const char *pre = p->prefix;

	fprintf(err, "%s  or, in the commit that introduced each finding, a trailer%s:\n", pre,
	        p->h.config.trust_unverified ? "" : " (the commit signed by an approver, or pushed by one)");
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!hook_ways_blocks(&p->h.config, f) || finding_family(f) == RULE_FAMILY_POLICY ||
		    f->unchecked)
			continue;
		fprintf(err, "%s      Exposure-Approved: %s <reason>%s%.12s\n", pre, f->id,
		        f->commit ? "   in " : "", f->commit ? f->commit : "");
	}
}

/* The inline comment form, on each finding's line. */
static void hook_ways_comments(struct hook_push *p, FILE *err, GPtrArray *findings)
{
	const char *pre = p->prefix;
	bool header = false;

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];
		g_autofree char *file = NULL;

		if (!hook_ways_blocks(&p->h.config, f) || !f->line || !f->file || f->unchecked ||
		    finding_family(f) == RULE_FAMILY_POLICY ||
		    finding_family(f) == RULE_FAMILY_PARSE)
			continue;
		if (!header)
			fprintf(err, "%s  or a comment at the end of the finding's line:\n", pre);
		header = true;
		file = dw_escape(f->file);
		fprintf(err, "%s      %s driftwatch:allow %s <reason>   at %s:%u\n", pre,
		        g_str_has_suffix(f->file, ".json") || g_str_has_suffix(f->file, ".tf") ? "//" : "#",
		        f->rule->id, file, f->line);
	}
}

static void hook_ways_policy(struct hook_push *p, FILE *err, GPtrArray *findings)
{
	const char *pre = p->prefix;

	fprintf(err, "%s  or an entry under approvals: in .driftwatch.yml%s (man driftwatch.yml):\n", pre,
	        p->h.config.trust_unverified ? "" : ", pushed or signed by an approver");
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		if (!hook_ways_blocks(&p->h.config, f) || finding_family(f) == RULE_FAMILY_POLICY)
			continue;
		fprintf(err, "%s      - {finding: %s, reason: <reason>, approved_by: <name>, "
		             "expires: <YYYY-MM-DD>}\n", pre, f->id);
	}
}

void hook_print_ways(struct hook_push *p, FILE *err, GPtrArray *findings)
{
	g_autofree char *ids = hook_blocking_ids(findings, &p->h.config);
	g_autofree char *approvers = hook_config_approvers_text(&p->h.config);
	const char *pre = p->prefix;
	unsigned trust = p->h.config.trust;

	fprintf(err, "%s\n%sTo go ahead, fix the change, or have each finding approved by an approver "
	             "(%s):\n", pre, pre, *approvers ? approvers : "none is set: git config driftwatch.approver");
	if (trust & HOOK_TRUST_PUSH_OPTION)
		fprintf(err, "%s  an approver pushes again: git push -o %s%s\n", pre, HOOK_APPROVE_OPTION,
		        ids);
	if (trust & HOOK_TRUST_TRAILER)
		hook_ways_trailers(p, err, findings);
	if (trust & HOOK_TRUST_COMMENT)
		hook_ways_comments(p, err, findings);
	if (trust & HOOK_TRUST_POLICY)
		hook_ways_policy(p, err, findings);
	if (!(trust & HOOK_TRUST_ALL))
		fprintf(err, "%s  (this server trusts no approvals: ask its administrator)\n", pre);
}
