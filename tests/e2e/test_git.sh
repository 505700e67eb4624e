#!/usr/bin/env bash
# test_git.sh - the git plumbing at its edges: a file replaced by a
# directory of the same name, a mode-only change, a submodule entry, a
# symlink named like a config file, git's tree order ("a.json" sorts
# before "a/"), a blob past the size limit, and a shallow clone.
. "$(dirname "$0")/lib.sh"

sg() { # sg NAME CIDR PORT
	printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  %s:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: %s, ToPort: %s, CidrIp: %s}\n' "$1" "$3" "$3" "$2"
}

repo=$(new_repo edges)
sg Web 0.0.0.0/0 443 > "$repo/a.json.yaml"
mkdir -p "$repo/a"
sg Db 10.0.0.0/8 5432 > "$repo/a/db.yaml"
commit "$repo" "base"

# A file replaced by a directory holding the same resource.
git -C "$repo" rm -q a.json.yaml
mkdir "$repo/a.json.yaml"
sg Web 0.0.0.0/0 443 > "$repo/a.json.yaml/sg.yaml"
commit "$repo" "file becomes a directory"
dw diff -C "$repo" HEAD --format json -v
status_is "file replaced by a directory: exit 0" 0
json_check "file replaced by a directory holding the same group: no finding" "f == []"

# Entries that sort differently as file and tree ("a.yaml" < "a/" < "a0").
sg Db 0.0.0.0/0 5432 > "$repo/a/db.yaml"
sg Side 0.0.0.0/0 22 > "$repo/a.yaml"
sg After 0.0.0.0/0 3389 > "$repo/a0.yaml"
commit "$repo" "three neighbours in git's tree order"
dw diff -C "$repo" HEAD --format json
json_check "changes on both sides of a directory in tree order are all found" \
	"{x['resource'] for x in f} >= {'aws-sg:Db','aws-sg:Side','aws-sg:After'}"

chmod +x "$repo/a/db.yaml"
commit "$repo" "mode only"
dw diff -C "$repo" HEAD --format json -v
status_is "mode-only change: exit 0" 0
json_check "mode-only change: no finding" "f == []"

sub=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" update-index --add --cacheinfo "160000,$sub,vendor/sub.json"
git -C "$repo" commit -q -m "a submodule entry named like a config file"
dw diff -C "$repo" HEAD --format json
status_is "a submodule entry is never read as a blob: exit 0" 0
json_check "a submodule at a config path is reported (DW-PARSE-002), not followed" \
	"[x['rule'] for x in f] == ['DW-PARSE-002'] and 'submodule' in f[0]['message'] and f[0]['severity']=='low'"

ln -s /etc/passwd "$repo/evil.json"
commit "$repo" "a symlink named like a config file"
dw diff -C "$repo" HEAD --format json
status_is "a symlink is not followed or parsed: exit 0" 0
json_check "a symlink at a config path is reported (DW-PARSE-002)" \
	"[x['rule'] for x in f] == ['DW-PARSE-002'] and 'symbolic link' in f[0]['message']"
ln -s /etc/hostname "$repo/evil2.yaml"
dw diff -C "$repo" --format json
status_is "work tree: the symlink is not read either: exit 0" 0
json_check "work tree: an untracked symlink is reported too" \
	"any(x['rule']=='DW-PARSE-002' and x['file']=='evil2.yaml' for x in f)"
rm "$repo/evil2.yaml"

python3 -c "
import sys
sys.stdout.write('{\"resources\": [{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"big\", \"properties\": {\"securityRules\": []}, \"pad\": \"' + 'x' * (9 << 20) + '\"}]}')
" > "$repo/big.json"
commit "$repo" "a blob past 8 MiB"
# A new file never readable: medium (DW-PARSE-004), so it fails at medium.
dw diff -C "$repo" HEAD --format json --fail-on medium
status_is "a blob past the size limit fails the change: exit 1" 1
json_check "a new blob past the size limit is DW-PARSE-004 'larger than 8 MiB', could not be checked" \
	"any(x['rule']=='DW-PARSE-004' and x['severity']=='medium' and x['unchecked'] and x['file']=='big.json' and 'larger than 8 MiB' in x['message'] for x in f)"

git clone -q --depth 1 "file://$repo" "$WORK/shallow"
dw audit -C "$WORK/shallow"
status_is "audit of a shallow clone: exit 2, never a silent pass" 2
case "$ERR" in *shallow*) ok "the error says the clone is shallow" ;; *) not_ok "the error says the clone is shallow" "$ERR" ;; esac

done_testing
