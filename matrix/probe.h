#ifndef MX_PROBE_H
#define MX_PROBE_H

/*
 * probe: record what each installed QEMU binary can do (matrix/). The
 * entry points of the component; the rest of matrix/ is internal.
 */

int cmd_probe(int argc, char **argv);
int cmd_show(int argc, char **argv);

#endif
