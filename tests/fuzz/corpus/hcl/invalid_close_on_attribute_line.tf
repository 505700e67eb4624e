# The block closes on the line of an attribute.
a {
  b = 1 }
