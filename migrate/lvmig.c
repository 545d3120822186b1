/*
 * One migration through two libvirt daemons (lvmig.h): the domain
 * defined from our XML on L1, its guest's readiness read from its
 * console, a peer-to-peer migration to L2 under a watchdog that
 * aborts it at the deadline or on Ctrl-C, and the guest's proof on L2.
 * The argv libvirt gave each QEMU is read from /proc; the logs are the
 * daemons' domain logs.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "lvmig.h"
#include "fs.h"
#include "guest.h"
#include "libvirtd.h"
#include "migguest.h"
#include "migproof.h"
#include "qemuproc.h"
#include "support.h"
#include "xmlesc.h"
#include "banned.h"

/* The migration's bandwidth in MiB/s: a busy guest converges under TCG. */
#define LVMIG_BANDWIDTH 1024

static const char *lv_error(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

static void add_arg(struct strbuf *out, const char *arg)
{
	sb_puts(out, "    <qemu:arg value='");
	xml_escape(out, arg);
	sb_puts(out, "'/>\n");
}

/*
 * The direct matrix's NICs (migjob.c), one user network behind a hub, as
 * QEMU arguments. QEMU may create them before libvirt's own devices, so
 * they get slots of the root bus that libvirt's addressing, which fills
 * it from the bottom, does not reach for this guest.
 */
static void nic_args(const char *machine, struct strvec *out)
{
	const char *bus = strstr(machine, "q35") ? "pcie.0" : "pci.0";

	strvec_pushv(out, (const char *const[]){
		"-netdev", "user,id=user0",
		"-netdev", "hubport,id=hub0,hubid=0,netdev=user0",
		"-netdev", "hubport,id=un0,hubid=0", "-device", NULL });
	strvec_pushf(out, "virtio-net-pci,id=vnet0,netdev=un0,bus=%s,addr=0x10", bus);
	strvec_pushv(out, (const char *const[]){ "-netdev", "hubport,id=un1,hubid=0",
						 "-device", NULL });
	strvec_pushf(out, "e1000e,id=nic0,netdev=un1,bus=%s,addr=0x11", bus);
}

void lvmig_domain_xml(const char *name, const char *machine, const char *emulator,
		      const struct mig_env *env, const char *console_sock,
		      struct strbuf *out)
{
	struct strvec net = STRVEC_INIT;

	sb_puts(out, "<domain type='qemu' "
		     "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n"
		     "  <name>");
	xml_escape(out, name);
	sb_puts(out, "</name>\n"
		     "  <memory unit='MiB'>256</memory>\n"
		     "  <vcpu>1</vcpu>\n"
		     "  <os>\n"
		     "    <type arch='x86_64' machine='");
	xml_escape(out, machine);
	sb_puts(out, "'>hvm</type>\n    <kernel>");
	xml_escape(out, env->kernel);
	sb_puts(out, "</kernel>\n    <initrd>");
	xml_escape(out, env->initrd);
	sb_puts(out, "</initrd>\n    <cmdline>" GUEST_CMDLINE "</cmdline>\n"
		     "  </os>\n"
		     /* QEMU's default, which the direct matrix's guest has. */
		     "  <features><acpi/></features>\n"
		     "  <on_reboot>destroy</on_reboot>\n"
		     "  <devices>\n"
		     "    <emulator>");
	xml_escape(out, emulator);
	sb_puts(out, "</emulator>\n"
		     "    <disk type='file' device='disk'>\n"
		     "      <driver name='qemu' type='raw'/>\n"
		     "      <source file='");
	xml_escape(out, env->image);
	sb_puts(out, "'/>\n"
		     "      <target dev='vda' bus='virtio'/>\n"
		     "      <readonly/>\n"
		     "    </disk>\n"
		     "    <controller type='usb' model='none'/>\n"
		     "    <serial type='unix'>\n"
		     "      <source mode='connect' path='");
	xml_escape(out, console_sock);
	sb_puts(out, "'/>\n"
		     "      <target port='0'/>\n"
		     "    </serial>\n"
		     "    <memballoon model='none'/>\n"
		     "  </devices>\n"
		     "  <qemu:commandline>\n");
	nic_args(machine, &net);
	for (size_t i = 0; i < net.nr; i++)
		add_arg(out, net.v[i]);
	sb_puts(out, "  </qemu:commandline>\n</domain>\n");
	strvec_clear(&net);
}

/* Replaces every occurrence of from in *text by to: how many there were. */
static size_t replace_all(struct strbuf *text, const char *from, const char *to)
{
	struct strbuf o = STRBUF_INIT;
	size_t n = 0, flen = strlen(from);
	const char *p = text->buf, *hit;

	if (!flen)
		return 0;
	while ((hit = strstr(p, from))) {
		sb_printf(&o, "%.*s", (int)(hit - p), p);
		sb_puts(&o, to);
		p = hit + flen;
		n++;
	}
	sb_puts(&o, p);
	strbuf_reset(text);
	sb_puts(text, o.buf);
	strbuf_release(&o);
	return n;
}

/* In *text, pre FROM post becomes pre TO post (escaped): how many times. */
static size_t replace_in(struct strbuf *text, const char *pre, const char *from,
			 const char *to, const char *post)
{
	struct strbuf f = STRBUF_INIT, t = STRBUF_INIT;
	size_t n;

	sb_puts(&f, pre);
	xml_escape(&f, from);
	sb_puts(&f, post);
	sb_puts(&t, pre);
	xml_escape(&t, to);
	sb_puts(&t, post);
	n = replace_all(text, f.buf, t.buf);
	strbuf_release(&f);
	strbuf_release(&t);
	return n;
}

int lvmig_dest_xml(const char *xml, const char *from_emu, const char *to_emu,
		   const char *from_sock, const char *to_sock, struct strbuf *out)
{
	strbuf_reset(out);
	sb_puts(out, xml);
	if (replace_in(out, "<emulator>", from_emu, to_emu, "</emulator>") != 1)
		return -1;
	return replace_in(out, "path='", from_sock, to_sock, "'") >= 1 ? 0 : -1;
}

/* "2026-12-06T15:34:30.271049Z ": the stamp of -msg timestamp=on. */
static size_t stamp_len(const char *line)
{
	size_t n = strspn(line, "0123456789-T:.");

	return n >= 20 && line[n] == 'Z' && line[n + 1] == ' ' ? n + 2 : 0;
}

void lvmig_log_words(const char *log, struct strbuf *o)
{
	struct strbuf plain = STRBUF_INIT;

	for (const char *line = log ? log : ""; *line;) {
		size_t len = strcspn(line, "\n"), s = stamp_len(line);

		if (s > len)
			s = 0;
		/* libvirt's SIGTERM to a QEMU it stops is not QEMU's reason. */
		if (!memmem(line, len, "terminating on signal", 21)) {
			sb_printf(&plain, "%.*s", (int)(len - s), line + s);
			sb_putc(&plain, '\n');
		}
		line += len + (line[len] == '\n');
	}
	mig_qemu_words(plain.buf, o);
	strbuf_release(&plain);
}

/* One side of the job: its daemon, domain, console. */
struct lvside {
	const struct lvmig_end *end;
	virConnectPtr conn;
	struct console con;
	char *sock;
	int lfd;
};

static int side_open(struct lvside *s, const struct lvmig_end *end,
		     const struct mig_env *env, const char *sockname, struct result *r)
{
	struct strbuf p = STRBUF_INIT;

	memset(s, 0, sizeof(*s));
	s->end = end;
	s->lfd = -1;
	console_init(&s->con, LOG_MAX);
	sb_printf(&p, "%s/%s", env->rundir, sockname);
	s->sock = strbuf_detach(&p);
	s->conn = virConnectOpen(end->uri);
	if (!s->conn) {
		sb_printf(&r->reason, "cannot connect to libvirt %s: %s", end->libvirt,
			  lv_error());
		return -1;
	}
	unlink(s->sock);
	s->lfd = qemu_listen(s->sock, "console", end->qemu->binary);
	if (s->lfd < 0) {
		sb_printf(&r->reason, "cannot listen on '%s' for the console", s->sock);
		return -1;
	}
	return 0;
}

/* The console QEMU connected to (it does so as it starts): 0, or -1 with why. */
static int side_console(struct lvside *s, struct result *r)
{
	char msg[512];
	int fd = qemu_accept(NULL, &s->lfd, "console", "console", s->end->qemu->binary,
			     s->sock, MIG_START_TIMEOUT, msg, sizeof(msg), 1);

	if (fd < 0 || console_attach(&s->con, fd)) {
		sb_puts(&r->reason, fd < 0 ? msg : "cannot use the console");
		return -1;
	}
	return 0;
}

/* QEMU's argv (from /proc) and the domain's log into r. */
static void side_take(struct lvside *s, const char *name, struct result *r)
{
	struct strbuf p = STRBUF_INIT;
	long pid = libvirtd_qemu_pid(s->end->run_dir, name);

	if (pid > 0 && !r->argv.nr)
		(void)proc_cmdline(pid, &r->argv);
	sb_printf(&p, "%s/qemu/%s.log", s->end->log_dir, name);
	read_file_tail(p.buf, LOG_MAX, &r->stderr_text);
	strbuf_release(&p);
}

/* The domain name on the side's daemon destroyed (a transient domain goes). */
static void side_destroy(struct lvside *s, const char *name)
{
	virDomainPtr dom = s->conn ? virDomainLookupByName(s->conn, name) : NULL;

	if (dom) {
		virDomainDestroy(dom);
		virDomainFree(dom);
	}
}

static void side_close(struct lvside *s, struct result *r)
{
	if (r)
		sb_puts(&r->serial, s->con.log.buf);
	console_release(&s->con);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->conn)
		virConnectClose(s->conn);
	if (s->sock)
		unlink(s->sock);
	free(s->sock);
	memset(s, 0, sizeof(*s));
	s->lfd = -1;
}

/* Aborts the running migration of dom at the deadline or on Ctrl-C. */
struct watchdog {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	virDomainPtr dom;
	double deadline;
	int done, fired;
};

static void *watch(void *arg)
{
	struct watchdog *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		if (!w->done && !w->fired &&
		    (vm_interrupted || now_monotonic() > w->deadline)) {
			w->fired = vm_interrupted ? 2 : 1;
			pthread_mutex_unlock(&w->mu);
			virDomainAbortJob(w->dom);
			pthread_mutex_lock(&w->mu);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* "qemu+unix:///system?socket=...": L2 as L1 reaches it. */
static char *peer_uri(const char *uri)
{
	struct strbuf u = STRBUF_INIT;

	if (!strncmp(uri, "qemu://", 7))
		sb_printf(&u, "qemu+unix://%s", uri + 7);
	else
		sb_puts(&u, uri);
	return strbuf_detach(&u);
}

/* The migration, under the watchdog: 0, or -1 with libvirt's words in why. */
static int migrate(virDomainPtr dom, const struct lvside *d, const char *xml,
		   const char *stream, struct strbuf *why)
{
	struct watchdog w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			      dom, now_monotonic() + MIG_XFER_TIMEOUT, 0, 0 };
	virTypedParameterPtr params = NULL;
	int nparams = 0, maxparams = 0, rc = -1;
	char *dconn = peer_uri(d->end->uri);
	struct strbuf uri = STRBUF_INIT;
	pthread_t t;

	sb_printf(&uri, "unix://%s", stream);
	if (virTypedParamsAddString(&params, &nparams, &maxparams,
				    VIR_MIGRATE_PARAM_URI, uri.buf) < 0 ||
	    virTypedParamsAddString(&params, &nparams, &maxparams,
				    VIR_MIGRATE_PARAM_DEST_XML, xml) < 0 ||
	    virTypedParamsAddULLong(&params, &nparams, &maxparams,
				    VIR_MIGRATE_PARAM_BANDWIDTH, LVMIG_BANDWIDTH) < 0) {
		sb_printf(why, "%s", lv_error());
		goto out;
	}
	/* No migration without the watchdog: libvirt's call has no deadline of its own. */
	if (pthread_create(&t, NULL, watch, &w)) {
		sb_puts(why, "cannot start the thread that bounds the migration's time");
		goto out;
	}
	rc = virDomainMigrateToURI3(dom, dconn, params, (unsigned)nparams,
				    VIR_MIGRATE_PEER2PEER);
	if (rc < 0)
		sb_puts(why, lv_error());
	pthread_mutex_lock(&w.mu);
	w.done = 1;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(t, NULL);
	if (rc < 0 && w.fired == 1)
		sb_printf(why, " (aborted: it did not complete within %d s)",
			  MIG_XFER_TIMEOUT);
out:
	virTypedParamsFree(params, nparams);
	strbuf_release(&uri);
	free(dconn);
	return rc < 0 ? -1 : 0;
}

/* A unique domain name for this job on both daemons. */
static void job_name(struct strbuf *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sb_printf(out, "vmx-mig-%ld-%ld", (long)getpid(),
		  (long)(ts.tv_nsec / 1000) ^ (long)ts.tv_sec);
}

/* The source started and ready; -1 with src->r decided (or interrupted). */
static int source_up(const struct lvmig_job *j, const struct mig_env *env,
		     struct lvside *s, const char *name, virDomainPtr *dom,
		     struct mig_source *src, struct result *dst)
{
	struct result *r = &src->r;
	struct strbuf xml = STRBUF_INIT;
	enum console_wait w;
	off_t log_from;
	int ret = -1;

	lvmig_domain_xml(name, j->machine, j->src->qemu->binary, env, s->sock, &xml);
	log_from = libvirtd_log_mark(j->src->log_dir);
	*dom = virDomainCreateXML(s->conn, xml.buf, 0);
	if (!*dom) {
		const char *comp, *words;
		size_t len;
		struct strbuf msg = STRBUF_INIT;

		sb_puts(&msg, lv_error());
		libvirtd_log_explain(j->src->log_dir, log_from, &msg);
		if (support_refusal(msg.buf, &comp, &words, &len)) {
			dst->status = RUN_UNSUPPORTED;
			sb_printf(&dst->reason, "%s: %.*s", comp, (int)len, words);
		}
		r->status = RUN_ERROR;
		sb_printf(&r->reason, "libvirt %s did not start the guest with QEMU %s: %s",
			  j->src->libvirt, j->src->qemu->version, msg.buf);
		strbuf_release(&msg);
		side_take(s, name, r);
		goto out;
	}
	side_take(s, name, r);
	if (side_console(s, r)) {
		r->status = RUN_ERROR;
		goto out;
	}
	w = console_wait(&s->con, NULL, MIG_READY, (double)env->timeout);
	if (w != CONSOLE_SEEN && w != CONSOLE_TIMEOUT)
		side_take(s, name, r);
	ret = mig_source_verdict(w, s->con.log.buf, env->timeout, r->stderr_text.buf, r);
out:
	strbuf_release(&xml);
	return ret;
}

/*
 * libvirt's words when the source's QEMU refused the migrate command
 * itself ("Parameter 'inc' is unexpected"): what the destination then
 * says of the stream it did not get is no reason.
 */
static int source_refused(const char *libvirt_words)
{
	return strstr(libvirt_words, "unable to execute QEMU command 'migrate") != NULL;
}

/* After a failed migration: libvirt's words, QEMU's, and whose they are. */
static void migration_failed(struct lvside *s, struct lvside *d, const char *name,
			     const char *libvirt_words, struct result *src_r,
			     struct result *r, enum mig_side *side)
{
	struct strbuf dw = STRBUF_INIT, sw = STRBUF_INIT;

	side_take(d, name, r);
	side_take(s, name, src_r);
	lvmig_log_words(r->stderr_text.buf, &dw);
	lvmig_log_words(src_r->stderr_text.buf, &sw);
	r->status = RUN_FAIL;
	sb_printf(&r->reason, "libvirt: %s", libvirt_words);
	if (source_refused(libvirt_words)) {
		if (sw.len)
			sb_printf(&r->reason, "; QEMU on the source: %s", sw.buf);
		*side = MIG_SIDE_SOURCE;
	} else if (dw.len) {
		sb_printf(&r->reason, "; QEMU on the destination: %s", dw.buf);
		*side = MIG_SIDE_DEST;
	} else if (sw.len) {
		sb_printf(&r->reason, "; QEMU on the source: %s", sw.buf);
		*side = MIG_SIDE_SOURCE;
	} else {
		*side = MIG_SIDE_NONE;
	}
	strbuf_release(&dw);
	strbuf_release(&sw);
}

/* The guest's proof on the destination, after the switch. */
static void dest_prove(struct lvside *d, const char *name, struct result *r,
		       enum mig_side *side)
{
	enum console_wait w;
	size_t mark;

	side_take(d, name, r);
	if (side_console(d, r)) {
		r->status = RUN_FAIL;
		*side = MIG_SIDE_DEST;
		return;
	}
	mark = d->con.log.len;
	d->con.from = mark;
	if (console_send(&d->con, MIG_CHECK_CMD)) {
		r->status = RUN_FAIL;
		sb_puts(&r->reason, "the destination's console is gone");
		*side = MIG_SIDE_DEST;
		return;
	}
	w = console_wait(&d->con, NULL, GUEST_END " ", MIG_PROOF_TIMEOUT);
	if (mig_dest_verdict(w, d->con.log.buf + (mark < d->con.log.len ? mark : d->con.log.len),
			     r)) {
		if (w == CONSOLE_INTERRUPTED)
			return;
		side_take(d, name, r);
		r->status = RUN_FAIL;
		sb_puts(&r->reason, "QEMU ended after the switch: ");
		lvmig_log_words(r->stderr_text.buf, &r->reason);
	}
	if (r->status != RUN_PASS)
		*side = MIG_SIDE_DEST;
}

void lvmig_job_run(const struct lvmig_job *j, const struct mig_env *env,
		   struct mig_source *src, struct result *dst, enum mig_side *side)
{
	struct strbuf name = STRBUF_INIT, xml = STRBUF_INIT, why = STRBUF_INIT;
	struct strbuf stream = STRBUF_INIT;
	struct lvside s, d;
	virDomainPtr dom = NULL;
	double t0 = now_monotonic(), t1;
	char *mig_xml = NULL;

	result_init(&src->r);
	result_init(dst);
	src->transport = "unix";
	*side = MIG_SIDE_NONE;
	dst->backend.len = 0;
	job_name(&name);
	sb_printf(&stream, "%s/state.sock", env->rundir);
	memset(&d, 0, sizeof(d));
	d.lfd = -1;
	console_init(&d.con, LOG_MAX);
	if (side_open(&s, j->src, env, "src.sock", &src->r)) {
		src->r.status = RUN_ERROR;
		goto source_failed;
	}
	if (source_up(j, env, &s, name.buf, &dom, src, dst))
		goto source_failed;
	src->seconds = now_monotonic() - t0;
	t1 = now_monotonic();
	console_release(&d.con);
	if (side_open(&d, j->dst, env, "dst.sock", dst)) {
		dst->status = RUN_ERROR;
		goto out;
	}
	mig_xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_MIGRATABLE);
	if (!mig_xml || lvmig_dest_xml(mig_xml, j->src->qemu->binary, j->dst->qemu->binary,
				       s.sock, d.sock, &xml)) {
		dst->status = RUN_ERROR;
		sb_printf(&dst->reason, "the source's migratable XML %s",
			  mig_xml ? "does not hold the emulator and console we gave it"
				  : lv_error());
		goto out;
	}
	if (migrate(dom, &d, xml.buf, stream.buf, &why)) {
		if (!vm_interrupted)
			migration_failed(&s, &d, name.buf, why.buf, &src->r, dst, side);
	} else {
		dest_prove(&d, name.buf, dst, side);
	}
	dst->seconds = now_monotonic() - t1;
	goto out;
source_failed:
	src->seconds = now_monotonic() - t0;
	if (!vm_interrupted && dst->status == RUN_STATUS_NONE) {
		dst->status = RUN_ERROR;
		sb_printf(&dst->reason, "on the source: %s", src->r.reason.buf);
	} else if (dst->status == RUN_UNSUPPORTED) {
		/* The reason is the component's refusal, set by source_up. */
	}
	*side = MIG_SIDE_SOURCE;
out:
	if (vm_interrupted && dst->status != RUN_UNSUPPORTED)
		dst->status = RUN_STATUS_NONE;
	if (dom)
		virDomainFree(dom);
	side_destroy(&s, name.buf);
	side_destroy(&d, name.buf);
	side_close(&s, &src->r);
	side_close(&d, dst);
	unlink(stream.buf);
	free(mig_xml);
	strbuf_release(&name);
	strbuf_release(&xml);
	strbuf_release(&why);
	strbuf_release(&stream);
}
