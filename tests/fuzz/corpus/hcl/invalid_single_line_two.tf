# A single-line block holds at most one attribute.
a { b = 1, c = 2 }
