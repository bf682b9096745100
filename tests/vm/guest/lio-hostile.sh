#!/bin/sh
# Two LIO loopback (tcm_loop) disks, each on a host of its own, whose
# identification strings are hostile. The fabric WWN is what LIO reports as
# the SCSI name string designators of page 0x83 (target port
# "<wwn>,t,0x0001", target device "<wwn>"); the unit serial number is page
# 0x80 and part of page 0x83's T10 designator. Both carry CR, "KEY=value"
# text and other control bytes: sg_inq --export prints a SCSI name string
# raw, so udev would read "ID_SERIAL=evil..." as a key of its own.
# tcm_loop adds its LUNs itself (scsi_add_device), whatever the scan mode:
# the first disk is identified by its own add event (IMPORT{program}). The
# second is then deleted and found again by a host run, which identifies it
# and hands the keys over (IMPORT{file}); in the kernel boot, by the final
# rescan. (tcm_loop's max_lun is 0: only LUN 0 can be found by a scan.)
set -e
cfg=/sys/kernel/config
modprobe target_core_mod
modprobe tcm_loop
grep -q " $cfg configfs" /proc/mounts || mount -t configfs configfs $cfg
for i in 1 2; do
	wwn=$(printf 'naa.500140500000000%s\rID_SERIAL=evil\001\033[1m\177' $i)
	d=$cfg/target/core/rd_mcp_0/hostile$i
	mkdir -p $d
	echo rd_pages=2048 > $d/control
	printf 'S%s\rID_MODEL=evil\002' $i > $d/wwn/vpd_unit_serial
	echo 1 > $d/enable
	mkdir -p "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_0"
	echo naa.500140500000001$i > "$cfg/target/loopback/$wwn/tpgt_1/nexus"
	ln -s $d "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_0/disk"
	udevadm settle
done
set -- $(ls -d /sys/bus/scsi/devices/*:0:1:0 | sort)
first=${1##*/}
second=${2##*/}
# What the disks really serve, from the kernel's own copies.
for page in vpd_pg80 vpd_pg83; do
	echo "$first $page:"
	od -c /sys/bus/scsi/devices/$first/$page
	if grep -q "$(printf '\rID_')" /sys/bus/scsi/devices/$first/$page; then
		echo "$first $page serves CR + ID_ key text"
	fi
done
echo 1 > /sys/bus/scsi/devices/$second/delete
udevadm settle
udevadm trigger --action=change /sys/bus/scsi/devices/host${second%%:*}
udevadm settle
[ -e /sys/bus/scsi/devices/$second ] && echo "$second back" || echo "$second not back"
