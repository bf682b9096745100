#include "show_tree.h"

#include <algorithm>
#include <cstdio>

#include "natural_sort.h"

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

std::string format_size(uint64_t bytes) {
  static const char* const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1000.0 && u + 1 < std::size(units)) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(bytes));
  else if (v < 10.0) std::snprintf(buf, sizeof buf, "%.2f%s", v, units[u]);
  else if (v < 100.0) std::snprintf(buf, sizeof buf, "%.1f%s", v, units[u]);
  else std::snprintf(buf, sizeof buf, "%.0f%s", v, units[u]);
  return buf;
}

void sort_naturally(std::vector<ShowHost>& hosts) {
  auto by_name = [](const auto& x, const auto& y) { return natural_less(x.name, y.name); };
  std::sort(hosts.begin(), hosts.end(), by_name);
  for (auto& h : hosts) {
    std::sort(h.targets.begin(), h.targets.end(), by_name);
    for (auto& t : h.targets) {
      std::sort(t.devices.begin(), t.devices.end(),
                [](const ShowDevice& x, const ShowDevice& y) { return natural_less(x.address, y.address); });
      for (auto& d : t.devices)
        std::sort(d.nodes.begin(), d.nodes.end(),
                  [](const std::string& x, const std::string& y) { return natural_less(x, y); });
    }
  }
}

std::vector<ShowHost> assemble_show_tree(std::map<unsigned, ShowHost> hosts, std::map<ScsiTarget, ShowTarget> targets,
                                         const AddressPattern& only) {
  for (auto& [key, t] : targets) {
    if (t.devices.empty() && !only.any_below_target()) continue;
    auto h = hosts.find(key.host);
    if (h != hosts.end()) h->second.targets.push_back(std::move(t));
  }
  std::vector<ShowHost> list;
  for (auto& [n, h] : hosts)
    if (!h.targets.empty() || only.any_below_host()) list.push_back(std::move(h));
  sort_naturally(list);
  return list;
}

namespace {

std::string or_dash(const OptionalText& s) { return s && !s->empty() ? *s : "-"; }

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

// The columns of one LUN's line, last (nodes) unpadded.
std::vector<std::string> device_columns(const ShowDevice& d) {
  return {"[" + d.address + "]",
          d.type ? device_type_name(*d.type) : "-",
          or_dash(d.vendor),
          or_dash(d.model),
          or_dash(d.revision),
          or_dash(d.state),
          d.size_bytes ? format_size(*d.size_bytes) : "-",
          or_dash(d.driver),
          d.nodes.empty() ? "-" : join(d.nodes, ",")};
}

void line(std::string& out, const char* indent, const std::string& text) {
  out += indent;
  out += text;
  out += '\n';
}

void record(std::string& out, const char* indent, const char* key, const OptionalText& v) {
  if (v && !v->empty()) line(out, indent, std::string(key) + ": " + *v);
}

}  // namespace

std::string format_columns(const std::vector<ShowHost>& hosts, bool verbose) {
  // One width per column across the whole listing, as lsscsi aligns.
  std::vector<std::size_t> width;
  for (const auto& h : hosts)
    for (const auto& t : h.targets)
      for (const auto& d : t.devices) {
        auto cols = device_columns(d);
        width.resize(cols.size(), 0);
        for (std::size_t i = 0; i < cols.size(); ++i) width[i] = std::max(width[i], cols[i].size());
      }
  std::string out;
  for (const auto& h : hosts) {
    std::string head = h.name + "  " + or_dash(h.proc_name);
    if (h.transport) head += "  transport " + *h.transport;
    if (h.host_class) head += "  class " + *h.host_class;
    line(out, "", head);
    record(out, "  ", "scan", h.scan);
    for (const auto& t : h.targets) {
      std::string thead = "target" + t.name;
      if (t.port_address) thead += "  " + or_dash(t.port_transport) + " " + *t.port_address;
      line(out, "  ", thead);
      record(out, "    ", "scan", t.scan);
      for (const auto& d : t.devices) {
        auto cols = device_columns(d);
        std::string s;
        for (std::size_t i = 0; i < cols.size(); ++i) {
          if (i) s += "  ";
          s += cols[i];
          if (i + 1 < cols.size()) s.append(width[i] - cols[i].size(), ' ');
        }
        line(out, "    ", s);
        if (verbose) {
          record(out, "      ", "wwn", d.wwn);
          record(out, "      ", "serial", d.serial);
          record(out, "      ", "handler", d.handler);
          record(out, "      ", "quirks", d.quirks);
          record(out, "      ", "attach", d.attach);
          record(out, "      ", "why", d.reason);
        }
        record(out, "      ", "kept", d.kept);
      }
    }
  }
  return out;
}

namespace {

nlohmann::ordered_json text_or_null(const OptionalText& s) {
  return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(nullptr);
}

template <typename T>
nlohmann::ordered_json value_or_null(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json device_json(const ShowDevice& d) {
  nlohmann::ordered_json j;
  j["address"] = d.address;
  j["type"] = value_or_null(d.type);
  j["type_name"] = d.type ? nlohmann::ordered_json(device_type_name(*d.type)) : nullptr;
  j["vendor"] = text_or_null(d.vendor);
  j["model"] = text_or_null(d.model);
  j["revision"] = text_or_null(d.revision);
  j["state"] = text_or_null(d.state);
  j["size_bytes"] = value_or_null(d.size_bytes);
  j["driver"] = text_or_null(d.driver);
  j["handler"] = text_or_null(d.handler);
  j["nodes"] = d.nodes;
  j["serial"] = text_or_null(d.serial);
  j["wwn"] = text_or_null(d.wwn);
  j["quirks"] = text_or_null(d.quirks);
  j["attach"] = text_or_null(d.attach);
  j["reason"] = text_or_null(d.reason);
  j["kept"] = text_or_null(d.kept);
  return j;
}

}  // namespace

nlohmann::ordered_json show_json(const std::vector<ShowHost>& hosts) {
  nlohmann::ordered_json doc;
  doc["version"] = kShowJsonVersion;
  doc["hosts"] = nlohmann::ordered_json::array();
  for (const auto& h : hosts) {
    nlohmann::ordered_json hj;
    hj["name"] = h.name;
    hj["proc_name"] = text_or_null(h.proc_name);
    hj["transport"] = text_or_null(h.transport);
    hj["class"] = text_or_null(h.host_class);
    hj["scan"] = text_or_null(h.scan);
    hj["targets"] = nlohmann::ordered_json::array();
    for (const auto& t : h.targets) {
      nlohmann::ordered_json tj;
      tj["name"] = t.name;
      if (t.port_address)
        tj["port"] = {{"transport", text_or_null(t.port_transport)}, {"address", *t.port_address}};
      else
        tj["port"] = nullptr;
      tj["scan"] = text_or_null(t.scan);
      tj["devices"] = nlohmann::ordered_json::array();
      for (const auto& d : t.devices) tj["devices"].push_back(device_json(d));
      hj["targets"].push_back(std::move(tj));
    }
    doc["hosts"].push_back(std::move(hj));
  }
  return doc;
}

std::string format_json_text(const nlohmann::ordered_json& doc, bool pretty) {
  return doc.dump(pretty ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace scsi_probe
