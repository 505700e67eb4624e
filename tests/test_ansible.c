/*
 * test_ansible.c - Ansible tasks of the three clouds' network modules
 * (extract_ansible.c), read through extract_file() as the git walk reads
 * them: exposures as canonical text, identities, unknowns and problems.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dw_error.h"
#include "extract.h"

/* The resources of text read as path; fails the test when not read. */
static GPtrArray *read_ok(const char *path, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	if (!extract_file(out, path, text, strlen(text), &error))
		fail_msg("%s", error->message);
	resources_join(out);
	return out;
}

static const struct resource *find(GPtrArray *rs, const char *identity)
{
	for (guint i = 0; i < rs->len; i++) {
		const struct resource *r = rs->pdata[i];

		if (strcmp(r->identity, identity) == 0)
			return r;
	}
	fail_msg("no resource %s", identity);
	return NULL;
}

/* What r lets in, as canonical text. */
static char *allowed(const struct resource *r)
{
	g_autoptr(exposure) e = resource_exposure(r);

	return exposure_to_string(e);
}

/* The part of what r lets in from sources in cidr. */
static char *allowed_from(const struct resource *r, const char *cidr)
{
	g_autoptr(exposure) e = resource_exposure(r);
	g_autoptr(srcset) s = srcset_new();
	g_autoptr(exposure) part = NULL;

	assert_true(srcset_add_cidr(s, cidr, NULL));
	part = exposure_restrict_sources(e, s);
	return exposure_to_string(part);
}

static const char playbook[] =
	"- name: network\n"
	"  hosts: localhost\n"
	"  vars:\n"
	"    rg: prod-rg\n"
	"    admin: 10.9.0.0/16\n"
	"    es_port: 9200\n"
	"    sg_name: web\n"
	"  tasks:\n"
	"    - name: nsg\n"
	"      azure.azcollection.azure_rm_securitygroup:\n"
	"        resource_group: \"{{ rg }}\"\n"
	"        name: web-nsg\n"
	"        rules:\n"
	"          - name: ssh\n"
	"            protocol: Tcp\n"
	"            destination_port_range: 22\n"
	"            source_address_prefix: \"{{ admin }}\"\n"
	"            priority: 100\n"
	"          - name: deny-es\n"
	"            protocol: Tcp\n"
	"            destination_port_range: \"{{ es_port }}\"\n"
	"            access: Deny\n"
	"            priority: 110\n"
	"          - name: all\n"
	"            priority: 120\n"
	"    - block:\n"
	"        - amazon.aws.ec2_security_group:\n"
	"            name: \"{{ sg_name }}-sg\"\n"
	"            vpc_id: vpc-1\n"
	"            description: web\n"
	"            rules:\n"
	"              - proto: tcp\n"
	"                ports: [80, \"8000-8001\"]\n"
	"                cidr_ip: 0.0.0.0/0\n"
	"              - proto: tcp\n"
	"                from_port: 22\n"
	"                to_port: 22\n"
	"                cidr_ipv6: ::/0\n"
	"            rules_egress:\n"
	"              - proto: all\n"
	"                cidr_ip: 0.0.0.0/0\n"
	"      rescue:\n"
	"        - gcp_compute_firewall:\n"
	"            name: es\n"
	"            project: p1\n"
	"            allowed:\n"
	"              - ip_protocol: tcp\n"
	"                ports: ['9200']\n"
	"            source_ranges: ['0.0.0.0/0']\n";

static void test_ansible__azure_rules_are_first_match_with_defaults(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("site.yml", playbook);
	const struct resource *r = find(rs, "ansible:azure_rm_securitygroup:prod-rg/web-nsg");
	g_autofree char *from_admin = allowed_from(r, "10.9.0.0/16");
	g_autofree char *from_net = allowed_from(r, "0.0.0.0/0");

	(void)state;
	assert_int_equal(r->model, RESOURCE_FIRST_MATCH);
	/* ssh from admin; the deny takes 9200 from everyone; the rest is open. */
	assert_string_equal(from_admin, "all protocols except tcp from 10.9.0.0/16; "
	                                "tcp/0-9199,9201-65535 from 10.9.0.0/16");
	assert_string_equal(from_net, "all protocols except tcp from 0.0.0.0/0; tcp/0-9199,9201-65535 from 0.0.0.0/0");
	assert_int_equal(r->unknowns->len, 0);
}

static void test_ansible__ec2_rules_in_a_block_are_a_union(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("site.yml", playbook);
	const struct resource *r = find(rs, "ansible:ec2_security_group:vpc-1/web-sg");
	g_autofree char *text = allowed(r);

	(void)state;
	/* rules_egress is not ingress. */
	assert_string_equal(text, "tcp/22 from ::/0; tcp/80,8000-8001 from 0.0.0.0/0");
}

static void test_ansible__gcp_firewall_in_rescue_is_read(void **state)
{
	g_autoptr(GPtrArray) rs = read_ok("site.yml", playbook);
	const struct resource *r = find(rs, "ansible:gcp_compute_firewall:p1/es");
	g_autofree char *text = allowed(r);

	(void)state;
	assert_string_equal(text, "tcp/9200 from 0.0.0.0/0");
}

static void test_ansible__variable_from_elsewhere_is_a_named_unknown(void **state)
{
	static const char tasks[] = "- name: sg\n"
	                            "  ec2_group:\n"
	                            "    name: db\n"
	                            "    rules:\n"
	                            "      - proto: tcp\n"
	                            "        ports: [5432]\n"
	                            "        cidr_ip: \"{{ office_cidr }}\"\n"
	                            "      - proto: tcp\n"
	                            "        ports: [22]\n"
	                            "        cidr_ip: \"{{ bastion | ipaddr }}\"\n";
	g_autoptr(GPtrArray) rs = read_ok("roles/db/tasks/main.yml", tasks);
	const struct resource *r = find(rs, "ansible:ec2_security_group:-/db");
	g_autofree char *text = allowed(r);
	const struct resource_unknown *u0, *u1;

	(void)state;
	assert_string_equal(text, "nothing");
	assert_int_equal(r->unknowns->len, 2);
	u0 = r->unknowns->pdata[0];
	u1 = r->unknowns->pdata[1];
	assert_non_null(strstr(u0->what, "variable office_cidr is not set"));
	assert_int_equal(u0->line, 7);
	assert_non_null(strstr(u1->what, "a Jinja expression, not evaluated"));
}

static void test_ansible__vars_files_resolve_variables(void **state)
{
	static const char tasks[] = "- gcp_compute_firewall:\n"
	                            "    name: ssh\n"
	                            "    allowed: [{ip_protocol: tcp, ports: ['{{ ssh_port }}']}]\n"
	                            "    source_ranges: \"{{ ranges }}\"\n";
	static const char defaults[] = "ssh_port: \"22\"\nranges: ['192.0.2.0/24', '{{ extra }}']\nextra: 10.0.0.0/8\n";
	struct extract_tf_file vars = { "roles/x/defaults/main.yml", defaults, sizeof(defaults) - 1 };
	g_autoptr(doc) d = NULL;
	g_autoptr(GPtrArray) rs = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;

	(void)state;
	assert_true(doc_parse_yaml(&d, "roles/x/tasks/main.yml", tasks, strlen(tasks), NULL, &error));
	assert_true(extract_ansible(rs, d, &vars, 1, &error));
	text = allowed(find(rs, "ansible:gcp_compute_firewall:-/ssh"));
	assert_string_equal(text, "tcp/22 from 10.0.0.0/8, 192.0.2.0/24");
}

static void test_ansible__renamed_task_keeps_its_identity(void **state)
{
	static const char a[] = "- name: one\n  ec2_security_group: {name: web, vpc_id: v, rules: "
	                        "[{proto: tcp, ports: [443], cidr_ip: 0.0.0.0/0}]}\n";
	static const char b[] = "- name: prelude\n  debug: {msg: hi}\n- name: two, renamed\n  block:\n"
	                        "    - amazon.aws.ec2_security_group: {name: web, vpc_id: v, rules: "
	                        "[{proto: tcp, ports: [443], cidr_ip: 0.0.0.0/0}]}\n";
	g_autoptr(GPtrArray) ra = read_ok("a.yml", a);
	g_autoptr(GPtrArray) rb = read_ok("b.yml", b);
	g_autofree char *ta = allowed(find(ra, "ansible:ec2_security_group:v/web"));
	g_autofree char *tb = allowed(find(rb, "ansible:ec2_security_group:v/web"));

	(void)state;
	assert_string_equal(ta, "tcp/443 from 0.0.0.0/0");
	assert_string_equal(ta, tb);
}

static void test_ansible__absent_and_egress_and_disabled_add_nothing(void **state)
{
	static const char text[] = "- ec2_security_group: {name: gone, state: absent, rules: "
	                           "[{proto: tcp, ports: [22], cidr_ip: 0.0.0.0/0}]}\n"
	                           "- gcp_compute_firewall: {name: out, direction: EGRESS, allowed: [{ip_protocol: all}]}\n"
	                           "- gcp_compute_firewall: {name: off, disabled: true, allowed: [{ip_protocol: all}]}\n";
	g_autoptr(GPtrArray) rs = read_ok("t.yml", text);
	g_autofree char *out = allowed(find(rs, "ansible:gcp_compute_firewall:-/out"));
	g_autofree char *off = allowed(find(rs, "ansible:gcp_compute_firewall:-/off"));

	(void)state;
	assert_int_equal(rs->len, 2);
	assert_string_equal(out, "nothing");
	assert_string_equal(off, "nothing");
}

static void test_ansible__bad_port_fails_the_file(void **state)
{
	static const char text[] = "- ec2_group: {name: web, rules: [{proto: tcp, ports: [http], cidr_ip: 0.0.0.0/0}]}\n";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	(void)state;
	assert_false(extract_file(out, "t.yml", text, strlen(text), &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_PARSE));
	assert_non_null(strstr(error->message, "t.yml:1"));
	assert_non_null(strstr(error->message, "http"));
}

static void test_ansible__free_form_arguments_fail_the_file(void **state)
{
	static const char text[] = "- name: x\n  ec2_group: name=web description=x\n";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	(void)state;
	assert_false(extract_file(out, "t.yml", text, strlen(text), &error));
	assert_non_null(strstr(error->message, "free-form"));
}

static void test_ansible__self_referencing_variable_stops(void **state)
{
	static const char text[] = "- hosts: all\n  vars: {a: '{{ b }}', b: '{{ a }}'}\n  tasks:\n"
	                           "    - ec2_group: {name: w, rules: [{proto: tcp, ports: [1], cidr_ip: '{{ a }}'}]}\n";
	g_autoptr(GPtrArray) rs = read_ok("t.yml", text);
	const struct resource *r = find(rs, "ansible:ec2_security_group:-/w");

	(void)state;
	assert_int_equal(r->unknowns->len, 1);
	assert_non_null(strstr(((struct resource_unknown *)r->unknowns->pdata[0])->what, "too deep"));
}

static void test_ansible__other_modules_stay_recognised_not_read(void **state)
{
	static const char text[] = "- hosts: all\n  tasks:\n    - name: open\n      community.general.ufw: {rule: allow, port: '22'}\n";
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GError) error = NULL;

	(void)state;
	assert_false(extract_file(out, "site.yml", text, strlen(text), &error));
	assert_true(g_error_matches(error, DW_ERROR, DW_ERROR_NOT_READ));
}

static void test_ansible__unknown_name_is_info_and_keeps_the_rules(void **state)
{
	static const char text[] = "- gcp_compute_firewall: {name: '{{ env }}-ssh', allowed: [{ip_protocol: tcp, ports: ['22']}]}\n";
	g_autoptr(GPtrArray) rs = read_ok("t.yml", text);
	const struct resource *r = find(rs, "ansible:gcp_compute_firewall:-/?");
	g_autofree char *open = allowed(r);

	(void)state;
	/* No source_ranges: every IPv4 address, as GCP does, whatever the name. */
	assert_string_equal(open, "tcp/22 from 0.0.0.0/0");
	assert_int_equal(r->unknowns->len, 1);
	assert_true(g_str_has_prefix(((struct resource_unknown *)r->unknowns->pdata[0])->what, RESOURCE_UNKNOWN_NAME));
}

static void test_ansible__other_module_beside_a_read_one_is_an_unknown(void **state)
{
	static const char text[] = "- hosts: all\n  tasks:\n"
	                           "    - ec2_group: {name: w, rules: [{proto: tcp, ports: [443], cidr_ip: 0.0.0.0/0}]}\n"
	                           "    - block:\n"
	                           "        - name: host firewall\n"
	                           "          community.general.ufw: {rule: allow, port: '5432'}\n";
	g_autoptr(GPtrArray) rs = read_ok("site.yml", text);
	const struct resource *u = find(rs, "unread:site.yml");
	const struct resource_unknown *what;

	(void)state;
	assert_int_equal(u->unknowns->len, 1);
	what = u->unknowns->pdata[0];
	assert_int_equal(what->line, 5);
	assert_non_null(strstr(what->what, "community.general.ufw"));
}

/* A play whose variable vN is ten copies of v(N-1), N up to levels. */
static GPtrArray *read_tenfold(unsigned levels)
{
	g_autoptr(GString) text = g_string_new("- hosts: all\n  vars:\n    v0: 10.0.0.0/8\n");

	for (unsigned i = 1; i <= levels; i++) {
		g_string_append_printf(text, "    v%u: \"", i);
		for (int k = 0; k < 10; k++)
			g_string_append_printf(text, "{{ v%u }}", i - 1);
		g_string_append(text, "\"\n");
	}
	g_string_append_printf(text, "  tasks:\n    - ec2_group: {name: w, rules: [{proto: tcp, ports: [1], "
	                             "cidr_ip: '{{ v%u }}'}]}\n", levels);
	return read_ok("t.yml", text->str);
}

static void test_ansible__multiplying_variables_are_cut_off(void **state)
{
	g_autoptr(GPtrArray) deep = read_tenfold(30);
	g_autoptr(GPtrArray) wide = read_tenfold(7);
	const struct resource *r;

	(void)state;
	/* 10^7 copies of v0 would be 110 MB: cut at 64 KiB, an unknown, quickly. */
	r = find(wide, "ansible:ec2_security_group:-/w");
	assert_int_equal(r->unknowns->len, 1);
	assert_non_null(strstr(((struct resource_unknown *)r->unknowns->pdata[0])->what, "64 KiB"));
	r = find(deep, "ansible:ec2_security_group:-/w");
	assert_int_equal(r->unknowns->len, 1);
	assert_non_null(strstr(((struct resource_unknown *)r->unknowns->pdata[0])->what, "too deep"));
}

static void test_ansible__gcp_deny_for_some_targets_denies_nothing(void **state)
{
	static const char text[] = "- gcp_compute_firewall: {name: a, priority: 100, target_tags: [db], "
	                           "denied: [{ip_protocol: tcp, ports: ['22']}], allowed: [{ip_protocol: tcp, ports: ['22']}], "
	                           "source_service_accounts: [ci@p.iam]}\n"
	                           "- gcp_compute_firewall: {name: b, priority: 100, "
	                           "denied: [{ip_protocol: tcp, ports: ['22']}], allowed: [{ip_protocol: tcp, ports: ['22']}]}\n";
	g_autoptr(GPtrArray) rs = read_ok("t.yml", text);
	g_autofree char *a = allowed(find(rs, "ansible:gcp_compute_firewall:-/a"));
	g_autofree char *b = allowed(find(rs, "ansible:gcp_compute_firewall:-/b"));

	(void)state;
	assert_string_equal(a, "tcp/22 from gcp-sa:ci@p.iam");
	/* Deny wins at equal priority. */
	assert_string_equal(b, "nothing");
}

static void test_ansible__unknown_protocol_or_ports_add_no_rule(void **state)
{
	static const char text[] = "- ec2_group: {name: w, rules: [\n"
	                           "  {proto: '{{ p }}', ports: [22], cidr_ip: 0.0.0.0/0},\n"
	                           "  {proto: tcp, ports: '{{ ps }}', cidr_ip: 0.0.0.0/0},\n"
	                           "  {proto: tcp, from_port: '{{ f }}', to_port: 90, cidr_ip: 0.0.0.0/0},\n"
	                           "  {proto: udp, ports: [53], cidr_ip: 10.0.0.0/8}]}\n"
	                           "- azure_rm_securitygroup: {name: n, resource_group: g, rules: [\n"
	                           "  {name: a, priority: '{{ prio }}', destination_port_range: 22},\n"
	                           "  {name: b, priority: 200, protocol: '{{ pr }}', destination_port_range: 23}]}\n";
	g_autoptr(GPtrArray) rs = read_ok("t.yml", text);
	const struct resource *sg = find(rs, "ansible:ec2_security_group:-/w");
	const struct resource *nsg = find(rs, "ansible:azure_rm_securitygroup:g/n");
	g_autofree char *sg_text = allowed(sg);
	g_autofree char *from_world = NULL;
	g_autoptr(exposure) e = resource_exposure(nsg);
	g_autoptr(srcset) world = srcset_new();
	g_autoptr(exposure) part = NULL;

	(void)state;
	/* Not tcp by default, not all ports: nothing guessed, three unknowns. */
	assert_string_equal(sg_text, "udp/53 from 10.0.0.0/8");
	assert_int_equal(sg->unknowns->len, 3);
	srcset_add_v4(world, 0, G_MAXUINT32);
	part = exposure_restrict_sources(e, world);
	from_world = exposure_to_string(part);
	assert_string_equal(from_world, "nothing");
	assert_int_equal(nsg->unknowns->len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ansible__azure_rules_are_first_match_with_defaults),
		cmocka_unit_test(test_ansible__ec2_rules_in_a_block_are_a_union),
		cmocka_unit_test(test_ansible__gcp_firewall_in_rescue_is_read),
		cmocka_unit_test(test_ansible__variable_from_elsewhere_is_a_named_unknown),
		cmocka_unit_test(test_ansible__vars_files_resolve_variables),
		cmocka_unit_test(test_ansible__renamed_task_keeps_its_identity),
		cmocka_unit_test(test_ansible__absent_and_egress_and_disabled_add_nothing),
		cmocka_unit_test(test_ansible__bad_port_fails_the_file),
		cmocka_unit_test(test_ansible__free_form_arguments_fail_the_file),
		cmocka_unit_test(test_ansible__self_referencing_variable_stops),
		cmocka_unit_test(test_ansible__other_modules_stay_recognised_not_read),
		cmocka_unit_test(test_ansible__unknown_name_is_info_and_keeps_the_rules),
		cmocka_unit_test(test_ansible__other_module_beside_a_read_one_is_an_unknown),
		cmocka_unit_test(test_ansible__multiplying_variables_are_cut_off),
		cmocka_unit_test(test_ansible__gcp_deny_for_some_targets_denies_nothing),
		cmocka_unit_test(test_ansible__unknown_protocol_or_ports_add_no_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
