// The CPU harness's input: a scenario header (mode, paging, control registers, general
// registers, descriptor tables) followed by the instruction bytes. The header is a list
// of fields read in order (visit), so the harness (FieldReader) and the seed generator
// (FieldWriter) cannot disagree about the layout.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::fuzz {

enum class CpuMode : uint8_t { kReal, kProtected16, kProtected32, kUser32, kVirtual8086 };
inline constexpr unsigned kCpuModeCount = 5;
enum class Paging : uint8_t { kOff, k4KiB, kPse, kPae };
inline constexpr unsigned kPagingCount = 4;

// Bits of CpuScenario::options.
namespace cpu_option {
inline constexpr uint16_t kUnreal = 1u << 0;          // real mode with 4 GiB data limits
inline constexpr uint16_t kNoExecute = 1u << 1;       // EFER.NXE (with PAE)
inline constexpr uint16_t kDebugRegisters = 1u << 2;  // DR0-DR3 and DR7 from the header
inline constexpr uint16_t kRawStack = 1u << 3;        // ESP as given, not the mode's stack
inline constexpr uint16_t kShortGdt = 1u << 4;        // GDTR limit from the header
inline constexpr uint16_t kShortIdt = 1u << 5;        // IDTR limit from the header
inline constexpr uint16_t kGlobalPages = 1u << 6;     // G in every page table entry
inline constexpr uint16_t kNoLdt = 1u << 7;           // LDTR null
inline constexpr uint16_t kPic = 1u << 8;             // the 8259s initialised, PIT ticking
}  // namespace cpu_option

// Bits of CpuScenario::idt_style.
namespace idt_style {
inline constexpr uint8_t kKindMask = 3;  // 0 interrupt gate 32, 1 trap gate 32, 2 16-bit, 3 task
inline constexpr uint8_t kDpl0 = 1u << 2;
inline constexpr uint8_t kUserTarget = 1u << 3;
inline constexpr uint8_t kNotPresent = 1u << 4;
}  // namespace idt_style

struct PageTableFlip {
  uint16_t entry = 0;  // entry index into the page-table area (see cpu_fuzz.cpp)
  uint8_t xor_low = 0;
};

struct GateOverride {
  uint8_t vector = 0;
  uint32_t low = 0, high = 0;
};

struct CpuScenario {
  uint8_t mode = 0;      // CpuMode, modulo kCpuModeCount
  uint8_t paging = 0;    // Paging, modulo kPagingCount
  uint8_t cr0_bits = 0;  // MP, EM, TS, NE, WP, AM, CD, NW
  uint8_t cr4_bits = 0;  // VME, PVI, TSD, DE, PGE, PCE, OSFXSR, OSXMMEXCPT
  uint16_t options = 0;
  uint8_t idt_style = 0;
  uint8_t call_gate_params = 0;
  uint16_t entry = 0;    // offset of the first instruction in the code area
  uint16_t handler = 0;  // offset of the exception handlers in the code area
  uint32_t eflags = 0;
  std::array<uint32_t, 8> gpr{};
  std::array<uint16_t, 4> real_selectors{};  // real and v86 mode: ES, SS, DS, FS (GS = FS)
  std::array<uint32_t, 4> dr{};
  uint32_t dr7 = 0;
  uint16_t gdt_limit = 0, idt_limit = 0;
  std::array<uint32_t, 2 * 12> random_descriptors{};  // GDT slots 12-23, low and high words
  std::array<uint8_t, 16> io_bitmap{};          // repeated over ports 0-0x3FF; the rest denied
  std::array<uint8_t, 8> redirection_bitmap{};  // repeated over the 32 bytes
  std::array<PageTableFlip, 6> flips{};
  std::array<GateOverride, 4> gates{};

  template <typename Archive>
  void visit(Archive& a) {
    a(mode), a(paging), a(cr0_bits), a(cr4_bits), a(options), a(idt_style), a(call_gate_params);
    a(entry), a(handler), a(eflags);
    for (auto& r : gpr) a(r);
    for (auto& s : real_selectors) a(s);
    for (auto& d : dr) a(d);
    a(dr7), a(gdt_limit), a(idt_limit);
    for (auto& w : random_descriptors) a(w);
    for (auto& b : io_bitmap) a(b);
    for (auto& b : redirection_bitmap) a(b);
    for (auto& f : flips) a(f.entry), a(f.xor_low);
    for (auto& g : gates) a(g.vector), a(g.low), a(g.high);
  }
};

}  // namespace trapeze::fuzz
