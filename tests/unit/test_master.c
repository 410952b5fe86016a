/*
 * test_master — master data: calendar arithmetic and the warranty rule, the
 * CSV reader, and on the DSN under test the warranty verdict (last day and
 * the day after, contract override, recompute when the months change) and
 * CSV import (all or nothing, skip_bad, line numbers).
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "domain/master/master.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/csv.h"

/* ----- dates ----- */

static void
t_month_arithmetic(void)
{
	static const struct {
		int ymd, months, want;
	} cases[] = {
		{ 20260131, 1, 20260228 },	/* clamped to February's end */
		{ 20240131, 1, 20240229 },	/* leap year */
		{ 20260331, 1, 20260430 },
		{ 20261215, 1, 20270115 },	/* December + 1: next year */
		{ 20261231, 1, 20270131 },
		{ 20240229, 12, 20250228 },	/* Feb 29 + a year */
		{ 20240229, 48, 20280229 },
		{ 20260115, 12, 20270115 },
		{ 20260115, 0, 20260115 },
		{ 20260315, -3, 20251215 },
		{ 20000131, 1, 20000229 },	/* 2000 is a leap year */
		{ 21000131, 1, 21000228 },	/* 2100 is not */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(ymd_add_months(cases[i].ymd, cases[i].months),
		    cases[i].want);
	CHECK_INT(ymd_add_days(20260101, -1), 20251231);
	CHECK_INT(ymd_add_days(20240228, 1), 20240229);
	CHECK_INT(ymd_add_days(20230228, 1), 20230301);
	CHECK_INT(ymd_add_days(20261231, 1), 20270101);
	CHECK_INT(ymd_add_days(20260301, -1), 20260228);
}

static void
t_warranty_end_rule(void)
{
	/* purchase + N months - 1 day: the last day covered */
	CHECK_INT(warranty_end_of(20260315, 12), 20270314);
	CHECK_INT(warranty_end_of(20260131, 1), 20260227);
	CHECK_INT(warranty_end_of(20260101, 12), 20261231);
	CHECK_INT(warranty_end_of(20261201, 1), 20261231);
	CHECK_INT(warranty_end_of(20240229, 12), 20250227);
	CHECK_INT(warranty_end_of(20260101, 24), 20271231);
	/* 0 months: the day before the purchase, so never in warranty */
	CHECK_INT(warranty_end_of(20260101, 0), 20251231);
}

static void
t_date_parse(void)
{
	static const struct {
		const char *s;
		int want;	/* 0: refused */
	} cases[] = {
		{ "2026-01-31", 20260131 }, { "2026/1/5", 20260105 },
		{ "2026.01.05", 20260105 }, { "20260131", 20260131 },
		{ "2024-02-29", 20240229 }, { "2025-02-29", 0 },
		{ "2026-02-30", 0 }, { "2026-13-01", 0 }, { "2026-00-10", 0 },
		{ "2026-1-5x", 0 }, { "2026-01/05", 0 }, { "", 0 },
		{ "26-01-05", 0 }, { "2026-001-05", 0 }, { "1899-12-31", 0 },
		{ " 2026-01-05", 0 },
	};
	char out[16];
	int v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		if (cases[i].want == 0) {
			CHECK(!ymd_parse(cases[i].s, &v));
		} else {
			CHECK(ymd_parse(cases[i].s, &v));
			CHECK_INT(v, cases[i].want);
		}
	}
	ymd_format(20260105, out, sizeof(out));
	CHECK_STR(out, "2026-01-05");
	CHECK(ymd_valid(20240229));
	CHECK(!ymd_valid(20230229));
}

/* ----- the CSV reader ----- */

#define T_ROW 64
#define T_FIELDS 8

struct tcsv {
	struct csv c;
	char buf[CSV_BUF_SIZE(T_ROW, T_FIELDS)];
	struct str f[T_FIELDS];
};

static void
tcsv_init(struct tcsv *t, const char *s)
{
	csv_init(&t->c, s, strlen(s), T_ROW, T_FIELDS, t->buf, t->f);
}

static const char *
fld(struct tcsv *t, size_t i)
{
	return i < t->c.nfields ? t->c.fields[i].p : "(none)";
}

static void
t_csv_basic(void)
{
	struct tcsv t;

	/* BOM, CRLF, quotes with commas, doubled quotes, an embedded newline */
	tcsv_init(&t, "\xEF\xBB\xBF" "code,name\r\n"
	    "C1,\"Acme, Inc.\"\r\n"
	    "C2,\"say \"\"hi\"\"\"\r\n"
	    "C3,\"two\r\nlines\"\r\n"
	    "\r\n"
	    "C4,last");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.nfields, 2);
	CHECK_STR(fld(&t, 0), "code");
	CHECK_INT(t.c.line, 1);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 1), "Acme, Inc.");
	CHECK_INT(t.c.line, 2);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 1), "say \"hi\"");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 1), "two\nlines");
	CHECK_INT(t.c.line, 4);
	/* the empty line 6 is no record; C4 is on line 7 */
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 0), "C4");
	CHECK_STR(fld(&t, 1), "last");
	CHECK_INT(t.c.line, 7);
	CHECK_INT(csv_next(&t.c), CSV_END);
	CHECK_INT(csv_next(&t.c), CSV_END);
}

static void
t_csv_shapes(void)
{
	struct tcsv t;

	/* a short row, empty fields, a trailing comma, LF and lone CR */
	tcsv_init(&t, "a,b,c\nx\n,,\nlast,\r1,2,3");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.nfields, 3);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.nfields, 1);	/* short: the importer refuses it */
	CHECK_STR(fld(&t, 0), "x");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.nfields, 3);
	CHECK(csv_blank(&t.c));
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.nfields, 2);
	CHECK_STR(fld(&t, 1), "");
	CHECK_INT(t.c.line, 4);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(t.c.line, 5);
	CHECK_STR(fld(&t, 2), "3");
	CHECK_INT(csv_next(&t.c), CSV_END);
	/* an empty text, only blank lines */
	tcsv_init(&t, "");
	CHECK_INT(csv_next(&t.c), CSV_END);
	tcsv_init(&t, "\n\r\n\n");
	CHECK_INT(csv_next(&t.c), CSV_END);
}

static void
t_csv_bad(void)
{
	struct tcsv t;
	char big[200];

	/* an over-long field: reported with its line, the next row is read */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	{
		char text[400];

		snprintf(text, sizeof(text), "h1,h2\nok,1\n%s,2\nafter,3\n",
		    big);
		tcsv_init(&t, text);
		CHECK_INT(csv_next(&t.c), CSV_ROW);
		CHECK_INT(csv_next(&t.c), CSV_ROW);
		CHECK_INT(csv_next(&t.c), CSV_BAD);
		CHECK_INT(t.c.err_line, 3);
		CHECK(strstr(t.c.err, "longer") != NULL);
		CHECK_INT(csv_next(&t.c), CSV_ROW);
		CHECK_STR(fld(&t, 0), "after");
		CHECK_INT(t.c.line, 4);
	}
	/* invalid UTF-8 on line 2; a NUL byte is refused too */
	tcsv_init(&t, "a,b\nok,\xC3\x28\nnext,1\n");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK_INT(t.c.err_line, 2);
	CHECK_INT(t.c.err_field, 1);
	CHECK(strstr(t.c.err, "UTF-8") != NULL);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 0), "next");
	{
		static const char nul[] = "a\nx\0y\nz\n";

		csv_init(&t.c, nul, sizeof(nul) - 1, T_ROW, T_FIELDS, t.buf,
		    t.f);
		CHECK_INT(csv_next(&t.c), CSV_ROW);
		CHECK_INT(csv_next(&t.c), CSV_BAD);
		CHECK_INT(t.c.err_line, 2);
		CHECK_INT(csv_next(&t.c), CSV_ROW);
		CHECK_STR(fld(&t, 0), "z");
	}
	/* a quote inside an unquoted field; text after a closing quote */
	tcsv_init(&t, "a\nab\"c\n\"q\"x\nfine\n");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK_INT(t.c.err_line, 2);
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK_INT(t.c.err_line, 3);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_STR(fld(&t, 0), "fine");
	/* a quoted field never closed swallows the rest: one bad record */
	tcsv_init(&t, "a\n\"open\nmore\nlines");
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK(strstr(t.c.err, "not closed") != NULL);
	CHECK_INT(csv_next(&t.c), CSV_END);
	/* too many fields */
	tcsv_init(&t, "1,2,3,4,5,6,7,8,9\nok\n");
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK_INT(csv_next(&t.c), CSV_ROW);
	/* UTF-16 */
	tcsv_init(&t, "\xFF\xFE" "a\0b\0");
	CHECK_INT(csv_next(&t.c), CSV_BAD);
	CHECK(strstr(t.c.err, "UTF-16") != NULL);
	CHECK_INT(csv_next(&t.c), CSV_END);
}

/* Every prefix of a tricky text ends without overrunning (a mini fuzz). */
static void
t_csv_prefixes(void)
{
	static const char text[] = "\xEF\xBB\xBF" "a,\"b,\"\"c\"\r\n"
	    "\"d\ne\",f\r" "\"g\"h,\xE4\xB8\xAD,\n,,,,,,,,,,\n\"";
	struct tcsv t;

	for (size_t n = 0; n <= sizeof(text) - 1; n++) {
		int guard = 0;

		csv_init(&t.c, text, n, T_ROW, T_FIELDS, t.buf, t.f);
		while (csv_next(&t.c) != CSV_END && guard < 100)
			guard++;
		CHECK(guard < 100);
	}
}

/* ----- on the store ----- */

static struct store *
open_store(void)
{
	struct store_config sc = { .max_conns = 4 };
	struct svc_err err = { 0 };
	struct store *s = NULL;
	int applied;

	if (store_open(&s, h_dsn, &sc, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open %s: %s\n", h_dsn, err.msg);
		return NULL;
	}
	if (store_migrate(s, &applied, &err) != SVC_OK) {
		fprintf(stderr, "  cannot migrate: %s\n", err.msg);
		store_close(s);
		return NULL;
	}
	return s;
}

static const struct actor T_WHO = { 0, "test", "local", "test" };

struct wctx {
	struct arena *a;
	char tag[32];
	int64_t cust, other, model, contract, unit1, unit2;
	int64_t contract_version, model_version;
	enum svc_code rc;
	struct svc_err err;
};

static enum svc_code
setup_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct wctx *c = arg;
	struct customer cd = { 0 }, *cu;
	struct product_model md = { 0 }, *m;
	struct contract kd = { 0 }, *k;
	struct unit ud = { 0 }, *u;
	enum svc_code rc;

	cd.code = arena_printf(c->a, "%s-C", c->tag);
	cd.name = "测试客户";
	rc = customer_create(db, c->a, &T_WHO, &cd, &cu, err);
	if (rc)
		return rc;
	c->cust = cu->id;
	cd.code = arena_printf(c->a, "%s-D", c->tag);
	rc = customer_create(db, c->a, &T_WHO, &cd, &cu, err);
	if (rc)
		return rc;
	c->other = cu->id;
	md.model_no = arena_printf(c->a, "%s-ZX100", c->tag);
	md.name = "空调 ZX-100";
	md.warranty_months = 12;
	rc = model_create(db, c->a, &T_WHO, &md, &m, err);
	if (rc)
		return rc;
	c->model = m->id;
	c->model_version = m->version;
	kd.contract_no = arena_printf(c->a, "%s-HT", c->tag);
	kd.customer_id = c->cust;
	kd.kind = "sales";
	kd.start_date = 20260101;
	kd.end_date = 20261231;
	kd.warranty_months = 24;
	kd.exchange_ratio_limit_bp = 500;
	kd.exchange_days_limit = 90;
	rc = contract_create(db, c->a, &T_WHO, &kd, &k, err);
	if (rc)
		return rc;
	c->contract = k->id;
	c->contract_version = k->version;
	/* unit 1: model terms; unit 2: the contract's 24 months */
	ud.serial = arena_printf(c->a, "%s-SN1", c->tag);
	ud.model_id = c->model;
	ud.customer_id = c->cust;
	ud.purchase_date = 20260131;
	ud.quantity = 1;
	ud.usage_years = REC_NULL;
	rc = unit_create(db, c->a, &T_WHO, &ud, &u, err);
	if (rc)
		return rc;
	c->unit1 = u->id;
	if (u->warranty_end != 20270130)
		return svc_fail(err, SVC_EINTERNAL, NULL, "unit 1 ends %d",
		    u->warranty_end);
	ud.serial = arena_printf(c->a, "%s-SN2", c->tag);
	ud.contract_id = c->contract;
	ud.purchase_date = 20260315;
	rc = unit_create(db, c->a, &T_WHO, &ud, &u, err);
	if (rc)
		return rc;
	c->unit2 = u->id;
	if (u->warranty_end != 20280314)
		return svc_fail(err, SVC_EINTERNAL, NULL, "unit 2 ends %d",
		    u->warranty_end);
	/* a unit may not name another customer's contract */
	ud.serial = arena_printf(c->a, "%s-SN3", c->tag);
	ud.customer_id = c->other;
	rc = unit_create(db, c->a, &T_WHO, &ud, &u, err);
	if (rc != SVC_EINVAL || strcmp(err->field, "contract_id") != 0)
		return svc_fail(err, SVC_EINTERNAL, NULL,
		    "another customer's contract was accepted");
	svc_err_clear(err);
	return SVC_OK;
}

static enum svc_code
change_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct wctx *c = arg;
	struct contract kd = { 0 }, *k;
	struct product_model md = { 0 }, *m;
	enum svc_code rc;

	/* the contract now gives 36 months: unit 2 follows */
	kd.warranty_months = 36;
	rc = contract_update(db, c->a, &T_WHO, c->contract, c->contract_version,
	    &kd, REC_BIT(rec_field(&contract_rec, "warranty_months")), &k,
	    err);
	if (rc)
		return rc;
	/* the model now gives 18 months: unit 1 follows, unit 2 does not */
	md.warranty_months = 18;
	rc = model_update(db, c->a, &T_WHO, c->model, c->model_version, &md,
	    REC_BIT(rec_field(&model_rec, "warranty_months")), &m, err);
	if (rc)
		return rc;
	/* a stale version is refused with the current record */
	rc = model_update(db, c->a, &T_WHO, c->model, c->model_version, &md,
	    REC_BIT(rec_field(&model_rec, "warranty_months")), &m, err);
	if (rc != SVC_ECONFLICT || err->details == NULL)
		return svc_fail(err, SVC_EINTERNAL, NULL, "stale version");
	svc_err_clear(err);
	return SVC_OK;
}

static void
t_warranty_verdict(void)
{
	struct store *s = open_store();
	struct svc_err err = { 0 };
	struct warranty_verdict v;
	struct arena a;
	struct wctx c;
	struct db *db = NULL;
	struct unit *u;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	arena_init(&a, 16u << 20);
	memset(&c, 0, sizeof(c));
	c.a = &a;
	snprintf(c.tag, sizeof(c.tag), "UT%lld-%d", (long long)clock_now(),
	    (int)getpid());
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(store_write(s, db, setup_tx, &c, &err), SVC_OK);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);
	/* unit 1: bought 2026-01-31, 12 months: through 2027-01-30 */
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit1, 20270130, &v, &err),
	    SVC_OK);
	CHECK(v.in_warranty);
	CHECK_INT(v.warranty_end, 20270130);
	CHECK_INT(v.months, 12);
	CHECK(!v.by_contract);
	CHECK(strstr(v.rule, "+ 12 months (model ") != NULL);
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit1, 20270131, &v, &err),
	    SVC_OK);
	CHECK(!v.in_warranty);
	/* before the purchase: not in warranty */
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit1, 20260130, &v, &err),
	    SVC_OK);
	CHECK(!v.in_warranty);
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit1, 20260131, &v, &err),
	    SVC_OK);
	CHECK(v.in_warranty);
	/* unit 2: the contract overrides with 24 months */
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit2, 20280314, &v, &err),
	    SVC_OK);
	CHECK(v.in_warranty);
	CHECK(v.by_contract);
	CHECK_INT(v.months, 24);
	CHECK(strstr(v.rule, "overrides model") != NULL);
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit2, 20280315, &v, &err),
	    SVC_OK);
	CHECK(!v.in_warranty);
	CHECK_INT(unit_warranty_verdict(db, &a, 999999999, 20280315, &v, &err),
	    SVC_ENOTFOUND);
	/* months change: both units recomputed in the same transaction */
	CHECK_INT(store_write(s, db, change_tx, &c, &err), SVC_OK);
	if (err.code)
		fprintf(stderr, "  %s\n", err.msg);
	CHECK_INT(unit_get(db, &a, c.unit2, &u, &err), SVC_OK);
	CHECK_INT(u->warranty_end, 20290314);
	CHECK_INT(u->version, 2);
	CHECK_INT(unit_get(db, &a, c.unit1, &u, &err), SVC_OK);
	CHECK_INT(u->warranty_end, 20270730);
	CHECK_INT(unit_warranty_verdict(db, &a, c.unit1, 20270730, &v, &err),
	    SVC_OK);
	CHECK(v.in_warranty);
	CHECK_INT(v.months, 18);
	store_release(s, db);
	store_close(s);
	arena_release(&a);
}

/* ----- import ----- */

struct ictx {
	struct arena *a;
	enum import_kind kind;
	const char *csv;
	bool skip_bad;
	struct import_result res;
};

static enum svc_code
import_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct ictx *c = arg;
	struct import_opts o = { .skip_bad = c->skip_bad, .max_rows = 1000,
		.max_row_bytes = 4096, .max_errors = 100 };

	return master_import(db, c->a, &T_WHO, c->kind, c->csv, strlen(c->csv),
	    &o, &c->res, err);
}

static int64_t
count_code(struct db *db, const char *like)
{
	struct svc_err err = { 0 };
	int64_t n = -1;

	if (db_one_i64(db, "SELECT count(*) FROM customers WHERE code LIKE ?",
	    DB_ARGS(DB_S(like)), &n, &err) != SVC_OK)
		return -1;
	return n;
}

static void
t_import(void)
{
	struct store *s = open_store();
	struct svc_err err = { 0 };
	struct arena a;
	struct ictx c;
	struct db *db = NULL;
	char tag[32], like[40], *csv;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	arena_init(&a, 16u << 20);
	snprintf(tag, sizeof(tag), "IM%lld%d", (long long)clock_now(),
	    (int)getpid());
	snprintf(like, sizeof(like), "%s%%", tag);
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	/* Chinese headers, a BOM, a quoted name; line 3 lacks a name and
	 * line 5 has a bad type: nothing is imported */
	csv = arena_printf(&a, "\xEF\xBB\xBF客户编码,客户名称,客户类型,联系人,联系电话\r\n"
	    "%s-1,\"华信, 北京\",经销商,王经理,13800000001\r\n"
	    "%s-2,,dealer,,\r\n"
	    "%s-3,上海东方,enterprise,,\r\n"
	    "%s-4,广州南粤,wizard,,\r\n", tag, tag, tag, tag);
	memset(&c, 0, sizeof(c));
	c.a = &a;
	c.kind = IMPORT_CUSTOMERS;
	c.csv = csv;
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	CHECK_INT(c.res.error_count, 2);
	CHECK_INT(c.res.imported, 0);
	if (c.res.nerrors == 2) {
		CHECK_INT(c.res.errors[0].line, 3);
		CHECK_STR(c.res.errors[0].field, "客户名称");
		CHECK_STR(c.res.errors[0].reason, "required");
		CHECK_INT(c.res.errors[1].line, 5);
		CHECK_STR(c.res.errors[1].field, "客户类型");
	}
	CHECK_INT(count_code(db, like), 0);
	/* skip_bad: the two good rows, the contact of the first */
	c.skip_bad = true;
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_OK);
	CHECK_INT(c.res.imported, 2);
	CHECK_INT(c.res.skipped, 2);
	CHECK_INT(count_code(db, like), 2);
	/* again: the codes are taken now, so nothing new */
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_OK);
	CHECK_INT(c.res.imported, 0);
	CHECK_INT(c.res.skipped, 4);
	if (c.res.nerrors > 0)
		CHECK_STR(c.res.errors[0].reason, "taken");
	/* header problems are never skipped */
	c.csv = "code,name,colour\nX1,y,red\n";
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	CHECK_INT(c.res.error_count, 1);
	if (c.res.nerrors > 0) {
		CHECK_INT(c.res.errors[0].line, 1);
		CHECK_STR(c.res.errors[0].reason, "unknown");
	}
	c.csv = "name\nX\n";
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	if (c.res.nerrors > 0)
		CHECK_STR(c.res.errors[0].field, "code");
	c.csv = "";
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	/* a code with a zero-width space (U+200B), or a right-to-left
	 * override (U+202E) in a serial: the row's error names the column */
	c.csv = arena_printf(&a, "客户编码,客户名称\n%s-7,正常\n"
	    "%s\xE2\x80\x8B-8,零宽\n", tag, tag);
	c.skip_bad = false;
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	CHECK_INT(c.res.error_count, 1);
	if (c.res.nerrors > 0) {
		CHECK_INT(c.res.errors[0].line, 3);
		CHECK_STR(c.res.errors[0].field, "客户编码");
		CHECK_STR(c.res.errors[0].reason, "invisible_character");
		CHECK(strstr(c.res.errors[0].message, "U+200B") != NULL);
	}
	CHECK_INT(count_code(db, like), 2);
	/* a short row */
	c.csv = arena_printf(&a, "code,name,region\n%s-9,短行\n", tag);
	c.skip_bad = false;
	CHECK_INT(store_write(s, db, import_tx, &c, &err), SVC_EUNPROCESSABLE);
	if (c.res.nerrors > 0) {
		CHECK_STR(c.res.errors[0].reason, "short_row");
		CHECK_INT(c.res.errors[0].line, 2);
	}
	/* units by codes: the customer and the model must exist */
	{
		struct ictx m = { .a = &a, .kind = IMPORT_MODELS };
		struct ictx u = { .a = &a, .kind = IMPORT_UNITS };

		m.csv = arena_printf(&a, "model_no,name,warranty_months\n"
		    "%s-M,机型,6\n", tag);
		CHECK_INT(store_write(s, db, import_tx, &m, &err), SVC_OK);
		u.csv = arena_printf(&a, "serial,model_no,customer_code,"
		    "purchase_date,amount\n"
		    "%s-S1,%s-M,%s-1,2026-01-31,1234.5\n"
		    "%s-S2,%s-M,NOPE,2026-01-31,1\n"
		    "%s-S3,%s-M,%s-1,2026-02-30,1\n"
		    "%s-S4,%s-M,%s-1,2026/3/1,1.234\n",
		    tag, tag, tag, tag, tag, tag, tag, tag, tag, tag, tag);
		u.skip_bad = true;
		CHECK_INT(store_write(s, db, import_tx, &u, &err), SVC_OK);
		CHECK_INT(u.res.imported, 1);
		CHECK_INT(u.res.error_count, 3);
		if (u.res.nerrors == 3) {
			CHECK_STR(u.res.errors[0].field, "customer_code");
			CHECK_STR(u.res.errors[0].reason, "not_found");
			CHECK_STR(u.res.errors[1].field, "purchase_date");
			CHECK_STR(u.res.errors[2].field, "amount");
		}
		{
			struct unit *un;
			char *serial = arena_printf(&a, "%s-S1", tag);

			CHECK_INT(unit_get_by_serial(db, &a, serial, &un, &err),
			    SVC_OK);
			if (err.code == SVC_OK) {
				CHECK_INT(un->amount_fen, 123450);
				CHECK_INT(un->warranty_end, 20260730);
			}
		}
	}
	store_release(s, db);
	store_close(s);
	arena_release(&a);
}

const struct h_test master_tests[] = {
	{ "master: month arithmetic at month ends, leap years, December",
	    t_month_arithmetic },
	{ "master: warranty_end = purchase + months - 1 day",
	    t_warranty_end_rule },
	{ "master: date parsing", t_date_parse },
	{ "csv: BOM, CRLF, quotes, doubled quotes, embedded newline",
	    t_csv_basic },
	{ "csv: short rows, empty fields, blank lines, lone CR", t_csv_shapes },
	{ "csv: over-long field, invalid UTF-8, NUL, stray quotes, unclosed "
	    "quote, too many fields, UTF-16: bad record with its line",
	    t_csv_bad },
	{ "csv: every prefix of a tricky text ends", t_csv_prefixes },
	{ "master: warranty verdict on the last day and the day after, "
	    "contract override, recompute", t_warranty_verdict },
	{ "master: CSV import all or nothing, skip_bad, line numbers, header "
	    "errors", t_import },
	{ NULL, NULL },
};
