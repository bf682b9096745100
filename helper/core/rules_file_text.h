// The text of rules.d/54-scsi-probe.rules (RULES_FILE, set by meson), for
// the unit tests that tie a rule to the code deciding the same thing. Test
// code only: not in the helper.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace scsi_probe {

// Empty when the file cannot be read.
inline std::string rules_file_text() {
  std::ifstream in(RULES_FILE);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace scsi_probe
