resource "aws_security_group" "a" { name = "a" }
resource "aws_security_group" "b" { name = "b" }
resource "aws_security_group" "c" {
  name = "c"
}
resource "aws_instance" "a" {
  vpc_security_group_ids = [
    aws_security_group.a.id,
    aws_security_group.b.id,
    aws_security_group.c.id,
  ]
}
