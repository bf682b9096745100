// `scsi-probe policy check [FILE...]`: validates the LUN policy as the scan
// and device runs would read it, without changing anything. Without FILEs:
// the scsi-probe.d folders (which file is in force, overridden or masked)
// and the kernel command line; with FILEs: those files only, as if they
// were the folders' whole content.
#include <ostream>

#include "commands.h"
#include "policy_files.h"

namespace scsi_probe {

namespace {

std::size_t rules_from(const Policy& p, const std::string& source) {
  std::size_t n = 0;
  for (const Rule& r : p.rules) n += r.source == source;
  return n;
}

}  // namespace

int run_policy_check(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  std::vector<std::string> paths = files;
  std::string cmdline;
  if (files.empty()) {
    const ConfigChoice c = find_policy_files();
    paths = c.in_force;
    for (const std::string& p : c.overridden) out << p << ": overridden (a file of the same name comes first)\n";
    for (const std::string& n : c.masked) out << n << ": masked\n";
    cmdline = read_kernel_command_line();
  }
  const Policy p = read_policy(paths, cmdline);
  // Errors as FILE:LINE: message, the form editors and CI logs link to.
  for (const PolicyError& e : p.errors) err << e.format() << "\n";
  for (const std::string& s : p.sources) out << s << ": " << rules_from(p, s) << " rule(s)\n";
  for (const std::string& s : p.ignored) out << s << ": ignored as a whole (errors on stderr)\n";
  out << "policy: " << p.rules.size() << " rule(s) in force from " << p.sources.size() << " source(s)";
  if (!p.ignored.empty()) out << "; " << p.ignored.size() << " source(s) with errors, ignored";
  out << "\n";
  return p.ignored.empty() ? kExitOk : kExitBadPolicy;
}

}  // namespace scsi_probe
