resource "aws_security_group" "sl" {
  ingress { from_port = 22 }
  egress {}
  timeouts { create = "1m" }
}

locals { x = 1 }
terraform {}
data "aws_caller_identity" "current" {}
