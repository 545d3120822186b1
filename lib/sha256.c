/*
 * SHA-256 after FIPS 180-4, written plainly, and with the x86 SHA
 * extensions (SHA-NI) where the CPU has them: QEMU binaries are 10-80
 * MB, and a binary's hash keys its capability record, so the hash is on
 * the path of every first probe. The plain code is about 230 MB/s here,
 * the SHA-NI code several times that. Both are checked against the NIST
 * test vectors in tests/unit/test_sha256.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_CODE 1
#endif

#include "sha256.h"
#include "fs.h"
#include "banned.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress_one(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void compress_plain(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	for (; blocks; blocks--, p += 64)
		compress_one(h, p);
}

#ifdef HAVE_SHA_NI_CODE
/*
 * The same compression with SHA256RNDS2 (two rounds a time) and
 * SHA256MSG1/MSG2 (the message schedule, four words a time). The state
 * lives in two registers as the instructions want it: ABEF and CDGH.
 */
__attribute__((target("sha,ssse3,sse4.1"))) static void
compress_sha_ni(uint32_t h[8], const uint8_t *p, size_t blocks)
{
	/* Byte swap of each 32-bit word: the message is big-endian. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					     0x0405060700010203ULL);
	__m128i abef, cdgh, t;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; blocks; blocks--, p += 64) {
		__m128i save_abef = abef, save_cdgh = cdgh, w[4];

#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i x, k;

			if (g < 4) {
				x = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(p + 16 * g)),
					bswap);
			} else {
				/* w[t-16] + s0(w[t-15]) + w[t-7] + s1(w[t-2]) */
				x = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) & 3],
								     w[(g + 2) & 3], 4));
				x = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
			}
			w[g & 3] = x;
			k = _mm_add_epi32(x, _mm_loadu_si128((const __m128i *)&K[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
						     _mm_shuffle_epi32(k, 0x0e));
		}
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

static int cpu_has_sha_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
	    !(c & bit_SSE4_1))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

static void (*compress)(uint32_t h[8], const uint8_t *p, size_t blocks);
static pthread_once_t compress_once = PTHREAD_ONCE_INIT;
static int force_plain;

static void choose_compress(void)
{
	compress = compress_plain;
#ifdef HAVE_SHA_NI_CODE
	if (!force_plain && cpu_has_sha_ni())
		compress = compress_sha_ni;
#endif
}

int sha256_accelerated(void)
{
	pthread_once(&compress_once, choose_compress);
	return compress != compress_plain;
}

void sha256_force_plain(void)
{
	force_plain = 1;
	compress = compress_plain;
	pthread_once(&compress_once, choose_compress);
}

void sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	pthread_once(&compress_once, choose_compress);
	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
	c->fill = 0;
}

void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->bytes += len;
	if (c->fill) {
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;

		memcpy(c->block + c->fill, p, n);
		c->fill += n, p += n, len -= n;
		if (c->fill < 64)
			return;
		compress(c->h, c->block, 1);
		c->fill = 0;
	}
	if (len >= 64) {
		compress(c->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(c->block, p, len);
	c->fill = len;
}

void sha256_final(struct sha256 *c, uint8_t out[32])
{
	uint64_t bits = c->bytes * 8;
	int i;

	c->block[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->block + c->fill, 0, 64 - c->fill);
		compress(c->h, c->block, 1);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, 56 - c->fill);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress(c->h, c->block, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void sha256_final_hex(struct sha256 *c, char out[SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[32];

	sha256_final(c, d);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final_hex(&c, out);
}

int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1])
{
	uint8_t buf[1 << 16];
	struct sha256 c;
	/* Never waited on: a FIFO is refused, not read. */
	int fd = open_regular_file(path);

	if (fd < 0)
		return -1;
	sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_errno("cannot read '%s'", path);
			close(fd);
			return -1;
		}
		if (!n)
			break;
		sha256_update(&c, buf, (size_t)n);
	}
	close(fd);
	sha256_final_hex(&c, out);
	return 0;
}

int sha256_hex_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return i == SHA256_HEX_LEN;
}
