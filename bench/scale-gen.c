/*
 * scale-gen: SIMULATED data for benchmarks only. It writes the stores a
 * large lab's nightly sweep would leave on its shard machines (QEMU
 * installs x libvirt installs x scenarios, sharded N ways exactly as
 * `sweep --shard K/N` splits the jobs: runner/jobplan.h's order, job idx
 * in shard (idx mod N) + 1; tests/unit/test_scale_gen.c holds the split
 * against jobplan_build's), so that `make bench` can time `merge` and
 * `report` at a size no real machine here has. No row in these stores
 * was measured on a real QEMU: the versions, machine types, ABI texts,
 * guest views, capabilities, runs and migrations are made up from a
 * seeded hash, in the shapes and proportions of a real store (run
 * verdicts about 72% pass, 12% fail, 12% skip, 4% unsupported; ABI texts
 * of ~800 sorted lines, ~60% of version steps changing them, a few
 * machine-specific breaks; file-mode migrations between every two QEMUs
 * that have a machine type, ~11% failing).
 *
 * Rows go in through the project's own record functions where there is
 * one (installs_put, abi_record, guest_record, sweep_open/sweep_close,
 * runs_insert, migrations_insert); the capability tables, which only
 * caps_record writes from QMP replies, are filled with SQL matching
 * lib/store.c's schema SCALE_SCHEMA, and the generator refuses any other
 * schema version. The probe records are written once into a template
 * store and copied into each shard, as every shard of a real sweep
 * probes every version. Times: the nights are dated one day apart,
 * ending now.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "scale-gen.h"
#include "abirecord.h"
#include "fs.h"
#include "guestrecord.h"
#include "installs.h"
#include "migrations.h"
#include "runs.h"
#include "sha256.h"
#include "shard.h"
#include "store.h"
#include "sweeps.h"
#include "version.h"
#include "banned.h"

/* ---- a seeded hash: every simulated choice is h(...) % something ---- */

static unsigned long long mix(unsigned long long x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned long long h3(unsigned long long a, unsigned long long b,
			     unsigned long long c)
{
	return mix(mix(mix(a + 0x9e3779b97f4a7c15ULL) ^ b) ^ c);
}

static unsigned long long hs(const char *s)
{
	unsigned long long x = 1469598103934665603ULL;

	while (*s)
		x = (x ^ (unsigned char)*s++) * 1099511628211ULL;
	return mix(x);
}

/* Percent of a real store's size, at least 1 of anything. */
static size_t scaled(const struct scale_spec *sp, size_t n)
{
	size_t v = n * (size_t)sp->blob_scale / 100;

	return v ? v : 1;
}

/* ---- the lab: versions and machine types ---- */

/* Machine-type versions in QEMU's order, continued past the real ones. */
static void machine_versions(size_t n, struct strvec *out)
{
	static const char *const real[] = {
		"1.4", "1.5", "1.6", "1.7", "2.0", "2.1", "2.2", "2.3", "2.4",
		"2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "3.0",
		"3.1", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2", "6.0", "6.1",
		"6.2", "7.0", "7.1", "7.2", "8.0", "8.1", "8.2", "9.0", "9.1",
		"9.2", "10.0", "10.1", "10.2",
	};

	for (size_t k = 0; k < n; k++) {
		if (k < ARRAY_SIZE(real))
			strvec_push(out, real[k]);
		else
			strvec_pushf(out, "%zu.%zu", 11 + (k - ARRAY_SIZE(real)) / 3,
				     (k - ARRAY_SIZE(real)) % 3);
	}
}

struct lab {
	const struct scale_spec *sp;
	struct strvec mv;        /* machine-type versions */
	struct strvec qemus;     /* install names, oldest first */
	struct strvec libvirts;
	struct strvec scenarios;
	size_t window;           /* versioned machine types per family and QEMU */
	char (*sha)[SHA256_HEX_LEN + 1]; /* each QEMU's simulated binary */
};

/* QEMU i has the machine versions [i, i + window) of both families. */
static int has_mv(const struct lab *L, size_t i, size_t k)
{
	return k >= i && k < i + L->window;
}

static void lab_init(struct lab *L, const struct scale_spec *sp)
{
	memset(L, 0, sizeof(*L));
	L->sp = sp;
	L->window = (size_t)sp->machines / 2;
	machine_versions((size_t)sp->qemus + L->window - 1, &L->mv);
	L->sha = xcalloc((size_t)sp->qemus, sizeof(*L->sha));
	for (int i = 0; i < sp->qemus; i++) {
		struct strbuf s = STRBUF_INIT;

		/* A QEMU release's own machine types are its newest. */
		strvec_pushf(&L->qemus, "%s.0", L->mv.v[(size_t)i + L->window - 1]);
		sb_printf(&s, "SIMULATED qemu %s", L->qemus.v[i]);
		sha256_hex(s.buf, s.len, L->sha[i]);
		strbuf_release(&s);
	}
	for (int i = 0; i < sp->libvirts; i++)
		strvec_pushf(&L->libvirts, "%d.%d.0", 7 + i / 3, (i % 3) * 4);
	for (int i = 0; i < sp->scenarios; i++)
		strvec_pushf(&L->scenarios, "scale-%02d", i);
}

static void lab_release(struct lab *L)
{
	strvec_clear(&L->mv);
	strvec_clear(&L->qemus);
	strvec_clear(&L->libvirts);
	strvec_clear(&L->scenarios);
	free(L->sha);
}

static void machine_name(const struct lab *L, int q35, size_t k, struct strbuf *out)
{
	sb_printf(out, "pc-%s-%s", q35 ? "q35" : "i440fx", L->mv.v[k]);
}

/* Version steps up to QEMU i that changed every text (a new CPU property). */
static unsigned global_epoch(size_t i)
{
	unsigned e = 0;

	for (size_t s = 1; s <= i; s++)
		e += h3(1, s, 0) % 100 < 60;
	return e;
}

/* Steps up to QEMU i that broke machine (q35, k): ~3% of steps. */
static unsigned break_epoch(int q35, size_t k, size_t i)
{
	unsigned e = 0;

	for (size_t s = 1; s <= i; s++)
		e += h3(2 + (unsigned)q35, k * 1000 + s, 0) % 100 < 3;
	return e;
}

/* ---- probe records ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The fingerprint text of machine (q35, k) on QEMU i: sorted lines. */
static void abi_text(const struct lab *L, int q35, size_t k, size_t i,
		     struct strbuf *out)
{
	struct strvec lines = STRVEC_INIT;
	unsigned g = global_epoch(i), b = break_epoch(q35, k, i);
	size_t ncpu = scaled(L->sp, 360) + 2 * g, ndev = scaled(L->sp, 35);
	const char *host = q35 ? "q35-pcihost" : "i440FX-pcihost";
	const char *bus = q35 ? "pcie.0" : "pci.0";

	for (size_t j = 0; j < ncpu; j++)
		strvec_pushf(&lines, "cpu feature-%04zu = %s", j,
			     h3(3, j, 0) & 1 ? "true" : "false");
	for (size_t j = 0; j < 16; j++)
		strvec_pushf(&lines, "machine prop-%02zu = %llu", j, h3(4, j, q35) % 7);
	for (size_t d = 0; d < ndev; d++) {
		strvec_pushf(&lines, "pci 0:%02zx.0 class = %04llx", d, h3(5, d, 0) % 0x1000);
		for (size_t p = 0; p < 10; p++) {
			/* Compat properties: older machine types keep older values. */
			unsigned long long v = h3(6, d * 16 + p, p < 2 ? k / 4 : 0);

			if (d < 2 && p < 2)
				v += b; /* a break changes a value */
			strvec_pushf(&lines, "qtree /main-system-bus/%s[0]/%s/dev%02zu[0] "
				     "prop-%02zu = %llu (0x%llx)", host, bus, d, p,
				     v % 100000, v % 100000);
		}
	}
	sort_array(lines.v, lines.nr, sizeof(*lines.v), cmp_str);
	for (size_t j = 0; j < lines.nr; j++)
		sb_printf(out, "%s\n", lines.v[j]);
	strvec_clear(&lines);
}

static const char *const guest_item_names[] = {
	"acpi/APIC", "acpi/DSDT", "acpi/FACP", "acpi/FACS", "acpi/HPET",
	"acpi/RSDP", "acpi/RSDT", "acpi/WAET", "cpu/cpuid", "cpu/lapic",
	"firmware/e820", "fw_cfg/dir", "fw_cfg/etc/e820", "smbios/entry",
	"smbios/table", "pci/00:00.0", "pci/00:01.0", "pci/00:02.0",
	"pci/00:03.0", "pci/00:04.0", "pci/00:05.0", "pcibar/00:00.0",
	"pcibar/00:01.0", "pcibar/00:02.0", "pcibar/00:03.0", "pcibar/00:04.0",
	"pcibar/00:05.0", "virtio/00:02.0", "virtio/00:04.0", "virtio/00:05.0",
};

/* The guest view of machine (q35, k) on QEMU i. */
static void guest_view(const struct lab *L, int q35, size_t k, size_t i,
		       struct guestview *gv)
{
	unsigned b = break_epoch(q35, k, i);

	for (size_t n = 0; n < ARRAY_SIZE(guest_item_names); n++) {
		const char *name = guest_item_names[n];
		size_t len = !strcmp(name, "acpi/DSDT") ? 8192 :
			     !strncmp(name, "pci/", 4) ? 256 : 64;
		unsigned char *data = xmalloc(len);
		unsigned e = 0;

		/* An item's bytes change at ~2% of steps, the DSDT with a break. */
		for (size_t s = 1; s <= i; s++)
			e += h3(7, n * 1000 + s, (unsigned)q35) % 100 < 2;
		if (n == 1)
			e += 100 * b;
		for (size_t j = 0; j < len; j++)
			data[j] = (unsigned char)(h3(8, n, e * 4096 + j / 8) >> (j % 8 * 8));
		guestview_add(gv, name, 0, data, len);
		free(data);
	}
}

/* What query-machines with compat-props would have given, and the vmstate. */
static void binary_jobs(const struct lab *L, size_t i, struct abi_binary_jobs *bj)
{
	json_object *ms = json_object_new_array();
	unsigned g = global_epoch(i);

	memset(bj, 0, sizeof(*bj));
	for (size_t k = 0; k < L->mv.nr; k++)
		for (int q35 = 0; q35 < 2; q35++) {
			json_object *m, *cp;
			struct strbuf name = STRBUF_INIT;

			if (!has_mv(L, i, k))
				continue;
			m = json_object_new_object();
			cp = json_object_new_array();
			machine_name(L, q35, k, &name);
			json_object_object_add(m, "name", json_object_new_string(name.buf));
			/* Older machine types carry more compat properties. */
			for (size_t p = 0; p < 8 + (L->mv.nr - k) / 2; p++) {
				json_object *c = json_object_new_object();
				char v[32], prop[32];

				snprintf(v, sizeof(v), "%llu", h3(9, p, k) % 4);
				json_object_object_add(c, "qom-type", json_object_new_string(
					(const char *[]){ "virtio-net-pci", "virtio-blk-device",
							  "e1000e", "pcie-root-port",
							  "usb-host" }[p % 5]));
				snprintf(prop, sizeof(prop), "x-compat-%02zu", p);
				json_object_object_add(c, "property", json_object_new_string(prop));
				json_object_object_add(c, "value", json_object_new_string(v));
				json_object_array_add(cp, c);
			}
			json_object_object_add(m, "compat-props", cp);
			json_object_array_add(ms, m);
			strbuf_release(&name);
		}
	bj->compat = ms;
	strbuf_init(&bj->vmstate, 0);
	/* -dump-vmstate's shape: a section per device, fields with versions. */
	sb_puts(&bj->vmstate, "{\n  \"vmschkmachine\": {\n    \"Name\": \"none\"\n  }");
	for (size_t d = 0; d < scaled(L->sp, 160); d++) {
		unsigned ver = (unsigned)(h3(10, d, 0) % 3) + (d % 7 == 0 ? g / 4 : 0);

		sb_printf(&bj->vmstate, ",\n  \"device-%03zu\": {\n    \"Name\": \"device-%03zu\",\n"
			  "    \"version_id\": %u,\n    \"minimum_version_id\": 0,\n"
			  "    \"Description\": {\n      \"name\": \"device-%03zu\",\n"
			  "      \"version_id\": %u,\n      \"minimum_version_id\": 0,\n"
			  "      \"Fields\": [", d, d, ver, d, ver);
		for (size_t f = 0; f < 12 + ver; f++)
			sb_printf(&bj->vmstate, "%s\n        {\n          \"field\": \"f%02zu\",\n"
				  "          \"version_id\": %u,\n          \"field_exists\": false,\n"
				  "          \"size\": %llu\n        }", f ? "," : "", f,
				  f < 12 ? 0 : ver, 1ULL << (h3(11, d, f) % 6));
		sb_puts(&bj->vmstate, "\n      ]\n    }\n  }");
	}
	sb_puts(&bj->vmstate, "\n}\n");
}

/* One prepared INSERT, stepped once per row. */
static int step_reset(struct store *st, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
		return error("store '%s': cannot insert %s: %s", st->path, what,
			     sqlite3_errmsg(st->db));
	return 0;
}

/*
 * A catalog of named things for QEMU i: item j of n exists when it was
 * introduced by then (~1/3 are there from the first version) and not yet
 * removed (~4%).
 */
static int present(size_t cat, size_t j, size_t i, size_t nq)
{
	unsigned long long x = h3(12, cat, j);
	size_t intro = x % 3 ? 0 : (size_t)((x >> 8) % (nq ? nq : 1));
	size_t gone = (x >> 20) % 25 == 0 ? intro + 1 + (size_t)((x >> 28) % 10) : (size_t)-1;

	return i >= intro && i < gone;
}

static const char *const real_devices[] = {
	"virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci", "e1000e", "e1000",
	"vfio-pci", "pcie-root-port", "virtio-serial-pci", "usb-host", "qemu-xhci",
	"virtio-balloon-pci", "virtio-rng-pci", "ide-hd", "scsi-hd", "i6300esb",
};

/* The capability tables of binary id (QEMU i), as caps_record leaves them. */
static int caps_rows(struct store *st, const struct lab *L, size_t i, long long id)
{
	auto_stmt *mt = NULL, *cpu = NULL, *qom = NULL, *cmd = NULL,
		  *opt = NULL, *ps = NULL, *pp = NULL, *dev = NULL, *acc = NULL;
	size_t nq = (size_t)L->sp->qemus;
	struct strbuf s = STRBUF_INIT;
	int ret = -1;

	if (store_prepare(st, &mt, "INSERT INTO machine_types (binary, name, alias,"
			  " is_default, deprecated, cpu_max, hotpluggable_cpus,"
			  " default_cpu_type, default_ram_id) VALUES (?, ?, ?, ?, 0, 288, 1,"
			  " 'qemu64-x86_64-cpu', 'pc.ram')") ||
	    store_prepare(st, &cpu, "INSERT INTO cpu_models (binary, name, typename,"
			  " migration_safe, static, deprecated) VALUES (?, ?, ?, 1, 0, 0)") ||
	    store_prepare(st, &qom, "INSERT INTO qom_types (binary, name, parent, abstract)"
			  " VALUES (?, ?, ?, 0)") ||
	    store_prepare(st, &cmd, "INSERT INTO qmp_commands (binary, name) VALUES (?, ?)") ||
	    store_prepare(st, &opt, "INSERT INTO cmdline_options (binary, option, parameter,"
			  " type) VALUES (?, ?, ?, 'string')") ||
	    store_prepare(st, &ps, "INSERT OR IGNORE INTO propsets (sha256) VALUES (?)") ||
	    store_prepare(st, &pp, "INSERT OR IGNORE INTO propset_props (propset, name, type,"
			  " default_value, description) SELECT id, ?, 'uint32', ?, ?"
			  " FROM propsets WHERE sha256 = ?") ||
	    store_prepare(st, &dev, "INSERT INTO devices (binary, name, propset)"
			  " SELECT ?, ?, id FROM propsets WHERE sha256 = ?") ||
	    store_prepare(st, &acc, "INSERT INTO accelerators (binary, name, usable, seconds,"
			  " detail) VALUES (?, ?, 1, 0.05, NULL)"))
		goto out;
	for (int a = 0; a < 2; a++) {
		sqlite3_bind_int64(acc, 1, id);
		store_bind_text(acc, 2, a ? "kvm" : "tcg");
		if (step_reset(st, acc, "an accelerator"))
			goto out;
	}
	for (size_t k = 0; k < L->mv.nr; k++)
		for (int q35 = 0; q35 < 2; q35++) {
			int newest = k == i + L->window - 1;

			if (!has_mv(L, i, k))
				continue;
			strbuf_reset(&s);
			machine_name(L, q35, k, &s);
			sqlite3_bind_int64(mt, 1, id);
			store_bind_text(mt, 2, s.buf);
			store_bind_text(mt, 3, newest ? (q35 ? "q35" : "pc") : NULL);
			sqlite3_bind_int(mt, 4, newest && !q35);
			if (step_reset(st, mt, "a machine type"))
				goto out;
		}
	for (size_t j = 0; j < 3; j++) {
		sqlite3_bind_int64(mt, 1, id);
		store_bind_text(mt, 2, (const char *[]){ "none", "microvm", "isapc" }[j]);
		sqlite3_bind_int(mt, 4, 0);
		if (step_reset(st, mt, "a machine type"))
			goto out;
	}
	for (size_t j = 0; j < 140; j++) {
		if (!present(1, j, i, nq))
			continue;
		strbuf_reset(&s);
		sb_printf(&s, "model-%03zu", j);
		sqlite3_bind_int64(cpu, 1, id);
		store_bind_text(cpu, 2, s.buf);
		sb_puts(&s, "-x86_64-cpu");
		store_bind_text(cpu, 3, s.buf);
		if (step_reset(st, cpu, "a CPU model"))
			goto out;
	}
	for (size_t j = 0; j < 620; j++) {
		if (j && !present(2, j, i, nq))
			continue;
		strbuf_reset(&s);
		if (j)
			sb_printf(&s, "type-%03zu", j);
		else
			sb_puts(&s, "memory-backend-memfd");
		sqlite3_bind_int64(qom, 1, id);
		store_bind_text(qom, 2, s.buf);
		store_bind_text(qom, 3, "object");
		if (step_reset(st, qom, "a QOM type"))
			goto out;
	}
	for (size_t j = 0; j < 215; j++) {
		if (!present(3, j, i, nq))
			continue;
		strbuf_reset(&s);
		sb_printf(&s, "command-%03zu", j);
		sqlite3_bind_int64(cmd, 1, id);
		store_bind_text(cmd, 2, s.buf);
		if (step_reset(st, cmd, "a QMP command"))
			goto out;
	}
	for (size_t j = 0; j < 255; j++) {
		char o[32];

		if (!present(4, j, i, nq))
			continue;
		snprintf(o, sizeof(o), "option-%02zu", j / 5);
		strbuf_reset(&s);
		sb_printf(&s, "param-%zu", j % 5);
		sqlite3_bind_int64(opt, 1, id);
		store_bind_text(opt, 2, o);
		store_bind_text(opt, 3, s.buf);
		if (step_reset(st, opt, "a command-line option"))
			goto out;
	}
	for (size_t j = 0; j < 460; j++) {
		char set[SHA256_HEX_LEN + 1];
		unsigned e = 0;

		if (j >= ARRAY_SIZE(real_devices) && !present(5, j, i, nq))
			continue;
		/* A device's properties change at ~5% of version steps. */
		for (size_t st_ = 1; st_ <= i; st_++)
			e += h3(13, j, st_) % 100 < 5;
		strbuf_reset(&s);
		sb_printf(&s, "SIMULATED propset %zu %u", j, e);
		sha256_hex(s.buf, s.len, set);
		store_bind_text(ps, 1, set);
		if (step_reset(st, ps, "a property set"))
			goto out;
		if (sqlite3_changes(st->db))
			for (size_t p = 0; p < 12 + e % 4; p++) {
				char name[32], def[32];

				snprintf(name, sizeof(name), "prop-%02zu", p);
				snprintf(def, sizeof(def), "%llu", h3(14, j, p + 100 * (p == 0 ? e : 0)) % 512);
				store_bind_text(pp, 1, name);
				store_bind_text(pp, 2, def);
				store_bind_text(pp, 3, "a simulated property");
				store_bind_text(pp, 4, set);
				if (step_reset(st, pp, "a property"))
					goto out;
			}
		strbuf_reset(&s);
		if (j < ARRAY_SIZE(real_devices))
			sb_puts(&s, real_devices[j]);
		else
			sb_printf(&s, "device-%03zu", j);
		sqlite3_bind_int64(dev, 1, id);
		store_bind_text(dev, 2, s.buf);
		store_bind_text(dev, 3, set);
		if (step_reset(st, dev, "a device"))
			goto out;
	}
	ret = 0;
out:
	strbuf_release(&s);
	return ret;
}

/* QEMU i's install, binary row, capabilities, ABI and guest view. */
static int probe_record(struct store *st, const struct lab *L, size_t i)
{
	struct install in;
	struct strbuf path = STRBUF_INIT, prefix = STRBUF_INIT, schema = STRBUF_INIT;
	char schema_sha[SHA256_HEX_LEN + 1], now[32];
	struct abi_outcome *ao = NULL;
	struct guest_outcome *go = NULL;
	struct guestview *gv = NULL;
	struct strbuf *texts = NULL, *names = NULL;
	char (*fp)[SHA256_HEX_LEN + 1] = NULL;
	struct abi_binary_jobs bj;
	auto_stmt *q = NULL, *sq = NULL;
	size_t n = 0, distinct, total = 2 * L->window;
	long long id;
	int ret = -1;

	memset(&bj, 0, sizeof(bj));
	now_iso8601(now, sizeof(now));
	sb_printf(&prefix, "/opt/qemu/%s", L->qemus.v[i]);
	sb_printf(&path, "%s/bin/qemu-system-x86_64", prefix.buf);
	memset(&in, 0, sizeof(in));
	in.app = (char *)"qemu";
	in.version = (char *)L->qemus.v[i];
	in.kind = (char *)"built";
	in.prefix = prefix.buf;
	in.binary_path = path.buf;
	in.binary_sha256 = L->sha[i];
	in.status = (char *)"installed";
	in.configure_args = (char *)"[\"--target-list=x86_64-softmmu\"]";
	in.build_seconds = 600;
	in.installed_at = now;
	if (installs_put(st, &in))
		goto out;
	/* A QMP schema per release; the mapper looks for the vhost-user netdev. */
	sb_printf(&schema, "[{\"name\": \"SIMULATED %s\", \"meta-type\": \"object\"},"
		  " {\"name\": \"NetdevType\", \"meta-type\": \"enum\", \"values\":"
		  " [\"user\", \"tap\", \"vhost-user\"]}", L->qemus.v[i]);
	for (size_t j = 0; j < scaled(L->sp, 400); j++)
		sb_printf(&schema, ", {\"name\": \"type-%zu\", \"meta-type\": \"object\","
			  " \"members\": [{\"name\": \"m%zu\", \"type\": \"int\"}]}", j, j % 9);
	sb_puts(&schema, "]");
	sha256_hex(schema.buf, schema.len, schema_sha);
	if (store_begin(st))
		goto out;
	if (store_prepare(st, &sq, "INSERT OR IGNORE INTO qmp_schemas (sha256, json) VALUES (?, ?)") ||
	    store_prepare(st, &q, "INSERT INTO binaries (sha256, version, package, target,"
			  " schema_sha256, status, probed_at, probe_seconds, abi_seconds)"
			  " VALUES (?, ?, '', 'x86_64', ?, 'complete', ?, 0.4, 1.8)"))
		goto out;
	store_bind_text(sq, 1, schema_sha);
	store_bind_text(sq, 2, schema.buf);
	store_bind_text(q, 1, L->sha[i]);
	store_bind_text(q, 2, L->qemus.v[i]);
	store_bind_text(q, 3, schema_sha);
	store_bind_text(q, 4, now);
	if (step_reset(st, sq, "a QMP schema") || step_reset(st, q, "a binary") ||
	    (id = sqlite3_last_insert_rowid(st->db), caps_rows(st, L, i, id)) ||
	    store_commit(st)) {
		store_rollback(st);
		goto out;
	}

	ao = xcalloc(total, sizeof(*ao));
	go = xcalloc(total, sizeof(*go));
	gv = xcalloc(total, sizeof(*gv));
	texts = xcalloc(total, sizeof(*texts));
	names = xcalloc(total, sizeof(*names));
	fp = xcalloc(total, sizeof(*fp));
	for (size_t k = 0; k < L->mv.nr; k++)
		for (int q35 = 0; q35 < 2; q35++) {
			if (!has_mv(L, i, k))
				continue;
			strbuf_init(&names[n], 0);
			strbuf_init(&texts[n], 0);
			machine_name(L, q35, k, &names[n]);
			abi_text(L, q35, k, i, &texts[n]);
			sha256_hex(texts[n].buf, texts[n].len, fp[n]);
			ao[n].machine = names[n].buf;
			ao[n].fingerprint = fp[n];
			ao[n].text = texts[n].buf;
			ao[n].devices = "virtio-net-pci virtio-blk-pci e1000e";
			ao[n].seconds = 0.03;
			guestview_init(&gv[n]);
			guest_view(L, q35, k, i, &gv[n]);
			go[n].machine = names[n].buf;
			go[n].gv = &gv[n];
			go[n].seconds = 0.4;
			n++;
		}
	binary_jobs(L, i, &bj);
	if (abi_record(st, id, path.buf, ao, n, &bj, &distinct) ||
	    guest_record(st, id, go, n, 12.0, &distinct))
		goto out;
	ret = 0;
out:
	for (size_t k = 0; k < n; k++) {
		strbuf_release(&texts[k]);
		strbuf_release(&names[k]);
		guestview_release(&gv[k]);
	}
	free(ao);
	free(go);
	free(gv);
	free(texts);
	free(names);
	free(fp);
	json_object_put(bj.compat);
	strbuf_release(&bj.vmstate);
	strbuf_release(&path);
	strbuf_release(&prefix);
	strbuf_release(&schema);
	return ret;
}

static int libvirt_install(struct store *st, const char *version)
{
	struct install in;
	struct strbuf prefix = STRBUF_INIT, path = STRBUF_INIT, s = STRBUF_INIT;
	char sha[SHA256_HEX_LEN + 1], now[32];
	int rc;

	now_iso8601(now, sizeof(now));
	sb_printf(&prefix, "/opt/libvirt/%s", version);
	sb_printf(&path, "%s/sbin/libvirtd", prefix.buf);
	sb_printf(&s, "SIMULATED libvirt %s", version);
	sha256_hex(s.buf, s.len, sha);
	memset(&in, 0, sizeof(in));
	in.app = (char *)"libvirt";
	in.version = (char *)version;
	in.kind = (char *)"built";
	in.prefix = prefix.buf;
	in.binary_path = path.buf;
	in.binary_sha256 = sha;
	in.status = (char *)"installed";
	in.installed_at = now;
	rc = installs_put(st, &in);
	strbuf_release(&prefix);
	strbuf_release(&path);
	strbuf_release(&s);
	return rc;
}

/* The template: every install and probe record, in one transaction each. */
static int write_template(const struct lab *L, const char *path)
{
	struct store st;
	int ret = -1;

	if (store_open(&st, path))
		return -1;
	if (store_schema_version() != SCALE_SCHEMA) {
		error("scale-gen writes schema %d, the store is at %d: update "
		      "bench/scale-gen.c first", SCALE_SCHEMA, store_schema_version());
		goto out;
	}
	for (size_t i = 0; i < L->qemus.nr; i++)
		if (probe_record(&st, L, i))
			goto out;
	for (size_t i = 0; i < L->libvirts.nr; i++)
		if (libvirt_install(&st, L->libvirts.v[i]))
			goto out;
	ret = 0;
out:
	store_close(&st);
	return ret;
}

static int copy_store(const char *from, const char *to)
{
	struct strbuf buf = STRBUF_INIT;
	int rc;

	/* The template is closed: its WAL is checkpointed into the file. */
	rc = strbuf_read_file(&buf, from, (size_t)4 << 30) ||
	     write_file_atomic(to, buf.buf, buf.len);
	if (rc)
		error("cannot copy '%s' to '%s'", from, to);
	strbuf_release(&buf);
	return rc ? -1 : 0;
}

/* ---- the nights: runs and migrations ---- */

enum { NIGHT_CURRENT = 1 };

/* A run's verdict: ~72% pass, 12% fail, 12% skip, 4% unsupported. */
static enum run_status verdict(unsigned long long x, int earlier)
{
	unsigned v = (unsigned)(x % 100);

	if (v < 12) {
		/* An eighth of today's failures passed the night before. */
		if (earlier && (x >> 16) % 8 == 0)
			return RUN_PASS;
		return RUN_FAIL;
	}
	if (v < 24)
		return RUN_SKIP;
	if (v < 28)
		return RUN_UNSUPPORTED;
	/* A few of today's passes failed the night before (fixed). */
	return earlier && (x >> 16) % 50 == 0 ? RUN_FAIL : RUN_PASS;
}

/* Filler text of about len bytes: log lines numbered from seed. */
static void filler(struct strbuf *out, const char *what, unsigned long long seed, size_t len)
{
	size_t start = out->len;

	for (unsigned n = 0; out->len - start < len; n++)
		sb_printf(out, "%s %04u: simulated line %llx\n", what, n,
			  (unsigned long long)(h3(15, seed, n) & 0xffffffffULL));
}

struct nightctx {
	const struct lab *L;
	struct store *st;
	long long sweep;
	int earlier;
	char date[32];
};

/* A job as runner/jobplan.h lists them: QEMU install, libvirt, scenario. */
struct sjob {
	const struct install *qemu, *libvirt;
	const char *scenario;
};

static int insert_run(struct nightctx *c, const struct sjob *j)
{
	const struct lab *L = c->L;
	const struct scale_spec *sp = L->sp;
	const char *qemu = j->qemu->version, *lv = j->libvirt->version;
	const char *scn = j->scenario;
	unsigned long long x = h3(16, hs(qemu) ^ hs(scn), hs(lv));
	struct strbuf argv = STRBUF_INIT, checks = STRBUF_INIT, err = STRBUF_INIT,
		      serial = STRBUF_INIT, backend = STRBUF_INIT, xml = STRBUF_INIT,
		      native = STRBUF_INIT, reason = STRBUF_INIT;
	char ssha[SHA256_HEX_LEN + 1];
	struct run_row r;
	size_t qi = 0;
	int rc;

	while (qi + 1 < L->qemus.nr && strcmp(L->qemus.v[qi], qemu))
		qi++;
	memset(&r, 0, sizeof(r));
	r.status = verdict(x, c->earlier);
	sha256_hex(scn, strlen(scn), ssha);
	/* The argv libvirt made: it changes with the QEMU and libvirt versions. */
	sb_printf(&argv, "[\"%s/bin/qemu-system-x86_64\", \"-name\", \"guest=%s,debug-threads=on\","
		  " \"-S\", \"-machine\", \"pc-q35-%s,usb=off,vmport=off,dump-guest-core=off%s\","
		  " \"-accel\", \"kvm\", \"-cpu\", \"host,migratable=on\", \"-m\", \"512\","
		  " \"-smp\", \"1,sockets=1,cores=1,threads=1\", \"-uuid\", \"%016llx\","
		  " \"-no-user-config\", \"-nodefaults\", \"-rtc\", \"base=utc\","
		  " \"-no-shutdown\", \"-boot\", \"strict=on\"%s",
		  j->qemu->prefix, scn, L->mv.v[qi + L->window - 1],
		  strcmp(lv, "9.0.0") >= 0 ? ",memory-backend=pc.ram" : "", x,
		  strcmp(lv, "8.0.0") >= 0 ? ", \"-sandbox\", \"on,obsolete=deny\"" : "");
	for (size_t d = 0; d < scaled(sp, 12); d++)
		sb_printf(&argv, ", \"-device\", \"{\\\"driver\\\":\\\"pcie-root-port\\\","
			  "\\\"port\\\":%zu,\\\"chassis\\\":%zu,\\\"id\\\":\\\"pci.%zu\\\"}\"",
			  16 + d, d + 1, d + 1);
	sb_puts(&argv, "]");
	sb_printf(&checks, "[{\"n\": 1, \"kind\": \"boot\", \"pass\": %s, \"detail\": \"%s\"},"
		  " {\"n\": 2, \"kind\": \"net\", \"pass\": true, \"detail\": \"ping ok\"},"
		  " {\"n\": 3, \"kind\": \"disk\", \"pass\": true, \"detail\": \"read 4 MiB\"}]",
		  r.status == RUN_FAIL ? "false" : "true",
		  r.status == RUN_FAIL ? "no login prompt in 60 s" : "login prompt");
	filler(&err, "qemu", x, scaled(sp, r.status == RUN_FAIL ? 6000 : 1800));
	filler(&serial, "console", x, scaled(sp, 220));
	filler(&backend, "libvirtd", x, scaled(sp, 9000));
	sb_printf(&xml, "<domain type='kvm'>\n  <name>%s</name>\n", scn);
	filler(&xml, "  <!-- device", x, scaled(sp, 3600));
	sb_puts(&xml, "</domain>\n");
	filler(&native, "native", x, scaled(sp, 2200));
	if (r.status == RUN_FAIL)
		sb_printf(&reason, "check 1 (boot): no login prompt in 60 s (simulated %llu)", x % 7);
	else if (r.status == RUN_SKIP)
		sb_puts(&reason, "the host has no SR-IOV device (simulated)");
	else if (r.status == RUN_UNSUPPORTED)
		sb_printf(&reason, "libvirt %s requires QEMU 4.2.0 or newer (simulated)", lv);
	r.qemu = qemu;
	r.qemu_sha256 = j->qemu->binary_sha256;
	r.libvirt = lv;
	r.scenario = scn;
	r.scenario_sha256 = ssha;
	r.accel = "kvm";
	r.reason = reason.len ? reason.buf : NULL;
	r.seconds = 5 + (double)(x % 400) / 10;
	r.argv = argv.buf;
	r.notes = "[]";
	r.checks = r.status == RUN_SKIP || r.status == RUN_UNSUPPORTED ? NULL : checks.buf;
	r.exited = 1;
	r.exit_status = r.status == RUN_FAIL;
	r.stderr_text = err.buf;
	r.serial = serial.buf;
	r.backend = backend.buf;
	r.started_at = c->date;
	r.domain_xml = xml.buf;
	r.native = native.buf;
	r.sweep = c->sweep;
	rc = runs_insert(c->st, &r);
	strbuf_release(&argv);
	strbuf_release(&checks);
	strbuf_release(&err);
	strbuf_release(&serial);
	strbuf_release(&backend);
	strbuf_release(&xml);
	strbuf_release(&native);
	strbuf_release(&reason);
	return rc;
}

/*
 * The file-mode migrations of shard sh: jobs (source QEMU in version
 * order, its machine types in version order) with at least one other
 * QEMU that has the machine type, the idx-th in shard (idx mod N) + 1
 * as migrate/migplan.c counts them; each to itself (the control) and to
 * every other QEMU that has it. *total counts every job of the night.
 */
static int insert_migrations(struct nightctx *c, const struct shard *sh, size_t *total)
{
	const struct lab *L = c->L;
	size_t idx = 0;

	for (size_t a = 0; a < L->qemus.nr; a++)
		for (int q35 = 0; q35 < 2; q35++)
			for (size_t k = a; k < a + L->window; k++) {
				struct strbuf m = STRBUF_INIT, sargv = STRBUF_INIT,
					      dargv = STRBUF_INIT, slog = STRBUF_INIT,
					      dlog = STRBUF_INIT;
				size_t nd = 0;
				int rc = 0;

				for (size_t b = 0; b < L->qemus.nr; b++)
					nd += b != a && has_mv(L, b, k);
				if (!nd)
					continue;
				if (!shard_has(sh, idx++))
					continue;
				machine_name(L, q35, k, &m);
				sb_printf(&sargv, "[\"/opt/qemu/%s/bin/qemu-system-x86_64\", \"-machine\","
					  " \"%s\", \"-incoming\", \"defer\"]", L->qemus.v[a], m.buf);
				filler(&slog, "source", h3(17, a, k), scaled(L->sp, 500));
				for (size_t b = 0; b < L->qemus.nr && !rc; b++) {
					struct mig_row r;
					unsigned long long x = h3(18, a * 1000 + b, k * 2 + (size_t)q35);

					if (!has_mv(L, b, k))
						continue;
					strbuf_reset(&dargv);
					strbuf_reset(&dlog);
					sb_printf(&dargv, "[\"/opt/qemu/%s/bin/qemu-system-x86_64\","
						  " \"-machine\", \"%s\", \"-incoming\", \"file:state\"]",
						  L->qemus.v[b], m.buf);
					filler(&dlog, "destination", x, scaled(L->sp, 560));
					memset(&r, 0, sizeof(r));
					r.machine = m.buf;
					r.mode = MIG_FILE;
					r.src_qemu = L->qemus.v[a];
					r.src_sha256 = L->sha[a];
					r.dst_qemu = L->qemus.v[b];
					r.dst_sha256 = L->sha[b];
					r.status = b != a && x % 9 == 0 && !(c->earlier && x % 81 == 0)
							   ? RUN_FAIL : RUN_PASS;
					r.side = r.status == RUN_FAIL ? MIG_SIDE_DEST : MIG_SIDE_NONE;
					r.reason = r.status == RUN_FAIL
							   ? "QEMU on the destination: Missing section footer"
							     " for device-017 (simulated)" : NULL;
					r.seconds = 1.5;
					r.src_seconds = 2.5;
					r.src_transport = "file";
					r.dst_transport = "file";
					r.src_argv = sargv.buf;
					r.dst_argv = dargv.buf;
					r.checks = "[{\"n\": 1, \"kind\": \"guest\", \"pass\": true,"
						   " \"detail\": \"counter continued\"}]";
					r.src_log = slog.buf;
					r.dst_log = dlog.buf;
					r.sweep = c->sweep;
					rc = migrations_insert(c->st, &r);
				}
				strbuf_release(&m);
				strbuf_release(&sargv);
				strbuf_release(&dargv);
				strbuf_release(&slog);
				strbuf_release(&dlog);
				if (rc)
					return -1;
			}
	*total = idx;
	return 0;
}

size_t scale_shard_jobs(const struct install *qemus, size_t nq, const struct install *lvs,
			size_t nl, const struct strvec *scenarios, const struct shard *sh,
			size_t *idx_out)
{
	size_t idx = 0, n = 0;

	for (size_t q = 0; q < nq; q++)
		for (size_t l = 0; l < nl; l++)
			for (size_t s = 0; s < scenarios->nr; s++, idx++)
				if (shard_has(sh, idx)) {
					if (idx_out)
						idx_out[n] = idx;
					n++;
				}
	return n;
}

/* One night of shard sh in st: its sweep row, its runs, its migrations. */
static int write_night(const struct lab *L, struct store *st, const struct shard *sh,
		       const char *uuid, int night, struct scale_result *res)
{
	struct nightctx c = { .L = L, .st = st };
	struct install *qemus = NULL, *lvs = NULL;
	size_t nq = 0, nl = 0, total = 0, njobs, *idx = NULL, per_q;
	char shard[48], got[SWEEP_UUID_LEN + 1];
	char *argv[] = { (char *)"sweep", (char *)"--sweep-id", (char *)uuid,
			 (char *)"--shard", shard, NULL };
	auto_stmt *q = NULL;
	time_t t = time(NULL) - (time_t)(L->sp->nights - night) * 86400;
	struct tm tm;
	int ret = -1;

	c.earlier = night != L->sp->nights;
	gmtime_r(&t, &tm);
	strftime(c.date, sizeof(c.date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(shard, sizeof(shard), "%ld/%ld", sh->k, sh->n);
	/* run reads the installs as installs_list gives them: the same order. */
	if (installs_list(st, "qemu", &qemus, &nq) || installs_list(st, "libvirt", &lvs, &nl))
		goto out;
	idx = xcalloc(nq * nl * L->scenarios.nr + 1, sizeof(*idx));
	njobs = scale_shard_jobs(qemus, nq, lvs, nl, &L->scenarios, sh, idx);
	per_q = nl * L->scenarios.nr;
	if (sweep_open(st, "sweep", uuid, sh->n > 1 ? shard : NULL, 5, argv, &c.sweep, got))
		goto out;
	/* Dated as that night, so that the nights keep their order when merged. */
	if (store_prepare(st, &q, "UPDATE sweeps SET started_at = ?1 WHERE id = ?2;") ||
	    (store_bind_text(q, 1, c.date), sqlite3_bind_int64(q, 2, c.sweep),
	     step_reset(st, q, "a sweep's date")))
		goto out;
	sqlite3_finalize(q);
	q = NULL;
	if (store_prepare(st, &q, "UPDATE sweep_shards SET started_at = ?1 WHERE sweep = ?2") ||
	    (store_bind_text(q, 1, c.date), sqlite3_bind_int64(q, 2, c.sweep),
	     step_reset(st, q, "a shard's date")))
		goto out;
	if (store_begin(st))
		goto out;
	for (size_t j = 0; j < njobs; j++) {
		struct sjob job = { .qemu = &qemus[idx[j] / per_q],
				    .libvirt = &lvs[idx[j] % per_q / L->scenarios.nr],
				    .scenario = L->scenarios.v[idx[j] % L->scenarios.nr] };

		if (insert_run(&c, &job)) {
			store_rollback(st);
			goto out;
		}
	}
	if (L->sp->migrations && insert_migrations(&c, sh, &total)) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st) || sweep_close(st, c.sweep, "finished"))
		goto out;
	if (night == L->sp->nights) {
		snprintf(res->uuid, sizeof(res->uuid), "%s", got);
		res->migrations = total;
	}
	ret = 0;
out:
	free(idx);
	installs_free(qemus, nq);
	installs_free(lvs, nl);
	return ret;
}

int scale_generate(const struct scale_spec *sp, const char *dir, struct scale_result *res)
{
	struct lab L;
	struct strbuf tmpl = STRBUF_INIT;
	char (*uuids)[SWEEP_UUID_LEN + 1] = NULL;
	int ret = -1;

	if (sp->qemus < 2 || sp->qemus > 30 || sp->libvirts < 1 || sp->libvirts > 10 ||
	    sp->scenarios < 1 || sp->machines < 2 || sp->shards < 1 || sp->nights < 1 ||
	    sp->blob_scale < 1)
		return error("scale-gen: a spec out of range (%d QEMUs, %d libvirts, "
			     "%d scenarios, %d shards)", sp->qemus, sp->libvirts,
			     sp->scenarios, sp->shards);
	lab_init(&L, sp);
	uuids = xcalloc((size_t)sp->nights, sizeof(*uuids));
	for (int n = 0; n < sp->nights; n++)
		if (sweep_new_uuid(uuids[n]))
			goto out;
	sb_printf(&tmpl, "%s/probe-template.db", dir);
	if (mkdir_p(dir, 0755) || write_template(&L, tmpl.buf))
		goto out;
	res->jobs = L.qemus.nr * L.libvirts.nr * L.scenarios.nr;
	for (int k = 1; k <= sp->shards; k++) {
		struct shard sh = { .k = k, .n = sp->shards, .from = "scale-gen" };
		struct strbuf path = STRBUF_INIT;
		struct store st;
		int rc = 0;

		sb_printf(&path, "%s/shard-%d.db", dir, k);
		if (copy_store(tmpl.buf, path.buf) || store_open(&st, path.buf)) {
			strbuf_release(&path);
			goto out;
		}
		for (int n = 1; n <= sp->nights && !rc; n++)
			rc = write_night(&L, &st, &sh, uuids[n - 1], n, res);
		store_close(&st);
		strvec_push(&res->stores, path.buf);
		strbuf_release(&path);
		if (rc)
			goto out;
	}
	ret = 0;
out:
	if (tmpl.len)
		unlink(tmpl.buf);
	free(uuids);
	strbuf_release(&tmpl);
	lab_release(&L);
	return ret;
}

void scale_result_release(struct scale_result *res)
{
	strvec_clear(&res->stores);
}
