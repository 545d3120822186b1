/*
 * Initramfs archives by content (initrd.h): the key is a sha256 of the
 * kernel release, the /init script and the modules; the archive is
 * written atomically by initramfs_build(), so workers racing for the
 * same key each leave a whole file.
 */
#include <stdlib.h>
#include <string.h>

#include "initrd.h"
#include "fs.h"
#include "guest.h"
#include "initramfs.h"
#include "paths.h"
#include "sha256.h"
#include "banned.h"

char *initrd_cached(const char *kver, const struct strvec *mods,
		    const char *init)
{
	struct strbuf key = STRBUF_INIT, path = STRBUF_INIT;
	char *cache = paths_cache_dir(), sha[SHA256_HEX_LEN + 1], *ret = NULL;
	struct initramfs_spec spec;

	sb_printf(&key, "%s\n%s\n", kver, init);
	for (size_t i = 0; i < mods->nr; i++)
		sb_printf(&key, "%s\n", mods->v[i]);
	sha256_hex(key.buf, key.len, sha);
	sb_printf(&path, "%s/initramfs", cache);
	if (mkdir_p(path.buf, 0755))
		goto out;
	sb_printf(&path, "/%.16s.cpio", sha);
	if (!path_exists(path.buf)) {
		memset(&spec, 0, sizeof(spec));
		spec.kver = kver;
		spec.modules = (const char *const *)mods->v;
		spec.init = init;
		if (initramfs_build(&spec, path.buf))
			goto out;
	}
	ret = strbuf_detach(&path);
out:
	strbuf_release(&key);
	strbuf_release(&path);
	free(cache);
	return ret;
}

char *initrd_guest(const struct scenario *s, size_t vm, const char *kver)
{
	struct strvec mods = STRVEC_INIT;
	struct strbuf init = STRBUF_INIT;
	char *ret;

	guest_modules(s, vm, &mods);
	guest_init_script(s, vm, &init);
	ret = initrd_cached(kver, &mods, init.buf);
	strvec_clear(&mods);
	strbuf_release(&init);
	return ret;
}
