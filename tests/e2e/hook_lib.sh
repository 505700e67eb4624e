# hook_lib.sh - helpers for the gate's end-to-end tests (real pushes into a
# bare repository with the hook installed). Sourced after lib.sh.

# push DIR ARGS...: git push; sets PSTATUS and PERR (what the pusher reads).
push() {
	local dir=$1
	shift
	PSTATUS=0
	git -C "$dir" push "$@" >"$WORK/.push.out" 2>"$WORK/.push.err" || PSTATUS=$?
	PERR=$(cat "$WORK/.push.err")
}

# rev GITDIR REF: the id a ref holds on the server, or "none".
rev() {
	git --git-dir="$1" rev-parse -q --verify "$2" 2>/dev/null || echo none
}

# expect NAME STATUS PATTERN...: the last push exited so (0 or non-zero)
# and its stderr matches every extended regular expression.
expect() {
	local name=$1 want=$2 pat
	shift 2
	if [ "$want" = 0 ] && [ "$PSTATUS" -ne 0 ] || [ "$want" != 0 ] && [ "$PSTATUS" -eq 0 ]; then
		not_ok "$name" "push exit status $PSTATUS, expected $want" "$PERR"
		return
	fi
	# A report from valgrind (tests/valgrind.sh runs the hook under it).
	if grep -Eq -- "==[0-9]+== " <<<"$PERR"; then
		not_ok "$name" "valgrind reported on the hook" "$PERR"
		return
	fi
	for pat in "$@"; do
		if ! grep -Eq -- "$pat" <<<"$PERR"; then
			not_ok "$name" "stderr lacks /$pat/" "$PERR"
			return
		fi
	done
	ok "$name"
}

# lacks NAME PATTERN: the last push's stderr does not match.
lacks() {
	if grep -Eq -- "$2" <<<"$PERR"; then not_ok "$1" "stderr has /$2/" "$PERR"; else ok "$1"; fi
}
