#!/bin/sh
# Re-records the QMP transcripts under tests/data/qmp/ that the unit tests
# replay: the ABI probe's session for a few machine types of the QEMU
# installs named (default: the ark builds 7.2.0 and 10.0.2). Needs those
# installs in the store (virt-matrix ark build --from debian qemu 7.2.0
# 10.0.2). Run from the top of the tree: make record-transcripts
set -eu
machines_7_2="pc-q35-7.0 pc-q35-7.1 pc-q35-7.2 pc-i440fx-6.2 pc-i440fx-7.0"
machines_10_0="pc-q35-7.2 pc-q35-9.2 pc-q35-10.0 pc-i440fx-10.0"
for name in "${@:-7.2.0 10.0.2}"; do
	for v in $name; do
		case "$v" in
		7.2*) m=$machines_7_2 ;;
		*) m=$machines_10_0 ;;
		esac
		dir=tests/data/qmp/$v
		rm -rf "$dir"
		mkdir -p "$dir"
		VIRT_MATRIX_RECORD_QMP=$dir VIRT_MATRIX_RECORD_MACHINES=$m \
			./virt-matrix probe --force "$v"
		echo "recorded $(ls "$dir" | wc -l) sessions of qemu $v in $dir"
	done
done
