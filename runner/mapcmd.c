/*
 * `virt-matrix map` (mapcmd.h): a scenario file's QEMU command lines,
 * every VM for every chosen QEMU install, without running anything.
 * cmd_map reads the options, the scenario (scenario_find, as `run`
 * names one) and the probe records (map_targets_load); map_write maps
 * and writes, from the scenario and the caps alone.
 *
 * The store is only read: once open (store_open, which upgrades an older
 * schema as every command does), it is switched to query_only and does
 * not checkpoint its write-ahead log on close, so that map writes
 * nothing, even as the last one to close a store that others wrote.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mapcmd.h"
#include "binaries.h"
#include "fs.h"
#include "runs.h"
#include "version.h"
#include "banned.h"

static const char usage[] =
	"usage: virt-matrix map SCENARIO... [--qemu VERSION]... [--accel kvm|tcg]\n"
	"                       [--json] [--db PATH]\n"
	"\n"
	"Shows the QEMU command line of every VM of scenario files for each\n"
	"QEMU install the store has a probe record of, as the mapper makes it\n"
	"from what that QEMU can do: nothing is run, the store is only read.\n"
	"SCENARIO is named as 'virt-matrix run --scenario' names one: a bundled\n"
	"scenario (vm-q35), one of DPDK DTS's files shipped in scenarios/dts/\n"
	"(dts/sriov_kvm.cfg, dts/scene/vf_passthrough.cfg), or a path to a .cfg\n"
	"file. Each VM's command line is one line, quoted for a POSIX shell;\n"
	"what only a run knows is a placeholder: <kernel>, <initrd>, <rundir>\n"
	"(the VM's run directory, for sockets), <lab-device> (the lab VM's\n"
	"device); an SR-IOV VF is host=VF<n>-OF-PF<m> and a host port\n"
	"host=PF<m>, for the PCI address the host gives it. The guest boots the\n"
	"runner's kernel, with the file's disks attached. Under each line come\n"
	"the notes: how the mapping adapted to that QEMU version (DTS's -net\n"
	"...,vlan= as a hub or a -netdev pair, pci-assign as vfio-pci...) and\n"
	"what the host must provide; a VM that QEMU version cannot express at\n"
	"all shows the reason instead. The file's and each VM's own notes say\n"
	"what the mapping does not act on. Several scenarios are mapped one\n"
	"after the other in one process (virt-matrix map scenarios/dts/*.cfg).\n"
	"\n"
	"  --qemu VERSION   a QEMU install (see 'virt-matrix ark list'), which\n"
	"                   must have a probe record; repeatable; default: every\n"
	"                   install with one, in version order\n"
	"  --accel A        kvm (default: what DTS runs on) or tcg, under which\n"
	"                   cpu model=host becomes max\n"
	"  --json           one JSON document instead of text: {scenario, accel,\n"
	"                   notes, vms: [{name, line, notes, qemus: [{version,\n"
	"                   qemu_version, argv, notes, error}]}]}; argv starts\n"
	"                   with the binary, error is null or the reason; for\n"
	"                   several scenarios, an array of such documents\n"
	"  --db PATH        store (env VIRT_MATRIX_DB)\n"
	"\n"
	"Exit status: 0 when the mappings were written (a VM that a version\n"
	"cannot express is part of them), 1 on an error (a scenario that does\n"
	"not load: the others are still mapped; an install without a probe\n"
	"record), 129 on a usage mistake.\n";

static int cmp_target(const void *a, const void *b)
{
	const struct map_target *x = a, *y = b;

	return version_strcmp(x->install, y->install);
}

void map_targets_free(struct map_target *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].install);
		free(t[i].binary);
	}
	free(t);
}

/* The install named name among in[0..n), or NULL. */
static const struct binary_install *find_install(const struct binary_install *in,
						 size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(in[i].install, name))
			return &in[i];
	return NULL;
}

/* One target from install b into *t; -1 after reporting. */
static int target_of(struct store *st, const struct binary_install *b,
		     struct map_target *t)
{
	if (!b->binary)
		return error("QEMU install '%s' has no complete probe record; run "
			     "'virt-matrix probe %s' first",
			     b->install, b->install);
	t->install = xstrdup(b->install);
	t->binary = xstrdup(b->binary_path ? b->binary_path : "qemu-system-x86_64");
	return map_caps_load(st, b->binary, &t->caps);
}

int map_targets_load(struct store *st, const struct strvec *names,
		     struct map_target **out, size_t *n)
{
	struct binary_install *in = NULL;
	size_t nin = 0, k = 0;
	int ret = -1;

	*out = NULL;
	*n = 0;
	if (binary_qemu_installs(st, &in, &nin))
		return -1;
	*out = xcalloc(nin + names->nr + 1, sizeof(**out));
	for (size_t i = 0; i < names->nr; i++) {
		const struct binary_install *b = find_install(in, nin, names->v[i]);

		if (!b) {
			error("no QEMU install '%s' in store '%s' (see 'virt-matrix ark "
			      "list')",
			      names->v[i], st->path);
			goto out;
		}
		if (target_of(st, b, &(*out)[k++]))
			goto out;
	}
	for (size_t i = 0; i < nin && !names->nr; i++)
		if (in[i].binary && target_of(st, &in[i], &(*out)[k++]))
			goto out;
	if (!k) {
		error("no QEMU install in store '%s' has a complete probe record; "
		      "run 'virt-matrix probe' first",
		      st->path);
		goto out;
	}
	sort_array(*out, k, sizeof(**out), cmp_target);
	ret = 0;
out:
	if (ret) {
		map_targets_free(*out, k);
		*out = NULL;
		k = 0;
	}
	*n = k;
	binary_installs_free(in, nin);
	return ret;
}

/* The mapping of one VM for one QEMU: argv (binary first) and notes, or why. */
struct map_one {
	struct strvec argv, notes;
	struct strbuf why;
	int failed;
};

static void map_one(const struct scenario *s, size_t vm, const struct map_target *t,
		    const char *accel, struct map_one *m)
{
	struct map_env env;

	map_env_shown(&env, accel);
	memset(m, 0, sizeof(*m));
	strbuf_init(&m->why, 0);
	strvec_push(&m->argv, t->binary);
	m->failed = map_vm_argv(s, vm, &t->caps, &env, &m->argv, &m->notes, &m->why) < 0;
	if (m->failed) {
		/* What a failed mapping made so far means nothing. */
		strvec_clear(&m->argv);
		strvec_clear(&m->notes);
	}
}

static void map_one_release(struct map_one *m)
{
	strvec_clear(&m->argv);
	strvec_clear(&m->notes);
	strbuf_release(&m->why);
}

static void notes_text(struct strbuf *out, const struct strvec *notes,
		       const char *indent)
{
	for (size_t i = 0; i < notes->nr; i++)
		sb_printf(out, "%snote: %s\n", indent, notes->v[i]);
}

static void write_text(const struct scenario *s, const struct map_target *t,
		       size_t n, const char *accel, struct strbuf *out)
{
	sb_printf(out, "# %s: %zu VM%s, %zu QEMU%s, accel %s\n", s->path, s->nvms,
		  s->nvms == 1 ? "" : "s", n, n == 1 ? "" : "s", accel);
	notes_text(out, &s->notes, "");
	for (size_t v = 0; v < s->nvms; v++) {
		sb_printf(out, "\n[%s]\n", s->vms[v].name);
		notes_text(out, &s->vms[v].notes, "");
		for (size_t q = 0; q < n; q++) {
			struct map_one m;

			map_one(s, v, &t[q], accel, &m);
			sb_printf(out, "\n[%s] QEMU %s\n", s->vms[v].name, t[q].install);
			if (m.failed) {
				sb_printf(out, "  error: %s\n", m.why.buf);
			} else {
				sb_puts(out, "  ");
				for (size_t i = 0; i < m.argv.nr; i++) {
					if (i)
						sb_putc(out, ' ');
					sb_shell_word(out, m.argv.v[i]);
				}
				sb_putc(out, '\n');
			}
			notes_text(out, &m.notes, "  ");
			map_one_release(&m);
		}
	}
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *vm_json(const struct scenario *s, size_t v,
			    const struct map_target *t, size_t n, const char *accel)
{
	json_object *o = json_object_new_object(), *qemus = json_object_new_array();

	json_object_object_add(o, "name", jstr(s->vms[v].name));
	json_object_object_add(o, "line", json_object_new_int(s->vms[v].line));
	json_object_object_add(o, "notes", strvec_json(&s->vms[v].notes));
	for (size_t q = 0; q < n; q++) {
		json_object *e = json_object_new_object();
		struct map_one m;

		map_one(s, v, &t[q], accel, &m);
		json_object_object_add(e, "version", jstr(t[q].install));
		json_object_object_add(e, "qemu_version", jstr(t[q].caps.version));
		json_object_object_add(e, "argv", strvec_json(&m.argv));
		json_object_object_add(e, "notes", strvec_json(&m.notes));
		json_object_object_add(e, "error", m.failed ? jstr(m.why.buf) : NULL);
		json_object_array_add(qemus, e);
		map_one_release(&m);
	}
	json_object_object_add(o, "qemus", qemus);
	return o;
}

static void write_json(const struct scenario *s, const struct map_target *t,
		       size_t n, const char *accel, struct strbuf *out)
{
	json_object *doc = json_object_new_object(), *vms = json_object_new_array();

	json_object_object_add(doc, "scenario", jstr(s->path));
	json_object_object_add(doc, "accel", jstr(accel));
	json_object_object_add(doc, "notes", strvec_json(&s->notes));
	for (size_t v = 0; v < s->nvms; v++)
		json_object_array_add(vms, vm_json(s, v, t, n, accel));
	json_object_object_add(doc, "vms", vms);
	sb_puts(out, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							   JSON_C_TO_STRING_SPACED |
							   JSON_C_TO_STRING_NOSLASHESCAPE));
	sb_putc(out, '\n');
	json_object_put(doc);
}

void map_write(const struct scenario *s, const struct map_target *t, size_t n,
	       const char *accel, int json, struct strbuf *out)
{
	if (json)
		write_json(s, t, n, accel, out);
	else
		write_text(s, t, n, accel, out);
}

/* What the command line asked for. */
struct map_opts {
	char **scenarios; /* argv's, NULL-terminated */
	struct strvec qemus;
	const char *accel;
	int json;
	char *db;
};

/* argv into o: 0 to go on; 1 after --help; -1 after a usage mistake. */
static int parse_options(int argc, char **argv, struct map_opts *o)
{
	static const struct option opts[] = {
		{ "qemu", required_argument, NULL, 'Q' },
		{ "accel", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'Q':
			strvec_push(&o->qemus, optarg);
			break;
		case 'a':
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
				return error("--accel wants kvm or tcg, not '%s'", optarg);
			o->accel = optarg;
			break;
		case 'J':
			o->json = 1;
			break;
		case 'd':
			free(o->db);
			o->db = xstrdup(optarg);
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind == argc)
		return error("map wants a scenario");
	o->scenarios = argv + optind;
	return 0;
}

/* Scenario name into *s (released by the caller either way); -1 reported. */
static int load_one(const char *name, struct scenario *s)
{
	struct strbuf path = STRBUF_INIT;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (scenario_find(name, &path))
		goto out;
	if (ends_with(path.buf, ".xml")) {
		error("'%s' is a libvirt domain XML; map takes a DTS .cfg file",
		      path.buf);
		goto out;
	}
	ret = scenario_load(s, path.buf);
out:
	strbuf_release(&path);
	return ret;
}

/*
 * The scenarios and the targets, mapped and written to stdout: those
 * that load, when some do not. -1 when one did not or the store could
 * not be read (reported).
 */
static int map_run(const struct map_opts *o)
{
	struct strbuf out = STRBUF_INIT;
	struct map_target *t = NULL;
	struct scenario *scn;
	struct store st;
	size_t n = 0, nscn = 0, shown = 0;
	int ret = -1, bad = 0, open = 0;

	while (o->scenarios[nscn])
		nscn++;
	/* The files first: a mistake in one is told before the store's state. */
	scn = xcalloc(nscn, sizeof(*scn));
	for (size_t i = 0; i < nscn; i++)
		if (load_one(o->scenarios[i], &scn[i])) {
			scenario_release(&scn[i]);
			bad = 1;
		}
	for (size_t i = 0; i < nscn; i++)
		shown += scn[i].nvms > 0;
	if (!shown)
		goto out;
	if (!path_exists(o->db)) {
		error("no store at '%s' (see --db)", o->db);
		goto out;
	}
	if (store_open(&st, o->db))
		goto out;
	open = 1;
	if (sqlite3_db_config(st.db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) !=
		    SQLITE_OK ||
	    store_exec(&st, "PRAGMA query_only = ON")) {
		store_error(&st, "cannot open the store read-only");
		goto out;
	}
	if (map_targets_load(&st, &o->qemus, &t, &n))
		goto out;
	shown = 0;
	if (o->json && nscn > 1)
		sb_puts(&out, "[\n");
	for (size_t i = 0; i < nscn; i++) {
		if (!scn[i].nvms)
			continue;
		if (shown++)
			sb_puts(&out, o->json ? ",\n" : "\n");
		map_write(&scn[i], t, n, o->accel, o->json, &out);
		if (o->json && nscn > 1)
			strbuf_rtrim(&out);
	}
	if (o->json && nscn > 1)
		sb_puts(&out, "\n]\n");
	fputs(out.buf, stdout);
	ret = bad ? -1 : 0;
out:
	if (open)
		store_close(&st);
	for (size_t i = 0; i < nscn; i++)
		scenario_release(&scn[i]);
	free(scn);
	map_targets_free(t, n);
	strbuf_release(&out);
	return ret;
}

int cmd_map(int argc, char **argv)
{
	struct map_opts o = { NULL, STRVEC_INIT, "kvm", 0, store_default_path() };
	int r = parse_options(argc, argv, &o), ret;

	if (r > 0) {
		fputs(usage, stdout);
		ret = 0;
	} else if (r < 0) {
		fputs(usage, stderr);
		ret = 129;
	} else {
		ret = map_run(&o) ? 1 : 0;
	}
	strvec_clear(&o.qemus);
	free(o.db);
	return ret;
}
