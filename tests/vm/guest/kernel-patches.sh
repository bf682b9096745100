#!/bin/sh
# kernel/patches/0002, inquiry_raw: adds a scsi_debug
# host whose vendor and product carry control bytes, then compares every
# device's inquiry_raw with what sg_inq -r reads from the device itself,
# and shows the scsi_debug vendor raw (CR as \r, NUL as @) and as the
# kernel sanitized it.
modprobe scsi_debug add_host=0
p=/sys/module/scsi_debug/parameters
printf 'X\rV' > $p/inq_vendor
printf 'M\001\177odel' > $p/inq_product
echo 1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
udevadm settle -t 60

n=0
same=0
for d in /sys/bus/scsi/devices/*:*:*:*; do
	[ -e "$d/inquiry_raw" ] || continue
	n=$((n + 1))
	g=$(ls "$d/scsi_generic" 2>/dev/null)
	len=$(wc -c < "$d/inquiry_raw")
	if [ -n "$g" ] && sg_inq -r -l "$len" "/dev/$g" 2>/dev/null | cmp -s - "$d/inquiry_raw"; then
		same=$((same + 1))
	else
		echo "inquiry_raw: ${d##*/} ($len bytes) differs from sg_inq -r on ${g:-no sg node}"
	fi
	host=${d##*/}
	host=${host%%:*}
	if [ "$(cat /sys/class/scsi_host/host$host/proc_name)" = scsi_debug ]; then
		raw=$(dd if="$d/inquiry_raw" bs=1 skip=8 count=8 2>/dev/null | tr '\000' @ | sed 's/\r/\\r/g; s/ *$//')
		san=$(dd if="$d/inquiry" bs=1 skip=8 count=8 2>/dev/null | sed 's/ *$//')
		echo "inquiry_raw: scsi_debug vendor $raw, sanitized $san"
	fi
done
echo "inquiry_raw: $same of $n device(s) as sg_inq -r reads them"

