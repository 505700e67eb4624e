output "all_ips" {
  value = "${join(", ", aws_instance.web[*].private_ip)}"
}

output "first_tag" {
  value = "${aws_instance.web.0.tags.Name} and ${aws_instance.web[1].tags["Name"]}"
}
