locals {
  cidr_sub   = cidrsubnet(var.vpc_cidr, 8, 1)
  joined     = join(",", var.list)
  merged     = merge(var.a, var.b, { extra = true })
  lookup_val = lookup(var.map, "key", "default")
  expanded   = concat(var.lists...)
  nested     = upper(lower(trimspace(var.s)))
  no_args    = timestamp()
  multiline = coalesce(
    var.x,
    var.y,
    "z",
  )
  jsonenc = jsonencode({
    a = 1
    b = [1, 2]
  })
}
