resource "aws_security_group_rule" "guarded" {
  type              = "ingress"
  from_port         = var.port
  to_port           = var.port
  protocol          = "tcp"
  cidr_blocks       = var.cidrs
  security_group_id = var.sg

  lifecycle {
    precondition {
      condition     = !contains(var.cidrs, "0.0.0.0/0")
      error_message = "No world access."
    }
    postcondition {
      condition     = self.from_port <= self.to_port
      error_message = "Bad range."
    }
  }
}
