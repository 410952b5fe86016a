#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: initdb into a temporary
# folder (as the postgres user when run as root), a private Unix socket, no
# TCP.  About a second to start.
#   tests/pg.sh start DIR     prints the base DSN on stdout
#   tests/pg.sh createdb DIR NAME   prints the DSN of a new empty database
#   tests/pg.sh stop DIR
set -eu
cmd=$1
dir=$2
# the port: AFTERSALES_PG_PORT, else one derived from the process id (so that
# several clusters can run side by side); remembered in DIR/port
if [ -f "$dir/port" ]; then
	port=$(cat "$dir/port")
else
	port=${AFTERSALES_PG_PORT:-$((55400 + $$ % 2000))}
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server binaries not found" >&2; exit 1; }
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
pguser=$(id -un)
[ "$(id -u)" -eq 0 ] && pguser=postgres
case "$cmd" in
start)
	mkdir -p "$dir"
	echo "$port" >"$dir/port"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_pg "$bindir/initdb" -D "$dir/data" -A trust -U "$pguser" -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1
	as_pg "$bindir/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
		-o "-k $dir -p $port -c listen_addresses='' -c fsync=on -c max_connections=200" \
		start >/dev/null
	echo "postgresql://$pguser@/postgres?host=$dir&port=$port"
	;;
createdb)
	name=$3
	psql -q -h "$dir" -p "$port" -U "$pguser" -d postgres \
		-c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
	echo "postgresql://$pguser@/$name?host=$dir&port=$port"
	;;
stop)
	as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	;;
*)
	echo "usage: tests/pg.sh start|createdb|stop DIR [NAME]" >&2
	exit 2
	;;
esac
