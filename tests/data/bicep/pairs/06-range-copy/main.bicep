// A range() loop; the ARM side is a copy loop.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'range-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [for i in range(0, 3): {
      name: 'app-${i}'
      properties: {
        priority: 200 + i
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '10.${i}.0.0/16'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '${700 + i}'
      }
    }]
  }
}
