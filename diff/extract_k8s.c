/*
 * extract_k8s.c - Kubernetes manifests (multi-document YAML, JSON, kind
 * List): who can reach what each object exposes.
 *
 * Follows the Kubernetes API reference (core/v1 Service and PodSpec,
 * networking.k8s.io/v1 NetworkPolicy and Ingress). The space is the one
 * of exposure.h; sources that are not addresses are atoms:
 *   k8s:cluster        any pod or node of the cluster
 *   k8s:node-network   whatever reaches the nodes' addresses (the
 *                      repository does not say whether nodes are public)
 *   k8s:internal-lb    a cloud load balancer marked internal
 *   k8s-pod:NS/SEL     pods of namespace NS matching selector SEL
 *   k8s-pod:all/SEL, k8s-pod:ns(NSSEL)/SEL, k8s-ns:NSSEL
 *                      selectors across namespaces ("all": the empty selector)
 *
 * - Service: ClusterIP gives k8s:cluster on each port; NodePort adds
 *   k8s:node-network on the nodePort (30000-32767, the default
 *   service-node-port-range, when none is written); LoadBalancer adds
 *   loadBalancerSourceRanges (all addresses when absent) on the port;
 *   externalIPs add all addresses on the port (who routes to those
 *   addresses is not in the repository). The type is the "service-type"
 *   setting, so ClusterIP -> LoadBalancer is a finding of its own.
 * - NetworkPolicy: for the pods it selects, ingress is the union of its
 *   rules; an empty "from" is every source, an empty "ports" every
 *   protocol and port. A named port cannot be resolved without the pods,
 *   so the rule is an unknown, never a guess. Settings: whether it
 *   isolates ingress ("ingress-isolation") and what it selects
 *   ("selects"), so removing it or narrowing its selector is reported.
 * - Ingress: the ingress controller's listener is what the Internet
 *   reaches: tcp/80 from all addresses (the reason an Ingress exists;
 *   k8s:internal-lb for an internal ALB or GCE load balancer), and
 *   tcp/443 too when spec.tls is set, each routed to a backend Service
 *   port (the rule's target, extract.h), so that a data store behind an
 *   Ingress is still judged a data store. A named backend port is looked
 *   up in the Services of the same file, else an unknown.
 * - Pod, Deployment, DaemonSet, StatefulSet, ReplicaSet,
 *   ReplicationController, Job, CronJob: a hostPort is reachable from
 *   k8s:node-network (or loopback when hostIP is); hostNetwork puts every
 *   declared containerPort there and is the "host-network" setting.
 * - Knative Services: their pod template, and Knative's ingress route to
 *   the container port; control-plane programs a pod runs (kubelet,
 *   kube-apiserver, etcd flags) and KubeletConfiguration: extract_k8s_cp.c.
 * Identity: k8s:KIND/NAMESPACE/NAME, namespace "default" when absent.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"

#define K8S_ATOM_CLUSTER "k8s:cluster"
#define K8S_ATOM_NODES "k8s:node-network"
#define K8S_ATOM_INTERNAL_LB "k8s:internal-lb"
#define K8S_NODE_PORT_LO 30000u
#define K8S_NODE_PORT_HI 32767u
/* The ingress controller's listeners: HTTP, and HTTPS when TLS is set. */
#define K8S_INGRESS_HTTP 80u
#define K8S_INGRESS_HTTPS 443u

struct k8s_ctx {
	const struct doc *d;
	GPtrArray *found;        /* struct resource *, owned */
	size_t rules;            /* rules added to found, for the file limit */
	GHashTable *services;    /* "NS/NAME" -> Service spec node (borrowed from d) */
	struct dw_problems problems;
	/* The object being read (borrowed from found), or NULL: what is wrong
	 * in it makes it an unknown, not the file unreadable. */
	struct resource *cur;
};

/* One object being read. */
struct k8s_obj {
	const struct doc_node *node;
	const char *kind;
	const char *ns;
	const char *name;
	unsigned line;
	bool legacy;        /* apiVersion v1beta1 or v1beta2: no metadata, no spec */
};

static void k8s_problem(struct k8s_ctx *c, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/*
 * A malformed value. Inside an object it is an unknown of that object
 * (the value is left out, as the API server would refuse it) and the
 * rest of the file is still read; elsewhere the file cannot be analysed.
 */
static void k8s_problem(struct k8s_ctx *c, unsigned line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (c->cur == NULL)
		dw_problems_add(&c->problems, line, "%s", what);
	else
		resource_add_unknown(c->cur, line, "%s %s cannot be read: %s", c->cur->kind, c->cur->name, what);
}

static void k8s_bad(struct k8s_ctx *c, const struct doc_node *n, const char *what)
{
	const char *text = doc_scalar(n);
	g_autofree char *quoted = text != NULL ? extract_quote(text) : NULL;

	if (quoted != NULL)
		k8s_problem(c, n->line, "%s, got \"%s\"", what, quoted);
	else
		k8s_problem(c, n->line, "%s, got a %s", what,
		                n->kind == DOC_LIST  ? "list"
		                : n->kind == DOC_MAP ? "map"
		                                     : "null");
}

static struct resource *k8s_resource(struct k8s_ctx *c, const struct k8s_obj *o, const char *label)
{
	g_autofree char *name = g_strdup_printf("%s/%s", o->ns, o->name);
	g_autofree char *identity = g_strdup_printf("k8s:%s/%s/%s", o->kind, o->ns, o->name);
	struct resource *r = resource_new(identity, label, name, c->d->path, o->line, RESOURCE_UNION);

	g_ptr_array_add(c->found, r);
	c->cur = r;
	return r;
}

/*
 * Adds one rule: protocols proto_lo..proto_hi, ports lo..hi, from src.
 * Past the limits of dw_limits.h nothing more is built (a hostile file could
 * multiply peers by ports); extract_file() then refuses the file.
 */
static bool k8s_add(struct k8s_ctx *c, struct resource *r, const char *name, unsigned line,
                    unsigned proto_lo, unsigned proto_hi, unsigned lo, unsigned hi, const srcset *src)
{
	if (r->rules->len > DW_LIMIT_RULES || c->rules > DW_LIMIT_FILE_RULES)
		return false;
	c->rules++;
	resource_add_rule(r, name, line, true, 0, exposure_new_box(proto_lo, proto_hi, lo, hi, src));
	return true;
}

/* k8s_add() of a Service port whose traffic goes on to the pods' target port. */
static void k8s_add_to(struct k8s_ctx *c, struct resource *r, const char *name, unsigned line,
                       unsigned proto, unsigned lo, unsigned hi, const srcset *src, unsigned target)
{
	if (k8s_add(c, r, name, line, proto, proto, lo, hi, src) && (lo != target || hi != target))
		resource_set_target(r, target, target);
}

/* A port, 1..65535, written as a whole decimal number. */
static bool k8s_port(struct k8s_ctx *c, const struct doc_node *n, const char *what, unsigned *out)
{
	const char *text = doc_scalar(n);
	guint64 v;

	if (text == NULL || !g_ascii_isdigit(text[0]) ||
	    !g_ascii_string_to_unsigned(text, 10, 1, EXPOSURE_PORT_MAX, &v, NULL)) {
		g_autofree char *msg = g_strdup_printf("expected %s (1-65535)", what);

		k8s_bad(c, n, msg);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* protocol: TCP (the default), UDP or SCTP. */
static bool k8s_protocol(struct k8s_ctx *c, const struct doc_node *n, unsigned *out)
{
	const char *text = doc_scalar(n);

	*out = EXPOSURE_PROTO_TCP;
	if (n == NULL || n->kind == DOC_NULL)
		return true;
	if (text != NULL && strcmp(text, "TCP") == 0)
		return true;
	if (text != NULL && strcmp(text, "UDP") == 0) {
		*out = EXPOSURE_PROTO_UDP;
		return true;
	}
	if (text != NULL && strcmp(text, "SCTP") == 0) {
		*out = EXPOSURE_PROTO_SCTP;
		return true;
	}
	k8s_bad(c, n, "expected protocol TCP, UDP or SCTP");
	return false;
}

/* A list node or null; anything else is an error. */
static const struct doc_node *k8s_list(struct k8s_ctx *c, const struct doc_node *n, const char *what)
{
	if (n == NULL || n->kind == DOC_NULL)
		return NULL;
	if (n->kind != DOC_LIST) {
		g_autofree char *msg = g_strdup_printf("expected a list for %s", what);

		k8s_bad(c, n, msg);
		return NULL;
	}
	return n;
}

static bool k8s_is_false(const struct doc_node *n)
{
	const char *text = doc_scalar(n);

	return text != NULL && g_ascii_strcasecmp(text, "false") == 0;
}

static bool k8s_is_true(const struct doc_node *n)
{
	const char *text = doc_scalar(n);

	return text != NULL && g_ascii_strcasecmp(text, "true") == 0;
}

/* ---- selectors -------------------------------------------------------- */

static int k8s_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A label selector as canonical text: matchLabels as k=v and
 * matchExpressions as "k In (a|b)", sorted, joined by ","; "all" for the
 * empty selector, which selects everything (no label is written "all").
 */
static char *k8s_selector(struct k8s_ctx *c, const struct doc_node *sel)
{
	const struct doc_node *labels = doc_map_get(sel, "matchLabels");
	const struct doc_node *exprs = doc_map_get(sel, "matchExpressions");
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
	GString *s;

	if (sel != NULL && sel->kind != DOC_MAP && sel->kind != DOC_NULL)
		k8s_bad(c, sel, "expected a label selector");
	for (size_t i = 0; labels != NULL && labels->kind == DOC_MAP && i < labels->n; i++) {
		const char *k = doc_scalar(labels->pairs[i].key), *v = doc_scalar(labels->pairs[i].value);

		if (k == NULL || v == NULL)
			k8s_problem(c, labels->pairs[i].key->line,
			                "expected label: value in matchLabels");
		else
			g_ptr_array_add(parts, g_strdup_printf("%s=%s", k, v));
	}
	for (size_t i = 0; exprs != NULL && exprs->kind == DOC_LIST && i < exprs->n; i++) {
		const struct doc_node *e = exprs->items[i];
		const char *k = doc_scalar(doc_map_get(e, "key")), *op = doc_scalar(doc_map_get(e, "operator"));
		const struct doc_node *vals = doc_map_get(e, "values");
		g_autoptr(GPtrArray) vs = g_ptr_array_new();
		g_autofree char *joined = NULL;

		if (k == NULL || op == NULL) {
			k8s_problem(c, e->line,
			                "expected key and operator in matchExpressions");
			continue;
		}
		for (size_t j = 0; vals != NULL && vals->kind == DOC_LIST && j < vals->n; j++) {
			if (doc_scalar(vals->items[j]) != NULL)
				g_ptr_array_add(vs, (char *)doc_scalar(vals->items[j]));
		}
		g_ptr_array_sort(vs, k8s_strcmp);
		g_ptr_array_add(vs, NULL);
		joined = g_strjoinv("|", (char **)vs->pdata);
		g_ptr_array_add(parts, g_strdup_printf("%s %s (%s)", k, op, joined));
	}
	if (parts->len == 0)
		return g_strdup("all");
	g_ptr_array_sort(parts, k8s_strcmp);
	s = g_string_new(NULL);
	for (guint i = 0; i < parts->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "", (char *)parts->pdata[i]);
	return g_string_free(s, FALSE);
}

/* ---- Service ---------------------------------------------------------- */

enum k8s_svc_type { K8S_CLUSTER_IP, K8S_NODE_PORT, K8S_LOAD_BALANCER, K8S_EXTERNAL_NAME };

static const char *const k8s_svc_types[] = { "ClusterIP", "NodePort", "LoadBalancer", "ExternalName" };

/*
 * Cloud annotations that keep a LoadBalancer inside the private network,
 * with the values each cloud's controller reads as "internal":
 * - AWS (legacy in-tree provider): aws-load-balancer-internal, any value
 *   but "false" (old manuals wrote "0.0.0.0/0"); AWS Load Balancer
 *   Controller: aws-load-balancer-scheme "internal".
 * - Azure: azure-load-balancer-internal "true".
 * - GKE: networking.gke.io/load-balancer-type "Internal", and its legacy
 *   spelling cloud.google.com/load-balancer-type.
 * - OpenStack: openstack-internal-load-balancer "true"; OCI:
 *   oci-load-balancer-internal "true".
 * Any other value is read as public: a mistaken "internal" would hide
 * an Internet-facing load balancer.
 */
static const struct {
	const char *key;
	const char *value; /* the value that makes it internal; NULL: any but "false" */
} k8s_lb_internal_keys[] = {
	{ "service.beta.kubernetes.io/aws-load-balancer-internal", NULL },
	{ "service.beta.kubernetes.io/aws-load-balancer-scheme", "internal" },
	{ "service.beta.kubernetes.io/azure-load-balancer-internal", "true" },
	{ "networking.gke.io/load-balancer-type", "Internal" },
	{ "cloud.google.com/load-balancer-type", "Internal" },
	{ "service.beta.kubernetes.io/openstack-internal-load-balancer", "true" },
	{ "service.beta.kubernetes.io/oci-load-balancer-internal", "true" },
};

static bool k8s_lb_internal(const struct doc_node *obj)
{
	const struct doc_node *ann = doc_map_get(doc_map_get(obj, "metadata"), "annotations");

	for (size_t i = 0; i < G_N_ELEMENTS(k8s_lb_internal_keys); i++) {
		const char *v = doc_scalar(doc_map_get(ann, k8s_lb_internal_keys[i].key));
		const char *want = k8s_lb_internal_keys[i].value;

		if (v == NULL || v[0] == '\0')
			continue;
		if (want == NULL ? g_ascii_strcasecmp(v, "false") != 0 : g_ascii_strcasecmp(v, want) == 0)
			return true;
	}
	return false;
}

/* Who reaches a LoadBalancer's ports. */
static srcset *k8s_lb_sources(struct k8s_ctx *c, const struct doc_node *obj, const struct doc_node *spec)
{
	const struct doc_node *ranges = k8s_list(c, doc_map_get(spec, "loadBalancerSourceRanges"),
	                                         "loadBalancerSourceRanges");
	srcset *src = srcset_new();

	if (k8s_lb_internal(obj)) {
		srcset_add_atom(src, K8S_ATOM_INTERNAL_LB);
		return src;
	}
	if (ranges == NULL || ranges->n == 0) {
		srcset_add_all_addresses(src);
		return src;
	}
	for (size_t i = 0; i < ranges->n; i++) {
		const char *text = doc_scalar(ranges->items[i]);

		if (text == NULL || !srcset_add_cidr(src, text, NULL))
			k8s_bad(c, ranges->items[i], "expected a CIDR in loadBalancerSourceRanges");
	}
	return src;
}

static bool k8s_svc_type(struct k8s_ctx *c, const struct doc_node *spec, enum k8s_svc_type *out)
{
	const struct doc_node *n = doc_map_get(spec, "type");
	const char *text = doc_scalar(n);

	*out = K8S_CLUSTER_IP;
	if (n == NULL || n->kind == DOC_NULL)
		return true;
	for (size_t i = 0; text != NULL && i < G_N_ELEMENTS(k8s_svc_types); i++) {
		if (strcmp(text, k8s_svc_types[i]) == 0) {
			*out = (enum k8s_svc_type)i;
			return true;
		}
	}
	k8s_bad(c, n, "expected type ClusterIP, NodePort, LoadBalancer or ExternalName");
	return false;
}

struct k8s_svc_sources {
	srcset *cluster, *nodes, *lb, *external; /* NULL when the type has none */
	bool written_node_ports_only;
};

/* One port of a Service (a map of spec.ports; the object itself in
 * v1beta1/v1beta2, where target_key is "containerPort"). */
static void k8s_svc_port(struct k8s_ctx *c, struct resource *r, const struct doc_node *p,
                         const char *target_key, const struct k8s_svc_sources *s)
{
	const struct doc_node *np = doc_map_get(p, "nodePort");
	const struct doc_node *tp = doc_map_get(p, target_key);
	const char *name = doc_scalar(doc_map_get(p, "name"));
	unsigned port, proto, node_lo = K8S_NODE_PORT_LO, node_hi = K8S_NODE_PORT_HI, target;
	bool ok;

	if (p->kind != DOC_MAP) {
		k8s_bad(c, p, "expected a map for a Service port");
		return;
	}
	if (doc_map_get(p, "port") == NULL) {
		k8s_problem(c, p->line, "Service port has no port");
		return;
	}
	ok = k8s_port(c, doc_map_get(p, "port"), "a port", &port);
	ok = k8s_protocol(c, doc_map_get(p, "protocol"), &proto) && ok;
	/* nodePort 0 (or absent) lets the cluster choose one in its range. */
	if (np != NULL && np->kind != DOC_NULL && g_strcmp0(doc_scalar(np), "0") != 0) {
		ok = k8s_port(c, np, "a nodePort", &node_lo) && ok;
		node_hi = node_lo;
	}
	if (!ok)
		return;
	/* A named targetPort is resolved in the pods, which are not read: the
	 * service is then judged by its port. */
	target = port;
	if (tp != NULL && doc_scalar(tp) != NULL && g_ascii_isdigit(doc_scalar(tp)[0]) &&
	    !k8s_port(c, tp, "a targetPort", &target))
		return;
	k8s_add_to(c, r, name, p->line, proto, port, port, s->cluster, target);
	if (s->nodes != NULL && !(s->written_node_ports_only && node_lo != node_hi))
		k8s_add_to(c, r, name, p->line, proto, node_lo, node_hi, s->nodes, target);
	if (s->lb != NULL)
		k8s_add_to(c, r, name, p->line, proto, port, port, s->lb, target);
	if (s->external != NULL)
		k8s_add_to(c, r, name, p->line, proto, port, port, s->external, target);
}

/*
 * Legacy Service fields, read as the API read them before v1:
 * createExternalLoadBalancer: true (v1beta1..v1beta3) asked for what v1
 * calls type LoadBalancer; publicIPs (v1beta1..v1beta3) and
 * deprecatedPublicIPs (early v1) became externalIPs; portalIP is the
 * clusterIP and exposes nothing more. v1beta1/v1beta2 had no spec: port,
 * containerPort and protocol sat on the object itself.
 */
static bool k8s_svc_legacy_lb(const struct doc_node *spec)
{
	return doc_map_get(spec, "type") == NULL && k8s_is_true(doc_map_get(spec, "createExternalLoadBalancer"));
}

static bool k8s_svc_has_external(struct k8s_ctx *c, const struct doc_node *spec)
{
	static const char *const keys[] = { "externalIPs", "publicIPs", "deprecatedPublicIPs" };

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const struct doc_node *ext = k8s_list(c, doc_map_get(spec, keys[i]), keys[i]);

		if (ext != NULL && ext->n > 0)
			return true;
	}
	return false;
}

static void k8s_svc_type_setting(struct resource *r, const struct k8s_obj *o, const struct doc_node *spec,
                                 enum k8s_svc_type type)
{
	const struct doc_node *type_node = doc_map_get(spec, "type");
	const struct doc_node *legacy = doc_map_get(spec, "createExternalLoadBalancer");
	g_autofree char *raw = NULL;

	if (type_node == NULL && legacy != NULL && type == K8S_LOAD_BALANCER) {
		resource_add_setting(r, "service-type", k8s_svc_types[type], "createExternalLoadBalancer: true",
		                     legacy->line);
		return;
	}
	raw = g_strdup_printf("type: %s", k8s_svc_types[type]);
	resource_add_setting(r, "service-type", k8s_svc_types[type], raw,
	                     type_node != NULL ? type_node->line : o->line);
}

static void k8s_service(struct k8s_ctx *c, const struct k8s_obj *o)
{
	const struct doc_node *spec = doc_map_get(o->node, "spec");
	bool flat = spec == NULL && o->legacy;
	const struct doc_node *ports;
	struct resource *r = k8s_resource(c, o, "Kubernetes Service");
	struct k8s_svc_sources s = { 0 };
	enum k8s_svc_type type;

	if (flat)
		spec = o->node;
	ports = flat ? NULL : k8s_list(c, doc_map_get(spec, "ports"), "ports");
	if (!k8s_svc_type(c, spec, &type))
		return;
	if (k8s_svc_legacy_lb(spec))
		type = K8S_LOAD_BALANCER;
	k8s_svc_type_setting(r, o, spec, type);
	if (type == K8S_EXTERNAL_NAME || (ports == NULL && !(flat && doc_map_get(spec, "port") != NULL)))
		return;
	s.cluster = srcset_new();
	srcset_add_atom(s.cluster, K8S_ATOM_CLUSTER);
	if (type == K8S_NODE_PORT || type == K8S_LOAD_BALANCER) {
		s.nodes = srcset_new();
		srcset_add_atom(s.nodes, K8S_ATOM_NODES);
	}
	/* A LoadBalancer with allocateLoadBalancerNodePorts: false (1.24+)
	 * opens no node port unless one is written. */
	s.written_node_ports_only = type == K8S_LOAD_BALANCER &&
	                            k8s_is_false(doc_map_get(spec, "allocateLoadBalancerNodePorts"));
	if (type == K8S_LOAD_BALANCER)
		s.lb = k8s_lb_sources(c, o->node, spec);
	if (k8s_svc_has_external(c, spec)) {
		s.external = srcset_new();
		srcset_add_all_addresses(s.external);
	}
	if (flat)
		k8s_svc_port(c, r, spec, "containerPort", &s);
	for (size_t i = 0; ports != NULL && i < ports->n; i++)
		k8s_svc_port(c, r, ports->items[i], "targetPort", &s);
	srcset_free(s.cluster);
	srcset_free(s.nodes);
	srcset_free(s.lb);
	srcset_free(s.external);
}

/* ---- NetworkPolicy ---------------------------------------------------- */

/* The sources of one peer of a "from" list; new set, NULL when malformed. */
static srcset *k8s_np_peer(struct k8s_ctx *c, const struct k8s_obj *o, const struct doc_node *peer)
{
	const struct doc_node *ipb = doc_map_get(peer, "ipBlock");
	const struct doc_node *pods = doc_map_get(peer, "podSelector");
	const struct doc_node *nss = doc_map_get(peer, "namespaceSelector");
	g_autofree char *pod_sel = NULL, *ns_sel = NULL, *atom = NULL;
	srcset *src;

	if (peer->kind != DOC_MAP || (ipb == NULL && pods == NULL && nss == NULL)) {
		k8s_bad(c, peer, "expected ipBlock, podSelector or namespaceSelector in a from peer");
		return NULL;
	}
	if (ipb != NULL) {
		const struct doc_node *cidr = doc_map_get(ipb, "cidr");
		const struct doc_node *except = k8s_list(c, doc_map_get(ipb, "except"), "except");
		g_autoptr(srcset) in = srcset_new(), out = srcset_new();

		if (doc_scalar(cidr) == NULL || !srcset_add_cidr(in, doc_scalar(cidr), NULL)) {
			k8s_bad(c, cidr != NULL ? cidr : ipb, "expected a CIDR for ipBlock.cidr");
			return NULL;
		}
		for (size_t i = 0; except != NULL && i < except->n; i++) {
			const char *e = doc_scalar(except->items[i]);

			if (e == NULL || !srcset_add_cidr(out, e, NULL))
				k8s_bad(c, except->items[i], "expected a CIDR in ipBlock.except");
		}
		return srcset_subtract(in, out);
	}
	pod_sel = pods != NULL ? k8s_selector(c, pods) : NULL;
	ns_sel = nss != NULL ? k8s_selector(c, nss) : NULL;
	if (ns_sel == NULL)
		atom = g_strdup_printf("k8s-pod:%s/%s", o->ns, pod_sel);
	else if (pod_sel == NULL && strcmp(ns_sel, "all") == 0)
		atom = g_strdup(K8S_ATOM_CLUSTER);
	else if (pod_sel == NULL)
		atom = g_strdup_printf("k8s-ns:%s", ns_sel);
	else if (strcmp(ns_sel, "all") == 0)
		atom = g_strdup_printf("k8s-pod:all/%s", pod_sel);
	else
		atom = g_strdup_printf("k8s-pod:ns(%s)/%s", ns_sel, pod_sel);
	src = srcset_new();
	srcset_add_atom(src, atom);
	return src;
}

/* Every source: all addresses and every pod of the cluster. */
static srcset *k8s_everyone(void)
{
	srcset *src = srcset_new();

	srcset_add_all_addresses(src);
	srcset_add_atom(src, K8S_ATOM_CLUSTER);
	return src;
}

/* The sources of an ingress rule; NULL when a peer was malformed. */
static srcset *k8s_np_from(struct k8s_ctx *c, const struct k8s_obj *o, const struct doc_node *rule)
{
	const struct doc_node *from = k8s_list(c, doc_map_get(rule, "from"), "from");
	srcset *acc;
	bool bad = false;

	if (from == NULL || from->n == 0)
		return k8s_everyone();
	if (from->n > DW_LIMIT_RULES) {
		dw_problems_add(&c->problems, from->line, "more than %u peers in one from list",
		                DW_LIMIT_RULES);
		return NULL;
	}
	acc = srcset_new();
	for (size_t i = 0; i < from->n; i++) {
		g_autoptr(srcset) peer = k8s_np_peer(c, o, from->items[i]);
		srcset *u;

		if (peer == NULL) {
			bad = true;
			continue;
		}
		u = srcset_union(acc, peer);
		srcset_free(acc);
		acc = u;
	}
	if (bad)
		g_clear_pointer(&acc, srcset_free);
	return acc;
}

/* One entry of an ingress rule's ports, from src, into r. */
static void k8s_np_port(struct k8s_ctx *c, const struct k8s_obj *o, struct resource *r,
                        const struct doc_node *p, const srcset *src)
{
	const struct doc_node *port = doc_map_get(p, "port"), *end = doc_map_get(p, "endPort");
	unsigned proto, lo = 0, hi = EXPOSURE_PORT_MAX;

	if (p->kind != DOC_MAP) {
		k8s_bad(c, p, "expected a map for a NetworkPolicy port");
		return;
	}
	if (!k8s_protocol(c, doc_map_get(p, "protocol"), &proto))
		return;
	if (port != NULL && port->kind == DOC_SCALAR && port->len > 0 && !g_ascii_isdigit(port->text[0])) {
		g_autofree char *quoted = extract_quote(port->text);

		resource_add_unknown(r, port->line, "NetworkPolicy %s/%s: port \"%s\" is a named port of "
		                     "the selected pods, not resolved", o->ns, o->name, quoted);
		return;
	}
	if (port != NULL && port->kind != DOC_NULL) {
		if (!k8s_port(c, port, "a port or a port name", &lo))
			return;
		hi = lo;
		if (end != NULL && end->kind != DOC_NULL) {
			if (!k8s_port(c, end, "an endPort", &hi))
				return;
			if (hi < lo) {
				k8s_bad(c, end, "expected endPort >= port");
				return;
			}
		}
	}
	k8s_add(c, r, NULL, p->line, proto, proto, lo, hi, src);
}

static void k8s_np_rule(struct k8s_ctx *c, const struct k8s_obj *o, struct resource *r,
                        const struct doc_node *rule)
{
	const struct doc_node *ports;
	g_autoptr(srcset) src = NULL;

	if (rule->kind == DOC_NULL) {
		g_autoptr(srcset) all = k8s_everyone();

		k8s_add(c, r, NULL, rule->line, 0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, all);
		return;
	}
	if (rule->kind != DOC_MAP) {
		k8s_bad(c, rule, "expected a map for an ingress rule");
		return;
	}
	ports = k8s_list(c, doc_map_get(rule, "ports"), "ports");
	/* A malformed peer leaves the rule's sources out (an unknown of the
	 * policy); the ports are still checked so that all problems are
	 * reported at once. */
	src = k8s_np_from(c, o, rule);
	if (src == NULL)
		src = srcset_new();
	if (ports == NULL || ports->n == 0) {
		k8s_add(c, r, NULL, rule->line, 0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, src);
		return;
	}
	for (size_t i = 0; i < ports->n; i++)
		k8s_np_port(c, o, r, ports->items[i], src);
}

/*
 * Does the policy isolate ingress? policyTypes, else always. An empty
 * list is defaulted as an omitted one: the API server's defaulting
 * (pkg/apis/networking/v1/defaults.go, SetDefaults_NetworkPolicy) sets
 * [Ingress] (plus Egress when there are egress rules) whenever
 * len(policyTypes) == 0, as the NetworkPolicySpec reference says for a
 * field "not specified".
 */
static bool k8s_np_isolates(struct k8s_ctx *c, const struct doc_node *spec, unsigned *line)
{
	const struct doc_node *types = k8s_list(c, doc_map_get(spec, "policyTypes"), "policyTypes");

	if (types == NULL || types->n == 0)
		return true;
	*line = types->line;
	for (size_t i = 0; i < types->n; i++) {
		const char *t = doc_scalar(types->items[i]);

		if (t != NULL && strcmp(t, "Ingress") == 0)
			return true;
		if (t == NULL || strcmp(t, "Egress") != 0)
			k8s_bad(c, types->items[i], "expected policyTypes Ingress or Egress");
	}
	return false;
}

static void k8s_network_policy(struct k8s_ctx *c, const struct k8s_obj *o)
{
	const struct doc_node *spec = doc_map_get(o->node, "spec");
	const struct doc_node *sel = doc_map_get(spec, "podSelector");
	const struct doc_node *rules;
	struct resource *r = k8s_resource(c, o, "Kubernetes NetworkPolicy");
	g_autofree char *selector = NULL, *selects = NULL, *raw = NULL;
	unsigned iso_line = spec != NULL ? spec->line : o->line;
	bool isolates;

	if (spec == NULL || spec->kind != DOC_MAP) {
		k8s_problem(c, o->line, "NetworkPolicy %s/%s has no spec", o->ns,
		                o->name);
		return;
	}
	selector = k8s_selector(c, sel);
	selects = g_strdup_printf("%s/%s", o->ns, selector);
	raw = g_strdup_printf("podSelector: %s", selector);
	resource_add_setting(r, "selects", selects, raw, sel != NULL ? sel->line : spec->line);
	isolates = k8s_np_isolates(c, spec, &iso_line);
	resource_add_setting(r, "ingress-isolation", isolates ? "on" : "off",
	                     isolates ? "policyTypes: [Ingress]" : "policyTypes without Ingress", iso_line);
	if (!isolates)
		return;
	rules = k8s_list(c, doc_map_get(spec, "ingress"), "ingress");
	for (size_t i = 0; rules != NULL && i < rules->n; i++)
		k8s_np_rule(c, o, r, rules->items[i]);
}

/* ---- Ingress ---------------------------------------------------------- */

/* The port of Service ns/name called port_name in this file, or 0. */
static unsigned k8s_service_port_named(struct k8s_ctx *c, const char *ns, const char *svc,
                                       const char *port_name)
{
	g_autofree char *key = g_strdup_printf("%s/%s", ns, svc);
	const struct doc_node *spec = g_hash_table_lookup(c->services, key);
	const struct doc_node *ports = doc_map_get(spec, "ports");
	guint64 v;

	for (size_t i = 0; ports != NULL && ports->kind == DOC_LIST && i < ports->n; i++) {
		const char *name = doc_scalar(doc_map_get(ports->items[i], "name"));
		const char *port = doc_scalar(doc_map_get(ports->items[i], "port"));

		if (name != NULL && port != NULL && strcmp(name, port_name) == 0 &&
		    g_ascii_string_to_unsigned(port, 10, 1, EXPOSURE_PORT_MAX, &v, NULL))
			return (unsigned)v;
	}
	return 0;
}

/* One backend (networking.k8s.io/v1 service.{name,port}, or v1beta1
 * serviceName/servicePort), reached through the controller's listeners. */
static void k8s_ingress_backend(struct k8s_ctx *c, const struct k8s_obj *o, struct resource *r,
                                const struct doc_node *b, const srcset *src, bool tls)
{
	const struct doc_node *svc = doc_map_get(b, "service");
	const char *name = doc_scalar(svc != NULL ? doc_map_get(svc, "name") : doc_map_get(b, "serviceName"));
	const struct doc_node *port = svc != NULL ? doc_map_get(svc, "port") : doc_map_get(b, "servicePort");
	const struct doc_node *num = svc != NULL ? doc_map_get(port, "number") : port;
	const char *port_name = svc != NULL ? doc_scalar(doc_map_get(port, "name")) : NULL;
	unsigned p = 0;

	if (b->kind != DOC_MAP) {
		k8s_bad(c, b, "expected a map for an Ingress backend");
		return;
	}
	/* A resource backend (an object store bucket) is not a Service. */
	if (doc_map_get(b, "resource") != NULL)
		return;
	if (name == NULL || port == NULL) {
		k8s_problem(c, b->line,
		                "Ingress backend has no service name and port");
		return;
	}
	if (port_name == NULL && doc_scalar(num) != NULL && !g_ascii_isdigit(doc_scalar(num)[0]))
		port_name = doc_scalar(num);
	if (port_name != NULL) {
		p = k8s_service_port_named(c, o->ns, name, port_name);
		if (p == 0) {
			g_autofree char *quoted = extract_quote(port_name);

			resource_add_unknown(r, b->line, "Ingress %s/%s: port \"%s\" of Service %s is not "
			                     "declared in this file", o->ns, o->name, quoted, name);
			return;
		}
	} else if (num == NULL || !k8s_port(c, num, "a service port", &p)) {
		if (num == NULL)
			k8s_problem(c, b->line,
			                "Ingress backend has no port number or name");
		return;
	}
	k8s_add_to(c, r, name, b->line, EXPOSURE_PROTO_TCP, K8S_INGRESS_HTTP, K8S_INGRESS_HTTP, src, p);
	if (tls)
		k8s_add_to(c, r, name, b->line, EXPOSURE_PROTO_TCP, K8S_INGRESS_HTTPS, K8S_INGRESS_HTTPS, src, p);
}

/*
 * Is the Ingress's controller a private load balancer? The AWS Load
 * Balancer Controller (class "alb") makes an internal ALB unless
 * alb.ingress.kubernetes.io/scheme is internet-facing; GKE's class
 * "gce-internal" is an internal load balancer. Any other controller is
 * taken as public.
 */
static bool k8s_ingress_internal(const struct doc_node *obj)
{
	const struct doc_node *ann = doc_map_get(doc_map_get(obj, "metadata"), "annotations");
	const char *cls = doc_scalar(doc_map_get(doc_map_get(obj, "spec"), "ingressClassName"));
	const char *scheme = doc_scalar(doc_map_get(ann, "alb.ingress.kubernetes.io/scheme"));

	if (cls == NULL)
		cls = doc_scalar(doc_map_get(ann, "kubernetes.io/ingress.class"));
	if (cls != NULL && strcmp(cls, "gce-internal") == 0)
		return true;
	if (scheme != NULL)
		return strcmp(scheme, "internal") == 0;
	return cls != NULL && strcmp(cls, "alb") == 0;
}

static void k8s_ingress(struct k8s_ctx *c, const struct k8s_obj *o)
{
	const struct doc_node *spec = doc_map_get(o->node, "spec");
	const struct doc_node *rules = k8s_list(c, doc_map_get(spec, "rules"), "rules");
	const struct doc_node *def = doc_map_get(spec, "defaultBackend");
	const struct doc_node *tls_list = k8s_list(c, doc_map_get(spec, "tls"), "tls");
	bool tls = tls_list != NULL && tls_list->n > 0;
	struct resource *r = k8s_resource(c, o, "Kubernetes Ingress");
	g_autoptr(srcset) src = srcset_new();

	if (k8s_ingress_internal(o->node))
		srcset_add_atom(src, K8S_ATOM_INTERNAL_LB);
	else
		srcset_add_all_addresses(src);
	if (def == NULL)
		def = doc_map_get(spec, "backend");
	if (def != NULL)
		k8s_ingress_backend(c, o, r, def, src, tls);
	for (size_t i = 0; rules != NULL && i < rules->n; i++) {
		const struct doc_node *paths = k8s_list(c, doc_map_get(doc_map_get(rules->items[i], "http"), "paths"),
		                                        "paths");

		for (size_t j = 0; paths != NULL && j < paths->n; j++) {
			const struct doc_node *b = doc_map_get(paths->items[j], "backend");

			if (b == NULL)
				k8s_problem(c, paths->items[j]->line,
				                "Ingress path has no backend");
			else
				k8s_ingress_backend(c, o, r, b, src, tls);
		}
	}
}

/* ---- workloads -------------------------------------------------------- */

/* hostPort of one container port (or its containerPort on the host network). */
static void k8s_container_port(struct k8s_ctx *c, struct resource *r, const struct doc_node *p,
                               bool host_network, const srcset *nodes)
{
	const struct doc_node *hp = doc_map_get(p, "hostPort");
	const char *host_ip = doc_scalar(doc_map_get(p, "hostIP"));
	const char *name = doc_scalar(doc_map_get(p, "name"));
	g_autoptr(srcset) loop = NULL;
	unsigned port, proto;

	if (p->kind != DOC_MAP) {
		k8s_bad(c, p, "expected a map for a container port");
		return;
	}
	if (!k8s_protocol(c, doc_map_get(p, "protocol"), &proto))
		return;
	if (host_network) {
		const struct doc_node *cp = doc_map_get(p, "containerPort");

		if (cp == NULL)
			k8s_problem(c, p->line,
			                "container port has no containerPort");
		else if (k8s_port(c, cp, "a containerPort", &port))
			k8s_add(c, r, name, p->line, proto, proto, port, port, nodes);
		return;
	}
	if (hp == NULL || hp->kind == DOC_NULL || !k8s_port(c, hp, "a hostPort", &port))
		return;
	if (host_ip != NULL && (g_str_has_prefix(host_ip, "127.") || strcmp(host_ip, "::1") == 0)) {
		loop = srcset_new();
		if (!srcset_add_cidr(loop, host_ip, NULL)) {
			k8s_bad(c, doc_map_get(p, "hostIP"), "expected an address for hostIP");
			return;
		}
	}
	k8s_add(c, r, name, p->line, proto, proto, port, port, loop != NULL ? loop : nodes);
}

static void k8s_pod_spec(struct k8s_ctx *c, struct resource *r, const struct doc_node *spec)
{
	const struct doc_node *main = doc_map_get(spec, "containers");
	static const char *const lists[] = { "containers", "initContainers" };
	const struct doc_node *hn = doc_map_get(spec, "hostNetwork");
	bool host_network = k8s_is_true(hn);
	g_autoptr(srcset) nodes = srcset_new();

	srcset_add_atom(nodes, K8S_ATOM_NODES);
	if (host_network)
		resource_add_setting(r, "host-network", "on", "hostNetwork: true", hn->line);
	for (size_t i = 0; i < G_N_ELEMENTS(lists); i++) {
		const struct doc_node *cs = k8s_list(c, doc_map_get(spec, lists[i]), lists[i]);

		for (size_t j = 0; cs != NULL && j < cs->n; j++) {
			const struct doc_node *ports = k8s_list(c, doc_map_get(cs->items[j], "ports"), "ports");

			for (size_t k = 0; ports != NULL && k < ports->n; k++)
				k8s_container_port(c, r, ports->items[k], host_network, nodes);
		}
	}
	/* A kubelet, kube-apiserver or etcd it runs (a static pod, a DaemonSet). */
	for (size_t j = 0; main != NULL && main->kind == DOC_LIST && j < main->n; j++) {
		if (main->items[j]->kind == DOC_MAP)
			extract_k8s_cp_container(c->found, c->d->path, r->identity, r->name, main->items[j],
			                         host_network);
	}
}

static const char *const k8s_workloads[] = {
	"Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
};

/* resource.kind is static: one label per workload kind, in k8s_workloads' order. */
static const char *const k8s_workload_labels[] = {
	"Kubernetes Pod", "Kubernetes Deployment", "Kubernetes DaemonSet", "Kubernetes StatefulSet",
	"Kubernetes ReplicaSet", "Kubernetes ReplicationController", "Kubernetes Job", "Kubernetes CronJob",
};

static void k8s_workload(struct k8s_ctx *c, const struct k8s_obj *o)
{
	const struct doc_node *spec = doc_map_get(o->node, "spec");
	const char *label = "Kubernetes workload";
	struct resource *r;

	for (size_t i = 0; i < G_N_ELEMENTS(k8s_workloads); i++) {
		if (strcmp(o->kind, k8s_workloads[i]) == 0)
			label = k8s_workload_labels[i];
	}
	r = k8s_resource(c, o, label);

	if (strcmp(o->kind, "CronJob") == 0)
		spec = doc_map_get(doc_map_get(spec, "jobTemplate"), "spec");
	if (strcmp(o->kind, "Pod") != 0)
		spec = doc_map_get(doc_map_get(spec, "template"), "spec");
	if (spec != NULL && spec->kind == DOC_MAP)
		k8s_pod_spec(c, r, spec);
}

/* ---- objects ---------------------------------------------------------- */

static bool k8s_is_workload(const char *kind)
{
	for (size_t i = 0; i < G_N_ELEMENTS(k8s_workloads); i++) {
		if (strcmp(kind, k8s_workloads[i]) == 0)
			return true;
	}
	return false;
}

static bool k8s_is_ours(const char *kind)
{
	return strcmp(kind, "Service") == 0 || strcmp(kind, "NetworkPolicy") == 0 ||
	       strcmp(kind, "Ingress") == 0 || k8s_is_workload(kind);
}

static bool k8s_api_legacy(const char *api)
{
	return api != NULL && (strcmp(api, "v1beta1") == 0 || strcmp(api, "v1beta2") == 0);
}

/* Reads kind, namespace and name; false for a document that is not an object of ours. */
static bool k8s_obj_read(struct k8s_ctx *c, const struct doc_node *n, struct k8s_obj *o)
{
	const struct doc_node *meta = doc_map_get(n, "metadata");
	const struct doc_node *ns = doc_map_get(meta, "namespace");

	o->node = n;
	o->line = n->line;
	o->kind = doc_scalar(doc_map_get(n, "kind"));
	if (o->kind == NULL || doc_scalar(doc_map_get(n, "apiVersion")) == NULL || !k8s_is_ours(o->kind))
		return false;
	o->legacy = k8s_api_legacy(doc_scalar(doc_map_get(n, "apiVersion")));
	o->name = doc_scalar(doc_map_get(meta, "name"));
	/* v1beta1/v1beta2 named an object by "id", its namespace beside it. */
	if (o->legacy && meta == NULL) {
		o->name = doc_scalar(doc_map_get(n, "id"));
		ns = doc_map_get(n, "namespace");
	}
	o->ns = doc_scalar(ns) != NULL && doc_scalar(ns)[0] != '\0' ? doc_scalar(ns) : "default";
	if (o->name == NULL || o->name[0] == '\0') {
		dw_problems_add(&c->problems, n->line, "%s has no metadata.name", o->kind);
		return false;
	}
	if (strchr(o->name, '/') != NULL || strchr(o->ns, '/') != NULL) {
		dw_problems_add(&c->problems, n->line, "%s: a name or namespace cannot hold '/'",
		                o->kind);
		return false;
	}
	return true;
}

/* Calls fn on each object of a document, looking into kind List. */
static void k8s_each(struct k8s_ctx *c, const struct doc_node *root,
                     void (*fn)(struct k8s_ctx *c, const struct k8s_obj *o))
{
	const char *kind = doc_scalar(doc_map_get(root, "kind"));
	const struct doc_node *items = doc_map_get(root, "items");
	struct k8s_obj o;

	if (root == NULL || root->kind != DOC_MAP)
		return;
	if (kind != NULL && strcmp(kind, "List") == 0 && items != NULL && items->kind == DOC_LIST) {
		for (size_t i = 0; i < items->n; i++) {
			if (items->items[i]->kind == DOC_MAP)
				k8s_each(c, items->items[i], fn);
		}
		return;
	}
	if (k8s_obj_read(c, root, &o))
		fn(c, &o);
	c->cur = NULL;
}

static bool k8s_is_knative(const struct k8s_obj *o);

static void k8s_index_service(struct k8s_ctx *c, const struct k8s_obj *o)
{
	if (strcmp(o->kind, "Service") == 0 && !k8s_is_knative(o))
		g_hash_table_insert(c->services, g_strdup_printf("%s/%s", o->ns, o->name),
		                    (void *)doc_map_get(o->node, "spec"));
}

/*
 * A Knative Service (serving.knative.dev): a pod template (spec.template,
 * read as a workload's: hostNetwork, hostPort) behind Knative's ingress,
 * which routes HTTP (80) from the cluster and every address to the
 * container's port (its first containerPort, 8080 when none) unless the
 * Service is labelled networking.knative.dev/visibility: cluster-local
 * (then only the cluster). Identity: k8s:Service.serving.knative.dev/NS/NAME.
 */
static void k8s_knative(struct k8s_ctx *c, const struct k8s_obj *o)
{
	static const char *const visibility[] = { "networking.knative.dev/visibility",
	                                          "serving.knative.dev/visibility" };
	const struct doc_node *labels = doc_map_get(doc_map_get(o->node, "metadata"), "labels");
	const struct doc_node *spec = doc_map_get(doc_map_get(doc_map_get(o->node, "spec"), "template"), "spec");
	const struct doc_node *first = doc_map_get(spec, "containers");
	const struct doc_node *port = NULL;
	struct k8s_obj ko = *o;
	g_autoptr(srcset) src = srcset_new();
	struct resource *r;
	unsigned target = 8080;
	bool local = false;

	ko.kind = "Service.serving.knative.dev";
	r = k8s_resource(c, &ko, "Knative Service");
	if (spec == NULL || spec->kind != DOC_MAP)
		return;
	k8s_pod_spec(c, r, spec);
	for (size_t i = 0; i < G_N_ELEMENTS(visibility); i++)
		local |= g_strcmp0(doc_scalar(doc_map_get(labels, visibility[i])), "cluster-local") == 0;
	if (first != NULL && first->kind == DOC_LIST && first->n > 0) {
		const struct doc_node *ports = doc_map_get(first->items[0], "ports");

		if (ports != NULL && ports->kind == DOC_LIST && ports->n > 0)
			port = doc_map_get(ports->items[0], "containerPort");
	}
	if (port != NULL && !k8s_port(c, port, "a containerPort", &target))
		return;
	srcset_add_atom(src, K8S_ATOM_CLUSTER);
	if (!local)
		srcset_add_all_addresses(src);
	k8s_add_to(c, r, "Knative route", o->line, EXPOSURE_PROTO_TCP, K8S_INGRESS_HTTP, K8S_INGRESS_HTTP, src,
	           target);
}

static bool k8s_is_knative(const struct k8s_obj *o)
{
	const char *api = doc_scalar(doc_map_get(o->node, "apiVersion"));

	return strcmp(o->kind, "Service") == 0 && api != NULL && g_str_has_prefix(api, "serving.knative.dev/");
}

static void k8s_object(struct k8s_ctx *c, const struct k8s_obj *o)
{
	if (k8s_is_knative(o))
		k8s_knative(c, o);
	else if (strcmp(o->kind, "Service") == 0)
		k8s_service(c, o);
	else if (strcmp(o->kind, "NetworkPolicy") == 0)
		k8s_network_policy(c, o);
	else if (strcmp(o->kind, "Ingress") == 0)
		k8s_ingress(c, o);
	else
		k8s_workload(c, o);
}

bool extract_k8s(GPtrArray *out, const struct doc *d, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	g_autoptr(GHashTable) services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct k8s_ctx c = { .d = d, .found = found, .services = services };

	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
	/* The index pass reports nothing; its objects are read again below. */
	for (guint i = 0; i < d->roots->len; i++) {
		struct dw_problems quiet = c.problems;

		dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
		k8s_each(&c, g_ptr_array_index(d->roots, i), k8s_index_service);
		dw_problems_clear(&c.problems);
		c.problems = quiet;
	}
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = g_ptr_array_index(d->roots, i);
		const char *api = doc_scalar(doc_map_get(root, "apiVersion"));

		/* No metadata.name: the kubelet's configuration file. */
		if (g_strcmp0(doc_scalar(doc_map_get(root, "kind")), "KubeletConfiguration") == 0 && api != NULL &&
		    g_str_has_prefix(api, "kubelet.config.k8s.io/"))
			extract_k8s_kubelet_config(found, d->path, root);
		else
			k8s_each(&c, root, k8s_object);
	}
	return extract_finish(out, found, &c.problems, error);
}

/* ---- Helm templates --------------------------------------------------- */

unsigned extract_k8s_template_line(const char *path, const char *data, size_t len)
{
	bool in_templates = g_str_has_prefix(path, "templates/") || strstr(path, "/templates/") != NULL;
	bool comment = false;
	char quote = 0, last = 0; /* the open quote; the last non-blank byte of the line */
	unsigned line = 1;

	for (size_t i = 0; i + 1 < len; i++) {
		size_t j = i;
		char c = data[i];

		if (c == '\n') {
			line++;
			comment = false;
			quote = 0;
			last = 0;
			continue;
		}
		/* YAML 1.2: a comment starts at a '#' after a blank or at the
		 * start of a line, outside a quoted scalar, which opens where a
		 * value or key can start. Helm renders comments too, so under
		 * templates/ they count; elsewhere only "{{-", which eats the
		 * line break before it, can change the YAML around a comment. */
		if (quote == '"' && c == '\\') {
			i++;
			continue;
		}
		if (quote != 0 && c == quote)
			quote = 0;
		else if (quote == 0 && !comment && (c == '"' || c == '\'') && strchr(":-,[{?", last ? last : ':'))
			quote = c;
		else if (quote == 0 && c == '#' && (last == 0 || data[i - 1] == ' ' || data[i - 1] == '\t'))
			comment = true;
		if (c != ' ' && c != '\t' && !comment)
			last = c;
		if (c != '{' || data[i + 1] != '{')
			continue;
		if (in_templates || (comment && i + 2 < len && data[i + 2] == '-'))
			return line;
		if (comment)
			continue;
		/* A directive at the start of a line, or where YAML expects a
		 * value or an item; not Go template text inside a longer
		 * string or an indented block scalar. */
		if (j == 0 || data[j - 1] == '\n')
			return line;
		if (data[j - 1] == '"' || data[j - 1] == '\'')
			j--;
		while (j > 0 && (data[j - 1] == ' ' || data[j - 1] == '\t'))
			j--;
		if (j < i && j > 0 && (data[j - 1] == ':' || data[j - 1] == '-'))
			return line;
	}
	return 0;
}
