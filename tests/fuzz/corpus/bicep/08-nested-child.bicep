// A rule declared inside its NSG as a nested resource.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'nested-nsg'
  location: 'westeurope'
  properties: {}

  resource mongo 'securityRules' = {
    name: 'mongo'
      properties: {
        priority: 300
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: 'Internet'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '27017'
      }
  }
}
