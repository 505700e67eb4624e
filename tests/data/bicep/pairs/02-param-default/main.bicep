// The SSH source is a parameter with a default.
@description('Where administrators connect from')
param adminSource string = '192.0.2.0/24'

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'admin-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'ssh'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: adminSource
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '22'
      }
      }
    ]
  }
}
