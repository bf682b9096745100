#include "inquiry.h"

namespace scsi_probe {

namespace {

std::string field(std::span<const uint8_t> data, std::size_t offset, std::size_t len) {
  if (data.size() <= offset) return {};
  std::size_t n = std::min(len, data.size() - offset);
  return std::string(reinterpret_cast<const char*>(data.data() + offset), n);
}

}  // namespace

std::optional<StandardInquiry> parse_standard_inquiry(std::span<const uint8_t> data) {
  if (data.empty()) return std::nullopt;
  StandardInquiry inq;
  inq.available = data.size();
  auto byte = [&](std::size_t i) -> uint8_t { return i < data.size() ? data[i] : 0; };
  inq.qualifier = (byte(0) >> 5) & 0x7;
  inq.device_type = byte(0) & 0x1f;
  inq.removable = byte(1) & 0x80;
  inq.version = byte(2);
  inq.normaca = byte(3) & 0x20;
  inq.hisup = byte(3) & 0x10;
  inq.response_format = byte(3) & 0x0f;
  inq.additional_length = byte(4);
  inq.sccs = byte(5) & 0x80;
  inq.acc = byte(5) & 0x40;
  inq.tpgs = (byte(5) >> 4) & 0x3;
  inq.three_pc = byte(5) & 0x08;
  inq.protect = byte(5) & 0x01;
  inq.encserv = byte(6) & 0x40;
  inq.multip = byte(6) & 0x10;
  inq.cmdque = byte(7) & 0x02;
  inq.vendor = field(data, 8, 8);
  inq.model = field(data, 16, 16);
  inq.revision = field(data, 32, 4);
  return inq;
}

int kernel_scsi_level(const StandardInquiry& inq) {
  int level = inq.version & 0x0f;
  if (level >= 2 || (level == 1 && inq.response_format == 1)) ++level;
  return level;
}

}  // namespace scsi_probe
