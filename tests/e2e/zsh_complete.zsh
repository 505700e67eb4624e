# zsh_complete.zsh - what zsh's completion system offers for command lines,
# for tests/e2e/test_completion_zsh.sh. Run as
#   zsh -f zsh_complete.zsh FPATH-DIR CASES OUT
# CASES has one case a line, "DIR<TAB>LINE": LINE is completed at its end
# in the directory DIR. OUT gets two lines per case: the words offered
# (sorted, space-separated) and their listing (what zsh displays beside
# each, descriptions included, runs of spaces squeezed, joined by " | ").
#
# Completion needs the line editor, and the line editor a terminal: this
# starts an interactive zsh on a zpty pseudo-terminal and has it source
# this file again (with --inner). There, no key is typed: the zle-line-init
# hook puts each case in the buffer and calls a completion widget, whose
# compadd is a function that records the matches instead of showing them.

if [[ $1 != --inner ]]; then
	zmodload zsh/zpty || exit 2
	zpty dwcomplete zsh -f -i || exit 2
	zpty -w dwcomplete ". ${(q)0:A} --inner ${(q)1:A} ${(q)2:A} ${(q)3:A}"
	# Read (and drop) the terminal's output until the inner zsh exits;
	# give up after 60 s.
	integer waited=0
	while zpty -t dwcomplete; do
		zpty -rt dwcomplete out || { sleep 0.05; (( ++waited < 1200 )) || break; }
	done
	zpty -d dwcomplete
	[[ -s $3 ]] || { print -u2 "zsh_complete.zsh: the interactive zsh wrote nothing to $3"; exit 1; }
	exit 0
fi

# The inner, interactive zsh: $2 the completion's directory, $3 the
# cases, $4 the output.
PS1= PS2= RPS1= PROMPT_EOL_MARK=
# Room for whole descriptions in the listing.
stty columns 250 2>/dev/null
COLUMNS=250
export LC_ALL=C
fpath=($2 $fpath)
autoload -Uz compinit
compinit -D -u
zstyle ':completion:*' list-grouped false
_dw_cases=(${(f)"$(<$3)"})
_dw_out=$4
typeset -ga _dw_words _dw_shown

# compadd, recording: the words that match (with the prefixes that zsh
# would put before them) and their listing. A call that only asks for
# matches (-O, -A, -D) is the completion system's own business.
compadd() {
	local a opt value asks= P= p= d= i
	local -a args=("$@") hits disp
	# compadd's options (zshcompwid): clusters of letters, the last of
	# which may take the next argument as its value.
	for ((i = 1; i <= $#args; i++)); do
		a=$args[i]
		[[ $a == (-|--) || $a != -?* ]] && break
		a=${a#-}
		while [[ -n $a ]]; do
			opt=${a[1]} a=${a[2,-1]} value=
			if [[ $opt == [FPSpsiIdJVXxrRMWOADE] || ($opt == o && -n $a) ]]; then
				if [[ -n $a ]]; then
					value=$a a=
				else
					value=${args[++i]}
				fi
			elif [[ $opt == o && $args[i+1] != -* ]]; then
				value=${args[++i]}
			fi
			case $opt in
			[OAD]) asks=1 ;;
			P) P=$value ;;
			p) p=$value ;;
			d) d=$value ;;
			esac
		done
	done
	if [[ -n $asks ]]; then
		builtin compadd "$@"
		return
	fi
	if [[ $d == \(* ]]; then
		eval "disp=$d"
	elif [[ -n $d ]]; then
		disp=("${(@P)d}")
	fi
	builtin compadd -O hits "$@"
	[[ -n $d ]] && builtin compadd -D disp "$@"
	_dw_words+=("${(@)hits/#/$IPREFIX$P$p}")
	for a in $disp; do
		_dw_shown+=("${(j: :)${(s: :)a}}")
	done
	builtin compadd "$@"
}

# The matches are recorded; nothing is inserted or listed.
_dw_quiet() {
	compstate[insert]=
	compstate[list]=
}
comppostfuncs=(_dw_quiet)
zle -C dw-complete complete-word _main_complete

_dw_run() {
	local c dir
	for c in $_dw_cases; do
		dir=${c%%$'\t'*}
		BUFFER=${c#*$'\t'}
		CURSOR=$#BUFFER
		_dw_words=() _dw_shown=()
		cd -q $dir
		zle dw-complete
		print -r -- ${(j: :)${(ou)_dw_words}} >>$_dw_out
		print -r -- ${(j: | :)_dw_shown} >>$_dw_out
	done
	BUFFER=exit
	zle accept-line
}
zle -N zle-line-init _dw_run
