locals {
  rules_text = join("\n", [
    for r in var.rules :
    "%{if r.allow}allow%{else}deny%{endif} ${r.proto}/${r.port} from %{for c in r.cidrs}${c} %{endfor}"
  ])
}
