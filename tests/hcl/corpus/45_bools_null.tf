resource "aws_security_group" "b" {
  revoke_rules_on_delete = true
  name                   = null
  description            = false ? "x" : null
  tags                   = var.tags != null ? var.tags : {}
}
