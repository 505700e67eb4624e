// sourceAddressPrefixes and destinationPortRanges lists.
var partners = [
  '198.51.100.0/24'
  '203.0.113.10/32'
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'partner-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'partners'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefixes: partners
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRanges: [
            '443'
            '8080-8090'
          ]
        }
      }
    ]
  }
}
