/*
 * test_compare.c - pairing old and new resources across renames and
 * moves (compare_resources_renamed), on files read by the extractors:
 * a renamed or moved file, twins that move together, a module directory
 * that moves, an identity that changed while the content did not, a name
 * that stopped resolving; and what the classifier makes of a removed NSG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "compare.h"
#include "rulepack.h"

static struct rulepack *pack;

static int setup_pack(void **state)
{
	g_autoptr(GError) error = NULL;

	if (!rulepack_load(&pack, g_getenv("DW_RULE_PACK"), &error)) {
		fprintf(stderr, "rule pack: %s\n", error->message);
		return -1;
	}
	return 0;
}

static int teardown_pack(void **state)
{
	g_clear_pointer(&pack, rulepack_free);
	return 0;
}

/* An ARM template with one NSG: an HTTPS rule and one more from source on port. */
static char *arm_nsg(const char *name, const char *source, const char *port)
{
	return g_strdup_printf(
	        "{\n"
	        "  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
	        "  \"contentVersion\": \"1.0.0.0\",\n"
	        "  \"resources\": [{\n"
	        "    \"type\": \"Microsoft.Network/networkSecurityGroups\",\n"
	        "    \"apiVersion\": \"2022-07-01\",\n"
	        "    \"name\": \"%s\",\n"
	        "    \"location\": \"[resourceGroup().location]\",\n"
	        "    \"properties\": {\"securityRules\": [\n"
	        "      {\"name\": \"https\", \"properties\": {\"priority\": 100, \"direction\": \"Inbound\",\n"
	        "        \"access\": \"Allow\", \"protocol\": \"Tcp\", \"sourceAddressPrefix\": \"*\",\n"
	        "        \"sourcePortRange\": \"*\", \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"443\"}},\n"
	        "      {\"name\": \"admin\", \"properties\": {\"priority\": 200, \"direction\": \"Inbound\",\n"
	        "        \"access\": \"Allow\", \"protocol\": \"Tcp\", \"sourceAddressPrefix\": \"%s\",\n"
	        "        \"sourcePortRange\": \"*\", \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"%s\"}}\n"
	        "    ]}\n"
	        "  }]\n"
	        "}\n",
	        name, source, port);
}

/* A CloudFormation template with one group admitting tcp/port from cidr. */
static char *cfn_sg(const char *logical_id, const char *port, const char *cidr)
{
	return g_strdup_printf("AWSTemplateFormatVersion: '2010-09-09'\n"
	                       "Resources:\n"
	                       "  %s:\n"
	                       "    Type: AWS::EC2::SecurityGroup\n"
	                       "    Properties:\n"
	                       "      GroupDescription: app servers\n"
	                       "      SecurityGroupIngress:\n"
	                       "        - IpProtocol: tcp\n"
	                       "          FromPort: %s\n"
	                       "          ToPort: %s\n"
	                       "          CidrIp: %s\n",
	                       logical_id, port, port, cidr);
}

/* Appends the resources of one file (text taken) to side. */
static void add_file(GPtrArray *side, const char *path, char *text)
{
	g_autoptr(GError) error = NULL;

	assert_true(extract_file(side, path, text, strlen(text), &error));
	g_free(text);
}

/* Appends the resources of a one-file Terraform module in dir. */
static void add_tf(GPtrArray *side, const char *dir, const char *text)
{
	g_autofree char *path = g_strdup_printf("%s/main.tf", dir);
	struct extract_tf_file f = { path, text, strlen(text) };
	g_autoptr(GError) error = NULL;

	assert_true(extract_tf_module(side, dir, &f, 1, NULL, &error));
}

static GPtrArray *side_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
}

static GHashTable *renames_new(const char *from, const char *to, ...)
{
	GHashTable *r = g_hash_table_new(g_str_hash, g_str_equal);
	va_list ap;

	va_start(ap, to);
	while (from) {
		g_hash_table_insert(r, (gpointer)from, (gpointer)to);
		from = va_arg(ap, const char *);
		to = from ? va_arg(ap, const char *) : NULL;
	}
	va_end(ap);
	return r;
}

static GPtrArray *compare(GPtrArray *olds, GPtrArray *news, GHashTable *renames)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)compare_change_free);

	compare_resources_renamed(out, olds, news, renames);
	return out;
}

static const struct compare_change *change_of(GPtrArray *changes, const char *identity)
{
	for (guint i = 0; i < changes->len; i++) {
		const struct compare_change *c = changes->pdata[i];

		if (strcmp(c->identity, identity) == 0)
			return c;
	}
	return NULL;
}

static void assert_widened(const struct compare_change *c, const char *expected)
{
	g_autofree char *text = NULL;

	assert_non_null(c);
	text = exposure_to_string(c->widened);
	assert_string_equal(text, expected);
}

/* Two templates that both define web-nsg move together: paired by rename. */
static void test_compare__twins_that_move_together_pair_by_rename(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GHashTable) renames = renames_new("east/nsg.json", "regions/east/nsg.json",
	                                            "west/nsg.json", "regions/west/nsg.json", NULL);
	g_autoptr(GPtrArray) with = NULL;
	g_autoptr(GPtrArray) without = NULL;

	add_file(olds, "east/nsg.json", arm_nsg("web-nsg", "10.1.0.0/16", "22"));
	add_file(olds, "west/nsg.json", arm_nsg("web-nsg", "10.2.0.0/16", "3389"));
	add_file(news, "regions/east/nsg.json", arm_nsg("web-nsg", "10.1.0.0/16", "22"));
	add_file(news, "regions/west/nsg.json", arm_nsg("web-nsg", "10.2.0.0/16", "3389"));
	with = compare(olds, news, renames);
	assert_int_equal(with->len, 0);
	/* Without the renames, equal content still pairs each with itself. */
	without = compare(olds, news, NULL);
	assert_int_equal(without->len, 0);
}

/* One of two moved twins also changed: exactly that one is reported, for its file. */
static void test_compare__moved_twin_that_changed_is_reported_alone(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GHashTable) renames = renames_new("east/nsg.json", "regions/east/nsg.json",
	                                            "west/nsg.json", "regions/west/nsg.json", NULL);
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GPtrArray) unpaired = NULL;

	add_file(olds, "east/nsg.json", arm_nsg("web-nsg", "10.1.0.0/16", "22"));
	add_file(olds, "west/nsg.json", arm_nsg("web-nsg", "10.2.0.0/16", "3389"));
	add_file(news, "regions/east/nsg.json", arm_nsg("web-nsg", "10.1.0.0/16", "22"));
	add_file(news, "regions/west/nsg.json", arm_nsg("web-nsg", "10.2.0.0/15", "3389"));
	changes = compare(olds, news, renames);
	assert_int_equal(changes->len, 1);
	assert_string_equal(((struct compare_change *)changes->pdata[0])->new_r->file,
	                    "regions/west/nsg.json");
	assert_string_equal(((struct compare_change *)changes->pdata[0])->old_r->file, "west/nsg.json");
	assert_widened(changes->pdata[0], "tcp/3389 from 10.3.0.0/16");
	/* Without the renames that twin is a removed and a new NSG. */
	unpaired = compare(olds, news, NULL);
	assert_int_equal(unpaired->len, 2);
}

static const char tf_group[] = "resource \"aws_security_group\" \"web\" {\n"
                               "  name = \"web\"\n"
                               "  ingress {\n"
                               "    from_port   = 443\n"
                               "    to_port     = 443\n"
                               "    protocol    = \"tcp\"\n"
                               "    cidr_blocks = [\"0.0.0.0/0\"]\n"
                               "  }\n"
                               "}\n";

/* A Terraform module directory moves: its identity (tf:DIR:...) follows. */
static void test_compare__moved_module_directory_keeps_identity(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GHashTable) renames = renames_new("infra/net/main.tf", "network/main.tf", NULL);
	g_autoptr(GPtrArray) with = NULL;
	g_autoptr(GPtrArray) without = NULL;

	add_tf(olds, "infra/net", tf_group);
	add_tf(news, "network", tf_group);
	assert_string_equal(((struct resource *)olds->pdata[0])->identity,
	                    "tf:infra/net:aws_security_group.web");
	with = compare(olds, news, renames);
	assert_int_equal(with->len, 0);
	/* Equal content pairs too, even without the rename... */
	without = compare(olds, news, NULL);
	assert_int_equal(without->len, 0);
}

/* ... but a move that also widens is judged as a change of one group, not a new one. */
static void test_compare__moved_module_that_widens_is_one_change(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GHashTable) renames = renames_new("infra/net/main.tf", "network/main.tf", NULL);
	g_autoptr(GPtrArray) changes = NULL;
	g_autofree char *wider = g_strconcat(tf_group, NULL);
	char *at = strstr(wider, "443\n    protocol");

	/* to_port 443 -> 444 keeps the text's length. */
	at[2] = '4';
	add_tf(olds, "infra/net", tf_group);
	add_tf(news, "network", wider);
	changes = compare(olds, news, renames);
	assert_int_equal(changes->len, 1);
	assert_non_null(((struct compare_change *)changes->pdata[0])->old_r);
	assert_widened(changes->pdata[0], "tcp/444 from 0.0.0.0/0");
}

/* A group renamed in its template with equal rules is the same group. */
static void test_compare__equal_content_pairs_a_changed_identity(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;

	add_file(olds, "app/template.yaml", cfn_sg("AppSecurityGroup", "443", "0.0.0.0/0"));
	add_file(news, "app/template.yaml", cfn_sg("WebServerSecurityGroup", "443", "0.0.0.0/0"));
	changes = compare(olds, news, NULL);
	assert_int_equal(changes->len, 0);
}

/* Conservative: a different exposure never pairs by content. */
static void test_compare__different_exposure_never_pairs(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;

	add_file(olds, "app/template.yaml", cfn_sg("AppSecurityGroup", "22", "10.0.0.0/8"));
	add_file(news, "app/template.yaml", cfn_sg("WebServerSecurityGroup", "22", "0.0.0.0/0"));
	changes = compare(olds, news, NULL);
	assert_int_equal(changes->len, 2);
	assert_null(change_of(changes, "aws-sg:WebServerSecurityGroup")->old_r);
	assert_widened(change_of(changes, "aws-sg:WebServerSecurityGroup"), "tcp/22 from 0.0.0.0/0");
	assert_null(change_of(changes, "aws-sg:AppSecurityGroup")->new_r);
}

/* An NSG whose name stops resolving stays the same NSG, even when a rule changes too. */
static void test_compare__unresolved_name_pairs_within_its_file(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) same = NULL;
	g_autoptr(GPtrArray) wider = NULL;
	g_autoptr(GPtrArray) news2 = side_new();

	add_file(olds, "azuredeploy.json", arm_nsg("vm-nsg", "10.0.0.0/8", "22"));
	add_file(news, "azuredeploy.json",
	         arm_nsg("[concat('nsg-', resourceGroup().name)]", "10.0.0.0/8", "22"));
	same = compare(olds, news, NULL);
	/* Only the name's unknown is new, and that is no widening. */
	assert_int_equal(same->len, 1);
	assert_true(exposure_is_empty(((struct compare_change *)same->pdata[0])->widened));
	assert_non_null(((struct compare_change *)same->pdata[0])->old_r);

	add_file(news2, "azuredeploy.json",
	         arm_nsg("[concat('nsg-', resourceGroup().name)]", "10.0.0.0/8", "22-23"));
	wider = compare(olds, news2, NULL);
	assert_int_equal(wider->len, 1);
	assert_non_null(((struct compare_change *)wider->pdata[0])->old_r);
	assert_widened(wider->pdata[0], "tcp/23 from 10.0.0.0/8");
}

static GPtrArray *classify_all(GPtrArray *changes, const struct classify_context *ctx)
{
	GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);

	for (guint i = 0; i < changes->len; i++)
		rulepack_classify(found, pack, changes->pdata[i], ctx);
	return found;
}

static const struct finding *finding_of(GPtrArray *found, const char *rule)
{
	for (guint i = 0; i < found->len; i++) {
		const struct finding *f = found->pdata[i];

		if (strcmp(f->rule->id, rule) == 0)
			return f;
	}
	return NULL;
}

/* A name's unknown is info; never a finding above info. */
static void test_compare__unknown_name_is_info(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GPtrArray) found = NULL;

	add_file(olds, "azuredeploy.json", arm_nsg("vm-nsg", "10.0.0.0/8", "22"));
	add_file(news, "azuredeploy.json", arm_nsg("[parameters('nsgName')]", "10.0.0.0/8", "22"));
	changes = compare(olds, news, NULL);
	found = classify_all(changes, NULL);
	assert_int_equal(found->len, 1);
	assert_string_equal(finding_of(found, "DW-EVAL-001")->rule->id, "DW-EVAL-001");
	assert_int_equal(((struct finding *)found->pdata[0])->severity, SEVERITY_INFO);
}

/* An NSG and the subnet that names it, as an ARM quick-start lays them out. */
static const char nsg_and_subnet[] =
        "{\n"
        "  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
        "  \"contentVersion\": \"1.0.0.0\",\n"
        "  \"parameters\": {\"nsgName\": {\"type\": \"string\", \"defaultValue\": \"app-nsg\"}},\n"
        "  \"resources\": [\n"
        "    {\"type\": \"Microsoft.Network/networkSecurityGroups\", \"apiVersion\": \"2022-07-01\",\n"
        "     \"name\": \"[parameters('nsgName')]\", \"location\": \"westeurope\",\n"
        "     \"properties\": {\"securityRules\": [\n"
        "       {\"name\": \"deny-telnet\", \"properties\": {\"priority\": 100, \"direction\": \"Inbound\",\n"
        "        \"access\": \"Deny\", \"protocol\": \"Tcp\", \"sourceAddressPrefix\": \"*\",\n"
        "        \"sourcePortRange\": \"*\", \"destinationAddressPrefix\": \"*\", \"destinationPortRange\": \"23\"}}]}},\n"
        "    {\"type\": \"Microsoft.Network/virtualNetworks\", \"apiVersion\": \"2022-07-01\",\n"
        "     \"name\": \"app-vnet\", \"location\": \"westeurope\",\n"
        "     \"properties\": {\"addressSpace\": {\"addressPrefixes\": [\"10.40.0.0/16\"]},\n"
        "       \"subnets\": [{\"name\": \"app\", \"properties\": {\"addressPrefix\": \"10.40.1.0/24\",\n"
        "         \"networkSecurityGroup\": {\"id\": \"[resourceId('Microsoft.Network/networkSecurityGroups', parameters('nsgName'))]\"}}}]}}\n"
        "  ]\n"
        "}\n";

static const char subnet_alone[] =
        "{\n"
        "  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n"
        "  \"contentVersion\": \"1.0.0.0\",\n"
        "  \"resources\": [\n"
        "    {\"type\": \"Microsoft.Network/virtualNetworks\", \"apiVersion\": \"2022-07-01\",\n"
        "     \"name\": \"app-vnet\", \"location\": \"westeurope\",\n"
        "     \"properties\": {\"addressSpace\": {\"addressPrefixes\": [\"10.40.0.0/16\"]},\n"
        "       \"subnets\": [{\"name\": \"app\", \"properties\": {\"addressPrefix\": \"10.40.1.0/24\"}}]}}\n"
        "  ]\n"
        "}\n";

/* Classifies the removal of the NSG with the whole new revision as context. */
static GPtrArray *removal(const char *new_text)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;
	struct classify_context ctx = { 0 };

	add_file(olds, "net/app.json", g_strdup(nsg_and_subnet));
	if (new_text)
		add_file(news, "net/app.json", g_strdup(new_text));
	changes = compare(olds, news, NULL);
	ctx.settings_resources = news;
	ctx.network_resources = news;
	return classify_all(changes, &ctx);
}

static void test_compare__nsg_removed_with_its_subnet_is_a_teardown(void **state)
{
	g_autoptr(GPtrArray) found = removal(NULL);
	const struct finding *f = finding_of(found, "DW-NET-012");

	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_INFO);
	assert_non_null(strstr(f->message, "azure-subnet:app-vnet/app"));
}

static void test_compare__nsg_removed_while_its_subnet_stays_is_a_finding(void **state)
{
	g_autoptr(GPtrArray) found = removal(subnet_alone);
	const struct finding *f = finding_of(found, "DW-NET-012");

	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_MEDIUM);
}

/* Without the new revision's context nothing says what it protected is gone. */
static void test_compare__nsg_removed_without_context_stays_a_finding(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GPtrArray) found = NULL;

	add_file(olds, "net/app.json", g_strdup(nsg_and_subnet));
	changes = compare(olds, news, NULL);
	assert_true(rulepack_needs_context(pack, change_of(changes, "azure-nsg:app-nsg")));
	found = classify_all(changes, NULL);
	assert_int_equal(finding_of(found, "DW-NET-012")->severity, SEVERITY_MEDIUM);
}

/* Two unrelated templates, one logical id: two findings, two ids. */
static void test_compare__same_logical_id_in_two_files_gets_two_ids(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GPtrArray) changes = NULL;
	g_autoptr(GPtrArray) found = NULL;
	const struct finding *a, *b;

	add_file(news, "billing/template.yaml", cfn_sg("InstanceSecurityGroup", "22", "0.0.0.0/0"));
	add_file(news, "search/template.yaml", cfn_sg("InstanceSecurityGroup", "22", "0.0.0.0/0"));
	changes = compare(olds, news, NULL);
	found = classify_all(changes, NULL);
	assert_int_equal(found->len, 2);
	a = found->pdata[0];
	b = found->pdata[1];
	assert_string_equal(a->rule->id, b->rule->id);
	assert_string_not_equal(a->file, b->file);
	assert_string_not_equal(a->id, b->id);
}

/* A compose service is its project's, not its file's: a rename is the same service. */
static void test_compare__compose_identity_is_project_and_service(void **state)
{
	static const char stack[] = "services:\n"
	                            "  es:\n"
	                            "    image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0\n"
	                            "    ports:\n"
	                            "      - \"9200:9200\"\n";
	g_autoptr(GPtrArray) a = side_new();
	g_autoptr(GPtrArray) b = side_new();
	g_autoptr(GPtrArray) named = side_new();
	g_autoptr(GPtrArray) top = side_new();

	add_file(a, "search/compose.yaml", g_strdup(stack));
	add_file(b, "stacks/Search/docker-compose.yml", g_strdup(stack));
	add_file(named, "x/docker-compose.yml", g_strconcat("name: Elastic_Stack\n", stack, NULL));
	add_file(top, "compose.yml", g_strconcat("name: ${STACK}\n", stack, NULL));
	assert_string_equal(((struct resource *)a->pdata[0])->identity, "compose:search:es");
	assert_string_equal(((struct resource *)b->pdata[0])->identity, "compose:search:es");
	assert_string_equal(((struct resource *)named->pdata[0])->identity, "compose:elastic_stack:es");
	/* A name from the environment is not known: the directory (none: ".") stands. */
	assert_string_equal(((struct resource *)top->pdata[0])->identity, "compose:.:es");
}

/* A compose directory renamed while a port is added: one change of the same service. */
static void test_compare__moved_compose_project_that_widens_is_one_change(void **state)
{
	g_autoptr(GPtrArray) olds = side_new();
	g_autoptr(GPtrArray) news = side_new();
	g_autoptr(GHashTable) renames = renames_new("search/compose.yaml", "elastic/compose.yaml", NULL);
	g_autoptr(GPtrArray) changes = NULL;

	add_file(olds, "search/compose.yaml",
	         g_strdup("services:\n  es:\n    image: elasticsearch:8.11.0\n    ports: [\"9200:9200\"]\n"));
	add_file(news, "elastic/compose.yaml",
	         g_strdup("services:\n  es:\n    image: elasticsearch:8.11.0\n"
	                  "    ports: [\"9200:9200\", \"9300:9300\"]\n"));
	changes = compare(olds, news, renames);
	assert_int_equal(changes->len, 1);
	assert_string_equal(((struct compare_change *)changes->pdata[0])->identity, "compose:elastic:es");
	assert_non_null(((struct compare_change *)changes->pdata[0])->old_r);
	assert_widened(changes->pdata[0], "tcp/9300 from 0.0.0.0/0, ::/0");
}

/* A finding's id does not depend on whether its twin is in the same comparison. */
static void test_compare__id_does_not_depend_on_a_twin(void **state)
{
	g_autoptr(GPtrArray) none = side_new();
	g_autoptr(GPtrArray) alone = side_new();
	g_autoptr(GPtrArray) both = side_new();
	g_autoptr(GPtrArray) c1 = NULL;
	g_autoptr(GPtrArray) c2 = NULL;
	g_autoptr(GPtrArray) f1 = NULL;
	g_autoptr(GPtrArray) f2 = NULL;
	const struct finding *a, *b;

	add_file(alone, "billing/template.yaml", cfn_sg("InstanceSecurityGroup", "22", "0.0.0.0/0"));
	add_file(both, "billing/template.yaml", cfn_sg("InstanceSecurityGroup", "22", "0.0.0.0/0"));
	add_file(both, "search/template.yaml", cfn_sg("InstanceSecurityGroup", "22", "0.0.0.0/0"));
	c1 = compare(none, alone, NULL);
	c2 = compare(none, both, NULL);
	f1 = classify_all(c1, NULL);
	f2 = classify_all(c2, NULL);
	a = f1->pdata[0];
	b = f2->pdata[0];
	assert_string_equal(a->file, "billing/template.yaml");
	assert_string_equal(b->file, "billing/template.yaml");
	/* The twin shows in the resource name, not in the id. */
	assert_string_not_equal(a->resource, b->resource);
	assert_string_equal(a->id, b->id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare__twins_that_move_together_pair_by_rename),
		cmocka_unit_test(test_compare__moved_twin_that_changed_is_reported_alone),
		cmocka_unit_test(test_compare__moved_module_directory_keeps_identity),
		cmocka_unit_test(test_compare__moved_module_that_widens_is_one_change),
		cmocka_unit_test(test_compare__equal_content_pairs_a_changed_identity),
		cmocka_unit_test(test_compare__different_exposure_never_pairs),
		cmocka_unit_test(test_compare__unresolved_name_pairs_within_its_file),
		cmocka_unit_test(test_compare__unknown_name_is_info),
		cmocka_unit_test(test_compare__nsg_removed_with_its_subnet_is_a_teardown),
		cmocka_unit_test(test_compare__nsg_removed_while_its_subnet_stays_is_a_finding),
		cmocka_unit_test(test_compare__nsg_removed_without_context_stays_a_finding),
		cmocka_unit_test(test_compare__same_logical_id_in_two_files_gets_two_ids),
		cmocka_unit_test(test_compare__compose_identity_is_project_and_service),
		cmocka_unit_test(test_compare__moved_compose_project_that_widens_is_one_change),
		cmocka_unit_test(test_compare__id_does_not_depend_on_a_twin),
	};

	return cmocka_run_group_tests(tests, setup_pack, teardown_pack);
}
