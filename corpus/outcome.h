#ifndef CORP_OUTCOME_H
#define CORP_OUTCOME_H

/*
 * What became of one corpus domain on one (libvirt, QEMU) pair, and how
 * libvirt's error messages are told apart: libvirt's own refusal, QEMU's
 * (libvirt passes on what QEMU wrote before it exited, or a QMP error at
 * start), a host resource that is missing after all, a pair a component
 * does not support by rule (support.h). Pure functions of the message:
 * the unit tests replay messages recorded from real daemons.
 */

#include "enum.h"
#include "strbuf.h"

enum corp_outcome {
	CORP_STARTED,	  /* QEMU runs (paused): the argv is real */
	CORP_REJECTED,	  /* libvirt refused the domain (define or start) */
	CORP_REFUSED,	  /* libvirt accepted it; QEMU did not take it */
	CORP_SKIPPED,	  /* a host resource it names is missing here */
	CORP_ERROR,	  /* ours: the job could not be carried out */
	CORP_UNSUPPORTED, /* the pair, by a component's own rule */
	CORP_OUTCOME_LAST
};

/* "started", "rejected", "refused", "skipped", "error", "unsupported". */
VM_ENUM_DECL(corp_outcome);

/*
 * How the reason of a skip for a port in use begins: the runner tries
 * such a domain again alone before it believes the host holds the port.
 */
#define CORP_PORT_IN_USE "a port the domain names is in use on this host: "

enum corp_step {
	CORP_STEP_DEFINE, /* virDomainDefineXMLFlags, validating */
	CORP_STEP_START,  /* virDomainCreateWithFlags, paused */
};

/*
 * The outcome libvirt's message msg (from step) means, and the words to
 * record as the reason into why: for a QEMU refusal QEMU's own line(s)
 * ("qemu-system-x86_64: -device ...: ..."), without libvirt's timestamps;
 * else msg itself. Never CORP_STARTED.
 */
enum corp_outcome corp_classify(enum corp_step step, const char *msg,
				struct strbuf *why);

#endif
