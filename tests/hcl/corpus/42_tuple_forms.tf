locals {
  empty     = []
  trailing  = [1, 2, 3,]
  multiline = [
    "a",
    "b"
  ]
  mixed     = [1, "two", true, null, [3], { four = 4 }]
  nested    = [[[[]]]]
  commented = [
    1, # one
    2  // two
    , 3 /* three */
  ]
}
