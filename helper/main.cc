#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"scsi-probe: event-driven SCSI scanning and identification"};
  app.set_version_flag("--version", SCSI_PROBE_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
