variable "complex" {
  type = object({
    name    = string
    ports   = list(number)
    cidrs   = optional(list(string), ["10.0.0.0/8"])
    extra   = optional(map(any))
    nested  = tuple([string, number, bool])
  })
  default = {
    name   = "x"
    ports  = [80]
    nested = ["a", 1, true]
  }
}

variable "set_of" {
  type    = set(string)
  default = []
}
