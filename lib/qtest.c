/*
 * The qtest protocol client (see qtest.h): QEMU started with a qtest
 * chardev it connects to, requests sent one at a time, replies read line
 * by line with a bound and a deadline. Reading guest memory and doing
 * port I/O is all matrix/guestview.c needs; the clock and IRQ requests
 * of the protocol are not used (under TCG the guest runs on its own).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qtest.h"
#include "fs.h"
#include "banned.h"

static int qtest_fail(struct qtest *t, const char *fmt, ...) VM_PRINTF(2, 3);
static int qtest_fail(struct qtest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->errmsg, sizeof(t->errmsg), fmt, ap);
	va_end(ap);
	if (!t->quiet)
		error("%s", t->errmsg);
	return -1;
}

static void qtest_clear(struct qtest *t, const char *who, double timeout)
{
	memset(t, 0, sizeof(*t));
	t->binary = who;
	t->listen_fd = -1;
	t->fd = -1;
	t->timeout = timeout;
	t->proc.qmp.fd = -1;
	t->proc.listen_fd = -1;
	strbuf_init(&t->in, 0);
}

void qtest_init_fd(struct qtest *t, int fd, const char *who, double timeout)
{
	qtest_clear(t, who, timeout);
	t->fd = fd;
}

int qtest_start(struct qtest *t, const char *binary, const char *machine,
		const char *const *args, double timeout)
{
	return qtest_start_in(t, NULL, binary, machine, args, timeout);
}

int qtest_start_in(struct qtest *t, struct zygote *z, const char *binary,
		   const char *machine, const char *const *args, double timeout)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf s = STRBUF_INIT;
	char *tmpl = temp_template("qtest");
	int ret = -1;

	qtest_clear(t, binary, timeout);
	if (!mkdtemp(tmpl)) {
		error_errno("cannot create a directory '%s' for '%s'", tmpl, binary);
		free(tmpl);
		return -1;
	}
	t->dir = tmpl;
	sb_printf(&s, "%s/qtest.sock", t->dir);
	t->sock = strbuf_detach(&s);
	t->listen_fd = qemu_listen(t->sock, "qtest", binary);
	if (t->listen_fd < 0)
		goto out;

	strvec_pushv(&argv, (const char *const[]){ "-machine", machine,
						   "-accel", "tcg", "-qtest",
						   NULL });
	strvec_pushf(&argv, "unix:%s", t->sock);
	strvec_pushv(&argv, (const char *const[]){ "-qtest-log", "/dev/null",
						   NULL });
	if (args)
		strvec_pushv(&argv, args);
	/* Set first: a spawn that fails leaves its command to release. */
	t->started = 1;
	if (qemu_proc_spawn_in(&t->proc, z, binary, argv.v))
		goto out;
	if (qemu_proc_attach(&t->proc, timeout, 0))
		goto out;
	t->fd = qemu_accept(&t->proc.cmd, &t->listen_fd, "qtest", "qtest",
			    binary, t->sock, timeout, t->errmsg,
			    sizeof(t->errmsg), 0);
	if (t->fd < 0)
		goto out;
	ret = 0;
out:
	strvec_clear(&argv);
	if (ret)
		qtest_stop(t);
	return ret;
}

void qtest_stop(struct qtest *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->started) {
		/* Stops QEMU if an attach that failed has not already. */
		qemu_proc_stop(&t->proc);
		command_release(&t->proc.cmd);
		t->started = 0;
	}
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	t->listen_fd = -1;
	if (t->dir && remove_tree(t->dir))
		warning("cannot remove '%s'", t->dir);
	free(t->dir);
	free(t->sock);
	t->dir = t->sock = NULL;
	strbuf_release(&t->in);
}

static int write_request(struct qtest *t, const char *req, double deadline)
{
	struct strbuf line = STRBUF_INIT;
	size_t off = 0;
	int ret = 0;

	sb_printf(&line, "%s\n", req);
	while (off < line.len) {
		struct pollfd p = { t->fd, POLLOUT, 0 };
		int ms = (int)((deadline - now_monotonic()) * 1000);
		ssize_t n;

		if (ms <= 0) {
			ret = qtest_fail(t, "qtest '%s': '%s': cannot send within "
					 "%.1fs", t->binary, req, t->timeout);
			break;
		}
		if (poll(&p, 1, ms) < 0 && errno != EINTR) {
			ret = qtest_fail(t, "qtest '%s': poll: %s", t->binary,
					 strerror(errno));
			break;
		}
		n = send(t->fd, line.buf + off, line.len - off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			ret = qtest_fail(t, "qtest '%s': '%s': cannot send: %s",
					 t->binary, req, strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	strbuf_release(&line);
	return ret;
}

/*
 * The next line (without its newline) into line, at most max bytes,
 * before deadline: 0, or -1 reported.
 */
static int read_line(struct qtest *t, const char *req, size_t max,
		     double deadline, struct strbuf *line)
{
	for (;;) {
		char *nl = memchr(t->in.buf, '\n', t->in.len);
		struct pollfd p = { t->fd, POLLIN, 0 };
		char chunk[65536];
		size_t want;
		ssize_t n;
		int ms;

		if (nl && (size_t)(nl - t->in.buf) <= max) {
			size_t len = (size_t)(nl - t->in.buf);

			strbuf_reset(line);
			if (strbuf_add(line, t->in.buf, len))
				return qtest_fail(t, "qtest '%s': out of memory",
						  t->binary);
			memmove(t->in.buf, nl + 1, t->in.len - len - 1);
			strbuf_setlen(&t->in, t->in.len - len - 1);
			return 0;
		}
		if (nl || t->in.len > max) {
			struct strbuf ex = STRBUF_INIT;

			qmp_excerpt_text(&ex, t->in.buf, t->in.len);
			qtest_fail(t, "qtest '%s': reply to '%s' is longer than "
				   "%zu bytes: '%s'", t->binary, req, max, ex.buf);
			strbuf_release(&ex);
			return -1;
		}
		ms = (int)((deadline - now_monotonic()) * 1000);
		if (ms <= 0)
			return qtest_fail(t, "qtest '%s': no reply to '%s' within "
					  "%.1fs", t->binary, req, t->timeout);
		if (poll(&p, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			return qtest_fail(t, "qtest '%s': poll: %s", t->binary,
					  strerror(errno));
		}
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		/* No more than the line may still need, plus its newline. */
		want = max + 1 - t->in.len;
		if (want > sizeof(chunk))
			want = sizeof(chunk);
		n = read(t->fd, chunk, want);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return qtest_fail(t, "qtest '%s': '%s': cannot read: %s",
					  t->binary, req, strerror(errno));
		if (n == 0)
			return qtest_fail(t, "qtest '%s': QEMU closed the qtest "
					  "connection before it replied to '%s'",
					  t->binary, req);
		if (strbuf_add(&t->in, chunk, (size_t)n))
			return qtest_fail(t, "qtest '%s': out of memory",
					  t->binary);
	}
}

int qtest_request(struct qtest *t, const char *req, size_t max,
		  struct strbuf *value)
{
	double deadline = now_monotonic() + t->timeout;
	struct strbuf line = STRBUF_INIT, ex = STRBUF_INIT;
	const char *rest;
	int ret = -1;

	if (!max)
		max = QTEST_MAX_LINE;
	if (t->fd < 0)
		return qtest_fail(t, "qtest '%s': '%s': no connection", t->binary,
				  req);
	if (write_request(t, req, deadline))
		goto broken;
	for (;;) {
		if (read_line(t, req, max, deadline, &line))
			goto broken;
		/* Asynchronous: interrupts the guest raised or lowered. */
		if (!skip_prefix(line.buf, "IRQ ", &rest))
			break;
	}
	if (!strcmp(line.buf, "OK") || skip_prefix(line.buf, "OK ", &rest)) {
		if (value) {
			strbuf_reset(value);
			if (!strcmp(line.buf, "OK"))
				rest = "";
			sb_puts(value, rest);
		}
		ret = 0;
		goto out;
	}
	qmp_excerpt_text(&ex, line.buf, line.len);
	if (skip_prefix(line.buf, "FAIL", &rest) || skip_prefix(line.buf, "ERR", &rest))
		qtest_fail(t, "qtest '%s': '%s' failed: '%s'", t->binary, req, ex.buf);
	else
		qtest_fail(t, "qtest '%s': unexpected reply to '%s': '%s'",
			   t->binary, req, ex.buf);
out:
	strbuf_release(&line);
	strbuf_release(&ex);
	return ret;
broken:
	/*
	 * A reply that is late, cut or too long may still arrive and would
	 * pass for the reply to the next request: the session ends here.
	 */
	close(t->fd);
	t->fd = -1;
	strbuf_reset(&t->in);
	goto out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int qtest_parse_hex(const char *s, size_t slen, unsigned char *buf, size_t len)
{
	if (slen != 2 + 2 * len || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -1;
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int qtest_memread(struct qtest *t, uint64_t addr, void *buf, size_t len)
{
	struct strbuf value = STRBUF_INIT, ex = STRBUF_INIT;
	unsigned char *out = buf;
	int ret = 0;

	while (len && !ret) {
		size_t n = len < QTEST_MAX_READ ? len : QTEST_MAX_READ;
		char req[64];

		snprintf(req, sizeof(req), "read 0x%" PRIx64 " 0x%zx", addr, n);
		/* "OK 0x" and the digits, or a "FAIL" of the usual bound. */
		ret = qtest_request(t, req, 2 * n + 8 > QTEST_MAX_LINE ? 2 * n + 8
								: QTEST_MAX_LINE,
				    &value);
		if (ret)
			break;
		if (qtest_parse_hex(value.buf, value.len, out, n)) {
			strbuf_reset(&ex);
			qmp_excerpt_text(&ex, value.buf, value.len);
			ret = qtest_fail(t, "qtest '%s': reply to '%s' is not "
					 "%zu bytes in hex: 'OK %s'", t->binary,
					 req, n, ex.buf);
		}
		addr += n;
		out += n;
		len -= n;
	}
	strbuf_release(&value);
	strbuf_release(&ex);
	return ret;
}

/*
 * The value of an "OK 0x..." reply v to req: hex digits only, at most
 * digits of them, at most max. -1 reported otherwise.
 */
static int reply_value(struct qtest *t, const char *req, const struct strbuf *v,
		       size_t digits, uint32_t max, uint32_t *value)
{
	struct strbuf ex = STRBUF_INIT;
	unsigned long long n = 0;
	int ret;

	if (v->len < 3 || v->len > 2 + digits || v->buf[0] != '0' ||
	    v->buf[1] != 'x')
		goto bad;
	for (size_t i = 2; i < v->len; i++) {
		int d = hexval(v->buf[i]);

		if (d < 0)
			goto bad;
		n = n << 4 | (unsigned)d;
	}
	if (n > max)
		goto bad;
	*value = (uint32_t)n;
	return 0;
bad:
	qmp_excerpt_text(&ex, v->buf, v->len);
	ret = qtest_fail(t, "qtest '%s': reply to '%s' is not a %u-bit value: "
			 "'OK %s'", t->binary, req,
			 max == 0xff ? 8 : max == 0xffff ? 16 : 32, ex.buf);
	strbuf_release(&ex);
	return ret;
}

/*
 * A request whose reply is "OK 0x<value>" (in*, read*): at most digits
 * hex digits, the value at most max (the access's width).
 */
static int value_request(struct qtest *t, const char *req, size_t digits,
			 uint32_t max, uint32_t *value)
{
	struct strbuf v = STRBUF_INIT;
	int ret = qtest_request(t, req, 0, &v);

	if (!ret)
		ret = reply_value(t, req, &v, digits, max, value);
	strbuf_release(&v);
	return ret;
}

static int port_in(struct qtest *t, char width, uint16_t port, uint32_t max,
		   uint32_t *value)
{
	char req[32];

	snprintf(req, sizeof(req), "in%c 0x%x", width, port);
	/* "0x%04x": at most 8 digits. */
	return value_request(t, req, 8, max, value);
}

int qtest_inb(struct qtest *t, uint16_t port, uint8_t *value)
{
	uint32_t v;

	if (port_in(t, 'b', port, 0xff, &v))
		return -1;
	*value = (uint8_t)v;
	return 0;
}

int qtest_inw(struct qtest *t, uint16_t port, uint16_t *value)
{
	uint32_t v;

	if (port_in(t, 'w', port, 0xffff, &v))
		return -1;
	*value = (uint16_t)v;
	return 0;
}

int qtest_inl(struct qtest *t, uint16_t port, uint32_t *value)
{
	return port_in(t, 'l', port, 0xffffffffu, value);
}

static int port_out(struct qtest *t, char width, uint16_t port, uint32_t value)
{
	char req[48];

	snprintf(req, sizeof(req), "out%c 0x%x 0x%x", width, port, value);
	return qtest_request(t, req, 0, NULL);
}

int qtest_outb(struct qtest *t, uint16_t port, uint8_t value)
{
	return port_out(t, 'b', port, value);
}

int qtest_outw(struct qtest *t, uint16_t port, uint16_t value)
{
	return port_out(t, 'w', port, value);
}

int qtest_outl(struct qtest *t, uint16_t port, uint32_t value)
{
	return port_out(t, 'l', port, value);
}

static int mem_read(struct qtest *t, char width, uint64_t addr, uint32_t max,
		    uint32_t *value)
{
	char req[48];

	snprintf(req, sizeof(req), "read%c 0x%" PRIx64, width, addr);
	/* "0x%016" PRIx64: at most 16 digits, the value within the width. */
	return value_request(t, req, 16, max, value);
}

int qtest_readw(struct qtest *t, uint64_t addr, uint16_t *value)
{
	uint32_t v;

	if (mem_read(t, 'w', addr, 0xffff, &v))
		return -1;
	*value = (uint16_t)v;
	return 0;
}

int qtest_readl(struct qtest *t, uint64_t addr, uint32_t *value)
{
	return mem_read(t, 'l', addr, 0xffffffffu, value);
}

static int mem_write(struct qtest *t, char width, uint64_t addr, uint32_t value)
{
	char req[64];

	snprintf(req, sizeof(req), "write%c 0x%" PRIx64 " 0x%x", width, addr,
		 value);
	return qtest_request(t, req, 0, NULL);
}

int qtest_writew(struct qtest *t, uint64_t addr, uint16_t value)
{
	return mem_write(t, 'w', addr, value);
}

int qtest_writel(struct qtest *t, uint64_t addr, uint32_t value)
{
	return mem_write(t, 'l', addr, value);
}
