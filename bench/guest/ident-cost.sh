#!/bin/sh
# Identification of one device, in the guest: scsi-probe's run against what
# the stock rules run for it (scsi_id of 60-persistent-storage.rules, the
# three sg_inq runs of sg3_utils' 55-scsi-sg3_id.rules). Per command: wall
# time per run over N runs, peak RSS of one run, and the SCSI commands one
# run sent (the device's iorequest_cnt before and after). The guest's
# programs live on the initramfs, where the kernel maps up to 16 cached
# pages around each page fault ("fault-around"): RSS is also taken with it
# off, which counts the pages a run really touched, as on a disk-backed
# system. Then the identification a scan run does for each device it
# creates (below).
#   ident-cost.sh H:C:T:L [N]
dev=$1
n=${2:-50}
sys=/sys/bus/scsi/devices/$dev
node=
for b in "$sys"/block/*; do [ -e "$b" ] && node=/dev/${b##*/}; done
[ -n "$node" ] || { echo "bench ident: $dev has no block device" >&2; exit 1; }

# Peak RSS in KiB: through bench's tiny static peak-rss where it came along
# (busybox's `time -v` also counts the busybox image the child carries until
# its exec).
peak_rss() {
	if [ -x /vm/files/peak-rss ]; then
		/vm/files/peak-rss "$@" 2>&1 >/dev/null | sed -n 's/^peak-rss //p'
	else
		busybox time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): *//p'
	fi
}

fault_around=/sys/kernel/debug/fault_around_bytes
[ -e "$fault_around" ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
fault_around_default=$(cat "$fault_around" 2>/dev/null)

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# measure LABEL COMMAND...: one line "bench ident LABEL ms=.. rss_kb=.. commands=.."
measure() {
	label=$1
	shift
	before=$(cat "$sys/iorequest_cnt")
	rss=$(peak_rss "$@")
	after=$(cat "$sys/iorequest_cnt")
	rss_touched=
	if [ -w "$fault_around" ]; then
		echo 4096 > "$fault_around"
		rss_touched=$(peak_rss "$@")
		echo "$fault_around_default" > "$fault_around"
	fi
	t0=$(now_ms)
	i=0
	while [ "$i" -lt "$n" ]; do
		"$@" >/dev/null 2>&1
		i=$((i + 1))
	done
	t1=$(now_ms)
	echo "bench ident $label runs=$n ms_total=$((t1 - t0)) rss_kb=$rss commands=$((after - before)) rss_touched_kb=$rss_touched"
}

# code_touched LABEL COMMAND...: one line "bench code LABEL distinct=..
# instructions=..": the distinct instructions one run executed (callgrind,
# counted per mapped object) and all it executed. Unlike the guest's clock
# it does not vary from run to run, and the time of a short run under TCG
# follows it: QEMU translates every block a run touches, again at each
# start, since the program and its libraries are mapped at new addresses.
code_touched() {
	label=$1
	shift
	[ -x /vm/files/valgrind ] || return 0
	VALGRIND_LIB=/vm/files /vm/files/valgrind --tool=callgrind --dump-instr=yes --compress-pos=no \
		--compress-strings=no --callgrind-out-file=/tmp/callgrind.out "$@" >/dev/null 2>&1
	# Cost lines are "address line count"; the line after calls= is a call's
	# inclusive cost, not an instruction of the caller.
	awk -v label="$label" '
		/^ob=/ { ob = substr($0, 4); next }
		/^calls=/ { call = 1; next }
		/^0x/ {
			if (call) { call = 0; next }
			if (!((ob, $1) in seen)) { seen[ob, $1] = 1; distinct++ }
			executed += $3
		}
		END { if (distinct) printf "bench code %s distinct=%d instructions=%d\n", label, distinct, executed }
	' /tmp/callgrind.out
	rm -f /tmp/callgrind.out
}

# both LABEL COMMAND...: measure and code_touched.
both() {
	measure "$@"
	code_touched "$@"
}

if [ -x /usr/lib/udev/scsi-probe ]; then
	both scsi-probe /usr/lib/udev/scsi-probe device "$dev"
	# An add event's run (the device is bound already: no bind): its
	# watchdog thread, armed against udevd's kill (scsi-probe-internals(7)).
	both scsi-probe-add /usr/lib/udev/scsi-probe device --action add "$dev"
	# The same objects linked without PIE (bench/meson.build): what TCG's
	# retranslation at every start costs the PIE build.
	[ -x /vm/files/scsi-probe-nopie ] && measure scsi-probe-nopie /vm/files/scsi-probe-nopie device "$dev"
fi
both scsi_id /usr/lib/udev/scsi_id --export --whitelisted -d "$node"
both sg_inq-inquiry sg_inq --export --inhex="$sys/inquiry" --raw
both sg_inq-pg80 sg_inq --export --inhex="$sys/vpd_pg80" --raw
both sg_inq-pg83 sg_inq --export --inhex="$sys/vpd_pg83" --raw

# Identification inside a scan run, as a device found by a scan gets it: the
# target's other LUNs are deleted (their remove events run to the end), udev
# holds its programs, and a target run recreates them from here. It logs one
# line per device it identified, with that device's own time and commands,
# and its peak RSS is taken; the held add events then import the keys it
# handed over.
if [ -x /usr/lib/udev/scsi-probe ]; then
	tgt=${dev%:*}
	for d in /sys/bus/scsi/devices/"$tgt":*; do
		[ "${d##*/}" = "$dev" ] || echo 1 > "$d/delete"
	done
	udevadm settle
	udevadm control --stop-exec-queue
	rss=
	[ -x /vm/files/peak-rss ] && rss=/vm/files/peak-rss
	$rss /usr/lib/udev/scsi-probe target "target$tgt" 2>&1 >/dev/null | sed 's/^/bench in-run /'
	udevadm control --start-exec-queue
	udevadm settle
fi
