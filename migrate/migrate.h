#ifndef MIG_MIGRATE_H
#define MIG_MIGRATE_H

/*
 * `virt-matrix migrate`: the migration matrix of the QEMU installs
 * (migplan.h), each job (migjob.h) in a forked worker, every
 * (source, destination, machine type, mode) recorded in `migrations`.
 */

int cmd_migrate(int argc, char **argv);

#endif
