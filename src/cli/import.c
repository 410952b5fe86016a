/*
 * import — aftersales import --kind KIND --file FILE.csv [--skip-bad]:
 * master data from CSV into the database in one transaction (SPEC §3).
 *
 * The file is read whole (at most 64 MiB) and handed to master_import()
 * inside one store_write(): on SQLite that is one transaction on the
 * writer connection, so 100,000 rows take seconds.  Progress goes to
 * stderr every 10,000 rows; the bad rows, one per line, to stdout; the
 * outcome to stdout (success) or as one line to stderr (failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "domain/master/master.h"
#include "util/clock.h"

#define IMPORT_FILE_MAX (64u << 20)
#define IMPORT_ROWS_MAX 1000000
#define IMPORT_ROW_BYTES 65536
#define IMPORT_ERRORS 1000
#define IMPORT_PROGRESS 10000

struct import_ctx {
	enum import_kind kind;
	const char *data;
	size_t len;
	struct import_opts opts;
	struct arena *a;
	struct import_result res;
	int64_t started_us;
};

static void
progress(void *arg, size_t rows, size_t imported)
{
	struct import_ctx *c = arg;

	fprintf(stderr, "import: %zu rows read, %zu imported (%.1f s)\n", rows,
	    imported, (double)(clock_mono_us() - c->started_us) / 1e6);
}

static enum svc_code
import_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct import_ctx *c = arg;
	struct actor who = { 0, "cli", "local", "cli-import" };

	return master_import(db, c->a, &who, c->kind, c->data, c->len,
	    &c->opts, &c->res, err);
}

/* Read path whole into a malloc'd buffer; NULL with a message. */
static char *
read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *f;
	char *p;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_fail("import: cannot read '%s'", path);
		return NULL;
	}
	if ((uint64_t)st.st_size > IMPORT_FILE_MAX) {
		cli_fail("import: '%s' is larger than %u MiB; split it", path,
		    IMPORT_FILE_MAX >> 20);
		return NULL;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		cli_fail("import: cannot open '%s'", path);
		return NULL;
	}
	p = xmalloc((size_t)st.st_size + 1);
	*len = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	p[*len] = '\0';
	return p;
}

static void
print_errors(const struct import_result *r)
{
	for (size_t i = 0; i < r->nerrors; i++) {
		const struct import_error *e = &r->errors[i];

		printf("line %zu: %s (%s%s%s)\n", e->line, e->message,
		    e->field ? e->field : "", e->field ? ", " : "", e->reason);
	}
	if (r->error_count > r->nerrors)
		printf("... and %zu more\n", r->error_count - r->nerrors);
}

int
cmd_import(struct cli_args *a)
{
	static const char *const flags[] = { "db", "kind", "file", "skip-bad",
		NULL };
	struct import_ctx c;
	struct arena arena;
	struct svc_err err = { 0 };
	struct store *s;
	struct db *db = NULL;
	const char *kind, *file;
	enum svc_code rc;
	char *data;
	double secs;

	if (!cli_check_flags(a, flags, "import"))
		return 1;
	memset(&c, 0, sizeof(c));
	kind = cli_flag(a, "kind");
	file = cli_flag(a, "file");
	if (kind == NULL || !import_kind_parse(kind, &c.kind))
		return cli_fail("import: --kind must be customers, models, "
		    "parts, units or sales");
	if (file == NULL || file[0] == '\0')
		return cli_fail("import: --file FILE.csv is required");
	data = read_file(file, &c.len);
	if (data == NULL)
		return 1;
	s = cli_open_store(&a->cfg, true);
	if (s == NULL) {
		free(data);
		return 1;
	}
	arena_init(&arena, 256u << 20);
	c.data = data;
	c.a = &arena;
	c.opts.skip_bad = cli_flag(a, "skip-bad") != NULL;
	c.opts.max_rows = IMPORT_ROWS_MAX;
	c.opts.max_row_bytes = IMPORT_ROW_BYTES;
	c.opts.max_errors = IMPORT_ERRORS;
	c.opts.progress = progress;
	c.opts.progress_ctx = &c;
	c.opts.progress_every = IMPORT_PROGRESS;
	c.started_us = clock_mono_us();
	rc = store_acquire(s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(s, db, import_tx, &c, &err);
		store_release(s, db);
	}
	secs = (double)(clock_mono_us() - c.started_us) / 1e6;
	store_close(s);
	free(data);
	print_errors(&c.res);
	if (rc == SVC_OK)
		printf("imported %zu %s from %s in %.2f s (%zu rows, %zu bad "
		    "rows skipped)\n", c.res.imported, import_kind_name(c.kind),
		    file, secs, c.res.rows, c.res.skipped);
	arena_release(&arena);
	if (rc == SVC_EUNPROCESSABLE)
		return cli_fail("import: %zu bad row%s in %s, nothing was "
		    "imported (see above; --skip-bad imports the good rows)",
		    c.res.error_count, c.res.error_count == 1 ? "" : "s", file);
	if (rc)
		return cli_fail("import: %s", err.msg);
	return 0;
}
