variable "admin_cidr" {
  type        = string
  description = "Where admins connect from"
  default     = "10.0.0.0/8"
}

variable "no_default" {
  type = string
}

variable "ports" {
  type    = list(number)
  default = [22, 443, 9200]
}

variable "rules" {
  type = map(object({
    port = number
    cidr = string
  }))
  default = {
    ssh   = { port = 22, cidr = "10.0.0.0/8" }
    https = { port = 443, cidr = "0.0.0.0/0" }
  }
}

variable "sensitive_thing" {
  type      = string
  sensitive = true
  nullable  = false
  validation {
    condition     = length(var.sensitive_thing) > 4
    error_message = "Too short."
  }
}
