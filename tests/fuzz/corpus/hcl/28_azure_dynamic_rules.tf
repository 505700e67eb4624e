locals {
  nsg_rules = {
    ssh   = { priority = 100, port = "22", source = "10.0.0.0/8" }
    https = { priority = 110, port = "443", source = "Internet" }
    es    = { priority = 120, port = "9200-9300", source = "VirtualNetwork" }
  }
}

resource "azurerm_network_security_group" "dyn" {
  name                = "dyn"
  location            = var.location
  resource_group_name = var.rg

  dynamic "security_rule" {
    for_each = local.nsg_rules
    content {
      name                       = security_rule.key
      priority                   = security_rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = security_rule.value.port
      source_address_prefix      = security_rule.value.source
      destination_address_prefix = "*"
    }
  }
}
