/*
 * extract_k8s_cp.c - the Kubernetes control plane as manifests configure
 * it: kubelet, kube-apiserver, etcd, kube-controller-manager and
 * kube-scheduler flags in a static pod's or a DaemonSet's container
 * command/args, and kind KubeletConfiguration.
 *
 * Each program becomes a resource of its own (extract.h): settings
 *   "auth"  "off" when a client needs no credential to be obeyed
 *   "bind"  how wide the address it listens on is
 * and rules for the ports it serves without authentication (kubelet's
 * read-only port, kube-apiserver's insecure port), from the pod's
 * sources: k8s:node-network on the host network, else k8s:cluster, or the
 * loopback address it binds.
 *
 * Defaults, when a flag or key is absent, are the programs' documented
 * ones ("kubelet --help", "kube-apiserver --help", "etcd --help", and
 * the "Kubelet Configuration (v1beta1)" reference):
 *   kubelet flags: --anonymous-auth true, --authorization-mode
 *     AlwaysAllow, --read-only-port 10255, --address 0.0.0.0; with
 *     --config, absent flags come from that file, which is not here: an
 *     unknown.
 *   KubeletConfiguration v1beta1: authentication.anonymous.enabled false,
 *     authorization.mode Webhook, readOnlyPort 0, address 0.0.0.0.
 *   kube-apiserver: --anonymous-auth true, --authorization-mode
 *     AlwaysAllow, --insecure-bind-address 127.0.0.1, --insecure-port
 *     8080 before 1.20 and 0 from 1.20 (removed in 1.24): it depends on
 *     the version, taken from the image tag; without one it is an
 *     unknown, never a guess.
 *   kube-controller-manager, kube-scheduler: --bind-address 0.0.0.0,
 *     --authorization-always-allow-paths /healthz,/readyz,/livez,
 *     --address 0.0.0.0, --port 10252 / 10251 before 1.22 (see
 *     k8s_cp_manager_flags()).
 *   etcd: --client-cert-auth false, --listen-client-urls
 *     http://localhost:2379; each flag may come from its ETCD_*
 *     environment variable instead.
 * A value left to its default is recorded at line 0: in force before the
 * manifest was written too, so a new manifest is judged by what it writes.
 * Identity: k8s:KIND/NS/NAME/CONTAINER, k8s:KubeletConfiguration.
 */
#include <string.h>

#include "extract.h"
#include "extract_private.h"

#define K8S_CP_NODES "k8s:node-network"
#define K8S_CP_CLUSTER "k8s:cluster"

enum k8s_cp_program {
	K8S_CP_NONE,
	K8S_CP_KUBELET,
	K8S_CP_APISERVER,
	K8S_CP_ETCD,
	K8S_CP_CONTROLLER_MANAGER,
	K8S_CP_SCHEDULER,
};

static const char *const k8s_cp_names[] = { NULL, "kubelet", "kube-apiserver", "etcd", "kube-controller-manager",
	                                    "kube-scheduler" };

/* The flags of one container: "--name" -> value ("" for a bare flag). */
struct k8s_cp_flags {
	GHashTable *flags;   /* char * -> char *, owned */
	GHashTable *lines;   /* char * -> line, GUINT_TO_POINTER */
	enum k8s_cp_program program;
};

static enum k8s_cp_program k8s_cp_program_of(const char *word)
{
	const char *base = word != NULL ? strrchr(word, '/') : NULL;

	base = base != NULL ? base + 1 : word;
	for (size_t i = 1; base != NULL && i < G_N_ELEMENTS(k8s_cp_names); i++) {
		if (strcmp(base, k8s_cp_names[i]) == 0)
			return (enum k8s_cp_program)i;
	}
	return K8S_CP_NONE;
}

/* Adds one word of command/args: the program's name, or a flag. */
static void k8s_cp_word(struct k8s_cp_flags *f, const char *word, unsigned line, char **pending)
{
	const char *eq;

	if (f->program == K8S_CP_NONE) {
		f->program = k8s_cp_program_of(word);
		return;
	}
	if (*pending != NULL && word[0] != '-') {
		g_hash_table_replace(f->flags, g_steal_pointer(pending), g_strdup(word));
		return;
	}
	g_clear_pointer(pending, g_free);
	if (!g_str_has_prefix(word, "--"))
		return;
	eq = strchr(word, '=');
	if (eq == NULL) {
		g_hash_table_replace(f->flags, g_strdup(word), g_strdup(""));
		g_hash_table_replace(f->lines, g_strdup(word), GUINT_TO_POINTER(line));
		*pending = g_strdup(word);
		return;
	}
	g_hash_table_replace(f->flags, g_strndup(word, (gsize)(eq - word)), g_strdup(eq + 1));
	g_hash_table_replace(f->lines, g_strndup(word, (gsize)(eq - word)), GUINT_TO_POINTER(line));
}

/* The program an image runs (registry.k8s.io/etcd:3.5.9-0 runs etcd). */
static enum k8s_cp_program k8s_cp_image_program(const struct doc_node *container)
{
	const char *image = doc_scalar(doc_map_get(container, "image"));
	const char *slash = image != NULL ? strrchr(image, '/') : NULL;
	g_autofree char *base = g_strdup(slash != NULL ? slash + 1 : image);
	char *colon = base != NULL ? strchr(base, ':') : NULL;

	if (colon != NULL)
		*colon = '\0';
	return k8s_cp_program_of(base);
}

/* The words of command then args; a shell's "-c" script is split on
 * blanks. Without a program named in command, the image's runs args. */
static void k8s_cp_read_words(struct k8s_cp_flags *f, const struct doc_node *container)
{
	static const char *const keys[] = { "command", "args" };
	g_autofree char *pending = NULL;

	for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
		const struct doc_node *list = doc_map_get(container, keys[k]);

		if (k == 1 && f->program == K8S_CP_NONE)
			f->program = k8s_cp_image_program(container);
		for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++) {
			const char *word = doc_scalar(list->items[i]);
			g_auto(GStrv) parts = NULL;

			if (word == NULL)
				continue;
			parts = g_strsplit_set(word, " \t\n", -1);
			for (size_t j = 0; parts[j] != NULL; j++) {
				if (parts[j][0] != '\0' && strcmp(parts[j], "\\") != 0)
					k8s_cp_word(f, parts[j], list->items[i]->line, &pending);
			}
		}
	}
}

/* etcd also reads each flag from an environment variable (ETCD_CLIENT_CERT_AUTH
 * for --client-cert-auth); a flag on the command line wins. */
static void k8s_cp_read_env(struct k8s_cp_flags *f, const struct doc_node *container)
{
	const struct doc_node *env = doc_map_get(container, "env");

	for (size_t i = 0; f->program == K8S_CP_ETCD && env != NULL && env->kind == DOC_LIST && i < env->n; i++) {
		const char *name = doc_scalar(doc_map_get(env->items[i], "name"));
		const char *value = doc_scalar(doc_map_get(env->items[i], "value"));
		g_autofree char *flag = NULL;

		if (name == NULL || value == NULL || !g_str_has_prefix(name, "ETCD_") || name[5] == '\0')
			continue;
		flag = g_strconcat("--", name + 5, NULL);
		g_strdelimit(flag, "_", '-');
		for (char *p = flag; *p != '\0'; p++)
			*p = g_ascii_tolower(*p);
		if (g_hash_table_contains(f->flags, flag))
			continue;
		g_hash_table_replace(f->lines, g_strdup(flag), GUINT_TO_POINTER(env->items[i]->line));
		g_hash_table_replace(f->flags, g_steal_pointer(&flag), g_strdup(value));
	}
}

static const char *k8s_cp_get(const struct k8s_cp_flags *f, const char *flag)
{
	return g_hash_table_lookup(f->flags, flag);
}

static unsigned k8s_cp_line(const struct k8s_cp_flags *f, const char *flag, unsigned dflt)
{
	unsigned line = GPOINTER_TO_UINT(g_hash_table_lookup(f->lines, flag));

	return line != 0 ? line : dflt;
}

static bool k8s_cp_true(const char *v)
{
	return v != NULL && (v[0] == '\0' || g_ascii_strcasecmp(v, "true") == 0);
}

/* The image tag's minor version: "v1.27.3" and "1.19" give 27 and 19; -1 when none. */
static int k8s_cp_minor(const struct doc_node *container)
{
	const char *image = doc_scalar(doc_map_get(container, "image"));
	const char *colon = image != NULL ? strrchr(image, ':') : NULL;
	guint64 minor;
	const char *dot;

	if (colon == NULL || strchr(colon, '/') != NULL)
		return -1;
	colon += colon[1] == 'v' ? 2 : 1;
	if (strncmp(colon, "1.", 2) != 0)
		return -1;
	dot = colon + 2;
	if (!g_ascii_isdigit(dot[0]))
		return -1;
	minor = g_ascii_strtoull(dot, NULL, 10);
	return minor > 999 ? -1 : (int)minor;
}

/* A port rule from where the pod is reachable, or from the loopback it binds. */
static void k8s_cp_port_rule(struct resource *r, const char *name, unsigned line, unsigned port,
                             enum extract_bind bind, bool host_network)
{
	g_autoptr(srcset) src = srcset_new();

	if (port == 0 || bind == EXTRACT_BIND_NONE)
		return;
	if (bind == EXTRACT_BIND_LOOPBACK)
		srcset_add_cidr(src, "127.0.0.1/32", NULL);
	else
		srcset_add_atom(src, host_network ? K8S_CP_NODES : K8S_CP_CLUSTER);
	resource_add_rule(r, name, line, true, 0,
	                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, port, port, src));
}

static bool k8s_cp_port(const char *text, unsigned *out)
{
	guint64 v;

	if (text == NULL || !g_ascii_isdigit(text[0]) ||
	    !g_ascii_string_to_unsigned(text, 10, 0, EXPOSURE_PORT_MAX, &v, NULL))
		return false;
	*out = (unsigned)v;
	return true;
}

static void k8s_cp_setting(struct resource *r, const char *key, const char *value, const char *raw, unsigned line)
{
	resource_add_setting(r, key, value, raw, line);
}

static void k8s_cp_kubelet_flags(struct resource *r, const struct k8s_cp_flags *f, bool host_network)
{
	const char *anon = k8s_cp_get(f, "--anonymous-auth"), *mode = k8s_cp_get(f, "--authorization-mode");
	const char *ro = k8s_cp_get(f, "--read-only-port"), *addr = k8s_cp_get(f, "--address");
	bool from_file = k8s_cp_get(f, "--config") != NULL;
	g_autofree char *raw = NULL;
	unsigned port = 10255;
	bool off;

	if (from_file && (anon == NULL || mode == NULL || ro == NULL))
		resource_add_unknown(r, r->line, "kubelet %s: flags not written here come from its --config file, "
		                     "which is not read with it", r->name);
	if (!from_file || (anon != NULL && mode != NULL)) {
		off = (anon == NULL || k8s_cp_true(anon)) && (mode == NULL || strstr(mode, "AlwaysAllow") != NULL);
		raw = g_strdup_printf("--anonymous-auth=%s --authorization-mode=%s", anon != NULL ? anon : "true (default)",
		                      mode != NULL ? mode : "AlwaysAllow (default)");
		k8s_cp_setting(r, "auth", off ? "off" : "on", raw,
		               k8s_cp_line(f, anon != NULL ? "--anonymous-auth" : "--authorization-mode", 0));
	}
	if (addr != NULL || !from_file)
		k8s_cp_setting(r, "bind", extract_bind_names[extract_bind_address(addr != NULL ? addr : "0.0.0.0")],
		               addr != NULL ? addr : "--address 0.0.0.0 (default)", k8s_cp_line(f, "--address", 0));
	if (ro != NULL && !k8s_cp_port(ro, &port))
		resource_add_unknown(r, k8s_cp_line(f, "--read-only-port", r->line), "kubelet %s: --read-only-port "
		                     "is not a port", r->name);
	else if (ro != NULL || !from_file)
		k8s_cp_port_rule(r, "--read-only-port (no authentication)", k8s_cp_line(f, "--read-only-port", r->line),
		                 port, extract_bind_address(addr != NULL ? addr : "0.0.0.0"), host_network);
}

static void k8s_cp_apiserver_flags(struct resource *r, const struct k8s_cp_flags *f, int minor, bool host_network)
{
	const char *anon = k8s_cp_get(f, "--anonymous-auth"), *mode = k8s_cp_get(f, "--authorization-mode");
	const char *ip = k8s_cp_get(f, "--insecure-bind-address"), *port_text = k8s_cp_get(f, "--insecure-port");
	enum extract_bind bind = extract_bind_address(ip != NULL ? ip : "127.0.0.1");
	g_autofree char *raw = NULL;
	unsigned port = 0;
	bool off = (anon == NULL || k8s_cp_true(anon)) && (mode == NULL || strstr(mode, "AlwaysAllow") != NULL);

	if (port_text != NULL && !k8s_cp_port(port_text, &port)) {
		resource_add_unknown(r, k8s_cp_line(f, "--insecure-port", r->line), "kube-apiserver %s: "
		                     "--insecure-port is not a port", r->name);
	} else if (port_text == NULL && minor < 0) {
		resource_add_unknown(r, r->line, "kube-apiserver %s: --insecure-port is not written and the image "
		                     "names no version (its default was 8080 before 1.20, 0 after)", r->name);
	} else if (port_text == NULL) {
		port = minor < 20 ? 8080 : 0;
	}
	/* The insecure port asks for nothing, beyond the loopback. */
	off = off || (port != 0 && minor < 24 && bind != EXTRACT_BIND_LOOPBACK);
	raw = g_strdup_printf("--anonymous-auth=%s --authorization-mode=%s%s", anon != NULL ? anon : "true (default)",
	                      mode != NULL ? mode : "AlwaysAllow (default)",
	                      port != 0 && bind != EXTRACT_BIND_LOOPBACK ? " and an insecure port" : "");
	k8s_cp_setting(r, "auth", off ? "off" : "on", raw,
	               k8s_cp_line(f, anon != NULL ? "--anonymous-auth" : "--authorization-mode", 0));
	k8s_cp_port_rule(r, "--insecure-port (no authentication)", k8s_cp_line(f, "--insecure-port", r->line), port,
	                 bind, host_network);
}

static void k8s_cp_etcd_flags(struct resource *r, const struct k8s_cp_flags *f)
{
	const char *cert = k8s_cp_get(f, "--client-cert-auth");
	const char *urls = k8s_cp_get(f, "--listen-client-urls");
	g_autofree char *raw = g_strdup_printf("--client-cert-auth=%s", cert != NULL ? cert : "false (default)");
	g_auto(GStrv) list = g_strsplit(urls != NULL ? urls : "http://localhost:2379", ",", 64);
	enum extract_bind widest = EXTRACT_BIND_NONE;

	k8s_cp_setting(r, "auth", k8s_cp_true(cert) ? "on" : "off", raw, k8s_cp_line(f, "--client-cert-auth", 0));
	for (size_t i = 0; list[i] != NULL; i++) {
		const char *host = strstr(list[i], "://");
		g_autofree char *h = g_strdup(host != NULL ? host + 3 : list[i]);
		char *colon = strrchr(h, ':');

		if (colon != NULL && strchr(h, ']') == NULL)
			*colon = '\0';
		widest = MAX(widest, extract_bind_address(h));
	}
	k8s_cp_setting(r, "bind", extract_bind_names[widest], urls != NULL ? urls : "http://localhost:2379 (default)",
	               k8s_cp_line(f, "--listen-client-urls", 0));
}

/*
 * kube-controller-manager and kube-scheduler: the secure port (10257,
 * 10259) authenticates and authorizes each request through the API
 * server, except the --authorization-always-allow-paths (default /healthz,
 * /readyz, /livez): a "/" or a wildcard there lets anyone in. The deprecated
 * insecure port (--port, default 10252 and 10251, on --address, default
 * 0.0.0.0) asks for nothing; it served by default before 1.22, when
 * insecure serving was removed from both (kubernetes#96216, #96345): the
 * default depends on the version, taken from the image tag, else unknown.
 */
static bool k8s_cp_allow_all(const char *paths)
{
	g_auto(GStrv) list = g_strsplit(paths != NULL ? paths : "", ",", 64);

	for (size_t i = 0; list[i] != NULL; i++) {
		const char *p = g_strstrip(list[i]);

		if (strcmp(p, "/") == 0 || strcmp(p, "/*") == 0 || strcmp(p, "*") == 0)
			return true;
	}
	return false;
}

static void k8s_cp_manager_flags(struct resource *r, const struct k8s_cp_flags *f, int minor, bool host_network,
                                 unsigned insecure_dflt)
{
	const char *prog = r->kind, *bind = k8s_cp_get(f, "--bind-address"), *ip = k8s_cp_get(f, "--address");
	const char *port_text = k8s_cp_get(f, "--port"), *paths = k8s_cp_get(f, "--authorization-always-allow-paths");
	enum extract_bind insecure_bind = extract_bind_address(ip != NULL ? ip : "0.0.0.0");
	g_autofree char *raw = NULL;
	unsigned port = 0;
	bool off = k8s_cp_allow_all(paths);

	if (port_text != NULL && !k8s_cp_port(port_text, &port)) {
		resource_add_unknown(r, k8s_cp_line(f, "--port", r->line), "%s %s: --port is not a port", prog, r->name);
	} else if (port_text == NULL && minor < 0) {
		resource_add_unknown(r, r->line, "%s %s: --port is not written and the image names no version (its "
		                     "insecure port, %u, served by default before 1.22)", prog, r->name, insecure_dflt);
	} else if (port_text == NULL) {
		port = minor < 22 ? insecure_dflt : 0;
	}
	/* From 1.22 the insecure port is not served whatever --port says. */
	if (minor >= 22)
		port = 0;
	off = off || (port != 0 && insecure_bind != EXTRACT_BIND_LOOPBACK);
	raw = g_strdup_printf("--authorization-always-allow-paths=%s%s", paths != NULL ? paths : "/healthz,/readyz,/livez (default)",
	                      port != 0 && insecure_bind != EXTRACT_BIND_LOOPBACK ? " and an insecure port" : "");
	k8s_cp_setting(r, "auth", off ? "off" : "on", raw,
	               k8s_cp_line(f, paths != NULL ? "--authorization-always-allow-paths" : "--port", 0));
	k8s_cp_setting(r, "bind", extract_bind_names[extract_bind_address(bind != NULL ? bind : "0.0.0.0")],
	               bind != NULL ? bind : "--bind-address 0.0.0.0 (default)", k8s_cp_line(f, "--bind-address", 0));
	k8s_cp_port_rule(r, "--port (insecure, no authentication)", k8s_cp_line(f, "--port", r->line), port,
	                 insecure_bind, host_network);
}

void extract_k8s_cp_container(GPtrArray *found, const char *path, const char *workload, const char *name,
                              const struct doc_node *container, bool host_network)
{
	struct k8s_cp_flags f = {
		.flags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	};
	const char *cname = doc_scalar(doc_map_get(container, "name"));
	g_autofree char *identity = NULL, *display = NULL;
	struct resource *r;

	k8s_cp_read_words(&f, container);
	k8s_cp_read_env(&f, container);
	if (f.program != K8S_CP_NONE && cname != NULL && strchr(cname, '/') == NULL) {
		identity = g_strdup_printf("%s/%s", workload, cname);
		display = g_strdup_printf("%s %s", name, cname);
		r = resource_new(identity, k8s_cp_names[f.program], display, path, container->line, RESOURCE_UNION);
		g_ptr_array_add(found, r);
		if (f.program == K8S_CP_KUBELET)
			k8s_cp_kubelet_flags(r, &f, host_network);
		else if (f.program == K8S_CP_APISERVER)
			k8s_cp_apiserver_flags(r, &f, k8s_cp_minor(container), host_network);
		else if (f.program == K8S_CP_CONTROLLER_MANAGER)
			k8s_cp_manager_flags(r, &f, k8s_cp_minor(container), host_network, 10252);
		else if (f.program == K8S_CP_SCHEDULER)
			k8s_cp_manager_flags(r, &f, k8s_cp_minor(container), host_network, 10251);
		else
			k8s_cp_etcd_flags(r, &f);
	}
	g_hash_table_unref(f.flags);
	g_hash_table_unref(f.lines);
}

/* A scalar at a path of keys under root, and its line. */
static const struct doc_node *k8s_cp_at(const struct doc_node *root, const char *a, const char *b, const char *c)
{
	const struct doc_node *n = doc_map_get(root, a);

	if (b != NULL)
		n = doc_map_get(n, b);
	if (c != NULL)
		n = doc_map_get(n, c);
	return n;
}

void extract_k8s_kubelet_config(GPtrArray *found, const char *path, const struct doc_node *root)
{
	const struct doc_node *anon = k8s_cp_at(root, "authentication", "anonymous", "enabled");
	const struct doc_node *mode = k8s_cp_at(root, "authorization", "mode", NULL);
	const struct doc_node *ro = k8s_cp_at(root, "readOnlyPort", NULL, NULL);
	const struct doc_node *addr = k8s_cp_at(root, "address", NULL, NULL);
	/* One per repository, as a rule; several are told apart by file. */
	const char *identity = "k8s:KubeletConfiguration";
	struct resource *r = resource_new(identity, "kubelet", path, path, root->line, RESOURCE_UNION);
	const char *mode_text = doc_scalar(mode) != NULL ? doc_scalar(mode) : "Webhook";
	bool anon_on = k8s_cp_true(doc_scalar(anon)) && doc_scalar(anon)[0] != '\0';
	bool off = anon_on && strcmp(mode_text, "AlwaysAllow") == 0;
	g_autofree char *raw = g_strdup_printf("authentication.anonymous.enabled: %s, authorization.mode: %s",
	                                       anon_on ? "true" : "false", mode_text);
	unsigned port = 0;

	g_ptr_array_add(found, r);
	resource_add_setting(r, "auth", off ? "off" : "on", raw,
	                     anon != NULL ? anon->line : mode != NULL ? mode->line : 0);
	resource_add_setting(r, "bind", extract_bind_names[extract_bind_address(doc_scalar(addr) != NULL
	                                                                        ? doc_scalar(addr) : "0.0.0.0")],
	                     doc_scalar(addr) != NULL ? doc_scalar(addr) : "address 0.0.0.0 (default)",
	                     addr != NULL ? addr->line : 0);
	if (ro != NULL && !k8s_cp_port(doc_scalar(ro), &port)) {
		resource_add_unknown(r, ro->line, "KubeletConfiguration %s: readOnlyPort is not a port", path);
		return;
	}
	/* The configuration is every node's kubelet, on the host network. */
	k8s_cp_port_rule(r, "readOnlyPort (no authentication)", ro != NULL ? ro->line : r->line, port,
	                 extract_bind_address(doc_scalar(addr) != NULL ? doc_scalar(addr) : "0.0.0.0"), true);
}
