// A MySQL firewall rule whose server name comes from format().
param project string = 'blog'

resource mysql 'Microsoft.DBforMySQL/flexibleServers@2023-06-30' = {
  name: format('{0}-mysql', project)
  location: 'westeurope'
  properties: {}
}

resource office 'Microsoft.DBforMySQL/flexibleServers/firewallRules@2023-06-30' = {
  parent: mysql
  name: 'office'
  properties: {
    startIpAddress: '192.0.2.1'
    endIpAddress: '192.0.2.20'
  }
}
