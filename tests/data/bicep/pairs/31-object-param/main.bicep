// Settings in an object parameter, read by property and index.
param cfg object = {
  name: 'cfg-nsg'
  ports: {
    ssh: 2222
  }
  sources: [
    '100.64.0.0/10'
  ]
}

resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: cfg.name
  location: 'westeurope'
  properties: {
    securityRules: [
      {
        name: 'ssh-alt'
      properties: {
        priority: 100
        direction: 'Inbound'
        access: 'Allow'
        protocol: 'Tcp'
        sourceAddressPrefix: cfg.sources[0]
        sourcePortRange: '*'
        destinationAddressPrefix: '*'
        destinationPortRange: string(cfg.ports.ssh)
      }
      }
    ]
  }
}
