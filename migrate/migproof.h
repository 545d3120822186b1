#ifndef MIG_PROOF_H
#define MIG_PROOF_H

/*
 * The verdicts every kind of migration job draws from its guest's
 * console (migguest.h) and QEMU's words, whoever started the QEMUs: this
 * program (migjob.c) or a libvirt daemon (lvmig.c).
 */

#include "console.h"
#include "result.h"

/* Seconds for QEMU to start, for a migration, and for the guest's proof. */
#define MIG_START_TIMEOUT 30
#define MIG_XFER_TIMEOUT 120
#define MIG_PROOF_TIMEOUT 60

/*
 * QEMU's own lines of out ("qemu-system-x86_64: ..."), but its warnings,
 * joined with " / " into o: its own words for a reason. Nothing when it
 * said nothing.
 */
void mig_qemu_words(const char *out, struct strbuf *o);

/*
 * The source's guest after console_wait(MIG_READY) answered w, with log
 * the console so far: 0 when it is ready to migrate (its checks before
 * passed); else r is an error on the source with the reason: its failed
 * checks, a timeout (timeout seconds, with its last console line), or
 * QEMU's end (with QEMU's words from qemu_out, which may be NULL).
 * Nothing is decided when w is CONSOLE_INTERRUPTED (-1 returned).
 */
int mig_source_verdict(enum console_wait w, const char *log, long timeout,
		       const char *qemu_out, struct result *r);

/*
 * The destination's guest after it was asked for its proof and
 * console_wait(GUEST_END) answered w, with log the console from the
 * question on: r gets its checks and the verdict; -1 when QEMU ended
 * (CONSOLE_CLOSED) or virt-matrix was interrupted, which the caller
 * words with what it knows.
 */
int mig_dest_verdict(enum console_wait w, const char *log, struct result *r);

#endif
