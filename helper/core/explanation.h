// What `scsi-probe explain` tells, as data: a summary line, then numbered
// steps of plain lines, and the decisions it reached; printed as text or as
// JSON (schema: man/scsi-probe-explain.schema.json). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace scsi_probe {

struct ExplanationStep {
  std::string title;  // "found", "quirks", "policy", ...
  std::vector<std::string> lines;
};

// The policy's instantiate decision for the address (lun_policy.h).
struct ExplainedInstantiate {
  bool instantiate = true;
  bool provisional = false;
  std::string rule;  // "source:line"; empty: no rule
  std::string reason;
};

// The attach decision for an existing device (attach_policy.h).
struct ExplainedAttach {
  std::string driver;   // "sd", ... or "none"
  std::string bind;     // bind_action_name
  std::string handler;  // device_handler_name
  std::string reason;
};

struct Explanation {
  std::string object;  // H:C:T:L
  bool present = false;  // a scsi_device with that address exists
  std::string summary;   // the first line
  std::vector<ExplanationStep> steps;
  std::optional<ExplainedInstantiate> instantiate;
  std::optional<ExplainedAttach> attach;

  ExplanationStep& step(std::string title) {
    steps.push_back({std::move(title), {}});
    return steps.back();
  }
};

// The version of the JSON document's schema (fields are only ever added
// within one version).
inline constexpr int kExplainJsonVersion = 1;

// "SUMMARY\n", then "\nN. title\n" and "   line\n" per line of each step.
std::string format_explanation_text(const Explanation& e);

// {"version":1,"object":...,"present":...,"summary":...,"steps":[...],
//  "instantiate":{...}|null,"attach":{...}|null}
nlohmann::ordered_json explanation_json(const Explanation& e);

}  // namespace scsi_probe
