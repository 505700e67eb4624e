#!/usr/bin/env bash
# test_cli.sh - driftwatch's modes and exit statuses: diff with zero,
# one and two revisions, --files outside a repository, surface, audit
# with --first-parent, malformed input, and usage errors.
. "$(dirname "$0")/lib.sh"

sg() { # sg CIDR PORT: a CloudFormation security group admitting tcp/PORT from CIDR
	cat <<YAML
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: $2
          ToPort: $2
          CidrIp: $1
YAML
}

repo=$(new_repo cli)
sg 10.0.0.0/8 22 > "$repo/sg.yaml"
commit "$repo" "ssh from the office"

dw diff -C "$repo" --format json
status_is "clean work tree: exit 0" 0
json_check "clean work tree: no findings" "f == []"

sg 0.0.0.0/0 22 > "$repo/sg.yaml"
dw diff -C "$repo" --format json
status_is "work tree opening ssh to the Internet: exit 1" 1
json_check "work tree change is DW-NET-003 high on tcp/22" \
	"len(f)>=1 and f[0]['rule']=='DW-NET-003' and f[0]['severity']=='high' and f[0]['widened'].startswith('tcp/22 from ') and f[0]['file']=='sg.yaml' and f[0]['line']==8"

dw diff -C "$repo" --fail-on critical -q
status_is "--fail-on critical: a high finding exits 0" 0

mkdir -p "$repo/more"
sg 0.0.0.0/0 6379 > "$repo/more/redis.yaml"
dw diff -C "$repo" --format json
json_check "untracked files are read too (redis critical)" \
	"any(x['rule']=='DW-NET-001' and x['severity']=='critical' and x['file']=='more/redis.yaml' and 'Redis' in x['message'] for x in f)"
commit "$repo" "open ssh and redis"

dw diff -C "$repo" HEAD --format json
status_is "one revision: that commit against its parent, exit 1" 1
json_check "one revision: the findings carry the commit" \
	"all(x['commit']==\"$(git -C "$repo" rev-parse HEAD)\" for x in f) and len(f)>=2"

dw diff -C "$repo" HEAD HEAD~1 --format json -v
status_is "two revisions, reversed: only narrowing, exit 0" 0
json_check "two revisions, reversed: narrowing is info" "f and all(x['severity']=='info' for x in f)"

dw diff -C "$repo" HEAD~1 HEAD -q
status_is "two revisions: exit 1" 1

sg 10.0.0.0/8 5432 > "$WORK/old.yaml"
sg 0.0.0.0/0 5432 > "$WORK/new.yaml"
cd "$WORK"
dw diff --files old.yaml new.yaml --format json
cd - >/dev/null
status_is "--files outside a repository: exit 1" 1
json_check "--files finds PostgreSQL opened to the Internet" \
	"any(x['rule']=='DW-NET-001' and 'PostgreSQL' in x['message'] for x in f)"
dw diff --files "$WORK/old.yaml" "$WORK/old.yaml" -q
status_is "--files, same file: exit 0" 0

dw surface -C "$repo"
status_is "surface exits 0" 0
case "$OUT" in
*"aws-sg:AppSG"*"allows: tcp/22 from 0.0.0.0/0"*) ok "surface prints the canonical set" ;;
*) not_ok "surface prints the canonical set" "$OUT" ;;
esac

printf '{"resources": [{"type": "Microsoft.Network/networkSecurityGroups",\n  "name": "x",\n  "properties": {"securityRules": [ ' > "$repo/broken.json"
dw diff -C "$repo" --format json --fail-on medium
status_is "a malformed new config file fails at medium (exit 1), never passes" 1
json_check "the malformed new file is DW-PARSE-004 with file and line" \
	"any(x['rule']=='DW-PARSE-004' and x['file']=='broken.json' for x in f) and any(e['file']=='broken.json' and e['line']>=1 and 'broken.json:' in e['message'] for e in d['errors'])"
rm "$repo/broken.json"

# A merge: the branch opens MySQL; --first-parent sees it on the merge.
git -C "$repo" checkout -q -b feature
sg 0.0.0.0/0 3306 > "$repo/db.yaml"
commit "$repo" "db on the branch"
git -C "$repo" checkout -q main
git -C "$repo" merge -q --no-ff -m "merge feature" feature
dw audit -C "$repo" --format json
json_check "audit: the branch commit is reported" \
	"any(x['subject']=='db on the branch' and 'MySQL' in x['message'] for x in f)"
json_check "audit: merges are skipped without --first-parent" "not any(x['subject']=='merge feature' for x in f)"
dw audit -C "$repo" --first-parent --format json
json_check "audit --first-parent: the merge carries it" \
	"any(x['subject']=='merge feature' and 'MySQL' in x['message'] for x in f) and not any(x['subject']=='db on the branch' for x in f)"
dw audit -C "$repo" HEAD~1..HEAD --format json
json_check "audit A..B: only commits in the range" "not any(x['subject']=='open ssh and redis' for x in f)"

dw diff -C "$repo" no-such-rev
status_is "unknown revision: exit 2" 2
case "$ERR" in *"no-such-rev"*) ok "unknown revision: stderr names it" ;; *) not_ok "unknown revision: stderr names it" "$ERR" ;; esac
dw diff -C "$repo" --format xml
status_is "unknown format: exit 2" 2
dw surface -C "$repo" --format sarif
status_is "surface --format sarif (findings only): exit 2" 2
dw diff -C "$repo" --no-such-option
status_is "unknown option: exit 2" 2
dw audit -C "$WORK/not-a-repo"
status_is "not a repository: exit 2" 2
dw frobnicate
status_is "unknown command: exit 2" 2
dw diff --help
status_is "--help: exit 0" 0
case "$OUT" in *"Exit status"*) ok "--help teaches the exit statuses" ;; *) not_ok "--help teaches the exit statuses" "$OUT" ;; esac
dw --version
case "$OUT" in "driftwatch 0."*"libgit2 1."*"libyaml 0."*"json-glib 1."*"GLib 2."*) ok "--version names the libraries it runs with" ;; *) not_ok "--version names the libraries it runs with" "$OUT" ;; esac
dw rules
case "$OUT" in *"DW-NET-001"*critical*) ok "rules lists the pack" ;; *) not_ok "rules lists the pack" "$OUT" ;; esac
dw explain DW-SET-001
status_is "explain a rule: exit 0" 0
DRIFTWATCH_RULES="$WORK/missing.yml" dw rules
status_is "missing rule pack: exit 2" 2

# The user's own rule file, layered on the pack.
mkdir -p "$XDG_CONFIG_HOME/driftwatch"
cat > "$XDG_CONFIG_HOME/driftwatch/rules.yml" <<'YAML'
sensitive:
  - {service: Internal admin, ports: "tcp/8022", kind: admin}
rules:
  - id: DW-NET-003
    severity: medium
YAML
sg 0.0.0.0/0 8022 > "$WORK/admin.yaml"
dw diff --files "$WORK/old.yaml" "$WORK/admin.yaml" --format json
json_check "user rule file: its port is sensitive (DW-NET-001)" \
	"any(x['rule']=='DW-NET-001' and 'Internal admin' in x['message'] for x in f)"
sg 0.0.0.0/0 22 > "$WORK/ssh.yaml"
dw diff --files "$WORK/old.yaml" "$WORK/ssh.yaml" --format json
json_check "user rule file: DW-NET-003 lowered to medium" \
	"any(x['rule']=='DW-NET-003' and x['severity']=='medium' for x in f)"
status_is "user rule file: a medium finding exits 0" 0
dw rules
case "$OUT" in *"DW-NET-003   medium"*) ok "rules shows the user's severity" ;; *) not_ok "rules shows the user's severity" "$OUT" ;; esac
printf 'rules:\n  - {id: DW-NET-002, severity: low}\n' > "$WORK/extra.yml"
dw rules --extra-rules "$WORK/extra.yml"
case "$OUT" in *"DW-NET-002   low"*) ok "--extra-rules layers a file on the pack" ;; *) not_ok "--extra-rules layers a file on the pack" "$OUT" ;; esac
printf 'rules:\n  - {id: DW-NET-003, severity: low}\n  - {id: MY-RULE, severity: high}\n' > "$XDG_CONFIG_HOME/driftwatch/rules.yml"
dw diff --files "$WORK/old.yaml" "$WORK/ssh.yaml"
status_is "user rule file with a new rule id: exit 2" 2
case "$ERR" in *"driftwatch/rules.yml:3: unknown rule MY-RULE"*) ok "new rule id: path:line error" ;; *) not_ok "new rule id: path:line error" "$ERR" ;; esac
rm -r "$XDG_CONFIG_HOME/driftwatch"

# formats: the table of what is read, one block per format.
dw formats
status_is "formats exits 0" 0
for name in "Azure ARM template" "AWS CloudFormation" "Elasticsearch / OpenSearch"; do
	check "formats lists $name" grep -qx "$name" <<<"$OUT"
done
check "formats names each identity" grep -q "identity:  azure-nsg:NAME" <<<"$OUT"
dw formats extra
status_is "formats takes no argument" 2

done_testing
