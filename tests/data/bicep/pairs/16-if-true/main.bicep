// A condition that holds: the NSG is deployed.
param env string = 'prod'

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = if (env == 'prod') {
  name: 'prod-nsg'
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
