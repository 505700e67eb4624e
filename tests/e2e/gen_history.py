#!/usr/bin/env python3
# gen_history.py COMMITS FILES - a git fast-import stream of a long history
# for the HTML report's test: every other commit changes one of FILES
# CloudFormation security groups (first adding it, tcp/443 from 10.0.0.0/8;
# then in turn opening a port to 0.0.0.0/0 and closing it again), the
# others a README; an hour apart, by 8 authors. With COMMITS 20000 and
# FILES 400: 5,200 findings and as many exposure windows, 400 open at the tip.
import sys

commits, files = int(sys.argv[1]), int(sys.argv[2])
ports = [22, 6379, 9200, 3389, 8080, 443]
authors = ['Ann Ops', 'Bob Net', 'Cat Dev', 'Dee Sec', 'Eve Infra', 'Fay Cloud', 'Gus Admin', 'Hal Data']
out = sys.stdout.buffer
state = [0] * files

def sg(k, port):
    body = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  AppSG%d:\n    Type: AWS::EC2::SecurityGroup\n'
            '    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n'
            '        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}\n' % k)
    if port:
        body += '        - {IpProtocol: tcp, FromPort: %d, ToPort: %d, CidrIp: 0.0.0.0/0}\n' % (port, port)
    return body.encode()

for i in range(commits):
    j = i // 2
    k = j % files
    who = authors[(i * 7 + k) % len(authors)]
    email = who.lower().replace(' ', '.') + '@example.com'
    if i % 2:
        path, data, msg = b'README.md', b'notes %d\n' % i, 'notes %d' % i
    elif j < files:
        path, data, msg = b'net/sg%04d.yaml' % k, sg(k, 0), 'add sg %d' % k
    else:
        state[k] = 0 if state[k] else ports[(j // files) % len(ports)]
        path, data = b'net/sg%04d.yaml' % k, sg(k, state[k])
        msg = ('open %d on sg %d' % (state[k], k)) if state[k] else 'close sg %d' % k
    when = 1704067200 + i * 3600
    out.write(b'commit refs/heads/main\nmark :%d\n' % (i + 1))
    out.write(('author %s <%s> %d +0000\ncommitter %s <%s> %d +0000\n' % (who, email, when, who, email, when)).encode())
    m = msg.encode()
    out.write(b'data %d\n%s\n' % (len(m), m))
    if i:
        out.write(b'from :%d\n' % i)
    out.write(b'M 100644 inline %s\ndata %d\n%s\n' % (path, len(data), data))
