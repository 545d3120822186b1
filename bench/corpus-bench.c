/*
 * Section "corpus" of vm-bench: loading and mapping DPDK DTS's VM cfg
 * corpus (every .cfg under scenarios/dts, recursively) for every QEMU
 * install of the store that has a complete probe record, as `virt-matrix
 * map FILE... --json` does it, one process for the whole corpus. Beside
 * it, the peers reading the same inputs:
 * python3's configparser reading every file as DTS reads them (its
 * framework/config.py: a ConfigParser, not strict, then each value split
 * on ';', ',' and '='), and the sqlite3 shell running, read-only, the
 * queries the mapper runs for every version (binary_qemu_installs and
 * map_caps_load, with the values the mapper binds written in), each
 * peer one process for the whole corpus. Two more figures say what a
 * process costs: the map of the smallest file and `virt-matrix map
 * --help` (start-up alone), and map and the peers run one process each
 * per file. Every side runs RUNS times, alternating
 * which goes first; medians and ratios go to the output.
 *
 * The store is the default one (store_default_path: VIRT_MATRIX_DB, else
 * /var/lib/virt-matrix/matrix.db for root), as the report section reads
 * it: mapping needs the probe records of every install, which a private
 * store would have to probe first. map only reads it (query_only), and
 * so does this section (SQLITE_OPEN_READONLY, sqlite3 -readonly).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"
#include "command.h"
#include "fs.h"
#include "paths.h"
#include "store.h"
#include "version.h"
#include "banned.h"

/* DTS's reading of a VM cfg file, for python3 -c SCRIPT FILE... */
static const char dts_reader_py[] =
	"import configparser, sys\n"
	"n = 0\n"
	"for f in sys.argv[1:]:\n"
	"    c = configparser.ConfigParser(strict=False)\n"
	"    if not c.read(f):\n"
	"        sys.exit('cannot read ' + f)\n"
	"    for s in c.sections():\n"
	"        for key, value in c.items(s):\n"
	"            for conf in [v.strip() for v in value.split(';')]:\n"
	"                if conf:\n"
	"                    n += len(dict(p.partition('=')[::2]\n"
	"                                  for p in conf.split(',')))\n"
	"print(n)\n";

/* What the section works on, found before anything is timed. */
struct corpus {
	const char *vm, *db;
	struct strvec files;	/* every .cfg, in name order */
	struct strvec versions; /* the installs map maps for, in version order */
	struct strbuf sql;	/* the mapper's queries, for the sqlite3 shell */
	const char *small;	/* the smallest file */
	size_t vms, mappings, cannot;
};

static int cmp_version_str(const void *a, const void *b)
{
	return version_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every .cfg under dir, depth first, each directory in name order. */
static void find_cfgs(const char *dir, struct strvec *out)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	struct strbuf p = STRBUF_INIT;

	for (int i = 0; i < n; i++) {
		strbuf_reset(&p);
		path_join(&p, dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && is_dir(p.buf))
			find_cfgs(p.buf, out);
		else if (ents[i]->d_name[0] != '.' && ends_with(p.buf, ".cfg"))
			strvec_push(out, p.buf);
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&p);
}

int bench_on_path(const char *name)
{
	const char *dirs = CMD_DEFAULT_PATH, *colon;
	struct strbuf p = STRBUF_INIT;
	int found = 0;

	for (; !found && *dirs; dirs = *colon ? colon + 1 : colon) {
		colon = strchrnul(dirs, ':');
		strbuf_reset(&p);
		sb_printf(&p, "%.*s/%s", (int)(colon - dirs), dirs, name);
		found = !access(p.buf, X_OK);
	}
	strbuf_release(&p);
	return found;
}

/*
 * The installs with a complete probe record into c->versions, and the
 * mapper's queries for them into c->sql, as one map process runs them:
 * the store's schema version, the installs, then per install its probe
 * record, the q35 and pc aliases, the vfio-pci, pci-assign and
 * kvm-pci-assign devices, memory-backend-memfd, and "vhost-user" in its
 * QMP schema. -1 after reporting.
 */
static int mapper_sql(struct corpus *c)
{
	sqlite3 *db = NULL;
	auto_stmt *q = NULL;
	int ret = -1, rc;

	if (sqlite3_open_v2(c->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		error("cannot open store '%s' read-only: %s", c->db,
		      db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 30000);
	sb_puts(&c->sql,
		"PRAGMA user_version;\n"
		"SELECT i.version, i.binary_path, b.id, b.version"
		" FROM installs i LEFT JOIN binaries b"
		"   ON b.sha256 = i.binary_sha256 AND b.status = 'complete'"
		" WHERE i.app = 'qemu';\n");
	if (sqlite3_prepare_v2(db,
			       "SELECT i.version, b.id, b.schema_sha256"
			       " FROM installs i JOIN binaries b"
			       "   ON b.sha256 = i.binary_sha256 AND b.status = 'complete'"
			       " WHERE i.app = 'qemu'",
			       -1, &q, NULL) != SQLITE_OK) {
		error("cannot read the QEMU installs of '%s': %s", c->db,
		      sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(q, 1);
		const char *schema = (const char *)sqlite3_column_text(q, 2);
		char *lit = sqlite3_mprintf("%Q", schema);

		strvec_push(&c->versions, (const char *)sqlite3_column_text(q, 0));
		sb_printf(&c->sql,
			  "SELECT sha256, version, package, target, schema_sha256,"
			  " status, error, probed_at, probe_seconds, vmstate_sha256,"
			  " abi_seconds IS NOT NULL, abi_seconds, coalesce(abi_rev, 1)"
			  " FROM binaries WHERE id = %lld;\n"
			  "SELECT name FROM machine_types WHERE binary = %lld AND alias = 'q35';\n"
			  "SELECT name FROM machine_types WHERE binary = %lld AND alias = 'pc';\n"
			  "SELECT 1 FROM devices WHERE binary = %lld AND name = 'vfio-pci';\n"
			  "SELECT 1 FROM devices WHERE binary = %lld AND name = 'pci-assign';\n"
			  "SELECT 1 FROM devices WHERE binary = %lld AND name = 'kvm-pci-assign';\n"
			  "SELECT 1 FROM qom_types WHERE binary = %lld"
			  " AND name = 'memory-backend-memfd';\n"
			  "SELECT instr(json, '\"vhost-user\"') FROM qmp_schemas"
			  " WHERE sha256 = %s;\n",
			  id, id, id, id, id, id, id, lit ? lit : "NULL");
		sqlite3_free(lit);
	}
	if (rc != SQLITE_DONE) {
		error("cannot read the QEMU installs of '%s': %s", c->db,
		      sqlite3_errmsg(db));
		goto out;
	}
	sort_array(c->versions.v, c->versions.nr, sizeof(*c->versions.v),
		   cmp_version_str);
	ret = 0;
out:
	sqlite3_finalize(q);
	q = NULL;
	sqlite3_close(db);
	return ret;
}

/*
 * One map of every file, its output read: how many VMs, mappings and
 * mappings a version cannot express into c. -1 with why set when a map
 * fails or writes what is not its JSON.
 */
static int map_corpus_once(struct corpus *c, struct strbuf *why)
{
	for (size_t i = 0; i < c->files.nr; i++) {
		struct command cmd;
		json_object *doc = NULL, *vms;
		int ok;

		command_init(&cmd);
		strvec_pushv(&cmd.args, (const char *const[]){ c->vm, "map", c->files.v[i],
							       "--json", "--db", c->db,
							       NULL });
		cmd.capture_max = 16 << 20;
		cmd.timeout = 60;
		ok = !command_run(&cmd) && command_succeeded(&cmd);
		if (ok)
			doc = json_tokener_parse(cmd.output.buf);
		ok = ok && json_object_object_get_ex(doc, "vms", &vms) &&
		     json_object_is_type(vms, json_type_array);
		if (!ok) {
			sb_printf(why, "'virt-matrix map %s --json' ", c->files.v[i]);
			if (command_succeeded(&cmd))
				sb_puts(why, "wrote no JSON document with a vms array");
			else
				command_describe(&cmd, why);
		}
		for (size_t v = 0; ok && v < json_object_array_length(vms); v++) {
			json_object *qemus, *err;

			c->vms++;
			if (!json_object_object_get_ex(json_object_array_get_idx(vms, v),
						       "qemus", &qemus) ||
			    !json_object_is_type(qemus, json_type_array))
				continue;
			for (size_t k = 0; k < json_object_array_length(qemus); k++) {
				c->mappings++;
				c->cannot += json_object_object_get_ex(
						     json_object_array_get_idx(qemus, k),
						     "error", &err) &&
					     err != NULL;
			}
		}
		json_object_put(doc);
		command_release(&cmd);
		if (!ok)
			return -1;
	}
	return 0;
}

/* Whether argv runs to exit 0; if not, why says how it ended. */
static int peer_works(const char *const *argv, struct strbuf *why)
{
	struct command cmd;
	int ok;

	command_init(&cmd);
	strvec_pushv(&cmd.args, argv);
	cmd.timeout = 120;
	ok = !command_run(&cmd) && command_succeeded(&cmd);
	if (!ok) {
		sb_printf(why, "'%s' ", argv[0]);
		command_describe(&cmd, why);
	}
	command_release(&cmd);
	return ok;
}

/* Ours: one map process for every file. */
static double ours_all(const struct corpus *c)
{
	struct strvec argv = STRVEC_INIT;
	double t;

	strvec_pushv(&argv, (const char *const[]){ c->vm, "map", NULL });
	strvec_pushv(&argv, (const char *const *)c->files.v);
	strvec_pushv(&argv, (const char *const[]){ "--json", "--db", c->db, NULL });
	t = timed_run((const char *const *)argv.v, 1);
	strvec_clear(&argv);
	return t;
}

/* Ours, one map process per file. */
static double ours_per_file(const struct corpus *c)
{
	double t = 0;

	for (size_t i = 0; i < c->files.nr; i++)
		t += timed_run((const char *const[]){ c->vm, "map", c->files.v[i], "--json",
						      "--db", c->db, NULL },
			       1);
	return t;
}

/* The two peers, one process each for the whole corpus. */
static void peers_once(const struct corpus *c, const struct strvec *pyargv,
		       double *py, double *sql)
{
	*py = timed_run((const char *const *)pyargv->v, 1);
	*sql = timed_run((const char *const[]){ "sqlite3", "-readonly", c->db,
						c->sql.buf, NULL },
			 1);
}

/* The two peers, one process each per file, as map runs. */
static double peers_per_file(const struct corpus *c)
{
	double t = 0;

	for (size_t i = 0; i < c->files.nr; i++) {
		t += timed_run((const char *const[]){ "python3", "-c", dts_reader_py,
						      c->files.v[i], NULL },
			       1);
		t += timed_run((const char *const[]){ "sqlite3", "-readonly", c->db,
						      c->sql.buf, NULL },
			       1);
	}
	return t;
}

/* The smallest file, which the start-up figure maps. */
static const char *smallest(const struct strvec *files)
{
	const char *best = NULL;
	off_t size = -1;

	for (size_t i = 0; i < files->nr; i++) {
		struct stat s;

		if (!stat(files->v[i], &s) && (size < 0 || s.st_size < size)) {
			size = s.st_size;
			best = files->v[i];
		}
	}
	return best;
}

/*
 * The files, the versions and the peer's SQL found, and every file mapped
 * once (which also warms the page cache): 0, or -1 with its line said.
 */
static int corpus_prepare(struct corpus *c, const char *dir, struct strbuf *out)
{
	struct strbuf why = STRBUF_INIT;
	int ret = -1;

	find_cfgs(dir, &c->files);
	c->small = smallest(&c->files);
	if (!c->files.nr)
		sb_printf(out, "corpus: skipped, no .cfg file under %s\n", dir);
	else if (!path_exists(c->db))
		sb_printf(out, "corpus: skipped, no store at %s\n", c->db);
	else if (mapper_sql(c))
		sb_printf(out, "corpus: skipped, the store %s cannot be read\n", c->db);
	else if (!c->versions.nr)
		sb_printf(out, "corpus: skipped, no QEMU install in %s has a complete "
			       "probe record (virt-matrix probe)\n",
			  c->db);
	else if (map_corpus_once(c, &why))
		sb_printf(out, "corpus: skipped, %s\n", why.buf);
	else
		ret = 0;
	strbuf_release(&why);
	return ret;
}

static void corpus_release(struct corpus *c)
{
	strvec_clear(&c->files);
	strvec_clear(&c->versions);
	strbuf_release(&c->sql);
}

void bench_corpus(struct bench *b)
{
	struct corpus c = { .files = STRVEC_INIT, .versions = STRVEC_INIT,
			    .sql = STRBUF_INIT };
	struct strvec pyargv = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT, versions = STRBUF_INIT;
	double ours[RUNS], py[RUNS], sql[RUNS], peers[RUNS], perfile[RUNS], oursfile[RUNS];
	double small[RUNS], help[RUNS], mo, mp;
	/* make bench runs from the top of the tree. */
	char *dir = is_dir("scenarios/dts") ? xstrdup("scenarios/dts")
					    : paths_data_dir("scenarios/dts");
	char *db = store_default_path();
	int have_peers;

	c.vm = getenv("VIRT_MATRIX_BIN");
	if (!c.vm)
		c.vm = "./virt-matrix";
	c.db = db;
	if (corpus_prepare(&c, dir, b->out))
		goto out;
	strvec_pushv(&pyargv, (const char *const[]){ "python3", "-c", dts_reader_py, NULL });
	strvec_pushv(&pyargv, (const char *const *)c.files.v);
	if (!bench_on_path("python3"))
		sb_puts(&why, "python3 is not installed");
	else if (!bench_on_path("sqlite3"))
		sb_puts(&why, "sqlite3 (the shell) is not installed");
	else if (peer_works((const char *const *)pyargv.v, &why))
		peer_works((const char *const[]){ "sqlite3", "-readonly", db, c.sql.buf,
						  NULL },
			   &why);
	have_peers = !why.len;

	for (int i = 0; i < RUNS; i++) {
		/* Alternating which side goes first, so that neither is always second. */
		if (i % 2 && have_peers) {
			peers_once(&c, &pyargv, &py[i], &sql[i]);
			perfile[i] = peers_per_file(&c);
		}
		ours[i] = ours_all(&c);
		oursfile[i] = ours_per_file(&c);
		small[i] = timed_run((const char *const[]){ c.vm, "map", c.small, "--json",
							    "--db", db, NULL },
				     1);
		help[i] = timed_run((const char *const[]){ c.vm, "map", "--help", NULL }, 1);
		if (!(i % 2) && have_peers) {
			peers_once(&c, &pyargv, &py[i], &sql[i]);
			perfile[i] = peers_per_file(&c);
		}
		if (have_peers)
			peers[i] = py[i] + sql[i];
	}

	for (size_t i = 0; i < c.versions.nr; i++)
		sb_printf(&versions, "%s%s", i ? ", " : "", c.versions.v[i]);
	mo = median(ours, RUNS);
	sb_printf(b->out,
		  "corpus %s: %zu cfg files, %zu VMs, %zu QEMU versions (%s) from %s: "
		  "%zu mappings, %zu of them a version cannot express\n",
		  dir, c.files.nr, c.vms, c.versions.nr, versions.buf, db, c.mappings,
		  c.cannot);
	sb_printf(b->out,
		  "corpus: virt-matrix map FILE... --json, one process: %.3f s for "
		  "the %zu files\n",
		  mo, c.files.nr);
	if (have_peers) {
		mp = median(peers, RUNS);
		sb_printf(b->out,
			  "peer: python3 configparser reading the same files as DTS "
			  "does %.3f s + sqlite3 -readonly running the mapper's "
			  "queries for every version %.3f s, one process each: %.3f s; "
			  "ratio ours/peers %.2f\n",
			  median(py, RUNS), median(sql, RUNS), mp, mo / mp);
	} else {
		sb_printf(b->out, "peer: none, %s\n", why.buf);
	}
	sb_printf(b->out,
		  "corpus start-up: virt-matrix map of the smallest file (%s) %.1f ms, "
		  "virt-matrix map --help (start-up alone) %.1f ms; map one process "
		  "per file %.3f s",
		  c.small, median(small, RUNS) * 1000, median(help, RUNS) * 1000,
		  median(oursfile, RUNS));
	if (have_peers)
		sb_printf(b->out,
			  "; the peers one process each per file %.3f s, ratio "
			  "map/that per file %.2f\n",
			  median(perfile, RUNS), median(oursfile, RUNS) / median(perfile, RUNS));
	else
		sb_putc(b->out, '\n');
out:
	corpus_release(&c);
	strvec_clear(&pyargv);
	strbuf_release(&why);
	strbuf_release(&versions);
	free(dir);
	free(db);
}
