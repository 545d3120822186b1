#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
for m in $(cat /etc/modules); do insmod $m || echo "VMX-WARN insmod $m failed"; done
echo "VMX-BEGIN lab"
die() { echo "VMX-LAB-ERROR $*"; echo "VMX-END 0 1"; exec </dev/null >/dev/null 2>&1; poweroff -f; }
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || die cannot mount the host root
mount -t devtmpfs dev /host/dev || die cannot mount /dev in the host root
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t tmpfs tmp /host/tmp
mkdir -p /host/tmp/vmx
mount -t 9p -o trans=virtio,version=9p2000.L vmxrun /host/tmp/vmx || die cannot mount the run directory
R=/host/tmp/vmx
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
if [ -e $R/lab.vfs ]; then
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
        p=/sys/bus/pci/devices/$a
        [ -e $p ] || die no port $port at $a in the lab
        bind_vfio $a " (port $port, $(cat $p/vendor):$(cat $p/device))"
        ;;
      *) die bad line in lab.vfs: $what ;;
    esac
  done < $R/lab.vfs
  echo "VMX-LAB-VFS ready"
else
  echo "VMX-LAB-STEP mounted; binding 0000:00:05.0 to vfio-pci"
  [ -e /sys/bus/pci/devices/0000:00:05.0 ] || die no device 0000:00:05.0 in the lab
  bind_vfio 0000:00:05.0
fi
if [ -e $R/lab.libvirt ]; then
  {
    IFS= read -r sup; IFS= read -r daemon; IFS= read -r virsh
    IFS= read -r sock; IFS= read -r rund; IFS= read -r logd
    IFS= read -r etcd; IFS= read -r dom
    while IFS= read -r d; do
      mount -t tmpfs tmpfs "/host$d" || die cannot mount a tmpfs on $d
    done
  } < $R/lab.libvirt
  mkdir -p "/host$rund" "/host$logd" "/host$etcd" &&
    cp $R/qemu.conf "/host$etcd/qemu.conf" || die cannot write qemu.conf
  L=$R/virsh.log
  chroot /host "$sup" internal-supervise -- "$daemon" > $R/daemon.log 2>&1 &
  dpid=$!; n=0
  while [ ! -S "/host$sock" ]; do
    kill -0 $dpid 2>/dev/null || die the libvirt daemon exited: $(tail -n 3 $R/daemon.log)
    n=$((n + 1)); [ $n -gt 300 ] && die the libvirt daemon made no socket in 300 s
    sleep 1
  done
  echo "VMX-LAB libvirt daemon up after ${n}s"
  v() { chroot /host "$virsh" -q -c "qemu:///system?socket=$sock" "$@"; }
  st=0
  v define /tmp/vmx/domain.xml >> $L 2>&1 || st=1
  if [ $st = 0 ]; then v start --paused "$dom" >> $L 2>&1 || st=2; fi
  if [ $st = 0 ]; then
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
    v dumpxml "$dom" > $R/live.xml 2>> $L
    pid=$(cat "/host$rund/qemu/$dom.pid")
    cat /proc/$pid/cmdline > $R/l2.cmdline
    v destroy "$dom" >> $L 2>&1
  fi
  [ $st = 1 ] || v undefine "$dom" >> $L 2>&1
  cp "/host$logd/qemu/$dom.log" $R/qemu.err 2>/dev/null
  kill $dpid; wait $dpid
  echo "VMX-L2-EXIT $st"
else
set --
while IFS= read -r a; do set -- "$@" "$a"; done < /host/tmp/vmx/l2.argv
chroot /host "$@" < /host/tmp/vmx/qmp.in > /host/tmp/vmx/qmp.out 2> /host/tmp/vmx/qemu.err
echo "VMX-L2-EXIT $?"
fi
sync
umount /host/tmp/vmx
echo "VMX-END 0 0"
exec </dev/null >/dev/null 2>&1
poweroff -f
