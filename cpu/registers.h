// The architectural register file, laid out for x86-64 from the start: sixteen 64-bit
// general registers, RIP, segment registers with their descriptor caches, control regs.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze {

// General register numbers as encoded in ModRM/REX.
enum Gpr : uint8_t {
  kRax, kRcx, kRdx, kRbx, kRsp, kRbp, kRsi, kRdi,
  kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15,
  kZeroReg,  // always reads 0: the "no base / no index" slot of address computation
};
inline constexpr unsigned kGprSlots = 17;

// Segment register numbers as encoded in instructions.
enum SegReg : uint8_t { kEs, kCs, kSs, kDs, kFs, kGs };
inline constexpr unsigned kSegCount = 6;

// A segment register: the visible selector and the hidden descriptor cache. In real mode
// base = selector << 4; the limit and rights survive a return from protected mode
// ("unreal mode"), which is why they are stored rather than derived.
struct Segment {
  uint16_t selector = 0;
  uint64_t base = 0;
  uint32_t limit = 0xFFFF;  // byte granular, already expanded
  uint16_t rights = 0x93;   // access byte (bits 0-7) and G/D/L/AVL (bits 12-15 of dword 2)
};

// EFLAGS bits.
namespace flag {
inline constexpr uint32_t CF = 1u << 0;
inline constexpr uint32_t kReserved1 = 1u << 1;  // always reads 1
inline constexpr uint32_t PF = 1u << 2;
inline constexpr uint32_t AF = 1u << 4;
inline constexpr uint32_t ZF = 1u << 6;
inline constexpr uint32_t SF = 1u << 7;
inline constexpr uint32_t TF = 1u << 8;
inline constexpr uint32_t IF = 1u << 9;
inline constexpr uint32_t DF = 1u << 10;
inline constexpr uint32_t OF = 1u << 11;
inline constexpr uint32_t IOPL = 3u << 12;
inline constexpr uint32_t NT = 1u << 14;
inline constexpr uint32_t RF = 1u << 16;
inline constexpr uint32_t VM = 1u << 17;
inline constexpr uint32_t AC = 1u << 18;
inline constexpr uint32_t VIF = 1u << 19;
inline constexpr uint32_t VIP = 1u << 20;
inline constexpr uint32_t ID = 1u << 21;
inline constexpr uint32_t kArith = CF | PF | AF | ZF | SF | OF;
}  // namespace flag

namespace cr0 {
inline constexpr uint64_t PE = 1u << 0;
inline constexpr uint64_t MP = 1u << 1;
inline constexpr uint64_t EM = 1u << 2;
inline constexpr uint64_t TS = 1u << 3;
inline constexpr uint64_t ET = 1u << 4;
inline constexpr uint64_t NE = 1u << 5;
inline constexpr uint64_t WP = 1u << 16;
inline constexpr uint64_t AM = 1u << 18;
inline constexpr uint64_t NW = 1u << 29;
inline constexpr uint64_t CD = 1u << 30;
inline constexpr uint64_t PG = 1u << 31;
}  // namespace cr0

struct DescriptorTable {
  uint64_t base = 0;
  uint16_t limit = 0xFFFF;
};

}  // namespace trapeze
