#!/bin/sh
# Install every build, run and test dependency of virt-matrix on Debian
# bookworm with apt-get. Idempotent: a second run changes nothing.
#
# Also enables the Debian source archive (deb-src) for the suites whose
# QEMU and libvirt sources ark can build from, and bookworm-backports for
# a meson new enough for QEMU >= 8.1 and for the QEMU the SR-IOV VF lab
# runs on (unpacked into /usr/local/lib/virt-matrix/lab-qemu, not
# installed). The archive URIs are copied from the machine's own apt
# configuration; no host name is written here.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "error: install-deps must run as root (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/debian.sources
list=/etc/apt/sources.list.d/virt-matrix.sources

uris=""
if [ -r "$src" ]; then
	uris=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$src" |
	       grep -v -- '-security' | head -n 1)
fi
if [ -z "$uris" ] && [ -r /etc/apt/sources.list ]; then
	uris=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
if [ -z "$uris" ]; then
	echo "error: cannot find the Debian archive URI in $src or /etc/apt/sources.list" >&2
	exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

tmp=$(mktemp)
cat >"$tmp" <<EOS
# Written by virt-matrix scripts/install-deps.sh
Types: deb
URIs: $uris
Suites: bookworm-backports
Components: main
Signed-By: $keyring

Types: deb-src
URIs: $uris
Suites: bullseye bookworm bookworm-backports trixie sid
Components: main
Signed-By: $keyring
EOS
if ! cmp -s "$tmp" "$list" 2>/dev/null; then
	mv "$tmp" "$list"
	chmod 0644 "$list"
	need_update=1
else
	rm -f "$tmp"
	need_update=0
fi

# Another apt (unattended-upgrades, a second `make deps`) may hold the
# dpkg lock for a while: wait for it rather than fail.
apt_get() {
	apt-get -o DPkg::Lock::Timeout=600 "$@"
}

stamp=/var/lib/apt/periodic/virt-matrix-update-stamp
if [ "$need_update" = 1 ] || [ ! -e "$stamp" ] ||
   [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
	apt_get update -q || apt_get update -q
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi

# virt-matrix itself: compiler, libraries, tests.
pkgs="build-essential pkg-config ca-certificates git patch xz-utils bzip2
      libcurl4-openssl-dev libarchive-dev libvirt-dev libsqlite3-dev
      libjson-c-dev libcmocka-dev sqlite3 ccache dpkg-dev"

# Building QEMU from source (configure + meson + ninja). Debian's +ds
# tarballs of QEMU >= 10.2 carry no prebuilt device trees: meson needs
# dtc (device-tree-compiler) to build pc-bios/dtb.
pkgs="$pkgs ninja-build python3 python3-venv python3-setuptools
      flex bison libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev
      libcap-ng-dev libattr1-dev libfdt-dev libaio-dev libnuma-dev
      device-tree-compiler"

# Building libvirt from source.
pkgs="$pkgs libxml2-dev libxml2-utils xsltproc libgnutls28-dev libyajl-dev
      libtirpc-dev libnl-3-dev libnl-route-3-dev libdevmapper-dev
      libselinux1-dev libpciaccess-dev libudev-dev python3-docutils"

# Running the matrix: Debian's QEMU and libvirt, firmware, guest kernel,
# busybox initramfs, DPDK testpmd for vhost-user; iproute2's ip sets an
# SR-IOV VF's MAC through its port in the VF lab.
pkgs="$pkgs qemu-system-x86 qemu-system-data seabios ipxe-qemu
      libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
      linux-image-amd64 busybox-static cpio kmod dpdk dpdk-dev iproute2"

# make bench: QEMU's own scripts/compare-machine-types.py is the peer of
# the ABI probe; it needs pandas and tabulate.
pkgs="$pkgs python3-pandas python3-tabulate"

# The guest view's diffs are decoded with the field's own tools: iasl
# disassembles ACPI tables, dmidecode --from-dump reads SMBIOS.
pkgs="$pkgs acpica-tools dmidecode"

# libvirt's test domains name disk images this host lacks: their
# stand-ins are made by QEMU's own qemu-img, in the format each names.
pkgs="$pkgs qemu-utils"

# make check: the HTML report is opened in a real headless Chromium, and
# the GitLab CI YAML of 'virt-matrix plan' is read back with Python's yaml.
pkgs="$pkgs chromium python3-yaml"

# make check: 'virt-matrix plan --format slurm' is run on a single-node
# Slurm that the test sets up in a temporary directory of its own (its
# slurm.conf, munge key and munged socket; nothing of /etc/slurm or
# /etc/munge). The packages' services need none of it: under systemd,
# munge.service starts with the key the package made and slurmctld and
# slurmd stay down without /etc/slurm/slurm.conf; in a container
# policy-rc.d keeps them all from starting.
pkgs="$pkgs slurmctld slurmd slurm-client munge"
# make check: gitlab-ci-local (tests/node/gitlab-ci-local) runs the plan's
# GitLab pipelines with --shell-isolation, which copies each job's
# directory and artifacts with rsync.
pkgs="$pkgs rsync"

# make fuzz: clang with libFuzzer and the sanitizer runtimes, and
# llvm-symbolizer for the stacks of what it finds.
pkgs="$pkgs clang libclang-rt-14-dev llvm"

# shellcheck disable=SC2086
apt_get install -y -q --no-install-recommends $pkgs

# QEMU >= 8.1 needs meson >= 1.5 (bookworm has 1.0, bookworm-backports
# 1.7), and QEMU 10's configure insists on pycotap in its build venv; the
# Debian +ds tarballs carry no Python wheels, so both come from backports.
apt_get install -y -q --no-install-recommends -t bookworm-backports \
	meson python3-pycotap

# The SR-IOV VF lab (runner/labqemu.h) runs on a QEMU with igb (QEMU >= 8.0,
# here bookworm-backports' 10.0), which bookworm's 7.2 lacks. It is
# downloaded and unpacked into a directory of its own, never installed:
# Debian's 7.2 stays the system QEMU, a QEMU under test and the e1000e lab's
# QEMU. The libraries it links come from bookworm (the backport is built
# against it). Debian's build looks for its modules and data where it was
# configured to (/usr/lib/x86_64-linux-gnu/qemu, /usr/share/qemu: the system
# QEMU's); a qemu-bundle link beside the binary makes it look in its own tree
# instead (QEMU's get_relocated_path, util/cutils.c). The copy must run and
# have igb, virtio-9p-pci and intel-iommu, or this fails.
labq=/usr/local/lib/virt-matrix/lab-qemu
labq_ver=$(apt-cache show qemu-system-x86/bookworm-backports 2>/dev/null |
	   awk '/^Version:/ { print $2; exit }')
if [ -z "$labq_ver" ]; then
	echo "error: apt knows no qemu-system-x86 in bookworm-backports (see $list)" >&2
	exit 1
fi
if [ "$(cat "$labq/VERSION" 2>/dev/null)" != "$labq_ver" ]; then
	dl=$(mktemp -d /var/tmp/virt-matrix-lab-qemu.XXXXXX)
	trap 'rm -rf "$dl"' EXIT
	# apt downloads as _apt, which must be able to write there.
	chown _apt "$dl" 2>/dev/null || true
	(cd "$dl" && apt_get download -q "qemu-system-x86=$labq_ver" \
		"qemu-system-data=$labq_ver")
	# Its Depends, but for QEMU's own packages and the firmware packages
	# (bookworm's seabios and ipxe-qemu serve, as for the ark builds).
	labq_deps=$(dpkg-deb -f "$dl"/qemu-system-x86_*.deb Depends | tr ',' '\n' |
		    sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' |
		    grep -v -e '^qemu-' -e '^seabios$' -e '^ipxe-qemu$' -e '^$')
	# shellcheck disable=SC2086
	apt_get install -y -q --no-install-recommends $labq_deps
	mkdir "$dl/tree"
	for deb in "$dl"/qemu-system-x86_*.deb "$dl"/qemu-system-data_*.deb; do
		dpkg-deb -x "$deb" "$dl/tree"
	done
	ln -s ../.. "$dl/tree/usr/bin/qemu-bundle"
	bin="$dl/tree/usr/bin/qemu-system-x86_64"
	if ldd "$bin" | grep 'not found' >&2; then
		echo "error: $bin: libraries not found (above)" >&2
		exit 1
	fi
	devs=$(env -i "$bin" -nodefaults -machine none -device help)
	for dev in igb virtio-9p-pci intel-iommu; do
		if ! printf '%s\n' "$devs" | grep -q "^name \"$dev\""; then
			echo "error: $bin (qemu-system-x86 $labq_ver) has no $dev" >&2
			exit 1
		fi
	done
	echo "$labq_ver" >"$dl/tree/VERSION"
	mkdir -p "$(dirname "$labq")"
	rm -rf "$labq.old"
	if [ -e "$labq" ]; then mv "$labq" "$labq.old"; fi
	mv "$dl/tree" "$labq"
	rm -rf "$labq.old" "$dl"
	trap - EXIT
	echo "install-deps: the VF lab's QEMU $labq_ver is in $labq"
fi

# The engines' own tools that the tests run or check plans with, from the
# npm registry: one folder of tests/node/ per tool set, each with its
# package.json and package-lock.json (exact versions), installed into that
# folder's node_modules/ by npm ci (never globally). Debian's nodejs and
# npm serve when the machine has no Node.js of its own.
if ! command -v npm >/dev/null 2>&1; then
	apt_get install -y -q --no-install-recommends nodejs npm
fi
top=$(cd "$(dirname "$0")/.." && pwd)
for pkg in "$top"/tests/node/*/package.json; do
	[ -e "$pkg" ] || continue
	dir=$(dirname "$pkg")
	# The lock installed last is kept beside the modules: unchanged, no work.
	if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.virt-matrix-lock" 2>/dev/null; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
		cp "$dir/package-lock.json" "$dir/node_modules/.virt-matrix-lock"
	fi
done

# libvirt's QEMU driver (Debian's and ark-built 9.x) needs these to exist.
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
	useradd --system --gid libvirt-qemu --no-create-home \
		--home-dir /var/lib/libvirt --shell /usr/sbin/nologin libvirt-qemu
mkdir -p /var/log/libvirt

echo "install-deps: done"
