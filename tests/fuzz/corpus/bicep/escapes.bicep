var a = 'it\'s \u{1F600} \$ \\ \t'
var b = '[literal]'
resource r 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {
  name: b
}
