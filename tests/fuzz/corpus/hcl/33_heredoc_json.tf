resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "IPAllow",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "${aws_s3_bucket.b.arn}/*",
    "Condition": {
      "NotIpAddress": {"aws:SourceIp": "${var.office_cidr}"}
    }
  }]
}
POLICY
}
