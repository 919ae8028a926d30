#include "tests/oracle/zydis_reference.h"

#include <Zydis/Zydis.h>

#include <cstdio>
#include <stdexcept>

namespace trapeze {

// Zydis' default decoder modes are kept (MPX, CET, LZCNT, TZCNT and CLDEMOTE reinterpret
// some NOP and BSF/BSR encodings); none of them changes an instruction's length.
struct ZydisReference::Decoders {
  ZydisDecoder legacy16;
  ZydisDecoder legacy32;
};

ZydisReference::ZydisReference() : decoders_(std::make_unique<Decoders>()) {
  if (!ZYAN_SUCCESS(ZydisDecoderInit(&decoders_->legacy16, ZYDIS_MACHINE_MODE_LEGACY_16,
                                     ZYDIS_STACK_WIDTH_16)) ||
      !ZYAN_SUCCESS(ZydisDecoderInit(&decoders_->legacy32, ZYDIS_MACHINE_MODE_LEGACY_32,
                                     ZYDIS_STACK_WIDTH_32)))
    throw std::runtime_error("ZydisDecoderInit failed");
}

ZydisReference::~ZydisReference() = default;

namespace {

std::string status_name(ZyanStatus s) {
  switch (s) {
    case ZYDIS_STATUS_NO_MORE_DATA:
      return "no more data";
    case ZYDIS_STATUS_DECODING_ERROR:
      return "decoding error";
    case ZYDIS_STATUS_INSTRUCTION_TOO_LONG:
      return "too long";
    case ZYDIS_STATUS_BAD_REGISTER:
      return "bad register";
    case ZYDIS_STATUS_ILLEGAL_LOCK:
      return "illegal LOCK";
    case ZYDIS_STATUS_ILLEGAL_LEGACY_PFX:
      return "illegal legacy prefix";
    case ZYDIS_STATUS_ILLEGAL_REX:
      return "illegal REX";
    case ZYDIS_STATUS_INVALID_MAP:
      return "invalid map";
    case ZYDIS_STATUS_MALFORMED_EVEX:
      return "malformed EVEX";
    case ZYDIS_STATUS_MALFORMED_MVEX:
      return "malformed MVEX";
    case ZYDIS_STATUS_INVALID_MASK:
      return "invalid mask";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "status %08x", static_cast<unsigned>(s));
      return buf;
    }
  }
}

std::string family_of(const ZydisDecodedInstruction& insn) {
  char buf[32];
  switch (insn.encoding) {
    case ZYDIS_INSTRUCTION_ENCODING_3DNOW:
      return "0F 0F (3DNow!)";
    case ZYDIS_INSTRUCTION_ENCODING_XOP:
      return "XOP";
    case ZYDIS_INSTRUCTION_ENCODING_VEX:
      return "VEX";
    case ZYDIS_INSTRUCTION_ENCODING_EVEX:
      return "EVEX";
    case ZYDIS_INSTRUCTION_ENCODING_MVEX:
      return "MVEX";
    default:
      break;
  }
  switch (insn.opcode_map) {
    case ZYDIS_OPCODE_MAP_DEFAULT:
      std::snprintf(buf, sizeof buf, "%02X", insn.opcode);
      return buf;
    case ZYDIS_OPCODE_MAP_0F:
      std::snprintf(buf, sizeof buf, "0F %02X", insn.opcode);
      return buf;
    // SSSE3 and later: one bucket per map is detail enough.
    case ZYDIS_OPCODE_MAP_0F38:
      return "0F 38 xx";
    case ZYDIS_OPCODE_MAP_0F3A:
      return "0F 3A xx";
    default:
      return "other map";
  }
}

}  // namespace

ZydisVerdict ZydisReference::decode(const uint8_t* bytes, size_t available,
                                    unsigned code_size) const {
  const ZydisDecoder* d = code_size == 16 ? &decoders_->legacy16 : &decoders_->legacy32;
  ZydisDecodedInstruction insn;
  ZyanStatus s = ZydisDecoderDecodeInstruction(d, nullptr, bytes, available, &insn);
  ZydisVerdict v;
  if (ZYAN_SUCCESS(s)) {
    v.kind = ZydisVerdict::Kind::kValid;
    v.length = insn.length;
    v.mnemonic = ZydisMnemonicGetString(insn.mnemonic);
    v.family = family_of(insn);
    return v;
  }
  v.status = status_name(s);
  // Given the full 15 bytes, running out of data means the instruction would be longer.
  if (s == ZYDIS_STATUS_INSTRUCTION_TOO_LONG || s == ZYDIS_STATUS_NO_MORE_DATA)
    v.kind = ZydisVerdict::Kind::kTooLong;
  return v;
}

}  // namespace trapeze
