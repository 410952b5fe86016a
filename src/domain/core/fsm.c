/*
 * fsm — transition checks with reasons.
 */
#include "domain/core/fsm.h"

#include <string.h>

const char *
fsm_state_name(const struct fsm_def *d, int state)
{
	if (state < 0 || state >= d->nstates)
		return "?";
	return d->states[state];
}

int
fsm_state_by_name(const struct fsm_def *d, const char *name)
{
	for (int i = 0; i < d->nstates; i++)
		if (strcmp(d->states[i], name) == 0)
			return i;
	return -1;
}

static bool
has_role(const struct fsm_transition *t, const struct fsm_caller *c)
{
	if (t->roles[0] == NULL)
		return true;
	for (int i = 0; i < FSM_MAX_ROLES && t->roles[i] != NULL; i++)
		for (size_t j = 0; j < c->nroles; j++)
			if (strcmp(t->roles[i], c->roles[j]) == 0)
				return true;
	return false;
}

/* "state is one of: new, dispatched" */
static void
from_states(const struct fsm_def *d, unsigned from, struct buf *b)
{
	bool first = true;

	buf_adds(b, "the document is in state ");
	for (int s = 0; s < d->nstates; s++) {
		if (!(from & FSM_FROM(s)))
			continue;
		if (!first)
			buf_adds(b, " or ");
		buf_adds(b, d->states[s]);
		first = false;
	}
}

/* Why t is not allowed now, or NULL when it is.  Arena-owned. */
static const char *
refusal(const struct fsm_def *d, struct arena *a, const struct fsm_transition *t,
    int state, const struct fsm_caller *c, const void *doc, bool *role_fail)
{
	const char *missing = NULL;
	struct buf b;
	char *s;

	*role_fail = false;
	if (!has_role(t, c)) {
		*role_fail = true;
		buf_init(&b, 1024);
		buf_adds(&b, "a user with the role ");
		for (int i = 0; i < FSM_MAX_ROLES && t->roles[i] != NULL; i++) {
			if (i > 0)
				buf_adds(&b, " or ");
			buf_adds(&b, t->roles[i]);
		}
		s = arena_strndup(a, b.p, b.len);
		buf_release(&b);
		return s;
	}
	if (!(t->from & FSM_FROM(state))) {
		buf_init(&b, 1024);
		from_states(d, t->from, &b);
		s = arena_strndup(a, b.p, b.len);
		buf_release(&b);
		return s;
	}
	if (t->guard != NULL && !t->guard(doc, c, &missing))
		return missing != NULL ? missing : "a condition of this step";
	return NULL;
}

enum svc_code
fsm_check(const struct fsm_def *d, struct arena *a, int state,
    const char *name, const struct fsm_caller *c, const void *doc,
    const struct fsm_transition **out, struct svc_err *err)
{
	const struct fsm_transition *t = NULL;
	const char *why;
	struct buf b;
	bool role_fail;

	for (size_t i = 0; i < d->nt; i++)
		if (strcmp(d->t[i].name, name) == 0)
			t = &d->t[i];
	if (t == NULL)
		return svc_fail_field(err, SVC_EINVAL, "transition", "unknown",
		    "a %s has no step '%.40s'", d->kind, name);
	why = refusal(d, a, t, state, c, doc, &role_fail);
	if (why == NULL) {
		*out = t;
		return SVC_OK;
	}
	if (role_fail)
		svc_fail(err, SVC_EPERM, "transition", "'%s' needs %s", t->name,
		    why);
	else
		svc_fail(err, SVC_ETRANSITION, "transition",
		    "cannot '%s' this %s: missing: %s", t->name, d->kind, why);
	buf_init(&b, 4096);
	buf_adds(&b, "{\"field\":\"transition\",\"transition\":");
	json_escape(&b, t->name, strlen(t->name));
	buf_adds(&b, ",\"state\":");
	json_escape(&b, fsm_state_name(d, state), strlen(fsm_state_name(d,
	    state)));
	buf_adds(&b, role_fail ? ",\"required_role\":" : ",\"missing\":");
	json_escape(&b, why, strlen(why));
	buf_addc(&b, '}');
	if (err != NULL)
		err->details = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return role_fail ? SVC_EPERM : SVC_ETRANSITION;
}

void
fsm_options_json(const struct fsm_def *d, struct jw *w, int state,
    const struct fsm_caller *c, const void *doc)
{
	struct arena a;

	arena_init(&a, 1u << 20);
	jw_arr_open(w);
	for (size_t i = 0; i < d->nt; i++) {
		const struct fsm_transition *t = &d->t[i];
		bool role_fail;
		const char *why = refusal(d, &a, t, state, c, doc, &role_fail);

		jw_obj_open(w);
		jw_kstr(w, "name", t->name);
		jw_kstr(w, "label_zh", t->label_zh);
		jw_kstr(w, "to", t->to >= 0 ? fsm_state_name(d, t->to) : NULL);
		jw_kbool(w, "allowed", why == NULL);
		jw_kstr(w, "reason", why);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	arena_release(&a);
}
