/*
 * extract_private.h - what the extractors share: how many problems of one
 * input they list (struct dw_problems, dw_error.h), the limits every reader
 * checks (dw_limits.h), and quoting a value in a message.
 */
#ifndef DW_EXTRACT_PRIVATE_H
#define DW_EXTRACT_PRIVATE_H

#include <glib.h>
#include <stdint.h>

#include "dw_error.h"
#include "dw_limits.h"
#include "extract.h"

/* Problems listed per file before "and N more problems". */
#define EXTRACT_MAX_PROBLEMS 20u
/* Characters of a value quoted in a message. */
#define EXTRACT_QUOTE_MAX 80

/*
 * The readers, which only the table of formats (extract_formats.c) calls:
 * a new format is a row there and its reader here, nothing in extract.h.
 * Each reads an already parsed document, or the file's bytes.
 */
bool extract_arm(GPtrArray *out, const struct doc *d, GError **error);
bool extract_arm_with(GPtrArray *out, const struct doc *d, const struct extract_tf_file *params, size_t n,
                      GError **error);
bool extract_cfn(GPtrArray *out, const struct doc *d, GError **error);
bool extract_es(GPtrArray *out, const struct doc *d, const char *service, GError **error);
/* Line-based service configs, from the file's bytes: redis.conf,
 * sshd_config, postgresql.conf (extract_svc.c) and pg_hba.conf. */
bool extract_svc(GPtrArray *out, const char *path, const char *data, size_t len, GError **error);
bool extract_hba(GPtrArray *out, const char *path, const char *data, size_t len, GError **error);
/* mongod.conf (service "mongodb") and kibana.yml ("kibana"). */
bool extract_svc_yaml(GPtrArray *out, const struct doc *d, const char *service, GError **error);
bool extract_k8s(GPtrArray *out, const struct doc *d, GError **error);
bool extract_compose(GPtrArray *out, const struct doc *d, GError **error);

/* Is path a service config extract_svc() reads (by its name)? */
bool extract_svc_path(const char *path);
bool extract_hba_path(const char *path);

/* How wide a listening address is, widest last. */
enum extract_bind {
	EXTRACT_BIND_NONE,
	EXTRACT_BIND_LOOPBACK,
	EXTRACT_BIND_SPECIFIC,
	EXTRACT_BIND_ALL,
};
/* The "bind" setting's value for each (extract.h): "none", "loopback", "specific", "all". */
extern const char *const extract_bind_names[];
/*
 * One literal listening address: empty is none; localhost, 127.x.y.z and
 * ::1 are loopback; 0.0.0.0, 0, ::, ::* and * are every interface; any
 * other address or name is specific.
 */
enum extract_bind extract_bind_address(const char *text);
/* The widest address of a comma-separated list. */
enum extract_bind extract_bind_list(const char *list);

/*
 * The end of every extractor: false with all of problems when there were
 * any (found is then left to its owner to free), else found's resources
 * move to out. problems is cleared either way.
 */
bool extract_finish(GPtrArray *out, GPtrArray *found, struct dw_problems *problems,
                    GError **error);
/* The same for an extractor of one resource r (taken: freed on failure). */
bool extract_finish_one(GPtrArray *out, struct resource *r, struct dw_problems *problems,
                        GError **error);

/*
 * Is d a compose file under another name (docker stack deploy -c
 * stack.yml)? Every document has a "services" map, every service an image
 * or a build, and some service publishes ports or uses network_mode.
 */
bool extract_compose_shape(const struct doc *d);

/*
 * The table of formats (extract_formats.c). A row is found by its name
 * test, or, for a structured document (*.json, *.yml, *.yaml,
 * *.template), by strings in its bytes; extract_file() gives it to the
 * row's reader, or reports it as not analysed when the row has none. To
 * add a format: one row, and its reader.
 */
struct extract_input {
	const char *path;
	const char *data;      /* len bytes, not NUL-terminated */
	size_t len;
	const struct doc *doc; /* the parsed document, for a row that parses; else NULL */
	const char *service;   /* what the row's name test returned; NULL when found by content */
	const struct extract_tf_file *params; /* ARM parameter files that apply (n_params) */
	size_t n_params;
	extract_load_fn load;  /* other files of the repository (Bicep modules), or NULL */
	void *load_data;
};

enum extract_parse {
	EXTRACT_PARSE_NONE, /* the reader takes the bytes */
	EXTRACT_PARSE_YAML, /* a YAML stream */
	EXTRACT_PARSE_DOC,  /* JSON or YAML, as doc_parse() tells */
};

struct extract_format {
	struct extract_format_info info;
	/* By name: the service the file configures ("" for none) when path
	 * is one of this row's, else NULL. NULL: found by content only. */
	const char *(*name)(const char *path);
	/* By content: any of these strings (NULL-terminated) in a
	 * document's bytes, ASCII case ignored when markers_ci. */
	const char *const *markers;
	const char *const *requires; /* and all of these, when not NULL */
	bool markers_ci;
	/* The markers are weak evidence (compose's "services:"): a file
	 * found by them alone that does not parse is not one of ours. */
	bool weak;
	enum extract_parse parse;
	/* The reader, or NULL for a format only recognised. */
	bool (*read)(GPtrArray *out, const struct extract_input *in, GError **error);
	/* Terraform: a directory is read at a time (extract_tf_module()). */
	bool module;
	/* A template of this format (Helm): the line of its first directive, or 0. */
	unsigned (*template_line)(const char *path, const char *data, size_t len);
	/* A recognised row, when found: is it really infrastructure
	 * configuration, and what (a new "line: what" string in *what_out)?
	 * NULL: being found is enough. */
	bool (*confirm)(const struct extract_input *in, char **what_out);
	/* A recognised row, when found in a file something else was read
	 * from (found, struct resource *): adds to *unread (created on first
	 * use) an unknown for each object of it no reader took. */
	void (*partial)(const struct extract_input *in, GPtrArray *found, struct resource **unread);
};

/* Is type (any case) a network-facing ARM type no reader takes (the
 * "ARM, other network types" row)? For readers that deploy ARM resources
 * from another language (Bicep), which must name them too. */
bool extract_arm_type_unread(const char *type);

/* The resource that holds, as unknowns, what no reader took from a file
 * otherwise read: identity "unread:PATH". New. */
struct resource *extract_unread_resource(const char *path);

/* The rows, in the order dispatch tries them (static; *n_out rows). */
const struct extract_format *extract_format_table(size_t *n_out);

/* Does data hold a row's marker? One that starts a line ("\nservices:")
 * may also start the file. */
bool extract_marker_found(const char *data, size_t len, const char *marker, bool ci);

/*
 * The table's markers (every row's markers and requires, each once with
 * its row's case rule), numbered; at most EXTRACT_MARKERS_MAX.
 * extract_markers_nth(): marker i as the table spells it, and whether it
 * ignores case. extract_markers_found(): in one pass over data (the
 * markers that ignore case compared with its bytes in ASCII lowercase),
 * bit i of found for each marker i that extract_marker_found() finds in
 * data.
 */
#define EXTRACT_MARKERS_MAX 128
size_t extract_markers_count(void);
const char *extract_markers_nth(size_t i, bool *ci);
void extract_markers_found(guint64 found[EXTRACT_MARKERS_MAX / 64], const char *data, size_t len);

/* The part of path after its last '/'. */
const char *extract_basename(const char *path);

/*
 * Kubernetes control-plane programs (extract_k8s_cp.c): the kubelet,
 * kube-apiserver or etcd a container runs, as a resource of its own
 * (identity WORKLOAD/CONTAINER) appended to found; nothing for any other
 * container. And a KubeletConfiguration document (root).
 */
void extract_k8s_cp_container(GPtrArray *found, const char *path, const char *workload, const char *name,
                              const struct doc_node *container, bool host_network);
void extract_k8s_kubelet_config(GPtrArray *found, const char *path, const struct doc_node *root);

/*
 * What allowed admits on region's protocols and ports, from whatever
 * source allowed names (atoms included): a load balancer's listeners cut
 * out of its security groups. New set.
 */
exposure *extract_cut_ports(const exposure *allowed, const exposure *region);

/* A value quoted in a message: cut to EXTRACT_QUOTE_MAX, without line breaks. New string. */
char *extract_quote(const char *text);

/*
 * Platform vocabularies shared by the extractors of several formats
 * (CloudFormation and Terraform aws_*).
 */
/* AWS IpProtocol: "-1" (all), tcp, udp, icmp, icmpv6 or 0..255. */
bool cfn_parse_protocol(const char *text, unsigned *lo, unsigned *hi);
/*
 * Azure's network rules, read alike from ARM templates and azurerm_*
 * resources (extract_azure.c).
 */
/* A GCP firewall's IPProtocol (Terraform's google_compute_firewall and
 * Ansible's gcp_compute_firewall; extract_tf_gcp.c): "all", a name (tcp,
 * udp, icmp, esp, ah, sctp, ipip) or a protocol number. */
bool gcp_parse_protocol(const char *text, unsigned *lo, unsigned *hi);

/* securityRules protocol: "*", Tcp, Udp, Icmp, Esp, Ah (any case). */
bool azure_parse_protocol(const char *text, unsigned *lo, unsigned *hi);
/* A source address prefix: "*", Any, Internet, a CIDR or a service tag
 * (atom "azure-tag:NAME"); false when it is none of these. The Internet
 * tag is every address in an allow rule, and only the public address
 * space (extract_arm_set_internet) in a deny rule, where *src may be
 * replaced by a new set. */
bool azure_source_add(srcset **src, const char *text, bool allow);
/* Does a deny's destination prefix or source port range cover everything
 * ("*", Any, VirtualNetwork, 0-65535)? */
bool azure_wide(const char *text);
/* Azure's default inbound rules (65000-65500), which every NSG has. */
void azure_add_default_rules(struct resource *r);
/* A firewall rule's address: dotted IPv4, each part 0..255, whole string. */
bool azure_parse_ipv4(const char *text, uint32_t *out);
/* The services whose own IP firewall says who reaches them. */
enum azure_service {
	AZURE_SERVICE_SQL,        /* Azure SQL and Synapse: tcp/1433 */
	AZURE_SERVICE_POSTGRESQL, /* tcp/5432 */
	AZURE_SERVICE_MYSQL,      /* MySQL and MariaDB: tcp/3306 */
	AZURE_SERVICE_REDIS,      /* Azure Cache for Redis: tcp/6379 and 6380 (TLS) */
};
/* One firewall rule's start-end range into r, on service's ports;
 * 0.0.0.0-0.0.0.0 is Azure's "Allow Azure services", the atom
 * azure-tag:AzureServices. */
void azure_firewall_rule(struct resource *r, const char *name, unsigned line, enum azure_service service,
                         uint32_t lo, uint32_t hi);
/* An AKS cluster's API server into r: HTTPS (443) from src, judged as the
 * kube-apiserver behind it (tcp/6443); a private cluster answers only
 * inside the virtual network (azure-tag:VirtualNetwork), src unused. */
void azure_aks_endpoint(struct resource *r, const char *name, unsigned line, const srcset *src,
                        bool private_cluster);

#endif
