// A debug rule deployed only when a parameter is true (it is not).
param enableDebug bool = false

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: 'dbg-nsg'
  location: 'westeurope'
  properties: {
    securityRules: []
  }
}

resource debug 'Microsoft.Network/networkSecurityGroups/securityRules@2023-04-01' = if (enableDebug) {
  parent: nsg
  name: 'debug'
  properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: '*'
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: '5005'
      }
}
