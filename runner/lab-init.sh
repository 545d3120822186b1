#!/bin/busybox sh
# The lab VM's /init (runner/lab.h), run by busybox sh: mounts the host's
# root read-only and the run directory over 9p, binds the lab's e1000e to
# vfio-pci (or, in the VF lab, makes the SR-IOV VFs of its igb ports and
# binds those L2 gets), then runs the QEMU under test (L2) from the host
# tree, directly or through libvirt, and leaves its answers in the run
# directory.
#
# Embedded in virt-matrix at build time (runner/lab.c); lab_init_script()
# replaces each @NAME@ by the constant of lab.h or guest.h of that name and
# drops comment lines (a line whose first non-blank is '# '), so that this
# text is documentation only. Checked by tests/unit/test_lab_init.c
# (sh -n, and the golden file tests/data/golden/lab-init.sh).
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
for m in $(cat /etc/modules); do insmod $m || echo "VMX-WARN insmod $m failed"; done
echo "@GUEST_BEGIN@ lab"
# The console closed before each power-off: the last close of a tty waits
# until its queue has gone out; poweroff -f does not.
die() { echo "VMX-LAB-ERROR $*"; echo "@GUEST_END@ 0 1"; exec </dev/null >/dev/null 2>&1; poweroff -f; }
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || die cannot mount the host root
mount -t devtmpfs dev /host/dev || die cannot mount /dev in the host root
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t tmpfs tmp /host/tmp
mkdir -p /host@LAB_RUNDIR@
mount -t 9p -o trans=virtio,version=9p2000.L vmxrun /host@LAB_RUNDIR@ || die cannot mount the run directory
R=/host@LAB_RUNDIR@
# Binds PCI device $1 to vfio-pci and says so; dies unless it is bound and
# every device of its IOMMU group is bound to vfio-pci or to nothing (a
# group vfio can use).
bind_vfio() {
  d=/sys/bus/pci/devices/$1
  [ -e $d/iommu_group ] || die $1 has no IOMMU group: the lab kernel did not enable intel_iommu
  [ -e $d/driver ] && echo $1 > $d/driver/unbind
  echo vfio-pci > $d/driver_override
  echo $1 > /sys/bus/pci/drivers_probe
  drv=$(readlink $d/driver); grp=$(readlink $d/iommu_group)
  echo "VMX-LAB $1 driver=${drv##*/} iommu_group=${grp##*/}$2"
  [ "${drv##*/}" = vfio-pci ] || die $1 is not bound to vfio-pci
  for g in $d/iommu_group/devices/*; do
    gd=$(readlink $g/driver)
    case "${gd##*/}" in
      vfio-pci|"") ;;
      *) die IOMMU group ${grp##*/} of $1 also holds ${g##*/}, bound to ${gd##*/}: vfio cannot use the group ;;
    esac
  done
}
if [ -e $R/@LAB_VF_FILE@ ]; then
  # SR-IOV: on each igb port the VFs dev_gen asks for, made by the kernel's
  # igb driver with autoprobe off (so that igbvf takes none); each VF L2
  # gets must be where the runner put it in L2's argv, gets its MAC through
  # the port when the cfg gives one (the host's ip, as DTS does), and is
  # bound to vfio-pci; a port L2 gets itself (pf_idx) is bound to vfio-pci.
  echo "VMX-LAB-STEP mounted; making SR-IOV VFs"
  while read -r what port a b c mac; do
    case "$what" in
      port)
        p=/sys/bus/pci/devices/$a
        [ -e $p/sriov_numvfs ] || die no SR-IOV port $port at $a in the lab
        drv=$(readlink $p/driver)
        [ "${drv##*/}" = igb ] || die port $port at $a is bound to ${drv##*/}, not igb
        echo 0 > $p/sriov_drivers_autoprobe || die cannot turn VF autoprobe off on $a
        echo $b > $p/sriov_numvfs || die cannot make $b VFs on port $port at $a: $(dmesg | tail -n 2)
        echo "VMX-LAB port $port $a igb sriov_numvfs=$(cat $p/sriov_numvfs) of $(cat $p/sriov_totalvfs)"
        ;;
      vf)
        got=$(readlink /sys/bus/pci/devices/$b/virtfn$a)
        [ "${got##*/}" = "$c" ] || die VF $a of port $port is at ${got##*/}, not at $c
        m=
        if [ "$mac" != - ]; then
          net=$(ls /sys/bus/pci/devices/$b/net)
          chroot /host /bin/ip link set dev $net vf $a mac $mac || die cannot set the MAC of VF $a of port $port to $mac
          m=", mac $mac"
        fi
        v=/sys/bus/pci/devices/$c
        bind_vfio $c " (VF $a of port $port, $(cat $v/vendor):$(cat $v/device)$m)"
        ;;
      pf)
        # A port itself (DTS's pf_idx): away from igb, to vfio-pci.
        p=/sys/bus/pci/devices/$a
        [ -e $p ] || die no port $port at $a in the lab
        bind_vfio $a " (port $port, $(cat $p/vendor):$(cat $p/device))"
        ;;
      *) die bad line in @LAB_VF_FILE@: $what ;;
    esac
  done < $R/@LAB_VF_FILE@
  echo "@LAB_VF_READY@"
else
  # Where a lab that hangs while booting stopped shows in its last line.
  echo "VMX-LAB-STEP mounted; binding @LAB_PT_BDF@ to vfio-pci"
  [ -e /sys/bus/pci/devices/@LAB_PT_BDF@ ] || die no device @LAB_PT_BDF@ in the lab
  bind_vfio @LAB_PT_BDF@
fi
if [ -e $R/@LAB_LIBVIRT_FILE@ ]; then
  # Through libvirt: its daemon from the host tree, with tmpfs over the
  # directories it writes (the host root is read-only), our qemu.conf,
  # and the domain defined and started paused with virsh; the answers
  # come from qemu-monitor-command.
  {
    IFS= read -r sup; IFS= read -r daemon; IFS= read -r virsh
    IFS= read -r sock; IFS= read -r rund; IFS= read -r logd
    IFS= read -r etcd; IFS= read -r dom
    while IFS= read -r d; do
      mount -t tmpfs tmpfs "/host$d" || die cannot mount a tmpfs on $d
    done
  } < $R/@LAB_LIBVIRT_FILE@
  mkdir -p "/host$rund" "/host$logd" "/host$etcd" &&
    cp $R/qemu.conf "/host$etcd/qemu.conf" || die cannot write qemu.conf
  L=$R/@LAB_VIRSH_LOG@
  chroot /host "$sup" internal-supervise -- "$daemon" > $R/@LAB_DAEMON_LOG@ 2>&1 &
  dpid=$!; n=0
  while [ ! -S "/host$sock" ]; do
    kill -0 $dpid 2>/dev/null || die the libvirt daemon exited: $(tail -n 3 $R/@LAB_DAEMON_LOG@)
    n=$((n + 1)); [ $n -gt 300 ] && die the libvirt daemon made no socket in 300 s
    sleep 1
  done
  echo "VMX-LAB libvirt daemon up after ${n}s"
  v() { chroot /host "$virsh" -q -c "qemu:///system?socket=$sock" "$@"; }
  st=0
  v define @LAB_RUNDIR@/@LAB_DOMAIN_XML@ >> $L 2>&1 || st=1
  if [ $st = 0 ]; then v start --paused "$dom" >> $L 2>&1 || st=2; fi
  if [ $st = 0 ]; then
    # libvirt puts devices behind pcie-root-ports, and query-pci only sees
    # behind a bridge once the guest firmware numbered its bus: run the
    # firmware until our device shows.
    v resume "$dom" >> $L 2>&1; n=0
    while :; do
      v qemu-monitor-command "$dom" '{"execute":"query-pci"}' > $R/pci.json 2>> $L
      grep -q '"qdev_id":"ua-pt_' $R/pci.json && break
      n=$((n + 1)); [ $n -gt 120 ] && break
      sleep 1
    done
    v suspend "$dom" >> $L 2>&1
    echo "VMX-LAB query-pci after ${n}s of guest firmware"
    for q in cpus:query-cpus-fast mem:query-memory-size-summary; do
      v qemu-monitor-command "$dom" "{\"execute\":\"${q#*:}\"}" > $R/${q%%:*}.json 2>> $L
    done
    v dumpxml "$dom" > $R/@LAB_LIVE_XML@ 2>> $L
    pid=$(cat "/host$rund/qemu/$dom.pid")
    cat /proc/$pid/cmdline > $R/@LAB_L2_CMDLINE@
    v destroy "$dom" >> $L 2>&1
  fi
  [ $st = 1 ] || v undefine "$dom" >> $L 2>&1
  cp "/host$logd/qemu/$dom.log" $R/@LAB_L2_ERR@ 2>/dev/null
  kill $dpid; wait $dpid
  echo "@LAB_EXIT@ $st"
else
# Directly: one argument per line; the first is the binary.
set --
while IFS= read -r a; do set -- "$@" "$a"; done < /host@LAB_RUNDIR@/@LAB_ARGV_FILE@
chroot /host "$@" < /host@LAB_RUNDIR@/@LAB_QMP_IN@ > /host@LAB_RUNDIR@/@LAB_QMP_OUT@ 2> /host@LAB_RUNDIR@/@LAB_L2_ERR@
echo "@LAB_EXIT@ $?"
fi
sync
umount /host@LAB_RUNDIR@
echo "@GUEST_END@ 0 0"
exec </dev/null >/dev/null 2>&1
poweroff -f
