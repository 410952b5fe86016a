/*
 * test_main — runs every unit test; store tests run against the DSN in
 * AFTERSALES_TEST_DB (unset: a fresh SQLite file in /tmp).  Set but empty
 * (a `pg.sh createdb` that failed) is a failure, never a quiet fallback to
 * SQLite.
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "util/clock.h"
#include "util/pdf.h"

int h_failed_checks;
const char *h_current;
const char *h_dsn;

extern const struct h_test util_tests[], store_tests[], search_tests[],
    sla_tests[];
extern const struct h_test master_tests[];
extern const struct h_test rma_tests[];
extern const struct h_test report_tests[];
extern const struct h_test export_tests[];
extern const struct h_test pdf_tests[];
extern const struct h_test stock_tests[];

static void
run_table(const struct h_test *t, int *passed, int *failed)
{
	for (; t->name != NULL; t++) {
		int before = h_failed_checks;

		h_current = t->name;
		t->fn();
		if (h_failed_checks == before) {
			printf("ok - %s\n", t->name);
			(*passed)++;
		} else {
			printf("not ok - %s\n", t->name);
			(*failed)++;
		}
		fflush(stdout);
	}
}

int
main(void)
{
	char path[] = "/tmp/aftersales-unit-XXXXXX";
	char dbfile[512];
	int passed = 0, failed = 0;
	const char *env = getenv("AFTERSALES_TEST_DB");

	clock_set_zone("Asia/Shanghai");
	if (env != NULL && env[0] == '\0') {
		printf("not ok - AFTERSALES_TEST_DB is set but empty: no "
		    "database to test on\n0 passed, 1 failed\n");
		return 1;
	}
	if (env != NULL) {
		h_dsn = env;
	} else {
		if (mkdtemp(path) == NULL)
			return 2;
		snprintf(dbfile, sizeof(dbfile), "%s/unit.db", path);
		h_dsn = dbfile;
	}
	printf("# store tests on %s\n", h_dsn);
	run_table(util_tests, &passed, &failed);
	run_table(export_tests, &passed, &failed);
	run_table(store_tests, &passed, &failed);
	run_table(master_tests, &passed, &failed);
	run_table(search_tests, &passed, &failed);
	run_table(sla_tests, &passed, &failed);
	run_table(rma_tests, &passed, &failed);
	run_table(report_tests, &passed, &failed);
	run_table(stock_tests, &passed, &failed);
	run_table(pdf_tests, &passed, &failed);
	pdf_shutdown();	/* the font caches: a leak checker sees only ours */
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
