#include "sg_inq_properties.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <scsi/sg_lib.h>
#include <scsi/sg_unaligned.h>

#include "vpd_device_id.h"
#include "text.h"
#include "vpd_pages.h"

namespace scsi_probe {

namespace sg_inq_encoding {

namespace {

// sg_inq runs in the C locale: these are isblank() and isprint() there.
bool is_blank(uint8_t c) { return scsi_probe::is_blank(static_cast<char>(c)); }
bool is_print(uint8_t c) { return c >= 0x20 && c < 0x7f; }

std::string hex_escape(uint8_t c) {
  char buf[5];
  std::snprintf(buf, sizeof(buf), "\\x%02x", c);
  return buf;
}

}  // namespace

std::string squeeze(std::span<const uint8_t> field) {
  std::size_t begin = 0;
  std::size_t end = field.size();
  while (begin < end && is_blank(field[begin])) ++begin;
  // sg_inq skips these as a possible "unicode prefix".
  while (begin < end && field[begin] < 0x20) ++begin;
  while (end > begin && (is_blank(field[end - 1]) || field[end - 1] == 0)) --end;
  std::string out;
  bool valid = false;
  bool previous_nul = false;
  for (std::size_t k = begin; k < end; ++k) {
    uint8_t c = field[k];
    if (c == 0) {
      if (previous_nul) break;
      previous_nul = true;
      continue;
    }
    previous_nul = false;
    if (is_blank(c)) {
      if (!out.empty() && out.back() != '_') {
        out += '_';
        valid = true;
      }
    } else if (!is_print(c)) {
      out += '.';
    } else {
      out += static_cast<char>(c);
      valid = true;
    }
  }
  return valid ? out : std::string();
}

std::string escape_blanks(std::span<const uint8_t> field) {
  std::string out;
  for (uint8_t c : field) {
    if (is_blank(c) || !is_print(c))
      out += hex_escape(c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string escape_udev(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<uint8_t>(ch);
    bool plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 std::strchr("#+-.:=@_", c) != nullptr;
    if (plain && c != 0)
      out += ch;
    else
      out += hex_escape(c);
  }
  return out;
}

}  // namespace sg_inq_encoding

namespace sg_inq_designator {

namespace {

using sg_inq_encoding::escape_udev;
using sg_inq_encoding::squeeze;

// Protocol identifiers (SPC-5 table 444) with their own port designators.
constexpr uint8_t kProtocolUas = 0x9;
constexpr uint8_t kProtocolSop = 0xa;

const char* naa_suffix(uint8_t naa) {
  switch (naa) {
    case 6: return "REGEXT";
    case 5: return "REG";
    case 2: return "EXT";
    default: return "LOCAL";
  }
}

// sg_lib's hex dump without addresses (16 bytes a line, a newline after
// each): how sg_inq prints an MD5 designator. Empty input prints nothing,
// not even the newline.
std::string hex_dump(std::span<const uint8_t> bytes) {
  // 50 characters per 16 bytes, plus the terminating NUL.
  std::vector<char> buf(bytes.size() / 16 * 50 + 64);
  int n = hex2str(bytes.data(), static_cast<int>(bytes.size()), nullptr, 1,
                  static_cast<int>(buf.size()), buf.data());
  return std::string(buf.data(), static_cast<std::size_t>(std::max(n, 0)));
}

bool is_binary(const DesignatorFields& d) { return d.code_set == kCodeSetBinary; }
bool is_text(const DesignatorFields& d) { return d.code_set == kCodeSetAscii || d.code_set == kCodeSetUtf8; }

// Vendor specific (at most 128 bytes, a blank text printing nothing) and
// T10 vendor ID designators: text squeezed and escaped, other code sets in
// hex. An "ATA_" T10 ID also gives the ATA line, unescaped.
Properties vendor_lines(const DesignatorFields& d) {
  const bool t10 = d.type == kDesigT10VendorId;
  const char* key = t10 ? "T10" : "VENDOR";
  if (!t10 && (d.value.empty() || d.value.size() > 128)) return {};
  if (!is_text(d)) return {{key, hex_string(d.value)}};
  const std::string s = squeeze(d.value);
  if (!t10 && s.empty()) return {};
  Properties out{{key, escape_udev(s)}};
  if (t10 && s.starts_with("ATA_")) out.push_back({"ATA", s.substr(4)});
  return out;
}

// The 16-bit number in bytes 2-3 of a 4-byte binary designator (relative
// target port, target port group, logical unit group), which sg_inq prints
// only in the association it belongs to.
Properties group_line(const DesignatorFields& d, uint8_t association, const char* key, bool in_hex) {
  if (!is_binary(d) || d.association != association || d.value.size() != 4) return {};
  const uint16_t n = sg_get_unaligned_be16(d.value.data() + 2);
  return {{key, in_hex ? hex_number(n) : std::to_string(n)}};
}

// Protocol specific port designators: UAS (device address, interface) and
// SCSI over PCIe (routing ID).
Properties protocol_port_lines(const DesignatorFields& d) {
  const std::size_t len = d.value.size();
  if (d.protocol_id == kProtocolUas && len == 4 && d.association == kAssocTargetPort)
    return {{"UAS_DEVICE_ADDRESS", hex_number(d.value[0] & 0x7f)}, {"UAS_INTERFACE_NUMBER", hex_number(d.value[2])}};
  if (d.protocol_id == kProtocolSop && (len == 4 || len == 8))
    return {{"SOP_ROUTING_ID", hex_number(sg_get_unaligned_be16(d.value.data()))}};
  return {};
}

// A UUID designator (two header bytes, then the UUID) in its 8-4-4-4-12
// form; bytes past the 16 of a UUID go to the last group.
Properties uuid_line(const DesignatorFields& d) {
  if (!is_binary(d) || d.value.size() < 18) return {};
  const auto group = [&](std::size_t from, std::size_t n = std::dynamic_extent) {
    return hex_string(d.value.subspan(from, n));
  };
  return {{"UUID", concat({group(2, 4), "-", group(6, 2), "-", group(8, 2), "-", group(10, 2), "-", group(12)})}};
}

}  // namespace

Properties designator_lines(const DesignatorFields& d) {
  switch (d.type) {
    case kDesigVendorSpecific:
    case kDesigT10VendorId:
      return vendor_lines(d);
    case kDesigEui64:
      return is_binary(d) ? Properties{{"EUI64", hex_string(d.value)}} : Properties{};
    case kDesigNaa:
      return is_binary(d) ? Properties{{concat({"NAA_", naa_suffix(d.first_byte >> 4)}), hex_string(d.value)}}
                          : Properties{};
    case kDesigRelativeTargetPort:
      return group_line(d, kAssocTargetPort, "RELATIVE", false);
    case kDesigTargetPortGroup:
      return group_line(d, kAssocTargetPort, "TARGET_PORT_GROUP", true);
    case kDesigLogicalUnitGroup:
      return group_line(d, kAssocLogicalUnit, "LOGICAL_UNIT_GROUP", true);
    case kDesigMd5LogicalUnit:
      return is_binary(d) && d.association == kAssocLogicalUnit ? Properties{{"MD5", hex_dump(d.value)}}
                                                                : Properties{};
    case kDesigScsiName:
      if (d.code_set != kCodeSetUtf8) return {};
      return {{"NAME", std::string(d.value.begin(), std::find(d.value.begin(), d.value.end(), 0))}};
    case kDesigProtocolSpecificPort:
      return protocol_port_lines(d);
    case kDesigUuid:
      return uuid_line(d);
    default:
      return {};
  }
}

}  // namespace sg_inq_designator

namespace {

using sg_inq_designator::DesignatorFields;
using sg_inq_encoding::escape_blanks;
using sg_inq_encoding::escape_udev;
using sg_inq_encoding::squeeze;

// `data`, padded with zeros to at least `min_len` bytes, as it lies in
// sg_inq's zeroed buffer.
std::vector<uint8_t> zero_padded(std::span<const uint8_t> data, std::size_t min_len) {
  std::vector<uint8_t> out(std::max(data.size(), min_len), 0);
  std::copy(data.begin(), data.end(), out.begin());
  return out;
}

uint8_t byte_or_zero(std::span<const uint8_t> data, std::size_t i) {
  return i < data.size() ? data[i] : 0;
}

// sg_inq's stdout, read back the way udev's IMPORT{program} reads lines: a
// line with '=' starts a property, a line without one continues the value
// before it (so that formatting gives the same bytes back).
Properties split_export_text(const std::string& text) {
  Properties out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos && !out.empty()) {
      out.back().value += '\n';
      out.back().value += line;
    } else if (eq == std::string::npos) {
      out.push_back({line, ""});
    } else {
      out.push_back({line.substr(0, eq), line.substr(eq + 1)});
    }
  }
  return out;
}

const char* association_name(uint8_t assoc) {
  switch (assoc) {
    case kAssocLogicalUnit: return "LUN";
    case kAssocTargetPort: return "PORT";
    case kAssocTargetDevice: return "TARGET";
    default: return nullptr;
  }
}

// The page's properties as they are made: each designator's line is one
// property, whatever bytes its value holds. Splitting sg_inq's text at its
// line ends instead would let a SCSI name string with "\nKEY=..." in it
// make up properties of its own (sg_inq's own output does).
struct DesignatorExport {
  Properties props;
  // An empty MD5 dump ends with no line end: sg_inq's next line runs on
  // after it, and becomes the MD5 value as udev reads it.
  bool run_on = false;

  void add(std::string key, std::string value) {
    if (run_on) {
      props.back().value += key + "=" + value;
      run_on = false;
      return;
    }
    props.push_back({std::move(key), std::move(value)});
  }

  // A hex dump brings its own line ends, and none when empty.
  void add_dump(std::string key, std::string dump) {
    const bool empty = dump.empty();
    if (!empty) dump.pop_back();
    add(std::move(key), std::move(dump));
    run_on = empty;
  }
};

// One designator as sg_inq's export_dev_ids() prints it. Returns false
// where sg_inq stops printing the page altogether.
bool export_designator(const sg_inq_designator::DesignatorFields& d, DesignatorExport& out) {
  const char* assoc = association_name(d.association);
  if (!assoc) return false;
  const std::string prefix = concat({"SCSI_IDENT_", assoc, "_"});
  for (Property& line : sg_inq_designator::designator_lines(d)) {
    if (d.type == kDesigMd5LogicalUnit)
      out.add_dump(prefix + line.key, std::move(line.value));
    else
      out.add(prefix + line.key, std::move(line.value));
  }
  return true;
}

}  // namespace

Properties sg_inq_standard_properties(std::span<const uint8_t> inquiry) {
  if (inquiry.empty()) return {};
  // sg_inq decodes no more than the additional length admits, and puts a
  // NUL right after that in its buffer; the fixed-size fields still read
  // on into the bytes the device sent past it.
  std::size_t act_len = std::min<std::size_t>(inquiry.size(), byte_or_zero(inquiry, 4) + 5u);
  std::vector<uint8_t> buf = zero_padded(inquiry, 36);
  if (act_len < 36) buf[act_len] = 0;
  auto field = [&](std::size_t offset, std::size_t len) {
    return std::span<const uint8_t>(buf).subspan(offset, len);
  };
  std::string text;
  text += "SCSI_TPGS=" + std::to_string((buf[5] >> 4) & 0x3) + "\n";
  char pdt[48];
  sg_get_pdt_str(buf[0] & 0x1f, sizeof(pdt), pdt);
  if (pdt[0] != '\0') text += std::string("SCSI_TYPE=") + pdt + "\n";
  // Each field is looked at once the data reaches into it, and then read
  // whole.
  if (act_len > 8) {
    std::string s = squeeze(field(8, 8));
    if (!s.empty())
      text += "SCSI_VENDOR=" + s + "\nSCSI_VENDOR_ENC=" + escape_blanks(field(8, 8)) + "\n";
  }
  if (act_len > 16) {
    std::string s = squeeze(field(16, 16));
    if (!s.empty())
      text += "SCSI_MODEL=" + s + "\nSCSI_MODEL_ENC=" + escape_blanks(field(16, 16)) + "\n";
  }
  if (act_len > 32) {
    std::string s = squeeze(field(32, 4));
    if (!s.empty()) text += "SCSI_REVISION=" + s + "\n";
  }
  return split_export_text(text);
}

Properties sg_inq_serial_properties(std::span<const uint8_t> page80) {
  auto h = parse_vpd_page(page80, 0x80);
  if (!h) return {};
  // sg_inq decodes at most 251 serial number bytes.
  std::string s = squeeze(h->payload.first(std::min<std::size_t>(h->payload.size(), 251)));
  if (s.empty()) return {};
  return split_export_text("SCSI_IDENT_SERIAL=" + escape_udev(s) + "\n");
}

Properties sg_inq_device_id_properties(std::span<const uint8_t> page83) {
  auto h = parse_vpd_page(page83, 0x83);
  if (!h) return {};
  std::span<const uint8_t> list = h->payload;
  DesignatorExport out;
  int off = -1;
  // Pre-SPC devices (EMC Symmetrix) send one bare NAA identifier: sg_inq
  // tells them by a non-zero byte 6, reserved in an SPC descriptor, and
  // reads it whatever the page length says.
  if (byte_or_zero(page83, 6) != 0) {
    DesignatorFields d{0xf, kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, list,
                       byte_or_zero(page83, 4)};
    export_designator(d, out);
    // sg_inq then walks on as if a designator ended at offset 16.
    off = 16;
  }
  const int list_len = static_cast<int>(list.size());
  while (sg_vpd_dev_id_iter(list.data(), list_len, &off, -1, -1, -1) == 0) {
    const uint8_t* bp = list.data() + off;
    std::size_t value_len = bp[3];
    // The iterator checks only the header; a designator that runs past
    // the page ends sg_inq's output.
    if (static_cast<std::size_t>(off) + 4 + value_len > list.size()) break;
    DesignatorFields d{static_cast<uint8_t>(bp[0] >> 4),
                       static_cast<uint8_t>(bp[0] & 0xf),
                       static_cast<uint8_t>((bp[1] >> 4) & 0x3),
                       static_cast<uint8_t>(bp[1] & 0xf),
                       list.subspan(static_cast<std::size_t>(off) + 4, value_len),
                       byte_or_zero(page83, 4 + static_cast<std::size_t>(off) + 4)};
    if (!export_designator(d, out)) break;
  }
  return out.props;
}

Properties sg_inq_properties(std::span<const uint8_t> inquiry,
                             std::span<const uint8_t> page80,
                             std::span<const uint8_t> page83) {
  Properties out = sg_inq_standard_properties(inquiry);
  for (const Properties& more :
       {sg_inq_serial_properties(page80), sg_inq_device_id_properties(page83)})
    out.insert(out.end(), more.begin(), more.end());
  return out;
}

}  // namespace scsi_probe
