#!/usr/bin/env bash
# test_audit_stop.sh - an audit that git fails on part-way (an object gone
# from the repository): every commit before the one it fails on is still
# judged and reported; the text says where it stopped; the JSON still
# parses, with "stopped" (the commit and the reason) and no windows; an
# --output file of a format written only at the end is removed rather than
# left empty; exit 2.
. "$(dirname "$0")/lib.sh"

# history DIR N: N commits on main, commit i ("ci") opening tcp/(1000+i)
# of group Web to the Internet in sg.yaml; every object loose, so that one
# can be taken away.
history() {
	git init -q -b main "$1"
	python3 - "$2" <<'PY' | git -C "$1" -c fastimport.unpackLimit=1000000 fast-import --quiet
import sys
out = sys.stdout.buffer
for i in range(1, int(sys.argv[1]) + 1):
    data = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Web:\n'
            '    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n'
            '      SecurityGroupIngress:\n'
            '        - {IpProtocol: tcp, FromPort: %d, ToPort: %d, CidrIp: 0.0.0.0/0}\n'
            % (1000 + i, 1000 + i)).encode()
    msg = b"c%d" % i
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"committer Dev <dev@example.com> %d +0000\n" % (1700000000 + i * 3600))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    out.write(b"M 100644 inline sg.yaml\ndata %d\n%s\n" % (len(data), data))
PY
}
# gone DIR OBJECT: takes a loose object out of DIR's repository.
gone() {
	local id
	id=$(git -C "$1" rev-parse "$2")
	rm -f "$1/.git/objects/${id:0:2}/${id:2}"
	! git -C "$1" cat-file -e "$id" 2>/dev/null
}

# --- a blob gone: judging commit 4 of 6 fails
r="$WORK/blob"
history "$r" 6
c4=$(git -C "$r" rev-parse main~2)
check "the blob of c4 is gone" gone "$r" main~2:sg.yaml

dw audit -C "$r" --compact
status_is "text: exit 2" 2
same "text: its last line says where it stopped, and what is above" \
	"$(printf '%s\n' "$OUT" | tail -n 2 | sed 's/: sg.yaml: reading blob.*//')" \
	"-- stopped at commit ${c4:0:12}, before the tip
-- the commits before it are judged above; none after it"
same "text: c1, c2 and c3 are reported" \
	"$(printf '%s\n' "$OUT" | grep -c 'DW-NET-.* @')" 3
check "text: the error on standard error" grep -q "reading blob" <<<"$ERR"

dw audit -C "$r" --format json
status_is "json: exit 2" 2
json_check "json: it parses, with c1 to c3, and 'stopped' names c4 and why" \
	"[x['subject'] for x in f] == ['c1', 'c2', 'c3'] and d['stopped']['commit'] == '$c4' \
	 and 'reading blob' in d['stopped']['reason'] and d['errors'] == []"
json_check "json: no windows, which need the whole history" "'windows' not in d"

out="$WORK/out"
mkdir -p "$out"
echo "an old report" >"$out/old.sarif"
dw audit -C "$r" -q --output "$out/old.sarif" --format sarif --output "$out/r.md" --format markdown \
	--output "$out/r.json" --format json --output "$out/r.txt" --format text
status_is "--output: exit 2" 2
same "--output: no SARIF or Markdown file, which would hold nothing" \
	"$(ls "$out" | sort | tr '\n' ' ')" "r.json r.txt "
check "--output: each removed file is named on standard error" \
	grep -q -- "--output $out/old.sarif: not written: the audit stopped" <<<"$ERR"
check "--output: ... the Markdown too" grep -q -- "--output $out/r.md: not written" <<<"$ERR"
OUT=$(cat "$out/r.json")
json_check "--output: the JSON file parses, and says where it stopped" \
	"len(f) == 3 and d['stopped']['commit'] == '$c4'"
check "--output: the text file ends by saying where it stopped" \
	grep -q "^-- stopped at commit ${c4:0:12}, before the tip: " "$out/r.txt"

# --- a tree gone: reading commit 290 of 300 fails, in the walk's second batch
r="$WORK/tree"
history "$r" 300
c290=$(git -C "$r" rev-parse main~10)
check "the tree of c290 is gone" gone "$r" "main~10^{tree}"
dw audit -C "$r" --format json --no-cache
status_is "a tree gone: exit 2" 2
json_check "a tree gone: the 289 commits before it are reported, the first batch of 256 too" \
	"len(f) == 289 and f[-1]['subject'] == 'c289' and d['stopped']['commit'] == '$c290'"

# --- nothing gone: no "stopped"
r="$WORK/whole"
history "$r" 3
dw audit -C "$r" --format json
json_check "a whole history: no 'stopped', and its windows" "'stopped' not in d and 'windows' in d"

done_testing
