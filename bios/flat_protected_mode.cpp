#include "bios/flat_protected_mode.h"

#include <algorithm>
#include <vector>

#include "bios/le_bytes.h"
#include "cpu/descriptor.h"

namespace trapeze {

namespace {

// Segment::rights of the flat segments: present, DPL 0, code execute/read or data
// read/write, accessed (so the CPU never needs to write the descriptor), 32-bit, 4 KiB
// granular.
constexpr uint16_t kFlatFlags = rights::kGranularity | rights::kBig;
constexpr uint16_t kFlatCodeRights = kFlatFlags | rights::kPresent | rights::kNonSystem |
                                     rights::kCode | rights::kReadWrite | rights::kAccessed;
constexpr uint16_t kFlatDataRights =
    kFlatFlags | rights::kPresent | rights::kNonSystem | rights::kReadWrite | rights::kAccessed;
constexpr uint32_t kFlatLimit = 0xFFFFFFFF;

// A GDT entry for base 0, limit 0xFFFFF pages, with these rights (SDM vol. 3, 3.4.5):
// limit 15:0 in bytes 0-1, access byte in byte 5, limit 19:16 and flags in byte 6.
uint64_t flat_descriptor(uint16_t segment_rights) {
  const uint64_t access = segment_rights & 0xFF;
  const uint64_t flags = (segment_rights >> 12) & 0xF;
  return 0xFFFF | (access << 40) | (uint64_t{0xF} << 48) | (flags << 52);
}

}  // namespace

uint32_t flat_gdt_bytes(FlatSelectors selectors) {
  return (std::max(selectors.code, selectors.data) & ~7u) + 8u;
}

void enter_flat_protected_mode(Cpu& cpu, AddressMap& memory, uint32_t gdt_address,
                               FlatSelectors selectors) {
  std::vector<uint8_t> gdt(flat_gdt_bytes(selectors), 0);
  put_le64(gdt, selectors.code & ~7u, flat_descriptor(kFlatCodeRights));
  put_le64(gdt, selectors.data & ~7u, flat_descriptor(kFlatDataRights));
  memory.copy_to_guest(gdt_address, gdt);
  cpu.gdtr = DescriptorTable{gdt_address, static_cast<uint16_t>(gdt.size() - 1)};

  // Caches enabled (CD and NW clear), as firmware leaves them; PE before the segment
  // caches, so loading CS takes CPL from its selector.
  cpu.write_cr0(cr0::PE | cr0::ET);
  cpu.set_segment_cache(
      kCs, Segment{static_cast<uint16_t>(selectors.code & ~7u), 0, kFlatLimit, kFlatCodeRights});
  for (unsigned s : {kEs, kSs, kDs, kFs, kGs})
    cpu.set_segment_cache(
        s, Segment{static_cast<uint16_t>(selectors.data & ~7u), 0, kFlatLimit, kFlatDataRights});
  cpu.flags.write(flag::kReserved1);
  cpu.mmu().set_a20(true);
}

}  // namespace trapeze
