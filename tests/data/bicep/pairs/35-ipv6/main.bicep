// IPv6 and IPv4 sources side by side.
var v6 = '2001:db8::/32'

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'dual-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'v6-https'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: v6
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '443'
      }
      }
      {
        name: 'v4-https'
      properties: {
        priority: 110
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '0.0.0.0/0'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '443'
      }
      }
    ]
  }
}
