/*
 * rma_limits — the arithmetic of returns (exchange ratio in integers, days
 * between dates, the slip's due time, the used-goods refund), the settings
 * of exchange-ratio control, and the limits of a customer with their
 * figures and the explanation a refused review shows.
 *
 * Integer arithmetic only: a ratio is within its limit when
 * amount * 10000 <= limit_bp * purchases (128-bit products, so no figure a
 * company can have overflows); it is shown in parts per million rounded
 * up, so one fen over the limit never reads as the limit itself.
 */
#include "domain/rma/rma.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/rma/rma_int.h"

static void
jw_kday(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	if (ymd == 0) {
		jw_knull(w, k);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	jw_kstr(w, k, tmp);
}

/* ----- pure arithmetic ----- */

bool
rma_ratio_within(int64_t amount, int64_t purchases, int64_t limit_bp)
{
	return (__int128)amount * 10000 <= (__int128)limit_bp * purchases;
}

bool
rma_ratio_warn(int64_t amount, int64_t purchases, int64_t limit_bp,
    int64_t warn_share_bp)
{
	if (amount <= 0)
		return false;
	return (__int128)amount * 100000000 >=
	    (__int128)limit_bp * warn_share_bp * purchases;
}

int64_t
rma_ratio_ppm(int64_t amount, int64_t purchases)
{
	__int128 num, q;

	if (purchases <= 0)
		return -1;
	num = (__int128)amount * 1000000;
	q = num / purchases;
	if (num % purchases > 0)
		q++;
	return (int64_t)q;
}

void
rma_format_ppm(int64_t ppm, char *out, size_t len)
{
	if (ppm < 0)
		snprintf(out, len, "n/a");
	else
		snprintf(out, len, "%lld.%04lld%%", (long long)(ppm / 10000),
		    (long long)(ppm % 10000));
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
rma_days_between(int from, int to)
{
	return (int)(days_from_civil(to / 10000, to / 100 % 100, to % 100) -
	    days_from_civil(from / 10000, from / 100 % 100, from % 100));
}

bool
rma_parse_ymd(const char *s, int *ymd)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int v[3] = { 0, 0, 0 }, widths[3] = { 4, 2, 2 };
	const char *p = s;

	if (s == NULL || strlen(s) != 10)
		return false;
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < widths[k]; i++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			v[k] = v[k] * 10 + (*p - '0');
		}
		if (k < 2 && *p++ != '-')
			return false;
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > mdays[v[1] - 1])
		return false;
	if (v[1] == 2 && v[2] == 29 && !((v[0] % 4 == 0 && v[0] % 100 != 0) ||
	    v[0] % 400 == 0))
		return false;
	*ymd = v[0] * 10000 + v[1] * 100 + v[2];
	return true;
}

int64_t
rma_slip_due(int64_t received_at)
{
	time_t t = (time_t)received_at;
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday += 1;	/* mktime() carries into the month and year */
	tm.tm_hour = 12;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

bool
rma_slip_late(int64_t due_at, int64_t sent_at)
{
	return sent_at > due_at;
}

int64_t
rma_refund(int64_t amount, int64_t depreciation)
{
	if (depreciation <= 0)
		return amount;
	return depreciation >= amount ? 0 : amount - depreciation;
}

/* ----- formatting ----- */

char *
rma_yuan(struct arena *a, int64_t fen)
{
	int64_t v = fen < 0 ? -fen : fen;

	return arena_printf(a, "%s%lld.%02lld", fen < 0 ? "-" : "",
	    (long long)(v / 100), (long long)(v % 100));
}

char *
rma_bp_text(struct arena *a, int64_t bp)
{
	return arena_printf(a, "%lld.%02lld%%", (long long)(bp / 100),
	    (long long)(bp % 100));
}

char *
rma_ymd_text(struct arena *a, int ymd)
{
	return arena_printf(a, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
	    ymd % 100);
}

/* ----- settings ----- */

static const struct setting_field rma_setting_fields[] = {
	{ "rma.warn_share_bp", "warn_share_bp",
	    offsetof(struct rma_settings, warn_share_bp), 8000, 1, 10000 },
	{ "rma.default_ratio_limit_bp", "default_ratio_limit_bp",
	    offsetof(struct rma_settings, default_ratio_limit_bp), 500, 0,
	    10000 },
	{ "rma.default_days_limit", "default_days_limit",
	    offsetof(struct rma_settings, default_days_limit), 90, 0, 3650 },
	{ NULL },
};

const struct setting_group rma_settings_group = {
	rma_setting_fields, sizeof(struct rma_settings),
	offsetof(struct rma_settings, version),
};

/* ----- limits ----- */

enum svc_code
rma_limits_of(struct db *db, struct arena *a, int64_t customer_id, int day,
    int64_t exclude_id, int64_t this_fen, struct rma_limits **out,
    struct svc_err *err)
{
	struct rma_settings s;
	struct rma_limits *l;
	struct dbq *q;
	enum svc_code rc;

	l = arena_alloc(a, sizeof(*l));
	if (l == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = settings_get(db, &rma_settings_group, &s, err);
	if (rc)
		return rc;
	l->warn_share_bp = s.warn_share_bp;
	rc = db_query(db, "SELECT id, contract_no, start_date, end_date,"
	    " exchange_ratio_limit_bp, coalesce(exchange_days_limit, -1)"
	    " FROM contracts WHERE customer_id = ? AND kind = 'sales'"
	    " AND exchange_ratio_limit_bp IS NOT NULL AND start_date <= ?"
	    " AND end_date >= ? ORDER BY start_date DESC, id DESC LIMIT 1",
	    DB_ARGS(DB_I(customer_id), DB_I(day), DB_I(day)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		l->source = "contract";
		l->contract_id = db_i64(q, 0);
		l->contract_no = db_dup(q, 1, a);
		l->period_from = (int)db_i64(q, 2);
		l->period_to = (int)db_i64(q, 3);
		l->limit_bp = db_i64(q, 4);
		l->days_limit = db_i64(q, 5);
	} else {
		l->source = "company";
		l->contract_no = (char *)"";
		l->period_from = day / 10000 * 10000 + 101;
		l->period_to = day / 10000 * 10000 + 1231;
		l->limit_bp = s.default_ratio_limit_bp;
		l->days_limit = -1;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (l->days_limit < 0)
		l->days_limit = s.default_days_limit;
	rc = db_one_i64(db, "SELECT CAST(coalesce(sum(amount_fen), 0) AS BIGINT)"
	    " FROM sales_records WHERE customer_id = ? AND sale_date >= ?"
	    " AND sale_date <= ?", DB_ARGS(DB_I(customer_id),
	    DB_I(l->period_from), DB_I(l->period_to)), &l->purchases_fen, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT CAST(coalesce(sum(total_amount_fen),"
		    " 0) AS BIGINT) FROM returns WHERE customer_id = ?"
		    " AND reason = 'unsalable' AND state IN " RMA_COUNTED_STATES
		    " AND filed_day >= ? AND filed_day <= ? AND id <> ?",
		    DB_ARGS(DB_I(customer_id), DB_I(l->period_from),
		    DB_I(l->period_to), DB_I(exclude_id)), &l->exchanged_fen,
		    err);
	if (rc)
		return rc;
	l->this_fen = this_fen;
	l->ratio_ppm = rma_ratio_ppm(l->exchanged_fen + this_fen,
	    l->purchases_fen);
	l->ratio_ok = rma_ratio_within(l->exchanged_fen + this_fen,
	    l->purchases_fen, l->limit_bp);
	l->warn = rma_ratio_warn(l->exchanged_fen + this_fen, l->purchases_fen,
	    l->limit_bp, l->warn_share_bp);
	l->days_ok = true;
	*out = l;
	return SVC_OK;
}

/* Where the limits come from, for messages. */
char *
rma_limits_source(struct arena *a, const struct rma_limits *l)
{
	return arena_printf(a, "%s%s, period %s to %s",
	    l->contract_id ? "contract " : "company rule",
	    l->contract_id ? l->contract_no : "", rma_ymd_text(a, l->period_from),
	    rma_ymd_text(a, l->period_to));
}

/* The days of r's lines against the limit, and l->why with the figures. */
void
rma_limits_assess(struct arena *a, const struct rma *r, struct rma_limits *l)
{
	char ratio[32];
	const char *ratio_why = NULL, *days_why = NULL;
	int delivered = 0;

	l->max_days = 0;
	l->max_days_line = 0;
	for (size_t i = 0; r != NULL && i < r->nlines; i++) {
		const struct rma_line *ln = &r->lines[i];
		int d;

		if (ln->delivery_date == 0) {
			days_why = arena_printf(a, "a delivery date on line %d "
			    "(the time limit counts from it)", ln->line_no);
			l->days_ok = false;
			continue;
		}
		d = rma_days_between(ln->delivery_date, r->filed_day);
		if (l->max_days_line == 0 || d > l->max_days) {
			l->max_days = d;
			l->max_days_line = ln->line_no;
			delivered = ln->delivery_date;
		}
	}
	if (days_why == NULL && l->max_days_line != 0 &&
	    l->max_days > l->days_limit) {
		l->days_ok = false;
		days_why = arena_printf(a, "goods within the exchange time "
		    "limit: line %d delivered %s is %d days before the form "
		    "of %s > %lld days (%s)", l->max_days_line,
		    rma_ymd_text(a, delivered), l->max_days, rma_ymd_text(a, r->filed_day),
		    (long long)l->days_limit, rma_limits_source(a, l));
	}
	if (!l->ratio_ok) {
		rma_format_ppm(l->ratio_ppm, ratio, sizeof(ratio));
		ratio_why = arena_printf(a, "an exchange ratio within the limit: "
		    "(already exchanged %s + this form %s) / purchases %s yuan "
		    "= %s > limit %s (%s)%s", rma_yuan(a, l->exchanged_fen),
		    rma_yuan(a, l->this_fen), rma_yuan(a, l->purchases_fen), ratio,
		    rma_bp_text(a, l->limit_bp), rma_limits_source(a, l),
		    l->purchases_fen <= 0 ? "; no purchases in the period" : "");
	}
	if (ratio_why == NULL && days_why == NULL) {
		l->why = NULL;
		return;
	}
	l->why = arena_printf(a, "%s%s%s, or the general manager's special "
	    "approval", ratio_why ? ratio_why : "",
	    ratio_why && days_why ? "; " : "", days_why ? days_why : "");
}

void
rma_limits_json(struct jw *w, const struct rma_limits *l)
{
	char ratio[32];

	rma_format_ppm(l->ratio_ppm, ratio, sizeof(ratio));
	jw_obj_open(w);
	jw_kbool(w, "figures", true);
	jw_kstr(w, "source", l->source);
	jw_kid(w, "contract_id", l->contract_id);
	jw_kstr(w, "contract_no", l->contract_id ? l->contract_no : NULL);
	jw_kday(w, "period_from", l->period_from);
	jw_kday(w, "period_to", l->period_to);
	jw_ki64(w, "limit_bp", l->limit_bp);
	jw_ki64(w, "days_limit", l->days_limit);
	jw_ki64(w, "warn_share_bp", l->warn_share_bp);
	jw_ki64(w, "purchases_fen", l->purchases_fen);
	jw_ki64(w, "exchanged_fen", l->exchanged_fen);
	jw_ki64(w, "this_fen", l->this_fen);
	jw_key(w, "ratio_ppm");
	if (l->ratio_ppm < 0)
		jw_null(w);
	else
		jw_i64(w, l->ratio_ppm);
	jw_kstr(w, "ratio", ratio);
	jw_kbool(w, "ratio_ok", l->ratio_ok);
	jw_kbool(w, "warn", l->warn);
	jw_key(w, "max_days");
	if (l->max_days_line == 0)
		jw_null(w);
	else
		jw_i64(w, l->max_days);
	jw_kid(w, "max_days_line", l->max_days_line);
	jw_kbool(w, "days_ok", l->days_ok);
	jw_kstr(w, "over", l->why);
	jw_obj_close(w);
}

void
rma_limits_brief_json(struct jw *w, const struct rma_limits *l)
{
	jw_obj_open(w);
	jw_kbool(w, "figures", false);
	jw_ki64(w, "days_limit", l->days_limit);
	jw_kbool(w, "ratio_ok", l->ratio_ok);
	jw_kbool(w, "warn", l->warn);
	jw_key(w, "max_days");
	if (l->max_days_line == 0)
		jw_null(w);
	else
		jw_i64(w, l->max_days);
	jw_kid(w, "max_days_line", l->max_days_line);
	jw_kbool(w, "days_ok", l->days_ok);
	jw_obj_close(w);
}

char *
rma_limits_brief_json_text(struct arena *a, const struct rma_limits *l)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	rma_limits_brief_json(&w, l);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

char *
rma_limits_json_text(struct arena *a, const struct rma_limits *l)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	rma_limits_json(&w, l);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

