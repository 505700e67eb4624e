// An NSG written out rule by rule.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'web-nsg'
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
      {
        name: 'ssh'
      properties: {
        priority: 110
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '10.0.0.0/8'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '22'
      }
      }
    ]
  }
}
