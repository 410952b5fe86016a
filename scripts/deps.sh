#!/bin/sh
# Install the Debian packages Aftersales needs, when they are missing.
#   scripts/deps.sh         build and run (Node.js builds the web interface;
#                           see scripts/node.sh for which one)
#   scripts/deps.sh test    also what the tests need (PostgreSQL, Node.js,
#                           clang with its sanitizer and libFuzzer runtimes,
#                           Chromium with a CJK font, valgrind, the sqlite3
#                           shell)
# Each entry is PACKAGE or PACKAGE:COMMAND; with a command, a machine that
# already has the command (say, Node.js from elsewhere) is left alone.
set -eu
need="build-essential:cc pkg-config:pkg-config libmicrohttpd-dev libsqlite3-dev \
libpq-dev libjansson-dev libsodium-dev libxlsxwriter-dev libcairo2-dev \
libpango1.0-dev fonts-noto-cjk:/usr/share/fonts/opentype/noto \
fonts-liberation:/usr/share/fonts/truetype/liberation tzdata nodejs:node \
npm:npm"
if [ "${1:-}" = "test" ]; then
	need="$need postgresql:/usr/lib/postgresql clang:clang libclang-rt-dev \
valgrind:valgrind sqlite3:sqlite3 curl:curl chromium:chromium \
poppler-utils:pdftotext python3-openpyxl"
fi
missing=""
for entry in $need; do
	p=${entry%%:*}
	c=${entry#*:}
	if [ "$c" != "$entry" ]; then
		if [ "${c#/}" != "$c" ]; then
			[ -e "$c" ] && continue
		elif command -v "$c" >/dev/null 2>&1; then
			continue
		fi
	fi
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" &&
		continue
	missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq $missing
fi
# Node.js: Debian's builds the web interface where it is new enough (22.13.1
# or newer); an older one (Debian 12's 18.20, Debian 13's 20.19) is only used
# to fetch Node.js 22 from the npm registry into .node/ (scripts/node.sh).
# When that cannot be done either, this refuses, saying what to do.
"$(dirname "$0")/node.sh" bin >/dev/null
