# An endif with no if.
a = "x%{endif}"
