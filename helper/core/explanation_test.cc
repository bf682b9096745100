#include "explanation.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

Explanation sample() {
  Explanation e;
  e.object = "0:0:1:0";
  e.summary = "0:0:1:0: not there: its target's last scan did not add it";
  e.step("found").lines = {"scsi_mod.scan=manual"};
  e.step("policy").lines = {"no policy: the kernel's default for every LUN", "instantiate: yes (no rule)"};
  e.instantiate = ExplainedInstantiate{true, false, "", "no rule"};
  return e;
}

TEST(Explanation, TextNumbersTheSteps) {
  EXPECT_EQ(format_explanation_text(sample()),
            "0:0:1:0: not there: its target's last scan did not add it\n"
            "\n1. found\n   scsi_mod.scan=manual\n"
            "\n2. policy\n   no policy: the kernel's default for every LUN\n   instantiate: yes (no rule)\n");
}

TEST(Explanation, JsonHasEveryFieldNullWhenUnknown) {
  auto j = explanation_json(sample());
  EXPECT_EQ(j["version"], kExplainJsonVersion);
  EXPECT_EQ(j["object"], "0:0:1:0");
  EXPECT_EQ(j["present"], false);
  EXPECT_EQ(j["steps"][1]["title"], "policy");
  EXPECT_EQ(j["steps"][1]["lines"][1], "instantiate: yes (no rule)");
  EXPECT_EQ(j["instantiate"]["instantiate"], true);
  EXPECT_TRUE(j["instantiate"]["rule"].is_null());
  EXPECT_TRUE(j["attach"].is_null());
  Explanation p = sample();
  p.present = true;
  p.attach = ExplainedAttach{"sd", "bind", "none", "sd: type 0x00 (disk)"};
  auto k = explanation_json(p);
  EXPECT_EQ(k["attach"]["driver"], "sd");
  EXPECT_EQ(k["attach"]["bind"], "bind");
}

}  // namespace
}  // namespace scsi_probe
