#ifndef VM_SHA256_H
#define VM_SHA256_H

/*
 * SHA-256 (FIPS 180-4), streaming. Used for download verification, the
 * download cache's addresses, recipe and patch-set hashes, and binary
 * identities.
 */

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[32]);
/* Final digest as 64 lower-case hex digits plus NUL. */
void sha256_final_hex(struct sha256 *c, char out[SHA256_HEX_LEN + 1]);
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
/*
 * Digest of a regular file's contents (anything else, a FIFO included, is
 * refused without waiting on it); reports and returns -1 on failure.
 */
int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1]) VM_WUR;
/* True if s is exactly 64 hex digits (either case). */
int sha256_hex_valid(const char *s);
/* 1 if the x86 SHA extensions do the work. */
int sha256_accelerated(void);
/* Tests: the plain code from now on, whatever the CPU has. */
void sha256_force_plain(void);

#endif
