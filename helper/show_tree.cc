#include "show_tree.h"

#include <cstdio>
#include <initializer_list>
#include <string_view>

#include "udev_string.h"

namespace scsi_probe {

std::string device_type_name(int type) {
  switch (type) {
    case 0x00: return "disk";
    case 0x01: return "tape";
    case 0x02: return "printer";
    case 0x03: return "process";
    case 0x04: return "worm";
    case 0x05: return "cd/dvd";
    case 0x06: return "scanner";
    case 0x07: return "optical";
    case 0x08: return "mediumx";
    case 0x09: return "comms";
    case 0x0c: return "storage";
    case 0x0d: return "enclosu";
    case 0x0e: return "sim dsk";
    case 0x0f: return "opti rd";
    case 0x10: return "bridge";
    case 0x11: return "osd";
    case 0x12: return "adi";
    case 0x14: return "zbc";
    case 0x1e: return "wlun";
    case 0x1f: return "no dev";
    default: return type < 0 ? "?" : "type" + std::to_string(type);
  }
}

namespace {

void line(std::string& out, const std::string& indent, const std::string& text) {
  out += indent;
  out += text;
  out += '\n';
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace

std::string format_tree(const std::vector<ShowHost>& hosts) {
  std::string out;
  for (const auto& h : hosts) {
    std::string head = h.name + " (" + (h.proc_name.empty() ? "?" : h.proc_name) + ")";
    if (!h.transport.empty()) head += " transport " + h.transport;
    line(out, "", head);
    if (!h.scan.empty()) line(out, "  ", "scan: " + h.scan);
    for (const auto& t : h.targets) {
      line(out, "  ", "target" + t.name);
      if (!t.scan.empty()) line(out, "    ", "scan: " + t.scan);
      for (const auto& d : t.devices) {
        std::string s = "[" + d.address + "] " + device_type_name(d.type) + " " + d.vendor + " " +
                        d.model + " " + d.revision;
        s += "  driver " + (d.driver.empty() ? std::string("none") : d.driver);
        if (!d.nodes.empty()) s += "  " + join(d.nodes, " ");
        line(out, "    ", s);
        if (!d.wwn.empty()) line(out, "      ", "wwn " + d.wwn);
        if (!d.serial.empty()) line(out, "      ", "serial " + d.serial);
        if (!d.handler.empty()) line(out, "      ", "handler " + d.handler);
        if (!d.quirks.empty()) line(out, "      ", "quirks " + d.quirks);
        if (!d.attach.empty()) line(out, "      ", "attach " + d.attach);
        if (!d.reason.empty()) line(out, "      ", "why " + d.reason);
        if (!d.kept.empty()) line(out, "      ", "kept " + d.kept);
      }
    }
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (std::size_t n = utf8_multibyte_length(std::string_view(s).substr(i))) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    }
    ++i;
  }
  return out + "\"";
}

namespace {

// Concatenation by appending: chains of operator+ on temporaries trip GCC 12's
// -Wrestrict at -O3 (a known false positive).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

std::string field(const char* key, const std::string& value) {
  return cat({json_string(key), ":", json_string(value)});
}

std::string json_list(const std::vector<std::string>& items) {
  return cat({"[", join(items, ","), "]"});
}

std::string device_json(const ShowDevice& d) {
  std::vector<std::string> nodes;
  for (const auto& n : d.nodes) nodes.push_back(json_string(n));
  return cat({"{", field("address", d.address), ",\"type\":", std::to_string(d.type), ",",
              field("type_name", device_type_name(d.type)), ",", field("vendor", d.vendor), ",",
              field("model", d.model), ",", field("revision", d.revision), ",",
              field("driver", d.driver), ",", field("handler", d.handler), ",\"nodes\":",
              json_list(nodes), ",", field("serial", d.serial), ",", field("wwn", d.wwn), ",",
              field("quirks", d.quirks), ",", field("attach", d.attach), ",",
              field("reason", d.reason), ",", field("kept", d.kept), "}"});
}

}  // namespace

std::string format_json(const std::vector<ShowHost>& hosts) {
  std::vector<std::string> hs;
  for (const auto& h : hosts) {
    std::vector<std::string> ts;
    for (const auto& t : h.targets) {
      std::vector<std::string> ds;
      for (const auto& d : t.devices) ds.push_back(device_json(d));
      ts.push_back(cat({"{", field("name", t.name), ",", field("scan", t.scan), ",\"devices\":", json_list(ds), "}"}));
    }
    hs.push_back(cat({"{", field("name", h.name), ",", field("proc_name", h.proc_name), ",",
                      field("transport", h.transport), ",", field("scan", h.scan),
                      ",\"targets\":", json_list(ts), "}"}));
  }
  return cat({"{\"version\":1,\"hosts\":", json_list(hs), "}\n"});
}

}  // namespace scsi_probe
