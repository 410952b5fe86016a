/*
 * api_stock — warehouses (SPEC §4.9), served from their declaration by the
 * generic resource handlers (resource.c).
 */
#include "api/api.h"
#include "domain/stock/stock.h"

static const struct resource warehouse_res = {
	.rec = &warehouse_rec,
	.path = "/api/v1/warehouses",
};

const struct route stock_routes[] = {
	{ HTTP_GET, "/api/v1/warehouses", api_rec_list, NULL,
	    "warehouse.read", 0, "stock", "list warehouses", NULL, NULL, 0,
	    &warehouse_res },
	{ HTTP_POST, "/api/v1/warehouses", api_rec_create, NULL,
	    "warehouse.manage", R_WRITE | R_JSON | R_IDEMPOTENT, "stock",
	    "create a warehouse", NULL, NULL, 0, &warehouse_res },
	{ HTTP_GET, "/api/v1/warehouses/{id}", api_rec_get, NULL,
	    "warehouse.read", 0, "stock", "one warehouse", NULL, NULL, 0,
	    &warehouse_res },
	{ HTTP_PATCH, "/api/v1/warehouses/{id}", api_rec_update, NULL,
	    "warehouse.manage", R_WRITE | R_JSON, "stock",
	    "change a warehouse", NULL, NULL, 0, &warehouse_res },
};

const size_t stock_nroutes = sizeof(stock_routes) / sizeof(stock_routes[0]);
