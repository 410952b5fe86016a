#!/bin/bash
# The README's two commands on a fresh Debian, as a new user would run them:
# a minimal root made by debootstrap (with only git, make and ca-certificates
# added), a clean clone of this checkout's HEAD in it, then `make run` until
# the server answers, and with --test `make test`.  Needs root, debootstrap
# and the network to Debian's mirror and the npm registry; takes 3 minutes
# for `make run` and 20-30 more for `make test`.
#
#   scripts/fresh-debian.sh SUITE DIR [--test]    SUITE: bookworm, trixie...
#
# Logs: DIR.setup.log, DIR.run.log, DIR.test.log; the last lines say how it
# ended.  The host's extra CA certificates (/usr/local/share/ca-certificates,
# e.g. an intercepting proxy's) are copied in, and NODE_EXTRA_CA_CERTS passed
# on, so that the root reaches the network the way the host does.
# `make run` listens on 127.0.0.1:${PORT:-8090}.
set -u
[ $# -ge 2 ] || { echo "usage: scripts/fresh-debian.sh SUITE DIR [--test]" >&2; exit 2; }
suite=$1
R=$(realpath -m "$2")
with_test=${3:-}
port=${PORT:-8090}
src=$(cd "$(dirname "$0")/.." && pwd)
log=$R

cleanup() {
	pkill -f "aftersales serve --db ./aftersales.db" 2>/dev/null
	for m in mnt/src dev/shm dev/pts dev sys proc; do
		mountpoint -q "$R/$m" && umount -l "$R/$m"
	done
}
trap cleanup EXIT
cleanup
if grep -q " $R/" /proc/mounts; then
	echo "something is still mounted under $R: not removing it" >&2
	exit 1
fi
rm -rf --one-file-system "$R"
debootstrap --variant=minbase "$suite" "$R" >"$log.setup.log" 2>&1 ||
	{ echo "debootstrap failed: $log.setup.log"; exit 1; }
# the mirror debootstrap used, for the suite's updates and security lines
mirror=$(sed -n 's/^deb \([^ ]*\) .*/\1/p' "$R/etc/apt/sources.list" | head -n 1)
cat >"$R/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror%/debian}/debian-security $suite-security main
EOF
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir -p "$R/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/* "$R/usr/local/share/ca-certificates/" 2>/dev/null
for m in proc sys dev dev/pts; do mount --bind "/$m" "$R/$m"; done
mount -t tmpfs tmpfs "$R/dev/shm"
mkdir -p "$R/mnt/src" && mount --bind "$src" "$R/mnt/src"
in_root() {
	chroot "$R" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
	    AFTERSALES_LISTEN=127.0.0.1:$port sh -c "$1"
}
in_root 'apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git make ca-certificates >/dev/null &&
	update-ca-certificates >/dev/null &&
	git clone -q /mnt/src /root/aftersales && cd /root/aftersales &&
	echo "Debian $(cat /etc/debian_version), $(git log --oneline -1)"' >>"$log.setup.log" 2>&1 ||
	{ echo "setup failed: $log.setup.log"; exit 1; }
tail -n 1 "$log.setup.log"

start=$(date +%s)
in_root 'cd /root/aftersales && make run' >"$log.run.log" 2>&1 &
up=0
while [ $(($(date +%s) - start)) -lt 1800 ]; do
	if curl -s -m 2 "http://127.0.0.1:$port/api/v1/ping" | grep -q pong; then
		up=1
		break
	fi
	grep -q '^make: \*\*\*' "$log.run.log" && break
	sleep 2
done
if [ "$up" = 1 ]; then
	echo "make run: serving after $(($(date +%s) - start)) s: $(curl -s "http://127.0.0.1:$port/api/v1/ping")," \
	    "$(curl -s "http://127.0.0.1:$port/" | grep -o '<title>[^<]*' | sed 's/<title>//')" | tee -a "$log.run.log"
else
	echo "make run failed:"
	tail -n 5 "$log.run.log"
	exit 1
fi
pkill -f "aftersales serve --db ./aftersales.db"
wait
[ "$with_test" = --test ] || exit 0

start=$(date +%s)
in_root 'cd /root/aftersales && make test' >"$log.test.log" 2>&1
st=$?
echo "make test: exit $st after $(($(date +%s) - start)) s; $(tail -n 1 "$log.test.log")" | tee -a "$log.test.log"
exit $st
