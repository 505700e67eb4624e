// A storage account without networkAcls, HTTP allowed.
resource st 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: toLower('PublicAssets')
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: false
  }
}
