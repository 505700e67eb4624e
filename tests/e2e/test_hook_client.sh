#!/usr/bin/env bash
# test_hook_client.sh - the client hooks beside the pre-commit framework
# (Debian's pre-commit package): install-hook --client keeps the hook it
# finds and runs it first, instead of refusing; and the pre-push refusal
# names the real finding ids.
. "$(dirname "$0")/lib.sh"

EX=$SRCDIR/examples/incident
export PRE_COMMIT_HOME=$WORK/pre-commit-home
export MARK=$WORK/framework-ran

# commit_try DIR MESSAGE: git commit (hooks on); sets PSTATUS and PERR.
commit_try() {
	PSTATUS=0
	git -C "$1" add -A
	git -C "$1" commit -q -m "$2" >"$WORK/.out" 2>"$WORK/.err" || PSTATUS=$?
	PERR=$(cat "$WORK/.err")
}

S=$WORK/s.git C=$WORK/c
git init -q --bare -b main "$S"
git clone -q "$S" "$C" 2>/dev/null
cp "$EX/1-initial"/* "$C"/ && commit "$C" "Initial" && git -C "$C" push -q origin main 2>/dev/null
base=$(git -C "$C" rev-parse HEAD)

if ! command -v pre-commit >/dev/null; then
	echo "ok 1 # SKIP pre-commit (the framework) is not installed"
	echo "1..1"
	exit 0
fi
cat >"$C/.pre-commit-config.yaml" <<'YML'
repos:
  - repo: local
    hooks:
      - id: marker
        name: marker
        entry: sh -c 'touch "$MARK"'
        language: system
        pass_filenames: false
        always_run: true
YML
commit "$C" "pre-commit framework config"
(cd "$C" && pre-commit install >/dev/null 2>&1)
check "the pre-commit framework wrote its hook" grep -q "pre-commit" "$C/.git/hooks/pre-commit"
framework=$(cat "$C/.git/hooks/pre-commit")
dw install-hook --client --repo "$C"
status_is "install-hook --client beside the framework succeeds" 0
check "... keeping the framework's hook, to run first" grep -q "pre-commit.chained; it runs first" <<<"$OUT"
same "... unchanged" "$(cat "$C/.git/hooks/pre-commit.chained")" "$framework"

echo "# a comment" >>"$C/elasticsearch.yml"
rm -f "$MARK"
commit_try "$C" "A comment"
same "a benign commit goes through both hooks" "$PSTATUS" 0
check "... the framework's hook ran" test -e "$MARK"
rm -f "$MARK"
cp "$EX/3-open-9200"/* "$C"/
commit_try "$C" "Open 9200"
same "a widening commit is refused by driftwatch" "$PSTATUS" 1
check "... saying why" grep -q "commit refused" <<<"$PERR"
check "... after the framework's hook ran" test -e "$MARK"

# The framework installed after driftwatch keeps driftwatch too (its migration mode).
(cd "$C" && pre-commit install >/dev/null 2>&1)
rm -f "$MARK"
commit_try "$C" "Open 9200, again"
same "pre-commit install after driftwatch still runs driftwatch" "$PSTATUS" 1
check "... and the framework's hook" test -e "$MARK"

# pre-push: the real ids in the instructions.
git -C "$C" commit -q --no-verify -m "Open 9200 locally"
PSTATUS=0
git -C "$C" push origin main >"$WORK/.out" 2>"$WORK/.err" || PSTATUS=$?
PERR=$(cat "$WORK/.err")
same "pre-push refuses a widening push" "$PSTATUS" 1
id=$(grep -oE '\[v?[0-9a-f]{11,12}\]' <<<"$PERR" | head -1 | tr -d '[]')
check "... naming the finding's real id in the push option" grep -q -- "-o driftwatch.approve=$id" <<<"$PERR"
check "... and in the trailer" grep -q "Exposure-Approved: $id <reason>" <<<"$PERR"
if grep -qE "approve=ID|Exposure-Approved: ID " <<<"$PERR"; then not_ok "... no placeholder" "$PERR"; else ok "... no placeholder"; fi
same "... and nothing reached the server" "$(git --git-dir="$S" rev-parse main)" "$base"

done_testing
