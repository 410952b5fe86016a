#!/bin/sh
# Install the Debian packages Aftersales needs, when they are missing.
#   scripts/deps.sh         build and run
#   scripts/deps.sh test    also what the tests need (PostgreSQL, node, clang)
set -eu
need="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev \
libjansson-dev libsodium-dev"
if [ "${1:-}" = "test" ]; then
	need="$need postgresql clang nodejs npm valgrind sqlite3 curl"
fi
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing
