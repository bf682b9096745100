// How long scan runs may take inside their udev event. udevd warns about an
// event at a third of its timeout and kills the worker at the timeout (180
// seconds unless udev.event_timeout= says otherwise); a killed event runs no
// RUN fallback and sends no continuation, so a run must hand the rest of its
// scan on before then, even while one of its scan writes hangs in the
// kernel's error handling or the machine starves it of CPU.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace scsi_probe {

// udev.event_timeout= (or rd.udev.event_timeout=, the initramfs's; the last
// one given wins, and '-' stands for '_', as udevd reads them) from a kernel
// command line, in seconds; nullopt when absent or not a positive number.
std::optional<std::chrono::seconds> udev_event_timeout(std::string_view cmdline);
// event_timeout= of udev.conf (KEY=value lines, values maybe quoted, '#'
// comments); the command line's wins over it.
std::optional<std::chrono::seconds> udev_conf_event_timeout(std::string_view conf);

// The walk's budget: a third of the event timeout (udevd's default 180 s
// gives 60 s), at least one second and at most 60 (scsi-probe(8), BOUNDS).
std::chrono::seconds walk_budget(std::optional<std::chrono::seconds> event_timeout);

// A target run's batch of LUN writes, and its wait for another scan of the
// target: a sixth of the event timeout (the default gives 30 s), at least
// one second and at most 30.
std::chrono::seconds target_batch_time(std::optional<std::chrono::seconds> event_timeout);

// When a run's watchdog (deadline_watchdog.h) cuts it, should it still be
// going: two thirds of the event timeout (120 s by default), a third of it
// left for the run to hand on and udevd to queue the event before the kill.
std::chrono::seconds cut_deadline(std::optional<std::chrono::seconds> event_timeout);
// Runs cut in a row before they made progress (added a LUN, wrote to a
// host: a machine starved of CPU, a device that hangs every run at the same
// place): the next run leaves the target or host to the kernel's scan, as
// the rules' fallback does for a run that failed.
inline constexpr unsigned kMaxCutsInARow = 2;
// "run cut at 120 s (udev kills it at 180 s)", for the log.
std::string describe_cut(std::optional<std::chrono::seconds> event_timeout);

// When the process started, from /proc/self/stat: its starttime field (the
// 22nd), in clock ticks since boot. The run's clock starts there, not in
// main(): udevd's starts before the fork, and a starved machine can spend
// seconds loading the program.
std::optional<unsigned long long> process_start_ticks(std::string_view proc_stat);

}  // namespace scsi_probe
