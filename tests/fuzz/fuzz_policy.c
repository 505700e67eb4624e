/*
 * fuzz_policy.c - libFuzzer harness for the repository policy loader:
 * the input is a .driftwatch.yml. A policy that loads is then used:
 * every glob is matched against a few paths, it is applied to a finding
 * and compared with an empty policy, so approvals, overrides and the
 * loosening checks all run on hostile input.
 */
#include <glib.h>
#include <stdint.h>

#include "fuzz_pack.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "", "a", "infra/nsg.json", "a/b/c/d/e.yml", "//x//" };
	struct rulepack *pack = fuzz_pack();
	struct policy *p = NULL;
	GError *error = NULL;
	GPtrArray *findings;
	GDate today;

	if (!policy_parse(&p, POLICY_PATH, (const char *)data, size, pack, &error)) {
		g_assert(!p && error && error->message);
		g_error_free(error);
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
		(void)policy_ignores(p, paths[i]);
	findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	g_ptr_array_add(findings, rulepack_finding_new(pack, "DW-NET-003", "aws-sg:A", "sg.yaml", 1,
	                                               "tcp/22 from 0.0.0.0/0", g_strdup("m")));
	g_date_clear(&today, 1);
	g_date_set_dmy(&today, 1, G_DATE_JUNE, 2026);
	policy_apply(p, pack, findings, &today);
	policy_loosening(findings, pack, NULL, p);
	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];

		g_assert(f->id && f->rule && f->message);
	}
	g_ptr_array_unref(findings);
	policy_free(p);
	return 0;
}
