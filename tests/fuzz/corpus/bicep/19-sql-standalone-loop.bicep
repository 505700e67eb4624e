// SQL firewall rules from a loop, attached with parent:.
param ranges array = [
  { name: 'vpn', start: '203.0.113.0', end: '203.0.113.63' }
  { name: 'everyone', start: '0.0.0.0', end: '255.255.255.255' }
]

resource sql 'Microsoft.Sql/servers@2022-05-01-preview' = {
  name: 'crm-sql'
  location: 'westeurope'
  properties: {}
}

resource rules 'Microsoft.Sql/servers/firewallRules@2022-05-01-preview' = [for r in ranges: {
  parent: sql
  name: r.name
  properties: {
    startIpAddress: r.start
    endIpAddress: r.end
  }
}]
