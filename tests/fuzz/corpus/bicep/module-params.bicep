param admin string
module m 'm.bicep' = [for i in range(0, 2): {
  name: 'm${i}'
  params: {
    name: 'nsg-${i}'
    source: i == 0 ? admin : '*'
  }
}]
----
using './main.bicep'
param name string = 'x'
param source string = '10.0.0.0/8'
param admin = '192.0.2.0/24'
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: name
  properties: {
    securityRules: [
      {
        name: 'a'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: source
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '22'
        }
      }
    ]
  }
}
