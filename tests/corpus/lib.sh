# lib.sh - sourced by every tests/corpus/*/build.sh.
#
# A build script writes files, moves them with `git mv` and commits, step
# by step, into a fresh repository at DEST. Everything is deterministic:
# no user git configuration, fixed authors, and commit dates that advance
# by a fixed step from a fixed start, so the same script always gives the
# same commit ids.
#
#   . "$(dirname "$0")/../lib.sh" "$@"    # DEST is $1; cd's into it
#   as "Ana Ops"                          # author of the next commits
#   put path/to/file <<'EOF' ... EOF      # write a file (dirs created)
#   mv_ old new                           # git mv (dirs created)
#   rm_ path                              # git rm -r
#   commit "Subject"                      # commit everything, next date
#
# A commit's subject is its label key in ../labels: keep subjects unique
# within a repository.

set -eu

DEST=${1:?usage: build.sh DEST}
if [ -e "$DEST" ] && [ -n "$(ls -A "$DEST" 2>/dev/null)" ]; then
	echo "build.sh: $DEST exists and is not empty" >&2
	exit 2
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export TZ=UTC LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

git init -q -b main "$DEST"
cd "$DEST"

CORPUS_N=0
CORPUS_EPOCH=1767258000 # 2026-01-01T09:00:00Z

as() {
	local name=$1 mail
	mail=$(printf '%s' "$name" | tr 'A-Z ' 'a-z.')@example.com
	export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$mail"
	export GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$mail"
}
as "Corpus Builder"

put() {
	mkdir -p "$(dirname "$1")"
	cat > "$1"
}

mv_() {
	mkdir -p "$(dirname "$2")"
	git mv "$1" "$2"
}

rm_() {
	git rm -q -r "$1"
}

commit() {
	CORPUS_N=$((CORPUS_N + 1))
	# one commit every 5 h 17 min: dates differ and never collide
	local when=$((CORPUS_EPOCH + CORPUS_N * 19020))
	git add -A
	GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000" \
		git commit -q --allow-empty -m "$1"
}
