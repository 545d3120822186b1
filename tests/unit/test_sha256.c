/* SHA-256 against the NIST vectors, streaming, files (lib/sha256.c). */
#include "testutil.h"
#include "sha256.h"

static const struct {
	const char *name, *in, *hex;
} vectors[] = {
	{ "empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "896 bits",
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		char hex[SHA256_HEX_LEN + 1];

		sha256_hex(vectors[i].in, strlen(vectors[i].in), hex);
		if (strcmp(hex, vectors[i].hex))
			fail_msg("%s: got %s", vectors[i].name, hex);
	}
}

static void test_million_a_streamed(void **state)
{
	static const size_t chunks[] = { 1, 3, 63, 64, 65, 1000 };
	char *a = xmalloc(1000000), hex[SHA256_HEX_LEN + 1];

	(void)state;
	memset(a, 'a', 1000000);
	for (size_t c = 0; c < ARRAY_SIZE(chunks); c++) {
		struct sha256 ctx;

		sha256_init(&ctx);
		for (size_t off = 0; off < 1000000; off += chunks[c]) {
			size_t n = 1000000 - off < chunks[c] ? 1000000 - off
							      : chunks[c];
			sha256_update(&ctx, a + off, n);
		}
		sha256_final_hex(&ctx, hex);
		if (strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"))
			fail_msg("chunk %zu: got %s", chunks[c], hex);
	}
	free(a);
}

static void test_file_and_errors(void **state)
{
	char *dir = tu_tmpdir("sha");
	struct strbuf p = STRBUF_INIT;
	char hex[SHA256_HEX_LEN + 1], *msg;

	(void)state;
	tu_write(dir, "f", "abc");
	path_join(&p, dir, "f");
	assert_int_equal(sha256_file(p.buf, hex), 0);
	assert_string_equal(hex, vectors[1].hex);
	path_join(&p, dir, "missing");
	tu_capture_begin();
	assert_int_equal(sha256_file(p.buf, hex), -1);
	msg = tu_capture_end();
	assert_contains(msg, "cannot open", "missing file");
	assert_contains(msg, p.buf, "missing file");
	free(msg);
	/* A FIFO (a domain XML scenario is hashed) fails at once. */
	path_join(&p, dir, "fifo.xml");
	assert_int_equal(mkfifo(p.buf, 0600), 0);
	alarm(10);
	tu_capture_begin();
	assert_int_equal(sha256_file(p.buf, hex), -1);
	msg = tu_capture_end();
	alarm(0);
	assert_contains(msg, "/fifo.xml' is not a regular file", "fifo");
	free(msg);
	assert_true(sha256_hex_valid(vectors[0].hex));
	assert_true(sha256_hex_valid("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
	assert_false(sha256_hex_valid("e3b0"));
	assert_false(sha256_hex_valid("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	strbuf_release(&p);
	tu_rmdir(dir);
}

/*
 * The SHA-NI code (where the CPU has it) and the plain code agree on
 * every length from 0 to 1100 bytes (all tail and padding cases, and
 * runs of many blocks at once), fed whole and in odd pieces. The plain
 * code is checked against NIST above when the CPU has no SHA-NI, and by
 * the second run of the vector tests below when it has.
 */
static void test_accelerated_matches_plain(void **state)
{
	enum { MAX = 1100 };
	unsigned char *buf = xmalloc(MAX);
	char (*fast)[SHA256_HEX_LEN + 1] = xcalloc(MAX + 1, sizeof(*fast));
	char hex[SHA256_HEX_LEN + 1];

	(void)state;
	if (!sha256_accelerated())
		print_message("note: this CPU has no SHA-NI; plain code only\n");
	for (size_t i = 0; i < MAX; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (size_t n = 0; n <= MAX; n++)
		sha256_hex(buf, n, fast[n]);
	sha256_force_plain();
	assert_false(sha256_accelerated());
	for (size_t n = 0; n <= MAX; n++) {
		struct sha256 c;

		sha256_init(&c);
		for (size_t off = 0; off < n; off += 37)
			sha256_update(&c, buf + off, n - off < 37 ? n - off : 37);
		sha256_final_hex(&c, hex);
		if (strcmp(hex, fast[n]))
			fail_msg("length %zu: plain %s, accelerated %s", n, hex,
				 fast[n]);
	}
	free(fast);
	free(buf);
}

int main(void)
{
	/* The vectors run with the CPU's best code, then with the plain. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a_streamed),
		cmocka_unit_test(test_file_and_errors),
		cmocka_unit_test(test_accelerated_matches_plain),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a_streamed),
	};
	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
