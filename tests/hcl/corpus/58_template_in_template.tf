resour"p0" {
  bucklicy = <<POLICY
{
"a\tb\npl&= "outer%${"inne"} en"
 <<POLICOYLC
outer%${"inne${"i en"
}"} en"
   ?]
}
POLICY
}
