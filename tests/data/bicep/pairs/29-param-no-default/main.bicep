// A source that only the deployment gives: an unknown on both sides.
param sshSource string

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'jump-nsg'
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
        sourceAddressPrefix: sshSource
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '22'
      }
      }
    ]
  }
}
