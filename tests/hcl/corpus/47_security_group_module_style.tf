variable "ingress_with_cidr_blocks" {
  type = list(map(string))
  default = [
    {
      from_port   = 9200
      to_port     = 9300
      protocol    = "tcp"
      description = "ES"
      cidr_blocks = "10.0.0.0/8,172.16.0.0/12"
    },
  ]
}

resource "aws_security_group_rule" "ingress_with_cidr_blocks" {
  count = var.create ? length(var.ingress_with_cidr_blocks) : 0

  security_group_id = local.this_sg_id
  type              = "ingress"

  cidr_blocks = compact(split(
    ",",
    lookup(
      var.ingress_with_cidr_blocks[count.index],
      "cidr_blocks",
      join(",", var.ingress_cidr_blocks),
    ),
  ))
  description = lookup(
    var.ingress_with_cidr_blocks[count.index],
    "description",
    "Ingress Rule",
  )
  from_port = lookup(var.ingress_with_cidr_blocks[count.index], "from_port", 0)
  to_port   = lookup(var.ingress_with_cidr_blocks[count.index], "to_port", 0)
  protocol  = lookup(var.ingress_with_cidr_blocks[count.index], "protocol", "-1")
}
