#include "explanation.h"

#include "text.h"

namespace scsi_probe {

std::string format_explanation_text(const Explanation& e) {
  std::string text = e.summary + "\n";
  int n = 0;
  for (const auto& s : e.steps) {
    text += concat({"\n", std::to_string(++n), ". ", s.title, "\n"});
    for (const auto& l : s.lines) {
      text += "   ";
      text += l;
      text += '\n';
    }
  }
  return text;
}

namespace {

nlohmann::ordered_json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

}  // namespace

nlohmann::ordered_json explanation_json(const Explanation& e) {
  nlohmann::ordered_json j;
  j["version"] = kExplainJsonVersion;
  j["object"] = e.object;
  j["present"] = e.present;
  j["summary"] = e.summary;
  j["steps"] = nlohmann::ordered_json::array();
  for (const auto& s : e.steps) j["steps"].push_back({{"title", s.title}, {"lines", s.lines}});
  if (const auto& i = e.instantiate)
    j["instantiate"] = {{"instantiate", i->instantiate},
                        {"provisional", i->provisional},
                        {"rule", text_or_null(i->rule)},
                        {"reason", i->reason}};
  else
    j["instantiate"] = nullptr;
  if (const auto& a = e.attach)
    j["attach"] = {{"driver", a->driver}, {"bind", a->bind}, {"handler", a->handler}, {"reason", a->reason}};
  else
    j["attach"] = nullptr;
  return j;
}

}  // namespace scsi_probe
