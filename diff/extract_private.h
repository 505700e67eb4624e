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
 * tag (atom "azure-tag:NAME"); false when it is none of these. */
bool arm_source_add(srcset *src, const char *text);
/* Azure's default inbound rules (65000-65500), which every NSG has. */
void arm_add_default_rules(struct resource *r);

#endif
