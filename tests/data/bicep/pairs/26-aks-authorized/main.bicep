// An AKS API server limited to authorized ranges.
param apiRanges array = [
  '203.0.113.0/24'
  '198.51.100.10/32'
]

resource aks 'Microsoft.ContainerService/managedClusters@2023-08-01' = {
  name: 'prod-aks'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'prod'
    apiServerAccessProfile: {
      authorizedIPRanges: apiRanges
    }
  }
}
