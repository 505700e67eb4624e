#!/bin/sh
# build-deb.sh [--worktree] [OUTDIR] - build driftwatch's Debian package.
#
# Debian's tools want debian/ at the top of the source tree; ours lives in
# packaging/debian/ so that the source root stays the project's. This
# copies the committed tree (git archive HEAD; with --worktree, the work
# tree's tracked and untracked, non-ignored files instead; outside a git
# repository, the whole tree but build*/ and dist/) to a temporary
# directory, puts packaging/debian there as debian/, runs
# `dpkg-buildpackage -us -uc -b`, and copies driftwatch_*.deb to OUTDIR
# (default: dist/ at the top of the repository), replacing any
# driftwatch_*.deb already there so that `apt-get install
# ./dist/driftwatch_*.deb` names one file. Build dependencies:
# packaging/install-deps.sh.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
worktree=0
if [ "${1:-}" = --worktree ]; then
	worktree=1
	shift
fi
case "${1:-}" in
-*) echo "usage: packaging/build-deb.sh [--worktree] [OUTDIR]" >&2; exit 2 ;;
esac
out=${1:-$root/dist}

# One version, meson.build's; the changelog must agree with it.
version=$(sed -n "s/^[[:space:]]*version:[[:space:]]*'\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
deb_version=$(dpkg-parsechangelog -l "$root/packaging/debian/changelog" -S Version)
if [ -z "$version" ] || [ "$version" != "$deb_version" ]; then
	echo "build-deb.sh: meson.build says version '$version' but packaging/debian/changelog says '$deb_version'" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/driftwatch-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
src=$tmp/driftwatch-$version
mkdir "$src"

if ! git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	# A tree without its repository (an unpacked archive): all of it but
	# build directories and the output.
	echo "build-deb.sh: $root is not a git work tree; copying it whole" >&2
	(cd "$root" && tar --exclude='./build*' --exclude=./dist --exclude=./debian -cf - .) |
		tar -xf - -C "$src"
elif [ "$worktree" -eq 1 ]; then
	# Tracked files deleted in the work tree are left out.
	# shellcheck disable=SC2016 # "$f" is the inner sh's
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$src"
else
	git -C "$root" archive --format=tar HEAD | tar -xf - -C "$src"
fi
if [ ! -f "$src/packaging/debian/control" ]; then
	echo "build-deb.sh: packaging/debian is not in the copied tree (not committed yet? try --worktree)" >&2
	exit 1
fi
cp -a "$src/packaging/debian" "$src/debian"

if [ -z "${DEB_BUILD_OPTIONS:-}" ] || ! printf '%s' "$DEB_BUILD_OPTIONS" | grep -q 'parallel='; then
	DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)"
fi
export DEB_BUILD_OPTIONS

(cd "$src" && dpkg-buildpackage -us -uc -b)

mkdir -p "$out"
rm -f "$out"/driftwatch_*.deb
cp "$tmp"/driftwatch_*.deb "$out"/
for deb in "$out"/driftwatch_*.deb; do
	echo "built $deb ($(du -h "$deb" | cut -f1))"
done
