#ifndef VM_ZYGOTE_PROTO_H
#define VM_ZYGOTE_PROTO_H

/*
 * What virt-matrix and the preloaded zygote (lib/zygote-preload.c) say
 * to each other over a SOCK_SEQPACKET socket; see that file.
 */
#include <stdint.h>

#define ZYGOTE_ENV "VIRT_MATRIX_ZYGOTE"
#define ZYGOTE_MAX_REQUEST 65536
#define ZYGOTE_MAX_ARGS 1024
#define ZYGOTE_MAX_CHILDREN 64

struct zygote_msg {
	char type; /* 'R' ready, 'S' started, 'X' exited, 'E' error */
	int32_t pid;
	int32_t value; /* 'X': the wait status; 'E': an errno */
};

#endif
