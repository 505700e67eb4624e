resource "aws_security_group_rule" "maybe" {
  count             = var.enabled ? 1 : 0
  type              = "ingress"
  from_port         = var.public ? 443 : 8443
  to_port           = var.public ? 443 : 8443
  protocol          = "tcp"
  cidr_blocks       = var.public ? ["0.0.0.0/0"] : [var.admin_cidr]
  security_group_id = var.sg_id != "" ? var.sg_id : aws_security_group.default[0].id
  description       = var.a ? var.b ? "both" : "a only" : "not a"
}
