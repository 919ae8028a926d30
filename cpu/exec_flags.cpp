// Flag instructions: CLC STC CMC CLI STI CLD STD, LAHF SAHF, PUSHF POPF.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

template <uint32_t Mask, bool On>
void set_flag(Cpu& c, const Insn&) {
  c.flags.set(Mask, On);
}
void cmc(Cpu& c, const Insn&) { c.flags.set(flag::CF, !c.flags.cf()); }

// CLI/STI are IOPL-sensitive in protected and virtual-8086 mode.
void require_iopl(Cpu& c) {
  if (c.protected_mode() && c.cpl() > c.iopl()) c.raise(vec::kGeneral, 0);
}
void sti(Cpu& c, const Insn&) {
  require_iopl(c);
  // Interrupts stay blocked until after the next instruction (STI; HLT is race-free).
  if (!c.flags.get(flag::IF)) c.inhibit_interrupts();
  c.flags.set(flag::IF, true);
}
void cli(Cpu& c, const Insn&) {
  require_iopl(c);
  c.flags.set(flag::IF, false);
}

constexpr uint32_t kLowFlags = flag::SF | flag::ZF | flag::AF | flag::PF | flag::CF;
void lahf(Cpu& c, const Insn&) {
  c.set_reg8(4, static_cast<uint8_t>((c.flags.read() & kLowFlags) | flag::kReserved1));
}
void sahf(Cpu& c, const Insn&) { c.flags.write_masked(c.reg8(4), kLowFlags); }

struct Pushf {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    if (c.v86_mode() && c.iopl() < 3) c.raise(vec::kGeneral, 0);
    // VM and RF always read as 0 in the pushed image.
    c.push<T>(static_cast<T>(c.flags.read() & ~(flag::VM | flag::RF)));
  }
};
struct Popf {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    if (c.v86_mode() && c.iopl() < 3) c.raise(vec::kGeneral, 0);
    const T v = c.pop<T>();
    c.write_eflags(v, static_cast<uint32_t>(static_cast<T>(~T{0})));
  }
};

}  // namespace

std::vector<OpcodeRow> flag_rows() {
  return {
      {0xF8, -1, "clc", "", pick<set_flag<flag::CF, false>>},
      {0xF9, -1, "stc", "", pick<set_flag<flag::CF, true>>},
      {0xF5, -1, "cmc", "", pick<cmc>},
      {0xFA, -1, "cli", "", pick<cli>},
      {0xFB, -1, "sti", "", pick<sti>},
      {0xFC, -1, "cld", "", pick<set_flag<flag::DF, false>>},
      {0xFD, -1, "std", "", pick<set_flag<flag::DF, true>>},
      {0x9F, -1, "lahf", "", pick<lahf>},
      {0x9E, -1, "sahf", "", pick<sahf>},
      {0x9C, -1, "pushf", "", pick_vo<Pushf>, attr::kDefault64},
      {0x9D, -1, "popf", "", pick_vo<Popf>, attr::kDefault64},
  };
}

}  // namespace trapeze
