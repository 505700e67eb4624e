# The block is never closed.
resource "a" "b" {
  x = 1
