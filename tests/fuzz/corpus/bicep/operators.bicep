var a = 1 + 2 * 3 - 4 / 2 % 3
var b = !(a > 2) || a <= 1 && 'x' =~ 'X' != false
var c = b ? 'y' : null ?? 'z'
var d = union({ a: 1 }, { b: [1, 2] }).?b[?5]
var e = format('{0}-{1}', toLower('A'), string(a))
var f = split(join(['a', 'b'], ','), ',')[1]
var g = contains(items({ k: 'v' })[0], 'key')
var h = '''
multi ${line}
'''
var i = x => x
type t = 'a' | 'b'
func f2(x int) int => x
