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

void append_hex(std::string& out, uint64_t value, unsigned digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned i = digits; i-- > 0;) out += kDigits[(value >> (4 * i)) & 0xF];
}

std::string format_trace_line(const TraceLine& l) {
  // Hand-rolled rather than fmt: a long trace spends most of its time here.
  std::string out = std::to_string(l.count);
  out.reserve(160);
  out += ' ';
  append_hex(out, l.cs, 4);
  out += ':';
  append_hex(out, l.eip, 8);
  out += " L";
  append_hex(out, l.linear, 8);
  out += " P";
  if (l.physical)
    append_hex(out, *l.physical, 8);
  else
    out += "????????";
  out += ' ';
  for (uint8_t b : l.bytes) append_hex(out, b, 2);
  for (size_t n = l.bytes.size() * 2; n < 16; ++n) out += ' ';
  out += ' ';
  out += l.text;
  if (l.faulted) out += " (faulted)";
  if (!l.changes.empty()) {
    out += " | ";
    out += l.changes;
  }
  if (!l.memory.empty() || !l.ports.empty()) {
    out += " |";
    for (const MemoryAccess& a : l.memory) {
      out += a.write ? " W" : " R";
      out += static_cast<char>('0' + a.size_bytes);
      out += '[';
      append_hex(out, a.linear, 8);
      out += " p=";
      append_hex(out, a.physical, 8);
      out += "]=";
      append_hex(out, a.value, a.size_bytes * 2);
    }
    for (const PortAccessRecord& p : l.ports) {
      out += p.write ? " OUT" : " IN";
      out += static_cast<char>('0' + p.size_bytes);
      out += '[';
      append_hex(out, p.port, 4);
      out += "]=";
      append_hex(out, p.value, p.size_bytes * 2);
    }
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
