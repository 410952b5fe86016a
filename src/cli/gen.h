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
	int parts;		/* generated parts GP-..., each stocked in */
	int warehouses;		/* every one of these (gen_stock.c) */
};

/* Generate into a migrated store that holds the demo users. */
enum svc_code gen_run(struct store *, const struct gen_size *,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The generated stock of gen_size parts x warehouses (nothing when either
 * is 0): parts, warehouses, a level for each pair and the receipts that
 * explain them.  Called by gen_run().
 */
enum svc_code gen_stock_run(struct store *, const struct gen_size *,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The demo's spare parts and costs: a year of receipts, issues and cost
 * lines, and today's stock documents in every state (demo_stock.c).  Once,
 * after gen_run() made the demo's parts and requests.
 */
enum svc_code demo_stock_load(struct store *, struct db *, int *created,
    struct svc_err *) WARN_UNUSED_RESULT;

#endif
