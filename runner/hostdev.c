/*
 * Passthrough of a host's own VFIO device (job.h): the QEMU under test
 * starts stopped (-S) with the device the scenario names by BDF, and the
 * checks are judged from its QMP answers (lab.h's inspect_eval), as in
 * the lab but without it. Through libvirt, such a device is not run: the
 * runner starts libvirt's <hostdev> only inside the lab VM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "fs.h"
#include "lab.h"
#include "banned.h"

/* "vendor:device" of a host PCI device from sysfs, or "" */
static void host_pci_id(const char *bdf, char *out, size_t size)
{
	struct strbuf p = STRBUF_INIT, v = STRBUF_INIT, d = STRBUF_INIT;

	*out = '\0';
	sb_printf(&p, "/sys/bus/pci/devices/%s/vendor", bdf);
	if (path_exists(p.buf) && !strbuf_read_file(&v, p.buf, 64)) {
		strbuf_reset(&p);
		sb_printf(&p, "/sys/bus/pci/devices/%s/device", bdf);
		if (!strbuf_read_file(&d, p.buf, 64))
			snprintf(out, size, "%04lx:%04lx", strtol(v.buf, NULL, 16),
				 strtol(d.buf, NULL, 16));
	}
	strbuf_release(&p);
	strbuf_release(&v);
	strbuf_release(&d);
}

/*
 * Passthrough of a host VFIO device: QEMU under test starts stopped with
 * it, and its QMP answers are checked.
 */
static void run_host_device(struct run_ctx *x)
{
	struct result *r = x->r;
	const char *bdf = x->pt_host;
	struct map_env env;
	struct qemu_proc p;
	struct inspect_answers ans;
	struct guest_outcome o;
	struct strbuf link = STRBUF_INIT;
	char id[16], target[256];
	ssize_t n;
	static const char *const cmds[] = { "query-pci", "query-cpus-fast",
					    "query-memory-size-summary" };

	memset(&ans, 0, sizeof(ans));
	sb_printf(&link, "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(link.buf, target, sizeof(target) - 1);
	strbuf_release(&link);
	host_pci_id(bdf, id, sizeof(id));
	if (!*id) {
		r->status = RUN_SKIP;
		sb_printf(&r->reason, "this host has no PCI device %s (the scenario "
				      "names it; 'lab' uses the nested lab VM)",
			  bdf);
		return;
	}
	target[n > 0 ? n : 0] = '\0';
	if (n <= 0 || strcmp(path_basename(target), "vfio-pci")) {
		r->status = RUN_SKIP;
		sb_printf(&r->reason, "host device %s (%s) is bound to %s, not "
				      "vfio-pci: bind it before the run",
			  bdf, id, n > 0 ? path_basename(target) : "no driver");
		return;
	}
	memset(&env, 0, sizeof(env));
	env.accel = r->accel;
	env.rundir = x->rundir;
	if (map_argv(x->s, x->caps, &env, &r->argv, &r->notes, &r->reason)) {
		r->status = RUN_SKIP;
		return;
	}
	if (job_start_qemu(x, &p))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		json_object **slot = i == 0 ? &ans.pci : i == 1 ? &ans.cpus : &ans.mem;
		struct qmp_error err;

		if (qmp_call(&p.qmp, cmds[i], NULL, slot, &err) < 0)
			break;
	}
	inspect_eval(x->s, &ans, id, NULL, &o);
	checks_into(r, &o);
	judge(r, &o, x->s->nchecks + count_passthrough(x->s));
	guest_outcome_release(&o);
	qemu_proc_stop(&p);
	exit_into(r, &p.cmd);
	split_output(p.cmd.output.buf, &r->stderr_text, &r->serial);
	command_release(&p.cmd);
	inspect_answers_release(&ans);
}


static int hostdev_applies(const struct run_ctx *x)
{
	return !x->j->libvirt && x->pt_host && strcmp(x->pt_host, "lab");
}

const struct run_backend run_backend_hostdev = {
	.name = "hostdev",
	.applies = hostdev_applies,
	.run = run_host_device,
};

static int hostdev_libvirt_applies(const struct run_ctx *x)
{
	return x->j->libvirt && x->pt_host && strcmp(x->pt_host, "lab");
}

static void hostdev_libvirt_skip(struct run_ctx *x)
{
	x->r->status = RUN_SKIP;
	sb_printf(&x->r->reason, "passthrough of the host's %s through libvirt is "
				 "not run: the runner only starts libvirt's hostdev "
				 "inside the lab VM",
		  x->pt_host);
}

const struct run_backend run_backend_hostdev_libvirt = {
	.name = "hostdev+libvirt",
	.applies = hostdev_libvirt_applies,
	.run = hostdev_libvirt_skip,
};
