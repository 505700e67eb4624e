// Rules built with filter() and map() over a parameter.
param services array = [
  { name: 'kibana', port: '5601', public: false }
  { name: 'grafana', port: '3000', public: true }
  { name: 'prometheus', port: '9090', public: false }
]

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'obs-nsg'
  location: 'westeurope'
  properties: {
    securityRules: map(filter(services, s => s.public), (s, i) => {
      name: s.name
      properties: {
        priority: 100 + i
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: s.port
      }
    })
  }
}
