locals {
  arith   = 1 + 2 * 3 - 4 / 2 % 3
  compare = var.a < var.b && var.c >= 10 || var.d == "x"
  neq     = var.a != var.b
  not     = !var.enabled
  neg     = -var.x
  negnum  = -42
  notlit  = !false
  paren   = (var.a + var.b) * var.c
  chain   = var.a || var.b || var.c && !var.d
  le      = var.x <= 3
  gt      = var.y > 4
}
