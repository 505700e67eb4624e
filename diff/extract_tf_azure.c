/*
 * extract_tf_azure.c - Terraform's AzureRM provider:
 * azurerm_network_security_group (inline "security_rule") and
 * azurerm_network_security_rule, first match by priority with Azure's
 * default rules, and public_network_access_enabled with the provider's
 * documented default; the service-level IP firewalls of Azure SQL,
 * PostgreSQL, MySQL, MariaDB, Synapse and Redis. Rule values are read by
 * extract_azure.c, as for ARM templates.
 */
#include <string.h>

#include "extract_tf_private.h"

/*
 * The azurerm resources whose public_network_access_enabled "Defaults to
 * `true`" in the AzureRM provider documentation (website/docs/r/NAME):
 * mssql_server and mysql_server ("Whether or not public network access is
 * allowed for this server"), redis_cache, search_service, key_vault
 * ("Whether traffic from public networks is permitted"), storage_account
 * ("Whether the public network access is enabled?") and cosmosdb_account.
 * Absent there, the attribute is on. Others (the flexible servers, whose
 * default depends on a delegated subnet) are recorded only when written.
 */
static const char *const tf_azure_public_by_default[] = {
	"azurerm_mssql_server", "azurerm_mysql_server", "azurerm_redis_cache", "azurerm_search_service",
	"azurerm_key_vault", "azurerm_storage_account", "azurerm_cosmosdb_account",
};

/* The sources of a rule being read (user_data of tf_azure_source). */
struct tf_azure_sources {
	srcset **src;  /* the caller's, which a deny from Internet replaces */
	bool allow;
};

static void tf_azure_source(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	struct tf_azure_sources *sources = user_data;
	const char *text = tf_value_text(item);

	if (!text || !azure_source_add(sources->src, text, sources->allow))
		tf_rule_bad(tr, line, "expected an address prefix or service tag", text);
}

static void tf_azure_asg(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "azure-asg:", line, user_data);
}

static void tf_wide_item(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	const char *text = tf_value_text(item);
	bool *wide = user_data;

	if (text && azure_wide(text))
		*wide = true;
}

static void tf_azure_rule_add(struct tf_rule *tr)
{
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autoptr(srcset) src = srcset_new();
	struct tf_azure_sources sources = { &src, true };
	unsigned proto_lo = 0, proto_hi = 0, line = tr->line;
	g_autofree char *direction = tf_rule_string(tr, "direction", &line);
	g_autofree char *access = NULL;
	g_autofree char *proto = NULL;
	gint64 priority = 0;
	bool has_source, has_port, allow, dst_wide = false, sport_wide = false;

	if (direction && g_ascii_strcasecmp(direction, "Outbound") == 0)
		return;
	if (direction && g_ascii_strcasecmp(direction, "Inbound") != 0)
		tf_rule_bad(tr, line, "expected Inbound or Outbound", direction);
	access = tf_rule_string(tr, "access", &line);
	if (access && g_ascii_strcasecmp(access, "Allow") != 0 && g_ascii_strcasecmp(access, "Deny") != 0)
		tf_rule_bad(tr, line, "expected Allow or Deny", access);
	allow = access && g_ascii_strcasecmp(access, "Allow") == 0;
	tf_rule_int(tr, "priority", 100, 4096, true, &priority);
	proto = tf_rule_string(tr, "protocol", &line);
	if (proto && !azure_parse_protocol(proto, &proto_lo, &proto_hi))
		tf_rule_bad(tr, line, "expected a protocol (*, Tcp, Udp, Icmp, Esp, Ah)", proto);
	sources.allow = allow;
	has_source = tf_rule_one_or_many(tr, "source_address_prefix", "source_address_prefixes", tf_azure_source,
	                                 &sources);
	has_source |= tf_rule_each(tr, "source_application_security_group_ids", true, tf_azure_asg, src);
	has_port = tf_rule_one_or_many(tr, "destination_port_range", "destination_port_ranges", tf_port_item,
	                               ranges);
	if (!direction || !access || !proto || !has_source || !has_port) {
		if (!tr->unknown)
			tf_rule_missing(tr, tr->line, "security rule needs direction, access, protocol, a source "
			                "address prefix and a destination port range");
		return;
	}
	if (tr->bad || tr->unknown)
		return;
	/* A deny that spares some destinations or source ports lets the rest
	 * of its traffic on to later rules: as a whole it denies nothing. */
	tf_rule_one_or_many(tr, "destination_address_prefix", "destination_address_prefixes", tf_wide_item, &dst_wide);
	tf_rule_one_or_many(tr, "source_port_range", "source_port_ranges", tf_wide_item, &sport_wide);
	if (!allow && !(dst_wide && sport_wide))
		return;
	resource_add_rule(tr->r, tr->address, tr->line, allow, priority,
	                  tf_ranges_match(proto_lo, proto_hi, ranges, src));
}

/* An inline security_rule, named in messages by its name. */
static void tf_azure_named_rule_add(struct tf_rule *tr, void *user_data)
{
	g_autofree char *name = tf_rule_string(tr, "name", NULL);
	g_autofree char *rule_address = g_strdup_printf("%s rule %s", tr->address, name ? name : "?");

	tr->address = rule_address;
	tf_azure_rule_add(tr);
}

void tf_azure_nsg(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, TF_KIND_NSG, address, c->path, res->line, RESOURCE_FIRST_MATCH);

	g_ptr_array_add(c->found, r);
	tf_inline_list(c, r, address, res, "security_rule", tf_azure_named_rule_add, NULL);
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];
		const struct hcl_block *b = &it->block;

		if (it->kind != HCL_ITEM_BLOCK)
			continue;
		if (strcmp(b->type, "security_rule") == 0) {
			struct tf_rule tr = { .c = c, .r = r, .address = address, .body = b->body, .line = b->line };

			tf_azure_named_rule_add(&tr, NULL);
		} else if (strcmp(b->type, "dynamic") == 0 && b->labels->len &&
		           strcmp(b->labels->pdata[0], "security_rule") == 0) {
			tf_block_unknown(r, address, b);
		}
	}
	azure_add_default_rules(r);
}

void tf_azure_nsg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *group = tf_group_ref(c, res->body, "network_security_group_name",
	                                      "azurerm_network_security_group");
	struct resource *r = tf_rule_resource(c, address, TF_KIND_NSG, group, res->line, RESOURCE_FIRST_MATCH);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };

	tf_azure_rule_add(&tr);
	/* A rule on its own is a list of its own, with Azure's defaults after it. */
	if (!group)
		azure_add_default_rules(r);
}

bool tf_azure_public_default(const char *type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tf_azure_public_by_default); i++) {
		if (strcmp(type, tf_azure_public_by_default[i]) == 0)
			return true;
	}
	return false;
}

/* azurerm_*: public_network_access_enabled, when written or defaulting to true. */
void tf_azure_public(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const char *type = res->labels->pdata[0];
	struct resource *r;

	if (hcl_body_attribute(res->body, "public_network_access_enabled")) {
		r = tf_settings_resource(c, address, TF_KIND_AZURE, res);
		tf_setting_bool(c, r, address, res, "public_network_access_enabled", "public_network_access", true);
	} else if (tf_azure_public_default(type)) {
		r = tf_settings_resource(c, address, TF_KIND_AZURE, res);
		resource_add_setting(r, "public_network_access", "on",
		                     "public_network_access_enabled not set (the provider's default: true)", res->line);
	}
}

/*
 * Service-level IP firewalls (azurerm_*_firewall_rule): a start-end range
 * of IPv4 addresses admitted to the server's port; 0.0.0.0-0.0.0.0 is
 * Azure's "Allow Azure services" rule, a named source. Each rule is a
 * resource of its own (a union of allows, as the server's rules are).
 */
static const struct {
	const char *type;
	const char *kind;
	enum azure_service service;
	const char *start, *end;
} tf_azure_firewalls[] = {
	{ "azurerm_mssql_firewall_rule", "Azure SQL firewall rule", AZURE_SERVICE_SQL, "start_ip_address",
	  "end_ip_address" },
	{ "azurerm_sql_firewall_rule", "Azure SQL firewall rule", AZURE_SERVICE_SQL, "start_ip_address",
	  "end_ip_address" },
	{ "azurerm_synapse_firewall_rule", "Azure Synapse firewall rule", AZURE_SERVICE_SQL, "start_ip_address",
	  "end_ip_address" },
	{ "azurerm_postgresql_firewall_rule", "Azure PostgreSQL firewall rule", AZURE_SERVICE_POSTGRESQL,
	  "start_ip_address", "end_ip_address" },
	{ "azurerm_postgresql_flexible_server_firewall_rule", "Azure PostgreSQL firewall rule",
	  AZURE_SERVICE_POSTGRESQL, "start_ip_address", "end_ip_address" },
	{ "azurerm_mysql_firewall_rule", "Azure MySQL firewall rule", AZURE_SERVICE_MYSQL, "start_ip_address",
	  "end_ip_address" },
	{ "azurerm_mysql_flexible_server_firewall_rule", "Azure MySQL firewall rule", AZURE_SERVICE_MYSQL,
	  "start_ip_address", "end_ip_address" },
	{ "azurerm_mariadb_firewall_rule", "Azure MariaDB firewall rule", AZURE_SERVICE_MYSQL, "start_ip_address",
	  "end_ip_address" },
	{ "azurerm_redis_firewall_rule", "Azure Redis firewall rule", AZURE_SERVICE_REDIS, "start_ip", "end_ip" },
};

void tf_azure_firewall_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const char *type = res->labels->pdata[0];
	size_t k = 0;
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r;
	struct tf_rule tr = { .c = c, .address = address, .body = res->body, .line = res->line };
	g_autofree char *start = NULL;
	g_autofree char *end = NULL;
	unsigned line = res->line;
	uint32_t lo = 0, hi = 0;

	while (k + 1 < G_N_ELEMENTS(tf_azure_firewalls) && strcmp(type, tf_azure_firewalls[k].type) != 0)
		k++;
	r = resource_new(identity, tf_azure_firewalls[k].kind, address, c->path, res->line, RESOURCE_UNION);
	g_ptr_array_add(c->found, r);
	tr.r = r;
	start = tf_rule_string(&tr, tf_azure_firewalls[k].start, &line);
	if (start && !azure_parse_ipv4(start, &lo))
		tf_rule_bad(&tr, line, "expected an IPv4 address", start);
	end = tf_rule_string(&tr, tf_azure_firewalls[k].end, &line);
	if (end && !azure_parse_ipv4(end, &hi))
		tf_rule_bad(&tr, line, "expected an IPv4 address", end);
	if (!tr.unknown && !tr.bad && (!start || !end))
		tf_rule_missing(&tr, res->line, "no start or end address");
	if (!tr.bad && !tr.unknown && lo > hi)
		tf_rule_bad(&tr, res->line, "expected start <= end", start);
	if (tr.bad || tr.unknown)
		return;
	azure_firewall_rule(r, address, res->line, tf_azure_firewalls[k].service, lo, hi);
}

bool tf_azure_firewall_type(const char *type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tf_azure_firewalls); i++) {
		if (strcmp(type, tf_azure_firewalls[i].type) == 0)
			return true;
	}
	return false;
}

/*
 * azurerm_kubernetes_cluster: the API server's public endpoint, unless
 * private_cluster_enabled (default false). api_server_access_profile's
 * authorized_ip_ranges (the older api_server_authorized_ip_ranges
 * attribute) limit it; with none, anyone may connect (AzureRM provider and
 * AKS documentation). See azure_aks_endpoint().
 */
void tf_azure_aks(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	const struct hcl_block *profile = tf_body_block(res->body, "api_server_access_profile");
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, "AKS API endpoint", address, c->path, res->line, RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	g_autoptr(srcset) src = srcset_new();
	bool private_cluster, any;

	g_ptr_array_add(c->found, r);
	private_cluster = tf_rule_bool(&tr, "private_cluster_enabled", false);
	if (tr.unknown || tr.bad)
		return;
	if (!private_cluster) {
		any = tf_rule_each(&tr, "api_server_authorized_ip_ranges", true, tf_source_cidr, src);
		if (profile) {
			tr.body = profile->body;
			tr.line = profile->line;
			any |= tf_rule_each(&tr, "authorized_ip_ranges", true, tf_source_cidr, src);
		}
		if (tr.unknown || tr.bad)
			return;
		if (!any)
			srcset_add_all_addresses(src);
	}
	azure_aks_endpoint(r, address, tr.line, src, private_cluster);
}

/*
 * azurerm_storage_account: its endpoints answer HTTPS (443, and 80 when
 * https_traffic_only_enabled / enable_https_traffic_only is false) from
 * whoever network_rules admits, as ARM's networkAcls (extract_arm.c):
 * every address and the trusted Azure services (azure-tag:AzureServices)
 * when default_action is Allow, else ip_rules, the
 * virtual_network_subnet_ids (atoms azure-subnet:ID) and, for bypass
 * AzureServices (Azure's default when bypass is not written), the atom
 * azure-tag:AzureServices. No network_rules block: Allow from every
 * address, unless an azurerm_storage_account_network_rules of the module
 * names the account (tf_azure_storage_resolve()).
 * public_network_access_enabled = false closes it; as for ARM, no setting
 * is recorded besides the exposure. Identity: the account's address.
 */
#define TF_KIND_STORAGE "Azure storage account"
#define TF_KIND_STORAGE_RULES "Azure storage account network rules"
/* public_network_access_enabled = false: no rule written apart lets anyone in. */
#define TF_KIND_STORAGE_CLOSED "Azure storage account, public network access disabled"
#define TF_STORAGE_DEFAULT "network_rules not set (default Allow)"

static void tf_azure_subnet(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	tf_source_atom(tr, item, "azure-subnet:", line, user_data);
}

static void tf_azure_bypass(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data)
{
	const char *text = tf_value_text(item);

	(void)tr;
	(void)line;
	if (text && g_ascii_strcasecmp(text, "AzureServices") == 0)
		srcset_add_atom(user_data, "azure-tag:AzureServices");
}

/* The ports: 443, and 80 unless HTTPS only (the default). */
static exposure *tf_azure_storage_box(struct tf_ctx *c, struct resource *r, const char *address,
                                      const struct hcl_body *account, const srcset *src)
{
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = account, .line = r->line };
	/* Rules apart from an account not read here: both ports. */
	bool https = account && tf_rule_bool(&tr, hcl_body_attribute(account, "enable_https_traffic_only") ?
	                                     "enable_https_traffic_only" : "https_traffic_only_enabled", true);
	exposure *e = exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src);

	if (!account || !https || tr.unknown || tr.bad) {
		g_autoptr(exposure) plain = exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 80, 80, src);
		exposure *both = exposure_union(e, plain);

		exposure_free(e);
		e = both;
	}
	return e;
}

/* One network_rules body into r (account: the account's body, for its ports, or NULL). */
static void tf_azure_storage_rules(struct tf_ctx *c, struct resource *r, const char *address,
                                   const struct hcl_body *body, unsigned line, const struct hcl_body *account)
{
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = body, .line = line };
	g_autofree char *action = tf_rule_string(&tr, "default_action", NULL);
	g_autoptr(srcset) src = srcset_new();

	if (tr.unknown || tr.bad)
		return;
	if (!action || (g_ascii_strcasecmp(action, "Allow") != 0 && g_ascii_strcasecmp(action, "Deny") != 0)) {
		tf_rule_bad(&tr, line, "expected default_action = \"Allow\" or \"Deny\"", action ? action : "nothing");
		return;
	}
	if (g_ascii_strcasecmp(action, "Allow") == 0) {
		srcset_add_all_addresses(src);
		srcset_add_atom(src, "azure-tag:AzureServices");
	} else {
		tf_rule_each(&tr, "ip_rules", true, tf_source_cidr, src);
		tf_rule_each(&tr, "virtual_network_subnet_ids", true, tf_azure_subnet, src);
		if (!hcl_body_attribute(body, "bypass"))
			srcset_add_atom(src, "azure-tag:AzureServices");
		else
			tf_rule_each(&tr, "bypass", true, tf_azure_bypass, src);
	}
	if (srcset_is_empty(src))
		return;
	resource_add_rule(r, address, line, true, 0, tf_azure_storage_box(c, r, address, account, src));
}

void tf_azure_storage(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *identity = tf_identity(c, address);
	struct resource *r = resource_new(identity, TF_KIND_STORAGE, address, c->path, res->line, RESOURCE_UNION);
	struct tf_rule tr = { .c = c, .r = r, .address = address, .body = res->body, .line = res->line };
	const struct hcl_block *rules = tf_body_block(res->body, "network_rules");
	const struct hcl_attribute *pub = hcl_body_attribute(res->body, "public_network_access_enabled");
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	/* As ARM's: the exposure says it all, no setting besides. */
	if (!tf_rule_bool(&tr, "public_network_access_enabled", true)) {
		if (!tr.unknown && !tr.bad)
			r->kind = TF_KIND_STORAGE_CLOSED;
		return;
	}
	if (tr.unknown || tr.bad)
		return;
	for (guint i = 0; i < res->body->items->len; i++) {
		const struct hcl_item *it = res->body->items->pdata[i];

		if (it->kind == HCL_ITEM_BLOCK && strcmp(it->block.type, "dynamic") == 0 && it->block.labels->len &&
		    strcmp(it->block.labels->pdata[0], "network_rules") == 0) {
			tf_block_unknown(r, address, &it->block);
			return;
		}
	}
	if (rules) {
		tf_azure_storage_rules(c, r, address, rules->body, rules->line, res->body);
		return;
	}
	srcset_add_all_addresses(src);
	srcset_add_atom(src, "azure-tag:AzureServices");
	/* At the line that opens it, when written. */
	resource_add_rule(r, TF_STORAGE_DEFAULT, pub ? pub->line : res->line, true, 0,
	                  tf_azure_storage_box(c, r, address, res->body, src));
}

/* azurerm_storage_account_network_rules: the account's rules, written apart. */
void tf_azure_storage_network_rules(struct tf_ctx *c, const char *address, const struct hcl_block *res)
{
	g_autofree char *account = tf_group_ref(c, res->body, "storage_account_id", "azurerm_storage_account");
	struct resource *r = tf_rule_resource(c, address, TF_KIND_STORAGE_RULES, account, res->line, RESOURCE_UNION);

	tf_azure_storage_rules(c, r, address, res->body, res->line, NULL);
}

/*
 * Before the join: an account whose rules are written apart has them, not
 * the default Allow; an account closed to public networks takes none.
 */
void tf_azure_storage_resolve(GPtrArray *found)
{
	g_autoptr(GHashTable) accounts = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < found->len; i++) {
		struct resource *r = found->pdata[i];

		if (!r->fragment && (strcmp(r->kind, TF_KIND_STORAGE) == 0 || strcmp(r->kind, TF_KIND_STORAGE_CLOSED) == 0))
			g_hash_table_insert(accounts, r->identity, r);
	}
	for (guint i = 0; i < found->len; i++) {
		struct resource *f = found->pdata[i];
		struct resource *a = f->fragment && strcmp(f->kind, TF_KIND_STORAGE_RULES) == 0 ?
		                             g_hash_table_lookup(accounts, f->identity) : NULL;

		if (!a)
			continue;
		if (strcmp(a->kind, TF_KIND_STORAGE_CLOSED) == 0) {
			g_ptr_array_set_size(f->rules, 0);
			g_clear_pointer(&f->exposure_, exposure_free);
			continue;
		}
		for (guint j = a->rules->len; j-- > 0;) {
			const struct resource_rule *rule = a->rules->pdata[j];

			if (g_strcmp0(rule->name, TF_STORAGE_DEFAULT) != 0)
				continue;
			/* The rules apart reach the account's ports (80 only without HTTPS only). */
			for (guint k = 0; k < f->rules->len; k++) {
				struct resource_rule *fr = f->rules->pdata[k];
				exposure *cut = extract_cut_ports(fr->match, rule->match);

				exposure_free(fr->match);
				fr->match = cut;
			}
			g_ptr_array_remove_index(a->rules, j);
		}
		g_clear_pointer(&a->exposure_, exposure_free);
		g_clear_pointer(&f->exposure_, exposure_free);
	}
}
