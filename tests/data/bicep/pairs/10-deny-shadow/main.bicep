// A deny rule in front of a wider allow.
resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'db-nsg'
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'deny-sql-from-anywhere'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Deny'
        protocol: '*'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '1433'
      }
      }
      {
        name: 'allow-all-tcp'
      properties: {
        priority: 200
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '*'
      }
      }
    ]
  }
}
