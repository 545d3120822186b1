#ifndef MIG_LVMIG_H
#define MIG_LVMIG_H

/*
 * One migration through libvirt: the guest of migguest.h, of one
 * versioned machine type, started by libvirt daemon L1 with QEMU A, then
 * migrated peer-to-peer to daemon L2 with QEMU B, as users migrate: L1
 * opens L2 itself (qemu+unix, L2's socket), the migration stream goes
 * over a unix socket, and the destination's domain XML is the source's
 * migratable XML with B as its emulator. The migration is not live:
 * libvirt pauses the guest, moves its state and resumes it on B, as the
 * direct matrix's file mode stops it before saving. (Under TCG, a live
 * migration from a QEMU before 9.0 can lose the guest's writes, QEMU
 * commit 03bfc2188f, which would make every such pair a coin toss.) Both libvirts'
 * checks apply (the migration cookie, the domain ABI stability check).
 * A pass needs the guest's proof on B, read from its console as in the
 * direct matrix (migjob.h).
 *
 * L1 and L2 are two daemons with host UUIDs of their own
 * (libvirtd_start_as), possibly of one libvirt version: libvirt refuses a
 * migration between daemons that share a host UUID. The guest's devices
 * are the direct matrix's; its two NICs and their user network behind a
 * hub go to QEMU as <qemu:commandline> arguments (libvirt has no hub),
 * everything else is libvirt's own XML. A domain is transient and is
 * destroyed on both daemons however the job ends, also on Ctrl-C.
 *
 * Nothing here knows the store or which pairs run (lvplan.h, migrate.c).
 */

#include "migjob.h"

/* One end of the migration: a running daemon and the QEMU it runs. */
struct lvmig_end {
	const char *libvirt;	       /* the libvirt install's version */
	const char *uri;	       /* its daemon: qemu:///system?socket=... */
	const char *run_dir, *log_dir; /* the daemon's, as seen from here */
	const struct mig_qemu *qemu;
};

struct lvmig_job {
	const char *machine;
	const struct lvmig_end *src, *dst;
};

/* The domain XML of the guest with emulator, its console on console_sock. */
void lvmig_domain_xml(const char *name, const char *machine, const char *emulator,
		      const struct mig_env *env, const char *console_sock,
		      struct strbuf *out);

/*
 * The destination's XML from the source's migratable xml: emulator
 * from_emu becomes to_emu, the console's socket from_sock becomes
 * to_sock. 0, or -1 when xml does not hold them as lvmig_domain_xml
 * wrote them (nothing reported).
 */
int lvmig_dest_xml(const char *xml, const char *from_emu, const char *to_emu,
		   const char *from_sock, const char *to_sock, struct strbuf *out) VM_WUR;

/*
 * QEMU's own words in a libvirt domain log (whose lines libvirt has
 * QEMU stamp with the time) into o, as mig_qemu_words gives them, but
 * "terminating on signal 15 from pid ..." (libvirt stopping it).
 */
void lvmig_log_words(const char *log, struct strbuf *o);

/*
 * Runs j: src->r gets the source's argv, log and console (and, when the
 * source could not be brought up, the reason); *dst the verdict, with
 * the destination's argv, log and console; *side which side failed.
 * A source that libvirt refuses by a rule of its own (its minimum QEMU
 * version) makes *dst unsupported. Nothing is decided when virt-matrix
 * was interrupted (dst->status stays RUN_STATUS_NONE).
 */
void lvmig_job_run(const struct lvmig_job *j, const struct mig_env *env,
		   struct mig_source *src, struct result *dst, enum mig_side *side);

#endif
