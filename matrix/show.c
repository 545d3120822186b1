/*
 * cmd_show: "virt-matrix show caps|machines|abi|guest VERSION ... [--json]",
 * what the probe recorded about one QEMU install, for a person or a
 * script. Each subcommand is a row of show_commands[]; "show guest" lives
 * in showguest.c.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "installs.h"
#include "probe.h"
#include "show.h"
#include "binaries.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix show caps VERSION [--json]\n"
	"       virt-matrix show machines VERSION [--json]\n"
	"       virt-matrix show abi VERSION [MACHINE] [--json]\n"
	"       virt-matrix show guest VERSION MACHINE [--table TABLE] [--json]\n"
	"\n"
	"What 'virt-matrix probe' recorded about the QEMU install VERSION\n"
	"(a name from 'virt-matrix ark list', e.g. 10.0.2 or 7.2.22-system).\n"
	"'show abi' lists the fingerprint of each versioned machine type and\n"
	"which ones are equal; with MACHINE it prints that machine's lines.\n"
	"'show guest' lists what the guest of the versioned machine type MACHINE\n"
	"sees (ACPI tables, SMBIOS, PCI functions, virtio devices, fw_cfg, e820,\n"
	"CPUID, local APIC): each item with its size, sha256 and what its header\n"
	"says; with --table, those items decoded (ACPI as ASL, SMBIOS as\n"
	"dmidecode does).\n"
	"\n"
	"options:\n"
	"  --json         machine-readable output (with --table: decoded lines\n"
	"                 and the raw bytes in hex)\n"
	"  --table TABLE  show guest: an ACPI signature (DSDT, FACP, APIC, SSDT:\n"
	"                 all SSDTs; any case), smbios, pci, pci:BB:DD.F, cpuid,\n"
	"                 e820, fwcfg, lapic, virtio, or an item's name\n"
	"  --db PATH      store (env VIRT_MATRIX_DB)\n";

static long long count(struct store *st, const char *table, long long id)
{
	char sql[128];
	auto_stmt *q = NULL;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE binary = ?",
		 table);
	if (store_prepare(st, &q, sql))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	return sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
}

static const char *col(sqlite3_stmt *q, int i)
{
	const unsigned char *s = sqlite3_column_text(q, i);

	return s ? (const char *)s : NULL;
}

/* There is no install VERSION: says which there are. */
static long long no_install(struct store *st, const char *version)
{
	struct install *v = NULL;
	struct strbuf have = STRBUF_INIT, esc = STRBUF_INIT;
	size_t n = 0;

	if (installs_list(st, "qemu", &v, &n))
		return -1;
	for (size_t i = 0; i < n; i++)
		sb_printf(&have, " %s", v[i].version);
	error("no QEMU install named '%s'; installed:%s (see 'virt-matrix ark "
	      "list')",
	      str_printable(&esc, version, strlen(version), 100),
	      n ? have.buf : " none");
	installs_free(v, n);
	strbuf_release(&have);
	strbuf_release(&esc);
	return -1;
}

/* The binary id of install VERSION, probed; -1 (reported) otherwise. */
static long long find_binary(struct store *st, const char *version,
			     struct install *in)
{
	long long id;
	int r = installs_get(st, "qemu", version, in);

	if (r)
		return r > 0 ? no_install(st, version) : -1;
	r = binary_find(st, in->binary_path, &id);
	if (r < 0)
		return -1;
	if (r > 0)
		return error("qemu %s (%s) has not been probed; run 'virt-matrix "
			     "probe %s'",
			     version, in->binary_path, version);
	return id;
}

static void jadd(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static char *dup_col(sqlite3_stmt *q, int i)
{
	const char *s = col(q, i);

	return s ? xstrdup(s) : NULL;
}

/* A column the record leaves empty, as the text output shows it. */
static const char *nn(const char *s)
{
	return s ? s : "-";
}

/* json to out, one document and a newline. */
static void print_json(FILE *out, json_object *j, int flags)
{
	fprintf(out, "%s\n", json_object_to_json_string_ext(j, flags));
}

static void pairs_release(struct show_pairs *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		free(p->v[i].name);
		free(p->v[i].note);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* The rows of sql (name, note[, flag]) for binary id, appended to p. */
static int read_pairs(struct store *st, const char *sql, long long id,
		      struct show_pairs *p)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, sql))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		ALLOC_GROW(p->v, p->nr + 1, p->alloc);
		p->v[p->nr].name = dup_col(q, 0);
		p->v[p->nr].note = dup_col(q, 1);
		p->v[p->nr++].flag =
			sqlite3_column_count(q) > 2 ? sqlite3_column_int(q, 2) : 0;
	}
	return 0;
}

/* The row counts of each table of binary id (-1 where unreadable). */
static void read_counts(struct store *st, long long id, struct show_caps *c)
{
	c->machine_types = count(st, "machine_types", id);
	c->cpu_models = count(st, "cpu_models", id);
	c->qom_types = count(st, "qom_types", id);
	c->qmp_commands = count(st, "qmp_commands", id);
	c->cmdline_options = count(st, "cmdline_options", id);
}

/* The probe record of binary id and its number of devices and properties. */
static int read_record(struct store *st, long long id, struct show_caps *c)
{
	auto_stmt *d = NULL;
	int r;

	if (store_prepare(st, &d,
			  "SELECT count(DISTINCT device), count(*) FROM"
			  " device_props WHERE binary = ?"))
		return -1;
	sqlite3_bind_int64(d, 1, id);
	r = binary_get(st, id, &c->b);
	if (r || sqlite3_step(d) != SQLITE_ROW)
		return r < 0 ? -1 : store_error(st, "cannot read the probe record");
	c->devices = sqlite3_column_int64(d, 0);
	c->props = sqlite3_column_int64(d, 1);
	return 0;
}

int show_caps_read(struct store *st, long long id, struct show_caps *c)
{
	memset(c, 0, sizeof(*c));
	if (read_pairs(st,
		       "SELECT name, detail, usable FROM accelerators"
		       " WHERE binary = ? ORDER BY name",
		       id, &c->accels) ||
	    read_pairs(st,
		       "SELECT device, error FROM device_failures"
		       " WHERE binary = ? ORDER BY device",
		       id, &c->failures) ||
	    read_pairs(st,
		       "SELECT command, error_class FROM unsupported_queries"
		       " WHERE binary = ? ORDER BY command",
		       id, &c->unsupported))
		return -1;
	read_counts(st, id, c);
	return read_record(st, id, c);
}

void show_caps_release(struct show_caps *c)
{
	binary_record_release(&c->b);
	pairs_release(&c->accels);
	pairs_release(&c->failures);
	pairs_release(&c->unsupported);
}

/* A JSON array of p's rows as objects {name_key, note_key}. */
static json_object *pairs_json(const struct show_pairs *p, const char *name_key,
			       const char *note_key)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->nr; i++) {
		json_object *o = json_object_new_object();

		jadd(o, name_key, p->v[i].name);
		jadd(o, note_key, p->v[i].note);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *accels_json(const struct show_pairs *p)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < p->nr; i++) {
		json_object *o = json_object_new_object();

		jadd(o, "name", p->v[i].name);
		json_object_object_add(o, "usable",
				       json_object_new_boolean(p->v[i].flag));
		jadd(o, "detail", p->v[i].note);
		json_object_array_add(arr, o);
	}
	return arr;
}

static void add_count(json_object *o, const char *k, long long n)
{
	json_object_object_add(o, k, json_object_new_int64(n));
}

static void print_caps_json(FILE *out, const struct install *in,
			    const struct show_caps *c)
{
	json_object *root = json_object_new_object();

	jadd(root, "install", in->version);
	jadd(root, "binary", in->binary_path);
	jadd(root, "sha256", c->b.sha256);
	jadd(root, "version", c->b.version);
	jadd(root, "package", c->b.package);
	jadd(root, "target", c->b.target);
	jadd(root, "probed_at", c->b.probed_at);
	json_object_object_add(root, "probe_seconds",
			       json_object_new_double(c->b.probe_seconds));
	jadd(root, "qmp_schema_sha256", c->b.schema_sha256);
	json_object_object_add(root, "accelerators", accels_json(&c->accels));
	add_count(root, "machine_types", c->machine_types);
	add_count(root, "cpu_models", c->cpu_models);
	add_count(root, "qom_types", c->qom_types);
	add_count(root, "devices", c->devices);
	add_count(root, "device_properties", c->props);
	add_count(root, "qmp_commands", c->qmp_commands);
	add_count(root, "cmdline_option_parameters", c->cmdline_options);
	json_object_object_add(root, "device_failures",
			       pairs_json(&c->failures, "device", "error"));
	json_object_object_add(root, "unsupported_queries",
			       pairs_json(&c->unsupported, "command",
					  "error_class"));
	print_json(out, root,
		   JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			   JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(root);
}

/* The "sha256 ... probed" lines of the text output. */
static void print_record_text(FILE *out, const struct install *in,
			      const struct binary_record *b)
{
	int pkg = b->package && *b->package;

	fprintf(out, "qemu %s  %s\n", in->version, in->binary_path);
	fprintf(out, "  %-14s %s\n", "sha256", b->sha256);
	fprintf(out, "  %-14s %s%s%s%s\n", "version", nn(b->version),
		pkg ? " (" : "", pkg ? b->package : "", pkg ? ")" : "");
	fprintf(out, "  %-14s %s\n", "target", nn(b->target));
	fprintf(out, "  %-14s %s, in %.2fs\n", "probed", nn(b->probed_at),
		b->probe_seconds);
}

static void print_caps_text(FILE *out, const struct install *in,
			    const struct show_caps *c)
{
	print_record_text(out, in, &c->b);
	for (size_t k = 0; k < c->accels.nr; k++)
		fprintf(out, "  %-14s %s: %s (%s)\n", k ? "" : "accelerators",
			nn(c->accels.v[k].name),
			c->accels.v[k].flag ? "usable" : "not usable",
			nn(c->accels.v[k].note));
	fprintf(out, "  %-14s %lld\n", "machine types", c->machine_types);
	fprintf(out, "  %-14s %lld\n", "cpu models", c->cpu_models);
	fprintf(out, "  %-14s %lld\n", "qom types", c->qom_types);
	fprintf(out, "  %-14s %lld, with %lld properties\n", "devices",
		c->devices, c->props);
	fprintf(out, "  %-14s %lld\n", "qmp commands", c->qmp_commands);
	for (size_t k = 0; k < c->failures.nr; k++)
		fprintf(out, "  %-14s %s: %s\n", k ? "" : "device failures",
			nn(c->failures.v[k].name), nn(c->failures.v[k].note));
	for (size_t k = 0; k < c->unsupported.nr; k++)
		fprintf(out, "  %-14s %s (%s)\n", k ? "" : "unsupported",
			nn(c->unsupported.v[k].name),
			nn(c->unsupported.v[k].note));
}

void show_caps_print(FILE *out, const struct install *in,
		     const struct show_caps *c, int json)
{
	if (json)
		print_caps_json(out, in, c);
	else
		print_caps_text(out, in, c);
}

static int show_caps(struct store *st, long long id, const struct install *in,
		     int json)
{
	struct show_caps c;
	int ret = show_caps_read(st, id, &c);

	if (!ret)
		show_caps_print(stdout, in, &c, json);
	show_caps_release(&c);
	return ret;
}

int show_abi_machine_read(struct store *st, long long id, const char *machine,
			  struct show_abi_machine *m)
{
	auto_stmt *q = NULL;

	memset(m, 0, sizeof(*m));
	if (store_prepare(st, &q,
			  "SELECT m.status, m.fingerprint, m.devices,"
			  " m.dropped, m.error, t.text FROM machine_abi m"
			  " LEFT JOIN abi_texts t ON t.sha256 = m.fingerprint"
			  " WHERE m.binary = ? AND m.machine = ?"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, machine);
	if (sqlite3_step(q) != SQLITE_ROW)
		return error("no ABI record for machine type '%s' (see "
			     "'virt-matrix show abi VERSION')",
			     machine);
	m->machine = xstrdup(machine);
	m->status = dup_col(q, 0);
	m->fingerprint = dup_col(q, 1);
	m->devices = dup_col(q, 2);
	m->dropped = dup_col(q, 3);
	m->error = dup_col(q, 4);
	m->text = dup_col(q, 5);
	return 0;
}

void show_abi_machine_release(struct show_abi_machine *m)
{
	free(m->machine);
	free(m->status);
	free(m->fingerprint);
	free(m->devices);
	free(m->dropped);
	free(m->error);
	free(m->text);
	memset(m, 0, sizeof(*m));
}

json_object *show_lines_json(const char *t)
{
	json_object *lines = json_object_new_array();

	while (t && *t) {
		size_t n = strcspn(t, "\n");

		json_object_array_add(lines, json_object_new_string_len(t, (int)n));
		t += n + (t[n] ? 1 : 0);
	}
	return lines;
}

static void print_abi_machine_json(FILE *out, const struct show_abi_machine *m)
{
	json_object *o = json_object_new_object();

	jadd(o, "machine", m->machine);
	jadd(o, "status", m->status);
	jadd(o, "fingerprint", m->fingerprint);
	jadd(o, "devices", m->devices);
	jadd(o, "dropped", m->dropped);
	jadd(o, "error", m->error);
	json_object_object_add(o, "lines", show_lines_json(m->text));
	print_json(out, o,
		   JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			   JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(o);
}

static void print_abi_machine_text(FILE *out, const struct show_abi_machine *m)
{
	fprintf(out, "# %s  %s  fingerprint %s\n# devices: %s\n", m->machine,
		nn(m->status), m->fingerprint ? m->fingerprint : "-",
		m->devices ? m->devices : "-");
	if (m->dropped)
		fprintf(out, "# dropped: %s\n", m->dropped);
	if (m->error)
		fprintf(out, "# error: %s\n", m->error);
	if (m->text)
		fputs(m->text, out);
}

void show_abi_machine_print(FILE *out, const struct show_abi_machine *m,
			    int json)
{
	if (json)
		print_abi_machine_json(out, m);
	else
		print_abi_machine_text(out, m);
}

void show_abi_link_same(struct show_abi_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		const char *fp = l->v[i].fingerprint;

		l->v[i].same_as = NULL;
		for (size_t k = 0; fp && k < i; k++)
			if (l->v[k].fingerprint && !strcmp(l->v[k].fingerprint, fp)) {
				l->v[i].same_as = l->v[k].machine;
				break;
			}
	}
}

int show_abi_list_read(struct store *st, long long id, struct show_abi_list *l)
{
	auto_stmt *q = NULL;

	memset(l, 0, sizeof(*l));
	if (store_prepare(st, &q,
			  "SELECT machine, status, fingerprint, dropped, error,"
			  " seconds FROM machine_abi WHERE binary = ?"
			  " ORDER BY machine COLLATE version"))
		return -1;
	sqlite3_bind_int64(q, 1, id);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct show_abi_row *r;

		ALLOC_GROW(l->v, l->nr + 1, l->alloc);
		r = &l->v[l->nr++];
		r->machine = dup_col(q, 0);
		r->status = dup_col(q, 1);
		r->fingerprint = dup_col(q, 2);
		r->dropped = dup_col(q, 3);
		r->error = dup_col(q, 4);
		r->seconds = sqlite3_column_double(q, 5);
	}
	show_abi_link_same(l);
	return 0;
}

void show_abi_list_release(struct show_abi_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].machine);
		free(l->v[i].status);
		free(l->v[i].fingerprint);
		free(l->v[i].dropped);
		free(l->v[i].error);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void print_abi_list_json(FILE *out, const struct show_abi_list *l)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < l->nr; i++) {
		const struct show_abi_row *r = &l->v[i];
		json_object *o = json_object_new_object();

		jadd(o, "machine", r->machine);
		jadd(o, "status", r->status);
		jadd(o, "fingerprint", r->fingerprint);
		jadd(o, "same_as", r->same_as);
		jadd(o, "dropped", r->dropped);
		jadd(o, "error", r->error);
		json_object_object_add(o, "seconds",
				       json_object_new_double(r->seconds));
		json_object_array_add(arr, o);
	}
	print_json(out, arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	json_object_put(arr);
}

static void print_abi_list_text(FILE *out, const struct show_abi_list *l)
{
	fprintf(out, "%-16s %-7s %-12s %-16s %s\n", "MACHINE", "STATUS",
		"FINGERPRINT", "SAME AS", "NOTES");
	for (size_t i = 0; i < l->nr; i++) {
		const struct show_abi_row *r = &l->v[i];

		fprintf(out, "%-16s %-7s %-12.12s %-16s %s%s\n", nn(r->machine),
			nn(r->status), r->fingerprint ? r->fingerprint : "-",
			r->same_as ? r->same_as : "", r->dropped ? r->dropped : "",
			r->error ? r->error : "");
	}
}

void show_abi_list_print(FILE *out, const struct show_abi_list *l, int json)
{
	if (json)
		print_abi_list_json(out, l);
	else
		print_abi_list_text(out, l);
}

static int show_abi(struct store *st, long long id, const char *machine,
		    int json)
{
	struct show_abi_machine m;
	struct show_abi_list l;
	int ret;

	if (machine) {
		ret = show_abi_machine_read(st, id, machine, &m);
		if (!ret)
			show_abi_machine_print(stdout, &m, json);
		show_abi_machine_release(&m);
		return ret;
	}
	ret = show_abi_list_read(st, id, &l);
	if (!ret)
		show_abi_list_print(stdout, &l, json);
	show_abi_list_release(&l);
	return ret;
}

static int show_machines(struct store *st, long long id, int json)
{
	auto_stmt *q = NULL;
	json_object *arr = json_object_new_array();

	if (store_prepare(st, &q,
			  "SELECT name, alias, is_default, deprecated, cpu_max,"
			  " default_cpu_type FROM machine_types WHERE binary = ?"
			  " ORDER BY name COLLATE version")) {
		json_object_put(arr);
		return -1;
	}
	sqlite3_bind_int64(q, 1, id);
	if (!json)
		printf("%-22s %-8s %-7s %-10s %7s  %s\n", "MACHINE", "ALIAS",
		       "DEFAULT", "DEPRECATED", "CPU-MAX", "DEFAULT-CPU");
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		jadd(o, "name", col(q, 0));
		jadd(o, "alias", col(q, 1));
		json_object_object_add(o, "default",
				       json_object_new_boolean(sqlite3_column_int(q, 2)));
		json_object_object_add(o, "deprecated",
				       json_object_new_boolean(sqlite3_column_int(q, 3)));
		json_object_object_add(o, "cpu_max",
				       json_object_new_int64(sqlite3_column_int64(q, 4)));
		jadd(o, "default_cpu_type", col(q, 5));
		json_object_array_add(arr, o);
	}
	if (json) {
		puts(json_object_to_json_string_ext(
			arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	} else {
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			const char *alias = json_object_get_string(
				json_object_object_get(o, "alias"));
			const char *cpu = json_object_get_string(
				json_object_object_get(o, "default_cpu_type"));

			printf("%-22s %-8s %-7s %-10s %7lld  %s\n",
			       json_object_get_string(json_object_object_get(o, "name")),
			       alias ? alias : "-",
			       json_object_get_boolean(json_object_object_get(o, "default"))
				       ? "yes"
				       : "",
			       json_object_get_boolean(json_object_object_get(o, "deprecated"))
				       ? "yes"
				       : "",
			       (long long)json_object_get_int64(
				       json_object_object_get(o, "cpu_max")),
			       cpu ? cpu : "-");
		}
	}
	json_object_put(arr);
	return 0;
}

struct show_opts {
	char *db;
	int json;
	char *table; /* show guest --table */
};

static int run_caps(struct store *st, long long id, const struct install *in,
		    const char *machine, const struct show_opts *so)
{
	return show_caps(st, id, in, so->json);
}

static int run_machines(struct store *st, long long id,
			const struct install *in, const char *machine,
			const struct show_opts *so)
{
	return show_machines(st, id, so->json);
}

static int run_abi(struct store *st, long long id, const struct install *in,
		   const char *machine, const struct show_opts *so)
{
	return show_abi(st, id, machine, so->json);
}

static int run_guest(struct store *st, long long id, const struct install *in,
		     const char *machine, const struct show_opts *so)
{
	return show_guest(st, id, in, machine, so->table, so->json, stdout);
}

/*
 * A "show" subcommand: how many operands after VERSION it takes, whether
 * it takes --table, and its work.
 */
static const struct show_command {
	const char *name;
	int min_extra, max_extra;
	int table;
	int (*run)(struct store *st, long long id, const struct install *in,
		   const char *machine, const struct show_opts *so);
} show_commands[] = {
	{ "caps", 0, 0, 0, run_caps },
	{ "machines", 0, 0, 0, run_machines },
	{ "abi", 0, 1, 0, run_abi },
	{ "guest", 1, 1, 1, run_guest },
};

/* The command argv names with its operands, or NULL when they do not fit. */
static const struct show_command *find_command(int argc, char **argv,
					       const struct show_opts *so)
{
	if (argc < 2)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(show_commands); i++) {
		const struct show_command *c = &show_commands[i];

		if (strcmp(c->name, argv[0]))
			continue;
		if (so->table && !c->table) {
			error("--table goes with 'show guest'");
			return NULL;
		}
		return argc - 2 >= c->min_extra && argc - 2 <= c->max_extra ? c : NULL;
	}
	return NULL;
}

/* Options into so; 0, 1 after --help, or -1 on a wrong option. */
static int parse_options(struct show_opts *so, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			so->json = 1;
		} else if (c == 'd') {
			free(so->db);
			so->db = xstrdup(optarg);
		} else if (c == 't') {
			free(so->table);
			so->table = xstrdup(optarg);
		} else {
			return c == 'h' ? 1 : -1;
		}
	}
	return 0;
}

/* Runs cmd on install argv[1] of the store db; 0, or -1 (reported). */
static int show_run(const struct show_command *cmd, const struct show_opts *so,
		    int argc, char **argv)
{
	struct store st;
	struct install in;
	long long id;
	int ret = -1;

	memset(&in, 0, sizeof(in));
	if (store_open(&st, so->db))
		return -1;
	id = find_binary(&st, argv[1], &in);
	if (id >= 0)
		ret = cmd->run(&st, id, &in, argc == 3 ? argv[2] : NULL, so);
	store_close(&st);
	install_release(&in);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	struct show_opts so = { store_default_path(), 0, NULL };
	const struct show_command *cmd = NULL;
	int r = parse_options(&so, argc, argv), ret = 129;

	if (r > 0) {
		fputs(usage, stdout);
		ret = 0;
	} else if (!r && (cmd = find_command(argc - optind, argv + optind, &so))) {
		ret = show_run(cmd, &so, argc - optind, argv + optind) ? 1 : 0;
		if (!ret && flush_stdout())
			ret = 1;
	}
	if (ret == 129)
		fputs(usage, stderr);
	free(so.db);
	free(so.table);
	return ret;
}
