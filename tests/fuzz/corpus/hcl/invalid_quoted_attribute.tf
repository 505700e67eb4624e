# An attribute name may not be quoted.
"quoted" = 1
