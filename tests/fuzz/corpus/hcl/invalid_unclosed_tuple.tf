# An unclosed tuple.
a = [1, 2
b = 3
