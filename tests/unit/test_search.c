/*
 * test_search — the full-text tokenizer, the query compiler, and search on
 * the DSN under test (SQLite FTS5 or PostgreSQL tsvector): 2-character words
 * are found and only in their order, single characters, serial prefixes,
 * phone numbers, customer isolation, replace, delete, hostile input; on
 * SQLite, the documents a write batch stages in search_pending and indexes
 * once before its commit.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "domain/search/search.h"
#include "store/store.h"
#include "util/tokenize.h"

/* ----- the tokenizer ----- */

struct tjoin {
	char out[512];
	size_t len;
};

/* "a|b|=c": tokens joined by |, a colocated token marked with = */
static int
tjoin_tok(void *arg, const struct tok *t)
{
	struct tjoin *j = arg;
	size_t need = t->len + 2;

	if (j->len + need >= sizeof(j->out))
		return 1;
	if (j->len > 0)
		j->out[j->len++] = '|';
	if (t->colocated)
		j->out[j->len++] = '=';
	memcpy(j->out + j->len, t->p, t->len);
	j->len += t->len;
	j->out[j->len] = '\0';
	return 0;
}

static const char *
split(const char *s, unsigned flags, struct tjoin *j)
{
	j->len = 0;
	j->out[0] = '\0';
	tok_split(s, strlen(s), flags, tjoin_tok, j);
	return j->out;
}

static void
t_tokenizer(void)
{
	static const struct {
		const char *in;
		unsigned flags;
		const char *want;
	} cases[] = {
		{ "漏水", 0, "漏|水" },
		/* indexing adds each pair of characters at the first's place */
		{ "异响", TOK_DOCUMENT, "异|=异响|响" },
		{ "空调ABC漏水", TOK_DOCUMENT, "空|=空调|调|abc|漏|=漏水|水" },
		{ "漏，水", TOK_DOCUMENT, "漏|=漏水|水" },
		/* a query looks pairs up instead of characters */
		{ "漏水", TOK_QUERY, "漏水" },
		{ "漏", TOK_QUERY, "漏" },
		{ "空调漏水", TOK_QUERY, "空调|调漏|漏水" },
		{ "漏水A", TOK_QUERY, "漏水|水|a" },
		{ "A漏水", TOK_QUERY, "a|漏水" },
		{ "a漏b", TOK_QUERY, "a|漏|b" },
		{ "SR-2026", TOK_QUERY, "sr|2026" },
		{ "SR-20261122-0001", 0, "sr|20261122|0001" },
		/* a long number also gives its last 4 digits, same position */
		{ "SR-20261122-0001", TOK_DOCUMENT, "sr|20261122|=1122|0001" },
		{ "空调ABC123漏水", 0, "空|调|abc123|漏|水" },
		{ "13800138000", TOK_DOCUMENT, "13800138000|=8000" },
		{ "13800138000", 0, "13800138000" },
		{ "KT35GW2024A0012", TOK_DOCUMENT, "kt35gw2024a0012|=0012" },
		{ "KT35GWA", TOK_DOCUMENT, "kt35gwa" },		/* no digits */
		{ "A123456", TOK_DOCUMENT, "a123456|=3456" },	/* 7 chars */
		{ "123456", TOK_DOCUMENT, "123456" },		/* too short */
		{ "漏水😀异响👍🏻", 0, "漏|水|异|响" },		/* emoji separate */
		{ "😀🚀", 0, "" },
		{ "漏水，异响！（紧急）", 0, "漏|水|异|响|紧|急" },
		{ "a.b,c;d:e/f\"g'h(i)j*k^l", 0, "a|b|c|d|e|f|g|h|i|j|k|l" },
		{ "《说明书》「第3版」", 0, "说|明|书|第|3|版" },
		{ "ＳＲ－００１　ｋｔ", 0, "sr|001|kt" },	/* full width */
		{ "ÉCOLE Straße", 0, "é|cole|stra|ß|e" },
		{ "Привет", 0, "п|р|и|в|е|т" },
		{ "\xff\xfe漏\xe6\xbc", 0, "漏" },	/* invalid bytes */
		{ "   \t\n", 0, "" },
		{ "", 0, "" },
		{ "々〇", 0, "々|〇" },
		{ "に日本", 0, "に|日|本" },
		{ "한국", 0, "한|국" },
	};
	struct tjoin j;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(split(cases[i].in, cases[i].flags, &j),
		    cases[i].want);
}

struct toffs {
	size_t start[8], end[8];
	int n;
};

static int
toffs_tok(void *arg, const struct tok *t)
{
	struct toffs *o = arg;

	if (o->n < 8) {
		o->start[o->n] = t->start;
		o->end[o->n] = t->end;
		o->n++;
	}
	return 0;
}

static void
t_tokenizer_limits(void)
{
	struct toffs o = { .n = 0 };
	struct tjoin j;
	char longrun[200];

	/* byte offsets of each token in the source */
	tok_split("漏水 ab", 9, 0, toffs_tok, &o);
	CHECK_INT(o.n, 3);
	CHECK_INT(o.start[1], 3);
	CHECK_INT(o.end[1], 6);
	CHECK_INT(o.start[2], 7);
	CHECK_INT(o.end[2], 9);
	/* a long ASCII run is one token of TOK_ASCII_MAX bytes */
	memset(longrun, 'A', sizeof(longrun) - 1);
	longrun[sizeof(longrun) - 1] = '\0';
	split(longrun, 0, &j);
	CHECK_INT(j.len, TOK_ASCII_MAX);
	CHECK(j.out[0] == 'a');
}

/* ----- the query compiler ----- */

static void
t_compile(void)
{
	static const struct {
		const char *q;
		const char *fts;
		const char *tsq;
	} cases[] = {
		{ "漏水", "\"漏 水\"", "'漏水'" },
		{ "漏", "\"漏\"", "'漏'" },
		{ "空调漏水", "\"空 调 漏 水\"", "'空调' <-> '调漏' <-> '漏水'" },
		{ "漏水 异响", "\"漏 水\" AND \"异 响\"", "'漏水' & '异响'" },
		{ "漏水，异响", "\"漏 水\" AND \"异 响\"", "'漏水' & '异响'" },
		{ "SR-20261122-0001", "\"sr 20261122 0001\"*",
		    "'sr' <-> '20261122' <-> '0001':*" },
		{ "KT35", "\"kt35\"*", "'kt35':*" },
		{ "空调ABC123漏水", "\"空 调 abc123 漏 水\"",
		    "'空调' <-> '调' <-> 'abc123' <-> '漏水'" },
		/* engine syntax in the input is only text */
		{ "漏水 OR *", "\"漏 水\" AND \"or\"*", "'漏水' & 'or':*" },
		{ "\"漏水\"", "\"漏 水\"", "'漏水'" },
		{ "NEAR(漏水 异响)", "\"near\"* AND \"漏 水\" AND \"异 响\"",
		    "'near':* & '漏水' & '异响'" },
		{ "body:漏水", "\"body 漏 水\"", "'body' <-> '漏水'" },
		{ "漏水' & !异响 | x<->y", "\"漏 水\" AND \"异 响\" AND \"x\" "
		    "AND \"y\"", "'漏水' & '异响' & 'x' & 'y'" },
		/* one ASCII character is exact, two or more a prefix */
		{ "a", "\"a\"", "'a'" },
		{ "13", "\"13\"*", "'13':*" },
		{ "漏水A", "\"漏 水 a\"", "'漏水' <-> '水' <-> 'a'" },
	};
	struct svc_err err;
	struct arena a;
	char *out;

	arena_init(&a, 1u << 20);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = NULL;
		CHECK_INT(search_compile(&a, cases[i].q, STORE_SQLITE, &out,
		    &err), SVC_OK);
		CHECK_STR(out, cases[i].fts);
		out = NULL;
		CHECK_INT(search_compile(&a, cases[i].q, STORE_PG, &out, &err),
		    SVC_OK);
		CHECK_STR(out, cases[i].tsq);
	}
	arena_release(&a);
}

static void
t_compile_refuses(void)
{
	char q101[512], q100[512], many[64], longword[200];
	const char *bad[] = { "", "   ", "***", "😀", "\xff\xfe", q101, many,
		longword };
	struct svc_err err;
	struct arena a;
	char *out;
	size_t k = 0;

	/* 100 characters is the most; 101 is refused */
	for (int i = 0; i < 100; i++) {
		memcpy(q100 + k, i % 10 == 9 ? " " : "漏", i % 10 == 9 ? 1 : 3);
		k += i % 10 == 9 ? 1 : 3;
	}
	q100[k] = '\0';
	memcpy(q101, q100, k);
	memcpy(q101 + k, "x", 2);
	/* 11 words */
	snprintf(many, sizeof(many), "a b c d e f g h i j k");
	/* one word of 65 characters */
	memset(longword, 0, sizeof(longword));
	for (int i = 0; i < 65; i++)
		memcpy(longword + 3 * i, "漏", 3);
	arena_init(&a, 1u << 20);
	CHECK_INT(search_compile(&a, q100, STORE_SQLITE, &out, &err), SVC_OK);
	CHECK_INT(search_compile(&a, NULL, STORE_SQLITE, &out, &err),
	    SVC_EINVAL);
	CHECK_STR(err.field, "q");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		CHECK_INT(search_compile(&a, bad[i], STORE_SQLITE, &out, &err),
		    SVC_EINVAL);
		CHECK_STR(err.field, "q");
	}
	arena_release(&a);
}

/* ----- search on the store under test ----- */

static struct store *
open_search_store(void)
{
	struct store_config sc = { .max_conns = 4 };
	struct svc_err err = { 0 };
	struct store *s = NULL;

	if (store_open(&s, h_dsn, &sc, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open %s: %s\n", h_dsn, err.msg);
		return NULL;
	}
	if (store_migrate(s, NULL, &err) != SVC_OK) {
		fprintf(stderr, "  cannot migrate %s: %s\n", h_dsn, err.msg);
		store_close(s);
		return NULL;
	}
	return s;
}

#define C1 901
#define C2 902

static const struct search_doc docs[] = {
	{ "request", 1, C1, "SR-20261122-0001", "空调外机漏水",
	    "客户反映空调外机漏水，伴有异响。联系电话 13800138000，"
	    "序列号 KT35GW2024A0012。", 0 },
	{ "request", 2, C2, "SR-20261122-0002", "冰箱不制冷",
	    "冷藏室的水漏到地板上了。电话 13900001234。", 0 },
	{ "article", 3, 0, "KB-0003", "压缩机异响处理",
	    "检查压缩机固定螺栓是否松动；更换减震垫。", 0 },
	{ "unit", 4, C1, "KT35GW2024A0099", "挂机 KFR-35GW/A1", "", 0 },
};

/* The (kind, ref_id) of the hits, as "request:1 unit:4". */
static const char *
hits_of(struct store *s, const char *q, const char *const *kinds,
    size_t nkinds, int64_t customer, struct arena *a, enum svc_code *rc)
{
	struct search_filter f = { kinds, nkinds, customer, 0, 50 };
	struct search_hit **hits = NULL;
	struct svc_err err = { 0 };
	struct db *db;
	size_t n = 0;
	bool more;
	char *out = arena_strdup(a, "");

	*rc = store_acquire(s, &db, &err);
	if (*rc)
		return "(no connection)";
	*rc = search_query(db, a, q, &f, &hits, &n, &more, &err);
	store_release(s, db);
	if (*rc) {
		fprintf(stderr, "  search '%s': %s\n", q, err.msg);
		return "(error)";
	}
	for (size_t i = 0; i < n; i++)
		out = arena_printf(a, "%s%s%s:%lld", out, i ? " " : "",
		    hits[i]->kind, (long long)hits[i]->ref_id);
	return out;
}

static const char *
find(struct store *s, const char *q, struct arena *a)
{
	enum svc_code rc;

	return hits_of(s, q, NULL, 0, 0, a, &rc);
}

static enum svc_code
put_cb(struct db *db, void *arg, struct svc_err *err)
{
	return search_put(db, arg, err);
}

struct del_arg {
	const char *kind;
	int64_t ref_id;
};

static enum svc_code
del_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct del_arg *d = arg;

	return search_delete(db, d->kind, d->ref_id, err);
}

static void
t_search_store(void)
{
	static const char *const article[] = { "article" };
	static const char *const req_unit[] = { "request", "unit" };
	struct store *s = open_search_store();
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db;
	enum svc_code rc;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(search_put_many(s, db, docs, sizeof(docs) / sizeof(docs[0]),
	    &err), SVC_OK);

	/* a 2-character word, and only in its order */
	CHECK_STR(find(s, "漏水", &a), "request:1");
	CHECK_STR(find(s, "水漏", &a), "request:2");
	CHECK_STR(find(s, "外机水漏", &a), "");
	CHECK_STR(find(s, "异响", &a), "article:3 request:1");
	CHECK_STR(find(s, "响异", &a), "");
	/* a single character; 3+ characters */
	CHECK_STR(find(s, "冰", &a), "request:2");
	CHECK_STR(find(s, "压缩机", &a), "article:3");
	CHECK_STR(find(s, "空调外机漏水", &a), "request:1");
	/* numbers, serials, phones */
	CHECK_STR(find(s, "SR-20261122-0002", &a), "request:2");
	CHECK_STR(find(s, "sr-20261122", &a), "request:2 request:1");
	CHECK_STR(find(s, "KT35GW", &a), "unit:4 request:1");
	CHECK_STR(find(s, "kt35gw2024a0099", &a), "unit:4");
	CHECK_STR(find(s, "KFR-35GW/A1", &a), "unit:4");
	CHECK_STR(find(s, "13800138000", &a), "request:1");
	CHECK_STR(find(s, "1380013", &a), "request:1");
	CHECK_STR(find(s, "8000", &a), "request:1");	/* 尾号 */
	CHECK_STR(find(s, "1234", &a), "request:2");
	CHECK_STR(find(s, "ＫＴ３５ＧＷ２０２４Ａ００１２", &a), "request:1");
	/* words are ANDed, in any field */
	CHECK_STR(find(s, "漏水 异响", &a), "request:1");
	CHECK_STR(find(s, "空调 KT35GW2024A0012", &a), "request:1");
	CHECK_STR(find(s, "漏水 冰箱", &a), "");
	/* kind and customer filters */
	CHECK_STR(hits_of(s, "异响", article, 1, 0, &a, &rc), "article:3");
	CHECK_STR(hits_of(s, "异响", req_unit, 2, 0, &a, &rc), "request:1");
	CHECK_STR(hits_of(s, "KT35GW", NULL, 0, C1, &a, &rc),
	    "unit:4 request:1");
	CHECK_STR(hits_of(s, "漏水", NULL, 0, C2, &a, &rc), "");
	CHECK_STR(hits_of(s, "SR", NULL, 0, C2, &a, &rc), "request:2");
	CHECK_STR(hits_of(s, "异响", NULL, 0, C2, &a, &rc), "");
	/* engine syntax is text: never an error, never an operator */
	CHECK_STR(find(s, "(漏水)", &a), "request:1");
	CHECK_STR(find(s, "\"漏水\"", &a), "request:1");
	CHECK_STR(find(s, "漏水 OR *", &a), "");
	CHECK_STR(find(s, "漏水 OR 冰箱", &a), "");
	CHECK_STR(find(s, "NEAR(漏水 异响)", &a), "");
	CHECK_STR(find(s, "漏水 NOT 异响", &a), "");
	CHECK_STR(find(s, "title:漏水", &a), "");
	CHECK_STR(find(s, "^漏水", &a), "request:1");
	CHECK_STR(find(s, "漏水' & !异响 | 冰<->箱", &a), "");
	CHECK_STR(find(s, "a\\b:* {x} [y] -z +w", &a), "");
	CHECK_STR(find(s, "x'); DROP TABLE search_docs; --", &a), "");
	CHECK_STR(find(s, "漏水", &a), "request:1");	/* still there */

	/* a changed document replaces the old text */
	{
		struct search_doc d2 = docs[1];

		d2.body = "已修好。";
		CHECK_INT(store_write(s, db, put_cb, &d2, &err), SVC_OK);
		CHECK_STR(find(s, "水漏", &a), "");
		CHECK_STR(find(s, "修好", &a), "request:2");
		CHECK_STR(find(s, "冰箱", &a), "request:2");
		/* newest changed first */
		CHECK_STR(find(s, "SR", &a), "request:2 request:1");
	}
	/* bad documents are refused */
	{
		struct search_doc bad = docs[0];

		bad.body = "\xff\xfe";
		CHECK_INT(store_write(s, db, put_cb, &bad, &err), SVC_EINVAL);
		CHECK_STR(err.field, "body");
		bad = docs[0];
		bad.kind = "Request!";
		CHECK_INT(store_write(s, db, put_cb, &bad, &err), SVC_EINVAL);
		CHECK_STR(err.field, "kind");
		CHECK_STR(find(s, "漏水", &a), "request:1");	/* unchanged */
	}
	/* delete removes */
	{
		struct del_arg d = { "request", 1 };

		CHECK_INT(store_write(s, db, del_cb, &d, &err), SVC_OK);
		CHECK_STR(find(s, "漏水", &a), "");
		CHECK_STR(find(s, "KT35GW", &a), "unit:4");
		CHECK_INT(store_write(s, db, del_cb, &d, &err), SVC_OK);
	}
	store_release(s, db);
	arena_release(&a);
	store_close(s);
}

/* Pairs of characters in the index give the same answers as phrases. */
static void
t_search_pairs(void)
{
	static const char *const kind[] = { "pair_test" };
	static const struct search_doc d[] = {
		{ "pair_test", 1, 0, "", "", "管道漏，水从天花板滴下", 0 },
		{ "pair_test", 2, 0, "", "", "漏水漏水漏水", 0 },
		{ "pair_test", 3, 0, "", "", "水水水漏漏漏", 0 },
	};
	struct store *s = open_search_store();
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db;
	enum svc_code rc;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(search_put_many(s, db, d, 3, &err), SVC_OK);
	store_release(s, db);
	/* punctuation between two characters does not part them */
	CHECK_STR(hits_of(s, "漏水", kind, 1, 0, &a, &rc), "pair_test:2 "
	    "pair_test:1");
	CHECK_STR(hits_of(s, "水漏", kind, 1, 0, &a, &rc), "pair_test:3 "
	    "pair_test:2");
	CHECK_STR(hits_of(s, "漏漏漏", kind, 1, 0, &a, &rc), "pair_test:3");
	CHECK_STR(hits_of(s, "漏漏漏漏", kind, 1, 0, &a, &rc), "");
	CHECK_STR(hits_of(s, "水水漏漏", kind, 1, 0, &a, &rc), "pair_test:3");
	CHECK_STR(hits_of(s, "漏水漏水漏水漏", kind, 1, 0, &a, &rc), "");
	CHECK_STR(hits_of(s, "滴", kind, 1, 0, &a, &rc), "pair_test:1");
	CHECK_STR(hits_of(s, "花板滴", kind, 1, 0, &a, &rc), "pair_test:1");
	CHECK_STR(hits_of(s, "板花", kind, 1, 0, &a, &rc), "");
	arena_release(&a);
	store_close(s);
}

static void
t_search_snippets(void)
{
	static const struct search_doc d = { "article", 100, 0, "KB-0100",
	    "外机异响的处理方法",
	    "第一步：断电。第二步：拆下外机面板，检查风扇叶片是否碰到挡风圈，"
	    "风扇碰擦会引起异响。第三步：检查压缩机底脚螺栓和减震垫，"
	    "松动也会引起异响。第四步：试机。", 0 };
	struct store *s = open_search_store();
	struct search_filter f = { NULL, 0, 0, 0, 10 };
	struct search_hit **hits = NULL;
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db;
	size_t n = 0;
	bool more = false;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(store_write(s, db, put_cb, (void *)&d, &err), SVC_OK);
	CHECK_INT(search_query(db, &a, "异响 碰擦", &f, &hits, &n, &more, &err),
	    SVC_OK);
	CHECK_INT(n, 1);
	if (n == 1) {
		struct search_hit *h = hits[0];

		CHECK_STR(h->field, "body");
		CHECK_INT(h->rank, 3);	/* title and body */
		CHECK_STR(h->number, "KB-0100");
		CHECK(strstr(h->snippet, "风扇碰擦会引起异响") != NULL);
		CHECK(strncmp(h->snippet, "…", 3) == 0);	/* cut */
		CHECK(h->nhl >= 2);
		/* each highlight covers a match in the snippet */
		for (size_t i = 0; i < h->nhl; i++) {
			const char *p = h->snippet;
			int k = 0;

			while (k < h->hl[i].off) {	/* to the offset */
				p++;
				while (((unsigned char)*p & 0xc0) == 0x80)
					p++;
				k++;
			}
			CHECK_INT(h->hl[i].len, 2);
			CHECK(strncmp(p, "异响", 6) == 0 ||
			    strncmp(p, "碰擦", 6) == 0);
		}
	}
	/* a match in the number only: the snippet is the number */
	CHECK_INT(search_query(db, &a, "KB-0100", &f, &hits, &n, &more, &err),
	    SVC_OK);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(hits[0]->field, "number");
		CHECK_INT(hits[0]->rank, 4);
		CHECK_STR(hits[0]->snippet, "KB-0100");
		CHECK_INT(hits[0]->nhl, 1);
	}
	store_release(s, db);
	arena_release(&a);
	store_close(s);
}

static void
t_search_pages(void)
{
	struct search_doc many[25];
	struct store *s = open_search_store();
	struct search_filter f = { NULL, 0, 0, 0, 10 };
	struct search_hit **hits = NULL;
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db;
	int64_t last = INT64_MAX, seen = 0;
	size_t n = 0;
	bool more = true;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	for (int i = 0; i < 25; i++)
		many[i] = (struct search_doc){ "page_test", i + 1, C1, "",
		    "分页测试", "第几页", 0 };
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(search_put_many(s, db, many, 25, &err), SVC_OK);
	for (int page = 0; page < 5 && more; page++) {
		CHECK_INT(search_query(db, &a, "分页", &f, &hits, &n, &more,
		    &err), SVC_OK);
		for (size_t i = 0; i < n; i++) {
			CHECK(hits[i]->id < last);	/* newest first */
			last = hits[i]->id;
			CHECK_INT(hits[i]->ref_id, 25 - seen);
			seen++;
		}
		if (n > 0)
			f.cursor = hits[n - 1]->id;
	}
	CHECK_INT(seen, 25);
	CHECK(!more);
	/* limits */
	f.limit = SEARCH_LIMIT_MAX + 1;
	CHECK_INT(search_query(db, &a, "分页", &f, &hits, &n, &more, &err),
	    SVC_EINVAL);
	CHECK_STR(err.field, "limit");
	f.limit = 10;
	f.kinds = (const char *const[]){ "Bad Kind" };
	f.nkinds = 1;
	CHECK_INT(search_query(db, &a, "分页", &f, &hits, &n, &more, &err),
	    SVC_EINVAL);
	CHECK_STR(err.field, "kind");
	store_release(s, db);
	arena_release(&a);
	store_close(s);
}

/* Old matches behind many newer documents are found, newest first. */
static void
t_search_window(void)
{
	enum { N = 2300 };
	static struct search_doc many[N];
	static const char *const kind[] = { "window_test" };
	struct store *s = open_search_store();
	struct svc_err err = { 0 };
	struct arena a;
	struct db *db;
	enum svc_code rc;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	for (int i = 0; i < N; i++)
		many[i] = (struct search_doc){ "window_test", i + 1, 0, "",
		    "", i < 3 || i == N - 1 ? "稀有的故障现象" : "常见填充文字",
		    0 };
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(search_put_many(s, db, many, N, &err), SVC_OK);
	store_release(s, db);
	CHECK_STR(hits_of(s, "稀有", kind, 1, 0, &a, &rc), "window_test:2300 "
	    "window_test:3 window_test:2 window_test:1");
	CHECK_STR(hits_of(s, "故障现象", NULL, 0, 0, &a, &rc), "window_test:2300 "
	    "window_test:3 window_test:2 window_test:1");
	arena_release(&a);
	store_close(s);
}

/* ----- SQLite: documents staged per batch, indexed before the commit ----- */

/*
 * What one job of a batch does (stage_cb).  The steps of one job run in
 * order, each under its own savepoint (a write inside a write runs in place
 * on the writer), so "put then delete" is deterministic while the jobs of
 * the batch run in whatever order they were queued.
 */
enum stage_op {
	STAGE_PUT,		/* put doc */
	STAGE_PUT_FAIL,		/* put doc, then refuse: the job rolls back */
	STAGE_PUT_DEL,		/* put doc; delete it */
	STAGE_PUT_PUT,		/* put doc; put it again with body text2 */
	STAGE_PUT_UPDATE,	/* put doc; UPDATE its body to text2 (+ id) */
	STAGE_UPDATE,		/* UPDATE an indexed doc to text2 (+ id) */
	STAGE_BOOM,		/* put doc; make the batch's flush fail */
};

struct stage_job {
	enum stage_op op;
	struct search_doc doc;
	const char *text2;
	int64_t id_shift;	/* STAGE_*UPDATE: added to the row's id */
	enum svc_code want;
	enum svc_code rc;
	int64_t seen;		/* search_pending rows when the job began */
	struct store *s;
	struct stage_gate *g;
};

/* Holds the writer in a job of its own while a batch queues up behind it. */
struct stage_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;		/* 0 not yet, 1 holding the writer, 2 open */
	int ready;		/* job threads about to write */
	struct store *s;
};

static enum svc_code
stage_update(struct db *db, const struct stage_job *j, struct svc_err *err)
{
	return db_exec(db, "UPDATE search_docs SET body = ?, id = id + ?"
	    " WHERE kind = ? AND ref_id = ?", DB_ARGS(DB_S(j->text2),
	    DB_I(j->id_shift), DB_S(j->doc.kind), DB_I(j->doc.ref_id)), NULL,
	    err);
}

static enum svc_code
stage_update_cb(struct db *db, void *arg, struct svc_err *err)
{
	return stage_update(db, arg, err);
}

static enum svc_code
stage_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct stage_job *j = arg;
	struct search_doc d2 = j->doc;
	struct del_arg del = { j->doc.kind, j->doc.ref_id };
	enum svc_code rc;

	rc = db_one_i64(db, "SELECT count(*) FROM search_pending", DB_NOARGS,
	    &j->seen, err);
	if (rc)
		return rc;
	if (j->op == STAGE_UPDATE)
		return stage_update(db, j, err);
	rc = store_write(db->store, db, put_cb, &j->doc, err);
	if (rc)
		return rc;
	switch (j->op) {
	case STAGE_PUT_FAIL:
		return svc_fail(err, SVC_EINVAL, NULL, "refused on purpose");
	case STAGE_PUT_DEL:
		return store_write(db->store, db, del_cb, &del, err);
	case STAGE_PUT_PUT:
		d2.body = j->text2;
		return store_write(db->store, db, put_cb, &d2, err);
	case STAGE_PUT_UPDATE:
		return store_write(db->store, db, stage_update_cb, j, err);
	case STAGE_BOOM:
		/* temporary, so the batch's rollback takes it away again */
		return db_exec(db, "CREATE TEMP TRIGGER stage_boom"
		    " BEFORE DELETE ON main.search_pending BEGIN"
		    " SELECT RAISE(ABORT, 'flush refused on purpose'); END",
		    DB_NOARGS, NULL, err);
	default:
		return SVC_OK;
	}
}

static enum svc_code
stage_gate_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct stage_gate *g = arg;

	(void)db;
	(void)err;
	pthread_mutex_lock(&g->mu);
	g->state = 1;
	pthread_cond_broadcast(&g->cv);
	while (g->state != 2)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return SVC_OK;
}

static void *
stage_gate_thread(void *arg)
{
	struct stage_gate *g = arg;
	struct svc_err err = { 0 };

	if (store_write(g->s, NULL, stage_gate_cb, g, &err) != SVC_OK)
		fprintf(stderr, "  gate: %s\n", err.msg);
	return NULL;
}

static void *
stage_job_thread(void *arg)
{
	struct stage_job *j = arg;
	struct svc_err err = { 0 };

	pthread_mutex_lock(&j->g->mu);
	j->g->ready++;
	pthread_cond_broadcast(&j->g->cv);
	pthread_mutex_unlock(&j->g->mu);
	j->rc = store_write(j->s, NULL, stage_cb, j, &err);
	return NULL;
}

/*
 * Run the jobs as one batch: a gate job holds the writer until every job
 * thread is about to write and a moment has passed for them to queue, so the
 * writer then takes them all at once.  Returns the most pending rows a job
 * saw when it began (> 0: it shared a transaction with earlier jobs).
 */
static int64_t
stage_batch(struct store *s, struct stage_job *jobs, int n)
{
	struct stage_gate g = { .state = 0, .ready = 0, .s = s };
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	pthread_t gate, th[16];
	int64_t seen = 0;

	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	pthread_create(&gate, NULL, stage_gate_thread, &g);
	pthread_mutex_lock(&g.mu);
	while (g.state != 1)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	for (int i = 0; i < n && i < 16; i++) {
		jobs[i].s = s;
		jobs[i].g = &g;
		jobs[i].seen = 0;
		pthread_create(&th[i], NULL, stage_job_thread, &jobs[i]);
	}
	pthread_mutex_lock(&g.mu);
	while (g.ready < n)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	nanosleep(&pause, NULL);
	pthread_mutex_lock(&g.mu);
	g.state = 2;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	pthread_join(gate, NULL);
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].rc != jobs[i].want)
			fprintf(stderr, "  job %d (ref_id %lld): rc %d, "
			    "expected %d\n", i, (long long)jobs[i].doc.ref_id,
			    (int)jobs[i].rc, (int)jobs[i].want);
		CHECK_INT(jobs[i].rc, jobs[i].want);
		if (jobs[i].seen > seen)
			seen = jobs[i].seen;
	}
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	return seen;
}

static enum svc_code
fts_check_cb(struct db *db, void *arg, struct svc_err *err)
{
	(void)arg;
	return db_exec(db, "INSERT INTO search_fts (search_fts)"
	    " VALUES ('integrity-check')", DB_NOARGS, NULL, err);
}

/*
 * The documents FTS5 counts in its index: the first varint of its averages
 * record (rowid 1 of search_fts_data).  A 'delete' sent for a row that is
 * not in the index leaves it one short, which 'integrity-check' does not see
 * on an external-content table.
 */
static int64_t
fts_doc_count(struct db *db)
{
	struct svc_err err = { 0 };
	struct dbq *q;
	struct buf b;
	int64_t n = -1;

	buf_init(&b, 1024);
	if (db_query(db, "SELECT block FROM search_fts_data WHERE id = 1",
	    DB_NOARGS, &q, &err) != SVC_OK)
		return -1;
	if (db_next(q) == 1)
		db_blob(q, 0, &b);
	if (db_done(q, &err) == SVC_OK && b.len > 0) {
		n = 0;
		for (size_t i = 0; i < b.len && i < 9; i++) {
			unsigned char c = (unsigned char)b.p[i];

			if (i == 8) {
				n = (n << 8) | c;
				break;
			}
			n = (n << 7) | (c & 0x7f);
			if (!(c & 0x80))
				break;
		}
	}
	buf_release(&b);
	return n;
}

/*
 * After a commit: nothing pending, and FTS5 agrees with search_docs (its
 * integrity check, and its count of documents).
 */
static void
stage_settled(struct store *s)
{
	struct svc_err err = { 0 };
	struct db *db;
	int64_t n = -1, docs_n = -2;

	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM search_pending",
	    DB_NOARGS, &n, &err), SVC_OK);
	CHECK_INT(n, 0);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM search_docs",
	    DB_NOARGS, &docs_n, &err), SVC_OK);
	CHECK_INT(fts_doc_count(db), docs_n);
	CHECK_INT(store_write(s, db, fts_check_cb, NULL, &err), SVC_OK);
	store_release(s, db);
}

/* Rows of search_docs for ("stage_test", ref_id). */
static int64_t
stage_rows(struct store *s, int64_t ref_id)
{
	struct svc_err err = { 0 };
	struct db *db;
	int64_t n = -1;

	if (store_acquire(s, &db, &err) != SVC_OK)
		return -1;
	if (db_one_i64(db, "SELECT count(*) FROM search_docs"
	    " WHERE kind = 'stage_test' AND ref_id = ?", DB_ARGS(DB_I(ref_id)),
	    &n, &err) != SVC_OK)
		n = -1;
	store_release(s, db);
	return n;
}

#define STAGE(op, id, body, text2, shift, want) \
	{ op, { "stage_test", id, 0, "", "", body, 0 }, text2, shift, want, \
	    SVC_OK, 0, NULL, NULL }

static void
t_search_staged(void)
{
	static const char *const kind[] = { "stage_test" };
	/* indexed by an earlier batch */
	struct stage_job first[] = {
		STAGE(STAGE_PUT, 20, "umbrella", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT, 21, "violin", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT, 22, "vortex", NULL, 0, SVC_OK),
	};
	struct stage_job batch[] = {
		STAGE(STAGE_PUT, 1, "alpha", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT, 2, "bravo", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT, 3, "charlie", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT_FAIL, 4, "foxtrot", NULL, 0, SVC_EINVAL),
		STAGE(STAGE_PUT_DEL, 5, "delta", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT_PUT, 6, "papa", "quebec", 0, SVC_OK),
		STAGE(STAGE_PUT, 20, "uniform", NULL, 0, SVC_OK),
		STAGE(STAGE_PUT_UPDATE, 7, "whiskey", "xray", 0, SVC_OK),
		STAGE(STAGE_PUT_UPDATE, 8, "yankee", "zulu", 1000000, SVC_OK),
		STAGE(STAGE_UPDATE, 21, NULL, "velvet", 0, SVC_OK),
		STAGE(STAGE_UPDATE, 22, NULL, "vulture", 1000000, SVC_OK),
	};
	struct stage_job boom[] = {
		STAGE(STAGE_PUT, 30, "golf", NULL, 0, SVC_ESTORE),
		STAGE(STAGE_BOOM, 31, "hotel", NULL, 0, SVC_ESTORE),
	};
	struct stage_job after[] = {
		STAGE(STAGE_PUT, 32, "india", NULL, 0, SVC_OK),
	};
	static const struct {
		const char *q, *want;
	} finds[] = {
		{ "alpha", "stage_test:1" }, { "bravo", "stage_test:2" },
		{ "charlie", "stage_test:3" },
		{ "foxtrot", "" },			/* rolled back */
		{ "delta", "" },				/* deleted */
		{ "papa", "" }, { "quebec", "stage_test:6" },	/* replaced */
		{ "umbrella", "" }, { "uniform", "stage_test:20" },
		{ "whiskey", "" }, { "xray", "stage_test:7" },	/* updated */
		{ "yankee", "" }, { "zulu", "stage_test:8" },
		{ "violin", "" }, { "velvet", "stage_test:21" },
		{ "vortex", "" }, { "vulture", "stage_test:22" },
	};
	struct store *s = open_search_store();
	struct arena a;
	enum svc_code rc;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	if (store_kind(s) != STORE_SQLITE) {	/* PostgreSQL stages nothing */
		store_close(s);
		return;
	}
	arena_init(&a, 8u << 20);

	stage_batch(s, first, 3);
	stage_settled(s);
	CHECK_STR(hits_of(s, "umbrella", kind, 1, 0, &a, &rc), "stage_test:20");
	CHECK_STR(hits_of(s, "violin", kind, 1, 0, &a, &rc), "stage_test:21");

	/* one batch: every job's documents are found after its commit */
	CHECK(stage_batch(s, batch, sizeof(batch) / sizeof(batch[0])) > 0);
	stage_settled(s);
	for (size_t i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		const char *got = hits_of(s, finds[i].q, kind, 1, 0, &a, &rc);

		if (strcmp(got, finds[i].want) != 0)
			fprintf(stderr, "  '%s' found '%s'\n", finds[i].q, got);
		CHECK_STR(got, finds[i].want);
	}
	CHECK_INT(stage_rows(s, 4), 0);
	CHECK_INT(stage_rows(s, 5), 0);
	CHECK_INT(stage_rows(s, 6), 1);

	/* a failed flush fails the whole batch, which leaves nothing */
	stage_batch(s, boom, 2);
	stage_settled(s);
	CHECK_STR(hits_of(s, "golf", kind, 1, 0, &a, &rc), "");
	CHECK_STR(hits_of(s, "hotel", kind, 1, 0, &a, &rc), "");
	CHECK_INT(stage_rows(s, 30), 0);
	CHECK_INT(stage_rows(s, 31), 0);
	/* and the next batch is fine */
	stage_batch(s, after, 1);
	stage_settled(s);
	CHECK_STR(hits_of(s, "india", kind, 1, 0, &a, &rc), "stage_test:32");

	arena_release(&a);
	store_close(s);
}

static enum svc_code
compact_cb(struct db *db, void *arg, struct svc_err *err)
{
	return search_compact(db, *(int *)arg, err);
}

/*
 * Merging the index (a little, then all of it) changes no answer: every
 * document written in eight separate transactions (eight segments) is still
 * found, newest first, and FTS5's checks pass.  On PostgreSQL a no-op.
 */
static void
t_search_compact(void)
{
	struct store *s = open_search_store();
	struct search_filter f = { NULL, 0, 0, 0, SEARCH_LIMIT_MAX };
	struct search_hit **hits = NULL;
	struct svc_err err = { 0 };
	struct search_doc d[5];
	struct arena a;
	struct db *db;
	bool more;
	size_t n;

	if (s == NULL) {
		CHECK(s != NULL);
		return;
	}
	arena_init(&a, 8u << 20);
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	for (int b = 0; b < 8; b++) {
		for (int i = 0; i < 5; i++)
			d[i] = (struct search_doc){ "compact_test", b * 5 + i + 1,
			    C1, "", "合并索引测试", "第几段", 0 };
		CHECK_INT(search_put_many(s, db, d, 5, &err), SVC_OK);
	}
	for (int round = 0; round < 3; round++) {
		int pages = round == 2 ? 0 : 2;	/* a little twice, then all */

		CHECK_INT(store_write(s, db, compact_cb, &pages, &err), SVC_OK);
		CHECK_INT(search_query(db, &a, "合并", &f, &hits, &n, &more,
		    &err), SVC_OK);
		CHECK_INT(n, 40);
		for (size_t i = 0; i < n; i++)
			CHECK_INT(hits[i]->ref_id, 40 - (int64_t)i);
		if (store_kind(s) == STORE_SQLITE) {
			CHECK_INT(store_write(s, db, fts_check_cb, NULL, &err),
			    SVC_OK);
			int64_t ndocs = -1;

			CHECK_INT(db_one_i64(db, "SELECT count(*) FROM"
			    " search_docs", DB_NOARGS, &ndocs, &err), SVC_OK);
			CHECK_INT(fts_doc_count(db), ndocs);
		}
	}
	store_release(s, db);
	arena_release(&a);
	store_close(s);
}

const struct h_test search_tests[] = {
	{ "search: tokenizer (CJK per character, ASCII runs, suffixes)",
	    t_tokenizer },
	{ "search: tokenizer offsets and limits", t_tokenizer_limits },
	{ "search: queries compile to quoted phrases only", t_compile },
	{ "search: empty, long, invalid queries refused naming q",
	    t_compile_refuses },
	{ "search: 2-character words, order, prefixes, filters, replace, "
	    "delete", t_search_store },
	{ "search: character pairs match as phrases do", t_search_pairs },
	{ "search: snippets and highlights", t_search_snippets },
	{ "search: pages newest first, limits", t_search_pages },
	{ "search: old matches behind many newer documents", t_search_window },
	{ "search (SQLite): a batch's documents staged, indexed before its "
	    "commit", t_search_staged },
	{ "search: merging the index changes no answer", t_search_compact },
	{ NULL, NULL },
};
