#ifndef CORP_CORPUSRUN_H
#define CORP_CORPUSRUN_H

/*
 * libvirt's test domains on every (libvirt install, QEMU install) pair:
 * each domain adopted as a user's domain XML is (userxml.h: the run's
 * name, no uuid, the QEMU under test as emulator, TCG), defined with
 * validation, started paused, its QEMU's argv read from /proc, then
 * destroyed and undefined. One daemon per libvirt (per set of stand-ins,
 * standin.h) serves every QEMU; the domains of a pair run side by side
 * on worker threads. One row per (domain, libvirt, QEMU) in corpus_runs.
 */

#include <libvirt/libvirt.h>

#include "libvirtd.h"
#include "needs.h"
#include "outcome.h"
#include "shard.h"
#include "store.h"
#include "strbuf.h"
#include "util.h"

/* The longest a domain's start may take; its QEMU is killed then. */
#define CORP_JOB_TIMEOUT 60

struct corp_run_opts {
	const char *origin;	 /* the corpus's libvirt source; NULL: newest */
	struct strvec libvirts;	 /* install versions; empty: every libvirt */
	struct strvec qemus;	 /* install versions; empty: every QEMU */
	struct strvec match;	 /* fnmatch patterns on domain names; empty: all */
	long limit;		 /* the first N domains (by name); 0: all */
	const struct shard *shard; /* NULL: 1/1 */
	const char *sweep_uuid;	 /* record into that sweep (resume); NULL: new */
	int argc;		 /* the command line, for the sweep's record */
	char **argv;
};

/* One corpus domain on one pair, as corp_job() leaves it. */
struct corp_result {
	enum corp_outcome outcome;
	struct strbuf reason;
	struct strvec argv;	   /* the real QEMU argv (started) */
	struct strvec adaptations; /* what was changed or stood in */
	char *domain_xml;	   /* libvirt's live XML (started) */
	double seconds;
};

void corp_result_init(struct corp_result *r);
void corp_result_release(struct corp_result *r);

/* What corp_job() needs to know of the pair. */
struct corp_pair {
	virConnectPtr conn;
	const char *run_dir;	 /* the daemon's (libvirtd.h) */
	const char *log_dir;
	const char *libvirt;	 /* its version, for reasons */
	const char *emulator;	 /* the QEMU under test */
	const struct strvec *qemu_args; /* added as <qemu:commandline> (firmware) */
};

/*
 * One domain (its XML) on pair, under the libvirt domain name name: adopt, define, start paused, argv,
 * destroy, undefine. r is filled; the domain is gone afterwards whatever
 * happened.
 */
void corp_job(const struct corp_pair *pair, const char *xml, const char *name,
	      struct corp_result *r);

/*
 * The whole corpus (o) on every chosen pair, recorded in st under a
 * sweep: returns the number of pairs that could not be run at all (a
 * daemon that did not start), or -1 after reporting a store error or bad
 * options (an unknown version, no corpus imported).
 */
int corp_run(struct store *st, const struct corp_run_opts *o) VM_WUR;

#endif
