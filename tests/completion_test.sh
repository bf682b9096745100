#!/bin/bash
# The bash completion of scsi-probe over a made-up sysfs: verbs, options,
# and the device, host and target names of the machine.
set -euo pipefail
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bus/scsi/devices/0:0:0:0" "$root/bus/scsi/devices/0:0:10:2" "$root/bus/scsi/devices/target0:0:10" \
         "$root/bus/scsi/devices/host0" "$root/class/scsi_host/host0" "$root/class/scsi_host/host3"
export SCSI_PROBE_SYSFS=$root
# shellcheck source=/dev/null
source "$1"
complete_line() {
    read -ra COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _scsi_probe
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
fails=0
expect() {
    local got
    got=$(complete_line "$1")
    if [[ $got != "$2" ]]; then
        echo "FAIL: '$1': got '$got', want '$2'"
        fails=$((fails + 1))
    fi
}
expect "scsi-probe " "--help --version check device explain host policy remove rescan show target "
expect "scsi-probe re" "remove rescan "
expect "scsi-probe rescan t" "target0:0:10 "
expect "scsi-probe rescan --" "--all --dry-run --help --timeout "
expect "scsi-probe rescan --dry-run 0:0:1" "0:0:10:2 "
expect "scsi-probe remove " "--force --help 0:0:0:0 0:0:10:2 "
expect "scsi-probe remove --force 0:0:1" "0:0:10:2 "
expect "scsi-probe host " "--action --help --verbose -v host0 host3 "
expect "scsi-probe target t" "target0:0:10 "
expect "scsi-probe show h" "host0 host3 "
expect "scsi-probe policy " "--help check "
expect "scsi-probe check --" "--help --no-initramfs "
((fails == 0)) && echo "completion: all cases pass"
exit $((fails > 0))
