#!/usr/bin/env python3
# gen_random.py - writes random HCL for the differential test
# (tests/e2e/test_hcl_diff.sh with HCL_DIFF_RANDOM=N): bodies of blocks
# with labels, comments and single-line blocks, and attributes holding
# random expressions (operators, conditionals, templates with strip
# markers and directives, heredocs, for expressions, splats, legacy
# indexes, odd spacing). Many outputs are invalid on purpose; the test
# only asks that both parsers agree.
#
# usage: gen_random.py SEED > FILE.tf
import random
import sys

R = random.Random(int(sys.argv[1]))
def ident():
    return R.choice(['a','b','var','local','x_y','k-v','each','count','self','ü'])
def ws():
    return R.choice(['', ' ', '  ', ' ', '\t'])
def string_lit():
    parts = []
    for _ in range(R.randint(0, 4)):
        c = R.random()
        if c < 0.4: parts.append(R.choice(['abc', ' ', 'x y', '\\n', '\\"', '\\\\', '\\u00e9', '$${a}', '%%{b}', '$', '%', '{', '}', 'é']))
        elif c < 0.7: parts.append('${' + R.choice(['', '~', ' ']) + expr(2) + R.choice(['', '~', ' ']) + '}')
        elif c < 0.85: parts.append('%{if ' + expr(2) + '}' + 'x' + R.choice(['', '%{else}y']) + '%{endif}')
        else: parts.append('%{for ' + R.choice(['v', 'k, v']) + ' in ' + expr(2) + '}' + '${v}' + '%{endfor}')
    return '"' + ''.join(parts) + '"'
def expr(d):
    if d <= 0:
        return R.choice([lambda: str(R.choice([0, 1, 42, 65535])), lambda: R.choice(['1.5', '1e3', '2.50', '0.0']),
                         lambda: R.choice(['true', 'false', 'null']), lambda: ident() + '.' + ident(), ident,
                         lambda: '"s"'])()
    c = R.randint(0, 13)
    if c == 0: return expr(d-1) + ws() + R.choice(['+','-','*','/','%','||','&&','==','!=','<','<=','>','>=']) + ws() + expr(d-1)
    if c == 1: return R.choice(['-', '!']) + expr(d-1)
    if c == 2: return '(' + ws() + expr(d-1) + ws() + ')'
    if c == 3: return expr(d-1) + ws() + '?' + ws() + expr(d-1) + ws() + ':' + ws() + expr(d-1)
    if c == 4:
        n = R.randint(0, 3)
        return '[' + (',' + ws()).join(expr(d-1) for _ in range(n)) + (R.choice(['', ',']) if n else '') + ']'
    if c == 5:
        items = [R.choice([ident(), '"q k"', '(' + expr(1) + ')']) + ws() + R.choice(['=', ':']) + ws() + expr(d-1) for _ in range(R.randint(0, 3))]
        return '{' + R.choice([', ', ',\n', '\n']).join(items) + (R.choice(['', '\n', ',']) if items else '') + '}'
    if c == 6:
        s = ident(); prev = ''
        for _ in range(R.randint(1, 4)):
            st = R.choice(['.' + ident(), '[' + expr(d-1) + ']', '[*]', '.*', '.0', '["k"]', ' . b', '. 0'])
            if st in ('.0', '. 0') and prev in ('.0', '. 0'): continue
            if st == '.*' and '.*' in s: continue
            s += st; prev = st
        return s
    if c == 7:
        n = R.randint(0, 3)
        return R.choice(['f', 'concat', 'lookup']) + '(' + ', '.join(expr(d-1) for _ in range(n)) + (R.choice(['', '...', ',']) if n else '') + ')'
    if c == 8: return '[for ' + R.choice(['v', 'k, v']) + ' in ' + expr(d-1) + ' : ' + expr(d-1) + R.choice(['', ' if ' + expr(d-1)]) + ']'
    if c == 9: return '{for ' + R.choice(['v', 'k, v']) + ' in ' + expr(d-1) + ' : ' + expr(d-1) + ' => ' + expr(d-1) + R.choice(['', '...']) + R.choice(['', ' if ' + expr(d-1)]) + '}'
    if c == 10: return string_lit()
    if c == 11 and d >= 3:
        marker = R.choice(['EOT', 'END'])
        ind = R.choice(['', '-'])
        lines = []
        for _ in range(R.randint(0, 4)):
            lines.append(R.choice(['', ' ', '  ', '    ', '\t']) + R.choice(['text', '${' + expr(1) + '}', 'a ${b} c', '%{if a}x%{endif}', '', '$${x}']))
        return '<<' + ind + marker + '\n' + ''.join(l + '\n' for l in lines) + R.choice(['', '  ']) + marker + '\n'
    if c == 12: return '(' + expr(d-1) + ')' + R.choice(['[0]', '.a', '[*].b'])
    return expr(d-1)
def block_ident():
    return R.choice(['resource', 'ingress', 'egress', 'dynamic', 'content', 'a', 'b-c', 'x_1', 'locals', 'ü'])
def comment():
    return R.choice(['', ' # c', ' // c', ' /* c */', ''])
def value():
    if R.random() < 0.3:
        return expr(R.randint(1, 3))
    return R.choice(['1', '"s"', 'var.x', '[1, 2]', '{ k = 1 }', 'f(a)', '"${a}b"', 'true', 'null', '-1', '<<EOT\nh\nEOT', '<<-EOT\n  h\n    i\n  EOT', '[\n  1, # one\n  2,\n]'])
def label():
    return R.choice(['"l"', '"a b"', 'bare', '"ü"', '""', '"x\\"y"', '"$${z}"'])
def body(d, ind):
    out = []
    names = set()
    for _ in range(R.randint(0, 4)):
        c = R.random()
        pre = ind + R.choice(['', '', ' ', '/* x */ '])
        if c < 0.5 or d <= 0:
            n = block_ident()
            if n in names: continue
            names.add(n)
            out.append(f'{pre}{n}{R.choice([" = ", "=", "  =  "])}{value()}{"" if "EOT" in value() else comment()}\n')
        elif c < 0.6:
            out.append(R.choice(['\n', '# only a comment\n', '/* multi\nline */\n', '// x\n']))
        elif c < 0.75:
            labels = ' '.join(label() for _ in range(R.randint(0, 2)))
            inner = R.choice(['', f'{block_ident()} = {value() if R.random() < 0.5 else "1"}'])
            if '\n' in inner: inner = 'z = 2'
            out.append(f'{pre}{block_ident()} {labels}{R.choice([" ", ""])}{{ {inner} }}{comment()}\n' if inner else f'{pre}{block_ident()} {labels} {{}}\n')
        else:
            labels = ' '.join(label() for _ in range(R.randint(0, 3)))
            out.append(f'{pre}{block_ident()} {labels} {{{comment()}\n' + body(d - 1, ind + '  ') + ind + '}' + comment() + '\n')
    return ''.join(out)

out = [body(3, '')]
for i in range(20):
    e = expr(R.randint(1, 4))
    out.append(f'attr{i} = {e}' + ('' if e.endswith('\n') else '\n'))
print(''.join(out), end='')
