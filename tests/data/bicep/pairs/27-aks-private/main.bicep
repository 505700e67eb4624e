// A private AKS cluster and one open to every address.
resource priv 'Microsoft.ContainerService/managedClusters@2023-08-01' = {
  name: 'private-aks'
  location: 'westeurope'
  properties: {
    apiServerAccessProfile: {
      enablePrivateCluster: true
    }
  }
}

resource open 'Microsoft.ContainerService/managedClusters@2023-08-01' = {
  name: 'open-aks'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'open'
  }
}
