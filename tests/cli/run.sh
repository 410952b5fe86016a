#!/bin/sh
# The CLI contract of SPEC §7: exit statuses, one-line errors, user add with
# the password on stdin, idempotent demo, backup and restore.
#   tests/cli/run.sh BIN PG_DSN
# Without PG_DSN (or with an empty one: a `pg.sh createdb` that failed) the
# PostgreSQL checks fail; they are never skipped.
set -u
bin=$1
pg=${2:-}
dir=$(mktemp -d /tmp/aftersales-cli-XXXXXX)
passed=0
failed=0

check() {
	name=$1
	shift
	if "$@" >"$dir/out" 2>"$dir/err"; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		sed 's/^/    /' "$dir/out" "$dir/err" | tail -n 10
		failed=$((failed + 1))
	fi
}

# A command that must fail with exactly one line on stderr.
fails_one_line() {
	if "$@" >/dev/null 2>"$dir/e1"; then
		echo "unexpected success" >&2
		return 1
	fi
	[ "$(wc -l <"$dir/e1")" -eq 1 ] || { cat "$dir/e1" >&2; return 1; }
	grep -q '^aftersales: ' "$dir/e1"
}

db=$dir/a.db
check "--help exits 0 and lists the commands" sh -c "'$bin' --help | grep -q 'aftersales serve'"
check "COMMAND --help exits 0" sh -c "'$bin' backup --help | grep -q -- '--out FILE'"
check "an unknown command fails with one line" fails_one_line "$bin" frobnicate
check "an unknown option fails with one line" fails_one_line "$bin" migrate --db "$db" --bogus
check "migrate creates the database" sh -c "'$bin' migrate --db '$db' | grep -q 'schema version'"
check "migrate again applies nothing" sh -c "'$bin' migrate --db '$db' | grep -q '(0 migrations applied)'"
check "demo loads and prints the logins" sh -c "'$bin' demo --db '$db' | grep -q 'admin'"
check "demo is idempotent" sh -c "'$bin' demo --db '$db' | grep -q '(0 new records)'"
check "user add reads the password from stdin" sh -c "echo 'secret-pass-1' | '$bin' user add --db '$db' --username wangwu --role agent,technician --display-name 王五 | grep -q \"user 'wangwu' created\""
check "user add refuses a short password" fails_one_line sh -c "echo short | '$bin' user add --db '$db' --username zhaoliu --role agent"
check "user add refuses an unknown role" fails_one_line sh -c "echo 'secret-pass-1' | '$bin' user add --db '$db' --username zhaoliu --role wizard"
check "user add refuses a taken username" fails_one_line sh -c "echo 'secret-pass-1' | '$bin' user add --db '$db' --username wangwu --role agent"
check "user add: a customer needs a customer" fails_one_line sh -c "echo 'secret-pass-1' | '$bin' user add --db '$db' --username kehu2 --role customer"
check "backup writes a copy" "$bin" backup --db "$db" --out "$dir/backup.db"
check "the backup has the users" sh -c "[ \"\$(sqlite3 '$dir/backup.db' 'select count(*) from users')\" = \"\$(sqlite3 '$db' 'select count(*) from users')\" ]"
check "restore into a fresh file" "$bin" restore --db "$dir/restored.db" --in "$dir/backup.db"
check "the restored database has wangwu" sh -c "[ \"\$(sqlite3 '$dir/restored.db' \"select count(*) from users where username='wangwu'\")\" = 1 ]"
check "restore refuses a file that is not a database" sh -c "echo junk > '$dir/junk.db'; ! '$bin' restore --db '$dir/r2.db' --in '$dir/junk.db' 2>/dev/null"
check "backup needs --out" fails_one_line "$bin" backup --db "$db"
check "optimize merges the search index" sh -c "'$bin' optimize --db '$db' | grep -q 'search index merged'"
check "after optimize: documents indexed, none pending" sh -c "[ \"\$(sqlite3 '$db' 'select count(*) from search_docs')\" -gt 0 ] && [ \"\$(sqlite3 '$db' 'select count(*) from search_pending')\" = 0 ]"
check "optimize refuses an unknown option" fails_one_line "$bin" optimize --db "$db" --pages 3
# configuration: a KEY=VALUE file, then the environment, then flags
printf '# comment\ndb = %s\n' "$dir/fromfile.db" >"$dir/conf"
check "AFTERSALES_CONFIG names the database" sh -c "AFTERSALES_CONFIG='$dir/conf' '$bin' migrate >/dev/null && [ -f '$dir/fromfile.db' ]"
check "the environment overrides the file" sh -c "AFTERSALES_CONFIG='$dir/conf' AFTERSALES_DB='$dir/fromenv.db' '$bin' migrate >/dev/null && [ -f '$dir/fromenv.db' ]"
check "a flag overrides the environment" sh -c "AFTERSALES_DB='$dir/fromenv2.db' '$bin' migrate --db '$dir/fromflag.db' >/dev/null && [ -f '$dir/fromflag.db' ] && [ ! -f '$dir/fromenv2.db' ]"
printf '= %s/eq.db\n' "$dir" >"$dir/eqconf"
check "a line starting with '=' is refused naming its line" sh -c "AFTERSALES_CONFIG='$dir/eqconf' '$bin' migrate --db '$dir/eq2.db' 2>'$dir/ce'; [ \$? -ne 0 ] && grep -q ':1: expected KEY=VALUE' '$dir/ce' && [ \$(wc -l <'$dir/ce') -eq 1 ]"
{ printf '# long\n'; printf 'db = %04000d\n' 0; } >"$dir/longconf"
check "a line too long for the reader is refused naming its line" sh -c "AFTERSALES_CONFIG='$dir/longconf' '$bin' migrate --db '$dir/long.db' 2>'$dir/ce'; [ \$? -ne 0 ] && grep -q ':2: line longer than' '$dir/ce'"
printf 'threads = lots\n' >"$dir/badconf"
check "a bad setting in the file fails naming its line" sh -c "AFTERSALES_CONFIG='$dir/badconf' '$bin' migrate --db '$dir/x.db' 2>'$dir/ce'; [ \$? -ne 0 ] && grep -q ':1: bad setting' '$dir/ce'"
check "an unknown time zone is refused" fails_one_line env AFTERSALES_TIMEZONE=Mars/Olympus "$bin" migrate --db "$dir/tz.db"
check "serve refuses a bad listen address" fails_one_line "$bin" serve --db "$dir/y.db" --listen nowhere
if [ -z "$pg" ]; then
	echo "not ok - the PostgreSQL checks: no database given (PG_DSN empty)"
	failed=$((failed + 1))
else
	check "backup of PostgreSQL points to pg_dump" sh -c "! '$bin' backup --db '$pg' --out '$dir/x' 2>'$dir/pge' && grep -q pg_dump '$dir/pge'"
	check "migrate on PostgreSQL" sh -c "'$bin' migrate --db '$pg' | grep -q 'schema version'"
fi
# CSV import has its own script; its counts join these
"$(dirname "$0")/import.sh" "$bin" "$pg" >"$dir/import.log" 2>&1
grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$dir/import.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/import.log" | tail -n 1)
if [ -n "$line" ]; then
	passed=$((passed + ${line%% passed*}))
	f=${line#*passed, }
	failed=$((failed + ${f%% failed*}))
else
	echo "not ok - tests/cli/import.sh gave no result line"
	failed=$((failed + 1))
fi
rm -rf "$dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
