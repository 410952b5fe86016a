/*
 * sqlite_insert — the durable-write ceiling of this machine: one-row
 * transactions into a SQLite file in WAL mode with synchronous=FULL, as fast
 * as one thread can commit them (each commit is one fsync).
 *
 *   bench/sqlite_insert FILE SECONDS
 *
 * Prints one JSON object: rows, seconds, rows_per_s, p50_us, p99_us.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
must(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "sqlite_insert: %s: %s\n", what,
		    sqlite3_errmsg(db));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *begin, *commit;
	double secs, t0, t, *lat;
	size_t n = 0, cap = 1u << 20;

	if (argc != 3) {
		fprintf(stderr, "usage: sqlite_insert FILE SECONDS\n");
		return 2;
	}
	secs = atof(argv[2]);
	unlink(argv[1]);
	must(NULL, sqlite3_open(argv[1], &db), "open");
	must(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	    " body TEXT NOT NULL)", NULL, NULL, NULL), "schema");
	must(db, sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL),
	    "prepare");
	must(db, sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), "prepare");
	must(db, sqlite3_prepare_v2(db, "INSERT INTO t (at, body) VALUES (?, "
	    "'空调漏水，室内机滴水，地板上有积水')", -1, &ins, NULL), "prepare");
	lat = malloc(cap * sizeof(*lat));
	t0 = now_s();
	for (t = t0; t - t0 < secs && n < cap; n++) {
		double s = t;

		must(db, sqlite3_step(begin), "begin");
		sqlite3_reset(begin);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)n);
		must(db, sqlite3_step(ins), "insert");
		sqlite3_reset(ins);
		must(db, sqlite3_step(commit), "commit");
		sqlite3_reset(commit);
		t = now_s();
		lat[n] = (t - s) * 1e6;
	}
	qsort(lat, n, sizeof(*lat), cmp_d);
	printf("{\"rows\": %zu, \"seconds\": %.2f, \"rows_per_s\": %.0f,"
	    " \"p50_us\": %.0f, \"p99_us\": %.0f}\n", n, t - t0,
	    (double)n / (t - t0), lat[n / 2], lat[n * 99 / 100]);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	free(lat);
	unlink(argv[1]);
	return 0;
}
