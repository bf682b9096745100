#!/bin/sh
# Devices whose identification strings are hostile: each carries CR,
# "KEY=value" text and other control bytes.
# - A LIO loopback (tcm_loop) disk: the fabric WWN is what LIO reports as the
#   SCSI name string designators of page 0x83 (target port "<wwn>,t,0x0001",
#   target device "<wwn>"), the unit serial number is page 0x80 and part of
#   the T10 designator. sg_inq --export prints a SCSI name string raw, so
#   udev would read "ID_SERIAL=evil..." as a key of its own. tcm_loop adds
#   the LUN itself (scsi_add_device) whatever the scan mode: its add event
#   identifies it (IMPORT{program}).
# - A scsi_debug host added at run time with hostile vendor and product
#   strings (INQUIRY, and page 0x83's T10 designator): under scan=manual the
#   host run creates its LUN, identifies it and hands the keys over
#   (IMPORT{file}).
set -e
cfg=/sys/kernel/config
modprobe target_core_mod
modprobe tcm_loop
grep -q " $cfg configfs" /proc/mounts || mount -t configfs configfs $cfg
wwn=$(printf 'naa.5001405000000001\rID_SERIAL=evil\001\033[1m\177')
d=$cfg/target/core/rd_mcp_0/hostile
mkdir -p $d
echo rd_pages=2048 > $d/control
printf 'S1\rID_MODEL=evil\002' > $d/wwn/vpd_unit_serial
echo 1 > $d/enable
mkdir -p "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_0"
echo naa.5001405000000011 > "$cfg/target/loopback/$wwn/tpgt_1/nexus"
ln -s $d "$cfg/target/loopback/$wwn/tpgt_1/lun/lun_0/disk"
udevadm settle
lio=$(ls -d /sys/bus/scsi/devices/*:0:1:0)
# What the disk really serves, from the kernel's own copies.
for page in vpd_pg80 vpd_pg83; do
	echo "${lio##*/} $page:"
	od -c $lio/$page
	if grep -q "$(printf '\rID_')" $lio/$page; then
		echo "LIO $page serves CR + ID_ key text"
	fi
done

modprobe scsi_debug add_host=0
p=/sys/module/scsi_debug/parameters
printf 'X\rID_V=e' > $p/inq_vendor
printf '\rID_MODEL=evil\001\177' > $p/inq_product
echo 1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
udevadm settle
for h in /sys/class/scsi_host/host*; do
	[ "$(cat $h/proc_name)" = scsi_debug ] || continue
	dev=${h##*/host}:0:0:0
	echo "$dev sysfs vendor/model: $(cat /sys/bus/scsi/devices/$dev/vendor)/$(cat /sys/bus/scsi/devices/$dev/model)"
	sg_inq --raw --len=36 /dev/bsg/$dev | od -c | head -n 3
	if sg_inq --raw --len=36 /dev/bsg/$dev | grep -q "$(printf '\rID_MODEL=evil')"; then
		echo "scsi_debug INQUIRY serves CR + ID_ key text"
	fi
done
