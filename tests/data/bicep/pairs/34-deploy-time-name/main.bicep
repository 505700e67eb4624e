// An NSG named from resourceGroup(): an unknown name on both sides.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: '${resourceGroup().name}-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'http'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '80'
      }
      }
    ]
  }
}
