// A nested rule of an NSG named by a parameter with no value.
param nsgName string

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: nsgName
  location: 'westeurope'
  properties: {}

  resource ssh 'securityRules' = {
    name: 'ssh'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '22'
      }
  }
}
