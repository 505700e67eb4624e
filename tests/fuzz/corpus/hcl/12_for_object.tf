locals {
  by_name  = {for r in var.rules : r.name => r}
  grouped  = {for r in var.rules : r.zone => r.cidr...}
  filtered = {for k, v in var.m : k => v if v != null}
  inverted = {for k, v in var.m : v => k}
  multi = {
    for k, v in var.m :
    upper(k) => lower(v)
    if length(v) > 0
  }
}
