/*
 * extract_compose.c - docker-compose files: which ports each service
 * publishes on the host, and to whom.
 *
 * Follows the Compose Specification, "ports" (short and long syntax) and
 * "network_mode":
 * - Short syntax [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], ports
 *   and ranges ("9000-9010:9000-9010"), IPv6 host addresses in brackets.
 *   Long syntax: target, published, host_ip, protocol.
 * - The port modelled is the one on the host, where clients connect. No
 *   published port means Docker picks one from the ephemeral range
 *   (32768-60999, Linux's ip_local_port_range default).
 * - Sources: the host's own firewall is not in the repository, so a port
 *   on all interfaces is reachable from every address: 0.0.0.0/0 and ::/0
 *   with no host_ip, 0.0.0.0/0 for an IPv4 host_ip (Docker binds only
 *   that family), ::/0 for an IPv6 one; a loopback host_ip is just that
 *   address.
 * - network_mode: host puts the service in the host's network stack: every
 *   port it listens on is on every interface, and which ports that is
 *   lives in the program, not in this file. It is modelled as every
 *   protocol and port from every address (an upper bound, not a guess;
 *   its published ports are ignored by Docker in that mode).
 * - A value interpolated from the environment ("${PORT}") is an unknown,
 *   and so is a port that cannot be read (left out, the rest read).
 * Identity: compose:PROJECT:SERVICE, never the file's name, so renaming
 * compose.yaml to docker-compose.yml or moving it changes nothing. The
 * project is Compose's own: the top-level "name", else the basename of the
 * file's directory ("." at the top of the repository), lowercased and
 * kept to [a-z0-9_-] as Compose normalises it. A name that interpolates
 * the environment ("${STACK}") is not used, since identity must not
 * depend on a value driftwatch cannot know.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"

#define COMPOSE_KIND "Compose service"
#define COMPOSE_EPHEMERAL_LO 32768u
#define COMPOSE_EPHEMERAL_HI 60999u

struct compose_ctx {
	const struct doc *d;
	struct resource *r;      /* the service being read; borrowed from found */
	const char *service;
	size_t rules;            /* rules added, for the file limit */
	struct dw_problems problems;
};

/* One published port, as read from either syntax. */
struct compose_port {
	const char *host_ip;     /* NULL: all interfaces */
	unsigned lo, hi;         /* host ports */
	unsigned tlo, thi;       /* container ports */
	unsigned proto;
};

/* A malformed port: an unknown of the service, and the port is left out;
 * the other ports and services are still read (one unreadable value must
 * not hide a world-open port beside it). */
static void compose_port_bad(struct compose_ctx *c, unsigned line, const char *what)
{
	resource_add_unknown(c->r, line, "service %s: a port cannot be read: %s", c->service, what);
}

static void compose_bad(struct compose_ctx *c, unsigned line, const char *what, const char *text)
{
	g_autofree char *quoted = extract_quote(text);
	g_autofree char *msg = g_strdup_printf("%s, got \"%s\"", what, quoted);

	compose_port_bad(c, line, msg);
}

/* A port 0..65535 or range "a-b" into lo..hi, whole string. */
static bool compose_range(const char *text, unsigned *lo, unsigned *hi)
{
	const char *dash = strchr(text, '-');
	g_autofree char *first = dash != NULL ? g_strndup(text, (gsize)(dash - text)) : g_strdup(text);
	guint64 a, b;

	if (!g_ascii_isdigit(first[0]) || !g_ascii_string_to_unsigned(first, 10, 0, EXPOSURE_PORT_MAX, &a, NULL))
		return false;
	b = a;
	if (dash != NULL && (!g_ascii_isdigit(dash[1]) ||
	                     !g_ascii_string_to_unsigned(dash + 1, 10, 0, EXPOSURE_PORT_MAX, &b, NULL) || b < a))
		return false;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return true;
}

static bool compose_protocol(const char *text, unsigned *out)
{
	if (text == NULL || g_ascii_strcasecmp(text, "tcp") == 0)
		*out = EXPOSURE_PROTO_TCP;
	else if (g_ascii_strcasecmp(text, "udp") == 0)
		*out = EXPOSURE_PROTO_UDP;
	else if (g_ascii_strcasecmp(text, "sctp") == 0)
		*out = EXPOSURE_PROTO_SCTP;
	else
		return false;
	return true;
}

/* The sources a host address admits; NULL when it is not an address. */
static srcset *compose_sources(const char *host_ip)
{
	srcset *src = srcset_new();
	bool v6 = host_ip != NULL && strchr(host_ip, ':') != NULL;

	if (host_ip == NULL || host_ip[0] == '\0') {
		srcset_add_all_addresses(src);
		return src;
	}
	if (strchr(host_ip, '/') != NULL || !srcset_add_cidr(src, host_ip, NULL)) {
		srcset_free(src);
		return NULL;
	}
	if (g_str_has_prefix(host_ip, "127.") || strcmp(host_ip, "::1") == 0)
		return src;
	srcset_free(src);
	src = srcset_new();
	if (!srcset_add_cidr(src, v6 ? "::/0" : "0.0.0.0/0", NULL))
		g_assert_not_reached();
	return src;
}

static void compose_add(struct compose_ctx *c, const struct compose_port *p, unsigned line,
                        const char *text)
{
	g_autoptr(srcset) src = compose_sources(p->host_ip);

	if (src == NULL) {
		compose_bad(c, line, "expected an IP address for the host", p->host_ip);
		return;
	}
	/* Past the limits extract_file() refuses the file; build no more. */
	if (c->r->rules->len > DW_LIMIT_RULES || c->rules++ > DW_LIMIT_FILE_RULES)
		return;
	resource_add_rule(c->r, text, line, true, 0, exposure_new_box(p->proto, p->proto, p->lo, p->hi, src));
	/* "80:9200" serves Elasticsearch on port 80. */
	if (p->tlo != p->lo || p->thi != p->hi)
		resource_set_target(c->r, p->tlo, p->thi);
}

static bool compose_interpolated(struct compose_ctx *c, const char *text, unsigned line)
{
	g_autofree char *quoted = NULL;

	if (strchr(text, '$') == NULL)
		return false;
	quoted = extract_quote(text);
	resource_add_unknown(c->r, line, "service %s: port \"%s\" is interpolated from the environment",
	                     c->service, quoted);
	return true;
}

/* [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL] */
static void compose_short(struct compose_ctx *c, const char *text, unsigned line)
{
	g_autofree char *s = g_strdup(text);
	g_autofree char *ip = NULL;
	char *slash = strrchr(s, '/'), *rest = s, *last;
	struct compose_port p = { 0 };
	unsigned clo, chi;

	if (compose_interpolated(c, text, line))
		return;
	if (slash != NULL)
		*slash = '\0';
	if (!compose_protocol(slash != NULL ? slash + 1 : NULL, &p.proto)) {
		compose_bad(c, line, "expected protocol tcp, udp or sctp", text);
		return;
	}
	if (rest[0] == '[') {
		char *close = strchr(rest, ']');

		if (close == NULL || close[1] != ':') {
			compose_bad(c, line, "expected [IPv6]:HOST:CONTAINER", text);
			return;
		}
		ip = g_strndup(rest + 1, (gsize)(close - rest - 1));
		rest = close + 2;
	}
	last = strrchr(rest, ':');
	if (!compose_range(last != NULL ? last + 1 : rest, &clo, &chi)) {
		compose_bad(c, line, "expected a container port or range", text);
		return;
	}
	p.lo = COMPOSE_EPHEMERAL_LO;
	p.hi = COMPOSE_EPHEMERAL_HI;
	if (last != NULL) {
		char *host;

		*last = '\0';
		host = strrchr(rest, ':');
		if (host != NULL) {
			if (ip != NULL) {
				compose_bad(c, line, "expected HOST_IP:HOST:CONTAINER", text);
				return;
			}
			*host = '\0';
			ip = g_strdup(rest);
			host++;
		} else {
			host = rest;
		}
		if (ip != NULL && strchr(ip, ':') != NULL && text[0] != '[') {
			compose_bad(c, line, "expected an IPv6 host address in brackets", text);
			return;
		}
		if (host[0] != '\0' && !compose_range(host, &p.lo, &p.hi)) {
			compose_bad(c, line, "expected a host port or range", text);
			return;
		}
	}
	p.host_ip = ip;
	p.tlo = clo;
	p.thi = chi;
	compose_add(c, &p, line, text);
}

/* {target, published, host_ip, protocol, mode} */
static void compose_long(struct compose_ctx *c, const struct doc_node *n)
{
	const struct doc_node *target = doc_map_get(n, "target");
	const struct doc_node *published = doc_map_get(n, "published");
	const char *proto = doc_scalar(doc_map_get(n, "protocol"));
	struct compose_port p = { .host_ip = doc_scalar(doc_map_get(n, "host_ip")),
	                          .lo = COMPOSE_EPHEMERAL_LO, .hi = COMPOSE_EPHEMERAL_HI };
	unsigned tlo, thi;

	if (doc_scalar(target) == NULL) {
		compose_port_bad(c, n->line, "port has no target");
		return;
	}
	if (compose_interpolated(c, doc_scalar(target), target->line) ||
	    (doc_scalar(published) != NULL && compose_interpolated(c, doc_scalar(published), published->line)) ||
	    (p.host_ip != NULL && compose_interpolated(c, p.host_ip, n->line)))
		return;
	if (!compose_range(doc_scalar(target), &tlo, &thi)) {
		compose_bad(c, target->line, "expected a target port", doc_scalar(target));
		return;
	}
	if (!compose_protocol(proto, &p.proto)) {
		compose_bad(c, n->line, "expected protocol tcp, udp or sctp", proto);
		return;
	}
	if (published != NULL && published->kind != DOC_NULL &&
	    (doc_scalar(published) == NULL || !compose_range(doc_scalar(published), &p.lo, &p.hi))) {
		compose_bad(c, published->line, "expected a published port or range",
		            doc_scalar(published) != NULL ? doc_scalar(published) : "(not a scalar)");
		return;
	}
	p.tlo = tlo;
	p.thi = thi;
	compose_add(c, &p, n->line, NULL);
}

static void compose_service(struct compose_ctx *c, const struct doc_node *svc)
{
	const struct doc_node *ports = doc_map_get(svc, "ports");
	const char *mode = doc_scalar(doc_map_get(svc, "network_mode"));

	if (mode != NULL && strcmp(mode, "host") == 0) {
		g_autoptr(srcset) all = srcset_new();

		srcset_add_all_addresses(all);
		resource_add_rule(c->r, "network_mode: host", doc_map_get(svc, "network_mode")->line, true, 0,
		                  exposure_new_box(0, EXPOSURE_PROTO_MAX, 0, EXPOSURE_PORT_MAX, all));
		return;
	}
	if (ports == NULL || ports->kind == DOC_NULL)
		return;
	if (ports->kind != DOC_LIST) {
		compose_port_bad(c, ports->line, "expected a list for ports");
		return;
	}
	for (size_t i = 0; i < ports->n; i++) {
		const struct doc_node *p = ports->items[i];

		if (doc_scalar(p) != NULL)
			compose_short(c, doc_scalar(p), p->line);
		else if (p->kind == DOC_MAP)
			compose_long(c, p);
		else
			compose_port_bad(c, p->line, "expected a port string or map");
	}
}

bool extract_compose_shape(const struct doc *d)
{
	bool publishes = false;

	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *services = doc_map_get(g_ptr_array_index(d->roots, i), "services");

		if (services == NULL || services->kind != DOC_MAP || services->n == 0)
			return false;
		for (size_t j = 0; j < services->n; j++) {
			const struct doc_node *svc = services->pairs[j].value;

			if (doc_map_get(svc, "image") == NULL && doc_map_get(svc, "build") == NULL)
				return false;
			publishes |= doc_map_get(svc, "ports") != NULL ||
			             doc_map_get(svc, "network_mode") != NULL;
		}
	}
	return publishes;
}

/* Compose's project name normalisation: lowercase, only [a-z0-9_-]. */
static char *compose_project_normalise(const char *name)
{
	GString *out = g_string_new(NULL);

	for (const char *p = name; *p; p++) {
		char ch = g_ascii_tolower(*p);

		if (g_ascii_isalnum(ch) || ch == '_' || ch == '-')
			g_string_append_c(out, ch);
	}
	return g_string_free(out, FALSE);
}

/* The project of a compose file: its "name", else its directory's basename. New string. */
static char *compose_project(const struct doc *d, const struct doc_node *root)
{
	const char *name = doc_scalar(doc_map_get(root, "name"));
	g_autofree char *dir = NULL;
	const char *slash;
	char *project;

	if (name != NULL && strchr(name, '$') == NULL) {
		project = compose_project_normalise(name);
		if (*project)
			return project;
		g_free(project);
	}
	slash = strrchr(d->path, '/');
	if (slash == NULL)
		return g_strdup(".");
	dir = g_strndup(d->path, (gsize)(slash - d->path));
	slash = strrchr(dir, '/');
	project = compose_project_normalise(slash ? slash + 1 : dir);
	if (*project)
		return project;
	g_free(project);
	return g_strdup(".");
}

bool extract_compose(GPtrArray *out, const struct doc *d, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct compose_ctx c = { .d = d };

	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);
	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = g_ptr_array_index(d->roots, i);
		const struct doc_node *services = doc_map_get(root, "services");
		g_autofree char *project = NULL;

		if (root->kind == DOC_NULL)
			continue;
		if (root->kind != DOC_MAP) {
			dw_problems_add(&c.problems, root->line, "expected a map with services");
			continue;
		}
		if (services == NULL || services->kind == DOC_NULL)
			continue;
		if (services->kind != DOC_MAP) {
			dw_problems_add(&c.problems, services->line, "expected a map for services");
			continue;
		}
		for (size_t j = 0; j < services->n; j++) {
			const struct doc_pair *p = &services->pairs[j];
			g_autofree char *identity = NULL;

			c.service = doc_scalar(p->key);
			if (c.service == NULL || (p->value->kind != DOC_MAP && p->value->kind != DOC_NULL)) {
				dw_problems_add(&c.problems, p->key->line,
				                "expected a service name and its map");
				continue;
			}
			if (project == NULL)
				project = compose_project(d, root);
			identity = g_strdup_printf("compose:%s:%s", project, c.service);
			c.r = resource_new(identity, COMPOSE_KIND, c.service, d->path, p->key->line, RESOURCE_UNION);
			g_ptr_array_add(found, c.r);
			compose_service(&c, p->value);
		}
	}
	return extract_finish(out, found, &c.problems, error);
}
