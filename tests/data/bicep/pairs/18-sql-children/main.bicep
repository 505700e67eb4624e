// An Azure SQL server with firewall rules nested in it.
resource sql 'Microsoft.Sql/servers@2022-05-01-preview' = {
  name: 'orders-sql'
  location: 'westeurope'
  properties: {
    administratorLogin: 'dba'
  }

  resource office 'firewallRules' = {
    name: 'office'
    properties: {
      startIpAddress: '198.51.100.0'
      endIpAddress: '198.51.100.255'
    }
  }

  resource azure 'firewallRules' = {
    name: 'AllowAllWindowsAzureIps'
    properties: {
      startIpAddress: '0.0.0.0'
      endIpAddress: '0.0.0.0'
    }
  }
}
