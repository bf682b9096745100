#!/bin/sh
# A SAN inside the guest, all of it real: LIO's iSCSI target (configfs) on the
# loopback interface with two target portal groups, one portal each, every
# LUN served through both, ALUA port groups active/optimized on the first and
# standby on the second; the open-iscsi initiator (iscsid, iscsiadm) logging
# in to both portals; multipathd over the two paths of each LUN.
#
#   san.sh start N          target with LUNs 0..N-1; iscsid and multipathd
#   san.sh login [slow]     discovery, then a session to each portal in turn
#   san.sh maps-up N        login, timed until N maps have both paths (bench/)
#   san.sh map L            LUN L added to both portal groups
#   san.sh unmap L          LUN L taken off both portal groups
#   san.sh portal-down P    portal group P disabled: its session fails
#   san.sh portal-up P      enabled again: the session logs back in
#   san.sh snapshot NAME    /out/san/NAME: the multipath maps, normalized
#
# The same commands run in both boots. Where scsi-probe is installed (the
# project boot) the initiator runs with node.session.scan = manual, as
# scsi-probe(8) says to set it; the kernel boot keeps open-iscsi's default,
# where iscsid has the kernel scan each session after login. A change of
# mapping raises REPORTED LUNS DATA HAS CHANGED on every LUN of each path;
# LUN 0 of each path is sent TEST UNIT READY to collect it. In the kernel
# boot the administrator then rescans the sessions by hand (iscsiadm -R):
# the kernel acts on no such unit attention itself.
set -eu
cfg=/sys/kernel/config/target
iqn=iqn.2003-01.org.linux-iscsi.scsi-probe:san
ports="3260 3261"

project() { [ -x /usr/lib/udev/scsi-probe ]; }

# A ramdisk backstore for LUN $1 with its unit serial and two ALUA port
# groups: 1 active/optimized (portal group 1), 2 standby (portal group 2).
backstore() {
	d=$cfg/core/rd_mcp_0/lun$1
	[ -d "$d" ] && return
	mkdir -p "$d"
	echo rd_pages=2048 > "$d/control"
	echo "SAN$1" > "$d/wwn/vpd_unit_serial"
	echo 1 > "$d/enable"
	for g in 1 2; do
		mkdir "$d/alua/pg$g"
		echo "$g" > "$d/alua/pg$g/tg_pt_gp_id"
		echo 1 > "$d/alua/pg$g/alua_access_type"  # implicit
	done
	echo 2 > "$d/alua/pg2/alua_access_state"      # standby
}

map() {
	backstore "$1"
	for g in 1 2; do
		dir=$cfg/iscsi/$iqn/tpgt_$g/lun/lun_$1
		mkdir "$dir"
		ln -s "$cfg/core/rd_mcp_0/lun$1" "$dir/disk"
		echo "pg$g" > "$dir/alua_tg_pt_gp"
	done
}

unmap() {
	for g in 1 2; do
		dir=$cfg/iscsi/$iqn/tpgt_$g/lun/lun_$1
		rm "$dir/disk"
		rmdir "$dir"
	done
}

# The next command through each path goes to LUN 0, TEST UNIT READY (a
# few times: the first collects the unit attention; a standby path answers
# NOT READY, which is fine). The other LUNs' unit attentions wait for their
# own next command (multipathd's path checker, within its polling interval,
# or a rescan that collects them).
collect_unit_attentions() {
	for g in /sys/bus/scsi/devices/*:*:*:0/scsi_generic/sg*; do
		for i in 1 2 3; do sg_turs "/dev/${g##*/}" >/dev/null 2>&1 || :; done
	done
	udevadm settle
	project || iscsiadm -m session -R >/dev/null
}

session_state() {
	# The state of the session to portal $1 (LOGGED_IN, FAILED, FREE).
	for s in /sys/class/iscsi_session/session*; do
		c=$(ls -d "$s"/device/connection*/iscsi_connection/connection* 2>/dev/null | head -n 1)
		[ "$(cat "$c/persistent_port" 2>/dev/null)" = "$1" ] && cat "$s/state" && return
	done
	echo none
}

# Runs the rest of the line every 0.2 s until it succeeds, for at most $1
# seconds.
wait_for() {
	tries=$(($1 * 5)) n=0
	shift
	until "$@"; do
		n=$((n + 1))
		[ "$n" -ge "$tries" ] && return 1
		sleep 0.2
	done
}

in_state() { [ "$(session_state "$1")" = "$2" ]; }

wait_state() {
	wait_for 60 in_state "$1" "$2" || { echo "session to port $1 not $2 after 60 s"; return 1; }
	echo "session to port $1: $2"
}

daemon_up() { multipathd show daemon 2>/dev/null | grep -qE 'idle|running'; }

# $1 maps of two usable paths each (the standby path counts: "ghost").
maps_ready() {
	[ "$(multipath -ll 2>/dev/null | grep -cE 'active (ready|ghost) running')" -ge $((2 * $1)) ]
}

start() {
	ip link set lo up
	modprobe iscsi_target_mod
	grep -q " /sys/kernel/config configfs" /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config
	mkdir -p "$cfg/iscsi/$iqn"
	t=0
	for p in $ports; do
		t=$((t + 1))
		g=$cfg/iscsi/$iqn/tpgt_$t
		mkdir -p "$g/np/127.0.0.1:$p"
		# Any initiator, no authentication, writable.
		for a in generate_node_acls=1 cache_dynamic_acls=1 demo_mode_write_protect=0 authentication=0; do
			echo "${a#*=}" > "$g/attrib/${a%%=*}"
		done
	done
	n=0
	while [ "$n" -lt "$1" ]; do map "$n"; n=$((n + 1)); done
	for t in 1 2; do echo 1 > "$cfg/iscsi/$iqn/tpgt_$t/enable"; done

	mkdir -p /etc/iscsi /etc/multipath /run/lock/iscsi /var/lib/iscsi
	echo "InitiatorName=iqn.1993-08.org.debian:01:scsi-probe-vm" > /etc/iscsi/initiatorname.iscsi
	if project; then
		sed -i 's/^node.session.scan = .*/node.session.scan = manual/' /etc/iscsi/iscsid.conf
		grep -q '^node.session.scan = manual' /etc/iscsi/iscsid.conf ||
			echo 'node.session.scan = manual' >> /etc/iscsi/iscsid.conf
	fi
	# Every path of a LUN goes into its map; names are WWIDs.
	cat > /etc/multipath.conf <<-EOF
	defaults {
	    find_multipaths yes
	    user_friendly_names no
	    polling_interval 2
	}
	EOF
	modprobe iscsi_tcp
	modprobe dm_multipath
	iscsid -f > /out/iscsid.log 2>&1 &
	multipathd -d -s > /out/multipathd.log 2>&1 &
	wait_for 30 daemon_up || { echo "multipathd not running after 30 s"; return 1; }
	echo "target $iqn: LUNs 0..$(($1 - 1)) on ports $ports; iscsid and multipathd up"
}

# A session to each portal in turn. With "slow", the second login is slow:
# its portal group refuses logins for 20 s (iscsid retries), so the session
# exists, not logged in, well past its add event.
login() {
	iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260
	iscsiadm -m node -T "$iqn" -p 127.0.0.1:3260 --login
	wait_state 3260 LOGGED_IN
	udevadm settle
	[ "${1:-}" = slow ] && echo 0 > "$cfg/iscsi/$iqn/tpgt_2/enable"
	iscsiadm -m node -T "$iqn" -p 127.0.0.1:3261 --login &
	if [ "${1:-}" = slow ]; then
		sleep 20
		echo "session to port 3261 after 20 s: $(session_state 3261)"
		echo 1 > "$cfg/iscsi/$iqn/tpgt_2/enable"
	fi
	wait
	wait_state 3261 LOGGED_IN
	udevadm settle
}

# bench/: from the first login to N maps of two usable paths each, and the
# SCSI commands every path has carried by then (iorequest_cnt).
maps_up() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	login
	wait_for 240 maps_ready "$1" || { echo "maps not up after 240 s"; return 1; }
	t1=$(cut -d' ' -f1 /proc/uptime)
	n=0
	for c in /sys/bus/scsi/devices/*:*:*:*/iorequest_cnt; do n=$((n + $(cat "$c"))); done
	echo "san: $1 maps up $(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}') s after login; $n SCSI commands"
}

# The maps as multipath -ll prints them, without what depends on the order
# of creation or discovery (dm-N, sdX, major:minor, the order of maps and of
# path groups): maps sorted by WWID, each one's path groups by their text.
# Where every path has failed (a LUN unmapped), queueing (features) and
# which group is active depend on when multipathd last checked and on
# whether I/O came: left out there.
maps() {
	multipath -ll 2>/dev/null |
		sed -e 's/ dm-[0-9]* / /' -e 's/ sd[a-z]* [0-9]*:[0-9]* */ /' \
			-e 's/^[|`]-+- /group /' -e 's/^[| ] `- /  path /' |
		awk 'function flush(   i, g) {
			# WWID, sort key, text: a map line keyed by its place, a group
			# with its paths on one line (joined by \001) by that text.
			for (i = 1; i <= n; i++) {
				if (dead && line[i] ~ /^size=/) sub(/ features=\047[^\047]*\047/, "", line[i])
				if (dead && line[i] ~ /^group /) sub(/ status=[a-z]+/, "", line[i])
				if (line[i] ~ /^group /) {
					if (g != "") print w "\t" g "\t" g
					g = line[i]
				} else if (line[i] ~ /^  path /) {
					g = g "\001" line[i]
				} else {
					print w "\t" sprintf(" %05d", i) "\t" line[i]
				}
			}
			if (g != "") print w "\t" g "\t" g
			n = 0; dead = 1
		}
		BEGIN { dead = 1 }
		/^[0-9a-f]/ { flush(); w = $1 }
		/^  path / && !/ failed / { dead = 0 }
		{ line[++n] = $0 }
		END { flush() }' |
		sort -t "$(printf '\t')" -k1,1 -k2,2 | cut -f3 | tr '\001' '\n'
}

# Once multipathd's path checker has seen every change (three equal
# samples, a checker interval apart), within 60 s.
snapshot() {
	mkdir -p /out/san
	last=$(maps) same=0 i=0
	while [ "$same" -lt 2 ] && [ "$i" -lt 24 ]; do
		sleep 2.5
		now=$(maps)
		if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; last=$now; fi
		i=$((i + 1))
	done
	echo "$last" > "/out/san/$1"
	echo "snapshot $1: $(grep -c '^[0-9a-f]' "/out/san/$1") map(s)"
}

case "$1" in
start) start "$2" ;;
login) login "${2:-}" ;;
maps-up) maps_up "$2" ;;
map) map "$2"; collect_unit_attentions ;;
unmap) unmap "$2"; collect_unit_attentions ;;
portal-down)
	echo 0 > "$cfg/iscsi/$iqn/tpgt_$2/enable"
	wait_state "$(echo $ports | cut -d' ' -f"$2")" FAILED
	;;
portal-up)
	echo 1 > "$cfg/iscsi/$iqn/tpgt_$2/enable"
	wait_state "$(echo $ports | cut -d' ' -f"$2")" LOGGED_IN
	;;
snapshot) snapshot "$2" ;;
*) echo "san.sh: unknown command $1" >&2; exit 2 ;;
esac
