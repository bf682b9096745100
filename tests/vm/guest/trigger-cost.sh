#!/bin/sh
# trigger-cost.sh LABEL [udevadm trigger options]: on a settled machine,
# one `udevadm trigger --action=change [options]` against the kernel's own
# rescan ("- - -" on every host) in the same boot: SCSI commands sent to
# the devices other than block reads and writes (the sum of their
# iorequest_cnt less the requests in each disk's stat: udev's block rules
# read every disk on a change; probes of empty IDs go to devices the kernel
# discards, alike for both), time to a quiet udev queue, and the devices
# with their drivers before and after.
label=$1
shift
state() {
	for d in /sys/bus/scsi/devices/*:*:*:*; do
		[ -e "$d" ] || continue
		drv=$(readlink "$d/driver" 2>/dev/null)
		echo "${d##*/} ${drv##*/}"
	done
}
commands() {
	n=0
	for f in /sys/bus/scsi/devices/*:*:*:*/iorequest_cnt; do
		[ -e "$f" ] || continue
		n=$((n + $(printf '%d' "$(cat "$f")")))
	done
	# Fields 1, 5, 12 and 16: read, write, discard and flush requests.
	for f in /sys/block/sd*/stat; do
		[ -e "$f" ] || continue
		n=$((n - $(awk '{print $1 + $5 + $12 + $16}' "$f")))
	done
	echo "$n"
}
uptime_ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }
settle() { udevadm settle --timeout=300; }

settle
before=$(state)
c0=$(commands)
t0=$(uptime_ms)
udevadm trigger --action=change "$@"
settle
t1=$(uptime_ms)
c1=$(commands)
after_trigger=$(state)
for h in /sys/class/scsi_host/host*; do
	echo "- - -" > "$h/scan"
done
settle
t2=$(uptime_ms)
c2=$(commands)
after_rescan=$(state)

tc=$((c1 - c0))
kc=$((c2 - c1))
echo "$label: trigger $tc command(s) in $((t1 - t0)) ms; kernel rescan $kc command(s) in $((t2 - t1)) ms"
if [ "$before" = "$after_trigger" ]; then
	echo "$label: state unchanged by the trigger"
else
	echo "$label: state CHANGED by the trigger:"
	echo "$before" > /tmp/before.$$
	echo "$after_trigger" | diff /tmp/before.$$ - 
fi
[ "$after_trigger" = "$after_rescan" ] || echo "$label: the kernel's rescan changed the state"
if [ "$tc" -le "$kc" ]; then
	echo "$label: trigger commands within the kernel's rescan"
else
	echo "$label: trigger commands EXCEED the kernel's rescan"
fi
