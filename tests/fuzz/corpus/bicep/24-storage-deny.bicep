// A storage account that denies by default and admits two ranges.
var allowed = [
  '198.51.100.0/24'
  '203.0.113.5'
]

resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'backupstore'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      ipRules: [for ip in allowed: {
        value: ip
        action: 'Allow'
      }]
    }
  }
}
