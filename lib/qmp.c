/*
 * QMP over a stream socket with json-c. QEMU writes one JSON object per
 * line; lines are split with a size cap and parsed one by one. Waits use
 * poll() with a deadline; nothing here blocks without a timeout.
 */
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
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
		json_object_put(q->events[i]);
	free(q->events);
	q->events = NULL;
	q->nevents = q->aevents = 0;
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

static int write_all(struct qmp *q, const char *buf, size_t len,
		     const char *cmd)
{
	double deadline = now_monotonic() + q->timeout;

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
			json_object **out)
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
				qmp_fail(q,
					 "qmp '%s': garbage in reply to '%s': "
					 "'%.200s'",
					 q->who, cmd, line);
				json_object_put(o);
				return -1;
			}
			q->start = q->scanned = (size_t)(nl + 1 - q->in.buf);
			*out = o;
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

static void keep_event(struct qmp *q, json_object *o)
{
	ALLOC_GROW(q->events, q->nevents + 1, q->aevents);
	q->events[q->nevents++] = o;
}

void qmp_drain_events(struct qmp *q, double timeout)
{
	double deadline = now_monotonic() + timeout;
	int quiet = q->quiet;

	q->quiet = 1;
	while (q->fd >= 0) {
		json_object *o = NULL, *ev;

		if (read_message(q, deadline, "(events)", &o))
			break;
		if (json_object_object_get_ex(o, "event", &ev))
			keep_event(q, o);
		else
			json_object_put(o);
	}
	q->quiet = quiet;
}

json_object *qmp_find_event(const struct qmp *q, const char *name)
{
	for (size_t i = 0; i < q->nevents; i++) {
		json_object *ev;

		if (json_object_object_get_ex(q->events[i], "event", &ev) &&
		    !strcmp(json_object_get_string(ev), name))
			return q->events[i];
	}
	return NULL;
}

static void fill_error(json_object *o, struct qmp_error *err)
{
	json_object *e = NULL, *c = NULL, *d = NULL;

	if (!err)
		return;
	err->class_[0] = err->desc[0] = '\0';
	if (json_object_object_get_ex(o, "error", &e)) {
		if (json_object_object_get_ex(e, "class", &c))
			snprintf(err->class_, sizeof(err->class_), "%s",
				 json_object_get_string(c));
		if (json_object_object_get_ex(e, "desc", &d))
			snprintf(err->desc, sizeof(err->desc), "%s",
				 json_object_get_string(d));
	}
}

int qmp_handshake(struct qmp *q)
{
	json_object *g = NULL, *ver = NULL;
	struct qmp_error err;
	int r;

	if (read_message(q, now_monotonic() + q->timeout, "greeting", &g))
		return -1;
	if (!json_object_object_get_ex(g, "QMP", &ver)) {
		qmp_fail(q, "qmp '%s': expected a QMP greeting, got '%.200s'",
			 q->who, json_object_to_json_string(g));
		json_object_put(g);
		return -1;
	}
	q->greeting = g;
	r = qmp_call(q, "qmp_capabilities", NULL, NULL, &err);
	if (r == QMP_ERR)
		return qmp_fail(q, "qmp '%s': qmp_capabilities failed: %s: %s",
				q->who, err.class_, err.desc);
	return r;
}

static int send_request(struct qmp *q, const char *cmd, json_object *args,
			long id)
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
	r = write_all(q, line.buf, line.len, cmd);
	strbuf_release(&line);
	json_object_put(m);
	return r;
}

int qmp_send(struct qmp *q, const char *cmd)
{
	return send_request(q, cmd, NULL, q->next_id++);
}

int qmp_send_many(struct qmp *q, struct qmp_req *reqs, size_t n, long *first)
{
	*first = q->next_id;
	for (size_t i = 0; i < n; i++) {
		reqs[i].status = -1;
		reqs[i].ret = NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (send_request(q, reqs[i].cmd, reqs[i].args, q->next_id++))
			return -1;
	return 0;
}

/* QEMU refusing a command because its monitor went back to negotiation. */
static int wants_negotiation(const struct qmp_req *r)
{
	return r->status == QMP_ERR && !strcmp(r->err.class_, "CommandNotFound") &&
	       strstr(r->err.desc, "capabilities negotiation");
}

static int recv_batch(struct qmp *q, struct qmp_req *reqs, size_t n,
		      long first, int *regreeted)
{
	size_t pending = 0;
	double deadline = now_monotonic() + q->timeout + (double)n * 0.01;

	for (size_t i = 0; i < n; i++)
		pending += reqs[i].status == -1;
	while (pending) {
		json_object *o = NULL, *idv = NULL, *v = NULL;
		size_t k;
		long id;

		for (k = 0; k < n && reqs[k].status != -1; k++)
			;
		if (read_message(q, deadline, k < n ? reqs[k].cmd : "?", &o))
			return -1;
		if (json_object_object_get_ex(o, "event", NULL)) {
			keep_event(q, o);
			continue;
		}
		if (json_object_object_get_ex(o, "QMP", NULL)) {
			/*
			 * A second greeting: QEMU's monitor saw the connection
			 * open again and went back to capabilities negotiation.
			 * Negotiate again; what it refused meanwhile is resent.
			 */
			json_object_put(o);
			*regreeted = 1;
			q->stray_id = q->next_id;
			if (send_request(q, "qmp_capabilities", NULL, q->next_id++))
				return -1;
			continue;
		}
		id = json_object_object_get_ex(o, "id", &idv)
			     ? (long)json_object_get_int64(idv)
			     : -1;
		if (q->stray_id > 0 && id == q->stray_id) {
			json_object_put(o); /* our renegotiation's reply */
			q->stray_id = 0;
			continue;
		}
		if (id < first || id >= first + (long)n ||
		    reqs[id - first].status != -1) {
			qmp_fail(q, "qmp '%s': reply with an unknown id: '%.200s'",
				 q->who, json_object_to_json_string(o));
			json_object_put(o);
			return -1;
		}
		if (json_object_object_get_ex(o, "return", &v)) {
			reqs[id - first].ret = json_object_get(v);
			reqs[id - first].status = 0;
		} else if (json_object_object_get_ex(o, "error", NULL)) {
			fill_error(o, &reqs[id - first].err);
			reqs[id - first].status = QMP_ERR;
		} else {
			qmp_fail(q,
				 "qmp '%s': reply to '%s' has neither return "
				 "nor error: '%.200s'",
				 q->who, reqs[id - first].cmd,
				 json_object_to_json_string(o));
			json_object_put(o);
			return -1;
		}
		json_object_put(o);
		pending--;
	}
	return 0;
}

int qmp_recv_many(struct qmp *q, struct qmp_req *reqs, size_t n, long first)
{
	for (int round = 0; round < 3; round++) {
		int regreeted = 0;
		size_t resend = 0;

		if (recv_batch(q, reqs, n, first, &regreeted))
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
						 first + (long)i))
					return -1;
			}
		}
		q->next_id = first + (long)n;
	}
	return qmp_fail(q, "qmp '%s': QEMU kept restarting capabilities "
			   "negotiation",
			q->who);
}

int qmp_call_many(struct qmp *q, struct qmp_req *reqs, size_t n)
{
	long first;

	if (qmp_send_many(q, reqs, n, &first))
		return -1;
	return qmp_recv_many(q, reqs, n, first);
}

int qmp_call(struct qmp *q, const char *cmd, json_object *args,
	     json_object **ret, struct qmp_error *err)
{
	struct qmp_req r = {.cmd = cmd, .args = args};
	int status;

	if (ret)
		*ret = NULL;
	if (qmp_call_many(q, &r, 1)) {
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

int qmp_connect_unix(const char *path, double timeout, int (*alive)(void *),
		     void *ctx, const char *who)
{
	struct sockaddr_un sa;
	double deadline = now_monotonic() + timeout;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return error("qmp '%s': socket path too long: '%s'", who, path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct timespec ts = {0, 2 * 1000 * 1000};

		if (fd < 0)
			return error_errno("qmp '%s': socket", who);
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		close(fd);
		if (errno != ENOENT && errno != ECONNREFUSED)
			return error_errno("qmp '%s': cannot connect to '%s'",
					   who, path);
		if (alive && !alive(ctx))
			return error("qmp '%s': QEMU exited before its QMP "
				     "socket accepted connections",
				     who);
		if (now_monotonic() > deadline)
			return error("qmp '%s': no QMP socket at '%s' after "
				     "%.1fs",
				     who, path, timeout);
		nanosleep(&ts, NULL);
	}
}
