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
 *
 * The peer is not trusted: each call has one deadline (its timeout from
 * when it starts), and nothing the peer sends (greetings, events, bytes
 * at a trickle) moves it; members of the protocol (ids, "error", "event",
 * "QMP") are checked for their type. What a command returns is checked by
 * its caller, against a struct qmp_shape (qmp_reply_check).
 */

#include <json-c/json.h>
#include <stdio.h>

#include "strbuf.h"

#define QMP_ERR 1

/* Events kept per session: at most this many, in this many bytes. */
#define QMP_MAX_EVENTS 1024
#define QMP_MAX_EVENT_BYTES (8 << 20)
/* Greetings (renegotiations) a call accepts before it gives up. */
#define QMP_MAX_REGREET 3
/* Renegotiations whose replies are still to be skipped. */
#define QMP_MAX_STRAY 8
/* Characters of a peer's text an error message shows. */
#define QMP_EXCERPT 160

struct qmp_seen {
	unsigned long long hash;
	char *text;
	size_t len;
	json_object *ret;
};

/* An event QEMU sent, and the size of its line. */
struct qmp_event {
	json_object *o;
	size_t size;
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
	struct qmp_event *events;
	size_t nevents, aevents, events_size;
	FILE *record;
	int quiet;	  /* do not report failures, only keep errmsg */
	long stray[QMP_MAX_STRAY]; /* replies to ignore: renegotiations' */
	size_t nstray;
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
 * the socket holds what was sent before the close). Events without a
 * string name are dropped. Reports nothing.
 */
void qmp_drain_events(struct qmp *q, double timeout);
/*
 * The first kept event of that name, owned by q, or NULL. Past
 * QMP_MAX_EVENTS (or QMP_MAX_EVENT_BYTES), the older half is dropped.
 */
json_object *qmp_find_event(const struct qmp *q, const char *name);

/* Sends cmd (no arguments) without waiting for a reply, e.g. "quit". */
int qmp_send(struct qmp *q, const char *cmd);

/*
 * What a reply must look like before it is used: its JSON type (or
 * QMP_ANY), for an array the shape of each element (NULL: anything), for
 * an object the members it is known to have, up to an entry with a NULL
 * key (members not listed are allowed: newer QEMUs add some). A member
 * that is present must have its shape, null included; a required one
 * must be present. Shapes may refer to themselves (PCI bridges hold
 * buses of devices).
 */
#define QMP_ANY (-1)

struct qmp_shape;

struct qmp_member {
	const char *key;
	const struct qmp_shape *shape;
	int required;
};

struct qmp_shape {
	int type; /* enum json_type, or QMP_ANY */
	const struct qmp_shape *elem;
	const struct qmp_member *members;
};

/* Leaves: any value, and each JSON type with nothing more said. */
extern const struct qmp_shape qmp_shape_any, qmp_shape_string, qmp_shape_int,
	qmp_shape_bool, qmp_shape_object;

/*
 * Checks reply (the "return" of cmd, sent by the binary who) against
 * shape. Returns 0, or -1 with a message that names who, cmd, where in
 * the reply it went wrong and an excerpt of what came back, e.g.
 *   qmp 'B': reply to 'qom-list-types': [3].name: expected a string,
 *   got an integer: '{"name":5}'
 * The message is reported, or with err set, put there instead (for a
 * caller that records it).
 */
int qmp_reply_check(const char *who, const char *cmd, json_object *reply,
		    const struct qmp_shape *shape, struct strbuf *err) VM_WUR;

/* The shape of the reply to each command of a table. */
struct qmp_reply_shape {
	const char *cmd;
	struct qmp_shape shape;
};
/*
 * qmp_reply_check against the shape that shapes[0..n) gives cmd; a
 * command the table does not know is an error the same way.
 */
int qmp_reply_check_cmd(const char *who, const char *cmd, json_object *reply,
			const struct qmp_reply_shape *shapes, size_t n,
			struct strbuf *err) VM_WUR;

/*
 * Members of a checked reply, by type: NULL, 0 or dflt when o is not an
 * object, the member is absent or has another type. Never json-c's
 * conversions (a number's text for a string, a string's number).
 */
json_object *qmp_get(json_object *o, const char *key, int type);
const char *qmp_get_string(json_object *o, const char *key);
int qmp_get_bool(json_object *o, const char *key);
long long qmp_get_int(json_object *o, const char *key, long long dflt);
/* The number of elements of an array; 0 for anything else. */
size_t qmp_array_len(json_object *a);

/*
 * Appends to sb a bounded, printable excerpt of text (len bytes) or of
 * v's JSON text: at most QMP_EXCERPT characters, bytes outside printable
 * ASCII as \xNN, "..." when cut.
 */
void qmp_excerpt_text(struct strbuf *sb, const char *text, size_t len);
void qmp_excerpt(struct strbuf *sb, json_object *v);

#endif
