# An operator with no right side.
a = 1 +
