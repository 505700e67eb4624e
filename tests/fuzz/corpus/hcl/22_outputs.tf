output "sg_id" {
  value       = aws_security_group.web.id
  description = "The security group"
}

output "open_ports" {
  value     = [for r in aws_security_group.web.ingress : r.from_port]
  sensitive = false
}

output "map" {
  value = {
    id   = aws_security_group.web.id
    name = aws_security_group.web.name
  }
  depends_on = [aws_security_group.web]
}
