// Azure Cache for Redis with a firewall rule.
resource redis 'Microsoft.Cache/redis@2023-08-01' = {
  name: 'session-cache'
  location: 'westeurope'
  properties: {
    sku: {
      name: 'Premium'
      family: 'P'
      capacity: 1
    }
  }
}

resource fw 'Microsoft.Cache/redis/firewallRules@2023-08-01' = {
  parent: redis
  name: 'app'
  properties: {
    startIP: '10.0.0.1'
    endIP: '10.0.0.1'
    startIpAddress: '10.1.0.0'
    endIpAddress: '10.1.255.255'
  }
}
