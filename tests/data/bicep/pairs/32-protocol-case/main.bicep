// Protocols and access written in other cases.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'case-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'dns'
        properties: {
          priority: 100
          direction: 'inbound'
          access: 'allow'
          protocol: toUpper('udp')
          sourceAddressPrefix: 'any'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '53'
        }
      }
    ]
  }
}
