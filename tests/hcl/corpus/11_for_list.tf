locals {
  upper_names = [for s in var.names : upper(s)]
  filtered    = [for s in var.names : s if s != ""]
  indexed     = [for i, v in var.list : "${i}:${v}"]
  nested      = [for x in [for y in var.ys : y * 2] : x + 1]
  ports       = [for r in var.rules : r.port if r.enabled && r.port > 0]
}
