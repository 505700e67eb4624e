// Outbound rules do not let anything in.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'out-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'to-anywhere'
        properties: {
          priority: 100
          direction: 'Outbound'
          access: 'Allow'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}
