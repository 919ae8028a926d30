#include "frontend/gdb_stub.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <vector>

#include "frontend/gdb_packet.h"
#include "frontend/guest_peek.h"

namespace trapeze {

namespace {

// GDB's i386 register numbers: eax ecx edx ebx esp ebp esi edi (encoding order), eip,
// eflags, cs ss ds es fs gs, st0-st7 (10 bytes each), then fctrl fstat ftag fiseg fioff
// foseg fooff fop.
constexpr unsigned kEip = 8, kEflags = 9, kFirstSeg = 10, kFirstSt = 16, kFirstFpuControl = 24;
constexpr unsigned kRegisterCount = 32;
constexpr std::array<unsigned, 6> kGdbSegOrder = {kCs, kSs, kDs, kEs, kFs, kGs};

std::optional<uint64_t> hex_number(std::string_view s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string le32(uint32_t v) {
  const uint8_t b[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                        static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
  return to_hex(b, 4);
}

}  // namespace

std::string GdbStub::target_xml() {
  std::string regs;
  unsigned n = 0;
  auto reg = [&](const char* name, unsigned bits, const char* type, const char* group = nullptr) {
    regs += fmt::format("  <reg name=\"{}\" bitsize=\"{}\" type=\"{}\" regnum=\"{}\"{}/>\n", name,
                        bits, type, n++, group ? fmt::format(" group=\"{}\"", group) : "");
  };
  for (const char* r : {"eax", "ecx", "edx", "ebx"}) reg(r, 32, "int32");
  reg("esp", 32, "data_ptr");
  reg("ebp", 32, "data_ptr");
  reg("esi", 32, "int32");
  reg("edi", 32, "int32");
  reg("eip", 32, "code_ptr");
  reg("eflags", 32, "i386_eflags");
  for (const char* r : {"cs", "ss", "ds", "es", "fs", "gs"}) reg(r, 32, "int32");
  for (unsigned i = 0; i < 8; ++i) reg(fmt::format("st{}", i).c_str(), 80, "i387_ext");
  for (const char* r : {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"})
    reg(r, 32, "int", "float");
  return "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
         "<target version=\"1.0\">\n  <architecture>i386</architecture>\n"
         "  <feature name=\"org.gnu.gdb.i386.core\">\n"
         "  <flags id=\"i386_eflags\" size=\"4\">\n"
         "    <field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>\n"
         "    <field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" "
         "end=\"4\"/>\n"
         "    <field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" "
         "end=\"7\"/>\n"
         "    <field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" "
         "end=\"9\"/>\n"
         "    <field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" "
         "end=\"11\"/>\n"
         "    <field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" "
         "end=\"16\"/>\n"
         "    <field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" "
         "end=\"18\"/>\n"
         "    <field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" "
         "end=\"20\"/>\n"
         "    <field name=\"ID\" start=\"21\" end=\"21\"/>\n  </flags>\n" +
         regs + "  </feature>\n</target>\n";
}

std::string GdbStub::register_bytes(unsigned n) const {
  const Cpu& cpu = machine_.cpu();
  if (n < 8) return le32(static_cast<uint32_t>(cpu.gpr[n]));
  if (n == kEip) return le32(static_cast<uint32_t>(cpu.rip));
  if (n == kEflags) return le32(cpu.flags.read());
  if (n < kFirstSt) return le32(cpu.seg[kGdbSegOrder[n - kFirstSeg]].selector);
  if (n < kFirstFpuControl) {
    const fpu::Float80& f = cpu.fpu.st(n - kFirstSt);
    uint8_t b[10];
    for (unsigned i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(f.signif >> (8 * i));
    b[8] = static_cast<uint8_t>(f.sign_exp);
    b[9] = static_cast<uint8_t>(f.sign_exp >> 8);
    return to_hex(b, 10);
  }
  const X87& x = cpu.fpu;
  switch (n - kFirstFpuControl) {
    case 0:
      return le32(x.cw);
    case 1:
      return le32(x.sw);
    case 2:
      return le32(0xFFFF);  // the full tag word is derived state; report empty
    case 3:
      return le32(x.fcs);
    case 4:
      return le32(x.fip);
    case 5:
      return le32(x.fds);
    case 6:
      return le32(x.fdp);
    default:
      return le32(x.fop);
  }
}

std::string GdbStub::read_registers() const {
  std::string out;
  for (unsigned n = 0; n < kRegisterCount; ++n) out += register_bytes(n);
  return out;
}

bool GdbStub::write_register(unsigned n, uint32_t value) {
  Cpu& cpu = machine_.cpu();
  if (n < 8)
    cpu.gpr[n] = value;
  else if (n == kEip)
    cpu.rip = value;
  else if (n == kEflags)
    cpu.flags.write(value | flag::kReserved1);
  else if (n < kFirstSt) {
    // Loading a selector in protected mode means a descriptor load with its checks and
    // faults; only real mode's base = selector * 16 is done here.
    Segment& s = cpu.seg[kGdbSegOrder[n - kFirstSeg]];
    if (s.selector == value) return true;
    if (cpu.protected_mode()) return false;
    Segment cache = s;
    cache.selector = static_cast<uint16_t>(value);
    cache.base = uint64_t{cache.selector} << 4;
    cpu.set_segment_cache(kGdbSegOrder[n - kFirstSeg], cache);
  } else {
    return n < kRegisterCount;  // x87 writes are accepted and ignored
  }
  return true;
}

std::string GdbStub::read_memory(std::string_view args) {
  const size_t comma = args.find(',');
  const auto address = hex_number(args.substr(0, comma));
  const auto length =
      comma == std::string_view::npos ? std::nullopt : hex_number(args.substr(comma + 1));
  if (!address || !length || *length > 0x10000) return "E01";
  std::vector<uint8_t> bytes(*length);
  const size_t got =
      peek_linear(machine_.cpu(), machine_.memory(), *address, bytes.data(), *length);
  if (got == 0 && *length != 0) return "E14";
  return to_hex(bytes.data(), got);
}

std::string GdbStub::write_memory(std::string_view args) {
  const size_t comma = args.find(',');
  const size_t colon = args.find(':');
  if (comma == std::string_view::npos || colon == std::string_view::npos) return "E01";
  const auto address = hex_number(args.substr(0, comma));
  const auto length = hex_number(args.substr(comma + 1, colon - comma - 1));
  std::string bytes;
  if (!address || !length || !from_hex(args.substr(colon + 1), bytes) || bytes.size() != *length)
    return "E01";
  const size_t done = poke_linear(machine_.cpu(), machine_.memory(), *address,
                                  reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return done == bytes.size() ? "OK" : "E14";
}

std::string GdbStub::breakpoint(std::string_view args, bool insert) {
  // type,addr,kind
  const size_t c1 = args.find(',');
  const size_t c2 = args.find(',', c1 + 1);
  if (c1 == std::string_view::npos || c2 == std::string_view::npos) return "E01";
  const auto type = hex_number(args.substr(0, c1));
  const auto address = hex_number(args.substr(c1 + 1, c2 - c1 - 1));
  const auto length = hex_number(args.substr(c2 + 1));
  if (!type || !address || !length) return "E01";
  using Kind = Breakpoint::Kind;
  Kind kind;
  switch (*type) {
    case 0:
    case 1:
      kind = Kind::kExecute;
      break;
    case 2:
      kind = Kind::kWatchWrite;
      break;
    case 3:
      kind = Kind::kWatchRead;
      break;
    case 4:
      kind = Kind::kWatchAccess;
      break;
    default:
      return "";
  }
  if (insert) {
    debugger_.add_breakpoint(kind, *address, kind == Kind::kExecute ? 1 : *length);
    return "OK";
  }
  debugger_.remove_breakpoint(kind, *address);
  return "OK";
}

std::string GdbStub::stop_reply() const {
  const StopCause& cause = debugger_.stop_cause();
  if (cause.kind == StopCause::Kind::kWatchpoint) {
    for (const Breakpoint& b : debugger_.breakpoints()) {
      if (b.id != cause.breakpoint_id) continue;
      const char* what = b.kind == Breakpoint::Kind::kWatchWrite  ? "watch"
                         : b.kind == Breakpoint::Kind::kWatchRead ? "rwatch"
                                                                  : "awatch";
      return fmt::format("T05{}:{:x};", what, cause.address);
    }
  }
  if (cause.kind == StopCause::Kind::kBreakpoint) return "T05hwbreak:;";
  if (cause.kind == StopCause::Kind::kInterrupted) return "T02";  // SIGINT
  return "T05";
}

GdbStub::Response GdbStub::handle(std::string_view p) {
  auto reply = [](std::string r) { return Response{Action::kReply, std::move(r)}; };
  if (p.empty()) return reply("");
  switch (p[0]) {
    case '?':
      return reply(stop_reply());
    case 'g':
      return reply(read_registers());
    case 'G': {
      std::string bytes;
      if (!from_hex(p.substr(1), bytes) || bytes.size() < 16 * 4) return reply("E01");
      for (unsigned n = 0; n < 16; ++n) {
        uint32_t v;
        std::memcpy(&v, bytes.data() + 4 * n, 4);
        write_register(n, v);
      }
      return reply("OK");
    }
    case 'p': {
      const auto n = hex_number(p.substr(1));
      if (!n || *n >= kRegisterCount) return reply("E01");
      return reply(register_bytes(static_cast<unsigned>(*n)));
    }
    case 'P': {
      const size_t eq = p.find('=');
      const auto n = hex_number(p.substr(1, eq - 1));
      std::string bytes;
      if (eq == std::string_view::npos || !n || !from_hex(p.substr(eq + 1), bytes) ||
          bytes.size() < 4)
        return reply("E01");
      uint32_t v;
      std::memcpy(&v, bytes.data(), 4);
      return reply(write_register(static_cast<unsigned>(*n), v) ? "OK" : "E01");
    }
    case 'm':
      return reply(read_memory(p.substr(1)));
    case 'M':
      return reply(write_memory(p.substr(1)));
    case 'Z':
      return reply(breakpoint(p.substr(1), true));
    case 'z':
      return reply(breakpoint(p.substr(1), false));
    case 'c':
      return Response{Action::kContinue, {}};
    case 's':
      return Response{Action::kStep, {}};
    case 'D':
      return Response{Action::kDetach, "OK"};
    case 'k':
      return Response{Action::kKill, {}};
    case 'H':
      return reply("OK");
    case 'T':
      return reply("OK");  // the one thread is alive
    default:
      break;
  }
  if (p.starts_with("qSupported")) return reply("PacketSize=4000;qXfer:features:read+;hwbreak+");
  if (p.starts_with("qXfer:features:read:target.xml:")) {
    const std::string_view range = p.substr(std::strlen("qXfer:features:read:target.xml:"));
    const size_t comma = range.find(',');
    const auto offset = hex_number(range.substr(0, comma));
    const auto length =
        comma == std::string_view::npos ? std::nullopt : hex_number(range.substr(comma + 1));
    if (!offset || !length) return reply("E01");
    const std::string xml = target_xml();
    if (*offset >= xml.size()) return reply("l");
    const std::string part = xml.substr(*offset, *length);
    return reply((*offset + part.size() >= xml.size() ? "l" : "m") + part);
  }
  if (p == "qAttached") return reply("1");
  if (p == "qC") return reply("QC1");
  if (p == "qfThreadInfo") return reply("m1");
  if (p == "qsThreadInfo") return reply("l");
  return reply("");  // unsupported: the empty reply
}

}  // namespace trapeze
