/*
 * The static vmstate check (vmstatecheck.h): QEMU's
 * scripts/vmstate-static-checker.py (as of its last change, QEMU commit
 * ac7a5f1b72 of 2025) in C, check for check, so that its findings are
 * the script's: the same errors and warning, in the same order, worded
 * as its lines (without two glitches of its printing, see check_version
 * and check_fields).
 * The tables the script has in code (changed_names,
 * get_changed_sec_name) come from specs/vmstate-renames
 * (vmstaterenames.c).
 *
 * Where this differs from the script on purpose, a comment says so:
 * renames are pairs, not sets of interchangeable names (same_name); a
 * subsection is compared with the first of its name in the
 * destination, as QEMU loads it, and a second one of that name is a
 * warning (check_subsections); "unused" bytes are counted with "num"
 * (check_fields); arrays of another length are an error (check_size);
 * members of a section or description other than those QEMU writes are
 * not compared (vmstatedump.c keeps none). On the real dumps of QEMU
 * 5.2 to 10.2, only the subsections change findings: 10.2's sd-card.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vmstatecheck.h"
#include "banned.h"

VM_ENUM_IMPL(vmstate_severity, VMSTATE_SEVERITY_LAST, "error", "warning");

VM_ENUM_IMPL(vmstate_problem, VMSTATE_PROBLEM_LAST, "section-missing",
	     "entry-missing", "version", "minimum-version", "description-name",
	     "field-mismatch", "fields-end", "unused-size", "size", "array-length",
	     "description-missing", "subsection-missing", "subsection-twice",
	     "machine-type");

struct check {
	const struct vmstate_renames *renames;
	struct vmstate_findings *out;
	const char *sec;     /* the source's section, as the script names it */
	struct strbuf path;  /* where in the section (vmstate_finding.path) */
};

static void add(struct check *c, enum vmstate_severity severity,
		enum vmstate_problem problem, const char *fmt, ...) VM_PRINTF(4, 5);

static void add(struct check *c, enum vmstate_severity severity,
		enum vmstate_problem problem, const char *fmt, ...)
{
	struct vmstate_findings *f = c->out;
	struct vmstate_finding *n;
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	if (strbuf_vaddf(&msg, fmt, ap))
		die("cannot format a vmstate finding");
	va_end(ap);
	ALLOC_GROW(f->v, f->nr + 1, f->alloc);
	n = &f->v[f->nr++];
	n->severity = severity;
	n->problem = problem;
	n->section = xstrdup(c->sec);
	n->path = xstrdup(c->path.buf);
	n->message = strbuf_detach(&msg);
	if (severity == VMSTATE_WARNING)
		f->warnings++;
	else
		f->errors++;
}

/*
 * Appends a step to the path, a subsection's in brackets; returns the
 * length to go back to.
 */
static size_t path_push(struct check *c, const char *name, int subsection)
{
	size_t len = c->path.len;

	if (len)
		sb_putc(&c->path, '/');
	sb_printf(&c->path, subsection ? "[%s]" : "%s", name);
	return len;
}

static void path_pop(struct check *c, size_t len)
{
	strbuf_setlen(&c->path, len);
}

/*
 * Whether names a and b are the same, or a rename of this kind in
 * scope says they are (the script's check_fields_match). The script's
 * table gives each scope a list of names, any two of which match, so
 * that 'dev' matches 'ar.pm1.evt.sts' in piix4_pm; its lists are
 * written as old, new pairs, and here an entry matches its own pair
 * only, either way round.
 */
static int same_name(struct check *c, enum vmstate_rename_kind kind,
		     const char *scope, const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 1;
	for (size_t i = 0; c->renames && i < c->renames->nr; i++) {
		const struct vmstate_rename *r = &c->renames->v[i];

		if (r->kind != kind || strcmp(r->scope, scope))
			continue;
		if ((!strcmp(r->old_name, a) && !strcmp(r->new_name, b)) ||
		    (!strcmp(r->old_name, b) && !strcmp(r->new_name, a))) {
			c->out->rename_uses[i]++;
			return 1;
		}
	}
	return 0;
}

/*
 * The script's check_version. It prints "minimum version error" only
 * when it has a description to name, but prints the line's start
 * ('Section "X" ') either way, so that for a section the text runs
 * into its next line; the section's minimum is its top description's
 * (both are the same VMStateDescription's), which is checked next and
 * reported, so nothing is lost by leaving that line out here too.
 * Like the script, an empty description name counts as none.
 */
static void check_version(struct check *c, int s_version, int d_version,
			  int d_has_minimum, int d_minimum, const char *desc)
{
	int named = desc && *desc;

	if (s_version > d_version) {
		if (named)
			add(c, VMSTATE_ERROR, VMSTATE_VERSION,
			    "Section \"%s\" Description \"%s\": version error: %d > %d",
			    c->sec, desc, s_version, d_version);
		else
			add(c, VMSTATE_ERROR, VMSTATE_VERSION,
			    "Section \"%s\" version error: %d > %d", c->sec,
			    s_version, d_version);
	}
	if (d_has_minimum && s_version < d_minimum && named)
		add(c, VMSTATE_ERROR, VMSTATE_MINIMUM_VERSION,
		    "Section \"%s\" Description \"%s\": minimum version error: "
		    "%d < %d", c->sec, desc, s_version, d_minimum);
}

/* size, or size times num for an array ("num", from QEMU 8.1 on). */
static long long size_total(const struct vmstate_field *f)
{
	return f->num >= 0 ? f->size * f->num : f->size;
}

/*
 * The script's check_size, and what it leaves out: it compares the
 * size of one element only, so an array that changed length ("num")
 * passes; here that is an error as well, when both dumps have "num".
 */
static void check_size(struct check *c, const struct vmstate_field *s,
		       const struct vmstate_field *d, const char *desc)
{
	struct strbuf where = STRBUF_INIT;

	sb_printf(&where, "Section \"%s\"", c->sec);
	if (desc && *desc)
		sb_printf(&where, " Description \"%s\"", desc);
	if (*s->name)
		sb_printf(&where, " Field \"%s\"", s->name);
	if (s->size != d->size)
		add(c, VMSTATE_ERROR, VMSTATE_SIZE, "%s size mismatch: %lld , %lld",
		    where.buf, s->size, d->size);
	if (s->num >= 0 && d->num >= 0 && s->num != d->num)
		add(c, VMSTATE_ERROR, VMSTATE_ARRAY_LENGTH,
		    "%s array length mismatch: %lld , %lld", where.buf, s->num,
		    d->num);
	strbuf_release(&where);
}

static void check_descriptions(struct check *c, const struct vmstate_desc *s,
			       const struct vmstate_desc *d);

/*
 * The script's exists_in_substruct: whether field f is a struct whose
 * first field is name (or a rename of it in the struct's description),
 * which is how fields that moved into a struct without changing the
 * wire format look.
 */
static int in_substruct(struct check *c, const struct vmstate_field *f,
			const char *name)
{
	const struct vmstate_desc *d = f->desc;

	if (!d || !d->has_fields || !d->nr_fields)
		return 0;
	return same_name(c, VMSTATE_RENAME_FIELD, d->name, d->fields[0].name, name);
}

/* A position in a list of fields: the script's list iterators. */
struct fiter {
	const struct vmstate_field *v;
	size_t nr, i;
	size_t path_len; /* the path before the struct was entered */
};

struct fstack {
	struct fiter *v;
	size_t nr, alloc;
};

static void fpush(struct fstack *st, struct fiter it)
{
	ALLOC_GROW(st->v, st->nr + 1, st->alloc);
	st->v[st->nr++] = it;
}

/*
 * The script's check_fields, step for step: the two lists of fields are
 * walked side by side; a field that the other side has inside a struct
 * (or had) makes that side walk into the struct and out again; an
 * "unused" field of one side eats fields of the other up to its size.
 * The first mismatch ends the walk. Findings name the source's field:
 * c->path is the struct fields entered on the source's side.
 */
static void check_fields(struct check *c, const struct vmstate_desc *sd,
			 const struct vmstate_desc *dd)
{
	const char *desc = sd->name;
	struct fiter s = { sd->fields, sd->nr_fields, 0, c->path.len };
	struct fiter d = { dd->fields, dd->nr_fields, 0, 0 };
	struct fstack s_stack = { NULL, 0, 0 }, d_stack = { NULL, 0, 0 };
	const struct vmstate_field *si = NULL, *di = NULL;
	int advance_src = 1, advance_dest = 1;
	long long unused = 0;

	for (;;) {
		if (advance_src) {
			if (s.i == s.nr) {
				if (!s_stack.nr)
					break;
				path_pop(c, s.path_len);
				s = s_stack.v[--s_stack.nr];
				continue;
			}
			path_pop(c, s.path_len);
			si = &s.v[s.i++];
			path_push(c, si->name, 0);
		} else if (!unused) {
			advance_src = 1;
		}

		if (advance_dest) {
			if (d.i == d.nr) {
				if (!d_stack.nr) {
					add(c, VMSTATE_ERROR, VMSTATE_FIELDS_END,
					    "Section \"%s\", Description \"%s\": "
					    "expected field \"%s\", while dest has "
					    "no further fields",
					    c->sec, desc, si->name);
					break;
				}
				d = d_stack.v[--d_stack.nr];
				advance_src = 0;
				continue;
			}
			di = &d.v[d.i++];
		} else if (!unused) {
			advance_dest = 1;
		}

		/*
		 * An "unused" field eats the other side's fields. The script
		 * counts them by "size", which for an array is one element;
		 * size_total counts all of it, as it does for the "unused"
		 * field itself (identical for dumps without "num"). The
		 * script writes 'near " X"'; the space is its print's.
		 */
		if (unused) {
			if (!advance_dest) {
				unused -= size_total(si);
				if (!unused) {
					advance_dest = 1;
					continue;
				}
				if (unused < 0) {
					add(c, VMSTATE_ERROR, VMSTATE_UNUSED_SIZE,
					    "Section \"%s\", Description \"%s\": "
					    "unused size mismatch near \"%s\"",
					    c->sec, desc, si->name);
					break;
				}
				continue;
			}
			if (!advance_src) {
				unused -= size_total(di);
				if (!unused) {
					advance_src = 1;
					continue;
				}
				if (unused < 0) {
					add(c, VMSTATE_ERROR, VMSTATE_UNUSED_SIZE,
					    "Section \"%s\", Description \"%s\": "
					    "unused size mismatch near \"%s\"",
					    c->sec, desc, di->name);
					break;
				}
				continue;
			}
		}

		if (!same_name(c, VMSTATE_RENAME_FIELD, desc, si->name, di->name)) {
			int s_unused = !strcmp(si->name, "unused");
			int d_unused = !strcmp(di->name, "unused");

			if (in_substruct(c, di, si->name)) {
				const struct vmstate_desc *in = di->desc;

				fpush(&d_stack, d);
				d = (struct fiter){ in->fields, in->nr_fields, 0, 0 };
				advance_src = 0;
				continue;
			}
			if (in_substruct(c, si, di->name)) {
				const struct vmstate_desc *in = si->desc;

				fpush(&s_stack, s);
				s = (struct fiter){ in->fields, in->nr_fields, 0,
						    c->path.len };
				advance_dest = 0;
				continue;
			}
			if (s_unused || d_unused) {
				long long s_size = size_total(si);
				long long d_size = size_total(di);

				if (s_size == d_size)
					continue;
				if (d_unused) {
					advance_dest = 0;
					unused = d_size - s_size;
					continue;
				}
				advance_src = 0;
				unused = s_size - d_size;
				continue;
			}
			add(c, VMSTATE_ERROR, VMSTATE_FIELD_MISMATCH,
			    "Section \"%s\", Description \"%s\": expected field "
			    "\"%s\", got \"%s\"; skipping rest", c->sec, desc,
			    si->name, di->name);
			break;
		}

		check_version(c, si->version_id, di->version_id, 0, 0, desc);
		if (!si->desc)
			check_size(c, si, di, desc);
		/* The script's check_description_in_list. */
		if (si->desc) {
			if (!di->desc)
				add(c, VMSTATE_ERROR, VMSTATE_DESCRIPTION_MISSING,
				    "Section \"%s\", Description \"%s\", Field "
				    "\"%s\": missing description", c->sec, desc,
				    si->name);
			else
				check_descriptions(c, si->desc, di->desc);
		}
	}
	path_pop(c, s_stack.nr ? s_stack.v[0].path_len : s.path_len);
	free(s_stack.v);
	free(d_stack.v);
}

/*
 * The script's check_subsections. It compares a subsection with every
 * one of its name in the destination; QEMU loads a subsection into the
 * first of its name (vmstate_get_subsection), which is the only one
 * compared here, and a second one of that name in the destination
 * (never loaded) is a warning. QEMU 10.2's sd-card has two named
 * "sd-card/ext_csd_modes-state", the second one (RPMB) misnamed: from
 * 10.0, whose one such subsection loads into the first, the script
 * reports an error per sd-card type where this warns.
 */
static void check_subsections(struct check *c, const struct vmstate_desc *sd,
			      const struct vmstate_desc *dd)
{
	for (size_t i = 0; i < sd->nr_subs; i++) {
		const struct vmstate_desc *s = &sd->subs[i];
		size_t count, len = path_push(c, s->name, 1);
		const struct vmstate_desc *d;

		d = vmstate_desc_find_sub(dd, s->name, &count);

		if (count > 1)
			add(c, VMSTATE_WARNING, VMSTATE_SUBSECTION_TWICE,
			    "Section \"%s\", Description \"%s\": Subsection \"%s\" "
			    "is in dest %zu times; only the first can be loaded",
			    c->sec, sd->name, s->name, count);
		if (d)
			check_descriptions(c, s, d);
		else
			add(c, VMSTATE_ERROR, VMSTATE_SUBSECTION_MISSING,
			    "Section \"%s\", Description \"%s\": Subsection \"%s\" "
			    "not found", c->sec, sd->name, s->name);
		path_pop(c, len);
	}
}

static int has_member(const unsigned char *members, size_t nr,
		      enum vmstate_member m)
{
	for (size_t i = 0; i < nr; i++)
		if (members[i] == m)
			return 1;
	return 0;
}

static const char *desc_member_name(enum vmstate_member m)
{
	static const char *const names[VMSTATE_M_LAST] = {
		"name", "version_id", "minimum_version_id", "Fields",
		"Subsections", "Description",
	};

	return names[m];
}

/* The script's check_descriptions. */
static void check_descriptions(struct check *c, const struct vmstate_desc *s,
			       const struct vmstate_desc *d)
{
	check_version(c, s->version_id, d->version_id, d->has_minimum,
		      d->minimum_version_id, s->name);
	if (!same_name(c, VMSTATE_RENAME_DESCRIPTION, c->sec, s->name, d->name)) {
		add(c, VMSTATE_ERROR, VMSTATE_DESCRIPTION_NAME,
		    "Section \"%s\": Description \"%s\" missing, got \"%s\" "
		    "instead; skipping", c->sec, s->name, d->name);
		return;
	}
	for (size_t i = 0; i < s->nr_members; i++) {
		enum vmstate_member m = s->members[i];

		if (!has_member(d->members, d->nr_members, m)) {
			add(c, VMSTATE_ERROR, VMSTATE_ENTRY_MISSING,
			    "Section \"%s\" Description \"%s\": Entry \"%s\" missing",
			    c->sec, s->name, desc_member_name(m));
			continue;
		}
		if (m == VMSTATE_M_FIELDS)
			check_fields(c, s, d);
		else if (m == VMSTATE_M_SUBSECTIONS)
			check_subsections(c, s, d);
	}
}

static const char *section_member_name(enum vmstate_member m)
{
	static const char *const names[VMSTATE_M_LAST] = {
		"Name", "version_id", "minimum_version_id", "Fields",
		"Subsections", "Description",
	};

	return names[m];
}

/*
 * The destination's section for the source's id: the same id, else a
 * section rename's other name (the script's get_changed_sec_name,
 * which takes the first entry naming id only, here the first whose
 * other name the destination has; and without one the script looks up
 * a section named "", which is not copied).
 */
static const struct vmstate_section *dest_section(struct check *c,
						  const struct vmstate_dump *dst,
						  const char *id)
{
	const struct vmstate_section *d = vmstate_dump_find(dst, id);

	for (size_t i = 0; !d && c->renames && i < c->renames->nr; i++) {
		const struct vmstate_rename *r = &c->renames->v[i];
		const char *other = NULL;

		if (r->kind != VMSTATE_RENAME_SECTION)
			continue;
		if (!strcmp(r->old_name, id))
			other = r->new_name;
		else if (!strcmp(r->new_name, id))
			other = r->old_name;
		if (other && (d = vmstate_dump_find(dst, other)))
			c->out->rename_uses[i]++;
	}
	return d;
}

static void check_section(struct check *c, const struct vmstate_section *s,
			  const struct vmstate_section *d)
{
	/*
	 * The script compares version_id unconditionally; only
	 * "vmschkmachine" may lack one (vmstate_dump_parse), and a rename
	 * to or from it is nonsense, so there is nothing to compare.
	 */
	if (s->has_version && d->has_version)
		check_version(c, s->version_id, d->version_id, d->has_minimum,
			      d->minimum_version_id, NULL);
	for (size_t i = 0; i < s->nr_members; i++) {
		enum vmstate_member m = s->members[i];

		if (!has_member(d->members, d->nr_members, m)) {
			add(c, VMSTATE_ERROR, VMSTATE_ENTRY_MISSING,
			    "Section \"%s\": Entry \"%s\" missing", c->sec,
			    section_member_name(m));
			continue;
		}
		if (m == VMSTATE_M_DESCRIPTION)
			check_descriptions(c, s->desc, d->desc);
	}
}

void vmstate_check(const struct vmstate_dump *src,
		   const struct vmstate_dump *dst,
		   const struct vmstate_renames *renames,
		   struct vmstate_findings *out)
{
	vmstate_check_only(src, dst, renames, NULL, NULL, out);
}

void vmstate_check_only(const struct vmstate_dump *src,
			const struct vmstate_dump *dst,
			const struct vmstate_renames *renames,
			int (*want)(const char *id, void *arg), void *arg,
			struct vmstate_findings *out)
{
	struct check c = { renames, out, NULL, STRBUF_INIT };

	memset(out, 0, sizeof(*out));
	out->nr_renames = renames ? renames->nr : 0;
	out->rename_uses = xcalloc(out->nr_renames + 1, sizeof(*out->rename_uses));
	for (size_t i = 0; i < src->nr; i++) {
		const struct vmstate_section *s = &src->v[i];
		const struct vmstate_section *d;

		if (want && strcmp(s->id, "vmschkmachine") && !want(s->id, arg))
			continue;
		d = dest_section(&c, dst, s->id);
		c.sec = s->id;
		strbuf_reset(&c.path);
		if (!d) {
			add(&c, VMSTATE_ERROR, VMSTATE_SECTION_MISSING,
			    "Section \"%s\" does not exist in dest", s->id);
			continue;
		}
		if (!strcmp(s->id, "vmschkmachine")) {
			/* Both have a Name: vmstate_dump_parse wants one. */
			if (d->name && strcmp(s->name, d->name))
				add(&c, VMSTATE_WARNING, VMSTATE_MACHINE_TYPE,
				    "Warning: checking incompatible machine types: "
				    "\"%s\", \"%s\"", s->name, d->name);
			continue;
		}
		check_section(&c, s, d);
	}
	strbuf_release(&c.path);
}

void vmstate_findings_release(struct vmstate_findings *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		free(f->v[i].section);
		free(f->v[i].path);
		free(f->v[i].message);
	}
	free(f->v);
	free(f->rename_uses);
	memset(f, 0, sizeof(*f));
}

const char *vmstate_findings_summary(const struct vmstate_findings *f,
				     struct strbuf *out)
{
	if (!f->nr) {
		sb_puts(out, "clean");
		return out->buf;
	}
	sb_printf(out, "%zu error%s, %zu warning%s", f->errors,
		  f->errors == 1 ? "" : "s", f->warnings,
		  f->warnings == 1 ? "" : "s");
	return out->buf;
}
