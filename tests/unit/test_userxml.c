/* A user's domain XML adopted for one run (runner/userxml.c). */
#include "testutil.h"
#include "userxml.h"

#define NS " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"
#define FW "<qemu:commandline><qemu:arg value='-L'/>" \
	   "<qemu:arg value='/usr/share/q&amp;fw'/></qemu:commandline>"

static const struct {
	const char *name, *in, *out; /* out NULL: rejected, why contains err */
	const char *err;
	int firmware;
	const char *note; /* a note that must be among the notes, or NULL */
} cases[] = {
	{ "name, uuid and emulator replaced; type kept",
	  "<domain type='qemu'><name>web</name><uuid>u-1</uuid>"
	  "<devices><emulator>/usr/bin/kvm</emulator></devices></domain>",
	  "<domain type='qemu'><name>vmx-t</name>"
	  "<devices><emulator>/opt/q&amp;x/bin/qemu</emulator></devices></domain>",
	  NULL, 0, NULL },
	{ "kvm domain run as qemu, with a note",
	  "<domain type=\"kvm\" id='3'><name>a</name><devices/></domain>",
	  "<domain type=\"qemu\" id='3'><name>vmx-t</name>"
	  "<devices><emulator>/opt/q&amp;x/bin/qemu</emulator></devices></domain>",
	  NULL, 0, "domain type 'kvm' run as 'qemu'" },
	{ "name, emulator and devices inserted where missing",
	  "<?xml version='1.0'?>\n<!-- <name>not this</name> -->\n"
	  "<domain type='qemu'><memory>1</memory></domain>\n",
	  "<?xml version='1.0'?>\n<!-- <name>not this</name> -->\n"
	  "<domain type='qemu'><name>vmx-t</name><memory>1</memory>"
	  "<devices><emulator>/opt/q&amp;x/bin/qemu</emulator></devices></domain>\n",
	  NULL, 0, NULL },
	{ "emulator added first in devices; nested names untouched",
	  "<domain type='qemu'><name>n</name><devices><disk><name>d</name></disk>"
	  "</devices><metadata><x:name xmlns:x='u'>m</x:name></metadata></domain>",
	  "<domain type='qemu'><name>vmx-t</name><devices>"
	  "<emulator>/opt/q&amp;x/bin/qemu</emulator><disk><name>d</name></disk>"
	  "</devices><metadata><x:name xmlns:x='u'>m</x:name></metadata></domain>",
	  NULL, 0, NULL },
	{ "attribute values may hold '>' and CDATA may hold tags",
	  "<domain type='qemu'><name>n</name><description><![CDATA[<uuid>x</uuid>]]>"
	  "</description><devices><interface type='user' note='a>b'/></devices></domain>",
	  "<domain type='qemu'><name>vmx-t</name><description><![CDATA[<uuid>x</uuid>]]>"
	  "</description><devices><emulator>/opt/q&amp;x/bin/qemu</emulator>"
	  "<interface type='user' note='a>b'/></devices></domain>",
	  NULL, 0, NULL },
	{ "firmware through qemu:commandline, namespace declared",
	  "<domain type='qemu'><name>n</name><devices></devices></domain>",
	  "<domain type='qemu'" NS "><name>vmx-t</name><devices>"
	  "<emulator>/opt/q&amp;x/bin/qemu</emulator></devices>" FW "</domain>",
	  NULL, 1, "firmware directories added" },
	{ "firmware with the namespace already declared",
	  "<domain type='qemu'" NS "><name>n</name><devices></devices></domain>",
	  "<domain type='qemu'" NS "><name>vmx-t</name><devices>"
	  "<emulator>/opt/q&amp;x/bin/qemu</emulator></devices>" FW "</domain>",
	  NULL, 1, NULL },
	{ "another namespace bound to qemu:",
	  "<domain type='qemu' xmlns:qemu='urn:x'><name>n</name></domain>", NULL,
	  "another namespace", 1, NULL },
	{ "not closed", "<domain type='qemu'>\n<name>n</name>", NULL,
	  "'<domain>' opened on line 1 is not closed", 0, NULL },
	{ "wrong root", "<network><name>n</name></network>", NULL,
	  "the root element is '<network>'", 0, NULL },
	{ "mismatched tags", "<domain>\n<name>n\n</devices></domain>", NULL,
	  "'</devices>' on line 3 closes '<name>'", 0, NULL },
	{ "open comment", "<domain><!-- x </domain>", NULL, "comment is not closed",
	  0, NULL },
	{ "empty", "", NULL, "there is no '<domain>' element", 0, NULL },
};

static void test_adopt(void **state)
{
	struct strvec fw = STRVEC_INIT;

	(void)state;
	strvec_push(&fw, "-L");
	strvec_push(&fw, "/usr/share/q&fw");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct userxml_as as = { "vmx-t", "/opt/q&x/bin/qemu", "qemu",
					 cases[i].firmware ? &fw : NULL };
		struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
		struct strvec notes = STRVEC_INIT;
		int rc = userxml_adopt(cases[i].in, strlen(cases[i].in), &as, &out,
				       &notes, &why);

		if (cases[i].out) {
			if (rc || strcmp(out.buf, cases[i].out))
				fail_msg("case '%s': rc %d, why '%s'\n got  %s\n want %s",
					 cases[i].name, rc, why.buf, out.buf, cases[i].out);
		} else if (!rc || !strstr(why.buf, cases[i].err)) {
			fail_msg("case '%s': rc %d, why '%s', want '%s'", cases[i].name,
				 rc, why.buf, cases[i].err);
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adopt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
