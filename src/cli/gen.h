/*
 * gen — realistic generated data: customers across China's regions with
 * contacts and distances, product models and parts with bills of parts,
 * contracts, sold units with their warranty, monthly sales, knowledge-base
 * articles and a history of service requests in every type and state.
 * Deterministic (a fixed seed), batched into large transactions so that
 * the benchmark's million requests load in minutes.
 */
#ifndef AS_GEN_H
#define AS_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct gen_size {
	int customers;
	int units;
	int requests;
	int months;		/* the requests span this many months to now */
	bool progress;		/* print progress on stderr */
};

/* Generate into a migrated store that holds the demo users. */
enum svc_code gen_run(struct store *, const struct gen_size *,
    struct svc_err *) WARN_UNUSED_RESULT;

#endif
