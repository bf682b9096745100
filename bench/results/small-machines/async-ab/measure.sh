#!/bin/sh
# measure.sh BOOT_DIR: median seconds from each disk's "scsi H:C:T:L:
# Direct-Access" kernel line to its "Attached SCSI disk" (dmesg), and the
# boot's create time.
awk 'function t(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
     / scsi [0-9]+:[0-9]+:[0-9]+:[0-9]+: Direct-Access/ { match($0, /[0-9]+:[0-9]+:[0-9]+:[0-9]+/); c[substr($0, RSTART, RLENGTH)] = t($0) }
     /Attached SCSI disk/ { match($0, /[0-9]+:[0-9]+:[0-9]+:[0-9]+/); a = substr($0, RSTART, RLENGTH); if (a in c) d[n++] = t($0) - c[a] }
     END { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (d[j] < d[i]) { x = d[i]; d[i] = d[j]; d[j] = x }
           printf "disks %d median %.3f ", n, n ? (n % 2 ? d[int(n/2)] : (d[n/2-1] + d[n/2]) / 2) : 0 }' "$1/dmesg"
grep '^time create' "$1/meta" | awk '{printf "create %s\n", $3}'
