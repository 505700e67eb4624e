# A conditional without its else.
a = b ? c
