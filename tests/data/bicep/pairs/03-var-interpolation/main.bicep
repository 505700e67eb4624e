// The NSG's name is built by interpolation from variables.
var app = 'shop'
var env = 'prod'
var nsgName = '${app}-${env}-nsg'

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: nsgName
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: '${app}-http'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '80'
      }
      }
    ]
  }
}
