/*
 * The mapping report's libvirt corpus (reports/mapping_lvcorpus.c): a
 * store with libvirt's own test domains, their golden files (real ones,
 * tests/data/corpus/libvirt/ and tests/data/corpus/runs/) and corpus
 * runs whose argv were recorded from real daemons (tests/data/corpus/runs/,
 * see its README). A started run equal to libvirt's expectation but for
 * what the run's adoption changes shows no difference; one with a real
 * difference shows it; a refused run is listed with QEMU's words; a
 * change between two QEMU versions is the newer one's; the newest row of
 * a cell wins; the writers carry all of it (JSON keys, JUnit counts, the
 * HTML table, the Markdown sections). A difference with a golden file of
 * the QEMU release under test is told from one of another release once
 * the version "latest" is for is known (corpus_origins), and not told,
 * without failing, in a store imported before that was recorded.
 */
#include "teststore.h"
#include "builders.h"

#define RUNS "tests/data/corpus/runs/"
#define LIBVIRT "tests/data/corpus/libvirt/qemuxmlconfdata/"

static const char fw_adapt[] =
	"[\"firmware directories added with <qemu:commandline> -L, as in generated domains\"]";

static void add_domain(struct store *st, long long id, const char *name, const char *xml_file)
{
	sqlite3_stmt *q = NULL;
	char *xml = tu_read(xml_file);

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO corpus_domains (id, corpus, origin, name, file,"
				       " sha256, xml, imported_at) VALUES (?, 'libvirt', '11.3.0', ?,"
				       " ?, ?, ?, 'x')"),
			 0);
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, name);
	store_bind_text(q, 3, xml_file);
	store_bind_text(q, 4, name);
	store_bind_text(q, 5, xml);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	free(xml);
}

static void add_golden(struct store *st, long long domain, const char *qemu, const char *path)
{
	sqlite3_stmt *q = NULL;
	char *text = tu_read(path);

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO corpus_golden (domain, qemu, kind, file, text)"
				       " VALUES (?, ?, 'args', ?, ?)"),
			 0);
	sqlite3_bind_int64(q, 1, domain);
	store_bind_text(q, 2, qemu);
	store_bind_text(q, 3, path);
	store_bind_text(q, 4, text);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	free(text);
}

static void add_run(struct store *st, long long sweep, long long domain, const char *qemu,
		    const char *outcome, const char *reason, const char *argv,
		    const char *adaptations)
{
	sqlite3_stmt *q = NULL;

	assert_int_equal(store_prepare(st, &q,
				       "INSERT INTO corpus_runs (sweep, domain, libvirt, qemu,"
				       " outcome, reason, argv, adaptations, seconds, started_at)"
				       " VALUES (?, ?, '11.3.0', ?, ?, ?, ?, ?, 1.5, 'x')"),
			 0);
	sqlite3_bind_int64(q, 1, sweep);
	sqlite3_bind_int64(q, 2, domain);
	store_bind_text(q, 3, qemu);
	store_bind_text(q, 4, outcome);
	store_bind_text(q, 5, reason);
	store_bind_text(q, 6, argv);
	store_bind_text(q, 7, adaptations);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

/* s with every from replaced by to (malloc'd). */
static char *replace(const char *s, const char *from, const char *to)
{
	struct strbuf out = STRBUF_INIT;
	const char *p;

	while ((p = strstr(s, from))) {
		assert_int_equal(strbuf_add(&out, s, (size_t)(p - s)), 0);
		sb_puts(&out, to);
		s = p + strlen(from);
	}
	sb_puts(&out, s);
	return strbuf_detach(&out);
}

static const char apic_words[] = "qemu-system-x86_64: APIC ID 255 requires x2APIC feature in CPU";

/*
 * Domains 1 async-teardown, 2 cpu-host-model-cmt, 3 intel-iommu-eim; two
 * sweeps: the older has an error for intel-iommu-eim that the newer
 * replaces with QEMU's refusal. async-teardown also ran on QEMU 7.2.0
 * (its argv derived from the 10.0.2 one, see the README).
 */
static void fill(struct store *st)
{
	char *at = tu_read(RUNS "async-teardown.11.3.0-10.0.2.argv.json");
	char *cmt = tu_read(RUNS "cpu-host-model-cmt.11.3.0-10.0.2.argv.json");
	char *at72 = replace(at, "pc-i440fx-10.0", "pc-i440fx-7.2");
	char *at72b = replace(at72, "\\/opt\\/qemu\\/10.0.2", "\\/opt\\/qemu\\/7.2.0");

	tu_exec(st, "INSERT INTO sweeps (id, uuid, kind, status, started_at) VALUES"
		    " (1, 'sweep-one', 'run', 'finished', '2026-12-06T10:00:00Z'),"
		    " (2, 'sweep-two', 'run', 'finished', '2026-12-06T11:00:00Z')");
	add_domain(st, 1, "async-teardown", RUNS "async-teardown.xml");
	add_domain(st, 2, "cpu-host-model-cmt", LIBVIRT "cpu-host-model-cmt.xml");
	add_domain(st, 3, "intel-iommu-eim", LIBVIRT "cpu-host-model-cmt.xml");
	add_golden(st, 1, "latest", RUNS "async-teardown.x86_64-latest.args");
	add_golden(st, 2, "latest", LIBVIRT "cpu-host-model-cmt.x86_64-latest.args");
	add_run(st, 1, 3, "10.0.2", "error", "the daemon went away", NULL, NULL);
	add_run(st, 2, 1, "10.0.2", "started", NULL, at,
		"[\"stand-in for disk hda: '\\/dev\\/HostVG\\/QEMUGuest1', an empty 1G raw "
		"image as a block device\",\"firmware directories added with "
		"<qemu:commandline> -L, as in generated domains\"]");
	add_run(st, 2, 1, "7.2.0", "started", NULL, at72b, fw_adapt);
	add_run(st, 2, 2, "10.0.2", "started", NULL, cmt, fw_adapt);
	add_run(st, 2, 3, "10.0.2", "refused", apic_words, NULL, fw_adapt);
	add_run(st, 2, 2, "7.2.0", "skipped", "needs the host device node '/dev/dsp0'", NULL, NULL);
	free(at);
	free(cmt);
	free(at72);
	free(at72b);
}

static const struct rep_lvc_cell *cell_of(const struct rep_lvcorpus *c, const char *domain,
					  const char *qemu)
{
	for (size_t i = 0; i < c->ncells; i++)
		if (!strcmp(c->domains[c->cells[i].domain].name, domain) &&
		    !strcmp(c->pairs[c->cells[i].pair].qemu, qemu))
			return &c->cells[i];
	fail_msg("no cell %s on QEMU %s", domain, qemu);
	return NULL;
}

static size_t pair_index(const struct rep_lvcorpus *c, const char *qemu)
{
	for (size_t i = 0; i < c->npairs; i++)
		if (!strcmp(c->pairs[i].qemu, qemu))
			return i;
	fail_msg("no pair with QEMU %s", qemu);
	return 0;
}

static void test_model(void **state)
{
	struct rep_lvcorpus c;
	struct store st;
	const struct rep_lvc_cell *x;
	const struct rep_lvc_domain *d;
	struct strbuf got = STRBUF_INIT;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_open(&st, ":memory:"), 0);
	fill(&st);
	assert_int_equal(rep_lvcorpus_build(&st, NULL, &c), 0);
	assert_true(c.have_sweep);
	assert_string_equal(c.sweep.uuid, "sweep-two");
	assert_int_equal(c.npairs, 2);
	assert_string_equal(c.pairs[0].qemu, "7.2.0");
	assert_string_equal(c.pairs[1].qemu, "10.0.2");
	assert_int_equal(c.ndomains, 3);
	assert_int_equal(c.ncells, 5);
	assert_int_equal(c.all.n[CORP_STARTED], 3);
	assert_int_equal(c.all.n[CORP_REFUSED], 1);
	assert_int_equal(c.all.n[CORP_ERROR], 0); /* the older sweep's error is replaced */

	/* Equal to libvirt's golden argv but for the run's adoption. */
	x = cell_of(&c, "async-teardown", "10.0.2");
	assert_int_equal(x->golden, REP_LVC_EQUAL);
	assert_int_equal(x->ndiffs, 0);
	assert_string_equal(x->golden_file, RUNS "async-teardown.x86_64-latest.args");
	assert_string_equal(x->golden_qemu, "latest");
	assert_true(x->current);

	/* A real difference: QEMU's build has no seccomp, and the host's CPU. */
	x = cell_of(&c, "cpu-host-model-cmt", "10.0.2");
	assert_int_equal(x->golden, REP_LVC_DIFFERS);
	for (size_t i = 0; i < x->ndiffs; i++)
		sb_printf(&got, "%s|%s\n", x->diffs[i].key, x->diffs[i].golden ? "g" : "-");
	assert_string_equal(got.buf, "-cpu|g\n-sandbox|g\n");
	assert_string_equal(x->diffs[1].detail, "removed elevateprivileges=deny,enable=on,"
						"obsolete=deny,resourcecontrol=deny,spawn=deny");
	assert_contains(x->diffs[0].detail, "model: Haswell -> EPYC", "-cpu");
	assert_int_equal(c.all.compared, 3);
	/* golden "pc" stands for pc-i440fx-7.2 as well */
	assert_int_equal(cell_of(&c, "async-teardown", "7.2.0")->golden, REP_LVC_EQUAL);
	assert_int_equal(c.all.differs, 1);

	/* QEMU's refusal, in its words. */
	x = cell_of(&c, "intel-iommu-eim", "10.0.2");
	assert_int_equal(x->outcome, CORP_REFUSED);
	assert_string_equal(x->reason, apic_words);
	assert_int_equal(c.domains[x->domain].refused, 1);

	/* The change between QEMU 7.2.0 and 10.0.2 is 10.0.2's. */
	d = &c.domains[cell_of(&c, "async-teardown", "10.0.2")->domain];
	assert_int_equal(d->across.nsources, 2);
	assert_int_equal(d->across.nchanges, 1);
	assert_string_equal(d->across.rows[d->across.changes[0].row].key, "-machine");
	assert_string_equal(d->across.changes[0].dimension, "qemu");
	assert_string_equal(d->across.changes[0].from, "7.2.0");
	assert_string_equal(d->across.changes[0].to, "10.0.2");
	assert_string_equal(d->across.changes[0].detail, "type: pc-i440fx-7.2 -> pc-i440fx-10.0");
	assert_int_equal(c.changes, 1);

	/* The golden differences over the cells, most cells first, then by option. */
	assert_int_equal(c.ncommon, 2);
	assert_string_equal(c.common[0].key, "-cpu");
	assert_string_equal(c.common[1].key, "-sandbox");
	assert_int_equal(c.common[1].cells, 1);
	assert_string_equal(c.common[1].domains.v[0], "cpu-host-model-cmt");
	assert_string_equal(c.common[1].pairs.v[0], "libvirt 11.3.0 / QEMU 10.0.2");
	rep_lvcorpus_release(&c);

	/* The older sweep named: its error, no cell of the newer one. */
	assert_int_equal(rep_lvcorpus_build(&st, "sweep-one", &c), 0);
	assert_int_equal(c.ncells, 1);
	assert_int_equal(c.cells[0].outcome, CORP_ERROR);
	rep_lvcorpus_release(&c);
	strbuf_release(&got);
	store_close(&st);
}

/* Without corpus runs: nothing, not an error. */
static void test_empty(void **state)
{
	struct rep_lvcorpus c;
	struct store st;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_open(&st, ":memory:"), 0);
	assert_int_equal(rep_lvcorpus_build(&st, NULL, &c), 0);
	assert_false(c.have_sweep);
	assert_int_equal(c.ncells, 0);
	rep_lvcorpus_release(&c);
	store_close(&st);
}

/* What the run's adoption changes, each alone (rep_lvc_compare). */
struct cmp_case {
	const char *name, *golden, *real;
	int adapted, standins;
	const char *want; /* "key: detail\n" per difference */
};

static const struct cmp_case cmp_cases[] = {
	{ "name, prefix, domain dir, -L, uuid, fd, the machine alias",
	  "[\"/usr/bin/qemu-system-x86_64\",\"-name\",\"guest=QEMUGuest1,debug-threads=on\","
	  "\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\",\\\"format\\\":\\\"raw\\\","
	  "\\\"file\\\":\\\"/var/lib/libvirt/qemu/domain--1-QEMUGuest1/master-key.aes\\\"}\","
	  "\"-machine\",\"pc,usb=off\",\"-uuid\",\"c7a5fdbd-edaf-9455-926a-d65c16db1809\","
	  "\"-chardev\",\"socket,id=charmonitor,fd=1729,server=on,wait=off\","
	  "\"-drive\",\"file=/var/lib/libvirt/qemu/nvram/QEMUGuest1_VARS.fd,if=pflash\"]",
	  "[\"/opt/qemu/10.0.2/bin/qemu-system-x86_64\",\"-name\",\"guest=vmcorpus-19901-4,debug-threads=on\","
	  "\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\",\\\"format\\\":\\\"raw\\\","
	  "\\\"file\\\":\\\"/opt/libvirt/11.3.0/var/lib/libvirt/qemu/domain-2-vmcorpus-19901-4/master-key.aes\\\"}\","
	  "\"-machine\",\"pc-i440fx-10.0,usb=off\",\"-uuid\",\"0c25735d-e6db-411b-a18b-c4e2b317b9f7\","
	  "\"-chardev\",\"socket,id=charmonitor,fd=20,server=on,wait=off\","
	  "\"-drive\",\"file=/opt/libvirt/11.3.0/var/lib/libvirt/qemu/nvram/vmcorpus-19901-4_VARS.fd,if=pflash\","
	  "\"-L\",\"/usr/share/qemu\",\"-L\",\"/usr/share/seabios\"]",
	  1, 0, "" },
	{ "without the adaptation, an -L counts",
	  "[\"q\",\"-m\",\"256\"]", "[\"q\",\"-m\",\"256\",\"-L\",\"/usr/share/qemu\"]", 0, 0,
	  "-L: added /usr/share/qemu\n" },
	{ "an -L the domain itself has stays compared",
	  "[\"q\",\"-L\",\"/srv/fw\"]", "[\"q\",\"-L\",\"/srv/fw\",\"-L\",\"/usr/share/qemu\"]", 1, 0, "" },
	{ "TCG for KVM, no vhost, no -incoming",
	  "[\"q\",\"-accel\",\"kvm\",\"-netdev\",\"{\\\"type\\\":\\\"tap\\\",\\\"fd\\\":\\\"73\\\",\\\"vhost\\\":true,"
	  "\\\"vhostfd\\\":\\\"74\\\",\\\"id\\\":\\\"hostnet0\\\"}\",\"-incoming\",\"defer\"]",
	  "[\"q\",\"-accel\",\"tcg\",\"-netdev\",\"{\\\"type\\\":\\\"tap\\\",\\\"fd\\\":\\\"20\\\",\\\"id\\\":\\\"hostnet0\\\"}\"]",
	  1, 0, "" },
	{ "a domain named kvm keeps -accel kvm",
	  "[\"q\",\"-name\",\"guest=kvm\",\"-accel\",\"kvm\",\"-m\",\"256\"]",
	  "[\"q\",\"-name\",\"guest=vmcorpus-1-2\",\"-accel\",\"tcg\",\"-m\",\"512\"]", 1, 0,
	  "-m: size: 256 -> 512\n" },
	{ "a stand-in CD-ROM is a host_device",
	  "[\"q\",\"-blockdev\",\"{\\\"driver\\\":\\\"host_cdrom\\\",\\\"filename\\\":\\\"/dev/cdrom\\\","
	  "\\\"node-name\\\":\\\"libvirt-1-storage\\\",\\\"read-only\\\":true}\"]",
	  "[\"q\",\"-blockdev\",\"{\\\"driver\\\":\\\"host_device\\\",\\\"filename\\\":\\\"/dev/cdrom\\\","
	  "\\\"node-name\\\":\\\"libvirt-1-storage\\\",\\\"read-only\\\":true}\"]",
	  1, 1, "" },
	{ "... only where the run stood in",
	  "[\"q\",\"-blockdev\",\"{\\\"driver\\\":\\\"host_cdrom\\\",\\\"filename\\\":\\\"/dev/cdrom\\\"}\"]",
	  "[\"q\",\"-blockdev\",\"{\\\"driver\\\":\\\"host_device\\\",\\\"filename\\\":\\\"/dev/cdrom\\\"}\"]",
	  1, 0,
	  "-blockdev host_cdrom: removed {json} filename=/dev/cdrom\n"
	  "-blockdev host_device: added {json} filename=/dev/cdrom\n" },
	{ "the clock base and the memory directory",
	  "[\"q\",\"-rtc\",\"base=2009-02-15T09:49:06\",\"-object\",\"{\\\"qom-type\\\":\\\"memory-backend-file\\\","
	  "\\\"mem-path\\\":\\\"/var/lib/libvirt/qemu/ram/-1-QEMUGuest1/pc.ram\\\"}\"]",
	  "[\"q\",\"-rtc\",\"base=2026-12-08T08:31:18\",\"-object\",\"{\\\"qom-type\\\":\\\"memory-backend-file\\\","
	  "\\\"mem-path\\\":\\\"/opt/libvirt/11.3.0/var/lib/libvirt/qemu/ram/162-vmcorpus-5-6/pc.ram\\\"}\"]",
	  1, 0, "" },
	{ "libvirt 9.0.0's tests keep a domain's state in /tmp/lib",
	  "[\"q\",\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\","
	  "\\\"file\\\":\\\"/tmp/lib/domain--1-QEMUGuest1/master-key.aes\\\"}\"]",
	  "[\"q\",\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\","
	  "\\\"file\\\":\\\"/var/lib/libvirt/qemu/domain-7-vmcorpus-1-2/master-key.aes\\\"}\"]",
	  1, 0, "" },
	{ "a state file elsewhere still counts",
	  "[\"q\",\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\","
	  "\\\"file\\\":\\\"/srv/keys/master-key.aes\\\"}\"]",
	  "[\"q\",\"-object\",\"{\\\"qom-type\\\":\\\"secret\\\",\\\"id\\\":\\\"masterKey0\\\","
	  "\\\"file\\\":\\\"/var/lib/libvirt/qemu/domain-7-vmcorpus-1-2/master-key.aes\\\"}\"]",
	  1, 0, "-object secret: file: /srv/keys/master-key.aes -> <domain>/master-key.aes\n" },
	{ "a q35 alias is not a pc",
	  "[\"q\",\"-machine\",\"q35\"]", "[\"q\",\"-machine\",\"pc-i440fx-10.0\"]", 1, 0,
	  "-machine: type: q35 -> pc-i440fx-10.0\n" },
};

static void test_compare(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cmp_cases); i++) {
		const struct cmp_case *k = &cmp_cases[i];
		struct rep_lvc_diff *d = NULL;
		struct strbuf got = STRBUF_INIT;
		size_t n = 0;

		if (rep_lvc_compare(k->golden, k->real, "QEMUGuest1", k->adapted, k->standins,
				    &d, &n))
			fail_msg("case '%s': not compared", k->name);
		for (size_t j = 0; j < n; j++)
			sb_printf(&got, "%s: %s\n", d[j].key, d[j].detail);
		if (strcmp(got.buf, k->want))
			fail_msg("case '%s': got\n%s\nwant\n%s", k->name, got.buf, k->want);
		rep_lvc_diffs_free(d, n);
		strbuf_release(&got);
	}
}

/* The JSON object at path ("mapping.libvirt_corpus.pairs") under j. */
static json_object *json_at(json_object *j, const char *path)
{
	struct strbuf key = STRBUF_INIT;

	while (*path) {
		size_t len = strcspn(path, ".");

		strbuf_reset(&key);
		sb_printf(&key, "%.*s", (int)len, path);
		if (!json_object_object_get_ex(j, key.buf, &j))
			fail_msg("no key '%s' in the JSON report", key.buf);
		path += len + (path[len] == '.');
	}
	strbuf_release(&key);
	return j;
}

/* The golden object of the JSON cell of domain on QEMU qemu. */
static json_object *json_golden(json_object *lc, const char *domain, const char *qemu)
{
	json_object *doms = json_at(lc, "domains");

	for (size_t i = 0; i < json_object_array_length(doms); i++) {
		json_object *d = json_object_array_get_idx(doms, i), *cells;

		if (strcmp(json_object_get_string(json_at(d, "name")), domain))
			continue;
		cells = json_at(d, "cells");
		for (size_t k = 0; k < json_object_array_length(cells); k++) {
			json_object *c = json_object_array_get_idx(cells, k);

			if (!strcmp(json_object_get_string(json_at(c, "qemu")), qemu))
				return json_at(c, "golden");
		}
	}
	fail_msg("no JSON cell %s on QEMU %s", domain, qemu);
	return NULL;
}

/* How a started cell's golden file is told, with and without corpus_origins. */
static const struct {
	const char *domain, *qemu;
	int known;		/* with corpus_origins' row for 11.3.0 (10.0.0) */
	const char *golden;	/* golden_qemu */
	const char *version;	/* golden_qemu_version; NULL: not known */
	int same;		/* same_qemu */
	enum rep_lvc_golden state;
	const char *label;	/* rep_lvc_golden_label */
} release_cases[] = {
	{ "cpu-host-model-cmt", "10.0.2", 1, "latest", "10.0.0", 1, REP_LVC_DIFFERS,
	  "latest (10.0.0)" },
	/* 9.1.0 is nearer 9.2.0 than latest's 10.0.0, and another release. */
	{ "cpu-host-model-cmt", "9.2.0", 1, "9.1.0", "9.1.0", 0, REP_LVC_DIFFERS, "9.1.0" },
	{ "async-teardown", "7.2.0", 1, "latest", "10.0.0", 0, REP_LVC_EQUAL,
	  "latest (10.0.0)" },
	{ "async-teardown", "10.0.2", 1, "latest", "10.0.0", 1, REP_LVC_EQUAL,
	  "latest (10.0.0)" },
	/* Imported before: "latest" is not known, and nearest as it always was. */
	{ "cpu-host-model-cmt", "10.0.2", 0, "latest", NULL, -1, REP_LVC_DIFFERS, "latest" },
	{ "cpu-host-model-cmt", "9.2.0", 0, "latest", NULL, -1, REP_LVC_DIFFERS, "latest" },
	{ "async-teardown", "7.2.0", 0, "latest", NULL, -1, REP_LVC_EQUAL, "latest" },
};

/*
 * fill's store, with cpu-host-model-cmt also on QEMU 9.2.0 and a golden
 * file for 9.1.0, written as schema 16 left a store (no corpus_origins)
 * and opened again (migrated); with known, the row import writes now.
 */
static void open_release_store(struct store *st, const char *path, int known)
{
	char *cmt = tu_read(RUNS "cpu-host-model-cmt.11.3.0-10.0.2.argv.json");

	unlink(path);
	assert_int_equal(store_open(st, path), 0);
	fill(st);
	add_golden(st, 2, "9.1.0", LIBVIRT "cpu-host-model-cmt.x86_64-latest.args");
	add_run(st, 2, 2, "9.2.0", "started", NULL, cmt, fw_adapt);
	tu_exec(st, "DROP TABLE corpus_origins; PRAGMA user_version = 16");
	store_close(st);
	assert_int_equal(store_open(st, path), 0);
	assert_int_equal(tu_query_int(st, "SELECT count(*) FROM corpus_origins"), 0);
	if (known)
		tu_exec(st, "INSERT INTO corpus_origins (corpus, origin, latest_qemu)"
			    " VALUES ('libvirt', '11.3.0', '10.0.0')");
	free(cmt);
}

/* The golden section's counts in out, with libvirt's apostrophe as apos. */
static void assert_differ_words(const char *out, int known, const char *apos,
				const char *what)
{
	struct strbuf want = STRBUF_INIT;

	if (known)
		sb_printf(&want, "2 differ: 1 against a golden file of the QEMU release under "
				 "test (libvirt%ss own expectation for that QEMU), 1 against "
				 "one of another release (where libvirt adapting to the QEMU "
				 "is expected).", apos);
	else
		sb_puts(&want, "2 differ: 0 against a golden file of the QEMU release under "
			       "test (libvirt");
	assert_contains(out, want.buf, what);
	if (!known)
		assert_contains(out, ", 0 against one of another release (where libvirt "
				     "adapting to the QEMU is expected), 2 against one of a "
				     "release not known.", what);
	strbuf_release(&want);
}

static void test_golden_release(void **state)
{
	char *dir = tu_tmpdir("lvcrel"), *path = tu_path(dir, "m.db");

	(void)state;
	for (int known = 0; known <= 1; known++) {
		struct strbuf out = STRBUF_INIT, lab = STRBUF_INIT;
		struct rep_report r;
		struct store st;
		const struct rep_lvcorpus *c = &r.lvcorpus;
		json_object *j, *lc, *p;

		memset(&r, 0, sizeof(r));
		open_release_store(&st, path, known);
		r.parts = REP_MAPPING;
		r.generated_at = xstrdup("2026-12-06T12:00:00Z");
		r.store_path = xstrdup(path);
		assert_int_equal(rep_lvcorpus_build(&st, NULL, &r.lvcorpus), 0);
		for (size_t i = 0; i < ARRAY_SIZE(release_cases); i++) {
			const struct rep_lvc_cell *x;

			if (release_cases[i].known != known)
				continue;
			x = cell_of(c, release_cases[i].domain, release_cases[i].qemu);
			strbuf_reset(&lab);
			rep_lvc_golden_label(&lab, x);
			if (x->golden != release_cases[i].state ||
			    strcmp(x->golden_qemu, release_cases[i].golden) ||
			    (release_cases[i].version
				     ? !x->golden_qemu_version ||
					       strcmp(x->golden_qemu_version,
						      release_cases[i].version)
				     : x->golden_qemu_version != NULL) ||
			    x->same_qemu != release_cases[i].same ||
			    strcmp(lab.buf, release_cases[i].label))
				fail_msg("case %zu, %s on %s: state %d golden %s version %s "
					 "same %d label %s", i, release_cases[i].domain,
					 release_cases[i].qemu, x->golden, x->golden_qemu,
					 x->golden_qemu_version ? x->golden_qemu_version : "NULL",
					 x->same_qemu, lab.buf);
		}
		/* The two differing cells: one against its own release, one not. */
		assert_int_equal(c->all.differs, 2);
		assert_int_equal(c->all.differs_same, known ? 1 : 0);
		assert_int_equal(c->all.differs_other, known ? 1 : 0);
		assert_int_equal(c->pairs[pair_index(c, "10.0.2")].count.differs_same,
				 known ? 1 : 0);
		assert_int_equal(c->pairs[pair_index(c, "9.2.0")].count.differs_same, 0);

		rep_write_json(&r, &out);
		j = json_tokener_parse(out.buf);
		assert_non_null(j);
		lc = json_at(j, "mapping.libvirt_corpus");
		assert_int_equal(json_object_get_int(json_at(lc, "golden_differs")), 2);
		assert_int_equal(json_object_get_int(json_at(lc, "golden_differs_same_qemu")),
				 known ? 1 : 0);
		p = json_at(lc, "pairs");
		p = json_object_array_get_idx(p, pair_index(c, "10.0.2"));
		assert_int_equal(json_object_get_int(json_at(p, "golden_differs_same_qemu")),
				 known ? 1 : 0);
		p = json_golden(lc, "cpu-host-model-cmt", "10.0.2");
		if (known) {
			assert_string_equal(json_object_get_string(json_at(p, "qemu_version")),
					    "10.0.0");
			assert_true(json_object_is_type(json_at(p, "same_qemu"),
							json_type_boolean));
			assert_true(json_object_get_boolean(json_at(p, "same_qemu")));
			p = json_golden(lc, "cpu-host-model-cmt", "9.2.0");
			assert_string_equal(json_object_get_string(json_at(p, "qemu")), "9.1.0");
			assert_string_equal(json_object_get_string(json_at(p, "qemu_version")),
					    "9.1.0");
			assert_false(json_object_get_boolean(json_at(p, "same_qemu")));
		} else {
			/* Present, and null. */
			assert_null(json_at(p, "qemu_version"));
			assert_null(json_at(p, "same_qemu"));
		}
		json_object_put(j);

		strbuf_reset(&out);
		rep_write_html(&r, &out);
		assert_differ_words(out.buf, known, "&#39;", "html counts");
		if (known) {
			assert_contains(out.buf, "<td>9.1.0, latest (10.0.0)</td>"
						 "<td>cpu-host-model-cmt</td>", "html golden QEMU");
			assert_contains(out.buf, "cpu-host-model-cmt.x86_64-latest.args</td>"
						 "<td>9.1.0, latest (10.0.0)</td><td>libvirt 11.3.0 "
						 "/ QEMU 9.2.0, libvirt 11.3.0 / QEMU 10.0.2</td>",
					"html golden QEMU per domain");
		}

		strbuf_reset(&out);
		rep_write_markdown(&r, &out);
		assert_differ_words(out.buf, known, "'", "md counts");
		assert_contains(out.buf, known ? "| 2 | 9.1.0, latest (10.0.0) | cpu-host-model-cmt |"
					       : "| 2 | latest | cpu-host-model-cmt |",
				"md golden QEMU");
		strbuf_release(&out);
		strbuf_release(&lab);
		rep_report_release(&r);
		store_close(&st);
	}
	free(path);
	tu_rmdir(dir);
}

/* The writers: JSON keys, JUnit counts, the HTML table, Markdown sections. */
static void test_writers(void **state)
{
	static const char *const keys[] = { "sweep", "outcomes", "compared", "golden_differs",
					    "changes", "pairs", "refused", "golden_differences",
					    "domains" };
	struct rep_report r;
	struct store st;
	struct strbuf out = STRBUF_INIT;
	json_object *j, *lc, *e;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_open(&st, ":memory:"), 0);
	fill(&st);
	r.parts = REP_MAPPING;
	r.generated_at = xstrdup("2026-12-06T12:00:00Z");
	r.store_path = xstrdup(":memory:");
	assert_int_equal(rep_lvcorpus_build(&st, NULL, &r.lvcorpus), 0);

	rep_write_json(&r, &out);
	j = json_tokener_parse(out.buf);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "mapping", &e));
	assert_true(json_object_object_get_ex(e, "libvirt_corpus", &lc));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!json_object_object_get_ex(lc, keys[i], NULL))
			fail_msg("no key '%s' in mapping.libvirt_corpus", keys[i]);
	json_object_object_get_ex(lc, "refused", &e);
	assert_int_equal(json_object_array_length(e), 1);
	e = json_object_array_get_idx(e, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "domain")),
			    "intel-iommu-eim");
	assert_string_equal(json_object_get_string(json_object_object_get(e, "reason")),
			    apic_words);
	json_object_object_get_ex(lc, "outcomes", &e);
	assert_int_equal(json_object_get_int(json_object_object_get(e, "started")), 3);
	json_object_put(j);

	strbuf_reset(&out);
	rep_write_junit(&r, &out);
	assert_contains(out.buf,
			"<testsuite name=\"mapping.libvirt_corpus\" tests=\"5\" failures=\"1\" "
			"errors=\"0\" skipped=\"1\"", "junit suite");
	assert_contains(out.buf, "<testcase classname=\"corpus.intel-iommu-eim\" "
				 "name=\"libvirt 11.3.0 / QEMU 10.0.2\"", "junit case");
	assert_contains(out.buf, "<failure type=\"refused\" message=\"qemu-system-x86_64: "
				 "APIC ID 255 requires x2APIC feature in CPU\"/>", "junit failure");
	assert_contains(out.buf, "-sandbox: removed elevateprivileges=deny", "junit golden");

	strbuf_reset(&out);
	rep_write_html(&r, &out);
	assert_contains(out.buf, "<table class=\"rep lvc\" id=\"lvc-outcomes\">", "html table");
	assert_contains(out.buf, "<tr><td>intel-iommu-eim</td><td></td><td class=\"lv-rf\" "
				 "title=\"qemu-system-x86_64: APIC ID 255 requires x2APIC feature "
				 "in CPU\">QEMU</td></tr>", "html row");
	assert_contains(out.buf, "<td class=\"lv-ok\">ok</td>", "html started");
	assert_contains(out.buf, "libvirt accepts, QEMU refuses (1)", "html refused");

	strbuf_reset(&out);
	rep_write_markdown(&r, &out);
	assert_contains(out.buf, "| libvirt 11.3.0 / QEMU 10.0.2 | 2 | 0 | 1 | 0 | 0 | 0 | 2 | 1 |",
			"md summary");
	assert_contains(out.buf, "| qemu-system-x86\\_64: APIC ID 255 requires x2APIC feature "
				 "in CPU | 1 | intel-iommu-eim | libvirt 11.3.0 / QEMU 10.0.2 |",
			"md refused, by QEMU's words");
	assert_contains(out.buf, "| -machine | qemu | 7.2.0 | 10.0.2 | libvirt 11.3.0 | "
				 "type: pc-i440fx-7.2 -> pc-i440fx-10.0 | async-teardown |",
			"md changes");
	strbuf_release(&out);
	rep_report_release(&r);
	store_close(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_writers),
		cmocka_unit_test(test_golden_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
