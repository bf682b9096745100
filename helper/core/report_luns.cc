#include "report_luns.h"

#include <algorithm>
#include <cstdio>

#include "text.h"

namespace scsi_probe {

namespace {

uint64_t big_endian(std::span<const uint8_t> bytes) {
  uint64_t value = 0;
  for (uint8_t b : bytes) value = (value << 8) | b;
  return value;
}

// Decodes the level at `offset`. An extended level longer than the bytes left
// is cut to them and counts as reserved.
LunLevel decode_level(const ScsiLun& lun, std::size_t offset) {
  LunLevel level;
  level.offset = offset;
  const uint8_t b0 = lun[offset];
  const uint8_t b1 = lun[offset + 1];
  level.method = static_cast<LunAddressMethod>(b0 >> 6);
  switch (level.method) {
    case LunAddressMethod::kPeripheral:
      level.bus = b0 & 0x3f;
      if (level.bus == 0) {
        level.lun = b1;
      } else {
        level.target = b1;
        level.continues = true;
      }
      break;
    case LunAddressMethod::kFlat:
      level.lun = (uint64_t{b0 & 0x3fu} << 8) | b1;
      break;
    case LunAddressMethod::kLogicalUnit:
      level.target = b0 & 0x3f;
      level.bus = b1 >> 5;
      level.lun = b1 & 0x1f;
      break;
    case LunAddressMethod::kExtended: {
      const std::size_t length = 2 * (((b0 >> 4) & 0x3) + 1u);
      const std::size_t room = lun.size() - offset;
      level.length = std::min(length, room);
      level.extended_method = b0 & 0x0f;
      const std::span<const uint8_t> value(lun.data() + offset + 1, level.length - 1);
      level.lun = big_endian(value);
      const bool fits = length <= room;
      if (length == 2 && level.extended_method == 0x1) {
        level.extended = ExtendedLunFormat::kWellKnown;
      } else if (fits && length == 4 && level.extended_method == 0x2) {
        level.extended = ExtendedLunFormat::kExtendedFlat;
      } else if (fits && length == 6 && level.extended_method == 0x2) {
        level.extended = ExtendedLunFormat::kLongExtendedFlat;
      } else if (fits && length == 8 && level.extended_method == 0xf &&
                 std::all_of(value.begin(), value.end(), [](uint8_t b) { return b == 0xff; })) {
        level.extended = ExtendedLunFormat::kNotSpecified;
      } else {
        level.extended = ExtendedLunFormat::kReserved;
      }
      break;
    }
  }
  return level;
}

std::string describe_level(const LunLevel& level) {
  switch (level.method) {
    case LunAddressMethod::kPeripheral:
      if (level.continues) {
        return "bus " + std::to_string(level.bus) + " target " + std::to_string(level.target);
      }
      return "LUN " + std::to_string(level.lun);
    case LunAddressMethod::kFlat:
      return "flat space LUN " + std::to_string(level.lun);
    case LunAddressMethod::kLogicalUnit:
      return "target " + std::to_string(level.target) + " bus " + std::to_string(level.bus) +
             " LUN " + std::to_string(level.lun);
    case LunAddressMethod::kExtended:
      break;
  }
  switch (level.extended) {
    case ExtendedLunFormat::kWellKnown: {
      const auto id = static_cast<uint8_t>(level.lun);
      const std::string_view name = well_known_lun_name(id);
      std::string text = "well-known LUN " + hex_number(id, 2);
      if (!name.empty()) text += " (" + std::string(name) + ")";
      return text;
    }
    case ExtendedLunFormat::kExtendedFlat:
      return "extended flat space LUN " + std::to_string(level.lun);
    case ExtendedLunFormat::kLongExtendedFlat:
      return "long extended flat space LUN " + std::to_string(level.lun);
    case ExtendedLunFormat::kNotSpecified:
      return "logical unit not specified";
    case ExtendedLunFormat::kReserved:
      break;
  }
  return "extended addressing, length " + std::to_string(level.length) + ", method " +
         hex_number(level.extended_method, 2) + " (reserved)";
}

}  // namespace

std::optional<ReportLunsList> parse_report_luns(std::span<const uint8_t> data) {
  if (data.size() < 4) return std::nullopt;
  ReportLunsList list;
  list.list_length = static_cast<uint32_t>(big_endian(data.first(4)));
  const uint64_t claimed_entries = list.list_length / kLunEntrySize;
  const uint64_t received_entries =
      data.size() > kReportLunsHeaderSize ? (data.size() - kReportLunsHeaderSize) / kLunEntrySize : 0;
  list.truncated = list.complete_size() > data.size();
  const uint64_t count = std::min(claimed_entries, received_entries);
  list.luns.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ScsiLun lun;
    std::copy_n(data.begin() + kReportLunsHeaderSize + i * kLunEntrySize, kLunEntrySize, lun.begin());
    list.luns.push_back(lun);
  }
  return list;
}

std::optional<uint32_t> report_luns_retry_allocation(const ReportLunsList& list,
                                                     uint32_t sent_allocation,
                                                     uint32_t max_allocation) {
  const uint64_t wanted = list.complete_size();
  if (wanted <= sent_allocation) return std::nullopt;
  const uint64_t allocation = std::min<uint64_t>(wanted, max_allocation);
  if (allocation <= sent_allocation) return std::nullopt;
  return static_cast<uint32_t>(allocation);
}

uint64_t linux_lun_from_scsilun(const ScsiLun& lun) {
  uint64_t value = 0;
  for (std::size_t i = 0; i < lun.size(); i += 2) {
    const uint64_t word = (uint64_t{lun[i]} << 8) | lun[i + 1];
    value |= word << (i * 8);
  }
  return value;
}

ScsiLun scsilun_from_linux_lun(uint64_t linux_lun) {
  ScsiLun lun{};
  for (std::size_t i = 0; i < lun.size(); i += 2) {
    lun[i] = static_cast<uint8_t>(linux_lun >> 8);
    lun[i + 1] = static_cast<uint8_t>(linux_lun);
    linux_lun >>= 16;
  }
  return lun;
}

bool kernel_is_wlun(uint64_t linux_lun) { return (linux_lun & 0xff00) == 0xc100; }

DecodedLun decode_lun(const ScsiLun& lun) {
  DecodedLun decoded;
  std::size_t offset = 0;
  while (offset < lun.size()) {
    LunLevel level = decode_level(lun, offset);
    offset += level.length;
    const bool continues = level.continues;
    decoded.levels.push_back(level);
    if (!continues) break;
  }
  decoded.trailing_data = std::any_of(lun.begin() + static_cast<std::ptrdiff_t>(offset), lun.end(),
                                      [](uint8_t b) { return b != 0; });
  const LunLevel& first = decoded.levels.front();
  if (first.method == LunAddressMethod::kExtended && first.extended == ExtendedLunFormat::kWellKnown) {
    decoded.well_known = static_cast<uint8_t>(first.lun);
  }
  return decoded;
}

std::string_view well_known_lun_name(uint8_t id) {
  switch (id) {
    case 0x01: return "REPORT LUNS";
    case 0x02: return "ACCESS CONTROLS";
    case 0x03: return "TARGET LOG PAGES";
    case 0x04: return "SECURITY PROTOCOL";
    case 0x05: return "MANAGEMENT PROTOCOL";
    case 0x06: return "TARGET COMMANDS";
    default: return {};
  }
}

std::string describe_lun(const ScsiLun& lun) {
  const DecodedLun decoded = decode_lun(lun);
  std::string text;
  for (const LunLevel& level : decoded.levels) {
    if (!text.empty()) text += " / ";
    text += describe_level(level);
  }
  if (decoded.trailing_data) text += " (unexpected data after the last level)";
  return text;
}

}  // namespace scsi_probe
