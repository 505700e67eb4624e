/*
 * extract_tf_private.h - what the Terraform readers share: the module being
 * read (struct tf_ctx), one rule's attributes (struct tf_rule) and the
 * helpers that read them, and each provider's resource readers
 * (extract_tf_aws.c, extract_tf_azure.c, extract_tf_gcp.c), which
 * extract_tf.c dispatches to by resource type.
 */
#ifndef DW_EXTRACT_TF_PRIVATE_H
#define DW_EXTRACT_TF_PRIVATE_H

#include <glib.h>
#include <stdbool.h>

#include "extract.h"
#include "extract_private.h"
#include "hcl.h"
#include "tf_eval.h"

#define TF_KIND_SG "AWS security group"
#define TF_KIND_NACL "AWS network ACL"
#define TF_KIND_NSG "Azure NSG"
#define TF_KIND_GCP "GCP firewall"

#define TF_KIND_RDS "AWS RDS instance"
#define TF_KIND_SEARCH "AWS OpenSearch domain"
#define TF_KIND_S3 "AWS S3 public access block"
#define TF_KIND_AZURE "Azure resource"
#define TF_KIND_LB "AWS load balancer"

struct tf_ctx {
	const char *dir;   /* the root module's directory: identities are "tf:DIR:..." */
	/* In a called module: "module.NAME." (nested: "module.a.module.b."),
	 * put before every address it declares; "" in the root module. */
	const char *prefix;
	const char *here;  /* the directory of the module being read */
	const struct extract_tf_options *opts; /* borrowed, or NULL */
	unsigned depth;    /* module calls followed to reach this module */
	unsigned *modules; /* module instances read so far for the root; shared */
	struct tf_eval *ev;
	GPtrArray *found;  /* struct resource *, owned */
	const char *path;  /* the file being read */
	struct dw_problems problems;
	GHashTable *networks; /* google_compute_network name -> address; owned strings */
	GPtrArray *lbs;       /* struct tf_lb * (extract_tf_aws.c), shared with called modules */
};

struct tf_rule {
	struct tf_ctx *c;
	struct resource *r;
	const char *address;         /* "aws_security_group.web", for messages */
	const struct hcl_body *body; /* the rule's attributes, or NULL when values holds them */
	const struct tf_value *values; /* a map: a rule of "ingress = [{...}]"; borrowed, or NULL */
	unsigned line;
	bool unknown;                /* some value is not known (recorded on r) */
	bool bad;                    /* some value is malformed (an error was added) */
};

typedef void (*tf_item_fn)(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);

typedef void (*tf_rule_fn)(struct tf_rule *tr, void *user_data);

void tf_error(struct tf_ctx *c, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
char *tf_identity(const struct tf_ctx *c, const char *address);
char *tf_ref_address(const struct tf_ctx *c, const struct tf_value *v);
bool tf_ref_is(const struct tf_value *v, const char *type);
void tf_rule_bad(struct tf_rule *tr, unsigned line, const char *what, const char *text);
struct tf_value *tf_rule_get(struct tf_rule *tr, const char *name, unsigned *line_out);
const char *tf_value_kind_name(const struct tf_value *v);
char *tf_rule_string(struct tf_rule *tr, const char *name, unsigned *line_out);
void tf_rule_missing(struct tf_rule *tr, unsigned line, const char *what);
bool tf_rule_bool(struct tf_rule *tr, const char *name, bool dflt);
bool tf_rule_each(struct tf_rule *tr, const char *name, bool list, tf_item_fn fn, void *user_data);
bool tf_parse_int(const char *text, gint64 lo, gint64 hi, gint64 *out);
bool tf_rule_int(struct tf_rule *tr, const char *name, gint64 lo, gint64 hi, bool required,
                 gint64 *out);
void tf_source_cidr(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);
void tf_source_atom(struct tf_rule *tr, const struct tf_value *item, const char *prefix,
                    unsigned line, srcset *src);
void tf_source_sg(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);
void tf_source_pl(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);
char *tf_group_ref(struct tf_ctx *c, const struct hcl_body *body, const char *key, const char *type);
struct resource *tf_rule_resource(struct tf_ctx *c, const char *address, const char *kind,
                                  const char *group, unsigned line, enum resource_model model);
void tf_block_unknown(struct resource *r, const char *address, const struct hcl_block *b);
void tf_inline_list(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
                    const char *name, tf_rule_fn fn, void *user_data);
void tf_aws_security_group(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_sg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res, bool vpc_rule);
void tf_aws_nacl(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_nacl_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_port_item(struct tf_rule *tr, const struct tf_value *item, unsigned line, void *user_data);
exposure *tf_ranges_match(unsigned proto_lo, unsigned proto_hi, const GArray *ranges, const srcset *src);
bool tf_rule_one_or_many(struct tf_rule *tr, const char *one, const char *many, tf_item_fn fn,
                         void *user_data);
void tf_azure_nsg(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_azure_nsg_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_gcp_firewall(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_gcp_network_resource(struct tf_ctx *c, const char *address, const struct hcl_block *res);
struct resource *tf_settings_resource(struct tf_ctx *c, const char *address, const char *kind,
                                      const struct hcl_block *res);
void tf_setting_bool(struct tf_ctx *c, struct resource *r, const char *address, const struct hcl_block *res,
                     const char *attr, const char *key, bool dflt);
void tf_aws_db(struct tf_ctx *c, const char *address, const struct hcl_block *res);
bool tf_azure_public_default(const char *type);
void tf_azure_public(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_s3_block(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_search_domain(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_public_flag(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_msk(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_db_security_group(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_eks(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_azure_firewall_rule(struct tf_ctx *c, const char *address, const struct hcl_block *res);
bool tf_azure_firewall_type(const char *type);
void tf_gcp_sql_instance(struct tf_ctx *c, const char *address, const struct hcl_block *res);
bool tf_k8s_type(const char *type);
void tf_k8s_resource(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_azure_aks(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_gcp_gke(struct tf_ctx *c, const char *address, const struct hcl_block *res);
/* aws_lb and its listeners: tf_aws_lb_resolve() runs once the module's
 * groups are joined, and gives each load balancer what its groups admit. */
struct tf_lb;
void tf_lb_free(struct tf_lb *lb);
void tf_aws_lb(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_elb(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_lb_listener(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_aws_lb_resolve(GPtrArray *found, GPtrArray *lbs);
void tf_azure_storage(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_azure_storage_network_rules(struct tf_ctx *c, const char *address, const struct hcl_block *res);
void tf_azure_storage_resolve(GPtrArray *found);
void tf_aws_eks_node_group(struct tf_ctx *c, const char *address, const struct hcl_block *res);
/*
 * Terraform plan JSON (extract_tfplan.c): one module instance's resources
 * written back as HCL literals (text, len bytes), read as one module whose
 * addresses take prefix ("module.a." or ""), as a called module's are; all
 * borrowed. Appends the resources to out, rules joined to their groups.
 */
bool extract_tf_plan_module(GPtrArray *out, const char *dir, const char *path, const char *prefix,
                            const char *text, size_t len, GError **error);

/* The first block of type directly in body, or NULL. Borrowed. */
const struct hcl_block *tf_body_block(const struct hcl_body *body, const char *type);

#endif
