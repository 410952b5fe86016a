/*
 * record — the generic path of a declared record type (record.h): its
 * defaults, validation, column list and row mapping, JSON, and its create
 * and update with version and audit.
 *
 * SQL is put together from the declaration's table and column names, which
 * are constants of the program; every value is bound.
 */
#include "domain/record/record.h"

#include <string.h>

#include "util/clock.h"
#include "util/date.h"

int
rec_field(const struct record *r, const char *key)
{
	for (int i = 0; r->fields[i].key != NULL; i++)
		if (strcmp(r->fields[i].key, key) == 0)
			return i;
	return -1;
}

static const char **
text_at(void *item, const struct rfield *f)
{
	return (const char **)(void *)REC_AT(item, f);
}

static int64_t *
i64_at(void *item, const struct rfield *f)
{
	return (int64_t *)(void *)REC_AT(item, f);
}

static int *
date_at(void *item, const struct rfield *f)
{
	return (int *)(void *)REC_AT(item, f);
}

static bool *
bool_at(void *item, const struct rfield *f)
{
	return (bool *)(void *)REC_AT(item, f);
}

/* The field's value as read-only, for the writers. */
#define CTEXT(item, f) (*text_at((void *)(uintptr_t)(item), f))
#define CI64(item, f) (*i64_at((void *)(uintptr_t)(item), f))
#define CDATE(item, f) (*date_at((void *)(uintptr_t)(item), f))
#define CBOOL(item, f) (*bool_at((void *)(uintptr_t)(item), f))

void
rec_init(const struct record *r, void *item)
{
	memset(item, 0, r->size);
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		switch (f->type) {
		case RT_TEXT:
		case RT_ENUM:
			*text_at(item, f) = f->def;
			break;
		case RT_INT:
		case RT_MONEY:
			if (f->def == NULL || !str_to_i64(f->def,
			    strlen(f->def), INT64_MIN, INT64_MAX, i64_at(item,
			    f)))
				*i64_at(item, f) = (f->flags & RF_NULLABLE) ?
				    REC_NULL : 0;
			break;
		case RT_BOOL:
			*bool_at(item, f) = f->def != NULL &&
			    strcmp(f->def, "true") == 0;
			break;
		default:
			break;
		}
	}
}

void
rec_normalize(const struct record *r, void *item)
{
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		const char *v;

		if (f->type != RT_TEXT && f->type != RT_ENUM)
			continue;
		v = *text_at(item, f);
		if (v != NULL && (v[0] != '\0' || f->type != RT_TEXT ||
		    f->def == NULL))
			continue;
		*text_at(item, f) = f->def != NULL ? f->def :
		    f->type == RT_TEXT ? "" : NULL;
	}
}

/* Is field f written by rec_create (and, unless fixed, rec_update)? */
static bool
written(const struct rfield *f)
{
	return f->col != NULL && !(f->flags & RF_AUTO) && f->type != RT_LIST;
}

/* "product_models" -> "product model": the word for a row of a table. */
static const char *
ref_word(const char *table, char *out, size_t len)
{
	size_t n = 0;

	for (; table[n] != '\0' && n + 1 < len; n++)
		out[n] = table[n] == '_' ? ' ' : table[n];
	if (n > 1 && out[n - 1] == 's')
		n--;
	out[n] = '\0';
	return out;
}

enum svc_code
rec_check(struct db *db, const struct record *r, const void *item,
    struct svc_err *err)
{
	enum svc_code rc = SVC_OK;

	for (const struct rfield *f = r->fields; rc == SVC_OK &&
	    f->key != NULL; f++) {
		bool opt = (f->flags & RF_NULLABLE) != 0;
		char what[64];
		int64_t v;

		/* what the server sets (a parent's id, a computed date) */
		if (!written(f) || (f->flags & RF_OUT))
			continue;
		switch (f->type) {
		case RT_TEXT:
			rc = rec_text_ok(err, f->key, CTEXT(item, f),
			    (size_t)f->min, (size_t)f->max,
			    (f->flags & RF_MULTI) ? REC_MULTI :
			    (f->flags & RF_CODE) ? REC_CODE : REC_LINE);
			break;
		case RT_ENUM:
			/* a nullable enum: NULL or "" is none */
			if (!(opt && (CTEXT(item, f) == NULL ||
			    CTEXT(item, f)[0] == '\0')))
				rc = rec_enum_ok(err, f->key, CTEXT(item, f),
				    f->enums);
			break;
		case RT_INT:
		case RT_MONEY:
			v = CI64(item, f);
			if (!(opt && v == REC_NULL))
				rc = rec_range_ok(err, f->key, v, f->min,
				    f->max);
			break;
		case RT_DATE:
			rc = rec_date_ok(err, f->key, CDATE(item, f), opt);
			break;
		case RT_ID:
			v = CI64(item, f);
			if (v == 0 && !opt)
				rc = svc_fail_field(err, SVC_EINVAL, f->key,
				    "required", "'%s' is required", f->key);
			else if (v != 0 && f->ref != NULL)
				rc = rec_ref_ok(db, err, f->key, f->ref,
				    ref_word(f->ref, what, sizeof(what)), v);
			break;
		default:
			break;
		}
	}
	return rc;
}

/* ----- reading ----- */

/*
 * "SELECT <cols> FROM <from>[ WHERE <where> = ?]" in the arena: measured
 * first, then copied, with no allocation but the arena's (a GET builds it
 * every time; the statement cache finds the same text).
 */
static const char *
select_text(struct arena *a, const struct record *r, const char *where)
{
	const char *from = r->from != NULL ? r->from : r->table;
	size_t len = strlen("SELECT ") + strlen(" FROM ") + strlen(from);
	char *s, *p;
	bool first = true;

	for (const struct rfield *f = r->fields; f->key != NULL; f++)
		if (f->col != NULL)
			len += strlen(f->col) + 2;
	if (where != NULL)
		len += strlen(" WHERE ") + strlen(where) + strlen(" = ?");
	s = arena_alloc(a, len + 1);
	if (s == NULL)
		return NULL;
	p = s;
#define PUT(t) do { size_t n_ = strlen(t); memcpy(p, t, n_); p += n_; } \
	while (0)
	PUT("SELECT ");
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if (f->col == NULL)
			continue;
		if (!first)
			PUT(", ");
		PUT(f->col);
		first = false;
	}
	PUT(" FROM ");
	PUT(from);
	if (where != NULL) {
		PUT(" WHERE ");
		PUT(where);
		PUT(" = ?");
	}
#undef PUT
	*p = '\0';
	return s;
}

static const char *id_col(const struct record *);

/* What rec_prepare() computed of a record: read only once published. */
struct prepared {
	const struct record *r;
	const char *cols;	/* "id, code, ..." */
	const char *by_id;	/* "SELECT ... WHERE <id> = ?" */
	struct rec_sort *sorts;
};

static struct prepared prepared[REC_PREPARED_MAX];
static size_t nprepared;

static const struct prepared *
prepared_of(const struct record *r)
{
	for (size_t i = 0; i < nprepared; i++)
		if (prepared[i].r == r)
			return &prepared[i];
	return NULL;
}

static struct rec_sort *sorts_of(struct arena *, const struct record *);

/*
 * The columns of "SELECT <cols> FROM <from>" (sel): measured from the end,
 * as a column may hold a sub-select with its own FROM.
 */
static char *
cols_of(struct arena *a, const struct record *r, const char *sel)
{
	const char *from = r->from != NULL ? r->from : r->table;

	if (sel == NULL)
		return NULL;
	return arena_strndup(a, sel + strlen("SELECT "), strlen(sel) -
	    strlen("SELECT  FROM ") - strlen(from));
}

void
rec_prepare(const struct record *r)
{
	static struct arena a;
	struct prepared p;
	const char *sel;

	if (prepared_of(r) != NULL || nprepared >= REC_PREPARED_MAX)
		return;
	if (a.max == 0)
		arena_init(&a, 1u << 20);
	sel = select_text(&a, r, NULL);
	p.r = r;
	p.cols = cols_of(&a, r, sel);
	p.by_id = select_text(&a, r, id_col(r));
	p.sorts = sorts_of(&a, r);
	if (p.cols != NULL && p.by_id != NULL && p.sorts != NULL && !a.oom)
		prepared[nprepared++] = p;
}

const char *
rec_select(struct arena *a, const struct record *r)
{
	return select_text(a, r, NULL);
}

void
rec_from_row(const struct record *r, struct dbq *q, struct arena *a,
    void *item)
{
	int c = 0;

	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if (f->col == NULL)
			continue;
		switch (f->type) {
		case RT_TEXT:
		case RT_ENUM:
			*text_at(item, f) = db_dup(q, c, a);
			break;
		case RT_INT:
		case RT_MONEY:
			*i64_at(item, f) = (f->flags & RF_NULLABLE) &&
			    db_null(q, c) ? REC_NULL : db_i64(q, c);
			break;
		case RT_ID:
		case RT_TIME:
			*i64_at(item, f) = db_i64(q, c);
			break;
		case RT_DATE:
			*date_at(item, f) = (int)db_i64(q, c);
			break;
		case RT_BOOL:
			*bool_at(item, f) = db_i64(q, c) != 0;
			break;
		case RT_LIST:
		case RT_IDS:
			break;
		}
		c++;
	}
}

/* The id column: the first field's. */
static const char *
id_col(const struct record *r)
{
	return r->fields[0].col;
}

/*
 * The record whose column col holds arg, filled; SVC_ENOTFOUND with
 * nothing in err when there is none (the caller names it).
 */
static enum svc_code
get_where(struct db *db, struct arena *a, const struct record *r,
    const char *col, struct dbv arg, void **out, struct svc_err *err)
{
	const struct prepared *p = prepared_of(r);
	const char *sql = p != NULL && col == id_col(r) ? p->by_id :
	    select_text(a, r, col);
	struct dbq *q;
	enum svc_code rc;
	void *item;
	int got;

	if (sql == NULL)
		return rec_oom(err);
	rc = db_query(db, sql, &arg, 1, &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	item = arena_alloc(a, r->size);
	if (got == 1 && item != NULL)
		rec_from_row(r, q, a, item);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (item == NULL)
		return rec_oom(err);
	if (got != 1)
		return SVC_ENOTFOUND;
	*out = item;
	return r->fill != NULL ? r->fill(db, a, item, err) : SVC_OK;
}

enum svc_code
rec_get(struct db *db, struct arena *a, const struct record *r, int64_t id,
    void **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = get_where(db, a, r, id_col(r), DB_I(id), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "id", "%s %lld not found",
		    r->what, (long long)id);
	return rc;
}

enum svc_code
rec_get_by(struct db *db, struct arena *a, const struct record *r,
    const char *key, const char *value, void **out, struct svc_err *err)
{
	int i = rec_field(r, key);
	enum svc_code rc;

	if (i < 0)
		return svc_fail(err, SVC_EINTERNAL, key, "%s has no field %s",
		    r->what, key);
	rc = get_where(db, a, r, r->fields[i].col, DB_S(value), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, key, "not_found",
		    "%s '%s' not found", r->what, value);
	return rc;
}

/* ----- JSON ----- */

static void list_json(struct jw *, const struct rfield *, const void *,
    enum rec_view);

static void
ids_json(struct jw *w, const struct rfield *f, const void *item)
{
	const struct rec_ids *l = (const void *)REC_AT(item, f);

	jw_key(w, f->key);
	jw_arr_open(w);
	for (size_t i = 0; i < l->n; i++)
		jw_i64(w, l->v[i]);
	jw_arr_close(w);
}

void
rec_to_json(struct jw *w, const struct record *r, const void *item,
    enum rec_view view)
{
	jw_obj_open(w);
	rec_json_members(w, r, item, view);
	jw_obj_close(w);
}

void
rec_json_members(struct jw *w, const struct record *r, const void *item,
    enum rec_view view)
{
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if (((f->flags & RF_INTERNAL) && view == REC_CUSTOMER) ||
		    ((f->flags & RF_NOW) && view == REC_AUDIT))
			continue;
		switch (f->type) {
		case RT_TEXT:
		case RT_ENUM:
			jw_kstr(w, f->key, CTEXT(item, f));
			break;
		case RT_INT:
		case RT_MONEY:
			if (f->flags & RF_NULLABLE)
				rec_knull(w, f->key, CI64(item, f));
			else
				jw_ki64(w, f->key, CI64(item, f));
			break;
		case RT_ID:
			if (f->flags & RF_NULLABLE)
				jw_kid(w, f->key, CI64(item, f));
			else
				jw_ki64(w, f->key, CI64(item, f));
			break;
		case RT_BOOL:
			jw_kbool(w, f->key, CBOOL(item, f));
			break;
		case RT_DATE:
			rec_kdate(w, f->key, CDATE(item, f));
			break;
		case RT_TIME:
			jw_ktime(w, f->key, CI64(item, f));
			break;
		case RT_LIST:
			list_json(w, f, item, view);
			break;
		case RT_IDS:
			ids_json(w, f, item);
			break;
		}
	}
}

static void
list_json(struct jw *w, const struct rfield *f, const void *item,
    enum rec_view view)
{
	const struct rec_list *l = (const void *)REC_AT(item, f);

	jw_key(w, f->key);
	jw_arr_open(w);
	for (size_t i = 0; i < l->n; i++)
		rec_to_json(w, f->of, (const char *)l->v + i * f->of->size,
		    view);
	jw_arr_close(w);
}

char *
rec_text(struct arena *a, const struct record *r, const void *item,
    enum rec_view view)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	rec_to_json(&w, r, item, view);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/* ----- writing ----- */

/* The value of a written field, to bind. */
static struct dbv
bind(const struct rfield *f, const void *item)
{
	switch (f->type) {
	case RT_TEXT:
	case RT_ENUM:
		return DB_S(CTEXT(item, f));
	case RT_DATE:
		if ((f->flags & RF_NULLABLE) && CDATE(item, f) == 0)
			return DB_NULL;
		return DB_I(CDATE(item, f));
	case RT_BOOL:
		return DB_I(CBOOL(item, f));
	case RT_INT:
	case RT_MONEY:
		if ((f->flags & RF_NULLABLE) && CI64(item, f) == REC_NULL)
			return DB_NULL;
		return DB_I(CI64(item, f));
	case RT_ID:
	case RT_TIME:
		/* a time 0 is none, as an id 0 */
		if (CI64(item, f) == 0)
			return DB_NULL;
		return DB_I(CI64(item, f));
	default:
		return DB_NULL;
	}
}

/* A column as INSERT and UPDATE name it: "s.amount_fen" -> "amount_fen". */
static const char *
bare(const char *col)
{
	const char *dot = strchr(col, '.');

	return dot != NULL ? dot + 1 : col;
}

/* A field the generic path keeps: version, created_at, updated_at. */
static bool
kept(const struct rfield *f, const char *key)
{
	return f->col != NULL && strcmp(f->key, key) == 0;
}

#define REC_BIND_MAX 64

static enum svc_code
insert_row(struct db *db, struct arena *a, const struct record *r,
    const void *item, int64_t *id, struct svc_err *err)
{
	struct dbv args[REC_BIND_MAX];
	struct buf b, vals;
	enum svc_code rc;
	int64_t now = clock_now();
	size_t n = 0;

	buf_init(&b, 8192);
	buf_init(&vals, 4096);
	buf_adds(&b, "INSERT INTO ");
	buf_adds(&b, r->table);
	buf_adds(&b, " (");
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		bool v = kept(f, "version");
		bool t = kept(f, "created_at") || kept(f, "updated_at");

		if (!written(f) && !v && !t)
			continue;
		if (n >= REC_BIND_MAX) {
			b.failed = true;
			break;
		}
		buf_adds(&b, n ? ", " : "");
		buf_adds(&b, bare(f->col));
		buf_adds(&vals, n ? ", ?" : "?");
		args[n++] = v ? DB_I(1) : t ? DB_I(now) : bind(f, item);
	}
	buf_adds(&b, ") VALUES (");
	buf_add(&b, vals.p, vals.len);
	buf_adds(&b, ") RETURNING ");
	buf_adds(&b, bare(id_col(r)));
	rc = b.failed || vals.failed ? svc_fail(err, SVC_EINTERNAL, NULL,
	    "insert of %s too long", r->what) :
	    db_one_i64(db, b.p, args, n, id, err);
	buf_release(&b);
	buf_release(&vals);
	(void)a;
	return rc;
}

/* The RF_UNIQUE fields of a new record hold values no other holds. */
static enum svc_code
unique_ok(struct db *db, const struct record *r, const void *item,
    struct svc_err *err)
{
	enum svc_code rc = SVC_OK;

	for (const struct rfield *f = r->fields; rc == SVC_OK &&
	    f->key != NULL; f++) {
		struct buf b;

		if (!(f->flags & RF_UNIQUE) || f->type != RT_TEXT)
			continue;
		buf_init(&b, 1024);
		buf_adds(&b, "SELECT count(*) FROM ");
		buf_adds(&b, r->table);
		buf_adds(&b, " WHERE ");
		buf_adds(&b, bare(f->col));
		buf_adds(&b, " = ?");
		rc = rec_unique_ok(db, err, f->key, b.p, CTEXT(item, f),
		    f->key);
		buf_release(&b);
	}
	return rc;
}

enum svc_code
rec_create(struct db *db, struct arena *a, const struct actor *who,
    const struct record *r, const void *draft, void **out,
    struct svc_err *err)
{
	void *item = arena_alloc(a, r->size);
	enum svc_code rc;
	int64_t id;

	if (item == NULL)
		return rec_oom(err);
	memcpy(item, draft, r->size);
	rec_normalize(r, item);
	rc = rec_check(db, r, item, err);
	if (rc == SVC_OK)
		rc = unique_ok(db, r, item, err);
	if (rc == SVC_OK && r->check != NULL)
		rc = r->check(db, a, item, NULL, err);
	if (rc == SVC_OK)
		rc = insert_row(db, a, r, item, &id, err);
	if (rc == SVC_OK)
		rc = rec_get(db, a, r, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", r->name, id, NULL,
		    rec_text(a, r, *out, REC_AUDIT), err);
	if (rc == SVC_OK && r->after != NULL)
		rc = r->after(db, a, who, *out, NULL, err);
	return rc;
}

/* The fields of mask from draft into m (texts left NULL become ""). */
static void
merge(const struct record *r, void *m, const void *draft, rec_mask mask)
{
	int i = 0;

	for (const struct rfield *f = r->fields; f->key != NULL; f++, i++) {
		if (!(mask & REC_BIT(i)) || !written(f) ||
		    (f->flags & RF_FIXED))
			continue;
		memcpy(REC_AT(m, f), REC_AT((void *)(uintptr_t)draft, f),
		    f->type == RT_DATE ? sizeof(int) : f->type == RT_BOOL ?
		    sizeof(bool) : f->type == RT_TEXT || f->type == RT_ENUM ?
		    sizeof(const char *) : sizeof(int64_t));
		if (f->type == RT_TEXT && *text_at(m, f) == NULL)
			*text_at(m, f) = "";
	}
}

static enum svc_code
update_row(struct db *db, const struct record *r, const void *m, int64_t id,
    int64_t expected, int64_t *changed, struct svc_err *err)
{
	struct dbv args[REC_BIND_MAX];
	struct buf b;
	enum svc_code rc;
	size_t n = 0;
	bool versioned = rec_field(r, "version") >= 0;

	buf_init(&b, 8192);
	buf_adds(&b, "UPDATE ");
	buf_adds(&b, r->table);
	buf_adds(&b, " SET ");
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if (!written(f) || (f->flags & RF_FIXED))
			continue;
		if (n + 3 >= REC_BIND_MAX) {
			b.failed = true;
			break;
		}
		buf_adds(&b, n ? ", " : "");
		buf_adds(&b, bare(f->col));
		buf_adds(&b, " = ?");
		args[n++] = bind(f, m);
	}
	if (rec_field(r, "updated_at") >= 0) {
		buf_adds(&b, ", updated_at = ?");
		args[n++] = DB_I(clock_now());
	}
	if (versioned)
		buf_adds(&b, ", version = version + 1");
	buf_adds(&b, " WHERE ");
	buf_adds(&b, bare(id_col(r)));
	buf_adds(&b, " = ?");
	args[n++] = DB_I(id);
	if (versioned) {
		buf_adds(&b, " AND version = ?");
		args[n++] = DB_I(expected);
	}
	rc = b.failed ? svc_fail(err, SVC_EINTERNAL, NULL,
	    "update of %s too long", r->what) :
	    db_exec(db, b.p, args, n, changed, err);
	buf_release(&b);
	return rc;
}

enum svc_code
rec_update(struct db *db, struct arena *a, const struct actor *who,
    const struct record *r, int64_t id, int64_t expected, const void *draft,
    rec_mask mask, void **out, struct svc_err *err)
{
	void *cur, *m;
	enum svc_code rc;
	int64_t changed;
	char *before;
	int vi = rec_field(r, "version");

	rc = rec_get(db, a, r, id, &cur, err);
	if (rc)
		return rc;
	before = rec_text(a, r, cur, REC_AUDIT);
	if (vi >= 0 && CI64(cur, &r->fields[vi]) != expected)
		return stale_version(err, a, r->what, expected, before);
	m = arena_alloc(a, r->size);
	if (m == NULL)
		return rec_oom(err);
	memcpy(m, cur, r->size);
	merge(r, m, draft, mask);
	rec_normalize(r, m);
	rc = rec_check(db, r, m, err);
	if (rc == SVC_OK && r->check != NULL)
		rc = r->check(db, a, m, cur, err);
	if (rc == SVC_OK)
		rc = update_row(db, r, m, id, expected, &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, r->what, expected, before);
	rc = rec_get(db, a, r, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", r->name, id, before,
		    rec_text(a, r, *out, REC_AUDIT), err);
	if (rc == SVC_OK && r->after != NULL)
		rc = r->after(db, a, who, *out, cur, err);
	return rc;
}

enum svc_code
rec_delete(struct db *db, struct arena *a, const struct actor *who,
    const struct record *r, int64_t id, struct svc_err *err)
{
	enum svc_code rc;
	struct buf b;
	void *cur;

	buf_init(&b, 1024);
	buf_adds(&b, "DELETE FROM ");
	buf_adds(&b, r->table);
	buf_adds(&b, " WHERE ");
	buf_adds(&b, bare(id_col(r)));
	buf_adds(&b, " = ?");
	rc = rec_get(db, a, r, id, &cur, err);
	if (rc == SVC_OK)
		rc = db_exec(db, b.p, DB_ARGS(DB_I(id)), NULL, err);
	buf_release(&b);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "delete", r->name, id,
		    rec_text(a, r, cur, REC_AUDIT), NULL, err);
	if (rc == SVC_OK && r->after != NULL)
		rc = r->after(db, a, who, NULL, cur, err);
	return rc;
}

/* ----- lists ----- */

/* The sort keys of a list: the id, then the RF_SORT fields. */
static struct rec_sort *
sorts_of(struct arena *a, const struct record *r)
{
	struct rec_sort *sorts;
	size_t n = 1, nf = 0;

	for (const struct rfield *f = r->fields; f->key != NULL; f++)
		nf++;
	sorts = arena_alloc(a, (nf + 2) * sizeof(*sorts));
	if (sorts == NULL)
		return NULL;
	sorts[0] = (struct rec_sort){ "id", id_col(r), false };
	for (const struct rfield *f = r->fields; f->key != NULL; f++)
		if ((f->flags & RF_SORT) && f->col != NULL)
			sorts[n++] = (struct rec_sort){ f->key, f->col,
			    f->type == RT_TEXT || f->type == RT_ENUM };
	sorts[n] = (struct rec_sort){ NULL, NULL, false };
	return sorts;
}

enum svc_code
rec_list_begin(struct rec_query *q, struct arena *a, const struct record *r,
    const struct rec_page *pg, struct svc_err *err)
{
	const struct prepared *p = prepared_of(r);
	const char *cols = p != NULL ? p->cols : NULL, *sel;
	struct rec_sort *sorts = p != NULL ? p->sorts : sorts_of(a, r);

	if (cols == NULL) {
		/* rec_query_begin wants the columns apart from SELECT, FROM */
		sel = rec_select(a, r);
		cols = cols_of(a, r, sel);
	}
	if (cols == NULL || sorts == NULL)
		return rec_oom(err);
	return rec_query_begin(q, a, cols, r->from != NULL ? r->from :
	    r->table, id_col(r), sorts, pg, err);
}

void
rec_filter(struct rec_query *q, const struct record *r, int i,
    struct dbv value)
{
	rec_cond(q, " AND ");
	rec_cond(q, r->fields[i].col);
	rec_cond(q, " = ?");
	rec_arg(q, value);
}
