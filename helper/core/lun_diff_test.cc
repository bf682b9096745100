#include "lun_diff.h"

#include <gtest/gtest.h>
#include <scsi/sg_lib.h>

#include <algorithm>
#include <vector>

#include "report_luns.h"

namespace scsi_probe {
namespace {

// Fixed-format sense data (SPC-5 4.4.3): key in byte 2, ASC/ASCQ in 12/13.
std::vector<uint8_t> fixed_sense(uint8_t key, uint8_t asc, uint8_t ascq) {
  std::vector<uint8_t> sense(18, 0);
  sense[0] = 0x70;
  sense[2] = key;
  sense[7] = 10;
  sense[12] = asc;
  sense[13] = ascq;
  return sense;
}

// Descriptor-format sense data (SPC-5 4.4.2): key, ASC, ASCQ in bytes 1-3.
std::vector<uint8_t> descriptor_sense(uint8_t key, uint8_t asc, uint8_t ascq) {
  return {0x72, key, asc, ascq, 0, 0, 0, 0};
}

// --- removal_candidates -------------------------------------------------------

TEST(RemovalCandidates, GoneLunsAscending) {
  const std::vector<uint64_t> existing = {3, 0, 1, 2};
  const std::vector<uint64_t> reported = {0, 2, 5, 4};
  EXPECT_EQ(removal_candidates(existing, reported), (std::vector<uint64_t>{1, 3}));
}

TEST(RemovalCandidates, NothingChanged) {
  const std::vector<uint64_t> luns = {0, 1, 16640};
  EXPECT_TRUE(removal_candidates(luns, luns).empty());
}

TEST(RemovalCandidates, EmptyListMakesEverythingACandidate) {
  const std::vector<uint64_t> existing = {7, 0, 3, 3};
  EXPECT_EQ(removal_candidates(existing, {}), (std::vector<uint64_t>{0, 3, 7}));
}

TEST(RemovalCandidates, NewLunsAreNotCandidates) {
  const std::vector<uint64_t> existing = {1};
  const std::vector<uint64_t> reported = {0, 1, 2};
  EXPECT_TRUE(removal_candidates(existing, reported).empty());
}

// kernel_is_wlun: the REPORT LUNS W-LUN the list came through, or any other.
TEST(RemovalCandidates, WellKnownLunsAreNeverCandidates) {
  const std::vector<uint64_t> existing = {0, 1, kReportLunsWellKnownLun, 0xc150};
  const std::vector<uint64_t> reported = {0};
  EXPECT_EQ(removal_candidates(existing, reported), (std::vector<uint64_t>{1}));
}

TEST(RemovalCandidates, ScaleSixteenThousand) {
  std::vector<uint64_t> existing;
  std::vector<uint64_t> reported;
  std::size_t expected = 0;
  for (uint64_t n = 0; n < 16384; ++n) {
    const uint64_t lun = n < 256 ? n : 0x4000 | n;
    if (n % 2 == 0) existing.push_back(lun);
    if (n % 3 != 0) reported.push_back(lun);
    if (n % 2 == 0 && n % 3 == 0) ++expected;
  }
  const auto candidates = removal_candidates(existing, reported);
  EXPECT_EQ(candidates.size(), expected);
  EXPECT_TRUE(std::is_sorted(candidates.begin(), candidates.end()));
  EXPECT_EQ(candidates.back(), 0x4000u | 16380u);
}

// --- confirm_removal ------------------------------------------------------------

std::vector<uint8_t> inquiry(uint8_t qualifier, uint8_t type) {
  std::vector<uint8_t> data(36, 0);
  data[0] = static_cast<uint8_t>(qualifier << 5 | type);
  data[2] = 6;
  data[3] = 2;
  data[4] = 31;
  return data;
}

TEST(ConfirmRemoval, Qualifier3Removes) {
  const RemovalDecision d = confirm_removal({true, inquiry(3, 0x1f), {}});
  EXPECT_TRUE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported and peripheral qualifier 3: no logical unit, target present");
}

// The kernel's "no device" rule of scsi_probe_and_add_lun.
TEST(ConfirmRemoval, Qualifier1Type1fRemoves) {
  EXPECT_TRUE(confirm_removal({true, inquiry(1, 0x1f), {}}).remove);
  EXPECT_FALSE(confirm_removal({true, inquiry(1, 0x00), {}}).remove);
}

TEST(ConfirmRemoval, ConnectedLunIsKept) {
  const RemovalDecision d = confirm_removal({true, inquiry(0, 0x00), {}});
  EXPECT_FALSE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported but still answers: peripheral qualifier 0, type 0x00: added");
}

TEST(ConfirmRemoval, EveryQualifierAndType) {
  for (uint8_t pq = 0; pq < 8; ++pq) {
    for (uint8_t type = 0; type < 32; ++type) {
      const bool gone = pq == 3 || (pq == 1 && type == 0x1f);
      EXPECT_EQ(confirm_removal({true, inquiry(pq, type), {}}).remove, gone) << int{pq} << " " << int{type};
    }
  }
}

TEST(ConfirmRemoval, UfiType1f) {
  EXPECT_FALSE(confirm_removal({true, inquiry(0, 0x1f), {}}).remove);
  EXPECT_TRUE(confirm_removal({true, inquiry(0, 0x1f), {}}, true).remove);
}

// One byte of INQUIRY data is enough for the qualifier; none is not.
TEST(ConfirmRemoval, ShortInquiryData) {
  const std::vector<uint8_t> one = {0x7f};
  EXPECT_TRUE(confirm_removal({true, one, {}}).remove);
  const RemovalDecision none = confirm_removal({true, {}, {}});
  EXPECT_FALSE(none.remove);
  EXPECT_EQ(none.reason, "no longer reported but INQUIRY returned no data: kept");
}

// A failed command's data is not INQUIRY data.
TEST(ConfirmRemoval, FailedCommandIgnoresData) {
  EXPECT_FALSE(confirm_removal({false, inquiry(3, 0x1f), {}}).remove);
}

TEST(ConfirmRemoval, LogicalUnitNotSupportedRemoves) {
  for (const auto& sense : std::vector<std::vector<uint8_t>>{
           fixed_sense(SPC_SK_ILLEGAL_REQUEST, 0x25, 0x00),
           descriptor_sense(SPC_SK_ILLEGAL_REQUEST, 0x25, 0x00)}) {
    const RemovalDecision d = confirm_removal({false, {}, sense});
    EXPECT_TRUE(d.remove);
    EXPECT_EQ(d.reason, "no longer reported and Illegal Request, Logical unit not supported");
  }
}

TEST(ConfirmRemoval, OtherIllegalRequestKeeps) {
  EXPECT_FALSE(confirm_removal({false, {}, fixed_sense(SPC_SK_ILLEGAL_REQUEST, 0x24, 0x00)}).remove);
}

// ASC 25h under another sense key is not the "not supported" answer.
TEST(ConfirmRemoval, Asc25UnderOtherKeyKeeps) {
  EXPECT_FALSE(confirm_removal({false, {}, fixed_sense(SPC_SK_NOT_READY, 0x25, 0x00)}).remove);
}

TEST(ConfirmRemoval, UnitAttentionKeeps) {
  const RemovalDecision d = confirm_removal({false, {}, fixed_sense(SPC_SK_UNIT_ATTENTION, 0x3f, 0x0e)});
  EXPECT_FALSE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported but Unit Attention, Reported luns data has changed: kept");
}

TEST(ConfirmRemoval, NotReadyKeeps) {
  const RemovalDecision d = confirm_removal({false, {}, descriptor_sense(SPC_SK_NOT_READY, 0x04, 0x01)});
  EXPECT_FALSE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported but Not Ready, Logical unit is in process of becoming ready: kept");
}

TEST(ConfirmRemoval, NoAnswerKeeps) {
  const RemovalDecision d = confirm_removal({false, {}, {}});
  EXPECT_FALSE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported but no answer to confirm: kept");
}

TEST(ConfirmRemoval, UnreadableSenseKeeps) {
  const std::vector<uint8_t> zero = {0x00, 0x05, 0x25};
  const RemovalDecision d = confirm_removal({false, {}, zero});
  EXPECT_FALSE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported but the sense data is unreadable: kept");
}

// Fixed-format sense cut before the ASC byte carries no "not supported".
TEST(ConfirmRemoval, TruncatedFixedSenseKeeps) {
  const auto full = fixed_sense(SPC_SK_ILLEGAL_REQUEST, 0x25, 0x00);
  EXPECT_FALSE(confirm_removal({false, {}, std::span(full).first(8)}).remove);
}

// DID_NO_CONNECT from the LLD: nothing at this address any more.
TEST(ConfirmRemoval, NotConnectedRemoves) {
  const RemovalDecision d = confirm_removal({false, {}, {}, kHostByteNoConnect});
  EXPECT_TRUE(d.remove);
  EXPECT_EQ(d.reason, "no longer reported and not connected (DID_NO_CONNECT)");
}

// An offline or blocked device gets DID_NO_CONNECT from the midlayer itself.
TEST(ConfirmRemoval, NotConnectedOfflineKeeps) {
  const RemovalDecision d = confirm_removal({false, {}, {}, kHostByteNoConnect, false});
  EXPECT_FALSE(d.remove);
  EXPECT_NE(d.reason.find("not running"), std::string::npos);
}

// Every other host byte (busy, time-out, transport disrupted, ...) is no answer.
TEST(ConfirmRemoval, OtherHostBytesKeep) {
  for (int host = 0; host < 256; ++host) {
    if (host == kHostByteNoConnect) continue;
    EXPECT_FALSE(confirm_removal({false, {}, {}, static_cast<uint8_t>(host)}).remove) << host;
  }
}

}  // namespace
}  // namespace scsi_probe
