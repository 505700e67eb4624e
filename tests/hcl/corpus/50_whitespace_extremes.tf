


a    =    1


b=2
	c	=	[	1	,	2	]	
d = {

  x = 1


  y = 2

}
e = (
  1
  +
  2
)
f = var.x ? (
  "yes"
  ) : (
  "no"
)
