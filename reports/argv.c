/*
 * Normalising a QEMU argv for the mapping report. An argv becomes a list
 * of options, each with a row key ("-device virtio-net-pci", the second
 * "-L" is "-L #1") and its properties: keyval values ("a=b,c=d", with the
 * option's implied first key such as -m's "size") and JSON values
 * ({"driver": ...}, nested keys flattened with dots, booleans as on/off)
 * both become sorted "key=value" lists, so that the same option compares
 * equal whichever way it was written; a JSON value is marked "{json}",
 * so that a switch of syntax still shows.
 *
 * What does not count as a difference: ids and the references to them
 * (id, netdev, chardev, bus, memory-backend, node-name, ...) become
 * <id>; fd numbers <fd>; uuids <uuid>; the domain name libvirt makes
 * up <name>; libvirt's random MAC addresses 52:54:00:<random>; and in
 * paths, a mkdtemp directory ($TMPDIR/vm-run-XXXXXX) becomes <tmp>, an
 * install prefix (.../libvirt/9.0.0, .../qemu/10.0.2) <libvirt-prefix>
 * or <qemu-prefix>, libvirt's domain-N-NAME directory <domain>, a
 * content-addressed file name <hash>. The binary itself (argv[0]) is
 * kept apart.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "banned.h"

struct optspec {
	const char *name;
	const char *implied; /* the key of a first word without '=' */
	const char *label;   /* the key whose value joins the row key */
	int ordered;	     /* keep the order of the properties */
};

/* Sorted by name (strcmp), for bsearch. */
static const struct optspec keyval_opts[] = {
	{ "-M", "type", NULL, 0 },
	{ "-accel", "accel", NULL, 0 },
	{ "-add-fd", NULL, NULL, 0 },
	{ "-audiodev", "driver", "driver", 0 },
	{ "-blockdev", NULL, "driver", 0 },
	{ "-boot", "order", NULL, 0 },
	{ "-chardev", "backend", "backend", 0 },
	{ "-cpu", "model", NULL, 1 },
	{ "-device", "driver", "driver", 0 },
	{ "-display", "type", NULL, 0 },
	{ "-drive", NULL, NULL, 0 },
	{ "-fsdev", "fsdriver", "fsdriver", 0 },
	{ "-fw_cfg", NULL, NULL, 0 },
	{ "-global", NULL, NULL, 0 },
	{ "-iothread", NULL, NULL, 0 },
	{ "-m", "size", NULL, 0 },
	{ "-machine", "type", NULL, 0 },
	{ "-mon", NULL, NULL, 0 },
	{ "-msg", NULL, NULL, 0 },
	{ "-name", "guest", NULL, 0 },
	{ "-net", "type", "type", 0 },
	{ "-netdev", "type", "type", 0 },
	{ "-nic", "type", "type", 0 },
	{ "-numa", "type", NULL, 0 },
	{ "-object", "qom-type", "qom-type", 0 },
	{ "-overcommit", NULL, NULL, 0 },
	{ "-rtc", NULL, NULL, 0 },
	{ "-sandbox", "enable", NULL, 0 },
	{ "-smbios", "type", NULL, 0 },
	{ "-smp", "cpus", NULL, 0 },
	{ "-spice", NULL, NULL, 0 },
	{ "-vnc", "vnc", NULL, 0 },
};

/* Options without an argument, sorted (strcmp) for bsearch. */
static const char *const flag_opts[] = {
	"-S", "-alt-grab", "-ctrl-grab", "-daemonize", "-enable-fips",
	"-enable-kvm", "-full-screen", "-mem-prealloc", "-no-acpi",
	"-no-fd-bootchk", "-no-frame", "-no-hpet", "-no-kvm", "-no-quit",
	"-no-reboot", "-no-shutdown", "-no-user-config", "-nodefaults",
	"-nodefconfig", "-nographic", "-only-migratable", "-preconfig", "-s",
	"-semihosting", "-snapshot", "-usb", "-win2k-hack",
};

/* Keys whose values are ids or references to ids. */
static const char *const id_keys[] = {
	"id",	     "netdev",	 "chardev", "drive",	"fsdev",  "memdev",
	"memory-backend", "bus", "node-name", "iothread", "opaque", "rng",
	"backend-id",	  "masterkey", "secret", "tls-creds", "monitor",
};

static const char *const fd_keys[] = { "fd", "fds", "vhostfd", "vhostfds",
				       "sock_fd" };

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int cmp_spec(const void *key, const void *spec)
{
	return strcmp(key, ((const struct optspec *)spec)->name);
}

static const struct optspec *keyval_spec(const char *name)
{
	return bsearch(name, keyval_opts, ARRAY_SIZE(keyval_opts),
		       sizeof(*keyval_opts), cmp_spec);
}

static int cmp_name(const void *key, const void *name)
{
	return strcmp(key, *(const char *const *)name);
}

static int is_flag_opt(const char *name)
{
	return bsearch(name, flag_opts, ARRAY_SIZE(flag_opts),
		       sizeof(*flag_opts), cmp_name) != NULL;
}

/* ---- values ---- */

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_uuid_at(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };

	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		if (!is_hex(s, (size_t)groups[g]))
			return 0;
		s += groups[g];
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return !isxdigit((unsigned char)*s);
}

/* "vm-run-hTFeA6": a directory mkdtemp made from a vm-<tag>-XXXXXX template. */
static int is_tempdir(const char *c, size_t n)
{
	const char *dash;

	if (n < 11 || strncmp(c, "vm-", 3))
		return 0;
	dash = c + n - 7;
	if (*dash != '-')
		return 0;
	for (size_t i = 1; i <= 6; i++)
		if (!isalnum((unsigned char)dash[i]))
			return 0;
	return 1;
}

static int is_version_word(const char *c, size_t n)
{
	char *w = xstrndup(c, n);
	struct version v;
	int ok = isdigit((unsigned char)c[0]) && !version_parse(w, &v);

	free(w);
	return ok;
}

/*
 * "domain-12-vmx-vm-q35-11373"; and libvirt's tests' "domain--1-QEMUGuest1"
 * (the id of a domain that never ran is -1).
 */
static int is_domain_dir(const char *c, size_t n)
{
	size_t i = 7, d;

	if (n < 9 || strncmp(c, "domain-", 7))
		return 0;
	if (c[i] == '-')
		i++;
	d = i;
	while (i < n && isdigit((unsigned char)c[i]))
		i++;
	return i > d && i < n && c[i] == '-';
}

/* libvirt's memory-backing directory "ram/ID-NAME": "12-vm", "-1-QEMUGuest1". */
static int is_ram_dir(const char *c, size_t n)
{
	size_t i = c[0] == '-', d = i;

	while (i < n && isdigit((unsigned char)c[i]))
		i++;
	return i > d && i + 1 < n && c[i] == '-';
}

/* "2026-12-06T23:13:40": a date and time, as -rtc base= gives one. */
static int is_datetime(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";

	for (size_t i = 0; i < sizeof(form) - 1; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != form[i])
			return 0;
	return !s[sizeof(form) - 1];
}

/* Normalises one path (s[0] == '/') of length n into out. */
static void norm_path(struct strbuf *out, const char *s, size_t n)
{
	const char *c[64];
	size_t len[64], nc = 0, start = 0;

	for (size_t i = 0; i < n && nc < ARRAY_SIZE(c);) {
		size_t e = i;

		while (e < n && s[e] != '/')
			e++;
		if (e > i) {
			c[nc] = s + i;
			len[nc++] = e - i;
		}
		i = e + 1;
	}
	if (nc == ARRAY_SIZE(c)) {
		if (strbuf_add(out, s, n))
			die("norm_path");
		return;
	}
	/* The innermost prefix that varies from run to run. */
	for (size_t i = 0; i < nc; i++) {
		if (is_tempdir(c[i], len[i])) {
			strbuf_reset(out);
			sb_puts(out, "<tmp>");
			start = i + 1;
		} else if (i + 1 < nc && is_version_word(c[i + 1], len[i + 1]) &&
			   ((len[i] == 7 && !strncmp(c[i], "libvirt", 7)) ||
			    (len[i] == 4 && !strncmp(c[i], "qemu", 4)))) {
			strbuf_reset(out);
			sb_puts(out, len[i] == 4 ? "<qemu-prefix>" : "<libvirt-prefix>");
			start = i + 2;
			i++;
		}
	}
	if (!start && nc >= 3 && len[0] == 3 && !strncmp(c[0], "dev", 3) &&
	    len[1] == 5 && !strncmp(c[1], "fdset", 5)) {
		sb_puts(out, "/dev/fdset/<n>");
		return;
	}
	for (size_t i = start; i < nc; i++) {
		size_t stem = strcspn(c[i], ".");

		sb_putc(out, '/');
		if (stem > len[i])
			stem = len[i];
		if (is_domain_dir(c[i], len[i]) ||
		    (i && len[i - 1] == 3 && !strncmp(c[i - 1], "ram", 3) &&
		     is_ram_dir(c[i], len[i]))) {
			sb_puts(out, "<domain>");
		} else if (stem >= 12 && is_hex(c[i], stem)) {
			sb_puts(out, "<hash>");
			if (strbuf_add(out, c[i] + stem, len[i] - stem))
				die("norm_path");
		} else if (strbuf_add(out, c[i], len[i])) {
			die("norm_path");
		}
	}
	if (!nc)
		sb_putc(out, '/');
}

/* Paths (at the start or after a separator) and uuids anywhere in s. */
static char *norm_text(const char *s)
{
	struct strbuf out = STRBUF_INIT;

	for (size_t i = 0; s[i];) {
		if (s[i] == '/' && (!i || strchr(" =,:\"'", s[i - 1]))) {
			size_t n = strcspn(s + i, " ,\"'");
			struct strbuf p = STRBUF_INIT;

			norm_path(&p, s + i, n);
			sb_puts(&out, p.buf);
			strbuf_release(&p);
			i += n;
		} else if (isxdigit((unsigned char)s[i]) &&
			   (!i || !isxdigit((unsigned char)s[i - 1])) && is_uuid_at(s + i)) {
			sb_puts(&out, "<uuid>");
			i += 36;
		} else {
			sb_putc(&out, s[i++]);
		}
	}
	return strbuf_detach(&out);
}

static char *norm_value(const char *key, const char *value)
{
	if (key && in_list(key, id_keys, ARRAY_SIZE(id_keys)))
		return xstrdup("<id>");
	if (key && !strcmp(key, "file") && value[0] != '/')
		return xstrdup("<id>"); /* a -blockdev node reference */
	if (key && in_list(key, fd_keys, ARRAY_SIZE(fd_keys)))
		return xstrdup("<fd>");
	if (key && !strcmp(key, "guest"))
		return xstrdup("<name>");
	if (key && !strcmp(key, "base") && is_datetime(value))
		return xstrdup("<time>"); /* -rtc base=: the clock when it started */
	if (key && !strcmp(key, "mac") && !strncmp(value, "52:54:00:", 9))
		return xstrdup("52:54:00:<random>");
	return norm_text(value);
}

/* ---- properties ---- */

struct kv {
	struct strvec keys, values; /* values[i] NULL: a bare word */
};

static void kv_push(struct kv *kv, const char *k, const char *v)
{
	strvec_push(&kv->keys, k);
	if (v) {
		strvec_push(&kv->values, v);
	} else {
		strvec_push(&kv->values, "");
		free((char *)kv->values.v[kv->values.nr - 1]);
		kv->values.v[kv->values.nr - 1] = NULL;
	}
}

static void kv_clear(struct kv *kv)
{
	strvec_clear(&kv->keys);
	strvec_clear(&kv->values);
}

/* QEMU keyval: items split at ',' (",," is a comma). */
static void parse_keyval(const char *s, const struct optspec *spec, struct kv *kv)
{
	struct strbuf item = STRBUF_INIT;
	int first = 1;

	for (const char *p = s;; p++) {
		if (*p == ',' && p[1] == ',') {
			sb_putc(&item, ',');
			p++;
			continue;
		}
		if (*p && *p != ',') {
			sb_putc(&item, *p);
			continue;
		}
		if (item.len) {
			char *eq = strchr(item.buf, '=');

			if (eq) {
				*eq = '\0';
				kv_push(kv, item.buf, eq + 1);
			} else if (first && spec->implied) {
				kv_push(kv, spec->implied, item.buf);
			} else {
				kv_push(kv, item.buf, NULL);
			}
		}
		first = 0;
		strbuf_reset(&item);
		if (!*p)
			break;
	}
	strbuf_release(&item);
}

static void flatten_json(json_object *o, const char *prefix, struct kv *kv)
{
	struct strbuf k = STRBUF_INIT;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val)
		{
			strbuf_reset(&k);
			sb_printf(&k, "%s%s%s", prefix, *prefix ? "." : "", key);
			flatten_json(val, k.buf, kv);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			strbuf_reset(&k);
			sb_printf(&k, "%s.%zu", prefix, i);
			flatten_json(json_object_array_get_idx(o, i), k.buf, kv);
		}
	} else if (json_object_is_type(o, json_type_boolean)) {
		kv_push(kv, prefix, json_object_get_boolean(o) ? "on" : "off");
	} else if (!o) {
		kv_push(kv, prefix, "null");
	} else {
		kv_push(kv, prefix, json_object_get_string(o));
	}
	strbuf_release(&k);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Builds opt's props, text and label from its argument. */
static void option_value(struct rep_opt *opt, const char *name, const char *arg,
			 struct strbuf *label, json_tokener **tok)
{
	const struct optspec *spec = keyval_spec(name);
	struct kv kv = { STRVEC_INIT, STRVEC_INIT };
	struct strbuf text = STRBUF_INIT;
	int json = 0;

	if (!arg) {
		opt->text = xstrdup("(set)"); /* a flag such as -S */
		return;
	}
	if (!spec && !strncmp(arg, "chardev:", 8)) {
		/* -serial, -parallel, -monitor chardev:ID */
		strvec_push(&opt->props, "chardev:<id>");
		opt->text = xstrdup("chardev:<id>");
		return;
	}
	if (!spec) {
		char *v = norm_text(arg);

		strvec_push(&opt->props, v);
		opt->text = v;
		return;
	}
	if (arg[0] == '{') {
		json_object *o;

		/* one tokener for every value of an argv: json_tokener_parse makes one each */
		if (!*tok)
			*tok = json_tokener_new();
		json_tokener_reset(*tok);
		o = json_tokener_parse_ex(*tok, arg, -1);
		if (json_tokener_get_error(*tok) != json_tokener_success) {
			json_object_put(o);
			o = NULL;
		}

		if (o && json_object_is_type(o, json_type_object)) {
			flatten_json(o, "", &kv);
			json = 1;
		}
		json_object_put(o);
	}
	if (!json)
		parse_keyval(arg, spec, &kv);
	for (size_t i = 0; i < kv.keys.nr; i++) {
		const char *k = kv.keys.v[i], *v = kv.values.v[i];
		char *nv;

		if (!v) {
			strvec_push(&opt->props, k);
			continue;
		}
		nv = norm_value(k, v);
		if (spec->label && !strcmp(k, spec->label) && !label->len)
			sb_puts(label, nv);
		else
		{
			struct strbuf kv_ = STRBUF_INIT;

			sb_puts(&kv_, k);
			sb_putc(&kv_, '=');
			sb_puts(&kv_, nv);
			strvec_push(&opt->props, kv_.buf);
			strbuf_release(&kv_);
		}
		free(nv);
	}
	if (!spec->ordered)
		sort_array(opt->props.v, opt->props.nr, sizeof(*opt->props.v), cmp_str);
	if (json)
		sb_puts(&text, "{json} ");
	for (size_t i = 0; i < opt->props.nr; i++)
	{
		if (i)
			sb_putc(&text, ',');
		sb_puts(&text, opt->props.v[i]);
	}
	opt->text = strbuf_detach(&text);
	kv_clear(&kv);
}

/* "[vm1]": where a VM's argv begins in the argv of a job of several. */
static int vm_marker(const char *w)
{
	size_t n = strlen(w), k = strspn(w + 1, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "0123456789_.-");

	return n > 2 && w[0] == '[' && k == n - 2 && w[n - 1] == ']';
}

/* ---- the memo of option values, and the count of each row key ---- */

uint64_t rep_hash_add(uint64_t h, const char *s, size_t n)
{
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	for (; n; s++, n--) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* What option_value made of (name, arg); arg NULL: a flag. */
struct memo_entry {
	uint64_t hash;
	char *name, *arg;
	char *text, *label; /* label NULL: none */
	struct strvec props;
};

/* A row key, kept once for every argv that has it. */
struct memo_key {
	uint64_t hash;
	char *key;
};

/* An open-addressing index: slots hold index + 1, 0 is empty. */
struct memo_index {
	size_t *slots;
	size_t nslots; /* a power of two */
};

struct rep_argv_memo {
	struct memo_entry *v;
	size_t nr, alloc;
	struct memo_index vi;
	struct memo_key *keys;
	size_t nkeys, akeys;
	struct memo_index ki;
	json_tokener *tok;
};

struct rep_argv_memo *rep_argv_memo_new(void)
{
	return xcalloc(1, sizeof(struct rep_argv_memo));
}

void rep_argv_memo_free(struct rep_argv_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr; i++) {
		free(m->v[i].name);
		free(m->v[i].arg);
		free(m->v[i].text);
		free(m->v[i].label);
		strvec_clear(&m->v[i].props);
	}
	free(m->v);
	free(m->vi.slots);
	for (size_t i = 0; i < m->nkeys; i++)
		free(m->keys[i].key);
	free(m->keys);
	free(m->ki.slots);
	if (m->tok)
		json_tokener_free(m->tok);
	free(m);
}

/*
 * Makes room in x for one more of nr items, whose hashes hash_of gives:
 * at most half of the slots are used.
 */
static void index_room(struct memo_index *x, size_t nr, const void *items,
		       uint64_t (*hash_of)(const void *items, size_t i))
{
	size_t mask;

	if (2 * (nr + 1) <= x->nslots)
		return;
	free(x->slots);
	x->nslots = x->nslots ? 2 * x->nslots : 256;
	x->slots = xcalloc(x->nslots, sizeof(*x->slots));
	mask = x->nslots - 1;
	for (size_t i = 0; i < nr; i++) {
		size_t at = (size_t)hash_of(items, i) & mask;

		while (x->slots[at])
			at = (at + 1) & mask;
		x->slots[at] = i + 1;
	}
}

static uint64_t entry_hash(const void *items, size_t i)
{
	return ((const struct memo_entry *)items)[i].hash;
}

static uint64_t key_hash(const void *items, size_t i)
{
	return ((const struct memo_key *)items)[i].hash;
}

/* key as m keeps it: the same string for every argv that has it. */
static char *memo_key(struct rep_argv_memo *m, const char *key, size_t len)
{
	uint64_t h = rep_hash_add(REP_HASH_INIT, key, len);
	size_t at, mask;

	index_room(&m->ki, m->nkeys, m->keys, key_hash);
	mask = m->ki.nslots - 1;
	for (at = (size_t)h & mask; m->ki.slots[at]; at = (at + 1) & mask) {
		struct memo_key *k = &m->keys[m->ki.slots[at] - 1];

		if (k->hash == h && !strcmp(k->key, key))
			return k->key;
	}
	ALLOC_GROW(m->keys, m->nkeys + 1, m->akeys);
	m->keys[m->nkeys].hash = h;
	m->keys[m->nkeys].key = xstrndup(key, len);
	m->ki.slots[at] = ++m->nkeys;
	return m->keys[m->nkeys - 1].key;
}

/* e's value lent to opt: its strings stay e's. */
static void lend(struct rep_opt *opt, const struct memo_entry *e)
{
	opt->text = e->text;
	opt->props.v = e->props.v;
	opt->props.nr = e->props.nr;
	opt->props.alloc = 0;
}

/*
 * option_value, made once for each (name, arg) that m has seen; with m,
 * what opt gets is lent by m.
 */
static void option_value_memo(struct rep_argv_memo *m, struct rep_opt *opt,
			      const char *name, const char *arg,
			      struct strbuf *label, json_tokener **tok)
{
	uint64_t h;
	size_t at, mask;
	struct memo_entry *e;

	if (!m) {
		option_value(opt, name, arg, label, tok);
		return;
	}
	h = rep_hash_add(REP_HASH_INIT, name, strlen(name) + 1);
	if (arg)
		h = rep_hash_add(h, arg, strlen(arg) + 1);
	index_room(&m->vi, m->nr, m->v, entry_hash);
	mask = m->vi.nslots - 1;
	for (at = (size_t)h & mask; m->vi.slots[at]; at = (at + 1) & mask) {
		e = &m->v[m->vi.slots[at] - 1];
		if (e->hash == h && !strcmp(e->name, name) && !e->arg == !arg &&
		    (!arg || !strcmp(e->arg, arg))) {
			lend(opt, e);
			if (e->label)
				sb_puts(label, e->label);
			return;
		}
	}
	option_value(opt, name, arg, label, tok);
	ALLOC_GROW(m->v, m->nr + 1, m->alloc);
	e = &m->v[m->nr];
	e->hash = h;
	e->name = xstrdup(name);
	e->arg = arg ? xstrdup(arg) : NULL;
	e->text = opt->text;
	e->label = label->len ? xstrdup(label->buf) : NULL;
	e->props = opt->props;
	lend(opt, e);
	m->vi.slots[at] = ++m->nr;
}

/* How many times each row key came before, in one argv. */
struct key_count {
	uint64_t hash;
	size_t opt, len; /* the key is out->v[opt].key[0..len) */
	size_t count;
};

struct key_counts {
	struct key_count *v;
	size_t nr, mask;
	size_t *slots; /* index + 1 into v, 0: empty */
};

/* The times key[0..len) was counted before; counts it. */
static size_t key_count(struct key_counts *kc, const struct rep_argv *out,
			const char *key, size_t len, size_t opt)
{
	uint64_t h = rep_hash_add(REP_HASH_INIT, key, len);
	size_t at;

	for (at = (size_t)h & kc->mask; kc->slots[at];
	     at = (at + 1) & kc->mask) {
		struct key_count *c = &kc->v[kc->slots[at] - 1];

		if (c->hash == h && c->len == len &&
		    !memcmp(out->v[c->opt].key, key, len))
			return c->count++;
	}
	kc->v[kc->nr].hash = h;
	kc->v[kc->nr].opt = opt;
	kc->v[kc->nr].len = len;
	kc->v[kc->nr].count = 1;
	kc->slots[at] = ++kc->nr;
	return 0;
}

/* ---- the argv ---- */

/* " #ord", as sb_printf(sb, " #%zu", ord) would put it. */
static void sb_put_ord(struct strbuf *sb, size_t ord)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + ord % 10);
		ord /= 10;
	} while (ord);
	d[--i] = '#';
	d[--i] = ' ';
	if (strbuf_add(sb, d + i, sizeof(d) - i))
		die("sb_put_ord");
}

static int normalise_json(json_object *a, struct rep_argv_memo *memo,
			  struct rep_argv *out);

static int normalise_words(const char *const *w, size_t n,
			   struct rep_argv_memo *memo, struct rep_argv *out)
{
	json_tokener *own_tok = NULL, **tok = memo ? &memo->tok : &own_tok;
	struct key_counts kc = { NULL, 0, 0, NULL };
	struct strbuf label = STRBUF_INIT, key = STRBUF_INIT;
	size_t nslots = 16, alloc = 0;
	char *vm = NULL;

	memset(out, 0, sizeof(*out));
	if (!n)
		return -1;
	out->borrowed = memo != NULL;
	while (nslots < 2 * n)
		nslots *= 2;
	kc.v = xmalloc(n * sizeof(*kc.v));
	kc.slots = xcalloc(nslots, sizeof(*kc.slots));
	kc.mask = nslots - 1;
	/* mostly options with an argument */
	ALLOC_GROW(out->v, n / 2 + 1, alloc);
	for (size_t i = 0; i < n; i++) {
		const char *name = w[i];
		const char *arg = NULL;
		struct rep_opt *opt;
		size_t ord;

		/*
		 * A job of several VMs records each VM's argv after a "[NAME]"
		 * element (runner/direct.c): the binary follows it, and the
		 * VM's options are keyed "[NAME] -device ...".
		 */
		if (vm_marker(name) && i + 1 < n) {
			free(vm);
			vm = xstrdup(name);
			name = w[++i];
		}
		if (!out->binary || i == 0 || vm_marker(w[i - 1])) {
			if (!out->binary)
				out->binary = xstrdup(name);
			continue;
		}

		if (name[0] == '-' && name[1] == '-')
			name++; /* --device is -device */
		if (name[0] == '-' && !is_flag_opt(name) && i + 1 < n) {
			const char *next = w[i + 1];

			if (next[0] != '-' || keyval_spec(name)) {
				arg = next;
				i++;
			}
		}
		ALLOC_GROW(out->v, out->nr + 1, alloc);
		opt = &out->v[out->nr++];
		memset(opt, 0, sizeof(*opt));
		if (name[0] != '-') {
			/* A stray word: kept as what it is. */
			arg = name;
			name = "(argument)";
		}
		strbuf_reset(&label);
		strbuf_reset(&key);
		option_value_memo(memo, opt, name, arg, &label, tok);
		if (vm) {
			sb_puts(&key, vm);
			sb_putc(&key, ' ');
		}
		sb_puts(&key, name);
		if (label.len) {
			sb_putc(&key, ' ');
			sb_puts(&key, label.buf);
		}
		ord = key_count(&kc, out, key.buf, key.len, out->nr - 1);
		if (ord)
			sb_put_ord(&key, ord);
		opt->key = memo ? memo_key(memo, key.buf, key.len)
				: xstrndup(key.buf, key.len);
	}
	strbuf_release(&label);
	strbuf_release(&key);
	free(kc.v);
	free(kc.slots);
	free(vm);
	if (own_tok)
		json_tokener_free(own_tok);
	return 0;
}

static int is_json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The strings of json when it is an array of strings of plain ASCII and
 * one-character escapes ("\"", "\n", ...): into *buf one after another,
 * *w their starts. 1 when json is anything else, for json-c to read.
 */
static int scan_words(const char *json, char **buf, const char ***w, size_t *n)
{
	static const char esc[] = "\"\\/bfnrt", esc_is[] = "\"\\/\b\f\n\r\t";
	const char *p = json;
	const char **v = NULL;
	char *b = xmalloc(strlen(json) + 1), *o = b;
	size_t nr = 0, alloc = 0;

	while (is_json_ws(*p))
		p++;
	if (*p++ != '[')
		goto other;
	while (is_json_ws(*p))
		p++;
	for (;;) {
		if (*p++ != '"')
			goto other;
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = o;
		for (;;) {
			unsigned char c = (unsigned char)*p++;

			if (c == '"')
				break;
			if (c < 0x20 || c >= 0x80)
				goto other;
			if (c == '\\') {
				const char *e = *p ? strchr(esc, *p) : NULL;

				if (!e)
					goto other;
				c = (unsigned char)esc_is[e - esc];
				p++;
			}
			*o++ = (char)c;
		}
		*o++ = '\0';
		while (is_json_ws(*p))
			p++;
		if (*p != ',')
			break;
		p++;
		while (is_json_ws(*p))
			p++;
	}
	if (*p++ != ']')
		goto other;
	while (is_json_ws(*p))
		p++;
	if (*p)
		goto other;
	*buf = b;
	*w = v;
	*n = nr;
	return 0;
other:
	free(b);
	free(v);
	return 1;
}

int rep_argv_normalise(const char *json, struct rep_argv *out)
{
	return rep_argv_normalise_memo(json, NULL, out);
}

int rep_argv_normalise_memo(const char *json, struct rep_argv_memo *memo,
			    struct rep_argv *out)
{
	char *buf = NULL;
	const char **w = NULL;
	size_t n = 0;
	json_object *a;
	int rc;

	if (json && !scan_words(json, &buf, &w, &n)) {
		rc = normalise_words(w, n, memo, out);
		free(buf);
		free(w);
		return rc;
	}
	a = json ? json_tokener_parse(json) : NULL;
	rc = normalise_json(a, memo, out);
	json_object_put(a);
	return rc;
}

static int normalise_json(json_object *a, struct rep_argv_memo *memo,
			  struct rep_argv *out)
{
	const char **w;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!a || !json_object_is_type(a, json_type_array) ||
	    !(n = json_object_array_length(a)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(a, i),
					 json_type_string))
			return -1;
	w = xmalloc(n * sizeof(*w));
	for (size_t i = 0; i < n; i++)
		w[i] = json_object_get_string(json_object_array_get_idx(a, i));
	rc = normalise_words(w, n, memo, out);
	free(w);
	return rc;
}

int rep_argv_normalise_json(json_object *a, struct rep_argv *out)
{
	return normalise_json(a, NULL, out);
}

void rep_argv_release(struct rep_argv *a)
{
	for (size_t i = 0; i < a->nr && !a->borrowed; i++) {
		free(a->v[i].key);
		free(a->v[i].text);
		strvec_clear(&a->v[i].props);
	}
	free(a->v);
	free(a->binary);
	memset(a, 0, sizeof(*a));
}

/* ---- what changed between two values of one option ---- */

const struct rep_opt *rep_argv_find(const struct rep_argv *a, const char *key, size_t hint)
{
	for (size_t k = 0; k < a->nr; k++) {
		size_t i = (hint + k) % a->nr;

		if (!strcmp(a->v[i].key, key))
			return &a->v[i];
	}
	return NULL;
}

static const char *prop_value(const char *prop, size_t *klen)
{
	const char *eq = strchr(prop, '=');

	*klen = eq ? (size_t)(eq - prop) : strlen(prop);
	return eq ? eq + 1 : NULL;
}

static const char *find_prop(const struct strvec *props, const char *key,
			     size_t klen)
{
	for (size_t i = 0; i < props->nr; i++) {
		size_t l;

		prop_value(props->v[i], &l);
		if (l == klen && !strncmp(props->v[i], key, klen))
			return props->v[i];
	}
	return NULL;
}

char *rep_opt_detail(const struct rep_opt *a, const struct rep_opt *b)
{
	struct strbuf d = STRBUF_INIT;

	if (!a || !b) {
		sb_printf(&d, "%s %s", a ? "removed" : "added",
			  a ? a->text : b->text);
		strbuf_rtrim(&d);
		return strbuf_detach(&d);
	}
	if (!strncmp(a->text, "{json} ", 7) != !strncmp(b->text, "{json} ", 7))
		sb_printf(&d, "%s", !strncmp(b->text, "{json} ", 7)
					    ? "now JSON" : "no longer JSON");
	for (size_t i = 0; i < a->props.nr; i++) {
		size_t l;
		const char *v = prop_value(a->props.v[i], &l);
		const char *o = find_prop(&b->props, a->props.v[i], l);

		if (!o)
			sb_printf(&d, "%s-%s", d.len ? ", " : "", a->props.v[i]);
		else if (strcmp(o, a->props.v[i]))
			sb_printf(&d, "%s%.*s: %s -> %s", d.len ? ", " : "", (int)l,
				  a->props.v[i], v ? v : "(set)",
				  prop_value(o, &l) ? prop_value(o, &l) : "(set)");
	}
	for (size_t i = 0; i < b->props.nr; i++) {
		size_t l;

		prop_value(b->props.v[i], &l);
		if (!find_prop(&a->props, b->props.v[i], l))
			sb_printf(&d, "%s+%s", d.len ? ", " : "", b->props.v[i]);
	}
	return strbuf_detach(&d);
}
