/*
 * org: the entity, person and asset commands, and `asset import`, which
 * turns an inventory spreadsheet (CSV) into assets.
 *
 * The import maps columns by header name (with the aliases that real
 * exports use), validates every row through the same store function as
 * `asset add`, and runs as one transaction: a single bad row refuses the
 * whole file with "FILE:LINE:COL: what" and leaves the database as it was.
 * It never guesses: an ambiguous header, a name given twice, an unknown
 * owner are errors, not warnings.
 */
#include "cli.h"
#include "../ingest/ingest.h"

#include <ctype.h>

/* ---- shared helpers -------------------------------------------------- */

/*
 * For the text table: "hostnames_json" becomes "hostnames" and its JSON
 * array of plain tokens ("[\"a\",\"b\"]") becomes "a b"; true/false become
 * yes/no.  The arrays hold only validated hostnames, addresses and tags,
 * which contain no quotes, commas or brackets.
 */
static void
table_flatten(struct fl_table *t)
{
	size_t r, len;
	int c;

	for (c = 0; c < t->ncol; c++) {
		len = strlen(t->names[c]);
		if (len <= 5 || strcmp(t->names[c] + len - 5, "_json") != 0)
			continue;
		t->names[c][len - 5] = '\0';
		t->types[c] = FL_COL_TEXT;
		for (r = 0; r < t->nrows; r++) {
			char *v = t->rows[r][c], *o;
			const char *p;

			if (v == NULL)
				continue;
			if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
				v[0] = v[0] == 't' ? 'y' : 'n';
				fl_strlcpy(v + 1, v[0] == 'y' ? "es" : "o", 3);
				continue;
			}
			for (p = v, o = v; *p; p++) {
				if (*p == '[' || *p == ']' || *p == '"')
					continue;
				*o++ = *p == ',' ? ' ' : *p;
			}
			*o = '\0';
		}
	}
}

static int
print_rows(struct fl_ctx *ctx, struct fl_table *t, fl_err rc, const char *cols,
	   int one)
{
	int code;

	if (rc != FL_OK) {
		fl_table_release(t);
		return fl_cli_fail(ctx, rc);
	}
	if (!ctx->json)
		table_flatten(t);
	code = one ? fl_table_print_one(ctx, t) : fl_table_print(ctx, t, cols);
	fl_table_release(t);
	return code;
}

static int
begin(struct fl_ctx *ctx)
{
	fl_err rc = fl_store_begin(ctx->st);

	return rc == FL_OK ? 0 : fl_cli_fail(ctx, rc);
}

/* 1-4 from an option, 0 when absent, -1 (after a message) when bad. */
static int
cia_opt(struct fl_ctx *ctx, const struct fl_args *a, const char *name,
	const char *what)
{
	const char *v = fl_arg(a, name);
	long n = 0;

	if (v == NULL)
		return 0;
	if (fl_parse_long(v, 1, 4, &n) != 0) {
		fl_cli_usage(ctx, "--%s (%s) must be 1-4, not '%s'", name, what, v);
		return -1;
	}
	return (int)n;
}

/*
 * Split s on ';', ',' and blanks into at most max tokens.  *copy owns the
 * bytes the tokens point into.  Returns the count, or -1 when there are
 * more than max tokens or no memory.
 */
static long
split_tokens(const char *s, char **copy, const char **toks, size_t max)
{
	size_t n = 0;
	char *p;

	if ((*copy = p = fl_strdup(s)) == NULL)
		return -1;
	for (;;) {
		while (*p && (strchr(";,", *p) || isspace((unsigned char)*p)))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == max)
			return -1;
		toks[n++] = p;
		while (*p && !strchr(";,", *p) && !isspace((unsigned char)*p))
			p++;
	}
	return (long)n;
}

/* ---- entity ------------------------------------------------------------ */

static const struct fl_opt entity_add_opts[] = {
	{"name", FL_OPT_VALUE, "NAME", "the entity's name (required)"},
	{"central", FL_OPT_FLAG, NULL, "this entity is the Group's central IT"},
	{"regime", FL_OPT_VALUE, "dora|nis2|none",
	 "regulatory regime for incident notification"},
	{NULL, 0, NULL, NULL}
};

static int
check_regime(struct fl_ctx *ctx, const char *r)
{
	if (r && !fl_entity_regime_valid(r))
		return fl_cli_usage(ctx, "unknown regime '%s' (dora, nis2 or none)", r);
	return 0;
}

static int
run_entity_add(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_entity_in e;
	int code;

	e.code = a->pos[0];
	e.name = fl_arg(a, "name");
	e.central = fl_flag(a, "central");
	e.regime = fl_arg(a, "regime");
	if (e.name == NULL)
		return fl_cli_usage(ctx, "'entity add' needs --name NAME");
	if ((code = check_regime(ctx, e.regime)) != 0 || (code = begin(ctx)) != 0)
		return code;
	if ((code = fl_cli_finish(ctx, fl_store_entity_add(ctx->st, &e, &ctx->diag))) != 0)
		return code;
	printf("created entity %s (%s)\n", e.code, e.name);
	return 0;
}

static const struct fl_opt entity_set_opts[] = {
	{"name", FL_OPT_VALUE, "NAME", "new name"},
	{"central", FL_OPT_VALUE, "yes|no", "whether this is the central IT"},
	{"regime", FL_OPT_VALUE, "dora|nis2|none", "regulatory regime"},
	{NULL, 0, NULL, NULL}
};

static int
run_entity_set(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_entity_in e;
	const char *central = fl_arg(a, "central");
	int code, changed = 0;

	e.code = NULL;
	e.name = fl_arg(a, "name");
	e.regime = fl_arg(a, "regime");
	e.central = -1;
	if (central && strcmp(central, "yes") == 0)
		e.central = 1;
	else if (central && strcmp(central, "no") == 0)
		e.central = 0;
	else if (central)
		return fl_cli_usage(ctx, "--central takes yes or no, not '%s'", central);
	if (e.name == NULL && e.regime == NULL && central == NULL)
		return fl_cli_usage(ctx, "'entity set' needs --name, --central or --regime");
	if ((code = check_regime(ctx, e.regime)) != 0 || (code = begin(ctx)) != 0)
		return code;
	code = fl_cli_finish(ctx, fl_store_entity_set(ctx->st, a->pos[0], &e, &changed,
					       &ctx->diag));
	if (code == 0)
		printf(changed ? "updated entity %s\n" : "entity %s unchanged\n",
		       a->pos[0]);
	return code;
}

static int
run_entity_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	(void)a;
	fl_table_init(&t);
	return print_rows(ctx, &t, fl_store_entity_list(ctx->st, fl_table_add, &t),
			  "code,name,central,regime,people,assets", 0);
}

static int
run_entity_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	fl_table_init(&t);
	return print_rows(ctx, &t,
			  fl_store_entity_show(ctx->st, a->pos[0], fl_table_add, &t,
					       &ctx->diag),
			  NULL, 1);
}

#define ENTITY_FIELDS \
	"  code        short unique code, e.g. HQ\n" \
	"  name        the entity's name\n" \
	"  central     true for the Group's central IT (at most one)\n" \
	"  regime      dora, nis2, none, or null when not stated\n" \
	"  people      people assigned to the entity\n" \
	"  assets      assets of the entity\n" \
	"  created_at  UTC timestamp"

/* ---- person ------------------------------------------------------------ */

static int
check_role(struct fl_ctx *ctx, const char *role)
{
	if (role && !fl_person_role_valid(role))
		return fl_cli_usage(ctx, "unknown role '%s' (one of " FL_PERSON_ROLES
				    ")", role);
	return 0;
}

static const struct fl_opt person_add_opts[] = {
	{"email", FL_OPT_VALUE, "EMAIL", "e-mail address, the person's key (required)"},
	{"name", FL_OPT_VALUE, "NAME", "full name (required)"},
	{"department", FL_OPT_VALUE, "DEPT", "department"},
	{"role", FL_OPT_VALUE, "ROLE",
	 "itso, citso, iso, control-owner, auditor or staff (default staff)"},
	{"entity", FL_OPT_VALUE, "CODE", "the entity the person works for"},
	{NULL, 0, NULL, NULL}
};

static int
run_person_add(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_person_in p;
	int code;

	p.email = fl_arg(a, "email");
	p.name = fl_arg(a, "name");
	p.department = fl_arg(a, "department");
	p.role = fl_arg(a, "role");
	p.entity = fl_arg(a, "entity");
	if (p.email == NULL || p.name == NULL)
		return fl_cli_usage(ctx, "'person add' needs --email EMAIL and --name NAME");
	if ((code = check_role(ctx, p.role)) != 0 || (code = begin(ctx)) != 0)
		return code;
	if ((code = fl_cli_finish(ctx, fl_store_person_add(ctx->st, &p, &ctx->diag))) != 0)
		return code;
	printf("created person %s (%s)\n", p.name, p.role ? p.role : "staff");
	return 0;
}

static const struct fl_opt person_set_opts[] = {
	{"email", FL_OPT_VALUE, "EMAIL", "new e-mail address"},
	{"name", FL_OPT_VALUE, "NAME", "new name"},
	{"department", FL_OPT_VALUE, "DEPT", "department ('' clears it)"},
	{"role", FL_OPT_VALUE, "ROLE",
	 "itso, citso, iso, control-owner, auditor or staff"},
	{"entity", FL_OPT_VALUE, "CODE", "entity ('' clears it)"},
	{NULL, 0, NULL, NULL}
};

static int
run_person_set(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_person_in p;
	int code, changed = 0;

	p.email = fl_arg(a, "email");
	p.name = fl_arg(a, "name");
	p.department = fl_arg(a, "department");
	p.role = fl_arg(a, "role");
	p.entity = fl_arg(a, "entity");
	if (!p.email && !p.name && !p.department && !p.role && !p.entity)
		return fl_cli_usage(ctx, "'person set' needs at least one of --email, "
				    "--name, --department, --role, --entity");
	if ((code = check_role(ctx, p.role)) != 0 || (code = begin(ctx)) != 0)
		return code;
	code = fl_cli_finish(ctx, fl_store_person_set(ctx->st, a->pos[0], &p, &changed,
					       &ctx->diag));
	if (code == 0)
		printf(changed ? "updated person %s\n" : "person %s unchanged\n",
		       a->pos[0]);
	return code;
}

static const struct fl_opt person_list_opts[] = {
	{"role", FL_OPT_VALUE, "ROLE", "only people with this role"},
	{"entity", FL_OPT_VALUE, "CODE", "only people of this entity"},
	{NULL, 0, NULL, NULL}
};

static int
run_person_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;
	int code;

	if ((code = check_role(ctx, fl_arg(a, "role"))) != 0)
		return code;
	fl_table_init(&t);
	return print_rows(ctx, &t,
			  fl_store_person_list(ctx->st, fl_arg(a, "role"),
					       fl_arg(a, "entity"), fl_table_add,
					       &t, &ctx->diag),
			  "email,name,department,role,entity,assets", 0);
}

static int
run_person_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	fl_table_init(&t);
	return print_rows(ctx, &t,
			  fl_store_person_show(ctx->st, a->pos[0], fl_table_add, &t,
					       &ctx->diag),
			  NULL, 1);
}

#define PERSON_FIELDS \
	"  email       e-mail address (lower case), the person's key\n" \
	"  name        full name\n" \
	"  department  department, or null\n" \
	"  role        itso, citso, iso, control-owner, auditor or staff\n" \
	"  entity      code of the person's entity, or null\n" \
	"  assets      number of assets the person owns\n" \
	"  created_at  UTC timestamp"

/* ---- asset --------------------------------------------------------------- */

#define MAX_TOKENS 512

/* Token lists of one asset, with the copies they point into. */
struct tokens {
	const char *hosts[MAX_TOKENS], *ips[MAX_TOKENS], *tags[MAX_TOKENS];
	char *copies[3 * MAX_TOKENS];
	size_t ncopies;
};

static void
tokens_release(struct tokens *t)
{
	size_t k;

	for (k = 0; k < t->ncopies; k++)
		free(t->copies[k]);
	t->ncopies = 0;
}

/* Split each of vals[0..n) into toks; returns the count or -1. */
static long
tokens_add(struct tokens *t, const char *const *vals, size_t n,
	   const char **toks)
{
	size_t k, total = 0;

	for (k = 0; k < n; k++) {
		char *copy = NULL;
		long got;

		if (t->ncopies == sizeof t->copies / sizeof *t->copies)
			return -1;
		got = split_tokens(vals[k], &copy, toks + total, MAX_TOKENS - total);
		if (copy)
			t->copies[t->ncopies++] = copy;
		if (got < 0)
			return -1;
		total += (size_t)got;
	}
	return (long)total;
}

static const struct fl_opt asset_add_opts[] = {
	{"hostname", FL_OPT_MULTI, "HOST", "hostname or FQDN the asset is known by"},
	{"ip", FL_OPT_MULTI, "IP", "IPv4 or IPv6 address"},
	{"owner", FL_OPT_VALUE, "PERSON", "owner, by e-mail or name"},
	{"entity", FL_OPT_VALUE, "CODE", "the entity the asset belongs to"},
	{"c", FL_OPT_VALUE, "1-4", "confidentiality (default 2)"},
	{"i", FL_OPT_VALUE, "1-4", "integrity (default 2)"},
	{"a", FL_OPT_VALUE, "1-4", "availability (default 2)"},
	{"tag", FL_OPT_MULTI, "TAG", "a tag (lower case, no blanks)"},
	{"description", FL_OPT_VALUE, "TEXT", "what the asset is"},
	{NULL, 0, NULL, NULL}
};

static const struct fl_opt asset_set_opts[] = {
	{"hostname", FL_OPT_MULTI, "HOST",
	 "hostname; the given ones replace all ('' removes all)"},
	{"ip", FL_OPT_MULTI, "IP", "IP address; the given ones replace all ('' removes all)"},
	{"owner", FL_OPT_VALUE, "PERSON", "owner, by e-mail or name ('' clears)"},
	{"entity", FL_OPT_VALUE, "CODE", "entity ('' clears)"},
	{"c", FL_OPT_VALUE, "1-4", "confidentiality"},
	{"i", FL_OPT_VALUE, "1-4", "integrity"},
	{"a", FL_OPT_VALUE, "1-4", "availability"},
	{"tag", FL_OPT_MULTI, "TAG", "tag; the given ones replace all ('' removes all)"},
	{"description", FL_OPT_VALUE, "TEXT", "what the asset is ('' clears)"},
	{NULL, 0, NULL, NULL}
};

static const char *const put_words[] = {"created", "updated", "unchanged"};

static int
asset_write(struct fl_ctx *ctx, const struct fl_args *a, enum fl_put_mode mode)
{
	struct fl_asset_in in;
	struct tokens *t;
	enum fl_put_result res = FL_PUT_UNCHANGED;
	enum fl_asset_field bad = FL_AF_NONE;
	const char *const *vals;
	long n;
	int nv, code;

	memset(&in, 0, sizeof in);
	in.name = a->pos[0];
	in.owner = fl_arg(a, "owner");
	in.entity = fl_arg(a, "entity");
	in.description = fl_arg(a, "description");
	if ((in.c = cia_opt(ctx, a, "c", "confidentiality")) < 0 ||
	    (in.i = cia_opt(ctx, a, "i", "integrity")) < 0 ||
	    (in.a = cia_opt(ctx, a, "a", "availability")) < 0)
		return FL_EX_USAGE;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return fl_cli_error(FL_EX_SOFTWARE, "out of memory");
	code = 0;
	if ((nv = fl_arg_multi(a, "hostname", &vals)) > 0) {
		if ((n = tokens_add(t, vals, (size_t)nv, t->hosts)) < 0)
			code = fl_cli_usage(ctx, "too many hostnames");
		in.hostnames = t->hosts;
		in.nhostnames = n < 0 ? 0 : (size_t)n;
	}
	if (code == 0 && (nv = fl_arg_multi(a, "ip", &vals)) > 0) {
		if ((n = tokens_add(t, vals, (size_t)nv, t->ips)) < 0)
			code = fl_cli_usage(ctx, "too many IP addresses");
		in.ips = t->ips;
		in.nips = n < 0 ? 0 : (size_t)n;
	}
	if (code == 0 && (nv = fl_arg_multi(a, "tag", &vals)) > 0) {
		if ((n = tokens_add(t, vals, (size_t)nv, t->tags)) < 0)
			code = fl_cli_usage(ctx, "too many tags");
		in.tags = t->tags;
		in.ntags = n < 0 ? 0 : (size_t)n;
	}
	if (code == 0 && mode == FL_PUT_UPDATE && !in.owner && !in.entity &&
	    !in.description && !in.c && !in.i && !in.a && !in.hostnames &&
	    !in.ips && !in.tags)
		code = fl_cli_usage(ctx, "'asset set' needs at least one option "
				    "(see --help)");
	if (code == 0 && (code = begin(ctx)) == 0)
		code = fl_cli_finish(ctx, fl_store_asset_put(ctx->st, &in, mode, &res, &bad,
						      &ctx->diag));
	tokens_release(t);
	free(t);
	if (code == 0)
		printf(res == FL_PUT_UNCHANGED ? "asset %s %s\n" : "%s asset %s\n",
		       res == FL_PUT_UNCHANGED ? in.name : put_words[res],
		       res == FL_PUT_UNCHANGED ? put_words[res] : in.name);
	return code;
}

static int
run_asset_add(struct fl_ctx *ctx, const struct fl_args *a)
{
	return asset_write(ctx, a, FL_PUT_CREATE);
}

static int
run_asset_set(struct fl_ctx *ctx, const struct fl_args *a)
{
	return asset_write(ctx, a, FL_PUT_UPDATE);
}

static const struct fl_opt asset_list_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE", "only assets of this entity"},
	{"tag", FL_OPT_VALUE, "TAG", "only assets with this tag"},
	{NULL, 0, NULL, NULL}
};

static int
run_asset_list(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	fl_table_init(&t);
	return print_rows(ctx, &t,
			  fl_store_asset_list(ctx->st, fl_arg(a, "entity"),
					      fl_arg(a, "tag"), fl_table_add, &t,
					      &ctx->diag),
			  "name,entity,owner,c,i,a,hostnames,ips,tags", 0);
}

static int
run_asset_show(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct fl_table t;

	fl_table_init(&t);
	return print_rows(ctx, &t,
			  fl_store_asset_show(ctx->st, a->pos[0], fl_table_add, &t,
					      &ctx->diag),
			  NULL, 1);
}

#define ASSET_FIELDS \
	"  name         unique name of the asset\n" \
	"  description  what it is, or null\n" \
	"  owner        e-mail of the owner, or null\n" \
	"  entity       code of the entity, or null\n" \
	"  c, i, a      confidentiality, integrity, availability: 1 (low) to 4\n" \
	"  tags         array of tags (lower case)\n" \
	"  status       active, discovered or retired\n" \
	"  hostnames    array of hostnames (lower case)\n" \
	"  ips          array of IP addresses (canonical form)\n" \
	"  created_at   UTC timestamp\n" \
	"  updated_at   UTC timestamp of the last change"

/* ---- asset import ------------------------------------------------------ */

enum { F_NAME, F_HOSTS, F_IPS, F_OWNER, F_ENTITY, F_C, F_I, F_A, F_TAGS,
       F_DESC, F_N };

static const char *const field_names[F_N] = {
	"name", "hostnames", "IP addresses", "owner", "entity",
	"confidentiality", "integrity", "availability", "tags", "description"
};

/*
 * Header names, compared after lower-casing, turning '_', '-' and '.' into
 * blanks and dropping a parenthesised note ("Confidentiality (1-4)").
 * "hostname" and "host" name the asset when no other column does, and give
 * its hostnames otherwise.
 */
static const struct {
	int field;
	const char *alias;
} col_aliases[] = {
	{F_NAME, "name"}, {F_NAME, "asset"}, {F_NAME, "asset name"},
	{F_HOSTS, "hostnames"}, {F_HOSTS, "host names"}, {F_HOSTS, "fqdn"},
	{F_HOSTS, "fqdns"}, {F_HOSTS, "dns name"}, {F_HOSTS, "dns names"},
	{F_IPS, "ip"}, {F_IPS, "ips"}, {F_IPS, "ip address"},
	{F_IPS, "ip addresses"}, {F_IPS, "ipv4"}, {F_IPS, "ipv6"},
	{F_IPS, "addresses"},
	{F_OWNER, "owner"}, {F_OWNER, "owner email"}, {F_OWNER, "asset owner"},
	{F_ENTITY, "entity"}, {F_ENTITY, "entity code"},
	{F_C, "confidentiality"}, {F_C, "c"},
	{F_I, "integrity"}, {F_I, "i"},
	{F_A, "availability"}, {F_A, "a"},
	{F_TAGS, "tags"}, {F_TAGS, "tag"}, {F_TAGS, "labels"},
	{F_DESC, "description"}, {F_DESC, "desc"},
};

#define F_DEFERRED (-2) /* "hostname"/"host": decided after the others */

static void
norm_header(const char *s, char *out, size_t outsz)
{
	size_t o = 0;
	int space = 1; /* drops leading blanks and collapses runs */

	for (; *s && *s != '(' && o + 1 < outsz; s++) {
		unsigned char c = (unsigned char)*s;
		if (isspace(c) || c == '_' || c == '-' || c == '.') {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		out[o++] = (char)tolower(c);
		space = 0;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static int
header_field(const char *norm)
{
	size_t k;

	if (strcmp(norm, "hostname") == 0 || strcmp(norm, "host") == 0)
		return F_DEFERRED;
	for (k = 0; k < sizeof col_aliases / sizeof *col_aliases; k++)
		if (strcmp(norm, col_aliases[k].alias) == 0)
			return col_aliases[k].field;
	return -1;
}

/* Names seen so far in the file, to refuse an asset given twice. */
struct seen {
	char **names;
	unsigned long *lines;
	size_t n, cap; /* cap is a power of two; open addressing */
};

static size_t
seen_hash(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)tolower((unsigned char)*s);
	return h;
}

/* 0 when added, the first line when already there, -1 without memory. */
static long
seen_add(struct seen *s, const char *name, unsigned long line)
{
	size_t k;

	if (s->n * 2 >= s->cap) {
		struct seen g = {NULL, NULL, 0, s->cap ? s->cap * 2 : 64};
		g.names = calloc(g.cap, sizeof *g.names);
		g.lines = calloc(g.cap, sizeof *g.lines);
		if (g.names == NULL || g.lines == NULL) {
			free(g.names);
			free(g.lines);
			return -1;
		}
		for (k = 0; k < s->cap; k++) {
			size_t h;
			if (s->names[k] == NULL)
				continue;
			for (h = seen_hash(s->names[k]) & (g.cap - 1); g.names[h];
			     h = (h + 1) & (g.cap - 1))
				;
			g.names[h] = s->names[k];
			g.lines[h] = s->lines[k];
		}
		free(s->names);
		free(s->lines);
		g.n = s->n;
		*s = g;
	}
	for (k = seen_hash(name) & (s->cap - 1); s->names[k];
	     k = (k + 1) & (s->cap - 1))
		if (fl_streq_ci(s->names[k], name))
			return (long)s->lines[k];
	if ((s->names[k] = fl_strdup(name)) == NULL)
		return -1;
	s->lines[k] = line;
	s->n++;
	return 0;
}

static void
seen_release(struct seen *s)
{
	size_t k;

	for (k = 0; k < s->cap; k++)
		free(s->names[k]);
	free(s->names);
	free(s->lines);
	memset(s, 0, sizeof *s);
}

struct import {
	struct fl_ctx *ctx;
	const char *file;
	const char *entity; /* --entity: for rows that name none */
	long col[F_N];      /* column of each field, or -1 */
	size_t width;       /* columns in the header */
	struct fl_buf ignored;
	struct seen seen;
	long count[3];      /* created, updated, unchanged */
	int progress;       /* rows counted on stderr (a terminal only) */
};

static fl_err
import_header(struct import *im, const struct fl_csv_record *rec,
	      struct fl_diag *d)
{
	long deferred[2] = {-1, -1};
	size_t k, nd = 0;
	char norm[128];
	int f;

	im->width = rec->nfields;
	for (f = 0; f < F_N; f++)
		im->col[f] = -1;
	for (k = 0; k < rec->nfields; k++) {
		norm_header(rec->fields[k], norm, sizeof norm);
		f = header_field(norm);
		if (f == F_DEFERRED && nd < 2) {
			deferred[nd++] = (long)k;
			continue;
		}
		if (f == F_DEFERRED || (f >= 0 && im->col[f] >= 0))
			return fl_diag_set(d, FL_E_SYNTAX, im->file, rec->line, k + 1,
					   "column '%s' repeats the %s column",
					   rec->fields[k],
					   f >= 0 ? field_names[f] : "hostname");
		if (f >= 0) {
			im->col[f] = (long)k;
		} else if (rec->lens[k] > 0) {
			fl_buf_puts(&im->ignored, im->ignored.len ? ", '" : "'");
			fl_buf_puts(&im->ignored, rec->fields[k]);
			fl_buf_puts(&im->ignored, "'");
		}
	}
	for (k = 0; k < nd; k++) {
		f = im->col[F_NAME] < 0 ? F_NAME : F_HOSTS;
		if (im->col[f] >= 0)
			return fl_diag_set(d, FL_E_SYNTAX, im->file, rec->line,
					   (unsigned long)deferred[k] + 1,
					   "column '%s' repeats the %s column",
					   rec->fields[deferred[k]], field_names[f]);
		im->col[f] = deferred[k];
	}
	if (im->col[F_NAME] < 0)
		return fl_diag_set(d, FL_E_SYNTAX, im->file, rec->line, 1,
				   "no asset name column (name, asset, asset name, "
				   "hostname or host)");
	return FL_OK;
}

/* The trimmed cell of field f, or NULL when the file has no such column. */
static char *
cell(const struct import *im, const struct fl_csv_record *rec, int f,
     char **own)
{
	if (im->col[f] < 0)
		return NULL;
	*own = fl_strdup(fl_csv_get(rec, im->col[f]));
	return *own ? fl_trim(*own) : NULL;
}

static const int af_to_field[] = {
	[FL_AF_NONE] = -1, [FL_AF_NAME] = F_NAME, [FL_AF_DESCRIPTION] = F_DESC,
	[FL_AF_OWNER] = F_OWNER, [FL_AF_ENTITY] = F_ENTITY, [FL_AF_C] = F_C,
	[FL_AF_I] = F_I, [FL_AF_A] = F_A, [FL_AF_HOSTNAMES] = F_HOSTS,
	[FL_AF_IPS] = F_IPS, [FL_AF_TAGS] = F_TAGS,
};

/* Put the diag at the field's column of this record (col 1 when none). */
static fl_err
at_field(const struct import *im, const struct fl_csv_record *rec, int f,
	 fl_err rc, struct fl_diag *d)
{
	char msg[sizeof d->msg];

	fl_strlcpy(msg, d->msg, sizeof msg);
	return fl_diag_set(d, rc, im->file, rec->line,
			   f >= 0 && im->col[f] >= 0 ? (unsigned long)im->col[f] + 1
						     : 1,
			   "%s", msg);
}

static fl_err
import_row(struct import *im, const struct fl_csv_record *rec,
	   struct fl_diag *d)
{
	static const char *const cia[] = {"confidentiality", "integrity",
					  "availability"};
	struct fl_asset_in in;
	struct tokens *t = NULL;
	enum fl_put_result res;
	enum fl_asset_field bad = FL_AF_NONE;
	char *own[F_N] = {NULL}, *v[F_N];
	fl_err rc = FL_OK;
	size_t k;
	long first;
	int f, empty = 1;

	for (k = 0; k < rec->nfields && empty; k++)
		for (const char *p = rec->fields[k]; *p && empty; p++)
			empty = isspace((unsigned char)*p) != 0;
	if (empty) /* a row of empty cells, as spreadsheets leave them */
		return FL_OK;
	for (k = im->width; k < rec->nfields; k++)
		if (rec->lens[k] > 0)
			return fl_diag_set(d, FL_E_SYNTAX, im->file, rec->line, k + 1,
					   "value beyond the header's %zu columns",
					   im->width);
	for (f = 0; f < F_N; f++) {
		v[f] = cell(im, rec, f, &own[f]);
		if (im->col[f] >= 0 && v[f] == NULL) {
			rc = fl_diag_set(d, FL_E_NOMEM, im->file, rec->line, 1,
					 "out of memory");
			goto out;
		}
	}
	memset(&in, 0, sizeof in);
	in.name = v[F_NAME];
	if (*in.name == '\0') {
		rc = fl_diag_msg(d, FL_E_SYNTAX, "missing asset name");
		rc = at_field(im, rec, F_NAME, rc, d);
		goto out;
	}
	if ((first = seen_add(&im->seen, in.name, rec->line)) != 0) {
		rc = first < 0 ? fl_diag_msg(d, FL_E_NOMEM, "out of memory")
			       : fl_diag_msg(d, FL_E_SYNTAX,
					     "asset '%s' is already on line %ld",
					     in.name, first);
		rc = at_field(im, rec, F_NAME, rc, d);
		goto out;
	}
	for (f = F_C; f <= F_A; f++) {
		long n = 0;
		int *dst = f == F_C ? &in.c : f == F_I ? &in.i : &in.a;

		/* an empty cell leaves an assessment as it is */
		if (v[f] == NULL || *v[f] == '\0')
			continue;
		if (fl_parse_long(v[f], 1, 4, &n) != 0) {
			rc = fl_diag_msg(d, FL_E_SYNTAX, "%s must be 1-4, not '%s'",
					 cia[f - F_C], v[f]);
			rc = at_field(im, rec, f, rc, d);
			goto out;
		}
		*dst = (int)n;
	}
	in.owner = v[F_OWNER];
	in.description = v[F_DESC];
	in.entity = v[F_ENTITY];
	if ((in.entity == NULL || *in.entity == '\0') && im->entity)
		in.entity = im->entity;
	if ((t = calloc(1, sizeof *t)) == NULL) {
		rc = fl_diag_msg(d, FL_E_NOMEM, "out of memory");
		goto out;
	}
	{
		static const int lf[] = {F_HOSTS, F_IPS, F_TAGS};
		const char **dst[] = {t->hosts, t->ips, t->tags};
		const char *const **lists[] = {&in.hostnames, &in.ips, &in.tags};
		size_t *counts[] = {&in.nhostnames, &in.nips, &in.ntags};

		for (k = 0; k < 3; k++) {
			const char *one[1];
			long n;

			if (v[lf[k]] == NULL)
				continue;
			one[0] = v[lf[k]];
			if ((n = tokens_add(t, one, 1, dst[k])) < 0) {
				rc = fl_diag_msg(d, FL_E_SYNTAX, "more than %d %s",
						 MAX_TOKENS, field_names[lf[k]]);
				rc = at_field(im, rec, lf[k], rc, d);
				goto out;
			}
			*lists[k] = dst[k];
			*counts[k] = (size_t)n;
		}
	}
	rc = fl_store_asset_put(im->ctx->st, &in, FL_PUT_UPSERT, &res, &bad, d);
	if (rc == FL_E_INVAL || rc == FL_E_NOTFOUND)
		rc = at_field(im, rec, af_to_field[bad], rc, d);
	else if (rc == FL_OK)
		im->count[res]++;
out:
	if (t) {
		tokens_release(t);
		free(t);
	}
	for (f = 0; f < F_N; f++)
		free(own[f]);
	return rc;
}

static fl_err
import_record(void *ctx, const struct fl_csv_record *rec, struct fl_diag *d)
{
	struct import *im = ctx;

	if (rec->index == 0)
		return import_header(im, rec, d);
	if (im->progress && rec->index % 1000 == 0)
		fprintf(stderr, "\r%s: %zu rows", im->file, rec->index);
	return import_row(im, rec, d);
}

static const struct fl_opt asset_import_opts[] = {
	{"entity", FL_OPT_VALUE, "CODE",
	 "entity of the assets whose row names none"},
	{NULL, 0, NULL, NULL}
};

static int
run_asset_import(struct fl_ctx *ctx, const struct fl_args *a)
{
	struct import im;
	struct fl_buf data;
	const char *file = a->pos[0];
	long long eid = 0;
	fl_err rc;
	int code;

	memset(&im, 0, sizeof im);
	im.ctx = ctx;
	im.file = file;
	im.entity = fl_arg(a, "entity");
	if (im.entity && *im.entity == '\0')
		im.entity = NULL;
	if (im.entity) {
		rc = fl_store_entity_find(ctx->st, im.entity, &eid);
		if (rc == FL_E_NOTFOUND)
			return fl_cli_error(FL_EX_DATA, "unknown entity '%s'", im.entity);
		if (rc != FL_OK)
			return fl_cli_fail(ctx, rc);
	}
	fl_buf_init(&data, 0);
	if ((rc = fl_buf_read_file(&data, file, &ctx->diag)) != FL_OK) {
		fl_buf_release(&data);
		return fl_cli_fail(ctx, rc);
	}
	if ((code = begin(ctx)) != 0) {
		fl_buf_release(&data);
		return code;
	}
	fl_buf_init(&im.ignored, 4096);
	im.progress = fl_cli_progress_enabled();
	rc = fl_csv_parse(data.data, data.len, file, 0, NULL, import_record, &im,
			  &ctx->diag);
	if (im.progress)
		fputs("\r\033[K", stderr);
	if (rc == FL_OK && im.width == 0)
		rc = fl_diag_set(&ctx->diag, FL_E_SYNTAX, file, 1, 1,
				 "empty file: expected a header row");
	fl_buf_release(&data);
	seen_release(&im.seen);
	code = fl_cli_finish(ctx, rc);
	if (code == 0) {
		if (im.ignored.len)
			fprintf(stderr, "firstline: %s: ignored columns %s\n", file,
				fl_buf_str(&im.ignored));
		printf("%s: %ld created, %ld updated, %ld unchanged\n", file,
		       im.count[FL_PUT_CREATED], im.count[FL_PUT_UPDATED],
		       im.count[FL_PUT_UNCHANGED]);
	}
	fl_buf_release(&im.ignored);
	return code;
}

/* ---- the table ----------------------------------------------------------- */

const struct fl_cmd fl_cmds_org[] = {
	{"entity", "add", "CODE", "add an entity of the Group",
	 "Adds a legal entity or org unit under a short CODE (letters, digits,\n"
	 "'.', '_', '-').  One entity may be the Group's central IT (--central).\n"
	 "Codes and names are unique, so either names the entity elsewhere.",
	 entity_add_opts, 1, 1, 0, run_entity_add, NULL},
	{"entity", "set", "CODE", "change an entity's name, central flag or regime",
	 "Changes the given fields of the entity named by its code or name.",
	 entity_set_opts, 1, 1, 0, run_entity_set, NULL},
	{"entity", "list", NULL, "list the entities",
	 "Every entity, the central IT first, with its people and assets.",
	 NULL, 0, 0, FL_CMD_JSON, run_entity_list, ENTITY_FIELDS},
	{"entity", "show", "CODE", "show one entity",
	 "One entity by code or name; --json prints one object.",
	 NULL, 1, 1, FL_CMD_JSON, run_entity_show, ENTITY_FIELDS},

	{"person", "add", NULL, "add a person",
	 "Adds a person with an e-mail address (unique, stored in lower case),\n"
	 "a name, and a role: itso, citso, iso, control-owner, auditor or staff.\n"
	 "Elsewhere a person is named by e-mail or by name; a name several\n"
	 "people share must be given as the e-mail.",
	 person_add_opts, 0, 0, 0, run_person_add, NULL},
	{"person", "set", "KEY", "change a person's role or other fields",
	 "Changes the given fields of the person named by KEY (e-mail or name).\n"
	 "Setting a field to its current value changes nothing and writes no\n"
	 "audit entry.",
	 person_set_opts, 1, 1, 0, run_person_set, NULL},
	{"person", "list", NULL, "list people",
	 "Everyone, by name; --role and --entity narrow the list.",
	 person_list_opts, 0, 0, FL_CMD_JSON, run_person_list, PERSON_FIELDS},
	{"person", "show", "KEY", "show one person",
	 "One person by e-mail or name; --json prints one object.",
	 NULL, 1, 1, FL_CMD_JSON, run_person_show, PERSON_FIELDS},

	{"asset", "add", "NAME", "add an asset",
	 "Adds an asset with the hostnames and IP addresses scanners and logs\n"
	 "know it by, an owner, an entity, criticality for confidentiality,\n"
	 "integrity and availability (1 low to 4 very high; 2 when not given)\n"
	 "and tags.  Hostnames, addresses and tags may also be given as one\n"
	 "value separated by ';', ',' or blanks.  IP addresses are checked\n"
	 "(IPv4 or IPv6); an address already held by another asset is refused.",
	 asset_add_opts, 1, 1, 0, run_asset_add, NULL},
	{"asset", "set", "NAME", "change an asset's owner, criticality, addresses or tags",
	 "Changes the given fields of an existing asset; --hostname, --ip and\n"
	 "--tag replace the whole list.  Setting the values it already has\n"
	 "changes nothing and writes no audit entry.",
	 asset_set_opts, 1, 1, 0, run_asset_set, NULL},
	{"asset", "list", NULL, "list assets",
	 "Every asset by name; --entity and --tag narrow the list.",
	 asset_list_opts, 0, 0, FL_CMD_JSON, run_asset_list, ASSET_FIELDS},
	{"asset", "show", "NAME|HOST|IP", "show one asset with its addresses",
	 "One asset, found by name, by one of its hostnames or by one of its IP\n"
	 "addresses (any spelling of an IPv6 address).",
	 NULL, 1, 1, FL_CMD_JSON, run_asset_show, ASSET_FIELDS},
	{"asset", "import", "FILE.csv", "create or update assets from a CSV inventory",
	 "Reads a CSV file with a header row (',' ';' or tab separated, UTF-8,\n"
	 "optional BOM).  Columns are found by header name, ignoring case,\n"
	 "blanks, '_', '-' and a note in parentheses; other columns are ignored\n"
	 "(and named on stderr):\n"
	 "  name             name, asset, asset name (or hostname, host when no\n"
	 "                   other column names the asset)\n"
	 "  hostnames        hostnames, host names, fqdn, fqdns, dns name(s),\n"
	 "                   or hostname, host when a name column exists\n"
	 "  IP addresses     ip, ips, ip address, ip addresses, ipv4, ipv6,\n"
	 "                   addresses\n"
	 "  owner            owner, owner email, asset owner (e-mail or name)\n"
	 "  entity           entity, entity code\n"
	 "  criticality      confidentiality or c, integrity or i,\n"
	 "                   availability or a (1-4)\n"
	 "  tags             tags, tag, labels\n"
	 "  description      description, desc\n"
	 "Several hostnames, addresses or tags in one cell are separated by\n"
	 "';', ',' or blanks.  Assets are matched by name (ignoring case): new\n"
	 "ones are created, known ones updated.  A column the file has sets\n"
	 "the field, and an empty cell clears it (no owner, no addresses, no\n"
	 "tags); an empty criticality cell keeps the current value (2 for a\n"
	 "new asset).  A row without an entity gets --entity when given.\n"
	 "\n"
	 "The file is imported in one transaction: a row with a missing name,\n"
	 "a name given twice, an unknown owner or entity, a criticality out of\n"
	 "1-4, an invalid IP address or hostname, or an address held by another\n"
	 "asset refuses the whole file with FILE:LINE:COLUMN (the column of the\n"
	 "field) and exit 65, and nothing is stored.  Importing the same file\n"
	 "again changes nothing and writes no audit entries.  Prints\n"
	 "\"FILE: N created, N updated, N unchanged\".",
	 asset_import_opts, 1, 1, 0, run_asset_import, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}
};
