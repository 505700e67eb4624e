#!/bin/sh
# make-incident-repo.sh - build the example repository that tells the
# incident's story in five commits, from the plain files in incident/:
#
#   1 Elasticsearch behind an Azure NSG: 9200/9300 from the VNet only
#   2 a refactor: rules reordered and renumbered, a /16 split into two
#     /17s, elasticsearch.yml rewritten in nested form (no exposure change)
#   3 "temporarily" open 9200/9300 to any source (the incident)
#   4 Elasticsearch security switched off while debugging
#   5 the fix: back to the VNet, security on
#
# usage: examples/make-incident-repo.sh [DIR]   (default: a new temporary dir)
# Prints the repository's path, so that
#   driftwatch audit -C "$(examples/make-incident-repo.sh)"
# works in one line.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/driftwatch-incident.XXXXXX")}
if [ -e "$dir/.git" ]; then
	echo "make-incident-repo.sh: $dir already holds a repository" >&2
	exit 2
fi
mkdir -p "$dir"
git -C "$dir" init -q -b main

step() {
	n=$1 who=$2 when=$3 msg=$4
	mkdir -p "$dir/infra/azure" "$dir/config/elasticsearch"
	cp "$here/incident/$n/es-nsg.json" "$dir/infra/azure/es-nsg.json"
	cp "$here/incident/$n/elasticsearch.yml" "$dir/config/elasticsearch/elasticsearch.yml"
	git -C "$dir" add -A
	GIT_AUTHOR_NAME=$who GIT_AUTHOR_EMAIL="$(echo "$who" | tr 'A-Z ' 'a-z.')@example.com" \
	GIT_AUTHOR_DATE=$when GIT_COMMITTER_NAME=$who \
	GIT_COMMITTER_EMAIL="$(echo "$who" | tr 'A-Z ' 'a-z.')@example.com" GIT_COMMITTER_DATE=$when \
		git -C "$dir" -c commit.gpgsign=false commit -q -m "$msg"
}

step 1-initial "Dana Ops" "2026-03-02T09:00:00+01:00" "Support search: Elasticsearch behind its NSG"
step 2-refactor "Lee Platform" "2026-03-09T14:30:00+01:00" "Tidy NSG: order rules by priority, split VNet range"
step 3-open-9200 "Sam Migrate" "2026-03-16T17:45:00+01:00" "Open ES to the migration tool (temporary)"
step 4-security-off "Sam Migrate" "2026-03-16T18:10:00+01:00" "Debug migration: disable ES security"
step 5-fix "Dana Ops" "2026-04-06T08:15:00+02:00" "Close ES to the VNet again, security back on"

echo "$dir"
