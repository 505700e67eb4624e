# Cases the random differential run found: strip markers that empty a
# literal keep the template a string, a stripped escape, conditionals and
# null inside templates.
locals {
  stripped_wrap   = " ${~ var.x}"
  stripped_escape = "${var.x ~}\n"
  cond_in_tmpl    = "a ${var.on ? "yes" : var.other} b"
  null_in_tmpl    = "${null} and ${var.x}"
  lone_cond       = "${var.on ? 1 : 2}"
}
