#ifndef VM_QTEST_H
#define VM_QTEST_H

/*
 * A client of QEMU's qtest protocol (system/qtest.c): a line-based text
 * protocol over a chardev, one request line ("read 0xe0000 4096",
 * "inl 0xcfc", "outw 0x510 0x19") and one reply line ("OK 0x..." or
 * "FAIL ..."), with asynchronous "IRQ raise N" / "IRQ lower N" lines
 * that may come before any reply (they are skipped). It lets virt-matrix
 * read guest memory and do port I/O on a running guest, the way QEMU's
 * tests/qtest/bios-tables-test reads the ACPI tables the firmware built.
 *
 * QEMU is started by lib/qemuproc (its QMP monitor is kept, for "stop"
 * and "quit") with "-accel tcg -qtest unix:P -qtest-log /dev/null", so
 * that the firmware runs (with -qtest alone QEMU picks the qtest
 * accelerator, which runs no CPU); virt-matrix listens on P and QEMU
 * connects (see lib/qemuproc.c for why not the other way round).
 *
 * The peer is not trusted: every call has one deadline (timeout from its
 * start), every reply line is bounded (QTEST_MAX_LINE, or what a read of
 * that size takes), and a "FAIL", an "ERR" or a reply that is not what
 * the request asks for is an error that names the binary, the request
 * and an excerpt of what came back. Requests are built here and never
 * malformed: QEMU asserts on a malformed request (and on a read of 0
 * bytes) and aborts.
 */

#include <stddef.h>
#include <stdint.h>

#include "qemuproc.h"
#include "strbuf.h"

/* A reply line that is not to a read is at most this long. */
#define QTEST_MAX_LINE 256
/* The largest read asked for in one request; longer reads are split. */
#define QTEST_MAX_READ (64 << 10)

struct qtest {
	struct qemu_proc proc; /* QEMU and its QMP monitor */
	const char *binary;    /* for messages */
	char *dir;	       /* holds sock */
	char *sock;
	int listen_fd; /* until QEMU has connected, else -1 */
	int fd;	       /* the qtest connection */
	double timeout; /* seconds, per call */
	int started; /* proc was spawned (and is to be stopped, released) */
	int quiet; /* keep failures in errmsg only */
	struct strbuf in;
	char errmsg[512];
};

/*
 * Starts binary with "-machine MACHINE -accel tcg", the qtest chardev,
 * QMP, and the extra args (NULL-terminated, may be NULL), and waits up to
 * timeout seconds for both connections. timeout also bounds every later
 * call. Returns 0, or -1 reported (with QEMU's output) and nothing left
 * running.
 */
int qtest_start(struct qtest *t, const char *binary, const char *machine,
		const char *const *args, double timeout) VM_WUR;
/* The same, QEMU forked from z (lib/zygote.h; NULL: an exec). */
int qtest_start_in(struct qtest *t, struct zygote *z, const char *binary,
		   const char *machine, const char *const *args,
		   double timeout) VM_WUR;
/* Quits QEMU (QMP quit, then the group is killed), removes the sockets. */
void qtest_stop(struct qtest *t);

/*
 * A session over an already connected fd (owned by t from now on), with
 * no QEMU behind it that t started: for tests that play the peer.
 * qtest_stop closes fd.
 */
void qtest_init_fd(struct qtest *t, int fd, const char *who, double timeout);

/*
 * Sends one request line (without its newline) and reads its reply,
 * skipping IRQ lines. max bounds the reply line (0: QTEST_MAX_LINE).
 * Returns 0 when the reply is "OK" or "OK <text>" (<text> into *value if
 * value, which must have no cap), -1 otherwise, reported. A reply that
 * does not come in time, is cut or is too long ends the session (later
 * calls fail with "no connection"); a "FAIL" or a malformed line does
 * not.
 */
int qtest_request(struct qtest *t, const char *req, size_t max,
		  struct strbuf *value) VM_WUR;

/* len bytes of guest memory at addr into buf (split as needed). */
int qtest_memread(struct qtest *t, uint64_t addr, void *buf, size_t len) VM_WUR;

/* Port I/O; an "in" whose value does not fit its width is an error. */
int qtest_inb(struct qtest *t, uint16_t port, uint8_t *value) VM_WUR;
int qtest_inw(struct qtest *t, uint16_t port, uint16_t *value) VM_WUR;
int qtest_inl(struct qtest *t, uint16_t port, uint32_t *value) VM_WUR;
int qtest_outb(struct qtest *t, uint16_t port, uint8_t value) VM_WUR;
int qtest_outw(struct qtest *t, uint16_t port, uint16_t value) VM_WUR;
int qtest_outl(struct qtest *t, uint16_t port, uint32_t value) VM_WUR;

/*
 * One 16- or 32-bit guest memory access at addr ("readw ADDR", "writel
 * ADDR VAL", ...): what a driver's MMIO access to a device register is,
 * where qtest_memread may split or widen it. A reply (QEMU gives 16 hex
 * digits) whose value does not fit the width is an error.
 */
int qtest_readw(struct qtest *t, uint64_t addr, uint16_t *value) VM_WUR;
int qtest_readl(struct qtest *t, uint64_t addr, uint32_t *value) VM_WUR;
int qtest_writew(struct qtest *t, uint64_t addr, uint16_t value) VM_WUR;
int qtest_writel(struct qtest *t, uint64_t addr, uint32_t value) VM_WUR;

/*
 * Parses "0x" and exactly 2*len hex digits (a reply to "read ADDR LEN")
 * into buf: 0, or -1 (not reported).
 */
int qtest_parse_hex(const char *s, size_t slen, unsigned char *buf,
		    size_t len) VM_WUR;

#endif
