# A splat inside an attribute-only splat.
a = x.*.b.*.c
