// A rule added to an NSG deployed elsewhere (existing).
resource shared 'Microsoft.Network/networkSecurityGroups@2023-04-01' existing = {
  name: 'shared-nsg'
}

resource es 'Microsoft.Network/networkSecurityGroups/securityRules@2023-04-01' = {
  parent: shared
  name: 'elasticsearch'
  properties: {
        priority: 500
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '0.0.0.0/0'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '9200'
      }
}
