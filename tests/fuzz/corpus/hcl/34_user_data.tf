resource "aws_instance" "es" {
  ami           = data.aws_ami.ubuntu.id
  instance_type = "t3.large"
  user_data     = <<-USERDATA
    #!/bin/bash
    cat > /etc/elasticsearch/elasticsearch.yml <<EOF
    network.host: 0.0.0.0
    xpack.security.enabled: ${var.es_security}
    EOF
    systemctl restart elasticsearch
  USERDATA
  vpc_security_group_ids = [aws_security_group.es.id]
}
