// The skip table. To add a rule: one row, the files it covers, an optional predicate
// (a small function above the table), and a reason a reader can check against the
// manuals. Rules are matched in order; the first match counts.
//
// Predicates decide from the test alone (bytes, initial state, what the 286 did) with the
// helpers at the end of this file, never with trapeze's decoder: a rule must not be able
// to hide a bug in the implementation under test. Each is kept as narrow as the
// difference it describes, so a test that could reveal a real bug still runs.
#include "tests/singlestep/skip_list.h"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace trapeze {

namespace {

// The general registers in x86 encoding order (ModRM reg/rm numbering).
constexpr std::array<MooReg, 8> kWordRegs = {MooReg::ax, MooReg::cx, MooReg::dx, MooReg::bx,
                                             MooReg::sp, MooReg::bp, MooReg::si, MooReg::di};
constexpr uint16_t kDirectionFlag = 0x0400;

bool one_of(uint16_t value, std::initializer_list<uint16_t> list) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// ---- Predicates ----

// The forms LOCK may prefix on a 386 and later (Intel SDM, "LOCK--Assert LOCK# Signal
// Prefix"): ADD ADC AND BTC BTR BTS CMPXCHG CMPXCHG8B DEC INC NEG NOT OR SBB SUB XOR
// XADD XCHG, each only with a memory destination. Anything else raises #UD.
bool lockable_on_a_386(const MooTest& test) {
  const uint16_t op = opcode(test);
  const unsigned reg = modrm_reg(test);
  bool form = false;
  if (op < 0x38 && (op & 7) <= 1)
    form = true;  // ADD OR ADC SBB AND SUB XOR Eb/Ev,Gb/Gv (00 01 08 09 ... 30 31)
  else if (one_of(op, {0x80, 0x81, 0x82, 0x83}))
    form = reg != 7;  // group 1 except CMP
  else if (one_of(op, {0x86, 0x87}))
    form = true;  // XCHG
  else if (one_of(op, {0xF6, 0xF7}))
    form = reg == 2 || reg == 3;  // NOT NEG
  else if (one_of(op, {0xFE, 0xFF}))
    form = reg <= 1;  // INC DEC
  else if (one_of(op, {0x0FAB, 0x0FB3, 0x0FBB, 0x0FB0, 0x0FB1, 0x0FC0, 0x0FC1}))
    form = true;  // BTS BTR BTC, CMPXCHG, XADD
  else if (op == 0x0FBA)
    form = reg >= 5;  // BTS BTR BTC imm8 (/4 is BT, which only reads: not lockable)
  else if (op == 0x0FC7)
    form = reg == 1;  // CMPXCHG8B
  return form && modrm_mod(test) != 3;
}

// When the 286 raised #UD itself (an opcode or operand form it does not have), a 386's
// #UD for the LOCK is the same outcome, so those tests run.
bool lock_on_unlockable_form(const MooTest& test) {
  return has_prefix(test, 0xF0) && !lockable_on_a_386(test) && !took_interrupt(test, 6);
}

bool too_long_for_a_286(const MooTest& test) {
  return insn_length(test) > 10 && took_interrupt(test, 13);
}

bool moves_fs_or_gs(const MooTest& test) {
  const unsigned reg = modrm_reg(test);
  return (reg == 4 || reg == 5) && took_interrupt(test, 6);
}

// MOVSW CMPSW STOSW LODSW SCASW INSW OUTSW that faulted on a word at offset FFFFh, in the
// first iteration or (with REP) a later one.
bool word_string_overrun(const MooTest& test) {
  if (!took_interrupt(test, 13)) return false;
  const uint16_t op = opcode(test);
  const bool uses_si = op == 0xA5 || op == 0xA7 || op == 0xAD || op == 0x6F;
  const bool uses_di = op == 0xA5 || op == 0xA7 || op == 0xAB || op == 0xAF || op == 0x6D;
  const bool rep = has_prefix(test, 0xF2) || has_prefix(test, 0xF3);
  const uint32_t iterations = rep ? initial_reg(test, MooReg::cx) : 1;
  const uint16_t step = (initial_reg(test, MooReg::flags) & kDirectionFlag) ? 0xFFFE : 2;
  uint16_t si = initial_reg(test, MooReg::si);
  uint16_t di = initial_reg(test, MooReg::di);
  for (uint32_t i = 0; i < iterations; ++i, si += step, di += step)
    if ((uses_si && si == 0xFFFF) || (uses_di && di == 0xFFFF)) return true;
  return false;
}

// POP Ev whose memory operand (not the stack read) is a word at offset FFFFh.
bool pop_to_memory_overrun(const MooTest& test) {
  if (!took_interrupt(test, 13) || initial_reg(test, MooReg::sp) == 0xFFFF) return false;
  const std::optional<MemoryOperand> mem = memory_operand(test);
  return mem && word_at_ffff(mem->offset, mem->size);
}

// The overrun that raised interrupt 13 is SS-relative: an implicit stack word, or an
// SS-relative memory operand, at offset FFFFh.
bool stack_segment_overrun(const MooTest& test) {
  if (!took_interrupt(test, 13)) return false;
  if (stack_word_at_ffff(test)) return true;
  const std::optional<MemoryOperand> mem = memory_operand(test);
  return mem && mem->segment == MooReg::ss && word_at_ffff(mem->offset, mem->size);
}

// D4 ib with ib = 0 (the byte after the opcode), which raised #DE.
bool aam_zero(const MooTest& test) { return modrm_byte(test) == 0 && took_interrupt(test, 0); }

// IDIV (F6 /7, F7 /7) whose true quotient, from the initial dividend and divisor, does
// not fit the destination (or whose divisor is 0), and yet the 286 raised no exception.
bool idiv_overflow_missed(const MooTest& test) {
  if (test.exception) return false;
  const bool word = opcode(test) == 0xF7;
  int32_t divisor = 0;
  const unsigned rm = modrm_byte(test) & 7;
  if (modrm_mod(test) == 3) {
    const uint16_t r = initial_reg(test, kWordRegs[word ? rm : rm & 3]);
    divisor = word ? int16_t(r) : int8_t(rm < 4 ? r : r >> 8);  // AL CL DL BL AH CH DH BH
  } else {
    const std::optional<MemoryOperand> mem = memory_operand(test);
    if (!mem || !mem->segment) return false;
    const uint8_t lo = initial_ram(test, initial_linear(test, *mem->segment, mem->offset));
    const uint8_t hi =
        initial_ram(test, initial_linear(test, *mem->segment, uint16_t(mem->offset + 1)));
    divisor = word ? int16_t(lo | hi << 8) : int8_t(lo);
  }
  const uint16_t ax = initial_reg(test, MooReg::ax);
  const int64_t dividend =
      word ? int32_t(uint32_t{initial_reg(test, MooReg::dx)} << 16 | ax) : int16_t(ax);
  if (divisor == 0) return true;
  const int64_t quotient = dividend / divisor;  // truncates toward zero, as IDIV does
  const int64_t limit = word ? 0x8000 : 0x80;
  return quotient < -limit || quotient >= limit;
}

constexpr SkipRule kRules[] = {
    {"D8 D9 DA DB DC DD DE DF", nullptr,
     "x87 escape: the captured 286 had no coprocessor and treats ESC as a no-op with a "
     "memory operand, trapeze is a P6 with an x87 that executes it (tests/fpu checks it "
     "against the host's x87 instead)"},
    {"*", lock_on_unlockable_form,
     "LOCK (F0) on a form a 386 cannot lock (SDM LOCK page: ADD ADC AND BTC BTR BTS "
     "CMPXCHG(8B) DEC INC NEG NOT OR SBB SUB XOR XADD XCHG with a memory destination): "
     "the 286 executes the instruction, a 386 raises #UD (tests where the 286 raised #UD "
     "too still run)"},
    {"*", too_long_for_a_286,
     "instruction longer than 10 bytes (prefixes included): the 286 raises interrupt 13 "
     "past 10 bytes, a 386 allows 15"},
    {"8C 8E", moves_fs_or_gs,
     "MOV to or from segment register 4 or 5: the 286 has no FS/GS and raises #UD, a 386 "
     "moves FS/GS"},
    {"A5 A7 AB AD AF 6D 6F", word_string_overrun,
     "word string instruction faulting on a word at offset FFFFh: the 286 has already "
     "advanced SI/DI (and CX) when it raises interrupt 13, a 386 faults before changing "
     "any register"},
    {"8F", pop_to_memory_overrun,
     "POP Ev whose memory operand is a word at offset FFFFh: the 286 raises interrupt 13 "
     "with SP already incremented, a 386 faults with SP restored (and as #SS when the "
     "operand is SS-relative)"},
    {"*", stack_segment_overrun,
     "stack-segment overrun (an implicit push/pop, or an SS-relative operand, with a word "
     "at SS:FFFFh): the 286 reports every real-mode segment overrun as interrupt 13, a "
     "386 reports an SS-relative one as #SS (interrupt 12)"},
    {"D4", aam_zero,
     "AAM 0: the 286 updates SF, ZF and PF before raising #DE, a 386 raises #DE with the "
     "flags unchanged"},
    {"F6.7 F7.7", idiv_overflow_missed,
     "IDIV whose quotient does not fit: the 286's overflow check misses some such cases "
     "and returns a wrong quotient and remainder, a 386 raises #DE"},
};

// True when `name` is one of the space-separated names in `list`, or "X.Y" and X is,
// or the list holds "*".
bool covers(std::string_view list, std::string_view name) {
  std::string_view base = name.substr(0, name.find('.'));
  while (!list.empty()) {
    size_t space = list.find(' ');
    std::string_view item = list.substr(0, space);
    if (!item.empty() && (item == "*" || item == name || item == base)) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

uint8_t byte_at(const MooTest& test, size_t i) { return i < test.bytes.size() ? test.bytes[i] : 0; }

// The segment register of the last segment-override prefix: nullopt for none; FS and GS
// (64, 65) give `fs_or_gs`, since MOO records neither (no 286 has them).
std::optional<MooReg> last_segment_prefix(const MooTest& test, bool& fs_or_gs) {
  std::optional<MooReg> seg;
  fs_or_gs = false;
  for (size_t i = 0, n = prefix_count(test); i < n; ++i) {
    const uint8_t p = test.bytes[i];
    if (p == 0x64 || p == 0x65) {
      seg.reset();
      fs_or_gs = true;
    } else if (p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E) {
      seg = p == 0x26 ? MooReg::es : p == 0x2E ? MooReg::cs : p == 0x36 ? MooReg::ss : MooReg::ds;
      fs_or_gs = false;
    }
  }
  return seg;
}

// Bytes an instruction reads or writes at its ModRM memory operand; 0 for LEA (no
// access), ESC (D8-DF) and forms not modelled.
unsigned memory_operand_size(uint16_t op, unsigned reg) {
  if (op < 0x40 && (op & 7) < 4) return (op & 1) ? 2 : 1;  // ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev
  if (one_of(op, {0x80, 0x82, 0x84, 0x86, 0x88, 0x8A, 0xC0, 0xC6, 0xD0, 0xD2, 0xF6, 0xFE}))
    return 1;
  if (one_of(op, {0x63, 0x69, 0x6B, 0x81, 0x83, 0x85, 0x87, 0x89, 0x8B, 0x8C, 0x8E, 0x8F}) ||
      one_of(op, {0xC1, 0xC7, 0xD1, 0xD3, 0xF7, 0x0F00, 0x0F02, 0x0F03}))
    return 2;
  // BOUND m16&16, LES/LDS m16:16; CALL/JMP far m16:16 (FF /7 is undefined).
  if (one_of(op, {0x62, 0xC4, 0xC5})) return 4;
  if (op == 0xFF) return reg == 3 || reg == 5 ? 4 : reg == 7 ? 0 : 2;
  // SGDT SIDT LGDT LIDT m16&32; SMSW LMSW m16 (/5 and /7 are not 286 instructions).
  if (op == 0x0F01) return reg <= 3 ? 6 : (reg == 4 || reg == 6) ? 2 : 0;
  return 0;
}

}  // namespace

std::span<const SkipRule> skip_rules() { return kRules; }

const SkipRule* find_skip_rule(std::string_view opcode, const MooTest& test) {
  for (const SkipRule& rule : kRules)
    if (covers(rule.opcodes, opcode) && (rule.applies == nullptr || rule.applies(test)))
      return &rule;
  return nullptr;
}

size_t prefix_count(const MooTest& test) {
  size_t n = 0;
  while (n < test.bytes.size()) {
    switch (test.bytes[n]) {
      case 0x26:
      case 0x2E:
      case 0x36:
      case 0x3E:
      case 0x64:
      case 0x65:
      case 0x66:
      case 0x67:
      case 0xF0:
      case 0xF2:
      case 0xF3:
        ++n;
        continue;
      default:
        return n;
    }
  }
  return n;
}

bool has_prefix(const MooTest& test, uint8_t prefix) {
  for (size_t i = 0, n = prefix_count(test); i < n; ++i)
    if (test.bytes[i] == prefix) return true;
  return false;
}

uint16_t opcode(const MooTest& test) {
  const size_t n = prefix_count(test);
  const uint8_t first = byte_at(test, n);
  return first == 0x0F ? uint16_t(0x0F00 | byte_at(test, n + 1)) : first;
}

size_t after_opcode(const MooTest& test) {
  const size_t n = prefix_count(test);
  return n + (byte_at(test, n) == 0x0F ? 2 : 1);
}

bool has_modrm(uint16_t op) {
  if (op < 0x40) return (op & 7) < 4;
  if (op < 0x100) {
    return op == 0x62 || op == 0x63 || op == 0x69 || op == 0x6B || (op >= 0x80 && op <= 0x8F) ||
           op == 0xC0 || op == 0xC1 || (op >= 0xC4 && op <= 0xC7) || (op >= 0xD0 && op <= 0xD3) ||
           (op >= 0xD8 && op <= 0xDF) || op == 0xF6 || op == 0xF7 || op == 0xFE || op == 0xFF;
  }
  const uint8_t b = op & 0xFF;  // 0F xx
  return b <= 0x03 || (b >= 0x20 && b <= 0x26) || (b >= 0x90 && b <= 0x9F) || b == 0xA3 ||
         b == 0xA4 || b == 0xA5 || (b >= 0xAB && b <= 0xAD) || b == 0xAF ||
         (b >= 0xB0 && b <= 0xB7) || (b >= 0xBA && b <= 0xBF) || b == 0xC0 || b == 0xC1 ||
         b == 0xC7;
}

uint8_t initial_ram(const MooTest& test, uint32_t address) {
  constexpr uint32_t kBusMask = 0xFFFFFF;  // the 286's 24-bit address bus
  uint8_t value = 0;
  for (const MooRamByte& b : test.initial.ram)
    if ((b.address & kBusMask) == (address & kBusMask)) value = b.value;
  return value;
}

std::optional<MooReg> segment_override(const MooTest& test) {
  bool fs_or_gs = false;
  return last_segment_prefix(test, fs_or_gs);
}

std::optional<MemoryOperand> memory_operand(const MooTest& test) {
  const uint16_t op = opcode(test);
  const size_t at = after_opcode(test);
  if (at >= test.bytes.size()) return std::nullopt;
  bool fs_or_gs = false;
  const std::optional<MooReg> override = last_segment_prefix(test, fs_or_gs);
  auto segment = [&](MooReg default_segment) -> std::optional<MooReg> {
    if (fs_or_gs) return std::nullopt;
    return override.value_or(default_segment);
  };
  auto word_at = [&](size_t i) { return uint16_t(byte_at(test, i) | byte_at(test, i + 1) << 8); };

  if (op >= 0xA0 && op <= 0xA3)  // MOV AL/AX <-> moffs16
    return MemoryOperand{segment(MooReg::ds), word_at(at), (op & 1) ? 2u : 1u};
  if (!has_modrm(op)) return std::nullopt;

  const uint8_t modrm = test.bytes[at];
  const unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  if (mod == 3) return std::nullopt;
  auto r = [&](MooReg x) { return initial_reg(test, x); };
  uint16_t offset = 0;
  bool bp_based = false;
  if (mod == 0 && rm == 6) {
    offset = word_at(at + 1);  // disp16 alone
  } else {
    const uint16_t bx = r(MooReg::bx), bp = r(MooReg::bp), si = r(MooReg::si), di = r(MooReg::di);
    const uint16_t base[8] = {
        uint16_t(bx + si), uint16_t(bx + di), uint16_t(bp + si), uint16_t(bp + di), si, di, bp, bx};
    offset = base[rm];
    bp_based = rm == 2 || rm == 3 || rm == 6;
    if (mod == 1) offset += uint16_t(int8_t(byte_at(test, at + 1)));
    if (mod == 2) offset += word_at(at + 1);
  }
  return MemoryOperand{segment(bp_based ? MooReg::ss : MooReg::ds), offset,
                       memory_operand_size(op, reg)};
}

uint32_t initial_linear(const MooTest& test, MooReg segment, uint16_t offset) {
  return (uint32_t{initial_reg(test, segment)} << 4) + offset;
}

bool word_at_ffff(uint16_t offset, unsigned size) {
  for (unsigned i = 0; i + 1 < size; i += 2)
    if (uint16_t(offset + i) == 0xFFFF) return true;
  return false;
}

bool stack_word_at_ffff(const MooTest& test) {
  const uint16_t sp = initial_reg(test, MooReg::sp);
  const uint16_t bp = initial_reg(test, MooReg::bp);
  const uint16_t op = opcode(test);
  unsigned pushes = 0, pops = 0;
  if (one_of(op, {0x06, 0x0E, 0x16, 0x1E, 0x68, 0x6A, 0x9C, 0xE8, 0x0FA0, 0x0FA8}) ||
      (op >= 0x50 && op <= 0x57)) {
    pushes = 1;  // PUSH sreg/imm/reg, PUSHF, CALL rel16
  } else if (op == 0x9A) {
    pushes = 2;  // CALL far: CS, IP
  } else if (one_of(op, {0xCC, 0xCD, 0xCE})) {
    pushes = 3;  // INT3, INT n, INTO: FLAGS, CS, IP
  } else if (op == 0x60) {
    pushes = 8;  // PUSHA
  } else if (one_of(op, {0x07, 0x17, 0x1F, 0x8F, 0x9D, 0xC2, 0xC3, 0x0FA1, 0x0FA9}) ||
             (op >= 0x58 && op <= 0x5F)) {
    pops = 1;  // POP sreg/Ev/reg, POPF, RET near
  } else if (op == 0xCA || op == 0xCB) {
    pops = 2;  // RETF: IP, CS
  } else if (op == 0xCF) {
    pops = 3;  // IRET: IP, CS, FLAGS
  } else if (op == 0x61) {
    pops = 8;  // POPA
  } else if (op == 0xFF) {
    const unsigned reg = modrm_reg(test);  // CALL near (/2), CALL far (/3), PUSH (/6)
    pushes = (reg == 2 || reg == 6) ? 1 : reg == 3 ? 2 : 0;
  } else if (op == 0xC9) {
    return bp == 0xFFFF;  // LEAVE: SP = BP, then POP BP
  } else if (op == 0xC8) {
    // ENTER imm16, imm8: push BP, copy level-1 frame pointers from [BP-2k], push the frame.
    const unsigned level = byte_at(test, after_opcode(test) + 2) & 31;
    for (unsigned k = 1; k < level; ++k)
      if (uint16_t(bp - 2 * k) == 0xFFFF) return true;
    pushes = 1 + level;
  }
  for (unsigned k = 1; k <= pushes; ++k)
    if (uint16_t(sp - 2 * k) == 0xFFFF) return true;
  for (unsigned k = 0; k < pops; ++k)
    if (uint16_t(sp + 2 * k) == 0xFFFF) return true;
  return false;
}

}  // namespace trapeze
