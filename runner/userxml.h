#ifndef RUN_USERXML_H
#define RUN_USERXML_H

/*
 * A scenario given as the user's own libvirt domain XML (a .xml file in
 * place of a DTS .cfg). For each run it is adopted, and otherwise left
 * as written: the domain gets the run's own name, loses its uuid (so
 * runs never clash with each other or with the user's domain), has the
 * QEMU under test as <emulator>, and the type of domain the accelerator
 * usable here allows, and the distribution's firmware directories (ark's
 * builds carry none) as <qemu:commandline> arguments, as generated
 * domains get them. The document goes through libxml2's tree, so what
 * libvirt gets is the same XML, though not always the same bytes
 * (userxml.c). libvirt then accepts or rejects it, and its own error
 * message is the result.
 */

#include "strbuf.h"

struct userxml_as {
	const char *name;     /* the domain name for this run */
	const char *emulator; /* the QEMU under test */
	const char *virttype; /* "qemu" or "kvm"; NULL leaves it */
	/* QEMU args added through <qemu:commandline> (the -L firmware dirs
	 * ark's builds lack), with a note; NULL or empty adds none. */
	const struct strvec *qemu_args;
};

/* The largest domain XML taken, in bytes. */
#define USERXML_MAX (1 << 20)

/*
 * The adopted document of xml[0..len) into out (reset first), with a
 * note for each change the user would not expect (the domain type). -1
 * with why set (one line, with the line number where there is one) when
 * xml is larger than USERXML_MAX, is not well-formed, has a document
 * type declaration, has no <domain> root, or has two of an element
 * adopting replaces (<name>, <uuid>, <devices>, <emulator>); libvirt
 * checks the rest.
 */
int userxml_adopt(const char *xml, size_t len, const struct userxml_as *as,
		  struct strbuf *out, struct strvec *notes, struct strbuf *why) VM_WUR;

#endif
