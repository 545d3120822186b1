#ifndef VM_QMP_H
#define VM_QMP_H

/*
 * A QMP client (QEMU Machine Protocol, qapi/qmp-spec). It talks to QEMU
 * over a connected stream socket: reads the greeting, negotiates with
 * qmp_capabilities, then runs commands one at a time or pipelined (many
 * written at once, replies matched by "id"). Every read is bounded in
 * size (max_message) and time (timeout); events that arrive are kept.
 *
 * Results: 0 for a "return", QMP_ERR (1) for an "error" reply, which
 * fills class/desc (a command an old QEMU lacks is "CommandNotFound"),
 * and -1 for a broken session (reported: which binary, which command,
 * what came back).
 *
 * With record set, every line sent and received is appended to it, in
 * the transcript format that tests/ replays (qmp_replay.h).
 */

#include <json-c/json.h>
#include <stdio.h>

#include "strbuf.h"

#define QMP_ERR 1

struct qmp_seen {
	unsigned long long hash;
	char *text;
	size_t len;
	json_object *ret;
};

struct qmp_error {
	char class_[64];
	char desc[512];
};

struct qmp {
	int fd;
	const char *who; /* binary, for messages */
	size_t max_message;
	double timeout;
	long next_id;
	struct strbuf in;
	size_t start;	/* bytes of in already taken as messages */
	size_t scanned; /* bytes of in known to hold no newline */
	json_object *greeting;
	json_object **events;
	size_t nevents, aevents;
	FILE *record;
	int quiet;	  /* do not report failures, only keep errmsg */
	long stray_id;	  /* reply to ignore: a renegotiation's */
	char errmsg[512]; /* the last failure */
	/*
	 * With share set, a large "return" whose text is byte for byte one
	 * seen before in this session is not parsed again: the reply gets
	 * the same json_object (one more reference). Callers must then treat
	 * replies as read-only. QEMU answers many queries identically (e.g.
	 * device-list-properties of every x86 CPU model), so this saves most
	 * of the parsing of a capability probe.
	 */
	int share;
	struct qmp_seen *seen;
	size_t nseen, aseen, seen_bytes;
};

/* One pipelined request: cmd and args (owned by the request) in, ret or err out. */
struct qmp_req {
	const char *cmd;
	json_object *args;
	json_object *ret;
	int status; /* 0, QMP_ERR or -1 */
	struct qmp_error err;
};

void qmp_init(struct qmp *q, int fd, const char *who);
/* Closes the socket, frees greeting and events. */
void qmp_release(struct qmp *q);

/* Reads the greeting and sends qmp_capabilities. */
int qmp_handshake(struct qmp *q) VM_WUR;

/*
 * Runs one command. args is consumed (may be NULL). On 0, *ret (if ret)
 * holds the "return" value, owned by the caller.
 */
int qmp_call(struct qmp *q, const char *cmd, json_object *args,
	     json_object **ret, struct qmp_error *err) VM_WUR;

/*
 * Writes all n requests, then reads all replies. Returns -1 if the
 * session broke, else 0 with each request's status filled in.
 */
int qmp_call_many(struct qmp *q, struct qmp_req *reqs, size_t n) VM_WUR;
void qmp_req_release(struct qmp_req *r);
/*
 * qmp_call_many in two halves, so that several QEMUs can work at once:
 * send to each, then receive from each. *first pairs the two calls. If
 * sending fails part-way (QEMU died), receiving still collects the
 * replies QEMU gave before, so the first request left at -1 is the one
 * it died on.
 */
int qmp_send_many(struct qmp *q, struct qmp_req *reqs, size_t n,
		  long *first) VM_WUR;
int qmp_recv_many(struct qmp *q, struct qmp_req *reqs, size_t n,
		  long first) VM_WUR;

/*
 * Reads whatever QEMU still sends until it closes the connection or
 * timeout passes, keeping the events (e.g. SHUTDOWN once QEMU exited:
 * the socket holds what was sent before the close). Reports nothing.
 */
void qmp_drain_events(struct qmp *q, double timeout);
/* The first kept event of that name, owned by q, or NULL. */
json_object *qmp_find_event(const struct qmp *q, const char *name);

/* Sends cmd (no arguments) without waiting for a reply, e.g. "quit". */
int qmp_send(struct qmp *q, const char *cmd);

/*
 * Connects to a unix socket path, retrying until it accepts or timeout
 * passes. alive() (may be NULL) is asked between tries so a QEMU that
 * died is noticed at once. Returns the fd or -1 (reported).
 */
int qmp_connect_unix(const char *path, double timeout,
		     int (*alive)(void *), void *ctx, const char *who);

#endif
