#!/bin/sh
# measure.sh RESULTS_DIR SCENARIO: from the project boot's dmesg, seconds
# from the helper's first "create:" record to its first "load module
# through udev" record, and to the first "Attached SCSI disk".
awk 'function t(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
     /scsi-probe.*create: / && !c { c = t($0) }
     /load module through udev/ && !m { m = t($0) }
     /Attached SCSI disk/ && !a { a = t($0) }
     END { printf "created->requested %.3f created->attached %.3f\n", m - c, a - c }' "$1/$2/project/dmesg"
