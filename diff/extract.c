/*
 * extract.c - chooses the extractor for a file: by name first, so the git
 * walk can skip blobs unread, then by a cheap scan of the bytes, so a file
 * no extractor reads is never parsed.
 */
#include <string.h>

#include "extract.h"
#include "extract_private.h"

static const char *const extract_suffixes[] = { ".json", ".yml", ".yaml", ".template" };

static const char *extract_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* The service an elasticsearch.yml / opensearch.yml configures, else NULL. */
static const char *extract_es_service(const char *path)
{
	const char *base = extract_basename(path);

	if (strcmp(base, "elasticsearch.yml") == 0)
		return "elasticsearch";
	if (strcmp(base, "opensearch.yml") == 0)
		return "opensearch";
	return NULL;
}

/* The service a mongod.conf / kibana.yml configures, else NULL. */
static const char *extract_svc_yaml_service(const char *path)
{
	const char *base = extract_basename(path);

	if (strcmp(base, "mongod.conf") == 0)
		return "mongodb";
	if (strcmp(base, "kibana.yml") == 0)
		return "kibana";
	return NULL;
}

static bool extract_has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

/* compose.y(a)ml, docker-compose*.y(a)ml (the names docker compose reads). */
static bool extract_is_compose(const char *path)
{
	const char *base = extract_basename(path);

	if (strcmp(base, "compose.yml") == 0 || strcmp(base, "compose.yaml") == 0)
		return true;
	return g_str_has_prefix(base, "docker-compose") &&
	       (g_str_has_suffix(base, ".yml") || g_str_has_suffix(base, ".yaml"));
}

bool extract_path_may_match(const char *path)
{
	if (extract_es_service(path) != NULL || extract_svc_path(path) ||
	    extract_svc_yaml_service(path) != NULL || extract_tf_path(path))
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(extract_suffixes); i++) {
		if (extract_has_suffix_ci(path, extract_suffixes[i]))
			return true;
	}
	return false;
}

/* Does data (len bytes, not NUL-terminated) contain needle, ignoring ASCII
 * case? ARM resource types are case-insensitive. */
static bool extract_contains_ci(const char *data, size_t len, const char *needle)
{
	size_t m = strlen(needle);
	char first_lo = g_ascii_tolower(needle[0]), first_up = g_ascii_toupper(needle[0]);

	if (m == 0 || len < m)
		return m == 0;
	for (size_t i = 0; i + m <= len; i++) {
		if (data[i] != first_lo && data[i] != first_up)
			continue;
		if (g_ascii_strncasecmp(data + i, needle, m) == 0)
			return true;
	}
	return false;
}

/* Does data (len bytes) contain needle exactly? Kubernetes keys are case-sensitive. */
static bool extract_contains(const char *data, size_t len, const char *needle)
{
	size_t m = strlen(needle);

	for (const char *p = data, *end = data + len; m > 0 && (size_t)(end - p) >= m; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (p == NULL)
			return false;
		if (memcmp(p, needle, m) == 0)
			return true;
	}
	return m == 0;
}

/* CloudFormation resource types extract_cfn() reads (a prefix is enough). */
static const char *const extract_cfn_types[] = {
	"AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl", "AWS::RDS::DBSecurityGroup", "AWS::RDS::DBInstance",
	"AWS::Redshift::Cluster", "AWS::AmazonMQ::Broker", "AWS::DMS::ReplicationInstance", "AWS::MSK::Cluster",
	"AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain", "AWS::EKS::Cluster",
};

/* ARM resource types extract_arm() reads (a prefix is enough). */
static const char *const extract_arm_types[] = {
	"Microsoft.Network/networkSecurityGroups", "Microsoft.Sql/servers", "Microsoft.DBforMySQL/",
	"Microsoft.DBforPostgreSQL/", "Microsoft.DBforMariaDB/", "Microsoft.Cache/redis",
	"Microsoft.Storage/storageAccounts", "Microsoft.ContainerService/managedClusters",
};

enum extract_format {
	EXTRACT_NONE = 0,
	EXTRACT_ARM = 1 << 0,
	EXTRACT_CFN = 1 << 1,
	EXTRACT_K8S = 1 << 2,
	EXTRACT_COMPOSE = 1 << 3, /* a compose file under another name, if its shape says so */
};

/*
 * Which extractors a file needs, from its bytes. A JSON "\/" or "\u0041"
 * or a YAML "\x41" or escaped line break can spell a resource type without
 * its bytes appearing, and a pushed file is hostile: a file with any
 * backslash is parsed and given to both extractors, which find nothing in
 * a document that is not theirs.
 */
static unsigned extract_sniff(const char *data, size_t len, bool *escaped_out)
{
	unsigned formats = EXTRACT_NONE;

	for (size_t i = 0; i < G_N_ELEMENTS(extract_arm_types); i++) {
		if (extract_contains_ci(data, len, extract_arm_types[i]))
			formats |= EXTRACT_ARM;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(extract_cfn_types); i++) {
		if (extract_contains_ci(data, len, extract_cfn_types[i]))
			formats |= EXTRACT_CFN;
	}
	if (extract_contains(data, len, "apiVersion") && extract_contains(data, len, "kind"))
		formats |= EXTRACT_K8S;
	if (extract_contains(data, len, "\nservices:") || (len >= 9 && memcmp(data, "services:", 9) == 0))
		formats |= EXTRACT_COMPOSE;
	*escaped_out = len > 0 && memchr(data, '\\', len) != NULL;
	return formats;
}

/* extract_file() into found, which the caller drops on failure. */
static bool extract_file_into(GPtrArray *found, const char *path, const char *data, size_t len,
                              GError **error)
{
	const char *service = extract_es_service(path);
	g_autoptr(doc) d = NULL;
	g_autoptr(GError) parse_error = NULL;
	unsigned formats, line;
	bool escaped;

	if (service != NULL)
		return doc_parse_yaml(&d, path, data, len, NULL, error) &&
		       extract_es(found, d, service, error);
	if (extract_is_compose(path))
		return doc_parse_yaml(&d, path, data, len, NULL, error) && extract_compose(found, d, error);
	if (extract_svc_path(path))
		return extract_svc(found, path, data, len, error);
	if (extract_svc_yaml_service(path) != NULL)
		return doc_parse_yaml(&d, path, data, len, NULL, error) &&
		       extract_svc_yaml(found, d, extract_svc_yaml_service(path), error);
	/* Terraform is read a module (a directory) at a time: extract_tf_module(). */
	if (!extract_path_may_match(path) || extract_tf_path(path))
		return true;
	formats = extract_sniff(data, len, &escaped);
	if (formats == EXTRACT_NONE && !escaped)
		return true;
	if ((formats & ~EXTRACT_COMPOSE) == EXTRACT_K8S && (line = extract_k8s_template_line(path, data, len)) > 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_UNKNOWN_VALUE,
		            "%s:%u: a Helm template ({{ ... }}); templates are not rendered, so the "
		            "file is not analysed", path, line);
		return false;
	}
	if (!doc_parse(&d, path, data, len, NULL, &parse_error)) {
		/* A file that might be ours only by its escapes, or a compose
		 * file only by a "services:" line, and does not parse could not
		 * be deployed either. */
		if ((formats & ~EXTRACT_COMPOSE) == EXTRACT_NONE)
			return true;
		g_propagate_error(error, g_steal_pointer(&parse_error));
		return false;
	}
	if (formats == EXTRACT_NONE)
		formats = EXTRACT_ARM | EXTRACT_CFN | EXTRACT_K8S | EXTRACT_COMPOSE;
	if ((formats & EXTRACT_ARM) && !extract_arm(found, d, error))
		return false;
	if ((formats & EXTRACT_K8S) && !extract_k8s(found, d, error))
		return false;
	if ((formats & EXTRACT_COMPOSE) && extract_compose_shape(d) && !extract_compose(found, d, error))
		return false;
	return !(formats & EXTRACT_CFN) || extract_cfn(found, d, error);
}

/*
 * The size of an evaluated set can grow with the product of a resource's
 * port boundaries and source ranges, so a pushed file with thousands of
 * crafted rules could hold the pre-receive hook for minutes. Past the
 * platforms' own limits the file is not analysed (and says so).
 */
static bool extract_check_limits(GPtrArray *found, const char *path, GError **error)
{
	size_t total = 0;

	for (guint i = 0; i < found->len; i++) {
		const struct resource *r = found->pdata[i];

		total += r->rules->len;
		if (r->rules->len > DW_LIMIT_RULES) {
			g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: more than %u rules in %s %s",
			            path, r->line, DW_LIMIT_RULES, r->kind, r->name);
			return false;
		}
	}
	if (total > DW_LIMIT_FILE_RULES) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: %zu rules in one file, more than the %u driftwatch analyses", path, total,
		            DW_LIMIT_FILE_RULES);
		return false;
	}
	return true;
}

bool extract_file(GPtrArray *out, const char *path, const char *data, size_t len, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	/* An empty GBytes gives NULL data; the parsers expect a buffer. */
	if (!data)
		data = "";
	if (!extract_file_into(found, path, data, len, error) ||
	    !extract_check_limits(found, path, error))
		return false;
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}

bool extract_finish(GPtrArray *out, GPtrArray *found, struct dw_problems *problems,
                    GError **error)
{
	bool ok = dw_problems_check(problems, error);

	dw_problems_clear(problems);
	for (guint i = 0; ok && i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return ok;
}

bool extract_finish_one(GPtrArray *out, struct resource *r, struct dw_problems *problems,
                        GError **error)
{
	bool ok = dw_problems_check(problems, error);

	dw_problems_clear(problems);
	if (ok)
		g_ptr_array_add(out, r);
	else
		resource_free(r);
	return ok;
}

const char *const extract_bind_names[] = { "none", "loopback", "specific", "all" };

static bool extract_is_v4_loopback(const char *text)
{
	if (!g_str_has_prefix(text, "127."))
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p) && *p != '.')
			return false;
	}
	return true;
}

enum extract_bind extract_bind_address(const char *text)
{
	static const char *const all[] = { "0.0.0.0", "0", "::", "::*", "*", "0:0:0:0:0:0:0:0" };

	if (*text == '\0')
		return EXTRACT_BIND_NONE;
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		if (strcmp(text, all[i]) == 0)
			return EXTRACT_BIND_ALL;
	}
	if (g_ascii_strcasecmp(text, "localhost") == 0 || extract_is_v4_loopback(text) ||
	    strcmp(text, "::1") == 0 || strcmp(text, "0:0:0:0:0:0:0:1") == 0)
		return EXTRACT_BIND_LOOPBACK;
	return EXTRACT_BIND_SPECIFIC;
}

enum extract_bind extract_bind_list(const char *list)
{
	g_auto(GStrv) parts = g_strsplit(list, ",", -1);
	enum extract_bind widest = EXTRACT_BIND_NONE;

	for (size_t i = 0; parts[i] != NULL; i++)
		widest = MAX(widest, extract_bind_address(g_strstrip(parts[i])));
	return widest;
}

char *extract_quote(const char *text)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; text[i] != '\0'; i++) {
		if (i == EXTRACT_QUOTE_MAX) {
			g_string_append(s, "...");
			break;
		}
		g_string_append_c(s, text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
	}
	return g_string_free(s, FALSE);
}
