# completion_lib.sh - what the built driftwatch's own help says, for the
# completion tests (test_completion.sh, test_completion_zsh.sh): the
# completions are checked against it at test time, so that an option added
# to a cmd_*.c table and not to packaging/ fails. Sourced after lib.sh.

# help_commands: the subcommands `driftwatch --help` lists, one a line.
help_commands() {
	"$DRIFTWATCH" --help | awk '/^Commands:$/ { in_list = 1; next }
		/^$/ { in_list = 0 } in_list && /^  [a-z]/ { print $1 }'
}

# help_options COMMAND: the options `driftwatch COMMAND --help-all` lists
# (--help with every option group: --help shows the common ones only under
# --help-common), short and long, sorted, space-separated.
help_options() {
	"$DRIFTWATCH" "$1" --help-all |
		awk '/^[A-Z].*[Oo]ptions:$/ { in_list = 1; next } /^$/ { in_list = 0 }
			in_list && /^  -/ { print $1; if ($1 ~ /,$/) print $2 }' |
		sed -e 's/=.*//' -e 's/,$//' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# help_formats COMMAND: the values of --format as COMMAND's help lists them
# ("Output format: text (default), json, ... or html (...)"), sorted,
# space-separated; nothing when COMMAND has no --format.
help_formats() {
	"$DRIFTWATCH" "$1" --help-all | sed -n 's/^  --format=FORMAT  *Output format: //p' |
		sed -e 's/ *([^)]*)//g' -e 's/ or /, /g' | tr ',' '\n' | tr -d ' ' | grep . |
		LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
