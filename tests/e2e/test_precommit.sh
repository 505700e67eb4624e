#!/usr/bin/env bash
# test_precommit.sh - the repository's .pre-commit-hooks.yaml under the
# real pre-commit framework (Debian's pre-commit package): a repository
# uses driftwatch's hooks by URL and rev as any other, the commit stage
# refuses a staged widening and lets a narrowing through, and the push
# stage refuses a push whose net effect widens exposure. Skipped when
# pre-commit is not installed (packaging/install-deps.sh installs it).
. "$(dirname "$0")/lib.sh"

if ! command -v pre-commit >/dev/null; then
	ok "pre-commit framework # SKIP pre-commit is not installed"
	done_testing
	exit
fi
# pre-commit's own cache and no colour; driftwatch found on the PATH as
# language: system expects.
export PRE_COMMIT_HOME="$WORK/pre-commit-home" PRE_COMMIT_COLOR=never
mkdir -p "$WORK/bin"
ln -s "$DRIFTWATCH" "$WORK/bin/driftwatch"
export PATH="$WORK/bin:$PATH"

# The hooks repository, as pre-commit would clone it: the file under test
# committed at a revision.
hooks=$(new_repo hooks)
cp "$SRCDIR/.pre-commit-hooks.yaml" "$hooks/"
commit "$hooks" "hooks"
rev=$(git -C "$hooks" rev-parse HEAD)

sg() { # sg CIDR: an AWS security group letting SSH in from CIDR
	printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  BastionSG:\n'
	printf '    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: bastion\n'
	printf '      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: %s}\n' "$1"
}

repo=$(new_repo infra)
cat >"$repo/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: driftwatch
      - id: driftwatch-push
YAML
mkdir -p "$repo/net"
sg 10.20.0.0/16 >"$repo/net/bastion.yaml"
commit "$repo" "bastion from the VPN"
check "pre-commit install --hook-type pre-commit --hook-type pre-push" \
	sh -c "cd '$repo' && pre-commit install --hook-type pre-commit --hook-type pre-push"

# commit_as MESSAGE: git commit through the installed hook; sets OUT, STATUS.
commit_as() {
	STATUS=0
	OUT=$(cd "$repo" && git add -A && git commit -q -m "$1" 2>&1) || STATUS=$?
}

sg 0.0.0.0/0 >"$repo/net/bastion.yaml"
head_before=$(git -C "$repo" rev-parse HEAD)
commit_as "ssh from anywhere"
same "a staged widening: the commit is refused" "$STATUS" 1
check "the refusal names the rule" \
	grep -q "DW-NET-003.*" <<<"$OUT"
check "the refusal shows where and what" \
	grep -q "net/bastion.yaml:8" <<<"$OUT"
same "a refused commit leaves HEAD where it was" "$(git -C "$repo" rev-parse HEAD)" "$head_before"
check "pre-commit reports the driftwatch hook as failed" \
	grep -q "driftwatch (does the staged change widen exposure?).*Failed" <<<"$OUT"

sg 10.20.1.0/24 >"$repo/net/bastion.yaml"
commit_as "ssh from the admin subnet only"
same "a staged narrowing: the commit goes through" "$STATUS" 0
check "pre-commit reports the driftwatch hook as passed" \
	grep -q "driftwatch (does the staged change widen exposure?).*Passed" <<<"$OUT"

# The push stage: a bare remote at the current tip, then a widening
# committed past the commit hook (--no-verify) must be stopped at push.
remote="$WORK/remote.git"
git init -q --bare "$remote"
git -C "$repo" remote add origin "$remote"
check "the first push, with no widening, goes through" git -C "$repo" push -q origin main
sg 0.0.0.0/0 >"$repo/net/bastion.yaml"
git -C "$repo" add -A
git -C "$repo" commit -q --no-verify -m "ssh from anywhere, past the commit hook"
STATUS=0
OUT=$(cd "$repo" && git push origin main 2>&1) || STATUS=$?
same "a push of a widening commit is refused by the push stage" "$STATUS" 1
check "the push refusal names the commit's finding" grep -q "DW-NET-003" <<<"$OUT"
same "the remote's main did not move" "$(git -C "$remote" rev-parse main)" "$(git -C "$repo" rev-parse HEAD~1)"
# Judged by net effect, as the server gate judges a ref: the widening and
# its revert pushed together change nothing.
git -C "$repo" revert --no-edit HEAD >/dev/null
STATUS=0
OUT=$(cd "$repo" && git push origin main 2>&1) || STATUS=$?
same "a widening pushed with its revert: the push goes through" "$STATUS" 0
same "the remote's main is the local one" "$(git -C "$remote" rev-parse main)" "$(git -C "$repo" rev-parse HEAD)"

done_testing
