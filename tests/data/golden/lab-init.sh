#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
for m in $(cat /etc/modules); do insmod $m || echo "VMX-WARN insmod $m failed"; done
echo "VMX-BEGIN lab"
die() { echo "VMX-LAB-ERROR $*"; echo "VMX-END 0 1"; poweroff -f; }
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || die cannot mount the host root
mount -t devtmpfs dev /host/dev || die cannot mount /dev in the host root
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t tmpfs tmp /host/tmp
mkdir -p /host/tmp/vmx
mount -t 9p -o trans=virtio,version=9p2000.L vmxrun /host/tmp/vmx || die cannot mount the run directory
echo "VMX-LAB-STEP mounted; binding 0000:00:05.0 to vfio-pci"
d=/sys/bus/pci/devices/0000:00:05.0
[ -e $d ] || die no device 0000:00:05.0 in the lab
[ -e $d/iommu_group ] || die 0000:00:05.0 has no IOMMU group: the lab kernel did not enable intel_iommu
[ -e $d/driver ] && echo 0000:00:05.0 > $d/driver/unbind
echo vfio-pci > $d/driver_override
echo 0000:00:05.0 > /sys/bus/pci/drivers_probe
drv=$(readlink $d/driver); grp=$(readlink $d/iommu_group)
echo "VMX-LAB 0000:00:05.0 driver=${drv##*/} iommu_group=${grp##*/}"
[ "${drv##*/}" = vfio-pci ] || die 0000:00:05.0 is not bound to vfio-pci
R=/host/tmp/vmx
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
poweroff -f
