locals {
  by_number   = var.list[0]
  by_string   = var.map["key"]
  by_var      = var.map[var.key]
  by_expr     = var.list[length(var.list) - 1]
  chained     = var.a[0][1]["x"].y
  on_call     = split(",", var.s)[0]
  on_tuple    = [1, 2, 3][1]
  on_object   = { a = 1 }["a"]
  on_paren    = (var.a)[0]
  on_for      = [for x in var.l : x][0]
  splat_attr  = var.objs.*.id
  splat_full  = var.objs[*].tags["Name"]
  splat_chain = var.objs[*].a.b.c
  legacy      = var.list.0.name
}
