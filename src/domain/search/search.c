/*
 * search — full-text search over documents of every module (the contract is
 * in search.h).
 *
 * The index is the table search_docs plus, per engine, an index of the same
 * tokens (both from tok_split()): on SQLite an external-content FTS5 table
 * kept by triggers, on PostgreSQL a tsvector column written here.  A user's
 * text is parsed here into words, each word into tokens, and compiled into
 * the engine's own syntax from tokens only (quoted, so no user character
 * becomes an operator).  Snippets and highlights are computed here too, from
 * the stored text, so they are the same on both engines.
 *
 * Invariants:
 *  - an index row is replaced by DELETE + INSERT, so a changed document
 *    gets a new id and hits ordered by id are newest-changed first;
 *  - every word has 1..SEARCH_TERM_TOKENS_MAX tokens, a query 1..
 *    SEARCH_TERMS_MAX words.
 */
#include "domain/search/search.h"

#include <string.h>

#include "util/clock.h"
#include "util/tokenize.h"

#define SNIPPET_BEFORE 16	/* characters shown before the first match */
#define SNIPPET_CHARS 64	/* characters shown in all */
#define PUT_BATCH 1000		/* documents per write transaction */

/* ----- query parsing ----- */

/* A list of tokens. */
struct toks {
	const char *tok[SEARCH_TERM_TOKENS_MAX];
	size_t len[SEARCH_TERM_TOKENS_MAX];
	size_t ntok;
};

/*
 * One word: its single tokens (for FTS5, whose tokenizer makes the pairs
 * itself) and its lookup tokens with pairs (tok_split TOK_QUERY: for the
 * tsquery and for matching snippets here).
 */
struct term {
	struct toks one;
	struct toks look;
	bool prefix;		/* the last token matches as a prefix */
};

struct query {
	struct term term[SEARCH_TERMS_MAX];
	size_t nterm;
};

struct collect {
	struct arena *a;
	struct toks *t;
	bool overflow;
};

static int
collect_tok(void *arg, const struct tok *t)
{
	struct collect *c = arg;

	if (c->t->ntok >= SEARCH_TERM_TOKENS_MAX) {
		c->overflow = true;
		return 1;
	}
	c->t->tok[c->t->ntok] = arena_strndup(c->a, t->p, t->len);
	c->t->len[c->t->ntok] = t->len;
	c->t->ntok++;
	return 0;
}

/* Punctuation that joins the parts of one word (SR-20261122-0001). */
static bool
is_joiner(uint32_t c)
{
	return c == '-' || c == '_' || c == '.' || c == '/' || c == ':' ||
	    c == '#' || c == '@' || c == '+';
}

static enum svc_code
parse_query(struct arena *a, const char *q, struct query *out,
    struct svc_err *err)
{
	size_t len, i = 0;

	memset(out, 0, sizeof(*out));
	if (q == NULL || q[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "q", "required",
		    "'q' is required");
	len = strlen(q);
	if (!utf8_valid(q, len))
		return svc_fail_field(err, SVC_EINVAL, "q", "invalid",
		    "'q' must be valid UTF-8");
	if (utf8_len(q, len) > SEARCH_Q_MAX)
		return svc_fail_field(err, SVC_EINVAL, "q", "too_long",
		    "'q' must be at most %d characters", SEARCH_Q_MAX);
	while (i < len) {
		struct collect c = { a, NULL, false };
		struct term t;
		size_t start = i, n;
		uint32_t cp, f;

		/* a word: up to a separator that is not a joiner */
		while (i < len) {
			n = tok_decode(q + i, len - i, &cp);
			f = tok_fold_width(cp);
			if (tok_is_sep(f) && !is_joiner(f))
				break;
			i += n;
		}
		if (i == start) {
			i += tok_decode(q + i, len - i, &cp);
			continue;
		}
		memset(&t, 0, sizeof(t));
		c.t = &t.one;
		tok_split(q + start, i - start, 0, collect_tok, &c);
		c.t = &t.look;
		if (!c.overflow)
			tok_split(q + start, i - start, TOK_QUERY, collect_tok,
			    &c);
		if (c.overflow)
			return svc_fail_field(err, SVC_EINVAL, "q", "too_long",
			    "a word of 'q' has more than %d characters: "
			    "separate words with spaces",
			    SEARCH_TERM_TOKENS_MAX);
		if (t.one.ntok == 0)
			continue;	/* only joiners: "--" */
		if (out->nterm >= SEARCH_TERMS_MAX)
			return svc_fail_field(err, SVC_EINVAL, "q", "too_many",
			    "'q' must have at most %d words",
			    SEARCH_TERMS_MAX);
		/*
		 * serials, phones, codes: "KT35" finds KT35GW0012; one letter
		 * or digit alone is exact (a prefix of one would match half the
		 * index)
		 */
		t.prefix = (unsigned char)t.one.tok[t.one.ntok - 1][0] < 0x80 &&
		    t.one.len[t.one.ntok - 1] >= 2;
		out->term[out->nterm++] = t;
	}
	if (out->nterm == 0)
		return svc_fail_field(err, SVC_EINVAL, "q", "invalid",
		    "'q' has no letters, digits or characters to search for");
	return SVC_OK;
}

/* ----- compiling to engine syntax ----- */

/*
 * FTS5: "t1 t2"* AND "t3" of single tokens (the tokenizer pairs them).
 * Tsquery: 'p1' <-> 't2':* & 't3' of lookup tokens, ' and \ escaped.
 * Tokens hold no ASCII punctuation, but quotes are escaped all the same.
 */
static void
compile(const struct query *qy, enum store_kind kind, struct buf *b)
{
	for (size_t i = 0; i < qy->nterm; i++) {
		const struct toks *t = kind == STORE_SQLITE ?
		    &qy->term[i].one : &qy->term[i].look;

		if (i > 0)
			buf_adds(b, kind == STORE_SQLITE ? " AND " : " & ");
		if (kind == STORE_SQLITE)
			buf_addc(b, '"');
		for (size_t k = 0; k < t->ntok; k++) {
			if (k > 0)
				buf_adds(b, kind == STORE_SQLITE ? " " :
				    " <-> ");
			if (kind == STORE_PG)
				buf_addc(b, '\'');
			for (size_t j = 0; j < t->len[k]; j++) {
				char c = t->tok[k][j];

				if (kind == STORE_SQLITE && c == '"')
					buf_addc(b, '"');
				if (kind == STORE_PG &&
				    (c == '\'' || c == '\\'))
					buf_addc(b, c);
				buf_addc(b, c);
			}
			if (kind == STORE_PG)
				buf_addc(b, '\'');
		}
		if (kind == STORE_SQLITE)
			buf_addc(b, '"');
		if (qy->term[i].prefix)
			buf_adds(b, kind == STORE_SQLITE ? "*" : ":*");
	}
}

static int
kind_tok(void *arg, const struct tok *t)
{
	struct buf *b = arg;

	if (b->len > 0 && b->p[b->len - 1] != '"')
		buf_addc(b, ' ');
	buf_add(b, t->p, t->len);
	return 0;
}

/*
 * SQLite: the user's words search number, title and body only; the filters
 * are FTS5 terms too (kind and customer_id are indexed), so that FTS5 skips
 * through the words' doclists by the filter's instead of testing every
 * match.  They narrow only: the SQL checks kind and customer_id exactly.
 */
static void
fts_with_filters(const char *words, const struct search_filter *f,
    struct buf *b)
{
	buf_addf(b, "{number title body} : (%s)", words);
	if (f->customer_id > 0)
		buf_addf(b, " AND customer_id : \"%lld\"",
		    (long long)f->customer_id);
	if (f->nkinds == 0)
		return;
	buf_adds(b, " AND kind : (");
	for (size_t i = 0; i < f->nkinds; i++) {
		buf_adds(b, i ? " OR \"" : "\"");
		/* kinds are a-z 0-9 _: tokens hold no quote */
		tok_split(f->kinds[i], strlen(f->kinds[i]), 0, kind_tok, b);
		buf_addc(b, '"');
	}
	buf_addc(b, ')');
}

enum svc_code
search_compile(struct arena *a, const char *q, enum store_kind kind,
    char **out, struct svc_err *err)
{
	struct query *qy;
	enum svc_code rc;
	struct buf b;

	qy = arena_alloc(a, sizeof(*qy));
	if (qy == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = parse_query(a, q, qy, err);
	if (rc)
		return rc;
	buf_init(&b, 64u << 10);
	compile(qy, kind, &b);
	*out = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return SVC_OK;
}

static enum svc_code bad_kind(struct svc_err *);

enum svc_code
search_ids_cond(struct db *db, struct arena *a, const char *q,
    const char *kind, struct search_cond *out, struct svc_err *err)
{
	struct search_filter f = { .kinds = &kind, .nkinds = 1 };
	enum store_kind sk = store_kind(db->store);
	enum svc_code rc;
	struct buf b;
	char *text;

	memset(out, 0, sizeof(*out));
	if (!search_kind_valid(kind))
		return bad_kind(err);
	rc = search_compile(a, q, sk, &text, err);
	if (rc)
		return rc;
	if (sk == STORE_PG) {
		out->sql = " IN (SELECT ref_id FROM search_docs"
		    " WHERE tsv @@ ?::tsquery AND kind = ?)";
		out->args[0] = DB_S(text);
		out->args[1] = DB_S(kind);
		out->nargs = 2;
		return SVC_OK;
	}
	buf_init(&b, 64u << 10);
	fts_with_filters(text, &f, &b);
	text = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	if (text == NULL || a->oom)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	out->sql = " IN (SELECT d.ref_id FROM search_fts JOIN search_docs d"
	    " ON d.id = search_fts.rowid WHERE search_fts MATCH ?)";
	out->args[0] = DB_S(text);
	out->nargs = 1;
	return SVC_OK;
}

/* ----- indexing ----- */

static enum svc_code
bad_kind(struct svc_err *err)
{
	return svc_fail_field(err, SVC_EINVAL, "kind", "invalid",
	    "'kind' must start with a-z and hold a-z, 0-9 and _ (at most %d)",
	    SEARCH_KIND_MAX);
}

bool
search_kind_valid(const char *kind)
{
	size_t n = 0;

	if (kind == NULL)
		return false;
	if (!(kind[0] >= 'a' && kind[0] <= 'z'))
		return false;
	for (; kind[n] != '\0'; n++) {
		char c = kind[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return false;
	}
	return n >= 1 && n <= SEARCH_KIND_MAX;
}

/* Bytes of the first max characters of valid UTF-8 s. */
static size_t
prefix_bytes(const char *s, size_t len, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	return i;
}

/*
 * A field for binding: the text cut to max characters.  *copy receives the
 * cut copy when one was needed (release it); the value borrows otherwise.
 */
static enum svc_code
field_value(const char *s, size_t max, const char *name, struct buf *copy,
    struct dbv *v, struct svc_err *err)
{
	size_t len, cut;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (!utf8_valid(s, len))
		return svc_fail_field(err, SVC_EINVAL, name, "invalid",
		    "'%s' must be valid UTF-8", name);
	cut = prefix_bytes(s, len, max);
	if (cut < len) {
		buf_add(copy, s, cut);
		s = copy->p;
	}
	*v = db_text(s);
	return SVC_OK;
}

struct tsv_ctx {
	struct buf *b;
	int pos;
};

static int
tsv_tok(void *arg, const struct tok *t)
{
	struct tsv_ctx *c = arg;

	if (!t->colocated)
		c->pos++;
	buf_addc(c->b, '\'');
	for (size_t i = 0; i < t->len; i++) {
		if (t->p[i] == '\'' || t->p[i] == '\\')
			buf_addc(c->b, t->p[i]);
		buf_addc(c->b, t->p[i]);
	}
	buf_addf(c->b, "':%d ", c->pos < 16383 ? c->pos : 16383);
	return 0;
}

/*
 * The tsvector literal of the three fields: positions as FTS5 counts them,
 * with one unused position between fields so that no phrase spans two.
 */
static void
tsv_literal(const struct dbv *fields, size_t n, struct buf *b)
{
	struct tsv_ctx c = { b, 0 };

	for (size_t i = 0; i < n; i++) {
		tok_split(fields[i].s, fields[i].len, TOK_DOCUMENT, tsv_tok,
		    &c);
		c.pos++;
	}
}

enum svc_code
search_put(struct db *db, const struct search_doc *d, struct svc_err *err)
{
	enum store_kind kind = store_kind(db->store);
	struct buf cut[3], tsv;
	struct dbv f[3];
	enum svc_code rc;
	int64_t now = d->updated_at ? d->updated_at : clock_now();

	if (!search_kind_valid(d->kind))
		return bad_kind(err);
	if (d->ref_id < 1)
		return svc_fail_field(err, SVC_EINVAL, "ref_id", "invalid",
		    "'ref_id' must be a positive id");
	if (d->customer_id < 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "invalid",
		    "'customer_id' must be an id or 0");
	for (int i = 0; i < 3; i++)
		buf_init(&cut[i], 1u << 20);
	buf_init(&tsv, 8u << 20);
	rc = field_value(d->number, SEARCH_NUMBER_MAX, "number", &cut[0],
	    &f[0], err);
	if (rc == SVC_OK)
		rc = field_value(d->title, SEARCH_TITLE_MAX, "title", &cut[1],
		    &f[1], err);
	if (rc == SVC_OK)
		rc = field_value(d->body, SEARCH_BODY_MAX, "body", &cut[2],
		    &f[2], err);
	if (rc == SVC_OK)
		rc = db_exec(db, "DELETE FROM search_docs WHERE kind = ? AND"
		    " ref_id = ?", DB_ARGS(DB_S(d->kind), DB_I(d->ref_id)),
		    NULL, err);
	if (rc == SVC_OK && kind == STORE_SQLITE) {
		/* the FTS5 index follows by trigger */
		rc = db_exec(db, "INSERT INTO search_docs (kind, ref_id,"
		    " customer_id, number, title, body, updated_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_S(d->kind), DB_I(d->ref_id),
		    DB_ID(d->customer_id), f[0], f[1], f[2], DB_I(now)), NULL,
		    err);
	} else if (rc == SVC_OK) {
		tsv_literal(f, 3, &tsv);
		if (tsv.failed)
			rc = svc_fail(err, SVC_ETOOBIG, "body",
			    "the document is too large to index");
		else
			rc = db_exec(db, "INSERT INTO search_docs (kind,"
			    " ref_id, customer_id, number, title, body,"
			    " updated_at, tsv)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?::tsvector)",
			    DB_ARGS(DB_S(d->kind), DB_I(d->ref_id),
			    DB_ID(d->customer_id), f[0], f[1], f[2], DB_I(now),
			    DB_S(tsv.p)), NULL, err);
	}
	for (int i = 0; i < 3; i++)
		buf_release(&cut[i]);
	buf_release(&tsv);
	return rc;
}

enum svc_code
search_delete(struct db *db, const char *kind, int64_t ref_id,
    struct svc_err *err)
{
	if (!search_kind_valid(kind))
		return bad_kind(err);
	return db_exec(db, "DELETE FROM search_docs WHERE kind = ? AND"
	    " ref_id = ?", DB_ARGS(DB_S(kind), DB_I(ref_id)), NULL, err);
}

enum svc_code
search_compact(struct db *db, int pages, struct svc_err *err)
{
	if (store_kind(db->store) != STORE_SQLITE)
		return SVC_OK;
	if (pages <= 0)
		return db_exec(db, "INSERT INTO search_fts (search_fts)"
		    " VALUES ('optimize')", DB_NOARGS, NULL, err);
	/* negative: merge across levels, an incremental 'optimize' */
	return db_exec(db, "INSERT INTO search_fts (search_fts, rank)"
	    " VALUES ('merge', ?)", DB_ARGS(DB_I(-(int64_t)pages)), NULL, err);
}

struct put_many {
	const struct search_doc *docs;
	size_t n;
};

static enum svc_code
put_many_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct put_many *p = arg;
	enum svc_code rc = SVC_OK;

	for (size_t i = 0; i < p->n && rc == SVC_OK; i++)
		rc = search_put(db, &p->docs[i], err);
	return rc;
}

enum svc_code
search_put_many(struct store *s, struct db *db, const struct search_doc *docs,
    size_t n, struct svc_err *err)
{
	enum svc_code rc = SVC_OK;

	for (size_t i = 0; i < n && rc == SVC_OK; i += PUT_BATCH) {
		struct put_many p = { docs + i,
			n - i < PUT_BATCH ? n - i : PUT_BATCH };

		rc = store_write(s, db, put_many_cb, &p, err);
	}
	return rc;
}

/* ----- matching in C: snippets, highlights, rank ----- */

/*
 * A shift-and matcher over the token stream of one field: bit i of
 * state[t] says that the last i+1 positions match the first i+1 tokens of
 * word t.  A position holds a token and perhaps a colocated one.
 */
#define MATCH_REC 32

struct match {
	size_t start, end;
};

struct matcher {
	const struct query *qy;
	uint64_t state[SEARCH_TERMS_MAX];
	size_t at[SEARCH_TERM_TOKENS_MAX];	/* ring: starts of positions */
	size_t pos;				/* positions closed so far */
	/* the open position: a token and perhaps a colocated one */
	bool open;
	char tok[TOK_ASCII_MAX], col[8];
	size_t tlen, clen;
	size_t tstart, tend, cstart, cend;
	/* found */
	struct match m[MATCH_REC];
	size_t nm;
	size_t stop_at;		/* no need to look past this byte */
};

static bool
tok_eq(const char *q, size_t qlen, const char *d, size_t dlen, bool prefix)
{
	if (prefix ? dlen < qlen : dlen != qlen)
		return false;
	return memcmp(q, d, qlen) == 0;
}

/*
 * Does token i of w match at the open position?  *col says whether it was
 * the colocated token (a pair, a 4-digit suffix) that matched.
 */
static bool
slot_matches(const struct matcher *m, const struct term *w, size_t i,
    bool *col)
{
	bool pre = w->prefix && i == w->look.ntok - 1;
	const char *q = w->look.tok[i];
	size_t qlen = w->look.len[i];

	*col = false;
	if (tok_eq(q, qlen, m->tok, m->tlen, pre))
		return true;
	*col = m->clen > 0 && tok_eq(q, qlen, m->col, m->clen, pre);
	return *col;
}

static void
close_position(struct matcher *m)
{
	size_t p = m->pos;

	if (!m->open)
		return;
	m->at[p % SEARCH_TERM_TOKENS_MAX] = m->tstart;
	for (size_t t = 0; t < m->qy->nterm; t++) {
		const struct term *w = &m->qy->term[t];
		size_t k = w->look.ntok;
		uint64_t mask = 0, last = (uint64_t)1 << (k - 1);
		bool col, last_col = false;

		for (size_t i = 0; i < k; i++) {
			if (!slot_matches(m, w, i, &col))
				continue;
			mask |= (uint64_t)1 << i;
			if (i == k - 1)
				last_col = col;
		}
		m->state[t] = ((m->state[t] << 1) | 1) & mask;
		if ((m->state[t] & last) && m->nm < MATCH_REC) {
			struct match *r = &m->m[m->nm++];

			r->start = k == 1 && last_col ? m->cstart :
			    m->at[(p + 1 - k) % SEARCH_TERM_TOKENS_MAX];
			r->end = last_col ? m->cend : m->tend;
			if (m->nm == 1)
				m->stop_at = r->start + 4 * SNIPPET_CHARS;
		}
	}
	m->pos++;
	m->open = false;
}

static int
match_tok(void *arg, const struct tok *t)
{
	struct matcher *m = arg;

	if (t->colocated) {
		if (m->open && t->len <= sizeof(m->col)) {
			memcpy(m->col, t->p, t->len);
			m->clen = t->len;
			m->cstart = t->start;
			m->cend = t->end;
		}
		return 0;
	}
	close_position(m);
	if (m->nm > 0 && (t->start > m->stop_at || m->nm >= MATCH_REC))
		return 1;	/* enough for a snippet */
	m->tlen = t->len < sizeof(m->tok) ? t->len : sizeof(m->tok);
	memcpy(m->tok, t->p, m->tlen);
	m->clen = 0;
	m->tstart = t->start;
	m->tend = t->end;
	m->open = true;
	return 0;
}

static void
match_field(const struct query *qy, const char *s, size_t len,
    struct matcher *m)
{
	memset(m, 0, sizeof(*m));
	m->qy = qy;
	if (tok_split(s, len, TOK_DOCUMENT, match_tok, m) == 0)
		close_position(m);
}

/* Start of the code point before byte i of s. */
static size_t
back_one(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Start of the code point after the one at byte i (at most len). */
static size_t
fwd_one(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return len;
	i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void
make_snippet(struct arena *a, const char *s, size_t len,
    const struct matcher *m, struct search_hit *h)
{
	static const char ell[] = "\xe2\x80\xa6";	/* … */
	size_t ws, we, anchor = m->nm ? m->m[0].start : 0;
	struct buf b;
	int lead;

	ws = anchor;
	for (int k = 0; k < SNIPPET_BEFORE && ws > 0; k++)
		ws = back_one(s, ws);
	we = ws;
	for (int k = 0; k < SNIPPET_CHARS && we < len; k++)
		we = fwd_one(s, len, we);
	buf_init(&b, 4096);
	lead = ws > 0 ? 1 : 0;
	if (lead)
		buf_adds(&b, ell);
	for (size_t i = ws; i < we; i++) {
		char c = s[i];

		buf_addc(&b, c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
	}
	if (we < len)
		buf_adds(&b, ell);
	h->snippet = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	h->nhl = 0;
	for (size_t i = 0; i < m->nm && h->nhl < SEARCH_HL_MAX; i++) {
		struct search_span sp;
		size_t j;

		if (m->m[i].start < ws || m->m[i].end > we)
			continue;
		sp.off = lead + (int)utf8_len(s + ws, m->m[i].start - ws);
		sp.len = (int)utf8_len(s + m->m[i].start,
		    m->m[i].end - m->m[i].start);
		/* keep them in order of offset */
		for (j = h->nhl; j > 0 && h->hl[j - 1].off > sp.off; j--)
			h->hl[j] = h->hl[j - 1];
		h->hl[j] = sp;
		h->nhl++;
	}
}

/* Rank, snippet and highlights of a hit from its three fields. */
static void
describe_hit(struct arena *a, const struct query *qy, const char *number,
    size_t nlen, const char *title, size_t tlen, const char *body,
    size_t blen, struct search_hit *h)
{
	struct matcher *m;
	const char *src = body;
	size_t slen = blen;
	bool in_body, in_title, in_number;

	m = arena_alloc(a, sizeof(*m));
	if (m == NULL) {
		h->snippet = "";
		h->field = "body";
		return;
	}
	match_field(qy, number, nlen, m);
	in_number = m->nm > 0;
	match_field(qy, title, tlen, m);
	in_title = m->nm > 0;
	match_field(qy, body, blen, m);
	in_body = m->nm > 0;
	h->rank = (in_number ? 4 : 0) + (in_title ? 2 : 0) + (in_body ? 1 : 0);
	h->field = "body";
	if (!in_body && (in_title || in_number)) {
		h->field = in_title ? "title" : "number";
		src = in_title ? title : number;
		slen = in_title ? tlen : nlen;
		match_field(qy, src, slen, m);
	}
	make_snippet(a, src, slen, m, h);
}

/* ----- querying ----- */

/*
 * Arguments of the three: the match text, the id range [lo, hi), the
 * customer filter (twice), the number of kinds and 8 kind slots, the limit.
 */
static const char sqlite_query_sql[] =
    "SELECT d.id, d.kind, d.ref_id, d.customer_id, d.number, d.title,"
    " d.body, d.updated_at"
    " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
    " WHERE search_fts MATCH ? AND search_fts.rowid < ?"
    " AND search_fts.rowid >= ?"
    " AND (? = 0 OR d.customer_id = ?)"
    " AND (? = 0 OR d.kind IN (?, ?, ?, ?, ?, ?, ?, ?))"
    " ORDER BY search_fts.rowid DESC LIMIT ?";

/*
 * PostgreSQL's planner cannot tell a rare word from a common one, and for
 * ORDER BY id DESC LIMIT it walks the primary key backwards testing every
 * row: fast for a common word, a scan of the whole table for a rare one.
 * So it is asked twice: the newest PG_WINDOW ids that way (bounded work),
 * then, if that found too few, the rest through the GIN index (id + 0 keeps
 * the planner off the primary key).  The answer is the same as one query's.
 */
#define PG_WINDOW 2000

static const char pg_recent_sql[] =
    "SELECT d.id, d.kind, d.ref_id, d.customer_id, d.number, d.title,"
    " d.body, d.updated_at"
    " FROM search_docs d"
    " WHERE d.tsv @@ ?::tsquery AND d.id < ? AND d.id >= ?"
    " AND (? = 0 OR d.customer_id = ?)"
    " AND (? = 0 OR d.kind IN (?, ?, ?, ?, ?, ?, ?, ?))"
    " ORDER BY d.id DESC LIMIT ?";

static const char pg_rest_sql[] =
    "SELECT d.id, d.kind, d.ref_id, d.customer_id, d.number, d.title,"
    " d.body, d.updated_at"
    " FROM search_docs d"
    " WHERE d.tsv @@ ?::tsquery AND d.id < ? AND d.id >= ?"
    " AND (? = 0 OR d.customer_id = ?)"
    " AND (? = 0 OR d.kind IN (?, ?, ?, ?, ?, ?, ?, ?))"
    " ORDER BY d.id + 0 DESC LIMIT ?";

_Static_assert(SEARCH_KINDS_MAX == 8, "the query SQL has 8 kind slots");

struct fetch {
	struct arena *a;
	const struct query *qy;
	struct search_hit **items;
	size_t cnt;
	size_t want;		/* limit + 1 */
};

/* Run one of the queries over [lo, hi), appending hits to fe->items. */
static enum svc_code
fetch_range(struct db *db, const char *sql, struct dbv *args, int64_t hi,
    int64_t lo, struct fetch *fe, struct svc_err *err)
{
	struct dbq *dq;
	enum svc_code rc;

	args[1] = DB_I(hi);
	args[2] = DB_I(lo);
	args[14] = DB_I(fe->want - fe->cnt);
	rc = db_query(db, sql, args, 15, &dq, err);
	if (rc)
		return rc;
	while (fe->cnt < fe->want && db_next(dq) == 1) {
		struct search_hit *h = arena_alloc(fe->a, sizeof(*h));
		size_t nlen, tlen, blen;
		const char *num, *title, *body;

		if (h == NULL)
			break;
		h->id = db_i64(dq, 0);
		h->kind = db_dup(dq, 1, fe->a);
		h->ref_id = db_i64(dq, 2);
		h->customer_id = db_null(dq, 3) ? 0 : db_i64(dq, 3);
		h->number = db_dup(dq, 4, fe->a);
		h->title = db_dup(dq, 5, fe->a);
		h->updated_at = db_i64(dq, 7);
		num = db_strn(dq, 4, &nlen);
		title = db_strn(dq, 5, &tlen);
		body = db_strn(dq, 6, &blen);
		describe_hit(fe->a, fe->qy, num, nlen, title, tlen, body, blen,
		    h);
		fe->items[fe->cnt++] = h;
	}
	return db_done(dq, err);
}

enum svc_code
search_query(struct db *db, struct arena *a, const char *q,
    const struct search_filter *f, struct search_hit ***out, size_t *n,
    bool *more, struct svc_err *err)
{
	enum store_kind kind = store_kind(db->store);
	struct dbv args[15];
	struct search_hit **items;
	struct fetch fe;
	struct query *qy;
	enum svc_code rc;
	struct buf b;
	int64_t hi, lo;
	size_t cnt;
	char *text;

	*out = NULL;
	*n = 0;
	*more = false;
	if (f->limit < 1 || f->limit > SEARCH_LIMIT_MAX)
		return svc_fail_field(err, SVC_EINVAL, "limit", "out_of_range",
		    "'limit' must be an integer between 1 and %d",
		    SEARCH_LIMIT_MAX);
	if (f->nkinds > SEARCH_KINDS_MAX)
		return svc_fail_field(err, SVC_EINVAL, "kind", "too_many",
		    "'kind' must list at most %d kinds", SEARCH_KINDS_MAX);
	for (size_t i = 0; i < f->nkinds; i++)
		if (!search_kind_valid(f->kinds[i]))
			return bad_kind(err);
	qy = arena_alloc(a, sizeof(*qy));
	items = arena_alloc(a, sizeof(*items) * ((size_t)f->limit + 1));
	if (qy == NULL || items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = parse_query(a, q, qy, err);
	if (rc)
		return rc;
	/* a token copied as "" keeps its length: never compile from it */
	if (a->oom)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	buf_init(&b, 64u << 10);
	compile(qy, kind, &b);
	text = arena_strndup(a, b.p, b.len);
	if (kind == STORE_SQLITE) {
		buf_reset(&b);
		fts_with_filters(text, f, &b);
		text = arena_strndup(a, b.p, b.len);
	}
	buf_release(&b);
	if (a->oom)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");

	fe = (struct fetch){ a, qy, items, 0, (size_t)f->limit + 1 };
	hi = f->cursor > 0 ? f->cursor : INT64_MAX;
	args[0] = DB_S(text);
	args[3] = DB_I(f->customer_id);
	args[4] = DB_I(f->customer_id);
	args[5] = DB_I(f->nkinds);
	for (size_t i = 0; i < SEARCH_KINDS_MAX; i++)
		args[6 + i] = i < f->nkinds ? DB_S(f->kinds[i]) : DB_NULL;
	if (kind == STORE_SQLITE) {
		rc = fetch_range(db, sqlite_query_sql, args, hi, 0, &fe, err);
	} else {
		if (hi == INT64_MAX)
			rc = db_one_i64(db, "SELECT coalesce(max(id), 0) + 1"
			    " FROM search_docs", DB_NOARGS, &hi, err);
		lo = hi > PG_WINDOW ? hi - PG_WINDOW : 0;
		if (rc == SVC_OK)
			rc = fetch_range(db, pg_recent_sql, args, hi, lo, &fe,
			    err);
		if (rc == SVC_OK && fe.cnt < fe.want && lo > 0)
			rc = fetch_range(db, pg_rest_sql, args, lo, 0, &fe, err);
	}
	if (rc)
		return rc;
	if (a->oom)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	cnt = fe.cnt;
	*more = cnt > (size_t)f->limit;
	*n = *more ? (size_t)f->limit : cnt;
	*out = items;
	return SVC_OK;
}
