/*
 * stock — where spare parts are kept (SPEC §4.9).  For now the warehouses
 * themselves: the central store (总库), regional stores (分库) and a
 * technician's vehicle stock (车载库).  Declared once (domain/record):
 * code unique and fixed, a vehicle stock has a keeper.
 *
 * Every function that writes must run inside a store_write() callback.
 */
#ifndef AS_STOCK_H
#define AS_STOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/record/record.h"

struct warehouse {
	int64_t id;
	const char *code;	/* unique, fixed */
	const char *name;
	const char *kind;	/* central | regional | vehicle */
	int64_t department_id;	/* 0: none */
	int64_t keeper_id;	/* a user; required for a vehicle stock */
	const char *address;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const char *const warehouse_kinds[];	/* NULL-ended */
extern const struct record warehouse_rec;

#endif
