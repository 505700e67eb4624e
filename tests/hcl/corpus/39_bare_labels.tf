resource aws_security_group bare {
  name = "bare"
}

variable bare_var {
  default = 1
}

module bare_mod {
  source = "./m"
}

block_no_labels {
  a = 1
}

block "mixed" second third {
  b = 2
}
