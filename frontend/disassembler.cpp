#include "frontend/disassembler.h"

#include <Zydis/Zydis.h>

namespace trapeze {

Disassembly disassemble(std::span<const uint8_t> bytes, unsigned bits, uint64_t address) {
  const ZydisMachineMode mode = bits == 16   ? ZYDIS_MACHINE_MODE_LEGACY_16
                                : bits == 64 ? ZYDIS_MACHINE_MODE_LONG_64
                                             : ZYDIS_MACHINE_MODE_LEGACY_32;
  ZydisDisassembledInstruction insn;
  if (!ZYAN_SUCCESS(ZydisDisassembleIntel(mode, address, bytes.data(), bytes.size(), &insn)))
    return Disassembly{0, "(bad)"};
  return Disassembly{insn.info.length, insn.text};
}

}  // namespace trapeze
