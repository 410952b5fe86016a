/*
 * routes — every endpoint, in one place.  The router checks each request
 * against this table before any handler runs; /api/v1/openapi.json and
 * docs/api.md are generated from it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "api/api.h"

/* Lists as files (?format=csv|xlsx). */
static const struct tcol user_cols[] = {
	{ "id", "编号", "ID", COL_INT },
	{ "username", "登录名", "Login", COL_TEXT },
	{ "display_name", "姓名", "Name", COL_TEXT },
	{ "phone", "电话", "Phone", COL_TEXT },
	{ "email", "邮箱", "Email", COL_TEXT },
	{ "department_id", "部门", "Department", COL_INT },
	{ "active", "启用", "Active", COL_BOOL },
	{ "created_at", "创建时间", "Created", COL_TIME },
};

static const struct export_cols user_export = {
	user_cols, sizeof(user_cols) / sizeof(user_cols[0]), "users", "用户",
	"Users",
};

static const struct tcol dept_cols[] = {
	{ "id", "编号", "ID", COL_INT },
	{ "code", "代码", "Code", COL_TEXT },
	{ "name", "名称", "Name", COL_TEXT },
	{ "parent_id", "上级部门", "Parent", COL_INT },
	{ "active", "启用", "Active", COL_BOOL },
};

static const struct export_cols dept_export = {
	dept_cols, sizeof(dept_cols) / sizeof(dept_cols[0]), "departments",
	"部门", "Departments",
};

static const struct tcol audit_cols[] = {
	{ "at", "时间", "At", COL_TIME },
	{ "username", "登录名", "Login", COL_TEXT },
	{ "display_name", "姓名", "Name", COL_TEXT },
	{ "action", "操作", "Action", COL_TEXT },
	{ "entity", "对象", "Entity", COL_TEXT },
	{ "entity_id", "对象编号", "Entity ID", COL_INT },
	{ "doc_number", "单号", "Document", COL_TEXT },
	{ "ip", "IP", "IP", COL_TEXT },
	{ "request_id", "请求编号", "Request ID", COL_TEXT },
};

static const struct export_cols audit_export = {
	audit_cols, sizeof(audit_cols) / sizeof(audit_cols[0]), "audit",
	"审计日志", "Audit log",
};

#define J (R_JSON)
#define W (R_WRITE)

const struct route core_routes[] = {
	/* method, path, handler, prepare, permission, flags, tag, summary, body, query */
	{ HTTP_GET, "/healthz", api_healthz, NULL, NULL, R_PUBLIC, "operations",
	    "health: 200 when the database answers", NULL, NULL },
	{ HTTP_GET, "/metrics", api_metrics, NULL, NULL, R_PUBLIC, "operations",
	    "Prometheus metrics", NULL, NULL },
	{ HTTP_GET, "/api/v1/openapi.json", api_openapi, NULL, NULL, R_PUBLIC,
	    "operations", "this OpenAPI document", NULL, NULL },
	{ HTTP_GET, "/api/v1/records", api_records, NULL, "account.self", 0,
	    "operations", "the declared record types I may read: each field's "
	    "type, limits, flags and labels (the web forms and list columns "
	    "are built from it)", NULL, NULL },

	{ HTTP_POST, "/api/v1/session", api_session_create, NULL, NULL,
	    R_PUBLIC | J, "session", "log in: a bearer token, a session cookie "
	    "and a CSRF token", session_fields, NULL },
	{ HTTP_GET, "/api/v1/session", api_session_get, NULL, "account.self", 0,
	    "session", "who am I, with my permissions", NULL, NULL },
	{ HTTP_DELETE, "/api/v1/session", api_session_delete, NULL,
	    "account.self", W, "session", "log out", NULL, NULL },
	{ HTTP_POST, "/api/v1/session/password", api_password_change,
	    api_password_prepare, "account.self", W | J, "session",
	    "change my password (ends my other sessions)", password_fields,
	    NULL },
	{ HTTP_GET, "/api/v1/tokens", api_token_list, NULL, "account.self", 0,
	    "session", "my API tokens", NULL, NULL },
	{ HTTP_POST, "/api/v1/tokens", api_token_create, NULL, "account.self",
	    W | J | R_IDEMPOTENT, "session", "create an API token (shown once)",
	    token_fields, NULL },
	{ HTTP_DELETE, "/api/v1/tokens/{id}", api_token_delete, NULL,
	    "account.self", W, "session", "revoke one of my API tokens", NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/views", api_view_list, NULL, "account.self", 0,
	    "session", "my saved views of list screens (?page=requests)", NULL,
	    view_list_query },
	{ HTTP_POST, "/api/v1/views", api_view_save, NULL, "account.self",
	    W | J, "session", "save a view (the same page and name replaces "
	    "it)", view_fields, NULL },
	{ HTTP_DELETE, "/api/v1/views/{id}", api_view_delete, NULL,
	    "account.self", W, "session", "delete one of my saved views", NULL,
	    NULL },

	{ HTTP_GET, "/api/v1/users", api_user_list, NULL, "user.read", 0,
	    "users", "list users", NULL, user_list_query,
	    .export = &user_export },
	{ HTTP_POST, "/api/v1/users", api_user_create, api_user_create_prepare,
	    "user.manage", W | J | R_IDEMPOTENT, "users", "create a user",
	    user_create_fields, NULL },
	{ HTTP_GET, "/api/v1/users/{id}", api_user_get, NULL, "user.read", 0,
	    "users", "one user", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/users/{id}", api_user_update, NULL,
	    "user.manage", W | J, "users", "change a user (roles, active, ...)",
	    user_update_fields, NULL },
	{ HTTP_POST, "/api/v1/users/{id}/password", api_user_reset_password,
	    api_user_password_prepare, "user.manage", W | J, "users",
	    "set a user's password (ends the user's sessions)",
	    user_password_fields, NULL },

	{ HTTP_GET, "/api/v1/roles", api_role_matrix, NULL, "role.read", 0,
	    "roles", "roles and the permission matrix", NULL, NULL },
	{ HTTP_PUT, "/api/v1/roles/{key}/permissions", api_role_set, NULL,
	    "role.manage", W | J, "roles", "replace the permissions of a role",
	    role_set_fields, NULL },

	{ HTTP_GET, "/api/v1/departments", api_dept_list, NULL,
	    "department.read", 0, "departments", "list departments", NULL,
	    list_query,
	    .export = &dept_export },
	{ HTTP_POST, "/api/v1/departments", api_dept_create, NULL,
	    "department.manage", W | J | R_IDEMPOTENT, "departments",
	    "create a department", dept_create_fields, NULL },
	{ HTTP_GET, "/api/v1/departments/{id}", api_dept_get, NULL,
	    "department.read", 0, "departments", "one department", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/departments/{id}", api_dept_update, NULL,
	    "department.manage", W | J, "departments", "change a department",
	    dept_update_fields, NULL },

	{ HTTP_GET, "/api/v1/audit", api_audit_list, NULL, "audit.read", 0,
	    "audit", "the audit log, newest first (read only)", NULL,
	    audit_list_query,
	    .export = &audit_export },
};

const size_t core_nroutes = sizeof(core_routes) / sizeof(core_routes[0]);

/* ----- every module's table, in order ----- */

ROUTE_TABLE(core);
ROUTE_TABLE(master);
ROUTE_TABLE(sla);
ROUTE_TABLE(search);
ROUTE_TABLE(request);
ROUTE_TABLE(rma);
ROUTE_TABLE(report);
ROUTE_TABLE(stock);
ROUTE_TABLE(print);

static const struct {
	const struct route *routes;
	const size_t *n;
} tables[] = {
	{ core_routes, &core_nroutes },
	{ master_routes, &master_nroutes },
	{ sla_routes, &sla_nroutes },
	{ search_routes, &search_nroutes },
	{ request_routes, &request_nroutes },
	{ rma_routes, &rma_nroutes },
	{ report_routes, &report_nroutes },
	{ stock_routes, &stock_nroutes },
	{ print_routes, &print_nroutes },
};

const struct route *api_routes;
size_t api_nroutes;

void
api_routes_init(void)
{
	struct route *all;
	size_t n = 0, k = 0;

	if (api_routes != NULL)
		return;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		n += *tables[i].n;
	all = xcalloc(n, sizeof(*all));
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (size_t j = 0; j < *tables[i].n; j++)
			all[k++] = tables[i].routes[j];
	api_routes = all;
	api_nroutes = n;
	/* the declared records' SELECT texts and sort keys, once */
	for (size_t i = 0; i < n; i++)
		if (all[i].res != NULL)
			rec_prepare(all[i].res->rec);
}

void
api_routes_release(void)
{
	free((void *)(uintptr_t)api_routes);
	api_routes = NULL;
	api_nroutes = 0;
}
