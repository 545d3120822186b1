#ifndef CORP_CORPUS_H
#define CORP_CORPUS_H

/*
 * `virt-matrix corpus import|run`: libvirt's own test domains through
 * every real libvirt x QEMU pair (corpus.c; import.h, corpusrun.h).
 */
int cmd_corpus(int argc, char **argv);

#endif
