locals {
  config = {
    network = {
      cidrs = {
        office = ["10.0.0.0/8"]
        vpn    = ["172.16.0.0/12"]
      }
      ports = { ssh = 22, https = 443 }
    }
    "quoted key" = "v"
    empty        = {}
    list_of_maps = [{ a = 1 }, { b = 2 }, {}]
  }
}
