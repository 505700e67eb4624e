// Rule lists joined with concat() and union().
var baseRules = [
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
var adminRules = [
  {
    name: 'rdp'
      properties: {
          priority: 200
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: '10.50.0.0/16'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '3389'
        }
  }
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'mixed-nsg'
  location: 'westeurope'
  properties: {
    securityRules: union(concat(baseRules, adminRules), baseRules)
  }
}
