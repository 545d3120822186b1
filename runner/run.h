#ifndef RUN_RUN_H
#define RUN_RUN_H

/*
 * `virt-matrix run`: every chosen scenario against every chosen QEMU,
 * each in a guest booted from the host kernel and a generated initramfs,
 * with the backends the scenario asks for; results into the store.
 */
int cmd_run(int argc, char **argv);

#endif
