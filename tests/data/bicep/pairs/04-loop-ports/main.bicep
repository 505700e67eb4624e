// Rules from a loop over a literal array of ports.
var ports = [
  '80'
  '443'
  '8443'
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'lb-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [for (port, i) in ports: {
      name: 'allow-${port}'
      properties: {
        priority: 100 + i * 10
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: port
      }
    }]
  }
}
