resource "aws_security_group" "lc" {
  name_prefix = "lc-"

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [description, tags["Updated"]]
    prevent_destroy       = false
  }

  timeouts {
    create = "5m"
    delete = "10m"
  }
}
