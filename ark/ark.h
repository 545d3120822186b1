#ifndef ARK_ARK_H
#define ARK_ARK_H

/*
 * ark: fetch, build and install QEMU and libvirt versions side by side
 * under <root>/<app>/<version>, recorded in the store. cmd_ark is the
 * only entry point; the rest is internal to ark/.
 */

int cmd_ark(int argc, char **argv);

#endif
