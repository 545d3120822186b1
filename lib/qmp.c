/*
 * QMP over a stream socket with json-c. QEMU writes one JSON object per
 * line; lines are split with a size cap and parsed one by one. Waits use
 * poll() with a deadline; nothing here blocks without a timeout, and a
 * call's deadline is set once, when it starts: greetings, events and
 * slow bytes from the peer do not extend it. Replies are checked against
 * shapes (qmp_reply_check) before their users touch them.
 */
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qmp.h"
#include "banned.h"

void qmp_init(struct qmp *q, int fd, const char *who)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->who = who;
	q->max_message = 32 << 20;
	q->timeout = 10;
	q->next_id = 1;
	strbuf_init(&q->in, 0);
}

void qmp_release(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	strbuf_release(&q->in);
	json_object_put(q->greeting);
	q->greeting = NULL;
	for (size_t i = 0; i < q->nevents; i++)
		json_object_put(q->events[i].o);
	free(q->events);
	q->events = NULL;
	q->nevents = q->aevents = q->events_size = 0;
	for (size_t i = 0; i < q->nseen; i++) {
		free(q->seen[i].text);
		json_object_put(q->seen[i].ret);
	}
	free(q->seen);
	q->seen = NULL;
	q->nseen = q->aseen = q->seen_bytes = 0;
}

void qmp_req_release(struct qmp_req *r)
{
	json_object_put(r->args);
	json_object_put(r->ret);
	r->args = r->ret = NULL;
}

/* Keeps the message in q->errmsg; reports it unless q->quiet. */
static int qmp_fail(struct qmp *q, const char *fmt, ...) VM_PRINTF(2, 3);
static int qmp_fail(struct qmp *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->errmsg, sizeof(q->errmsg), fmt, ap);
	va_end(ap);
	if (!q->quiet)
		error("%s", q->errmsg);
	return -1;
}

static void record(struct qmp *q, const char *dir, const char *line, size_t len)
{
	if (!q->record)
		return;
	fprintf(q->record, "%s %.*s\n", dir, (int)len, line);
}

/* The deadline of a call of n requests that starts now. */
static double call_deadline(const struct qmp *q, size_t n)
{
	return now_monotonic() + q->timeout + (double)n * 0.01;
}

static int write_all(struct qmp *q, const char *buf, size_t len,
		     const char *cmd, double deadline)
{
	while (len) {
		struct pollfd p = {q->fd, POLLOUT, 0};
		ssize_t n;
		int ms = (int)((deadline - now_monotonic()) * 1000);

		if (ms <= 0)
			return qmp_fail(q, "qmp '%s': timed out sending '%s'",
					q->who, cmd);
		if (poll(&p, 1, ms) < 0 && errno != EINTR)
			return qmp_fail(q, "qmp '%s': poll: %s", q->who,
					strerror(errno));
		n = send(q->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return qmp_fail(q, "qmp '%s': cannot send '%s': %s",
					q->who, cmd, strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replies shorter than this parse fast enough; they are never shared. */
#define SHARE_MIN 1024
#define SHARE_MAX_ENTRIES 1024

static unsigned long long fnv1a(const char *s, size_t len)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * QEMU writes a reply to a request with an id as {"return": VALUE,
 * "id": N}. If line has that form, *val and *vlen are VALUE's text and
 * *id is N; returns 0, or -1 for any other form.
 */
static int split_reply(const char *line, size_t len, const char **val,
		       size_t *vlen, long *id)
{
	static const char head[] = "{\"return\": ", tail[] = ", \"id\": ";
	size_t end = len, digits;

	if (len < sizeof(head) || memcmp(line, head, sizeof(head) - 1) ||
	    line[len - 1] != '}')
		return -1;
	end = len - 1;
	while (end > 0 && line[end - 1] >= '0' && line[end - 1] <= '9')
		end--;
	digits = len - 1 - end;
	if (!digits || digits > 18 || end < sizeof(head) - 1 + sizeof(tail) - 1 ||
	    memcmp(line + end - (sizeof(tail) - 1), tail, sizeof(tail) - 1))
		return -1;
	*val = line + sizeof(head) - 1;
	*vlen = end - (sizeof(tail) - 1) - (sizeof(head) - 1);
	*id = strtol(line + end, NULL, 10);
	return 0;
}

static struct qmp_seen *seen_find(struct qmp *q, const char *val, size_t vlen,
				  unsigned long long h)
{
	for (size_t i = 0; i < q->nseen; i++)
		if (q->seen[i].hash == h && q->seen[i].len == vlen &&
		    !memcmp(q->seen[i].text, val, vlen))
			return &q->seen[i];
	return NULL;
}

/*
 * Parses one line into *out: through the shared replies when q->share
 * and the line is a large reply; else with json-c. NULL on garbage.
 */
static json_object *parse_line(struct qmp *q, const char *line, size_t len)
{
	enum json_tokener_error jerr;
	const char *val;
	size_t vlen;
	long id;
	unsigned long long h;
	struct qmp_seen *seen;
	json_object *o, *ret;

	if (!q->share || len < SHARE_MIN ||
	    split_reply(line, len, &val, &vlen, &id))
		return json_tokener_parse_verbose(line, &jerr);
	h = fnv1a(val, vlen);
	seen = seen_find(q, val, vlen, h);
	if (seen) {
		o = json_object_new_object();
		json_object_object_add(o, "return", json_object_get(seen->ret));
		json_object_object_add(o, "id", json_object_new_int64(id));
		return o;
	}
	o = json_tokener_parse_verbose(line, &jerr);
	if (o && json_object_object_get_ex(o, "return", &ret) &&
	    q->nseen < SHARE_MAX_ENTRIES &&
	    q->seen_bytes + vlen <= q->max_message) {
		ALLOC_GROW(q->seen, q->nseen + 1, q->aseen);
		seen = &q->seen[q->nseen++];
		seen->hash = h;
		seen->text = xmalloc(vlen);
		memcpy(seen->text, val, vlen);
		seen->len = vlen;
		seen->ret = json_object_get(ret);
		q->seen_bytes += vlen;
	}
	return o;
}

/*
 * Reads one message (a line) within the deadline; *out is owned by the
 * caller. Lines are taken from q->in in place (q->start moves on); the
 * buffer is compacted only when more must be read.
 */
static int read_message(struct qmp *q, double deadline, const char *cmd,
			json_object **out, size_t *size)
{
	for (;;) {
		char *line = q->in.buf + q->start;
		char *nl = memchr(q->in.buf + q->scanned, '\n',
				  q->in.len - q->scanned);
		char buf[65536];
		struct pollfd p = {q->fd, POLLIN, 0};
		ssize_t n;
		int ms;

		if (nl) {
			size_t len = (size_t)(nl - line);
			json_object *o;

			*nl = '\0';
			if (len && line[len - 1] == '\r')
				line[--len] = '\0';
			record(q, "<", line, len);
			o = parse_line(q, line, len);
			if (!o || !json_object_is_type(o, json_type_object)) {
				struct strbuf ex = STRBUF_INIT;

				qmp_excerpt_text(&ex, line, len);
				qmp_fail(q, "qmp '%s': garbage in reply to '%s': '%s'",
					 q->who, cmd, ex.buf);
				strbuf_release(&ex);
				json_object_put(o);
				return -1;
			}
			q->start = q->scanned = (size_t)(nl + 1 - q->in.buf);
			*out = o;
			if (size)
				*size = len;
			return 0;
		}
		if (q->start) {
			size_t rest = q->in.len - q->start;

			memmove(q->in.buf, line, rest);
			strbuf_setlen(&q->in, rest);
			q->start = 0;
		}
		q->scanned = q->in.len;
		if (q->in.len > q->max_message)
			return qmp_fail(
			    q,
			    "qmp '%s': reply to '%s' is larger than "
			    "%zu bytes",
			    q->who, cmd, q->max_message);
		ms = (int)((deadline - now_monotonic()) * 1000);
		if (ms <= 0)
			return qmp_fail(
			    q, "qmp '%s': no reply to '%s' within %.1fs",
			    q->who, cmd, q->timeout);
		if (poll(&p, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			return qmp_fail(q, "qmp '%s': poll: %s", q->who,
					strerror(errno));
		}
		if (!p.revents)
			continue;
		n = recv(q->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return qmp_fail(q,
					"qmp '%s': reading reply to '%s': %s",
					q->who, cmd, strerror(errno));
		if (n == 0)
			return qmp_fail(
			    q,
			    "qmp '%s': connection closed while waiting "
			    "for '%s'%s",
			    q->who, cmd, q->in.len ? " (partial message)" : "");
		if (strbuf_add(&q->in, buf, (size_t)n))
			die("qmp buffer");
	}
}

/* The event's name, or NULL when o is no event or its name is no string. */
static const char *event_name(json_object *o)
{
	return qmp_get_string(o, "event");
}

/*
 * Keeps event o (its line was size bytes). When that would pass a limit,
 * the oldest half goes first (at once, so that a flood costs no more
 * than its parsing): a peer that floods events cannot grow the session
 * without bound.
 */
static void keep_event(struct qmp *q, json_object *o, size_t size)
{
	size_t drop = 0;

	if (size > QMP_MAX_EVENT_BYTES / 2) {
		json_object_put(o);
		return;
	}
	if (q->nevents + 1 > QMP_MAX_EVENTS ||
	    q->events_size + size > QMP_MAX_EVENT_BYTES)
		while (drop < q->nevents &&
		       (q->nevents - drop >= QMP_MAX_EVENTS / 2 ||
			q->events_size + size > QMP_MAX_EVENT_BYTES / 2)) {
			json_object_put(q->events[drop].o);
			q->events_size -= q->events[drop].size;
			drop++;
		}
	if (drop) {
		q->nevents -= drop;
		memmove(q->events, q->events + drop, q->nevents * sizeof(*q->events));
	}
	ALLOC_GROW(q->events, q->nevents + 1, q->aevents);
	q->events[q->nevents].o = o;
	q->events[q->nevents++].size = size;
	q->events_size += size;
}

void qmp_drain_events(struct qmp *q, double timeout)
{
	double deadline = now_monotonic() + timeout;
	int quiet = q->quiet;

	q->quiet = 1;
	while (q->fd >= 0) {
		json_object *o = NULL;
		size_t size = 0;

		if (read_message(q, deadline, "(events)", &o, &size))
			break;
		if (event_name(o))
			keep_event(q, o, size);
		else
			json_object_put(o);
	}
	q->quiet = quiet;
}

json_object *qmp_find_event(const struct qmp *q, const char *name)
{
	for (size_t i = 0; i < q->nevents; i++) {
		const char *ev = event_name(q->events[i].o);

		if (ev && !strcmp(ev, name))
			return q->events[i].o;
	}
	return NULL;
}

/*
 * The "error" member of reply o into err (when err is set): an object
 * with a string "class" and a string "desc", as the QMP specification
 * says. -1 when it is not.
 */
static int fill_error(json_object *o, struct qmp_error *err)
{
	json_object *e = qmp_get(o, "error", json_type_object);
	const char *class_ = qmp_get_string(e, "class");
	const char *desc = qmp_get_string(e, "desc");

	if (!class_ || !desc)
		return -1;
	if (err) {
		snprintf(err->class_, sizeof(err->class_), "%s", class_);
		snprintf(err->desc, sizeof(err->desc), "%s", desc);
	}
	return 0;
}

/* Fails with what came back: "qmp 'B': WHAT'excerpt of o'". */
static int fail_with(struct qmp *q, json_object *o, const char *fmt, ...)
	VM_PRINTF(3, 4);
static int fail_with(struct qmp *q, json_object *o, const char *fmt, ...)
{
	struct strbuf m = STRBUF_INIT;
	va_list ap;

	sb_printf(&m, "qmp '%s': ", q->who);
	va_start(ap, fmt);
	if (strbuf_vaddf(&m, fmt, ap))
		die("qmp message");
	va_end(ap);
	sb_puts(&m, "'");
	qmp_excerpt(&m, o);
	sb_puts(&m, "'");
	qmp_fail(q, "%s", m.buf);
	strbuf_release(&m);
	return -1;
}

static int call_until(struct qmp *q, const char *cmd, json_object *args,
		      json_object **ret, struct qmp_error *err, double deadline);

int qmp_handshake(struct qmp *q)
{
	json_object *g = NULL;
	struct qmp_error err;
	double deadline = call_deadline(q, 1);
	int r;

	if (read_message(q, deadline, "greeting", &g, NULL))
		return -1;
	if (!qmp_get(g, "QMP", json_type_object)) {
		fail_with(q, g, "expected a QMP greeting, got ");
		json_object_put(g);
		return -1;
	}
	q->greeting = g;
	r = call_until(q, "qmp_capabilities", NULL, NULL, &err, deadline);
	if (r == QMP_ERR)
		return qmp_fail(q, "qmp '%s': qmp_capabilities failed: %s: %s",
				q->who, err.class_, err.desc);
	return r;
}

static int send_request(struct qmp *q, const char *cmd, json_object *args,
			long id, double deadline)
{
	json_object *m = json_object_new_object();
	const char *s;
	struct strbuf line = STRBUF_INIT;
	int r;

	json_object_object_add(m, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(m, "arguments", json_object_get(args));
	json_object_object_add(m, "id", json_object_new_int64(id));
	s = json_object_to_json_string_ext(
	    m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	record(q, ">", s, strlen(s));
	sb_printf(&line, "%s\n", s);
	r = write_all(q, line.buf, line.len, cmd, deadline);
	strbuf_release(&line);
	json_object_put(m);
	return r;
}

int qmp_send(struct qmp *q, const char *cmd)
{
	return send_request(q, cmd, NULL, q->next_id++, call_deadline(q, 1));
}

static int send_until(struct qmp *q, struct qmp_req *reqs, size_t n,
		      long *first, double deadline)
{
	*first = q->next_id;
	for (size_t i = 0; i < n; i++) {
		reqs[i].status = -1;
		reqs[i].ret = NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (send_request(q, reqs[i].cmd, reqs[i].args, q->next_id++,
				 deadline))
			return -1;
	return 0;
}

int qmp_send_many(struct qmp *q, struct qmp_req *reqs, size_t n, long *first)
{
	return send_until(q, reqs, n, first, call_deadline(q, n));
}

/* QEMU refusing a command because its monitor went back to negotiation. */
static int wants_negotiation(const struct qmp_req *r)
{
	return r->status == QMP_ERR && !strcmp(r->err.class_, "CommandNotFound") &&
	       strstr(r->err.desc, "capabilities negotiation");
}

/* Remembers id, a renegotiation's, whose reply is to be skipped. */
static void stray_add(struct qmp *q, long id)
{
	if (q->nstray == QMP_MAX_STRAY) {
		memmove(q->stray, q->stray + 1, (QMP_MAX_STRAY - 1) * sizeof(*q->stray));
		q->nstray--;
	}
	q->stray[q->nstray++] = id;
}

/* Whether id is a renegotiation's; then it is forgotten. */
static int stray_take(struct qmp *q, long long id)
{
	for (size_t i = 0; i < q->nstray; i++)
		if (q->stray[i] == id) {
			memmove(q->stray + i, q->stray + i + 1,
				(q->nstray - i - 1) * sizeof(*q->stray));
			q->nstray--;
			return 1;
		}
	return 0;
}

/*
 * Reads until each request of reqs still at -1 has its reply, or the
 * deadline. A greeting in mid-session (the peer went back to capabilities
 * negotiation, as QEMU did when it listened and a connection raced its
 * listener's handover, lib/qemuproc.c; a hostile peer may still) is
 * answered with
 * qmp_capabilities and sets *regreeted; *regreets counts them over the
 * whole call, which gives up after QMP_MAX_REGREET.
 */
static int recv_batch(struct qmp *q, struct qmp_req *reqs, size_t n,
		      long first, double deadline, int *regreets,
		      int *regreeted)
{
	size_t pending = 0;

	for (size_t i = 0; i < n; i++)
		pending += reqs[i].status == -1;
	while (pending) {
		json_object *o = NULL, *idv, *v = NULL;
		struct qmp_req *r;
		const char *cmd;
		size_t k, size = 0;
		long long id;

		for (k = 0; k < n && reqs[k].status != -1; k++)
			;
		cmd = k < n ? reqs[k].cmd : "?";
		if (read_message(q, deadline, cmd, &o, &size))
			return -1;
		if (json_object_object_get_ex(o, "event", NULL)) {
			if (!event_name(o)) {
				fail_with(q, o, "event without a name while waiting "
						"for '%s': ",
					  cmd);
				json_object_put(o);
				return -1;
			}
			keep_event(q, o, size);
			continue;
		}
		if (json_object_object_get_ex(o, "QMP", NULL)) {
			if (!qmp_get(o, "QMP", json_type_object)) {
				fail_with(q, o, "malformed greeting while waiting "
						"for '%s': ",
					  cmd);
				json_object_put(o);
				return -1;
			}
			json_object_put(o);
			if (++*regreets > QMP_MAX_REGREET)
				return qmp_fail(q,
						"qmp '%s': QEMU kept restarting "
						"capabilities negotiation (%d greetings "
						"while waiting for '%s')",
						q->who, *regreets, cmd);
			*regreeted = 1;
			stray_add(q, q->next_id);
			if (send_request(q, "qmp_capabilities", NULL, q->next_id++,
					 deadline))
				return -1;
			continue;
		}
		idv = qmp_get(o, "id", json_type_int);
		id = idv ? (long long)json_object_get_int64(idv) : -1;
		if (idv && stray_take(q, id)) {
			json_object_put(o); /* our renegotiation's reply */
			continue;
		}
		if (!idv || id < first || id >= first + (long long)n ||
		    reqs[id - first].status != -1) {
			fail_with(q, o, "reply with an unknown id to '%s': ", cmd);
			json_object_put(o);
			return -1;
		}
		r = &reqs[id - first];
		if (json_object_object_get_ex(o, "return", &v)) {
			r->ret = json_object_get(v);
			r->status = 0;
		} else if (json_object_object_get_ex(o, "error", NULL)) {
			if (fill_error(o, &r->err)) {
				fail_with(q, o, "malformed error in reply to '%s': ",
					  r->cmd);
				json_object_put(o);
				return -1;
			}
			r->status = QMP_ERR;
		} else {
			fail_with(q, o, "reply to '%s' has neither return nor error: ",
				  r->cmd);
			json_object_put(o);
			return -1;
		}
		json_object_put(o);
		pending--;
	}
	return 0;
}

/* All replies to reqs (sent from id first on) by deadline. */
static int recv_until(struct qmp *q, struct qmp_req *reqs, size_t n,
		      long first, double deadline)
{
	int regreets = 0;

	/* Bounded: recv_batch gives up after QMP_MAX_REGREET greetings. */
	for (;;) {
		int regreeted = 0;
		size_t resend = 0;

		if (recv_batch(q, reqs, n, first, deadline, &regreets, &regreeted))
			return -1;
		if (!regreeted)
			return 0;
		/* Resend, in order, what was refused for want of negotiation. */
		for (size_t i = 0; i < n; i++)
			if (wants_negotiation(&reqs[i]))
				resend++;
		if (!resend)
			return 0;
		first = q->next_id;
		for (size_t i = 0; i < n; i++) {
			if (wants_negotiation(&reqs[i])) {
				reqs[i].status = -1;
				if (send_request(q, reqs[i].cmd, reqs[i].args,
						 first + (long)i, deadline))
					return -1;
			}
		}
		q->next_id = first + (long)n;
	}
}

int qmp_recv_many(struct qmp *q, struct qmp_req *reqs, size_t n, long first)
{
	return recv_until(q, reqs, n, first, call_deadline(q, n));
}

int qmp_call_many(struct qmp *q, struct qmp_req *reqs, size_t n)
{
	double deadline = call_deadline(q, n);
	long first;

	if (send_until(q, reqs, n, &first, deadline))
		return -1;
	return recv_until(q, reqs, n, first, deadline);
}

static int call_until(struct qmp *q, const char *cmd, json_object *args,
		      json_object **ret, struct qmp_error *err, double deadline)
{
	struct qmp_req r = {.cmd = cmd, .args = args};
	int status;
	long first;

	if (ret)
		*ret = NULL;
	if (send_until(q, &r, 1, &first, deadline) ||
	    recv_until(q, &r, 1, first, deadline)) {
		qmp_req_release(&r);
		return -1;
	}
	status = r.status;
	if (status == QMP_ERR && err)
		*err = r.err;
	if (status == 0 && ret) {
		*ret = r.ret;
		r.ret = NULL;
	}
	qmp_req_release(&r);
	return status;
}

int qmp_call(struct qmp *q, const char *cmd, json_object *args,
	     json_object **ret, struct qmp_error *err)
{
	return call_until(q, cmd, args, ret, err, call_deadline(q, 1));
}
