locals {
  allowed = distinct(flatten([
    for env, cfg in var.environments : [
      for cidr in cfg.cidrs : {
        env  = env
        cidr = cidr
        port = lookup(cfg, "port", 443)
      } if cfg.enabled && !contains(var.blocked, cidr)
    ]
  ]))
  keyed = {
    for item in local.allowed :
    "${item.env}-${replace(item.cidr, "/", "_")}" => item
  }
}
