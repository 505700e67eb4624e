# Ünïcödé comments are fine: 日本語
locals {
  greeting   = "こんにちは ${var.name}"
  emoji      = "🔒 locked"
  ident_ünï  = 1
}

resource "aws_security_group" "ünicode" {
  description = "Zugriff für das Büro"
}
