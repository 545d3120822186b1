/*
 * The fingerprint's text (abi.h): pure functions from the replies of one
 * machine type's session to sorted, normalised lines and their sha256.
 * HMP "info qtree" is flattened to one line per property under a stable
 * path (a device is "#id", or "type[n]" by its place among its kind on
 * its bus; addresses not assigned yet are dropped), query-pci gives IDs,
 * classes and BARs, the CPU expansion its properties, the machine
 * object the properties that are guest ABI, and abiqom.c what qtree does
 * not show of a few other objects. The machine type's name
 * becomes "<machine>" so that equal ABIs give equal text. The unit tests
 * feed these functions recorded transcripts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "canon.h"
#include "qmp.h"
#include "banned.h"

/*
 * Machine properties that are not part of the guest ABI, so neither
 * asked (QEMU reads each request byte by byte: a qom-get costs it some
 * 0.4 ms) nor fingerprinted:
 *   - rtc-time changes with the wall clock;
 *   - type is the machine type's own name, "<machine>" once normalised;
 *   - the others name what the host gives the guest or how the host
 *     treats its memory: files and a command line for a direct boot,
 *     backends, confidential-guest objects, core dumps, page merging and
 *     sharing. They are empty or host policy unless set on the command
 *     line, which the probe never does, and the guest never sees them.
 * Everything else (smm, acpi, hpet, memory, smp, boot, usb, ...) is kept,
 * and so is any property this list does not know.
 */
static const char *const not_abi_machine_props[] = {
	"rtc-time", "type", "kernel", "initrd", "append", "dtb", "dumpdtb",
	"firmware", "shim", "dt-compatible", "memory-backend",
	"memory-encryption", "confidential-guest-support", "dump-guest-core",
	"mem-merge", "aux-ram-share", "pcspk-audiodev",
};

static int is_abi_prop(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_abi_machine_props); i++)
		if (!strcmp(name, not_abi_machine_props[i]))
			return 0;
	return 1;
}

/*
 * A machine property whose value is part of the fingerprint: not a
 * child<> or link<> (the objects are in the qtree and PCI view), and
 * part of the guest ABI.
 */
int abi_prop_wanted(const char *type, const char *name)
{
	return type && name && strncmp(type, "child<", 6) &&
	       strncmp(type, "link<", 5) && is_abi_prop(name);
}

json_object *abi_props_from_list_get(json_object *ret)
{
	json_object *out = json_object_new_object(), *props;
	json_object *first = qmp_array_len(ret) ? json_object_array_get_idx(ret, 0)
						: NULL;

	props = qmp_get(first, "properties", json_type_array);
	for (size_t i = 0; i < qmp_array_len(props); i++) {
		json_object *p = json_object_array_get_idx(props, i), *v = NULL;
		const char *name = qmp_get_string(p, "name");

		/* No "value": its getter failed, as a failed qom-get. */
		if (abi_prop_wanted(qmp_get_string(p, "type"), name) &&
		    json_object_object_get_ex(p, "value", &v))
			json_object_object_add(out, name, json_object_get(v));
	}
	return out;
}


int abi_is_versioned(const char *m)
{
	const char *dash = strrchr(m, '-');
	int dots = 0;

	if (!dash || !isdigit((unsigned char)dash[1]))
		return 0;
	for (const char *p = dash + 1; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			return 0;
	}
	return dots >= 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- info qtree ---- */

/* A bus or a device on the way down the tree. */
struct frame {
	size_t indent;
	int is_bus;
	char *path;
	struct strvec seen; /* on a bus: the type of each device so far */
};

/* A device's name under its bus: "#id", else "type[n]", n-th of its type. */
static char *device_segment(struct frame *bus, const char *rest)
{
	const char *comma = strstr(rest, ", id \"");
	struct strbuf seg = STRBUF_INIT;
	size_t tlen = comma ? (size_t)(comma - rest) : strlen(rest);
	char *type = xstrndup(rest, tlen);
	int n = 0;

	if (comma && comma[6] && comma[6] != '"') {
		const char *id = comma + 6;

		sb_puts(&seg, "#");
		if (strbuf_add(&seg, id, strcspn(id, "\"")))
			die("device_segment");
	} else {
		for (size_t i = 0; bus && i < bus->seen.nr; i++)
			n += !strcmp(bus->seen.v[i], type);
		sb_printf(&seg, "%s[%d]", type, n);
	}
	if (bus)
		strvec_push(&bus->seen, type);
	free(type);
	return strbuf_detach(&seg);
}

/* "bar 1: mem at 0xffffffffffffffff [0xffe]" -> "bar 1: mem [0xffe]" */
static void drop_addresses(struct strbuf *line)
{
	char *at = strstr(line->buf, " at 0x");
	char *br = at ? strchr(at, '[') : NULL;

	if (br) {
		memmove(at + 1, br, strlen(br) + 1);
		line->len = strlen(line->buf);
	}
}

void abi_flatten_qtree(const char *qtree, struct strvec *out)
{
	struct frame st[128];
	int top = -1;
	const char *p = qtree;

	while (*p) {
		size_t n = strcspn(p, "\r\n"), ind;
		char *line = xstrndup(p, n);
		const char *body, *rest;
		const char *parent;

		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
		ind = strspn(line, " ");
		body = line + ind;
		if (!*body) {
			free(line);
			continue;
		}
		/* Leave every bus and device this line is not inside of. */
		while (top >= 0 && st[top].indent >= ind) {
			free(st[top].path);
			strvec_clear(&st[top].seen);
			top--;
		}
		parent = top >= 0 ? st[top].path : "";
		if ((skip_prefix(body, "bus: ", &rest) ||
		     skip_prefix(body, "dev: ", &rest)) &&
		    top < 127) {
			int is_bus = body[0] == 'b';
			struct strbuf path = STRBUF_INIT;
			char *seg = is_bus ? xstrdup(rest)
					   : device_segment(top >= 0 && st[top].is_bus
								    ? &st[top]
								    : NULL,
							    rest);

			sb_printf(&path, "%s/%s", parent, seg);
			free(seg);
			top++;
			st[top].indent = ind;
			st[top].is_bus = is_bus;
			st[top].path = strbuf_detach(&path);
			memset(&st[top].seen, 0, sizeof(st[top].seen));
			if (!is_bus) {
				const char *comma = strchr(rest, ',');

				strvec_pushf(out, "qtree %s type = %.*s", st[top].path,
					     comma ? (int)(comma - rest) : (int)strlen(rest),
					     rest);
			}
		} else {
			struct strbuf l = STRBUF_INIT;

			sb_puts(&l, body);
			drop_addresses(&l);
			strvec_pushf(out, "qtree %s %s%s", parent,
				     strstr(body, " = ") ? "" : ": ", l.buf);
			strbuf_release(&l);
		}
		free(line);
	}
	while (top >= 0) {
		free(st[top].path);
		strvec_clear(&st[top].seen);
		top--;
	}
}

/* ---- query-pci, cpu expansion, machine properties ---- */

/*
 * The readers below take replies checked by abi_reply_check, and still
 * read them through qmp.h's typed getters: a member of another type
 * reads as absent (-1 for a number), never as json-c's conversion.
 */
static long jint(json_object *o, const char *k)
{
	return (long)qmp_get_int(o, k, -1);
}

static void pci_bus_lines(json_object *bus, const char *where, struct strvec *out)
{
	json_object *devs = qmp_get(bus, "devices", json_type_array);

	for (size_t i = 0; i < qmp_array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *id, *cls,
			    *regions, *bridge;
		char at[64];

		snprintf(at, sizeof(at), "%s%02lx.%lx", where, jint(d, "slot"),
			 jint(d, "function"));
		/* query-pci has no revision; qtree has the rest of the device. */
		id = qmp_get(d, "id", json_type_object);
		if (id) {
			strvec_pushf(out, "pci %s id = %04lx:%04lx", at,
				     jint(id, "vendor"), jint(id, "device"));
			if (jint(id, "subsystem") >= 0)
				strvec_pushf(out, "pci %s subsystem = %04lx:%04lx",
					     at, jint(id, "subsystem-vendor"),
					     jint(id, "subsystem"));
		}
		cls = qmp_get(d, "class_info", json_type_object);
		if (cls)
			strvec_pushf(out, "pci %s class = %04lx", at,
				     jint(cls, "class"));
		if (jint(d, "irq_pin") >= 0)
			strvec_pushf(out, "pci %s irq_pin = %ld", at,
				     jint(d, "irq_pin"));
		regions = qmp_get(d, "regions", json_type_array);
		for (size_t k = 0; k < qmp_array_len(regions); k++) {
			json_object *r = json_object_array_get_idx(regions, k);
			const char *type = qmp_get_string(r, "type");

			strvec_pushf(out, "pci %s bar%ld = %s size %ld%s%s", at,
				     jint(r, "bar"), type ? type : "?",
				     jint(r, "size"),
				     qmp_get_bool(r, "prefetch") ? " prefetch" : "",
				     qmp_get_bool(r, "mem_type_64") ? " 64bit" : "");
		}
		bridge = qmp_get(d, "pci_bridge", json_type_object);
		if (bridge) {
			char sub[80];

			snprintf(sub, sizeof(sub), "%s>", at);
			if (json_object_object_get_ex(bridge, "bus", NULL))
				strvec_pushf(out, "pci %s bridge", at);
			pci_bus_lines(bridge, sub, out);
		}
	}
}

static void pci_lines(json_object *buses, struct strvec *out)
{
	for (size_t i = 0; i < qmp_array_len(buses); i++) {
		json_object *b = json_object_array_get_idx(buses, i);
		char where[32];

		snprintf(where, sizeof(where), "%ld:", jint(b, "bus"));
		pci_bus_lines(b, where, out);
	}
}

static void cpu_lines(json_object *exp, struct strvec *out)
{
	json_object *model = qmp_get(exp, "model", json_type_object), *props;
	const char *name = qmp_get_string(model, "name");

	if (!model)
		return;
	strvec_pushf(out, "cpu model = %s", name ? name : "?");
	props = qmp_get(model, "props", json_type_object);
	if (!props)
		return;
	json_object_object_foreach(props, k, v)
	{
		strvec_pushf(out, "cpu %s = %s", k,
			     json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
}

/* Replaces every occurrence of name in s by "<machine>". */
static char *normalize(const char *s, const char *name)
{
	struct strbuf o = STRBUF_INIT;
	size_t n = strlen(name);
	const char *hit;

	while ((hit = strstr(s, name))) {
		if (strbuf_add(&o, s, (size_t)(hit - s)))
			die("normalize");
		sb_puts(&o, "<machine>");
		s = hit + n;
	}
	sb_puts(&o, s);
	return strbuf_detach(&o);
}

char *abi_text(const char *machine, struct strvec *lines,
	       char sha[SHA256_HEX_LEN + 1])
{
	struct strbuf t = STRBUF_INIT;
	struct strbuf typename = STRBUF_INIT;

	sb_printf(&typename, "%s-machine", machine);
	for (size_t i = 0; i < lines->nr; i++) {
		char *a = normalize(lines->v[i], typename.buf);
		char *b = normalize(a, machine);

		free((char *)lines->v[i]);
		lines->v[i] = b;
		free(a);
	}
	sort_array(lines->v, lines->nr, sizeof(*lines->v), cmp_str);
	for (size_t i = 0; i < lines->nr; i++)
		sb_printf(&t, "%s\n", lines->v[i]);
	sha256_hex(t.buf, t.len, sha);
	strbuf_release(&typename);
	return strbuf_detach(&t);
}

void abi_lines(const struct abi_replies *r, struct strvec *out)
{
	if (r->qtree)
		abi_flatten_qtree(r->qtree, out);
	else
		strvec_push(out, "qtree unavailable");
	if (r->pci)
		pci_lines(r->pci, out);
	if (r->cpu)
		cpu_lines(r->cpu, out);
	else
		strvec_push(out, "cpu unavailable");
	if (json_object_is_type(r->machine, json_type_object)) {
		json_object_object_foreach(r->machine, k, v)
		{
			if (!is_abi_prop(k))
				continue;
			strvec_pushf(out, "machine %s = %s", k,
				     json_object_to_json_string_ext(
					     v, JSON_C_TO_STRING_PLAIN));
		}
	}
	abi_qom_lines(r->qtree, r->qom_tree, r->qom, out);
}

/* One component of a path: "TYPE[n]" is TYPE, "#id" the canonical device's type. */
static void path_component_type(const char *c, size_t len, struct strvec *out)
{
	char buf[128];
	size_t n;

	if (len && c[0] == '#') {
		char id[64];

		if (len - 1 < sizeof(id)) {
			memcpy(id, c + 1, len - 1);
			id[len - 1] = '\0';
			if (canon_type_of_id(id, buf, sizeof(buf)) && !strvec_has(out, buf))
				strvec_push(out, buf);
		}
		return;
	}
	for (n = 0; n < len && c[n] != '['; n++)
		;
	if (!n || n == len || c[len - 1] != ']' || n >= sizeof(buf))
		return;
	for (size_t k = n + 1; k + 1 < len; k++)
		if (!isdigit((unsigned char)c[k]))
			return;
	memcpy(buf, c, n);
	buf[n] = '\0';
	if (!strvec_has(out, buf))
		strvec_push(out, buf);
}

void abi_text_types(const char *text, struct strvec *out)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n'), *p = NULL;
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		if (len > 6 && !strncmp(line, "qtree ", 6))
			p = line + 6;
		else if (len > 4 && !strncmp(line, "qom ", 4))
			p = line + 4;
		if (p) {
			const char *end = p;

			/* The path ends at the first blank. */
			while (end < line + len && *end != ' ')
				end++;
			for (const char *c = p; c < end;) {
				size_t clen = 0;

				while (c + clen < end && c[clen] != '/')
					clen++;
				path_component_type(c, clen, out);
				c += clen + (c + clen < end);
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}
