#!/usr/bin/env bash
# test_hook.sh - the server gate with real pushes: a bare repository with
# the hook installed by `driftwatch install-hook`, a clone, and the real
# `git push` over file:// (and once through git daemon on 127.0.0.1),
# checking what the pusher reads and whether the ref moved.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hook_lib.sh"

EX=$SRCDIR/examples/incident
unset GL_ID GL_USERNAME GITEA_PUSHER_NAME
# The main server is a gitolite-style install: the pusher is GL_USER, so
# one test can push as an approver (alice) and as others (dev, mallory).
export GL_USER=dev

# server NAME [INSTALL-ARGS...]: a bare repository $WORK/NAME.git with the
# hook (install-hook --server, plus INSTALL-ARGS), and a clone $WORK/NAME.
# With DW_HOOK_EXEC set (tests/valgrind.sh), the hook runs that instead of
# the binary install-hook wrote.
server() {
	local name=$1
	shift
	set -- "$name" "$@"
	git init -q --bare -b main "$WORK/$1.git"
	"$DRIFTWATCH" install-hook --server "${@:2}" --repo "$WORK/$1.git" >"$WORK/$1.install" 2>&1
	if [ -n "${DW_HOOK_EXEC:-}" ]; then
		sed -i "s|^'[^']*' hook |'$DW_HOOK_EXEC' hook |" "$WORK/$1.git/hooks/pre-receive"
		grep -q "^'$DW_HOOK_EXEC' hook " "$WORK/$1.git/hooks/pre-receive" || echo "Bail out! DW_HOOK_EXEC not set in the hook"
		# Under valgrind the budgets would judge valgrind, not the hook.
		git --git-dir="$WORK/$1.git" config driftwatch.maxSeconds 3600
		git --git-dir="$WORK/$1.git" config driftwatch.maxMemory 8GiB
	fi
	git clone -q "$WORK/$1.git" "$WORK/$1" 2>/dev/null
}

# put DIR STAGE: the files of an incident stage into DIR.
put() {
	cp "$EX/$2"/* "$1"/
}

# --- install-hook ------------------------------------------------------
server s --gitolite
W=$WORK/s S=$WORK/s.git
check "install-hook writes an executable pre-receive" test -x "$S/hooks/pre-receive"
check "install-hook says what it did" grep -q "wrote $S/hooks/pre-receive" "$WORK/s.install"
same "install-hook turns on push options" "$(git --git-dir="$S" config receive.advertisePushOptions)" true
printf '#!/bin/sh\nexit 0\n' >"$WORK/foreign"
mkdir -p "$WORK/f.git" && git init -q --bare "$WORK/f.git" && cp "$WORK/foreign" "$WORK/f.git/hooks/pre-receive"
dw install-hook --server --repo "$WORK/f.git"
status_is "install-hook keeps a hook it did not write" 2
check "... and says how to go on" grep -q -- "--force" <<<"$ERR"
check "... leaving it as it was" cmp -s "$WORK/foreign" "$WORK/f.git/hooks/pre-receive"
dw install-hook --server --force --repo "$WORK/f.git"
check "install-hook --force replaces it" grep -q "driftwatch" "$WORK/f.git/hooks/pre-receive"
git init -q --bare "$WORK/gitea.git" && mkdir -p "$WORK/gitea.git/hooks/pre-receive.d"
dw install-hook --repo "$WORK/gitea.git"
check "a Gitea layout gets hooks/pre-receive.d/driftwatch" test -x "$WORK/gitea.git/hooks/pre-receive.d/driftwatch"
git init -q --bare "$WORK/gitlab.git"
dw install-hook --gitlab --repo "$WORK/gitlab.git"
check "--gitlab writes custom_hooks/pre-receive.d/driftwatch" \
	test -x "$WORK/gitlab.git/custom_hooks/pre-receive.d/driftwatch"

dw install-hook --gitlab --tarball "$WORK/hooks.tar" --repo /var/opt/gitlab/git-data/repositories/@hashed/ab/cd/abcd.git
status_is "install-hook --gitlab --tarball writes the archive for gitaly hooks set" 0
same "... holding custom_hooks/pre-receive.d/driftwatch" "$(tar -tf "$WORK/hooks.tar" | grep -c '^custom_hooks/pre-receive.d/driftwatch$')" 1
check "... an executable script naming GL_USERNAME's mode" bash -c \
	'tar -tvf "$1" | grep -q "^-rwx.*custom_hooks/pre-receive.d/driftwatch" && tar -xOf "$1" custom_hooks/pre-receive.d/driftwatch | grep -q -- --identity=gitlab' _ "$WORK/hooks.tar"
check "... and prints the exact command" grep -q -- \
	"gitaly hooks set --storage default --repository @hashed/ab/cd/abcd.git --config /var/opt/gitlab/gitaly/config.toml" <<<"$OUT"

# --- the incident, pushed ----------------------------------------------
put "$W" 1-initial && commit "$W" "Initial support cluster"
push "$W" origin main
expect "the first push to an empty repository is judged and accepted" 0 "driftwatch: accepted refs/heads/main"
put "$W" 2-refactor && commit "$W" "Nested settings, no change in meaning"
push "$W" origin main
expect "a benign push is accepted" 0 "accepted refs/heads/main: no exposure widened"
same "... and the ref moved" "$(rev "$S" main)" "$(git -C "$W" rev-parse HEAD)"
before=$(rev "$S" main)
put "$W" 3-open-9200 && commit "$W" "Open 9200 for the support tool"
open_commit=$(git -C "$W" rev-parse HEAD)
push "$W" origin main
expect "a push that opens 9200 to the Internet is rejected" 1 \
	"^remote: driftwatch: REJECTED refs/heads/main: 1 finding widens exposure" \
	"CRITICAL DW-NET-001" "es-nsg.json:24" \
	"introduced by ${open_commit:0:12} \"Open 9200 for the support tool\" \(Test Author" \
	"git push -o driftwatch.approve=v[0-9a-f]{11}" "pre-receive hook declined"
same "... and the ref did not move" "$(rev "$S" main)" "$before"
first_line=$(grep -m1 '^remote: ' <<<"$PERR")
check "... with the verdict on the first line" grep -q "REJECTED" <<<"$first_line"
check "... and no colour" bash -c '! grep -q $'"'"'\033'"'"' "$1"' _ "$WORK/.push.err"
finding=$(grep -oE 'driftwatch.approve=v[0-9a-f]{11}' <<<"$PERR" | head -1 | cut -d= -f2)

# --- approvals ---------------------------------------------------------
git --git-dir="$S" config driftwatch.approver alice
git --git-dir="$S" config driftwatch.log driftwatch.log
GL_USER=mallory push "$W" -o "driftwatch.approve=$finding" origin main
expect "a push option from a non-approver is refused" 1 "mallory is not an approver" "REJECTED"
GL_USER=alice push "$W" -o "driftwatch.approve=$finding" origin main
expect "a push option from an approver is accepted" 0 "accepted refs/heads/main: 1 finding approved" \
	"approved by alice at push time"
same "... and the ref moved" "$(rev "$S" main)" "$open_commit"
check "every decision is logged, with the approval used" \
	grep -q "pusher=alice verdict=accepted findings=$finding/DW-NET-001/critical approvals=$finding/push-option/alice" "$S/driftwatch.log"
check "... and the refusal before it" grep -q "pusher=mallory verdict=rejected" "$S/driftwatch.log"
echo "# a comment" >>"$W/elasticsearch.yml" && commit "$W" "A comment"
GL_USER=alice push "$W" -o "driftwatch.approve=abcdefabcdef" origin main
expect "an approval that matches nothing is said" 0 "driftwatch.approve=abcdefabcdef matches no finding"

# --- net effect --------------------------------------------------------
put "$W" 4-security-off && commit "$W" "Turn security off for a test"
put "$W" 3-open-9200 && commit "$W" "Turn it back on"
push "$W" origin main
expect "off then on again in one push is accepted (net effect)" 0 "accepted refs/heads/main"
put "$W" 5-fix && commit "$W" "Close 9200 again"
push "$W" origin main
expect "a narrowing push is accepted" 0 "accepted refs/heads/main: no exposure widened"
put "$W" 3-open-9200 && commit "$W" "Open 9200 again"
put "$W" 5-fix && commit "$W" "Close it in the next commit"
push "$W" origin main
expect "open then close in one push is accepted" 0 "accepted refs/heads/main"

# --- branches, force, deletion, tags -----------------------------------
fixed=$(git -C "$W" rev-parse HEAD)
git -C "$W" checkout -q -b feature
put "$W" 3-open-9200 && commit "$W" "Feature: open 9200"
push "$W" origin feature
expect "a new branch with an exposure is rejected (against its merge base)" 1 \
	"REJECTED refs/heads/feature" "DW-NET-001" "introduced by .*Feature: open 9200"
same "... and not created" "$(rev "$S" feature)" none
push "$W" origin "$before:refs/heads/old"
expect "a new branch from an old commit with nothing new is accepted" 0 \
	"accepted refs/heads/old: no exposure widened"
push "$W" origin --delete old
expect "a deletion is accepted" 0 "accepted refs/heads/old: deleted"
same "... and the branch is gone" "$(rev "$S" old)" none
git -C "$W" checkout -q main
git -C "$W" reset -q --hard "$before"
put "$W" 4-security-off && commit "$W" "Rewrite: security off"
push "$W" --force origin main
expect "a force push that widens is rejected" 1 "REJECTED refs/heads/main" "DW-SET-001"
same "... and main is unchanged" "$(rev "$S" main)" "$fixed"
git -C "$W" reset -q --hard "$before"
push "$W" --force origin main
expect "a force push back to an older, narrower tip is accepted" 0 "accepted refs/heads/main"
git -C "$W" tag -a v-open -m "annotated tag of an exposing commit" "$open_commit"
push "$W" origin v-open
expect "a tag of an exposing commit is judged by default, against the default branch" 1 \
	"REJECTED refs/tags/v-open" "DW-NET-001"
same "... and not created" "$(rev "$S" refs/tags/v-open)" none
git -C "$W" tag v-fixed "$fixed"
push "$W" origin v-fixed
expect "a tag of a commit already on the default branch is accepted" 0 "accepted refs/tags/v-fixed"
git --git-dir="$S" config --add driftwatch.guard 'refs/heads/*'
push "$W" origin v-open
expect "a tag outside driftwatch.guard is named as not judged" 0 "refs/tags/v-open not judged: driftwatch.guard"
git --git-dir="$S" config --add driftwatch.guard 'refs/tags/*'
git -C "$W" tag -a v-open2 -m "annotated tag of an exposing commit" "$open_commit"
push "$W" origin v-open2
expect "an annotated tag is judged when tags are guarded" 1 "REJECTED refs/tags/v-open2" "DW-NET-001"
same "... and not created" "$(rev "$S" refs/tags/v-open2)" none

# --- a merge -----------------------------------------------------------
git --git-dir="$S" config --replace-all driftwatch.guard refs/heads/main
git -C "$W" checkout -q -b topic
put "$W" 3-open-9200 && commit "$W" "Topic: open 9200"
push "$W" origin topic
expect "an unguarded branch is not judged, and says so" 0 "refs/heads/topic not judged: driftwatch.guard"
git -C "$W" checkout -q main
git -C "$W" merge -q --no-ff -m "Merge topic" topic
push "$W" origin main
expect "a merge that brings in an exposure is rejected" 1 "REJECTED refs/heads/main" "DW-NET-001" \
	"introduced by .*Topic: open 9200"
git -C "$W" reset -q --hard "$before"

# --- trailers and trust ------------------------------------------------
put "$W" 3-open-9200 && git -C "$W" add -A
git -C "$W" commit -q -m "Open 9200 for the migration" -m "Exposure-Approved: $finding migration window, ticket OPS-12"
push "$W" origin main
expect "a non-approver's own trailer is not counted" 1 "REJECTED refs/heads/main" \
	"Exposure-Approved: $finding in [0-9a-f]{12} not counted: written by dev, who is not an approver"
GL_USER=alice push "$W" origin main
expect "the same trailer pushed by an approver approves the finding" 0 "accepted refs/heads/main" \
	"approved by Test Author <author@example.com>, vouched for by alice in this commit: migration window"
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main
git --git-dir="$S" config driftwatch.trust push-option,policy
put "$W" 3-open-9200 && git -C "$W" add -A && git -C "$W" commit -q -m "Open 9200" -m "Exposure-Approved: $finding please"
push "$W" origin main
expect "a server that does not trust trailers ignores them" 1 "REJECTED refs/heads/main" \
	"an approver pushes again"
if grep -q "a trailer in the commit" <<<"$PERR"; then
	not_ok "... and does not offer them" "$PERR"
else
	ok "... and does not offer them"
fi
git --git-dir="$S" config --unset driftwatch.trust
git -C "$W" reset -q --hard "$before"

# --- the policy cannot open its own gate -------------------------------
printf 'trusted_networks:\n  - 0.0.0.0/0\n' >"$W/.driftwatch.yml"
put "$W" 3-open-9200 && commit "$W" "Trust the whole Internet"
push "$W" origin main
expect "a pushed .driftwatch.yml that trusts 0.0.0.0/0 is rejected" 1 "REJECTED" "DW-POLICY-001" \
	"CRITICAL DW-NET-001"
printf 'trusted_networks: [10.0.0.0/8\n' >"$W/.driftwatch.yml"
put "$W" 1-initial && commit "$W" "Broken policy"
push "$W" origin main
# The push holds the commit that wrote a readable policy and the one that
# broke it: broken after being read, it could hide a loosening (high).
expect "a malformed new pushed policy is reported with file:line, not crashed" 1 "DW-PARSE-001" \
	"\.driftwatch\.yml:[0-9]+"
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main
head -c 300 "$EX/3-open-9200/es-nsg.json" >"$W/es-nsg.json"
commit "$W" "Truncated template"
push "$W" origin main
expect "a malformed template is rejected as not analysable" 1 "DW-PARSE-001" "es-nsg.json:[0-9]+: expected .*, got the end of the input"
git -C "$W" reset -q --hard "$before"
printf 'trusted_networks:\n  - 0.0.0.0/0\n  - ::/0\n' >"$WORK/server-policy.yml"
git --git-dir="$S" config driftwatch.policy "$WORK/server-policy.yml"
printf 'trusted_networks: []\n' >"$W/.driftwatch.yml"
put "$W" 3-open-9200 && commit "$W" "Open 9200, the server pins a policy that trusts everything"
push "$W" origin main
expect "a pinned server policy is used instead of the pushed one" 0 "accepted refs/heads/main"
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main
printf 'trusted_networks: [\n' >"$WORK/server-policy.yml"
put "$W" 3-open-9200 && commit "$W" "Open 9200 under a broken server policy"
push "$W" origin main
expect "an internal error rejects by default" 2 "REJECTED refs/heads/main: it could not be checked" \
	"server-policy.yml"
git --git-dir="$S" config driftwatch.onError accept
push "$W" origin main
expect "driftwatch.onError=accept accepts, loudly" 0 "WARNING: refs/heads/main NOT CHECKED"
git --git-dir="$S" config --unset driftwatch.onError
git --git-dir="$S" config --unset driftwatch.policy
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main
git --git-dir="$S" config driftwatch.failon urgent
put "$W" 3-open-9200 && commit "$W" "Open 9200 under a misspelt threshold"
push "$W" origin main
expect "a bad server setting rejects, naming it" 1 "could not be checked" "driftwatch.failon = \"urgent\""
git --git-dir="$S" config --unset driftwatch.failon
git --git-dir="$S" config driftwatch.fialOn low
push "$W" origin main
expect "an unknown driftwatch.* key rejects, naming it" 1 "unknown setting driftwatch.fialon"
git --git-dir="$S" config --unset driftwatch.fialOn

# --- GitLab ------------------------------------------------------------
# Gitaly runs custom_hooks/pre-receive.d/*; hooks/pre-receive stands in for it here.
git init -q --bare -b main "$WORK/gl.git"
"$DRIFTWATCH" install-hook --gitlab --repo "$WORK/gl.git" >/dev/null 2>&1
printf '#!/bin/sh\nin=$(cat)\nfor h in custom_hooks/pre-receive.d/*; do printf "%%s\\n" "$in" | "$h" || exit 1; done\n' \
	>"$WORK/gl.git/hooks/pre-receive"
chmod +x "$WORK/gl.git/hooks/pre-receive"
check "install-hook --gitlab names GL_USERNAME as the pusher" \
	grep -q -- "--identity=gitlab" "$WORK/gl.git/custom_hooks/pre-receive.d/driftwatch"
git --git-dir="$WORK/gl.git" config driftwatch.approver gl-alice
GL_ID=user-1 GL_USERNAME=dev push "$W" "$WORK/gl.git" main
# A new repository judges the branch against nothing: its own finding id.
gl_finding=$(grep -oE 'driftwatch.approve=v[0-9a-f]{11}' <<<"$PERR" | head -1 | cut -d= -f2)
expect "on GitLab, the verdict line carries GL-HOOK-ERR:, the details do not" 1 \
	"^remote: GL-HOOK-ERR: driftwatch: REJECTED refs/heads/main: .*\[$gl_finding\]" "^remote:   CRITICAL DW-NET-001"
if grep -q "GL-HOOK-ERR:   CRITICAL" <<<"$PERR"; then not_ok "... only the verdict lines" "$PERR"; else ok "... only the verdict lines"; fi
GL_ID=user-2 GL_USERNAME=gl-alice GL_USER=nobody push "$W" -o "driftwatch.approve=$gl_finding" "$WORK/gl.git" main
expect "on GitLab, the approver is GL_USERNAME" 0 "approved by gl-alice at push time"
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main

# --- two pushes at once ------------------------------------------------
git clone -q "$S" "$WORK/s2" 2>/dev/null
git -C "$WORK/s2" checkout -q -b calm
echo "# a comment only" >>"$WORK/s2/elasticsearch.yml" && commit "$WORK/s2" "Comment"
git -C "$W" checkout -q -b risky
put "$W" 3-open-9200 && commit "$W" "Risky: open 9200"
git --git-dir="$S" config --replace-all driftwatch.guard 'refs/heads/*'
(git -C "$W" push origin risky >"$WORK/p1.out" 2>&1; echo $? >"$WORK/p1.rc") &
(git -C "$WORK/s2" push origin calm >"$WORK/p2.out" 2>&1; echo $? >"$WORK/p2.rc") &
wait
if [ "$(cat "$WORK/p1.rc")" != 0 ] && grep -q "REJECTED refs/heads/risky" "$WORK/p1.out" &&
	[ "$(cat "$WORK/p2.rc")" = 0 ] && grep -q "accepted refs/heads/calm" "$WORK/p2.out" &&
	[ "$(rev "$S" risky)" = none ] && [ "$(rev "$S" calm)" = "$(git -C "$WORK/s2" rev-parse HEAD)" ]; then
	ok "two pushes at once are each judged on their own"
else
	not_ok "two pushes at once are each judged on their own" "$(cat "$WORK/p1.out" "$WORK/p2.out")"
fi
git -C "$W" checkout -q main

# --- through git daemon ------------------------------------------------
port=$((20000 + RANDOM % 20000))
touch "$S/git-daemon-export-ok"
git daemon --reuseaddr --listen=127.0.0.1 --port=$port --base-path="$WORK" --enable=receive-pack \
	--pid-file="$WORK/daemon.pid" --detach "$WORK" 2>"$WORK/daemon.err"
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/s.git" >/dev/null 2>&1 && break; sleep 0.1; done
git -C "$W" checkout -q -b over-daemon
put "$W" 3-open-9200 && commit "$W" "Open 9200 over git://"
push "$W" "git://127.0.0.1:$port/s.git" over-daemon
expect "over git daemon, an exposing push is rejected" 1 "REJECTED refs/heads/over-daemon" "DW-NET-001"
git -C "$W" checkout -q main
push "$W" "git://127.0.0.1:$port/s.git" main:refs/heads/daemon-calm
expect "over git daemon, a benign push is accepted" 0 "accepted refs/heads/daemon-calm"
[ -f "$WORK/daemon.pid" ] && kill "$(cat "$WORK/daemon.pid")" 2>/dev/null

# --- a Terraform module ------------------------------------------------
mkdir -p "$W/tf"
cat >"$W/tf/variables.tf" <<'TF'
variable "admin_cidr" {
  default = "10.0.0.0/8"
}
TF
cat >"$W/tf/main.tf" <<'TF'
resource "aws_security_group" "bastion" {
  name = "bastion"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}
TF
commit "$W" "Bastion reachable from the VPN"
push "$W" origin main
expect "a Terraform module from private space is accepted" 0 "accepted refs/heads/main"
tf_base=$(git -C "$W" rev-parse HEAD)
printf 'admin_cidr = "0.0.0.0/0"\n' >"$W/tf/terraform.tfvars"
commit "$W" "Open the bastion to everyone, through tfvars"
push "$W" origin main
expect "a tfvars change that opens ssh to the Internet is rejected, at the rule's line" 1 \
	"REJECTED refs/heads/main" "DW-NET-003" "tf:tf:aws_security_group.bastion +tf/main.tf:[0-9]+" \
	"introduced by .*Open the bastion to everyone"
same "... and the ref did not move" "$(rev "$S" main)" "$tf_base"
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main

# --- hostile pushes ---------------------------------------------------
mkdir -p "$W/laughs"
python3 - "$W/laughs/elasticsearch.yml" <<'PY'
import sys
lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
lines += ['a%d: &a%d [%s]' % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)]
open(sys.argv[1], "w").write("\n".join(lines) + "\nxpack.security.enabled: false\n")
PY
python3 -c "import sys; sys.stdout.write('{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"pad\": \"' + 'x' * (9 << 20) + '\"}')" >"$W/huge.json"
commit "$W" "Hostile files"
# New files never readable are medium (DW-PARSE-004): a gate that fails
# at medium rejects them.
git --git-dir="$S" config driftwatch.failOn medium
push "$W" origin main
git --git-dir="$S" config --unset driftwatch.failOn
expect "a hostile push (billion laughs, 9 MiB) is rejected, each file named" 1 \
	"laughs/elasticsearch.yml:[0-9]+: .*alias" "huge.json.*larger than 8 MiB"
git -C "$W" reset -q --hard "$before"
python3 -c "import json; print(json.dumps({'resources': [], 'notes': 'x' * 2000}))" >"$W/notes.json"
commit "$W" "A 2 KB template with nothing in it"
git --git-dir="$S" config driftwatch.maxFileSize 1KiB
git --git-dir="$S" config driftwatch.failOn medium
push "$W" origin main
git --git-dir="$S" config --unset driftwatch.failOn
expect "driftwatch.maxFileSize lowers the file limit, naming the file (a new file: medium)" 1 \
	"notes.json: file is larger than 1 KiB" "DW-PARSE-004"
git --git-dir="$S" config driftwatch.maxFileSize lots
push "$W" origin main
expect "a bad driftwatch.maxFileSize rejects, naming it" 1 "could not be checked" \
	'driftwatch.maxfilesize = "lots": expected a size from 1KiB to 1GiB'
git --git-dir="$S" config --unset driftwatch.maxFileSize
push "$W" origin main
expect "under the default limit the same push passes" 0
git -C "$W" reset -q --hard "$before" && push "$W" --force origin main

# --- what git gives the hook -----------------------------------------
PSTATUS=0
PERR=$(cd "$S" && printf 'not a ref update\n' | GIT_DIR=. "$DRIFTWATCH" hook pre-receive 2>&1) || PSTATUS=$?
expect "malformed hook input is refused with its line" 2 \
	'REJECTED: the push could not be checked: stdin:1: expected "<old-id> <new-id> <ref>"'
PSTATUS=0
PERR=$(cd "$S" && head -c 100000 /dev/zero | tr '\0' x | GIT_DIR=. "$DRIFTWATCH" hook pre-receive 2>&1) ||
	PSTATUS=$?
expect "an endless line is refused" 2 "stdin:1: line longer than 4096 bytes"
PSTATUS=0
PERR=$(cd "$S" && printf '%s %s refs/heads/main\n' "$(rev "$S" main)" 1111111111111111111111111111111111111111 |
	GIT_DIR=. "$DRIFTWATCH" hook pre-receive 2>&1) || PSTATUS=$?
expect "an object that cannot be read rejects, never passes" 2 "REJECTED refs/heads/main: it could not be checked"

# --- settings from a file named by --config ----------------------------
git -C "$W" checkout -q -B conf-test "$before"
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
commit "$W" "SSH from anywhere (high, not critical)"
git -C "$W" push -q origin conf-test:refs/scratch/conf-test 2>/dev/null  # not guarded
git -C "$W" checkout -q main
# hook_by_hand [ARGS...]: runs the gate as git would, for main: before -> conf-test.
hook_by_hand() {
	PSTATUS=0
	PERR=$(cd "$S" && printf '%s %s refs/heads/main\n' "$before" "$(git --git-dir="$S" rev-parse refs/scratch/conf-test)" |
		GIT_DIR=. "$DRIFTWATCH" hook pre-receive "$@" 2>&1) || PSTATUS=$?
}
hook_by_hand
expect "a high finding is rejected at the default threshold" 1 "REJECTED refs/heads/main" "DW-NET-003"
printf '[driftwatch]\n\tfailOn = critical\n' >"$WORK/server.conf"
hook_by_hand --config "$WORK/server.conf"
expect "--config FILE is read: its failOn = critical lets it through" 0 "accepted refs/heads/main"
printf '[driftwatch]\n\tfailOn = bogus\n' >"$WORK/server.conf"
hook_by_hand --config "$WORK/server.conf"
expect "... and a bad value there is named with the file" 2 "$WORK/server.conf: driftwatch.failon = \"bogus\""

# --- client hooks ------------------------------------------------------
C=$WORK/client
git clone -q "$S" "$C" 2>/dev/null
dw install-hook --client --repo "$C"
status_is "install-hook --client succeeds" 0
check "... writing pre-commit and pre-push" test -x "$C/.git/hooks/pre-commit" -a -x "$C/.git/hooks/pre-push"
put "$C" 3-open-9200 && git -C "$C" add -A
PSTATUS=0
git -C "$C" commit -q -m "Open 9200 locally" >"$WORK/.push.out" 2>"$WORK/.push.err" || PSTATUS=$?
PERR=$(cat "$WORK/.push.err")
expect "pre-commit refuses a staged widening" 1 "commit refused" "DW-NET-001" "--no-verify"
same "... and no commit was made" "$(git -C "$C" rev-parse HEAD)" "$before"
git -C "$C" commit -q --no-verify -m "Open 9200 locally"
push "$C" origin main
expect "pre-push refuses what would widen the remote" 1 "push refused: refs/heads/main would widen" \
	"introduced by .*Open 9200 locally"
same "... before anything reached the server" "$(rev "$S" main)" "$before"
git -C "$C" reset -q --hard "$before"
echo "# note" >>"$C/elasticsearch.yml" && git -C "$C" add -A
PSTATUS=0
git -C "$C" commit -q -m "A comment" >"$WORK/.push.out" 2>"$WORK/.push.err" || PSTATUS=$?
PERR=$(cat "$WORK/.push.err")
expect "pre-commit lets a benign change through" 0

done_testing
