// One hardware-captured test as a MOO file stores it: the state before, the instruction
// bytes, the state after. The format is described in FORMAT.md next to the test data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trapeze {

// The registers in MOO's REGS bit order (bit 0 = ax). This is not the x86 encoding order
// (ax cx dx bx ...), which is why the runner maps them by name.
enum class MooReg : uint8_t { ax, bx, cx, dx, cs, ss, ds, es, sp, bp, si, di, ip, flags };
inline constexpr unsigned kMooRegCount = 14;
inline constexpr std::array<const char*, kMooRegCount> kMooRegNames = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"};

struct MooRegisters {
  uint16_t present = 0;  // bit n set: register n is given
  std::array<uint16_t, kMooRegCount> value{};

  bool has(MooReg r) const { return (present >> static_cast<unsigned>(r)) & 1; }
  uint16_t get(MooReg r) const { return value[static_cast<unsigned>(r)]; }
};

struct MooRamByte {
  uint32_t address = 0;
  uint8_t value = 0;
};

struct MooState {
  MooRegisters regs;
  std::vector<MooRamByte> ram;
};

// The EXCP chunk: the instruction took an interrupt (an exception or a software INT n).
struct MooException {
  uint8_t vector = 0;
  uint32_t flags_address = 0;  // linear address of the FLAGS word it pushed
};

struct MooTest {
  uint32_t index = 0;
  std::string name;            // disassembly, e.g. "add [bx+0Eh],bl"
  std::vector<uint8_t> bytes;  // the instruction, prefixes included, then the trailing F4
  MooState initial;
  MooState final_state;
  std::optional<MooException> exception;
  std::string hash_hex;  // lower-case hex of the HASH chunk; empty when absent
};

struct MooFile {
  uint8_t version = 0;
  std::string cpu;  // "C286"
  std::vector<MooTest> tests;
};

}  // namespace trapeze
