# An object with two items on a line and no comma.
a = { x = 1 y = 2 }
