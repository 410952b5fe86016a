/*
 * fsm — transition checks with reasons.
 */
#include "domain/core/fsm.h"

#include <pthread.h>
#include <stdlib.h>
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

void
fsm_why_set(struct fsm_why *w, const char *code, const char *text)
{
	w->code = code;
	w->text = text;
	w->args[0] = NULL;
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

/* "<lead> a or b or c" of names, arena-owned. */
static const char *
or_list(struct arena *a, const char *lead, const char *const *names)
{
	struct buf b;
	const char *s;

	buf_init(&b, 1024);
	buf_adds(&b, lead);
	for (int i = 0; names[i] != NULL; i++) {
		if (i > 0)
			buf_adds(&b, " or ");
		buf_adds(&b, names[i]);
	}
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/*
 * Why t is not allowed now: false with *why filled (code "role" with the
 * roles, "state" with the states it runs from, or the guard's), true when
 * it is allowed.  Text arena-owned.
 */
static bool
allowed(const struct fsm_def *d, struct arena *a, const struct fsm_transition *t,
    int state, const struct fsm_caller *c, const void *doc,
    struct fsm_why *why)
{
	int k = 0;

	if (!has_role(t, c)) {
		fsm_why_set(why, "role", NULL);
		for (int i = 0; i < FSM_MAX_ROLES && i < FSM_MAX_ARGS &&
		    t->roles[i] != NULL; i++)
			why->args[k++] = t->roles[i];
		why->args[k] = NULL;
		why->text = or_list(a, "a user with the role ", why->args);
		return false;
	}
	if (!(t->from & FSM_FROM(state))) {
		fsm_why_set(why, "state", NULL);
		for (int s = 0; s < d->nstates && k < FSM_MAX_ARGS; s++)
			if (t->from & FSM_FROM(s))
				why->args[k++] = d->states[s];
		why->args[k] = NULL;
		why->text = or_list(a, "the document is in state ", why->args);
		return false;
	}
	if (t->guard != NULL) {
		fsm_why_set(why, "condition", "a condition of this step");
		if (!t->guard(doc, c, why)) {
			if (why->text == NULL)
				why->text = "a condition of this step";
			return false;
		}
	}
	return true;
}

static void
why_args_json(struct buf *b, const struct fsm_why *why)
{
	buf_addc(b, '[');
	for (int i = 0; why->args[i] != NULL; i++) {
		if (i > 0)
			buf_addc(b, ',');
		json_escape(b, why->args[i], strlen(why->args[i]));
	}
	buf_addc(b, ']');
}

enum svc_code
fsm_check(const struct fsm_def *d, struct arena *a, int state,
    const char *name, const struct fsm_caller *c, const void *doc,
    const struct fsm_transition **out, struct svc_err *err)
{
	const struct fsm_transition *t = NULL;
	struct fsm_why why;
	struct buf b;
	bool role_fail;

	for (size_t i = 0; i < d->nt; i++)
		if (strcmp(d->t[i].name, name) == 0)
			t = &d->t[i];
	if (t == NULL)
		return svc_fail_field(err, SVC_EINVAL, "transition", "unknown",
		    "a %s has no step '%.40s'", d->kind, name);
	if (allowed(d, a, t, state, c, doc, &why)) {
		*out = t;
		return SVC_OK;
	}
	role_fail = strcmp(why.code, "role") == 0;
	if (role_fail)
		svc_fail(err, SVC_EPERM, "transition", "'%s' needs %s", t->name,
		    why.text);
	else
		svc_fail(err, SVC_ETRANSITION, "transition",
		    "cannot '%s' this %s: missing: %s", t->name, d->kind,
		    why.text);
	buf_init(&b, 4096);
	buf_adds(&b, "{\"field\":\"transition\",\"transition\":");
	json_escape(&b, t->name, strlen(t->name));
	buf_adds(&b, ",\"state\":");
	json_escape(&b, fsm_state_name(d, state), strlen(fsm_state_name(d,
	    state)));
	buf_adds(&b, role_fail ? ",\"required_role\":" : ",\"missing\":");
	json_escape(&b, why.text, strlen(why.text));
	buf_adds(&b, ",\"code\":");
	json_escape(&b, why.code, strlen(why.code));
	buf_adds(&b, ",\"args\":");
	why_args_json(&b, &why);
	buf_addc(&b, '}');
	if (err != NULL)
		err->details = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return role_fail ? SVC_EPERM : SVC_ETRANSITION;
}

/*
 * The parts of each transition's option object that depend only on the
 * definition, written once per definition: the head ('{"name":...,
 * "allowed":') and the whole tail of a refusal by state (the common case:
 * most steps do not run from a given state).  A GET of a request lists
 * every step; these were a tenth of its time.
 */
struct fsm_json {
	const struct fsm_def *d;	/* published last (atomic) */
	char **head;
	char **state_tail;
};

#define FSM_JSON_DEFS 16

static struct fsm_json fsm_json[FSM_JSON_DEFS];
static pthread_mutex_t fsm_json_mu = PTHREAD_MUTEX_INITIALIZER;

static char *
json_part(struct jw *w, struct buf *b)
{
	char *s = xstrdup(b->p);

	buf_reset(b);
	jw_init(w, b);
	return s;
}

static void
fsm_json_build(struct fsm_json *fj, const struct fsm_def *d)
{
	struct arena a;
	struct buf b;
	struct jw w;

	arena_init(&a, 1u << 20);
	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	fj->head = xcalloc(d->nt, sizeof(*fj->head));
	fj->state_tail = xcalloc(d->nt, sizeof(*fj->state_tail));
	for (size_t i = 0; i < d->nt; i++) {
		const struct fsm_transition *t = &d->t[i];
		struct fsm_why why;
		int k = 0;

		jw_obj_open(&w);
		jw_kstr(&w, "name", t->name);
		jw_kstr(&w, "label_zh", t->label_zh);
		jw_kstr(&w, "to", t->to >= 0 ? fsm_state_name(d, t->to) : NULL);
		jw_key(&w, "allowed");
		fj->head[i] = json_part(&w, &b);

		fsm_why_set(&why, "state", NULL);
		for (int st = 0; st < d->nstates && k < FSM_MAX_ARGS; st++)
			if (t->from & FSM_FROM(st))
				why.args[k++] = d->states[st];
		why.args[k] = NULL;
		why.text = or_list(&a, "the document is in state ", why.args);
		buf_adds(&b, "false,\"reason\":");
		json_escape(&b, why.text, strlen(why.text));
		buf_adds(&b, ",\"reason_code\":\"state\",\"reason_args\":");
		why_args_json(&b, &why);
		buf_addc(&b, '}');
		fj->state_tail[i] = json_part(&w, &b);
	}
	buf_release(&b);
	arena_release(&a);
}

static void
fsm_json_free(struct fsm_json *fj, size_t nt)
{
	for (size_t i = 0; i < nt; i++) {
		free(fj->head[i]);
		free(fj->state_tail[i]);
	}
	free(fj->head);
	free(fj->state_tail);
}

/* The parts of d, built on first use; NULL past FSM_JSON_DEFS of them. */
static const struct fsm_json *
fsm_json_of(const struct fsm_def *d)
{
	const struct fsm_json *found = NULL;

	for (int i = 0; i < FSM_JSON_DEFS; i++)
		if (__atomic_load_n(&fsm_json[i].d, __ATOMIC_ACQUIRE) == d)
			return &fsm_json[i];
	pthread_mutex_lock(&fsm_json_mu);
	for (int i = 0; i < FSM_JSON_DEFS && found == NULL; i++) {
		if (fsm_json[i].d == d) {
			found = &fsm_json[i];
		} else if (fsm_json[i].d == NULL) {
			fsm_json_build(&fsm_json[i], d);
			__atomic_store_n(&fsm_json[i].d, d, __ATOMIC_RELEASE);
			found = &fsm_json[i];
		}
	}
	pthread_mutex_unlock(&fsm_json_mu);
	return found;	/* NULL past FSM_JSON_DEFS definitions */
}

void
fsm_options_json(const struct fsm_def *d, struct jw *w, int state,
    const struct fsm_caller *c, const void *doc)
{
	const struct fsm_json *fj = fsm_json_of(d);
	struct fsm_json own = { 0 };
	struct arena a;

	if (fj == NULL) {	/* not kept: built for this call */
		fsm_json_build(&own, d);
		fj = &own;
	}
	arena_init(&a, 1u << 20);
	jw_arr_open(w);
	for (size_t i = 0; i < d->nt; i++) {
		const struct fsm_transition *t = &d->t[i];
		struct fsm_why why;
		bool ok;

		jw_raw(w, fj->head[i]);
		if (has_role(t, c) && !(t->from & FSM_FROM(state))) {
			buf_adds(w->b, fj->state_tail[i]);
			continue;
		}
		ok = allowed(d, &a, t, state, c, doc, &why);
		if (ok) {
			buf_adds(w->b, "true,\"reason\":null,\"reason_code\":null,"
			    "\"reason_args\":null}");
			continue;
		}
		buf_adds(w->b, "false,\"reason\":");
		json_escape(w->b, why.text, strlen(why.text));
		buf_adds(w->b, ",\"reason_code\":");
		json_escape(w->b, why.code, strlen(why.code));
		buf_adds(w->b, ",\"reason_args\":");
		why_args_json(w->b, &why);
		buf_addc(w->b, '}');
	}
	jw_arr_close(w);
	arena_release(&a);
	if (fj == &own)
		fsm_json_free(&own, d->nt);
}
