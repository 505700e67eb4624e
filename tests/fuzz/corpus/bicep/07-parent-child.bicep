// A standalone rule joined to its NSG with parent:.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'app-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'https'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '443'
      }
      }
    ]
  }
}

resource rdp 'Microsoft.Network/networkSecurityGroups/securityRules@2023-04-01' = {
  parent: nsg
  name: 'rdp'
  properties: {
        priority: 120
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '198.51.100.7/32'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '3389'
      }
}
