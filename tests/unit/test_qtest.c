/*
 * The qtest client (lib/qtest.c) against a scripted peer: the replies a
 * QEMU sends (system/qtest.c's formats: "OK 0x%04x" for in*, "OK
 * 0x%016x" for readw and readl, "OK 0x<hex>" for read, "FAIL ...",
 * asynchronous "IRQ raise N" lines) are written into the other end of a
 * socketpair before the call, and what the client sent is read back from it. Malformed, oversized, cut and
 * missing replies must each fail with a message naming the binary and
 * the request.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include "testutil.h"
#include "qtest.h"

enum op { OP_READ, OP_INB, OP_INW, OP_INL, OP_OUTB, OP_OUTW, OP_OUTL, OP_READW,
	  OP_READL, OP_WRITEW, OP_WRITEL };

struct qt_case {
	const char *name;
	enum op op;
	uint64_t addr; /* or port */
	size_t len;    /* read: bytes; out: the value */
	size_t gen;	    /* the peer first sends "OK 0x" and gen "ab" pairs */
	const char *script; /* then this */
	int close_after;    /* the peer closes after its script */
	int rc;
	const char *expect; /* read: the bytes in hex; in: the value in hex */
	const char *sent;   /* the request lines */
	const char *err;    /* in the message when rc is -1 */
};

static const struct qt_case cases[] = {
	{ "read", OP_READ, 0xe0000, 4, 0, "OK 0xdeadbeef\n", 0, 0, "deadbeef",
	  "read 0xe0000 0x4\n", NULL },
	{ "read after IRQ lines", OP_READ, 0x1000, 4, 0,
	  "IRQ raise 4\nIRQ lower 4\nOK 0x01020304\n", 0, 0, "01020304",
	  "read 0x1000 0x4\n", NULL },
	{ "read upper-case hex", OP_READ, 0x1000, 2, 0, "OK 0xABcd\n", 0, 0, "abcd",
	  "read 0x1000 0x2\n", NULL },
	{ "read FAIL", OP_READ, 0x1000, 4, 0, "FAIL Unknown command 'read'\n", 0, -1,
	  NULL, "read 0x1000 0x4\n",
	  "qtest 'test-qemu': 'read 0x1000 0x4' failed: 'FAIL Unknown command 'read''" },
	{ "read ERR", OP_READ, 0x1000, 4, 0, "ERR invalid argument size\n", 0, -1, NULL,
	  NULL, "'read 0x1000 0x4' failed: 'ERR invalid argument size'" },
	{ "read short", OP_READ, 0x1000, 4, 0, "OK 0x0102\n", 0, -1, NULL, NULL,
	  "reply to 'read 0x1000 0x4' is not 4 bytes in hex: 'OK 0x0102'" },
	{ "read bad digit", OP_READ, 0x1000, 4, 0, "OK 0x01zz0304\n", 0, -1, NULL,
	  NULL, "is not 4 bytes in hex: 'OK 0x01zz0304'" },
	{ "read without 0x", OP_READ, 0x1000, 4, 0, "OK 0001020304\n", 0, -1, NULL,
	  NULL, "is not 4 bytes in hex" },
	{ "read too long", OP_READ, 0x1000, 2, 200, "\n", 0, -1, NULL, NULL,
	  "reply to 'read 0x1000 0x2' is longer than 256 bytes: 'OK 0xabab" },
	{ "read cut by close", OP_READ, 0x1000, 4, 0, "OK 0x01", 1, -1, NULL, NULL,
	  "QEMU closed the qtest connection before it replied to 'read 0x1000 0x4'" },
	{ "read no reply", OP_READ, 0x1000, 4, 0, "", 0, -1, NULL, NULL,
	  "qtest 'test-qemu': no reply to 'read 0x1000 0x4' within 0.3s" },
	{ "read binary junk", OP_READ, 0x1000, 1, 0, "\x1b[2J\n", 0, -1, NULL, NULL,
	  "unexpected reply to 'read 0x1000 0x1': '\\x1b[2J'" },
	{ "read split in two", OP_READ, 0x1000, 65537, QTEST_MAX_READ,
	  "\nOK 0xcd\n", 0, 0, NULL,
	  "read 0x1000 0x10000\nread 0x11000 0x1\n", NULL },
	{ "inb", OP_INB, 0x511, 0, 0, "OK 0x0051\n", 0, 0, "51", "inb 0x511\n", NULL },
	{ "inb too wide", OP_INB, 0x511, 0, 0, "OK 0x01ab\n", 0, -1, NULL, NULL,
	  "reply to 'inb 0x511' is not a 8-bit value: 'OK 0x01ab'" },
	{ "inw", OP_INW, 0x510, 0, 0, "OK 0xbeef\n", 0, 0, "beef", "inw 0x510\n", NULL },
	{ "inw not hex", OP_INW, 0x510, 0, 0, "OK hello\n", 0, -1, NULL, NULL,
	  "is not a 16-bit value: 'OK hello'" },
	{ "inl", OP_INL, 0xcfc, 0, 0, "OK 0x29c08086\n", 0, 0, "29c08086", "inl 0xcfc\n",
	  NULL },
	{ "inl nine digits", OP_INL, 0xcfc, 0, 0, "OK 0x129c08086\n", 0, -1, NULL, NULL,
	  "is not a 32-bit value" },
	{ "inl empty OK", OP_INL, 0xcfc, 0, 0, "OK\n", 0, -1, NULL, NULL,
	  "is not a 32-bit value: 'OK '" },
	{ "outw", OP_OUTW, 0x510, 0x19, 0, "OK\n", 0, 0, NULL, "outw 0x510 0x19\n", NULL },
	{ "outl after IRQ", OP_OUTL, 0xcf8, 0x80000000, 0, "IRQ raise 0\nOK\n", 0, 0,
	  NULL, "outl 0xcf8 0x80000000\n", NULL },
	{ "outb garbage", OP_OUTB, 0x80, 1, 0, "hello\n", 0, -1, NULL, NULL,
	  "unexpected reply to 'outb 0x80 0x1': 'hello'" },
	{ "readl", OP_READL, 0xfebd4004, 0, 0, "OK 0x0000000039000001\n", 0, 0,
	  "39000001", "readl 0xfebd4004\n", NULL },
	{ "readl above 4G", OP_READL, 0x380000000004ULL, 0, 0,
	  "IRQ raise 11\nOK 0x0000000000000001\n", 0, 0, "00000001",
	  "readl 0x380000000004\n", NULL },
	{ "readl too wide", OP_READL, 0xfebd4004, 0, 0, "OK 0x0000000100000000\n",
	  0, -1, NULL, NULL,
	  "reply to 'readl 0xfebd4004' is not a 32-bit value: 'OK 0x0000000100000000'" },
	{ "readl seventeen digits", OP_READL, 0x1000, 0, 0,
	  "OK 0x00000000000000001\n", 0, -1, NULL, NULL, "is not a 32-bit value" },
	{ "readl not hex", OP_READL, 0x1000, 0, 0, "OK 0xfeg0\n", 0, -1, NULL, NULL,
	  "is not a 32-bit value: 'OK 0xfeg0'" },
	{ "readl FAIL", OP_READL, 0x1000, 0, 0, "FAIL Unknown command 'readl'\n", 0,
	  -1, NULL, "readl 0x1000\n", "'readl 0x1000' failed" },
	{ "readl no reply", OP_READL, 0x1000, 0, 0, "", 0, -1, NULL, NULL,
	  "no reply to 'readl 0x1000' within 0.3s" },
	{ "readw", OP_READW, 0xfebd4012, 0, 0, "OK 0x0000000000000003\n", 0, 0,
	  "0003", "readw 0xfebd4012\n", NULL },
	{ "readw too wide", OP_READW, 0xfebd4012, 0, 0, "OK 0x0000000000010000\n",
	  0, -1, NULL, NULL,
	  "reply to 'readw 0xfebd4012' is not a 16-bit value" },
	{ "writew", OP_WRITEW, 0xfebd4016, 2, 0, "OK\n", 0, 0, NULL,
	  "writew 0xfebd4016 0x2\n", NULL },
	{ "writel", OP_WRITEL, 0xfebd4000, 1, 0, "OK\n", 0, 0, NULL,
	  "writel 0xfebd4000 0x1\n", NULL },
	{ "writel cut by close", OP_WRITEL, 0xfebd4000, 0, 0, "O", 1, -1, NULL, NULL,
	  "closed the qtest connection before it replied to 'writel 0xfebd4000 0x0'" },
	{ "outb endless IRQ lines", OP_OUTB, 0x80, 1, 0,
	  "IRQ raise 1\nIRQ lower 1\nIRQ raise 1\n", 0, -1, NULL, NULL,
	  "no reply to 'outb 0x80 0x1' within 0.3s" },
};

/* The script, from a child: it may not fit in a socket buffer. */
static void script(int fd, const struct qt_case *k)
{
	struct strbuf s = STRBUF_INIT;

	if (k->gen)
		sb_puts(&s, "OK 0x");
	for (size_t i = 0; i < k->gen; i++)
		sb_puts(&s, "ab");
	sb_puts(&s, k->script);
	/*
	 * Written whole before the request goes out: the peer's reply is
	 * there however late this process runs (a writer of its own, on a
	 * loaded machine, could start after the 0.3 s deadline). It fits in
	 * the socket's buffer, or the test says so.
	 */
	{
		size_t off = 0;
		int sndbuf = 1 << 20;

		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		while (off < s.len) {
			ssize_t n = send(fd, s.buf + off, s.len - off, MSG_DONTWAIT);

			if (n <= 0)
				fail_msg("%s: the script (%zu bytes) does not fit in the "
					 "socket's buffer", k->name, s.len);
			off += (size_t)n;
		}
	}
	if (k->close_after)
		shutdown(fd, SHUT_WR);
	strbuf_release(&s);
}

static void hex(struct strbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(out, "%02x", p[i]);
}

static void test_scripted_replies(void **state)
{
	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct qt_case *k = &cases[c];
		struct strbuf got = STRBUF_INIT, sent = STRBUF_INIT;
		unsigned char *buf = xcalloc(k->len + 1, 1);
		struct qtest t;
		int sv[2], rc = -2;
		uint8_t b;
		uint16_t w;
		uint32_t l;
		char chunk[4096];
		ssize_t n;

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		qtest_init_fd(&t, sv[0], "test-qemu", 0.3);
		t.quiet = 1;
		script(sv[1], k);
		switch (k->op) {
		case OP_READ:
			rc = qtest_memread(&t, k->addr, buf, k->len);
			if (!rc)
				hex(&got, buf, k->len < 8 ? k->len : 0);
			break;
		case OP_INB:
			rc = qtest_inb(&t, (uint16_t)k->addr, &b);
			if (!rc)
				sb_printf(&got, "%02x", b);
			break;
		case OP_INW:
			rc = qtest_inw(&t, (uint16_t)k->addr, &w);
			if (!rc)
				sb_printf(&got, "%04x", w);
			break;
		case OP_INL:
			rc = qtest_inl(&t, (uint16_t)k->addr, &l);
			if (!rc)
				sb_printf(&got, "%08x", l);
			break;
		case OP_OUTB:
			rc = qtest_outb(&t, (uint16_t)k->addr, (uint8_t)k->len);
			break;
		case OP_OUTW:
			rc = qtest_outw(&t, (uint16_t)k->addr, (uint16_t)k->len);
			break;
		case OP_OUTL:
			rc = qtest_outl(&t, (uint16_t)k->addr, (uint32_t)k->len);
			break;
		case OP_READL:
			rc = qtest_readl(&t, k->addr, &l);
			if (!rc)
				sb_printf(&got, "%08x", l);
			break;
		case OP_READW:
			rc = qtest_readw(&t, k->addr, &w);
			if (!rc)
				sb_printf(&got, "%04x", w);
			break;
		case OP_WRITEW:
			rc = qtest_writew(&t, k->addr, (uint16_t)k->len);
			break;
		case OP_WRITEL:
			rc = qtest_writel(&t, k->addr, (uint32_t)k->len);
			break;
		}
		if (rc != k->rc)
			fail_msg("%s: returned %d, expected %d (%s)", k->name, rc,
				 k->rc, t.errmsg);
		if (k->rc && !strstr(t.errmsg, k->err))
			fail_msg("%s: message '%s' lacks '%s'", k->name, t.errmsg,
				 k->err);
		if (k->rc && !strstr(t.errmsg, "'test-qemu'"))
			fail_msg("%s: message '%s' does not name the binary",
				 k->name, t.errmsg);
		if (!k->rc && k->expect && strcmp(got.buf, k->expect))
			fail_msg("%s: got '%s', expected '%s'", k->name, got.buf,
				 k->expect);
		if (!k->rc && k->gen && (buf[0] != 0xab ||
					      buf[QTEST_MAX_READ - 1] != 0xab ||
					      buf[QTEST_MAX_READ] != 0xcd))
			fail_msg("%s: the two halves are not where they belong",
				 k->name);
		while ((n = recv(sv[1], chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
			sb_printf(&sent, "%.*s", (int)n, chunk);
		if (k->sent && strcmp(sent.buf, k->sent))
			fail_msg("%s: sent '%s', expected '%s'", k->name, sent.buf,
				 k->sent);
		/* After a late, cut or long reply the session is over. */
		if (k->rc && (strstr(k->err, "within") || strstr(k->err, "closed") ||
			      strstr(k->err, "longer")) != (t.fd < 0))
			fail_msg("%s: session %s", k->name,
				 t.fd < 0 ? "ended" : "still open");
		if (t.fd < 0 && qtest_outb(&t, 0x80, 0) != -1)
			fail_msg("%s: a call after the end succeeded", k->name);
		qtest_stop(&t);
		assert_int_equal(t.fd, -1);
		close(sv[1]);
		while (wait(NULL) > 0)
			;
		free(buf);
		strbuf_release(&got);
		strbuf_release(&sent);
	}
}

static void test_parse_hex(void **state)
{
	unsigned char b[3];

	(void)state;
	assert_int_equal(qtest_parse_hex("0x00ff7f", 8, b, 3), 0);
	assert_memory_equal(b, "\x00\xff\x7f", 3);
	assert_int_equal(qtest_parse_hex("0x00ff7", 7, b, 3), -1);
	assert_int_equal(qtest_parse_hex("0x00ff7f00", 10, b, 3), -1);
	assert_int_equal(qtest_parse_hex("1x00ff7f", 8, b, 3), -1);
	assert_int_equal(qtest_parse_hex("0x00f 7f", 8, b, 3), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripted_replies),
		cmocka_unit_test(test_parse_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
