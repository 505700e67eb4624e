/*
 * extract_formats.c - the one table of formats: for each, how a file is
 * told to be one (by name, or by strings in a document's bytes), the
 * reader that takes it, and its description for `driftwatch formats`.
 * extract.c dispatches from it and the git walk filters paths with it.
 *
 * Rows without a reader are formats driftwatch recognises and does not
 * read: a file found by one of them is reported as not analysed
 * (DW-PARSE-005), never passed in silence. When a reader is written for
 * one, its row gets the reader (and a CloudFormation or ARM type moves
 * from the "other types" row's markers to its reader's).
 */
#include <string.h>

#include "extract.h"
#include "extract_private.h"

const char *extract_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static bool extract_formats_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n >= m && g_ascii_strcasecmp(path + n - m, suffix) == 0;
}

/* ---- name tests: the service, "" for none, or NULL --------------------- */

static const char *extract_formats_es(const char *path)
{
	const char *base = extract_basename(path);

	if (strcmp(base, "elasticsearch.yml") == 0)
		return "elasticsearch";
	if (strcmp(base, "opensearch.yml") == 0)
		return "opensearch";
	return NULL;
}

static const char *extract_formats_mongod(const char *path)
{
	return strcmp(extract_basename(path), "mongod.conf") == 0 ? "mongodb" : NULL;
}

static const char *extract_formats_kibana(const char *path)
{
	return strcmp(extract_basename(path), "kibana.yml") == 0 ? "kibana" : NULL;
}

/* compose.y(a)ml, docker-compose*.y(a)ml (the names docker compose reads). */
static const char *extract_formats_compose(const char *path)
{
	const char *base = extract_basename(path);

	if (strcmp(base, "compose.yml") == 0 || strcmp(base, "compose.yaml") == 0)
		return "";
	return g_str_has_prefix(base, "docker-compose") &&
	               (g_str_has_suffix(base, ".yml") || g_str_has_suffix(base, ".yaml"))
	           ? ""
	           : NULL;
}

static const char *extract_formats_redis(const char *path)
{
	return strcmp(extract_basename(path), "redis.conf") == 0 ? "" : NULL;
}

static const char *extract_formats_postgresql(const char *path)
{
	return strcmp(extract_basename(path), "postgresql.conf") == 0 ? "" : NULL;
}

static const char *extract_formats_hba(const char *path)
{
	return extract_hba_path(path) ? "" : NULL;
}

static const char *extract_formats_sshd(const char *path)
{
	return strcmp(extract_basename(path), "sshd_config") == 0 ? "" : NULL;
}

static const char *extract_formats_tf(const char *path)
{
	return extract_tf_path(path) ? "" : NULL;
}

/* A .bicepparam gives values to its template, which is read with it. */
static const char *extract_formats_bicep(const char *path)
{
	return extract_formats_suffix(path, ".bicep") || extract_formats_suffix(path, ".bicepparam") ? "" : NULL;
}

static const char *extract_formats_tf_json(const char *path)
{
	return extract_formats_suffix(path, ".tf.json") || extract_formats_suffix(path, ".tfvars.json")
	           ? ""
	           : NULL;
}

/* iptables-save files as Debian and RHEL keep them, and nftables rule sets. */
static const char *extract_formats_host_fw(const char *path)
{
	static const char *const names[] = { "rules.v4", "rules.v6", "iptables", "ip6tables",
	                                     "iptables.rules", "nftables.conf" };
	const char *base = extract_basename(path);

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(base, names[i]) == 0)
			return "";
	}
	return extract_formats_suffix(path, ".nft") ? "" : NULL;
}

/* values.yaml, values-prod.yaml, prod.values.yaml: Helm's conventions. */
static const char *extract_formats_helm_values(const char *path)
{
	const char *base = extract_basename(path);
	bool yaml = g_str_has_suffix(base, ".yaml") || g_str_has_suffix(base, ".yml");

	return yaml && (g_str_has_prefix(base, "values") || strstr(base, ".values.") != NULL ||
	                strstr(base, "-values.") != NULL)
	           ? ""
	           : NULL;
}

/* ---- readers ------------------------------------------------------------ */

static bool extract_formats_read_es(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_es(out, in->doc, in->service, error);
}

static bool extract_formats_read_svc_yaml(GPtrArray *out, const struct extract_input *in,
                                          GError **error)
{
	return extract_svc_yaml(out, in->doc, in->service, error);
}

/* By name, or any YAML file shaped like one (docker stack deploy -c stack.yml). */
static bool extract_formats_read_compose(GPtrArray *out, const struct extract_input *in,
                                         GError **error)
{
	if (!in->service && !extract_compose_shape(in->doc))
		return true;
	return extract_compose(out, in->doc, error);
}

static bool extract_formats_read_svc(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_svc(out, in->path, in->data, in->len, error);
}

static bool extract_formats_read_hba(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_hba(out, in->path, in->data, in->len, error);
}

static bool extract_formats_read_arm(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_arm_with(out, in->doc, in->params, in->n_params, error);
}

static bool extract_formats_read_bicep(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_bicep(out, in->path, in->data, in->len, in->load, in->load_data, error);
}

static bool extract_formats_read_cfn(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_cfn(out, in->doc, error);
}

static bool extract_formats_read_k8s(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_k8s(out, in->doc, error);
}

static bool extract_formats_read_ansible(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_ansible(out, in->doc, in->params, in->n_params, error);
}

static bool extract_formats_read_tfplan(GPtrArray *out, const struct extract_input *in, GError **error)
{
	return extract_tfplan(out, in->doc, error);
}

/* ---- markers ------------------------------------------------------------ */

/* The ARM types extract_arm() reads (a prefix is enough); subnets and NICs
 * too: what an NSG protects, which must stay visible in a template whose
 * NSG was removed. */
static const char *const extract_formats_arm_markers[] = {
	"Microsoft.Network/networkSecurityGroups", "Microsoft.Network/virtualNetworks",
	"Microsoft.Network/networkInterfaces", "Microsoft.Sql/servers", "Microsoft.DBforMySQL/",
	"Microsoft.DBforPostgreSQL/", "Microsoft.DBforMariaDB/", "Microsoft.Cache/redis",
	"Microsoft.Storage/storageAccounts", "Microsoft.ContainerService/managedClusters", NULL,
};
/* The CloudFormation types extract_cfn() reads (a prefix is enough: this
 * also finds AWS::EC2::SecurityGroupIngress and NetworkAclEntry). */
static const char *const extract_formats_cfn_markers[] = {
	"AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl", "AWS::RDS::DBSecurityGroup",
	"AWS::RDS::DBInstance", "AWS::Redshift::Cluster", "AWS::AmazonMQ::Broker",
	"AWS::DMS::ReplicationInstance", "AWS::MSK::Cluster", "AWS::OpenSearchService::Domain",
	"AWS::Elasticsearch::Domain", "AWS::EKS::Cluster", "AWS::EKS::Nodegroup",
	"AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer", NULL,
};
static const char *const extract_formats_k8s_markers[] = { "apiVersion", NULL };
static const char *const extract_formats_kind_markers[] = { "kind", NULL };
static const char *const extract_formats_compose_markers[] = { "\nservices:", NULL };

/* Network-facing CloudFormation types no reader takes (yet). */
static const char *const extract_formats_cfn_other[] = {
	"AWS::RDS::DBCluster", "AWS::Neptune::DBInstance", NULL,
};

/* Network-facing ARM types no reader takes (yet). */
static const char *const extract_formats_arm_other[] = {
	"Microsoft.Network/azureFirewalls", "Microsoft.Network/firewallPolicies",
	"Microsoft.Network/applicationGateways", "Microsoft.Search/searchServices", NULL,
};

bool extract_arm_type_unread(const char *type)
{
	for (size_t i = 0; type != NULL && extract_formats_arm_other[i] != NULL; i++) {
		if (g_ascii_strcasecmp(type, extract_formats_arm_other[i]) == 0)
			return true;
	}
	return false;
}

/* The Ansible modules extract_ansible() reads, as task keys (with or without the collection). */
static const char *const extract_formats_ansible_read[] = {
	"ec2_security_group:", "ec2_group:", "azure_rm_securitygroup:", "gcp_compute_firewall:", NULL,
};
/* Terraform plan JSON: any of these, and format_version. */
static const char *const extract_formats_tfplan_markers[] = {
	"\"planned_values\"", "\"resource_changes\"", "\"terraform_version\"", NULL,
};
static const char *const extract_formats_tfplan_requires[] = { "\"format_version\"", NULL };

/* Ansible modules that open or close network access and no reader takes, as task keys. */
static const char *const extract_formats_ansible_modules[] = {
	"ec2_group_info:", "os_security_group_rule:", "openstack.cloud.security_group_rule:",
	"community.general.ufw:", "ansible.posix.firewalld:", "ansible.builtin.iptables:",
	"kubernetes.core.k8s:", "\n    ufw:", "\n    firewalld:", "\n    iptables:", NULL,
};

/* Keys that say a document opens ports or takes traffic (a kubelet's or a
 * proxy's own configuration included: readOnlyPort, anonymous access). */
static const char *const extract_formats_net_keys[] = {
	"ports", "containerPort", "hostPort", "hostNetwork", "nodePort", "loadBalancerSourceRanges",
	"externalIPs", "listeners", "ipBlock", "sourceRanges", "entryPoints", "readOnlyPort",
	"healthzPort", "bindAddress", "anonymous", NULL,
};

/* The same keys, as text in YAML bytes. */
static const char *const extract_formats_net_key_text[] = {
	"ports:", "containerPort:", "hostPort:", "hostNetwork:", "nodePort:",
	"loadBalancerSourceRanges:", "externalIPs:", "listeners:", "ipBlock:", NULL,
};


/* Helm values that shape what a chart exposes. */
static const char *const extract_formats_helm_keys[] = {
	"service:", "ingress:", "hostNetwork:", "hostPort:", "nodePort:", "loadBalancerSourceRanges:",
	"containerPort:", "ports:", NULL,
};

/* ---- confirming a recognised file --------------------------------------- */

/* The first marker of list found in data, or NULL. */
static const char *extract_formats_first(const char *const *list, const char *data, size_t len,
                                         bool ci)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		if (extract_marker_found(data, len, list[i], ci))
			return list[i];
	}
	return NULL;
}

/* The line of the first occurrence of needle (which is there, perhaps as
 * a line marker at the very start), 1-based. */
static unsigned extract_formats_line_of(const char *data, size_t len, const char *needle, bool ci)
{
	size_t m = strlen(needle);
	unsigned line = 1;

	if (needle[0] == '\n' && len >= m - 1 &&
	    (ci ? g_ascii_strncasecmp(data, needle + 1, m - 1) : memcmp(data, needle + 1, m - 1)) == 0)
		return 1;
	for (size_t i = 0; i + m <= len; i++) {
		if ((ci ? g_ascii_strncasecmp(data + i, needle, m) : memcmp(data + i, needle, m)) == 0)
			return line;
		if (data[i] == '\n')
			line++;
	}
	return 0;
}

static char *extract_formats_found(const struct extract_input *in, const char *marker, bool ci,
                                   const char *what)
{
	g_autofree char *text = NULL;
	size_t n;

	/* A confirm runs only where a marker was found, with the same test. */
	if (marker == NULL)
		return g_strdup_printf("1: %s", what);
	text = g_strstrip(g_strdup(marker));
	n = strlen(text);
	if (n > 0 && text[n - 1] == ':')
		text[n - 1] = '\0';
	return g_strdup_printf("%u: %s %s", extract_formats_line_of(in->data, in->len, marker, ci), text,
	                       what);
}

static bool extract_formats_confirm_cfn(const struct extract_input *in, char **what_out)
{
	const char *m = extract_formats_first(extract_formats_cfn_other, in->data, in->len, false);

	*what_out = extract_formats_found(in, m, false, "is a CloudFormation type");
	return true;
}

static bool extract_formats_confirm_arm(const struct extract_input *in, char **what_out)
{
	const char *m = extract_formats_first(extract_formats_arm_other, in->data, in->len, true);

	*what_out = extract_formats_found(in, m, true, "is an ARM resource type");
	return true;
}

/* A playbook or a role's task list that calls a network module. */
static bool extract_formats_confirm_ansible(const struct extract_input *in, char **what_out)
{
	const char *m = extract_formats_first(extract_formats_ansible_modules, in->data, in->len, false);

	if (!extract_bytes_contain(in->data, in->len, "- name:", false) &&
	    !extract_bytes_contain(in->data, in->len, "hosts:", false))
		return false;
	*what_out = extract_formats_found(in, m, false, "is an Ansible network module");
	return true;
}

static bool extract_formats_confirm_helm_values(const struct extract_input *in, char **what_out)
{
	const char *m = extract_formats_first(extract_formats_helm_keys, in->data, in->len, false);

	if (m == NULL)
		return false;
	*what_out = extract_formats_found(in, m, false, "is a Helm value");
	return true;
}

/* Does the subtree at n hold a key of extract_formats_net_keys? Metadata,
 * ConfigMap data and CRD schemas describe, they do not open. */
static bool extract_formats_has_net_key(const struct doc_node *n, unsigned depth)
{
	static const char *const skip[] = { "metadata", "data", "stringData", "binaryData",
	                                    "openAPIV3Schema", "validation", "status" };

	if (n == NULL || depth > DW_LIMIT_DEPTH)
		return false;
	for (size_t i = 0; n->kind == DOC_LIST && i < n->n; i++) {
		if (extract_formats_has_net_key(n->items[i], depth + 1))
			return true;
	}
	for (size_t i = 0; n->kind == DOC_MAP && i < n->n; i++) {
		const char *key = doc_scalar(n->pairs[i].key);
		bool skipped = false;

		for (size_t j = 0; key != NULL && extract_formats_net_keys[j] != NULL; j++) {
			if (strcmp(key, extract_formats_net_keys[j]) == 0)
				return true;
		}
		for (size_t j = 0; key != NULL && j < G_N_ELEMENTS(skip); j++)
			skipped = skipped || strcmp(key, skip[j]) == 0;
		if (!skipped && extract_formats_has_net_key(n->pairs[i].value, depth + 1))
			return true;
	}
	return false;
}

/* Kinds that describe traffic somewhere else rather than let it in. */
static bool extract_formats_k8s_describes(const char *kind)
{
	static const char *const kinds[] = { "Endpoints", "EndpointSlice", "CustomResourceDefinition",
	                                     "List" };

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	}
	return false;
}

/* The first object (a document, or an item of a List) with a kind that
 * takes traffic; with_api: one that has an apiVersion, else one without. */
static const struct doc_node *extract_formats_k8s_first(const struct doc_node *n, bool with_api,
                                                        unsigned depth)
{
	const char *kind = doc_scalar(doc_map_get(n, "kind"));
	const struct doc_node *items = doc_map_get(n, "items");

	if (n == NULL || n->kind != DOC_MAP || kind == NULL || depth > 8)
		return NULL;
	for (size_t i = 0; items != NULL && items->kind == DOC_LIST && i < items->n; i++) {
		const struct doc_node *hit = extract_formats_k8s_first(items->items[i], with_api, depth + 1);

		if (hit != NULL)
			return hit;
	}
	if ((doc_scalar(doc_map_get(n, "apiVersion")) != NULL) != with_api ||
	    extract_formats_k8s_describes(kind) || !extract_formats_has_net_key(n, 0))
		return NULL;
	return n;
}

static bool extract_formats_confirm_k8s(const struct extract_input *in, bool with_api, char **what_out)
{
	for (guint i = 0; in->doc != NULL && i < in->doc->roots->len; i++) {
		const struct doc_node *o = extract_formats_k8s_first(in->doc->roots->pdata[i], with_api, 0);
		const char *name;
		g_autofree char *kind = NULL;
		g_autofree char *quoted = NULL;

		if (o == NULL)
			continue;
		kind = extract_quote(doc_scalar(doc_map_get(o, "kind")));
		name = doc_scalar(doc_map_get(doc_map_get(o, "metadata"), "name"));
		quoted = extract_quote(name != NULL ? name : "(no name)");
		if (with_api) {
			g_autofree char *api = extract_quote(doc_scalar(doc_map_get(o, "apiVersion")));

			*what_out = g_strdup_printf("%u: %s %s (%s) takes traffic", o->line, kind, quoted,
			                            api);
		} else {
			*what_out = g_strdup_printf("%u: %s %s has ports but no apiVersion", o->line, kind,
			                            quoted);
		}
		return true;
	}
	return false;
}

static bool extract_formats_confirm_k8s_kind(const struct extract_input *in, char **what_out)
{
	return extract_formats_confirm_k8s(in, true, what_out);
}

static bool extract_formats_confirm_k8s_noapi(const struct extract_input *in, char **what_out)
{
	return extract_formats_confirm_k8s(in, false, what_out);
}

/* ---- objects not read in a file otherwise read --------------------------- */

static bool extract_formats_at_line(GPtrArray *found, unsigned line)
{
	for (guint i = 0; i < found->len; i++) {
		if (((const struct resource *)found->pdata[i])->line == line)
			return true;
	}
	return false;
}

static struct resource *extract_formats_unread(struct resource **unread, const char *path)
{
	if (*unread == NULL)
		*unread = extract_unread_resource(path);
	return *unread;
}

/* A Kubernetes object that takes traffic and gave no resource (every kind
 * read gives one, at the object's line). */
static void extract_formats_k8s_object(const struct extract_input *in, GPtrArray *found,
                                       struct resource **unread, const struct doc_node *o,
                                       unsigned depth)
{
	const char *kind = doc_scalar(doc_map_get(o, "kind"));
	const char *api = doc_scalar(doc_map_get(o, "apiVersion"));
	const struct doc_node *items = doc_map_get(o, "items");
	const char *name;
	g_autofree char *qkind = NULL;
	g_autofree char *qname = NULL;
	g_autofree char *qapi = NULL;

	if (o == NULL || o->kind != DOC_MAP || kind == NULL || api == NULL || depth > 8)
		return;
	for (size_t i = 0; items != NULL && items->kind == DOC_LIST && i < items->n; i++)
		extract_formats_k8s_object(in, found, unread, items->items[i], depth + 1);
	if (extract_formats_k8s_describes(kind) || extract_formats_at_line(found, o->line) ||
	    !extract_formats_has_net_key(o, 0))
		return;
	name = doc_scalar(doc_map_get(doc_map_get(o, "metadata"), "name"));
	qkind = extract_quote(kind);
	qname = extract_quote(name != NULL ? name : "(no name)");
	qapi = extract_quote(api);
	resource_add_unknown(extract_formats_unread(unread, in->path), o->line,
	                     "%s %s (%s) takes traffic, and no reader takes this kind: not analysed",
	                     qkind, qname, qapi);
}

static void extract_formats_partial_k8s(const struct extract_input *in, GPtrArray *found,
                                        struct resource **unread)
{
	for (guint i = 0; in->doc != NULL && i < in->doc->roots->len; i++)
		extract_formats_k8s_object(in, found, unread, in->doc->roots->pdata[i], 0);
}

static bool extract_formats_listed(const char *const *list, const char *text, bool ci)
{
	for (size_t i = 0; text != NULL && list[i] != NULL; i++) {
		if ((ci ? g_ascii_strcasecmp(text, list[i]) : strcmp(text, list[i])) == 0)
			return true;
	}
	return false;
}

/* CloudFormation: Resources entries of a type no reader takes. */
static void extract_formats_partial_cfn(const struct extract_input *in, GPtrArray *found,
                                        struct resource **unread)
{
	for (guint i = 0; in->doc != NULL && i < in->doc->roots->len; i++) {
		const struct doc_node *res = doc_map_get(in->doc->roots->pdata[i], "Resources");

		for (size_t j = 0; res != NULL && res->kind == DOC_MAP && j < res->n; j++) {
			const char *id = doc_scalar(res->pairs[j].key);
			const char *type = doc_scalar(doc_map_get(res->pairs[j].value, "Type"));
			g_autofree char *qid = NULL;

			if (id == NULL || !extract_formats_listed(extract_formats_cfn_other, type, false))
				continue;
			qid = extract_quote(id);
			resource_add_unknown(extract_formats_unread(unread, in->path), res->pairs[j].key->line,
			                     "%s (%s) is a type no reader takes: not analysed", qid, type);
		}
	}
}

/* ARM: resources (nested ones too) of a type no reader takes. */
static void extract_formats_arm_resources(const struct extract_input *in, struct resource **unread,
                                          const struct doc_node *list, unsigned depth)
{
	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && depth < 8 && i < list->n; i++) {
		const struct doc_node *r = list->items[i];
		const char *type = doc_scalar(doc_map_get_ci(r, "type"));
		const char *name = doc_scalar(doc_map_get_ci(r, "name"));
		g_autofree char *qname = NULL;
		g_autofree char *qtype = NULL;

		extract_formats_arm_resources(in, unread, doc_map_get_ci(r, "resources"), depth + 1);
		if (!extract_formats_listed(extract_formats_arm_other, type, true))
			continue;
		qname = extract_quote(name != NULL ? name : "(no name)");
		qtype = extract_quote(type);
		resource_add_unknown(extract_formats_unread(unread, in->path), r->line,
		                     "%s (%s) is a type no reader takes: not analysed", qname, qtype);
	}
}

static void extract_formats_partial_arm(const struct extract_input *in, GPtrArray *found,
                                        struct resource **unread)
{
	for (guint i = 0; in->doc != NULL && i < in->doc->roots->len; i++)
		extract_formats_arm_resources(in, unread,
		                              doc_map_get_ci(in->doc->roots->pdata[i], "resources"), 0);
}

/* The module of an Ansible task that no reader takes, from the row's markers, or NULL. */
static const char *extract_formats_ansible_unread_key(const struct doc_node *task)
{
	for (size_t i = 0; task->kind == DOC_MAP && i < task->n; i++) {
		const char *key = doc_scalar(task->pairs[i].key);

		for (size_t j = 0; key != NULL && extract_formats_ansible_modules[j] != NULL; j++) {
			const char *m = extract_formats_ansible_modules[j];
			size_t n;

			while (*m == '\n' || *m == ' ')
				m++;
			n = strlen(m) - 1; /* without the ':' */
			if (strlen(key) == n && strncmp(key, m, n) == 0)
				return key;
		}
	}
	return NULL;
}

/* Ansible: tasks (in plays and blocks) of a network module no reader takes. */
static void extract_formats_ansible_tasks(const struct extract_input *in, struct resource **unread,
                                          const struct doc_node *list, unsigned depth)
{
	static const char *const nested[] = { "block", "rescue", "always", "tasks", "pre_tasks", "post_tasks",
		                              "handlers" };

	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && depth < 16 && i < list->n; i++) {
		const struct doc_node *task = list->items[i];
		const char *module = extract_formats_ansible_unread_key(task);

		for (size_t k = 0; k < G_N_ELEMENTS(nested); k++)
			extract_formats_ansible_tasks(in, unread, doc_map_get(task, nested[k]), depth + 1);
		if (module != NULL)
			resource_add_unknown(extract_formats_unread(unread, in->path), task->line,
			                     "a task uses %s, a module no reader takes: not analysed", module);
	}
}

static void extract_formats_partial_ansible(const struct extract_input *in, GPtrArray *found,
                                            struct resource **unread)
{
	for (guint i = 0; in->doc != NULL && i < in->doc->roots->len; i++)
		extract_formats_ansible_tasks(in, unread, in->doc->roots->pdata[i], 0);
}

/* ---- the table ------------------------------------------------------------ */

static const struct extract_format extract_format_rows[] = {
	{ .info = { "Azure ARM template", "*.json, *.template",
	            "contains one of the resource types it reads (Microsoft.Network/networkSecurityGroups, "
	            "virtualNetworks, networkInterfaces, Microsoft.Sql/servers, "
	            "Microsoft.Storage/storageAccounts ...)",
	            "networkSecurityGroups with securityRules, standalone .../securityRules "
	            "(first match by priority, Azure's default rules; the Internet tag is the public space "
	            "in a deny rule); templates nested in deployments and Blueprint artifacts; firewallRules "
	            "of SQL, MySQL, PostgreSQL, MariaDB and Redis servers; storage accounts' networkAcls; AKS "
	            "authorized IP ranges; publicNetworkAccess; which subnets and NICs name an NSG; "
	            "parameters()/variables(), with values from NAME.parameters[.ENV].json beside the template "
	            "(files that disagree: an unknown); copy loops of resources and securityRules (count up to 800)",
	            "azure-nsg:NAME, azure-subnet:VNET/SUBNET, azure-nic:NAME, azure-sql:SERVER, "
	            "azure-storage:NAME, azure-aks:NAME ...", NULL },
	  .markers = extract_formats_arm_markers, .markers_ci = true, .parse = EXTRACT_PARSE_DOC,
	  .read = extract_formats_read_arm },
	{ .info = { "Kubernetes manifests", "*.yml, *.yaml, *.json",
	            "contains apiVersion (and a kind); a Helm template ({{ }}) is reported as not "
	            "analysable",
	            "Service (type, ports, nodePort 0 as the NodePort range, loadBalancerSourceRanges, "
	            "externalIPs, internal load balancer annotations, v1beta1..v1beta3 fields), NetworkPolicy "
	            "(union of its ingress rules for the pods it selects), Ingress (the controller's 80/443 "
	            "routed to each backend), hostPort and hostNetwork of pods, workloads and Knative "
	            "Services; kubelet, kube-apiserver, etcd, kube-controller-manager and kube-scheduler flags in "
	            "containers (defaults by the image tag's version), KubeletConfiguration",
	            "k8s:KIND/NAMESPACE/NAME (+ /CONTAINER for a control-plane program)", NULL },
	  .markers = extract_formats_k8s_markers, .requires = extract_formats_kind_markers,
	  .parse = EXTRACT_PARSE_DOC, .read = extract_formats_read_k8s, .template_line = extract_k8s_template_line },
	{ .info = { "docker-compose",
	            "compose.y(a)ml, docker-compose*.y(a)ml; any *.yml/*.yaml by its shape",
	            "by name, or a top-level services: map whose every service has image or build and "
	            "some service publishes ports (a swarm stack.yml)",
	            "published ports, short and long syntax (host IP, ranges, /udp), network_mode: host",
	            "compose:PROJECT:SERVICE (the top-level name, else the directory's basename)", NULL },
	  .name = extract_formats_compose, .markers = extract_formats_compose_markers, .weak = true,
	  .parse = EXTRACT_PARSE_YAML, .read = extract_formats_read_compose },
	{ .info = { "AWS CloudFormation", "*.json, *.yml, *.yaml, *.template",
	            "contains one of the resource types it reads (AWS::EC2::SecurityGroup, "
	            "AWS::EC2::NetworkAcl, AWS::RDS::, ...)",
	            "AWS::EC2::SecurityGroup ingress, AWS::EC2::SecurityGroupIngress joined to its group "
	            "(union of allows; a GetAtt source is a named source; a rule that cannot be read is one "
	            "unknown); NetworkAclEntry (first match by RuleNumber); RDS DBSecurityGroup; "
	            "PubliclyAccessible of RDS, Redshift, MQ, DMS, MSK public access; OpenSearch/Elasticsearch "
	            "AccessPolicies; EKS endpoint PublicAccessCidrs; EKS Nodegroup RemoteAccess (SSH, from "
	            "anywhere without SourceSecurityGroups); internet-facing ElasticLoadBalancingV2 load "
	            "balancers: their Listener ports from whoever their SecurityGroups admit (a network "
	            "load balancer without groups: every address) and classic ElasticLoadBalancing ones "
	            "(each listener's LoadBalancerPort; without groups outside a VPC, every address); "
	            "!Ref/!GetAtt, parameter defaults",
	            "aws-sg:LOGICAL-ID, aws-nacl:LOGICAL-ID, aws-dbsg:LOGICAL-ID, aws-eks:LOGICAL-ID, "
	            "aws-eks-nodegroup:LOGICAL-ID, aws-lb:LOGICAL-ID, aws:LOGICAL-ID", NULL },
	  .markers = extract_formats_cfn_markers, .markers_ci = true, .parse = EXTRACT_PARSE_DOC,
	  .read = extract_formats_read_cfn },
	{ .info = { "Terraform", "*.tf, *.tfvars (a directory is one module, read whole)", "by name",
	            "aws_security_group (+ _rule, aws_vpc_security_group_ingress_rule), "
	            "aws_default_security_group, aws_db_security_group, aws_network_acl "
	            "(+ _rule, aws_default_network_acl), azurerm_network_security_group (+ "
	            "azurerm_network_security_rule), google_compute_firewall (per network), Azure "
	            "SQL/PostgreSQL/MySQL/MariaDB/Redis firewall rules, Cloud SQL authorized_networks, "
	            "EKS/AKS/GKE API endpoints, aws_eks_node_group remote_access, internet-facing aws_lb "
	            "(aws_lb_listener ports from whoever its security groups admit) and classic aws_elb "
	            "listeners, kubernetes_* objects as manifests, publicly_accessible (RDS, "
	            "Neptune, Redshift, MQ, DMS), MSK public access, open Elasticsearch/OpenSearch domain "
	            "policies, aws_s3_bucket_public_access_block, azurerm public_network_access_enabled "
	            "(provider default), azurerm storage account network_rules (inline or "
	            "azurerm_storage_account_network_rules; absent: Allow); local module calls followed; "
	            "variables from defaults and tfvars, "
	            "locals, concat, flatten, tolist, toset, cidrsubnet; anything else, and network-like "
	            "types not read, an explicit unknown",
	            "tf:DIR:TYPE.NAME, tf:DIR:module.NAME.TYPE.NAME", NULL },
	  .name = extract_formats_tf, .module = true },
	{ .info = { "Elasticsearch / OpenSearch", "elasticsearch.yml, opensearch.yml", "by name",
	            "security on/off, bind address (flat or nested keys)", "elasticsearch:DIR", NULL },
	  .name = extract_formats_es, .parse = EXTRACT_PARSE_YAML, .read = extract_formats_read_es },
	{ .info = { "Kibana", "kibana.yml", "by name", "server.host, and the Elasticsearch settings",
	            "kibana:DIR", NULL },
	  .name = extract_formats_kibana, .parse = EXTRACT_PARSE_YAML,
	  .read = extract_formats_read_svc_yaml },
	{ .info = { "MongoDB", "mongod.conf (YAML)", "by name",
	            "net.bindIp / net.bindIpAll, security.authorization (keyFile turns it on)",
	            "mongodb:DIR", NULL },
	  .name = extract_formats_mongod, .parse = EXTRACT_PARSE_YAML,
	  .read = extract_formats_read_svc_yaml },
	{ .info = { "Redis", "redis.conf", "by name",
	            "bind, protected-mode, requirepass (Redis's own quoting); ACLs are unknowns",
	            "redis:DIR", NULL },
	  .name = extract_formats_redis, .read = extract_formats_read_svc },
	{ .info = { "PostgreSQL", "postgresql.conf", "by name", "listen_addresses", "postgresql:DIR",
	            NULL },
	  .name = extract_formats_postgresql, .read = extract_formats_read_svc },
	{ .info = { "PostgreSQL client authentication", "pg_hba.conf", "by name",
	            "host lines as a first-match rule list over tcp/5432 per database and user; trust as "
	            "authentication off; include and @file are unknowns",
	            "pg_hba:DIR:DB/USER", NULL },
	  .name = extract_formats_hba, .read = extract_formats_read_hba },
	{ .info = { "OpenSSH server", "sshd_config", "by name",
	            "PasswordAuthentication, PermitRootLogin, ListenAddress (first value wins; Match "
	            "blocks)",
	            "sshd:DIR", NULL },
	  .name = extract_formats_sshd, .read = extract_formats_read_svc },

	{ .info = { "Ansible cloud network modules", "*.yml, *.yaml",
	            "a task using amazon.aws.ec2_security_group (ec2_group), "
	            "azure.azcollection.azure_rm_securitygroup or google.cloud.gcp_compute_firewall, "
	            "short names too",
	            "security group rules (proto, ports, from_port/to_port, cidr_ip, cidr_ipv6, group_id, "
	            "ip_prefix; rules_egress is not ingress), NSG rules (first match by priority, Azure's "
	            "default rules), GCP firewalls (allowed/denied, source_ranges, source_tags, direction, "
	            "disabled); tasks in blocks; {{ var }} from the task's, block's and play's vars, the "
	            "play's vars_files and the role's vars/main.yml and defaults/main.yml; any other "
	            "variable (inventory, extra vars, facts) or Jinja expression an explicit unknown",
	            "ansible:MODULE:RESOURCE_GROUP|VPC|PROJECT/NAME", NULL },
	  .markers = extract_formats_ansible_read, .parse = EXTRACT_PARSE_DOC,
	  .read = extract_formats_read_ansible },
	{ .info = { "Terraform plan JSON", "*.json (terraform show -json PLAN > plan.json)",
	            "format_version, and planned_values, resource_changes or terraform_version",
	            "the planned values of every resource the Terraform reader takes, in every module, "
	            "read by the same readers as *.tf; after_unknown values an explicit unknown; a rule "
	            "joined to its group through the plan's configuration references. Where a plan and "
	            "*.tf give the same resource, the plan wins",
	            "tf:DIR:TYPE.NAME, tf:DIR:module.NAME.TYPE.NAME (DIR: the plan file's directory)", NULL },
	  .markers = extract_formats_tfplan_markers, .requires = extract_formats_tfplan_requires,
	  .parse = EXTRACT_PARSE_DOC, .read = extract_formats_read_tfplan },
	{ .info = { "Bicep", "*.bicep, *.bicepparam (read with the NAME.bicep beside it, as is NAME.parameters.json)",
	            "by name",
	            "what the ARM template reader reads, from the template the file deploys: NSGs with "
	            "securityRules, nested and parent: child rules, firewallRules, storage networkAcls, AKS "
	            "authorized IP ranges, publicNetworkAccess...; param defaults and values from "
	            "NAME.bicepparam / NAME.parameters.json (files that disagree: an unknown), var, "
	            "'${...}' interpolation, map/filter, for loops over known arrays and range() (up to 800), if "
	            "conditions (unknown: read as deployed, and said), existing resources, local modules "
	            "followed (8 deep, cycles refused); registry modules, deployment-time functions and "
	            "anything else not evaluated are explicit unknowns",
	            "as ARM: azure-nsg:NAME, azure-sql:SERVER, azure-storage:NAME, azure-aks:NAME ... (the "
	            "deployed name, so a template moved from ARM JSON to Bicep keeps its identity)", NULL },
	  .name = extract_formats_bicep, .read = extract_formats_read_bicep },

	/* Recognised, not read: each file found is reported once as not analysed. */
	{ .info = { "Terraform JSON syntax", "*.tf.json, *.tfvars.json", "by name", NULL, NULL,
	            "Terraform's JSON syntax is not read; only native syntax (*.tf) is" },
	  .name = extract_formats_tf_json },
	{ .info = { "Host firewall rule sets",
	            "rules.v4, rules.v6, iptables, ip6tables, iptables.rules (iptables-save), "
	            "nftables.conf, *.nft",
	            "by name", NULL, NULL, "iptables and nftables rule sets are not read" },
	  .name = extract_formats_host_fw },
	{ .info = { "CloudFormation, other network types", "*.json, *.yml, *.yaml, *.template",
	            "contains a type such as AWS::RDS::DBCluster, AWS::Neptune::DBInstance, "
	            "and no type a reader takes",
	            NULL, NULL,
	            "no reader takes this type; what it opens is not judged" },
	  .markers = extract_formats_cfn_other, .parse = EXTRACT_PARSE_DOC,
	  .confirm = extract_formats_confirm_cfn, .partial = extract_formats_partial_cfn },
	{ .info = { "ARM, other network types", "*.json, *.template",
	            "contains a type such as Microsoft.Network/azureFirewalls, firewallPolicies, "
	            "applicationGateways, Microsoft.Search/searchServices, and no type a reader takes",
	            NULL, NULL, "no reader takes this type; what it opens is not judged" },
	  .markers = extract_formats_arm_other, .markers_ci = true, .parse = EXTRACT_PARSE_DOC,
	  .confirm = extract_formats_confirm_arm, .partial = extract_formats_partial_arm },
	{ .info = { "Kubernetes objects of other kinds", "*.yml, *.yaml, *.json",
	            "apiVersion and kind, a kind no reader takes (Gateway, VirtualService, Route, "
	            "Rollout, KubeletConfiguration...) that has ports, listeners, hostNetwork, ipBlock, "
	            "a bind address or anonymous access, and nothing else in the file read",
	            NULL, NULL, "no reader takes this kind; what it exposes is not judged" },
	  .markers = extract_formats_k8s_markers, .requires = extract_formats_kind_markers,
	  .parse = EXTRACT_PARSE_DOC, .confirm = extract_formats_confirm_k8s_kind,
	  .partial = extract_formats_partial_k8s },
	{ .info = { "Kubernetes-like manifests without apiVersion", "*.yml, *.yaml, *.json",
	            "a kind and ports, hostNetwork or the like, but no apiVersion", NULL, NULL,
	            "without apiVersion it is no object kubectl applies as written (a kustomize patch, "
	            "a fragment); what it exposes is not judged" },
	  .markers = extract_formats_net_key_text, .requires = extract_formats_kind_markers,
	  .parse = EXTRACT_PARSE_DOC, .confirm = extract_formats_confirm_k8s_noapi },
	{ .info = { "Ansible, other network modules", "*.yml, *.yaml",
	            "a task using a network module no reader takes (ufw, firewalld, iptables, "
	            "openstack security_group_rule, kubernetes.core.k8s...)",
	            NULL, NULL, "this Ansible module is not read; what its tasks open is not judged" },
	  .markers = extract_formats_ansible_modules, .confirm = extract_formats_confirm_ansible,
	  .partial = extract_formats_partial_ansible },
	{ .info = { "Helm chart values", "values*.yaml, *-values.yaml, *.values.yaml",
	            "by name, with service, ingress, ports or host networking settings", NULL, NULL,
	            "values are not rendered into manifests (helm template); what they expose is not "
	            "judged" },
	  .name = extract_formats_helm_values, .confirm = extract_formats_confirm_helm_values },
};

const struct extract_format *extract_format_table(size_t *n_out)
{
	*n_out = G_N_ELEMENTS(extract_format_rows);
	return extract_format_rows;
}

const struct extract_format_info *extract_format_nth(size_t i)
{
	return i < G_N_ELEMENTS(extract_format_rows) ? &extract_format_rows[i].info : NULL;
}
