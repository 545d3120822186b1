/*
 * Fuzz harness "accel": the input is what a guest printed on the debug
 * console during the accelerator check (QEMU's stdout, any bytes), fed
 * to accel_last_output() (matrix/accel.c), which picks the line that the
 * check's verdict quotes.
 */
#include "fuzz.h"
#include "accel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char last[ACCEL_LAST_MAX], small[8];
	char *buf = xmalloc(size + 1);

	/* As command.c captures it: terminated after len bytes. */
	memcpy(buf, data, size);
	buf[size] = '\0';
	accel_last_output(buf, size, last, sizeof(last));
	FUZZ_CHECK(strlen(last) > 0 && strlen(last) <= 200);
	FUZZ_CHECK(!strchr(last, '\n'));
	accel_last_output(buf, size, small, sizeof(small));
	FUZZ_CHECK(!strncmp(small, last, strlen(small)));
	free(buf);
	return 0;
}
