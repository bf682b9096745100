#!/bin/sh
# measure.sh RESULTS_DIR: seconds from "scsi host0: ioc0" to the last
# "Attached SCSI disk", project and kernel boots, from their dmesg.
for b in project kernel; do
  awk -v b=$b 'function t(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
       /scsi host0: ioc0/ { h = t($0) }
       /Attached SCSI disk/ { a = t($0) }
       END { printf "%s %.3f ", b, a - h }' "$1/sas4/$b/dmesg"
done
echo
