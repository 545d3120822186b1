/*
 * Writing the capability record of one QEMU binary (capsrecord.h): the
 * binaries row, then its accelerators, refused queries, machine types,
 * CPU models, QMP commands, command-line options, QOM types and devices,
 * all in one transaction. Rows come from the probe's JSON replies through
 * small column tables; device properties are stored once per distinct
 * property set (a sha256 of the name-sorted list), and the QMP schema
 * once per distinct text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsrecord.h"
#include "qmp.h"
#include "sha256.h"
#include "banned.h"

const char *const caps_queries[CAPS_NQUERIES] = {
	[CAPS_VERSION] = "query-version",
	[CAPS_TARGET] = "query-target",
	[CAPS_MACHINES] = "query-machines",
	[CAPS_CPU_DEFS] = "query-cpu-definitions",
	[CAPS_COMMANDS] = "query-commands",
	[CAPS_OPTIONS] = "query-command-line-options",
	[CAPS_SCHEMA] = "query-qmp-schema",
};

static int exec_bind(struct store *st, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		return store_error(st, what);
	return 0;
}

static void bind_opt_int(sqlite3_stmt *q, int i, json_object *o,
			 const char *key)
{
	json_object *v = qmp_get(o, key, json_type_int);

	if (v)
		sqlite3_bind_int64(q, i, json_object_get_int64(v));
	else
		sqlite3_bind_null(q, i);
}

/* How one column of a row comes from a JSON object of a QMP reply. */
enum col_kind { COL_STR, COL_BOOL, COL_OPT_INT, COL_OPT_BOOL };

struct col {
	const char *key;
	enum col_kind kind;
};

/*
 * Inserts one row per element of the JSON array list (checked by
 * caps_reply_check) with sql, whose first parameter is the binary id and
 * the others come from cols.
 */
static int store_rows(struct store *st, long long id, json_object *list,
		      const char *sql, const struct col *cols, size_t ncols,
		      const char *what)
{
	auto_stmt *q = NULL;

	if (!list)
		return 0;
	if (store_prepare(st, &q, sql))
		return -1;
	for (size_t i = 0; i < qmp_array_len(list); i++) {
		json_object *o = json_object_array_get_idx(list, i);

		sqlite3_bind_int64(q, 1, id);
		for (size_t c = 0; c < ncols; c++) {
			int at = (int)c + 2;

			switch (cols[c].kind) {
			case COL_STR:
				store_bind_text(q, at, qmp_get_string(o, cols[c].key));
				break;
			case COL_BOOL:
				sqlite3_bind_int(q, at, qmp_get_bool(o, cols[c].key));
				break;
			case COL_OPT_INT:
				bind_opt_int(q, at, o, cols[c].key);
				break;
			case COL_OPT_BOOL:
				if (qmp_get(o, cols[c].key, json_type_boolean))
					sqlite3_bind_int(q, at, qmp_get_bool(o, cols[c].key));
				break;
			}
		}
		if (exec_bind(st, q, what))
			return -1;
	}
	return 0;
}

static const struct col machine_cols[] = {
	{ "name", COL_STR },	      { "alias", COL_STR },
	{ "is-default", COL_BOOL },	      { "deprecated", COL_BOOL },
	{ "cpu-max", COL_OPT_INT },	      { "hotpluggable-cpus", COL_OPT_BOOL },
	{ "default-cpu-type", COL_STR }, { "default-ram-id", COL_STR },
};

static const struct col cpu_cols[] = {
	{ "name", COL_STR },		{ "typename", COL_STR },
	{ "migration-safe", COL_BOOL }, { "static", COL_BOOL },
	{ "deprecated", COL_BOOL },
};

static const struct col type_cols[] = {
	{ "name", COL_STR },
	{ "parent", COL_STR },
	{ "abstract", COL_BOOL },
};

static int store_options(struct store *st, long long id, json_object *opts)
{
	auto_stmt *q = NULL;

	if (!opts)
		return 0;
	if (store_prepare(st, &q,
			  "INSERT OR IGNORE INTO cmdline_options (binary,"
			  " option, parameter, type) VALUES (?, ?, ?, ?)"))
		return -1;
	for (size_t i = 0; i < qmp_array_len(opts); i++) {
		json_object *o = json_object_array_get_idx(opts, i);
		json_object *params = qmp_get(o, "parameters", json_type_array);
		size_t np = qmp_array_len(params);

		for (size_t k = 0; k < (np ? np : 1); k++) {
			json_object *pp = np ? json_object_array_get_idx(params, k)
					     : NULL;

			sqlite3_bind_int64(q, 1, id);
			store_bind_text(q, 2, qmp_get_string(o, "option"));
			store_bind_text(q, 3, pp ? qmp_get_string(pp, "name") : "");
			store_bind_text(q, 4, pp ? qmp_get_string(pp, "type") : NULL);
			if (exec_bind(st, q, "cannot record command-line options"))
				return -1;
		}
	}
	return 0;
}

/* A property and its name, looked up once for sorting. */
struct named_prop {
	const char *name;
	json_object *o;
};

static int cmp_prop_name(const void *x, const void *y)
{
	const struct named_prop *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/* The default value as JSON text, or NULL; borrowed from p. */
static const char *prop_default(json_object *p)
{
	json_object *def = NULL;

	if (!json_object_object_get_ex(p, "default-value", &def))
		return NULL;
	return json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN);
}

static void hash_field(struct sha256 *h, const char *s)
{
	/* NULL and "" differ: a 0x01 byte marks a present value. */
	if (s) {
		sha256_update(h, "\1", 1);
		sha256_update(h, s, strlen(s));
	}
	sha256_update(h, "", 1);
}

/*
 * Sorts props by name (in place: device-list-properties has no stable
 * order) and hashes name, type, default and description of each.
 */
static void propset_sha256(struct named_prop *v, size_t n, char out[65])
{
	struct sha256 h;

	sort_array(v, n, sizeof(*v), cmp_prop_name);
	sha256_init(&h);
	for (size_t i = 0; i < n; i++) {
		hash_field(&h, qmp_get_string(v[i].o, "name"));
		hash_field(&h, qmp_get_string(v[i].o, "type"));
		hash_field(&h, prop_default(v[i].o));
		hash_field(&h, qmp_get_string(v[i].o, "description"));
	}
	sha256_final_hex(&h, out);
}

struct propset_stmts {
	sqlite3_stmt *find, *add, *prop;
};

/* The id of props' property set, stored first if it is new; -1 on error. */
static long long propset_id(struct store *st, struct propset_stmts *q,
			    json_object *props)
{
	size_t n = qmp_array_len(props);
	struct named_prop *v = xcalloc(n + 1, sizeof(*v));
	char sha[65];
	long long id = -1;

	for (size_t i = 0; i < n; i++) {
		const char *name;

		v[i].o = json_object_array_get_idx(props, i);
		name = qmp_get_string(v[i].o, "name");
		v[i].name = name ? name : "";
	}
	propset_sha256(v, n, sha);
	store_bind_text(q->find, 1, sha);
	switch (sqlite3_step(q->find)) {
	case SQLITE_ROW:
		id = sqlite3_column_int64(q->find, 0);
		sqlite3_reset(q->find);
		goto out;
	case SQLITE_DONE:
		sqlite3_reset(q->find);
		break;
	default:
		store_error(st, "cannot look up a property set");
		sqlite3_reset(q->find);
		goto out;
	}
	store_bind_text(q->add, 1, sha);
	if (exec_bind(st, q->add, "cannot record a property set"))
		goto out;
	id = sqlite3_last_insert_rowid(st->db);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(q->prop, 1, id);
		store_bind_text(q->prop, 2, qmp_get_string(v[i].o, "name"));
		store_bind_text(q->prop, 3, qmp_get_string(v[i].o, "type"));
		store_bind_text(q->prop, 4, prop_default(v[i].o));
		store_bind_text(q->prop, 5, qmp_get_string(v[i].o, "description"));
		/* A repeated name keeps its first row, as before. */
		if (exec_bind(st, q->prop, "cannot record device properties")) {
			id = -1;
			goto out;
		}
	}
out:
	free(v);
	return id;
}

/*
 * The property sets stored in this record, by reply: identical replies
 * share one json_object (qmp's share), so most devices are found here
 * without sorting and hashing their properties again.
 */
struct known_set {
	json_object *reply;
	long long id;
};

struct known_sets {
	struct known_set *v;
	size_t n, alloc;
};

static long long known_propset(const struct known_sets *k, json_object *props)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].reply == props)
			return k->v[i].id;
	return -1;
}

static void known_add(struct known_sets *k, json_object *props, long long id)
{
	ALLOC_GROW(k->v, k->n + 1, k->alloc);
	k->v[k->n].reply = props;
	k->v[k->n++].id = id;
}

static int store_devices(struct store *st, long long id,
			 const struct caps_replies *r,
			 struct caps_result *res)
{
	struct known_sets known = { 0 };
	int ret = -1;
	auto_stmt *find = NULL;
	auto_stmt *add = NULL;
	auto_stmt *prop = NULL;
	auto_stmt *dev = NULL;
	auto_stmt *f = NULL;
	struct propset_stmts q;

	if (store_prepare(st, &find, "SELECT id FROM propsets WHERE sha256 = ?") ||
	    store_prepare(st, &add, "INSERT INTO propsets (sha256) VALUES (?)") ||
	    store_prepare(st, &prop,
			  "INSERT OR IGNORE INTO propset_props (propset, name,"
			  " type, default_value, description)"
			  " VALUES (?, ?, ?, ?, ?)") ||
	    store_prepare(st, &dev,
			  "INSERT OR IGNORE INTO devices (binary, name, propset)"
			  " VALUES (?, ?, ?)") ||
	    store_prepare(st, &f,
			  "INSERT OR REPLACE INTO device_failures (binary,"
			  " device, error) VALUES (?, ?, ?)"))
		return -1;
	q.find = find;
	q.add = add;
	q.prop = prop;
	for (size_t i = 0; i < r->ndevices; i++) {
		const char *name =
			qmp_get_string(json_object_array_get_idx(r->devices, i), "name");
		json_object *props = r->props[i];
		long long set;

		if (r->failures[i]) {
			sqlite3_bind_int64(f, 1, id);
			store_bind_text(f, 2, name);
			store_bind_text(f, 3, r->failures[i]);
			if (exec_bind(st, f, "cannot record device failures"))
				goto out;
			res->failures++;
			continue;
		}
		if (!props)
			continue;
		set = known_propset(&known, props);
		if (set < 0) {
			set = propset_id(st, &q, props);
			if (set < 0)
				goto out;
			known_add(&known, props, set);
		}
		sqlite3_bind_int64(dev, 1, id);
		store_bind_text(dev, 2, name);
		sqlite3_bind_int64(dev, 3, set);
		if (exec_bind(st, dev, "cannot record devices"))
			goto out;
		res->devices++;
		res->props += qmp_array_len(props);
	}
	ret = 0;
out:
	free(known.v);
	return ret;
}

static int store_schema(struct store *st, json_object *schema, char sha[65])
{
	auto_stmt *q = NULL;
	const char *text;

	sha[0] = '\0';
	if (!schema)
		return 0;
	text = json_object_to_json_string_ext(schema, JSON_C_TO_STRING_PLAIN);
	sha256_hex(text, strlen(text), sha);
	if (store_prepare(st, &q,
			  "INSERT OR IGNORE INTO qmp_schemas (sha256, json)"
			  " VALUES (?, ?)"))
		return -1;
	store_bind_text(q, 1, sha);
	sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
	return exec_bind(st, q, "cannot record the QMP schema");
}

/*
 * The binaries row of sha, replacing any earlier one (and the property
 * sets only that one used), inside the caller's transaction: *id.
 */
static int record_binary(struct store *st, const struct caps_replies *r,
			 const char *sha, const char *status, const char *err,
			 double seconds, long long *id)
{
	auto_stmt *del = NULL;
	auto_stmt *ins = NULL;
	json_object *ver = r->basic[CAPS_VERSION], *qemu;
	json_object *target = r->basic[CAPS_TARGET];
	char schema[65], now[32], version[64] = "";

	qemu = qmp_get(ver, "qemu", json_type_object);
	if (qemu)
		snprintf(version, sizeof(version), "%lld.%lld.%lld",
			 qmp_get_int(qemu, "major", 0), qmp_get_int(qemu, "minor", 0),
			 qmp_get_int(qemu, "micro", 0));
	now_iso8601(now, sizeof(now));
	if (store_prepare(st, &del, "DELETE FROM binaries WHERE sha256 = ?") ||
	    store_schema(st, r->basic[CAPS_SCHEMA], schema) ||
	    store_prepare(st, &ins,
			  "INSERT INTO binaries (sha256, version, package,"
			  " target, schema_sha256, status, error, probed_at,"
			  " probe_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	store_bind_text(del, 1, sha);
	if (exec_bind(st, del, "cannot replace the old record"))
		return -1;
	if (sqlite3_changes(st->db) > 0 &&
	    store_exec(st, "DELETE FROM propsets WHERE NOT EXISTS"
			   " (SELECT 1 FROM devices WHERE propset = propsets.id)"))
		return -1;
	store_bind_text(ins, 1, sha);
	store_bind_text(ins, 2, *version ? version : NULL);
	store_bind_text(ins, 3, ver ? qmp_get_string(ver, "package") : NULL);
	store_bind_text(ins, 4, target ? qmp_get_string(target, "arch") : NULL);
	store_bind_text(ins, 5, *schema ? schema : NULL);
	store_bind_text(ins, 6, status);
	store_bind_text(ins, 7, err);
	store_bind_text(ins, 8, now);
	sqlite3_bind_double(ins, 9, seconds);
	if (exec_bind(st, ins, "cannot record the binary"))
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* The accelerators tried, and the general queries QEMU refused. */
static int record_accels_refused(struct store *st, long long id,
				 const struct caps_replies *r)
{
	auto_stmt *acc = NULL;
	auto_stmt *uns = NULL;

	if (store_prepare(st, &acc,
			  "INSERT INTO accelerators (binary, name, usable,"
			  " seconds, detail) VALUES (?, ?, ?, ?, ?)") ||
	    store_prepare(st, &uns,
			  "INSERT INTO unsupported_queries (binary, command,"
			  " error_class) VALUES (?, ?, ?)"))
		return -1;
	for (int i = 0; i < 2; i++) {
		sqlite3_bind_int64(acc, 1, id);
		store_bind_text(acc, 2, r->accel[i].name);
		sqlite3_bind_int(acc, 3, r->accel[i].usable);
		sqlite3_bind_double(acc, 4, r->accel[i].seconds);
		store_bind_text(acc, 5, r->accel[i].detail);
		if (exec_bind(st, acc, "cannot record accelerators"))
			return -1;
	}
	for (size_t i = 0; i < CAPS_NQUERIES; i++) {
		if (r->basic[i])
			continue;
		sqlite3_bind_int64(uns, 1, id);
		store_bind_text(uns, 2, caps_queries[i]);
		store_bind_text(uns, 3, r->basic_err[i]);
		if (exec_bind(st, uns, "cannot record unsupported queries"))
			return -1;
	}
	return 0;
}

/* Machine types, CPU models, QMP commands, options, QOM types, devices. */
static int record_lists(struct store *st, long long id,
			const struct caps_replies *r, struct caps_result *res)
{
	if (store_rows(st, id, r->basic[CAPS_MACHINES],
		       "INSERT INTO machine_types (binary, name, alias,"
		       " is_default, deprecated, cpu_max, hotpluggable_cpus,"
		       " default_cpu_type, default_ram_id)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       machine_cols, ARRAY_SIZE(machine_cols),
		       "cannot record machine types") ||
	    store_rows(st, id, r->basic[CAPS_CPU_DEFS],
		       "INSERT OR IGNORE INTO cpu_models (binary, name,"
		       " typename, migration_safe, static, deprecated)"
		       " VALUES (?, ?, ?, ?, ?, ?)",
		       cpu_cols, ARRAY_SIZE(cpu_cols), "cannot record CPU models") ||
	    store_rows(st, id, r->basic[CAPS_COMMANDS],
		       "INSERT OR IGNORE INTO qmp_commands (binary, name)"
		       " VALUES (?, ?)",
		       type_cols, 1, "cannot record QMP commands") ||
	    store_options(st, id, r->basic[CAPS_OPTIONS]) ||
	    store_rows(st, id, r->types,
		       "INSERT OR IGNORE INTO qom_types (binary, name,"
		       " parent, abstract) VALUES (?, ?, ?, ?)",
		       type_cols, ARRAY_SIZE(type_cols), "cannot record QOM types") ||
	    store_devices(st, id, r, res))
		return -1;
	return 0;
}

int caps_record(struct store *st, const struct caps_replies *r, const char *sha,
		const char *status, const char *err, double seconds,
		struct caps_result *res)
{
	long long id;

	if (store_begin(st))
		return -1;
	if (record_binary(st, r, sha, status, err, seconds, &id))
		goto fail;
	res->binary_id = id;
	if (!strcmp(status, "failed"))
		return store_commit(st) ? (store_rollback(st), -1) : 0;
	if (record_accels_refused(st, id, r) || record_lists(st, id, r, res) ||
	    store_commit(st))
		goto fail;
	res->machines = qmp_array_len(r->basic[CAPS_MACHINES]);
	res->commands = qmp_array_len(r->basic[CAPS_COMMANDS]);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int caps_record_abi_seconds(struct store *st, long long id, double seconds)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "UPDATE binaries SET abi_seconds = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_double(q, 1, seconds);
	sqlite3_bind_int64(q, 2, id);
	if (sqlite3_step(q) != SQLITE_DONE)
		return store_error(st, "cannot record ABI timing");
	return 0;
}

int caps_record_probe_seconds(struct store *st, long long id, double seconds)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q,
			  "UPDATE binaries SET probe_seconds = ? WHERE id = ?"))
		return -1;
	sqlite3_bind_double(q, 1, seconds);
	sqlite3_bind_int64(q, 2, id);
	return exec_bind(st, q, "cannot record the probe time");
}

