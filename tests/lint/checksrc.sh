#!/bin/sh
# checksrc — the source lint of STYLE.md ("make lint"), over src/:
#   - banned calls: strcpy strcat sprintf vsprintf strtok atoi atol strtol
#     gets (bounded or checked versions exist: snprintf, buf_addf,
#     str_to_i64 ...);
#   - SQL is never built with printf;
#   - layering: util/ includes only util/; store/ only store/ and util/;
#     domain/ never http/, api/, cli/, app.h or a concrete backend, and
#     other modules only through their one header domain/<m>/<m>.h; api/
#     and http/ never cli/ or a backend; cli/ never http/ or api/ (serve.c,
#     which starts the server, excepted); nothing outside store/ includes a
#     backend;
#   - every file opens with a prose header comment;
#   - /* */ comments only; structs are never typedef'd; no assignment in
#     an if or while condition;
#   - 80 columns (tabs to 8, a character a column).
# tests/lint/debt.txt lists what the tree held when the lint was written:
# "long FILE N" lets FILE keep N lines past 80 columns, "assign FILE CODE"
# one assignment in a condition.  Lower or remove an entry when the code is
# fixed; never raise one.
# One "ok"/"not ok" line per check, then "N passed, N failed"; exit 1 when
# a check failed.
#   tests/lint/checksrc.sh [SRC_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../src}
src=$(cd "$src" && pwd)
debt=$here/debt.txt
tmp=$(mktemp -d /tmp/aftersales-lint-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME: ok when $tmp/hits is empty, else not ok and the hits
check() {
	if [ -s "$tmp/hits" ]; then
		echo "not ok - $1"
		sed 's/^/    /' "$tmp/hits" | head -n 40
		failed=$((failed + 1))
	else
		echo "ok - $1"
		passed=$((passed + 1))
	fi
	: >"$tmp/hits"
}

cd "$src" || exit 2
files=$(find . -name '*.[ch]' | sed 's|^\./||' | sort)
[ -n "$files" ] || { echo "not ok - no C sources under $src"; echo "0 passed, 1 failed"; exit 1; }

# The code without comments, string and character literals (each line kept,
# so line numbers hold): what the checks of calls and conditions read.
for f in $files; do
	mkdir -p "$tmp/code/$(dirname "$f")"
	perl -0777 -pe '
		s{/\*.*?\*/}{ my $c = $&; $c =~ s/[^\n]//g; $c }gse;
		s{"(?:[^"\\\n]|\\.)*"}{""}g;
		s{'"'"'(?:[^'"'"'\\\n]|\\.)*'"'"'}{'"'"''"'"'}g;
	' "$f" >"$tmp/code/$f"
done
: >"$tmp/hits"

# ----- banned calls -----
for fn in strcpy strcat sprintf vsprintf strtok atoi atol strtol gets; do
	(cd "$tmp/code" && grep -nE "(^|[^A-Za-z0-9_])$fn[[:space:]]*\(" $files) >"$tmp/hits"
	check "no call of $fn()"
done

# ----- SQL built with printf -----
# rec_ref_ok() puts a table name, a literal of its caller, into its query;
# the value is bound.
grep -nE 'printf[[:space:]]*\([^;]*"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH)[[:space:]]' $files |
    grep -v '^domain/record/check\.c:[0-9]*:.*"SELECT count(\*) FROM %s WHERE id = ?"' >"$tmp/hits"
check "no SQL built with printf"

# ----- layering -----
# rule PREFIX ALLOWED_REGEX WHY: every #include "..." of the files under
# PREFIX must match ALLOWED_REGEX
rule() {
	prefix=$1 allowed=$2 why=$3
	for f in $files; do
		case "$f" in "$prefix"*) ;; *) continue ;; esac
		grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		    sed -E 's/^([0-9]+):.*"([^"]+)".*/\1 \2/' |
		    while read -r n inc; do
			echo "$inc" | grep -qE "$allowed" || echo "$f:$n: includes \"$inc\""
		done
	done >"$tmp/hits"
	check "layering: $why"
}
rule util/ '^util/' 'util/ includes only util/'
rule store/store '^(store/store\.h|store/migrations\.h|util/)' 'store.c/store.h include only store/ and util/'
rule store/migrations '^(store/|util/)' 'store/migrations.h includes only store/ and util/'
rule store/sqlite/ '^(store/store\.h|store/sqlite/|util/)' 'the SQLite backend includes only store.h, its own files and util/'
rule store/pg/ '^(store/store\.h|store/pg/|util/)' 'the PostgreSQL backend includes only store.h, its own files and util/'
rule domain/ '^(domain/|store/store\.h$|util/)' 'domain/ includes only domain/, store/store.h and util/ (never http/, api/, cli/, app.h or a backend)'
rule api/ '^(api/|http/|domain/|store/store\.h$|util/|app\.h$)' 'api/ never includes cli/ or a concrete backend'
rule http/ '^(http/|api/|util/|app\.h$)' 'http/ includes only http/, api/, app.h and util/'
for f in $files; do
	case "$f" in cli/serve.c) continue ;; cli/*) ;; *) continue ;; esac
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(http|api|store/sqlite|store/pg)/' "$f" |
	    sed "s|^|$f:|"
done >"$tmp/hits"
check "layering: cli/ never includes http/, api/ or a backend (serve.c starts the server)"
# a module's files include another module only by its one header (core is
# the shared kernel: fsm.h and core.h are both public)
for f in $files; do
	case "$f" in domain/*/*) ;; *) continue ;; esac
	m=$(echo "$f" | cut -d/ -f2)
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"domain/' "$f" |
	    sed -E 's/^([0-9]+):.*"domain\/([^/]+)\/([^"]+)".*/\1 \2 \3/' |
	    while read -r n dm h; do
		[ "$dm" = "$m" ] || [ "$h" = "$dm.h" ] || [ "$dm" = core ] ||
		    echo "$f:$n: includes domain/$dm/$h (only domain/$dm/$dm.h is public)"
	done
done >"$tmp/hits"
check "layering: other domain modules only through domain/<m>/<m>.h"

# ----- how files read -----
for f in $files; do
	head -n 1 "$f" | grep -q '^/\*' || echo "$f:1: no header comment"
done >"$tmp/hits"
check "every file opens with a header comment"
(cd "$tmp/code" && grep -nE '//' $files) >"$tmp/hits"
check "/* */ comments only"
(cd "$tmp/code" && grep -nE '(^|[^A-Za-z0-9_])typedef[[:space:]]+(struct|union)' $files) >"$tmp/hits"
check "structs are never typedef'd"
# an if/while condition on one line holding a lone "=" (not ==, <=, >=, !=)
(cd "$tmp/code" && grep -nE '(^|[^A-Za-z0-9_])(if|while)[[:space:]]*\(' $files |
    grep -E '(^|[^=!<>+*/%&|^-])=([^=]|$)') |
    while IFS= read -r hit; do
	f=${hit%%:*}
	n=${hit#*:}
	n=${n%%:*}
	code=$(sed -n "${n}p" "$f" | sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//')
	grep -qxF "assign $f $code" "$debt" 2>/dev/null || echo "$f:$n: $code"
done >"$tmp/hits"
check "no assignment in an if or while condition"

# ----- 80 columns -----
for f in $files; do
	n=$(perl -CSD -ne 'chomp; 1 while s/^([^\t]*)\t/$1 . " " x (8 - length($1) % 8)/e;
	    $n++ if length($_) > 80; END { print $n + 0 }' "$f")
	allowed=$(awk -v f="$f" '$1 == "long" && $2 == f { print $3 }' "$debt" 2>/dev/null)
	allowed=${allowed:-0}
	if [ "$n" -lt "$allowed" ]; then
		# the debt only goes down: keep the allowance at what is left
		echo "$f: $n lines past 80 columns, fewer than its allowance $allowed: lower it in tests/lint/debt.txt"
	elif [ "$n" -gt "$allowed" ]; then
		echo "$f: $n lines past 80 columns (allowed: $allowed)"
		perl -CSD -ne 'chomp; my $l = $_; 1 while s/^([^\t]*)\t/$1 . " " x (8 - length($1) % 8)/e;
		    print "  $.: ", length($_), "\n" if length($_) > 80' "$f" | head -n 5
	fi
done >"$tmp/hits"
check "80 columns (no file past its allowance in tests/lint/debt.txt)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
