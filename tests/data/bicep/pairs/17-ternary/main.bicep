// The source is chosen by a condition on a parameter.
param isPublic bool = true

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'api-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'api'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: isPublic ? '*' : '10.0.0.0/8'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '8443'
      }
      }
    ]
  }
}
