// Service tags as sources.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'tags-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'lb-probe'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: 'AzureLoadBalancer'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '8080'
      }
      }
      {
        name: 'gateway'
      properties: {
        priority: 110
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: 'GatewayManager'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '65200-65535'
      }
      }
    ]
  }
}
