# \q is no escape.
a = "x\qy"
