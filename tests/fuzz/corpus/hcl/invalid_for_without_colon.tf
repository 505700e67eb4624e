# A for expression without its colon.
a = [for x in y x]
