/*
 * The mapping report's DTS corpus: DPDK DTS's own VM files, shipped in
 * scenarios/dts/, are never run, but the mapper (runner/mapper.c) is a
 * pure function of a file and a QEMU's probe record, so each VM's argv
 * is computed here, at report time, for every QEMU install with a probe
 * record, exactly as `virt-matrix map` shows it (map_env_shown: accel
 * kvm, placeholders for a run's files). Each (file, VM) is a
 * rep_map_scenario whose sources are those argvs in version order,
 * normalised (argv.c) and compared (rep_map_compare) like recorded runs,
 * so an option that changes is attributed to the QEMU version whose
 * record made the mapper change it. A version that cannot express a VM
 * at all is listed with its reason, not compared.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "builders.h"
#include "fs.h"
#include "mapper.h"
#include "paths.h"
#include "scenario.h"
#include "vmversion.h"
#include "banned.h"

/* How deep below the corpus directory files are looked for (dts/scene/). */
#define CORPUS_DEPTH 3

/* The .cfg files below dir/sub, as "sub/NAME.cfg", in name order. */
static void list_cfgs(const char *dir, const char *sub, int depth, struct strvec *out)
{
	struct strbuf path = STRBUF_INIT, rel = STRBUF_INIT;
	struct dirent **ents = NULL;
	int n;

	sb_printf(&path, "%s%s%s", dir, *sub ? "/" : "", sub);
	n = scandir(path.buf, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		strbuf_reset(&rel);
		sb_printf(&rel, "%s%s%s", sub, *sub ? "/" : "", name);
		strbuf_reset(&path);
		sb_printf(&path, "%s/%s", dir, rel.buf);
		if (name[0] != '.' && ends_with(name, ".cfg"))
			strvec_push(out, rel.buf);
		else if (name[0] != '.' && depth > 0 && is_dir(path.buf))
			list_cfgs(dir, rel.buf, depth - 1, out);
		free(ents[i]);
	}
	free(ents);
	strbuf_release(&path);
	strbuf_release(&rel);
}

/* The caps of each version of v with a probe record (has[i] set). */
static int load_caps(struct store *st, const struct rep_versions *v,
		     struct map_caps *caps, int *has)
{
	for (size_t i = 0; i < v->nr; i++) {
		has[i] = v->v[i].binary > 0;
		if (has[i] && map_caps_load(st, v->v[i].binary, &caps[i]))
			return -1;
	}
	return 0;
}

/* VM vm of s mapped for version i of v, as a source of e (or an error). */
static void add_source(struct rep_map_scenario *e, const struct scenario *s,
		       size_t vm, const struct rep_versions *v, size_t i,
		       const struct map_caps *c)
{
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf why = STRBUF_INIT;
	struct rep_map_source *src;
	struct map_env env;
	json_object *j;

	map_env_shown(&env, "kvm");
	strvec_push(&argv, v->v[i].binary_path ? v->v[i].binary_path
					       : "qemu-system-x86_64");
	if (map_vm_argv(s, vm, c, &env, &argv, &notes, &why)) {
		strvec_pushf(&e->errors, "QEMU %s: %s", v->v[i].name, why.buf);
		goto out;
	}
	src = &e->sources[e->nsources];
	memset(src, 0, sizeof(*src));
	j = strvec_json(&argv);
	src->argv_json = xstrdup(json_plain(j));
	json_object_put(j);
	if (rep_argv_normalise(src->argv_json, &src->argv)) {
		/* The mapper's own output is an array of strings. */
		free(src->argv_json);
		strvec_pushf(&e->errors, "QEMU %s: the mapper's argv does not normalise",
			     v->v[i].name);
		goto out;
	}
	src->qemu = (int)i;
	src->qemu_name = xstrdup(v->v[i].name);
	src->status = xstrdup("computed");
	src->tool = xstrdup(vm_version());
	src->computed = 1;
	src->notes = notes;
	memset(&notes, 0, sizeof(notes));
	e->nsources++;
out:
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&why);
}

/*
 * One entry per VM of file (below dir), mapped for every version with
 * caps, named as `virt-matrix map` names the file: below dir's parent
 * ("dts/sriov_kvm.cfg").
 */
static void add_file(struct rep_mapping *m, size_t *alloc, const char *dir,
		     const char *rel, const struct rep_versions *v,
		     const struct map_caps *caps, const int *has)
{
	struct strbuf path = STRBUF_INIT, file = STRBUF_INIT;
	struct scenario s;

	sb_printf(&path, "%s/%s", dir, rel);
	sb_printf(&file, "%s/%s", path_basename(dir), rel);
	if (scenario_load(&s, path.buf)) {
		/* The loader said why on stderr, with the file and line. */
		strvec_pushf(&m->corpus_skipped, "%s: does not load", file.buf);
		strbuf_release(&path);
		strbuf_release(&file);
		return;
	}
	for (size_t k = 0; k < s.nvms; k++) {
		struct rep_map_scenario *e;

		ALLOC_GROW(m->corpus, m->ncorpus + 1, *alloc);
		e = &m->corpus[m->ncorpus++];
		memset(e, 0, sizeof(*e));
		e->file = xstrdup(file.buf);
		e->vm = xstrdup(s.vms[k].name);
		strbuf_reset(&path);
		sb_printf(&path, "%s [%s]", file.buf, s.vms[k].name);
		e->name = xstrdup(path.buf);
		e->tool = xstrdup(vm_version());
		e->sources = xcalloc(v->nr + 1, sizeof(*e->sources));
		for (size_t i = 0; i < v->nr; i++)
			if (has[i])
				add_source(e, &s, k, v, i, &caps[i]);
		rep_map_compare(e);
	}
	scenario_release(&s);
	strbuf_release(&path);
	strbuf_release(&file);
}

int rep_corpus_build(struct store *st, const struct rep_versions *v,
		     const char *dir, struct rep_mapping *m)
{
	struct strvec files = STRVEC_INIT;
	struct map_caps *caps = xcalloc(v->nr + 1, sizeof(*caps));
	int *has = xcalloc(v->nr + 1, sizeof(*has));
	struct strbuf d = STRBUF_INIT;
	char *scn = NULL;
	size_t alloc = 0;
	int ret = -1;

	if (!dir) {
		scn = paths_data_dir("scenarios");
		sb_printf(&d, "%s/dts", scn);
	} else {
		sb_puts(&d, dir);
	}
	if (!is_dir(d.buf)) {
		ret = 0;
		goto out;
	}
	m->corpus_dir = strbuf_detach(&d);
	if (load_caps(st, v, caps, has))
		goto out;
	list_cfgs(m->corpus_dir, "", CORPUS_DEPTH, &files);
	for (size_t i = 0; i < files.nr; i++)
		add_file(m, &alloc, m->corpus_dir, files.v[i], v, caps, has);
	ret = 0;
out:
	strbuf_release(&d);
	strvec_clear(&files);
	free(caps);
	free(has);
	free(scn);
	return ret;
}
