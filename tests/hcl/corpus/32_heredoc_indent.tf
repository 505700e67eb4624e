locals {
  indented = <<-EOT
    line one
      line two indented
    line three
  EOT

  with_blank_lines = <<-EOT
      first

      second
        
      third
      EOT

  interp_first = <<-EOT
    ${var.a}
      b
    EOT

  tabs = <<-EOT
		tab indented
		  more
		EOT

  marker_like = <<EOT
  EOTX is not the end
  xEOT neither
EOT

  directive = <<-EOT
    %{ for s in var.subnets ~}
    subnet ${s}
    %{ endfor ~}
    done
    EOT
}
