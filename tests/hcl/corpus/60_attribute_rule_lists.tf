# Rules as attributes ("attributes as blocks"), unquoted and negated numbers.
resource "aws_security_group" "legacy" {
  ingress = [
    {
      description      = "all from the vpn"
      from_port        = 0
      to_port          = 0
      protocol         = -1
      cidr_blocks      = ["10.8.0.0/16"]
      ipv6_cidr_blocks = []
      prefix_list_ids  = []
      security_groups  = []
      self             = false
    },
    { from_port = -(-443), to_port = 443, protocol = "tcp", cidr_blocks = ["0.0.0.0/0"], self = null },
  ]
}

resource "aws_network_acl" "edge" {
  ingress = [{ rule_no = 100, action = "allow", protocol = -1, from_port = 0, to_port = 0, cidr_block = "0.0.0.0/0" }]
}
