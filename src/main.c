/*
 * aftersales — the one program: HTTP server and operator CLI (SPEC §7).
 *
 *   aftersales serve   [--db DB] [--listen HOST:PORT]
 *   aftersales migrate [--db DB]
 *   aftersales demo    [--db DB]
 *   aftersales user add [--db DB] --username NAME --role ROLE[,ROLE...]
 *   aftersales backup  [--db DB] --out FILE
 *   aftersales restore [--db DB] --in FILE
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/clock.h"

struct command {
	const char *name;
	int (*fn)(struct cli_args *);
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve [--db DB] [--listen HOST:PORT]",
	    "Run the HTTP API server (migrates the database first).\n"
	    "DB is a SQLite file (default ./aftersales.db) or a postgresql:// URL.\n"
	    "Environment: AFTERSALES_DB, AFTERSALES_LISTEN, AFTERSALES_CONFIG\n"
	    "(a KEY=VALUE file) and the other AFTERSALES_* settings of\n"
	    "docs/operations.md. SIGTERM drains in-flight requests and exits 0." },
	{ "migrate", cmd_migrate, "migrate [--db DB]",
	    "Apply the schema migrations this binary carries." },
	{ "demo", cmd_demo, "demo [--db DB]",
	    "Load demo data (idempotent): a user for every role, departments,\n"
	    "customers. Prints the logins." },
	{ "generate", cmd_generate,
	    "generate [--db DB] [--customers N] [--units N] [--requests N]"
	    " [--months N]",
	    "Load a large generated data set (default: 50,000 customers,\n"
	    "200,000 units, 1,000,000 requests over 24 months) for benchmarks." },
	{ "user", cmd_user,
	    "user add [--db DB] --username NAME --role ROLE[,ROLE...]\n"
	    "                [--display-name NAME] [--customer-id ID]"
	    " [--department-id ID]",
	    "Create a user; the password is read from standard input." },
	{ "backup", cmd_backup, "backup [--db DB] --out FILE",
	    "Write an online copy of a SQLite database (PostgreSQL: use pg_dump)." },
	{ "optimize", cmd_optimize, "optimize [--db DB]",
	    "Merge the search index into one segment (SQLite; after a bulk load\n"
	    "or an import; the server also merges a little every minute)." },
	{ "openapi", cmd_openapi, "openapi",
	    "Print the OpenAPI 3 document of every route (as served at\n"
	    "/api/v1/openapi.json)." },
	{ "routes", cmd_routes, "routes",
	    "Print the route table as Markdown (docs/api.md embeds it)." },
	{ "restore", cmd_restore, "restore [--db DB] --in FILE",
	    "Replace the database with a backup (stop the server first)." },
	{ "import", cmd_import,
	    "import [--db DB] --kind customers|models|parts|units|sales\n"
	    "                --file FILE.csv [--skip-bad]",
	    "Import master data from a UTF-8 CSV file (header row first; the\n"
	    "columns are listed in docs/api.md, 'CSV import'). Any bad row: the\n"
	    "bad rows are listed and nothing is imported, unless --skip-bad.\n"
	    "One transaction; progress on stderr every 10,000 rows. At most\n"
	    "64 MiB and 1,000,000 rows a file." },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out, "usage: aftersales COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  aftersales %s\n", commands[i].usage);
	fprintf(out, "\n'aftersales COMMAND --help' tells more.\n");
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	struct cli_args a;
	const char *cfgfile, *v;
	char msg[256];

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (wants_help(argc - 2, argv + 2)) {
			printf("usage: aftersales %s\n\n%s\n", commands[i].usage,
			    commands[i].help);
			return 0;
		}
		if (sodium_init() < 0)
			return cli_fail("cannot initialise libsodium");
		a.argc = argc - 2;
		a.argv = argv + 2;
		config_defaults(&a.cfg);
		cfgfile = getenv("AFTERSALES_CONFIG");
		if (cfgfile != NULL && cfgfile[0] != '\0' &&
		    !config_load_file(&a.cfg, cfgfile, msg, sizeof(msg)))
			return cli_fail("%s", msg);
		if (!config_load_env(&a.cfg, msg, sizeof(msg)))
			return cli_fail("%s", msg);
		v = cli_flag(&a, "db");
		if (v != NULL) {
			if (v[0] == '\0' || strlen(v) >= sizeof(a.cfg.db))
				return cli_fail("--db needs a value");
			snprintf(a.cfg.db, sizeof(a.cfg.db), "%s", v);
		}
		v = cli_flag(&a, "listen");
		if (v != NULL) {
			if (v[0] == '\0' || strlen(v) >= sizeof(a.cfg.listen))
				return cli_fail("--listen needs HOST:PORT");
			snprintf(a.cfg.listen, sizeof(a.cfg.listen), "%s", v);
		}
		if (!clock_set_zone(a.cfg.timezone))
			return cli_fail("unknown time zone '%s'", a.cfg.timezone);
		return commands[i].fn(&a);
	}
	cli_fail("unknown command '%s' (see 'aftersales --help')", argv[1]);
	return 2;
}
