# A quoted string may not span lines.
a = "one
two"
