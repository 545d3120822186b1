/*
 * The migrations through libvirt without a daemon: the guest's domain
 * XML (migrate/lvmig.c), the destination's XML made from a migratable
 * XML libvirt 9.0 really gave, QEMU's words out of a real libvirt domain
 * log, and the plan (migrate/lvplan.c): which pairs, which controls, in
 * which rounds, and which libvirt each end runs under.
 */
#include "testutil.h"
#include "lvmig.h"
#include "lvplan.h"
#include "libvirtd.h"

static const struct mig_env env = {
	.kernel = "/k/vmlinuz", .initrd = "/k/initrd", .image = "/k/disk&img",
	.rundir = "/r", .timeout = 10,
};

static void test_domain_xml(void **state)
{
	struct strbuf x = STRBUF_INIT;
	const char *p;

	(void)state;
	lvmig_domain_xml("vmx-mig-1", "pc-q35-7.2", "/opt/qemu/7.2.0/bin/qemu-system-x86_64",
			 &env, "/r/it's.sock", &x);
	assert_non_null(strstr(x.buf, "<name>vmx-mig-1</name>"));
	assert_non_null(strstr(x.buf, "machine='pc-q35-7.2'>hvm</type>"));
	assert_non_null(strstr(x.buf, "<emulator>/opt/qemu/7.2.0/bin/qemu-system-x86_64</emulator>"));
	assert_non_null(strstr(x.buf, "<source file='/k/disk&amp;img'/>"));
	assert_non_null(strstr(x.buf, "<readonly/>"));
	assert_non_null(strstr(x.buf, "path='/r/it&apos;s.sock'"));
	assert_non_null(strstr(x.buf, "<features><acpi/></features>"));
	assert_non_null(strstr(x.buf, "<memballoon model='none'/>"));
	/* The direct matrix's NICs behind a hub, in the order QEMU needs them. */
	p = strstr(x.buf, "<qemu:arg value='user,id=user0'/>");
	assert_non_null(p);
	p = strstr(p, "<qemu:arg value='hubport,id=hub0,hubid=0,netdev=user0'/>");
	assert_non_null(p);
	p = strstr(p, "<qemu:arg value='virtio-net-pci,id=vnet0,netdev=un0,bus=pcie.0,addr=0x10'/>");
	assert_non_null(p);
	p = strstr(p, "<qemu:arg value='e1000e,id=nic0,netdev=un1,bus=pcie.0,addr=0x11'/>");
	assert_non_null(p);
	assert_non_null(strstr(x.buf, "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"));
	strbuf_release(&x);
}

/*
 * The migratable XML libvirt 9.0.0 gave for lvmig_domain_xml's domain
 * (its paths made neutral), whose console it writes twice.
 */
static void test_dest_xml(void **state)
{
	struct strbuf x = STRBUF_INIT;
	char *migratable = tu_read("tests/data/lvmig/migratable-9.0.0.xml");

	(void)state;
	assert_int_equal(lvmig_dest_xml(migratable, "/opt/qemu/7.2.0/bin/qemu-system-x86_64",
					"/usr/bin/qemu-system-x86_64", "/r/src.sock",
					"/r/dst.sock", &x), 0);
	assert_non_null(strstr(x.buf, "<emulator>/usr/bin/qemu-system-x86_64</emulator>"));
	assert_null(strstr(x.buf, "/opt/qemu/7.2.0"));
	assert_null(strstr(x.buf, "src.sock"));
	assert_non_null(strstr(x.buf, "<console type='unix'>\n      <source mode='connect' "
				      "path='/r/dst.sock'/>"));
	assert_non_null(strstr(x.buf, "<serial type='unix'>\n      <source mode='connect' "
				      "path='/r/dst.sock'/>"));
	/* The uuid and the rest stay as libvirt gave them. */
	assert_non_null(strstr(x.buf, "<uuid>2613b06d-f8ce-4a2e-8749-26cf35b6c974</uuid>"));
	assert_non_null(strstr(x.buf, "<qemu:arg value='e1000e,id=nic0,netdev=un1,bus=pcie.0,"
				      "addr=0x11'/>"));
	/* An XML without the emulator we gave is refused, not guessed at. */
	assert_int_equal(lvmig_dest_xml(migratable, "/opt/qemu/5.2.0/bin/qemu-system-x86_64",
					"/usr/bin/qemu-system-x86_64", "/r/src.sock",
					"/r/dst.sock", &x), -1);
	assert_int_equal(lvmig_dest_xml(migratable, "/opt/qemu/7.2.0/bin/qemu-system-x86_64",
					"/usr/bin/qemu-system-x86_64", "/r/other.sock",
					"/r/dst.sock", &x), -1);
	strbuf_release(&x);
	free(migratable);
}

/* The end of a real libvirt 9.0 domain log of a destination. */
static const char domain_log[] =
	"2026-12-06 15:34:48.698+0000: starting up libvirt version: 9.0.0, qemu version: "
	"10.0.2, kernel: 6.18.44, hostname: vm\n"
	"LC_ALL=C \\\n"
	"/opt/qemu/10.0.2/bin/qemu-system-x86_64 \\\n"
	"-msg timestamp=on\n"
	"2026-12-06T15:34:49.101010Z qemu-system-x86_64: warning: Machine type 'pc-q35-5.2' "
	"is deprecated\n"
	"2026-12-06T15:34:49.393967Z qemu-system-x86_64: Features 0x10130af8024 unsupported. "
	"Allowed features: 0x10179bf8064\n"
	"2026-12-06T15:34:49.394001Z qemu-system-x86_64: Failed to load virtio-net:virtio\n"
	"2026-12-06T15:35:22.393967Z qemu-system-x86_64: terminating on signal 15 from pid "
	"27555 (/opt/libvirt/9.0.0/sbin/virtqemud)\n"
	"2026-12-06 15:35:22.595+0000: shutting down, reason=failed\n";

static void test_log_words(void **state)
{
	struct strbuf w = STRBUF_INIT;

	(void)state;
	lvmig_log_words(domain_log, &w);
	assert_string_equal(w.buf, "qemu-system-x86_64: Features 0x10130af8024 unsupported. "
				   "Allowed features: 0x10179bf8064 / qemu-system-x86_64: "
				   "Failed to load virtio-net:virtio");
	strbuf_reset(&w);
	lvmig_log_words("2026-12-06 15:34:53.374+0000: shutting down, reason=migrated\n"
			"2026-12-06T15:34:53.374739Z qemu-system-x86_64: terminating on "
			"signal 15 from pid 27500 (/opt/libvirt/9.0.0/sbin/virtqemud)\n", &w);
	assert_string_equal(w.buf, "");
	strbuf_release(&w);
}

/* What the client of libvirt 11.3 did not know, from its daemon's log. */
static void test_daemon_error(void **state)
{
	struct strbuf m = STRBUF_INIT;

	(void)state;
	sb_puts(&m, "An error occurred, but the cause is unknown");
	libvirtd_log_error("2026-12-06 15:52:01.101+0000: 3301: warning : virSecurityManagerNew"
			   ":194 : Configured security driver \"none\" disables default policy\n"
			   "2026-12-06 15:51:51.080+0000: 8321: error : virQEMUCapsInitQMPMonitor"
			   ":5698 : unsupported configuration: QEMU version >= 6.2.0 is required, "
			   "but 5.2.0 found\n", &m);
	assert_string_equal(m.buf, "An error occurred, but the cause is unknown (daemon: "
				   "virQEMUCapsInitQMPMonitor:5698 : unsupported configuration: "
				   "QEMU version >= 6.2.0 is required, but 5.2.0 found)");
	strbuf_reset(&m);
	libvirtd_log_error("nothing went wrong\n", &m);
	libvirtd_log_error(NULL, &m);
	assert_string_equal(m.buf, "");
	strbuf_release(&m);
}

/* Three QEMUs (5.2, 7.2, 10.0 with their machine types) into qp. */
static void three_qemus(struct mig_plan *qp)
{
	static const char *const m52[] = { "pc-i440fx-5.1", "pc-i440fx-5.2", "pc-q35-5.1",
					   "pc-q35-5.2", NULL };
	static const char *const m72[] = { "pc-i440fx-5.2", "pc-i440fx-7.2", "pc-q35-5.2",
					   "pc-q35-7.1", "pc-q35-7.2", NULL };
	static const char *const m100[] = { "pc-i440fx-7.2", "pc-q35-10.0", "pc-q35-5.2",
					    "pc-q35-7.2", "pc-q35-9.2", NULL };
	static const char *const *const ms[] = { m52, m72, m100 };
	static const char *const vs[] = { "5.2.0", "7.2.0", "10.0.2" };

	memset(qp, 0, sizeof(*qp));
	qp->nqemus = 3;
	qp->qemus = xcalloc(3, sizeof(*qp->qemus));
	for (size_t i = 0; i < 3; i++) {
		qp->qemus[i].version = xstrdup(vs[i]);
		qp->qemus[i].q.version = qp->qemus[i].version;
		strvec_pushv(&qp->qemus[i].machines, ms[i]);
	}
}

static size_t count_pairs(const struct lv_plan *p, size_t a, size_t b, const char *m)
{
	size_t n = 0;

	for (size_t i = 0; i < p->npairs; i++)
		n += p->pairs[i].a == a && p->pairs[i].b == b && !strcmp(p->pairs[i].machine, m);
	return n;
}

static void test_plan_pairs(void **state)
{
	struct mig_plan qp;
	struct lv_plan p;
	struct strvec pats = STRVEC_INIT;
	struct shard all = { 1, 1, NULL };

	(void)state;
	three_qemus(&qp);
	lv_plan_build(&qp, 2, &pats, NULL, NULL, &all, &p);
	/* QEMU pairs: the newest pc-q35 both have, both ways. */
	assert_int_equal(count_pairs(&p, 0, 1, "pc-q35-5.2"), 1);
	assert_int_equal(count_pairs(&p, 1, 0, "pc-q35-5.2"), 1);
	assert_int_equal(count_pairs(&p, 1, 2, "pc-q35-7.2"), 1);
	assert_int_equal(count_pairs(&p, 2, 1, "pc-q35-7.2"), 1);
	assert_int_equal(count_pairs(&p, 0, 2, "pc-q35-5.2"), 1);
	assert_int_equal(count_pairs(&p, 1, 2, "pc-q35-5.2"), 0);
	assert_int_equal(count_pairs(&p, 1, 2, "pc-i440fx-7.2"), 0);
	/*
	 * libvirt pairs: under each QEMU, the newest pc-q35 its QEMU pairs
	 * take (10.0's pc-q35-10.0 is in none), both ways between the two.
	 */
	assert_int_equal(count_pairs(&p, 2, 2, "pc-q35-7.2"), 2);
	assert_int_equal(count_pairs(&p, 2, 2, "pc-q35-10.0"), 0);
	assert_int_equal(count_pairs(&p, 1, 1, "pc-q35-7.2"), 2);
	assert_int_equal(count_pairs(&p, 0, 0, "pc-q35-5.2"), 2);
	assert_int_equal(p.npairs, 6 + 6);
	assert_int_equal(p.total, p.npairs);
	/* Controls: both libvirts for every end; those of libvirt pairs run at once. */
	assert_non_null(lv_plan_control(&p, 1, 2, "pc-q35-5.2"));
	assert_int_equal(lv_plan_control(&p, 1, 2, "pc-q35-5.2")->side_only, 1);
	assert_int_equal(lv_plan_control(&p, 1, 2, "pc-q35-7.2")->side_only, 0);
	assert_null(lv_plan_control(&p, 0, 2, "pc-q35-10.0"));
	assert_null(lv_plan_control(&p, 0, 2, "pc-q35-9.2"));
	lv_plan_release(&p);

	/* Patterns choose the machine types; from and to restrict the pairs. */
	strvec_push(&pats, "pc-i440fx-*");
	lv_plan_build(&qp, 1, &pats, "7.2.0", NULL, &all, &p);
	assert_int_equal(count_pairs(&p, 1, 0, "pc-i440fx-5.2"), 1);
	assert_int_equal(count_pairs(&p, 1, 2, "pc-i440fx-7.2"), 1);
	assert_int_equal(p.npairs, 2);
	lv_plan_release(&p);
	strvec_clear(&pats);
	mig_plan_release(&qp);
}

static void test_plan_rounds(void **state)
{
	struct mig_plan qp;
	struct lv_plan p;
	struct strvec pats = STRVEC_INIT;
	struct shard all = { 1, 1, NULL };
	size_t idx[64], n;

	(void)state;
	three_qemus(&qp);
	strvec_push(&pats, "pc-q35-5.2");
	lv_plan_build(&qp, 2, &pats, "5.2.0", "7.2.0", &all, &p);
	/* One QEMU pair; no libvirt pair (from and to name different QEMUs). */
	assert_int_equal(p.npairs, 1);
	assert_int_equal(p.ncontrols, 4);
	/* Round 1: the newest libvirt's controls only. */
	n = lv_plan_due(&p, idx);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p.controls[idx[i]].l, 0);
	/* The newest libvirt refuses QEMU 5.2 by rule and runs 7.2. */
	for (size_t i = 0; i < n; i++)
		p.controls[idx[i]].status = p.controls[idx[i]].q == 0 ? RUN_UNSUPPORTED : RUN_PASS;
	n = lv_plan_due(&p, idx);
	assert_int_equal(n, 1);
	assert_int_equal(p.controls[idx[0]].l, 1);
	assert_int_equal(p.controls[idx[0]].q, 0);
	assert_int_equal(lv_plan_side(&p, 2, 0, "pc-q35-5.2"), -1);
	p.controls[idx[0]].status = RUN_PASS;
	assert_int_equal(lv_plan_due(&p, idx), 0);
	/* 5.2 goes under the older libvirt, 7.2 under the newest. */
	assert_int_equal(lv_plan_side(&p, 2, 0, "pc-q35-5.2"), 1);
	assert_int_equal(lv_plan_side(&p, 2, 1, "pc-q35-5.2"), 0);
	lv_plan_release(&p);
	strvec_clear(&pats);
	mig_plan_release(&qp);
}

static void test_plan_shard(void **state)
{
	struct mig_plan qp;
	struct lv_plan whole, part[3];
	struct strvec pats = STRVEC_INIT;
	struct shard all = { 1, 1, NULL };
	size_t sum = 0;

	(void)state;
	three_qemus(&qp);
	lv_plan_build(&qp, 3, &pats, NULL, NULL, &all, &whole);
	for (long k = 0; k < 3; k++) {
		struct shard sh = { k + 1, 3, NULL };

		lv_plan_build(&qp, 3, &pats, NULL, NULL, &sh, &part[k]);
		assert_int_equal(part[k].total, whole.total);
		sum += part[k].npairs;
		/* Each shard runs the controls its own pairs need. */
		for (size_t i = 0; i < part[k].npairs; i++) {
			const struct lv_pair *x = &part[k].pairs[i];

			assert_non_null(lv_plan_control(&part[k], x->a == x->b ? x->l1 : 0,
							x->a, x->machine));
		}
		lv_plan_release(&part[k]);
	}
	assert_int_equal(sum, whole.npairs);
	lv_plan_release(&whole);
	mig_plan_release(&qp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_xml),
		cmocka_unit_test(test_dest_xml),
		cmocka_unit_test(test_log_words),
		cmocka_unit_test(test_daemon_error),
		cmocka_unit_test(test_plan_pairs),
		cmocka_unit_test(test_plan_rounds),
		cmocka_unit_test(test_plan_shard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
