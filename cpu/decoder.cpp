#include "cpu/decoder.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cpu/cpu.h"
#include "cpu/opcode_table.h"
#include "cpu/registers.h"

namespace trapeze {

namespace {

// Immediate operand kinds, in the order they follow the ModRM/SIB/displacement bytes.
enum class Imm : uint8_t { kNone, kByte, kByteSigned, kWord, kZ, kV, kJb, kJz, kFarPtr, kMoffs };

// What the decoder needs to know about one row, derived from its operand string.
struct RowInfo {
  bool modrm = false;
  bool mem_only = false;
  bool reg_only = false;   // register form only (mod = 3 required)
  bool force_reg = false;  // MOV CR/DR: mod is ignored, the operand is always a register
  std::array<Imm, 2> imm{Imm::kNone, Imm::kNone};
};

RowInfo parse_operands(const OpcodeRow& row) {
  RowInfo info;
  unsigned imm_count = 0;
  std::string_view rest = row.operands;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view op = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (op.empty()) continue;
    Imm imm = Imm::kNone;
    switch (op[0]) {
      case 'E': case 'G': case 'S': case 'P': case 'Q': case 'V': case 'W': info.modrm = true; break;
      case 'M': info.modrm = true; info.mem_only = true; break;
      case 'R': case 'N': case 'U': info.modrm = true; info.reg_only = true; break;
      case 'C': case 'D': info.modrm = true; info.force_reg = true; break;
      case 'I':
        imm = op == "Ib" ? Imm::kByte : op == "Ibs" ? Imm::kByteSigned : op == "Iw" ? Imm::kWord
            : op == "Iz" ? Imm::kZ : op == "Iv" ? Imm::kV : Imm::kNone;
        break;
      case 'J': imm = op == "Jb" ? Imm::kJb : Imm::kJz; break;
      case 'A': imm = Imm::kFarPtr; break;
      case 'O': imm = Imm::kMoffs; break;
      default: break;  // fixed registers and constants: no encoding bytes
    }
    if (op[0] == 'I' && imm == Imm::kNone)
      throw std::logic_error(std::string("opcode table: bad operand ") + row.operands);
    if (imm != Imm::kNone) {
      if (imm_count == 2) throw std::logic_error("opcode table: more than two immediates");
      info.imm[imm_count++] = imm;
    }
  }
  if (info.force_reg) info.reg_only = info.mem_only = false;
  return info;
}

// The lookup structure built once from the rows: for each opcode, whether it has a ModRM
// byte, and the row for each (register/memory form, ModRM.reg) pair.
struct Tables {
  static constexpr uint16_t kNoRow = 0xFFFF;
  std::vector<OpcodeRow> rows;
  std::vector<RowInfo> info;
  std::array<bool, kOpcodeSlots> has_modrm{};
  std::array<bool, kOpcodeSlots> has_row{};
  // [opcode][ModRM.reg][ModRM.rm] for register forms (rm is ignored by most rows), and
  // [opcode][ModRM.reg] for memory forms and opcodes without ModRM.
  std::array<std::array<std::array<uint16_t, 8>, 8>, kOpcodeSlots> slot_reg{};
  std::array<std::array<uint16_t, 8>, kOpcodeSlots> slot_mem{};

  Tables() {
    for (auto& by_reg : slot_reg)
      for (auto& by_rm : by_reg) by_rm.fill(kNoRow);
    for (auto& by_reg : slot_mem) by_reg.fill(kNoRow);
    std::span<const OpcodeRow> all = opcode_rows();
    rows.assign(all.begin(), all.end());
    for (size_t n = 0; n < rows.size(); ++n) {
      const OpcodeRow& row = rows[n];
      RowInfo ri = parse_operands(row);
      info.push_back(ri);
      if (has_row[row.opcode] && has_modrm[row.opcode] != ri.modrm)
        throw std::logic_error(std::string("opcode table: inconsistent ModRM use: ") + row.mnemonic);
      has_row[row.opcode] = true;
      has_modrm[row.opcode] = ri.modrm;
      auto claim = [&](uint16_t& s) {
        if (s != kNoRow)
          throw std::logic_error(std::string("opcode table: duplicate row for ") + row.mnemonic);
        s = static_cast<uint16_t>(n);
      };
      for (int reg = 0; reg < 8; ++reg) {
        if (row.reg >= 0 && row.reg != reg) continue;
        const bool mem_form = !ri.reg_only && row.rm < 0;
        const bool reg_form = !ri.mem_only || ri.force_reg;
        if (mem_form) claim(slot_mem[row.opcode][reg]);
        if (reg_form)
          for (int rm = 0; rm < 8; ++rm)
            if (row.rm < 0 || row.rm == rm) claim(slot_reg[row.opcode][reg][rm]);
      }
    }
  }
};

// Never destroyed: the emulation thread may still be decoding while another thread
// calls exit() (Xlib does when the display connection breaks), and a static destructor
// would free the tables under it.
const Tables& tables() {
  static const Tables& t = *new Tables;
  return t;
}

void raise_invalid_opcode(Cpu& cpu, const Insn&) { cpu.raise(vec::kInvalidOpcode); }

// Reads little-endian bytes; tracks running out of bytes and the 15-byte limit.
class ByteReader {
 public:
  ByteReader(const uint8_t* bytes, size_t available) : bytes_(bytes), available_(available) {}
  bool ok() const { return !truncated_ && !too_long_; }
  bool too_long() const { return too_long_; }
  size_t pos() const { return pos_; }
  uint64_t take(unsigned count) {
    uint64_t v = 0;
    for (unsigned i = 0; i < count; ++i) {
      if (pos_ >= 15) {
        too_long_ = true;
        return 0;
      }
      if (pos_ >= available_) {
        truncated_ = true;
        return 0;
      }
      v |= uint64_t{bytes_[pos_++]} << (8 * i);
    }
    return v;
  }

 private:
  const uint8_t* bytes_;
  size_t available_;
  size_t pos_ = 0;
  bool truncated_ = false;
  bool too_long_ = false;
};

// The 16-bit addressing forms: base and index register for ModRM.rm 0-7.
constexpr uint8_t kBase16[8] = {kRbx, kRbx, kRbp, kRbp, kRsi, kRdi, kRbp, kRbx};
constexpr uint8_t kIndex16[8] = {kRsi, kRdi, kRsi, kRdi, kZeroReg, kZeroReg, kZeroReg, kZeroReg};

// Decodes the memory operand after ModRM; sets base/index/scale/disp and the default seg.
void decode_memory(ByteReader& in, Insn& insn) {
  const unsigned mod = insn.modrm >> 6;
  const unsigned rm = insn.modrm & 7;
  bool stack_default = false;
  if (insn.asize == 16) {
    if (mod == 0 && rm == 6) {
      insn.base = insn.index = kZeroReg;
      insn.disp = static_cast<int16_t>(in.take(2));
    } else {
      insn.base = kBase16[rm];
      insn.index = kIndex16[rm];
      stack_default = insn.base == kRbp;
      if (mod == 1) insn.disp = static_cast<int8_t>(in.take(1));
      if (mod == 2) insn.disp = static_cast<int16_t>(in.take(2));
    }
    insn.scale = 0;
  } else {
    unsigned base = rm;
    insn.index = kZeroReg;
    insn.scale = 0;
    if (rm == 4) {
      const uint8_t sib = static_cast<uint8_t>(in.take(1));
      base = sib & 7;
      const unsigned index = (sib >> 3) & 7;
      if (index != kRsp) insn.index = static_cast<uint8_t>(index);
      insn.scale = sib >> 6;
    }
    if (mod == 0 && base == kRbp) {
      insn.base = kZeroReg;
      insn.disp = static_cast<int32_t>(in.take(4));
    } else {
      insn.base = static_cast<uint8_t>(base);
      stack_default = base == kRsp || base == kRbp;
      if (mod == 1) insn.disp = static_cast<int8_t>(in.take(1));
      if (mod == 2) insn.disp = static_cast<int32_t>(in.take(4));
    }
  }
  if (!(insn.prefixes & prefix::kSegOverride)) insn.seg = stack_default ? kSs : kDs;
}

uint64_t sign_extend(uint64_t v, unsigned bytes) {
  const unsigned shift = 64 - 8 * bytes;
  return static_cast<uint64_t>(static_cast<int64_t>(v << shift) >> shift);
}

uint64_t take_immediate(ByteReader& in, Imm kind, const Insn& insn, uint16_t* selector) {
  const unsigned z = insn.osize == 16 ? 2 : 4;
  switch (kind) {
    case Imm::kByte: return in.take(1);
    case Imm::kByteSigned:
    case Imm::kJb: return sign_extend(in.take(1), 1);
    case Imm::kWord: return in.take(2);
    case Imm::kZ: return insn.osize == 64 ? sign_extend(in.take(4), 4) : in.take(z);
    case Imm::kJz: return sign_extend(in.take(z), z);
    case Imm::kV: return in.take(insn.osize / 8);
    case Imm::kFarPtr: {
      uint64_t offset = in.take(z);
      *selector = static_cast<uint16_t>(in.take(2));
      return offset;
    }
    case Imm::kMoffs: return in.take(insn.asize / 8);
    case Imm::kNone: break;
  }
  return 0;
}

}  // namespace

DecodeStatus decode(const uint8_t* bytes, size_t available, unsigned code_size, Insn& insn) {
  const Tables& t = tables();
  insn = Insn{};
  insn.handler = &raise_invalid_opcode;
  if (code_size == 64) return DecodeStatus::kInvalid;  // long mode decoding lands later
  ByteReader in(bytes, available);
  insn.seg = kDs;
  uint8_t b = 0;
  // Legacy prefixes, any order, any number (the 15-byte limit bounds them).
  for (;;) {
    b = static_cast<uint8_t>(in.take(1));
    if (!in.ok()) return in.too_long() ? DecodeStatus::kTooLong : DecodeStatus::kTruncated;
    switch (b) {
      case 0x66: insn.prefixes |= prefix::kOpSize; continue;
      case 0x67: insn.prefixes |= prefix::kAddrSize; continue;
      case 0xF0: insn.prefixes |= prefix::kLock; continue;
      case 0xF2: insn.prefixes = (insn.prefixes & ~prefix::kRep) | prefix::kRepne; continue;
      case 0xF3: insn.prefixes = (insn.prefixes & ~prefix::kRepne) | prefix::kRep; continue;
      case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
        insn.prefixes |= prefix::kSegOverride;
        insn.seg = b == 0x64 ? uint8_t{kFs} : b == 0x65 ? uint8_t{kGs} : static_cast<uint8_t>((b >> 3) & 3);
        continue;
      default: break;
    }
    break;
  }
  const bool wide = code_size == 32;
  insn.osize = (wide != bool(insn.prefixes & prefix::kOpSize)) ? 32 : 16;
  insn.asize = (wide != bool(insn.prefixes & prefix::kAddrSize)) ? 32 : 16;

  uint16_t opcode = b;
  if (b == 0x0F) {
    const uint16_t second = static_cast<uint16_t>(in.take(1));
    if (!in.ok()) return in.too_long() ? DecodeStatus::kTooLong : DecodeStatus::kTruncated;
    opcode = kMap0F | second;
    // A mandatory prefix: the last of F2/F3 wins over 66 (SDM vol. 2, 2.1.2).
    const uint16_t rep_map = (insn.prefixes & prefix::kRep)     ? kMap0FF3
                             : (insn.prefixes & prefix::kRepne) ? kMap0FF2
                                                                : 0;
    // With F2/F3 present but no form of theirs, 66 selects nothing either.
    if (rep_map) {
      if (t.has_row[rep_map | second]) opcode = rep_map | second;
    } else if ((insn.prefixes & prefix::kOpSize) && t.has_row[kMap0F66 | second]) {
      opcode = kMap0F66 | second;
      insn.osize = wide ? 32 : 16;  // selects the instruction, not the operand size
    }
  }
  unsigned reg_field = 0;
  bool reg_form = true;
  if (t.has_modrm[opcode]) {
    insn.has_modrm = true;
    insn.modrm = static_cast<uint8_t>(in.take(1));
    if (!in.ok()) return in.too_long() ? DecodeStatus::kTooLong : DecodeStatus::kTruncated;
    reg_field = (insn.modrm >> 3) & 7;
    reg_form = (insn.modrm >> 6) == 3;
    insn.reg = static_cast<uint8_t>(reg_field);
    insn.rm = insn.modrm & 7;
  } else {
    insn.reg = opcode & 7;  // the register encoded in the opcode (PUSH r, MOV r,imm, BSWAP r)
  }
  uint16_t row_index = reg_form ? t.slot_reg[opcode][reg_field][insn.modrm & 7]
                                : t.slot_mem[opcode][reg_field];
  constexpr uint8_t kSimdPrefixes = prefix::kOpSize | prefix::kRep | prefix::kRepne;
  if (row_index != Tables::kNoRow && (t.rows[row_index].attributes & attr::kNoSimdPrefix) &&
      (insn.prefixes & kSimdPrefixes))
    row_index = Tables::kNoRow;
  if (row_index == Tables::kNoRow) {
    // Still consume the ModRM memory bytes so callers learn a length where one exists.
    if (insn.has_modrm && !reg_form) decode_memory(in, insn);
    insn.length = static_cast<uint8_t>(in.pos());
    return DecodeStatus::kInvalid;
  }
  const OpcodeRow& row = t.rows[row_index];
  const RowInfo& info = t.info[row_index];
  insn.row = row_index;
  if (info.force_reg) {
    insn.modrm |= 0xC0;  // MOV CR/DR ignore mod: always a register operand
  } else if (insn.has_modrm && !reg_form) {
    decode_memory(in, insn);
  }
  for (size_t n = 0; n < info.imm.size() && info.imm[n] != Imm::kNone; ++n) {
    uint16_t selector = 0;
    const uint64_t value = take_immediate(in, info.imm[n], insn, &selector);
    if (n == 0) {
      insn.imm = value;
      if (info.imm[n] == Imm::kFarPtr) insn.imm2 = selector;
    } else {
      insn.imm2 = static_cast<uint16_t>(value);  // ENTER's nesting level
    }
  }
  if (!in.ok()) return in.too_long() ? DecodeStatus::kTooLong : DecodeStatus::kTruncated;
  insn.length = static_cast<uint8_t>(in.pos());
  if ((insn.prefixes & prefix::kLock) && (!(row.attributes & attr::kLockable) || !insn.is_mem()))
    return DecodeStatus::kInvalid;  // LOCK on a non-lockable form is #UD
  insn.handler = row.pick(Form{insn.is_mem(), insn.osize, insn.asize});
  if (row.attributes & attr::kPlaceholder) return DecodeStatus::kInvalid;
  return DecodeStatus::kOk;
}

const char* mnemonic(const Insn& insn) {
  const Tables& t = tables();
  return insn.row < t.rows.size() ? t.rows[insn.row].mnemonic : "(bad)";
}

std::span<const OpcodeRow> opcode_rows() {
  // Never destroyed, like tables().
  static const std::vector<OpcodeRow>& all = *new std::vector<OpcodeRow>([] {
    std::vector<OpcodeRow> rows;
    for (auto family : {alu_rows, move_rows, stack_rows, control_rows, string_rows, shift_rows,
                        muldiv_rows, bcd_rows, bit_rows, flag_rows, io_rows, system_rows,
                        exchange_rows, protected_rows, msr_rows, x87_arith_rows,
                        x87_load_store_rows, x87_compare_rows, x87_transcendental_rows,
                        x87_stack_rows, x87_control_rows, x87_env_rows, simd_state_rows,
                        simd_int_rows, simd_move_rows, sse_arith_rows, sse_convert_rows}) {
      std::vector<OpcodeRow> part = family();
      rows.insert(rows.end(), part.begin(), part.end());
    }
    return rows;
  }());
  return all;
}

}  // namespace trapeze
