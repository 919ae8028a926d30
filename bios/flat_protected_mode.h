// The CPU state a boot loader leaves for a 32-bit kernel (multiboot; later the Linux
// 32-bit boot protocol): protected mode without paging, every segment flat (base 0,
// limit 4 GiB), interrupts off, A20 on, and a GDT in guest RAM that holds the loaded
// descriptors, so a kernel that reloads a segment register with the same selector
// gets the same segment.
#pragma once

#include <cstdint>

#include "cpu/cpu.h"
#include "mmu/address_map.h"

namespace trapeze {

struct FlatSelectors {
  uint16_t code = 0x08;  // a multiple of 8: a GDT selector with RPL 0
  uint16_t data = 0x10;
};

// Bytes of the GDT for `selectors`: up to and including the higher of the two slots.
uint32_t flat_gdt_bytes(FlatSelectors selectors);

// Writes the GDT at `gdt_address` (flat_gdt_bytes() of guest RAM; slots other than the
// two are null), loads GDTR, sets CR0.PE (PG clear), CS to the code selector and DS, ES,
// FS, GS, SS to the data selector, EFLAGS to 0x2 and enables A20. General registers and
// EIP are the caller's.
void enter_flat_protected_mode(Cpu& cpu, AddressMap& memory, uint32_t gdt_address,
                               FlatSelectors selectors);

}  // namespace trapeze
