// Micro-benchmarks of the pure parsers and decisions, on the build machine
// (Google Benchmark): the work one helper run does per device, and the LUN
// list handling of a target, at the sizes that matter.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "identify.h"
#include "inquiry.h"
#include "properties.h"
#include "quirks.h"
#include "report_luns.h"
#include "scan_plan.h"
#include "vpd_device_id.h"

namespace {

using namespace scsi_probe;
namespace fs = std::filesystem;

std::vector<uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A captured guest device (scsi_debug disk): INQUIRY and the VPD pages the
// kernel cached, laid out as in sysfs.
DeviceData fixture_device() {
  const fs::path dir = fs::path(FIXTURE_DIR) / "devices" / "sdebug-targets-luns-disk";
  DeviceData d;
  d.inquiry = slurp(dir / "inquiry");
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("vpd_pg")) continue;
    d.vpd[static_cast<uint8_t>(std::stoi(name.substr(6), nullptr, 16))] = slurp(e.path());
  }
  return d;
}

// A REPORT LUNS answer of `n` LUNs, flat-space addressing above 255.
std::vector<uint8_t> report_luns_answer(std::size_t n) {
  std::vector<uint8_t> data(8 + 8 * n, 0);
  const uint32_t len = static_cast<uint32_t>(8 * n);
  data[0] = static_cast<uint8_t>(len >> 24);
  data[1] = static_cast<uint8_t>(len >> 16);
  data[2] = static_cast<uint8_t>(len >> 8);
  data[3] = static_cast<uint8_t>(len);
  for (std::size_t i = 0; i < n; ++i) {
    const ScsiLun l = scsilun_from_linux_lun(i < 256 ? i : (0x4000 | i));
    std::copy(l.begin(), l.end(), data.begin() + static_cast<std::ptrdiff_t>(8 + 8 * i));
  }
  return data;
}

void BM_StandardInquiry(benchmark::State& state) {
  const DeviceData d = fixture_device();
  for (auto _ : state) benchmark::DoNotOptimize(parse_standard_inquiry(d.inquiry));
}
BENCHMARK(BM_StandardInquiry);

void BM_DeviceIdPage(benchmark::State& state) {
  const DeviceData d = fixture_device();
  const auto* pg83 = d.page(0x83);
  if (!pg83) {
    state.SkipWithError("fixture has no page 0x83");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(parse_device_id_page(*pg83));
}
BENCHMARK(BM_DeviceIdPage);

// Everything `scsi-probe device` computes from the data: scsi_id's and
// sg_inq's keys, then udev's KEY=value text.
void BM_IdentifyDevice(benchmark::State& state) {
  const DeviceData d = fixture_device();
  for (auto _ : state) benchmark::DoNotOptimize(format_udev_properties(identify_device(d).properties));
}
BENCHMARK(BM_IdentifyDevice);

void BM_QuirkHwdbKey(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(quirk_hwdb_key("SEAGATE ", "ST39102LW       ", "0004"));
}
BENCHMARK(BM_QuirkHwdbKey);

void BM_ReportLuns(benchmark::State& state) {
  const auto data = report_luns_answer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(parse_report_luns(data));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReportLuns)->Arg(16)->Arg(256)->Arg(1024)->Arg(16384);

// The LUN list of a rescan against what sysfs holds (all but one present).
void BM_ChooseReportedLuns(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto list = parse_report_luns(report_luns_answer(n));
  std::vector<uint64_t> reported;
  for (const auto& l : list->luns) reported.push_back(linux_lun_from_scsilun(l));
  const std::vector<uint64_t> existing(reported.begin(), reported.end() - 1);
  ReportedLunsInput in;
  in.reported = reported;
  in.existing = existing;
  for (auto _ : state) benchmark::DoNotOptimize(choose_reported_luns(in));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ChooseReportedLuns)->Arg(256)->Arg(16384);

}  // namespace

BENCHMARK_MAIN();
