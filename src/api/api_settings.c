/*
 * api_settings — GET and PUT of a group of settings kept as data
 * (domain/core/settings.h), for the modules' settings routes.
 */
#include <string.h>

#include "api/api.h"

enum svc_code
api_settings_get(struct req *rq, struct resp *rs,
    const struct setting_group *g)
{
	void *s = arena_alloc(&rq->arena, g->size);
	enum svc_code rc;
	struct jw w;

	if (s == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = query_allow(rq, NULL);
	if (rc == SVC_OK)
		rc = settings_get(rq->db, g, s, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	settings_to_json(&w, g, s);
	return SVC_OK;
}

enum svc_code
api_settings_put(struct req *rq, struct resp *rs,
    const struct setting_group *g, const struct field *fields)
{
	struct actor who = req_actor(rq);
	void *in = arena_alloc(&rq->arena, g->size);
	void *cur = arena_alloc(&rq->arena, g->size);
	void *out = arena_alloc(&rq->arena, g->size);
	enum svc_code rc;
	unsigned present = 0, i = 0;
	int64_t body_version, version;
	struct jw w;

	if (in == NULL || cur == NULL || out == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	memset(in, 0, g->size);
	rc = decode_json(rq, fields, in, &present);
	if (rc)
		return rc;
	memcpy(&body_version, (char *)in + g->version_off,
	    sizeof(body_version));
	rc = req_version(rq, body_version, &version);
	if (rc == SVC_OK)
		rc = settings_get(rq->db, g, cur, &rq->err);
	if (rc)
		return rc;
	/* a setting not given keeps its value */
	for (const struct setting_field *f = g->fields; f->key != NULL;
	    f++, i++)
		if (!(present & (1u << i)))
			memcpy((char *)in + f->off, (char *)cur + f->off,
			    sizeof(int64_t));
	rc = settings_set(rq->db, &rq->arena, &who, g, version, in, out,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	settings_to_json(&w, g, out);
	return SVC_OK;
}
