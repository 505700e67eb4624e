# Two attributes on one line.
a = 1 b = 2
