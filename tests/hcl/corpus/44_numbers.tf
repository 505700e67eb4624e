locals {
  zero     = 0
  int      = 42
  float    = 3.14159
  exp      = 1e10
  exp_neg  = 2.5e-3
  exp_plus = 6E+2
  neg      = -7
  neg_f    = -0.5
  port_max = 65535
  big      = 9007199254740991
}
