# An unterminated block comment.
a = 1
/* never closed
