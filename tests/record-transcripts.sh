#!/bin/sh
# Re-records the QMP transcripts under tests/data/qmp/ that the unit tests
# replay: the ABI probe's session for a few machine types of the QEMU
# installs named (default: the ark builds 7.2.0, 10.0.2 and 10.2.2).
# Needs those installs in the store (virt-matrix ark build --from debian
# qemu 7.2.0 10.0.2 10.2.2). From 10.1 on the probe asks the machine's
# properties with one qom-list-get; 10.2.2 is recorded a second time,
# into 10.2.2-qom-get/, with a qom-get for each (VIRT_MATRIX_ABI_QOM_GET),
# so that the tests can check both ways agree. Run from the top of the
# tree: make record-transcripts (VIRT_MATRIX_DB names another store).
# Besides the newest of each family, the pairs tests/unit/test_abi.c
# checks against QEMU's compat tables.
set -eu
machines_7_2="pc-q35-7.0 pc-q35-7.1 pc-q35-7.2 pc-i440fx-2.6 pc-i440fx-2.7 pc-i440fx-6.2 pc-i440fx-7.0 pc-i440fx-7.2"
machines_10_0="pc-q35-7.2 pc-q35-9.2 pc-q35-10.0 pc-i440fx-10.0"
machines_10_2="pc-q35-6.1 pc-q35-6.2 pc-q35-7.2 pc-q35-10.2 pc-i440fx-7.2 pc-i440fx-10.2"

record() { # VERSION DIR MACHINES [qom-get]
	rm -rf "$2"
	mkdir -p "$2"
	VIRT_MATRIX_RECORD_QMP=$2 VIRT_MATRIX_RECORD_MACHINES=$3 \
		VIRT_MATRIX_ABI_QOM_GET=${4:-} ./virt-matrix probe --force "$1"
	echo "recorded $(ls "$2" | wc -l) sessions of qemu $1 in $2"
}

for name in "${@:-7.2.0 10.0.2 10.2.2}"; do
	for v in $name; do
		case "$v" in
		7.2*) record "$v" "tests/data/qmp/$v" "$machines_7_2" ;;
		10.0*) record "$v" "tests/data/qmp/$v" "$machines_10_0" ;;
		*)
			record "$v" "tests/data/qmp/$v" "$machines_10_2"
			record "$v" "tests/data/qmp/$v-qom-get" "$machines_10_2" 1
			;;
		esac
	done
done
