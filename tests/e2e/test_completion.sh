#!/usr/bin/env bash
# test_completion.sh - packaging/driftwatch.bash-completion, sourced in
# bash: subcommands, each command's options, option values, revisions
# from the repository's refs, and rule IDs from the built driftwatch.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completion_lib.sh"

# shellcheck source=../../packaging/driftwatch.bash-completion
. "$SRCDIR/packaging/driftwatch.bash-completion"

# The completion asks `driftwatch rules` for rule IDs: the built one.
mkdir -p "$WORK/bin"
ln -s "$DRIFTWATCH" "$WORK/bin/driftwatch"
PATH="$WORK/bin:$PATH"

# complete_line LINE: completes the last word of LINE (a trailing space
# means a new, empty word) as bash would; sets REPLY_WORDS, sorted.
complete_line() {
	local line=$1
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_driftwatch driftwatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	REPLY_WORDS=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	REPLY_WORDS=${REPLY_WORDS% }
}

# completes NAME LINE EXPECTED: the completions of LINE are EXPECTED
# (space-separated, sorted).
completes() {
	complete_line "$2"
	if [ "$REPLY_WORDS" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "line: '$2'" "got:      '$REPLY_WORDS'" "expected: '$3'"
	fi
}

check "the file registers _driftwatch for driftwatch" \
	bash -c '. "$1" && complete -p driftwatch | grep -q "_driftwatch"' sh \
	"$SRCDIR/packaging/driftwatch.bash-completion"

completes "driftwatch au<TAB>" "driftwatch au" "audit"
completes "driftwatch <TAB> lists the command table" "driftwatch " \
	"audit diff explain formats help history hook install-hook rules surface watch"
completes "driftwatch diff --fo<TAB>" "driftwatch diff --fo" "--format"
completes "driftwatch hook <TAB>" "driftwatch hook " "pre-commit pre-push pre-receive"
completes "driftwatch install-hook --g<TAB>" "driftwatch install-hook --g" "--gitea --gitlab --gitolite"
completes "driftwatch history --format <TAB>" "driftwatch history --format " "json text"
completes "driftwatch watch --th<TAB> value" "driftwatch watch --threshold h" "high"
completes "driftwatch diff --fi<TAB>" "driftwatch diff --fi" "--files"
completes "driftwatch audit --f<TAB>" "driftwatch audit --f" "--fail-on --first-parent --format"
completes "driftwatch surface has no --files" "driftwatch surface --fi" ""
completes "driftwatch surface --ma<TAB>" "driftwatch surface --ma" "--max-file-size"
completes "driftwatch rules --<TAB>" "driftwatch rules --" "--extra-rules --help --rules"
completes "driftwatch explain --re<TAB>" "driftwatch explain --re" "--repo --report"
completes "driftwatch audit --fail-on c<TAB>" "driftwatch audit --fail-on c" "critical"
completes "driftwatch surface --color a<TAB>" "driftwatch surface --color a" "always auto"
# Every subcommand --help lists, its options exactly as its --help lists
# them (none missing, none it no longer has), and --format's values.
completes "driftwatch <TAB> offers every command of --help" "driftwatch " \
	"$({ help_commands; echo help; } | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
for cmd in $(help_commands); do
	completes "driftwatch $cmd -<TAB> offers what its --help lists" "driftwatch $cmd -" \
		"$(help_options "$cmd")"
	formats=$(help_formats "$cmd")
	[ -n "$formats" ] &&
		completes "driftwatch $cmd --format <TAB> offers what its --help lists" \
			"driftwatch $cmd --format " "$formats"
done
completes "driftwatch hook --identity <TAB>" "driftwatch hook --identity " "gitea gitlab gitolite plain"
completes "driftwatch audit --severity m<TAB>" "driftwatch audit --severity m" "medium"

completes "driftwatch explain DW-SET-00<TAB>" "driftwatch explain DW-SET-00" \
	"DW-SET-001 DW-SET-002 DW-SET-003"
completes "driftwatch explain DW-SET-03<TAB>" "driftwatch explain DW-SET-03" \
	"DW-SET-030 DW-SET-031"
completes "driftwatch explain DW-SET-01<TAB>" "driftwatch explain DW-SET-01" \
	"DW-SET-010 DW-SET-011 DW-SET-012 DW-SET-013"

repo=$(refs_repo)
cd "$repo" || exit 1
completes "revisions from the current repository" "driftwatch diff " \
	"HEAD feature/open-es main v1"
completes "revisions complete by prefix" "driftwatch surface fe" "feature/open-es"
completes "both ends of an audit range" "driftwatch audit v1..ma" "v1..main"
completes "a three-dot range" "driftwatch audit v1...fe" "v1...feature/open-es"
cd "$WORK" || exit 1

completes "revisions of the repository named by -C" "driftwatch audit -C $repo v" "v1"
completes "no revisions outside a repository" "driftwatch diff -C $WORK " ""

touch "$WORK/old.json" "$WORK/other.yml"
completes "diff --files completes paths" "driftwatch diff --files $WORK/ol" "$WORK/old.json"
completes "--output completes paths" "driftwatch audit --output $WORK/ol" "$WORK/old.json"
completes "-o completes paths" "driftwatch diff -o $WORK/oth" "$WORK/other.yml"
completes "--rules completes paths" "driftwatch rules --rules $WORK/oth" "$WORK/other.yml"

done_testing
