#include "tests/singlestep/test_runner.h"

#include <cstdio>
#include <exception>
#include <map>
#include <optional>

#include "cpu/cpu.h"
#include "tests/singlestep/moo_cpu_state.h"

namespace trapeze {

namespace {

// FLAGS bits 12-15 (IOPL, NT, bit 15) are fixed at 0 in 286 real mode but writable on a
// 386, so they are never compared (FORMAT.md step 3).
constexpr uint16_t kComparableFlags = 0x0FFF;

std::string hex(uint64_t v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// Names of the FLAGS bits set in `bits`, to make a flags mismatch readable at a glance.
std::string flag_names(uint16_t bits) {
  static constexpr const char* kNames[16] = {"CF", "b1", "PF", "b3", "AF",  "b5",  "ZF",  "SF",
                                             "TF", "IF", "DF", "OF", "b12", "b13", "b14", "b15"};
  std::string s;
  for (unsigned i = 0; i < 16; ++i)
    if ((bits >> i) & 1) {
      if (!s.empty()) s += ' ';
      s += kNames[i];
    }
  return s;
}

// Executes until HLT. Returns a description of what went wrong, or "" on a clean halt.
//
// This steps rather than calling Cpu::run(): run()'s budget counts retired instructions,
// and a faulting instruction does not retire, so a CPU caught in a fault loop (a #UD
// the 286 did not raise, vectoring through the all-zero IVT into more faulting code)
// would never return from it. Counting steps bounds that loop too.
std::string run_to_halt(Cpu& cpu) {
  const uint64_t start = cpu.instructions_retired();
  uint64_t steps = 0;
  try {
    while (!cpu.halted()) {
      if (cpu.shutdown()) return "CPU shut down (triple fault)";
      const uint64_t retired = cpu.instructions_retired() - start;
      if (retired >= SingleStepRunner::kInstructionBudget)
        return "did not halt within " + std::to_string(retired) + " instructions";
      if (steps - retired >= SingleStepRunner::kFaultBudget)
        return "did not halt: " + std::to_string(steps - retired) +
               " exceptions delivered without progress (" + std::to_string(retired) +
               " instructions retired)";
      cpu.step();
      ++steps;
    }
  } catch (const CpuException& e) {
    return "CPU exception " + std::to_string(e.vector) + " escaped the instruction loop";
  } catch (const std::exception& e) {
    return std::string("the CPU threw: ") + e.what();
  } catch (...) {
    return "the CPU threw an unknown exception";
  }
  return "";
}

// Where the interrupt pushed FLAGS. EXCP's address is the 286's bus address, which is
// word-aligned: with an odd SP it is one below the FLAGS word. The handler's SS:SP (the
// final state) pins the word down exactly -- IP, CS, FLAGS sit at SP, SP+2, SP+4 -- and
// is used when it agrees with EXCP to within that alignment.
std::optional<uint64_t> pushed_flags_address(const MooTest& test) {
  if (!test.exception) return std::nullopt;
  const uint64_t bus_address = test.exception->flags_address & FlatMemory::kAddressMask;
  auto final_reg = [&](MooReg r) {
    return test.final_state.regs.has(r) ? test.final_state.regs.get(r) : test.initial.regs.get(r);
  };
  const uint64_t from_stack =
      ((uint64_t{final_reg(MooReg::ss)} << 4) + ((final_reg(MooReg::sp) + 4u) & 0xFFFF)) &
      FlatMemory::kAddressMask;
  return from_stack == bus_address || from_stack == bus_address + 1 ? from_stack : bus_address;
}

}  // namespace

TestOutcome SingleStepRunner::run(const MooTest& test, uint16_t flags_mask, bool verbose) {
  TestOutcome out;
  memory_.clear();
  Cpu& cpu = cpu_;
  cpu.reset();
  load_registers(cpu, test.initial.regs);
  // FORMAT.md step 1: A20 on, so FFFF:FFFF reaches 0x10FFEF. reset() leaves it on; the
  // check saves a TLB flush per test (a 64 KiB clear, a noticeable share of run time).
  if (!cpu.mmu().a20()) cpu.mmu().set_a20(true);
  for (const MooRamByte& b : test.initial.ram) memory_.poke(b.address, b.value);
  const MooRegisterValues before = read_registers(cpu);

  out.problem = run_to_halt(cpu);
  const MooRegisterValues after = read_registers(cpu);

  // Registers: named ones must equal the final state, the others must be unchanged.
  const uint16_t compared_flags = kComparableFlags & flags_mask;
  bool mismatch = false;
  for (unsigned i = 0; i < kMooRegCount; ++i) {
    const MooReg r = static_cast<MooReg>(i);
    const bool named = test.final_state.regs.has(r);
    const uint64_t expected = named ? test.final_state.regs.get(r) : before[i];
    const bool is_flags = r == MooReg::flags;
    const uint64_t differs =
        is_flags ? (expected ^ after[i]) & compared_flags : expected ^ after[i];
    mismatch |= differs != 0;
    if (differs == 0 && !verbose) continue;
    std::string line = std::string("  ") + kMooRegNames[i];
    line.resize(10, ' ');
    line += "initial " + hex(before[i], 4) + "  expected " + hex(expected, 4) + "  actual " +
            hex(after[i], 4) + (differs ? "  <--" : "");
    if (is_flags && differs)
      line += " differs in " + flag_names(static_cast<uint16_t>(differs)) + " (compared bits " +
              hex(compared_flags, 4) + ")";
    out.diff.push_back(line);
  }
  // Real-mode segment bases must follow their selectors, or the next instruction would
  // use a stale base even when this one's results look right.
  for (MooReg r : kMooSegments) {
    const Segment& s = cpu.seg[trapeze_segment(r)];
    if (s.base == uint64_t{s.selector} << 4) continue;
    mismatch = true;
    out.diff.push_back(std::string("  ") + kMooRegNames[static_cast<unsigned>(r)] + ".base  " +
                       "expected " + hex(uint64_t{s.selector} << 4, 5) +
                       " (selector << 4)  actual " + hex(s.base, 5) + "  <--");
  }

  // Memory: the final state lists the bytes that changed; every other byte the test
  // loaded must still hold its initial value.
  std::map<uint64_t, uint8_t> expected_ram;
  std::map<uint64_t, uint8_t> initial_ram;
  for (const MooRamByte& b : test.initial.ram) {
    expected_ram[b.address & FlatMemory::kAddressMask] = b.value;
    initial_ram[b.address & FlatMemory::kAddressMask] = b.value;
  }
  for (const MooRamByte& b : test.final_state.ram)
    expected_ram[b.address & FlatMemory::kAddressMask] = b.value;
  // The FLAGS an interrupt pushed have the same undefined bits as FLAGS itself.
  const std::optional<uint64_t> pushed_flags = pushed_flags_address(test);
  auto byte_mask = [&](uint64_t address) -> uint8_t {
    if (!pushed_flags) return 0xFF;
    if (address == *pushed_flags) return static_cast<uint8_t>(compared_flags);
    if (address == ((*pushed_flags + 1) & FlatMemory::kAddressMask))
      return static_cast<uint8_t>(compared_flags >> 8);
    return 0xFF;
  };
  for (const auto& [address, value] : expected_ram) {
    uint8_t actual = memory_.peek(address);
    uint8_t mask = byte_mask(address);
    bool differs = ((actual ^ value) & mask) != 0;
    mismatch |= differs;
    if (!differs && !verbose) continue;
    auto init = initial_ram.find(address);
    out.diff.push_back(
        "  ram[" + hex(address, 6) + "]  initial " +
        (init == initial_ram.end() ? std::string("--") : hex(init->second, 2)) + "  expected " +
        hex(value, 2) + "  actual " + hex(actual, 2) +
        (mask != 0xFF ? "  (pushed FLAGS, compared bits " + hex(mask, 2) + ")" : "") +
        (differs ? "  <--" : ""));
  }
  // Memory starts zeroed, so a non-zero byte the test never mentions was written by the
  // CPU where the 286 wrote nothing (or wrote a different address).
  constexpr int kStrayWritesShown = 16;
  int stray = 0;
  memory_.for_each_nonzero([&](uint64_t address, uint8_t value) {
    if (expected_ram.count(address) != 0) return;
    mismatch = true;
    if (++stray <= kStrayWritesShown)
      out.diff.push_back("  ram[" + hex(address, 6) + "]  written " + hex(value, 2) +
                         ", the 286 did not write here  <--");
  });
  if (stray > kStrayWritesShown)
    out.diff.push_back("  ... and " + std::to_string(stray - kStrayWritesShown) +
                       " more such bytes");

  out.passed = out.problem.empty() && !mismatch;
  return out;
}

}  // namespace trapeze
