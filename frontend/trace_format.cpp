#include "frontend/trace_format.h"

#include <fmt/format.h>

#include <array>

namespace trapeze {

std::string exception_name(uint8_t vector) {
  static constexpr std::array<const char*, 20> kNames = {
      "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF9",
      "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM"};
  if (vector < kNames.size()) return kNames[vector];
  return fmt::format("{:02x}", vector);
}

std::string format_trace_line(const TraceLine& l) {
  std::string bytes;
  for (uint8_t b : l.bytes) bytes += fmt::format("{:02x}", b);
  std::string out = fmt::format(
      "{} {:04x}:{:08x} L{:08x} P{} {:<16} {}", l.count, l.cs, l.eip, l.linear,
      l.physical ? fmt::format("{:08x}", *l.physical) : std::string("????????"), bytes, l.text);
  if (l.faulted) out += " (faulted)";
  if (!l.changes.empty()) out += " | " + l.changes;
  if (!l.memory.empty() || !l.ports.empty()) {
    out += " |";
    for (const MemoryAccess& a : l.memory)
      out += fmt::format(" {}{}[{:08x} p={:08x}]={:0{}x}", a.write ? 'W' : 'R', a.size_bytes,
                         a.linear, a.physical, a.value, a.size_bytes * 2);
    for (const PortAccessRecord& p : l.ports)
      out += fmt::format(" {}{}[{:04x}]={:0{}x}", p.write ? "OUT" : "IN", p.size_bytes, p.port,
                         p.value, p.size_bytes * 2);
  }
  return out;
}

std::string format_event(const CpuEvent& e) {
  using Kind = CpuEvent::Kind;
  switch (e.kind) {
    case Kind::kException: {
      std::string out = fmt::format("-- exception {:02x} {}", e.vector, exception_name(e.vector));
      if (e.has_error_code) out += fmt::format(" error={:04x}", e.error_code);
      if (e.vector == 14) out += fmt::format(" cr2={:08x}", e.fault_address);
      return out;
    }
    case Kind::kExternalInterrupt:
      return e.vector == 2 ? "-- nmi" : fmt::format("-- interrupt {:02x} (external)", e.vector);
    case Kind::kSoftwareInterrupt:
      return fmt::format("-- interrupt {:02x} (software)", e.vector);
    case Kind::kTaskSwitch:
      return fmt::format("-- task switch to tss {:04x}", e.selector);
    case Kind::kTripleFault:
      return fmt::format("-- triple fault (vector {:02x} while delivering #DF)", e.vector);
  }
  return "-- ?";
}

std::string format_page_walk(const PageWalk& w) {
  static constexpr std::array<const char*, 3> kAccess = {"read", "write", "execute"};
  return fmt::format("-- page walk {:08x} -> {:08x} {} {}", w.linear, w.physical,
                     kAccess[w.access < 3 ? w.access : 0], w.user ? "user" : "supervisor");
}

}  // namespace trapeze
