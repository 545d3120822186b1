#ifndef RUN_TESTPMD_H
#define RUN_TESTPMD_H

/*
 * The vhost-user backend of a job: DPDK testpmd with one vhost-user port
 * per vhost-user device of the scenario, forwarding port to port, in its
 * own process group, with its runtime files under a prefix of this
 * process. Used by the direct backend and the libvirt one alike.
 */

#include "command.h"
#include "mapper.h"
#include "scenario.h"
#include "strbuf.h"

struct testpmd {
	struct command cmd;
	struct strvec socks; /* the sockets it serves, as the mapper names them */
};

/*
 * Starts testpmd for the vhost-user devices of the first nenv VMs of s,
 * the sockets of VM k named by map_vhost_path(&env[k]), as its ports in
 * the order of scenario_vhost_port() (so port 2n and 2n+1 forward to
 * each other, within a VM or between two), and waits until every socket
 * accepts (ready.h).
 * Returns 0; or -1 with why it did not come up appended to reason (not
 * reported: the run records it); testpmd_stop() cleans up either way.
 */
int testpmd_start(struct testpmd *t, const struct scenario *s,
		  const struct map_env *env, size_t nenv, struct strbuf *reason) VM_WUR;

/*
 * Stops testpmd (SIGINT, so it prints its statistics; then SIGKILL), its
 * whole output into log, one note per socket into notes (whether QEMU
 * connected and the guest's driver made the device ready), and removes
 * DPDK's runtime files. Releases t.
 */
void testpmd_stop(struct testpmd *t, struct strbuf *log, struct strvec *notes);

/*
 * The note testpmd_stop() gives socket sock from testpmd's complete log:
 * DPDK logs "(<sock>) new vhost user connection" per peer, the readiness
 * check's included, and "(<sock>) virtio is now ready for processing."
 * once a guest driver set the device up. Pushed onto notes.
 */
void testpmd_socket_note(const char *log, const char *sock, struct strvec *notes);

#endif
