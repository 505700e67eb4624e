#!/usr/bin/env bash
# json-bench.sh - the JSON reader, old (json-glib, at a git revision) against
# new (this tree): source lines, parse speed in MB/s on generated ARM,
# CloudFormation and Kubernetes JSON of 10 KB, 1 MB and 2 MB, and RSS
# growth over repeated parses of the same 2 MB document.
#
# Each side's diff/ is compiled alone (-O2, as debugoptimized builds) and
# linked with the same driver, so the figures compare readers, not builds.
# Speed is bytes over the process's CPU time (not wall time), so that a
# busy machine slows both sides alike; each figure is the best of 3 runs
# of at least a second each.
#
# usage: bench/json-bench.sh [OLD-REV [NEW-REV [LOOPS]]]
#   OLD-REV  default: the parent of the commit that removed json-glib from
#            diff/doc_json.c
#   NEW-REV  default: the work tree
#   LOOPS    parses of the 2 MB document for the RSS figure (default 1000)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
old=${1:-}
if [ -z "$old" ]; then
	gone=$(git log -1 --format=%H -S'json_parser_load_from_data' -- diff/doc_json.c)
	old=$gone^
fi
new=${2:-}
loops=${3:-1000}
[ "$loops" -gt 100 ] || { echo "LOOPS must be more than 100" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgs="glib-2.0 json-glib-1.0 yaml-0.1"

# Generated inputs, pretty-printed as templates are kept in repositories.
python3 - "$tmp" <<'PY'
import json, random, sys
out = sys.argv[1]
rnd = random.Random(13)
def cidr():
    return rnd.choice(["10.%d.0.0/16" % rnd.randrange(256), "192.168.%d.0/24" % rnd.randrange(256),
                       "203.0.113.%d/32" % rnd.randrange(256), "*", "Internet", "VirtualNetwork"])
def arm_rule(i):
    return {"name": "rule-%d" % i, "properties": {
        "description": "allow \u00e9quipe %d // not a comment" % i, "protocol": rnd.choice(["Tcp", "Udp", "*"]),
        "sourcePortRange": "*", "destinationPortRange": str(rnd.choice([22, 80, 443, 3389, 9200])),
        "sourceAddressPrefix": cidr(), "destinationAddressPrefix": "*",
        "access": rnd.choice(["Allow", "Deny"]), "priority": 100 + i, "direction": "Inbound"}}
def arm_res(n):
    return {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
            "name": "[concat(parameters('prefix'), '-nsg-%d')]" % n, "location": "[resourceGroup().location]",
            "tags": {"env": "prod", "owner": "net-team"},
            "properties": {"securityRules": [arm_rule(i) for i in range(20)]}}
def cfn_res(n):
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "web tier %d" % n, "VpcId": {"Ref": "VpcId"},
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "CidrIp": cidr(),
                                  "Description": "port %d" % p} for p in (22, 80, 443, 8080, 9200, 5432)],
        "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-sg-%d" % n}}]}}
def k8s_item(n):
    if n % 2:
        return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc-%d" % n, "namespace": "prod",
                "labels": {"app": "web-%d" % n}, "annotations": {"service.beta.kubernetes.io/aws-load-balancer-internal": "false"}},
                "spec": {"type": "LoadBalancer", "selector": {"app": "web-%d" % n},
                         "ports": [{"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP", "nodePort": 30000 + n % 2000}],
                         "loadBalancerSourceRanges": [cidr() for _ in range(3)]}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "np-%d" % n, "namespace": "prod"},
            "spec": {"podSelector": {"matchLabels": {"app": "web-%d" % n}}, "policyTypes": ["Ingress"],
                     "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
                                           {"namespaceSelector": {"matchLabels": {"team": "ops"}}}],
                                  "ports": [{"protocol": "TCP", "port": 5432}, {"protocol": "TCP", "port": 6379}]}]}}
def doc(kind, n):
    if kind == "arm":
        return {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "parameters": {"prefix": {"type": "string", "defaultValue": "web"}},
                "resources": [arm_res(i) for i in range(n)]}
    if kind == "cfn":
        return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Sg%d" % i: cfn_res(i) for i in range(n)}}
    return {"apiVersion": "v1", "kind": "List", "items": [k8s_item(i) for i in range(n)]}
for kind in ("arm", "cfn", "k8s"):
    for label, size in (("10k", 10 << 10), ("1m", 1 << 20), ("2m", 2 << 20)):
        n, text = 1, ""
        while True:
            text = json.dumps(doc(kind, n), indent=2, ensure_ascii=False) + "\n"
            if len(text.encode()) >= size:
                break
            n = max(n + 1, int(n * size / len(text.encode())))
        open("%s/%s-%s.json" % (out, kind, label), "w").write(text)
PY

cat >"$tmp/driver.c" <<'C'
#include "doc.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

/* CPU time of this process in microseconds. */
static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	if (f != NULL)
		fclose(f);
	return kb;
}

static void parse(const char *data, size_t len)
{
	g_autoptr(GError) error = NULL;
	struct doc *d = NULL;

	if (!doc_parse_json(&d, "bench.json", data, len, NULL, &error)) {
		fprintf(stderr, "%s\n", error->message);
		exit(1);
	}
	doc_free(d);
}

int main(int argc, char **argv)
{
	gchar *data;
	gsize len;

	if (argc < 3 || !g_file_get_contents(argv[2], &data, &len, NULL))
		return 2;
	if (strcmp(argv[1], "speed") == 0) {
		double best = 0;

		for (int run = 0; run < 3; run++) {
			double start = cpu_us(), took;
			long n = 0;

			do {
				parse(data, len);
				n++;
				took = cpu_us() - start;
			} while (took < 1e6 || n < 3);
			best = MAX(best, (double)len * n / took);
		}
		printf("%.1f\n", best);
	} else {
		/* RSS before any parse, after 1, 10 and 100, and after all */
		long loops = argc > 3 ? atol(argv[3]) : 1000;

		printf("%ld", rss_kb());
		for (long i = 1; i <= loops; i++) {
			parse(data, len);
			if (i == 1 || i == 10 || i == 100 || i == loops)
				printf(" %ld", rss_kb());
		}
		printf("\n");
	}
	g_free(data);
	return 0;
}
C

# build SIDE REV: the driver linked with REV's diff/ (the work tree when REV is empty).
build() {
	local side=$1 rev=$2 src=$root/diff
	mkdir -p "$tmp/$side"
	if [ -n "$rev" ]; then
		git archive "$rev" diff | tar -x -C "$tmp/$side"
		src=$tmp/$side/diff
	fi
	(cd "$tmp/$side" && cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$src" \
		$(pkg-config --cflags $pkgs) -c "$src"/*.c && ar rcs libengine.a ./*.o)
	cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -I"$src" $(pkg-config --cflags $pkgs) \
		"$tmp/driver.c" "$tmp/$side/libengine.a" $(pkg-config --libs $pkgs) -o "$tmp/$side/driver"
	# lines, and lines of code (neither blank nor only comment)
	awk '/^[ \t]*$/ { next } /^[ \t]*\/\*/ { c = 1 } !c && !/^[ \t]*\/\// { code++ }
		/\*\// { c = 0 } END { print NR, code }' "$src/doc_json.c" >"$tmp/$side/lines"
}
build old "$old"
build new "$new"

echo "old: $(git rev-parse --short "$old"), new: ${new:-work tree}"
printf '%-22s %10s %10s\n' "" old new
read -r old_lines old_code <"$tmp/old/lines"
read -r new_lines new_code <"$tmp/new/lines"
printf '%-22s %10s %10s\n' "doc_json.c lines" "$old_lines" "$new_lines"
printf '%-22s %10s %10s\n' "  of them code" "$old_code" "$new_code"
for f in arm-10k arm-1m arm-2m cfn-10k cfn-1m cfn-2m k8s-10k k8s-1m k8s-2m; do
	printf '%-22s %10s %10s\n' "$f MB/s" "$("$tmp/old/driver" speed "$tmp/$f.json")" \
		"$("$tmp/new/driver" speed "$tmp/$f.json")"
done
# Growth from parse 1 to the last is what repeated parses cost; from 100
# on, once the allocator has settled, it is what each further parse leaks.
for side in old new; do
	read -r r0 r1 r10 r100 rn < <("$tmp/$side/driver" rss "$tmp/arm-2m.json" "$loops")
	echo "$side: RSS KB: start $r0, after 1 parse $r1, 10 $r10, 100 $r100, $loops $rn;" \
		"growth $(( (rn - r1) * 1024 / (loops - 1) )) bytes a parse over parses 2-$loops," \
		"$(( (rn - r100) * 1024 / (loops - 100) )) over 101-$loops"
done
