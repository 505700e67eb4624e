/*
 * extract_formats.c - what driftwatch recognises, as data: one row per
 * format, with the files it reads, how a file is told to be one, and the
 * resources and identities it yields. `driftwatch formats` prints it; keep
 * it in step with extract.c's dispatch.
 */
#include "extract.h"

static const struct extract_format_info extract_format_table[] = {
	{ "Azure ARM template", "*.json, *.template",
	  "contains Microsoft.Network/networkSecurityGroups",
	  "networkSecurityGroups with securityRules, standalone .../securityRules "
	  "(first match by priority, Azure's default rules); parameters()/variables() defaults",
	  "azure-nsg:NAME" },
	{ "AWS CloudFormation", "*.json, *.yml, *.yaml, *.template",
	  "contains AWS::EC2::SecurityGroup",
	  "AWS::EC2::SecurityGroup ingress, AWS::EC2::SecurityGroupIngress joined to its group "
	  "(union of allows); !Ref/!GetAtt, parameter defaults",
	  "aws-sg:LOGICAL-ID" },
	{ "Elasticsearch / OpenSearch", "elasticsearch.yml, opensearch.yml", "by name",
	  "security on/off, bind address (flat or nested keys)", "elasticsearch:DIR" },
	{ "Terraform", "*.tf, *.tfvars (a directory is one module, read whole)", "by name",
	  "aws_security_group (+ _rule, aws_vpc_security_group_ingress_rule), "
	  "aws_default_security_group, aws_db_security_group, aws_network_acl "
	  "(+ _rule, aws_default_network_acl), azurerm_network_security_group (+ azurerm_network_security_rule), "
	  "google_compute_firewall (per network), Azure SQL/PostgreSQL/MySQL/MariaDB/Redis firewall "
	  "rules, Cloud SQL authorized_networks, EKS/AKS/GKE API endpoints, kubernetes_* objects as "
	  "manifests, publicly_accessible (RDS, Neptune, Redshift, MQ, DMS), MSK public access, open "
	  "Elasticsearch/OpenSearch domain policies, aws_s3_bucket_public_access_block, azurerm "
	  "public_network_access_enabled (provider default); local module calls followed; "
	  "variables from defaults and tfvars, locals, concat, flatten, tolist, toset, cidrsubnet; "
	  "anything else, and network-like types not read, an explicit unknown",
	  "tf:DIR:TYPE.NAME, tf:DIR:module.NAME.TYPE.NAME" },
	{ "Kubernetes manifests", "*.yml, *.yaml, *.json",
	  "contains both apiVersion and kind; a Helm template ({{ }}) is reported as not analysable",
	  "Service (type, ports, loadBalancerSourceRanges, externalIPs), NetworkPolicy (union of its "
	  "ingress rules for the pods it selects), Ingress backends, hostPort and hostNetwork of "
	  "pods and workloads",
	  "k8s:KIND/NAMESPACE/NAME" },
	{ "docker-compose", "compose.y(a)ml, docker-compose*.y(a)ml; any *.yml/*.yaml by its shape",
	  "by name, or a top-level services: map whose every service has image or build and "
	  "some service publishes ports (a swarm stack.yml)",
	  "published ports, short and long syntax (host IP, ranges, /udp), network_mode: host",
	  "compose:FILE:SERVICE" },
	{ "Redis", "redis.conf", "by name",
	  "bind, protected-mode, requirepass (Redis's own quoting); ACLs are unknowns",
	  "redis:DIR" },
	{ "MongoDB", "mongod.conf (YAML)", "by name",
	  "net.bindIp / net.bindIpAll, security.authorization (keyFile turns it on)", "mongodb:DIR" },
	{ "PostgreSQL", "postgresql.conf", "by name", "listen_addresses", "postgresql:DIR" },
	{ "PostgreSQL client authentication", "pg_hba.conf", "by name",
	  "host lines as a first-match rule list over tcp/5432 per database and user; trust as "
	  "authentication off; include and @file are unknowns",
	  "pg_hba:DIR:DB/USER" },
	{ "OpenSSH server", "sshd_config", "by name",
	  "PasswordAuthentication, PermitRootLogin, ListenAddress (first value wins; Match blocks)",
	  "sshd:DIR" },
	{ "Kibana", "kibana.yml", "by name", "server.host, and the Elasticsearch settings",
	  "kibana:DIR" },
};

const struct extract_format_info *extract_formats(size_t *n_out)
{
	*n_out = G_N_ELEMENTS(extract_format_table);
	return extract_format_table;
}
