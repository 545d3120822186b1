/*
 * The static vmstate check (matrix/vmstatecheck.h) on real dumps: the
 * -dump-vmstate of QEMU 5.2.0, 7.2.0, Debian's 7.2.22, 10.0.2 and
 * 10.2.2 cut down to a few sections (tests/data/vmstate/, README there),
 * compared pair by pair with the findings QEMU's
 * scripts/vmstate-static-checker.py prints for the same pairs; then one
 * change at a time made to a real section (a version raised, a
 * subsection dropped, a size changed), the renames file and its
 * mistakes, and dumps that are not what QEMU writes.
 */
#include <json-c/json.h>

#include "testutil.h"
#include "vmstatecheck.h"

#define DATA "tests/data/vmstate/qemu-"
#define RENAMES "specs/vmstate-renames"

static void load(const char *version, struct vmstate_dump *d)
{
	struct strbuf p = STRBUF_INIT;

	sb_printf(&p, DATA "%s.json", version);
	if (vmstate_dump_load(p.buf, d))
		fail_msg("cannot load %s", p.buf);
	strbuf_release(&p);
}

static void load_renames(struct vmstate_renames *r)
{
	if (vmstate_renames_load(RENAMES, r))
		fail_msg("cannot load " RENAMES);
}

/* One line per finding: "SEVERITY PROBLEM [SECTION] [PATH] MESSAGE\n". */
static char *lines(const struct vmstate_findings *f)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->nr; i++)
		sb_printf(&sb, "%s %s [%s] [%s] %s\n",
			  vmstate_severity_to_string(f->v[i].severity),
			  vmstate_problem_to_string(f->v[i].problem), f->v[i].section,
			  f->v[i].path, f->v[i].message);
	return strbuf_detach(&sb);
}

static void assert_lines(const char *name, const char *got, const char *want)
{
	if (strcmp(got, want))
		fail_msg("%s: got\n%s\nwant\n%s", name, got, want);
}

/* How often the rename of that kind, scope and old name matched. */
static size_t uses(const struct vmstate_renames *r, const struct vmstate_findings *f,
		   enum vmstate_rename_kind kind, const char *scope, const char *old_name)
{
	for (size_t i = 0; i < r->nr; i++)
		if (r->v[i].kind == kind && !strcmp(r->v[i].old_name, old_name) &&
		    (!scope || !strcmp(r->v[i].scope, scope)))
			return f->rename_uses[i];
	fail_msg("no %s rename of '%s'", vmstate_rename_kind_to_string(kind), old_name);
	return 0;
}

/*
 * Real pairs. The messages are the lines the script prints for the same
 * files when its table is specs/vmstate-renames (checked with a copy of
 * the script given that table), but for the
 * sd-card/ext_csd_modes-state of 10.2.2 (see check_subsections).
 */
static const struct pair_case {
	const char *src, *dst, *summary, *want;
} pairs[] = {
	/*
	 * sd-card's wp_groups and pckbd's pending would stop the walk
	 * here but for the renames the script lacks (specs/vmstate-renames).
	 */
	{ "5.2.0", "7.2.0", "3 errors, 0 warnings",
	  "error section-missing [tpm-crb] [] Section \"tpm-crb\" does not exist in dest\n"
	  "error field-mismatch [am53c974] [esp] Section \"am53c974\", Description "
	  "\"pciespscsi\": expected field \"esp\", got \"esp.mig_version_id\"; skipping rest\n"
	  "error minimum-version [virtio-iommu-device] [] Section \"virtio-iommu-device\" "
	  "Description \"virtio-iommu\": minimum version error: 1 < 2\n" },
	/* Backwards, where the versions and subsections break. */
	{ "7.2.0", "5.2.0", "6 errors, 0 warnings",
	  "error subsection-missing [i8042] [kbd/[pckbd/extended_state]] Section \"i8042\", "
	  "Description \"pckbd\": Subsection \"pckbd/extended_state\" not found\n"
	  "error version [am53c974] [] Section \"am53c974\" version error: 2 > 1\n"
	  "error version [am53c974] [] Section \"am53c974\" Description \"pciespscsi\": "
	  "version error: 2 > 1\n"
	  "error field-mismatch [am53c974] [esp.mig_version_id] Section \"am53c974\", "
	  "Description \"pciespscsi\": expected field \"esp.mig_version_id\", got \"esp\"; "
	  "skipping rest\n"
	  "error version [virtio-iommu-device] [] Section \"virtio-iommu-device\" version "
	  "error: 2 > 1\n"
	  "error version [virtio-iommu-device] [] Section \"virtio-iommu-device\" "
	  "Description \"virtio-iommu\": version error: 2 > 1\n" },
	/* The ark build of 7.2.0 lacks the TPM devices Debian's has. */
	{ "7.2.0", "7.2.22", "clean", "" },
	{ "7.2.22", "7.2.0", "1 error, 0 warnings",
	  "error section-missing [tpm-crb] [] Section \"tpm-crb\" does not exist in dest\n" },
	/*
	 * e1000e: 10.0 has "unused" bytes where 7.2 has arrays, which 7.2's
	 * dump (no "num") shows as one element: a false alarm the script
	 * raises too.
	 */
	{ "7.2.22", "10.0.2", "4 errors, 0 warnings",
	  "error section-missing [tpm-crb] [] Section \"tpm-crb\" does not exist in dest\n"
	  "error field-mismatch [e1000e] [core.eitr_guest_value] Section \"e1000e\", "
	  "Description \"e1000e\": expected field \"core.eitr_guest_value\", got "
	  "\"core.itr_guest_value\"; skipping rest\n"
	  "error field-mismatch [am53c974] [esp/data_in_ready] Section \"am53c974\", "
	  "Description \"esp\": expected field \"data_in_ready\", got \"data_ready\"; "
	  "skipping rest\n"
	  "error entry-missing [am53c974] [esp] Section \"am53c974\" Description \"esp\": "
	  "Entry \"Subsections\" missing\n" },
	{ "10.0.2", "7.2.22", "5 errors, 0 warnings",
	  "error field-mismatch [e1000e] [core.itr_guest_value] Section \"e1000e\", "
	  "Description \"e1000e\": expected field \"core.itr_guest_value\", got "
	  "\"core.eitr_guest_value\"; skipping rest\n"
	  "error subsection-missing [acpi-ged] [[acpi-ged/cpuhp]] Section \"acpi-ged\", "
	  "Description \"acpi-ged\": Subsection \"acpi-ged/cpuhp\" not found\n"
	  "error subsection-missing [sd-card] [[sd-card/ext_csd_modes-state]] Section "
	  "\"sd-card\", Description \"sd-card\": Subsection \"sd-card/ext_csd_modes-state\" "
	  "not found\n"
	  "error version [am53c974] [esp] Section \"am53c974\" Description \"esp\": "
	  "version error: 7 > 6\n"
	  "error field-mismatch [am53c974] [esp/data_ready] Section \"am53c974\", "
	  "Description \"esp\": expected field \"data_ready\", got \"data_in_ready\"; "
	  "skipping rest\n" },
	/*
	 * 10.2.2's sd-card has two subsections named
	 * sd-card/ext_csd_modes-state; hpet's num_timers_save lost its
	 * field version (QEMU commit 6e85cfe44c, which raised the minimum).
	 */
	{ "10.0.2", "10.2.2", "1 error, 1 warning",
	  "warning subsection-twice [sd-card] [[sd-card/ext_csd_modes-state]] Section "
	  "\"sd-card\", Description \"sd-card\": Subsection \"sd-card/ext_csd_modes-state\" "
	  "is in dest 2 times; only the first can be loaded\n"
	  "error version [hpet] [num_timers_save] Section \"hpet\" Description \"hpet\": "
	  "version error: 2 > 0\n" },
	{ "10.2.2", "10.0.2", "5 errors, 0 warnings",
	  "error subsection-missing [acpi-ged] [[acpi-ged/pcihp]] Section \"acpi-ged\", "
	  "Description \"acpi-ged\": Subsection \"acpi-ged/pcihp\" not found\n"
	  "error subsection-missing [acpi-ged] [[acpi-ged/hest]] Section \"acpi-ged\", "
	  "Description \"acpi-ged\": Subsection \"acpi-ged/hest\" not found\n"
	  "error field-mismatch [sd-card] [[sd-card/ext_csd_modes-state]/rpmb.result.key_mac] "
	  "Section \"sd-card\", Description \"sd-card/ext_csd_modes-state\": expected field "
	  "\"rpmb.result.key_mac\", got \"ext_csd_rw\"; skipping rest\n"
	  "error version [am53c974] [esp] Section \"am53c974\" Description \"esp\": "
	  "version error: 8 > 7\n"
	  "error fields-end [am53c974] [esp/asc_mode] Section \"am53c974\", Description "
	  "\"esp\": expected field \"asc_mode\", while dest has no further fields\n" },
};

static void test_real_pairs(void **state)
{
	struct vmstate_renames r;

	(void)state;
	load_renames(&r);
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct pair_case *c = &pairs[i];
		struct vmstate_dump a, b;
		struct vmstate_findings f;
		struct strbuf sum = STRBUF_INIT;
		size_t errors = 0;
		char *got;

		load(c->src, &a);
		load(c->dst, &b);
		vmstate_check(&a, &b, &r, &f);
		got = lines(&f);
		if (strcmp(got, c->want))
			fail_msg("%s -> %s: got\n%s\nwant\n%s", c->src, c->dst, got, c->want);
		if (strcmp(vmstate_findings_summary(&f, &sum), c->summary))
			fail_msg("%s -> %s: summary '%s', want '%s'", c->src, c->dst, sum.buf,
				 c->summary);
		for (size_t k = 0; k < f.nr; k++)
			errors += f.v[k].severity == VMSTATE_ERROR;
		assert_int_equal(errors, f.errors);
		assert_int_equal(f.nr - errors, f.warnings);
		free(got);
		strbuf_release(&sum);
		vmstate_findings_release(&f);
		vmstate_dump_release(&a);
		vmstate_dump_release(&b);
	}
	vmstate_renames_release(&r);
}

/* Every dump compared with itself: nothing but 10.2.2's twin subsections. */
static void test_self(void **state)
{
	static const char *const versions[] = { "5.2.0", "7.2.0", "7.2.22", "10.0.2",
						"10.2.2" };
	struct vmstate_renames r;

	(void)state;
	load_renames(&r);
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
		struct vmstate_dump d;
		struct vmstate_findings f;

		load(versions[i], &d);
		vmstate_check(&d, &d, &r, &f);
		if (strcmp(versions[i], "10.2.2")) {
			if (f.nr)
				fail_msg("%s with itself: %s", versions[i], f.v[0].message);
		} else {
			/* Both ext_csd subsections seen twice; the second loads into the first. */
			assert_int_equal(f.warnings, 2);
			assert_int_equal(f.errors, 1);
			assert_int_equal(f.v[2].problem, VMSTATE_FIELD_MISMATCH);
		}
		vmstate_findings_release(&f);
		vmstate_dump_release(&d);
	}
	vmstate_renames_release(&r);
}

/*
 * A description whose minimum version is above its own version cannot
 * be loaded even by its own binary: the check says so for a dump
 * against itself (found by the fuzzer, whose harness had assumed a dump
 * always matches itself; fuzz/crashes/ keeps the input).
 */
static void test_self_minimum(void **state)
{
	char *text = tu_read("fuzz/crashes/vmstatecheck-self-minimum-above-version");
	struct vmstate_dump d;
	struct vmstate_findings f;
	char *got;

	(void)state;
	assert_int_equal(vmstate_dump_parse("self.json", text, strlen(text), &d), 0);
	vmstate_check(&d, &d, NULL, &f);
	got = lines(&f);
	assert_lines("minimum above version", got,
		     "error minimum-version [x] [] Section \"x\" Description \"x\": "
		     "minimum version error: 0 < 1\n");
	free(got);
	free(text);
	vmstate_findings_release(&f);
	vmstate_dump_release(&d);
}

/* ---- one change to a real dump ---- */

/* The member at path ("hpet/Description/Fields/0"), or a failed test. */
static json_object *at(json_object *o, const char *path)
{
	struct strvec steps = STRVEC_INIT;
	struct strbuf w = STRBUF_INIT;

	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");

		strbuf_reset(&w);
		sb_printf(&w, "%.*s", (int)n, p);
		strvec_push(&steps, w.buf);
		p += n + (p[n] == '/');
	}
	for (size_t i = 0; i < steps.nr; i++) {
		const char *s = steps.v[i];
		long k;

		if (json_object_is_type(o, json_type_array) &&
		    !parse_long(s, 0, 1000, &k))
			o = json_object_array_get_idx(o, (size_t)k);
		else if (!json_object_object_get_ex(o, s, &o))
			o = NULL;
		if (!o)
			fail_msg("no '%s' in %s", s, path);
	}
	strvec_clear(&steps);
	strbuf_release(&w);
	return o;
}

static json_object *load_json(const char *version)
{
	struct strbuf p = STRBUF_INIT;
	char *text;
	json_object *o;

	sb_printf(&p, DATA "%s.json", version);
	text = tu_read(p.buf);
	o = json_tokener_parse(text);
	assert_non_null(o);
	free(text);
	strbuf_release(&p);
	return o;
}

static void set_int(json_object *root, const char *path, const char *key, int v)
{
	json_object_object_add(at(root, path), key, json_object_new_int(v));
}

static void to_dump(json_object *root, struct vmstate_dump *d)
{
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);

	if (vmstate_dump_parse("edited", s, strlen(s), d))
		fail_msg("the edited dump does not parse");
	json_object_put(root);
}

/* The findings of src against dst, with the real renames. */
static char *check(struct vmstate_dump *src, struct vmstate_dump *dst,
		   struct vmstate_findings *f)
{
	struct vmstate_renames r;
	char *got;

	load_renames(&r);
	vmstate_check(src, dst, &r, f);
	got = lines(f);
	vmstate_renames_release(&r);
	return got;
}

static void test_section_missing(void **state)
{
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	json_object *dst = load_json("7.2.22");
	char *got;

	(void)state;
	load("7.2.22", &a);
	json_object_object_del(dst, "hpet");
	to_dump(dst, &b);
	got = check(&a, &b, &f);
	assert_lines("hpet dropped", got,
		     "error section-missing [hpet] [] Section \"hpet\" does not exist "
		     "in dest\n");
	free(got);
	vmstate_findings_release(&f);
	/* The other way, nothing is missing: the destination may have more. */
	got = check(&b, &a, &f);
	assert_lines("hpet added", got, "");
	free(got);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
}

/*
 * hpet's num_timers became num_timers_save in 10.0 (QEMU 1433e38cc8),
 * acpi-ghes's ghes_addr_le hw_error_le (652f6d86cb).
 */
static void test_rename_field(void **state)
{
	struct vmstate_renames r;
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	char *got;

	(void)state;
	load_renames(&r);
	load("7.2.22", &a);
	load("10.0.2", &b);
	vmstate_check(&a, &b, NULL, &f);
	got = lines(&f);
	assert_non_null(strstr(got, "error field-mismatch [hpet] [num_timers] Section "
				    "\"hpet\", Description \"hpet\": expected field "
				    "\"num_timers\", got \"num_timers_save\"; skipping rest\n"));
	assert_non_null(strstr(got, "error field-mismatch [acpi-ged] "
				    "[[acpi-ged/ghes]/ghes_state/ghes_addr_le] Section "
				    "\"acpi-ged\", Description \"acpi-ghes\": expected field "
				    "\"ghes_addr_le\", got \"hw_error_le\"; skipping rest\n"));
	free(got);
	vmstate_findings_release(&f);

	vmstate_check(&a, &b, &r, &f);
	for (size_t i = 0; i < f.nr; i++)
		if (!strcmp(f.v[i].section, "hpet"))
			fail_msg("with the renames: %s", f.v[i].message);
	assert_int_equal(uses(&r, &f, VMSTATE_RENAME_FIELD, "hpet", "num_timers"), 1);
	/* acpi-ged/ghes's ghes_addr_le, inside a struct of a subsection */
	assert_int_equal(uses(&r, &f, VMSTATE_RENAME_FIELD, "acpi-ghes", "ghes_addr_le"), 1);
	assert_int_equal(uses(&r, &f, VMSTATE_RENAME_FIELD, "apic", "timer"), 0);
	vmstate_findings_release(&f);

	/* the same entry serves the way back */
	vmstate_check(&b, &a, &r, &f);
	assert_int_equal(uses(&r, &f, VMSTATE_RENAME_FIELD, "hpet", "num_timers"), 1);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
	vmstate_renames_release(&r);
}

/* The ICH9 SMBus controller's QOM type lost its blank after 5.2 (e178113ff6). */
static void test_rename_section(void **state)
{
	struct vmstate_renames r;
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	char *got;

	(void)state;
	load_renames(&r);
	load("5.2.0", &a);
	load("7.2.0", &b);
	assert_non_null(vmstate_dump_find(&a, "ICH9 SMB"));
	assert_null(vmstate_dump_find(&a, "ICH9-SMB"));
	vmstate_check(&a, &b, NULL, &f);
	got = lines(&f);
	assert_non_null(strstr(got, "error section-missing [ICH9 SMB] [] Section \"ICH9 SMB\" "
				    "does not exist in dest\n"));
	free(got);
	vmstate_findings_release(&f);
	vmstate_check(&b, &a, &r, &f);
	got = lines(&f);
	assert_null(strstr(got, "ICH9"));
	assert_int_equal(uses(&r, &f, VMSTATE_RENAME_SECTION, NULL, "ICH9 SMB"), 1);
	free(got);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
	vmstate_renames_release(&r);
}

/*
 * One change to a real section, of the source or of the destination;
 * the findings about that section. 7.2.22's hpet has version 2,
 * minimum 1; sb16's irq, dma, hdma, port and ver (4 bytes each) are
 * one "unused" of 20 bytes in 10.0.2.
 */
static const struct edit_case {
	const char *name, *src, *dst;
	int edit_src; /* the change is the source's, else the destination's */
	const char *section, *path, *key;
	int value;
	const char *path2; /* the same change here too, or NULL */
	const char *want;
} edits[] = {
	{ "version_id raised in the source", "7.2.22", "7.2.22", 1, "hpet", "hpet",
	  "version_id", 3, "hpet/Description",
	  "error version [hpet] [] Section \"hpet\" version error: 3 > 2\n"
	  "error version [hpet] [] Section \"hpet\" Description \"hpet\": version "
	  "error: 3 > 2\n" },
	/* the script says it once, for the description: see check_version */
	{ "minimum_version_id raised above the source's version", "7.2.22", "7.2.22", 0,
	  "hpet", "hpet", "minimum_version_id", 3, "hpet/Description",
	  "error minimum-version [hpet] [] Section \"hpet\" Description \"hpet\": "
	  "minimum version error: 2 < 3\n" },
	{ "a field's version raised", "7.2.22", "7.2.22", 1, "hpet",
	  "hpet/Description/Fields/3", "version_id", 3, NULL,
	  "error version [hpet] [num_timers] Section \"hpet\" Description \"hpet\": "
	  "version error: 3 > 2\n" },
	{ "a field's size changed", "7.2.22", "7.2.22", 0, "hpet",
	  "hpet/Description/Fields/0", "size", 4, NULL,
	  "error size [hpet] [config] Section \"hpet\" Description \"hpet\" Field "
	  "\"config\" size mismatch: 8 , 4\n" },
	/* a struct's size is not the wire's: its fields are compared instead */
	{ "a struct field's size changed", "7.2.22", "7.2.22", 0, "hpet",
	  "hpet/Description/Fields/4", "size", 80, NULL, "" },
	{ "a struct's field's size changed", "7.2.22", "7.2.22", 0, "hpet",
	  "hpet/Description/Fields/4/Description/Fields/1", "size", 4, NULL,
	  "error size [hpet] [timer/config] Section \"hpet\" Description "
	  "\"hpet_timer\" Field \"config\" size mismatch: 8 , 4\n" },
	{ "unused bytes where fields were", "7.2.22", "10.0.2", 0, "sb16",
	  "sb16/Description/Fields/0", "size", 20, NULL, "" },
	{ "unused bytes that end inside a field", "7.2.22", "10.0.2", 0, "sb16",
	  "sb16/Description/Fields/0", "size", 18, NULL,
	  "error unused-size [sb16] [ver] Section \"sb16\", Description \"sb16\": "
	  "unused size mismatch near \"ver\"\n" },
	{ "unused bytes that end a field early", "10.0.2", "7.2.22", 1, "sb16",
	  "sb16/Description/Fields/0", "size", 16, NULL,
	  "error field-mismatch [sb16] [in_index] Section \"sb16\", Description "
	  "\"sb16\": expected field \"in_index\", got \"ver\"; skipping rest\n" },
};

/* The lines of text that are about section (their "[SECTION]"). */
static char *about(const char *text, const char *section)
{
	struct strbuf tag = STRBUF_INIT, out = STRBUF_INIT;

	sb_printf(&tag, "[%s]", section);
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n'), *t = strstr(l, tag.buf);

		if (t && t < nl)
			sb_printf(&out, "%.*s\n", (int)(nl - l), l);
		l = nl + 1;
	}
	strbuf_release(&tag);
	return strbuf_detach(&out);
}

static void test_edits(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		const struct edit_case *c = &edits[i];
		struct vmstate_dump a, b;
		struct vmstate_findings f;
		json_object *root = load_json(c->edit_src ? c->src : c->dst);
		char *got, *mine;

		set_int(root, c->path, c->key, c->value);
		if (c->path2)
			set_int(root, c->path2, c->key, c->value);
		if (c->edit_src) {
			to_dump(root, &a);
			load(c->dst, &b);
		} else {
			load(c->src, &a);
			to_dump(root, &b);
		}
		got = check(&a, &b, &f);
		mine = about(got, c->section);
		if (strcmp(mine, c->want))
			fail_msg("case '%s': got\n%s\nwant\n%s", c->name, mine, c->want);
		free(mine);
		free(got);
		vmstate_findings_release(&f);
		vmstate_dump_release(&a);
		vmstate_dump_release(&b);
	}
}

static void test_subsection_missing(void **state)
{
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	json_object *dst = load_json("7.2.22");
	json_object *subs = at(dst, "i8042/Description/Fields/0/Description/Subsections");
	char *got;

	(void)state;
	/* pckbd_outport, pckbd/extended_state */
	assert_string_equal(json_object_get_string(at(subs, "1/name")),
			    "pckbd/extended_state");
	json_object_array_del_idx(subs, 1, 1);
	load("7.2.22", &a);
	to_dump(dst, &b);
	got = check(&a, &b, &f);
	assert_lines("pckbd/extended_state dropped", got,
		     "error subsection-missing [i8042] [kbd/[pckbd/extended_state]] "
		     "Section \"i8042\", Description \"pckbd\": Subsection "
		     "\"pckbd/extended_state\" not found\n");
	free(got);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
}

/* An array of another length: "num", in dumps of QEMU 8.1 and later. */
static void test_array_length(void **state)
{
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	json_object *dst = load_json("10.0.2");
	char *got;

	(void)state;
	assert_string_equal(json_object_get_string(at(dst, "e1000e/Description/Fields/9/field")),
			    "core.mac");
	set_int(dst, "e1000e/Description/Fields/9", "num", 16384);
	load("10.0.2", &a);
	to_dump(dst, &b);
	got = check(&a, &b, &f);
	assert_lines("core.mac shorter", got,
		     "error array-length [e1000e] [core.mac] Section \"e1000e\" Description "
		     "\"e1000e\" Field \"core.mac\" array length mismatch: 32768 , 16384\n");
	free(got);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
}

static void test_machine_type(void **state)
{
	struct vmstate_dump a, b;
	struct vmstate_findings f;
	struct strbuf sum = STRBUF_INIT;
	json_object *dst = load_json("7.2.22");
	char *got;

	(void)state;
	json_object_object_add(at(dst, "vmschkmachine"), "Name",
			       json_object_new_string("pc-q35-7.2"));
	load("7.2.0", &a);
	to_dump(dst, &b);
	got = check(&a, &b, &f);
	assert_lines("machine type", got,
		     "warning machine-type [vmschkmachine] [] Warning: checking "
		     "incompatible machine types: \"none\", \"pc-q35-7.2\"\n");
	assert_string_equal(vmstate_findings_summary(&f, &sum), "0 errors, 1 warning");
	free(got);
	strbuf_release(&sum);
	vmstate_findings_release(&f);
	vmstate_dump_release(&a);
	vmstate_dump_release(&b);
}

/* ---- the renames file ---- */

static void test_renames_file(void **state)
{
	struct vmstate_renames r;
	size_t kinds[VMSTATE_RENAME_LAST] = { 0 };
	char *dir = path_absolute("specs");

	(void)state;
	load_renames(&r);
	/* The script's 2 section renames and 47 name pairs, then 5 of ours. */
	for (size_t i = 0; i < r.nr; i++) {
		kinds[r.v[i].kind]++;
		assert_non_null(r.v[i].reason);
		assert_true(strlen(r.v[i].reason) > 20);
		assert_non_null(r.v[i].commit);
		assert_true((r.v[i].kind == VMSTATE_RENAME_SECTION) == !r.v[i].scope);
	}
	assert_int_equal(r.nr, 54);
	assert_int_equal(kinds[VMSTATE_RENAME_SECTION], 5);
	assert_int_equal(kinds[VMSTATE_RENAME_DESCRIPTION], 6);
	assert_int_equal(kinds[VMSTATE_RENAME_FIELD], 43);
	assert_string_equal(r.v[0].old_name, "ICH9 LPC");
	assert_string_equal(r.v[0].new_name, "ICH9-LPC");
	assert_string_equal(r.v[0].commit, "292b1634d0");
	vmstate_renames_release(&r);

	/* found through the data directory, as the binary finds it */
	setenv("VIRT_MATRIX_SPECS", dir, 1);
	assert_int_equal(vmstate_renames_load_default(&r), 0);
	unsetenv("VIRT_MATRIX_SPECS");
	assert_int_equal(r.nr, 54);
	assert_non_null(strstr(r.path, "specs/vmstate-renames"));
	vmstate_renames_release(&r);
	free(dir);
}

static const struct {
	const char *name, *text, *msg;
} bad_renames[] = {
	{ "unknown kind", "# renames\n\nsectoin a b reason=x\n",
	  "error: specs/vmstate-renames:3: unknown entry 'sectoin'; expected "
	  "section, description or field\n" },
	{ "a field without its description",
	  "field num_timers num_timers_save reason=\"hpet\"\n",
	  "error: specs/vmstate-renames:1: 'reason=hpet' where a name was expected: "
	  "field DESCRIPTION OLD NEW reason=\"...\"\n" },
	{ "a section with a description", "section hpet num_timers num_timers_save "
	  "reason=r\n",
	  "error: specs/vmstate-renames:1: 'num_timers_save' after the names; "
	  "expected reason=\"...\" or commit=HASH (section takes 2 names)\n" },
	{ "too few names", "section \"ICH9 LPC\"\n",
	  "error: specs/vmstate-renames:1: 'section' takes 2 names: section OLD NEW "
	  "reason=\"...\"\n" },
	{ "no reason", "field hpet num_timers num_timers_save commit=1433e38cc8\n",
	  "error: specs/vmstate-renames:1: missing reason=\"...\": say why the "
	  "rename keeps the wire format\n" },
	{ "empty reason", "section a b reason=\"\"\n",
	  "error: specs/vmstate-renames:1: missing reason=\"...\": say why the "
	  "rename keeps the wire format\n" },
	{ "unknown key", "section a b reason=r comit=1433e38cc8\n",
	  "error: specs/vmstate-renames:1: 'comit=1433e38cc8' after the names; "
	  "expected reason=\"...\" or commit=HASH (section takes 2 names)\n" },
	{ "reason twice", "section a b reason=r reason=s\n",
	  "error: specs/vmstate-renames:1: 'reason' given twice\n" },
	{ "not a commit", "section a b reason=r commit=HEAD\n",
	  "error: specs/vmstate-renames:1: commit='HEAD' is not a commit hash (7 "
	  "to 40 lower-case hex digits)\n" },
	{ "renamed to itself", "description ioh3420 PCIDevice PCIDevice reason=r\n",
	  "error: specs/vmstate-renames:1: 'PCIDevice' is renamed to itself\n" },
	{ "an empty name", "field \"\" a b reason=r\n",
	  "error: specs/vmstate-renames:1: an empty name; expected field "
	  "DESCRIPTION OLD NEW\n" },
	{ "the same rename twice, either way round",
	  "field hpet num_timers num_timers_save reason=r\n"
	  "field hpet other x reason=r\n"
	  "field hpet num_timers_save num_timers reason=r\n",
	  "error: specs/vmstate-renames:3: the same rename as line 1\n" },
	{ "unterminated quote", "section \"ICH9 LPC ICH9-LPC reason=r\n",
	  "error: specs/vmstate-renames:1: unterminated quote\n" },
	{ "control bytes are escaped", "section a b reason=r \x1b[2J\n",
	  "error: specs/vmstate-renames:1: '\\x1b[2J' after the names; expected "
	  "reason=\"...\" or commit=HASH (section takes 2 names)\n" },
};

static void test_renames_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_renames); i++) {
		struct vmstate_renames r;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = vmstate_renames_parse(RENAMES, bad_renames[i].text, &r);
		msg = tu_capture_end();
		if (rc != -1 || strcmp(msg, bad_renames[i].msg))
			fail_msg("case '%s': rc %d, message\n%s\nwant\n%s",
				 bad_renames[i].name, rc, msg, bad_renames[i].msg);
		assert_int_equal(r.nr, 0);
		assert_null(r.v);
		free(msg);
	}
}

/* ---- dumps that are not what QEMU writes ---- */

static const struct {
	const char *name, *json, *msg;
} bad_dumps[] = {
	{ "not JSON", "{\"vmschkmachine\": {\"Name\": \"none\"}",
	  "error: d.json: not JSON: the text ends too early at byte 34\n" },
	{ "empty", "", "error: d.json: not JSON: the text ends too early at byte 0\n" },
	{ "an array", "[1, 2]", "error: d.json: expected a JSON object, got array\n" },
	{ "more after the object", "{} {}",
	  "error: d.json: more after the JSON object, at byte 3\n" },
	{ "a section that is a string", "{\"hpet\": \"x\"}",
	  "error: d.json: \"hpet\": expected an object, got string\n" },
	{ "no version_id", "{\"hpet\": {\"Name\": \"hpet\"}}",
	  "error: d.json: \"hpet\": no version_id\n" },
	{ "the machine without a name", "{\"vmschkmachine\": {}}",
	  "error: d.json: \"vmschkmachine\": no Name\n" },
	{ "a version that is a string", "{\"hpet\": {\"version_id\": \"2\"}}",
	  "error: d.json: \"hpet\".version_id: expected an integer, got string\n" },
	{ "a version past int", "{\"hpet\": {\"version_id\": 4294967296}}",
	  "error: d.json: \"hpet\".version_id: 4294967296 is out of range "
	  "(-2147483648 to 2147483647)\n" },
	{ "a version that is a number with a point", "{\"hpet\": {\"version_id\": 2.0}}",
	  "error: d.json: \"hpet\".version_id: expected an integer, got double\n" },
	{ "Fields that is an object",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Fields\": {}}}}",
	  "error: d.json: \"hpet\".Description.Fields: expected an array, got object\n" },
	{ "a description without a name",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"version_id\": 2}}}",
	  "error: d.json: \"hpet\".Description: no name\n" },
	{ "a negative size",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Fields\": [{\"field\": \"config\", \"version_id\": 0, "
	  "\"size\": -8}]}}}",
	  "error: d.json: \"hpet\".Description.Fields[0].size: -8 is out of range "
	  "(0 to 281474976710656)\n" },
	{ "a size that times num is too large",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Fields\": [{\"field\": \"config\", \"version_id\": 0, "
	  "\"size\": 281474976710656, \"num\": 2}]}}}",
	  "error: d.json: \"hpet\".Description.Fields[0]: size 281474976710656 times "
	  "num 2 is out of range (up to 281474976710656)\n" },
	{ "field_exists that is a string",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Fields\": [{\"field\": \"config\", \"version_id\": 0, "
	  "\"field_exists\": \"no\", \"size\": 8}]}}}",
	  "error: d.json: \"hpet\".Description.Fields[0].field_exists: expected true "
	  "or false, got string\n" },
	{ "a field without its name",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Fields\": [{\"version_id\": 0, \"size\": 8}]}}}",
	  "error: d.json: \"hpet\".Description.Fields[0]: no field\n" },
	{ "a subsection that is a number",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hpet\", "
	  "\"version_id\": 2, \"Subsections\": [{\"name\": \"hpet/rtc_irq_level\", "
	  "\"version_id\": 1}, 3]}}}",
	  "error: d.json: \"hpet\".Description.Subsections[1]: expected an object, got int\n" },
	{ "a name with a NUL byte",
	  "{\"hpet\": {\"version_id\": 2, \"Description\": {\"name\": \"hp\\u0000et\", "
	  "\"version_id\": 2}}}",
	  "error: d.json: \"hpet\".Description.name: a name with a NUL byte\n" },
	{ "a control byte in a name is escaped",
	  "{\"\\u001b[2J\": {\"version_id\": \"x\"}}",
	  "error: d.json: \"\\x1b[2J\".version_id: expected an integer, got string\n" },
};

static void test_dump_bad(void **state)
{
	struct strbuf deep = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_dumps); i++) {
		struct vmstate_dump d;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = vmstate_dump_parse("d.json", bad_dumps[i].json,
					strlen(bad_dumps[i].json), &d);
		msg = tu_capture_end();
		if (rc != -1 || strcmp(msg, bad_dumps[i].msg))
			fail_msg("case '%s': rc %d, message\n%s\nwant\n%s", bad_dumps[i].name,
				 rc, msg, bad_dumps[i].msg);
		assert_int_equal(d.nr, 0);
		assert_null(d.v);
		free(msg);
	}

	/* Nested past the parser's depth: refused, not recursed into. */
	for (int i = 0; i < 100; i++)
		sb_puts(&deep, "{\"a\": ");
	sb_puts(&deep, "1");
	for (int i = 0; i < 100; i++)
		sb_puts(&deep, "}");
	{
		struct vmstate_dump d;
		char *msg;
		int rc;

		tu_capture_begin();
		rc = vmstate_dump_parse("d.json", deep.buf, deep.len, &d);
		msg = tu_capture_end();
		assert_int_equal(rc, -1);
		assert_string_equal(msg, "error: d.json: not JSON: nesting too deep at byte 384\n");
		free(msg);
	}
	strbuf_release(&deep);
}

/* What the parser keeps of a real section. */
static void test_dump_parse(void **state)
{
	struct vmstate_dump d;
	const struct vmstate_section *s;
	const struct vmstate_field *f;
	size_t n;

	(void)state;
	load("10.2.2", &d);
	assert_int_equal(d.nr, 10);
	assert_string_equal(d.v[0].id, "vmschkmachine");
	assert_string_equal(d.v[0].name, "none");
	assert_false(d.v[0].has_version);
	s = vmstate_dump_find(&d, "e1000e");
	assert_non_null(s);
	assert_int_equal(s->version_id, 1);
	assert_int_equal(s->minimum_version_id, 1);
	assert_int_equal(s->nr_members, 4);
	assert_int_equal(s->members[3], VMSTATE_M_DESCRIPTION);
	f = &s->desc->fields[9];
	assert_string_equal(f->name, "core.mac");
	assert_int_equal(f->size, 4);
	assert_int_equal(f->num, 32768);
	assert_int_equal(f->field_exists, 0);
	assert_null(vmstate_dump_find(&d, "e1000"));
	s = vmstate_dump_find(&d, "sd-card");
	assert_non_null(vmstate_desc_find_sub(s->desc, "sd-card/ext_csd_modes-state", &n));
	assert_int_equal(n, 2);
	assert_string_equal(vmstate_desc_find_sub(s->desc, "sd-card/ext_csd_modes-state", NULL)
				    ->fields[0].name, "ext_csd_rw");
	assert_null(vmstate_desc_find_sub(s->desc, "sd-card/nope", &n));
	assert_int_equal(n, 0);
	vmstate_dump_release(&d);
	vmstate_dump_release(&d); /* releasing twice is harmless */
}

static void test_enums(void **state)
{
	struct vmstate_findings f = { 0 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(vmstate_severity_to_string(VMSTATE_ERROR), "error");
	assert_string_equal(vmstate_severity_to_string(VMSTATE_WARNING), "warning");
	assert_int_equal(vmstate_severity_from_string("warning"), VMSTATE_WARNING);
	assert_int_equal(vmstate_severity_from_string("fatal"), -1);
	assert_null(vmstate_severity_to_string(VMSTATE_SEVERITY_LAST));
	assert_string_equal(vmstate_problem_to_string(VMSTATE_SUBSECTION_MISSING),
			    "subsection-missing");
	assert_int_equal(vmstate_problem_from_string("machine-type"), VMSTATE_MACHINE_TYPE);
	assert_int_equal(vmstate_rename_kind_from_string("field"), VMSTATE_RENAME_FIELD);
	assert_string_equal(vmstate_findings_summary(&f, &sb), "clean");
	f.nr = 3;
	f.errors = 1;
	f.warnings = 2;
	strbuf_reset(&sb);
	assert_string_equal(vmstate_findings_summary(&f, &sb), "1 error, 2 warnings");
	f.errors = 2;
	f.warnings = 1;
	strbuf_reset(&sb);
	assert_string_equal(vmstate_findings_summary(&f, &sb), "2 errors, 1 warning");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_pairs),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_self_minimum),
		cmocka_unit_test(test_section_missing),
		cmocka_unit_test(test_rename_field),
		cmocka_unit_test(test_rename_section),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_subsection_missing),
		cmocka_unit_test(test_array_length),
		cmocka_unit_test(test_machine_type),
		cmocka_unit_test(test_renames_file),
		cmocka_unit_test(test_renames_bad),
		cmocka_unit_test(test_dump_bad),
		cmocka_unit_test(test_dump_parse),
		cmocka_unit_test(test_enums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
