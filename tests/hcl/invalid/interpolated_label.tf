# A label may not interpolate.
resource "a_${var.x}" "b" {}
