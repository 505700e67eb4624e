resource    "aws_security_group"     "odd"{
name="odd"
  description   =    "spaces"
	vpc_id	=	var.vpc_id
ingress{
from_port=22
to_port  =  22
protocol="tcp"
cidr_blocks=["10.0.0.0/8","192.168.0.0/16"]
}
}
locals{
x=1+2*3
y   =   (  1  +  2  )  *  3
}
