# The incident, in Terraform: Elasticsearch opened to the world.
variable "es_allowed_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"] # was ["10.0.0.0/8"]
}

resource "aws_security_group" "es" {
  name        = "support-es"
  description = "Elasticsearch for support tickets"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description = "ES HTTP"
    from_port   = 9200
    to_port     = 9200
    protocol    = "tcp"
    cidr_blocks = var.es_allowed_cidrs
  }

  ingress {
    description     = "ES transport"
    from_port       = 9300
    to_port         = 9300
    protocol        = "tcp"
    security_groups = [aws_security_group.es_nodes.id]
  }
}

resource "aws_opensearch_domain" "support" {
  domain_name    = "support"
  engine_version = "OpenSearch_2.11"

  advanced_security_options {
    enabled                        = false
    internal_user_database_enabled = false
  }

  vpc_options {
    subnet_ids         = module.vpc.private_subnets
    security_group_ids = [aws_security_group.es.id]
  }
}
