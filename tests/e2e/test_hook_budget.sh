#!/usr/bin/env bash
# test_hook_budget.sh - the gate's time and memory budgets, with real
# pushes: a push too large to check is rejected within the budget, says
# how to go on, is logged, and moves no ref.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hook_lib.sh"

EX=$SRCDIR/examples/incident
unset GL_ID GL_USERNAME GITEA_PUSHER_NAME
export GL_USER=mallory

W=$WORK/w
git init -q -b main "$W"
cp "$EX/1-initial"/* "$W"/ && commit "$W" "Initial support cluster"
base=$(git -C "$W" rev-parse HEAD)

# --- budgets ---------------------------------------------------------
git init -q --bare -b main "$WORK/b.git"
"$DRIFTWATCH" install-hook --gitolite --repo "$WORK/b.git" >/dev/null 2>&1
git --git-dir="$WORK/b.git" config driftwatch.log "$WORK/budget.log"
git -C "$W" push -q "$WORK/b.git" "$base:refs/heads/main" 2>/dev/null
git -C "$W" checkout -q -b many "$base"
python3 - "$EX/3-open-9200/es-nsg.json" "$W" <<'PY'
import os, sys
nsg = open(sys.argv[1]).read()
for i in range(4000):
    d = os.path.join(sys.argv[2], "many", "d%02d" % (i % 40))
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "t%04d.json" % i), "w").write(nsg.replace("support-es-nsg", "n%04d" % i))
PY
commit "$W" "4000 templates"
git --git-dir="$WORK/b.git" config driftwatch.maxMemory 16MiB
push "$W" "$WORK/b.git" many:main
expect "past driftwatch.maxMemory the push is rejected, saying how to go on" 1 \
	"too large to check within 16 MB \(driftwatch.maxMemory\): split the push or ask an administrator"
same "... and the ref did not move" "$(rev "$WORK/b.git" main)" "$base"
check "... and it is logged" grep -q "verdict=rejected-budget" "$WORK/budget.log"
git --git-dir="$WORK/b.git" config --unset driftwatch.maxMemory
git --git-dir="$WORK/b.git" config driftwatch.maxSeconds 1
push "$W" "$WORK/b.git" many:main
expect "past driftwatch.maxSeconds the push is rejected" 1 \
	"too large to check within 1 s \(driftwatch.maxSeconds\): split the push or ask an administrator"
same "... and the ref did not move" "$(rev "$WORK/b.git" main)" "$base"

git --git-dir="$WORK/b.git" config driftwatch.maxSeconds 0
git --git-dir="$WORK/b.git" config driftwatch.maxMemory 1KiB
push "$W" "$WORK/b.git" many:main
expect "bad budgets reject every push, one line each" 2 "could not be checked: *$" \
	"^remote: driftwatch:   git config: driftwatch.maxseconds = \"0\": expected a number of seconds" \
	"^remote: driftwatch:   git config: driftwatch.maxmemory = \"1KiB\": expected a size from 16MiB to 64GiB"
git --git-dir="$WORK/b.git" config --unset driftwatch.maxMemory

# A normal push stays far inside the default budgets.
git --git-dir="$WORK/b.git" config --unset driftwatch.maxSeconds
git -C "$W" checkout -q -b calm "$base"
cp "$EX/2-refactor"/* "$W"/ && commit "$W" "Nested settings"
push "$W" "$WORK/b.git" calm:main
expect "a normal push is judged within the default budgets" 0 "accepted refs/heads/main"

# Too little memory to even start: a readable line, and still a rejection.
PSTATUS=0
PERR=$(cd "$WORK/b.git" && (ulimit -v 20000; printf '%s %s refs/heads/main\n' "$base" "$(git -C "$W" rev-parse many)" |
	GIT_DIR=. hooks/pre-receive) 2>&1) || PSTATUS=$?
expect "a gate that cannot start under ulimit -v rejects with a readable line" 1 \
	"REJECTED: the gate could not run \(exit status [0-9]+: out of memory"

done_testing
