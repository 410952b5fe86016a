/*
 * fsm — the one state-machine engine every document type declares itself to
 * (SPEC §5.2): states, transitions, the roles allowed, the guard.
 *
 * A document module writes a static struct fsm_def; fsm_check() decides
 * whether a transition may run and, when not, says exactly why:
 *   - unknown transition name      -> SVC_EINVAL, field "transition"
 *   - the caller lacks every role  -> SVC_EPERM, details.required_role
 *   - wrong state                  -> SVC_ETRANSITION, details.missing
 *   - the guard refuses            -> SVC_ETRANSITION, details.missing
 * with details.code and details.args, the machine form of the reason.
 * Signatures and approvals are transitions too, so "who may sign" lives here.
 */
#ifndef AS_FSM_H
#define AS_FSM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/json.h"
#include "util/mem.h"

/* Who asks: role keys and user id, for role checks and guards. */
struct fsm_caller {
	int64_t user_id;
	const char *const *roles;
	size_t nroles;
};

#define FSM_MAX_ARGS 8

/*
 * Why a step is refused: a machine code the UI translates ("role",
 * "state", "resolution_needed", "signatures" ...), the same in plain English
 * words for people reading the API, and arguments of the code (role,
 * state or signature keys), NULL-ended.  Every pointer borrowed: static text
 * or owned by the document.
 */
struct fsm_why {
	const char *code;
	const char *text;
	const char *args[FSM_MAX_ARGS + 1];
};

/* Set w to code and text without arguments. */
void fsm_why_set(struct fsm_why *w, const char *code, const char *text);

/*
 * A guard: true when the transition may run.  Otherwise it fills *why with
 * the missing condition ("resolution_needed": "a resolution is recorded").
 */
typedef bool (*fsm_guard_fn)(const void *doc, const struct fsm_caller *,
    struct fsm_why *why);

#define FSM_MAX_ROLES 8

struct fsm_transition {
	const char *name;		/* "dispatch" */
	unsigned from;			/* bit (1u << state) per allowed state */
	int to;				/* target state; -1 = stays */
	const char *roles[FSM_MAX_ROLES];	/* NULL-ended; [0] NULL = any */
	fsm_guard_fn guard;		/* may be NULL */
	const char *label_zh;		/* button label */
};

struct fsm_def {
	const char *kind;		/* "request" */
	const char *const *states;	/* names by state number */
	int nstates;
	const struct fsm_transition *t;
	size_t nt;
};

#define FSM_FROM(s) (1u << (s))

/* The state's name, or "?" when out of range. */
const char *fsm_state_name(const struct fsm_def *, int state);
/* The state numbered by name, or -1. */
int fsm_state_by_name(const struct fsm_def *, const char *name);

/*
 * May caller run transition name on doc in state?  On SVC_OK *out is the
 * transition.  Details of refusals are arena-owned JSON in err->details.
 */
enum svc_code fsm_check(const struct fsm_def *, struct arena *, int state,
    const char *name, const struct fsm_caller *, const void *doc,
    const struct fsm_transition **out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Every transition as the UI shows it: [{name, label, to, allowed,
 * reason, reason_code, reason_args}] — allowed ones as buttons, others
 * disabled with the reason.
 */
void fsm_options_json(const struct fsm_def *, struct jw *, int state,
    const struct fsm_caller *, const void *doc);

#endif
