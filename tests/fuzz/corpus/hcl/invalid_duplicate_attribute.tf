# Two attributes with one name in one body.
a = 1
a = 2
