/*
 * sla_int — shared between the files of the sla module only; other modules
 * include domain/sla/sla.h.
 */
#ifndef AS_SLA_INT_H
#define AS_SLA_INT_H

#include "domain/sla/sla.h"

/*
 * Why policy p applies to a document with basis k (NULL: no basis
 * recorded), in the words of sla_select().  Arena-owned.
 */
char *sla_policy_why(struct arena *, const struct sla_policy *,
    const struct sla_key *);

/* A key: [a-z][a-z0-9_]*, at most SLA_KEY_MAX bytes. */
bool sla_valid_key(const char *);

#endif
