output "ids" {
  value = aws_instance.web[*].id
}

output "legacy_splat" {
  value = aws_instance.web.*.private_ip
}

output "nested" {
  value = aws_instance.web[*].network_interface[0].id
}

output "first" {
  value = aws_instance.web[0].id
}

output "keyed" {
  value = aws_instance.by_name["a"].arn
}

output "legacy_index" {
  value = var.list.0
}
