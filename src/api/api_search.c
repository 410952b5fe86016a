/*
 * api_search — full-text search across modules (SPEC §5.7, §4.11).
 * Customer users find only their own company's documents.
 */
#include <string.h>

#include "api/api.h"
#include "domain/search/search.h"

static const char *const search_query_params[] = { "q", "kind", "limit",
	"cursor", NULL };

/* "request,unit" -> kinds; SVC_EINVAL naming "kind" when malformed. */
static enum svc_code
parse_kinds(struct req *rq, struct search_filter *f)
{
	const char *s = req_query(rq, "kind");
	const char **kinds;
	size_t n = 0;

	f->kinds = NULL;
	f->nkinds = 0;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	kinds = arena_alloc(&rq->arena, sizeof(*kinds) * SEARCH_KINDS_MAX);
	if (kinds == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	for (;;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (n >= SEARCH_KINDS_MAX)
			return svc_fail_field(&rq->err, SVC_EINVAL, "kind",
			    "too_many", "'kind' must list at most %d kinds",
			    SEARCH_KINDS_MAX);
		kinds[n] = arena_strndup(&rq->arena, s, len);
		if (!search_kind_valid(kinds[n]))
			return svc_fail_field(&rq->err, SVC_EINVAL, "kind",
			    "invalid", "'kind' must be names such as request, "
			    "customer, unit, article, separated by commas");
		n++;
		if (e == NULL)
			break;
		s = e + 1;
	}
	f->kinds = kinds;
	f->nkinds = n;
	return SVC_OK;
}

static void
hit_to_json(struct jw *w, const struct search_hit *h)
{
	jw_obj_open(w);
	jw_kstr(w, "kind", h->kind);
	jw_ki64(w, "ref_id", h->ref_id);
	jw_kid(w, "customer_id", h->customer_id);
	jw_kstr(w, "number", h->number);
	jw_kstr(w, "title", h->title);
	jw_kstr(w, "snippet", h->snippet);
	jw_kstr(w, "field", h->field);
	jw_key(w, "highlights");
	jw_arr_open(w);
	for (size_t i = 0; i < h->nhl; i++) {
		jw_arr_open(w);
		jw_i64(w, h->hl[i].off);
		jw_i64(w, h->hl[i].len);
		jw_arr_close(w);
	}
	jw_arr_close(w);
	jw_ki64(w, "rank", h->rank);
	jw_ktime(w, "updated_at", h->updated_at);
	jw_obj_close(w);
}

/* GET /api/v1/search?q=&kind=&limit=&cursor= */
static enum svc_code
api_search(struct req *rq, struct resp *rs)
{
	struct search_filter f = { 0 };
	struct search_hit **hits;
	enum svc_code rc;
	struct jw w;
	int64_t limit, cursor;
	int ignored;
	size_t n;
	bool more;

	rc = query_allow(rq, search_query_params);
	if (rc == SVC_OK)
		rc = query_i64(rq, "limit", 1, SEARCH_LIMIT_MAX, 20, &limit);
	if (rc == SVC_OK)	/* the cursor; its limit is checked above */
		rc = list_params(rq, &cursor, &ignored);
	if (rc == SVC_OK)
		rc = parse_kinds(rq, &f);
	if (rc)
		return rc;
	f.limit = (int)limit;
	f.cursor = cursor;
	/* a customer user sees only its own company's documents */
	f.customer_id = rq->who.customer_id;
	rc = search_query(rq->db, &rq->arena, req_query(rq, "q"), &f, &hits, &n,
	    &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		hit_to_json(&w, hits[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? hits[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

const struct route search_routes[] = {
	{ HTTP_GET, "/api/v1/search", api_search, NULL, "search.read", 0,
	    "search", "full-text search of requests, customers, units and "
	    "articles: q (words ANDed; a word is a phrase, 漏水 finds only "
	    "漏水), kind (comma-separated), limit (1-50, default 20), cursor; "
	    "newest first", NULL, search_query_params },
};

const size_t search_nroutes = sizeof(search_routes) /
    sizeof(search_routes[0]);
