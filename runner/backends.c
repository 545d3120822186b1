/*
 * The backends of `virt-matrix run` in the order the engine tries them:
 * the first whose applies() says yes runs the job. A new kind of job is
 * its own file (backend.h) and one row here.
 */
#include "backend.h"

const struct run_backend *const run_backends[] = {
	&run_backend_userxml,
	&run_backend_lab_vf_libvirt,
	&run_backend_lab_vf,
	&run_backend_lab_libvirt,
	&run_backend_hostdev_libvirt,
	&run_backend_libvirt,
	&run_backend_lab,
	&run_backend_hostdev,
	&run_backend_direct,
};
const size_t run_backends_nr = sizeof(run_backends) / sizeof(run_backends[0]);
