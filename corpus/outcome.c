/*
 * Telling libvirt's error messages apart (see outcome.h). The rules are
 * tables of the components' own words, as libvirt has written them from
 * 7.0 to 11.x: QEMU's exit before the monitor answered ("process exited
 * while connecting to monitor", "QEMU unexpectedly closed the monitor"),
 * a QMP command QEMU refused during start-up, and the messages in which
 * libvirt says a host resource is not there.
 */
#include <string.h>

#include "outcome.h"
#include "support.h"
#include "banned.h"

VM_ENUM_IMPL(corp_outcome, CORP_OUTCOME_LAST, "started", "rejected", "refused",
	     "skipped", "error", "unsupported");

/* libvirt's words when QEMU exited or answered an error at start. */
static const char *const qemu_said[] = {
	"process exited while connecting to monitor: ",
	"QEMU unexpectedly closed the monitor",
	"qemu unexpectedly closed the monitor",
	"unable to execute QEMU command '",
};

/* libvirt's words for a host resource that is not there. */
static const char *const missing_words[] = {
	"Cannot access storage file",
	"Network not found",
	"network '",	/* "network 'default' is not active" */
	"Storage pool not found",
	"Storage volume not found",
	"Secret not found",
	"secret not found",
	"no storage pool with matching",
	"no network with matching name",
	"no secret with matching",
	"Cannot find interface",
	"Cannot get interface MTU",
	"Unable to get index for interface",
	"Failed to open file '/sys/bus/pci",
	"cannot open '/sys/",
	"Failed to find USB device",
	"Did not find USB device",
	"failed to find the mediated device",
	"hugetlbfs filesystem is not mounted",
	"Unable to find any usable hugetlbfs mount",
	"unable to find any master var store",
	"Cannot check QEMU binary",
	"No such file or directory",
};

/* The first of words found in msg, or NULL; *at: where. */
static const char *find_any(const char *msg, const char *const *words, size_t n,
			    const char **at)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(msg, words[i]);

		if (p) {
			*at = p;
			return words[i];
		}
	}
	return NULL;
}

/*
 * QEMU's own lines of a message (each "qemu-system-x86_64: ..." up to its
 * end of line or message), libvirt's timestamps left out, and QEMU's
 * warnings (deprecated option spellings) too unless there is nothing
 * else; 0 when there is no such line.
 */
static int qemu_lines(const char *msg, struct strbuf *out)
{
	int found = 0;

	for (int pass = 0; pass < 2 && !found; pass++) {
		const char *p = msg;

		while ((p = strstr(p, "qemu-system-"))) {
			size_t len = strcspn(p, "\n");
			const char *w = strstr(p, ": warning: ");

			if (pass == 0 && w && w < p + len) {
				p += len;
				continue;
			}
			if (found)
				sb_puts(out, "\n");
			sb_printf(out, "%.*s", (int)len, p);
			p += len;
			found = 1;
		}
	}
	return found;
}

enum corp_outcome corp_classify(enum corp_step step, const char *msg,
				struct strbuf *why)
{
	const char *component, *words, *at;
	size_t len;

	if (!msg || !*msg) {
		sb_puts(why, "libvirt gave no message");
		return CORP_ERROR;
	}
	if (support_refusal(msg, &component, &words, &len)) {
		sb_printf(why, "%s: %.*s", component, (int)len, words);
		return CORP_UNSUPPORTED;
	}
	if (step == CORP_STEP_START && find_any(msg, qemu_said, ARRAY_SIZE(qemu_said), &at)) {
		if (!strncmp(at, "unable to execute QEMU command", 30)) {
			sb_puts(why, at);
			return CORP_REFUSED;
		}
		/* A port taken: by a domain running beside it, or the host. */
		if (strstr(at, "Address already in use")) {
			sb_puts(why, CORP_PORT_IN_USE);
			if (!qemu_lines(at, why))
				sb_puts(why, at);
			return CORP_SKIPPED;
		}
		/* An address this host does not have (a -vnc or socket netdev
		 * listening on 192.168.0.1): a missing host resource. */
		if (strstr(at, "Cannot assign requested address")) {
			sb_puts(why, "an address the domain names is not this host's: ");
			if (!qemu_lines(at, why))
				sb_puts(why, at);
			return CORP_SKIPPED;
		}
		/* QEMU could not open a file libvirt named: the host lacks it. */
		if (strstr(at, "No such file or directory") ||
		    strstr(at, "Could not open '")) {
			sb_puts(why, "a file the domain names is missing here: ");
			if (!qemu_lines(at, why))
				sb_puts(why, at);
			return CORP_SKIPPED;
		}
		if (!qemu_lines(at, why))
			sb_puts(why, msg);
		return CORP_REFUSED;
	}
	if (find_any(msg, missing_words, ARRAY_SIZE(missing_words), &at)) {
		sb_puts(why, msg);
		return CORP_SKIPPED;
	}
	sb_puts(why, msg);
	return CORP_REJECTED;
}
