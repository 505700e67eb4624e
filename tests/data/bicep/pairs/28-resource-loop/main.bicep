// One NSG per tier from a resource loop.
var tiers = [
  { name: 'web', port: '443', source: '*' }
  { name: 'app', port: '8080', source: 'VirtualNetwork' }
]

resource nsgs 'Microsoft.Network/networkSecurityGroups@2023-04-01' = [for t in tiers: {
  name: '${t.name}-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'in'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: t.source
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: t.port
      }
      }
    ]
  }
}]
