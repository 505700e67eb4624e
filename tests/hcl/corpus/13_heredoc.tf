resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": ["ec2:Describe*"],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}
EOF
}

locals {
  script = <<-SCRIPT
    #!/bin/sh
    echo "hello ${var.name}"
      indented more
    done
    SCRIPT
  empty = <<EOT
EOT
}
