// Instruction decoder: bytes in, a decoded instruction with its handler out. Driven
// entirely by the opcode table (cpu/opcode_table.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "cpu/insn.h"

namespace trapeze {

enum class DecodeStatus {
  kOk,         // a form trapeze implements; insn.length is its length
  kInvalid,    // no such instruction form (#UD); insn.handler raises #UD
  kTruncated,  // the bytes ran out before the instruction ended: supply more
  kTooLong,    // longer than 15 bytes (#GP(0))
};

// `code_size` is the default operand/address size of the code segment: 16, 32 or 64.
DecodeStatus decode(const uint8_t* bytes, size_t available, unsigned code_size, Insn& out);

// The mnemonic of a decoded instruction's opcode-table row ("add", "movsb", ...).
const char* mnemonic(const Insn& insn);

}  // namespace trapeze
