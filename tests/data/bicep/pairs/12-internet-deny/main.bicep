// A deny from the Internet tag: private sources still pass.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'internal-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'no-internet'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Deny'
        protocol: '*'
        sourceAddressPrefix: 'Internet'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '*'
      }
      }
      {
        name: 'redis'
      properties: {
        priority: 200
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '6379'
      }
      }
    ]
  }
}
