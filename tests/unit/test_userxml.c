/*
 * A user's domain XML adopted for one run (runner/userxml.c): what is
 * replaced, inserted and kept, and the documents refused, with the line
 * named. Each input is handed over with no NUL after it, right before
 * an unreadable page, so that reading past its end crashes the test.
 */
#include <sys/mman.h>

#include "testutil.h"
#include "userxml.h"

#define NS " xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\""
#define EMU "<emulator>/opt/q&amp;x/bin/qemu</emulator>"
#define FW "<qemu:arg value=\"-L\"/><qemu:arg value=\"/usr/share/q&amp;fw\"/>"

static const struct {
	const char *name, *in, *out; /* out NULL: rejected, why contains err */
	const char *err;
	int firmware;
	const char *note; /* a note that must be among the notes, or NULL */
	size_t len;	  /* 0: strlen(in) */
} cases[] = {
	{ "name, uuid and emulator replaced; type kept",
	  "<domain type='qemu'><name>web</name><uuid>u-1</uuid>"
	  "<devices><emulator>/usr/bin/kvm</emulator></devices></domain>",
	  "<domain type=\"qemu\"><name>vmx-t</name>"
	  "<devices>" EMU "</devices></domain>\n",
	  NULL, 0, NULL, 0 },
	{ "the uuid goes with its indentation",
	  "<domain type='qemu'>\n  <name>web</name>\n  <uuid>u-1</uuid>\n  <devices/>\n"
	  "</domain>",
	  "<domain type=\"qemu\">\n  <name>vmx-t</name>\n  <devices>" EMU "</devices>\n"
	  "</domain>\n",
	  NULL, 0, NULL, 0 },
	{ "kvm domain run as qemu, with a note",
	  "<domain type=\"kvm\" id='3'><name>a</name><devices/></domain>",
	  "<domain type=\"qemu\" id=\"3\"><name>vmx-t</name>"
	  "<devices>" EMU "</devices></domain>\n",
	  NULL, 0, "domain type 'kvm' run as 'qemu'", 0 },
	{ "name, emulator and devices inserted where missing; comments kept",
	  "<?xml version='1.0'?>\n<!-- <name>not this</name> -->\n"
	  "<domain type='qemu'>\n  <memory>1</memory>\n</domain>\n",
	  "<!-- <name>not this</name> -->\n"
	  "<domain type=\"qemu\"><name>vmx-t</name>\n  <memory>1</memory>\n"
	  "<devices>" EMU "</devices></domain>\n",
	  NULL, 0, NULL, 0 },
	{ "emulator added first in devices; nested names untouched",
	  "<domain type='qemu'><name>n</name><devices><disk><name>d</name></disk>"
	  "</devices><metadata><x:name xmlns:x='u'>m</x:name></metadata></domain>",
	  "<domain type=\"qemu\"><name>vmx-t</name><devices>" EMU
	  "<disk><name>d</name></disk>"
	  "</devices><metadata><x:name xmlns:x=\"u\">m</x:name></metadata></domain>\n",
	  NULL, 0, NULL, 0 },
	{ "attribute values may hold '>' and CDATA may hold tags",
	  "<domain type='qemu'><name>n</name><description><![CDATA[<uuid>x</uuid>]]>"
	  "</description><devices><interface type='user' note='a>b'/></devices></domain>",
	  "<domain type=\"qemu\"><name>vmx-t</name><description><![CDATA[<uuid>x</uuid>]]>"
	  "</description><devices>" EMU
	  "<interface type=\"user\" note=\"a&gt;b\"/></devices></domain>\n",
	  NULL, 0, NULL, 0 },
	{ "a <name> after <devices> is the one replaced",
	  "<domain type='qemu'>\n<devices>\n</devices>\n<name>late</name>\n</domain>",
	  "<domain type=\"qemu\">\n<devices>" EMU "\n</devices>\n"
	  "<name>vmx-t</name>\n</domain>\n",
	  NULL, 0, NULL, 0 },
	{ "an empty <name/> after <devices/> is the one replaced",
	  "<domain><devices/><name/></domain>",
	  "<domain><devices>" EMU "</devices><name>vmx-t</name></domain>\n", NULL, 0,
	  NULL, 0 },
	{ "<domain/> gets all it lacks", "<domain/>",
	  "<domain><name>vmx-t</name><devices>" EMU "</devices></domain>\n", NULL, 0,
	  NULL, 0 },
	{ "firmware through qemu:commandline, namespace declared",
	  "<domain type='qemu'><name>n</name><devices></devices></domain>",
	  "<domain" NS " type=\"qemu\"><name>vmx-t</name><devices>" EMU "</devices>"
	  "<qemu:commandline>" FW "</qemu:commandline></domain>\n",
	  NULL, 1, "firmware directories added", 0 },
	{ "firmware with the namespace already declared",
	  "<domain type='qemu'" NS "><name>n</name><devices></devices></domain>",
	  "<domain" NS " type=\"qemu\"><name>vmx-t</name><devices>" EMU "</devices>"
	  "<qemu:commandline>" FW "</qemu:commandline></domain>\n",
	  NULL, 1, NULL, 0 },
	{ "firmware joins the user's own qemu:commandline",
	  "<domain type='qemu'" NS "><name>n</name><qemu:commandline>"
	  "<qemu:arg value='-S'/></qemu:commandline><devices/></domain>",
	  "<domain" NS " type=\"qemu\"><name>vmx-t</name><qemu:commandline>"
	  "<qemu:arg value=\"-S\"/>" FW "</qemu:commandline><devices>" EMU
	  "</devices></domain>\n",
	  NULL, 1, NULL, 0 },
	{ "a tab in the type is escaped in the note",
	  "<domain type='k&#9;vm'><name>n</name><devices/></domain>",
	  "<domain type=\"qemu\"><name>vmx-t</name><devices>" EMU "</devices></domain>\n",
	  NULL, 0, "domain type 'k\\x09vm' run as 'qemu'", 0 },
	{ "another namespace bound to qemu: ours gets another prefix",
	  "<domain type='qemu' xmlns:qemu='urn:x'><name>n</name></domain>",
	  "<domain xmlns:qemu=\"urn:x\" xmlns:vmxqemu=\"http://libvirt.org/schemas/"
	  "domain/qemu/1.0\" type=\"qemu\"><name>vmx-t</name><devices>" EMU "</devices>"
	  "<vmxqemu:commandline><vmxqemu:arg value=\"-L\"/><vmxqemu:arg "
	  "value=\"/usr/share/q&amp;fw\"/></vmxqemu:commandline></domain>\n",
	  NULL, 1, "firmware directories added", 0 },
	{ "a commandline of libvirt's namespace under another prefix is joined",
	  "<domain type='qemu' xmlns:qemu='urn:x'><name>n</name><devices/>"
	  "<ns0:commandline xmlns:ns0='http://libvirt.org/schemas/domain/qemu/1.0'>"
	  "<ns0:arg value='-S'/></ns0:commandline></domain>",
	  "<domain xmlns:qemu=\"urn:x\" type=\"qemu\"><name>vmx-t</name><devices>" EMU
	  "</devices><ns0:commandline xmlns:ns0=\"http://libvirt.org/schemas/domain/"
	  "qemu/1.0\"><ns0:arg value=\"-S\"/><ns0:arg value=\"-L\"/><ns0:arg "
	  "value=\"/usr/share/q&amp;fw\"/></ns0:commandline></domain>\n",
	  NULL, 1, NULL, 0 },
	{ "two <name> elements",
	  "<domain type='qemu'>\n  <name>a</name>\n  <name>b</name>\n</domain>", NULL,
	  "line 3: a second '<name>' in '<domain>' (the first is on line 2)", 0, NULL,
	  0 },
	{ "two <uuid> elements", "<domain>\n<uuid>a</uuid><uuid>b</uuid></domain>", NULL,
	  "line 2: a second '<uuid>' in '<domain>'", 0, NULL, 0 },
	{ "two <devices> elements",
	  "<domain>\n<devices/>\n<memory>1</memory>\n<devices/></domain>", NULL,
	  "line 4: a second '<devices>' in '<domain>' (the first is on line 2)", 0,
	  NULL, 0 },
	{ "two <emulator> elements",
	  "<domain><devices>\n<emulator>a</emulator>\n<emulator>b</emulator>"
	  "</devices></domain>",
	  NULL, "line 3: a second '<emulator>' in '<devices>' (the first is on line 2)",
	  0, NULL, 0 },
	{ "a tag cut short at the end of the buffer", "<domain><", NULL,
	  "line 1: StartTag: invalid element name", 0, NULL, 0 },
	{ "the fatal error, not the namespace error before it",
	  "<domain>\n<x:a/>\n<", NULL, "line 3: StartTag: invalid element name", 0, NULL,
	  0 },
	{ "a DOCTYPE with an external entity (XXE)",
	  "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n"
	  "<domain><name>&x;</name></domain>",
	  NULL, "a document type declaration ('<!DOCTYPE') is not taken", 0, NULL, 0 },
	{ "an entity that is not defined", "<domain>\n<name>&x;</name></domain>", NULL,
	  "line 2: Entity 'x' not defined", 0, NULL, 0 },
	{ "a NUL byte", "<domain>\0</domain>", NULL, "the file holds a NUL byte", 0,
	  NULL, 18 },
	{ "not closed", "<domain type='qemu'>\n<name>n</name>", NULL,
	  "line 2: Premature end of data in tag domain line 1", 0, NULL, 0 },
	{ "wrong root", "<network><name>n</name></network>", NULL,
	  "the root element is '<network>', not '<domain>'", 0, NULL, 0 },
	{ "a root name outside ASCII is escaped", "<r\xc3\xa9seau/>", NULL,
	  "the root element is '<r\\xc3\\xa9seau>'", 0, NULL, 0 },
	{ "mismatched tags", "<domain>\n<name>n\n</devices></domain>", NULL,
	  "line 3: Opening and ending tag mismatch: name line 2 and devices", 0, NULL,
	  0 },
	{ "open comment", "<domain><!-- x </domain>", NULL,
	  "line 1: Comment not terminated", 0, NULL, 0 },
	{ "empty", "", NULL, "there is no '<domain>' element", 0, NULL, 0 },
	{ "only a comment", "<!-- c -->\n", NULL, "there is no '<domain>' element", 0,
	  NULL, 0 },
};

/* Two pages, the second unreadable: input copied to the end of the first. */
struct guarded {
	char *base;
	size_t page;
};

static void guarded_init(struct guarded *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->base = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->base != MAP_FAILED);
	assert_int_equal(mprotect(g->base + g->page, g->page, PROT_NONE), 0);
}

static const char *guarded_copy(struct guarded *g, const char *s, size_t len)
{
	char *at = g->base + g->page - len;

	assert_true(len <= g->page);
	memcpy(at, s, len);
	return at;
}

static void test_adopt(void **state)
{
	struct strvec fw = STRVEC_INIT;
	struct guarded g;

	(void)state;
	guarded_init(&g);
	strvec_push(&fw, "-L");
	strvec_push(&fw, "/usr/share/q&fw");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct userxml_as as = { "vmx-t", "/opt/q&x/bin/qemu", "qemu",
					 cases[i].firmware ? &fw : NULL };
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int rc = userxml_adopt(guarded_copy(&g, cases[i].in, len), len, &as,
				       &out, &notes, &why);

		if (cases[i].out) {
			if (rc || strcmp(out.buf, cases[i].out))
				fail_msg("case '%s': rc %d, why '%s'\n got  %s\n want %s",
					 cases[i].name, rc, why.buf, out.buf, cases[i].out);
		} else if (!rc || !strstr(why.buf, cases[i].err)) {
			fail_msg("case '%s': rc %d, why '%s', want '%s'", cases[i].name,
				 rc, why.buf, cases[i].err);
		} else if (strchr(why.buf, '\n')) {
			fail_msg("case '%s': why has more than one line: '%s'",
				 cases[i].name, why.buf);
		}
		if (cases[i].note) {
			int found = 0;

			for (size_t k = 0; k < notes.nr; k++)
				found |= !!strstr(notes.v[k], cases[i].note);
			if (!found)
				fail_msg("case '%s': no note '%s'", cases[i].name,
					 cases[i].note);
		}
		strbuf_release(&out);
		strbuf_release(&why);
		strvec_clear(&notes);
	}
	strvec_clear(&fw);
	munmap(g.base, 2 * g.page);
}

/* Larger than USERXML_MAX: refused before parsing, however valid. */
static void test_too_large(void **state)
{
	struct userxml_as as = { "vmx-t", "/opt/q/bin/qemu", "qemu", NULL };
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, why = STRBUF_INIT;
	struct strvec notes = STRVEC_INIT;

	(void)state;
	sb_puts(&in, "<domain><!--");
	while (in.len < USERXML_MAX - 12)
		sb_putc(&in, 'x');
	sb_puts(&in, "--></domain>");
	assert_int_equal(in.len, USERXML_MAX);
	assert_int_equal(userxml_adopt(in.buf, in.len, &as, &out, &notes, &why), 0);
	sb_putc(&in, '\n');
	assert_int_equal(userxml_adopt(in.buf, in.len, &as, &out, &notes, &why), -1);
	assert_contains(why.buf, "the file is larger than 1048576 bytes", "too large");
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&why);
	strvec_clear(&notes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
