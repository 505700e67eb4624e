#!/usr/bin/env bash
# test_ci_kit.sh - the CI integration files: action.yml against the GitHub
# Action schema (npm @action-validator/cli, when .ci/node has it), and the
# shell of the action's steps and of the GitLab CI template run for real on
# the example repository, with the variables each CI would set.
. "$(dirname "$0")/lib.sh"

repo=$("$SRCDIR/examples/make-incident-repo.sh" "$WORK/incident")
opened=$(git -C "$repo" log --format=%H --grep "Open ES" -1)
fix=$(git -C "$repo" log --format=%H --grep "Close ES" -1)
mkdir -p "$WORK/bin"
ln -s "$DRIFTWATCH" "$WORK/bin/driftwatch"
export PATH="$WORK/bin:$PATH"

validator=${NODE_PATH:-}/.bin/action-validator
if [ -x "$validator" ]; then
	check "action.yml is a valid GitHub Action (action-validator)" "$validator" "$SRCDIR/action.yml"
	printf 'name: x\nruns:\n  using: composite\n  steps:\n    - run: echo\n' >"$WORK/bad-action.yml"
	if "$validator" "$WORK/bad-action.yml" >/dev/null 2>&1; then
		not_ok "the validator rejects a step without a shell"
	else
		ok "the validator rejects a step without a shell"
	fi
else
	ok "action.yml against the schema # SKIP no @action-validator/cli in NODE_PATH"
	ok "the validator rejects a step without a shell # SKIP no validator"
fi

# step_script FILE JOB-OR-STEP: a step's shell, from action.yml (by step
# id or name) or the GitLab template (a job's script lines).
step_script() {
	python3 - "$@" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
if "runs" in d:
    step = [s for s in d["runs"]["steps"] if s.get("id") == sys.argv[2] or s.get("name") == sys.argv[2]][0]
    print(step["run"])
else:
    print("\n".join(d[sys.argv[2]]["script"]))
PY
}

# action STEP-NAME BASE HEAD: runs the action's step as the runner would
# (bash -e, GITHUB_OUTPUT a file), in the repository; sets STATUS.
action() {
	local script
	script=$(step_script "$SRCDIR/action.yml" "$1")
	: >"$WORK/github_output"
	STATUS=0
	(cd "$repo" && GITHUB_OUTPUT="$WORK/github_output" DW_RANGE="" DW_FAIL_ON=high \
		DW_SARIF="$WORK/driftwatch.sarif" DW_ARGS="" DW_BASE="$2" DW_HEAD="$3" \
		DW_STATUS="${4:-}" bash -e -c "$script") >"$WORK/action.out" 2>&1 || STATUS=$?
}

action Audit "$opened~1" "$opened"
same "action: the Audit step itself succeeds (the verdict is a later step)" "$STATUS" 0
same "action: the push that opened ES gives exit-status 1" "$(cat "$WORK/github_output")" "status=1"
check "action: the job log has the text report" grep -q "DW-NET-001" "$WORK/action.out"
check "action: the SARIF report was written" test -s "$WORK/driftwatch.sarif"
st=0
res=$(sarif_validate "$WORK/driftwatch.sarif" 2>&1) || st=$?
if [ $st -eq 77 ]; then ok "action: its SARIF is valid # SKIP $res"; elif [ $st -eq 0 ]; then ok "action: its SARIF is valid"; else not_ok "action: its SARIF is valid" "$res"; fi
action Verdict "" "" 1
same "action: the Verdict step fails the job on status 1" "$STATUS" 1
action Audit "$fix~1" "$fix"
same "action: the fix alone gives exit-status 0" "$(cat "$WORK/github_output")" "status=0"
action Audit 0000000000000000000000000000000000000000 "$fix"
same "action: a new branch (before = zeros) audits the whole history: status 1" "$(cat "$WORK/github_output")" "status=1"

# The GitLab template: its job's script with GitLab's variables.
gitlab=$SRCDIR/packaging/ci/driftwatch.gitlab-ci.yml
check "GitLab template: the job asks for the whole history and keeps both reports" python3 - "$gitlab" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
j = d["driftwatch"]
assert str(j["variables"]["GIT_DEPTH"]) == "0"
r = j["artifacts"]["reports"]
assert r["sast"] == "gl-sast-report.json" and r["junit"] == "driftwatch-junit.xml"
assert j["artifacts"]["when"] == "always"
script = "\n".join(j["script"])
assert "gitlab-sast:" + r["sast"] in script and "junit:" + r["junit"] in script
PY
gitlab_job() {
	local script
	script=$(step_script "$gitlab" driftwatch)
	rm -f "$repo/gl-sast-report.json" "$repo/driftwatch-junit.xml"
	STATUS=0
	(cd "$repo" && DRIFTWATCH_FAIL_ON=high DRIFTWATCH_ARGS="${3:-}" CI_COMMIT_BEFORE_SHA="$1" \
		CI_COMMIT_SHA="$2" bash -e -c "$script") >"$WORK/gitlab.out" 2>&1 || STATUS=$?
}
gitlab_job "$opened~1" "$opened"
same "GitLab: the push that opened ES fails the job" "$STATUS" 1
check "GitLab: the SAST report has the critical finding" python3 -c '
import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(0 if any(v["severity"] == "Critical" for v in d["vulnerabilities"]) else 1)' "$repo/gl-sast-report.json"
check "GitLab: the JUnit report has a failed case" grep -q "<failure" "$repo/driftwatch-junit.xml"
gitlab_job "$opened~1" "$opened" --exit-zero
same "GitLab: DRIFTWATCH_ARGS=--exit-zero reports without failing" "$STATUS" 0
check "GitLab: and still writes the reports" test -s "$repo/gl-sast-report.json"
rm -f "$repo/gl-sast-report.json" "$repo/driftwatch-junit.xml"

done_testing
