#ifndef MX_LIBVIRTD_H
#define MX_LIBVIRTD_H

/*
 * A libvirt daemon of one installed version, started by virt-matrix from
 * its prefix (<prefix>/sbin/libvirtd, sockets under <prefix>/var/run),
 * under the prompt-reaping supervisor (supervise.h), connected to with
 * the libvirt C API on its own socket, and stopped again. A daemon that
 * does not come up is an error that shows its log, never a hang.
 */

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "command.h"

struct libvirtd {
	struct command cmd;
	char *prefix;
	char *uri;
	virConnectPtr conn;
};

/* Starts the daemon of the libvirt installed at prefix and connects. */
int libvirtd_start(struct libvirtd *d, const char *prefix,
		   double timeout) VM_WUR;
/* Disconnects, stops the daemon (SIGTERM, then SIGKILL), reaps it. */
void libvirtd_stop(struct libvirtd *d);

/*
 * Domain capabilities of emulator for machine (type "qemu" when KVM is
 * not usable, else "kvm"): *xml is malloc'd. On failure returns -1 and
 * *err (malloc'd) holds libvirt's message; nothing is reported.
 */
int libvirtd_domcaps(struct libvirtd *d, const char *emulator,
		     const char *machine, const char *virttype, char **xml,
		     char **err);

#endif
