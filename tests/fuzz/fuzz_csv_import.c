/*
 * fuzz_csv_import — CSV text through the reader (util/csv.c) and the
 * master data import (domain/master/import.c).
 *
 * 1. The reader, with small limits and with the import's, on buffers of
 *    exactly the documented sizes (so ASan sees any overrun).  Checked:
 *    every call moves on or ends; a record's fields lie in the row buffer,
 *    are NUL-terminated, valid UTF-8 and within max_row bytes in all; a bad
 *    record says why and where; line numbers never go back.
 * 2. The import: the text as a file of each kind (customers, models, parts,
 *    units, sales), one after another inside one write transaction on a
 *    SQLite database made at start (with a department BU1, customers C1 and
 *    C2, a model M1 and a sales contract HT1 of C1, so that rows can refer
 *    to them), rolled back at the end, so every input starts from the same
 *    data.  The header mapping and every row's validation run for real.
 *    Checked: the answer is OK, 422 (bad rows) or 413, never a store error
 *    or a crash; imported + skipped = rows; the errors kept are at most
 *    max_errors, each with a line, a reason and a UTF-8 message.
 *
 *   build-fuzz/fuzz_csv_import tests/fuzz/corpus/fuzz_csv_import
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/master/master.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static char dbpath[64];
static const struct actor who = { 0, "fuzz", "local", "fuzz" };

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_csv_import: %s\n", what);
	abort();
}

/* ----- the reader ----- */

static void
read_all(const char *text, size_t len, size_t max_row, size_t max_fields)
{
	size_t blen = CSV_BUF_SIZE(max_row, max_fields);
	char *buf = malloc(blen);
	struct str *fields = malloc(max_fields * sizeof(*fields));
	size_t last_line = 0, n = 0;
	struct csv c;
	enum csv_rc rc;

	if (buf == NULL || fields == NULL)
		fail("out of memory");
	csv_init(&c, text, len, max_row, max_fields, buf, fields);
	for (;;) {
		const char *before = c.p;

		rc = csv_next(&c);
		if (rc == CSV_END)
			break;
		if (c.p <= before)
			fail("csv_next returned a record without moving on");
		if (++n > len + 1)
			fail("more records than bytes");
		if (c.line < 1 || c.line < last_line)
			fail("line numbers went back");
		last_line = c.line;
		if (rc == CSV_BAD) {
			if (c.err == NULL || c.err_line < c.line)
				fail("a bad record without a reason or line");
			continue;
		}
		if (rc != CSV_ROW || c.nfields < 1 || c.nfields > max_fields)
			fail("a record with a wrong field count");
		{
			size_t total = 0;

			for (size_t i = 0; i < c.nfields; i++) {
				const struct str *f = &c.fields[i];

				if (f->p < buf || f->p + f->len >= buf + blen)
					fail("a field outside the row buffer");
				if (f->p[f->len] != '\0')
					fail("a field not NUL-terminated");
				if (!utf8_valid(f->p, f->len))
					fail("a field that is not UTF-8");
				total += f->len;
			}
			if (total > max_row)
				fail("a record longer than max_row");
		}
	}
	if (c.p != c.end)
		fail("CSV_END before the end of the text");
	free(buf);
	free(fields);
}

/* ----- the import ----- */

struct run {
	const char *text;
	size_t len;
	bool skip_bad;
	enum svc_code bad;	/* an answer that must not happen */
	const char *why;
};

static void
check_result(struct run *r, enum svc_code rc, const struct import_result *res,
    const struct import_opts *o)
{
	if (rc != SVC_OK && rc != SVC_EUNPROCESSABLE && rc != SVC_ETOOBIG) {
		r->bad = rc;
		r->why = "an answer other than OK, 422 or 413";
		return;
	}
	if (rc == SVC_OK && res->imported + res->skipped != res->rows) {
		r->bad = SVC_EINTERNAL;
		r->why = "imported + skipped != rows";
	}
	if (rc == SVC_EUNPROCESSABLE && res->imported != 0) {
		r->bad = SVC_EINTERNAL;
		r->why = "a refused import that says it imported rows";
	}
	if (res->nerrors > o->max_errors || res->nerrors > res->error_count) {
		r->bad = SVC_EINTERNAL;
		r->why = "more errors kept than allowed or counted";
	}
	for (size_t i = 0; i < res->nerrors; i++) {
		const struct import_error *e = &res->errors[i];

		if (e->line < 1 || e->reason == NULL || e->reason[0] == '\0' ||
		    e->message == NULL || !utf8_valid(e->message,
		    strlen(e->message)) || (e->field != NULL &&
		    !utf8_valid(e->field, strlen(e->field)))) {
			r->bad = SVC_EINTERNAL;
			r->why = "an error without line or reason, or not "
			    "UTF-8";
		}
	}
}

static enum svc_code
import_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct run *r = arg;
	struct import_opts o = { .skip_bad = r->skip_bad, .max_rows = 1000,
		.max_row_bytes = 65536, .max_errors = 20 };

	for (int k = 0; k < IMPORT__MAX && r->bad == SVC_OK; k++) {
		struct import_result res;
		struct svc_err e = { 0 };
		struct arena a;
		enum svc_code rc;

		arena_init(&a, 64u << 20);
		rc = master_import(db, &a, &who, (enum import_kind)k, r->text,
		    r->len, &o, &res, &e);
		check_result(r, rc, &res, &o);
		if (r->bad != SVC_OK)
			fprintf(stderr, "kind %s: rc %d: %s\n",
			    import_kind_name((enum import_kind)k), (int)rc,
			    e.msg);
		arena_release(&a);
	}
	/* roll everything back: the next input starts from the same data */
	return svc_fail(err, SVC_ECONFLICT, NULL, "roll back");
}

static enum svc_code
seed_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct import_opts o = { .max_rows = 10, .max_row_bytes = 4096,
		.max_errors = 10 };
	struct import_result res;
	static const char customers[] = "code,name\nC1,客户一\nC2,客户二\n";
	static const char models[] = "model_no,name,business_unit\n"
	    "M1,机型一,BU1\n";
	struct arena *a = arg;
	enum svc_code rc;

	rc = db_exec(db, "INSERT INTO departments (code, name, created_at, "
	    "updated_at) VALUES ('BU1', '空调事业部', 0, 0)", DB_NOARGS, NULL,
	    err);
	if (rc == SVC_OK)
		rc = master_import(db, a, &who, IMPORT_CUSTOMERS, customers,
		    sizeof(customers) - 1, &o, &res, err);
	if (rc == SVC_OK)
		rc = master_import(db, a, &who, IMPORT_MODELS, models,
		    sizeof(models) - 1, &o, &res, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "INSERT INTO contracts (contract_no, "
		    "customer_id, kind, start_date, end_date, warranty_months, "
		    "created_at, updated_at) SELECT 'HT1', id, 'sales', "
		    "20250101, 20291231, 24, 0, 0 FROM customers WHERE code = "
		    "'C1'", DB_NOARGS, NULL, err);
	return rc;
}

static void
remove_db(void)
{
	char p[80];

	if (store != NULL)
		store_close(store);
	store = NULL;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
}

static void
init(void)
{
	struct store_config sc = { .max_conns = 2 };
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db = NULL;
	const char *tmp = getenv("TMPDIR");

	if (!clock_set_zone("Asia/Shanghai"))
		fail("clock_set_zone");
	snprintf(dbpath, sizeof(dbpath), "%s/fuzz-csv-%d.db",
	    tmp != NULL && strlen(tmp) < 30 ? tmp : "/tmp", (int)getpid());
	remove_db();
	atexit(remove_db);
	arena_init(&a, 16u << 20);
	if (store_open(&store, dbpath, &sc, &err) != SVC_OK ||
	    store_migrate(store, NULL, &err) != SVC_OK ||
	    store_acquire(store, &db, &err) != SVC_OK ||
	    store_write(store, db, seed_tx, &a, &err) != SVC_OK) {
		fprintf(stderr, "fuzz_csv_import: %s\n", err.msg);
		fail("cannot make the database");
	}
	store_release(store, db);
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	struct run r = { (const char *)data, size, (size & 1) != 0,
		SVC_OK, NULL };
	struct svc_err err = { 0 };
	struct db *db = NULL;

	if (!inited) {
		init();
		inited = true;
	}
	if (size > 65536)
		return 0;
	read_all((const char *)data, size, 64, 4);
	read_all((const char *)data, size, 65536, 48);
	if (store_acquire(store, &db, &err) != SVC_OK)
		fail("store_acquire");
	if (store_write(store, db, import_tx, &r, &err) != SVC_ECONFLICT &&
	    r.bad == SVC_OK)
		fail("the write did not roll back");
	store_release(store, db);
	if (r.bad != SVC_OK)
		fail(r.why);
	return 0;
}
