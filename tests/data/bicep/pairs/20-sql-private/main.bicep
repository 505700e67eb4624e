// publicNetworkAccess Disabled on a SQL server.
param publicAccess string = 'Disabled'

resource sql 'Microsoft.Sql/servers@2022-05-01-preview' = {
  name: 'ledger-sql'
  location: 'westeurope'
  properties: {
    publicNetworkAccess: publicAccess
  }
}
