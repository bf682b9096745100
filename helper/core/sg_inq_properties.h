// The properties sg3_utils' `sg_inq --export` prints (Debian 12: sg3_utils
// 1.46, sg_inq 2.10), byte for byte, so that rules and scripts written for
// sg3_utils' 55-scsi-sg3_id.rules see the same SCSI_* values from us.
//
// sg_inq's output is taken as udev reads it: one property per line, key up
// to the first '='. Where sg_inq prints a value that spans lines (a SCSI
// name string with a newline in it, an MD5 designator longer than 16 bytes)
// the continuation lines stay in that property's value, so formatting the
// result with format_properties() reproduces sg_inq's stdout exactly. Keys
// sg_inq repeats (two NAA designators of one kind) are kept, in order: udev
// lets the last one win, for sg_inq's output as for ours.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "properties.h"

namespace scsi_probe {

// SCSI_TPGS, SCSI_TYPE, SCSI_VENDOR, SCSI_VENDOR_ENC, SCSI_MODEL,
// SCSI_MODEL_ENC, SCSI_REVISION: what `sg_inq --export DEVICE` prints when
// the device answers a standard INQUIRY with `inquiry` (the kernel's cached
// `inquiry` attribute is exactly that). Like sg_inq, decodes no more than
// the additional length admits; bytes past the data count as zero. Empty
// data gives nothing.
Properties sg_inq_standard_properties(std::span<const uint8_t> inquiry);

// SCSI_IDENT_SERIAL from page 0x80 (`sg_inq --export --page=0x80`).
// Nothing when the data is not page 0x80 or the serial number is blank.
Properties sg_inq_serial_properties(std::span<const uint8_t> page80);

// SCSI_IDENT_{LUN,PORT,TARGET}_* from page 0x83 (`sg_inq --export
// --page=0x83`). Nothing when the data is not page 0x83.
Properties sg_inq_device_id_properties(std::span<const uint8_t> page83);

// All of the above, in the order sg3_utils' udev rules import them
// (standard INQUIRY, page 0x80, page 0x83). An empty span is a page the
// device does not have.
Properties sg_inq_properties(std::span<const uint8_t> inquiry,
                             std::span<const uint8_t> page80,
                             std::span<const uint8_t> page83);

// The byte encodings sg_inq applies, exposed for their own tests.
namespace sg_inq_encoding {

// sg_inq's encode_whitespaces(): leading blanks and then control bytes
// skipped, trailing blanks and NULs dropped, inner runs of blanks become
// one '_', other non-printable bytes '.', a lone NUL is skipped and two in
// a row end the string. Empty when no printable non-blank byte was kept.
std::string squeeze(std::span<const uint8_t> field);

// sg_inq's encode_string() for *_ENC: blanks and non-printable bytes as
// \xNN, everything else as is (including '\' and quotes).
std::string escape_blanks(std::span<const uint8_t> field);

// The "udev-conforming" escape sg_inq applies to SCSI_IDENT_SERIAL and to
// ASCII designators: [0-9A-Za-z#+-.:=@_] as is, every other byte as \xNN.
std::string escape_udev(std::string_view text);

}  // namespace sg_inq_encoding

// The designators of page 0x83 as sg_inq prints them, exposed for their own
// tests.
namespace sg_inq_designator {

struct DesignatorFields {
  uint8_t protocol_id;
  uint8_t code_set;
  uint8_t association;
  uint8_t type;
  std::span<const uint8_t> value;
  // The byte right after the designator header, even when the designator
  // is empty: sg_inq reads it for the NAA type in any case.
  uint8_t first_byte;
};

// The lines sg_inq's export_dev_ids() prints for one designator, keys
// without their SCSI_IDENT_{LUN,PORT,TARGET}_ prefix; none for a type,
// code set, association or length it does not print. An MD5 designator's
// value is sg_lib's hex dump with its line ends (none when empty).
Properties designator_lines(const DesignatorFields& d);

}  // namespace sg_inq_designator

}  // namespace scsi_probe
