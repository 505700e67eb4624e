#!/usr/bin/env bash
# test_hook_approval.sh - who may approve at the server gate, with real
# pushes: a bare repository with `driftwatch install-hook`, one approver
# (alice) and non-approvers (mallory; bob, whose key git knows), SSH
# signing keys made here with ssh-keygen, and checks that no ref moves on
# any rejection.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hook_lib.sh"

EX=$SRCDIR/examples/incident
unset GL_ID GL_USERNAME GITEA_PUSHER_NAME GL_USER

# unmoved NAME: the server's main is still $tip.
unmoved() {
	same "$1" "$(rev "$S" main)" "$tip"
}

# --- keys: alice (an approver) and bob (known to git, not an approver) ---
for who in alice bob mallory; do
	ssh-keygen -q -t ed25519 -N "" -C "$who" -f "$WORK/$who.key"
done
printf 'alice %s\nbob %s\n' "$(cat "$WORK/alice.key.pub")" "$(cat "$WORK/bob.key.pub")" >"$WORK/allowed_signers"

# signed WHO DIR ARGS...: git commit signed with WHO's SSH key.
signed() {
	local who=$1 dir=$2
	shift 2
	git -C "$dir" -c gpg.format=ssh -c user.signingkey="$WORK/$who.key" commit -q -S "$@"
}

# --- a gitolite-style server: the pusher is GL_USER -------------------
git init -q --bare -b main "$WORK/g.git"
"$DRIFTWATCH" install-hook --gitolite --repo "$WORK/g.git" >"$WORK/g.install" 2>&1
S=$WORK/g.git W=$WORK/g
git --git-dir="$S" config driftwatch.approver alice
git --git-dir="$S" config gpg.ssh.allowedSignersFile "$WORK/allowed_signers"
git --git-dir="$S" config driftwatch.log "$WORK/decisions.log"
check "install-hook --gitolite takes the pusher from GL_USER" grep -q -- "--identity=gitolite" "$S/hooks/pre-receive"
git clone -q "$S" "$W" 2>/dev/null
export GL_USER=mallory
cp "$EX/1-initial"/* "$W"/ && commit "$W" "Initial support cluster"
push "$W" origin main
expect "the first push is accepted" 0 "accepted refs/heads/main"
base=$(git -C "$W" rev-parse HEAD)
tip=$base

# What the finding id is: read from the gate's own output.
cp "$EX/3-open-9200"/* "$W"/ && commit "$W" "Open 9200"
push "$W" origin main
expect "opening 9200 is rejected" 1 "REJECTED refs/heads/main" "CRITICAL DW-NET-001"
id=$(grep -oE 'driftwatch.approve=v?[0-9a-f]+' <<<"$PERR" | head -1 | cut -d= -f2)
check "the rejection names the finding's id" test -n "$id"
lacks "... and prints no placeholder id" "approve=ID|Exposure-Approved: ID "
expect "... names the approvers" 1 "approved by an approver \(alice\)"
expect "... says the threshold and where it comes from" 1 "threshold high, the default"
expect "... gives the rule's remediation" 1 "fix: "
expect "... and the comment form, on the finding's line" 1 "driftwatch:allow DW-NET-001 <reason> +at es-nsg.json:[0-9]+"
expect "... and the trailer form with the id" 1 "Exposure-Approved: $id <reason>"

# --- a trailer --------------------------------------------------------
git -C "$W" reset -q --hard "$base"
cp "$EX/3-open-9200"/* "$W"/ && git -C "$W" add -A
git -C "$W" commit -q -m "Open 9200 for the migration" -m "Exposure-Approved: $id migration window"
push "$W" origin main
expect "a non-approver's own trailer is rejected, not counted, naming the pusher" 1 \
	"REJECTED refs/heads/main" "not counted: written by mallory, who is not an approver"
unmoved "... and the ref did not move"
git -C "$W" reset -q --hard "$base"
cp "$EX/3-open-9200"/* "$W"/ && git -C "$W" add -A
signed alice "$W" -m "Open 9200 for the migration" -m "Exposure-Approved: $id migration window"
push "$W" origin main
expect "the same trailer in a commit signed by an approver's key is accepted" 0 \
	"accepted refs/heads/main: 1 finding approved" "vouched for by alice in this commit: migration window"
tip=$(rev "$S" main)
same "... and the ref moved" "$tip" "$(git -C "$W" rev-parse HEAD)"
check "... and the log names the trailer" grep -q "pusher=mallory verdict=accepted.*approvals=$id/trailer/" "$WORK/decisions.log"

# From here on the exposure is on the server; each case opens something new.
cat >"$W/ssh-sg.yml" <<'CFN'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SshSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
CFN
commit "$W" "SSH from anywhere"
push "$W" origin main
expect "SSH from anywhere is rejected (high)" 1 "REJECTED refs/heads/main" "HIGH DW-NET-003"
ssh_id=$(grep -oE 'driftwatch.approve=v?[0-9a-f]+' <<<"$PERR" | head -1 | cut -d= -f2)
ssh_commit=$(git -C "$W" rev-parse HEAD)

git -C "$W" reset -q --hard "$tip"
cp "$WORK/../$(basename "$WORK")/g/ssh-sg.yml" "$W/" 2>/dev/null || git -C "$W" checkout -q "$ssh_commit" -- ssh-sg.yml
git -C "$W" add -A
signed bob "$W" -m "SSH from anywhere" -m "Exposure-Approved: $ssh_id bob says so"
push "$W" origin main
expect "a trailer signed by a key git knows, but not an approver's, is not counted" 1 \
	"REJECTED refs/heads/main" "not counted"
unmoved "... and the ref did not move"

# --- a later trailer reaches back: never ------------------------------
git -C "$W" reset -q --hard "$tip"
git -C "$W" checkout -q "$ssh_commit" -- ssh-sg.yml && commit "$W" "SSH from anywhere"
signed alice "$W" --allow-empty -m "Approve the earlier commit" \
	-m "Exposure-Approved: $ssh_id reaching back
Exposure-Approved: 0123456789ab no such finding"
GL_USER=alice push "$W" origin main
expect "an approver's trailer in a later commit does not approve an earlier commit's finding" 1 \
	"REJECTED refs/heads/main" "HIGH DW-NET-003"
expect "... and it is named as matching nothing" 1 \
	"warning: Exposure-Approved: $ssh_id in [0-9a-f]{12} matches no finding that commit introduced"
expect "... as is an id that matches no finding at all" 1 "Exposure-Approved: 0123456789ab in"
unmoved "... and the ref did not move"

# --- an inline comment ------------------------------------------------
git -C "$W" reset -q --hard "$tip"
cat >"$W/ssh-sg.yml" <<'CFN'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SshSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}  # driftwatch:allow DW-NET-003 bastion
CFN
commit "$W" "SSH from anywhere, with a comment"
push "$W" origin main
expect "a non-approver's inline comment is rejected, not counted" 1 "REJECTED refs/heads/main" \
	"comment driftwatch:allow DW-NET-003 at ssh-sg.yml:[0-9]+ not counted: written by mallory, who is not an approver"
unmoved "... and the ref did not move"
GL_USER=alice push "$W" origin main
expect "the same comment pushed by an approver is accepted" 0 "accepted refs/heads/main" \
	"approved by a comment at ssh-sg.yml:[0-9]+: bastion"
tip=$(rev "$S" main)

# --- the policy file --------------------------------------------------
cat >"$W/web-sg.yml" <<'CFN'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  RdpSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: rdp
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
CFN
commit "$W" "RDP from anywhere"
push "$W" origin main
rdp_id=$(grep -oE 'driftwatch.approve=v?[0-9a-f]+' <<<"$PERR" | head -1 | cut -d= -f2)
check "RDP from anywhere is rejected with an id" test -n "$rdp_id"
cat >"$W/.driftwatch.yml" <<YML
approvals:
  - finding: $rdp_id
    reason: jump host
    approved_by: alice
    expires: 2099-12-31
YML
commit "$W" "Approve RDP (in the policy)"
push "$W" origin main
expect "a non-approver's approval entry in .driftwatch.yml is rejected, not counted" 1 \
	"REJECTED refs/heads/main" "approval at .driftwatch.yml:2 not counted: written by mallory" "DW-POLICY-004"
unmoved "... and the ref did not move"
git -C "$W" reset -q --soft HEAD~1
signed alice "$W" -m "Approve RDP (in the policy), signed"
push "$W" origin main
expect "the same entry in a commit signed by an approver is accepted" 0 "accepted refs/heads/main" \
	"approved by alice until 2099-12-31: jump host"
tip=$(rev "$S" main)

# fail_on raised by a non-approver does not judge its own push.
printf 'fail_on: critical\n' >>"$W/.driftwatch.yml"
cat >"$W/db-sg.yml" <<'CFN'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TelnetSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: telnet
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 23, ToPort: 23, CidrIp: 0.0.0.0/0}
CFN
commit "$W" "Raise fail_on and open telnet"
push "$W" origin main
expect "a raised fail_on in the same push does not change its verdict" 1 "REJECTED refs/heads/main" \
	"DW-POLICY-002" "fail_on raised from high to critical" "threshold high, the default"
unmoved "... and the ref did not move"
git -C "$W" reset -q --soft HEAD~1
signed alice "$W" -m "Raise fail_on and open telnet, signed"
push "$W" origin main
expect "signed by an approver, the raised fail_on judges the push" 0 "accepted refs/heads/main" \
	"critical, from fail_on in the pushed .driftwatch.yml"
tip=$(rev "$S" main)
echo "# nothing" >>"$W/db-sg.yml" && commit "$W" "A comment"
push "$W" origin main
expect "a later push names the threshold and its source" 0 \
	"threshold critical, from fail_on in .driftwatch.yml\)"
tip=$(rev "$S" main)

# Removing it is loosening too.
printf 'fail_on: medium\n' >"$W/.driftwatch.yml"
commit "$W" "fail_on medium"
GL_USER=alice push "$W" origin main
tip=$(rev "$S" main)
sed -i '/fail_on/d' "$W/.driftwatch.yml" && commit "$W" "Drop fail_on"
push "$W" origin main
expect "removing fail_on: medium is a DW-POLICY finding" 1 "REJECTED refs/heads/main" \
	"DW-POLICY-002.*" "fail_on raised from medium to high, the default"
unmoved "... and the ref did not move"
git -C "$W" reset -q --hard "$tip"
git -C "$W" rm -q .driftwatch.yml && commit "$W" "Drop the policy"
push "$W" origin main
expect "deleting .driftwatch.yml is a DW-POLICY finding" 1 "REJECTED refs/heads/main" "DW-POLICY-002" \
	"fail_on raised from medium to high"
unmoved "... and the ref did not move"
git -C "$W" reset -q --hard "$tip"

# --- a tag of a rejected commit --------------------------------------
git -C "$W" checkout -q -b side
cp "$EX/4-security-off"/* "$W"/ && commit "$W" "Security off"
push "$W" origin side
expect "a branch turning security off is rejected" 1 "REJECTED refs/heads/side"
git -C "$W" tag -a v9 -m "release" HEAD
push "$W" origin v9
expect "a tag of the rejected commit is rejected" 1 "REJECTED refs/tags/v9"
same "... and not created" "$(rev "$S" refs/tags/v9)" none
push "$W" origin HEAD:refs/pull/7/head
expect "a ref outside driftwatch.guard is named as not judged" 0 "refs/pull/7/head not judged: driftwatch.guard"
check "... and logged" grep -q "ref=refs/pull/7/head .*verdict=not-judged" "$WORK/decisions.log"
git -C "$W" checkout -q main

# --- the decision log is part of the decision -------------------------
git --git-dir="$S" config driftwatch.log "$WORK/no-such-dir/decisions.log"
echo "# again" >>"$W/db-sg.yml" && commit "$W" "Another comment"
push "$W" origin main
expect "a decision that cannot be logged is rejected" 2 "REJECTED refs/heads/main: the decision could not be logged" \
	"cannot write the decision log"
unmoved "... and the ref did not move"
git --git-dir="$S" config driftwatch.onError accept
push "$W" origin main
expect "... unless driftwatch.onError is accept, loudly" 0 "accepted without a log line"
git --git-dir="$S" config --unset driftwatch.onError
git --git-dir="$S" config driftwatch.log "$WORK/decisions.log"
tip=$(rev "$S" main)

# --- driftwatch.trust=unverified: the old behaviour, warned -----------
git --git-dir="$S" config driftwatch.trust all,unverified
git -C "$W" reset -q --hard "$tip"
cat >"$W/ftp-sg.yml" <<'CFN'
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  FtpSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ftp
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 21, ToPort: 21, CidrIp: 0.0.0.0/0}
CFN
commit "$W" "FTP"
push "$W" origin main
ftp_id=$(grep -oE 'driftwatch.approve=v?[0-9a-f]+' <<<"$PERR" | head -1 | cut -d= -f2)
git -C "$W" commit -q --amend -m "FTP" -m "Exposure-Approved: $ftp_id legacy"
push "$W" origin main
expect "driftwatch.trust=unverified counts a non-approver's trailer, with a warning" 0 \
	"WARNING: driftwatch.trust has \"unverified\"" "accepted refs/heads/main"
git --git-dir="$S" config --unset driftwatch.trust
tip=$(rev "$S" main)

# --- a plain install: the account, never GL_USERNAME ------------------
me=$(id -un)
git init -q --bare -b main "$WORK/p.git"
"$DRIFTWATCH" install-hook --server --repo "$WORK/p.git" >/dev/null 2>&1
git --git-dir="$WORK/p.git" config driftwatch.approver alice
git -C "$W" push -q "$WORK/p.git" "$base:refs/heads/main" 2>/dev/null
git -C "$W" checkout -q -b plain "$base"
cp "$EX/3-open-9200"/* "$W"/ && commit "$W" "Open 9200"
GL_USERNAME=alice GL_USER=alice USER=alice push "$W" -o "driftwatch.approve=$id" "$WORK/p.git" plain:main
expect "a plain install ignores GL_USERNAME, GL_USER and USER" 1 "REJECTED refs/heads/main" \
	"$me is not an approver"
same "... and the ref did not move" "$(rev "$WORK/p.git" main)" "$base"
git --git-dir="$WORK/p.git" config --add driftwatch.approver "$me"
push "$W" -o "driftwatch.approve=$id" "$WORK/p.git" plain:main
expect "on a plain install the account the hook runs as is the pusher" 0 "approved by $me at push time"
git -C "$W" checkout -q main

# --- Gitea: the pusher is GITEA_PUSHER_NAME, nothing else -------------
# Gitea's own pre-receive runs hooks/pre-receive.d/*; a runner stands in for it.
git init -q --bare -b main "$WORK/gt.git"
mkdir -p "$WORK/gt.git/hooks/pre-receive.d"
"$DRIFTWATCH" install-hook --gitea --repo "$WORK/gt.git" >/dev/null 2>&1
printf '#!/bin/sh\nin=$(cat)\nfor h in hooks/pre-receive.d/*; do printf "%%s\\n" "$in" | "$h" || exit 1; done\n' \
	>"$WORK/gt.git/hooks/pre-receive"
chmod +x "$WORK/gt.git/hooks/pre-receive"
git --git-dir="$WORK/gt.git" config driftwatch.approver alice
git -C "$W" push -q "$WORK/gt.git" "$base:refs/heads/main" 2>/dev/null
git -C "$W" checkout -q -b gitea "$base"
cp "$EX/3-open-9200"/* "$W"/ && commit "$W" "Open 9200"
GITEA_PUSHER_NAME=mallory GL_USERNAME=alice GL_USER=alice push "$W" -o "driftwatch.approve=$id" "$WORK/gt.git" gitea:main
expect "on Gitea, GL_USERNAME and GL_USER do not make an approver" 1 "REJECTED refs/heads/main" \
	"mallory is not an approver"
same "... and the ref did not move" "$(rev "$WORK/gt.git" main)" "$base"
GITEA_PUSHER_NAME=alice push "$W" -o "driftwatch.approve=$id" "$WORK/gt.git" gitea:main
expect "on Gitea, the approver is GITEA_PUSHER_NAME" 0 "approved by alice at push time"
git -C "$W" checkout -q main

# --- what git gives the hook ------------------------------------------
PSTATUS=0
PERR=$(cd "$S" && python3 -c "
import sys
for i in range(100001): sys.stdout.write('%s %s refs/heads/b%d\n' % ('0'*40, '1'*40, i))" |
	GIT_DIR=. "$DRIFTWATCH" hook pre-receive --identity=gitolite 2>&1) || PSTATUS=$?
expect "too many ref updates gets its own message" 2 "more than 100000 ref updates in one push"
lacks "... not a malformed line" "expected \"<old-id>"
PSTATUS=0
PERR=$(cd "$S" && printf '%s %s refs/heads/main\n' "$tip" "$tip" |
	GIT_DIR=. "$DRIFTWATCH" hook pre-receive --config /dev/null --identity=nobody 2>&1) || PSTATUS=$?
expect "an unknown --identity is refused" 2 "expected plain, gitlab, gitea or gitolite"
printf '[driftwatch]\n\tfailOn = bogus\n\tguard = x\n\tnonsense = 1\n' >"$WORK/bad.conf"
PSTATUS=0
PERR=$(cd "$S" && printf '%s %s refs/heads/main\n' "$tip" "$tip" |
	GIT_DIR=. "$DRIFTWATCH" hook pre-receive --config "$WORK/bad.conf" 2>&1) || PSTATUS=$?
expect "configuration errors are one per line" 2 "^driftwatch:   .*bad.conf: driftwatch.failon = \"bogus\"" \
	"^driftwatch:   .*bad.conf: unknown setting driftwatch.nonsense"
lacks "... never joined by an escaped newline" '\\x0a'

done_testing
