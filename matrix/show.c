/*
 * cmd_show: "virt-matrix show caps|machines VERSION [--json]", what the
 * probe recorded about one QEMU install, for a person or a script.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "installs.h"
#include "probe.h"
#include "binaries.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix show caps VERSION [--json]\n"
	"       virt-matrix show machines VERSION [--json]\n"
	"       virt-matrix show abi VERSION [MACHINE] [--json]\n"
	"\n"
	"What 'virt-matrix probe' recorded about the QEMU install VERSION\n"
	"(a name from 'virt-matrix ark list', e.g. 10.0.2 or 7.2.22-system).\n"
	"'show abi' lists the fingerprint of each versioned machine type and\n"
	"which ones are equal; with MACHINE it prints that machine's lines.\n"
	"\n"
	"options:\n"
	"  --json       machine-readable output\n"
	"  --db PATH    store (env VIRT_MATRIX_DB)\n";

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

/* The binary id of install VERSION, probed; -1 (reported) otherwise. */
static long long find_binary(struct store *st, const char *version,
			     struct install *in)
{
	long long id;
	int r = installs_get(st, "qemu", version, in);

	if (r) {
		if (r > 0)
			error("no QEMU install named '%s' (see 'virt-matrix ark "
			      "list')",
			      version);
		return -1;
	}
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

static int show_caps(struct store *st, long long id, const struct install *in,
		     int json)
{
	static const char *const tables[] = { "machine_types", "cpu_models",
					      "qom_types",     "qmp_commands",
					      "cmdline_options", "device_failures" };
	struct binary_record b;
	auto_stmt *a = NULL;
	auto_stmt *u = NULL;
	auto_stmt *f = NULL;
	auto_stmt *d = NULL;
	json_object *root = json_object_new_object(), *arr;
	long long n[ARRAY_SIZE(tables)], devices = 0, props = 0;
	int r;

	if (store_prepare(st, &a,
			  "SELECT name, usable, detail FROM accelerators"
			  " WHERE binary = ? ORDER BY name") ||
	    store_prepare(st, &u,
			  "SELECT command, error_class FROM unsupported_queries"
			  " WHERE binary = ? ORDER BY command") ||
	    store_prepare(st, &f,
			  "SELECT device, error FROM device_failures"
			  " WHERE binary = ? ORDER BY device") ||
	    store_prepare(st, &d,
			  "SELECT count(DISTINCT device), count(*) FROM"
			  " device_props WHERE binary = ?")) {
		json_object_put(root);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		n[i] = count(st, tables[i], id);
	sqlite3_bind_int64(a, 1, id);
	sqlite3_bind_int64(u, 1, id);
	sqlite3_bind_int64(f, 1, id);
	sqlite3_bind_int64(d, 1, id);
	r = binary_get(st, id, &b);
	if (r || sqlite3_step(d) != SQLITE_ROW) {
		json_object_put(root);
		binary_record_release(&b);
		return r < 0 ? -1 : store_error(st, "cannot read the probe record");
	}
	devices = sqlite3_column_int64(d, 0);
	props = sqlite3_column_int64(d, 1);

	jadd(root, "install", in->version);
	jadd(root, "binary", in->binary_path);
	jadd(root, "sha256", b.sha256);
	jadd(root, "version", b.version);
	jadd(root, "package", b.package);
	jadd(root, "target", b.target);
	jadd(root, "probed_at", b.probed_at);
	json_object_object_add(root, "probe_seconds",
			       json_object_new_double(b.probe_seconds));
	jadd(root, "qmp_schema_sha256", b.schema_sha256);
	arr = json_object_new_array();
	while (sqlite3_step(a) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		jadd(o, "name", col(a, 0));
		json_object_object_add(o, "usable",
				       json_object_new_boolean(sqlite3_column_int(a, 1)));
		jadd(o, "detail", col(a, 2));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "accelerators", arr);
	json_object_object_add(root, "machine_types", json_object_new_int64(n[0]));
	json_object_object_add(root, "cpu_models", json_object_new_int64(n[1]));
	json_object_object_add(root, "qom_types", json_object_new_int64(n[2]));
	json_object_object_add(root, "devices", json_object_new_int64(devices));
	json_object_object_add(root, "device_properties", json_object_new_int64(props));
	json_object_object_add(root, "qmp_commands", json_object_new_int64(n[3]));
	json_object_object_add(root, "cmdline_option_parameters",
			       json_object_new_int64(n[4]));
	arr = json_object_new_array();
	while (sqlite3_step(f) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		jadd(o, "device", col(f, 0));
		jadd(o, "error", col(f, 1));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "device_failures", arr);
	arr = json_object_new_array();
	while (sqlite3_step(u) == SQLITE_ROW) {
		json_object *o = json_object_new_object();

		jadd(o, "command", col(u, 0));
		jadd(o, "error_class", col(u, 1));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "unsupported_queries", arr);

	if (json) {
		puts(json_object_to_json_string_ext(
			root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				      JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		json_object *x;
		size_t k;

		printf("qemu %s  %s\n", in->version, in->binary_path);
		printf("  %-14s %s\n", "sha256", b.sha256);
		printf("  %-14s %s%s%s%s\n", "version", b.version,
		       b.package && *b.package ? " (" : "",
		       b.package && *b.package ? b.package : "",
		       b.package && *b.package ? ")" : "");
		printf("  %-14s %s\n", "target", b.target);
		printf("  %-14s %s, in %.2fs\n", "probed", b.probed_at,
		       b.probe_seconds);
		x = json_object_object_get(root, "accelerators");
		for (k = 0; k < json_object_array_length(x); k++) {
			json_object *o = json_object_array_get_idx(x, k);

			printf("  %-14s %s: %s (%s)\n", k ? "" : "accelerators",
			       json_object_get_string(json_object_object_get(o, "name")),
			       json_object_get_boolean(json_object_object_get(o, "usable"))
				       ? "usable"
				       : "not usable",
			       json_object_get_string(json_object_object_get(o, "detail")));
		}
		printf("  %-14s %lld\n", "machine types", n[0]);
		printf("  %-14s %lld\n", "cpu models", n[1]);
		printf("  %-14s %lld\n", "qom types", n[2]);
		printf("  %-14s %lld, with %lld properties\n", "devices", devices,
		       props);
		printf("  %-14s %lld\n", "qmp commands", n[3]);
		x = json_object_object_get(root, "device_failures");
		for (k = 0; k < json_object_array_length(x); k++) {
			json_object *o = json_object_array_get_idx(x, k);

			printf("  %-14s %s: %s\n", k ? "" : "device failures",
			       json_object_get_string(json_object_object_get(o, "device")),
			       json_object_get_string(json_object_object_get(o, "error")));
		}
		x = json_object_object_get(root, "unsupported_queries");
		for (k = 0; k < json_object_array_length(x); k++) {
			json_object *o = json_object_array_get_idx(x, k);

			printf("  %-14s %s (%s)\n", k ? "" : "unsupported",
			       json_object_get_string(json_object_object_get(o, "command")),
			       json_object_get_string(json_object_object_get(o, "error_class")));
		}
	}
	json_object_put(root);
	binary_record_release(&b);
	return 0;
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

static int show_abi(struct store *st, long long id, const char *machine,
		    int json)
{
	auto_stmt *q = NULL;
	json_object *arr = json_object_new_array();

	if (machine) {
		if (store_prepare(st, &q,
				  "SELECT m.status, m.fingerprint, m.devices,"
				  " m.dropped, m.error, t.text FROM machine_abi m"
				  " LEFT JOIN abi_texts t ON t.sha256 = m.fingerprint"
				  " WHERE m.binary = ? AND m.machine = ?")) {
			json_object_put(arr);
			return -1;
		}
		sqlite3_bind_int64(q, 1, id);
		store_bind_text(q, 2, machine);
		if (sqlite3_step(q) != SQLITE_ROW) {
			json_object_put(arr);
			return error("no ABI record for machine type '%s' (see "
				     "'virt-matrix show abi VERSION')",
				     machine);
		}
		if (json) {
			json_object *o = json_object_new_object(), *lines;
			const char *t = col(q, 5);

			jadd(o, "machine", machine);
			jadd(o, "status", col(q, 0));
			jadd(o, "fingerprint", col(q, 1));
			jadd(o, "devices", col(q, 2));
			jadd(o, "dropped", col(q, 3));
			jadd(o, "error", col(q, 4));
			lines = json_object_new_array();
			while (t && *t) {
				size_t n = strcspn(t, "\n");

				json_object_array_add(lines, json_object_new_string_len(t, (int)n));
				t += n + (t[n] ? 1 : 0);
			}
			json_object_object_add(o, "lines", lines);
			puts(json_object_to_json_string_ext(
				o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(o);
		} else {
			printf("# %s  %s  fingerprint %s\n# devices: %s\n",
			       machine, col(q, 0), col(q, 1) ? col(q, 1) : "-",
			       col(q, 2) ? col(q, 2) : "-");
			if (col(q, 3))
				printf("# dropped: %s\n", col(q, 3));
			if (col(q, 4))
				printf("# error: %s\n", col(q, 4));
			if (col(q, 5))
				fputs(col(q, 5), stdout);
		}
		json_object_put(arr);
		return 0;
	}
	if (store_prepare(st, &q,
			  "SELECT machine, status, fingerprint, dropped, error,"
			  " seconds FROM machine_abi WHERE binary = ?"
			  " ORDER BY machine COLLATE version")) {
		json_object_put(arr);
		return -1;
	}
	sqlite3_bind_int64(q, 1, id);
	if (!json)
		printf("%-16s %-7s %-12s %-16s %s\n", "MACHINE", "STATUS",
		       "FINGERPRINT", "SAME AS", "NOTES");
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_object *o = json_object_new_object();
		const char *fp = col(q, 2), *same = NULL;

		for (size_t i = 0; fp && i < json_object_array_length(arr); i++) {
			json_object *p = json_object_array_get_idx(arr, i);
			const char *f = json_object_get_string(json_object_object_get(p, "fingerprint"));

			if (f && !strcmp(f, fp)) {
				same = json_object_get_string(json_object_object_get(p, "machine"));
				break;
			}
		}
		jadd(o, "machine", col(q, 0));
		jadd(o, "status", col(q, 1));
		jadd(o, "fingerprint", fp);
		jadd(o, "same_as", same);
		jadd(o, "dropped", col(q, 3));
		jadd(o, "error", col(q, 4));
		json_object_object_add(o, "seconds",
				       json_object_new_double(sqlite3_column_double(q, 5)));
		if (!json)
			printf("%-16s %-7s %-12.12s %-16s %s%s\n", col(q, 0),
			       col(q, 1), fp ? fp : "-", same ? same : "",
			       col(q, 3) ? col(q, 3) : "",
			       col(q, 4) ? col(q, 4) : "");
		json_object_array_add(arr, o);
	}
	if (json)
		puts(json_object_to_json_string_ext(
			arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(arr);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *db = store_default_path();
	struct store st;
	struct install in;
	int json = 0, c, ret = 1;
	long long id;

	memset(&in, 0, sizeof(in));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'd') {
			free(db);
			db = xstrdup(optarg);
		} else if (c == 'h') {
			fputs(usage, stdout);
			free(db);
			return 0;
		} else {
			goto usage_out;
		}
	}
	if (argc - optind < 2 ||
	    argc - optind > (!strcmp(argv[optind], "abi") ? 3 : 2) ||
	    (strcmp(argv[optind], "caps") && strcmp(argv[optind], "machines") &&
	     strcmp(argv[optind], "abi")))
		goto usage_out;
	if (store_open(&st, db))
		goto out;
	id = find_binary(&st, argv[optind + 1], &in);
	if (id >= 0)
		ret = (!strcmp(argv[optind], "caps")
			       ? show_caps(&st, id, &in, json)
		       : !strcmp(argv[optind], "machines")
			       ? show_machines(&st, id, json)
			       : show_abi(&st, id,
					  argc - optind == 3 ? argv[optind + 2] : NULL,
					  json))
			      ? 1
			      : 0;
	store_close(&st);
	if (!ret && flush_stdout())
		ret = 1;
	goto out;
usage_out:
	fputs(usage, stderr);
	ret = 129;
out:
	install_release(&in);
	free(db);
	return ret;
}
