/* a block comment with // and # inside */
a = 1 /* trailing block */ # then hash
b = /* inline */ 2
c = [1, /* inside */ 2]
d = {
  # comment line in object
  x = 1 // trailing
  /* block */ y = 2
}
e = "# not a comment // nor this /* or this */"
/**/
/***/
f = 3#tight
g = 4//tight
