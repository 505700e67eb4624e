# hash comment
// double-slash comment
/* block comment */
/*
 * multi-line block comment
 */
resource "aws_security_group" "c" { # trailing hash
  name = "c" // trailing slashes
  /* before */ description = "d" /* after */
  ingress {
    from_port = 22 # the port
    to_port   = 22
    protocol  = "tcp"
    cidr_blocks = [
      "10.0.0.0/8", # office
      // "0.0.0.0/0",
      /* "1.2.3.4/32", */
      "192.168.0.0/16",
    ]
  }
}
