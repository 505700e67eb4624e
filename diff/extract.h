/*
 * extract.h - from a parsed configuration file to resources: the rule
 * lists and settings that decide who can reach a service.
 *
 * One extractor per platform, chosen by extract_file() from the path and
 * a cheap scan of the bytes, so a file no extractor reads is never
 * parsed. Which extractor reads which files is one table,
 * extract_formats.c: detection, dispatch and `driftwatch formats` all
 * come from it.
 *
 * Identity (DESIGN.md, "Identity and diff"): a resource is matched across
 * revisions by its logical name, not its file, so moving it to another
 * file or renaming the file changes nothing. Each row of the table names
 * the identities its reader gives ("azure-nsg:NAME", "k8s:KIND/NS/NAME",
 * "compose:PROJECT:SERVICE", "tf:DIR:TYPE.NAME", ...; `driftwatch formats`
 * prints them all). One more is not a format's: "unread:PATH" holds, as
 * unknowns, what no reader took from a file otherwise read.
 */
#ifndef DW_EXTRACT_H
#define DW_EXTRACT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "doc.h"
#include "exposure.h"

enum resource_model {
	RESOURCE_UNION,       /* allowed = union of allow rules (AWS security group) */
	RESOURCE_FIRST_MATCH, /* first matching rule by priority decides (Azure NSG) */
	RESOURCE_SETTINGS,    /* no rules; service settings only (elasticsearch.yml) */
};

struct resource_rule {
	char *name;        /* as written, or NULL; owned */
	unsigned line;
	bool allow;
	int64_t priority;  /* RESOURCE_FIRST_MATCH: lower goes first; ties keep document order */
	exposure *match;   /* what the rule matches; owned */
	char *file;        /* joined from a fragment in another file: that file; else NULL; owned */
	/* The ports the traffic reaches behind the rule when they are not the
	 * ones it opens (compose "80:9200", a Service's nodePort to its
	 * targetPort), so that the service answering there is judged: 0, 0
	 * when the same. */
	unsigned target_lo, target_hi;
};

/*
 * Normalised settings, so that flat ("xpack.security.enabled: false") and
 * nested forms, and Elasticsearch and OpenSearch, compare equal:
 *   "auth"  "on" | "off"                   (absent: not recorded)
 *   "bind"  "loopback" | "all" | "specific" (absent: not recorded)
 *           | "none" (postgresql.conf listen_addresses = '': sockets only)
 * The line-based service configs (extract_svc.c, extract_hba.c) record
 * every key with its effective value, the default when not written:
 * and so do mongod.conf and kibana.yml (extract_svcyaml.c), except
 * Kibana's auth, recorded only when written:
 *   "auth"  Redis: "off" when a remote client needs no password (no
 *           requirepass and protected mode inactive); pg_hba: "off" when
 *           "trust" admits some client other than the server itself
 *   "password-login"  sshd PasswordAuthentication: "yes" | "no"
 *   "root-login"      sshd PermitRootLogin: "no" | "forced-commands-only"
 *                     | "prohibit-password" | "yes"
 */
struct resource_setting {
	char *key;    /* owned */
	char *value;  /* owned */
	char *raw;    /* the setting as written, "xpack.security.enabled: false"; owned */
	unsigned line;
};

/*
 * The text of an unknown that concerns only a resource's name (its
 * identity), not what it lets in, starts with this: "name is [concat(...)],
 * not evaluated". It is reported as info, and compare_resources_renamed()
 * pairs such a resource by file rather than by name.
 */
#define RESOURCE_UNKNOWN_NAME "name is "

/* A value that could not be known statically; never guessed. */
struct resource_unknown {
	char *what;   /* "sourceAddressPrefix is [concat(...)], not evaluated"; owned */
	unsigned line;
	char *file;   /* as for struct resource_rule; owned, or NULL */
};

struct resource {
	char *identity;      /* see the top of this file; owned */
	const char *kind;    /* "Azure NSG", "AWS security group", "Elasticsearch"; static */
	char *name;          /* display name; owned */
	char *file;          /* path in the repository; owned */
	unsigned line;       /* where the resource starts */
	enum resource_model model;
	/* The data store whose settings it records ("elasticsearch",
	 * "opensearch", "redis", "postgresql", "sshd", "mongodb", "kibana"), matched against a
	 * sensitive port's "settings:" in the rule pack; static, or NULL.
	 * A resource with a service is not a network rule: its exposure
	 * (pg_hba.conf) is not part of the repository's network surface. */
	const char *service;
	/* Identities that stand for this resource in a revision without it,
	 * tried in order (a pg_hba.conf user named for the first time was
	 * "any other user" before); char *, owned, or NULL. */
	GPtrArray *fallbacks;
	/* Standalone rules (AWS::EC2::SecurityGroupIngress, an ARM
	 * .../securityRules resource): their identity is the group's, and
	 * resources_join() moves their rules into it. */
	bool fragment;
	GPtrArray *rules;    /* struct resource_rule *, owned */
	GPtrArray *settings; /* struct resource_setting *, owned */
	GPtrArray *unknowns; /* struct resource_unknown *, owned */
	/* private: resource_exposure()'s result, computed on first use and
	 * dropped whenever the rules change; owned */
	exposure *exposure_;
};

/* An empty resource; every array is allocated with its free function. */
struct resource *resource_new(const char *identity, const char *kind, const char *name,
                              const char *file, unsigned line, enum resource_model model);
void resource_free(struct resource *r);
void resource_add_rule(struct resource *r, const char *name, unsigned line, bool allow,
                       int64_t priority, exposure *match /* taken */);
/* Sets the target ports (see struct resource_rule) of r's last rule. */
void resource_set_target(struct resource *r, unsigned lo, unsigned hi);
void resource_add_setting(struct resource *r, const char *key, const char *value,
                          const char *raw, unsigned line);
void resource_add_unknown(struct resource *r, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The setting's value, or NULL when the resource does not record it. */
const struct resource_setting *resource_setting_get(const struct resource *r, const char *key);

/*
 * What the rules let in (empty for RESOURCE_SETTINGS). New set; caller
 * frees. Computed once per resource and kept (a walk through history
 * compares each parsed blob twice: as the new side, then as the old), so
 * a resource must not be shared between threads while this runs.
 */
exposure *resource_exposure(const struct resource *r);

/*
 * The first allow rule of r that admits part of region, or NULL; for a
 * first-match list the first in evaluation order (lowest priority), since
 * that is the rule that lets the region in. Borrowed from r.
 */
const struct resource_rule *resource_rule_at(const struct resource *r, const exposure *region);

/* A deep copy, cached exposure included. */
struct resource *resource_copy(const struct resource *r);

/*
 * Moves the rules of every fragment into the resource with the same
 * identity and drops the fragment; a fragment with no group stays as a
 * resource of its own. Two non-fragment resources may share an identity
 * (two CloudFormation templates each defining "AppSG"); a fragment joins
 * the one in its own file, and compare_resources() pairs such twins by
 * file.
 */
void resources_join(GPtrArray *resources);

/*
 * One row of the table of formats (extract_formats.c), described for
 * `driftwatch formats`: a format driftwatch reads, or one it only
 * recognises and reports as not analysed (DW-PARSE-005).
 */
struct extract_format_info {
	const char *name;      /* "Azure ARM template" */
	const char *files;     /* which paths are read: "*.json, *.template" */
	const char *detection; /* how such a file is told to be one of ours */
	const char *reads;     /* the resources and settings taken from it; NULL when not read */
	const char *identity;  /* "azure-nsg:NAME"; NULL when not read */
	const char *not_read;  /* when not read: why, and what to do instead; else NULL */
};

/* Row i of the table of formats, or NULL past the last. Static. */
const struct extract_format_info *extract_format_nth(size_t i);

/* Could a file at this path hold anything an extractor reads, or that a
 * row of the table recognises? By name only, so the git walk can skip a
 * blob without reading it. */
bool extract_path_may_match(const char *path);

/*
 * Appends the resources found in one file to out (struct resource *,
 * ownership passes to out). Returns true with nothing appended when the
 * file is not a format we read or recognise. Returns false with
 * DW_ERROR_PARSE or DW_ERROR_LIMIT when it is one of ours but cannot be
 * analysed; the caller reports that as a finding, never as a pass.
 * Returns false with DW_ERROR_UNKNOWN_VALUE for a Helm template, which is
 * not rendered and so cannot be analysed (a finding of its own, not a
 * parse error), and with DW_ERROR_NOT_READ ("path[:line]: what, why") for
 * a file that looks like infrastructure configuration that no reader
 * takes (a row of the table with no reader, or a Kubernetes object of a
 * kind not read that opens ports), when nothing in it was read. When
 * something was, each such object is an unknown of one more resource,
 * "unread:PATH" (kind "Not analysed", no rules), appended with the rest.
 */
bool extract_file(GPtrArray *out, const char *path, const char *data, size_t len, GError **error);

/* Does data (len bytes, not NUL-terminated, NULL when len is 0) contain
 * needle? ci: ignoring ASCII case. */
bool extract_bytes_contain(const char *data, size_t len, const char *needle, bool ci);

/*
 * Terraform (extract_tf.c): a module is a directory, read as one unit.
 * extract_tf_path() says whether a path is one of its files (.tf, .tfvars);
 * extract_file() reads none of them. extract_tf_module() appends the
 * resources of the module in dir (its .tf and .tfvars files, n of them;
 * all borrowed) to out, like extract_file(); on failure *failed_out (when
 * not NULL) is set to the path of the first file that could not be
 * analysed, a new string.
 */
struct extract_tf_file {
	const char *path;
	const char *data;
	size_t len;
};
bool extract_tf_path(const char *path);
bool extract_tf_module(GPtrArray *out, const char *dir, const struct extract_tf_file *files, size_t n,
                       char **failed_out, GError **error);

/*
 * Azure's "Internet" service tag in a deny rule is the public address
 * space only (DESIGN.md): the shipped rule pack's "internet:", which
 * rulepack_load() sets (copied). A user's rule file that adds to
 * "internet: not:" (rulepack_overlay()) does not change it: those networks
 * are trusted by the user, not outside Azure's Internet tag. Until set, a
 * deny from Internet denies nothing, which can only overstate what gets
 * in. Read by extract_azure.c; call it before extracting on several threads.
 */
void extract_arm_set_internet(const srcset *internet);

/*
 * ARM parameter files (the quick-start convention): beside DIR/NAME.json,
 * DIR/NAME.parameters.json and DIR/NAME.parameters.*.json give values
 * ({"parameters": {"p": {"value": ...}}}) over the template's defaults.
 * extract_arm_params_for() says whether path is such a file of template
 * (both repository-relative). extract_file_arm() is extract_file() with
 * the n parameter files that apply to a template; where two of them
 * disagree on a value, the value is an unknown naming both.
 */
bool extract_arm_params_for(const char *path, const char *template_path);
/* The template a parameters file belongs to (DIR/NAME.json), or NULL. New string. */
char *extract_arm_template_of(const char *params_path);
bool extract_file_arm(GPtrArray *out, const char *path, const char *data, size_t len,
                      const struct extract_tf_file *params, size_t n, GError **error);

/*
 * Reads the Terraform files of another directory (repository-relative,
 * normalised, "." at the top) for a module call: appends struct
 * extract_tf_file to files_out, each borrowed until extract_tf_module_with()
 * returns. False when the directory holds none or cannot be read.
 */
typedef bool (*extract_tf_load_fn)(GArray *files_out, const char *dir, void *user_data);

struct extract_tf_options {
	/* Local module calls (source = "./...", "../...") are followed through
	 * it, and a registry module through a vendored copy in
	 * DIR/.terraform/modules/NAME; NULL: every call is an unknown. */
	extract_tf_load_fn load;
	void *user_data;
};

/*
 * extract_tf_module(), following module calls: a called module's
 * resources are evaluated with the call's arguments bound to its
 * variables, under the caller's identity "tf:DIR:module.NAME.TYPE.NAME".
 * A call that cannot be followed is a resource "tf:DIR:module.NAME" with
 * an unknown saying why and naming the inputs that look like network rules.
 */
/*
 * The directory a local module source names from module directory dir
 * ("envs/prod" + "../../modules/sg" is "modules/sg"), normalised, "." at
 * the top; NULL when source is not local (./ or ../) or leaves the
 * repository. New string.
 */
char *extract_tf_module_dir(const char *dir, const char *source);

bool extract_tf_module_with(GPtrArray *out, const char *dir, const struct extract_tf_file *files, size_t n,
                            const struct extract_tf_options *opts, char **failed_out, GError **error);

/*
 * Terraform plan JSON (terraform show -json; extract_tfplan.c): the
 * resources of planned_values read by the Terraform readers, identities as
 * the HCL reader gives them with DIR the plan file's directory.
 * extract_tfplan_shape() says whether d is one (format_version, and
 * planned_values, resource_changes or values.root_module).
 * extract_tfplan_prefer() drops, from one revision's resources, those the
 * HCL reader made for an identity a plan in the same set also gives: the
 * plan, with every variable and module resolved, wins.
 */
bool extract_tfplan(GPtrArray *out, const struct doc *d, GError **error);
bool extract_tfplan_shape(const struct doc *d);
void extract_tfplan_prefer(GPtrArray *resources);
/* Is path named as plans usually are (*plan*.json: plan.json, tfplan.json)?
 * Such a change puts the Terraform module of its directory in scope. */
bool extract_tfplan_path(const char *path);
/* Ansible playbooks, task files and roles (extract_ansible.c): the
 * three clouds' security-group and firewall modules. */
bool extract_ansible(GPtrArray *out, const struct doc *d, const struct extract_tf_file *vars, size_t n,
                     GError **error);
/*
 * The variables files an Ansible file (path, len bytes) reads, to pass to
 * extract_file_arm() as its params: for a role's tasks or handlers
 * (roles/R/tasks/...), R's vars/main.y(a)ml and then defaults/main.y(a)ml;
 * for a playbook, each literal vars_files entry, relative to its
 * directory (absolute, templated or escaping paths are left out, and their
 * variables stay unknown). Appends new strings to paths_out; false when
 * the file uses none of the modules read, or names no such file.
 */
bool extract_ansible_related(GPtrArray *paths_out, const char *path, const char *data, size_t len);
/* Is path a role's variables file (roles/R/vars/main.yml, roles/R/defaults/main.yml)?
 * Then *tasks_dir_out is R's tasks directory (new string), whose files read it. */
bool extract_ansible_role_vars(const char *path, char **tasks_dir_out);

/*
 * Another file of the repository (a repository-relative path), for a
 * reader that follows references: Bicep modules and parameter files. Its
 * bytes (new reference), or NULL when there is no such file.
 */
typedef GBytes *(*extract_load_fn)(const char *path, void *user_data);

/* extract_file(), with load (may be NULL) to read the files it refers to. */
bool extract_file_load(GPtrArray *out, const char *path, const char *data, size_t len, extract_load_fn load,
                       void *load_data, GError **error);

/*
 * Bicep (extract_bicep.c): a .bicep file translated into the ARM template
 * it deploys and read by the ARM reader, so with its identities
 * (azure-nsg:NAME ...). Modules and NAME.bicepparam / NAME.parameters.json
 * are read through load; with no load, a module call is an unknown.
 */
bool extract_bicep(GPtrArray *out, const char *path, const char *data, size_t len, extract_load_fn load,
                   void *load_data, GError **error);

/* The line of the first Helm/Go template directive ("{{") where YAML
 * expects a line, a value or an item, or anywhere under templates/; 0
 * when there is none. */
unsigned extract_k8s_template_line(const char *path, const char *data, size_t len);

#endif
