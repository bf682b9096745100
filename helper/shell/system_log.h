// Sends change records (change_log.h) where an administrator looks: the
// journal, syslog, or /dev/kmsg in an initramfs. Never fails the run: a
// record that cannot be sent is lost, the change itself is not undone.
#pragma once

#include "change_log.h"

namespace scsi_probe {

void log_change(const ChangeRecord& r);

}  // namespace scsi_probe
