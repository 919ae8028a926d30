#include "frontend/monitor.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <sstream>
#include <vector>

#include "frontend/device_summary.h"
#include "frontend/disassembler.h"
#include "frontend/guest_peek.h"
#include "frontend/history_report.h"

namespace trapeze {

namespace {

constexpr std::string_view kHelp =
    "Addresses, ports and vectors are hex (0x optional); counts are decimal.\n"
    "  continue | c                 run until a breakpoint, Ctrl-C or the guest's end\n"
    "  step [N] | s [N]             run N instructions (default 1)\n"
    "  registers | r                registers, segment caches, tables, control registers\n"
    "  x ADDR [LEN]                 dump LEN bytes (default 64) at linear ADDR\n"
    "  xp ADDR [LEN]                dump LEN bytes at physical ADDR\n"
    "  disas [ADDR [N]]             disassemble N instructions (default 10) at linear ADDR\n"
    "                               (default CS:EIP)\n"
    "  translate ADDR               linear ADDR to physical through the guest page tables\n"
    "  break ADDR                   stop before executing linear ADDR\n"
    "  break-io PORT                stop after an access to I/O port PORT\n"
    "  break-exception VEC          stop when exception VEC is raised (handler entry)\n"
    "  break-interrupt VEC          stop when interrupt VEC is delivered (INT n or IRQ)\n"
    "  watch ADDR [LEN]             stop after a write to LEN bytes (default 1) at ADDR\n"
    "  watch-read ADDR [LEN]        stop after a read of them\n"
    "  breakpoints                  list breakpoints and watchpoints\n"
    "  delete ID | delete all       remove breakpoints\n"
    "  info pic|pit|apic|ide|devices  device state (read without side effects)\n"
    "  history [N]                  the last N steps (default --history)\n"
    "  quit | q                     stop trapeze\n";

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::optional<uint64_t> parse_number(std::string_view s, int base) {
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string hex_dump(uint64_t address, const uint8_t* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i += 16) {
    out += fmt::format("{:08x}:", address + i);
    for (size_t j = i; j < std::min(n, i + 16); ++j) out += fmt::format(" {:02x}", bytes[j]);
    out += "\n";
  }
  return out;
}

const char* kind_name(Breakpoint::Kind k) {
  switch (k) {
    case Breakpoint::Kind::kExecute:
      return "execute";
    case Breakpoint::Kind::kPort:
      return "io-port";
    case Breakpoint::Kind::kException:
      return "exception";
    case Breakpoint::Kind::kInterrupt:
      return "interrupt";
    case Breakpoint::Kind::kWatchWrite:
      return "watch-write";
    case Breakpoint::Kind::kWatchRead:
      return "watch-read";
    case Breakpoint::Kind::kWatchAccess:
      return "watch-access";
  }
  return "?";
}

}  // namespace

std::string Monitor::stop_line() {
  Cpu& cpu = machine_.cpu();
  const uint64_t linear = (cpu.seg[kCs].base + cpu.rip) & 0xFFFFFFFF;
  std::array<uint8_t, 15> bytes{};
  const size_t got = peek_linear(cpu, machine_.memory(), linear, bytes.data(), bytes.size());
  const Disassembly d = disassemble(std::span(bytes.data(), got), cpu.code32() ? 32 : 16, cpu.rip);
  return fmt::format("{:04x}:{:08x} L{:08x}  {}\n", cpu.seg[kCs].selector, cpu.rip, linear, d.text);
}

std::string Monitor::run_machine() {
  debugger_.resume();
  const RunResult r = machine_.run();
  debugger_.set_step_limit(0);
  std::string out;
  if (r.reason == StopReason::kStopRequested) {
    const StopCause& cause = debugger_.stop_cause();
    if (cause.kind == StopCause::Kind::kNone)
      out = "interrupted\n";
    else if (cause.kind != StopCause::Kind::kStep)
      out = "stopped: " + cause.description + "\n";
  } else {
    guest_end_ = r;
    out = "the guest stopped: " + describe(r) + "\n";
  }
  return out + stop_line();
}

std::string Monitor::execute(std::string_view line) {
  const std::vector<std::string> w = split(line);
  if (w.empty()) return "";
  const std::string& cmd = w[0];
  Cpu& cpu = machine_.cpu();
  auto arg = [&](size_t i, int base) -> std::optional<uint64_t> {
    return i < w.size() ? parse_number(w[i], base) : std::nullopt;
  };
  auto bad = [&] { return fmt::format("usage error in '{}' (try 'help')\n", line); };

  if (cmd == "help" || cmd == "h" || cmd == "?") return std::string(kHelp);
  if (cmd == "quit" || cmd == "q") {
    quit_ = true;
    return "";
  }
  if (cmd == "continue" || cmd == "c") return run_machine();
  if (cmd == "step" || cmd == "s" || cmd == "stepi" || cmd == "si") {
    const uint64_t n = w.size() > 1 ? arg(1, 10).value_or(0) : 1;
    if (n == 0) return bad();
    debugger_.set_step_limit(n);
    return run_machine();
  }
  if (cmd == "registers" || cmd == "r" || cmd == "regs" ||
      (cmd == "info" && w.size() > 1 && w[1] == "registers"))
    return register_report(cpu);
  if (cmd == "x" || cmd == "xp") {
    const auto address = arg(1, 16);
    const uint64_t length = w.size() > 2 ? arg(2, 10).value_or(0) : 64;
    if (!address || length == 0 || length > 65536) return bad();
    std::vector<uint8_t> bytes(length);
    const size_t got = cmd == "x"
                           ? peek_linear(cpu, machine_.memory(), *address, bytes.data(), length)
                           : peek_physical(machine_.memory(), *address, bytes.data(), length);
    std::string out = hex_dump(*address, bytes.data(), got);
    if (got < length)
      out += fmt::format("{:08x}: not readable ({})\n", *address + got,
                         cmd == "x" ? "not mapped, or not RAM/ROM" : "not RAM/ROM");
    return out;
  }
  if (cmd == "disas" || cmd == "u") {
    uint64_t address = (cpu.seg[kCs].base + cpu.rip) & 0xFFFFFFFF;
    uint64_t eip = cpu.rip;
    if (w.size() > 1) {
      const auto a = arg(1, 16);
      if (!a) return bad();
      eip = *a - cpu.seg[kCs].base;
      address = *a;
    }
    const uint64_t count = w.size() > 2 ? arg(2, 10).value_or(0) : 10;
    if (count == 0 || count > 1000) return bad();
    std::string out;
    for (uint64_t i = 0; i < count; ++i) {
      std::array<uint8_t, 15> bytes{};
      const size_t got = peek_linear(cpu, machine_.memory(), address, bytes.data(), bytes.size());
      if (got == 0) {
        out += fmt::format("{:08x}: not readable\n", address);
        break;
      }
      const Disassembly d = disassemble(std::span(bytes.data(), got), cpu.code32() ? 32 : 16, eip);
      const unsigned len = d.length != 0 ? d.length : 1;
      std::string hex;
      for (unsigned j = 0; j < len; ++j) hex += fmt::format("{:02x}", bytes[j]);
      out += fmt::format("{:08x}: {:<16} {}\n", address, hex, d.text);
      address += len;
      eip += len;
    }
    return out;
  }
  if (cmd == "translate") {
    const auto a = arg(1, 16);
    if (!a) return bad();
    const auto physical = peek_translate(cpu, *a);
    if (!physical) return fmt::format("{:08x}: not mapped (a guest access would #PF)\n", *a);
    return fmt::format("{:08x} -> {:08x}{}\n", *a, *physical,
                       cpu.mmu().paging().enabled ? "" : " (paging off)");
  }
  using Kind = Breakpoint::Kind;
  auto add = [&](Kind kind, int value_base, uint64_t max) -> std::string {
    const auto v = arg(1, value_base);
    const uint64_t length = w.size() > 2 ? arg(2, 10).value_or(0) : 1;
    if (!v || *v > max || length == 0) return bad();
    const unsigned id = debugger_.add_breakpoint(kind, *v, length);
    return fmt::format("breakpoint {}: {} {:x}\n", id, kind_name(kind), *v);
  };
  if (cmd == "break" || cmd == "b") return add(Kind::kExecute, 16, 0xFFFFFFFF);
  if (cmd == "break-io") return add(Kind::kPort, 16, 0xFFFF);
  if (cmd == "break-exception") return add(Kind::kException, 16, 0xFF);
  if (cmd == "break-interrupt") return add(Kind::kInterrupt, 16, 0xFF);
  if (cmd == "watch") return add(Kind::kWatchWrite, 16, 0xFFFFFFFF);
  if (cmd == "watch-read") return add(Kind::kWatchRead, 16, 0xFFFFFFFF);
  if (cmd == "breakpoints" || (cmd == "info" && w.size() > 1 && w[1] == "breakpoints")) {
    std::string out;
    for (const Breakpoint& b : debugger_.breakpoints())
      out += fmt::format("{}: {} {:x}{}\n", b.id, kind_name(b.kind), b.address,
                         b.kind >= Kind::kWatchWrite ? fmt::format(" length {}", b.length) : "");
    return out.empty() ? "no breakpoints\n" : out;
  }
  if (cmd == "delete" || cmd == "d") {
    if (w.size() > 1 && w[1] == "all") {
      debugger_.clear_breakpoints();
      return "";
    }
    const auto id = arg(1, 10);
    if (!id) return bad();
    return debugger_.remove_breakpoint(static_cast<unsigned>(*id)) ? "" : "no such breakpoint\n";
  }
  if (cmd == "info" && w.size() > 1) {
    if (w[1] == "pic") return pic_summary(machine_);
    if (w[1] == "pit") return pit_summary(machine_);
    if (w[1] == "apic") return apic_summary(machine_);
    if (w[1] == "ide") return ide_summary(machine_);
    if (w[1] == "devices")
      return pic_summary(machine_) + pit_summary(machine_) + apic_summary(machine_) +
             ide_summary(machine_);
    return bad();
  }
  if (cmd == "history") {
    const uint64_t n = w.size() > 1 ? arg(1, 10).value_or(0) : history_steps_;
    return history_report(machine_, static_cast<unsigned>(n));
  }
  return fmt::format("unknown command '{}' (try 'help')\n", cmd);
}

void Monitor::run_session(std::FILE* in, std::FILE* out) {
  std::fputs("trapeze monitor: 'help' lists the commands\n", out);
  std::fputs(stop_line().c_str(), out);
  std::string line;
  while (!quit_) {
    std::fputs("(trapeze) ", out);
    std::fflush(out);
    line.clear();
    int c;
    while ((c = std::fgetc(in)) != EOF && c != '\n') line += static_cast<char>(c);
    if (c == EOF && line.empty()) break;
    if (in != stdin || !isatty(fileno(in))) fmt::print(out, "{}\n", line);  // echo scripts
    std::fputs(execute(line).c_str(), out);
    std::fflush(out);
  }
}

}  // namespace trapeze
