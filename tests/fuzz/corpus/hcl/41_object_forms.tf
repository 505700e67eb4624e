locals {
  colon_keys = { "a": 1, "b": 2 }
  mixed_seps = {
    a = 1, b = 2
    c = 3,
    d = 4
  }
  paren_key    = { (var.key) = "v", (local.k2) = "w" }
  template_key = { "${var.prefix}-a" = 1 }
  number_key   = { 1 = "one", 2.5 = "two and a half" }
  keyword_keys = { true = 1, null = 2, for = 3, if = 4, in = 5 }
  dash_key     = { my-key = 1, "with space" = 2 }
  trailing     = { a = 1, }
  one_line     = { a = { b = { c = { d = 1 } } } }
}
