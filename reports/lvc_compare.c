/*
 * The libvirt corpus's comparison of a real argv with libvirt's golden
 * one (mapping_lvcorpus.c). Both are normalised as the mapping report
 * normalises runs (argv.c: ids, fds, uuids, the domain's directory,
 * install prefixes), and besides, what the run's adoption of the domain
 * and libvirt's test harness change and neither libvirt nor QEMU chose:
 *  - the domain's name: libvirt's tests call it QEMUGuest1, the run
 *    vmcorpus-PID-N; both become <name> wherever they stand as a word
 *    (an nvram file QEMUGuest1_VARS.fd, a disk /dev/HostVG/QEMUGuest1);
 *  - the firmware directories the run adds as <qemu:commandline> -L
 *    (its adaptations say so): an -L the golden argv does not have;
 *  - libvirt's install prefix: an ark-built libvirt keeps its state in
 *    /opt/libvirt/V/var/..., the golden argv in /var/...: the prefix
 *    (<libvirt-prefix>) is dropped;
 *  - the machine type: libvirt's tests strip QEMU's machine aliases from
 *    their capabilities, so the golden argv has "pc" or "q35" where a
 *    real daemon writes what the alias stands for (pc-i440fx-10.0,
 *    pc-q35-10.0): a golden alias equals the real type it stands for;
 *  - libvirt's memory directory ram/ID-NAME and an -rtc base= time
 *    (argv.c);
 *  - TCG: the run starts every domain under TCG, so a golden "-accel kvm"
 *    is "-accel tcg" and a tap device has no vhost (libvirt uses
 *    vhost-net with KVM only); it never migrates a domain in ("-incoming");
 *  - a stand-in CD-ROM (an empty image as a block device) is opened as
 *    host_device where libvirt's tests have host_cdrom.
 * What is left is a real difference: an option libvirt generates for
 * this QEMU and not for the capabilities its tests assume, or that QEMU's
 * build lacks (-sandbox without seccomp).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "banned.h"

static int word_char(char c)
{
	return isalnum((unsigned char)c);
}

/*
 * s with each of names (NULL: none) standing as a word replaced by
 * <name>: the first nanywhere anywhere, the others only where a path
 * names them (after '/' or '-': /dev/HostVG/QEMUGuest1, ram/-1-QEMUGuest1),
 * so that a domain named "kvm" leaves "-accel kvm" as it is.
 */
static char *replace_names(const char *s, const char *const *names, size_t n,
			   size_t nanywhere)
{
	struct strbuf out = STRBUF_INIT;
	size_t any = 0;

	for (size_t k = 0; k < n && !any; k++)
		any = names[k] && *names[k] && strstr(s, names[k]);
	if (!any)
		return NULL;
	for (size_t i = 0; s[i];) {
		size_t k, len = 0;

		for (k = 0; k < n; k++) {
			if (!names[k] || !*names[k])
				continue;
			len = strlen(names[k]);
			if (strncmp(s + i, names[k], len) || word_char(s[i + len]))
				continue;
			if (k < nanywhere ? !i || !word_char(s[i - 1])
					  : i && (s[i - 1] == '/' || s[i - 1] == '-'))
				break;
		}
		if (k < n) {
			sb_puts(&out, "<name>");
			i += len;
		} else {
			sb_putc(&out, s[i++]);
		}
	}
	return strbuf_detach(&out);
}

/* The guest name of an argv's "-name guest=NAME,..." (malloc'd), or NULL. */
static char *guest_name(json_object *a)
{
	size_t n = json_object_array_length(a);

	for (size_t i = 1; i + 1 < n; i++) {
		const char *w = json_object_get_string(json_object_array_get_idx(a, i));
		const char *v = json_object_get_string(json_object_array_get_idx(a, i + 1));

		if (w && v && !strcmp(w, "-name")) {
			if (!strncmp(v, "guest=", 6))
				v += 6;
			return xstrndup(v, strcspn(v, ","));
		}
	}
	return NULL;
}

/*
 * The argv json with the names replaced, and (drop_l) the -L options
 * whose directory keep does not list left out: a new array, or NULL when
 * json is not an array of strings.
 */
static json_object *adapt_argv(const char *json, const char *const *names, size_t nnames,
			       int drop_l, const struct strvec *keep)
{
	json_object *a = json ? json_tokener_parse(json) : NULL, *out = NULL;
	char *own = NULL;
	const char *nm[4];
	size_t n, k = 0;

	if (!a || !json_object_is_type(a, json_type_array))
		goto done;
	n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i), json_type_string))
			goto done;
	own = guest_name(a);
	nm[k++] = own && !strncmp(own, "vmcorpus-", 9) ? own : NULL;
	for (size_t i = 0; i < nnames && k < ARRAY_SIZE(nm); i++)
		nm[k++] = names[i];
	out = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const char *w = json_object_get_string(json_object_array_get_idx(a, i));
		char *r;

		if (drop_l && i > 0 && i + 1 < n && !strcmp(w, "-L")) {
			const char *d = json_object_get_string(json_object_array_get_idx(a, i + 1));

			if (!keep || !strvec_has(keep, d)) {
				i++;
				continue;
			}
		}
		r = i ? replace_names(w, nm, k, 1) : NULL;
		json_object_array_add(out, r ? json_object_new_string(r)
					     : json_object_get(json_object_array_get_idx(a, i)));
		free(r);
	}
done:
	free(own);
	json_object_put(a);
	return out;
}

/* Each drop in s that follow comes right after removed, in place. */
static void drop_all(char *s, const char *drop, const char *follow)
{
	size_t len = strlen(drop), flen = strlen(follow);
	char *p = s;

	while ((p = strstr(p, drop))) {
		if (strncmp(p + len, follow, flen)) {
			p += len;
			continue;
		}
		memmove(p, p + len, strlen(p + len) + 1);
	}
}

/*
 * "<libvirt-prefix>/var/..." is "/var/...", and the domain's state
 * directory is just <domain> wherever libvirt keeps it: under
 * /var/lib/libvirt/qemu/ on a host and in libvirt 11.3.0's tests, under
 * /tmp/lib/ in libvirt 9.0.0's tests (their harness's directory). In s,
 * in place.
 */
static void drop_prefix(char *s)
{
	drop_all(s, "<libvirt-prefix>", "");
	drop_all(s, "/var/lib/libvirt/qemu/", "<domain>");
	drop_all(s, "/tmp/lib/", "<domain>");
}

static void argv_drop_prefix(struct rep_argv *a)
{
	for (size_t i = 0; i < a->nr; i++) {
		drop_prefix(a->v[i].text);
		for (size_t k = 0; k < a->v[i].props.nr; k++)
			drop_prefix((char *)a->v[i].props.v[k]); /* strvec owns them */
	}
}

/* Normalises json as the corpus part compares argvs. */
int rep_lvc_normalise(const char *json, const char *const *names, size_t nnames,
		      int drop_l, const struct strvec *keep, struct rep_argv *out)
{
	json_object *j = adapt_argv(json, names, nnames, drop_l, keep);
	int rc = j ? rep_argv_normalise_json(j, out) : (memset(out, 0, sizeof(*out)), -1);

	json_object_put(j);
	if (!rc)
		argv_drop_prefix(out);
	return rc;
}

/* The directories of a's -L options. */
void rep_lvc_l_dirs(const char *json, struct strvec *out)
{
	json_object *a = json ? json_tokener_parse(json) : NULL;

	if (a && json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		for (size_t i = 1; i + 1 < n; i++) {
			const char *w = json_object_get_string(json_object_array_get_idx(a, i));

			if (w && !strcmp(w, "-L"))
				strvec_push(out, json_object_get_string(
							 json_object_array_get_idx(a, ++i)));
		}
	}
	json_object_put(a);
}

/* Whether machine type alias (libvirt's tests keep "pc", "q35") stands for type. */
static int machine_alias_of(const char *alias, const char *type)
{
	static const struct {
		const char *alias, *prefix;
	} aliases[] = { { "pc", "pc-i440fx-" }, { "q35", "pc-q35-" } };

	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(alias, aliases[i].alias) && !strncmp(type, aliases[i].prefix,
								 strlen(aliases[i].prefix)))
			return 1;
	return 0;
}

/*
 * g's -machine with its alias type replaced by r's type, when g's type
 * is an alias of it (into *tmp, which the caller releases); else g.
 */
static const struct rep_opt *machine_unalias(const struct rep_opt *g,
					     const struct rep_opt *r, struct rep_opt *tmp)
{
	const char *gt = NULL, *rt = NULL;
	struct strbuf text = STRBUF_INIT;

	memset(tmp, 0, sizeof(*tmp));
	if (!g || !r || strcmp(g->key, "-machine"))
		return g;
	for (size_t i = 0; i < g->props.nr; i++)
		if (!strncmp(g->props.v[i], "type=", 5))
			gt = g->props.v[i] + 5;
	for (size_t i = 0; i < r->props.nr; i++)
		if (!strncmp(r->props.v[i], "type=", 5))
			rt = r->props.v[i] + 5;
	if (!gt || !rt || !machine_alias_of(gt, rt))
		return g;
	tmp->key = g->key;
	for (size_t i = 0; i < g->props.nr; i++) {
		if (!strncmp(g->props.v[i], "type=", 5))
			strvec_pushf(&tmp->props, "type=%s", rt);
		else
			strvec_push(&tmp->props, g->props.v[i]);
	}
	if (!strncmp(g->text, "{json} ", 7))
		sb_puts(&text, "{json} ");
	for (size_t i = 0; i < tmp->props.nr; i++)
		sb_printf(&text, "%s%s", i ? "," : "", tmp->props.v[i]);
	tmp->text = strbuf_detach(&text);
	return tmp;
}

/* o's text made again from its props (after a change of them). */
static void opt_retext(struct rep_opt *o)
{
	struct strbuf t = STRBUF_INIT;

	if (!strncmp(o->text, "{json} ", 7))
		sb_puts(&t, "{json} ");
	for (size_t i = 0; i < o->props.nr; i++)
		sb_printf(&t, "%s%s", i ? "," : "", o->props.v[i]);
	free(o->text);
	o->text = strbuf_detach(&t);
}

/*
 * What the run's adoption of a domain changes in libvirt's golden argv,
 * made on it once: the run starts every domain under TCG (domain type
 * 'qemu'), so "-accel kvm" is "-accel tcg" and a tap device has no
 * vhost (libvirt uses vhost-net only with KVM); and it never migrates a
 * domain in, which libvirt's tests do for some ("-incoming").
 */
void rep_lvc_golden_adopt(struct rep_argv *g)
{
	for (size_t i = 0; i < g->nr;) {
		struct rep_opt *o = &g->v[i];

		if (!strcmp(o->key, "-incoming")) {
			free(o->key);
			free(o->text);
			strvec_clear(&o->props);
			memmove(o, o + 1, (g->nr - i - 1) * sizeof(*o));
			g->nr--;
			continue;
		}
		if (!strcmp(o->key, "-accel") && o->props.nr == 1 &&
		    !strcmp(o->props.v[0], "accel=kvm")) {
			strvec_clear(&o->props);
			strvec_push(&o->props, "accel=tcg");
			opt_retext(o);
		}
		if (!strncmp(o->key, "-netdev tap", 11)) {
			for (size_t k = 0; k < o->props.nr;) {
				if (!strcmp(o->props.v[k], "vhost=on") ||
				    !strncmp(o->props.v[k], "vhostfd=", 8) ||
				    !strncmp(o->props.v[k], "vhostfds=", 9))
					strvec_remove(&o->props, k);
				else
					k++;
			}
			opt_retext(o);
		}
		i++;
	}
}

/*
 * A stand-in block device for a CD-ROM path (/dev/cdrom, an empty image
 * as a block device) is what libvirt opens as host_device where libvirt's
 * tests have host_cdrom: the same options otherwise.
 */
static int standin_cdrom(const struct rep_opt *g, const struct rep_opt *r)
{
	return !strncmp(g->key, "-blockdev host_cdrom", 20) &&
	       !strncmp(r->key, "-blockdev host_device", 21) && !strcmp(g->text, r->text);
}

static void add_diff(struct rep_lvc_diff **diffs, size_t *n, size_t *alloc, const char *key,
		     const struct rep_opt *g, const struct rep_opt *r)
{
	struct rep_lvc_diff *d;

	ALLOC_GROW(*diffs, *n + 1, *alloc);
	d = &(*diffs)[(*n)++];
	d->key = xstrdup(key);
	d->golden = g ? xstrdup(g->text) : NULL;
	d->real = r ? xstrdup(r->text) : NULL;
	d->detail = rep_opt_detail(g, r);
}

/* Whether a golden-only option of g and a real-only one of r are a stand-in's. */
static int standin_pair(const struct rep_argv *g, const struct rep_argv *r,
			const struct rep_opt *o, int golden)
{
	const struct rep_argv *other = golden ? r : g;

	for (size_t i = 0; i < other->nr; i++) {
		const struct rep_opt *x = &other->v[i];

		if (rep_argv_find(golden ? g : r, x->key, i))
			continue;
		if (golden ? standin_cdrom(o, x) : standin_cdrom(x, o))
			return 1;
	}
	return 0;
}

/*
 * The options where g and r (normalised) differ, g's order first;
 * standins: the run stood in for some of the domain's files.
 */
void rep_lvc_diff_argvs(const struct rep_argv *g, const struct rep_argv *r, int standins,
		       struct rep_lvc_diff **diffs, size_t *n)
{
	size_t alloc = *n;

	for (size_t i = 0; i < g->nr; i++) {
		const struct rep_opt *ro = rep_argv_find(r, g->v[i].key, i), *go;
		struct rep_opt tmp;

		if (!ro && standins && standin_pair(g, r, &g->v[i], 1))
			continue;
		go = machine_unalias(&g->v[i], ro, &tmp);
		if (!ro || strcmp(go->text, ro->text))
			add_diff(diffs, n, &alloc, g->v[i].key, &g->v[i], ro);
		free(tmp.text);
		strvec_clear(&tmp.props);
	}
	for (size_t i = 0; i < r->nr; i++)
		if (!rep_argv_find(g, r->v[i].key, i) &&
		    !(standins && standin_pair(g, r, &r->v[i], 0)))
			add_diff(diffs, n, &alloc, r->v[i].key, NULL, &r->v[i]);
}

void rep_lvc_diffs_free(struct rep_lvc_diff *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].key);
		free(d[i].golden);
		free(d[i].real);
		free(d[i].detail);
	}
	free(d);
}

int rep_lvc_compare(const char *golden, const char *real, const char *golden_name,
		    int adapted, int standins, struct rep_lvc_diff **diffs, size_t *n)
{
	struct strvec keep = STRVEC_INIT;
	struct rep_argv g, r;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	rep_lvc_l_dirs(golden, &keep);
	if (rep_lvc_normalise(golden, &golden_name, 1, 0, NULL, &g))
		goto out;
	if (rep_lvc_normalise(real, &golden_name, 1, adapted, &keep, &r)) {
		rep_argv_release(&g);
		goto out;
	}
	rep_lvc_golden_adopt(&g);
	rep_lvc_diff_argvs(&g, &r, standins, diffs, n);
	rep_argv_release(&g);
	rep_argv_release(&r);
	ret = 0;
out:
	strvec_clear(&keep);
	return ret;
}

