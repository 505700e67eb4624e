locals {
  size = (
    var.env == "prod" ? "large" :
    var.env == "staging" ? "medium" :
    "small"
  )
  cidr = var.public ? "0.0.0.0/0" : var.vpn ? "172.16.0.0/12" : "10.0.0.0/8"
  safe = var.x != null ? var.x : try(var.y, null) != null ? var.y : "default"
  bool = (var.a && var.b) || (!var.c && var.d)
}
