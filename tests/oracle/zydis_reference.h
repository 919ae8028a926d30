// Zydis as the reference decoder: for a byte string, is it an instruction in this mode,
// and how long? Only this file and its .cpp include Zydis.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace trapeze {

struct ZydisVerdict {
  enum class Kind { kValid, kTooLong, kInvalid };
  Kind kind = Kind::kInvalid;
  unsigned length = 0;   // when valid
  std::string mnemonic;  // when valid
  std::string status;    // Zydis' reason when not valid
  // When valid: the opcode family, for the "not implemented" table: "C8", "0F A2",
  // "0F 38 map", "VEX", ...
  std::string family;
};

class ZydisReference {
 public:
  ZydisReference();
  ~ZydisReference();  // out of line: Decoders is complete only in the .cpp
  ZydisReference(const ZydisReference&) = delete;
  ZydisReference& operator=(const ZydisReference&) = delete;

  // `code_size`: 16 or 32 (legacy modes with that default operand and stack size).
  ZydisVerdict decode(const uint8_t* bytes, size_t available, unsigned code_size) const;

 private:
  struct Decoders;
  std::unique_ptr<Decoders> decoders_;
};

}  // namespace trapeze
