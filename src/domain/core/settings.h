/*
 * settings — groups of whole-number settings kept as data in the settings
 * table (key, value as text, version): shared by every server on one
 * database, changed through the API with an optimistic version and an audit
 * row ("update" of "settings" 0, the group's JSON before and after).
 *
 * A group is declared once, as a table of its fields over a struct of
 * int64_t members (its own, e.g. struct rma_settings) with a version member.
 * A row that is missing, or not a number within its field's range, counts
 * as the field's default.  The group's version is 1 + the sum of its rows'
 * versions: it moves whenever one of them changes.
 */
#ifndef AS_SETTINGS_H
#define AS_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "util/err.h"
#include "util/json.h"
#include "util/mem.h"

struct db;

struct setting_field {
	const char *key;	/* settings.key: "rma.warn_share_bp" */
	const char *name;	/* the JSON member: "warn_share_bp" */
	size_t off;		/* of its int64_t in the group's struct */
	int64_t dflt, min, max;
};

struct setting_group {
	const struct setting_field *fields;	/* ends with { NULL } */
	size_t size;		/* of the group's struct */
	size_t version_off;	/* of the int64_t version in the struct */
};

/* The group's values into out (its struct), with its version. */
enum svc_code settings_get(struct db *, const struct setting_group *,
    void *out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Write the values of in that differ, if the group's version is expected
 * (else SVC_ECONFLICT with the current values); a value outside its field's
 * range gives SVC_EINVAL naming the field (reason "out_of_range") and
 * writes nothing.  out gets the group as it now is.  Audits.
 */
enum svc_code settings_set(struct db *, struct arena *, const struct actor *,
    const struct setting_group *, int64_t expected_version, const void *in,
    void *out, struct svc_err *) WARN_UNUSED_RESULT;

/* {name: value, ..., version} */
void settings_to_json(struct jw *, const struct setting_group *,
    const void *);

#endif
