# Terraform 0.11 style: quoted types, every reference interpolated, a list
# variable interpolated into a list literal (0.11 flattened it).
variable "admin_cidrs" {
  type    = "list"
  default = ["203.0.113.0/24"]
}

resource "aws_security_group" "admin" {
  name   = "admin-${var.env}"
  vpc_id = "${var.vpc_id}"

  ingress {
    from_port       = "22"
    to_port         = "22"
    protocol        = "tcp"
    cidr_blocks     = ["${var.admin_cidrs}"]
    security_groups = ["${aws_security_group.bastion.id}", "${element(var.extra_groups, 0)}"]
  }

  tags = "${merge(var.tags, map("Name", "admin"))}"
}
