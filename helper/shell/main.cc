// scsi-probe: one short-lived process per udev event on a SCSI host, target
// or device.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>
#include <string_view>
#include <utility>

#include "commands.h"
#include "diagnostics.h"

namespace {

void add_common(CLI::App* cmd, scsi_probe::Invocation& inv, const char* what) {
  cmd->add_option("object", inv.object, what)->required();
  cmd->add_option("--action", inv.action,
                  "udev action being handled (add, change, ...); default: $ACTION");
  cmd->add_flag("-v,--verbose", inv.verbose, "log each step on stderr");
}

// --json[=pretty|short]: systemd's modes; bare --json is pretty on a
// terminal and short otherwise (what is read by a person, what by a program).
void add_json_option(CLI::App* cmd, std::string& mode) {
  cmd->add_option("--json", mode, "print JSON: pretty (indented) or short (one line); bare --json: "
                                  "pretty on a terminal, short otherwise")
      ->expected(0, 1)
      ->check(CLI::IsMember({"pretty", "short", ""}));
}

scsi_probe::OutputFormat output_format(const CLI::App* cmd, const std::string& mode) {
  scsi_probe::OutputFormat f;
  f.json = cmd->count("--json") > 0;
  f.pretty = mode == "pretty" || (mode.empty() && isatty(STDOUT_FILENO));
  return f;
}

// What the verbs' options fill in.
struct Options {
  scsi_probe::Invocation inv;
  std::string show_json, explain_json;
  bool no_initramfs = false, rescan_all = false, rescan_dry_run = false, force = false;
  unsigned rescan_timeout = 300;
  std::vector<std::string> policy_files;
};

// A verb and what runs it once the command line is parsed.
using Runner = std::function<int(std::ostream& out, std::ostream& err)>;
using Verbs = std::vector<std::pair<CLI::App*, Runner>>;

// Each verb's builder adds its subcommand to the app and the runner that
// carries it out.
using VerbBuilder = void (*)(CLI::App& app, Options& o, Verbs& verbs);

// The verbs udev's rules run, one object per event.
void add_bus(CLI::App& app, Options& o, Verbs& verbs) {
  auto* bus = app.add_subcommand(
      "bus", "the SCSI bus registered: turn the kernel's own driver binding (drivers_autoprobe) off under "
             "scsi_mod.scan=manual, on otherwise");
  add_common(bus, o.inv, "the SCSI bus: /bus/scsi (its devpath), /sys/bus/scsi or scsi");
  verbs.emplace_back(bus, [&o](auto& out, auto& err) { return scsi_probe::run_bus(o.inv, out, err); });
}

void add_device(CLI::App& app, Options& o, Verbs& verbs) {
  auto* device = app.add_subcommand(
      "device", "identify one scsi_device: ID_* (scsi_id), SCSI_* (sg_inq) and SCSI_PROBE_* properties");
  add_common(device, o.inv, "the scsi_device: syspath, devpath, /dev node or H:C:T:L");
  verbs.emplace_back(device, [&o](auto& out, auto& err) { return scsi_probe::run_device(o.inv, out, err); });
}

void add_host(CLI::App& app, Options& o, Verbs& verbs) {
  auto* host = app.add_subcommand(
      "host", "find the targets of one SCSI host (scsi_mod.scan=manual), or rescan it (change)");
  add_common(host, o.inv, "the scsi_host: syspath, devpath or hostN");
  verbs.emplace_back(host, [&o](auto& out, auto& err) { return scsi_probe::run_host(o.inv, out, err); });
}

void add_target(CLI::App& app, Options& o, Verbs& verbs) {
  auto* target = app.add_subcommand(
      "target", "find the LUNs of one target (REPORT LUNS or the kernel's sequential walk), or "
                "rescan them: add new LUNs, remove LUNs that are gone; given a transport's remote "
                "port, probe the target behind it");
  add_common(target, o.inv,
             "the scsi_target or anything below it: syspath, devpath, node, targetH:C:T; or an FC "
             "remote port, SAS end device or iSCSI session (syspath or devpath)");
  verbs.emplace_back(target, [&o](auto& out, auto& err) { return scsi_probe::run_target(o.inv, out, err); });
}

// The verbs that only read: show, explain, check, policy check.
void add_show(CLI::App& app, Options& o, Verbs& verbs) {
  auto* show = app.add_subcommand(
      "show", "list hosts, targets and LUNs with identification, state, size and the last runs' record");
  show->add_option("object", o.inv.object,
                   "narrow to a host (hostN), a device (H:C:T:L, node) or an H:C:T:L pattern (* or - for "
                   "any value of a field; missing trailing fields are any)");
  show->add_flag("-v,--verbose", o.inv.verbose, "add each LUN's wwn, serial, handler, quirks and attach decision");
  add_json_option(show, o.show_json);
  verbs.emplace_back(show, [&o, show](auto& out, auto& err) {
    return scsi_probe::run_show(o.inv, output_format(show, o.show_json), out, err);
  });
}

void add_explain(CLI::App& app, Options& o, Verbs& verbs) {
  auto* explain = app.add_subcommand(
      "explain", "why a device is (or is not) there and attached, step by step (read-only)");
  explain->add_option("object", o.inv.object,
                      "the scsi_device: syspath, devpath, /dev node or H:C:T:L (also one that does not exist)")
      ->required();
  add_json_option(explain, o.explain_json);
  verbs.emplace_back(explain, [&o, explain](auto& out, auto& err) {
    return scsi_probe::run_explain(o.inv, output_format(explain, o.explain_json), out, err);
  });
}

void add_check(CLI::App& app, Options& o, Verbs& verbs) {
  auto* check = app.add_subcommand(
      "check", "before turning scsi_mod.scan=manual on: can scsi-probe scan each host under "
               "manual on this kernel, and what would be lost (read-only; exit status 0 safe, 5 "
               "safe with limits, 6 not safe)");
  check->add_flag("--no-initramfs", o.no_initramfs,
                  "do not inspect the running kernel's initramfs (the initramfs hooks, which are "
                  "building a new one)");
  verbs.emplace_back(check,
                     [&o](auto& out, auto& err) { return scsi_probe::run_check(!o.no_initramfs, out, err); });
}

void add_policy(CLI::App& app, Options& o, Verbs& verbs) {
  auto* policy = app.add_subcommand("policy", "the LUN policy (scsi-probe.d(5))");
  policy->require_subcommand(1);
  auto* policy_check = policy->add_subcommand(
      "check", "validate the policy files in force and the kernel command line (read-only; exit "
               "status 7 when a source has errors and would be ignored)");
  policy_check->add_option("file", o.policy_files, "check these files instead of the scsi-probe.d folders");
  verbs.emplace_back(policy_check, [&o](auto& out, auto& err) {
    return scsi_probe::run_policy_check(o.policy_files, out, err);
  });
}

// The administrator's verbs that change the machine: rescan, remove.
void add_rescan(CLI::App& app, Options& o, Verbs& verbs) {
  auto* rescan = app.add_subcommand(
      "rescan", "rescan a host, a target or a device (or every host) as udev's rules do on a change "
                "event, wait until it is done, and say what was added, removed or resized");
  rescan->add_option("object", o.inv.object,
                     "hostN, targetH:C:T or H:C:T, or a device (H:C:T:L, node, syspath); none: every host");
  rescan->add_flag("--all", o.rescan_all, "every host (the default without an object)");
  rescan->add_option("--timeout", o.rescan_timeout, "seconds to wait for udev (default 300)");
  rescan->add_flag("-n,--dry-run", o.rescan_dry_run,
                   "say what the rescan would add, remove or leave alone, and why, changing nothing (only "
                   "read-only commands: REPORT LUNS, INQUIRY)");
  verbs.emplace_back(rescan, [&o](auto& out, auto& err) {
    return scsi_probe::run_rescan(o.inv, o.rescan_all, o.rescan_dry_run, std::chrono::seconds(o.rescan_timeout),
                                  out, err);
  });
}

void add_remove(CLI::App& app, Options& o, Verbs& verbs) {
  auto* remove = app.add_subcommand(
      "remove", "delete one SCSI device, unless it is in use (mounted, swapped on, held by dm, md "
                "or multipath, open): the kernel's delete attribute, with the helper's checks");
  remove->add_option("device", o.inv.object, "the scsi_device: syspath, devpath, /dev node or H:C:T:L")
      ->required();
  remove->add_flag("--force", o.force, "remove it even when it is in use (logged)");
  verbs.emplace_back(remove,
                     [&o](auto& out, auto& err) { return scsi_probe::run_remove(o.inv, o.force, out, err); });
}

// In the order of --help.
constexpr std::pair<std::string_view, VerbBuilder> kVerbs[] = {
    {"device", add_device},   {"host", add_host},   {"target", add_target}, {"bus", add_bus},
    {"show", add_show},       {"explain", add_explain}, {"check", add_check}, {"policy", add_policy},
    {"rescan", add_rescan},   {"remove", add_remove},
};

// The app for this command line. A run that names its verb first (every
// run udev starts) builds that verb alone: building every verb's options
// was a fifth of a device run's instructions. Anything else (--help,
// --version, a mistake) gets them all, so that help and errors list every
// verb.
void add_verbs(CLI::App& app, Options& o, Verbs& verbs, int argc, char** argv) {
  const std::string_view first = argc > 1 ? argv[1] : "";
  for (const auto& [name, build] : kVerbs)
    if (name == first) return build(app, o, verbs);
  for (const auto& [name, build] : kVerbs) build(app, o, verbs);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scsi_probe;
  CLI::App app{"scsi-probe: event-driven SCSI scanning and identification, one object per run"};
  app.set_version_flag("--version", SCSI_PROBE_VERSION);
  app.require_subcommand(1);
  Options o;
  Verbs verbs;
  add_verbs(app, o, verbs, argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (o.inv.action.empty())
    if (const char* a = std::getenv("ACTION")) o.inv.action = a;

  // Diagnostics leave in one write at the end: udev logs a program's stderr
  // per read, and an unbuffered stream would cut each line into pieces.
  std::ostringstream err;
  int rc = kExitUsage;
  try {
    for (auto& [verb, run] : verbs)
      if (*verb) rc = run(std::cout, err);
  } catch (const std::exception& e) {
    diag(err, "") << "internal error: " << e.what() << "\n";
    rc = kExitInternal;
  }
  std::cout.flush();
  std::cerr << err.str();
  return rc;
}
