#ifndef CORP_IMPORT_H
#define CORP_IMPORT_H

/*
 * libvirt's own test domains into the store (tables corpus_domains and
 * corpus_golden): the input XMLs of tests/qemuxmlconfdata in a libvirt
 * source tarball, those meant for x86_64 (a golden file
 * NAME.x86_64-latest.{args,err} or NAME.x86_64-X.Y.0.{args,err} beside
 * NAME.xml says so), each with its golden files. The tarball is read with
 * libarchive entry by entry, never unpacked to disk, every entry bounded.
 */

#include "store.h"
#include "strbuf.h"
#include "util.h"

struct corp_import_stats {
	int domains;	/* x86_64 domains in the tarball */
	int added;	/* new to the store */
	int changed;	/* the same name with other content: replaced */
	int golden;	/* golden files recorded */
	int skipped;	/* inputs of other architectures only */
};

/*
 * Imports tarball (a libvirt source tarball of version origin) into st in
 * one transaction: on failure the store is unchanged. -1 after reporting
 * (which file, which entry, why).
 */
int corp_import_tarball(struct store *st, const char *tarball, const char *origin,
			struct corp_import_stats *stats) VM_WUR;

/*
 * The source tarball ark fetched for the libvirt install of version
 * (NULL: the newest ark-built libvirt in st) into path, and that version
 * into version. -1 after reporting when there is no such install or its
 * tarball is no longer in ark's download cache (saying how to get it).
 */
int corp_import_find_tarball(struct store *st, const char *want,
			     struct strbuf *path, struct strbuf *version) VM_WUR;

/*
 * libvirt's golden .args text (a shell command: VAR=value lines, then the
 * binary and its arguments, single-quoted where needed, one per line
 * with backslash continuations) as a JSON array of the binary and its
 * arguments (malloc'd), the environment left out. NULL with why set when
 * the text is not in that form (an unterminated quote, nothing but
 * variables).
 */
char *corp_golden_argv_json(const char *text, size_t len, struct strbuf *why);

/*
 * Of a domain's golden QEMU versions (each "latest" or "X.Y.0"), the one
 * nearest the QEMU version qemu: the newest X.Y.0 not newer than qemu
 * (the oldest X.Y.0 when qemu is older than all), "latest" when qemu is
 * newer than every X.Y.0 and "latest" is given, or when no X.Y.0 is.
 * NULL when versions is empty. Borrowed from versions.
 */
const char *corp_golden_nearest(const char *const *versions, size_t n,
				const char *qemu);

#endif
