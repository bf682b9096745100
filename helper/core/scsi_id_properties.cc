#include "scsi_id_properties.h"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "text.h"
#include "udev_string.h"
#include "vpd_device_id.h"

namespace scsi_probe {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// scsi_id's MAX_SERIAL_LEN: its serial buffers, NUL included.
constexpr std::size_t kSerialBuffer = 256;
constexpr std::size_t kVendorLength = 8;
constexpr std::size_t kModelLength = 16;

// One INQUIRY answer as it lies in scsi_id's zeroed 254-byte buffer: bytes
// past the data read as zero. scsi_id also indexes past its buffer when a
// page claims more than 250 bytes (undefined behaviour there); zero is what
// this model reads in that case.
class Reply {
 public:
  explicit Reply(std::span<const uint8_t> data)
      : data_(data.first(std::min(data.size(), kScsiIdInquiryLength))) {}

  uint8_t operator[](std::size_t i) const { return i < data_.size() ? data_[i] : 0; }
  std::size_t size() const { return data_.size(); }

  std::string bytes(std::size_t from, std::size_t count) const {
    std::string out;
    for (std::size_t i = from; i < from + count; i++) out += static_cast<char>((*this)[i]);
    return out;
  }

 private:
  std::span<const uint8_t> data_;
};

// One row of scsi_id's page 0x83 priority list.
struct SearchEntry {
  uint8_t type;
  int naa;  // NAA field to require, or -1 for any
  uint8_t code_set;
};

constexpr std::array<SearchEntry, 13> kSearchList{{
    // Not an identifier: only fills ID_TARGET_PORT, so every target port
    // group designator is visited and the last one wins.
    {kDesigTargetPortGroup, -1, kCodeSetBinary},
    {kDesigNaa, 6, kCodeSetBinary},
    {kDesigNaa, 6, kCodeSetAscii},
    {kDesigNaa, 5, kCodeSetBinary},
    {kDesigNaa, 5, kCodeSetAscii},
    {kDesigNaa, -1, kCodeSetBinary},
    {kDesigNaa, -1, kCodeSetAscii},
    {kDesigEui64, -1, kCodeSetBinary},
    {kDesigEui64, -1, kCodeSetAscii},
    {kDesigT10VendorId, -1, kCodeSetBinary},
    {kDesigT10VendorId, -1, kCodeSetAscii},
    {kDesigVendorSpecific, -1, kCodeSetBinary},
    {kDesigVendorSpecific, -1, kCodeSetAscii},
}};

// Bytes past the reply read as zeros, as scsi_id's buffer does.
std::string hex_bytes(const Reply& r, std::size_t from, std::size_t count) {
  std::string out;
  for (std::size_t i = from; i < from + count; i++) {
    const uint8_t b = r[i];
    out += hex_string({&b, 1});
  }
  return out;
}

// strncmp(page + 8, vendor, 8) == 0, with vendor a C string.
bool vendor_matches(const Reply& page, std::string_view vendor) {
  for (std::size_t k = 0; k < kVendorLength; k++) {
    const char a = static_cast<char>(page[kVendorLength + k]);
    const char b = k < vendor.size() ? vendor[k] : '\0';
    if (a != b) return false;
    if (a == '\0') return true;
  }
  return true;
}

// scsi_get_serial() and its helpers, one device at a time. Buffers are kept
// as the bytes written; C string semantics apply where scsi_id reads them.
class ScsiIdModel {
 public:
  ScsiIdModel(const ScsiIdInput& input, ScsiIdResult& result)
      : input_(input), result_(result), inquiry_(input.inquiry) {
    vendor_ = c_string(inquiry_.bytes(8, kVendorLength));
    model_ = c_string(inquiry_.bytes(16, kModelLength));
    revision_ = c_string(inquiry_.bytes(32, 4));
  }

  void run() {
    identify();
    emit();
  }

 private:
  Reply fetch(uint8_t page) {
    auto& requested = result_.requested_pages;
    const bool first = std::find(requested.begin(), requested.end(), page) == requested.end();
    if (first) requested.push_back(page);
    const std::optional<std::vector<uint8_t>>* answer =
        page == 0x00 ? &input_.vpd_pg0 : page == 0x80 ? &input_.vpd_pg80 : &input_.vpd_pg83;
    if (answer->has_value()) return Reply(**answer);
    if (first) result_.missing_pages.push_back(page);
    return Reply({});
  }

  // append_vendor_model() refuses fields that a NUL cuts short.
  bool vendor_model_complete() const {
    return vendor_.size() == kVendorLength && model_.size() == kModelLength;
  }

  void identify() {
    const Reply page0 = fetch(0x00);
    if (page0[1] != 0x00 || page0[3] > kScsiIdInquiryLength) return;
    // Some devices answer any INQUIRY with standard data: a long page 0
    // carrying the vendor name is taken for that.
    if (page0[3] > kModelLength && vendor_matches(page0, vendor_)) return;
    const std::size_t end = std::size_t{page0[3]} + 4;
    for (std::size_t i = 4; i < end; i++)
      if (page0[i] == 0x83 && read_page83()) return;
    for (std::size_t i = 4; i < end; i++)
      if (page0[i] == 0x80 && read_page80(true, serial_short_)) return;
  }

  // do_scsi_page80_inquiry(): the unit serial number into `number`; with
  // `as_serial` also the serial 'S' + vendor + model + number.
  bool read_page80(bool as_serial, std::string& number) {
    const Reply page = fetch(0x80);
    if (page[1] != 0x80) return false;
    const std::size_t length = page[3];
    if (1 + kVendorLength + kModelLength + length > kSerialBuffer) return false;
    const std::string bytes = page.bytes(4, length);
    if (as_serial) {
      serial_.assign(1, 'S');
      if (!vendor_model_complete()) return false;
      serial_.append(vendor_).append(model_).append(bytes);
    }
    number = c_string(bytes);
    return true;
  }

  // do_scsi_page83_inquiry().
  bool read_page83() {
    read_page80(false, unit_serial_);
    const Reply page = fetch(0x83);
    if (page[1] != 0x83) return false;
    // EMC Symmetrix models answer in the SCSI-2 form: a bare binary WWN
    // after the header, recognisable by a non-zero 7th byte where SPC has a
    // reserved byte.
    if (page[6] != 0) {
      serial_.assign(1, kHex[kDesigNaa]);
      for (std::size_t i = 0; i < page[3] && serial_.size() < kSerialBuffer - 3; i++)
        serial_ += hex_bytes(page, 4 + i, 1);
      serial_short_ = serial_;
      return true;
    }
    // scsi_id walks up to the claimed length, up to 64 KiB past its 254-byte
    // buffer. Past the data every byte reads 0, and a designator of code
    // set 0 matches no entry: the walk stops there with the same result.
    const std::size_t last = ((std::size_t{page[2]} << 8) | page[3]) + 3;
    for (const SearchEntry& entry : kSearchList)
      for (std::size_t at = 4; at <= last && at < page.size(); at += std::size_t{page[at + 3]} + 4)
        if (take_designator(page, at, entry)) return true;
    return false;
  }

  // check_fill_0x83_id(): true when the designator at `at` gives the serial.
  bool take_designator(const Reply& page, std::size_t at, const SearchEntry& entry) {
    const uint8_t association = page[at + 1] & 0x30;
    if (association == 0x10) {
      if (entry.type != kDesigTargetPortGroup) return false;
    } else if (association != 0) {
      return false;
    }
    if ((page[at + 1] & 0x0f) != entry.type) return false;
    if (entry.naa >= 0 && entry.naa != page[at + 4] >> 4) return false;
    const uint8_t code_set = page[at] & 0x0f;
    if (code_set != entry.code_set) return false;
    const std::size_t length = page[at + 3];
    std::size_t needed = (code_set == kCodeSetAscii ? length : 2 * length) + 2;
    if (entry.type == kDesigVendorSpecific) needed += kVendorLength + kModelLength;
    if (needed > kSerialBuffer) return false;

    if (entry.type == kDesigTargetPortGroup) {
      const unsigned group = (unsigned{page[at + 6]} << 8) | page[at + 7];
      target_port_group_.clear();
      for (unsigned g = group; g != 0 || target_port_group_.empty(); g >>= 4)
        target_port_group_.insert(target_port_group_.begin(), kHex[g & 0xf]);
      return false;
    }

    serial_.assign(1, kHex[entry.type]);
    // A vendor-specific identifier is unique only within its vendor and
    // model, so those go in front.
    if (entry.type == kDesigVendorSpecific) {
      if (!vendor_model_complete()) return false;
      serial_.append(vendor_).append(model_);
    }
    const std::string id =
        code_set == kCodeSetAscii ? page.bytes(at + 4, length) : hex_bytes(page, at + 4, length);
    serial_ += id;
    serial_short_ = c_string(id);
    if (entry.type == kDesigNaa) {
      wwn_ = c_string(std::string_view(id).substr(0, 16));
      wwn_extension_ = id.size() > 16 ? c_string(std::string_view(id).substr(16, 16)) : "";
    }
    return true;
  }

  void emit() {
    Properties& p = result_.properties;
    set_property(p, "ID_SCSI", "1");
    set_property(p, "ID_VENDOR", udev_replace_chars(udev_replace_whitespace(vendor_, 63)));
    set_property(p, "ID_VENDOR_ENC", udev_encode_string(vendor_));
    set_property(p, "ID_MODEL", udev_replace_chars(udev_replace_whitespace(model_, 63)));
    set_property(p, "ID_MODEL_ENC", udev_encode_string(model_));
    set_property(p, "ID_REVISION", udev_replace_chars(udev_replace_whitespace(revision_, 15)));
    set_property(p, "ID_TYPE", scsi_id_type(inquiry_[0] & 0x1f));
    const std::string_view serial = c_string(serial_);
    if (!serial.empty()) {
      set_property(p, "ID_SERIAL",
                   udev_replace_chars(udev_replace_whitespace(serial, kSerialBuffer - 1)));
      set_property(p, "ID_SERIAL_SHORT",
                   udev_replace_chars(udev_replace_whitespace(serial_short_, kSerialBuffer - 1)));
    }
    if (!wwn_.empty()) {
      set_property(p, "ID_WWN", "0x" + wwn_);
      if (!wwn_extension_.empty()) {
        set_property(p, "ID_WWN_VENDOR_EXTENSION", "0x" + wwn_extension_);
        set_property(p, "ID_WWN_WITH_EXTENSION", "0x" + wwn_ + wwn_extension_);
      } else {
        set_property(p, "ID_WWN_WITH_EXTENSION", "0x" + wwn_);
      }
    }
    if (!target_port_group_.empty()) set_property(p, "ID_TARGET_PORT", target_port_group_);
    // Printed raw, so Debian's fix for CVE-2026-40225 drops it unless it is
    // valid UTF-8 without control characters.
    if (!unit_serial_.empty() && utf8_valid(unit_serial_) && !has_control_char(unit_serial_))
      set_property(p, "ID_SCSI_SERIAL", unit_serial_);
  }

  const ScsiIdInput& input_;
  ScsiIdResult& result_;
  Reply inquiry_;
  std::string vendor_, model_, revision_;
  std::string serial_;  // bytes as written, read as a C string
  std::string serial_short_;
  std::string unit_serial_;
  std::string wwn_, wwn_extension_;
  std::string target_port_group_;
};

}  // namespace

std::string scsi_id_type(uint8_t device_type) {
  switch (device_type) {
    case 0x00:
    case 0x0e:
      return "disk";
    case 0x01:
      return "tape";
    case 0x04:
    case 0x07:
    case 0x0f:
      return "optical";
    case 0x05:
      return "cd";
    default:
      return "generic";
  }
}

ScsiIdResult scsi_id_properties(const ScsiIdInput& input) {
  ScsiIdResult result;
  ScsiIdModel(input, result).run();
  return result;
}

}  // namespace scsi_probe
