/*
 * extract_azure.c - what Azure's network rules mean, for both readers of
 * them: ARM templates (extract_arm.c) and Terraform's AzureRM provider
 * (extract_tf_azure.c). Source prefixes and service tags, the Internet
 * tag, protocol names, what makes a deny cover every destination, the
 * default rules of every NSG, the start-end ranges of the service
 * firewalls and who reaches an AKS API server are read here once, so the
 * two readers cannot disagree.
 *
 * Azure documents these in "Network security groups: security rules" and
 * "Virtual network service tags" (learn.microsoft.com), and the firewall
 * ranges in "Azure SQL Database and Azure Synapse IP firewall rules".
 */
#include <string.h>

#include "extract_private.h"

/* The service tags of Azure's default rules, in Azure's spelling. */
static const char *const azure_known_tags[] = { "VirtualNetwork", "AzureLoadBalancer" };

static bool azure_is_tag(const char *text)
{
	if (!g_ascii_isalpha(text[0]))
		return false;
	for (size_t i = 1; text[i] != '\0'; i++) {
		if (!g_ascii_isalnum(text[i]) && text[i] != '.' && text[i] != '-' && text[i] != '_')
			return false;
	}
	return true;
}

static void azure_add_tag(srcset *src, const char *tag)
{
	g_autofree char *atom = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(azure_known_tags); i++) {
		if (g_ascii_strcasecmp(tag, azure_known_tags[i]) == 0)
			tag = azure_known_tags[i];
	}
	atom = g_strconcat("azure-tag:", tag, NULL);
	srcset_add_atom(src, atom);
}

/* Azure's Internet tag in a deny rule (extract_arm_set_internet); owned,
 * NULL until set. Under azure_internet_lock: audit reads from workers. */
static srcset *azure_internet;
static GMutex azure_internet_lock;

void extract_arm_set_internet(const srcset *internet)
{
	srcset *copy = internet != NULL ? srcset_copy(internet) : NULL;

	g_mutex_lock(&azure_internet_lock);
	srcset_free(azure_internet);
	azure_internet = copy;
	g_mutex_unlock(&azure_internet_lock);
}

/* Adds the public address space to *src; nothing until it is set, so that
 * a deny from Internet then denies nothing (denies under-approximate). */
static void azure_internet_add(srcset **src)
{
	srcset *u = NULL;

	g_mutex_lock(&azure_internet_lock);
	if (azure_internet != NULL)
		u = srcset_union(*src, azure_internet);
	g_mutex_unlock(&azure_internet_lock);
	if (u == NULL)
		return;
	srcset_free(*src);
	*src = u;
}

/*
 * "*" and "Any" are all addresses and the two tags of the default rules,
 * so that a "deny *" shadows AllowVnetInBound and
 * AllowAzureLoadBalancerInBound. "Internet" is Azure's service tag for
 * the address space outside the virtual network that is reachable from
 * the public Internet. In an allow rule it counts as every address (an
 * allow over-approximates); in a deny rule only as the public address
 * space set by extract_arm_set_internet() (a deny under-approximates), so
 * private sources outside the VNet still pass a "deny Internet"
 * (DESIGN.md, "Exposure sets").
 */
bool azure_source_add(srcset **src, const char *text, bool allow)
{
	g_autoptr(GError) cidr_error = NULL;

	if (strcmp(text, "*") == 0 || g_ascii_strcasecmp(text, "Any") == 0) {
		srcset_add_all_addresses(*src);
		for (size_t i = 0; i < G_N_ELEMENTS(azure_known_tags); i++)
			azure_add_tag(*src, azure_known_tags[i]);
	} else if (g_ascii_strcasecmp(text, "Internet") == 0 && allow) {
		srcset_add_all_addresses(*src);
	} else if (g_ascii_strcasecmp(text, "Internet") == 0) {
		azure_internet_add(src);
	} else if (srcset_add_cidr(*src, text, &cidr_error)) {
		return true;
	} else if (azure_is_tag(text)) {
		azure_add_tag(*src, text);
	} else {
		return false;
	}
	return true;
}

bool azure_parse_protocol(const char *text, unsigned *lo, unsigned *hi)
{
	static const struct {
		const char *name;
		unsigned proto;
	} names[] = {
		{ "Tcp", EXPOSURE_PROTO_TCP }, { "Udp", EXPOSURE_PROTO_UDP },
		{ "Icmp", EXPOSURE_PROTO_ICMP }, { "Esp", 50 }, { "Ah", 51 },
	};

	if (strcmp(text, "*") == 0) {
		*lo = 0;
		*hi = EXPOSURE_PROTO_MAX;
		return true;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (g_ascii_strcasecmp(text, names[i].name) == 0) {
			*lo = *hi = names[i].proto;
			return true;
		}
	}
	return false;
}

bool azure_wide(const char *text)
{
	return strcmp(text, "*") == 0 || g_ascii_strcasecmp(text, "Any") == 0 ||
	       g_ascii_strcasecmp(text, "VirtualNetwork") == 0 || strcmp(text, "0-65535") == 0;
}

void azure_add_default_rules(struct resource *r)
{
	g_autoptr(srcset) vnet = srcset_new();
	g_autoptr(srcset) lb = srcset_new();
	g_autoptr(srcset) all = srcset_new();

	srcset_add_atom(vnet, "azure-tag:VirtualNetwork");
	srcset_add_atom(lb, "azure-tag:AzureLoadBalancer");
	srcset_add_all_addresses(all);
	srcset_add_atom(all, "azure-tag:VirtualNetwork");
	srcset_add_atom(all, "azure-tag:AzureLoadBalancer");
	resource_add_rule(r, "AllowVnetInBound", r->line, true, 65000,
	                  exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, vnet));
	resource_add_rule(r, "AllowAzureLoadBalancerInBound", r->line, true, 65001,
	                  exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, lb));
	resource_add_rule(r, "DenyAllInBound", r->line, false, 65500,
	                  exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, all));
}

bool azure_parse_ipv4(const char *text, uint32_t *out)
{
	g_auto(GStrv) parts = NULL;
	uint32_t v = 0;

	if (text == NULL)
		return false;
	parts = g_strsplit(text, ".", 5);
	if (g_strv_length(parts) != 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(parts[i]);
		unsigned octet;

		if (n == 0 || n > 3 || strspn(parts[i], "0123456789") != n)
			return false;
		octet = (unsigned)g_ascii_strtoull(parts[i], NULL, 10);
		if (octet > 255)
			return false;
		v = v << 8 | octet;
	}
	*out = v;
	return true;
}

/*
 * The ports a service firewall admits to. Azure Cache for Redis listens on
 * 6380 with TLS and on 6379 without; the non-TLS port is off by default,
 * but that is the cache's setting, not the rule's, so an allow admits both
 * (allows over-approximate), 6380 judged as the Redis behind it.
 */
static const struct {
	unsigned port_lo, port_hi;
} azure_service_ports[] = {
	[AZURE_SERVICE_SQL] = { 1433, 1433 },   [AZURE_SERVICE_POSTGRESQL] = { 5432, 5432 },
	[AZURE_SERVICE_MYSQL] = { 3306, 3306 }, [AZURE_SERVICE_REDIS] = { 6379, 6380 },
};

void azure_firewall_rule(struct resource *r, const char *name, unsigned line, enum azure_service service,
                         uint32_t lo, uint32_t hi)
{
	g_autoptr(srcset) src = srcset_new();
	unsigned first = azure_service_ports[service].port_lo;

	if (lo == 0 && hi == 0)
		srcset_add_atom(src, "azure-tag:AzureServices");
	else
		srcset_add_v4(src, lo, hi);
	for (unsigned port = first; port <= azure_service_ports[service].port_hi; port++) {
		resource_add_rule(r, name, line, true, 0,
		                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, port, port, src));
		if (port != first)
			resource_set_target(r, first, first);
	}
}

void azure_aks_endpoint(struct resource *r, const char *name, unsigned line, const srcset *src,
                        bool private_cluster)
{
	g_autoptr(srcset) vnet = srcset_new();

	if (private_cluster) {
		srcset_add_atom(vnet, "azure-tag:VirtualNetwork");
		src = vnet;
	}
	resource_add_rule(r, name, line, true, 0, exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src));
	resource_set_target(r, 6443, 6443);
}
