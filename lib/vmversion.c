/*
 * virt-matrix's own version (vmversion.h), from the header the build
 * generates (lib/vmversion-gen.h, see scripts/gen-vmversion.sh); only
 * this file is rebuilt when the commit changes.
 */
#include "vmversion.h"
#include "vmversion-gen.h"

const char *vm_version(void)
{
	return VM_VERSION;
}
