/*
 * cli — the operator commands (git's commands[] table).  The CLI links the
 * core (domain + store + util) and, for serve, the server.
 */
#ifndef AS_CLI_H
#define AS_CLI_H

#include "app.h"

struct cli_args {
	int argc;
	char **argv;
	struct config cfg;
};

int cmd_serve(struct cli_args *);
int cmd_migrate(struct cli_args *);
int cmd_demo(struct cli_args *);
int cmd_generate(struct cli_args *);
int cmd_user(struct cli_args *);
int cmd_backup(struct cli_args *);
int cmd_optimize(struct cli_args *);
int cmd_restore(struct cli_args *);
int cmd_openapi(struct cli_args *);
int cmd_routes(struct cli_args *);
int cmd_import(struct cli_args *);

/* Open the store named by cfg.db and migrate it; prints errors. */
struct store *cli_open_store(const struct config *, bool migrate);
/* Print "aftersales: MSG" to stderr and return 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Value of --name in argv (or NULL); flags are --name VALUE or --name=VALUE. */
const char *cli_flag(struct cli_args *, const char *name);
/* Unknown flags are an error: every --x must be in allowed (NULL-ended). */
bool cli_check_flags(struct cli_args *, const char *const *allowed,
    const char *cmd);

#endif
