// The kernel's device quirk flags (include/scsi/scsi_devinfo.h, BLIST_*):
// the same bit values, so a mask read from sysfs or scsi_mod.dev_flags means
// the same thing here. These are Linux 6.1.y's, BLIST_NO_VPD_SIZE included;
// quirks_test checks them against the names in Debian's 6.1 scsi_mod.ko
// (tests/fixtures/kernel_devinfo/blist_names-6.1.txt). Bits 14-16, 24, 27
// and 34 up are unused there, and the kernel refuses them.
#pragma once

#include <cstdint>

namespace scsi_probe {

using BlistFlags = uint64_t;

inline constexpr BlistFlags kBlistNolun = 1ULL << 0;
inline constexpr BlistFlags kBlistForcelun = 1ULL << 1;
inline constexpr BlistFlags kBlistBorken = 1ULL << 2;
inline constexpr BlistFlags kBlistKey = 1ULL << 3;
inline constexpr BlistFlags kBlistSinglelun = 1ULL << 4;
inline constexpr BlistFlags kBlistNotq = 1ULL << 5;
inline constexpr BlistFlags kBlistSparselun = 1ULL << 6;
inline constexpr BlistFlags kBlistMax5lun = 1ULL << 7;
inline constexpr BlistFlags kBlistIsrom = 1ULL << 8;
inline constexpr BlistFlags kBlistLargelun = 1ULL << 9;
inline constexpr BlistFlags kBlistInquiry36 = 1ULL << 10;
inline constexpr BlistFlags kBlistIgnMediaChange = 1ULL << 11;
inline constexpr BlistFlags kBlistNostartonadd = 1ULL << 12;
inline constexpr BlistFlags kBlistNoVpdSize = 1ULL << 13;
inline constexpr BlistFlags kBlistReportlun2 = 1ULL << 17;
inline constexpr BlistFlags kBlistNoreportlun = 1ULL << 18;
inline constexpr BlistFlags kBlistNotLockable = 1ULL << 19;
inline constexpr BlistFlags kBlistNoUldAttach = 1ULL << 20;
inline constexpr BlistFlags kBlistSelectNoAtn = 1ULL << 21;
inline constexpr BlistFlags kBlistRetryHwerror = 1ULL << 22;
inline constexpr BlistFlags kBlistMax512 = 1ULL << 23;
inline constexpr BlistFlags kBlistNoDif = 1ULL << 25;
inline constexpr BlistFlags kBlistSkipVpdPages = 1ULL << 26;
inline constexpr BlistFlags kBlistTryVpdPages = 1ULL << 28;
inline constexpr BlistFlags kBlistNoRsoc = 1ULL << 29;
inline constexpr BlistFlags kBlistMax1024 = 1ULL << 30;
inline constexpr BlistFlags kBlistUnmapLimitWs = 1ULL << 31;
inline constexpr BlistFlags kBlistRetryItf = 1ULL << 32;
inline constexpr BlistFlags kBlistRetryAscC1 = 1ULL << 33;

}  // namespace scsi_probe
