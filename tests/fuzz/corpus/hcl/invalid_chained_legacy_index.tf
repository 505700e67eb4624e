# Two legacy indexes in a row read as a number.
a = x.0.1
