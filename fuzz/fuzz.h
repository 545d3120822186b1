#ifndef VM_FUZZ_H
#define VM_FUZZ_H

/*
 * Helpers shared by the libFuzzer harnesses (fuzz/fuzz_*.c): the input
 * as a C string, a private temporary directory for parsers that read
 * files, and a check that turns a broken contract into a crash the
 * fuzzer keeps. Header-only so that each harness is one file; the list
 * of harnesses and their input sizes is fuzz/harnesses.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "fs.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken contract: the message goes where the sanitizers report,
 * which stays open when the runs close the harness's stderr
 * (-close_fd_mask=2, fuzz/run.sh), and libFuzzer saves the input.
 */
__attribute__((noreturn, format(printf, 1, 2))) static inline void
fuzz_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__sanitizer_report_error_summary(msg);
	abort();
}

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond))                                              \
			fuzz_fail("%s:%d: check failed: %s", __FILE__,    \
				  __LINE__, #cond);                       \
	} while (0)

/*
 * The input as a NUL-terminated copy (malloc'd), or NULL when it holds a
 * NUL byte: the spec files are read with data_file_read(), which refuses
 * those, so a parser of text never sees one.
 */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size))
		return NULL;
	return xstrndup((const char *)data, size);
}

static char *fuzz_dir_path;

static inline void fuzz_dir_remove(void)
{
	if (fuzz_dir_path && remove_tree(fuzz_dir_path))
		fprintf(stderr, "fuzz: cannot remove '%s'\n", fuzz_dir_path);
	free(fuzz_dir_path);
	fuzz_dir_path = NULL;
}

/*
 * This process's own directory under $TMPDIR (or /tmp), made on first
 * use and removed at exit: "<tmp>/vm-fuzz-<tag>-XXXXXX".
 */
static inline const char *fuzz_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	struct strbuf sb = STRBUF_INIT;

	if (fuzz_dir_path)
		return fuzz_dir_path;
	sb_printf(&sb, "%s/vm-fuzz-%s-XXXXXX", base && *base ? base : "/tmp",
		  tag);
	if (!mkdtemp(sb.buf)) {
		fprintf(stderr, "fuzz: mkdtemp '%s': %s\n", sb.buf,
			strerror(errno));
		abort();
	}
	fuzz_dir_path = strbuf_detach(&sb);
	atexit(fuzz_dir_remove);
	return fuzz_dir_path;
}

/* Writes data to path (replacing it); aborts when it cannot. */
static inline void fuzz_write(const char *path, const uint8_t *data,
			      size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
		fprintf(stderr, "fuzz: cannot write '%s': %s\n", path,
			strerror(errno));
		abort();
	}
}

#endif
