#!/bin/sh
# Two LIO loopback (tcm_loop) disks whose identification strings are
# hostile. The fabric WWN is what LIO reports as the SCSI name string
# designators of page 0x83 (target port "<wwn>,t,0x0001", target device
# "<wwn>"); the unit serial numbers are page 0x80 and part of page 0x83's
# T10 designator. All carry CR, "KEY=value" text and other control bytes:
# sg_inq --export prints a SCSI name string raw, so udev would read
# "ID_SERIAL=evil..." as a key of its own. tcm_loop adds its LUNs itself
# (scsi_add_device), whatever the scan mode: LUN 0 is identified by its own
# add event (IMPORT{program}); LUN 1 is then deleted and found again by a
# target run, which identifies it and hands the keys over (IMPORT{file}).
set -e
cfg=/sys/kernel/config
modprobe target_core_mod
modprobe tcm_loop
grep -q " $cfg configfs" /proc/mounts || mount -t configfs configfs $cfg
wwn=$(printf 'naa.5001405000000001\rID_SERIAL=evil\001\033[1m\177')
for lun in 0 1; do
	d=$cfg/target/core/rd_mcp_0/hostile$lun
	mkdir -p $d
	echo rd_pages=2048 > $d/control
	printf 'S%s\rID_MODEL=evil\002' $lun > $d/wwn/vpd_unit_serial
	echo 1 > $d/enable
	mkdir -p "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_$lun"
done
echo naa.5001405000000002 > "$cfg/target/loopback/$wwn/tpgt_1/nexus"
for lun in 0 1; do
	ln -s $cfg/target/core/rd_mcp_0/hostile$lun "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_$lun/disk"
done
udevadm settle
host=$(ls -d /sys/bus/scsi/devices/*:0:1:0 | head -n 1)
host=${host##*/}
host=${host%%:*}
sys=/sys/bus/scsi/devices/$host:0:1:0
# What the device really serves, from the kernel's own copies.
for page in vpd_pg80 vpd_pg83; do
	echo "$host:0:1:0 $page:"
	od -c $sys/$page
	if grep -q "$(printf '\rID_')" $sys/$page; then
		echo "$host:0:1:0 $page serves CR + ID_ key text"
	fi
done
echo 1 > /sys/bus/scsi/devices/$host:0:1:1/delete
udevadm settle
udevadm trigger --action=change /sys/bus/scsi/devices/target$host:0:1
udevadm settle
[ -e /sys/bus/scsi/devices/$host:0:1:1 ] && echo "$host:0:1:1 back" || echo "$host:0:1:1 not back"
