// Reading and writing guest memory for the debugger, without side effects on the guest:
// linear addresses translate through the guest page tables without setting accessed or
// dirty bits or filling the TLB (Mmu::peek_translate), and only RAM and ROM are read,
// never MMIO, whose reads acknowledge or consume device state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "cpu/cpu.h"
#include "mmu/physical_memory.h"

namespace trapeze {

std::optional<uint64_t> peek_translate(Cpu& cpu, uint64_t linear);
// Copies up to `n` bytes; returns how many could be read (stops at MMIO or unmapped).
size_t peek_physical(PhysicalMemory& memory, uint64_t physical, uint8_t* out, size_t n);
size_t peek_linear(Cpu& cpu, PhysicalMemory& memory, uint64_t linear, uint8_t* out, size_t n);
// Writes RAM (never ROM or MMIO) for the debugger, and drops decoded instructions.
size_t poke_linear(Cpu& cpu, PhysicalMemory& memory, uint64_t linear, const uint8_t* in, size_t n);

}  // namespace trapeze
