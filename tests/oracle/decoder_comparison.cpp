#include "tests/oracle/decoder_comparison.h"

#include "cpu/decoder.h"

namespace trapeze {

namespace {

const char* status_name(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::kOk:
      return "kOk";
    case DecodeStatus::kInvalid:
      return "kInvalid";
    case DecodeStatus::kTruncated:
      return "kTruncated";
    case DecodeStatus::kTooLong:
      return "kTooLong";
  }
  return "?";
}

std::string ours_text(DecodeStatus s, const Insn& insn) {
  std::string t = std::string("ours ") + status_name(s);
  if (s == DecodeStatus::kOk)
    t += " len " + std::to_string(insn.length) + " (" + mnemonic(insn) + ")";
  return t;
}

std::string zydis_text(const ZydisVerdict& z) {
  switch (z.kind) {
    case ZydisVerdict::Kind::kValid:
      return "zydis valid len " + std::to_string(z.length) + " (" + z.mnemonic + ")";
    case ZydisVerdict::Kind::kTooLong:
      return "zydis too long (" + z.status + ")";
    case ZydisVerdict::Kind::kInvalid:
      break;
  }
  return "zydis invalid (" + z.status + ")";
}

// The CPU fetches up to a page boundary and asks again when told kTruncated, so the
// decoder must give the same answer with exactly the instruction's bytes and ask for
// more with one byte fewer. Returns what went wrong, or "".
std::string check_truncation(const InsnBytes& bytes, unsigned code_size, const Insn& full) {
  Insn insn;
  DecodeStatus s = decode(bytes.data(), full.length, code_size, insn);
  if (s != DecodeStatus::kOk || insn.length != full.length)
    return std::string("; with exactly its ") + std::to_string(full.length) +
           " bytes: " + ours_text(s, insn);
  s = decode(bytes.data(), full.length - 1u, code_size, insn);
  if (s != DecodeStatus::kTruncated)
    return std::string("; with one byte fewer: ") + status_name(s) + " instead of kTruncated";
  return "";
}

}  // namespace

Comparison compare_decoders(const InsnBytes& bytes, unsigned code_size,
                            const ZydisReference& zydis) {
  Comparison c;
  c.zydis = zydis.decode(bytes.data(), bytes.size(), code_size);
  Insn insn;
  const DecodeStatus ours = decode(bytes.data(), bytes.size(), code_size, insn);
  const bool zydis_valid = c.zydis.kind == ZydisVerdict::Kind::kValid;
  using Outcome = Comparison::Outcome;

  switch (ours) {
    case DecodeStatus::kOk: {
      bool agree = zydis_valid && c.zydis.length == insn.length;
      std::string inconsistency;
      if (insn.length == 0 || insn.length > kMaxInsnBytes)
        inconsistency = "; length out of range";
      else
        inconsistency = check_truncation(bytes, code_size, insn);
      c.outcome = agree && inconsistency.empty() ? Outcome::kAgreed : Outcome::kDisagreed;
      c.detail = ours_text(ours, insn) + inconsistency;
      break;
    }
    case DecodeStatus::kTooLong:
      // Zydis rejecting the bytes for another reason (say, 14 prefixes and an undefined
      // opcode) is not a contradiction: both reject, and which fault wins is not a
      // question of length.
      c.outcome = c.zydis.kind == ZydisVerdict::Kind::kTooLong ? Outcome::kAgreed
                  : zydis_valid                                ? Outcome::kDisagreed
                                                               : Outcome::kBothReject;
      c.detail = ours_text(ours, insn);
      break;
    case DecodeStatus::kTruncated:
      // All 15 bytes were supplied: an instruction that needs more is too long, and
      // asking for more bytes would make the CPU fetch forever.
      c.outcome = Outcome::kDisagreed;
      c.detail = "ours kTruncated with 15 bytes available (expected kTooLong or a length)";
      break;
    case DecodeStatus::kInvalid:
      c.outcome = zydis_valid ? Outcome::kNotImplemented : Outcome::kBothReject;
      c.detail = ours_text(ours, insn);
      break;
  }
  if (c.outcome == Outcome::kDisagreed) c.detail += " | " + zydis_text(c.zydis);
  return c;
}

}  // namespace trapeze
