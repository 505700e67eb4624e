// Separate rule resources joined to their group.
resource "aws_security_group" "es" {
  name   = "es"
  vpc_id = var.vpc_id
}

resource "aws_security_group_rule" "es_http" {
  type              = "ingress"
  from_port         = 9200
  to_port           = 9200
  protocol          = "tcp"
  cidr_blocks       = [var.admin_cidr]
  security_group_id = aws_security_group.es.id
}

resource "aws_security_group_rule" "es_transport" {
  type                     = "ingress"
  from_port                = 9300
  to_port                  = 9300
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.es.id
  security_group_id        = aws_security_group.es.id
}
