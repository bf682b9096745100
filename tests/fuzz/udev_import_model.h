// A model of how systemd-udevd 252 turns text into device properties, for
// the fuzz targets only (the helper never parses its own output). Read from
// systemd v252.31 (systemd-stable), the version Debian 12 ships:
//
// IMPORT{program} (src/udev/udev-rules.c, TK_M_IMPORT_PROGRAM):
//   udev_event_spawn() reads stdout into a UDEV_LINE_SIZE (16384) buffer and
//   keeps at most 16383 bytes; the result is then a C string, so a NUL ends
//   all of it. Past 16383 bytes the output counts as truncated, and 252's
//   "drop the last line" loop edits the command buffer, not the result: a
//   cut last line is imported as it is. strv_split_newlines_full(...,
//   EXTRACT_RETAIN_ESCAPE) splits at every run of '\n' and '\r' (NEWLINE),
//   with no quote or backslash handling; no empty piece comes out.
// IMPORT{file} (TK_M_IMPORT_FILE): read_line() (src/basic/fileio.c,
//   read_line_full) ends a line at '\n', '\r' or '\0' ("\r\n" and "\n\r"
//   end one line); a line over LONG_LINE_MAX (1 MiB) stops the import.
// Each line (get_property_from_string): leading WHITESPACE (" \t\n\r")
//   skipped; an empty line or one starting with '#' is ignored; a line
//   without '=' is ignored; the key is the text before the first '=' with
//   WHITESPACE stripped at both ends (any other byte is kept), the value the
//   rest, stripped the same way; an empty key or value drops the line; a
//   value starting with '"' or '\'' must be longer than one byte and end with
//   the same quote, which are both removed, or the line is dropped. Nothing
//   is unescaped. device_add_property(): a later value of a key replaces an
//   earlier one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "properties.h"

namespace fuzz {

inline constexpr std::size_t kUdevProgramOutputMax = 16383;
inline constexpr std::size_t kUdevFileLineMax = 1024 * 1024;

inline bool udev_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view udev_strip(std::string_view s) {
  while (!s.empty() && udev_whitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && udev_whitespace(s.back())) s.remove_suffix(1);
  return s;
}

// get_property_from_string(): the property a line sets, if any.
inline std::optional<scsi_probe::Property> udev_read_line(std::string_view line) {
  line = udev_strip(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  const std::size_t eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view key = udev_strip(line.substr(0, eq));
  std::string_view value = udev_strip(line.substr(eq + 1));
  if (key.empty() || value.empty()) return std::nullopt;
  if (value.front() == '"' || value.front() == '\'') {
    if (value.size() == 1 || value.back() != value.front()) return std::nullopt;
    value = value.substr(1, value.size() - 2);
  }
  return scsi_probe::Property{std::string(key), std::string(value)};
}

// The properties IMPORT{program} sets from a program's stdout, in order
// (repeats included).
inline scsi_probe::Properties udev_read_program_output(std::string_view out) {
  out = out.substr(0, kUdevProgramOutputMax);
  out = out.substr(0, out.find('\0'));
  scsi_probe::Properties props;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t end = std::min(out.find_first_of("\n\r", pos), out.size());
    if (end > pos)
      if (auto p = udev_read_line(out.substr(pos, end - pos))) props.push_back(std::move(*p));
    pos = end + 1;
  }
  return props;
}

// The properties IMPORT{file} sets from a file's content, in order.
inline scsi_probe::Properties udev_read_file(std::string_view text) {
  scsi_probe::Properties props;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end =
        std::min(text.find_first_of(std::string_view("\n\r\0", 3), pos), text.size());
    if (end - pos > kUdevFileLineMax) break;
    if (auto p = udev_read_line(text.substr(pos, end - pos))) props.push_back(std::move(*p));
    // Line ends: "\r\n" and "\n\r" are one; a NUL ends its own.
    pos = end + 1;
    if (end < text.size() && text[end] != '\0' && pos < text.size() &&
        (text[pos] == '\n' || text[pos] == '\r') && text[pos] != text[end])
      pos++;
  }
  return props;
}

}  // namespace fuzz
