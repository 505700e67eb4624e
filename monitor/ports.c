/*
 * ports.c - names of well-known services, for notifications: "tcp/22"
 * means little at a glance, "tcp/22 (SSH)" says what is open.
 *
 * The rule pack's "sensitive" list names only the ports whose exposure is
 * critical; this table names the common ones a person recognises,
 * after IANA's Service Name and Transport Protocol Port Number Registry.
 */
#include "monitor_private.h"

#include <string.h>

struct port_name {
	const char *proto; /* "tcp", "udp" */
	unsigned port;
	const char *name;
};

static const struct port_name port_names[] = {
	{ "tcp", 20, "FTP data" },      { "tcp", 21, "FTP" },
	{ "tcp", 22, "SSH" },           { "tcp", 23, "Telnet" },
	{ "tcp", 25, "SMTP" },          { "tcp", 53, "DNS" },
	{ "udp", 53, "DNS" },           { "udp", 69, "TFTP" },
	{ "tcp", 80, "HTTP" },          { "tcp", 110, "POP3" },
	{ "udp", 123, "NTP" },          { "tcp", 135, "MS RPC" },
	{ "tcp", 139, "NetBIOS" },      { "tcp", 143, "IMAP" },
	{ "udp", 161, "SNMP" },         { "tcp", 389, "LDAP" },
	{ "tcp", 443, "HTTPS" },        { "tcp", 445, "SMB" },
	{ "tcp", 465, "SMTPS" },        { "tcp", 587, "SMTP submission" },
	{ "tcp", 636, "LDAPS" },        { "tcp", 873, "rsync" },
	{ "tcp", 993, "IMAPS" },        { "tcp", 995, "POP3S" },
	{ "tcp", 1433, "SQL Server" },  { "tcp", 1521, "Oracle" },
	{ "tcp", 2049, "NFS" },         { "tcp", 2375, "Docker" },
	{ "tcp", 2376, "Docker TLS" },  { "tcp", 2379, "etcd" },
	{ "tcp", 3306, "MySQL" },       { "tcp", 3389, "RDP" },
	{ "tcp", 5432, "PostgreSQL" },  { "tcp", 5601, "Kibana" },
	{ "tcp", 5672, "AMQP" },        { "tcp", 5900, "VNC" },
	{ "tcp", 5984, "CouchDB" },     { "tcp", 6379, "Redis" },
	{ "tcp", 6443, "Kubernetes API" }, { "tcp", 8080, "HTTP alt" },
	{ "tcp", 8443, "HTTPS alt" },   { "tcp", 9042, "Cassandra" },
	{ "tcp", 9200, "Elasticsearch" }, { "tcp", 9300, "Elasticsearch transport" },
	{ "tcp", 10250, "kubelet" },    { "tcp", 11211, "Memcached" },
	{ "udp", 11211, "Memcached" },  { "tcp", 27017, "MongoDB" },
};

const char *port_service_name(const char *proto, unsigned port)
{
	for (size_t i = 0; i < G_N_ELEMENTS(port_names); i++)
		if (port_names[i].port == port && strcmp(port_names[i].proto, proto) == 0)
			return port_names[i].name;
	return NULL;
}

/* Appends one "proto/a,b-c" token with each named single port as "a (NAME)", unless context names it. */
static void port_annotate_token(GString *out, const char *token, const char *context)
{
	const char *slash = strchr(token, '/');
	g_autofree char *proto = slash ? g_strndup(token, (gsize)(slash - token)) : NULL;
	g_auto(GStrv) parts = NULL;

	if (!slash) {
		g_string_append(out, token);
		return;
	}
	g_string_append_len(out, token, slash - token + 1);
	parts = g_strsplit(slash + 1, ",", -1);
	for (char **p = parts; *p; p++) {
		char *end = NULL;
		guint64 port = g_ascii_strtoull(*p, &end, 10);
		const char *name = end && end != *p && *end == '\0' && port <= 65535
		                           ? port_service_name(proto, (unsigned)port)
		                           : NULL;

		g_string_append_printf(out, "%s%s", p == parts ? "" : ",", *p);
		if (name && !(context && strstr(context, name)))
			g_string_append_printf(out, " (%s)", name);
	}
}

char *port_annotate(const char *set, const char *context)
{
	GString *out = g_string_new(NULL);
	g_auto(GStrv) tokens = g_strsplit(set ? set : "", " ", -1);

	for (char **t = tokens; *t; t++) {
		if (t != tokens)
			g_string_append_c(out, ' ');
		port_annotate_token(out, *t, context);
	}
	return g_string_free(out, FALSE);
}

struct port_list_walk {
	unsigned proto;
	GString *out;
	unsigned n;          /* intervals printed for proto */
	unsigned lo, hi;     /* the interval being merged, when n > 0 */
	bool open;
};

static void port_list_flush(struct port_list_walk *w)
{
	if (!w->open)
		return;
	if (w->n++ == 0)
		g_string_append_printf(w->out, "%s%s/", w->out->len ? " " : "",
		                       exposure_proto_name(w->proto));
	else
		g_string_append_c(w->out, ',');
	if (w->lo == w->hi)
		g_string_append_printf(w->out, "%u", w->lo);
	else
		g_string_append_printf(w->out, "%u-%u", w->lo, w->hi);
	w->open = false;
}

/* Canonical boxes come by protocol run, then port: one protocol's ports in order. */
static void port_list_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                          const srcset *src, void *user_data)
{
	struct port_list_walk *w = user_data;

	if (w->proto < proto_lo || w->proto > proto_hi)
		return;
	if (w->open && port_lo <= w->hi + 1u) {
		w->hi = MAX(w->hi, port_hi);
		return;
	}
	port_list_flush(w);
	w->lo = port_lo;
	w->hi = port_hi;
	w->open = true;
}

char *port_list(const exposure *set)
{
	static const unsigned protos[] = {
		EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_UDP, EXPOSURE_PROTO_SCTP,
	};
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(protos); i++) {
		struct port_list_walk w = { protos[i], out, 0, 0, 0, false };

		exposure_foreach(set, port_list_box, &w);
		port_list_flush(&w);
	}
	return g_string_free(out, FALSE);
}
