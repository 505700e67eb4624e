resource "aws_security_group" "v6" {
  name = "v6"

  ingress {
    from_port        = 80
    to_port          = 80
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0", "2001:db8::/32"]
  }

  ingress {
    from_port       = 0
    to_port         = 65535
    protocol        = "-1"
    self            = true
    security_groups = [aws_security_group.lb.id, "sg-0123456789abcdef0"]
    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]
  }
}
