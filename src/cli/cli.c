/*
 * cli — shared helpers and the small commands: migrate, user add, backup,
 * restore.
 */
#include "cli/cli.h"

#include <semaphore.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/search/search.h"
#include "domain/user/user.h"
#include "util/clock.h"

int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("aftersales: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

const char *
cli_flag(struct cli_args *a, const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; i < a->argc; i++) {
		const char *s = a->argv[i];

		if (strncmp(s, "--", 2) != 0 || strncmp(s + 2, name, len) != 0)
			continue;
		if (s[2 + len] == '=')
			return s + 3 + len;
		if (s[2 + len] == '\0')
			return i + 1 < a->argc ? a->argv[i + 1] : "";
	}
	return NULL;
}

bool
cli_check_flags(struct cli_args *a, const char *const *allowed,
    const char *cmd)
{
	for (int i = 0; i < a->argc; i++) {
		const char *s = a->argv[i];
		bool ok = false;

		if (strncmp(s, "--", 2) != 0)
			continue;
		for (size_t k = 0; allowed[k] != NULL; k++) {
			size_t len = strlen(allowed[k]);

			if (strncmp(s + 2, allowed[k], len) == 0 &&
			    (s[2 + len] == '\0' || s[2 + len] == '='))
				ok = true;
		}
		if (!ok) {
			cli_fail("%s: unknown option '%s' (see 'aftersales %s "
			    "--help')", cmd, s, cmd);
			return false;
		}
	}
	return true;
}

struct store *
cli_open_store(const struct config *cfg, bool migrate)
{
	struct store_config sc = { .max_conns = cfg->db_conns };
	struct svc_err err = { 0 };
	struct store *s;
	int applied = 0;

	if (store_open(&s, cfg->db, &sc, &err) != SVC_OK) {
		cli_fail("cannot open database '%s': %s", cfg->db, err.msg);
		return NULL;
	}
	if (migrate && store_migrate(s, &applied, &err) != SVC_OK) {
		cli_fail("cannot migrate '%s': %s", cfg->db, err.msg);
		store_close(s);
		return NULL;
	}
	return s;
}

int
cmd_migrate(struct cli_args *a)
{
	static const char *const flags[] = { "db", NULL };
	struct svc_err err = { 0 };
	struct store *s;
	int applied = 0, version = 0;

	if (!cli_check_flags(a, flags, "migrate"))
		return 1;
	s = cli_open_store(&a->cfg, false);
	if (s == NULL)
		return 1;
	if (store_migrate(s, &applied, &err) != SVC_OK ||
	    store_schema_version(s, &version, &err) != SVC_OK) {
		store_close(s);
		return cli_fail("migrate: %s", err.msg);
	}
	printf("schema version %d (%d migration%s applied)\n", version, applied,
	    applied == 1 ? "" : "s");
	store_close(s);
	return 0;
}

/* ----- user add ----- */

struct add_ctx {
	struct user_draft d;
	struct arena *a;
	struct user *u;
};

static enum svc_code
user_add_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct add_ctx *c = arg;
	struct actor who = { 0, "cli", "local", "cli" };

	return user_create(db, c->a, &who, &c->d, &c->u, err);
}

/* Split "a,b,c" into an arena array. */
static size_t
split_roles(struct arena *a, const char *s, const char ***out)
{
	const char **v = arena_alloc(a, (ROLES_MAX + 1) * sizeof(*v));
	size_t n = 0;

	while (v != NULL && *s != '\0' && n < ROLES_MAX + 1) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len > 0)
			v[n++] = arena_strndup(a, s, len);
		s += len;
		if (*s == ',')
			s++;
	}
	*out = v;
	return n;
}

int
cmd_user(struct cli_args *a)
{
	static const char *const flags[] = { "db", "username", "role",
		"display-name", "customer-id", "department-id", NULL };
	char pw[PASSWORD_MAX + 2], hash[crypto_pwhash_STRBYTES];
	struct add_ctx c;
	struct arena arena;
	struct svc_err err = { 0 };
	struct store *s;
	struct db *db;
	const char *name, *roles, *cust, *dept;
	enum svc_code rc;
	sem_t slots;
	size_t len;
	int64_t n;

	if (a->argc < 1 || strcmp(a->argv[0], "add") != 0)
		return cli_fail("user: the only subcommand is 'add' (see "
		    "'aftersales user --help')");
	if (!cli_check_flags(a, flags, "user"))
		return 1;
	name = cli_flag(a, "username");
	roles = cli_flag(a, "role");
	if (name == NULL || name[0] == '\0')
		return cli_fail("user add: --username is required");
	if (roles == NULL || roles[0] == '\0')
		return cli_fail("user add: --role is required");
	if (fgets(pw, sizeof(pw), stdin) == NULL)
		return cli_fail("user add: give the password on standard input");
	len = strcspn(pw, "\r\n");
	pw[len] = '\0';
	if (len < PASSWORD_MIN || len > PASSWORD_MAX)
		return cli_fail("user add: the password must be %d to %d "
		    "characters", PASSWORD_MIN, PASSWORD_MAX);
	if (!utf8_valid(pw, len))
		return cli_fail("user add: the password is not valid UTF-8");
	sem_init(&slots, 0, 2);
	if (!auth_hash_password(&slots, pw, hash))
		return cli_fail("user add: cannot hash the password");
	sodium_memzero(pw, sizeof(pw));
	memset(&c, 0, sizeof(c));
	arena_init(&arena, 1u << 20);
	c.a = &arena;
	c.d.username = name;
	c.d.display_name = cli_flag(a, "display-name");
	c.d.password_hash = hash;
	c.d.active = true;
	c.d.nroles = split_roles(&arena, roles, &c.d.roles);
	cust = cli_flag(a, "customer-id");
	dept = cli_flag(a, "department-id");
	if (cust != NULL) {
		if (!str_to_i64(cust, strlen(cust), 1, INT64_MAX, &n))
			return cli_fail("user add: bad --customer-id");
		c.d.customer_id = n;
	}
	if (dept != NULL) {
		if (!str_to_i64(dept, strlen(dept), 1, INT64_MAX, &n))
			return cli_fail("user add: bad --department-id");
		c.d.department_id = n;
	}
	s = cli_open_store(&a->cfg, true);
	if (s == NULL) {
		arena_release(&arena);
		return 1;
	}
	rc = store_acquire(s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(s, db, user_add_tx, &c, &err);
		store_release(s, db);
	}
	if (rc == SVC_OK)
		printf("user '%s' created (id %lld)\n", c.u->username,
		    (long long)c.u->id);
	store_close(s);
	arena_release(&arena);
	sem_destroy(&slots);
	if (rc)
		return cli_fail("user add: %s%s%s", err.msg,
		    err.field[0] ? " (field " : "", err.field[0] ?
		    err.field : "");
	return 0;
}

/* ----- backup / restore ----- */

int
cmd_backup(struct cli_args *a)
{
	static const char *const flags[] = { "db", "out", NULL };
	struct svc_err err = { 0 };
	struct store *s;
	const char *out;
	enum svc_code rc;

	if (!cli_check_flags(a, flags, "backup"))
		return 1;
	out = cli_flag(a, "out");
	if (out == NULL || out[0] == '\0')
		return cli_fail("backup: --out FILE is required");
	s = cli_open_store(&a->cfg, false);
	if (s == NULL)
		return 1;
	rc = s->ops->backup(s, out, &err);
	store_close(s);
	if (rc)
		return cli_fail("backup: %s", err.msg);
	printf("backup written to %s\n", out);
	return 0;
}

static enum svc_code
optimize_tx(struct db *db, void *arg, struct svc_err *err)
{
	(void)arg;
	return search_compact(db, 0, err);
}

/* optimize: merge the search index into one segment (after a bulk load). */
int
cmd_optimize(struct cli_args *a)
{
	static const char *const flags[] = { "db", NULL };
	struct svc_err err = { 0 };
	struct store *s;
	enum svc_code rc;
	int64_t t0 = clock_mono_us();

	if (!cli_check_flags(a, flags, "optimize"))
		return 1;
	s = cli_open_store(&a->cfg, true);
	if (s == NULL)
		return 1;
	rc = store_write(s, NULL, optimize_tx, NULL, &err);
	store_close(s);
	if (rc)
		return cli_fail("optimize: %s", err.msg);
	printf("search index merged in %.1f s\n",
	    (double)(clock_mono_us() - t0) / 1e6);
	return 0;
}

int
cmd_restore(struct cli_args *a)
{
	static const char *const flags[] = { "db", "in", NULL };
	struct svc_err err = { 0 };
	struct store *s;
	const char *in;
	enum svc_code rc;

	if (!cli_check_flags(a, flags, "restore"))
		return 1;
	in = cli_flag(a, "in");
	if (in == NULL || in[0] == '\0')
		return cli_fail("restore: --in FILE is required");
	s = cli_open_store(&a->cfg, false);
	if (s == NULL)
		return 1;
	rc = s->ops->restore(s, in, &err);
	store_close(s);
	if (rc)
		return cli_fail("restore: %s", err.msg);
	printf("restored %s from %s\n", a->cfg.db, in);
	return 0;
}
