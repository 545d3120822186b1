#ifndef CORP_IMPORT_H
#define CORP_IMPORT_H

/*
 * libvirt's own test domains into the store (tables corpus_domains and
 * corpus_golden): the input XMLs of a libvirt source tarball that are
 * meant for x86_64, each with its golden files. The tarball is read with
 * libarchive entry by entry, never unpacked to disk, every entry bounded.
 *
 * Where they are, by layout (the directory is flat in both):
 *  - tests/qemuxmlconfdata/ (newer libvirt; seen in 11.3.0): NAME.xml, and
 *    beside it NAME.ARCH-latest.{args,err} (the expected QEMU command line
 *    or error with the capabilities of the newest QEMU libvirt knows) and
 *    NAME.ARCH-X.Y.Z.{args,err} (with those of QEMU X.Y.Z), with variants
 *    NAME.ARCH-latest+VARIANT.args and NAME.ARCH-latest.abi-update.args
 *    and the output XMLs NAME.ARCH-latest.xml;
 *  - tests/qemuxml2argvdata/ (older libvirt; seen in 7.0.0, 9.0.0): the same
 *    names for the tests run with a real QEMU's capabilities, and besides
 *    them NAME.args / NAME.err, the tests run with capability flags
 *    libvirt's test sets by hand: no QEMU version and no architecture
 *    (the XML's own, the test data does not say), so not golden for any
 *    QEMU and not taken. A domain that has only those is not imported.
 * A domain is x86_64 when at least one golden file
 * NAME.x86_64-latest.{args,err} or NAME.x86_64-X.Y.Z.{args,err} is beside
 * NAME.xml; those, and only those, are its golden files (X.Y.Z is X.Y.0
 * but for 1.5.3 in libvirt 7.0.0). Variants, .abi-update files and output
 * XMLs are left out, and so are golden files with no NAME.xml. An entry
 * that is a symbolic (or hard) link to a file of its own directory is
 * that file (libvirt's tarballs hold 100 to 160 such: an input or a
 * golden file two tests share); a link elsewhere is left out.
 *
 * "latest" is, in libvirt's tests (testutilsqemu.c), the newest QEMU
 * version of the architecture with capabilities in
 * tests/qemucapabilitiesdata/: caps_X.Y.Z_x86_64.xml (caps_X.Y.Z.x86_64.xml
 * in older libvirt), variants (caps_10.0.0_x86_64+amdsev.xml) aside. The
 * import notes those names too and keeps that version per origin (table
 * corpus_origins): 10.0.0 for libvirt 11.3.0, 8.0.0 for 9.0.0, 5.2.0 for
 * 7.0.0.
 *
 * import.c imports; golden.c reads golden files once imported.
 */

#include "store.h"
#include "strbuf.h"
#include "util.h"

/* The longest QEMU version in a golden or capabilities file's name, and NUL. */
#define CORP_QEMU_NAME_MAX 32

struct corp_import_stats {
	int domains;	/* x86_64 domains in the tarball */
	int added;	/* new to the store */
	int changed;	/* the same name with other content: replaced */
	int golden;	/* golden files of those domains, now in the store */
	int skipped;	/* inputs that are not x86_64 domains... */
	int untold;	/* ...of them, those whose architecture the layout
			 * does not tell (only NAME.args / NAME.err, or no
			 * golden file at all); the rest have golden files of
			 * other architectures or variants only */
	int toolarge;	/* entries over CORP_IMPORT_ENTRY_MAX, left out */
	/* the QEMU version "latest" is for x86_64; "": the tarball has no
	 * x86_64 capabilities */
	char latest_qemu[CORP_QEMU_NAME_MAX];
};

/* The largest input XML or golden file taken (USERXML_MAX), in bytes. */
#define CORP_IMPORT_ENTRY_MAX (1 << 20)


/*
 * Imports tarball (a libvirt source tarball of version origin) into st in
 * one transaction, after the whole tarball was read: on failure the store
 * is unchanged. Domains are keyed by (origin, NAME); file is the input's
 * path in the source tree ("tests/qemuxmlconfdata/NAME.xml"). Importing
 * an origin again leaves a domain with the same XML, file and golden files
 * as it is; one that differs is updated in place (the same id, so that
 * corpus_runs still refer to it) and its golden files replaced. Domains no
 * longer in the tarball are kept. The origin's "latest" QEMU version is
 * recorded (replaced) in the same transaction. An input or golden entry larger
 * than CORP_IMPORT_ENTRY_MAX, holding a NUL byte or not a regular file is left
 * out with a warning naming it (as if absent). stats is filled on
 * success. -1 after reporting (which file, which entry, why): an archive
 * libarchive cannot read to its end, one with neither data directory, an
 * entry twice, a domain in both directories, a store error.
 */
int corp_import_tarball(struct store *st, const char *tarball, const char *origin,
			struct corp_import_stats *stats) VM_WUR;

/*
 * The source tarball ark built the libvirt install of version want from
 * (NULL: the newest ark-built libvirt in st; "imported" installs have no
 * source) into path (reset first), and that version into version (reset
 * first). The install records the tarball's sha256 and URL: a file://
 * source (ark build --source) is taken where it is, else the copy in
 * ark's download cache (paths_cache_dir(): <cache>/downloads/<sha256>/),
 * whose sha256 is checked. -1 after reporting when there is no such
 * install, it is not ark-built, or its tarball is gone or differs (saying
 * which ark command gets it back).
 */
int corp_import_find_tarball(struct store *st, const char *want,
			     struct strbuf *path, struct strbuf *version) VM_WUR;

/*
 * libvirt's golden .args text (a shell command: VAR=value words, then the
 * binary and its arguments, single-quoted where needed, an option and its
 * value on one line, lines joined by backslash-newline) as a JSON array
 * of the binary and its arguments (malloc'd), the environment left out.
 * libvirt's tests wrap long arguments at 80 columns, inside quotes too,
 * and read the files with every backslash-newline removed
 * (tests/testutils.c, virTestLoadFile): so does this, unlike a shell.
 * NULL with why set (one line, with its line number) when the text is not
 * in that form: an unterminated quote, a NUL byte, a character libvirt
 * always quotes (virBufferEscapeShell) outside quotes, a second command,
 * nothing but variables.
 */
char *corp_golden_argv_json(const char *text, size_t len, struct strbuf *why);

/*
 * Of a domain's golden QEMU versions (each "latest" or "X.Y.Z"), the one
 * nearest the QEMU version qemu (lib/version.h order): the newest X.Y.Z
 * not newer than qemu (the oldest X.Y.Z when qemu is older than all),
 * "latest" when qemu is newer than every X.Y.Z and "latest" is given, or
 * when no X.Y.Z is. latest_version is the version "latest" stands for
 * (its origin's, corpus_origins.latest_qemu), or NULL when unknown: when
 * it is a version, "latest" is chosen as that X.Y.Z would be (an X.Y.Z
 * file of the same version is preferred to it), so that QEMU 10.0.2 with
 * 9.1.0 and "latest" = 10.0.0 gets "latest", and QEMU 9.2.0 gets 9.1.0.
 * A qemu that is not a version counts as newer than all; entries that are
 * neither "latest" nor a version are ignored. NULL when versions holds
 * none to choose. Borrowed from versions.
 */
const char *corp_golden_nearest(const char *const *versions, size_t n,
				const char *qemu, const char *latest_version);

#endif
