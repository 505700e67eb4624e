/*
 * extract_private.h - what the extractors share: how many problems of one
 * input they list (struct dw_problems, error.h), and quoting a value in a
 * message.
 */
#ifndef DW_EXTRACT_PRIVATE_H
#define DW_EXTRACT_PRIVATE_H

#include <glib.h>

#include "error.h"
#include "extract.h"

/* Problems listed per file before "and N more problems". */
#define EXTRACT_MAX_PROBLEMS 20u
/* Characters of a value quoted in a message. */
#define EXTRACT_QUOTE_MAX 80

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
 * Kubernetes control-plane programs (extract_k8s_cp.c): the kubelet,
 * kube-apiserver or etcd a container runs, as a resource of its own
 * (identity WORKLOAD/CONTAINER) appended to found; nothing for any other
 * container. And a KubeletConfiguration document (root).
 */
void extract_k8s_cp_container(GPtrArray *found, const char *path, const char *workload, const char *name,
                              const struct doc_node *container, bool host_network);
void extract_k8s_kubelet_config(GPtrArray *found, const char *path, const struct doc_node *root);

/* A value quoted in a message: cut to EXTRACT_QUOTE_MAX, without line breaks. New string. */
char *extract_quote(const char *text);

/*
 * Platform vocabularies shared by the extractors of several formats
 * (ARM and Terraform azurerm_*, CloudFormation and Terraform aws_*).
 */
/* AWS IpProtocol: "-1" (all), tcp, udp, icmp, icmpv6 or 0..255. */
bool cfn_parse_protocol(const char *text, unsigned *lo, unsigned *hi);
/* Azure securityRules protocol: "*", Tcp, Udp, Icmp, Esp, Ah (any case). */
bool arm_parse_protocol(const char *text, unsigned *lo, unsigned *hi);
/* An Azure source address prefix: "*", Any, Internet, a CIDR or a service
 * tag (atom "azure-tag:NAME"); false when it is none of these. The
 * Internet tag is every address in an allow rule, and only the public
 * address space (extract_arm_set_internet) in a deny rule, where *src may
 * be replaced by a new set. arm_source_add() reads an allow rule's. */
bool arm_source_add_access(srcset **src, const char *text, bool allow);
bool arm_source_add(srcset *src, const char *text);
/* Azure's default inbound rules (65000-65500), which every NSG has. */
void arm_add_default_rules(struct resource *r);

#endif
