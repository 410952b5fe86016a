/*
 * migrations — the embedded schema migrations (generated from
 * src/store/migrations/ by scripts/embed-migrations.sh).
 *
 * A migration version may have a file for both engines (backend NULL) and
 * one per engine; they run in that order, in one transaction.  Portable files
 * use tokens that store.c replaces per engine: {{ID}} (auto-increment primary
 * key), {{I64}} (64-bit integer), {{BLOB}} (bytes).
 */
#ifndef AS_MIGRATIONS_H
#define AS_MIGRATIONS_H

struct migration_file {
	int version;
	const char *backend;	/* NULL, "sqlite" or "pg" */
	const char *name;
	const char *sql;
};

extern const struct migration_file migration_files[];
extern const unsigned migration_files_n;

#endif
