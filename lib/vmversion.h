#ifndef VM_VMVERSION_H
#define VM_VMVERSION_H

/*
 * virt-matrix's own version: the release, and the commit it was built
 * from in a git checkout ("0.1.0+1a2b3c4d5e6f", "-dirty" with uncommitted
 * changes), written at build time by scripts/gen-vmversion.sh. `--version`
 * prints it and every run records it (runs.tool), so that what virt-matrix
 * itself changed is never reported as a change of QEMU or libvirt.
 */

/* The version string (static). */
const char *vm_version(void);

#endif
