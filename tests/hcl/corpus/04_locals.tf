locals {
  office_cidrs = ["192.0.2.0/24", "198.51.100.0/24"]
  all_cidrs    = concat(local.office_cidrs, [var.admin_cidr])
  port         = 9200
  name_prefix  = "${var.env}-es"
  enabled      = var.env == "prod" ? true : false
  count_plus   = length(local.office_cidrs) + 1
  nothing      = null
  ratio        = 0.75
  big          = 65535
  neg          = -1
}
