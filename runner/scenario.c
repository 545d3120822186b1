/*
 * Loading scenario files (see scenario.h). A small INI reader with the
 * rules of Python's ConfigParser as DTS uses it (`key = value` or
 * `key: value`, values continued on indented lines, full-line comments,
 * keys case-insensitive), then DTS's value rules: entries separated by
 * ';' or line ends, options by ',', name and value by the first '='.
 *
 * Which sections are VMs follows DTS: a suite's cfg is read by VM name,
 * so any section may be one (vm0, vm1, but also host and backup); a
 * scene's cfg has [scene] and VMs. [expect] is ours, and so is a [host]
 * whose first key is vhost or passthrough; a [host] whose first key is a
 * VM's is a VM named host. Each entry is checked against the rows of its
 * key (scenario_vm.c, scenario_file.c) at once, so a message names the
 * line the entry is on; the checks that need the whole file run at the
 * end (scenario_file.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "fs.h"
#include "lab.h"
#include "lineparse.h"
#include "paths.h"
#include "banned.h"

/* How wide a note quotes the file at most. */
#define NOTE_MAX 240

int scn_bad(struct scn_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(c->path, c->line, fmt, ap);
	va_end(ap);
	return -1;
}

void scn_note(struct scn_ctx *c, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, esc = STRBUF_INIT;
	struct strvec *notes = c->vm ? &c->vm->notes : &c->s->notes;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (r)
		die("scenario note failed");
	strvec_pushf(notes, "[%s] line %d: %s", c->section, c->line,
		     str_printable(&esc, msg.buf, msg.len, NOTE_MAX));
	strbuf_release(&msg);
	strbuf_release(&esc);
}

/* e's options as the file wrote them, password values left out. */
static void entry_text(const struct scn_entry *e, struct strbuf *out)
{
	for (size_t i = 0; i < e->nr; i++) {
		const struct scn_opt *o = &e->opts[i];

		if (!strcmp(o->name, "password"))
			continue;
		sb_printf(out, "%s%s%s%s", out->len ? "," : "", o->name,
			  o->bare ? "" : "=", o->value);
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void entry_release(struct scn_entry *e)
{
	for (size_t i = 0; i < e->nr; i++) {
		free(e->opts[i].name);
		free(e->opts[i].value);
	}
	free(e->opts);
	e->opts = NULL;
	e->nr = 0;
}

const char *scn_opt(const struct scn_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nr; i++)
		if (!strcmp(e->opts[i].name, name))
			return e->opts[i].value;
	return NULL;
}

char *scn_dup_opt(const struct scn_entry *e, const char *name)
{
	const char *v = scn_opt(e, name);

	return v && *v ? xstrdup(v) : NULL;
}

void scn_set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

struct opt_at {
	const char *name;
	size_t i;
	int bare;
};

static int cmp_opt_at(const void *a, const void *b)
{
	const struct opt_at *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * The index of the first option of e that repeats an earlier one, or
 * e->nr when none does; words without '=' may repeat each other
 * (cpupin=4,5,5 is cpupin=4 to DTS). Sorting keeps this O(n log n): a
 * DTS entry can hold a hundred thousand options, and asking each new
 * option of all the earlier ones took half a minute there.
 */
static size_t first_repeat(const struct scn_entry *e)
{
	struct opt_at *v = xcalloc(e->nr, sizeof(*v));
	size_t first = e->nr;

	for (size_t i = 0; i < e->nr; i++) {
		v[i].name = e->opts[i].name;
		v[i].i = i;
		v[i].bare = e->opts[i].bare;
	}
	sort_array(v, e->nr, sizeof(*v), cmp_opt_at);
	/* Equal names are adjacent, each run in the order of the entry. */
	for (size_t i = 1; i < e->nr; i++)
		if (v[i].i < first && !(v[i].bare && v[i - 1].bare) &&
		    !strcmp(v[i].name, v[i - 1].name))
			first = v[i].i;
	free(v);
	return first;
}

/*
 * Splits one entry (text is modified) into e->opts: options at ',',
 * name and value at the first '='; opt_settings takes the rest of the
 * entry, commas included.
 */
static int split_entry(struct scn_ctx *c, char *text, struct scn_entry *e)
{
	size_t alloc = 0, repeat;
	const char *nameless = NULL; /* the value of '=value', which stops it */
	char *p = text;

	while (p) {
		size_t n = strcspn(p, "=,");
		char *name = p, *value = NULL, *next = NULL;

		if (p[n] == '=') {
			p[n] = '\0';
			value = p + n + 1;
			if (strcmp(trim(name), "opt_settings")) {
				next = strchr(value, ',');
				if (next)
					*next++ = '\0';
			}
		} else if (p[n] == ',') {
			p[n] = '\0';
			next = p + n + 1;
		}
		name = trim(name);
		value = value ? trim(value) : NULL;
		if (!*name && value) {
			nameless = value;
			break;
		}
		if (*name) {
			ALLOC_GROW(e->opts, e->nr + 1, alloc);
			e->opts[e->nr].name = xstrdup(name);
			e->opts[e->nr].value = xstrdup(value ? value : "");
			e->opts[e->nr].bare = !value;
			e->nr++;
		}
		p = next;
	}
	/* The first mistake in the entry is the one reported. */
	repeat = first_repeat(e);
	if (repeat < e->nr)
		return scn_bad(c,
			       "option '%s' given twice; expected each option "
			       "once in an entry",
			       e->opts[repeat].name);
	if (nameless)
		return scn_bad(c, "option '=%s' has no name; expected name=value",
			       nameless);
	return 0;
}

static int listed(const char *const *names, const char *name)
{
	for (const char *const *n = names; *n; n++)
		if (!strcmp(*n, name))
			return 1;
	return 0;
}

static void join_names(struct strbuf *sb, const char *const *names)
{
	for (const char *const *n = names; *n; n++)
		sb_printf(sb, "%s%s", n == names ? "" : ", ", *n);
}

/*
 * The words of e that DTS ignores (cpupin=4,5,6,7: '5', '6', '7', since
 * ',' ends the value), in a note that says what the value became.
 */
static void note_bare(struct scn_ctx *c, const char *what,
		      const struct scn_entry *e, const char *const *names)
{
	struct strbuf words = STRBUF_INIT, so = STRBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < e->nr; i++) {
		if (!e->opts[i].bare || listed(names, e->opts[i].name))
			continue;
		if (!n++ && i && !e->opts[i - 1].bare)
			sb_printf(&so, ": ',' separates options, so %s is '%s'",
				  e->opts[i - 1].name, e->opts[i - 1].value);
		sb_printf(&words, "%s'%s'", words.len ? ", " : "", e->opts[i].name);
	}
	if (n)
		scn_note(c, "%s %s %s no '=' and %s ignored, as DTS ignores %s%s",
			 what, words.buf, n > 1 ? "have" : "has",
			 n > 1 ? "are" : "is", n > 1 ? "them" : "it", so.buf);
	strbuf_release(&words);
	strbuf_release(&so);
}

int scn_allowed(struct scn_ctx *c, const char *what, const struct scn_entry *e,
		const char *const *names)
{
	for (size_t i = 0; i < e->nr; i++) {
		struct strbuf list = STRBUF_INIT;

		if (e->opts[i].bare || listed(names, e->opts[i].name))
			continue;
		join_names(&list, names);
		scn_bad(c, "unknown option '%s' for %s in [%s]; expected one of %s",
			e->opts[i].name, what, c->section, list.buf);
		strbuf_release(&list);
		return -1;
	}
	note_bare(c, what, e, names);
	return 0;
}

int scn_num(struct scn_ctx *c, const char *what, const char *v, long min,
	    long max, long *out)
{
	if (!v || parse_long(v, min, max, out))
		return scn_bad(c,
			       "bad value '%s' for %s; expected an integer from "
			       "%ld to %ld",
			       v ? v : "", what, min, max);
	return 0;
}

int scn_yesno(struct scn_ctx *c, const char *what, const char *v, int *out)
{
	if (v && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
		*out = !strcmp(v, "yes");
		return 0;
	}
	return scn_bad(c, "bad value '%s' for %s; expected yes or no",
		       v ? v : "", what);
}

int scn_is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

int scn_is_bdf(const char *b)
{
	size_t n = strlen(b);

	if (n == 12) {
		if (!scn_is_hex(b, 4) || b[4] != ':')
			return 0;
		b += 5;
	} else if (n != 7) {
		return 0;
	}
	return scn_is_hex(b, 2) && b[2] == ':' && scn_is_hex(b + 3, 2) &&
	       b[5] == '.' && b[6] >= '0' && b[6] <= '7';
}

static const struct scn_key *rules_of(enum scn_section k)
{
	switch (k) {
	case SECT_HOST:
		return scn_host_keys;
	case SECT_EXPECT:
		return scn_expect_keys;
	case SECT_SCENE:
		return scn_scene_keys;
	case SECT_VM:
	case SECT_HOST_OPEN:
		break;
	}
	return scn_vm_keys;
}

static const struct scn_key *lookup(const struct scn_key *rules, const char *key)
{
	for (const struct scn_key *r = rules; r->key; r++)
		if (!strcmp(r->key, key))
			return r;
	return NULL;
}

static void join_keys(struct strbuf *sb, const struct scn_key *rules)
{
	for (const struct scn_key *r = rules; r->key; r++)
		sb_printf(sb, "%s%s", r == rules ? "" : ", ", r->key);
}

/*
 * The first key of [host] says what it is: the host's resources (vhost,
 * passthrough), or a VM named host, as DTS's vhost_user_live_migration
 * has one (cpu, mem...). A key of neither leaves it open, for the error.
 */
static void host_decide(struct scn_ctx *c, const char *key, int section_line)
{
	int line = c->line;

	if (lookup(scn_host_keys, key)) {
		c->kind = SECT_HOST;
		return;
	}
	if (!lookup(scn_vm_keys, key))
		return;
	c->kind = SECT_VM;
	scn_vm_start(c, c->section, section_line);
	c->line = section_line;
	scn_note(c, "a VM named host, as in DTS: its first key '%s' (line %d) "
		    "is a VM's, not vhost or passthrough",
		 key, line);
	c->line = line;
}

static const struct scn_key *find_key(struct scn_ctx *c, const char *key,
				      int section_line)
{
	const struct scn_key *rules, *r;
	struct strbuf list = STRBUF_INIT;

	if (c->kind == SECT_HOST_OPEN)
		host_decide(c, key, section_line);
	rules = c->kind == SECT_HOST_OPEN ? scn_host_keys : rules_of(c->kind);
	if ((r = lookup(rules, key)))
		return r;
	join_keys(&list, rules);
	if (c->kind == SECT_HOST_OPEN) {
		sb_puts(&list, "; or, for a VM named host as in DTS, one of ");
		join_keys(&list, scn_vm_keys);
	}
	scn_bad(c, "unknown key '%s' in [%s]; expected one of %s", key,
		c->section, list.buf);
	strbuf_release(&list);
	return NULL;
}

/* The entries of one line of key's value (text is modified). */
static int handle_line(struct scn_ctx *c, const struct scn_key *rule, char *text)
{
	char *item = text;

	while (item) {
		char *semi = strchr(item, ';'), *t;
		struct scn_entry e = { NULL, 0, c->line };
		int r = 0;

		if (semi)
			*semi++ = '\0';
		t = trim(item);
		item = semi;
		if (!*t)
			continue;
		r = split_entry(c, t, &e);
		if (!r && rule->opts)
			r = scn_allowed(c, rule->key, &e, rule->opts);
		if (!r && rule->fill)
			r = rule->fill(c, &e);
		if (!r && rule->note) {
			struct strbuf t2 = STRBUF_INIT;

			entry_text(&e, &t2);
			scn_note(c, "%s%s%s %s", rule->key, t2.len ? " " : "",
				 t2.buf, rule->note);
			strbuf_release(&t2);
		}
		entry_release(&e);
		if (r)
			return -1;
	}
	return 0;
}

static enum scn_section section_kind(const char *name)
{
	if (!strcmp(name, "host"))
		return SECT_HOST_OPEN;
	if (!strcmp(name, "expect") || !strncmp(name, "expect ", 7))
		return SECT_EXPECT;
	if (!strcmp(name, "scene"))
		return SECT_SCENE;
	return SECT_VM;
}

static int new_section(struct scn_ctx *c, struct strvec *seen, char *t)
{
	char *end = strchr(t, ']'), *name, *rest;

	if (!end)
		return scn_bad(c, "bad section header '%s'; expected [name]", t);
	*end = '\0';
	rest = trim(end + 1);
	name = trim(t + 1);
	if (!*name)
		return scn_bad(c, "empty section name; expected [name] such as "
				  "[vm0]");
	/* ConfigParser's defaults of every section: never a VM to DTS. */
	if (!strcmp(name, "DEFAULT"))
		return scn_bad(c, "section [DEFAULT] (defaults for every section, "
				  "in ConfigParser) is not supported; expected its "
				  "keys in each VM section");
	for (size_t i = 0; i < seen->nr; i++)
		if (!strcmp(seen->v[i], name))
			return scn_bad(c,
				       "section [%s] given twice; expected each "
				       "section once",
				       name);
	strvec_push(seen, name);
	c->section = seen->v[seen->nr - 1];
	c->kind = section_kind(name);
	c->vm = NULL;
	c->expect_vm = NULL;
	if (c->kind == SECT_EXPECT && name[6]) {
		c->expect_vm = name + 6 + strspn(name + 6, " \t");
		for (size_t i = 0; i < seen->nr - 1; i++)
			if (!strncmp(seen->v[i], "expect", 6) &&
			    !strcmp(seen->v[i] + 6 + strspn(seen->v[i] + 6, " \t"),
				    c->expect_vm))
				return scn_bad(c, "section [%s] says again what [%s] "
						  "expects of VM %s; expected one "
						  "[expect %s]",
					       name, seen->v[i], c->expect_vm,
					       c->expect_vm);
	}
	if (c->kind == SECT_VM)
		scn_vm_start(c, name, c->line);
	/* ConfigParser reads the name between the brackets, and no further. */
	if (*rest && *rest != '#' && *rest != ';')
		scn_note(c, "'%s' after [%s] is ignored, as DTS ignores it", rest,
			 name);
	return 0;
}

int scenario_parse(struct scenario *s, const char *path, const char *text,
		   size_t len)
{
	struct scn_ctx c = { s, NULL, path, NULL, SECT_VM, 0, NULL };
	struct strvec seen = STRVEC_INIT;
	const struct scn_key *rule = NULL; /* the key being continued */
	char *buf = xstrndup(text, len), *p = buf;
	const char *base = path_basename(path);
	int section_line = 0, ret = -1;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->name = ends_with(base, ".cfg") ? xstrndup(base, strlen(base) - 4)
					  : xstrdup(base);
	while (p && *p) {
		char *eol = strchr(p, '\n'), *t;
		int indented = *p == ' ' || *p == '\t';
		size_t k;
		char delim;

		if (eol)
			*eol = '\0';
		t = trim(p);
		p = eol ? eol + 1 : NULL;
		c.line++;
		if (!*t || *t == '#' || *t == ';')
			continue; /* a value goes on after these */
		if (indented && rule) {
			if (handle_line(&c, rule, t))
				goto out;
			continue;
		}
		rule = NULL;
		if (*t == '[') {
			section_line = c.line;
			if (new_section(&c, &seen, t))
				goto out;
			continue;
		}
		if (!c.section) {
			scn_bad(&c,
				"'%s' before any section; expected a [section] "
				"first",
				t);
			goto out;
		}
		k = strcspn(t, "=:");
		delim = t[k];
		if (!delim) {
			scn_bad(&c, "bad line '%s'; expected key = value", t);
			goto out;
		}
		t[k] = '\0';
		for (char *q = t; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (!*trim(t)) {
			scn_bad(&c, "no key before '%c'; expected key = value",
				delim);
			goto out;
		}
		rule = find_key(&c, trim(t), section_line);
		if (!rule || handle_line(&c, rule, t + k + 1))
			goto out;
	}
	if (!s->nvms) {
		c.line = c.line ? c.line : 1;
		scn_bad(&c, "no VM section; expected one such as [vm0]");
		goto out;
	}
	if (scn_cross_checks(&c))
		goto out;
	ret = 0;
out:
	free(buf);
	strvec_clear(&seen);
	if (ret)
		scenario_release(s);
	return ret;
}

int scenario_load(struct scenario *s, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	memset(s, 0, sizeof(*s));
	if (data_file_read(path, &sb)) {
		strbuf_release(&sb);
		return -1;
	}
	ret = scenario_parse(s, path, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

int scenario_bundled(struct strvec *paths)
{
	char *dir = paths_data_dir("scenarios");
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0) {
		error_errno("cannot read scenarios from '%s'", dir);
		free(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (ends_with(ents[i]->d_name, ".cfg") ||
		    ends_with(ents[i]->d_name, ".xml"))
			strvec_pushf(paths, "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return 0;
}

int scenario_find(const char *name, struct strbuf *path)
{
	struct strvec cand = STRVEC_INIT;
	struct strbuf tried = STRBUF_INIT;
	char *dir = paths_data_dir("scenarios");
	int ext = ends_with(name, ".cfg") || ends_with(name, ".xml");
	int ret = -1;

	if (ext || strchr(name, '/'))
		strvec_push(&cand, name);
	/* Bundled: NAME.cfg or NAME.xml, or a file below (dts/vf_vlan.cfg). */
	if (*name != '/' && ext)
		strvec_pushf(&cand, "%s/%s", dir, name);
	else if (*name != '/') {
		strvec_pushf(&cand, "%s/%s.cfg", dir, name);
		strvec_pushf(&cand, "%s/%s.xml", dir, name);
	}
	for (size_t i = 0; i < cand.nr && ret; i++) {
		if (path_exists(cand.v[i])) {
			strbuf_reset(path);
			sb_puts(path, cand.v[i]);
			ret = 0;
		}
		sb_printf(&tried, "%s'%s'", i ? ", " : "", cand.v[i]);
	}
	if (ret)
		error("no scenario '%s' (looked for %s)", name, tried.buf);
	strvec_clear(&cand);
	strbuf_release(&tried);
	free(dir);
	return ret;
}

void scenario_release(struct scenario *s)
{
	free(s->name);
	free(s->path);
	for (size_t i = 0; i < s->nvms; i++)
		scn_vm_release(&s->vms[i]);
	free(s->vms);
	free(s->host.passthrough);
	for (size_t i = 0; i < s->nchecks; i++) {
		free(s->checks[i].id);
		free(s->checks[i].vm_name);
	}
	free(s->checks);
	strvec_clear(&s->notes);
	memset(s, 0, sizeof(*s));
}

size_t scenario_count_devices(const struct scenario *s, enum scn_dev_kind k)
{
	return s->nvms ? scn_vm_count_devices(&s->vms[0], k) : 0;
}

const struct scn_vf_gen *scenario_vf_gen(const struct scenario *s, int pf)
{
	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].nvf_gens; i++)
			if (s->vms[k].vf_gens[i].pf == pf)
				return &s->vms[k].vf_gens[i];
	return NULL;
}

int scenario_vhost_port(const struct scenario *s, size_t vm, size_t n,
			struct scn_port *p)
{
	size_t port = 0;

	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].ndevices; i++) {
			if (s->vms[k].devices[i].kind != DEV_VHOST_USER)
				continue;
			if (k == vm && !n--) {
				p->vm = k, p->dev = i, p->port = port;
				return 0;
			}
			port++;
		}
	return -1;
}

int scenario_vhost_peer(const struct scenario *s, const struct scn_port *p,
			struct scn_port *peer)
{
	size_t want = p->port ^ 1, port = 0;

	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].ndevices; i++) {
			if (s->vms[k].devices[i].kind != DEV_VHOST_USER)
				continue;
			if (port++ == want) {
				peer->vm = k, peer->dev = i, peer->port = want;
				return 0;
			}
		}
	return -1;
}

/*
 * Two VMs on one vhost-user socket: testpmd serves one port per socket
 * and a vhost-user socket takes one QEMU, so they cannot run together.
 * Within one VM the loader only notes it (DTS's files have it).
 */
static int shared_socket(const struct scenario *s, struct strbuf *why)
{
	for (size_t a = 0; a < s->nvms; a++)
		for (size_t i = 0; i < s->vms[a].ndevices; i++) {
			const struct scn_device *d = &s->vms[a].devices[i];

			if (d->kind != DEV_VHOST_USER)
				continue;
			for (size_t b = a + 1; b < s->nvms; b++)
				for (size_t j = 0; j < s->vms[b].ndevices; j++) {
					const struct scn_device *e = &s->vms[b].devices[j];

					if (e->kind != DEV_VHOST_USER || strcmp(d->path, e->path))
						continue;
					sb_printf(why, "[%s] (line %d) and [%s] (line %d) "
						       "use one vhost-user socket '%s'; "
						       "a socket serves one VM",
						  s->vms[a].name, d->line, s->vms[b].name,
						  e->line, d->path);
					return -1;
				}
		}
	return 0;
}

int scenario_runnable(const struct scenario *s, struct strbuf *why)
{
	if (shared_socket(s, why))
		return -1;
	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].ndevices; i++) {
			const struct scn_device *d = &s->vms[k].devices[i];

			/* VFs and host ports by index (pf_idx) come from
			 * the nested lab VM's igb ports, and the lab runs
			 * one VM. */
			if (d->kind != DEV_SRIOV_VF && d->kind != DEV_HOST_PF)
				continue;
			if (s->nvms > 1) {
				sb_printf(why, "%s ([%s] line %d) in a file of %zu VMs is "
					       "not run: the nested lab VM that makes "
					       "VFs and host ports runs one VM",
					  d->kind == DEV_SRIOV_VF ? "an SR-IOV VF"
								  : "a host port",
					  s->vms[k].name, d->line, s->nvms);
				return -1;
			}
			if (lab_vf_runnable(s, d, why))
				return -1;
		}
	return 0;
}

void scenario_notes(const struct scenario *s, struct strvec *out)
{
	for (size_t i = 0; i < s->notes.nr; i++)
		strvec_push(out, s->notes.v[i]);
	for (size_t k = 0; k < s->nvms; k++)
		for (size_t i = 0; i < s->vms[k].notes.nr; i++)
			strvec_push(out, s->vms[k].notes.v[i]);
}
