moved {
  from = aws_security_group.old
  to   = aws_security_group.new
}

import {
  to = aws_security_group.new
  id = "sg-0123456789abcdef0"
}

removed {
  from = aws_security_group.gone
  lifecycle {
    destroy = false
  }
}
