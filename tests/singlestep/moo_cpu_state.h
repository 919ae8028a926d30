// Moving register values between a MOO test and a trapeze::Cpu. MOO lists registers in
// its own order (ax bx cx dx cs ss ds es sp bp si di ip flags); this is the one place
// that maps them, by name, to the CPU's registers.
#pragma once

#include <array>
#include <cstdint>

#include "cpu/cpu.h"
#include "tests/singlestep/moo_test.h"

namespace trapeze {

// The CPU's registers in MOO order, full width: a 16-bit instruction that disturbs the
// upper half of a 32-bit register shows up as a mismatch rather than being masked away.
using MooRegisterValues = std::array<uint64_t, kMooRegCount>;

// Loads the registers a test gives, real-mode style: segment base = selector << 4, limit
// and access rights as reset() left them. FLAGS bits 12-15 are cleared: a 286 in real
// mode cannot set them, so that is the state the hardware really had.
void load_registers(Cpu& cpu, const MooRegisters& regs);

MooRegisterValues read_registers(const Cpu& cpu);

// The segment registers MOO names, as trapeze segment numbers, in MOO order.
inline constexpr std::array<MooReg, 4> kMooSegments = {MooReg::cs, MooReg::ss, MooReg::ds,
                                                       MooReg::es};
unsigned trapeze_segment(MooReg r);

}  // namespace trapeze
