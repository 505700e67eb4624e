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
};

const struct extract_format_info *extract_formats(size_t *n_out)
{
	*n_out = G_N_ELEMENTS(extract_format_table);
	return extract_format_table;
}
