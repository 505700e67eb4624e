locals {
  port    = try(var.config.port, 9200)
  cidrs   = try(tolist(var.config.cidrs), [var.config.cidrs], [])
  valid   = can(cidrhost(var.cidr, 0))
  version = try(regex("^v([0-9]+)", var.tag)[0], "0")
}
