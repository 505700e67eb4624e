#!/usr/bin/env bash
# test_bicep_arm.sh - the Bicep reader against the ARM reader: each pair
# in tests/data/bicep/pairs deploys the same resources from main.bicep and
# from main.json. `driftwatch surface` must give both the same resources
# (identity, kind), the same exposure, the same settings and the same
# answer to "is anything unknown". A resource whose name is not known has
# an identity made of its expression, which differs between the two
# languages by nature: such identities compare as "KIND:?".
. "$(dirname "$0")/lib.sh"

pairs="$SRCDIR/tests/data/bicep/pairs"

# surface_of PAIR FILE: the normalised surface of a repository holding FILE alone.
surface_of() {
	local repo
	repo=$(new_repo "$(basename "$1")-${2#*.}")
	mkdir -p "$repo/infra"
	cp "$1/$2" "$repo/infra/"
	commit "$repo" "$2"
	(cd "$repo" && "$DRIFTWATCH" surface --format json) | python3 -c '
import json, sys
d = json.load(sys.stdin)
out = []
for r in d["resources"]:
    ident = r["resource"]
    if "[" in ident:
        ident = ident.split(":", 1)[0] + ":?"
    settings = {k: (v["value"] if isinstance(v, dict) else v) for k, v in r.get("settings", {}).items()}
    out.append([ident, r["kind"], r["allows"], settings, bool(r["unknowns"])])
print(json.dumps({"resources": sorted(out), "errors": d["errors"]}, sort_keys=True))
'
}

n=0
for pair in "$pairs"/*/; do
	pair=${pair%/}
	name=$(basename "$pair")
	bicep=$(surface_of "$pair" main.bicep)
	arm=$(surface_of "$pair" main.json)
	n=$((n + 1))
	if [ -z "$bicep" ] || [ "$bicep" = '{"errors": [], "resources": []}' ]; then
		not_ok "$name: Bicep side reads something" "$bicep"
	elif [ "$bicep" = "$arm" ]; then
		ok "$name: Bicep and ARM give the same surface"
	else
		not_ok "$name: Bicep and ARM give the same surface" "bicep: $bicep" "arm: $arm"
	fi
done
same "at least 30 pairs" "$([ "$n" -ge 30 ] && echo yes)" yes

done_testing
