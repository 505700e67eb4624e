#!/usr/bin/env bash
# audit-bench.sh - how much slower is `driftwatch audit` than git's own walk?
#
# What it measures
#   On a synthetic but realistic repository (default 20000 commits, ~200
#   files in ~40 directories: Azure ARM NSG templates, CloudFormation
#   security groups, elasticsearch.yml, and many unrelated C/Markdown/JSON
#   files that change more often than the rules do), it times
#     git -C REPO log --raw --no-renames HEAD       (the floor: walk + tree diffs)
#     $DRIFTWATCH audit -C REPO -q                  (walk + tree diffs + parse + diff)
#   with warm caches: one warm-up run each (which also records max RSS via
#   /usr/bin/time when present), then the best of 3 timed runs. It prints
#   commits, files, both times, the ratio driftwatch/git (target <= 1) and
#   max RSS. The audit runs with --no-cache: every run judges every commit.
#
#   With --cached it also times the audit cache ($XDG_CACHE_HOME/driftwatch,
#   here a private one in a temp dir): the audit with an empty cache, again
#   with nothing new, and after one new commit (on a scratch clone of the
#   repository: each run commits a change to one config file and audits),
#   each the best of --runs, and says how many commits were judged.
#
#   The repository is generated with `git fast-import` from a seeded,
#   deterministic stream (fixed dates and authors: same N gives the same
#   HEAD), then repacked (`repack -adf`, commit-graph) so it looks like a
#   fresh clone. History is mostly linear with a merged topic branch now
#   and then (~4% of commits are merges; audit skips them). About 1 in 500 commits opens something
#   to the Internet (0.0.0.0/0, "Internet", network.host 0.0.0.0, security
#   disabled) and later commits sometimes close it again, so audit has
#   findings to report.
#
# How to run (from anywhere; paths are relative to the repository root)
#   bench/audit-bench.sh                      # 20000 commits in a temp dir
#   bench/audit-bench.sh -n 5000              # smaller
#   bench/audit-bench.sh --repo /tmp/dw-bench # keep the repo; reruns reuse it
#   DRIFTWATCH=/path/to/driftwatch bench/audit-bench.sh
#
# Options
#   -n N          number of commits (default 20000)
#   --repo DIR    generate into DIR and keep it; if DIR already holds a repo
#                 this script generated with N commits it is reused
#   --runs R      timed runs per command, best is reported (default 3)
#   --seed S      generator seed (default 42)
#   --cached      also time the audit cache: cold, nothing new, one new commit
#   --instructions  also count instructions (valgrind's callgrind, one run
#                 each, about 50 times slower): git's, and driftwatch's per
#                 thread (the walk's, each parsing thread's). On a shared or
#                 throttled machine the times vary by 30% between runs; the
#                 counts by well under 1%, so two builds compare by them.
#   --floor       also time what any audit of this history must do at
#                 least, with git's own code and libyaml, before anything
#                 is extracted or judged: read every changed config blob
#                 (*.json, *.yaml, *.yml, new side of each non-merge
#                 commit) with `git cat-file --batch`, alone and piped
#                 from git log so the walk and the reading use both cores,
#                 and run libyaml's event parser over the YAML ones (the
#                 helper is compiled with cc; needs libyaml-dev). It
#                 prints the bound this puts on the ratio: the walk on one
#                 core, the reading and tokenising shared perfectly over
#                 two. For comparison it also times git's own textual
#                 history of those files (`git log -p -- '*.json' ...`).
#   --mode M      what the commits change (default normal):
#                   normal  1-4 files a commit, 1 in 5 a config file (about
#                           a third of commits touch configuration)
#                   config  config-heavy: 3 in 4 changed files are config
#                           files, so at least 60% of commits change one
#                   large   the 12 ARM templates are 1-2 MB each (an NSG
#                           beside a few thousand other resources) and
#                           most commits change one of them; -n defaults
#                           to 5000 in this mode
#   -h, --help    this text
#
# Environment
#   DRIFTWATCH    driftwatch binary (default: build/cli/driftwatch under the
#                 repository root). If it is missing, only the git figure is
#                 printed and the script exits 0.
#
# Exit status: 0 when the benchmark ran (whatever the ratio), non-zero when
# generation failed or driftwatch exited with a status other than 0 or 1.

set -euo pipefail

GENERATOR_VERSION=1

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root_dir=$(cd -- "$script_dir/.." && pwd)

commits=
mode=normal
repo=
runs=3
seed=42
cached=false
instructions=false
floor=false

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
die() { printf 'audit-bench: %s\n' "$*" >&2; exit 2; }

while (($#)); do
	case $1 in
	-n) (($# >= 2)) || die "-n needs a value"; commits=$2; shift 2 ;;
	-n*) commits=${1#-n}; shift ;;
	--repo) (($# >= 2)) || die "--repo needs a value"; repo=$2; shift 2 ;;
	--repo=*) repo=${1#--repo=}; shift ;;
	--runs) (($# >= 2)) || die "--runs needs a value"; runs=$2; shift 2 ;;
	--runs=*) runs=${1#--runs=}; shift ;;
	--seed) (($# >= 2)) || die "--seed needs a value"; seed=$2; shift 2 ;;
	--seed=*) seed=${1#--seed=}; shift ;;
	--mode) (($# >= 2)) || die "--mode needs a value"; mode=$2; shift 2 ;;
	--mode=*) mode=${1#--mode=}; shift ;;
	--cached) cached=true; shift ;;
	--instructions) instructions=true; shift ;;
	--floor) floor=true; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument: $1 (try --help)" ;;
	esac
done
case $mode in
normal | config) : "${commits:=20000}" ;;
large) : "${commits:=5000}" ;;
*) die "--mode wants normal, config or large, got '$mode'" ;;
esac
[[ $commits =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive integer, got '$commits'"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive integer, got '$runs'"
[[ $seed =~ ^[0-9]+$ ]] || die "--seed wants a non-negative integer, got '$seed'"
command -v git >/dev/null || die "git not found"
command -v python3 >/dev/null || die "python3 not found"

driftwatch=${DRIFTWATCH:-$root_dir/build/cli/driftwatch}

tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/audit-bench.XXXXXX")
cleanup() { rm -rf -- "$tmp_root"; }
trap cleanup EXIT
# Never the user's audit cache.
export XDG_CACHE_HOME=$tmp_root/cache
if [[ -z $repo ]]; then
	repo=$tmp_root/repo
fi

# ---------------------------------------------------------------------------
# The fast-import stream. Everything random comes from one seeded generator,
# and dates are fixed, so a given (N, seed, GENERATOR_VERSION) always yields
# the same commits.
# ---------------------------------------------------------------------------
generate_stream() {
	python3 - "$commits" "$seed" "$mode" <<'PY'
import json
import random
import sys

N = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
MODE = sys.argv[3]
# The share of changed files that are configuration files.
P_SECURITY = {"normal": 0.2, "config": 0.75, "large": 0.75}[MODE]
out = sys.stdout.buffer
buf = []

def emit(s):
    buf.append(s if isinstance(s, bytes) else s.encode())
    if len(buf) > 4096:
        out.write(b"".join(buf))
        buf.clear()

WORDS = ("cache buffer parser token stream index queue socket header config "
         "retry timeout worker session handle record batch client server "
         "metric result state engine limit update").split()

# ---- Azure ARM: infra/netNN/nsg.json ------------------------------------
ARM_PORTS = ["443", "8443", "80", "8080", "5432", "6379", "9200", "1433",
             "5671-5672", "8000-8100", "3000"]

class Arm:
    def __init__(self, i):
        self.i = i
        self.name = "nsg-%s-%02d" % (rng.choice(["web", "app", "data", "mgmt"]), i)
        self.rules = []
        self.serial = 0
        for _ in range(rng.randint(3, 10)):
            self.add_rule()
        self.padding = self.pad() if MODE == "large" else []

    def pad(self):
        """The rest of a large template: 1-2 MB of resources with no rules."""
        out = []
        for k in range(rng.randint(2200, 4400)):
            out.append({
                "type": "Microsoft.Web/sites",
                "apiVersion": "2022-03-01",
                "name": "app-%02d-%04d" % (self.i, k),
                "location": "[parameters('location')]",
                "tags": {"team": rng.choice(WORDS), "cost": "cc-%d" % rng.randrange(9999)},
                "properties": {"httpsOnly": True, "siteConfig": {
                    "minTlsVersion": "1.2", "alwaysOn": rng.random() < 0.5,
                    "appSettings": [{"name": "SETTING_%d" % j, "value": rng.choice(WORDS)}
                                    for j in range(rng.randint(1, 3))]}},
            })
        return out

    def free_priority(self):
        used = {r["priority"] for r in self.rules}
        while True:
            p = rng.randrange(100, 4000, 10)
            if p not in used:
                return p

    def cidr(self):
        if rng.random() < 0.7:
            return "10.%d.0.0/16" % self.i
        return "10.%d.%d.0/24" % (self.i, rng.randrange(256))

    def add_rule(self, src=None, port=None, access=None):
        self.serial += 1
        port = port or rng.choice(ARM_PORTS)
        access = access or ("Allow" if rng.random() < 0.8 else "Deny")
        self.rules.append({
            "name": "%s-%s-%d" % (access.lower(), port.replace("-", "to"), self.serial),
            "priority": self.free_priority(),
            "access": access,
            "src": src or self.cidr(),
            "port": port,
        })

    def mutate(self):
        r = rng.choice(self.rules)
        k = rng.random()
        if k < 0.30:
            r["port"] = rng.choice(ARM_PORTS)
        elif k < 0.55:
            r["src"] = self.cidr()
        elif k < 0.75:
            r["priority"] = self.free_priority()
        elif k < 0.82:
            r["access"] = "Deny" if r["access"] == "Allow" else "Allow"
        elif k < 0.91 and len(self.rules) < 10:
            self.add_rule()
        elif len(self.rules) > 3:
            self.rules.remove(r)
        else:
            r["port"] = rng.choice(ARM_PORTS)

    def expose(self):
        self.add_rule(src=rng.choice(["Internet", "*", "0.0.0.0/0"]),
                      port=rng.choice(["22", "3389", "443", "*"]), access="Allow")

    def close(self):
        wide = [r for r in self.rules if r["src"] in ("Internet", "*", "0.0.0.0/0")]
        if not wide:
            return False
        r = rng.choice(wide)
        if len(self.rules) > 3 and rng.random() < 0.5:
            self.rules.remove(r)
        else:
            r["src"] = self.cidr()
        return True

    def render(self):
        text = self.render_rules()
        if not self.padding:
            return text
        if not hasattr(self, "pad_text"):
            self.pad_text = json.dumps(self.padding, indent=2)[1:-1].rstrip()
        end = text.rindex("\n  ]\n}")
        return text[:end] + "," + self.pad_text + text[end:]

    def render_rules(self):
        rules = [{
            "name": r["name"],
            "properties": {
                "priority": r["priority"],
                "direction": "Inbound",
                "access": r["access"],
                "protocol": "Tcp",
                "sourceAddressPrefix": r["src"],
                "sourcePortRange": "*",
                "destinationAddressPrefix": "*",
                "destinationPortRange": r["port"],
            },
        } for r in self.rules]
        doc = {
            "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {
                "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
            },
            "resources": [{
                "type": "Microsoft.Network/networkSecurityGroups",
                "apiVersion": "2023-04-01",
                "name": self.name,
                "location": "[parameters('location')]",
                "properties": {"securityRules": rules},
            }],
        }
        return json.dumps(doc, indent=2) + "\n"

# ---- CloudFormation: cfn/stackNN/security-group.yaml ----------------------
CFN_PORTS = [(443, 443), (80, 80), (8080, 8080), (5432, 5432), (3306, 3306),
             (6379, 6379), (9200, 9300), (8000, 8100), (2049, 2049)]
SG_NAMES = ["WebServer", "AppServer", "Database", "Cache", "Bastion", "Worker"]

class Cfn:
    def __init__(self, i):
        self.i = i
        self.logical = "%sSecurityGroup%02d" % (rng.choice(SG_NAMES), i)
        self.ingress = []
        for _ in range(rng.randint(2, 8)):
            self.ingress.append(self.rule())

    def cidr(self):
        if rng.random() < 0.7:
            return "10.%d.0.0/16" % (100 + self.i)
        return "10.%d.%d.0/24" % (100 + self.i, rng.randrange(256))

    def rule(self, cidr=None, ports=None):
        f, t = ports or rng.choice(CFN_PORTS)
        return {"from": f, "to": t, "cidr": cidr or self.cidr()}

    def mutate(self):
        r = rng.choice(self.ingress)
        k = rng.random()
        if k < 0.35:
            r["from"], r["to"] = rng.choice(CFN_PORTS)
        elif k < 0.70:
            r["cidr"] = self.cidr()
        elif k < 0.85 and len(self.ingress) < 10:
            self.ingress.append(self.rule())
        elif len(self.ingress) > 2:
            self.ingress.remove(r)
        else:
            r["cidr"] = self.cidr()

    def expose(self):
        self.ingress.append(self.rule(cidr="0.0.0.0/0",
                                      ports=rng.choice([(22, 22), (3389, 3389), (0, 65535)])))

    def close(self):
        wide = [r for r in self.ingress if r["cidr"] == "0.0.0.0/0"]
        if not wide:
            return False
        r = rng.choice(wide)
        if len(self.ingress) > 2:
            self.ingress.remove(r)
        else:
            r["cidr"] = self.cidr()
        return True

    def render(self):
        L = [
            "AWSTemplateFormatVersion: '2010-09-09'",
            "Description: Network access for stack %02d" % self.i,
            "Parameters:",
            "  VpcId:",
            "    Type: AWS::EC2::VPC::Id",
            "    Description: VPC the group lives in",
            "Resources:",
            "  %s:" % self.logical,
            "    Type: AWS::EC2::SecurityGroup",
            "    Properties:",
            "      GroupDescription: Ingress for stack %02d" % self.i,
            "      VpcId: !Ref VpcId",
            "      SecurityGroupIngress:",
        ]
        for r in self.ingress:
            L += [
                "        - IpProtocol: tcp",
                "          FromPort: %d" % r["from"],
                "          ToPort: %d" % r["to"],
                "          CidrIp: %s" % r["cidr"],
            ]
        L += [
            "      Tags:",
            "        - Key: stack",
            "          Value: stack%02d" % self.i,
            "Outputs:",
            "  GroupId:",
            "    Value: !GetAtt %s.GroupId" % self.logical,
        ]
        return "\n".join(L) + "\n"

# ---- Elasticsearch: search/nodeNN/config/elasticsearch.yml -----------------
class Es:
    def __init__(self, i):
        self.i = i
        self.host = "127.0.0.1"
        self.security = True
        self.heap_hint = rng.choice([1, 2, 4, 8])
        self.refresh = rng.choice(["1s", "5s", "30s"])
        self.max_clause = 1024

    def mutate(self):
        k = rng.random()
        if k < 0.3:
            self.host = rng.choice(["127.0.0.1", "_local_", "10.%d.0.%d" % (200 + self.i, rng.randrange(1, 255))])
        elif k < 0.6:
            self.refresh = rng.choice(["1s", "5s", "10s", "30s"])
        elif k < 0.8:
            self.max_clause = rng.choice([1024, 2048, 4096])
        else:
            self.heap_hint = rng.choice([1, 2, 4, 8, 16])

    def expose(self):
        if rng.random() < 0.6:
            self.host = "0.0.0.0"
        else:
            self.security = False

    def close(self):
        if self.host == "0.0.0.0" or not self.security:
            self.host = "127.0.0.1"
            self.security = True
            return True
        return False

    def render(self):
        return "\n".join([
            "# ======================== Elasticsearch Configuration =========================",
            "cluster.name: search-%02d" % self.i,
            "node.name: node-%02d" % self.i,
            "path.data: /var/lib/elasticsearch",
            "path.logs: /var/log/elasticsearch",
            "#",
            "# ---------------------------------- Network -----------------------------------",
            "network.host: %s" % self.host,
            "http.port: 9200",
            "#",
            "# ---------------------------------- Security ----------------------------------",
            "xpack.security.enabled: %s" % ("true" if self.security else "false"),
            "xpack.security.transport.ssl.enabled: true",
            "#",
            "# ---------------------------------- Various -----------------------------------",
            "indices.query.bool.max_clause_count: %d" % self.max_clause,
            "index.refresh_interval: %s" % self.refresh,
            "# heap: %dg (see jvm.options)" % self.heap_hint,
        ]) + "\n"

# ---- Unrelated files: C sources, Markdown, package.json-like JSON ---------
class CFile:
    def __init__(self, path):
        self.path = path
        self.funcs = [self.func() for _ in range(rng.randint(3, 12))]

    def func(self):
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        n = rng.randint(2, 9)
        body = ["\tint n = %d;" % rng.randint(0, 999)]
        for _ in range(n):
            body.append("\tn = (n * %d + %s) %% %d;" % (rng.randint(3, 97), a, rng.randint(100, 9999)))
        return "static int %s_%s_%d(int %s)\n{\n%s\n\treturn n;\n}\n" % (
            a, b, rng.randrange(1000), a, "\n".join(body))

    def mutate(self):
        k = rng.random()
        if k < 0.6 or len(self.funcs) >= 16:
            self.funcs[rng.randrange(len(self.funcs))] = self.func()
        elif k < 0.85 or len(self.funcs) <= 2:
            self.funcs.insert(rng.randrange(len(self.funcs) + 1), self.func())
        else:
            del self.funcs[rng.randrange(len(self.funcs))]

    def render(self):
        return "/* %s */\n#include <stddef.h>\n\n%s" % (self.path, "\n".join(self.funcs))

class MdFile:
    def __init__(self, path):
        self.path = path
        self.paras = [self.para() for _ in range(rng.randint(3, 10))]

    def para(self):
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60))).capitalize() + "."

    def mutate(self):
        if rng.random() < 0.7 or len(self.paras) >= 20:
            self.paras[rng.randrange(len(self.paras))] = self.para()
        else:
            self.paras.append(self.para())

    def render(self):
        title = self.path.rsplit("/", 1)[-1][:-3].replace("-", " ").title()
        return "# %s\n\n%s\n" % (title, "\n\n".join(self.paras))

class PkgJson:
    def __init__(self, path, name):
        self.path = path
        self.name = name
        self.version = [1, rng.randrange(10), 0]
        self.deps = {"lib-%s" % w: "^%d.%d.0" % (rng.randint(1, 9), rng.randrange(20))
                     for w in rng.sample(WORDS, rng.randint(2, 8))}

    def mutate(self):
        k = rng.random()
        if k < 0.5:
            self.version[2] += 1
        else:
            w = "lib-%s" % rng.choice(WORDS)
            self.deps[w] = "^%d.%d.0" % (rng.randint(1, 9), rng.randrange(20))

    def render(self):
        return json.dumps({
            "name": self.name,
            "version": "%d.%d.%d" % tuple(self.version),
            "private": True,
            "scripts": {"build": "make -C ..", "test": "make -C .. check"},
            "dependencies": dict(sorted(self.deps.items())),
        }, indent=2) + "\n"

class JvmOptions:
    def __init__(self, path):
        self.path = path
        self.heap = 2

    def mutate(self):
        self.heap = rng.choice([1, 2, 4, 8, 16])

    def render(self):
        return "-Xms%dg\n-Xmx%dg\n-XX:+UseG1GC\n-XX:HeapDumpPath=/var/lib/elasticsearch\n" % (self.heap, self.heap)

class Static:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.rev = 0

    def mutate(self):
        self.rev += 1

    def render(self):
        return self.text + ("# rev %d\n" % self.rev if self.rev else "")

# ---- The tree: 200 files in 39 leaf directories ----------------------------
security, unrelated, arms = [], [], []

for i in range(12):                       # 12 dirs, 24 files
    a = Arm(i); a.path = "infra/net%02d/nsg.json" % i; security.append(a); arms.append(a)
    unrelated.append(PkgJson("infra/net%02d/parameters.json" % i, "net%02d-params" % i))
for i in range(10):                       # 10 dirs, 20 files
    c = Cfn(i); c.path = "cfn/stack%02d/security-group.yaml" % i; security.append(c)
    unrelated.append(MdFile("cfn/stack%02d/README.md" % i))
for i in range(4):                        # 4 dirs, 8 files
    e = Es(i); e.path = "search/node%02d/config/elasticsearch.yml" % i; security.append(e)
    unrelated.append(JvmOptions("search/node%02d/config/jvm.options" % i))
for m in range(8):                        # 8 dirs, 104 files
    for j in range(13):
        unrelated.append(CFile("src/mod%d/%s_%s.c" % (m, rng.choice(WORDS), rng.choice(WORDS) + str(j))))
for d in ["guide", "ops", "design", "api"]:  # 4 dirs, 36 files
    for j in range(9):
        unrelated.append(MdFile("docs/%s/%s-%s-%d.md" % (d, rng.choice(WORDS), rng.choice(WORDS), j)))
for a in ["web", "admin", "worker"]:     # 1 + 3 dirs, 5 files
    unrelated.append(PkgJson("apps/%s/package.json" % a, "@corp/%s" % a))
unrelated.append(PkgJson("apps/package.json", "@corp/apps"))
unrelated.append(MdFile("apps/CHANGELOG.md"))
unrelated.append(MdFile("README.md"))
unrelated.append(Static("Makefile", "all:\n\t$(MAKE) -C src\n\ncheck: all\n\t./run-tests\n"))
unrelated.append(Static(".gitignore", "*.o\n/build/\nnode_modules/\n"))

# Paths must be unique (the random C names could repeat in principle).
seen = set()
for f in unrelated:
    while f.path in seen:
        f.path = f.path[:-2] + "x.c"
    seen.add(f.path)

files = security + unrelated

AUTHORS = [("Alice Martin", "alice@example.com"), ("Bob Chen", "bob@example.com"),
           ("Carla Diaz", "carla@example.com"), ("Dev Patel", "dev@example.com"),
           ("Erin Walsh", "erin@example.com"), ("ci-bot", "ci@example.com")]
T0 = 1577836800  # 2020-01-01T00:00:00Z

def data(b):
    emit("data %d\n" % len(b))
    emit(b)
    emit("\n")

config_commits = 0

def commit(mark, ref, parents, msg, changed):
    """One commit; returns its mark. parents: first parent, then merged."""
    global config_commits
    if len(parents) == 1 and any(f in security for f in changed):
        config_commits += 1
    name, mail = rng.choice(AUTHORS)
    when = T0 + mark * 1800 + rng.randrange(1800)
    emit("commit %s\nmark :%d\n" % (ref, mark))
    emit("author %s <%s> %d +0000\n" % (name, mail, when))
    emit("committer %s <%s> %d +0000\n" % (name, mail, when))
    data(msg.encode())
    if parents:
        emit("from :%d\n" % parents[0])
    for p in parents[1:]:
        emit("merge :%d\n" % p)
    for f in changed:
        b = f.render().encode()
        f.last = b
        emit("M 100644 inline %s\n" % f.path)
        data(b)
    return mark

def changed_by(f, how):
    """Applies how(f); True when the file's bytes now differ from its last commit."""
    for _ in range(8):
        how(f)
        if f.render().encode() != f.last:
            return True
    return False

open_exposures = []

def ordinary_change():
    """(message, files) for one commit: an exposure (1 in ~500), the fix of
    an earlier one, or 1-4 everyday edits, mostly to files with no rules."""
    roll = rng.random()
    if roll < 1 / 500:
        f = rng.choice(security)
        if changed_by(f, lambda x: x.expose()):
            open_exposures.append(f)
            return "Open %s for a customer test\n" % f.path, [f]
    elif open_exposures and roll < 1 / 500 + 1 / 1500:
        f = open_exposures.pop(rng.randrange(len(open_exposures)))
        if f.close():
            return "Close public access in %s again\n" % f.path, [f]
    chosen = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        f = rng.choice(security if rng.random() < P_SECURITY else unrelated)
        if MODE == "large" and f in security and rng.random() < 0.8:
            f = rng.choice(arms)
        if f not in chosen and changed_by(f, lambda x: x.mutate()):
            chosen.append(f)
    if not chosen:
        f = rng.choice(unrelated)
        changed_by(f, lambda x: x.mutate())
        chosen.append(f)
    msg = "%s %s\n" % (rng.choice(["Update", "Fix", "Tune", "Refactor", "Adjust"]),
                       chosen[0].path.rsplit("/", 1)[-1])
    body = rng.choice(["", "Requested in review.", "Follow-up to the last release.",
                       "See ticket OPS-%d." % rng.randrange(1000, 9999)])
    return (msg + "\n" + body + "\n" if body else msg), chosen

# History: mostly straight commits on main; about 1 step in 25 is a topic
# branch of 1-3 commits off main's tip merged back with a merge commit (so
# the walk meets merges too; audit skips them, git log --raw shows nothing
# for them). Exactly N commits in all.
for f in files:
    f.last = None
mark = commit(1, "refs/heads/main", [], "Initial import\n", files)
main_tip = mark
while mark < N:
    left = N - mark
    if left >= 3 and rng.random() < 1 / 25:
        k = rng.randint(1, min(3, left - 1))
        tip, touched = main_tip, []
        for _ in range(k):
            msg, chosen = ordinary_change()
            mark = tip = commit(mark + 1, "refs/heads/topic", [tip], msg, chosen)
            touched += [f for f in chosen if f not in touched]
        # Main did not move meanwhile, so the merge result is the topic's
        # tree: main's tree plus the files the topic touched.
        mark = main_tip = commit(mark + 1, "refs/heads/main", [main_tip, tip],
                                 "Merge branch 'topic-%d'\n" % mark, touched)
    else:
        msg, chosen = ordinary_change()
        mark = main_tip = commit(mark + 1, "refs/heads/main", [main_tip], msg, chosen)

emit("done\n")
out.write(b"".join(buf))
out.flush()
sys.stderr.write("%d\n" % config_commits)
PY
}

now() { date +%s.%N; }

# Is $1 a repository this script generated, with $commits commits, from the
# same generator and seed?
repo_matches() {
	local dir=$1
	[[ -d $dir/.git || -f $dir/HEAD ]] || return 1
	[[ $(git -C "$dir" config --get bench.generator 2>/dev/null) == "$GENERATOR_VERSION/$seed/$mode" ]] || return 1
	[[ $(git -C "$dir" rev-list --count HEAD 2>/dev/null) == "$commits" ]]
}

if repo_matches "$repo"; then
	printf 'reusing %s (%d commits)\n' "$repo" "$commits"
	gen_seconds=reused
else
	if [[ -e $repo ]]; then
		# Only ever delete a directory this script made.
		if [[ -n $(git -C "$repo" config --get bench.generator 2>/dev/null) ]]; then
			printf 'regenerating %s (different commit count, seed or generator)\n' "$repo"
			rm -rf -- "$repo"
		elif [[ -d $repo && -z $(ls -A -- "$repo") ]]; then
			:
		else
			die "$repo exists and was not made by this script; choose another --repo"
		fi
	fi
	printf 'generating %d commits in %s ...\n' "$commits" "$repo"
	t0=$(now)
	git init -q -b main "$repo"
	git -C "$repo" config gc.auto 0
	git -C "$repo" config gc.autoDetach false
	generate_stream 2>"$tmp_root/config-commits" | git -C "$repo" fast-import --quiet --done
	git -C "$repo" config bench.configcommits "$(tail -n 1 "$tmp_root/config-commits")"
	t1=$(now)
	git -C "$repo" update-ref -d refs/heads/topic
	git -C "$repo" checkout -q main
	# Look like a fresh clone: fast-import deltifies each blob against the
	# previous blob written, whatever its path; a full delta search (-f)
	# gives the per-file delta chains a server would send (half the size).
	# Then a commit-graph, as gc writes one.
	git -C "$repo" repack -a -d -f -q
	git -C "$repo" commit-graph write --reachable --no-progress
	git -C "$repo" pack-refs --all
	git -C "$repo" config bench.generator "$GENERATOR_VERSION/$seed/$mode"
	t2=$(now)
	gen_seconds=$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')
	printf 'generated in %s s (fast-import %.2f s, checkout + repack %.2f s)\n' "$gen_seconds" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
		"$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')"
fi

n_commits=$(git -C "$repo" rev-list --count HEAD)
n_files=$(git -C "$repo" ls-tree -r --name-only HEAD | wc -l)
repo_size=$(du -sh -- "$repo/.git" | cut -f1)
config_commits=$(git -C "$repo" config --get bench.configcommits || echo 0)
head_oid=$(git -C "$repo" rev-parse HEAD)

have_time=false
[[ -x /usr/bin/time ]] && have_time=true

# bench NAME OK_STATUSES CMD... : warm-up (recording max RSS), then best of
# $runs. Sets best_seconds, max_rss_kb and last_status. stdout is discarded; stderr of
# the last run is kept in $tmp_root/NAME.err and shown on failure.
best_seconds=
max_rss_kb=
last_status=
bench() {
	local name=$1 ok=$2
	shift 2
	local err=$tmp_root/$name.err rc t0 t1 i
	rc=0
	if $have_time; then
		/usr/bin/time -o "$tmp_root/$name.rss" -f %M "$@" >/dev/null 2>"$err" || rc=$?
		max_rss_kb=$(tail -n 1 "$tmp_root/$name.rss")
	else
		"$@" >/dev/null 2>"$err" || rc=$?
		max_rss_kb=
	fi
	check_status "$name" "$ok" "$rc" "$err"
	best_seconds=
	for ((i = 0; i < runs; i++)); do
		rc=0
		t0=$(now)
		"$@" >/dev/null 2>"$err" || rc=$?
		t1=$(now)
		check_status "$name" "$ok" "$rc" "$err"
		last_status=$rc
		best_seconds=$(awk -v a="$t0" -v b="$t1" -v best="$best_seconds" \
			'BEGIN { d = b - a; if (best == "" || d < best) best = d; printf "%.3f", best }')
	done
}

check_status() {
	local name=$1 ok=$2 rc=$3 err=$4
	if [[ " $ok " != *" $rc "* ]]; then
		printf 'audit-bench: %s exited with status %d (accepted: %s); its stderr:\n' "$name" "$rc" "$ok" >&2
		sed 's/^/  /' "$err" >&2
		exit 1
	fi
}

# judged: "N judged, M from the cache" from the text summary on stdin.
judged() {
	sed -nE 's/^-- ([0-9]+) commits? judged (\(([0-9]+) from the cache\) )?in .*/\1 judged, \3 from the cache/p' |
		sed 's/, * from the cache/, 0 from the cache/'
}

# timed CMD...: runs it; sets took (seconds) and out (its stdout).
timed() {
	local t0 t1 rc=0
	t0=$(now)
	out=$("$@" 2>"$tmp_root/cached.err") || rc=$?
	t1=$(now)
	check_status cached "0 1" "$rc" "$tmp_root/cached.err"
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

# best A B: the smaller of two times (A may be empty).
best() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (a == "" || b < a) ? b : a }'; }

# The audit cache: an empty one, one holding every commit, and one new
# commit on top (a scratch clone; the repository is left as it was).
bench_cached() {
	local scratch=$tmp_root/scratch file cold= warm= one= cold_n warm_n one_n size i
	git clone -q "$repo" "$scratch"
	git -C "$scratch" config gc.auto 0
	file=$(git -C "$scratch" ls-files '*elasticsearch.yml' | head -n 1)
	for ((i = 0; i < runs; i++)); do
		rm -rf -- "$XDG_CACHE_HOME"
		timed "$driftwatch" audit -C "$scratch" --color never
		cold=$(best "$cold" "$took") cold_n=$(judged <<<"$out")
	done
	size=$(du -sh -- "$XDG_CACHE_HOME/driftwatch" | cut -f1)
	for ((i = 0; i < runs; i++)); do
		timed "$driftwatch" audit -C "$scratch" --color never
		warm=$(best "$warm" "$took") warm_n=$(judged <<<"$out")
	done
	for ((i = 0; i < runs; i++)); do
		printf '# bench change %d\n' "$i" >>"$scratch/$file"
		git -C "$scratch" commit -q -a -m "bench: one new commit ($i)"
		timed "$driftwatch" audit -C "$scratch" --color never
		one=$(best "$one" "$took") one_n=$(judged <<<"$out")
	done
	echo
	printf 'audit cache (--cached), best of %d each; git log --raw --no-renames took %s s\n' "$runs" "$git_seconds"
	printf '  %-24s %8s  %s\n' "empty cache" "$cold" "$cold_n"
	printf '  %-24s %8s  %s\n' "nothing new" "$warm" "$warm_n"
	printf '  %-24s %8s  %s (a change to %s)\n' "one new commit" "$one" "$one_n" "$file"
	printf '  %-24s %8s\n' "cache size" "$size"
}

# Instructions, counted by callgrind: git's walk, and driftwatch's per
# thread (thread 1 walks and judges, the others parse ahead).
bench_instructions() {
	local out=$tmp_root/callgrind f total=0 n t walk='' parse=''
	command -v valgrind >/dev/null || { echo "note: valgrind not installed; instructions not counted"; return; }
	valgrind --tool=callgrind --callgrind-out-file="$out.git" git -C "$repo" log --raw --no-renames HEAD \
		>/dev/null 2>"$tmp_root/callgrind.err" || die "git under callgrind failed"
	git_ir=$(sed -n 's/^summary: //p' "$out.git")
	local rc=0
	valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out.dw" \
		"$driftwatch" audit -C "$repo" -q --no-cache >/dev/null 2>"$tmp_root/callgrind.err" || rc=$?
	check_status "driftwatch under callgrind" "0 1" "$rc" "$tmp_root/callgrind.err"
	for f in "$out.dw"-*; do
		n=${f##*-}
		t=$(sed -n 's/^summary: //p' "$f")
		total=$((total + t))
		if ((10#$n == 1)); then walk=$t; else parse="${parse:+$parse + }$t"; fi
	done
	echo
	echo "instructions (callgrind, one run each; G = 10^9)"
	awk -v g="$git_ir" -v w="$walk" -v t="$total" -v p="$parse" 'BEGIN {
		printf "  %-26s %8.3f G\n", "git log --raw", g / 1e9
		printf "  %-26s %8.3f G (%.2fx git)\n", "driftwatch, all threads", t / 1e9, t / g
		printf "  %-26s %8.3f G (%.2fx git)\n", "  the walk'"'"'s thread", w / 1e9, w / g
		n = split(p, parts, " [+] ")
		for (i = 1; i <= n; i++) printf "  %-26s %8.3f G\n", "  parsing thread " i, parts[i] / 1e9
	}'
}

# The floor: what any audit of this history must do at least, measured
# with git's own code and libyaml (the parser driftwatch uses): read every
# changed *.json, *.yaml and *.yml (its content says whether it is
# infrastructure) and tokenise the YAML ones. Nothing is extracted or
# judged. The bound is the walk on one core and all the rest shared
# perfectly over two.
yaml_floor_c='
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>
/* git cat-file --batch output on stdin; every blob through libyaml events. */
int main(void)
{
	char head[256];
	unsigned long blobs = 0, events = 0;
	while (fgets(head, sizeof head, stdin)) {
		char id[80], type[16];
		size_t size;
		if (sscanf(head, "%79s %15s %zu", id, type, &size) != 3)
			return 2;
		unsigned char *data = malloc(size + 1);
		if (!data || fread(data, 1, size + 1, stdin) != size + 1)
			return 2;
		yaml_parser_t parser;
		yaml_event_t event;
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, data, size);
		while (yaml_parser_parse(&parser, &event)) {
			int end = event.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&event);
			events++;
			if (end)
				break;
		}
		yaml_parser_delete(&parser);
		free(data);
		blobs++;
	}
	fprintf(stderr, "%lu blobs, %lu events\\n", blobs, events);
	return 0;
}
'
bench_floor() {
	local raw=$tmp_root/floor-raw blobs=$tmp_root/floor-blobs yaml=$tmp_root/floor-yaml
	local read_s pipe_s patch_s yaml_s= n n_yaml
	local pick='$5 != "D" && $6 ~ /\.(json|ya?ml)$/ { print $4 }'
	git -C "$repo" log --raw --no-renames --no-merges --no-abbrev --format= HEAD >"$raw"
	awk "$pick" "$raw" >"$blobs"
	awk '$5 != "D" && $6 ~ /\.ya?ml$/ { print $4 }' "$raw" >"$yaml.ids"
	git -C "$repo" cat-file --batch --buffer <"$yaml.ids" >"$yaml"
	n=$(wc -l <"$blobs")
	n_yaml=$(wc -l <"$yaml.ids")
	bench floor-read "0" sh -c 'git -C "$1" cat-file --batch --buffer <"$2"' sh "$repo" "$blobs"
	read_s=$best_seconds
	bench floor-pipe "0" sh -c 'git -C "$1" log --raw --no-renames --no-merges --no-abbrev --format= HEAD |
		awk "$2" | git -C "$1" cat-file --batch --buffer' sh "$repo" "$pick"
	pipe_s=$best_seconds
	bench floor-patch "0" git -C "$repo" log -p --no-renames HEAD -- '*.json' '*.yaml' '*.yml'
	patch_s=$best_seconds
	if printf '%s' "$yaml_floor_c" | ${CC:-cc} -O2 -x c -o "$tmp_root/yaml-floor" - -lyaml 2>"$tmp_root/cc.err"; then
		bench floor-yaml "0" sh -c '"$1" <"$2"' sh "$tmp_root/yaml-floor" "$yaml"
		yaml_s=$best_seconds
	fi
	echo
	printf 'floor (--floor): %d changed config blobs read by git, %d of them YAML; best of %d\n' "$n" "$n_yaml" "$runs"
	awk -v g="$git_seconds" -v r="$read_s" -v p="$pipe_s" -v y="$yaml_s" -v t="$patch_s" -v d="$dw_seconds" 'BEGIN {
		printf "  %-40s %8.3f s (%.2fx git log)\n", "git cat-file --batch of those blobs", r, r / g
		printf "  %-40s %8.3f s (%.2fx git log)\n", "git log --raw | git cat-file --batch", p, p / g
		if (y != "")
			printf "  %-40s %8.3f s (%.2fx git log)\n", "libyaml events over the YAML blobs", y, y / g
		b = (g + r + y) / 2
		if (b < g)
			b = g
		printf "  %-40s %8.2fx git log%s\n", "bound: walk + the rest over two cores", b / g,
			y == "" ? " (without libyaml: cc or libyaml-dev missing)" : ""
		printf "  %-40s %8.3f s (%.2fx git log)\n", "git log -p of the same files", t, t / g
		if (d != "" && d != "n/a")
			printf "  %-40s %8.3f s (%.2fx the bound, %.2fx git log -p)\n", "driftwatch audit", d, d / b, d / t
	}'
}

fmt_rss() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }' || printf 'n/a'; }

printf 'timing: 1 warm-up + best of %d\n' "$runs"
bench git "0" git -C "$repo" log --raw --no-renames HEAD
git_seconds=$best_seconds
git_rss=$max_rss_kb

dw_seconds=
dw_rss=
dw_note=
if [[ -x $driftwatch ]]; then
	bench driftwatch "0 1" "$driftwatch" audit -C "$repo" -q --no-cache
	dw_seconds=$best_seconds
	dw_rss=$max_rss_kb
	audit_status=$last_status
	dw_note="audit exit status $audit_status ($( ((audit_status == 1)) && echo findings || echo 'no findings'))"
else
	dw_note="driftwatch not found at $driftwatch (build it, or set DRIFTWATCH=path); only git was timed"
fi

echo
printf '%-28s %s\n' "repository" "$repo"
printf '%-28s %s\n' "HEAD" "$head_oid"
printf '%-28s %s\n' "size (.git)" "$repo_size"
printf '%-28s %s\n' "generation (s)" "$gen_seconds"
printf '%-28s %s (%s of %d commits change a config file)\n' "mode" "$mode" "$config_commits" "$n_commits"
echo
printf '%8s %6s %10s %13s %17s %12s %12s\n' commits files "git (s)" "driftwatch (s)" "ratio (target<=1)" "git RSS" "dw RSS"
if [[ -n $dw_seconds ]]; then
	ratio=$(awk -v d="$dw_seconds" -v g="$git_seconds" 'BEGIN { if (g > 0) printf "%.2f", d / g; else print "inf" }')
else
	ratio=n/a
	dw_seconds=n/a
fi
printf '%8s %6s %10s %13s %17s %12s %12s\n' "$n_commits" "$n_files" "$git_seconds" "$dw_seconds" "$ratio" \
	"$(fmt_rss "$git_rss")" "$( [[ -x $driftwatch ]] && fmt_rss "$dw_rss" || printf 'n/a')"
echo
$have_time || echo "note: /usr/bin/time not installed (package 'time'); max RSS not measured"
echo "note: $dw_note"
if [[ $ratio != n/a ]] && awk -v r="$ratio" 'BEGIN { exit !(r != "inf" && r <= 1) }'; then
	echo "target met: driftwatch/git = $ratio <= 1"
elif [[ $ratio != n/a ]]; then
	echo "target missed: driftwatch/git = $ratio > 1"
fi
if $cached && [[ -x $driftwatch ]]; then
	bench_cached
fi
if $instructions && [[ -x $driftwatch ]]; then
	bench_instructions
fi
if $floor; then
	bench_floor
fi
exit 0
