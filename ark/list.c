/*
 * ark list and ark remove: what is installed, what failed or is being
 * built, and taking an install away again.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ark_internal.h"
#include "fs.h"
#include "banned.h"

static const char *install_state(const struct install *in)
{
	if (!path_exists(in->binary_path))
		return "missing";
	return in->status;
}

static void json_add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static int list_json(struct install *v, size_t n, struct build_attempt *b,
		     size_t nb)
{
	json_object *root = json_object_new_object();
	json_object *arr = json_object_new_array();
	json_object *att = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object *p = json_object_new_array();

		json_add_str(o, "app", v[i].app);
		json_add_str(o, "version", v[i].version);
		json_add_str(o, "kind", v[i].kind);
		json_add_str(o, "status", install_state(&v[i]));
		json_add_str(o, "prefix", v[i].prefix);
		json_add_str(o, "binary", v[i].binary_path);
		json_add_str(o, "binary_sha256", v[i].binary_sha256);
		json_add_str(o, "source_url", v[i].source_url);
		json_add_str(o, "source_sha256", v[i].source_sha256);
		json_add_str(o, "source_flavour", v[i].source_flavour);
		json_add_str(o, "recipe_hash", v[i].recipe_hash);
		json_add_str(o, "patchset_hash", v[i].patchset_hash);
		json_object_object_add(
			o, "configure_args",
			v[i].configure_args
				? json_tokener_parse(v[i].configure_args)
				: NULL);
		for (size_t k = 0; k < v[i].npatches; k++)
			json_object_array_add(
				p, json_object_new_string(v[i].patches[k].name));
		json_object_object_add(o, "patches", p);
		json_object_object_add(
			o, "build_seconds",
			json_object_new_double(v[i].build_seconds));
		json_add_str(o, "log", v[i].log_path);
		json_add_str(o, "installed_at", v[i].installed_at);
		json_object_array_add(arr, o);
	}
	for (size_t i = 0; i < nb; i++) {
		json_object *o = json_object_new_object();

		json_add_str(o, "app", b[i].app);
		json_add_str(o, "version", b[i].version);
		json_add_str(o, "status", b[i].status);
		json_add_str(o, "error", b[i].error);
		json_add_str(o, "log", b[i].log_path);
		json_add_str(o, "started_at", b[i].started_at);
		json_object_array_add(att, o);
	}
	json_object_object_add(root, "installs", arr);
	json_object_object_add(root, "unfinished_builds", att);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE |
							  JSON_C_TO_STRING_SPACED));
	json_object_put(root);
	return 0;
}

int ark_list(const struct ark_opts *o, const char *app)
{
	struct store st;
	struct install *v = NULL;
	struct build_attempt *b = NULL;
	size_t n = 0, nb = 0;
	int ret = -1;

	if (store_open(&st, o->db_path))
		return -1;
	if (installs_list(&st, app, &v, &n) ||
	    builds_unfinished_or_failed(&st, &b, &nb))
		goto out;
	if (o->json) {
		ret = list_json(v, n, b, nb);
		goto out;
	}
	if (!n && !nb)
		printf("nothing installed (store %s)\n", st.path);
	if (n)
		printf("%-8s %-16s %-9s %-9s %-8s %8s  %s\n", "APP", "VERSION",
		       "KIND", "STATUS", "SOURCE", "BUILD", "PREFIX");
	for (size_t i = 0; i < n; i++) {
		char d[32] = "-";

		if (!strcmp(v[i].kind, "built"))
			format_duration(v[i].build_seconds, d, sizeof(d));
		printf("%-8s %-16s %-9s %-9s %-8s %8s  %s\n", v[i].app,
		       v[i].version, v[i].kind, install_state(&v[i]),
		       v[i].source_flavour ? v[i].source_flavour : "-", d,
		       v[i].prefix);
	}
	for (size_t i = 0; i < nb; i++) {
		const char *state = b[i].status;
		char *lock = ark_lock_path(o, b[i].app, b[i].version);

		if (!strcmp(state, "running") && !lock_is_held(lock))
			state = "interrupted";
		free(lock);
		printf("%-8s %-16s %-9s %-9s  %s\n", b[i].app, b[i].version,
		       "build", state,
		       b[i].error ? b[i].error
				  : (b[i].log_path ? b[i].log_path : ""));
	}
	ret = 0;
out:
	installs_free(v, n);
	builds_free(b, nb);
	store_close(&st);
	return ret;
}

int ark_remove(const struct ark_opts *o, const char *app, const char *version)
{
	struct store st;
	struct install in;
	struct strbuf trash = STRBUF_INIT;
	int lockfd = -1, r, ret = -1;

	if (store_open(&st, o->db_path))
		return -1;
	r = installs_get(&st, app, version, &in);
	if (r) {
		if (r > 0)
			error("%s %s is not installed (see 'virt-matrix ark "
			      "list')",
			      app, version);
		store_close(&st);
		return -1;
	}
	if (!strcmp(in.kind, "built")) {
		char *dir = path_dirname(in.prefix);

		lockfd = ark_lock(o, app, version);
		if (lockfd < 0) {
			free(dir);
			goto out;
		}
		if (path_exists(in.prefix)) {
			/* Out of sight first, then delete at leisure. */
			sb_printf(&trash, "%s/.trash-%s-%ld", dir, version,
				  (long)getpid());
			if (rename(in.prefix, trash.buf)) {
				error_errno("cannot move '%s' aside", in.prefix);
				free(dir);
				goto out;
			}
		}
		free(dir);
	}
	if (installs_delete(&st, app, version) < 0)
		goto out;
	if (trash.len && remove_tree(trash.buf))
		goto out;
	if (!strcmp(in.kind, "built"))
		info("removed %s %s (%s)", app, version, in.prefix);
	else
		info("unregistered %s %s (%s stays where it is)", app, version,
		     in.binary_path);
	ret = 0;
out:
	lock_release(lockfd);
	install_release(&in);
	strbuf_release(&trash);
	store_close(&st);
	return ret;
}
