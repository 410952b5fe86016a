/*
 * kb — the knowledge base (SPEC §4.11): fault -> solution per product model,
 * complaint category -> handling guide, case write-ups.  Suggested while a
 * request is being recorded.
 */
#include "domain/request/request.h"

#include <string.h>

#include "domain/core/text.h"
#include "domain/search/search.h"
#include "util/clock.h"

const char *const kb_kinds[] = { "fault_solution", "complaint_guide", "case",
	NULL };

#define KB_COLS "id, kind, title, body, model_id, category, active, version," \
	" created_at, updated_at"

static void
kb_from_row(struct dbq *q, struct arena *a, struct kb_article *k)
{
	const char *kind = db_str(q, 1);

	k->id = db_i64(q, 0);
	k->kind = kb_kinds[0];
	for (size_t i = 0; kb_kinds[i] != NULL; i++)
		if (strcmp(kb_kinds[i], kind) == 0)
			k->kind = kb_kinds[i];
	k->title = db_dup(q, 2, a);
	k->body = db_dup(q, 3, a);
	k->model_id = db_i64(q, 4);
	k->category = db_dup(q, 5, a);
	k->active = db_i64(q, 6) != 0;
	k->version = db_i64(q, 7);
	k->created_at = db_i64(q, 8);
	k->updated_at = db_i64(q, 9);
}

void
kb_to_json(struct jw *w, const struct kb_article *k)
{
	jw_obj_open(w);
	jw_ki64(w, "id", k->id);
	jw_kstr(w, "kind", k->kind);
	jw_kstr(w, "title", k->title);
	jw_kstr(w, "body", k->body);
	jw_kid(w, "model_id", k->model_id);
	jw_kstr(w, "category", k->category);
	jw_kbool(w, "active", k->active);
	jw_ki64(w, "version", k->version);
	jw_ktime(w, "created_at", k->created_at);
	jw_ktime(w, "updated_at", k->updated_at);
	jw_obj_close(w);
}

static enum svc_code
kb_index(struct db *db, const struct kb_article *k, struct svc_err *err)
{
	struct search_doc d = { .kind = "article", .ref_id = k->id,
		.number = "", .title = k->title, .body = k->body,
		.updated_at = k->updated_at };

	if (!k->active)
		return search_delete(db, "article", k->id, err);
	return search_put(db, &d, err);
}

static char *
kb_text(struct arena *a, const struct kb_article *k)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	kb_to_json(&w, k);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
kb_get(struct db *db, struct arena *a, int64_t id, struct kb_article **out,
    struct svc_err *err)
{
	struct kb_article *k;
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT " KB_COLS " FROM kb_articles WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	k = arena_alloc(a, sizeof(*k));
	if (got == 1 && k != NULL)
		kb_from_row(q, a, k);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1 || k == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id", "article %lld not found",
		    (long long)id);
	*out = k;
	return SVC_OK;
}

static enum svc_code
check_model(struct db *db, int64_t model_id, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n;

	if (model_id == 0)
		return SVC_OK;
	rc = db_one_i64(db, "SELECT count(*) FROM product_models WHERE id = ?",
	    DB_ARGS(DB_I(model_id)), &n, err);
	if (rc == SVC_OK && n == 0)
		rc = svc_fail_field(err, SVC_EINVAL, "model_id", "not_found",
		    "product model %lld not found", (long long)model_id);
	return rc;
}

enum svc_code
kb_create(struct db *db, struct arena *a, const struct actor *who,
    const struct kb_article *d, struct kb_article **out, struct svc_err *err)
{
	const char *title = d->title, *body = d->body;
	enum svc_code rc;
	int64_t id, now = clock_now();

	rc = text_required(a, err, "title", &title, "a title");
	if (rc == SVC_OK)
		rc = text_required(a, err, "body", &body, "the solution or "
		    "guide");
	if (rc == SVC_OK)
		rc = check_model(db, d->model_id, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO kb_articles (kind, title, body,"
		    " model_id, category, active, version, created_by, created_at,"
		    " updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?) RETURNING id",
		    DB_ARGS(DB_S(d->kind), DB_S(title), DB_S(body),
		    DB_ID(d->model_id), DB_S(d->category ? d->category : ""),
		    DB_ID(who->user_id), DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = kb_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "kb_article", id, NULL,
		    kb_text(a, *out), err);
	if (rc == SVC_OK)
		rc = kb_index(db, *out, err);
	return rc;
}

enum svc_code
kb_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
    int64_t expected, const struct kb_article *d, struct kb_article **out,
    struct svc_err *err)
{
	struct kb_article *cur;
	const char *title = d->title, *body = d->body;
	enum svc_code rc;
	int64_t changed;
	char *before;

	if (title != NULL) {
		rc = text_required(a, err, "title", &title, "a title");
		if (rc)
			return rc;
	}
	if (body != NULL) {
		rc = text_required(a, err, "body", &body, "the solution or "
		    "guide");
		if (rc)
			return rc;
	}
	rc = kb_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = kb_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "article", expected, before);
	rc = check_model(db, d->model_id, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE kb_articles SET kind = ?, title = ?, body = ?,"
	    " model_id = ?, category = ?, active = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(d->kind ? d->kind : cur->kind),
	    DB_S(title ? title : cur->title),
	    DB_S(body ? body : cur->body), DB_ID(d->model_id),
	    DB_S(d->category ? d->category : cur->category), DB_I(d->active),
	    DB_I(clock_now()), DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "article", expected, before);
	rc = kb_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "kb_article", id, before,
		    kb_text(a, *out), err);
	if (rc == SVC_OK)
		rc = kb_index(db, *out, err);
	return rc;
}

static enum svc_code
kb_collect(struct dbq *q, struct arena *a, int limit,
    struct kb_article ***out, size_t *n, bool *more)
{
	struct kb_article **items;
	size_t cnt = 0;

	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return SVC_ETOOBIG;
	while (db_next(q) == 1 && cnt <= (size_t)limit) {
		items[cnt] = arena_alloc(a, sizeof(struct kb_article));
		if (items[cnt] == NULL)
			break;
		kb_from_row(q, a, items[cnt++]);
	}
	if (more != NULL)
		*more = cnt > (size_t)limit;
	*n = cnt > (size_t)limit ? (size_t)limit : cnt;
	*out = items;
	return SVC_OK;
}

enum svc_code
kb_list(struct db *db, struct arena *a, int64_t model_id, const char *category,
    int64_t after_id, int limit, struct kb_article ***out, size_t *n,
    bool *more, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc, rc2;

	rc = db_query(db, "SELECT " KB_COLS " FROM kb_articles WHERE id > ?"
	    " AND (? = 0 OR model_id = ?) AND (? = '' OR category = ?)"
	    " ORDER BY id LIMIT ?",
	    DB_ARGS(DB_I(after_id), DB_I(model_id), DB_I(model_id),
	    DB_S(category ? category : ""), DB_S(category ? category : ""),
	    DB_I(limit + 1)), &q, err);
	if (rc)
		return rc;
	rc2 = kb_collect(q, a, limit, out, n, more);
	rc = db_done(q, err);
	return rc ? rc : rc2 ? svc_fail(err, rc2, NULL, "out of memory") : SVC_OK;
}

/*
 * Score: same model 4, generic article 1; same category 3; and 1 for each
 * two-character window of the text found in the title (at most 8 windows
 * are tried, so the work is bounded).
 */
enum svc_code
kb_suggest(struct db *db, struct arena *a, int64_t model_id,
    const char *category, const char *text, int limit,
    struct kb_article ***out, size_t *n, struct svc_err *err)
{
	struct dbv args[24];
	struct buf sql;
	struct dbq *q;
	enum svc_code rc, rc2;
	size_t na = 0, len = text ? strlen(text) : 0, i = 0;
	int windows = 0;

	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " KB_COLS " FROM (SELECT k.*, (CASE WHEN"
	    " k.model_id = ? THEN 4 WHEN k.model_id IS NULL THEN 1 ELSE 0 END)"
	    " + (CASE WHEN k.category = ? AND ? <> '' THEN 3 ELSE 0 END)");
	args[na++] = DB_I(model_id);
	args[na++] = DB_S(category ? category : "");
	args[na++] = DB_S(category ? category : "");
	/* two-character windows of the text, CJK-aware (UTF-8 code points) */
	while (i < len && windows < 8) {
		size_t a1 = 1, a2 = 1, j;

		while (i + a1 < len && ((unsigned char)text[i + a1] & 0xc0) == 0x80)
			a1++;
		j = i + a1;
		if (j >= len)
			break;
		while (j + a2 < len && ((unsigned char)text[j + a2] & 0xc0) == 0x80)
			a2++;
		if (a1 > 1 && a2 > 1) {	/* two non-ASCII characters */
			buf_adds(&sql, " + (CASE WHEN k.title LIKE ? OR k.body LIKE ?"
			    " THEN 2 ELSE 0 END)");
			args[na] = DB_S(arena_printf(a, "%%%.*s%%", (int)(a1 + a2),
			    text + i));
			args[na + 1] = args[na];
			na += 2;
			windows++;
		}
		i += a1;
	}
	buf_adds(&sql, " AS score FROM kb_articles k WHERE k.active = 1) s"
	    " WHERE score > 1 ORDER BY score DESC, id DESC LIMIT ?");
	args[na++] = DB_I(limit);
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	rc2 = kb_collect(q, a, limit, out, n, NULL);
	rc = db_done(q, err);
	return rc ? rc : rc2 ? svc_fail(err, rc2, NULL, "out of memory") : SVC_OK;
}
