// Intel-syntax disassembly for traces, the monitor and crash reports (Zydis, frontend
// only: the core never links it).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace trapeze {

struct Disassembly {
  unsigned length = 0;  // 0: the bytes do not decode
  std::string text;     // "(bad)" when they do not
};

// `bits` is the code size (16 or 32); `address` is the offset branch targets count from
// (EIP, so a real-mode jump shows the IP it lands on).
Disassembly disassemble(std::span<const uint8_t> bytes, unsigned bits, uint64_t address);

}  // namespace trapeze
