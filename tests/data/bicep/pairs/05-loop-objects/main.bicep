// Rules from a loop over an array of objects, one of them a deny.
param rules array = [
  { name: 'deny-telnet', priority: 100, access: 'Deny', port: '23', source: '*' }
  { name: 'ssh', priority: 110, access: 'Allow', port: '22', source: '203.0.113.0/24' }
  { name: 'anything', priority: 4000, access: 'Allow', port: '0-1024', source: 'Internet' }
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'edge-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [for r in rules: {
      name: r.name
      properties: {
        priority: r.priority
        direction: 'Inbound'
        access: r.access
        protocol: '*'
        sourceAddressPrefix: r.source
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: r.port
      }
    }]
  }
}
