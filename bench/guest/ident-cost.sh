#!/bin/sh
# Identification of one device, in the guest: scsi-probe's run against what
# the stock rules run for it (scsi_id of 60-persistent-storage.rules, the
# three sg_inq runs of sg3_utils' 55-scsi-sg3_id.rules). Per command: wall
# time per run over N runs, peak RSS of one run, and the SCSI commands one
# run sent (the device's iorequest_cnt before and after).
#   ident-cost.sh H:C:T:L [N]
dev=$1
n=${2:-50}
sys=/sys/bus/scsi/devices/$dev
node=
for b in "$sys"/block/*; do [ -e "$b" ] && node=/dev/${b##*/}; done
[ -n "$node" ] || { echo "bench ident: $dev has no block device" >&2; exit 1; }

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# measure LABEL COMMAND...: one line "bench ident LABEL ms=.. rss_kb=.. commands=.."
measure() {
	label=$1
	shift
	before=$(cat "$sys/iorequest_cnt")
	rss=$(busybox time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): *//p')
	after=$(cat "$sys/iorequest_cnt")
	t0=$(now_ms)
	i=0
	while [ "$i" -lt "$n" ]; do
		"$@" >/dev/null 2>&1
		i=$((i + 1))
	done
	t1=$(now_ms)
	echo "bench ident $label runs=$n ms_total=$((t1 - t0)) rss_kb=$rss commands=$((after - before))"
}

if [ -x /usr/lib/udev/scsi-probe ]; then
	measure scsi-probe /usr/lib/udev/scsi-probe device "$dev"
fi
measure scsi_id /usr/lib/udev/scsi_id --export --whitelisted -d "$node"
measure sg_inq-inquiry sg_inq --export --inhex="$sys/inquiry" --raw
measure sg_inq-pg80 sg_inq --export --inhex="$sys/vpd_pg80" --raw
measure sg_inq-pg83 sg_inq --export --inhex="$sys/vpd_pg83" --raw
