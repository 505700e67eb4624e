#!/bin/sh
# install-deps.sh - the Debian (bookworm) packages driftwatch builds and
# tests with. Used by the README's first command and by .ci/run, so the
# list lives in one place.
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
	ca-certificates gcc clang libclang-rt-14-dev meson ninja-build pkg-config git python3 \
	libglib2.0-dev libgit2-dev libyaml-dev libjson-glib-dev libcmocka-dev \
	time debhelper dpkg-dev bash-completion zsh man-db valgrind \
	libnotify-dev libsqlite3-dev xvfb dbus dbus-x11 dunst libnotify-bin systemd cmark-gfm \
	pre-commit python3-yaml chromium
# npm installs the SARIF validator and the HCL reference parser .ci/run uses. A machine
# whose Node.js comes from elsewhere (NodeSource's nodejs bundles npm and
# conflicts with Debian's) keeps it.
command -v npm >/dev/null || $SUDO apt-get install -y -q --no-install-recommends nodejs npm
