# The heredoc never ends.
a = <<EOT
line
