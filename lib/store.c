/*
 * Opening the SQLite store and migrating its schema. Each entry of
 * migrations[] moves the schema from version i to i + 1 inside one
 * transaction; user_version records where a file is. A new table or
 * column is a new entry at the end, never an edit of an old one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "fs.h"
#include "sha256.h"
#include "strbuf.h"
#include "banned.h"

static const char *const migrations[] = {
	/* 1: installs and build attempts (ark) */
	"CREATE TABLE installs ("
	"  id INTEGER PRIMARY KEY,"
	"  app TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('built', 'imported')),"
	"  prefix TEXT NOT NULL,"
	"  binary_path TEXT NOT NULL,"
	"  binary_sha256 TEXT,"
	"  source_url TEXT,"
	"  source_sha256 TEXT,"
	"  source_flavour TEXT,"
	"  recipe_hash TEXT,"
	"  patchset_hash TEXT,"
	"  configure_args TEXT," /* JSON array of strings */
	"  status TEXT NOT NULL,"
	"  build_seconds REAL,"
	"  log_path TEXT,"
	"  installed_at TEXT NOT NULL,"
	"  UNIQUE (app, version)"
	");"
	"CREATE TABLE install_patches ("
	"  install_id INTEGER NOT NULL"
	"    REFERENCES installs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  PRIMARY KEY (install_id, seq)"
	");"
	"CREATE TABLE builds ("
	"  id INTEGER PRIMARY KEY,"
	"  app TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),"
	"  error TEXT,"
	"  source_url TEXT,"
	"  source_sha256 TEXT,"
	"  recipe_hash TEXT,"
	"  patchset_hash TEXT,"
	"  log_path TEXT,"
	"  pid INTEGER,"
	"  seconds REAL,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT"
	");"
	"CREATE INDEX builds_by_version ON builds (app, version, id);",

	/* 2: capabilities of QEMU binaries (probe), keyed by content */
	"CREATE TABLE binaries ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  version TEXT,"
	"  package TEXT,"
	"  target TEXT,"
	"  schema_sha256 TEXT REFERENCES qmp_schemas(sha256),"
	"  status TEXT NOT NULL CHECK (status IN ('complete', 'failed')),"
	"  error TEXT,"
	"  probed_at TEXT NOT NULL,"
	"  probe_seconds REAL"
	");"
	/* Where a binary was seen, to skip re-hashing an unchanged file. */
	"CREATE TABLE binary_paths ("
	"  path TEXT PRIMARY KEY,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime_ns INTEGER NOT NULL,"
	"  inode INTEGER NOT NULL,"
	"  seen_at TEXT NOT NULL"
	");"
	"CREATE TABLE qmp_schemas ("
	"  sha256 TEXT PRIMARY KEY,"
	"  json TEXT NOT NULL"
	");"
	"CREATE TABLE accelerators ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  usable INTEGER NOT NULL,"
	"  seconds REAL,"
	"  detail TEXT,"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE machine_types ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  alias TEXT,"
	"  is_default INTEGER NOT NULL,"
	"  deprecated INTEGER NOT NULL,"
	"  cpu_max INTEGER,"
	"  hotpluggable_cpus INTEGER,"
	"  default_cpu_type TEXT,"
	"  default_ram_id TEXT,"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE cpu_models ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  typename TEXT,"
	"  migration_safe INTEGER,"
	"  static INTEGER,"
	"  deprecated INTEGER,"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE qom_types ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  parent TEXT,"
	"  abstract INTEGER NOT NULL,"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE device_props ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  device TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  type TEXT,"
	"  default_value TEXT," /* JSON, NULL when QEMU gives none */
	"  description TEXT,"
	"  PRIMARY KEY (binary, device, name)"
	") WITHOUT ROWID;"
	/* Device types whose introspection fails or crashes that binary. */
	"CREATE TABLE device_failures ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  device TEXT NOT NULL,"
	"  error TEXT NOT NULL,"
	"  PRIMARY KEY (binary, device)"
	") WITHOUT ROWID;"
	"CREATE TABLE qmp_commands ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE cmdline_options ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  option TEXT NOT NULL,"
	"  parameter TEXT NOT NULL," /* '' for an option without parameters */
	"  type TEXT,"
	"  PRIMARY KEY (binary, option, parameter)"
	") WITHOUT ROWID;"
	/* Queries an old version lacks: recorded, not failures. */
	"CREATE TABLE unsupported_queries ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  command TEXT NOT NULL,"
	"  error_class TEXT,"
	"  PRIMARY KEY (binary, command)"
	") WITHOUT ROWID;",

	/* 3: the guest ABI of versioned machine types (probe) */
	"CREATE TABLE abi_texts ("
	"  sha256 TEXT PRIMARY KEY,"
	"  text TEXT NOT NULL" /* sorted, normalised lines */
	");"
	"CREATE TABLE machine_abi ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  machine TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),"
	"  fingerprint TEXT REFERENCES abi_texts(sha256),"
	"  devices TEXT," /* canonical devices present, space-separated */
	"  dropped TEXT," /* devices the machine refused, and why */
	"  error TEXT,"
	"  seconds REAL,"
	"  PRIMARY KEY (binary, machine)"
	") WITHOUT ROWID;"
	"CREATE TABLE compat_props ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  machine TEXT NOT NULL,"
	"  driver TEXT NOT NULL,"
	"  property TEXT NOT NULL,"
	"  value TEXT,"
	"  PRIMARY KEY (binary, machine, driver, property)"
	") WITHOUT ROWID;"
	"CREATE TABLE vmstates ("
	"  sha256 TEXT PRIMARY KEY,"
	"  json TEXT NOT NULL"
	");"
	"ALTER TABLE binaries ADD COLUMN vmstate_sha256 TEXT;"
	"ALTER TABLE binaries ADD COLUMN abi_seconds REAL;",

	/* 4: libvirt's domain capabilities per (libvirt, QEMU) pair */
	"CREATE TABLE domcaps ("
	"  libvirt TEXT NOT NULL," /* install name, e.g. 9.0.0 */
	"  libvirt_sha256 TEXT NOT NULL," /* of its libvirtd when probed */
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  machine TEXT NOT NULL," /* as asked: q35 or pc */
	"  resolved_machine TEXT," /* what libvirt resolved it to */
	"  virttype TEXT NOT NULL,"
	"  xml TEXT,"
	"  error TEXT,"
	"  seconds REAL,"
	"  probed_at TEXT NOT NULL,"
	"  PRIMARY KEY (libvirt, binary, machine)"
	") WITHOUT ROWID;",

	/*
	 * 5: device properties stored once per distinct property set (most
	 * device types of a binary, and most of its CPU models, share one
	 * with other types and other versions); device_props stays as a
	 * view. Probe records are derived data: the old ones are dropped and
	 * the next `probe` makes them again.
	 */
	"CREATE TABLE propsets ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE" /* of the name-sorted property list */
	");"
	"CREATE TABLE propset_props ("
	"  propset INTEGER NOT NULL REFERENCES propsets(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type TEXT,"
	"  default_value TEXT," /* JSON, NULL when QEMU gives none */
	"  description TEXT,"
	"  PRIMARY KEY (propset, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE devices ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  propset INTEGER NOT NULL REFERENCES propsets(id),"
	"  PRIMARY KEY (binary, name)"
	") WITHOUT ROWID;"
	"CREATE INDEX devices_propset ON devices (propset);"
	"DROP TABLE device_props;"
	"CREATE VIEW device_props AS"
	"  SELECT d.binary AS binary, d.name AS device, p.name AS name,"
	"         p.type AS type, p.default_value AS default_value,"
	"         p.description AS description"
	"  FROM devices d JOIN propset_props p ON p.propset = d.propset;"
	"DELETE FROM binaries;",

	/* 6: scenario runs (runner) */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  qemu TEXT NOT NULL," /* install name */
	"  qemu_sha256 TEXT,"
	"  libvirt TEXT," /* NULL for a direct run */
	"  scenario TEXT NOT NULL,"
	"  scenario_sha256 TEXT NOT NULL,"
	"  accel TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skip')),"
	"  reason TEXT,"
	"  seconds REAL,"
	"  argv TEXT," /* JSON array, the binary first */
	"  notes TEXT," /* JSON array: the mapper's version adaptations */
	"  checks TEXT," /* JSON array of {n, kind, pass, detail} */
	"  exit_status INTEGER,"
	"  signal INTEGER,"
	"  stderr TEXT,"
	"  serial_log TEXT,"
	"  backend_log TEXT,"
	"  started_at TEXT NOT NULL"
	");"
	"CREATE INDEX runs_pair ON runs (scenario, qemu, libvirt);",
	/* 7: runs through libvirt: what libvirt made of the domain */
	"ALTER TABLE runs ADD COLUMN domain_xml TEXT;" /* virDomainGetXMLDesc */
	"ALTER TABLE runs ADD COLUMN native TEXT;", /* virConnectDomainXMLToNative */
	/*
	 * 8: sweeps. One id groups everything one `run` (or one nightly
	 * `sweep`) produced; the uuid names it across machines (shards of
	 * one sweep share it, and merged stores keep it).
	 */
	"CREATE TABLE sweeps ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep', 'bisect')),"
	"  command TEXT," /* JSON array: the argv that made it */
	"  shard TEXT," /* K/N, NULL when unsharded */
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('running', 'finished', 'interrupted')),"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT"
	");"
	"ALTER TABLE runs ADD COLUMN sweep INTEGER REFERENCES sweeps(id);"
	"CREATE INDEX runs_sweep ON runs (sweep, scenario, qemu, libvirt);",
	/*
	 * 9: merging stores (sweep/merge.c). A run keeps one identity
	 * across stores (runs.uuid, set by a trigger so that writers need
	 * not know), and each shard of a sweep keeps its own state, so that
	 * a merged sweep is finished only when all its shards are.
	 */
	"ALTER TABLE runs ADD COLUMN uuid TEXT;"
	"UPDATE runs SET uuid = lower(hex(randomblob(16)));"
	"CREATE UNIQUE INDEX runs_uuid ON runs (uuid);"
	"CREATE TRIGGER runs_uuid_default AFTER INSERT ON runs"
	"  WHEN NEW.uuid IS NULL BEGIN"
	"    UPDATE runs SET uuid = lower(hex(randomblob(16))) WHERE id = NEW.id;"
	"  END;"
	"CREATE TABLE sweep_shards ("
	"  sweep INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,"
	"  k INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('running', 'finished', 'interrupted')),"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  PRIMARY KEY (sweep, k, n)"
	") WITHOUT ROWID;"
	"INSERT INTO sweep_shards (sweep, k, n, status, started_at, finished_at)"
	"  SELECT id,"
	"    CASE WHEN shard IS NULL THEN 1"
	"      ELSE CAST(substr(shard, 1, instr(shard, '/') - 1) AS INTEGER) END,"
	"    CASE WHEN shard IS NULL THEN 1"
	"      ELSE CAST(substr(shard, instr(shard, '/') + 1) AS INTEGER) END,"
	"    status, started_at, finished_at FROM sweeps;",
	/*
	 * 10: the ABI texts lose the machine properties that are not guest
	 * ABI (matrix/abitext.c, not_abi_machine_props, as it was then: a
	 * migration is history and does not follow later edits). Each text
	 * is rewritten in place and re-keyed by its new sha256, which is
	 * the text a probe makes now, so nothing needs probing again and
	 * records of binaries installed elsewhere (merged) are kept.
	 */
	"CREATE TEMP TABLE abi_v10 AS SELECT old, text, vm_sha256(text) AS new"
	"  FROM (SELECT sha256 AS old, vm_drop_lines(text, 'machine type = ',"
	"    'machine kernel = ', 'machine initrd = ', 'machine append = ',"
	"    'machine dtb = ', 'machine dumpdtb = ', 'machine firmware = ',"
	"    'machine shim = ', 'machine dt-compatible = ',"
	"    'machine memory-backend = ', 'machine memory-encryption = ',"
	"    'machine confidential-guest-support = ',"
	"    'machine dump-guest-core = ', 'machine mem-merge = ',"
	"    'machine aux-ram-share = ', 'machine pcspk-audiodev = ',"
	"    'machine rtc-time = ') AS text FROM abi_texts);"
	"DELETE FROM abi_v10 WHERE new = old;"
	"INSERT OR IGNORE INTO abi_texts (sha256, text) SELECT new, text FROM abi_v10;"
	"UPDATE machine_abi SET fingerprint ="
	"  (SELECT new FROM abi_v10 WHERE old = machine_abi.fingerprint)"
	"  WHERE fingerprint IN (SELECT old FROM abi_v10);"
	"DELETE FROM abi_texts WHERE sha256 IN (SELECT old FROM abi_v10)"
	"  AND sha256 NOT IN (SELECT new FROM abi_v10);"
	"DROP TABLE abi_v10;",
	/*
	 * 11: a run may be 'unsupported': a pair that a component refuses by
	 * a rule of its own (libvirt's minimum QEMU version), neither a pass
	 * nor a failure. SQLite cannot change a CHECK constraint, so the
	 * table is rebuilt with the same columns, indexes and trigger.
	 */
	"CREATE TABLE runs_v11 ("
	"  id INTEGER PRIMARY KEY,"
	"  qemu TEXT NOT NULL,"
	"  qemu_sha256 TEXT,"
	"  libvirt TEXT,"
	"  scenario TEXT NOT NULL,"
	"  scenario_sha256 TEXT NOT NULL,"
	"  accel TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skip',"
	"    'unsupported')),"
	"  reason TEXT,"
	"  seconds REAL,"
	"  argv TEXT,"
	"  notes TEXT,"
	"  checks TEXT,"
	"  exit_status INTEGER,"
	"  signal INTEGER,"
	"  stderr TEXT,"
	"  serial_log TEXT,"
	"  backend_log TEXT,"
	"  started_at TEXT NOT NULL,"
	"  domain_xml TEXT,"
	"  native TEXT,"
	"  sweep INTEGER REFERENCES sweeps(id),"
	"  uuid TEXT"
	");"
	"INSERT INTO runs_v11 SELECT id, qemu, qemu_sha256, libvirt, scenario,"
	"  scenario_sha256, accel, status, reason, seconds, argv, notes, checks,"
	"  exit_status, signal, stderr, serial_log, backend_log, started_at,"
	"  domain_xml, native, sweep, uuid FROM runs;"
	"DROP TABLE runs;"
	"ALTER TABLE runs_v11 RENAME TO runs;"
	"CREATE INDEX runs_pair ON runs (scenario, qemu, libvirt);"
	"CREATE INDEX runs_sweep ON runs (sweep, scenario, qemu, libvirt);"
	"CREATE UNIQUE INDEX runs_uuid ON runs (uuid);"
	"CREATE TRIGGER runs_uuid_default AFTER INSERT ON runs"
	"  WHEN NEW.uuid IS NULL BEGIN"
	"    UPDATE runs SET uuid = lower(hex(randomblob(16))) WHERE id = NEW.id;"
	"  END;",

	/* 12: which virt-matrix made a run (vmversion.h; NULL: made before
	 * virt-matrix recorded it) */
	"ALTER TABLE runs ADD COLUMN tool TEXT;",

	/*
	 * 13: the guest view of versioned machine types (matrix/guestview.h):
	 * each normalised item once by content, the items each (binary,
	 * machine type) showed, and a fingerprint over them. guest_seconds
	 * NULL: the guest view was not taken. abi_rev and guest_rev: which
	 * definition of the ABI text and of the guest view a record follows
	 * (NULL: the first), so that a probe redoes what an older
	 * virt-matrix recorded and the reports never compare two definitions.
	 */
	"CREATE TABLE guest_items ("
	"  sha256 TEXT PRIMARY KEY,"
	"  data BLOB NOT NULL"
	");"
	"CREATE TABLE machine_guest ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  machine TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),"
	"  fingerprint TEXT," /* sha256 of the "name sha256" lines, by name */
	"  error TEXT,"
	"  seconds REAL,"
	"  PRIMARY KEY (binary, machine)"
	") WITHOUT ROWID;"
	"CREATE TABLE machine_guest_items ("
	"  binary INTEGER NOT NULL REFERENCES binaries(id) ON DELETE CASCADE,"
	"  machine TEXT NOT NULL,"
	"  seq INTEGER NOT NULL," /* the order it was read in */
	"  name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL REFERENCES guest_items(sha256),"
	"  PRIMARY KEY (binary, machine, name)"
	") WITHOUT ROWID;"
	"ALTER TABLE binaries ADD COLUMN guest_seconds REAL;"
	"ALTER TABLE binaries ADD COLUMN guest_rev INTEGER;"
	"ALTER TABLE binaries ADD COLUMN abi_rev INTEGER;",

	/*
	 * 14: migrations between QEMU installs (migrate/): one row per
	 * (source, destination, versioned machine type, mode) of a sweep.
	 * side: which QEMU failed ('source', 'destination'), NULL when
	 * none did. checks: the guest's proof on the destination (JSON as
	 * runs.checks). src_seconds: the boot and save on the source, shared
	 * by every destination of that saved state; seconds: the restore
	 * and the proof on this destination.
	 */
	"CREATE TABLE migrations ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT,"
	"  sweep INTEGER REFERENCES sweeps(id),"
	"  machine TEXT NOT NULL,"
	"  mode TEXT NOT NULL CHECK (mode IN ('file', 'live')),"
	"  src_qemu TEXT NOT NULL,"
	"  src_sha256 TEXT,"
	"  dst_qemu TEXT NOT NULL,"
	"  dst_sha256 TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skip',"
	"    'unsupported')),"
	"  side TEXT CHECK (side IN ('source', 'destination')),"
	"  reason TEXT,"
	"  seconds REAL,"
	"  src_seconds REAL,"
	"  src_transport TEXT,"
	"  dst_transport TEXT,"
	"  src_argv TEXT,"
	"  dst_argv TEXT,"
	"  checks TEXT,"
	"  src_log TEXT,"
	"  dst_log TEXT,"
	"  started_at TEXT NOT NULL,"
	"  tool TEXT"
	");"
	"CREATE INDEX migrations_sweep ON migrations (sweep, machine, src_qemu,"
	"  dst_qemu, mode);"
	"CREATE UNIQUE INDEX migrations_uuid ON migrations (uuid);"
	"CREATE TRIGGER migrations_uuid_default AFTER INSERT ON migrations"
	"  WHEN NEW.uuid IS NULL BEGIN"
	"    UPDATE migrations SET uuid = lower(hex(randomblob(16)))"
	"      WHERE id = NEW.id;"
	"  END;"
	/* A sweep may be a 'migrate' one: sweeps rebuilt, as runs in 11. */
	"CREATE TABLE sweeps_v14 ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep', 'bisect', 'migrate')),"
	"  command TEXT,"
	"  shard TEXT,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('running', 'finished', 'interrupted')),"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT"
	");"
	"INSERT INTO sweeps_v14 SELECT id, uuid, kind, command, shard, status,"
	"  started_at, finished_at FROM sweeps;"
	"DROP TABLE sweeps;"
	"ALTER TABLE sweeps_v14 RENAME TO sweeps;",

	/*
	 * 15: a migration may go through libvirt ('libvirt'): a guest started
	 * by one libvirt daemon (src_libvirt, its install's version) with QEMU
	 * src_qemu, migrated peer to peer to another (dst_libvirt) with QEMU
	 * dst_qemu. Both are NULL for 'file' and 'live'. The mode's CHECK
	 * changes: the table is rebuilt, as runs in 11, with its rows, indexes
	 * and trigger; nothing refers to it.
	 */
	"CREATE TABLE migrations_v15 ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT,"
	"  sweep INTEGER REFERENCES sweeps(id),"
	"  machine TEXT NOT NULL,"
	"  mode TEXT NOT NULL CHECK (mode IN ('file', 'live', 'libvirt')),"
	"  src_qemu TEXT NOT NULL,"
	"  src_sha256 TEXT,"
	"  dst_qemu TEXT NOT NULL,"
	"  dst_sha256 TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'skip',"
	"    'unsupported')),"
	"  side TEXT CHECK (side IN ('source', 'destination')),"
	"  reason TEXT,"
	"  seconds REAL,"
	"  src_seconds REAL,"
	"  src_transport TEXT,"
	"  dst_transport TEXT,"
	"  src_argv TEXT,"
	"  dst_argv TEXT,"
	"  checks TEXT,"
	"  src_log TEXT,"
	"  dst_log TEXT,"
	"  started_at TEXT NOT NULL,"
	"  tool TEXT,"
	"  src_libvirt TEXT,"
	"  dst_libvirt TEXT"
	");"
	"INSERT INTO migrations_v15 (id, uuid, sweep, machine, mode, src_qemu,"
	"  src_sha256, dst_qemu, dst_sha256, status, side, reason, seconds,"
	"  src_seconds, src_transport, dst_transport, src_argv, dst_argv, checks,"
	"  src_log, dst_log, started_at, tool)"
	"  SELECT id, uuid, sweep, machine, mode, src_qemu, src_sha256, dst_qemu,"
	"  dst_sha256, status, side, reason, seconds, src_seconds, src_transport,"
	"  dst_transport, src_argv, dst_argv, checks, src_log, dst_log, started_at,"
	"  tool FROM migrations;"
	"DROP TABLE migrations;"
	"ALTER TABLE migrations_v15 RENAME TO migrations;"
	"CREATE INDEX migrations_sweep ON migrations (sweep, machine, src_qemu,"
	"  dst_qemu, mode, src_libvirt, dst_libvirt);"
	"CREATE UNIQUE INDEX migrations_uuid ON migrations (uuid);"
	"CREATE TRIGGER migrations_uuid_default AFTER INSERT ON migrations"
	"  WHEN NEW.uuid IS NULL BEGIN"
	"    UPDATE migrations SET uuid = lower(hex(randomblob(16)))"
	"      WHERE id = NEW.id;"
	"  END;",

	/*
	 * 16: libvirt's own test domains as a corpus (corpus/). A domain is
	 * one input XML of tests/qemuxmlconfdata, named by the libvirt
	 * source it came from (origin: that libvirt's version) and its file;
	 * its golden files are libvirt's expected argv ('args') or expected
	 * error ('err') for one QEMU version ('latest' or 'X.Y.0').
	 * corpus_runs: one row per (domain, libvirt install, QEMU install)
	 * of a sweep. outcome: 'started' (argv: the real QEMU argv, from
	 * /proc), 'rejected' by libvirt, 'refused' by QEMU, 'skipped' (a host
	 * resource it names is missing here), 'error' (ours). adaptations:
	 * JSON array of the stand-ins made for it. golden: the golden file
	 * the argv was compared with. A `corpus run` is a sweep of kind
	 * 'corpus' (or joins the nightly 'sweep' that started it).
	 */
	/* A sweep may be a 'corpus' one: sweeps rebuilt, as in 14. */
	"CREATE TABLE sweeps_v16 ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('run', 'sweep', 'bisect', 'migrate',"
	"    'corpus')),"
	"  command TEXT,"
	"  shard TEXT,"
	"  status TEXT NOT NULL"
	"    CHECK (status IN ('running', 'finished', 'interrupted')),"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT"
	");"
	"INSERT INTO sweeps_v16 SELECT id, uuid, kind, command, shard, status,"
	"  started_at, finished_at FROM sweeps;"
	"DROP TABLE sweeps;"
	"ALTER TABLE sweeps_v16 RENAME TO sweeps;"
	"CREATE TABLE corpus_domains ("
	"  id INTEGER PRIMARY KEY,"
	"  corpus TEXT NOT NULL CHECK (corpus IN ('libvirt')),"
	"  origin TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  file TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  xml TEXT NOT NULL,"
	"  imported_at TEXT NOT NULL,"
	"  UNIQUE (corpus, origin, name)"
	");"
	"CREATE TABLE corpus_golden ("
	"  domain INTEGER NOT NULL REFERENCES corpus_domains(id) ON DELETE CASCADE,"
	"  qemu TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('args', 'err')),"
	"  file TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  PRIMARY KEY (domain, qemu, kind)"
	") WITHOUT ROWID;"
	"CREATE TABLE corpus_runs ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT,"
	"  sweep INTEGER REFERENCES sweeps(id),"
	"  domain INTEGER NOT NULL REFERENCES corpus_domains(id),"
	"  libvirt TEXT NOT NULL,"
	"  qemu TEXT NOT NULL,"
	"  qemu_sha256 TEXT,"
	"  accel TEXT,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('started', 'rejected',"
	"    'refused', 'skipped', 'error', 'unsupported')),"
	"  reason TEXT,"
	"  argv TEXT,"
	"  adaptations TEXT,"
	"  golden TEXT,"
	"  domain_xml TEXT,"
	"  seconds REAL,"
	"  started_at TEXT NOT NULL,"
	"  tool TEXT"
	");"
	"CREATE INDEX corpus_runs_sweep ON corpus_runs (sweep, domain, libvirt, qemu);"
	"CREATE UNIQUE INDEX corpus_runs_uuid ON corpus_runs (uuid);"
	"CREATE TRIGGER corpus_runs_uuid_default AFTER INSERT ON corpus_runs"
	"  WHEN NEW.uuid IS NULL BEGIN"
	"    UPDATE corpus_runs SET uuid = lower(hex(randomblob(16)))"
	"      WHERE id = NEW.id;"
	"  END;",

	/*
	 * 17: what a corpus's origin says of its golden files: latest_qemu,
	 * the QEMU version libvirt's tests call 'latest' for x86_64 (the
	 * newest tests/qemucapabilitiesdata/caps_X.Y.Z_x86_64.xml of that
	 * source, variants aside); NULL when the source has none. Written
	 * by `corpus import` with the domains; a store imported before has
	 * no row.
	 */
	"CREATE TABLE corpus_origins ("
	"  corpus TEXT NOT NULL CHECK (corpus IN ('libvirt')),"
	"  origin TEXT NOT NULL,"
	"  latest_qemu TEXT,"
	"  PRIMARY KEY (corpus, origin)"
	") WITHOUT ROWID;",
};

int store_schema_version(void)
{
	return (int)ARRAY_SIZE(migrations);
}

void store_stmt_cleanup(sqlite3_stmt **st)
{
	if (*st)
		sqlite3_finalize(*st);
	*st = NULL;
}

char *store_default_path(void)
{
	const char *env = getenv("VIRT_MATRIX_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (env && *env)
		return xstrdup(env);
	if (geteuid() == 0)
		return xstrdup("/var/lib/virt-matrix/matrix.db");
	if (xdg && *xdg)
		sb_printf(&sb, "%s/virt-matrix/matrix.db", xdg);
	else
		sb_printf(&sb, "%s/.local/share/virt-matrix/matrix.db",
			  home ? home : ".");
	return strbuf_detach(&sb);
}

int store_error(struct store *st, const char *what)
{
	return error("store '%s': %s: %s", st->path, what,
		      sqlite3_errmsg(st->db));
}

int store_prepare(struct store *st, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
		return store_error(st, "cannot prepare statement");
	return 0;
}

int store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("store '%s': %s", st->path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

int store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

char *store_column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

/* "pc-q35-2.4" < "pc-q35-2.10": numbers inside names compare as numbers. */
static int natural_collation(void *ctx, int la, const void *a, int lb,
			     const void *b)
{
	char *x = xstrndup(a, (size_t)la), *y = xstrndup(b, (size_t)lb);
	int c = strverscmp(x, y);

	(void)ctx;
	free(x);
	free(y);
	return c < 0 ? -1 : c > 0;
}

/* vm_sha256(text): the hex sha256 of text's bytes (as abi_texts keys). */
static void sql_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char hex[SHA256_HEX_LEN + 1];
	const void *p = sqlite3_value_blob(argv[0]);

	(void)argc;
	sha256_hex(p ? p : "", (size_t)sqlite3_value_bytes(argv[0]), hex);
	sqlite3_result_text(ctx, hex, -1, SQLITE_TRANSIENT);
}

/*
 * vm_drop_lines(text, prefix, ...): text without the lines (each ending
 * in a newline) that start with one of the prefixes.
 */
static void sql_drop_lines(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	struct strbuf out = STRBUF_INIT;

	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	while (*s) {
		size_t len = strcspn(s, "\n");
		int drop = 0;

		len += s[len] == '\n';
		for (int i = 1; i < argc && !drop; i++) {
			const char *pre = (const char *)sqlite3_value_text(argv[i]);

			drop = pre && !strncmp(s, pre, strlen(pre));
		}
		if (!drop && strbuf_add(&out, s, len)) {
			strbuf_release(&out);
			sqlite3_result_error_nomem(ctx);
			return;
		}
		s += len;
	}
	sqlite3_result_text(ctx, out.buf ? out.buf : "", (int)out.len,
			    SQLITE_TRANSIENT);
	strbuf_release(&out);
}

static int user_version(struct store *st, int *out)
{
	auto_stmt *q = NULL;

	if (store_prepare(st, &q, "PRAGMA user_version"))
		return -1;
	if (sqlite3_step(q) != SQLITE_ROW)
		return store_error(st, "cannot read schema version");
	*out = sqlite3_column_int(q, 0);
	return 0;
}

/*
 * A version this binary cannot migrate from: below 0 (nothing writes
 * that, and migrations[] has no such entry) or above the newest known.
 */
static int bad_version(struct store *st, int have, int want)
{
	if (have < 0)
		return error("store '%s' has schema version %d: no "
			     "virt-matrix writes a negative one (the file is "
			     "damaged or not a virt-matrix store)",
			     st->path, have);
	return error("store '%s' has schema version %d, newer than this "
		     "virt-matrix understands (%d); upgrade virt-matrix",
		     st->path, have, want);
}

/*
 * The schema version of st into *have, refusing a store this binary
 * cannot migrate before anything touches it (switching it to WAL would
 * already change a file that is not ours).
 */
static int check_version(struct store *st, int *have)
{
	int want = store_schema_version();

	if (user_version(st, have))
		return -1;
	if (*have < 0 || *have > want)
		return bad_version(st, *have, want);
	return 0;
}

/* Rows that refer to a row that is not there, into *n; -1 after reporting. */
static int dangling_refs(struct store *st, long long *n)
{
	auto_stmt *q = NULL;
	int rc;

	*n = 0;
	if (store_prepare(st, &q, "PRAGMA foreign_key_check"))
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		(*n)++;
	return rc == SQLITE_DONE ? 0 : store_error(st, "cannot check foreign keys");
}

/* Brings st from schema version have (as read unlocked) to the newest. */
static int migrate(struct store *st, int have)
{
	int want = store_schema_version(), ret = 0;

	/*
	 * A migration that rebuilds a table others refer to (sweeps, 14)
	 * must not cascade its DROP: foreign keys are off meanwhile (they
	 * cannot change inside a transaction), and checked before they are
	 * on again.
	 */
	if (have < want && store_exec(st, "PRAGMA foreign_keys = OFF"))
		return -1;
	while (have < want) {
		char pragma[64];
		long long before, after;

		if (store_begin(st))
			return -1;
		/* Re-read under the write lock: another process may have won. */
		if (user_version(st, &have)) {
			store_rollback(st);
			return -1;
		}
		if (have < 0 || have > want) {
			store_rollback(st);
			return bad_version(st, have, want);
		}
		if (have == want) {
			store_rollback(st);
			break;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			 have + 1);
		/* A rebuilt table leaves every reference as it found it. */
		if (dangling_refs(st, &before) || store_exec(st, migrations[have]) ||
		    dangling_refs(st, &after) ||
		    (after > before &&
		     error("store '%s': %lld rows would refer to rows that are gone",
			   st->path, after - before)) ||
		    store_exec(st, pragma) || store_commit(st)) {
			store_rollback(st);
			ret = error("store '%s': migration to schema version "
				    "%d failed",
				    st->path, have + 1);
			break;
		}
		have++;
	}
	if (store_exec(st, "PRAGMA foreign_keys = ON"))
		ret = -1;
	return ret;
}

int store_path_check(const char *path)
{
	if (!*path)
		return error("cannot use '' as the store: an empty path is a "
			     "temporary database that vanishes (--db wants a file)");
	return 0;
}

int store_open(struct store *st, const char *path)
{
	char *dir;
	int rc, have;

	memset(st, 0, sizeof(*st));
	if (store_path_check(path))
		return -1;
	dir = path_dirname(path);
	st->path = xstrdup(path);
	if (strcmp(path, ":memory:") && mkdir_p(dir, 0755)) {
		free(dir);
		goto fail;
	}
	free(dir);
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		error("cannot open store '%s': %s", path,
		      st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 30000);
	sqlite3_create_collation(st->db, "version", SQLITE_UTF8, NULL,
				 natural_collation);
	/* For migrations that rewrite what the store holds (10). */
	sqlite3_create_function(st->db, "vm_sha256", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				sql_sha256, NULL, NULL);
	sqlite3_create_function(st->db, "vm_drop_lines", -1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				sql_drop_lines, NULL, NULL);
	sqlite3_extended_result_codes(st->db, 1);
	if (check_version(st, &have) ||
	    store_exec(st, "PRAGMA journal_mode = WAL") ||
	    store_exec(st, "PRAGMA foreign_keys = ON") ||
	    store_exec(st, "PRAGMA synchronous = NORMAL") || migrate(st, have))
		goto fail;
	return 0;
fail:
	store_close(st);
	return -1;
}

void store_close(struct store *st)
{
	if (st->db)
		sqlite3_close(st->db);
	st->db = NULL;
	free(st->path);
	st->path = NULL;
}
