#!/usr/bin/env bash
# test_completion_zsh.sh - packaging/_driftwatch in real zsh (zsh -f, with
# compinit): subcommands, each command's options and their descriptions,
# option values, revisions from the repository's refs, and rule IDs from
# the built driftwatch. The completions are collected by zsh_complete.zsh,
# in one zsh session, after all the cases are named.
#
# zsh is required: its absence fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completion_lib.sh"

if ! command -v zsh >/dev/null; then
	echo "not ok 1 - zsh is installed (packaging/install-deps.sh installs it)"
	echo "1..1"
	exit 1
fi

# The completion asks `driftwatch rules` for rule IDs: the built one.
mkdir -p "$WORK/bin" "$WORK/fpath"
ln -s "$DRIFTWATCH" "$WORK/bin/driftwatch"
PATH="$WORK/bin:$PATH"
cp "$SRCDIR/packaging/_driftwatch" "$WORK/fpath/"

CASE_KIND=() CASE_NAME=() CASE_DIR=() CASE_LINE=() CASE_WANT=()
# completes NAME LINE EXPECTED: the words offered for LINE, completed at
# its end (a trailing space means a new, empty word) in the current
# directory, are EXPECTED (space-separated, sorted).
completes() {
	CASE_KIND+=(words) CASE_NAME+=("$1") CASE_DIR+=("$PWD") CASE_LINE+=("$2") CASE_WANT+=("$3")
}
# shows NAME LINE TEXT: zsh's listing for LINE (spaces squeezed) contains
# TEXT.
shows() {
	CASE_KIND+=(listing) CASE_NAME+=("$1") CASE_DIR+=("$PWD") CASE_LINE+=("$2") CASE_WANT+=("$3")
}

# shellcheck disable=SC2016 # $1 and $fpath are the inner zsh's
check "compinit registers _driftwatch for driftwatch" \
	zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -D -u; [[ $_comps[driftwatch] == _driftwatch ]]' \
	zsh "$WORK/fpath"

completes "driftwatch au<TAB>" "driftwatch au" "audit"
completes "driftwatch <TAB> lists the command table" "driftwatch " \
	"audit diff explain formats help history hook install-hook rules surface watch"
shows "commands are described" "driftwatch " \
	"audit -- every past commit that widened exposure, oldest first"
completes "driftwatch -<TAB>" "driftwatch -" "--help --version -h"
shows "diff --files is described" "driftwatch diff --" "--files -- compare two files, outside any repository"
shows "diff --max-file-size is described" "driftwatch diff --" "--max-file-size -- report larger files as not analysed (default 8MiB)"
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
shows "audit --open-at-tip is described" "driftwatch audit --o" \
	"--open-at-tip -- report only what still holds at the tip"
shows "formats are described" "driftwatch audit --format " "gitlab-sast -- GitLab's SAST report"
completes "--compact excludes --long" "driftwatch audit --compact --lo" ""
completes "driftwatch hook --identity <TAB>" "driftwatch hook --identity " "gitea gitlab gitolite plain"
completes "driftwatch audit --severity m<TAB>" "driftwatch audit --severity m" "medium"
completes "driftwatch audit --f<TAB>" "driftwatch audit --f" "--fail-on --first-parent --format"
completes "driftwatch surface --m<TAB>" "driftwatch surface --m" "--max-file-size"
completes "driftwatch surface has no --files" "driftwatch surface --fi" ""
completes "driftwatch explain --re<TAB>" "driftwatch explain --re" "--repo --report"
completes "driftwatch hook <TAB>" "driftwatch hook " "pre-commit pre-push pre-receive"
completes "driftwatch install-hook --g<TAB>" "driftwatch install-hook --g" "--gitea --gitlab --gitolite"
completes "install-hook --client excludes --server" "driftwatch install-hook --client --s" ""
completes "driftwatch diff --format=m<TAB>" "driftwatch diff --format=m" "--format=markdown"
completes "driftwatch audit --fail-on <TAB>" "driftwatch audit --fail-on " "critical high info low medium"
completes "driftwatch audit --fail-on c<TAB>" "driftwatch audit --fail-on c" "critical"
completes "driftwatch watch --threshold h<TAB>" "driftwatch watch --threshold h" "high"
completes "driftwatch surface --color a<TAB>" "driftwatch surface --color a" "always auto"
completes "--max-file-size takes a size, with nothing to offer" "driftwatch diff --max-file-size " ""

completes "driftwatch explain DW-SET-00<TAB>" "driftwatch explain DW-SET-00" \
	"DW-SET-001 DW-SET-002 DW-SET-003"
completes "driftwatch explain DW-SET-01<TAB>" "driftwatch explain DW-SET-01" \
	"DW-SET-010 DW-SET-011 DW-SET-012 DW-SET-013"
# shellcheck disable=SC2046 # the id, severity and first word of the title
set -- $("$DRIFTWATCH" rules | grep '^DW-SET-001 ')
shows "rule IDs are described by severity and title" "driftwatch explain DW-SET-001" \
	"DW-SET-001 -- $2: $3"

repo=$(refs_repo)
cd "$repo" || exit 1
completes "revisions from the current repository" "driftwatch diff " \
	"HEAD feature/open-es main v1"
completes "diff's second revision" "driftwatch diff v1 " "HEAD feature/open-es main v1"
completes "revisions complete by prefix" "driftwatch surface fe" "feature/open-es"
completes "both ends of an audit range" "driftwatch audit v1..ma" "v1..main"
completes "a three-dot range" "driftwatch audit v1...fe" "v1...feature/open-es"
cd "$WORK" || exit 1

completes "revisions of the repository named by -C" "driftwatch audit -C $repo v" "v1"
completes "revisions of the repository named by --repo=" "driftwatch surface --repo=$repo fe" \
	"feature/open-es"
completes "no revisions outside a repository" "driftwatch diff -C $WORK " ""

touch "$WORK/old.json" "$WORK/other.yml" "$WORK/rfile"
mkdir "$WORK/rdir"
completes "diff --files completes paths" "driftwatch diff --files $WORK/ol" "$WORK/old.json"
completes "--output FORMAT:<TAB> completes paths" "driftwatch audit --output=sarif:$WORK/ol" \
	"--output=sarif:$WORK/old.json"
completes "-o offers the formats" "driftwatch diff -o j" "json junit"
completes "-o offers files" "driftwatch diff -o $WORK/oth" "$WORK/other.yml"
completes "--rules completes paths" "driftwatch rules --rules $WORK/oth" "$WORK/other.yml"
completes "-C completes directories only" "driftwatch surface -C $WORK/r" "$WORK/rdir $WORK/refs"

# All the cases in one zsh.
cases=$WORK/cases out=$WORK/out
: >"$cases"
for i in "${!CASE_LINE[@]}"; do
	printf '%s\t%s\n' "${CASE_DIR[i]}" "${CASE_LINE[i]}" >>"$cases"
done
rm -f "$out"
if zsh_err=$(timeout -k 5 90 zsh -f "$SRCDIR/tests/e2e/zsh_complete.zsh" "$WORK/fpath" "$cases" "$out" 2>&1); then
	ok "zsh_complete.zsh ran the cases"
else
	not_ok "zsh_complete.zsh ran the cases" "$zsh_err"
fi
got=()
[ -f "$out" ] && mapfile -t got <"$out"
if [ "${#got[@]}" -eq $((2 * ${#CASE_LINE[@]})) ]; then
	ok "zsh completed every case"
else
	not_ok "zsh completed every case" "${#got[@]} lines in $out for ${#CASE_LINE[@]} cases"
fi
for i in "${!CASE_LINE[@]}"; do
	words=${got[2 * i]-} listing=${got[2 * i + 1]-}
	if [ "${CASE_KIND[i]}" = words ]; then
		if [ "$words" = "${CASE_WANT[i]}" ]; then
			ok "${CASE_NAME[i]}"
		else
			not_ok "${CASE_NAME[i]}" "line: '${CASE_LINE[i]}'" "got:      '$words'" \
				"expected: '${CASE_WANT[i]}'"
		fi
	elif [[ $listing == *"${CASE_WANT[i]}"* ]]; then
		ok "${CASE_NAME[i]}"
	else
		not_ok "${CASE_NAME[i]}" "line: '${CASE_LINE[i]}'" "listing: '$listing'" \
			"expected an entry: '${CASE_WANT[i]}'"
	fi
done

done_testing
