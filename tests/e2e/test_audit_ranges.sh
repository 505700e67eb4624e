#!/usr/bin/env bash
# test_audit_ranges.sh - audit's ranges as git rev-list takes them: several
# REV-RANGEs (A..B, ^A, revisions) as one set of commits, each judged once;
# --all (every ref and HEAD); --since DATE (committed at or after it, each
# still compared with its parent); in a full and in a shallow clone.
. "$(dirname "$0")/lib.sh"

# sg NAME PORT: a CloudFormation security group NAME letting PORT in from anywhere.
sg() {
	printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  %s:\n    Type: AWS::EC2::SecurityGroup\n' "$1"
	printf '    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n'
	printf '        - {IpProtocol: tcp, FromPort: %s, ToPort: %s, CidrIp: 0.0.0.0/0}\n' "$2" "$2"
}
# at DATE MESSAGE: commits everything, authored and committed at DATE.
at() {
	git -C "$r" add -A
	GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git -C "$r" commit -q -m "$2"
}

# main: web, ssh, rdp; feat (from ssh): redis; other (from rdp): es; tag v-old on ssh.
r=$(new_repo ranges)
sg Web 443 >"$r/web.yaml"; at 2026-01-01T00:00:00Z "web"
sg Ssh 22 >"$r/ssh.yaml"; at 2026-01-10T00:00:00Z "ssh"
git -C "$r" tag v-old
git -C "$r" checkout -q -b feat
sg Redis 6379 >"$r/redis.yaml"; at 2026-02-01T00:00:00Z "redis"
git -C "$r" checkout -q main
sg Rdp 3389 >"$r/rdp.yaml"; at 2026-02-10T00:00:00Z "rdp"
git -C "$r" checkout -q -b other
sg Es 9200 >"$r/es.yaml"; at 2026-03-01T00:00:00Z "es"
git -C "$r" checkout -q main

# subjects ARGS...: the sorted subjects of the commits audit found widenings
# in, then how many findings (each commit widens one group: one finding).
subjects() {
	dw audit -C "$r" --format json "$@"
	SUBJECTS=$(printf '%s' "$OUT" | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
print(" ".join(sorted(x["subject"] for x in f)), len(f))')
}
# judged ARGS...: the commits audit judged, from its text footer.
judged() {
	dw audit -C "$r" "$@"
	JUDGED=$(printf '%s\n' "$OUT" | sed -n 's/^-- \([0-9]*\) commits\{0,1\} judged.*/\1/p')
}

subjects
same "no range: the history of HEAD" "$SUBJECTS" "rdp ssh web 3"
subjects main feat
same "two ranges: what either reaches, the shared commits judged once" "$SUBJECTS" "rdp redis ssh web 4"
subjects main main feat main~1
same "the same commit through four ranges: still one finding" "$SUBJECTS" "rdp redis ssh web 4"
subjects feat other ^main
same "^main excludes main's history from every range" "$SUBJECTS" "es redis 2"
subjects main~1..feat other~1..other
same "two A..B ranges: each exclusion applies to both, as in git rev-list" "$SUBJECTS" "es redis 2"
subjects --all
same "--all: every branch" "$SUBJECTS" "es rdp redis ssh web 5"
subjects --all ^v-old
same "--all with an exclusion: a tag's history left out" "$SUBJECTS" "es rdp redis 3"
for args in "main feat" "--all" "feat other ^main" "main~1..feat other~1..other"; do
	# shellcheck disable=SC2086
	judged $args
	# shellcheck disable=SC2086
	same "'$args' judges the commits git rev-list lists" "$JUDGED" "$(git -C "$r" rev-list $args | wc -l)"
done

subjects --all --since 2026-02-01T00:00:00Z
same "--since: the commits at or after DATE" "$SUBJECTS" "es rdp redis 3"
subjects --all --since "2026-02-05 12:00 +0000"
same "--since with a time: only what came after it" "$SUBJECTS" "es rdp 2"
judged --all --since 2026-02-05T12:00:00Z
same "--since: the older commits are walked past, not judged" "$JUDGED" \
	"$(git -C "$r" rev-list --all --since=2026-02-05T12:00:00Z | wc -l)"
dw audit -C "$r" --since 2026-02-10T00:00:00Z --format json
json_check "--since: the first commit kept is still compared with its parent" \
	"[(x['subject'], x['before']) for x in f] == [('rdp', 'nothing')] and 'tcp/3389' in f[0]['widened']"
dw audit -C "$r" --since "no-such-day"
status_is "--since a date git does not understand: exit 2" 2
check "... and says so" grep -q "^driftwatch: --since .*: not a date git understands" <<<"$ERR"
dw audit -C "$r" --since "2 days ago" -q
status_is "--since \"2 days ago\" (nothing that recent): exit 0" 0
dw audit -C "$r" main nosuch
status_is "an unknown revision among several: exit 2" 2
check "... naming it" grep -q "nosuch" <<<"$ERR"
dw audit --help
check "help: several ranges, --all, --since" grep -q -- "--since=DATE" <<<"$OUT"

# A shallow clone takes the same ranges (git rev-list lists its commits).
shallow="$WORK/shallow"
git clone -q --no-local --depth 2 --no-single-branch "file://$r" "$shallow" 2>/dev/null
dw audit -C "$shallow" --all --format json
status_is "shallow clone, --all: judged (exit 1)" 1
json_check "shallow clone, --all: every branch's commits it holds" \
	"sorted(x['subject'] for x in f) == ['es', 'rdp', 'redis', 'ssh', 'web']"
dw audit -C "$shallow" origin/feat origin/other ^origin/main --format json
json_check "shallow clone, several ranges with an exclusion" \
	"sorted(x['subject'] for x in f) == ['es', 'redis']"

done_testing
