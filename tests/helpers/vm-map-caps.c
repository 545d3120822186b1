/*
 * Writes what the mapper knows of each probed QEMU in a store (struct
 * map_caps, from map_caps_load) to DIR/<version>.caps, for the mapper's
 * unit tests. make record-mapper-caps runs it on the default store.
 *
 *   vm-map-caps DB DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "fs.h"
#include "mapper.h"
#include "store.h"

int main(int argc, char **argv)
{
	struct store st;
	sqlite3_stmt *q = NULL;
	int ret = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: vm-map-caps DB DIR\n");
		return 129;
	}
	if (store_open(&st, argv[1]) ||
	    store_prepare(&st, &q, "SELECT id, version FROM binaries WHERE status = 'complete'"))
		return 1;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct map_caps c;
		struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;

		if (map_caps_load(&st, sqlite3_column_int64(q, 0), &c)) {
			ret = 1;
			continue;
		}
		sb_printf(&text, "# map_caps of QEMU %s, from its probe record\n", c.version);
		map_caps_format(&c, &text);
		sb_printf(&path, "%s/%s.caps", argv[2], c.version);
		if (write_file_atomic(path.buf, text.buf, text.len))
			ret = 1;
		else
			printf("wrote %s\n", path.buf);
		strbuf_release(&text);
		strbuf_release(&path);
	}
	sqlite3_finalize(q);
	store_close(&st);
	return ret;
}
